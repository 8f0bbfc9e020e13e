"""AsyncIter: the same results as Iter (differential), construction, laziness, ownership,
closing, protocols and argument checks. Concurrency is in test_aiter_concurrency.py.

Every test runs its coroutine with ``_async_helpers.run``: warnings are errors, and an event
loop report or a task left pending fails the test.
"""

from __future__ import annotations

import asyncio
import copy
import operator
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from _async_helpers import ASource, agen, run
from _helpers import Boom, Recorder, Untouchable
from itero import AsyncIter, AsyncPeekable, Err, Iter, MovedError, Nothing, Ok, Option, Some

pytestmark = pytest.mark.filterwarnings("error")


# ---------------------------------------------------------------------------------------------
# differential: random stage chains give what Iter gives
# ---------------------------------------------------------------------------------------------


def _some_if_not_3(x: int) -> Option[int]:
    return Some(x - 1) if x % 3 else Nothing()


def _small(x: int) -> Option[int]:
    return Some(x) if x < 5 else Nothing()


def _step(acc: int, x: int) -> Option[tuple[int, int]]:
    return Some((acc + x, acc + x)) if acc < 50 else Nothing()


# name -> function applying the same stage to an Iter or an AsyncIter (ints in, ints out)
STAGES: dict[str, Callable[[Any], Any]] = {
    "map": lambda it: it.map(lambda x: x * 3 + 1),
    "filter": lambda it: it.filter(lambda x: x % 2 == 0),
    "inspect": lambda it: it.inspect(lambda x: None),
    "filter_map": lambda it: it.filter_map(_some_if_not_3),
    "map_while": lambda it: it.map_while(_small),
    "take_while": lambda it: it.take_while(lambda x: x < 4),
    "skip_while": lambda it: it.skip_while(lambda x: x < 0),
    "take": lambda it: it.take(3),
    "skip": lambda it: it.skip(2),
    "step_by": lambda it: it.step_by(2),
    "enumerate": lambda it: it.enumerate(1).map(lambda p: p[0] * 100 + p[1]),
    "chunks": lambda it: it.chunks(2).map(sum),
    "windows": lambda it: it.windows(2).map(sum),
    "chunk_by": lambda it: it.chunk_by(lambda x: x % 2).map(lambda kv: len(kv[1])),
    "dedup": lambda it: it.dedup(),
    "dedup_by_key": lambda it: it.dedup_by_key(lambda x: x // 2),
    "unique": lambda it: it.unique(),
    "unique_by_key": lambda it: it.unique_by_key(lambda x: x % 4),
    "scan": lambda it: it.scan(0, _step),
    "intersperse": lambda it: it.intersperse(0),
    "flat_map": lambda it: it.flat_map(lambda x: [x, -x]),
    "flatten": lambda it: it.map(lambda x: [x] * (x % 3)).flatten(),
    "chain": lambda it: it.chain([7, 8]),
    "zip": lambda it: it.zip(range(100, 104)).map(sum),
    "zip_longest": lambda it: it.zip_longest([1], fillvalue=0).map(sum),
    "interleave": lambda it: it.interleave([-1, -2]),
    "merge": lambda it: it.merge([0, 5]),
    "fuse": lambda it: it.fuse(),
    "peekable": lambda it: it.peekable(),
    "cycle": lambda it: it.cycle().take(7),
    "map_ok": lambda it: it.map(Ok).map_ok(lambda v: v + 1).map(lambda r: r.unwrap()),
    "oks": lambda it: it.map(lambda x: Ok(x) if x % 2 else Err(x)).oks(),
    "errs": lambda it: it.map(lambda x: Ok(x) if x % 2 else Err(x)).errs(),
}

CONSUMERS: dict[str, Callable[[Any], Any]] = {
    "collect": lambda it: it.collect(),
    "collect_tuple": lambda it: it.collect(tuple),
    "count": lambda it: it.count(),
    "sum": lambda it: it.sum(),
    "product": lambda it: it.map(lambda x: x % 5 + 1).product(),
    "min": lambda it: it.min(),
    "max": lambda it: it.max(),
    "max_by_key": lambda it: it.max_by_key(lambda x: x % 3),
    "min_by_key": lambda it: it.min_by_key(lambda x: x % 3),
    "max_by": lambda it: it.max_by(lambda a, b: (a % 3) - (b % 3)),
    "min_by": lambda it: it.min_by(lambda a, b: (a % 3) - (b % 3)),
    "last": lambda it: it.last(),
    "fold": lambda it: it.fold(1, lambda a, x: a * 2 + x),
    "reduce": lambda it: it.reduce(lambda a, b: a - b),
    "partition": lambda it: it.partition(lambda x: x > 0),
    "unzip": lambda it: it.map(lambda x: (x, -x)).unzip(),
    "join": lambda it: it.map(str).join(","),
    "try_collect": lambda it: it.map(lambda x: Ok(x) if x < 9 else Err(x)).try_collect(),
    "partition_results": lambda it: it.map(
        lambda x: Ok(x) if x % 2 else Err(x)
    ).partition_results(),
    "any": lambda it: it.any(lambda x: x > 3),
    "all": lambda it: it.all(lambda x: x > -3),
    "find": lambda it: it.find(lambda x: x > 1),
    "find_map": lambda it: it.find_map(_some_if_not_3),
    "position": lambda it: it.position(lambda x: x > 1),
    "nth": lambda it: it.nth(2),
    "try_fold": lambda it: it.try_fold(0, lambda a, x: Ok(a + x) if x < 5 else Err(x)),
    "try_for_each": lambda it: it.try_for_each(lambda x: Ok(None) if x < 5 else Err(x)),
    "eq": lambda it: it.eq([0, 1, 2]),
    "lt": lambda it: it.lt([0, 1, 2]),
    "ge": lambda it: it.ge([1]),
    "cmp": lambda it: it.cmp([0, 3]),
    "is_sorted": lambda it: it.is_sorted(),
    "is_sorted_by_key": lambda it: it.is_sorted_by_key(abs),
    "is_sorted_by": lambda it: it.is_sorted_by(lambda a, b: a >= b),
}

SOURCES: dict[str, Callable[[list[int]], Any]] = {
    "async generator": lambda xs: agen(xs),
    "list": lambda xs: xs,
    "Iter": lambda xs: Iter(xs),
    "async iterator object": lambda xs: ASource(xs),
}


async def _sleepy(x: int) -> int:
    await asyncio.sleep(0)
    return x


async def _aeven(x: int) -> bool:
    return x % 2 == 0


# Async stages and the sync stage each must equal.
ASYNC_STAGES: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "map_async": (lambda it: it.map_async(_sleepy), lambda it: it),
    "map_async_concurrent": (lambda it: it.map_async(_sleepy, concurrency=3), lambda it: it),
    "filter_async": (
        lambda it: it.filter_async(_aeven),
        lambda it: it.filter(lambda x: x % 2 == 0),
    ),
}


