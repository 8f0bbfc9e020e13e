"""Argument checks, one function per kind of argument, each naming the argument it rejects.

Every public entry point validates its arguments at the call (not at the first pull), with
these; the messages have one form: ``"<name> must be <what>, got <what it got>"``.
"""

from __future__ import annotations

import math
import sys
from typing import Any

__all__ = [
    "check_bool",
    "check_callable",
    "check_count",
    "check_int",
    "check_number",
    "check_optional_callable",
    "check_real",
    "check_str",
]

_MAXSIZE = sys.maxsize


def check_callable(value: object, name: str) -> None:
    """Raise ``TypeError`` unless ``value`` is callable.

    >>> check_callable(len, "f")
    >>> check_callable(None, "f")
    Traceback (most recent call last):
        ...
    TypeError: f must be callable, got NoneType
    """
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {type(value).__name__}")


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is a bool; else raise naming the argument ``name``.

    >>> check_bool(1, "ordered")
    Traceback (most recent call last):
        ...
    TypeError: ordered must be a bool, got int
    """
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return value


def check_str(value: object, name: str) -> None:
    """Raise ``TypeError`` unless ``value`` is a str.

    >>> check_str(", ", "sep")
    >>> check_str(None, "sep")
    Traceback (most recent call last):
        ...
    TypeError: sep must be a str, got NoneType
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")


def check_optional_callable(value: object, name: str) -> None:
    """Raise ``TypeError`` unless ``value`` is None or callable (an optional hook).

    >>> check_optional_callable(None, "on_close")
    >>> check_optional_callable(3, "on_close")
    Traceback (most recent call last):
        ...
    TypeError: on_close must be callable or None, got int
    """
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be callable or None, got {type(value).__name__}")


def check_int(value: object, name: str, minimum: int) -> int:
    """Return ``value`` if it is an int >= ``minimum``; else raise naming the argument ``name``.

    A bool is rejected: ``True`` as a count or byte size is a bug, not a value.

    >>> check_int(3, "burst", 1)
    3
    >>> check_int(True, "burst", 1)
    Traceback (most recent call last):
        ...
    TypeError: burst must be an int, got bool
    >>> check_int(0, "burst", 1)
    Traceback (most recent call last):
        ...
    ValueError: burst must be >= 1, got 0
    """
    if type(value) is not int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_real(value: object, name: str, *, integer: bool = False) -> Any:
    """Return ``value`` if it is an int or a float (only an int with ``integer``), never a bool.

    For arguments with no range to check (``count``'s ``start`` and ``step``, ``enumerate``'s
    ``start``).

    >>> check_real(2.5, "start")
    2.5
    >>> check_real(True, "start")
    Traceback (most recent call last):
        ...
    TypeError: start must be an int or a float, got bool
    >>> check_real(2.5, "start", integer=True)
    Traceback (most recent call last):
        ...
    TypeError: start must be an int, got float
    """
    kinds = (int,) if integer else (int, float)
    if not isinstance(value, kinds) or isinstance(value, bool):
        what = "an int" if integer else "an int or a float"
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    return value


def check_count(value: object, name: str, minimum: int) -> int:
    """``check_int``, then capped at ``sys.maxsize`` (the most ``islice``/``repeat`` accept).

    No iterator yields more items than that, so the cap changes no result.

    >>> check_count(2**70, "n", 0) == sys.maxsize
    True
    """
    return min(check_int(value, name, minimum), _MAXSIZE)


def check_number(value: object, name: str, *, positive: bool = True) -> float:
    """Return ``value`` as a float if it is a finite (and, by default, positive) real number.

    >>> check_number(2, "per_second")
    2.0
    >>> check_number(float("nan"), "per_second")
    Traceback (most recent call last):
        ...
    ValueError: per_second must be positive and finite, got nan
    >>> check_number(None, "deadline")
    Traceback (most recent call last):
        ...
    TypeError: deadline must be a number, got NoneType
    """
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    v: Any = value
    if not math.isfinite(v) or (v <= 0 if positive else v < 0):
        what = "positive and finite" if positive else "non-negative and finite"
        raise ValueError(f"{name} must be {what}, got {value}")
    return float(v)
