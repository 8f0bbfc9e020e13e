"""Differential tests of Iter's adapters against plain-Python references.

Every adapter is compared with a reference written out as a plain generator (or a builtin /
itertools call with the same semantics). Each reference pulls its source only as far as it
must, so besides the items we also compare how far the source was pulled when only a prefix
of ``k`` items is consumed: an adapter must not read ahead of what Rust's (or the reference's)
semantics need.
"""

from __future__ import annotations

import heapq
import itertools
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings, strategies as st
from typing_extensions import TypeGuard, TypeIs

from _helpers import Boom, Recorder, boom, ints, prefix, results, shared_tee_owner, small_ints
from itero import (
    Err,
    Iter,
    MovedError,
    Nothing,
    Ok,
    Option,
    Page,
    Peekable,
    Result,
    Some,
    try_from_pages,
)
from itero.testing import OneShot

T = TypeVar("T")
U = TypeVar("U")


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------


def pull(it: Iter[T], k: int, via_option: bool) -> list[T]:
    """Pull up to ``k`` items one at a time, with ``it.next()`` or with ``next(it)``."""
    out: list[T] = []
    for _ in range(k):
        if via_option:
            opt = it.next()
            if not isinstance(opt, Some):
                assert opt is Nothing()
                break
            out.append(opt.value)
        else:
            try:
                out.append(next(it))
            except StopIteration:
                break
    return out


def assert_agrees_many(
    build: Callable[[list[OneShot[T]]], Iter[U]],
    reference: Callable[[list[OneShot[T]]], Iterator[U]],
    inputs: Sequence[Sequence[T]],
    k: int,
    via_option: bool,
) -> None:
    """Pull ``k`` items from ``build`` and from ``reference``: same items, same source pulls.

    Also checks that building pulls nothing, and that once exhausted the Iter stays exhausted
    and pulls its sources no more than the reference does when asked again (a generator
    reference never does; builtin ``zip``, like Rust's ``Zip``, pulls its first input again).
    """
    ours_sources = [OneShot(xs) for xs in inputs]
    ours = build(ours_sources)
    assert [s.pulled for s in ours_sources] == [0] * len(inputs), "building pulled the source"
    got = pull(ours, k, via_option)
    ref_sources = [OneShot(xs) for xs in inputs]
    ref_it = reference(ref_sources)
    expected = list(itertools.islice(ref_it, k))
    assert got == expected
    assert [s.pulled for s in ours_sources] == [s.pulled for s in ref_sources]
    if len(got) < k:
        # Exhausted: asked twice more, it answers "no more" and pulls what the reference would.
        assert ours.next() is Nothing()
        with pytest.raises(StopIteration):
            next(ours)
        for _ in range(2):
            assert next(ref_it, None) is None
        assert [s.pulled for s in ours_sources] == [s.pulled for s in ref_sources]


def assert_agrees(
    build: Callable[[OneShot[T]], Iter[U]],
    reference: Callable[[OneShot[T]], Iterator[U]],
    items: Sequence[T],
    k: int,
    via_option: bool,
) -> None:
    """``assert_agrees_many`` for a single source."""
    assert_agrees_many(
        lambda sources: build(sources[0]),
        lambda sources: reference(sources[0]),
        [items],
        k,
        via_option,
    )


options = st.lists(
    st.one_of(st.builds(Some, st.integers()), st.just(Nothing())),
    max_size=30,
)


def linear(a: int, b: int) -> Callable[[int], int]:
    """``x -> a * x + b``."""
    return lambda x: a * x + b


def residue(m: int, r: int) -> Callable[[int], bool]:
    """``x -> x % m == r``."""
    return lambda x: x % m == r


def at_least(t: int) -> Callable[[int], bool]:
    """``x -> x >= t``."""
    return lambda x: x >= t


def option_of(m: int) -> Callable[[int], Option[int]]:
    """``x -> Some(x * 2)`` when ``m`` divides ``x``, else ``Nothing()``."""
    return lambda x: Some(x * 2) if x % m == 0 else Nothing()


mods = st.integers(1, 4)


# ------------------------------------------------------------------------------------------------
# adapters that map
# ------------------------------------------------------------------------------------------------


class TestMap:
    @given(ints, st.integers(-3, 3), st.integers(-3, 3))
    def test_collect_matches_comprehension(self, xs: list[int], a: int, b: int) -> None:
        f = linear(a, b)
        assert Iter(xs).map(f).collect() == [f(x) for x in xs]

    @given(ints, prefix, st.booleans())
    def test_prefix_pulls_one_per_item(self, xs: list[int], k: int, via_option: bool) -> None:
        assert_agrees(lambda s: Iter(s).map(str), lambda s: (str(x) for x in s), xs, k, via_option)

    def test_callback_sees_items_in_order(self) -> None:
        seen: list[int] = []
        Iter([3, 1, 2]).map(seen.append).collect()
        assert seen == [3, 1, 2]


class TestInspect:
    @given(ints, prefix, st.booleans())
    def test_passes_items_through(self, xs: list[int], k: int, via_option: bool) -> None:
        assert_agrees(
            lambda s: Iter(s).inspect(lambda _: None), lambda s: iter(s), xs, k, via_option
        )

    @given(ints, prefix)
    def test_called_once_per_pulled_item_in_order(self, xs: list[int], k: int) -> None:
        seen: list[int] = []
        got = pull(Iter(xs).inspect(seen.append), k, via_option=False)
        assert seen == xs[:k]
        assert got == xs[:k]

    def test_runs_before_downstream_sees_the_item(self) -> None:
        log: list[tuple[str, int]] = []
        it = Iter([1, 2, 3]).inspect(lambda x: log.append(("inspect", x)))
        for x in it.filter(lambda x: x != 2):
            log.append(("got", x))
        assert log == [
            ("inspect", 1),
            ("got", 1),
            ("inspect", 2),
            ("inspect", 3),
            ("got", 3),
        ]

    def test_not_called_before_pulled(self) -> None:
        seen: list[int] = []
        it = Iter([1, 2]).inspect(seen.append)
        assert seen == []
        assert it.next() == Some(1)
        assert seen == [1]

    @pytest.mark.parametrize("kind", ["peeked", "peekable", "user tee"])
    def test_inspect_on_a_borrow_sees_the_items_it_yields(self, kind: str) -> None:
        owner = shared_tee_owner(kind, [1, 2, 3, 4, 5, 6])
        seen: list[int] = []
        borrowed = owner.by_ref().inspect(seen.append)
        assert owner.next() == Some(1)
        assert borrowed.next() == Some(2)
        assert owner.next() == Some(3)
        assert borrowed.next() == Some(4)
        assert seen == [2, 4]


class TestFilterMap:
    @given(ints, mods)
    def test_collect_matches_comprehension(self, xs: list[int], m: int) -> None:
        assert Iter(xs).filter_map(option_of(m)).collect() == [x * 2 for x in xs if x % m == 0]

    @given(ints, mods, prefix, st.booleans())
    def test_prefix(self, xs: list[int], m: int, k: int, via_option: bool) -> None:
        f = option_of(m)

        def reference(it: Iterator[int]) -> Iterator[int]:
            for x in it:
                o = f(x)
                if isinstance(o, Some):
                    yield o.value

        assert_agrees(lambda s: Iter(s).filter_map(f), reference, xs, k, via_option)


