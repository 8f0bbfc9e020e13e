"""Pagination: token-paginated calls in, one lazy ``Iter`` out, and the server's side of it.

Client side: ``from_pages(fetch, page_size=...)`` turns ``fetch(token, limit) -> Page`` into a
lazy ``Iter`` of items that fetches a page only when the consumer reaches it, holds at most one
page, halves the page size when the server says a page is too large, and refuses to loop on a
repeated token. ``try_from_pages`` delivers a failure as a final ``Err`` item instead of raising.

Server side: ``cut_page(source, key=..., start=..., limit=...)`` cuts the next ``Page`` from a
source sorted by key, reading at most ``limit + 1`` items from where ``start`` begins.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, Union, cast, final

from ._batching import CallOnce, Closing, check_int
from ._result import Err, Ok, Result

if TYPE_CHECKING:
    from ._iter import Iter

T = TypeVar("T")
K = TypeVar("K")
T_co = TypeVar("T_co", covariant=True)
K_co = TypeVar("K_co", covariant=True)


class _SupportsLessThan(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


SK = TypeVar("SK", bound=_SupportsLessThan)

__all__ = [
    "ItemTooLargeError",
    "Page",
    "PaginationError",
    "RepeatedTokenError",
    "cut_page",
    "from_pages",
    "try_from_pages",
]


@final
@dataclass(frozen=True, slots=True)
class Page(Generic[T_co, K_co]):
    """One page of a token-paginated listing: its items and the token of the next page.

    ``next_token`` is None (or an empty ``str``/``bytes``) on the last page. ``Page[T, K]`` is
    what a ``fetch`` passed to ``from_pages`` returns, and what ``cut_page`` builds.

    >>> Page([1, 2], next_token=3)
    Page(items=[1, 2], next_token=3)
    >>> Page(["z"]).next_token is None
    True
    """

    items: Sequence[T_co]
    next_token: K_co | None = None


class PaginationError(RuntimeError):
    """Base class of the errors ``from_pages`` raises about the pagination itself.

    >>> issubclass(RepeatedTokenError, PaginationError)
    True
    """


class RepeatedTokenError(PaginationError):
    """The server returned a next token that was already used: following it would loop.

    The offending token is in ``token``.

    >>> err = RepeatedTokenError("abc")
    >>> print(err)
    the next-page token 'abc' was already used; following it would loop forever
    >>> err.token
    'abc'
    """

    def __init__(self, token: object) -> None:
        super().__init__(token)
        self.token = token

    def __str__(self) -> str:
        return (
            f"the next-page token {self.token!r} was already used; following it would loop forever"
        )


class ItemTooLargeError(PaginationError):
    """Even a page of one item was "too large": the item at ``token`` cannot be fetched.

    The server's too-large exception is chained as ``__cause__``.

    >>> print(ItemTooLargeError("t7"))
    the item at token 't7' is too large even in a page of one item (limit=1)
    """

    def __init__(self, token: object) -> None:
        super().__init__(token)
        self.token = token

    def __str__(self) -> str:
        return f"the item at token {self.token!r} is too large even in a page of one item (limit=1)"


_TooLarge = Union[type[BaseException], tuple[type[BaseException], ...]]


def _validate(
    fetch: object, page_size: object, too_large: object, on_close: object
) -> tuple[type[BaseException], ...]:
    if not callable(fetch):
        raise TypeError(f"fetch must be callable, got {type(fetch).__name__}")
    check_int(page_size, "page_size", 1)
    types = cast("tuple[object, ...]", too_large) if isinstance(too_large, tuple) else (too_large,)
    for t in types:
        if not (isinstance(t, type) and issubclass(t, BaseException)):
            raise TypeError(
                f"too_large must be an exception type or a tuple of them, got {too_large!r}"
            )
    if on_close is not None and not callable(on_close):
        raise TypeError(f"on_close must be callable or None, got {type(on_close).__name__}")
    return cast("tuple[type[BaseException], ...]", types)


def _is_last(token: object) -> bool:
    return token is None or (isinstance(token, (str, bytes)) and not token)


def _pages(
    fetch: Callable[[K | None, int], Page[T, K]],
    page_size: int,
    too_large: tuple[type[BaseException], ...],
    start: K | None,
    release: CallOnce,
    as_results: bool,
) -> Generator[Iterable[Any], None, None]:
    """Yield each non-empty page's items (``map(Ok, items)`` when ``as_results``)."""
    token = start
    limit = page_size
    # Repeated tokens: an immediate repeat is caught by comparing with the current token; a
    # longer cycle by Brent's algorithm (compare with a token saved at power-of-two steps),
    # which needs constant memory, unlike a set of every token seen.
    saved: object = start
    steps = 0
    power = 1
    try:
        while True:
            while True:
                try:
                    page = fetch(token, limit)
                    break
                except too_large as exc:
                    if limit == 1:
                        raise ItemTooLargeError(token) from exc
                    limit //= 2  # and keep the smaller limit for the pages that follow
            if page.__class__ is not Page:  # Page is final: no subclass to allow for
                raise TypeError(f"fetch must return a Page, got {type(page).__name__}")
            next_token = page.next_token
            items = page.items
            del page
            if items:
                yield map(Ok, items) if as_results else items
            # Drop our reference before fetching the next page: at most one page is held.
            del items
            if _is_last(next_token):
                return
            if next_token == token or next_token == saved:
                raise RepeatedTokenError(next_token)
            steps += 1
            if steps == power:
                saved = next_token
                power *= 2
                steps = 0
            token = next_token
    except Exception as exc:
        if not as_results:
            raise
        release()
        yield (Err(exc),)
    finally:
        release()


