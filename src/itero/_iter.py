"""Iter: a lazy, fluent iterator with Rust's ``Iterator`` names, built on C builtins.

Every adapter builds a chain of C-level iterators (``map``, ``filter``, ``itertools``) and wraps
it in a new ``Iter`` without calling the public constructor, so building costs a few hundred
nanoseconds and iterating costs what the builtins cost. ``Iter.__iter__`` returns the C chain
itself, so a ``for`` loop over an ``Iter`` runs at builtin speed.
"""

# The module-level helpers build and inspect Iter objects directly (their slots are private to
# this module, not to the class body).
# pyright: reportPrivateUsage=false

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial, reduce
from heapq import merge as _heap_merge
from itertools import (
    chain as _chain,
    compress,
    count as _count,
    cycle,
    dropwhile,
    groupby,
    islice,
    repeat as _repeat,
    starmap,
    takewhile,
    tee,
    zip_longest,
)
from math import prod
from operator import attrgetter, itemgetter, lt
from time import monotonic as _monotonic, sleep as _sleep
from types import GeneratorType, TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    Literal,
    NoReturn,
    Protocol,
    TypeVar,
    cast,
    overload,
)

from typing_extensions import Never, Self, TypeGuard, TypeIs

from . import _threads
from ._batching import ItemTooLarge, Packer, SizedT
from ._checks import check_callable, check_count, check_real, check_str
from ._drivers import batches as _batches, paced as _paced
from ._errors import PipelineTooDeepError
from ._hints import (
    EXACT as _EXACT,
    INFINITE as _INFINITE,
    NO_ITEMS as _NO_ITEMS,
    PLAIN_SOURCES as _PLAIN_SOURCES,
    UNKNOWN_LENGTH as _UNKNOWN_LENGTH,
    bounds as _bounds,
    capped as _capped,
    filtered as _filtered,
    merged as _merged,
    source_hint as _source_hint,
    unary as _unary,
)
from ._option import Nothing, Option, Some
from ._pacing import Pacer
from ._result import Err, Ok
from ._stages import (
    TRY_FOLD_EXPECTED as _TRY_FOLD_EXPECTED,
    Kinds as _Kinds,
    Moved as _Moved,
    MovedSlots as _MovedSlots,
    and_then_ok as _and_then_ok,
    close_all as _close_all,
    differ as _differ,
    err_error as _err_error,
    inspect_err_step as _inspect_err_step,
    keep_ok_step as _keep_ok_step,
    key_and_list as _key_and_list,
    map_err_step as _map_err_step,
    map_ok as _map_ok,
    no_copy_message as _no_copy_message,
    not_result as _not_result,
    ok_value as _ok_value,
    ok_values_run as _ok_values_run,
    option_expected as _option_expected,
    own_buffer as _own_buffer,
    partial_cmp as _partial_cmp,
    pull_values as _pull_values,
    raise_moved as _raise_moved,
    result_item_expected as _result_item_expected,
    round_robin as _round_robin,
    scan as _scan,
    select as _select,
    some_items_run as _some_items_run,
    some_run as _some_run,
    some_value as _some_value,
    successors as _successors,
    unique as _unique,
    wrong_type as _wrong_type,
)

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison, SupportsRichComparisonT

    from ._result import Result

T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")
W = TypeVar("W")
X = TypeVar("X")
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
E = TypeVar("E")
F = TypeVar("F")
K = TypeVar("K")
S = TypeVar("S")
T_co = TypeVar("T_co", covariant=True)


class _SupportsSum(Protocol):
    def __add__(self, other: Any, /) -> Any: ...
    def __radd__(self, other: int, /) -> Any: ...


class _SupportsProd(Protocol):
    def __mul__(self, other: Any, /) -> Any: ...
    def __rmul__(self, other: int, /) -> Any: ...


_SumT = TypeVar("_SumT", bound=_SupportsSum)
_ProdT = TypeVar("_ProdT", bound=_SupportsProd)

_new: Any = object.__new__
_new_some: Callable[[], Some[Any]] = partial(_new, Some)
"""An empty ``Some`` (then set ``_value``): a few ns less than ``_new(Some)`` (a partial calls
the C function directly)."""
_MAXSIZE = sys.maxsize
_NOTHING: Nothing = Nothing()

MAX_DEPTH = 512
"""The deepest pipeline (number of chained stages) that may be built.

CPython runs a chain of C iterators on the C stack, one frame per stage, and crashes (rather
than raising) somewhere near 100,000 stages; threads often have far smaller stacks than the
main thread. Stages written in Python (``scan``, ``unique``, ``unique_by_key``,
``interleave``, ``merge``, ``chunk_by`` and the data-scalable kit) also nest Python frames,
about two recursion units each against Python's limit (1,000 by default), so each counts as
``_PY`` (2) stages. 512 is far beyond any hand-written pipeline and safe for both.
"""

_PY = 2
"""The depth cost of a stage written in Python (see ``MAX_DEPTH``)."""

_FUSED: frozenset[type] = frozenset((*_EXACT, GeneratorType, _chain))
"""Iterator types that stop for good at their first end (``fuse()`` adds nothing to them)."""

_SEQUENCES = (list, tuple)
"""Containers that ``list()`` and ``str.join`` read without iterating (see ``_untouched``)."""

_COUNTABLE: frozenset[type] = frozenset((list, tuple, range, str, bytes))
"""Containers whose iterator's ``__length_hint__`` is what iterating it would count."""

_TEE_WINDOWS = 16
"""``windows(n)`` up to this ``n`` zips ``n`` tee copies; above it, one deque (see windows)."""


# ---------------------------------------------------------------------------------------------
# errors and sentinels
# ---------------------------------------------------------------------------------------------


# One shared Moved slot per method (see _stages.MovedSlots): a C dict lookup when it exists.
_moved: Callable[[str], Any] = _MovedSlots("Iter").__getitem__
# Looked up once for the hot paths (map, filter, take, collect), which inline ``_stage``.
_MOVED_MAP = _moved("map")
_MOVED_FILTER = _moved("filter")
_MOVED_TAKE = _moved("take")
_MOVED_COLLECT = _moved("collect")
_MOVED_MAX = _moved("max")
_MOVED_MIN = _moved("min")
_MOVED_COUNT = _moved("count")
_MOVED_LAST = _moved("last")
_MOVED_LOOP = _Moved(
    "this Iter was moved into a for loop / iter(); loop over .by_ref() to keep using it"
)


# What a callback returning an Option (or an item that must be a Result) may be, per method; any
# other type raises a TypeError naming the callback and the type (see _stages.Kinds).
_FILTER_MAP = _Kinds({Some: True, Nothing: False}, _option_expected("filter_map"))
_FIND_MAP_RUN = partial(_some_items_run, _option_expected("find_map"))
_MAP_WHILE_RUN = partial(_some_run, _option_expected("map_while"))
_FROM_FN = _Kinds({Some: True}, _option_expected("from_fn"), end=Nothing)
_SOURCE_NEXT = _Kinds(
    {Some: True}, "source.next() must return Some(...) or Nothing(), got {}", end=Nothing
)
_OKS = _Kinds({Ok: True, Err: False}, _result_item_expected("oks"))
_ERRS = _Kinds({Err: True, Ok: False}, _result_item_expected("errs"))


_NO_COPY = _no_copy_message("Iter")


def _too_deep() -> PipelineTooDeepError:
    return PipelineTooDeepError(
        f"pipeline too deep: an Iter may chain at most {MAX_DEPTH} stages"
        " (a stage written in Python counts as 2); build it from a loop over data instead"
    )


# ---------------------------------------------------------------------------------------------
# the Iter class
# ---------------------------------------------------------------------------------------------


class SupportsNext(Protocol[T_co]):
    """Anything with a Rust-style ``next() -> Option[T]`` method (for example an ``Iter``).

    ``Iter(source)`` ends where ``next()`` returns ``Nothing()``; as ``Iter.next()`` documents
    (and as in Rust), asking again calls ``source.next()`` again. A ``next()`` returning
    anything but ``Some``/``Nothing()`` raises ``TypeError`` when pulled.

    >>> class Countdown:
    ...     def __init__(self, n: int) -> None:
    ...         self.n = n
    ...     def next(self) -> Option[int]:
    ...         self.n -= 1
    ...         return Some(self.n) if self.n >= 0 else Nothing()
    >>> Iter(Countdown(3)).collect()
    [2, 1, 0]
    """

    def next(self) -> Option[T_co]:
        """Return the next item as ``Some(item)``, or ``Nothing()`` when exhausted.

        >>> Iter([1]).next()
        Some(1)
        """
        ...


