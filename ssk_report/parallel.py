"""Worker processes: the one place where the build runs work in parallel.

WeasyPrint lays out a document on one core, so the PDFs are shared out to processes. A `Pool` starts
its workers with the multiprocessing start method asked for (the platform's default otherwise: fork,
forkserver or spawn), gives each one the build's shared state once, pickled, and runs tasks on that
state; nothing depends on what a worker inherits, so the result is the same under every start method
and with any number of workers. With one worker, tasks run in this process as they are submitted.

Each worker watches the process that started it and exits when it dies, even by `kill -9`, which
gives it no chance to stop its pool.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")

_state: Any = None  # in a worker: the state its pool was given


def state() -> Any:
    """The shared state of the pool this task runs in."""
    return _state


def worker_count() -> int:
    """One worker per core this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class Pool:
    """`workers` processes sharing `shared`; use as a context manager (the workers stop on exit)."""

    def __init__(self, workers: int, shared: Any, method: str | None = None) -> None:
        self.workers = max(1, workers)
        self._shared = shared
        self._method = method
        self._executor: ProcessPoolExecutor | None = None

    def submit(self, task: Callable[..., T], *args: Any) -> Future[T]:
        if self.workers == 1:
            return _run_here(task, self._shared, args)
        if self._executor is None:  # started on first use: a build with nothing to render starts none
            context = multiprocessing.get_context(self._method)
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_install,
                                                 initargs=(pickle.dumps(self._shared, pickle.HIGHEST_PROTOCOL),))
        return self._executor.submit(task, *args)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._executor is None:
            return
        if kind is not None:  # an error or Ctrl-C: no document still being laid out is waited for
            for process in list(getattr(self._executor, "_processes", {}).values()):  # (3.14: terminate_workers)
                process.terminate()
        self._executor.shutdown(wait=True, cancel_futures=kind is not None)


def _run_here(task: Callable[..., T], shared: Any, args: tuple[Any, ...]) -> Future[T]:
    global _state
    future: Future[T] = Future()
    _state, before = shared, _state
    try:
        future.set_result(task(*args))
    except Exception as error:  # handed over as a worker's error would be
        future.set_exception(error)
    finally:
        _state = before
    return future


def _install(shared: bytes) -> None:
    """A worker's start: take the shared state, and die with the parent."""
    global _state
    _state = pickle.loads(shared)  # noqa: S301 - bytes from the parent process, never from disk
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)
