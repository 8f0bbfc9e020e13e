"""Result: ``Ok(value) | Err(error)``, Rust's ``Result<T, E>`` as a tagged union.

Both variants carry every method, typed so that a call on ``Result[T, E]`` (the union) is
precise: ``Ok.unwrap_or(default: object) -> T`` and ``Err.unwrap_or(default: U) -> U`` make
``Result[T, E].unwrap_or(u)`` a ``T | U``. A method that can never succeed returns
``NoReturn``. Every method parameter is positional-only, as in Rust (which has no keywords).
"""

from __future__ import annotations

import functools
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

from typing_extensions import Never, ParamSpec, TypeAlias, TypeIs, TypeVar as TypeVarWithDefault

from ._errors import UnwrapError

if TYPE_CHECKING:
    from ._iter import Iter

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
E_co = TypeVar("E_co", covariant=True)
U = TypeVar("U")
F = TypeVar("F")
E = TypeVar("E")
E1 = TypeVar("E1", bound=Exception)
E2 = TypeVar("E2", bound=Exception)
E3 = TypeVar("E3", bound=Exception)
P = ParamSpec("P")
_ResT = TypeVar("_ResT", bound="Result[object, object]")
_E_default = TypeVarWithDefault("_E_default", default=Exception)


class _ResultVariant:
    """The private base of ``Ok`` and ``Err``: it holds no state and no methods.

    It gives the result classes a layout of their own, so CPython refuses ``__class__``
    assignment between a result and an option (``Ok(1).__class__ = Some``) or any other class.
    """

    __slots__ = ()


