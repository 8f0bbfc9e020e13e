"""The bookkeeping of a bounded concurrent map, without I/O: one state machine for both drivers.

``AsyncIter.map_async`` (tasks) and ``Iter.map_concurrent`` (a thread pool) run the same
algorithm; they differ only in how a call is started and how the driver waits for one to finish.
``Window`` holds the calls pulled but not yet yielded and answers the driver's three questions:
may I pull and start another call, is a result ready to hand out, and am I done.

The rules (stated in both public docstrings):

- at most ``limit`` calls run at once, and at most ``2 * limit`` items are pulled but not yet
  yielded (``pending``); the driver pulls only when ``can_start()``, so the source sees
  back-pressure;
- ordered: the head of ``pending`` is handed out once it is done; unordered: finished calls are
  handed out in the order the driver reported them (``finished``);
- a result ready to hand out is handed out before anything more is pulled, and after a failure
  nothing more is started (the failure still comes out in its place: earlier items first);
- a failure of the source is raised once the calls pulled before it are handed out.
"""

from __future__ import annotations

from collections import deque
from typing import Generic, Protocol, TypeVar


class Call(Protocol):
    """What ``Window`` needs of a running call: ``asyncio.Future`` and ``concurrent.futures.Future``
    both have it."""

    def done(self) -> bool:
        """Whether the call has finished (or was cancelled)."""
        ...


C = TypeVar("C", bound=Call)


class Window(Generic[C]):
    """The calls of a bounded concurrent map (see the module docstring).

    >>> class Done:
    ...     def done(self) -> bool:
    ...         return True
    >>> w = Window(2, ordered=True)
    >>> w.can_start()
    True
    >>> first = Done()
    >>> w.started(first)
    >>> w.finished(first, failed=False)
    >>> w.can_start(), w.next_ready() is first
    (False, True)
    >>> w.end_of_source(None)
    >>> w.next_ready(), w.over()
    (None, True)
    """

    __slots__ = (
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

    def __init__(self, limit: int, ordered: bool) -> None:
        self._limit = limit
        self._window = 2 * limit
        self._ordered = ordered
        self.pending: deque[C] = deque()  # pulled, not yielded, in input order
        self._finished: deque[C] = deque()  # unordered: finished, in the order reported
        self.running = 0
        self._failed = False
        self.exhausted = False
        self._error: BaseException | None = None

    def _ready(self) -> bool:
        if self._ordered:
            return bool(self.pending) and self.pending[0].done()
        return bool(self._finished)

    def can_start(self) -> bool:
        """Whether the driver may pull one more item and start its call."""
        return (
            not self.exhausted
            and self.running < self._limit
            and len(self.pending) < self._window
            and not self._failed
            and not self._ready()
        )

    def started(self, call: C) -> None:
        """Record a call just started."""
        self.running += 1
        self.pending.append(call)

    def finished(self, call: C, failed: bool) -> None:
        """Record that ``call`` finished (``failed``: it raised); each call is reported once."""
        self.running -= 1
        if failed:
            self._failed = True
        if not self._ordered:
            self._finished.append(call)

    def end_of_source(self, error: BaseException | None) -> None:
        """Record the end of the source (``error``: it raised instead of ending)."""
        self.exhausted = True
        self._error = error

    def next_ready(self) -> C | None:
        """Remove and return the next call to hand out, or None if none is ready."""
        if self._ordered:
            if self.pending and self.pending[0].done():
                return self.pending.popleft()
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
