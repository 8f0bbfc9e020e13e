"""Tests of ``Iter.progress``: a tqdm bar on stderr, or periodic log lines, and no cost unused."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from itero import Iter, Page, _progress, from_pages
from itero._progress import MAX_STRIDE, _logged


class Ticks:
    """A clock that moves ``step`` seconds each time it is read, and counts the reads."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        self.now += self.step
        return self.now


class Stopwatch:
    """A clock the consumer moves (``now``), which counts its reads."""

    def __init__(self) -> None:
        self.now = 0.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now


def read_per_item(gaps: list[float], every: float) -> list[tuple[int, str, bool]]:
    """The specification of a line per ``every`` seconds read after every item: for each line,
    (items handed out, elapsed seconds as printed, whether it is the final line)."""
    t = 0.0  # the time when the consumer asks for the next item
    due = every
    out: list[tuple[int, str, bool]] = []
    for count, gap in enumerate(gaps, 1):
        t += gap
        if t >= due:
            out.append((count, f"{t:.1f}", False))
            due = t + every
    out.append((len(gaps), f"{t:.1f}", True))
    return out


def parsed(lines: list[tuple[int, str]]) -> list[tuple[int, str, bool]]:
    """``run``'s lines as ``read_per_item`` gives them (checking each count is the number of
    items handed out when the line was written)."""
    out: list[tuple[int, str, bool]] = []
    for count, text in lines:
        match = re.fullmatch(r"x: (done, )?([\d,]+) it in ([\d.]+) s.*", text)
        assert match is not None, text
        assert int(match[2].replace(",", "")) == count
        out.append((count, match[3], match[1] is not None))
    return out


def run(gaps: list[float], every: float) -> tuple[list[tuple[int, str]], int]:
    """Consume ``len(gaps)`` items through ``_progress._logged``, item ``i`` taking ``gaps[i]``
    seconds; return each line with the number of items the consumer had when it was written,
    and the number of clock reads."""
    clock = Stopwatch()
    received: list[int] = []
    lines: list[tuple[int, str]] = []

    def log(line: str) -> None:
        lines.append((len(received), line))

    for i in _logged(iter(range(len(gaps))), "x", None, "it", every, log, clock):
        assert i == len(received)
        received.append(i)
        clock.now += gaps[i]
    return lines, clock.reads


class TestProgressLogLines:
    def test_periodic_lines_and_a_final_one(self) -> None:
        lines: list[str] = []
        clock = Ticks(1.0)
        got = (
            Iter(range(10))
            .progress("rows", every=3.0, log=lines.append, bar=False, clock=clock)
            .collect()
        )
        assert got == list(range(10))
        # The clock is read at the start (t=1) and after each item (t=2..11).
        assert lines == [
            "rows: 3 it in 3.0 s (1 it/s)",
            "rows: 6 it in 6.0 s (1 it/s)",
            "rows: 9 it in 9.0 s (1 it/s)",
            "rows: done, 10 it in 11.0 s",
        ]

    def test_total_and_unit(self) -> None:
        lines: list[str] = []
        clock = Stopwatch()
        it = Iter(range(2000)).progress(
            "nodes", total=2000, unit="node", every=1000.0, log=lines.append, bar=False, clock=clock
        )
        for _ in it:
            clock.now += 1.0  # one second per item
        # Reads at items 1, 3, 7, 15, 31, 63 (the stride doubling while reads come less than
        # every / 32 = 31.25 s apart), then every 32 items: the line due at item 1,000 comes
        # at item 1,023, with its exact count.
        assert lines == [
            "nodes: 1,023 of 2,000 node in 1023.0 s (1 node/s)",
            "nodes: done, 2,000 node in 2000.0 s",
        ]

    def test_default_goes_to_logging(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.INFO, logger="itero.progress"):
            Iter("ab").progress("letters", bar=False).collect()
        assert [r.name for r in caplog.records] == ["itero.progress"]
        assert caplog.records[0].getMessage().startswith("letters: done, 2 it in ")

    def test_lazy(self) -> None:
        clock = Ticks(1.0)
        lines: list[str] = []
        it = Iter(range(3)).progress(bar=False, log=lines.append, clock=clock)
        assert (clock.reads, lines) == (0, [])
        assert it.next().unwrap() == 0
        assert clock.reads == 1  # the start; the next read comes with the next pull

    @given(st.lists(st.integers()), st.floats(0.5, 5.0))
    def test_items_unchanged(self, items: list[int], every: float) -> None:
        got = Iter(items).progress(bar=False, every=every, log=lambda s: None, clock=Ticks(1.0))
        assert got.collect() == items

    def test_a_listing_with_progress(self) -> None:
        def fetch(token: int | None, limit: int) -> Page[int, int]:
            first = token or 0
            return Page(list(range(first, first + limit)), first + limit if first < 8 else None)

        lines: list[str] = []
        total = from_pages(fetch, page_size=4).progress("listing", bar=False, log=lines.append)
        assert total.count() == 12
        assert lines[-1].startswith("listing: done, 12 it")

    def test_close_closes_upstream(self) -> None:
        closed: list[bool] = []

        def gen() -> Any:
            try:
                yield from range(5)
            finally:
                closed.append(True)

        it = Iter(gen()).progress(bar=False, log=lambda s: None)
        assert it.next().unwrap() == 0
        it.close()
        assert closed == [True]


