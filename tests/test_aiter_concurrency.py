"""AsyncIter.map_async / try_map_async / for_each_async with concurrency: ordering, the bounds
(running calls, items pulled but not yielded), back-pressure, first failure, cancellation, and
that no task outlives its pipeline on any exit path (checked by ``_async_helpers.run``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hypothesis import given, strategies as st

from _async_helpers import ASource, agen, run, yield_times
from _helpers import Boom
from itero import AsyncIter, Err, Ok

pytestmark = pytest.mark.filterwarnings("error")


class Tracker:
    """An async callback that records how many calls run at once, their completion order, and
    which calls were cancelled. ``delays[x]`` is how many loop rounds call ``x`` takes."""

    def __init__(self, delays: dict[int, int] | None = None, fail: set[int] | None = None) -> None:
        self.delays = delays or {}
        self.fail = fail or set()
        self.running = 0
        self.max_running = 0
        self.started: list[int] = []
        self.completed: list[int] = []
        self.cancelled: list[int] = []
        self.gates: dict[int, asyncio.Event] = {}

    async def __call__(self, x: int) -> int:
        self.started.append(x)
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        try:
            gate = self.gates.get(x)
            if gate is not None:
                await gate.wait()
            await yield_times(self.delays.get(x, 1))
            if x in self.fail:
                raise Boom(x)
            self.completed.append(x)
            return x * 10
        except asyncio.CancelledError:
            self.cancelled.append(x)
            raise
        finally:
            self.running -= 1


delays = st.lists(st.integers(0, 6), max_size=25)
limits = st.integers(1, 6)


class TestOrdering:
    @given(delays=delays, limit=limits)
    def test_ordered_yields_in_input_order(self, delays: list[int], limit: int) -> None:
        f = Tracker(dict(enumerate(delays)))

        async def main() -> list[int]:
            it = AsyncIter(agen(range(len(delays)))).map_async(f, concurrency=limit)
            return await it.collect()

        assert run(main) == [x * 10 for x in range(len(delays))]
        assert f.max_running <= limit

    @given(delays=delays, limit=limits)
    def test_unordered_yields_in_completion_order(self, delays: list[int], limit: int) -> None:
        f = Tracker(dict(enumerate(delays)))

        async def main() -> list[int]:
            it = AsyncIter(range(len(delays))).map_async(f, concurrency=limit, ordered=False)
            return await it.collect()

        assert run(main) == [x * 10 for x in f.completed]
        assert sorted(f.completed) == list(range(len(delays)))

    def test_unordered_really_reorders(self) -> None:
        f = Tracker({0: 10, 1: 1})

        async def main() -> list[int]:
            return await AsyncIter([0, 1]).map_async(f, concurrency=2, ordered=False).collect()

        assert run(main) == [10, 0]


class TestBounds:
    @pytest.mark.parametrize("ordered", [True, False])
    @pytest.mark.parametrize("limit", [1, 2, 5])
    def test_running_calls_reach_and_never_exceed_the_limit(
        self, limit: int, ordered: bool
    ) -> None:
        f = Tracker({x: 3 + x % 4 for x in range(40)})

        async def main() -> None:
            it = AsyncIter(agen(range(40))).map_async(f, concurrency=limit, ordered=ordered)
            await it.collect()

        run(main)
        assert f.max_running == limit

    @pytest.mark.parametrize("ordered", [True, False])
    @pytest.mark.parametrize("limit", [1, 3])
    def test_pulled_but_not_yielded_stays_within_twice_the_limit(
        self, limit: int, ordered: bool
    ) -> None:
        source = ASource(range(1000))
        f = Tracker()
        peak = 0

        async def main() -> None:
            nonlocal peak
            yielded = 0
            async with AsyncIter(source).map_async(f, concurrency=limit, ordered=ordered) as it:
                async for _ in it:
                    yielded += 1
                    for _ in range(20):  # a stalled consumer: the calls finish meanwhile
                        await asyncio.sleep(0)
                        peak = max(peak, source.pulled - yielded)
                    if yielded == 30:
                        break

        run(main)
        assert peak <= 2 * limit
        assert source.pulled <= 30 + 2 * limit  # back-pressure: the source was not drained

    def test_a_slow_head_does_not_stop_new_starts_within_the_buffer(self) -> None:
        f = Tracker()

        async def main() -> list[int]:
            gate = f.gates[0] = asyncio.Event()
            it = AsyncIter(range(10)).map_async(f, concurrency=2)
            first = asyncio.ensure_future(it.next())
            await yield_times(30)
            started_while_blocked = len(f.started)
            gate.set()
            head = await first
            rest = await it.collect()
            return [started_while_blocked, head.unwrap(), *rest]

        got = run(main)
        # The head blocks, the other slot keeps turning: 4 items (2 * concurrency) pulled.
        assert got[0] == 4
        assert got[1:] == [x * 10 for x in range(10)]
        assert f.max_running == 2

    def test_the_source_is_pulled_only_when_there_is_room(self) -> None:
        source = ASource(range(100))
        f = Tracker()

        async def main() -> None:
            it = AsyncIter(source).map_async(f, concurrency=3)
            assert (await it.next()).unwrap() == 0
            assert source.pulled <= 6
            await it.aclose()

        run(main)


class TestFirstFailure:
    @pytest.mark.parametrize("ordered", [True, False])
    def test_earlier_items_then_the_bare_exception_after_cleanup(self, ordered: bool) -> None:
        source = ASource(range(20))
        f = Tracker({x: 1 if x == 4 else 8 for x in range(20)}, fail={4})
        f.delays.update({0: 1, 1: 1, 2: 1, 3: 1})
        got: list[int] = []

        async def main() -> None:
            it = AsyncIter(source).map_async(f, concurrency=4, ordered=ordered)
            with pytest.raises(Boom) as caught:
                async for x in it.by_ref():
                    got.append(x)
            assert type(caught.value) is Boom  # bare, not an ExceptionGroup
            assert f.running == 0  # in-flight calls were cancelled and awaited
            await it.aclose()
            assert source.closed == 1

        run(main)
        assert got == [0, 10, 20, 30]
        assert f.cancelled  # the calls started after item 4 were cancelled

    def test_a_consumer_closes_the_source_before_the_exception_arrives(self) -> None:
        source = ASource(range(20))
        f = Tracker(fail={2})

        async def main() -> int:
            with pytest.raises(Boom):
                await AsyncIter(source).map_async(f, concurrency=3).collect()
            return source.closed

        assert run(main) == 1
        assert f.running == 0

    def test_a_failing_source_delivers_the_items_before_it(self) -> None:
        source = ASource(range(10), fail_at=3, fail=Boom("source"))
        f = Tracker({0: 9, 1: 3, 2: 1})
        got: list[int] = []

        async def main() -> None:
            with pytest.raises(Boom, match="source"):
                await AsyncIter(source).map_async(f, concurrency=5).for_each(got.append)

        run(main)
        assert got == [0, 10, 20]

    def test_try_map_async_yields_every_outcome_in_place(self) -> None:
        f = Tracker({0: 5, 1: 1, 2: 3}, fail={1})

        async def main() -> list[Any]:
            return await AsyncIter(range(4)).try_map_async(f, concurrency=3).collect()

        got = run(main)
        assert got[0] == Ok(0)
        assert type(got[1]) is Err
        assert isinstance(got[1].error, Boom)
        assert got[2:] == [Ok(20), Ok(30)]
        assert not f.cancelled

    def test_try_map_async_unordered_and_sequential(self) -> None:
        f = Tracker(fail={1})

        async def main() -> tuple[list[Any], list[Any]]:
            a = await AsyncIter(range(3)).try_map_async(f, ordered=False, concurrency=2).collect()
            b = await AsyncIter(range(3)).try_map_async(f).collect()
            return a, b

        a, b = run(main)
        assert sorted(r.is_ok() for r in a) == [False, True, True]
        assert [r.is_ok() for r in b] == [True, False, True]


class TestCancellation:
    @pytest.mark.parametrize("ordered", [True, False])
    def test_cancelling_the_consumer_cancels_the_calls(self, ordered: bool) -> None:
        source = ASource(range(100))
        f = Tracker({x: 1000 for x in range(100)})

        async def main() -> None:
            it = AsyncIter(source).map_async(f, concurrency=4, ordered=ordered)
            consumer = asyncio.ensure_future(it.collect())
            await yield_times(5)
            assert f.running == 4
            consumer.cancel()
            with pytest.raises(asyncio.CancelledError):
                await consumer
            assert f.running == 0
            assert sorted(f.cancelled) == [0, 1, 2, 3]

        run(main)
        assert source.closed == 1

    def test_aclose_cancels_and_awaits_in_flight_calls(self) -> None:
        f = Tracker({x: 1000 for x in range(10)})

        async def main() -> None:
            it = AsyncIter(range(10)).map_async(f, concurrency=3, ordered=False)
            f.delays[0] = 1
            assert (await it.next()).unwrap() == 0
            assert f.running == 2  # (the freed slot is refilled on the next pull)
            await it.aclose()
            assert f.running == 0

        run(main)

    def test_a_task_that_is_cancelled_while_cleaning_up_still_waits(self) -> None:
        release = asyncio.Event
        stuck: list[str] = []

        async def stubborn(x: int) -> int:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                stuck.append("cancelled")
                await asyncio.sleep(0.01)  # slow cleanup
                stuck.append("cleaned")
                raise
            return x

        async def main() -> None:
            assert release is asyncio.Event
            it = AsyncIter(range(3)).map_async(stubborn, concurrency=2)
            consumer = asyncio.ensure_future(it.collect())
            await yield_times(3)
            consumer.cancel()
            await yield_times(1)
            consumer.cancel()  # a second cancel during the cleanup
            with pytest.raises(asyncio.CancelledError):
                await consumer
            assert stuck.count("cleaned") == 2

        run(main)


class TestExitPaths:
    """``asyncio.all_tasks()`` is back to its starting set after every exit path."""

    @pytest.mark.parametrize("ordered", [True, False])
    @pytest.mark.parametrize("path", ["exhaustion", "break", "error", "cancel", "take"])
    def test_all_tasks_restored(self, path: str, ordered: bool) -> None:
        f = Tracker({x: 2 + x % 5 for x in range(50)}, fail={7} if path == "error" else None)

        async def main() -> None:
            before = asyncio.all_tasks()
            it = AsyncIter(agen(range(50))).map_async(f, concurrency=5, ordered=ordered)
            if path == "exhaustion":
                assert len(await it.collect()) == 50
            elif path == "break":
                async with it:
                    async for x in it:
                        if x == 30:
                            break
            elif path == "take":
                assert len(await it.take(3).collect()) == 3
            elif path == "error":
                with pytest.raises(Boom):
                    await it.collect()
            else:
                task = asyncio.ensure_future(it.collect())
                await yield_times(4)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            assert asyncio.all_tasks() == before
            assert f.running == 0

        run(main)


class TestForEachAsync:
    def test_runs_up_to_the_limit(self) -> None:
        f = Tracker({x: 3 for x in range(20)})

        async def main() -> None:
            await AsyncIter(agen(range(20))).for_each_async(f, concurrency=4)

        run(main)
        assert f.max_running == 4
        assert sorted(f.completed) == list(range(20))

    def test_first_failure(self) -> None:
        f = Tracker({x: 3 for x in range(20)}, fail={5})

        async def main() -> None:
            with pytest.raises(Boom):
                await AsyncIter(range(20)).for_each_async(f, concurrency=4)
            assert f.running == 0

        run(main)


class TestArguments:
    @pytest.mark.parametrize("method", ["map_async", "try_map_async"])
    @pytest.mark.parametrize(
        ("value", "error", "message"),
        [
            (0, ValueError, "concurrency must be >= 1, got 0"),
            (-2, ValueError, "concurrency must be >= 1"),
            (True, TypeError, "concurrency must be an int, got bool"),
            (1.5, TypeError, "concurrency must be an int, got float"),
        ],
    )
    def test_bad_concurrency(
        self, method: str, value: object, error: type[Exception], message: str
    ) -> None:
        it = AsyncIter([1])
        with pytest.raises(error, match=message):
            getattr(it, method)(Tracker(), concurrency=value)
        assert repr(it) == "<AsyncIter over Iter>"  # not moved

    def test_bad_concurrency_for_each_async(self) -> None:
        with pytest.raises(ValueError, match="concurrency"):
            AsyncIter([1]).for_each_async(Tracker(), concurrency=0)  # type: ignore[unused-coroutine]

    def test_bad_ordered(self) -> None:
        with pytest.raises(TypeError, match="ordered must be a bool"):
            AsyncIter([1]).map_async(Tracker(), concurrency=2, ordered=1)  # type: ignore[arg-type]

    def test_non_callable(self) -> None:
        bad: Any = 3
        with pytest.raises(TypeError, match="f must be callable"):
            AsyncIter([1]).map_async(bad, concurrency=2)


def _returns(value: int) -> Callable[[int], Awaitable[int]]:
    async def f(x: int) -> int:
        return value

    return f


class TestOverFutures:
    def test_f_may_return_a_future(self) -> None:
        async def main() -> list[int]:
            loop = asyncio.get_running_loop()

            def fut(x: int) -> asyncio.Future[int]:
                done: asyncio.Future[int] = loop.create_future()
                loop.call_soon(done.set_result, x + 1)
                return done

            return await AsyncIter(range(3)).map_async(fut, concurrency=2).collect()

        assert run(main) == [1, 2, 3]

    def test_map_async_chains_with_sync_stages(self) -> None:
        async def main() -> list[int]:
            return await (
                AsyncIter(agen(range(6)))
                .filter(lambda x: x % 2 == 0)
                .map_async(_returns(7), concurrency=2)
                .map(lambda x: x + 1)
                .collect()
            )

        assert run(main) == [8, 8, 8]
