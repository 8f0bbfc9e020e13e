"""Size-bounded batching, as an algorithm with no I/O: items in, finished batches out.

``Packer`` holds the batch being filled; ``Packer.pack(items)`` feeds it the items at hand and
yields each batch as soon as the next item would overflow it (greedy, in source order), and
``Packer.finish()`` returns the last one. The sync driver (``Iter.batched_by_size``) feeds it
the whole source; the async driver (``AsyncIter.batched_by_size``) one item per pull. Both get
exactly the same batches, because there is only this one implementation.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, final

from ._checks import check_callable, check_int
from ._errors import ItemTooLargeError
from ._result import Err, Ok
from ._stages import is_async_callable

T = TypeVar("T")
SizedT = TypeVar("SizedT", bound=Sized)
"""An item type that ``len`` measures (the default ``size``)."""
T_co = TypeVar("T_co", covariant=True)

__all__ = ["ItemTooLarge", "Packer", "SizedT"]

_MAXSIZE = sys.maxsize
_NO_ITEM: Any = object()


@final
@dataclass(frozen=True, slots=True)
class ItemTooLarge(Generic[T_co]):
    """An item too large for any batch, delivered as ``Err`` by ``try_batched_by_size``.

    ``index`` is the item's 0-based position in the source, ``size`` what ``size(item)``
    returned, ``max_bytes`` the limit it broke.

    >>> ItemTooLarge(index=1, item="xxxx", size=4, max_bytes=3)
    ItemTooLarge(index=1, item='xxxx', size=4, max_bytes=3)
    """

    index: int
    item: T_co
    size: int
    max_bytes: int


def _bad_size(size: Callable[[Any], object], item: object, s: object) -> int:
    """``s`` if it is a non-negative int (an int subclass other than bool); else raise."""
    name = getattr(size, "__qualname__", type(size).__name__)
    if not isinstance(s, int) or isinstance(s, bool):
        raise TypeError(f"size ({name}) must return an int, got {type(s).__name__}")
    if s < 0:
        raise ValueError(f"size ({name}) must return a size >= 0, got {s} for {item!r:.80}")
    return s


def _no_len_advice(item: object) -> TypeError:
    return TypeError(
        f"batched_by_size measures items with len() by default, but {type(item).__name__}"
        " has no len(): pass size=, for example size=lambda m: m.ByteSize() for a"
        " protobuf message"
    )


@final
class Packer(Generic[T]):
    """Greedy size-bounded batching state: the batch being filled and where it started.

    A batch's size is ``batch_overhead + sum(size(item) + item_overhead for item in batch)``.
    ``strict`` decides what comes out: plain lists, raising ``ItemTooLargeError`` for an item
    that does not fit even alone; or ``Ok(list)``, with such an item as
    ``Err(ItemTooLarge(...))`` in its place. Holds one batch at most.

    Arguments are checked here, so every entry point that builds a ``Packer`` rejects bad ones
    at its call.

    >>> packer = Packer(4, len, None, 0, 0, strict=True)
    >>> list(packer.pack(["ab", "cd", "e"])), packer.finish()
    ([['ab', 'cd']], ['e'])
    """

    __slots__ = (
        "_batch",
        "_budget",
        "_item_overhead",
        "_max_bytes",
        "_max_items",
        "_overhead",
        "_size",
        "_start",
        "_strict",
        "_used",
    )

    def __init__(
        self,
        max_bytes: int,
        size: Callable[[Any], int],
        max_items: int | None,
        batch_overhead: int,
        item_overhead: int,
        *,
        strict: bool,
    ) -> None:
        check_int(max_bytes, "max_bytes", 1)
        check_callable(size, "size")
        if is_async_callable(size):  # (its coroutines would never be awaited)
            raise TypeError(
                "size must be a sync function returning an int, got an async function;"
                " measure items in a map_async() stage before batching instead"
            )
        if max_items is not None:
            check_int(max_items, "max_items", 1)
        check_int(batch_overhead, "batch_overhead", 0)
        check_int(item_overhead, "item_overhead", 0)
        if batch_overhead + item_overhead > max_bytes:
            raise ValueError(
                f"batch_overhead ({batch_overhead}) + item_overhead ({item_overhead}) exceeds "
                f"max_bytes ({max_bytes}), so no item can ever fit"
            )
        self._max_bytes = max_bytes
        self._budget = max_bytes - batch_overhead  # bytes for items (with their overhead)
        self._size = size
        self._max_items = _MAXSIZE if max_items is None else max_items
        self._item_overhead = item_overhead
        self._overhead = batch_overhead + item_overhead
        self._strict = strict
        self._batch: list[T] = []
        self._used = 0  # bytes used by the items in the batch, overhead included
        self._start = 0  # source index of the batch's first item

    def pack(self, items: Iterable[T]) -> Iterator[Any]:
        """Add ``items`` in order; yield each batch that fills, and each item too large alone.

        Pulls one item at a time, and only as far as the consumer of this generator asks; the
        batch still being filled stays in the packer (see ``finish``).
        """
        size = self._size
        budget = self._budget
        item_overhead = self._item_overhead
        max_items = self._max_items
        strict = self._strict
        batch = self._batch
        append = batch.append
        used = self._used
        n = len(batch)
        item: Any = _NO_ITEM
        try:
            # The hot loop: one size() call, a check, three additions, two comparisons and an
            # append per item.
            for item in items:
                s = size(item)
                if s.__class__ is not int or s < 0:
                    s = _bad_size(size, item, s)
                s += item_overhead
                used += s
                n += 1
                if used <= budget and n <= max_items:
                    append(item)
                    continue
                # The item does not fit: ship the current batch, then start one with it (before
                # yielding, so that a caller who stops here finds the item kept in the packer).
                done = batch
                if s > budget:
                    batch = self._batch = []
                    used = n = 0
                else:
                    batch = self._batch = [item]
                    used = s
                    n = 1
                append = batch.append
                if done:
                    self._start += len(done)
                    yield done if strict else Ok(done)
                if s > budget:
                    index = self._start
                    self._start += 1
                    if strict:
                        raise ItemTooLargeError(
                            index, s - item_overhead, self._max_bytes, self._overhead
                        )
                    yield Err(ItemTooLarge(index, item, s - item_overhead, self._max_bytes))
        except TypeError:
            # The default len() on an item without one: say what to pass (checked here, off
            # the hot loop, rather than by wrapping len in a Python function).
            measured: object = item
            if size is len and measured is not _NO_ITEM and not hasattr(type(measured), "__len__"):
                raise _no_len_advice(measured) from None
            raise
        finally:
            self._batch = batch
            self._used = used

    def finish(self) -> Any:
        """The last batch (``list`` or ``Ok(list)``), or None when it is empty.

        >>> packer = Packer(10, len, None, 0, 0, strict=False)
        >>> list(packer.pack(["a"])), packer.finish(), packer.finish()
        ([], Ok(['a']), None)
        """
        batch = self._batch
        if not batch:
            return None
        self._start += len(batch)
        self._batch = []
        self._used = 0
        return batch if self._strict else Ok(batch)
