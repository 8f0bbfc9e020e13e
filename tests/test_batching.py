"""Tests of size-bounded batching (batched_by_size, try_batched_by_size) and rate_limited.

Batching is compared with a plain greedy reference; the laws (every batch fits, batches
concatenate to the source, batches are greedy) are checked with Hypothesis. Laziness is checked
with sources that count pulls or fail if touched; rate limiting with a fake clock.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import Recorder
from itero import (
    Err,
    ItemTooLarge,
    ItemTooLargeError,
    Iter,
    MovedError,
    Ok,
    PipelineTooDeepError,
    Result,
    batched_by_size,
    rate_limited,
    try_batched_by_size,
)
from itero._iter import MAX_DEPTH

T = TypeVar("T")


def reference(
    items: list[str],
    max_bytes: int,
    size: Callable[[str], int] = len,
    max_items: int | None = None,
    batch_overhead: int = 0,
    item_overhead: int = 0,
) -> list[Result[list[str], ItemTooLarge[str]]]:
    """Greedy batching written out plainly (the specification)."""
    out: list[Result[list[str], ItemTooLarge[str]]] = []
    batch: list[str] = []
    total = batch_overhead
    for index, item in enumerate(items):
        s = size(item) + item_overhead
        full = max_items is not None and len(batch) == max_items
        if batch and (total + s > max_bytes or full):
            out.append(Ok(batch))
            batch, total = [], batch_overhead
        if batch_overhead + s > max_bytes:
            out.append(Err(ItemTooLarge(index, item, size(item), max_bytes)))
            continue
        batch.append(item)
        total += s
    if batch:
        out.append(Ok(batch))
    return out


def encoded(batch: list[str], batch_overhead: int, item_overhead: int) -> int:
    return batch_overhead + sum(len(x) + item_overhead for x in batch)


words = st.lists(st.text(alphabet="abc", max_size=12), max_size=40)
settings_args = st.tuples(
    st.integers(1, 40),  # max_bytes
    st.none() | st.integers(1, 6),  # max_items
    st.integers(0, 5),  # batch_overhead
    st.integers(0, 3),  # item_overhead
).filter(lambda a: a[2] + a[3] <= a[0])


class TestBatchedBySize:
    def test_examples(self) -> None:
        assert batched_by_size(["ab", "cd", "e", "fghi", "j"], 4).collect() == [
            ["ab", "cd"],
            ["e"],
            ["fghi"],
            ["j"],
        ]
        assert batched_by_size([], 4).collect() == []
        assert batched_by_size(["", "", ""], 1).collect() == [["", "", ""]]

    def test_overheads_count_per_item_and_per_batch(self) -> None:
        # 3 + (2+1) + (2+1) = 9 <= 9; a third item would make 12.
        batches = batched_by_size(["ab", "cd", "ef"], 9, batch_overhead=3, item_overhead=1)
        assert batches.collect() == [["ab", "cd"], ["ef"]]

    def test_max_items(self) -> None:
        assert batched_by_size("abcde", 100, max_items=2).collect() == [
            ["a", "b"],
            ["c", "d"],
            ["e"],
        ]

    def test_custom_size(self) -> None:
        batches = batched_by_size([5, 1, 4, 3, 3], 6, size=lambda x: x)
        assert batches.collect() == [[5, 1], [4], [3, 3]]

    def test_returns_iter_of_lists(self) -> None:
        it = batched_by_size(["a"], 1)
        assert isinstance(it, Iter)
        assert next(it) == ["a"]

    @given(words, settings_args)
    def test_matches_greedy_reference(self, items: list[str], args: tuple[Any, ...]) -> None:
        max_bytes, max_items, bo, io = args
        items = [x for x in items if bo + len(x) + io <= max_bytes]  # no oversize items here
        got = batched_by_size(
            items, max_bytes, max_items=max_items, batch_overhead=bo, item_overhead=io
        ).collect()
        assert [Ok(b) for b in got] == reference(items, max_bytes, len, max_items, bo, io)

    @given(words, settings_args)
    def test_laws(self, items: list[str], args: tuple[Any, ...]) -> None:
        max_bytes, max_items, bo, io = args
        items = [x for x in items if bo + len(x) + io <= max_bytes]
        batches = batched_by_size(
            items, max_bytes, max_items=max_items, batch_overhead=bo, item_overhead=io
        ).collect()
        # Every batch is non-empty, fits, and respects max_items.
        for batch in batches:
            assert batch
            assert encoded(batch, bo, io) <= max_bytes
            assert max_items is None or len(batch) <= max_items
        # Batches concatenate to the input.
        assert [x for batch in batches for x in batch] == items
        # Greedy: no batch could have taken the first item of the next one.
        for batch, following in itertools.pairwise(batches):
            full = max_items is not None and len(batch) == max_items
            assert full or encoded([*batch, following[0]], bo, io) > max_bytes

    def test_oversize_item_raises_after_the_batch_before_it(self) -> None:
        it = batched_by_size(["ab", "c", "toolong", "d"], 4)
        assert next(it) == ["ab", "c"]
        with pytest.raises(ItemTooLargeError) as info:
            next(it)
        assert (info.value.index, info.value.size, info.value.max_bytes) == (2, 7, 4)
        assert info.value.overhead == 0
        assert str(info.value) == (
            "item at index 2 has size 7, which does not fit in max_bytes=4 even in a batch of "
            "its own"
        )
        assert isinstance(info.value, ValueError)

    def test_oversize_counts_overheads(self) -> None:
        # "abc" is 3 bytes, but with 1 + 1 of overhead a batch of it alone is 5 > 4.
        with pytest.raises(ItemTooLargeError) as info:
            batched_by_size(["abc"], 4, batch_overhead=1, item_overhead=1).collect()
        assert (info.value.index, info.value.size, info.value.overhead) == (0, 3, 2)
        assert str(info.value) == (
            "item at index 0 has size 3 (5 with the batch and item overheads), which does not "
            "fit in max_bytes=4 even in a batch of its own"
        )

    def test_oversize_index_with_max_items(self) -> None:
        it = batched_by_size(["a", "b", "c", "toolong"], 4, max_items=2)
        assert [next(it), next(it)] == [["a", "b"], ["c"]]
        with pytest.raises(ItemTooLargeError) as info:
            next(it)
        assert info.value.index == 3

    def test_size_errors_propagate_unchanged(self) -> None:
        boom = KeyError("boom")

        def size(x: str) -> int:
            raise boom

        with pytest.raises(KeyError) as info:
            batched_by_size(["a"], 4, size=size).collect()
        assert info.value is boom

    def test_building_pulls_nothing(self) -> None:
        source = Recorder(["a", "b"], fail_after=0)
        batched_by_size(source, 4)
        assert source.pulled == 0

    def test_pulls_one_item_past_a_batch(self) -> None:
        source = Recorder(["ab", "cd", "ef", "gh", "ij"])
        it = batched_by_size(source, 4)
        assert next(it) == ["ab", "cd"]
        assert source.pulled == 3  # the third item told us the batch was full
        assert next(it) == ["ef", "gh"]
        assert source.pulled == 5

    @given(words, settings_args, st.integers(0, 10))
    def test_pulls_only_what_the_batches_need(
        self, items: list[str], args: tuple[Any, ...], k: int
    ) -> None:
        max_bytes, max_items, bo, io = args
        items = [x for x in items if bo + len(x) + io <= max_bytes]
        expected = batched_by_size(
            items, max_bytes, max_items=max_items, batch_overhead=bo, item_overhead=io
        ).collect()
        source = Recorder(items)
        it = batched_by_size(
            source, max_bytes, max_items=max_items, batch_overhead=bo, item_overhead=io
        )
        got = list(itertools.islice(it, k))
        assert got == expected[:k]
        # A batch is known to be complete when the next item does not fit (or the source ends).
        delivered = sum(len(batch) for batch in got)
        assert source.pulled == (0 if k == 0 else min(delivered + 1, len(items)))

    def test_max_items_batch_pulls_one_past(self) -> None:
        source = Recorder(list("abcdef"))
        it = batched_by_size(source, 100, max_items=2)
        assert next(it) == ["a", "b"]
        assert source.pulled == 3

    def test_close_closes_the_source(self) -> None:
        source = Recorder(["a", "b", "c"])
        it = batched_by_size(source, 1)
        assert next(it) == ["a"]
        it.close()
        assert source.closed == 1
        assert list(it) == []

    def test_close_before_the_first_pull_closes_the_source(self) -> None:
        source = Recorder(["a"], fail_after=0)
        batched_by_size(source, 1).close()
        assert source.closed == 1

    def test_close_reaches_through_an_upstream_iter(self) -> None:
        source = Recorder(["a", "b"])
        batched_by_size(Iter(source).map(str.upper), 1).close()
        assert source.closed == 1

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"max_bytes": 0}, ValueError, "max_bytes must be >= 1, got 0"),
            ({"max_bytes": -5}, ValueError, "max_bytes must be >= 1, got -5"),
            ({"max_bytes": 2.5}, TypeError, "max_bytes must be an int, got float"),
            ({"max_bytes": True}, TypeError, "max_bytes must be an int, got bool"),
            ({"max_items": 0}, ValueError, "max_items must be >= 1, got 0"),
            ({"max_items": "2"}, TypeError, "max_items must be an int, got str"),
            ({"batch_overhead": -1}, ValueError, "batch_overhead must be >= 0, got -1"),
            ({"item_overhead": -1}, ValueError, "item_overhead must be >= 0, got -1"),
            ({"size": 3}, TypeError, "size must be callable, got int"),
            (
                {"batch_overhead": 6, "item_overhead": 5},
                ValueError,
                "batch_overhead (6) + item_overhead (5) exceeds max_bytes (10), so no item "
                "can ever fit",
            ),
        ],
    )
    @pytest.mark.parametrize("function", [batched_by_size, try_batched_by_size])
    def test_bad_arguments_raise_at_the_call(
        self,
        function: Callable[..., Any],
        kwargs: dict[str, Any],
        error: type[Exception],
        message: str,
    ) -> None:
        source = Recorder(["a"], fail_after=0)
        args = {"max_bytes": 10, **kwargs}
        max_bytes = args.pop("max_bytes")
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            function(source, max_bytes, **args)


class TestTryBatchedBySize:
    def test_example(self) -> None:
        got = try_batched_by_size(["ab", "c", "far too long", "d"], 4).collect()
        assert got == [
            Ok(["ab", "c"]),
            Err(ItemTooLarge(index=2, item="far too long", size=12, max_bytes=4)),
            Ok(["d"]),
        ]

    def test_consecutive_oversize_items(self) -> None:
        got = try_batched_by_size(["xxxxx", "yyyyy", "a"], 4).collect()
        assert got == [
            Err(ItemTooLarge(0, "xxxxx", 5, 4)),
            Err(ItemTooLarge(1, "yyyyy", 5, 4)),
            Ok(["a"]),
        ]

    @given(words, settings_args)
    def test_matches_greedy_reference(self, items: list[str], args: tuple[Any, ...]) -> None:
        max_bytes, max_items, bo, io = args
        got = try_batched_by_size(
            items, max_bytes, max_items=max_items, batch_overhead=bo, item_overhead=io
        ).collect()
        assert got == reference(items, max_bytes, len, max_items, bo, io)

    @given(words, settings_args)
    def test_nothing_is_lost(self, items: list[str], args: tuple[Any, ...]) -> None:
        max_bytes, max_items, bo, io = args
        got = try_batched_by_size(
            items, max_bytes, max_items=max_items, batch_overhead=bo, item_overhead=io
        ).collect()
        back: list[str] = []
        for r in got:
            if isinstance(r, Ok):
                back.extend(r.value)
            else:
                assert items[r.error.index] == r.error.item
                back.append(r.error.item)
        assert back == items

    def test_building_pulls_nothing(self) -> None:
        source = Recorder(["a"], fail_after=0)
        try_batched_by_size(source, 4)
        assert source.pulled == 0

    def test_close_closes_the_source(self) -> None:
        source = Recorder(["a", "b", "c"])
        it = try_batched_by_size(source, 1)
        assert next(it) == Ok(["a"])
        it.close()
        assert source.closed == 1

    def test_close_before_the_first_pull_closes_the_source(self) -> None:
        source = Recorder(["a"], fail_after=0)
        try_batched_by_size(source, 1).close()
        assert source.closed == 1


class FakeClock:
    """A clock that only moves when ``sleep`` is called; records the sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class TimedSource:
    """A source that records the fake time of each pull."""

    def __init__(self, clock: FakeClock, n: int) -> None:
        self._clock = clock
        self._left = n
        self.pull_times: list[float] = []
        self.closed = 0

    def __iter__(self) -> Iterator[int]:
        return self

    def __next__(self) -> int:
        self.pull_times.append(self._clock.now)
        if self._left == 0:
            raise StopIteration
        self._left -= 1
        return self._left

    def close(self) -> None:
        self.closed += 1


