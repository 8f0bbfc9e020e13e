"""Tests of pagination: from_pages / try_from_pages (client side) and cut_page / Page (server).

Fake backends record every fetch call, so the tests can assert exactly which pages were asked
for, with which limits, and when; Hypothesis drives the page layouts, the page sizes and the
"too large" thresholds.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import re
import weakref
from collections.abc import AsyncIterable, Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from hypothesis import given, strategies as st

from _helpers import FakeClock
from itero import (
    Err,
    ItemTooLargeError,
    Iter,
    ListingDeadlineError,
    Ok,
    Page,
    PageItemTooLargeError,
    PageRecord,
    PaginationError,
    RepeatedTokenError,
    RetriesExhaustedError,
    Retry,
    afrom_pages,
    atry_from_pages,
    cut_page,
    from_pages,
    try_from_pages,
)
from itero._paging import GROW_AFTER, StreamMeter
from itero.strategies import PagedSource, PageTooLargeError, paged_sources
from itero.testing import OneShot

T = TypeVar("T")


class TooLarge(Exception):
    """What the fake servers raise when a page would be too large."""


class Backend:
    """A server over ``items``: the token is the index of the page's first item.

    ``thresholds`` maps a token to the largest limit the server accepts there (larger limits
    raise ``TooLarge``); ``fail_at`` maps a token to an exception to raise. Every call is
    recorded as ``(token, limit, outcome)``.
    """

    def __init__(
        self,
        items: list[int],
        thresholds: dict[int, int] | None = None,
        fail_at: dict[int, Exception] | None = None,
    ) -> None:
        self.items = items
        self.thresholds = thresholds or {}
        self.fail_at = fail_at or {}
        self.calls: list[tuple[int | None, int, str]] = []

    def fetch(self, token: int | None, limit: int) -> Page[int, int]:
        start = token or 0
        if start in self.fail_at:
            self.calls.append((token, limit, "failed"))
            raise self.fail_at[start]
        if limit > self.thresholds.get(start, limit):
            self.calls.append((token, limit, "too large"))
            raise TooLarge(f"limit {limit} at {start}")
        self.calls.append((token, limit, "ok"))
        chunk = self.items[start : start + limit]
        end = start + len(chunk)
        return Page(chunk, end if end < len(self.items) else None)


class Scripted:
    """A server that returns fixed pages (a list of item lists), token = page index."""

    def __init__(self, pages: list[list[int]]) -> None:
        self.pages = pages
        self.calls: list[int | None] = []

    def fetch(self, token: int | None, limit: int) -> Page[int, int]:
        self.calls.append(token)
        i = token or 0
        return Page(self.pages[i], i + 1 if i + 1 < len(self.pages) else None)


class UntouchableBackend:
    """A backend that fails the test if anything fetches a page from it."""

    def fetch(self, token: object, limit: int) -> Page[int, int]:
        raise AssertionError("fetched before anything was asked for")


class CallCounter:
    """A zero-argument callback (e.g. ``on_close``) that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


class TestPage:
    def test_fields_and_defaults(self) -> None:
        page: Page[int, str] = Page([1, 2], "next")
        assert (page.items, page.next_token) == ([1, 2], "next")
        assert Page([3]).next_token is None

    def test_frozen_and_slotted(self) -> None:
        page = Page([1], 2)
        with pytest.raises(AttributeError):
            page.next_token = 3  # type: ignore[misc]
        assert not hasattr(page, "__dict__")

    def test_equality_and_repr(self) -> None:
        assert Page([1], 2) == Page([1], 2)
        assert Page([1], 2) != Page([1], 3)
        assert repr(Page(["a"], None)) == "Page(items=['a'], next_token=None)"


class TestFromPages:
    def test_yields_every_item_in_order(self) -> None:
        backend = Backend(list(range(7)))
        assert from_pages(backend.fetch, page_size=3).collect() == list(range(7))
        assert backend.calls == [(None, 3, "ok"), (3, 3, "ok"), (6, 3, "ok")]

    def test_returns_an_iter(self) -> None:
        assert isinstance(from_pages(Backend([1]).fetch, page_size=1), Iter)

    def test_empty_listing(self) -> None:
        assert from_pages(Backend([]).fetch, page_size=3).collect() == []

    def test_empty_pages_are_skipped(self) -> None:
        backend = Scripted([[], [1, 2], [], [], [3], []])
        assert from_pages(backend.fetch, page_size=5).collect() == [1, 2, 3]
        assert backend.calls == [None, 1, 2, 3, 4, 5]

    def test_start_token(self) -> None:
        backend = Backend(list(range(10)))
        assert from_pages(backend.fetch, page_size=4, start=6).collect() == [6, 7, 8, 9]
        assert backend.calls[0] == (6, 4, "ok")

    @pytest.mark.parametrize("last", ["", b""])
    def test_empty_token_ends(self, last: str | bytes) -> None:
        def fetch(token: str | bytes | None, limit: int) -> Page[int, str | bytes]:
            return Page([1], last) if token is None else Page([2], None)

        assert from_pages(fetch, page_size=1).collect() == [1]

    def test_zero_token_does_not_end(self) -> None:
        def fetch(token: int | None, limit: int) -> Page[str, int]:
            return Page(["first"], 0) if token is None else Page(["second"], None)

        assert from_pages(fetch, page_size=1).collect() == ["first", "second"]

    def test_building_fetches_nothing(self) -> None:
        from_pages(UntouchableBackend().fetch, page_size=3)

    def test_next_page_fetched_only_when_reached(self) -> None:
        backend = Backend(list(range(6)))
        it = from_pages(backend.fetch, page_size=2)
        assert backend.calls == []
        assert [next(it), next(it)] == [0, 1]
        assert len(backend.calls) == 1
        assert next(it) == 2
        assert len(backend.calls) == 2

    @given(
        st.lists(st.lists(st.integers(), max_size=4), min_size=1, max_size=8),
        st.integers(0, 40),
    )
    def test_fetches_only_what_the_consumer_needs(self, pages: list[list[int]], k: int) -> None:
        backend = Scripted(pages)
        items = [x for page in pages for x in page]
        got = list(itertools.islice(from_pages(backend.fetch, page_size=4), k))
        assert got == items[:k]
        if k == 0:
            assert backend.calls == []
        elif k < len(items):
            # Pages up to and including the one holding item k - 1, and not one more.
            sizes = list(itertools.accumulate(len(p) for p in pages))
            needed = next(i for i, total in enumerate(sizes) if total >= k) + 1
            assert len(backend.calls) == needed

    def test_holds_at_most_one_page(self) -> None:
        class PageList(list[int]):
            """A list that can be weakly referenced."""

        previous: list[weakref.ref[PageList]] = []

        def fetch(token: int | None, limit: int) -> Page[int, int]:
            # By the time the next page is asked for, no earlier page is alive.
            assert all(ref() is None for ref in previous)
            start = token or 0
            items = PageList(range(start, start + limit))
            previous.append(weakref.ref(items))
            return Page(items, start + limit if start + limit < 12 else None)

        total = 0
        for x in from_pages(fetch, page_size=3).filter(lambda x: x % 2 == 0):
            total += x
        assert total == 0 + 2 + 4 + 6 + 8 + 10
        assert len(previous) == 4

    def test_fetch_errors_propagate_unchanged_after_earlier_items(self) -> None:
        boom = ConnectionError("down")
        backend = Backend(list(range(6)), fail_at={4: boom})
        it = from_pages(backend.fetch, page_size=2)
        assert [next(it) for _ in range(4)] == [0, 1, 2, 3]
        with pytest.raises(ConnectionError) as info:
            next(it)
        assert info.value is boom

    def test_fetch_must_return_a_page(self) -> None:
        def fetch(token: int | None, limit: int) -> Page[int, int]:
            return {"items": [1]}  # type: ignore[return-value]

        with pytest.raises(TypeError, match=r"^fetch must return a Page, got dict$"):
            from_pages(fetch, page_size=1).collect()


