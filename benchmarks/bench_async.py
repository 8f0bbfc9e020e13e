"""AsyncIter overhead and bounded concurrency (issue 11), against hand-written asyncio.

Every case is a hand-written asyncio function (the baseline) and the same work with AsyncIter,
run to completion on one event loop (``loop.run_until_complete``), plus peers when installed:
streamable, aiostream and asyncstdlib. Callbacks are ``_harness.f`` and ``_harness.p``.

- ``N`` items from an async generator, ``map(f).filter(p)`` (1, 2, 4 and 8 stages,
  alternating) collected into a list, against an ``async for`` loop doing the same; then an
  ``async for`` over the AsyncIter; then a sync source (``range``); then chunked pages.
- ``map_async`` of ``await asyncio.sleep(0.001)`` over 1,000 items at concurrency 50, against a
  hand-written sliding window of tasks (``asyncio.wait(FIRST_COMPLETED)``), and against
  ``asyncio.gather`` with a ``Semaphore``.

Run alone: ``python benchmarks/bench_async.py [--quick]``.
"""

from __future__ import annotations

import asyncio
import atexit
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

from _harness import Case, Config, Goal, MemRow, Row, f, measure, optional_import, p, peer, render

from itero import AsyncIter

N_FULL = 100_000
N_QUICK = 20_000
SLEEP_ITEMS = 1_000
SLEEP_CONCURRENCY = 50

streamable: Any = optional_import("streamable")
aiostream: Any = optional_import("aiostream")
asyncstdlib: Any = optional_import("asyncstdlib")

_LOOPS: list[asyncio.AbstractEventLoop] = []


def _loop() -> asyncio.AbstractEventLoop:
    """This module's event loop, made on first use and closed at exit."""
    if not _LOOPS:
        _LOOPS.append(asyncio.new_event_loop())
        atexit.register(_LOOPS[0].close)
    return _LOOPS[0]


def on_loop(main: Callable[[], Coroutine[Any, Any, Any]]) -> Callable[[], Any]:
    """A harness thunk: run ``main()`` to completion on this module's event loop."""
    return lambda: _loop().run_until_complete(main())


async def numbers(n: int) -> AsyncIterator[int]:
    """The async source: ``0 .. n-1`` from an async generator."""
    for i in range(n):
        yield i


async def pages(n_pages: int, size: int) -> AsyncIterator[list[int]]:
    """A chunked async source: ``n_pages`` lists of ``size`` ints."""
    for start in range(0, n_pages * size, size):
        yield list(range(start, start + size))


def chain_itero(it: AsyncIter[int], stages: int) -> AsyncIter[int]:
    """``stages`` alternating ``map(f)`` and ``filter(p)`` stages."""
    for i in range(stages):
        it = it.map(f) if i % 2 == 0 else it.filter(p)
    return it


async def hand_1(n: int) -> list[int]:
    out: list[int] = []
    async for x in numbers(n):
        out.append(f(x))
    return out


async def hand_2(n: int) -> list[int]:
    out: list[int] = []
    async for x in numbers(n):
        x = f(x)
        if p(x):
            out.append(x)
    return out


async def hand_4(n: int) -> list[int]:
    out: list[int] = []
    async for x in numbers(n):
        x = f(x)
        if not p(x):
            continue
        x = f(x)
        if p(x):
            out.append(x)
    return out


async def hand_8(n: int) -> list[int]:
    out: list[int] = []
    async for x in numbers(n):
        x = f(x)
        if not p(x):
            continue
        x = f(x)
        if not p(x):
            continue
        x = f(x)
        if not p(x):
            continue
        x = f(x)
        if p(x):
            out.append(x)
    return out


HAND = {1: hand_1, 2: hand_2, 4: hand_4, 8: hand_8}


