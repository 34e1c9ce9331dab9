"""The worker pool: the same results under every start method and worker count, errors handed back as
themselves, and no worker outliving its build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ssk_report import parallel
from ssk_report.errors import ContentError, Problem

from .conftest import ROOT


def shout(word: str) -> str:
    """A task: reads the pool's shared state."""
    return f"{parallel.state()['greeting']}, {word}!"


def fail(word: str) -> str:
    raise ContentError([Problem("content/x.yaml", 3, 1, "name", f"bad {word}")])


@pytest.mark.parametrize("method", ["spawn", "forkserver", "fork"])
def test_every_start_method_gives_the_same_results(method: str) -> None:
    with parallel.Pool(2, {"greeting": "Halo"}, method) as pool:
        futures = [pool.submit(shout, word) for word in ("Kapuas", "Seruyan", "Katingan")]
        assert [f.result() for f in futures] == ["Halo, Kapuas!", "Halo, Seruyan!", "Halo, Katingan!"]


def test_one_worker_runs_each_task_here_as_it_is_submitted() -> None:
    with parallel.Pool(1, {"greeting": "Halo"}) as pool:
        future = pool.submit(shout, "Lamandau")
        assert future.done() and future.result() == "Halo, Lamandau!"
        assert parallel.state() is None  # the state is the task's only while it runs


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_comes_back_as_itself(workers: int) -> None:
    with parallel.Pool(workers, {}, "spawn") as pool:
        future = pool.submit(fail, "name")
        with pytest.raises(ContentError) as caught:
            future.result()
    assert str(caught.value) == "content/x.yaml:3:1: name: bad name"


def test_workers_exit_when_the_build_is_killed(tmp_path: Path) -> None:
    """`kill -9` gives the build no chance to stop its pool: each worker notices on its own."""
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from ssk_report import parallel
        if __name__ == "__main__":
            pool = parallel.Pool(2, None, "spawn")
            futures = [pool.submit(time.sleep, 600) for _ in range(2)]
            while len(getattr(pool._executor, "_processes", {{}}) or {{}}) < 2:
                time.sleep(0.05)
            time.sleep(1)
            print(" ".join(str(pid) for pid in pool._executor._processes), flush=True)
            time.sleep(600)
    """)
    (tmp_path / "build.py").write_text(script)
    parent = subprocess.Popen([sys.executable, str(tmp_path / "build.py")], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(pid) for pid in workers)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 20
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(pid) for pid in workers)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()


def alive(pid: int) -> bool:
    """Running, not merely a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_an_interrupted_build_does_not_wait_for_its_workers() -> None:
    """Ctrl-C while a long document is laid out: the workers are stopped, not waited for."""
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), parallel.Pool(2, None, "spawn") as pool:
        futures = [pool.submit(time.sleep, 120) for _ in range(2)]
        while not all(f.running() for f in futures):
            time.sleep(0.05)
        raise KeyboardInterrupt
    assert time.monotonic() - started < 60
