"""gRPC adapters: stream an ``Iter`` in size-bounded messages, read it back lazily.

A list RPC that returns everything in one response fails for everyone once the response
outgrows gRPC's maximum message size (grpcio's default receive limit is 4 MiB:
``RESOURCE_EXHAUSTED``, "Received message larger than max"). This module makes the fix a few
lines, with grpcio's generic handlers and no code generation:

- server: ``stream_batches`` / ``stream_handler`` turn an iterable into a server-streaming
  response whose messages never exceed ``max_message_bytes`` (default
  ``DEFAULT_MAX_MESSAGE_BYTES``, 4 MiB less 64 KiB);
- client: ``iter_stream`` / ``iter_stream_results`` turn the call back into a lazy ``Iter``
  of items; closing it cancels the call;
- client of a unary paginated RPC: ``from_unary_pages`` halves the page size whenever the
  server's answer is ``RESOURCE_EXHAUSTED``.

Wire format of one streamed message (a *batch*): the protobuf encoding of

.. code-block:: proto

    message Batch { repeated bytes items = 1; }

that is, for every item payload, the byte ``0x0A`` (field 1, wire type 2), the payload's
length as a base-128 varint, then the payload. A protobuf client can read it with that message
definition; ``decode_batch`` skips fields it does not know, as protobuf does. An item of
``n`` bytes takes exactly ``1 + varint_size(n) + n`` bytes of a batch, and a batch has no
other overhead, so the size bound is exact.

Typing: the grpc boundary is typed with the ``types-grpcio`` stubs (mypy needs them; pyright
ships them). This module's signatures have no ``Any``. With no (de)serializer given, the stubs
cannot infer a multicallable's message types: annotate it, as in
``rpc: grpc.UnaryStreamMultiCallable[bytes, bytes] = channel.unary_stream(method)``.

Installing: ``pip install 'itero[grpc]'``. ``import itero`` never imports grpc; importing this
module without grpcio raises ``ImportError`` saying so.

>>> from itero.grpc import decode_batch, encode_batch
>>> encode_batch([b"hi", b""])
b'\\n\\x02hi\\n\\x00'
>>> decode_batch(encode_batch([b"hi", b""]))
[b'hi', b'']
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain, repeat
from typing import Final, Protocol, TypeVar, final

try:
    import grpc
except ImportError as _exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "itero.grpc needs grpcio, which is not installed: pip install 'itero[grpc]'"
    ) from _exc

from ._batching import CallOnce, Closing, batched_by_size, check_int, close_source
from ._iter import Iter
from ._paging import Page, from_pages
from ._result import Err, Ok, Result

__all__ = [
    "DEFAULT_MAX_MESSAGE_BYTES",
    "ResponseTooLargeError",
    "RpcFailure",
    "StreamingCall",
    "decode_batch",
    "encode_batch",
    "from_unary_pages",
    "iter_stream",
    "iter_stream_results",
    "resource_exhausted_as_too_large",
    "stream_batches",
    "stream_handler",
]

T = TypeVar("T")
K = TypeVar("K")
R = TypeVar("R")

DEFAULT_MAX_MESSAGE_BYTES: Final = 4 * 1024 * 1024 - 64 * 1024
"""The default largest streamed message: grpcio's default receive limit (4 MiB) less 64 KiB.