def _peers_chain(source: Callable[[], Any], stages: int) -> dict[str, Any]:
    """The peers' versions of ``stages`` alternating map/filter stages over ``source()``."""

    async def with_streamable() -> list[int]:
        s = streamable.stream(source())
        for i in range(stages):
            s = s.map(f) if i % 2 == 0 else s.filter(p)
        return [x async for x in s]

    async def with_aiostream() -> list[int]:
        xs = aiostream.stream.iterate(source())
        for i in range(stages):
            xs = xs | (aiostream.pipe.map(f) if i % 2 == 0 else aiostream.pipe.filter(p))
        return list(await aiostream.stream.list(xs))

    async def with_asyncstdlib() -> list[int]:
        xs: Any = source()
        for i in range(stages):
            xs = asyncstdlib.map(f, xs) if i % 2 == 0 else asyncstdlib.filter(p, xs)
        return list(await asyncstdlib.list(xs))

    return {
        "streamable": peer(streamable, "streamable", on_loop(with_streamable)),
        "aiostream": peer(aiostream, "aiostream", on_loop(with_aiostream)),
        "asyncstdlib": peer(asyncstdlib, "asyncstdlib", on_loop(with_asyncstdlib)),
    }


async def sleepy(x: int) -> int:
    await asyncio.sleep(0.001)
    return x


async def window_hand(items: int, limit: int) -> list[int]:
    """A hand-written sliding window of tasks, in input order."""
    results: dict[int, int] = {}
    running: dict[asyncio.Task[int], int] = {}
    source = iter(range(items))
    for i in source:
        running[asyncio.ensure_future(sleepy(i))] = i
        if len(running) == limit:
            break
    while running:
        done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            results[running.pop(task)] = task.result()
            for i in source:
                running[asyncio.ensure_future(sleepy(i))] = i
                break
    return [results[i] for i in range(items)]


async def gather_semaphore(items: int, limit: int) -> list[int]:
    """``asyncio.gather`` of every call, a ``Semaphore`` bounding how many run."""
    semaphore = asyncio.Semaphore(limit)

    async def bounded(x: int) -> int:
        async with semaphore:
            return await sleepy(x)

    return list(await asyncio.gather(*(bounded(i) for i in range(items))))


def _sleep_peers(items: int, limit: int) -> dict[str, Any]:
    async def with_streamable() -> list[int]:
        s = streamable.stream(range(items)).map(sleepy, concurrency=limit)
        return [x async for x in s]

    async def with_aiostream() -> list[int]:
        xs = aiostream.stream.iterate(range(items)) | aiostream.pipe.map(
            sleepy, ordered=True, task_limit=limit
        )
        return list(await aiostream.stream.list(xs))

    return {
        "streamable": peer(streamable, "streamable", on_loop(with_streamable)),
        "aiostream": peer(aiostream, "aiostream", on_loop(with_aiostream)),
        "asyncstdlib": "no bounded-concurrency map",
    }


def _thunk(make: Callable[[], Awaitable[Any]]) -> Callable[[], Any]:
    async def main() -> Any:
        return await make()

    return on_loop(main)


