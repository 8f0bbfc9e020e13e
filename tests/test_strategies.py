"""Tests for itero.strategies and the Hypothesis entry point that registers itero's types."""

from __future__ import annotations

import operator
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any, TypeVar

import hypothesis
import pytest
from hypothesis import given, settings, strategies as st

from itero import (
    Err,
    Iter,
    MovedError,
    Nothing,
    Ok,
    Option,
    Page,
    Peekable,
    Result,
    Some,
    from_pages,
)
from itero.strategies import (
    OneShot,
    PagedSource,
    PageTooLargeError,
    iters,
    options,
    paged_sources,
    results,
)

T = TypeVar("T")

# mypy rejects subscripting a Union alias in an expression ("Type application is only supported
# for generic classes"), as it rejects st.from_type(Optional[int]); at runtime both are fine.
OPTION_INT: Any = Option[int]  # type: ignore[misc]
RESULT_INT_STR: Any = Result[int, str]  # type: ignore[misc]
RESULT_OPTION_INT_STR: Any = Result[Option[int], str]  # type: ignore[misc]


def find(strategy: st.SearchStrategy[T], condition: Callable[[T], bool]) -> T:
    """``hypothesis.find`` without the example database, whose keys collide for lambdas."""
    return hypothesis.find(strategy, condition, settings=settings(database=None, max_examples=300))


def _source_of(it: Iter[Any]) -> object:
    """The iterator an Iter reads (``Iter.__iter__`` returns it; through a borrow, so ``it``
    stays usable)."""
    return iter(it.by_ref())


def _reference_listing(source: PagedSource[Any], limit: int) -> list[Any]:
    """Follow the tokens by hand: what a correct client collects at a fixed limit."""
    items: list[Any] = []
    token: str | None = None
    while True:
        page = source(token, limit)
        items.extend(page.items)
        if page.next_token is None:
            return items
        token = page.next_token


def _served_pages(source: PagedSource[Any]) -> list[Page[Any, str]]:
    """Replay the successful calls of ``source`` on a fresh copy, to inspect the pages."""
    replica = PagedSource(
        source.items, source.page_sizes, trailing_empty_page=source.trailing_empty_page
    )
    return [replica(*call) for call in source.calls if call not in source.too_large_calls]


# ------------------------------------------------------------------------------------------------
# options / results
# ------------------------------------------------------------------------------------------------


class TestOptions:
    def test_draws_nothing(self) -> None:
        assert find(options(st.integers()), lambda o: isinstance(o, Nothing)) == Nothing()

    def test_draws_some(self) -> None:
        assert find(options(st.integers()), lambda o: isinstance(o, Some)) == Some(0)

    def test_shrinks_to_nothing(self) -> None:
        assert find(options(st.integers()), lambda o: True) == Nothing()

    def test_some_values_come_from_values(self) -> None:
        found = find(options(st.integers(5, 9)), lambda o: isinstance(o, Some) and o.value > 7)
        assert found == Some(8)

    @given(options(st.integers(0, 3)))
    def test_every_draw_is_a_variant(self, o: Option[int]) -> None:
        assert o == Nothing() or (isinstance(o, Some) and o.value in range(4))

    def test_rejects_a_non_strategy(self) -> None:
        with pytest.raises(TypeError, match="values must be a Hypothesis SearchStrategy, got int"):
            options(3)  # type: ignore[arg-type]


class TestResults:
    def test_draws_ok(self) -> None:
        assert find(results(st.integers(), st.text()), lambda r: isinstance(r, Ok)) == Ok(0)

    def test_draws_err(self) -> None:
        assert find(results(st.integers(), st.text()), lambda r: isinstance(r, Err)) == Err("")

    def test_shrinks_to_ok(self) -> None:
        assert find(results(st.integers(), st.text()), lambda r: True) == Ok(0)

    def test_values_and_errors_come_from_their_strategies(self) -> None:
        strategy = results(st.just("v"), st.just("e"))
        assert find(strategy, lambda r: isinstance(r, Ok)) == Ok("v")
        assert find(strategy, lambda r: isinstance(r, Err)) == Err("e")

    @given(results(st.integers(0, 3), st.sampled_from("xy")))
    def test_every_draw_is_a_variant(self, r: Result[int, str]) -> None:
        assert (isinstance(r, Ok) and r.value in range(4)) or (
            isinstance(r, Err) and r.error in ("x", "y")
        )

    def test_rejects_non_strategies_naming_the_argument(self) -> None:
        with pytest.raises(TypeError, match="oks must be"):
            results(1, st.text())  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="errs must be"):
            results(st.text(), "e")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# iters (OneShot itself: tests/test_testing.py)
