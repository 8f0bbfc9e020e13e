"""Every exception class itero raises, in one place (the bottom layer: imports nothing of itero).

Naming: each class ends in ``Error`` and says what went wrong with which thing
(``MovedError``, ``PipelineTooDeepError``, ``ItemTooLargeError``, ``RepeatedTokenError``).
Each keeps the fields its ``__init__`` takes in ``args``, so copying and pickling keep them.
"""

from __future__ import annotations

__all__ = [
    "ItemTooLargeError",
    "ListingDeadlineError",
    "MovedError",
    "PageItemTooLargeError",
    "PaginationError",
    "PipelineTooDeepError",
    "RepeatedTokenError",
    "RetriesExhaustedError",
    "UnwrapError",
]


class MovedError(RuntimeError):
    """An ``Iter`` was used after it was moved into an adapter, a consumer or a ``for`` loop.

    >>> from itero import Iter
    >>> it = Iter([1, 2])
    >>> doubled = it.map(lambda x: x * 2)
    >>> it.next()
    Traceback (most recent call last):
    ...
    itero.MovedError: this Iter was moved into .map(); call .by_ref() to keep using it
    """


class PipelineTooDeepError(RecursionError):
    """A pipeline was built with more chained stages than ``Iter`` allows (512).

    CPython runs nested C iterators on the C stack; a chain of ~100,000 stages crashes the
    interpreter instead of raising, so ``Iter`` refuses to build one deeper than its limit.

    >>> from itero import Iter
    >>> it = Iter([1])
    >>> for _ in range(2000):
    ...     it = it.map(abs)
    Traceback (most recent call last):
    ...
    itero.PipelineTooDeepError: pipeline too deep: an Iter may chain at most 512 stages ...
    """


class UnwrapError(ValueError):
    """Raised by ``unwrap``/``expect`` (and ``unwrap_err``/``expect_err``) on the wrong variant.

    The message says what was unwrapped; ``unwrapped`` holds that ``Option`` or ``Result``,
    so no error value is lost. ``Err(e).unwrap()`` also sets ``e`` as ``__cause__`` when
    ``e`` is an exception, so its original traceback is printed too.

    >>> from itero import Err
    >>> try:
    ...     Err("disk full").unwrap()
    ... except UnwrapError as exc:
    ...     print(exc, "|", exc.unwrapped)
    called unwrap() on Err('disk full') | Err('disk full')
    """

    def __init__(self, message: str, unwrapped: object = None) -> None:
        super().__init__(message, unwrapped)
        self.unwrapped = unwrapped

    def __str__(self) -> str:
        return str(self.args[0])


class ItemTooLargeError(ValueError):
    """One item alone is larger than a limit allows, so no batch, page or message can hold it.

    Raised by ``batched_by_size`` (and the gRPC stream adapters built on it) and by ``cut_page``
    with a byte budget. The fields say which item and by how much: ``index`` (its 0-based
    position in the source), ``size`` (what ``size(item)`` returned), ``max_bytes`` (the limit
    it broke), ``overhead`` (what a batch or page of this item alone adds to its size), ``key``
    (the item's key, where the caller knows it; else None) and ``unit`` (``"batch"`` or
    ``"page"``: what it does not fit in).

    >>> err = ItemTooLargeError(index=2, size=12, max_bytes=10)
    >>> print(err)
    item at index 2 has size 12, which does not fit in max_bytes=10 even in a batch of its own
    >>> err.index, err.size, err.max_bytes, err.overhead, err.key
    (2, 12, 10, 0, None)
    >>> print(ItemTooLargeError(index=0, size=3, max_bytes=4, overhead=2, key="n-7"))
    item at index 0 (key 'n-7') has size 3 (5 with the batch and item overheads), which does \
not fit in max_bytes=4 even in a batch of its own
    >>> print(ItemTooLargeError(index=5, size=9, max_bytes=8, key=42, unit="page"))
    item at index 5 (key 42) has size 9, which does not fit in max_bytes=8 even in a page of its own
    """

    def __init__(
        self,
        index: int,
        size: int,
        max_bytes: int,
        overhead: int = 0,
        key: object = None,
        unit: str = "batch",
    ) -> None:
        super().__init__(index, size, max_bytes, overhead, key, unit)
        self.index = index
        self.size = size
        self.max_bytes = max_bytes
        self.overhead = overhead
        self.key = key
        self.unit = unit

    def __str__(self) -> str:
        key = "" if self.key is None else f" (key {self.key!r})"
        with_overheads = (
            f" ({self.size + self.overhead} with the {self.unit} and item overheads)"
            if self.overhead
            else ""
        )
        return (
            f"item at index {self.index}{key} has size {self.size}{with_overheads}, which does "
            f"not fit in max_bytes={self.max_bytes} even in a {self.unit} of its own"
        )


