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
import statistics
import struct
import sys
import time
import tracemalloc
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent import futures
from dataclasses import dataclass

from _harness import consume, f, format_bytes, markdown_table, optional_import, p, peak_bytes

from itero import Page, batched_by_size, cut_page, from_pages

PAGE_SIZE = 1000
MAX_PAGE_RATIO = 1.5
N_PAGES_FULL = 10_000_000
N_PAGES_QUICK = 1_000_000
N_BATCH = 1_000_000
MAX_BYTES = 1000


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


def counted_fetch(n: int) -> tuple[Callable[[int | None, int], Page[int, int]], list[int]]:
    """``make_fetch(n)`` that also counts its calls (in the returned one-item list)."""
    inner = make_fetch(n)
    calls = [0]

    def fetch(token: int | None, limit: int) -> Page[int, int]:
        calls[0] += 1
        return inner(token, limit)

    return fetch, calls


def pages_hand_loop(n: int) -> int:
    """A hand-written page loop that hands every item on (``consume``); returns the pages."""
    fetch, calls = counted_fetch(n)
    token: int | None = None
    while True:
        page = fetch(token, PAGE_SIZE)
        consume(page.items)
        token = page.next_token
        if token is None:
            return calls[0]


def pages_hand_generator(n: int) -> int:
    """The generator a user writes instead of ``from_pages``: ``yield from page.items``."""
    fetch, calls = counted_fetch(n)

    def items() -> Iterator[int]:
        token: int | None = None
        while True:
            page = fetch(token, PAGE_SIZE)
            yield from page.items
            token = page.next_token
            if token is None:
                return

    consume(items())
    return calls[0]


