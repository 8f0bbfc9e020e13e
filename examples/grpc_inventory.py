"""A protoc-generated gRPC service (examples/inventory.proto) that outgrows one message, fixed.

One process runs the Inventory service on a grpc.server, with the generated servicer base
class and ``add_InventoryServicer_to_server``, and lists 200,000 nodes through the generated
stub three ways:

1. ``ListAllNodes``, everything in one response: over grpcio's 4 MiB receive limit, so it
   fails with RESOURCE_EXHAUSTED for every caller;
2. ``StreamNodes``, a server stream of ``NodeBatch`` messages: ``stream_messages`` on the
   server, ``iter_stream`` on the client, every message under the limit, read lazily;
3. ``ListNodes``, a unary paginated RPC (page_token/page_size/next_page_token):
   ``from_unary_pages`` halves pages that are too large.

Then the client stops reading after 10 nodes: closing the ``Iter`` cancels the call, and the
server stops producing and closes its source.

Run it with ``python examples/grpc_inventory.py`` (needs ``pip install 'itero[grpc]'`` and
protobuf); ``examples/grpc_inventory_aio.py`` is the same service on grpc.aio.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent import futures

import grpc
import inventory_pb2_grpc
from inventory_pb2 import (
    ListAllNodesRequest,
    ListAllNodesResponse,
    ListNodesRequest,
    ListNodesResponse,
    Node,
    NodeBatch,
    StreamNodesRequest,
)

from itero import Iter, cut_page
from itero.grpc import DEFAULT_MAX_MESSAGE_BYTES, from_unary_pages, iter_stream, stream_messages

N_NODES = 200_000
KINDS = ("rack", "server", "switch")


class Storage:
    """The server's storage: nodes in id order, produced lazily; records what was produced."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.produced = 0
        self.closed = threading.Event()

    def nodes(self, start: int = 0) -> Iterator[Node]:
        try:
            for i in range(start, self.total):
                self.produced += 1
                yield Node(id=i, name=f"node-{i:08d}", parent_id=i // 16, kind=KINDS[i % 3])
        finally:
            self.closed.set()


class Inventory(inventory_pb2_grpc.InventoryServicer):
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.sent: list[int] = []  # sizes of the streamed messages
        self.page_sizes: list[int] = []  # page sizes asked for

    def StreamNodes(
        self, request: StreamNodesRequest, context: grpc.ServicerContext
    ) -> Iterator[NodeBatch]:
        nodes = Iter(self.storage.nodes())
        if request.kind:
            nodes = nodes.filter(lambda n: n.kind == request.kind)
        # The one call: nodes in, NodeBatch messages of at most 4 MiB - 64 KiB out.
        batches = stream_messages(nodes, NodeBatch, context)
        return batches.inspect(lambda batch: self.sent.append(batch.ByteSize()))

    def ListNodes(
        self, request: ListNodesRequest, context: grpc.ServicerContext
    ) -> ListNodesResponse:
        self.page_sizes.append(request.page_size)
        start = int(request.page_token or 0)
        # A source that begins at the token, as a `WHERE id >= token` query would.
        page = cut_page(
            self.storage.nodes(start), key=lambda n: n.id, start=start, limit=request.page_size
        )
        next_token = "" if page.next_token is None else str(page.next_token)
        return ListNodesResponse(nodes=page.items, next_page_token=next_token)

    def ListAllNodes(
        self, request: ListAllNodesRequest, context: grpc.ServicerContext
    ) -> ListAllNodesResponse:
        return ListAllNodesResponse(nodes=list(self.storage.nodes()))


def main() -> None:
    storage = Storage(N_NODES)
    inventory = Inventory(storage)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    inventory_pb2_grpc.add_InventoryServicer_to_server(inventory, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = inventory_pb2_grpc.InventoryStub(channel)

            # 1. unary: fails for everyone once the inventory is large.
            try:
                stub.ListAllNodes(ListAllNodesRequest(), timeout=30)
                print("ListAllNodes: unexpectedly succeeded")
            except grpc.RpcError as error:
                print(f"ListAllNodes: {error.code().name}")

            # 2. stream: one lazy Iter[Node] over the call.
            nodes = iter_stream(stub.StreamNodes(StreamNodesRequest(), timeout=30))
            count = nodes.count()
            fits = max(inventory.sent) <= DEFAULT_MAX_MESSAGE_BYTES
            print(
                f"StreamNodes:  {count:,} nodes in {len(inventory.sent)} messages, each at most"
                f" {DEFAULT_MAX_MESSAGE_BYTES:,} bytes: {fits}"
            )

            # 3. pagination: the generated request and response, named fields, no glue.
            pages = from_unary_pages(
                stub.ListNodes,
                ListNodesRequest(),
                items=lambda response: response.nodes,
                page_size=N_NODES,
                timeout=30,
            )
            ids = pages.map(lambda n: n.id)
            in_order = ids.eq(range(N_NODES))
            asked = ", ".join(f"{n:,}" for n in inventory.page_sizes)
            print(f"ListNodes:    all {N_NODES:,} in order: {in_order} (page sizes asked: {asked})")

            # 4. the client stops early: the call is cancelled, the server stops.
            storage.produced = 0
            storage.closed.clear()
            with iter_stream(stub.StreamNodes(StreamNodesRequest(), timeout=30)) as nodes:
                first = nodes.by_ref().take(10).map(lambda n: n.id).collect()
            closed = storage.closed.wait(timeout=30)
            print(
                f"Cancelled after {first[-1] + 1} nodes: server source closed: {closed},"
                f" stopped early: {storage.produced < N_NODES}"
            )
    finally:
        server.stop(grace=None).wait(30)


if __name__ == "__main__":
    main()
