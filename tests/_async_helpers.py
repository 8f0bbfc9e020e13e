"""Helpers for the async tests: a strict runner and async sources that record what happens.

``run(main)`` runs ``main()`` in a fresh event loop whose exception handler records every report
("Task was destroyed but it is pending", "Task exception was never retrieved", ...), turns
warnings ("coroutine ... was never awaited") into errors, and fails the test if any report
arrived, if a task created inside ``main`` is still pending when it returns, or if an async
generator it started is neither finished nor closed.
"""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def run(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``main()`` strictly (see the module docstring) and return its result."""
    reports: list[dict[str, Any]] = []

    async def wrapper() -> T:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _loop, context: reports.append(context))
        before = asyncio.all_tasks()
        try:
            return await main()
        finally:
            for _ in range(3):  # let done-callbacks and cancellations settle
                await asyncio.sleep(0)
            leftover = asyncio.all_tasks() - before
            assert not leftover, f"tasks outlived the test: {leftover}"
            live = [g for g in getattr(loop, "_asyncgens", ()) if g.ag_frame is not None]
            assert not live, f"async generators left open: {live}"

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return asyncio.run(wrapper())
        finally:
            gc.collect()
            assert not reports, f"the event loop reported: {reports}"


async def agen(items: Iterable[T]) -> AsyncIterator[T]:
    """A plain async generator over ``items``."""
    for x in items:
        yield x


class ASource(Generic[T]):
    """An async iterator that counts pulls and ``aclose()`` calls.

    Like ``_helpers.Recorder``, closing does not stop it, so a test sees a stage that keeps
    reading a closed source. ``fail_at`` makes the pull of that index raise ``Boom``.
    """

    def __init__(self, items: Iterable[T], fail_at: int | None = None, fail: Any = None) -> None:
        self._items = iter(items)
        self.pulled = 0
        self.closed = 0
        self._fail_at = fail_at
        self._fail = fail

    def __aiter__(self) -> ASource[T]:
        return self

    async def __anext__(self) -> T:
        if self._fail_at is not None and self.pulled == self._fail_at:
            self.pulled += 1
            raise self._fail
        try:
            x = next(self._items)
        except StopIteration:
            raise StopAsyncIteration from None
        self.pulled += 1
        return x

    async def aclose(self) -> None:
        self.closed += 1


async def yield_times(n: int) -> None:
    """Let the event loop run ``n`` rounds (a deterministic stand-in for a delay)."""
    for _ in range(n):
        await asyncio.sleep(0)
