"""Tests of itero.grpc with grpc.aio: real aio servers and channels on 127.0.0.1, port 0.

Every test runs its own event loop (``asyncio.run``), and the module runs with warnings as
errors: a task left pending, a coroutine never awaited or an unclosed call fails the test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from concurrent import futures
from typing import TypeVar

import grpc
import grpc.aio
import pytest

from itero import Page
from itero.grpc import (
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


def run(main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main()`` in a fresh event loop (as asyncio.run), failing after WAIT seconds."""

    async def bounded() -> T:
        return await asyncio.wait_for(main(), WAIT)

    return asyncio.run(bounded())


def numbers(request: bytes, context: grpc.ServicerContext) -> Iterable[int]:
    return range(int(request or b"10"))


def number_bytes(i: int) -> bytes:
    return b"%d" % i


class TestSyncAdaptersRefuseAio:
    """A sync adapter given an aio object fails naming the aio twin: never an empty stream."""

    def test_stream_handler_on_an_aio_server_fails_instead_of_streaming_nothing(self) -> None:
        handler = stream_handler(numbers, number_bytes, request_deserializer=bytes)

        async def main() -> tuple[list[bytes], grpc.StatusCode, str | None]:
            server = grpc.aio.server()
            server.add_generic_rpc_handlers(
                [grpc.method_handlers_generic_handler("demo.Numbers", {"List": handler})]
            )
            port = server.add_insecure_port("127.0.0.1:0")
            await server.start()
            try:
                async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                    rpc: grpc.aio.UnaryStreamMultiCallable[bytes, bytes]
                    rpc = channel.unary_stream("/demo.Numbers/List")
                    call = rpc(b"10")
                    received: list[bytes] = []
                    with pytest.raises(grpc.aio.AioRpcError):
                        async for message in call:
                            received.append(message)
                    return received, await call.code(), await call.details()
            finally:
                await server.stop(None)

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
            server = grpc.aio.server()
            server.add_generic_rpc_handlers(
                [
                    grpc.method_handlers_generic_handler(
                        "demo.Capture", {"Get": grpc.unary_unary_rpc_method_handler(capture)}
                    )
                ]
            )
            port = server.add_insecure_port("127.0.0.1:0")
            await server.start()
            try:
                async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                    rpc: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes]
                    rpc = channel.unary_unary("/demo.Capture/Get")
                    await rpc(b"")
            finally:
                await server.stop(None)

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
            server = grpc.aio.server()
            port = server.add_insecure_port("127.0.0.1:0")
            await server.start()
            try:
                async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
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
            finally:
                await server.stop(None)

        run(main)

    def test_from_unary_pages_with_an_async_fetch_names_afrom_unary_pages(self) -> None:
        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            return Page([1])

        with pytest.raises(TypeError, match="this fetch is async: use afrom_unary_pages"):
            from_unary_pages(fetch, page_size=1)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="this fetch is async: use afrom_unary_pages"):
            resource_exhausted_as_too_large(fetch)  # type: ignore[arg-type]

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
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        server.add_generic_rpc_handlers(
            [grpc.method_handlers_generic_handler("demo.Numbers", {"List": handler})]
        )
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        try:
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                rpc: grpc.UnaryStreamMultiCallable[bytes, bytes]
                rpc = channel.unary_stream("/demo.Numbers/List")
                assert iter_stream(rpc(b"12", timeout=WAIT), int).collect() == list(range(12))
        finally:
            server.stop(None).wait(WAIT)
        assert encode_batch([b"0"]) == b"\n\x010"
