"""Errors that the pipeline reports to its user with a clear message (never a traceback)."""

from __future__ import annotations


class ParseError(ValueError):
    """The plan text does not have the expected shape. `line` is 1-based (0: the file itself);
    `path` names the file once it is known (`parse_file` sets it), so every message says where."""

    def __init__(self, line: int, message: str, path: str | None = None) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message
        self.path = path

    def __str__(self) -> str:
        where = f"line {self.line}: {self.message}"
        return f"{self.path}: {where}" if self.path else where

    def __reduce__(self) -> tuple[type[ParseError], tuple[int, str, str | None]]:
        """Pickled with its own arguments: a plan parsed in a worker process reports as in the build's."""
        return (ParseError, (self.line, self.message, self.path))

    def located(self, path: str) -> ParseError:
        """The same error, naming the file it was met in."""
        return ParseError(self.line, self.message, self.path or path)
