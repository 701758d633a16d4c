from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from hgkbp_ld.build import build_graphs
from hgkbp_ld.model import ParsedPlan
from hgkbp_ld.parse import parse_file
from hgkbp_ld.registers import DATA_DIR, Registers, load_plan_configs

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "source" / "hgkbp-2025-2029.txt"


@pytest.fixture(scope="session")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


REAL_PLAN = "hgkbp-2025-2029"


EXAMPLES = ROOT / "examples" / "plans"  # two invented plans in the real layout, laid out as a data folder


def copy_data_with_examples(data: Path) -> Path:
    """A copy of data/ with the two invented plans of examples/plans/ added, as a user adds a plan:
    files under data/ only. They are not in the bundled data, which publishes real plans only."""
    import shutil

    shutil.copytree(ROOT / "data", data)
    shutil.copytree(EXAMPLES, data, dirs_exist_ok=True)
    return data


def copy_real_data(data: Path) -> Path:
    """A copy of data/ into `data` with the real plan alone (should data/ ever hold other plans, the
    real plan's tests still see it as it always was)."""
    import shutil

    shutil.copytree(ROOT / "data", data)
    for toml in (data / "plans").glob("*.toml"):
        if toml.stem != REAL_PLAN:
            toml.unlink()
    return data


@pytest.fixture(scope="session")
def parsed() -> ParsedPlan:
    return parse_file(SOURCE)


@pytest.fixture(scope="session")
def built_graph() -> Graph:
    """The real plan mapped to RDF (not validated: the tests do that)."""
    configs = tuple(c for c in load_plan_configs(DATA_DIR / "plans") if c.slug == REAL_PLAN)
    (plan,) = build_graphs(Registers.load(), configs, "https://data.vlaanderen.be")
    return plan.graph


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A real `hgkbp-ld serve` process on a free loopback port."""

    def __init__(self, dist: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        import os
        import subprocess
        import sys

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = dist.parent / f"serve-{self.port}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "hgkbp_ld.cli",
                    "serve",
                    "--port",
                    str(self.port),
                    "--dist",
                    str(dist),
                    "--log-level",
                    "warning",
                    *extra,
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600", **(env or {})},
            )
        self.wait()

    def wait(self, seconds: float = 60) -> None:
        import time

        import httpx

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server did not start: {self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except Exception:
            self.process.kill()


EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: every test build has this build time


def run_build(out: Path, *extra: str, epoch: str = EPOCH) -> subprocess.CompletedProcess[str]:
    """`hgkbp-ld build --out OUT [extra]` as a user runs it: a real process."""
    return subprocess.run(
        [sys.executable, "-m", "hgkbp_ld.cli", "build", "--out", str(out), *extra],
        cwd=ROOT,
        env={**os.environ, "SOURCE_DATE_EPOCH": epoch},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


SECOND_PLAN = "voorbeeld-testplan-2025-2029"  # tests/fixtures/tweede-plan: a fictitious second plan


def data_with_second_plan(root: Path) -> Path:
    """A copy of data/ with the fictitious second plan beside the real one."""
    import shutil

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


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for the browser tests (axe-core, keyboard, reflow)."""
    from tests.browser import launched_chromium

    yield from launched_chromium()


