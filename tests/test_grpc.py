"""Tests of itero.grpc: framing, and the adapters against a real grpcio server on 127.0.0.1."""

from __future__ import annotations

import gc
import json
import struct
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import asdict, dataclass
from typing import Protocol

import grpc
import pytest
from hypothesis import given, strategies as st
from typing_extensions import assert_type

from itero import Err, ItemTooLargeError, Iter, Nothing, Ok, Page, PageItemTooLargeError, Result
from itero.grpc import (
    DEFAULT_MAX_MESSAGE_BYTES,
    MessageItemTooLargeError,
    ResponseTooLargeError,
    RpcFailure,
    StreamingCall,
    _iter_batch,
    _varint,
    cancellable,
    decode_batch,
    encode_batch,
    from_unary_pages,
    iter_stream,
    iter_stream_results,
    resource_exhausted_as_too_large,
    stream_batches,
    stream_handler,
)

SERVICE = "itero.test.Inventory"
GRPC_DEFAULT_RECEIVE_LIMIT = 4 * 1024 * 1024
WAIT = 30.0  # seconds: a bound on waiting for the server's thread, never an assertion on time
N_LARGE = 200_000
PAD = b"x" * 82


def resource(i: int) -> bytes:
    """The i-th resource: exactly 100 bytes."""
    return b"resource-%08d:" % i + PAD


def resources(n: int) -> list[bytes]:
    return [resource(i) for i in range(n)]


def framed_size(payload: bytes) -> int:
    """Bytes an item takes in a batch: tag, varint length, payload."""
    n = len(payload)
    varint = 1
    while n >= 0x80:
        n >>= 7
        varint += 1
    return 1 + varint + len(payload)


def identity(b: bytes) -> bytes:
    return b


# ---------------------------------------------------------------------------------------------
# the test service: a unary "list all", a batched stream, a unary paginated list
# ---------------------------------------------------------------------------------------------


@dataclass
class ListRequest:
    count: int
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    fail_at: int | None = None  # the source raises instead of producing this item
    abort_at: int | None = None  # the source calls context.abort(FAILED_PRECONDITION) there

    def encode(self) -> bytes:
        return json.dumps(asdict(self)).encode()

    @classmethod
    def decode(cls, data: bytes) -> ListRequest:
        return cls(**json.loads(data))


class RecordingSource:
    """The server's items: records how many were produced, and close()."""

    def __init__(self, request: ListRequest, context: grpc.ServicerContext | None) -> None:
        self.request = request
        self.context = context
        self.produced = 0
        self.pulled_after_close = 0
        self.closed = threading.Event()

    def __iter__(self) -> RecordingSource:
        return self

    def __next__(self) -> bytes:
        if self.closed.is_set():
            self.pulled_after_close += 1
        i = self.produced
        if i == self.request.count:
            raise StopIteration
        if i == self.request.fail_at:
            raise RuntimeError(f"storage failed at {i}")
        if i == self.request.abort_at and self.context is not None:
            self.context.abort(grpc.StatusCode.FAILED_PRECONDITION, f"shelf moved at {i}")
        self.produced += 1
        return resource(i)

    def close(self) -> None:
        self.closed.set()


def encode_page_response(items: list[bytes], next_token: int | None) -> bytes:
    """A page: the next token (8 bytes, -1 for none), then the items as a batch."""
    return struct.pack(">q", -1 if next_token is None else next_token) + encode_batch(items)


def decode_page_response(data: bytes) -> Page[bytes, int]:
    (token,) = struct.unpack_from(">q", data)
    return Page(decode_batch(data[8:]), None if token < 0 else token)