class TestAdaptivePageSize:
    def test_halves_and_keeps_the_smaller_limit(self) -> None:
        backend = Backend(list(range(10)), thresholds={0: 3})
        got = from_pages(backend.fetch, page_size=10, too_large=TooLarge, grow_after=None)
        assert got.collect() == list(range(10))
        assert backend.calls == [
            (None, 10, "too large"),
            (None, 5, "too large"),
            (None, 2, "ok"),
            (2, 2, "ok"),
            (4, 2, "ok"),
            (6, 2, "ok"),
            (8, 2, "ok"),
        ]

    def test_accepts_a_tuple_of_types(self) -> None:
        backend = Backend([1, 2], thresholds={0: 1})
        got = from_pages(backend.fetch, page_size=2, too_large=(KeyError, TooLarge)).collect()
        assert got == [1, 2]

    def test_other_exceptions_are_not_retried(self) -> None:
        backend = Backend([1, 2], thresholds={0: 1})
        with pytest.raises(TooLarge):
            from_pages(backend.fetch, page_size=2, too_large=KeyError).collect()
        assert backend.calls == [(None, 2, "too large")]

    def test_single_item_too_large_names_the_token(self) -> None:
        backend = Backend(list(range(6)), thresholds={3: 0})
        it = from_pages(backend.fetch, page_size=3, too_large=TooLarge)
        assert [next(it) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(PageItemTooLargeError) as info:
            next(it)
        assert info.value.token == 3
        assert str(info.value) == (
            "the item at token 3 is too large even in a page of one item (limit=1)"
        )
        assert isinstance(info.value.__cause__, TooLarge)
        assert str(info.value.__cause__) == "limit 1 at 3"
        assert isinstance(info.value, PaginationError)
        assert [c for c in backend.calls if c[0] == 3] == [(3, 3, "too large"), (3, 1, "too large")]

    @given(
        st.lists(st.integers(), max_size=30),
        st.integers(1, 12),
        st.dictionaries(st.integers(0, 30), st.integers(1, 12)),
    )
    def test_every_item_exactly_once_in_order(
        self, items: list[int], page_size: int, thresholds: dict[int, int]
    ) -> None:
        backend = Backend(items, thresholds)
        got = from_pages(
            backend.fetch, page_size=page_size, too_large=TooLarge, grow_after=None
        ).collect()
        assert got == items
        limits = [limit for _, limit, _ in backend.calls]
        assert limits == sorted(limits, reverse=True)  # never grows back
        for (token, limit, outcome), following in itertools.pairwise(backend.calls):
            if outcome == "too large":
                assert following[:2] == (token, limit // 2)


class TestRepeatedToken:
    def test_immediate_repeat_is_an_error_after_the_items(self) -> None:
        def fetch(token: str | None, limit: int) -> Page[int, str]:
            return Page([1], "a") if token is None else Page([2], "a")

        it = from_pages(fetch, page_size=1)
        assert [next(it), next(it)] == [1, 2]
        with pytest.raises(RepeatedTokenError) as info:
            next(it)
        assert info.value.token == "a"
        assert str(info.value) == (
            "the next-page token 'a' was already used; following it would loop forever"
        )
        assert isinstance(info.value, PaginationError)
        assert isinstance(info.value, RuntimeError)

    def test_start_token_repeated(self) -> None:
        def fetch(token: str | None, limit: int) -> Page[int, str]:
            return Page([1], "s")

        with pytest.raises(RepeatedTokenError):
            from_pages(fetch, page_size=1, start="s").collect()

    @given(
        st.lists(st.integers(0, 9), min_size=10, max_size=10),
        st.lists(st.booleans(), min_size=10, max_size=10),
        st.integers(0, 9),
    )
    def test_any_cycle_is_caught(self, succ: list[int], ends: list[bool], first: int) -> None:
        # Tokens 0..9; token t leads to succ[t], or ends the listing when ends[t].
        def fetch(token: int | None, limit: int) -> Page[int, int]:
            t = first if token is None else token
            return Page([t], None if ends[t] else succ[t])

        path = [first]
        while not ends[path[-1]] and succ[path[-1]] not in path:
            path.append(succ[path[-1]])
        it = from_pages(fetch, page_size=1)
        got = list(itertools.islice(it.by_ref(), len(path)))
        assert got == path
        if ends[path[-1]]:
            assert list(it) == []
        else:
            # A cycle: caught within a bounded number of extra pages.
            rest: list[int] = []
            with pytest.raises(RepeatedTokenError):
                for x in it:
                    rest.append(x)
                    assert len(rest) <= 4 * len(path)


class TestTryFromPages:
    def test_items_then_err_then_end(self) -> None:
        boom = ConnectionError("down")
        backend = Backend(list(range(5)), fail_at={4: boom})
        got = try_from_pages(backend.fetch, page_size=2).collect()
        assert got == [Ok(0), Ok(1), Ok(2), Ok(3), Err(boom)]
        assert got[-1].error is boom  # type: ignore[union-attr]

    def test_without_failure_all_ok(self) -> None:
        backend = Backend([1, 2, 3])
        assert try_from_pages(backend.fetch, page_size=2).collect() == [Ok(1), Ok(2), Ok(3)]

    def test_pagination_errors_become_err(self) -> None:
        backend = Backend([1, 2, 3], thresholds={2: 0})
        got = try_from_pages(backend.fetch, page_size=2, too_large=TooLarge).collect()
        assert got[:2] == [Ok(1), Ok(2)]
        assert len(got) == 3
        assert isinstance(got[2], Err)
        assert isinstance(got[2].error, PageItemTooLargeError)
        assert got[2].error.token == 2

    def test_base_exceptions_propagate(self) -> None:
        def fetch(token: int | None, limit: int) -> Page[int, int]:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            try_from_pages(fetch, page_size=1).collect()

    def test_building_fetches_nothing(self) -> None:
        try_from_pages(UntouchableBackend().fetch, page_size=3)

    @given(st.lists(st.integers(), max_size=20), st.integers(1, 5), st.integers(0, 25))
    def test_delivers_everything_before_the_error(
        self, items: list[int], page_size: int, fail: int
    ) -> None:
        boom = ValueError(f"failed at {fail}")
        backend = Backend(items, fail_at={fail: boom})
        got = try_from_pages(backend.fetch, page_size=page_size).collect()
        # The server fails when a page starts at `fail` (page starts are multiples of size).
        starts = range(0, max(len(items), 1), page_size)
        if fail in starts:
            assert got == [Ok(x) for x in items[:fail]] + [Err(boom)]
        else:
            assert got == [Ok(x) for x in items]


class TestOnClose:
    def test_called_once_when_exhausted(self) -> None:
        on_close = CallCounter()
        it = from_pages(Backend(list(range(5))).fetch, page_size=2, on_close=on_close)
        assert [next(it) for _ in range(5)] == [0, 1, 2, 3, 4]
        assert on_close.calls == 0  # the listing has not been seen to end yet
        assert list(it) == []
        assert on_close.calls == 1
        it.close()
        assert on_close.calls == 1

    def test_called_once_on_error(self) -> None:
        on_close = CallCounter()
        backend = Backend([1, 2], fail_at={1: OSError("x")})
        with pytest.raises(OSError):
            from_pages(backend.fetch, page_size=1, on_close=on_close).collect()
        assert on_close.calls == 1

    def test_called_before_the_err_is_delivered(self) -> None:
        on_close = CallCounter()
        backend = Backend([1, 2], fail_at={1: OSError("x")})
        it = try_from_pages(backend.fetch, page_size=1, on_close=on_close)
        assert next(it) == Ok(1)
        assert on_close.calls == 0
        assert isinstance(next(it), Err)
        assert on_close.calls == 1
        assert list(it) == []
        assert on_close.calls == 1

    def test_close_part_way(self) -> None:
        on_close = CallCounter()
        backend = Backend(list(range(10)))
        it = from_pages(backend.fetch, page_size=2, on_close=on_close)
        assert next(it) == 0
        it.close()
        assert on_close.calls == 1
        it.close()
        assert on_close.calls == 1
        assert len(backend.calls) == 1

    def test_close_before_anything_was_fetched(self) -> None:
        on_close = CallCounter()
        it = from_pages(UntouchableBackend().fetch, page_size=2, on_close=on_close)
        it.close()
        assert on_close.calls == 1

    def test_close_through_a_pipeline(self) -> None:
        on_close = CallCounter()
        it = from_pages(Backend(list(range(10))).fetch, page_size=2, on_close=on_close)
        pipeline = it.filter(lambda x: x > 2).map(str)
        assert next(pipeline) == "3"
        pipeline.close()
        assert on_close.calls == 1

    def test_with_block(self) -> None:
        on_close = CallCounter()
        with from_pages(Backend(list(range(10))).fetch, page_size=2, on_close=on_close) as it:
            assert next(it) == 0
        assert on_close.calls == 1

    def test_try_from_pages_close(self) -> None:
        on_close = CallCounter()
        it = try_from_pages(Backend([1, 2, 3]).fetch, page_size=1, on_close=on_close)
        assert next(it) == Ok(1)
        it.close()
        assert on_close.calls == 1

    def test_on_close_errors_propagate(self) -> None:
        def on_close() -> None:
            raise RuntimeError("release failed")

        with pytest.raises(RuntimeError, match="release failed"):
            from_pages(Backend([1]).fetch, page_size=1, on_close=on_close).collect()


class TestFromPagesArguments:
    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"fetch": 3}, TypeError, "fetch must be callable, got int"),
            ({"page_size": 0}, ValueError, "page_size must be >= 1, got 0"),
            ({"page_size": -2}, ValueError, "page_size must be >= 1, got -2"),
            ({"page_size": 2.0}, TypeError, "page_size must be an int, got float"),
            ({"page_size": True}, TypeError, "page_size must be an int, got bool"),
            (
                {"too_large": ValueError("x")},
                TypeError,
                "too_large must be an exception type or a tuple of them, got ValueError('x')",
            ),
            (
                {"too_large": (KeyError, int)},
                TypeError,
                "too_large must be an exception type or a tuple of them, got "
                "(<class 'KeyError'>, <class 'int'>)",
            ),
            ({"on_close": "x"}, TypeError, "on_close must be callable or None, got str"),
            ({"on_page": 3}, TypeError, "on_page must be callable or None, got int"),
            ({"retry": 3}, TypeError, "retry must be a Retry or None, got int"),
            ({"deadline": "1"}, TypeError, "deadline must be a number, got str"),
            ({"grow_after": 0}, ValueError, "grow_after must be >= 1, got 0"),
            ({"clock": None}, TypeError, "clock must be callable, got NoneType"),
            ({"sleep": 1}, TypeError, "sleep must be callable, got int"),
        ],
    )
    @pytest.mark.parametrize("producer", [from_pages, try_from_pages])
    def test_bad_arguments_raise_at_the_call(
        self,
        producer: Callable[..., Any],
        kwargs: dict[str, Any],
        error: type[Exception],
        message: str,
    ) -> None:
        args: dict[str, Any] = {"fetch": UntouchableBackend().fetch, "page_size": 2, **kwargs}
        fetch = args.pop("fetch")
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            producer(fetch, **args)


