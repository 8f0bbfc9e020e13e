"""Differential tests of Iter's consumers against plain-Python references.

Consumers that search (``any``, ``find``, ``nth``, ...) do not move the Iter: we check both the
answer and that exactly the items Rust would consume were pulled (the rest stays available).
Consumers that short-circuit (``try_fold``, ``try_collect``, comparisons, ``is_sorted``) must
not pull past the item that decided the answer.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import zip_longest
from typing import Any, TypeVar
from unittest.mock import ANY

import pytest
from hypothesis import given, settings, strategies as st

from _helpers import Recorder, ints, results, shared_tee_owner, small_ints
from itero import Err, Iter, MovedError, Nothing, Ok, Option, Result, Some
from itero.testing import OneShot

T = TypeVar("T")


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------


@functools.total_ordering
class Tagged:
    """An item that compares by ``key`` only; ``tag`` tells equal items apart."""

    def __init__(self, key: int, tag: int) -> None:
        self.key = key
        self.tag = tag

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tagged) and self.key == other.key

    def __lt__(self, other: Tagged) -> bool:
        return self.key < other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Tagged({self.key}, {self.tag})"


def tagged(keys: list[int]) -> list[Tagged]:
    return [Tagged(k, i) for i, k in enumerate(keys)]


def first_index(keys: list[int], target: int) -> int:
    return keys.index(target)


def last_index(keys: list[int], target: int) -> int:
    return len(keys) - 1 - keys[::-1].index(target)


def first_match(xs: list[int], pred: Callable[[int], object]) -> int | None:
    """Index of the first item satisfying ``pred``, or None."""
    return next((i for i, x in enumerate(xs) if pred(x)), None)


nonempty_small = st.lists(st.integers(-3, 3), min_size=1, max_size=30)
short = st.lists(st.integers(0, 2), max_size=6)
thresholds = st.integers(-4, 4)


# ------------------------------------------------------------------------------------------------
# consumers that fold
# ------------------------------------------------------------------------------------------------


class TestCollect:
    @given(ints)
    def test_list_by_default(self, xs: list[int]) -> None:
        assert Iter(xs).collect() == xs
        assert Iter(xs).collect(list) == xs

    @given(ints)
    def test_set_tuple(self, xs: list[int]) -> None:
        assert Iter(xs).collect(set) == set(xs)
        assert Iter(xs).collect(tuple) == tuple(xs)
        assert Iter(xs).collect(frozenset) == frozenset(xs)

    @given(st.lists(st.tuples(st.integers(-3, 3), st.integers()), max_size=30))
    def test_dict_last_value_wins(self, pairs: list[tuple[int, int]]) -> None:
        got: dict[int, int] = Iter(pairs).collect(dict)
        assert got == dict(pairs)
        assert list(got) == list(dict.fromkeys(k for k, _ in pairs))

    @given(small_ints)
    def test_custom_callable(self, xs: list[int]) -> None:
        calls: list[list[int]] = []

        def factory(items: Iterable[int]) -> tuple[int, int]:
            seen = list(items)
            calls.append(seen)
            return len(seen), sum(seen)

        assert Iter(xs).collect(factory) == (len(xs), sum(xs))
        assert calls == [xs]
        assert Iter(xs).collect(Counter) == Counter(xs)

    def test_generator_source(self) -> None:
        assert Iter(x * x for x in range(4)).collect() == [0, 1, 4, 9]


class TestForEach:
    @given(ints)
    def test_calls_in_order_once_each(self, xs: list[int]) -> None:
        seen: list[int] = []
        Iter(xs).for_each(seen.append)
        assert seen == xs


class TestFold:
    @given(small_ints, st.text(max_size=3))
    def test_matches_functools_reduce(self, xs: list[int], init: str) -> None:
        def f(acc: str, x: int) -> str:
            return f"({acc}{x:+})"

        assert Iter(xs).fold(init, f) == functools.reduce(f, xs, init)

    def test_argument_order_is_acc_then_item(self) -> None:
        assert Iter([1, 2, 3]).fold(10, lambda acc, x: acc * 10 + x) == 10123
        assert Iter([]).fold("init", lambda acc, x: acc + x) == "init"


def result_step(t: int) -> Callable[[int, int], Result[int, int]]:
    """``acc + x`` while ``x < t``; the first ``x >= t`` is ``Err(x)``."""
    return lambda acc, x: Ok(acc + x) if x < t else Err(x)


def option_step(t: int) -> Callable[[int, int], Option[int]]:
    return lambda acc, x: Some(acc + x) if x < t else Nothing()


class TestTryFold:
    @given(small_ints, thresholds)
    def test_result_stops_at_first_err(self, xs: list[int], t: int) -> None:
        source = OneShot(xs)
        it = Iter(source)
        got = it.try_fold(100, result_step(t))
        i = first_match(xs, lambda x: x >= t)
        if i is None:
            if xs:
                assert got == Ok(100 + sum(xs))
            assert source.pulled == len(xs)
            assert it.collect() == []
        else:
            assert got == Err(xs[i])
            assert source.pulled == i + 1
            assert it.collect() == xs[i + 1 :]

    @given(small_ints, thresholds)
    def test_option_stops_at_first_nothing(self, xs: list[int], t: int) -> None:
        source = OneShot(xs)
        it = Iter(source)
        got = it.try_fold(0, option_step(t))
        i = first_match(xs, lambda x: x >= t)
        if i is None:
            if xs:
                assert got == Some(sum(xs))
            assert source.pulled == len(xs)
        else:
            assert got is Nothing()
            assert source.pulled == i + 1
            assert it.collect() == xs[i + 1 :]

    def test_empty_is_ok_init_as_documented(self) -> None:
        # f's kind is unknown when it is never called: the documented answer is Ok(init).
        assert Iter(list[int]()).try_fold(7, result_step(0)) == Ok(7)
        assert Iter(list[int]()).try_fold(7, option_step(0)) == Ok(7)

    def test_examples(self) -> None:
        assert Iter([1, 2, 3]).try_fold(0, result_step(10)) == Ok(6)
        assert Iter([1, 20, 3]).try_fold(0, result_step(10)) == Err(20)
        assert Iter([1, 2]).try_fold(0, option_step(10)) == Some(3)
        assert Iter([1, 20]).try_fold(0, option_step(10)) is Nothing()


class TestTryForEach:
    @given(small_ints, thresholds)
    def test_result_stops_at_first_err(self, xs: list[int], t: int) -> None:
        seen: list[int] = []

        def f(x: int) -> Result[None, int]:
            seen.append(x)
            return Ok(None) if x < t else Err(x)

        source = OneShot(xs)
        it = Iter(source)
        got = it.try_for_each(f)
        i = first_match(xs, lambda x: x >= t)
        if i is None:
            if xs:
                assert got == Ok(None)
            assert seen == xs
        else:
            assert got == Err(xs[i])
            assert seen == xs[: i + 1]
            assert source.pulled == i + 1
            assert it.collect() == xs[i + 1 :]

    @given(small_ints, thresholds)
    def test_option_stops_at_first_nothing(self, xs: list[int], t: int) -> None:
        def f(x: int) -> Option[None]:
            return Some(None) if x < t else Nothing()

        source = OneShot(xs)
        got = Iter(source).try_for_each(f)
        i = first_match(xs, lambda x: x >= t)
        if i is None:
            if xs:
                assert got == Some(None)
            assert source.pulled == len(xs)
        else:
            assert got is Nothing()
            assert source.pulled == i + 1

    def test_empty_is_ok_none_as_documented(self) -> None:
        assert Iter(list[int]()).try_for_each(lambda x: Err(x)) == Ok(None)


class TestReduce:
    @given(small_ints)
    def test_matches_functools_reduce(self, xs: list[int]) -> None:
        def f(a: int, b: int) -> int:
            return a * 3 - b

        expected: Option[int] = Some(functools.reduce(f, xs)) if xs else Nothing()
        assert Iter(xs).reduce(f) == expected

    def test_single_item_not_passed_to_f(self) -> None:
        def f(a: int, b: int) -> int:
            raise AssertionError("called")

        assert Iter([5]).reduce(f) == Some(5)
        assert Iter(list[int]()).reduce(f) is Nothing()


class TestCount:
    @given(ints)
    def test_len(self, xs: list[int]) -> None:
        assert Iter(xs).count() == len(xs)
        assert Iter(x for x in xs).filter(lambda x: x > 0).count() == sum(x > 0 for x in xs)


class TestSum:
    @given(ints)
    def test_matches_builtin(self, xs: list[int]) -> None:
        assert Iter(xs).sum() == sum(xs)

    def test_empty_is_zero_and_floats(self) -> None:
        assert Iter([]).sum() == 0
        assert Iter([0.5, 0.25]).sum() == 0.75


class TestProduct:
    @given(small_ints)
    def test_matches_math_prod(self, xs: list[int]) -> None:
        assert Iter(xs).product() == math.prod(xs)

    def test_empty_is_one(self) -> None:
        assert Iter([]).product() == 1


class TestMin:
    @given(small_ints)
    def test_first_minimum(self, keys: list[int]) -> None:
        got = Iter(tagged(keys)).min()
        if not keys:
            assert got is Nothing()
        else:
            assert isinstance(got, Some)
            assert got.value.tag == first_index(keys, min(keys))

    @given(ints)
    def test_value(self, xs: list[int]) -> None:
        assert Iter(xs).min() == (Some(min(xs)) if xs else Nothing())


class TestMax:
    @given(small_ints)
    def test_last_maximum(self, keys: list[int]) -> None:
        got = Iter(tagged(keys)).max()
        if not keys:
            assert got is Nothing()
        else:
            assert isinstance(got, Some)
            assert got.value.tag == last_index(keys, max(keys))

    @given(ints)
    def test_value(self, xs: list[int]) -> None:
        assert Iter(xs).max() == (Some(max(xs)) if xs else Nothing())


def by_first(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Compare pairs by their first element only: negative, zero or positive."""
    return (a[0] > b[0]) - (a[0] < b[0])