class Inventory:
    """The server side: handlers, and what they recorded."""

    def __init__(self) -> None:
        self.sent_sizes: list[int] = []  # streamed messages, measured by the serializer
        self.sources: list[RecordingSource] = []
        self.page_limits: list[int] = []
        self.deny_pages = False
        self.port = 0

    def record_sent(self, message: bytes) -> bytes:
        self.sent_sizes.append(len(message))
        return message

    def list_all(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        return encode_batch(resource(i) for i in range(int(request)))

    def list_stream(self, request: ListRequest, context: grpc.ServicerContext) -> Iter[bytes]:
        source = RecordingSource(request, context)
        self.sources.append(source)
        # A server-side Iter pipeline: closing it closes the source.
        items = Iter(source).map(identity)
        return stream_batches(items, identity, context, max_message_bytes=request.max_message_bytes)

    def list_page(self, request: bytes, context: grpc.ServicerContext) -> bytes:
        token, limit, total = struct.unpack(">qqq", request)
        self.page_limits.append(limit)
        if self.deny_pages:
            context.abort(grpc.StatusCode.PERMISSION_DENIED, "no listing for you")
        first = max(token, 0)
        stop = min(first + limit, total)
        return encode_page_response(
            [resource(i) for i in range(first, stop)], stop if stop < total else None
        )

    def handler(self) -> grpc.GenericRpcHandler:
        return grpc.method_handlers_generic_handler(
            SERVICE,
            {
                "ListAll": grpc.unary_unary_rpc_method_handler(self.list_all),
                "ListStream": grpc.unary_stream_rpc_method_handler(
                    self.list_stream,
                    request_deserializer=ListRequest.decode,
                    response_serializer=self.record_sent,
                ),
                "ListPage": grpc.unary_unary_rpc_method_handler(self.list_page),
                "Numbers": stream_handler(
                    lambda request, context: range(int(request)),
                    lambda i: str(i).encode(),
                    request_deserializer=bytes.decode,
                    max_message_bytes=16,
                ),
            },
        )


@pytest.fixture
def inventory() -> Iterator[Inventory]:
    inv = Inventory()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), handlers=[inv.handler()])
    inv.port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield inv
    finally:
        server.stop(grace=None).wait(WAIT)


@pytest.fixture
def channel(inventory: Inventory) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(f"127.0.0.1:{inventory.port}") as ch:
        yield ch


class Call(StreamingCall, Protocol):
    """The parts of grpcio's streaming call the tests use."""

    def code(self) -> grpc.StatusCode: ...


def start_stream(
    channel: grpc.Channel, request: ListRequest, record: list[int] | None = None
) -> Call:
    """Start the ListStream call; ``record`` collects received message sizes (client side)."""

    def received(message: bytes) -> bytes:
        if record is not None:
            record.append(len(message))
        return message

    # Without a request serializer the stubs cannot infer the request type: say it.
    rpc: grpc.UnaryStreamMultiCallable[bytes, bytes] = channel.unary_stream(
        f"/{SERVICE}/ListStream", response_deserializer=received
    )
    return rpc(request.encode(), timeout=WAIT)


def page_fetcher(
    channel: grpc.Channel, total: int, received: list[int]
) -> Callable[[int | None, int], Page[bytes, int]]:
    rpc: grpc.UnaryUnaryMultiCallable[bytes, bytes] = channel.unary_unary(f"/{SERVICE}/ListPage")

    def fetch(token: int | None, limit: int) -> Page[bytes, int]:
        data = rpc(struct.pack(">qqq", -1 if token is None else token, limit, total))
        received.append(len(data))
        return decode_page_response(data)

    return fetch


# ---------------------------------------------------------------------------------------------
# import hygiene
# ---------------------------------------------------------------------------------------------


class TestImports:
    def test_import_itero_does_not_import_grpc(self) -> None:
        code = (
            "import sys, itero; print(sorted(m for m in sys.modules if m.split('.')[0] == 'grpc'))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=WAIT
        )
        assert out.stdout.strip() == "[]"

    def test_without_grpcio_the_error_says_what_to_install(self) -> None:
        code = (
            "import sys\n"
            "sys.modules['grpc'] = None  # as if grpcio were not installed\n"
            "try:\n"
            "    import itero.grpc\n"
            "except ImportError as e:\n"
            "    print(e)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=WAIT
        )
        assert out.stdout.strip() == (
            "itero.grpc needs grpcio, which is not installed: pip install 'itero[grpc]'"
        )


# ---------------------------------------------------------------------------------------------
# framing (no server)
# ---------------------------------------------------------------------------------------------

payloads = st.lists(st.binary(max_size=300), max_size=30)


class TestEncodeBatch:
    def test_protobuf_encoding_of_repeated_bytes(self) -> None:
        # protoc --encode for `repeated bytes items = 1;` gives these bytes.
        assert encode_batch([b"a", b"", b"bc"]) == b"\x0a\x01a\x0a\x00\x0a\x02bc"
        assert encode_batch([b"x" * 300]) == b"\x0a\xac\x02" + b"x" * 300
        assert encode_batch([b"y" * 16384]) == b"\x0a\x80\x80\x01" + b"y" * 16384
        assert encode_batch([]) == b""

    @given(payloads)
    def test_size_is_exactly_the_sum_of_framed_items(self, items: list[bytes]) -> None:
        assert len(encode_batch(items)) == sum(map(framed_size, items))

    def test_bytearray_is_accepted(self) -> None:
        assert encode_batch([bytearray(b"ab")]) == b"\x0a\x02ab"

    def test_non_bytes_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match=r"^payloads must be bytes or bytearray, got str$"):
            encode_batch(["text"])  # type: ignore[list-item]