class Iter(Generic[T_co]):
    """A lazy iterator with Rust's ``Iterator`` methods.

    Building a pipeline does no work; items are pulled one at a time by a consumer
    (``collect``, ``fold``, a ``for`` loop, ...). Adapters delegate to C builtins
    (``map``, ``filter``, ``itertools``), so a pipeline runs at their speed and holds no
    more than one item at a time unless a method says otherwise.

    Adapters and consuming methods *move* the ``Iter``, as in Rust: using it again raises
    ``MovedError``. So does a ``for`` loop (or ``list()``, ``iter()``, ...): loop over
    ``by_ref()`` to keep using it after a ``break``. ``by_ref()`` borrows it instead.
    ``Iter(other_iter)`` moves ``other_iter``.

    An ``Iter`` belongs to one consumer at a time: it is not thread-safe (reading one from
    several threads at once can lose or repeat items, and can crash CPython 3.11, whose
    ``islice`` is not safe to share). To fan work out over threads, keep one consumer and use
    ``Iter.map_concurrent``.

    Exceptions raised by callbacks propagate unchanged, with one exception inherited from the
    builtins: a callback that raises ``StopIteration`` ends the stream, exactly as with
    builtin ``map()``/``filter()``; in a consumer it ends the input early (so ``all()`` may
    then answer ``True``). Raise another exception to fail.

    Args:
        source: an iterable, or an object with a ``next() -> Option[T]`` method
            (see ``SupportsNext``). A generator source is not started.

    Raises:
        TypeError: if ``source`` is neither.

    >>> Iter([1, 2, 3, 4]).filter(lambda x: x % 2 == 0).map(lambda x: x * 10).collect()
    [20, 40]
    """

    __slots__ = ("_close", "_depth", "_hint", "_it")

    _it: Iterator[Any]
    _close: tuple[Any, ...]
    _depth: int
    _hint: Any

    def __init__(self, source: Iterable[T_co] | SupportsNext[T_co]) -> None:
        src: Any = source  # (no typing.cast call: this is the hot path of short pipelines)
        if source.__class__ in _PLAIN_SOURCES:  # list, tuple, range, ...: no close(), exact size
            it = iter(src)
            self._it = it
            self._close = ()
            self._depth = 0
            self._hint = ("e", it, source)  # owned: nobody else holds ``it``
            return
        if isinstance(source, Iter):
            other: Iter[Any] = source
            it = other._it
            if it.__class__ is _Moved:
                _raise_moved(it)
            self._it = it
            self._close = other._close
            self._depth = other._depth
            self._hint = other._hint
            other._it = _moved("Iter")
            return
        try:
            it = iter(src)
        except TypeError:
            if getattr(type(source), "__iter__", None) is not None:
                raise  # the source's own __iter__ failed: its message, unchanged
            nxt = getattr(source, "next", None)
            if not callable(nxt):
                raise TypeError(
                    "source must be an iterable or have a next() method returning an Option,"
                    f" got {type(source).__name__}"
                ) from None
            it = _pull_values(nxt, _SOURCE_NEXT)
            self._hint = None
        else:
            self._hint = _source_hint(it)
        self._it = it
        self._close = (source,) if hasattr(source, "close") else ()
        self._depth = 0

    def _stage(self, method: str, cost: int = 1) -> Iterator[Any]:
        """Move ``self`` into a new stage and return its iterator (checks move and depth)."""
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        if self._depth + cost > MAX_DEPTH:
            raise _too_deep()
        self._it = _moved(method)
        return it

    def _consume(self, method: str) -> Iterator[Any]:
        """Move ``self`` into a consumer and return its iterator."""
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        self._it = _moved(method)
        return it

    def _borrow(self) -> Iterator[Any]:
        """Return the iterator for a method that leaves ``self`` usable (and pulls from it)."""
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        return it

    def _join(
        self, others: tuple[Iterable[Any], ...], method: str, cost: int = 1
    ) -> tuple[Any, ...]:
        """Validate ``others`` and move ``self`` and any ``Iter`` among them.

        Returns ``(iterators, closables, depth, hints)``.
        """
        its: list[Iterator[Any]] = []
        closes = list(self._close)
        depth = self._depth
        hints = [self._hint]
        for i, o in enumerate(others):
            if isinstance(o, Iter):
                oi: Iter[Any] = o
                its.append(oi._borrow())
                closes.extend(oi._close)
                depth = max(depth, oi._depth)
                hints.append(oi._hint)
            else:
                try:
                    oit = iter(o)
                except TypeError:
                    raise TypeError(
                        f"others[{i}] must be iterable, got {type(o).__name__}"
                    ) from None
                its.append(oit)
                if hasattr(o, "close"):
                    closes.append(o)
                hints.append(_source_hint(oit, o))
        if depth + cost > MAX_DEPTH:
            raise _too_deep()
        first = self._stage(method, cost)
        for o in others:
            if isinstance(o, Iter):
                o._it = _moved(method)
        return ([first, *its], tuple(closes), depth + cost, hints)

    # ----------------------------------------------------------------------------------------
    # protocols
    # ----------------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[T_co]:
        """Return the underlying iterator, so a ``for`` loop runs at C speed. Moves the ``Iter``.

        As in Rust, a ``for`` loop (or ``iter()``, ``list()``, ``zip()``, ...) takes the
        ``Iter`` by value: using it afterwards raises ``MovedError``. Loop over ``by_ref()`` to
        keep it: after a ``break`` the rest is still there.

        >>> it = Iter("abc")
        >>> for x in it.by_ref():
        ...     break
        >>> x, it.collect()
        ('a', ['b', 'c'])
        """
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        self._it = _MOVED_LOOP  # moved: its hint is never read again
        return it

    if TYPE_CHECKING:

        def __next__(self) -> T_co:
            """Return the next item or raise ``StopIteration`` (Python's protocol)."""
            ...

    else:
        # ``next(it)`` at C speed: the property returns the iterator's own bound ``__next__``
        # (``attrgetter`` and ``property`` are C), which Python then calls; no Python frame.
        # A moved Iter's iterator is a ``_Moved``, whose ``__next__`` raises MovedError.
        __next__ = property(
            attrgetter("_it.__next__"),
            doc="""Return the next item or raise ``StopIteration`` (Python's protocol). Does not
            move.

            >>> next(Iter([7]))
            7
            """,
        )

    def next(self) -> Option[T_co]:
        """Return ``Some(next item)``, or ``Nothing()`` once exhausted (and every time after).

        As in Rust, a source that breaks the iterator protocol by yielding again after its
        end is not stopped for good unless the ``Iter`` is ``fuse()``-d.

        >>> it = Iter([1])
        >>> it.next(), it.next(), it.next()
        (Some(1), Nothing(), Nothing())
        """
        for x in self._it:
            some: Some[T_co] = _new_some()  # Some(x) without its __init__ frame
            some._value = x
            return some
        return _NOTHING

    def size_hint(self) -> tuple[int, Option[int]]:
        """Return ``(lower, upper)`` bounds on the number of items left; consumes nothing.

        The bounds are always correct; they are exact when the source knows its size (lists,
        ranges, tuples, dicts, sets, ...) and every stage keeps the count (``map``,
        ``enumerate``, ``zip``, ...). An infinite source reports ``(sys.maxsize, Nothing())``.

        >>> Iter(range(10)).map(str).size_hint()
        (10, Some(10))
        >>> Iter(range(10)).filter(bool).size_hint()
        (0, Some(10))
        >>> Iter(x for x in "ab").size_hint()
        (0, Nothing())
        """
        if self._it.__class__ is _Moved:
            _raise_moved(self._it)
        h = self._hint
        if h is None:  # nothing known
            return (0, _NOTHING)
        hi: int | None
        # The two commonest nodes are read in this frame; _hints.bounds reads the others.
        kind = h[0]
        if kind == "e":  # an exact source under stages that keep the count
            lo: int = h[1].__length_hint__()  # (every type in _hints.EXACT has the method)
            hi = lo
            if lo > _MAXSIZE:  # a range longer than sys.maxsize: endless, as in Rust
                return (_MAXSIZE, _NOTHING)
        elif kind == "f" and h[4] is not None:  # filters and takes over an exact source
            n: int = h[4].__length_hint__()
            cap: int | None = h[3]
            if n > _MAXSIZE:  # endless source: only a cap bounds it
                if cap is None:
                    return (0, _NOTHING)
                n = cap
            else:
                n += h[2]
                if cap is not None and cap < n:
                    n = cap
            lo = 0
            hi = n
        else:
            try:
                lo, hi = _bounds(h)
            except (RecursionError, OverflowError):  # see _bounds: give the trivial bound
                return (0, _NOTHING)
            if hi is None:
                return (lo, _NOTHING)
        upper: Some[int] = _new_some()  # Some(hi) without its __init__ frame
        upper._value = hi
        return (lo, upper)

    def __length_hint__(self) -> int:
        """The exact number of items left, when it is known (``operator.length_hint``).

        >>> import operator
        >>> operator.length_hint(Iter([1, 2, 3]).map(str))
        3
        >>> operator.length_hint(Iter(x for x in "ab"), -1)
        -1
        """
        try:
            lo, hi = _bounds(self._hint)
        except (RecursionError, OverflowError):  # see _bounds
            return _UNKNOWN_LENGTH
        return lo if lo == hi else _UNKNOWN_LENGTH

    def close(self) -> None:
        """Close every upstream source that has ``close()``, through every stage. Idempotent.

        Sources are the iterable given to ``Iter`` and the ones chained, zipped, merged or
        interleaved in. Iterables produced *inside* the pipeline (by ``flat_map``) are not
        tracked. Closing a moved ``Iter`` still closes its sources (that is what ``with``
        relies on); closing an ``Iter`` made by ``by_ref()`` closes nothing (it borrows).
        After ``close()`` this ``Iter`` is empty. If a source's ``close()`` raises, the other
        sources are still closed and the first exception is re-raised.

        >>> def numbers():
        ...     yield 1
        ...     yield 2
        >>> gen = numbers()
        >>> it = Iter(gen).map(str)
        >>> it.next()
        Some('1')
        >>> it.close()
        >>> it.next(), gen.gi_frame
        (Nothing(), None)
        """
        closes = self._close
        self._close = ()
        if self._it.__class__ is not _Moved:
            self._it = tee((), 1)[0]  # a tee object, so that a closed Peekable stays valid
            self._hint = _NO_ITEMS
        _close_all(closes)

    def __enter__(self) -> Self:
        r"""Return ``self``; the ``with`` block closes every upstream source on exit.

        >>> import io
        >>> source = io.StringIO("one\ntwo\n")
        >>> with Iter(source) as lines:
        ...     first = lines.next()
        >>> first, source.closed
        (Some('one\n'), True)
        """
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
        /,
    ) -> None:
        """Close every upstream source (see ``close``), also when the block raised.

        >>> def numbers():
        ...     yield 1
        ...     yield 2
        >>> gen = numbers()
        >>> with Iter(gen) as it:
        ...     it.next()
        Some(1)
        >>> gen.gi_frame is None
        True
        """
        self.close()

    def __copy__(self) -> NoReturn:
        """Refuse: a copy would be a second handle on the same one-shot stream.

        >>> import copy
        >>> copy.copy(Iter([1]))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        TypeError: an Iter cannot be copied (it is a one-shot stream): borrow it with by_ref(), ...
        """
        raise TypeError(_NO_COPY)

    def __deepcopy__(self, memo: object, /) -> NoReturn:
        """Refuse, as ``__copy__`` does (many sources cannot be replayed).

        >>> import copy
        >>> copy.deepcopy(Iter([1]))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        TypeError: an Iter cannot be copied (it is a one-shot stream): borrow it with by_ref(), ...
        """
        raise TypeError(_NO_COPY)

    def __repr__(self) -> str:
        it = self._it
        state = "moved" if it.__class__ is _Moved else type(it).__name__
        return f"<{type(self).__name__} over {state}>"

    # ----------------------------------------------------------------------------------------
    # adapters that reshape
    # ----------------------------------------------------------------------------------------

    def chain(self, *others: Iterable[U]) -> Iter[T_co | U]:
        """Yield every item of this ``Iter``, then of each of ``others`` in turn.

        ``Iter`` arguments are moved in (and closed by ``close()``).

        >>> Iter([1, 2]).chain([3], (4, 5)).collect()
        [1, 2, 3, 4, 5]
        """
        its, closes, depth, hints = self._join(others, "chain")
        return _wrap(_chain(*its), closes, depth, ("sum", tuple(hints), 0))

    @overload
    def zip(self, other: Iterable[U], /) -> Iter[tuple[T_co, U]]: ...
    @overload
    def zip(self, o1: Iterable[U], o2: Iterable[V], /) -> Iter[tuple[T_co, U, V]]: ...
    @overload
    def zip(
        self, o1: Iterable[U], o2: Iterable[V], o3: Iterable[W], /
    ) -> Iter[tuple[T_co, U, V, W]]: ...
    @overload
    def zip(
        self, o1: Iterable[U], o2: Iterable[V], o3: Iterable[W], o4: Iterable[X], /
    ) -> Iter[tuple[T_co, U, V, W, X]]: ...
    @overload
    def zip(self, *others: Iterable[Any]) -> Iter[tuple[Any, ...]]: ...
    def zip(self, *others: Iterable[Any]) -> Iter[tuple[Any, ...]]:
        """Yield tuples of one item from this ``Iter`` and each of ``others``; stop at the
        shortest.

        As in Python's ``zip`` (and Rust's), when this ``Iter`` is longer than another, one
        extra item of this ``Iter`` is pulled (and dropped) before stopping.

        >>> Iter("abc").zip([1, 2]).collect()
        [('a', 1), ('b', 2)]
        """
        its, closes, depth, hints = self._join(others, "zip")
        return _wrap(zip(*its, strict=False), closes, depth, ("min", tuple(hints)))

    def enumerate(self, start: int = 0) -> Iter[tuple[int, T_co]]:
        """Yield ``(index, item)`` pairs, counting from ``start``.

        >>> Iter("ab").enumerate().collect()
        [(0, 'a'), (1, 'b')]
        >>> Iter("ab").enumerate(1).collect()
        [(1, 'a'), (2, 'b')]
        """
        check_real(start, "start", integer=True)
        return self._then(enumerate(self._stage("enumerate"), start), self._hint)

    @overload
    def flatten(self: Iter[Some[U] | Nothing]) -> Iter[U]: ...
    @overload
    def flatten(self: Iter[Ok[U] | Err[Any]]) -> Iter[U]: ...
    @overload
    def flatten(self: Iter[Iterable[U]]) -> Iter[U]: ...
    def flatten(self: Iter[Any]) -> Iter[Any]:
        """Yield the items of each item: iterables are unrolled, ``Some(v)``/``Ok(v)`` give
        ``v``, ``Nothing()`` and ``Err(e)`` give nothing (as Rust's ``flatten``).

        Dropping ``Err`` values silently is Rust's behaviour; prefer ``oks()`` to say so, or
        ``try_collect()`` to stop at the first error.

        >>> Iter([[1, 2], [], [3]]).flatten().collect()
        [1, 2, 3]
        >>> Iter([Some(1), Nothing(), Some(3)]).flatten().collect()
        [1, 3]
        """
        return self._then(_chain.from_iterable(self._stage("flatten")), None)

    def flat_map(self, f: Callable[[T_co], Iterable[U]], /) -> Iter[U]:
        """Map each item to an iterable with ``f`` and yield the items of each, lazily.

        >>> Iter([1, 2, 3]).flat_map(lambda x: [x] * x).collect()
        [1, 2, 2, 3, 3, 3]
        """
        check_callable(f, "f")
        return self._then(_chain.from_iterable(map(f, self._stage("flat_map"))), None)

    def interleave(self, *others: Iterable[U]) -> Iter[T_co | U]:
        """Yield one item from each iterable in turn, skipping the ones that have ended.

        Like ``more_itertools.interleave_longest``: goes on until every iterable has ended.

        >>> Iter([1, 2, 3]).interleave("ab").collect()
        [1, 'a', 2, 'b', 3]
        """
        its, closes, depth, hints = self._join(others, "interleave", _PY)
        return _wrap(_round_robin(its), closes, depth, ("sum", tuple(hints), 0))

    def intersperse(self, sep: U) -> Iter[T_co | U]:
        """Yield ``sep`` between every two adjacent items.

        >>> Iter("abc").intersperse("-").collect()
        ['a', '-', 'b', '-', 'c']
        >>> Iter([]).intersperse(0).collect()
        []
        """
        it = self._stage("intersperse")
        pairs = _chain.from_iterable(zip(_repeat(sep), it))
        hint = _unary("isp", self._hint, None)
        return self._then(islice(pairs, 1, None), hint)

    @overload
    def zip_longest(self, *others: Iterable[U]) -> Iter[tuple[T_co | U | None, ...]]: ...
    @overload
    def zip_longest(self, *others: Iterable[U], fillvalue: V) -> Iter[tuple[T_co | U | V, ...]]: ...
    def zip_longest(self, *others: Iterable[Any], fillvalue: Any = None) -> Iter[tuple[Any, ...]]:
        """Yield tuples until every iterable has ended, filling ended ones with ``fillvalue``.

        >>> Iter([1, 2]).zip_longest("a", fillvalue="?").collect()
        [(1, 'a'), (2, '?')]
        """
        its, closes, depth, hints = self._join(others, "zip_longest")
        return _wrap(zip_longest(*its, fillvalue=fillvalue), closes, depth, ("max", tuple(hints)))

    def merge(
        self,
        *others: Iterable[U],
        key: Callable[[T_co | U], SupportsRichComparison] | None = None,
    ) -> Iter[T_co | U]:
        """Merge already-sorted iterables into one sorted stream, lazily and stably.

        Like ``heapq.merge``: memory holds one item per input. Ties keep input order.

        >>> Iter([1, 4, 7]).merge([2, 5], [3]).collect()
        [1, 2, 3, 4, 5, 7]
        """
        if key is not None:
            check_callable(key, "key")
        its, closes, depth, hints = self._join(others, "merge", _PY)
        return _wrap(_heap_merge(*its, key=key), closes, depth, _merged(hints, len(its)))

    def cycle(self) -> Iter[T_co]:
        """Repeat the items forever (an empty ``Iter`` stays empty).

        Memory: keeps a copy of one full pass of the source (like ``itertools.cycle``).

        >>> Iter([1, 2]).cycle().take(5).collect()
        [1, 2, 1, 2, 1]
        """
        return self._then(cycle(self._stage("cycle")), None)

    def peekable(self) -> Peekable[T_co]:
        """Return a ``Peekable`` that can look at the next item without consuming it.

        Memory: at most one item waits in the peek buffer.

        >>> it = Iter([1, 2]).peekable()
        >>> it.peek(), it.next(), it.peek()
        (Some(1), Some(1), Some(2))
        """
        it = self._stage("peekable")
        if not isinstance(self, Peekable) and hasattr(it, "__copy__"):
            it = _chain(it)  # never share a buffer with a tee object we do not own
        hint = _unary("pk", self._hint, None)
        # Until something is peeked the Peekable iterates ``it`` itself (see Peekable).
        return _wrap_peekable(it, self._close, self._depth + 1, hint)

    def fuse(self) -> Iter[T_co]:
        """Stop for good at the first end, even if the source would yield again.

        >>> class Flaky:
        ...     def __init__(self) -> None:
        ...         self.n = 0
        ...     def __iter__(self) -> "Flaky":
        ...         return self
        ...     def __next__(self) -> int:
        ...         self.n += 1
        ...         if self.n == 2:
        ...             raise StopIteration
        ...         return self.n
        >>> it = Iter(Flaky()).fuse()
        >>> it.next(), it.next(), it.next()
        (Some(1), Nothing(), Nothing())
        """
        it = self._stage("fuse")
        if it.__class__ not in _FUSED:  # builtin containers' iterators already stop for good
            it = _chain(it)  # chain drops its input at the first end
        return self._then(it, self._hint)

    def by_ref(self) -> Self:
        """Borrow this ``Iter``: a new ``Iter`` over the same items that does not move it.

        Items taken through the borrow are gone from this ``Iter``. Closing the borrow
        closes nothing. The borrow of a ``Peekable`` is a ``Peekable`` sharing its peek buffer.

        >>> it = Iter([1, 2, 3, 4])
        >>> it.by_ref().take(2).collect()
        [1, 2]
        >>> it.collect()
        [3, 4]
        """
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        h = self._hint
        if h is not None and h[0] == "e" and h[2] is not None:  # owned no more:
            h = self._hint = ("e", h[1], None)  # shared from now on
        new: Self = _new(self.__class__)
        new._it = it
        new._close = ()
        new._depth = self._depth
        new._hint = h
        return new

    # ----------------------------------------------------------------------------------------
    # adapters that map
    # ----------------------------------------------------------------------------------------

    def map(self, f: Callable[[T_co], U], /) -> Iter[U]:
        """Apply ``f`` to every item, lazily.

        >>> Iter([1, 2]).map(str).collect()
        ['1', '2']
        """
        if not callable(f):
            check_callable(f, "f")
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        d = self._depth + 1
        if d > MAX_DEPTH:
            raise _too_deep()
        # _wrap inlined: map/filter/take/collect are the hot path of short pipelines.
        new: Iter[U] = _new_iter()
        new._it = map(f, it)
        new._close = self._close
        new._depth = d
        new._hint = self._hint
        self._it = _MOVED_MAP
        return new

    def inspect(self, f: Callable[[T_co], object], /) -> Iter[T_co]:
        """Call ``f`` on every item as it passes (for logging or debugging), lazily.

        >>> seen = []
        >>> Iter([1, 2]).inspect(seen.append).map(lambda x: x * 10).collect(), seen
        ([10, 20], [1, 2])
        """
        check_callable(f, "f")
        a, b = tee(_own_buffer(self._stage("inspect")))
        # compress pulls x from a, then f(x) through b, then yields x: every 1-tuple is true
        # (and zip reuses it), so no per-item call beyond f's.
        return self._then(compress(a, zip(map(f, b))), self._hint)

    def filter_map(self, f: Callable[[T_co], Option[U]], /) -> Iter[U]:
        """Apply ``f`` and keep the values of the ``Some`` results, lazily.

        Raises:
            TypeError: when pulled, if ``f`` returns something other than ``Some``/``Nothing()``
                (``None``, say): naming ``f`` and the type, never dropping the item silently.

        >>> parse = lambda s: Some(int(s)) if s.isdigit() else Nothing()
        >>> Iter(["1", "x", "3"]).filter_map(parse).collect()
        [1, 3]
        """
        check_callable(f, "f")
        it = _select(map(f, self._stage("filter_map")), _FILTER_MAP)
        return self._then(map(_some_value, it), _filtered(self._hint, 0))

    def map_while(self, f: Callable[[T_co], Option[U]], /) -> Iter[U]:
        """Apply ``f`` and yield the ``Some`` values until the first ``Nothing``.

        The item that produced ``Nothing`` is consumed (as in Rust). A result of another type
        raises ``TypeError`` naming ``f`` and the type.

        >>> Iter([1, 2, -1, 3]).map_while(lambda x: Some(x * 2) if x > 0 else Nothing()).collect()
        [2, 4]
        """
        check_callable(f, "f")
        runs = groupby(map(f, self._stage("map_while")), type)  # one long run of Some
        it = _chain.from_iterable(starmap(_MAP_WHILE_RUN, runs))  # ended for good
        return self._then(it, _filtered(self._hint, 0))

    def scan(self, initial_state: S, f: Callable[[S, T_co], Option[tuple[S, U]]], /) -> Iter[U]:
        """Thread a state through the items: ``f(state, item)`` returns
        ``Some((new_state, output))`` to yield ``output``, or ``Nothing()`` to stop.

        Rust mutates the state in place; Python returns the new state instead. A result of
        another type (a bare ``(state, output)`` tuple, say) raises ``TypeError``.

        >>> Iter([1, 2, 3]).scan(0, lambda acc, x: Some((acc + x, acc + x))).collect()
        [1, 3, 6]
        """
        check_callable(f, "f")
        gen = _scan(self._stage("scan", _PY), initial_state, f)
        return self._then(gen, _filtered(self._hint, 0), _PY)

    def map_concurrent(
        self, f: Callable[[T_co], U], /, *, concurrency: int, ordered: bool = True
    ) -> Iter[U]:
        """Apply ``f`` on a thread pool, running up to ``concurrency`` calls at once.

        The pool is created on the first pull, owned by this ``Iter`` and shut down by
        ``close()`` (or ``with``), by the end of the items or by a failure: no thread outlives
        it. At most ``concurrency`` calls run at once and at most ``2 * concurrency`` items are
        pulled but not yet yielded; the source is pulled in the consuming thread, only when
        there is room. ``ordered=True`` yields in input order, ``ordered=False`` in completion
        order. On the first failure the items before it are yielded, then the calls not started
        are cancelled, the running ones waited for, the sources closed, and the exception
        raised as it was. (The async twin is ``AsyncIter.map_async``.)

        Raises:
            TypeError: if ``f`` is not callable or ``concurrency`` is not an int.
            ValueError: if ``concurrency`` is less than 1.

        >>> import time
        >>> def slow_square(x):
        ...     time.sleep(0.01)
        ...     return x * x
        >>> with Iter(range(8)).map_concurrent(slow_square, concurrency=4) as squares:
        ...     squares.collect()
        [0, 1, 4, 9, 16, 25, 36, 49]
        """
        it = self._borrow()  # (moved below, once the arguments are checked)
        out, closes = _threads.map_concurrent(it, f, concurrency, ordered, self._close)
        self._stage("map_concurrent", _PY)
        return _wrap(out, closes, self._depth + _PY, None)

    # ----------------------------------------------------------------------------------------
    # adapters that cut
    # ----------------------------------------------------------------------------------------

    @overload
    def filter(self, pred: Callable[[T_co], TypeIs[U]], /) -> Iter[U]: ...
    @overload
    def filter(self, pred: Callable[[T_co], TypeGuard[U]], /) -> Iter[U]: ...
    @overload
    def filter(self, pred: Callable[[T_co], object], /) -> Iter[T_co]: ...
    def filter(self, pred: Callable[[T_co], object], /) -> Iter[Any]:
        """Keep the items for which ``pred`` is true, lazily.

        >>> Iter(range(6)).filter(lambda x: x % 3 == 0).collect()
        [0, 3]
        """
        if not callable(pred):
            check_callable(pred, "pred")
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        d = self._depth + 1
        if d > MAX_DEPTH:
            raise _too_deep()
        new = _wrap(filter(pred, it), self._close, d, _filtered(self._hint, 0))
        self._it = _MOVED_FILTER
        return new

    def take(self, n: int) -> Iter[T_co]:
        """Yield the first ``n`` items (pulling exactly ``n`` from the source, no more).

        Raises:
            ValueError: if ``n`` is negative.

        >>> Iter(range(10**12)).take(3).collect()
        [0, 1, 2]
        """
        if type(n) is not int or n < 0:
            check_count(n, "n", 0)
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        d = self._depth + 1
        if d > MAX_DEPTH:
            raise _too_deep()
        hint = self._hint
        if hint is not None and hint[0] == "e":  # _hints.unary, inlined: take counts
            # The method, not operator.length_hint (2.5x the cost); a range longer than
            # sys.maxsize gives a start that _hints.bounds never uses (it is endless there).
            hint = ("t", hint, n, hint[1].__length_hint__(), hint[2] is not None)
        else:  # at most n items
            hint = _capped(hint, n)
        new: Iter[T_co] = _new_iter()
        try:
            new._it = islice(it, n)
        except ValueError:  # n > sys.maxsize (see _check_count)
            new._it = islice(it, _MAXSIZE)
        new._close = self._close
        new._depth = d
        new._hint = hint
        self._it = _MOVED_TAKE
        return new

    def skip(self, n: int) -> Iter[T_co]:
        """Skip the first ``n`` items (skipped when the first item is asked for), lazily.

        Raises:
            ValueError: if ``n`` is negative.

        >>> Iter("abcde").skip(3).collect()
        ['d', 'e']
        """
        n = check_count(n, "n", 0)
        return self._then(islice(self._stage("skip"), n, None), _unary("s", self._hint, n))

    def take_while(self, pred: Callable[[T_co], object], /) -> Iter[T_co]:
        """Yield items while ``pred`` is true; the first failing item is consumed and dropped.

        >>> Iter([1, 2, 5, 1]).take_while(lambda x: x < 3).collect()
        [1, 2]
        """
        check_callable(pred, "pred")
        it = takewhile(pred, self._stage("take_while"))
        return self._then(it, _filtered(self._hint, 0))

    def skip_while(self, pred: Callable[[T_co], object], /) -> Iter[T_co]:
        """Skip items while ``pred`` is true, then yield the rest (``pred`` is not called again).

        >>> Iter([1, 2, 5, 1]).skip_while(lambda x: x < 3).collect()
        [5, 1]
        """
        check_callable(pred, "pred")
        it = dropwhile(pred, self._stage("skip_while"))
        return self._then(it, _filtered(self._hint, 0))

    def step_by(self, step: int) -> Iter[T_co]:
        """Yield the first item, then every ``step``-th item after it (Rust's ``step_by``).

        Raises:
            ValueError: if ``step`` is less than 1.

        >>> Iter(range(10)).step_by(3).collect()
        [0, 3, 6, 9]
        """
        step = check_count(step, "step", 1)
        it = islice(self._stage("step_by"), 0, None, step)
        return self._then(it, _unary("step", self._hint, step))

    # ----------------------------------------------------------------------------------------
    # grouping and windows
    # ----------------------------------------------------------------------------------------

    def chunks(self, n: int) -> Iter[list[T_co]]:
        """Yield lists of ``n`` consecutive items; the last one may be shorter.

        Memory: one chunk at a time.

        Raises:
            ValueError: if ``n`` is less than 1.

        >>> Iter(range(7)).chunks(3).collect()
        [[0, 1, 2], [3, 4, 5], [6]]
        """
        n = check_count(n, "n", 1)
        it = self._stage("chunks")
        lists = map(list, map(islice, _repeat(it), _repeat(n)))
        return self._then(takewhile(bool, lists), _unary("div", self._hint, n))

    def windows(self, n: int) -> Iter[tuple[T_co, ...]]:
        """Yield every run of ``n`` consecutive items as a tuple (only full windows).

        Memory: ``n`` items (the last window), however large ``n`` is.

        Raises:
            ValueError: if ``n`` is less than 1.

        >>> Iter([1, 2, 3, 4]).windows(2).collect()
        [(1, 2), (2, 3), (3, 4)]
        >>> Iter([1]).windows(2).collect()
        []
        """
        n = check_count(n, "n", 1)  # capped at sys.maxsize: no source yields more
        it = self._stage("windows")
        if n <= _TEE_WINDOWS:
            # n tee copies zipped, copy i advanced by i items when the first window is asked
            # for (islice(c, i, i) yields nothing): C speed, nothing pulled before that.
            copies = tee(_own_buffer(it), n)
            primers = [islice(c, i, i) for i, c in enumerate(copies) if i]
            windows = _chain(*primers, zip(*copies, strict=False))
        else:
            # One deque of the last n items (its blocks grow with the items seen, not with n):
            # fill n - 1 items lazily, then per item append it and snapshot the window.
            window: deque[Any] = deque(maxlen=n)
            fill: Iterator[Any] = filter(None, map(window.append, islice(it, n - 1)))
            snapshots = zip(map(window.append, it), map(tuple, _repeat(window)), strict=False)
            windows = _chain(fill, map(itemgetter(1), snapshots))
        return self._then(windows, _unary("win", self._hint, n))

    def chunk_by(self, key: Callable[[T_co], K], /) -> Iter[tuple[K, list[T_co]]]:
        """Yield ``(key, items)`` for each run of consecutive items with equal keys.

        Like ``itertools.groupby``, with each run collected into a list.
        Memory: one run at a time.

        >>> Iter("aabca").chunk_by(str.upper).collect()
        [('A', ['a', 'a']), ('B', ['b']), ('C', ['c']), ('A', ['a'])]
        """
        check_callable(key, "key")
        runs = starmap(_key_and_list, groupby(self._stage("chunk_by", _PY), key))
        return self._then(runs, _filtered(self._hint, 1), _PY)

    def dedup(self) -> Iter[T_co]:
        """Drop consecutive duplicates (``==``), keeping the first of each run.

        Memory: one item.

        >>> Iter([1, 1, 2, 1, 1]).dedup().collect()
        [1, 2, 1]
        """
        firsts = map(itemgetter(0), groupby(self._stage("dedup")))
        return self._then(firsts, _filtered(self._hint, 1))

    def dedup_by_key(self, key: Callable[[T_co], object], /) -> Iter[T_co]:
        """Drop consecutive items whose ``key`` equals the previous one's, keeping the first.

        Memory: one item.

        >>> Iter(["a", "A", "b", "a"]).dedup_by_key(str.lower).collect()
        ['a', 'b', 'a']
        """
        check_callable(key, "key")
        runs = groupby(self._stage("dedup_by_key"), key)
        return self._then(map(next, map(itemgetter(1), runs)), _filtered(self._hint, 1))

    def unique(self) -> Iter[T_co]:
        """Yield each distinct item once, at its first occurrence (items must be hashable).

        Memory: grows with the number of distinct items.

        >>> Iter([3, 1, 3, 2, 1]).unique().collect()
        [3, 1, 2]
        """
        gen = _unique(self._stage("unique", _PY), None)
        return self._then(gen, _filtered(self._hint, 0), _PY)

    def unique_by_key(self, key: Callable[[T_co], object], /) -> Iter[T_co]:
        """Yield the first item for each distinct ``key(item)`` (keys must be hashable).

        Memory: grows with the number of distinct keys.

        >>> Iter(["a", "B", "A", "b", "c"]).unique_by_key(str.lower).collect()
        ['a', 'B', 'c']
        """
        check_callable(key, "key")
        gen = _unique(self._stage("unique_by_key", _PY), key)
        return self._then(gen, _filtered(self._hint, 0), _PY)

    # ----------------------------------------------------------------------------------------
    # Option/Result-aware adapters
    # ----------------------------------------------------------------------------------------

    def map_ok(self: Iter[Ok[T] | Err[E]], f: Callable[[T], U], /) -> Iter[Ok[U] | Err[E]]:
        """Apply ``f`` to the value of each ``Ok``; ``Err`` items pass unchanged.

        >>> Iter([Ok(1), Err("x")]).map_ok(lambda v: v * 10).collect()
        [Ok(10), Err('x')]
        """
        check_callable(f, "f")
        return self._then(map(partial(_map_ok, f), self._stage("map_ok")), self._hint)

    def map_err(self: Iter[Ok[T] | Err[E]], f: Callable[[E], F], /) -> Iter[Ok[T] | Err[F]]:
        """Apply ``f`` to the error of each ``Err``; ``Ok`` items pass unchanged.

        >>> Iter([Ok(1), Err("x")]).map_err(str.upper).collect()
        [Ok(1), Err('X')]
        """
        check_callable(f, "f")
        return self._then(map(_map_err_step(f), self._stage("map_err")), self._hint)

    def and_then_ok(
        self: Iter[Ok[T] | Err[E]], f: Callable[[T], Ok[U] | Err[E]], /
    ) -> Iter[Ok[U] | Err[E]]:
        """Replace each ``Ok(v)`` by ``f(v)`` (itself a Result); ``Err`` items pass unchanged.

        ``f`` returning anything but an ``Ok``/``Err`` raises ``TypeError`` naming ``f``.

        >>> half = lambda v: Ok(v // 2) if v % 2 == 0 else Err(f"odd: {v}")
        >>> Iter([Ok(4), Ok(3), Err("x")]).and_then_ok(half).collect()
        [Ok(2), Err('odd: 3'), Err('x')]
        """
        check_callable(f, "f")
        return self._then(map(partial(_and_then_ok, f), self._stage("and_then_ok")), self._hint)

    def filter_ok(
        self: Iter[Ok[T] | Err[E]], pred: Callable[[T], object], /
    ) -> Iter[Ok[T] | Err[E]]:
        """Drop the ``Ok`` items whose value fails ``pred``; every ``Err`` passes.

        >>> Iter([Ok(1), Ok(2), Err("x")]).filter_ok(lambda v: v > 1).collect()
        [Ok(2), Err('x')]
        """
        check_callable(pred, "pred")
        it = filter(_keep_ok_step(pred), self._stage("filter_ok"))
        return self._then(it, _filtered(self._hint, 0))

    def inspect_err(
        self: Iter[Ok[T] | Err[E]], f: Callable[[E], object], /
    ) -> Iter[Ok[T] | Err[E]]:
        """Call ``f`` on the error of each ``Err`` as it passes (for logging), lazily.

        >>> Iter([Ok(1), Err("x")]).inspect_err(print).collect()
        x
        [Ok(1), Err('x')]
        """
        check_callable(f, "f")
        return self._then(map(_inspect_err_step(f), self._stage("inspect_err")), self._hint)

    def oks(self: Iter[Ok[T] | Err[Any]]) -> Iter[T]:
        """Yield the values of the ``Ok`` items, dropping every ``Err`` (explicitly).

        An item that is not a Result raises ``TypeError`` (it is never dropped silently).

        >>> Iter([Ok(1), Err("x"), Ok(3)]).oks().collect()
        [1, 3]
        """
        it = map(_ok_value, _select(self._stage("oks"), _OKS))
        return self._then(it, _filtered(self._hint, 0))

    def errs(self: Iter[Ok[Any] | Err[E]]) -> Iter[E]:
        """Yield the errors of the ``Err`` items, dropping every ``Ok``.

        An item that is not a Result raises ``TypeError``.

        >>> Iter([Ok(1), Err("x"), Ok(3)]).errs().collect()
        ['x']
        """
        it = map(_err_error, _select(self._stage("errs"), _ERRS))
        return self._then(it, _filtered(self._hint, 0))

    def process_results(
        self: Iter[Ok[T] | Err[E]], f: Callable[[Iter[T]], U], /
    ) -> Ok[U] | Err[E]:
        """Run ``f`` on an ``Iter`` of the ``Ok`` values; return ``Ok(f(...))``, or the first
        ``Err`` that ``f`` reached instead (Rust itertools' ``process_results``).

        The ``Iter`` that ``f`` gets ends at the first ``Err``, and nothing after it is pulled;
        then ``process_results`` returns that ``Err``, whatever ``f`` returned. So ``f`` can use
        the item-positional adapters (``skip``, ``step_by``, ``chunks``, ``dedup``,
        ``unique``, ...) that would treat an ``Err`` item as just another item. An ``Err`` that
        ``f`` never reached (it stopped early) is not pulled: the result is then ``Ok``.
        Moves this ``Iter``. Memory: what ``f`` holds.

        Raises:
            TypeError: if an item is neither an ``Ok`` nor an ``Err``.

        >>> pages = [Ok(1), Ok(2), Ok(3), Ok(4)]
        >>> Iter(pages).process_results(lambda oks: oks.skip(2).collect())
        Ok([3, 4])
        >>> failed = [Ok(1), Err("page 2 failed"), Ok(3)]
        >>> Iter(failed).process_results(lambda oks: oks.skip(2).collect())
        Err('page 2 failed')
        >>> Iter(failed).skip(2).collect()  # what skip alone does on Results
        [Ok(3)]
        """
        check_callable(f, "f")
        found: list[Err[E]] = []
        runs = groupby(self._stage("process_results", _PY), type)
        values = _chain.from_iterable(starmap(partial(_ok_values_run, found), runs))
        result = f(self._then(values, _filtered(self._hint, 1), _PY))
        return found[0] if found else Ok(result)

    # ----------------------------------------------------------------------------------------
    # consumers that fold
    # ----------------------------------------------------------------------------------------

    @overload
    def collect(self, /) -> list[T_co]: ...
    @overload
    def collect(self: Iter[tuple[K, V]], factory: type[dict[Any, Any]], /) -> dict[K, V]: ...
    @overload
    def collect(self, factory: Callable[[Iterable[T_co]], C], /) -> C: ...
    def collect(self, factory: Callable[..., Any] = list, /) -> Any:
        """Consume every item into ``factory(items)`` (a list by default).

        ``factory`` is any callable taking an iterable: ``set``, ``tuple``, ``dict`` (on
        pairs), ``collections.Counter``, ``"".join``, ...

        >>> Iter("abc").collect()
        ['a', 'b', 'c']
        >>> Iter([("a", 1)]).collect(dict)
        {'a': 1}
        """
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        if factory is list:
            self._it = _MOVED_COLLECT
            h = self._hint
            if h is not None and h[0] == "e" and h[1] is it:  # straight from the source
                base = _untouched(self, it)
                if base is not None:
                    return list(base)
            return list(it)
        check_callable(factory, "factory")
        self._it = _MOVED_COLLECT
        return factory(it)

    def for_each(self, f: Callable[[T_co], object], /) -> None:
        """Call ``f`` on every item.

        >>> Iter([1, 2]).for_each(print)
        1
        2
        """
        check_callable(f, "f")
        # A loop, not deque(map(f, ...)): CPython 3.11 calls a Python function faster inline.
        for x in self._consume("for_each"):
            f(x)

    def fold(self, init: A, f: Callable[[A, T_co], A], /) -> A:
        """Combine the items left to right: ``f(...f(f(init, x0), x1)..., xn)``.

        >>> Iter([1, 2, 3]).fold(10, lambda acc, x: acc + x)
        16
        """
        check_callable(f, "f")
        return reduce(f, self._consume("fold"), init)

    @overload
    def try_fold(self, init: A, f: Callable[[A, T_co], Ok[A] | Err[E]], /) -> Ok[A] | Err[E]: ...
    @overload
    def try_fold(
        self, init: A, f: Callable[[A, T_co], Some[A] | Nothing], /
    ) -> Some[A] | Nothing | Ok[A]: ...
    def try_fold(self, init: Any, f: Callable[[Any, Any], Any], /) -> Any:
        """Fold while ``f`` returns ``Ok``/``Some``; return the first ``Err``/``Nothing``.

        Returns ``Ok(acc)`` or ``Some(acc)`` (the kind ``f`` returned) when every item was
        folded. Does not move: items after a failure stay available. On an empty ``Iter``
        ``f`` is never called, so its kind is unknown and the result is ``Ok(init)``.

        >>> Iter([1, 2, 3]).try_fold(0, lambda acc, x: Ok(acc + x))
        Ok(6)
        >>> it = Iter([1, -2, 3])
        >>> it.try_fold(0, lambda acc, x: Ok(acc + x) if x > 0 else Err(x)), it.collect()
        (Err(-2), [3])
        """
        check_callable(f, "f")
        acc = init
        kind: Any = Ok
        for x in self._borrow():
            r = f(acc, x)
            kind = r.__class__
            if kind is Ok or kind is Some:
                acc = r._value
            elif kind is Err or kind is Nothing:
                return r
            else:
                raise _wrong_type(_TRY_FOLD_EXPECTED, r)
        return Some(acc) if kind is Some else Ok(acc)

    @overload
    def try_for_each(self, f: Callable[[T_co], Ok[Any] | Err[E]], /) -> Ok[None] | Err[E]: ...
    @overload
    def try_for_each(
        self, f: Callable[[T_co], Some[Any] | Nothing], /
    ) -> Some[None] | Nothing | Ok[None]: ...
    def try_for_each(self, f: Callable[[Any], Any], /) -> Any:
        """Call ``f`` on every item until it returns an ``Err``/``Nothing``, and return that.

        Returns ``Ok(None)``/``Some(None)`` when every call succeeded (``Ok(None)`` on an
        empty ``Iter``). Does not move.

        >>> Iter([1, 2]).try_for_each(lambda x: Ok(print(x)))
        1
        2
        Ok(None)
        >>> Iter([1, -2, 3]).try_for_each(lambda x: Ok(None) if x > 0 else Err(x))
        Err(-2)
        """
        check_callable(f, "f")
        kind: Any = Ok
        for x in self._borrow():
            r = f(x)
            kind = r.__class__
            if kind is not Ok and kind is not Some:
                if kind is Err or kind is Nothing:
                    return r
                raise _wrong_type(_TRY_FOLD_EXPECTED, r)
        return Some(None) if kind is Some else Ok(None)

    def reduce(self, f: Callable[[T_co, T_co], T_co], /) -> Option[T_co]:
        """Combine the items left to right with ``f``, starting from the first item.

        >>> Iter([1, 2, 3]).reduce(lambda a, b: a * b)
        Some(6)
        >>> Iter([]).reduce(lambda a, b: a)
        Nothing()
        """
        check_callable(f, "f")
        it = self._consume("reduce")
        for first in it:
            return Some(reduce(f, it, first))
        return Nothing()

    def count(self) -> int:
        """Consume every item and return how many there were (constant memory).

        >>> Iter(range(5)).filter(lambda x: x % 2).count()
        2
        """
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        self._it = _MOVED_COUNT
        h = self._hint
        if h is not None and h[0] == "e" and h[1] is it and h[2].__class__ in _COUNTABLE:
            # A list, tuple, range, str or bytes that only this (now moved) Iter iterates:
            # nobody can see whether its items were pulled, so counting them is reading its
            # length (not for dicts and sets: iterating one that changed size raises).
            exact: Any = it  # an iterator type of _hints.EXACT, all with __length_hint__
            n: int = exact.__length_hint__()
            return n
        # All C, constant memory: one 1 per item (each item wrapped in a truthy 1-tuple).
        return sum(compress(_repeat(1), zip(it)))

    def sum(self: Iter[_SumT]) -> _SumT | Literal[0]:
        """Add the items (``0`` for an empty ``Iter``), as the builtin ``sum``.

        >>> Iter([1, 2, 3]).sum()
        6
        """
        return cast("_SumT | Literal[0]", sum(self._consume("sum")))

    def product(self: Iter[_ProdT]) -> _ProdT | Literal[1]:
        """Multiply the items (``1`` for an empty ``Iter``), as ``math.prod``.

        >>> Iter([2, 3, 4]).product()
        24
        """
        return cast("_ProdT | Literal[1]", prod(self._consume("product")))

    def min(self: Iter[SupportsRichComparisonT]) -> Option[SupportsRichComparisonT]:
        """Return the smallest item (the first one among equals), or ``Nothing()``.

        >>> Iter([3, 1, 2]).min()
        Some(1)
        """
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        self._it = _MOVED_MIN
        # A loop, as in max(): min(it, default=...) parses its keyword for ~0.3 µs per call.
        for best in it:
            for x in it:
                if x < best:
                    best = x
            some: Some[SupportsRichComparisonT] = _new_some()
            some._value = best
            return some
        return _NOTHING

    def max(self: Iter[SupportsRichComparisonT]) -> Option[SupportsRichComparisonT]:
        """Return the largest item (the *last* one among equals, as Rust), or ``Nothing()``.

        Compares with ``<`` only (an item replaces the best unless it is ``<`` it), as
        ``sorted()`` does, so items that define only ``__lt__`` work.

        >>> Iter([1, 3, 2]).max()
        Some(3)
        >>> Iter([(1, "a"), (1, "b")]).max_by_key(lambda p: p[0])
        Some((1, 'b'))
        """
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        self._it = _MOVED_MAX
        # A plain loop: the builtin max() keeps the first of equal items, and making it keep
        # the last (a counter per item) costs more than this loop.
        for best in it:
            for x in it:
                if not x < best:
                    best = x
            some: Some[SupportsRichComparisonT] = _new_some()
            some._value = best
            return some
        return _NOTHING

    def min_by(self, compare: Callable[[T_co, T_co], int], /) -> Option[T_co]:
        """Return the smallest item by ``compare(a, b)`` (negative, zero, positive); the
        first one among equals.

        >>> Iter(["bb", "a", "cc"]).min_by(lambda a, b: len(a) - len(b))
        Some('a')
        """
        check_callable(compare, "compare")
        it = self._consume("min_by")
        for best in it:
            try:
                for x in it:
                    if compare(best, x) > 0:  # Rust: the earlier item wins unless greater
                        best = x
            except StopIteration:  # from compare: ends the input, as everywhere in Iter
                pass
            return Some(best)
        return _NOTHING

    def max_by(self, compare: Callable[[T_co, T_co], int], /) -> Option[T_co]:
        """Return the largest item by ``compare(a, b)``; the last one among equals.

        >>> Iter(["bb", "a", "cc"]).max_by(lambda a, b: len(a) - len(b))
        Some('cc')
        """
        check_callable(compare, "compare")
        it = self._consume("max_by")
        for best in it:
            try:
                for x in it:
                    if compare(best, x) <= 0:  # Rust: the later item wins unless it is less
                        best = x
            except StopIteration:  # from compare: ends the input, as everywhere in Iter
                pass
            return Some(best)
        return _NOTHING

    def min_by_key(self, key: Callable[[T_co], SupportsRichComparison], /) -> Option[T_co]:
        """Return the item with the smallest ``key(item)``; the first one among equals.

        >>> Iter(["bb", "a", "cc"]).min_by_key(len)
        Some('a')
        """
        check_callable(key, "key")
        it = self._consume("min_by_key")
        # A loop (as in max_by_key): a key function called inline costs less than from min().
        for best in it:
            try:
                best_key: Any = key(best)
            except StopIteration:  # from key: ends the input, as everywhere in Iter
                return _NOTHING
            try:
                for x in it:
                    k = key(x)
                    if k < best_key:  # ``<`` only; the earlier item wins ties
                        best, best_key = x, k
            except StopIteration:
                pass
            return Some(best)
        return _NOTHING

    def max_by_key(self, key: Callable[[T_co], SupportsRichComparison], /) -> Option[T_co]:
        """Return the item with the largest ``key(item)``; the last one among equals.

        >>> Iter(["bb", "a", "cc"]).max_by_key(len)
        Some('cc')
        """
        check_callable(key, "key")
        it = self._consume("max_by_key")
        for best in it:
            try:
                best_key: Any = key(best)
            except StopIteration:  # from key: ends the input, as everywhere in Iter
                return _NOTHING
            try:
                for x in it:
                    k = key(x)
                    if not k < best_key:  # ``<`` only; the later item wins ties
                        best, best_key = x, k
            except StopIteration:
                pass
            return Some(best)
        return _NOTHING

    def last(self) -> Option[T_co]:
        """Consume every item and return the last one, or ``Nothing()``.

        >>> Iter([1, 2, 3]).last()
        Some(3)
        """
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        self._it = _MOVED_LAST
        h = self._hint
        tail: Any
        if h is not None and h[0] == "e" and h[1] is it:  # straight from the source
            base = _untouched(self, it)
            tail = deque(it, maxlen=1) if base is None else base[-1:]
        else:
            tail = deque(it, maxlen=1)
        if not tail:
            return _NOTHING
        some: Some[T_co] = _new_some()
        some._value = tail[0]
        return some

    def partition(self, pred: Callable[[T_co], object], /) -> tuple[list[T_co], list[T_co]]:
        """Split the items into ``(those where pred is true, the others)``.

        >>> Iter(range(6)).partition(lambda x: x % 2 == 0)
        ([0, 2, 4], [1, 3, 5])
        """
        check_callable(pred, "pred")
        yes: list[T_co] = []
        no: list[T_co] = []
        for x in self._consume("partition"):
            (yes if pred(x) else no).append(x)
        return (yes, no)

    def unzip(self: Iter[tuple[A, B]]) -> tuple[list[A], list[B]]:
        """Split an ``Iter`` of pairs into two lists.

        >>> Iter([(1, "a"), (2, "b")]).unzip()
        ([1, 2], ['a', 'b'])
        """
        left: list[A] = []
        right: list[B] = []
        add_left = left.append
        add_right = right.append
        for a, b in self._consume("unzip"):
            add_left(a)
            add_right(b)
        return (left, right)

    def join(self: Iter[str], sep: str = "", /) -> str:
        """Concatenate string items with ``sep`` between them (``sep.join``).

        >>> Iter(["a", "b", "c"]).join(", ")
        'a, b, c'
        """
        check_str(sep, "sep")
        it = self._consume("join")
        base = _untouched(self, it)
        return sep.join(it if base is None else base)

    def try_collect(self: Iter[Ok[T] | Err[E]]) -> Ok[list[T]] | Err[E]:
        """Collect the ``Ok`` values into ``Ok(list)``, or return the first ``Err``.

        Pulls nothing after the first ``Err``.

        >>> Iter([Ok(1), Ok(2)]).try_collect()
        Ok([1, 2])
        >>> Iter([Ok(1), Err("boom"), Ok(3)]).try_collect()
        Err('boom')
        """
        out: list[T] = []
        for r in self._consume("try_collect"):
            cls = r.__class__
            if cls is Ok:
                out.append(r._value)  # faster than a saved bound append on CPython 3.11
            elif cls is Err:
                err: Err[E] = r
                return err
            else:
                raise _not_result(r)
        return Ok(out)

    def partition_results(self: Iter[Ok[T] | Err[E]]) -> tuple[list[T], list[E]]:
        """Split into ``(Ok values, Err errors)``, keeping every error.

        >>> Iter([Ok(1), Err("x"), Ok(2)]).partition_results()
        ([1, 2], ['x'])
        """
        oks: list[T] = []
        errs: list[E] = []
        for r in self._consume("partition_results"):
            cls = r.__class__
            if cls is Ok:
                oks.append(r._value)
            elif cls is Err:
                errs.append(r._error)
            else:
                raise _not_result(r)
        return (oks, errs)

    # ----------------------------------------------------------------------------------------
    # consumers that search (these borrow: the Iter stays usable after the match)
    # ----------------------------------------------------------------------------------------

    def any(self, pred: Callable[[T_co], object], /) -> bool:
        """Return whether ``pred`` is true for some item; stops at the first one.

        >>> it = Iter([1, 2, 3, 4])
        >>> it.any(lambda x: x == 2), it.collect()
        (True, [3, 4])
        """
        if not callable(pred):
            check_callable(pred, "pred")
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        return any(map(pred, it))

    def all(self, pred: Callable[[T_co], object], /) -> bool:
        """Return whether ``pred`` is true for every item; stops at the first false one.

        >>> Iter([2, 4]).all(lambda x: x % 2 == 0)
        True
        """
        check_callable(pred, "pred")
        return all(map(pred, self._borrow()))

    def find(self, pred: Callable[[T_co], object], /) -> Option[T_co]:
        """Return the first item for which ``pred`` is true, consuming up to it.

        >>> Iter([1, 2, 3]).find(lambda x: x > 1)
        Some(2)
        """
        if not callable(pred):
            check_callable(pred, "pred")
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        for x in filter(pred, it):
            some: Some[T_co] = _new_some()
            some._value = x
            return some
        return _NOTHING

    def find_map(self, f: Callable[[T_co], Option[U]], /) -> Option[U]:
        """Return the first ``Some`` that ``f`` returns, consuming up to its item.

        A result other than ``Some``/``Nothing()`` raises ``TypeError`` naming ``f``.

        >>> Iter(["a", "7", "8"]).find_map(lambda s: Some(int(s)) if s.isdigit() else Nothing())
        Some(7)
        """
        check_callable(f, "f")
        runs = groupby(map(f, self._borrow()), type)  # no read-ahead past the first Some
        for o in _chain.from_iterable(starmap(_FIND_MAP_RUN, runs)):
            return cast("Some[U]", o)
        return Nothing()

    def position(self, pred: Callable[[T_co], object], /) -> Option[int]:
        """Return the index of the first item for which ``pred`` is true.

        >>> Iter("abc").position(lambda c: c == "b")
        Some(1)
        """
        check_callable(pred, "pred")
        for i in compress(_count(), map(pred, self._borrow())):
            return Some(i)
        return Nothing()

    def nth(self, n: int) -> Option[T_co]:
        """Return the ``n``-th item (0-based), consuming it and the ``n`` before it.

        Raises:
            ValueError: if ``n`` is negative.

        >>> it = Iter("abcd")
        >>> it.nth(1), it.next()
        (Some('b'), Some('c'))
        """
        if type(n) is not int or n < 0 or n > _MAXSIZE:
            n = check_count(n, "n", 0)
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        for x in islice(it, n, None):
            some: Some[T_co] = _new_some()
            some._value = x
            return some
        return _NOTHING

    # ----------------------------------------------------------------------------------------
    # consumers that compare (lexicographic, like Rust's Iterator::cmp family)
    # ----------------------------------------------------------------------------------------

    def eq(self, other: Iterable[object], /) -> bool:
        """Return whether the items equal those of ``other``, pairwise, with the same length.

        >>> Iter([1, 2]).eq([1, 2]), Iter([1, 2]).eq([1])
        (True, False)
        """
        return not _differ(self._consume("eq"), _other(other, "eq"))

    def ne(self, other: Iterable[object], /) -> bool:
        """Return whether the items differ from those of ``other`` (``not eq``).

        >>> Iter([1, 2]).ne([1, 3])
        True
        """
        return _differ(self._consume("ne"), _other(other, "ne"))

    def lt(self, other: Iterable[object], /) -> bool:
        """Return whether the items are lexicographically less than those of ``other``.

        >>> Iter([1, 2]).lt([1, 3]), Iter([1]).lt([1, 0]), Iter([1, 2]).lt([1, 2])
        (True, True, False)
        """
        return _partial_cmp(self._consume("lt"), _other(other, "lt")) == -1

    def le(self, other: Iterable[object], /) -> bool:
        """Return whether the items are lexicographically less than or equal to ``other``'s.

        >>> Iter([1, 2]).le([1, 2]), Iter([2]).le([1, 9])
        (True, False)
        """
        return _partial_cmp(self._consume("le"), _other(other, "le")) in (-1, 0)

    def gt(self, other: Iterable[object], /) -> bool:
        """Return whether the items are lexicographically greater than those of ``other``.

        >>> Iter([1, 3]).gt([1, 2])
        True
        """
        return _partial_cmp(self._consume("gt"), _other(other, "gt")) == 1

    def ge(self, other: Iterable[object], /) -> bool:
        """Return whether the items are lexicographically greater than or equal to ``other``'s.

        >>> Iter([1, 2]).ge([1, 2]), Iter([1]).ge([1, 2])
        (True, False)
        """
        return _partial_cmp(self._consume("ge"), _other(other, "ge")) in (0, 1)

    def cmp(self, other: Iterable[object], /) -> Literal[-1, 0, 1]:
        """Compare lexicographically with ``other``: ``-1``, ``0`` or ``1``.

        Raises:
            TypeError: if a pair of items is unordered (neither ``<`` nor ``>`` nor ``==``).

        >>> Iter([1, 2]).cmp([1, 3]), Iter([1, 2]).cmp([1, 2]), Iter([1, 2]).cmp([1])
        (-1, 0, 1)
        """
        r = _partial_cmp(self._consume("cmp"), _other(other, "cmp"))
        if r is None:
            raise TypeError("cmp() found a pair of items that are not ordered")
        return cast("Literal[-1, 0, 1]", r)

    def is_sorted(self: Iter[SupportsRichComparison]) -> bool:
        """Return whether no item is ``<`` the one before it (each ``<=`` the next).

        Compares with ``<`` only, as ``sorted()`` does, so items that define only ``__lt__``
        work; stops at the first item out of order.

        >>> Iter([1, 2, 2, 5]).is_sorted(), Iter([2, 1]).is_sorted()
        (True, False)
        """
        a, b = tee(_own_buffer(self._consume("is_sorted")))
        next(b, None)
        return not any(map(lt, b, a))

    def is_sorted_by(self, compare: Callable[[T_co, T_co], object], /) -> bool:
        """Return whether ``compare(a, b)`` (meaning "a <= b") holds for every adjacent pair.

        >>> Iter([3, 2, 1]).is_sorted_by(lambda a, b: a >= b)
        True
        """
        check_callable(compare, "compare")
        a, b = tee(_own_buffer(self._consume("is_sorted_by")))
        next(b, None)
        return all(map(compare, a, b))

    def is_sorted_by_key(self, key: Callable[[T_co], SupportsRichComparison], /) -> bool:
        """Return whether the keys ``key(item)`` are sorted (no key ``<`` the one before it).

        Compares keys with ``<`` only, as ``sorted(key=...)`` does.

        >>> Iter(["a", "bb", "cc"]).is_sorted_by_key(len)
        True
        """
        check_callable(key, "key")
        a, b = tee(map(key, self._consume("is_sorted_by_key")))
        next(b, None)
        return not any(map(lt, b, a))

    # ----------------------------------------------------------------------------------------
    # data-scalable kit
    # ----------------------------------------------------------------------------------------

    # Thin sync drivers over the kit's algorithms (_batching.Packer, _pacing.Pacer), which the
    # async twins drive too. Each is a stage written in Python (depth cost _PY).

    @overload
    def batched_by_size(
        self: Iter[SizedT],
        max_bytes: int,
        /,
        *,
        max_items: int | None = ...,
        batch_overhead: int = ...,
        item_overhead: int = ...,
    ) -> Iter[list[SizedT]]: ...
    @overload
    def batched_by_size(
        self,
        max_bytes: int,
        /,
        *,
        size: Callable[[T_co], int],
        max_items: int | None = ...,
        batch_overhead: int = ...,
        item_overhead: int = ...,
    ) -> Iter[list[T_co]]: ...
    def batched_by_size(
        self,
        max_bytes: int,
        /,
        *,
        size: Callable[[Any], int] = len,
        max_items: int | None = None,
        batch_overhead: int = 0,
        item_overhead: int = 0,
    ) -> Iter[Any]:
        """Group items lazily into lists whose encoded size never exceeds ``max_bytes``.

        ``itero.batched_by_size`` as a method (see it for the size formula, the greedy
        filling and ``ItemTooLargeError``). Holds one batch at a time.

        >>> Iter(["ab", "cd", "e", "fghi"]).batched_by_size(4).collect()
        [['ab', 'cd'], ['e'], ['fghi']]
        >>> Iter(range(5)).batched_by_size(3, size=lambda x: 1, batch_overhead=1).collect()
        [[0, 1], [2, 3], [4]]
        """
        packer: Packer[Any] = Packer(
            max_bytes, size, max_items, batch_overhead, item_overhead, strict=True
        )
        gen = _batches(self._stage("batched_by_size", _PY), packer)
        return self._then(gen, None, _PY)

    @overload
    def try_batched_by_size(
        self: Iter[SizedT],
        max_bytes: int,
        /,
        *,
        max_items: int | None = ...,
        batch_overhead: int = ...,
        item_overhead: int = ...,
    ) -> Iter[Result[list[SizedT], ItemTooLarge[SizedT]]]: ...
    @overload
    def try_batched_by_size(
        self,
        max_bytes: int,
        /,
        *,
        size: Callable[[T_co], int],
        max_items: int | None = ...,
        batch_overhead: int = ...,
        item_overhead: int = ...,
    ) -> Iter[Result[list[T_co], ItemTooLarge[T_co]]]: ...
    def try_batched_by_size(
        self,
        max_bytes: int,
        /,
        *,
        size: Callable[[Any], int] = len,
        max_items: int | None = None,
        batch_overhead: int = 0,
        item_overhead: int = 0,
    ) -> Iter[Any]:
        """Like ``batched_by_size``, but an item too large for any batch comes out as ``Err``.

        ``itero.try_batched_by_size`` as a method: batches come out as ``Ok(batch)``, an
        oversize item as ``Err(ItemTooLarge(...))`` in its place, and batching carries on.

        >>> for r in Iter(["ab", "far too long", "c"]).try_batched_by_size(4):
        ...     print(r)
        Ok(['ab'])
        Err(ItemTooLarge(index=1, item='far too long', size=12, max_bytes=4))
        Ok(['c'])
        """
        packer: Packer[Any] = Packer(
            max_bytes, size, max_items, batch_overhead, item_overhead, strict=False
        )
        gen = _batches(self._stage("try_batched_by_size", _PY), packer)
        return self._then(gen, None, _PY)

    def rate_limited(
        self,
        per_second: float,
        /,
        *,
        burst: int = 1,
        clock: Callable[[], float] = _monotonic,
        sleep: Callable[[float], object] = _sleep,
    ) -> Iter[T_co]:
        """Pull from this ``Iter`` at most ``per_second`` times per second, sleeping in between.

        ``itero.rate_limited`` as a method (a token bucket: up to ``burst`` pulls at once after
        an idle period). Lazy: nothing is pulled, and the clock is not read, before the first
        item is asked for.

        >>> now = [0.0]
        >>> def fake_sleep(seconds: float) -> None:
        ...     now[0] += seconds
        >>> paced = Iter("abc").rate_limited(4, clock=lambda: now[0], sleep=fake_sleep)
        >>> [(item, now[0]) for item in paced]
        [('a', 0.0), ('b', 0.25), ('c', 0.5)]
        """
        pacer = Pacer(per_second, burst=burst, clock=clock)
        check_callable(sleep, "sleep")
        gen = _paced(self._stage("rate_limited", _PY), pacer, sleep)
        return self._then(gen, self._hint, _PY)

    def progress(
        self,
        desc: str = "items",
        /,
        *,
        total: int | None = None,
        unit: str = "it",
        every: float = 10.0,
        bar: bool | None = None,
        log: Callable[[str], object] | None = None,
        clock: Callable[[], float] = _monotonic,
    ) -> Iter[T_co]:
        """Pass the items through unchanged, showing how many went by.

        With ``tqdm`` installed (the extra ``itero[progress]``) a progress bar on stderr;
        otherwise (or with ``bar=False``) a line every ``every`` seconds and one at the end,
        through ``log`` (default: ``logging.getLogger("itero.progress").info``). ``total``
        (when known) shows how far along it is. Free when not called (its module and tqdm are
        imported by the call, so ``bar=True`` without tqdm fails there); lazy once called: no
        bar is drawn and no clock read before the first item is asked for.

        Timing of the lines: ``clock`` is not read after every item but after every ``stride``
        items, ``stride`` starting at 1, doubling up to 256 while reads come less than
        ``every / 32`` seconds apart, and back to 1 when one comes more than ``every / 8``
        after the previous. So a slow stream is looked at after each item, a fast one about
        once per 256 items (near the cost of a bare counting generator), and a line comes at
        most 255 items after it is due (at a steady rate, at most ``every / 8`` seconds or one
        item late). The count in every line, and in the final "done" line, is exact.

        >>> lines = []
        >>> Iter(range(3)).progress("rows", bar=False, log=lines.append).sum()
        3
        >>> lines[-1].split(" in ")[0]
        'rows: done, 3 it'
        """
        from ._progress import reporter  # on first use only: nothing to pay when unused

        wrap = reporter(
            desc=desc, total=total, unit=unit, every=every, bar=bar, log=log, clock=clock
        )
        return self._then(wrap(self._stage("progress", _PY)), self._hint, _PY)

    # ----------------------------------------------------------------------------------------
    # private builders
    # ----------------------------------------------------------------------------------------

    def _then(self, it: Iterator[Any], hint: Any, cost: int = 1) -> Iter[Any]:
        """The stage after ``self`` (moved by ``_stage(method, cost)``): ``it`` with ``self``'s
        sources, ``cost`` more depth and the size hint node ``hint``."""
        return _wrap(it, self._close, self._depth + cost, hint)


