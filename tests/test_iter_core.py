"""Iter's machinery: construction and protocols, ownership (moves, for loops, borrows), user
callbacks (laziness, exceptions, wrong-typed results), closing, misuse errors, the depth limit,
size_hint bounds, streaming memory and source exceptions.

Producers are in test_iter_producers.py, adapters (Peekable and by_ref included) in
test_iter_adapters.py, consumers in test_iter_consumers.py.
"""

from __future__ import annotations

import copy
import operator
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings, strategies as st

from _helpers import Boom, Recorder, Untouchable, boom
from itero import (
    Err,
    Iter,
    MovedError,
    Nothing,
    Ok,
    Option,
    Peekable,
    PipelineTooDeepError,
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
from itero._hints import bounds
from itero._iter import MAX_DEPTH
from itero.testing import OneShot

T = TypeVar("T")

# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------


# Every adapter, built on `it` with callbacks that must not run at build time.
UNARY_ADAPTERS: dict[str, Callable[[Iter[Any]], Iter[Any]]] = {
    "map": lambda it: it.map(boom),
    "filter": lambda it: it.filter(boom),
    "enumerate": lambda it: it.enumerate(),
    "flatten": lambda it: it.flatten(),
    "flat_map": lambda it: it.flat_map(boom),
    "intersperse": lambda it: it.intersperse(0),
    "cycle": lambda it: it.cycle(),
    "peekable": lambda it: it.peekable(),
    "fuse": lambda it: it.fuse(),
    "by_ref": lambda it: it.by_ref(),
    "inspect": lambda it: it.inspect(boom),
    "filter_map": lambda it: it.filter_map(boom),
    "map_while": lambda it: it.map_while(boom),
    "scan": lambda it: it.scan(0, boom),
    "take": lambda it: it.take(3),
    "skip": lambda it: it.skip(3),
    "take_while": lambda it: it.take_while(boom),
    "skip_while": lambda it: it.skip_while(boom),
    "step_by": lambda it: it.step_by(2),
    "chunks": lambda it: it.chunks(2),
    "windows": lambda it: it.windows(2),
    "chunk_by": lambda it: it.chunk_by(boom),
    "dedup": lambda it: it.dedup(),
    "dedup_by_key": lambda it: it.dedup_by_key(boom),
    "unique": lambda it: it.unique(),
    "unique_by_key": lambda it: it.unique_by_key(boom),
    "map_ok": lambda it: it.map_ok(boom),
    "map_err": lambda it: it.map_err(boom),
    "and_then_ok": lambda it: it.and_then_ok(boom),
    "filter_ok": lambda it: it.filter_ok(boom),
    "inspect_err": lambda it: it.inspect_err(boom),
    "oks": lambda it: it.oks(),
    "errs": lambda it: it.errs(),
}
MULTI_ADAPTERS: dict[str, Callable[[Iter[Any], Any], Iter[Any]]] = {
    "chain": lambda it, o: it.chain(o),
    "zip": lambda it, o: it.zip(o),
    "interleave": lambda it, o: it.interleave(o),
    "zip_longest": lambda it, o: it.zip_longest(o),
    "merge": lambda it, o: it.merge(o),
}
MOVING_CONSUMERS: dict[str, Callable[[Iter[Any]], object]] = {
    "collect": lambda it: it.collect(),
    "for_each": lambda it: it.for_each(lambda x: None),
    "fold": lambda it: it.fold(0, operator.add),
    "reduce": lambda it: it.reduce(operator.add),
    "count": lambda it: it.count(),
    "sum": lambda it: it.sum(),
    "product": lambda it: it.product(),
    "min": lambda it: it.min(),
    "max": lambda it: it.max(),
    "min_by": lambda it: it.min_by(lambda a, b: a - b),
    "max_by": lambda it: it.max_by(lambda a, b: a - b),
    "min_by_key": lambda it: it.min_by_key(abs),
    "max_by_key": lambda it: it.max_by_key(abs),
    "last": lambda it: it.last(),
    "partition": lambda it: it.partition(bool),
    "eq": lambda it: it.eq([1]),
    "ne": lambda it: it.ne([1]),
    "lt": lambda it: it.lt([1]),
    "le": lambda it: it.le([1]),
    "gt": lambda it: it.gt([1]),
    "ge": lambda it: it.ge([1]),
    "cmp": lambda it: it.cmp([1]),
    "is_sorted": lambda it: it.is_sorted(),
    "is_sorted_by": lambda it: it.is_sorted_by(operator.le),
    "is_sorted_by_key": lambda it: it.is_sorted_by_key(abs),
}
BORROWING: dict[str, Callable[[Iter[Any]], object]] = {
    "next": lambda it: it.next(),
    "nth": lambda it: it.nth(0),
    "find": lambda it: it.find(bool),
    "find_map": lambda it: it.find_map(Some),
    "position": lambda it: it.position(bool),
    "any": lambda it: it.any(bool),
    "all": lambda it: it.all(bool),
    "try_fold": lambda it: it.try_fold(0, lambda a, x: Ok(a + x)),
    "try_for_each": lambda it: it.try_for_each(lambda x: Ok(None)),
    "size_hint": lambda it: it.size_hint(),
    "by_ref": lambda it: it.by_ref(),
    "close": lambda it: it.close(),
}


# ------------------------------------------------------------------------------------------------
# laziness
# ------------------------------------------------------------------------------------------------


class TestLaziness:
    @pytest.mark.parametrize("name", sorted(UNARY_ADAPTERS))
    def test_building_an_adapter_pulls_nothing_and_calls_nothing(self, name: str) -> None:
        it = UNARY_ADAPTERS[name](Iter(Untouchable()))
        assert isinstance(it, Iter)

    @pytest.mark.parametrize("name", sorted(MULTI_ADAPTERS))
    def test_building_a_multi_input_adapter_pulls_no_input(self, name: str) -> None:
        it = MULTI_ADAPTERS[name](Iter(Untouchable()), Untouchable())
        assert isinstance(it, Iter)

    def test_generator_source_is_not_started(self) -> None:
        started: list[bool] = []

        def gen() -> Iterator[int]:
            started.append(True)
            yield 1

        it = Iter(gen()).map(str).filter(bool).take(3)
        assert started == []
        assert it.collect() == ["1"]
        assert started == [True]

    def test_producers_call_nothing_at_build(self) -> None:
        once_with(boom)
        repeat_with(boom)
        from_fn(boom)
        successors(Some(1), boom)

    def test_take_pulls_exactly_n(self) -> None:
        src = Recorder(list(range(10)))
        assert Iter(src).take(3).collect() == [0, 1, 2]
        assert src.pulled == 3

    def test_any_stops_at_the_first_match(self) -> None:
        src = Recorder([0, 1, 2, 3])
        it = Iter(src)
        assert it.any(lambda x: x == 1)
        assert src.pulled == 2
        assert it.collect() == [2, 3]

    def test_try_collect_pulls_nothing_after_the_first_err(self) -> None:
        src: Recorder[Ok[int] | Err[str]] = Recorder([Ok(1), Err("e"), Ok(3)])
        assert Iter(src).try_collect() == Err("e")
        assert src.pulled == 2

    def test_chunks_pull_one_chunk_at_a_time(self) -> None:
        src = Recorder(list(range(10)))
        it = Iter(src).chunks(3)
        assert it.next() == Some([0, 1, 2])
        assert src.pulled == 3

    def test_interleave_pulls_each_source_on_its_turn(self) -> None:
        a, b = Recorder([1, 2]), Recorder([10, 20])
        it = Iter(a).interleave(b)
        assert it.next() == Some(1)
        assert (a.pulled, b.pulled) == (1, 0)


# ------------------------------------------------------------------------------------------------
# construction and protocols
# ------------------------------------------------------------------------------------------------


class TestProtocols:
    def test_iter_returns_the_c_iterator(self) -> None:
        it = Iter(range(3)).map(str)
        inner = iter(it)
        assert type(inner) is map
        assert list(inner) == ["0", "1", "2"]

    def test_dunder_next_and_next(self) -> None:
        it = Iter([1, 2])
        assert next(it) == 1
        assert it.next() == Some(2)
        with pytest.raises(StopIteration):
            next(it)

    def test_next_after_exhaustion_keeps_returning_nothing(self) -> None:
        it = Iter([1]).map(lambda x: x + 1)
        assert [it.next() for _ in range(4)] == [Some(2), Nothing(), Nothing(), Nothing()]

    def test_for_loop_over_by_ref_keeps_the_rest(self) -> None:
        it = Iter([1, 2, 3])
        for x in it.by_ref():
            assert x == 1
            break
        assert it.collect() == [2, 3]

    def test_length_hint(self) -> None:
        assert operator.length_hint(Iter([1, 2, 3]).map(str)) == 3
        assert operator.length_hint(Iter(x for x in [1]), -7) == -7
        assert operator.length_hint(Iter([1, 2, 3]).filter(bool), -7) == -7

    def test_callback_exceptions_propagate_unchanged(self) -> None:
        def fail(x: int) -> int:
            raise Boom(x)

        with pytest.raises(Boom) as info:
            Iter([1]).map(fail).collect()
        assert info.value.args == (1,)

    def test_repr_names_the_state(self) -> None:
        it = Iter([1])
        assert "list_iterator" in repr(it)
        it.map(str)
        assert "moved" in repr(it)


class TestSupportsNextSources:
    class Countdown:
        def __init__(self, n: int) -> None:
            self.n = n

        def next(self) -> Option[int]:
            self.n -= 1
            return Some(self.n) if self.n >= 0 else Nothing()

    def test_a_next_method_source(self) -> None:
        assert Iter(self.Countdown(3)).collect() == [2, 1, 0]

    def test_stops_at_the_first_nothing_and_is_lazy(self) -> None:
        src = self.Countdown(5)
        it = Iter(src)
        assert src.n == 5
        assert it.take(2).collect() == [4, 3]
        assert src.n == 3

    def test_agrees_with_next_docstring_not_stopped_for_good_unless_fused(self) -> None:
        """As ``Iter.next()`` documents (and Rust does): a ``Nothing()`` ends the stream, and
        asking again asks the source again; ``fuse()`` stops for good."""

        class Bursts:
            def __init__(self) -> None:
                self.calls = 0

            def next(self) -> Option[int]:
                self.calls += 1
                return Nothing() if self.calls % 3 == 0 else Some(self.calls)

        src = Bursts()
        it = Iter(src)
        assert it.by_ref().collect() == [1, 2]
        assert it.next() == Some(4)
        assert it.by_ref().collect() == [5]
        assert src.calls == 6
        fused = Iter(Bursts()).fuse()
        assert fused.by_ref().collect() == [1, 2]
        assert fused.next() is Nothing()

    def test_iterable_wins_over_next(self) -> None:
        class Both:
            def __iter__(self) -> Iterator[int]:
                return iter([1, 2])

            def next(self) -> Option[int]:
                raise AssertionError("unused")

        assert Iter(Both()).collect() == [1, 2]

    def test_another_iter_is_moved(self) -> None:
        first = Iter([1, 2]).map(str)
        second = Iter(first)
        assert second.collect() == ["1", "2"]
        with pytest.raises(MovedError):
            first.next()


class OptionSource:
    """A Rust-style source: ``next() -> Option[int]``."""

    def __init__(self, xs: list[int]) -> None:
        self.xs = list(xs)
        self.calls = 0

    def next(self) -> Option[int]:
        self.calls += 1
        return Some(self.xs.pop(0)) if self.xs else Nothing()


class TestConstruction:
    @given(st.lists(st.integers(), max_size=30))
    def test_supports_next_source(self, xs: list[int]) -> None:
        src = OptionSource(xs)
        it = Iter(src)
        assert src.calls == 0
        assert it.collect() == xs
        assert src.calls == len(xs) + 1

    def test_peekable_constructible_directly(self) -> None:
        p = Peekable([1, 2])
        assert p.peek() == Some(1)
        assert p.collect() == [1, 2]

    def test_bad_source_names_source(self) -> None:
        with pytest.raises(TypeError, match="source"):
            Iter(42)  # type: ignore[arg-type]

    def test_a_type_error_from_the_sources_own_iter_propagates_unchanged(self) -> None:
        error = TypeError("the cursor is closed")

        class Cursor:
            def __iter__(self) -> Iterator[int]:
                raise error

            def next(self) -> Option[int]:
                raise AssertionError("not a SupportsNext: it has __iter__")

        with pytest.raises(TypeError) as caught:
            Iter(Cursor())
        assert caught.value is error

    def test_iter_none_marks_a_supports_next_source(self) -> None:
        class NotIterable(OptionSource):
            __iter__ = None

        assert Iter(NotIterable([1, 2])).collect() == [1, 2]

    def test_iter_of_iter_moves(self) -> None:
        a = Iter([1, 2])
        b = Iter(a)
        assert b.collect() == [1, 2]
        with pytest.raises(MovedError):
            a.next()


class TestNext:
    @given(st.lists(st.integers(), max_size=30), st.lists(st.booleans(), max_size=40))
    def test_mixed_protocols_walk_the_items(self, xs: list[int], how: list[bool]) -> None:
        source = OneShot(xs)
        it = Iter(source)
        pos = 0
        for via_option in how:
            if via_option:
                assert it.next() == (Some(xs[pos]) if pos < len(xs) else Nothing())
            elif pos < len(xs):
                assert next(it) == xs[pos]
            else:
                with pytest.raises(StopIteration):
                    next(it)
            pos = min(pos + 1, len(xs))
            assert source.pulled == pos
        assert list(it) == xs[pos:]

    def test_builtin_next_does_not_move(self) -> None:
        it = Iter([1, 2, 3])
        assert next(it) == 1
        assert it.next() == Some(2)
        assert it.collect() == [3]

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


# ------------------------------------------------------------------------------------------------
# ownership: adapters, consumers and for loops move the Iter; search consumers borrow it
# ------------------------------------------------------------------------------------------------


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


class TestLoopsMove:
    """A for loop (and iter(), list(), ...) takes the Iter by value, as Rust's does."""

    NODES = ("a", "b", "c")

    @pytest.mark.parametrize(
        "loop",
        [
            lambda it: [x for x in it],
            lambda it: list(it),
            lambda it: iter(it),
            lambda it: next(zip(it, "xyz", strict=False)),
            lambda it: sorted(it),
        ],
        ids=["for", "list", "iter", "zip", "sorted"],
    )
    def test_later_use_raises_moved_error_naming_the_loop(
        self, loop: Callable[[Iter[str]], object]
    ) -> None:
        nodes = Iter(self.NODES)
        loop(nodes)
        with pytest.raises(MovedError, match=r"moved into a for loop / iter\(\).*by_ref"):
            nodes.count()
        with pytest.raises(MovedError, match="for loop"):
            iter(nodes)

    def test_reuse_after_a_loop_was_silently_empty(self) -> None:
        nodes = Iter(self.NODES)
        assert [n.upper() for n in nodes] == ["A", "B", "C"]
        with pytest.raises(MovedError):
            nodes.count()  # it returned 0

    def test_break_then_continue_through_by_ref(self) -> None:
        lines = Iter(["# a", "# b", "", "body 1", "body 2"])
        header = []
        for line in lines.by_ref():
            if not line:
                break
            header.append(line)
        assert header == ["# a", "# b"]
        assert lines.collect() == ["body 1", "body 2"]

    def test_peekable_loop_moves_and_its_by_ref_keeps_the_peeked_item(self) -> None:
        p = Iter([1, 2, 3]).peekable()
        assert p.peek() == Some(1)
        for x in p.by_ref():
            assert x == 1
            break
        assert p.peek() == Some(2)
        assert list(p) == [2, 3]
        with pytest.raises(MovedError):
            p.peek()

    def test_an_iter_in_a_pipeline_is_not_moved_by_building(self) -> None:
        inner = Iter([1, 2])
        outer = Iter([0]).chain(inner).zip(Iter("abc"))
        assert outer.collect() == [(0, "a"), (1, "b"), (2, "c")]
        nested = Iter([Iter([1]), Iter([2, 3])]).flatten()
        assert nested.collect() == [1, 2, 3]

    @pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy])
    def test_copy_is_refused(self, copier: Callable[[object], object]) -> None:
        src = Recorder([1, 2, 3])
        it = Iter(src).map(abs)
        with pytest.raises(TypeError, match=r"cannot be copied.*by_ref\(\).*collect\(\)"):
            copier(it)
        with pytest.raises(TypeError, match="cannot be copied"):
            copier(it.peekable())

    def test_copy_of_a_moved_iter_is_refused_too(self) -> None:
        it = Iter([1])
        list(it)
        with pytest.raises(TypeError, match="cannot be copied"):
            copy.copy(it)


