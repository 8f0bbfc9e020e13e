"""Async drivers of the kit's algorithms: async generators over the same I/O-free cores as
``_drivers`` (``Packer`` for batching, ``Pacer`` for pacing, ``Pager`` for pagination).

Each one does only the awaiting: pulling from an async iterator, ``await fetch(...)``,
``await sleep(...)``; every decision is the core's, so the sync and async versions batch, pace
and fetch exactly alike.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any, Generic, TypeVar, final

from ._batching import Packer
from ._pacing import Pacer
from ._paging import Pager
from ._result import Err, Ok

T = TypeVar("T")

__all__ = ["AsyncClosing", "AsyncRelease", "abatches", "apaced", "apages"]


async def abatches(source: AsyncIterator[Any], packer: Packer[Any]) -> AsyncGenerator[Any, None]:
    """The batches of ``source`` as ``packer`` cuts them, fed one item per pull.

    >>> import asyncio
    >>> async def letters():
    ...     for s in ["ab", "c", "de"]:
    ...         yield s
    >>> async def main():
    ...     return [b async for b in abatches(letters(), Packer(3, len, None, 0, 0, strict=True))]
    >>> asyncio.run(main())
    [['ab', 'c'], ['de']]
    """
    pack = packer.pack
    async for item in source:
        for batch in pack((item,)):
            yield batch
    last = packer.finish()
    if last is not None:
        yield last


async def apaced(
    source: AsyncIterator[Any], pacer: Pacer, sleep: Callable[[float], Awaitable[object]]
) -> AsyncGenerator[Any, None]:
    """The items of ``source``, each pull made when ``pacer`` allows, waiting with ``sleep``.

    >>> import asyncio
    >>> async def letters():
    ...     for s in "ab":
    ...         yield s
    >>> waits = []
    >>> async def fake_sleep(seconds):
    ...     waits.append(seconds)
    >>> async def main():
    ...     pacer = Pacer(4, burst=1, clock=lambda: 0.0)
    ...     return [x async for x in apaced(letters(), pacer, fake_sleep)]
    >>> asyncio.run(main()), waits
    (['a', 'b'], [0.25, 0.5])
    """
    anext_ = source.__anext__
    for wait in pacer.waits():
        if wait:
            await sleep(wait)
        try:
            item = await anext_()
        except StopAsyncIteration:
            return
        yield item


@final
class AsyncRelease:
    """Call ``f`` (sync, or returning an awaitable) the first time this is awaited; then nothing.

    >>> import asyncio
    >>> calls = []
    >>> release = AsyncRelease(lambda: calls.append("released"))
    >>> async def main():
    ...     await release()
    ...     await release()
    >>> asyncio.run(main()), calls
    (None, ['released'])
    """

    __slots__ = ("_f",)

    def __init__(self, f: Callable[[], object] | None, /) -> None:
        self._f = f

    async def __call__(self) -> None:
        f, self._f = self._f, None
        if f is not None:
            result = f()
            if inspect.isawaitable(result):
                await result


async def apages(
    pager: Pager[Any, Any],
    fetch: Callable[[Any, int], Any],
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[object]],
    on_page: Callable[[Any], object] | None,
    release: AsyncRelease,
    as_results: bool,
) -> AsyncGenerator[Any, None]:
    """The listing's items (``Ok(item)`` when ``as_results``), fetched as ``pager`` says.

    The async twin of ``_drivers.pages``: the same calls to the same state machine, with
    ``await fetch(...)`` and ``await sleep(...)``. ``fetch`` must return an awaitable (a
    ``Page`` directly is a ``TypeError`` naming ``from_pages``). A failure ends the items (as a
    final ``Err(exc)`` when ``as_results``); ``release`` is awaited when they end.

    >>> import asyncio
    >>> from itero._paging import Page
    >>> async def fetch(token, limit):
    ...     return Page([1, 2], "b") if token is None else Page([3], None)
    >>> async def main():
    ...     pager = Pager(2, too_large=(), start=None, retry=None, deadline=None, grow_after=None)
    ...     gen = apages(pager, fetch, float, asyncio.sleep, None, AsyncRelease(None), False)
    ...     return [x async for x in gen]
    >>> asyncio.run(main())
    [1, 2, 3]
    """
    timed = pager.timed
    try:
        while not pager.done:
            if timed:
                wait = pager.wait(clock())
                if wait:
                    await sleep(wait)
                    continue
            try:
                pending = fetch(pager.token, pager.limit)
                if not inspect.isawaitable(pending):
                    raise TypeError(
                        f"fetch must return an awaitable (afrom_pages takes an async fetch; use"
                        f" from_pages for a sync one), got {type(pending).__name__}"
                    )
                page = await pending
            except Exception as exc:
                if pager.failed(exc, clock() if timed else 0.0):
                    continue
                raise
            items = pager.received(page, clock() if timed else 0.0)
            del page
            if on_page is not None:
                result = on_page(pager.record)
                if inspect.isawaitable(result):
                    await result
            if as_results:
                for item in items:
                    yield Ok(item)
            else:
                for item in items:
                    yield item
            del items  # at most one page is held: drop it before the next fetch
        pager.finish()
    except Exception as exc:
        if not as_results:
            raise
        await release()
        yield Err(exc)
    finally:
        await release()


@final
class AsyncClosing(Generic[T]):
    """An async generator with ``aclose()`` that also releases what it reads from.

    ``async for`` runs the generator; ``aclose()`` closes it and awaits ``release`` (a
    listing's ``on_close``, or the source's ``aclose``), which an async generator closed before
    it started would never reach; exactly once either way.

    >>> import asyncio
    >>> async def items():
    ...     yield 1
    >>> async def main():
    ...     closing = AsyncClosing(items(), AsyncRelease(lambda: print("released")))
    ...     await closing.aclose()  # before it started
    ...     await closing.aclose()
    >>> asyncio.run(main())
    released
    """

    __slots__ = ("_gen", "_release")

    def __init__(self, gen: AsyncGenerator[T, None], release: AsyncRelease) -> None:
        self._gen = gen
        self._release = release

    def __aiter__(self) -> AsyncIterator[T]:
        return self._gen

    async def aclose(self) -> None:
        """Close the generator, then release; idempotent."""
        try:
            await self._gen.aclose()
        finally:
            await self._release()
