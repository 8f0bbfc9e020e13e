"""Per-element helper stages of ``Iter``: Option/Result plumbing, the few stages written in
Python (scan, unique, round-robin, successors), lexicographic comparison, and the small objects
that close sources (``Closing``, ``CallOnce``).

Nothing here knows ``Iter``: the helpers take and return plain iterators, so the sync and async
drivers can share them.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Iterator
from functools import partial
from itertools import chain as _chain, compress, cycle, islice, repeat as _repeat, starmap, tee
from operator import attrgetter, ne
from typing import Any, Generic, NoReturn, TypeVar

from ._errors import MovedError
from ._option import Nothing, Some
from ._result import Err, Ok

T = TypeVar("T")


class Stop:
    """A private sentinel that compares unequal to everything but itself.

    Its own ``==``/``!=`` say so (by identity), so on the left of a comparison it decides,
    whatever the other side's ``__eq__`` says: an item equal to everything (``mock.ANY``)
    still differs from it (see ``differ``).
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return other is self

    def __ne__(self, other: object) -> bool:
        return other is not self

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return "<end>"


END: Any = Stop()


class Moved:
    """The iterator slot of a moved ``Iter`` or ``AsyncIter``: every use raises
    ``MovedError`` with ``message``.

    >>> next(Moved("this Iter was moved"))
    Traceback (most recent call last):
        ...
    itero.MovedError: this Iter was moved
    """

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __iter__(self) -> NoReturn:
        raise MovedError(self.message)

    def __next__(self) -> NoReturn:
        raise MovedError(self.message)


class MovedSlots(dict[str, Moved]):
    """One shared ``Moved`` per method that an ``owner`` (``"Iter"``, ``"AsyncIter"``) can be
    moved into, made on first use: ``slots[method]`` is a C dict lookup.

    >>> MovedSlots("Iter")["map"].message
    'this Iter was moved into .map(); call .by_ref() to keep using it'
    """

    def __init__(self, owner: str) -> None:
        super().__init__()
        self.owner = owner

    def __missing__(self, method: str) -> Moved:
        moved = self[method] = Moved(
            f"this {self.owner} was moved into .{method}(); call .by_ref() to keep using it"
        )
        return moved


def raise_moved(moved: Any) -> NoReturn:
    """Raise the ``MovedError`` of a ``Moved`` slot (the caller checked its class)."""
    raise MovedError(moved.message)


# C-level getters of the held value (the slots behind the ``value``/``error`` properties, which
# this module also reads directly as ``r._value``/``r._error`` in its Python-level helpers).
some_value: Callable[[Any], Any] = attrgetter("_value")
ok_value: Callable[[Any], Any] = attrgetter("_value")
err_error: Callable[[Any], Any] = attrgetter("_error")


def not_result(r: object) -> TypeError:
    return TypeError(f"expected an Ok or an Err item, got {type(r).__name__}")


# The messages of a wrong-typed callback result or item, one text for Iter and AsyncIter: each
# is a template formatted with the offending type's name (``Kinds``, the ``*_run`` helpers and
# ``wrong_type`` take them as they are).
SCAN_EXPECTED = "scan: f must return Some((state, output)) or Nothing(), got {}"
TRY_FOLD_EXPECTED = "f must return an Ok/Err or a Some/Nothing, got {}"


def option_expected(method: str) -> str:
    """The message for ``method``'s callback ``f`` returning something that is not an Option.

    >>> option_expected("filter_map").format("int")
    'filter_map: f must return Some(...) or Nothing(), got int'
    """
    return f"{method}: f must return Some(...) or Nothing(), got {{}}"


SUCCESSORS_EXPECTED = option_expected("successors")


def result_item_expected(method: str) -> str:
    """The message for ``method`` meeting an item that is not a Result.

    >>> result_item_expected("oks").format("int")
    'oks: expected an Ok or an Err item, got int'
    """
    return f"{method}: expected an Ok or an Err item, got {{}}"


