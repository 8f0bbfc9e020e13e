"""Tests of ``itero._checks``: one argument check per kind, each naming what it rejects.

Messages have one form, ``"<name> must be <what>, got <what it got>"``; a check returns the
value it accepted (as a float for ``check_number``, capped for ``check_count``).
"""

from __future__ import annotations

import enum
import math
import re
import sys
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, strategies as st

from itero._checks import (
    check_callable,
    check_count,
    check_int,
    check_number,
    check_optional_callable,
)


class Small(enum.IntEnum):
    TWO = 2


def raises(error: type[Exception], message: str) -> Any:
    return pytest.raises(error, match=f"^{re.escape(message)}$")


class TestCheckCallable:
    @pytest.mark.parametrize("value", [len, lambda: 0, int, print, object().__str__, Small])
    def test_accepts_callables(self, value: object) -> None:
        check_callable(value, "f")

    @pytest.mark.parametrize(
        ("value", "got"), [(None, "NoneType"), (3, "int"), ("len", "str"), ([len], "list")]
    )
    def test_rejects_the_rest_naming_the_argument(self, value: object, got: str) -> None:
        with raises(TypeError, f"key must be callable, got {got}"):
            check_callable(value, "key")


class TestCheckOptionalCallable:
    @pytest.mark.parametrize("value", [None, len, lambda: 0])
    def test_accepts_none_and_callables(self, value: object) -> None:
        check_optional_callable(value, "on_close")

    @pytest.mark.parametrize(("value", "got"), [(3, "int"), ("len", "str")])
    def test_rejects_the_rest_naming_the_argument(self, value: object, got: str) -> None:
        with raises(TypeError, f"on_close must be callable or None, got {got}"):
            check_optional_callable(value, "on_close")


class TestCheckInt:
    def test_returns_the_value(self) -> None:
        assert check_int(5, "n", 1) == 5

    def test_minimum_is_inclusive(self) -> None:
        assert check_int(0, "n", 0) == 0
        assert check_int(-3, "n", -3) == -3
        with raises(ValueError, "n must be >= 0, got -1"):
            check_int(-1, "n", 0)
        with raises(ValueError, "size must be >= 1, got 0"):
            check_int(0, "size", 1)

    def test_int_subclasses_other_than_bool_are_ints(self) -> None:
        assert check_int(Small.TWO, "n", 1) is Small.TWO

    @pytest.mark.parametrize(
        ("value", "got"),
        [
            (True, "bool"),
            (False, "bool"),
            (1.0, "float"),
            ("1", "str"),
            (None, "NoneType"),
            (Fraction(1), "Fraction"),
        ],
    )
    def test_rejects_non_ints_and_bools(self, value: object, got: str) -> None:
        with raises(TypeError, f"burst must be an int, got {got}"):
            check_int(value, "burst", 0)

    def test_huge_ints_pass_uncapped(self) -> None:
        assert check_int(2**100, "n", 0) == 2**100

    @given(st.integers(), st.integers(-5, 5))
    def test_accepts_exactly_the_ints_at_or_above_minimum(self, value: int, minimum: int) -> None:
        if value >= minimum:
            assert check_int(value, "n", minimum) == value
        else:
            with raises(ValueError, f"n must be >= {minimum}, got {value}"):
                check_int(value, "n", minimum)


class TestCheckCount:
    def test_caps_at_maxsize(self) -> None:
        assert check_count(2**70, "n", 0) == sys.maxsize
        assert check_count(sys.maxsize, "n", 0) == sys.maxsize
        assert check_count(sys.maxsize - 1, "n", 0) == sys.maxsize - 1

    def test_small_values_unchanged(self) -> None:
        assert check_count(0, "n", 0) == 0
        assert check_count(7, "n", 1) == 7

    def test_checks_like_check_int(self) -> None:
        with raises(TypeError, "n must be an int, got bool"):
            check_count(True, "n", 0)
        with raises(ValueError, "n must be >= 1, got 0"):
            check_count(0, "n", 1)


class TestCheckNumber:
    @pytest.mark.parametrize("value", [1, 2.5, 1e-300, 10**6])
    def test_returns_a_float(self, value: float) -> None:
        got = check_number(value, "per_second")
        assert type(got) is float
        assert got == value

    def test_zero_only_when_not_positive(self) -> None:
        assert check_number(0, "deadline", positive=False) == 0.0
        assert type(check_number(0, "deadline", positive=False)) is float
        with raises(ValueError, "per_second must be positive and finite, got 0"):
            check_number(0, "per_second")
        with raises(ValueError, "deadline must be non-negative and finite, got -0.5"):
            check_number(-0.5, "deadline", positive=False)

    @pytest.mark.parametrize("value", [-1, -0.001, math.inf, -math.inf, math.nan])
    @pytest.mark.parametrize("positive", [True, False])
    def test_rejects_negative_and_non_finite(self, value: float, positive: bool) -> None:
        what = "positive and finite" if positive else "non-negative and finite"
        with raises(ValueError, f"x must be {what}, got {value}"):
            check_number(value, "x", positive=positive)

    @pytest.mark.parametrize(
        ("value", "got"),
        [
            (None, "NoneType"),
            (True, "bool"),
            ("1", "str"),
            (Fraction(1, 2), "Fraction"),
            (1j, "complex"),
        ],
    )
    def test_rejects_non_numbers(self, value: object, got: str) -> None:
        with raises(TypeError, f"rate must be a number, got {got}"):
            check_number(value, "rate")

    def test_int_subclasses_are_numbers(self) -> None:
        assert check_number(Small.TWO, "n") == 2.0