class TestDifferential:
    @given(
        xs=st.lists(st.integers(-5, 12), max_size=12),
        stages=st.lists(st.sampled_from(sorted(STAGES)), max_size=5),
        consumer=st.sampled_from(sorted(CONSUMERS)),
        source=st.sampled_from(sorted(SOURCES)),
    )
    def test_stage_chains_match_iter(
        self, xs: list[int], stages: list[str], consumer: str, source: str
    ) -> None:
        expected_it: Any = Iter(list(xs))
        for name in stages:
            expected_it = STAGES[name](expected_it)
        expected = CONSUMERS[consumer](expected_it)

        async def main() -> Any:
            it: Any = AsyncIter(SOURCES[source](list(xs)))
            for name in stages:
                it = STAGES[name](it)
            result = await CONSUMERS[consumer](it)
            await it.aclose()  # a consumer that borrows (any, find, ...) leaves it open
            return result

        assert run(main) == expected

    @given(
        xs=st.lists(st.integers(-5, 12), max_size=12),
        stages=st.lists(
            st.one_of(st.sampled_from(sorted(STAGES)), st.sampled_from(sorted(ASYNC_STAGES))),
            max_size=5,
        ),
        source=st.sampled_from(sorted(SOURCES)),
    )
    def test_chains_with_async_stages_match_their_sync_twins(
        self, xs: list[int], stages: list[str], source: str
    ) -> None:
        expected_it: Any = Iter(list(xs))
        for name in stages:
            sync = ASYNC_STAGES[name][1] if name in ASYNC_STAGES else STAGES[name]
            expected_it = sync(expected_it)
        expected = expected_it.collect()

        async def main() -> list[int]:
            it: Any = AsyncIter(SOURCES[source](list(xs)))
            for name in stages:
                stage = ASYNC_STAGES[name][0] if name in ASYNC_STAGES else STAGES[name]
                it = stage(it)
            got: list[int] = [x async for x in it]  # the async for path (a compiled generator)
            await it.aclose()
            return got

        assert run(main) == expected

    @given(pages=st.lists(st.lists(st.integers(), max_size=5), max_size=8))
    def test_flatten_of_async_pages_matches_chain(self, pages: list[list[int]]) -> None:
        async def main() -> list[int]:
            return await AsyncIter(agen(pages)).flatten().map(lambda x: x + 1).collect()

        assert run(main) == [x + 1 for page in pages for x in page]