class TestDecodeBatch:
    @given(payloads)
    def test_round_trip(self, items: list[bytes]) -> None:
        assert decode_batch(encode_batch(items)) == items

    @given(
        st.lists(
            st.one_of(
                st.binary(max_size=200).map(lambda b: b"\x0a" + _varint(len(b)) + b),
                st.integers(0, 2**63).map(lambda n: b"\x10" + _varint(n)),
                st.binary(min_size=8, max_size=8).map(lambda b: b"\x19" + b),
                st.binary(min_size=4, max_size=4).map(lambda b: b"\x2d" + b),
                st.binary(max_size=20).map(lambda b: b"\x22" + _varint(len(b)) + b),
            ),
            max_size=20,
        ).map(b"".join),
        st.integers(min_value=0, max_value=5),
    )
    def test_protobuf_parser_and_python_loop_agree(self, message: bytes, cut: int) -> None:
        """decode_batch (protobuf's C parser when installed) against the Python loop."""
        for candidate in (message, message[: len(message) - cut]):
            try:
                expected: list[bytes] | str = list(_iter_batch(candidate))
            except ValueError:
                expected = "ValueError"
            try:
                got: list[bytes] | str = decode_batch(candidate)
            except ValueError:
                got = "ValueError"
            assert got == expected

    def test_unknown_fields_of_every_wire_type_are_skipped(self) -> None:
        message = (
            b"\x0a\x01a"
            + b"\x10\x96\x01"  # field 2, varint 150
            + b"\x19" + b"\x00" * 8  # field 3, fixed64
            + b"\x22\x02zz"  # field 4, length-delimited
            + b"\x2d" + b"\x00" * 4  # field 5, fixed32
            + b"\x0a\x02bc"
        )  # fmt: skip
        assert decode_batch(message) == [b"a", b"bc"]

    def test_non_minimal_tag_and_length_are_read(self) -> None:
        assert decode_batch(b"\x8a\x00\x81\x00a") == [b"a"]

    @pytest.mark.parametrize(
        ("message", "error"),
        [
            (b"\x0a\x05ab", "an item of 5 bytes runs past the end"),
            (b"\x0a\x80", "truncated varint"),
            (b"\x0a", "truncated varint"),
            (b"\x0b", "unsupported wire type 3"),
            (b"\x22\x05a", "a field runs past the end"),
            (b"\x19\x00", "a fixed-size field runs past the end"),
            (b"\x0a" + b"\xff" * 11, "varint longer than 10 bytes"),
        ],
    )
    def test_malformed_messages_raise(self, message: bytes, error: str) -> None:
        with pytest.raises(ValueError, match=error):
            decode_batch(message)


# ---------------------------------------------------------------------------------------------
# stream_batches (no server)
# ---------------------------------------------------------------------------------------------


class FakeContext:
    """Enough of grpc.ServicerContext for stream_batches: add_callback."""

    def __init__(self, accept: bool = True) -> None:
        self.callbacks: list[Callable[[], None]] = []
        self.accept = accept

    def add_callback(self, callback: Callable[[], None]) -> bool:
        self.callbacks.append(callback)
        return self.accept

    def terminate(self) -> None:
        for callback in self.callbacks:
            callback()


def fake_context(accept: bool = True) -> tuple[FakeContext, grpc.ServicerContext]:
    ctx = FakeContext(accept)
    return ctx, ctx  # type: ignore[return-value]  # duck-typed stand-in