# ------------------------------------------------------------------------------------------------


class TestIters:
    def test_draws_list_backed(self) -> None:
        it = find(iters(st.integers()), lambda it: type(_source_of(it)).__name__ == "list_iterator")
        assert list(it) == []

    def test_draws_one_shot_backed(self) -> None:
        it = find(iters(st.integers(), min_size=1), lambda it: isinstance(_source_of(it), OneShot))
        assert list(it) == [0]

    @given(iters(st.integers(0, 9), min_size=2, max_size=4))
    def test_items_and_sizes(self, it: Iter[int]) -> None:
        items = list(it)
        assert 2 <= len(items) <= 4
        assert all(x in range(10) for x in items)

    @given(iters(st.integers()))
    def test_fresh_and_one_shot(self, it: Iter[int]) -> None:
        src = _source_of(it)
        if isinstance(src, OneShot):
            assert src.pulled == 0
            assert operator.length_hint(src, -1) == -1
        items = list(it)
        with pytest.raises(MovedError):
            list(it)
        if isinstance(src, OneShot):
            assert src.pulled == len(items)
            assert list(src.items) == items

    def test_failing_example_reads_well(self) -> None:
        @settings(database=None, max_examples=50)
        @given(iters(st.integers(0, 3), min_size=1))
        def check(it: Iter[int]) -> None:
            assert not isinstance(_source_of(it), OneShot)

        with pytest.raises(AssertionError) as info:
            check()
        assert "it=Iter(OneShot([0]))" in "\n".join(getattr(info.value, "__notes__", []))

    def test_bad_arguments(self) -> None:
        with pytest.raises(TypeError, match="values must be"):
            iters([1])  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="min_size must be >= 0, got -1"):
            iters(st.integers(), min_size=-1)
        with pytest.raises(ValueError, match=r"max_size must be >= min_size \(3\), got 2"):
            iters(st.integers(), min_size=3, max_size=2)
        with pytest.raises(TypeError, match="min_size must be an int, got bool"):
            iters(st.integers(), min_size=True)
        with pytest.raises(TypeError, match="max_size must be an int or None, got float"):
            iters(st.integers(), max_size=2.0)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# PagedSource / paged_sources
# ------------------------------------------------------------------------------------------------


