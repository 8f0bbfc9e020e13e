"""Option: ``Some(value) | Nothing()``, Rust's ``Option<T>`` as a tagged union."""

from __future__ import annotations

from typing import Any, Generic, TypeVar, Union, final

from typing_extensions import TypeAlias

T_co = TypeVar("T_co", covariant=True)


@final
class Some(Generic[T_co]):
    """An option that holds a value.

    >>> Some(1)
    Some(1)
    >>> Some(1).value
    1
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
        return f"Some({self._value!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Some) and self._value == other._value

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((Some, self._value))


@final
class Nothing:
    """The empty option. ``Nothing()`` is a singleton.

    >>> Nothing()
    Nothing()
    >>> Nothing() is Nothing()
    True
    """

    __slots__ = ()
    __match_args__ = ()
    _instance: Nothing

    def __new__(cls) -> Nothing:
        return _NOTHING

    def __repr__(self) -> str:
        return "Nothing()"

    def __reduce__(self) -> Any:
        return (Nothing, ())


_NOTHING: Nothing = object.__new__(Nothing)

Option: TypeAlias = Union[Some[T_co], Nothing]
"""``Some[T] | Nothing``."""
