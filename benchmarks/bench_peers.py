"""Peer libraries doing the same work as the Iter benchmarks (each optional).

Every function here returns ``{library: variant}`` for one pipeline of ``bench_iter``; a library
that is not installed gets a note instead, and its cell in the table says so. Each variant uses
the library's own fluent API and its own terminal operation when it has one (``to_list``,
``collect``, ``sum``); otherwise the builtin (``list``, ``sum``, a ``for`` loop) does the pulling.
Chunk counts use the same ``ilen`` as the stdlib baseline.

``python benchmarks/bench_peers.py`` (or ``run.py --only peers``) prints which peers are installed.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

from _harness import Peer, f, ilen, markdown_table, optional_import, p, peer

streamable: Any = optional_import("streamable")
functional: Any = optional_import("functional")
flupy: Any = optional_import("flupy")
more_itertools: Any = optional_import("more_itertools")

LIBRARIES = {
    "streamable": ("streamable", streamable, "stream(data).map(f)..., consumed by list/sum/for"),
    "pyfunctional": ("pyfunctional", functional, "seq(data).map(f)....to_list() / .sum()"),
    "flupy": ("flupy", flupy, "flu(data).map(f)....collect() / .sum()"),
    "more-itertools": ("more-itertools", more_itertools, "chunked(data, 100) (chunks row only)"),
    "result": ("result", optional_import("result"), "Ok/Err (Option/Result chains)"),
}
"""Display name -> (distribution, module or None, how the benchmarks use it)."""

BIG = 10**12


def filter_map_collect(data: list[int]) -> dict[str, Peer]:
    """``filter(p) -> map(f) -> list``."""
    return {
        "streamable": peer(
            streamable, "streamable", lambda: list(streamable.stream(data).filter(p).map(f))
        ),
        "pyfunctional": peer(
            functional,
            "pyfunctional",
            lambda: functional.seq(data).filter(p).map(f).to_list(),
        ),
        "flupy": peer(flupy, "flupy", lambda: flupy.flu(data).filter(p).map(f).collect()),
    }


def map_filter_sum(data: list[int]) -> dict[str, Peer]:
    """``map(f) -> filter(p) -> sum``."""
    return {
        "streamable": peer(
            streamable, "streamable", lambda: sum(streamable.stream(data).map(f).filter(p))
        ),
        "pyfunctional": peer(
            functional, "pyfunctional", lambda: functional.seq(data).map(f).filter(p).sum()
        ),
        "flupy": peer(flupy, "flupy", lambda: flupy.flu(data).map(f).filter(p).sum()),
    }


def _ten_maps(start: Any) -> Any:
    # Ten .map(f) calls on a fluent object (a loop, to keep the three peers short).
    for _ in range(10):
        start = start.map(f)
    return start


def ten_maps_sum(data: list[int]) -> dict[str, Peer]:
    """Ten chained ``map(f)``, then ``sum``."""
    return {
        "streamable": peer(
            streamable, "streamable", lambda: sum(_ten_maps(streamable.stream(data)))
        ),
        "pyfunctional": peer(
            functional, "pyfunctional", lambda: _ten_maps(functional.seq(data)).sum()
        ),
        "flupy": peer(flupy, "flupy", lambda: _ten_maps(flupy.flu(data)).sum()),
    }


def _loop(iterable: Any) -> None:
    for _ in iterable:
        pass


def for_loop_map(n: int) -> dict[str, Peer]:
    """A ``for`` loop over ``map(f)`` of ``range(n)``."""
    return {
        "streamable": peer(
            streamable, "streamable", lambda: _loop(streamable.stream(range(n)).map(f))
        ),
        "pyfunctional": peer(
            functional, "pyfunctional", lambda: _loop(functional.seq(range(n)).map(f))
        ),
        "flupy": peer(flupy, "flupy", lambda: _loop(flupy.flu(range(n)).map(f))),
    }


def take_10(calls: int) -> dict[str, Peer]:
    """``calls`` times: build ``map(f)`` over ``range(10**12)``, take 10, collect."""

    def streamable_run() -> object:
        r: object = None
        for _ in range(calls):
            r = list(streamable.stream(range(BIG)).map(f).take(10))
        return r

    def functional_run() -> object:
        r: object = None
        for _ in range(calls):
            r = functional.seq(range(BIG)).map(f).take(10).to_list()
        return r

    def flupy_run() -> object:
        r: object = None
        for _ in range(calls):
            r = flupy.flu(range(BIG)).map(f).take(10).collect()
        return r

    return {
        "streamable": peer(streamable, "streamable", streamable_run),
        "pyfunctional": peer(functional, "pyfunctional", functional_run),
        "flupy": peer(flupy, "flupy", flupy_run),
    }


def chunks_100(data: list[int]) -> dict[str, Peer]:
    """Lists of 100 items, counted with ``ilen``."""
    return {
        "streamable": peer(
            streamable, "streamable", lambda: ilen(streamable.stream(data).group(100))
        ),
        "pyfunctional": peer(
            functional, "pyfunctional", lambda: ilen(functional.seq(data).grouped(100))
        ),
        "flupy": peer(flupy, "flupy", lambda: ilen(flupy.flu(data).chunk(100))),
        "more-itertools": peer(
            more_itertools,
            "more-itertools",
            lambda: ilen(more_itertools.chunked(data, 100)),
        ),
    }


def inventory() -> str:
    """A Markdown table of the peer libraries: installed version, or "not installed"."""
    body: list[list[str]] = []
    for name, (dist, module, usage) in LIBRARIES.items():
        if module is None:
            version = "not installed"
        else:
            try:
                version = metadata.version(dist)
            except metadata.PackageNotFoundError:
                version = "installed (version unknown)"
        body.append([name, version, usage])
    return "## Peer libraries\n\n" + markdown_table(["library", "version", "used as"], body)


def main() -> None:
    """Print the inventory of peer libraries."""
    print(inventory())


if __name__ == "__main__":
    main()