# ---------------------------------------------------------------------------------------------
# construction and laziness
# ---------------------------------------------------------------------------------------------


class TestConstruction:
    def test_from_async_iterable_iter_and_iterable(self) -> None:
        async def main() -> list[list[int]]:
            return [
                await AsyncIter(agen([1, 2])).collect(),
                await AsyncIter(Iter([1, 2])).collect(),
                await AsyncIter((1, 2)).collect(),
                await AsyncIter(AsyncIter(agen([1, 2]))).collect(),
            ]

        assert run(main) == [[1, 2]] * 4

    def test_an_iter_source_is_moved_in(self) -> None:
        it = Iter([1])
        AsyncIter(it)
        with pytest.raises(MovedError):
            it.next()

    def test_not_iterable_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="source must be an async iterable or an iterable"):
            AsyncIter(5)  # type: ignore[arg-type]

    @pytest.mark.parametrize("make", [list, agen], ids=["sync source", "async source"])
    def test_enumerate_refuses_a_bool_start_over_every_source(
        self, make: Callable[[list[str]], Any]
    ) -> None:
        with pytest.raises(TypeError, match=r"^start must be an int, got bool$"):
            AsyncIter(make(["a"])).enumerate(True)

    def test_building_does_no_work(self) -> None:
        async def main() -> None:
            source = ASource([1, 2, 3])
            tasks = asyncio.all_tasks()
            it = (
                AsyncIter(source)
                .map(lambda x: x)
                .map_async(_sleepy, concurrency=4)
                .filter(bool)
                .chunks(2)
            )
            assert source.pulled == 0
            assert asyncio.all_tasks() == tasks
            await it.aclose()
            AsyncIter(Untouchable()).map(str).enumerate().take(3)
            assert source.pulled == 0

        run(main)

    def test_async_generator_source_is_not_started(self) -> None:
        started: list[int] = []

        async def gen() -> AsyncIterator[int]:
            started.append(1)
            yield 1

        async def main() -> None:
            source = gen()
            it = AsyncIter(source).filter(bool)
            assert not started
            await it.aclose()

        run(main)

    def test_take_pulls_exactly_n(self) -> None:
        async def main() -> int:
            source = ASource(range(100))
            assert await AsyncIter(source).map(abs).take(3).collect() == [0, 1, 2]
            return source.pulled

        assert run(main) == 3

    def test_any_stops_at_the_first_match_and_borrows(self) -> None:
        async def main() -> tuple[bool, list[int], int]:
            source = ASource(range(10))
            it = AsyncIter(source).map(abs)
            found = await it.any(lambda x: x == 3)
            pulled = source.pulled
            return found, await it.take(2).collect(), pulled

        assert run(main) == (True, [4, 5], 4)


# ---------------------------------------------------------------------------------------------
# protocols, ownership
# ---------------------------------------------------------------------------------------------


class TestProtocols:
    def test_async_for_and_next(self) -> None:
        async def main() -> tuple[list[int], Option[int], Option[int]]:
            it = AsyncIter(agen([1, 2, 3])).map(lambda x: x * 10)
            first = await it.next()
            rest = [x async for x in it.by_ref()]
            return rest, first, await it.next()

        assert run(main) == ([20, 30], Some(10), Nothing())

    def test_anext(self) -> None:
        async def main() -> int:
            it = AsyncIter([5])
            x = await it.__anext__()
            with pytest.raises(StopAsyncIteration):
                await it.__anext__()
            return x

        assert run(main) == 5

    def test_callback_exceptions_propagate_unchanged(self) -> None:
        def fail(x: int) -> int:
            raise Boom(x)

        async def main() -> None:
            with pytest.raises(Boom):
                await AsyncIter(agen([1])).map(fail).collect()

        run(main)

    def test_filter_map_rejects_a_non_option(self) -> None:
        async def main() -> None:
            with pytest.raises(TypeError, match=r"filter_map: f must return Some\(...\)"):
                await AsyncIter(agen([1])).filter_map(lambda x: x).collect()  # type: ignore[arg-type, return-value]

        run(main)

    def test_flatten_rejects_async_items_naming_flat_map_async(self) -> None:
        async def main() -> None:
            with pytest.raises(TypeError, match="flat_map_async"):
                await AsyncIter(agen([agen([1])])).flatten().collect()  # type: ignore[misc]

        run(main)

    def test_repr(self) -> None:
        it = AsyncIter([1])
        assert repr(it) == "<AsyncIter over Iter>"
        it.map(str)
        assert repr(it) == "<AsyncIter over moved>"


