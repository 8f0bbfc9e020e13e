"""Test doubles for code built on itero (and for itero's own tests); no Hypothesis needed.

``OneShot`` is a one-pass source that records how far it was pulled and whether it was closed,
and can fail the test when pulled too far. ``CloseRecorder`` hands out sources and callbacks
that record each close, so a test can assert that everything a pipeline opened was released
exactly once. Use them to test that your pipeline is lazy (pulls no more than it needs) and
releases what it opens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from ._checks import check_int, check_optional_callable

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

__all__ = ["CloseRecorder", "OneShot"]


class OneShot(Generic[T_co]):
    """An iterator over ``items`` that, like a generator, can be iterated only once.

    Unlike a generator it shows its items in its repr (so a failing Hypothesis example reads
    ``Iter(OneShot([1, 2]))``) and it records what happened to it, for laziness and
    resource-release tests: ``pulled`` counts the items handed out, ``closed`` tells whether
    ``close()`` was called. After ``close()`` it is exhausted, as a closed generator is.

    Args:
        items: the items, copied when the source is made.
        max_pulls: if given, a call to ``next()`` after that many items were handed out raises
            ``AssertionError`` (so a test fails when code pulls more than it needs; ``0``
            makes a source that must not be touched at all).
        on_close: called (with no argument) on every ``close()``, so a double close is seen;
            ``CloseRecorder.source`` passes its recording callback here.

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
    >>> lazy = OneShot([1, 2], max_pulls=1)
    >>> next(lazy)
    1
    >>> next(lazy)
    Traceback (most recent call last):
        ...
    AssertionError: OneShot([1, 2]) was pulled past max_pulls=1
    """

    __slots__ = ("_it", "_items", "_max_pulls", "_on_close", "closed", "pulled")

    def __init__(
        self,
        items: Iterable[T_co],
        *,
        max_pulls: int | None = None,
        on_close: Callable[[], object] | None = None,
    ) -> None:
        if max_pulls is not None:
            check_int(max_pulls, "max_pulls", 0)
        check_optional_callable(on_close, "on_close")
        self._items: tuple[T_co, ...] = tuple(items)
        self._it = iter(self._items)
        self._max_pulls = max_pulls
        self._on_close = on_close
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
        if self.pulled == self._max_pulls:
            raise AssertionError(f"{self!r} was pulled past max_pulls={self._max_pulls}")
        x = next(self._it)
        self.pulled += 1
        return x

    def close(self) -> None:
        """Mark the source closed and exhausted, as ``generator.close()`` does.

        Closing again changes nothing but calls ``on_close`` again.

        >>> src = OneShot([1, 2])
        >>> src.close()
        >>> list(src), src.closed
        ([], True)
        """
        self.closed = True
        self._it = iter(())
        if self._on_close is not None:
            self._on_close()

    def __repr__(self) -> str:
        return f"OneShot({list(self._items)!r})"


class CloseRecorder:
    """Hands out sources and callbacks that record each close, for exactly-once assertions.

    Every source (``source(items)``) and callback (``callback()``) gets a name (given, or
    ``"#1"``, ``"#2"``, ... in the order handed out). ``closed`` lists the names in the order
    they were closed, once per close, so a double close shows as a repeated name.
    ``assert_closed_once()`` checks that every handed-out name was closed exactly once.

    >>> from itero import Iter, from_pages, Page
    >>> closes = CloseRecorder()
    >>> src = closes.source([1, 2, 3], "numbers")
    >>> it = Iter(src).map(str)
    >>> it.next()
    Some('1')
    >>> it.close()
    >>> closes.closed
    ['numbers']
    >>> closes.assert_closed_once()
    >>> fetch = lambda token, limit: Page([1], None)
    >>> pages = from_pages(fetch, page_size=10, on_close=closes.callback("client"))
    >>> pages.collect()
    [1]
    >>> closes.closed
    ['numbers', 'client']
    >>> closes.assert_closed_once("client")
    >>> src.close()
    >>> closes.assert_closed_once()
    Traceback (most recent call last):
        ...
    AssertionError: closed more than once: numbers (2 times)
    """

    __slots__ = ("_names", "closed")

    def __init__(self) -> None:
        self._names: list[str] = []
        self.closed: list[str] = []
        """The names closed so far, in order, once per close."""

    @property
    def names(self) -> tuple[str, ...]:
        """The names of everything handed out so far, in order.

        >>> closes = CloseRecorder()
        >>> _ = closes.callback(), closes.source([], "db")
        >>> closes.names
        ('#1', 'db')
        """
        return tuple(self._names)

    def _register(self, name: str | None) -> str:
        if name is None:
            name = f"#{len(self._names) + 1}"
        if name in self._names:
            raise ValueError(f"name {name!r} was already handed out by this CloseRecorder")
        self._names.append(name)
        return name

    def callback(self, name: str | None = None) -> Callable[..., None]:
        """Return a callable that records ``name`` each time it is called (any arguments).

        Pass it where code takes a close hook, such as ``from_pages(..., on_close=...)``.

        >>> closes = CloseRecorder()
        >>> done = closes.callback("done")
        >>> done(), done("ignored"), closes.count("done")
        (None, None, 2)
        """
        recorded = self._register(name)
        closed = self.closed

        def record(*args: object, **kwargs: object) -> None:
            closed.append(recorded)

        record.__qualname__ = record.__name__ = f"close_{recorded}"
        return record

    def source(
        self, items: Iterable[T], name: str | None = None, *, max_pulls: int | None = None
    ) -> OneShot[T]:
        """Return a ``OneShot`` over ``items`` whose every ``close()`` is recorded as ``name``.

        >>> closes = CloseRecorder()
        >>> src = closes.source("ab", max_pulls=1)
        >>> next(src), closes.closed
        ('a', [])
        >>> src.close()
        >>> closes.closed
        ['#1']
        """
        return OneShot(items, max_pulls=max_pulls, on_close=self.callback(name))

    def count(self, name: str) -> int:
        """How many times ``name`` was closed.

        >>> closes = CloseRecorder()
        >>> closes.source([], "db").close()
        >>> closes.count("db")
        1
        """
        self._check_known((name,))
        return self.closed.count(name)

    def assert_closed_once(self, *names: str) -> None:
        """Assert that each of ``names`` (default: everything handed out) was closed once.

        Raises:
            AssertionError: naming what was never closed and what was closed more than once.

        >>> closes = CloseRecorder()
        >>> _ = closes.source([], "a"), closes.source([], "b")
        >>> closes.assert_closed_once()
        Traceback (most recent call last):
            ...
        AssertionError: never closed: a, b
        """
        wanted = names or tuple(self._names)
        self._check_known(wanted)
        never = [n for n in wanted if n not in self.closed]
        twice = [f"{n} ({c} times)" for n in wanted if (c := self.closed.count(n)) > 1]
        problems: list[str] = []
        if never:
            problems.append("never closed: " + ", ".join(never))
        if twice:
            problems.append("closed more than once: " + ", ".join(twice))
        if problems:
            raise AssertionError("; ".join(problems))

    def assert_not_closed(self, *names: str) -> None:
        """Assert that none of ``names`` (default: everything handed out) was closed yet.

        >>> closes = CloseRecorder()
        >>> src = closes.source([1], "db")
        >>> closes.assert_not_closed()
        >>> src.close()
        >>> closes.assert_not_closed("db")
        Traceback (most recent call last):
            ...
        AssertionError: closed too early: db
        """
        wanted = names or tuple(self._names)
        self._check_known(wanted)
        early = [n for n in wanted if n in self.closed]
        if early:
            raise AssertionError("closed too early: " + ", ".join(early))

    def _check_known(self, names: Iterable[str]) -> None:
        unknown = [n for n in names if n not in self._names]
        if unknown:
            raise ValueError(f"this CloseRecorder handed out no {', '.join(map(repr, unknown))}")

    def __repr__(self) -> str:
        return f"CloseRecorder(names={list(self._names)!r}, closed={self.closed!r})"
