"""gRPC adapters: stream an ``Iter`` in size-bounded messages, read it back lazily.

A list RPC that returns everything in one response fails for everyone once the response
outgrows gRPC's maximum message size (grpcio's default receive limit is 4 MiB:
``RESOURCE_EXHAUSTED``, "Received message larger than max"). This module makes the fix one
call per method, with protoc-generated code or with grpcio's generic handlers:

- server: ``stream_messages`` (generated batch messages, ``message NodeBatch { repeated Node
  items = 1; }``) / ``stream_batches`` / ``stream_handler`` (bytes) turn an iterable into a
  server-streaming response whose messages never exceed ``max_message_bytes`` (default
  ``DEFAULT_MAX_MESSAGE_BYTES``, 4 MiB less 64 KiB), with ``max_delay`` for slow sources
  and ``cancellable`` for scans that must stop when the client goes away;
- client: ``iter_stream`` / ``iter_stream_results`` turn the call (a generated stub's, or a
  bytes one) back into a lazy ``Iter`` of items; closing it cancels the call;
- client of a unary paginated RPC: ``from_unary_pages`` follows the page tokens of a
  generated request/response (or of any ``fetch``) and halves the page size whenever the
  answer is ``RESOURCE_EXHAUSTED``;
- grpc.aio: the same, ``a``-prefixed, on ``AsyncIter`` (``astream_messages``,
  ``astream_batches``, ``astream_handler``, ``acancellable``, ``aiter_stream``,
  ``aiter_stream_results``, ``afrom_unary_pages``). A sync adapter given an aio object, or the
  reverse, is a ``TypeError`` naming the right function.

Wire format of one streamed message (a *batch*): the protobuf encoding of

.. code-block:: proto

    message Batch { repeated bytes items = 1; }

that is, for every item payload, the byte ``0x0A`` (field 1, wire type 2), the payload's
length as a base-128 varint, then the payload. A protobuf client can read it with that message
definition; ``decode_batch`` skips fields it does not know, as protobuf does. An item of
``n`` bytes takes exactly ``1 + varint_size(n) + n`` bytes of a batch, and a batch has no
other overhead, so the size bound is exact.

A generated ``NodeBatch`` is that same encoding with ``Node`` records: protobuf writes each
element of a repeated message field as one length-delimited record, so a batch message is the
concatenation of field-1 records, and ``stream_messages`` frames and sizes it exactly.

Typing: the grpc boundary is typed with the ``types-grpcio`` stubs (mypy needs them; pyright
ships them); generated stubs are typed by mypy-protobuf's ``_pb2_grpc.pyi``. With no
(de)serializer given, the stubs
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

import asyncio
import inspect
import io
import math
import operator
import sys
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Sequence,
)
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import Any, Final, Protocol, TypeVar, cast, final, overload

try:
    import grpc
except ImportError as _exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "itero.grpc needs grpcio, which is not installed: pip install 'itero[grpc]'"
    ) from _exc

from ._adrivers import AsyncClosing, AsyncRelease
from ._aiter import AsyncIter
from ._akit import afrom_pages
from ._checks import check_callable, check_int, check_number
from ._errors import ItemTooLargeError
from ._iter import Iter
from ._kit import from_pages
from ._paging import GROW_AFTER, Page, PageRecord, Retry, StreamMeter
from ._result import Err, Ok, Result
from ._stages import CallOnce, Closing, aclose_source, close_source, is_async_callable

__all__ = [
    "DEFAULT_MAX_MESSAGE_BYTES",
    "TRANSIENT_RETRY",
    "AioBatchStreamingCall",
    "AioStreamingCall",
    "BatchMessage",
    "BatchMessageType",
    "BatchStreamingCall",
    "MessageItemTooLargeError",
    "ProtoMessage",
    "ResponseTooLargeError",
    "RpcFailure",
    "StreamMessageTooLargeError",
    "StreamingCall",
    "SupportsSerializeToString",
    "acancellable",
    "afrom_unary_pages",
    "aiter_stream",
    "aiter_stream_results",
    "astream_batches",
    "astream_handler",
    "astream_messages",
    "cancellable",
    "decode_batch",
    "encode_batch",
    "from_unary_pages",
    "is_transient",
    "iter_stream",
    "iter_stream_results",
    "resource_exhausted_as_too_large",
    "stream_batches",
    "stream_handler",
    "stream_messages",
]

T = TypeVar("T")
K = TypeVar("K")
R = TypeVar("R")
B = TypeVar("B")
B_co = TypeVar("B_co", covariant=True)
T_co = TypeVar("T_co", covariant=True)

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


_CACHED_HEADERS: Final = 1 << 14
"""Headers of items shorter than this (at most 3 bytes) are cached once computed."""


class _Headers(dict[int, bytes]):
    """``headers[n]``: the tag and varint length of an ``n``-byte item, cached for small ``n``.

    A dict lookup is a C call: ``map(_header, map(len, payloads))`` frames items without a
    Python frame per item (``__missing__`` runs once per new size).
    """

    def __missing__(self, n: int) -> bytes:
        header = b"\n" + _varint(n)
        if n < _CACHED_HEADERS:
            self[n] = header
        return header


_header: Final = _Headers(enumerate(_SHORT_HEADERS)).__getitem__


def encode_batch(payloads: Iterable[bytes | bytearray], /) -> bytes:
    """Encode item payloads as one batch message (protobuf ``repeated bytes items = 1;``).

    Each payload becomes ``0x0A``, its length as a varint, then its bytes; the message is
    their concatenation, so an empty batch is ``b""``. ``stream_batches`` does this for you;
    use it to build a unary response in the same format (as a page of a paginated RPC).
    One ``b"".join`` of cached headers and the payloads: no Python call per item.

    Raises:
        TypeError: if a payload is not ``bytes`` (or ``bytearray``).

    >>> encode_batch([b"a", b"bc"])
    b'\\n\\x01a\\n\\x02bc'
    >>> len(encode_batch([b"x" * 300]))  # 1 tag byte + 2 length bytes + 300
    303
    """
    items = payloads if isinstance(payloads, list) else list(payloads)
    try:
        pieces: list[bytes | bytearray] = [b""] * (2 * len(items))
        pieces[::2] = map(_header, map(len, items))  # headers at even positions
        pieces[1::2] = items  # payloads at odd ones
        return b"".join(pieces)
    except TypeError:
        checked: list[object] = list(items)
        for payload in checked:
            if not isinstance(payload, (bytes, bytearray)):
                raise TypeError(
                    f"payloads must be bytes or bytearray, got {type(payload).__name__}"
                ) from None
        raise  # pragma: no cover - every payload is bytes: not a payload's fault


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


def _load_protobuf_parser() -> tuple[Callable[[bytes], Any], type[Exception]] | None:
    """``Batch.FromString`` for ``message Batch { repeated bytes items = 1; }``, or None.

    Built at run time in a private descriptor pool (no generated code) when protobuf's C
    implementation (upb) is installed: it parses a batch in C, several times faster than the
    Python loop. None without protobuf, or with its pure-Python implementation.
    """
    try:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
        from google.protobuf.internal import api_implementation
        from google.protobuf.message import DecodeError
    except ImportError:
        return None
    if api_implementation.Type() != "upb":
        return None
    proto = descriptor_pb2.FileDescriptorProto(
        name="itero/grpc_batch.proto", package="itero.grpc", syntax="proto3"
    )
    proto.message_type.add(name="Batch").field.add(
        name="items",
        number=1,
        type=descriptor_pb2.FieldDescriptorProto.TYPE_BYTES,
        label=descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED,
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    batch_class: Any = message_factory.GetMessageClass(
        pool.FindMessageTypeByName("itero.grpc.Batch")
    )
    parse: Callable[[bytes], Any] = batch_class.FromString
    return parse, DecodeError


_parsers: list[tuple[Callable[[bytes], Any], type[Exception]] | None] = []
"""The protobuf parser, once looked for (empty until the first ``decode_batch``)."""


def decode_batch(message: bytes, /) -> list[bytes]:
    """Decode a batch message into its item payloads, in order.

    The inverse of ``encode_batch``. As a protobuf parser would, it skips fields other than
    ``items = 1`` (wire types 0, 1, 2 and 5), so a sender may add fields later. When protobuf's
    C implementation is installed, it does the parsing (no Python call per item; it also skips
    deprecated group fields, which the Python loop rejects); a message it rejects is decoded
    again in Python, which names the fault.

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
    if not _parsers:
        _parsers.append(_load_protobuf_parser())
    parser = _parsers[0]
    if parser is not None and message.__class__ is bytes:
        parse, decode_error = parser
        try:
            return list(parse(message).items)
        except decode_error:
            pass  # malformed: the Python loop below says how
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
# server side: the packing algorithm (no I/O, no clock), shared by the sync and aio drivers
# ---------------------------------------------------------------------------------------------