def by_first(row: tuple[int, str]) -> int:
    return row[0]


def identity(x: int) -> int:
    return x


sorted_keys = st.sets(st.integers(-50, 50), max_size=25).map(sorted)


class TestCutPage:
    def test_examples(self) -> None:
        rows = [(1, "a"), (2, "b"), (4, "c"), (7, "d")]
        assert cut_page(rows, key=by_first, start=None, limit=3) == Page(rows[:3], 7)
        assert cut_page(rows, key=by_first, start=7, limit=3) == Page(rows[3:], None)
        assert cut_page(rows, key=by_first, start=5, limit=1) == Page([(7, "d")], None)
        assert cut_page(rows, key=by_first, start=8, limit=1) == Page([], None)
        assert cut_page([], key=by_first, start=None, limit=1) == Page([], None)

    def test_exact_fit_has_no_next_token(self) -> None:
        assert cut_page([1, 2], key=identity, start=None, limit=2) == Page([1, 2], None)

    @given(sorted_keys, st.integers(1, 6))
    def test_following_tokens_reconstructs_the_source(self, source: list[int], limit: int) -> None:
        pages: list[list[int]] = []
        token: int | None = None
        while True:
            page = cut_page(source, key=identity, start=token, limit=limit)
            pages.append(list(page.items))
            assert len(page.items) <= limit
            if page.next_token is None:
                break
            assert len(page.items) == limit
            token = page.next_token
        assert [x for p in pages for x in p] == source

    @given(sorted_keys, st.integers(1, 6))
    def test_from_pages_over_cut_page_is_the_source(self, source: list[int], limit: int) -> None:
        def fetch(token: int | None, limit: int) -> Page[int, int]:
            return cut_page(source, key=identity, start=token, limit=limit)

        assert from_pages(fetch, page_size=limit).collect() == source

    @given(sorted_keys, st.integers(1, 6), st.data())
    def test_reads_at_most_limit_plus_one_after_start(
        self, source: list[int], limit: int, data: st.DataObject
    ) -> None:
        i = data.draw(st.integers(0, len(source)))
        start = source[i] if i < len(source) else 51
        # A source that begins at start: at most limit + 1 items are read.
        counting = OneShot(source[i:])
        page = cut_page(counting, key=identity, start=start, limit=limit)
        assert list(page.items) == source[i : i + limit]
        assert counting.pulled == min(limit + 1, len(source) - i)
        # The whole source: the i items before start are read and dropped as well.
        counting = OneShot(source)
        cut_page(counting, key=identity, start=start, limit=limit)
        assert counting.pulled == i + min(limit + 1, len(source) - i)

    def test_unsorted_source_is_an_error(self) -> None:
        with pytest.raises(
            ValueError, match=r"^source must be sorted by key with unique keys: key 2 follows 3$"
        ):
            cut_page([1, 3, 2], key=identity, start=None, limit=5)

    def test_duplicate_keys_are_an_error(self) -> None:
        with pytest.raises(ValueError, match="key 3 follows 3"):
            cut_page([1, 3, 3], key=identity, start=None, limit=2)

    def test_source_is_not_closed(self) -> None:
        def gen() -> Iterator[int]:
            yield from range(10)

        source = gen()
        cut_page(source, key=identity, start=None, limit=2)
        assert next(source) == 3  # 0, 1 in the page, 2 read for the next token

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"limit": 0}, ValueError, "limit must be >= 1, got 0"),
            ({"limit": "3"}, TypeError, "limit must be an int, got str"),
            ({"key": None}, TypeError, "key must be callable, got NoneType"),
        ],
    )
    def test_bad_arguments(
        self, kwargs: dict[str, Any], error: type[Exception], message: str
    ) -> None:
        args: dict[str, Any] = {"key": identity, "start": None, "limit": 2, **kwargs}
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            cut_page([1, 2], **args)


# ---------------------------------------------------------------------------------------------
# Byte budgets (server side)


