"""Typing tests for the data-scalable kit: checked by mypy --strict and pyright, never run.

Lines ending in ``# type: ignore[code]`` must be rejected by mypy (``warn_unused_ignores`` turns
an accepted call into an error); the ``# pyright: ignore[rule]`` part keeps pyright quiet where
it rejects the same call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from typing_extensions import assert_type

from itero import (
    ItemTooLarge,
    Iter,
    Page,
    Result,
    batched_by_size,
    cut_page,
    from_pages,
    rate_limited,
    try_batched_by_size,
    try_from_pages,
)

if TYPE_CHECKING:

    class TooLarge(Exception): ...

    def fetch(token: str | None, limit: int) -> Page[bytes, str]:
        return Page([b"x"], None)

    # Pages: the item type comes from the fetch function.
    assert_type(from_pages(fetch, page_size=10), Iter[bytes])
    assert_type(from_pages(fetch, page_size=10, too_large=TooLarge, start="t"), Iter[bytes])
    assert_type(from_pages(fetch, page_size=10, too_large=(TooLarge, KeyError)), Iter[bytes])
    assert_type(try_from_pages(fetch, page_size=10), Iter[Result[bytes, Exception]])
    from_pages(fetch, page_size=10, start=3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    from_pages(fetch, page_size=10, too_large=ValueError())  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    from_pages(fetch, page_size=10, on_close=42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    from_pages(fetch)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]

    # A Page is covariant in its items and token.
    page: Page[int, str] = Page([1], "next")
    wider: Page[object, object] = page
    assert_type(page.items[0], int)
    assert_type(page.next_token, "str | None")

    # Cutting pages: the token is the key type.
    rows = [(1, "a"), (2, "b")]

    def by_id(row: tuple[int, str]) -> int:
        return row[0]

    assert_type(cut_page(rows, key=by_id, start=None, limit=2), Page[tuple[int, str], int])
    # mypy rejects a start of another type than the key; pyright solves the key type as the
    # union (int | str) and accepts it.
    cut_page(rows, key=by_id, start="1", limit=2)  # type: ignore[arg-type]

    # Batching: len by default needs Sized items; any item type with a size function.
    assert_type(batched_by_size(["a", "b"], 10), Iter[list[str]])
    assert_type(batched_by_size([1, 2], 10, size=lambda x: x), Iter[list[int]])
    assert_type(
        batched_by_size(["a"], 10, max_items=3, batch_overhead=2, item_overhead=1),
        Iter[list[str]],
    )
    assert_type(try_batched_by_size(["a", "b"], 10), Iter[Result[list[str], ItemTooLarge[str]]])
    assert_type(
        try_batched_by_size([1], 10, size=lambda x: x), Iter[Result[list[int], ItemTooLarge[int]]]
    )
    batched_by_size([1, 2], 10)  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]
    batched_by_size(["a"], 10, size=lambda x: x)  # type: ignore[arg-type,return-value]  # pyright: ignore[reportArgumentType]

    # Rate limiting keeps the item type.
    assert_type(rate_limited(["a"], 2.5), Iter[str])
    assert_type(rate_limited(range(3), 1, burst=2), Iter[int])

    # The Iter methods type like the functions.
    words = Iter(["a", "bb"])
    assert_type(words.batched_by_size(10), Iter[list[str]])
    assert_type(Iter([1, 2]).batched_by_size(10, size=lambda x: x), Iter[list[int]])
    assert_type(words.try_batched_by_size(10), Iter[Result[list[str], ItemTooLarge[str]]])
    assert_type(words.rate_limited(5, burst=2), Iter[str])
    Iter([1, 2]).batched_by_size(10)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    words.batched_by_size(10, size=lambda x: x)  # type: ignore[arg-type,return-value]  # pyright: ignore[reportArgumentType]

    # gRPC adapters (itero.grpc): items in, bytes messages out, and back.
    import grpc

    from itero.grpc import (
        RpcFailure,
        decode_batch,
        encode_batch,
        from_unary_pages,
        iter_stream,
        iter_stream_results,
        resource_exhausted_as_too_large,
        stream_batches,
        stream_handler,
    )

    def list_words(request: str, context: grpc.ServicerContext) -> list[str]:
        return [request]

    assert_type(encode_batch([b"a", bytearray(b"b")]), bytes)
    assert_type(decode_batch(b""), list[bytes])
    assert_type(stream_batches(["a"], str.encode), Iter[bytes])
    assert_type(stream_batches(["a"], str.encode, None, max_items=3), Iter[bytes])
    assert_type(
        stream_handler(list_words, str.encode, request_deserializer=bytes.decode),
        grpc.RpcMethodHandler[str, bytes],
    )
    channel = grpc.insecure_channel("localhost:1")
    rpc: grpc.UnaryStreamMultiCallable[bytes, bytes] = channel.unary_stream("/s/List")
    assert_type(iter_stream(rpc(b""), bytes.decode), Iter[str])
    assert_type(iter_stream_results(rpc(b""), bytes.decode), Iter[Result[str, RpcFailure]])
    assert_type(RpcFailure.from_rpc_error(grpc.RpcError()).code, grpc.StatusCode)
    assert_type(resource_exhausted_as_too_large(fetch)("t", 2), Page[bytes, str])
    assert_type(from_unary_pages(fetch, page_size=10, start="t"), Iter[bytes])
    stream_batches([1], str.encode)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    encode_batch(["a"])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    iter_stream(rpc(b""), str.upper)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    from_unary_pages(fetch, page_size=10, start=3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


if TYPE_CHECKING:
    # Issue 13: byte budgets, retries, deadline, on_page, progress.
    import random

    from itero import (
        ItemTooLargeError,
        ListingDeadlineError,
        PageRecord,
        RetriesExhaustedError,
        Retry,
    )

    def fetch13(token: str | None, limit: int) -> Page[bytes, str]:
        return Page([b"x"], None, nbytes=1)

    def on_page(record: PageRecord[str]) -> None:
        assert_type(record.token, str | None)
        assert_type(record.nbytes, int | None)
        assert_type(record.elapsed, float)

    retry = Retry(attempts=3, backoff=0.2, on=(ConnectionError, TimeoutError))
    assert_type(retry, Retry)
    assert_type(Retry(on=lambda e: "UNAVAILABLE" in str(e), rand=random.Random(1).random), Retry)
    assert_type(
        from_pages(fetch13, page_size=100, retry=retry, deadline=30.0, on_page=on_page),
        Iter[bytes],
    )
    assert_type(
        try_from_pages(fetch13, page_size=100, retry=retry, grow_after=None),
        Iter[Result[bytes, Exception]],
    )
    assert_type(
        cut_page([b"ab"], key=bytes, start=None, limit=10, max_bytes=100, page_overhead=8),
        Page[bytes, bytes],
    )
    assert_type(
        cut_page([(1, b"a")], key=lambda r: r[0], start=None, limit=10, max_bytes=9,
                 size=lambda r: len(r[1])),
        Page[tuple[int, bytes], int],
    )  # fmt: skip
    assert_type(Iter([1]).progress("rows", total=1, bar=False), Iter[int])
    assert_type(ListingDeadlineError(1.0, 2, 3, None).delivered, int)
    assert_type(RetriesExhaustedError("t", 3, 1.0).attempts, int)
    assert_type(ItemTooLargeError(0, 1, 1, key="k", unit="page").unit, str)

    def int_token_hook(record: PageRecord[int]) -> None: ...

    from_pages(fetch13, page_size=1, on_page=int_token_hook)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
    from_pages(fetch13, page_size=1, retry=3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    Iter([1]).progress(total="3")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


if TYPE_CHECKING:
    # The async twins (issue 12, part 3).
    from collections.abc import AsyncIterator

    from itero import (
        AsyncIter,
        ItemTooLarge,
        abatched_by_size,
        afrom_pages,
        arate_limited,
        atry_batched_by_size,
        atry_from_pages,
    )

    async def awords() -> AsyncIterator[str]:
        yield "a"

    async def anumbers() -> AsyncIterator[int]:
        yield 1

    assert_type(abatched_by_size(awords(), 10), AsyncIter[list[str]])
    assert_type(abatched_by_size(anumbers(), 10, size=lambda n: 8), AsyncIter[list[int]])
    assert_type(
        atry_batched_by_size(awords(), 10),
        AsyncIter[Result[list[str], ItemTooLarge[str]]],
    )
    assert_type(arate_limited(anumbers(), 5.0, burst=2), AsyncIter[int])
    abatched_by_size(anumbers(), 10)  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]

    async def afetch(token: str | None, limit: int) -> Page[bytes, str]:
        return Page([b"x"], None)

    assert_type(afrom_pages(afetch, page_size=10), AsyncIter[bytes])
    assert_type(
        atry_from_pages(afetch, page_size=10, retry=Retry(), deadline=5.0),
        AsyncIter[Result[bytes, Exception]],
    )
    afrom_pages(fetch13, page_size=10)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    afrom_pages(afetch, page_size=10, start=3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