class _Packer:
    """Frames item payloads into batch messages of at most ``max_bytes`` bytes each.

    The message being filled is one ``io.BytesIO``: memory is the message's bytes, not one
    object per item, and ``take()`` hands the buffer over as ``bytes`` without copying it
    (``BytesIO.getvalue`` shrinks and shares its buffer when nothing else uses it). Pure: the
    drivers decide when to pull, when to flush on time, and where messages go.
    """

    __slots__ = (
        "_buffer",
        "_count",
        "_max_bytes",
        "_max_delay",
        "_max_items",
        "_started",
        "_used",
        "_write",
        "index",
    )

    def __init__(self, max_bytes: int, max_items: int | None, max_delay: float = math.inf) -> None:
        self._max_bytes = max_bytes
        self._max_items = sys.maxsize if max_items is None else max_items
        self._max_delay = max_delay
        self._started = 0.0  # when the first item of the message being filled arrived
        self._buffer = io.BytesIO()
        self._write = self._buffer.write
        self._used = 0
        self._count = 0
        self.index = 0
        """The source position of the next item (the number of items added so far)."""

    @property
    def count(self) -> int:
        """The number of items in the message being filled."""
        return self._count

    def add(self, payload: object) -> bytes | None:
        """Frame ``payload`` into the message; return the previous message if it was full.

        Raises ``MessageItemTooLargeError`` (after nothing was added) if the framed item alone
        exceeds ``max_bytes``, and ``TypeError`` if ``payload`` is not bytes.
        """
        if not isinstance(payload, (bytes, bytearray)):
            raise TypeError(f"serialize must return bytes, got {type(payload).__name__}")
        n = len(payload)
        header = _header(n)
        size = len(header) + n
        full: bytes | None = None
        if self._used + size > self._max_bytes or self._count == self._max_items:
            if size > self._max_bytes:
                raise MessageItemTooLargeError(self.index, n, self._max_bytes, len(header))
            full = self.take()
        write = self._write
        write(header)
        write(payload)
        self._used += size
        self._count += 1
        self.index += 1
        return full

    def push(self, payload: object, now: float) -> bytes | None:
        """``add`` at time ``now``: also return the message once it has waited ``max_delay``.

        The message being filled is due when an item arrives ``max_delay`` or more after its
        first item; it is returned with that item in it.
        """
        full = self.add(payload)
        if full is not None or self._count == 1:
            self._started = now
            return full
        if now - self._started >= self._max_delay:
            return self.take()
        return None

    @property
    def deadline(self) -> float:
        """When the message being filled is due (``inf`` when it is empty)."""
        return self._started + self._max_delay if self._count else math.inf

    def take(self) -> bytes:
        """Return the message filled so far (maybe empty) and start a new one."""
        message = self._buffer.getvalue()
        self._buffer = io.BytesIO()
        self._write = self._buffer.write
        self._used = 0
        self._count = 0
        return message


class MessageItemTooLargeError(ItemTooLargeError):
    """An item that does not fit in a message of its own: its framed size > ``max_message_bytes``.

    Raised by ``stream_batches``/``stream_messages`` (and their aio twins) after the items
    before it were sent. As an ``itero.ItemTooLargeError`` it has ``index`` (the item's
    position in the source), ``size`` (its serialized size), ``overhead`` (its tag and length
    prefix) and ``max_bytes``; its message says which limits to change.

    >>> print(MessageItemTooLargeError(index=7, size=5_000_000, max_bytes=4_128_768, overhead=5))
    item at index 7 has 5000000 bytes (5000005 with its tag and length prefix), over \
max_message_bytes=4128768: raise max_message_bytes (and grpc.max_receive_message_length on the \
clients' channels, 4 MiB by default), or make the item smaller
    """

    def __str__(self) -> str:
        key = "" if self.key is None else f" (key {self.key!r})"
        return (
            f"item at index {self.index}{key} has {self.size} bytes ({self.size + self.overhead} "
            f"with its tag and length prefix), over max_message_bytes={self.max_bytes}: raise "
            "max_message_bytes (and grpc.max_receive_message_length on the clients' channels, "
            "4 MiB by default), or make the item smaller"
        )


def _raise_flag(flag: list[None], _context: object = None) -> None:
    """Raise ``flag`` (a termination callback): exactly one element, however often it runs.

    ``_until_set`` stops at length 1 exactly, so a second call must not add another.
    """
    if not flag:
        flag.append(None)


def _until_set(flag: list[None], items: Iterator[T]) -> Iterator[T]:
    """``items``, ending as soon as ``flag`` is non-empty (checked before every pull, in C).

    ``iter(flag.__len__, 1)`` gives 0 until an element is appended; ``zip`` asks it before it
    pulls ``items``, so once the flag is raised no further item is pulled.
    """
    return map(_second, zip(iter(flag.__len__, 1), items))  # noqa: B905 - ends first


_second: Final = operator.itemgetter(1)


# ---------------------------------------------------------------------------------------------
# server side: sync driver
# ---------------------------------------------------------------------------------------------


def _pack(
    source: Iterable[T],
    flag: list[None] | None,
    serialize: Callable[[T], bytes],
    packer: _Packer,
    timed: bool,
) -> Generator[bytes, None, None]:
    """The full messages of a sync ``source`` (not the last, partly filled one).

    Pulls ``source`` until ``flag`` is raised; ``timed``: by ``packer.push`` with the time of
    each item, else by ``packer.add``. Shared by ``_produce`` and ``_aproduce`` (for a sync
    source, pulled on the event loop); it yields once per message, not per item.
    """
    items = iter(source) if flag is None else _until_set(flag, iter(source))
    if timed:
        push = packer.push
        clock = time.monotonic
        for item in items:
            full = push(serialize(item), clock())
            if full is not None:
                yield full
    else:
        add = packer.add
        for item in items:
            full = add(serialize(item))
            if full is not None:
                yield full


def _produce(
    source: Iterable[T],
    flag: list[None] | None,
    serialize: Callable[[T], bytes],
    max_message_bytes: int,
    max_items: int | None,
    max_delay: float | None,
    release: CallOnce,
) -> Generator[bytes, None, None]:
    packer = _Packer(max_message_bytes, max_items, math.inf if max_delay is None else max_delay)
    failure: Exception | None = None
    try:
        try:
            yield from _pack(source, flag, serialize, packer, max_delay is not None)
        except Exception as exc:  # the source or serialize: send what came before it first
            failure = exc
        if packer.count:
            yield packer.take()
        if failure is not None:
            raise failure
    finally:
        # Runs when the stream ends, fails, or is closed/dropped (grpcio stops iterating a
        # cancelled stream and drops it, which closes this generator): release the source.
        del failure
        release()


def _on_termination(context: grpc.ServicerContext, function: str) -> list[None]:
    """A flag raised (made non-empty) when the RPC terminates, for ``_until_set``."""
    _check_sync_context(context, function, "a" + function)
    flag: list[None] = []
    # The callback runs on grpcio's thread when the RPC terminates (for any reason; after a
    # normal end nothing is pulled anyway). False: the RPC has already ended.
    registered = context.add_callback(partial(_raise_flag, flag, None))
    if registered is not True and registered is not False:
        # Not grpcio's sync server: reading None as "already ended" would send an empty
        # stream with status OK.
        raise TypeError(
            f"{function}: context.add_callback returned {registered!r}, not a bool: the "
            f"context is not a grpc.server (sync) ServicerContext; on a grpc.aio server use "
            f"a{function}"
        )
    if not registered:
        _raise_flag(flag, None)
    return flag


def _check_stream_args(
    max_message_bytes: object, max_items: object, max_delay: object
) -> float | None:
    check_int(max_message_bytes, "max_message_bytes", 1)
    if max_items is not None:
        check_int(max_items, "max_items", 1)
    return None if max_delay is None else check_number(max_delay, "max_delay", positive=False)


def _stream(
    items: Iterable[T],
    serialize: Callable[[T], bytes],
    context: grpc.ServicerContext | None,
    max_message_bytes: int,
    max_items: int | None,
    max_delay: float | None,
    function: str,
) -> Iter[bytes]:
    flag = None if context is None else _on_termination(context, function)
    release = CallOnce(partial(close_source, items))
    messages = _produce(items, flag, serialize, max_message_bytes, max_items, max_delay, release)
    # Closing before the first message never starts the generator: release the source too.
    return Iter(Closing(messages, messages.close, release))


