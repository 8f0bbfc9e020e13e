"""Adversarial checks of the performance changes (Peekable slot, map_concurrent pool, pacing
and progress strides, size hints, comparisons) against plain references."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from itero import Err, Iter, MovedError, Nothing, Ok, Peekable, Some

_OPS = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(
                [
                    "peek",
                    "next",
                    "dnext",
                    "if_even",
                    "if_eq",
                    "hint",
                    "borrow_peek",
                    "borrow_next",
                    "for_break",
                    "any_big",
                    "all_small",
                    "find_odd",
                    "position_odd",
                    "try_fold",
                ]
            ),
            st.integers(0, 3),
        ),
        st.tuples(st.sampled_from(["nth", "borrow_take", "advance"]), st.integers(0, 3)),
    ),
    max_size=12,
)
_ENDS = st.sampled_from(
    [
        "collect",
        "list",
        "for",
        "chain_other",
        "zip_other",
        "chain_self",
        "zip_self",
        "Iter",
        "Peekable",
        "peekable",
        "map",
        "filter",
        "take",
        "skip",
        "count",
        "last",
        "close",
        "with",
        "step_by",
        "chunks",
        "windows",
        "eq",
        "enumerate",
        "fold",
        "sum",
        "inspect",
        "fuse",
    ]
)


def _run(items: list[int], ops: list[tuple[str, int]], end: str, source: str) -> None:
    rest = list(items)
    src: Any = iter(items) if source == "gen" else items
    p: Peekable[int] = Iter(src).peekable() if source != "ctor" else Peekable(iter(items))

    def opt(i: int = 0) -> Any:
        return Some(rest[i]) if len(rest) > i else Nothing()

    want: Any
    got: Any
    for op, k in ops:
        if op == "peek":
            assert p.peek() == opt()
        elif op == "next":
            assert p.next() == opt()
            rest[:1] = []
        elif op == "dnext":
            if rest:
                assert next(p) == rest.pop(0)
            else:
                with pytest.raises(StopIteration):
                    next(p)
        elif op == "if_even":
            want = opt() if rest and rest[0] % 2 == 0 else Nothing()
            assert p.next_if(lambda x: x % 2 == 0) == want
            if want != Nothing():
                rest.pop(0)
        elif op == "if_eq":
            want = opt() if rest and rest[0] == k else Nothing()
            assert p.next_if_eq(k) == want
            if want != Nothing():
                rest.pop(0)
        elif op == "hint":
            lo, hi = p.size_hint()
            assert lo <= len(rest), (lo, rest)
            assert hi.map_or(True, lambda h: len(rest) <= h), (hi, rest)
        elif op == "borrow_peek":
            b = p.by_ref()
            assert b.peek() == opt()
            assert p.peek() == opt()
        elif op == "borrow_next":
            b = p.by_ref()
            assert b.next() == opt()
            rest[:1] = []
            assert p.peek() == opt()
        elif op == "for_break":
            for x in p.by_ref():
                assert x == rest.pop(0)
                break
        elif op == "any_big":
            got = p.any(lambda x: x > 2)
            want = False
            while rest:
                if rest.pop(0) > 2:
                    want = True
                    break
            assert got == want
        elif op == "all_small":
            got = p.all(lambda x: x < 3)
            want = True
            while rest:
                if rest.pop(0) >= 3:
                    want = False
                    break
            assert got == want
        elif op == "find_odd":
            got = p.find(lambda x: x % 2 == 1)
            want = Nothing()
            while rest:
                x = rest.pop(0)
                if x % 2 == 1:
                    want = Some(x)
                    break
            assert got == want
        elif op == "position_odd":
            got = p.position(lambda x: x % 2 == 1)
            want = Nothing()
            i = 0
            while rest:
                if rest.pop(0) % 2 == 1:
                    want = Some(i)
                    break
                i += 1
            assert got == want
        elif op == "try_fold":
            got = p.try_fold(0, lambda acc, x: Ok(acc + x) if acc + x < 4 else Err(acc))
            acc = 0
            want = Ok(0)
            while rest:
                x = rest.pop(0)
                if acc + x < 4:
                    acc += x
                    want = Ok(acc)
                else:
                    want = Err(acc)
                    break
            else:
                want = Ok(acc)
            assert got == want
        elif op == "nth":
            assert p.nth(k) == opt(k)
            rest[: k + 1] = []
        elif op == "borrow_take":
            assert p.by_ref().take(k).collect() == rest[:k]
            rest[:k] = []
        elif op == "advance":
            for _ in range(k):
                p.next()
            rest[:k] = []
        assert p.peek() == opt()

    lo, hi = p.size_hint()
    assert lo <= len(rest) and hi.map_or(True, lambda h: len(rest) <= h)
    out: Any
    want_out: Any
    if end == "collect":
        out, want_out = p.collect(), rest
    elif end == "list":
        out, want_out = list(p), rest
    elif end == "for":
        out = []
        for x in p:
            out.append(x)
        want_out = rest
    elif end == "chain_other":
        out, want_out = Iter([9]).chain(p).collect(), [9, *rest]
    elif end == "zip_other":
        out, want_out = Iter(range(10)).zip(p).collect(), list(zip(range(10), rest, strict=False))
    elif end == "chain_self":
        out, want_out = p.chain([9]).collect(), [*rest, 9]
    elif end == "zip_self":
        out, want_out = p.zip(range(10)).collect(), list(zip(rest, range(10), strict=False))
    elif end == "Iter":
        q = Iter(p)
        assert q.size_hint()[0] <= len(rest)
        out, want_out = q.collect(), rest
    elif end == "Peekable":
        q2 = Peekable(p)
        assert q2.peek() == opt()
        out, want_out = q2.collect(), rest
    elif end == "peekable":
        q3 = p.peekable()
        assert q3.peek() == opt()
        out, want_out = q3.collect(), rest
    elif end == "map":
        out, want_out = p.map(str).collect(), [str(x) for x in rest]
    elif end == "filter":
        out, want_out = p.filter(bool).collect(), [x for x in rest if x]
    elif end == "take":
        out, want_out = p.take(2).collect(), rest[:2]
    elif end == "skip":
        out, want_out = p.skip(1).collect(), rest[1:]
    elif end == "count":
        out, want_out = p.count(), len(rest)
    elif end == "last":
        out, want_out = p.last(), Some(rest[-1]) if rest else Nothing()
    elif end == "close":
        p.close()
        assert p.peek() == Nothing() and p.next() == Nothing()
        assert p.size_hint() == (0, Some(0))
        return
    elif end == "with":
        with p as w:
            out, want_out = w.by_ref().collect(), rest
        assert p.peek() == Nothing()
        assert out == want_out
        return
    elif end == "step_by":
        out, want_out = p.step_by(2).collect(), rest[::2]
    elif end == "chunks":
        q4 = p.chunks(2)
        lo, hi = q4.size_hint()
        n = -(-len(rest) // 2)
        assert lo <= n and hi.map_or(True, lambda h: n <= h)
        out, want_out = q4.collect(), [rest[i : i + 2] for i in range(0, len(rest), 2)]
        out = [list(c) for c in out]
    elif end == "windows":
        q5 = p.windows(2)
        n = max(0, len(rest) - 1)
        lo, hi = q5.size_hint()
        assert lo <= n and hi.map_or(True, lambda h: n <= h), (lo, hi, rest)
        out = [list(w) for w in q5.collect()]
        want_out = [rest[i : i + 2] for i in range(n)]
    elif end == "eq":
        out, want_out = p.eq(list(rest)), True
    elif end == "enumerate":
        out, want_out = p.enumerate().collect(), list(enumerate(rest))
    elif end == "fold":
        out, want_out = p.fold(0, lambda a, x: a * 7 + x), 0
        for x in rest:
            want_out = want_out * 7 + x
    elif end == "sum":
        out, want_out = p.sum(), sum(rest)
    elif end == "inspect":
        seen: list[int] = []
        out, want_out = p.inspect(seen.append).collect(), rest
        assert seen == rest
    else:  # fuse
        out, want_out = p.fuse().collect(), rest
    assert out == want_out
    with pytest.raises(MovedError):
        p.next()
    with pytest.raises(MovedError):
        p.peek()
    with pytest.raises(MovedError):
        p.size_hint()


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.integers(0, 4), max_size=8), _OPS, _ENDS, st.sampled_from(["gen", "list", "ctor"])
)
def test_peekable_matches_a_list_model(
    items: list[int], ops: list[tuple[str, int]], end: str, source: str
) -> None:
    _run(items, ops, end, source)


# ---------------------------------------------------------------------------------------------
# map_concurrent's pool: no thread outlives its pipeline, no hang
# ---------------------------------------------------------------------------------------------


def _pool_threads() -> set[Any]:
    import threading

    return {t for t in threading.enumerate() if t.name.startswith("itero-map_concurrent")}


def _in_time(fn: Any, timeout: float = 10.0) -> Any:
    """Run ``fn`` in a thread; fail (instead of hanging) if it takes longer than ``timeout``."""
    import threading

    box: list[Any] = []

    def run() -> None:
        try:
            box.append(("ok", fn()))
        except BaseException as e:
            box.append(("err", e))

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "hung"
    kind, value = box[0]
    if kind == "err":
        raise value
    return value


class _Boom(BaseException):
    pass


def _fail_at(k: int, exc: type[BaseException] = ValueError) -> Any:
    import time

    def f(x: int) -> int:
        time.sleep(0.001 * (x % 3))
        if x == k:
            raise exc(x)
        return x * 2

    return f


def _bad_source(n: int) -> Any:
    yield from range(n)
    raise KeyError("source")


@pytest.mark.parametrize("ordered", [True, False])
@pytest.mark.parametrize("concurrency", [1, 3])
@pytest.mark.parametrize(
    "case",
    ["end", "close", "with", "fail_first", "fail_mid", "fail_last", "source", "gc", "base"],
)
def test_map_concurrent_leaves_no_thread(ordered: bool, concurrency: int, case: str) -> None:
    import gc

    before = _pool_threads()

    def scenario() -> None:
        n = 12

        def f(x: int) -> int:
            return x * 2

        src: Any = range(n)
        if case.startswith("fail"):
            f = _fail_at({"fail_first": 0, "fail_mid": 6, "fail_last": n - 1}[case])
        elif case == "base":
            f = _fail_at(5, _Boom)
        elif case == "source":
            src = _bad_source(n)
        it = Iter(src).map_concurrent(f, concurrency=concurrency, ordered=ordered)
        if case == "end":
            assert sorted(it.collect()) == [x * 2 for x in range(n)]
        elif case == "close":
            it.next()
            it.close()
            assert it.next() == Nothing()
        elif case == "with":
            with it as w:
                w.next()
                w.next()
        elif case in ("fail_first", "fail_mid", "fail_last", "source"):
            with pytest.raises((ValueError, KeyError)):
                it.collect()
        elif case == "base":
            with pytest.raises(_Boom):
                it.collect()
        else:  # gc: abandoned half-consumed
            it.next()
            it.next()
            del it
            gc.collect()

    _in_time(scenario)
    assert _pool_threads() - before == set()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-5, 5), max_size=20),
    st.integers(1, 4),
    st.booleans(),
    st.integers(0, 25),
)
def test_map_concurrent_matches_map(
    items: list[int], concurrency: int, ordered: bool, k: int
) -> None:
    """Items before a failure are yielded (input order when ordered), then it is raised."""

    def f(x: int) -> int:
        if x == 5:
            raise ValueError(x)
        return x * 3

    def run() -> tuple[list[int], bool]:
        out: list[int] = []
        it = Iter(items).map_concurrent(f, concurrency=concurrency, ordered=ordered)
        try:
            for y in it:
                out.append(y)
        except ValueError:
            return out, True
        return out, False

    out, failed = _in_time(run)
    want = []
    for x in items:
        if x == 5:
            break
        want.append(x * 3)
    assert failed == (5 in items)
    if ordered:
        assert out == want
    else:
        assert set(out) <= {x * 3 for x in items if x != 5}
        if not failed:
            assert sorted(out) == sorted(want)


# ---------------------------------------------------------------------------------------------
# Pacer.waits and the progress stride against plain references
# ---------------------------------------------------------------------------------------------


class _F(float):
    pass


_READING = st.one_of(
    st.floats(-5, 50, allow_nan=False),
    st.integers(-5, 50),
    st.floats(-5, 50, allow_nan=False).map(_F),
    st.just(float("nan")),
    st.just(float("inf")),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_READING, max_size=30),
    st.floats(0.1, 100),
    st.integers(1, 5),
    st.lists(st.booleans(), max_size=30),
)
def test_pacer_waits_matches_the_bucket_reference(
    readings: list[float], rate: float, burst: int, which: list[bool]
) -> None:
    """Two iterators of one Pacer (two drivers) book against the same bucket, as the
    ``delay(now)`` reference did, for every kind of reading."""
    import math

    from itero._pacing import Pacer

    clock_values = iter(readings)
    pacer = Pacer(rate, burst=burst, clock=lambda: next(clock_values))
    its = [pacer.waits(), pacer.waits()]
    interval = 1.0 / rate
    slack = (burst - 1) * interval
    tat = -math.inf
    for i, now in enumerate(readings):
        allowed = tat - slack
        if now < allowed:
            tat += interval
            want = allowed - now
        else:
            tat = max(tat, now) + interval
            want = 0.0
        got = next(its[which[i] if i < len(which) else 0])
        assert got == want or (math.isnan(got) and math.isnan(want))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0, 3), max_size=700), st.floats(0.5, 20))
def test_progress_lines_count_exactly_and_come_within_the_stride(
    steps: list[float], every: float
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


def _rust_walk(a: list[Any], b: list[Any]) -> tuple[int | None, int, int, bool]:
    """(partial_cmp, pulls of a, pulls of b, differ) as Rust's iter_compare does them."""
    pa = pb = 0
    i = 0
    while True:
        pa += 1
        if i >= len(a):
            pb += 1
            return (0 if i >= len(b) else -1, pa, pb, i < len(b))
        x = a[i]
        pb += 1
        if i >= len(b):
            return (1, pa, pb, True)
        y = b[i]
        if x != y:
            if x < y:
                r: int | None = -1
            elif y < x:
                r = 1
            else:
                r = None
            return (r, pa, pb, True)
        i += 1


