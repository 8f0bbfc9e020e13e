"""The async kit's public functions: ``afrom_pages``/``atry_from_pages``,
``abatched_by_size``/``atry_batched_by_size`` and ``arate_limited``.

The async twins of the sync kit: ``fetch`` is a coroutine function (or returns an awaitable),
the sources are async iterables, waits use ``asyncio.sleep`` (or the given ``sleep``), and
every decision is made by the same core as the sync version (``Pager``, ``Packer``, ``Pacer``),
so for the same input both fetch, batch and wait exactly alike. Each returns an
``AsyncIter``; the batching and pacing functions are ``AsyncIter``'s methods applied to
``AsyncIter(aiterable)``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, Awaitable, Callable
from typing import Any, TypeVar, cast, overload

from ._adrivers import AsyncClosing, AsyncRelease, apages
from ._aiter import AsyncIter
from ._batching import ItemTooLarge, SizedT
from ._paging import GROW_AFTER, ExceptionTypes, Page, Pager, PageRecord, Retry, listing_pager
from ._result import Result

T = TypeVar("T")
K = TypeVar("K")

__all__ = [
    "abatched_by_size",
    "afrom_pages",
    "arate_limited",
    "atry_batched_by_size",
    "atry_from_pages",
]


def _alisting(
    fetch: Callable[[Any, int], Awaitable[Page[Any, Any]]],
    page_size: int,
    too_large: ExceptionTypes,
    start: Any,
    on_close: Callable[[], object] | None,
    retry: Retry | None,
    deadline: float | None,
    grow_after: int | None,
    on_page: Callable[[Any], object] | None,
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[object]],
    as_results: bool,
) -> AsyncIter[Any]:
    pager: Pager[Any, Any] = listing_pager(
        fetch, page_size, too_large, start, on_close, retry, deadline, grow_after, on_page,
        clock, sleep,
    )  # fmt: skip
    release = AsyncRelease(on_close)
    gen = apages(pager, fetch, clock, sleep, on_page, release, as_results)
    return AsyncIter(AsyncClosing(gen, release))


def afrom_pages(
    fetch: Callable[[K | None, int], Awaitable[Page[T, K]]],
    /,
    *,
    page_size: int,
    too_large: ExceptionTypes = (),
    start: K | None = None,
    on_close: Callable[[], object] | None = None,
    retry: Retry | None = None,
    deadline: float | None = None,
    grow_after: int | None = GROW_AFTER,
    on_page: Callable[[PageRecord[K]], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> AsyncIter[T]:
    """Turn an async token-paginated call into one lazy ``AsyncIter`` of items.

    ``from_pages`` with ``await fetch(token, limit)``: the same laziness (nothing is fetched
    before the first item is asked for, at most one page is held), the same adaptive page
    size, retries (waiting with ``await sleep(...)``), deadline and ``on_page`` records, and
    the same fetches for the same server. ``on_close`` may be a coroutine function (e.g. a
    ``grpc.aio`` channel's ``close``); it is awaited once when the listing ends, or when the
    ``AsyncIter`` is closed (``aclose()``, ``async with``, or a consumer such as ``collect``
    that owns it). ``on_page`` may be sync or async. A ``fetch`` that returns a ``Page``
    instead of an awaitable is a ``TypeError`` naming ``from_pages``.

    >>> import asyncio
    >>> from itero import Page, afrom_pages
    >>> async def fetch(token: int | None, limit: int) -> Page[str, int]:
    ...     first = token or 0
    ...     items = "abcde"[first : first + limit]
    ...     return Page(list(items), first + limit if first + limit < 5 else None)
    >>> async def main() -> list[str]:
    ...     return [letter async for letter in afrom_pages(fetch, page_size=2)]
    >>> asyncio.run(main())
    ['a', 'b', 'c', 'd', 'e']
    """
    return _alisting(
        fetch, page_size, too_large, start, on_close, retry, deadline, grow_after, on_page,
        clock, sleep, False,
    )  # fmt: skip


def atry_from_pages(
    fetch: Callable[[K | None, int], Awaitable[Page[T, K]]],
    /,
    *,
    page_size: int,
    too_large: ExceptionTypes = (),
    start: K | None = None,
    on_close: Callable[[], object] | None = None,
    retry: Retry | None = None,
    deadline: float | None = None,
    grow_after: int | None = GROW_AFTER,
    on_page: Callable[[PageRecord[K]], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> AsyncIter[Result[T, Exception]]:
    """Like ``afrom_pages``, with items as ``Ok`` and a failure as a final ``Err`` item.

    >>> import asyncio
    >>> from itero import Page, atry_from_pages
    >>> async def fetch(token: int | None, limit: int) -> Page[int, int]:
    ...     if token == 2:
    ...         raise ConnectionError("server went away")
    ...     return Page([token or 0, (token or 0) + 1], (token or 0) + 2)
    >>> async def main() -> None:
    ...     async for r in atry_from_pages(fetch, page_size=2):
    ...         print(r)
    >>> asyncio.run(main())
    Ok(0)
    Ok(1)
    Err(ConnectionError('server went away'))
    """
    return _alisting(
        fetch, page_size, too_large, start, on_close, retry, deadline, grow_after, on_page,
        clock, sleep, True,
    )  # fmt: skip


def _asource(aiterable: object) -> AsyncIter[Any]:
    """``AsyncIter(aiterable)``, with a refusal naming the argument ``aiterable``."""
    if isinstance(aiterable, AsyncIter):
        moved: AsyncIter[Any] = cast(Any, aiterable)
        return moved
    try:
        return AsyncIter(cast(Any, aiterable))
    except TypeError:
        if hasattr(aiterable, "__aiter__") or hasattr(aiterable, "__iter__"):
            raise  # its own __aiter__/__iter__ failed: that error, unchanged
        raise TypeError(
            f"aiterable must be an async iterable or an iterable, got {type(aiterable).__name__}"
        ) from None


@overload
def abatched_by_size(
    aiterable: AsyncIterable[SizedT],
    /,
    max_bytes: int,
    *,
    max_items: int | None = ...,
    batch_overhead: int = ...,
    item_overhead: int = ...,
) -> AsyncIter[list[SizedT]]: ...
@overload
def abatched_by_size(
    aiterable: AsyncIterable[T],
    /,
    max_bytes: int,
    *,
    size: Callable[[T], int],
    max_items: int | None = ...,
    batch_overhead: int = ...,
    item_overhead: int = ...,
) -> AsyncIter[list[T]]: ...
def abatched_by_size(
    aiterable: AsyncIterable[Any],
    /,
    max_bytes: int,
    *,
    size: Callable[[Any], int] = len,
    max_items: int | None = None,
    batch_overhead: int = 0,
    item_overhead: int = 0,
) -> AsyncIter[list[Any]]:
    """``batched_by_size`` for an async iterable: the same batches, pulled one item at a time.

    ``AsyncIter(aiterable).batched_by_size(...)``: the same ``Packer`` as the sync version cuts
    the batches (see ``batched_by_size`` for the size formula and ``ItemTooLargeError``); one
    batch is held at a time. Closing the ``AsyncIter`` closes the source.

    >>> import asyncio
    >>> from itero import abatched_by_size
    >>> async def words():
    ...     for w in ["ab", "cd", "e", "fghi"]:
    ...         yield w
    >>> async def main() -> list[list[str]]:
    ...     return [batch async for batch in abatched_by_size(words(), 4)]
    >>> asyncio.run(main())
    [['ab', 'cd'], ['e'], ['fghi']]
    """
    return _asource(aiterable).batched_by_size(
        max_bytes,
        size=size,
        max_items=max_items,
        batch_overhead=batch_overhead,
        item_overhead=item_overhead,
    )


@overload
def atry_batched_by_size(
    aiterable: AsyncIterable[SizedT],
    /,
    max_bytes: int,
    *,
    max_items: int | None = ...,
    batch_overhead: int = ...,
    item_overhead: int = ...,
) -> AsyncIter[Result[list[SizedT], ItemTooLarge[SizedT]]]: ...
@overload
def atry_batched_by_size(
    aiterable: AsyncIterable[T],
    /,
    max_bytes: int,
    *,
    size: Callable[[T], int],
    max_items: int | None = ...,
    batch_overhead: int = ...,
    item_overhead: int = ...,
) -> AsyncIter[Result[list[T], ItemTooLarge[T]]]: ...
def atry_batched_by_size(
    aiterable: AsyncIterable[Any],
    /,
    max_bytes: int,
    *,
    size: Callable[[Any], int] = len,
    max_items: int | None = None,
    batch_overhead: int = 0,
    item_overhead: int = 0,
) -> AsyncIter[Any]:
    """``try_batched_by_size`` for an async iterable: an oversize item comes out as ``Err``.

    >>> import asyncio
    >>> from itero import atry_batched_by_size
    >>> async def words():
    ...     for w in ["ab", "far too long", "c"]:
    ...         yield w
    >>> async def main() -> None:
    ...     async for r in atry_batched_by_size(words(), 4):
    ...         print(r)
    >>> asyncio.run(main())
    Ok(['ab'])
    Err(ItemTooLarge(index=1, item='far too long', size=12, max_bytes=4))
    Ok(['c'])
    """
    return _asource(aiterable).try_batched_by_size(
        max_bytes,
        size=size,
        max_items=max_items,
        batch_overhead=batch_overhead,
        item_overhead=item_overhead,
    )


def arate_limited(
    aiterable: AsyncIterable[T],
    /,
    per_second: float,
    *,
    burst: int = 1,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> AsyncIter[T]:
    """``rate_limited`` for an async iterable: the same token bucket, waiting with ``sleep``.

    >>> import asyncio
    >>> from itero import arate_limited
    >>> now = [0.0]
    >>> async def fake_sleep(seconds: float) -> None:
    ...     now[0] += seconds
    >>> async def letters():
    ...     for c in "abc":
    ...         yield c
    >>> async def main() -> list[tuple[str, float]]:
    ...     paced = arate_limited(letters(), 4, clock=lambda: now[0], sleep=fake_sleep)
    ...     return [(c, now[0]) async for c in paced]
    >>> asyncio.run(main())
    [('a', 0.0), ('b', 0.25), ('c', 0.5)]
    """
    return _asource(aiterable).rate_limited(per_second, burst=burst, clock=clock, sleep=sleep)
