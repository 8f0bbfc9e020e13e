"""Smoke test of benchmarks/bench_grpc.py: each case runs once on small inputs, and agrees.

Nothing is timed. The framing cases' two variants return the same bytes (or payloads); the
grpc.aio client case runs against its real server subprocess and both variants count the same
nodes.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

bench_grpc: Any = importlib.import_module("bench_grpc")
Goal: Any = importlib.import_module("_harness").Goal


class TestFramingCases:
    @pytest.mark.parametrize("case", bench_grpc.framing_cases(64 * 1024), ids=lambda c: c.name)
    def test_variants_agree(self, case: Any) -> None:
        assert case.baseline is not None
        assert case.candidate() == case.baseline()

    def test_goals_are_the_issues(self) -> None:
        goals = [case.goal for case in bench_grpc.framing_cases(1024)]
        assert goals == [Goal(1.2), Goal(1.0), Goal(1.5)]


class TestStreamCase:
    def test_both_variants_read_every_node_from_the_server_process(self) -> None:
        with bench_grpc.server_process(5000) as port:
            client = bench_grpc.AioClient(port)
            try:
                case = bench_grpc.stream_case(client, 5000)
                assert case.baseline is not None
                assert case.baseline() == case.candidate() == 4999  # the last node's id
                assert case.goal == Goal(1.05)
            finally:
                client.close()