def pairs(keys: list[int]) -> list[tuple[int, int]]:
    return [(k, i) for i, k in enumerate(keys)]


class TestMinBy:
    @given(small_ints)
    def test_first_minimum(self, keys: list[int]) -> None:
        expected = Some((min(keys), first_index(keys, min(keys)))) if keys else Nothing()
        assert Iter(pairs(keys)).min_by(by_first) == expected

    def test_compare_result_sign_only(self) -> None:
        assert Iter([3, 1, 2]).min_by(lambda a, b: (a - b) * 1000) == Some(1)


class TestMaxBy:
    @given(small_ints)
    def test_last_maximum(self, keys: list[int]) -> None:
        expected = Some((max(keys), last_index(keys, max(keys)))) if keys else Nothing()
        assert Iter(pairs(keys)).max_by(by_first) == expected

    def test_compare_result_sign_only(self) -> None:
        assert Iter([3, 1, 2]).max_by(lambda a, b: (a - b) * 1000) == Some(3)


class TestMinByKey:
    @given(small_ints)
    def test_first_minimum_key_called_once_each(self, keys: list[int]) -> None:
        calls: list[tuple[int, int]] = []

        def key(p: tuple[int, int]) -> int:
            calls.append(p)
            return p[0]

        expected = Some((min(keys), first_index(keys, min(keys)))) if keys else Nothing()
        assert Iter(pairs(keys)).min_by_key(key) == expected
        assert calls == pairs(keys)