class TestOwnership:
    def test_adapters_and_consumers_move(self) -> None:
        async def main() -> None:
            it = AsyncIter(agen([1, 2]))
            it2 = it.map(str)
            with pytest.raises(MovedError, match=r"moved into \.map\(\)"):
                it.filter(bool)
            coro = it2.collect()
            with pytest.raises(MovedError, match=r"moved into \.collect\(\)"):
                await it2.next()
            assert await coro == ["1", "2"]

        run(main)

    def test_by_ref_borrows(self) -> None:
        async def main() -> tuple[list[int], list[int], int]:
            source = ASource([1, 2, 3, 4, 5])
            it = AsyncIter(source).map(lambda x: x * 2)
            first = await it.by_ref().take(2).collect()
            closed_after_borrow = source.closed
            rest = await it.collect()
            return [*first, closed_after_borrow], rest, source.closed

        assert run(main) == ([2, 4, 0], [6, 8, 10], 1)

    def test_by_ref_of_a_sync_pipeline(self) -> None:
        async def main() -> tuple[list[int], list[int]]:
            it = AsyncIter(range(5))
            return await it.by_ref().take(2).collect(), await it.collect()

        assert run(main) == ([0, 1], [2, 3, 4])

    def test_zip_moves_its_async_iter_arguments(self) -> None:
        other = AsyncIter([1])
        AsyncIter([1]).zip(other)
        with pytest.raises(MovedError):
            other.map(str)


# ---------------------------------------------------------------------------------------------
# closing
# ---------------------------------------------------------------------------------------------


class TestClosing:
    @pytest.mark.parametrize(
        "consume",
        [
            lambda it: it.collect(),
            lambda it: it.take(1).collect(),
            lambda it: it.count(),
            lambda it: it.fold(0, lambda acc, x: acc + x),
            lambda it: it.map_async(_sleepy, concurrency=2).take(1).collect(),
            lambda it: it.chunks(2).last(),
            lambda it: it.eq([1]),
        ],
    )
    def test_a_moving_consumer_closes_the_source_once(self, consume: Callable[[Any], Any]) -> None:
        async def main() -> tuple[int, int]:
            source = ASource([1, 2, 3])
            recorder = Recorder([4, 5])
            await consume(AsyncIter(source).chain(recorder))
            return source.closed, recorder.closed

        assert run(main) == (1, 1)

    def test_a_failing_consumer_closes_the_source(self) -> None:
        async def main() -> int:
            source = ASource([1, 2, 3])
            with pytest.raises(Boom):
                await AsyncIter(source).map(_raise_boom).collect()
            return source.closed

        assert run(main) == 1

    def test_a_failing_fold_closes_the_source(self) -> None:
        async def main() -> int:
            source = ASource([1, 2, 3])
            with pytest.raises(Boom):
                await AsyncIter(source).fold(0, lambda acc, x: _raise_boom(x))
            return source.closed

        assert run(main) == 1

    def test_aclose_is_idempotent_and_empties(self) -> None:
        async def main() -> tuple[int, Option[int]]:
            source = ASource([1, 2])
            it = AsyncIter(source).map(abs)
            await it.aclose()
            await it.aclose()
            return source.closed, await it.next()

        assert run(main) == (1, Nothing())

    def test_closing_a_moved_async_iter_closes_its_pipeline_once(self) -> None:
        async def main() -> int:
            source = ASource([1, 2])
            async with AsyncIter(source) as it:
                later = it.map(abs).map_async(_sleepy, concurrency=2)
                assert await later.next() == Some(1)
            await later.aclose()
            return source.closed

        assert run(main) == 1

    def test_async_with_closes_on_break(self) -> None:
        async def main() -> int:
            source = ASource(range(100))
            async with AsyncIter(source).map_async(_sleepy, concurrency=5) as it:
                async for x in it:
                    if x == 3:
                        break
            return source.closed

        assert run(main) == 1

    def test_sync_source_is_closed_with_close(self) -> None:
        async def main() -> int:
            recorder = Recorder([1, 2, 3])
            await AsyncIter(recorder).map(abs).filter_async(_aeven).collect()
            return recorder.closed

        assert run(main) == 1

    def test_async_generator_source_finally_runs(self) -> None:
        log: list[str] = []

        async def gen() -> AsyncIterator[int]:
            try:
                yield 1
                yield 2
            finally:
                log.append("closed")

        async def main() -> None:
            assert await AsyncIter(gen()).take(1).collect() == [1]

        run(main)
        assert log == ["closed"]

    def test_a_failing_close_still_closes_the_others(self) -> None:
        class BadClose(ASource[int]):
            async def aclose(self) -> None:
                await super().aclose()
                raise Boom("close")

        async def main() -> tuple[int, int]:
            bad = BadClose([1])
            good = ASource([2])
            with pytest.raises(Boom):
                await AsyncIter(good).chain(bad).collect()
            return bad.closed, good.closed

        assert run(main) == (1, 1)

    def test_a_borrow_closes_only_its_own_stages(self) -> None:
        async def main() -> tuple[int, list[int]]:
            source = ASource(range(6))
            it = AsyncIter(source)
            borrow = it.by_ref().map_async(_sleepy, concurrency=3)
            assert await borrow.next() == Some(0)
            await borrow.aclose()
            closed = source.closed
            return closed, await it.collect()

        closed, rest = run(main)
        assert closed == 0
        assert rest[-1] == 5


