"""Pagination as an algorithm with no I/O: ``Page``, the server's ``cut_page``, and ``Pager``.

Server side: ``cut_page(source, key=..., start=..., limit=..., max_bytes=...)`` cuts the next
``Page`` from a source sorted by key, within an item count and a byte budget, reading at most
one item past the cut.

Client side: ``Pager`` is the whole client algorithm as a state machine that never fetches,
sleeps or reads a clock: it says which ``(token, limit)`` to fetch next and how long to wait
first, and is told each outcome (a ``Page``, or an exception). It holds the token walk, the
last-page rule, the adaptive page size (halving on "too large", growing back after
``grow_after`` successes), repeated-token detection (Brent's algorithm), retries with
exponential backoff and jitter (``Retry``), the listing's deadline, and the per-page records
(``PageRecord``) an ``on_page`` hook receives. The sync driver (``_drivers.pages``, behind
``from_pages``) and the async one (``_adrivers.apages``, behind ``afrom_pages``) both drive it,
so both make exactly the same fetches.
"""

from __future__ import annotations

import inspect
import math
import random
from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, Union, cast, final

from ._batching import _bad_size  # pyright: ignore[reportPrivateUsage]
from ._checks import check_callable, check_int, check_number, check_optional_callable
from ._errors import (
    ItemTooLargeError,
    ListingDeadlineError,
    PageItemTooLargeError,
    RepeatedTokenError,
    RetriesExhaustedError,
)

T = TypeVar("T")
K = TypeVar("K")
T_co = TypeVar("T_co", covariant=True)
K_co = TypeVar("K_co", covariant=True)