class Peekable(Iter[T_co]):
    """An ``Iter`` that can look at its next item without consuming it (``Iter.peekable()``).

    Every ``Iter`` method works unchanged on a ``Peekable``, and sees the peeked item first.
    The peeked item waits in a one-item buffer: a slot of the ``Peekable`` while only
    ``peek``/``next``/``next_if``/``next_if_eq``/``next()`` touch it (as fast as
    ``more_itertools.peekable``), and an ``itertools.tee`` object once it is shared: from the
    first ``by_ref``, or when another method reads the ``Iter`` while an item waits. A
    ``Peekable`` that is only iterated runs at the speed of its upstream.

    >>> p = Peekable([1, 2, 3])
    >>> p.peek(), p.next_if(lambda x: x > 5), p.next_if_eq(1), p.collect()
    (Some(1), Nothing(), Some(1), [2, 3])
    """

    # ``_src`` is the upstream iterator; ``_pk`` is the peeked item (a ``Some``), or None, or
    # _SHARED when ``_src`` is a tee object (the buffer is the tee's, see _buffered). The
    # ``Iter`` methods read and write ``_it``, a property here: reading it while an item waits
    # in ``_pk`` puts the item back in front of ``_src`` (in a tee, from then on).
    __slots__ = ("_pk", "_src")

    _pk: Any
    _src: Iterator[Any]

    def __init__(self, source: Iterable[T_co] | SupportsNext[T_co]) -> None:
        if isinstance(source, Iter) and source._depth >= MAX_DEPTH:
            raise _too_deep()  # before moving it
        inner: Iter[T_co] = Iter(source)
        self._src = _own_buffer(inner._it)  # never a tee object we do not own
        self._pk = None
        self._close = inner._close
        self._depth = inner._depth + 1
        self._hint = _unary("pk", inner._hint, None)

    if not TYPE_CHECKING:  # (typed as Iter's slot: the property is an implementation detail)

        def _get_it(self) -> Iterator[Any]:
            pk = self._pk
            if pk is None or pk is _SHARED:
                return self._src
            return _buffered(self)

        def _set_it(self, it: Iterator[Any]) -> None:
            self._src = it
            self._pk = _SHARED if it.__class__ is _TEE else None

        _it = property(_get_it, _set_it)

        def __next__(self) -> T_co:
            """Return the next item or raise ``StopIteration`` (Python's protocol). Does not
            move.

            >>> p = Iter([7, 8]).peekable()
            >>> p.peek(), next(p), next(p)
            (Some(7), 7, 8)
            """
            pk = self._pk
            if pk is None or pk is _SHARED:
                return next(self._src)
            self._pk = None
            return pk._value

    def next(self) -> Option[T_co]:
        """Return ``Some(next item)`` (the peeked one first), or ``Nothing()`` once exhausted.

        >>> p = Iter([1, 2]).peekable()
        >>> p.peek(), p.next(), p.next(), p.next()
        (Some(1), Some(1), Some(2), Nothing())
        """
        pk = self._pk
        if pk is None or pk is _SHARED:
            for x in self._src:
                some: Some[T_co] = _new_some()  # Some(x) without its __init__ frame
                some._value = x
                return some
            return _NOTHING
        self._pk = None
        peeked: Some[T_co] = pk
        return peeked

    def peek(self) -> Option[T_co]:
        """Return the next item without consuming it, or ``Nothing()``. Does not move.

        >>> p = Iter("ab").peekable()
        >>> p.peek(), p.peek(), p.collect()
        (Some('a'), Some('a'), ['a', 'b'])
        """
        pk = self._pk
        if pk is None:
            for x in self._src:  # (a moved Peekable's _src raises MovedError here)
                some: Some[T_co] = _new_some()
                self._pk = some
                some._value = x
                return some
            return _NOTHING
        if pk is _SHARED:  # reading a fork of the tee fills the shared buffer
            for x in _tee_copy(self._src):
                some = _new_some()
                some._value = x
                return some
            return _NOTHING
        peeked: Some[T_co] = pk
        return peeked

    def next_if(self, pred: Callable[[T_co], object], /) -> Option[T_co]:
        """Consume and return the next item if ``pred`` is true for it; else ``Nothing()``.

        >>> p = Iter([1, 5]).peekable()
        >>> p.next_if(lambda x: x < 3), p.next_if(lambda x: x < 3), p.collect()
        (Some(1), Nothing(), [5])
        """
        check_callable(pred, "pred")
        peeked = self.peek()
        if isinstance(peeked, Some) and pred(peeked._value):
            _take_peeked(self, peeked)
            return peeked
        return Nothing()

    def next_if_eq(self, value: object, /) -> Option[T_co]:
        """Consume and return the next item if it equals ``value``; else ``Nothing()``.

        >>> p = Iter("ab").peekable()
        >>> p.next_if_eq("b"), p.next_if_eq("a"), p.collect()
        (Nothing(), Some('a'), ['b'])
        """
        peeked = self.peek()
        if isinstance(peeked, Some) and peeked._value == value:
            _take_peeked(self, peeked)
            return peeked
        return Nothing()

    def by_ref(self) -> Self:
        """Borrow this ``Peekable``: a ``Peekable`` over the same items sharing its peek buffer
        (see ``Iter.by_ref``).

        >>> p = Iter([1, 2, 3]).peekable()
        >>> borrow = p.by_ref()
        >>> borrow.peek(), p.next(), borrow.collect()
        (Some(1), Some(1), [2, 3])
        """
        _buffered(self)  # the borrow and this Peekable must share the buffer
        return super().by_ref()