def _raise_boom(x: object) -> Any:
    raise Boom(x)


# ---------------------------------------------------------------------------------------------
# sync and async callbacks are told apart at the call
# ---------------------------------------------------------------------------------------------


async def _acall(x: object) -> object:
    return x


class TestCallbackKinds:
    @pytest.mark.parametrize(
        ("method", "twin"),
        [
            ("map", "map_async"),
            ("filter", "filter_async"),
            ("filter_map", "filter_map_async"),
            ("flat_map", "flat_map_async"),
            ("inspect", "inspect_async"),
            ("take_while", "take_while_async"),
            ("for_each", "for_each_async"),
        ],
    )
    def test_a_coroutine_function_names_the_async_method(self, method: str, twin: str) -> None:
        it = AsyncIter([1])
        with pytest.raises(TypeError, match=rf"use \.{twin}\(\)"):
            getattr(it, method)(_acall)
        assert repr(it) == "<AsyncIter over Iter>"  # not moved

    def test_fold_with_a_coroutine_function_names_fold_async(self) -> None:
        with pytest.raises(TypeError, match=r"use \.fold_async\(\)"):
            AsyncIter([1]).fold(0, _acall)  # type: ignore[arg-type, unused-coroutine]

    def test_partial_and_async_call_objects_are_detected(self) -> None:
        import functools

        class Caller:
            async def __call__(self, x: int) -> int:
                return x

        with pytest.raises(TypeError, match="map_async"):
            AsyncIter([1]).map(functools.partial(_acall))
        with pytest.raises(TypeError, match="map_async"):
            AsyncIter([1]).map(Caller())

    def test_a_method_without_twin_says_so(self) -> None:
        with pytest.raises(TypeError, match="no async form"):
            AsyncIter([1]).unique_by_key(_acall)

    def test_non_callable(self) -> None:
        with pytest.raises(TypeError, match="f must be callable"):
            AsyncIter([1]).map(3)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="f must be callable"):
            AsyncIter([1]).map_async(3)  # type: ignore[arg-type]

    def test_bad_counts_fail_at_the_call(self) -> None:
        with pytest.raises(ValueError, match="n must be >= 0"):
            AsyncIter(agen([1])).take(-1)
        with pytest.raises(ValueError, match="n must be >= 1"):
            AsyncIter(agen([1])).chunks(0)
        with pytest.raises(TypeError, match="sep must be a str"):
            AsyncIter(["a"]).join(1)  # type: ignore[arg-type, unused-coroutine]


class TestAsyncCallbacks:
    def test_filter_map_async_flat_map_async_inspect_async(self) -> None:
        seen: list[int] = []

        async def parse(s: str) -> Option[int]:
            return Some(int(s)) if s.isdigit() else Nothing()

        async def pages(n: int) -> AsyncIterator[int]:
            for i in range(n):
                yield i

        async def awaited_list(n: int) -> list[int]:
            return [n] * n

        async def note(x: int) -> None:
            seen.append(x)

        async def main() -> tuple[list[int], list[int]]:
            a = await (
                AsyncIter(["1", "x", "3"])
                .filter_map_async(parse)
                .inspect_async(note)
                .flat_map_async(pages)
                .collect()
            )
            b = await AsyncIter([1, 2]).flat_map_async(awaited_list).collect()
            return a, b

        assert run(main) == ([0, 0, 1, 2], [1, 2, 2])
        assert seen == [1, 3]

    def test_flat_map_async_closes_an_abandoned_inner_iterable(self) -> None:
        inner = ASource([1, 2, 3])

        async def main() -> list[int]:
            return await AsyncIter([0]).flat_map_async(lambda _: inner).take(1).collect()

        assert run(main) == [1]
        assert inner.closed == 1

    def test_take_while_async_fold_async_for_each_async(self) -> None:
        out: list[int] = []

        async def small(x: int) -> bool:
            return x < 3

        async def add(acc: int, x: int) -> int:
            return acc + x

        async def record(x: int) -> None:
            out.append(x)

        async def main() -> tuple[list[int], int]:
            a = await AsyncIter(range(10)).take_while_async(small).collect()
            b = await AsyncIter(agen(range(4))).fold_async(0, add)
            await AsyncIter(agen([5, 6])).for_each_async(record)
            return a, b

        assert run(main) == ([0, 1, 2], 6)
        assert out == [5, 6]

    def test_a_sync_function_returning_an_awaitable_works(self) -> None:
        async def main() -> list[int]:
            return await AsyncIter([1, 2]).map_async(lambda x: _sleepy(x * 2)).collect()

        assert run(main) == [2, 4]


