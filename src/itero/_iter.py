"""Iter: a lazy, fluent iterator with Rust's ``Iterator`` names, built on C builtins."""

# pyright: reportPrivateUsage=false

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import repeat, starmap, takewhile
from operator import attrgetter
from typing import Any, Generic, NoReturn, Protocol, TypeVar, cast, overload

from typing_extensions import TypeGuard, TypeIs

from ._option import Nothing, Option, Some

T = TypeVar("T")
U = TypeVar("U")
T_co = TypeVar("T_co", covariant=True)
C = TypeVar("C")

_new: Any = object.__new__
_MAX_DEPTH = 1000
"""The deepest pipeline (number of chained stages) that may be built."""


class MovedError(RuntimeError):
    """An ``Iter`` was used after it was moved into an adapter or a consumer.

    >>> it = Iter([1, 2])
    >>> doubled = it.map(lambda x: x * 2)
    >>> it.next()
    Traceback (most recent call last):
    ...
    itero._iter.MovedError: this Iter was moved into .map(); call .by_ref() to keep using it
    """


class PipelineTooDeepError(RecursionError):
    """A pipeline was built with more chained stages than ``Iter`` allows.

    CPython runs nested C iterators on the C stack; a chain of ~100,000 stages crashes the
    interpreter instead of raising, so ``Iter`` refuses to build one deeper than its limit.

    >>> it = Iter([1])
    >>> for _ in range(2000):
    ...     it = it.map(abs)
    Traceback (most recent call last):
    ...
    itero._iter.PipelineTooDeepError: pipeline too deep: an Iter may chain at most 1000 stages
    """


class _Moved:
    """The iterator slot of a moved ``Iter``: every use raises ``MovedError``."""

    __slots__ = ("message",)

    def __init__(self, method: str) -> None:
        self.message = f"this Iter was moved into .{method}(); call .by_ref() to keep using it"

    def __iter__(self) -> Any:
        raise MovedError(self.message)

    def __next__(self) -> Any:
        raise MovedError(self.message)


_MOVED: dict[str, _Moved] = {}


def _raise_moved(it: object) -> NoReturn:
    raise MovedError(cast(_Moved, it).message)


def _moved(method: str) -> Any:
    sentinel = _MOVED.get(method)
    if sentinel is None:
        sentinel = _MOVED[method] = _Moved(method)
    return sentinel


def _too_deep() -> PipelineTooDeepError:
    return PipelineTooDeepError(f"pipeline too deep: an Iter may chain at most {_MAX_DEPTH} stages")


def _not_callable(name: str, value: object) -> TypeError:
    return TypeError(f"{name} must be callable, got {type(value).__name__}")


class SupportsNext(Protocol[T_co]):
    """Anything with a Rust-style ``next() -> Option[T]`` method (for example an ``Iter``)."""

    def next(self) -> Option[T_co]:
        """Return the next item as ``Some(item)``, or ``Nothing()`` when exhausted."""
        ...


_some_value = attrgetter("value")
_is_some = Some.__instancecheck__