class TestStreamBatches:
    @given(payloads, st.integers(min_value=303, max_value=2000))
    def test_messages_bounded_items_in_order_batches_greedy(
        self, items: list[bytes], limit: int
    ) -> None:
        messages = stream_batches(items, identity, max_message_bytes=limit).collect()
        assert all(len(m) <= limit for m in messages)
        decoded = [decode_batch(m) for m in messages]
        assert [x for batch in decoded for x in batch] == items
        assert all(batch for batch in decoded)
        for message, following in zip(messages, decoded[1:], strict=False):
            assert len(message) + framed_size(following[0]) > limit

    def test_max_items(self) -> None:
        messages = stream_batches(range(5), lambda i: b"%d" % i, max_items=2).collect()
        assert [decode_batch(m) for m in messages] == [[b"0", b"1"], [b"2", b"3"], [b"4"]]

    def test_lazy_nothing_pulled_at_the_call(self) -> None:
        def untouchable() -> Iterator[bytes]:
            raise AssertionError("pulled too early")
            yield b""  # pragma: no cover

        stream_batches(untouchable(), identity)

    def test_source_closed_when_exhausted(self) -> None:
        source = RecordingSource(ListRequest(count=3), None)
        assert stream_batches(source, identity).collect() == [encode_batch(resources(3))]
        assert source.closed.is_set()

    def test_closing_the_stream_closes_the_source(self) -> None:
        source = RecordingSource(ListRequest(count=1000), None)
        messages = stream_batches(Iter(source).map(identity), identity, max_message_bytes=250)
        next(messages)
        messages.close()
        assert source.closed.is_set()
        assert source.produced == 3

    def test_closing_before_the_first_message_closes_the_source_once(self) -> None:
        closes: list[str] = []

        class Counted:
            def __iter__(self) -> Iterator[bytes]:
                raise AssertionError("must not be iterated")

            def close(self) -> None:
                closes.append("closed")

        messages = stream_batches(Counted(), identity)
        messages.close()
        messages.close()
        assert closes == ["closed"]

    def test_source_closed_once_when_closed_after_exhaustion(self) -> None:
        closes: list[str] = []

        class Counted:
            def __iter__(self) -> Iterator[bytes]:
                return iter([b"a"])

            def close(self) -> None:
                closes.append("closed")

        messages = stream_batches(Counted(), identity)
        assert messages.collect() == [encode_batch([b"a"])]
        assert closes == ["closed"]
        messages.close()
        assert closes == ["closed"]

    def test_items_before_a_failure_are_sent_then_it_propagates(self) -> None:
        source = RecordingSource(ListRequest(count=10, fail_at=5), None)
        messages = stream_batches(source, identity, max_message_bytes=250)
        assert next(messages) == encode_batch(resources(2))
        assert next(messages) == encode_batch([resource(2), resource(3)])
        assert next(messages) == encode_batch([resource(4)])  # flushed before the error
        with pytest.raises(RuntimeError, match="storage failed at 5"):
            next(messages)
        assert source.closed.is_set()

    def test_failing_serialize_propagates_unchanged_after_the_items_before(self) -> None:
        error = KeyError("bad item")

        def serialize(i: int) -> bytes:
            if i == 2:
                raise error
            return b"%d" % i

        messages = stream_batches(range(5), serialize)
        assert next(messages) == encode_batch([b"0", b"1"])
        with pytest.raises(KeyError) as info:
            next(messages)
        assert info.value is error

    def test_serialize_returning_str_is_a_type_error(self) -> None:
        messages = stream_batches(["a"], str, max_message_bytes=10)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"^serialize must return bytes, got str$"):
            next(messages)

    def test_oversize_item_raises_after_the_items_before_it(self) -> None:
        messages = stream_batches([b"ab", b"c" * 20, b"d"], identity, max_message_bytes=10)
        assert next(messages) == encode_batch([b"ab"])
        with pytest.raises(MessageItemTooLargeError) as info:
            next(messages)
        assert isinstance(info.value, ItemTooLargeError)
        error = info.value
        assert (error.index, error.size, error.overhead, error.max_bytes) == (1, 20, 2, 10)
        assert str(error) == (
            "item at index 1 has 20 bytes (22 with its tag and length prefix), over "
            "max_message_bytes=10: raise max_message_bytes (and grpc.max_receive_message_length "
            "on the clients' channels, 4 MiB by default), or make the item smaller"
        )

    def test_termination_callback_stops_production(self) -> None:
        ctx, context = fake_context()
        source = RecordingSource(ListRequest(count=1000), None)
        messages = stream_batches(source, identity, context, max_message_bytes=250)
        assert len(ctx.callbacks) == 1
        assert decode_batch(next(messages)) == resources(2)
        produced = source.produced  # the batching pulled one item past the batch
        ctx.terminate()
        assert decode_batch(next(messages)) == [resource(2)]  # the pending item, no pull
        with pytest.raises(StopIteration):
            next(messages)
        assert source.produced == produced == 3
        assert source.closed.is_set()

    def test_rpc_already_ended_nothing_produced(self) -> None:
        _, context = fake_context(accept=False)
        source = RecordingSource(ListRequest(count=10), None)
        assert stream_batches(source, identity, context).collect() == []
        assert source.produced == 0
        assert source.closed.is_set()

    def test_bad_arguments_are_named(self) -> None:
        with pytest.raises(ValueError, match="max_message_bytes must be >= 1, got 0"):
            stream_batches([], identity, max_message_bytes=0)
        with pytest.raises(TypeError, match="max_message_bytes must be an int, got float"):
            stream_batches([], identity, max_message_bytes=1.5)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="max_items must be >= 1, got 0"):
            stream_batches([], identity, max_items=0)
        with pytest.raises(TypeError, match="serialize must be callable, got int"):
            stream_batches([], 3)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="behavior must be callable, got NoneType"):
            stream_handler(None, identity, request_deserializer=bytes)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="max_message_bytes must be >= 1, got -1"):
            stream_handler(
                lambda r, c: [], identity, request_deserializer=bytes, max_message_bytes=-1
            )

    @pytest.mark.parametrize("item_size", [1, 100, 10_000])
    def test_peak_memory_within_3x_the_message_size_whatever_the_item_size(
        self, item_size: int
    ) -> None:
        """One buffer per message, not one object per item (1-byte items were 40x before)."""
        limit = 256 * 1024
        payload = b"x" * item_size
        n = 3 * limit // (item_size + 2) + 10  # three messages and a bit
        gc.collect()
        tracemalloc.start()
        try:
            held = b""
            count = 0
            for message in stream_batches(range(n), lambda i: payload, max_message_bytes=limit):
                held = message  # as grpcio, which holds a message while it asks for the next
                count += len(decode_batch(held)) if len(held) < 64 else 1
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert count >= 4
        assert peak < 3 * limit

    def test_max_delay_flushes_a_partly_filled_message_when_an_item_arrives_late(self) -> None:
        def slow() -> Iterator[bytes]:
            yield b"a"
            yield b"b"
            time.sleep(0.05)
            yield b"c"  # arrives 50 ms after the first item of its message: due
            yield b"d"

        messages = stream_batches(slow(), identity, max_delay=0.01)
        assert [decode_batch(m) for m in messages] == [[b"a", b"b", b"c"], [b"d"]]
        assert decode_batch(encode_batch([b"d"])) == [b"d"]

    def test_max_delay_is_checked(self) -> None:
        with pytest.raises(ValueError, match="max_delay must be non-negative and finite, got -1"):
            stream_batches([], identity, max_delay=-1)
        with pytest.raises(TypeError, match="max_delay must be a number, got str"):
            stream_batches([], identity, max_delay="1")  # type: ignore[arg-type]

    def test_default_limit_is_four_mib_less_a_margin(self) -> None:
        assert DEFAULT_MAX_MESSAGE_BYTES == 4 * 1024 * 1024 - 64 * 1024


