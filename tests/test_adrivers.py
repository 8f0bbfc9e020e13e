"""The async drivers of the batching and pacing cores give what the sync drivers give.

``abatches``/``apaced`` feed the same ``Packer``/``Pacer`` one item per async pull; these tests
compare them with ``_drivers.batches``/``_drivers.paced`` (the sync drivers behind
``Iter.batched_by_size``/``Iter.rate_limited``) on the same inputs.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Any, TypeVar

import pytest
from hypothesis import given, strategies as st

from itero import (
    AsyncIter,
    Err,
    ItemTooLargeError,
    Iter,
    Ok,
    Page,
    abatched_by_size,
    afrom_pages,
    arate_limited,
    atry_batched_by_size,
    batched_by_size,
    rate_limited,
    try_batched_by_size,
)
from itero._adrivers import AsyncRelease, abatches, apaced
from itero._batching import Packer
from itero._drivers import batches, paced
from itero._pacing import Pacer

T = TypeVar("T")


async def agen(items: Iterable[T]) -> AsyncIterator[T]:
    for item in items:
        await asyncio.sleep(0)
        yield item


async def acollect(ait: AsyncIterable[T]) -> list[T]:
    return [x async for x in ait]


def outcome(run: Any) -> list[Any]:
    """Everything ``run()`` yields, and then the exception it raised (its repr), if any."""
    out: list[Any] = []
    try:
        for x in run():
            out.append(x)
    except ItemTooLargeError as exc:
        out.append(repr(exc))
    return out


class TestAbatches:
    @given(
        st.lists(st.text(max_size=6), max_size=30),
        st.integers(1, 12),
        st.one_of(st.none(), st.integers(1, 4)),
        st.integers(0, 2),
        st.integers(0, 2),
        st.booleans(),
    )
    def test_same_batches_as_the_sync_driver(
        self,
        items: list[str],
        max_bytes: int,
        max_items: int | None,
        batch_overhead: int,
        item_overhead: int,
        strict: bool,
    ) -> None:
        if batch_overhead + item_overhead > max_bytes:
            return

        def packer() -> Packer[str]:
            return Packer(max_bytes, len, max_items, batch_overhead, item_overhead, strict=strict)

        expected = outcome(lambda: batches(iter(items), packer()))

        async def main() -> list[Any]:
            out: list[Any] = []
            try:
                async for batch in abatches(agen(items), packer()):
                    out.append(batch)
            except ItemTooLargeError as exc:
                out.append(repr(exc))
            return out

        assert asyncio.run(main()) == expected

    def test_err_items_in_place(self) -> None:
        packer: Packer[str] = Packer(4, len, None, 0, 0, strict=False)
        got = asyncio.run(acollect(abatches(agen(["ab", "far too long", "c"]), packer)))
        assert got[0] == Ok(["ab"])
        assert isinstance(got[1], Err)
        assert got[2] == Ok(["c"])


class TestApaced:
    @given(st.lists(st.integers(), max_size=12), st.floats(0.5, 20), st.integers(1, 4))
    def test_same_waits_as_the_sync_driver(
        self, items: list[int], per_second: float, burst: int
    ) -> None:
        now = [0.0]
        sync_waits: list[float] = []

        def sleep(seconds: float) -> None:
            sync_waits.append(seconds)
            now[0] += seconds

        sync = list(paced(iter(items), Pacer(per_second, burst=burst, clock=lambda: now[0]), sleep))
        anow = [0.0]
        async_waits: list[float] = []

        async def asleep(seconds: float) -> None:
            async_waits.append(seconds)
            anow[0] += seconds

        pacer = Pacer(per_second, burst=burst, clock=lambda: anow[0])
        got = asyncio.run(acollect(apaced(agen(items), pacer, asleep)))
        assert (got, async_waits) == (sync, sync_waits)


class TestAsyncRelease:
    def test_awaits_an_async_release_once(self) -> None:
        calls: list[str] = []

        async def close() -> None:
            calls.append("closed")

        release = AsyncRelease(close)

        async def main() -> None:
            await release()
            await release()

        asyncio.run(main())
        assert calls == ["closed"]

    def test_errors_propagate(self) -> None:
        def close() -> None:
            raise RuntimeError("release failed")

        with pytest.raises(RuntimeError, match="release failed"):
            asyncio.run(AsyncRelease(close)())


class TestAsyncKitFunctions:
    """``abatched_by_size``/``atry_batched_by_size``/``arate_limited`` equal the sync functions."""

    @given(
        st.lists(st.text(max_size=6), max_size=30),
        st.integers(1, 12),
        st.one_of(st.none(), st.integers(1, 4)),
        st.integers(0, 2),
    )
    def test_batches_equal_the_sync_functions(
        self, items: list[str], max_bytes: int, max_items: int | None, item_overhead: int
    ) -> None:
        if item_overhead > max_bytes:
            return
        kwargs: dict[str, Any] = {"max_items": max_items, "item_overhead": item_overhead}
        expected = try_batched_by_size(items, max_bytes, **kwargs).collect()
        got = asyncio.run(acollect(atry_batched_by_size(agen(items), max_bytes, **kwargs)))
        assert got == expected
        strict = outcome(lambda: batched_by_size(items, max_bytes, **kwargs))

        async def main() -> list[Any]:
            out: list[Any] = []
            try:
                async for batch in abatched_by_size(agen(items), max_bytes, **kwargs):
                    out.append(batch)
            except ItemTooLargeError as exc:
                out.append(repr(exc))
            return out

        assert asyncio.run(main()) == strict

    def test_rate_limited_waits_equal_the_sync_function(self) -> None:
        now = [0.0]
        waits: list[float] = []

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            now[0] += seconds

        sync = rate_limited(range(5), 3, burst=2, clock=lambda: now[0], sleep=sleep).collect()
        sync_waits = list(waits)
        now[0] = 0.0
        waits.clear()

        async def asleep(seconds: float) -> None:
            sleep(seconds)

        paced = arate_limited(agen(range(5)), 3, burst=2, clock=lambda: now[0], sleep=asleep)
        assert asyncio.run(acollect(paced)) == sync
        assert waits == sync_waits

    def test_aclose_closes_the_source(self) -> None:
        closed: list[bool] = []

        async def source() -> AsyncIterator[str]:
            try:
                for w in ["ab", "cd", "ef", "gh"]:
                    yield w
            finally:
                closed.append(True)

        async def main() -> list[str]:
            batches = abatched_by_size(source(), 2)
            async for batch in batches:
                await batches.aclose()
                return batch
            raise AssertionError("empty")

        assert asyncio.run(main()) == ["ab"]
        assert closed == [True]

    def test_lazy(self) -> None:
        pulled: list[int] = []

        async def source() -> AsyncIterator[str]:
            pulled.append(1)
            yield "a"

        async def main() -> None:
            batches = abatched_by_size(source(), 3)
            assert pulled == []
            await batches.aclose()

        asyncio.run(main())

    @pytest.mark.parametrize(
        ("call", "error", "message"),
        [
            (lambda: abatched_by_size(agen(["a"]), 0), ValueError, "max_bytes must be >= 1, got 0"),
            (
                lambda: abatched_by_size(3, 3),  # type: ignore[call-overload]
                TypeError,
                "aiterable must be an async iterable or an iterable, got int",
            ),
            (
                lambda: arate_limited(agen(["a"]), 0),
                ValueError,
                "per_second must be positive and finite, got 0",
            ),
            (
                lambda: arate_limited(agen(["a"]), 1, sleep=3),  # type: ignore[arg-type]
                TypeError,
                "sleep must be callable, got int",
            ),
        ],
    )
    def test_bad_arguments_at_the_call(
        self, call: Callable[[], object], error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            call()

    def test_a_sources_own_type_error_propagates_unchanged(self) -> None:
        class Sync:
            def __iter__(self) -> Iterator[str]:
                raise TypeError("from __iter__")

        class Async:
            def __aiter__(self) -> AsyncIterator[str]:
                raise TypeError("from __aiter__")

        with pytest.raises(TypeError, match=r"^from __iter__$"):
            abatched_by_size(Sync(), 4)  # type: ignore[call-overload]
        with pytest.raises(TypeError, match=r"^from __aiter__$"):
            arate_limited(Async(), 1)


class TestAsyncIterKitMethods:
    """``AsyncIter.batched_by_size``/``try_batched_by_size``/``rate_limited`` equal ``Iter``'s."""

    @given(
        st.lists(st.text(max_size=6), max_size=30),
        st.integers(1, 12),
        st.one_of(st.none(), st.integers(1, 4)),
        st.integers(0, 2),
    )
    def test_batches_equal_iters(
        self, items: list[str], max_bytes: int, max_items: int | None, item_overhead: int
    ) -> None:
        if item_overhead > max_bytes:
            return
        expected = (
            Iter(items)
            .try_batched_by_size(max_bytes, max_items=max_items, item_overhead=item_overhead)
            .collect()
        )
        got = asyncio.run(
            AsyncIter(agen(items))
            .try_batched_by_size(max_bytes, max_items=max_items, item_overhead=item_overhead)
            .collect()
        )
        assert got == expected
        strict = outcome(
            lambda: Iter(items).batched_by_size(
                max_bytes, max_items=max_items, item_overhead=item_overhead
            )
        )

        async def main() -> list[Any]:
            out: list[Any] = []
            try:
                async for b in AsyncIter(agen(items)).batched_by_size(
                    max_bytes, max_items=max_items, item_overhead=item_overhead
                ):
                    out.append(b)
            except ItemTooLargeError as exc:
                out.append(repr(exc))
            return out

        assert asyncio.run(main()) == strict

    def test_a_sync_source_batches_as_iter_and_closes(self) -> None:
        # A sync-backed AsyncIter hands batching to its Iter: the same batches, and closing
        # the pipeline still closes the sync source.
        closed: list[bool] = []

        def source() -> Iterator[str]:
            try:
                yield from ["ab", "far too long", "cd", "e"]
            finally:
                closed.append(True)

        got = asyncio.run(AsyncIter(source()).try_batched_by_size(4).collect())
        assert got == Iter(["ab", "far too long", "cd", "e"]).try_batched_by_size(4).collect()
        assert closed == [True]

        async def first_batch() -> Any:
            async with AsyncIter(source()).batched_by_size(2) as batches:
                return await batches.next()

        assert asyncio.run(first_batch()).unwrap() == ["ab"]
        assert closed == [True, True]

    def test_an_async_size_is_refused_at_the_call(self) -> None:
        async def size(item: str) -> int:
            return len(item)

        for method in ("batched_by_size", "try_batched_by_size"):
            for source in (["a"], agen(["a"])):
                with pytest.raises(TypeError, match=rf"^{method}\(\) takes a sync callback"):
                    getattr(AsyncIter(source), method)(4, size=size)

    def test_rate_limited_waits_equal_iters(self) -> None:
        now = [0.0]
        waits: list[float] = []

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            now[0] += seconds

        expected = Iter(range(5)).rate_limited(3, burst=2, clock=lambda: now[0], sleep=sleep)
        sync = (expected.collect(), list(waits))
        now[0] = 0.0
        waits.clear()

        async def asleep(seconds: float) -> None:
            sleep(seconds)

        got = asyncio.run(
            AsyncIter(agen(range(5)))
            .rate_limited(3, burst=2, clock=lambda: now[0], sleep=asleep)
            .collect()
        )
        assert (got, waits) == sync

    def test_bad_arguments_at_the_call(self) -> None:
        with pytest.raises(ValueError, match=r"^max_bytes must be >= 1, got 0$"):
            AsyncIter(["a"]).batched_by_size(0)
        with pytest.raises(TypeError, match=r"^sleep must be callable, got int$"):
            AsyncIter(["a"]).rate_limited(1, sleep=3)  # type: ignore[arg-type]

    def test_closing_the_pipeline_closes_the_source(self) -> None:
        closed: list[bool] = []

        async def source() -> AsyncIterator[str]:
            try:
                for w in ["ab", "cd", "ef"]:
                    yield w
            finally:
                closed.append(True)

        async def main() -> Any:
            async with AsyncIter(source()).batched_by_size(2).map(len) as sizes:
                return await sizes.next()

        assert asyncio.run(main()).unwrap() == 1
        assert closed == [True]


class TestAfromPagesOnAsyncIter:
    def test_a_consumer_closes_and_releases(self) -> None:
        released: list[str] = []

        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            start = token or 0
            return Page(list(range(start, start + limit)), start + limit)  # endless

        async def on_close() -> None:
            released.append("released")

        got = asyncio.run(
            afrom_pages(fetch, page_size=3, on_close=on_close).map(str).take(4).collect()
        )
        assert got == ["0", "1", "2", "3"]
        assert released == ["released"]
