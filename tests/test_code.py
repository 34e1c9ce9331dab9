"""The code as the project wants it (pyproject.toml): ruff's rules and mypy's strict checks pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", [["ruff", "check", "--no-cache", "."], ["mypy", "--no-incremental"]],
                         ids=["ruff", "mypy"])
def test_the_checker_finds_nothing(command: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