# ---------------------------------------------------------------------------------------------
# construction helpers
# ---------------------------------------------------------------------------------------------


_new_iter: Callable[[], Iter[Any]] = partial(_new, Iter)
"""An empty ``Iter`` (then set its four slots), as ``_new_some`` for ``Some``."""


def _wrap(it: Iterator[Any], close: tuple[Any, ...], depth: int, hint: Any) -> Iter[Any]:
    new: Iter[Any] = _new_iter()
    new._it = it
    new._close = close
    new._depth = depth
    new._hint = hint
    return new


def _untouched(moved: Iter[Any], it: Iterator[Any]) -> list[Any] | tuple[Any, ...] | None:
    """The list or tuple that ``it`` (just moved out of ``moved``) iterates, when no item was
    pulled from it yet and nobody else holds it: a consumer may then read the container itself
    (``list(a_list)`` copies memory; iterating it costs per item). None otherwise."""
    h = moved._hint
    if h is not None and h[0] == "e" and h[1] is it:
        base = h[2]
        exact: Any = it  # an iterator type of _hints.EXACT, all with __length_hint__
        if base.__class__ in _SEQUENCES and len(base) == exact.__length_hint__():
            b: list[Any] | tuple[Any, ...] = base
            return b
    return None


_TEE: type = type(tee((), 1)[0])
_tee_copy: Callable[[Iterator[Any]], Iterator[Any]] = cast(Any, _TEE).__copy__
_SHARED: Any = object()
"""``Peekable._pk`` when the peek buffer is a shared tee object (see Peekable)."""