class TestMaxByKey:
    @given(small_ints)
    def test_last_maximum_key_called_once_each(self, keys: list[int]) -> None:
        calls: list[tuple[int, int]] = []

        def key(p: tuple[int, int]) -> int:
            calls.append(p)
            return p[0]

        expected = Some((max(keys), last_index(keys, max(keys)))) if keys else Nothing()
        assert Iter(pairs(keys)).max_by_key(key) == expected
        assert calls == pairs(keys)


class TestLast:
    @given(ints)
    def test_last(self, xs: list[int]) -> None:
        assert Iter(xs).last() == (Some(xs[-1]) if xs else Nothing())
        assert Iter(iter(xs)).last() == (Some(xs[-1]) if xs else Nothing())


class TestPartition:
    @given(ints, st.integers(1, 4))
    def test_matches_comprehensions(self, xs: list[int], m: int) -> None:
        def pred(x: int) -> bool:
            return x % m == 0

        assert Iter(xs).partition(pred) == (
            [x for x in xs if pred(x)],
            [x for x in xs if not pred(x)],
        )

    def test_pred_called_once_per_item(self) -> None:
        seen: list[int] = []

        def pred(x: int) -> object:
            seen.append(x)
            return x % 2

        assert Iter([1, 2, 3]).partition(pred) == ([1, 3], [2])
        assert seen == [1, 2, 3]


