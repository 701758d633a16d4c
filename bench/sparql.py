"""SPARQL endpoint speed, side by side in one run: hgkbp-ld against Oxigraph's own server, Virtuoso,
rdflib-endpoint, and hgkbp-ld as it was before issue 17, on the same build.

    .venv/bin/python bench/sparql.py [--seconds 5] [--rounds 2] [--virtuoso ENV] [--before REV]
        [--only QUERY ...] [--servers SERVER ...]

`--only` and `--servers` (for tuning) measure a subset and write nothing to RESULTS.md.

needs wrk, `pip install -e '.[bench]'` (oxigraph's server, rdflib-endpoint) and, for the Virtuoso
rows, an environment file as `scripts/virtuoso-dev start` prints it (the build is published there).
Each (server, query) is one `wrk -t1 -c16 -d{seconds}s` run with Accept SPARQL JSON on loopback;
the rounds are interleaved and the median is reported, with ratios to Oxigraph's server. Servers:

- hgkbp-ld: `hgkbp-ld serve` on the build (a repeated GET is answered from its answer cache);
- hgkbp-ld, no cache: the same with HGKBP_ANSWER_CACHE_BYTES=0, so every request runs the query
  in a worker (the cold path);
- hgkbp-ld before: the tree of `--before` (default 68d67b6, the code issue 17 started from),
  extracted with `git archive`, serving the same build;
- oxigraph: `oxigraph serve-read-only` over the build's plan dumps and vocabulary, loaded with
  `oxigraph load` into its default graph (the merge that hgkbp-ld's default graph is);
- virtuoso: its own endpoint, with the published merge graph as `default-graph-uri`;
- hgkbp-ld on virtuoso: `hgkbp-ld serve --store` in front of it (and, with `--remote-before REV`,
  the same as the code of REV was);
- rdflib-endpoint: serving the same dumps.

The row `COUNT over actions, cold` sends a query no server has seen with every request (wrk's Lua
script adds `LIMIT n`, n counting up): the cold path of a trivial query on every server.

wrk's 16 connections come from one address, which hgkbp-ld's fairness limits would treat as one
abusive client: the hgkbp-ld servers run here with those limits lifted (HGKBP_CLIENT_QUERIES=64 ...);
bench/sparql_fair.py measures the limits themselves.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

if __package__ in (None, ""):  # run as a script: `python bench/sparql.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, Process, Run, free_port, fresh_build, median_run, write_section, wrk

JSON = "application/sparql-results+json"
BP = "PREFIX bp: <https://data.vlaanderen.be/ns/beleidsplan#>\n"
COUNT = BP + "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a bp:Actie }"
COLD = "COUNT over actions, cold"  # a distinct query each time: `LIMIT n`, n counting up (COLD_SCRIPT)
QUERIES = {
    "acties-per-minister.rq": (ROOT / "src" / "hgkbp_ld" / "queries" / "acties-per-minister.rq").read_text("utf-8"),
    "COUNT over actions": COUNT,
    COLD: COUNT,
    "portfolio GROUP BY": BP
    + "SELECT ?b (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a bp:verantwoordelijke ?b } GROUP BY ?b ORDER BY ?b",
}
UNLIMITED = {  # one wrk = one address: lift the per-client limits for the throughput runs
    "HGKBP_CLIENT_QUERIES": "64",
    "HGKBP_CLIENT_BUDGET": "1000000",
    "HGKBP_QUERY_QUEUE": "64",
}
REFERENCE = "oxigraph"
COLD_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. separator .. "query=" .. "{query}" .. tostring(1000000000 + counter))
end
"""  # wrk's Lua: every request a query no server has seen (no answer cache, no plan cache helps)


