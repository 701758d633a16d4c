"""What the test run cost, counted in a way the machine's load does not change: the processes the tests
started (builds, servers, publishes, Virtuosos, nginx, Lighthouse, pip) and the sum of the tests' own
durations (setup + call + teardown). Printed at the end of the run ("process starts"); with
pytest-xdist each worker counts its own and the controller adds them up.

Also, per module, the wall time of its tests and the CPU time they cost: the test process's own, its
reaped children's, and the CPU so far of the children still running (a shared server is counted by
the test during which it worked). Virtuoso and a server's own worker processes while they still run
are not counted. `HGKBP_TEST_TALLY=N` prints the N costliest modules (default 12; 0: none).

With pytest-xdist, also each worker's time line: busy (in tests), idle between its tests, and its tail
(done while another still ran), with the modules in the order it ran them: where a run waited.

Loaded by tests/conftest.py; `-p tests.tally` loads it on a tree whose conftest does not (a baseline).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import time
from collections import Counter
from pathlib import Path
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
    ("fork server (tests/forkserver.py)", ("tests.forkserver",)),
)
FORKED = "of these hgkbp-ld commands, forked from the pre-imported server"

COUNTS: Counter[str] = Counter()
_ORIGINAL_INIT = subprocess.Popen.__init__
_CHILDREN: list[subprocess.Popen] = []  # every process the tests started, to read the CPU of the live ones
_TICKS = os.sysconf("SC_CLK_TCK")


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
        if any(str(word).endswith("tests/forked.py") for word in (args if isinstance(args, list | tuple) else [])):
            COUNTS[FORKED] += 1
    _ORIGINAL_INIT(self, args, *rest, **kwargs)
    _CHILDREN.append(self)


def _process_cpu(pid: int) -> float:
    """CPU seconds of a live process and of its children it reaped (utime stime cutime cstime)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        times = stat.rsplit(")", 1)[1].split()[11:15]
    except (OSError, IndexError):
        return 0.0
    return sum(int(t) for t in times) / _TICKS


