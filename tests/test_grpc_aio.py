"""Tests of itero.grpc with grpc.aio: real aio servers and channels on 127.0.0.1, port 0.

Every test runs its own event loop (``asyncio.run``), and the module runs with warnings as
errors: a task left pending, a coroutine never awaited or an unclosed call fails the test.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import tracemalloc
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Sequence,
)
from concurrent import futures
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
import grpc.aio
import inventory_pb2_grpc
import pytest
from inventory_pb2 import ListAllNodesRequest, ListNodesRequest, Node, NodeBatch, StreamNodesRequest

from _grpc_inventory import (
    AioInventory,
    Production,
    Recorder,
    Settings,
    framed_size,
    node,
    start_aio_server,
    start_sync_server,
    wait_closed,
)
from itero import AsyncIter, Err, Ok, Page, PageRecord, Result
from itero.grpc import (
    DEFAULT_MAX_MESSAGE_BYTES,
    RpcFailure,
    StreamMessageTooLargeError,
    afrom_unary_pages,
    aiter_stream,
    aiter_stream_results,
    astream_batches,
    astream_handler,
    astream_messages,
    decode_batch,
    encode_batch,
    from_unary_pages,
    iter_stream,
    iter_stream_results,
    resource_exhausted_as_too_large,
    stream_batches,
    stream_handler,
)

pytestmark = pytest.mark.filterwarnings("error")

T = TypeVar("T")
WAIT = 30.0  # seconds: a bound on waiting, never an assertion on time


def _is_grpcio_internal(task_or_report: object) -> bool:
    """Whether a task or a loop report belongs to grpcio itself, not to itero or the test.

    grpc.aio's server keeps a task per RPC (``_schedule_rpc_coro``, ``_handle_exceptions``)
    for a moment after ``server.stop()``, and its completion-queue poller may run a callback
    after the loop is closed ("Event loop is closed", ``PollerCompletionQueue``): both come
    and go with thread timing, and neither is something itero created or could release.
    """
    text = repr(task_or_report)
    return "grpc/_cython" in text or "PollerCompletionQueue" in text


def run(main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main()`` in a fresh event loop (as asyncio.run), failing after WAIT seconds.

    Fails if a task is left pending when ``main`` returns (asyncio.run would cancel it
    silently) or if the loop reports an error (a task destroyed while pending, an exception
    never retrieved); grpcio's own tasks and poller are not counted (``_is_grpcio_internal``).
    """
    reported: list[dict[str, object]] = []

    async def bounded() -> T:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _loop, context: reported.append(context))
        result = await asyncio.wait_for(main(), WAIT)
        for _ in range(3):  # let finalizers scheduled by the last closes run
            await asyncio.sleep(0)
        pending = [
            t
            for t in asyncio.all_tasks()
            if t is not asyncio.current_task() and not _is_grpcio_internal(t)
        ]
        assert pending == [], f"tasks left pending: {pending}"
        return result

    result = asyncio.run(bounded())
    ours = [report for report in reported if not _is_grpcio_internal(report)]
    assert ours == [], f"the event loop reported: {ours}"
    return result


def numbers(request: bytes, context: grpc.ServicerContext) -> Iterable[int]:
    return range(int(request or b"10"))


def number_bytes(i: int) -> bytes:
    return b"%d" % i


def generic(service: str, method: str, handler: Any) -> Callable[[Any], None]:
    """Register ``handler`` as ``/service/method`` on a sync or an aio server."""
    return lambda server: server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler(service, {method: handler})]
    )


