"""Helpers shared by the test modules: a source that records pulls and ``close()`` calls (beyond
what the public ``itero.testing.OneShot`` records), a source that must not be touched, the
exception our callbacks raise, and common Hypothesis strategies.

pytest imports the test modules in its default ("prepend") mode: tests/ has no ``__init__.py``,
so pytest puts tests/ itself on ``sys.path`` and the test modules import this one as
``from _helpers import ...`` (mypy, run on ``tests``, resolves it the same way).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from hypothesis import strategies as st

from itero import Err, Ok

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


class Untouchable:
    """An iterable source that fails the test if anything pulls from it."""

    def __iter__(self) -> Untouchable:
        return self

    def __next__(self) -> Any:
        raise AssertionError("the source was pulled too early")


class Boom(Exception):
    """The exception our callbacks and sources raise (propagated unchanged, never caught)."""


def boom(*args: object) -> Any:
    """A callback that must not be called yet (laziness tests): fails the test if it is."""
    raise AssertionError("a callback was called too early")


# Hypothesis strategies shared by the Iter tests.
ints = st.lists(st.integers(), max_size=30)
small_ints = st.lists(st.integers(-3, 3), max_size=30)
prefix = st.integers(0, 40)
"""How many items a test pulls from a possibly longer (or endless) Iter."""
results = st.lists(
    st.one_of(st.builds(Ok, st.integers(-5, 5)), st.builds(Err, st.integers(-5, 5))),
    max_size=30,
)
