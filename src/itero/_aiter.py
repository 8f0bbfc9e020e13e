"""AsyncIter: the async twin of ``Iter``, with bounded concurrency.

Design (see also docs/guide.md, "Async pipelines"):

- An ``AsyncIter`` over a *sync* source keeps an ``Iter`` inside and hands every sync-callback
  adapter to it, so such a pipeline runs on C builtins exactly as ``Iter`` does.
- Over an *async* source, consecutive per-item stages (``map``, ``filter``, ``inspect``,
  ``filter_map``, ``take_while``, ``enumerate``, ``flatten``, ... and their ``_async`` forms)
  are not stacked as one async generator each: they are kept as a list of operations and
  compiled, once per pipeline shape, into one loop (``_compile``), so ``n`` stages cost one
  ``async for`` and ``n`` plain calls per item, not ``n`` generator hops. The source is still
  pulled one item at a time, only when the consumer asks for the next one.
- Stages with state (``take``, ``chunks``, ``zip``, ``map_async`` with concurrency, ...) are
  async generators. Every generator the pipeline creates, and every source, is registered in
  one shared ``_Res`` list and closed exactly once by ``aclose()`` (outermost stage first, so
  in-flight calls are cancelled and awaited before the source is closed).
"""

# pyright: reportPrivateUsage=false

from __future__ import annotations

import asyncio
import operator
from collections import deque
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterable,
)
from functools import cmp_to_key, partial
from heapq import heapify, heappop, heapreplace
from itertools import chain as _chain, count as _count, cycle as _cycle, repeat as _repeat
from time import monotonic as _monotonic
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, NoReturn, TypeVar, cast, overload

from typing_extensions import Self, TypeGuard, TypeIs

from ._adrivers import abatches as _abatches, apaced as _apaced
from ._batching import ItemTooLarge, Packer, SizedT
from ._checks import check_bool, check_callable, check_count, check_int, check_real
from ._hints import UNKNOWN_LENGTH as _UNKNOWN_LENGTH
from ._iter import _ERRS, _OKS, Iter, _SupportsProd, _SupportsSum
from ._option import Nothing, Option, Some
from ._pacing import Pacer
from ._result import Err, Ok, Result
from ._stages import (
    END as _END,
    SCAN_EXPECTED as _SCAN_EXPECTED,
    TRY_FOLD_EXPECTED as _TRY_FOLD_EXPECTED,
    Moved as _Moved,
    MovedSlots as _MovedSlots,
    aclose_source as _aclose_source,
    and_then_ok as _and_then_ok,
    err_error as _err_error,
    inspect_err_step as _inspect_err_step,
    is_async_callable as _is_async_callable,
    keep_ok_step as _keep_ok_step,
    map_err_step as _map_err_step,
    map_ok as _map_ok,
    no_copy_message as _no_copy_message,
    not_result as _not_result,
    ok_value as _ok_value,
    option_expected as _option_expected,
    raise_moved as _raise_moved,
    wrong_type as _wrong_type,
)
from ._window import Window

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison, SupportsRichComparisonT

T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
E = TypeVar("E")
F = TypeVar("F")
K = TypeVar("K")
S = TypeVar("S")
T_co = TypeVar("T_co", covariant=True)
_SumT = TypeVar("_SumT", bound=_SupportsSum)
_ProdT = TypeVar("_ProdT", bound=_SupportsProd)

_new: Any = object.__new__
_ITER: Any = Iter  # its consumers, called unbound on a sync pipeline's Iter


# ---------------------------------------------------------------------------------------------
# moves, argument checks
# ---------------------------------------------------------------------------------------------


_moved: Callable[[str], Any] = _MovedSlots("AsyncIter").__getitem__  # see _stages.MovedSlots
_MOVED_LOOP = _Moved(
    "this AsyncIter was moved into an async for loop / aiter();"
    " loop over .by_ref() to keep using it"
)
_NO_COPY = _no_copy_message("AsyncIter")


def _check_sync(name: str, f: object, method: str, twin: str | None) -> None:
    """``f`` must be a plain (sync) callable: a coroutine function needs the ``_async`` twin."""
    check_callable(f, name)
    if _is_async_callable(f):
        if twin is not None:
            raise TypeError(
                f"{method}() takes a sync callback, got an async function for {name};"
                f" use .{twin}() for async callbacks"
            )
        raise TypeError(
            f"{method}() takes a sync callback, got an async function for {name}"
            " (there is no async form; await inside a map_async() stage before it)"
        )


def _not_option(method: str, o: object) -> TypeError:
    return _wrong_type(_option_expected(method), o)


def _not_iterable(o: object) -> TypeError:
    if hasattr(o, "__aiter__"):
        return TypeError(
            "flatten() got an async iterable item; use .flat_map_async(lambda x: x) for those"
        )
    return TypeError(f"flatten() items must be iterable, got {type(o).__name__}")


def _flat_items(o: Any) -> Iterable[Any]:
    """What ``flatten`` iterates for ``o``: whatever ``iter()`` accepts (an iterable, an
    Option/Result, or a sequence with only ``__getitem__``, such as some protobuf repeated
    fields), but not an async iterable."""
    if hasattr(o, "__aiter__"):
        raise _not_iterable(o)
    if hasattr(o, "__iter__"):
        items: Iterable[Any] = o
        return items
    if hasattr(o, "__getitem__"):
        seq: Iterable[Any] = iter(o)  # the sequence protocol (calls nothing of ``o`` yet)
        return seq
    raise _not_iterable(o)


# ---------------------------------------------------------------------------------------------
# fused per-item stages: one compiled loop per pipeline shape
# ---------------------------------------------------------------------------------------------

# Each kind is a few lines of the loop body; ``{f}`` is the stage's callable, ``{aw}`` is
# ``await `` for the ``_async`` forms, ``{m}`` the method name (for error messages). ``continue``
# drops the item, ``return`` ends the stream, ``@flatten`` opens a nested loop.
_KINDS: dict[str, tuple[str, ...]] = {
    "map": ("x = {aw}{f}(x)",),
    "filter": ("if not {aw}{f}(x):", "    continue"),
    "inspect": ("{aw}{f}(x)",),
    "filter_map": (
        "x = {aw}{f}(x)",
        "if x.__class__ is not _Some:",
        "    if x.__class__ is _Nothing:",
        "        continue",
        "    raise _not_option({m!r}, x)",
        "x = x._value",
    ),
    "map_while": (
        "x = {aw}{f}(x)",
        "if x.__class__ is not _Some:",
        "    if x.__class__ is _Nothing:",
        "        return",
        "    raise _not_option({m!r}, x)",
        "x = x._value",
    ),
    "take_while": ("if not {aw}{f}(x):", "    return"),
    # f: a _stages.Kinds table (keep, drop, or raise naming the method) looked up by type in C
    "select": ("if not {f}[x.__class__]:", "    continue"),
    "skip": ("if {f}():", "    continue"),  # f: True for the items to drop
    "enumerate": ("x = ({f}(), x)",),
    "flatten": ("@flatten",),
}

_COMPILED: dict[tuple[Any, ...], Any] = {}


def _compile(shape: tuple[tuple[str, bool, str], ...], sync_source: bool, sink: str) -> Any:
    """The loop for ``shape`` (``(kind, is_async, method)`` per stage).

    ``sink`` "gen" gives an async generator ``_gen(src, f0, f1, ...)`` yielding the items;
    "append" gives ``async def _run(src, out, f0, ...)`` appending them to the list ``out``
    (``out.append(x)`` in the loop, a call CPython specializes); "call" calls ``out(x)``.
    """
    key = (shape, sync_source, sink)
    fn = _COMPILED.get(key)
    if fn is not None:
        return fn
    params = ", ".join(f"f{i}" for i in range(len(shape)))
    run = sink != "gen"
    name = "_run" if run else "_gen"
    head = f"async def {name}(src{', out' if run else ''}{', ' if params else ''}{params}):"
    lines = [head, f"    {'for' if sync_source else 'async for'} x in src:"]
    indent = "        "
    x = "x"  # the current item: sync maps nest into the next use instead of a store and a load
    for i, (kind, is_async, method) in enumerate(shape):
        if kind == "map" and not is_async:
            x = f"f{i}({x})"
            continue
        if x != "x":
            lines.append(f"{indent}x = {x}")
            x = "x"
        for code in _KINDS[kind]:
            if code == "@flatten":
                lines.append(f"{indent}for x in _flat_items(x):")
                indent += "    "
                continue
            lines.append(indent + code.format(f=f"f{i}", aw="await " if is_async else "", m=method))
    end = {"gen": "yield {x}", "append": "out.append({x})", "call": "out({x})"}[sink]
    lines.append(indent + end.format(x=x))
    namespace: dict[str, Any] = {
        "_Some": Some,
        "_Nothing": Nothing,
        "_not_option": _not_option,
        "_flat_items": _flat_items,
    }
    exec(compile("\n".join(lines), f"<itero fused {name}>", "exec"), namespace)
    fn = _COMPILED[key] = namespace[name]
    return fn


def _fused(it: Any, ops: tuple[tuple[str, bool, str, Any], ...], sink: str, *out: Any) -> Any:
    """Call the loop ``_compile`` makes for ``ops`` (an ``AsyncIter``'s pending stages) over
    ``it``: an async generator (``sink`` "gen"), or the coroutine feeding ``out`` ("append",
    "call")."""
    shape = tuple(op[:3] for op in ops)
    return _compile(shape, isinstance(it, Iter), sink)(it, *out, *(op[3] for op in ops))


# ---------------------------------------------------------------------------------------------
# resources: every generator and source of a pipeline, closed once
# ---------------------------------------------------------------------------------------------


class _Res:
    """The closables of one pipeline, in the order they were opened (source first).

    Each entry is a one-item list (a cell) emptied when closed, so a cell shared by two lists
    (``zip`` and ``chain`` merge their inputs' lists) is still closed exactly once.
    """

    __slots__ = ("cells",)

    def __init__(self) -> None:
        self.cells: list[list[Any]] = []

    def add(self, obj: object) -> list[Any]:
        cell = [obj]
        self.cells.append(cell)
        return cell

    async def aclose(self) -> None:
        cells = self.cells
        self.cells = []
        failure: BaseException | None = None
        for cell in reversed(cells):  # outermost stage first, the source last
            obj = cell[0]
            if obj is None:
                continue
            cell[0] = None
            try:
                await _aclose_source(obj)
            except BaseException as e:  # every closable is closed; the first failure re-raised
                if failure is None:
                    failure = e
        if failure is not None:
            raise failure


# ---------------------------------------------------------------------------------------------
# the AsyncIter class
# ---------------------------------------------------------------------------------------------