class TestCancellable:
    def test_no_pull_after_the_rpc_ended_and_close_closes_the_source(self) -> None:
        ctx, context = fake_context()
        source = RecordingSource(ListRequest(count=1000), None)
        rows = cancellable(source, context)
        rare = Iter(rows).filter(lambda r: r.startswith(b"resource-00000009"))
        assert rare.by_ref().take(1).collect() == [resource(9)]
        assert source.produced == 10
        ctx.terminate()
        assert rare.collect() == []
        assert source.produced == 10  # not pulled again: the scan stopped
        rows.close()
        assert source.closed.is_set()

    def test_rpc_already_ended_nothing_pulled(self) -> None:
        _, context = fake_context(accept=False)
        source = RecordingSource(ListRequest(count=10), None)
        assert cancellable(source, context).collect() == []
        assert source.produced == 0

    def test_a_callback_run_twice_still_stops_the_pulls(self) -> None:
        ctx, context = fake_context()
        source = RecordingSource(ListRequest(count=10), None)
        rows = cancellable(source, context)
        assert next(rows) == resource(0)
        ctx.terminate()
        ctx.terminate()
        assert rows.collect() == []
        assert source.produced == 1


# ---------------------------------------------------------------------------------------------
# client side without a server
# ---------------------------------------------------------------------------------------------


class FakeCall:
    def __init__(self, messages: list[bytes], error: grpc.RpcError | None = None) -> None:
        self.messages = messages
        self.error = error
        self.cancelled = 0
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        for message in self.messages:
            self.pulled += 1
            yield message
        if self.error is not None:
            raise self.error

    def cancel(self) -> bool:
        self.cancelled += 1
        return True


class StatusError(grpc.RpcError):
    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        self._code = code
        self._details = details

    def code(self) -> grpc.StatusCode:
        return self._code

    def details(self) -> str:
        return self._details


