"""Smoke test of benchmarks/: each case runs once on tiny inputs, and its variants agree.

Nothing here is timed. Every variant of a case (stdlib baseline, itero candidate, installed
peers) returns the result of its work, so running them once and comparing the results checks
that the rows of the benchmark tables measure the same work. A candidate whose itero feature is
not written yet is skipped, as ``run.py`` reports it "not implemented".
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


def _run_py() -> ModuleType:
    # Imported under a private name: "run" is too generic a module name to put in sys.modules.
    spec = importlib.util.spec_from_file_location("_itero_bench_run", BENCHMARKS / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


harness = _module("_harness")
bench_option_result = _module("bench_option_result")
bench_iter = _module("bench_iter")
bench_methods = _module("bench_methods")
bench_async = _module("bench_async")
bench_peers = _module("bench_peers")
run = _run_py()

TIMED_CASES: list[Any] = [
    *bench_option_result.cases(30),
    *bench_iter.cases(30, 2),
    *bench_methods.sweep(30),
    *bench_methods.fixed_cost(2),
    *bench_async.cases(300, 20),
]
MEMORY_CASES: list[Any] = bench_iter.memory_cases(quick=True)


def _case_id(case: Any) -> str:
    return str(case.name)


class TestTimedCases:
    @pytest.mark.parametrize("case", TIMED_CASES, ids=_case_id)
    def test_variants_run_once_and_agree(self, case: Any) -> None:
        if case.baseline is None:
            pytest.skip(case.note)
        expected = case.baseline()
        for name, variant in case.peers.items():
            if not isinstance(variant, str):  # a str is the note of a peer not installed
                assert variant() == expected, name
        try:
            got = case.candidate()
        except harness.NOT_IMPLEMENTED as exc:
            pytest.skip(f"itero feature not written yet: {exc}")
        assert got == expected

    def test_case_names_are_unique(self) -> None:
        names = [case.name for case in TIMED_CASES]
        assert len(names) == len(set(names))

    def test_iter_cases_cover_the_goals_of_issue_3(self) -> None:
        goals = {case.name: case.goal for case in bench_iter.cases(3, 1)}
        ratio_goals = sorted(g.max_ratio for g in goals.values() if g.max_ratio is not None)
        assert ratio_goals == [1.0, 1.0, 1.05, 1.05, 1.05, 1.05]
        take = goals["Iter(range(10**12)).map(f).take(10).collect()"]
        assert take.max_ns_per_call == 2_000


class TestMethodSweep:
    def test_every_public_iter_method_has_a_row(self) -> None:
        from itero import Iter

        public = {name for name in vars(Iter) if not name.startswith("_")}
        covered: set[str] = set()
        for case in bench_methods.sweep(3):
            covered.update(re.findall(r"(\w+)\(", case.name.split(" ~ ")[0]))
        assert public <= covered, sorted(public - covered)

    def test_goals(self) -> None:
        goals = {case.name.split(" ~ ")[0]: case.goal for case in bench_methods.sweep(3)}
        assert goals.pop("next()").max_ratio == 4.0
        assert goals.pop("size_hint() of 4 stages").max_ratio == 5.0
        assert {goal.max_ratio for goal in goals.values()} == {1.2}
        fixed = {case.name: case.goal for case in bench_methods.fixed_cost(1)}
        take = "build + take(10) + collect: Iter(range(10**12)).map(f).take(10).collect()"
        assert fixed[take].max_ratio == 1.6


class TestMemoryCases:
    @pytest.mark.parametrize("case", MEMORY_CASES, ids=lambda case: f"{case.name} n={case.n}")
    def test_baseline_and_candidate_agree_on_small_n(self, case: Any) -> None:
        expected = case.baseline(100)
        assert expected == 66  # items 0..99 not divisible by 3
        try:
            got = case.candidate(100)
        except harness.NOT_IMPLEMENTED as exc:
            pytest.skip(f"itero feature not written yet: {exc}")
        assert got == expected

    def test_goal_and_sizes(self) -> None:
        assert [case.n for case in bench_iter.memory_cases(quick=False)] == [10**7, 10**5]
        assert {case.max_bytes for case in MEMORY_CASES} == {2048}

    def test_peak_bytes_sees_a_list_of_ten_thousand(self) -> None:
        def build(n: int) -> list[int]:
            return [0] * n

        assert harness.peak_bytes(build, 10_000) >= 8 * 10_000


class TestHelpers:
    def test_ilen_counts_any_iterable(self) -> None:
        assert harness.ilen(iter(range(1234))) == 1234
        assert harness.ilen([]) == 0

    def test_consume_exhausts(self) -> None:
        it = iter(range(10))
        harness.consume(it)
        assert list(it) == []

    @pytest.mark.parametrize(
        ("ns", "text"),
        [
            (999, "999 ns"),
            (1_500, "1.50 µs"),
            (955_180, "955 µs"),
            (2_500_000, "2.50 ms"),
            (25_000_000, "25.0 ms"),
            (3_210_000_000, "3.21 s"),
            (4_321_000_000_000, "4321 s"),
        ],
    )
    def test_format_ns(self, ns: float, text: str) -> None:
        assert harness.format_ns(ns) == text


class TestStatus:
    def test_ratio_goal(self) -> None:
        goal = harness.Goal(1.05)
        assert harness.status_for(goal, 1.05, 1.0, 0) == "PASS"
        assert harness.status_for(goal, 1.06, 1.04, 0) == "FAIL (noise)"
        assert harness.status_for(goal, 1.2, 1.1, 0) == "FAIL"

    def test_time_goal_ignores_the_ratio(self) -> None:
        goal = harness.Goal(max_ns_per_call=2_000)
        assert harness.status_for(goal, 9.0, 9.0, 1_999) == "PASS"
        assert harness.status_for(goal, 0.5, 0.5, 2_001) == "FAIL"

    def test_no_goal_is_information(self) -> None:
        assert harness.status_for(harness.Goal(), 3.0, 3.0, 0) == "info"
        assert harness.Goal().describe() == "info"


class TestRender:
    def _row(self, status: str, **peers: str) -> Any:
        case = harness.Case(
            "a|b", lambda: None, lambda: None, harness.Goal(1.05), dict.fromkeys(peers, "x")
        )
        return harness.Row(case, status, 1_000_000, 1_020_000, 1.02, 1.01, 1.03, 0.97, dict(peers))

    def test_table_has_one_column_per_peer_and_escapes_pipes(self) -> None:
        text = harness.render([self._row("PASS", flupy="3.00x")], harness.Config())
        assert text.splitlines() == [
            "| case | stdlib (CPU) | itero (CPU) | ratio, CPU (IQR) | ratio, wall | goal | status"
            " | flupy (ratio) |",
            "|---|---|---|---|---|---|---|---|",
            "| a\\|b | 1.00 ms | 1.02 ms | 1.020x (1.01-1.03) | 0.97x | <= 1.05x | PASS | 3.00x |",
        ]

    def test_wall_clock_can_decide(self) -> None:
        text = harness.render([self._row("PASS")], harness.Config(clock="wall"))
        assert text.splitlines()[0] == (
            "| case | stdlib (wall) | itero (wall) | ratio, wall (IQR) | ratio, CPU | goal"
            " | status |"
        )

    def test_fails_lists_what_is_not_met(self) -> None:
        rows = [self._row("PASS"), self._row("FAIL")]
        assert harness.fails(rows) == ["a|b: FAIL"]


class TestKit:
    def test_bench_kit_has_the_main_run_py_calls(self) -> None:
        if not (BENCHMARKS / "bench_kit.py").exists():
            pytest.skip("benchmarks/bench_kit.py not written yet")
        assert callable(_module("bench_kit").main)


class TestRunPy:
    def test_only_accepts_commas_and_repeats(self) -> None:
        args = run.parse_args(["--only", "iter,kit", "--only", "peers", "--quick"])
        assert args.only == ["iter", "kit", "peers"]
        assert args.quick
        assert args.clock == "cpu"

    def test_default_runs_every_section(self) -> None:
        assert run.parse_args([]).only == [
            "option_result",
            "iter",
            "methods",
            "async",
            "kit",
            "grpc",
            "peers",
        ]

    def test_unknown_section_is_an_error(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit):
            run.parse_args(["--only", "iters"])
        assert "unknown section(s) iters" in capsys.readouterr().err

    def test_peers_section_writes_markdown(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        out = tmp_path / "results.md"
        assert run.main(["--only", "peers", "--markdown-out", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        assert text == capsys.readouterr().out
        assert text.startswith("# itero benchmarks\n")
        assert "## Peer libraries" in text
        for name in bench_peers.LIBRARIES:
            assert f"| {name} |" in text
