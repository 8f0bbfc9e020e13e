"""The async kit's public functions: ``afrom_pages`` and ``atry_from_pages``.

The async twins of ``from_pages``/``try_from_pages``: ``fetch`` is a coroutine function (or
returns an awaitable), waits use ``asyncio.sleep`` (or the given ``sleep``), and everything
else (the page walk, the page size, retries, deadline, records) is the same ``Pager`` state
machine, so for the same server both make exactly the same fetches.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from ._adrivers import AsyncListing, AsyncRelease, apages
from ._paging import GROW_AFTER, Page, Pager, PageRecord, Retry, listing_pager
from ._result import Result

T = TypeVar("T")
K = TypeVar("K")

__all__ = ["afrom_pages", "atry_from_pages"]

_TooLarge = Any  # an exception type or a tuple of them, as for from_pages


def _alisting(
    fetch: Callable[[Any, int], Awaitable[Page[Any, Any]]],
    page_size: int,
    too_large: _TooLarge,
    start: Any,
    on_close: Callable[[], object] | None,
    retry: Retry | None,
    deadline: float | None,
    grow_after: int | None,
    on_page: Callable[[Any], object] | None,
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[object]],
    as_results: bool,
) -> AsyncListing[Any]:
    pager: Pager[Any, Any] = listing_pager(
        fetch, page_size, too_large, start, on_close, retry, deadline, grow_after, on_page,
        clock, sleep,
    )  # fmt: skip
    release = AsyncRelease(on_close)
    gen = apages(pager, fetch, clock, sleep, on_page, release, as_results)
    return AsyncListing(gen, release)


def afrom_pages(
    fetch: Callable[[K | None, int], Awaitable[Page[T, K]]],
    /,
    *,
    page_size: int,
    too_large: type[BaseException] | tuple[type[BaseException], ...] = (),
    start: K | None = None,
    on_close: Callable[[], object] | None = None,
    retry: Retry | None = None,
    deadline: float | None = None,
    grow_after: int | None = GROW_AFTER,
    on_page: Callable[[PageRecord[K]], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> AsyncListing[T]:
    """Turn an async token-paginated call into one lazy async iterator of items.

    ``from_pages`` with ``await fetch(token, limit)``: the same laziness (nothing is fetched
    before the first item is asked for, at most one page is held), the same adaptive page
    size, retries (waiting with ``await sleep(...)``), deadline and ``on_page`` records, and
    the same fetches for the same server. ``on_close`` may be a coroutine function (e.g. a
    ``grpc.aio`` channel's ``close``); it is awaited once when the listing ends, or by
    ``aclose()``. ``on_page`` may be sync or async. A ``fetch`` that returns a ``Page``
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
    too_large: type[BaseException] | tuple[type[BaseException], ...] = (),
    start: K | None = None,
    on_close: Callable[[], object] | None = None,
    retry: Retry | None = None,
    deadline: float | None = None,
    grow_after: int | None = GROW_AFTER,
    on_page: Callable[[PageRecord[K]], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> AsyncListing[Result[T, Exception]]:
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
