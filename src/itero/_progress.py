"""Progress reports for long pipelines: a ``tqdm`` bar on stderr, or periodic ``logging`` lines.

``Iter.progress(...)`` is a thin method over ``reporter``; nothing here is imported until it
is called (``Iter`` imports this module inside the method), and ``tqdm`` (the optional extra
``itero[progress]``) only when a bar is wanted and installed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ._checks import check_callable, check_int, check_number, check_str

T = TypeVar("T")

__all__ = ["LOGGER", "reporter"]

LOGGER = logging.getLogger("itero.progress")
"""Where the report lines go by default when no bar is shown (level INFO)."""


def _tqdm() -> Any:
    """``tqdm.tqdm``, or None when tqdm is not installed."""
    try:
        return importlib.import_module("tqdm").tqdm
    except ImportError:
        return None


def reporter(
    *,
    desc: str,
    total: int | None,
    unit: str,
    every: float,
    bar: bool | None,
    log: Callable[[str], object] | None,
    clock: Callable[[], float],
) -> Callable[[Iterator[T]], Iterator[T]]:
    """Check the arguments of ``Iter.progress``; return what wraps its source.

    The wrapper yields the source's items and reports how many went by; the bar or the clock
    are first touched at the first pull.

    >>> lines = []
    >>> wrap = reporter(desc="letters", total=None, unit="it", every=60.0, bar=False,
    ...                 log=lines.append, clock=lambda: 0.0)
    >>> list(wrap(iter("ab"))), lines
    (['a', 'b'], ['letters: done, 2 it in 0.0 s'])
    """
    check_str(desc, "desc")
    check_str(unit, "unit")
    if total is not None:
        check_int(total, "total", 0)
    check_number(every, "every")
    _check_bar(bar)
    if log is not None:
        check_callable(log, "log")
    check_callable(clock, "clock")
    tqdm = None if bar is False else _tqdm()
    if bar and tqdm is None:
        raise ImportError("progress(bar=True) needs tqdm: pip install 'itero[progress]'")
    if tqdm is not None:
        return lambda source: _bar(source, tqdm, desc, total, unit)
    line = LOGGER.info if log is None else log
    return lambda source: _logged(source, desc, total, unit, every, line, clock)


def _check_bar(bar: object) -> None:
    if bar is not None and not isinstance(bar, bool):
        raise TypeError(f"bar must be a bool or None, got {type(bar).__name__}")


def _bar(source: Iterator[T], tqdm: Any, desc: str, total: int | None, unit: str) -> Iterator[T]:
    bar = tqdm(source, desc=desc, total=total, unit=unit)  # on stderr, tqdm's default
    try:
        yield from bar
    finally:
        bar.close()


MAX_STRIDE = 256
"""The most items between two clock reads: a report line is at most ``MAX_STRIDE - 1`` items
late."""
_GROW_BELOW = 1 / 32  # double the stride while reads come less than every / 32 apart
_RESET_ABOVE = 1 / 8  # back to a read per item when one comes more than every / 8 late


def _logged(
    source: Iterator[T],
    desc: str,
    total: int | None,
    unit: str,
    every: float,
    log: Callable[[str], object],
    clock: Callable[[], float],
) -> Iterator[T]:
    """The items of ``source``, with a line through ``log`` when ``every`` seconds have passed
    and one at the end.

    The clock is read at the first pull and then after every ``stride`` items, ``stride``
    starting at 1, doubling (up to ``MAX_STRIDE``) while reads come less than
    ``every / 32`` seconds apart and back to 1 when one comes more than ``every / 8`` after
    the previous: a fast stream pays a read per ``MAX_STRIDE`` items, a slow one a read per
    item (as a line is due then), and a line is at most ``MAX_STRIDE - 1`` items late. Each
    line's count is exact: the items handed out when it is written.

    >>> lines = []
    >>> ticks = iter(range(100))
    >>> list(_logged(iter("abc"), "x", None, "it", 2.0, lines.append, lambda: next(ticks)))
    ['a', 'b', 'c']
    >>> lines
    ['x: 2 it in 2.0 s (1 it/s)', 'x: done, 3 it in 4.0 s']
    """
    of = "" if total is None else f" of {total:,}"
    grow_below = every * _GROW_BELOW
    reset_above = every * _RESET_ABOVE
    started = last = clock()
    due = started + every
    n = 0  # the items handed out up to the last clock read
    stride = left = 1  # the items between two reads; those still to go before the next
    for item in source:
        yield item
        # The per-item path: a countdown in small ints (no int allocated), no clock read.
        left -= 1
        if not left:
            n += stride
            now = clock()
            if now >= due:
                due = now + every
                elapsed = now - started
                rate = n / elapsed if elapsed > 0 else 0.0
                log(f"{desc}: {n:,}{of} {unit} in {elapsed:.1f} s ({rate:,.0f} {unit}/s)")
            gap = now - last
            last = now
            if gap < grow_below:
                if stride < MAX_STRIDE:
                    stride += stride
            elif gap > reset_above:
                stride = 1
            left = stride
    n += stride - left  # the items since the last read
    log(f"{desc}: done, {n:,} {unit} in {clock() - started:.1f} s")
