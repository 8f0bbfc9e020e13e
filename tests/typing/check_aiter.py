"""Typing tests for AsyncIter and Iter.map_concurrent: checked by ``mypy --strict`` and pyright
(strict), never run (see check_iter.py for the conventions)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Coroutine
from typing import TYPE_CHECKING, Any, Literal

from typing_extensions import assert_type

from itero import AsyncIter, AsyncPeekable, Err, Iter, Nothing, Ok, Option, Some

if TYPE_CHECKING:

    async def agen() -> AsyncIterator[int]:
        yield 1

    async def fetch(x: int) -> str:
        return str(x)

    async def is_even(x: int) -> bool:
        return x % 2 == 0

    async def parse(s: str) -> Option[int]:
        return Some(int(s))

    async def pages(x: int) -> AsyncIterator[str]:
        yield str(x)

    async def listed(x: int) -> list[str]:
        return [str(x)]

    async def add(acc: float, x: int) -> float:
        return acc + x

    def half(x: int) -> Option[int]:
        return Some(x // 2) if x % 2 == 0 else Nothing()

    def results_of() -> AsyncIter[Ok[int] | Err[str]]:
        return AsyncIter([Ok(1), Err("x")])

    def options() -> AsyncIter[Some[int] | Nothing]:
        return AsyncIter([Some(1), Nothing()])

    def checked_add(acc: int, x: int) -> Ok[int] | Err[str]:
        return Ok(acc + x) if x > 0 else Err("not positive")

    def is_int(x: object) -> bool:
        return isinstance(x, int)

    async def main() -> None:
        ints = AsyncIter(agen())
        # --- construction and protocols ------------------------------------------------------
        assert_type(ints, AsyncIter[int])
        assert_type(AsyncIter([1, 2]), AsyncIter[int])
        assert_type(AsyncIter("ab"), AsyncIter[str])
        assert_type(AsyncIter(Iter([1.5])), AsyncIter[float])
        assert_type(AsyncIter(ints), AsyncIter[int])
        AsyncIter(42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        assert_type(await ints.next(), Some[int] | Nothing)
        pending_next: Coroutine[Any, Any, Some[int] | Nothing] = ints.next()
        assert_type(await pending_next, Some[int] | Nothing)
        assert_type(await ints.__anext__(), int)
        async for x in ints:
            assert_type(x, int)
        async with AsyncIter([1]) as managed:
            assert_type(managed, AsyncIter[int])
        assert_type(await ints.aclose(), None)

        def takes_objects(it: AsyncIter[object]) -> None: ...

        takes_objects(ints)  # covariant

        # --- adapters ----------------------------------------------------------------------
        assert_type(ints.map(str), AsyncIter[str])
        assert_type(ints.filter(lambda x: x > 0), AsyncIter[int])
        assert_type(ints.filter_map(half), AsyncIter[int])
        assert_type(ints.inspect(print), AsyncIter[int])
        assert_type(ints.enumerate(), AsyncIter[tuple[int, int]])
        assert_type(ints.chain(["a"]), AsyncIter[int | str])
        assert_type(ints.zip("ab"), AsyncIter[tuple[int, str]])
        assert_type(ints.zip("ab", agen()), AsyncIter[tuple[int, str, int]])
        assert_type(ints.take(2).skip(1).step_by(2), AsyncIter[int])
        assert_type(ints.zip_longest("a"), AsyncIter[tuple[int | str | None, ...]])
        assert_type(ints.zip_longest("a", fillvalue=0.5), AsyncIter[tuple[int | str | float, ...]])
        assert_type(ints.chunks(2), AsyncIter[list[int]])
        assert_type(ints.windows(2), AsyncIter[tuple[int, ...]])
        assert_type(ints.chunk_by(str), AsyncIter[tuple[str, list[int]]])
        assert_type(AsyncIter([[1], [2]]).flatten(), AsyncIter[int])
        assert_type(options().flatten(), AsyncIter[int])
        assert_type(ints.flat_map(lambda x: [str(x)]), AsyncIter[str])
        assert_type(ints.scan(0.0, lambda s, x: Some((s + x, str(x)))), AsyncIter[str])
        assert_type(ints.by_ref(), AsyncIter[int])
        assert_type(ints.size_hint(), tuple[int, Option[int]])
        assert_type(ints.__length_hint__(), int)
        peekable = ints.peekable()
        assert_type(peekable, AsyncPeekable[int])
        assert_type(peekable.by_ref(), AsyncPeekable[int])
        assert_type(await peekable.peek(), Some[int] | Nothing)
        assert_type(await peekable.next_if(is_int), Some[int] | Nothing)
        assert_type(await peekable.next_if_eq(3), Some[int] | Nothing)
        assert_type(peekable.map(str), AsyncIter[str])
        results = results_of()
        assert_type(results.map_ok(str), AsyncIter[Ok[str] | Err[str]])
        assert_type(results.oks(), AsyncIter[int])
        assert_type(results.errs(), AsyncIter[str])
        ints.map(fetch)  # type checks (a coroutine per item): the runtime check says map_async

        # --- async callbacks ---------------------------------------------------------------
        assert_type(ints.map_async(fetch), AsyncIter[str])
        assert_type(ints.map_async(fetch, concurrency=8, ordered=False), AsyncIter[str])
        assert_type(ints.try_map_async(fetch, concurrency=8), AsyncIter[Ok[str] | Err[Exception]])
        assert_type(ints.filter_async(is_even), AsyncIter[int])
        assert_type(AsyncIter(["1"]).filter_map_async(parse), AsyncIter[int])
        assert_type(ints.flat_map_async(pages), AsyncIter[str])
        assert_type(ints.flat_map_async(listed), AsyncIter[str])
        assert_type(ints.inspect_async(is_even), AsyncIter[int])
        assert_type(ints.take_while_async(is_even), AsyncIter[int])
        assert_type(await ints.fold_async(0.0, add), float)
        assert_type(await ints.for_each_async(is_even, concurrency=4), None)
        ints.map_async(fetch, concurrency="8")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        ints.map_async(str)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

        # --- consumers ---------------------------------------------------------------------
        assert_type(await ints.collect(), list[int])
        assert_type(await ints.collect(set), set[int])
        assert_type(await AsyncIter([("a", 1)]).collect(dict), dict[str, int])
        assert_type(await ints.for_each(print), None)
        assert_type(await ints.fold("", lambda acc, x: acc + str(x)), str)
        assert_type(await ints.count(), int)
        assert_type(await ints.sum(), int)
        assert_type(await ints.min(), Some[int] | Nothing)
        assert_type(await ints.max_by_key(abs), Some[int] | Nothing)
        assert_type(await ints.last(), Some[int] | Nothing)
        assert_type(await ints.reduce(lambda a, b: a + b), Some[int] | Nothing)
        assert_type(await ints.partition(is_int), tuple[list[int], list[int]])
        assert_type(await AsyncIter([(1, "a")]).unzip(), tuple[list[int], list[str]])
        assert_type(await AsyncIter("ab").join(","), str)
        assert_type(await results.try_collect(), Ok[list[int]] | Err[str])
        assert_type(await results.partition_results(), tuple[list[int], list[str]])
        assert_type(await ints.any(is_int), bool)
        assert_type(await ints.find(is_int), Some[int] | Nothing)
        assert_type(await ints.find_map(half), Some[int] | Nothing)
        assert_type(await ints.position(is_int), Some[int] | Nothing)
        assert_type(await ints.nth(3), Some[int] | Nothing)
        assert_type(await ints.try_fold(0, checked_add), Ok[int] | Err[str])
        assert_type(await ints.eq(agen()), bool)
        assert_type(await ints.cmp([1]), Literal[-1, 0, 1])
        assert_type(await ints.is_sorted(), bool)

    # --- threads -------------------------------------------------------------------------------
    assert_type(Iter([1]).map_concurrent(str, concurrency=4), Iter[str])
    assert_type(Iter([1]).map_concurrent(str, concurrency=4, ordered=False), Iter[str])
    Iter([1]).map_concurrent(str)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