@asynccontextmanager
async def aio_channel(
    register: Callable[[grpc.aio.Server], None],
) -> AsyncGenerator[grpc.aio.Channel, None]:
    """A grpc.aio server on 127.0.0.1:0 set up by ``register``, and a channel to it.

    The channel is closed and the server stopped on the way out, whatever happened.
    """
    server = grpc.aio.server()
    register(server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield channel
    finally:
        await server.stop(None)


@contextmanager
def sync_channel(register: Callable[[grpc.Server], None]) -> Generator[grpc.Channel, None, None]:
    """A grpc.server on 127.0.0.1:0 set up by ``register``, and a channel to it (as above)."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    register(server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield channel
    finally:
        server.stop(None).wait(WAIT)


class TestSyncAdaptersRefuseAio:
    """A sync adapter given an aio object fails naming the aio twin: never an empty stream."""

    def test_stream_handler_on_an_aio_server_fails_instead_of_streaming_nothing(self) -> None:
        handler = stream_handler(numbers, number_bytes, request_deserializer=bytes)

        async def main() -> tuple[list[bytes], grpc.StatusCode, str | None]:
            async with aio_channel(generic("demo.Numbers", "List", handler)) as channel:
                rpc: grpc.aio.UnaryStreamMultiCallable[bytes, bytes]
                rpc = channel.unary_stream("/demo.Numbers/List")
                call = rpc(b"10")
                received: list[bytes] = []
                with pytest.raises(grpc.aio.AioRpcError):
                    async for message in call:
                        received.append(message)
                return received, await call.code(), await call.details()

        received, code, details = run(main)
        assert received == []
        assert code == grpc.StatusCode.UNKNOWN
        assert details is not None
        assert "TypeError" in details
        assert "use astream_handler" in details

    def test_stream_batches_with_an_aio_context_is_a_type_error(self) -> None:
        contexts: list[object] = []

        async def capture(request: bytes, context: grpc.aio.ServicerContext[bytes, bytes]) -> bytes:
            contexts.append(context)
            return b""

        async def main() -> None:
            handler: grpc.RpcMethodHandler[bytes, bytes]
            handler = grpc.unary_unary_rpc_method_handler(capture)
            async with aio_channel(generic("demo.Capture", "Get", handler)) as channel:
                rpc: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes]
                rpc = channel.unary_unary("/demo.Capture/Get")
                await rpc(b"")

        run(main)
        (context,) = contexts
        with pytest.raises(
            TypeError,
            match=r"^stream_batches serves a grpc.server .* use "
            r"astream_batches in an async def servicer method instead$",
        ):
            stream_batches(range(3), number_bytes, context)  # type: ignore[arg-type]

    def test_a_context_whose_add_callback_returns_none_is_a_type_error(self) -> None:
        class NoneContext:
            def add_callback(self, callback: Callable[[], None]) -> None:
                return None

        with pytest.raises(TypeError, match=r"add_callback returned None, not a bool"):
            stream_batches(range(3), number_bytes, NoneContext())  # type: ignore[arg-type]

    def test_iter_stream_with_an_aio_call_names_aiter_stream(self) -> None:
        async def main() -> None:
            async with aio_channel(lambda server: None) as channel:
                rpc: grpc.aio.UnaryStreamMultiCallable[bytes, bytes]
                rpc = channel.unary_stream("/demo.Nothing/List")
                call = rpc(b"")
                for adapter, twin in (
                    (iter_stream, "aiter_stream"),
                    (iter_stream_results, "aiter_stream_results"),
                ):
                    with pytest.raises(TypeError, match=f"grpc.aio call .*: use {twin}"):
                        adapter(call, bytes)  # type: ignore[call-overload]
                call.cancel()

        run(main)

    def test_from_unary_pages_with_an_async_fetch_names_afrom_unary_pages(self) -> None:
        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            return Page([1])

        with pytest.raises(TypeError, match="this fetch is async: use afrom_unary_pages"):
            from_unary_pages(fetch, page_size=1)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="this fetch is async: use afrom_unary_pages"):
            resource_exhausted_as_too_large(fetch)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="this fetch is async: use afrom_unary_pages"):
            from_unary_pages(functools.partial(fetch), page_size=1)  # type: ignore[arg-type]

    def test_a_fetch_returning_an_awaitable_is_a_type_error_and_never_awaited_is_avoided(
        self,
    ) -> None:
        async def fetch_async(token: int | None, limit: int) -> Page[int, int]:
            return Page([1])  # pragma: no cover - closed, never run

        def fetch(token: int | None, limit: int) -> Page[int, int]:
            return fetch_async(token, limit)  # type: ignore[return-value]

        with pytest.raises(TypeError, match="fetch returned an awaitable, not a Page"):
            from_unary_pages(fetch, page_size=1).collect()


class TestSyncServerStillWorks:
    def test_stream_handler_on_a_sync_server(self) -> None:
        handler = stream_handler(numbers, number_bytes, request_deserializer=bytes)
        with sync_channel(generic("demo.Numbers", "List", handler)) as channel:
            rpc: grpc.UnaryStreamMultiCallable[bytes, bytes]
            rpc = channel.unary_stream("/demo.Numbers/List")
            assert iter_stream(rpc(b"12", timeout=WAIT), int).collect() == list(range(12))
        assert encode_batch([b"0"]) == b"\n\x010"


# ---------------------------------------------------------------------------------------------
# the generated inventory service on a grpc.aio server, through a grpc.aio stub
# ---------------------------------------------------------------------------------------------


N_LARGE = 200_000


@dataclass
class AioService:
    recorder: Recorder
    stub: inventory_pb2_grpc.InventoryAsyncStub

    @property
    def settings(self) -> Settings:
        return self.recorder.settings


@asynccontextmanager
async def aio_service(
    settings: Settings, options: Sequence[tuple[str, int]] = ()
) -> AsyncIterator[AioService]:
    recorder = Recorder(settings)
    server, port = await start_aio_server(recorder)
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}", options=options) as channel:
            yield AioService(recorder, inventory_pb2_grpc.InventoryStub(channel))
    finally:
        await server.stop(None)


def nodes(n: int) -> list[Node]:
    return [node(i) for i in range(n)]


class TestAioProblemUnaryListAll:
    def test_200k_nodes_in_one_response_fail_with_resource_exhausted(self) -> None:
        async def main() -> grpc.StatusCode:
            async with aio_service(Settings(total=N_LARGE)) as service:
                with pytest.raises(grpc.aio.AioRpcError) as info:
                    await service.stub.ListAllNodes(ListAllNodesRequest(), timeout=WAIT)
                return info.value.code()

        assert run(main) == grpc.StatusCode.RESOURCE_EXHAUSTED


class TestAioFixStreaming:
    def test_200k_nodes_all_once_in_order_no_message_over_the_limit(self) -> None:
        async def main() -> tuple[list[int], list[int], grpc.StatusCode]:
            async with aio_service(Settings(total=N_LARGE)) as service:
                call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
                ids = await aiter_stream(call).map(lambda n: n.id).collect()
                return ids, service.recorder.sent_sizes, await call.code()

        ids, sent, code = run(main)
        assert ids == list(range(N_LARGE))
        assert code == grpc.StatusCode.OK
        assert max(sent) <= DEFAULT_MAX_MESSAGE_BYTES
        assert sum(sent) == sum(framed_size(node(i)) for i in range(N_LARGE))

    def test_on_page_records_each_message_as_the_sync_client_does(self) -> None:
        async def main() -> tuple[int, list[PageRecord[object]], list[int]]:
            async with aio_service(Settings(total=3000, max_message_bytes=4096)) as service:
                records: list[PageRecord[object]] = []
                call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
                n = await aiter_stream(call, on_page=records.append, clock=lambda: 0.0).count()
                return n, records, service.recorder.sent_sizes

        n, records, sent = run(main)
        assert n == 3000
        assert [r.number for r in records] == list(range(1, len(sent) + 1))
        assert [r.nbytes for r in records] == sent
        assert sum(r.items for r in records) == 3000
        assert all(r.elapsed == 0.0 and r.token is None for r in records)

    def test_filtered_items_and_results_mode(self) -> None:
        async def main() -> tuple[list[Node], list[Result[Node, RpcFailure]]]:
            async with aio_service(Settings(total=3000, max_message_bytes=4096)) as service:
                call = service.stub.StreamNodes(StreamNodesRequest(kind="switch"))
                switches = await aiter_stream(call).collect()
                results = await aiter_stream_results(
                    service.stub.StreamNodes(StreamNodesRequest())
                ).collect()
                return switches, results

        switches, results = run(main)
        assert switches == [n for n in nodes(3000) if n.kind == "switch"]
        assert results == [Ok(n) for n in nodes(3000)]

    def test_a_message_over_the_clients_limit_names_the_item_and_the_limit(self) -> None:
        async def main() -> StreamMessageTooLargeError:
            settings = Settings(total=5000, max_message_bytes=4096)
            options = [("grpc.max_receive_message_length", 8192)]
            async with aio_service(settings, options) as service:
                service.settings.max_message_bytes = 64 * 1024
                call = service.stub.StreamNodes(StreamNodesRequest())
                with pytest.raises(StreamMessageTooLargeError) as info:
                    await aiter_stream(call).count()
                return info.value

        error = run(main)
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert error.index == 0
        assert "raise that channel option" in str(error)

    def test_a_message_over_the_clients_limit_is_an_err_in_results_mode(self) -> None:
        async def main() -> list[Result[Node, RpcFailure]]:
            settings = Settings(total=5000, max_message_bytes=4096)
            options = [("grpc.max_receive_message_length", 8192)]
            async with aio_service(settings, options) as service:
                service.settings.max_message_bytes = 64 * 1024
                call = service.stub.StreamNodes(StreamNodesRequest())
                return await aiter_stream_results(call).collect()

        [result] = run(main)
        failure = result.unwrap_err()
        assert failure.code == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "Received message larger than max" in failure.details


class TestAioFixPagination:
    def test_200k_nodes_all_once_in_order_pages_halved_to_fit(self) -> None:
        async def main() -> tuple[list[int], list[int]]:
            async with aio_service(Settings(total=N_LARGE)) as service:
                pages = afrom_unary_pages(
                    service.stub.ListNodes,
                    ListNodesRequest(),
                    items=lambda response: response.nodes,
                    page_size=N_LARGE,
                    timeout=WAIT,
                )
                ids = await pages.map(lambda n: n.id).collect()
                return ids, service.recorder.page_sizes

        ids, page_sizes = run(main)
        assert ids == list(range(N_LARGE))
        assert page_sizes == [N_LARGE, N_LARGE // 2, N_LARGE // 2]

    def test_async_fetch_and_on_close(self) -> None:
        closed: list[str] = []

        async def main() -> list[Node]:
            async with aio_service(Settings(total=25)) as service:

                async def fetch(token: str | None, limit: int) -> Page[Node, str]:
                    request = ListNodesRequest(page_token=token or "", page_size=limit)
                    response = await service.stub.ListNodes(request)
                    return Page(response.nodes, response.next_page_token)

                async def close() -> None:
                    closed.append("closed")

                return await afrom_unary_pages(fetch, page_size=10, on_close=close).collect()

        assert run(main) == nodes(25)
        assert closed == ["closed"]

    def test_sync_stub_or_fetch_names_from_unary_pages(self) -> None:
        def fetch(token: str | None, limit: int) -> Page[int, str]:
            return Page([1])  # pragma: no cover - refused at the call

        with pytest.raises(TypeError, match="is a plain function: use from_unary_pages"):
            afrom_unary_pages(fetch, page_size=1)  # type: ignore[arg-type]
        with grpc.insecure_channel("127.0.0.1:1") as channel:
            stub = inventory_pb2_grpc.InventoryStub(channel)
            with pytest.raises(TypeError, match=r"grpc \(sync\) stub method: use from_unary"):
                afrom_unary_pages(  # type: ignore[call-overload]
                    stub.ListNodes, ListNodesRequest(), items=lambda r: r.nodes, page_size=1
                )

    def test_not_callable_fetch_or_rpc_is_named(self) -> None:
        with pytest.raises(TypeError, match=r"^fetch must be callable, got int$"):
            afrom_unary_pages(3, page_size=1)  # type: ignore[call-overload]
        not_callable = r"^rpc must be callable \(a stub method\), got int$"
        request = ListNodesRequest()
        with pytest.raises(TypeError, match=not_callable):
            from_unary_pages(3, request, items=lambda r: r.nodes, page_size=1)  # type: ignore[call-overload]
        with pytest.raises(TypeError, match=not_callable):
            afrom_unary_pages(3, request, items=lambda r: r.nodes, page_size=1)  # type: ignore[call-overload]


async def aio_stream_peak(service: AioService, count: int) -> tuple[int, int]:
    service.settings.total = count
    service.settings.max_message_bytes = 64 * 1024
    gc.collect()
    tracemalloc.start()
    try:
        call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
        n = await aiter_stream(call).count()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return n, peak


class TestAioBoundedMemory:
    def test_peak_is_the_same_for_20k_and_200k(self) -> None:
        async def main() -> list[tuple[int, int]]:
            async with aio_service(Settings()) as service:
                await aio_stream_peak(service, 1000)  # warm up
                return [await aio_stream_peak(service, n) for n in (20_000, N_LARGE)]

        (n_small, peak_small), (n_large, peak_large) = run(main)
        message = 64 * 1024
        assert (n_small, n_large) == (20_000, N_LARGE)
        assert peak_large < 10 * message
        assert peak_large < peak_small + 3 * message


class TestAioCancellation:
    def test_closing_after_10_items_cancels_and_stops_the_server(self) -> None:
        async def main() -> tuple[list[Node], grpc.StatusCode, Production, bool]:
            settings = Settings(total=N_LARGE, max_message_bytes=64 * 1024)
            async with aio_service(settings) as service:
                call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
                it = aiter_stream(call)
                first = [await it.__anext__() for _ in range(10)]
                await it.aclose()
                code = await call.code()
                (production,) = service.recorder.productions
                closed = await wait_closed(production)
                return first, code, production, closed

        first, code, production, closed = run(main)
        assert first == nodes(10)
        assert code == grpc.StatusCode.CANCELLED
        assert closed  # the server's source was closed
        assert 10 <= production.produced < N_LARGE // 4  # and it stopped producing

    def test_leaving_async_with_early_cancels(self) -> None:
        async def main() -> tuple[grpc.StatusCode, bool]:
            settings = Settings(total=N_LARGE, max_message_bytes=64 * 1024)
            async with aio_service(settings) as service:
                call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
                async with aiter_stream_results(call) as results:
                    async for r in results:
                        assert r == Ok(node(0))
                        break
                (production,) = service.recorder.productions
                return await call.code(), await wait_closed(production)

        assert run(main) == (grpc.StatusCode.CANCELLED, True)

    def test_a_slow_source_is_flushed_by_max_delay_before_the_deadline(self) -> None:
        async def main() -> tuple[list[int], grpc.StatusCode, Production, bool]:
            settings = Settings(total=100_000, seconds_per_node=0.001, max_delay=0.05)
            async with aio_service(settings) as service:
                call = service.stub.StreamNodes(StreamNodesRequest(), timeout=1.0)
                received: list[int] = []
                with pytest.raises(grpc.aio.AioRpcError) as info:
                    async for n in aiter_stream(call):
                        received.append(n.id)
                (production,) = service.recorder.productions
                return received, info.value.code(), production, await wait_closed(production)

        received, code, production, closed = run(main)
        assert code == grpc.StatusCode.DEADLINE_EXCEEDED
        assert len(received) > 100  # without max_delay: 0
        assert received == list(range(len(received)))
        assert closed
        assert production.produced < 100_000


class TestAioServerErrorMidStream:
    def test_raise_mode_every_item_before_the_error_once(self) -> None:
        async def main() -> tuple[list[Node], grpc.StatusCode]:
            settings = Settings(total=20_000, max_message_bytes=4096, fail_at=5003)
            async with aio_service(settings) as service:
                call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
                received: list[Node] = []
                with pytest.raises(grpc.aio.AioRpcError) as info:
                    async for n in aiter_stream(call):
                        received.append(n)
                return received, info.value.code()

        received, code = run(main)
        assert received == nodes(5003)
        assert code == grpc.StatusCode.UNKNOWN

    def test_err_mode_every_item_before_the_abort_once(self) -> None:
        async def main() -> list[Result[Node, RpcFailure]]:
            settings = Settings(total=20_000, max_message_bytes=4096, abort_at=7777)
            async with aio_service(settings) as service:
                call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
                return await aiter_stream_results(call).collect()

        assert run(main) == [Ok(n) for n in nodes(7777)] + [
            Err(RpcFailure(grpc.StatusCode.FAILED_PRECONDITION, "shelf moved at 7777"))
        ]


class TestAioAdaptersRefuseSync:
    def test_aiter_stream_with_a_sync_call_names_iter_stream(self) -> None:
        service = start_sync_server(Recorder(Settings(total=3)))
        server, port = service
        try:
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                call = inventory_pb2_grpc.InventoryStub(channel).StreamNodes(StreamNodesRequest())
                for adapter, twin in (
                    (aiter_stream, "iter_stream"),
                    (aiter_stream_results, "iter_stream_results"),
                ):
                    with pytest.raises(TypeError, match=f"grpc \\(sync\\) call .*: use {twin}"):
                        adapter(call)  # type: ignore[call-overload]
                call.cancel()
        finally:
            server.stop(None).wait(WAIT)

    def test_astream_with_a_sync_context_names_stream_batches(self) -> None:
        contexts: list[grpc.ServicerContext] = []

        def capture(request: bytes, context: grpc.ServicerContext) -> bytes:
            contexts.append(context)
            return b""

        handler: grpc.RpcMethodHandler[bytes, bytes]
        handler = grpc.unary_unary_rpc_method_handler(capture)
        with sync_channel(generic("demo.Capture", "Get", handler)) as channel:
            rpc: grpc.UnaryUnaryMultiCallable[bytes, bytes]
            rpc = channel.unary_unary("/demo.Capture/Get")
            rpc(b"", timeout=WAIT)
        (context,) = contexts
        with pytest.raises(TypeError, match=r"grpc.server \(sync\) server: use stream_batches"):
            astream_batches(range(3), number_bytes, context)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"use stream_messages"):
            astream_messages([], NodeBatch, context)  # type: ignore[arg-type]

    def test_a_plain_def_method_on_an_aio_server_is_told_to_be_an_async_generator(self) -> None:
        class PlainInventory(AioInventory):
            def StreamNodes(  # type: ignore[override]
                self, request: StreamNodesRequest, context: grpc.ServicerContext
            ) -> AsyncIter[NodeBatch]:
                return astream_messages(self.recorder.anodes(), NodeBatch, context)  # type: ignore[arg-type]

        def register(server: grpc.aio.Server) -> None:
            servicer = PlainInventory(Recorder(Settings(total=3)))
            inventory_pb2_grpc.add_InventoryServicer_to_server(servicer, server)

        async def main() -> tuple[grpc.StatusCode, str | None]:
            async with aio_channel(register) as channel:
                call = inventory_pb2_grpc.InventoryStub(channel).StreamNodes(StreamNodesRequest())
                with pytest.raises(grpc.aio.AioRpcError):
                    await aiter_stream(call).collect()
                return await call.code(), await call.details()

        code, details = run(main)
        assert code == grpc.StatusCode.UNKNOWN
        assert details is not None and "make the method an async generator" in details


class TestAstreamHandler:
    def test_end_to_end_on_an_aio_server(self) -> None:
        async def numbers_async(
            request: bytes, context: grpc.aio.ServicerContext[bytes, bytes]
        ) -> AsyncIterator[int]:
            for i in range(int(request)):
                yield i

        handler = astream_handler(
            numbers_async, number_bytes, request_deserializer=bytes, max_message_bytes=16
        )

        async def main() -> list[int]:
            async with aio_channel(generic("demo.Numbers", "List", handler)) as channel:
                rpc: grpc.aio.UnaryStreamMultiCallable[bytes, bytes]
                rpc = channel.unary_stream("/demo.Numbers/List")
                return await aiter_stream(rpc(b"25"), int).collect()

        assert run(main) == list(range(25))

    def test_on_a_sync_server_it_fails_naming_stream_handler(self) -> None:
        handler = astream_handler(lambda r, c: range(5), number_bytes, request_deserializer=bytes)
        with sync_channel(generic("demo.Numbers", "List", handler)) as channel:
            rpc: grpc.UnaryStreamMultiCallable[bytes, bytes]
            rpc = channel.unary_stream("/demo.Numbers/List")
            with pytest.raises(grpc.RpcError) as info:
                iter_stream(rpc(b"5", timeout=WAIT), int).collect()
        assert info.value.code() == grpc.StatusCode.UNKNOWN
        assert "registered on a grpc.server (sync) server: use stream_handler" in str(
            info.value.details()
        )


class TestAstreamBatches:
    def test_max_delay_with_an_async_source_that_ends(self) -> None:
        async def words() -> AsyncIterator[str]:
            for w in ("ab", "cd"):
                yield w
            await asyncio.sleep(0.05)  # the pending message falls due meanwhile
            yield "e"

        async def main() -> list[list[bytes]]:
            messages = astream_batches(words(), str.encode, max_delay=0.01)
            return [decode_batch(m) async for m in messages]

        assert run(main) == [[b"ab", b"cd"], [b"e"]]

    def test_closing_before_the_first_message_closes_the_source(self) -> None:
        closed: list[str] = []

        async def words() -> AsyncIterator[str]:
            try:
                yield "never"  # pragma: no cover - never pulled
            finally:
                closed.append("closed")  # pragma: no cover

        class Source:
            def __aiter__(self) -> AsyncIterator[str]:
                return words()

            async def aclose(self) -> None:
                closed.append("aclose")

        async def main() -> None:
            messages = astream_batches(Source(), str.encode)
            await messages.aclose()
            await messages.aclose()

        run(main)
        assert closed == ["aclose"]

    def test_bad_arguments_are_named(self) -> None:
        with pytest.raises(TypeError, match="serialize must be callable, got int"):
            astream_batches([], 3)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="max_message_bytes must be >= 1, got 0"):
            astream_batches([], number_bytes, max_message_bytes=0)
        with pytest.raises(TypeError, match="items must be iterable or async iterable, got int"):
            astream_batches(3, number_bytes)  # type: ignore[arg-type]
