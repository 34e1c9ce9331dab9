"""The README's commands on a fresh Debian machine: scripts/setup.sh installs into a virtual
environment (.venv/), so that they work with Debian's own python3, which refuses to install
anything outside one (PEP 668)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"  # no /usr/local, no pyenv: Debian's python3 is found


def repository_copy(into: Path) -> Path:
    """The repository's files as a clone would have them, with their changes not yet committed."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    for name in listed.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, into / name)
    return into


def make(target: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": SYSTEM_PATH}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(["make", "--no-print-directory", target], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)


@pytest.mark.skipif(not Path("/usr/bin/python3").exists() or not shutil.which("make"),
                    reason="Debian's python3 and make: the platform the README's commands are for")
def test_make_works_with_debians_python_from_a_virtual_environment_and_again_at_once(tmp_path: Path) -> None:
    clone = repository_copy(tmp_path / "ssk-report")
    first = make("validate", clone)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "setup: installing ssk-report into .venv/ (pip)" in first.stdout
    assert "Konten valid: 14 kabupaten/kota, 3 coaching clinic." in first.stdout
    assert (clone / ".venv" / "bin" / "ssk-report").is_file()
    assert "setup: installing the browser editor's files into cms/node_modules/ (npm)" in first.stdout
    assert (clone / "cms" / "node_modules" / "@sveltia" / "cms" / "dist" / "sveltia-cms.js").is_file()
    # Run again, setup finds everything in place and installs nothing.
    second = make("validate", clone)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "setup:" not in second.stdout + second.stderr
