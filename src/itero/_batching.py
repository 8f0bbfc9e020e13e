"""Size-bounded batching and rate limiting: one lazy stream in, bounded messages out.

``batched_by_size`` groups items into lists whose encoded size never exceeds a byte limit
(a gRPC message, an HTTP body, a Kafka record batch); ``try_batched_by_size`` does the same but
reports an item too large for any batch as an ``Err`` and carries on; ``rate_limited`` paces how
often its source is pulled. All three are lazy and hold at most one batch (or one item).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sized
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar, final, overload

from ._result import Err, Ok, Result

if TYPE_CHECKING:
    from ._iter import Iter

T = TypeVar("T")
SizedT = TypeVar("SizedT", bound=Sized)
"""An item type that ``len`` measures (the default ``size``)."""
T_co = TypeVar("T_co", covariant=True)

__all__ = [
    "OversizeItem",
    "OversizeItemError",
    "batched_by_size",
    "rate_limited",
    "try_batched_by_size",
]


class OversizeItemError(ValueError):
    """An item whose size alone exceeds ``max_bytes``, raised by ``batched_by_size``.

    Attributes ``index`` (0-based position of the item in the source), ``size`` (what
    ``size(item)`` returned), ``overhead`` (``batch_overhead + item_overhead``, what a batch of
    this item alone adds to its size) and ``max_bytes`` say which item and by how much.

    >>> err = OversizeItemError(index=2, size=12, max_bytes=10)
    >>> print(err)
    item at index 2 has size 12, which does not fit in max_bytes=10 even in a batch of its own
    >>> err.index, err.size, err.max_bytes, err.overhead
    (2, 12, 10, 0)
    >>> print(OversizeItemError(index=0, size=3, max_bytes=4, overhead=2))
    item at index 0 has size 3 (5 with the batch and item overheads), which does not fit in \