class TestCutPageByteBudget:
    def test_examples(self) -> None:
        names = ["ant", "bee", "cicada", "dragonfly"]
        assert cut_page(names, key=str, start=None, limit=9, max_bytes=10) == Page(
            ["ant", "bee"], "cicada", 6
        )
        assert cut_page(names, key=str, start=None, limit=1, max_bytes=10) == Page(
            ["ant"], "bee", 3
        )
        assert cut_page(names, key=str, start="b", limit=9, max_bytes=100) == Page(
            names[1:], None, 18
        )
        assert cut_page([], key=str, start=None, limit=9, max_bytes=10) == Page([], None, 0)

    def test_overheads_count(self) -> None:
        names = ["ab", "cd", "ef"]
        # 1 + (2 + 2) + (2 + 2) = 9 <= 9; the third would make 13.
        page = cut_page(
            names, key=str, start=None, limit=9, max_bytes=9, page_overhead=1, item_overhead=2
        )
        assert page == Page(["ab", "cd"], "ef", 9)

    def test_size_function(self) -> None:
        rows = [(1, 5), (2, 5), (3, 1)]
        page = cut_page(rows, key=by_first_int, start=None, limit=9, max_bytes=6, size=second)
        assert page == Page([(1, 5)], 2, 5)

    def test_first_item_too_large_names_its_key(self) -> None:
        names = ["a", "b", "huge!", "c"]
        with pytest.raises(ItemTooLargeError) as info:
            cut_page(names, key=str, start="h", limit=9, max_bytes=6, page_overhead=2)
        err = info.value
        assert (err.key, err.index, err.size, err.max_bytes, err.overhead, err.unit) == (
            "huge!",
            2,
            5,
            6,
            2,
            "page",
        )
        assert str(err) == (
            "item at index 2 (key 'huge!') has size 5 (7 with the page and item overheads), "
            "which does not fit in max_bytes=6 even in a page of its own"
        )

    def test_a_large_item_later_ends_the_page_before_it(self) -> None:
        names = ["a", "b", "huge!", "c"]
        assert cut_page(names, key=str, start=None, limit=9, max_bytes=4) == Page(
            ["a", "b"], "huge!", 2
        )

    @given(
        st.lists(st.integers(0, 30), max_size=30),
        st.integers(1, 12),
        st.integers(1, 60),
        st.integers(0, 5),
        st.integers(0, 3),
        st.data(),
    )
    def test_budget_never_exceeded_and_nothing_lost(
        self,
        sizes: list[int],
        limit: int,
        max_bytes: int,
        page_overhead: int,
        item_overhead: int,
        data: st.DataObject,
    ) -> None:
        if page_overhead + item_overhead > max_bytes:
            return
        source = list(enumerate(sizes))  # (key, size), sorted by key
        budget = max_bytes - page_overhead
        got: list[tuple[int, int]] = []
        token: int | None = None
        while True:
            i = data.draw(st.sampled_from([0, len(got)]))  # the whole source, or from start
            counting = OneShot(source[i:])
            try:
                page = cut_page(
                    counting,
                    key=by_first_int,
                    size=second,
                    start=token,
                    limit=limit,
                    max_bytes=max_bytes,
                    page_overhead=page_overhead,
                    item_overhead=item_overhead,
                )
            except ItemTooLargeError as err:
                first = source[len(got)]
                assert err.key == first[0]
                assert first[1] + item_overhead > budget
                return
            items = list(page.items)
            encoded = page_overhead + sum(x[1] + item_overhead for x in items)
            assert page.nbytes == encoded <= max_bytes
            assert len(items) <= limit
            assert items == source[len(got) : len(got) + len(items)]
            # The cut is as late as possible, and at most one item past it was read.
            rest = len(source) - len(got) - len(items)
            if rest:
                nxt = source[len(got) + len(items)]
                assert page.next_token == nxt[0]
                assert len(items) == limit or encoded + nxt[1] + item_overhead > max_bytes
                assert items  # at least one item, as the first fits
            else:
                assert page.next_token is None
            assert counting.pulled <= len(got) - i + len(items) + 1
            got += items
            if page.next_token is None:
                break
            token = page.next_token
        assert got == source

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"max_bytes": 0}, ValueError, "max_bytes must be >= 1, got 0"),
            ({"max_bytes": 2.5}, TypeError, "max_bytes must be an int, got float"),
            ({"size": 3}, TypeError, "size must be callable, got int"),
            ({"page_overhead": -1}, ValueError, "page_overhead must be >= 0, got -1"),
            ({"item_overhead": -1}, ValueError, "item_overhead must be >= 0, got -1"),
            (
                {"max_bytes": 4, "page_overhead": 3, "item_overhead": 2},
                ValueError,
                "page_overhead (3) + item_overhead (2) exceeds max_bytes (4), so no item can "
                "ever fit",
            ),
        ],
    )
    def test_bad_arguments(
        self, kwargs: dict[str, Any], error: type[Exception], message: str
    ) -> None:
        args: dict[str, Any] = {"key": str, "start": None, "limit": 2, **kwargs}
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            cut_page(["a"], **args)

    def test_bad_size_result(self) -> None:
        with pytest.raises(TypeError, match="must return an int, got str"):
            cut_page(["a"], key=str, start=None, limit=2, max_bytes=5, size=lambda x: "1")  # type: ignore[arg-type, return-value]


def by_first_int(row: tuple[int, int]) -> int:
    return row[0]


def second(row: tuple[int, int]) -> int:
    return row[1]


# ---------------------------------------------------------------------------------------------
# Recovery of the page size (client side)


class SizedServer:
    """A server of items with sizes, over a response byte limit: too large when above it.

    Token = index of the page's first item. A page of ``limit`` items from ``start`` is "too
    large" when its items' sizes add up to more than ``max_bytes``.
    """

    def __init__(self, sizes: list[int], max_bytes: int) -> None:
        self.sizes = sizes
        self.max_bytes = max_bytes
        self.calls: list[tuple[int | None, int, str]] = []

    def fetch(self, token: int | None, limit: int) -> Page[int, int]:
        start = token or 0
        chunk = list(range(start, min(start + limit, len(self.sizes))))
        if sum(self.sizes[i] for i in chunk) > self.max_bytes:
            self.calls.append((token, limit, "too large"))
            raise TooLarge(f"limit {limit} at {start}")
        self.calls.append((token, limit, "ok"))
        end = start + len(chunk)
        return Page(chunk, end if end < len(self.sizes) else None)