class TestUnzip:
    @given(st.lists(st.tuples(st.integers(), st.text(max_size=2)), max_size=30))
    def test_matches_comprehensions(self, ps: list[tuple[int, str]]) -> None:
        assert Iter(ps).unzip() == ([a for a, _ in ps], [b for _, b in ps])

    def test_empty(self) -> None:
        assert Iter([]).unzip() == ([], [])


class TestJoin:
    @given(st.lists(st.text(max_size=3), max_size=20), st.text(max_size=2))
    def test_matches_str_join(self, xs: list[str], sep: str) -> None:
        assert Iter(xs).join(sep) == sep.join(xs)
        assert Iter(xs).join() == "".join(xs)


class TestTryCollect:
    @given(results)
    def test_first_err_or_all_values(self, rs: list[Result[int, int]]) -> None:
        source = OneShot(rs)
        got = Iter(source).try_collect()
        i = next((i for i, r in enumerate(rs) if isinstance(r, Err)), None)
        if i is None:
            assert got == Ok([r.value for r in rs if isinstance(r, Ok)])
            assert source.pulled == len(rs)
        else:
            first_err = rs[i]
            assert isinstance(first_err, Err)
            assert got == Err(first_err.error)
            assert source.pulled == i + 1

    def test_examples(self) -> None:
        assert Iter([Ok(1), Ok(2)]).try_collect() == Ok([1, 2])
        rs: list[Result[int, str]] = [Ok(1), Err("a"), Err("b")]
        assert Iter(rs).try_collect() == Err("a")
        assert Iter(list[Result[int, str]]()).try_collect() == Ok([])


class TestPartitionResults:
    @given(results)
    def test_matches_comprehensions(self, rs: list[Result[int, int]]) -> None:
        assert Iter(rs).partition_results() == (
            [r.value for r in rs if isinstance(r, Ok)],
            [r.error for r in rs if isinstance(r, Err)],
        )


# ------------------------------------------------------------------------------------------------
# consumers that search (they borrow: the rest of the Iter stays usable)
# ------------------------------------------------------------------------------------------------


class TestAny:
    @given(small_ints, thresholds)
    def test_short_circuits_and_leaves_rest(self, xs: list[int], t: int) -> None:
        source = OneShot(xs)
        it = Iter(source)
        i = first_match(xs, lambda x: x > t)
        assert it.any(lambda x: x > t) is (i is not None)
        assert source.pulled == (len(xs) if i is None else i + 1)
        assert it.collect() == ([] if i is None else xs[i + 1 :])

    def test_truthy_objects(self) -> None:
        assert Iter([0, 0, 3]).any(lambda x: x) is True
        assert Iter([]).any(lambda x: True) is False


class TestAll:
    @given(small_ints, thresholds)
    def test_short_circuits_and_leaves_rest(self, xs: list[int], t: int) -> None:
        source = OneShot(xs)
        it = Iter(source)
        i = first_match(xs, lambda x: not x > t)
        assert it.all(lambda x: x > t) is (i is None)
        assert source.pulled == (len(xs) if i is None else i + 1)
        assert it.collect() == ([] if i is None else xs[i + 1 :])

    def test_empty_is_true(self) -> None:
        assert Iter([]).all(lambda x: False) is True
        assert Iter([1, 2]).all(lambda x: x) is True