The framing is exact, so the margin is not needed by itero itself; it leaves room for peers
and proxies that count a message with some overhead of their own.
"""

# ---------------------------------------------------------------------------------------------
# framing: protobuf's encoding of `repeated bytes items = 1;`
# ---------------------------------------------------------------------------------------------

_TAG: Final = 0x0A  # field number 1, wire type 2 (length-delimited)
_SHORT_HEADERS: Final = tuple(bytes((_TAG, n)) for n in range(128))
"""The header of an item shorter than 128 bytes: the tag and a one-byte length."""


def _varint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _frame(payload: object, not_bytes: str = "serialize must return bytes") -> bytes:
    """Return one item as it appears in a batch: tag, varint length, payload.

    ``not_bytes`` starts the ``TypeError`` message for a payload that is not bytes: it names
    what the caller got wrong (``serialize``, or ``encode_batch``'s argument).
    """
    if not isinstance(payload, (bytes, bytearray)):
        raise TypeError(f"{not_bytes}, got {type(payload).__name__}")
    n = len(payload)
    if n < 128:
        return _SHORT_HEADERS[n] + payload
    return b"\n" + _varint(n) + payload


def encode_batch(payloads: Iterable[bytes | bytearray], /) -> bytes:
    """Encode item payloads as one batch message (protobuf ``repeated bytes items = 1;``).

    Each payload becomes ``0x0A``, its length as a varint, then its bytes; the message is
    their concatenation, so an empty batch is ``b""``. ``stream_batches`` does this for you;
    use it to build a unary response in the same format (as a page of a paginated RPC).

    Raises:
        TypeError: if a payload is not ``bytes`` (or ``bytearray``).

    >>> encode_batch([b"a", b"bc"])
    b'\\n\\x01a\\n\\x02bc'
    >>> len(encode_batch([b"x" * 300]))  # 1 tag byte + 2 length bytes + 300
    303
    """
    return b"".join(map(_frame, payloads, repeat("payloads must be bytes or bytearray")))


def _read_varint(message: bytes, pos: int) -> tuple[int, int]:
    """Read a varint at ``pos``; return (value, position after it)."""
    result = 0
    shift = 0
    end = len(message)
    while True:
        if pos >= end:
            raise ValueError("malformed batch: truncated varint")
        byte = message[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7
        if shift >= 64:
            raise ValueError("malformed batch: varint longer than 10 bytes")


def decode_batch(message: bytes, /) -> list[bytes]:
    """Decode a batch message into its item payloads, in order.

    The inverse of ``encode_batch``. As a protobuf parser would, it skips fields other than
    ``items = 1`` (wire types 0, 1, 2 and 5), so a sender may add fields later.

    Raises:
        ValueError: if the message is not a valid encoding (truncated, or a group wire type).

    >>> decode_batch(b"\\n\\x01a\\n\\x02bc")
    [b'a', b'bc']
    >>> decode_batch(b"\\x10\\x07\\n\\x01a")  # field 2 (a varint, 7) is skipped
    [b'a']
    >>> decode_batch(b"\\n\\x05ab")
    Traceback (most recent call last):
        ...
    ValueError: malformed batch: an item of 5 bytes runs past the end of the message
    """
    return list(_iter_batch(message))


def _iter_batch(message: bytes) -> Iterator[bytes]:
    """Yield a batch's payloads one at a time (``decode_batch``, lazily: memory one item)."""
    end = len(message)
    pos = 0
    while pos < end:
        if message[pos] == _TAG and pos + 1 < end and message[pos + 1] < 0x80:
            # The common case: field 1 with a one-byte length.
            start = pos + 2
            stop = start + message[pos + 1]
        else:
            tag, pos = _read_varint(message, pos)
            field, wire_type = tag >> 3, tag & 7
            if wire_type == 2:
                n, start = _read_varint(message, pos)
                stop = start + n
                if field != 1:
                    if stop > end:
                        raise ValueError("malformed batch: a field runs past the end")
                    pos = stop
                    continue
            elif wire_type == 0:
                _, pos = _read_varint(message, pos)
                continue
            elif wire_type in (1, 5):
                pos += 8 if wire_type == 1 else 4
                if pos > end:
                    raise ValueError("malformed batch: a fixed-size field runs past the end")
                continue
            else:
                raise ValueError(f"malformed batch: unsupported wire type {wire_type}")
        if stop > end:
            raise ValueError(
                f"malformed batch: an item of {stop - start} bytes runs past the end of the message"
            )
        yield message[start:stop]
        pos = stop


# ---------------------------------------------------------------------------------------------
# sync or aio: which grpcio stack an object belongs to
# ---------------------------------------------------------------------------------------------


def _is_aio_context(context: object) -> bool:
    """Whether ``context`` is a grpc.aio server's context (for an async or a plain handler).

    grpcio's aio contexts are Cython classes that are not registered as subclasses of
    ``grpc.aio.ServicerContext``, so they are recognised by their module as well.
    """
    return isinstance(context, grpc.aio.ServicerContext) or (
        not isinstance(context, grpc.ServicerContext)
        and type(context).__module__.startswith("grpc._cython")
    )


def _check_sync_context(context: object, function: str, aio_function: str) -> None:
    if _is_aio_context(context):
        raise TypeError(
            f"{function} serves a grpc.server (sync) RPC, but this context belongs to a "
            f"grpc.aio server: use {aio_function} in an async def servicer method instead"
        )


def _is_aio_call(call: object) -> bool:
    return isinstance(call, grpc.aio.Call) or (
        hasattr(call, "__aiter__") and not hasattr(call, "__iter__")
    )


def _check_sync_call(call: object, function: str, aio_function: str) -> None:
    if _is_aio_call(call):
        raise TypeError(
            f"{function} reads a call of a grpc (sync) channel, but this is a grpc.aio call "
            f"({type(call).__name__}): use {aio_function} instead"
        )


# ---------------------------------------------------------------------------------------------
# server side
# ---------------------------------------------------------------------------------------------


def _framed_items(
    items: Iterator[T],
    serialize: Callable[[T], bytes],
    cancelled: threading.Event | None,
    failure: list[Exception],
) -> Iterator[bytes]:
    """Serialize and frame each item; stop at cancellation; record a failure and stop.

    Stopping (rather than raising) on a failure lets the batching ship the items that came
    before it; ``_produce`` raises the failure after that last batch.
    """
    try:
        if cancelled is None:
            for item in items:
                yield _frame(serialize(item))
        else:
            is_set = cancelled.is_set
            while not is_set():  # checked before every pull: production stops on cancel
                try:
                    item = next(items)
                except StopIteration:
                    return
                yield _frame(serialize(item))
    except Exception as exc:
        failure.append(exc)


def _produce(
    items: Iterable[T],
    serialize: Callable[[T], bytes],
    cancelled: threading.Event | None,
    max_message_bytes: int,
    max_items: int | None,
    release: CallOnce,
) -> Generator[bytes, None, None]:
    failure: list[Exception] = []
    try:
        framed = _framed_items(iter(items), serialize, cancelled, failure)
        # map() keeps no reference to a batch once it is joined: while a message is being
        # sent, only it and the next batch being filled are held.
        yield from map(b"".join, batched_by_size(framed, max_message_bytes, max_items=max_items))
        if failure:
            raise failure[0]
    finally:
        # Runs when the stream ends, fails, or is closed/dropped (grpcio stops iterating a
        # cancelled stream and drops it, which closes this generator): release the source.
        release()


def stream_batches(
    items: Iterable[T],
    serialize: Callable[[T], bytes],
    /,
    context: grpc.ServicerContext | None = None,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    max_items: int | None = None,
) -> Iter[bytes]:
    """Pack ``items`` into batch messages of at most ``max_message_bytes`` each, lazily.

    Return it from a server-streaming handler registered with no response serializer (the
    messages are already bytes), or use ``stream_handler``. Each item is ``serialize``-d and
    framed as in ``encode_batch``; batches are filled greedily in order, so the client reads
    the items back in order, each exactly once. Memory: one batch at a time.

    Cancellation: with ``context``, a callback registered with ``context.add_callback`` stops
    production when the RPC ends early (client cancel, deadline): no item is pulled after
    that. Whenever the stream ends (exhausted, failed, cancelled, closed, even before its first
    message, or dropped by grpcio once started) the source's ``close()`` is called once, if it
    has one (a generator, a file, an ``Iter``).

    Errors: if the source or ``serialize`` raises, the items before it are still sent (the
    pending batch is flushed), then the exception propagates to grpcio, which ends the RPC
    with ``UNKNOWN`` ("Exception iterating responses: ..."), or with the status given to
    ``context.abort``. An item whose framed size exceeds ``max_message_bytes`` raises
    ``itero.OversizeItemError`` the same way, after the items before it.

    Args:
        items: the items to send, in order.
        serialize: ``T -> bytes``.
        context: the handler's ``grpc.ServicerContext`` (None outside a server, e.g. tests).
        max_message_bytes: the largest message, >= 1 (the framing of each item included).
        max_items: the most items in a message (None: no limit).

    Raises:
        TypeError, ValueError: at the call, for a bad argument (named in the message).

    >>> messages = stream_batches(["ab", "cd", "e"], str.encode, max_message_bytes=8)
    >>> [decode_batch(m) for m in messages]
    [[b'ab', b'cd'], [b'e']]
    """
    if not callable(serialize):
        raise TypeError(f"serialize must be callable, got {type(serialize).__name__}")
    check_int(max_message_bytes, "max_message_bytes", 1)
    if max_items is not None:
        check_int(max_items, "max_items", 1)
    cancelled: threading.Event | None = None
    if context is not None:
        _check_sync_context(context, "stream_batches", "astream_batches")
        cancelled = threading.Event()
        # The callback runs on grpcio's thread when the RPC terminates (for any reason, but
        # after a normal end nothing is pulled anyway). False: the RPC has already ended.
        registered = context.add_callback(cancelled.set)
        if registered is not True and registered is not False:
            # Not grpcio's sync server: reading None as "already ended" would send an empty
            # stream with status OK.
            raise TypeError(
                f"stream_batches: context.add_callback returned {registered!r}, not a bool: "
                "the context is not a grpc.server (sync) ServicerContext; on a grpc.aio server "
                "use astream_batches"
            )
        if not registered:
            cancelled.set()
    release = CallOnce(partial(close_source, items))
    messages = _produce(items, serialize, cancelled, max_message_bytes, max_items, release)
    # Closing before the first message never starts the generator: release the source too.
    return Iter(Closing(messages, messages.close, release))


def stream_handler(
    behavior: Callable[[R, grpc.ServicerContext], Iterable[T]],
    /,
    serialize: Callable[[T], bytes],
    *,
    request_deserializer: Callable[[bytes], R],
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    max_items: int | None = None,
) -> grpc.RpcMethodHandler[R, bytes]:
    """Make a server-streaming method handler that streams ``behavior``'s items in batches.

    ``behavior(request, context)`` returns the items (an ``Iter``, a generator, a list...);
    they are sent with ``stream_batches``, whose cancellation, closing and error behaviour
    apply. Register the handler with ``grpc.method_handlers_generic_handler``.

    >>> import grpc
    >>> handler = stream_handler(
    ...     lambda request, context: range(int(request)),
    ...     lambda i: str(i).encode(),
    ...     request_deserializer=bytes.decode,
    ... )
    >>> service = grpc.method_handlers_generic_handler("demo.Numbers", {"List": handler})
    >>> handler.response_streaming, handler.request_streaming
    (True, False)
    """
    if not callable(behavior):
        raise TypeError(f"behavior must be callable, got {type(behavior).__name__}")
    if not callable(serialize):
        raise TypeError(f"serialize must be callable, got {type(serialize).__name__}")
    check_int(max_message_bytes, "max_message_bytes", 1)
    if max_items is not None:
        check_int(max_items, "max_items", 1)

    def respond(request: R, context: grpc.ServicerContext) -> Iter[bytes]:
        # Checked before behavior runs: on a grpc.aio server, fail instead of streaming.
        _check_sync_context(context, "stream_handler", "astream_handler")
        return stream_batches(
            behavior(request, context),
            serialize,
            context,
            max_message_bytes=max_message_bytes,
            max_items=max_items,
        )

    handler: grpc.RpcMethodHandler[R, bytes] = grpc.unary_stream_rpc_method_handler(
        respond, request_deserializer=request_deserializer
    )
    return handler


# ---------------------------------------------------------------------------------------------
# client side: streams
# ---------------------------------------------------------------------------------------------


class StreamingCall(Protocol):
    """What ``iter_stream`` needs of a server-streaming call: its messages and ``cancel()``.

    The object grpcio returns for ``channel.unary_stream(method)(request)`` is one (its
    responses are ``bytes`` when no response deserializer is given); so is any object with
    these two methods, which is how tests stand in for a server.

    >>> class RecordedCall:
    ...     def __iter__(self) -> Iterator[bytes]:
    ...         return iter([encode_batch([b"x", b"y"])])
    ...     def cancel(self) -> bool:
    ...         return True
    >>> call: StreamingCall = RecordedCall()
    >>> iter_stream(call, bytes.decode).collect()
    ['x', 'y']
    """

    def __iter__(self) -> Iterator[bytes]:
        """Iterate the response messages."""
        ...

    def cancel(self) -> bool:
        """Cancel the call (grpcio returns False when the call had already ended)."""
        ...


@final
@dataclass(frozen=True)
class RpcFailure:
    """A failed RPC as a value: its status code and details, as ``iter_stream_results`` gives.

    >>> RpcFailure(grpc.StatusCode.NOT_FOUND, "no such shelf")
    RpcFailure(code=<StatusCode.NOT_FOUND: (5, 'not found')>, details='no such shelf')
    """

    code: grpc.StatusCode
    details: str

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError, /) -> RpcFailure:
        """Take the status code and details of a ``grpc.RpcError``.

        An error without a status (grpcio raises some that have none) gets ``UNKNOWN``.

        >>> RpcFailure.from_rpc_error(grpc.RpcError())
        RpcFailure(code=<StatusCode.UNKNOWN: (2, 'unknown')>, details='')
        """
        code_method = getattr(error, "code", None)
        details_method = getattr(error, "details", None)
        code = code_method() if callable(code_method) else None
        details = details_method() if callable(details_method) else None
        return cls(
            code if isinstance(code, grpc.StatusCode) else grpc.StatusCode.UNKNOWN,
            details if isinstance(details, str) else "",
        )


