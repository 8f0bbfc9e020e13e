"""Size hints of ``Iter`` pipelines: a small tree of tuples built with the pipeline, evaluated
only when ``size_hint()`` (or ``operator.length_hint``) asks.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any

_MAXSIZE = sys.maxsize


#
# A hint node is None (nothing known: 0 or more items) or a tuple whose first field is its kind:
#   ("e", iterator, owner)       a source whose iterator's length_hint is exact; ``owner`` is not
#                                None while only this pipeline pulls from the iterator (it was
#                                made here from a builtin container and never handed out or
#                                borrowed: ``Iter.by_ref`` drops it)
#   ("inf",)                     an endless producer (count, repeat, repeat_with)
#   ("f", upstream, extra, cap, leaf)  a stage that drops items (filter, take_while, dedup, ...)
#                                and may hold ``extra`` items back (groupby-based stages hold
#                                one); at most ``cap`` items when cap is not None (a take over
#                                anything but an exact source, see ``capped``): bounds
#                                (0, min(cap, upstream's upper + extra)). ``leaf`` is the
#                                upstream's iterator when the upstream is an exact source, else
#                                None. Chains of these collapse into one node, so
#                                ``Iter.size_hint`` reads the common shapes in its own frame.
#   (kind, upstream, arg, start, own)  a one-input stage that counts (see unary and _progress):
#                                "t" take(arg) over an exact source, "s" skip(arg), "step"
#                                step_by(arg), "win" windows(arg), "div" chunks(arg), "isp"
#                                intersperse, "pk" peekable
#   ("sum", parts, slack[, starts])  chain, interleave, merge (merge holds up to ``slack`` items)
#   ("min", parts), ("max", parts)  zip, zip_longest
# A stage that keeps the count (map, enumerate, inspect, fuse, map_ok, ...) shares its
# upstream's node; a stage whose count is unknowable (flatten, flat_map, cycle) has None.
#
# What users get (issue 9): exact hints before the first pull, and correct bounds always; a
# counting stage stays exact while it pulls only if its source is owned (see ``_progress``).
# Pulling through ``next()`` costs nothing here: a counting stage measures its upstream when it
# is built, not from the container's size.

EMPTY_DICT: dict[object, object] = {}
EXACT_SAMPLES: tuple[Iterable[object], ...] = (
    [], (), "", "\u00e9", b"", bytearray(), range(0), range(2**64),
    EMPTY_DICT, set[object](), frozenset[object](),
    EMPTY_DICT.keys(), EMPTY_DICT.values(), EMPTY_DICT.items(),
    reversed(list[object]()), reversed(range(0)), reversed(EMPTY_DICT),
)  # fmt: skip
EXACT: frozenset[type] = frozenset(type(iter(x)) for x in EXACT_SAMPLES)
"""Iterator types whose ``__length_hint__`` is exact (others may only estimate)."""

PLAIN_SOURCES: frozenset[type] = frozenset(type(x) for x in EXACT_SAMPLES if iter(x) is not x)
"""Builtin containers (not iterators) with an exact size and no ``close()``: the construction
fast path, whose fresh iterator only the new ``Iter`` holds."""

INFINITE = ("inf",)
NO_ITEMS = ("e", iter(()), None)
"""The hint of an empty ``Iter`` (an exhausted iterator of an empty tuple: 0 items, exactly)."""
UNKNOWN_LENGTH: int = NotImplemented


def source_hint(it: Iterator[Any], source: object = None) -> Any:
    """The hint node of a source iterator: exact when its type knows its size, owned when
    ``it`` is fresh from a builtin container (nobody else holds it)."""
    if it.__class__ not in EXACT:
        return None
    # (a container is never its own iterator, and None is no container)
    return ("e", it, source if source.__class__ in PLAIN_SOURCES else None)


def filtered(node: Any, extra: int) -> Any:
    """The hint of a stage that drops items and may hold ``extra`` back (collapses chains)."""
    if node is None:
        return None
    kind = node[0]
    if kind == "f":
        cap = node[3]
        return ("f", node[1], node[2] + extra, None if cap is None else cap + extra, node[4])
    return ("f", node, extra, None, node[1] if kind == "e" else None)


def capped(node: Any, n: int) -> Any:
    """The hint of ``take(n)`` over ``node`` when ``node`` is not an exact source (over one,
    take counts: see ``unary``): at most ``n`` items, and no lower bound (collapses chains)."""
    if node is None:
        return ("f", None, 0, n, None)
    if node[0] == "f":
        cap = node[3]
        return ("f", node[1], node[2], n if cap is None or n < cap else cap, node[4])
    return ("f", node, 0, n, None)  # (never an exact source: take over one is "t")


def start_of(hint: Any) -> int | None:
    """At build time, what a counting node (take, skip, windows, ...) keeps to know later how
    many items it pulled: the items left now over an exact upstream; None otherwise."""
    if hint is None or hint[0] != "e":
        return None
    start: int = hint[1].__length_hint__()  # every type in EXACT has it (and it never raises)
    return None if start > _MAXSIZE else start


def unary(kind: str, upstream: Any, arg: Any) -> Any:
    """The hint node ``(kind, upstream, arg, start, own)`` of a one-input stage; None
    (unknown) over an unknown upstream."""
    if upstream is None:
        return None
    start = start_of(upstream)
    return (kind, upstream, arg, start, start is not None and upstream[2] is not None)


def merged(parts: list[Any], slack: int) -> Any:
    """The hint node of merge: ``slack`` items may wait in it once it has pulled; the items
    left in each part at build time tell whether it has (see ``bounds``)."""
    starts = tuple(start_of(part) for part in parts)
    return ("sum", tuple(parts), slack, starts)


def _progress(node: Any, lo: int, hi: int | None) -> tuple[int, bool] | None:
    """``(pulled, exact)``: how many items a counting node's exact upstream gave since the
    node was built, and whether that is exactly the node's own pulls (an owned source) or
    only an upper bound on them (others may share the upstream). None when unknown."""
    start = node[3]
    if start is None or lo != hi:
        return None
    return (start - lo, node[4])


def _untouched(parts: tuple[Any, ...], starts: tuple[int | None, ...]) -> bool:
    """Whether nothing was pulled from any of ``parts`` since ``starts`` were measured."""
    for part, start in zip(parts, starts, strict=True):
        if start is None:
            return False
        if part[1].__length_hint__() != start:
            return False
    return True


def bounds(node: Any) -> tuple[int, int | None]:
    """``(lower, upper)`` bounds on the items left after hint node ``node`` (upper None:
    unbounded). Recursive, one frame per nested node: a pathologically deep tree raises
    RecursionError. A range longer than ``sys.maxsize`` counts as endless, as in Rust; if one
    was partly consumed, ``len()`` of it may still raise OverflowError."""
    if node is None:
        return (0, None)
    kind = node[0]
    if kind == "e":
        n: int = node[1].__length_hint__()
        if n > _MAXSIZE:  # a range longer than sys.maxsize: endless, as in Rust
            return (_MAXSIZE, None)
        return (n, n)
    if kind == "inf":
        return (_MAXSIZE, None)
    if kind in ("sum", "min", "max"):  # several inputs: combine their bounds
        parts = node[1]
        los: list[int] = []
        his: list[int | None] = []
        for part in parts:  # a loop, not a comprehension: no extra frame per level
            part_lo, part_hi = bounds(part)
            los.append(part_lo)
            his.append(part_hi)
        known = [h for h in his if h is not None]
        all_known = len(known) == len(his)
        if kind == "min":  # zip
            return (min(los, default=0), min(known) if known else None)
        if kind == "max":  # zip_longest
            return (max(los, default=0), max(known, default=0) if all_known else None)
        # chain, interleave, merge (which holds one item per input once started)
        slack = node[2]
        if slack and _untouched(parts, node[3]):  # nothing pulled, nothing held
            slack = 0
        return (min(sum(los), _MAXSIZE), sum(known) + slack if all_known else None)
    up = node[1]
    hi: int | None
    if up is not None and up[0] == "e":  # the common upstream, without a recursive call
        lo = hi = up[1].__length_hint__()
        if lo > _MAXSIZE:  # a range longer than sys.maxsize: endless, as in Rust
            lo, hi = _MAXSIZE, None
    else:
        lo, hi = bounds(up)
    if kind == "f":  # keeps some items: (0, hi + items held back), at most ``cap``
        cap = node[3]
        if hi is None:
            return (0, cap)
        hi += node[2]
        return (0, hi if cap is None or hi < cap else cap)
    if kind == "t":  # take(n)
        n = node[2]
        upper = n if hi is None or n < hi else hi
        start = node[3]  # _progress, inlined: size_hint() of a take is a hot path
        if start is None or lo != hi:
            return (0, upper)
        left = n - (start - lo)  # n minus the items pulled since the take was built
        lower = 0 if left < 0 else left if left < lo else lo
        return (lower, lower) if node[4] else (min(lower, upper), upper)
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
