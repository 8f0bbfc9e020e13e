"""Result: ``Ok(value) | Err(error)``, Rust's ``Result<T, E>`` as a tagged union."""

from __future__ import annotations

from typing import Generic, TypeVar, Union, final

from typing_extensions import TypeAlias

T_co = TypeVar("T_co", covariant=True)
E_co = TypeVar("E_co", covariant=True)


@final
class Ok(Generic[T_co]):
    """A success that holds a value.

    >>> Ok(1)
    Ok(1)
    """

    __slots__ = ("_value",)
    __match_args__ = ("value",)

    def __init__(self, value: T_co) -> None:
        self._value = value

    @property
    def value(self) -> T_co:
        """The held value."""
        return self._value

    def __repr__(self) -> str:
        return f"Ok({self._value!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ok) and self._value == other._value

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((Ok, self._value))


@final
class Err(Generic[E_co]):
    """A failure that holds an error.

    >>> Err("boom")
    Err('boom')
    """

    __slots__ = ("_error",)
    __match_args__ = ("error",)

    def __init__(self, error: E_co) -> None:
        self._error = error

    @property
    def error(self) -> E_co:
        """The held error."""
        return self._error

    def __repr__(self) -> str:
        return f"Err({self._error!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Err) and self._error == other._error

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((Err, self._error))


Result: TypeAlias = Union[Ok[T_co], Err[E_co]]
"""``Ok[T] | Err[E]``."""