class TestPageSizeRecovery:
    def test_grows_back_after_a_burst_of_large_items(self) -> None:
        # 8 small items, 4 large ones, then 40 small ones; a response holds 16 bytes.
        sizes = [1] * 8 + [8] * 4 + [1] * 40
        server = SizedServer(sizes, 16)
        got = from_pages(server.fetch, page_size=8, too_large=TooLarge, grow_after=2)
        assert got.collect() == list(range(len(sizes)))
        assert server.calls == [
            (None, 8, "ok"),
            (8, 8, "too large"),
            (8, 4, "too large"),
            (8, 2, "ok"),  # 1st success at 2
            (10, 2, "ok"),  # 2nd: double
            (12, 4, "ok"),  # 1st at 4
            (16, 4, "ok"),  # 2nd: double, back to page_size
            (20, 8, "ok"),
            (28, 8, "ok"),
            (36, 8, "ok"),
            (44, 8, "ok"),
        ]

    def test_default_grow_after(self) -> None:
        assert GROW_AFTER == 4
        server = SizedServer([2] * 3 + [1] * 30, 4)
        from_pages(server.fetch, page_size=4, too_large=TooLarge).collect()
        ok_limits = [limit for _, limit, outcome in server.calls if outcome == "ok"]
        assert ok_limits[:6] == [2, 2, 2, 2, 4, 4]

    def test_a_failure_resets_the_count(self) -> None:
        # Every other page fails at 4: the limit never gets back above 2 with grow_after=2.
        sizes = [1, 1, 5, 5] * 10
        server = SizedServer(sizes, 10)
        got = from_pages(server.fetch, page_size=4, too_large=TooLarge, grow_after=2)
        assert got.collect() == list(range(len(sizes)))
        limits = [limit for _, limit, _ in server.calls]
        assert max(limits[1:]) <= 4

    def test_a_hard_limit_costs_few_refused_responses(self) -> None:
        # Every response above 5 items is refused: growth probes back off (2, 4, 8, ...).
        server = SizedServer([1] * 400, 5)
        got = from_pages(server.fetch, page_size=64, too_large=TooLarge, grow_after=2)
        assert got.collect() == list(range(400))
        refused = [c for c in server.calls if c[2] == "too large"]
        # 64 -> 4 at the start; then 100 pages of 4, with probes after 2, 4, 8, 16 and 32 of them.
        assert len(refused) == 4 + 5
        ok_limits = {limit for _, limit, outcome in server.calls if outcome == "ok"}
        assert ok_limits == {4}

    @given(
        st.lists(st.integers(1, 9), max_size=60),
        st.integers(1, 16),
        st.integers(9, 30),
        st.one_of(st.none(), st.integers(1, 5)),
    )
    def test_every_item_once_under_any_shrink_and_grow(
        self, sizes: list[int], page_size: int, max_bytes: int, grow_after: int | None
    ) -> None:
        server = SizedServer(sizes, max_bytes)
        got = from_pages(
            server.fetch, page_size=page_size, too_large=TooLarge, grow_after=grow_after
        ).collect()
        assert got == list(range(len(sizes)))
        limit, successes, wait, probing = page_size, 0, grow_after or 0, False
        for _token, used, outcome in server.calls:
            assert used == limit  # the policy, replayed
            if outcome == "too large":
                limit //= 2
                successes = 0
                if probing:
                    probing, wait = False, 2 * wait
                continue
            if probing:
                probing, wait = False, grow_after or 0
            if limit < page_size:
                successes += 1
                if grow_after is not None and successes == wait:
                    limit, successes, probing = min(page_size, 2 * limit), 0, True
        assert all(limit <= page_size for _, limit, _ in server.calls)

    @given(paged_sources(st.integers(), max_size=40), st.integers(1, 10), st.integers(1, 4))
    def test_paged_sources(self, source: PagedSource[int], page_size: int, grow: int) -> None:
        # paged_sources draws thresholds >= 1, so every listing must come out whole.
        it = from_pages(source, page_size=page_size, too_large=PageTooLargeError, grow_after=grow)
        assert it.collect() == source.items


# ---------------------------------------------------------------------------------------------
# Retries, deadline, on_page


class Flaky:
    """A server over ``range(n)`` (token = first index) whose calls fail as scripted.

    ``failures`` is the outcome of each call in order (True: raise ``ConnectionError``); calls
    past the script succeed. Each call takes ``cost`` seconds of ``time``.
    """

    def __init__(
        self, n: int, failures: list[bool], time: FakeClock | None = None, cost: float = 0.0
    ) -> None:
        self.n = n
        self.failures = failures
        self.time = time
        self.cost = cost
        self.calls: list[tuple[int | None, int, str]] = []

    def fetch(self, token: int | None, limit: int) -> Page[int, int]:
        if self.time is not None:
            self.time.now += self.cost
        i = len(self.calls)
        if i < len(self.failures) and self.failures[i]:
            self.calls.append((token, limit, "failed"))
            raise ConnectionError(f"call {i} failed")
        self.calls.append((token, limit, "ok"))
        start = token or 0
        end = min(start + limit, self.n)
        return Page(
            list(range(start, end)), end if end < self.n else None, nbytes=8 * (end - start)
        )


def no_jitter() -> float:
    return 0.0


