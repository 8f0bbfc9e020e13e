"""Helpers shared by the test modules: sources that count pulls or record ``close()``, a source
that must not be touched, a fake clock, the exception our callbacks raise, and common Hypothesis
strategies.

The public test doubles of ``itero.testing`` (``OneShot``, ``CloseRecorder``) do most of this
job; new tests use them. ``Recorder`` stays for the tests that need a source that
keeps yielding after ``close()`` (so an adapter reading a closed source is seen).

pytest imports the test modules in its default ("prepend") mode: tests/ has no ``__init__.py``,
so pytest puts tests/ itself on ``sys.path`` and the test modules import this one as
``from _helpers import ...`` (mypy, run on ``tests``, resolves it the same way).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, NoReturn, TypeVar

from hypothesis import strategies as st

from itero import Err, Iter, Ok
from itero.testing import OneShot

T = TypeVar("T")


class Recorder(Generic[T]):
    """A source that counts the items pulled from it and the calls to ``close()``.

    For what ``itero.testing.OneShot`` cannot tell: closing does not stop it (a pull after
    ``close()`` still yields and is counted, so a test sees an adapter that keeps reading a
    closed source instead of the source hiding it), ``closed`` counts the calls (a test can
    require exactly one), and with ``fail_after`` pulling more than that many items fails the
    test. Use ``OneShot`` to count pulls only.
    """

    def __init__(self, items: Iterable[T], fail_after: int | None = None) -> None:
        self._items = iter(items)
        self.pulled = 0
        self._fail_after = fail_after
        self.closed = 0

    def __iter__(self) -> Recorder[T]:
        return self

    def __next__(self) -> T:
        if self._fail_after is not None and self.pulled >= self._fail_after:
            raise AssertionError(f"pulled more than {self._fail_after} items")
        item = next(self._items)
        self.pulled += 1
        return item

    def close(self) -> None:
        self.closed += 1


class Untouchable(OneShot[Any]):
    """A source that fails the test if anything pulls from it: ``OneShot((), max_pulls=0)``."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__((), max_pulls=0)


class FakeClock:
    """A clock that only moves when ``sleep`` is called (or ``now`` is set); records the sleeps."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class TimedSource:
    """A source of ``n - 1, ..., 0`` that records the fake time of each pull, and its closes."""

    def __init__(self, clock: FakeClock, n: int) -> None:
        self._clock = clock
        self._left = n
        self.pull_times: list[float] = []
        self.closed = 0

    def __iter__(self) -> Iterator[int]:
        return self

    def __next__(self) -> int:
        self.pull_times.append(self._clock.now)
        if self._left == 0:
            raise StopIteration
        self._left -= 1
        return self._left

    def close(self) -> None:
        self.closed += 1


class Boom(Exception):
    """The exception our callbacks and sources raise (propagated unchanged, never caught)."""


def boom(*args: object) -> Any:
    """A callback that must not be called yet (laziness tests): fails the test if it is."""
    raise AssertionError("a callback was called too early")


def raise_boom(*args: object) -> NoReturn:
    """A callback that raises ``Boom(*args)``."""
    raise Boom(*args)


def must_not_be_called(*args: object) -> NoReturn:
    """A callback that must never run (the variant ignores it): fails the test if it does."""
    raise AssertionError(f"callback must not be called (got {args!r})")


def untyped(value: object) -> Any:
    """``value``, hidden from the type checkers: for calls they rightly reject."""
    return value


INT_FUNCTIONS: list[Callable[[int], int]] = [
    lambda x: x + 1,
    lambda x: x * 2,
    lambda x: -x,
    lambda x: x // 3,
]
"""Plain int functions for the Option/Result laws."""

# Hypothesis strategies shared by the Iter tests.
int_functions = st.sampled_from(INT_FUNCTIONS)
ints = st.lists(st.integers(), max_size=30)
small_ints = st.lists(st.integers(-3, 3), max_size=30)
prefix = st.integers(0, 40)
"""How many items a test pulls from a possibly longer (or endless) Iter."""
results = st.lists(
    st.one_of(st.builds(Ok, st.integers(-5, 5)), st.builds(Err, st.integers(-5, 5))),
    max_size=30,
)


def shared_tee_owner(kind: str, items: list[int]) -> Any:
    import itertools

    if kind == "user tee":
        return Iter(itertools.tee(items)[0])
    p = Iter(items).peekable()
    if kind == "peeked":
        p.peek()
    return p