class TestIteratorFunctions:
    def test_a_generator_in_an_iterator_source(self) -> None:
        def gen() -> Iterator[int]:
            yield from (1, 2)

        async def main() -> list[int]:
            return await AsyncIter(gen()).map_async(_sleepy).collect()

        assert run(main) == [1, 2]


class TestPeekable:
    @given(
        xs=st.lists(st.integers(0, 5), max_size=8),
        calls=st.lists(st.sampled_from(["peek", "next", "next_if", "next_if_eq"]), max_size=12),
        source=st.sampled_from(sorted(SOURCES)),
    )
    def test_matches_iter_peekable(self, xs: list[int], calls: list[str], source: str) -> None:
        def call(it: Any, name: str) -> Any:
            if name == "next_if":
                return it.next_if(lambda x: x % 2 == 0)
            if name == "next_if_eq":
                return it.next_if_eq(1)
            return getattr(it, name)()

        sync = Iter(list(xs)).peekable()
        expected = [call(sync, name) for name in calls]
        expected_rest = sync.collect()

        async def main() -> tuple[list[Any], list[int]]:
            it = AsyncIter(SOURCES[source](list(xs))).map(abs).peekable()
            got = [await call(it, name) for name in calls]
            return got, await it.collect()

        assert run(main) == (expected, expected_rest)

    def test_a_borrow_shares_the_peek_buffer(self) -> None:
        async def main() -> tuple[Option[int], Option[int], list[int]]:
            it = AsyncPeekable(agen([1, 2, 3]))
            borrow = it.by_ref()
            assert isinstance(borrow, AsyncPeekable)
            peeked = await borrow.peek()
            return peeked, await it.next(), await it.collect()

        assert run(main) == (Some(1), Some(1), [2, 3])

    def test_closing_closes_the_source_and_empties(self) -> None:
        async def main() -> tuple[int, Option[int]]:
            source = ASource([1, 2])
            it = AsyncIter(source).peekable()
            assert await it.peek() == Some(1)
            await it.aclose()
            return source.closed, await it.peek()

        assert run(main) == (1, Nothing())

    def test_next_if_takes_a_sync_predicate(self) -> None:
        with pytest.raises(TypeError, match="sync callback"):
            AsyncIter([1]).peekable().next_if(_acall)  # type: ignore[unused-coroutine]


# ---------------------------------------------------------------------------------------------
# async for moves, as Iter's for loop does; copies are refused
# ---------------------------------------------------------------------------------------------


