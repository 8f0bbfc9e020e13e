"""Tests of rate limiting: the core (``Pacer``, a token bucket with no I/O) and its driver
(``rate_limited`` and ``Iter.rate_limited``), with a fake clock.

The core is compared with a plainly written token bucket (the specification) under Hypothesis.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from _helpers import FakeClock, TimedSource
from itero import Iter, rate_limited
from itero._pacing import Pacer
from itero.testing import CloseRecorder, OneShot


def bucket_schedule(gaps: list[float], per_second: float, burst: int) -> list[tuple[float, float]]:
    """(arrival, pull time) of each pull of a consumer that arrives ``gap`` after its previous
    pull, through a token bucket of ``burst`` tokens refilled at ``per_second`` (the
    specification, written plainly)."""
    tokens = float(burst)
    last = 0.0  # when tokens was last brought up to date
    t = 0.0  # the time of the previous pull
    out: list[tuple[float, float]] = []
    for gap in gaps:
        arrival = t + gap
        tokens = min(float(burst), tokens + (arrival - last) * per_second)
        last = arrival
        if tokens >= 1 - 1e-9:
            tokens -= 1
            t = arrival
        else:
            wait = (1 - tokens) / per_second
            t = arrival + wait
            tokens = 0.0
            last = t
        out.append((arrival, t))
    return out


def waits_at(per_second: float, burst: int, times: list[float]) -> list[float]:
    """The waits a ``Pacer`` gives for pulls asked for at ``times`` (one clock read each)."""
    readings = iter(times)
    waits = Pacer(per_second, burst=burst, clock=lambda: next(readings)).waits()
    return [next(waits) for _ in times]


class Arrivals:
    """A clock set by the test: ``waits`` books the pull arriving at ``now``."""

    def __init__(self, per_second: float, burst: int) -> None:
        self.now = 0.0
        self.reads = 0
        self._waits = Pacer(per_second, burst=burst, clock=self.clock).waits()

    def clock(self) -> float:
        self.reads += 1
        return self.now

    def wait_at(self, arrival: float) -> float:
        self.now = arrival
        return next(self._waits)


class _F(float):
    pass


_READING = st.one_of(
    st.floats(-5, 50, allow_nan=False),
    st.integers(-5, 50),
    st.floats(-5, 50, allow_nan=False).map(_F),
    st.just(float("nan")),
    st.just(float("inf")),
)


class TestPacer:
    def test_docstring_example(self) -> None:
        assert waits_at(2, 1, [0.0, 0.0, 1.0]) == [0.0, 0.5, 0.0]

    def test_burst_then_spacing_for_a_consumer_that_never_sleeps(self) -> None:
        assert waits_at(2, 3, [0.0] * 6) == [0.0, 0.0, 0.0, 0.5, 1.0, 1.5]

    def test_burst_of_one_spaces_every_pull(self) -> None:
        assert waits_at(4, 1, [0.0] * 3) == [0.0, 0.25, 0.5]

    def test_idle_time_refills_at_most_burst(self) -> None:
        # After a long idle time two pulls go at once, not a hundred.
        assert waits_at(1, 2, [0.0, 100.0, 100.0, 100.0, 100.0]) == [0.0, 0.0, 0.0, 1.0, 2.0]

    def test_a_slow_consumer_never_waits(self) -> None:
        assert waits_at(1, 1, [float(t) for t in range(0, 50, 2)]) == [0.0] * 25

    def test_the_first_pull_never_waits_whatever_the_clock(self) -> None:
        for start in (-1e9, 0.0, 1e9):
            assert waits_at(1, 1, [start]) == [0.0]

    @given(
        st.lists(st.floats(0, 3) | st.just(0.0), min_size=1, max_size=30),
        st.sampled_from([0.5, 1.0, 3.0, 10.0]),
        st.integers(1, 5),
    )
    def test_matches_a_token_bucket(self, gaps: list[float], per_second: float, burst: int) -> None:
        pacer = Arrivals(per_second, burst)
        t = 0.0
        got: list[tuple[float, float]] = []
        for gap in gaps:
            arrival = t + gap
            t = arrival + pacer.wait_at(arrival)
            got.append((arrival, t))
        expected = bucket_schedule(gaps, per_second, burst)
        assert [p for _, p in got] == pytest.approx([p for _, p in expected], abs=1e-6)
        assert pacer.reads == len(gaps)  # one clock read per pull

    @given(
        st.lists(st.floats(0, 3), min_size=1, max_size=30),
        st.sampled_from([0.5, 1.0, 3.0, 10.0]),
        st.integers(1, 5),
    )
    def test_never_more_than_burst_plus_rate_times_time(
        self, gaps: list[float], per_second: float, burst: int
    ) -> None:
        pacer = Arrivals(per_second, burst)
        t = 0.0
        times: list[float] = []
        for gap in gaps:
            t += gap
            t += pacer.wait_at(t)
            times.append(t)
        for i in range(len(times)):
            for j in range(i, len(times)):
                assert j - i + 1 <= burst + (times[j] - times[i]) * per_second + 1e-6

    def test_waits_reads_the_clock_only_when_asked(self) -> None:
        pacer = Arrivals(1, 1)
        assert pacer.reads == 0
        assert pacer.wait_at(5.0) == 0.0
        assert pacer.reads == 1

    def test_int_and_float_subclass_readings_are_numbers(self) -> None:
        class Seconds(float):
            pass

        readings: list[float] = [1, Seconds(1.5), 2]
        assert waits_at(1, 1, readings) == [0.0, 0.5, 1.0]

    def test_the_iterators_of_one_pacer_share_its_bucket(self) -> None:
        pacer = Pacer(2, burst=1, clock=lambda: 0.0)
        first, second = pacer.waits(), pacer.waits()
        assert [next(first), next(second), next(first)] == [0.0, 0.5, 1.0]

    @pytest.mark.parametrize(
        ("reading", "name"), [(None, "NoneType"), (True, "bool"), ("1", "str")]
    )
    def test_a_clock_returning_a_non_number_is_refused(self, reading: object, name: str) -> None:
        pacer = Pacer(1, burst=1, clock=lambda: reading)  # type: ignore[arg-type, return-value]
        message = f"clock must return a number of seconds, got {name}"
        with pytest.raises(TypeError, match=f"^{message}$"):
            next(pacer.waits())

    def test_tiny_per_second_is_refused(self) -> None:
        with pytest.raises(
            ValueError,
            match=r"^per_second is too small: 1 / per_second overflows a float, got 1e-320$",
        ):
            Pacer(1e-320, burst=1, clock=lambda: 0.0)
        # Small but representable: one pull, then a very long wait.
        waits = waits_at(1e-300, 1, [0.0] * 3)
        assert waits[:2] == [0.0, pytest.approx(1e300)]
        assert math.isfinite(waits[2])

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"per_second": 0}, ValueError, "per_second must be positive and finite, got 0"),
            ({"per_second": None}, TypeError, "per_second must be a number, got NoneType"),
            ({"burst": 0}, ValueError, "burst must be >= 1, got 0"),
            ({"burst": True}, TypeError, "burst must be an int, got bool"),
            ({"clock": None}, TypeError, "clock must be callable, got NoneType"),
        ],
    )
    def test_bad_arguments(
        self, kwargs: dict[str, Any], error: type[Exception], message: str
    ) -> None:
        args: dict[str, Any] = {"per_second": 1, "burst": 1, "clock": lambda: 0.0, **kwargs}
        per_second = args.pop("per_second")
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            Pacer(per_second, **args)

    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(_READING, max_size=30),
        st.floats(0.1, 100),
        st.integers(1, 5),
        st.lists(st.booleans(), max_size=30),
    )
    def test_pacer_waits_matches_the_bucket_reference(
        self, readings: list[float], rate: float, burst: int, which: list[bool]
    ) -> None:
        """Two iterators of one Pacer (two drivers) book against the same bucket, as the
        ``delay(now)`` reference did, for every kind of reading."""
        import math

        from itero._pacing import Pacer

        clock_values = iter(readings)
        pacer = Pacer(rate, burst=burst, clock=lambda: next(clock_values))
        its = [pacer.waits(), pacer.waits()]
        interval = 1.0 / rate
        slack = (burst - 1) * interval
        tat = -math.inf
        for i, now in enumerate(readings):
            allowed = tat - slack
            if now < allowed:
                tat += interval
                want = allowed - now
            else:
                tat = max(tat, now) + interval
                want = 0.0
            got = next(its[which[i] if i < len(which) else 0])
            assert got == want or (math.isnan(got) and math.isnan(want))


class TestRateLimited:
    def test_pulls_are_spaced(self) -> None:
        clock = FakeClock()
        source = TimedSource(clock, 3)
        got = rate_limited(source, 4, clock=clock.clock, sleep=clock.sleep).collect()
        assert got == [2, 1, 0]
        # The end-of-source pull is paced too: it is a pull.
        assert source.pull_times == [100.0, 100.25, 100.5, 100.75]
        assert clock.sleeps == [0.25, 0.25, 0.25]

    @given(st.integers(1, 20), st.sampled_from([0.5, 1, 4, 10]), st.integers(1, 4))
    def test_schedule_of_a_fast_consumer(self, n: int, per_second: float, burst: int) -> None:
        clock = FakeClock()
        source = TimedSource(clock, n)
        it = rate_limited(source, per_second, burst=burst, clock=clock.clock, sleep=clock.sleep)
        assert it.collect() == list(range(n - 1, -1, -1))
        # The first `burst` pulls go at once, then one every 1 / per_second seconds.
        expected = [100.0 + max(0, i - burst + 1) / per_second for i in range(n + 1)]
        assert source.pull_times == pytest.approx(expected)

    def test_burst(self) -> None:
        clock = FakeClock()
        source = TimedSource(clock, 5)
        rate_limited(source, 2, burst=3, clock=clock.clock, sleep=clock.sleep).collect()
        assert source.pull_times == [100.0, 100.0, 100.0, 100.5, 101.0, 101.5]

    def test_slow_consumer_does_not_wait(self) -> None:
        clock = FakeClock()
        source = TimedSource(clock, 3)
        it = rate_limited(source, 1, clock=clock.clock, sleep=clock.sleep)
        for _ in it:
            clock.now += 5  # the consumer takes longer than the interval
        assert clock.sleeps == []

    def test_idle_time_does_not_build_a_burst_beyond_burst(self) -> None:
        clock = FakeClock()
        source = TimedSource(clock, 4)
        it = rate_limited(source, 1, burst=2, clock=clock.clock, sleep=clock.sleep)
        next(it)
        clock.now += 100  # long idle
        next(it)
        next(it)
        next(it)
        assert source.pull_times == [100.0, 200.0, 200.0, 201.0]

    def test_lazy(self) -> None:
        calls: list[str] = []
        source = OneShot([1, 2], max_pulls=0)

        def clock() -> float:
            calls.append("clock")
            return 0.0

        rate_limited(source, 1, clock=clock, sleep=lambda s: calls.append("sleep"))
        assert calls == []
        assert source.pulled == 0

    def test_close_closes_the_source(self) -> None:
        clock = FakeClock()
        source = TimedSource(clock, 3)
        it = rate_limited(source, 1, clock=clock.clock, sleep=clock.sleep)
        next(it)
        it.close()
        assert source.closed == 1
        rate_limited(source, 1, clock=clock.clock, sleep=clock.sleep).close()
        assert source.closed == 2

    def test_real_clock_example(self) -> None:
        # Fast enough not to slow the suite: 3 pulls at 1000/s.
        assert rate_limited([1, 2, 3], 1000).collect() == [1, 2, 3]

    @pytest.mark.parametrize(
        ("args", "kwargs", "error", "message"),
        [
            ((0,), {}, ValueError, "per_second must be positive and finite, got 0"),
            ((-1.5,), {}, ValueError, "per_second must be positive and finite, got -1.5"),
            ((float("inf"),), {}, ValueError, "per_second must be positive and finite, got inf"),
            ((float("nan"),), {}, ValueError, "per_second must be positive and finite, got nan"),
            (("5",), {}, TypeError, "per_second must be a number, got str"),
            ((1,), {"burst": 0}, ValueError, "burst must be >= 1, got 0"),
            ((1,), {"burst": 1.5}, TypeError, "burst must be an int, got float"),
            ((1,), {"clock": 0}, TypeError, "clock must be callable, got int"),
            ((1,), {"sleep": None}, TypeError, "sleep must be callable, got NoneType"),
        ],
    )
    def test_bad_arguments_raise_at_the_call(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error, match=f"^{re.escape(message)}$"):
            rate_limited([1], *args, **kwargs)

    def test_iter_method(self) -> None:
        clock = FakeClock()
        source = TimedSource(clock, 2)
        got = Iter(source).rate_limited(2, clock=clock.clock, sleep=clock.sleep).collect()
        assert got == [1, 0]
        assert source.pull_times == [100.0, 100.5, 101.0]

    def test_a_clock_returning_none_fails_at_the_first_pull(self) -> None:
        it = rate_limited([1], 1, clock=lambda: None)  # type: ignore[arg-type, return-value]
        with pytest.raises(
            TypeError, match=r"^clock must return a number of seconds, got NoneType$"
        ):
            it.next()

    def test_tiny_per_second_is_refused_at_the_call(self) -> None:
        source = OneShot([1], max_pulls=0)
        with pytest.raises(ValueError, match=r"^per_second is too small"):
            rate_limited(source, 1e-320)
        with pytest.raises(ValueError, match=r"^per_second is too small"):
            Iter(source).rate_limited(1e-320)

    def test_close_is_recorded_once(self) -> None:
        closes = CloseRecorder()
        clock = FakeClock()
        it = rate_limited(closes.source([1, 2, 3]), 1, clock=clock.clock, sleep=clock.sleep)
        assert it.next().unwrap() == 1
        it.close()
        it.close()
        closes.assert_closed_once()
