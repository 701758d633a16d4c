"""What the test run cost, counted in a way the machine's load does not change: the processes the tests
started (builds, servers, publishes, Virtuosos, nginx, Lighthouse, pip) and the sum of the tests' own
durations (setup + call + teardown). Printed at the end of the run ("process starts"); with
pytest-xdist each worker counts its own and the controller adds them up.

Loaded by tests/conftest.py; `-p tests.tally` loads it on a tree whose conftest does not (a baseline).
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from typing import Any

import pytest

KINDS = (  # (kind, words that must all be in the command line), first match wins
    ("build", ("hgkbp_ld.cli", "build")),
    ("serve", ("hgkbp_ld.cli", "serve")),
    ("publish", ("hgkbp_ld.cli", "publish")),
    ("hgkbp-ld (other)", ("hgkbp_ld.cli",)),
    ("virtuoso start", ("virtuoso-dev", "start")),
    ("nginx", ("nginx", "-p")),
    ("lighthouse", ("lighthouse",)),
    ("pip", ("pip",)),
    ("ldes-client", ("ldes-client",)),
    ("chromium (playwright)", ("run-driver",)),
)

COUNTS: Counter[str] = Counter()
_ORIGINAL_INIT = subprocess.Popen.__init__


def kind_of(args: Any) -> str | None:
    words = [str(a) for a in args] if isinstance(args, list | tuple) else str(args).split()
    line = " ".join(words)
    for kind, needles in KINDS:
        if all(n in line for n in needles):
            return kind
    if any(w.endswith("/hgkbp-ld") for w in words[:1]):
        return "hgkbp-ld (wheel)"
    return None


def _counting_init(self: subprocess.Popen, args: Any, *rest: Any, **kwargs: Any) -> None:
    kind = kind_of(args)
    if kind is not None:
        COUNTS[kind] += 1
    _ORIGINAL_INIT(self, args, *rest, **kwargs)


DURATIONS = [0.0]  # seconds, setup + call + teardown of every test (on the controller: all workers')


def pytest_configure(config: pytest.Config) -> None:
    subprocess.Popen.__init__ = _counting_init  # type: ignore[method-assign]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    DURATIONS[0] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the counts to the controller
        workeroutput["tally"] = json.dumps(dict(COUNTS))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    output = getattr(node, "workeroutput", {})
    if "tally" in output:
        COUNTS.update(json.loads(output["tally"]))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if getattr(config, "workeroutput", None) is not None:
        return
    terminalreporter.section("process starts")
    started = ", ".join(f"{n} {kind}" for kind, n in sorted(COUNTS.items())) or "none"
    terminalreporter.write_line(started)
    terminalreporter.write_line(f"sum of the tests' durations: {DURATIONS[0]:.1f} s")