class TestRetry:
    def test_retries_from_the_same_token_with_backoff(self) -> None:
        t = FakeClock(start=0.0)
        server = Flaky(6, [False, True, True, False], t)
        retry = Retry(attempts=3, backoff=0.5, rand=no_jitter)
        got = from_pages(server.fetch, page_size=2, retry=retry, clock=t.clock, sleep=t.sleep)
        assert got.collect() == list(range(6))
        assert server.calls == [
            (None, 2, "ok"),
            (2, 2, "failed"),
            (2, 2, "failed"),
            (2, 2, "ok"),
            (4, 2, "ok"),
        ]
        assert t.sleeps == [0.5, 1.0]

    def test_gives_up_after_attempts_with_the_count_in_the_message(self) -> None:
        t = FakeClock(start=0.0)
        server = Flaky(6, [False, True, True, True], t)
        retry = Retry(attempts=3, backoff=0.25, rand=no_jitter)
        it = from_pages(server.fetch, page_size=2, retry=retry, clock=t.clock, sleep=t.sleep)
        assert [next(it), next(it)] == [0, 1]
        with pytest.raises(RetriesExhaustedError) as info:
            next(it)
        err = info.value
        assert (err.token, err.attempts, err.seconds) == (2, 3, 0.75)
        assert str(err) == "gave up on the page at token 2 after 3 attempts in 0.8 s"
        assert isinstance(err.__cause__, ConnectionError)
        assert str(err.__cause__) == "call 3 failed"
        assert isinstance(err, PaginationError)
        assert len(server.calls) == 4
        # Resuming from the token carries on where the listing stopped.
        assert from_pages(Flaky(6, []).fetch, page_size=2, start=2).collect() == [
            2,
            3,
            4,
            5,
        ]

    def test_try_variant_ends_with_err(self) -> None:
        t = FakeClock(start=0.0)
        server = Flaky(4, [False, True, True], t)
        retry = Retry(attempts=2, rand=no_jitter)
        got = try_from_pages(
            server.fetch, page_size=2, retry=retry, clock=t.clock, sleep=t.sleep
        ).collect()
        assert got[:2] == [Ok(0), Ok(1)]
        assert len(got) == 3
        assert isinstance(got[2], Err)
        assert isinstance(got[2].error, RetriesExhaustedError)
        assert got[2].error.attempts == 2

    def test_attempts_one_means_no_retry(self) -> None:
        server = Flaky(4, [True])
        with pytest.raises(RetriesExhaustedError, match="after 1 attempts"):
            from_pages(server.fetch, page_size=2, retry=Retry(attempts=1)).collect()
        assert len(server.calls) == 1

    def test_other_exceptions_propagate_unchanged(self) -> None:
        boom = KeyError("x")

        def fetch(token: int | None, limit: int) -> Page[int, int]:
            raise boom

        with pytest.raises(KeyError) as info:
            from_pages(fetch, page_size=2, retry=Retry()).collect()
        assert info.value is boom

    def test_predicate(self) -> None:
        t = FakeClock(start=0.0)
        calls: list[int] = []

        def fetch(token: int | None, limit: int) -> Page[int, int]:
            calls.append(limit)
            if len(calls) < 3:
                raise RuntimeError("UNAVAILABLE" if len(calls) == 1 else "unavailable, again")
            return Page([1])

        retry = Retry(on=lambda e: "unavailable" in str(e).lower(), rand=no_jitter)
        assert from_pages(
            fetch, page_size=2, retry=retry, clock=t.clock, sleep=t.sleep
        ).collect() == [1]
        assert len(calls) == 3

    def test_counts_start_again_at_each_page(self) -> None:
        t = FakeClock(start=0.0)
        # Two failures before each page, with attempts=3: every page gets through.
        server = Flaky(6, [True, True, False] * 3, t)
        retry = Retry(attempts=3, backoff=1.0, rand=no_jitter)
        got = from_pages(server.fetch, page_size=2, retry=retry, clock=t.clock, sleep=t.sleep)
        assert got.collect() == list(range(6))
        assert t.sleeps == [1.0, 2.0] * 3

    def test_time_budget(self) -> None:
        t = FakeClock(start=0.0)
        server = Flaky(4, [True] * 10, t, cost=1.0)
        retry = Retry(attempts=100, within=5.0, backoff=1.0, multiplier=1.0, rand=no_jitter)
        with pytest.raises(RetriesExhaustedError) as info:
            from_pages(
                server.fetch, page_size=2, retry=retry, clock=t.clock, sleep=t.sleep
            ).collect()
        # Each call costs 1 s and each wait is 1 s: failures at t = 1, 3, 5, 7. A retry after
        # the one at 7 would start at 8, 7 s after the first failure: past `within`.
        assert info.value.attempts == 4
        assert info.value.seconds == 6.0
        assert t.sleeps == [1.0, 1.0, 1.0]

    def test_backoff_grows_to_max_and_jitter_draws(self) -> None:
        t = FakeClock(start=0.0)
        server = Flaky(2, [True] * 6, t)
        draws = iter([0.0, 0.5, 0.999, 0.0, 0.5])
        retry = Retry(
            attempts=6,
            backoff=1.0,
            multiplier=3.0,
            max_backoff=10.0,
            jitter=0.5,
            rand=lambda: next(draws),
        )
        it = from_pages(server.fetch, page_size=2, retry=retry, clock=t.clock, sleep=t.sleep)
        with pytest.raises(RetriesExhaustedError):
            it.collect()
        assert t.sleeps == pytest.approx([1.0, 2.25, 9 * 0.5005, 10.0, 7.5])

    def test_seeded_jitter_is_reproducible(self) -> None:
        def run(seed: int) -> list[float]:
            t = FakeClock(start=0.0)
            retry = Retry(attempts=9, rand=random.Random(seed).random)
            from_pages(
                Flaky(2, [True] * 5, t).fetch,
                page_size=2,
                retry=retry,
                clock=t.clock,
                sleep=t.sleep,
            ).collect()
            return t.sleeps

        assert run(7) == run(7)
        assert run(7) != run(8)
        assert all(0.05 <= w <= 0.1 * 2**i for i, w in enumerate(run(7)))

    def test_bad_rand(self) -> None:
        retry = Retry(rand=lambda: 1.5)
        with pytest.raises(ValueError, match=r"rand must return a float in \[0, 1\), got 1.5"):
            from_pages(
                Flaky(2, [True]).fetch, page_size=2, retry=retry, sleep=lambda s: None
            ).collect()

    def test_too_large_does_not_count_as_an_attempt(self) -> None:
        t = FakeClock(start=0.0)
        calls: list[int] = []

        def fetch(token: int | None, limit: int) -> Page[int, int]:
            calls.append(limit)
            if limit > 1:
                raise TooLarge()
            if len(calls) < 7:
                raise ConnectionError()
            return Page([7])

        retry = Retry(attempts=3, rand=no_jitter)
        got = from_pages(
            fetch, page_size=8, too_large=TooLarge, retry=retry, clock=t.clock, sleep=t.sleep
        )
        with pytest.raises(RetriesExhaustedError, match="after 3 attempts"):
            got.collect()
        assert calls == [8, 4, 2, 1, 1, 1]

    @given(
        st.integers(0, 40),
        st.integers(1, 7),
        st.lists(st.booleans(), max_size=60),
        st.integers(1, 6),
    )
    def test_never_a_duplicated_or_skipped_item(
        self, n: int, page_size: int, failures: list[bool], attempts: int
    ) -> None:
        t = FakeClock(start=0.0)
        server = Flaky(n, failures, t)
        retry = Retry(attempts=attempts, rand=random.Random(0).random)
        got = try_from_pages(
            server.fetch, page_size=page_size, retry=retry, clock=t.clock, sleep=t.sleep
        ).collect()
        oks = [r.unwrap() for r in got if isinstance(r, Ok)]
        assert oks == list(range(len(oks)))  # a prefix, in order, no duplicate
        if got and isinstance(got[-1], Err):
            err = got[-1].error
            assert isinstance(err, RetriesExhaustedError)
            assert err.attempts == attempts
            assert err.token == (oks[-1] + 1 if oks else None)
        else:
            assert oks == list(range(n))
        # Every call after a failure retries the same token and limit.
        for (token, limit, outcome), following in itertools.pairwise(server.calls):
            if outcome == "failed":
                assert following[:2] == (token, limit)
        assert len(t.sleeps) == sum(1 for c in server.calls if c[2] == "failed") - (
            1 if got and isinstance(got[-1], Err) else 0
        )

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"attempts": -1}, ValueError, "attempts must be >= 1, got -1"),
            ({"attempts": 0}, ValueError, "attempts must be >= 1, got 0"),
            ({"attempts": 2.0}, TypeError, "attempts must be an int, got float"),
            ({"within": -1.0}, ValueError, "within must be non-negative and finite, got -1.0"),
            ({"backoff": -1}, ValueError, "backoff must be non-negative and finite, got -1"),
            ({"multiplier": 0.5}, ValueError, "multiplier must be >= 1, got 0.5"),
            ({"max_backoff": "1"}, TypeError, "max_backoff must be a number, got str"),
            ({"jitter": 1.5}, ValueError, "jitter must be between 0 and 1, got 1.5"),
            ({"on": 3}, TypeError, "on must be callable, got int"),
            (
                {"on": (KeyError, int)},
                TypeError,
                "on must be an exception type or a tuple of them, got "
                "(<class 'KeyError'>, <class 'int'>)",
            ),
            ({"rand": None}, TypeError, "rand must be callable, got NoneType"),
        ],
    )
    def test_bad_arguments(
        self, kwargs: dict[str, Any], error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            Retry(**kwargs)

    def test_frozen(self) -> None:
        with pytest.raises(AttributeError):
            Retry().attempts = 3  # type: ignore[misc]
        assert Retry(attempts=2) == Retry(attempts=2)


class TestDeadline:
    def test_no_fetch_starts_after_the_deadline(self) -> None:
        t = FakeClock(start=0.0)
        server = Flaky(100, [], t, cost=1.0)
        it = from_pages(server.fetch, page_size=10, deadline=3.5, clock=t.clock, sleep=t.sleep)
        got: list[int] = []
        with pytest.raises(ListingDeadlineError) as info:
            for x in it:
                got.append(x)
        # Fetches start at 0, 1, 2, 3; at 4 the deadline (3.5) has passed.
        assert got == list(range(40))
        assert len(server.calls) == 4
        err = info.value
        assert (err.delivered, err.pages, err.deadline, err.token) == (40, 4, 3.5, 40)
        assert str(err) == (
            "the listing's deadline of 3.5 s passed after 40 items in 4 pages; the page at "
            "token 40 was not fetched"
        )
        assert isinstance(err, PaginationError)

    def test_counted_from_the_first_fetch(self) -> None:
        t = FakeClock(start=0.0)
        server = Flaky(20, [], t, cost=1.0)
        it = from_pages(server.fetch, page_size=10, deadline=1.5, clock=t.clock, sleep=t.sleep)
        t.now = 100.0  # built long before it is read
        assert it.collect() == list(range(20))

    def test_a_backoff_past_the_deadline_gives_up_at_once(self) -> None:
        t = FakeClock(start=0.0)
        server = Flaky(20, [False, True, True, True], t, cost=1.0)
        retry = Retry(attempts=10, backoff=2.0, rand=no_jitter)
        got = try_from_pages(
            server.fetch, page_size=10, retry=retry, deadline=6.0, clock=t.clock, sleep=t.sleep
        ).collect()
        # Fetch at 0 (ok), at 1 (fails at 2), sleep 2, at 4 (fails at 5): a 4 s backoff would
        # end at 9 > 6, so no sleep and no fetch.
        assert t.sleeps == [2.0]
        assert len(server.calls) == 3
        assert got[:10] == [Ok(i) for i in range(10)]
        last = got[-1]
        assert isinstance(last, Err)
        assert isinstance(last.error, ListingDeadlineError)
        assert last.error.delivered == 10
        assert isinstance(last.error.__cause__, ConnectionError)

    @pytest.mark.parametrize("bad", [0, -1.0, float("inf")])
    def test_bad_deadline(self, bad: float) -> None:
        with pytest.raises(ValueError, match=r"^deadline must be positive and finite"):
            from_pages(Flaky(1, []).fetch, page_size=1, deadline=bad)


class TestOnPage:
    def test_records_match_what_happened(self) -> None:
        t = FakeClock(start=0.0)
        server = Flaky(5, [False, True, False], t, cost=0.5)
        records: list[PageRecord[int]] = []
        retry = Retry(backoff=1.0, rand=no_jitter)
        got = from_pages(
            server.fetch,
            page_size=2,
            retry=retry,
            on_page=records.append,
            clock=t.clock,
            sleep=t.sleep,
        ).collect()
        assert got == [0, 1, 2, 3, 4]
        assert records == [
            PageRecord(1, None, 2, 16, 2, 0, 0.5),
            PageRecord(2, 2, 2, 16, 2, 1, 2.5),
            PageRecord(3, 4, 1, 8, 2, 0, 3.0),
        ]

    def test_called_before_the_items_and_for_empty_pages(self) -> None:
        events: list[object] = []
        backend = Scripted([[1], [], [2]])
        it = from_pages(backend.fetch, page_size=5, on_page=lambda r: events.append(r.items))
        for x in it:
            events.append(f"item {x}")
        assert events == [1, "item 1", 0, 1, "item 2"]

    def test_too_large_retries_are_counted(self) -> None:
        records: list[PageRecord[int]] = []
        backend = Backend(list(range(4)), thresholds={0: 1})
        from_pages(backend.fetch, page_size=4, too_large=TooLarge, on_page=records.append).collect()
        assert [(r.limit, r.retries, r.items) for r in records] == [
            (1, 2, 1),
            (1, 0, 1),
            (1, 0, 1),
            (1, 0, 1),
        ]

    def test_no_clock_reads_without_the_options(self) -> None:
        def clock() -> float:
            raise AssertionError("the clock was read")

        assert from_pages(Backend([1, 2]).fetch, page_size=1, clock=clock).collect() == [1, 2]

    def test_hook_errors_propagate(self) -> None:
        def hook(record: PageRecord[int]) -> None:
            raise RuntimeError("hook failed")

        with pytest.raises(RuntimeError, match="hook failed"):
            from_pages(Backend([1]).fetch, page_size=1, on_page=hook).collect()

    def test_stream_meter(self) -> None:
        times = iter([5.0, 5.5, 7.0])
        meter = StreamMeter(lambda: next(times))
        assert meter.record(3, 30) == PageRecord(1, None, 3, 30, None, 0, 0.5)
        assert meter.record(1, None) == PageRecord(2, None, 1, None, None, 0, 2.0)


# ---------------------------------------------------------------------------------------------
# Gaps found by mutation testing (issue 9)


class TestMutationGaps:
    def test_try_from_pages_uses_start(self) -> None:
        backend = Backend(list(range(10)))
        got = try_from_pages(backend.fetch, page_size=4, start=6).collect()
        assert got == [Ok(6), Ok(7), Ok(8), Ok(9)]
        assert backend.calls[0] == (6, 4, "ok")

    def test_try_from_pages_closed_before_its_first_fetch(self) -> None:
        on_close = CallCounter()
        it = try_from_pages(UntouchableBackend().fetch, page_size=2, on_close=on_close)
        it.close()
        assert on_close.calls == 1
        it.close()
        assert on_close.calls == 1

    @pytest.mark.parametrize("tail", [0, 1, 2, 3, 5, 8, 13])
    @pytest.mark.parametrize("cycle", [1, 2, 3, 4, 7, 16, 33])
    def test_rho_shaped_token_graphs(self, tail: int, cycle: int) -> None:
        # Tokens 1..tail lead into the cycle tail+1 .. tail+cycle, which loops back to tail+1;
        # the start token (None) and the tail are never seen again.
        def fetch(token: int | None, limit: int) -> Page[int, int]:
            t = 0 if token is None else token
            nxt = t + 1 if t < tail + cycle else tail + 1
            return Page([t], nxt)

        it = from_pages(fetch, page_size=1)
        seen: list[int] = []
        with pytest.raises(RepeatedTokenError) as info:
            for x in it:
                seen.append(x)
                assert len(seen) <= 4 * (tail + cycle) + 4, "the cycle was not caught"
        assert seen[: tail + cycle + 1] == list(range(tail + cycle + 1))
        assert info.value.token in range(tail + 1, tail + cycle + 1)

    def test_cycle_not_through_the_start_token(self) -> None:
        # start="s" -> a -> b -> c -> b: a Brent that only compared with the start would loop.
        graph = {"s": "a", "a": "b", "b": "c", "c": "b"}

        def fetch(token: str | None, limit: int) -> Page[str, str]:
            assert token is not None
            return Page([token], graph[token])

        got: list[str] = []
        with pytest.raises(RepeatedTokenError):
            for x in from_pages(fetch, page_size=1, start="s"):
                got.append(x)
                assert len(got) < 20
        assert got[:4] == ["s", "a", "b", "c"]


# ---------------------------------------------------------------------------------------------
# The async twins: one state machine, so the same fetches


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def acollect(listing: AsyncIterable[T]) -> list[T]:
    return [x async for x in listing]


class TestAsyncFromPages:
    def test_yields_every_item_in_order(self) -> None:
        backend = Backend(list(range(7)))

        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            return backend.fetch(token, limit)

        assert run(acollect(afrom_pages(fetch, page_size=3))) == list(range(7))
        assert backend.calls == [(None, 3, "ok"), (3, 3, "ok"), (6, 3, "ok")]

    def test_lazy(self) -> None:
        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            raise AssertionError("fetched before anything was asked for")

        afrom_pages(fetch, page_size=2)  # builds nothing, schedules nothing

    def test_try_variant_and_async_on_close(self) -> None:
        closed: list[str] = []
        boom = ConnectionError("down")
        backend = Backend(list(range(5)), fail_at={4: boom})

        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            return backend.fetch(token, limit)

        async def on_close() -> None:
            closed.append("closed")

        got = run(acollect(atry_from_pages(fetch, page_size=2, on_close=on_close)))
        assert got == [Ok(0), Ok(1), Ok(2), Ok(3), Err(boom)]
        assert closed == ["closed"]

    def test_errors_propagate_and_release(self) -> None:
        on_close = CallCounter()

        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            raise KeyError("x")

        with pytest.raises(KeyError):
            run(acollect(afrom_pages(fetch, page_size=2, on_close=on_close)))
        assert on_close.calls == 1

    def test_aclose_before_the_first_fetch_releases(self) -> None:
        on_close = CallCounter()

        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            raise AssertionError("fetched")

        listing = afrom_pages(fetch, page_size=2, on_close=on_close)
        run(listing.aclose())
        run(listing.aclose())
        assert on_close.calls == 1

    def test_aclose_part_way(self) -> None:
        on_close = CallCounter()
        backend = Backend(list(range(10)))

        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            return backend.fetch(token, limit)

        async def main() -> int:
            listing = afrom_pages(fetch, page_size=2, on_close=on_close)
            async for x in listing:
                await listing.aclose()
                return x
            raise AssertionError("empty")

        assert run(main()) == 0
        assert on_close.calls == 1
        assert len(backend.calls) == 1

    def test_sync_fetch_is_a_type_error_naming_from_pages(self) -> None:
        def fetch(token: int | None, limit: int) -> Page[int, int]:
            return Page([1])

        with pytest.raises(TypeError, match="use from_pages for a sync one"):
            run(acollect(afrom_pages(fetch, page_size=2)))  # type: ignore[arg-type]

    def test_async_fetch_in_from_pages_is_a_type_error_naming_afrom_pages(self) -> None:
        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            return Page([1])

        with pytest.raises(TypeError, match="use afrom_pages for an async one"):
            from_pages(fetch, page_size=2).collect()  # type: ignore[arg-type]

    def test_async_sleep_and_hook(self) -> None:
        t = FakeClock(start=0.0)
        server = Flaky(4, [True, False], t)
        slept: list[float] = []
        records: list[int] = []

        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            return server.fetch(token, limit)

        async def sleep(seconds: float) -> None:
            slept.append(seconds)

        async def on_page(record: PageRecord[int]) -> None:
            records.append(record.retries)

        listing = afrom_pages(
            fetch,
            page_size=2,
            retry=Retry(backoff=0.5, rand=no_jitter),
            on_page=on_page,
            clock=t.clock,
            sleep=sleep,
        )
        assert run(acollect(listing)) == [0, 1, 2, 3]
        assert (slept, records) == ([0.5], [1, 0])

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"page_size": 0}, ValueError, "page_size must be >= 1, got 0"),
            ({"on_page": 3}, TypeError, "on_page must be callable or None, got int"),
            ({"deadline": -1}, ValueError, "deadline must be positive and finite, got -1"),
            (
                {"too_large": 3},
                TypeError,
                "too_large must be an exception type or a tuple of them, got 3",
            ),
        ],
    )
    def test_bad_arguments_at_the_call(
        self, kwargs: dict[str, Any], error: type[Exception], message: str
    ) -> None:
        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            return Page([])

        args: dict[str, Any] = {"page_size": 2, **kwargs}
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            afrom_pages(fetch, **args)


