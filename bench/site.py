"""The rendered site (issue 15): nginx with `hgkbp-ld nginx-conf`, the thin server, and start-up, each
against a baseline measured side by side in the same run.

    .venv/bin/python -m bench.site [--seconds 3] [--rounds 9] [--connections 16] [--before 68d67b6]
                                   [--only nginx]

- pages through the `nginx-conf` configuration against plain nginx serving the same bytes as a
  static file (baseline A: the settings of Debian's nginx.conf, `sendfile` and `tcp_nopush` on), and
  against plain nginx with the same file settings as ours (A': `open_file_cache`, no `sendfile`),
  which leaves only what negotiation, headers and locations cost;
- pages from the Python server alone against the server before the render stage (`--before`, a
  commit: its tree is exported to a temporary folder and run with this environment);
- a repeated `/sparql` GET through the nginx configuration against Oxigraph's own server
  (`oxigraph serve-read-only`, the `bench` extra) on the same dump and query;
- `serve` start-up: process start to the first answer, for both servers, and the time the server
  spends reading the build (the `load` of the publication, in this process).

The machine is shared, so a round runs every case once, one after the other (the order reversed every
other round), and a case's ratio is taken within its round, against the baseline measured seconds
before or after it; the report gives the median of those per-round ratios with their range, and the
CPU time the nginx workers (or the server) spent per request, which other jobs' load moves far less
than requests per second. `--only nginx` measures only the nginx cases (quick, for tuning).

Needs nginx and wrk (Debian packages). Results go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench.common import ROOT, free_port, wrk
from bench.site_report import A_TUNED, CACHED, A, B, C, Case, Measured, report
from hgkbp_ld.bundled import QUERIES

PAGE = "/doc/actie/hgkbp-2025-2029/12"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}


def _cli(*argv: str | Path | int) -> list[str]:
    return [sys.executable, "-m", "hgkbp_ld.cli", *map(str, argv)]


def _env(python_path: Path | None) -> dict[str, str]:
    return {**ENV, "PYTHONPATH": str(python_path)} if python_path else ENV


def build(out: Path, python_path: Path | None = None, cwd: Path = ROOT) -> Path:
    """A build of a copy of `cwd`'s data (a build may record a version in its data folder)."""
    data = out.parent / f"{out.name}-input" / "data"  # named data: older trees find sources as data/source/…
    shutil.copytree(cwd / "data", data)
    argv = _cli("build", "--quiet", "--out", out, "--data", data)
    subprocess.run(argv, cwd=cwd, env=_env(python_path), check=True)
    return out


def serve(dist: Path, python_path: Path | None = None, cwd: Path = ROOT) -> tuple[subprocess.Popen, str, float]:
    """A server; the seconds from its start to its first answer."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen(
        _cli("serve", "--port", port, "--dist", dist, "--log-level", "warning"),
        cwd=cwd,
        env=_env(python_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url, time.perf_counter() - started
        except httpx.HTTPError:
            if process.poll() is not None or time.perf_counter() - started > 300:
                raise RuntimeError(f"the server on {dist} did not start") from None
            time.sleep(0.02)


def nginx(conf: str, prefix: Path) -> subprocess.Popen:
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(conf, encoding="utf-8")
    argv = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr", "-g", "daemon off;"]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def plain_nginx_conf(root: Path, port: int, user: str, tuned: bool = False) -> str:
    """Plain nginx for one static file: Debian's nginx.conf settings, or (`tuned`) our file settings."""
    files = (
        "sendfile off; open_file_cache max=10000 inactive=60s; open_file_cache_valid 1s;"
        if tuned
        else "sendfile on; tcp_nopush on;"
    )
    return f"""{user}worker_processes auto; pid nginx.pid; error_log stderr warn;
events {{ worker_connections 4096; }}
http {{ access_log off; {files} keepalive_requests 100000;
  client_body_temp_path tmp-body; proxy_temp_path tmp-proxy; fastcgi_temp_path tmp-f; uwsgi_temp_path tmp-u;
  scgi_temp_path tmp-s; types {{ text/html html; }}
  server {{ listen 127.0.0.1:{port}; root {root}; }} }}
"""


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) of these processes so far, from /proc."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """A process and its descendants (the server's SPARQL workers; nginx's workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for c in children for p in process_tree(int(c)))]