class TestRateLimited:
    def test_pulls_are_spaced(self) -> None:
        clock = FakeClock()
        source = TimedSource(clock, 3)
        got = rate_limited(source, 4, clock=clock.clock, sleep=clock.sleep).collect()
        assert got == [2, 1, 0]
        # The end-of-source pull is paced too: it is a pull.
        assert source.pull_times == [100.0, 100.25, 100.5, 100.75]
        assert clock.sleeps == [0.25, 0.25, 0.25]

    @given(st.integers(1, 20), st.sampled_from([0.5, 1, 4, 10]), st.integers(1, 4))
    def test_schedule_of_a_fast_consumer(self, n: int, per_second: float, burst: int) -> None:
        clock = FakeClock()
        source = TimedSource(clock, n)
        it = rate_limited(source, per_second, burst=burst, clock=clock.clock, sleep=clock.sleep)
        assert it.collect() == list(range(n - 1, -1, -1))
        # The first `burst` pulls go at once, then one every 1 / per_second seconds.
        expected = [100.0 + max(0, i - burst + 1) / per_second for i in range(n + 1)]
        assert source.pull_times == pytest.approx(expected)

    def test_burst(self) -> None:
        clock = FakeClock()
        source = TimedSource(clock, 5)
        rate_limited(source, 2, burst=3, clock=clock.clock, sleep=clock.sleep).collect()
        assert source.pull_times == [100.0, 100.0, 100.0, 100.5, 101.0, 101.5]

    def test_slow_consumer_does_not_wait(self) -> None:
        clock = FakeClock()
        source = TimedSource(clock, 3)
        it = rate_limited(source, 1, clock=clock.clock, sleep=clock.sleep)
        for _ in it:
            clock.now += 5  # the consumer takes longer than the interval
        assert clock.sleeps == []

    def test_idle_time_does_not_build_a_burst_beyond_burst(self) -> None:
        clock = FakeClock()
        source = TimedSource(clock, 4)
        it = rate_limited(source, 1, burst=2, clock=clock.clock, sleep=clock.sleep)
        next(it)
        clock.now += 100  # long idle
        next(it)
        next(it)
        next(it)
        assert source.pull_times == [100.0, 200.0, 200.0, 201.0]

    def test_lazy(self) -> None:
        calls: list[str] = []
        source = Recorder([1, 2], fail_after=0)

        def clock() -> float:
            calls.append("clock")
            return 0.0

        rate_limited(source, 1, clock=clock, sleep=lambda s: calls.append("sleep"))
        assert calls == []
        assert source.pulled == 0

    def test_close_closes_the_source(self) -> None:
        clock = FakeClock()
        source = TimedSource(clock, 3)
        it = rate_limited(source, 1, clock=clock.clock, sleep=clock.sleep)
        next(it)
        it.close()
        assert source.closed == 1
        rate_limited(source, 1, clock=clock.clock, sleep=clock.sleep).close()
        assert source.closed == 2

    def test_real_clock_example(self) -> None:
        # Fast enough not to slow the suite: 3 pulls at 1000/s.
        assert rate_limited([1, 2, 3], 1000).collect() == [1, 2, 3]

    @pytest.mark.parametrize(
        ("args", "kwargs", "error", "message"),
        [
            ((0,), {}, ValueError, "per_second must be positive and finite, got 0"),
            ((-1.5,), {}, ValueError, "per_second must be positive and finite, got -1.5"),
            ((float("inf"),), {}, ValueError, "per_second must be positive and finite, got inf"),
            ((float("nan"),), {}, ValueError, "per_second must be positive and finite, got nan"),
            (("5",), {}, TypeError, "per_second must be a number, got str"),
            ((1,), {"burst": 0}, ValueError, "burst must be >= 1, got 0"),
            ((1,), {"burst": 1.5}, TypeError, "burst must be an int, got float"),
            ((1,), {"clock": 0}, TypeError, "clock must be callable, got int"),
            ((1,), {"sleep": None}, TypeError, "sleep must be callable, got NoneType"),
        ],
    )
    def test_bad_arguments_raise_at_the_call(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            rate_limited([1], *args, **kwargs)


class TestIterMethods:
    """``Iter.batched_by_size``, ``Iter.try_batched_by_size`` and ``Iter.rate_limited``."""

    def test_batched_by_size(self) -> None:
        got = Iter(["ab", "cd", "e"]).batched_by_size(4, item_overhead=0).collect()
        assert got == [["ab", "cd"], ["e"]]
        got_sized = Iter([3, 1, 2]).batched_by_size(3, size=lambda x: x, max_items=2).collect()
        assert got_sized == [[3], [1, 2]]

    def test_try_batched_by_size(self) -> None:
        got = Iter(["ab", "xxxxx", "c"]).try_batched_by_size(4).collect()
        assert got == [Ok(["ab"]), Err(ItemTooLarge(1, "xxxxx", 5, 4)), Ok(["c"])]

    def test_rate_limited(self) -> None:
        clock = FakeClock()
        source = TimedSource(clock, 2)
        got = Iter(source).rate_limited(2, clock=clock.clock, sleep=clock.sleep).collect()
        assert got == [1, 0]
        assert source.pull_times == [100.0, 100.5, 101.0]

    @pytest.mark.parametrize(
        ("method", "args"),
        [("batched_by_size", (4,)), ("try_batched_by_size", (4,)), ("rate_limited", (1000,))],
    )
    def test_moves_and_stays_lazy(self, method: str, args: tuple[Any, ...]) -> None:
        source = Recorder(["a", "b"], fail_after=0)
        it = Iter(source)
        getattr(it, method)(*args)
        assert source.pulled == 0
        with pytest.raises(MovedError, match=rf"moved into \.{method}\(\)"):
            it.next()

    @pytest.mark.parametrize(
        ("method", "args"),
        [("batched_by_size", (0,)), ("try_batched_by_size", (0,)), ("rate_limited", (0,))],
    )
    def test_bad_arguments_do_not_move(self, method: str, args: tuple[Any, ...]) -> None:
        it = Iter(["a"])
        with pytest.raises(ValueError):
            getattr(it, method)(*args)
        assert it.collect() == ["a"]

    @pytest.mark.parametrize(
        ("method", "args"),
        [("batched_by_size", (4,)), ("try_batched_by_size", (4,)), ("rate_limited", (1000,))],
    )
    def test_close_reaches_the_source(self, method: str, args: tuple[Any, ...]) -> None:
        source = Recorder(["a", "b"])
        getattr(Iter(source).map(str.upper), method)(*args).close()
        assert source.closed == 1

    def test_counts_as_a_stage(self) -> None:
        it = Iter([1])
        for _ in range(MAX_DEPTH):
            it = it.map(abs)
        with pytest.raises(PipelineTooDeepError):
            it.batched_by_size(4, size=lambda x: 1)
        assert it.collect() == [1]  # not moved


class TestIterMethodsHonourEveryArgument:
    """Each keyword of ``Iter.batched_by_size``/``try_batched_by_size`` changes the batches as
    the greedy reference says (so none can be dropped without a failure)."""

    @given(words, settings_args, st.booleans())
    def test_batched_by_size_method_matches_reference(
        self, items: list[str], args: tuple[Any, ...], weigh_double: bool
    ) -> None:
        max_bytes, max_items, bo, io = args
        size: Callable[[str], int] = (lambda s: 2 * len(s)) if weigh_double else len
        expected = reference(items, max_bytes, size, max_items, bo, io)
        it = Iter(items).batched_by_size(
            max_bytes, size=size, max_items=max_items, batch_overhead=bo, item_overhead=io
        )
        if any(isinstance(r, Err) for r in expected):
            first = next(r.error for r in expected if isinstance(r, Err))
            before = list(itertools.takewhile(lambda r: isinstance(r, Ok), expected))
            got: list[list[str]] = []
            with pytest.raises(ItemTooLargeError) as caught:
                for batch in it:
                    got.append(batch)
            assert got == [r.value for r in before if isinstance(r, Ok)]
            error = caught.value
            assert (error.index, error.size, error.max_bytes) == (
                first.index,
                first.size,
                first.max_bytes,
            )
            assert error.overhead == bo + io
        else:
            assert it.collect() == [r.value for r in expected if isinstance(r, Ok)]

    @given(words, settings_args, st.booleans())
    def test_try_batched_by_size_method_matches_reference(
        self, items: list[str], args: tuple[Any, ...], weigh_double: bool
    ) -> None:
        max_bytes, max_items, bo, io = args
        size: Callable[[str], int] = (lambda s: 2 * len(s)) if weigh_double else len
        got = (
            Iter(items)
            .try_batched_by_size(
                max_bytes, size=size, max_items=max_items, batch_overhead=bo, item_overhead=io
            )
            .collect()
        )
        assert got == reference(items, max_bytes, size, max_items, bo, io)

    @pytest.mark.parametrize("method", ["batched_by_size", "try_batched_by_size"])
    @pytest.mark.parametrize(
        ("kwargs", "expected"),
        [
            ({}, [["ab", "c", "d"], ["e"]]),
            ({"max_items": 2}, [["ab", "c"], ["d", "e"]]),
            ({"size": lambda s: 2 * len(s)}, [["ab"], ["c", "d"], ["e"]]),
            ({"item_overhead": 1}, [["ab"], ["c", "d"], ["e"]]),
            ({"batch_overhead": 2}, [["ab"], ["c", "d"], ["e"]]),
        ],
        ids=["defaults", "max_items", "size", "item_overhead", "batch_overhead"],
    )
    def test_each_keyword_changes_the_batches(
        self, method: str, kwargs: dict[str, Any], expected: list[list[str]]
    ) -> None:
        got = getattr(Iter(["ab", "c", "d", "e"]), method)(4, **kwargs).collect()
        if method == "try_batched_by_size":
            expected = [Ok(b) for b in expected]  # type: ignore[misc]
        assert got == expected

    def test_max_items_after_an_oversize_item(self) -> None:
        items = ["a", "b", "c", "xxxxxx", "d", "e", "f", "g"]
        got = Iter(items).try_batched_by_size(4, max_items=2).collect()
        assert got == [
            Ok(["a", "b"]),
            Ok(["c"]),
            Err(ItemTooLarge(index=3, item="xxxxxx", size=6, max_bytes=4)),
            Ok(["d", "e"]),  # the count restarts after the oversize item
            Ok(["f", "g"]),
        ]
        strict = Iter(items).batched_by_size(4, max_items=2, item_overhead=1)
        assert strict.next().unwrap() == ["a", "b"]
        assert strict.next().unwrap() == ["c"]
        with pytest.raises(ItemTooLargeError) as caught:
            strict.next()
        error = caught.value
        assert (error.index, error.size, error.max_bytes, error.overhead, error.key) == (
            3,
            6,
            4,
            1,
            None,
        )


KIT_STAGES: dict[str, Callable[[Iter[Any]], Iter[Any]]] = {
    "batched_by_size method": lambda it: it.batched_by_size(100, size=lambda x: 1),
    "try_batched_by_size method": lambda it: it.try_batched_by_size(100, size=lambda x: 1),
    "rate_limited method": lambda it: it.rate_limited(1e9),
    "batched_by_size function": lambda it: batched_by_size(it, 100, size=lambda x: 1),
    "try_batched_by_size function": lambda it: try_batched_by_size(it, 100, size=lambda x: 1),
    "rate_limited function": lambda it: rate_limited(it, 1e9),
}


class TestKitStageDepth:
    """The kit's stages count toward the pipeline depth, module functions included."""

    @pytest.mark.parametrize("name", list(KIT_STAGES))
    def test_a_stage_chained_after_it_counts_from_its_depth(self, name: str) -> None:
        base = Iter([1, 2, 3]).map(abs).map(abs)
        before = base._depth
        staged = KIT_STAGES[name](base)
        assert staged._depth == before + 2  # a stage written in Python counts 2
        after = staged.map(lambda x: x)
        assert after._depth == before + 3
        expected = {"batched": [[1, 2, 3]], "try_batched": [Ok([1, 2, 3])], "rate": [1, 2, 3]}
        assert after.collect() == expected[name.split("_by")[0].split("_limited")[0]]

    @pytest.mark.parametrize("name", list(KIT_STAGES))
    def test_the_limit_holds_after_it(self, name: str) -> None:
        it: Iter[Any] = Iter([1])
        while it._depth + 2 <= MAX_DEPTH - 1:
            it = it.map(abs)
        staged = KIT_STAGES[name](it)  # fits: MAX_DEPTH - 1 or MAX_DEPTH
        with pytest.raises(PipelineTooDeepError):
            staged.map(abs).map(abs)

    def test_alternating_maps_and_kit_stages_never_crash(self) -> None:
        # In a subprocess: without depth carried through, this crashed CPython (rc 139).
        code = textwrap.dedent(
            """
            from itero import Iter, PipelineTooDeepError, batched_by_size, rate_limited
            from itero import try_batched_by_size
            kit = {
                "rate_limited()": lambda it: rate_limited(it, 1e9),
                "batched_by_size()": lambda it: batched_by_size(it, 10, size=lambda x: 1)
                    .flat_map(lambda b: b),
                "try_batched_by_size()": lambda it: try_batched_by_size(it, 10, size=lambda x: 1)
                    .flat_map(lambda r: r.unwrap()),
                ".rate_limited": lambda it: it.rate_limited(1e9),
                ".batched_by_size": lambda it: it.batched_by_size(10, size=lambda x: 1)
                    .flat_map(lambda b: b),
                ".try_batched_by_size": lambda it: it.try_batched_by_size(10, size=lambda x: 1)
                    .flat_map(lambda r: r.unwrap()),
            }
            for name, stage in kit.items():
                it = Iter(range(3))
                try:
                    for _ in range(1_000):
                        for _ in range(100):
                            it = it.map(abs)
                        it = stage(it)
                except PipelineTooDeepError:
                    pass
                else:
                    raise SystemExit(f"{name}: built 1,000 rounds without PipelineTooDeepError")
                assert it.collect() == [0, 1, 2], name
            print("ok")
            """
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (done.returncode, done.stderr)
        assert done.stdout.strip() == "ok"
