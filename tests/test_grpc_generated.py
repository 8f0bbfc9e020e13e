"""itero.grpc with protoc-generated code (examples/inventory.proto) on a real grpc.server.

The generated servicer is registered with the generated ``add_InventoryServicer_to_server``
and called through the generated stub, on 127.0.0.1 port 0; each test starts and stops its
server. The grpc.aio twins are in test_grpc_aio.py.
"""

from __future__ import annotations

import gc
import itertools
import tracemalloc
from collections.abc import Iterator
from typing import Any

import grpc
import inventory_pb2_grpc
import pytest
from inventory_pb2 import (
    ListAllNodesRequest,
    ListNodesRequest,
    Node,
    NodeBatch,
    StreamNodesRequest,
)

from _grpc_inventory import (
    WAIT,
    Recorder,
    Settings,
    framed_size,
    node,
    start_sync_server,
)
from itero import (
    Err,
    ItemTooLargeError,
    ListingDeadlineError,
    Ok,
    PageItemTooLargeError,
    PageRecord,
    Some,
    batched_by_size,
)
from itero.grpc import (
    DEFAULT_MAX_MESSAGE_BYTES,
    RpcFailure,
    StreamMessageTooLargeError,
    encode_batch,
    from_unary_pages,
    iter_stream,
    iter_stream_results,
    stream_messages,
)

N_LARGE = 200_000


def nodes(n: int, start: int = 0) -> list[Node]:
    return [node(i) for i in range(start, start + n)]


class Service:
    """A running server, its recorder and settings, and a stub on a channel to it."""

    def __init__(self, settings: Settings, channel_options: list[tuple[str, int]]) -> None:
        self.settings = settings
        self.recorder = Recorder(settings)
        self.server, port = start_sync_server(self.recorder)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=channel_options)
        self.stub = inventory_pb2_grpc.InventoryStub(self.channel)

    def close(self) -> None:
        self.channel.close()
        self.server.stop(grace=None).wait(WAIT)


@pytest.fixture
def service() -> Iterator[Service]:
    s = Service(Settings(), [])
    try:
        yield s
    finally:
        s.close()


class TestWireFormat:
    def test_a_node_batch_is_the_itero_framing_of_its_serialized_items(self) -> None:
        items = nodes(300)
        batch = NodeBatch(items=items)
        assert batch.SerializeToString() == encode_batch([n.SerializeToString() for n in items])
        assert batch.ByteSize() == sum(map(framed_size, items))

    def test_stream_messages_gives_real_batch_messages_under_the_limit(self) -> None:
        items = nodes(1000)
        batches = stream_messages(items, NodeBatch, max_message_bytes=4096).collect()
        assert all(type(b) is NodeBatch for b in batches)
        assert all(b.ByteSize() <= 4096 for b in batches)
        assert [n for b in batches for n in b.items] == items
        # greedy: the next batch's first item would not have fitted
        for batch, following in itertools.pairwise(batches):
            assert batch.ByteSize() + framed_size(following.items[0]) > 4096

    def test_batch_type_without_repeated_field_1_is_refused(self) -> None:
        with pytest.raises(TypeError, match=r"must have a repeated message \(or bytes\) field"):
            stream_messages([], Node)
        with pytest.raises(TypeError, match="must be a generated protobuf message class"):
            stream_messages([], bytes)  # type: ignore[arg-type]

    def test_oversize_node_names_its_index_and_the_limit_to_change(self) -> None:
        big = Node(id=7, name="x" * 5000)
        batches = stream_messages([node(0), big], NodeBatch, max_message_bytes=4096)
        assert list(next(batches).items) == [node(0)]
        with pytest.raises(ItemTooLargeError, match="item at index 1 has 5005 bytes") as info:
            next(batches)
        assert "raise max_message_bytes" in str(info.value)


class TestBatchingProtobufMessages:
    def test_default_len_on_a_message_says_to_pass_size(self) -> None:
        with pytest.raises(TypeError, match=r"but Node has no len\(\): pass size=") as info:
            batched_by_size([node(0)], 100).collect()  # type: ignore[type-var]
        assert "size=lambda m: m.ByteSize()" in str(info.value)

    def test_byte_size_plus_tag_and_prefix_bounds_a_repeated_field_exactly(self) -> None:
        # Nodes under 128 bytes: 1 tag byte and 1 length byte each.
        items = nodes(1000)
        assert all(n.ByteSize() < 128 for n in items)
        batches = batched_by_size(items, 4096, size=lambda m: m.ByteSize(), item_overhead=2)
        for batch in batches:
            assert NodeBatch(items=batch).ByteSize() == sum(n.ByteSize() + 2 for n in batch)
            assert NodeBatch(items=batch).ByteSize() <= 4096


class TestProblemUnaryListAll:
    def test_200k_nodes_in_one_response_fail_with_resource_exhausted(
        self, service: Service
    ) -> None:
        service.settings.total = N_LARGE
        with pytest.raises(grpc.RpcError) as info:
            service.stub.ListAllNodes(ListAllNodesRequest(), timeout=WAIT)
        assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "Received message larger than max" in str(info.value.details())