class TestProgressClockReads:
    """The timing contract: a read per item while items are slow, a read per up to
    ``MAX_STRIDE`` items while they are fast, exact counts always (issue 10)."""

    def test_slow_items_read_the_clock_after_each(self) -> None:
        lines, reads = run([0.5] * 7, every=1.0)
        assert lines == [
            (2, "x: 2 it in 1.0 s (2 it/s)"),
            (4, "x: 4 it in 2.0 s (2 it/s)"),
            (6, "x: 6 it in 3.0 s (2 it/s)"),
            (7, "x: done, 7 it in 3.5 s"),
        ]
        assert reads == 1 + 7 + 1  # the start, after each item, the end

    def test_a_fast_stream_reads_the_clock_rarely(self) -> None:
        n = 100_000
        lines, reads = run([0.0] * n, every=10.0)
        assert lines == [(n, "x: done, 100,000 it in 0.0 s")]
        # The stride doubles to MAX_STRIDE after 8 reads: about n / MAX_STRIDE reads.
        assert reads <= n // MAX_STRIDE + 12
        assert reads < n / 200

    def test_a_slowdown_after_a_fast_run_gets_lines_again(self) -> None:
        # Reads at items 1, 3, 7, ..., 255, then every MAX_STRIDE = 256 items while the clock
        # stands still. A 10 s item just after a read makes a line due at once: it comes as
        # late as allowed, MAX_STRIDE - 1 items later.
        fast, slow = 255 + 256 * 39, 600
        lines, _ = run([0.0] * fast + [10.0] + [1.0] * (slow - 1), every=10.0)
        counts = [count for count, _ in lines[:-1]]
        assert counts[0] == fast + 1 + MAX_STRIDE - 1
        # That read came more than every / 8 after the previous one: back to a read per
        # item, so a line every 10 items.
        assert counts[1:] == list(range(counts[0] + 10, fast + slow + 1, 10))
        assert lines[-1] == (fast + slow, f"x: done, {fast + slow:,} it in 609.0 s")
        parsed(lines)  # exact counts

    def test_a_read_more_than_every_over_8_late_resets_the_stride(self) -> None:
        # The stride is MAX_STRIDE when items start taking 10 ms: the first read comes
        # 2.56 s > every / 8 = 1 s after the previous, so the stride goes back to 1 and regrows
        # to 32 only (reads 0.16-0.32 s apart): lines then come at most ~32 items late, not 255.
        fast = 255 + 256 * 3
        lines, reads = run([0.0] * fast + [0.01] * 4000, every=8.0)
        counts = [count for count, _ in lines[:-1]]
        assert len(counts) == 4
        for due, count in zip([fast + 800, *(c + 800 for c in counts[:-1])], counts, strict=True):
            assert 0 <= count - due < 40
        assert reads < 150

    def test_a_fast_stream_with_a_line_due_gets_it_within_max_stride_items(self) -> None:
        # 1 ms per item, every 1 s: reads every 16 or 32 items, a line every ~1,000 items.
        lines, reads = run([0.001] * 5_000, every=1.0)
        counts = [count for count, _ in lines[:-1]]
        assert len(counts) == 4
        assert all(count * 0.001 >= (i + 1) * 1.0 - 1e-9 for i, count in enumerate(counts))
        parsed(lines)  # exact counts
        assert reads < 5_000 / 10

    @given(
        st.lists(st.sampled_from([0.04, 0.1, 0.5, 2.0]), max_size=60),
        st.sampled_from([0.5, 1.0, 1.25]),
    )
    def test_the_same_lines_as_a_read_per_item_when_items_are_slow(
        self, gaps: list[float], every: float
    ) -> None:
        # Every item takes at least every / 32: the stride never grows, a read per item.
        lines, reads = run(gaps, every)
        assert parsed(lines) == read_per_item(gaps, every)
        assert reads == len(gaps) + 2  # the start, after each item, the end

    @given(
        st.lists(
            st.tuples(
                st.sampled_from([0.0, 0.0005, 0.002, 0.01, 0.3, 2.0]),
                st.integers(1, 5) | st.integers(1, 1200),
            ),
            max_size=8,
        ),
        st.sampled_from([0.5, 1.0, 5.0]),
    )
    def test_exact_counts_lines_never_early_and_at_most_max_stride_late(
        self, runs: list[tuple[float, int]], every: float
    ) -> None:
        gaps = [gap for gap, repeat in runs for _ in range(repeat)]  # runs of equal items
        lines, reads = run(gaps, every)
        # Exact counts, and the final line as with a read per item.
        assert parsed(lines)[-1] == read_per_item(gaps, every)[-1]
        assert reads <= len(gaps) + 2
        times = [0.0]  # times[i]: the time when the consumer has received i items
        for gap in gaps:
            times.append(times[-1] + gap)
        counts = [count for count, _ in lines[:-1]]
        due = every
        bounds = [*counts, None]
        previous = 0
        for k, next_line in enumerate(bounds):
            if next_line is not None:
                assert times[next_line] >= due  # never early
            end = len(gaps) if next_line is None else next_line
            for i in range(previous + 1, end + 1):
                if times[i] >= due and i + MAX_STRIDE - 1 <= len(gaps):
                    # Due at item i: the line comes by item i + MAX_STRIDE - 1.
                    assert next_line is not None
                    assert next_line <= i + MAX_STRIDE - 1, (k, i, next_line)
                    break
            if next_line is not None:
                due = times[next_line] + every
                previous = next_line

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.floats(0, 3), max_size=700), st.floats(0.5, 20))
    def test_progress_lines_count_exactly_and_come_within_the_stride(
        self, steps: list[float], every: float
    ) -> None:
        from itero._progress import MAX_STRIDE, _logged

        t = [0.0]
        handed = [0]
        reads: list[tuple[float, int]] = []

        def clock() -> float:
            reads.append((t[0], handed[0]))
            return t[0]

        lines: list[str] = []

        def source() -> Any:
            for s in steps:
                t[0] += s
                yield s

        for _ in _logged(source(), "x", None, "it", every, lines.append, clock):
            handed[0] += 1
        assert lines[-1].startswith(f"x: done, {len(steps):,} it")
        # every progress line reports the items handed out when it is written
        counts = [int(line.split()[1].replace(",", "")) for line in lines[:-1]]
        read_counts = [n for _, n in reads]
        for c in counts:
            assert c in read_counts
        # a reference that reads the clock after every item: a line is due at item k; the stride
        # writes it at most MAX_STRIDE - 1 items later
        if steps:
            first_due = None
            now = 0.0
            for k, s in enumerate(steps, 1):
                now += s
                if now >= every:
                    first_due = k
                    break
            if first_due is not None and len(steps) - first_due >= MAX_STRIDE:
                assert counts and counts[0] - first_due <= MAX_STRIDE - 1

    # ---------------------------------------------------------------------------------------------
    # eq/ne/lt/le/gt/ge/cmp: results and pulls against Rust's walk (pull a, then b)
    # ---------------------------------------------------------------------------------------------


