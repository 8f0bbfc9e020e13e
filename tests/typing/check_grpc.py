"""Typing checks of itero.grpc with protoc-generated code (examples/inventory.proto).

User code as a newcomer writes it: a generated servicer subclass and a generated stub, with
no casts, no dummy methods and no type: ignore. Never executed; mypy --strict and pyright
(strict) must accept it. The lines at the end must be rejected: ``# type: ignore[code]`` for
mypy (``warn_unused_ignores`` makes an accepted call an error), ``# pyright: ignore[rule]``
for pyright.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
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
from typing_extensions import assert_type

from itero import AsyncIter, Iter, Result
from itero.grpc import (
    RpcFailure,
    acancellable,
    afrom_unary_pages,
    aiter_stream,
    aiter_stream_results,
    astream_messages,
    cancellable,
    from_unary_pages,
    iter_stream,
    iter_stream_results,
    stream_messages,
)


def all_nodes() -> Iterator[Node]:
    yield Node(id=1, name="n1")


class Inventory(inventory_pb2_grpc.InventoryServicer):
    """A generated servicer: the itero calls are the method bodies."""

    def StreamNodes(
        self, request: StreamNodesRequest, context: grpc.ServicerContext
    ) -> Iterator[NodeBatch]:
        nodes = Iter(cancellable(all_nodes(), context)).filter(lambda n: n.kind == request.kind)
        batches = stream_messages(nodes, NodeBatch, context, max_delay=0.5)
        assert_type(batches, Iter[NodeBatch])
        return batches

    def ListNodes(
        self, request: ListNodesRequest, context: grpc.ServicerContext
    ) -> ListNodesResponse:
        return ListNodesResponse(nodes=list(all_nodes()))

    def ListAllNodes(
        self, request: ListAllNodesRequest, context: grpc.ServicerContext
    ) -> ListAllNodesResponse:
        return ListAllNodesResponse(nodes=list(all_nodes()))


def serve() -> grpc.Server:
    server = grpc.server(futures.ThreadPoolExecutor())
    inventory_pb2_grpc.add_InventoryServicer_to_server(Inventory(), server)
    return server


def client(channel: grpc.Channel) -> None:
    stub = inventory_pb2_grpc.InventoryStub(channel)

    nodes = iter_stream(stub.StreamNodes(StreamNodesRequest(kind="rack")))
    assert_type(nodes, Iter[Node])
    results = iter_stream_results(stub.StreamNodes(StreamNodesRequest()))
    assert_type(results, Iter[Result[Node, RpcFailure]])

    pages = from_unary_pages(
        stub.ListNodes, ListNodesRequest(kind="rack"), items=lambda r: r.nodes, page_size=1000
    )
    assert_type(pages, Iter[Node])
    with_timeout = from_unary_pages(
        stub.ListNodes,
        ListNodesRequest(),
        items=lambda r: r.nodes,
        page_size=1000,
        token_field="page_token",
        limit_field="page_size",
        next_token_field="next_page_token",
        timeout=10,
    )
    assert_type(with_timeout, Iter[Node])

    # Rejected: a bytes deserializer for a stub whose messages are already parsed.
    call = stub.StreamNodes(StreamNodesRequest())
    iter_stream(call, Node.FromString)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    # Rejected: a request of another RPC.
    from_unary_pages(  # type: ignore[misc]
        stub.ListNodes,  # pyright: ignore[reportArgumentType]
        StreamNodesRequest(),
        items=lambda r: r.nodes,
        page_size=10,
    )


async def all_nodes_async() -> AsyncIterator[Node]:
    yield Node(id=1, name="n1")


class AioInventory(inventory_pb2_grpc.InventoryServicer):
    """A generated servicer on a grpc.aio server: async generator and coroutine methods."""

    async def StreamNodes(
        self,
        request: StreamNodesRequest,
        context: grpc.aio.ServicerContext[StreamNodesRequest, NodeBatch],
    ) -> AsyncIterator[NodeBatch]:
        nodes = acancellable(all_nodes_async(), context).filter(lambda n: n.kind == "rack")
        batches = astream_messages(nodes, NodeBatch, context, max_delay=0.5)
        assert_type(batches, AsyncIter[NodeBatch])
        async with batches:
            async for batch in batches:
                yield batch

    async def ListNodes(
        self,
        request: ListNodesRequest,
        context: grpc.aio.ServicerContext[ListNodesRequest, ListNodesResponse],
    ) -> ListNodesResponse:
        return ListNodesResponse()

    async def ListAllNodes(
        self,
        request: ListAllNodesRequest,
        context: grpc.aio.ServicerContext[ListAllNodesRequest, ListAllNodesResponse],
    ) -> ListAllNodesResponse:
        return ListAllNodesResponse()


async def aio_client(channel: grpc.aio.Channel) -> None:
    server = grpc.aio.server()
    inventory_pb2_grpc.add_InventoryServicer_to_server(AioInventory(), server)

    stub = inventory_pb2_grpc.InventoryStub(channel)
    nodes = aiter_stream(stub.StreamNodes(StreamNodesRequest(kind="rack")))
    assert_type(nodes, AsyncIter[Node])
    assert_type(await nodes.collect(), list[Node])
    results = aiter_stream_results(stub.StreamNodes(StreamNodesRequest()))
    assert_type(results, AsyncIter[Result[Node, RpcFailure]])
    pages = afrom_unary_pages(
        stub.ListNodes, ListNodesRequest(), items=lambda r: r.nodes, page_size=1000, timeout=10
    )
    assert_type(pages, AsyncIter[Node])