def from_pages(
    fetch: Callable[[K | None, int], Page[T, K]],
    /,
    *,
    page_size: int,
    too_large: _TooLarge = (),
    start: K | None = None,
    on_close: Callable[[], object] | None = None,
) -> Iter[T]:
    """Turn a token-paginated call into one lazy ``Iter`` of items.

    ``fetch(token, limit)`` returns a ``Page`` of at most ``limit`` items and the token of the
    next page; the first call gets ``start`` (None: from the beginning), and a next token of
    None (or an empty ``str``/``bytes``) ends the listing. Empty pages are skipped.

    Laziness and memory: nothing is fetched until the first item is asked for, and the next
    page only when the consumer has used up the current one; at most one page is held.

    Adaptive page size: when ``fetch`` raises one of the ``too_large`` exception types, the
    limit is halved (integer division) and the same token retried; the smaller limit is kept
    for the pages that follow. If a page of one item is still too large, ``ItemTooLargeError``
    names the token (the server's exception is its ``__cause__``).

    Releasing: ``on_close`` (for example ``client.close``) is called exactly once when the
    pagination ends: exhausted, failed, or closed early (``close()`` on the returned ``Iter``,
    or leaving its ``with`` block), even if nothing was fetched yet.

    Args:
        fetch: ``fetch(token, limit) -> Page``; its exceptions propagate unchanged.
        page_size: the limit asked for at first, >= 1.
        too_large: the exception type(s) that mean "ask for fewer items".
        start: the token of the first page.
        on_close: called once when the pagination ends, to release what fetch holds.

    Raises:
        RepeatedTokenError: (while iterating) a next token was already used. A token equal to
            the current one is caught before anything repeats; a longer cycle (A, B, A) is
            caught in constant memory within a few rounds, after some items came again.
        ItemTooLargeError: (while iterating) see above.
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
    from ._iter import Iter

    types = _validate(fetch, page_size, too_large, on_close)
    release = CallOnce(on_close)
    pages = _pages(fetch, page_size, types, start, release, False)
    items: Iterator[T] = itertools.chain.from_iterable(pages)
    # Closing a started generator runs its ``finally`` (which releases); an unstarted one
    # never ran, so release after closing it too (at most once either way).
    return Iter(Closing(items, pages.close, release))


def try_from_pages(
    fetch: Callable[[K | None, int], Page[T, K]],
    /,
    *,
    page_size: int,
    too_large: _TooLarge = (),
    start: K | None = None,
    on_close: Callable[[], object] | None = None,
) -> Iter[Result[T, Exception]]:
    """Like ``from_pages``, with items as ``Ok`` and a failure as a final ``Err`` item.

    Every item fetched before the failure is delivered (as ``Ok``); then the exception (from
    ``fetch``, or a ``RepeatedTokenError``/``ItemTooLargeError``) comes out as ``Err`` and the
    iteration ends, so a partial listing is never lost to an exception. Exceptions that are not
    ``Exception`` subclasses (``KeyboardInterrupt``) still propagate. Arguments, laziness and
    ``on_close`` are as for ``from_pages``.

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
    from ._iter import Iter

    types = _validate(fetch, page_size, too_large, on_close)
    release = CallOnce(on_close)
    pages = _pages(fetch, page_size, types, start, release, True)
    results: Iterator[Result[T, Exception]] = itertools.chain.from_iterable(pages)
    return Iter(Closing(results, pages.close, release))


def cut_page(
    source: Iterable[T],
    *,
    key: Callable[[T], SK],
    start: SK | None,
    limit: int,
) -> Page[T, SK]:
    """Cut the next page from ``source``, sorted by ``key``, starting at key ``start``.

    The page holds the first ``limit`` items whose key is ``>= start`` (all items if ``start``
    is None); its ``next_token`` is the key of the item after them, or None when the source ends
    there. Following the tokens from ``start=None`` gives back the source exactly, which is
    what ``from_pages`` does when ``fetch`` calls ``cut_page``.

    Skipping: items whose key is below ``start`` are read and dropped, so the whole sorted
    source may be passed, at a cost that grows with the position. For a large source pass one
    that already begins at ``start`` (a query with ``WHERE key >= start``): then at most
    ``limit + 1`` items are read. The source is not closed; the caller owns it.

    Args:
        source: items sorted by ``key``, with unique keys.
        key: the sort key of an item; it is the page token.
        start: the first key of the page (inclusive), or None for the first page.
        limit: the most items in the page, >= 1.

    Raises:
        ValueError: if the items read are not in strictly increasing key order (a page
            boundary between equal keys would make tokens skip or repeat items), or a bad
            ``limit``. TypeError: a non-callable ``key`` or a non-int ``limit``.

    >>> from itero import cut_page
    >>> rows = [(1, "a"), (2, "b"), (4, "c"), (7, "d")]
    >>> cut_page(rows, key=lambda row: row[0], start=None, limit=2)
    Page(items=[(1, 'a'), (2, 'b')], next_token=4)
    >>> cut_page(rows, key=lambda row: row[0], start=4, limit=2)
    Page(items=[(4, 'c'), (7, 'd')], next_token=None)
    >>> cut_page(rows, key=lambda row: row[0], start=3, limit=1)
    Page(items=[(4, 'c')], next_token=7)
    """
    if not callable(key):
        raise TypeError(f"key must be callable, got {type(key).__name__}")
    check_int(limit, "limit", 1)
    it = iter(source)
    for first in it:
        prev = key(first)
        if start is None or not prev < start:
            break
    else:
        return Page([], None)
    items = [first]
    for item in it:
        k = key(item)
        if not prev < k:
            raise ValueError(
                f"source must be sorted by key with unique keys: key {k!r} follows {prev!r}"
            )
        if len(items) == limit:
            return Page(items, k)
        items.append(item)
        prev = k
    return Page(items, None)
