"""The kit's public functions: lazy pagination, size-bounded batching and rate limiting, each
returning an ``Iter``.

``from_pages(fetch, page_size=...)`` turns ``fetch(token, limit) -> Page`` into a lazy ``Iter``
of items that fetches a page only when the consumer reaches it, holds at most one page, halves
the page size when the server says a page is too large (and grows it back), retries transient
failures from the same token, keeps to a deadline, reports each page to ``on_page``, and refuses
to loop on a repeated token; ``try_from_pages`` delivers a failure as a final ``Err`` item
instead of raising. The algorithm is ``_paging.Pager``; ``_drivers.pages`` drives it.
``batched_by_size`` groups items into lists whose encoded size never exceeds a byte limit (a gRPC
message, an HTTP body, a Kafka record batch); ``try_batched_by_size`` reports an item too large
for any batch as an ``Err`` and carries on; ``rate_limited`` paces how often its source is
pulled. All are lazy. The batching and pacing functions are ``Iter``'s methods applied to
``Iter(iterable)``, so a pipeline built with either keeps its depth and its sources.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, overload

from ._batching import ItemTooLarge, SizedT
from ._drivers import pages as _pages
from ._iter import Iter
from ._paging import GROW_AFTER, ExceptionTypes, Page, Pager, PageRecord, Retry, listing_pager
from ._result import Result
from ._stages import CallOnce, Closing

T = TypeVar("T")
K = TypeVar("K")

__all__ = [
    "batched_by_size",
    "from_pages",
    "rate_limited",
    "try_batched_by_size",
    "try_from_pages",
]


def _source(iterable: Iterable[T]) -> Iter[T]:
    """``Iter(iterable)``, with a refusal naming the argument ``iterable``."""
    if isinstance(iterable, Iter):
        return iterable
    cls = type(iterable)
    if getattr(cls, "__iter__", None) is None and getattr(cls, "__getitem__", None) is None:
        raise TypeError(f"iterable must be iterable, got {cls.__name__}")
    return Iter(iterable)  # calls iterable.__iter__ once


def _listing(
    fetch: Callable[[K | None, int], Page[T, K]],
    page_size: int,
    too_large: ExceptionTypes,
    start: K | None,
    on_close: Callable[[], object] | None,
    retry: Retry | None,
    deadline: float | None,
    grow_after: int | None,
    on_page: Callable[[PageRecord[K]], object] | None,
    clock: Callable[[], float],
    sleep: Callable[[float], object],
    as_results: bool,
) -> Iter[Any]:
    """The ``Iter`` of ``from_pages`` (items) or ``try_from_pages`` (results); checks first."""
    pager: Pager[T, K] = listing_pager(
        fetch, page_size, too_large, start, on_close, retry, deadline, grow_after, on_page,
        clock, sleep,
    )  # fmt: skip
    release = CallOnce(on_close)
    pages = _pages(pager, fetch, clock, sleep, on_page, release, as_results)
    items: Iterator[Any] = itertools.chain.from_iterable(pages)
    # Closing a started generator runs its ``finally`` (which releases); an unstarted one
    # never ran, so release after closing it too (at most once either way).
    return Iter(Closing(items, pages.close, release))


def from_pages(
    fetch: Callable[[K | None, int], Page[T, K]],
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
    sleep: Callable[[float], object] = time.sleep,
) -> Iter[T]:
    """Turn a token-paginated call into one lazy ``Iter`` of items.

    ``fetch(token, limit)`` returns a ``Page`` of at most ``limit`` items and the token of the
    next page; the first call gets ``start`` (None: from the beginning), and a next token of
    None (or an empty ``str``/``bytes``) ends the listing. Empty pages are skipped.

    Laziness and memory: nothing is fetched until the first item is asked for, and the next
    page only when the consumer has used up the current one; at most one page is held.

    Adaptive page size: when ``fetch`` raises one of the ``too_large`` exception types, the
    limit is halved (integer division) and the same token retried. The smaller limit is kept
    for the pages that follow, and grows back once they fit again: after ``grow_after`` pages
    in a row fetched at a reduced limit without a too-large error, the limit doubles (never
    above ``page_size``; ``grow_after=None`` keeps it reduced); a doubled limit refused at
    once makes the next growth wait twice as many pages, so a hard size limit costs few
    refused responses (``Pager`` states the policy in full). If a page of one item is still
    too large, ``PageItemTooLargeError`` names the token (the server's exception is its
    ``__cause__``).

    Retries (``retry=Retry(...)``): a fetch failing with an exception the policy accepts is
    retried from the same token after an exponential backoff with jitter, slept with ``sleep``;
    no item is skipped or repeated. When the policy gives up, ``RetriesExhaustedError`` says
    after how many attempts, and its ``token`` resumes the listing (``start=token``).

    Deadline (``deadline=`` seconds, read with ``clock``, counted from the first fetch): no
    fetch or retry starts after it; ``ListingDeadlineError`` then says how many items were
    delivered and at which token to resume. A fetch that is running when it passes is not
    interrupted (give ``fetch`` its own per-call timeout).

    Progress: ``on_page`` is called with a ``PageRecord`` (page number, token, item count,
    ``Page.nbytes``, limit, retries, elapsed seconds) for each page received, before its items
    are delivered. Without ``retry``, ``deadline`` and ``on_page`` the clock is never read.

    Releasing: ``on_close`` (for example ``client.close``) is called exactly once when the
    pagination ends: exhausted, failed, or closed early (``close()`` on the returned ``Iter``,
    or leaving its ``with`` block), even if nothing was fetched yet.

    Args:
        fetch: ``fetch(token, limit) -> Page``; its exceptions propagate unchanged (unless
            ``too_large`` or ``retry`` handle them).
        page_size: the limit asked for at first, >= 1.
        too_large: the exception type(s) that mean "ask for fewer items".
        start: the token of the first page.
        on_close: called once when the pagination ends, to release what fetch holds.
        retry: which failures to retry, how often and how long to wait (None: none).
        deadline: seconds for the whole listing, > 0 (None: no deadline).
        grow_after: pages in a row at a reduced limit before it doubles, >= 1, or None.
        on_page: called with each page's ``PageRecord``.
        clock: a monotonic clock in seconds (default ``time.monotonic``).
        sleep: a function that waits a number of seconds (default ``time.sleep``).

    Raises:
        RepeatedTokenError: (while iterating) a next token was already used. A token equal to
            the current one is caught before anything repeats; a longer cycle (A, B, A) is
            caught in constant memory within a few rounds, after some items came again.
        PageItemTooLargeError, RetriesExhaustedError, ListingDeadlineError: (while iterating)
            see above.
        TypeError, ValueError: at the call, for a bad argument (named in the message).

    >>> from itero import Page, from_pages
    >>> def fetch(token: int | None, limit: int) -> Page[str, int]:
    ...     print(f"fetch({token}, {limit})")
    ...     first = token or 0
    ...     items = "abcde"[first : first + limit]
    ...     return Page(list(items), first + limit if first + limit < 5 else None)
    >>> letters = from_pages(fetch, page_size=2)
    >>> for letter in letters:
    ...     print(letter)
    fetch(None, 2)
    a
    b
    fetch(2, 2)
    c
    d
    fetch(4, 2)
    e
    """
    return _listing(
        fetch, page_size, too_large, start, on_close, retry, deadline, grow_after, on_page,
        clock, sleep, False,
    )  # fmt: skip


def try_from_pages(
    fetch: Callable[[K | None, int], Page[T, K]],
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
    sleep: Callable[[float], object] = time.sleep,
) -> Iter[Result[T, Exception]]:
    """Like ``from_pages``, with items as ``Ok`` and a failure as a final ``Err`` item.

    Every item fetched before the failure is delivered (as ``Ok``); then the exception (from
    ``fetch``, or a ``RepeatedTokenError``/``PageItemTooLargeError``/``RetriesExhaustedError``/
    ``ListingDeadlineError``) comes out as ``Err`` and the iteration ends, so a partial listing
    is never lost to an exception. Exceptions that are not ``Exception`` subclasses
    (``KeyboardInterrupt``) still propagate. Arguments, laziness and ``on_close`` are as for
    ``from_pages``.

    >>> from itero import Page, try_from_pages
    >>> def fetch(token: int | None, limit: int) -> Page[int, int]:
    ...     if token == 2:
    ...         raise ConnectionError("server went away")
    ...     return Page([token or 0, (token or 0) + 1], (token or 0) + 2)
    >>> for r in try_from_pages(fetch, page_size=2):
    ...     print(r)
    Ok(0)
    Ok(1)
    Err(ConnectionError('server went away'))
    """
    return _listing(
        fetch, page_size, too_large, start, on_close, retry, deadline, grow_after, on_page,
        clock, sleep, True,
    )  # fmt: skip


@overload
def batched_by_size(
    iterable: Iterable[SizedT],
    /,
    max_bytes: int,
    *,
    max_items: int | None = ...,
    batch_overhead: int = ...,
    item_overhead: int = ...,
) -> Iter[list[SizedT]]: ...
@overload
def batched_by_size(
    iterable: Iterable[T],
    /,
    max_bytes: int,
    *,
    size: Callable[[T], int],
    max_items: int | None = ...,
    batch_overhead: int = ...,
    item_overhead: int = ...,
) -> Iter[list[T]]: ...
def batched_by_size(
    iterable: Iterable[T],
    /,
    max_bytes: int,
    *,
    size: Callable[[Any], int] = len,
    max_items: int | None = None,
    batch_overhead: int = 0,
    item_overhead: int = 0,
) -> Iter[list[T]]:
    """Group items lazily into lists whose encoded size never exceeds ``max_bytes``.

    A batch's size is ``batch_overhead + sum(size(item) + item_overhead for item in batch)``
    (for example a message header and a per-record length prefix). Batches are filled greedily
    in source order: a batch is shipped only when the next item would not fit (or when it holds
    ``max_items`` items), so concatenating the batches gives back the source. Lazy: nothing is
    pulled before the first batch is asked for, and only one batch is held at a time.

    Args:
        iterable: the items, in the order they must be sent.
        max_bytes: the largest size of a batch, overheads included; must be >= 1.
        size: the encoded size of one item, a non-negative int (default ``len``).
        max_items: the most items in a batch (None: no limit); must be >= 1.
        batch_overhead: bytes added once per batch; must be >= 0.
        item_overhead: bytes added per item; must be >= 0.

    Returns:
        An ``Iter`` of non-empty lists.

    Raises:
        ItemTooLargeError: (while iterating) when an item does not fit even in a batch of its
            own; the batch before it is delivered first. Use ``try_batched_by_size`` to get such
            items as ``Err`` values and keep going.
        TypeError, ValueError: at the call, for a bad argument (named in the message).

    >>> from itero import batched_by_size
    >>> batched_by_size(["ab", "cd", "e", "fghi", "j"], 4).collect()
    [['ab', 'cd'], ['e'], ['fghi'], ['j']]
    >>> batched_by_size(["ab", "cd", "e"], 10, item_overhead=2, batch_overhead=1).collect()
    [['ab', 'cd'], ['e']]
    >>> batched_by_size(range(5), 100, size=lambda x: 1, max_items=2).collect()
    [[0, 1], [2, 3], [4]]
    >>> batched_by_size(["ok", "far too long", "ok"], 4).collect()
    Traceback (most recent call last):
        ...
    itero.ItemTooLargeError: item at index 1 has size 12, which does not fit in \
