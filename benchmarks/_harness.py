"""Shared timing helpers for itero's benchmarks.

Every benchmark is a :class:`Case`: a stdlib (or reference) ``baseline`` and an itero
``candidate`` that do the same work, a goal, and optional peer libraries doing the same work.
:func:`measure` times them the same way:

* the garbage collector is disabled while timing (``gc.collect()`` first);
* each variant runs ``warmup`` times untimed, then ``repeats`` timed runs; each run reads
  two clocks, ``time.perf_counter_ns`` (wall) and ``time.process_time_ns`` (CPU time of this
  process). The CPU clock decides PASS/FAIL by default: on a machine shared with other jobs the
  wall clock also counts the time this process waited for a core, which moves paired ratios by
  +-10% while CPU time stays within ~2% (``Config.clock = "wall"`` judges by wall time);
* the runs are **interleaved**: repeat ``r`` runs baseline, candidate and peers in an order
  rotated by ``r``, so a burst of load from a neighbour on a shared 2-core machine hits every
  variant instead of one; peers (informational) join only the first ``peer_repeats`` rounds;
* a ratio is the **median of paired ratios** ``candidate[r] / baseline[r]`` (each pair ran back
  to back), reported with its interquartile range; times are medians.

Memory goals use :class:`MemCase` and :func:`measure_memory`: the ``tracemalloc`` peak of one run,
in a pass of its own (tracemalloc slows everything, so it never overlaps with timing).

A candidate that raises ``AttributeError``, ``ImportError`` or ``NotImplementedError`` while
warming up is reported as "not implemented" instead of failing the whole run, so the benchmark
can run while itero is being written.
"""

from __future__ import annotations

import gc
import importlib
import statistics
import time
import tracemalloc
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from types import ModuleType
from typing import Any, TypeVar, Union

from typing_extensions import TypeAlias

T = TypeVar("T")

Thunk: TypeAlias = Callable[[], object]
"""One run of a benchmark variant: does the whole piece of work, returns its result."""

Peer: TypeAlias = Union[Thunk, str]
"""A peer library's variant, or a note (e.g. "not installed") when it cannot run."""

NOT_IMPLEMENTED = (AttributeError, ImportError, NotImplementedError)
"""Exceptions that mean "this itero feature does not exist yet"."""


# ---------------------------------------------------------------------------------------------
# The callbacks every pipeline uses (kept trivial so that the pipeline's own cost shows).


def f(x: int) -> int:
    """The mapping callback of every pipeline."""
    return x + 1


def p(x: int) -> bool:
    """The filtering predicate of every pipeline (keeps two items in three)."""
    return x % 3 != 0


def consume(iterable: Iterable[object]) -> None:
    """Exhaust ``iterable`` at C speed, keeping nothing (``deque(maxlen=0)``)."""
    deque(iterable, maxlen=0)


def ilen(iterable: Iterable[object]) -> int:
    """Count the items of ``iterable`` at C speed in constant memory, keeping none.

    ``compress`` yields a 1 for each item (every 1-tuple from ``zip`` is true) and ``sum`` adds
    them in its C fast path: faster than more-itertools' ``deque(zip(it, count()))`` trick and
    without its ~1 KiB deque block.
    """
    return sum(compress(repeat(1), zip(iterable)))


def optional_import(name: str) -> Any:
    """Import the module ``name``, or return None when it is not installed.

    Peer libraries are untyped or optional, so the module is returned as ``Any``.
    """
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def peer(module: ModuleType | None, name: str, variant: Thunk) -> Peer:
    """``variant`` when ``module`` is installed, else a note for the table."""
    return f"{name} not installed" if module is None else variant


# ---------------------------------------------------------------------------------------------
# Run configuration.


@dataclass(frozen=True)
class Config:
    """How hard to measure. ``quick`` shrinks sizes and repeats for a ~30 s run."""

    quick: bool = False
    peers: bool = True
    repeats: int | None = None
    warmup: int = 1
    clock: str = "cpu"
    """The clock that decides PASS/FAIL: "cpu" (``process_time_ns``) or "wall"
    (``perf_counter_ns``). Both are recorded and shown."""

    @property
    def timing_repeats(self) -> int:
        """The number of timed runs of the baseline and the candidate."""
        if self.repeats is not None:
            return self.repeats
        return 7 if self.quick else 15

    @property
    def peer_repeats(self) -> int:
        """The number of timed runs of each peer (informational, so fewer)."""
        return min(self.timing_repeats, 3 if self.quick else 5)


# ---------------------------------------------------------------------------------------------
# Goals and cases.


@dataclass(frozen=True)
class Goal:
    """A target for one case: a maximum ratio to the baseline, or a maximum time per call."""

    max_ratio: float | None = None
    max_ns_per_call: float | None = None

    def describe(self) -> str:
        """The goal as shown in a table."""
        if self.max_ratio is not None:
            return f"<= {self.max_ratio:.2f}x"
        if self.max_ns_per_call is not None:
            return f"<= {format_ns(self.max_ns_per_call)}/call"
        return "info"


