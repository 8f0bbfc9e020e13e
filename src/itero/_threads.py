"""Bounded concurrency on threads: the engine of ``Iter.map_concurrent``.

A generator that runs ``f`` on a ``concurrent.futures.ThreadPoolExecutor`` it owns, with the
same rules as ``AsyncIter.map_async``: at most ``concurrency`` calls run at once, at most
``2 * concurrency`` items are pulled but not yet yielded, the source is pulled only in the
consuming thread and only when there is room, a finished call frees its slot at once, and on
the first failure the items before it are yielded, then the calls not started are cancelled,
the running ones awaited, the sources closed, and the exception raised as it was. Closing the
generator (``Iter.close()``) cancels and joins the same way: no thread outlives it.

The pool has ``concurrency`` threads and is handed up to ``2 * concurrency`` calls, so its
threads go from one call to the next without waiting for the consuming thread; a failing call
cancels the calls queued behind it before its thread could take one, so nothing starts after a
failure (as when calls were submitted one free thread at a time).

This module knows nothing of ``Iter`` (``_iter`` imports it, never the reverse); its window
bookkeeping is ``_window.Window``, which ``AsyncIter.map_async`` drives too.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from queue import SimpleQueue
from typing import Any, TypeVar

from ._checks import check_bool, check_callable, check_int
from ._stages import close_all
from ._window import Window

T = TypeVar("T")
U = TypeVar("U")


class CloseOnce:
    """Close ``sources`` (each with ``close()``) the first time ``close()`` is called.

    Every source is closed even if one fails; the first failure is re-raised.

    >>> import io
    >>> f = io.StringIO()
    >>> once = CloseOnce((f,))
    >>> once.close(); once.close(); f.closed
    True
    """

    __slots__ = ("_sources",)

    def __init__(self, sources: Iterable[Any]) -> None:
        self._sources: tuple[Any, ...] | None = tuple(sources)

    def close(self) -> None:
        """Close the sources, once.

        >>> CloseOnce(()).close()
        """
        sources = self._sources
        self._sources = None
        if sources:
            close_all(sources)


def map_concurrent(
    it: Iterator[T],
    f: Callable[[T], U],
    concurrency: int,
    ordered: bool,
    sources: Iterable[Any],
) -> tuple[Iterator[U], tuple[Any, ...]]:
    """Validate the arguments and return ``(generator, closables)``.

    ``closables`` are what the owner closes, in order: the generator (which cancels and joins
    the calls), then the ``sources`` (once: a first failure closes them too).

    >>> out, closables = map_concurrent(iter([1, 2, 3]), str, 2, True, ())
    >>> list(out)
    ['1', '2', '3']
    """
    check_callable(f, "f")
    limit = check_int(concurrency, "concurrency", 1)
    check_bool(ordered, "ordered")
    once = CloseOnce(sources)
    gen = _run(it, f, limit, ordered, once)
    return gen, (gen, once)


class _Call:
    """One call in the window: its future (set right after submitting it)."""

    __slots__ = ("future",)

    future: Future[Any]


_new_call: Callable[[], _Call] = partial(object.__new__, _Call)


def _run(
    it: Iterator[Any], f: Callable[[Any], Any], limit: int, ordered: bool, once: CloseOnce
) -> Iterator[Any]:
    # The pool's ``limit`` threads bound the running calls, so the window lets the driver
    # start (submit) up to ``2 * limit``: the pool keeps the others queued, and its threads
    # never idle waiting for this one to submit the next call.
    window: Window[_Call] = Window(limit, ordered, queued=True)
    # Each call posts (itself, whether it failed) when f returns or raises: no done-callback
    # and no exception() (a lock each) per call. Its future is done a moment later, and
    # result() waits for that moment.
    notices: SimpleQueue[tuple[_Call, bool]] = SimpleQueue()
    post = notices.put
    pool: ThreadPoolExecutor | None = None

    def call(c: _Call, x: Any) -> Any:  # (in a pool thread)
        try:
            result = f(x)
        except BaseException:
            # Before this thread takes the next call: cancel every call still queued in the
            # pool (all were submitted after this one, so all come after it in either order;
            # a cancelled call never posts). tuple() copies the deque at once, though the
            # consuming thread appends to it meanwhile.
            for queued in tuple(window.pending):
                queued.future.cancel()  # (a no-op on a running or finished call)
            post((c, True))
            raise
        post((c, False))
        return result

    # On every exit the calls are cancelled or joined (one shutdown); on a failure or close()
    # the sources are closed after that.
    try:
        try:
            pool = ThreadPoolExecutor(limit, thread_name_prefix="itero-map_concurrent")
            submit = pool.submit
            while True:
                while notices.qsize():  # take in every completion posted so far
                    window.finished(*notices.get_nowait())
                while window.can_start():
                    try:
                        x = next(it)
                    except StopIteration:
                        window.end_of_source(None)
                        break
                    except Exception as e:  # raised after the items pulled before it
                        window.end_of_source(e)
                        break
                    c = _new_call()
                    c.future = submit(call, c, x)
                    window.started(c)
                ready = window.next_ready()
                if ready is not None:
                    yield ready.future.result()  # (raises a failed call's exception)
                    continue
                if window.over():
                    return
                window.finished(*notices.get())  # wait for a call to finish
        finally:
            _shutdown(pool, window.pending)
    except BaseException:  # a failure, or close(): then the sources
        once.close()
        raise


def _shutdown(pool: ThreadPoolExecutor | None, pending: deque[_Call]) -> None:
    """Cancel the calls not started, wait for the running ones, and stop the threads."""
    for c in pending:
        c.future.cancel()
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
