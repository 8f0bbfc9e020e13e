"""The async drivers of the batching and pacing cores give what the sync drivers give.

``abatches``/``apaced`` feed the same ``Packer``/``Pacer`` one item per async pull; these tests
compare them with ``_drivers.batches``/``_drivers.paced`` (the sync drivers behind
``Iter.batched_by_size``/``Iter.rate_limited``) on the same inputs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any, TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itero import Err, ItemTooLargeError, Ok
from itero._adrivers import AsyncRelease, abatches, apaced
from itero._batching import Packer
from itero._drivers import batches, paced
from itero._pacing import Pacer

T = TypeVar("T")


async def agen(items: Iterable[T]) -> AsyncIterator[T]:
    for item in items:
        await asyncio.sleep(0)
        yield item


async def acollect(ait: AsyncIterator[T]) -> list[T]:
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