def _buffered(peekable: Peekable[Any]) -> Iterator[Any]:
    """The tee object of ``peekable``, made now if it has none yet (with the peeked item, if
    one waits, in front): from then on its borrows and forks share the one-item buffer (its
    upstream never is a tee object of someone else's: see Peekable)."""
    it = peekable._src
    pk = peekable._pk
    if pk is not _SHARED:
        if it.__class__ is _Moved:
            _raise_moved(it)
        if pk is not None:
            it = _chain((pk._value,), it)
        it = peekable._src = tee(it, 1)[0]
        peekable._pk = _SHARED
    return it


def _take_peeked(peekable: Peekable[Any], peeked: Option[Any]) -> None:
    """Consume the item that ``peekable.peek()`` just returned as ``peeked``."""
    if peekable._pk is peeked:
        peekable._pk = None
    else:  # shared (a tee): the item is in the tee's buffer
        next(peekable._src)


def _wrap_peekable(
    it: Iterator[Any], close: tuple[Any, ...], depth: int, hint: Any
) -> Peekable[Any]:
    new: Peekable[Any] = _new(Peekable)
    new._src = it
    new._pk = _SHARED if it.__class__ is _TEE else None
    new._close = close
    new._depth = depth
    new._hint = hint
    return new


def _other(other: Iterable[Any], method: str) -> Iterable[Any]:
    """Validate the ``other`` of a comparison (moving it if it is an ``Iter``)."""
    if isinstance(other, Iter):
        return other._consume(method)
    try:
        return iter(other)
    except TypeError:
        raise TypeError(f"other must be iterable, got {type(other).__name__}") from None