@final
class Ok(_ResultVariant, Generic[T_co]):
    """A success that holds a value: Rust's ``Ok(T)``.

    Immutable: ``value`` is a read-only property and ``__slots__`` forbid new attributes.
    The slot behind it, ``_value``, is private (it exists so that construction costs no more
    than a plain slotted class). ``Ok`` compares and hashes by value, and its repr evaluates
    back to an equal object.

    Truthiness follows the variant: every ``Ok`` is truthy, even ``Ok(0)``; ``__bool__``
    returns ``Literal[True]``, so ``if res:`` narrows a ``Result[T, E]`` to ``Ok[T]`` for
    mypy and pyright.

    The methods ``Ok`` shares with ``Err`` are documented here, once, with examples of both
    variants (``Err``'s docstrings are one line).

    >>> Ok(1)
    Ok(1)
    >>> Ok(1).value
    1
    >>> bool(Ok(0))
    True
    >>> match Ok(2):
    ...     case Ok(v):
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

        >>> Ok("a").value
        'a'
        """
        return self._value

    def __init_subclass__(cls, **kwargs: object) -> NoReturn:
        raise TypeError("Ok is final: Option and Result are closed tagged unions")

    def __repr__(self) -> str:
        return f"Ok({self._value!r})"

    def __eq__(self, other: object) -> bool:
        if type(other) is Ok:
            return self._value == cast("Ok[object]", other)._value
        return NotImplemented  # another type (mock.ANY, ...) decides, else identity: False

    def __hash__(self) -> int:
        return hash((Ok, self._value))

    def __bool__(self) -> Literal[True]:
        return True

    def __iter__(self) -> Iterator[T_co]:
        return iter((self._value,))

    def iter(self) -> Iter[T_co]:
        """Return an ``Iter`` over the ``Ok`` value: one item for ``Ok``, none for ``Err`` (the
        error is not an item), as Rust's ``Result::iter``.

        >>> Ok(1).iter().map(str).collect(), Err("boom").iter().collect()
        (['1'], [])
        """
        from ._iter import once  # deferred: _iter imports this module

        return once(self._value)

    def __reduce__(self) -> tuple[type[Ok[Any]], tuple[T_co]]:
        return (Ok, (self._value,))

    def is_ok(self) -> Literal[True]:
        """Return whether this is an ``Ok``: ``True`` on ``Ok``, ``False`` on ``Err``.

        To narrow a ``Result[T, E]``, use the function ``is_ok(r)`` (a method cannot narrow its
        receiver).

        >>> Ok(1).is_ok(), Err("bad").is_ok()
        (True, False)
        """
        return True

    def is_ok_and(self, f: Callable[[T_co], object], /) -> bool:
        """Return whether this is an ``Ok`` whose value makes ``f`` true (``f`` is not called on
        ``Err``).

        >>> Ok(2).is_ok_and(lambda v: v > 1), Ok(0).is_ok_and(lambda v: v > 1)
        (True, False)
        >>> Err("bad").is_ok_and(lambda v: v > 1)
        False
        """
        return bool(f(self._value))

    def is_err(self) -> Literal[False]:
        """Return whether this is an ``Err``: ``False`` on ``Ok``, ``True`` on ``Err``.

        >>> Ok(1).is_err(), Err("bad").is_err()
        (False, True)
        """
        return False

    def is_err_and(self, f: Callable[[Never], object], /) -> Literal[False]:
        """Return whether this is an ``Err`` whose error makes ``f`` true (``f`` is not called on
        ``Ok``).

        >>> Err("bad").is_err_and(lambda e: e == "bad"), Err("bad").is_err_and(lambda e: e == "x")
        (True, False)
        >>> Ok(1).is_err_and(lambda e: True)
        False
        """
        return False

    def ok(self) -> Some[T_co]:
        """Return the ``Ok`` value as an option: ``Some(value)`` on ``Ok``, ``Nothing()`` on ``Err``
        (the error is discarded).

        >>> Ok(1).ok(), Err("bad").ok()
        (Some(1), Nothing())
        """
        return Some(self._value)

    def err(self) -> Nothing:
        """Return the error as an option: ``Nothing()`` on ``Ok``, ``Some(error)`` on ``Err``.

        >>> Ok(1).err(), Err("bad").err()
        (Nothing(), Some('bad'))
        """
        return Nothing()

    def map(self, f: Callable[[T_co], U], /) -> Ok[U]:
        """Return ``Ok(f(value))`` for an ``Ok``; an ``Err`` stays unchanged (``f`` is not called).

        >>> Ok("abc").map(len), Err("bad").map(len)
        (Ok(3), Err('bad'))
        """
        return Ok(f(self._value))

    def map_or(self, default: object, f: Callable[[T_co], U], /) -> U:
        """Return ``f(value)`` for an ``Ok``, or ``default`` for an ``Err`` (``f`` is not called).

        >>> Ok("abc").map_or(0, len), Err("bad").map_or(0, len)
        (3, 0)
        """
        return f(self._value)

    def map_or_else(self, default: Callable[[Never], object], f: Callable[[T_co], U], /) -> U:
        """Return ``f(value)`` for an ``Ok``, or ``default(error)`` for an ``Err``.

        Only the function for the variant at hand is called. Rust's order: the error function first
        (the ``result`` package's ``map_or_else`` calls ``default`` with no argument).

        >>> Ok("abc").map_or_else(lambda e: -1, len), Err("bad").map_or_else(len, lambda v: -1)
        (3, 3)
        """
        return f(self._value)

    def map_err(self, f: Callable[[Never], object], /) -> Ok[T_co]:
        """Return ``Err(f(error))`` for an ``Err``; an ``Ok`` stays unchanged (``f`` is not called).

        >>> Ok(1).map_err(str.upper), Err("bad").map_err(str.upper)
        (Ok(1), Err('BAD'))
        """
        return self

    def inspect(self, f: Callable[[T_co], object], /) -> Ok[T_co]:
        """Call ``f(value)`` on an ``Ok`` for its side effect; return the result unchanged.

        ``f`` is not called on an ``Err``.

        >>> Ok(1).inspect(print)
        1
        Ok(1)
        >>> Err("bad").inspect(print)
        Err('bad')
        """
        f(self._value)
        return self

    def inspect_err(self, f: Callable[[Never], object], /) -> Ok[T_co]:
        """Call ``f(error)`` on an ``Err`` for its side effect; return the result unchanged.

        ``f`` is not called on an ``Ok``.

        >>> Err("bad").inspect_err(print)
        bad
        Err('bad')
        >>> Ok(1).inspect_err(print)
        Ok(1)
        """
        return self

    def expect(self, msg: str, /) -> T_co:
        """Return the ``Ok`` value; on an ``Err`` raise ``UnwrapError`` with ``msg``.

        The message is ``f"{msg}: {error!r}"``; the error becomes ``__cause__`` when it is an
        exception.

        Raises:
            UnwrapError: on an ``Err`` (its ``unwrapped`` is that ``Err``).

        >>> Ok(1).expect("need a value")
        1
        >>> Err("bad").expect("need a value")
        Traceback (most recent call last):
        ...
        itero.UnwrapError: need a value: 'bad'
        """
        return self._value

    def unwrap(self) -> T_co:
        """Return the ``Ok`` value; on an ``Err`` raise ``UnwrapError``.

        The message holds ``repr(error)``, and the error becomes ``__cause__`` when it is an
        exception, so its original traceback is printed too. Prefer ``unwrap_or``,
        ``unwrap_or_else`` or ``match`` where failure is expected.

        Raises:
            UnwrapError: on an ``Err`` (its ``unwrapped`` is that ``Err``).

        >>> Ok(1).unwrap()
        1
        >>> Err(KeyError("id")).unwrap()
        Traceback (most recent call last):
        ...
        itero.UnwrapError: called unwrap() on Err(KeyError('id'))
        """
        return self._value

    def expect_err(self, msg: str, /) -> NoReturn:
        """Return the error of an ``Err``; on an ``Ok`` raise ``UnwrapError`` with ``msg``.

        The message is ``f"{msg}: {value!r}"``.

        Raises:
            UnwrapError: on an ``Ok`` (its ``unwrapped`` is that ``Ok``).

        >>> Err("bad").expect_err("should fail")
        'bad'
        >>> Ok(1).expect_err("should fail")
        Traceback (most recent call last):
        ...
        itero.UnwrapError: should fail: 1
        """
        raise UnwrapError(f"{msg}: {self._value!r}", self)

    def unwrap_err(self) -> NoReturn:
        """Return the error of an ``Err``; on an ``Ok`` raise ``UnwrapError``.

        Raises:
            UnwrapError: on an ``Ok`` (its ``unwrapped`` is that ``Ok``).

        >>> Err("bad").unwrap_err()
        'bad'
        >>> Ok(1).unwrap_err()
        Traceback (most recent call last):
        ...
        itero.UnwrapError: called unwrap_err() on Ok(1)
        """
        raise UnwrapError(f"called unwrap_err() on {self!r}", self)

    def unwrap_or(self, default: object, /) -> T_co:
        """Return the ``Ok`` value, or ``default`` for an ``Err`` (the error is discarded).

        ``default`` is computed before the call; to compute it only when needed, use
        ``unwrap_or_else``.

        >>> Ok(1).unwrap_or(0), Err("bad").unwrap_or(0)
        (1, 0)
        """
        return self._value

    def unwrap_or_else(self, f: Callable[[Never], object], /) -> T_co:
        """Return the ``Ok`` value, or ``f(error)`` for an ``Err`` (``f`` is called only then).

        >>> Ok(1).unwrap_or_else(len), Err("bad").unwrap_or_else(len)
        (1, 3)
        """
        return self._value

    def and_(self, res: _ResT, /) -> _ResT:
        """Return ``res`` if this is an ``Ok``, else this ``Err``: Rust's ``and``.

        Raises:
            TypeError: ``res`` is not a result (on both variants).

        >>> Ok(1).and_(Ok("a")), Ok(1).and_(Err("bad")), Err("first").and_(Ok("a"))
        (Ok('a'), Err('bad'), Err('first'))
        """
        cls = type(res)
        if cls is Ok or cls is Err:
            return res
        raise wrong_shape("Ok.and_()", "res must be Ok or Err", res)

    def and_then(self, f: Callable[[T_co], _ResT], /) -> _ResT:
        """Return ``f(value)`` for an ``Ok`` (``f`` returns a result: a flat map); an ``Err`` stays
        unchanged without calling ``f``.

        >>> half = lambda v: Ok(v // 2) if v % 2 == 0 else Err("odd")
        >>> Ok(4).and_then(half), Ok(3).and_then(half), Err("bad").and_then(half)
        (Ok(2), Err('odd'), Err('bad'))
        """
        return f(self._value)

    def or_(self, res: Ok[object] | Err[object], /) -> Ok[T_co]:
        """Return this result if it is an ``Ok``, else ``res``: Rust's ``or``.

        ``res`` is computed before the call; to compute it only when needed, use ``or_else``.

        Raises:
            TypeError: ``res`` is not a result (on both variants).

        >>> Ok(1).or_(Ok(2)), Err("bad").or_(Ok(2)), Err("bad").or_(Err("worse"))
        (Ok(1), Ok(2), Err('worse'))
        """
        cls = type(res)
        if cls is Ok or cls is Err:
            return self
        raise wrong_shape("Ok.or_()", "res must be Ok or Err", res)

    def or_else(self, f: Callable[[Never], Ok[object] | Err[object]], /) -> Ok[T_co]:
        """Return this result if it is an ``Ok``, else ``f(error)`` (``f`` returns a result; called
        only then).

        >>> Ok(1).or_else(lambda e: Ok(len(e))), Err("bad").or_else(lambda e: Ok(len(e)))
        (Ok(1), Ok(3))
        """
        return self

    def flatten(self: Ok[Ok[U] | Err[F]]) -> Ok[U] | Err[F]:
        """Remove one level of nesting: ``Ok(Ok(v))`` is ``Ok(v)``; ``Ok(Err(e))`` and ``Err(e)``
        are ``Err(e)``.

        Raises:
            TypeError: an ``Ok`` that does not hold a result (``Ok(3).flatten()``).

        >>> Ok(Ok(1)).flatten(), Ok(Err("bad")).flatten(), Err("bad").flatten()
        (Ok(1), Err('bad'), Err('bad'))
        """
        inner = self._value
        if type(inner) is Ok or type(inner) is Err:
            return inner
        raise wrong_shape("Ok.flatten()", "the held value must be Ok or Err", inner)

    def transpose(self: Ok[Some[U] | Nothing]) -> Some[Ok[U]] | Nothing:
        """Turn a result of an option into an option of a result.

        ``Ok(Some(v))`` becomes ``Some(Ok(v))``, ``Ok(Nothing())`` becomes ``Nothing()``, and
        ``Err(e)`` becomes ``Some(Err(e))``.

        Raises:
            TypeError: an ``Ok`` that does not hold an option (``Ok(3).transpose()``).

        >>> Ok(Some(1)).transpose(), Ok(Nothing()).transpose(), Err("bad").transpose()
        (Some(Ok(1)), Nothing(), Some(Err('bad')))
        """
        inner = self._value
        if type(inner) is Some:
            return Some(Ok(inner.value))
        if type(inner) is Nothing:
            return inner
        raise wrong_shape("Ok.transpose()", "the held value must be Some or Nothing", inner)


