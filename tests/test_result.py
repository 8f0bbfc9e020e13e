"""Tests for Result (``Ok`` / ``Err``), ``catch`` and ``catch_call``, against Rust's semantics."""

from __future__ import annotations

import copy
import pickle
import traceback
from collections.abc import Callable
from typing import Any, TypeVar, Union, get_args, get_type_hints
from unittest import mock

import pytest
from hypothesis import given, strategies as st

from _helpers import Boom, int_functions, must_not_be_called, raise_boom, untyped
from itero import (
    Err,
    Nothing,
    Ok,
    Option,
    Result,
    Some,
    UnwrapError,
    catch,
    catch_call,
    is_err,
    is_ok,
    strategies as itero_st,
)

ints = st.integers(min_value=-1000, max_value=1000)
results: st.SearchStrategy[Result[int, str]] = itero_st.results(ints, st.text(max_size=5))
payloads = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.tuples(inner, inner) | st.builds(Ok, inner) | st.builds(Err, inner),
    max_leaves=5,
)

RESULT_FUNCTIONS: list[Callable[[int], Result[int, str]]] = [
    lambda x: Ok(x + 1),
    lambda x: Err("no"),
    lambda x: Ok(x // 2) if x % 2 == 0 else Err(f"{x} is odd"),
    lambda x: Ok(-x) if x > 0 else Err("not positive"),
]
result_functions = st.sampled_from(RESULT_FUNCTIONS)


def failing_lookup() -> KeyError:
    """Raise and catch a KeyError, so that it carries a traceback."""
    data: dict[str, int] = {}
    try:
        data["missing"]
    except KeyError as exc:
        return exc
    raise AssertionError("unreachable")


class TestConstruction:
    def test_values(self) -> None:
        assert Ok(1).value == 1
        assert Err("bad").error == "bad"

    def test_generic_subscription_works_at_runtime(self) -> None:
        assert Ok[int](1) == Ok(1)
        assert Err[str]("x") == Err("x")


class TestResultAliasAtRuntime:
    alias: Any = Result

    def test_two_arguments_give_the_union(self) -> None:
        assert self.alias[int, str] == Union[Ok[int], Err[str]]

    def test_one_argument_defaults_the_error_to_exception(self) -> None:
        assert self.alias[int] == Union[Ok[int], Err[Exception]]
        assert self.alias[int] != self.alias[int, str]

    def test_type_variables_stay_substitutable(self) -> None:
        t = TypeVar("t")
        assert self.alias[t, str][int] == self.alias[int, str]
        assert self.alias[t][int] == self.alias[int]

    def test_other_arities_are_a_type_error(self) -> None:
        message = r"^Result takes 1 or 2 type arguments \(Result\[T\] or Result\[T, E\]\), got "
        with pytest.raises(TypeError, match=message + "3$"):
            self.alias[int, str, bytes]
        with pytest.raises(TypeError, match=message + "0$"):
            self.alias[()]

    def test_union_with_none_and_evaluated_annotations(self) -> None:
        def f(x: Result[int], y: Result[int, str] | None) -> None:
            pass

        hints = get_type_hints(f, localns={"Result": Result})
        assert hints["x"] == Union[Ok[int], Err[Exception]]
        assert hints["y"] == Union[Ok[int], Err[str], None]
        assert set(get_args(self.alias | None)) >= {type(None)}

    def test_repr(self) -> None:
        assert repr(Result) == "itero.Result"

    def test_other_attributes_are_the_union_alias_s(self) -> None:
        assert self.alias.__origin__ is Union
        assert [a.__origin__ for a in self.alias.__args__] == [Ok, Err]
        with pytest.raises(AttributeError):
            self.alias.no_such_attribute  # noqa: B018

    def test_or_from_both_sides(self) -> None:
        assert set(get_args(self.alias | None)) == set(get_args(None | self.alias))
        assert type(None) in get_args(None | self.alias)

    def test_copies_work(self) -> None:
        for copied in (copy.copy(self.alias), copy.deepcopy(self.alias)):
            assert copied[int, str] == Union[Ok[int], Err[str]]
            assert repr(copied) == "itero.Result"

    def test_an_uninitialised_copy_does_not_recurse(self) -> None:
        empty: Any = object.__new__(type(self.alias))
        with pytest.raises(AttributeError):
            empty.__origin__  # noqa: B018


class TestVariantsAreFinal:
    def test_variants_are_final(self) -> None:
        with pytest.raises(TypeError, match=r"^Ok is final: Option and Result are closed"):
            type("Sub", (Ok,), {})
        with pytest.raises(TypeError, match=r"^Err is final: Option and Result are closed"):
            type("Sub", (Err,), {})


class TestImmutability:
    def test_value_and_error_are_read_only(self) -> None:
        with pytest.raises(AttributeError):
            Ok(1).value = 2  # type: ignore[misc]
        with pytest.raises(AttributeError):
            Err(1).error = 2  # type: ignore[misc]

    def test_no_new_attributes(self) -> None:
        with pytest.raises(AttributeError):
            Ok(1).other = 2  # type: ignore[attr-defined]
        with pytest.raises(AttributeError):
            Err(1).other = 2  # type: ignore[attr-defined]
        assert not hasattr(Ok(1), "__dict__")
        assert not hasattr(Err(1), "__dict__")

    def test_class_cannot_be_swapped(self) -> None:
        class OkTwin:  # the same slots as Ok
            __slots__ = ("_value",)

        class ErrTwin:
            __slots__ = ("_error",)

        ok: Any = Ok(1)
        for other in (Some, Err, OkTwin, Nothing):
            with pytest.raises(TypeError, match="__class__ assignment"):
                ok.__class__ = other
        err: Any = Err(1)
        for target in (Ok, Some, ErrTwin, Nothing):
            with pytest.raises(TypeError, match="__class__ assignment"):
                err.__class__ = target
        assert (type(ok), type(err)) == (Ok, Err)
        twins: list[tuple[Any, type]] = [(OkTwin(), Ok), (ErrTwin(), Err)]
        for twin, variant in twins:
            with pytest.raises(TypeError, match="__class__ assignment"):
                twin.__class__ = variant


class TestEquality:
    def test_value_equality(self) -> None:
        assert Ok(1) == Ok(1)
        assert Ok(1) != Ok(2)
        assert Err("a") == Err("a")
        assert Err("a") != Err("b")

    def test_variants_and_other_types_differ(self) -> None:
        assert Ok(1) != Err(1)
        assert Err(1) != Ok(1)
        assert Ok(1) != Some(1)
        assert Ok(1) != 1
        assert Err(None) != Nothing()

    @given(results, results)
    def test_hash_is_consistent_with_equality(
        self, a: Result[int, str], b: Result[int, str]
    ) -> None:
        if a == b:
            assert hash(a) == hash(b)
        same_variant = type(a) is type(b)
        assert (a == b) == (same_variant and list(a) == list(b) and a.err() == b.err())

    def test_equal_numbers_hash_alike(self) -> None:
        assert hash(Ok(1)) == hash(Ok(1.0))
        assert hash(Err(1)) == hash(Err(True))
        assert len({Ok(1), Ok(1.0), Err(1), Err(1)}) == 2

    def test_hash_depends_on_the_value_and_the_variant(self) -> None:
        assert len({hash(Ok(n)) for n in range(100)}) == 100
        assert len({hash(Err(n)) for n in range(100)}) == 100
        assert hash(Ok(1)) != hash(Err(1))
        assert hash(Ok(1)) != hash(Some(1))

    def test_foreign_types_decide_equality(self) -> None:
        assert Ok(1) == mock.ANY
        assert Err("e") == mock.ANY
        assert not (Ok(1) != mock.ANY)
        assert not (Err("e") != mock.ANY)
        assert [Ok(1), Err("e")] == [mock.ANY, mock.ANY]

    def test_eq_returns_not_implemented_for_other_types(self) -> None:
        for r in (Ok(1), Err(1)):
            assert r.__eq__(1) is NotImplemented
            assert r.__eq__(Some(1)) is NotImplemented
            assert r.__ne__(1) is NotImplemented
        assert Ok(1).__eq__(Err(1)) is NotImplemented
        assert Err(1).__eq__(Ok(1)) is NotImplemented


class TestRepr:
    def test_repr(self) -> None:
        assert repr(Ok(1)) == "Ok(1)"
        assert repr(Err("bad")) == "Err('bad')"
        assert repr(Err(ValueError("x"))) == "Err(ValueError('x'))"

    @given(payloads)
    def test_repr_evaluates_back(self, payload: object) -> None:
        namespace = {"Ok": Ok, "Err": Err}
        assert eval(repr(Ok(payload)), namespace) == Ok(payload)
        assert eval(repr(Err(payload)), namespace) == Err(payload)


class TestPicklingAndCopy:
    @given(results, st.integers(min_value=0, max_value=pickle.HIGHEST_PROTOCOL))
    def test_pickle_round_trip(self, result: Result[int, str], protocol: int) -> None:
        assert pickle.loads(pickle.dumps(result, protocol=protocol)) == result

    def test_copy_shares_and_deepcopy_copies_the_payload(self) -> None:
        inner = [1]
        ok, err = Ok(inner), Err(inner)
        assert copy.copy(ok).value is inner
        assert copy.copy(err).error is inner
        deep_ok, deep_err = copy.deepcopy(ok), copy.deepcopy(err)
        assert deep_ok == ok and deep_ok.value is not inner
        assert deep_err == err and deep_err.error is not inner


class TestTruthiness:
    def test_ok_is_truthy_even_with_a_falsy_value(self) -> None:
        assert bool(Ok(0)) is True
        assert bool(Ok(None)) is True

    def test_err_is_falsy_even_with_a_truthy_error(self) -> None:
        assert bool(Err(1)) is False
        assert bool(Err(ValueError())) is False

    @given(results)
    def test_truthiness_matches_is_ok(self, result: Result[int, str]) -> None:
        assert bool(result) is result.is_ok()


class TestPatternMatching:
    @staticmethod
    def describe(result: Result[int, str]) -> str:
        match result:
            case Ok(v):
                return f"ok {v}"
            case Err(e):
                return f"err {e}"

    def test_match(self) -> None:
        assert self.describe(Ok(1)) == "ok 1"
        assert self.describe(Err("x")) == "err x"
        assert Ok.__match_args__ == ("value",)
        assert Err.__match_args__ == ("error",)


class TestIteration:
    def test_ok_yields_its_value_once(self) -> None:
        assert list(Ok(1)) == [1]

    def test_err_yields_nothing(self) -> None:
        assert list(Err("bad")) == []


class TestIsOk:
    def test_methods(self) -> None:
        assert Ok(-3).is_ok() is True
        assert Err("Some error message").is_ok() is False

    def test_function(self) -> None:
        assert is_ok(Ok(None)) is True
        assert is_ok(Err(None)) is False


class TestIsErr:
    def test_methods(self) -> None:
        assert Ok(-3).is_err() is False
        assert Err("Some error message").is_err() is True

    def test_function(self) -> None:
        assert is_err(Err(None)) is True
        assert is_err(Ok(None)) is False


class TestIsOkAnd:
    def test_rust_examples(self) -> None:
        assert Ok(2).is_ok_and(lambda x: x > 1) is True
        assert Ok(0).is_ok_and(lambda x: x > 1) is False
        assert Err("hey").is_ok_and(must_not_be_called) is False


class TestIsErrAnd:
    def test_rust_examples(self) -> None:
        assert Err(KeyError("x")).is_err_and(lambda e: isinstance(e, KeyError)) is True
        assert Err(ValueError("x")).is_err_and(lambda e: isinstance(e, KeyError)) is False
        assert Ok(123).is_err_and(must_not_be_called) is False


class TestOk:
    def test_rust_examples(self) -> None:
        assert Ok(2).ok() == Some(2)
        assert Err("Nothing here").ok() == Nothing()

    @given(ints)
    def test_round_trip_through_option(self, value: int) -> None:
        assert Ok(value).ok().ok_or("missing") == Ok(value)


class TestErr:
    def test_rust_examples(self) -> None:
        assert Ok(2).err() == Nothing()
        assert Err("Nothing here").err() == Some("Nothing here")

    @given(st.text(max_size=5))
    def test_round_trip_through_option(self, error: str) -> None:
        assert Err(error).err().ok_or(0) == Ok(error)


class TestMap:
    def test_rust_examples(self) -> None:
        assert Ok("12").map(int) == Ok(12)
        assert Err("bad").map(must_not_be_called) == Err("bad")

    @given(results)
    def test_identity_law(self, result: Result[int, str]) -> None:
        assert result.map(lambda v: v) == result

    @given(results, int_functions, int_functions)
    def test_composition_law(
        self, result: Result[int, str], f: Callable[[int], int], g: Callable[[int], int]
    ) -> None:
        assert result.map(f).map(g) == result.map(lambda v: g(f(v)))

    def test_callback_exception_propagates(self) -> None:
        with pytest.raises(Boom):
            Ok(1).map(raise_boom)


class TestMapOr:
    def test_rust_examples(self) -> None:
        assert Ok("foo").map_or(42, len) == 3
        assert Err("bar").map_or(42, must_not_be_called) == 42

    @given(results, ints, int_functions)
    def test_equals_map_then_unwrap_or(
        self, result: Result[int, str], default: int, f: Callable[[int], int]
    ) -> None:
        assert result.map_or(default, f) == result.map(f).unwrap_or(default)


class TestMapOrElse:
    def test_rust_examples(self) -> None:
        k = 21
        assert Ok("foo").map_or_else(must_not_be_called, len) == 3
        assert Err("bar").map_or_else(lambda e: k * 2, must_not_be_called) == 42

    def test_default_receives_the_error(self) -> None:
        assert Err("bar").map_or_else(str.upper, must_not_be_called) == "BAR"


class TestMapErr:
    def test_rust_examples(self) -> None:
        assert Ok(2).map_err(must_not_be_called) == Ok(2)
        assert Err(13).map_err(lambda e: f"error code: {e}") == Err("error code: 13")

    @given(results)
    def test_identity_law(self, result: Result[int, str]) -> None:
        assert result.map_err(lambda e: e) == result


class TestInspect:
    def test_ok_calls_back_and_returns_self(self) -> None:
        seen: list[int] = []
        ok = Ok(4)
        assert ok.inspect(seen.append) is ok
        assert seen == [4]

    def test_err_does_not_call_back(self) -> None:
        err = Err("x")
        assert err.inspect(must_not_be_called) is err


class TestInspectErr:
    def test_err_calls_back_and_returns_self(self) -> None:
        seen: list[str] = []
        err = Err("x")
        assert err.inspect_err(seen.append) is err
        assert seen == ["x"]

    def test_ok_does_not_call_back(self) -> None:
        ok = Ok(4)
        assert ok.inspect_err(must_not_be_called) is ok


class TestExpect:
    def test_ok_returns_value(self) -> None:
        assert Ok(2).expect("Testing expect") == 2

    def test_err_raises_with_message_and_error(self) -> None:
        with pytest.raises(UnwrapError) as info:
            Err("emergency failure").expect("Testing expect")
        assert str(info.value) == "Testing expect: 'emergency failure'"
        assert info.value.unwrapped == Err("emergency failure")
        assert info.value.__cause__ is None

    def test_exception_error_becomes_the_cause(self) -> None:
        error = failing_lookup()
        with pytest.raises(UnwrapError) as info:
            Err(error).expect("need the key")
        assert info.value.__cause__ is error
        assert str(info.value) == "need the key: KeyError('missing')"
        assert info.value.unwrapped == Err(error)
        assert untyped(info.value.unwrapped).error is error


class TestUnwrap:
    def test_ok_returns_value(self) -> None:
        assert Ok(2).unwrap() == 2

    def test_err_raises_with_repr_of_the_error(self) -> None:
        with pytest.raises(UnwrapError) as info:
            Err("emergency failure").unwrap()
        assert str(info.value) == "called unwrap() on Err('emergency failure')"
        assert isinstance(info.value, ValueError)
        assert info.value.unwrapped == Err("emergency failure")

    def test_exception_error_becomes_the_cause_with_its_traceback(self) -> None:
        error = failing_lookup()
        with pytest.raises(UnwrapError) as info:
            Err(error).unwrap()
        assert info.value.__cause__ is error
        assert "KeyError('missing')" in str(info.value)
        assert info.value.unwrapped == Err(error)
        assert untyped(info.value.unwrapped).error is error
        assert error.__traceback__ is not None
        printed = "".join(traceback.format_exception(info.value))
        assert "failing_lookup" in printed
        assert "The above exception was the direct cause" in printed


class TestExpectErr:
    def test_err_returns_error(self) -> None:
        assert Err("emergency failure").expect_err("Testing expect_err") == "emergency failure"

    def test_ok_raises(self) -> None:
        with pytest.raises(UnwrapError) as info:
            Ok(10).expect_err("Testing expect_err")
        assert str(info.value) == "Testing expect_err: 10"
        assert info.value.unwrapped == Ok(10)
        assert info.value.__cause__ is None


class TestUnwrapErr:
    def test_err_returns_error(self) -> None:
        assert Err("emergency failure").unwrap_err() == "emergency failure"

    def test_ok_raises(self) -> None:
        ok = Ok(2)
        with pytest.raises(UnwrapError, match=r"^called unwrap_err\(\) on Ok\(2\)$") as info:
            ok.unwrap_err()
        assert info.value.unwrapped is ok
        assert info.value.__cause__ is None


class TestUnwrapOr:
    def test_rust_examples(self) -> None:
        assert Ok(9).unwrap_or(2) == 9
        assert Err("error").unwrap_or(2) == 2


class TestUnwrapOrElse:
    def test_rust_examples(self) -> None:
        assert Ok(2).unwrap_or_else(must_not_be_called) == 2
        assert Err("foo").unwrap_or_else(len) == 3

    def test_callback_exception_propagates(self) -> None:
        with pytest.raises(Boom):
            Err("x").unwrap_or_else(raise_boom)


class TestAnd:
    @pytest.mark.parametrize(
        ("x", "y", "expected"),
        [
            (Ok(2), Err("late error"), Err("late error")),
            (Err("early error"), Ok("foo"), Err("early error")),
            (Err("not a 2"), Err("late error"), Err("not a 2")),
            (Ok(2), Ok("different result type"), Ok("different result type")),
        ],
    )
    def test_rust_examples(
        self, x: Result[Any, str], y: Result[Any, str], expected: Result[Any, str]
    ) -> None:
        assert x.and_(y) == expected


class TestAndThen:
    def test_rust_examples(self) -> None:
        def sq_then_to_string(x: int) -> Result[str, str]:
            return Ok(str(x * x)) if x < 1000 else Err("overflowed")

        assert Ok(2).and_then(sq_then_to_string) == Ok("4")
        assert Ok(1_000_000).and_then(sq_then_to_string) == Err("overflowed")
        assert Err("not a number").and_then(must_not_be_called) == Err("not a number")

    @given(ints, result_functions)
    def test_left_identity(self, x: int, f: Callable[[int], Result[int, str]]) -> None:
        assert Ok(x).and_then(f) == f(x)

    @given(results)
    def test_right_identity(self, result: Result[int, str]) -> None:
        assert result.and_then(Ok) == result

    @given(results, result_functions, result_functions)
    def test_associativity(
        self,
        result: Result[int, str],
        f: Callable[[int], Result[int, str]],
        g: Callable[[int], Result[int, str]],
    ) -> None:
        assert result.and_then(f).and_then(g) == result.and_then(lambda v: f(v).and_then(g))


class TestOr:
    @pytest.mark.parametrize(
        ("x", "y", "expected"),
        [
            (Ok(2), Err("late error"), Ok(2)),
            (Err("early error"), Ok(2), Ok(2)),
            (Err("not a 2"), Err("late error"), Err("late error")),
            (Ok(2), Ok(100), Ok(2)),
        ],
    )
    def test_rust_examples(
        self, x: Result[int, str], y: Result[int, str], expected: Result[int, str]
    ) -> None:
        assert x.or_(y) == expected


class TestOrElse:
    def test_rust_examples(self) -> None:
        def sq(x: int) -> Result[int, int]:
            return Ok(x * x)

        def err(x: int) -> Result[int, int]:
            return Err(x)

        assert Ok(2).or_else(sq).or_else(sq) == Ok(2)
        assert Ok(2).or_else(err).or_else(sq) == Ok(2)
        assert Err(3).or_else(sq).or_else(err) == Ok(9)
        assert Err(3).or_else(err).or_else(err) == Err(3)

    @given(results, results)
    def test_agrees_with_or(self, a: Result[int, str], b: Result[int, str]) -> None:
        assert a.or_else(lambda e: b) == a.or_(b)


class TestFlatten:
    def test_rust_examples(self) -> None:
        assert Ok(Ok("hello")).flatten() == Ok("hello")
        assert Ok(Err(6)).flatten() == Err(6)
        assert Err(6).flatten() == Err(6)

    def test_removes_one_level_only(self) -> None:
        assert Ok(Ok(Ok("hello"))).flatten() == Ok(Ok("hello"))

    @given(results, result_functions)
    def test_map_then_flatten_is_and_then(
        self, result: Result[int, str], f: Callable[[int], Result[int, str]]
    ) -> None:
        assert result.map(f).flatten() == result.and_then(f)


class TestTranspose:
    def test_rust_examples(self) -> None:
        assert Ok(Some(5)).transpose() == Some(Ok(5))
        assert Ok(Nothing()).transpose() == Nothing()
        assert Err("e").transpose() == Some(Err("e"))

    @given(itero_st.results(itero_st.options(ints), ints))
    def test_transposing_twice_is_identity(self, result: Result[Option[int], int]) -> None:
        assert result.transpose().transpose() == result


class TestCatch:
    def test_returns_ok_or_err(self) -> None:
        parse = catch(ValueError)(int)
        assert parse("12") == Ok(12)
        result = parse("twelve")
        assert isinstance(result, Err)
        assert type(result.error) is ValueError

    def test_subclasses_are_caught(self) -> None:
        @catch(LookupError)
        def lookup(key: str) -> int:
            return {"a": 1}[key]

        assert lookup("a") == Ok(1)
        error = lookup("b")
        assert isinstance(error, Err) and isinstance(error.error, KeyError)

    def test_any_of_several_types(self) -> None:
        @catch(ValueError, ZeroDivisionError, KeyError)
        def compute(text: str) -> float:
            return 1 / int(text)

        assert compute("4") == Ok(0.25)
        assert compute("0").map_err(type) == Err(ZeroDivisionError)
        assert compute("x").map_err(type) == Err(ValueError)

    def test_unlisted_exceptions_propagate_unchanged(self) -> None:
        boom = Boom("x")

        @catch(ValueError)
        def fail() -> None:
            raise boom

        with pytest.raises(Boom) as info:
            fail()
        assert info.value is boom

    def test_base_exceptions_always_propagate(self) -> None:
        @catch(Exception)
        def interrupt() -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            interrupt()

    def test_passes_arguments_and_keeps_metadata(self) -> None:
        @catch(ValueError)
        def join(a: str, b: str = "-", *, sep: str = "") -> str:
            """Join two strings."""
            return a + sep + b

        assert join("a", "b", sep="+") == Ok("a+b")
        assert join("a") == Ok("a-")
        assert join.__name__ == "join"
        assert join.__doc__ == "Join two strings."

    def test_works_on_methods(self) -> None:
        class Parser:
            base = 16

            @catch(ValueError)
            def parse(self, text: str) -> int:
                return int(text, self.base)

        assert Parser().parse("ff") == Ok(255)
        assert Parser().parse("zz").is_err()

    def test_each_call_is_independent(self) -> None:
        parse = catch(ValueError)(int)
        assert [parse(t).is_ok() for t in ("1", "x", "2")] == [True, False, True]

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            ((), "at least one exception type"),
            ((BaseException,), "BaseException"),
            ((KeyboardInterrupt,), "KeyboardInterrupt"),
            ((SystemExit,), "SystemExit"),
            ((ValueError, GeneratorExit), "GeneratorExit"),
            ((int,), "exception classes, got <class 'int'>"),
            ((ValueError("x"),), "exception classes, got ValueError('x')"),
            (("ValueError",), "exception classes, got 'ValueError'"),
            (((ValueError, KeyError),), "as separate arguments"),
        ],
    )
    def test_bad_exception_types_are_a_type_error_at_the_call(
        self, arguments: tuple[Any, ...], message: str
    ) -> None:
        with pytest.raises(TypeError, match=r"^catch\(\) ") as info:
            catch(*arguments)
        assert message in str(info.value)