class _Counted:
    def __init__(self, items: list[Any]) -> None:
        self.items = items
        self.pulls = 0

    def __iter__(self) -> Any:
        for x in self.items:
            self.pulls += 1
            yield x
        self.pulls += 1


_ITEM = st.one_of(st.integers(0, 2), st.just(float("nan")))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_ITEM, max_size=4),
    st.lists(_ITEM, max_size=4),
    st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge", "cmp"]),
    st.sampled_from(["list", "gen", "iter"]),
)
def test_comparisons_match_rust_walk(a: list[Any], b: list[Any], method: str, kind: str) -> None:
    ca, cb = _Counted(a), _Counted(b)
    r, pa, pb, differs = _rust_walk(a, b)
    other: Any = cb if kind == "list" else iter(cb) if kind == "gen" else Iter(iter(cb))
    want: Any = {
        "eq": not differs,
        "ne": differs,
        "lt": r == -1,
        "le": r in (-1, 0),
        "gt": r == 1,
        "ge": r in (0, 1),
        "cmp": r,
    }[method]
    if method == "cmp" and r is None:
        with pytest.raises(TypeError):
            Iter(ca).cmp(other)
    else:
        assert getattr(Iter(ca), method)(other) == want
    if method in ("eq", "ne"):
        assert (ca.pulls, cb.pulls) == (pa, pb)
    else:
        assert (ca.pulls, cb.pulls) == (pa, pb)