@final
class Err(_ResultVariant, Generic[E_co]):
    """A failure that holds an error: Rust's ``Err(E)``.

    Immutable: ``error`` is a read-only property and ``__slots__`` forbid new attributes.
    The slot behind it, ``_error``, is private. ``Err`` compares and hashes by value, and its
    repr evaluates back to an equal object (when the error's repr does).

    Truthiness follows the variant: every ``Err`` is falsy, even ``Err(1)``; ``__bool__``
    returns ``Literal[False]``, so ``if not res:`` narrows a ``Result[T, E]`` to ``Err[E]``
    for mypy and pyright. Its methods are documented on ``Ok``, with examples of both variants.

    >>> Err("boom")
    Err('boom')
    >>> Err("boom").error
    'boom'
    >>> bool(Err(1))
    False
    >>> match Err("boom"):
    ...     case Err(e):
    ...         print(e)
    boom
    """

    __slots__ = ("_error",)
    __match_args__ = ("error",)

    def __init__(self, error: E_co) -> None:
        self._error = error

    @property
    def error(self) -> E_co:
        """The held error.

        >>> Err("boom").error
        'boom'
        """
        return self._error

    def __init_subclass__(cls, **kwargs: object) -> NoReturn:
        raise TypeError("Err is final: Option and Result are closed tagged unions")

    def __repr__(self) -> str:
        return f"Err({self._error!r})"

    def __eq__(self, other: object) -> bool:
        if type(other) is Err:
            return self._error == cast("Err[object]", other)._error
        return NotImplemented  # another type (mock.ANY, ...) decides, else identity: False

    def __hash__(self) -> int:
        return hash((Err, self._error))

    def __bool__(self) -> Literal[False]:
        return False

    def __iter__(self) -> Iterator[Never]:
        return iter(())

    def iter(self) -> Iter[Never]:
        """Return an empty ``Iter`` (documented on ``Ok.iter``)."""
        from ._iter import empty  # deferred: _iter imports this module

        return empty()

    def __reduce__(self) -> tuple[type[Err[Any]], tuple[E_co]]:
        return (Err, (self._error,))

    def is_ok(self) -> Literal[False]:
        """Return ``False`` (documented on ``Ok.is_ok``)."""
        return False

    def is_ok_and(self, f: Callable[[Never], object], /) -> Literal[False]:
        """Return ``False`` without calling ``f`` (documented on ``Ok.is_ok_and``)."""
        return False

    def is_err(self) -> Literal[True]:
        """Return ``True`` (documented on ``Ok.is_err``)."""
        return True

    def is_err_and(self, f: Callable[[E_co], object], /) -> bool:
        """Return whether ``f(error)`` is true (documented on ``Ok.is_err_and``)."""
        return bool(f(self._error))

    def ok(self) -> Nothing:
        """Return ``Nothing()``, discarding the error (documented on ``Ok.ok``)."""
        return Nothing()

    def err(self) -> Some[E_co]:
        """Return ``Some(error)`` (documented on ``Ok.err``)."""
        return Some(self._error)

    def map(self, f: Callable[[Never], object], /) -> Err[E_co]:
        """Return the ``Err`` unchanged without calling ``f`` (documented on ``Ok.map``)."""
        return self

    def map_or(self, default: U, f: Callable[[Never], object], /) -> U:
        """Return ``default`` without calling ``f`` (documented on ``Ok.map_or``)."""
        return default

    def map_or_else(self, default: Callable[[E_co], U], f: Callable[[Never], object], /) -> U:
        """Return ``default(error)`` without calling ``f`` (documented on ``Ok.map_or_else``)."""
        return default(self._error)

    def map_err(self, f: Callable[[E_co], F], /) -> Err[F]:
        """Return ``Err(f(error))`` (documented on ``Ok.map_err``)."""
        return Err(f(self._error))

    def inspect(self, f: Callable[[Never], object], /) -> Err[E_co]:
        """Return the ``Err`` unchanged without calling ``f`` (documented on ``Ok.inspect``)."""
        return self

    def inspect_err(self, f: Callable[[E_co], object], /) -> Err[E_co]:
        """Call ``f(error)``, return the ``Err`` (documented on ``Ok.inspect_err``)."""
        f(self._error)
        return self

    def expect(self, msg: str, /) -> NoReturn:
        """Raise ``UnwrapError(f"{msg}: {error!r}")`` (documented on ``Ok.expect``)."""
        error = self._error
        if isinstance(error, BaseException):
            raise UnwrapError(f"{msg}: {error!r}", self) from error
        raise UnwrapError(f"{msg}: {error!r}", self)

    def unwrap(self) -> NoReturn:
        """Raise ``UnwrapError``: there is no value (documented on ``Ok.unwrap``)."""
        error = self._error
        if isinstance(error, BaseException):
            raise UnwrapError(f"called unwrap() on {self!r}", self) from error
        raise UnwrapError(f"called unwrap() on {self!r}", self)

    def expect_err(self, msg: str, /) -> E_co:
        """Return the error (documented on ``Ok.expect_err``)."""
        return self._error

    def unwrap_err(self) -> E_co:
        """Return the error (documented on ``Ok.unwrap_err``)."""
        return self._error

    def unwrap_or(self, default: U, /) -> U:
        """Return ``default``, discarding the error (documented on ``Ok.unwrap_or``)."""
        return default

    def unwrap_or_else(self, f: Callable[[E_co], U], /) -> U:
        """Return ``f(error)`` (documented on ``Ok.unwrap_or_else``)."""
        return f(self._error)

    def and_(self, res: Ok[object] | Err[object], /) -> Err[E_co]:
        """Return the ``Err``, ignoring ``res`` (documented on ``Ok.and_``)."""
        cls = type(res)
        if cls is Ok or cls is Err:
            return self
        raise wrong_shape("Err.and_()", "res must be Ok or Err", res)

    def and_then(self, f: Callable[[Never], Ok[object] | Err[object]], /) -> Err[E_co]:
        """Return the ``Err`` without calling ``f`` (documented on ``Ok.and_then``)."""
        return self

    def or_(self, res: _ResT, /) -> _ResT:
        """Return ``res`` (documented on ``Ok.or_``)."""
        cls = type(res)
        if cls is Ok or cls is Err:
            return res
        raise wrong_shape("Err.or_()", "res must be Ok or Err", res)

    def or_else(self, f: Callable[[E_co], _ResT], /) -> _ResT:
        """Return ``f(error)`` (documented on ``Ok.or_else``)."""
        return f(self._error)

    def flatten(self) -> Err[E_co]:
        """Return the ``Err`` unchanged (documented on ``Ok.flatten``)."""
        return self

    def transpose(self) -> Some[Err[E_co]]:
        """Return ``Some(self)`` (documented on ``Ok.transpose``)."""
        return Some(self)