class TestLoopsMove:
    """An ``async for`` loop (or ``aiter()``) takes the AsyncIter by value, as Iter's ``for``."""

    @pytest.mark.parametrize("source", list(SOURCES), ids=list(SOURCES))
    def test_later_use_raises_moved_error_naming_the_loop(self, source: str) -> None:
        async def main() -> list[int]:
            it: AsyncIter[int] = AsyncIter(SOURCES[source]([1, 2, 3]))
            seen = [x async for x in it]
            moved = r"moved into an async for loop / aiter\(\).*by_ref"
            with pytest.raises(MovedError, match=moved):
                await it.count()
            with pytest.raises(MovedError, match="async for loop"):
                aiter(it)
            with pytest.raises(MovedError, match="async for loop"):
                it.map(str)
            await it.aclose()
            return seen

        assert run(main) == [1, 2, 3]

    def test_aiter_moves(self) -> None:
        it = AsyncIter(agen([1]))
        aiter(it)
        with pytest.raises(MovedError, match="async for loop"):
            it.filter(bool)

    @pytest.mark.parametrize("source", list(SOURCES), ids=list(SOURCES))
    def test_break_then_continue_through_by_ref(self, source: str) -> None:
        async def main() -> tuple[list[str], list[str]]:
            text: list[Any] = ["# a", "# b", "", "body 1", "body 2"]
            lines: AsyncIter[str] = AsyncIter(SOURCES[source](text))
            header: list[str] = []
            async for line in lines.by_ref():
                if not line:
                    break
                header.append(line)
            return header, await lines.collect()

        assert run(main) == (["# a", "# b"], ["body 1", "body 2"])

    def test_peekable_loop_moves_and_its_by_ref_keeps_the_peeked_item(self) -> None:
        async def main() -> list[int]:
            p = AsyncIter(agen([1, 2, 3])).peekable()
            assert await p.peek() == Some(1)
            async for x in p.by_ref():
                assert x == 1
                break
            assert await p.peek() == Some(2)
            rest = [x async for x in p]
            with pytest.raises(MovedError):
                await p.peek()
            return rest

        assert run(main) == [2, 3]

    def test_aclose_of_the_moved_async_iter_closes_the_source_after_a_break(self) -> None:
        async def main() -> tuple[int, int]:
            source = ASource([1, 2, 3])
            async with AsyncIter(source).map(lambda x: x * 2) as it:
                first = await anext(aiter(it))  # what an async for loop that breaks does
            return first, source.closed

        assert run(main) == (2, 1)

    @pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy])
    def test_copies_are_refused_as_iters_are(self, copier: Callable[[Any], Any]) -> None:
        with pytest.raises(TypeError) as sync_error:
            copier(Iter([1]))
        for it in (AsyncIter([1]), AsyncIter(agen([1])).map(str), AsyncIter([1]).peekable()):
            with pytest.raises(TypeError, match="cannot be copied") as error:
                copier(it)
            assert str(error.value) == str(sync_error.value).replace("an Iter", "an AsyncIter")


# ---------------------------------------------------------------------------------------------
# flatten: whatever iter() accepts
# ---------------------------------------------------------------------------------------------


class _GetItemOnly:
    """A sequence with ``__getitem__`` and no ``__iter__`` (as some protobuf repeated fields)."""

    def __init__(self, items: list[int]) -> None:
        self._items = items

    def __getitem__(self, i: int) -> int:
        return self._items[i]

    def __len__(self) -> int:
        return len(self._items)


class TestFlattenAcceptsWhatIterAccepts:
    @settings(max_examples=25)  # (an event loop per example)
    @given(st.lists(st.lists(st.integers(), max_size=4), max_size=6))
    @pytest.mark.parametrize("source", list(SOURCES), ids=list(SOURCES))
    def test_getitem_only_items_as_iter_flatten(self, source: str, xss: list[list[int]]) -> None:
        def items() -> list[Any]:
            return [_GetItemOnly(xs) if i % 2 else xs for i, xs in enumerate(xss)]

        async def main() -> list[int]:
            out: list[int] = await AsyncIter(SOURCES[source](items())).flatten().collect()
            return out

        assert run(main) == Iter(items()).flatten().collect() == [x for xs in xss for x in xs]

    def test_a_non_iterable_item_still_raises(self) -> None:
        async def main() -> None:
            with pytest.raises(TypeError, match="flatten\\(\\) items must be iterable, got int"):
                await AsyncIter(agen([[1], 2])).flatten().collect()  # type: ignore[misc]

        run(main)


# ---------------------------------------------------------------------------------------------
# wrong-typed callback results: the TypeError Iter raises, word for word
# ---------------------------------------------------------------------------------------------

# name -> the same failing call on an Iter or an AsyncIter of ints; ``bad`` is the wrong-typed
# value the callback returns for the item 0 (every other item gets a well-typed result).
WRONG: dict[str, Callable[[Any, object], Any]] = {
    "filter_map": lambda it, bad: it.filter_map(lambda x: bad if x == 0 else Some(x)).collect(),
    "map_while": lambda it, bad: it.map_while(lambda x: bad if x == 0 else Some(x)).collect(),
    "scan": lambda it, bad: it.scan(0, lambda s, x: bad if x == 0 else Some((s, x))).collect(),
    "find_map": lambda it, bad: it.find_map(lambda x: bad if x == 0 else Nothing()),
    "and_then_ok": lambda it, bad: (
        it.map(Ok).and_then_ok(lambda x: bad if x == 0 else Ok(x)).collect()
    ),
    "oks": lambda it, bad: it.map(lambda x: bad if x == 0 else Ok(x)).oks().collect(),
    "errs": lambda it, bad: it.map(lambda x: bad if x == 0 else Err(x)).errs().collect(),
    "map_ok": lambda it, bad: it.map(lambda x: bad if x == 0 else Ok(x)).map_ok(abs).collect(),
    "try_collect": lambda it, bad: it.map(lambda x: bad if x == 0 else Ok(x)).try_collect(),
    "filter_map_after_filter_map_async": lambda it, bad: it.filter_map(
        lambda x: bad if x == 0 else Some(x)
    ).collect(),
}

