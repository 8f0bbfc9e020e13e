"""Size hints of ``Iter`` pipelines: a small tree of tuples built with the pipeline, evaluated
only when ``size_hint()`` (or ``operator.length_hint``) asks.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from operator import length_hint
from typing import Any, cast

_MAXSIZE = sys.maxsize


#
# A hint node is None (nothing known: 0 or more items) or a tuple whose first field is its kind:
#   ("e", iterator, base)        a source whose iterator's length_hint is exact; ``base`` is the
#                                builtin container iterated while only the stages pulled (touch)
#   ("inf",)                     an endless producer (count, repeat, repeat_with)
#   ("f", upstream, extra)       a stage that drops items (filter, take_while, dedup, ...) and may
#                                hold ``extra`` items back (groupby-based stages hold one)
#   (kind, upstream, arg, start) a one-input stage that counts (see unary and _progress):
#                                "t" take(arg), "s" skip(arg), "step" step_by(arg), "win"
#                                windows(arg), "div" chunks(arg), "isp" intersperse, "pk" peekable
#   ("sum", parts, slack)        chain, interleave, merge (merge holds up to ``slack`` items)
#   ("min", parts), ("max", parts)  zip, zip_longest
# A stage that keeps the count (map, enumerate, inspect, fuse, map_ok, ...) shares its
# upstream's node; a stage whose count is unknowable (flatten, flat_map, cycle) has None.

EMPTY_DICT: dict[object, object] = {}
EXACT_SAMPLES: tuple[Iterable[object], ...] = (
    [], (), "", "\u00e9", b"", bytearray(), range(0), range(2**64),
    EMPTY_DICT, set[object](), frozenset[object](),
    EMPTY_DICT.keys(), EMPTY_DICT.values(), EMPTY_DICT.items(),
    reversed(list[object]()), reversed(range(0)), reversed(EMPTY_DICT),
)  # fmt: skip
EXACT: frozenset[type] = frozenset(type(iter(x)) for x in EXACT_SAMPLES)
"""Iterator types whose ``__length_hint__`` is exact (others may only estimate)."""

PLAIN_SOURCES: frozenset[type] = frozenset(type(x) for x in EXACT_SAMPLES)
"""Builtin iterables with an exact size and no ``close()`` (construction fast path)."""

INFINITE = ("inf",)
NO_ITEMS = ("e", iter(()), None)
"""The hint of an empty ``Iter`` (an exhausted iterator of an empty tuple: 0 items, exactly)."""
UNKNOWN_LENGTH: int = NotImplemented


def source_hint(it: Iterator[Any], source: object = None) -> Any:
    """The hint node of a source iterator: exact when its type knows its size, with the
    container as its base when ``it`` is fresh from a builtin container (see ``touch``)."""
    if it.__class__ not in EXACT:
        return None
    fresh = source is not None and it is not source and source.__class__ in PLAIN_SOURCES
    return ("e", it, source if fresh else None)


def touch(hint: Any) -> Any:
    """The hint after the iterator was handed out or pulled outside the pipeline's stages.

    An exact node ``("e", iterator, base)`` keeps ``base`` (the container iterated) only while
    every pull from the iterator was made by the stages built on it: then ``len(base)`` minus
    the items left counts exactly what those stages pulled, for free. Once the iterator is
    handed out (``__iter__``), pulled directly (``next``) or shared (``by_ref``), the base is
    dropped and take/skip/... measure the items left when they are built instead.
    """
    if hint is not None and hint[0] == "e" and hint[2] is not None:
        return ("e", hint[1], None)
    return hint


def filtered(node: Any, extra: int) -> Any:
    """The hint of a stage that drops items and may hold ``extra`` back (collapses chains)."""
    if node is None:
        return None
    if node[0] == "f":
        return ("f", node[1], node[2] + extra)
    return ("f", node, extra)


FROM_BASE: Any = object()
"""A take/skip/windows ``start``: count it later from the size of the container iterated."""


def start_of(hint: Any) -> Any:
    """At build time, what a counting node (take, skip, windows, ...) keeps to know later how
    many items it pulled: nothing to measure over an untouched container (``FROM_BASE``);
    the items left now over another exact upstream; None otherwise."""
    if hint is None or hint[0] != "e":
        return None
    if hint[2] is not None:
        return FROM_BASE
    try:
        return length_hint(hint[1])
    except OverflowError:  # a range longer than sys.maxsize
        return None


def unary(kind: str, upstream: Any, arg: Any) -> Any:
    """The hint node ``(kind, upstream, arg, start)`` of a one-input stage; None (unknown)
    over an unknown upstream."""
    if upstream is None:
        return None
    return (kind, upstream, arg, start_of(upstream))


def _progress(node: Any, lo: int, hi: int | None) -> tuple[int, bool] | None:
    """``(pulled, exact)``: how many items a counting node's exact upstream gave since the
    node was built, and whether that is exactly the node's own pulls (untouched container)
    or only an upper bound on them (others may share the upstream). None when unknown."""
    start = node[3]
    if start is None or lo != hi:
        return None
    if start is FROM_BASE:
        return (max(0, len(node[1][2]) - lo), True)
    return (cast(int, start) - lo, False)


def _fresh(node: Any) -> bool:
    """Whether ``node`` is an untouched container source nothing was pulled from yet."""
    if node is None or node[0] != "e" or node[2] is None:
        return False
    try:
        return len(node[2]) == length_hint(node[1])
    except OverflowError:  # a range longer than sys.maxsize
        return False


def bounds(node: Any) -> tuple[int, int | None]:
    """``(lower, upper)`` bounds on the items left after hint node ``node`` (upper None:
    unbounded). Recursive, one frame per nested node: a pathologically deep tree raises
    RecursionError. A range longer than ``sys.maxsize`` counts as endless, as in Rust; if one
    was partly consumed, ``len()`` of it may still raise OverflowError."""
    if node is None:
        return (0, None)
    kind = node[0]
    if kind == "e":
        try:
            n = length_hint(node[1])
        except OverflowError:  # a range longer than sys.maxsize
            return (_MAXSIZE, None)
        return (n, n)
    if kind == "inf":
        return (_MAXSIZE, None)
    if kind in ("sum", "min", "max"):  # several inputs: combine their bounds
        parts = node[1]
        los: list[int] = []
        his: list[int | None] = []
        for part in parts:  # a loop, not a comprehension: no extra frame per level
            lo, hi = bounds(part)
            los.append(lo)
            his.append(hi)
        known = [h for h in his if h is not None]
        all_known = len(known) == len(his)
        if kind == "min":  # zip
            return (min(los, default=0), min(known) if known else None)
        if kind == "max":  # zip_longest
            return (max(los, default=0), max(known, default=0) if all_known else None)
        # chain, interleave, merge (which holds one item per input once started)
        slack = node[2]
        if slack and all(_fresh(part) for part in parts):  # nothing pulled, nothing held
            slack = 0
        return (min(sum(los), _MAXSIZE), sum(known) + slack if all_known else None)
    lo, hi = bounds(node[1])
    if kind == "f":  # keeps some items: (0, hi + items held back)
        return (0, None if hi is None else hi + node[2])
    if kind == "t":  # take(n)
        n = node[2]
        upper = n if hi is None else min(n, hi)
        progress = _progress(node, lo, hi)
        if progress is None:
            return (0, upper)
        pulled, exact = progress
        lower = max(0, min(n - pulled, lo))
        return (lower, lower) if exact else (min(lower, upper), upper)
    if kind == "s":  # skip(n)
        n = node[2]
        lower = lo if lo == _MAXSIZE else max(0, lo - n)
        if hi is None:
            return (lower, None)
        progress = _progress(node, lo, hi)
        if progress is None:
            return (lower, hi)
        pulled, exact = progress
        upper = max(lower, hi - max(0, n - pulled))
        return (upper, upper) if exact else (lower, upper)
    if kind == "pk":  # one item may wait in the peek buffer
        progress = _progress(node, lo, hi)
        if progress is not None and progress[0] == 0:  # nothing pulled: nothing buffered
            return (lo, lo)
        return (lo, None if hi is None else hi + 1)
    if kind == "div":  # chunks(n)
        n = node[2]
        return (-(-lo // n) if lo != _MAXSIZE else lo, None if hi is None else -(-hi // n))
    if kind == "step":
        n = node[2]
        if lo == _MAXSIZE:
            return (lo, hi)
        progress = _progress(node, lo, hi)
        if progress is not None and (progress[1] or progress[0] == 0):
            # The next item is the first multiple of `n` at or after `pulled`.
            pulled = progress[0]
            exact = -(-(pulled + lo) // n) + (pulled // -n)
            return (exact, exact)
        return (lo // n, None if hi is None else -(-hi // n))
    if kind == "win":  # windows(n): n - 1 fewer windows than items until the first one
        n = node[2]
        if lo == _MAXSIZE:
            return (lo, hi)
        lower = max(0, lo - n + 1)
        progress = _progress(node, lo, hi)
        if progress is not None:
            pulled, exact = progress
            if pulled == 0:  # no window yet
                return (lower, lower)
            if exact and pulled >= n:  # after the first window, one window per item
                return (lo, lo)
        return (lower, hi)
    # "isp": intersperse
    if lo == _MAXSIZE:
        return (lo, None)
    lower = max(0, 2 * lo - 1)
    progress = _progress(node, lo, hi)
    if progress is not None:
        pulled, exact = progress
        if pulled == 0:  # nothing yielded: a separator between the items left
            return (lower, lower)
        if exact and pulled == 1:  # the first item was yielded: (sep, item) per item
            return (2 * lo, 2 * lo)
    return (lower, None if hi is None else 2 * hi + 1)