MOVING: dict[str, Callable[[Iter[Any]], object]] = {
    "map": lambda it: it.map(str),
    "filter": lambda it: it.filter(bool),
    "filter_map": lambda it: it.filter_map(Some),
    "flat_map": lambda it: it.flat_map(lambda x: [x]),
    "flatten": lambda it: it.flatten(),
    "take": lambda it: it.take(1),
    "skip": lambda it: it.skip(1),
    "take_while": lambda it: it.take_while(bool),
    "skip_while": lambda it: it.skip_while(bool),
    "map_while": lambda it: it.map_while(Some),
    "step_by": lambda it: it.step_by(2),
    "chain": lambda it: it.chain([1]),
    "zip": lambda it: it.zip([1]),
    "enumerate": lambda it: it.enumerate(),
    "peekable": lambda it: it.peekable(),
    "fuse": lambda it: it.fuse(),
    "inspect": lambda it: it.inspect(print),
    "scan": lambda it: it.scan(0, lambda s, x: Some((s, x))),
    "cycle": lambda it: it.cycle(),
    "chunks": lambda it: it.chunks(2),
    "windows": lambda it: it.windows(2),
    "chunk_by": lambda it: it.chunk_by(bool),
    "dedup": lambda it: it.dedup(),
    "dedup_by_key": lambda it: it.dedup_by_key(bool),
    "unique": lambda it: it.unique(),
    "unique_by_key": lambda it: it.unique_by_key(bool),
    "intersperse": lambda it: it.intersperse(0),
    "interleave": lambda it: it.interleave([1]),
    "zip_longest": lambda it: it.zip_longest([1]),
    "merge": lambda it: it.merge([1]),
    "map_ok": lambda it: it.map_ok(str),
    "map_err": lambda it: it.map_err(str),
    "and_then_ok": lambda it: it.and_then_ok(Ok),
    "filter_ok": lambda it: it.filter_ok(bool),
    "inspect_err": lambda it: it.inspect_err(print),
    "oks": lambda it: it.oks(),
    "errs": lambda it: it.errs(),
    "collect": lambda it: it.collect(),
    "for_each": lambda it: it.for_each(lambda _: None),
    "fold": lambda it: it.fold(0, lambda a, _: a),
    "reduce": lambda it: it.reduce(lambda a, _: a),
    "count": lambda it: it.count(),
    "sum": lambda it: it.sum(),
    "product": lambda it: it.product(),
    "min": lambda it: it.min(),
    "max": lambda it: it.max(),
    "min_by": lambda it: it.min_by(lambda a, b: 0),
    "max_by": lambda it: it.max_by(lambda a, b: 0),
    "min_by_key": lambda it: it.min_by_key(abs),
    "max_by_key": lambda it: it.max_by_key(abs),
    "last": lambda it: it.last(),
    "partition": lambda it: it.partition(bool),
    "eq": lambda it: it.eq([]),
    "ne": lambda it: it.ne([]),
    "lt": lambda it: it.lt([]),
    "le": lambda it: it.le([]),
    "gt": lambda it: it.gt([]),
    "ge": lambda it: it.ge([]),
    "cmp": lambda it: it.cmp([]),
    "is_sorted": lambda it: it.is_sorted(),
    "is_sorted_by": lambda it: it.is_sorted_by(lambda a, b: True),
    "is_sorted_by_key": lambda it: it.is_sorted_by_key(abs),
}