class TestFind:
    @given(small_ints, thresholds)
    def test_first_match_and_leaves_rest(self, xs: list[int], t: int) -> None:
        source = OneShot(xs)
        it = Iter(source)
        i = first_match(xs, lambda x: x > t)
        assert it.find(lambda x: x > t) == (Nothing() if i is None else Some(xs[i]))
        assert source.pulled == (len(xs) if i is None else i + 1)
        assert it.collect() == ([] if i is None else xs[i + 1 :])

    def test_repeated_finds_continue(self) -> None:
        it = Iter([1, 2, 3, 4, 5, 6])
        assert it.find(lambda x: x % 2 == 0) == Some(2)
        assert it.find(lambda x: x % 2 == 0) == Some(4)
        assert it.next() == Some(5)


class TestFindMap:
    @given(small_ints, thresholds)
    def test_first_some_and_leaves_rest(self, xs: list[int], t: int) -> None:
        def f(x: int) -> Option[str]:
            return Some(f"<{x}>") if x > t else Nothing()

        source = OneShot(xs)
        it = Iter(source)
        i = first_match(xs, lambda x: x > t)
        assert it.find_map(f) == (Nothing() if i is None else Some(f"<{xs[i]}>"))
        assert source.pulled == (len(xs) if i is None else i + 1)
        assert it.collect() == ([] if i is None else xs[i + 1 :])


class TestPosition:
    @given(small_ints, thresholds, st.integers(0, 5))
    def test_index_from_current_position(self, xs: list[int], t: int, skip: int) -> None:
        source = OneShot(xs)
        it = Iter(source)
        for _ in range(skip):
            it.next()
        done = min(skip, len(xs))
        rest = xs[done:]
        i = first_match(rest, lambda x: x > t)
        assert it.position(lambda x: x > t) == (Nothing() if i is None else Some(i))
        assert source.pulled == (len(xs) if i is None else done + i + 1)
        assert it.collect() == ([] if i is None else rest[i + 1 :])


class TestNth:
    @given(ints, st.lists(st.integers(0, 6), max_size=6))
    def test_consumes_exactly_n_plus_one(self, xs: list[int], ns: list[int]) -> None:
        source = OneShot(xs)
        it = Iter(source)
        pos = 0
        for n in ns:
            want = Some(xs[pos + n]) if pos + n < len(xs) else Nothing()
            assert it.nth(n) == want
            pos = min(pos + n + 1, len(xs))
            assert source.pulled == pos
        assert it.collect() == xs[pos:]

    def test_negative_is_value_error(self) -> None:
        with pytest.raises(ValueError, match=r"\bn\b"):
            Iter([1]).nth(-1)


# ------------------------------------------------------------------------------------------------
# consumers that compare
# ------------------------------------------------------------------------------------------------


def rust_cmp(a: Iterator[int], b: Iterator[int]) -> int:
    """Rust's ``Iterator::cmp``: pull ``a`` then ``b``, stop at the first difference."""
    while True:
        x = next(a, None)
        if x is None:
            return 0 if next(b, None) is None else -1
        y = next(b, None)
        if y is None:
            return 1
        if x != y:
            return -1 if x < y else 1


def check_compare(method: str, xs: list[int], ys: list[int], expected: object) -> None:
    """Compare ``Iter(xs).<method>(ys)`` with ``expected`` and the pulls with Rust's."""
    a, b = OneShot(xs), OneShot(ys)
    got = getattr(Iter(a), method)(b)
    assert got == expected
    assert type(got) is type(expected)
    ra, rb = OneShot(xs), OneShot(ys)
    rust_cmp(ra, rb)
    assert (a.pulled, b.pulled) == (ra.pulled, rb.pulled)


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


class TestEq:
    @given(short, short)
    def test_matches_list_comparison(self, xs: list[int], ys: list[int]) -> None:
        check_compare("eq", xs, ys, xs == ys)

    def test_any_iterable_other(self) -> None:
        assert Iter([1, 2]).eq((1, 2)) is True
        assert Iter([1, 2]).eq(Iter([1, 2])) is True
        assert Iter("ab").eq("abc") is False

    def test_nan_is_never_equal_as_rust_partial_eq(self) -> None:
        nan = float("nan")
        assert Iter([1.0, nan]).eq([1.0, nan]) is False
        assert Iter([nan]).ne([nan]) is True

    def test_an_item_equal_to_everything_does_not_hide_a_length_difference(self) -> None:
        # mock.ANY == anything; the lists still differ in length (as Python's list == says)
        assert Iter([ANY]).eq([]) is ([ANY] == [])
        assert Iter([1, ANY]).ne([1]) is True
        assert Iter([1]).eq([1, ANY]) is False
        assert Iter([ANY]).cmp([]) == 1
        assert Iter([ANY, 2]).eq([7, 2]) is True

    def test_comparisons_with_any_and_odd_ne(self) -> None:
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


