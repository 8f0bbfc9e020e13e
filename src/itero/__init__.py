"""itero: lazy, typed iterators with Option and Result, for data-scalable APIs.

>>> from itero import Some, Ok
>>> Some(2)
Some(2)
>>> Ok("fine")
Ok('fine')
"""

from ._aiter import AsyncIter as AsyncIter, AsyncPeekable as AsyncPeekable
from ._akit import (
    abatched_by_size as abatched_by_size,
    afrom_pages as afrom_pages,
    arate_limited as arate_limited,
    atry_batched_by_size as atry_batched_by_size,
    atry_from_pages as atry_from_pages,
)
from ._batching import ItemTooLarge as ItemTooLarge
from ._errors import (
    ItemTooLargeError as ItemTooLargeError,
    ListingDeadlineError as ListingDeadlineError,
    MovedError as MovedError,
    PageItemTooLargeError as PageItemTooLargeError,
    PaginationError as PaginationError,
    PipelineTooDeepError as PipelineTooDeepError,
    RepeatedTokenError as RepeatedTokenError,
    RetriesExhaustedError as RetriesExhaustedError,
    UnwrapError as UnwrapError,
)
from ._iter import (
    Iter as Iter,
    Peekable as Peekable,
    SupportsNext as SupportsNext,
    count as count,
    empty as empty,
    from_fn as from_fn,
    once as once,
    once_with as once_with,
    repeat as repeat,
    repeat_with as repeat_with,
    successors as successors,
)
from ._kit import (
    batched_by_size as batched_by_size,
    from_pages as from_pages,
    rate_limited as rate_limited,
    try_batched_by_size as try_batched_by_size,
    try_from_pages as try_from_pages,
)
from ._option import (
    Nothing as Nothing,
    Option as Option,
    Some as Some,
    from_optional as from_optional,
    is_nothing as is_nothing,
    is_some as is_some,
)
from ._paging import Page as Page, PageRecord as PageRecord, Retry as Retry, cut_page as cut_page
from ._result import (
    Err as Err,
    Ok as Ok,
    Result as Result,
    catch as catch,
    catch_call as catch_call,
    is_err as is_err,
    is_ok as is_ok,
)

__all__ = [
    "AsyncIter",
    "AsyncPeekable",
    "Err",
    "ItemTooLarge",
    "ItemTooLargeError",
    "Iter",
    "ListingDeadlineError",
    "MovedError",
    "Nothing",
    "Ok",
    "Option",
    "Page",
    "PageItemTooLargeError",
    "PageRecord",
    "PaginationError",
    "Peekable",
    "PipelineTooDeepError",
    "RepeatedTokenError",
    "Result",
    "RetriesExhaustedError",
    "Retry",
    "Some",
    "SupportsNext",
    "UnwrapError",
    "abatched_by_size",
    "afrom_pages",
    "arate_limited",
    "atry_batched_by_size",
    "atry_from_pages",
    "batched_by_size",
    "catch",
    "catch_call",
    "count",
    "cut_page",
    "empty",
    "from_fn",
    "from_optional",
    "from_pages",
    "is_err",
    "is_nothing",
    "is_ok",
    "is_some",
    "once",
    "once_with",
    "rate_limited",
    "repeat",
    "repeat_with",
    "successors",
    "try_batched_by_size",
    "try_from_pages",
]