def test_comparisons_with_any_and_odd_ne() -> None:
    from unittest import mock

    assert Iter([1, 2]).eq([mock.ANY, mock.ANY])
    assert not Iter([mock.ANY]).eq([])
    assert not Iter([]).eq([mock.ANY])
    assert not Iter([1]).eq([mock.ANY, mock.ANY])
    assert Iter([1]).lt([mock.ANY, 0])

    class Raises:
        def __ne__(self, other: object) -> bool:
            raise RuntimeError("ne")

        def __eq__(self, other: object) -> bool:
            raise RuntimeError("eq")

        __hash__ = object.__hash__

    with pytest.raises(RuntimeError):
        Iter([Raises()]).eq([1])
    # a shorter left side never asks the right item's __ne__
    assert not Iter([]).eq([Raises()])

    class NonBool:
        def __ne__(self, other: object) -> Any:
            return [1]  # truthy

    assert Iter([NonBool()]).ne([1])


# ---------------------------------------------------------------------------------------------
# size hints: always true bounds over random pipelines, with pulls in between
# ---------------------------------------------------------------------------------------------

_STAGES = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "map",
                "filter",
                "take",
                "skip",
                "step_by",
                "chunks",
                "windows",
                "peekable",
                "peek",
                "chain_list",
                "chain_gen",
                "zip_list",
                "zip_gen",
                "take_while",
                "dedup",
                "intersperse",
                "pull",
                "enumerate",
                "by_ref",
                "fuse",
                "chain_range",
                "borrow_pull",
                "borrow_peek",
            ]
        ),
        st.integers(0, 4),
    ),
    max_size=8,
)


