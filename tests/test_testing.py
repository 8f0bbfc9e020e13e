"""Tests of ``itero.testing``: the ``OneShot`` source and the ``CloseRecorder``."""

from __future__ import annotations

import operator
import re
from typing import Any

import pytest

from itero import Iter, Page, from_pages, strategies as itero_strategies
from itero.testing import CloseRecorder, OneShot


class TestOneShot:
    def test_repr_shows_the_items(self) -> None:
        assert repr(OneShot((1, "a"))) == "OneShot([1, 'a'])"

    def test_iterates_only_once(self) -> None:
        src = OneShot([1, 2, 3])
        assert list(src) == [1, 2, 3]
        assert list(src) == []
        assert iter(src) is src

    def test_counts_pulled_items(self) -> None:
        src = OneShot("abc")
        assert src.pulled == 0
        assert next(src) == "a"
        assert next(src) == "b"
        assert src.pulled == 2

    def test_stays_exhausted(self) -> None:
        src = OneShot([1])
        next(src)
        for _ in range(2):
            with pytest.raises(StopIteration):
                next(src)
        assert src.pulled == 1

    def test_close_exhausts_and_records(self) -> None:
        src = OneShot([1, 2])
        assert src.closed is False
        src.close()
        src.close()
        assert src.closed is True
        assert list(src) == []
        assert src.items == (1, 2)

    def test_has_no_length(self) -> None:
        assert operator.length_hint(OneShot([1, 2]), -1) == -1
        assert not hasattr(OneShot([1]), "__len__")

    def test_copies_its_items(self) -> None:
        items = [1]
        src = OneShot(items)
        items.append(2)
        assert list(src) == [1]

    def test_still_importable_from_strategies(self) -> None:
        assert itero_strategies.OneShot is OneShot


class TestOneShotMaxPulls:
    def test_pulling_past_max_pulls_fails_the_test(self) -> None:
        src = OneShot([1, 2, 3], max_pulls=2)
        assert [next(src), next(src)] == [1, 2]
        with pytest.raises(
            AssertionError, match=r"^OneShot\(\[1, 2, 3\]\) was pulled past max_pulls=2$"
        ):
            next(src)
        assert src.pulled == 2

    def test_zero_means_untouchable(self) -> None:
        src = OneShot([1], max_pulls=0)
        Iter(src).map(str)  # building a pipeline pulls nothing
        with pytest.raises(AssertionError):
            next(src)

    def test_the_end_of_the_source_counts_as_a_pull(self) -> None:
        src = OneShot([1], max_pulls=1)
        next(src)
        with pytest.raises(AssertionError):
            next(src)

    def test_none_means_no_limit(self) -> None:
        assert list(OneShot(range(1000), max_pulls=None)) == list(range(1000))

    @pytest.mark.parametrize(
        ("value", "error", "message"),
        [
            (-1, ValueError, "max_pulls must be >= 0, got -1"),
            (1.5, TypeError, "max_pulls must be an int, got float"),
            (True, TypeError, "max_pulls must be an int, got bool"),
        ],
    )
    def test_bad_max_pulls(self, value: Any, error: type[Exception], message: str) -> None:
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            OneShot([1], max_pulls=value)


class TestOneShotOnClose:
    def test_called_on_every_close(self) -> None:
        calls: list[str] = []
        src = OneShot([1], on_close=lambda: calls.append("closed"))
        assert calls == []
        src.close()
        src.close()
        assert calls == ["closed", "closed"]

    def test_not_called_at_exhaustion(self) -> None:
        calls: list[str] = []
        src = OneShot([1], on_close=lambda: calls.append("closed"))
        assert list(src) == [1]
        assert calls == []

    def test_must_be_callable(self) -> None:
        bad: Any = 3
        with pytest.raises(TypeError, match=r"^on_close must be callable or None, got int$"):
            OneShot([1], on_close=bad)


class TestCloseRecorder:
    def test_records_closes_in_order(self) -> None:
        closes = CloseRecorder()
        a, b = closes.source([1], "a"), closes.source([2], "b")
        b.close()
        a.close()
        assert closes.closed == ["b", "a"]
        assert (a.closed, b.closed) == (True, True)
        closes.assert_closed_once()

    def test_default_names_count_up(self) -> None:
        closes = CloseRecorder()
        closes.source(list[int]())
        closes.callback()
        closes.source(list[int](), "named")
        closes.callback()
        assert closes.names == ("#1", "#2", "named", "#4")

    def test_a_name_is_handed_out_once(self) -> None:
        closes = CloseRecorder()
        closes.callback("x")
        with pytest.raises(ValueError, match=r"^name 'x' was already handed out"):
            closes.source(list[int](), "x")

    def test_source_is_a_one_shot_with_max_pulls(self) -> None:
        closes = CloseRecorder()
        src = closes.source([1, 2], max_pulls=1)
        assert isinstance(src, OneShot)
        assert next(src) == 1
        with pytest.raises(AssertionError):
            next(src)

    def test_callback_takes_any_arguments(self) -> None:
        closes = CloseRecorder()
        hook = closes.callback("hook")
        hook()
        hook(1, key="v")
        assert closes.count("hook") == 2
        assert hook.__name__ == "close_hook"

    def test_count(self) -> None:
        closes = CloseRecorder()
        src = closes.source(list[int](), "s")
        assert closes.count("s") == 0
        src.close()
        assert closes.count("s") == 1
        with pytest.raises(ValueError, match="handed out no 'other'"):
            closes.count("other")

    def test_assert_closed_once_names_what_is_wrong(self) -> None:
        closes = CloseRecorder()
        never, twice, once = (
            closes.source(list[int](), "never"),
            closes.source(list[int](), "twice"),
            closes.callback(),
        )
        twice.close()
        twice.close()
        once()
        with pytest.raises(AssertionError) as info:
            closes.assert_closed_once()
        assert str(info.value) == "never closed: never; closed more than once: twice (2 times)"
        closes.assert_closed_once("#3")
        with pytest.raises(AssertionError, match=r"^never closed: never$"):
            closes.assert_closed_once("never", "#3")
        assert never.closed is False

    def test_assert_closed_once_of_unknown_names(self) -> None:
        with pytest.raises(ValueError, match="handed out no 'x', 'y'"):
            CloseRecorder().assert_closed_once("x", "y")

    def test_with_nothing_handed_out(self) -> None:
        closes = CloseRecorder()
        closes.assert_closed_once()
        closes.assert_not_closed()
        assert closes.closed == []

    def test_assert_not_closed(self) -> None:
        closes = CloseRecorder()
        a, b = closes.source(list[int](), "a"), closes.source(list[int](), "b")
        closes.assert_not_closed()
        a.close()
        closes.assert_not_closed("b")
        with pytest.raises(AssertionError, match=r"^closed too early: a$"):
            closes.assert_not_closed()
        assert b.closed is False

    def test_drives_itero_pipelines(self) -> None:
        closes = CloseRecorder()
        with Iter(closes.source([1, 2, 3], "numbers")).map(lambda x: x * 2) as it:
            assert it.next().unwrap() == 2
        fetch: Any = lambda token, limit: Page([1, 2], None)  # noqa: E731
        assert from_pages(fetch, page_size=5, on_close=closes.callback("client")).collect() == [
            1,
            2,
        ]
        closes.assert_closed_once()
        assert closes.closed == ["numbers", "client"]

    def test_repr(self) -> None:
        closes = CloseRecorder()
        closes.source(list[int](), "a").close()
        assert repr(closes) == "CloseRecorder(names=['a'], closed=['a'])"