max_bytes=4 even in a batch of its own
    """

    def __init__(self, index: int, size: int, max_bytes: int, overhead: int = 0) -> None:
        super().__init__(index, size, max_bytes, overhead)
        self.index = index
        self.size = size
        self.max_bytes = max_bytes
        self.overhead = overhead

    def __str__(self) -> str:
        with_overheads = (
            f" ({self.size + self.overhead} with the batch and item overheads)"
            if self.overhead
            else ""
        )
        return (
            f"item at index {self.index} has size {self.size}{with_overheads}, which does not "
            f"fit in max_bytes={self.max_bytes} even in a batch of its own"
        )


@final
@dataclass(frozen=True, slots=True)
class OversizeItem(Generic[T_co]):
    """An item too large for any batch, delivered as ``Err`` by ``try_batched_by_size``.

    ``index`` is the item's 0-based position in the source, ``size`` what ``size(item)``
    returned, ``max_bytes`` the limit it broke.

    >>> OversizeItem(index=1, item="xxxx", size=4, max_bytes=3)
    OversizeItem(index=1, item='xxxx', size=4, max_bytes=3)
    """

    index: int
    item: T_co
    size: int
    max_bytes: int


def check_int(value: object, name: str, minimum: int) -> int:
    """Return ``value`` if it is an int >= ``minimum``, else raise naming the argument ``name``.

    Shared by the kit, ``itero.grpc`` and ``itero.strategies``.

    >>> check_int(True, "burst", 1)
    Traceback (most recent call last):
        ...
    TypeError: burst must be an int, got bool
    """
    # bool is an int subclass, but True as a byte count is a bug, not a value.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def _check_rate(per_second: object) -> None:
    if not isinstance(per_second, (int, float)) or isinstance(per_second, bool):
        raise TypeError(f"per_second must be a number, got {type(per_second).__name__}")
    if not (per_second > 0 and math.isfinite(per_second)):
        raise ValueError(f"per_second must be positive and finite, got {per_second}")


def close_source(source: object) -> None:
    """Call ``source.close()`` if ``source`` has one (a generator, a file, an ``Iter``).

    >>> import io
    >>> f = io.StringIO("x")
    >>> close_source(f), close_source([1]), f.closed
    (None, None, True)
    """
    close = getattr(source, "close", None)
    if callable(close):
        close()


class CallOnce:
    """Call ``f`` the first time this object is called, and do nothing after (``f`` may be None).

    >>> calls = []
    >>> release = CallOnce(lambda: calls.append("released"))
    >>> release(), release(), calls
    (None, None, ['released'])
    """

    __slots__ = ("_f",)

    def __init__(self, f: Callable[[], object] | None, /) -> None:
        self._f = f

    def __call__(self) -> None:
        f, self._f = self._f, None
        if f is not None:
            f()


class Closing(Generic[T]):
    """What ``Iter`` wraps when closing must do more than close the iterator.

    Iterating hands out ``iterator`` itself (loops run at its speed); ``close()`` calls each of
    ``closers`` in order. A generator's ``finally`` does not run if it is closed before it
    started, so the closers are what releases an upstream source in that case.

    >>> import io
    >>> from itero import Iter
    >>> source = io.StringIO("one line")
    >>> lines = (line.strip() for line in source)
    >>> it = Iter(Closing(lines, lines.close, source.close))
    >>> it.close()
    >>> source.closed
    True
    """

    __slots__ = ("_closers", "_iterator")

    def __init__(self, iterator: Iterator[T], /, *closers: Callable[[], object]) -> None:
        self._iterator = iterator
        self._closers = closers

    def __iter__(self) -> Iterator[T]:
        return self._iterator

    def close(self) -> None:
        for close in self._closers:
            close()


def _validate_batching(
    max_bytes: object,
    size: object,
    max_items: object,
    batch_overhead: object,
    item_overhead: object,
) -> None:
    check_int(max_bytes, "max_bytes", 1)
    if not callable(size):
        raise TypeError(f"size must be callable, got {type(size).__name__}")
    if max_items is not None:
        check_int(max_items, "max_items", 1)
    check_int(batch_overhead, "batch_overhead", 0)
    check_int(item_overhead, "item_overhead", 0)
    assert isinstance(max_bytes, int)
    assert isinstance(batch_overhead, int)
    assert isinstance(item_overhead, int)
    if batch_overhead + item_overhead > max_bytes:
        raise ValueError(
            f"batch_overhead ({batch_overhead}) + item_overhead ({item_overhead}) exceeds "
            f"max_bytes ({max_bytes}), so no item can ever fit"
        )


def _batches(
    iterable: Iterable[T],
    max_bytes: int,
    size: Callable[[T], int],
    max_items: int | None,
    batch_overhead: int,
    item_overhead: int,
    strict: bool,
) -> Generator[Any, None, None]:
    """Greedy size-bounded batches: lists, raising on an oversize item (``strict``), else
    ``Ok(list)`` and ``Err(OversizeItem)``."""
    it = iter(iterable)
    budget = max_bytes - batch_overhead  # bytes available to items (with their overhead)
    batch: list[T] = []
    append = batch.append
    used = 0  # bytes used by the items in batch, overhead included
    start = 0  # source index of batch[0]
    # The hot loop: one size() call, two additions, one comparison and one append per item.
    # max_items gets a loop of its own so that the common case does not count.
    if max_items is None:
        for item in it:
            s = size(item) + item_overhead
            used += s
            if used <= budget:
                append(item)
                continue
            # The item does not fit: ship the current batch, then start a new one with it.
            if batch:
                yield batch if strict else Ok(batch)
                start += len(batch)
                batch = []
                append = batch.append
            if s > budget:
                if strict:
                    raise OversizeItemError(
                        start, s - item_overhead, max_bytes, batch_overhead + item_overhead
                    )
                yield Err(OversizeItem(start, item, s - item_overhead, max_bytes))
                start += 1
                used = 0
                continue
            append(item)
            used = s
    else:
        n = 0  # len(batch), kept by hand: cheaper than len() per item
        for item in it:
            s = size(item) + item_overhead
            used += s
            n += 1
            if used <= budget and n <= max_items:
                append(item)
                continue
            if batch:
                yield batch if strict else Ok(batch)
                start += len(batch)
                batch = []
                append = batch.append
            if s > budget:
                if strict:
                    raise OversizeItemError(
                        start, s - item_overhead, max_bytes, batch_overhead + item_overhead
                    )
                yield Err(OversizeItem(start, item, s - item_overhead, max_bytes))
                start += 1
                used = 0
                n = 0
                continue
            append(item)
            used = s
            n = 1
    if batch:
        yield batch if strict else Ok(batch)


def _explain_len(batches: Generator[Any, None, None], size: object) -> Generator[Any, None, None]:
    """``batches``, with the default ``size=len`` failing on an item without ``len()`` explained.

    A protobuf message has no ``len()``: the error says to pass ``size=`` (per batch, not per
    item: ``yield from`` passes each batch through).
    """
    try:
        yield from batches
    except TypeError as exc:
        message = str(exc)
        if size is len and message.startswith("object of type ") and message.endswith("len()"):
            raise TypeError(
                f"batched_by_size measures items with len() by default, and this item has none "
                f"({message}): pass size=, the encoded size of an item (for a protobuf message, "
                "size=lambda m: m.ByteSize(), with item_overhead= for its tag and length "
                "prefix in a repeated field: 2 bytes below 128 bytes, 3 below 16 KiB)"
            ) from exc
        raise


@overload
def batched_by_size(
    iterable: Iterable[SizedT],
    /,
    max_bytes: int,
    *,
    max_items: int | None = ...,
    batch_overhead: int = ...,
    item_overhead: int = ...,
) -> Iter[list[SizedT]]: ...
@overload
def batched_by_size(
    iterable: Iterable[T],
    /,
    max_bytes: int,
    *,
    size: Callable[[T], int],
    max_items: int | None = ...,
    batch_overhead: int = ...,
    item_overhead: int = ...,
) -> Iter[list[T]]: ...
def batched_by_size(
    iterable: Iterable[T],
    /,
    max_bytes: int,
    *,
    size: Callable[[Any], int] = len,
    max_items: int | None = None,
    batch_overhead: int = 0,
    item_overhead: int = 0,
) -> Iter[list[T]]:
    """Group items lazily into lists whose encoded size never exceeds ``max_bytes``.

    A batch's size is ``batch_overhead + sum(size(item) + item_overhead for item in batch)``
    (for example a message header and a per-record length prefix). Batches are filled greedily
    in source order: a batch is shipped only when the next item would not fit (or when it holds
    ``max_items`` items), so concatenating the batches gives back the source. Lazy: nothing is
    pulled before the first batch is asked for, and only one batch is held at a time.

    Args:
        iterable: the items, in the order they must be sent.
        max_bytes: the largest size of a batch, overheads included; must be >= 1.
        size: the encoded size of one item, a non-negative int (default ``len``).
        max_items: the most items in a batch (None: no limit); must be >= 1.
        batch_overhead: bytes added once per batch; must be >= 0.
        item_overhead: bytes added per item; must be >= 0.

    Returns:
        An ``Iter`` of non-empty lists.

    Raises:
        OversizeItemError: (while iterating) when an item does not fit even in a batch of its
            own; the batch before it is delivered first. Use ``try_batched_by_size`` to get such
            items as ``Err`` values and keep going.
        TypeError, ValueError: at the call, for a bad argument (named in the message).

    >>> from itero import batched_by_size
    >>> batched_by_size(["ab", "cd", "e", "fghi", "j"], 4).collect()
    [['ab', 'cd'], ['e'], ['fghi'], ['j']]
    >>> batched_by_size(["ab", "cd", "e"], 10, item_overhead=2, batch_overhead=1).collect()
    [['ab', 'cd'], ['e']]
    >>> batched_by_size(range(5), 100, size=lambda x: 1, max_items=2).collect()
    [[0, 1], [2, 3], [4]]
    >>> batched_by_size(["ok", "far too long", "ok"], 4).collect()
    Traceback (most recent call last):
        ...
    itero._batching.OversizeItemError: item at index 1 has size 12, which does not fit in \
