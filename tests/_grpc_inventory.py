"""The inventory service of examples/inventory.proto, as the gRPC tests serve it (sync and aio).

The servicers are written as a user writes them, with the generated base classes and the
itero calls as method bodies; what the tests need to observe (how many nodes were produced,
whether the source was closed, the size of each message sent) is recorded on the side.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

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

from itero import AsyncIter, Iter, cut_page
from itero.grpc import DEFAULT_MAX_MESSAGE_BYTES, astream_messages, stream_messages

KINDS = ("rack", "server", "switch")
GRPC_DEFAULT_RECEIVE_LIMIT = 4 * 1024 * 1024
WAIT = 30.0  # seconds: a bound on waiting for servers and threads, never an assertion on time


def node(i: int) -> Node:
    """The i-th node of the inventory (about 32 bytes on the wire)."""
    return Node(id=i, name=f"node-{i:08d}", parent_id=i // 16, kind=KINDS[i % 3])


def framed_size(message: Node) -> int:
    """Bytes a node takes in a NodeBatch (tag, varint length, the node), as protobuf counts them.

    protobuf's own size, not a copy of itero's framing: the reference the tests compare with.
    """
    return NodeBatch(items=[message]).ByteSize()


@dataclass
class Production:
    """What one call's source did: nodes produced, and whether it was closed (set in its
    ``finally``, so nothing can be produced after it; tests/test_grpc.py's RecordingSource
    checks pulls after an outside ``close()``)."""

    produced: int = 0
    closed: threading.Event = field(default_factory=threading.Event)


@dataclass
class Settings:
    """How the test servicers behave; tests change it between calls."""

    total: int = 1000
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    max_delay: float | None = None
    fail_at: int | None = None  # the source raises instead of producing this node
    abort_at: int | None = None  # the servicer aborts with FAILED_PRECONDITION there
    seconds_per_node: float = 0.0  # a slow source


class Recorder:
    """The nodes of the inventory, with what each call's source did."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.productions: list[Production] = []
        self.sent_sizes: list[int] = []
        self.page_sizes: list[int] = []

    def nodes(self, start: int = 0) -> Iterator[Node]:
        """The nodes from id ``start``, produced lazily and recorded."""
        production = Production()
        self.productions.append(production)
        settings = self.settings
        try:
            for i in range(start, settings.total):
                if i == settings.fail_at:
                    raise RuntimeError(f"storage failed at {i}")
                if settings.seconds_per_node:
                    time.sleep(settings.seconds_per_node)
                production.produced += 1
                yield node(i)
        finally:
            production.closed.set()

    async def anodes(self, start: int = 0) -> AsyncIterator[Node]:
        """The nodes from id ``start`` from an async source (as an async database driver)."""
        production = Production()
        self.productions.append(production)
        settings = self.settings
        try:
            for i in range(start, settings.total):
                if i == settings.fail_at:
                    raise RuntimeError(f"storage failed at {i}")
                if settings.seconds_per_node:
                    await asyncio.sleep(settings.seconds_per_node)
                elif i % 1024 == 0:
                    await asyncio.sleep(0)  # a driver awaits now and then
                production.produced += 1
                yield node(i)
        finally:
            production.closed.set()

    def record(self, batch: NodeBatch) -> NodeBatch:
        self.sent_sizes.append(batch.ByteSize())
        return batch

    def page(self, request: ListNodesRequest) -> ListNodesResponse:
        self.page_sizes.append(request.page_size)
        start = int(request.page_token) if request.page_token else 0
        page = cut_page(self.nodes(start), key=lambda n: n.id, start=start, limit=request.page_size)
        next_token = "" if page.next_token is None else str(page.next_token)
        return ListNodesResponse(nodes=page.items, next_page_token=next_token)


class SyncInventory(inventory_pb2_grpc.InventoryServicer):
    """The generated servicer on a grpc.server: one itero call per streaming method."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def StreamNodes(
        self, request: StreamNodesRequest, context: grpc.ServicerContext
    ) -> Iterator[NodeBatch]:
        settings = self.recorder.settings
        nodes = Iter(self.recorder.nodes())
        if request.kind:
            nodes = nodes.filter(lambda n: n.kind == request.kind)
        if settings.abort_at is not None:
            abort_at = settings.abort_at
            nodes = nodes.inspect(lambda n: abort_if(n, abort_at, context))
        batches = stream_messages(
            nodes,
            NodeBatch,
            context,
            max_message_bytes=settings.max_message_bytes,
            max_delay=settings.max_delay,
        )
        return batches.inspect(self.recorder.record)

    def ListNodes(
        self, request: ListNodesRequest, context: grpc.ServicerContext
    ) -> ListNodesResponse:
        return self.recorder.page(request)

    def ListAllNodes(
        self, request: ListAllNodesRequest, context: grpc.ServicerContext
    ) -> ListAllNodesResponse:
        return ListAllNodesResponse(nodes=list(self.recorder.nodes()))


def abort_if(n: Node, abort_at: int, context: grpc.ServicerContext) -> None:
    if n.id == abort_at:
        context.abort(grpc.StatusCode.FAILED_PRECONDITION, f"shelf moved at {abort_at}")


class AioInventory(inventory_pb2_grpc.InventoryServicer):
    """The generated servicer on a grpc.aio server: async methods, an async source."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    async def StreamNodes(
        self,
        request: StreamNodesRequest,
        context: grpc.aio.ServicerContext[StreamNodesRequest, NodeBatch],
    ) -> AsyncIterator[NodeBatch]:
        settings = self.recorder.settings
        nodes = AsyncIter(self.recorder.anodes())
        if request.kind:
            nodes = nodes.filter(lambda n: n.kind == request.kind)
        if settings.abort_at is not None:
            abort_at = settings.abort_at
            nodes = nodes.take_while(lambda n: n.id != abort_at)
        batches = astream_messages(
            nodes,
            NodeBatch,
            context,
            max_message_bytes=settings.max_message_bytes,
            max_delay=settings.max_delay,
        )
        async with batches:
            async for batch in batches:
                yield self.recorder.record(batch)
        if settings.abort_at is not None:
            await context.abort(
                grpc.StatusCode.FAILED_PRECONDITION, f"shelf moved at {settings.abort_at}"
            )

    async def ListNodes(
        self,
        request: ListNodesRequest,
        context: grpc.aio.ServicerContext[ListNodesRequest, ListNodesResponse],
    ) -> ListNodesResponse:
        return self.recorder.page(request)

    async def ListAllNodes(
        self,
        request: ListAllNodesRequest,
        context: grpc.aio.ServicerContext[ListAllNodesRequest, ListAllNodesResponse],
    ) -> ListAllNodesResponse:
        return ListAllNodesResponse(nodes=list(self.recorder.nodes()))


async def start_aio_server(recorder: Recorder) -> tuple[grpc.aio.Server, int]:
    server = grpc.aio.server()
    inventory_pb2_grpc.add_InventoryServicer_to_server(AioInventory(recorder), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, port


def start_sync_server(recorder: Recorder) -> tuple[grpc.Server, int]:
    from concurrent import futures

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    inventory_pb2_grpc.add_InventoryServicer_to_server(SyncInventory(recorder), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


async def wait_closed(production: Production) -> bool:
    """Wait (without blocking the loop) until a source was closed; False after WAIT seconds."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, production.closed.wait, WAIT)