# ---------------------------------------------------------------------------------------------
# producers
# ---------------------------------------------------------------------------------------------


def empty() -> Iter[Never]:
    """Return an ``Iter`` with no items.

    >>> empty().collect()
    []
    """
    return _wrap(iter(()), (), 0, _NO_ITEMS)


def once(value: T) -> Iter[T]:
    """Return an ``Iter`` that yields ``value`` once.

    >>> once(5).chain([6]).collect()
    [5, 6]
    """
    it = iter((value,))
    return _wrap(it, (), 0, ("e", it, None))


def once_with(f: Callable[[], T], /) -> Iter[T]:
    """Return an ``Iter`` that yields ``f()`` once, calling ``f`` only when asked.

    >>> it = once_with(lambda: print("called") or 1)
    >>> it.collect()
    called
    [1]
    """
    check_callable(f, "f")
    times = _repeat((), 1)
    return _wrap(starmap(f, times), (), 0, ("e", times, None))


def repeat(value: T, n: int | None = None) -> Iter[T]:
    """Return an ``Iter`` that yields ``value`` ``n`` times, or forever if ``n`` is None.

    >>> repeat("x", 3).collect()
    ['x', 'x', 'x']
    """
    if n is None:
        return _wrap(_repeat(value), (), 0, _INFINITE)
    it = _repeat(value, check_count(n, "n", 0))
    return _wrap(it, (), 0, ("e", it, None))