def _apply(it: Any, ref: list[Any], stage: str, k: int) -> tuple[Any, list[Any]]:
    if stage == "map":
        return it.map(lambda x: (x,)), [(x,) for x in ref]
    if stage == "filter":
        return it.filter(lambda x: hash(x) % 2 == 0), [x for x in ref if hash(x) % 2 == 0]
    if stage == "take":
        return it.take(k), ref[:k]
    if stage == "skip":
        return it.skip(k), ref[k:]
    if stage == "step_by":
        return it.step_by(k + 1), ref[:: k + 1]
    if stage == "chunks":
        n = k + 1
        return it.chunks(n).map(tuple), [tuple(ref[i : i + n]) for i in range(0, len(ref), n)]
    if stage == "windows":
        n = k + 1
        return it.windows(n).map(tuple), [tuple(ref[i : i + n]) for i in range(len(ref) - n + 1)]
    if stage == "peekable":
        return it.peekable(), ref
    if stage == "peek":
        p = it.peekable()
        assert p.peek() == (Some(ref[0]) if ref else Nothing())
        return p, ref
    if stage == "chain_list":
        return it.chain(list(range(k))), [*ref, *range(k)]
    if stage == "chain_range":
        return Iter(range(k)).chain(it), [*range(k), *ref]
    if stage == "chain_gen":
        return it.chain(x for x in range(k)), [*ref, *range(k)]
    if stage == "zip_list":
        return it.zip(list(range(k + 2))), list(zip(ref, range(k + 2), strict=False))
    if stage == "zip_gen":
        return it.zip(x for x in range(k + 2)), list(zip(ref, range(k + 2), strict=False))
    if stage == "take_while":
        out = []
        for x in ref:
            if hash(x) % 5 == 4:
                break
            out.append(x)
        return it.take_while(lambda x: hash(x) % 5 != 4), out
    if stage == "dedup":
        out = [x for i, x in enumerate(ref) if i == 0 or ref[i - 1] != x]
        return it.dedup(), out
    if stage == "intersperse":
        out = []
        for i, x in enumerate(ref):
            if i:
                out.append(-1)
            out.append(x)
        return it.intersperse(-1), out
    if stage == "pull":
        for _ in range(k):
            assert it.next() == (Some(ref[0]) if ref else Nothing())
            ref = ref[1:]
        return it, ref
    if stage == "enumerate":
        return it.enumerate(), list(enumerate(ref))
    if stage == "borrow_pull":
        b = it.by_ref()
        for _ in range(k):
            assert b.next() == (Some(ref[0]) if ref else Nothing())
            ref = ref[1:]
            _check_hint(it, ref, "borrow_pull owner")
            _check_hint(b, ref, "borrow_pull borrow")
        return it, ref
    if stage == "borrow_peek":
        if isinstance(it, Peekable):
            b = it.by_ref()
            assert b.peek() == (Some(ref[0]) if ref else Nothing())
            _check_hint(b, ref, "borrow_peek borrow")
        return it, ref
    if stage == "fuse":
        return it.fuse(), ref
    # by_ref: a borrow of it
    return it.by_ref(), ref


