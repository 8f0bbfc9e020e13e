"""Iter's machinery: laziness, moves and by_ref, closing, misuse errors, the depth limit,
size_hint bounds, Peekable semantics and SupportsNext sources."""

from __future__ import annotations

import copy
import itertools
import operator
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import Boom, Recorder, Untouchable
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
from itero._iter import MAX_DEPTH

# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------


def boom(*args: object) -> Any:
    raise AssertionError("a callback was called too early")


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
# protocols
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

    def test_callback_raising_stop_iteration_ends_the_stream(self) -> None:
        # Documented: inherited from builtin map()/filter().
        def stop_at_two(x: int) -> int:
            if x == 2:
                raise StopIteration
            return x

        assert Iter([1, 2, 3]).map(stop_at_two).collect() == [1]
        # The stages written in Python behave the same (no RuntimeError from PEP 479).
        assert Iter([1, 2, 3]).scan(0, lambda s, x: Some((s, stop_at_two(x)))).collect() == [1]
        assert Iter([1, 2, 3]).unique_by_key(stop_at_two).collect() == [1]
        assert successors(Some(1), lambda x: Some(stop_at_two(x + 1))).collect() == [1]

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


# ------------------------------------------------------------------------------------------------
# moves and by_ref
# ------------------------------------------------------------------------------------------------


class TestMoves:
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

    def test_moved_error_is_a_runtime_error(self) -> None:
        assert issubclass(MovedError, RuntimeError)

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


# ------------------------------------------------------------------------------------------------
# closing
# ------------------------------------------------------------------------------------------------


CLOSE_LESS: dict[str, Callable[[], Iter[int]]] = {
    "iter(list)": lambda: Iter(iter([1, 2, 3])),
    "map object": lambda: Iter(map(abs, [1, 2, 3])),
    "list": lambda: Iter([1, 2, 3]),
    "from_fn": lambda: from_fn(iter([Some(1), Some(2), Some(3)]).__next__),
    "repeat(x, n)": lambda: repeat(1, 3).map(lambda x: x),
    "repeat(x)": lambda: repeat(1).take(3),
    "repeat_with": lambda: repeat_with(lambda: 1).take(3),
}


class TestClose:
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


# ------------------------------------------------------------------------------------------------
# misuse
# ------------------------------------------------------------------------------------------------


class TestMisuse:
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

    def test_the_error_is_a_recursion_error(self) -> None:
        assert issubclass(PipelineTooDeepError, RecursionError)

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


# ------------------------------------------------------------------------------------------------
# size_hint
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


class TestSizeHint:
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


# ------------------------------------------------------------------------------------------------
# Peekable
# ------------------------------------------------------------------------------------------------


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

    def test_next_if_callback_exception_keeps_the_item(self) -> None:
        p = Iter([1, 2]).peekable()

        def fail(x: int) -> bool:
            raise Boom

        with pytest.raises(Boom):
            p.next_if(fail)
        assert p.collect() == [1, 2]

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


# ------------------------------------------------------------------------------------------------
# producers and Option/Result iter()
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
