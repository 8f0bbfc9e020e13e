"""The data-scalable kit (issue 4): pagination and size-bounded batching, as ratios.

Time (interleaved paired runs, gc off, CPU time, median of the paired ratios):

* ``from_pages(fetch, page_size=1000).filter(p).map(f).count()`` over N items against a
  hand-written ``while`` loop over the same pages from the same ``fetch`` that runs the same
  builtin pipeline on each page (<= 1.2x), and, for information, against a plain ``for``/``if``
  loop over each page's items;
* ``batched_by_size`` of 1,000,000 short strings (max 1000 bytes) against
  ``more_itertools.constrained_batches`` doing the same work (<= 1.5x; skipped with a note when
  more-itertools, from the ``bench`` extra, is not installed).

Memory (tracemalloc peak, a pass of its own): the same pagination pipeline at 10**5 and 10**7
items must peak under 1.5x the size of one page (the page's list and its items, measured).

Run alone: ``python benchmarks/bench_kit.py [--quick]``; ``benchmarks/run.py`` calls ``main``.
"""

from __future__ import annotations

import gc
import importlib
import statistics
import sys
import time
import tracemalloc
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from _harness import consume, f, p, peak_bytes

from itero import Page, batched_by_size, from_pages

PAGE_SIZE = 1000
MAX_PAGE_RATIO = 1.5
N_PAGES_FULL = 10_000_000
N_PAGES_QUICK = 1_000_000
N_BATCH = 1_000_000
MAX_BYTES = 1000


def optional_import(name: str) -> Any:
    """The module ``name``, or None when it is not installed (peers are optional)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


# ---------------------------------------------------------------------------------------------
# Pagination: the same fake server for both variants.


def make_fetch(n: int) -> Callable[[int | None, int], Page[int, int]]:
    """A server of the ints ``0..n-1``: the token is the index of the page's first item."""

    def fetch(token: int | None, limit: int) -> Page[int, int]:
        start = token or 0
        end = min(start + limit, n)
        return Page(list(range(start, end)), end if end < n else None)

    return fetch


def pages_stdlib(n: int) -> int:
    """By hand: fetch a page, count ``map(f, filter(p, items))`` as Iter.count does, follow on."""
    fetch = make_fetch(n)
    count = 0
    token: int | None = None
    while True:
        page = fetch(token, PAGE_SIZE)
        last = deque(enumerate(map(f, filter(p, page.items)), 1), maxlen=1)
        count += last[0][0] if last else 0
        token = page.next_token
        if token is None:
            return count


def pages_plain_loop(n: int) -> int:
    """By hand, no builtins: ``for x in page.items: if p(x): f(x); count += 1``."""
    fetch = make_fetch(n)
    count = 0
    token: int | None = None
    while True:
        page = fetch(token, PAGE_SIZE)
        for x in page.items:
            if p(x):
                f(x)
                count += 1
        token = page.next_token
        if token is None:
            return count


def pages_itero(n: int) -> int:
    """The same with ``from_pages(...).filter(p).map(f).count()``."""
    return from_pages(make_fetch(n), page_size=PAGE_SIZE).filter(p).map(f).count()


def one_page_bytes() -> int:
    """What one page of the fake server occupies (its list, its ints, the Page), tracemalloc'd."""
    fetch = make_fetch(10 * PAGE_SIZE)
    fetch(10**6, PAGE_SIZE)  # warm up
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        page = fetch(5 * PAGE_SIZE, PAGE_SIZE)
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(page.items) == PAGE_SIZE
    return after - before


# ---------------------------------------------------------------------------------------------
# Batching: 1,000,000 short strings into batches of at most MAX_BYTES.


def short_strings(n: int) -> list[str]:
    """``n`` strings of 2 to 7 characters."""
    return [f"k{i % 100_003}" for i in range(n)]


@dataclass(frozen=True)
class Timed:
    """A baseline and an itero variant doing the same work, and the goal for their ratio."""

    name: str
    baseline: Callable[[], object] | None
    candidate: Callable[[], object]
    max_ratio: float | None  # None: for information
    note: str = ""


def time_cases(n_pages: int, n_batch: int) -> list[Timed]:
    """The timed cases."""
    strings = short_strings(n_batch)
    more_itertools = optional_import("more_itertools")

    def batches_more_itertools() -> None:
        consume(more_itertools.constrained_batches(strings, MAX_BYTES))

    def batches_itero() -> None:
        consume(batched_by_size(strings, MAX_BYTES))

    return [
        Timed(
            f"from_pages(page_size={PAGE_SIZE}).filter.map.count, N = {n_pages:,}",
            lambda: pages_stdlib(n_pages),
            lambda: pages_itero(n_pages),
            max_ratio=1.2,
        ),
        Timed(
            "the same, against a plain for/if loop over the pages",
            lambda: pages_plain_loop(n_pages),
            lambda: pages_itero(n_pages),
            max_ratio=None,
        ),
        Timed(
            f"batched_by_size, {n_batch:,} short strings, {MAX_BYTES} B",
            None if more_itertools is None else batches_more_itertools,
            batches_itero,
            max_ratio=1.5,
            note="skipped: more-itertools not installed (`pip install more-itertools`)",
        ),
    ]