def cases(n: int, sleep_items: int = SLEEP_ITEMS) -> list[Case]:
    """The timed cases over ``n`` items (``sleep_items`` for the concurrency cases)."""
    out: list[Case] = []
    for stages in (1, 2, 4, 8):
        hand = HAND[stages]
        out.append(
            Case(
                f"async gen: {stages} stage(s) -> collect()",
                _thunk(lambda hand=hand: hand(n)),
                _thunk(lambda stages=stages: chain_itero(AsyncIter(numbers(n)), stages).collect()),
                Goal(1.10),
                _peers_chain(lambda: numbers(n), stages),
            )
        )

    async def async_for_itero() -> list[int]:
        return [x async for x in AsyncIter(numbers(n)).map(f).filter(p)]

    out.append(
        Case(
            "async gen: async for over map(f).filter(p)",
            _thunk(lambda: hand_2(n)),
            on_loop(async_for_itero),
            Goal(1.30),
            _peers_chain(lambda: numbers(n), 2),
        )
    )

    async def range_hand() -> list[int]:
        out: list[int] = []
        for x in range(n):
            x = f(x)
            if p(x):
                out.append(x)
        return out

    async def range_itero() -> list[int]:
        return await AsyncIter(range(n)).map(f).filter(p).collect()

    out.append(
        Case(
            "range source: map(f).filter(p).collect()",
            on_loop(range_hand),
            on_loop(range_itero),
            Goal(1.25),
            _peers_chain(lambda: range(n), 2),
        )
    )
    n_pages = max(1, n // 100)

    async def pages_hand() -> list[int]:
        out: list[int] = []
        async for page in pages(n_pages, 100):
            for x in page:
                x = f(x)
                if p(x):
                    out.append(x)
        return out

    async def pages_itero() -> list[int]:
        return await AsyncIter(pages(n_pages, 100)).flatten().map(f).filter(p).collect()

    async def pages_streamable() -> list[int]:
        s = streamable.stream(pages(n_pages, 100)).flatten().map(f).filter(p)
        return [x async for x in s]

    async def pages_aiostream() -> list[int]:
        xs = (
            aiostream.stream.iterate(pages(n_pages, 100))
            | aiostream.pipe.flatmap(aiostream.stream.iterate)
            | aiostream.pipe.map(f)
            | aiostream.pipe.filter(p)
        )
        return list(await aiostream.stream.list(xs))

    async def pages_asyncstdlib() -> list[int]:
        flat = asyncstdlib.chain.from_iterable(pages(n_pages, 100))
        return list(await asyncstdlib.list(asyncstdlib.filter(p, asyncstdlib.map(f, flat))))

    out.append(
        Case(
            f"{n_pages:,} pages of 100: flatten().map(f).filter(p).collect()",
            on_loop(pages_hand),
            on_loop(pages_itero),
            Goal(1.15),
            {
                "streamable": peer(streamable, "streamable", on_loop(pages_streamable)),
                "aiostream": peer(aiostream, "aiostream", on_loop(pages_aiostream)),
                "asyncstdlib": peer(asyncstdlib, "asyncstdlib", on_loop(pages_asyncstdlib)),
            },
        )
    )

    async def sleep_itero() -> list[int]:
        it = AsyncIter(range(sleep_items)).map_async(sleepy, concurrency=SLEEP_CONCURRENCY)
        return await it.collect()

    out.append(
        Case(
            f"map_async(sleep 1 ms), {sleep_items:,} items, concurrency 50 vs sliding window",
            _thunk(lambda: window_hand(sleep_items, SLEEP_CONCURRENCY)),
            on_loop(sleep_itero),
            Goal(1.05),
            _sleep_peers(sleep_items, SLEEP_CONCURRENCY),
        )
    )
    out.append(
        Case(
            f"map_async(sleep 1 ms), {sleep_items:,} items, concurrency 50 vs gather+Semaphore",
            _thunk(lambda: gather_semaphore(sleep_items, SLEEP_CONCURRENCY)),
            on_loop(sleep_itero),
            Goal(1.0),
        )
    )
    return out


NOTES = """\
Baselines are hand-written asyncio: an `async for` loop over the same async generator doing
`x = f(x); if p(x): out.append(x)` (one line per stage), the same loop over `range(N)`, a nested
loop over the pages, and for `map_async` a sliding window of tasks (`asyncio.wait`
FIRST_COMPLETED, results in input order) or `asyncio.gather` with a `Semaphore`. N = {n:,},
`f(x) = x + 1`, `p(x) = x % 3 != 0`; stages alternate `map(f)` and `filter(p)`. Ratios are
itero/baseline (median of {repeats} interleaved paired runs, IQR in brackets), judged on CPU
time; peer columns are peer/baseline. For the sleep rows CPU time is the scheduling overhead
(the wall time is set by the sleeps: about 20 ms for every variant)."""


def table(config: Config) -> tuple[str, list[Row | MemRow]]:
    """Measure every case; return the Markdown section and the rows."""
    n = N_QUICK if config.quick else N_FULL
    rows = [measure(case, config) for case in cases(n)]
    text = "\n\n".join(
        [
            "## AsyncIter (issue 11)",
            render(rows, config),
            NOTES.format(n=n, repeats=config.timing_repeats),
        ]
    )
    all_rows: list[Row | MemRow] = [*rows]
    return text, all_rows


def main() -> None:
    """Print this section's table."""
    import sys

    print(table(Config(quick="--quick" in sys.argv[1:]))[0])


if __name__ == "__main__":
    main()