class TestBaseExceptionsAreRefused:
    @pytest.mark.parametrize(
        ("call", "where"),
        [
            (lambda: catch(untyped(KeyboardInterrupt)), "catch()"),
            (lambda: catch_call(untyped(KeyboardInterrupt), must_not_be_called), "catch_call()"),
        ],
    )
    def test_message_says_why(self, call: Callable[[], object], where: str) -> None:
        with pytest.raises(TypeError) as info:
            call()
        assert str(info.value) == (
            f"{where} takes Exception subclasses, got KeyboardInterrupt: BaseException types "
            "such as KeyboardInterrupt and SystemExit always propagate"
        )


class TestCatchCall:
    def test_returns_ok_or_err(self) -> None:
        assert catch_call(ValueError, int, "12") == Ok(12)
        assert catch_call(ValueError, int, "x").map_err(type) == Err(ValueError)

    def test_tuple_of_types(self) -> None:
        assert catch_call((ValueError, KeyError), {"a": 1}.__getitem__, "b").map_err(type) == Err(
            KeyError
        )
        assert catch_call((ValueError,), int, "x").map_err(type) == Err(ValueError)

    def test_passes_keyword_arguments(self) -> None:
        assert catch_call(ValueError, int, "ff", base=16) == Ok(255)

    def test_unlisted_and_base_exceptions_propagate(self) -> None:
        with pytest.raises(ValueError):
            catch_call(KeyError, int, "x")

        def interrupt() -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            catch_call(Exception, interrupt)

    @pytest.mark.parametrize(
        ("exceptions", "message"),
        [
            ((), "at least one exception type"),
            (BaseException, "BaseException"),
            ((ValueError, KeyboardInterrupt), "KeyboardInterrupt"),
            (int, "exception classes, got <class 'int'>"),
        ],
    )
    def test_bad_exception_types_are_a_type_error(self, exceptions: Any, message: str) -> None:
        with pytest.raises(TypeError, match=r"^catch_call\(\) ") as info:
            catch_call(exceptions, must_not_be_called)
        assert message in str(info.value)


