"""Typing tests for Option: checked by ``mypy --strict`` and pyright (strict), never run.

Lines ending in ``# type: ignore[code]`` must be rejected by mypy (``warn_unused_ignores`` turns
an accepted call into an error); the ``# pyright: ignore[rule]`` part keeps pyright quiet where
it rejects the same call.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal, Union

from typing_extensions import Never, TypeIs, assert_never, assert_type

from itero import (
    Err,
    Iter,
    Nothing,
    Ok,
    Option,
    Some,
    UnwrapError,
    from_optional,
    is_nothing,
    is_some,
)

# pytest (--doctest-modules) imports every module under tests/, and this one calls methods that
# raise or that the type checkers must reject: only the type checkers see its body.
if TYPE_CHECKING:
    some = Some(1)
    nothing = Nothing()

    def get_option() -> Option[int]:
        return some

    opt = get_option()

    def is_int(x: object) -> TypeIs[int]:
        return isinstance(x, int)

    def to_str(x: int) -> str:
        return str(x)

    def pair() -> tuple[int, str]:
        return (1, "a")

    def half(x: int) -> Option[int]:
        return Some(x // 2) if x % 2 == 0 else Nothing()

    # The alias and the constructors.
    assert_type(some, Some[int])
    assert_type(nothing, Nothing)
    assert_type(opt, Union[Some[int], Nothing])
    assert_type(Some("a").value, str)
    covariant: Option[object] = opt
    widened: Some[float] = Some(1)

    # Immutability: no setter, no new attributes.
    some.value = 2  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]

    # Narrowing: truthiness, module functions, match.
    if opt:
        assert_type(opt, Some[int])
    else:
        assert_type(opt, Nothing)
    if is_some(opt):
        assert_type(opt, Some[int])
        assert_type(opt.value, int)
    else:
        assert_type(opt, Nothing)
    if is_nothing(opt):
        assert_type(opt, Nothing)
    else:
        assert_type(opt, Some[int])

    def complete_match(o: Option[int]) -> int:
        match o:
            case Some(v):
                assert_type(v, int)
                return v
            case Nothing():
                return 0

    def exhaustive(o: Option[int]) -> int:
        match o:
            case Some(v):
                return v
            case Nothing():
                return 0
            case _:
                assert_never(o)

    assert_type(from_optional(1), Union[Some[int], Nothing])

    def maybe_int() -> int | None:
        return None

    assert_type(from_optional(maybe_int()), Union[Some[int], Nothing])
    assert_type(bool(some), bool)

    # Querying.
    assert_type(some.is_some(), Literal[True])
    assert_type(nothing.is_some(), Literal[False])
    assert_type(opt.is_some(), bool)
    assert_type(some.is_some_and(lambda v: v > 0), bool)
    assert_type(nothing.is_some_and(lambda v: v > 0), Literal[False])
    assert_type(opt.is_some_and(lambda v: v > 0), bool)
    assert_type(some.is_none(), Literal[False])
    assert_type(nothing.is_none(), Literal[True])
    assert_type(opt.is_none(), bool)
    assert_type(some.is_none_or(lambda v: v > 0), bool)
    assert_type(nothing.is_none_or(lambda v: v > 0), Literal[True])
    assert_type(opt.is_none_or(lambda v: v > 0), bool)

    # Extracting.
    assert_type(some.expect("msg"), int)
    assert_type(opt.expect("msg"), int)
    assert_type(some.unwrap(), int)

    # A call returning NoReturn makes the rest of its block unreachable (and unchecked by mypy),
    # so each one gets a function of its own.
    def nothing_expect() -> None:
        assert_type(nothing.expect("msg"), Never)

    def nothing_unwrap() -> None:
        assert_type(nothing.unwrap(), Never)

    assert_type(opt.unwrap(), int)
    assert_type(some.unwrap_or("x"), int)
    assert_type(nothing.unwrap_or("x"), str)
    assert_type(opt.unwrap_or("x"), Union[int, str])
    assert_type(opt.unwrap_or(0), int)
    assert_type(some.unwrap_or_else(lambda: "x"), int)
    assert_type(nothing.unwrap_or_else(lambda: "x"), str)
    assert_type(opt.unwrap_or_else(lambda: "x"), Union[int, str])
    assert_type(some.to_optional(), int)
    assert_type(nothing.to_optional(), None)
    assert_type(opt.to_optional(), Union[int, None])
    error: type[ValueError] = UnwrapError

    # Transforming.
    assert_type(some.map(to_str), Some[str])
    assert_type(nothing.map(to_str), Nothing)
    assert_type(opt.map(str), Union[Some[str], Nothing])
    assert_type(opt.map(lambda v: v + 1), Union[Some[int], Nothing])
    assert_type(some.inspect(print), Some[int])
    assert_type(nothing.inspect(print), Nothing)
    assert_type(opt.inspect(print), Union[Some[int], Nothing])
    assert_type(some.map_or("x", to_str), str)
    assert_type(nothing.map_or(0.5, to_str), float)
    assert_type(opt.map_or(None, to_str), Union[str, None])
    assert_type(some.map_or_else(lambda: None, to_str), str)
    assert_type(nothing.map_or_else(lambda: None, to_str), None)
    assert_type(opt.map_or_else(lambda: None, to_str), Union[str, None])
    assert_type(some.ok_or("missing"), Ok[int])
    assert_type(nothing.ok_or("missing"), Err[str])
    assert_type(opt.ok_or("missing"), Union[Ok[int], Err[str]])
    assert_type(some.ok_or_else(lambda: "missing"), Ok[int])
    assert_type(nothing.ok_or_else(lambda: "missing"), Err[str])
    assert_type(opt.ok_or_else(lambda: "missing"), Union[Ok[int], Err[str]])
    assert_type(some.filter(lambda v: v > 0), Union[Some[int], Nothing])
    assert_type(nothing.filter(lambda v: v > 0), Nothing)
    assert_type(opt.filter(lambda v: v > 0), Union[Some[int], Nothing])
    assert_type(Some[Union[int, str]](1).filter(is_int), Union[Some[int], Nothing])
    assert_type(Some(some).flatten(), Union[Some[int], Nothing])
    assert_type(Some(opt).flatten(), Union[Some[int], Nothing])
    assert_type(nothing.flatten(), Nothing)
    assert_type(Some[Union[Ok[int], Err[str]]](Ok(1)).transpose(), Union[Ok[Some[int]], Err[str]])
    assert_type(nothing.transpose(), Ok[Nothing])
    assert_type(some.zip(Some("a")), Some[tuple[int, str]])
    assert_type(some.zip(nothing), Nothing)
    assert_type(some.zip(opt), Union[Some[tuple[int, int]], Nothing])
    assert_type(nothing.zip(some), Nothing)
    assert_type(opt.zip(Some("a")), Union[Some[tuple[int, str]], Nothing])
    assert_type(Some(pair()).unzip(), tuple[Some[int], Some[str]])
    assert_type(nothing.unzip(), tuple[Nothing, Nothing])

    # Boolean operators.
    assert_type(some.and_(Some("a")), Some[str])
    assert_type(nothing.and_(Some("a")), Nothing)
    assert_type(opt.and_(Some("a")), Union[Some[str], Nothing])
    assert_type(some.and_then(half), Union[Some[int], Nothing])
    assert_type(some.and_then(lambda v: Some(str(v))), Some[str])
    assert_type(nothing.and_then(half), Nothing)
    assert_type(opt.and_then(half), Union[Some[int], Nothing])
    assert_type(some.or_(Some(2)), Some[int])
    assert_type(nothing.or_(Some("a")), Some[str])
    assert_type(opt.or_(Some(2)), Some[int])
    assert_type(opt.or_(opt), Union[Some[int], Nothing])
    assert_type(some.or_else(lambda: Some(2)), Some[int])
    assert_type(nothing.or_else(lambda: Some("a")), Some[str])
    assert_type(opt.or_else(get_option), Union[Some[int], Nothing])
    assert_type(some.xor(nothing), Some[int])
    assert_type(some.xor(Some(2)), Nothing)
    assert_type(some.xor(opt), Union[Some[int], Nothing])
    assert_type(nothing.xor(Some("a")), Some[str])
    assert_type(opt.xor(opt), Union[Some[int], Nothing])

    # Iteration.
    assert_type(iter(some), Iterator[int])
    assert_type(iter(nothing), Iterator[Never])
    assert_type(list(opt), list[int])
    assert_type(some.iter(), Iter[int])
    assert_type(nothing.iter(), Iter[Never])
    assert_type(opt.iter(), Union[Iter[int], Iter[Never]])

    # Calls that must be rejected.
    Some(1).map(len)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    Some(1).and_then(lambda v: v)  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]
    Some(1).flatten()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    Some(1).unzip()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    Some(1).transpose()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    Some(1).zip(2)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    Some(1).or_(2)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    Some(1).expect()  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    Nothing().or_(2)  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]
    Nothing().map(5)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    Nothing().unwrap_or_else(1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    opt.unwrap_or_else(default=1)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    is_some(1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
