"""The real processes the tests drive: `hgkbp-ld build`, `serve` and `publish`, and throw-away Virtuosos.

Each `hgkbp-ld` command is a process of its own, started as `python -m hgkbp_ld.cli …` would be, but by
default forked from a server that imported the command line once (tests/forkserver.py: `cli`); `fresh=True`
starts a new interpreter, for the tests that need one (byte identity of two builds, a build killed with
SIGKILL, the build every test reads)."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z: every test build has this build time
VIRTUOSO_DEV = ROOT / "scripts" / "virtuoso-dev"


def cli(*args: str, fresh: bool = False) -> list[str]:
    """The command line of `hgkbp-ld ARGS` for subprocess: forked from the test process's pre-imported
    server (tests/forkserver.py), or with `fresh` a new interpreter (`python -m hgkbp_ld.cli ARGS`)."""
    from tests import forkserver

    if fresh:
        return [sys.executable, "-m", "hgkbp_ld.cli", *args]
    return forkserver.command("hgkbp_ld.cli", *args)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A real `hgkbp-ld serve` process on a free loopback port."""

    store_kind = "embedded"

    def __init__(self, dist: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = dist.parent / f"serve-{self.port}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                cli("serve", "--port", str(self.port), "--dist", str(dist), "--log-level", "warning", *extra),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})},
            )
        self.wait()

    def wait(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server did not start: {self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def run_build(out: Path, *extra: str, epoch: str = EPOCH, fresh: bool = False) -> subprocess.CompletedProcess[str]:
    """`hgkbp-ld build --out OUT [extra]` as a user runs it: a process of its own (`cli`)."""
    return subprocess.run(
        cli("build", "--out", str(out), *extra, fresh=fresh),
        cwd=ROOT,
        env={**os.environ, "SOURCE_DATE_EPOCH": epoch},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def read_exports(text: str) -> dict[str, str]:
    """The `export NAME=value` lines scripts/virtuoso-dev prints, as a dict."""
    env = {}
    for line in text.splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            env[name] = shlex.split(value)[0] if value else ""
    return env


class Virtuoso:
    """A throw-away Virtuoso started by scripts/virtuoso-dev, which tests may kill and restart.

    `lock` (a file) is held around every publish into it when other test processes share it."""

    def __init__(self, folder: Path, env: dict[str, str] | None = None, lock: Path | None = None) -> None:
        self.folder = folder
        self.env = env or {}
        self.lock = lock

    def start(self) -> None:
        if self.env:
            http_port = urlsplit(self.env["HGKBP_STORE"]).port
            sql_port = int((self.folder / "virtuoso.ini").read_text().split("ServerPort = 127.0.0.1:")[1].split()[0])
        else:
            http_port, sql_port = free_port(), free_port()
        done = subprocess.run(
            [
                *(sys.executable, str(VIRTUOSO_DEV), "start", "--dir", str(self.folder)),
                *("--http-port", str(http_port), "--sql-port", str(sql_port)),
                *("--memory", "256", "--max-seconds", "30"),
            ],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        self.env = read_exports(done.stdout)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        pid = int((self.folder / "virtuoso.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        for _ in range(200):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

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


def publish(
    dist: Path, virtuoso: Virtuoso, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`hgkbp-ld publish --dist DIST` into the Virtuoso, as a user runs it."""
    from tests.shared import locked

    with locked(virtuoso.lock):
        return subprocess.run(
            cli("publish", "--dist", str(dist), *extra),
            cwd=ROOT,
            env={**os.environ, **virtuoso.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
