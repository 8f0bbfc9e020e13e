"""Iter overhead (issue 3): pipelines against the same builtin expression, plus peers.

Every case is a pair of tiny functions, ``*_stdlib`` and ``*_itero``, that do the same work on
the same data (``N`` ints in a list, or ``range(N)``) with the same callbacks ``f`` and ``p``
from ``_harness``; peers (streamable, pyfunctional, flupy, more-itertools) do it too when
installed. ``f`` and ``p`` are plain Python functions, so a per-item Python frame added by Iter
shows as roughly +50% per stage.

Memory: ``count()`` of ``filter -> map`` over ``range(n)`` must peak under 2 KiB (tracemalloc),
at ``n = 10**7`` and ``10**5``, in a pass separate from timing.

Run alone: ``python benchmarks/bench_iter.py [--quick]``.
"""

from __future__ import annotations

from itertools import islice

import bench_peers
from _harness import (
    Case,
    Config,
    Goal,
    MemCase,
    MemRow,
    Row,
    f,
    ilen,
    measure,
    measure_memory,
    p,
    render,
    render_memory,
)

from itero import Iter

N_FULL = 1_000_000
N_QUICK = 100_000
TAKE_CALLS_FULL = 20_000
TAKE_CALLS_QUICK = 5_000
BIG = 10**12


def cases(n: int, take_calls: int) -> list[Case]:
    """The timed cases over ``n`` items; the take(10) case repeats ``take_calls`` times per run."""
    data = list(range(n))

    def filter_map_collect_stdlib() -> list[int]:
        return list(map(f, filter(p, data)))

    def filter_map_collect_itero() -> list[int]:
        return Iter(data).filter(p).map(f).collect()

    def map_filter_sum_stdlib() -> int:
        return sum(filter(p, map(f, data)))

    def map_filter_sum_itero() -> int:
        return Iter(data).map(f).filter(p).sum()

    def ten_maps_sum_stdlib() -> int:
        return sum(
            map(f, map(f, map(f, map(f, map(f, map(f, map(f, map(f, map(f, map(f, data))))))))))
        )

    def ten_maps_sum_itero() -> int:
        return (
            Iter(data).map(f).map(f).map(f).map(f).map(f).map(f).map(f).map(f).map(f).map(f).sum()
        )

    def for_loop_stdlib() -> None:
        for _ in map(f, range(n)):
            pass

    def for_loop_itero() -> None:
        for _ in Iter(range(n)).map(f):
            pass

    def take_10_stdlib() -> list[int]:
        r: list[int] = []
        for _ in range(take_calls):
            r = list(islice(map(f, range(BIG)), 10))
        return r

    def take_10_itero() -> list[int]:
        r: list[int] = []
        for _ in range(take_calls):
            r = Iter(range(BIG)).map(f).take(10).collect()
        return r

    def chunks_stdlib() -> int:
        it = iter(data)
        return ilen(iter(lambda: list(islice(it, 100)), []))

    def chunks_itero() -> int:
        return ilen(Iter(data).chunks(100))

    def chunks_count_itero() -> int:
        return Iter(data).chunks(100).count()

    return [
        Case(
            "filter(p).map(f).collect()",
            filter_map_collect_stdlib,
            filter_map_collect_itero,
            Goal(1.05),
            bench_peers.filter_map_collect(data),
        ),
        Case(
            "map(f).filter(p).sum()",
            map_filter_sum_stdlib,
            map_filter_sum_itero,
            Goal(1.05),
            bench_peers.map_filter_sum(data),
        ),
        Case(
            "ten map(f) then sum()",
            ten_maps_sum_stdlib,
            ten_maps_sum_itero,
            Goal(1.05),
            bench_peers.ten_maps_sum(data),
        ),
        Case(
            "for loop over Iter(range(N)).map(f)",
            for_loop_stdlib,
            for_loop_itero,
            Goal(1.05),
            bench_peers.for_loop_map(n),
        ),
        Case(
            "Iter(range(10**12)).map(f).take(10).collect()",
            take_10_stdlib,
            take_10_itero,
            Goal(max_ns_per_call=2_000),
            bench_peers.take_10(take_calls),
            per_call=take_calls,
        ),
        Case(
            "chunks(100), counted by ilen",
            chunks_stdlib,
            chunks_itero,
            Goal(1.0),
            bench_peers.chunks_100(data),
        ),
        Case("chunks(100).count()", chunks_stdlib, chunks_count_itero, Goal(1.0)),
    ]


def count_stdlib(n: int) -> int:
    """``filter -> map`` over ``range(n)``, counted by ``ilen``."""
    return ilen(map(f, filter(p, range(n))))


def count_itero(n: int) -> int:
    """``filter -> map`` over ``range(n)``, counted by ``Iter.count()``."""
    return Iter(range(n)).filter(p).map(f).count()


def memory_cases(quick: bool) -> list[MemCase]:
    """The tracemalloc cases: a large n and 10**5 (quick mode uses 10**6 for the large one)."""
    large = 10**6 if quick else 10**7
    return [
        MemCase("count() of filter(p).map(f)", n, count_stdlib, count_itero, max_bytes=2048)
        for n in (large, 10**5)
    ]


NOTES = """\
stdlib expressions: `list(map(f, filter(p, data)))`, `sum(filter(p, map(f, data)))`,
`sum(map(f, ...ten times... data))`, `for _ in map(f, range(N)): pass`,
`list(islice(map(f, range(10**12)), 10))` (per call, building included) and
`ilen(iter(lambda: list(islice(it, 100)), []))` for both chunk rows. `data` is a list of
N = {n:,} ints, `f(x) = x + 1`, `p(x) = x % 3 != 0`. Ratios are itero/stdlib (median of
{repeats} interleaved paired runs, IQR in brackets); peer columns are peer/stdlib. The take(10) goal
is absolute (itero's CPU time per call), so it depends on the machine and its load: read it with
the stdlib time per call next to it (about 0.85 µs on this machine when idle)."""


def table(config: Config) -> tuple[str, list[Row | MemRow]]:
    """Measure every case; return the Markdown section and the rows."""
    n = N_QUICK if config.quick else N_FULL
    take_calls = TAKE_CALLS_QUICK if config.quick else TAKE_CALLS_FULL
    rows = [measure(case, config) for case in cases(n, take_calls)]
    mem_rows = [measure_memory(case) for case in memory_cases(config.quick)]
    text = "\n\n".join(
        [
            "## Iter (issue 3)",
            render(rows, config),
            NOTES.format(n=n, repeats=config.timing_repeats),
            "### Memory: tracemalloc peak (separate pass, not timed)",
            render_memory(mem_rows),
        ]
    )
    all_rows: list[Row | MemRow] = [*rows, *mem_rows]
    return text, all_rows


def main() -> None:
    """Print this section's tables."""
    import sys

    print(table(Config(quick="--quick" in sys.argv[1:]))[0])


if __name__ == "__main__":
    main()