WRONG_VALUES = st.sampled_from([0, "x", None, (1, 2), [Some(1)], Ok, 1.5])


def _sync_error(name: str, xs: list[int], bad: object) -> str:
    with pytest.raises(TypeError) as error:
        WRONG[name](Iter(xs), bad)
    return str(error.value)


class TestWrongTypedCallbackResults:
    @settings(max_examples=25)  # (an event loop per example)
    @given(
        st.lists(st.integers(-3, 3), max_size=6).map(lambda xs: [*xs, 0]),
        WRONG_VALUES,
        st.sampled_from(list(SOURCES)),
    )
    @pytest.mark.parametrize("name", list(WRONG), ids=list(WRONG))
    def test_same_type_error_as_iter(
        self, name: str, xs: list[int], bad: object, source: str
    ) -> None:
        if bad.__class__ in (Some, Nothing, Ok, Err):
            return
        expected = _sync_error(name, xs, bad)
        assert type(bad).__name__ in expected

        async def main() -> str:
            it: AsyncIter[int] = AsyncIter(SOURCES[source](xs))
            if name.endswith("_async"):
                it = it.filter_map_async(_async_some)
            with pytest.raises(TypeError) as error:
                await WRONG[name](it, bad)
            await it.aclose()  # (find_map borrows: the pipeline stays open)
            return str(error.value)

        assert run(main) == expected

    def test_the_message_names_the_callback_and_the_type(self) -> None:
        async def main() -> str:
            with pytest.raises(TypeError) as error:
                await AsyncIter(agen([1])).map_while(lambda x: x).collect()  # type: ignore[arg-type, return-value]
            return str(error.value)

        assert run(main) == "map_while: f must return Some(...) or Nothing(), got int"

    def test_a_from_fn_like_source(self) -> None:
        class Next:
            def next(self) -> object:
                return 3

        with pytest.raises(TypeError) as sync_error:
            Iter(Next()).collect()  # type: ignore[arg-type]

        async def main() -> str:
            with pytest.raises(TypeError) as error:
                await AsyncIter(Next()).collect()  # type: ignore[arg-type]
            return str(error.value)

        assert run(main) == str(sync_error.value)


async def _async_some(x: int) -> Option[int]:
    return Some(x)


# ---------------------------------------------------------------------------------------------
# size hints
# ---------------------------------------------------------------------------------------------


class TestSizeHint:
    @settings(max_examples=25)  # (an event loop per example)
    @given(st.lists(st.integers(), max_size=8))
    @pytest.mark.parametrize(
        "stages",
        [
            lambda it: it,
            lambda it: it.map(str),
            lambda it: it.filter(bool),
            lambda it: it.enumerate().take(3),
            lambda it: it.step_by(2).flat_map(lambda x: [x, x]),
        ],
        ids=["source", "map", "filter", "enumerate-take", "step_by-flat_map"],
    )
    def test_a_sync_source_gives_the_inner_iters_hint(
        self, stages: Callable[[Any], Any], xs: list[int]
    ) -> None:
        expected = stages(Iter(xs)).size_hint()
        it = stages(AsyncIter(xs))
        assert it.size_hint() == expected
        assert operator.length_hint(it, -1) == operator.length_hint(stages(Iter(xs)), -1)

    @pytest.mark.parametrize(
        "make",
        [
            lambda: AsyncIter(agen([1, 2])),
            lambda: AsyncIter(agen([1, 2])).map(str),
            lambda: AsyncIter([1, 2]).map_async(_sleepy),
            lambda: AsyncIter([1, 2]).peekable(),
        ],
        ids=["async source", "async source map", "map_async", "peekable"],
    )
    def test_otherwise_unknown(self, make: Callable[[], AsyncIter[Any]]) -> None:
        it = make()
        assert it.size_hint() == (0, Nothing())
        assert operator.length_hint(it, -1) == -1

    def test_consumes_nothing_and_a_moved_one_raises(self) -> None:
        async def main() -> list[int]:
            it = AsyncIter([1, 2, 3])
            assert it.size_hint() == (3, Some(3))
            moved = it.map(lambda x: x + 1)
            with pytest.raises(MovedError):
                it.size_hint()
            assert operator.length_hint(it, -1) == -1
            return await moved.collect()

        assert run(main) == [2, 3, 4]
