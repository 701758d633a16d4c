"""Why a build stopped: the message says what failed and what to do; `dist/` is left as it was."""

from __future__ import annotations

from hgkbp_ld.validate import Report

__all__ = ["BuildError", "ValidationFailed"]


class BuildError(RuntimeError):
    """The build stopped; `dist/` is as it was. The message says why and what to do."""


class ValidationFailed(BuildError):
    def __init__(self, report: Report, profile: str = "the application profile") -> None:
        failed = [v for v in report.violations if v.severity == "Violation"]
        super().__init__(
            f"the graph does not conform to {profile} ({len(failed)} violations):\n"
            f"{Report(False, tuple(failed)).text()}"
        )
        self.report = report
