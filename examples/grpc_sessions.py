"""A gRPC listing that outgrows the maximum message size, and two ways itero fixes it.

One process runs a grpcio server with 100,000 sessions (about 100 bytes each, 10 MB in all)
and a client that lists them three ways:

1. a unary "list all": one 10 MB response, over grpcio's 4 MiB receive limit, so it fails
   with RESOURCE_EXHAUSTED for every caller;
2. a server stream (``itero.grpc.stream_handler`` / ``iter_stream``): messages of at most
   4 MiB less a margin, read lazily, one message in memory at a time;
3. a unary paginated RPC (``itero.grpc.from_unary_pages``): pages that start too large are
   halved until they fit.

Run it with ``python examples/grpc_sessions.py`` (needs ``pip install 'itero[grpc]'``).
Peak memory is what tracemalloc sees (Python allocations of both sides, not grpcio's C buffers).
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable, Iterator
from concurrent import futures
from typing import Any, NamedTuple, TypeVar

import grpc

from itero import Iter, Page, cut_page
from itero.grpc import decode_batch, encode_batch, from_unary_pages, iter_stream, stream_handler

N_SESSIONS = 100_000
SERVICE = "demo.Sessions"
T = TypeVar("T")


class Session(NamedTuple):
    id: int
    user: str
    device: str
    started: str

    def to_bytes(self) -> bytes:
        return f"{self.id}\t{self.user}\t{self.device}\t{self.started}".encode()

    @staticmethod
    def from_bytes(data: bytes) -> Session:
        id_, user, device, started = data.decode().split("\t")
        return Session(int(id_), user, device, started)


def sessions_from(start: int = 0) -> Iterator[Session]:
    """The server's storage: sessions in id order from ``start``, produced lazily."""
    for i in range(start, N_SESSIONS):
        user = f"user-{i % 9973:05d}@example.org"
        yield Session(
            i, user, "laptop; Firefox 133.0; Ubuntu 24.04; Linux x86_64", "2026-11-30T18:00:00Z"
        )


# --- the server ---------------------------------------------------------------------------


def list_all(request: bytes, context: grpc.ServicerContext) -> bytes:
    """The motivating failure: everything in one response."""
    return encode_batch(s.to_bytes() for s in sessions_from())


def list_stream(request: bytes, context: grpc.ServicerContext) -> Iter[Session]:
    """The fix, streaming: return the items; stream_handler packs them into bounded messages."""
    return Iter(sessions_from())


def list_page(request: bytes, context: grpc.ServicerContext) -> bytes:
    """The fix, paginated. A page is a batch whose first payload is the next token."""
    token, limit = json.loads(request)
    # A source that begins at the token (as a `WHERE id >= token` query would): cut_page then
    # reads at most limit + 1 sessions.
    page = cut_page(sessions_from(token or 0), key=lambda s: s.id, start=token, limit=limit)
    next_token = b"" if page.next_token is None else str(page.next_token).encode()
    return encode_batch([next_token, *(s.to_bytes() for s in page.items)])


def start_server() -> tuple[grpc.Server, int]:
    # Generic handlers: no code generation, bytes in and out.
    handlers: dict[str, grpc.RpcMethodHandler[Any, Any]] = {
        "ListAll": grpc.unary_unary_rpc_method_handler(list_all),
        "List": stream_handler(list_stream, Session.to_bytes, request_deserializer=bytes),
        "ListPage": grpc.unary_unary_rpc_method_handler(list_page),
    }
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, handlers)])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


# --- the client ---------------------------------------------------------------------------


def measured(consume: Callable[[], T]) -> tuple[T, int]:
    """Run ``consume`` and return its result with tracemalloc's peak, in bytes."""
    tracemalloc.start()
    try:
        result = consume()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def mib(n: int) -> str:
    return f"{n / 2**20:.2f} MiB"


def main() -> None:
    server, port = start_server()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            # 1. unary: fails for everyone once the list is large.
            unary: grpc.UnaryUnaryMultiCallable[bytes, bytes]
            unary = channel.unary_unary(f"/{SERVICE}/ListAll")
            try:
                unary(b"", timeout=30)
                print("unary ListAll:  unexpectedly succeeded")
            except grpc.RpcError as error:
                print(f"unary ListAll:  FAILED {error.code().name}: {error.details()}")

            # 2. stream: a lazy Iter; each message measured as it arrives.
            sizes: list[int] = []

            def received(message: bytes) -> bytes:
                sizes.append(len(message))
                return message

            stream: grpc.UnaryStreamMultiCallable[bytes, bytes] = channel.unary_stream(
                f"/{SERVICE}/List", response_deserializer=received
            )
            count, peak = measured(
                lambda: iter_stream(stream(b"", timeout=30), Session.from_bytes).count()
            )
            print(
                f"stream List:    {count:,} sessions in {len(sizes)} messages,"
                f" largest {mib(max(sizes))}, client+server peak {mib(peak)}"
            )

            # 3. pagination: ask for 50,000 per page; halved until a page fits in 4 MiB.
            page_rpc: grpc.UnaryUnaryMultiCallable[bytes, bytes]
            page_rpc = channel.unary_unary(f"/{SERVICE}/ListPage")
            limits: list[int] = []
            page_sizes: list[int] = []

            def fetch(token: int | None, limit: int) -> Page[Session, int]:
                limits.append(limit)
                data = page_rpc(json.dumps([token, limit]).encode(), timeout=30)
                page_sizes.append(len(data))
                next_token, *items = decode_batch(data)
                return Page(
                    [Session.from_bytes(b) for b in items],
                    int(next_token) if next_token else None,
                )

            count, peak = measured(lambda: from_unary_pages(fetch, page_size=50_000).count())
            print(
                f"paged ListPage: {count:,} sessions in {len(page_sizes)} pages"
                f" (limits asked: {', '.join(f'{n:,}' for n in limits)}),"
                f" largest {mib(max(page_sizes))}, client+server peak {mib(peak)}"
            )
    finally:
        server.stop(grace=None)


if __name__ == "__main__":
    main()