class TestWrongShape:
    """A method that needs a result or an option (as its argument, inside ``self`` or from its
    callback) raises ``TypeError`` naming the method and the type it got, on both variants,
    instead of returning something else."""

    @pytest.mark.parametrize(
        ("call", "message"),
        [
            (
                lambda: untyped(Ok(3)).flatten(),
                "Ok.flatten(): the held value must be Ok or Err, got int",
            ),
            (
                lambda: untyped(Ok(Some(3))).flatten(),
                "Ok.flatten(): the held value must be Ok or Err, got Some",
            ),
            (
                lambda: untyped(Ok(3)).transpose(),
                "Ok.transpose(): the held value must be Some or Nothing, got int",
            ),
            (
                lambda: untyped(Ok(None)).transpose(),
                "Ok.transpose(): the held value must be Some or Nothing, got NoneType",
            ),
            (
                lambda: untyped(Ok(Ok(3))).transpose(),
                "Ok.transpose(): the held value must be Some or Nothing, got Ok",
            ),
            (lambda: untyped(Ok(3)).and_(4), "Ok.and_(): res must be Ok or Err, got int"),
            (lambda: untyped(Err(3)).and_(4), "Err.and_(): res must be Ok or Err, got int"),
            (lambda: untyped(Ok(3)).or_(4), "Ok.or_(): res must be Ok or Err, got int"),
            (lambda: untyped(Err(3)).or_(4), "Err.or_(): res must be Ok or Err, got int"),
            (lambda: untyped(Err(3)).or_(Some(1)), "Err.or_(): res must be Ok or Err, got Some"),
        ],
    )
    def test_raises_naming_the_method_and_the_type(
        self, call: Callable[[], object], message: str
    ) -> None:
        with pytest.raises(TypeError) as info:
            call()
        assert str(info.value) == message

    def test_the_right_shapes_still_work(self) -> None:
        assert Ok(1).or_(Err(2)) == Ok(1)
        assert Err(1).and_(Err(2)) == Err(1)
        assert Err(1).and_(Ok(2)) == Err(1)
        assert Ok(Nothing()).transpose() is Nothing()
        assert Err(1).or_(Err(2)) == Err(2)
