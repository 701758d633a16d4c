"""Shared pieces of the benchmarks: servers on loopback, wrk runs, the results file.

Every figure is printed next to a baseline measured in the same run on the same machine, as a
ratio, because these machines are noisy. Load goes to 127.0.0.1 only, for a fixed time.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    def __init__(self, argv: list[str], ready_url: str, cwd: Path = ROOT) -> None:
        self.process = subprocess.Popen(
            argv,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"},
            start_new_session=True,  # its own process group: stop() ends its workers with it
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(ready_url, timeout=1).status_code < 500:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{argv[0]} did not start")

    def stop(self) -> None:
        """Stop the server and every process it started (query workers left behind kept spinning
        through the next measurement)."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def fresh_build(folder: Path) -> Path:
    """A fresh `hgkbp-ld build` in `folder`/dist (the developer's dist/ is never measured)."""
    out = folder / "dist"
    subprocess.run(
        [sys.executable, "-m", "hgkbp_ld.cli", "build", "--quiet", "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"},
        check=True,
    )
    return out


def serve_hgkbp(dist: Path) -> tuple[Process, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [
        sys.executable,
        "-m",
        "hgkbp_ld.cli",
        "serve",
        "--port",
        str(port),
        "--dist",
        str(dist),
        "--log-level",
        "warning",
    ]
    return Process(argv, f"{url}/health"), url


def serve_static(folder: Path) -> tuple[Process, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)]
    return Process(argv, f"{url}/"), url


def serve_nginx(folder: Path) -> tuple[Process, str] | None:
    """nginx serving `folder` (1 worker, like our 1 process), or None when nginx is not installed."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        return None
    port = free_port()
    conf = folder / "nginx.conf"
    conf.write_text(f"""
worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/error.log; daemon off;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {folder}; proxy_temp_path {folder};
  fastcgi_temp_path {folder}; uwsgi_temp_path {folder}; scgi_temp_path {folder};
  types {{ text/html html; }}
  server {{ listen 127.0.0.1:{port}; root {folder}; }} }}
""")
    url = f"http://127.0.0.1:{port}"
    return Process([binary, "-c", str(conf), "-p", str(folder)], f"{url}/"), url


@dataclass(frozen=True)
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str, *, connections: int, seconds: int, headers: dict[str, str] | None = None, script: Path | None = None
) -> Run:
    """One wrk run; `script`: a Lua script of wrk's (e.g. a `request` function that varies the URL)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    argv = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        argv += ["-s", str(script)]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))  # "1.68s " has a space
    if len(latency) < 2:
        raise RuntimeError(f"wrk measured no latencies for {url[:200]}:\n{out[-1500:]}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Run(
        float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
        _ms(latency["50"]) if "50" in latency else float("nan"),  # no answer at all within the run
        _ms(latency["99"]) if "99" in latency else float("nan"),
        errors + (int(non2xx[1]) if non2xx else 0),
    )


def median_run(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.requests_per_second for r in runs),
        statistics.median(r.p50_ms for r in runs),
        statistics.median(r.p99_ms for r in runs),
        sum(r.errors for r in runs),
    )


def write_section(name: str, text: str) -> None:
    """Replace the section between <!-- name --> markers in bench/RESULTS.md (or append it)."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in current:
        current = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: block, current, flags=re.DOTALL)
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(current, encoding="utf-8")