MOVING_PAIRS: dict[str, Callable[[Iter[Any]], object]] = {
    "unzip": lambda it: it.unzip(),
}
MOVING_RESULTS: dict[str, Callable[[Iter[Any]], object]] = {
    "try_collect": lambda it: it.try_collect(),
    "partition_results": lambda it: it.partition_results(),
}
MOVING_STRS: dict[str, Callable[[Iter[Any]], object]] = {"join": lambda it: it.join(",")}

BORROWING_SEARCHES: dict[str, Callable[[Iter[Any]], object]] = {
    "next": lambda it: it.next(),
    "nth": lambda it: it.nth(0),
    "find": lambda it: it.find(lambda x: x == 1),
    "find_map": lambda it: it.find_map(lambda x: Some(x) if x == 1 else Nothing()),
    "position": lambda it: it.position(lambda x: x == 1),
    "any": lambda it: it.any(lambda x: x == 1),
    "all": lambda it: it.all(lambda x: x != 1),
    "try_fold": lambda it: it.try_fold(0, lambda a, x: Ok(a) if x != 1 else Err(x)),
    "try_for_each": lambda it: it.try_for_each(lambda x: Ok(None) if x != 1 else Err(x)),
    "size_hint": lambda it: it.size_hint(),
    "by_ref": lambda it: it.by_ref().take(2).collect(),
}


def _moving_cases() -> list[tuple[str, list[Any], Callable[[Iter[Any]], object]]]:
    cases: list[tuple[str, list[Any], Callable[[Iter[Any]], object]]] = []
    cases += [(name, [0, 1, 2], f) for name, f in MOVING.items()]
    cases += [(name, [(0, 1)], f) for name, f in MOVING_PAIRS.items()]
    cases += [(name, [Ok(0), Err(1)], f) for name, f in MOVING_RESULTS.items()]
    cases += [(name, ["a"], f) for name, f in MOVING_STRS.items()]
    return cases


class TestMoves:
    @pytest.mark.parametrize(
        ("name", "items", "use"), _moving_cases(), ids=[c[0] for c in _moving_cases()]
    )
    def test_moved_iter_raises_naming_the_method(
        self, name: str, items: list[Any], use: Callable[[Iter[Any]], object]
    ) -> None:
        it = Iter(items)
        use(it)
        with pytest.raises(MovedError, match=rf"\.{name}\(\)"):
            it.next()
        with pytest.raises(MovedError, match=rf"\.{name}\(\)"):
            next(it)
        with pytest.raises(MovedError):
            it.map(str)
        with pytest.raises(MovedError):
            for _ in it:
                pass

    @pytest.mark.parametrize(
        "name",
        [
            "chain",
            "zip",
            "interleave",
            "zip_longest",
            "merge",
            "eq",
            "ne",
            "lt",
            "le",
            "gt",
            "ge",
            "cmp",
        ],
    )
    def test_iter_arguments_are_moved(self, name: str) -> None:
        other = Iter([1])
        getattr(Iter([1]), name)(other)
        with pytest.raises(MovedError, match=rf"\.{name}\(\)"):
            other.next()

    def test_by_ref_argument_is_not_moved(self) -> None:
        other = Iter([1, 2, 3])
        assert Iter([0]).zip(other.by_ref()).collect() == [(0, 1)]
        assert other.collect() == [2, 3]

    @pytest.mark.parametrize("name", list(BORROWING_SEARCHES))
    def test_borrowing_methods_leave_it_usable(self, name: str) -> None:
        it = Iter([0, 1, 2, 3])
        BORROWING_SEARCHES[name](it)
        assert (
            it.collect()
            == {
                "next": [1, 2, 3],
                "nth": [1, 2, 3],
                "find": [2, 3],
                "find_map": [2, 3],
                "position": [2, 3],
                "any": [2, 3],
                "all": [2, 3],
                "try_fold": [2, 3],
                "try_for_each": [2, 3],
                "size_hint": [0, 1, 2, 3],
                "by_ref": [2, 3],
            }[name]
        )

    @pytest.mark.parametrize("name", sorted(set(UNARY_ADAPTERS) - {"by_ref"}))
    def test_every_adapter_moves(self, name: str) -> None:
        it = Iter([Ok(1)])
        UNARY_ADAPTERS[name](it)
        with pytest.raises(MovedError, match=rf"moved into \.{name}\(\); call \.by_ref\(\)"):
            it.next()

    @pytest.mark.parametrize("name", sorted(MULTI_ADAPTERS))
    def test_multi_input_adapters_move_self_and_iter_arguments(self, name: str) -> None:
        it, other = Iter([1]), Iter([2])
        MULTI_ADAPTERS[name](it, other)
        for moved in (it, other):
            with pytest.raises(MovedError, match=rf"\.{name}\(\)"):
                moved.next()

    @pytest.mark.parametrize("name", sorted(MOVING_CONSUMERS))
    def test_consuming_consumers_move(self, name: str) -> None:
        it = Iter([1, 2])
        MOVING_CONSUMERS[name](it)
        with pytest.raises(MovedError, match=rf"\.{name}\(\)"):
            it.next()

    @pytest.mark.parametrize("name", sorted(BORROWING))
    def test_borrowing_methods_leave_the_iter_usable(self, name: str) -> None:
        it = Iter([1, 2, 3])
        BORROWING[name](it)
        it.collect()  # does not raise

    @pytest.mark.parametrize(
        "use",
        [
            lambda it: it.next(),
            lambda it: next(it),
            lambda it: list(it),
            lambda it: it.map(str),
            lambda it: it.chain([1]),
            lambda it: it.collect(),
            lambda it: it.size_hint(),
            lambda it: it.by_ref(),
            lambda it: it.find(bool),
            lambda it: Iter(it),
            lambda it: Iter([1]).chain(it),
            lambda it: Iter([1]).eq(it),
        ],
    )
    def test_every_later_use_raises_moved_error(self, use: Callable[[Iter[Any]], object]) -> None:
        it = Iter([1, 2])
        it.filter(bool)
        with pytest.raises(MovedError, match=r"this Iter was moved into \.filter\(\)"):
            use(it)

    def test_failed_argument_validation_does_not_move(self) -> None:
        it = Iter([1, 2])
        with pytest.raises(ValueError):
            it.take(-1)
        with pytest.raises(TypeError):
            it.map(3)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            it.chain(5)  # type: ignore[arg-type]
        assert it.collect() == [1, 2]

    def test_peekable_moves_too(self) -> None:
        p = Iter([1]).peekable()
        p.map(str)
        with pytest.raises(MovedError, match=r"\.map\(\)"):
            p.peek()


# ------------------------------------------------------------------------------------------------
# user callbacks: lazy, and their exceptions propagate unchanged
# ------------------------------------------------------------------------------------------------


Build = Callable[[Callable[..., Any]], Callable[[], object]]

CALLBACKS: dict[str, Build] = {
    # producers
    "once_with": lambda f: once_with(f).collect,
    "repeat_with": lambda f: repeat_with(f).take(2).collect,
    "from_fn": lambda f: from_fn(f).collect,
    "successors": lambda f: successors(Some(1), f).collect,
    # adapters
    "map": lambda f: Iter([1, 2]).map(f).collect,
    "filter": lambda f: Iter([1, 2]).filter(f).collect,
    "filter_map": lambda f: Iter([1, 2]).filter_map(f).collect,
    "flat_map": lambda f: Iter([1, 2]).flat_map(f).collect,
    "take_while": lambda f: Iter([1, 2]).take_while(f).collect,
    "skip_while": lambda f: Iter([1, 2]).skip_while(f).collect,
    "map_while": lambda f: Iter([1, 2]).map_while(f).collect,
    "inspect": lambda f: Iter([1, 2]).inspect(f).collect,
    "scan": lambda f: Iter([1, 2]).scan(0, f).collect,
    "chunk_by": lambda f: Iter([1, 2]).chunk_by(f).collect,
    "dedup_by_key": lambda f: Iter([1, 2]).dedup_by_key(f).collect,
    "unique_by_key": lambda f: Iter([1, 2]).unique_by_key(f).collect,
    "merge": lambda f: Iter([1, 3]).merge([2], key=f).collect,
    "map_ok": lambda f: Iter([Ok(1)]).map_ok(f).collect,
    "map_err": lambda f: Iter([Err(1)]).map_err(f).collect,
    "and_then_ok": lambda f: Iter([Ok(1)]).and_then_ok(f).collect,
    "filter_ok": lambda f: Iter([Ok(1)]).filter_ok(f).collect,
    "inspect_err": lambda f: Iter([Err(1)]).inspect_err(f).collect,
    "next_if": lambda f: partial(Iter([1]).peekable().next_if, f),
    # consumers
    "collect": lambda f: partial(Iter([1]).collect, f),
    "for_each": lambda f: partial(Iter([1]).for_each, f),
    "fold": lambda f: partial(Iter([1]).fold, 0, f),
    "try_fold": lambda f: partial(Iter([1]).try_fold, 0, f),
    "try_for_each": lambda f: partial(Iter([1]).try_for_each, f),
    "reduce": lambda f: partial(Iter([1, 2]).reduce, f),
    "min_by": lambda f: partial(Iter([1, 2]).min_by, f),
    "max_by": lambda f: partial(Iter([1, 2]).max_by, f),
    "min_by_key": lambda f: partial(Iter([1, 2]).min_by_key, f),
    "max_by_key": lambda f: partial(Iter([1, 2]).max_by_key, f),
    "any": lambda f: partial(Iter([1]).any, f),
    "all": lambda f: partial(Iter([1]).all, f),
    "find": lambda f: partial(Iter([1]).find, f),
    "find_map": lambda f: partial(Iter([1]).find_map, f),
    "position": lambda f: partial(Iter([1]).position, f),
    "partition": lambda f: partial(Iter([1]).partition, f),
    "is_sorted_by": lambda f: partial(Iter([1, 2]).is_sorted_by, f),
    "is_sorted_by_key": lambda f: partial(Iter([1, 2]).is_sorted_by_key, f),
}


LAZY = set(list(CALLBACKS)[: list(CALLBACKS).index("next_if")])
"""Producers and adapters: they take the callback when built and call it only when pulled."""