class TestPartialOrder:
    """Rust's ``partial_cmp``: an incomparable pair (NaN) makes lt/le/gt/ge all false."""

    @pytest.mark.parametrize("method", ["lt", "le", "gt", "ge"])
    def test_nan_pair_decides_false(self, method: str) -> None:
        nan = float("nan")
        assert getattr(Iter([1.0, nan, 0.0]), method)([1.0, nan, 5.0]) is False
        assert getattr(Iter([nan]), method)([1.0]) is False

    def test_difference_before_nan_decides(self) -> None:
        nan = float("nan")
        assert Iter([0.0, nan]).lt([1.0, nan]) is True
        assert Iter([2.0, nan]).ge([1.0, nan]) is True

    def test_cmp_of_unordered_pair_is_type_error(self) -> None:
        with pytest.raises(TypeError):
            Iter([float("nan")]).cmp([1.0])

    @settings(max_examples=400, deadline=None)
    @given(
        st.lists(_ITEM, max_size=4),
        st.lists(_ITEM, max_size=4),
        st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge", "cmp"]),
        st.sampled_from(["list", "gen", "iter"]),
    )
    def test_comparisons_match_rust_walk(
        self, a: list[Any], b: list[Any], method: str, kind: str
    ) -> None:
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


class TestNe:
    @given(short, short)
    def test_matches_list_comparison(self, xs: list[int], ys: list[int]) -> None:
        check_compare("ne", xs, ys, xs != ys)


class TestLt:
    @given(short, short)
    def test_matches_list_comparison(self, xs: list[int], ys: list[int]) -> None:
        check_compare("lt", xs, ys, xs < ys)


class TestLe:
    @given(short, short)
    def test_matches_list_comparison(self, xs: list[int], ys: list[int]) -> None:
        check_compare("le", xs, ys, xs <= ys)


class TestGt:
    @given(short, short)
    def test_matches_list_comparison(self, xs: list[int], ys: list[int]) -> None:
        check_compare("gt", xs, ys, xs > ys)


class TestGe:
    @given(short, short)
    def test_matches_list_comparison(self, xs: list[int], ys: list[int]) -> None:
        check_compare("ge", xs, ys, xs >= ys)


class TestCmp:
    @given(short, short)
    def test_matches_list_comparison(self, xs: list[int], ys: list[int]) -> None:
        check_compare("cmp", xs, ys, (xs > ys) - (xs < ys))

    def test_examples(self) -> None:
        assert Iter([1, 2]).cmp([1, 3]) == -1
        assert Iter([1, 2]).cmp([1]) == 1
        assert Iter([]).cmp([]) == 0


def sorted_pulls(xs: list[int], le: Callable[[int, int], bool]) -> tuple[bool, int]:
    """Rust's ``is_sorted_by``: the answer and how many items it pulls."""
    for i in range(1, len(xs)):
        if not le(xs[i - 1], xs[i]):
            return False, i + 1
    return True, len(xs)


class TestIsSorted:
    @given(small_ints)
    def test_matches_sorted_and_stops_at_violation(self, xs: list[int]) -> None:
        source = OneShot(xs)
        assert Iter(source).is_sorted() is (xs == sorted(xs))
        assert (xs == sorted(xs), source.pulled) == sorted_pulls(xs, lambda a, b: a <= b)

    @given(st.lists(st.integers(0, 30), max_size=8, unique=True).map(sorted))
    def test_sorted_input(self, xs: list[int]) -> None:
        assert Iter(xs).is_sorted() is True

    @pytest.mark.parametrize("method", ["is_sorted", "is_sorted_by"])
    @pytest.mark.parametrize("kind", ["peeked", "peekable", "user tee"])
    def test_is_sorted_on_a_borrow_consumes_as_rust(self, kind: str, method: str) -> None:
        """Rust's is_sorted consumes up to the item found out of order, included."""
        owner = shared_tee_owner(kind, [1, 3, 2, 5])
        shared = owner.by_ref()
        if method == "is_sorted":
            assert not shared.is_sorted()
        else:
            assert not shared.is_sorted_by(lambda a, b: a <= b)
        assert owner.collect() == [5]