def measure(case: Timed, repeats: int) -> list[str]:
    """Time ``case`` interleaved (order alternating), gc off, in CPU time; one Markdown row.

    CPU time (``time.process_time``), like the other sections: on a shared machine, other jobs
    stretch wall-clock times but not the CPU time this process spends.
    """
    goal = "info" if case.max_ratio is None else f"<= {case.max_ratio}x"
    if case.baseline is None:
        return [case.name, "-", "-", "-", goal, case.note]
    variants = [case.baseline, case.candidate]
    for run in variants:  # warm-up
        run()
    times: list[list[float]] = [[], []]
    gc.collect()
    gc.disable()
    try:
        for r in range(repeats):
            for k in (0, 1) if r % 2 == 0 else (1, 0):
                start = time.process_time()
                variants[k]()
                times[k].append(time.process_time() - start)
    finally:
        gc.enable()
    ratios = [c / b for b, c in zip(times[0], times[1], strict=True)]
    ratio = statistics.median(ratios)
    low, high = min(ratios), max(ratios)
    if case.max_ratio is None:
        status = "info"
    else:
        status = "PASS" if ratio <= case.max_ratio else "FAIL"
    return [
        case.name,
        f"{statistics.median(times[0]) * 1000:.0f} ms",
        f"{statistics.median(times[1]) * 1000:.0f} ms",
        f"{ratio:.3f}x ({low:.2f}-{high:.2f})",
        goal,
        status,
    ]


def format_bytes(n: int) -> str:
    """A byte count, in KiB past 10 KiB."""
    return f"{n} B" if n < 10 * 1024 else f"{n / 1024:.1f} KiB"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GitHub Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def memory_table(sizes: Sequence[int]) -> str:
    """The tracemalloc table of the pagination pipeline against the size of one page."""
    page = one_page_bytes()
    body: list[list[str]] = []
    for n in sizes:
        peak = peak_bytes(pages_itero, n)
        base = peak_bytes(pages_stdlib, n)
        ratio = peak / page
        body.append(
            [
                f"{n:,}",
                format_bytes(base),
                format_bytes(peak),
                format_bytes(page),
                f"{ratio:.2f}x",
                f"< {MAX_PAGE_RATIO}x",
                "PASS" if ratio < MAX_PAGE_RATIO else "FAIL",
            ]
        )
    header = ["items", "hand loop peak", "itero peak", "one page", "itero / page", "goal"]
    return markdown_table([*header, "status"], body)


NOTES = """\
Pagination: a fake server returns `Page(list(range(start, start + limit)), next_token)`; itero is
`from_pages(fetch, page_size={page}).filter(p).map(f).count()`. Its baseline (the goal) is the
hand-written `while` loop over the same pages that runs the same builtin pipeline on each page's
items (`map(f, filter(p, page.items))`, counted with `deque(enumerate(...), maxlen=1)` as
`Iter.count` does): the ratio is what `from_pages` itself costs. The info row compares with a
plain `for x in page.items: if p(x): f(x); count += 1` loop: on CPython 3.11 a Python callback
called from a C builtin (`map`, `filter`) costs more than the same call inlined in a Python
loop, so any builtin pipeline (`Iter` or bare `map`/`filter`) is about 1.3x that loop; that is
Iter's per-item price, not the pagination's. Batching: {nb:,} strings of 2-7 characters,
`batched_by_size(strings, {mb})` against `more_itertools.constrained_batches(strings, {mb})`,
both exhausted by `deque(maxlen=0)`. Ratios are itero/baseline: median of {repeats}
interleaved paired runs (gc off, CPU time), min-max in brackets."""


def table(quick: bool = False) -> str:
    """Measure everything; return the Markdown section."""
    n_pages = N_PAGES_QUICK if quick else N_PAGES_FULL
    repeats = 5 if quick else 7  # a 10**7 pagination run takes a second or two
    timed = [measure(case, repeats) for case in time_cases(n_pages, N_BATCH)]
    header = ["case", "baseline", "itero", "ratio (min-max)", "goal", "status"]
    sizes = (10**5, 10**6) if quick else (10**5, 10**7)
    memory = memory_table(sizes)
    return "\n\n".join(
        [
            "## Kit: pagination and batching (issue 4)",
            markdown_table(header, timed),
            NOTES.format(page=PAGE_SIZE, nb=N_BATCH, mb=MAX_BYTES, repeats=repeats),
            "### Memory: tracemalloc peak of the pagination pipeline (separate pass, not timed)",
            memory,
        ]
    )


def main(quick: bool = False, argv: Sequence[str] | None = None) -> None:
    """Print this section's tables (``--quick`` on the command line: smaller N)."""
    args = sys.argv[1:] if argv is None else argv
    print(table(quick=quick or "--quick" in args))


if __name__ == "__main__":
    main()
