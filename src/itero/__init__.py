"""itero: lazy, typed iterators with Option and Result, for data-scalable APIs.

>>> from itero import Some, Ok
>>> Some(2)
Some(2)
>>> Ok("fine")
Ok('fine')
"""

from ._iter import Iter as Iter
from ._iter import MovedError as MovedError
from ._iter import PipelineTooDeepError as PipelineTooDeepError
from ._iter import SupportsNext as SupportsNext
from ._option import Nothing as Nothing
from ._option import Option as Option
from ._option import Some as Some
from ._result import Err as Err
from ._result import Ok as Ok
from ._result import Result as Result

__all__ = [
    "Err",
    "Iter",
    "MovedError",
    "Nothing",
    "Ok",
    "Option",
    "PipelineTooDeepError",
    "Result",
    "Some",
    "SupportsNext",
]
