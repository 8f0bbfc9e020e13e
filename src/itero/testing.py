"""Test doubles for code built on itero (and for itero's own tests); no Hypothesis needed.

``OneShot`` is a one-pass source that records how far it was pulled and whether it was closed.
Use it to test that your pipeline is lazy (pulls no more than it needs) and releases what it
opens.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

T_co = TypeVar("T_co", covariant=True)

__all__ = ["OneShot"]


class OneShot(Generic[T_co]):
    """An iterator over ``items`` that, like a generator, can be iterated only once.

    Unlike a generator it shows its items in its repr (so a failing Hypothesis example reads
    ``Iter(OneShot([1, 2]))``) and it records what happened to it, for laziness and
    resource-release tests: ``pulled`` counts the items handed out, ``closed`` tells whether
    ``close()`` was called. After ``close()`` it is exhausted, as a closed generator is.

    >>> src = OneShot([1, 2, 3])
    >>> src
    OneShot([1, 2, 3])
    >>> next(src), src.pulled
    (1, 1)
    >>> list(src), list(src)
    ([2, 3], [])
    >>> src.closed
    False
    >>> src.close()
    >>> src.closed
    True
    """

    __slots__ = ("_it", "_items", "closed", "pulled")

    def __init__(self, items: Iterable[T_co]) -> None:
        self._items: tuple[T_co, ...] = tuple(items)
        self._it = iter(self._items)
        self.pulled: int = 0
        """How many items ``__next__`` has returned."""
        self.closed: bool = False
        """Whether ``close()`` has been called."""

    @property
    def items(self) -> tuple[T_co, ...]:
        """Every item this source was made from, whether pulled or not.

        >>> OneShot("ab").items
        ('a', 'b')
        """
        return self._items

    def __iter__(self) -> OneShot[T_co]:
        """Return the source itself: a second pass sees only what the first one left.

        >>> src = OneShot([1])
        >>> iter(src) is src
        True
        """
        return self

    def __next__(self) -> T_co:
        """Return the next item, or raise ``StopIteration`` (and keep raising it).

        >>> next(OneShot([5]))
        5
        """
        x = next(self._it)
        self.pulled += 1
        return x

    def close(self) -> None:
        """Mark the source closed and exhausted, as ``generator.close()`` does (idempotent).

        >>> src = OneShot([1, 2])
        >>> src.close()
        >>> list(src), src.closed
        ([], True)
        """
        self.closed = True
        self._it = iter(())

    def __repr__(self) -> str:
        return f"OneShot({list(self._items)!r})"