@final
class _ResultAlias:
    """What ``Result`` is at runtime: ``Result[T, E]`` returns ``typing.Union[Ok[T], Err[E]]``.

    Type checkers see the plain alias. At runtime a small object stands in for it, because
    subscribing a union alias whose type variable has a default (``Result[int]``) fails on
    Python 3.10 (``KeyError``) and 3.13.0 (``TypeError``); this object applies the default
    itself. Other attributes and ``|`` are those of the unsubscripted union alias.

    >>> Result[int]
    typing.Union[itero._result.Ok[int], itero._result.Err[Exception]]
    >>> Result[int, str] == Union[Ok[int], Err[str]]
    True
    """

    __slots__ = ("_union",)

    def __init__(self, union: Any) -> None:
        self._union = union

    def __getitem__(self, params: object) -> Any:
        args = cast("tuple[object, ...]", params) if isinstance(params, tuple) else (params,)
        if len(args) == 1:
            args = (args[0], Exception)
        if len(args) != 2:
            raise TypeError(
                f"Result takes 1 or 2 type arguments (Result[T] or Result[T, E]), got {len(args)}"
            )
        union: Any = Union
        ok: Any = Ok
        err: Any = Err
        return union[ok[args[0]], err[args[1]]]

    def __getattr__(self, name: str) -> Any:
        if name == "_union":  # not set yet (an uninitialised copy): no recursion
            raise AttributeError(name)
        return getattr(self._union, name)

    def __or__(self, other: object) -> Any:
        return self._union | other

    def __ror__(self, other: object) -> Any:
        return other | self._union

    def __repr__(self) -> str:
        return "itero.Result"


