"""Rate limiting, as an algorithm with no I/O: a token bucket that says how long to wait.

``Pacer.waits()`` answers, once per pull, "how many seconds must pass before this pull?" and
books the pull. The sync driver (``Iter.rate_limited``) sleeps with ``time.sleep`` (or the given
``sleep``), the async driver with ``asyncio.sleep``; both share this one implementation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import final

from ._checks import check_callable, check_int, check_number

__all__ = ["Pacer"]


@final
class Pacer:
    """A token bucket (GCRA) for ``per_second`` pulls on average and ``burst`` back to back.

    After an idle period up to ``burst`` pulls go through without waiting; over any longer run
    pulls are spaced ``1 / per_second`` seconds apart on average. Holds three floats.

    >>> from itertools import islice
    >>> list(islice(Pacer(2, burst=3, clock=lambda: 0.0).waits(), 6))
    [0.0, 0.0, 0.0, 0.5, 1.0, 1.5]
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

    def waits(self) -> Iterator[float]:
        """The wait before each pull, endlessly: each ``next`` reads the clock and books a pull.

        The n-th value is how many seconds to wait before making the n-th pull, booked at the
        clock's reading when the value is asked for (so nothing is read before the first
        ``next``). The drivers take one value per pull, the one that finds the source exhausted
        included; the state lives in the ``Pacer``, so every iterator it gives books against the
        same bucket. A reading that is not an ``int`` or ``float`` is a ``TypeError``.

        >>> readings = iter([0.0, 0.0, 1.0])
        >>> waits = Pacer(2, burst=1, clock=lambda: next(readings)).waits()
        >>> next(waits), next(waits), next(waits)
        (0.0, 0.5, 0.0)
        >>> next(Pacer(1, burst=1, clock=lambda: None).waits())
        Traceback (most recent call last):
            ...
        TypeError: clock must return a number of seconds, got NoneType
        """
        # One generator frame per pull, with the clock check and the booking inline: this is
        # the per-item cost of rate_limited (issue 10), so no helper calls on the fast path.
        clock = self.clock
        interval = self._interval
        slack = self._slack
        while True:
            now = clock()
            if now.__class__ is not float:  # the common case costs one identity test
                now = _seconds(now)
            tat = self._tat
            allowed = tat - slack
            if now < allowed:
                self._tat = tat + interval
                yield allowed - now
            else:
                self._tat = (now if now > tat else tat) + interval  # max(tat, now), inline
                yield 0.0


def _seconds(t: object) -> float:
    if isinstance(t, bool) or not isinstance(t, (int, float)):
        raise TypeError(f"clock must return a number of seconds, got {type(t).__name__}")
    return t