class Script:
    """One scripted server for a sync and an async client: each call's outcome is drawn up
    front (ok, too large, transient failure); pages come from ``items`` by index tokens.
    Every call and every wait is logged, with the fake time, so two runs can be compared."""

    def __init__(self, n: int, outcomes: list[str], cost: float) -> None:
        self.n = n
        self.outcomes = outcomes
        self.cost = cost
        self.now = 0.0
        self.log: list[tuple[object, ...]] = []

    def clock(self) -> float:
        return self.now

    def fetch(self, token: int | None, limit: int) -> Page[int, int]:
        self.now += self.cost
        i = sum(1 for entry in self.log if entry[0] == "fetch")
        outcome = self.outcomes[i] if i < len(self.outcomes) else "ok"
        self.log.append(("fetch", token, limit, outcome, self.now))
        if outcome == "too large" and limit > 1:
            raise TooLarge()
        if outcome == "transient":
            raise ConnectionError()
        start = token or 0
        end = min(start + limit, self.n)
        return Page(list(range(start, end)), end if end < self.n else None, nbytes=end - start)

    async def afetch(self, token: int | None, limit: int) -> Page[int, int]:
        await asyncio.sleep(0)
        return self.fetch(token, limit)

    def sleep(self, seconds: float) -> None:
        self.log.append(("sleep", seconds))
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


