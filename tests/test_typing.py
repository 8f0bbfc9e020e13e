"""Typing tests: run mypy --strict and pyright (strict, from pyproject.toml) over tests/typing/.

The files in tests/typing/ are never executed; they hold ``assert_type(...)`` lines and
``# type: ignore[code]`` lines for calls that must be rejected. These tests make
``python -m pytest`` cover them: a failure prints the type checker's full output.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPING_DIR = ROOT / "tests" / "typing"


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a type checker from the project root (so pyproject.toml applies)."""
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
    )


class TestTypingChecks:
    def test_typing_files_exist(self) -> None:
        names = {path.name for path in TYPING_DIR.glob("check_*.py")}
        assert {"check_option.py", "check_result.py"} <= names

    def test_mypy_strict_accepts_tests_typing(self) -> None:
        done = run([sys.executable, "-m", "mypy", "--strict", str(TYPING_DIR)])
        assert done.returncode == 0, (
            f"mypy --strict failed on tests/typing/ (exit {done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )

    def test_pyright_strict_accepts_tests_typing(self) -> None:
        pyright = Path(sys.executable).parent / "pyright"
        assert pyright.exists(), f"pyright is not installed next to {sys.executable}"
        done = run([str(pyright), str(TYPING_DIR)])
        assert done.returncode == 0, (
            f"pyright (strict) failed on tests/typing/ (exit {done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )
