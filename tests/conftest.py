from __future__ import annotations

import os
import subprocess
import sys
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


@pytest.fixture(scope="session")
def parsed() -> ParsedPlan:
    return parse_file(SOURCE)


@pytest.fixture(scope="session")
def built_graph() -> Graph:
    """The real plan mapped to RDF (not validated: the tests do that)."""
    (plan,) = build_graphs(Registers.load(), load_plan_configs(DATA_DIR / "plans"), "https://data.vlaanderen.be")
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


def run_build(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`hgkbp-ld build --out OUT [extra]` as a user runs it: a real process."""
    return subprocess.run(
        [sys.executable, "-m", "hgkbp_ld.cli", "build", "--out", str(out), *extra],
        cwd=ROOT,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def build_dist(out: Path, data: Path | None = None) -> Path:
    """A build that must succeed (from another data folder if given)."""
    done = run_build(out, "--quiet", *(("--data", str(data)) if data else ()))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build of the real plan, made by the real command."""
    return build_dist(tmp_path_factory.mktemp("served") / "dist")


@pytest.fixture(scope="session")
def server(dist: Path):
    running = Server(dist)
    yield running
    running.stop()
