"""Sync drivers of the kit's algorithms: plain generators that pull from an iterator and feed
``Packer`` (batching) and ``Pacer`` (rate limiting). ``Iter`` wraps them; the async drivers in
``_adrivers`` feed the same cores from an async iterator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ._batching import Packer
from ._pacing import Pacer
from ._stages import END as _END

__all__ = ["batches", "paced"]


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
    now = pacer.now
    delay = pacer.delay
    while True:
        wait = delay(now())
        if wait:
            sleep(wait)
        item = next(source, _END)
        if item is _END:
            return
        yield item