def _children_of(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def cpu_seconds() -> float:
    """CPU (user + system) of this process, its reaped children and its live children (with theirs). The
    commands forked from the fork server (tests/forkserver.py) are children of that server, not of the test
    process: its live children are counted as if they were the test process's own (as before, when each was
    a new interpreter started by the test)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime
    for child in list(_CHILDREN):
        if child.returncode is not None:
            _CHILDREN.remove(child)
            continue
        total += _process_cpu(child.pid)
        if isinstance(child.args, list | tuple) and "tests.forkserver" in child.args:
            total += sum(_process_cpu(forked) for forked in _children_of(child.pid))
    return total


MODULES: dict[str, list[float]] = {}  # module -> [wall seconds, CPU seconds, tests]
STARTED = time.time()  # this process's start (the clock all processes share)
SPANS: list[tuple[str, float, float]] = []  # (module, start, end) of each test, epoch seconds
WORKERS: dict[str, list[tuple[str, float, float]]] = {}  # on the controller: each worker's spans


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> object:
    wall, cpu, started = time.monotonic(), cpu_seconds(), time.time()
    yield
    module = item.nodeid.split("::", 1)[0]
    spent = MODULES.setdefault(module, [0.0, 0.0, 0])
    spent[0] += time.monotonic() - wall
    spent[1] += cpu_seconds() - cpu
    spent[2] += 1
    SPANS.append((module, started, time.time()))


DURATIONS = [0.0]  # seconds, setup + call + teardown of every test (on the controller: all workers')


def _machine() -> tuple[float, float, float]:
    """(1-minute load average, jiffies the machine's cores were busy, jiffies in all) so far: every
    process's, the tests' and anyone else's on a shared machine (zeros where /proc/stat is not there)."""
    try:
        fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return os.getloadavg()[0], 0.0, 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return os.getloadavg()[0], float(sum(fields[:8]) - idle), float(sum(fields[:8]))


MACHINE: list[tuple[float, float, float]] = []  # at the start of the run (on the controller)


def pytest_configure(config: pytest.Config) -> None:
    subprocess.Popen.__init__ = _counting_init  # type: ignore[method-assign]
    MACHINE.append(_machine())


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    DURATIONS[0] += report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the counts to the controller
        workeroutput["tally"] = json.dumps(dict(COUNTS))
        workeroutput["tally_modules"] = json.dumps(MODULES)
        workeroutput["tally_spans"] = json.dumps(SPANS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    output = getattr(node, "workeroutput", {})
    if "tally" in output:
        COUNTS.update(json.loads(output["tally"]))
    WORKERS[str(getattr(getattr(node, "gateway", None), "id", len(WORKERS)))] = json.loads(
        output.get("tally_spans", "[]")
    )
    for module, (wall, cpu, tests) in json.loads(output.get("tally_modules", "{}")).items():
        spent = MODULES.setdefault(module, [0.0, 0.0, 0])
        spent[0], spent[1], spent[2] = spent[0] + wall, spent[1] + cpu, spent[2] + tests


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if getattr(config, "workeroutput", None) is not None:
        return
    terminalreporter.section("process starts")
    started = ", ".join(f"{n} {kind}" for kind, n in sorted(COUNTS.items(), key=lambda c: c[0] == FORKED)) or "none"
    terminalreporter.write_line(started)
    terminalreporter.write_line(f"sum of the tests' durations: {DURATIONS[0]:.1f} s")
    shown = int(os.environ.get("HGKBP_TEST_TALLY", "12"))
    if MODULES and shown:
        total_cpu = sum(cpu for _wall, cpu, _n in MODULES.values())
        terminalreporter.write_line(
            f"CPU of the tests and the processes they started: {total_cpu:.1f} s; the costliest modules"
            " (wall s, CPU s, tests):"
        )
        for module, (wall, cpu, tests) in sorted(MODULES.items(), key=lambda m: -m[1][1])[:shown]:
            terminalreporter.write_line(f"  {module:45} {wall:7.1f} {cpu:7.1f} {tests:5}")
    _workers(terminalreporter)
    _load(terminalreporter, sum(cpu for _wall, cpu, _n in MODULES.values()))


def _load(terminalreporter: pytest.TerminalReporter, counted: float) -> None:
    """How busy the machine was during the run (all its processes: on a shared machine others' too),
    and how much of it the tests' counted CPU was: where the cores sat idle, or were taken by others."""
    if not MACHINE:
        return
    (load_0, busy_0, all_0), (load_1, busy_1, all_1) = MACHINE[0], _machine()
    cores, wall = os.cpu_count() or 1, time.time() - STARTED
    line = f"machine: load average {load_0:.1f} at the start, {load_1:.1f} at the end"
    if all_1 > all_0:
        line += f"; its {cores} cores busy {100 * (busy_1 - busy_0) / (all_1 - all_0):.0f} % of the run (every process)"
    if counted:
        line += f", with the tests' counted CPU {100 * counted / (cores * wall):.0f} % (Virtuoso and live query workers not in it)"
    terminalreporter.write_line(line)


def _workers(terminalreporter: pytest.TerminalReporter) -> None:
    """Per pytest-xdist worker: when its first test started and its last ended (seconds from the run's
    start), how long it was in tests (busy), between them not (idle), and after its last until the run's
    end (tail); then its modules in the order it ran them (start s + seconds in them)."""
    if not WORKERS:
        return
    end = time.time() - STARTED
    terminalreporter.write_line(f"workers (run {end:.1f} s): first test, last end, busy, idle between, tail; modules")
    for worker, spans in sorted(WORKERS.items()):
        if not spans:
            continue
        first, last = min(s for _m, s, _e in spans) - STARTED, max(e for _m, _s, e in spans) - STARTED
        busy = sum(e - s for _m, s, e in spans)
        terminalreporter.write_line(
            f"  {worker}: {first:.1f} s, {last:.1f} s, busy {busy:.1f} s, idle {last - first - busy:.1f} s,"
            f" tail {end - last:.1f} s"
        )
        modules: dict[str, list[float]] = {}
        for module, start, stop in spans:
            seen = modules.setdefault(module, [start, 0.0])
            seen[1] += stop - start
        terminalreporter.write_line(
            "    "
            + ", ".join(
                f"{m.rsplit('/', 1)[-1].removeprefix('test_').removesuffix('.py')} {s - STARTED:.0f}+{t:.0f}"
                for m, (s, t) in sorted(modules.items(), key=lambda kv: kv[1][0])
            )
        )