class TestFixStreaming:
    def test_200k_nodes_all_once_in_order_no_message_over_the_limit(self, service: Service) -> None:
        service.settings.total = N_LARGE
        call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
        ids = iter_stream(call).map(lambda n: n.id).collect()
        assert ids == list(range(N_LARGE))
        assert call.code() == grpc.StatusCode.OK
        sent = service.recorder.sent_sizes
        assert max(sent) <= DEFAULT_MAX_MESSAGE_BYTES
        assert sum(sent) == sum(framed_size(node(i)) for i in range(N_LARGE))
        assert len(sent) == 2  # 6.2 MB in messages of 4 MiB less 64 KiB

    def test_items_are_equal_to_the_servers(self, service: Service) -> None:
        service.settings.total = 3000
        service.settings.max_message_bytes = 4096
        call = service.stub.StreamNodes(StreamNodesRequest(kind="switch"), timeout=WAIT)
        assert iter_stream(call).collect() == [n for n in nodes(3000) if n.kind == "switch"]

    def test_on_page_records_each_message_as_it_arrives(self, service: Service) -> None:
        service.settings.total = 3000
        service.settings.max_message_bytes = 4096
        records: list[PageRecord[Any]] = []
        ticks = itertools.count()
        call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
        got = iter_stream(call, on_page=records.append, clock=lambda: float(next(ticks)))
        first = got.next()
        assert first == Some(node(0)) and len(records) == 1  # the record comes with its message
        rest = got.collect()
        assert 1 + len(rest) == 3000
        assert [r.number for r in records] == list(range(1, len(records) + 1))
        assert sum(r.items for r in records) == 3000
        assert [r.nbytes for r in records] == service.recorder.sent_sizes
        assert all(r.token is None and r.limit is None and r.retries == 0 for r in records)
        assert [r.elapsed for r in records] == [float(i) for i in range(1, len(records) + 1)]

    def test_on_page_and_clock_are_checked_at_the_call(self, service: Service) -> None:
        call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
        with pytest.raises(TypeError, match=r"^on_page must be callable, got int$"):
            iter_stream(call, on_page=3)  # type: ignore[call-overload]
        with pytest.raises(TypeError, match=r"^clock must be callable, got NoneType$"):
            iter_stream(call, clock=None)  # type: ignore[call-overload]
        call.cancel()

    def test_results_mode_delivers_everything_as_ok(self, service: Service) -> None:
        service.settings.max_message_bytes = 1024
        call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
        assert iter_stream_results(call).collect() == [Ok(n) for n in nodes(1000)]

    def test_a_message_over_the_clients_limit_names_the_item_and_the_limit(self) -> None:
        service = Service(
            Settings(total=5000, max_message_bytes=64 * 1024),
            [("grpc.max_receive_message_length", 16 * 1024)],
        )
        try:
            call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
            with pytest.raises(StreamMessageTooLargeError) as info:
                iter_stream(call).collect()
        finally:
            service.close()
        error = info.value
        assert isinstance(error, grpc.RpcError)
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert error.index == 0
        assert "Received message larger than max" in error.details()
        assert "grpc.max_receive_message_length" in str(error)
        assert "max_message_bytes" in str(error)