class TestPagedSource:
    def test_serves_uneven_and_empty_pages(self) -> None:
        src = PagedSource("abcdef", page_sizes=[2, 0, 5])
        assert src(None, 10) == Page(["a", "b"], "p1@2")
        assert src("p1@2", 10) == Page([], "p2@2")
        assert src("p2@2", 3) == Page(["c", "d", "e"], "p3@5")
        assert src("p3@5", 10) == Page(["f"], None)
        assert src.calls == [(None, 10), ("p1@2", 10), ("p2@2", 3), ("p3@5", 10)]

    def test_trailing_empty_page(self) -> None:
        src = PagedSource([1, 2], page_sizes=[2], trailing_empty_page=True)
        assert src(None, 2) == Page([1, 2], "p1@2")
        assert src("p1@2", 2) == Page([], None)

    def test_empty_listing(self) -> None:
        assert PagedSource([])(None, 3) == Page([], None)
        assert PagedSource([], trailing_empty_page=True)(None, 3) == Page([], None)

    def test_same_token_same_page(self) -> None:
        src = PagedSource(range(10), page_sizes=[4])
        token = src(None, 4).next_token
        assert src(token, 4) == src(token, 4) == Page([4, 5, 6, 7], "p2@8")

    def test_too_large(self) -> None:
        src = PagedSource([1, 2, 3], too_large_above=2)
        with pytest.raises(PageTooLargeError, match="limit 3 is above 2"):
            src(None, 3)
        assert src(None, 2) == Page([1, 2], "p1@2")
        assert src.calls == [(None, 3), (None, 2)]
        assert src.too_large_calls == [(None, 3)]
        assert src.too_large_above == [2]

    def test_per_page_thresholds(self) -> None:
        src = PagedSource(range(5), page_sizes=[2], too_large_above=[None, 1, 2])
        assert src(None, 9) == Page([0, 1], "p1@2")
        with pytest.raises(PageTooLargeError, match="limit 2 is above 1"):
            src("p1@2", 2)
        assert src("p1@2", 1) == Page([2], "p2@3")
        assert src("p2@3", 2) == Page([3, 4], None)
        assert src.too_large_calls == [("p1@2", 2)]
        assert src.too_large_above == [None, 1, 2]
        assert PagedSource([1], too_large_above=[None]).too_large_above == []

    def test_too_large_custom_type(self) -> None:
        src = PagedSource([1], too_large_above=1, too_large=OverflowError)
        with pytest.raises(OverflowError, match="limit 2 is above 1"):
            src(None, 2)

    def test_client_bugs_are_errors(self) -> None:
        src = PagedSource([1, 2])
        with pytest.raises(ValueError, match="token 'p1@9' was not issued by this source"):
            src("p1@9", 1)
        with pytest.raises(ValueError, match="token 'x' was not issued"):
            src("x", 1)
        with pytest.raises(ValueError, match="token 3 was not issued"):
            src(3, 1)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="limit must be >= 1, got 0"):
            src(None, 0)
        with pytest.raises(TypeError, match="limit must be an int, got str"):
            src(None, "2")  # type: ignore[arg-type]
        src.close()
        with pytest.raises(RuntimeError, match=r"fetch called after close\(\)"):
            src(None, 1)
        assert src.closed is True

    def test_items_is_a_fresh_list(self) -> None:
        src = PagedSource((1, 2))
        src.items.append(3)
        assert src.items == [1, 2]

    def test_repr_round_trips(self) -> None:
        src = PagedSource(
            [1], [0, 2], too_large_above=3, too_large=KeyError, trailing_empty_page=True
        )
        text = "PagedSource([1], page_sizes=[0, 2], too_large_above=3, too_large=KeyError,"
        assert repr(src) == text + " trailing_empty_page=True)"
        assert repr(PagedSource("ab")) == "PagedSource(['a', 'b'], page_sizes=[3])"
        assert (src.page_sizes, src.too_large_above, src.trailing_empty_page) == ([0, 2], [3], True)
        per_page = PagedSource([1], too_large_above=(None, 2))
        assert repr(per_page) == "PagedSource([1], page_sizes=[3], too_large_above=[None, 2])"
        again = eval(repr(src), {"PagedSource": PagedSource, "KeyError": KeyError})
        assert repr(again) == repr(src)

    def test_bad_arguments(self) -> None:
        with pytest.raises(ValueError, match=r"page_sizes must hold a size > 0, got \[0, 0\]"):
            PagedSource([1], [0, 0])
        with pytest.raises(ValueError, match="page_sizes must hold a size > 0"):
            PagedSource([1], [])
        with pytest.raises(ValueError, match=r"page_sizes\[1\] must be >= 0, got -1"):
            PagedSource([1], [1, -1])
        with pytest.raises(TypeError, match="page_sizes must be a sequence of ints, got str"):
            PagedSource([1], "12")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="too_large_above must be >= 1, got 0"):
            PagedSource([1], too_large_above=0)
        with pytest.raises(ValueError, match=r"too_large_above\[1\] must be >= 1, got 0"):
            PagedSource([1], too_large_above=[None, 0])
        with pytest.raises(ValueError, match="too_large_above must not be empty"):
            PagedSource([1], too_large_above=[])
        with pytest.raises(TypeError, match="too_large_above must be an int, a sequence"):
            PagedSource([1], too_large_above="2")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="too_large must be an exception type, got <class"):
            PagedSource([1], too_large=int)  # type: ignore[arg-type]