def wrong_type(message: str, value: object) -> TypeError:
    """The ``TypeError`` for ``value`` of the wrong type: ``message`` names the type.

    >>> wrong_type(SCAN_EXPECTED, 3)
    TypeError('scan: f must return Some((state, output)) or Nothing(), got int')
    """
    return TypeError(message.format(type(value).__name__))


def no_copy_message(name: str) -> str:
    """Why an ``Iter``/``AsyncIter`` (``name``) refuses ``copy.copy`` and ``copy.deepcopy``."""
    return (
        f"an {name} cannot be copied (it is a one-shot stream): borrow it with by_ref(),"
        " or collect() its items"
    )


class Kinds(dict[type, bool]):
    """What ``select`` does with an item, by its type: keep it (True) or drop it (False).

    The lookup is a C-level dict access per item; a type not in the table (a wrong-typed
    callback result, a non-Result item) costs a Python frame once: it raises ``TypeError``
    with ``message`` formatted with the type's name, or, if it is ``end``, ends the stream as
    ``StopIteration`` does (not for good: pulled again, the input is pulled again).
    """

    __slots__ = ("_end", "_message")

    def __init__(self, table: dict[type, bool], message: str, end: type | None = None) -> None:
        super().__init__(table)
        self._message = message
        self._end = end

    def __missing__(self, cls: type) -> bool:
        if cls is self._end:
            raise StopIteration
        raise TypeError(self._message.format(cls.__name__))


def some_run(message: str, cls: type, run: Iterator[Any]) -> Iterator[Any]:
    """``map_while``'s view of a run of callback results of one type (``groupby(..., type)``):
    the values of a run of ``Some``; a ``Nothing()`` ends the stream; any other type raises
    ``TypeError(message)`` (formatted with its name). A Python call per run, not per item."""
    if cls is Some:
        return map(some_value, run)
    if cls is Nothing:
        raise StopIteration
    raise TypeError(message.format(cls.__name__))


def some_items_run(message: str, cls: type, run: Iterator[Any]) -> Iterable[Any]:
    """``find_map``'s view of a run of callback results of one type: the ``Some`` items of a
    run of ``Some``, nothing for a run of ``Nothing()``, ``TypeError(message)`` for another
    type. A Python call per run, not per item."""
    if cls is Some:
        return run
    if cls is Nothing:
        return ()
    raise TypeError(message.format(cls.__name__))


def ok_values_run(found: list[Any], cls: type, run: Iterator[Any]) -> Iterator[Any]:
    """``process_results``' view of a run of items of one type: the values of a run of ``Ok``;
    at an ``Err``, record it in ``found`` and end the stream (pulling nothing more); another
    type raises ``TypeError``. A Python call per run, not per item."""
    if cls is Ok:
        return map(ok_value, run)
    if cls is Err:
        found.append(next(run))
        raise StopIteration
    raise not_result(next(run))


def own_buffer(it: Iterator[Any]) -> Iterator[Any]:
    """``it``, or a ``chain`` over it when it is a tee object: what a stage may ``tee()``.
    ``tee()`` of a tee object returns that very object among its copies, so the stage would
    read from, and advance, a buffer that others hold (a ``Peekable`` and its borrows, a
    user's tee).

    >>> from itertools import tee
    >>> shared, = tee([1, 2], 1)
    >>> tee(shared)[0] is shared, tee(own_buffer(shared))[0] is shared
    (True, False)
    """
    return _chain(it) if hasattr(it, "__copy__") else it


def select(items: Iterator[Any], kinds: Kinds) -> Iterator[Any]:
    """The items of ``items`` whose type ``kinds`` keeps, raising on unknown types (all C:
    a ``tee`` pair in lockstep, so it holds one item)."""
    a, b = tee(own_buffer(items))
    return compress(a, map(kinds.__getitem__, map(type, b)))


def map_ok(f: Callable[[Any], Any], r: Any) -> Any:
    cls = r.__class__
    if cls is Ok:
        return Ok(f(r._value))
    if cls is Err:
        return r
    raise not_result(r)