def _check_client_args(call: object, deserialize: object, function: str) -> None:
    _check_sync_call(call, function, "a" + function)
    if not callable(getattr(call, "cancel", None)):
        raise TypeError(f"call must be a streaming call with cancel(), got {type(call).__name__}")
    if not callable(deserialize):
        raise TypeError(f"deserialize must be callable, got {type(deserialize).__name__}")


def iter_stream(call: StreamingCall, deserialize: Callable[[bytes], T], /) -> Iter[T]:
    """Read a batched server stream (see ``stream_batches``) as a lazy ``Iter`` of items.

    A message is read only when the consumer has used up the previous one, and one message is
    held at a time. Closing the ``Iter`` (``close()``, or leaving a ``with`` block early)
    cancels the call, so the server stops producing.

    Errors: a failed RPC raises its ``grpc.RpcError`` (with ``code()`` and ``details()``)
    after every item of the messages before it; use ``iter_stream_results`` to get it as an
    ``Err`` item instead. ``deserialize``'s exceptions propagate unchanged.

    >>> class FakeCall:  # a grpcio call, as far as iter_stream is concerned
    ...     def __iter__(self):
    ...         return iter([encode_batch([b"a", b"b"]), encode_batch([b"c"])])
    ...     def cancel(self):
    ...         return False
    >>> iter_stream(FakeCall(), bytes.decode).collect()
    ['a', 'b', 'c']
    """
    _check_client_args(call, deserialize, "iter_stream")
    items = map(deserialize, chain.from_iterable(map(_iter_batch, call)))
    # Cancelling a call that already ended is a no-op (grpcio returns False).
    return Iter(Closing(items, call.cancel))


