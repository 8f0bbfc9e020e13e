"""Rate limiting, as an algorithm with no I/O: a token bucket that says how long to wait.

``Pacer.delay(now)`` answers "how many seconds must pass before the next pull?" and books the
pull. The sync driver (``Iter.rate_limited``) sleeps with ``time.sleep`` (or the given
``sleep``), the async driver with ``asyncio.sleep``; both share this one implementation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import final

from ._checks import check_callable, check_int, check_number

__all__ = ["Pacer"]


@final
class Pacer:
    """A token bucket (GCRA) for ``per_second`` pulls on average and ``burst`` back to back.

    After an idle period up to ``burst`` pulls go through without waiting; over any longer run
    pulls are spaced ``1 / per_second`` seconds apart on average. Holds two floats.

    >>> pacer = Pacer(2, burst=1, clock=lambda: 0.0)
    >>> pacer.delay(0.0), pacer.delay(0.0), pacer.delay(1.0)
    (0.0, 0.5, 0.0)
    """

    __slots__ = ("_interval", "_slack", "_tat", "clock")

    def __init__(self, per_second: float, *, burst: int, clock: Callable[[], float]) -> None:
        rate = check_number(per_second, "per_second")
        check_int(burst, "burst", 1)
        check_callable(clock, "clock")
        interval = 1.0 / rate
        if not math.isfinite(interval):
            raise ValueError(
                f"per_second is too small: 1 / per_second overflows a float, got {per_second}"
            )
        self._interval = interval
        self._slack = (burst - 1) * interval
        self._tat = -math.inf  # the "theoretical arrival time" of the next pull
        self.clock = clock

    def now(self) -> float:
        """Read the clock, checking that it returns a number.

        >>> Pacer(1, burst=1, clock=lambda: None).now()
        Traceback (most recent call last):
            ...
        TypeError: clock must return a number of seconds, got NoneType
        """
        return _seconds(self.clock())

    def delay(self, now: float) -> float:
        """Book one pull at time ``now``; return how many seconds to wait before making it."""
        allowed = self._tat - self._slack
        if now < allowed:
            self._tat += self._interval
            return allowed - now
        self._tat = max(self._tat, now) + self._interval
        return 0.0


def _seconds(t: object) -> float:
    if isinstance(t, bool) or not isinstance(t, (int, float)):
        raise TypeError(f"clock must return a number of seconds, got {type(t).__name__}")
    return t
