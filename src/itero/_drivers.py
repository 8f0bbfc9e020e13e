"""Sync drivers of the kit's algorithms: plain generators that pull from an iterator and feed
``Packer`` (batching) and ``Pacer`` (rate limiting), or fetch pages for ``Pager`` (pagination).
``Iter`` and ``from_pages`` wrap them; the async drivers in ``_adrivers`` drive the same cores
from an async iterator or an async ``fetch``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any

from ._batching import Packer
from ._pacing import Pacer
from ._paging import Pager
from ._result import Err, Ok
from ._stages import END as _END

__all__ = ["batches", "paced", "pages"]


def batches(source: Iterator[Any], packer: Packer[Any]) -> Iterator[Any]:
    """The batches of ``source`` as ``packer`` cuts them (one held at a time).

    >>> list(batches(iter(["ab", "c", "de"]), Packer(3, len, None, 0, 0, strict=True)))
    [['ab', 'c'], ['de']]
    """
    yield from packer.pack(source)
    last = packer.finish()
    if last is not None:
        yield last


def paced(source: Iterator[Any], pacer: Pacer, sleep: Callable[[float], object]) -> Iterator[Any]:
    """The items of ``source``, each pull made when ``pacer`` allows, waiting with ``sleep``.

    The pull that finds the source exhausted is paced too (nothing tells it apart in advance).

    >>> waits = []
    >>> list(paced(iter("ab"), Pacer(4, burst=1, clock=lambda: 0.0), waits.append)), waits
    (['a', 'b'], [0.25, 0.5])
    """
    for wait in pacer.waits():
        if wait:
            sleep(wait)
        item = next(source, _END)
        if item is _END:
            return
        yield item


def pages(
    pager: Pager[Any, Any],
    fetch: Callable[[Any, int], Any],
    clock: Callable[[], float],
    sleep: Callable[[float], object],
    on_page: Callable[[Any], object] | None,
    release: Callable[[], object],
    as_results: bool,
) -> Generator[Iterable[Any], None, None]:
    """Each non-empty page's items (``map(Ok, items)`` when ``as_results``), as ``pager`` says.

    Fetches, sleeps and reads ``clock`` (only when ``pager.timed``) for the state machine; a
    failure ends the pages (as a final ``(Err(exc),)`` when ``as_results``), and ``release`` is
    called when they end, however they end (a ``finally`` never runs for a generator closed
    before its start: the caller releases then too).

    >>> from itero._paging import Page, Pager
    >>> pager = Pager(2, too_large=(), start=None, retry=None, deadline=None, grow_after=None)
    >>> def fetch(token, limit):
    ...     return Page([1, 2], "b") if token is None else Page([3], None)
    >>> list(pages(pager, fetch, float, print, None, list, False))
    [[1, 2], [3]]
    """
    timed = pager.timed
    received = pager.received
    try:
        while not pager.done:
            if timed:
                wait = pager.wait(clock())
                if wait:
                    sleep(wait)
                    continue
            try:
                page = fetch(pager.token, pager.limit)
            except Exception as exc:
                if pager.failed(exc, clock() if timed else 0.0):
                    continue
                raise
            items = received(page, clock() if timed else 0.0)
            del page
            if on_page is not None:
                on_page(pager.record)
            if items:
                yield map(Ok, items) if as_results else items
            # Drop our reference before fetching the next page: at most one page is held.
            del items
        pager.finish()
    except Exception as exc:
        if not as_results:
            raise
        release()
        yield (Err(exc),)
    finally:
        release()