if TYPE_CHECKING:
    Result: TypeAlias = Union[Ok[T_co], Err[_E_default]]
    """``Ok[T] | Err[E]``; ``Result[T]`` means ``Result[T, Exception]``."""
else:
    Result = _ResultAlias(Union[Ok[T_co], Err[_E_default]])


def is_ok(result: Ok[T] | Err[E], /) -> TypeIs[Ok[T]]:
    """Return whether ``result`` is an ``Ok``; narrows its type for mypy and pyright.

    >>> r = Ok(3)
    >>> if is_ok(r):
    ...     print(r.value)
    3
    """
    return type(result) is Ok


def is_err(result: Ok[T] | Err[E], /) -> TypeIs[Err[E]]:
    """Return whether ``result`` is an ``Err``; narrows its type for mypy and pyright.

    >>> is_err(Err("bad"))
    True
    >>> is_err(Ok(1))
    False
    """
    return type(result) is Err


def _exception_types(
    where: str, exception_types: tuple[object, ...]
) -> tuple[type[Exception], ...]:
    """Validate the exception types given to ``catch``/``catch_call``."""
    if not exception_types:
        raise TypeError(f"{where} needs at least one exception type, e.g. ValueError")
    checked: list[type[Exception]] = []
    for tp in exception_types:
        if isinstance(tp, tuple) and where == "catch()":
            raise TypeError(f"catch() takes exception classes as separate arguments, got {tp!r}")
        if not isinstance(tp, type) or not issubclass(tp, BaseException):
            raise TypeError(f"{where} takes exception classes, got {tp!r}")
        if not issubclass(tp, Exception):
            raise TypeError(
                f"{where} takes Exception subclasses, got {tp.__name__}: "
                "BaseException types such as KeyboardInterrupt and SystemExit always propagate"
            )
        checked.append(tp)
    return tuple(checked)