def _check_hint(it: Any, ref: list[Any], where: str) -> None:
    import operator

    lo, hi = it.size_hint()
    n = len(ref)
    assert lo <= n, (where, lo, hi, ref)
    assert hi.map_or(True, lambda h: n <= h), (where, lo, hi, ref)
    exact = operator.length_hint(it, -1)
    assert exact in (-1, n), (where, exact, ref)


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(st.integers(0, 3), max_size=10),
    st.sampled_from(["list", "gen", "range", "tuple"]),
    _STAGES,
)
def test_size_hints_bound_the_items_left(items: list[int], source: str, stages: Any) -> None:
    src: Any = {
        "list": items,
        "gen": (x for x in items),
        "range": range(len(items)),
        "tuple": tuple(items),
    }[source]
    ref: list[Any] = list(range(len(items))) if source == "range" else list(items)
    it: Any = Iter(src)
    _check_hint(it, ref, "source")
    for stage, k in stages:
        it, ref = _apply(it, ref, stage, k)
        _check_hint(it, ref, stage)
    out: list[Any] = []
    while True:
        _check_hint(it, ref[len(out) :], "pulling")
        nxt = it.next()
        if nxt == Nothing():
            break
        out.append(nxt.unwrap())
    assert out == ref


# ---------------------------------------------------------------------------------------------
# tee-based stages over a borrowed tee object (a Peekable's shared buffer, a user's tee)
# ---------------------------------------------------------------------------------------------