def _results(
    call: StreamingCall, deserialize: Callable[[bytes], T]
) -> Generator[Result[T, RpcFailure], None, None]:
    messages = iter(call)
    while True:
        try:
            message = next(messages)
        except StopIteration:
            return
        except grpc.RpcError as error:
            yield Err(RpcFailure.from_rpc_error(error))
            return
        yield from map(Ok, map(deserialize, _iter_batch(message)))


def iter_stream_results(
    call: StreamingCall, deserialize: Callable[[bytes], T], /
) -> Iter[Result[T, RpcFailure]]:
    """Like ``iter_stream``, with items as ``Ok`` and a failed RPC as a final ``Err`` item.

    Every item received before the failure comes out as ``Ok``; then
    ``Err(RpcFailure(code, details))`` and the iteration ends. Closing cancels the call, as
    for ``iter_stream``; ``deserialize``'s exceptions still propagate.

    >>> class FailingCall:
    ...     def __iter__(self):
    ...         yield encode_batch([b"a"])
    ...         raise grpc.RpcError()  # grpcio's errors also carry a code and details
    ...     def cancel(self):
    ...         return False
    >>> for r in iter_stream_results(FailingCall(), bytes.decode):
    ...     print(r)
    Ok('a')
    Err(RpcFailure(code=<StatusCode.UNKNOWN: (2, 'unknown')>, details=''))
    """
    _check_client_args(call, deserialize, "iter_stream_results")
    results = _results(call, deserialize)
    return Iter(Closing(results, call.cancel, results.close))


