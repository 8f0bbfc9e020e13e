"""Tests of Iter's producers: empty, once, once_with, repeat, repeat_with, from_fn, successors,
count, and iter() on Option and Result (laziness, call counts, Rust's semantics)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, strategies as st

from _helpers import prefix
from itero import (
    Err,
    Nothing,
    Ok,
    Option,
    Some,
    count,
    empty,
    from_fn,
    once,
    once_with,
    repeat,
    repeat_with,
    successors,
)


class Calls:
    """A zero-argument callback returning 0, 1, 2, ... and counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls - 1


# ------------------------------------------------------------------------------------------------
# producers
# ------------------------------------------------------------------------------------------------


class TestEmpty:
    def test_yields_nothing(self) -> None:
        it = empty()
        assert it.next() is Nothing()
        assert it.next() is Nothing()
        assert empty().collect() == []
        assert list(empty()) == []


class TestOnce:
    @given(st.integers())
    def test_one_item(self, x: int) -> None:
        assert once(x).collect() == [x]
        it = once(x)
        assert it.next() == Some(x)
        assert it.next() is Nothing()

    def test_same_object(self) -> None:
        obj = object()
        assert once(obj).collect()[0] is obj


class TestOnceWith:
    def test_called_lazily_exactly_once(self) -> None:
        f = Calls()
        it = once_with(f)
        assert f.calls == 0
        assert it.next() == Some(0)
        assert it.next() is Nothing()
        assert it.next() is Nothing()
        assert f.calls == 1

    def test_collect(self) -> None:
        assert once_with(lambda: "x").collect() == ["x"]


class TestRepeat:
    @given(st.integers(), st.integers(0, 30))
    def test_with_n(self, x: int, n: int) -> None:
        assert repeat(x, n).collect() == [x] * n

    @given(st.integers(), prefix)
    def test_without_n_is_endless(self, x: int, k: int) -> None:
        assert repeat(x).take(k).collect() == [x] * k

    def test_none_n_is_endless(self) -> None:
        assert repeat("a", None).take(3).collect() == ["a", "a", "a"]

    def test_negative_n_is_value_error(self) -> None:
        with pytest.raises(ValueError, match=r"\bn\b"):
            repeat(1, -1)

    def test_non_int_n_is_type_error(self) -> None:
        with pytest.raises(TypeError, match=r"\bn\b"):
            repeat(1, 2.5)  # type: ignore[arg-type]


class TestRepeatWith:
    @given(prefix)
    def test_calls_once_per_pulled_item(self, k: int) -> None:
        f = Calls()
        it = repeat_with(f)
        assert f.calls == 0
        assert it.take(k).collect() == list(range(k))
        assert f.calls == k


class TestFromFn:
    @given(st.lists(st.integers(), max_size=30), st.lists(st.integers(), max_size=5))
    def test_stops_at_first_nothing_forever(self, xs: list[int], after: list[int]) -> None:
        script: list[Option[int]] = [*map(Some, xs), Nothing(), *map(Some, after)]
        calls = 0

        def f() -> Option[int]:
            nonlocal calls
            calls += 1
            return script.pop(0)

        it = from_fn(f)
        assert calls == 0
        assert it.collect() == xs
        assert calls == len(xs) + 1

    @given(prefix)
    def test_prefix_calls_once_per_item(self, k: int) -> None:
        f = Calls()
        got = from_fn(lambda: Some(f())).take(k).collect()
        assert got == list(range(k))
        assert f.calls == k

    def test_asked_again_after_nothing_calls_f_again_as_rust(self) -> None:
        calls: list[int] = []

        def f() -> Option[int]:
            calls.append(0)
            return Nothing() if len(calls) % 2 else Some(len(calls))

        it = from_fn(f)
        assert it.next() is Nothing()
        assert it.next() == Some(2)
        assert it.by_ref().collect() == []
        assert calls == [0, 0, 0]
        calls.clear()
        fused = from_fn(f).fuse()
        assert fused.next() is Nothing()
        assert fused.next() is Nothing()
        assert calls == [0]


class TestSuccessors:
    @given(st.integers(-50, 50), st.integers(1, 10), prefix)
    def test_prefix_matches_iteration(self, first: int, step: int, k: int) -> None:
        calls: list[int] = []

        def f(x: int) -> Option[int]:
            calls.append(x)
            return Some(x + step) if x + step < 60 else Nothing()

        expected = list(range(first, 60, step))[:k] if first < 60 else [first][:k]
        assert successors(Some(first), f).take(k).collect() == expected
        # Rust computes the successor of each item when it yields it: at most k calls.
        assert len(calls) <= k
        assert calls == expected[: len(calls)]

    def test_nothing_first_is_empty(self) -> None:
        def f(x: int) -> Option[int]:
            raise AssertionError("called")

        assert successors(Nothing(), f).collect() == []

    def test_powers_of_ten(self) -> None:
        got = successors(Some(1), lambda x: Some(x * 10) if x < 10_000 else Nothing()).collect()
        assert got == [1, 10, 100, 1000, 10_000]


class TestCountProducer:
    @given(st.integers(-100, 100), st.integers(-5, 5), prefix)
    def test_ints_match_itertools(self, start: int, step: int, k: int) -> None:
        expected = list(itertools.islice(itertools.count(start, step), k))
        assert count(start, step).take(k).collect() == expected

    @given(
        st.floats(-100, 100, allow_nan=False), st.floats(-5, 5, allow_nan=False), st.integers(0, 10)
    )
    def test_floats_match_itertools(self, start: float, step: float, k: int) -> None:
        expected = list(itertools.islice(itertools.count(start, step), k))
        assert count(start, step).take(k).collect() == expected

    def test_defaults(self) -> None:
        assert count().take(3).collect() == [0, 1, 2]
        assert count(5).take(2).collect() == [5, 6]

    @pytest.mark.parametrize(
        ("start", "step", "name"),
        [(True, 1, "start"), (0, False, "step"), ("0", 1, "start"), (0, None, "step")],
    )
    def test_bools_and_non_numbers_are_refused_naming_the_argument(
        self, start: object, step: object, name: str
    ) -> None:
        with pytest.raises(TypeError, match=rf"^{name} must be an int or a float, got "):
            count(start, step)  # type: ignore[call-overload]


# ------------------------------------------------------------------------------------------------
# producers through Option/Result iter()
# ------------------------------------------------------------------------------------------------


class TestProducers:
    def test_each_producer(self) -> None:
        assert empty().collect() == []
        assert once(1).collect() == [1]
        assert once_with(lambda: 2).collect() == [2]
        assert repeat("a", 2).collect() == ["a", "a"]
        assert repeat("a").take(3).collect() == ["a", "a", "a"]
        assert repeat_with(list).take(2).collect() == [[], []]
        assert count(1.5, 0.5).take(3).collect() == [1.5, 2.0, 2.5]
        assert successors(Some(2), lambda x: Some(x * x) if x < 100 else Nothing()).collect() == [
            2,
            4,
            16,
            256,
        ]

    def test_option_and_result_iter(self) -> None:
        assert Some(1).iter().map(str).collect() == ["1"]
        assert Nothing().iter().collect() == []
        assert Ok(2).iter().collect() == [2]
        assert Err(3).iter().collect() == []
