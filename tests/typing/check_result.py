"""Typing tests for Result: checked by ``mypy --strict`` and pyright (strict), never run.

Lines ending in ``# type: ignore[code]`` must be rejected by mypy (``warn_unused_ignores`` turns
an accepted call into an error); the ``# pyright: ignore[rule]`` part keeps pyright quiet where
it rejects the same call.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal, Union

from typing_extensions import Never, assert_never, assert_type

from itero import (
    Err,
    Iter,
    Nothing,
    Ok,
    Result,
    Some,
    UnwrapError,
    catch,
    catch_call,
    is_err,
    is_ok,
)

# pytest (--doctest-modules) imports every module under tests/, and this one calls methods that
# raise or that the type checkers must reject: only the type checkers see its body.
if TYPE_CHECKING:
    ok = Ok(1)
    err = Err("bad")

    def get_result() -> Result[int, str]:
        return ok

    res = get_result()

    def to_str(x: int) -> str:
        return str(x)

    def halve(x: int) -> Result[int, str]:
        return Ok(x // 2) if x % 2 == 0 else Err("odd")

    def recover(e: str) -> Result[int, bytes]:
        return Ok(len(e))

    def pair() -> Ok[Union[Some[int], Nothing]]:
        return Ok(Some(1))

    # The alias, its default error type, and the constructors.
    assert_type(ok, Ok[int])
    assert_type(err, Err[str])
    assert_type(res, Union[Ok[int], Err[str]])
    assert_type(Ok("a").value, str)
    assert_type(Err("a").error, str)
    covariant: Result[object, object] = res

    def default_error(r: Result[int]) -> None:
        assert_type(r, Union[Ok[int], Err[Exception]])

    # Immutability: no setter, no new attributes.
    ok.value = 2  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
    err.error = "x"  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]

    # Narrowing: truthiness, module functions, match.
    if res:
        assert_type(res, Ok[int])
    else:
        assert_type(res, Err[str])
    if is_ok(res):
        assert_type(res, Ok[int])
        assert_type(res.value, int)
    else:
        assert_type(res, Err[str])
    if is_err(res):
        assert_type(res, Err[str])
        assert_type(res.error, str)
    else:
        assert_type(res, Ok[int])

    def complete_match(r: Result[int, str]) -> int:
        match r:
            case Ok(v):
                assert_type(v, int)
                return v
            case Err(e):
                assert_type(e, str)
                return len(e)

    def exhaustive(r: Result[int, str]) -> int:
        match r:
            case Ok(v):
                return v
            case Err(e):
                return len(e)
            case _:
                assert_never(r)

    # Querying.
    assert_type(ok.is_ok(), Literal[True])
    assert_type(err.is_ok(), Literal[False])
    assert_type(res.is_ok(), bool)
    assert_type(ok.is_ok_and(lambda v: v > 0), bool)
    assert_type(err.is_ok_and(lambda v: v > 0), Literal[False])
    assert_type(res.is_ok_and(lambda v: v > 0), bool)
    assert_type(ok.is_err(), Literal[False])
    assert_type(err.is_err(), Literal[True])
    assert_type(res.is_err(), bool)
    assert_type(ok.is_err_and(lambda e: e == ""), Literal[False])
    assert_type(err.is_err_and(lambda e: e == ""), bool)
    assert_type(res.is_err_and(lambda e: e == ""), bool)

    # Converting to Option.
    assert_type(ok.ok(), Some[int])
    assert_type(err.ok(), Nothing)
    assert_type(res.ok(), Union[Some[int], Nothing])
    assert_type(ok.err(), Nothing)
    assert_type(err.err(), Some[str])
    assert_type(res.err(), Union[Some[str], Nothing])

    # Transforming.
    assert_type(ok.map(to_str), Ok[str])
    assert_type(err.map(to_str), Err[str])
    assert_type(res.map(to_str), Union[Ok[str], Err[str]])
    assert_type(res.map(lambda v: v * 2.0), Union[Ok[float], Err[str]])
    assert_type(ok.map_or(None, to_str), str)
    assert_type(err.map_or(None, to_str), None)
    assert_type(res.map_or(None, to_str), Union[str, None])
    assert_type(ok.map_or_else(len, to_str), str)
    assert_type(err.map_or_else(len, to_str), int)
    assert_type(res.map_or_else(len, to_str), Union[str, int])
    assert_type(ok.map_err(len), Ok[int])
    assert_type(err.map_err(len), Err[int])
    assert_type(res.map_err(str.encode), Union[Ok[int], Err[bytes]])
    assert_type(ok.inspect(print), Ok[int])
    assert_type(err.inspect(print), Err[str])
    assert_type(res.inspect(print), Union[Ok[int], Err[str]])
    assert_type(ok.inspect_err(print), Ok[int])
    assert_type(err.inspect_err(print), Err[str])
    assert_type(res.inspect_err(print), Union[Ok[int], Err[str]])
    assert_type(Ok(res).flatten(), Union[Ok[int], Err[str]])
    assert_type(err.flatten(), Err[str])
    assert_type(Ok[Union[Ok[int], Err[str]]](ok).flatten(), Union[Ok[int], Err[str]])
    assert_type(pair().transpose(), Union[Some[Ok[int]], Nothing])
    assert_type(err.transpose(), Some[Err[str]])

    # Extracting.
    assert_type(ok.expect("msg"), int)
    assert_type(res.expect("msg"), int)
    assert_type(ok.unwrap(), int)
    assert_type(res.unwrap(), int)
    assert_type(err.expect_err("msg"), str)
    assert_type(res.expect_err("msg"), str)
    assert_type(err.unwrap_err(), str)
    assert_type(res.unwrap_err(), str)
    assert_type(ok.unwrap_or("x"), int)
    assert_type(err.unwrap_or(0.5), float)
    assert_type(res.unwrap_or("x"), Union[int, str])
    assert_type(ok.unwrap_or_else(len), int)
    assert_type(err.unwrap_or_else(len), int)
    assert_type(res.unwrap_or_else(lambda e: e), Union[int, str])
    error: type[ValueError] = UnwrapError

    # A call returning NoReturn makes the rest of its block unreachable (and unchecked by mypy),
    # so each one gets a function of its own.
    def err_expect() -> None:
        assert_type(err.expect("msg"), Never)

    def err_unwrap() -> None:
        assert_type(err.unwrap(), Never)

    def ok_expect_err() -> None:
        assert_type(ok.expect_err("msg"), Never)

    def ok_unwrap_err() -> None:
        assert_type(ok.unwrap_err(), Never)

    # Boolean operators.
    assert_type(ok.and_(Ok("a")), Ok[str])
    assert_type(err.and_(Ok("a")), Err[str])
    assert_type(res.and_(Ok("a")), Union[Ok[str], Err[str]])
    assert_type(ok.and_then(halve), Union[Ok[int], Err[str]])
    assert_type(ok.and_then(lambda v: Ok(str(v))), Ok[str])
    assert_type(err.and_then(halve), Err[str])
    assert_type(res.and_then(halve), Union[Ok[int], Err[str]])
    assert_type(ok.or_(Ok(2)), Ok[int])
    assert_type(err.or_(Ok(2)), Ok[int])
    assert_type(res.or_(Err(b"x")), Union[Ok[int], Err[bytes]])
    assert_type(ok.or_else(recover), Ok[int])
    assert_type(err.or_else(recover), Union[Ok[int], Err[bytes]])
    assert_type(res.or_else(recover), Union[Ok[int], Err[bytes]])

    # Iteration.
    assert_type(iter(ok), Iterator[int])
    assert_type(iter(err), Iterator[Never])
    assert_type(list(res), list[int])
    assert_type(ok.iter(), Iter[int])
    assert_type(err.iter(), Iter[Never])
    assert_type(res.iter(), Union[Iter[int], Iter[Never]])

    # catch and catch_call keep the parameters and collect the listed exception types.
    @catch(ValueError)
    def parse(text: str, base: int = 10) -> int:
        return int(text, base)

    @catch(ValueError, KeyError)
    def two(text: str) -> int:
        return int(text)

    @catch(ValueError, KeyError, OSError)
    def three(text: str) -> int:
        return int(text)

    @catch(ValueError, KeyError, OSError, TypeError)
    def four(text: str) -> int:
        return int(text)

    assert_type(parse("1"), Union[Ok[int], Err[ValueError]])
    assert_type(parse("1", base=16), Union[Ok[int], Err[ValueError]])
    assert_type(two("1"), Union[Ok[int], Err[Union[ValueError, KeyError]]])
    assert_type(three("1"), Union[Ok[int], Err[Union[ValueError, KeyError, OSError]]])
    assert_type(four("1"), Union[Ok[int], Err[Exception]])
    assert_type(catch_call(ValueError, int, "1"), Union[Ok[int], Err[ValueError]])
    assert_type(catch_call((ValueError,), int, "1"), Union[Ok[int], Err[ValueError]])
    assert_type(
        catch_call((ValueError, KeyError), parse, "1"),
        Union[Ok[Union[Ok[int], Err[ValueError]]], Err[Union[ValueError, KeyError]]],
    )
    assert_type(
        catch_call((ValueError, KeyError, OSError), int, "1"),
        Union[Ok[int], Err[Union[ValueError, KeyError, OSError]]],
    )
    assert_type(
        catch_call((ValueError, KeyError, OSError, TypeError), int, "1"),
        Union[Ok[int], Err[Exception]],
    )

    # Calls that must be rejected.
    Ok(1).map(len)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    Err(1).map_err(len)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    Ok(1).and_then(lambda v: v)  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]
    Ok(1).flatten()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    Ok(1).transpose()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    Ok(1).or_(2)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    Err("x").or_(2)  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]
    Err("x").unwrap_or_else(to_str)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    parse(1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    parse("1", radix=2)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    catch()  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    catch(KeyboardInterrupt)  # type: ignore[type-var]  # pyright: ignore[reportCallIssue, reportArgumentType]
    catch(BaseException)  # type: ignore[type-var]  # pyright: ignore[reportCallIssue, reportArgumentType]
    catch(int)  # type: ignore[type-var]  # pyright: ignore[reportCallIssue, reportArgumentType]
    catch_call(ValueError, int, "1", "2", "3")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    is_ok(1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