# ---------------------------------------------------------------------------------------------
# client side: unary paginated RPCs
# ---------------------------------------------------------------------------------------------


class ResponseTooLargeError(Exception):
    """A unary RPC failed with ``RESOURCE_EXHAUSTED``: its response was too large.

    Raised by a fetch wrapped with ``resource_exhausted_as_too_large``; the ``grpc.RpcError``
    is its ``__cause__`` and its ``error`` attribute.

    >>> print(ResponseTooLargeError(grpc.RpcError()))
    the response was too large for one message (RESOURCE_EXHAUSTED)
    """

    def __init__(self, error: grpc.RpcError) -> None:
        super().__init__(error)
        self.error = error

    def __str__(self) -> str:
        return "the response was too large for one message (RESOURCE_EXHAUSTED)"


def _check_sync_fetch(fetch: object, function: str, aio_function: str) -> None:
    if not callable(fetch):
        raise TypeError(f"fetch must be callable, got {type(fetch).__name__}")
    if inspect.iscoroutinefunction(fetch):
        raise TypeError(
            f"{function} takes a plain fetch function, but this fetch is async: use {aio_function}"
        )


def _discard_awaitable(awaitable: object) -> None:
    """Close a coroutine that will never be awaited (no "never awaited" warning)."""
    close = getattr(awaitable, "close", None)
    if callable(close):
        close()


