"""The rendered site (issue 15): nginx with `hgkbp-ld nginx-conf`, the thin server, and start-up, each
against a baseline measured side by side in the same run.

    .venv/bin/python -m bench.site [--seconds 5] [--rounds 3] [--connections 16] [--before 68d67b6]

- pages through the `nginx-conf` configuration against plain nginx serving the same bytes as a
  static file (same number of workers);
- pages from the Python server alone against the server before the render stage (`--before`, a
  commit: its tree is exported to a temporary folder and run with this environment);
- a repeated `/sparql` GET through the nginx configuration against Oxigraph's own server
  (`oxigraph serve-read-only`, the `bench` extra) on the same dump and query;
- `serve` start-up: process start to the first answer, for both servers, and the time the server
  spends reading the build (the `load` of the publication, in this process).

Needs nginx and wrk (Debian packages). Results go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench.common import ROOT, Process, Run, free_port, median_run, write_section, wrk
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


def plain_nginx_conf(root: Path, port: int, user: str) -> str:
    return f"""{user}worker_processes auto; pid nginx.pid; error_log stderr warn;
events {{ worker_connections 4096; }}
http {{ access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
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


def load_seconds(dist: Path, folder: Path) -> float:
    """The publication's load (read the site, copy the store) in this process: what start-up costs beyond imports."""
    from hgkbp_ld.settings import Settings
    from hgkbp_ld.web.publication import Publication

    started = time.perf_counter()
    Publication(Settings(dist=dist, var=folder / "var-load")).load()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5, help="length of one measurement (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--before", default="68d67b6", help="the commit before the render stage (default 68d67b6)")
    args = parser.parse_args()
    user = "user root; " if os.geteuid() == 0 else ""
    processes: list[subprocess.Popen | Process] = []
    with tempfile.TemporaryDirectory(prefix="bench-site-") as name:
        folder = Path(name)
        folder.chmod(0o755)
        old = folder / "before"
        old.mkdir()
        archive = subprocess.run(["git", "archive", args.before], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        dist = build(folder / "dist")
        old_dist = build(folder / "dist-before", old / "src", cwd=old)
        try:
            server, url, startup = serve(dist)
            processes.append(server)
            old_server, old_url, old_startup = serve(old_dist, old / "src", cwd=old)
            processes.append(old_server)
            ours, plain = free_port(), free_port()
            conf = subprocess.run(
                _cli("nginx-conf", "--dist", dist, "--listen", f"127.0.0.1:{ours}", "--upstream", url)
                + (["--user", "root"] if user else []),
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            processes.append(nginx(conf, folder / "nginx-ours"))
            static = folder / "static"
            static.mkdir()
            (static / "page.html").write_bytes(httpx.get(url + PAGE + ".html").content)
            processes.append(nginx(plain_nginx_conf(static, plain, user), folder / "nginx-plain"))
            nginx_url, plain_url = f"http://127.0.0.1:{ours}", f"http://127.0.0.1:{plain}"
            wait_for(nginx_url + PAGE)
            wait_for(plain_url + "/page.html")
            oxigraph_url = _oxigraph(dist, folder, processes)
            query = (QUERIES / "acties-per-minister.rq").read_text(encoding="utf-8")
            sparql = "/sparql?" + urlencode({"query": query})
            csv = {"Accept": "text/csv"}
            html = {"Accept": "text/html"}
            cases = {
                "plain nginx, the page as a static file (baseline A)": (plain_url + "/page.html", {}),
                "nginx-conf, /doc/… HTML by Accept": (nginx_url + PAGE, html),
                "nginx-conf, /doc/… Turtle by Accept": (nginx_url + PAGE, {"Accept": "text/turtle"}),
                "nginx-conf, /doc/….html": (nginx_url + PAGE + ".html", {}),
                "server before the render stage, HTML (baseline B)": (old_url + PAGE, html),
                "thin server alone, HTML": (url + PAGE, html),
                "thin server alone, Turtle": (url + PAGE, {"Accept": "text/turtle"}),
                "oxigraph serve-read-only, /query (baseline C)": (oxigraph_url + "/query?" + sparql[8:], csv),
                "nginx-conf, the same /sparql GET (cached)": (nginx_url + sparql, csv),
            }
            ours_answer = httpx.get(nginx_url + sparql, headers=csv)
            theirs = httpx.get(oxigraph_url + "/query?" + sparql[8:], headers=csv)
            assert ours_answer.status_code == theirs.status_code == 200  # the same query, the same rows:
            assert len(ours_answer.text.splitlines()) == len(theirs.text.splitlines()) > 1
            runs: dict[str, list[Run]] = {case: [] for case in cases}
            for number in range(args.rounds):
                for case, (target, headers) in cases.items():
                    run = wrk(target, connections=args.connections, seconds=args.seconds, headers=headers)
                    runs[case].append(run)
                    print(f"round {number + 1}: {case}: {run.requests_per_second:.0f} req/s, errors {run.errors}")
            load = min(load_seconds(dist, folder) for _ in range(3))
        finally:
            for process in processes:
                process.terminate()
                process.wait(10) if isinstance(process, subprocess.Popen) else None
    _write(args, {case: median_run(r) for case, r in runs.items()}, startup, old_startup, load)


def _oxigraph(dist: Path, folder: Path, processes: list) -> str:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        raise SystemExit("oxigraph (the server) is needed: pip install -e '.[bench]'")
    location = folder / "oxigraph-db"
    for dump in sorted(dist.glob("*.nt")):
        load = [binary, "load", "--location", str(location), "--file", str(dump)]
        subprocess.run(load, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    argv = [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    processes.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D")
    return f"http://127.0.0.1:{port}"


def _write(args: argparse.Namespace, medians: dict[str, Run], startup: float, old_startup: float, load: float) -> None:
    baselines = {"A": None, "B": None, "C": None}
    for case, run in medians.items():
        for key in baselines:
            if f"(baseline {key})" in case:
                baselines[key] = run
    groups = {"A": list(medians)[:4], "B": list(medians)[4:7], "C": list(medians)[7:]}
    lines = [
        "## The rendered site: nginx-conf, the thin server, start-up (issue 15)",
        "",
        f"`python -m bench.site --seconds {args.seconds} --rounds {args.rounds} --connections {args.connections}"
        f" --before {args.before}` — wrk (1 thread, {args.connections} connections) on loopback, {args.seconds} s per"
        f" measurement, median of {args.rounds} interleaved rounds, on a machine shared with other jobs"
        f" (2 cores: wrk, nginx and the servers compete for them, so only the ratios mean something);"
        f" page `{PAGE}`; query `acties-per-minister.rq`; {platform.machine()}, Python {platform.python_version()}.",
        "",
        "| what | req/s | × its baseline | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, cases in groups.items():
        base = baselines[key]
        assert base is not None
        for case in cases:
            run = medians[case]
            ratio = run.requests_per_second / base.requests_per_second
            lines.append(
                f"| {case} | {run.requests_per_second:.0f} | {ratio:.2f} | {run.p50_ms:.2f} | {run.p99_ms:.2f}"
                f" | {run.errors} |"
            )
    thin, plain, before, oxigraph = medians["thin server alone, HTML"], baselines["A"], baselines["B"], baselines["C"]
    assert plain is not None and before is not None and oxigraph is not None
    pages = [medians[case].requests_per_second / plain.requests_per_second for case in groups["A"][1:]]
    cached = medians["nginx-conf, the same /sparql GET (cached)"].requests_per_second
    lines += [
        "",
        "Against the issue's goals: pages through the nginx-conf configuration"
        f" {' / '.join(f'{r:.2f}' for r in pages)}× plain nginx (HTML by Accept / Turtle by Accept / suffix form;"
        " goal ≥ 0.8); the thin server alone"
        f" {thin.requests_per_second / before.requests_per_second:.1f}× the server before the render stage (goal ≥ 2)"
        f" and {thin.requests_per_second / plain.requests_per_second:.3f}× plain nginx (goal ≥ 0.05); a repeated"
        f" /sparql GET through nginx {cached / oxigraph.requests_per_second:.0f}× Oxigraph's own server on the same"
        " dump and query (goal > 1). The nginx rows move by ±30 % from round to round on this shared machine (other"
        " jobs' benchmarks ran at the same time): read them as a range, not to two decimals.",
        "",
        "| `serve` start-up | seconds |",
        "|---|---:|",
        f"| before the render stage: process start → first answer (it renders everything) | {old_startup:.2f} |",
        f"| thin server: process start → first answer (imports, uvicorn, the load) | {startup:.2f} |",
        f"| thin server: the load alone (read dist/site, copy the build's store; best of 3) | {load:.3f} |",
        "",
        "The load is what serving a build costs (goal ≤ 0.5 s, and no query to the store per resource: none at"
        " all at start); the rest of the process start is Python's imports, uvicorn and the SPARQL worker"
        " processes, which each import and open the store before the first answer.",
    ]
    write_section("site", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
