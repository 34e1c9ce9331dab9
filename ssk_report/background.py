"""Work done in a forked process while this one goes on: the open data files, made while the pages
render. The child inherits what it works on (no pickling of the content model); only its result
comes back. Where forking is not safe (threads running, as in the preview server) or not available,
the work is simply done when first asked for."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Later(Generic[T]):
    """A value being made: `get()` waits for it (and raises what making it raised)."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._value: T | None = None
        self._done = False

    @property
    def done(self) -> bool:
        return self._done

    def get(self) -> T:
        if not self._done:
            self._value, self._done = self._make(), True
        return self._value  # type: ignore[return-value]


def ready(value: T) -> Later[T]:
    """A value already made."""
    return Later(lambda: value)


@contextmanager
def forked(function: Callable[..., T], *args: Any) -> Iterator[Later[T]]:
    """`function(*args)` in a forked child process; stopped if the body ends before asking for it."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        yield Later(lambda: function(*args))
        return
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    # Not a daemon, so that it may fork in turn (the open data files make their workbook beside the
    # rest); it is stopped below in any case.
    process = context.Process(target=_child, args=(send, function, args))
    process.start()
    send.close()

    def result() -> T:
        try:
            succeeded, value = receive.recv()
        except EOFError:
            raise RuntimeError(f"the process running {function.__name__} ended without a result "
                               f"(exit code {process.exitcode})") from None
        if not succeeded:
            raise value
        return value  # type: ignore[no-any-return]

    try:
        yield Later(result)
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()


def _child(send: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        outcome = (True, function(*args))
    except BaseException as error:  # handed to the parent, which raises it where it waits
        outcome = (False, error)
    send.send(outcome)
    send.close()
