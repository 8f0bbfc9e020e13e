"""itero.grpc (issue 12): the framing against protobuf's own code, and the grpc.aio client.

Time (interleaved paired runs, gc off, CPU time of this process, median of paired ratios):

* ``encode_batch(payloads)`` against protobuf's ``Batch(items=payloads).SerializeToString()``
  for ``message Batch { repeated bytes items = 1; }`` (the same bytes), about 4 MiB of
  200-byte payloads (<= 1.2x) and of 4 KB payloads (<= 1.0x);
* ``decode_batch(message)`` against ``list(Batch.FromString(message).items)``, 200-byte
  payloads (<= 1.5x);
* the grpc.aio client: ``await aiter_stream(stub.StreamNodes(request)).for_each(f)`` against a
  hand-written ``await call.read()`` loop calling ``f`` on each node of each ``NodeBatch``
  (<= 1.05x). The server runs in a subprocess (``python benchmarks/bench_grpc.py --serve``), so
  only the client's work is timed; it sends the same pre-serialized messages every call.

``Batch`` is built at run time from a descriptor (no generated code). Run alone:
``python benchmarks/bench_grpc.py [--quick]``; ``benchmarks/run.py`` calls ``table``.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent import futures
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
for path in (HERE, EXAMPLES):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import grpc  # noqa: E402
import grpc.aio  # noqa: E402
import inventory_pb2_grpc  # noqa: E402
from _harness import Case, Config, Goal, MemRow, Row, measure, render  # noqa: E402
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory  # noqa: E402
from inventory_pb2 import Node, NodeBatch, StreamNodesRequest  # noqa: E402

from itero.grpc import aiter_stream, decode_batch, encode_batch  # noqa: E402

BATCH_BYTES = 4 * 1024 * 1024
STREAM_NODES = 200_000
STREAM_MESSAGE_BYTES = 64 * 1024
METHOD = "/itero.examples.inventory.Inventory/StreamNodes"


def bytes_batch_class() -> Any:
    """``message Batch { repeated bytes items = 1; }``, from a descriptor built here.

    The baseline, written by hand on purpose: itero.grpc builds the same class privately
    (``_load_protobuf_parser``, for ``decode_batch``), but the reference ``encode_batch`` and
    ``decode_batch`` are measured against must not come from the library under test.
    """
    proto = descriptor_pb2.FileDescriptorProto(
        name="itero_bench/batch.proto", package="itero.bench", syntax="proto3"
    )
    proto.message_type.add(name="Batch").field.add(
        name="items",
        number=1,
        type=descriptor_pb2.FieldDescriptorProto.TYPE_BYTES,
        label=descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED,
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("itero.bench.Batch"))


Batch = bytes_batch_class()


def payloads(size: int, total: int) -> list[bytes]:
    """About ``total`` bytes of distinct ``size``-byte payloads."""
    return [os.urandom(size) for _ in range(max(1, total // (size + 3)))]


# ---------------------------------------------------------------------------------------------
# the stream: a server in a subprocess, an aio client here


def node(i: int) -> Node:
    return Node(id=i, name=f"node-{i:08d}", parent_id=i // 16, kind=("rack", "server")[i % 2])


def stream_messages_bytes(count: int) -> list[bytes]:
    """The serialized NodeBatch messages of ``count`` nodes, at most 64 KiB each."""
    from itero.grpc import stream_messages

    batches = stream_messages(map(node, range(count)), NodeBatch, max_message_bytes=65536)
    return [batch.SerializeToString() for batch in batches]


def serve(count: int) -> None:
    """The benchmark's server (``--serve COUNT``): prints its port, serves until stdin closes."""
    messages = stream_messages_bytes(count)

    def stream(request: bytes, context: grpc.ServicerContext) -> Iterator[bytes]:
        return iter(messages)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    handler = grpc.unary_stream_rpc_method_handler(stream)
    service = grpc.method_handlers_generic_handler(
        "itero.examples.inventory.Inventory", {"StreamNodes": handler}
    )
    server.add_generic_rpc_handlers([service])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    server.stop(grace=None).wait(10)