class PaginationError(RuntimeError):
    """Base class of the errors ``from_pages`` raises about the pagination itself.

    >>> issubclass(RepeatedTokenError, PaginationError)
    True
    """


class RepeatedTokenError(PaginationError):
    """The server returned a next token that was already used: following it would loop.

    The offending token is in ``token``.

    >>> err = RepeatedTokenError("abc")
    >>> print(err)
    the next-page token 'abc' was already used; following it would loop forever
    >>> err.token
    'abc'
    """

    def __init__(self, token: object) -> None:
        super().__init__(token)
        self.token = token

    def __str__(self) -> str:
        return (
            f"the next-page token {self.token!r} was already used; following it would loop forever"
        )


class PageItemTooLargeError(PaginationError):
    """Even a page of one item was "too large": the item at ``token`` cannot be fetched.

    The server's too-large exception is chained as ``__cause__``.

    >>> print(PageItemTooLargeError("t7"))
    the item at token 't7' is too large even in a page of one item (limit=1)
    """

    def __init__(self, token: object) -> None:
        super().__init__(token)
        self.token = token

    def __str__(self) -> str:
        return f"the item at token {self.token!r} is too large even in a page of one item (limit=1)"


class RetriesExhaustedError(PaginationError):
    """A page's fetch kept failing with a retryable error; ``from_pages(retry=...)`` gave up.

    ``token`` is the page's token (the listing can be resumed from it with ``start=token``),
    ``attempts`` how many times it was fetched, ``seconds`` how long after the first failure
    the last one came. The last failure is the ``__cause__``.

    >>> print(RetriesExhaustedError("p3", attempts=4, seconds=1.25))
    gave up on the page at token 'p3' after 4 attempts in 1.2 s
    """

    def __init__(self, token: object, attempts: int, seconds: float) -> None:
        super().__init__(token, attempts, seconds)
        self.token = token
        self.attempts = attempts
        self.seconds = seconds

    def __str__(self) -> str:
        return (
            f"gave up on the page at token {self.token!r} after {self.attempts} attempts "
            f"in {self.seconds:.1f} s"
        )


class ListingDeadlineError(PaginationError):
    """The whole listing's ``deadline`` passed: no further page was fetched.

    ``delivered`` is how many items the listing had delivered (all pages before the one that
    was not fetched), ``pages`` how many pages, ``deadline`` the deadline in seconds and
    ``token`` the token of the page that was not fetched (``start=token`` resumes there).

    >>> print(ListingDeadlineError(deadline=30.0, delivered=12000, pages=6, token="p6"))
    the listing's deadline of 30.0 s passed after 12000 items in 6 pages; the page at token \
'p6' was not fetched
    """

    def __init__(self, deadline: float, delivered: int, pages: int, token: object) -> None:
        super().__init__(deadline, delivered, pages, token)
        self.deadline = deadline
        self.delivered = delivered
        self.pages = pages
        self.token = token

    def __str__(self) -> str:
        return (
            f"the listing's deadline of {self.deadline} s passed after {self.delivered} items "
            f"in {self.pages} pages; the page at token {self.token!r} was not fetched"
        )


# Shown (in tracebacks and reprs) and pickled under their public name, ``itero.<Name>``.
def _show_as_public() -> None:
    names = globals()
    for name in __all__:
        names[name].__module__ = "itero"


_show_as_public()
