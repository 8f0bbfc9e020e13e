"""Tests of ``Iter.progress``: a tqdm bar on stderr, or periodic log lines, and no cost unused."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, strategies as st

from itero import Iter, Page, _progress, from_pages


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
        Iter(range(2000)).progress(
            "nodes",
            total=2000,
            unit="node",
            every=1000.0,
            log=lines.append,
            bar=False,
            clock=Ticks(1.0),
        ).count()
        assert lines == [
            "nodes: 1,000 of 2,000 node in 1000.0 s (1 node/s)",
            "nodes: 2,000 of 2,000 node in 2000.0 s (1 node/s)",
            "nodes: done, 2,000 node in 2001.0 s",
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