def rerender(dist: Path) -> None:
    """The render stage once more, for a build a test changed by hand (graphs added to its manifest):
    what the build rendered before no longer matches it, and the server would refuse it."""
    import datetime as dt
    import shutil

    from hgkbp_ld.render.stage import render
    from hgkbp_ld.store.embedded import SNAPSHOT

    for rendered in [dist / "site", dist / SNAPSHOT, *dist.glob("site.*")]:
        if rendered.is_symlink() or rendered.is_file():
            rendered.unlink()
        elif rendered.exists():
            shutil.rmtree(rendered)
    render(dist, "https://data.vlaanderen.be", dt.date(2026, 1, 1))


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build of the real plan, made by the real command."""
    return build_dist(tmp_path_factory.mktemp("served") / "dist")


# --- the two stores ---------------------------------------------------------------------------------------
#
# Modules marked `pytestmark = pytest.mark.both_stores` run every test that uses `server` twice: once
# on the embedded store and once on Virtuoso (ids end in [embedded] / [virtuoso]). The Virtuoso is the
# one .ci/run starts (HGKBP_TEST_VIRTUOSO names the file of `export` lines scripts/virtuoso-dev printed),
# else one the session starts itself; without virtuoso-t the Virtuoso runs skip, and fail when CI=true.

STORE_KINDS = ("embedded", "virtuoso")
VIRTUOSO_DEV = ROOT / "scripts" / "virtuoso-dev"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_stores: run the module's server tests on the embedded store and Virtuoso")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_kind" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_stores") is not None
        metafunc.parametrize("store_kind", STORE_KINDS if both else STORE_KINDS[:1], indirect=True, scope="session")


@pytest.fixture(scope="session")
def store_kind(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "embedded")


def _read_exports(text: str) -> dict[str, str]:
    import shlex

    env = {}
    for line in text.splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            env[name] = shlex.split(value)[0] if value else ""
    return env


class Virtuoso:
    """A throw-away Virtuoso started by scripts/virtuoso-dev, which tests may kill and restart."""

    def __init__(self, folder: Path, env: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.env = env or {}
        self.owned = env is None

    @classmethod
    def start_new(cls, folder: Path) -> Virtuoso:
        virtuoso = cls(folder)
        virtuoso.start()
        return virtuoso

    def start(self) -> None:
        from urllib.parse import urlsplit

        if self.env:
            http_port = urlsplit(self.env["HGKBP_STORE"]).port
            sql_port = int((self.folder / "virtuoso.ini").read_text().split("ServerPort = 127.0.0.1:")[1].split()[0])
        else:
            http_port, sql_port = free_port(), free_port()
        done = subprocess.run(
            [
                sys.executable,
                str(VIRTUOSO_DEV),
                "start",
                "--dir",
                str(self.folder),
                "--http-port",
                str(http_port),
                "--sql-port",
                str(sql_port),
                "--memory",
                "256",
                "--max-seconds",
                "30",
            ],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        self.env = _read_exports(done.stdout)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        import signal

        pid = int((self.folder / "virtuoso.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            import time

            time.sleep(0.1)

    def stop(self) -> None:
        subprocess.run([sys.executable, str(VIRTUOSO_DEV), "stop", "--dir", str(self.folder)], timeout=60, check=False)

    @property
    def url(self) -> str:
        return self.env["HGKBP_STORE"]


def require_virtuoso() -> None:
    import shutil

    if shutil.which("virtuoso-t") is None:
        message = "Virtuoso is not installed (apt-get install virtuoso-opensource; .ci/run does it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """The session's Virtuoso: the one .ci/run started, else one started here."""
    given = os.environ.get("HGKBP_TEST_VIRTUOSO")
    if given:
        env = _read_exports(Path(given).read_text(encoding="utf-8"))
        yield Virtuoso(Path(env["HGKBP_STORE_PASSWORD_FILE"]).parent, env)
        return
    require_virtuoso()
    started = Virtuoso.start_new(tmp_path_factory.mktemp("virtuoso"))
    yield started
    started.stop()


@pytest.fixture
def new_virtuoso(tmp_path: Path) -> Iterator[Virtuoso]:
    """A Virtuoso of the test's own, for tests that kill it or fill it."""
    require_virtuoso()
    started = Virtuoso.start_new(tmp_path / "virtuoso")
    yield started
    started.stop()


def publish(
    dist: Path, virtuoso: Virtuoso, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`hgkbp-ld publish --dist DIST` into the Virtuoso, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "hgkbp_ld.cli", "publish", "--dist", str(dist), *extra],
        cwd=ROOT,
        env={**os.environ, **virtuoso.env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


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


@pytest.fixture(scope="session")
def server(store_kind: str, dist: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    running = serve_on(store_kind, dist, request)
    running.store_kind = store_kind
    yield running
    running.stop()


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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No test may write into the repository's data/ (a build records versions there): fail the run if one did."""
    if _DATA_AT_START and _data_digest() != _DATA_AT_START[0]:
        session.config.get_terminal_writer().line(
            "data/ changed during the tests (git status data/): a test built into the repository's data/", red=True
        )
        session.exitstatus = 1