class TestIsSortedBy:
    @given(small_ints)
    def test_non_strict_and_strict_compare(self, xs: list[int]) -> None:
        for le in (lambda a, b: a <= b, lambda a, b: a < b, lambda a, b: a >= b):
            source = OneShot(xs)
            expected, pulls = sorted_pulls(xs, le)
            assert Iter(source).is_sorted_by(le) is expected
            assert source.pulled == pulls

    def test_compare_means_a_before_b(self) -> None:
        assert Iter([1, 1, 2]).is_sorted_by(lambda a, b: a <= b) is True
        assert Iter([1, 1, 2]).is_sorted_by(lambda a, b: a < b) is False
        assert Iter([3, 2, 1]).is_sorted_by(lambda a, b: a >= b) is True


class TestIsSortedByKey:
    @given(small_ints)
    def test_matches_sorted_keys(self, xs: list[int]) -> None:
        calls: list[int] = []

        def key(x: int) -> int:
            calls.append(x)
            return abs(x)

        source = OneShot(xs)
        expected, pulls = sorted_pulls(xs, lambda a, b: abs(a) <= abs(b))
        assert Iter(source).is_sorted_by_key(key) is expected
        assert source.pulled == pulls
        assert calls == xs[:pulls]


class OnlyLt:
    """An item that defines ``<`` and nothing else (as ``sorted()`` requires), with a tag so
    that equal items can be told apart."""

    def __init__(self, key: int, tag: str) -> None:
        self.key = key
        self.tag = tag

    def __lt__(self, other: OnlyLt) -> bool:
        return self.key < other.key

    def __repr__(self) -> str:
        return f"OnlyLt({self.key}, {self.tag!r})"


def _rust_max(xs: list[OnlyLt]) -> OnlyLt:
    best = xs[0]
    for x in xs[1:]:
        if not x < best:
            best = x
    return best


class TestMaxMinTies:
    def test_max_of_items_defining_only_lt_is_the_last_maximum(self) -> None:
        items = [OnlyLt(1, "a"), OnlyLt(3, "b"), OnlyLt(2, "c"), OnlyLt(3, "d")]
        assert Iter(items).max().unwrap().tag == "d"
        assert Iter(items).max_by_key(lambda o: o.key).unwrap().tag == "d"

    def test_min_of_items_defining_only_lt_is_the_first_minimum(self) -> None:
        items = [OnlyLt(2, "a"), OnlyLt(1, "b"), OnlyLt(1, "c")]
        assert Iter(items).min().unwrap().tag == "b"

    @given(st.lists(st.integers(0, 3), min_size=1, max_size=12))
    def test_max_family_keeps_the_last_of_equals(self, keys: list[int]) -> None:
        items = [OnlyLt(k, str(i)) for i, k in enumerate(keys)]
        expected = _rust_max(items).tag
        assert Iter(items).max().unwrap().tag == expected
        assert Iter(items).max_by_key(lambda t: t.key).unwrap().tag == expected
        compare = lambda a, b: (a.key > b.key) - (a.key < b.key)  # noqa: E731
        assert Iter(items).max_by(compare).unwrap().tag == expected
        first_min = min(items)  # the builtin keeps the first of equal items, with < only
        assert Iter(items).min().unwrap().tag == first_min.tag
        assert Iter(items).min_by_key(lambda t: t.key).unwrap().tag == first_min.tag
        assert Iter(items).min_by(compare).unwrap().tag == first_min.tag

    def test_max_by_calls_compare_with_the_best_so_far_first(self) -> None:
        calls: list[tuple[int, int]] = []

        def compare(a: int, b: int) -> int:
            calls.append((a, b))
            return (a > b) - (a < b)

        assert Iter([1, 3, 2]).max_by(compare) == Some(3)
        assert calls == [(1, 3), (3, 2)]

    def test_empty_and_moved(self) -> None:
        assert Iter([]).max() == Nothing()
        assert Iter([]).max_by_key(abs) == Nothing()
        assert Iter([]).max_by(lambda a, b: 0) == Nothing()
        it = Iter([1])
        it.max()
        with pytest.raises(MovedError, match=r"\.max\(\)"):
            it.next()

    def test_a_callback_raising_stopiteration_ends_the_input(self) -> None:
        def key(x: int) -> int:
            if x == 3:
                raise StopIteration
            return x

        def compare(a: int, b: int) -> int:
            key(b)
            return (a > b) - (a < b)

        assert Iter([1, 2, 3, 4]).max_by_key(key) == Some(2)
        assert Iter([3, 4]).max_by_key(key) == Nothing()
        assert Iter([1, 2, 3, 4]).max_by(compare) == Some(2)
        assert Iter([1, 2, 3, 4]).min_by_key(key) == Some(1)
        assert Iter([4, 2, 3, 1]).min_by(compare) == Some(2)


