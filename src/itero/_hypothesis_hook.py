"""Register itero's types with Hypothesis's ``from_type`` (the ``hypothesis`` entry point).

When itero is installed, Hypothesis calls ``_hypothesis_setup_hook`` as it is imported (see
``[project.entry-points.hypothesis]`` in ``pyproject.toml``), so a downstream project's
``st.from_type(Option[int])``, ``st.from_type(Result[int, str])`` and ``st.from_type(Iter[int])``
work without importing ``itero.strategies``. ``Option`` and ``Result`` are unions, so registering
``Some``, ``Nothing``, ``Ok`` and ``Err`` one by one is what lets ``from_type`` resolve them
(``Peekable[int]`` works too).

This module stays small and below ``itero.strategies`` (which builds on it); importing ``itero``
never imports this module (nor Hypothesis).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast, get_args

from hypothesis import strategies as st

from ._iter import Iter, Peekable
from ._option import Nothing, Some
from ._result import Err, Ok
from .testing import OneShot

__all__ = ["_hypothesis_setup_hook", "iter_strategy"]

T = TypeVar("T")

_Unspecified = TypeVar("_Unspecified")
"""Stands for a missing type argument (bare ``Some``): Hypothesis draws it like a TypeVar."""

_registered = False


def _hypothesis_setup_hook() -> None:
    """Register strategies for ``Some``, ``Nothing``, ``Ok``, ``Err``, ``Iter``, ``Peekable``.

    Idempotent.

    >>> from hypothesis import find, settings, strategies as st
    >>> from itero import Option
    >>> _hypothesis_setup_hook()
    >>> is_big = lambda o: isinstance(o, Some) and o.value > 2
    >>> find(st.from_type(Option[int]), is_big, settings=settings(database=None))
    Some(3)
    """
    global _registered
    if _registered:
        return
    st.register_type_strategy(Some, _some)
    st.register_type_strategy(Nothing, st.just(Nothing()))
    st.register_type_strategy(Ok, _ok)
    st.register_type_strategy(Err, _err)
    st.register_type_strategy(Iter, _iter)
    st.register_type_strategy(Peekable, _peekable)
    _registered = True


def _argument(generic: object) -> st.SearchStrategy[Any]:
    """The strategy for the single type argument of ``generic`` (``Some[int]`` -> integers)."""
    args = get_args(generic)
    return st.from_type(cast("type[Any]", args[0] if args else _Unspecified))


def _some(generic: type[Some[Any]]) -> st.SearchStrategy[Some[Any]]:
    return _argument(generic).map(Some)


def _ok(generic: type[Ok[Any]]) -> st.SearchStrategy[Ok[Any]]:
    return _argument(generic).map(Ok)


def _err(generic: type[Err[Any]]) -> st.SearchStrategy[Err[Any]]:
    return _argument(generic).map(Err)


def iter_strategy(
    values: st.SearchStrategy[T], *, min_size: int = 0, max_size: int | None = None
) -> st.SearchStrategy[Iter[T]]:
    """Iters over lists of ``values``, read from the list or a ``OneShot`` (``strategies.iters``
    checks the arguments and documents the rest)."""
    lists = st.lists(values, min_size=min_size, max_size=max_size)
    sources: st.SearchStrategy[list[T] | OneShot[T]] = st.one_of(lists, lists.map(OneShot))
    return sources.map(Iter)


def _iter(generic: type[Iter[Any]]) -> st.SearchStrategy[Iter[Any]]:
    return iter_strategy(_argument(generic))


def _peekable(generic: type[Peekable[Any]]) -> st.SearchStrategy[Peekable[Any]]:
    to_peekable: Callable[[Iter[Any]], Peekable[Any]] = Iter[Any].peekable
    return _iter(generic).map(to_peekable)  # prints as peekable(Iter([...]))
