"""Option: ``Some(value) | Nothing()``, Rust's ``Option<T>`` as a tagged union.

Both variants carry every method, typed so that a call on ``Option[T]`` (the union) is
precise: ``Some.unwrap_or(default: object) -> T`` and ``Nothing.unwrap_or(default: U) -> U``
make ``Option[T].unwrap_or(u)`` a ``T | U``. A method that can never succeed returns
``NoReturn``. Every method parameter is positional-only, as in Rust (which has no keywords).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    Literal,
    NoReturn,
    TypeVar,
    Union,
    cast,
    final,
    overload,
)

from typing_extensions import Never, TypeAlias, TypeGuard, TypeIs

if TYPE_CHECKING:
    from ._iter import Iter

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
U = TypeVar("U")
V = TypeVar("V")
E = TypeVar("E")
_OptT = TypeVar("_OptT", bound="Option[object]")


class _OptionVariant:
    """The private base of ``Some`` and ``Nothing``: it holds no state and no methods.

    It gives the option classes a layout of their own, so CPython refuses ``__class__``
    assignment between an option and a result (``Some(1).__class__ = Ok``) or any other class.
    """

    __slots__ = ()


def wrong_shape(where: str, subject: str, got: object) -> TypeError:
    """The ``TypeError`` for an argument, held value or callback result of the wrong shape."""
    return TypeError(f"{where}: {subject}, got {type(got).__name__}")


@final
class Some(_OptionVariant, Generic[T_co]):
    """An option that holds a value: Rust's ``Some(T)``.

    Immutable: ``value`` is a read-only property and ``__slots__`` forbid new attributes.
    The slot behind it, ``_value``, is private (it exists so that construction costs no more
    than a plain slotted class). ``Some`` compares and hashes by value, and its repr evaluates
    back to an equal object.

    Truthiness follows the variant: every ``Some`` is truthy, even ``Some(0)`` and
    ``Some(None)``; ``__bool__`` returns ``Literal[True]``, so ``if opt:`` narrows an
    ``Option[T]`` to ``Some[T]`` for mypy and pyright.

    The methods ``Some`` shares with ``Nothing`` are documented here, once, with examples of
    both variants (``Nothing``'s docstrings are one line).

    >>> Some(1)
    Some(1)
    >>> Some(1).value
    1
    >>> bool(Some(0))
    True
    >>> match Some(2):
    ...     case Some(v):
    ...         print(v)
    2
    """

    __slots__ = ("_value",)
    __match_args__ = ("value",)

    def __init__(self, value: T_co) -> None:
        self._value = value

    @property
    def value(self) -> T_co:
        """The held value.

        >>> Some("a").value
        'a'
        """
        return self._value

    def __init_subclass__(cls, **kwargs: object) -> NoReturn:
        raise TypeError("Some is final: Option and Result are closed tagged unions")

    def __repr__(self) -> str:
        return f"Some({self._value!r})"

    def __eq__(self, other: object) -> bool:
        if type(other) is Some:
            return self._value == cast("Some[object]", other)._value
        return NotImplemented  # another type (mock.ANY, ...) decides, else identity: False

    def __hash__(self) -> int:
        return hash((Some, self._value))

    def __bool__(self) -> Literal[True]:
        return True

    def __iter__(self) -> Iterator[T_co]:
        return iter((self._value,))

    def iter(self) -> Iter[T_co]:
        """Return an ``Iter`` over the held value: one item for ``Some``, none for ``Nothing()``.

        As Rust's ``Option::iter``.

        >>> Some(1).iter().map(str).collect(), Nothing().iter().collect()
        (['1'], [])
        """
        from ._iter import once  # deferred: _iter imports this module

        return once(self._value)

    def __reduce__(self) -> tuple[type[Some[Any]], tuple[T_co]]:
        return (Some, (self._value,))

    def is_some(self) -> Literal[True]:
        """Return whether this is a ``Some``: ``True`` on ``Some``, ``False`` on ``Nothing()``.

        The return types are ``Literal[True]``/``Literal[False]``; to narrow an ``Option[T]``, use
        the function ``is_some(opt)`` (a method cannot narrow its receiver).

        >>> Some(1).is_some(), Nothing().is_some()
        (True, False)
        """
        return True

    def is_some_and(self, f: Callable[[T_co], object], /) -> bool:
        """Return whether this is a ``Some`` whose value makes ``f`` true (``f`` is not called on
        ``Nothing()``).

        >>> Some(2).is_some_and(lambda v: v > 1), Some(0).is_some_and(lambda v: v > 1)
        (True, False)
        >>> Nothing().is_some_and(lambda v: v > 1)
        False
        """
        return bool(f(self._value))

    def is_none(self) -> Literal[False]:
        """Return whether this is ``Nothing()``: ``False`` on ``Some``, ``True`` on ``Nothing()``.

        >>> Some(1).is_none(), Nothing().is_none()
        (False, True)
        """
        return False

    def is_none_or(self, f: Callable[[T_co], object], /) -> bool:
        """Return whether this is ``Nothing()`` or a ``Some`` whose value makes ``f`` true.

        ``f`` is not called on ``Nothing()``.

        >>> Some(2).is_none_or(lambda v: v > 1), Some(0).is_none_or(lambda v: v > 1)
        (True, False)
        >>> Nothing().is_none_or(lambda v: v > 1)
        True
        """
        return bool(f(self._value))

    def expect(self, msg: str, /) -> T_co:
        """Return the value of a ``Some``; on ``Nothing()`` raise ``UnwrapError`` with ``msg``.

        The message is ``f"{msg}: Nothing()"``; say in ``msg`` why the value should be there.

        Raises:
            UnwrapError: on ``Nothing()`` (its ``unwrapped`` is ``Nothing()``).

        >>> Some(1).expect("need a port")
        1
        >>> Nothing().expect("need a port")
        Traceback (most recent call last):
        ...
        itero.UnwrapError: need a port: Nothing()
        """
        return self._value

    def unwrap(self) -> T_co:
        """Return the value of a ``Some``; on ``Nothing()`` raise ``UnwrapError``.

        Prefer ``unwrap_or``, ``unwrap_or_else`` or ``match`` where the value may be absent.

        Raises:
            UnwrapError: on ``Nothing()`` (its ``unwrapped`` is ``Nothing()``).

        >>> Some(1).unwrap()
        1
        >>> Nothing().unwrap()
        Traceback (most recent call last):
        ...
        itero.UnwrapError: called unwrap() on Nothing()
        """
        return self._value

    def unwrap_or(self, default: object, /) -> T_co:
        """Return the value of a ``Some``, or ``default`` for ``Nothing()``.

        ``default`` is computed before the call; to compute it only when needed, use
        ``unwrap_or_else``.

        >>> Some(1).unwrap_or(0), Nothing().unwrap_or(0)
        (1, 0)
        """
        return self._value

    def unwrap_or_else(self, f: Callable[[], object], /) -> T_co:
        """Return the value of a ``Some``, or ``f()`` for ``Nothing()`` (``f`` is called only then).

        >>> Some(1).unwrap_or_else(lambda: 0), Nothing().unwrap_or_else(lambda: 0)
        (1, 0)
        """
        return self._value

    def map(self, f: Callable[[T_co], U], /) -> Some[U]:
        """Return ``Some(f(value))`` for a ``Some``; ``Nothing()`` stays ``Nothing()`` (no call).

        >>> Some("abc").map(len), Nothing().map(len)
        (Some(3), Nothing())
        """
        return Some(f(self._value))

    def inspect(self, f: Callable[[T_co], object], /) -> Some[T_co]:
        """Call ``f(value)`` on a ``Some`` for its side effect; return the option unchanged.

        ``f`` is not called on ``Nothing()``.

        >>> Some(1).inspect(print)
        1
        Some(1)
        >>> Nothing().inspect(print)
        Nothing()
        """
        f(self._value)
        return self

    def map_or(self, default: object, f: Callable[[T_co], U], /) -> U:
        """Return ``f(value)`` for a ``Some``, or ``default`` for ``Nothing()`` (no call).

        >>> Some("abc").map_or(0, len), Nothing().map_or(0, len)
        (3, 0)
        """
        return f(self._value)

    def map_or_else(self, default: Callable[[], object], f: Callable[[T_co], U], /) -> U:
        """Return ``f(value)`` for a ``Some``, or ``default()`` for ``Nothing()``.

        Only the function for the variant at hand is called. Rust's order: the fallback first.

        >>> Some("abc").map_or_else(lambda: 0, len), Nothing().map_or_else(lambda: 0, len)
        (3, 0)
        """
        return f(self._value)

    def ok_or(self, err: object, /) -> Ok[T_co]:
        """Make a result: ``Some(v)`` becomes ``Ok(v)``, ``Nothing()`` becomes ``Err(err)``.

        >>> Some(1).ok_or("missing"), Nothing().ok_or("missing")
        (Ok(1), Err('missing'))
        """
        return Ok(self._value)

    def ok_or_else(self, f: Callable[[], object], /) -> Ok[T_co]:
        """Like ``ok_or``, but the error is ``f()``, computed only for ``Nothing()``.

        >>> Some(1).ok_or_else(lambda: "missing"), Nothing().ok_or_else(lambda: "missing")
        (Ok(1), Err('missing'))
        """
        return Ok(self._value)

    @overload
    def filter(self, predicate: Callable[[T_co], TypeIs[U]], /) -> Some[U] | Nothing: ...
    @overload
    def filter(self, predicate: Callable[[T_co], TypeGuard[U]], /) -> Some[U] | Nothing: ...
    @overload
    def filter(self, predicate: Callable[[T_co], object], /) -> Some[T_co] | Nothing: ...
    def filter(self, predicate: Callable[[T_co], object], /) -> Some[Any] | Nothing:
        """Keep a ``Some`` whose value makes ``predicate`` true; otherwise return ``Nothing()``.

        A ``TypeIs`` or ``TypeGuard`` predicate narrows the value type. ``predicate`` is not called
        on ``Nothing()``.

        >>> Some(4).filter(lambda v: v % 2 == 0), Some(3).filter(lambda v: v % 2 == 0)
        (Some(4), Nothing())
        >>> Nothing().filter(lambda v: v % 2 == 0)
        Nothing()
        """
        return self if predicate(self._value) else _NOTHING

    def flatten(self: Some[Some[U] | Nothing]) -> Some[U] | Nothing:
        """Remove one level of nesting: ``Some(Some(v))`` is ``Some(v)``, ``Some(Nothing())`` and
        ``Nothing()`` are ``Nothing()``.

        Raises:
            TypeError: a ``Some`` that does not hold an option (``Some(5).flatten()``).

        >>> Some(Some(1)).flatten(), Some(Nothing()).flatten(), Nothing().flatten()
        (Some(1), Nothing(), Nothing())
        """
        inner = self._value
        if type(inner) is Some or inner is _NOTHING:
            return inner
        raise wrong_shape("Some.flatten()", "the held value must be Some or Nothing", inner)

    def transpose(self: Some[Ok[U] | Err[E]]) -> Ok[Some[U]] | Err[E]:
        """Turn an option of a result into a result of an option.

        ``Some(Ok(v))`` becomes ``Ok(Some(v))``, ``Some(Err(e))`` becomes ``Err(e)``, and
        ``Nothing()`` becomes ``Ok(Nothing())``.

        Raises:
            TypeError: a ``Some`` that does not hold a result (``Some(3).transpose()``).

        >>> Some(Ok(1)).transpose(), Some(Err("bad")).transpose(), Nothing().transpose()
        (Ok(Some(1)), Err('bad'), Ok(Nothing()))
        """
        inner = self._value
        if type(inner) is Ok:
            return Ok(Some(inner.value))
        if type(inner) is Err:
            return inner
        raise wrong_shape("Some.transpose()", "the held value must be Ok or Err", inner)

    @overload
    def zip(self, other: Some[U], /) -> Some[tuple[T_co, U]]: ...
    @overload
    def zip(self, other: Nothing, /) -> Nothing: ...
    @overload
    def zip(self, other: Some[U] | Nothing, /) -> Some[tuple[T_co, U]] | Nothing: ...
    def zip(self, other: Some[U] | Nothing, /) -> Some[tuple[T_co, U]] | Nothing:
        """Pair two options: ``Some((a, b))`` if both are a ``Some``, else ``Nothing()``.

        Raises:
            TypeError: ``other`` is not an option (``Some(3).zip(4)``).

        >>> Some(1).zip(Some("a")), Some(1).zip(Nothing()), Nothing().zip(Some("a"))
        (Some((1, 'a')), Nothing(), Nothing())
        """
        if type(other) is Some:
            return Some((self._value, other._value))
        if other is _NOTHING:
            return _NOTHING
        raise wrong_shape("Some.zip()", "other must be Some or Nothing", other)

    def unzip(self: Some[tuple[U, V]]) -> tuple[Some[U], Some[V]]:
        """Split an option of a pair: ``Some((a, b))`` into ``(Some(a), Some(b))``, ``Nothing()``
        into ``(Nothing(), Nothing())``.

        Raises:
            TypeError: a ``Some`` that does not hold a 2-tuple.

        >>> Some((1, "a")).unzip(), Nothing().unzip()
        ((Some(1), Some('a')), (Nothing(), Nothing()))
        """
        pair = cast("object", self._value)
        if not (isinstance(pair, tuple) and len(cast("tuple[object, ...]", pair)) == 2):
            raise wrong_shape("Some.unzip()", "the held value must be a 2-tuple", self._value)
        first, second = cast("tuple[U, V]", pair)
        return Some(first), Some(second)

    def and_(self, optb: _OptT, /) -> _OptT:
        """Return ``optb`` if this is a ``Some``, else ``Nothing()``: Rust's ``and``.

        Raises:
            TypeError: ``optb`` is not an option (on both variants).

        >>> Some(1).and_(Some("a")), Some(1).and_(Nothing()), Nothing().and_(Some("a"))
        (Some('a'), Nothing(), Nothing())
        """
        if type(optb) is Some or optb is _NOTHING:
            return optb
        raise wrong_shape("Some.and_()", "optb must be Some or Nothing", optb)

    def and_then(self, f: Callable[[T_co], _OptT], /) -> _OptT:
        """Return ``f(value)`` for a ``Some`` (``f`` returns an option: a flat map); ``Nothing()``
        stays ``Nothing()`` without calling ``f``.

        >>> half = lambda v: Some(v // 2) if v % 2 == 0 else Nothing()
        >>> Some(4).and_then(half), Some(3).and_then(half), Nothing().and_then(half)
        (Some(2), Nothing(), Nothing())
        """
        return f(self._value)

    def or_(self, optb: Some[object] | Nothing, /) -> Some[T_co]:
        """Return the option if it is a ``Some``, else ``optb``: Rust's ``or``.

        ``optb`` is computed before the call; to compute it only when needed, use ``or_else``.

        Raises:
            TypeError: ``optb`` is not an option (on both variants).

        >>> Some(1).or_(Some(2)), Nothing().or_(Some(2)), Nothing().or_(Nothing())
        (Some(1), Some(2), Nothing())
        """
        if type(optb) is Some or optb is _NOTHING:
            return self
        raise wrong_shape("Some.or_()", "optb must be Some or Nothing", optb)

    def or_else(self, f: Callable[[], Some[object] | Nothing], /) -> Some[T_co]:
        """Return the option if it is a ``Some``, else ``f()`` (``f`` returns an option; called only
        then).

        >>> Some(1).or_else(lambda: Some(2)), Nothing().or_else(lambda: Some(2))
        (Some(1), Some(2))
        """
        return self

    @overload
    def xor(self, optb: Nothing, /) -> Some[T_co]: ...
    @overload
    def xor(self, optb: Some[object], /) -> Nothing: ...
    @overload
    def xor(self, optb: Some[object] | Nothing, /) -> Some[T_co] | Nothing: ...
    def xor(self, optb: Some[object] | Nothing, /) -> Some[T_co] | Nothing:
        """Return the one ``Some`` if exactly one of the two options is one, else ``Nothing()``.

        Raises:
            TypeError: ``optb`` is not an option (on both variants).

        >>> Some(1).xor(Nothing()), Nothing().xor(Some(2))
        (Some(1), Some(2))
        >>> Some(1).xor(Some(2)), Nothing().xor(Nothing())
        (Nothing(), Nothing())
        """
        if optb is _NOTHING:
            return self
        if type(optb) is Some:
            return _NOTHING
        raise wrong_shape("Some.xor()", "optb must be Some or Nothing", optb)

    def to_optional(self) -> T_co:
        """Return the value of a ``Some``, or ``None`` for ``Nothing()`` (the inverse of
        ``from_optional``, except that ``Some(None)`` also gives ``None``).

        >>> Some(1).to_optional(), Nothing().to_optional()
        (1, None)
        """
        return self._value


@final
class Nothing(_OptionVariant):
    """The empty option: Rust's ``None``. ``Nothing()`` is a singleton.

    The instance is unique, also across ``copy``, ``deepcopy`` and pickling, so ``is``
    comparisons work. It is immutable and hashable.

    Truthiness follows the variant: ``Nothing()`` is falsy; ``__bool__`` returns
    ``Literal[False]``, so ``if not opt:`` narrows an ``Option[T]`` to ``Nothing`` for mypy and
    pyright. Its methods are documented on ``Some``, with examples of both variants.

    >>> Nothing()
    Nothing()
    >>> Nothing() is Nothing()
    True
    >>> bool(Nothing())
    False
    >>> match Nothing():
    ...     case Nothing():
    ...         print("empty")
    empty
    """

    # ``__weakref__`` only makes the layout differ from ``object``'s, so ``__class__`` cannot be
    # assigned to the singleton.
    __slots__ = ("__weakref__",)
    __match_args__ = ()

    def __new__(cls) -> Nothing:
        return _NOTHING

    def __init_subclass__(cls, **kwargs: object) -> NoReturn:
        raise TypeError("Nothing is final: Option and Result are closed tagged unions")

    def __repr__(self) -> str:
        return "Nothing()"

    def __bool__(self) -> Literal[False]:
        return False

    def __iter__(self) -> Iterator[Never]:
        return iter(())

    def iter(self) -> Iter[Never]:
        """Return an empty ``Iter`` (documented on ``Some.iter``)."""
        from ._iter import empty  # deferred: _iter imports this module

        return empty()

    def __reduce__(self) -> tuple[type[Nothing], tuple[()]]:
        return (Nothing, ())

    def __copy__(self) -> Nothing:
        return self

    def __deepcopy__(self, memo: object, /) -> Nothing:
        return self

    def is_some(self) -> Literal[False]:
        """Return ``False`` (documented on ``Some.is_some``)."""
        return False

    def is_some_and(self, f: Callable[[Never], object], /) -> Literal[False]:
        """Return ``False`` without calling ``f`` (documented on ``Some.is_some_and``)."""
        return False

    def is_none(self) -> Literal[True]:
        """Return ``True`` (documented on ``Some.is_none``)."""
        return True

    def is_none_or(self, f: Callable[[Never], object], /) -> Literal[True]:
        """Return ``True`` without calling ``f`` (documented on ``Some.is_none_or``)."""
        return True

    def expect(self, msg: str, /) -> NoReturn:
        """Raise ``UnwrapError(f"{msg}: Nothing()")`` (documented on ``Some.expect``)."""
        raise UnwrapError(f"{msg}: Nothing()", self)

    def unwrap(self) -> NoReturn:
        """Raise ``UnwrapError``: there is no value (documented on ``Some.unwrap``)."""
        raise UnwrapError("called unwrap() on Nothing()", self)

    def unwrap_or(self, default: U, /) -> U:
        """Return ``default`` (documented on ``Some.unwrap_or``)."""
        return default

    def unwrap_or_else(self, f: Callable[[], U], /) -> U:
        """Return ``f()`` (documented on ``Some.unwrap_or_else``)."""
        return f()

    def map(self, f: Callable[[Never], object], /) -> Nothing:
        """Return ``Nothing()`` without calling ``f`` (documented on ``Some.map``)."""
        return self

    def inspect(self, f: Callable[[Never], object], /) -> Nothing:
        """Return ``Nothing()`` without calling ``f`` (documented on ``Some.inspect``)."""
        return self

    def map_or(self, default: U, f: Callable[[Never], object], /) -> U:
        """Return ``default`` without calling ``f`` (documented on ``Some.map_or``)."""
        return default

    def map_or_else(self, default: Callable[[], U], f: Callable[[Never], object], /) -> U:
        """Return ``default()`` without calling ``f`` (documented on ``Some.map_or_else``)."""
        return default()

    def ok_or(self, err: E, /) -> Err[E]:
        """Return ``Err(err)`` (documented on ``Some.ok_or``)."""
        return Err(err)

    def ok_or_else(self, f: Callable[[], E], /) -> Err[E]:
        """Return ``Err(f())`` (documented on ``Some.ok_or_else``)."""
        return Err(f())

    def filter(self, predicate: Callable[[Never], object], /) -> Nothing:
        """Return ``Nothing()`` without calling ``predicate`` (documented on ``Some.filter``)."""
        return self

    def flatten(self) -> Nothing:
        """Return ``Nothing()`` (documented on ``Some.flatten``)."""
        return self

    def transpose(self) -> Ok[Nothing]:
        """Return ``Ok(Nothing())`` (documented on ``Some.transpose``)."""
        return Ok(self)

    def zip(self, other: Some[object] | Nothing, /) -> Nothing:
        """Return ``Nothing()`` (documented on ``Some.zip``)."""
        if type(other) is Some or other is self:
            return self
        raise wrong_shape("Nothing.zip()", "other must be Some or Nothing", other)

    def unzip(self) -> tuple[Nothing, Nothing]:
        """Return ``(Nothing(), Nothing())`` (documented on ``Some.unzip``)."""
        return (self, self)

    def and_(self, optb: Some[object] | Nothing, /) -> Nothing:
        """Return ``Nothing()``, ignoring ``optb`` (documented on ``Some.and_``)."""
        if type(optb) is Some or optb is self:
            return self
        raise wrong_shape("Nothing.and_()", "optb must be Some or Nothing", optb)

    def and_then(self, f: Callable[[Never], Some[object] | Nothing], /) -> Nothing:
        """Return ``Nothing()`` without calling ``f`` (documented on ``Some.and_then``)."""
        return self

    def or_(self, optb: _OptT, /) -> _OptT:
        """Return ``optb`` (documented on ``Some.or_``)."""
        if type(optb) is Some or optb is self:
            return optb
        raise wrong_shape("Nothing.or_()", "optb must be Some or Nothing", optb)

    def or_else(self, f: Callable[[], _OptT], /) -> _OptT:
        """Return ``f()`` (documented on ``Some.or_else``)."""
        return f()

    def xor(self, optb: _OptT, /) -> _OptT:
        """Return ``optb`` (documented on ``Some.xor``)."""
        if type(optb) is Some or optb is self:
            return optb
        raise wrong_shape("Nothing.xor()", "optb must be Some or Nothing", optb)

    def to_optional(self) -> None:
        """Return ``None`` (documented on ``Some.to_optional``)."""
        return None


_NOTHING: Nothing = object.__new__(Nothing)

Option: TypeAlias = Union[Some[T_co], Nothing]
"""``Some[T] | Nothing``: a value that may be absent."""


def from_optional(value: T | None, /) -> Some[T] | Nothing:
    """Return ``Nothing()`` for ``None``, else ``Some(value)``.

    >>> from_optional(1)
    Some(1)
    >>> from_optional(None)
    Nothing()
    """
    return _NOTHING if value is None else Some(value)


def is_some(option: Some[T] | Nothing, /) -> TypeIs[Some[T]]:
    """Return whether ``option`` is a ``Some``; narrows its type for mypy and pyright.

    >>> o = from_optional(3)
    >>> if is_some(o):
    ...     print(o.value)
    3
    """
    return type(option) is Some


def is_nothing(option: Some[T] | Nothing, /) -> TypeIs[Nothing]:
    """Return whether ``option`` is ``Nothing()``; narrows its type for mypy and pyright.

    >>> is_nothing(from_optional(None))
    True
    >>> is_nothing(Some(None))
    False
    """
    return option is _NOTHING


# Imported last: _result imports this module too.
from ._errors import UnwrapError  # noqa: E402
from ._result import Err, Ok  # noqa: E402