class TestProgressBar:
    def test_tqdm_bar_on_stderr(self, capsys: pytest.CaptureFixture[str]) -> None:
        pytest.importorskip("tqdm")
        assert Iter(range(5)).progress("rows", total=5).collect() == list(range(5))
        err = capsys.readouterr().err
        assert "rows" in err
        assert "5/5" in err

    def test_bar_false_logs_even_with_tqdm(self, capsys: pytest.CaptureFixture[str]) -> None:
        lines: list[str] = []
        Iter(range(2)).progress(bar=False, log=lines.append).collect()
        assert capsys.readouterr().err == ""
        assert len(lines) == 1

    def test_without_tqdm_falls_back_to_lines(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(_progress, "_tqdm", lambda: None)
        lines: list[str] = []
        Iter(range(2)).progress(log=lines.append).collect()
        assert len(lines) == 1
        with pytest.raises(ImportError, match=re.escape("pip install 'itero[progress]'")):
            Iter(range(2)).progress(bar=True)


class TestProgressArguments:
    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"total": -1}, ValueError, "total must be >= 0, got -1"),
            ({"every": 0}, ValueError, "every must be positive and finite, got 0"),
            ({"unit": 3}, TypeError, "unit must be a str, got int"),
            ({"bar": "yes"}, TypeError, "bar must be a bool or None, got str"),
            ({"log": 3}, TypeError, "log must be callable, got int"),
            ({"clock": None}, TypeError, "clock must be callable, got NoneType"),
        ],
    )
    def test_bad_arguments_at_the_call(
        self, kwargs: dict[str, Any], error: type[Exception], message: str
    ) -> None:
        it = Iter([1])
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            it.progress(**kwargs)
        assert it.collect() == [1]  # not moved by a refused call

    def test_bad_desc(self) -> None:
        with pytest.raises(TypeError, match=r"^desc must be a str, got int$"):
            Iter([1]).progress(3)  # type: ignore[arg-type]


class TestNoCostWhenUnused:
    def test_importing_itero_imports_neither_tqdm_nor_the_module(self) -> None:
        code = (
            "import sys, itero; itero.Iter([1]).map(str).collect(); "
            "print('tqdm' in sys.modules, 'itero._progress' in sys.modules)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert out.split() == ["False", "False"]