class TestMapWhile:
    @given(ints, mods)
    def test_stops_at_first_nothing(self, xs: list[int], m: int) -> None:
        expected = [x * 2 for x in itertools.takewhile(lambda x: x % m == 0, xs)]
        assert Iter(xs).map_while(option_of(m)).collect() == expected

    @given(ints, mods, prefix, st.booleans())
    def test_prefix_and_pulls_nothing_after_the_stop(
        self, xs: list[int], m: int, k: int, via_option: bool
    ) -> None:
        f = option_of(m)

        def reference(it: Iterator[int]) -> Iterator[int]:
            for x in it:
                o = f(x)
                if not isinstance(o, Some):
                    return
                yield o.value

        assert_agrees(lambda s: Iter(s).map_while(f), reference, xs, k, via_option)

    def test_example(self) -> None:
        calls: list[int] = []

        def half(x: int) -> Option[int]:
            calls.append(x)
            return Some(x // 2) if x % 2 == 0 else Nothing()

        it = Iter([2, 4, 5, 6, 8]).map_while(half)
        assert it.collect() == [1, 2]
        assert calls == [2, 4, 5]


class TestScan:
    @staticmethod
    def running(limit: int) -> Callable[[int, int], Option[tuple[int, int]]]:
        """Running sum, stopping when the state would exceed ``limit``."""

        def step(state: int, x: int) -> Option[tuple[int, int]]:
            new = state + x
            return Some((new, new * 10)) if new <= limit else Nothing()

        return step

    @given(ints, st.integers(-50, 50), prefix, st.booleans())
    def test_prefix(self, xs: list[int], limit: int, k: int, via_option: bool) -> None:
        f = self.running(limit)

        def reference(it: Iterator[int]) -> Iterator[int]:
            state = 0
            for x in it:
                o = f(state, x)
                if not isinstance(o, Some):
                    return
                state, out = o.value
                yield out

        assert_agrees(lambda s: Iter(s).scan(0, f), reference, xs, k, via_option)

    def test_example_running_sum(self) -> None:
        def step(acc: int, x: int) -> Option[tuple[int, int]]:
            return Some((acc + x, acc + x))

        assert Iter([1, 2, 3, 4]).scan(0, step).collect() == [1, 3, 6, 10]

    def test_nothing_stops(self) -> None:
        def step(acc: int, x: int) -> Option[tuple[int, str]]:
            return Nothing() if x < 0 else Some((acc + x, f"{acc + x}"))

        assert Iter([1, 2, -1, 4]).scan(10, step).collect() == ["11", "13"]


class TestFlatMap:
    @given(ints, st.integers(0, 3))
    def test_collect_matches_comprehension(self, xs: list[int], r: int) -> None:
        def f(x: int) -> list[int]:
            return [x] * (x % (r + 1))

        assert Iter(xs).flat_map(f).collect() == [y for x in xs for y in f(x)]

    @given(ints, prefix, st.booleans())
    def test_prefix(self, xs: list[int], k: int, via_option: bool) -> None:
        def f(x: int) -> range:
            return range(x % 4)

        assert_agrees(
            lambda s: Iter(s).flat_map(f),
            lambda s: itertools.chain.from_iterable(map(f, s)),
            xs,
            k,
            via_option,
        )

    def test_options_and_results_as_iterables(self) -> None:
        assert Iter([1, 2, 3]).flat_map(lambda x: Some(x) if x % 2 else Nothing()).collect() == [
            1,
            3,
        ]

        def checked(x: int) -> Result[int, str]:
            return Ok(x * 10) if x > 1 else Err("small")

        assert Iter([1, 2, 3]).flat_map(checked).collect() == [20, 30]

    def test_inner_iterables_are_lazy(self) -> None:
        inner = OneShot([1, 2, 3])
        it = Iter([0]).flat_map(lambda _: inner)
        assert it.next() == Some(1)
        assert inner.pulled == 1


# ------------------------------------------------------------------------------------------------
# adapters that cut
# ------------------------------------------------------------------------------------------------


def is_int(x: object) -> TypeIs[int]:
    return isinstance(x, int)


def is_str_guard(x: object) -> TypeGuard[str]:
    return isinstance(x, str)


class TestFilter:
    @given(ints, mods, st.integers(0, 3))
    def test_collect_matches_comprehension(self, xs: list[int], m: int, r: int) -> None:
        pred = residue(m, r)
        assert Iter(xs).filter(pred).collect() == [x for x in xs if pred(x)]

    @given(ints, mods, prefix, st.booleans())
    def test_prefix(self, xs: list[int], m: int, k: int, via_option: bool) -> None:
        pred = residue(m, 0)
        assert_agrees(
            lambda s: Iter(s).filter(pred), lambda s: (x for x in s if pred(x)), xs, k, via_option
        )

    @given(st.lists(st.one_of(st.integers(), st.text(max_size=2)), max_size=30))
    def test_narrowing_predicates(self, xs: list[int | str]) -> None:
        only_ints: list[int] = Iter(xs).filter(is_int).collect()
        assert only_ints == [x for x in xs if isinstance(x, int)]
        only_strs: list[str] = Iter(xs).filter(is_str_guard).collect()
        assert only_strs == [x for x in xs if isinstance(x, str)]

    def test_truthiness_of_any_object(self) -> None:
        assert Iter([0, 1, 2, 3]).filter(lambda x: [None] * (x % 2)).collect() == [1, 3]


class TestTake:
    @given(ints, st.integers(0, 35))
    def test_collect_matches_slice(self, xs: list[int], n: int) -> None:
        assert Iter(xs).take(n).collect() == xs[:n]

    @given(ints, st.integers(0, 35), prefix, st.booleans())
    def test_prefix_pulls_exactly_n(self, xs: list[int], n: int, k: int, via_option: bool) -> None:
        assert_agrees(
            lambda s: Iter(s).take(n), lambda s: itertools.islice(s, n), xs, k, via_option
        )

    def test_take_of_infinite(self) -> None:
        assert Iter(itertools.count()).take(3).collect() == [0, 1, 2]

    def test_negative_is_value_error(self) -> None:
        with pytest.raises(ValueError, match=r"\bn\b"):
            Iter([1]).take(-1)


class TestSkip:
    @given(ints, st.integers(0, 35))
    def test_collect_matches_slice(self, xs: list[int], n: int) -> None:
        assert Iter(xs).skip(n).collect() == xs[n:]

    @given(ints, st.integers(0, 35), prefix, st.booleans())
    def test_prefix(self, xs: list[int], n: int, k: int, via_option: bool) -> None:
        assert_agrees(
            lambda s: Iter(s).skip(n), lambda s: itertools.islice(s, n, None), xs, k, via_option
        )

    def test_negative_is_value_error(self) -> None:
        with pytest.raises(ValueError, match=r"\bn\b"):
            Iter([1]).skip(-1)


class TestTakeWhile:
    @given(ints, st.integers(-20, 20))
    def test_collect(self, xs: list[int], t: int) -> None:
        assert Iter(xs).take_while(lambda x: x < t).collect() == list(
            itertools.takewhile(lambda x: x < t, xs)
        )

    @given(ints, st.integers(-20, 20), prefix, st.booleans())
    def test_prefix_consumes_the_failing_item(
        self, xs: list[int], t: int, k: int, via_option: bool
    ) -> None:
        def reference(it: Iterator[int]) -> Iterator[int]:
            for x in it:
                if not x < t:
                    return
                yield x

        assert_agrees(lambda s: Iter(s).take_while(lambda x: x < t), reference, xs, k, via_option)

    def test_by_ref_loses_the_failing_item_as_rust(self) -> None:
        it = Iter([1, 2, 5, 3])
        assert it.by_ref().take_while(lambda x: x < 3).collect() == [1, 2]
        assert it.collect() == [3]


class TestSkipWhile:
    @given(ints, st.integers(-20, 20))
    def test_collect(self, xs: list[int], t: int) -> None:
        assert Iter(xs).skip_while(lambda x: x < t).collect() == list(
            itertools.dropwhile(lambda x: x < t, xs)
        )

    @given(ints, st.integers(-20, 20), prefix, st.booleans())
    def test_prefix(self, xs: list[int], t: int, k: int, via_option: bool) -> None:
        def reference(it: Iterator[int]) -> Iterator[int]:
            skipping = True
            for x in it:
                if skipping and x < t:
                    continue
                skipping = False
                yield x

        assert_agrees(lambda s: Iter(s).skip_while(lambda x: x < t), reference, xs, k, via_option)

    def test_predicate_not_called_after_first_failure(self) -> None:
        seen: list[int] = []

        def small(x: int) -> bool:
            seen.append(x)
            return x < 3

        assert Iter([1, 5, 1, 2]).skip_while(small).collect() == [5, 1, 2]
        assert seen == [1, 5]


class TestStepBy:
    @given(ints, st.integers(1, 6))
    def test_collect_matches_slice(self, xs: list[int], step: int) -> None:
        assert Iter(xs).step_by(step).collect() == xs[::step]

    @given(ints, st.integers(1, 6), prefix, st.booleans())
    def test_prefix_first_item_then_every_step(
        self, xs: list[int], step: int, k: int, via_option: bool
    ) -> None:
        def reference(it: Iterator[int]) -> Iterator[int]:
            for i, x in enumerate(it):
                if i % step == 0:
                    yield x

        assert_agrees(lambda s: Iter(s).step_by(step), reference, xs, k, via_option)

    def test_zero_is_value_error(self) -> None:
        with pytest.raises(ValueError, match="step"):
            Iter([1]).step_by(0)


# ------------------------------------------------------------------------------------------------
# adapters that reshape
# ------------------------------------------------------------------------------------------------


class TestChain:
    @given(st.lists(ints, max_size=4))
    def test_collect_matches_concatenation(self, parts: list[list[int]]) -> None:
        head, *others = parts or [[]]
        assert Iter(head).chain(*others).collect() == [x for p in parts for x in p]

    @given(st.lists(ints, min_size=1, max_size=4), prefix, st.booleans())
    def test_prefix_does_not_touch_later_parts_early(
        self, parts: list[list[int]], k: int, via_option: bool
    ) -> None:
        assert_agrees_many(
            lambda s: Iter(s[0]).chain(*s[1:]),
            lambda s: itertools.chain(*s),
            parts,
            k,
            via_option,
        )


class TestZip:
    @given(ints, ints)
    def test_one_other(self, xs: list[int], ys: list[int]) -> None:
        assert Iter(xs).zip(ys).collect() == list(zip(xs, ys, strict=False))

    @given(ints, ints, ints, ints, ints)
    def test_up_to_four_others(
        self, a: list[int], b: list[int], c: list[int], d: list[int], e: list[int]
    ) -> None:
        assert Iter(a).zip(b, c).collect() == list(zip(a, b, c, strict=False))
        assert Iter(a).zip(b, c, d).collect() == list(zip(a, b, c, d, strict=False))
        assert Iter(a).zip(b, c, d, e).collect() == list(zip(a, b, c, d, e, strict=False))

    def test_fallback_arity(self) -> None:
        got = Iter([1, 2]).zip([3], [4], [5], [6], [7]).collect()
        assert got == [(1, 3, 4, 5, 6, 7)]

    @given(st.lists(ints, min_size=2, max_size=4), prefix, st.booleans())
    def test_prefix_pulls_in_rust_order(
        self, parts: list[list[int]], k: int, via_option: bool
    ) -> None:
        # Rust's Zip calls a.next() then b.next(): when a ends, b is not pulled.
        assert_agrees_many(
            lambda s: Iter(s[0]).zip(*s[1:]), lambda s: zip(*s, strict=False), parts, k, via_option
        )


class TestEnumerate:
    @given(ints, st.integers(-5, 5))
    def test_collect(self, xs: list[int], start: int) -> None:
        assert Iter(xs).enumerate(start).collect() == list(enumerate(xs, start))

    def test_default_start_is_zero(self) -> None:
        assert Iter("ab").enumerate().collect() == [(0, "a"), (1, "b")]

    @pytest.mark.parametrize("start", [True, 1.5, "1", None])
    def test_start_must_be_an_int_not_a_bool(self, start: object) -> None:
        with pytest.raises(TypeError, match=r"^start must be an int, got "):
            Iter("ab").enumerate(start)  # type: ignore[arg-type]

    @given(ints, prefix, st.booleans())
    def test_prefix(self, xs: list[int], k: int, via_option: bool) -> None:
        assert_agrees(lambda s: Iter(s).enumerate(), lambda s: enumerate(s), xs, k, via_option)


class TestFlatten:
    @given(st.lists(ints, max_size=6))
    def test_iterables(self, xss: list[list[int]]) -> None:
        assert Iter(xss).flatten().collect() == [x for xs in xss for x in xs]

    @given(st.lists(ints, max_size=6), prefix, st.booleans())
    def test_prefix_of_iterables(self, xss: list[list[int]], k: int, via_option: bool) -> None:
        assert_agrees(
            lambda s: Iter(s).flatten(),
            lambda s: itertools.chain.from_iterable(s),
            xss,
            k,
            via_option,
        )

    @given(options)
    def test_options_drop_nothing(self, opts: list[Option[int]]) -> None:
        assert Iter(opts).flatten().collect() == [o.value for o in opts if isinstance(o, Some)]

    @given(results)
    def test_results_drop_err_as_rust(self, rs: list[Result[int, int]]) -> None:
        assert Iter(rs).flatten().collect() == [r.value for r in rs if isinstance(r, Ok)]

    @given(options, prefix, st.booleans())
    def test_prefix_of_options(self, opts: list[Option[int]], k: int, via_option: bool) -> None:
        def reference(it: Iterator[Option[int]]) -> Iterator[int]:
            for o in it:
                if isinstance(o, Some):
                    yield o.value

        assert_agrees(lambda s: Iter(s).flatten(), reference, opts, k, via_option)

    def test_one_level_only(self) -> None:
        nested: list[Option[list[int]]] = [Some([1, 2]), Nothing(), Some([])]
        assert Iter(nested).flatten().collect() == [[1, 2], []]
        assert Iter([[[1], [2]], [[3]]]).flatten().collect() == [[1], [2], [3]]

    def test_iters_inside(self) -> None:
        assert Iter([Iter([1, 2]), Iter([3])]).flatten().collect() == [1, 2, 3]

    def test_strings_are_iterables(self) -> None:
        assert Iter(["ab", "c"]).flatten().collect() == ["a", "b", "c"]


class TestInterleave:
    @staticmethod
    def round_robin(sources: list[OneShot[int]]) -> Iterator[int]:
        """more_itertools.interleave_longest, pulling each source only when its turn comes."""
        alive: list[Iterator[int]] = list(sources)
        while alive:
            still: list[Iterator[int]] = []
            for it in alive:
                for x in it:
                    yield x
                    still.append(it)
                    break
            alive = still

    @staticmethod
    def round_robin_values(parts: Sequence[Sequence[T]]) -> list[T]:
        """All items, one from each part in turn, skipping the parts that ended."""
        longest = max((len(p) for p in parts), default=0)
        return [p[i] for i in range(longest) for p in parts if i < len(p)]

    @given(st.lists(ints, min_size=1, max_size=4))
    def test_collect(self, parts: list[list[int]]) -> None:
        expected = self.round_robin_values(parts)
        assert Iter(parts[0]).interleave(*parts[1:]).collect() == expected

    @given(st.lists(ints, min_size=1, max_size=4), prefix, st.booleans())
    def test_prefix_pulls_each_source_on_its_turn(
        self, parts: list[list[int]], k: int, via_option: bool
    ) -> None:
        assert_agrees_many(
            lambda s: Iter(s[0]).interleave(*s[1:]), self.round_robin, parts, k, via_option
        )

    def test_example(self) -> None:
        assert Iter([1, 2, 3]).interleave("ab", [None]).collect() == [1, "a", None, 2, "b", 3]


class TestIntersperse:
    @given(ints)
    def test_collect(self, xs: list[int]) -> None:
        expected = [y for i, x in enumerate(xs) for y in ([x] if i == 0 else [-1, x])]
        assert Iter(xs).intersperse(-1).collect() == expected

    @given(ints, prefix, st.booleans())
    def test_prefix_sep_only_when_next_item_exists(
        self, xs: list[int], k: int, via_option: bool
    ) -> None:
        def reference(it: Iterator[int]) -> Iterator[int]:
            for i, x in enumerate(it):
                if i:
                    yield 0
                yield x

        assert_agrees(lambda s: Iter(s).intersperse(0), reference, xs, k, via_option)

    def test_no_trailing_separator(self) -> None:
        assert Iter("abc").intersperse(",").collect() == ["a", ",", "b", ",", "c"]
        assert Iter("a").intersperse(",").collect() == ["a"]
        assert Iter("").intersperse(",").collect() == []


class TestZipLongest:
    @given(st.lists(ints, min_size=1, max_size=4))
    def test_collect_default_fill(self, parts: list[list[int]]) -> None:
        expected = list(itertools.zip_longest(*parts))
        assert Iter(parts[0]).zip_longest(*parts[1:]).collect() == expected

    @given(st.lists(ints, min_size=1, max_size=4), prefix, st.booleans())
    def test_prefix_with_fillvalue(self, parts: list[list[int]], k: int, via_option: bool) -> None:
        assert_agrees_many(
            lambda s: Iter(s[0]).zip_longest(*s[1:], fillvalue=0),
            lambda s: itertools.zip_longest(*s, fillvalue=0),
            parts,
            k,
            via_option,
        )


class TestMerge:
    @given(st.lists(st.lists(st.integers(-10, 10), max_size=10), min_size=1, max_size=4))
    def test_collect_matches_sorted(self, parts: list[list[int]]) -> None:
        sorted_parts = [sorted(p) for p in parts]
        got = Iter(sorted_parts[0]).merge(*sorted_parts[1:]).collect()
        assert got == sorted(itertools.chain(*parts))

    @given(
        st.lists(st.lists(st.integers(-5, 5), max_size=10), min_size=1, max_size=4),
        prefix,
        st.booleans(),
    )
    def test_prefix_stable_with_key(self, parts: list[list[int]], k: int, via_option: bool) -> None:
        # items (key, part index, position): equal keys must keep earlier parts first.
        tagged = [
            sorted([(x // 2, i, j) for j, x in enumerate(p)], key=lambda t: t[0])
            for i, p in enumerate(parts)
        ]

        def key(t: tuple[int, int, int]) -> int:
            return t[0]

        assert Iter(tagged[0]).merge(*tagged[1:], key=key).collect() == sorted(
            itertools.chain(*tagged), key=key
        )
        assert_agrees_many(
            lambda s: Iter(s[0]).merge(*s[1:], key=key),
            lambda s: heapq.merge(*s, key=key),
            tagged,
            k,
            via_option,
        )

    def test_no_others(self) -> None:
        assert Iter([1, 3]).merge().collect() == [1, 3]


class TestCycle:
    @staticmethod
    def reference(it: Iterator[int]) -> Iterator[int]:
        saved: list[int] = []
        for x in it:
            yield x
            saved.append(x)
        while saved:
            yield from saved

    @given(ints, st.integers(0, 70))
    def test_prefix_matches_modular_index(self, xs: list[int], m: int) -> None:
        expected = [xs[i % len(xs)] for i in range(m)] if xs else []
        assert Iter(xs).cycle().take(m).collect() == expected

    @given(ints, prefix, st.booleans())
    def test_prefix_pulls_source_once(self, xs: list[int], k: int, via_option: bool) -> None:
        assert_agrees(lambda s: Iter(s).cycle(), self.reference, xs, k, via_option)

    def test_empty_source_gives_empty(self) -> None:
        it = Iter(list[int]()).cycle()
        assert it.next() is Nothing()
        assert it.next() is Nothing()
        assert Iter(iter(())).cycle().collect() == []

    def test_generator_source(self) -> None:
        assert Iter(x for x in "ab").cycle().take(5).collect() == ["a", "b", "a", "b", "a"]


class NotFused:
    """A ``next() -> Option`` source that returns ``Nothing()`` and then more items."""

    def __init__(self, script: list[int | None]) -> None:
        self.script = script
        self.calls = 0

    def next(self) -> Option[int]:
        self.calls += 1
        if not self.script:
            return Nothing()
        x = self.script.pop(0)
        return Nothing() if x is None else Some(x)


class NotFusedIterator:
    """A Python iterator that raises StopIteration and then yields again."""

    def __init__(self, script: list[int | None]) -> None:
        self.script = script

    def __iter__(self) -> NotFusedIterator:
        return self

    def __next__(self) -> int:
        x = self.script.pop(0) if self.script else None
        if x is None:
            raise StopIteration
        return x


class TestFuse:
    @given(ints, prefix, st.booleans())
    def test_passes_items_through(self, xs: list[int], k: int, via_option: bool) -> None:
        assert_agrees(lambda s: Iter(s).fuse(), lambda s: iter(s), xs, k, via_option)

    def test_stops_forever_at_first_end(self) -> None:
        it = Iter(NotFusedIterator([1, None, 2, 3])).fuse()
        assert it.next() == Some(1)
        assert it.next() is Nothing()
        assert it.next() is Nothing()
        assert it.collect() == []

    def test_stops_forever_at_first_nothing_of_next_source(self) -> None:
        src = NotFused([1, None, 2])
        it = Iter(src).fuse()
        assert it.collect() == [1]
        assert src.calls == 2

    def test_fusing_a_fused_iterator_adds_no_stage(self) -> None:
        it = Iter([1, 2]).fuse()
        assert type(it._it).__name__ == "list_iterator"  # pyright: ignore[reportPrivateUsage]
        assert it.collect() == [1, 2]

    def test_fuse_still_stops_a_flaky_source_for_good(self) -> None:
        class Flaky:
            def __init__(self) -> None:
                self.n = 0

            def __iter__(self) -> Flaky:
                return self

            def __next__(self) -> int:
                self.n += 1
                if self.n == 2:
                    raise StopIteration
                return self.n

        it = Iter(Flaky()).map(lambda x: x).fuse()
        assert [it.next() for _ in range(3)] == [Some(1), Nothing(), Nothing()]


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


class TestPeekable:
    def test_peekable_of_a_peekable_keeps_the_peeked_item(self) -> None:
        src = Recorder([1, 2, 3])
        inner = Iter(src).peekable()
        assert inner.peek() == Some(1)
        outer = Peekable(inner)
        assert outer.peek() == Some(1)
        assert src.pulled == 1
        assert outer.next() == Some(1)
        assert outer.peek() == Some(2)
        assert outer.collect() == [2, 3]
        with pytest.raises(MovedError):
            inner.peek()
        again = Peekable(Peekable([4, 5]))
        assert (again.peek(), again.next_if_eq(4), again.collect()) == (Some(4), Some(4), [5])

    def test_peekable_of_a_tee_does_not_share_its_buffer(self) -> None:
        a, b = itertools.tee(iter([1, 2, 3]))
        p = Peekable(a)
        assert p.peek() == Some(1)
        assert next(b) == 1  # the sibling tee still sees every item
        assert p.collect() == [1, 2, 3]
        assert list(b) == [2, 3]
        q = Iter(itertools.tee([7, 8], 1)[0]).peekable()
        assert (q.peek(), q.collect()) == (Some(7), [7, 8])

    def test_peek_does_not_consume(self) -> None:
        src = Recorder([1, 2])
        p = Iter(src).peekable()
        assert p.peek() == Some(1)
        assert p.peek() == Some(1)
        assert src.pulled == 1
        assert p.next() == Some(1)
        assert p.peek() == Some(2)
        assert p.collect() == [2]

    def test_peek_on_empty(self) -> None:
        p: Peekable[int] = Iter([]).peekable()
        assert p.peek() == Nothing()
        assert p.next() == Nothing()

    def test_every_iter_method_sees_the_peeked_item(self) -> None:
        p = Iter(range(5)).peekable()
        p.peek()
        assert p.map(lambda x: x * 10).collect() == [0, 10, 20, 30, 40]
        q = Iter(range(5)).peekable()
        q.peek()
        assert list(q) == [0, 1, 2, 3, 4]

    def test_exception_in_source_propagates_from_peek_and_loses_nothing(self) -> None:
        def gen() -> Iterator[int]:
            yield 1
            raise Boom

        p = Iter(gen()).peekable()
        assert p.peek() == Some(1)
        assert p.next() == Some(1)
        with pytest.raises(Boom):
            p.peek()
        assert p.peek() == Nothing()  # the generator is finished after raising

    def test_exception_from_a_retrying_source_does_not_duplicate(self) -> None:
        class Flaky:
            def __init__(self) -> None:
                self.calls = 0

            def __iter__(self) -> Flaky:
                return self

            def __next__(self) -> int:
                self.calls += 1
                if self.calls == 2:
                    raise Boom
                if self.calls > 4:
                    raise StopIteration
                return self.calls

        p = Peekable(Flaky())
        assert p.next() == Some(1)
        with pytest.raises(Boom):
            p.peek()
        assert p.peek() == Some(3)
        assert p.collect() == [3, 4]

    def test_next_if_and_next_if_eq(self) -> None:
        p = Iter([1, 2, 3]).peekable()
        assert p.next_if(lambda x: x > 1) == Nothing()
        assert p.next_if(lambda x: x == 1) == Some(1)
        assert p.next_if_eq(3) == Nothing()
        assert p.next_if_eq(2) == Some(2)
        assert p.collect() == [3]
        assert Iter([]).peekable().next_if(boom) == Nothing()

    def test_peekable_of_a_peekable(self) -> None:
        p = Iter([1, 2, 3]).peekable()
        assert p.peek() == Some(1)
        q = p.peekable()
        assert q.peek() == Some(1)
        assert q.collect() == [1, 2, 3]

    def test_peekable_over_a_users_tee_object_shares_it(self) -> None:
        import itertools

        t = itertools.tee(iter([1, 2, 3]), 1)[0]
        p = Iter(t).peekable()
        assert p.next() == Some(1)
        assert next(t) == 2  # the Iter consumed from the user's object, as any source

    @given(
        xs=st.lists(st.integers(), max_size=10),
        ops=st.lists(st.sampled_from(["peek", "next", "next_if_even", "next_if_eq0"]), max_size=20),
    )
    def test_matches_a_list_model(self, xs: list[int], ops: list[str]) -> None:
        p = Iter(x for x in xs).peekable()
        model = list(xs)
        for op in ops:
            head: Option[int] = Some(model[0]) if model else Nothing()
            if op == "peek":
                assert p.peek() == head
            elif op == "next":
                assert p.next() == head
                model[:1] = []
            elif op == "next_if_even":
                take = bool(model) and model[0] % 2 == 0
                assert p.next_if(lambda x: x % 2 == 0) == (head if take else Nothing())
                if take:
                    model[:1] = []
            else:
                take = bool(model) and model[0] == 0
                assert p.next_if_eq(0) == (head if take else Nothing())
                if take:
                    model[:1] = []
        assert p.collect() == model

    ops = st.lists(
        st.one_of(
            st.just(("next", 0)),
            st.just(("next_option", 0)),
            st.just(("peek", 0)),
            st.tuples(st.just("next_if"), st.integers(-3, 3)),
            st.tuples(st.just("next_if_eq"), st.integers(-3, 3)),
            # these read the Iter's iterator (moving a peeked item into a shared tee buffer)
            st.just(("borrow_next", 0)),
            st.just(("borrow_peek", 0)),
            st.just(("nth0", 0)),
            st.just(("size_hint", 0)),
        ),
        max_size=40,
    )

    @given(small_ints, ops)
    def test_interleaved_ops_match_a_list_model(
        self, xs: list[int], program: list[tuple[str, int]]
    ) -> None:
        source = OneShot(xs)
        it = Iter(source).peekable()
        pos = 0
        peeked = False
        for op, arg in program:
            here: Option[int] = Some(xs[pos]) if pos < len(xs) else Nothing()
            if op == "next":
                expected_next: list[int] = [xs[pos]] if pos < len(xs) else []
                assert pull(it, 1, via_option=False) == expected_next
                pos, peeked = min(pos + 1, len(xs)), False
            elif op == "next_option":
                assert it.next() == here
                pos, peeked = min(pos + 1, len(xs)), False
            elif op == "peek":
                assert it.peek() == here
                peeked = True
            elif op == "borrow_next":
                assert it.by_ref().next() == here
                pos, peeked = min(pos + 1, len(xs)), False
            elif op == "borrow_peek":
                assert it.by_ref().peek() == here
                peeked = True
            elif op == "nth0":
                assert it.nth(0) == here
                pos, peeked = min(pos + 1, len(xs)), False
            elif op == "size_hint":
                lo, hi = it.size_hint()
                assert lo <= len(xs) - pos <= hi.unwrap_or(len(xs))
            elif op == "next_if":
                take = isinstance(here, Some) and here.value >= arg
                assert it.next_if(at_least(arg)) == (here if take else Nothing())
                pos, peeked = (pos + 1, False) if take else (pos, True)
            else:
                take = isinstance(here, Some) and here.value == arg
                assert it.next_if_eq(arg) == (here if take else Nothing())
                pos, peeked = (pos + 1, False) if take else (pos, True)
            assert source.pulled == pos + (1 if peeked and pos < len(xs) else 0)
        assert it.collect() == xs[pos:]

    def test_peek_and_next_give_the_same_object(self) -> None:
        obj = object()
        it = Iter([obj]).peekable()
        peeked = it.peek()
        assert isinstance(peeked, Some)
        assert peeked.value is obj
        assert next(it) is obj

    def test_peek_does_not_advance(self) -> None:
        it = Iter([1, 2]).peekable()
        assert it.peek() == Some(1)
        assert it.peek() == Some(1)
        assert next(it) == 1
        assert it.peek() == Some(2)
        assert list(it.by_ref()) == [2]
        assert it.peek() is Nothing()

    def test_peeked_item_is_kept_by_adapters(self) -> None:
        it = Iter([1, 2, 3]).peekable()
        assert it.peek() == Some(1)
        assert it.map(lambda x: x * 10).collect() == [10, 20, 30]

    def test_building_pulls_nothing(self) -> None:
        source = OneShot([1])
        Iter(source).peekable()
        assert source.pulled == 0

    @pytest.mark.parametrize("peek_first", [False, True])
    def test_next_if_keeps_the_item_when_pred_raises(self, peek_first: bool) -> None:
        def boom(x: int) -> bool:
            raise KeyError(x)

        it = Iter([1, 2]).peekable()
        if peek_first:
            it.peek()
        with pytest.raises(KeyError):
            it.next_if(boom)
        assert it.collect() == [1, 2]

    def test_next_through_the_protocol_sees_the_peeked_item_and_moves(self) -> None:
        it = Iter([1, 2, 3]).peekable()
        assert it.peek() == Some(1)
        assert (next(it), next(it), it.peek()) == (1, 2, Some(3))
        it.collect()
        with pytest.raises(MovedError):
            next(it)
        with pytest.raises(MovedError):
            it.peek()

    def test_a_borrowing_method_after_a_peek_keeps_the_order(self) -> None:
        # nth reads the Iter itself: the peeked item moves into a shared buffer in front
        it = Iter(range(6)).peekable()
        assert it.peek() == Some(0)
        assert it.nth(1) == Some(1)
        assert (it.peek(), it.next_if_eq(2), it.next_if(lambda x: x > 3)) == (
            Some(2),
            Some(2),
            Nothing(),
        )
        assert it.collect() == [3, 4, 5]

    def test_a_lazy_borrow_sees_items_peeked_later(self) -> None:
        it = Iter(range(4)).peekable()
        tens = it.by_ref().map(lambda x: x * 10)
        assert it.peek() == Some(0)
        assert tens.next() == Some(0)
        assert it.next() == Some(1)
        assert tens.collect() == [20, 30]

    @settings(max_examples=500, deadline=None)
    @given(
        st.lists(st.integers(0, 4), max_size=8),
        _OPS,
        _ENDS,
        st.sampled_from(["gen", "list", "ctor"]),
    )
    def test_peekable_matches_a_list_model(
        self, items: list[int], ops: list[tuple[str, int]], end: str, source: str
    ) -> None:
        _run(items, ops, end, source)

    # ---------------------------------------------------------------------------------------------
    # map_concurrent's pool: no thread outlives its pipeline, no hang
    # ---------------------------------------------------------------------------------------------


class TestPeekableBuffer:
    """A Peekable iterates its upstream directly until the first peek or borrow."""

    def test_peek_after_direct_pulls(self) -> None:
        p = Iter([1, 2, 3, 4]).peekable()
        assert p.next() == Some(1)
        assert next(p) == 2
        assert p.peek() == Some(3)
        assert p.collect() == [3, 4]

    def test_a_borrow_shares_the_buffer_both_ways(self) -> None:
        p = Iter([1, 2, 3]).peekable()
        b = p.by_ref()
        assert p.peek() == Some(1)
        assert b.next() == Some(1)
        assert b.peek() == Some(2)
        assert p.collect() == [2, 3]

    def test_peeking_inside_a_loop_over_a_borrow(self) -> None:
        p = Iter([1, 2, 3, 4]).peekable()
        seen: list[tuple[int, Any]] = []
        for x in p.by_ref():
            seen.append((x, p.peek()))
        assert seen == [(1, Some(2)), (2, Some(3)), (3, Some(4)), (4, Nothing())]

    def test_next_if_sets_up_the_buffer(self) -> None:
        src = Recorder([1, 2, 3])
        p = Iter(src).peekable()
        assert src.pulled == 0
        assert p.next_if(lambda x: x > 1) == Nothing()
        assert src.pulled == 1
        assert p.next_if_eq(1) == Some(1)
        assert p.collect() == [2, 3]

    def test_a_tee_source_is_never_shared(self) -> None:
        from itertools import tee

        a, b = tee([1, 2, 3])
        p = Iter(a).peekable()
        assert p.peek() == Some(1)
        assert list(b) == [1, 2, 3]
        assert p.collect() == [1, 2, 3]

    def test_moved_and_closed(self) -> None:
        p = Iter([1]).peekable()
        p.collect()
        with pytest.raises(MovedError):
            p.peek()
        q = Iter([1, 2]).peekable()
        q.close()
        assert q.peek() == Nothing()


class TestByRef:
    def test_take_through_a_borrow_then_continue(self) -> None:
        it = Iter(range(6))
        assert it.by_ref().take(2).collect() == [0, 1]
        assert it.by_ref().skip(1).take(1).collect() == [3]
        assert it.collect() == [4, 5]

    def test_borrow_of_a_peekable_shares_the_peek_buffer(self) -> None:
        p = Iter([1, 2, 3, 4, 5]).peekable()
        assert p.peek() == Some(1)
        borrowed = p.by_ref()
        assert isinstance(borrowed, Peekable)
        assert borrowed.peek() == Some(1)  # the owner's peek is seen through the borrow
        assert borrowed.next() == Some(1)
        assert borrowed.peek() == Some(2)  # the borrow's peek is seen by the owner
        assert p.next() == Some(2)
        assert p.peek() == Some(3)
        assert borrowed.next_if_eq(3) == Some(3)
        assert borrowed.take(1).collect() == [4]  # moving the borrow leaves the owner usable
        with pytest.raises(MovedError):
            borrowed.next()
        assert p.peek() == Some(5)
        assert p.next() == Some(5)
        assert p.next() is Nothing()

    @given(ints, st.integers(0, 35))
    def test_take_then_continue(self, xs: list[int], n: int) -> None:
        source = OneShot(xs)
        it = Iter(source)
        assert it.by_ref().take(n).collect() == xs[:n]
        assert source.pulled == min(n, len(xs))
        assert it.collect() == xs[n:]

    @given(ints, mods)
    def test_filtered_borrow_leaves_the_rest(self, xs: list[int], m: int) -> None:
        it = Iter(xs)
        first = it.by_ref().filter(residue(m, 0)).next()
        matches = [i for i, x in enumerate(xs) if x % m == 0]
        rest = xs[matches[0] + 1 :] if matches else []
        assert first == (Some(xs[matches[0]]) if matches else Nothing())
        assert it.collect() == rest

    def test_original_stays_usable(self) -> None:
        it = Iter([1, 2, 3])
        it.by_ref().map(str).next()
        assert it.next() == Some(2)


# ------------------------------------------------------------------------------------------------
# grouping and windows
# ------------------------------------------------------------------------------------------------


class TestChunks:
    @given(ints, st.integers(1, 7))
    def test_collect(self, xs: list[int], n: int) -> None:
        assert Iter(xs).chunks(n).collect() == [xs[i : i + n] for i in range(0, len(xs), n)]

    @given(ints, st.integers(1, 7), prefix, st.booleans())
    def test_prefix_pulls_one_chunk_at_a_time(
        self, xs: list[int], n: int, k: int, via_option: bool
    ) -> None:
        def reference(it: Iterator[int]) -> Iterator[list[int]]:
            while chunk := list(itertools.islice(it, n)):
                yield chunk

        assert_agrees(lambda s: Iter(s).chunks(n), reference, xs, k, via_option)

    def test_zero_is_value_error(self) -> None:
        with pytest.raises(ValueError, match=r"\bn\b"):
            Iter([1]).chunks(0)

    def test_chunks_are_fresh_lists(self) -> None:
        it = Iter(range(4)).chunks(2)
        first = it.next()
        assert isinstance(first, Some)
        first.value.append(99)
        assert it.collect() == [[2, 3]]


class TestWindows:
    @given(ints, st.integers(1, 7))
    def test_collect(self, xs: list[int], n: int) -> None:
        expected = [tuple(xs[i : i + n]) for i in range(len(xs) - n + 1)]
        assert Iter(xs).windows(n).collect() == expected

    @given(ints, st.integers(1, 7), prefix, st.booleans())
    def test_prefix(self, xs: list[int], n: int, k: int, via_option: bool) -> None:
        def reference(it: Iterator[int]) -> Iterator[tuple[int, ...]]:
            window: list[int] = []
            for x in it:
                window = [*window, x][-n:]
                if len(window) == n:
                    yield tuple(window)

        assert_agrees(lambda s: Iter(s).windows(n), reference, xs, k, via_option)

    def test_zero_is_value_error(self) -> None:
        with pytest.raises(ValueError, match=r"\bn\b"):
            Iter([1]).windows(0)

    @pytest.mark.parametrize("kind", ["peeked", "peekable", "user tee"])
    def test_windows_on_a_borrow_acts_as_over_a_plain_iterator(self, kind: str) -> None:
        owner = shared_tee_owner(kind, [1, 2, 3, 4, 5, 6])
        plain = Iter(iter([1, 2, 3, 4, 5, 6]))
        got, want = owner.by_ref().windows(2), plain.by_ref().windows(2)
        assert got.next() == want.next()
        assert owner.next() == plain.next()
        assert got.next() == want.next()  # never a window that repeats an item
        assert owner.collect() == plain.collect()

    @given(st.integers(0, 40), st.integers(1, 25))
    def test_agrees_with_slicing_on_both_sides_of_the_tee_limit(self, m: int, n: int) -> None:
        xs = list(range(m))
        expected = [tuple(xs[i : i + n]) for i in range(m - n + 1)]
        assert Iter(xs).windows(n).collect() == expected

    @pytest.mark.parametrize("n", [3, 40])
    def test_lazy_and_pulls_n_items_for_the_first_window(self, n: int) -> None:
        src = Recorder(range(100))
        it = Iter(src).windows(n)
        assert src.pulled == 0
        assert it.next() == Some(tuple(range(n)))
        assert src.pulled == n
        it.next()
        assert src.pulled == n + 1

    def test_memory_is_that_of_one_window_not_of_n(self) -> None:
        Iter([1, 2, 3]).windows(10**6).collect()  # warm up
        tracemalloc.start()
        try:
            assert Iter([1, 2, 3]).windows(10**6).collect() == []
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 64 * 1024

    def test_a_size_beyond_sys_maxsize_is_no_error(self) -> None:
        assert Iter([1, 2, 3]).windows(2**63).collect() == []
        assert Iter([1, 2, 3]).windows(2**100).size_hint() == (0, Some(0))
        with pytest.raises(ValueError, match="n must be >= 1"):
            Iter([1]).windows(0)
        with pytest.raises(TypeError, match="n must be an int"):
            Iter([1]).windows(2.0)  # type: ignore[arg-type]

    def test_size_hint_stays_exact_while_consuming(self) -> None:
        it = Iter(list(range(30))).windows(20)
        for left in (11, 10, 9):
            assert it.size_hint() == (left, Some(left))
            it.next()


class TestChunkBy:
    @given(small_ints, mods)
    def test_collect_matches_groupby(self, xs: list[int], m: int) -> None:
        def key(x: int) -> int:
            return x % m

        expected = [(k, list(g)) for k, g in itertools.groupby(xs, key)]
        assert Iter(xs).chunk_by(key).collect() == expected

    @given(small_ints, mods, prefix, st.booleans())
    def test_prefix_reads_one_past_each_run(
        self, xs: list[int], m: int, k: int, via_option: bool
    ) -> None:
        def reference(it: Iterator[int]) -> Iterator[tuple[int, list[int]]]:
            run: list[int] = []
            current = 0
            for x in it:
                kx = x % m
                if run and kx != current:
                    yield current, run
                    run = []
                current = kx
                run.append(x)
            if run:
                yield current, run

        assert_agrees(lambda s: Iter(s).chunk_by(lambda x: x % m), reference, xs, k, via_option)

    def test_runs_are_fresh_lists(self) -> None:
        runs = Iter([1, 1, 2]).chunk_by(lambda x: x).collect()
        runs[0][1].append(5)
        assert runs == [(1, [1, 1, 5]), (2, [2])]
        assert runs[0][1] is not runs[1][1]

    def test_key_called_once_per_item(self) -> None:
        calls: list[str] = []

        def key(x: str) -> bool:
            calls.append(x)
            return x.isupper()

        assert Iter("ABcD").chunk_by(key).collect() == [
            (True, ["A", "B"]),
            (False, ["c"]),
            (True, ["D"]),
        ]
        assert calls == ["A", "B", "c", "D"]


def dedup_reference(key: Callable[[int], int]) -> Callable[[Iterator[int]], Iterator[int]]:
    """Yield the first item of each run of consecutive equal keys, as soon as it is seen."""

    def reference(it: Iterator[int]) -> Iterator[int]:
        last: list[int] = []
        for x in it:
            kx = key(x)
            if not last or last[0] != kx:
                yield x
            last = [kx]

    return reference


class TestDedup:
    @given(small_ints)
    def test_collect(self, xs: list[int]) -> None:
        assert Iter(xs).dedup().collect() == [k for k, _ in itertools.groupby(xs)]

    @given(small_ints, prefix, st.booleans())
    def test_prefix(self, xs: list[int], k: int, via_option: bool) -> None:
        assert_agrees(lambda s: Iter(s).dedup(), dedup_reference(lambda x: x), xs, k, via_option)


class TestDedupByKey:
    @given(small_ints, mods)
    def test_collect_keeps_first_of_run(self, xs: list[int], m: int) -> None:
        expected = [next(g) for _, g in itertools.groupby(xs, lambda x: x % m)]
        assert Iter(xs).dedup_by_key(lambda x: x % m).collect() == expected

    @given(small_ints, mods, prefix, st.booleans())
    def test_prefix(self, xs: list[int], m: int, k: int, via_option: bool) -> None:
        assert_agrees(
            lambda s: Iter(s).dedup_by_key(lambda x: x % m),
            dedup_reference(lambda x: x % m),
            xs,
            k,
            via_option,
        )


def unique_reference(key: Callable[[int], int]) -> Callable[[Iterator[int]], Iterator[int]]:
    def reference(it: Iterator[int]) -> Iterator[int]:
        seen: set[int] = set()
        for x in it:
            kx = key(x)
            if kx not in seen:
                seen.add(kx)
                yield x

    return reference


class TestUnique:
    @given(small_ints)
    def test_collect_keeps_first_occurrence(self, xs: list[int]) -> None:
        assert Iter(xs).unique().collect() == list(dict.fromkeys(xs))

    @given(small_ints, prefix, st.booleans())
    def test_prefix(self, xs: list[int], k: int, via_option: bool) -> None:
        assert_agrees(lambda s: Iter(s).unique(), unique_reference(lambda x: x), xs, k, via_option)

    def test_first_of_equal_items_is_kept(self) -> None:
        assert Iter([1, True, 1.0, 2]).unique().collect() == [1, 2]
        got = Iter([1.0, 1]).unique().collect()
        assert got == [1.0]
        assert isinstance(got[0], float)


class TestUniqueByKey:
    @given(small_ints, mods)
    def test_collect(self, xs: list[int], m: int) -> None:
        expected = [x for i, x in enumerate(xs) if x % m not in {y % m for y in xs[:i]}]
        got = Iter(xs).unique_by_key(lambda x: x % m).collect()
        assert got == expected

    @given(small_ints, mods, prefix, st.booleans())
    def test_prefix(self, xs: list[int], m: int, k: int, via_option: bool) -> None:
        assert_agrees(
            lambda s: Iter(s).unique_by_key(lambda x: x % m),
            unique_reference(lambda x: x % m),
            xs,
            k,
            via_option,
        )

    def test_unhashable_items_with_hashable_key(self) -> None:
        got = Iter([[1, 2], [1], [3, 4]]).unique_by_key(len).collect()
        assert got == [[1, 2], [1]]


# ------------------------------------------------------------------------------------------------
# Result-aware adapters
# ------------------------------------------------------------------------------------------------


def ok_map(f: Callable[[int], int]) -> Callable[[Result[int, int]], Result[int, int]]:
    return lambda r: Ok(f(r.value)) if isinstance(r, Ok) else r


class TestMapOk:
    @given(results, st.integers(-3, 3), st.integers(-3, 3))
    def test_collect(self, rs: list[Result[int, int]], a: int, b: int) -> None:
        f = linear(a, b)
        assert Iter(rs).map_ok(f).collect() == [ok_map(f)(r) for r in rs]

    @given(results, prefix, st.booleans())
    def test_prefix(self, rs: list[Result[int, int]], k: int, via_option: bool) -> None:
        f = linear(2, 1)
        assert_agrees(lambda s: Iter(s).map_ok(f), lambda s: map(ok_map(f), s), rs, k, via_option)

    def test_errs_pass_unchanged_and_f_not_called(self) -> None:
        err: Err[str] = Err("e")
        seen: list[int] = []

        def inc(x: int) -> int:
            seen.append(x)
            return x + 1

        rs: list[Result[int, str]] = [Ok(1), err]
        got = Iter(rs).map_ok(inc).collect()
        assert got == [Ok(2), err]
        assert got[1] is err
        assert seen == [1]


class TestMapErr:
    @given(results, st.integers(-3, 3), st.integers(-3, 3))
    def test_collect(self, rs: list[Result[int, int]], a: int, b: int) -> None:
        f = linear(a, b)
        expected = [Err(f(r.error)) if isinstance(r, Err) else r for r in rs]
        assert Iter(rs).map_err(f).collect() == expected

    @given(results, prefix, st.booleans())
    def test_prefix(self, rs: list[Result[int, int]], k: int, via_option: bool) -> None:
        def reference(it: Iterator[Result[int, int]]) -> Iterator[Result[int, str]]:
            for r in it:
                yield Err(str(r.error)) if isinstance(r, Err) else r

        assert_agrees(lambda s: Iter(s).map_err(str), reference, rs, k, via_option)


class TestAndThenOk:
    @staticmethod
    def checked(x: int) -> Result[int, int]:
        return Ok(x * 3) if x >= 0 else Err(-x * 100)

    @given(results)
    def test_collect(self, rs: list[Result[int, int]]) -> None:
        expected = [self.checked(r.value) if isinstance(r, Ok) else r for r in rs]
        assert Iter(rs).and_then_ok(self.checked).collect() == expected

    @given(results, prefix, st.booleans())
    def test_prefix(self, rs: list[Result[int, int]], k: int, via_option: bool) -> None:
        def reference(it: Iterator[Result[int, int]]) -> Iterator[Result[int, int]]:
            for r in it:
                yield self.checked(r.value) if isinstance(r, Ok) else r

        assert_agrees(lambda s: Iter(s).and_then_ok(self.checked), reference, rs, k, via_option)


class TestFilterOk:
    @given(results, mods)
    def test_collect_drops_failing_oks_keeps_errs(self, rs: list[Result[int, int]], m: int) -> None:
        pred = residue(m, 0)
        expected = [r for r in rs if isinstance(r, Err) or pred(r.value)]
        assert Iter(rs).filter_ok(pred).collect() == expected

    @given(results, mods, prefix, st.booleans())
    def test_prefix(self, rs: list[Result[int, int]], m: int, k: int, via_option: bool) -> None:
        pred = residue(m, 0)
        assert_agrees(
            lambda s: Iter(s).filter_ok(pred),
            lambda s: (r for r in s if isinstance(r, Err) or pred(r.value)),
            rs,
            k,
            via_option,
        )


class TestInspectErr:
    @given(results, prefix)
    def test_sees_each_pulled_err_in_order(self, rs: list[Result[int, int]], k: int) -> None:
        seen: list[int] = []
        got = pull(Iter(rs).inspect_err(seen.append), k, via_option=False)
        assert got == rs[:k]
        assert seen == [r.error for r in rs[:k] if isinstance(r, Err)]

    @given(results, prefix, st.booleans())
    def test_prefix(self, rs: list[Result[int, int]], k: int, via_option: bool) -> None:
        assert_agrees(
            lambda s: Iter(s).inspect_err(lambda _: None), lambda s: iter(s), rs, k, via_option
        )


class TestOks:
    @given(results, prefix, st.booleans())
    def test_prefix(self, rs: list[Result[int, int]], k: int, via_option: bool) -> None:
        assert Iter(rs).oks().collect() == [r.value for r in rs if isinstance(r, Ok)]
        assert_agrees(
            lambda s: Iter(s).oks(),
            lambda s: (r.value for r in s if isinstance(r, Ok)),
            rs,
            k,
            via_option,
        )

    @pytest.mark.parametrize("kind", ["peeked", "peekable", "user tee"])
    def test_oks_and_errs_on_a_borrow_select_the_items_they_yield(self, kind: str) -> None:
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


class TestErrs:
    @given(results, prefix, st.booleans())
    def test_prefix(self, rs: list[Result[int, int]], k: int, via_option: bool) -> None:
        assert Iter(rs).errs().collect() == [r.error for r in rs if isinstance(r, Err)]
        assert_agrees(
            lambda s: Iter(s).errs(),
            lambda s: (r.error for r in s if isinstance(r, Err)),
            rs,
            k,
            via_option,
        )


class TestProcessResults:
    @staticmethod
    def reference(rs: list[Result[int, int]], f: Callable[[list[int]], T]) -> Result[T, int]:
        values: list[int] = []
        for r in rs:
            if isinstance(r, Err):
                return r
            values.append(r.value)
        return Ok(f(values))

    @given(results)
    def test_matches_the_reference_and_pulls_nothing_after_the_first_err(
        self, rs: list[Result[int, int]]
    ) -> None:
        src = OneShot(rs)
        got = Iter(src).process_results(lambda oks: oks.collect())
        assert got == self.reference(rs, list)
        first_err = next((i for i, r in enumerate(rs) if isinstance(r, Err)), None)
        assert src.pulled == (len(rs) if first_err is None else first_err + 1)

    @given(results, st.integers(0, 5))
    def test_item_positional_adapters_inside_f_cannot_skip_an_err(
        self, rs: list[Result[int, int]], n: int
    ) -> None:
        expected = self.reference(rs, lambda values: values[n:])
        assert Iter(rs).process_results(lambda oks: oks.skip(n).collect()) == expected
        dedup = self.reference(rs, lambda values: [k for k, _ in itertools.groupby(values)])
        assert Iter(rs).process_results(lambda oks: oks.dedup().collect()) == dedup

    @given(results, prefix)
    def test_f_stopping_early_pulls_only_what_it_needs(
        self, rs: list[Result[int, int]], k: int
    ) -> None:
        src = OneShot(rs)
        got = Iter(src).process_results(lambda oks: oks.take(k).collect())
        needed = 0
        values: list[int] = []
        expected: Result[list[int], int] = Ok(values)
        for r in rs:
            if len(values) == k:
                break
            needed += 1
            if isinstance(r, Err):
                expected = r
                break
            values.append(r.value)
        assert got == expected
        assert src.pulled == needed

    def test_a_failed_listing_is_not_an_empty_page(self) -> None:
        def fetch(token: int | None, limit: int) -> Page[int, int]:
            if token is not None:
                raise ConnectionError("listing failed")
            return Page([1, 2], 2)

        pages = try_from_pages(fetch, page_size=2)
        assert try_from_pages(fetch, page_size=2).skip(3).collect() == []  # the trap
        got = pages.process_results(lambda items: items.skip(3).collect())
        assert isinstance(got, Err)
        assert isinstance(got.error, ConnectionError)

    def test_f_result_is_wrapped_and_non_results_are_refused(self) -> None:
        assert Iter([Ok(1), Ok(2)]).process_results(lambda oks: oks.sum()) == Ok(3)
        assert Iter([]).process_results(lambda oks: oks.count()) == Ok(0)
        with pytest.raises(TypeError, match="expected an Ok or an Err item, got int"):
            Iter([Ok(1), 5]).process_results(lambda oks: oks.collect())  # type: ignore[misc]
        with pytest.raises(TypeError, match="f must be callable"):
            Iter([Ok(1)]).process_results(None)  # type: ignore[arg-type]

    def test_moves_and_keeps_sources_for_close(self) -> None:
        src = Recorder([Ok(1), Ok(2)])
        it = Iter(src)
        assert it.process_results(lambda oks: oks.next()) == Ok(Some(1))
        with pytest.raises(MovedError):
            it.count()
        it.close()
        assert src.closed == 1


# ------------------------------------------------------------------------------------------------
# random pipelines: compositions of adapters against composed generator references
# ------------------------------------------------------------------------------------------------

Stage = tuple[Callable[[Iter[int]], Iter[int]], Callable[[Iterator[int]], Iterator[int]]]


def _take(n: int) -> Stage:
    return (lambda it: it.take(n), lambda s: itertools.islice(s, n))


def _skip(n: int) -> Stage:
    return (lambda it: it.skip(n), lambda s: itertools.islice(s, n, None))


def _gen_step_by(step: int) -> Callable[[Iterator[int]], Iterator[int]]:
    def reference(it: Iterator[int]) -> Iterator[int]:
        for i, x in enumerate(it):
            if i % step == 0:
                yield x

    return reference


def _gen_intersperse(it: Iterator[int]) -> Iterator[int]:
    for i, x in enumerate(it):
        if i:
            yield -1
        yield x


def _gen_chunks_flat(n: int) -> Callable[[Iterator[int]], Iterator[int]]:
    def reference(it: Iterator[int]) -> Iterator[int]:
        while chunk := list(itertools.islice(it, n)):
            yield chunk[-1]

    return reference


def _gen_windows_first(n: int) -> Callable[[Iterator[int]], Iterator[int]]:
    def reference(it: Iterator[int]) -> Iterator[int]:
        window: list[int] = []
        for x in it:
            window = [*window, x][-n:]
            if len(window) == n:
                yield window[0]

    return reference


def _gen_scan(it: Iterator[int]) -> Iterator[int]:
    acc = 0
    for x in it:
        acc += x
        if acc > 40:
            return
        yield acc


def _gen_map_while(it: Iterator[int]) -> Iterator[int]:
    for x in it:
        if x < -2:
            return
        yield x + 1


def _gen_cycle(m: int) -> Callable[[Iterator[int]], Iterator[int]]:
    def reference(it: Iterator[int]) -> Iterator[int]:
        return itertools.islice(TestCycle.reference(it), m)

    return reference


def _scan_step(acc: int, x: int) -> Option[tuple[int, int]]:
    return Some((acc + x, acc + x)) if acc + x <= 40 else Nothing()


def _stage(kind: str, p: int) -> Stage:
    """One adapter (Iter side, reference side) mapping ints to ints; ``p`` is a small int >= 1."""
    stages: dict[str, Callable[[], Stage]] = {
        "map": lambda: (lambda it: it.map(lambda x: x * p - 1), lambda s: (x * p - 1 for x in s)),
        "filter": lambda: (
            lambda it: it.filter(lambda x: x % p == 0),
            lambda s: (x for x in s if x % p == 0),
        ),
        "take": lambda: _take(p * 2),
        "skip": lambda: _skip(p - 1),
        "take_while": lambda: (
            lambda it: it.take_while(lambda x: x < p * 3),
            lambda s: itertools.takewhile(lambda x: x < p * 3, s),
        ),
        "skip_while": lambda: (
            lambda it: it.skip_while(lambda x: x < p),
            lambda s: itertools.dropwhile(lambda x: x < p, s),
        ),
        "step_by": lambda: (lambda it: it.step_by(p), _gen_step_by(p)),
        "enumerate": lambda: (
            lambda it: it.enumerate(p).map(lambda t: t[0] * 100 + t[1]),
            lambda s: (i * 100 + x for i, x in enumerate(s, p)),
        ),
        "chunks": lambda: (lambda it: it.chunks(p).map(lambda c: c[-1]), _gen_chunks_flat(p)),
        "windows": lambda: (lambda it: it.windows(p).map(lambda w: w[0]), _gen_windows_first(p)),
        "dedup": lambda: (lambda it: it.dedup(), dedup_reference(lambda x: x)),
        "unique": lambda: (lambda it: it.unique(), unique_reference(lambda x: x)),
        "intersperse": lambda: (lambda it: it.intersperse(-1), _gen_intersperse),
        "fuse": lambda: (lambda it: it.fuse(), lambda s: s),
        "peekable": lambda: (lambda it: it.peekable(), lambda s: s),
        "inspect": lambda: (lambda it: it.inspect(abs), lambda s: s),
        "scan": lambda: (lambda it: it.scan(0, _scan_step), _gen_scan),
        "filter_map": lambda: (
            lambda it: it.filter_map(lambda x: Some(x // 2) if x % 2 == 0 else Nothing()),
            lambda s: (x // 2 for x in s if x % 2 == 0),
        ),
        "map_while": lambda: (
            lambda it: it.map_while(lambda x: Some(x + 1) if x >= -2 else Nothing()),
            _gen_map_while,
        ),
        "flat_map": lambda: (
            lambda it: it.flat_map(lambda x: [x] * (x % 3)),
            lambda s: (y for x in s for y in [x] * (x % 3)),
        ),
        "cycle": lambda: (lambda it: it.cycle().take(p * 5), _gen_cycle(p * 5)),
        "results": lambda: (
            lambda it: it.map(lambda x: Ok(x) if x % p else Err(x)).map_ok(abs).oks(),
            lambda s: (abs(x) for x in s if x % p),
        ),
    }
    return stages[kind]()


stage_kinds = st.sampled_from(
    [
        "map",
        "filter",
        "take",
        "skip",
        "take_while",
        "skip_while",
        "step_by",
        "enumerate",
        "chunks",
        "windows",
        "dedup",
        "unique",
        "intersperse",
        "fuse",
        "peekable",
        "inspect",
        "scan",
        "filter_map",
        "map_while",
        "flat_map",
        "cycle",
        "results",
    ]
)
pipelines = st.lists(st.tuples(stage_kinds, st.integers(1, 3)), max_size=5)


class TestRandomPipelines:
    @given(small_ints, pipelines, prefix, st.booleans())
    def test_prefix_and_pulls_match_the_composed_reference(
        self, xs: list[int], plan: list[tuple[str, int]], k: int, via_option: bool
    ) -> None:
        stages = [_stage(kind, p) for kind, p in plan]

        def build(s: OneShot[int]) -> Iter[int]:
            it = Iter(s)
            for ours, _ in stages:
                it = ours(it)
            return it

        def reference(s: OneShot[int]) -> Iterator[int]:
            it: Iterator[int] = s
            for _, ref in stages:
                it = ref(it)
            return it

        assert_agrees(build, reference, xs, k, via_option)

    @given(small_ints, pipelines)
    def test_size_hint_bounds_every_step(self, xs: list[int], plan: list[tuple[str, int]]) -> None:
        stages = [_stage(kind, p) for kind, p in plan]
        ref: Iterator[int] = iter(xs)
        it = Iter(xs)
        for ours, theirs in stages:
            it, ref = ours(it), theirs(ref)
        total = len(list(ref))
        for done in range(total + 1):
            lower, upper = it.size_hint()
            assert lower <= total - done
            if isinstance(upper, Some):
                assert total - done <= upper.value
            else:
                assert upper is Nothing()
            it.next()

    @given(small_ints, pipelines, prefix)
    def test_by_ref_view_leaves_the_unpulled_rest(
        self, xs: list[int], plan: list[tuple[str, int]], k: int
    ) -> None:
        source = OneShot(xs)
        it = Iter(source)
        view = it.by_ref()
        for ours, _ in (_stage(kind, p) for kind, p in plan):
            view = ours(view)
        pull(view, k, via_option=False)
        rest = xs[source.pulled :]
        assert it.collect() == rest


# ------------------------------------------------------------------------------------------------
# None, False and 0 are ordinary items (no adapter may use them as a sentinel)
# ------------------------------------------------------------------------------------------------

falsy = st.lists(st.one_of(st.none(), st.booleans(), st.integers(0, 1)), max_size=12)


class TestFalsyItems:
    @given(falsy)
    def test_adapters_keep_none_false_and_zero(self, xs: list[int | bool | None]) -> None:
        def same(a: object, b: object) -> bool:
            return a == b

        assert Iter(xs).collect() == xs
        assert Iter(xs).dedup().collect() == [
            x for i, x in enumerate(xs) if i == 0 or x != xs[i - 1]
        ]
        assert Iter(xs).unique().collect() == list(dict.fromkeys(xs))
        assert Iter(xs).windows(2).collect() == list(itertools.pairwise(xs))
        assert Iter(xs).chunk_by(lambda x: x).collect() == [
            (k, list(g)) for k, g in itertools.groupby(xs)
        ]
        assert Iter(xs).intersperse(None).collect() == [
            y for i, x in enumerate(xs) for y in ([x] if i == 0 else [None, x])
        ]
        assert Iter(xs).zip_longest(xs[:3]).collect() == list(itertools.zip_longest(xs, xs[:3]))
        assert Iter(xs).chunks(2).collect() == [xs[i : i + 2] for i in range(0, len(xs), 2)]
        assert Iter(xs).interleave(xs[:2]).collect() == TestInterleave.round_robin_values(
            [xs, xs[:2]]
        )
        assert Iter(xs).cycle().take(len(xs) * 2).collect() == xs * 2
        assert Iter(xs).map(lambda x: Some(x)).flatten().collect() == xs
        assert Iter(xs).filter_map(Some).collect() == xs
        assert Iter(xs).map_while(Some).collect() == xs
        assert Iter(xs).scan(None, lambda s, x: Some((x, s))).collect() == [None, *xs][: len(xs)]
        assert Iter(xs).map(Ok).oks().collect() == xs
        assert Iter(xs).map(Err).errs().collect() == xs
        assert same(Iter(xs).map(Ok).try_collect(), Ok(xs))

    @given(falsy)
    def test_peekable_with_falsy_items(self, xs: list[int | bool | None]) -> None:
        it = Iter(xs).peekable()
        for x in xs:
            assert it.peek() == Some(x)
            assert it.next_if_eq(x) == Some(x)
        assert it.peek() is Nothing()
        assert it.next_if(lambda x: True) is Nothing()

    @given(falsy, st.integers(0, 14))
    def test_consumers_answer_some_none(self, xs: list[int | bool | None], n: int) -> None:
        assert Iter(xs).last() == (Some(xs[-1]) if xs else Nothing())
        assert Iter(xs).nth(n) == (Some(xs[n]) if n < len(xs) else Nothing())
        i = next((i for i, x in enumerate(xs) if x is None), None)
        assert Iter(xs).find(lambda x: x is None) == (Nothing() if i is None else Some(None))
        assert Iter(xs).position(lambda x: x is None) == (Nothing() if i is None else Some(i))
        assert Iter(xs).reduce(lambda a, b: b) == (Some(xs[-1]) if xs else Nothing())
        assert Iter(xs).fold(None, lambda a, b: b) == (xs[-1] if xs else None)
