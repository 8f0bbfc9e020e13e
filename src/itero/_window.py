"""The bookkeeping of a bounded concurrent map, without I/O: one state machine for both drivers.

``AsyncIter.map_async`` (tasks) and ``Iter.map_concurrent`` (a thread pool) run the same
algorithm; they differ only in how a call is started and how the driver waits for one to finish.
``Window`` holds the calls pulled but not yet yielded and answers the driver's three questions:
may I pull and start another call, is a result ready to hand out, and am I done.

The rules (stated in both public docstrings):

- at most ``limit`` calls run at once, and at most ``2 * limit`` items are pulled but not yet
  yielded (``pending``); the driver pulls only when ``can_start()``, so the source sees
  back-pressure. A driver whose executor itself runs at most ``limit`` calls and queues the
  rest (a pool of ``limit`` threads) says ``queued=True``: it may then start up to
  ``2 * limit``, and the executor keeps the ones beyond ``limit`` waiting;
- ordered: the head of ``pending`` is handed out once the driver reported it finished;
  unordered: finished calls are handed out in the order the driver reported them
  (``finished``). The window never polls a call: it knows what the driver told it;
- a result ready to hand out is handed out before anything more is pulled, and after a failure
  nothing more is started (the failure still comes out in its place: earlier items first);
- a failure of the source is raised once the calls pulled before it are handed out.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from typing import Generic, TypeVar

C = TypeVar("C", bound=Hashable)
"""A call, as the driver knows it (an ``asyncio.Future``, a ``concurrent.futures.Future``):
``Window`` only stores it and keeps the finished ones in a set (futures hash by identity)."""


class Window(Generic[C]):
    """The calls of a bounded concurrent map (see the module docstring).

    >>> w = Window(2, ordered=True)
    >>> w.can_start()
    True
    >>> first = object()
    >>> w.started(first)
    >>> w.finished(first, failed=False)
    >>> w.can_start(), w.next_ready() is first
    (False, True)
    >>> w.end_of_source(None)
    >>> w.next_ready(), w.over()
    (None, True)
    """

    __slots__ = (
        "_done",
        "_error",
        "_failed",
        "_finished",
        "_limit",
        "_ordered",
        "_window",
        "exhausted",
        "pending",
        "running",
    )

    def __init__(self, limit: int, ordered: bool, *, queued: bool = False) -> None:
        # queued: the executor bounds the running calls (see the module docstring)
        self._limit = 2 * limit if queued else limit
        self._window = 2 * limit
        self._ordered = ordered
        self.pending: deque[C] = deque()  # pulled, not yielded, in input order
        self._finished: deque[C] = deque()  # unordered: finished, in the order reported
        self._done: set[C] = set()  # ordered: finished, not yet handed out
        self.running = 0
        self._failed = False
        self.exhausted = False
        self._error: BaseException | None = None

    def can_start(self) -> bool:
        """Whether the driver may pull one more item and start its call."""
        if self.exhausted or self._failed or self.running >= self._limit:
            return False
        pending = self.pending
        if len(pending) >= self._window:
            return False
        # not while a result is ready to hand out (the head, or any finished call)
        if self._ordered:
            return not pending or pending[0] not in self._done
        return not self._finished

    def started(self, call: C) -> None:
        """Record a call just started."""
        self.running += 1
        self.pending.append(call)

    def finished(self, call: C, failed: bool) -> None:
        """Record that ``call`` finished (``failed``: it raised); each call is reported once."""
        self.running -= 1
        if failed:
            self._failed = True
        if self._ordered:
            self._done.add(call)
        else:
            self._finished.append(call)

    def end_of_source(self, error: BaseException | None) -> None:
        """Record the end of the source (``error``: it raised instead of ending)."""
        self.exhausted = True
        self._error = error

    def next_ready(self) -> C | None:
        """Remove and return the next call to hand out, or None if none is ready."""
        if self._ordered:
            if self.pending and self.pending[0] in self._done:
                call = self.pending.popleft()
                self._done.remove(call)
                return call
            return None
        if self._finished:
            call = self._finished.popleft()
            self.pending.remove(call)
            return call
        return None

    def over(self) -> bool:
        """Whether everything was handed out (raises the source's error, if it failed).

        Call it when ``next_ready()`` returned None: if calls are still pending, the driver
        waits for one to finish.
        """
        if self.pending:
            return False
        assert self.exhausted, "nothing pending before the end: can_start() was not asked"
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return True