class _SupportsLessThan(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


SK = TypeVar("SK", bound=_SupportsLessThan)

__all__ = [
    "GROW_AFTER",
    "Page",
    "PageRecord",
    "Pager",
    "Retry",
    "StreamMeter",
    "cut_page",
    "listing_pager",
]

GROW_AFTER = 4
"""The default ``grow_after``: successful pages in a row before a reduced limit doubles."""


@final
@dataclass(frozen=True, slots=True, repr=False)
class Page(Generic[T_co, K_co]):
    """One page of a token-paginated listing: its items and the token of the next page.

    ``next_token`` is None (or an empty ``str``/``bytes``) on the last page. ``Page[T, K]`` is
    what a ``fetch`` passed to ``from_pages`` returns, and what ``cut_page`` builds.
    ``nbytes`` is the page's encoded size when the server (or ``cut_page`` with ``max_bytes``)
    knows it, else None; it is passed on to ``on_page`` records.

    >>> Page([1, 2], next_token=3)
    Page(items=[1, 2], next_token=3)
    >>> Page(["z"]).next_token is None
    True
    >>> Page([b"ab"], nbytes=4)
    Page(items=[b'ab'], next_token=None, nbytes=4)
    """

    items: Sequence[T_co]
    next_token: K_co | None = None
    nbytes: int | None = None

    def __post_init__(self) -> None:
        _check_items(self.items)  # at run time: Page(None) is a bug, not an empty last page
        if self.nbytes is not None:
            check_int(self.nbytes, "nbytes", 0)

    def __repr__(self) -> str:
        nbytes = "" if self.nbytes is None else f", nbytes={self.nbytes!r}"
        return f"Page(items={self.items!r}, next_token={self.next_token!r}{nbytes})"


def _check_items(items: object) -> None:
    if not isinstance(items, Sized) or not isinstance(items, Iterable):
        raise TypeError(f"items must be a sequence, got {type(items).__name__}")


def cut_page(
    source: Iterable[T],
    *,
    key: Callable[[T], SK],
    start: SK | None,
    limit: int,
    max_bytes: int | None = None,
    size: Callable[[T], int] | None = None,
    page_overhead: int = 0,
    item_overhead: int = 0,
) -> Page[T, SK]:
    """Cut the next page from ``source``, sorted by ``key``, starting at key ``start``.

    The page holds the first ``limit`` items whose key is ``>= start`` (all items if ``start``
    is None); its ``next_token`` is the key of the item after them, or None when the source ends
    there. Following the tokens from ``start=None`` gives back the source exactly, which is
    what ``from_pages`` does when ``fetch`` calls ``cut_page``.

    Byte budget: with ``max_bytes``, the page also stops before the item that would make its
    encoded size ``page_overhead + sum(size(item) + item_overhead)`` pass ``max_bytes``; that
    item begins the next page. So a page built from the cut items and an envelope of at most
    ``page_overhead`` bytes (the response message's other fields, its next token) never
    exceeds ``max_bytes``, whatever ``limit`` the client asked for: the server never builds a
    response that the client must reject. The page's ``nbytes`` is that size. A page always
    has at least one item, unless the first item alone does not fit: then
    ``ItemTooLargeError`` (with ``key``, ``index`` and ``unit="page"``) says which one.

    Reading: at most one item past the cut is read (its key is the next token). Items whose key
    is below ``start`` are read and dropped, so the whole sorted source may be passed, at a cost
    that grows with the position. For a large source pass one that already begins at ``start``
    (a query with ``WHERE key >= start``). The source is not closed; the caller owns it.

    Args:
        source: items sorted by ``key``, with unique keys.
        key: the sort key of an item; it is the page token.
        start: the first key of the page (inclusive), or None for the first page.
        limit: the most items in the page, >= 1.
        max_bytes: the most bytes in the page, envelope included (None: no byte budget), >= 1.
        size: the encoded size of an item (default ``len``), only called with ``max_bytes``.
        page_overhead: bytes the response adds once per page, >= 0.
        item_overhead: bytes added per item (a tag and length prefix), >= 0.

    Raises:
        ValueError: if the items read are not in strictly increasing key order (a page
            boundary between equal keys would make tokens skip or repeat items), or a bad
            argument. TypeError: a non-callable ``key``/``size`` or a non-int number.
        ItemTooLargeError: the page's first item alone does not fit in ``max_bytes``.

    >>> from itero import cut_page
    >>> rows = [(1, "a"), (2, "b"), (4, "c"), (7, "d")]
    >>> cut_page(rows, key=lambda row: row[0], start=None, limit=2)
    Page(items=[(1, 'a'), (2, 'b')], next_token=4)
    >>> cut_page(rows, key=lambda row: row[0], start=4, limit=2)
    Page(items=[(4, 'c'), (7, 'd')], next_token=None)
    >>> cut_page(rows, key=lambda row: row[0], start=3, limit=1)
    Page(items=[(4, 'c')], next_token=7)

    With a byte budget, a request for 100 items gets what fits in 10 bytes:

    >>> names = ["ant", "bee", "cicada", "dragonfly"]
    >>> cut_page(names, key=str, start=None, limit=100, max_bytes=10)
    Page(items=['ant', 'bee'], next_token='cicada', nbytes=6)
    >>> cut_page(names, key=str, start="c", limit=100, max_bytes=10, page_overhead=2)
    Page(items=['cicada'], next_token='dragonfly', nbytes=8)
    >>> cut_page(names, key=str, start="d", limit=100, max_bytes=8)
    Traceback (most recent call last):
        ...
    itero.ItemTooLargeError: item at index 3 (key 'dragonfly') has size 9, which does not fit \
in max_bytes=8 even in a page of its own
    """
    check_callable(key, "key")
    check_int(limit, "limit", 1)
    if max_bytes is not None:
        check_int(max_bytes, "max_bytes", 1)
    if size is not None:
        check_callable(size, "size")
    check_int(page_overhead, "page_overhead", 0)
    check_int(item_overhead, "item_overhead", 0)
    if max_bytes is not None and page_overhead + item_overhead > max_bytes:
        raise ValueError(
            f"page_overhead ({page_overhead}) + item_overhead ({item_overhead}) exceeds "
            f"max_bytes ({max_bytes}), so no item can ever fit"
        )
    it = iter(source)
    skipped = 0
    for first in it:
        prev = key(first)
        if start is None or not prev < start:
            break
        skipped += 1
    else:
        return Page([], None, None if max_bytes is None else page_overhead)
    items = [first]
    if max_bytes is None:
        for item in it:
            k = key(item)
            if not prev < k:
                _unsorted(k, prev)
            if len(items) == limit:
                return Page(items, k)
            items.append(item)
            prev = k
        return Page(items, None)
    measure: Callable[[Any], int] = len if size is None else size
    budget = max_bytes - page_overhead
    s = _measure(measure, first) + item_overhead
    if s > budget:
        raise ItemTooLargeError(
            skipped,
            s - item_overhead,
            max_bytes,
            page_overhead + item_overhead,
            key=prev,
            unit="page",
        )
    used = s
    n = 1
    append = items.append
    for item in it:
        k = key(item)
        if not prev < k:
            _unsorted(k, prev)
        if n == limit:
            return Page(items, k, page_overhead + used)
        s = measure(item)
        if s.__class__ is not int or s < 0:
            s = _bad_size(measure, item, s)
        used += s + item_overhead
        if used > budget:
            return Page(items, k, page_overhead + used - s - item_overhead)
        append(item)
        n += 1
        prev = k
    return Page(items, None, page_overhead + used)


def _measure(size: Callable[[Any], int], item: object) -> int:
    s = size(item)
    if s.__class__ is not int or s < 0:
        s = _bad_size(size, item, s)
    return s


def _unsorted(k: object, prev: object) -> None:
    raise ValueError(f"source must be sorted by key with unique keys: key {k!r} follows {prev!r}")


# ---------------------------------------------------------------------------------------------
# The client side: retry policy, per-page records, and the pagination state machine.

ExceptionTypes = Union[type[BaseException], tuple[type[BaseException], ...]]
_Predicate = Callable[[Exception], object]


def exception_types(value: object, name: str) -> tuple[type[BaseException], ...]:
    """``value`` (an exception type or a tuple of them) as a tuple, or a ``TypeError``."""
    types = cast("tuple[object, ...]", value) if isinstance(value, tuple) else (value,)
    for t in types:
        if not (isinstance(t, type) and issubclass(t, BaseException)):
            raise TypeError(f"{name} must be an exception type or a tuple of them, got {value!r}")
    return cast("tuple[type[BaseException], ...]", types)


@final
@dataclass(frozen=True, slots=True)
class Retry:
    """When and how ``from_pages`` retries a failed fetch: from the same token, after a backoff.

    A fetch that raises an exception ``on`` accepts (exception types, or a predicate called with
    the exception) is retried with the same ``(token, limit)``, so no item is skipped or
    repeated. Before retry number ``n`` (1 for the first) it waits
    ``min(max_backoff, backoff * multiplier ** (n - 1))``, reduced by a random fraction of at
    most ``jitter`` (so retries of many clients spread out): with the default ``jitter=0.5`` the
    wait is between half and all of the backoff. ``rand`` is the jitter source, a function
    returning a float in ``[0, 1)``: pass ``random.Random(seed).random`` for reproducible waits.

    It gives up on a page when ``attempts`` of its fetches have failed that way (too-large
    failures, which halve the page size instead, do not count), or when the next retry would start
    more than ``within`` seconds after the page's first failure (None: no time budget), and
    raises ``RetriesExhaustedError`` (attempts and token in the message, the last failure as
    ``__cause__``). Counts start again at each page. Exceptions that ``on`` does not accept
    propagate at once, unchanged.

    Args:
        attempts: the most fetches of one page that may fail, >= 1 (1: no retry).
        within: seconds after a page's first failure past which no retry starts, or None.
        backoff: the wait before the first retry, in seconds, >= 0.
        multiplier: how much each further wait grows, >= 1.
        max_backoff: the longest wait, in seconds, >= 0.
        jitter: the largest fraction of a wait taken off at random, in ``[0, 1]``.
        on: the exception types to retry, or a predicate on the exception.
        rand: the jitter source (default ``random.random``).

    >>> from itero import Retry
    >>> Retry(attempts=3, backoff=0.5, on=ConnectionError)
    Retry(attempts=3, within=None, backoff=0.5, multiplier=2.0, max_backoff=10.0, jitter=0.5, \
on=<class 'ConnectionError'>)
    >>> [Retry(backoff=1.0, jitter=0.0).wait(n, 0.3) for n in (1, 2, 3)]
    [1.0, 2.0, 4.0]
    >>> Retry(attempts=-1)
    Traceback (most recent call last):
        ...
    ValueError: attempts must be >= 1, got -1
    """

    attempts: int = 5
    within: float | None = None
    backoff: float = 0.1
    multiplier: float = 2.0
    max_backoff: float = 10.0
    jitter: float = 0.5
    on: ExceptionTypes | _Predicate = (ConnectionError, TimeoutError)
    rand: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_int(self.attempts, "attempts", 1)
        if self.within is not None:
            check_number(self.within, "within", positive=False)
        check_number(self.backoff, "backoff", positive=False)
        if check_number(self.multiplier, "multiplier") < 1:
            raise ValueError(f"multiplier must be >= 1, got {self.multiplier}")
        check_number(self.max_backoff, "max_backoff", positive=False)
        if not 0 <= check_number(self.jitter, "jitter", positive=False) <= 1:
            raise ValueError(f"jitter must be between 0 and 1, got {self.jitter}")
        on: object = self.on
        if isinstance(on, (type, tuple)):
            exception_types(self.on, "on")
        else:
            check_callable(on, "on")
        check_callable(self.rand, "rand")

    def accepts(self, exc: Exception) -> bool:
        """Whether ``exc`` is a failure worth retrying.

        >>> Retry().accepts(ConnectionResetError()), Retry().accepts(KeyError())
        (True, False)
        >>> Retry(on=lambda e: "again" in str(e)).accepts(RuntimeError("try again"))
        True
        """
        on = self.on
        if isinstance(on, (type, tuple)):
            return isinstance(exc, on)
        return bool(on(exc))

    def wait(self, n: int, u: float) -> float:
        """The wait before retry ``n`` (1 for the first), for a jitter draw ``u`` in ``[0, 1)``.

        >>> Retry(backoff=1.0, max_backoff=3.0, jitter=0.5).wait(5, 0.5)
        2.25
        """
        # The exponent is capped so that a large n cannot overflow a float: past ~1075 doublings
        # every backoff is max_backoff anyway.
        base = min(self.max_backoff, self.backoff * self.multiplier ** min(n - 1, 1075))
        return base * (1.0 - self.jitter * u)


@final
@dataclass(frozen=True, slots=True)
class PageRecord(Generic[K_co]):
    """What happened for one page (or one streamed message): the ``on_page`` hook's argument.

    ``number`` counts pages from 1; ``token`` is the token the page was fetched with (None for
    the first page and for streams); ``items`` how many items it held; ``nbytes`` its encoded
    size when known (``Page.nbytes``, or the message size of a stream), else None; ``limit``
    the limit asked for (None for streams); ``retries`` how many failed fetches of this page
    came before the one that succeeded (too-large and retried ones); ``elapsed`` the seconds
    since the listing's first fetch started, when this page arrived.

    >>> PageRecord(number=1, token=None, items=100, nbytes=None, limit=100, retries=0, elapsed=0.2)
    PageRecord(number=1, token=None, items=100, nbytes=None, limit=100, retries=0, elapsed=0.2)
    """

    number: int
    token: K_co | None
    items: int
    nbytes: int | None
    limit: int | None
    retries: int
    elapsed: float


@final
class StreamMeter:
    """Builds the ``PageRecord`` of each message of a stream, for an ``on_page`` hook.

    For streaming clients (such as ``itero.grpc.iter_stream``): build one when the call
    starts (``clock`` is read then) and call ``record(items, nbytes)`` when a message arrives;
    pass the result to the hook. ``elapsed`` counts from the meter's creation.

    >>> times = iter([10.0, 10.25, 10.5])
    >>> meter = StreamMeter(lambda: next(times))
    >>> meter.record(items=3, nbytes=120)
    PageRecord(number=1, token=None, items=3, nbytes=120, limit=None, retries=0, elapsed=0.25)
    >>> meter.record(items=2, nbytes=None).elapsed
    0.5
    """

    __slots__ = ("_clock", "_number", "_started")

    def __init__(self, clock: Callable[[], float]) -> None:
        check_callable(clock, "clock")
        self._clock = clock
        self._number = 0
        self._started = clock()

    def record(self, items: int, nbytes: int | None) -> PageRecord[Any]:
        """The record of the next message, of ``items`` items and ``nbytes`` bytes."""
        now = self._clock()
        self._number += 1
        return PageRecord(self._number, None, items, nbytes, None, 0, now - self._started)


def listing_pager(
    fetch: object,
    page_size: int,
    too_large: object,
    start: Any,
    on_close: object,
    retry: Retry | None,
    deadline: float | None,
    grow_after: int | None,
    on_page: object,
    clock: object,
    sleep: object,
) -> Pager[Any, Any]:
    """Check the arguments that ``from_pages`` and ``afrom_pages`` share; build their ``Pager``.

    >>> listing_pager(len, 0, (), None, None, None, None, 4, None, float, print)
    Traceback (most recent call last):
        ...
    ValueError: page_size must be >= 1, got 0
    """
    check_callable(fetch, "fetch")
    types = exception_types(too_large, "too_large")
    check_optional_callable(on_close, "on_close")
    check_optional_callable(on_page, "on_page")
    check_callable(clock, "clock")
    check_callable(sleep, "sleep")
    return Pager(
        page_size,
        too_large=types,
        start=start,
        retry=retry,
        deadline=deadline,
        grow_after=grow_after,
        recording=on_page is not None,
    )


def _not_a_page(page: object) -> TypeError:
    """The error for a ``fetch`` that returned something other than a ``Page``."""
    if inspect.iscoroutine(page):
        page.close()  # never awaited, and never will be: no "was never awaited" warning
        return TypeError(
            "fetch returned a coroutine: from_pages takes a sync fetch; use afrom_pages for an"
            " async one"
        )
    return TypeError(f"fetch must return a Page, got {type(page).__name__}")


@final
class Pager(Generic[T, K]):
    """The client side of token pagination as a state machine: no I/O, no clock of its own.

    A driver loops while not ``done``: ``wait(now)`` (only when ``timed``) says how long to
    sleep before the next fetch (and raises ``ListingDeadlineError`` past the deadline); then it
    calls ``fetch(pager.token, pager.limit)`` and reports the outcome: ``received(page, now)``
    returns the items to deliver, or ``failed(exc, now)`` says whether the failure was handled
    (True: loop again; False: re-raise ``exc`` unchanged) or raises the pagination's own error.
    After the loop it calls ``finish()``, which raises ``RepeatedTokenError`` if that is why the
    listing stopped (after the items of the page that carried the repeated token). ``now`` is
    the driver's clock reading (any number when not ``timed``); ``record`` is the
    ``PageRecord`` of the last page when ``recording``.

    The policy, stated once for both drivers:

    * Tokens: the first fetch uses ``start``; each page's ``next_token`` the next; None or an
      empty ``str``/``bytes`` ends the listing. A repeated token raises ``RepeatedTokenError``:
      at once if it equals the current token, otherwise within a few rounds of the cycle, in
      constant memory (Brent's algorithm: compare with a token saved at power-of-two steps).
    * Page size: a ``too_large`` exception halves the limit (integer division) and retries the
      same token; at limit 1 it raises ``PageItemTooLargeError``. After ``grow_after`` pages in
      a row fetched without one at a reduced limit, the limit doubles, never above
      ``page_size`` (None: never grows back). If the doubled limit is too large at once, the
      next growth waits twice as many pages (2k, 4k, ...: a hard limit costs a logarithmic
      number of refused responses, not one every k pages); once a doubled limit holds for a
      page, the wait is back to ``grow_after``.
    * Retries (with ``retry``): see ``Retry``; a too-large exception is never a retry.
    * Deadline: no fetch (or retry) starts ``deadline`` seconds or more after the first one;
      a backoff that would end past it gives up at once.

    >>> pager = Pager(4, too_large=(), start=None, retry=None, deadline=None, grow_after=None)
    >>> pager.token, pager.limit
    (None, 4)
    >>> pager.received(Page([1, 2, 3, 4], "t4"), 0.0), pager.token, pager.done
    ([1, 2, 3, 4], 't4', False)
    >>> pager.received(Page([5], None), 0.0), pager.done
    ([5], True)
    """

    __slots__ = (
        "_deadline",
        "_ends",
        "_failures",
        "_first_failure",
        "_grow_after",
        "_grow_wait",
        "_power",
        "_probing",
        "_repeated",
        "_retry",
        "_saved",
        "_sleep",
        "_started",
        "_steps",
        "_successes",
        "_too_large",
        "_transient",
        "delivered",
        "done",
        "limit",
        "page_size",
        "pages",
        "record",
        "recording",
        "timed",
        "token",
    )

    def __init__(
        self,
        page_size: int,
        *,
        too_large: tuple[type[BaseException], ...],
        start: K | None,
        retry: Retry | None,
        deadline: float | None,
        grow_after: int | None,
        recording: bool = False,
    ) -> None:
        self.page_size = check_int(page_size, "page_size", 1)
        if retry is not None and not isinstance(retry, Retry):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"retry must be a Retry or None, got {type(retry).__name__}")
        if deadline is not None:
            deadline = check_number(deadline, "deadline")
        if grow_after is not None:
            check_int(grow_after, "grow_after", 1)
        self._too_large = too_large
        self._retry = retry
        self._deadline = deadline
        self._grow_after = math.inf if grow_after is None else grow_after
        self.recording = recording
        self.timed = recording or retry is not None or deadline is not None
        self.token: K | None = start
        self.limit = page_size
        self.done = False
        self.delivered = 0  # items in the pages received so far
        self.pages = 0  # pages received so far
        self.record: PageRecord[K] | None = None
        self._saved: object = start  # Brent's saved token
        self._steps = 0
        self._power: int = 1
        self._successes = 0  # pages in a row at a reduced limit
        self._grow_wait = self._grow_after  # successes needed before the next growth
        self._probing = False  # the limit just grew and has not yet held for a page
        self._failures = 0  # failed fetches of the current page
        self._transient = 0  # those of them that retry accepted
        self._first_failure = 0.0
        self._sleep = 0.0  # the backoff before the next fetch
        self._started: float | None = None
        self._ends = math.inf
        self._repeated = False

    def wait(self, now: float) -> float:
        """Seconds to sleep before fetching ``(token, limit)`` (0.0: fetch now).

        The first call starts the listing's clock. Raises ``ListingDeadlineError`` when the
        deadline has passed: no fetch may start.
        """
        if self._started is None:
            self._started = now
            if self._deadline is not None:
                self._ends = now + self._deadline
        if now >= self._ends:
            raise ListingDeadlineError(
                cast(float, self._deadline), self.delivered, self.pages, self.token
            )
        sleep, self._sleep = self._sleep, 0.0
        return sleep

    def received(self, page: Page[T, K], now: float) -> Sequence[T]:
        """A fetch returned ``page``: return its items, and move on to the next token."""
        if page.__class__ is not Page:  # Page is final: no subclass to allow for
            raise _not_a_page(page)
        items = page.items
        token = self.token
        self.pages += 1
        self.delivered += len(items)
        if self.recording:
            self.record = PageRecord(
                self.pages,
                token,
                len(items),
                page.nbytes,
                self.limit,
                self._failures,
                now - cast(float, self._started),
            )
        if self._failures:
            self._failures = self._transient = 0
        if self._probing or self.limit < self.page_size:
            self._regrow()
        next_token = page.next_token
        if next_token is None or (isinstance(next_token, (str, bytes)) and not next_token):
            self.done = True
            return items
        if next_token == token or next_token == self._saved:
            # Not raised here: this page's items are delivered first, then ``finish`` raises.
            self.done = self._repeated = True
        else:
            self._steps += 1
            if self._steps == self._power:
                self._saved = next_token
                self._power *= 2
                self._steps = 0
        self.token = next_token
        return items

    def finish(self) -> None:
        """After the last page: raise ``RepeatedTokenError`` if a repeated token ended it.

        >>> pager = Pager(2, too_large=(), start="a", retry=None, deadline=None, grow_after=None)
        >>> pager.received(Page([1], "a"), 0.0), pager.done
        ([1], True)
        >>> pager.finish()
        Traceback (most recent call last):
            ...
        itero.RepeatedTokenError: the next-page token 'a' was already used; following it would \
loop forever
        """
        if self._repeated:
            raise RepeatedTokenError(self.token)

    def _regrow(self) -> None:
        """A page came at a reduced (or just grown) limit: count it; grow the limit when due."""
        if self._probing:  # the limit that just grew held: back to the usual pace
            self._probing = False
            self._grow_wait = self._grow_after
        if self.limit < self.page_size:
            self._successes += 1
            if self._successes >= self._grow_wait:
                self.limit = min(self.page_size, self.limit * 2)
                self._successes = 0
                self._probing = True

    def failed(self, exc: Exception, now: float) -> bool:
        """A fetch raised ``exc``: True if it is handled (fetch again), False to re-raise it.

        Halves the limit on a ``too_large`` exception; books a retry (its backoff is the next
        ``wait``) on one that ``retry`` accepts. Raises ``PageItemTooLargeError``,
        ``RetriesExhaustedError`` or ``ListingDeadlineError`` (each from ``exc``) when that is
        no longer possible.
        """
        self._failures += 1
        if isinstance(exc, self._too_large):
            if self.limit == 1:
                raise PageItemTooLargeError(self.token) from exc
            self.limit //= 2
            self._successes = 0
            if self._probing:  # the limit that just grew was too large: wait twice as long
                self._probing = False
                self._grow_wait *= 2
            return True
        retry = self._retry
        if retry is None or not retry.accepts(exc):
            return False
        self._transient += 1
        retries = self._transient  # failed fetches of this page that retry accepted
        if retries == 1:
            self._first_failure = now
        spent = now - self._first_failure
        if retries >= retry.attempts:
            raise RetriesExhaustedError(self.token, retries, spent) from exc
        u = retry.rand()
        if not (isinstance(u, float) and 0.0 <= u < 1.0):
            raise ValueError(f"rand must return a float in [0, 1), got {u!r}")
        sleep = retry.wait(retries, u)
        if retry.within is not None and spent + sleep > retry.within:
            raise RetriesExhaustedError(self.token, retries, spent) from exc
        if now + sleep >= self._ends:
            raise ListingDeadlineError(
                cast(float, self._deadline), self.delivered, self.pages, self.token
            ) from exc
        self._sleep = sleep
        return True