@contextmanager
def server_process(count: int) -> Iterator[int]:
    """Start ``serve(count)`` in a subprocess; yield its port; stop it."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield int(process.stdout.readline())
    finally:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.close()
        process.wait(timeout=30)
        process.stdout.close()


class AioClient:
    """One event loop and one grpc.aio channel, reused by every timed run."""

    def __init__(self, port: int) -> None:
        self.loop = asyncio.new_event_loop()
        self.channel = self.loop.run_until_complete(self._open(port))
        self.stub = inventory_pb2_grpc.InventoryStub(self.channel)

    async def _open(self, port: int) -> grpc.aio.Channel:
        return grpc.aio.insecure_channel(f"127.0.0.1:{port}")

    def close(self) -> None:
        self.loop.run_until_complete(self.channel.close())
        self.loop.close()

    def raw(self) -> int:
        """By hand: ``await call.read()`` until EOF, ``f`` on each node of each batch."""

        async def main() -> int:
            last: deque[Node] = deque(maxlen=1)
            f = last.append
            call = self.stub.StreamNodes(StreamNodesRequest())
            read = call.read
            eof = grpc.aio.EOF
            while True:
                batch = await read()
                if batch is eof:
                    break
                assert isinstance(batch, NodeBatch)
                for n in batch.items:
                    f(n)
            return last[0].id

        return self.loop.run_until_complete(main())

    def itero(self) -> int:
        """``await aiter_stream(call).for_each(f)``, the same ``f``."""

        async def main() -> int:
            last: deque[Node] = deque(maxlen=1)
            call = self.stub.StreamNodes(StreamNodesRequest())
            await aiter_stream(call).for_each(last.append)
            return last[0].id

        return self.loop.run_until_complete(main())


# ---------------------------------------------------------------------------------------------
# cases


def framing_cases(total: int) -> list[Case]:
    """encode_batch and decode_batch against protobuf's own code."""
    small = payloads(200, total)
    large = payloads(4096, total)
    small_message = encode_batch(small)
    assert small_message == Batch(items=small).SerializeToString()
    return [
        Case(
            f"encode_batch, {len(small):,} payloads of 200 B",
            lambda: Batch(items=small).SerializeToString(),
            lambda: encode_batch(small),
            Goal(1.2),
        ),
        Case(
            f"encode_batch, {len(large):,} payloads of 4 KB",
            lambda: Batch(items=large).SerializeToString(),
            lambda: encode_batch(large),
            Goal(1.0),
        ),
        Case(
            f"decode_batch, {len(small):,} payloads of 200 B",
            lambda: list(Batch.FromString(small_message).items),
            lambda: decode_batch(small_message),
            Goal(1.5),
        ),
    ]


def stream_case(client: AioClient, count: int) -> Case:
    """The grpc.aio client: both variants return the id of the last node."""
    return Case(
        f"aiter_stream(call).for_each(f), {count:,} nodes in 64 KiB NodeBatch messages",
        client.raw,
        client.itero,
        Goal(1.05),
    )


NOTES = """\
Framing: protobuf is `message Batch {{ repeated bytes items = 1; }}` built at run time (upb, the
C implementation); both sides start from the same list of payloads (encode) or the same message
(decode) and produce the same bytes (or list of bytes). `decode_batch` hands the parse to
protobuf's C parser when it is installed (the Python loop is the fallback, and names the fault
of a malformed message). Stream: a grpc.server in a subprocess sends the same {n:,} nodes in
pre-serialized 64 KiB `NodeBatch` messages; this process's CPU time is the grpc.aio client's:
the hand-written loop is `while (batch := await call.read()) is not EOF: for n in batch.items:
f(n)`, itero's is `await aiter_stream(call).for_each(f)` (one compiled loop over each message's
items), with `f = deque(maxlen=1).append` for both."""


def table(config: Config) -> tuple[str, list[Row | MemRow]]:
    """Measure every case; return the Markdown section and its rows."""
    total = BATCH_BYTES // 4 if config.quick else BATCH_BYTES
    count = STREAM_NODES // 4 if config.quick else STREAM_NODES
    rows: list[Row | MemRow] = [measure(case, config) for case in framing_cases(total)]
    with server_process(count) as port:
        client = AioClient(port)
        try:
            rows.append(measure(stream_case(client, count), config))
        finally:
            client.close()
    timed = [row for row in rows if isinstance(row, Row)]
    text = "\n\n".join(
        [
            "## gRPC: framing and the grpc.aio client (issue 12)",
            render(timed, config, baseline_label="protobuf / hand-written"),
            NOTES.format(n=count),
        ]
    )
    return text, rows


def main(argv: Sequence[str] | None = None) -> None:
    """Print the table (``--quick``: smaller sizes), or serve (``--serve COUNT``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--serve" in args:
        serve(int(args[args.index("--serve") + 1]))
        return
    text, _ = table(Config(quick="--quick" in args))
    print(text)


if __name__ == "__main__":
    main()
