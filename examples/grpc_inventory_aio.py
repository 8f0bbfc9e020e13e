"""The Inventory service of examples/grpc_inventory.py, on grpc.aio: server and client async.

The generated servicer's methods are ``async def`` (the streaming one an async generator, as
grpc.aio requires), the source is an async generator (as an async database driver gives), and
the client uses the generated stub on a ``grpc.aio`` channel:

1. ``ListAllNodes`` fails with RESOURCE_EXHAUSTED (one 6 MB response);
2. ``StreamNodes``: ``astream_messages`` on the server, ``aiter_stream`` on the client;
3. ``ListNodes``: ``afrom_unary_pages`` halves pages that are too large;
4. the client stops after 10 nodes: closing the ``AsyncIter`` cancels the call, and the
   server's source is closed.

Run it with ``python examples/grpc_inventory_aio.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import grpc.aio
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

from itero import AsyncIter, cut_page
from itero.grpc import (
    DEFAULT_MAX_MESSAGE_BYTES,
    afrom_unary_pages,
    aiter_stream,
    astream_messages,
)

N_NODES = 200_000
KINDS = ("rack", "server", "switch")


def node(i: int) -> Node:
    return Node(id=i, name=f"node-{i:08d}", parent_id=i // 16, kind=KINDS[i % 3])


class Storage:
    """The server's storage, async: nodes in id order; records what was produced."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.produced = 0
        self.closed = asyncio.Event()

    async def nodes(self) -> AsyncIterator[Node]:
        try:
            for i in range(self.total):
                if i % 1000 == 0:
                    await asyncio.sleep(0)  # a driver awaits the next rows now and then
                self.produced += 1
                yield node(i)
        finally:
            self.closed.set()


class Inventory(inventory_pb2_grpc.InventoryServicer):
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.sent: list[int] = []  # sizes of the streamed messages
        self.page_sizes: list[int] = []  # page sizes asked for

    async def StreamNodes(
        self,
        request: StreamNodesRequest,
        context: grpc.aio.ServicerContext[StreamNodesRequest, NodeBatch],
    ) -> AsyncIterator[NodeBatch]:
        nodes = AsyncIter(self.storage.nodes())
        if request.kind:
            nodes = nodes.filter(lambda n: n.kind == request.kind)
        # async with: the source is closed as soon as the client cancels.
        async with astream_messages(nodes, NodeBatch, context) as batches:
            async for batch in batches:
                self.sent.append(batch.ByteSize())
                yield batch

    async def ListNodes(
        self,
        request: ListNodesRequest,
        context: grpc.aio.ServicerContext[ListNodesRequest, ListNodesResponse],
    ) -> ListNodesResponse:
        self.page_sizes.append(request.page_size)
        start = int(request.page_token or 0)
        rows = (node(i) for i in range(start, self.storage.total))  # WHERE id >= start
        page = cut_page(rows, key=lambda n: n.id, start=start, limit=request.page_size)
        next_token = "" if page.next_token is None else str(page.next_token)
        return ListNodesResponse(nodes=page.items, next_page_token=next_token)

    async def ListAllNodes(
        self,
        request: ListAllNodesRequest,
        context: grpc.aio.ServicerContext[ListAllNodesRequest, ListAllNodesResponse],
    ) -> ListAllNodesResponse:
        return ListAllNodesResponse(nodes=[node(i) for i in range(self.storage.total)])


async def main() -> None:
    storage = Storage(N_NODES)
    inventory = Inventory(storage)
    server = grpc.aio.server()
    inventory_pb2_grpc.add_InventoryServicer_to_server(inventory, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = inventory_pb2_grpc.InventoryStub(channel)

            # 1. unary: fails for everyone once the inventory is large.
            try:
                await stub.ListAllNodes(ListAllNodesRequest(), timeout=30)
                print("ListAllNodes: unexpectedly succeeded")
            except grpc.aio.AioRpcError as error:
                print(f"ListAllNodes: {error.code().name}")

            # 2. stream: one lazy AsyncIter[Node] over the call.
            count = await aiter_stream(stub.StreamNodes(StreamNodesRequest(), timeout=30)).count()
            fits = max(inventory.sent) <= DEFAULT_MAX_MESSAGE_BYTES
            print(
                f"StreamNodes:  {count:,} nodes in {len(inventory.sent)} messages, each at most"
                f" {DEFAULT_MAX_MESSAGE_BYTES:,} bytes: {fits}"
            )

            # 3. pagination with the generated request and response.
            pages = afrom_unary_pages(
                stub.ListNodes,
                ListNodesRequest(),
                items=lambda response: response.nodes,
                page_size=N_NODES,
                timeout=30,
            )
            in_order = await pages.map(lambda n: n.id).eq(range(N_NODES))
            asked = ", ".join(f"{n:,}" for n in inventory.page_sizes)
            print(f"ListNodes:    all {N_NODES:,} in order: {in_order} (page sizes asked: {asked})")

            # 4. the client stops early: the call is cancelled, the server's source closed.
            storage.produced = 0
            storage.closed.clear()
            async with aiter_stream(stub.StreamNodes(StreamNodesRequest(), timeout=30)) as nodes:
                first = [(await nodes.__anext__()).id for _ in range(10)]
            await asyncio.wait_for(storage.closed.wait(), timeout=30)
            print(
                f"Cancelled after {first[-1] + 1} nodes: server source closed: "
                f"{storage.closed.is_set()}, stopped early: {storage.produced < N_NODES}"
            )
    finally:
        await server.stop(grace=None)


if __name__ == "__main__":
    asyncio.run(main())