max_bytes=4 even in a batch of its own
    """
    from ._iter import Iter

    _validate_batching(max_bytes, size, max_items, batch_overhead, item_overhead)
    batches = _batches(iterable, max_bytes, size, max_items, batch_overhead, item_overhead, True)
    batches = _explain_len(batches, size)
    return Iter(Closing(batches, batches.close, partial(close_source, iterable)))


@overload
def try_batched_by_size(
    iterable: Iterable[SizedT],
    /,
    max_bytes: int,
    *,
    max_items: int | None = ...,
    batch_overhead: int = ...,
    item_overhead: int = ...,
) -> Iter[Result[list[SizedT], OversizeItem[SizedT]]]: ...
@overload
def try_batched_by_size(
    iterable: Iterable[T],
    /,
    max_bytes: int,
    *,
    size: Callable[[T], int],
    max_items: int | None = ...,
    batch_overhead: int = ...,
    item_overhead: int = ...,
) -> Iter[Result[list[T], OversizeItem[T]]]: ...
def try_batched_by_size(
    iterable: Iterable[T],
    /,
    max_bytes: int,
    *,
    size: Callable[[Any], int] = len,
    max_items: int | None = None,
    batch_overhead: int = 0,
    item_overhead: int = 0,
) -> Iter[Result[list[T], OversizeItem[T]]]:
    """Like ``batched_by_size``, but an item too large for any batch comes out as ``Err``.

    Batches come out as ``Ok(batch)``. An item that does not fit even in a batch of its own
    ends the current batch (delivered first), comes out as ``Err(OversizeItem(...))`` in its
    place, and batching continues with the next item, so nothing is lost and order is kept.
    Arguments and laziness are as for ``batched_by_size``.

    >>> from itero import try_batched_by_size
    >>> for r in try_batched_by_size(["ab", "c", "far too long", "d"], 4):
    ...     print(r)
    Ok(['ab', 'c'])
    Err(OversizeItem(index=2, item='far too long', size=12, max_bytes=4))
    Ok(['d'])
    """
    from ._iter import Iter

    _validate_batching(max_bytes, size, max_items, batch_overhead, item_overhead)
    batches = _batches(iterable, max_bytes, size, max_items, batch_overhead, item_overhead, False)
    batches = _explain_len(batches, size)
    return Iter(Closing(batches, batches.close, partial(close_source, iterable)))


def rate_limited(
    iterable: Iterable[T],
    /,
    per_second: float,
    *,
    burst: int = 1,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
) -> Iter[T]:
    """Pull from ``iterable`` at most ``per_second`` times per second, sleeping in between.

    Pulls are paced with a token bucket (GCRA): after an idle period up to ``burst`` pulls go
    through back to back, and over any longer run pulls are spaced ``1 / per_second`` seconds
    apart on average. The wait happens *before* the source is pulled, so a source that does
    work on each pull (a request, a page fetch) is what gets paced; the pull that finds the
    source exhausted is paced too, as nothing tells it apart in advance. Lazy: the first pull (and
    the first clock reading) happens when the first item is asked for. Pass ``clock`` and
    ``sleep`` to test without waiting.

    Args:
        iterable: the source to pace.
        per_second: the average pull rate, a positive finite number.
        burst: how many pulls may go through without waiting after an idle period (>= 1).
        clock: a monotonic clock in seconds (default ``time.monotonic``).
        sleep: a function that waits a number of seconds (default ``time.sleep``).

    >>> from itero import rate_limited
    >>> now = [0.0]
    >>> def fake_sleep(seconds: float) -> None:
    ...     now[0] += seconds
    >>> paced = rate_limited("abc", 2, clock=lambda: now[0], sleep=fake_sleep)
    >>> [(item, now[0]) for item in paced]
    [('a', 0.0), ('b', 0.5), ('c', 1.0)]
    """
    from ._iter import Iter

    _check_rate(per_second)
    check_int(burst, "burst", 1)
    if not callable(clock):
        raise TypeError(f"clock must be callable, got {type(clock).__name__}")
    if not callable(sleep):
        raise TypeError(f"sleep must be callable, got {type(sleep).__name__}")
    paced = _paced(iterable, 1.0 / per_second, burst, clock, sleep)
    return Iter(Closing(paced, paced.close, partial(close_source, iterable)))


def _paced(
    iterable: Iterable[T],
    interval: float,
    burst: int,
    clock: Callable[[], float],
    sleep: Callable[[float], object],
) -> Generator[T, None, None]:
    it = iter(iterable)
    slack = (burst - 1) * interval
    tat = -math.inf  # the "theoretical arrival time" of the next pull
    while True:
        now = clock()
        allowed = tat - slack
        if now < allowed:
            sleep(allowed - now)
            now = allowed
        tat = max(tat, now) + interval
        try:
            item = next(it)
        except StopIteration:
            return
        yield item