class TestPagedSources:
    @given(paged_sources(st.integers()), st.integers(1, 20))
    def test_from_pages_yields_every_item_once(self, src: PagedSource[int], size: int) -> None:
        it = from_pages(src, page_size=size, too_large=PageTooLargeError, on_close=src.close)
        assert it.collect() == src.items
        assert src.closed is True

    @given(paged_sources(st.integers(), too_large=None), st.integers(1, 20))
    def test_reference_client_agrees(self, src: PagedSource[int], limit: int) -> None:
        assert _reference_listing(src, limit) == src.items

    @given(paged_sources(st.integers(), min_size=1), st.integers(1, 20))
    def test_from_pages_recovers_from_too_large(self, src: PagedSource[int], size: int) -> None:
        assert from_pages(src, page_size=size, too_large=PageTooLargeError).collect() == src.items
        # Each refused call is retried at once, same token, smaller limit (from_pages halves it).
        for failed in src.too_large_calls:
            retry = src.calls[src.calls.index(failed) + 1]
            assert retry == (failed[0], failed[1] // 2)

    def test_too_large_failures_are_drawn(self) -> None:
        src = find(paged_sources(st.integers()), lambda s: s.too_large_above != [])
        assert src.too_large_above == [1]
        with pytest.raises(PageTooLargeError):
            src(None, 2)

    def test_too_large_failures_in_the_middle_are_drawn(self) -> None:
        def fails_mid_listing(src: PagedSource[int]) -> bool:
            assert from_pages(src, page_size=8, too_large=PageTooLargeError).collect() == src.items
            return any(token is not None for token, _ in src.too_large_calls)

        src = find(paged_sources(st.integers(), too_large=PageTooLargeError), fails_mid_listing)
        assert src.too_large_calls[-1][0] is not None

    def test_custom_too_large_type(self) -> None:
        src = find(
            paged_sources(st.integers(), too_large=LookupError),
            lambda s: s.too_large_above[:1] == [1],
        )
        with pytest.raises(LookupError):
            src(None, 2)
        assert from_pages(src, page_size=8, too_large=LookupError).collect() == src.items

    @given(paged_sources(st.integers(), too_large=None, max_page_size=3), st.integers(1, 30))
    def test_no_failures_when_disabled(self, src: PagedSource[int], size: int) -> None:
        assert src.too_large_above == []
        assert from_pages(src, page_size=size).collect() == src.items
        assert all(len(page.items) <= 3 for page in _served_pages(src))

    def test_draws_empty_pages_in_the_middle(self) -> None:
        def has_empty_middle_page(src: PagedSource[int]) -> bool:
            _reference_listing(src, 8)
            return any(not p.items and p.next_token for p in _served_pages(src))

        src = find(paged_sources(st.integers(), min_size=1, too_large=None), has_empty_middle_page)
        assert src.items == [0]

    def test_draws_trailing_empty_pages(self) -> None:
        src = find(paged_sources(st.integers()), lambda s: s.trailing_empty_page)
        assert src(None, 8) == Page([], None)
        src = find(
            paged_sources(st.integers(), min_size=1),
            lambda s: s.trailing_empty_page,
        )
        assert src(None, 8) == Page([0], "p1@1")
        assert src("p1@1", 8) == Page([], None)

    @given(paged_sources(st.integers(0, 5), min_size=2, max_size=4, max_page_size=3))
    def test_drawn_recipe_within_bounds(self, src: PagedSource[int]) -> None:
        assert 2 <= len(src.items) <= 4
        assert all(x in range(6) for x in src.items)
        assert 1 <= len(src.page_sizes) <= 5
        assert all(0 <= n <= 3 for n in src.page_sizes)
        assert any(src.page_sizes)
        assert len(src.too_large_above) <= 3
        assert all(t is None or 1 <= t <= 3 for t in src.too_large_above)

    def test_failing_example_reads_well(self) -> None:
        @settings(database=None, max_examples=50)
        @given(paged_sources(st.integers(0, 3), min_size=2, too_large=None))
        def check(src: PagedSource[int]) -> None:
            raise AssertionError

        with pytest.raises(AssertionError) as info:
            check()
        notes = "\n".join(getattr(info.value, "__notes__", []))
        assert "src=PagedSource([0, 0], page_sizes=[1])" in notes

    def test_bad_arguments(self) -> None:
        with pytest.raises(TypeError, match="values must be"):
            paged_sources(None)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="max_page_size must be >= 1, got 0"):
            paged_sources(st.integers(), max_page_size=0)
        with pytest.raises(ValueError, match="min_size must be >= 0"):
            paged_sources(st.integers(), min_size=-2)
        with pytest.raises(TypeError, match="too_large must be an exception type or None"):
            paged_sources(st.integers(), too_large=str)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# from_type and the entry point
# ------------------------------------------------------------------------------------------------


