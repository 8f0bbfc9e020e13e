"""Session trackers from a paginated backend, filtered lazily to the ones still running.

A backend lists session trackers one page at a time, the way a REST or gRPC "List" call does:
you send a token and a page size, you get a page of trackers and the token of the next page.
`from_pages` turns that call into one lazy `Iter` of trackers, and `.filter(...)` keeps the ones
that are not terminated. Nothing is fetched until the first tracker is asked for, one page is
held at a time, and so memory stays flat however many sessions the backend has.

Run it:  python examples/session_tracker.py [SIZES...]   (default sizes: 10000 1000000)
"""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass

from itero import Iter, Page, cut_page, from_pages

# --- The data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionTracker:
    """One user session, as the backend reports it."""

    id: int
    user: str
    terminated: bool


# --- The server side: a backend that cuts pages ----------------------------------------------


class ResponseTooLarge(Exception):
    """What the backend raises when a page would not fit in one response."""


class SessionBackend:
    """A fake backend holding `count` session trackers (made on the fly, nothing stored).

    A response holds at most `MAX_PAGE` trackers; asking for more raises `ResponseTooLarge`,
    as a server with a message-size limit would.
    """

    MAX_PAGE = 250

    def __init__(self, count: int) -> None:
        self.count = count
        self.requests = 0
        self.limits_asked: list[int] = []
        self.closed = False

    def _trackers_from(self, first_id: int) -> Iterator[SessionTracker]:
        # Like `SELECT ... WHERE id >= first_id ORDER BY id`: a cursor over the table.
        for i in range(first_id, self.count):
            yield SessionTracker(id=i, user=f"user{i % 97}", terminated=i % 3 == 0)

    def list_sessions(self, token: int | None, limit: int) -> Page[SessionTracker, int]:
        """The "List" call: up to `limit` trackers starting at id `token`, and the next token."""
        self.requests += 1
        self.limits_asked.append(limit)
        if limit > self.MAX_PAGE:
            raise ResponseTooLarge(f"{limit} trackers do not fit in one response")
        cursor = self._trackers_from(token or 0)
        # cut_page reads at most limit + 1 trackers: the page, and the next page's first id.
        return cut_page(cursor, key=lambda tracker: tracker.id, start=token, limit=limit)

    def close(self) -> None:
        """Release the connection (here: remember that we were asked to)."""
        self.closed = True


# --- The client side: one lazy Iter over every page ------------------------------------------


def active_sessions(backend: SessionBackend) -> Iter[SessionTracker]:
    """Every session tracker that is not terminated, fetched page by page as needed."""
    trackers = from_pages(
        backend.list_sessions,
        page_size=1000,  # the backend says "too large": from_pages halves it until it fits
        too_large=ResponseTooLarge,
        on_close=backend.close,  # called once when the listing ends or the Iter is closed
    )
    return trackers.filter(lambda tracker: not tracker.terminated)


def show_first_few() -> None:
    backend = SessionBackend(count=10)
    first = active_sessions(backend).take(3).collect()
    for tracker in first:
        print(f"  {tracker}")
    asked = ", ".join(str(limit) for limit in backend.limits_asked)
    print(f"  ({backend.requests} requests, asking for pages of {asked} trackers)")


def measure(count: int) -> str:
    """Count the active sessions of a backend of `count`, under tracemalloc."""
    backend = SessionBackend(count)
    tracemalloc.start()
    with active_sessions(backend) as sessions:
        active = sessions.count()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (
        f"  {count:>9,} sessions: {active:>9,} active, {backend.requests:>5,} requests, "
        f"connection closed: {backend.closed}, tracemalloc peak {peak / 1024:.0f} KiB"
    )


def main(sizes: list[int]) -> None:
    print("The first active sessions of a small backend:")
    show_first_few()
    print("Counting the active sessions of larger backends (memory does not grow with them):")
    measure(10_000)  # a warm-up: the first calls fill one-time caches, which are not the listing's
    for count in sizes:
        print(measure(count))


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [10**4, 10**6])
