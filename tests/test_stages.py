"""Tests of ``itero._stages``: the per-element helpers ``Iter`` builds its stages from, driven
directly on plain iterators (the adapters that use them are tested in test_iter*.py).

Only the helpers' own contracts are pinned here: Result plumbing on ``Ok``/``Err`` and on
non-results, the Python-written stages, lexicographic comparison and the closing objects.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from typing import Any
from unittest.mock import ANY

import pytest
from hypothesis import given, strategies as st

from itero import Err, Nothing, Ok, Some, _stages as stages
from itero.testing import CloseRecorder, OneShot


def fail(*args: object) -> Any:
    raise AssertionError(f"must not be called (got {args!r})")


class TestSentinel:
    def test_end_is_unequal_to_everything(self) -> None:
        assert stages.END != stages.END.__class__()
        assert stages.END != None  # noqa: E711
        assert repr(stages.END) == "<end>"
        assert stages.END == stages.END


class TestGetters:
    def test_read_the_held_value(self) -> None:
        assert stages.some_value(Some(1)) == 1
        assert stages.ok_value(Ok(2)) == 2
        assert stages.err_error(Err(3)) == 3

NOT_RESULTS = [1, None, Some(1), Nothing(), (Ok(1),)]


def map_err(f: Callable[[Any], Any], r: Any) -> Any:
    return stages.map_err_step(f)(r)


def keep_ok(f: Callable[[Any], Any], r: Any) -> Any:
    return stages.keep_ok_step(f)(r)


def inspect_err(f: Callable[[Any], Any], r: Any) -> Any:
    return stages.inspect_err_step(f)(r)


class TestResultPlumbing:
    def test_map_ok(self) -> None:
        assert stages.map_ok(str, Ok(1)) == Ok("1")
        err = Err("e")
        assert stages.map_ok(fail, err) is err

    def test_map_err(self) -> None:
        assert stages.map_err_step(str.upper)(Err("e")) == Err("E")
        ok = Ok(1)
        assert stages.map_err_step(fail)(ok) is ok

    def test_and_then_ok(self) -> None:
        assert stages.and_then_ok(lambda v: Err(v + 1), Ok(1)) == Err(2)
        assert stages.and_then_ok(lambda v: Ok(v + 1), Ok(1)) == Ok(2)
        err = Err("e")
        assert stages.and_then_ok(fail, err) is err

    def test_keep_ok(self) -> None:
        assert stages.keep_ok_step(lambda v: v > 0)(Ok(1)) is True
        assert stages.keep_ok_step(lambda v: v > 0)(Ok(0)) is False
        assert stages.keep_ok_step(lambda v: "truthy")(Ok(0)) is True
        assert stages.keep_ok_step(fail)(Err("e")) is True

    def test_inspect_err(self) -> None:
        seen: list[object] = []
        err, ok = Err("e"), Ok(1)
        assert stages.inspect_err_step(seen.append)(err) is err
        assert stages.inspect_err_step(seen.append)(ok) is ok
        assert seen == ["e"]

    @pytest.mark.parametrize("item", NOT_RESULTS, ids=repr)
    @pytest.mark.parametrize(
        "helper",
        [stages.map_ok, stages.and_then_ok, map_err, keep_ok, inspect_err],
        ids=lambda h: h.__name__,
    )
    def test_non_results_raise_naming_the_type(
        self, helper: Callable[[Callable[[Any], Any], Any], Any], item: object
    ) -> None:
        with pytest.raises(TypeError) as info:
            helper(fail, item)
        assert str(info.value) == f"expected an Ok or an Err item, got {type(item).__name__}"


class TestPullValues:
    def test_values_up_to_the_first_nothing(self) -> None:
        values = iter([Some(1), Some(None), Nothing(), Some(4)])
        kinds = stages.Kinds({Some: True}, "f returned {}", end=Nothing)
        assert list(stages.pull_values(lambda: next(values), kinds)) == [1, None]

    def test_a_non_option_raises_naming_it(self) -> None:
        kinds = stages.Kinds({Some: True}, "f returned {}", end=Nothing)
        with pytest.raises(TypeError, match=r"^f returned int$"):
            list(stages.pull_values(lambda: 3, kinds))

    def test_lazy(self) -> None:
        kinds = stages.Kinds({Some: True}, "f returned {}", end=Nothing)
        it = stages.pull_values(fail, kinds)
        assert isinstance(it, Iterator)


class TestKeyAndList:
    def test_materialises_the_group(self) -> None:
        assert stages.key_and_list("k", iter([1, 2])) == ("k", [1, 2])


class TestScan:
    def test_state_and_output(self) -> None:
        running = stages.scan(iter([1, 2, 3]), 0, lambda s, x: Some((s + x, s + x)))
        assert list(running) == [1, 3, 6]

    def test_stops_at_nothing(self) -> None:
        got = stages.scan(iter([1, 2, 3]), 0, lambda s, x: Some((s, x)) if x < 3 else Nothing())
        assert list(got) == [1, 2]

    def test_stop_iteration_from_the_callback_ends_quietly(self) -> None:
        def f(s: int, x: int) -> Any:
            if x == 2:
                raise StopIteration
            return Some((s, x))

        assert list(stages.scan(iter([1, 2, 3]), 0, f)) == [1]


class TestUnique:
    @given(st.lists(st.integers(-3, 3)))
    def test_first_occurrences_in_order(self, xs: list[int]) -> None:
        assert list(stages.unique(iter(xs), None)) == list(dict.fromkeys(xs))

    @given(st.lists(st.integers(-3, 3)))
    def test_by_key(self, xs: list[int]) -> None:
        expected: dict[int, int] = {}
        for x in xs:
            expected.setdefault(abs(x), x)
        assert list(stages.unique(iter(xs), abs)) == list(expected.values())

    def test_key_raising_stop_iteration_ends_quietly(self) -> None:
        def key(x: int) -> int:
            if x == 3:
                raise StopIteration
            return x

        assert list(stages.unique(iter([1, 1, 2, 3, 4]), key)) == [1, 2]


class TestRoundRobin:
    def test_takes_turns_and_drops_ended_iterators(self) -> None:
        its = [iter("ABC"), iter("D"), iter("EF")]
        assert "".join(stages.round_robin(its)) == "ADEBFC"

    def test_empty(self) -> None:
        assert list(stages.round_robin([])) == []
        assert list(stages.round_robin([iter(()), iter(())])) == []

    def test_pulls_each_only_on_its_turn(self) -> None:
        a, b = OneShot([1, 2, 3]), OneShot([10, 20, 30])
        it = stages.round_robin([a, b])
        assert list(itertools.islice(it, 3)) == [1, 10, 2]
        assert (a.pulled, b.pulled) == (2, 1)

    @given(st.lists(st.lists(st.integers(), max_size=5), max_size=4))
    def test_matches_the_itertools_recipe(self, lists: list[list[int]]) -> None:
        expected = [
            x
            for column in itertools.zip_longest(*lists, fillvalue=stages.END)
            for x in column
            if x is not stages.END
        ]
        assert list(stages.round_robin([iter(xs) for xs in lists])) == expected


class TestSuccessors:
    def test_until_nothing(self) -> None:
        got = stages.successors(1, lambda x: Some(x * 2) if x < 8 else Nothing())
        assert list(got) == [1, 2, 4, 8]

    def test_first_is_yielded_before_f_runs(self) -> None:
        it = stages.successors("first", fail)
        assert next(it) == "first"

    def test_stop_iteration_ends_quietly(self) -> None:
        def f(x: int) -> Any:
            raise StopIteration

        assert list(stages.successors(1, f)) == [1]


class _Asked:
    """An iterator that counts every ``next`` asked of it, the one that finds it exhausted too."""

    def __init__(self, items: list[int]) -> None:
        self._items = iter(items)
        self.asked = 0

    def __iter__(self) -> _Asked:
        return self

    def __next__(self) -> int:
        self.asked += 1
        return next(self._items)


class TestComparison:
    @given(st.lists(st.integers(0, 3), max_size=5), st.lists(st.integers(0, 3), max_size=5))
    def test_differ_matches_list_comparison(self, a: list[int], b: list[int]) -> None:
        assert stages.differ(a, b) == (a != b)

    @pytest.mark.parametrize("compare", [stages.differ, stages.partial_cmp])
    @given(a=st.lists(st.integers(0, 3), max_size=5), b=st.lists(st.integers(0, 3), max_size=5))
    def test_pulls_what_zip_longest_pulls(
        self, compare: Callable[[Any, Any], Any], a: list[int], b: list[int]
    ) -> None:
        # the reference: a walk over zip_longest that stops at the first difference
        ref_a, ref_b = _Asked(a), _Asked(b)
        for x, y in itertools.zip_longest(ref_a, ref_b, fillvalue=stages.END):
            if x is stages.END or y is stages.END or x != y:
                break
        got_a, got_b = _Asked(a), _Asked(b)
        compare(got_a, got_b)
        assert (got_a.asked, got_b.asked) == (ref_a.asked, ref_b.asked)

    @pytest.mark.parametrize(
        ("a", "b", "differ", "order"),
        [
            ([ANY], [], True, 1),
            ([], [ANY], True, -1),
            ([1, ANY], [1], True, 1),
            ([1], [1, ANY], True, -1),
            ([ANY, 1], [5, 1], False, 0),
        ],
    )
    def test_an_item_equal_to_everything_does_not_hide_a_length_difference(
        self, a: list[Any], b: list[Any], differ: bool, order: int
    ) -> None:
        assert stages.differ(a, b) is differ
        assert stages.partial_cmp(a, b) == order

    @given(st.lists(st.integers(0, 3), max_size=5), st.lists(st.integers(0, 3), max_size=5))
    def test_partial_cmp_matches_list_comparison(self, a: list[int], b: list[int]) -> None:
        expected = (a > b) - (a < b)
        assert stages.partial_cmp(a, b) == expected

    def test_incomparable_pair(self) -> None:
        nan = float("nan")
        assert stages.partial_cmp([1, nan], [1, 2.0]) is None
        assert stages.partial_cmp([1, 2.0], [1, nan]) is None

    def test_only_less_than_is_used(self) -> None:
        class Lt:
            def __init__(self, v: int) -> None:
                self.v = v

            def __lt__(self, other: Lt) -> bool:
                return self.v < other.v

        a, b = Lt(1), Lt(2)
        assert stages.partial_cmp([a], [b]) == -1
        assert stages.partial_cmp([b], [a]) == 1
        assert stages.partial_cmp([a], [a]) == 0


class TestCloseSource:
    def test_closes_what_has_close(self) -> None:
        f = io.StringIO("x")
        stages.close_source(f)
        assert f.closed

    def test_ignores_what_has_none(self) -> None:
        stages.close_source([1])
        stages.close_source(iter([1]))

    def test_ignores_a_non_callable_close(self) -> None:
        class Odd:
            close = 3

        stages.close_source(Odd())

    def test_close_errors_propagate(self) -> None:
        class Bad:
            def close(self) -> None:
                raise KeyError("close")

        with pytest.raises(KeyError):
            stages.close_source(Bad())


class TestCallOnce:
    def test_calls_once(self) -> None:
        closes = CloseRecorder()
        release = stages.CallOnce(closes.callback("f"))
        release()
        release()
        closes.assert_closed_once()

    def test_none_is_a_no_op(self) -> None:
        stages.CallOnce(None)()

    def test_a_failing_f_is_not_retried(self) -> None:
        calls: list[int] = []

        def f() -> None:
            calls.append(1)
            raise KeyError("f")

        once = stages.CallOnce(f)
        with pytest.raises(KeyError):
            once()
        once()
        assert calls == [1]


class TestClosing:
    def test_iterating_hands_out_the_iterator_itself(self) -> None:
        it = iter([1, 2])
        assert iter(stages.Closing(it)) is it

    def test_close_calls_each_closer_in_order(self) -> None:
        closes = CloseRecorder()
        wrapper = stages.Closing(iter([1]), closes.callback("a"), closes.callback("b"))
        closes.assert_not_closed()
        wrapper.close()
        assert closes.closed == ["a", "b"]
        wrapper.close()
        assert closes.closed == ["a", "b", "a", "b"]

    def test_without_closers(self) -> None:
        stages.Closing(iter([1])).close()