def repeat_with(f: Callable[[], T], /) -> Iter[T]:
    """Return an endless ``Iter`` of ``f()``, calling ``f`` once per item pulled.

    >>> import itertools
    >>> counter = itertools.count()
    >>> repeat_with(lambda: next(counter) * 2).take(3).collect()
    [0, 2, 4]
    """
    check_callable(f, "f")
    return _wrap(starmap(f, _repeat(())), (), 0, _INFINITE)


def from_fn(f: Callable[[], Option[T]], /) -> Iter[T]:
    """Return an ``Iter`` of the values of ``f()``, ending at the first ``Nothing()``.

    As in Rust, the end is not for good: asked again, the ``Iter`` calls ``f`` again (a ``for``
    loop or ``collect()`` stops at the first ``Nothing()``; ``fuse()`` stops for good).

    Raises:
        TypeError: when pulled, if ``f`` returns something other than ``Some``/``Nothing()``.

    >>> state = [3]
    >>> def countdown() -> Option[int]:
    ...     state[0] -= 1
    ...     return Some(state[0]) if state[0] >= 0 else Nothing()
    >>> from_fn(countdown).collect()
    [2, 1, 0]
    """
    check_callable(f, "f")
    return _wrap(_pull_values(f, _FROM_FN), (), 0, None)