class TestCallbacks:
    @pytest.mark.parametrize("name", list(CALLBACKS))
    def test_exception_propagates_unchanged(self, name: str) -> None:
        error = Boom(name)

        def raiser(*args: object) -> Any:
            raise error

        run = CALLBACKS[name](raiser)
        with pytest.raises(Boom) as caught:
            run()
        assert caught.value is error

    @pytest.mark.parametrize("name", list(CALLBACKS))
    def test_building_does_not_call_the_callback(self, name: str) -> None:
        def raiser(*args: object) -> Any:
            raise AssertionError(f"{name} called its callback before being consumed")

        CALLBACKS[name](raiser)

    @pytest.mark.parametrize("name", list(CALLBACKS))
    def test_non_callable_is_type_error_at_the_call(self, name: str) -> None:
        not_callable: Any = 42
        if name in LAZY:
            with pytest.raises(TypeError, match="callable"):
                CALLBACKS[name](not_callable)
        else:
            run = CALLBACKS[name](not_callable)
            with pytest.raises(TypeError, match="callable"):
                run()


class NextReturns:
    """A ``SupportsNext`` whose ``next()`` returns the given values in turn (typed loosely,
    to feed Iter the wrong shapes a user's code can return)."""

    def __init__(self, *values: Any) -> None:
        self._values = iter(values)

    def next(self) -> Any:
        return next(self._values)


WrongResult = Callable[[Any], Callable[[], object]]

WRONG_RESULTS: dict[str, tuple[WrongResult, str]] = {
    # name: (run the method with a callback (or items) producing `bad` after one good item,
    #        the name the error must give)
    "filter_map": (
        lambda bad: Iter([1, 2]).filter_map(lambda x: Some(x) if x == 1 else bad).collect,
        "filter_map: f",
    ),
    "map_while": (
        lambda bad: Iter([1, 2]).map_while(lambda x: Some(x) if x == 1 else bad).collect,
        "map_while: f",
    ),
    "from_fn": (lambda bad: from_fn(iter([Some(1), bad]).__next__).collect, "from_fn: f"),
    "SupportsNext": (lambda bad: Iter(NextReturns(Some(1), bad)).collect, "source.next()"),
    "scan": (
        lambda bad: Iter([1, 2]).scan(0, lambda s, x: Some((s, x)) if x == 1 else bad).collect,
        "scan: f",
    ),
    "successors": (
        lambda bad: successors(Some(1), lambda x: Some(2) if x == 1 else bad).collect,
        "successors: f",
    ),
    "find_map": (
        lambda bad: partial(Iter([1, 2]).find_map, lambda x: Nothing() if x == 1 else bad),
        "find_map: f",
    ),
    "oks": (lambda bad: Iter([Ok(1), bad]).oks().collect, "oks"),
    "errs": (lambda bad: Iter([Err(1), bad]).errs().collect, "errs"),
    "and_then_ok": (
        lambda bad: Iter([Ok(1), Ok(2)]).and_then_ok(lambda x: Ok(x) if x == 1 else bad).collect,
        "and_then_ok: f",
    ),
}
RESULT_SHAPED = {"oks", "errs", "and_then_ok"}


class TestWrongTypedCallbackResults:
    """A callback returning the wrong shape is a TypeError naming it and the type it returned,
    never a silently shortened stream."""

    @pytest.mark.parametrize(
        ("name", "bad"),
        [
            (name, bad)
            for name in WRONG_RESULTS
            for bad in [None, 0, (1, 2), "x"]
            + ([Some(1), Nothing()] if name in RESULT_SHAPED else [Ok(1), Err(1)])
        ],
    )
    def test_type_error_names_the_callback_and_the_type(self, name: str, bad: object) -> None:
        run, who = WRONG_RESULTS[name]
        with pytest.raises(TypeError) as caught:
            run(bad)()
        message = str(caught.value)
        assert message.startswith(who)
        assert message.endswith(f"got {type(bad).__name__}")

    def test_items_before_the_wrong_one_come_out(self) -> None:
        it = Iter([1, 2, 3]).filter_map(lambda x: Some(x) if x < 3 else None)  # type: ignore[arg-type, return-value]
        assert it.next() == Some(1)
        assert it.next() == Some(2)
        with pytest.raises(TypeError, match="got NoneType"):
            it.next()

    def test_from_fn_next_none_idiom_is_refused(self) -> None:
        source = iter([1, 2])
        with pytest.raises(TypeError, match=r"from_fn: f must return .* got int"):
            from_fn(lambda: next(source, None)).collect()  # type: ignore[arg-type, return-value]


# ------------------------------------------------------------------------------------------------
# misuse: a clear error at the call that was wrong, naming the argument
# ------------------------------------------------------------------------------------------------


BAD_COUNTS: dict[str, tuple[Callable[[Iter[int], Any], object], str, int]] = {
    # name: (call, argument name, smallest allowed value)
    "take": (lambda it, v: it.take(v), "n", 0),
    "skip": (lambda it, v: it.skip(v), "n", 0),
    "chunks": (lambda it, v: it.chunks(v), "n", 1),
    "windows": (lambda it, v: it.windows(v), "n", 1),
    "step_by": (lambda it, v: it.step_by(v), "step", 1),
    "nth": (lambda it, v: it.nth(v), "n", 0),
    "repeat": (lambda it, v: repeat(1, v), "n", 0),
}


class TestMisuse:
    @pytest.mark.parametrize("name", list(BAD_COUNTS))
    def test_below_minimum_is_value_error_naming_the_argument(self, name: str) -> None:
        call, arg, minimum = BAD_COUNTS[name]
        with pytest.raises(ValueError, match=rf"\b{arg}\b"):
            call(Iter(Untouchable()), minimum - 1)

    @pytest.mark.parametrize("name", list(BAD_COUNTS))
    @pytest.mark.parametrize("value", [1.5, "2", None])
    def test_non_int_is_type_error_naming_the_argument(self, name: str, value: object) -> None:
        call, arg, _ = BAD_COUNTS[name]
        if name == "repeat" and value is None:
            return  # repeat(x, None) is the endless form
        with pytest.raises(TypeError, match=rf"\b{arg}\b"):
            call(Iter(Untouchable()), value)

    @pytest.mark.parametrize("name", list(BAD_COUNTS))
    def test_minimum_is_accepted(self, name: str) -> None:
        call, _, minimum = BAD_COUNTS[name]
        expected = {
            "take": [],
            "skip": [5, 6],
            "chunks": [[5], [6]],
            "windows": [(5,), (6,)],
            "step_by": [5, 6],
            "nth": Some(5),
            "repeat": [],
        }[name]
        assert settle(call(Iter([5, 6]), minimum)) == expected

    @pytest.mark.parametrize(
        "call",
        [
            lambda it: it.chain(5),
            lambda it: it.zip(5),
            lambda it: it.interleave(5),
            lambda it: it.zip_longest(5),
            lambda it: it.merge(5),
            lambda it: it.eq(5),
            lambda it: it.cmp(5),
            lambda it: it.lt(5),
        ],
    )
    def test_non_iterable_other_is_type_error(self, call: Callable[[Iter[Any]], object]) -> None:
        with pytest.raises(TypeError, match="iterable"):
            call(Iter(Untouchable()))

    def test_try_fold_f_must_return_option_or_result(self) -> None:
        with pytest.raises(TypeError):
            Iter([1]).try_fold(0, lambda acc, x: acc + x)  # type: ignore[arg-type, return-value]

    @pytest.mark.parametrize(
        ("call", "argument"),
        [
            (lambda: Iter([1]).take(-1), "n"),
            (lambda: Iter([1]).skip(-1), "n"),
            (lambda: Iter([1]).chunks(0), "n"),
            (lambda: Iter([1]).windows(0), "n"),
            (lambda: Iter([1]).step_by(0), "step"),
            (lambda: Iter([1]).nth(-1), "n"),
            (lambda: repeat(1, -1), "n"),
        ],
    )
    def test_out_of_range_is_a_value_error_naming_the_argument(
        self, call: Callable[[], object], argument: str
    ) -> None:
        with pytest.raises(ValueError, match=rf"^{argument} must be >= "):
            call()

    @pytest.mark.parametrize(
        ("call", "argument"),
        [
            (lambda it: it.map(None), "f"),
            (lambda it: it.filter(1), "pred"),
            (lambda it: it.take_while("x"), "pred"),
            (lambda it: it.chunk_by(2), "key"),
            (lambda it: it.fold(0, 3), "f"),
            (lambda it: it.min_by(None), "compare"),
            (lambda it: it.collect(5), "factory"),
            (lambda it: it.for_each(None), "f"),
            (lambda it: it.merge([1], key=1), "key"),
        ],
    )
    def test_non_callable_is_a_type_error_naming_the_argument(
        self, call: Callable[[Iter[Any]], object], argument: str
    ) -> None:
        with pytest.raises(TypeError, match=rf"^{argument} must be callable"):
            call(Iter([1]))

    @pytest.mark.parametrize(
        "call",
        [
            lambda: Iter([1]).take(1.5),  # type: ignore[arg-type]
            lambda: Iter([1]).take("2"),  # type: ignore[arg-type]
            lambda: Iter([1]).skip(True),
            lambda: Iter([1]).chunks(None),  # type: ignore[arg-type]
            lambda: Iter([1]).nth(0.0),  # type: ignore[arg-type]
            lambda: Iter([1]).enumerate("0"),  # type: ignore[arg-type]
            lambda: count("a"),  # type: ignore[call-overload]
        ],
    )
    def test_non_int_is_a_type_error(self, call: Callable[[], object]) -> None:
        with pytest.raises(TypeError):
            call()

    def test_non_iterable_source_is_a_type_error_naming_source(self) -> None:
        with pytest.raises(TypeError, match=r"^source must be an iterable"):
            Iter(42)  # type: ignore[call-overload, arg-type, unused-ignore]

    def test_non_iterable_other_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match=r"others\[1\] must be iterable"):
            Iter([1]).chain([2], 3)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"^other must be iterable"):
            Iter([1]).eq(3)  # type: ignore[arg-type]

    def test_result_methods_reject_non_results(self) -> None:
        with pytest.raises(TypeError, match="expected an Ok or an Err"):
            Iter([1]).map_ok(abs).collect()  # type: ignore[misc]
        with pytest.raises(TypeError, match="expected an Ok or an Err"):
            Iter([1]).try_collect()  # type: ignore[misc]

    def test_successors_first_must_be_an_option(self) -> None:
        with pytest.raises(TypeError, match="first must be a Some or Nothing"):
            successors(1, lambda x: Some(x))  # type: ignore[arg-type]