class TestSyncAndAsyncMakeTheSameFetches:
    @given(
        st.integers(0, 40),
        st.integers(1, 9),
        st.lists(st.sampled_from(["ok", "too large", "transient"]), max_size=40),
        st.one_of(st.none(), st.integers(1, 3)),
        st.one_of(st.none(), st.floats(2.0, 30.0)),
        st.integers(0, 2**32),
        st.booleans(),
    )
    def test_identical_fetch_sequences(
        self,
        n: int,
        page_size: int,
        outcomes: list[str],
        grow_after: int | None,
        deadline: float | None,
        seed: int,
        as_results: bool,
    ) -> None:
        def options(script: Script) -> dict[str, Any]:
            return {
                "page_size": page_size,
                "too_large": TooLarge,
                "grow_after": grow_after,
                "deadline": deadline,
                "retry": Retry(attempts=3, backoff=0.25, rand=random.Random(seed).random),
                "on_page": lambda r: script.log.append(("page", r)),
                "clock": script.clock,
            }

        sync = Script(n, outcomes, 0.5)
        asyn = Script(n, outcomes, 0.5)
        if as_results:
            got = try_from_pages(sync.fetch, sleep=sync.sleep, **options(sync)).collect()
            agot = run(acollect(atry_from_pages(asyn.afetch, sleep=asyn.asleep, **options(asyn))))
            assert [str(r) for r in agot] == [str(r) for r in got]
            # Under any mix of too-large and transient failures: each item once, in order.
            oks = [r.unwrap() for r in got if isinstance(r, Ok)]
            assert oks == list(range(len(oks)))
            if not (got and isinstance(got[-1], Err)):
                assert oks == list(range(n))
        else:
            items: list[Any]
            try:
                items = from_pages(sync.fetch, sleep=sync.sleep, **options(sync)).collect()
            except PaginationError as exc:
                items = [repr(exc)]

            async def main() -> list[Any]:
                try:
                    return await acollect(
                        afrom_pages(asyn.afetch, sleep=asyn.asleep, **options(asyn))
                    )
                except PaginationError as exc:
                    return [repr(exc)]

            assert run(main()) == items
        assert asyn.log == sync.log


# ---------------------------------------------------------------------------------------------
# Retries over a real grpcio server (UNAVAILABLE is retried by from_unary_pages by default)


class TestGrpcRetries:
    def test_unavailable_is_retried_from_the_same_token(self) -> None:
        from concurrent import futures

        import grpc

        from itero.grpc import TRANSIENT_RETRY, from_unary_pages, is_transient

        asked: list[tuple[int, int]] = []

        def list_page(request: bytes, context: Any) -> bytes:
            start, limit = (int(x) for x in request.split(b","))
            asked.append((start, limit))
            if len(asked) in (2, 3):
                context.abort(grpc.StatusCode.UNAVAILABLE, "try again")
            end = min(start + limit, 10)
            return b",".join(b"%d" % i for i in range(start, end)) + b";%d" % end

        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        server.add_generic_rpc_handlers(
            [
                grpc.method_handlers_generic_handler(
                    "test.Pages", {"List": grpc.unary_unary_rpc_method_handler(list_page)}
                )
            ]
        )
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        try:
            rpc: grpc.UnaryUnaryMultiCallable[bytes, bytes] = channel.unary_unary(
                "/test.Pages/List"
            )

            def fetch(token: int | None, limit: int) -> Page[int, int]:
                body, _, end = rpc(b"%d,%d" % (token or 0, limit), timeout=10).partition(b";")
                items = [int(x) for x in body.split(b",")] if body else []
                return Page(items, int(end) if int(end) < 10 else None)

            retry = Retry(on=is_transient, backoff=0.01, rand=no_jitter)
            got = from_unary_pages(fetch, page_size=4, retry=retry).collect()
            assert got == list(range(10))
            assert asked == [(0, 4), (4, 4), (4, 4), (4, 4), (8, 4)]
            # Without retries the same failure propagates unchanged.
            asked.clear()
            with pytest.raises(grpc.RpcError) as info:
                from_unary_pages(fetch, page_size=4, retry=None).collect()
            assert info.value.code() == grpc.StatusCode.UNAVAILABLE
            assert TRANSIENT_RETRY.on is is_transient
        finally:
            channel.close()
            server.stop(grace=None)

    def test_aio_twin_retries_too(self) -> None:
        import grpc

        from itero.grpc import afrom_unary_pages, is_transient

        class Unavailable(grpc.RpcError):
            def code(self) -> Any:
                return grpc.StatusCode.UNAVAILABLE

        calls: list[int | None] = []

        async def fetch(token: int | None, limit: int) -> Page[int, int]:
            calls.append(token)
            if len(calls) == 2:
                raise Unavailable()
            start = token or 0
            return Page([start, start + 1], start + 2 if start < 4 else None)

        retry = Retry(on=is_transient, backoff=0.0, rand=no_jitter)
        got = run(afrom_unary_pages(fetch, page_size=2, retry=retry).collect())
        assert got == [0, 1, 2, 3, 4, 5]
        assert calls == [None, 2, 2, 4]