def successors(first: Option[T], f: Callable[[T], Option[T]], /) -> Iter[T]:
    """Return ``first``'s value, then ``f`` of it, and so on until ``f`` returns ``Nothing()``.

    ``f`` returning anything but ``Some``/``Nothing()`` raises ``TypeError`` naming ``f``.

    ``f`` is called only when the next item is asked for (Rust calls it one item early).

    >>> successors(Some(1), lambda x: Some(x * 10) if x < 1000 else Nothing()).collect()
    [1, 10, 100, 1000]
    >>> successors(Nothing(), lambda x: Some(x)).collect()
    []
    """
    check_callable(f, "f")
    if isinstance(first, Some):
        return _wrap(_successors(first._value, f), (), 0, None)
    if first.__class__ is Nothing:
        return empty()
    raise TypeError(f"first must be a Some or Nothing(), got {type(first).__name__}")


@overload
def count(start: int = 0, step: int = 1) -> Iter[int]: ...
@overload
def count(start: float, step: float = 1) -> Iter[float]: ...
def count(start: float = 0, step: float = 1) -> Iter[Any]:
    """Return an endless ``Iter`` of ``start``, ``start + step``, ... (``itertools.count``).

    >>> count(10, 5).take(3).collect()
    [10, 15, 20]
    """
    check_real(start, "start")
    check_real(step, "step")
    return _wrap(_count(start, step), (), 0, _INFINITE)
