"""SPARQL endpoint: latency and throughput of a query mix, hgkbp-ld against rdflib-endpoint.

    .venv/bin/python bench/sparql.py [--seconds 8] [--rounds 3] [--concurrency 1 16]

needs `pip install rdflib-endpoint` (the baseline). Both servers run as real processes on loopback
and answer the same mix: the example queries in queries/*.rq, a count of the actions, the titles of
the 26 operational goals and a DESCRIBE of action 12, sent by GET with conneg (SPARQL JSON results,
Turtle for DESCRIBE). hgkbp-ld is `hgkbp-ld serve` on a build (pyoxigraph in its worker processes);
rdflib-endpoint serves that build's Turtle dump of the plan (rdflib's in-memory store, one process).
The build is a fresh `hgkbp-ld build` in a temporary folder (or `--dist`), so a stale dist/ is never
measured and the developer's dist/ and var/ are left alone.

The load generator is an asyncio httpx loop: N clients, each sends its next query of the mix as
soon as the previous answer arrived. It sends for a fixed time, then lets the requests in flight
finish (each capped by a timeout) before the next measurement starts. req/s is the answers to the
requests sent in that time over the time until the last of them arrived (a server that answers a
batch every few seconds is not rounded down to zero); p50/p99 are over the same requests; an error
is a transport error or a status other than 200. Each round measures every (server, concurrency) one after the
other; the medians of the rounds are reported, as ratios to rdflib-endpoint. Results go to
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode

import httpx
from rdflib import Graph

if __package__ in (None, ""):  # run as a script: `python bench/sparql.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, Process, free_port, fresh_build, serve_hgkbp, write_section

SELECT_JSON = "application/sparql-results+json"
PREFIXES = "PREFIX bp: <https://data.vlaanderen.be/ns/beleidsplan#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
SIMPLE = {
    "count actions": PREFIXES + "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a bp:Actie }",
    "26 OD titles": PREFIXES
    + "SELECT ?od ?titel WHERE { ?od a bp:OperationeleDoelstelling ; dcterms:title ?titel } ORDER BY ?od",
    "DESCRIBE action 12": "DESCRIBE <https://data.vlaanderen.be/id/actie/hgkbp-2025-2029/12>",
}
BASELINE = "rdflib-endpoint"
SERVER = "hgkbp-ld"


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    accept: str

    def target(self, endpoint: str) -> str:
        return f"{endpoint}?{urlencode({'query': self.text})}"


def the_mix() -> list[Query]:
    queries = [Query(p.name, p.read_text(encoding="utf-8"), SELECT_JSON) for p in sorted(ROOT.glob("queries/*.rq"))]
    for name, text in SIMPLE.items():
        queries.append(Query(name, text, "text/turtle" if text.startswith("DESCRIBE") else SELECT_JSON))
    return queries


# --- the servers ---------------------------------------------------------------------------------------


def serve_rdflib_endpoint(dump: Path) -> tuple[Process, str]:
    """`rdflib-endpoint serve DUMP` on loopback; its endpoint is the root path."""
    binary = shutil.which("rdflib-endpoint", path=str(Path(sys.executable).parent)) or shutil.which("rdflib-endpoint")
    if binary is None:
        raise SystemExit("rdflib-endpoint is needed: .venv/bin/pip install rdflib-endpoint")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    return Process([binary, "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)], url), url


# --- the load generator --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    query: str
    sent: float  # seconds after the start
    latency: float  # seconds
    ok: bool


@dataclass(frozen=True)
class Measurement:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    samples: tuple[Sample, ...]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] if ordered else float("nan")


async def _load(endpoint: str, mix: list[Query], clients: int, seconds: float, timeout: float) -> list[Sample]:
    requests = [(q.name, q.target(endpoint), {"Accept": q.accept}) for q in mix]
    samples: list[Sample] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def one_client(offset: int) -> None:
            turn = offset  # clients start at different places in the mix, so the mix is even at any time
            while time.perf_counter() < deadline:
                name, target, headers = requests[turn % len(requests)]
                turn += 1
                sent = time.perf_counter()
                try:
                    response = await client.get(target, headers=headers)
                    ok = response.status_code == 200 and bool(response.content)
                except httpx.HTTPError:
                    ok = False
                samples.append(Sample(name, sent - start, time.perf_counter() - sent, ok))

        await asyncio.gather(*(one_client(i) for i in range(clients)))
    return samples


def measure(endpoint: str, mix: list[Query], clients: int, seconds: float, timeout: float) -> Measurement:
    samples = asyncio.run(_load(endpoint, mix, clients, seconds, timeout))
    elapsed = max(s.sent + s.latency for s in samples)  # until the last answer, sent in time, arrived
    latencies = [s.latency * 1000 for s in samples]
    return Measurement(
        sum(1 for s in samples if s.ok) / elapsed,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        sum(1 for s in samples if not s.ok),
        tuple(samples),
    )


def median_of(runs: list[Measurement]) -> Measurement:
    return Measurement(
        statistics.median(r.requests_per_second for r in runs),
        statistics.median(r.p50_ms for r in runs),
        statistics.median(r.p99_ms for r in runs),
        sum(r.errors for r in runs),
        tuple(s for r in runs for s in r.samples),
    )


# --- same answers on both sides ------------------------------------------------------------------------


def size_of(response: httpx.Response) -> int:
    """Rows of a SELECT, or triples of a graph (parsed by what the body is, whatever its label)."""
    body = response.content
    if body.lstrip().startswith(b"{"):
        return len(response.json()["results"]["bindings"])
    return len(Graph().parse(data=body, format="xml" if body.lstrip().startswith(b"<?xml") else "turtle"))


def check_answers(endpoints: dict[str, str], mix: list[Query]) -> list[str]:
    """One request per query per server (which also warms them up): status, content type, size."""
    lines = []
    for query in mix:
        seen = {}
        for server, endpoint in endpoints.items():
            response = httpx.get(query.target(endpoint), headers={"Accept": query.accept}, timeout=60)
            if response.status_code != 200:
                raise SystemExit(f"{server}: {query.name}: {response.status_code} {response.text[:300]}")
            seen[server] = (size_of(response), response.headers.get("content-type", "").split(";")[0])
        sizes = {size for size, _ in seen.values()}
        note = "same" if len(sizes) == 1 else "DIFFERENT"
        lines.append(
            f"| {query.name} | "
            + " | ".join(f"{size} ({media_type})" for size, media_type in (seen[s] for s in endpoints))
            + f" | {note} |"
        )
    return lines


# --- the run -------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8, help="length of one measurement (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported (default 3)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16], help="clients (default 1 16)")
    parser.add_argument("--timeout", type=float, default=60, help="cap on one request, in seconds (default 60)")
    parser.add_argument("--dist", type=Path, help="a build to serve (default: a fresh build in a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as folder:
        dist = args.dist or fresh_build(Path(folder))
        lines = bench(args, dist)
    write_section("sparql", "\n".join(lines))
    print("\n".join(lines))


def bench(args: argparse.Namespace, dist: Path) -> list[str]:
    mix = the_mix()
    load_before = os.getloadavg()[0]
    hgkbp, hgkbp_url = serve_hgkbp(dist)
    try:
        baseline, baseline_url = serve_rdflib_endpoint(dist / "hgkbp-2025-2029.ttl")
    except BaseException:
        hgkbp.stop()
        raise
    endpoints = {BASELINE: baseline_url, SERVER: f"{hgkbp_url}/sparql"}
    runs: dict[tuple[str, int], list[Measurement]] = {(s, c): [] for c in args.concurrency for s in endpoints}
    try:
        agreement = check_answers(endpoints, mix)
        for endpoint in endpoints.values():  # warm-up: every query a few times, not measured
            measure(endpoint, mix, 1, 1, args.timeout)
        for round_number in range(args.rounds):
            for server, clients in runs:
                run = measure(endpoints[server], mix, clients, args.seconds, args.timeout)
                runs[server, clients].append(run)
                print(
                    f"round {round_number + 1}: {server}, {clients} clients: {run.requests_per_second:.1f} req/s,"
                    f" p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms, errors {run.errors}",
                    flush=True,
                )
    finally:
        hgkbp.stop()
        baseline.stop()
    load_after = os.getloadavg()[0]

    medians = {key: median_of(r) for key, r in runs.items()}
    command = (
        f".venv/bin/python bench/sparql.py --seconds {args.seconds:g} --rounds {args.rounds} --concurrency "
        + " ".join(str(c) for c in args.concurrency)
        + (f" --dist {args.dist}" if args.dist else "")
    )
    lines = [
        "## SPARQL endpoint (issue 5)",
        "",
        f"`{command}` — a mix of {len(mix)} queries ({', '.join(q.name for q in mix)}), sent in turn by GET"
        f" with Accept `{SELECT_JSON}` (`text/turtle` for DESCRIBE) by N concurrent clients (an asyncio httpx"
        f" loop in one process, keep-alive) on loopback, {args.seconds:g} s per measurement, median of"
        f" {args.rounds} interleaved rounds. Baseline: rdflib-endpoint {version('rdflib-endpoint')}"
        f" (rdflib {version('rdflib')}, in-memory store, 1 process) serving the build's `hgkbp-2025-2029.ttl`;"
        f" hgkbp-ld {version('hgkbp-ld')}: `hgkbp-ld serve` (pyoxigraph {version('pyoxigraph')}, default"
        f" 2 query worker processes). req/s: answers to the requests sent in the time, over the time until the"
        f" last of them arrived; p50/p99 over the same requests; errors: transport errors and non-200 answers."
        f" Client and servers share {_cores()} on {platform.machine()}, Python {platform.python_version()};"
        f" 1-minute load average {load_before:.1f} before the run, {load_after:.1f} after (other work on the"
        f" machine counts against both servers alike, as the rounds are interleaved).",
        "",
        "| server | clients | req/s | × baseline | p50 ms | × baseline | p99 ms | × baseline | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for clients in args.concurrency:
        base = medians[BASELINE, clients]
        for server in endpoints:
            run = medians[server, clients]
            lines.append(
                f"| {server} | {clients} | {run.requests_per_second:.1f}"
                f" | {ratio(run.requests_per_second, base.requests_per_second)}"
                f" | {run.p50_ms:.1f} | {ratio(run.p50_ms, base.p50_ms)}"
                f" | {run.p99_ms:.1f} | {ratio(run.p99_ms, base.p99_ms)} | {run.errors} |"
            )
    lines += [
        "",
        "× baseline: for req/s higher is better; for latency lower is better (0.10 = a tenth of the baseline's).",
        "",
        f"Median latency per query, ms, with {min(args.concurrency)} client(s), all rounds (each query of the mix"
        " is sent equally often):",
        "",
        "| query | " + " | ".join(endpoints) + " | ratio |",
        "|---|" + "---:|" * (len(endpoints) + 1),
    ]
    single = min(args.concurrency)
    for query in mix:
        per = {
            s: statistics.median(x.latency * 1000 for x in medians[s, single].samples if x.query == query.name)
            for s in endpoints
        }
        lines.append(
            f"| {query.name} | "
            + " | ".join(f"{per[s]:.1f}" for s in endpoints)
            + f" | {ratio(per[SERVER], per[BASELINE])} |"
        )
    lines += [
        "",
        "Same answers on both sides, checked with one request each before the run (rows of a SELECT, triples of"
        " a DESCRIBE, counted from the body; the media type is the one each server declared):",
        "",
        "| query | " + " | ".join(endpoints) + " | |",
        "|---|" + "---|" * (len(endpoints) + 1),
        *agreement,
    ]
    return lines


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}" if base else "n/a"


def _cores() -> str:
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{count} CPU core{'s' if count != 1 else ''}"


if __name__ == "__main__":
    main()