class TestIterStreamWithoutServer:
    def test_lazy_one_message_at_a_time(self) -> None:
        call = FakeCall([encode_batch([b"a", b"b"]), encode_batch([b"c"])])
        it = iter_stream(call, bytes.decode)
        assert call.pulled == 0
        assert next(it) == "a"
        assert call.pulled == 1
        assert it.collect() == ["b", "c"]

    def test_close_cancels_the_call_even_before_reading(self) -> None:
        for make in (iter_stream, iter_stream_results):
            call = FakeCall([encode_batch([b"a"])])
            it = make(call, identity)
            it.close()
            assert (call.cancelled, call.pulled) == (1, 0)

    def test_leaving_a_with_block_cancels(self) -> None:
        call = FakeCall([encode_batch([b"a", b"b"])])
        with iter_stream(call, identity) as it:
            assert next(it) == b"a"
        assert call.cancelled == 1
        assert it.next() == Nothing()

    def test_types(self) -> None:
        call = FakeCall([])
        assert_type(iter_stream(call, bytes.decode), Iter[str])
        assert_type(iter_stream_results(call, bytes.decode), Iter[Result[str, RpcFailure]])

    def test_deserialize_errors_propagate_unchanged(self) -> None:
        error = ValueError("bad payload")

        def deserialize(b: bytes) -> bytes:
            raise error

        for make in (iter_stream, iter_stream_results):
            with pytest.raises(ValueError) as info:
                make(FakeCall([encode_batch([b"a"])]), deserialize).collect()
            assert info.value is error

    def test_error_after_items(self) -> None:
        error = StatusError(grpc.StatusCode.DATA_LOSS, "disk")
        with pytest.raises(StatusError) as info:
            list(iter_stream(FakeCall([encode_batch([b"a"])], error), identity))
        assert info.value is error
        results = iter_stream_results(FakeCall([encode_batch([b"a"])], error), identity)
        assert results.collect() == [Ok(b"a"), Err(RpcFailure(grpc.StatusCode.DATA_LOSS, "disk"))]

    def test_a_message_too_large_is_an_err_with_its_status(self) -> None:
        error = StatusError(grpc.StatusCode.RESOURCE_EXHAUSTED, "Received message larger")
        results = iter_stream_results(FakeCall([encode_batch([b"a"])], error), identity)
        too_large = RpcFailure(grpc.StatusCode.RESOURCE_EXHAUSTED, "Received message larger")
        assert results.collect() == [Ok(b"a"), Err(too_large)]

    def test_bad_arguments_are_named(self) -> None:
        with pytest.raises(TypeError, match="call must be a streaming call with cancel"):
            iter_stream([b""], identity)  # type: ignore[call-overload]
        with pytest.raises(TypeError, match="deserialize must be callable, got str"):
            iter_stream_results(FakeCall([]), "x")  # type: ignore[call-overload]


class TestRpcFailure:
    def test_from_a_status_error(self) -> None:
        failure = RpcFailure.from_rpc_error(StatusError(grpc.StatusCode.NOT_FOUND, "gone"))
        assert failure == RpcFailure(grpc.StatusCode.NOT_FOUND, "gone")
        assert (failure.code, failure.details) == (grpc.StatusCode.NOT_FOUND, "gone")

    def test_without_a_status_is_unknown(self) -> None:
        assert RpcFailure.from_rpc_error(grpc.RpcError()) == RpcFailure(grpc.StatusCode.UNKNOWN, "")


class TestResourceExhaustedAsTooLarge:
    def test_maps_only_resource_exhausted(self) -> None:
        exhausted = StatusError(grpc.StatusCode.RESOURCE_EXHAUSTED, "Received message larger")
        other = StatusError(grpc.StatusCode.UNAVAILABLE, "down")
        errors: list[Exception] = [exhausted]

        def fetch(token: int | None, limit: int) -> Page[int, int]:
            raise errors[0]

        wrapped = resource_exhausted_as_too_large(fetch)
        with pytest.raises(ResponseTooLargeError) as info:
            wrapped(None, 5)
        assert info.value.error is exhausted
        assert info.value.__cause__ is exhausted
        for error in (other, KeyError("k"), grpc.RpcError()):
            errors[0] = error
            with pytest.raises(type(error)) as raised:
                wrapped(None, 5)
            assert raised.value is error

    def test_passes_pages_through(self) -> None:
        page = Page([1], 2)
        assert resource_exhausted_as_too_large(lambda t, n: page)(None, 1) is page

    def test_not_callable(self) -> None:
        with pytest.raises(TypeError, match="fetch must be callable, got int"):
            resource_exhausted_as_too_large(1)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# against a real server
# ---------------------------------------------------------------------------------------------


