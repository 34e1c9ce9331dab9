"""Work in a forked process: the value comes back, an error comes back as the error, and where
forking is unsafe (threads running) the work is done here when first asked for."""

from __future__ import annotations

import os
import threading

import pytest

from ssk_report import background


def where() -> int:
    return os.getpid()


def fail() -> None:
    raise ValueError("bad value")


def test_the_value_is_made_in_another_process() -> None:
    with background.forked(where) as later:
        assert later.get() != os.getpid()
        assert later.get() == later.get()  # asked twice, made once


def test_an_error_comes_back_as_itself() -> None:
    with background.forked(fail) as later, pytest.raises(ValueError, match="bad value"):
        later.get()


def test_with_threads_running_the_value_is_made_here_when_asked_for() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with background.forked(where) as later:
            assert later.get() == os.getpid()
    finally:
        stop.set()
        thread.join()