def stream_batches(
    items: Iterable[T],
    serialize: Callable[[T], bytes],
    /,
    context: grpc.ServicerContext | None = None,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    max_items: int | None = None,
    max_delay: float | None = None,
) -> Iter[bytes]:
    """Pack ``items`` into batch messages of at most ``max_message_bytes`` each, lazily.

    Return it from a server-streaming handler registered with no response serializer (the
    messages are already bytes), or use ``stream_handler``; with protoc-generated code, use
    ``stream_messages``. Each item is ``serialize``-d and framed as in ``encode_batch``;
    batches are filled greedily in order, so the client reads the items back in order, each
    exactly once.

    Memory: the message being filled is one buffer of at most ``max_message_bytes`` (not one
    object per item), handed to grpcio without a copy; with the message grpcio is still
    sending, at most 2x ``max_message_bytes`` plus one item, whatever the item size.

    Time: with ``max_delay`` (seconds), a partly filled message is sent as soon as an item
    arrives ``max_delay`` or more after the first item of that message, so a slow source
    still reaches the client before its deadline. The check runs when an item arrives: a
    source that blocks for a long time between two items delays it (``astream_batches``
    flushes on time even then).

    Cancellation: with ``context``, a callback registered with ``context.add_callback`` stops
    production when the RPC ends early (client cancel, deadline): ``items`` is not pulled
    again after that. What ``items`` itself pulls from (the cursor under an
    ``Iter(cursor).filter(rare)``) is not watched: wrap that source with ``cancellable`` to
    stop it at the next pull. Whenever the stream ends (exhausted, failed, cancelled, closed,
    even before its first message, or dropped by grpcio once started) the source's
    ``close()`` is called once, if it has one (a generator, a file, an ``Iter``).

    Errors: if the source or ``serialize`` raises, the items before it are still sent (the
    pending batch is flushed), then the exception propagates to grpcio, which ends the RPC
    with ``UNKNOWN`` ("Exception iterating responses: ..."), or with the status given to
    ``context.abort``. An item whose framed size exceeds ``max_message_bytes`` raises
    ``MessageItemTooLargeError`` (an ``itero.ItemTooLargeError``, naming its position) the
    same way, after the items before it.

    Args:
        items: the items to send, in order.
        serialize: ``T -> bytes``.
        context: the handler's ``grpc.ServicerContext`` (None outside a server, e.g. tests).
        max_message_bytes: the largest message, >= 1 (the framing of each item included).
        max_items: the most items in a message (None: no limit).
        max_delay: the longest a partly filled message waits for more items, in seconds
            (None: until it is full).

    Raises:
        TypeError, ValueError: at the call, for a bad argument (named in the message), or a
            ``grpc.aio`` context (use ``astream_batches``).

    >>> messages = stream_batches(["ab", "cd", "e"], str.encode, max_message_bytes=8)
    >>> [decode_batch(m) for m in messages]
    [[b'ab', b'cd'], [b'e']]
    """
    check_callable(serialize, "serialize")
    delay = _check_stream_args(max_message_bytes, max_items, max_delay)
    return _stream(items, serialize, context, max_message_bytes, max_items, delay, "stream_batches")


class SupportsSerializeToString(Protocol):
    """A protobuf message, as far as ``stream_messages`` is concerned.

    >>> from google.protobuf.wrappers_pb2 import StringValue
    >>> message: SupportsSerializeToString = StringValue(value="a")
    >>> message.SerializeToString()
    b'\\n\\x01a'
    """

    def SerializeToString(self) -> bytes:
        """Return the message's wire encoding."""
        ...


class BatchMessageType(Protocol[B_co]):
    """A generated batch message class (``NodeBatch``), as far as ``stream_messages`` needs.

    >>> from google.protobuf.descriptor_pb2 import FileDescriptorSet
    >>> batch_type: BatchMessageType[FileDescriptorSet] = FileDescriptorSet
    >>> batch_type.FromString(b"") == FileDescriptorSet()
    True
    """

    def FromString(self, serialized: bytes, /) -> B_co:
        """Parse a message."""
        ...


_serialize_message: Final = operator.methodcaller("SerializeToString")


def _check_batch_type(batch_type: object) -> None:
    descriptor = getattr(batch_type, "DESCRIPTOR", None)
    fields = getattr(descriptor, "fields_by_number", None)
    get_field = getattr(fields, "get", None)
    if not callable(get_field) or not callable(getattr(batch_type, "FromString", None)):
        raise TypeError(
            f"batch_type must be a generated protobuf message class, got {batch_type!r}"
        )
    name = getattr(descriptor, "full_name", repr(batch_type))
    field: Any = get_field(1)
    repeated = field is not None and (
        field.is_repeated if hasattr(field, "is_repeated") else field.label == 3
    )
    if not repeated or getattr(field, "type", None) not in (11, 12):  # MESSAGE, BYTES
        raise TypeError(
            f"batch_type {name} must have a repeated message (or bytes) field number 1, as "
            "in `message NodeBatch { repeated Node items = 1; }`: a batch message is the "
            "concatenation of field-1 records"
        )


def stream_messages(
    items: Iterable[SupportsSerializeToString],
    batch_type: BatchMessageType[B],
    /,
    context: grpc.ServicerContext | None = None,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    max_items: int | None = None,
    max_delay: float | None = None,
) -> Iter[B]:
    """Stream protobuf ``items`` as ``batch_type`` messages of at most ``max_message_bytes``.

    The one call of a protoc-generated server-streaming method whose response is a batch
    message, ``message NodeBatch { repeated Node items = 1; }``::

        def StreamNodes(self, request, context):
            return stream_messages(self.nodes(request), NodeBatch, context)

    Each item is serialized once and framed as field 1 of the batch; every message is then
    a real ``batch_type`` instance (parsed from those bytes), which the generated code's
    ``NodeBatch.SerializeToString`` sends unchanged. Wire compatibility: protobuf encodes
    ``repeated Node items = 1`` as one length-delimited record per item (tag ``0x0A``, the
    item's size as a varint, its bytes) and nothing else, so a batch of items is exactly the
    concatenation of their records, the same bytes as ``stream_batches`` sends for the
    serialized items, and its size is exactly the sum of the records' sizes (the bound is
    exact). Ordering, memory, ``max_delay``, cancellation, closing and errors are as for
    ``stream_batches``.

    Raises:
        TypeError: at the call, if ``batch_type`` has no repeated message field number 1,
            or for a ``grpc.aio`` context (use ``astream_messages``); ValueError: a bad
            limit (named in the message).

    >>> from google.protobuf.descriptor_pb2 import FileDescriptorProto, FileDescriptorSet
    >>> # message FileDescriptorSet { repeated FileDescriptorProto file = 1; }
    >>> protos = [FileDescriptorProto(name=f"{name}.proto") for name in ("a", "b", "c")]
    >>> for batch in stream_messages(protos, FileDescriptorSet, max_message_bytes=22):
    ...     print([f.name for f in batch.file])
    ['a.proto', 'b.proto']
    ['c.proto']
    """
    _check_batch_type(batch_type)
    delay = _check_stream_args(max_message_bytes, max_items, max_delay)
    messages = _stream(
        items,
        _serialize_message,
        context,
        max_message_bytes,
        max_items,
        delay,
        "stream_messages",
    )
    return messages.map(batch_type.FromString)


def cancellable(items: Iterable[T], context: grpc.ServicerContext, /) -> Iter[T]:
    """``items``, ending at the next pull once the RPC of ``context`` has terminated.

    ``stream_batches`` stops pulling its own source when the client cancels or its deadline
    passes, but a pipeline over a cursor (``Iter(cursor).filter(rare)``) may pull the cursor
    many times for one item; wrap the cursor itself to stop that scan::

        rows = cancellable(cursor, context)
        return stream_messages(Iter(rows).filter(rare), NodeBatch, context)

    The check (a flag raised by ``context.add_callback``) runs before every pull, in C: no
    Python call per item. Closing the result closes ``items`` (if it has ``close()``).

    >>> class FakeContext:  # the RPC ends after two items
    ...     def add_callback(self, callback):
    ...         self.end = callback
    ...         return True
    >>> context = FakeContext()
    >>> rows = cancellable(range(10), context)
    >>> next(rows), next(rows)
    (0, 1)
    >>> context.end()
    >>> rows.collect()
    []
    """
    flag = _on_termination(context, "cancellable")
    return Iter(Closing(_until_set(flag, iter(items)), partial(close_source, items)))