ONE_ITEM_STAGES: dict[str, Callable[[Iter[Any]], Iter[Any]]] = {
    "map": lambda it: it.map(abs),
    "filter": lambda it: it.filter(bool),
    "filter_map": lambda it: it.filter_map(Some),
    "flat_map": lambda it: it.flat_map(lambda x: [x]),
    "flatten": lambda it: it.map(lambda x: [x]).flatten(),
    "take": lambda it: it.take(5),
    "skip": lambda it: it.skip(0),
    "take_while": lambda it: it.take_while(bool),
    "skip_while": lambda it: it.skip_while(lambda x: False),
    "map_while": lambda it: it.map_while(Some),
    "step_by": lambda it: it.step_by(2),
    "chain": lambda it: it.chain([]),
    "zip": lambda it: it.zip([0]).map(lambda t: t[0]),
    "enumerate": lambda it: it.enumerate().map(lambda t: t[1]),
    "peekable": lambda it: it.peekable(),
    "fuse": lambda it: it.fuse(),
    "inspect": lambda it: it.inspect(abs),
    "scan": lambda it: it.scan(0, lambda s, x: Some((s, x))),
    "cycle": lambda it: it.take(1).cycle().take(1),
    "chunks": lambda it: it.chunks(1).map(lambda c: c[0]),
    "windows": lambda it: it.windows(1).map(lambda w: w[0]),
    "chunk_by": lambda it: it.chunk_by(abs).map(lambda kv: kv[1][0]),
    "dedup": lambda it: it.dedup(),
    "dedup_by_key": lambda it: it.dedup_by_key(abs),
    "unique": lambda it: it.unique(),
    "unique_by_key": lambda it: it.unique_by_key(abs),
    "intersperse": lambda it: it.intersperse(0),
    "interleave": lambda it: it.interleave([]),
    "zip_longest": lambda it: it.zip_longest([]).map(lambda t: t[0]),
    "merge": lambda it: it.merge([]),
    "merge_key": lambda it: it.merge([], key=abs),
    "results": lambda it: it.map(Ok).map_ok(abs).map_err(abs).filter_ok(bool).oks(),
    "and_then_ok.inspect_err": lambda it: it.map(Ok).and_then_ok(Ok).inspect_err(abs).oks(),
    "errs": lambda it: it.map(Err).errs(),
}
"""Stages that turn a one-item Iter into a one-item Iter (so depth, not size, grows)."""


# ------------------------------------------------------------------------------------------------
# depth limit
# ------------------------------------------------------------------------------------------------


GROWERS: dict[str, Callable[[Iter[Any]], Iter[Any]]] = {
    "map": lambda it: it.map(abs),
    "filter": lambda it: it.filter(bool),
    "take": lambda it: it.take(5),
    "peekable": lambda it: it.peekable(),
    "chain_into": lambda it: Iter([1]).chain(it),
    "zip_into": lambda it: Iter([1]).zip(it).map(operator.itemgetter(1)),
    "scan": lambda it: it.scan(0, lambda s, x: Some((s, x))),
    "unique": lambda it: it.unique(),
}


