"""Pagination's shared parts, with no I/O: the ``Page`` a fetch returns, and the server's side.

Server side: ``cut_page(source, key=..., start=..., limit=...)`` cuts the next ``Page`` from a
source sorted by key, reading at most ``limit + 1`` items from where ``start`` begins. The
client side (``from_pages``) lives in ``_kit``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, final

from ._checks import check_callable, check_int

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
K_co = TypeVar("K_co", covariant=True)


class _SupportsLessThan(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


SK = TypeVar("SK", bound=_SupportsLessThan)

__all__ = ["Page", "cut_page"]


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

    def __post_init__(self) -> None:
        _check_items(self.items)  # at run time: Page(None) is a bug, not an empty last page


def _check_items(items: object) -> None:
    if not isinstance(items, Sized) or not isinstance(items, Iterable):
        raise TypeError(f"items must be a sequence, got {type(items).__name__}")


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
    check_callable(key, "key")
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