@dataclass(frozen=True)
class Case:
    """A baseline and an itero candidate doing the same work, plus peers doing it too.

    ``per_call`` is how many calls one run makes, for cases timed per call (a run of a
    microsecond-scale operation loops ``per_call`` times so that the clock resolves it).
    """

    name: str
    baseline: Thunk | None
    candidate: Thunk
    goal: Goal
    peers: Mapping[str, Peer] = field(default_factory=dict[str, Peer])
    per_call: int = 1
    note: str = ""


@dataclass(frozen=True)
class MemCase:
    """A memory goal: the tracemalloc peak of ``candidate(n)`` must stay under ``max_bytes``."""

    name: str
    n: int
    baseline: Callable[[int], object]
    candidate: Callable[[int], object]
    max_bytes: int


# ---------------------------------------------------------------------------------------------
# Measuring.


@dataclass
class Row:
    """What :func:`measure` found for one case."""

    case: Case
    status: str
    baseline_ns: float | None = None
    candidate_ns: float | None = None
    ratio: float | None = None
    ratio_low: float | None = None
    ratio_high: float | None = None
    other_ratio: float | None = None
    """The median paired ratio by the clock that does not decide the status."""
    peers: dict[str, str] = field(default_factory=dict[str, str])


@dataclass
class MemRow:
    """What :func:`measure_memory` found for one memory case."""

    case: MemCase
    status: str
    baseline_bytes: int | None = None
    candidate_bytes: int | None = None


def _timed(thunk: Thunk) -> tuple[int, int]:
    # (wall, cpu): perf_counter_ns brackets process_time_ns, so both cover the same call.
    wall = time.perf_counter_ns()
    cpu = time.process_time_ns()
    thunk()
    cpu = time.process_time_ns() - cpu
    return time.perf_counter_ns() - wall, cpu


def _quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    low, mid, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, mid, high


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 80 else text[:77] + "..."


def status_for(goal: Goal, ratio: float, ratio_low: float, per_call_ns: float) -> str:
    """PASS, FAIL, or "FAIL (noise)" when the ratio's interquartile range reaches the goal."""
    if goal.max_ratio is not None:
        if ratio <= goal.max_ratio:
            return "PASS"
        return "FAIL (noise)" if ratio_low <= goal.max_ratio else "FAIL"
    if goal.max_ns_per_call is not None:
        return "PASS" if per_call_ns <= goal.max_ns_per_call else "FAIL"
    return "info"


def measure(case: Case, config: Config) -> Row:
    """Time ``case``'s variants interleaved; see the module docstring for the method."""
    if case.baseline is None:
        return Row(case, status=f"skipped: {case.note or 'baseline not installed'}")
    variants: dict[str, Thunk] = {"baseline": case.baseline, "candidate": case.candidate}
    notes: dict[str, str] = {}
    for name, variant in case.peers.items():
        if not config.peers:
            notes[name] = "not run"
        elif isinstance(variant, str):
            notes[name] = variant
        else:
            variants[name] = variant
    gc.collect()
    gc.disable()
    try:
        for name, thunk in list(variants.items()):
            try:
                for _ in range(config.warmup):
                    thunk()
            except NOT_IMPLEMENTED as exc:
                if name == "baseline":
                    raise
                if name == "candidate":
                    return Row(case, status=f"not implemented ({_short(exc)})")
                notes[name] = f"error: {_short(exc)}"
                del variants[name]
            except Exception as exc:
                if name in ("baseline", "candidate"):
                    return Row(case, status=f"error: {_short(exc)}")
                notes[name] = f"error: {_short(exc)}"
                del variants[name]
        wall: dict[str, list[int]] = {name: [] for name in variants}
        cpu: dict[str, list[int]] = {name: [] for name in variants}
        for r in range(config.timing_repeats):
            order = list(variants) if r < config.peer_repeats else ["baseline", "candidate"]
            shift = r % len(order)
            for name in order[shift:] + order[:shift]:
                wall_ns, cpu_ns = _timed(variants[name])
                wall[name].append(wall_ns)
                cpu[name].append(cpu_ns)
    finally:
        gc.enable()
    times, other = (cpu, wall) if config.clock == "cpu" else (wall, cpu)
    low, ratio, high = _quartiles(_paired_ratios(times, "candidate"))
    cand_ns = statistics.median(times["candidate"])
    row = Row(
        case,
        status=status_for(case.goal, ratio, low, cand_ns / case.per_call),
        baseline_ns=statistics.median(times["baseline"]),
        candidate_ns=cand_ns,
        ratio=ratio,
        ratio_low=low,
        ratio_high=high,
        other_ratio=statistics.median(_paired_ratios(other, "candidate")),
    )
    for name in case.peers:
        if name in notes:
            row.peers[name] = notes[name]
        else:
            row.peers[name] = f"{statistics.median(_paired_ratios(times, name)):.2f}x"
    return row


