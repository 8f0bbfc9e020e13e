"""Hypothesis strategies for itero's types (extra: ``pip install 'itero[hypothesis]'``).

Importing ``itero`` never imports Hypothesis; importing this module does.

You rarely need to import this module for ``from_type``: once itero is installed, Hypothesis
registers itero's types itself (through the ``hypothesis`` entry point), so
``st.from_type(Option[int])``, ``st.from_type(Result[int, str])``, ``st.from_type(Iter[int])``
and ``@given(x=...)`` with those annotations just work. (mypy rejects ``Option[int]`` as an
expression, as it rejects ``st.from_type(Optional[int])``: under mypy prefer ``@given(x=...)``
or the typed strategies below.)

>>> from hypothesis import given
>>> from itero import Option, Result
>>> @given(o=..., r=...)
... def test_inferred(o: Option[int], r: Result[int, str]) -> None:
...     assert isinstance(o, (Some, Nothing)) and isinstance(r, (Ok, Err))
>>> test_inferred()

Import this module for the parametrised strategies:

- ``options(values)``: ``Nothing()`` or ``Some(v)``;
- ``results(oks, errs)``: ``Ok(v)`` or ``Err(e)``;
- ``iters(values)``: an ``Iter`` over a list, or over a one-shot source (``OneShot``), so code
  that wrongly iterates twice or relies on a known length is caught;
- ``paged_sources(values)``: a fake paginated backend (``PagedSource``) for ``from_pages``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar, cast

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ._checks import check_int
from ._hypothesis_hook import _hypothesis_setup_hook, iter_strategy
from ._iter import Iter
from ._option import Nothing, Option, Some
from ._paging import Page
from ._result import Err, Ok, Result
from .testing import OneShot as OneShot

__all__ = [
    "OneShot",
    "PageTooLargeError",
    "PagedSource",
    "iters",
    "options",
    "paged_sources",
    "results",
]

T = TypeVar("T")
E = TypeVar("E")
T_co = TypeVar("T_co", covariant=True)

# Registering is idempotent; this covers environments where entry points do not run
# (a source checkout on sys.path, or HYPOTHESIS_NO_PLUGINS set).
_hypothesis_setup_hook()


def _check_strategy(name: str, value: object) -> None:
    if not isinstance(value, SearchStrategy):
        raise TypeError(f"{name} must be a Hypothesis SearchStrategy, got {type(value).__name__}")


def _check_sizes(min_size: object, max_size: object) -> None:
    low = check_int(min_size, "min_size", 0)
    if max_size is None:
        return
    if not isinstance(max_size, int) or isinstance(max_size, bool):
        raise TypeError(f"max_size must be an int or None, got {type(max_size).__name__}")
    if max_size < low:
        raise ValueError(f"max_size must be >= min_size ({low}), got {max_size}")


# ------------------------------------------------------------------------------------------------
# Option and Result
# ------------------------------------------------------------------------------------------------


def options(values: SearchStrategy[T]) -> SearchStrategy[Option[T]]:
    """Draw ``Nothing()`` or ``Some(v)`` with ``v`` drawn from ``values``; shrinks to ``Nothing()``.

    Args:
        values: the strategy for the value inside ``Some``.

    Raises:
        TypeError: if ``values`` is not a strategy.

    ``find`` returns the simplest example satisfying a condition (without an example database,
    which would replay examples saved by other conditions whose digests collide, as lambdas in
    doctests do):

    >>> from hypothesis import find, settings, strategies as st
    >>> no_db = settings(database=None)
    >>> find(options(st.integers()), lambda o: True, settings=no_db)
    Nothing()
    >>> find(options(st.integers()), lambda o: isinstance(o, Some) and o.value > 9, settings=no_db)
    Some(10)
    """
    _check_strategy("values", values)
    return st.one_of(st.just(Nothing()), values.map(Some))


def results(oks: SearchStrategy[T], errs: SearchStrategy[E]) -> SearchStrategy[Result[T, E]]:
    """Draw ``Ok(v)`` with ``v`` from ``oks``, or ``Err(e)`` with ``e`` from ``errs``.

    Shrinks towards ``Ok``.

    Args:
        oks: the strategy for the value inside ``Ok``.
        errs: the strategy for the error inside ``Err``.

    Raises:
        TypeError: if ``oks`` or ``errs`` is not a strategy.

    >>> from hypothesis import find, settings, strategies as st
    >>> no_db = settings(database=None)
    >>> find(results(st.integers(), st.text()), lambda r: True, settings=no_db)
    Ok(0)
    >>> find(results(st.integers(), st.text()), lambda r: isinstance(r, Err), settings=no_db)
    Err('')
    """
    _check_strategy("oks", oks)
    _check_strategy("errs", errs)
    return st.one_of(oks.map(Ok), errs.map(Err))


# ------------------------------------------------------------------------------------------------
# Iter
# ------------------------------------------------------------------------------------------------


def iters(
    values: SearchStrategy[T], *, min_size: int = 0, max_size: int | None = None
) -> SearchStrategy[Iter[T]]:
    """Draw an ``Iter`` over a list of ``values``, backed by the list or by a one-shot source.

    Some drawn iterators read a list, whose size is known; the others read a ``OneShot``, a
    generator-like source with no length that can be closed. Like every ``Iter``, each allows
    one pass, so code that iterates its input twice fails; code that relies on a known length
    fails on the one-shot ones (and a second pass over any ``Iter`` raises ``MovedError``, a
    ``for`` loop moving it). A drawn ``Iter`` is fresh: nothing has been pulled. Failing
    examples print as ``Iter([1, 2])`` or ``Iter(OneShot([1, 2]))``.

    Args:
        values: the strategy for the items.
        min_size: the fewest items.
        max_size: the most items (``None``: no bound beyond Hypothesis's own).

    Raises:
        TypeError: if ``values`` is not a strategy, or a size is not an int.
        ValueError: if ``min_size < 0`` or ``max_size < min_size``.

    >>> from hypothesis import given, strategies as st
    >>> @given(iters(st.integers(), max_size=5))
    ... def test_one_pass(it):
    ...     items = list(it.by_ref())  # a borrow: a second pass sees what is left
    ...     assert list(it) == []
    ...     assert len(items) <= 5
    >>> test_one_pass()
    """
    _check_strategy("values", values)
    _check_sizes(min_size, max_size)
    return iter_strategy(values, min_size=min_size, max_size=max_size)


# ------------------------------------------------------------------------------------------------
# Paginated sources
# ------------------------------------------------------------------------------------------------


class PageTooLargeError(Exception):
    """Raised by a ``PagedSource`` asked for more items than it serves at once.

    Pass it to ``from_pages(..., too_large=PageTooLargeError)`` so the page size is halved.

    >>> PageTooLargeError("limit 8 is above 4")
    PageTooLargeError('limit 8 is above 4')
    """


def _check_page_sizes(page_sizes: object) -> tuple[int, ...]:
    if isinstance(page_sizes, (str, bytes)) or not isinstance(page_sizes, Sequence):
        raise TypeError(f"page_sizes must be a sequence of ints, got {type(page_sizes).__name__}")
    given: Sequence[object] = cast("Sequence[object]", page_sizes)
    sizes = tuple(check_int(n, f"page_sizes[{i}]", 0) for i, n in enumerate(given))
    if not any(sizes):
        raise ValueError(f"page_sizes must hold a size > 0, got {list(sizes)!r}")
    return sizes


def _check_thresholds(too_large_above: object) -> tuple[int | None, ...]:
    if too_large_above is None:
        return ()
    if isinstance(too_large_above, int) and not isinstance(too_large_above, bool):
        return (check_int(too_large_above, "too_large_above", 1),)
    if isinstance(too_large_above, (str, bytes)) or not isinstance(too_large_above, Sequence):
        raise TypeError(
            "too_large_above must be an int, a sequence of ints or Nones, or None,"
            f" got {type(too_large_above).__name__}"
        )
    given: Sequence[object] = cast("Sequence[object]", too_large_above)
    if not given:
        raise ValueError("too_large_above must not be empty (pass None for no threshold)")
    thresholds = tuple(
        None if t is None else check_int(t, f"too_large_above[{i}]", 1) for i, t in enumerate(given)
    )
    return thresholds if any(t is not None for t in thresholds) else ()


def _check_exception_type(too_large: object, *, allow_none: bool) -> None:
    if too_large is None and allow_none:
        return
    if not (isinstance(too_large, type) and issubclass(too_large, Exception)):
        raise TypeError(
            f"too_large must be an exception type{' or None' if allow_none else ''},"
            f" got {too_large!r}"
        )


class PagedSource(Generic[T_co]):
    """A fake token-paginated backend over ``items``: call it as ``fetch(token, limit)``.

    The first call takes ``token=None``. Page number ``i`` (counting from 0) holds the next
    ``min(limit, page_sizes[i % len(page_sizes)])`` items, so pages have uneven sizes and may be
    empty; its ``next_token`` is an opaque string, or None on the last page. With
    ``trailing_empty_page`` the page that reaches the end still carries a token, and one more
    empty page ends the listing (as many real APIs do). Serving is deterministic: asking again
    with the same token and limit gives the same page.

    Failures: when ``limit`` exceeds the page's threshold (``too_large_above``: one for every
    page, or one per page used in turn like ``page_sizes``, None meaning no threshold), the
    call raises ``too_large(message)`` instead; varying thresholds make a client fail in the
    middle of a listing, as servers whose items vary in size do. A token this source never
    issued, a ``limit`` below 1, or a call after ``close()`` raises
    ``ValueError``/``TypeError``/``RuntimeError``: they reveal a bug in the client.

    For assertions: ``items`` is the whole expected listing, ``calls`` every ``(token, limit)``
    received (failed calls included), ``too_large_calls`` those that raised ``too_large``, and
    ``closed`` whether ``close()`` was called (pass ``on_close=source.close`` to
    ``from_pages``); the recipe is readable too (``page_sizes``, ``too_large_above``,
    ``trailing_empty_page``), and the repr rebuilds the source.

    Args:
        items: the listing, in order.
        page_sizes: the page-size caps, used in turn; at least one must be > 0.
        too_large_above: the largest ``limit`` served (an int for every page, or a sequence
            of ints or Nones used in turn); None: no limit.
        too_large: the exception type raised above it, called with one message string.
        trailing_empty_page: whether the listing ends with an extra empty page.

    Raises:
        TypeError, ValueError: for a bad argument, named in the message.

    >>> from itero import from_pages
    >>> source = PagedSource("abcde", page_sizes=[2, 0, 3], too_large_above=2)
    >>> source
    PagedSource(['a', 'b', 'c', 'd', 'e'], page_sizes=[2, 0, 3], too_large_above=2)
    >>> source(None, 2)
    Page(items=['a', 'b'], next_token='p1@2')
    >>> source("p1@2", 2)
    Page(items=[], next_token='p2@2')
    >>> source("p2@2", 3)
    Traceback (most recent call last):
      ...
    itero.strategies.PageTooLargeError: limit 3 is above 2
    >>> from_pages(source, page_size=4, too_large=PageTooLargeError).collect()
    ['a', 'b', 'c', 'd', 'e']
    >>> source.calls[3:]
    [(None, 4), (None, 2), ('p1@2', 2), ('p2@2', 2), ('p3@4', 2)]
    >>> source.too_large_calls
    [('p2@2', 3), (None, 4)]

    Per-page thresholds: here only the second page refuses more than one item.

    >>> source = PagedSource(range(6), page_sizes=[3], too_large_above=[None, 1])
    >>> from_pages(source, page_size=3, too_large=PageTooLargeError).collect()
    [0, 1, 2, 3, 4, 5]
    >>> source.too_large_calls, source.calls[-1]
    ([('p1@3', 3)], ('p3@5', 1))
    """

    __slots__ = (
        "_items",
        "_page_sizes",
        "_too_large",
        "_too_large_above",
        "_trailing_empty_page",
        "calls",
        "closed",
        "too_large_calls",
    )

    def __init__(
        self,
        items: Iterable[T_co],
        page_sizes: Sequence[int] = (3,),
        *,
        too_large_above: int | Sequence[int | None] | None = None,
        too_large: type[Exception] = PageTooLargeError,
        trailing_empty_page: bool = False,
    ) -> None:
        self._items: tuple[T_co, ...] = tuple(items)
        self._page_sizes = _check_page_sizes(page_sizes)
        self._too_large_above = _check_thresholds(too_large_above)
        _check_exception_type(too_large, allow_none=False)
        self._too_large = too_large
        self._trailing_empty_page = bool(trailing_empty_page)
        self.calls: list[tuple[str | None, int]] = []
        """Every ``(token, limit)`` this source was called with, in order."""
        self.too_large_calls: list[tuple[str | None, int]] = []
        """The calls that raised ``too_large``, in order."""
        self.closed: bool = False
        """Whether ``close()`` has been called."""

    @property
    def items(self) -> list[T_co]:
        """The whole listing, as a new list: what a correct client yields, in this order.

        >>> PagedSource([3, 1], page_sizes=[1]).items
        [3, 1]
        """
        return list(self._items)

    @property
    def page_sizes(self) -> list[int]:
        """The page-size caps, used in turn from the first page.

        >>> PagedSource([1], page_sizes=(0, 2)).page_sizes
        [0, 2]
        """
        return list(self._page_sizes)

    @property
    def trailing_empty_page(self) -> bool:
        """Whether an extra empty page ends the listing.

        >>> PagedSource([1]).trailing_empty_page
        False
        """
        return self._trailing_empty_page

    @property
    def too_large_above(self) -> list[int | None]:
        """The per-page thresholds, used in turn (None: no limit); empty if none is set.

        >>> PagedSource([1], too_large_above=4).too_large_above
        [4]
        >>> PagedSource([1], too_large_above=[None, 2]).too_large_above
        [None, 2]
        >>> PagedSource([1]).too_large_above
        []
        """
        return list(self._too_large_above)

    def __call__(self, token: str | None, limit: int) -> Page[T_co, str]:
        """Serve the page at ``token`` with at most ``limit`` items (see the class docstring).

        >>> PagedSource([1, 2, 3], page_sizes=[5])(None, 2)
        Page(items=[1, 2], next_token='p1@2')
        """
        self.calls.append((token, limit))
        if self.closed:
            raise RuntimeError("fetch called after close()")
        check_int(limit, "limit", 1)
        page, start = self._parse(token)
        thresholds = self._too_large_above
        threshold = thresholds[page % len(thresholds)] if thresholds else None
        if threshold is not None and limit > threshold:
            self.too_large_calls.append((token, limit))
            raise self._too_large(f"limit {limit} is above {threshold}")
        size = self._page_sizes[page % len(self._page_sizes)]
        end = min(start + min(limit, size), len(self._items))
        at_end = end == len(self._items)
        if at_end and not (self._trailing_empty_page and start < end):
            next_token = None
        else:
            next_token = f"p{page + 1}@{end}"
        return Page(list(self._items[start:end]), next_token)

    def _parse(self, token: object) -> tuple[int, int]:
        if token is None:
            return 0, 0
        if isinstance(token, str) and token.startswith("p"):
            page, _, start = token[1:].partition("@")
            if page.isdigit() and start.isdigit() and int(start) <= len(self._items):
                return int(page), int(start)
        raise ValueError(f"token {token!r} was not issued by this source")

    def close(self) -> None:
        """Record that the client released this source; later calls raise ``RuntimeError``.

        >>> source = PagedSource([1])
        >>> source.close()
        >>> source.closed
        True
        """
        self.closed = True

    def __repr__(self) -> str:
        args = [repr(list(self._items)), f"page_sizes={list(self._page_sizes)!r}"]
        thresholds = self._too_large_above
        if len(thresholds) == 1:
            args.append(f"too_large_above={thresholds[0]!r}")
        elif thresholds:
            args.append(f"too_large_above={list(thresholds)!r}")
        if self._too_large is not PageTooLargeError:
            args.append(f"too_large={self._too_large.__qualname__}")
        if self._trailing_empty_page:
            args.append("trailing_empty_page=True")
        return f"PagedSource({', '.join(args)})"


def paged_sources(
    values: SearchStrategy[T],
    *,
    min_size: int = 0,
    max_size: int | None = None,
    max_page_size: int = 8,
    too_large: type[Exception] | None = PageTooLargeError,
) -> SearchStrategy[PagedSource[T]]:
    """Draw a fake paginated backend (``PagedSource``) over a list of ``values``.

    Drawn: the items; one to five page-size caps in ``0..max_page_size`` (empty pages included);
    whether a trailing empty page ends the listing; and, unless ``too_large`` is None, maybe
    one to three per-page thresholds (each None or in ``1..max_page_size``) above which a call
    raises ``too_large``. Compare what a client collects with ``source.items``. Failing
    examples print the backend's full recipe, e.g.
    ``PagedSource([0, 1], page_sizes=[0, 1], too_large_above=[None, 1])``.

    Args:
        values: the strategy for the items.
        min_size: the fewest items.
        max_size: the most items (``None``: no bound beyond Hypothesis's own).
        max_page_size: the largest page-size cap, >= 1.
        too_large: the exception type raised for a too-large ``limit``; None: never raise.

    Raises:
        TypeError, ValueError: for a bad argument, named in the message.

    >>> from hypothesis import given, strategies as st
    >>> from itero import from_pages
    >>> @given(paged_sources(st.integers()), st.integers(1, 10))
    ... def test_every_item_once(source, page_size):
    ...     it = from_pages(source, page_size=page_size, too_large=PageTooLargeError)
    ...     assert it.collect() == source.items
    >>> test_every_item_once()
    """
    _check_strategy("values", values)
    _check_sizes(min_size, max_size)
    check_int(max_page_size, "max_page_size", 1)
    _check_exception_type(too_large, allow_none=True)
    sizes = st.lists(st.integers(0, max_page_size), min_size=1, max_size=5).filter(any)
    thresholds: SearchStrategy[list[int | None] | None] = (
        st.none()
        if too_large is None
        else st.none() | st.lists(st.none() | st.integers(1, max_page_size), min_size=1, max_size=3)
    )
    exc_type = PageTooLargeError if too_large is None else too_large

    @st.composite
    def draw_source(draw: st.DrawFn) -> PagedSource[T]:
        return PagedSource(
            draw(st.lists(values, min_size=min_size, max_size=max_size)),
            draw(sizes),
            too_large_above=draw(thresholds),
            too_large=exc_type,
            trailing_empty_page=draw(st.booleans()),
        )

    return draw_source()