class Iter(Generic[T_co]):
    """A lazy iterator with Rust's ``Iterator`` methods.

    Building a pipeline does no work; items are pulled one at a time by a consumer
    (``collect``, ``fold``, a ``for`` loop, ...). Adapters delegate to C builtins
    (``map``, ``filter``, ``itertools``), so a pipeline runs at their speed.

    Adapters and consuming methods *move* the ``Iter``, as in Rust: using it again raises
    ``MovedError``. Use ``by_ref()`` to borrow it instead.

    Args:
        source: an iterable, or an object with a ``next() -> Option[T]`` method.

    Raises:
        TypeError: if ``source`` is neither.

    >>> Iter([1, 2, 3, 4]).filter(lambda x: x % 2 == 0).map(lambda x: x * 10).collect()
    [20, 40]
    """

    __slots__ = ("_close", "_depth", "_hint", "_it")

    _it: Iterator[Any]
    _close: tuple[Any, ...]
    _depth: int
    _hint: Any

    def __init__(self, source: Iterable[T_co] | SupportsNext[T_co]) -> None:
        if isinstance(source, Iter):
            other: Iter[Any] = source
            it = other._it
            if it.__class__ is _Moved:
                _raise_moved(it)
            self._it = it
            self._close = other._close
            self._depth = other._depth
            self._hint = other._hint
            other._it = _moved("__init__")
            return
        try:
            it = iter(cast(Iterable[Any], source))
        except TypeError:
            nxt = getattr(source, "next", None)
            if not callable(nxt):
                raise TypeError(
                    "source must be an iterable or have a next() method returning an Option,"
                    f" got {type(source).__name__}"
                ) from None
            it = map(_some_value, takewhile(_is_some, starmap(nxt, repeat(()))))
            self._hint = None
        else:
            self._hint = ("e", it) if it.__class__ in _EXACT else None
        self._it = it
        self._close = (source,) if hasattr(source, "close") else ()
        self._depth = 0

    # ----------------------------------------------------------------------------------------
    # protocols
    # ----------------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[T_co]:
        """Return the underlying iterator (a ``for`` loop then runs at C speed).

        >>> [x for x in Iter("ab")]
        ['a', 'b']
        """
        return self._it

    def __next__(self) -> T_co:
        """Return the next item or raise ``StopIteration`` (Python's protocol).

        >>> next(Iter([7]))
        7
        """
        x: T_co = next(self._it)
        return x

    def next(self) -> Option[T_co]:
        """Return ``Some(next item)``, or ``Nothing()`` once exhausted (and every time after).

        >>> it = Iter([1])
        >>> it.next(), it.next(), it.next()
        (Some(1), Nothing(), Nothing())
        """
        for x in self._it:
            return Some(x)
        return Nothing()

    # ----------------------------------------------------------------------------------------
    # adapters that map
    # ----------------------------------------------------------------------------------------

    def map(self, f: Callable[[T_co], U], /) -> Iter[U]:
        """Apply ``f`` to every item, lazily.

        >>> Iter([1, 2]).map(str).collect()
        ['1', '2']
        """
        if not callable(f):
            raise _not_callable("f", f)
        it = self._it
        d = self._depth + 1
        if d > _MAX_DEPTH:
            raise _too_deep()
        new = _wrap(map(f, it), self._close, d, self._hint)
        self._it = _MOVED_MAP
        return new

    # ----------------------------------------------------------------------------------------
    # adapters that cut
    # ----------------------------------------------------------------------------------------

    @overload
    def filter(self, pred: Callable[[T_co], TypeIs[U]], /) -> Iter[U]: ...
    @overload
    def filter(self, pred: Callable[[T_co], TypeGuard[U]], /) -> Iter[U]: ...
    @overload
    def filter(self, pred: Callable[[T_co], object], /) -> Iter[T_co]: ...
    def filter(self, pred: Callable[[T_co], object], /) -> Iter[Any]:
        """Keep the items for which ``pred`` is true, lazily.

        >>> Iter(range(6)).filter(lambda x: x % 3 == 0).collect()
        [0, 3]
        """
        if not callable(pred):
            raise _not_callable("pred", pred)
        it = self._it
        d = self._depth + 1
        if d > _MAX_DEPTH:
            raise _too_deep()
        hint = self._hint
        new = _wrap(filter(pred, it), self._close, d, None if hint is None else ("f", hint, 0))
        self._it = _MOVED_FILTER
        return new

    # ----------------------------------------------------------------------------------------
    # consumers that fold
    # ----------------------------------------------------------------------------------------

    @overload
    def collect(self, /) -> list[T_co]: ...
    @overload
    def collect(self, factory: Callable[[Iterable[T_co]], C], /) -> C: ...
    def collect(self, factory: Callable[..., Any] = list, /) -> Any:
        """Consume every item into ``factory(items)`` (a list by default).

        >>> Iter("abc").collect()
        ['a', 'b', 'c']
        >>> Iter([("a", 1)]).collect(dict)
        {'a': 1}
        """
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        if not callable(factory):
            raise _not_callable("factory", factory)
        self._it = _MOVED_COLLECT
        return factory(it)


_EMPTY_DICT: dict[object, object] = {}
_EXACT_SAMPLES: tuple[Iterable[object], ...] = (
    [], (), "", b"", bytearray(), range(0), range(2**64),
    _EMPTY_DICT, set[object](), frozenset[object](),
    _EMPTY_DICT.values(), _EMPTY_DICT.items(), reversed(list[object]()), reversed(range(0)),
)  # fmt: skip
_EXACT: frozenset[type] = frozenset(type(iter(x)) for x in _EXACT_SAMPLES)
"""Iterator types whose ``__length_hint__`` is exact (others may only estimate)."""

_MOVED_MAP = _moved("map")
_MOVED_FILTER = _moved("filter")
_MOVED_COLLECT = _moved("collect")


def _wrap(it: Iterator[Any], close: tuple[Any, ...], depth: int, hint: Any) -> Iter[Any]:
    new: Iter[Any] = _new(Iter)
    new._it = it
    new._close = close
    new._depth = depth
    new._hint = hint
    return new