def load_seconds(dist: Path, folder: Path) -> float:
    """The publication's load (read the site, copy the store) in this process: what start-up costs beyond imports."""
    from hgkbp_ld.settings import Settings
    from hgkbp_ld.web.publication import Publication

    started = time.perf_counter()
    Publication(Settings(dist=dist, var=folder / "var-load")).load()
    return time.perf_counter() - started


class Bench:
    """The processes of one run, started in a temporary folder and stopped at the end."""

    def __init__(self, folder: Path, args: argparse.Namespace) -> None:
        self.folder, self.args = folder, args
        self.user = "user root; " if os.geteuid() == 0 else ""
        self.processes: list[subprocess.Popen] = []
        self.cases: dict[str, Case] = {}
        self.startup = self.old_startup = float("nan")

    def start(self) -> Path:
        dist = build(self.folder / "dist")
        server, url, self.startup = serve(dist)
        self.processes.append(server)
        self._nginx_cases(dist, url)
        if self.args.only == "nginx":
            return dist
        old = self.folder / "before"
        old.mkdir()
        archive = subprocess.run(["git", "archive", self.args.before], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        old_dist = build(self.folder / "dist-before", old / "src", cwd=old)
        old_server, old_url, self.old_startup = serve(old_dist, old / "src", cwd=old)
        self.processes.append(old_server)
        html = {"Accept": "text/html"}
        self.cases[B] = Case(old_url + PAGE, html, old_server.pid)
        self.cases["thin server alone, HTML"] = Case(url + PAGE, html, server.pid)
        self.cases["thin server alone, Turtle"] = Case(url + PAGE, {"Accept": "text/turtle"}, server.pid)
        self._sparql_cases(dist)
        return dist

    def _nginx_cases(self, dist: Path, url: str) -> None:
        ours, plain, tuned = free_port(), free_port(), free_port()
        conf = subprocess.run(
            _cli("nginx-conf", "--dist", dist, "--listen", f"127.0.0.1:{ours}", "--upstream", url)
            + (["--user", "root"] if self.user else []),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        static = self.folder / "static"
        static.mkdir()
        (static / "page.html").write_bytes(httpx.get(url + PAGE + ".html").content)
        started = {
            "ours": nginx(conf, self.folder / "nginx-ours"),
            "plain": nginx(plain_nginx_conf(static, plain, self.user), self.folder / "nginx-plain"),
            "tuned": nginx(plain_nginx_conf(static, tuned, self.user, tuned=True), self.folder / "nginx-tuned"),
        }
        self.processes += started.values()
        self.nginx_url = f"http://127.0.0.1:{ours}"
        wait_for(self.nginx_url + PAGE)
        wait_for(f"http://127.0.0.1:{plain}/page.html")
        wait_for(f"http://127.0.0.1:{tuned}/page.html")
        pid = {name: process.pid for name, process in started.items()}
        html = {"Accept": "text/html"}
        self.cases = {
            A: Case(f"http://127.0.0.1:{plain}/page.html", {}, pid["plain"]),
            A_TUNED: Case(f"http://127.0.0.1:{tuned}/page.html", {}, pid["tuned"]),
            "nginx-conf, /doc/… HTML by Accept": Case(self.nginx_url + PAGE, html, pid["ours"]),
            "nginx-conf, /doc/… Turtle by Accept": Case(self.nginx_url + PAGE, {"Accept": "text/turtle"}, pid["ours"]),
            "nginx-conf, /doc/….html": Case(self.nginx_url + PAGE + ".html", {}, pid["ours"]),
            "nginx-conf, a browser's Accept": Case(self.nginx_url + PAGE, {"Accept": BROWSER}, pid["ours"]),
        }

    def _sparql_cases(self, dist: Path) -> None:
        oxigraph_url, oxigraph_pid = self._oxigraph(dist)
        query = (QUERIES / "acties-per-minister.rq").read_text(encoding="utf-8")
        encoded = urlencode({"query": query})
        csv = {"Accept": "text/csv"}
        ours_answer = httpx.get(f"{self.nginx_url}/sparql?{encoded}", headers=csv)
        theirs = httpx.get(f"{oxigraph_url}/query?{encoded}", headers=csv)
        assert ours_answer.status_code == theirs.status_code == 200  # the same query, the same rows:
        assert len(ours_answer.text.splitlines()) == len(theirs.text.splitlines()) > 1
        ours_pid = self.cases["nginx-conf, /doc/….html"].pid
        self.cases[C] = Case(f"{oxigraph_url}/query?{encoded}", csv, oxigraph_pid)
        self.cases[CACHED] = Case(f"{self.nginx_url}/sparql?{encoded}", csv, ours_pid)

    def _oxigraph(self, dist: Path) -> tuple[str, int]:
        binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        if not Path(binary).exists():
            raise SystemExit("oxigraph (the server) is needed: pip install -e '.[bench]'")
        location = self.folder / "oxigraph-db"
        for dump in sorted(dist.glob("*.nt")):
            load = [binary, "load", "--location", str(location), "--file", str(dump)]
            subprocess.run(load, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = free_port()
        argv = [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.processes.append(process)
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
        return f"http://127.0.0.1:{port}", process.pid

    def measure(self) -> dict[str, list[Measured]]:
        runs: dict[str, list[Measured]] = {case: [] for case in self.cases}
        names = list(self.cases)
        for number in range(self.args.rounds):
            for name in names if number % 2 == 0 else names[::-1]:
                case = self.cases[name]
                pids = process_tree(case.pid)
                before = cpu_seconds(pids)
                run = wrk(case.url, connections=self.args.connections, seconds=self.args.seconds, headers=case.headers)
                requests = run.requests_per_second * self.args.seconds
                runs[name].append(Measured(run, (cpu_seconds(pids) - before) / requests * 1e6 if requests else 0.0))
                print(
                    f"round {number + 1}: {name}: {run.requests_per_second:.0f} req/s, errors {run.errors}", flush=True
                )
        return runs

    def pairs(self) -> dict[str, list[float]]:
        """Each nginx-conf page case and baseline A run at the same time (two wrk): the same outside load
        on both, which share the machine between them; the ratio of their req/s, round by round."""
        found: dict[str, list[float]] = {}
        cases = [name for name in self.cases if name.startswith("nginx-conf") and "sparql" not in name]
        with ThreadPoolExecutor(2) as pool:
            for number in range(self.args.rounds):
                for name in cases:
                    ours, plain = self.cases[name], self.cases[A]
                    runs = [
                        pool.submit(
                            wrk, c.url, connections=self.args.connections, seconds=self.args.seconds, headers=c.headers
                        )
                        for c in (ours, plain)
                    ]
                    ratio = runs[0].result().requests_per_second / max(runs[1].result().requests_per_second, 1)
                    found.setdefault(name, []).append(ratio)
                    print(f"round {number + 1}: {name} and A together: {ratio:.2f}", flush=True)
        return found

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(10)


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=3, help="length of one measurement (default 3)")
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds (default 9)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--before", default="68d67b6", help="the commit before the render stage (default 68d67b6)")
    parser.add_argument("--only", choices=["nginx"], help="measure only the nginx pages (quick)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-site-") as name:
        folder = Path(name)
        folder.chmod(0o755)
        bench = Bench(folder, args)
        try:
            dist = bench.start()
            runs = bench.measure()
            together = bench.pairs()
            load = min(load_seconds(dist, folder) for _ in range(3))
        finally:
            bench.stop()
    text = report(
        args, runs, together, (bench.startup, bench.old_startup, load), (load_before, os.getloadavg()[0]), PAGE
    )
    print(text)


if __name__ == "__main__":
    main()
