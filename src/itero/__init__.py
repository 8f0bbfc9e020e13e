"""itero: lazy, typed iterators with Option and Result, for data-scalable APIs.

>>> from itero import Some, Ok
>>> Some(2)
Some(2)
>>> Ok("fine")
Ok('fine')
"""

from ._aiter import AsyncIter as AsyncIter
from ._aiter import AsyncPeekable as AsyncPeekable
from ._akit import abatched_by_size as abatched_by_size
from ._akit import afrom_pages as afrom_pages
from ._akit import arate_limited as arate_limited
from ._akit import atry_batched_by_size as atry_batched_by_size
from ._akit import atry_from_pages as atry_from_pages
from ._batching import ItemTooLarge as ItemTooLarge
from ._errors import ItemTooLargeError as ItemTooLargeError
from ._errors import ListingDeadlineError as ListingDeadlineError
from ._errors import MovedError as MovedError
from ._errors import PageItemTooLargeError as PageItemTooLargeError
from ._errors import PaginationError as PaginationError
from ._errors import PipelineTooDeepError as PipelineTooDeepError
from ._errors import RepeatedTokenError as RepeatedTokenError
from ._errors import RetriesExhaustedError as RetriesExhaustedError
from ._errors import UnwrapError as UnwrapError
from ._iter import Iter as Iter
from ._iter import Peekable as Peekable
from ._iter import SupportsNext as SupportsNext
from ._iter import count as count
from ._iter import empty as empty
from ._iter import from_fn as from_fn
from ._iter import once as once
from ._iter import once_with as once_with
from ._iter import repeat as repeat
from ._iter import repeat_with as repeat_with
from ._iter import successors as successors
from ._kit import batched_by_size as batched_by_size
from ._kit import from_pages as from_pages
from ._kit import rate_limited as rate_limited
from ._kit import try_batched_by_size as try_batched_by_size
from ._kit import try_from_pages as try_from_pages
from ._option import Nothing as Nothing
from ._option import Option as Option
from ._option import Some as Some
from ._option import from_optional as from_optional
from ._option import is_nothing as is_nothing
from ._option import is_some as is_some
from ._paging import Page as Page
from ._paging import PageRecord as PageRecord
from ._paging import Retry as Retry
from ._paging import cut_page as cut_page
from ._result import Err as Err
from ._result import Ok as Ok
from ._result import Result as Result
from ._result import catch as catch
from ._result import catch_call as catch_call
from ._result import is_err as is_err
from ._result import is_ok as is_ok

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
