"""Tests of ``itero._errors``: every exception class, its fields, message and public face.

Each class keeps the fields its ``__init__`` takes through ``copy.copy``, ``copy.deepcopy`` and
pickling (they are in ``args``), prints as ``itero.<Name>`` and ends in ``Error``.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import pytest

import itero
from itero import (
    ItemTooLargeError,
    MovedError,
    Nothing,
    Ok,
    PageItemTooLargeError,
    PaginationError,
    PipelineTooDeepError,
    RepeatedTokenError,
    UnwrapError,
    _errors,
)


def pickled(protocol: int) -> Callable[[BaseException], Any]:
    def round_trip(error: BaseException) -> Any:
        return pickle.loads(pickle.dumps(error, protocol=protocol))

    return round_trip


COPIES: dict[str, Callable[[BaseException], Any]] = {
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
    **{f"pickle{p}": pickled(p) for p in range(pickle.HIGHEST_PROTOCOL + 1)},
}

# Each error, the fields that must survive, and its message.
EXAMPLES: list[tuple[BaseException, dict[str, object], str]] = [
    (
        ItemTooLargeError(index=4, size=12, max_bytes=10, overhead=3, key=("k", 1)),
        {"index": 4, "size": 12, "max_bytes": 10, "overhead": 3, "key": ("k", 1)},
        "item at index 4 (key ('k', 1)) has size 12 (15 with the batch and item overheads), "
        "which does not fit in max_bytes=10 even in a batch of its own",
    ),
    (
        ItemTooLargeError(0, 7, 4),
        {"index": 0, "size": 7, "max_bytes": 4, "overhead": 0, "key": None},
        "item at index 0 has size 7, which does not fit in max_bytes=4 even in a batch of its own",
    ),
    (
        RepeatedTokenError(b"t\x00"),
        {"token": b"t\x00"},
        "the next-page token b't\\x00' was already used; following it would loop forever",
    ),
    (
        PageItemTooLargeError(("page", 3)),
        {"token": ("page", 3)},
        "the item at token ('page', 3) is too large even in a page of one item (limit=1)",
    ),
    (
        UnwrapError("called unwrap() on Ok(1)", Ok(1)),
        {"unwrapped": Ok(1)},
        "called unwrap() on Ok(1)",
    ),
    (UnwrapError("no payload"), {"unwrapped": None}, "no payload"),
    (MovedError("moved"), {}, "moved"),
    (PipelineTooDeepError("deep"), {}, "deep"),
    (PaginationError("pages"), {}, "pages"),
]
IDS = [f"{type(e).__name__}-{i}" for i, (e, _, _) in enumerate(EXAMPLES)]


class TestFieldsAndMessages:
    @pytest.mark.parametrize(("error", "fields", "message"), EXAMPLES, ids=IDS)
    def test_fields_and_message(
        self, error: BaseException, fields: dict[str, object], message: str
    ) -> None:
        assert {name: getattr(error, name) for name in fields} == fields
        assert str(error) == message

    @pytest.mark.parametrize("how", sorted(COPIES))
    @pytest.mark.parametrize(("error", "fields", "message"), EXAMPLES, ids=IDS)
    def test_copies_keep_type_fields_and_message(
        self, error: BaseException, fields: dict[str, object], message: str, how: str
    ) -> None:
        copied = COPIES[how](error)
        assert type(copied) is type(error)
        assert copied is not error
        assert {name: getattr(copied, name) for name in fields} == fields
        assert str(copied) == message
        assert copied.args == error.args

    def test_unwrap_error_keeps_the_very_option_through_pickle(self) -> None:
        error = UnwrapError("called unwrap() on Nothing()", Nothing())
        copied: Any = pickle.loads(pickle.dumps(error))
        assert type(copied) is UnwrapError
        assert str(copied) == "called unwrap() on Nothing()"
        assert copied.unwrapped is Nothing()

    def test_item_too_large_key_none_and_overhead_zero_are_left_out_of_the_message(self) -> None:
        assert "key" not in str(ItemTooLargeError(1, 2, 1, 0, None))
        assert "overheads" not in str(ItemTooLargeError(1, 2, 1, 0, "k"))
        assert "(key 'k')" in str(ItemTooLargeError(1, 2, 1, 0, "k"))
        assert "(3 with the batch and item overheads)" in str(ItemTooLargeError(1, 2, 1, 1))

    def test_unwrap_error_message_is_its_first_argument(self) -> None:
        error = UnwrapError("message", Ok([1]))
        assert error.args == ("message", Ok([1]))
        assert str(error) == "message"
        assert repr(error) == "UnwrapError('message', Ok([1]))"


class TestHierarchy:
    @pytest.mark.parametrize(
        ("error", "base"),
        [
            (MovedError, RuntimeError),
            (PipelineTooDeepError, RecursionError),
            (UnwrapError, ValueError),
            (ItemTooLargeError, ValueError),
            (PaginationError, RuntimeError),
            (RepeatedTokenError, PaginationError),
            (PageItemTooLargeError, PaginationError),
        ],
    )
    def test_base_class(self, error: type[BaseException], base: type[BaseException]) -> None:
        assert issubclass(error, base)

    def test_can_be_caught_by_their_builtin_base(self) -> None:
        with pytest.raises(ValueError):
            raise ItemTooLargeError(0, 2, 1)
        with pytest.raises(RuntimeError):
            raise RepeatedTokenError("t")


class TestPublicFace:
    @pytest.mark.parametrize("name", _errors.__all__)
    def test_named_and_shown_as_itero_name(self, name: str) -> None:
        cls = getattr(_errors, name)
        assert name.endswith("Error")
        assert cls.__module__ == "itero"
        assert getattr(itero, name) is cls
        assert cls.__qualname__ == name

    def test_every_exception_class_is_listed(self) -> None:
        classes = {
            name
            for name, value in vars(_errors).items()
            if isinstance(value, type) and issubclass(value, BaseException)
        }
        assert classes == set(_errors.__all__)

    def test_traceback_line_names_the_public_module(self) -> None:
        import traceback

        line = traceback.format_exception_only(RepeatedTokenError("a"))[-1]
        assert line.startswith("itero.RepeatedTokenError: ")