class TestFromType:
    def test_option(self) -> None:
        strategy = st.from_type(OPTION_INT)
        assert find(strategy, lambda o: isinstance(o, Nothing)) == Nothing()
        assert find(strategy, lambda o: isinstance(o, Some) and o.value > 2) == Some(3)

    def test_result(self) -> None:
        strategy = st.from_type(RESULT_INT_STR)
        assert find(strategy, lambda r: isinstance(r, Ok) and r.value > 2) == Ok(3)
        assert find(strategy, lambda r: isinstance(r, Err) and r.error != "") == Err("0")

    def test_variants(self) -> None:
        assert find(st.from_type(Some[str]), lambda o: True) == Some("")
        assert find(st.from_type(Nothing), lambda o: True) == Nothing()
        assert find(st.from_type(Ok[bool]), lambda r: r.value is True) == Ok(True)
        assert find(st.from_type(Err[int]), lambda r: r.error < 0) == Err(-1)

    def test_bare_generics(self) -> None:
        assert isinstance(find(st.from_type(Some), lambda o: True), Some)
        assert isinstance(find(st.from_type(Iter), lambda it: True), Iter)

    def test_iter(self) -> None:
        strategy = st.from_type(Iter[int])
        it = find(strategy, lambda it: isinstance(_source_of(it), OneShot) and sum(it.by_ref()) > 1)
        assert repr(_source_of(it)) == "OneShot([2])"
        assert list(find(strategy, lambda it: True)) == []

    def test_peekable(self) -> None:
        strategy = st.from_type(Peekable[int])
        p = find(strategy, lambda p: isinstance(p, Peekable) and p.peek() != Nothing())
        assert p.peek() == Some(0)
        assert p.collect() == [0]
        assert find(st.from_type(Iter[int]), lambda it: True).__class__ is Iter

    @given(st.from_type(RESULT_OPTION_INT_STR))
    def test_nested(self, r: Result[Option[int], str]) -> None:
        if isinstance(r, Ok):
            assert r.value == Nothing() or isinstance(r.value, Some)
            assert isinstance(r.value, Nothing) or isinstance(r.value.value, int)
        else:
            assert isinstance(r.error, str)


def _run(script: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_NO_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class TestEntryPoint:
    def test_importing_itero_does_not_import_hypothesis(self) -> None:
        out = _run(
            """
            import sys
            import itero
            print(sorted(m for m in sys.modules if m.startswith(("hypothesis", "itero."))))
            """
        )
        assert "hypothesis" not in out
        assert "itero.strategies" not in out
        assert "itero._hypothesis_hook" not in out

    def test_from_type_works_without_importing_itero_strategies(self) -> None:
        out = _run(
            """
            import sys
            from hypothesis import find as _find, given, settings, strategies as st
            from itero import Err, Iter, Nothing, Ok, Option, Result, Some

            def find(strategy, condition):
                return _find(strategy, condition, settings=settings(database=None))

            assert "itero._hypothesis_hook" in sys.modules  # the entry point ran
            assert "itero.strategies" not in sys.modules
            print(find(st.from_type(Option[int]), lambda o: isinstance(o, Some) and o.value > 4))
            print(find(st.from_type(Option[int]), lambda o: isinstance(o, Nothing)))
            print(find(st.from_type(Result[int, str]), lambda r: isinstance(r, Err)))
            print(find(st.from_type(Result[int, str]), lambda r: isinstance(r, Ok)))
            print(find(st.from_type(Some[int]), lambda o: o.value < 0))
            print(find(st.from_type(Nothing), lambda o: True))
            print(find(st.from_type(Ok[int]), lambda r: r.value > 0))
            print(find(st.from_type(Err[str]), lambda r: len(r.error) > 0))
            print(find(st.from_type(Iter[int]), lambda it: len(list(it)) == 2).__class__.__name__)

            @settings(max_examples=20, database=None)
            @given(st.from_type(Iter[int]))
            def check(it):
                assert all(isinstance(x, int) for x in it)

            check()
            print("ok")
            """
        )
        assert out.split("\n") == [
            "Some(5)",
            "Nothing()",
            "Err('')",
            "Ok(0)",
            "Some(-1)",
            "Nothing()",
            "Ok(1)",
            "Err('0')",
            "Iter",
            "ok",
            "",
        ]

    def test_hook_is_idempotent(self) -> None:
        from itero._hypothesis_hook import _hypothesis_setup_hook

        _hypothesis_setup_hook()
        _hypothesis_setup_hook()
        assert find(st.from_type(OPTION_INT), lambda o: isinstance(o, Some)) == Some(0)