class TestProblemUnaryListAll:
    def test_200k_resources_in_one_response_fail_with_resource_exhausted(
        self, channel: grpc.Channel
    ) -> None:
        expected_size = len(encode_batch(resources(N_LARGE)))
        assert expected_size == N_LARGE * 102 > GRPC_DEFAULT_RECEIVE_LIMIT
        list_all: grpc.UnaryUnaryMultiCallable[bytes, bytes]
        list_all = channel.unary_unary(f"/{SERVICE}/ListAll")
        with pytest.raises(grpc.RpcError) as info:
            list_all(b"%d" % N_LARGE, timeout=WAIT)
        assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert (
            f"Received message larger than max ({expected_size} vs. {GRPC_DEFAULT_RECEIVE_LIMIT})"
            in str(info.value.details())
        )


class TestFixStreaming:
    def test_200k_resources_all_once_in_order_no_message_over_the_limit(
        self, inventory: Inventory, channel: grpc.Channel
    ) -> None:
        received_sizes: list[int] = []
        call = start_stream(channel, ListRequest(count=N_LARGE), received_sizes)
        assert iter_stream(call, identity).collect() == resources(N_LARGE)
        assert call.code() == grpc.StatusCode.OK
        sent = inventory.sent_sizes
        assert sent == received_sizes
        assert max(sent) <= DEFAULT_MAX_MESSAGE_BYTES
        assert sum(sent) == N_LARGE * 102
        # Greedy: every message but the last is full to within one item.
        assert all(size > DEFAULT_MAX_MESSAGE_BYTES - 102 for size in sent[:-1])
        assert len(sent) == -(-N_LARGE * 102 // (DEFAULT_MAX_MESSAGE_BYTES // 102 * 102))

    def test_stream_handler_end_to_end(self, channel: grpc.Channel) -> None:
        record: list[int] = []

        def received(message: bytes) -> bytes:
            record.append(len(message))
            return message

        rpc: grpc.UnaryStreamMultiCallable[bytes, bytes] = channel.unary_stream(
            f"/{SERVICE}/Numbers", response_deserializer=received
        )
        call = rpc(b"25", timeout=WAIT)
        assert iter_stream(call, int).collect() == list(range(25))
        assert max(record) <= 16

    def test_results_mode_delivers_everything_as_ok(self, channel: grpc.Channel) -> None:
        call = start_stream(channel, ListRequest(count=1000, max_message_bytes=4096))
        results = iter_stream_results(call, identity).collect()
        assert results == [Ok(r) for r in resources(1000)]


class TestFixPagination:
    def test_200k_resources_all_once_in_order_pages_halved_to_fit(
        self, inventory: Inventory, channel: grpc.Channel
    ) -> None:
        received: list[int] = []
        fetch = page_fetcher(channel, N_LARGE, received)
        items = from_unary_pages(fetch, page_size=100_000).collect()
        assert items == resources(N_LARGE)
        # 100,000 and 50,000 items (10.2 and 5.1 MB) are over 4 MiB; 25,000 (2.55 MB) fit.
        # After 4 pages the limit tries 50,000 again (refused), then waits 8 pages.
        assert inventory.page_limits == [100_000, 50_000] + [25_000] * 4 + [50_000] + [25_000] * 4
        assert len(received) == 8
        assert max(received) <= GRPC_DEFAULT_RECEIVE_LIMIT
        assert sum(received) == N_LARGE * 102 + 8 * 8

    def test_other_status_codes_propagate(
        self, inventory: Inventory, channel: grpc.Channel
    ) -> None:
        inventory.deny_pages = True
        pages = from_unary_pages(page_fetcher(channel, 10, []), page_size=5)
        with pytest.raises(grpc.RpcError) as info:
            pages.collect()
        assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert info.value.details() == "no listing for you"
        assert inventory.page_limits == [5]

    def test_one_item_too_large_ends_with_item_too_large(self, channel: grpc.Channel) -> None:
        rpc: grpc.UnaryUnaryMultiCallable[bytes, bytes]
        rpc = channel.unary_unary(f"/{SERVICE}/ListAll")
        limits: list[int] = []

        def fetch(token: int | None, limit: int) -> Page[bytes, int]:
            limits.append(limit)
            rpc(b"%d" % N_LARGE, timeout=WAIT)  # always too large
            raise AssertionError("unreachable")  # pragma: no cover

        with pytest.raises(PageItemTooLargeError) as info:
            from_unary_pages(fetch, page_size=4).collect()
        assert limits == [4, 2, 1]
        assert isinstance(info.value.__cause__, ResponseTooLargeError)


def stream_peak(channel: grpc.Channel, count: int) -> tuple[int, int]:
    """(items counted, tracemalloc peak in bytes) while counting a stream of 64 KiB messages."""
    gc.collect()
    tracemalloc.start()
    try:
        call = start_stream(channel, ListRequest(count=count, max_message_bytes=64 * 1024))
        n = sum(1 for _ in iter_stream(call, identity))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return n, peak


class TestBoundedMemory:
    """The peak does not grow with the stream's length.

    tracemalloc sees Python allocations only (in every thread, so the in-process server's
    batches count too), not grpcio's C-core buffers; what it shows is that neither the
    client nor the server holds more than a few messages at a time.
    """

    def test_peak_is_a_few_messages_and_the_same_for_20k_and_200k(
        self, channel: grpc.Channel
    ) -> None:
        message = 64 * 1024
        stream_peak(channel, 1000)  # warm up: channel, grpcio's lazily built objects
        n_small, peak_small = stream_peak(channel, 20_000)
        n_large, peak_large = stream_peak(channel, N_LARGE)
        assert (n_small, n_large) == (20_000, N_LARGE)
        # Measured: about 430-480 KB for both (7 messages: a batch being built and joined on
        # the server, a message and its decoded items on the client, grpcio's own objects).
        assert peak_small < 10 * message
        assert peak_large < 10 * message
        assert peak_large < peak_small + 3 * message  # a leak of 1 byte/item would be 180 KB
        # A list of the 200,000 items alone would take more than 20 MB.


class TestCancellation:
    def test_closing_after_10_items_cancels_and_closes_the_server_source(
        self, inventory: Inventory, channel: grpc.Channel
    ) -> None:
        call = start_stream(channel, ListRequest(count=N_LARGE, max_message_bytes=64 * 1024))
        it = iter_stream(call, identity)
        assert [next(it) for _ in range(10)] == resources(10)
        it.close()
        assert call.code() == grpc.StatusCode.CANCELLED
        (source,) = inventory.sources
        assert source.closed.wait(WAIT)
        # What was produced fits in flow-control windows and grpcio's buffers: a few MB at
        # most, far from the 200,000 items (20 MB) of the whole listing.
        # (Measured: about 3,900 items, 6 messages of 64 KiB.)
        assert 10 <= source.produced < 30_000
        assert source.pulled_after_close == 0

    def test_leaving_a_with_block_early_cancels(
        self, inventory: Inventory, channel: grpc.Channel
    ) -> None:
        call = start_stream(channel, ListRequest(count=N_LARGE, max_message_bytes=64 * 1024))
        with iter_stream_results(call, identity) as results:
            for r in results:
                assert r == Ok(resource(0))
                break
        assert call.code() == grpc.StatusCode.CANCELLED
        (source,) = inventory.sources
        assert source.closed.wait(WAIT)
        assert source.produced < 30_000


class TestServerErrorMidStream:
    def test_raise_mode_every_item_before_the_error_once(
        self, inventory: Inventory, channel: grpc.Channel
    ) -> None:
        call = start_stream(
            channel, ListRequest(count=20_000, max_message_bytes=4096, fail_at=5003)
        )
        received: list[bytes] = []
        with pytest.raises(grpc.RpcError) as info:
            for item in iter_stream(call, identity):
                received.append(item)
        assert received == resources(5003)
        assert info.value.code() == grpc.StatusCode.UNKNOWN
        assert info.value.details() == "Exception iterating responses: storage failed at 5003"
        assert inventory.sources[0].closed.wait(WAIT)

    def test_err_mode_every_item_before_the_error_once(self, channel: grpc.Channel) -> None:
        call = start_stream(
            channel, ListRequest(count=20_000, max_message_bytes=4096, fail_at=5003)
        )
        results = iter_stream_results(call, identity).collect()
        assert results == [Ok(r) for r in resources(5003)] + [
            Err(
                RpcFailure(
                    grpc.StatusCode.UNKNOWN, "Exception iterating responses: storage failed at 5003"
                )
            )
        ]

    def test_abort_status_reaches_the_client_after_the_items(self, channel: grpc.Channel) -> None:
        call = start_stream(
            channel, ListRequest(count=20_000, max_message_bytes=4096, abort_at=7777)
        )
        results = iter_stream_results(call, identity).collect()
        assert results == [Ok(r) for r in resources(7777)] + [
            Err(RpcFailure(grpc.StatusCode.FAILED_PRECONDITION, "shelf moved at 7777"))
        ]