def pages_from_pages(n: int) -> int:
    """``from_pages`` with none of the issue-13 options (retry, deadline, on_page) used."""
    fetch, calls = counted_fetch(n)
    consume(from_pages(fetch, page_size=PAGE_SIZE))
    return calls[0]


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
            f"from_pages(page_size={PAGE_SIZE}), new options unused, against a page loop"
            " that consumes each page in C",
            lambda: pages_hand_loop(n_pages),
            lambda: pages_from_pages(n_pages),
            max_ratio=1.05,
        ),
        Timed(
            "the same, against a hand-written generator (`yield from page.items`)",
            lambda: pages_hand_generator(n_pages),
            lambda: pages_from_pages(n_pages),
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


# ---------------------------------------------------------------------------------------------
# Issue 13: a 300,000-item listing of 200-2,000-byte items, a 4 MiB response limit, and what
# the server pays for a page request of 50,000 items with and without a byte budget.

N_LISTING = 300_000
N_LISTING_QUICK = 60_000
RECEIVE_LIMIT = 4 * 1024 * 1024  # gRPC's default receive limit
ENVELOPE = 64  # the response's next token and tags, at most
ITEM_OVERHEAD = 3  # a field tag and a 2-byte length prefix per item
SAFE_PAGE = 2_000  # 2,000 x 2,000 B fits in 4 MiB: the page size a careful user picks
BIG_PAGE = 50_000  # what an impatient one asks for
MAX_LISTING_MEMORY_RATIO = 1.5
MAX_LISTING_TIME_RATIO = 1.2


class ResponseTooLarge(Exception):
    """The client's receive limit refused a response (RESOURCE_EXHAUSTED)."""


def payload_size(i: int) -> int:
    """Item ``i``'s size: spread over 200..2,000 bytes (mean ~1,100)."""
    return 200 + (i * 7919) % 1801


def row_size(row: tuple[int, bytes]) -> int:
    return len(row[1])


def row_key(row: tuple[int, bytes]) -> int:
    return row[0]


class ListingServer:
    """An in-process server: cut a page, encode it, and check the client's receive limit.

    ``fetch`` is the whole round trip: the server reads rows from ``start`` (made on the fly,
    as a database cursor would hand them), cuts a page with ``cut_page`` (with the byte budget
    ``max_bytes``, or none), encodes it as one ``bytes`` body, and the client decodes it into a
    list of payloads, or raises ``ResponseTooLarge`` if the body is over its receive limit
    (after the server has built it, as gRPC does). While tracemalloc runs, ``peak`` is the most
    the server side allocated for one response (rows, page and body), above what was allocated
    when the request came in.
    """

    def __init__(self, n: int, max_bytes: int | None) -> None:
        self.n = n
        self.max_bytes = max_bytes
        self.peak = 0
        self.calls = 0
        self.rejected = 0

    def _serve(self, token: int | None, limit: int) -> tuple[bytes, list[int], int | None]:
        start = token or 0
        rows = ((i, b"x" * payload_size(i)) for i in range(start, self.n))
        page = cut_page(
            rows,
            key=row_key,
            start=start,
            limit=limit,
            max_bytes=self.max_bytes,
            size=row_size,
            page_overhead=ENVELOPE,
            item_overhead=ITEM_OVERHEAD,
        )
        lengths = [len(payload) for _, payload in page.items]
        body = b"".join(payload for _, payload in page.items)
        return body, lengths, page.next_token

    def fetch(self, token: int | None, limit: int) -> Page[bytes, int]:
        self.calls += 1
        tracing = tracemalloc.is_tracing()
        if tracing:
            before, _ = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
        body, lengths, next_token = self._serve(token, limit)
        if tracing:
            _, peak = tracemalloc.get_traced_memory()
            self.peak = max(self.peak, peak - before)
        if len(body) + ENVELOPE + ITEM_OVERHEAD * len(lengths) > RECEIVE_LIMIT:
            self.rejected += 1
            raise ResponseTooLarge(f"{len(body):,} bytes")
        items: list[bytes] = []
        at = 0
        for length in lengths:
            items.append(body[at : at + length])
            at += length
        return Page(items, next_token, nbytes=len(body))


@dataclass(frozen=True)
class ListingRun:
    """One way of reading the listing: the page size asked for, the server's byte budget."""

    name: str
    page_size: int
    max_bytes: int | None
    grow_after: int | None


LISTING_RUNS = (
    ListingRun(f"page_size={SAFE_PAGE:,}, no byte budget (the baseline)", SAFE_PAGE, None, None),
    ListingRun(
        f"page_size={BIG_PAGE:,}, no byte budget, halving only (before issue 13)",
        BIG_PAGE,
        None,
        None,
    ),
    ListingRun(
        f"page_size={BIG_PAGE:,}, no byte budget, halving and growing back", BIG_PAGE, None, 4
    ),
    ListingRun(
        f"page_size={BIG_PAGE:,}, server byte budget = the 4 MiB limit",
        BIG_PAGE,
        RECEIVE_LIMIT,
        4,
    ),
    ListingRun(
        f"page_size={BIG_PAGE:,}, server byte budget = half the limit (2 MiB)",
        BIG_PAGE,
        RECEIVE_LIMIT // 2,
        4,
    ),
)


def read_listing(run: ListingRun, n: int) -> ListingServer:
    """Read the whole listing as ``run`` says; return the server (its counters)."""
    server = ListingServer(n, run.max_bytes)
    total = from_pages(
        server.fetch,
        page_size=run.page_size,
        too_large=ResponseTooLarge,
        grow_after=run.grow_after,
    ).count()
    assert total == n
    return server


def listing_row(k: int, peaks: Sequence[int], times: Sequence[Sequence[float]]) -> list[str]:
    """Run ``k``'s cells after its name: server peak, its ratio, time, its ratio, goal, status.

    Ratios are to run 0 (the baseline); the last run carries the goals.
    """
    mem_ratio = peaks[k] / peaks[0]
    time_ratio = statistics.median([t / b for t, b in zip(times[k], times[0], strict=True)])
    if k == len(LISTING_RUNS) - 1:
        ok = mem_ratio <= MAX_LISTING_MEMORY_RATIO and time_ratio <= MAX_LISTING_TIME_RATIO
        status = "PASS" if ok else "FAIL"
        goals = f"<= {MAX_LISTING_MEMORY_RATIO}x, <= {MAX_LISTING_TIME_RATIO}x"
    else:
        status = goals = "info" if k else "baseline"
    return [
        f"{peaks[k] / 2**20:.1f} MiB",
        f"{mem_ratio:.2f}x",
        f"{statistics.median(times[k]):.2f} s",
        f"{time_ratio:.2f}x",
        goals,
        status,
    ]


def listing_table(quick: bool) -> str:
    """Server peak (tracemalloc, a pass of its own) and CPU time (interleaved) of each run."""
    n = N_LISTING_QUICK if quick else N_LISTING
    repeats = 3 if quick else 5
    peaks: list[int] = []
    counts: list[tuple[int, int]] = []
    for run in LISTING_RUNS:
        read_listing(run, 1000)  # warm-up outside tracing
        gc.collect()
        tracemalloc.start()
        try:
            server = read_listing(run, n)
        finally:
            tracemalloc.stop()
        peaks.append(server.peak)
        counts.append((server.calls, server.rejected))
    times: list[list[float]] = [[] for _ in LISTING_RUNS]
    gc.collect()
    gc.disable()
    try:
        for r in range(repeats):
            order = list(range(len(LISTING_RUNS)))
            if r % 2:
                order.reverse()
            for k in order:
                start = time.process_time()
                read_listing(LISTING_RUNS[k], n)
                times[k].append(time.process_time() - start)
    finally:
        gc.enable()
    body = [
        [run.name, f"{counts[k][0]:,} ({counts[k][1]:,} too large)", *listing_row(k, peaks, times)]
        for k, run in enumerate(LISTING_RUNS)
    ]
    header = ["run", "fetches", "server peak", "peak ratio", "CPU time", "time ratio", "goal"]
    return "\n\n".join(
        [
            f"### Issue 13: a {n:,}-item listing of 200-2,000-byte items, 4 MiB receive limit",
            markdown_table([*header, "status"], body),
            LISTING_NOTES.format(repeats=repeats),
        ]
    )


LISTING_NOTES = """\
An in-process server (no network): each fetch makes the rows from the token on (as a cursor
would), cuts a page with `cut_page` (the byte budget is `max_bytes` with a 64-byte envelope and
3 bytes per item), encodes it into one `bytes` body, and the client decodes it into a list, or
refuses it as too large when the body passes 4 MiB (after the server built it, as gRPC does).
Server peak: the most one response allocated on the server (rows, page, body), tracemalloc,
in a pass of its own. CPU time: median of {repeats} interleaved runs; ratios are to the
baseline row. The goal row is the budget a server should use: half the message limit gives
pages of ~2 MiB, the size of the careful 2,000-item pages, whatever limit the client asks for.
A budget equal to the limit (info row) fills each page to ~4 MiB, about twice the *average*
2,000-item page (~2.2 MB): its per-response peak is ~1.9x the baseline, and its time a little
more (larger buffers, fewer cache hits). Both are far from the 25x of the unbudgeted request."""


# ---------------------------------------------------------------------------------------------
# The same listing over a real grpcio server on 127.0.0.1 (wall time includes the transport).


def grpc_listing_table(quick: bool) -> str:
    """The listing runs over gRPC: server peak (tracemalloc) and wall time, interleaved."""
    try:
        import grpc

        from itero.grpc import (
            ResponseTooLargeError,
            decode_batch,
            encode_batch,
            resource_exhausted_as_too_large,
        )
    except ImportError:
        return "### The same over gRPC\n\nskipped: grpcio not installed (`pip install itero[grpc]`)"
    n = N_LISTING_QUICK if quick else N_LISTING
    repeats = 3
    state = {"max_bytes": None, "peak": 0}

    def list_page(request: bytes, context: object) -> bytes:
        token, limit = struct.unpack("<qq", request)
        tracing = tracemalloc.is_tracing()
        if tracing:
            before, _ = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
        rows = ((i, b"x" * payload_size(i)) for i in range(token, n))
        page = cut_page(
            rows,
            key=row_key,
            start=token,
            limit=limit,
            max_bytes=state["max_bytes"],
            size=row_size,
            page_overhead=ENVELOPE,
            item_overhead=ITEM_OVERHEAD,
        )
        nxt = -1 if page.next_token is None else page.next_token
        body = struct.pack("<q", nxt) + encode_batch(payload for _, payload in page.items)
        del page
        if tracing:
            _, peak = tracemalloc.get_traced_memory()
            state["peak"] = max(int(state["peak"] or 0), peak - before)
        return body

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                "bench.Listing", {"List": grpc.unary_unary_rpc_method_handler(list_page)}
            )
        ]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")  # 4 MiB receive limit by default
    rpc: grpc.UnaryUnaryMultiCallable[bytes, bytes] = channel.unary_unary("/bench.Listing/List")

    def fetch(token: int | None, limit: int) -> Page[bytes, int]:
        reply = rpc(struct.pack("<qq", token or 0, limit), timeout=60)
        (nxt,) = struct.unpack_from("<q", reply)
        return Page(decode_batch(reply[8:]), None if nxt < 0 else nxt, nbytes=len(reply))

    def read(run: ListingRun) -> None:
        state["max_bytes"] = run.max_bytes
        total = from_pages(
            resource_exhausted_as_too_large(fetch),
            page_size=run.page_size,
            too_large=ResponseTooLargeError,
            grow_after=run.grow_after,
        ).count()
        assert total == n

    try:
        read(LISTING_RUNS[0])  # warm-up
        peaks: list[int] = []
        for run in LISTING_RUNS:
            gc.collect()
            state["peak"] = 0
            tracemalloc.start()
            try:
                read(run)
            finally:
                tracemalloc.stop()
            peaks.append(int(state["peak"] or 0))
        times: list[list[float]] = [[] for _ in LISTING_RUNS]
        for r in range(repeats):
            order = list(range(len(LISTING_RUNS)))
            if r % 2:
                order.reverse()
            for k in order:
                start = time.perf_counter()
                read(LISTING_RUNS[k])
                times[k].append(time.perf_counter() - start)
    finally:
        channel.close()
        server.stop(grace=None)
    body = [[run.name, *listing_row(k, peaks, times)] for k, run in enumerate(LISTING_RUNS)]
    header = ["run (over gRPC)", "server peak", "peak ratio", "wall time", "time ratio"]
    return "\n\n".join(
        [
            f"### The same {n:,}-item listing over a real grpcio server on 127.0.0.1",
            markdown_table([*header, "goal", "status"], body),
            f"Wall time: median of {repeats} interleaved runs (the transport is part of the"
            " cost: a refused response still crosses it). Server peak as above, measured in the"
            " handler.",
        ]
    )


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
            listing_table(quick),
            grpc_listing_table(quick),
        ]
    )


def main(quick: bool = False, argv: Sequence[str] | None = None) -> None:
    """Print this section's tables (``--quick`` on the command line: smaller N)."""
    args = sys.argv[1:] if argv is None else argv
    print(table(quick=quick or "--quick" in args))


if __name__ == "__main__":
    main()