def resource_exhausted_as_too_large(
    fetch: Callable[[K | None, int], Page[T, K]], /
) -> Callable[[K | None, int], Page[T, K]]:
    """Wrap ``fetch`` so that a ``RESOURCE_EXHAUSTED`` error raises ``ResponseTooLargeError``.

    Other errors (any other status code, any other exception) propagate unchanged. Pass the
    result to ``itero.from_pages``/``itero.try_from_pages`` with
    ``too_large=ResponseTooLargeError``; ``from_unary_pages`` does exactly that.

    Note: a server may also answer ``RESOURCE_EXHAUSTED`` for a quota or rate limit; a smaller
    page then just means more requests, and a page of one item still failing ends the listing.

    >>> from itero import Page
    >>> class Exhausted(grpc.RpcError):
    ...     def code(self):
    ...         return grpc.StatusCode.RESOURCE_EXHAUSTED
    >>> def fetch(token: int | None, limit: int) -> Page[int, int]:
    ...     raise Exhausted()
    >>> resource_exhausted_as_too_large(fetch)(None, 10)
    Traceback (most recent call last):
        ...
    itero.grpc.ResponseTooLargeError: the response was too large for one message \
(RESOURCE_EXHAUSTED)
    """
    _check_sync_fetch(fetch, "resource_exhausted_as_too_large", "afrom_unary_pages")

    def fetch_or_too_large(token: K | None, limit: int) -> Page[T, K]:
        try:
            page = fetch(token, limit)
        except grpc.RpcError as error:
            code = getattr(error, "code", None)
            if callable(code) and code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
                raise ResponseTooLargeError(error) from error
            raise
        if inspect.isawaitable(page):
            _discard_awaitable(page)
            raise TypeError(
                "fetch returned an awaitable, not a Page: for an async fetch (a grpc.aio "
                "stub) use afrom_unary_pages"
            )
        return page

    return fetch_or_too_large


def from_unary_pages(
    fetch: Callable[[K | None, int], Page[T, K]],
    /,
    *,
    page_size: int,
    start: K | None = None,
    on_close: Callable[[], object] | None = None,
) -> Iter[T]:
    """Read a unary paginated RPC as one lazy ``Iter``, halving pages on ``RESOURCE_EXHAUSTED``.

    ``fetch(token, limit)`` calls the RPC and returns an ``itero.Page``; this is
    ``itero.from_pages`` (lazy, one page held at a time, ``on_close`` called once) with
    ``resource_exhausted_as_too_large(fetch)``: a response too large for the client's receive
    limit makes it retry the same token with half the limit, and keep the smaller limit.
    Any other ``grpc.RpcError`` propagates unchanged; a page of one item still too large
    raises ``itero.ItemTooLargeError``.

    >>> from itero import Page
    >>> class Exhausted(grpc.RpcError):
    ...     def code(self):
    ...         return grpc.StatusCode.RESOURCE_EXHAUSTED
    >>> def fetch(token: int | None, limit: int) -> Page[int, int]:
    ...     if limit > 2:  # as if a response of more than 2 items were too large
    ...         raise Exhausted()
    ...     first = token or 0
    ...     stop = min(first + limit, 5)
    ...     return Page(list(range(first, stop)), stop if stop < 5 else None)
    >>> from_unary_pages(fetch, page_size=8).collect()
    [0, 1, 2, 3, 4]
    """
    _check_sync_fetch(fetch, "from_unary_pages", "afrom_unary_pages")
    return from_pages(
        resource_exhausted_as_too_large(fetch),
        page_size=page_size,
        too_large=ResponseTooLargeError,
        start=start,
        on_close=on_close,
    )
