"""Errors that the pipeline reports to its user with a clear message (never a traceback)."""

from __future__ import annotations


class ParseError(ValueError):
    """The plan text does not have the expected shape. `line` is 1-based (0: the file itself)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message
