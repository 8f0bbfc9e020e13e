"""Run every program in examples/ as a newcomer would (a subprocess) and check what it prints.

The two data-scalable examples take their input sizes on the command line; here they run at
small sizes (their default run shows 10**4 and 10**6) and the test checks that the tracemalloc
peak does not grow with the input.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SMALL, LARGE = 1_000, 20_000

# Arguments for examples that take some (the others run without arguments).
ARGS: dict[str, list[str]] = {
    "session_tracker.py": [str(SMALL), str(LARGE)],
    "deserialize_nodes.py": [str(SMALL), str(LARGE)],
}


@functools.cache
def run(name: str) -> list[str]:
    """Run ``examples/<name>`` with its test arguments (once); return its stdout lines."""
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *ARGS.get(name, [])],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=EXAMPLES.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout.splitlines()


def peaks_kib(lines: list[str]) -> list[int]:
    return [int(m.group(1)) for line in lines if (m := re.search(r"peak (\d+) KiB$", line))]


class TestEveryExample:
    @pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.py")))
    def test_runs_cleanly_and_prints(self, name: str) -> None:
        assert run(name) != []


class TestQuickstart:
    def test_output(self) -> None:
        assert "Some(1)" in "\n".join(run("quickstart.py"))


class TestSessionTracker:
    def test_output(self) -> None:
        lines = run("session_tracker.py")
        assert lines[:7] == [
            "The first active sessions of a small backend:",
            "  SessionTracker(id=1, user='user1', terminated=False)",
            "  SessionTracker(id=2, user='user2', terminated=False)",
            "  SessionTracker(id=4, user='user4', terminated=False)",
            "  (3 requests, asking for pages of 1000, 500, 250 trackers)",
            "Counting the active sessions of larger backends (memory does not grow with them):",
            # 1000 and 500 are too large, then pages of 250: 2 + 4 requests.
            "      1,000 sessions:       666 active,     6 requests, connection closed: True, "
            f"tracemalloc peak {peaks_kib(lines)[0]} KiB",
        ]
        assert lines[7:] == [
            "     20,000 sessions:    13,333 active,    82 requests, connection closed: True, "
            f"tracemalloc peak {peaks_kib(lines)[1]} KiB",
        ]

    def test_memory_does_not_grow(self) -> None:
        small, large = peaks_kib(run("session_tracker.py"))
        assert large <= small * 1.5 + 4


class TestDeserializeNodes:
    def test_output(self) -> None:
        lines = run("deserialize_nodes.py")
        small, large = peaks_kib(lines)
        assert lines == [
            "Collected 3 nodes:",
            "  Node(id=1, name='root', parent=None)",
            "  Node(id=2, name='left', parent=1)",
            "  Node(id=4, name='leaf', parent=2)",
            "Reported 2 bad lines:",
            "  line 3: not JSON (Expecting ',' delimiter)",
            "  line 5: a node needs an int id and a str name",
            "Streaming larger inputs (memory does not grow with them):",
            f"      1,000 lines:       998 nodes, bad: line 7, line 500; "
            f"tracemalloc peak {small} KiB",
            f"     20,000 lines:    19,998 nodes, bad: line 7, line 10000; "
            f"tracemalloc peak {large} KiB",
        ]

    def test_memory_does_not_grow(self) -> None:
        small, large = peaks_kib(run("deserialize_nodes.py"))
        assert large <= small * 1.5 + 4