def stream_handler(
    behavior: Callable[[R, grpc.ServicerContext], Iterable[T]],
    /,
    serialize: Callable[[T], bytes],
    *,
    request_deserializer: Callable[[bytes], R],
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    max_items: int | None = None,
    max_delay: float | None = None,
) -> grpc.RpcMethodHandler[R, bytes]:
    """Make a server-streaming method handler that streams ``behavior``'s items in batches.

    ``behavior(request, context)`` returns the items (an ``Iter``, a generator, a list...);
    they are sent with ``stream_batches``, whose memory, cancellation, closing and error
    behaviour apply. Register the handler with ``grpc.method_handlers_generic_handler`` on a
    ``grpc.server`` (for a ``grpc.aio`` server, use ``astream_handler``: this one fails with
    a ``TypeError`` there instead of streaming nothing). With protoc-generated code, write
    the servicer method with ``stream_messages`` instead.

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
    check_callable(behavior, "behavior")
    check_callable(serialize, "serialize")
    delay = _check_stream_args(max_message_bytes, max_items, max_delay)

    def respond(request: R, context: grpc.ServicerContext) -> Iter[bytes]:
        # Checked before behavior runs: on a grpc.aio server, fail instead of streaming.
        _check_sync_context(context, "stream_handler", "astream_handler")
        return _stream(
            behavior(request, context),
            serialize,
            context,
            max_message_bytes,
            max_items,
            delay,
            "stream_batches",
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


def _call_method(error: object, name: str) -> object:
    """``error.<name>()``, or None if ``error`` has no such method (grpcio raises some
    ``grpc.RpcError``s without a status)."""
    method = getattr(error, name, None)
    return method() if callable(method) else None


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
        code = _call_method(error, "code")
        details = _call_method(error, "details")
        return cls(
            code if isinstance(code, grpc.StatusCode) else grpc.StatusCode.UNKNOWN,
            details if isinstance(details, str) else "",
        )


def _check_client_args(call: object, deserialize: object, function: str) -> None:
    _check_sync_call(call, function, "a" + function)
    if not callable(getattr(call, "cancel", None)):
        raise TypeError(f"call must be a streaming call with cancel(), got {type(call).__name__}")
    if deserialize is not None:
        check_callable(deserialize, "deserialize")


class BatchMessage(Protocol[T_co]):
    """A generated batch message, ``message NodeBatch { repeated Node items = 1; }``.

    ``iter_stream(call)`` reads its ``items``; the field must be named ``items``.

    >>> class Batch:  # a generated NodeBatch, as far as iter_stream is concerned
    ...     items = ("a", "b")
    >>> batch: BatchMessage[str] = Batch()
    >>> list(batch.items)
    ['a', 'b']
    """

    @property
    def items(self) -> Sequence[T_co]:
        """The items of the batch, in order."""
        ...


class BatchStreamingCall(Protocol[T_co]):
    """A generated stub's server-streaming call whose messages are batch messages.

    ``stub.StreamNodes(request)`` is one when ``StreamNodes`` returns ``stream NodeBatch``.

    >>> class Batch:
    ...     def __init__(self, *items: str) -> None:
    ...         self.items = items
    >>> class Call:
    ...     def __iter__(self) -> Iterator[Batch]:
    ...         return iter([Batch("a", "b"), Batch("c")])
    ...     def cancel(self) -> bool:
    ...         return False
    >>> iter_stream(Call()).collect()
    ['a', 'b', 'c']
    """

    def __iter__(self) -> Iterator[BatchMessage[T_co]]:
        """Iterate the response messages."""
        ...

    def cancel(self) -> bool:
        """Cancel the call (grpcio returns False when the call had already ended)."""
        ...


class StreamMessageTooLargeError(grpc.RpcError):
    """A streamed message was larger than this client accepts (``RESOURCE_EXHAUSTED``).

    A ``grpc.RpcError`` with the original ``code()`` and ``details()`` (the original error is
    ``error`` and ``__cause__``); ``index`` is the position in the stream of the first item
    of the message that was refused (the number of items in the messages before it), and the
    message says which limit to change.

    >>> print(StreamMessageTooLargeError(grpc.RpcError(), 1200))
    the message after item 1199 of the stream (the item at index 1200 and the ones batched \
with it) is larger than this channel accepts (RESOURCE_EXHAUSTED): pass a max_message_bytes no \
larger than the channel's grpc.max_receive_message_length to the server's stream_messages or \
stream_batches, or raise that channel option
    """

    def __init__(self, error: grpc.RpcError, index: int) -> None:
        super().__init__(error, index)
        self.error = error
        self.index = index

    def code(self) -> grpc.StatusCode:
        """``RESOURCE_EXHAUSTED``.

        >>> StreamMessageTooLargeError(grpc.RpcError(), 0).code()
        <StatusCode.RESOURCE_EXHAUSTED: (8, 'resource exhausted')>
        """
        return grpc.StatusCode.RESOURCE_EXHAUSTED

    def details(self) -> str:
        """grpcio's details, as "Received message larger than max (5000 vs. 4096)".

        >>> class Refused(grpc.RpcError):
        ...     def details(self):
        ...         return "Received message larger than max (5000 vs. 4096)"
        >>> StreamMessageTooLargeError(Refused(), 0).details()
        'Received message larger than max (5000 vs. 4096)'
        """
        return RpcFailure.from_rpc_error(self.error).details

    def __str__(self) -> str:
        details = self.details()
        where = (
            f"the message after item {self.index - 1} of the stream (the item at index "
            f"{self.index} and the ones batched with it)"
            if self.index
            else "the first message of the stream (the item at index 0 and the ones batched "
            "with it)"
        )
        return (
            f"{where} is larger than this channel accepts (RESOURCE_EXHAUSTED"
            f"{': ' + details if details else ''}): pass a max_message_bytes no larger than the "
            "channel's grpc.max_receive_message_length to the server's stream_messages or "
            "stream_batches, or raise that channel option"
        )


def _is_resource_exhausted(error: grpc.RpcError) -> bool:
    return _call_method(error, "code") == grpc.StatusCode.RESOURCE_EXHAUSTED


def _unpack_bytes(message: object) -> list[bytes]:
    if not isinstance(message, bytes):
        raise TypeError(
            f"the call's messages are {type(message).__name__}, not bytes: a generated stub "
            "already parses them, so leave out deserialize (iter_stream(call) reads the "
            "`items` of batch messages)"
        )
    return decode_batch(message)


def _unpack_items(message: Any) -> Sequence[object]:
    try:
        items: Sequence[object] = message.items
    except AttributeError:
        raise TypeError(
            f"without deserialize, the call's messages must be batch messages with a repeated "
            f"field `items` (message NodeBatch {{ repeated Node items = 1; }}), got "
            f"{type(message).__name__}; for bytes messages pass deserialize"
        ) from None
    return items


def _message_size(message: object) -> int | None:
    """The encoded size of a received message: ``len`` of bytes, ``ByteSize()`` of a protobuf
    message, else None."""
    if isinstance(message, (bytes, bytearray)):
        return len(message)
    byte_size = getattr(message, "ByteSize", None)
    size: object = byte_size() if callable(byte_size) else None
    return size if isinstance(size, int) else None


def _check_meter_args(on_page: object, clock: object) -> None:
    if on_page is not None:
        check_callable(on_page, "on_page")
    check_callable(clock, "clock")


class _MessageTally:
    """The per-message bookkeeping of a stream read (no I/O): shared by the sync and aio readers.

    ``items(message)`` unpacks a message, counts its items (``delivered``: the position of the
    next message's first item, for ``StreamMessageTooLargeError``) and, with ``on_page``,
    gives it the message's ``PageRecord`` before its items are delivered.
    """

    __slots__ = ("_meter", "_on_page", "_unpack", "delivered")

    def __init__(
        self,
        unpack: Callable[[object], Sequence[Any]],
        on_page: Callable[[PageRecord[Any]], object] | None,
        clock: Callable[[], float],
    ) -> None:
        self._unpack = unpack
        self._on_page = on_page
        self._meter = None if on_page is None else StreamMeter(clock)
        self.delivered = 0

    def items(self, message: object) -> Sequence[Any]:
        items = self._unpack(message)
        self.delivered += len(items)
        if self._on_page is not None and self._meter is not None:
            self._on_page(self._meter.record(len(items), _message_size(message)))
        return items


def _message_lists(
    call: Iterable[object],
    unpack: Callable[[object], Sequence[Any]],
    on_page: Callable[[PageRecord[Any]], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Generator[Sequence[Any], None, None]:
    """Each message's items, in order; a failed RPC raises after them.

    A ``RESOURCE_EXHAUSTED`` failure (a message over the client's receive limit) becomes a
    ``StreamMessageTooLargeError`` naming the position of the message's first item. With
    ``on_page``, each message's ``PageRecord`` goes to it before its items are delivered.
    """
    messages = iter(call)
    tally = _MessageTally(unpack, on_page, clock)
    take = tally.items
    while True:
        try:
            message = next(messages)
        except StopIteration:
            return
        except grpc.RpcError as error:
            if _is_resource_exhausted(error):
                raise StreamMessageTooLargeError(error, tally.delivered) from error
            raise
        yield take(message)


def _message_items(
    call: Iterable[object],
    unpack: Callable[[object], Sequence[Any]],
    convert: Callable[[Any], Any] | None,
) -> Generator[Iterable[Any], None, None]:
    """``_message_lists``, with each item as ``Ok`` (``convert``-ed) and a failure as ``Err``.

    A message too large is ``Err(RpcFailure(RESOURCE_EXHAUSTED, details))``, as the error was:
    ``StreamMessageTooLargeError`` keeps its ``code()`` and ``details()``.
    """
    try:
        for items in _message_lists(call, unpack):
            yield map(Ok, items if convert is None else map(convert, items))
    except grpc.RpcError as error:
        yield (Err(RpcFailure.from_rpc_error(error)),)


@overload
def iter_stream(
    call: BatchStreamingCall[T],
    /,
    *,
    on_page: Callable[[PageRecord[Any]], object] | None = ...,
    clock: Callable[[], float] = ...,
) -> Iter[T]: ...
@overload
def iter_stream(
    call: StreamingCall,
    deserialize: Callable[[bytes], T],
    /,
    *,
    on_page: Callable[[PageRecord[Any]], object] | None = ...,
    clock: Callable[[], float] = ...,
) -> Iter[T]: ...
def iter_stream(
    call: Any,
    deserialize: Callable[[bytes], Any] | None = None,
    /,
    *,
    on_page: Callable[[PageRecord[Any]], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Iter[Any]:
    """Read a batched server stream as a lazy ``Iter`` of items.

    With a protoc-generated stub, ``iter_stream(stub.StreamNodes(request))`` gives the
    ``items`` of each ``NodeBatch`` (see ``stream_messages``) as one ``Iter[Node]``. With a
    bytes call (``channel.unary_stream(method)(request)``, see ``stream_batches``), pass
    ``deserialize`` to turn each item's bytes into a value.

    A message is read only when the consumer has used up the previous one, and one message is
    held at a time. Closing the ``Iter`` (``close()``, or leaving a ``with`` block early)
    cancels the call, so the server stops producing.

    Errors: a failed RPC raises its ``grpc.RpcError`` (with ``code()`` and ``details()``)
    after every item of the messages before it; a message over this channel's receive limit
    raises ``StreamMessageTooLargeError`` (a ``grpc.RpcError``) saying which limit to change.
    Use ``iter_stream_results`` to get a failure as an ``Err`` item instead.
    ``deserialize``'s exceptions propagate unchanged.

    Progress: ``on_page`` (optional) gets a ``PageRecord`` for each message as it arrives
    (``number``, ``items``, ``nbytes``: the bytes' length or the message's ``ByteSize()``, and
    ``elapsed`` since the first read, by ``clock``), as ``from_pages``'s hook does for pages.

    Raises:
        TypeError: at the call, for a ``grpc.aio`` call (use ``aiter_stream``); while
            iterating, for bytes messages without ``deserialize`` or parsed messages with it.

    >>> class FakeCall:  # a grpcio call, as far as iter_stream is concerned
    ...     def __iter__(self):
    ...         return iter([encode_batch([b"a", b"b"]), encode_batch([b"c"])])
    ...     def cancel(self):
    ...         return False
    >>> iter_stream(FakeCall(), bytes.decode).collect()
    ['a', 'b', 'c']
    """
    _check_client_args(call, deserialize, "iter_stream")
    _check_meter_args(on_page, clock)
    unpack = _unpack_items if deserialize is None else _unpack_bytes
    batches = _message_lists(call, unpack, on_page, clock)
    items: Iterator[Any] = chain.from_iterable(batches)
    if deserialize is not None:
        items = map(deserialize, items)
    # Cancelling a call that already ended is a no-op (grpcio returns False).
    return Iter(Closing(items, call.cancel, batches.close))


@overload
def iter_stream_results(call: BatchStreamingCall[T], /) -> Iter[Result[T, RpcFailure]]: ...
@overload
def iter_stream_results(
    call: StreamingCall, deserialize: Callable[[bytes], T], /
) -> Iter[Result[T, RpcFailure]]: ...
def iter_stream_results(
    call: Any, deserialize: Callable[[bytes], Any] | None = None, /
) -> Iter[Result[Any, RpcFailure]]:
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
    unpack = _unpack_items if deserialize is None else _unpack_bytes
    batches = _message_items(call, unpack, deserialize)
    results = chain.from_iterable(batches)
    return Iter(Closing(results, call.cancel, batches.close))


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
    check_callable(fetch, "fetch")
    if is_async_callable(fetch):
        raise TypeError(
            f"{function} takes a plain fetch function, but this fetch is async: use {aio_function}"
        )


def _discard_awaitable(awaitable: object) -> None:
    """Close a coroutine that will never be awaited (no "never awaited" warning)."""
    close = getattr(awaitable, "close", None)
    if callable(close):
        close()


_TRANSIENT_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})


def is_transient(error: Exception, /) -> bool:
    """Whether ``error`` is a gRPC failure worth retrying: ``UNAVAILABLE`` or ``DEADLINE_EXCEEDED``.

    The predicate of ``TRANSIENT_RETRY`` (``itero.Retry(on=is_transient)``).

    >>> class Unavailable(grpc.RpcError):
    ...     def code(self):
    ...         return grpc.StatusCode.UNAVAILABLE
    >>> is_transient(Unavailable()), is_transient(grpc.RpcError()), is_transient(KeyError())
    (True, False, False)
    """
    return isinstance(error, grpc.RpcError) and _call_method(error, "code") in _TRANSIENT_CODES


TRANSIENT_RETRY = Retry(on=is_transient)
"""``from_unary_pages``'s default retry policy: ``UNAVAILABLE``/``DEADLINE_EXCEEDED`` are retried
from the same token, up to 5 attempts per page, after 0.1, 0.2, 0.4, 0.8 s (less jitter)."""


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
            if _is_resource_exhausted(error):
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


class ProtoMessage(Protocol):
    """A generated protobuf message, as far as ``from_unary_pages`` needs of a request.

    >>> from google.protobuf.wrappers_pb2 import StringValue
    >>> request: ProtoMessage = StringValue()
    >>> request.CopyFrom(StringValue(value="template"))
    >>> request
    value: "template"
    <BLANKLINE>
    """

    def CopyFrom(self, other_msg: Any, /) -> None:
        """Copy ``other_msg``'s fields into this message."""
        ...


Req = TypeVar("Req", bound=ProtoMessage)
Resp = TypeVar("Resp")


def _field_names(message: object) -> list[str]:
    fields = getattr(getattr(message, "DESCRIPTOR", None), "fields_by_name", None)
    return sorted(fields) if fields is not None else []


def _page_codec(
    request: Any,
    items: Callable[[Any], Sequence[T]],
    token_field: str,
    limit_field: str,
    next_token_field: str,
) -> tuple[Callable[[str | None, int], Any], Callable[[Any], Page[T, str]]]:
    """The request of each page (from a template) and the ``Page`` of each response."""
    if not callable(items):
        raise TypeError(
            f"items must be a function of the response, as lambda response: response.nodes, "
            f"got {type(items).__name__}"
        )
    names = _field_names(request)
    if not callable(getattr(request, "CopyFrom", None)):
        raise TypeError(
            f"request must be a generated protobuf message, got {type(request).__name__}"
        )
    for argument, field in (("token_field", token_field), ("limit_field", limit_field)):
        if field not in names:
            raise ValueError(
                f"{argument}={field!r}: {type(request).__name__} has no such field "
                f"(its fields: {', '.join(names)})"
            )
    request_type = cast("Callable[[], Any]", type(request))
    checked: list[bool] = []

    def make_request(token: str | None, limit: int) -> Any:
        page_request = request_type()
        page_request.CopyFrom(request)
        if token is not None:
            setattr(page_request, token_field, token)
        setattr(page_request, limit_field, limit)
        return page_request

    def make_page(response: Any) -> Page[T, str]:
        if not checked:
            if inspect.isawaitable(response):
                _discard_awaitable(response)
                raise TypeError(
                    "rpc returned an awaitable (a grpc.aio stub?): use afrom_unary_pages"
                )
            response_names = _field_names(response)
            if next_token_field not in response_names:
                raise ValueError(
                    f"next_token_field={next_token_field!r}: {type(response).__name__} has no "
                    f"such field (its fields: {', '.join(response_names)})"
                )
            checked.append(True)
        next_token: str = getattr(response, next_token_field)
        return Page(items(response), next_token)

    return make_request, make_page


def _check_rpc(rpc: object, other_stack: type, message: str) -> None:
    """Raise ``TypeError`` unless ``rpc`` is callable and not an ``other_stack`` stub method."""
    if not callable(rpc):
        raise TypeError(f"rpc must be callable (a stub method), got {type(rpc).__name__}")
    if isinstance(rpc, other_stack):
        raise TypeError(message)


def _rpc_fetch(
    rpc: grpc.UnaryUnaryMultiCallable[Req, Resp],
    request: Req,
    items: Callable[[Resp], Sequence[T]],
    token_field: str,
    limit_field: str,
    next_token_field: str,
    timeout: float | None,
) -> Callable[[str | None, int], Page[T, str]]:
    """``fetch(token, limit)`` for a generated unary RPC and a request template."""
    _check_rpc(
        rpc,
        grpc.aio.UnaryUnaryMultiCallable,
        "from_unary_pages calls a stub of a grpc (sync) channel, but this is a grpc.aio "
        "stub method: use afrom_unary_pages",
    )
    make_request, make_page = _page_codec(
        request, items, token_field, limit_field, next_token_field
    )

    def fetch(token: str | None, limit: int) -> Page[T, str]:
        return make_page(rpc(make_request(token, limit), timeout=timeout))

    return fetch


def _rpc_mode(request: object, items: object, timeout: object, function: str) -> bool:
    """Whether ``function`` was called as ``(rpc, request, items=...)`` (else with a fetch)."""
    if request is not None:
        if items is None:
            raise TypeError(
                f"{function}(rpc, request, ...) needs items=, a function of the response, as "
                "lambda response: response.nodes"
            )
        return True
    if items is not None or timeout is not None:
        raise TypeError(
            f"items= and timeout= are for {function}(rpc, request, ...); a fetch makes its "
            "calls and Pages itself"
        )
    return False


@overload
def from_unary_pages(
    fetch: Callable[[K | None, int], Page[T, K]],
    /,
    *,
    page_size: int,
    start: K | None = ...,
    on_close: Callable[[], object] | None = ...,
    retry: Retry | None = ...,
    deadline: float | None = ...,
    grow_after: int | None = ...,
    on_page: Callable[[PageRecord[Any]], object] | None = ...,
) -> Iter[T]: ...
@overload
def from_unary_pages(
    rpc: grpc.UnaryUnaryMultiCallable[Req, Resp],
    request: Req,
    /,
    *,
    items: Callable[[Resp], Sequence[T]],
    page_size: int,
    token_field: str = ...,
    limit_field: str = ...,
    next_token_field: str = ...,
    timeout: float | None = ...,
    start: str | None = ...,
    on_close: Callable[[], object] | None = ...,
    retry: Retry | None = ...,
    deadline: float | None = ...,
    grow_after: int | None = ...,
    on_page: Callable[[PageRecord[Any]], object] | None = ...,
) -> Iter[T]: ...
def from_unary_pages(
    fetch: Any,
    request: Any = None,
    /,
    *,
    page_size: int,
    items: Callable[[Any], Sequence[Any]] | None = None,
    token_field: str = "page_token",
    limit_field: str = "page_size",
    next_token_field: str = "next_page_token",
    timeout: float | None = None,
    start: Any = None,
    on_close: Callable[[], object] | None = None,
    retry: Retry | None = TRANSIENT_RETRY,
    deadline: float | None = None,
    grow_after: int | None = GROW_AFTER,
    on_page: Callable[[PageRecord[Any]], object] | None = None,
) -> Iter[Any]:
    """Read a unary paginated RPC as one lazy ``Iter``, halving pages on ``RESOURCE_EXHAUSTED``.

    With a protoc-generated stub, name the fields and nothing else::

        nodes = from_unary_pages(
            stub.ListNodes, ListNodesRequest(kind="rack"), items=lambda r: r.nodes,
            page_size=1000,
        )

    Each page's request is a copy of ``request`` with ``token_field`` (default
    ``page_token``) set to the previous response's ``next_token_field`` (default
    ``next_page_token``; empty on the last page) and ``limit_field`` (default ``page_size``)
    to the current limit, as in Google's API design guide (AIP-158); ``items(response)`` gives
    the page's items; ``timeout`` (seconds) applies to each call.

    Or give ``fetch(token, limit)`` that calls the RPC and returns an ``itero.Page``.

    Either way this is ``itero.from_pages`` (lazy, one page held at a time, ``on_close``
    called once) with ``resource_exhausted_as_too_large(fetch)``: a response too large for the
    client's receive limit makes it retry the same token with half the limit, and keep the
    smaller limit (it grows back after a few pages that fit). ``UNAVAILABLE`` and
    ``DEADLINE_EXCEEDED`` are retried from the same token (``retry``, by default
    ``TRANSIENT_RETRY``: 5 attempts, exponential backoff with jitter; ``retry=None`` turns it
    off), then ``itero.RetriesExhaustedError``. ``deadline``, ``grow_after`` and ``on_page``
    are ``from_pages``'s (a deadline for the whole listing, the page-size recovery, a
    ``PageRecord`` per page). Any other ``grpc.RpcError`` propagates
    unchanged; a page of one item still too large raises ``itero.PageItemTooLargeError``, naming
    the token and, in its cause, the sizes: raise the channel's
    ``grpc.max_receive_message_length`` for such an item.

    Raises:
        TypeError, ValueError: at the call, for a bad argument (named in the message), a
            field name the request does not have, or an async fetch (use
            ``afrom_unary_pages``).

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
    if _rpc_mode(request, items, timeout, "from_unary_pages"):
        assert items is not None
        fetch = _rpc_fetch(
            fetch, request, items, token_field, limit_field, next_token_field, timeout
        )
    _check_sync_fetch(fetch, "from_unary_pages", "afrom_unary_pages")
    return from_pages(
        resource_exhausted_as_too_large(fetch),
        page_size=page_size,
        too_large=ResponseTooLargeError,
        start=start,
        on_close=on_close,
        retry=retry,
        deadline=deadline,
        grow_after=grow_after,
        on_page=on_page,
    )


# ---------------------------------------------------------------------------------------------
# grpc.aio: which objects belong to it
# ---------------------------------------------------------------------------------------------


def _check_aio_context(context: object, function: str, sync_function: str) -> None:
    if isinstance(context, grpc.ServicerContext):
        raise TypeError(
            f"{function} serves a grpc.aio RPC, but this context belongs to a grpc.server "
            f"(sync) server: use {sync_function}"
        )
    if type(context).__name__ == "_SyncServicerContext":
        raise TypeError(
            f"{function} was called from a plain def method on a grpc.aio server, which "
            "grpc.aio runs as a sync generator: make the method an async generator, as "
            f"`async for batch in {function}(...): yield batch`"
        )
    if not callable(getattr(context, "add_done_callback", None)):
        raise TypeError(
            f"context must be a grpc.aio ServicerContext (with add_done_callback), got "
            f"{type(context).__name__}"
        )


def _check_aio_call(call: object, function: str, sync_function: str) -> None:
    if not _is_aio_call(call) and (
        isinstance(call, grpc.Call) or hasattr(call, "__iter__") or hasattr(call, "__next__")
    ):
        raise TypeError(
            f"{function} reads a call of a grpc.aio channel, but this is a grpc (sync) call "
            f"({type(call).__name__}): use {sync_function} instead"
        )
    if not callable(getattr(call, "read", None)) or not callable(getattr(call, "cancel", None)):
        raise TypeError(
            f"call must be a grpc.aio server-streaming call (with read() and cancel()), got "
            f"{type(call).__name__}"
        )


def _aio_termination_flag(context: Any, function: str) -> list[None]:
    """A flag raised (made non-empty) when the aio RPC of ``context`` terminates."""
    _check_aio_context(context, function, function[1:])
    flag: list[None] = []
    context.add_done_callback(partial(_raise_flag, flag))
    done = getattr(context, "done", None)
    if callable(done) and done():
        _raise_flag(flag, None)
    return flag


# ---------------------------------------------------------------------------------------------
# grpc.aio: server side (the same _Packer as the sync driver)
# ---------------------------------------------------------------------------------------------


async def _aproduce(
    source: AsyncIterable[T] | Iterable[T],
    flag: list[None] | None,
    serialize: Callable[[T], bytes],
    max_message_bytes: int,
    max_items: int | None,
    max_delay: float | None,
    release: AsyncRelease,
) -> AsyncGenerator[bytes, None]:
    packer = _Packer(max_message_bytes, max_items, math.inf if max_delay is None else max_delay)
    failure: Exception | None = None
    pending: asyncio.Future[T] | None = None
    try:
        try:
            if not isinstance(source, AsyncIterable):
                # A sync source is pulled on the event loop, as the sync driver pulls it.
                for message in _pack(source, flag, serialize, packer, max_delay is not None):
                    yield message
            elif max_delay is None:
                add = packer.add
                async for item in source:
                    full = add(serialize(item))
                    if full is not None:
                        yield full
                    if flag:  # checked before every pull
                        break
            else:
                # On time even while the source is waiting: the pull runs as a task, and a
                # message that falls due meanwhile is sent without waiting for it.
                loop = asyncio.get_running_loop()
                anext_items = source.__aiter__().__anext__
                while not flag:
                    pending = asyncio.ensure_future(anext_items())
                    while not pending.done():
                        timeout = packer.deadline - loop.time()
                        if timeout == math.inf:
                            await asyncio.wait((pending,))
                        elif timeout > 0:
                            await asyncio.wait((pending,), timeout=timeout)
                        else:
                            yield packer.take()
                    task, pending = pending, None
                    try:
                        item = task.result()
                    except StopAsyncIteration:
                        break
                    full = packer.push(serialize(item), loop.time())
                    if full is not None:
                        yield full
        except Exception as exc:  # the source or serialize: send what came before it first
            failure = exc
        if packer.count:
            yield packer.take()
        if failure is not None:
            raise failure
    finally:
        del failure
        if pending is not None:  # closed while a pull was running: cancel it, then close
            pending.cancel()
            await asyncio.wait((pending,))
            if not pending.cancelled():
                pending.exception()  # retrieved: no "exception was never retrieved"
        await release()


def _astream(
    items: AsyncIterable[T] | Iterable[T],
    serialize: Callable[[T], bytes],
    context: object,
    max_message_bytes: int,
    max_items: int | None,
    max_delay: float | None,
    function: str,
) -> AsyncIter[bytes]:
    flag = None if context is None else _aio_termination_flag(context, function)
    if not isinstance(cast(object, items), (AsyncIterable, Iterable)):
        raise TypeError(f"items must be iterable or async iterable, got {type(items).__name__}")
    release = AsyncRelease(partial(aclose_source, items))
    gen = _aproduce(items, flag, serialize, max_message_bytes, max_items, max_delay, release)
    return AsyncIter(AsyncClosing(gen, release))


def astream_batches(
    items: AsyncIterable[T] | Iterable[T],
    serialize: Callable[[T], bytes],
    /,
    context: grpc.aio.ServicerContext[Any, Any] | None = None,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    max_items: int | None = None,
    max_delay: float | None = None,
) -> AsyncIter[bytes]:
    """The grpc.aio twin of ``stream_batches``: an ``AsyncIter`` of batch messages.

    ``items`` is an async iterable (an ``AsyncIter``, an async generator) or a plain one
    (pulled on the event loop). Yield its messages from an ``async def`` handler registered
    with no response serializer, or use ``astream_handler``. Packing, memory, ordering and
    errors are ``stream_batches``'s (one algorithm, ``_Packer``). With ``max_delay`` and an
    async source, a due message is sent on time even while the source is still waiting (each
    pull then runs as a task).

    Cancellation: with ``context``, ``context.add_done_callback`` stops the pulls when the RPC
    ends; grpc.aio cancels the handler, and closing the ``AsyncIter`` (``async with``, or
    its finalization) closes the source (``aclose()`` or ``close()``), exactly once.

    Raises:
        TypeError, ValueError: at the call, for a bad argument (named), or a sync
            ``grpc.ServicerContext`` (use ``stream_batches``).

    >>> import asyncio
    >>> async def words():
    ...     for w in ["ab", "cd", "e"]:
    ...         yield w
    >>> async def main():
    ...     messages = astream_batches(words(), str.encode, max_message_bytes=8)
    ...     return [decode_batch(m) async for m in messages]
    >>> asyncio.run(main())
    [[b'ab', b'cd'], [b'e']]
    """
    check_callable(serialize, "serialize")
    delay = _check_stream_args(max_message_bytes, max_items, max_delay)
    return _astream(
        items, serialize, context, max_message_bytes, max_items, delay, "astream_batches"
    )


def astream_messages(
    items: AsyncIterable[SupportsSerializeToString] | Iterable[SupportsSerializeToString],
    batch_type: BatchMessageType[B],
    /,
    context: grpc.aio.ServicerContext[Any, Any] | None = None,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    max_items: int | None = None,
    max_delay: float | None = None,
) -> AsyncIter[B]:
    """The grpc.aio twin of ``stream_messages``: an ``AsyncIter`` of batch messages.

    The body of a generated servicer's async streaming method::

        async def StreamNodes(self, request, context):
            async with astream_messages(self.nodes(request), NodeBatch, context) as batches:
                async for batch in batches:
                    yield batch

    (grpc.aio needs the method to be an async generator; ``async with`` closes the source as
    soon as the client cancels.) Everything else is as for ``stream_messages`` and
    ``astream_batches``.

    >>> import asyncio
    >>> from google.protobuf.descriptor_pb2 import FileDescriptorProto, FileDescriptorSet
    >>> protos = [FileDescriptorProto(name=f"{name}.proto") for name in ("a", "b", "c")]
    >>> async def main():
    ...     batches = astream_messages(protos, FileDescriptorSet, max_message_bytes=22)
    ...     return [[f.name for f in batch.file] async for batch in batches]
    >>> asyncio.run(main())
    [['a.proto', 'b.proto'], ['c.proto']]
    """
    _check_batch_type(batch_type)
    delay = _check_stream_args(max_message_bytes, max_items, max_delay)
    messages = _astream(
        items,
        _serialize_message,
        context,
        max_message_bytes,
        max_items,
        delay,
        "astream_messages",
    )
    return messages.map(batch_type.FromString)


async def _acancellable(
    items: AsyncIterable[T] | Iterable[T], flag: list[None]
) -> AsyncGenerator[T, None]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
            if flag:
                return
    else:
        for item in _until_set(flag, iter(items)):
            yield item


def acancellable(
    items: AsyncIterable[T] | Iterable[T], context: grpc.aio.ServicerContext[Any, Any], /
) -> AsyncIter[T]:
    """The grpc.aio twin of ``cancellable``: ``items``, ending at the next pull after the RPC.

    The flag is raised by ``context.add_done_callback``. Closing the ``AsyncIter`` closes
    ``items``.

    >>> import asyncio
    >>> class FakeContext:  # the RPC ends after two items
    ...     def add_done_callback(self, callback):
    ...         self.end = lambda: callback(self)
    >>> async def main():
    ...     context = FakeContext()
    ...     rows = acancellable(range(10), context)
    ...     first = [await rows.__anext__(), await rows.__anext__()]
    ...     context.end()
    ...     return first, await rows.collect()
    >>> asyncio.run(main())
    ([0, 1], [])
    """
    flag = _aio_termination_flag(context, "acancellable")
    release = AsyncRelease(partial(aclose_source, items))
    return AsyncIter(AsyncClosing(_acancellable(items, flag), release))


def astream_handler(
    behavior: Callable[[R, grpc.aio.ServicerContext[R, bytes]], AsyncIterable[T] | Iterable[T]],
    /,
    serialize: Callable[[T], bytes],
    *,
    request_deserializer: Callable[[bytes], R],
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    max_items: int | None = None,
    max_delay: float | None = None,
) -> grpc.RpcMethodHandler[R, bytes]:
    """The grpc.aio twin of ``stream_handler``: register it on a ``grpc.aio`` server.

    ``behavior(request, context)`` returns the items, async (an ``AsyncIter``, an async
    generator) or not; they are sent with ``astream_batches``. The handler is an async
    generator function to grpc.aio, as it requires; registered on a sync ``grpc.server``, it
    fails with a ``TypeError`` naming ``stream_handler`` instead of streaming anything.

    >>> handler = astream_handler(
    ...     lambda request, context: range(int(request)),
    ...     lambda i: str(i).encode(),
    ...     request_deserializer=bytes.decode,
    ... )
    >>> handler.response_streaming, handler.request_streaming
    (True, False)
    """
    check_callable(behavior, "behavior")
    check_callable(serialize, "serialize")
    delay = _check_stream_args(max_message_bytes, max_items, max_delay)

    async def respond(
        request: R, context: grpc.aio.ServicerContext[R, bytes]
    ) -> AsyncGenerator[bytes, None]:
        _check_aio_context(context, "astream_handler", "stream_handler")
        messages = _astream(
            behavior(request, context),
            serialize,
            context,
            max_message_bytes,
            max_items,
            delay,
            "astream_batches",
        )
        async with messages:
            async for message in messages:
                yield message

    handler: grpc.RpcMethodHandler[R, bytes] = grpc.unary_stream_rpc_method_handler(
        _AsyncStreamMethod(respond),
        request_deserializer=request_deserializer,
    )
    return handler


class _AsyncStreamMethod:
    """``respond`` (an async generator function) for grpc.aio; a ``TypeError`` for grpc.server.

    grpc.aio tells an async streaming handler from a plain one by its code flags
    (``inspect.isasyncgenfunction``, which reads ``__code__`` and the function attributes),
    so they are copied here; grpcio's sync server just calls the handler, and would get an
    async generator it cannot iterate. Called with a sync context, this raises instead, and
    the RPC ends with ``UNKNOWN`` naming ``stream_handler``.
    """

    def __init__(self, respond: Callable[..., AsyncGenerator[bytes, None]]) -> None:
        self._respond = respond
        self.__name__ = respond.__name__
        self.__qualname__ = respond.__qualname__
        self.__code__ = respond.__code__
        self.__defaults__ = respond.__defaults__
        self.__kwdefaults__ = respond.__kwdefaults__
        self.__annotations__ = respond.__annotations__

    def __call__(self, request: Any, context: Any) -> AsyncGenerator[bytes, None]:
        if isinstance(context, grpc.ServicerContext):
            raise TypeError(
                "astream_handler makes a grpc.aio handler, but it was registered on a "
                "grpc.server (sync) server: use stream_handler"
            )
        return self._respond(request, context)


# ---------------------------------------------------------------------------------------------
# grpc.aio: client side
# ---------------------------------------------------------------------------------------------


class AioStreamingCall(Protocol):
    """What ``aiter_stream`` needs of a grpc.aio server-streaming call: ``read()``, ``cancel()``.

    ``stub.StreamNodes(request)`` on a ``grpc.aio`` channel is one.

    >>> import asyncio
    >>> class Call:
    ...     def __init__(self) -> None:
    ...         self.messages = [encode_batch([b"x"])]
    ...     async def read(self) -> object:
    ...         return self.messages.pop() if self.messages else grpc.aio.EOF
    ...     def cancel(self) -> bool:
    ...         return False
    >>> call: AioStreamingCall = Call()
    >>> asyncio.run(aiter_stream(call, bytes.decode).collect())
    ['x']
    """

    def read(self) -> Awaitable[object]:
        """The next message, or ``grpc.aio.EOF``."""
        ...

    def cancel(self) -> bool:
        """Cancel the call."""
        ...


class AioBatchStreamingCall(Protocol[T_co]):
    """A generated grpc.aio stub's streaming call whose messages are batch messages.

    ``__aiter__`` gives the item type; ``aiter_stream`` reads with ``read()``.

    >>> import asyncio
    >>> class Batch:
    ...     items = ("a", "b")
    >>> class Call:
    ...     def __init__(self) -> None:
    ...         self.messages = [Batch()]
    ...     def __aiter__(self) -> AsyncIterator[Batch]:
    ...         raise NotImplementedError  # for the types only
    ...     async def read(self) -> object:
    ...         return self.messages.pop() if self.messages else grpc.aio.EOF
    ...     def cancel(self) -> bool:
    ...         return False
    >>> asyncio.run(aiter_stream(Call()).collect())
    ['a', 'b']
    """

    def __aiter__(self) -> AsyncIterator[BatchMessage[T_co]]:
        """Iterate the response messages."""
        ...

    def read(self) -> Awaitable[object]:
        """The next message, or ``grpc.aio.EOF``."""
        ...

    def cancel(self) -> bool:
        """Cancel the call."""
        ...


async def _amessage_lists(
    call: AioStreamingCall,
    unpack: Callable[[object], Sequence[Any]],
    on_page: Callable[[PageRecord[Any]], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncGenerator[Iterable[Any], None]:
    """Each message's items; a failed RPC raises after them (as ``_message_lists``)."""
    read = call.read
    eof = grpc.aio.EOF
    tally = _MessageTally(unpack, on_page, clock)
    take = tally.items
    while True:
        try:
            message = await read()
        except grpc.RpcError as error:
            if _is_resource_exhausted(error):
                raise StreamMessageTooLargeError(error, tally.delivered) from error
            raise
        if message is eof:
            return
        yield take(message)


async def _amessage_items(
    call: AioStreamingCall,
    unpack: Callable[[object], Sequence[Any]],
    convert: Callable[[Any], Any] | None,
) -> AsyncGenerator[Iterable[Any], None]:
    """``_amessage_lists``, with items as ``Ok`` and a failure as ``Err`` (``_message_items``)."""
    lists = _amessage_lists(call, unpack)
    try:
        async for items in lists:
            yield map(Ok, items if convert is None else map(convert, items))
    except grpc.RpcError as error:
        yield (Err(RpcFailure.from_rpc_error(error)),)
    finally:
        await lists.aclose()


def _check_aio_client_args(call: object, deserialize: object, function: str) -> None:
    _check_aio_call(call, function, function[1:])
    if deserialize is not None:
        check_callable(deserialize, "deserialize")


@overload
def aiter_stream(
    call: AioBatchStreamingCall[T],
    /,
    *,
    on_page: Callable[[PageRecord[Any]], object] | None = ...,
    clock: Callable[[], float] = ...,
) -> AsyncIter[T]: ...
@overload
def aiter_stream(
    call: AioStreamingCall,
    deserialize: Callable[[bytes], T],
    /,
    *,
    on_page: Callable[[PageRecord[Any]], object] | None = ...,
    clock: Callable[[], float] = ...,
) -> AsyncIter[T]: ...
def aiter_stream(
    call: Any,
    deserialize: Callable[[bytes], Any] | None = None,
    /,
    *,
    on_page: Callable[[PageRecord[Any]], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIter[Any]:
    """The grpc.aio twin of ``iter_stream``: a lazy ``AsyncIter`` of the stream's items.

    ``aiter_stream(stub.StreamNodes(request))`` on a grpc.aio channel gives the ``items`` of
    each ``NodeBatch``; pass ``deserialize`` for a bytes call. One message is read (``await
    call.read()``) when the consumer has used up the previous one; consumers such as
    ``count()`` or ``for_each()`` run one loop over each message's items. Closing the
    ``AsyncIter`` (``aclose()``, ``async with``) cancels the call. Errors and ``on_page`` are
    ``iter_stream``'s.

    >>> import asyncio
    >>> class FakeCall:  # a grpc.aio call, as far as aiter_stream is concerned
    ...     def __init__(self):
    ...         self.messages = [encode_batch([b"a", b"b"]), encode_batch([b"c"])]
    ...     async def read(self):
    ...         return self.messages.pop(0) if self.messages else grpc.aio.EOF
    ...     def cancel(self):
    ...         return False
    >>> asyncio.run(aiter_stream(FakeCall(), bytes.decode).collect())
    ['a', 'b', 'c']
    """
    _check_aio_client_args(call, deserialize, "aiter_stream")
    _check_meter_args(on_page, clock)
    unpack = _unpack_items if deserialize is None else _unpack_bytes
    gen = _amessage_lists(call, unpack, on_page, clock)
    items: AsyncIter[Any] = AsyncIter(AsyncClosing(gen, AsyncRelease(call.cancel))).flatten()
    return items if deserialize is None else items.map(deserialize)


@overload
def aiter_stream_results(call: AioBatchStreamingCall[T], /) -> AsyncIter[Result[T, RpcFailure]]: ...
@overload
def aiter_stream_results(
    call: AioStreamingCall, deserialize: Callable[[bytes], T], /
) -> AsyncIter[Result[T, RpcFailure]]: ...
def aiter_stream_results(
    call: Any, deserialize: Callable[[bytes], Any] | None = None, /
) -> AsyncIter[Result[Any, RpcFailure]]:
    """The grpc.aio twin of ``iter_stream_results``: items as ``Ok``, a failure as a last ``Err``.

    >>> import asyncio
    >>> class FailingCall:
    ...     def __init__(self):
    ...         self.sent = False
    ...     async def read(self):
    ...         if not self.sent:
    ...             self.sent = True
    ...             return encode_batch([b"a"])
    ...         raise grpc.RpcError()
    ...     def cancel(self):
    ...         return False
    >>> asyncio.run(aiter_stream_results(FailingCall(), bytes.decode).collect())
    [Ok('a'), Err(RpcFailure(code=<StatusCode.UNKNOWN: (2, 'unknown')>, details=''))]
    """
    _check_aio_client_args(call, deserialize, "aiter_stream_results")
    unpack = _unpack_items if deserialize is None else _unpack_bytes
    gen = _amessage_items(call, unpack, deserialize)
    return AsyncIter(AsyncClosing(gen, AsyncRelease(call.cancel))).flatten()


# ---------------------------------------------------------------------------------------------
# grpc.aio: client side, unary paginated RPCs
# ---------------------------------------------------------------------------------------------


def _atoo_large(
    fetch: Callable[[K | None, int], Awaitable[Page[T, K]]],
) -> Callable[[K | None, int], Awaitable[Page[T, K]]]:
    async def fetch_or_too_large(token: K | None, limit: int) -> Page[T, K]:
        try:
            return await fetch(token, limit)
        except grpc.RpcError as error:
            if _is_resource_exhausted(error):
                raise ResponseTooLargeError(error) from error
            raise

    return fetch_or_too_large


def _arpc_fetch(
    rpc: grpc.aio.UnaryUnaryMultiCallable[Req, Resp],
    request: Req,
    items: Callable[[Resp], Sequence[T]],
    token_field: str,
    limit_field: str,
    next_token_field: str,
    timeout: float | None,
) -> Callable[[str | None, int], Awaitable[Page[T, str]]]:
    """``fetch(token, limit)`` for a generated grpc.aio unary RPC and a request template."""
    _check_rpc(
        rpc,
        grpc.UnaryUnaryMultiCallable,
        "afrom_unary_pages calls a stub of a grpc.aio channel, but this is a grpc "
        "(sync) stub method: use from_unary_pages",
    )
    make_request, make_page = _page_codec(
        request, items, token_field, limit_field, next_token_field
    )

    async def fetch(token: str | None, limit: int) -> Page[T, str]:
        return make_page(await rpc(make_request(token, limit), timeout=timeout))

    return fetch


@overload
def afrom_unary_pages(
    fetch: Callable[[K | None, int], Awaitable[Page[T, K]]],
    /,
    *,
    page_size: int,
    start: K | None = ...,
    on_close: Callable[[], object] | None = ...,
    retry: Retry | None = ...,
    deadline: float | None = ...,
    grow_after: int | None = ...,
    on_page: Callable[[PageRecord[Any]], object] | None = ...,
) -> AsyncIter[T]: ...
@overload
def afrom_unary_pages(
    rpc: grpc.aio.UnaryUnaryMultiCallable[Req, Resp],
    request: Req,
    /,
    *,
    items: Callable[[Resp], Sequence[T]],
    page_size: int,
    token_field: str = ...,
    limit_field: str = ...,
    next_token_field: str = ...,
    timeout: float | None = ...,
    start: str | None = ...,
    on_close: Callable[[], object] | None = ...,
    retry: Retry | None = ...,
    deadline: float | None = ...,
    grow_after: int | None = ...,
    on_page: Callable[[PageRecord[Any]], object] | None = ...,
) -> AsyncIter[T]: ...
def afrom_unary_pages(
    fetch: Any,
    request: Any = None,
    /,
    *,
    page_size: int,
    items: Callable[[Any], Sequence[Any]] | None = None,
    token_field: str = "page_token",
    limit_field: str = "page_size",
    next_token_field: str = "next_page_token",
    timeout: float | None = None,
    start: Any = None,
    on_close: Callable[[], object] | None = None,
    retry: Retry | None = TRANSIENT_RETRY,
    deadline: float | None = None,
    grow_after: int | None = GROW_AFTER,
    on_page: Callable[[PageRecord[Any]], object] | None = None,
) -> AsyncIter[Any]:
    """The grpc.aio twin of ``from_unary_pages``: an ``AsyncIter`` of a paginated RPC's items.

    With a generated grpc.aio stub::

        nodes = afrom_unary_pages(
            stub.ListNodes, ListNodesRequest(), items=lambda r: r.nodes, page_size=1000
        )

    or with ``async def fetch(token, limit) -> Page``. A page is fetched when the consumer
    reaches it, one page is held at a time, the limit is halved on ``RESOURCE_EXHAUSTED``,
    ``UNAVAILABLE``/``DEADLINE_EXCEEDED`` are retried (``retry``), and ``on_close`` (sync, or
    returning an awaitable) runs once when it ends or is closed. This is ``itero.afrom_pages``:
    the same state machine as ``from_unary_pages``, so both make the same calls.

    >>> import asyncio
    >>> from itero import Page
    >>> async def fetch(token: int | None, limit: int) -> Page[int, int]:
    ...     first = token or 0
    ...     stop = min(first + limit, 5)
    ...     return Page(list(range(first, stop)), stop if stop < 5 else None)
    >>> asyncio.run(afrom_unary_pages(fetch, page_size=2).collect())
    [0, 1, 2, 3, 4]
    """
    if _rpc_mode(request, items, timeout, "afrom_unary_pages"):
        assert items is not None
        fetch = _arpc_fetch(
            fetch, request, items, token_field, limit_field, next_token_field, timeout
        )
    check_callable(fetch, "fetch")
    if not is_async_callable(fetch):
        raise TypeError(
            "afrom_unary_pages takes an async fetch (async def), but this fetch is a plain "
            "function: use from_unary_pages"
        )
    afetch = cast("Callable[[Any, int], Awaitable[Page[Any, Any]]]", fetch)
    return afrom_pages(
        _atoo_large(afetch),
        page_size=page_size,
        too_large=ResponseTooLargeError,
        start=start,
        on_close=on_close,
        retry=retry,
        deadline=deadline,
        grow_after=grow_after,
        on_page=on_page,
    )