def and_then_ok(f: Callable[[Any], Any], r: Any) -> Any:
    cls = r.__class__
    if cls is Ok:
        out = f(r._value)
        kind = out.__class__
        if kind is Ok or kind is Err:
            return out
        raise TypeError(f"and_then_ok: f must return an Ok or an Err, got {kind.__name__}")
    if cls is Err:
        return r
    raise not_result(r)


# The per-item functions of the Result-aware adapters, as closures over the callback: one Python
# frame per item and no ``partial`` layer (``map(partial(two_argument_form, f), it)`` costs ~1.3x
# the closure's ``map``); ``Ok`` items, the common case, are checked first.


def map_err_step(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The per-item function of ``map_err``: ``map(map_err_step(f), results)``."""

    def step(r: Any) -> Any:
        cls = r.__class__
        if cls is Ok:
            return r
        if cls is Err:
            return Err(f(r._error))
        raise not_result(r)

    return step


def inspect_err_step(f: Callable[[Any], object]) -> Callable[[Any], Any]:
    """The per-item function of ``inspect_err``: ``map(inspect_err_step(f), results)``."""

    def step(r: Any) -> Any:
        cls = r.__class__
        if cls is Ok:
            return r
        if cls is Err:
            f(r._error)
            return r
        raise not_result(r)

    return step


def keep_ok_step(pred: Callable[[Any], object]) -> Callable[[Any], bool]:
    """The predicate of ``filter_ok``: ``filter(keep_ok_step(pred), results)``."""

    def step(r: Any) -> bool:
        cls = r.__class__
        if cls is Ok:
            return bool(pred(r._value))
        if cls is Err:
            return True
        raise not_result(r)

    return step


def pull_values(f: Callable[[], Any], kinds: Kinds) -> Iterator[Any]:
    """The values of ``f()`` up to a ``Nothing()`` (``from_fn``, ``SupportsNext``), which ends
    the stream but not for good (as in Rust: asked again, ``f`` is called again); ``kinds``
    (``{Some: True}``, ending at ``Nothing``) names ``f`` when it returns something else."""
    return map(some_value, select(starmap(f, _repeat(())), kinds))


def key_and_list(key: Any, group: Iterable[Any]) -> tuple[Any, list[Any]]:
    return (key, list(group))


# The generators below end quietly when a callback raises StopIteration, as builtin map() and
# filter() do (a bare generator would turn it into RuntimeError, PEP 479).


def scan(it: Iterator[Any], state: Any, f: Callable[[Any, Any], Any]) -> Iterator[Any]:
    try:
        for x in it:
            o = f(state, x)
            if o.__class__ is not Some:
                if o.__class__ is Nothing:
                    return
                raise wrong_type(SCAN_EXPECTED, o)
            state, out = o._value
            yield out
    except StopIteration:
        return


def unique(it: Iterator[Any], key: Callable[[Any], Any] | None) -> Iterator[Any]:
    seen: set[Any] = set()
    add = seen.add
    if key is None:
        for x in it:
            if x not in seen:
                add(x)
                yield x
    else:
        try:
            for x in it:
                k = key(x)
                if k not in seen:
                    add(k)
                    yield x
        except StopIteration:
            return


def round_robin(its: list[Iterator[Any]]) -> Iterator[Any]:
    """Pull one item from each iterator in turn, dropping the ended ones (each pulled only on
    its turn: the ``roundrobin`` recipe of the ``itertools`` docs)."""
    active = len(its)
    nexts = cycle([it.__next__ for it in its])
    while active:
        try:
            for nxt in nexts:
                yield nxt()
        except StopIteration:
            active -= 1
            nexts = cycle(islice(nexts, active))


def successors(first: Any, f: Callable[[Any], Any]) -> Iterator[Any]:
    x = first
    try:
        while True:
            yield x
            o = f(x)
            if o.__class__ is not Some:
                if o.__class__ is Nothing:
                    return
                raise wrong_type(SUCCESSORS_EXPECTED, o)
            x = o._value
    except StopIteration:
        return


_END_ONLY = (END,)


def differ(a: Iterable[Any], b: Iterable[Any]) -> bool:
    """Whether ``a`` and ``b`` differ in some pair (``!=``) or in length; stops at the first
    difference, pulling what ``zip_longest`` would (all C: one ``!=`` per pair).

    >>> differ([1, 2], [1, 2]), differ([1, 2], [1, 3]), differ([1], [1, 2]), differ([1, 2], [1])
    (False, True, True, True)
    """
    ended = iter(_END_ONLY)  # a's end, paired with b's next item (a shorter: they differ)
    if any(map(ne, _chain(a, ended), b)):
        return True
    return next(ended, None) is not None  # b ended first: a had one more item


def partial_cmp(a: Iterable[Any], b: Iterable[Any]) -> int | None:
    """Rust's lexicographic ``partial_cmp``: -1, 0, 1, or None when a pair is incomparable.

    Pulls an item of ``a``, then one of ``b``, as ``zip_longest`` does, up to the first pair
    that differs (``!=``); then compares that pair with ``<`` only.

    >>> partial_cmp([1, 2], [1, 3]), partial_cmp([1, 2], [1, 2]), partial_cmp([1, 2], [1])
    (-1, 0, 1)
    """
    ended = iter(_END_ONLY)  # as in differ
    for x, y in zip(_chain(a, ended), b, strict=False):  # stops where b ends
        if x != y:
            break
    else:  # b ended
        return 0 if next(ended, None) is None else 1
    if x is END:  # a ended first
        return -1
    if x < y:
        return -1
    if y < x:
        return 1
    return None


def is_async_callable(f: object) -> bool:
    """Whether calling ``f`` makes a coroutine or an async generator (so it needs an ``_async``
    method): coroutine functions, async generator functions, partials of them, and objects with
    an ``async def __call__``.

    >>> async def fetch(): ...
    >>> is_async_callable(fetch), is_async_callable(len)
    (True, False)
    """
    call = f.__call__ if callable(f) else None
    for g in (f, call):
        while isinstance(g, partial):
            g = g.func
        if inspect.iscoroutinefunction(g) or inspect.isasyncgenfunction(g):
            return True
    return False


def close_all(sources: Iterable[Any]) -> None:
    """Call ``close()`` on every one of ``sources``, even if some fail; re-raise the first failure.

    >>> import io
    >>> files = [io.StringIO("a"), io.StringIO("b")]
    >>> close_all(files)
    >>> [f.closed for f in files]
    [True, True]
    """
    failure: BaseException | None = None
    for source in sources:
        try:
            source.close()
        except BaseException as e:  # every source is closed; the first failure re-raised
            if failure is None:
                failure = e
    if failure is not None:
        raise failure


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


async def aclose_source(source: object) -> None:
    """``await source.aclose()`` if ``source`` has one, else ``close_source(source)``.

    >>> import asyncio, io
    >>> async def numbers():
    ...     yield 1
    >>> gen, f = numbers(), io.StringIO()
    >>> asyncio.run(aclose_source(gen)), asyncio.run(aclose_source(f)), f.closed
    (None, None, True)
    """
    aclose: Callable[[], Awaitable[object]] | None = getattr(source, "aclose", None)
    if callable(aclose):
        await aclose()
    else:
        close_source(source)


class CallOnce:
    """Call ``f`` the first time this object is called, and do nothing after (``f`` may be None).

    ``close()`` does the same, so it can stand among an ``Iter``'s closables.

    >>> calls = []
    >>> release = CallOnce(lambda: calls.append("released"))
    >>> release(), release.close(), calls
    (None, None, ['released'])
    """

    __slots__ = ("_f",)

    def __init__(self, f: Callable[[], object] | None, /) -> None:
        self._f = f

    def __call__(self) -> None:
        f, self._f = self._f, None
        if f is not None:
            f()

    close = __call__


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
