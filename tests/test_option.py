"""Tests for Option (``Some`` / ``Nothing``), against Rust's documented ``Option`` semantics."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any, NamedTuple
from unittest import mock

import pytest
from hypothesis import given, strategies as st

from _helpers import Boom, int_functions, must_not_be_called, raise_boom, untyped
from itero import (
    Err,
    Nothing,
    Ok,
    Option,
    Some,
    UnwrapError,
    from_optional,
    is_nothing,
    is_some,
    strategies as itero_st,
)

ints = st.integers(min_value=-1000, max_value=1000)
options: st.SearchStrategy[Option[int]] = itero_st.options(ints)
payloads = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.tuples(inner, inner) | st.builds(Some, inner),
    max_leaves=5,
)

OPTION_FUNCTIONS: list[Callable[[int], Option[int]]] = [
    lambda x: Some(x + 1),
    lambda x: Nothing(),
    lambda x: Some(x // 2) if x % 2 == 0 else Nothing(),
    lambda x: Some(-x) if x > 0 else Nothing(),
]
option_functions = st.sampled_from(OPTION_FUNCTIONS)


class TestConstruction:
    def test_some_holds_its_value(self) -> None:
        assert Some(1).value == 1
        assert Some(None).value is None

    def test_nothing_is_a_singleton(self) -> None:
        assert Nothing() is Nothing()

    def test_generic_subscription_works_at_runtime(self) -> None:
        assert Some[int](1) == Some(1)
        alias: Any = Option
        assert alias[int] == alias[int]

    def test_variants_are_final(self) -> None:
        with pytest.raises(TypeError, match=r"^Some is final: Option and Result are closed"):
            type("Sub", (Some,), {})
        with pytest.raises(TypeError, match=r"^Nothing is final: Option and Result are closed"):
            type("Sub", (Nothing,), {})


class TestImmutability:
    def test_value_is_read_only(self) -> None:
        some = Some(1)
        with pytest.raises(AttributeError):
            some.value = 2  # type: ignore[misc]
        assert some.value == 1

    def test_no_new_attributes(self) -> None:
        with pytest.raises(AttributeError):
            Some(1).other = 2  # type: ignore[attr-defined]
        with pytest.raises(AttributeError):
            Nothing().other = 2  # type: ignore[attr-defined]

    def test_no_instance_dict(self) -> None:
        assert not hasattr(Some(1), "__dict__")
        assert not hasattr(Nothing(), "__dict__")

    def test_class_cannot_be_swapped(self) -> None:
        class Twin:  # the same slots as Some, and as Nothing
            __slots__ = ("_value",)

        class Empty:
            __slots__ = ()

        class WeakEmpty:
            __slots__ = ("__weakref__",)

        some: Any = Some(1)
        for other in (Ok, Err, Twin, Nothing):
            with pytest.raises(TypeError, match="__class__ assignment"):
                some.__class__ = other
        assert type(some) is Some and some == Some(1)
        nothing: Any = Nothing()
        for target in (Empty, WeakEmpty, Some, Ok, Twin):
            with pytest.raises(TypeError, match="__class__ assignment"):
                nothing.__class__ = target
        assert type(Nothing()) is Nothing
        twin: Any = Twin()
        with pytest.raises(TypeError, match="__class__ assignment"):
            twin.__class__ = Some


class TestEquality:
    def test_value_equality(self) -> None:
        assert Some(1) == Some(1)
        assert Some(1) != Some(2)
        assert Some([1]) == Some([1])
        assert Nothing() == Nothing()

    def test_other_types_are_not_equal(self) -> None:
        assert Some(1) != 1
        assert Some(1) != Ok(1)
        assert Some(None) != Nothing()
        assert Nothing() != None  # noqa: E711
        assert Nothing() != Err(None)

    @given(options, options)
    def test_hash_is_consistent_with_equality(self, a: Option[int], b: Option[int]) -> None:
        if a == b:
            assert hash(a) == hash(b)
        assert (a == b) == (a.to_optional() == b.to_optional() and type(a) is type(b))

    def test_equal_numbers_hash_alike(self) -> None:
        assert Some(1) == Some(1.0)
        assert hash(Some(1)) == hash(Some(1.0))
        assert len({Some(1), Some(1.0), Nothing(), Nothing()}) == 2

    def test_unhashable_payload_is_unhashable(self) -> None:
        with pytest.raises(TypeError):
            hash(Some([1]))

    def test_hash_depends_on_the_value_and_the_variant(self) -> None:
        assert len({hash(Some(n)) for n in range(100)}) == 100
        assert hash(Some(1)) != hash(Ok(1))
        assert hash(Some(1)) != hash(Err(1))
        assert hash(Some(None)) != hash(Nothing())

    def test_foreign_types_decide_equality(self) -> None:
        assert Some(1) == mock.ANY
        assert not (Some(1) != mock.ANY)
        assert Nothing() == mock.ANY
        assert [Some(1), Nothing()] == [mock.ANY, mock.ANY]

        class EqualToAll:
            def __eq__(self, other: object) -> bool:
                return True

            __hash__ = None  # type: ignore[assignment]

        assert Some(1) == EqualToAll()
        assert EqualToAll() == Some(1)

    def test_eq_returns_not_implemented_for_other_types(self) -> None:
        assert Some(1).__eq__(1) is NotImplemented
        assert Some(1).__eq__(Ok(1)) is NotImplemented
        assert Some(1).__eq__(Nothing()) is NotImplemented
        assert Some(1).__ne__(1) is NotImplemented


class TestRepr:
    def test_repr(self) -> None:
        assert repr(Some(1)) == "Some(1)"
        assert repr(Some("a")) == "Some('a')"
        assert repr(Nothing()) == "Nothing()"
        assert repr(Some(Some(Nothing()))) == "Some(Some(Nothing()))"

    @given(payloads)
    def test_repr_evaluates_back(self, payload: object) -> None:
        some = Some(payload)
        assert eval(repr(some), {"Some": Some, "Nothing": Nothing}) == some


class TestPicklingAndCopy:
    @given(options, st.integers(min_value=0, max_value=pickle.HIGHEST_PROTOCOL))
    def test_pickle_round_trip(self, option: Option[int], protocol: int) -> None:
        assert pickle.loads(pickle.dumps(option, protocol=protocol)) == option

    @pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
    def test_nothing_stays_a_singleton(self, protocol: int) -> None:
        assert pickle.loads(pickle.dumps(Nothing(), protocol=protocol)) is Nothing()
        assert copy.copy(Nothing()) is Nothing()
        assert copy.deepcopy(Nothing()) is Nothing()
        assert copy.deepcopy([Nothing()])[0] is Nothing()

    def test_copy_and_deepcopy(self) -> None:
        inner = [1, 2]
        some = Some(inner)
        shallow = copy.copy(some)
        deep = copy.deepcopy(some)
        assert shallow == some and shallow.value is inner
        assert deep == some and deep.value is not inner


class TestTruthiness:
    def test_some_is_truthy_even_with_a_falsy_value(self) -> None:
        assert bool(Some(1)) is True
        assert bool(Some(0)) is True
        assert bool(Some(None)) is True
        assert bool(Some(Nothing())) is True

    def test_nothing_is_falsy(self) -> None:
        assert bool(Nothing()) is False

    @given(options)
    def test_truthiness_matches_is_some(self, option: Option[int]) -> None:
        assert bool(option) is option.is_some()


class TestPatternMatching:
    @staticmethod
    def describe(option: Option[int]) -> str:
        match option:
            case Some(0):
                return "zero"
            case Some(v):
                return f"some {v}"
            case Nothing():
                return "nothing"

    def test_match(self) -> None:
        assert self.describe(Some(0)) == "zero"
        assert self.describe(Some(5)) == "some 5"
        assert self.describe(Nothing()) == "nothing"

    def test_match_args(self) -> None:
        assert Some.__match_args__ == ("value",)
        assert Nothing.__match_args__ == ()


class TestIteration:
    def test_some_yields_its_value_once(self) -> None:
        assert list(Some(1)) == [1]
        assert list(Some(None)) == [None]

    def test_nothing_yields_nothing(self) -> None:
        assert list(Nothing()) == []

    @given(st.lists(options, max_size=10))
    def test_chain_of_options_keeps_the_values(self, opts: list[Option[int]]) -> None:
        assert [v for o in opts for v in o] == [o.value for o in opts if isinstance(o, Some)]


class TestIsSome:
    def test_method(self) -> None:
        assert Some(2).is_some() is True
        assert Nothing().is_some() is False

    def test_function_narrows_and_answers(self) -> None:
        assert is_some(Some(None)) is True
        assert is_some(Nothing()) is False


class TestIsNothing:
    def test_method_is_none(self) -> None:
        assert Some(2).is_none() is False
        assert Nothing().is_none() is True

    def test_function(self) -> None:
        assert is_nothing(Nothing()) is True
        assert is_nothing(Some(None)) is False


class TestIsSomeAnd:
    def test_rust_examples(self) -> None:
        assert Some(2).is_some_and(lambda x: x > 1) is True
        assert Some(0).is_some_and(lambda x: x > 1) is False
        assert Nothing().is_some_and(must_not_be_called) is False

    def test_truthy_result_becomes_bool(self) -> None:
        assert Some("a").is_some_and(lambda x: x) is True
        assert Some("").is_some_and(lambda x: x) is False

    def test_callback_exception_propagates(self) -> None:
        with pytest.raises(Boom):
            Some(1).is_some_and(raise_boom)


class TestIsNoneOr:
    def test_rust_examples(self) -> None:
        assert Some(2).is_none_or(lambda x: x > 1) is True
        assert Some(0).is_none_or(lambda x: x > 1) is False
        assert Nothing().is_none_or(must_not_be_called) is True


class TestExpect:
    def test_some_returns_value(self) -> None:
        assert Some("value").expect("fruits are healthy") == "value"

    def test_nothing_raises_with_the_message(self) -> None:
        with pytest.raises(UnwrapError) as info:
            Nothing().expect("fruits are healthy")
        assert str(info.value) == "fruits are healthy: Nothing()"
        assert info.value.unwrapped is Nothing()


class TestUnwrap:
    def test_some_returns_value(self) -> None:
        assert Some("air").unwrap() == "air"

    def test_nothing_raises_unwrap_error(self) -> None:
        with pytest.raises(UnwrapError, match=r"^called unwrap\(\) on Nothing\(\)$") as info:
            Nothing().unwrap()
        assert isinstance(info.value, ValueError)
        assert info.value.__cause__ is None
        assert info.value.unwrapped is Nothing()


class TestUnwrapOr:
    def test_rust_examples(self) -> None:
        assert Some("car").unwrap_or("bike") == "car"
        assert Nothing().unwrap_or("bike") == "bike"

    @given(options, ints)
    def test_matches_to_optional(self, option: Option[int], default: int) -> None:
        value = option.to_optional()
        assert option.unwrap_or(default) == (default if value is None else value)


class TestUnwrapOrElse:
    def test_rust_examples(self) -> None:
        k = 10
        assert Some(4).unwrap_or_else(must_not_be_called) == 4
        assert Nothing().unwrap_or_else(lambda: 2 * k) == 20

    def test_callback_exception_propagates(self) -> None:
        with pytest.raises(Boom):
            Nothing().unwrap_or_else(raise_boom)


class TestMap:
    def test_rust_examples(self) -> None:
        assert Some("Hello, World!").map(len) == Some(13)
        assert Nothing().map(must_not_be_called) == Nothing()

    @given(options)
    def test_identity_law(self, option: Option[int]) -> None:
        assert option.map(lambda v: v) == option

    @given(options, int_functions, int_functions)
    def test_composition_law(
        self, option: Option[int], f: Callable[[int], int], g: Callable[[int], int]
    ) -> None:
        assert option.map(f).map(g) == option.map(lambda v: g(f(v)))

    def test_callback_exception_propagates(self) -> None:
        with pytest.raises(Boom):
            Some(1).map(raise_boom)


class TestInspect:
    def test_some_calls_back_and_returns_self(self) -> None:
        seen: list[int] = []
        some = Some(4)
        assert some.inspect(seen.append) is some
        assert seen == [4]

    def test_nothing_does_not_call_back(self) -> None:
        assert Nothing().inspect(must_not_be_called) is Nothing()


class TestMapOr:
    def test_rust_examples(self) -> None:
        assert Some("foo").map_or(42, len) == 3
        assert Nothing().map_or(42, must_not_be_called) == 42

    @given(options, ints, int_functions)
    def test_equals_map_then_unwrap_or(
        self, option: Option[int], default: int, f: Callable[[int], int]
    ) -> None:
        assert option.map_or(default, f) == option.map(f).unwrap_or(default)


class TestMapOrElse:
    def test_rust_examples(self) -> None:
        k = 21
        assert Some("foo").map_or_else(must_not_be_called, len) == 3
        assert Nothing().map_or_else(lambda: 2 * k, must_not_be_called) == 42


class TestOkOr:
    def test_rust_examples(self) -> None:
        assert Some("foo").ok_or(0) == Ok("foo")
        assert Nothing().ok_or(0) == Err(0)

    @given(options)
    def test_round_trip_through_result(self, option: Option[int]) -> None:
        assert option.ok_or("missing").ok() == option


class TestOkOrElse:
    def test_rust_examples(self) -> None:
        assert Some("foo").ok_or_else(must_not_be_called) == Ok("foo")
        assert Nothing().ok_or_else(lambda: 0) == Err(0)

    @given(options)
    def test_agrees_with_ok_or(self, option: Option[int]) -> None:
        assert option.ok_or_else(lambda: "missing") == option.ok_or("missing")


class TestFilter:
    def test_rust_examples(self) -> None:
        def is_even(n: int) -> bool:
            return n % 2 == 0

        assert Nothing().filter(must_not_be_called) == Nothing()
        assert Some(3).filter(is_even) == Nothing()
        assert Some(4).filter(is_even) == Some(4)

    @given(options)
    def test_matches_a_list_comprehension(self, option: Option[int]) -> None:
        assert list(option.filter(lambda v: v > 0)) == [v for v in option if v > 0]

    def test_keeps_the_same_object(self) -> None:
        some = Some(4)
        assert some.filter(lambda v: True) is some


class TestFlatten:
    def test_rust_examples(self) -> None:
        assert Some(Some(6)).flatten() == Some(6)
        assert Some(Nothing()).flatten() == Nothing()
        assert Nothing().flatten() == Nothing()

    def test_removes_one_level_only(self) -> None:
        assert Some(Some(Some(6))).flatten() == Some(Some(6))

    @given(options, option_functions)
    def test_map_then_flatten_is_and_then(
        self, option: Option[int], f: Callable[[int], Option[int]]
    ) -> None:
        assert option.map(f).flatten() == option.and_then(f)


class TestTranspose:
    def test_rust_examples(self) -> None:
        assert Some(Ok(5)).transpose() == Ok(Some(5))
        assert Some(Err("e")).transpose() == Err("e")
        assert Nothing().transpose() == Ok(Nothing())

    @given(itero_st.options(itero_st.results(ints, ints)))
    def test_transposing_twice_is_identity(self, option: Option[Ok[int] | Err[int]]) -> None:
        assert option.transpose().transpose() == option


class TestZip:
    def test_rust_examples(self) -> None:
        assert Some(1).zip(Some("hi")) == Some((1, "hi"))
        assert Some(1).zip(Nothing()) == Nothing()
        assert Nothing().zip(Some(1)) == Nothing()
        assert Nothing().zip(Nothing()) == Nothing()

    @given(options, options)
    def test_matches_zip_of_iterables(self, a: Option[int], b: Option[int]) -> None:
        assert list(a.zip(b)) == list(zip(a, b, strict=False))


class TestUnzip:
    def test_rust_examples(self) -> None:
        assert Some((1, "hi")).unzip() == (Some(1), Some("hi"))
        assert Nothing().unzip() == (Nothing(), Nothing())

    @given(options, options)
    def test_unzip_inverts_zip(self, a: Option[int], b: Option[int]) -> None:
        if a and b:
            assert a.zip(b).unzip() == (a, b)
        else:
            assert a.zip(b).unzip() == (Nothing(), Nothing())


class TestAnd:
    def test_rust_examples(self) -> None:
        assert Some(2).and_(Nothing()) == Nothing()
        assert Nothing().and_(Some("foo")) == Nothing()
        assert Some(2).and_(Some("foo")) == Some("foo")
        assert Nothing().and_(Nothing()) == Nothing()


class TestAndThen:
    def test_rust_examples(self) -> None:
        def sq_then_to_string(x: int) -> Option[str]:
            return Some(str(x * x)) if x < 1000 else Nothing()

        assert Some(2).and_then(sq_then_to_string) == Some("4")
        assert Some(1_000_000).and_then(sq_then_to_string) == Nothing()
        assert Nothing().and_then(must_not_be_called) == Nothing()

    @given(ints, option_functions)
    def test_left_identity(self, x: int, f: Callable[[int], Option[int]]) -> None:
        assert Some(x).and_then(f) == f(x)

    @given(options)
    def test_right_identity(self, option: Option[int]) -> None:
        assert option.and_then(Some) == option

    @given(options, option_functions, option_functions)
    def test_associativity(
        self,
        option: Option[int],
        f: Callable[[int], Option[int]],
        g: Callable[[int], Option[int]],
    ) -> None:
        assert option.and_then(f).and_then(g) == option.and_then(lambda v: f(v).and_then(g))


class TestOr:
    def test_rust_examples(self) -> None:
        assert Some(2).or_(Nothing()) == Some(2)
        assert Nothing().or_(Some(100)) == Some(100)
        assert Some(2).or_(Some(100)) == Some(2)
        assert Nothing().or_(Nothing()) == Nothing()


class TestOrElse:
    def test_rust_examples(self) -> None:
        assert Some("barbarians").or_else(must_not_be_called) == Some("barbarians")
        assert Nothing().or_else(lambda: Some("vikings")) == Some("vikings")
        assert Nothing().or_else(lambda: Nothing()) == Nothing()

    @given(options, options)
    def test_agrees_with_or(self, a: Option[int], b: Option[int]) -> None:
        assert a.or_else(lambda: b) == a.or_(b)


class TestXor:
    @pytest.mark.parametrize(
        ("x", "y", "expected"),
        [
            (Some(2), Nothing(), Some(2)),
            (Nothing(), Some(2), Some(2)),
            (Some(2), Some(2), Nothing()),
            (Nothing(), Nothing(), Nothing()),
        ],
    )
    def test_truth_table(self, x: Option[int], y: Option[int], expected: Option[int]) -> None:
        assert x.xor(y) == expected

    @given(options, options)
    def test_some_exactly_when_one_side_is_some(self, a: Option[int], b: Option[int]) -> None:
        result = a.xor(b)
        assert result.is_some() == (a.is_some() != b.is_some())
        if result:
            assert result in (a, b)


class TestToOptionalAndFromOptional:
    def test_to_optional(self) -> None:
        assert Some(1).to_optional() == 1
        nothing: Option[int] = Nothing()
        assert nothing.to_optional() is None

    def test_from_optional(self) -> None:
        assert from_optional(0) == Some(0)
        assert from_optional("") == Some("")
        assert from_optional(None) is Nothing()

    @given(options)
    def test_round_trip(self, option: Option[int]) -> None:
        assert from_optional(option.to_optional()) == option

    @given(st.none() | ints)
    def test_round_trip_from_optional(self, value: int | None) -> None:
        assert from_optional(value).to_optional() == value


class TestWrongShape:
    """A method that needs an option, a result or a pair (as its argument, inside ``self`` or
    from its callback) raises ``TypeError`` naming the method and the type it got, on both
    variants, instead of returning something else."""

    @pytest.mark.parametrize(
        ("call", "message"),
        [
            (
                lambda: untyped(Some(5)).flatten(),
                "Some.flatten(): the held value must be Some or Nothing, got int",
            ),
            (
                lambda: untyped(Some(Ok(1))).flatten(),
                "Some.flatten(): the held value must be Some or Nothing, got Ok",
            ),
            (
                lambda: untyped(Some(3)).transpose(),
                "Some.transpose(): the held value must be Ok or Err, got int",
            ),
            (
                lambda: untyped(Some(Some(1))).transpose(),
                "Some.transpose(): the held value must be Ok or Err, got Some",
            ),
            (
                lambda: untyped(Some(3)).unzip(),
                "Some.unzip(): the held value must be a 2-tuple, got int",
            ),
            (
                lambda: untyped(Some((1, 2, 3))).unzip(),
                "Some.unzip(): the held value must be a 2-tuple, got tuple",
            ),
            (
                lambda: untyped(Some([1, 2])).unzip(),
                "Some.unzip(): the held value must be a 2-tuple, got list",
            ),
            (
                lambda: untyped(Some(3)).zip(4),
                "Some.zip(): other must be Some or Nothing, got int",
            ),
            (
                lambda: untyped(Some(3)).zip(Ok(4)),
                "Some.zip(): other must be Some or Nothing, got Ok",
            ),
            (
                lambda: untyped(Nothing()).zip(4),
                "Nothing.zip(): other must be Some or Nothing, got int",
            ),
            (
                lambda: untyped(Some(3)).xor(4),
                "Some.xor(): optb must be Some or Nothing, got int",
            ),
            (
                lambda: untyped(Some(3)).xor(None),
                "Some.xor(): optb must be Some or Nothing, got NoneType",
            ),
            (
                lambda: untyped(Nothing()).xor(4),
                "Nothing.xor(): optb must be Some or Nothing, got int",
            ),
            (
                lambda: untyped(Some(3)).and_(4),
                "Some.and_(): optb must be Some or Nothing, got int",
            ),
            (
                lambda: untyped(Nothing()).and_(4),
                "Nothing.and_(): optb must be Some or Nothing, got int",
            ),
            (
                lambda: untyped(Some(3)).or_(4),
                "Some.or_(): optb must be Some or Nothing, got int",
            ),
            (
                lambda: untyped(Nothing()).or_(4),
                "Nothing.or_(): optb must be Some or Nothing, got int",
            ),
        ],
    )
    def test_raises_naming_the_method_and_the_type(
        self, call: Callable[[], object], message: str
    ) -> None:
        with pytest.raises(TypeError) as info:
            call()
        assert str(info.value) == message

    def test_the_right_shapes_still_work(self) -> None:
        class Pair(NamedTuple):
            a: int
            b: int

        assert Some(Pair(1, 2)).unzip() == (Some(1), Some(2))
        assert Some(1).xor(Nothing()) == Some(1)
        assert Nothing().xor(Nothing()) is Nothing()
        assert Nothing().zip(Nothing()) is Nothing()
        assert Nothing().and_(Nothing()) is Nothing()
        assert Nothing().or_(Nothing()) is Nothing()
        assert Some(1).or_(Nothing()) == Some(1)
        assert Nothing().or_else(Nothing) is Nothing()
