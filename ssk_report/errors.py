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
    revision: str = ""  # the git revision, as the user wrote it, when the file is not the work tree's

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" + (f" (at {self.revision})" if self.revision else "")
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        return {"file": self.path, "line": self.line, "column": self.column, "field": self.field,
                "message": self.message, **({"revision": self.revision} if self.revision else {})}

    def as_github(self) -> str:
        """A GitHub Actions workflow command: the pull request shows it on the file's line."""
        title = f",title={_escape_property(self.field)}" if self.field else ""
        return (f"::error file={_escape_property(self.path)},line={self.line},col={self.column}{title}"
                f"::{_escape_data(self.message)}")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class SskError(Exception):
    """Base class: the CLI prints the message and exits with `exit_code`, no traceback."""

    exit_code = 1


class ContentError(SskError):
    """The content has one or more problems; all of them are reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem]]]:
        # Raised in a PDF worker process, it must arrive in the main process with its problems.
        return ContentError, (self.problems,)


class UsageError(SskError):
    """The command line was used wrongly (a missing folder, a bad option)."""

    exit_code = 2


class BuildLockedError(SskError):
    """Another build is writing to the same output folder."""
