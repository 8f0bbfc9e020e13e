"""Typing tests for itero.strategies: checked by ``mypy --strict`` and pyright (strict).

Lines ending in ``# type: ignore[code]`` must be rejected by mypy (``warn_unused_ignores`` turns
an accepted call into an error); the ``# pyright: ignore[rule]`` part keeps pyright quiet where
it rejects the same call. Importing this file only builds strategies; it draws nothing.
"""

from __future__ import annotations

from typing import Union

from hypothesis import given, strategies as st
from hypothesis.strategies import SearchStrategy
from typing_extensions import assert_type

from itero import Err, Iter, Nothing, Ok, Option, Page, Result, Some
from itero.strategies import (
    OneShot,
    PagedSource,
    PageTooLargeError,
    iters,
    options,
    paged_sources,
    results,
)

# options / results: the element types flow through.
assert_type(options(st.integers()), SearchStrategy[Option[int]])
assert_type(options(st.integers()), SearchStrategy[Union[Some[int], Nothing]])
assert_type(options(options(st.text())), SearchStrategy[Option[Option[str]]])
assert_type(results(st.integers(), st.text()), SearchStrategy[Result[int, str]])
assert_type(results(st.integers(), st.text()), SearchStrategy[Union[Ok[int], Err[str]]])
assert_type(
    results(options(st.integers()), st.builds(ValueError)),
    SearchStrategy[Result[Option[int], ValueError]],
)
o: SearchStrategy[Option[object]] = options(st.integers())  # covariant


# The forms docs/guide.md shows for drawing options and results, which type-check under mypy
# --strict and pyright alike (unlike ``st.from_type(Option[int])``, which mypy rejects).
@given(o=..., r=...)
def drawn_from_annotations(o: Option[int], r: Result[int, str]) -> None:
    assert_type(o, Union[Some[int], Nothing])
    assert_type(r, Union[Ok[int], Err[str]])


@given(options(st.integers()), results(st.integers(), st.text()))
def drawn_from_typed_strategies(o: Option[int], r: Result[int, str]) -> None:
    assert_type(o.map(abs), Union[Some[int], Nothing])

# iters
assert_type(iters(st.integers()), SearchStrategy[Iter[int]])
assert_type(iters(st.text(), min_size=1, max_size=3), SearchStrategy[Iter[str]])
assert_type(iters(results(st.integers(), st.text())), SearchStrategy[Iter[Result[int, str]]])

# OneShot
one = OneShot([1, 2])
assert_type(one, OneShot[int])
assert_type(next(one), int)
assert_type(iter(one), OneShot[int])
assert_type(one.items, tuple[int, ...])
assert_type(one.pulled, int)
assert_type(one.closed, bool)
assert_type(Iter(one), Iter[int])
wide: OneShot[object] = one  # covariant

# paged_sources / PagedSource
assert_type(paged_sources(st.integers()), SearchStrategy[PagedSource[int]])
assert_type(
    paged_sources(st.text(), min_size=1, max_size=9, max_page_size=4, too_large=None),
    SearchStrategy[PagedSource[str]],
)
assert_type(paged_sources(st.text(), too_large=KeyError), SearchStrategy[PagedSource[str]])

source = PagedSource(["a", "b"], [1, 0], too_large_above=2, too_large=PageTooLargeError)
assert_type(source, PagedSource[str])
assert_type(source(None, 2), Page[str, str])
assert_type(source("p1@1", 2), Page[str, str])
assert_type(source.items, list[str])
assert_type(source.calls, list[tuple[Union[str, None], int]])
assert_type(source.too_large_above, list[Union[int, None]])
assert_type(source.too_large_calls, list[tuple[Union[str, None], int]])
assert_type(PagedSource([1], too_large_above=[None, 2]), PagedSource[int])
assert_type(source.closed, bool)


def rejected() -> None:
    """Calls the type checkers must reject (never run: at runtime they raise)."""
    options(1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    results(st.integers())  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    results(st.integers(), "e")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    iters(st.integers(), 0)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    iters(st.integers(), max_size="3")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    paged_sources(st.text(), too_large=str)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    paged_sources(st.text(), max_page_size=None)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    source(1, 2)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    source(None)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    PagedSource([1], too_large_above=["2"])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    PagedSource([1], too_large=int)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