class AsyncIter(Generic[T_co]):
    """An async iterator with ``Iter``'s methods; consumers are coroutines.

    ``AsyncIter(source)`` takes an async iterable, an ``Iter`` (moved in) or any iterable.
    Building a pipeline does no work: nothing is pulled and no task is created before the first
    item is asked for. Sync-callback adapters have ``Iter``'s names and semantics; async
    callbacks go to the ``_async`` methods (``map_async``, ``filter_async``, ...), and passing a
    coroutine function to a sync method is a ``TypeError`` at the call.

    Ownership is ``Iter``'s: adapters and consumers move the ``AsyncIter`` (``MovedError`` if it
    is used again), ``by_ref()`` borrows it. A consumer that moves it (``collect``, ``fold``,
    ``count``, ...) closes the pipeline when it returns or raises; ``aclose()`` or
    ``async with`` close it otherwise (needed after leaving an ``async for`` early): in-flight
    calls are cancelled and awaited, then every stage down to the source is closed
    (``aclose()`` or ``close()``), exactly once.

    >>> async def numbers():
    ...     for i in range(6):
    ...         yield i
    >>> asyncio.run(AsyncIter(numbers()).filter(lambda x: x % 2 == 0).map(str).collect())
    ['0', '2', '4']
    """

    __slots__ = ("_cell", "_it", "_ops", "_res")

    _it: Any  # an Iter (sync-backed), an async iterator, or a _Moved sentinel
    _ops: tuple[tuple[str, bool, str, Any], ...]  # fused stages: (kind, is_async, method, fn)
    _res: _Res
    _cell: list[Any] | None  # the cell holding the current Iter of a sync-backed pipeline

    def __init__(
        self, source: AsyncIterable[T_co] | Iterable[T_co] | Iter[T_co] | AsyncIter[T_co]
    ) -> None:
        src: Any = source
        self._ops = ()
        self._cell = None
        if isinstance(src, AsyncIter):
            other: AsyncIter[Any] = cast(Any, src)
            it = other._it
            if it.__class__ is _Moved:
                _raise_moved(it)
            self._it = it
            self._ops = other._ops
            self._res = other._res
            self._cell = other._cell
            other._it = _moved("AsyncIter")
            return
        self._res = _Res()
        if hasattr(src, "__aiter__"):
            ait = src.__aiter__()
            if hasattr(src, "aclose") or hasattr(src, "close"):
                self._res.add(src)
            if ait is not src and hasattr(ait, "aclose"):
                self._res.add(ait)
            self._it = ait
            return
        if not isinstance(src, Iter) and not hasattr(src, "__iter__") and not hasattr(src, "next"):
            raise TypeError(
                f"source must be an async iterable or an iterable, got {type(source).__name__}"
            )
        sync_it: Iter[Any] = Iter(cast("Iterable[Any]", src))
        self._it = sync_it
        self._cell = self._res.add(sync_it)

    # ----------------------------------------------------------------------------------------
    # private plumbing
    # ----------------------------------------------------------------------------------------

    def _usable(self) -> Any:
        it = self._it
        if it.__class__ is _Moved:
            _raise_moved(it)
        return it

    def _iter_only(self) -> Iter[Any] | None:
        """The ``Iter`` behind a sync-backed pipeline with no pending fused stages."""
        it = self._usable()
        if self._ops or not isinstance(it, Iter):
            return None
        found: Iter[Any] = cast(Any, it)
        return found

    def _sync_then(self, method: str, new_it: Iter[Any]) -> AsyncIter[Any]:
        """Move ``self`` into the sync stage ``new_it`` (built by the inner ``Iter``)."""
        self._it = _moved(method)
        cell = self._cell
        if cell is not None and cell[0] is not None:
            cell[0] = new_it  # the newest Iter closes every source (chained ones too)
        new: AsyncIter[Any] = _new(AsyncIter)
        new._it = new_it
        new._ops = ()
        new._res = self._res
        new._cell = cell
        return new

    def _op(self, method: str, kind: str, is_async: bool, fn: Any) -> AsyncIter[Any]:
        """Move ``self`` into a fused per-item stage."""
        it = self._usable()
        self._it = _moved(method)
        new: AsyncIter[Any] = _new(AsyncIter)
        new._it = it
        new._ops = (*self._ops, (kind, is_async, method, fn))
        new._res = self._res
        new._cell = None  # no more delegation to the Iter (its cell still closes it)
        return new

    def _ait(self) -> AsyncIterator[Any]:
        """The async iterator of the items (compiling pending stages into one generator)."""
        it = self._usable()
        ops = self._ops
        if not ops and not isinstance(it, Iter):
            ait: AsyncIterator[Any] = it
            return ait
        gen = _fused(it, ops, "gen")
        self._res.add(gen)
        self._it = gen
        self._ops = ()
        self._cell = None
        return cast("AsyncIterator[Any]", gen)

    def _astage(self, method: str) -> AsyncIterator[Any]:
        """Move ``self`` into a stage written as an async generator; return its input."""
        ait = self._ait()
        self._it = _moved(method)
        return ait

    def _then(self, gen: AsyncIterator[Any]) -> AsyncIter[Any]:
        """The stage ``gen`` (built over ``_astage``'s iterator), closed with the pipeline."""
        self._res.add(gen)
        new: AsyncIter[Any] = _new(AsyncIter)
        new._it = gen
        new._ops = ()
        new._res = self._res
        new._cell = None
        return new

    def _take_over(self, method: str) -> AsyncIter[Any]:
        """Move ``self`` into a consumer: a new owner of the same pipeline."""
        it = self._usable()
        self._it = _moved(method)
        new: AsyncIter[Any] = _new(AsyncIter)
        new._it = it
        new._ops = self._ops
        new._res = self._res
        new._cell = self._cell
        return new

    def _join(self, others: tuple[Any, ...], method: str) -> list[AsyncIterator[Any]]:
        """Validate ``others``, move them and ``self`` in; return every input's iterator."""
        converted: list[AsyncIter[Any]] = []
        for i, o in enumerate(others):
            if isinstance(o, AsyncIter):
                oa: AsyncIter[Any] = cast(Any, o)
                oa._usable()
                converted.append(oa)
            elif hasattr(o, "__aiter__") or hasattr(o, "__iter__") or isinstance(o, Iter):
                converted.append(AsyncIter(cast("Iterable[Any]", o)))
            else:
                raise TypeError(f"others[{i}] must be iterable, got {type(o).__name__}")
        self._usable()
        its = [self._astage(method)]
        for oa in converted:
            its.append(oa._astage(method))
            self._res.cells.extend(oa._res.cells)
        return its

    # ----------------------------------------------------------------------------------------
    # protocols
    # ----------------------------------------------------------------------------------------

    def __aiter__(self) -> AsyncIterator[T_co]:
        """Return the async iterator of the items, so ``async for`` runs at generator speed.
        Moves the ``AsyncIter``.

        As ``Iter``'s ``for`` loop, an ``async for`` loop (or ``aiter()``) takes the
        ``AsyncIter`` by value: using it afterwards raises ``MovedError``. Loop over
        ``by_ref()`` to keep it: after a ``break`` the rest is still there. Leaving the loop
        early leaves the pipeline open: ``aclose()`` (also on the moved ``AsyncIter``) or
        ``async with`` closes it.

        >>> async def main():
        ...     it = AsyncIter("abc")
        ...     async for x in it.by_ref():
        ...         break
        ...     return x, await it.collect()
        >>> asyncio.run(main())
        ('a', ['b', 'c'])
        """
        ait = self._ait()
        self._it = _MOVED_LOOP
        return ait

    def __anext__(self) -> Awaitable[T_co]:
        """Return the next item or raise ``StopAsyncIteration`` (Python's protocol).

        >>> async def main():
        ...     it = AsyncIter([7])
        ...     return await it.__anext__()
        >>> asyncio.run(main())
        7
        """
        return self._ait().__anext__()

    def next(self) -> Coroutine[Any, Any, Option[T_co]]:
        """Return ``Some(next item)``, or ``Nothing()`` once exhausted. Does not move.

        >>> async def main():
        ...     it = AsyncIter([1])
        ...     return await it.next(), await it.next()
        >>> asyncio.run(main())
        (Some(1), Nothing())
        """
        return _next(self._ait())

    def size_hint(self) -> tuple[int, Option[int]]:
        """Return ``(lower, upper)`` bounds on the number of items left; consumes nothing.

        Over a sync source, while every stage is one that ``AsyncIter`` hands to its inner
        ``Iter`` (the sync-callback adapters with one input: ``map``, ``filter``, ``take``, ...),
        these are that ``Iter``'s bounds (see ``Iter.size_hint``). Otherwise (an async source,
        an ``_async`` stage, ``chain``/``zip``-like stages, or once an item was pulled) they are
        ``(0, Nothing())``, which is always correct.

        >>> AsyncIter(range(10)).map(str).size_hint()
        (10, Some(10))
        >>> async def numbers():
        ...     yield 1
        >>> AsyncIter(numbers()).size_hint()
        (0, Nothing())
        """
        it = self._iter_only()
        return (0, Nothing()) if it is None else it.size_hint()

    def __length_hint__(self) -> int:
        """The exact number of items left, when ``size_hint`` knows it (``operator.length_hint``).

        >>> import operator
        >>> operator.length_hint(AsyncIter([1, 2, 3]).map(str))
        3
        >>> operator.length_hint(AsyncIter([1, 2, 3]).map_async(asyncio.sleep), -1)
        -1
        """
        it = self._it
        if self._ops or not isinstance(it, Iter):
            return _UNKNOWN_LENGTH
        return it.__length_hint__()

    async def aclose(self) -> None:
        """Close the pipeline: cancel and await in-flight calls, then close every stage down to
        the source (its ``aclose()`` or ``close()``), exactly once. Idempotent.

        Closing a moved ``AsyncIter`` closes the pipeline it was moved into; closing one made by
        ``by_ref()`` closes only the stages built on the borrow. Afterwards it is empty. If a
        close fails, the others still run and the first failure is re-raised.

        >>> async def numbers():
        ...     try:
        ...         yield 1
        ...         yield 2
        ...     finally:
        ...         print("source closed")
        >>> async def main():
        ...     it = AsyncIter(numbers()).map(str)
        ...     print(await it.next())
        ...     await it.aclose()
        ...     await it.aclose()
        ...     return await it.next()
        >>> asyncio.run(main())
        Some('1')
        source closed
        Nothing()
        """
        if self._it.__class__ is not _Moved:
            self._it = Iter(())
            self._ops = ()
            self._cell = None
        await self._res.aclose()

    async def __aenter__(self) -> Self:
        """Return ``self``; the ``async with`` block closes the pipeline on exit.

        >>> async def main():
        ...     nap = lambda x: asyncio.sleep(x / 100, x)
        ...     calls = AsyncIter(range(10)).map_async(nap, concurrency=4)
        ...     async with calls as it:
        ...         async for x in it:
        ...             break
        ...     return x, len(asyncio.all_tasks())  # the other calls were cancelled: main is left
        >>> asyncio.run(main())
        (0, 1)
        """
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
        /,
    ) -> None:
        """Close the pipeline (see ``aclose``), also when the block raised.

        >>> async def main():
        ...     async with AsyncIter([1, 2]) as it:
        ...         return await it.next()
        >>> asyncio.run(main())
        Some(1)
        """
        await self.aclose()

    def __copy__(self) -> NoReturn:
        """Refuse, as ``Iter`` does: a copy would be a second handle on the same stream.

        >>> import copy
        >>> copy.copy(AsyncIter([1]))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        TypeError: an AsyncIter cannot be copied (it is a one-shot stream): borrow it with ...
        """
        raise TypeError(_NO_COPY)

    def __deepcopy__(self, memo: object, /) -> NoReturn:
        """Refuse, as ``__copy__`` does (many sources cannot be replayed).

        >>> import copy
        >>> copy.deepcopy(AsyncIter([1]))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        TypeError: an AsyncIter cannot be copied (it is a one-shot stream): borrow it with ...
        """
        raise TypeError(_NO_COPY)

    def __repr__(self) -> str:
        it = self._it
        state = "moved" if it.__class__ is _Moved else type(it).__name__
        return f"<AsyncIter over {state}>"

    # ----------------------------------------------------------------------------------------
    # adapters that reshape
    # ----------------------------------------------------------------------------------------

    def chain(self, *others: AsyncIterable[U] | Iterable[U]) -> AsyncIter[T_co | U]:
        """Yield every item of this ``AsyncIter``, then of each of ``others`` (sync or async).

        >>> asyncio.run(AsyncIter([1, 2]).chain([3], AsyncIter((4,))).collect())
        [1, 2, 3, 4]
        """
        its = self._join(others, "chain")
        return self._then(_chain_gen(its))

    @overload
    def zip(self, other: AsyncIterable[U] | Iterable[U], /) -> AsyncIter[tuple[T_co, U]]: ...
    @overload
    def zip(
        self, o1: AsyncIterable[U] | Iterable[U], o2: AsyncIterable[V] | Iterable[V], /
    ) -> AsyncIter[tuple[T_co, U, V]]: ...
    @overload
    def zip(self, *others: AsyncIterable[Any] | Iterable[Any]) -> AsyncIter[tuple[Any, ...]]: ...
    def zip(self, *others: AsyncIterable[Any] | Iterable[Any]) -> AsyncIter[tuple[Any, ...]]:
        """Yield tuples of one item from this ``AsyncIter`` and each of ``others``; stop at the
        shortest (pulling one extra item of the longer ones before it, as ``zip``).

        >>> asyncio.run(AsyncIter("abc").zip([1, 2]).collect())
        [('a', 1), ('b', 2)]
        """
        its = self._join(others, "zip")
        return self._then(_zip_gen(its))

    def enumerate(self, start: int = 0) -> AsyncIter[tuple[int, T_co]]:
        """Yield ``(index, item)`` pairs, counting from ``start``.

        >>> asyncio.run(AsyncIter("ab").enumerate(1).collect())
        [(1, 'a'), (2, 'b')]
        """
        check_real(start, "start", integer=True)
        it = self._iter_only()
        if it is not None:
            return self._sync_then("enumerate", it.enumerate(start))
        return self._op("enumerate", "enumerate", False, _count(start).__next__)

    @overload
    def flatten(self: AsyncIter[Some[U] | Nothing]) -> AsyncIter[U]: ...
    @overload
    def flatten(self: AsyncIter[Ok[U] | Err[Any]]) -> AsyncIter[U]: ...
    @overload
    def flatten(self: AsyncIter[Iterable[U]]) -> AsyncIter[U]: ...
    def flatten(self: AsyncIter[Any]) -> AsyncIter[Any]:
        """Yield the items of each item (iterables unrolled; ``Some(v)``/``Ok(v)`` give ``v``,
        ``Nothing()``/``Err(e)`` nothing), as ``Iter.flatten``. For items that are async
        iterables use ``flat_map_async(lambda x: x)``.

        >>> async def pages():
        ...     yield [1, 2]
        ...     yield [3]
        >>> asyncio.run(AsyncIter(pages()).flatten().collect())
        [1, 2, 3]
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("flatten", it.flatten())
        return self._op("flatten", "flatten", False, None)

    def flat_map(self, f: Callable[[T_co], Iterable[U]], /) -> AsyncIter[U]:
        """Map each item to an iterable with ``f`` and yield its items, lazily.

        >>> asyncio.run(AsyncIter([1, 2]).flat_map(lambda x: [x] * x).collect())
        [1, 2, 2]
        """
        _check_sync("f", f, "flat_map", "flat_map_async")
        it = self._iter_only()
        if it is not None:
            return self._sync_then("flat_map", it.flat_map(f))
        return self._op("flat_map", "map", False, f)._op("flat_map", "flatten", False, None)

    def interleave(self, *others: AsyncIterable[U] | Iterable[U]) -> AsyncIter[T_co | U]:
        """Yield one item from each input in turn, skipping the ones that have ended.

        >>> asyncio.run(AsyncIter([1, 2, 3]).interleave("ab").collect())
        [1, 'a', 2, 'b', 3]
        """
        its = self._join(others, "interleave")
        return self._then(_interleave_gen(its))

    def intersperse(self, sep: U) -> AsyncIter[T_co | U]:
        """Yield ``sep`` between every two adjacent items.

        >>> asyncio.run(AsyncIter("abc").intersperse("-").collect())
        ['a', '-', 'b', '-', 'c']
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("intersperse", it.intersperse(sep))
        return self._then(_intersperse_gen(self._astage("intersperse"), sep))

    @overload
    def zip_longest(
        self, *others: AsyncIterable[U] | Iterable[U]
    ) -> AsyncIter[tuple[T_co | U | None, ...]]: ...
    @overload
    def zip_longest(
        self, *others: AsyncIterable[U] | Iterable[U], fillvalue: V
    ) -> AsyncIter[tuple[T_co | U | V, ...]]: ...
    def zip_longest(
        self, *others: AsyncIterable[Any] | Iterable[Any], fillvalue: Any = None
    ) -> AsyncIter[tuple[Any, ...]]:
        """Yield tuples until every input has ended, filling ended ones with ``fillvalue``.

        >>> asyncio.run(AsyncIter([1, 2]).zip_longest("a", fillvalue="?").collect())
        [(1, 'a'), (2, '?')]
        """
        its = self._join(others, "zip_longest")
        return self._then(_zip_longest_gen(its, fillvalue))

    def merge(
        self,
        *others: AsyncIterable[U] | Iterable[U],
        key: Callable[[T_co | U], SupportsRichComparison] | None = None,
    ) -> AsyncIter[T_co | U]:
        """Merge already-sorted inputs into one sorted stream, lazily and stably.

        Memory: one item per input.

        >>> asyncio.run(AsyncIter([1, 4]).merge([2, 5], [3]).collect())
        [1, 2, 3, 4, 5]
        """
        if key is not None:
            _check_sync("key", key, "merge", None)
        its = self._join(others, "merge")
        return self._then(_merge_gen(its, key))

    def cycle(self) -> AsyncIter[T_co]:
        """Repeat the items forever (an empty ``AsyncIter`` stays empty).

        Memory: keeps a copy of one full pass.

        >>> asyncio.run(AsyncIter([1, 2]).cycle().take(5).collect())
        [1, 2, 1, 2, 1]
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("cycle", it.cycle())
        return self._then(_cycle_gen(self._astage("cycle")))

    def fuse(self) -> AsyncIter[T_co]:
        """Stop for good at the first end, even if the source would yield again.

        >>> asyncio.run(AsyncIter([1]).fuse().collect())
        [1]
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("fuse", it.fuse())
        return self._then(_fuse_gen(self._astage("fuse")))

    def by_ref(self) -> Self:
        """Borrow this ``AsyncIter``: a new one over the same items that does not move it.

        Items taken through the borrow are gone from this one. Closing the borrow closes only
        the stages built on it, not this pipeline's. The borrow of an ``AsyncPeekable`` is an
        ``AsyncPeekable`` sharing its peek buffer.

        >>> async def main():
        ...     it = AsyncIter([1, 2, 3, 4])
        ...     first = await it.by_ref().take(2).collect()
        ...     return first, await it.collect()
        >>> asyncio.run(main())
        ([1, 2], [3, 4])
        """
        it = self._iter_only()
        new: Self = _new(type(self))
        new._ops = ()
        new._res = _Res()
        new._cell = None
        new._it = it.by_ref() if it is not None else self._ait()
        return new

    def peekable(self) -> AsyncPeekable[T_co]:
        """Return an ``AsyncPeekable`` that can look at the next item without consuming it.

        Memory: at most one item waits in the peek buffer.

        >>> async def main():
        ...     it = AsyncIter([1, 2]).peekable()
        ...     return await it.peek(), await it.next(), await it.peek()
        >>> asyncio.run(main())
        (Some(1), Some(1), Some(2))
        """
        return AsyncPeekable(self)

    # ----------------------------------------------------------------------------------------
    # adapters that map
    # ----------------------------------------------------------------------------------------

    def map(self, f: Callable[[T_co], U], /) -> AsyncIter[U]:
        """Apply ``f`` to every item, lazily.

        >>> asyncio.run(AsyncIter([1, 2]).map(str).collect())
        ['1', '2']
        """
        _check_sync("f", f, "map", "map_async")
        it = self._iter_only()
        if it is not None:
            return self._sync_then("map", it.map(f))
        return self._op("map", "map", False, f)

    def inspect(self, f: Callable[[T_co], object], /) -> AsyncIter[T_co]:
        """Call ``f`` on every item as it passes, lazily.

        >>> seen = []
        >>> asyncio.run(AsyncIter([1, 2]).inspect(seen.append).collect()), seen
        ([1, 2], [1, 2])
        """
        _check_sync("f", f, "inspect", "inspect_async")
        it = self._iter_only()
        if it is not None:
            return self._sync_then("inspect", it.inspect(f))
        return self._op("inspect", "inspect", False, f)

    def filter_map(self, f: Callable[[T_co], Option[U]], /) -> AsyncIter[U]:
        """Apply ``f`` and keep the values of the ``Some`` results, lazily.

        >>> parse = lambda s: Some(int(s)) if s.isdigit() else Nothing()
        >>> asyncio.run(AsyncIter(["1", "x", "3"]).filter_map(parse).collect())
        [1, 3]
        """
        _check_sync("f", f, "filter_map", "filter_map_async")
        it = self._iter_only()
        if it is not None:
            return self._sync_then("filter_map", it.filter_map(f))
        return self._op("filter_map", "filter_map", False, f)

    def map_while(self, f: Callable[[T_co], Option[U]], /) -> AsyncIter[U]:
        """Apply ``f`` and yield the ``Some`` values until the first ``Nothing``.

        >>> f = lambda x: Some(x * 2) if x > 0 else Nothing()
        >>> asyncio.run(AsyncIter([1, 2, -1, 3]).map_while(f).collect())
        [2, 4]
        """
        _check_sync("f", f, "map_while", None)
        it = self._iter_only()
        if it is not None:
            return self._sync_then("map_while", it.map_while(f))
        return self._op("map_while", "map_while", False, f)

    def scan(
        self, initial_state: S, f: Callable[[S, T_co], Option[tuple[S, U]]], /
    ) -> AsyncIter[U]:
        """Thread a state through the items: ``f(state, item)`` returns
        ``Some((new_state, output))`` to yield ``output``, or ``Nothing()`` to stop.

        >>> step = lambda acc, x: Some((acc + x, acc + x))
        >>> asyncio.run(AsyncIter([1, 2, 3]).scan(0, step).collect())
        [1, 3, 6]
        """
        _check_sync("f", f, "scan", None)
        it = self._iter_only()
        if it is not None:
            return self._sync_then("scan", it.scan(initial_state, f))
        return self._then(_scan_gen(self._astage("scan"), initial_state, f))

    # ----------------------------------------------------------------------------------------
    # adapters that cut
    # ----------------------------------------------------------------------------------------

    @overload
    def filter(self, pred: Callable[[T_co], TypeIs[U]], /) -> AsyncIter[U]: ...
    @overload
    def filter(self, pred: Callable[[T_co], TypeGuard[U]], /) -> AsyncIter[U]: ...
    @overload
    def filter(self, pred: Callable[[T_co], object], /) -> AsyncIter[T_co]: ...
    def filter(self, pred: Callable[[T_co], object], /) -> AsyncIter[Any]:
        """Keep the items for which ``pred`` is true, lazily.

        >>> asyncio.run(AsyncIter(range(6)).filter(lambda x: x % 3 == 0).collect())
        [0, 3]
        """
        _check_sync("pred", pred, "filter", "filter_async")
        it = self._iter_only()
        if it is not None:
            return self._sync_then("filter", it.filter(pred))
        return self._op("filter", "filter", False, pred)

    def take(self, n: int) -> AsyncIter[T_co]:
        """Yield the first ``n`` items (pulling exactly ``n`` from the source, no more).

        >>> asyncio.run(AsyncIter(range(10**12)).take(3).collect())
        [0, 1, 2]
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("take", it.take(n))
        n = check_count(n, "n", 0)
        return self._then(_take_gen(self._astage("take"), n))

    def skip(self, n: int) -> AsyncIter[T_co]:
        """Skip the first ``n`` items, lazily.

        >>> asyncio.run(AsyncIter("abcde").skip(3).collect())
        ['d', 'e']
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("skip", it.skip(n))
        n = check_count(n, "n", 0)
        drop = partial(next, _chain(_repeat(True, n), _repeat(False)))
        return self._op("skip", "skip", False, drop)

    def take_while(self, pred: Callable[[T_co], object], /) -> AsyncIter[T_co]:
        """Yield items while ``pred`` is true; the first failing item is consumed and dropped.

        >>> asyncio.run(AsyncIter([1, 2, 5, 1]).take_while(lambda x: x < 3).collect())
        [1, 2]
        """
        _check_sync("pred", pred, "take_while", "take_while_async")
        it = self._iter_only()
        if it is not None:
            return self._sync_then("take_while", it.take_while(pred))
        return self._op("take_while", "take_while", False, pred)

    def skip_while(self, pred: Callable[[T_co], object], /) -> AsyncIter[T_co]:
        """Skip items while ``pred`` is true, then yield the rest.

        >>> asyncio.run(AsyncIter([1, 2, 5, 1]).skip_while(lambda x: x < 3).collect())
        [5, 1]
        """
        _check_sync("pred", pred, "skip_while", None)
        it = self._iter_only()
        if it is not None:
            return self._sync_then("skip_while", it.skip_while(pred))
        return self._then(_skip_while_gen(self._astage("skip_while"), pred))

    def step_by(self, step: int) -> AsyncIter[T_co]:
        """Yield the first item, then every ``step``-th item after it.

        >>> asyncio.run(AsyncIter(range(10)).step_by(3).collect())
        [0, 3, 6, 9]
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("step_by", it.step_by(step))
        step = check_count(step, "step", 1)
        drop = partial(next, _cycle((False, *([True] * (step - 1)))))
        return self._op("step_by", "skip", False, drop)

    # ----------------------------------------------------------------------------------------
    # grouping and windows
    # ----------------------------------------------------------------------------------------

    def chunks(self, n: int) -> AsyncIter[list[T_co]]:
        """Yield lists of ``n`` consecutive items; the last one may be shorter.

        Memory: one chunk.

        >>> asyncio.run(AsyncIter(range(7)).chunks(3).collect())
        [[0, 1, 2], [3, 4, 5], [6]]
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("chunks", it.chunks(n))
        n = check_count(n, "n", 1)
        return self._then(_chunks_gen(self._astage("chunks"), n))

    def windows(self, n: int) -> AsyncIter[tuple[T_co, ...]]:
        """Yield every run of ``n`` consecutive items as a tuple (only full windows).

        Memory: ``n`` items.

        >>> asyncio.run(AsyncIter([1, 2, 3]).windows(2).collect())
        [(1, 2), (2, 3)]
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("windows", it.windows(n))
        n = check_count(n, "n", 1)
        return self._then(_windows_gen(self._astage("windows"), n))

    def chunk_by(self, key: Callable[[T_co], K], /) -> AsyncIter[tuple[K, list[T_co]]]:
        """Yield ``(key, items)`` for each run of consecutive items with equal keys.

        Memory: one run.

        >>> asyncio.run(AsyncIter("aabca").chunk_by(str.upper).collect())
        [('A', ['a', 'a']), ('B', ['b']), ('C', ['c']), ('A', ['a'])]
        """
        _check_sync("key", key, "chunk_by", None)
        it = self._iter_only()
        if it is not None:
            return self._sync_then("chunk_by", it.chunk_by(key))
        return self._then(_chunk_by_gen(self._astage("chunk_by"), key))

    def dedup(self) -> AsyncIter[T_co]:
        """Drop consecutive duplicates (``==``), keeping the first of each run.

        >>> asyncio.run(AsyncIter([1, 1, 2, 1]).dedup().collect())
        [1, 2, 1]
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("dedup", it.dedup())
        return self._then(_dedup_gen(self._astage("dedup"), None))

    def dedup_by_key(self, key: Callable[[T_co], object], /) -> AsyncIter[T_co]:
        """Drop consecutive items whose ``key`` equals the previous one's, keeping the first.

        >>> asyncio.run(AsyncIter(["a", "A", "b"]).dedup_by_key(str.lower).collect())
        ['a', 'b']
        """
        _check_sync("key", key, "dedup_by_key", None)
        it = self._iter_only()
        if it is not None:
            return self._sync_then("dedup_by_key", it.dedup_by_key(key))
        return self._then(_dedup_gen(self._astage("dedup_by_key"), key))

    def unique(self) -> AsyncIter[T_co]:
        """Yield each distinct item once, at its first occurrence (items must be hashable).

        Memory: grows with the number of distinct items.

        >>> asyncio.run(AsyncIter([3, 1, 3, 2]).unique().collect())
        [3, 1, 2]
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("unique", it.unique())
        return self._then(_unique_gen(self._astage("unique"), None))

    def unique_by_key(self, key: Callable[[T_co], object], /) -> AsyncIter[T_co]:
        """Yield the first item for each distinct ``key(item)`` (keys must be hashable).

        >>> asyncio.run(AsyncIter(["a", "B", "A"]).unique_by_key(str.lower).collect())
        ['a', 'B']
        """
        _check_sync("key", key, "unique_by_key", None)
        it = self._iter_only()
        if it is not None:
            return self._sync_then("unique_by_key", it.unique_by_key(key))
        return self._then(_unique_gen(self._astage("unique_by_key"), key))

    # ----------------------------------------------------------------------------------------
    # Option/Result-aware adapters
    # ----------------------------------------------------------------------------------------

    def map_ok(
        self: AsyncIter[Ok[T] | Err[E]], f: Callable[[T], U], /
    ) -> AsyncIter[Ok[U] | Err[E]]:
        """Apply ``f`` to the value of each ``Ok``; ``Err`` items pass unchanged.

        >>> asyncio.run(AsyncIter([Ok(1), Err("x")]).map_ok(lambda v: v * 10).collect())
        [Ok(10), Err('x')]
        """
        _check_sync("f", f, "map_ok", None)
        it = self._iter_only()
        if it is not None:
            return self._sync_then("map_ok", it.map_ok(f))
        return self._op("map_ok", "map", False, partial(_map_ok, f))

    def map_err(
        self: AsyncIter[Ok[T] | Err[E]], f: Callable[[E], F], /
    ) -> AsyncIter[Ok[T] | Err[F]]:
        """Apply ``f`` to the error of each ``Err``; ``Ok`` items pass unchanged.

        >>> asyncio.run(AsyncIter([Ok(1), Err("x")]).map_err(str.upper).collect())
        [Ok(1), Err('X')]
        """
        _check_sync("f", f, "map_err", None)
        it = self._iter_only()
        if it is not None:
            return self._sync_then("map_err", it.map_err(f))
        return self._op("map_err", "map", False, _map_err_step(f))

    def and_then_ok(
        self: AsyncIter[Ok[T] | Err[E]], f: Callable[[T], Ok[U] | Err[E]], /
    ) -> AsyncIter[Ok[U] | Err[E]]:
        """Replace each ``Ok(v)`` by ``f(v)`` (itself a Result); ``Err`` items pass unchanged.

        >>> half = lambda v: Ok(v // 2) if v % 2 == 0 else Err(f"odd: {v}")
        >>> asyncio.run(AsyncIter([Ok(4), Ok(3)]).and_then_ok(half).collect())
        [Ok(2), Err('odd: 3')]
        """
        _check_sync("f", f, "and_then_ok", None)
        it = self._iter_only()
        if it is not None:
            return self._sync_then("and_then_ok", it.and_then_ok(cast(Any, f)))
        return self._op("and_then_ok", "map", False, partial(_and_then_ok, f))

    def filter_ok(
        self: AsyncIter[Ok[T] | Err[E]], pred: Callable[[T], object], /
    ) -> AsyncIter[Ok[T] | Err[E]]:
        """Drop the ``Ok`` items whose value fails ``pred``; every ``Err`` passes.

        >>> asyncio.run(AsyncIter([Ok(1), Ok(2), Err("x")]).filter_ok(lambda v: v > 1).collect())
        [Ok(2), Err('x')]
        """
        _check_sync("pred", pred, "filter_ok", None)
        it = self._iter_only()
        if it is not None:
            return self._sync_then("filter_ok", it.filter_ok(pred))
        return self._op("filter_ok", "filter", False, _keep_ok_step(pred))

    def inspect_err(
        self: AsyncIter[Ok[T] | Err[E]], f: Callable[[E], object], /
    ) -> AsyncIter[Ok[T] | Err[E]]:
        """Call ``f`` on the error of each ``Err`` as it passes, lazily.

        >>> asyncio.run(AsyncIter([Ok(1), Err("x")]).inspect_err(print).collect())
        x
        [Ok(1), Err('x')]
        """
        _check_sync("f", f, "inspect_err", None)
        it = self._iter_only()
        if it is not None:
            return self._sync_then("inspect_err", it.inspect_err(f))
        return self._op("inspect_err", "map", False, _inspect_err_step(f))

    def oks(self: AsyncIter[Ok[T] | Err[Any]]) -> AsyncIter[T]:
        """Yield the values of the ``Ok`` items, dropping every ``Err``.

        >>> asyncio.run(AsyncIter([Ok(1), Err("x")]).oks().collect())
        [1]
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("oks", it.oks())
        return self._op("oks", "select", False, _OKS)._op("oks", "map", False, _ok_value)

    def errs(self: AsyncIter[Ok[Any] | Err[E]]) -> AsyncIter[E]:
        """Yield the errors of the ``Err`` items, dropping every ``Ok``.

        >>> asyncio.run(AsyncIter([Ok(1), Err("x")]).errs().collect())
        ['x']
        """
        it = self._iter_only()
        if it is not None:
            return self._sync_then("errs", it.errs())
        return self._op("errs", "select", False, _ERRS)._op("errs", "map", False, _err_error)

    # ----------------------------------------------------------------------------------------
    # async callbacks (and bounded concurrency)
    # ----------------------------------------------------------------------------------------

    def map_async(
        self,
        f: Callable[[T_co], Awaitable[U]],
        /,
        *,
        concurrency: int = 1,
        ordered: bool = True,
    ) -> AsyncIter[U]:
        """Await ``f(item)`` for every item, running up to ``concurrency`` calls at once.

        Bounds: at most ``concurrency`` calls run at once, and at most ``2 * concurrency`` items
        are pulled from the source but not yet yielded (running, or finished and waiting for
        the consumer, or for an earlier slow call when ``ordered``). The source is pulled in the
        consuming task, only when there is room (back-pressure), and a finished call frees its
        slot at once, so one slow call does not stop new ones from starting.

        ``ordered=True`` yields in input order, ``ordered=False`` in completion order. The first
        failure: the items before it are yielded, then the in-flight calls are cancelled and
        awaited, the pipeline is closed (when a consumer or ``async with`` owns it), and the
        exception is raised as it was (no ``ExceptionGroup``). Cancelling the consumer cancels
        the in-flight calls. ``concurrency=1`` runs the calls one by one without tasks.

        Raises:
            TypeError: if ``f`` is not callable, or ``concurrency`` is not an int.
            ValueError: if ``concurrency`` is less than 1.

        >>> async def slow_double(x):
        ...     await asyncio.sleep(0.01 * (3 - x))
        ...     return 2 * x
        >>> asyncio.run(AsyncIter([1, 2, 3]).map_async(slow_double, concurrency=3).collect())
        [2, 4, 6]
        >>> unordered = AsyncIter([1, 2, 3]).map_async(slow_double, concurrency=3, ordered=False)
        >>> asyncio.run(unordered.collect())
        [6, 4, 2]
        """
        check_callable(f, "f")
        limit = check_int(concurrency, "concurrency", 1)
        ordered = check_bool(ordered, "ordered")
        if limit == 1:
            return self._op("map_async", "map", True, f)
        return self._then(_concurrent_gen(self._astage("map_async"), f, limit, ordered))

    def try_map_async(
        self,
        f: Callable[[T_co], Awaitable[U]],
        /,
        *,
        concurrency: int = 1,
        ordered: bool = True,
    ) -> AsyncIter[Ok[U] | Err[Exception]]:
        """``map_async`` that yields every outcome as ``Ok(value)`` or ``Err(exception)`` in
        place: a failed call cancels nothing. Same bounds as ``map_async``.

        >>> async def parse(s):
        ...     return int(s)
        >>> asyncio.run(AsyncIter(["1", "x"]).try_map_async(parse, concurrency=2).collect())
        [Ok(1), Err(ValueError("invalid literal for int() with base 10: 'x'"))]
        """
        check_callable(f, "f")
        limit = check_int(concurrency, "concurrency", 1)
        ordered = check_bool(ordered, "ordered")
        g = partial(_try_call, f)
        if limit == 1:
            return self._op("try_map_async", "map", True, g)
        return self._then(_concurrent_gen(self._astage("try_map_async"), g, limit, ordered))

    def filter_async(self, pred: Callable[[T_co], Awaitable[object]], /) -> AsyncIter[T_co]:
        """Keep the items for which ``await pred(item)`` is true, one call at a time.

        >>> async def even(x):
        ...     return x % 2 == 0
        >>> asyncio.run(AsyncIter(range(5)).filter_async(even).collect())
        [0, 2, 4]
        """
        check_callable(pred, "pred")
        return self._op("filter_async", "filter", True, pred)

    def filter_map_async(self, f: Callable[[T_co], Awaitable[Option[U]]], /) -> AsyncIter[U]:
        """Await ``f(item)`` and keep the values of the ``Some`` results.

        >>> async def parse(s):
        ...     return Some(int(s)) if s.isdigit() else Nothing()
        >>> asyncio.run(AsyncIter(["1", "x"]).filter_map_async(parse).collect())
        [1]
        """
        check_callable(f, "f")
        return self._op("filter_map_async", "filter_map", True, f)

    @overload
    def flat_map_async(self, f: Callable[[T_co], AsyncIterable[U]], /) -> AsyncIter[U]: ...
    @overload
    def flat_map_async(self, f: Callable[[T_co], Awaitable[Iterable[U]]], /) -> AsyncIter[U]: ...
    def flat_map_async(self, f: Callable[[T_co], Any], /) -> AsyncIter[Any]:
        """Yield the items of ``f(item)``: an async iterable (an async generator function's
        result), or an awaitable of an iterable. Each inner async iterable is closed when it
        ends or the pipeline closes.

        >>> async def pages(n):
        ...     for i in range(n):
        ...         yield f"{n}.{i}"
        >>> asyncio.run(AsyncIter([1, 2]).flat_map_async(pages).collect())
        ['1.0', '2.0', '2.1']
        """
        check_callable(f, "f")
        return self._then(_flat_map_async_gen(self._astage("flat_map_async"), f))

    def inspect_async(self, f: Callable[[T_co], Awaitable[object]], /) -> AsyncIter[T_co]:
        """Await ``f(item)`` on every item as it passes.

        >>> async def show(x):
        ...     print("saw", x)
        >>> asyncio.run(AsyncIter([1]).inspect_async(show).collect())
        saw 1
        [1]
        """
        check_callable(f, "f")
        return self._op("inspect_async", "inspect", True, f)

    def take_while_async(self, pred: Callable[[T_co], Awaitable[object]], /) -> AsyncIter[T_co]:
        """Yield items while ``await pred(item)`` is true; the failing item is dropped.

        >>> async def small(x):
        ...     return x < 3
        >>> asyncio.run(AsyncIter([1, 2, 5, 1]).take_while_async(small).collect())
        [1, 2]
        """
        check_callable(pred, "pred")
        return self._op("take_while_async", "take_while", True, pred)

    def fold_async(
        self, init: A, f: Callable[[A, T_co], Awaitable[A]], /
    ) -> Coroutine[Any, Any, A]:
        """Combine the items left to right with ``await f(acc, item)``.

        >>> async def add(acc, x):
        ...     return acc + x
        >>> asyncio.run(AsyncIter([1, 2, 3]).fold_async(10, add))
        16
        """
        check_callable(f, "f")
        return _fold_async(self._take_over("fold_async"), init, f)

    def for_each_async(
        self, f: Callable[[T_co], Awaitable[object]], /, *, concurrency: int = 1
    ) -> Coroutine[Any, Any, None]:
        """Await ``f(item)`` for every item, up to ``concurrency`` calls at once (in any order).

        Bounds and the first-failure rule are ``map_async``'s.

        >>> async def show(x):
        ...     print(x)
        >>> asyncio.run(AsyncIter([1, 2]).for_each_async(show))
        1
        2
        """
        check_callable(f, "f")
        limit = check_int(concurrency, "concurrency", 1)
        p = self._take_over("for_each_async")
        if limit == 1:
            return _drain(p._op("for_each_async", "inspect", True, f))
        return _drain(p.map_async(f, concurrency=limit, ordered=False))

    # ----------------------------------------------------------------------------------------
    # consumers that fold (these move the AsyncIter and close it when done)
    # ----------------------------------------------------------------------------------------

    @overload
    def collect(self, /) -> Coroutine[Any, Any, list[T_co]]: ...
    @overload
    def collect(
        self: AsyncIter[tuple[K, V]], factory: type[dict[Any, Any]], /
    ) -> Coroutine[Any, Any, dict[K, V]]: ...
    @overload
    def collect(self, factory: Callable[[Iterable[T_co]], C], /) -> Coroutine[Any, Any, C]: ...
    def collect(self, factory: Callable[..., Any] = list, /) -> Coroutine[Any, Any, Any]:
        """Consume every item into ``factory(items)`` (a list by default).

        A ``factory`` other than ``list`` is given the collected list.

        >>> asyncio.run(AsyncIter("abc").collect())
        ['a', 'b', 'c']
        >>> asyncio.run(AsyncIter([("a", 1)]).collect(dict))
        {'a': 1}
        """
        if factory is not list:
            _check_sync("factory", factory, "collect", None)
        return _collect(self._take_over("collect"), factory)

    def for_each(self, f: Callable[[T_co], object], /) -> Coroutine[Any, Any, None]:
        """Call ``f`` on every item.

        >>> asyncio.run(AsyncIter([1, 2]).for_each(print))
        1
        2
        """
        _check_sync("f", f, "for_each", "for_each_async")
        return _for_each(self._take_over("for_each"), f)

    def fold(self, init: A, f: Callable[[A, T_co], A], /) -> Coroutine[Any, Any, A]:
        """Combine the items left to right: ``f(...f(f(init, x0), x1)..., xn)``.

        >>> asyncio.run(AsyncIter([1, 2, 3]).fold(10, lambda acc, x: acc + x))
        16
        """
        _check_sync("f", f, "fold", "fold_async")
        return self._consumer("fold", _ITER.fold, (init, f), _fold, init, f)

    @overload
    def try_fold(
        self, init: A, f: Callable[[A, T_co], Ok[A] | Err[E]], /
    ) -> Coroutine[Any, Any, Ok[A] | Err[E]]: ...
    @overload
    def try_fold(
        self, init: A, f: Callable[[A, T_co], Some[A] | Nothing], /
    ) -> Coroutine[Any, Any, Some[A] | Nothing | Ok[A]]: ...
    def try_fold(self, init: Any, f: Callable[[Any, Any], Any], /) -> Coroutine[Any, Any, Any]:
        """Fold while ``f`` returns ``Ok``/``Some``; return the first ``Err``/``Nothing``.

        Does not move: items after a failure stay available.

        >>> f = lambda acc, x: Ok(acc + x) if x > 0 else Err(x)
        >>> asyncio.run(AsyncIter([1, 2, 3]).try_fold(0, f))
        Ok(6)
        """
        _check_sync("f", f, "try_fold", None)
        return self._search(_ITER.try_fold, _try_fold, init, f)

    @overload
    def try_for_each(
        self, f: Callable[[T_co], Ok[Any] | Err[E]], /
    ) -> Coroutine[Any, Any, Ok[None] | Err[E]]: ...
    @overload
    def try_for_each(
        self, f: Callable[[T_co], Some[Any] | Nothing], /
    ) -> Coroutine[Any, Any, Some[None] | Nothing | Ok[None]]: ...
    def try_for_each(self, f: Callable[[Any], Any], /) -> Coroutine[Any, Any, Any]:
        """Call ``f`` on every item until it returns an ``Err``/``Nothing``, and return that.

        Does not move.

        >>> asyncio.run(AsyncIter([1, -2, 3]).try_for_each(lambda x: Ok(x) if x > 0 else Err(x)))
        Err(-2)
        """
        _check_sync("f", f, "try_for_each", None)
        it = self._iter_only()
        if it is not None:
            return _call(it.try_for_each, f)
        return _try_fold(self._ait(), None, partial(_for_each_step, f))

    def reduce(self, f: Callable[[T_co, T_co], T_co], /) -> Coroutine[Any, Any, Option[T_co]]:
        """Combine the items left to right with ``f``, starting from the first item.

        >>> asyncio.run(AsyncIter([1, 2, 3]).reduce(lambda a, b: a + b))
        Some(6)
        """
        _check_sync("f", f, "reduce", None)
        return self._consumer("reduce", _ITER.reduce, (f,), _reduce, f)

    def count(self) -> Coroutine[Any, Any, int]:
        """Consume every item and return how many there were.

        >>> asyncio.run(AsyncIter("abc").count())
        3
        """
        return self._consumer("count", _ITER.count, (), _count_items)

    def sum(self: AsyncIter[_SumT]) -> Coroutine[Any, Any, _SumT | Literal[0]]:
        """Add the items (``0`` for an empty ``AsyncIter``).

        >>> asyncio.run(AsyncIter([1, 2, 3]).sum())
        6
        """
        return self._consumer("sum", _ITER.sum, (), _fold, 0, operator.add)

    def product(self: AsyncIter[_ProdT]) -> Coroutine[Any, Any, _ProdT | Literal[1]]:
        """Multiply the items (``1`` for an empty ``AsyncIter``).

        >>> asyncio.run(AsyncIter([1, 2, 3, 4]).product())
        24
        """
        return self._consumer("product", _ITER.product, (), _fold, 1, operator.mul)

    def min(
        self: AsyncIter[SupportsRichComparisonT],
    ) -> Coroutine[Any, Any, Option[SupportsRichComparisonT]]:
        """Return the smallest item (the first one among equals), or ``Nothing()``.

        >>> asyncio.run(AsyncIter([3, 1, 2]).min())
        Some(1)
        """
        return self._consumer("min", _ITER.min, (), _best, None, False)

    def max(
        self: AsyncIter[SupportsRichComparisonT],
    ) -> Coroutine[Any, Any, Option[SupportsRichComparisonT]]:
        """Return the largest item (the *last* one among equals, as Rust), or ``Nothing()``.

        >>> asyncio.run(AsyncIter([3, 1, 2]).max())
        Some(3)
        """
        return self._consumer("max", _ITER.max, (), _best, None, True)

    def min_by(self, compare: Callable[[T_co, T_co], int], /) -> Coroutine[Any, Any, Option[T_co]]:
        """Return the smallest item by ``compare(a, b)``; the first one among equals.

        >>> asyncio.run(AsyncIter(["bb", "a"]).min_by(lambda a, b: len(a) - len(b)))
        Some('a')
        """
        _check_sync("compare", compare, "min_by", None)
        return self._consumer("min_by", _ITER.min_by, (compare,), _best_by, compare, False)

    def max_by(self, compare: Callable[[T_co, T_co], int], /) -> Coroutine[Any, Any, Option[T_co]]:
        """Return the largest item by ``compare(a, b)``; the last one among equals.

        >>> asyncio.run(AsyncIter(["bb", "a"]).max_by(lambda a, b: len(a) - len(b)))
        Some('bb')
        """
        _check_sync("compare", compare, "max_by", None)
        return self._consumer("max_by", _ITER.max_by, (compare,), _best_by, compare, True)

    def min_by_key(
        self, key: Callable[[T_co], SupportsRichComparison], /
    ) -> Coroutine[Any, Any, Option[T_co]]:
        """Return the item with the smallest ``key(item)``; the first one among equals.

        >>> asyncio.run(AsyncIter(["bb", "a"]).min_by_key(len))
        Some('a')
        """
        _check_sync("key", key, "min_by_key", None)
        return self._consumer("min_by_key", _ITER.min_by_key, (key,), _best, key, False)

    def max_by_key(
        self, key: Callable[[T_co], SupportsRichComparison], /
    ) -> Coroutine[Any, Any, Option[T_co]]:
        """Return the item with the largest ``key(item)``; the last one among equals.

        >>> asyncio.run(AsyncIter(["bb", "a"]).max_by_key(len))
        Some('bb')
        """
        _check_sync("key", key, "max_by_key", None)
        return self._consumer("max_by_key", _ITER.max_by_key, (key,), _best, key, True)

    def last(self) -> Coroutine[Any, Any, Option[T_co]]:
        """Consume every item and return the last one, or ``Nothing()``.

        >>> asyncio.run(AsyncIter([1, 2, 3]).last())
        Some(3)
        """
        return self._consumer("last", _ITER.last, (), _last)

    def partition(
        self, pred: Callable[[T_co], object], /
    ) -> Coroutine[Any, Any, tuple[list[T_co], list[T_co]]]:
        """Split the items into ``(those where pred is true, the others)``.

        >>> asyncio.run(AsyncIter(range(5)).partition(lambda x: x % 2 == 0))
        ([0, 2, 4], [1, 3])
        """
        _check_sync("pred", pred, "partition", None)
        return self._consumer("partition", _ITER.partition, (pred,), _partition, pred)

    def unzip(self: AsyncIter[tuple[A, B]]) -> Coroutine[Any, Any, tuple[list[A], list[B]]]:
        """Split an ``AsyncIter`` of pairs into two lists.

        >>> asyncio.run(AsyncIter([(1, "a"), (2, "b")]).unzip())
        ([1, 2], ['a', 'b'])
        """
        return self._consumer("unzip", _ITER.unzip, (), _unzip)

    def join(self: AsyncIter[str], sep: str = "", /) -> Coroutine[Any, Any, str]:
        """Concatenate string items with ``sep`` between them.

        >>> asyncio.run(AsyncIter("abc").join(", "))
        'a, b, c'
        """
        if not isinstance(cast(object, sep), str):
            raise TypeError(f"sep must be a str, got {type(sep).__name__}")
        return self._consumer("join", _ITER.join, (sep,), _join_items, sep)

    def try_collect(self: AsyncIter[Ok[T] | Err[E]]) -> Coroutine[Any, Any, Ok[list[T]] | Err[E]]:
        """Collect the ``Ok`` values into ``Ok(list)``, or return the first ``Err`` (pulling
        nothing after it).

        >>> asyncio.run(AsyncIter([Ok(1), Err("boom"), Ok(3)]).try_collect())
        Err('boom')
        """
        return self._consumer("try_collect", _ITER.try_collect, (), _try_collect)

    def partition_results(
        self: AsyncIter[Ok[T] | Err[E]],
    ) -> Coroutine[Any, Any, tuple[list[T], list[E]]]:
        """Split into ``(Ok values, Err errors)``, keeping every error.

        >>> asyncio.run(AsyncIter([Ok(1), Err("x")]).partition_results())
        ([1], ['x'])
        """
        return self._consumer("partition_results", _ITER.partition_results, (), _partition_results)

    # ----------------------------------------------------------------------------------------
    # consumers that search (these borrow: the AsyncIter stays usable after the match)
    # ----------------------------------------------------------------------------------------

    def any(self, pred: Callable[[T_co], object], /) -> Coroutine[Any, Any, bool]:
        """Return whether ``pred`` is true for some item; stops at the first one.

        >>> asyncio.run(AsyncIter([1, 2]).any(lambda x: x > 1))
        True
        """
        _check_sync("pred", pred, "any", None)
        return self._search(_ITER.any, _any, pred)

    def all(self, pred: Callable[[T_co], object], /) -> Coroutine[Any, Any, bool]:
        """Return whether ``pred`` is true for every item; stops at the first false one.

        >>> asyncio.run(AsyncIter([1, 2]).all(lambda x: x > 1))
        False
        """
        _check_sync("pred", pred, "all", None)
        return self._search(_ITER.all, _all, pred)

    def find(self, pred: Callable[[T_co], object], /) -> Coroutine[Any, Any, Option[T_co]]:
        """Return the first item for which ``pred`` is true, consuming up to it.

        >>> asyncio.run(AsyncIter([1, 2, 3]).find(lambda x: x > 1))
        Some(2)
        """
        _check_sync("pred", pred, "find", None)
        return self._search(_ITER.find, _find, pred)

    def find_map(self, f: Callable[[T_co], Option[U]], /) -> Coroutine[Any, Any, Option[U]]:
        """Return the first ``Some`` that ``f`` returns, consuming up to its item.

        >>> number = lambda s: Some(int(s)) if s.isdigit() else Nothing()
        >>> asyncio.run(AsyncIter(["a", "7"]).find_map(number))
        Some(7)
        """
        _check_sync("f", f, "find_map", None)
        return self._search(_ITER.find_map, _find_map, f)

    def position(self, pred: Callable[[T_co], object], /) -> Coroutine[Any, Any, Option[int]]:
        """Return the index of the first item for which ``pred`` is true.

        >>> asyncio.run(AsyncIter("abc").position(lambda c: c == "b"))
        Some(1)
        """
        _check_sync("pred", pred, "position", None)
        return self._search(_ITER.position, _position, pred)

    def nth(self, n: int) -> Coroutine[Any, Any, Option[T_co]]:
        """Return the ``n``-th item (0-based), consuming it and the ``n`` before it.

        >>> asyncio.run(AsyncIter("abc").nth(1))
        Some('b')
        """
        n = check_count(n, "n", 0)
        return self._search(_ITER.nth, _nth, n)

    # ----------------------------------------------------------------------------------------
    # consumers that compare (lexicographic, as Iter's); ``other`` may be sync or async
    # ----------------------------------------------------------------------------------------

    def eq(self, other: AsyncIterable[object] | Iterable[object], /) -> Coroutine[Any, Any, bool]:
        """Return whether the items equal those of ``other``, pairwise, with the same length.

        >>> asyncio.run(AsyncIter([1, 2]).eq([1, 2]))
        True
        """
        return self._compare("eq", other)

    def ne(self, other: AsyncIterable[object] | Iterable[object], /) -> Coroutine[Any, Any, bool]:
        """Return whether the items differ from those of ``other`` (``not eq``).

        >>> asyncio.run(AsyncIter([1, 2]).ne([1]))
        True
        """
        return self._compare("ne", other)

    def lt(self, other: AsyncIterable[object] | Iterable[object], /) -> Coroutine[Any, Any, bool]:
        """Return whether the items are lexicographically less than those of ``other``.

        >>> asyncio.run(AsyncIter([1, 2]).lt([1, 3]))
        True
        """
        return self._compare("lt", other)

    def le(self, other: AsyncIterable[object] | Iterable[object], /) -> Coroutine[Any, Any, bool]:
        """Return whether the items are lexicographically less than or equal to ``other``'s.

        >>> asyncio.run(AsyncIter([1, 2]).le([1, 2]))
        True
        """
        return self._compare("le", other)

    def gt(self, other: AsyncIterable[object] | Iterable[object], /) -> Coroutine[Any, Any, bool]:
        """Return whether the items are lexicographically greater than those of ``other``.

        >>> asyncio.run(AsyncIter([2]).gt([1, 5]))
        True
        """
        return self._compare("gt", other)

    def ge(self, other: AsyncIterable[object] | Iterable[object], /) -> Coroutine[Any, Any, bool]:
        """Return whether the items are lexicographically greater than or equal to ``other``'s.

        >>> asyncio.run(AsyncIter([1, 2]).ge([1]))
        True
        """
        return self._compare("ge", other)

    def cmp(
        self, other: AsyncIterable[object] | Iterable[object], /
    ) -> Coroutine[Any, Any, Literal[-1, 0, 1]]:
        """Compare lexicographically with ``other``: ``-1``, ``0`` or ``1``.

        Raises:
            TypeError: if a pair of items is unordered.

        >>> asyncio.run(AsyncIter([1, 2]).cmp([1, 3]))
        -1
        """
        return self._compare("cmp", other)

    def is_sorted(self: AsyncIter[SupportsRichComparison]) -> Coroutine[Any, Any, bool]:
        """Return whether every item is ``<=`` the next one.

        >>> asyncio.run(AsyncIter([1, 2, 2]).is_sorted())
        True
        """
        return self._consumer("is_sorted", _ITER.is_sorted, (), _is_sorted, None, None)

    def is_sorted_by(self, compare: Callable[[T_co, T_co], object], /) -> Coroutine[Any, Any, bool]:
        """Return whether ``compare(a, b)`` (meaning "a <= b") holds for every adjacent pair.

        >>> asyncio.run(AsyncIter([3, 2, 1]).is_sorted_by(lambda a, b: a >= b))
        True
        """
        _check_sync("compare", compare, "is_sorted_by", None)
        return self._consumer(
            "is_sorted_by", _ITER.is_sorted_by, (compare,), _is_sorted, compare, None
        )

    def is_sorted_by_key(
        self, key: Callable[[T_co], SupportsRichComparison], /
    ) -> Coroutine[Any, Any, bool]:
        """Return whether the keys ``key(item)`` are sorted (each ``<=`` the next).

        >>> asyncio.run(AsyncIter(["a", "bb"]).is_sorted_by_key(len))
        True
        """
        _check_sync("key", key, "is_sorted_by_key", None)
        return self._consumer(
            "is_sorted_by_key", _ITER.is_sorted_by_key, (key,), _is_sorted, None, key
        )

    # ----------------------------------------------------------------------------------------
    # data-scalable kit
    # ----------------------------------------------------------------------------------------

    # Thin async drivers (``_adrivers``) over the same cores as ``Iter``'s kit methods
    # (``_batching.Packer``, ``_pacing.Pacer``): the same batches and the same waits.

    @overload
    def batched_by_size(
        self: AsyncIter[SizedT],
        max_bytes: int,
        /,
        *,
        max_items: int | None = ...,
        batch_overhead: int = ...,
        item_overhead: int = ...,
    ) -> AsyncIter[list[SizedT]]: ...
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
    ) -> AsyncIter[list[T_co]]: ...
    def batched_by_size(
        self,
        max_bytes: int,
        /,
        *,
        size: Callable[[Any], int] = len,
        max_items: int | None = None,
        batch_overhead: int = 0,
        item_overhead: int = 0,
    ) -> AsyncIter[Any]:
        """Group items lazily into lists whose encoded size never exceeds ``max_bytes``.

        ``Iter.batched_by_size`` for an async source (the same ``Packer``, fed one item per
        pull, so the same batches; over a sync source, ``Iter``'s own driver); holds one batch
        at a time. ``size`` must be a sync callable.

        >>> asyncio.run(AsyncIter(["ab", "cd", "e", "fghi"]).batched_by_size(4).collect())
        [['ab', 'cd'], ['e'], ['fghi']]
        """
        return self._batched(True, max_bytes, size, max_items, batch_overhead, item_overhead)

    @overload
    def try_batched_by_size(
        self: AsyncIter[SizedT],
        max_bytes: int,
        /,
        *,
        max_items: int | None = ...,
        batch_overhead: int = ...,
        item_overhead: int = ...,
    ) -> AsyncIter[Result[list[SizedT], ItemTooLarge[SizedT]]]: ...
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
    ) -> AsyncIter[Result[list[T_co], ItemTooLarge[T_co]]]: ...
    def try_batched_by_size(
        self,
        max_bytes: int,
        /,
        *,
        size: Callable[[Any], int] = len,
        max_items: int | None = None,
        batch_overhead: int = 0,
        item_overhead: int = 0,
    ) -> AsyncIter[Any]:
        """Like ``batched_by_size``, but an item too large for any batch comes out as ``Err``.

        >>> async def main():
        ...     async for r in AsyncIter(["ab", "far too long", "c"]).try_batched_by_size(4):
        ...         print(r)
        >>> asyncio.run(main())
        Ok(['ab'])
        Err(ItemTooLarge(index=1, item='far too long', size=12, max_bytes=4))
        Ok(['c'])
        """
        return self._batched(False, max_bytes, size, max_items, batch_overhead, item_overhead)

    def rate_limited(
        self,
        per_second: float,
        /,
        *,
        burst: int = 1,
        clock: Callable[[], float] = _monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> AsyncIter[T_co]:
        """Pull at most ``per_second`` times per second, awaiting ``sleep`` in between.

        ``Iter.rate_limited`` for an async source (the same token bucket, ``Pacer``): up to
        ``burst`` pulls at once after an idle period. Lazy: nothing is pulled, and the clock is
        not read, before the first item is asked for.

        >>> now = [0.0]
        >>> async def fake_sleep(seconds: float) -> None:
        ...     now[0] += seconds
        >>> async def main():
        ...     paced = AsyncIter("abc").rate_limited(4, clock=lambda: now[0], sleep=fake_sleep)
        ...     return [(item, now[0]) async for item in paced]
        >>> asyncio.run(main())
        [('a', 0.0), ('b', 0.25), ('c', 0.5)]
        """
        pacer = Pacer(per_second, burst=burst, clock=clock)
        check_callable(sleep, "sleep")
        return self._then(_apaced(self._astage("rate_limited"), pacer, sleep))

    def _batched(
        self,
        strict: bool,
        max_bytes: int,
        size: Callable[[Any], int],
        max_items: int | None,
        batch_overhead: int,
        item_overhead: int,
    ) -> AsyncIter[Any]:
        """``batched_by_size`` (``strict``) or ``try_batched_by_size``: over a sync source
        ``Iter``'s own (one ``Packer`` loop pulling from it), else a ``Packer`` fed one item per
        pull."""
        method = "batched_by_size" if strict else "try_batched_by_size"
        _check_sync("size", size, method, None)
        it = self._iter_only()
        if it is not None:
            batches = getattr(it, method)(
                max_bytes,
                size=size,
                max_items=max_items,
                batch_overhead=batch_overhead,
                item_overhead=item_overhead,
            )
            return self._sync_then(method, batches)
        packer: Packer[Any] = Packer(
            max_bytes, size, max_items, batch_overhead, item_overhead, strict=strict
        )
        return self._then(_abatches(self._astage(method), packer))

    # ----------------------------------------------------------------------------------------
    # private consumer plumbing
    # ----------------------------------------------------------------------------------------

    def _consumer(
        self,
        method: str,
        sync: Callable[..., Any],
        sync_args: tuple[Any, ...],
        body: Callable[..., Awaitable[Any]],
        *args: Any,
    ) -> Coroutine[Any, Any, Any]:
        """Move ``self`` into a consumer: ``Iter``'s own (``sync``) over a sync pipeline, else
        ``body`` over the async items; either way the pipeline is closed when it ends."""
        p = self._take_over(method)
        it = p._iter_only()
        if it is not None:
            return _sync_call(p, sync, it, *sync_args)
        return _owned(p, body, *args)

    def _search(
        self, sync: Callable[..., Any], body: Callable[..., Coroutine[Any, Any, Any]], *args: Any
    ) -> Coroutine[Any, Any, Any]:
        """A consumer that borrows (``any``, ``find``, ``nth``, ...): ``Iter``'s own over a
        sync pipeline, else ``body`` over the async items."""
        it = self._iter_only()
        if it is not None:
            return _call(sync, it, *args)
        return body(self._ait(), *args)

    def _compare(
        self, method: str, other: AsyncIterable[object] | Iterable[object]
    ) -> Coroutine[Any, Any, Any]:
        if isinstance(other, AsyncIter):
            o: AsyncIter[Any] = other
        elif hasattr(other, "__aiter__") or hasattr(other, "__iter__"):
            o = AsyncIter(other)
        else:
            raise TypeError(f"other must be iterable, got {type(other).__name__}")
        o._usable()
        return _compare(self._take_over(method), o._take_over(method), method)


class _Peeker:
    """An async iterator with a one-item look-ahead buffer (the iterator of an AsyncPeekable)."""

    __slots__ = ("_buf", "_src")

    def __init__(self, src: AsyncIterator[Any]) -> None:
        self._src = src
        self._buf: Any = _END

    def __aiter__(self) -> _Peeker:
        return self

    def __anext__(self) -> Awaitable[Any]:
        buf = self._buf
        if buf is _END:
            return self._src.__anext__()  # (the source's own awaitable: no extra frame)
        self._buf = _END
        return _call(_identity, buf)

    async def peek(self) -> Any:
        """The next item, left in the buffer (``_END`` at the end)."""
        if self._buf is _END:
            self._buf = await anext(self._src, _END)
        return self._buf


def _identity(x: T) -> T:
    return x


class AsyncPeekable(AsyncIter[T_co]):
    """An ``AsyncIter`` that can look at its next item without consuming it
    (``AsyncIter.peekable()``).

    The peeked item waits in a one-item buffer, so every ``AsyncIter`` method works unchanged
    on an ``AsyncPeekable``; adapters built on it are plain ``AsyncIter``s.

    >>> async def main():
    ...     p = AsyncPeekable([1, 2, 3])
    ...     return (await p.peek(), await p.next_if(lambda x: x > 5), await p.next_if_eq(1),
    ...             await p.collect())
    >>> asyncio.run(main())
    (Some(1), Nothing(), Some(1), [2, 3])
    """

    __slots__ = ()

    def __init__(
        self, source: AsyncIterable[T_co] | Iterable[T_co] | Iter[T_co] | AsyncIter[T_co]
    ) -> None:
        super().__init__(source)
        self._it = _Peeker(self._ait())
        self._cell = None

    def _peeker(self) -> _Peeker | None:
        it = self._usable()
        return it if isinstance(it, _Peeker) else None  # (None once closed)

    def peek(self) -> Coroutine[Any, Any, Option[T_co]]:
        """Return the next item without consuming it, or ``Nothing()``. Does not move.

        >>> async def main():
        ...     p = AsyncIter("ab").peekable()
        ...     return await p.peek(), await p.peek(), await p.collect()
        >>> asyncio.run(main())
        (Some('a'), Some('a'), ['a', 'b'])
        """
        return _peek(self._peeker(), None, _END)

    def next_if(self, pred: Callable[[T_co], object], /) -> Coroutine[Any, Any, Option[T_co]]:
        """Consume and return the next item if ``pred`` is true for it; else ``Nothing()``.

        >>> async def main():
        ...     p = AsyncIter([1, 5]).peekable()
        ...     return await p.next_if(lambda x: x < 3), await p.next_if(lambda x: x < 3)
        >>> asyncio.run(main())
        (Some(1), Nothing())
        """
        _check_sync("pred", pred, "next_if", None)
        return _peek(self._peeker(), pred, _END)

    def next_if_eq(self, value: object, /) -> Coroutine[Any, Any, Option[T_co]]:
        """Consume and return the next item if it equals ``value``; else ``Nothing()``.

        >>> async def main():
        ...     p = AsyncIter("ab").peekable()
        ...     return await p.next_if_eq("b"), await p.next_if_eq("a"), await p.collect()
        >>> asyncio.run(main())
        (Nothing(), Some('a'), ['b'])
        """
        return _peek(self._peeker(), None, value)


async def _peek(peeker: _Peeker | None, pred: Any, value: Any) -> Option[Any]:
    """``peek`` (no ``pred``, ``value`` is ``_END``), ``next_if`` or ``next_if_eq``."""
    if peeker is None:
        return Nothing()
    x = await peeker.peek()
    if x is _END:
        return Nothing()
    if pred is None and value is _END:
        return Some(x)
    if pred(x) if pred is not None else x == value:
        peeker._buf = _END
        return Some(x)
    return Nothing()


# ---------------------------------------------------------------------------------------------
# consumer bodies
# ---------------------------------------------------------------------------------------------


async def _next(ait: AsyncIterator[T]) -> Option[T]:
    try:
        x = await ait.__anext__()
    except StopAsyncIteration:
        return Nothing()
    return Some(x)


async def _call(f: Callable[..., T], *args: Any) -> T:
    return f(*args)


async def _sync_call(p: AsyncIter[Any], f: Callable[..., T], *args: Any) -> T:
    """Run ``Iter``'s consumer ``f`` (a sync pipeline), then close the pipeline."""
    try:
        return f(*args)
    finally:
        await p.aclose()


async def _owned(p: AsyncIter[Any], body: Callable[..., Awaitable[T]], *args: Any) -> T:
    try:
        return await body(p._ait(), *args)
    finally:
        await p.aclose()


async def _collect(p: AsyncIter[Any], factory: Callable[..., Any]) -> Any:
    try:
        sync = p._iter_only()
        if sync is not None:
            return sync.collect(factory)
        out: list[Any] = []
        await _fused(p._it, p._ops, "append", out)
        return out if factory is list else factory(out)
    finally:
        await p.aclose()


async def _for_each(p: AsyncIter[Any], f: Callable[[Any], object]) -> None:
    try:
        sync = p._iter_only()
        if sync is not None:
            sync.for_each(f)
            return
        await _fused(p._it, p._ops, "call", f)
    finally:
        await p.aclose()


async def _drain(p: AsyncIter[Any]) -> None:
    await _for_each(p, _ignore)


def _ignore(x: object) -> None:
    pass


async def _fold(ait: AsyncIterator[Any], acc: Any, f: Callable[[Any, Any], Any]) -> Any:
    async for x in ait:
        acc = f(acc, x)
    return acc


async def _fold_async(p: AsyncIter[Any], acc: Any, f: Callable[[Any, Any], Any]) -> Any:
    try:
        async for x in p._ait():
            acc = await f(acc, x)
        return acc
    finally:
        await p.aclose()


def _for_each_step(f: Callable[[Any], Any], acc: None, x: Any) -> Any:
    r = f(x)
    cls = r.__class__
    if cls is Ok:
        return Ok(None)
    if cls is Some:
        return Some(None)
    return r


async def _try_fold(ait: AsyncIterator[Any], acc: Any, f: Callable[[Any, Any], Any]) -> Any:
    kind: Any = Ok
    async for x in ait:
        r = f(acc, x)
        kind = r.__class__
        if kind is Ok or kind is Some:
            acc = r._value
        elif kind is Err or kind is Nothing:
            return r
        else:
            raise _wrong_type(_TRY_FOLD_EXPECTED, r)
    return Some(acc) if kind is Some else Ok(acc)


async def _reduce(ait: AsyncIterator[Any], f: Callable[[Any, Any], Any]) -> Option[Any]:
    acc: Any = _END
    async for x in ait:
        acc = x if acc is _END else f(acc, x)
    return Nothing() if acc is _END else Some(acc)


async def _count_items(ait: AsyncIterator[Any]) -> int:
    n = 0
    async for _ in ait:
        n += 1
    return n


async def _best(ait: AsyncIterator[Any], key: Any, last: bool) -> Option[Any]:
    """The min (first among equals) or, with ``last``, the max (last among equals)."""
    best: Any = _END
    best_key: Any = None
    async for x in ait:
        k = x if key is None else key(x)
        if best is _END or (k >= best_key if last else k < best_key):
            best, best_key = x, k
    return Nothing() if best is _END else Some(best)


async def _best_by(ait: AsyncIterator[Any], compare: Any, last: bool) -> Option[Any]:
    to_key = cmp_to_key(compare)
    return await _best(ait, to_key, last)


async def _last(ait: AsyncIterator[Any]) -> Option[Any]:
    last: Any = _END
    async for x in ait:
        last = x
    return Nothing() if last is _END else Some(last)


async def _partition(ait: AsyncIterator[Any], pred: Callable[[Any], object]) -> Any:
    yes: list[Any] = []
    no: list[Any] = []
    async for x in ait:
        (yes if pred(x) else no).append(x)
    return (yes, no)


async def _unzip(ait: AsyncIterator[Any]) -> Any:
    left: list[Any] = []
    right: list[Any] = []
    async for a, b in ait:
        left.append(a)
        right.append(b)
    return (left, right)


async def _join_items(ait: AsyncIterator[Any], sep: str) -> str:
    return sep.join([x async for x in ait])


async def _try_collect(ait: AsyncIterator[Any]) -> Any:
    out: list[Any] = []
    async for r in ait:
        cls = r.__class__
        if cls is Ok:
            out.append(r._value)
        elif cls is Err:
            return r
        else:
            raise _not_result(r)
    return Ok(out)


async def _partition_results(ait: AsyncIterator[Any]) -> Any:
    oks: list[Any] = []
    errs: list[Any] = []
    async for r in ait:
        cls = r.__class__
        if cls is Ok:
            oks.append(r._value)
        elif cls is Err:
            errs.append(r._error)
        else:
            raise _not_result(r)
    return (oks, errs)


async def _any(ait: AsyncIterator[Any], pred: Callable[[Any], object]) -> bool:
    async for x in ait:
        if pred(x):
            return True
    return False


async def _all(ait: AsyncIterator[Any], pred: Callable[[Any], object]) -> bool:
    async for x in ait:
        if not pred(x):
            return False
    return True


async def _find(ait: AsyncIterator[Any], pred: Callable[[Any], object]) -> Option[Any]:
    async for x in ait:
        if pred(x):
            return Some(x)
    return Nothing()


async def _find_map(ait: AsyncIterator[Any], f: Callable[[Any], Any]) -> Option[Any]:
    async for x in ait:
        o = f(x)
        if o.__class__ is Some:
            return o
        if o.__class__ is not Nothing:
            raise _not_option("find_map", o)
    return Nothing()


async def _position(ait: AsyncIterator[Any], pred: Callable[[Any], object]) -> Option[int]:
    i = 0
    async for x in ait:
        if pred(x):
            return Some(i)
        i += 1
    return Nothing()


async def _nth(ait: AsyncIterator[Any], n: int) -> Option[Any]:
    async for x in ait:
        if n == 0:
            return Some(x)
        n -= 1
    return Nothing()


async def _is_sorted(ait: AsyncIterator[Any], compare: Any, key: Any) -> bool:
    prev: Any = _END
    async for x in ait:
        k = x if key is None else key(x)
        if prev is not _END and not (compare(prev, k) if compare is not None else prev <= k):
            return False
        prev = k
    return True


async def _compare(a: AsyncIter[Any], b: AsyncIter[Any], method: str) -> Any:
    """Lexicographic comparison of ``a`` and ``b``, as ``Iter``'s (Rust's ``partial_cmp``)."""
    try:
        ia, ib = a._ait(), b._ait()
        while True:
            x = await anext(ia, _END)
            y = await anext(ib, _END)
            if x is _END or y is _END or x != y:
                break
        result: int | None
        if x is _END and y is _END:
            result = 0
        elif x is _END:
            result = -1
        elif y is _END:
            result = 1
        elif method in ("eq", "ne"):
            result = 1  # (only equality matters)
        else:
            result = -1 if x < y else 1 if y < x else None
    finally:
        try:
            await a.aclose()
        finally:
            await b.aclose()
    if method == "cmp":
        if result is None:
            raise TypeError("cmp() found a pair of items that are not ordered")
        return result
    return result in _WANT[method]


_WANT: dict[str, tuple[int, ...]] = {
    "eq": (0,),
    "ne": (-1, 1),
    "lt": (-1,),
    "le": (-1, 0),
    "gt": (1,),
    "ge": (0, 1),
}


# ---------------------------------------------------------------------------------------------
# stages written as async generators
# ---------------------------------------------------------------------------------------------


async def _chain_gen(its: list[AsyncIterator[Any]]) -> AsyncIterator[Any]:
    for it in its:
        async for x in it:
            yield x


async def _zip_gen(its: list[AsyncIterator[Any]]) -> AsyncIterator[Any]:
    while True:
        row: list[Any] = []
        for it in its:
            x = await anext(it, _END)
            if x is _END:
                return
            row.append(x)
        yield tuple(row)


async def _zip_longest_gen(its: list[AsyncIterator[Any]], fill: Any) -> AsyncIterator[Any]:
    live = [True] * len(its)
    while True:
        row: list[Any] = []
        for i, it in enumerate(its):
            x = await anext(it, _END) if live[i] else _END
            if x is _END:
                live[i] = False
                x = fill
            row.append(x)
        if not any(live):
            return
        yield tuple(row)


async def _interleave_gen(its: list[AsyncIterator[Any]]) -> AsyncIterator[Any]:
    live = deque(its)
    while live:
        it = live.popleft()
        x = await anext(it, _END)
        if x is not _END:
            live.append(it)
            yield x


async def _merge_gen(its: list[AsyncIterator[Any]], key: Any) -> AsyncIterator[Any]:
    heap: list[tuple[Any, int, Any]] = []
    for i, it in enumerate(its):
        x = await anext(it, _END)
        if x is not _END:
            heap.append((x if key is None else key(x), i, x))
    heapify(heap)
    while heap:
        _, i, x = heap[0]
        yield x
        nxt = await anext(its[i], _END)
        if nxt is _END:
            heappop(heap)
        else:
            heapreplace(heap, (nxt if key is None else key(nxt), i, nxt))


async def _intersperse_gen(src: AsyncIterator[Any], sep: Any) -> AsyncIterator[Any]:
    first = True
    async for x in src:
        if not first:
            yield sep
        first = False
        yield x


async def _cycle_gen(src: AsyncIterator[Any]) -> AsyncIterator[Any]:
    saved: list[Any] = []
    async for x in src:
        saved.append(x)
        yield x
    while saved:
        for x in saved:
            yield x


async def _fuse_gen(src: AsyncIterator[Any]) -> AsyncIterator[Any]:
    async for x in src:
        yield x


async def _scan_gen(src: AsyncIterator[Any], state: Any, f: Any) -> AsyncIterator[Any]:
    async for x in src:
        o = f(state, x)
        if o.__class__ is not Some:
            if o.__class__ is Nothing:
                return
            raise _wrong_type(_SCAN_EXPECTED, o)
        state, out = o._value
        yield out


async def _take_gen(src: AsyncIterator[Any], n: int) -> AsyncIterator[Any]:
    if n <= 0:
        return
    async for x in src:
        yield x
        n -= 1
        if n == 0:
            return


async def _skip_while_gen(src: AsyncIterator[Any], pred: Any) -> AsyncIterator[Any]:
    async for x in src:
        if not pred(x):
            yield x
            break
    async for x in src:
        yield x


async def _chunks_gen(src: AsyncIterator[Any], n: int) -> AsyncIterator[Any]:
    chunk: list[Any] = []
    async for x in src:
        chunk.append(x)
        if len(chunk) == n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


async def _windows_gen(src: AsyncIterator[Any], n: int) -> AsyncIterator[Any]:
    window: deque[Any] = deque(maxlen=n)
    async for x in src:
        window.append(x)
        if len(window) == n:
            yield tuple(window)


async def _chunk_by_gen(src: AsyncIterator[Any], key: Any) -> AsyncIterator[Any]:
    run: list[Any] = []
    run_key: Any = None
    async for x in src:
        k = key(x)
        if run and k != run_key:
            yield (run_key, run)
            run = []
        if not run:
            run_key = k
        run.append(x)
    if run:
        yield (run_key, run)


async def _dedup_gen(src: AsyncIterator[Any], key: Any) -> AsyncIterator[Any]:
    prev: Any = _END
    async for x in src:
        k = x if key is None else key(x)
        if prev is _END or k != prev:
            yield x
        prev = k


async def _unique_gen(src: AsyncIterator[Any], key: Any) -> AsyncIterator[Any]:
    seen: set[Any] = set()
    async for x in src:
        k = x if key is None else key(x)
        if k not in seen:
            seen.add(k)
            yield x


async def _flat_map_async_gen(src: AsyncIterator[Any], f: Any) -> AsyncIterator[Any]:
    async for x in src:
        inner = f(x)
        if hasattr(inner, "__aiter__"):
            ait = inner.__aiter__()
            try:
                async for y in ait:
                    yield y
            finally:
                await _aclose_source(ait)
        else:
            for y in await inner:
                yield y


async def _try_call(f: Callable[[Any], Awaitable[Any]], x: Any) -> Ok[Any] | Err[Exception]:
    try:
        return Ok(await f(x))
    except Exception as e:  # every failure becomes an Err (BaseExceptions propagate)
        return Err(e)


# ---------------------------------------------------------------------------------------------
# bounded concurrency
# ---------------------------------------------------------------------------------------------


async def _concurrent_gen(
    src: AsyncIterator[Any], f: Callable[[Any], Awaitable[Any]], limit: int, ordered: bool
) -> AsyncIterator[Any]:
    """Yield ``await f(x)`` for the items of ``src`` with at most ``limit`` calls running and at
    most ``2 * limit`` items pulled but not yet yielded (see ``AsyncIter.map_async``).

    The source is pulled in this generator (the consuming task), never concurrently. Each call
    is a task; its done-callback records it and wakes this generator, so a finished call frees
    its slot at once. On any exit (end, failure, ``aclose()``, cancellation) the tasks still
    running are cancelled and awaited before the generator finishes.
    """
    loop = asyncio.get_running_loop()
    window: Window[asyncio.Future[Any]] = Window(limit, ordered)
    waiter: asyncio.Future[None] | None = None  # what this generator waits on

    def on_done(task: asyncio.Future[Any]) -> None:
        # (task.exception() also marks the exception retrieved: no "never retrieved" report)
        window.finished(task, not task.cancelled() and task.exception() is not None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    try:
        while True:
            while window.can_start():
                try:
                    x = await src.__anext__()
                except StopAsyncIteration:
                    window.end_of_source(None)
                    break
                except Exception as e:  # raised after the items pulled before it
                    window.end_of_source(e)
                    break
                task = asyncio.ensure_future(f(x), loop=loop)
                window.started(task)
                task.add_done_callback(on_done)
            ready = window.next_ready()
            if ready is not None:
                yield ready.result()  # (raises a failed call's exception)
                continue
            if window.over():
                return
            waiter = loop.create_future()
            try:
                await waiter
            finally:
                waiter = None
    finally:
        await _cancel_and_wait(window.pending)


async def _cancel_and_wait(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel the tasks not done yet and wait until they are (re-raising a cancellation of the
    waiting task only once they are)."""
    running: list[asyncio.Future[Any]] = [t for t in tasks if not t.done()]
    for t in running:
        t.cancel()
    cancelled: BaseException | None = None
    while running:
        try:
            await asyncio.wait(running)
        except asyncio.CancelledError as e:  # keep waiting: no call may outlive the pipeline
            cancelled = e
        running = [t for t in running if not t.done()]
    for t in tasks:
        if t.done() and not t.cancelled():
            t.exception()  # retrieved: no "exception was never retrieved" for dropped calls
    if cancelled is not None:
        raise cancelled
