"""Bounded concurrency on threads: the engine of ``Iter.map_concurrent``.

A generator that runs ``f`` on a pool of threads it owns, with the same rules as
``AsyncIter.map_async``: at most ``concurrency`` calls run at once, at most
``2 * concurrency`` items are pulled but not yet yielded, the source is pulled only in the
consuming thread and only when there is room, a finished call frees its slot at once, and on
the first failure the items before it are yielded, then the calls not started are cancelled,
the running ones awaited, the sources closed, and the exception raised as it was. Closing the
generator (``Iter.close()``) cancels and joins the same way: no thread outlives it.

The pool (``_Pool``: ``concurrency`` threads and two ``SimpleQueue``s, no ``Future`` and no
lock per call) is handed up to ``2 * concurrency`` calls, so its threads go from one call to
the next without waiting for the consuming thread; a failing call makes them skip the calls
queued after it, so nothing starts after a failure (as when calls were handed out one free
thread at a time).

This module knows nothing of ``Iter`` (``_iter`` imports it, never the reverse); its window
bookkeeping is ``_window.Window``, which ``AsyncIter.map_async`` drives too.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from queue import SimpleQueue
from typing import Any, TypeVar

from ._checks import check_bool, check_callable, check_int
from ._stages import CallOnce, close_all
from ._window import Window

T = TypeVar("T")
U = TypeVar("U")


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
    once = CallOnce(partial(close_all, tuple(sources)))  # on close(), or a first failure
    gen = _run(it, f, limit, ordered, once)
    return gen, (gen, once)


class _Call:
    """One call: its place in the input (``seq``), its item, then its result or exception."""

    __slots__ = ("failed", "item", "seq", "value")

    seq: int
    item: Any
    value: Any
    failed: bool


_new_call: Callable[[], _Call] = partial(object.__new__, _Call)


class _Pool:
    """Up to ``limit`` daemon threads calling ``f`` on the queued calls, in order, each posting
    ``(call, failed)`` when ``f`` returns or raises.

    Lighter than ``ThreadPoolExecutor`` (no future, no lock or condition per call: two C
    queues). After a failing call, the queued calls that come after it in the input are
    skipped (never started, never posted), and after ``shutdown()`` all of them; the calls
    before it still run (a thread may have taken one without starting it yet: skipping it
    would leave a hole before the failure). ``shutdown()`` waits for the running calls and
    joins every thread. Daemon threads: a pipeline abandoned without closing does not keep
    the interpreter from exiting.
    """

    __slots__ = ("_closed", "_f", "_jobs", "_limit", "_post", "_threads", "stop_after")

    def __init__(
        self, f: Callable[[Any], Any], limit: int, post: Callable[[tuple[_Call, bool]], None]
    ) -> None:
        self._f = f
        self._limit = limit
        self._post = post
        self._jobs: SimpleQueue[_Call | None] = SimpleQueue()
        self._threads: list[threading.Thread] = []
        self.stop_after = sys.maxsize  # calls with a greater seq are skipped
        self._closed = False  # then every call is skipped (set once: no worker resets it)

    def submit(self, call: _Call) -> None:
        """Queue ``call``, starting one more thread while there are fewer than ``limit``."""
        self._jobs.put(call)
        threads = self._threads
        if len(threads) < self._limit:
            t = threading.Thread(
                target=self._work, name=f"itero-map_concurrent_{len(threads)}", daemon=True
            )
            t.start()
            threads.append(t)

    def _work(self) -> None:
        get = self._jobs.get
        f = self._f
        post = self._post
        while True:
            c = get()
            if c is None:
                return
            if c.seq > self.stop_after or self._closed:  # never started, never posted
                continue
            try:
                c.value = f(c.item)
            except BaseException as e:  # (as ThreadPoolExecutor: raised in the consumer)
                # Before this thread takes the next call. (Two failing at once may leave the
                # later seq: then fewer calls are skipped, never one before a failure.)
                self.stop_after = min(self.stop_after, c.seq)
                c.value = e
                c.failed = True
                c.item = None
                post((c, True))
                continue
            c.failed = False
            c.item = None
            post((c, False))

    def shutdown(self) -> None:
        """Skip the queued calls, wait for the running ones and join the threads (all but
        the calling one: a cyclic GC running in a pool thread may collect the pipeline there;
        that thread ends after its call)."""
        self._closed = True  # (not stop_after = -1: a failing call may lower it concurrently)
        threads = self._threads
        for _ in threads:
            self._jobs.put(None)
        me = threading.current_thread()
        for t in threads:
            if t is not me:
                t.join()


def _run(
    it: Iterator[Any], f: Callable[[Any], Any], limit: int, ordered: bool, once: CallOnce
) -> Iterator[Any]:
    # The pool's ``limit`` threads bound the running calls, so the window lets the driver
    # start (queue) up to ``2 * limit``: the pool's threads go from one call to the next
    # without waiting for this one.
    window: Window[_Call] = Window(limit, ordered, queued=True)
    notices: SimpleQueue[tuple[_Call, bool]] = SimpleQueue()
    pool = _Pool(f, limit, notices.put)
    seq = 0
    # On every exit the queued calls are skipped and the running ones joined; on a failure or
    # close() the sources are closed after that.
    try:
        try:
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
                    c.seq = seq
                    seq += 1
                    c.item = x
                    submit(c)
                    window.started(c)
                ready = window.next_ready()
                if ready is not None:
                    value = ready.value
                    if ready.failed:
                        raise value  # as it was raised in the pool thread
                    yield value
                    continue
                if window.over():
                    return
                window.finished(*notices.get())  # wait for a call to finish
        finally:
            pool.shutdown()
    except BaseException:  # a failure, or close(): then the sources
        once()
        raise
