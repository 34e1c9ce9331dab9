"""The exceptions the command line turns into messages (anything else is a bug)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located as precisely as we can."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class SskError(Exception):
    """Base class: the CLI prints the message and exits with `exit_code`, no traceback."""

    exit_code = 1


class ContentError(SskError):
    """The content has one or more problems; all of them are reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(SskError):
    """The command line was used wrongly (a missing folder, a bad option)."""

    exit_code = 2


class BuildLockedError(SskError):
    """Another build is writing to the same output folder."""