max_bytes=4 even in a batch of its own
    """
    return _source(iterable).batched_by_size(
        max_bytes,
        size=size,
        max_items=max_items,
        batch_overhead=batch_overhead,
        item_overhead=item_overhead,
    )


@overload
def try_batched_by_size(
    iterable: Iterable[SizedT],
    /,
    max_bytes: int,
    *,
    max_items: int | None = ...,
    batch_overhead: int = ...,
    item_overhead: int = ...,
) -> Iter[Result[list[SizedT], ItemTooLarge[SizedT]]]: ...
@overload
def try_batched_by_size(
    iterable: Iterable[T],
    /,
    max_bytes: int,
    *,
    size: Callable[[T], int],
    max_items: int | None = ...,
    batch_overhead: int = ...,
    item_overhead: int = ...,
) -> Iter[Result[list[T], ItemTooLarge[T]]]: ...
def try_batched_by_size(
    iterable: Iterable[T],
    /,
    max_bytes: int,
    *,
    size: Callable[[Any], int] = len,
    max_items: int | None = None,
    batch_overhead: int = 0,
    item_overhead: int = 0,
) -> Iter[Result[list[T], ItemTooLarge[T]]]:
    """Like ``batched_by_size``, but an item too large for any batch comes out as ``Err``.

    Batches come out as ``Ok(batch)``. An item that does not fit even in a batch of its own
    ends the current batch (delivered first), comes out as ``Err(ItemTooLarge(...))`` in its
    place, and batching continues with the next item, so nothing is lost and order is kept.
    Arguments and laziness are as for ``batched_by_size``.

    >>> from itero import try_batched_by_size
    >>> for r in try_batched_by_size(["ab", "c", "far too long", "d"], 4):
    ...     print(r)
    Ok(['ab', 'c'])
    Err(ItemTooLarge(index=2, item='far too long', size=12, max_bytes=4))
    Ok(['d'])
    """
    return _source(iterable).try_batched_by_size(
        max_bytes,
        size=size,
        max_items=max_items,
        batch_overhead=batch_overhead,
        item_overhead=item_overhead,
    )


def rate_limited(
    iterable: Iterable[T],
    /,
    per_second: float,
    *,
    burst: int = 1,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
) -> Iter[T]:
    """Pull from ``iterable`` at most ``per_second`` times per second, sleeping in between.

    Pulls are paced with a token bucket (GCRA): after an idle period up to ``burst`` pulls go
    through back to back, and over any longer run pulls are spaced ``1 / per_second`` seconds
    apart on average. The wait happens *before* the source is pulled, so a source that does
    work on each pull (a request, a page fetch) is what gets paced; the pull that finds the
    source exhausted is paced too, as nothing tells it apart in advance. Lazy: the first pull (and
    the first clock reading) happens when the first item is asked for. Pass ``clock`` and
    ``sleep`` to test without waiting.

    Args:
        iterable: the source to pace.
        per_second: the average pull rate, a positive finite number.
        burst: how many pulls may go through without waiting after an idle period (>= 1).
        clock: a monotonic clock in seconds (default ``time.monotonic``).
        sleep: a function that waits a number of seconds (default ``time.sleep``).

    >>> from itero import rate_limited
    >>> now = [0.0]
    >>> def fake_sleep(seconds: float) -> None:
    ...     now[0] += seconds
    >>> paced = rate_limited("abc", 2, clock=lambda: now[0], sleep=fake_sleep)
    >>> [(item, now[0]) for item in paced]
    [('a', 0.0), ('b', 0.5), ('c', 1.0)]
    """
    return _source(iterable).rate_limited(per_second, burst=burst, clock=clock, sleep=sleep)