def _paired_ratios(times: Mapping[str, Sequence[int]], name: str) -> list[float]:
    # times[name][r] / times["baseline"][r] for every round r in which ``name`` ran.
    runs = times[name]
    return [t / b for t, b in zip(runs, times["baseline"][: len(runs)], strict=True)]


def peak_bytes(run: Callable[[int], object], n: int) -> int:
    """The tracemalloc peak of ``run(n)``, above what was allocated before it started."""
    run(min(n, 1000))  # first-call allocations (caches, lazy imports) are not the pipeline's
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        run(n)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return max(0, peak - before)


def measure_memory(case: MemCase) -> MemRow:
    """Measure the tracemalloc peak of the baseline and the candidate, one after the other."""
    try:
        cand = peak_bytes(case.candidate, case.n)
    except NOT_IMPLEMENTED as exc:
        return MemRow(case, status=f"not implemented ({_short(exc)})")
    except Exception as exc:
        return MemRow(case, status=f"error: {_short(exc)}")
    base = peak_bytes(case.baseline, case.n)
    status = "PASS" if cand < case.max_bytes else "FAIL"
    return MemRow(case, status=status, baseline_bytes=base, candidate_bytes=cand)


# ---------------------------------------------------------------------------------------------
# Formatting.


def format_ns(ns: float) -> str:
    """A duration with three significant digits in a readable unit (ns, µs, ms, s)."""
    if ns < 1_000:
        return f"{ns:.0f} ns"
    for unit, scale in (("µs", 1e3), ("ms", 1e6), ("s", 1e9)):
        value = ns / scale
        if value < 1_000 or unit == "s":
            digits = 2 if value < 10 else 1 if value < 100 else 0
            return f"{value:.{digits}f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def format_bytes(n: int) -> str:
    """A byte count, in KiB past 10 KiB."""
    return f"{n} B" if n < 10 * 1024 else f"{n / 1024:.1f} KiB"


def _time_cell(ns: float | None, per_call: int) -> str:
    if ns is None:
        return "-"
    if per_call == 1:
        return format_ns(ns)
    return f"{format_ns(ns / per_call)}/call"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GitHub Markdown table (pipes in cells are escaped)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines)


def render(rows: Sequence[Row], config: Config, baseline_label: str = "stdlib") -> str:
    """The Markdown table for timed rows, with one column per peer seen in any row."""
    peer_names: list[str] = []
    for row in rows:
        peer_names.extend(name for name in row.case.peers if name not in peer_names)
    clock, other_clock = ("CPU", "wall") if config.clock == "cpu" else ("wall", "CPU")
    header = [
        "case",
        f"{baseline_label} ({clock})",
        f"itero ({clock})",
        f"ratio, {clock} (IQR)",
        f"ratio, {other_clock}",
        "goal",
        "status",
    ]
    header += [f"{name} (ratio)" for name in peer_names]
    body: list[list[str]] = []
    for row in rows:
        ratio = other = "-"
        if row.ratio is not None:
            ratio = f"{row.ratio:.3f}x ({row.ratio_low:.2f}-{row.ratio_high:.2f})"
        if row.other_ratio is not None:
            other = f"{row.other_ratio:.2f}x"
        cells = [
            row.case.name,
            _time_cell(row.baseline_ns, row.case.per_call),
            _time_cell(row.candidate_ns, row.case.per_call),
            ratio,
            other,
            row.case.goal.describe(),
            row.status,
        ]
        cells += [row.peers.get(name, "-" if row.ratio is None else "") for name in peer_names]
        body.append(cells)
    return markdown_table(header, body)


def render_memory(rows: Sequence[MemRow]) -> str:
    """The Markdown table for memory rows."""
    header = ["case", "n", "stdlib peak", "itero peak", "goal", "status"]
    body = [
        [
            row.case.name,
            f"{row.case.n:,}",
            "-" if row.baseline_bytes is None else format_bytes(row.baseline_bytes),
            "-" if row.candidate_bytes is None else format_bytes(row.candidate_bytes),
            f"< {format_bytes(row.case.max_bytes)}",
            row.status,
        ]
        for row in rows
    ]
    return markdown_table(header, body)


def fails(rows: Iterable[Row | MemRow]) -> list[str]:
    """One line per case whose goal failed or could not be checked, with its status."""
    lines: list[str] = []
    for row in rows:
        if row.status in ("PASS", "info"):
            continue
        name = row.case.name
        if isinstance(row, MemRow):
            name += f" (n={row.case.n:,})"
        lines.append(f"{name}: {row.status}")
    return lines
