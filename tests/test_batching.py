"""Tests of size-bounded batching: the core (``Packer``) and its drivers (``batched_by_size``,
``try_batched_by_size``, the ``Iter`` methods; ``rate_limited`` is in test_pacing.py).

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
from hypothesis import given, strategies as st

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
from itero._batching import Packer
from itero._iter import MAX_DEPTH
from itero.testing import CloseRecorder, OneShot

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

    @pytest.mark.parametrize("boom", [KeyError("boom"), TypeError("mine, not len's")])
    def test_size_errors_propagate_unchanged(self, boom: Exception) -> None:
        def size(x: str) -> int:
            raise boom

        with pytest.raises(type(boom)) as info:
            batched_by_size(["a"], 4, size=size).collect()
        assert info.value is boom

    def test_building_pulls_nothing(self) -> None:
        source = OneShot(["a", "b"], max_pulls=0)
        batched_by_size(source, 4)
        assert source.pulled == 0

    def test_pulls_one_item_past_a_batch(self) -> None:
        source = OneShot(["ab", "cd", "ef", "gh", "ij"])
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
        source = OneShot(items)
        it = batched_by_size(
            source, max_bytes, max_items=max_items, batch_overhead=bo, item_overhead=io
        )
        got = list(itertools.islice(it, k))
        assert got == expected[:k]
        # A batch is known to be complete when the next item does not fit (or the source ends).
        delivered = sum(len(batch) for batch in got)
        assert source.pulled == (0 if k == 0 else min(delivered + 1, len(items)))

    def test_max_items_batch_pulls_one_past(self) -> None:
        source = OneShot(list("abcdef"))
        it = batched_by_size(source, 100, max_items=2)
        assert next(it) == ["a", "b"]
        assert source.pulled == 3

    def test_close_closes_the_source(self) -> None:
        closes = CloseRecorder()
        source = closes.source(["a", "b", "c"])
        it = batched_by_size(source, 1)
        assert next(it) == ["a"]
        it.close()
        closes.assert_closed_once()
        assert list(it) == []

    def test_close_before_the_first_pull_closes_the_source(self) -> None:
        closes = CloseRecorder()
        source = closes.source(["a"], max_pulls=0)
        batched_by_size(source, 1).close()
        closes.assert_closed_once()

    def test_close_reaches_through_an_upstream_iter(self) -> None:
        closes = CloseRecorder()
        source = closes.source(["a", "b"])
        batched_by_size(Iter(source).map(str.upper), 1).close()
        closes.assert_closed_once()

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
        source = OneShot(["a"], max_pulls=0)
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
        source = OneShot(["a"], max_pulls=0)
        try_batched_by_size(source, 4)
        assert source.pulled == 0

    def test_close_closes_the_source(self) -> None:
        closes = CloseRecorder()
        source = closes.source(["a", "b", "c"])
        it = try_batched_by_size(source, 1)
        assert next(it) == Ok(["a"])
        it.close()
        closes.assert_closed_once()

    def test_close_before_the_first_pull_closes_the_source(self) -> None:
        closes = CloseRecorder()
        source = closes.source(["a"], max_pulls=0)
        try_batched_by_size(source, 1).close()
        closes.assert_closed_once()


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

    @pytest.mark.parametrize(
        ("method", "args"),
        [("batched_by_size", (4,)), ("try_batched_by_size", (4,)), ("rate_limited", (1000,))],
    )
    def test_moves_and_stays_lazy(self, method: str, args: tuple[Any, ...]) -> None:
        source = OneShot(["a", "b"], max_pulls=0)
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
        closes = CloseRecorder()
        source = closes.source(["a", "b"])
        getattr(Iter(source).map(str.upper), method)(*args).close()
        closes.assert_closed_once()

    def test_counts_as_a_stage(self) -> None:
        it = Iter([1])
        for _ in range(MAX_DEPTH):
            it = it.map(abs)
        with pytest.raises(PipelineTooDeepError):
            it.batched_by_size(4, size=lambda x: 1)
        assert it.collect() == [1]  # not moved


KIT_STAGES: dict[str, Callable[[Iter[Any]], Iter[Any]]] = {
    "batched_by_size method": lambda it: it.batched_by_size(100, size=lambda x: 1),
    "try_batched_by_size method": lambda it: it.try_batched_by_size(100, size=lambda x: 1),
    "rate_limited method": lambda it: it.rate_limited(1e9),
    "batched_by_size function": lambda it: batched_by_size(it, 100, size=lambda x: 1),
    "try_batched_by_size function": lambda it: try_batched_by_size(it, 100, size=lambda x: 1),
    "rate_limited function": lambda it: rate_limited(it, 1e9),
}


class TestKitFunctionsTakeTheirSourceOnce:
    """The module functions call the source's ``__iter__`` once (a second call could restart
    or consume a one-pass source), and refuse a non-iterable naming ``iterable``."""

    @pytest.mark.parametrize(
        "apply",
        [
            lambda src: batched_by_size(src, 4),
            lambda src: try_batched_by_size(src, 4),
            lambda src: rate_limited(src, 1e9),
        ],
        ids=["batched_by_size", "try_batched_by_size", "rate_limited"],
    )
    def test_iter_is_called_once(self, apply: Callable[[Any], Iter[Any]]) -> None:
        class Counted:
            calls = 0

            def __iter__(self) -> Iterator[str]:
                Counted.calls += 1
                return iter(["ab", "c"])

        assert apply(Counted()).count() >= 1
        assert Counted.calls == 1

    def test_a_non_iterable_is_refused_naming_the_argument(self) -> None:
        with pytest.raises(TypeError, match=r"^iterable must be iterable, got NoneType$"):
            batched_by_size(None, 4)  # type: ignore[call-overload]
        with pytest.raises(TypeError, match=r"^iterable must be iterable, got int$"):
            rate_limited(3, 1.0)  # type: ignore[arg-type]


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


ENTRY_POINTS: dict[str, Callable[..., list[Any]]] = {
    "batched_by_size": lambda items, *a, **k: batched_by_size(items, *a, **k).collect(),
    "Iter.batched_by_size": lambda items, *a, **k: Iter(items).batched_by_size(*a, **k).collect(),
    "try_batched_by_size": lambda items, *a, **k: [
        r.unwrap() for r in try_batched_by_size(items, *a, **k).collect()
    ],
    "Iter.try_batched_by_size": lambda items, *a, **k: [
        r.unwrap() for r in Iter(items).try_batched_by_size(*a, **k).collect()
    ],
}


class TestEveryArgumentMatters:
    """Each argument changes the batches, through every entry point (none is dropped)."""

    ITEMS = ("ab", "cd", "ef", "g")

    @pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
    def test_defaults(self, entry: str) -> None:
        assert ENTRY_POINTS[entry](list(self.ITEMS), 4) == [["ab", "cd"], ["ef", "g"]]

    @pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
    def test_max_items(self, entry: str) -> None:
        got = ENTRY_POINTS[entry](list(self.ITEMS), 4, max_items=1)
        assert got == [["ab"], ["cd"], ["ef"], ["g"]]

    @pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
    def test_size(self, entry: str) -> None:
        got = ENTRY_POINTS[entry](list(self.ITEMS), 4, size=lambda x: 1)
        assert got == [["ab", "cd", "ef", "g"]]

    @pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
    def test_item_overhead(self, entry: str) -> None:
        # (2+1) + (2+1) = 6 > 5: one item per batch except "ef" + "g" = 3 + 2 = 5.
        got = ENTRY_POINTS[entry](list(self.ITEMS), 5, item_overhead=1)
        assert got == [["ab"], ["cd"], ["ef", "g"]]

    @pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
    def test_batch_overhead(self, entry: str) -> None:
        # 1 + 2 + 2 = 5 > 4: one item per batch, except 1 + 2 + 1 = 4 for "ef" + "g".
        got = ENTRY_POINTS[entry](list(self.ITEMS), 4, batch_overhead=1)
        assert got == [["ab"], ["cd"], ["ef", "g"]]

    @pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
    @given(words, settings_args)
    def test_matches_greedy_reference(
        self, entry: str, items: list[str], args: tuple[Any, ...]
    ) -> None:
        max_bytes, max_items, bo, io = args
        items = [x for x in items if bo + len(x) + io <= max_bytes]
        got = ENTRY_POINTS[entry](
            items, max_bytes, max_items=max_items, batch_overhead=bo, item_overhead=io
        )
        assert [Ok(b) for b in got] == reference(items, max_bytes, len, max_items, bo, io)

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


class TestItemTooLarge:
    def test_fields(self) -> None:
        err = ItemTooLarge(index=1, item="xxxx", size=4, max_bytes=3)
        assert (err.index, err.item, err.size, err.max_bytes) == (1, "xxxx", 4, 3)
        assert repr(err) == "ItemTooLarge(index=1, item='xxxx', size=4, max_bytes=3)"

    def test_immutable_and_slotted(self) -> None:
        err: Any = ItemTooLarge(1, "x", 4, 3)
        with pytest.raises(AttributeError):
            err.size = 5
        assert not hasattr(err, "__dict__")

    def test_compares_and_hashes_by_value(self) -> None:
        assert ItemTooLarge(1, "x", 4, 3) == ItemTooLarge(1, "x", 4, 3)
        assert ItemTooLarge(1, "x", 4, 3) != ItemTooLarge(2, "x", 4, 3)
        assert hash(ItemTooLarge(1, "x", 4, 3)) == hash(ItemTooLarge(1, "x", 4, 3))

    def test_pickles_and_copies(self) -> None:
        import copy
        import pickle

        err = ItemTooLarge(1, "x", 4, 3)
        assert pickle.loads(pickle.dumps(err)) == err
        assert copy.deepcopy(err) == err


class TestMaxItemsAfterAnOversizeItem:
    def test_the_batch_after_it_is_full_size(self) -> None:
        got = try_batched_by_size(["a", "b", "toolong", "c", "d", "e"], 4, max_items=2).collect()
        assert got == [
            Ok(["a", "b"]),
            Err(ItemTooLarge(index=2, item="toolong", size=7, max_bytes=4)),
            Ok(["c", "d"]),
            Ok(["e"]),
        ]

    def test_bytes_restart_after_it(self) -> None:
        got = try_batched_by_size(["aa", "toolong", "bb", "cc", "d"], 4, max_items=3).collect()
        assert got == [
            Ok(["aa"]),
            Err(ItemTooLarge(index=1, item="toolong", size=7, max_bytes=4)),
            Ok(["bb", "cc"]),
            Ok(["d"]),
        ]

    def test_oversize_item_when_the_batch_is_full_by_count(self) -> None:
        # The batch is full by max_items *and* the next item is too large alone.
        got = try_batched_by_size(["a", "b", "xxxxx", "c"], 4, max_items=2).collect()
        assert got == [Ok(["a", "b"]), Err(ItemTooLarge(2, "xxxxx", 5, 4)), Ok(["c"])]

    def test_error_fields_with_max_items_and_overheads(self) -> None:
        it = batched_by_size(
            ["a", "b", "c", "abcde"], 6, max_items=2, batch_overhead=1, item_overhead=1
        )
        assert [next(it), next(it)] == [["a", "b"], ["c"]]
        with pytest.raises(ItemTooLargeError) as info:
            next(it)
        err = info.value
        assert (err.index, err.size, err.max_bytes, err.overhead, err.key) == (3, 5, 6, 2, None)

    def test_indexes_count_every_item_before(self) -> None:
        items = ["a", "xxxxx", "b", "c", "yyyyy", "d"]
        got = try_batched_by_size(items, 4, max_items=1).collect()
        errors = [r.error for r in got if isinstance(r, Err)]
        assert [(e.index, e.item) for e in errors] == [(1, "xxxxx"), (4, "yyyyy")]
        assert [r.value for r in got if isinstance(r, Ok)] == [["a"], ["b"], ["c"], ["d"]]

    def test_through_the_iter_methods(self) -> None:
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


class TestSizeResults:
    """What ``size`` returns is checked: a non-negative int, else a clear error."""

    @pytest.mark.parametrize(
        ("returned", "error", "message"),
        [
            (None, TypeError, "size (<lambda>) must return an int, got NoneType"),
            (True, TypeError, "size (<lambda>) must return an int, got bool"),
            (False, TypeError, "size (<lambda>) must return an int, got bool"),
            (1.0, TypeError, "size (<lambda>) must return an int, got float"),
            ("1", TypeError, "size (<lambda>) must return an int, got str"),
            (-1, ValueError, "size (<lambda>) must return a size >= 0, got -1 for 'a'"),
        ],
    )
    @pytest.mark.parametrize("function", [batched_by_size, try_batched_by_size])
    def test_bad_size_results(
        self, function: Callable[..., Any], returned: object, error: type[Exception], message: str
    ) -> None:
        it = function(["a"], 10, size=lambda x: returned)
        pattern = re.escape(message).replace("<lambda>", r".*<lambda>")
        with pytest.raises(error, match=f"^{pattern}$"):
            it.collect()

    def test_int_subclasses_are_sizes(self) -> None:
        class Size(int):
            pass

        got = batched_by_size(["a", "b", "c"], 2, size=lambda x: Size(1)).collect()
        assert got == [["a", "b"], ["c"]]
        free = batched_by_size(["a", "b"], 1, size=lambda x: Size(0)).collect()
        assert free == [["a", "b"]]

    def test_zero_is_a_size(self) -> None:
        assert batched_by_size(["a", "b"], 1, size=lambda x: 0).collect() == [["a", "b"]]

    def test_named_callable_in_the_message(self) -> None:
        def measure(x: str) -> int:
            return -2

        with pytest.raises(ValueError, match=r"^size \(.*measure\) must return a size >= 0"):
            batched_by_size(["a"], 10, size=measure).collect()

    def test_items_without_len_get_advice(self) -> None:
        unsized: Any = [object()]
        with pytest.raises(TypeError, match=r"has no len\(\): pass size=") as info:
            batched_by_size(unsized, 10).collect()
        assert str(info.value) == (
            "batched_by_size measures items with len() by default, but object has no len(): "
            "pass size=, for example size=lambda m: m.ByteSize() for a protobuf message"
        )
        assert info.value.__cause__ is None
        assert info.value.__suppress_context__


def drive_whole(packer: Packer[str], items: list[str]) -> list[Any]:
    out = list(packer.pack(items))
    last = packer.finish()
    return out if last is None else [*out, last]


def drive_one_by_one(packer: Packer[str], items: list[str]) -> list[Any]:
    """As the async driver does: one ``pack`` call per item, then ``finish``."""
    out: list[Any] = []
    for item in items:
        out.extend(packer.pack([item]))
    last = packer.finish()
    return out if last is None else [*out, last]


class TestPacker:
    def test_an_async_size_is_refused_at_every_sync_entry_point(self) -> None:
        async def measure(item: str) -> int:
            return len(item)

        size: Any = measure  # (what the type checkers would refuse: the run-time check)
        calls: list[Callable[[], object]] = [
            lambda: Iter(["a"]).batched_by_size(4, size=size),
            lambda: Iter(["a"]).try_batched_by_size(4, size=size),
            lambda: batched_by_size(["a"], 4, size=size),
            lambda: try_batched_by_size(["a"], 4, size=size),
        ]
        for call in calls:
            with pytest.raises(TypeError, match=r"^size must be a sync function"):
                call()

    def test_docstring_example(self) -> None:
        packer: Packer[str] = Packer(4, len, None, 0, 0, strict=True)
        assert list(packer.pack(["ab", "cd", "e"])) == [["ab", "cd"]]
        assert packer.finish() == ["e"]
        assert packer.finish() is None

    @given(words, settings_args)
    def test_one_item_at_a_time_gives_the_same_batches(
        self, items: list[str], args: tuple[Any, ...]
    ) -> None:
        max_bytes, max_items, bo, io = args
        whole = drive_whole(Packer(max_bytes, len, max_items, bo, io, strict=False), items)
        one = drive_one_by_one(Packer(max_bytes, len, max_items, bo, io, strict=False), items)
        assert one == whole == reference(items, max_bytes, len, max_items, bo, io)

    @given(words, settings_args, st.lists(st.integers(0, 5), max_size=10))
    def test_any_split_of_the_input_gives_the_same_batches(
        self, items: list[str], args: tuple[Any, ...], cuts: list[int]
    ) -> None:
        max_bytes, max_items, bo, io = args
        items = [x for x in items if bo + len(x) + io <= max_bytes]
        packer: Packer[str] = Packer(max_bytes, len, max_items, bo, io, strict=True)
        out: list[Any] = []
        rest = items
        for cut in cuts:
            out.extend(packer.pack(rest[:cut]))
            rest = rest[cut:]
        out.extend(packer.pack(rest))
        last = packer.finish()
        if last is not None:
            out.append(last)
        assert out == drive_whole(Packer(max_bytes, len, max_items, bo, io, strict=True), items)

    def test_strict_raises_with_the_source_index_across_calls(self) -> None:
        packer: Packer[str] = Packer(3, len, None, 0, 0, strict=True)
        assert list(packer.pack(["ab"])) == []
        assert list(packer.pack(["c"])) == []
        with pytest.raises(ItemTooLargeError) as info:
            list(packer.pack(["toolong"]))
        assert info.value.index == 2
        assert list(packer.pack(["d"])) == []
        assert packer.finish() == ["d"]

    def test_an_abandoned_pack_keeps_the_batch_being_filled(self) -> None:
        packer: Packer[str] = Packer(4, len, None, 0, 0, strict=False)
        gen: Any = packer.pack(["ab", "cd", "e", "f"])
        assert next(gen) == Ok(["ab", "cd"])
        gen.close()  # stops after taking "e"
        assert list(packer.pack(["g"])) == []
        assert packer.finish() == Ok(["e", "g"])

    def test_pack_pulls_lazily(self) -> None:
        source = OneShot(["ab", "cd", "ef"], max_pulls=3)
        packer: Packer[str] = Packer(4, len, None, 0, 0, strict=True)
        gen = packer.pack(source)
        assert source.pulled == 0
        assert next(gen) == ["ab", "cd"]
        assert source.pulled == 3

    def test_finish_resets_the_byte_count(self) -> None:
        packer: Packer[str] = Packer(4, len, None, 0, 0, strict=True)
        assert list(packer.pack(["abc"])) == []
        assert packer.finish() == ["abc"]
        assert list(packer.pack(["abcd"])) == []
        assert packer.finish() == ["abcd"]
        assert list(packer.pack(["ab", "cd"])) == []
        assert packer.finish() == ["ab", "cd"]

    def test_indexes_continue_after_finish(self) -> None:
        packer: Packer[str] = Packer(4, len, None, 0, 0, strict=False)
        assert list(packer.pack(["ab", "cd", "e"])) == [Ok(["ab", "cd"])]
        assert packer.finish() == Ok(["e"])
        assert list(packer.pack(["f", "toolong"])) == [
            Ok(["f"]),
            Err(ItemTooLarge(4, "toolong", 7, 4)),
        ]

    @pytest.mark.parametrize(
        ("args", "error", "message"),
        [
            ((0, len, None, 0, 0), ValueError, "max_bytes must be >= 1, got 0"),
            ((4, None, None, 0, 0), TypeError, "size must be callable, got NoneType"),
            ((4, len, 0, 0, 0), ValueError, "max_items must be >= 1, got 0"),
            ((4, len, None, -1, 0), ValueError, "batch_overhead must be >= 0, got -1"),
            ((4, len, None, 0, -1), ValueError, "item_overhead must be >= 0, got -1"),
            (
                (4, len, None, 3, 2),
                ValueError,
                "batch_overhead (3) + item_overhead (2) exceeds max_bytes (4), so no item can "
                "ever fit",
            ),
        ],
    )
    def test_bad_arguments(
        self, args: tuple[Any, ...], error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            Packer(*args, strict=True)

    def test_overheads_that_exactly_fill_max_bytes_are_allowed(self) -> None:
        packer: Packer[str] = Packer(5, len, None, 3, 2, strict=False)
        assert list(packer.pack(["", "", "x"])) == [
            Ok([""]),
            Ok([""]),
            Err(ItemTooLarge(2, "x", 1, 5)),
        ]
