"""The suite's shared parts: the data folders, the builds (each distinct one made once per run, see
tests/shared.py), the servers (one per store and configuration per test process), the session's
Virtuoso, and the hooks (both stores, heavy modules first, nothing written into data/)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph

from hgkbp_ld.build import build_graphs
from hgkbp_ld.model import ParsedPlan
from hgkbp_ld.parse import parse_file
from hgkbp_ld.registers import DATA_DIR, Registers, load_plan_configs
from tests import forkserver, ssl_once
from tests.processes import EPOCH, ROOT, Server, Virtuoso, free_port, publish, require_virtuoso, run_build
from tests.shared import (
    copy_dist,
    empty_virtuoso,
    session_virtuoso,
    shared_build,
    shared_root,
    stop_session_virtuoso,
    stop_spare_virtuoso,
)

pytest_plugins = ["tests.tally"]

SOURCE = ROOT / "data" / "source" / "hgkbp-2025-2029.txt"
REAL_PLAN = "hgkbp-2025-2029"
EXAMPLES = ROOT / "examples" / "plans"  # two invented plans in the real layout, laid out as a data folder
SECOND_PLAN = "voorbeeld-testplan-2025-2029"  # tests/fixtures/tweede-plan: a fictitious second plan

__all__ = [
    "EPOCH",
    "ROOT",
    "Server",
    "Virtuoso",
    "copy_dist",
    "free_port",
    "publish",
    "require_virtuoso",
    "run_build",
]


# --- data folders and builds ------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def fork_server() -> None:
    """The test process's pre-imported server (tests/forkserver.py), started before its first test: the
    `hgkbp-ld` commands the tests start, and the worker processes builds spawn (in the test process or in
    a command), are forks of it instead of new interpreters. `HGKBP_TEST_FORK=0`: none."""
    if forkserver.enabled():
        forkserver.server_socket()


def copy_data_with_examples(data: Path) -> Path:
    """A copy of data/ with the two invented plans of examples/plans/ added, as a user adds a plan:
    files under data/ only. They are not in the bundled data, which publishes real plans only."""
    shutil.copytree(ROOT / "data", data)
    shutil.copytree(EXAMPLES, data, dirs_exist_ok=True)
    return data


def copy_real_data(data: Path) -> Path:
    """A copy of data/ into `data` with the real plan alone (should data/ ever hold other plans, the
    real plan's tests still see it as it always was)."""
    shutil.copytree(ROOT / "data", data)
    for toml in (data / "plans").glob("*.toml"):
        if toml.stem != REAL_PLAN:
            toml.unlink()
    return data


def data_with_second_plan(root: Path) -> Path:
    """A copy of data/ with the fictitious second plan beside the real one."""
    fixture = ROOT / "tests" / "fixtures" / "tweede-plan"
    data = copy_real_data(root / "data")
    shutil.copy(fixture / "plans" / f"{SECOND_PLAN}.toml", data / "plans")
    shutil.copy(fixture / f"{SECOND_PLAN}.txt", data / "source")
    return data


def build_dist(out: Path, data: Path | None = None) -> Path:
    """A build that must succeed (of the real plan alone, or from another data folder if given)."""
    if data is None:
        data = copy_real_data(out.parent / f"{out.name}-data")
    done = run_build(out, "--quiet", "--data", str(data))
    assert done.returncode == 0, done.stderr
    return out


def rerender(dist: Path) -> None:
    """The render stage once more, for a build a test changed by hand (graphs added to its manifest):
    what the build rendered before no longer matches it, and the server would refuse it."""
    import datetime as dt

    from hgkbp_ld.render.stage import render
    from hgkbp_ld.store.loading import SNAPSHOT

    for rendered in [dist / "site", dist / SNAPSHOT, *dist.glob("site.*")]:
        if rendered.is_symlink() or rendered.is_file():
            rendered.unlink()
        elif rendered.exists():
            shutil.rmtree(rendered)
    render(dist, "https://data.vlaanderen.be", dt.date(2026, 1, 1))


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """(data, dist, process) of the real plan built by the real command, once per run: read, never change.
    In a new interpreter (`python -m hgkbp_ld.cli build`), not forked (tests/forkserver.py): the build
    most tests read, made exactly as a user's."""
    return shared_build(tmp_path_factory, "real", lambda folder: copy_real_data(folder / "data"), fresh=True)


@pytest.fixture(scope="session")
def dist(real_build: tuple[Path, Path, subprocess.CompletedProcess[str]]) -> Path:
    """A fresh build of the real plan, made by the real command (shared: copy it to change it)."""
    return real_build[1]


@pytest.fixture(scope="session")
def dist_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second version: the real plan and a second plan beside it (more triples, another manifest)."""
    return shared_build(tmp_path_factory, "second", data_with_second_plan)[1]


@pytest.fixture(scope="session")
def three_plans(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """data/ with the two invented plans of examples/plans/ added (three plans), in a folder not named
    'data', built: (data, dist, process)."""
    return shared_build(tmp_path_factory, "three", lambda folder: copy_data_with_examples(folder / "mijn-gegevens"))


@pytest.fixture(scope="session")
def other_base_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """The real plan built for another --base (https://example.org): (data, dist, process)."""
    return shared_build(
        tmp_path_factory, "other-base", lambda f: copy_real_data(f / "data"), "--base", "https://example.org"
    )


@pytest.fixture(scope="session")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def parsed() -> ParsedPlan:
    return parse_file(SOURCE)


@pytest.fixture(scope="session")
def built_graph() -> Graph:
    """The real plan mapped to RDF (not validated: the tests do that)."""
    configs = tuple(c for c in load_plan_configs(DATA_DIR / "plans") if c.slug == REAL_PLAN)
    (plan,) = build_graphs(Registers.load(), configs, "https://data.vlaanderen.be")
    return plan.graph


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for the browser tests (axe-core, keyboard, reflow)."""
    from tests.browser import launched_chromium

    yield from launched_chromium()


# --- the two stores ---------------------------------------------------------------------------------------
#
# Modules marked `pytestmark = pytest.mark.both_stores` run every test that uses `server` twice: once
# on the embedded store and once on Virtuoso (ids end in [embedded] / [virtuoso]). The Virtuoso is the
# one .ci/run starts (HGKBP_TEST_VIRTUOSO names the file of `export` lines scripts/virtuoso-dev printed),
# else one the run starts itself; without virtuoso-t the Virtuoso runs skip, and fail when CI=true.

STORE_KINDS = ("embedded", "virtuoso")


def pytest_configure(config: pytest.Config) -> None:
    ssl_once.install()  # httpx's one-off requests without a CA bundle parsed for each (tests/ssl_once.py)
    config.addinivalue_line("markers", "both_stores: run the module's server tests on the embedded store and Virtuoso")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_kind" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_stores") is not None
        metafunc.parametrize("store_kind", STORE_KINDS if both else STORE_KINDS[:1], indirect=True, scope="session")


@pytest.fixture(scope="session")
def store_kind(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "embedded")


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Virtuoso:
    """The run's Virtuoso (tests/shared.py): the one .ci/run started, else one started here."""
    return session_virtuoso(tmp_path_factory)


@pytest.fixture
def new_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Virtuoso:
    """A Virtuoso of the test's own, as empty as a new database, for tests that kill it or fill it: the
    test process's one, emptied between tests (tests/shared.py: starting one costs seconds)."""
    return empty_virtuoso(tmp_path_factory)


def serve_on(
    kind: str, dist: Path, request: pytest.FixtureRequest, *extra: str, env: dict[str, str] | None = None
) -> Server:
    """A server for `dist` on the embedded store, or on the session's Virtuoso after publishing it
    (a no-op when it serves that build already)."""
    if kind == "embedded":
        return Server(dist, *extra, env=env)
    virtuoso: Virtuoso = request.getfixturevalue("virtuoso")
    done = publish(dist, virtuoso)
    assert done.returncode == 0, done.stderr
    return Server(dist, "--store", virtuoso.url, *extra, env={**virtuoso.env, **(env or {})})


_SERVERS: dict[tuple[str, str], Server] = {}
# The shared servers answer read-only tests, none of which tests the query timeout (those that do start
# their own server with theirs): a margin against CPU starvation on a busy machine. A query past 1 s of
# CPU runs at nice 19 (hgkbp_ld.sparql.pool), so with every core taken by the other test processes an
# example query that takes a second alone went past the default 10 s (503) at a load of 12-15.
SHARED_SERVER_ENV = {"HGKBP_QUERY_TIMEOUT": "60"}


def shared_server(kind: str, dist: Path, request: pytest.FixtureRequest) -> Server:
    """The process's one server of `dist` on that store (default settings), started on first use and
    stopped at the end of the session: read-only tests of any module share it."""
    key = (kind, str(dist))
    if key not in _SERVERS:
        _SERVERS[key] = serve_on(kind, dist, request, env=SHARED_SERVER_ENV)
        _SERVERS[key].store_kind = kind
    return _SERVERS[key]


@pytest.fixture(scope="session")
def server(store_kind: str, dist: Path, request: pytest.FixtureRequest) -> Server:
    return shared_server(store_kind, dist, request)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for running in _SERVERS.values():
        running.stop()
    _SERVERS.clear()
    forkserver.stop_server()
    stop_spare_virtuoso()
    if _DATA_AT_START and _data_digest() != _DATA_AT_START[0]:
        session.config.get_terminal_writer().line(
            "data/ changed during the tests (git status data/): a test built into the repository's data/", red=True
        )
        session.exitstatus = 1
    _PASSED[:] = [session.exitstatus == 0]


_PASSED: list[bool] = []


def pytest_unconfigure(config: pytest.Config) -> None:
    """In the controller (or the only process): stop the Virtuoso the run started, and after a run that
    passed remove the shared builds and Virtuoso databases (`make test` keeps them in memory; after a
    failure they stay, beside the failed tests' folders)."""
    if getattr(config, "workeroutput", None) is None and hasattr(config, "_tmp_path_factory"):
        root = shared_root(config._tmp_path_factory)
        stop_session_virtuoso(root)
        if _PASSED == [True]:
            shutil.rmtree(root / "shared", ignore_errors=True)


# --- order and reports --------------------------------------------------------------------------------------

# With pytest-xdist (`make test`: `--dist loadfile --no-loadscope-reorder`) a module goes to one worker
# whole, so that its module fixtures (servers, builds, browsers) are made once and a module's own
# bookkeeping (test_sparql_conformance's summary) sees all its cases. (`--dist loadgroup` with
# `xdist_group` marks would let some modules be dealt out test by test, but pytest-xdist 3.8 cannot
# group under pytest 9.2: it renames `item._nodeid`, which pytest 9 no longer reads, so every test went
# to any worker.) The modules that take longest (bench/RESULTS.md, "test suite") start first, the short
# ones then fill in around them.
HEAVY_FIRST = (  # each module's wall time in a quiet `make test` (tests/tally.py, bench/RESULTS.md), largest first
    "test_sparql_fair",  # mostly waits (queries left to run into their timeout): beside CPU-bound modules
    "test_remote_store",  # mostly waits on Virtuoso
    "test_parse_robustness",  # CPU (hypothesis)
    "test_accessibility",
    "test_shapes",  # both SHACL engines on every negative case of the own profile
    "test_versions",
    "test_hostile_sparql",
    "test_lighthouse",
    "test_incremental",
    "test_adding_a_plan",
    "test_nginx",
    "test_plans_site",
    "test_wheel",
    "test_reload",
    "test_sparql_conformance",
    "test_validators",
    "test_build",
    "test_sparql_pool",
    "test_sparql_clients",
    "test_sparql_safety",
    "test_more_plans",
    "test_synthetic",
    "test_publish_faults",
    "test_catalogue",
    "test_findable",
    "test_official",
    "test_injection",
)


@pytest.hookimpl(trylast=True)  # after pytest's own reordering (it groups the items of a session-scoped
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:  # parameter, store_kind, across modules)
    def module(item: pytest.Item) -> str:
        return item.nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py")

    def weight(item: pytest.Item) -> int:
        return HEAVY_FIRST.index(module(item)) if module(item) in HEAVY_FIRST else len(HEAVY_FIRST)

    items.sort(key=weight)  # stable: within a module, the order as written


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Which store each test ran on, counted: the ids carry it ([embedded…] / [virtuoso…])."""
    import re

    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") not in ("call", "setup") or (
                outcome == "passed" and report.when != "call"
            ):
                continue
            match = re.search(r"[\[-](embedded|virtuoso)[\]-]", getattr(report, "nodeid", ""))
            if match:
                counts.setdefault(match.group(1), {}).setdefault(outcome, 0)
                counts[match.group(1)][outcome] += 1
    if counts:
        terminalreporter.section("tests per store")
        for kind, by_outcome in sorted(counts.items()):
            terminalreporter.write_line(f"{kind:9} " + ", ".join(f"{n} {o}" for o, n in sorted(by_outcome.items())))


def _data_digest() -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "data").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


_DATA_AT_START: list[str] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    _DATA_AT_START.append(_data_digest())
