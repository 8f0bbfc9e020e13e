"""The list-API problem, measured: one list response against itero's size-bounded stream.

For N resources of about 100 bytes each (JSON), this script measures two ways of answering
"list all resources":

* **list API**: the server builds ``list[Resource]`` and serializes it as one JSON message;
  the client decodes that one message into a list and counts it.
* **itero stream**: the server pulls resources lazily from an ``Iter`` and packs them into JSON
  messages of at most ``--max-bytes`` bytes with ``batched_by_size``; the client decodes one
  message at a time and counts.

For each side it reports the ``tracemalloc`` peak (bytes allocated by Python at the worst
moment, measured from a fresh ``tracemalloc.start()``), the largest message and the number of
messages. "server peak" covers producing and serializing every message (each message is dropped
once produced, as a transport would after sending it); "end-to-end peak" runs the server and a
client that decodes every message in the same process, one message in flight at a time.

Run: ``python benchmarks/bench_list_vs_iter.py`` (add ``--sizes 10000 100000`` for a short run,
``--markdown`` for a Markdown table).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

from itero import Iter, batched_by_size

GRPC_DEFAULT_LIMIT = 4 * 1024 * 1024
"""grpcio's default maximum size of a received message (4 MiB)."""

DEFAULT_MAX_BYTES = 1024 * 1024
"""The message limit used for the itero stream (1 MiB, a quarter of gRPC's default)."""


def resource(i: int) -> dict[str, Any]:
    """The i-th resource: a small record whose JSON form is about 100 bytes."""
    return {
        "id": f"res-{i:09d}",
        "owner": f"user-{i % 997:04d}",
        "state": "ACTIVE" if i % 7 else "TERMINATED",
        "created": 1_700_000_000 + i,
        "size": i % 65_536,
    }


def list_server(n: int) -> Iterator[bytes]:
    """A list API: build every resource, then one message holding all of them."""
    resources = [resource(i) for i in range(n)]
    yield json.dumps(resources, separators=(",", ":")).encode()


def itero_server(n: int, max_bytes: int) -> Iterator[bytes]:
    """The itero version: resources pulled lazily, packed into messages of at most max_bytes."""
    encoded = (
        Iter(range(n)).map(resource).map(lambda r: json.dumps(r, separators=(",", ":")).encode())
    )
    # A JSON array: "[" + items joined by "," + "]": 2 bytes per batch, 1 byte per item (a
    # comma; one too many per batch, which keeps the bound safe).
    batches = batched_by_size(encoded, max_bytes, batch_overhead=2, item_overhead=1)
    for batch in batches:
        yield b"[" + b",".join(batch) + b"]"


def client(messages: Iterator[bytes]) -> tuple[int, int, int]:
    """Decode every message; return (resources, messages, largest message in bytes)."""
    count = 0
    n_messages = 0
    largest = 0
    for message in messages:
        n_messages += 1
        largest = max(largest, len(message))
        count += len(json.loads(message))
    return count, n_messages, largest


def drain(messages: Iterator[bytes]) -> tuple[int, int, int]:
    """Produce every message without decoding it; return (bytes, messages, largest)."""
    total = 0
    n_messages = 0
    largest = 0
    for message in messages:
        n_messages += 1
        total += len(message)
        largest = max(largest, len(message))
    return total, n_messages, largest


def peak(f: Callable[[], tuple[int, int, int]]) -> tuple[tuple[int, int, int], int, float]:
    """Run f under a fresh tracemalloc; return its result, the peak in bytes, and seconds."""
    tracemalloc.start()
    try:
        start = time.perf_counter()
        result = f()
        seconds = time.perf_counter() - start
        _, top = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, top, seconds


def human(n: float) -> str:
    """Bytes in KiB/MiB/GiB with one decimal."""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:.0f} B"


def main(argv: list[str] | None = None) -> None:
    """Measure every size and print one row per (size, variant)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**4, 10**5, 10**6])
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    max_bytes: int = args.max_bytes

    header = (
        "| N | variant | server peak | end-to-end peak | largest message | messages "
        "| over gRPC's 4 MiB? |"
    )
    print(header)
    print("|---:|---|---:|---:|---:|---:|---|")
    for n in args.sizes:
        variants: list[tuple[str, Callable[[], Iterator[bytes]]]] = [
            ("list API", lambda n=n: list_server(n)),
            (f"itero, {human(max_bytes)} batches", lambda n=n: itero_server(n, max_bytes)),
        ]
        for name, server in variants:
            (_, n_messages, largest), server_peak, _ = peak(lambda s=server: drain(s()))
            (count, _, _), client_peak, _ = peak(lambda s=server: client(s()))
            if count != n:
                sys.exit(f"{name}: decoded {count} resources, expected {n}")
            over = "yes: RESOURCE_EXHAUSTED" if largest > GRPC_DEFAULT_LIMIT else "no"
            print(
                f"| {n:,} | {name} | {human(server_peak)} | {human(client_peak)} "
                f"| {human(largest)} | {n_messages:,} | {over} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