class TestFixPagination:
    def test_on_page_and_deadline_pass_through_to_from_pages(self, service: Service) -> None:
        service.settings.total = 1000
        records: list[PageRecord[Any]] = []
        got = from_unary_pages(
            service.stub.ListNodes,
            ListNodesRequest(),
            items=lambda r: r.nodes,
            page_size=300,
            on_page=records.append,
        ).collect()
        assert len(got) == 1000
        assert [(r.number, r.items, r.limit) for r in records] == [
            (1, 300, 300),
            (2, 300, 300),
            (3, 300, 300),
            (4, 100, 300),
        ]
        # A deadline that has passed by the second page: the first page's items, then the error.
        listing = from_unary_pages(
            service.stub.ListNodes,
            ListNodesRequest(),
            items=lambda r: r.nodes,
            page_size=300,
            deadline=1e-9,
        )
        first_page = listing.by_ref().take(300).collect()
        assert first_page == nodes(300)
        with pytest.raises(ListingDeadlineError) as info:
            listing.next()
        assert (info.value.delivered, info.value.pages) == (300, 1)

    def test_200k_nodes_all_once_in_order_pages_halved_to_fit(self, service: Service) -> None:
        service.settings.total = N_LARGE
        pages = from_unary_pages(
            service.stub.ListNodes,
            ListNodesRequest(),
            items=lambda response: response.nodes,
            page_size=N_LARGE,
            timeout=WAIT,
        )
        assert pages.map(lambda n: n.id).collect() == list(range(N_LARGE))
        # 200,000 nodes (6.2 MB) are over 4 MiB; 100,000 (3.1 MB) fit.
        assert service.recorder.page_sizes == [N_LARGE, N_LARGE // 2, N_LARGE // 2]

    def test_the_request_template_is_copied_and_filtered(self, service: Service) -> None:
        template = ListNodesRequest(kind="rack")
        pages = from_unary_pages(
            service.stub.ListNodes, template, items=lambda r: r.nodes, page_size=300
        )
        assert pages.count() == 1000  # the test servicer ignores kind for pages
        assert template == ListNodesRequest(kind="rack")
        assert service.recorder.page_sizes == [300] * 4

    def test_field_names_are_checked(self, service: Service) -> None:
        with pytest.raises(ValueError, match=r"token_field='token': ListNodesRequest has no"):
            from_unary_pages(
                service.stub.ListNodes,
                ListNodesRequest(),
                items=lambda r: r.nodes,
                page_size=10,
                token_field="token",
            )
        pages = from_unary_pages(
            service.stub.ListNodes,
            ListNodesRequest(),
            items=lambda r: r.nodes,
            page_size=10,
            next_token_field="next",
        )
        with pytest.raises(ValueError, match=r"next_token_field='next': ListNodesResponse"):
            pages.collect()

    def test_one_node_too_large_for_the_client_ends_with_item_too_large(self) -> None:
        service = Service(Settings(total=10), [("grpc.max_receive_message_length", 20)])
        try:
            pages = from_unary_pages(
                service.stub.ListNodes, ListNodesRequest(), items=lambda r: r.nodes, page_size=4
            )
            with pytest.raises(PageItemTooLargeError):
                pages.collect()
        finally:
            service.close()
        assert service.recorder.page_sizes == [4, 2, 1]


def stream_peak(service: Service, count: int) -> tuple[int, int]:
    """(items counted, tracemalloc peak in bytes) while counting a stream of 64 KiB messages."""
    service.settings.total = count
    service.settings.max_message_bytes = 64 * 1024
    gc.collect()
    tracemalloc.start()
    try:
        call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
        n = iter_stream(call).count()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return n, peak


class TestBoundedMemory:
    """The peak does not grow with the stream's length (Python allocations of both sides)."""

    def test_peak_is_the_same_for_20k_and_200k(self, service: Service) -> None:
        message = 64 * 1024
        stream_peak(service, 1000)  # warm up
        n_small, peak_small = stream_peak(service, 20_000)
        n_large, peak_large = stream_peak(service, N_LARGE)
        assert (n_small, n_large) == (20_000, N_LARGE)
        assert peak_large < 10 * message
        assert peak_large < peak_small + 3 * message  # a leak of 1 byte/item would be 180 KB


class TestCancellation:
    def test_closing_after_10_items_cancels_and_stops_the_server(self, service: Service) -> None:
        service.settings.total = N_LARGE
        service.settings.max_message_bytes = 64 * 1024
        call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
        it = iter_stream(call)
        assert [next(it) for _ in range(10)] == nodes(10)
        it.close()
        assert call.code() == grpc.StatusCode.CANCELLED
        (production,) = service.recorder.productions
        assert production.closed.wait(WAIT)
        # What was produced fits in flow-control windows and grpcio's buffers.
        assert 10 <= production.produced < N_LARGE // 4

    def test_a_slow_source_is_flushed_by_max_delay_before_the_deadline(
        self, service: Service
    ) -> None:
        # 1 node per ms: a 4 MiB message would take minutes to fill; the deadline is 1 s.
        service.settings.total = 100_000
        service.settings.seconds_per_node = 0.001
        service.settings.max_delay = 0.05
        call = service.stub.StreamNodes(StreamNodesRequest(), timeout=1.0)
        received: list[int] = []
        with pytest.raises(grpc.RpcError) as info:
            for n in iter_stream(call):
                received.append(n.id)
        assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert len(received) > 100  # without max_delay: 0
        assert received == list(range(len(received)))
        (production,) = service.recorder.productions
        assert production.closed.wait(WAIT)
        assert production.produced < 100_000


class TestServerErrorMidStream:
    def test_raise_mode_every_item_before_the_error_once(self, service: Service) -> None:
        service.settings.total = 20_000
        service.settings.max_message_bytes = 4096
        service.settings.fail_at = 5003
        call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
        received: list[Node] = []
        with pytest.raises(grpc.RpcError) as info:
            for n in iter_stream(call):
                received.append(n)
        assert received == nodes(5003)
        assert info.value.code() == grpc.StatusCode.UNKNOWN
        assert info.value.details() == "Exception iterating responses: storage failed at 5003"
        assert service.recorder.productions[0].closed.wait(WAIT)

    def test_err_mode_every_item_before_the_error_once(self, service: Service) -> None:
        service.settings.total = 20_000
        service.settings.max_message_bytes = 4096
        service.settings.abort_at = 7777
        call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
        results = iter_stream_results(call).collect()
        assert results == [Ok(n) for n in nodes(7777)] + [
            Err(RpcFailure(grpc.StatusCode.FAILED_PRECONDITION, "shelf moved at 7777"))
        ]


class TestGeneratedRegistration:
    def test_add_servicer_to_server_just_works(self) -> None:
        """The generated registration, stub and servicer base class: no generic handler."""
        service = Service(Settings(total=5), [])
        try:
            call = service.stub.StreamNodes(StreamNodesRequest(), timeout=WAIT)
            assert iter_stream(call).collect() == nodes(5)
        finally:
            service.close()
