"""Typing tests for Iter: checked by ``mypy --strict`` and pyright (strict), never run.

Lines ending in ``# type: ignore[code]`` must be rejected by mypy (``warn_unused_ignores`` turns
an accepted call into an error); the ``# pyright: ignore[rule]`` part keeps pyright quiet where
it rejects the same call.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

from typing_extensions import Never, TypeGuard, TypeIs, assert_type

from itero import (
    Err,
    Iter,
    MovedError,
    Nothing,
    Ok,
    Option,
    Peekable,
    PipelineTooDeepError,
    Result,
    Some,
    SupportsNext,
    count,
    empty,
    from_fn,
    once,
    once_with,
    repeat,
    repeat_with,
    successors,
)

# pytest (--doctest-modules) imports every module under tests/: only the type checkers see the body.
if TYPE_CHECKING:
    ints = Iter([1, 2, 3])
    strs = Iter(["a", "b"])

    def results() -> Iter[Ok[int] | Err[str]]:
        return Iter([Ok(1), Err("x")])

    def options() -> Iter[Some[int] | Nothing]:
        return Iter([Some(1), Nothing()])

    def pairs() -> Iter[tuple[str, int]]:
        return Iter([("a", 1)])

    def is_int(x: object) -> TypeIs[int]:
        return isinstance(x, int)

    def is_str_guard(x: object) -> TypeGuard[str]:
        return isinstance(x, str)

    def half(x: int) -> Option[int]:
        return Some(x // 2) if x % 2 == 0 else Nothing()

    def checked(x: int) -> Ok[int] | Err[str]:
        return Ok(x) if x > 0 else Err("not positive")

    class Countdown:
        def next(self) -> Option[int]:
            return Nothing()

    # --- construction and protocols ------------------------------------------------------------
    assert_type(Iter([1, 2]), Iter[int])
    assert_type(Iter("ab"), Iter[str])
    assert_type(Iter(Countdown()), Iter[int])
    assert_type(Iter(ints), Iter[int])
    assert_type(iter(ints), Iterator[int])
    assert_type(next(ints), int)
    assert_type(ints.next(), Some[int] | Nothing)
    assert_type(ints.size_hint(), tuple[int, Some[int] | Nothing])
    assert_type(ints.close(), None)
    with Iter([1]) as managed:
        assert_type(managed, Iter[int])
    src: SupportsNext[int] = Countdown()
    src_iter: SupportsNext[int] = ints  # an Iter is itself a SupportsNext
    assert_type(MovedError("x"), MovedError)
    assert_type(PipelineTooDeepError("x"), PipelineTooDeepError)
    Iter(42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

    # --- covariance ----------------------------------------------------------------------------
    as_objects: Iter[object] = ints
    as_floats: Iter[float] = ints

    # --- producers -----------------------------------------------------------------------------
    assert_type(empty(), Iter[Never])
    assert_type(once(1), Iter[int])
    assert_type(once_with(lambda: "x"), Iter[str])
    assert_type(repeat(1.5), Iter[float])
    assert_type(repeat("a", 3), Iter[str])
    assert_type(repeat_with(list[int]), Iter[list[int]])
    assert_type(from_fn(lambda: half(4)), Iter[int])
    assert_type(successors(Some(1), half), Iter[int])
    assert_type(count(), Iter[int])
    assert_type(count(1, 2), Iter[int])
    assert_type(count(0.5), Iter[float])
    assert_type(count(1, 0.5), Iter[float])
    count("a")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]

    # --- adapters that reshape -----------------------------------------------------------------
    assert_type(ints.chain([4], (5,)), Iter[int])
    assert_type(ints.chain(["a"]), Iter[int | str])
    assert_type(ints.zip("ab"), Iter[tuple[int, str]])
    assert_type(ints.zip("ab", [1.0]), Iter[tuple[int, str, float]])
    assert_type(ints.zip("a", [1.0], [b""]), Iter[tuple[int, str, float, bytes]])
    assert_type(ints.zip("a", [1.0], [b""], [None]), Iter[tuple[int, str, float, bytes, None]])
    assert_type(ints.zip("a", "b", "c", "d", "e"), Iter[tuple[Any, ...]])
    assert_type(ints.enumerate(), Iter[tuple[int, int]])
    assert_type(ints.enumerate(1), Iter[tuple[int, int]])
    assert_type(Iter([[1], [2]]).flatten(), Iter[int])
    assert_type(Iter(["ab"]).flatten(), Iter[str])
    assert_type(options().flatten(), Iter[int])
    assert_type(Iter([Some(1)]).flatten(), Iter[int])
    assert_type(results().flatten(), Iter[int])
    ints.flatten()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    assert_type(ints.flat_map(lambda x: [str(x)]), Iter[str])
    assert_type(ints.interleave("ab"), Iter[int | str])
    assert_type(ints.intersperse(0), Iter[int])
    assert_type(ints.intersperse("-"), Iter[int | str])
    assert_type(ints.zip_longest("ab"), Iter[tuple[int | str | None, ...]])
    assert_type(ints.zip_longest("ab", fillvalue=0.5), Iter[tuple[int | str | float, ...]])
    assert_type(ints.merge([4, 5]), Iter[int])
    assert_type(ints.merge([4], key=lambda x: -x), Iter[int])
    assert_type(ints.cycle(), Iter[int])
    assert_type(ints.peekable(), Peekable[int])
    assert_type(ints.fuse(), Iter[int])
    assert_type(ints.by_ref(), Iter[int])

    # --- adapters that map ---------------------------------------------------------------------
    assert_type(Iter([1, 2]).map(lambda x: x * 2.0), Iter[float])
    assert_type(ints.map(str).map(len).map(lambda n: n > 1), Iter[bool])
    assert_type(ints.inspect(print), Iter[int])
    assert_type(ints.filter_map(half), Iter[int])
    assert_type(ints.filter_map(lambda x: Some(str(x))), Iter[str])
    assert_type(ints.map_while(half), Iter[int])
    assert_type(ints.scan(0, lambda acc, x: Some((acc + x, str(acc)))), Iter[str])
    ints.map(1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    ints.map(lambda x, y: x)  # type: ignore[arg-type, misc]  # pyright: ignore[reportArgumentType, reportUnknownLambdaType]

    # --- adapters that cut ---------------------------------------------------------------------
    mixed: Iter[int | str] = Iter([1, "a"])
    assert_type(mixed.filter(is_int), Iter[int])
    assert_type(Iter([1, "a"]).filter(is_str_guard), Iter[str])
    assert_type(ints.filter(lambda x: x > 1), Iter[int])
    assert_type(ints.filter(bool), Iter[int])
    assert_type(ints.take(2), Iter[int])
    assert_type(ints.skip(2), Iter[int])
    assert_type(ints.take_while(lambda x: x < 2), Iter[int])
    assert_type(ints.skip_while(lambda x: x < 2), Iter[int])
    assert_type(ints.step_by(2), Iter[int])
    ints.take("2")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

    # --- grouping and windows ------------------------------------------------------------------
    assert_type(ints.chunks(2), Iter[list[int]])
    assert_type(ints.windows(2), Iter[tuple[int, ...]])
    assert_type(strs.chunk_by(str.upper), Iter[tuple[str, list[str]]])
    assert_type(ints.chunk_by(lambda x: x % 2 == 0), Iter[tuple[bool, list[int]]])
    assert_type(ints.dedup(), Iter[int])
    assert_type(ints.dedup_by_key(abs), Iter[int])
    assert_type(ints.unique(), Iter[int])
    assert_type(ints.unique_by_key(lambda x: x % 3), Iter[int])

    # --- Option/Result-aware adapters (only on an Iter of Results) ------------------------------
    assert_type(results().map_ok(str), Iter[Ok[str] | Err[str]])
    assert_type(results().map_err(len), Iter[Ok[int] | Err[int]])
    assert_type(results().and_then_ok(checked), Iter[Ok[int] | Err[str]])
    assert_type(results().filter_ok(lambda v: v > 0), Iter[Ok[int] | Err[str]])
    assert_type(results().inspect_err(print), Iter[Ok[int] | Err[str]])
    assert_type(results().oks(), Iter[int])
    assert_type(results().errs(), Iter[str])
    assert_type(results().try_collect(), Ok[list[int]] | Err[str])
    assert_type(results().partition_results(), tuple[list[int], list[str]])
    assert_type(results().process_results(lambda oks: oks.sum()), Ok[int] | Err[str])
    assert_type(results().process_results(lambda oks: oks.collect()), Ok[list[int]] | Err[str])

    def aliased() -> Iter[Result[int, str]]:
        return results()

    def aliased_default() -> Iter[Result[int]]:
        return Iter([Ok(1)])

    def optional_items() -> Iter[Option[int]]:
        return options()

    assert_type(aliased().map_ok(str), Iter[Ok[str] | Err[str]])
    assert_type(aliased().try_collect(), Ok[list[int]] | Err[str])
    assert_type(aliased_default().partition_results(), tuple[list[int], list[Exception]])
    assert_type(aliased().process_results(lambda oks: oks.skip(1).count()), Ok[int] | Err[str])
    assert_type(optional_items().flatten(), Iter[int])
    ints.map_ok(str)  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    ints.oks()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    ints.try_collect()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    ints.process_results(list)  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    results().map_ok(lambda s: s.upper())  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownLambdaType]

    # --- Peekable ------------------------------------------------------------------------------
    peek = ints.peekable()
    assert_type(peek.peek(), Some[int] | Nothing)
    assert_type(peek.next_if(lambda x: x > 1), Some[int] | Nothing)
    assert_type(peek.next_if_eq(1), Some[int] | Nothing)
    assert_type(peek.map(str), Iter[str])
    assert_type(peek.by_ref(), Peekable[int])
    assert_type(Peekable([1]), Peekable[int])
    ints.peek()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]

    # --- consumers that fold -------------------------------------------------------------------
    assert_type(ints.collect(), list[int])
    assert_type(ints.collect(set), set[int])
    assert_type(ints.collect(tuple), tuple[int, ...])
    assert_type(pairs().collect(dict), dict[str, int])
    assert_type(strs.collect(Counter), Counter[str])
    assert_type(strs.collect("".join), str)
    assert_type(ints.for_each(print), None)
    assert_type(ints.fold("", lambda acc, x: acc + str(x)), str)
    assert_type(ints.try_fold(0, lambda acc, x: checked(acc + x)), Ok[int] | Err[str])
    assert_type(ints.try_fold(0, lambda acc, x: half(acc + x)), Some[int] | Nothing | Ok[int])
    assert_type(ints.try_for_each(lambda x: checked(x)), Ok[None] | Err[str])
    assert_type(ints.reduce(operator.add), Some[int] | Nothing)
    assert_type(ints.count(), int)
    assert_type(ints.sum(), int)
    assert_type(Iter([1.5]).sum(), float | Literal[0])  # as the builtin sum()
    assert_type(ints.product(), int)
    assert_type(ints.min(), Some[int] | Nothing)
    assert_type(strs.max(), Some[str] | Nothing)
    assert_type(ints.min_by(lambda a, b: a - b), Some[int] | Nothing)
    assert_type(ints.max_by(lambda a, b: a - b), Some[int] | Nothing)
    assert_type(strs.min_by_key(len), Some[str] | Nothing)
    assert_type(strs.max_by_key(len), Some[str] | Nothing)
    assert_type(ints.last(), Some[int] | Nothing)
    assert_type(ints.partition(lambda x: x > 1), tuple[list[int], list[int]])
    assert_type(pairs().unzip(), tuple[list[str], list[int]])
    assert_type(strs.join(), str)
    assert_type(strs.join(", "), str)
    ints.join()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    # mypy does not check a bounded TypeVar in a self-type (it accepts these); pyright rejects them.
    strs.sum()  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    Iter([object()]).min()  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    ints.unzip()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]

    # --- consumers that search -----------------------------------------------------------------
    assert_type(ints.any(lambda x: x > 1), bool)
    assert_type(ints.all(lambda x: x > 1), bool)
    assert_type(ints.find(lambda x: x > 1), Some[int] | Nothing)
    assert_type(ints.find_map(half), Some[int] | Nothing)
    assert_type(ints.position(lambda x: x > 1), Some[int] | Nothing)
    assert_type(ints.nth(1), Some[int] | Nothing)

    # --- consumers that compare ----------------------------------------------------------------
    assert_type(ints.eq([1]), bool)
    assert_type(ints.ne(Iter([1])), bool)
    assert_type(ints.lt([1]), bool)
    assert_type(ints.le([1]), bool)
    assert_type(ints.gt([1]), bool)
    assert_type(ints.ge([1]), bool)
    assert_type(ints.cmp([1]), Literal[-1, 0, 1])
    assert_type(ints.is_sorted(), bool)
    assert_type(ints.is_sorted_by(lambda a, b: a <= b), bool)
    assert_type(strs.is_sorted_by_key(len), bool)
    Iter([object()]).is_sorted()  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]

    # --- Option/Result iter() ------------------------------------------------------------------
    assert_type(Some(1).iter(), Iter[int])
    assert_type(Nothing().iter(), Iter[Never])
    assert_type(Ok("a").iter(), Iter[str])
    assert_type(Err(1).iter(), Iter[Never])

    def accepts_iterable(xs: Iterable[int]) -> None: ...

    accepts_iterable(ints)