def _bin(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is needed: .venv/bin/pip install -e '.[bench]'")
    return found


def _env_file(path: Path) -> dict[str, str]:
    """`export NAME=value` lines, as scripts/virtuoso-dev prints them."""
    import shlex

    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            values[name] = shlex.split(value)[0] if value else ""
    return values


def serve_hgkbp(dist: Path, env: dict[str, str], *extra: str, src: Path | None = None) -> tuple[Process, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "hgkbp_ld.cli", "serve", "--port", str(port), "--dist", str(dist), *extra]
    saved = dict(os.environ)
    os.environ.update(env)
    if src is not None:  # another tree of the code: its own src/ first on the path
        os.environ["PYTHONPATH"] = str(src)
    try:
        return Process([*argv, "--log-level", "warning"], f"{url}/health", cwd=src.parent if src else ROOT), url
    finally:
        os.environ.clear()
        os.environ.update(saved)


def dumps(dist: Path) -> list[str]:
    """The build's dumps that /sparql's default graph merges: every plan, and the vocabulary."""
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    return [*(str(dist / f"{slug}.nt") for slug in sorted(manifest["plans"])), str(dist / "beleidsplan.ttl")]


def serve_oxigraph(dist: Path, folder: Path) -> tuple[Process, str]:
    location = folder / "oxigraph"
    files = dumps(dist)
    subprocess.run([_bin("oxigraph"), "load", "--location", str(location), "--file", *files], check=True)
    port = free_port()
    argv = [_bin("oxigraph"), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    return Process(argv, f"http://127.0.0.1:{port}/"), f"http://127.0.0.1:{port}/query"


def serve_rdflib_endpoint(dist: Path) -> tuple[Process, str]:
    port = free_port()
    argv = [_bin("rdflib-endpoint"), "serve", *dumps(dist), "--host", "127.0.0.1"]
    return Process([*argv, "--port", str(port)], f"http://127.0.0.1:{port}/"), f"http://127.0.0.1:{port}/"


def before_tree(rev: str, folder: Path) -> Path:
    """The source tree of `rev`, extracted (the repository is not touched)."""
    tree = folder / "before"
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree / "src"


def virtuoso_endpoint(env: dict[str, str], dist: Path) -> str:
    """Publish the build to the Virtuoso (a no-op when it serves it) and name its merge graph."""
    subprocess.run(
        [sys.executable, "-m", "hgkbp_ld.cli", "publish", "--dist", str(dist)], env={**os.environ, **env}, check=True
    )
    from hgkbp_ld.settings import Settings
    from hgkbp_ld.store import RemoteStore, endpoint
    from hgkbp_ld.store.remote import MERGE, graph_name

    store = RemoteStore(endpoint(Settings.from_env(store=env["HGKBP_STORE"])))
    record = store.current()
    assert record is not None
    return f"{env['HGKBP_STORE']}?{urlencode({'default-graph-uri': graph_name(record.publication, MERGE)})}"


def cpu_seconds(process: Process | None) -> float | None:
    """CPU time (user + system) of a server and its children (query workers) so far, from /proc."""
    if process is None or not Path("/proc/self/stat").exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")

    def tree(pid: int) -> list[int]:  # children of every thread: the workers are started from a thread pool
        children = []
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                children += (task / "children").read_text().split()
            except OSError:
                continue
        return [pid, *(p for c in children for p in tree(int(c)))]

    total = 0
    for pid in tree(process.process.pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def target(endpoint: str, query: str) -> str:
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode({'query': query})}"


def rows(endpoint: str, query: str) -> str:
    response = httpx.get(target(endpoint, query), headers={"Accept": JSON}, timeout=120)
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    return str(len(response.json()["results"]["bindings"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5, help="length of one wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds; the median is reported")
    parser.add_argument("--virtuoso", type=Path, help="environment file of a running Virtuoso (virtuoso-dev start)")
    parser.add_argument("--before", default="68d67b6", help="the revision to compare with (default 68d67b6)")
    parser.add_argument("--remote-before", help="also hgkbp-ld on virtuoso as the code of this revision was")
    parser.add_argument("--only", nargs="+", choices=list(QUERIES), help="only these queries (nothing written)")
    parser.add_argument("--servers", nargs="+", help="only these servers, by their label (nothing written)")
    args = parser.parse_args()
    if args.only:
        for name in list(QUERIES):
            if name not in args.only:
                del QUERIES[name]
    wanted = set(args.servers or []) | {REFERENCE} if args.servers else None
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as name:
        folder = Path(name)
        dist = fresh_build(folder)
        servers: dict[str, tuple[Process, str]] = {}

        def start(label: str, serve: Callable[[], tuple[Process, str]]) -> None:
            if wanted is None or label in wanted:
                servers[label] = serve()

        try:
            start("hgkbp-ld", lambda: _sparql(serve_hgkbp(dist, UNLIMITED)))
            no_cache = {**UNLIMITED, "HGKBP_ANSWER_CACHE_BYTES": "0"}
            start("hgkbp-ld, no cache", lambda: _sparql(serve_hgkbp(dist, no_cache)))
            start("hgkbp-ld before", lambda: _sparql(serve_hgkbp(dist, {}, src=before_tree(args.before, folder))))
            start(REFERENCE, lambda: serve_oxigraph(dist, folder))
            if args.virtuoso:
                env = _env_file(args.virtuoso)
                start("virtuoso", lambda: (None, virtuoso_endpoint(env, dist)))  # type: ignore[arg-type, return-value]
                remote = {**env, **UNLIMITED}
                start("hgkbp-ld on virtuoso", lambda: _sparql(serve_hgkbp(dist, remote, "--store", env["HGKBP_STORE"])))
                if args.remote_before:
                    tree = before_tree(args.remote_before, folder / "remote")
                    label = f"hgkbp-ld on virtuoso at {args.remote_before}"
                    start(label, lambda: _sparql(serve_hgkbp(dist, remote, "--store", env["HGKBP_STORE"], src=tree)))
            start("rdflib-endpoint", lambda: serve_rdflib_endpoint(dist))
            lines = measure(args, servers, load_before)
        finally:
            for process, _url in servers.values():
                if process is not None:
                    process.stop()
    if args.only or args.servers:
        print("\n".join(lines))
        return
    write_section("sparql", "\n".join(lines))
    print("\n".join(lines))


def _sparql(served: tuple[Process, str]) -> tuple[Process, str]:
    return served[0], f"{served[1]}/sparql"


def measure(args: argparse.Namespace, servers: dict[str, tuple[Process, str]], load_before: float) -> list[str]:
    agreement = {(s, q): rows(url, text) for s, (_p, url) in servers.items() for q, text in QUERIES.items()}
    script = Path(tempfile.mkdtemp(prefix="bench-sparql-lua-")) / "cold.lua"
    script.write_text(COLD_SCRIPT.replace("{query}", quote(f"{COUNT} LIMIT ", safe="")), encoding="utf-8")
    runs: dict[tuple[str, str], list[Run]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}  # ms of CPU per request, server and its workers
    for round_number in range(args.rounds):
        for query, text in QUERIES.items():
            for server, (process, url) in servers.items():
                before = cpu_seconds(process)
                cold = script if query == COLD else None  # the script adds the query to the endpoint's URL
                where = url if cold else target(url, text)
                run = wrk(where, connections=16, seconds=args.seconds, headers={"Accept": JSON}, script=cold)
                after = cpu_seconds(process)
                runs.setdefault((server, query), []).append(run)
                if before is not None and after is not None and run.requests_per_second:
                    requests = run.requests_per_second * args.seconds
                    cpu.setdefault((server, query), []).append(1000 * (after - before) / requests)
                print(f"round {round_number + 1}: {server}, {query}: {run.requests_per_second:.0f} req/s", flush=True)
    medians = {key: median_run(value) for key, value in runs.items()}
    command = (
        f".venv/bin/python bench/sparql.py --seconds {args.seconds} --rounds {args.rounds}"
        + (" --virtuoso ENV" if args.virtuoso else "")
        + (f" --remote-before {args.remote_before}" if args.remote_before else "")
    )
    lines = [
        "## SPARQL endpoint against Oxigraph's server, Virtuoso and rdflib-endpoint (issue 17)",
        "",
        f"`{command}` — `wrk -t1 -c16 -d{args.seconds}s` per server and query, Accept SPARQL JSON, GET on"
        f" loopback, median of {args.rounds} interleaved rounds. The machine was shared with other work"
        f" (2 cores; 1-minute load average {load_before:.1f} before the run, {os.getloadavg()[0]:.1f} after),"
        " which weighs on every server alike. hgkbp-ld's per-client limits are lifted for these runs (one"
        " wrk is one address); `hgkbp-ld, no cache` runs every request in a worker (the cold path);"
        f" `hgkbp-ld before` is the code at {args.before}. Servers: see the docstring of bench/sparql.py.",
        "",
        "| query | " + " | ".join(servers) + " |",
        "|---|" + "---:|" * len(servers),
    ]
    for query in QUERIES:
        reference = medians[REFERENCE, query].requests_per_second
        cells = []
        for server in servers:
            run = medians[server, query]
            note = f" ({run.errors} errors)" if run.errors else ""
            cells.append(f"{run.requests_per_second:,.0f} ({run.requests_per_second / reference:.2f}×){note}")
        lines.append(f"| {query} | " + " | ".join(cells) + " |")
    if {"hgkbp-ld", "hgkbp-ld, no cache", "hgkbp-ld before"} <= set(servers):
        before = {q: medians["hgkbp-ld before", q].requests_per_second for q in QUERIES}
        lines += [
            "",
            "req/s (× Oxigraph's server). Against hgkbp-ld before: "
            + "; ".join(
                f"{q}: repeated {medians['hgkbp-ld', q].requests_per_second / before[q]:.1f}×,"
                f" cold {medians['hgkbp-ld, no cache', q].requests_per_second / before[q]:.1f}×"
                for q in QUERIES
            )
            + ".",
        ]
    if COLD in QUERIES and {"hgkbp-ld", "hgkbp-ld before"} <= set(servers):
        lines += [
            "",
            f"{COLD}: every request a query no server has seen (`LIMIT n`, n counting up: no answer cache or"
            " plan cache helps). " + _cold_goals(medians, servers),
        ]
    lines += [
        "",
        "Rows in each server's answer (checked before the run): "
        + "; ".join(f"{q}: " + ", ".join(f"{s} {agreement[s, q]}" for s in servers) for q in QUERIES)
        + ".",
        "",
        "CPU per request, ms (the server process and its query workers, from /proc: less sensitive to the"
        " machine's other load than req/s; not for Virtuoso, which runs apart): "
        + "; ".join(
            f"{q}: " + ", ".join(f"{s} {statistics.median(cpu[s, q]):.3f}" for s in servers if cpu.get((s, q)))
            for q in QUERIES
        )
        + ".",
        "",
        "p50 latency ms: "
        + "; ".join(f"{q}: " + ", ".join(f"{s} {medians[s, q].p50_ms:.1f}" for s in servers) for q in QUERIES),
    ]
    return lines


def _cold_goals(medians: dict[tuple[str, str], Run], servers: dict[str, tuple[Process, str]]) -> str:
    """The issue's goal for a cold trivial query: twice the rate before it, past Virtuoso's."""
    rate = {server: medians[server, COLD].requests_per_second for server in servers}
    text = f"hgkbp-ld {rate['hgkbp-ld']:,.0f} req/s: {rate['hgkbp-ld'] / rate['hgkbp-ld before']:.2f}× hgkbp-ld before"
    if "virtuoso" in rate:
        text += f", {rate['hgkbp-ld'] / rate['virtuoso']:.2f}× Virtuoso"
    return text + " (goals: ≥ 2× before, > 1× Virtuoso)."


if __name__ == "__main__":
    main()
