"""Iter.map_concurrent: ordering, bounds, first failure and closing on a thread pool; no thread
outlives the Iter."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from _helpers import Boom, Recorder, Untouchable
from itero import Iter, Nothing, _threads
from itero.testing import OneShot


def pool_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("itero-map_concurrent")]


class Tracker:
    """A thread-safe callback that records running calls, completion order and starts."""

    def __init__(self, delay: float = 0.0, fail: set[int] | None = None) -> None:
        self.lock = threading.Lock()
        self.delay = delay
        self.delays: dict[int, float] = {}
        self.fail = fail or set()
        self.running = 0
        self.max_running = 0
        self.started: list[int] = []
        self.completed: list[int] = []
        self.gates: dict[int, threading.Event] = {}

    def __call__(self, x: int) -> int:
        with self.lock:
            self.started.append(x)
            self.running += 1
            self.max_running = max(self.max_running, self.running)
        try:
            gate = self.gates.get(x)
            if gate is not None:
                assert gate.wait(10)
            time.sleep(self.delays.get(x, self.delay))
            if x in self.fail:
                raise Boom(x)
            with self.lock:
                self.completed.append(x)
            return x * 10
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture(autouse=True)
def no_thread_left() -> Iterator[None]:
    yield
    assert not pool_threads()


def pool_thread_set() -> set[Any]:
    import threading

    return {t for t in threading.enumerate() if t.name.startswith("itero-map_concurrent")}


def _in_time(fn: Any, timeout: float = 10.0) -> Any:
    """Run ``fn`` in a thread; fail (instead of hanging) if it takes longer than ``timeout``."""
    import threading

    box: list[Any] = []

    def run() -> None:
        try:
            box.append(("ok", fn()))
        except BaseException as e:
            box.append(("err", e))

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "hung"
    kind, value = box[0]
    if kind == "err":
        raise value
    return value


class _Boom(BaseException):
    pass


def _fail_at(k: int, exc: type[BaseException] = ValueError) -> Any:
    import time

    def f(x: int) -> int:
        time.sleep(0.001 * (x % 3))
        if x == k:
            raise exc(x)
        return x * 2

    return f


def _bad_source(n: int) -> Any:
    yield from range(n)
    raise KeyError("source")


class TestOrdering:
    @settings(max_examples=25)
    @given(delays=st.lists(st.integers(0, 3), max_size=15), limit=st.integers(1, 5))
    def test_ordered_matches_map(self, delays: list[int], limit: int) -> None:
        f = Tracker()
        f.delays = {i: d / 1000 for i, d in enumerate(delays)}
        out = Iter(range(len(delays))).map_concurrent(f, concurrency=limit).collect()
        assert out == [x * 10 for x in range(len(delays))]
        assert f.max_running <= limit

    @settings(max_examples=25)
    @given(delays=st.lists(st.integers(0, 3), max_size=15), limit=st.integers(1, 5))
    def test_unordered_in_completion_order(self, delays: list[int], limit: int) -> None:
        f = Tracker()
        f.delays = {i: d / 1000 for i, d in enumerate(delays)}
        it = Iter(range(len(delays))).map_concurrent(f, concurrency=limit, ordered=False)
        assert sorted(it.collect()) == [x * 10 for x in range(len(delays))]
        assert f.max_running <= limit

    def test_unordered_yields_in_completion_order(self) -> None:
        f = Tracker()
        gates = {0: threading.Event(), 1: threading.Event()}
        f.gates.update(gates)
        got: list[int] = []
        with Iter(range(3)).map_concurrent(f, concurrency=3, ordered=False) as it:
            for x in it:  # 2 finishes first; each result releases the call before it
                got.append(x)
                if x // 10 in (1, 2):
                    gates[x // 10 - 1].set()
        assert got == [20, 10, 0]

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(st.integers(-5, 5), max_size=20),
        st.integers(1, 4),
        st.booleans(),
        st.integers(0, 25),
    )
    def test_map_concurrent_matches_map(
        self, items: list[int], concurrency: int, ordered: bool, k: int
    ) -> None:
        """Items before a failure are yielded (input order when ordered), then it is raised."""

        def f(x: int) -> int:
            if x == 5:
                raise ValueError(x)
            return x * 3

        def run() -> tuple[list[int], bool]:
            out: list[int] = []
            it = Iter(items).map_concurrent(f, concurrency=concurrency, ordered=ordered)
            try:
                for y in it:
                    out.append(y)
            except ValueError:
                return out, True
            return out, False

        out, failed = _in_time(run)
        want = []
        for x in items:
            if x == 5:
                break
            want.append(x * 3)
        assert failed == (5 in items)
        if ordered:
            assert out == want
        else:
            assert set(out) <= {x * 3 for x in items if x != 5}
            if not failed:
                assert sorted(out) == sorted(want)

    # ---------------------------------------------------------------------------------------------
    # Pacer.waits and the progress stride against plain references
    # ---------------------------------------------------------------------------------------------


class TestBounds:
    @pytest.mark.parametrize("ordered", [True, False])
    def test_running_calls_reach_and_never_exceed_the_limit(self, ordered: bool) -> None:
        f = Tracker(delay=0.005)
        Iter(range(30)).map_concurrent(f, concurrency=4, ordered=ordered).collect()
        assert f.max_running == 4

    @pytest.mark.parametrize("ordered", [True, False])
    def test_pulled_but_not_yielded_stays_within_twice_the_limit(self, ordered: bool) -> None:
        source = OneShot(range(1000))
        f = Tracker()
        peak = 0
        with Iter(source).map_concurrent(f, concurrency=3, ordered=ordered) as it:
            for yielded, _ in enumerate(it, 1):
                time.sleep(0.002)  # a slow consumer: the calls finish meanwhile
                peak = max(peak, source.pulled - yielded)
                if yielded == 20:
                    break
        assert peak <= 6
        assert source.pulled <= 26

    def test_a_slow_head_does_not_stop_new_starts_within_the_buffer(self) -> None:
        f = Tracker()
        gate = f.gates[0] = threading.Event()
        with Iter(range(10)).map_concurrent(f, concurrency=2) as it:
            threading.Timer(0.2, gate.set).start()
            first = it.next()
            assert first.unwrap() == 0
            assert len(f.started) >= 4  # the other slot kept turning while the head blocked
            assert it.collect() == [x * 10 for x in range(1, 10)]
        assert f.max_running == 2

    def test_nothing_is_pulled_or_started_before_the_first_pull(self) -> None:
        it = Iter(Untouchable()).map_concurrent(Tracker(), concurrency=2)
        assert not pool_threads()
        it.close()


class TestFailureAndClose:
    @pytest.mark.parametrize("ordered", [True, False])
    def test_first_failure(self, ordered: bool) -> None:
        recorder = Recorder(range(50))
        f = Tracker(fail={3})
        f.delays = {i: 0.05 for i in range(4, 50)}
        f.delays[3] = 0.01  # fails after 0, 1 and 2 are done
        got: list[int] = []
        it = Iter(recorder).map_concurrent(f, concurrency=3, ordered=ordered)
        with pytest.raises(Boom) as caught:
            for x in it:
                got.append(x)
        assert type(caught.value) is Boom
        assert sorted(got) == [0, 10, 20]
        assert f.running == 0
        assert not pool_threads()
        assert recorder.closed == 1
        it.close()
        assert recorder.closed == 1

    def test_a_failing_source_delivers_the_items_before_it(self) -> None:
        def source() -> Iterator[int]:
            yield 1
            yield 2
            raise Boom("source")

        got: list[int] = []
        with pytest.raises(Boom, match="source"):
            for x in Iter(source()).map_concurrent(Tracker(), concurrency=4):
                got.append(x)
        assert got == [10, 20]

    @pytest.mark.parametrize("ordered", [True, False])
    def test_no_call_starts_after_a_failure(self, ordered: bool) -> None:
        # 0 blocks, 1 fails at once: the calls submitted behind them (the pool queues up to
        # the window) are cancelled before the failing thread could take one.
        f = Tracker(fail={1})
        gate = f.gates[0] = threading.Event()
        it = Iter(range(10)).map_concurrent(f, concurrency=2, ordered=ordered)
        threading.Timer(0.2, gate.set).start()
        got: list[int] = []
        with pytest.raises(Boom):
            for x in it:
                got.append(x)
        assert got == ([0] if ordered else [])
        assert sorted(f.started) == [0, 1]
        assert f.running == 0
        assert not pool_threads()

    @settings(max_examples=40, deadline=None)
    @given(
        n=st.integers(0, 20),
        fail=st.integers(0, 25),
        limit=st.integers(1, 4),
        ordered=st.booleans(),
        slow=st.sets(st.integers(0, 20)),
    )
    def test_a_failure_anywhere_gives_the_items_before_it_and_raises(
        self, n: int, fail: int, limit: int, ordered: bool, slow: set[int]
    ) -> None:
        f = Tracker(fail={fail})
        f.delays = {i: 0.001 for i in slow}
        got: list[int] = []
        it = Iter(range(n)).map_concurrent(f, concurrency=limit, ordered=ordered)
        if fail >= n:
            got = it.collect()
        else:
            with pytest.raises(Boom) as caught:
                for x in it:
                    got.append(x)
            assert caught.value.args == (fail,)
        if ordered:
            assert got == [x * 10 for x in range(min(fail, n))]
        else:
            assert fail * 10 not in got
            assert sorted(got) == sorted(set(got)) and set(got) <= {x * 10 for x in range(n)}
        assert f.running == 0
        assert f.max_running <= limit

    def test_a_callback_raising_cancelled_error_is_not_skipped(self) -> None:
        def cancelled(x: int) -> int:
            raise CancelledError

        for ordered in (True, False):
            with pytest.raises(CancelledError):
                Iter([1, 2]).map_concurrent(cancelled, concurrency=2, ordered=ordered).collect()

    def test_close_waits_for_the_running_calls_and_closes_the_source_once(self) -> None:
        recorder = Recorder(range(100))
        f = Tracker(delay=0.01)
        it = Iter(recorder).map_concurrent(f, concurrency=4)
        assert it.next().unwrap() == 0
        it.close()
        assert f.running == 0
        assert not pool_threads()
        assert recorder.closed == 1
        it.close()
        assert recorder.closed == 1
        assert it.next() == Nothing()

    def test_after_shutdown_no_call_starts_even_if_a_failure_lowers_the_cut(self) -> None:
        # A call failing while shutdown() runs lowers stop_after to its own position; a call
        # a worker already took from the queue must still be skipped (drives _work in this
        # thread, with the state that race leaves).
        called: list[int] = []
        posted: list[object] = []
        pool = _threads._Pool(called.append, 1, posted.append)
        pool.shutdown()  # no thread yet: nothing to join
        pool.stop_after = 5  # what a call at position 5 failing concurrently writes
        call = _threads._new_call()
        call.seq = 0
        call.item = 1
        pool._jobs.put(call)
        pool._jobs.put(None)
        pool._work()
        assert called == [] and posted == []

    def test_exhaustion_stops_the_threads(self) -> None:
        assert Iter([1, 2]).map_concurrent(Tracker(), concurrency=2).collect() == [10, 20]
        assert not pool_threads()

    def test_with_block_and_moves(self) -> None:
        recorder = Recorder(range(10))
        with Iter(recorder) as it:
            mapped = it.map_concurrent(Tracker(), concurrency=2)
            assert mapped.next().unwrap() == 0
        assert recorder.closed == 1

    @pytest.mark.parametrize("ordered", [True, False])
    @pytest.mark.parametrize("concurrency", [1, 3])
    @pytest.mark.parametrize(
        "case",
        ["end", "close", "with", "fail_first", "fail_mid", "fail_last", "source", "gc", "base"],
    )
    def test_map_concurrent_leaves_no_thread(
        self, ordered: bool, concurrency: int, case: str
    ) -> None:
        import gc

        before = pool_thread_set()

        def scenario() -> None:
            n = 12

            def f(x: int) -> int:
                return x * 2

            src: Any = range(n)
            if case.startswith("fail"):
                f = _fail_at({"fail_first": 0, "fail_mid": 6, "fail_last": n - 1}[case])
            elif case == "base":
                f = _fail_at(5, _Boom)
            elif case == "source":
                src = _bad_source(n)
            it = Iter(src).map_concurrent(f, concurrency=concurrency, ordered=ordered)
            if case == "end":
                assert sorted(it.collect()) == [x * 2 for x in range(n)]
            elif case == "close":
                it.next()
                it.close()
                assert it.next() == Nothing()
            elif case == "with":
                with it as w:
                    w.next()
                    w.next()
            elif case in ("fail_first", "fail_mid", "fail_last", "source"):
                with pytest.raises((ValueError, KeyError)):
                    it.collect()
            elif case == "base":
                with pytest.raises(_Boom):
                    it.collect()
            else:  # gc: abandoned half-consumed
                it.next()
                it.next()
                del it
                gc.collect()

        _in_time(scenario)
        assert pool_thread_set() - before == set()

    def test_map_concurrent_collected_in_its_own_pool_thread_shuts_down_cleanly(
        self,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """An abandoned pipeline in a reference cycle may be collected by a cyclic GC that runs in
        one of its own pool threads: its shutdown must not try to join that thread."""
        import gc
        import sys
        import threading
        import time

        unraisable: list[Any] = []
        monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
        in_f = threading.Event()
        abandoned = threading.Event()
        closed: list[bool] = []

        class Source:
            def __init__(self) -> None:
                self.it = iter(range(100))

            def __iter__(self) -> Source:
                return self

            def __next__(self) -> int:
                return next(self.it)

            def close(self) -> None:
                closed.append(True)

        def f(x: int) -> int:
            if x == 3:
                in_f.set()
                abandoned.wait(10)
                gc.collect()  # a cyclic collection, in this pool thread
            return x

        class Holder:
            pass

        before = pool_thread_set()
        gc.disable()
        try:

            def abandon() -> None:
                h = Holder()
                h.cycle = h  # type: ignore[attr-defined]
                h.it = Iter(Source()).map_concurrent(f, concurrency=2)  # type: ignore[attr-defined]
                h.it.next()  # type: ignore[attr-defined]
                h.it.next()  # type: ignore[attr-defined]
                assert in_f.wait(10)

            abandon()
            abandoned.set()
            deadline = time.monotonic() + 10
            while pool_thread_set() - before and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            gc.enable()
        assert pool_thread_set() - before == set()
        assert closed == [True]
        assert unraisable == []


class TestArguments:
    @pytest.mark.parametrize(
        ("value", "error"), [(0, ValueError), (-1, ValueError), (True, TypeError), (2.0, TypeError)]
    )
    def test_bad_concurrency_fails_at_the_call_without_moving(
        self, value: object, error: type[Exception]
    ) -> None:
        it = Iter([1])
        with pytest.raises(error, match="concurrency"):
            it.map_concurrent(Tracker(), concurrency=value)  # type: ignore[arg-type]
        assert it.collect() == [1]

    def test_non_callable_and_bad_ordered(self) -> None:
        with pytest.raises(TypeError, match="f must be callable"):
            Iter([1]).map_concurrent(3, concurrency=2)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="ordered must be a bool"):
            Iter([1]).map_concurrent(Tracker(), concurrency=2, ordered=None)  # type: ignore[arg-type]