def _shared_tee_owner(kind: str, items: list[int]) -> Any:
    import itertools

    if kind == "user tee":
        return Iter(itertools.tee(items)[0])
    p = Iter(items).peekable()
    if kind == "peeked":
        p.peek()
    return p


@pytest.mark.parametrize("kind", ["peeked", "peekable", "user tee"])
def test_inspect_on_a_borrow_sees_the_items_it_yields(kind: str) -> None:
    owner = _shared_tee_owner(kind, [1, 2, 3, 4, 5, 6])
    seen: list[int] = []
    borrowed = owner.by_ref().inspect(seen.append)
    assert owner.next() == Some(1)
    assert borrowed.next() == Some(2)
    assert owner.next() == Some(3)
    assert borrowed.next() == Some(4)
    assert seen == [2, 4]


@pytest.mark.parametrize("kind", ["peeked", "peekable", "user tee"])
def test_windows_on_a_borrow_acts_as_over_a_plain_iterator(kind: str) -> None:
    owner = _shared_tee_owner(kind, [1, 2, 3, 4, 5, 6])
    plain = Iter(iter([1, 2, 3, 4, 5, 6]))
    got, want = owner.by_ref().windows(2), plain.by_ref().windows(2)
    assert got.next() == want.next()
    assert owner.next() == plain.next()
    assert got.next() == want.next()  # never a window that repeats an item
    assert owner.collect() == plain.collect()


def test_map_concurrent_collected_in_its_own_pool_thread_shuts_down_cleanly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An abandoned pipeline in a reference cycle may be collected by a cyclic GC that runs in
    one of its own pool threads: its shutdown must not try to join that thread."""
    import gc
    import sys
    import threading
    import time

    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    in_f = threading.Event()
    abandoned = threading.Event()
    closed: list[bool] = []

    class Source:
        def __init__(self) -> None:
            self.it = iter(range(100))

        def __iter__(self) -> Source:
            return self

        def __next__(self) -> int:
            return next(self.it)

        def close(self) -> None:
            closed.append(True)

    def f(x: int) -> int:
        if x == 3:
            in_f.set()
            abandoned.wait(10)
            gc.collect()  # a cyclic collection, in this pool thread
        return x

    class Holder:
        pass

    before = _pool_threads()
    gc.disable()
    try:

        def abandon() -> None:
            h = Holder()
            h.cycle = h  # type: ignore[attr-defined]
            h.it = Iter(Source()).map_concurrent(f, concurrency=2)  # type: ignore[attr-defined]
            h.it.next()  # type: ignore[attr-defined]
            h.it.next()  # type: ignore[attr-defined]
            assert in_f.wait(10)

        abandon()
        abandoned.set()
        deadline = time.monotonic() + 10
        while _pool_threads() - before and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        gc.enable()
    assert _pool_threads() - before == set()
    assert closed == [True]
    assert unraisable == []


@pytest.mark.parametrize("method", ["is_sorted", "is_sorted_by"])
@pytest.mark.parametrize("kind", ["peeked", "peekable", "user tee"])
def test_is_sorted_on_a_borrow_consumes_as_rust(kind: str, method: str) -> None:
    """Rust's is_sorted consumes up to the item found out of order, included."""
    owner = _shared_tee_owner(kind, [1, 3, 2, 5])
    shared = owner.by_ref()
    if method == "is_sorted":
        assert not shared.is_sorted()
    else:
        assert not shared.is_sorted_by(lambda a, b: a <= b)
    assert owner.collect() == [5]


@pytest.mark.parametrize("kind", ["peeked", "peekable", "user tee"])
def test_oks_and_errs_on_a_borrow_select_the_items_they_yield(kind: str) -> None:
    import itertools

    items: list[Any] = [Ok(1), Err(2), Ok(3), Ok(4), Err(5), Err(6)]
    if kind == "user tee":
        owner: Any = Iter(itertools.tee(items)[0])
    else:
        owner = Iter(items).peekable()
        if kind == "peeked":
            owner.peek()
    oks = owner.by_ref().oks()
    assert oks.next() == Some(1)
    assert owner.next() == Some(Err(2))
    assert oks.next() == Some(3)
    errs = owner.by_ref().errs()
    assert owner.next() == Some(Ok(4))
    assert errs.next() == Some(5)
    assert owner.next() == Some(Err(6))
    assert errs.next() == Nothing()