class TestIsSortedWithLtOnly:
    def test_items_defining_only_lt(self) -> None:
        assert Iter([OnlyLt(1, "a"), OnlyLt(1, "b"), OnlyLt(2, "c")]).is_sorted()
        assert not Iter([OnlyLt(2, "a"), OnlyLt(1, "b")]).is_sorted()
        assert Iter([1, 2, 2]).is_sorted_by_key(lambda x: OnlyLt(x, "k"))
        assert not Iter([2, 1]).is_sorted_by_key(lambda x: OnlyLt(x, "k"))

    @given(st.lists(st.integers(0, 5), max_size=10))
    def test_agrees_with_sorted(self, xs: list[int]) -> None:
        assert Iter(xs).is_sorted() == (xs == sorted(xs))
        assert Iter(xs).is_sorted_by_key(lambda x: -x) == (xs == sorted(xs, reverse=True))

    def test_stops_at_the_first_item_out_of_order(self) -> None:
        src = Recorder([1, 3, 2, 5, 6])
        assert not Iter(src).is_sorted()
        assert src.pulled == 3


class TestComparisons:
    @given(st.lists(st.integers(0, 2), max_size=6), st.lists(st.integers(0, 2), max_size=6))
    def test_agree_with_list_comparison(self, a: list[int], b: list[int]) -> None:
        assert Iter(a).eq(b) == (a == b)
        assert Iter(a).ne(b) == (a != b)
        assert Iter(a).lt(b) == (a < b)
        assert Iter(a).le(b) == (a <= b)
        assert Iter(a).gt(b) == (a > b)
        assert Iter(a).ge(b) == (a >= b)
        assert Iter(a).cmp(b) == (a > b) - (a < b)

    @given(st.lists(st.integers(0, 2), max_size=6), st.lists(st.integers(0, 2), max_size=6))
    def test_pull_what_zip_longest_pulls(self, a: list[int], b: list[int]) -> None:
        # The reference: walk zip_longest to the first differing pair.
        end = object()
        ra, rb = Recorder(a), Recorder(b)
        for x, y in zip_longest(ra, rb, fillvalue=end):
            if x != y:
                break
        for method in ("eq", "ne", "lt", "cmp"):
            sa, sb = Recorder(a), Recorder(b)
            getattr(Iter(sa), method)(sb)
            assert (sa.pulled, sb.pulled) == (ra.pulled, rb.pulled), method

    def test_nan_is_not_equal_to_itself(self) -> None:
        nan = float("nan")
        assert Iter([nan]).ne([nan])
        assert not Iter([nan]).eq([nan])


class TestCountOfAChangedContainer:
    def test_a_dict_that_changed_size_still_raises(self) -> None:
        d = {1: "a"}
        it = Iter(d)
        d[2] = "b"
        with pytest.raises(RuntimeError, match="changed size"):
            it.count()

    def test_a_list_that_grew_counts_every_item(self) -> None:
        xs = [1, 2]
        it = Iter(xs)
        xs.append(3)
        assert it.count() == 3
