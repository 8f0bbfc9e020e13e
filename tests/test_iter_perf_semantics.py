"""Semantics kept or fixed by the speed work of issue 10 (and the _iter items of issue 9).

The fast paths (plain loops for max, all-C comparisons, deque windows, reading an untouched
list, ``next(it)`` without a Python frame, hints measured when a stage is built) each have a
test here that fails if the fast path changes what users see.
"""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Iterator
from itertools import zip_longest
from typing import Any

import pytest
from hypothesis import given, strategies as st

from _helpers import Recorder
from itero import Iter, MovedError, Nothing, Some, count, repeat


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


class TestWindows:
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


class TestSizeHintHoles:
    def test_zip_longest_over_an_unbounded_input_has_no_upper_bound(self) -> None:
        def gen() -> Iterator[int]:
            yield from range(5)

        assert Iter([1, 2]).zip_longest(count()).size_hint() == (sys.maxsize, Nothing())
        assert Iter([1, 2]).zip_longest(gen()).size_hint() == (2, Nothing())
        assert Iter([1, 2]).zip_longest(repeat(0)).size_hint()[1] == Nothing()

    def test_step_by_over_a_generator(self) -> None:
        gen = (x for x in range(5))
        assert Iter(gen).step_by(2).size_hint() == (0, Nothing())
        assert Iter(x for x in range(5)).take(3).step_by(2).size_hint() == (0, Some(2))

    def test_exact_before_the_first_pull_after_direct_pulls(self) -> None:
        it = Iter(list(range(10)))
        it.next()
        it.next()
        t = it.take(5)
        assert t.size_hint() == (5, Some(5))
        t.next()
        assert t.size_hint() == (4, Some(4))  # nobody else holds the list's iterator

    def test_a_shared_source_gives_bounds_after_pulls(self) -> None:
        it = Iter(list(range(10)))
        other = it.by_ref()
        t = it.take(5)
        assert t.size_hint() == (5, Some(5))
        other.next()  # pulled behind the take's back
        lo, hi = t.size_hint()
        assert lo <= 5 <= hi.unwrap()


class TestUntouchedSourceShortcuts:
    """collect/join/count/last read an untouched list, never a shared or pulled one."""

    def test_after_a_pull_only_the_rest(self) -> None:
        for method, expected in (("collect", [2, 3]), ("count", 2), ("last", Some(3))):
            it = Iter([1, 2, 3])
            it.next()
            assert getattr(it, method)() == expected, method
        it2 = Iter(["a", "b"])
        it2.next()
        assert it2.join() == "b"

    def test_a_borrow_consumes_the_shared_items(self) -> None:
        it = Iter([1, 2, 3])
        assert it.by_ref().count() == 3
        assert it.collect() == []
        it = Iter((1, 2, 3))
        assert it.by_ref().last() == Some(3)
        assert it.next() == Nothing()

    def test_results_are_new_lists(self) -> None:
        xs = [1, 2]
        out = Iter(xs).collect()
        assert out == xs
        assert out is not xs

    def test_other_containers(self) -> None:
        assert Iter({1: "a", 2: "b"}).count() == 2
        assert Iter(range(5)).last() == Some(4)
        assert Iter("abc").collect() == ["a", "b", "c"]
        assert Iter([]).last() == Nothing()


class TestNextProtocol:
    def test_next_of_an_iter_is_its_iterators_next(self) -> None:
        it = Iter([1, 2]).map(str)
        assert next(it) == "1"
        assert it.next() == Some("2")
        with pytest.raises(StopIteration):
            next(it)

    def test_next_of_a_moved_iter_names_the_move(self) -> None:
        it: Iter[Any] = Iter([1])
        it.map(str)
        with pytest.raises(MovedError, match=r"\.map\(\)"):
            next(it)

    def test_next_returns_some_and_nothing(self) -> None:
        it = Iter([None])
        first = it.next()
        assert first == Some(None)
        assert isinstance(first, Some)
        assert first.value is None
        assert it.next() is it.next()


class TestFuse:
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