@overload
def catch(e1: type[E1], /) -> Callable[[Callable[P, T]], Callable[P, Ok[T] | Err[E1]]]: ...
@overload
def catch(
    e1: type[E1], e2: type[E2], /
) -> Callable[[Callable[P, T]], Callable[P, Ok[T] | Err[E1 | E2]]]: ...
@overload
def catch(
    e1: type[E1], e2: type[E2], e3: type[E3], /
) -> Callable[[Callable[P, T]], Callable[P, Ok[T] | Err[E1 | E2 | E3]]]: ...
@overload
def catch(
    e1: type[Exception], /, *more: type[Exception]
) -> Callable[[Callable[P, T]], Callable[P, Ok[T] | Err[Exception]]]: ...
def catch(
    *exception_types: type[Exception],
) -> Callable[[Callable[P, T]], Callable[P, Ok[T] | Err[Any]]]:
    """Decorate a function so that it returns ``Ok(result)`` or ``Err(exception)``.

    Only the listed exception types (and their subclasses) become ``Err``; any other
    exception propagates unchanged. ``KeyboardInterrupt``, ``SystemExit`` and other
    non-``Exception`` types always propagate, so passing them (or ``BaseException``) is a
    ``TypeError``. The decorated function keeps its parameter types.

    Args:
        *exception_types: one or more ``Exception`` subclasses.

    Raises:
        TypeError: no exception type, or something that is not an ``Exception`` subclass.

    >>> @catch(ValueError)
    ... def parse(text: str) -> int:
    ...     return int(text)
    >>> parse("12")
    Ok(12)
    >>> parse("twelve")
    Err(ValueError("invalid literal for int() with base 10: 'twelve'"))
    """
    types = _exception_types("catch()", exception_types)

    def decorator(f: Callable[P, T], /) -> Callable[P, Ok[T] | Err[Any]]:
        @functools.wraps(f)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> Ok[T] | Err[Any]:
            try:
                return Ok(f(*args, **kwargs))
            except types as exc:
                return Err(exc)

        return wrapper

    return decorator