class TestDepthLimit:
    @pytest.mark.parametrize("name", sorted(GROWERS))
    def test_100_000_stages_raise_cleanly_at_build(self, name: str) -> None:
        grow = GROWERS[name]
        it: Iter[Any] = Iter([1])
        built = 0
        with pytest.raises(PipelineTooDeepError, match=rf"at most {MAX_DEPTH} stages"):
            for _ in range(100_000):
                it = grow(it)
                built += 1
        assert MAX_DEPTH // 2 <= built <= MAX_DEPTH

    def test_a_failed_build_leaves_the_iter_usable(self) -> None:
        it: Iter[int] = Iter([1, 2])
        for _ in range(MAX_DEPTH):
            it = it.map(abs)
        with pytest.raises(PipelineTooDeepError):
            it.map(abs)
        assert it.collect() == [1, 2]

    def test_deepest_pipelines_iterate_and_free_in_a_small_thread_stack(self) -> None:
        # In a subprocess: a crash here would be a segfault, not an exception.
        code = textwrap.dedent(
            """
            import gc, threading
            from itero import Iter, PipelineTooDeepError, Some
            from itero._iter import MAX_DEPTH
            kinds = {
                "map": lambda it: it.map(abs),
                "filter": lambda it: it.filter(lambda x: True),
                "chain": lambda it: it.chain([]),
                "peekable": lambda it: it.peekable(),
                "windows": lambda it: it.windows(1).map(lambda w: w[0]),
                "scan": lambda it: it.scan(0, lambda s, x: Some((s, x))),
                "unique": lambda it: it.unique(),
                "chunk_by": lambda it: it.chunk_by(abs).flat_map(lambda kv: kv[1]),
                "interleave": lambda it: it.interleave([]),
                "merge": lambda it: it.merge([]),
                "fuse": lambda it: it.fuse(),
                "mixed": lambda it: it.skip(0).unique().peekable(),
            }
            def deepest(grow):
                # Build until the limit refuses one more stage (then one more take() below).
                it = Iter(range(100))
                while True:
                    try:
                        grow(Iter(it.by_ref()).take(1))  # would two more stages fit?
                    except PipelineTooDeepError:
                        return it
                    it = grow(it)
            def run():
                try:
                    check()
                except BaseException as e:
                    print("failed:", repr(e))
            def check():
                for name, grow in kinds.items():
                    it = deepest(grow)
                    assert it._depth > MAX_DEPTH // 2 - 4, (name, it._depth)
                    lo, hi = it.size_hint()
                    assert it.by_ref().take(10).sum() == 45, name
                    assert it.count() == 90, name
                    for _ in range(3):  # built, half-used, unused: all freed
                        it = deepest(grow)
                        it.next()
                        del it
                    gc.collect()
                print("ok")
            threading.stack_size(512 * 1024)
            t = threading.Thread(target=run)
            t.start()
            t.join()
            """
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "ok"

    @pytest.mark.parametrize(
        "grow",
        [
            lambda it: it.map(abs),
            lambda it: it.filter(bool),
            lambda it: it.take(5),
            lambda it: it.peekable(),
            lambda it: Iter([1]).chain(it),
            lambda it: Iter([1]).zip(it),
        ],
    )
    def test_too_deep_raises_at_build_not_crash(
        self, grow: Callable[[Iter[Any]], Iter[Any]]
    ) -> None:
        it: Iter[Any] = Iter([1])
        with pytest.raises((RecursionError, ValueError)):
            for _ in range(100_000):
                it = grow(it)

    @pytest.mark.parametrize("name", list(ONE_ITEM_STAGES))
    def test_deepest_allowed_pipeline_runs(self, name: str) -> None:
        # Build until the limit refuses one more stage: what was accepted must then run
        # (no RecursionError at consumption; Python-level stages nest frames).
        stage = ONE_ITEM_STAGES[name]
        it: Iter[Any] = Iter([1])
        for _ in range(5_000):
            probe = Iter(it.by_ref())  # a throwaway view to test whether one more stage fits
            try:
                stage(probe)
            except PipelineTooDeepError:
                break
            it = stage(it)
        else:
            raise AssertionError("no depth limit reached")
        assert it.collect() == [1]

    def test_moderate_depth_works(self) -> None:
        it = Iter(range(5))
        for _ in range(500):
            it = it.map(lambda x: x + 1)
        assert it.collect() == [500, 501, 502, 503, 504]


# ------------------------------------------------------------------------------------------------
# size_hint and close
# ------------------------------------------------------------------------------------------------

STAGES: list[tuple[str, Callable[[Iter[int]], Iter[Any]]]] = [
    ("map", lambda it: it.map(lambda x: x + 1)),
    ("filter", lambda it: it.filter(lambda x: x % 3 != 0)),
    ("enumerate", lambda it: it.enumerate(5).map(lambda t: t[0] - t[1])),
    ("take2", lambda it: it.take(2)),
    ("take7", lambda it: it.take(7)),
    ("skip3", lambda it: it.skip(3)),
    ("step_by3", lambda it: it.step_by(3)),
    ("chunks2", lambda it: it.chunks(2).map(len)),
    ("windows3", lambda it: it.windows(3).map(len)),
    ("intersperse", lambda it: it.intersperse(0)),
    ("peekable", lambda it: it.peekable()),
    ("chain", lambda it: it.chain([1, 2])),
    ("zip", lambda it: it.zip(range(5)).map(lambda t: t[0])),
    ("zip_longest", lambda it: it.zip_longest([9, 9]).map(lambda t: t[0] or 0)),
    ("interleave", lambda it: it.interleave([7, 8, 9])),
    ("merge", lambda it: it.merge([0, 5])),
    ("dedup", lambda it: it.dedup()),
    ("unique", lambda it: it.unique()),
    ("chunk_by", lambda it: it.chunk_by(lambda x: x // 3).map(lambda kv: kv[0])),
    ("take_while", lambda it: it.take_while(lambda x: x < 8)),
    ("skip_while", lambda it: it.skip_while(lambda x: x < 2)),
    ("inspect", lambda it: it.inspect(lambda x: None)),
    ("fuse", lambda it: it.fuse()),
    ("flat_map", lambda it: it.flat_map(lambda x: [x] * (x % 3))),
    ("cycle_take", lambda it: it.cycle().take(13)),
]
SOURCES: dict[str, Callable[[list[int]], Iter[int]]] = {
    "list": lambda xs: Iter(xs),
    "tuple": lambda xs: Iter(tuple(xs)),
    "list_iterator": lambda xs: Iter(iter(xs)),
    "range": lambda xs: Iter(range(len(xs))).map(lambda i: xs[i]),
    "generator": lambda xs: Iter(x for x in xs),
    "peek_source": lambda xs: Iter(xs).peekable(),
}


RESULTS: list[Ok[int] | Err[int]] = [Ok(1), Err(2), Ok(3)]


CLOSE_LESS: dict[str, Callable[[], Iter[int]]] = {
    "iter(list)": lambda: Iter(iter([1, 2, 3])),
    "map object": lambda: Iter(map(abs, [1, 2, 3])),
    "list": lambda: Iter([1, 2, 3]),
    "from_fn": lambda: from_fn(iter([Some(1), Some(2), Some(3)]).__next__),
    "repeat(x, n)": lambda: repeat(1, 3).map(lambda x: x),
    "repeat(x)": lambda: repeat(1).take(3),
    "repeat_with": lambda: repeat_with(lambda: 1).take(3),
}


def peeked(it: Peekable[T]) -> Peekable[T]:
    """``it`` after a ``peek()``."""
    it.peek()
    return it


PIPELINES: dict[str, Callable[[Iterable[int], list[int]], Iter[Any]]] = {
    "source": lambda src, xs: Iter(src),
    "generator": lambda src, xs: Iter(x for x in src),
    "supports_next": lambda src, xs: Iter(OptionSource(list(src))),
    "map": lambda src, xs: Iter(src).map(str),
    "filter": lambda src, xs: Iter(src).filter(lambda x: x % 2),
    "filter_map": lambda src, xs: Iter(src).filter_map(lambda x: Some(x) if x % 2 else Nothing()),
    "flat_map": lambda src, xs: Iter(src).flat_map(lambda x: range(x % 3)),
    "flatten": lambda src, xs: Iter(src).map(lambda x: [x] * (x % 3)).flatten(),
    "take": lambda src, xs: Iter(src).take(5),
    "skip": lambda src, xs: Iter(src).skip(3),
    "take_while": lambda src, xs: Iter(src).take_while(lambda x: x < 2),
    "skip_while": lambda src, xs: Iter(src).skip_while(lambda x: x < 2),
    "map_while": lambda src, xs: Iter(src).map_while(lambda x: Some(x) if x < 2 else Nothing()),
    "step_by": lambda src, xs: Iter(src).step_by(3),
    "chain": lambda src, xs: Iter(src).chain(xs[:3], iter(xs[:2])),
    "zip": lambda src, xs: Iter(src).zip(xs[2:]),
    "enumerate": lambda src, xs: Iter(src).enumerate(1),
    "peekable": lambda src, xs: Iter(src).peekable(),
    "fuse": lambda src, xs: Iter(src).fuse(),
    "peeked": lambda src, xs: peeked(Iter(src).peekable()),
    "inspect": lambda src, xs: Iter(src).inspect(lambda _: None),
    "scan": lambda src, xs: Iter(src).scan(
        0, lambda s, x: Some((s + x, s)) if x < 3 else Nothing()
    ),
    "chunks": lambda src, xs: Iter(src).chunks(3),
    "windows": lambda src, xs: Iter(src).windows(3),
    "chunk_by": lambda src, xs: Iter(src).chunk_by(lambda x: x % 2),
    "dedup": lambda src, xs: Iter(src).dedup(),
    "dedup_by_key": lambda src, xs: Iter(src).dedup_by_key(lambda x: x % 2),
    "unique": lambda src, xs: Iter(src).unique(),
    "unique_by_key": lambda src, xs: Iter(src).unique_by_key(lambda x: x % 3),
    "intersperse": lambda src, xs: Iter(src).intersperse(-1),
    "interleave": lambda src, xs: Iter(src).interleave(xs[:2], iter(xs[1:])),
    "zip_longest": lambda src, xs: Iter(src).zip_longest(xs[:2]),
    "merge": lambda src, xs: Iter(src).merge(xs[1:]),
    "cycle_take": lambda src, xs: Iter(src).cycle().take(7),
    "oks": lambda src, xs: Iter(src).map(lambda x: Ok(x) if x % 2 else Err(x)).oks(),
    "errs": lambda src, xs: Iter(src).map(lambda x: Ok(x) if x % 2 else Err(x)).errs(),
}
"""Pipelines over a source; ``xs`` (the same items) feeds the other inputs. Merge sorts first."""


EXACT_STAGES: dict[str, Callable[[Iter[int]], Iter[Any]]] = {
    "source": lambda it: it,
    "map": lambda it: it.map(abs),
    "enumerate": lambda it: it.enumerate(),
    "zip": lambda it: it.zip(range(7)),
    "take": lambda it: it.take(4),
    "skip": lambda it: it.skip(3),
    "chain": lambda it: it.chain([1, 2]),
    "chunks": lambda it: it.chunks(3),
    "windows": lambda it: it.windows(3),
    "fuse": lambda it: it.fuse(),
    "inspect": lambda it: it.inspect(abs),
    "zip_longest": lambda it: it.zip_longest(range(5)),
    "interleave": lambda it: it.interleave(range(3)),
    "step_by": lambda it: it.step_by(3),
}
"""Stages that keep an exact size exact (Rust: ExactSizeIterator). intersperse, peekable and
merge are exact in Rust too but only required to give correct bounds here (lead's decision)."""


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


class TestSizeHint:
    @pytest.mark.parametrize("name", list(PIPELINES))
    @given(xs=st.lists(st.integers(0, 4), max_size=12))
    def test_bounds_the_remaining_count_at_every_step(self, name: str, xs: list[int]) -> None:
        xs = sorted(xs) if name == "merge" else xs
        total = len(PIPELINES[name](xs, xs).collect())
        it = PIPELINES[name](xs, xs)
        for done in range(total + 1):
            lower, upper = it.size_hint()
            remaining = total - done
            assert isinstance(lower, int)
            assert 0 <= lower <= remaining, (name, done, lower, remaining)
            if isinstance(upper, Some):
                assert remaining <= upper.value, (name, done, upper, remaining)
            else:
                assert upper is Nothing()
            it.next()

    @pytest.mark.parametrize("name", sorted(EXACT_STAGES))
    @given(xs=st.lists(st.integers(), max_size=12), done=st.integers(0, 14))
    def test_exact_stages_of_sized_sources_stay_exact(
        self, name: str, xs: list[int], done: int
    ) -> None:
        total = len(EXACT_STAGES[name](Iter(xs)).collect())
        it = EXACT_STAGES[name](Iter(xs))
        for _ in range(done):
            it.next()
        left = max(0, total - done)
        assert it.size_hint() == (left, Some(left))
        assert operator.length_hint(it, -1) == left

    def test_exact_for_sized_sources(self) -> None:
        it = Iter([1, 2, 3]).map(str)
        assert it.size_hint() == (3, Some(3))
        it.next()
        assert it.size_hint() == (2, Some(2))

    def test_endless(self) -> None:
        assert repeat(1).size_hint()[1] is Nothing()
        assert count().size_hint()[1] is Nothing()

    @given(
        xs=st.lists(st.integers(0, 20), max_size=15),
        source=st.sampled_from(sorted(SOURCES)),
        stages=st.lists(st.sampled_from(range(len(STAGES))), max_size=4),
        pulls=st.integers(0, 20),
        peek=st.booleans(),
    )
    def test_bounds_hold_before_and_after_partial_consumption(
        self, xs: list[int], source: str, stages: list[int], pulls: int, peek: bool
    ) -> None:
        def build() -> Iter[Any]:
            it: Iter[Any] = SOURCES[source](list(xs))
            for i in stages:
                it = STAGES[i][1](it)
            return it

        # The truth: how many items remain after `pulls` pulls (a fresh identical pipeline).
        total = build().collect()
        it = build()
        if peek:
            it = it.peekable()
        for k in range(pulls + 1):
            if peek and k % 2:
                assert isinstance(it, Peekable)
                it.peek()
            lo, hi = it.size_hint()
            remaining = len(total) - min(k, len(total))
            assert lo <= remaining, (lo, remaining)
            if hi != Nothing():
                assert remaining <= hi.unwrap(), (hi, remaining)
            if it.next() == Nothing():
                break

    @pytest.mark.parametrize(
        "make",
        [
            lambda: Iter([1, 2, 3]),
            lambda: Iter(range(3)).map(str),
            lambda: Iter("abc").enumerate().inspect(print),
            lambda: Iter((1, 2, 3)).zip([4, 5, 6, 7]),
            lambda: Iter([1]).chain((2, 3)),
            lambda: Iter({1: 2, 3: 4, 5: 6}).fuse(),
            lambda: Iter(range(10)).take(3),
            lambda: Iter(range(6)).skip(3),
            lambda: Iter(range(5)).chunks(2),
            lambda: Iter(range(5)).windows(3),
            lambda: repeat("x", 3),
            lambda: once(1).chain(once_with(lambda: 2)).chain([3]),
            lambda: Iter(RESULTS).map_ok(str),
        ],
    )
    def test_exact_where_the_source_knows_its_size(self, make: Callable[[], Iter[Any]]) -> None:
        assert make().size_hint() == (3, Some(3))

    def test_unknown_and_infinite(self) -> None:
        assert Iter(x for x in [1]).size_hint() == (0, Nothing())
        assert count().size_hint() == (sys.maxsize, Nothing())
        assert repeat(1).map(str).size_hint() == (sys.maxsize, Nothing())
        assert count().take(5).size_hint() == (0, Some(5))
        assert empty().size_hint() == (0, Some(0))

    @given(
        xs=st.lists(st.integers(0, 20), max_size=15),
        source=st.sampled_from(sorted(SOURCES)),
        stages=st.lists(st.sampled_from(range(len(STAGES))), max_size=5),
        pulls=st.integers(0, 6),
    )
    def test_size_hint_agrees_with_the_general_evaluator(
        self, xs: list[int], source: str, stages: list[int], pulls: int
    ) -> None:
        # size_hint() reads the commonest hint nodes in its own frame; _hints.bounds reads
        # them all: both must give the same bounds, before and after pulls.
        it: Iter[Any] = SOURCES[source](list(xs))
        for i in stages:
            it = STAGES[i][1](it)
        for _ in range(pulls + 1):
            lo, hi = bounds(it._hint)
            assert it.size_hint() == (lo, Nothing() if hi is None else Some(hi))
            if it.next() == Nothing():
                break

    @pytest.mark.parametrize(
        ("make", "expected"),
        [
            (lambda: Iter(range(100)).filter(bool).take(50), (0, Some(50))),
            (lambda: Iter([1, 2, 3]).filter(bool).take(5), (0, Some(3))),
            (lambda: Iter([1, 2, 3]).filter(bool).take(5).take(2), (0, Some(2))),
            (lambda: Iter([1, 2, 3]).take_while(bool).take(2).filter(bool), (0, Some(2))),
            (lambda: Iter([1, 2, 3]).chunk_by(bool).take(5), (0, Some(4))),
            (lambda: Iter(x for x in [1]).take(4).filter(bool), (0, Some(4))),
            (lambda: count().filter(bool).take(5), (0, Some(5))),
            (lambda: Iter(range(2**64)).filter(bool), (0, Nothing())),
            (lambda: Iter(range(2**64)).filter(bool).take(3), (0, Some(3))),
            (lambda: Iter(range(2**64)).take(3), (0, Some(3))),
        ],
    )
    def test_filters_and_takes_give_one_tight_bound(
        self, make: Callable[[], Iter[Any]], expected: tuple[int, Option[int]]
    ) -> None:
        assert make().size_hint() == expected

    def test_size_hint_consumes_nothing(self) -> None:
        src = Recorder([1, 2, 3])
        it = Iter(src).map(abs).filter(bool)
        it.size_hint()
        assert src.pulled == 0

    def test_exact_through_a_deep_pipeline(self) -> None:
        it: Iter[int] = Iter(range(7))
        for _ in range(MAX_DEPTH - 1):
            it = it.map(abs)
        assert it.size_hint() == (7, Some(7))

    @pytest.mark.parametrize(
        ("make", "expected"),
        [
            (lambda: Iter([0] * 9).take(4), [4, 3, 2, 1, 0]),
            (lambda: Iter([0] * 5).skip(3), [2, 1, 0]),
            (lambda: Iter(range(6)).windows(3), [4, 3, 2, 1, 0]),
            (lambda: Iter(range(7)).step_by(3), [3, 2, 1, 0]),
            (lambda: Iter(range(2)).intersperse(9), [3, 2]),
            (lambda: Iter("abc").peekable(), [3]),
            (lambda: Iter(range(3)).merge([1]), [4]),
            (lambda: Iter((1, 2)).map(str).enumerate().skip(1), [1, 0]),
        ],
    )
    def test_exact_while_consuming_an_untouched_container(
        self, make: Callable[[], Iter[Any]], expected: list[int]
    ) -> None:
        it = make()
        for remaining in expected:
            assert it.size_hint() == (remaining, Some(remaining))
            it.next()

    def test_step_by_and_take_after_direct_pulls_stay_correct(self) -> None:
        it = Iter(list(range(10)))
        assert it.next() == Some(0)  # pulled outside the pipeline: counted at build instead
        t = it.take(4)
        assert t.size_hint() == (4, Some(4))
        t.next()
        lo, hi = t.size_hint()
        assert lo <= 3 <= hi.unwrap()

    @given(
        xs=st.lists(st.integers(), max_size=12),
        n=st.integers(0, 8),
        stage=st.sampled_from(["take", "skip", "windows", "step_by", "intersperse", "peekable"]),
        leak=st.sampled_from(["by_ref", "iter", "next", "none"]),
        ops=st.lists(st.sampled_from(["stage", "other"]), max_size=20),
    )
    def test_bounds_hold_when_the_upstream_is_shared(
        self, xs: list[int], n: int, stage: str, leak: str, ops: list[str]
    ) -> None:
        # The reference: the same pipeline over a list, replaying the same pulls.
        def build() -> tuple[Iter[Any], Callable[[], object]]:
            base: Iter[int] = Iter(list(xs))
            if leak == "by_ref":
                other_iter = base.by_ref()
                other: Callable[[], object] = other_iter.next
            elif leak == "iter":
                raw = iter(base.by_ref())
                other = lambda: next(raw, None)  # noqa: E731
            elif leak == "next":
                base.next()
                other = lambda: None  # noqa: E731
            else:
                other = lambda: None  # noqa: E731
            size = max(n, 1)
            makers: dict[str, Callable[[], Iter[Any]]] = {
                "take": lambda: base.take(n),
                "skip": lambda: base.skip(n),
                "windows": lambda: base.windows(size),
                "step_by": lambda: base.step_by(size),
                "intersperse": lambda: base.intersperse(-1),
                "peekable": lambda: base.peekable(),
            }
            return makers[stage](), other

        it, other = build()
        for k, op in enumerate(ops):
            # Truth: replay the first k ops on a twin pipeline, then count what is left.
            twin, twin_other = build()
            for done in ops[:k]:
                if done == "stage":
                    twin.next()
                else:
                    twin_other()
            remaining = twin.count()
            lo, hi = it.size_hint()
            assert lo <= remaining, (lo, remaining)
            if hi != Nothing():
                assert remaining <= hi.unwrap(), (hi, remaining)
            if op == "stage":
                it.next()
            else:
                other()

    def test_bounds_through_a_deep_filter_pipeline(self) -> None:
        it: Iter[int] = Iter(range(7))
        for _ in range(MAX_DEPTH):
            it = it.filter(bool)
        assert it.size_hint() == (0, Some(7))

    @settings(max_examples=1500, deadline=None)
    @given(
        st.lists(st.integers(0, 3), max_size=10),
        st.sampled_from(["list", "gen", "range", "tuple"]),
        _STAGES,
    )
    def test_size_hints_bound_the_items_left(
        self, items: list[int], source: str, stages: Any
    ) -> None:
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


UNCLOSABLE = {"generator", "supports_next"}
"""Pipelines whose first stage hides the source from Iter."""


class TestClose:
    @pytest.mark.parametrize("name", [n for n in PIPELINES if n not in UNCLOSABLE])
    def test_closes_the_source_through_every_stage(self, name: str) -> None:
        src = Recorder([0, 1, 2, 3])
        it = PIPELINES[name](src, [0, 1, 2, 3])
        it.next()
        it.close()
        assert src.closed >= 1
        it.close()  # idempotent
        assert src.closed >= 1

    def test_generator_source_is_closed(self) -> None:
        finalized: list[str] = []

        def gen() -> Iterable[int]:
            try:
                yield 1
                yield 2
            finally:
                finalized.append("closed")

        it = Iter(gen()).map(lambda x: x * 2).filter(bool)
        assert it.next() == Some(2)
        it.close()
        assert finalized == ["closed"]
        it.close()
        assert finalized == ["closed"]

    def test_other_sources_of_chain_and_zip_are_closed(self) -> None:
        a, b, c = Recorder([1]), Recorder([2]), Recorder([3])
        Iter(a).chain(b).zip(c).close()
        assert (a.closed, b.closed, c.closed) == (1, 1, 1)

    def test_closed_iter_is_empty(self) -> None:
        src = Recorder([1, 2, 3])
        it = Iter(src).map(abs)
        it.close()
        assert it.next() is Nothing()
        assert it.collect() == []

    def test_by_ref_view_closes_nothing(self) -> None:
        src = Recorder([1, 2, 3])
        it = Iter(src)
        view = it.by_ref()
        assert view.next() == Some(1)
        view.close()
        assert src.closed == 0
        assert it.collect() == [2, 3]

    def test_with_closes_on_exit(self) -> None:
        src = Recorder([1, 2])
        with Iter(src) as it:
            assert it.next() == Some(1)
        assert src.closed == 1

    @pytest.mark.parametrize("name", list(CLOSE_LESS))
    @pytest.mark.parametrize("pulled", [0, 1])
    def test_close_over_sources_without_close(self, name: str, pulled: int) -> None:
        it = CLOSE_LESS[name]()
        for _ in range(pulled):
            assert it.next() == Some(1)
        it.close()  # nothing to close: no error
        assert it.next() is Nothing()
        assert it.collect() == []
        it.close()  # idempotent

    @pytest.mark.parametrize("name", list(CLOSE_LESS))
    def test_close_after_a_move_closes_nothing_and_leaves_the_stage_working(
        self, name: str
    ) -> None:
        it = CLOSE_LESS[name]()
        later = it.map(lambda x: x * 10)
        it.close()
        expected = [10, 10, 10] if name.startswith("repeat") else [10, 20, 30]
        assert later.collect() == expected

    @pytest.mark.parametrize("name", sorted(set(UNARY_ADAPTERS) - {"by_ref"}))
    def test_close_reaches_the_source_through_every_adapter(self, name: str) -> None:
        src = Recorder([1, 2, 3])
        it = UNARY_ADAPTERS[name](Iter(src))
        it.close()
        assert src.closed == 1

    @pytest.mark.parametrize("name", sorted(MULTI_ADAPTERS))
    def test_close_reaches_every_input(self, name: str) -> None:
        a, b, c = Recorder([1]), Recorder([2]), Recorder([3])
        it = MULTI_ADAPTERS[name](Iter(a), Iter(b).map(abs)).chain(c)
        it.close()
        assert (a.closed, b.closed, c.closed) == (1, 1, 1)

    def test_close_through_a_long_pipeline_is_idempotent(self) -> None:
        src = Recorder(list(range(10)))
        it = Iter(src).map(abs).filter(bool).take(5).chunks(2).enumerate()
        assert it.next() == Some((0, [1, 2]))
        it.close()
        it.close()
        assert src.closed == 1
        assert it.next() == Nothing()

    def test_with_block_closes_even_when_the_iter_was_moved(self) -> None:
        src = Recorder([1, 2, 3])
        with Iter(src) as it:
            assert it.map(abs).take(1).collect() == [1]
        assert src.closed == 1

    def test_with_block_closes_on_exception(self) -> None:
        src = Recorder([1, 2, 3])
        with pytest.raises(Boom), Iter(src) as it:
            it.next()
            raise Boom
        assert src.closed == 1

    def test_a_failing_close_does_not_stop_the_others(self) -> None:
        class BadClose(Recorder[int]):
            def close(self) -> None:
                super().close()
                raise Boom("close failed")

        a, b, c = Recorder([1]), BadClose([2]), Recorder([3])
        it = Iter(a).chain(b, c)
        with pytest.raises(Boom, match="close failed"):
            it.close()
        assert (a.closed, b.closed, c.closed) == (1, 1, 1)
        it.close()  # already closed: nothing left to close, nothing raised
        assert b.closed == 1

    def test_closing_without_closable_source_is_a_no_op(self) -> None:
        it = Iter([1, 2]).map(str)
        it.close()
        it.close()
        assert it.next() == Nothing()

    def test_closed_peekable_is_empty(self) -> None:
        p = Iter(Recorder([1, 2])).peekable()
        p.close()
        assert p.peek() == Nothing()
        assert p.next() == Nothing()


def settle(value: object) -> object:
    """Make a method's result comparable: an Iter is collected (at most 20 items)."""
    if isinstance(value, Iter):
        it: Iter[Any] = value
        return it.take(20).collect()
    return value


PEEK_ITEMS: dict[str, list[Any]] = {
    "flatten": [[0], [], [1, 2]],
    **{
        n: [Ok(0), Err(1), Ok(2)]
        for n in ("map_ok", "map_err", "and_then_ok", "filter_ok", "oks", "errs")
    },
    "inspect_err": [Ok(0), Err(1), Ok(2)],
}


def _peek_cases() -> list[tuple[str, list[Any], Callable[[Iter[Any]], object]]]:
    """Every moving and borrowing method (size_hint may be inexact: TestSizeHint covers it)."""
    cases = [(n, PEEK_ITEMS.get(n, items), f) for n, items, f in _moving_cases()]
    cases += [(n, [0, 1, 2, 3], f) for n, f in BORROWING_SEARCHES.items() if n != "size_hint"]
    return cases


class TestPeekedItemIsKept:
    """A Peekable holding a peeked item behaves, for every method, like the un-peeked Iter."""

    @pytest.mark.parametrize(
        ("name", "items", "use"),
        _peek_cases(),
        ids=[c[0] for c in _peek_cases()],
    )
    def test_same_result_as_without_peek(
        self, name: str, items: list[Any], use: Callable[[Iter[Any]], object]
    ) -> None:
        expected = settle(use(Iter(items)))
        peeked = Iter(items).peekable()
        assert peeked.peek() == Some(items[0])
        assert settle(use(peeked)) == expected

    @pytest.mark.parametrize("name", list(BORROWING_SEARCHES))
    def test_rest_after_borrowing_method(self, name: str) -> None:
        plain = Iter([0, 1, 2, 3])
        BORROWING_SEARCHES[name](plain)
        peeked = Iter([0, 1, 2, 3]).peekable()
        peeked.peek()
        BORROWING_SEARCHES[name](peeked)
        assert peeked.collect() == plain.collect()

    def test_for_loop_and_list(self) -> None:
        p = Iter([1, 2, 3]).peekable()
        p.peek()
        assert [x for x in p] == [1, 2, 3]
        p = Iter([1, 2, 3]).peekable()
        p.peek()
        assert list(p) == [1, 2, 3]


# ------------------------------------------------------------------------------------------------
# streaming memory: a pipeline over N items holds O(1) items (tracemalloc peak, not time)
# ------------------------------------------------------------------------------------------------

N = 50_000

STREAMING: dict[str, Callable[[Iterable[int]], object]] = {
    "map.filter.count": lambda s: Iter(s).map(lambda x: x * 2).filter(lambda x: x % 3).count(),
    "filter_map.sum": lambda s: Iter(s).filter_map(lambda x: Some(x) if x % 2 else Nothing()).sum(),
    "flat_map.count": lambda s: Iter(s).flat_map(lambda x: (x, x)).count(),
    "chunks.flatten.count": lambda s: Iter(s).chunks(10).flatten().count(),
    "take.skip.step_by.last": lambda s: Iter(s).skip(5).step_by(3).take(N).last(),
    "take_while.skip_while.count": lambda s: (
        Iter(s).skip_while(lambda x: x < 10).take_while(lambda x: x >= 0).count()
    ),
    "map_while.count": lambda s: Iter(s).map_while(Some).count(),
    "chain.zip.enumerate.count": lambda s: (
        Iter(s).chain(range(5)).zip(range(N)).enumerate().count()
    ),
    "windows.count": lambda s: Iter(s).windows(4).count(),
    "chunk_by.count": lambda s: Iter(s).chunk_by(lambda x: x // 7).count(),
    "dedup.count": lambda s: Iter(s).map(lambda x: x // 3).dedup().count(),
    "dedup_by_key.count": lambda s: Iter(s).dedup_by_key(lambda x: x // 3).count(),
    "unique_by_key.few_keys.count": lambda s: Iter(s).unique_by_key(lambda x: x % 5).count(),
    "intersperse.count": lambda s: Iter(s).intersperse(0).count(),
    "interleave.count": lambda s: Iter(s).interleave(range(N)).count(),
    "zip_longest.count": lambda s: Iter(s).zip_longest(range(10)).count(),
    "merge.count": lambda s: Iter(s).merge(range(N)).count(),
    "scan.count": lambda s: Iter(s).scan(0, lambda a, x: Some((a + x, a))).count(),
    "inspect.fuse.peekable.count": lambda s: Iter(s).inspect(abs).fuse().peekable().count(),
    "results.count": lambda s: (
        Iter(s)
        .map(lambda x: Ok(x) if x % 3 else Err(x))
        .map_ok(abs)
        .map_err(abs)
        .and_then_ok(Ok)
        .filter_ok(bool)
        .inspect_err(abs)
        .oks()
        .count()
    ),
    "errs.count": lambda s: Iter(s).map(lambda x: Ok(x) if x % 3 else Err(x)).errs().count(),
    "cycle.take.count": lambda s: Iter(range(3)).cycle().take(N).count(),
    "fold": lambda s: Iter(s).fold(0, lambda a, x: a + x),
    "for_each": lambda s: Iter(s).for_each(abs),
    "reduce": lambda s: Iter(s).reduce(lambda a, b: a + b),
    "sum": lambda s: Iter(s).sum(),
    "min.max": lambda s: (Iter(s).min(), Iter(range(N)).max()),
    "min_by_key": lambda s: Iter(s).min_by_key(lambda x: -x),
    "max_by": lambda s: Iter(s).max_by(lambda a, b: (a > b) - (a < b)),
    "any.all.find.position": lambda s: Iter(s).any(lambda x: x < 0),
    "nth": lambda s: Iter(s).nth(N - 1),
    "last": lambda s: Iter(s).last(),
    "try_fold": lambda s: Iter(s).try_fold(0, lambda a, x: Ok(a + x)),
    "try_for_each": lambda s: Iter(s).try_for_each(lambda x: Ok(None)),
    "eq": lambda s: Iter(s).eq(range(N)),
    "cmp": lambda s: Iter(s).cmp(range(N)),
    "is_sorted": lambda s: Iter(s).is_sorted(),
    "is_sorted_by_key": lambda s: Iter(s).is_sorted_by_key(abs),
}


class TestStreamingMemory:
    @pytest.mark.parametrize("name", list(STREAMING))
    def test_peak_does_not_grow_with_input(self, name: str) -> None:
        import tracemalloc

        run = STREAMING[name]
        run(range(100))  # warm caches (method lookups, interned objects)
        tracemalloc.start()
        try:
            run(range(N))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        # N items held at once would take >= 8 * N bytes (400 KB) for the references alone.
        assert peak < 64 * 1024, f"{name}: peak {peak} bytes for {N} items"


class TestCallbackStopIteration:
    """Documented: a callback raising StopIteration ends the stream (as builtin map/filter)."""

    def test_map_filter_and_the_python_written_stages_end_the_stream(self) -> None:
        def stop_at_two(x: int) -> int:
            if x == 2:
                raise StopIteration
            return x

        assert Iter([1, 2, 3]).map(stop_at_two).collect() == [1]
        assert Iter([1, 2, 3]).filter(stop_at_two).collect() == [1]
        # The stages written in Python behave the same (no RuntimeError from PEP 479).
        assert Iter([1, 2, 3]).scan(0, lambda s, x: Some((s, stop_at_two(x)))).collect() == [1]
        assert Iter([1, 2, 3]).unique_by_key(stop_at_two).collect() == [1]
        assert successors(Some(1), lambda x: Some(stop_at_two(x + 1))).collect() == [1]

    @pytest.mark.parametrize("name", sorted(LAZY))
    def test_every_lazy_stage_ends_the_stream(self, name: str) -> None:
        def raiser(*args: object) -> Any:
            raise StopIteration

        got = CALLBACKS[name](raiser)()
        assert got == ([1] if name == "successors" else [])


class RaisingSource:
    """Yields ``1``, then raises ``error`` from ``__next__`` (or from ``next()``)."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    def __iter__(self) -> RaisingSource:
        return self

    def __next__(self) -> int:
        self.calls += 1
        if self.calls > 1:
            raise self.error
        return 1


class RaisingNextSource:
    """A ``next() -> Option`` source: ``Some(1)``, then raises ``error``."""

    def __init__(self, error: Exception) -> None:
        self.inner = RaisingSource(error)

    def next(self) -> Option[int]:
        return Some(next(self.inner))


class TestSourceExceptions:
    @pytest.mark.parametrize("kind", ["iterator", "supports_next"])
    @pytest.mark.parametrize("name", [n for n in PIPELINES if n not in UNCLOSABLE])
    def test_propagate_unchanged_through_every_stage(self, kind: str, name: str) -> None:
        error = Boom(name)
        src: Any = RaisingSource(error) if kind == "iterator" else RaisingNextSource(error)
        with pytest.raises(Boom) as caught:
            PIPELINES[name](Iter(src), [0, 1, 2]).collect()
        assert caught.value is error