@overload
def catch_call(
    exceptions: type[E1] | tuple[type[E1]],
    f: Callable[P, T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Ok[T] | Err[E1]: ...
@overload
def catch_call(
    exceptions: tuple[type[E1], type[E2]],
    f: Callable[P, T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Ok[T] | Err[E1 | E2]: ...
@overload
def catch_call(
    exceptions: tuple[type[E1], type[E2], type[E3]],
    f: Callable[P, T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Ok[T] | Err[E1 | E2 | E3]: ...
@overload
def catch_call(
    exceptions: tuple[type[Exception], ...],
    f: Callable[P, T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Ok[T] | Err[Exception]: ...
def catch_call(
    exceptions: type[Exception] | tuple[type[Exception], ...],
    f: Callable[P, T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> Ok[T] | Err[Any]:
    """Call ``f(*args, **kwargs)`` once, returning ``Ok(result)`` or ``Err(exception)``.

    The inline form of ``catch``. ``exceptions`` comes first, as in an ``except`` clause (a
    class or a tuple of classes), because Python does not allow a keyword-only parameter
    between ``*args`` and ``**kwargs`` typed with a ``ParamSpec``; this keeps ``f``'s
    parameter types checked. The same rules as ``catch`` apply.

    Raises:
        TypeError: no exception type, or something that is not an ``Exception`` subclass.

    >>> catch_call(ValueError, int, "12")
    Ok(12)
    >>> catch_call((ValueError, KeyError), {"a": 1}.__getitem__, "b")
    Err(KeyError('b'))
    """
    types = _exception_types(
        "catch_call()", exceptions if isinstance(exceptions, tuple) else (exceptions,)
    )
    try:
        return Ok(f(*args, **kwargs))
    except types as exc:
        return Err(exc)


# Imported last: _option imports this module too.
from ._option import Nothing, Some, wrong_shape  # noqa: E402
