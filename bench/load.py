"""Bounded load test for public service (issue 9, item 5): many clients on a mixed workload, no errors, flat memory.

    .venv/bin/python bench/load.py [--clients 64] [--seconds 60] [--warmup 5] [--timeout 10] [--seed 9]

A fresh `hgkbp-ld build` goes into a temporary folder (SOURCE_DATE_EPOCH fixed), `hgkbp-ld serve` serves it
on 127.0.0.1 (a free port), and a fixed number of clients (an asyncio httpx loop in this process, keep-alive)
each send their next request as soon as the previous answer arrived, for a fixed time; then they stop, the
requests in flight finish, the server is stopped and the folder removed. Nothing leaves loopback.

Each client goes round the mix (clients start at different places in it, so every kind is sent about
equally often), a random action where the kind names one: the HTML page of an action, its Turtle and
JSON-LD (by Accept), its /id/ IRI (not followed: 303 is the expected answer), /acties with a search and
with a goal filter, the landing page, the N-Triples dump and SPARQL by GET (the queries in queries/*.rq,
a COUNT, a DESCRIBE of an action; Accept application/sparql-results+json, text/turtle for DESCRIBE,
which has no results format).

An error is a transport error, a timeout (--timeout seconds for the whole request, body included) or any
status other than the expected one (200; 303 for /id/). The first --warmup seconds are not measured;
then the RSS (VmRSS) of the server process and of its descendants (the SPARQL worker processes and
multiprocessing's resource tracker, found through the parent pid in /proc/*/stat) is read, again every
few seconds, and once more when the load has ended. Results go to bench/RESULTS.md ("## Load (issue 9)");
the exit code is 1 if there was any error (warm-up included) or the server died.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode

import httpx

if __package__ in (None, ""):  # run as a script: `python bench/load.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, fresh_build, serve_hgkbp, write_section

PLAN = "hgkbp-2025-2029"
ACTION_IRI = f"https://data.vlaanderen.be/id/actie/{PLAN}/"
SELECT_JSON = "application/sparql-results+json"
COUNT = """PREFIX bp: <https://data.vlaanderen.be/ns/beleidsplan#>
SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a bp:Actie }"""
SEARCHES = ("onderwijs", "gelijke kansen", "handicap", "DISCRIMINATIE", "toegankelijkheid", "ondérwijs", "armoede")
RSS_EVERY = 5.0  # seconds between two readings of the server's memory during the run


# --- the mix ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    accept: str
    expected: int
    path: Callable[[random.Random], str]  # a fresh target for each request


def sparql_path(query: str) -> str:
    return "/sparql?" + urlencode({"query": query})


def the_mix(actions: int) -> list[Kind]:
    def action(prefix: str) -> Callable[[random.Random], str]:
        return lambda rng: f"/{prefix}/actie/{PLAN}/{rng.randint(1, actions)}"

    def fixed(path: str) -> Callable[[random.Random], str]:
        return lambda _rng: path

    mix = [
        Kind("HTML action page", "text/html", 200, action("doc")),
        Kind("Turtle action", "text/turtle", 200, action("doc")),
        Kind("JSON-LD action", "application/ld+json", 200, action("doc")),
        Kind("/id/ → 303", "text/html", 303, action("id")),
        Kind("/acties?q=…", "text/html", 200, lambda rng: "/acties?" + urlencode({"q": rng.choice(SEARCHES)})),
        Kind("/acties?doelstelling=HD3", "text/html", 200, fixed("/acties?doelstelling=HD3")),
        Kind("landing page /", "text/html", 200, fixed("/")),
        Kind(f"dump {PLAN}.nt", "*/*", 200, fixed(f"/data/{PLAN}.nt")),
    ]
    for query in sorted(ROOT.glob("queries/*.rq")):
        mix.append(Kind(f"SPARQL {query.name}", SELECT_JSON, 200, fixed(sparql_path(query.read_text("utf-8")))))
    mix.append(Kind("SPARQL COUNT actions", SELECT_JSON, 200, fixed(sparql_path(COUNT))))
    mix.append(
        Kind(
            "SPARQL DESCRIBE action",
            "text/turtle",
            200,
            lambda rng: sparql_path(f"DESCRIBE <{ACTION_IRI}{rng.randint(1, actions)}>"),
        )
    )
    return mix


def count_actions(url: str) -> int:
    response = httpx.get(url + sparql_path(COUNT), headers={"Accept": SELECT_JSON}, timeout=30)
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def smoke(url: str, mix: list[Kind]) -> None:
    """Every kind once, before the load: a mix that fails on its own is not a load problem."""
    rng = random.Random(0)
    for kind in mix:
        response = httpx.get(url + kind.path(rng), headers={"Accept": kind.accept}, timeout=30)
        if response.status_code != kind.expected:
            raise SystemExit(
                f"{kind.name}: expected {kind.expected}, got {response.status_code}: {response.text[:300]}"
            )


# --- the server's processes ------------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, ppid, …), or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def descendants(pid: int) -> list[int]:
    """Children, their children, …: every process whose chain of parents (ppid) reaches `pid`."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            parents[int(entry)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = sorted(child for child, parent in parents.items() if parent in frontier)
        found += children
        frontier = children
    return found


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return 0  # a zombie has no VmRSS


def cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0  # utime + stime


def label(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return "?"
    if "resource_tracker" in argv:
        return "resource tracker"
    if "spawn_main" in argv:
        return "SPARQL worker"
    return argv.replace("\0", " ").strip()[:40]


@dataclass(frozen=True)
class Memory:
    at: float  # seconds since the load started
    server_kib: int
    children: tuple[tuple[int, str, int], ...]  # pid, label, RSS KiB
    cpu: float  # CPU seconds of the server and its descendants so far

    @property
    def children_kib(self) -> int:
        return sum(kib for _pid, _label, kib in self.children)

    @property
    def total_kib(self) -> int:
        return self.server_kib + self.children_kib


def read_memory(pid: int, at: float) -> Memory:
    children = []
    for child in descendants(pid):
        kib = rss_kib(child)
        if kib is not None:
            children.append((child, label(child), kib))
    cpu = cpu_seconds(pid) + sum(cpu_seconds(child) for child, _label, _kib in children)
    return Memory(at, rss_kib(pid) or 0, tuple(children), cpu)


# --- the load --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    kind: str
    sent: float  # seconds after the load started
    latency: float  # seconds
    error: str | None  # None, or what went wrong


@dataclass
class Load:
    samples: list[Sample] = field(default_factory=list)
    memory: list[Memory] = field(default_factory=list)  # the first after the warm-up, the last after the load
    client_cpu: float = 0.0  # CPU seconds of this process during the measured time


async def _one_request(client: httpx.AsyncClient, kind: Kind, path: str, timeout: float) -> str | None:
    try:
        async with asyncio.timeout(timeout):
            response = await client.get(path, headers={"Accept": kind.accept})
    except TimeoutError:
        return "timeout"
    except httpx.HTTPError as error:
        return f"transport error ({type(error).__name__})"
    return None if response.status_code == kind.expected else f"status {response.status_code}"


async def run_load(url: str, pid: int, mix: list[Kind], args: argparse.Namespace) -> Load:
    load = Load()
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    timeout = httpx.Timeout(args.timeout)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout, follow_redirects=False) as client:
        start = time.perf_counter()
        measured_from = start + args.warmup
        deadline = measured_from + args.seconds

        async def one_client(number: int) -> None:
            rng = random.Random(args.seed * 1000 + number)
            turn = number  # clients start at different places in the mix, so the mix is even at any time
            while time.perf_counter() < deadline:
                kind = mix[turn % len(mix)]
                turn += 1
                sent = time.perf_counter()
                error = await _one_request(client, kind, kind.path(rng), args.timeout)
                load.samples.append(Sample(kind.name, sent - start, time.perf_counter() - sent, error))

        async def watch() -> None:
            await asyncio.sleep(max(0.0, measured_from - time.perf_counter()))
            load.client_cpu = -time.process_time()
            while True:
                now = time.perf_counter() - start
                memory = read_memory(pid, now)
                load.memory.append(memory)
                done = [s for s in load.samples if s.sent + start >= measured_from]
                print(
                    f"t={now:5.1f} s: {len(done)} requests measured, {sum(1 for s in load.samples if s.error)}"
                    f" errors, server RSS {memory.server_kib / 1024:.1f} MiB + children"
                    f" {memory.children_kib / 1024:.1f} MiB",
                    flush=True,
                )
                await asyncio.sleep(RSS_EVERY)

        watcher = asyncio.create_task(watch())
        await asyncio.gather(*(one_client(i) for i in range(args.clients)))
        watcher.cancel()
        load.client_cpu += time.process_time()
        load.memory.append(read_memory(pid, time.perf_counter() - start))
    return load


# --- the report ------------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] if ordered else float("nan")


def row(name: str, samples: list[Sample]) -> str:
    ms = [s.latency * 1000 for s in samples]
    errors = sum(1 for s in samples if s.error)
    return (
        f"| {name} | {len(samples)} | {percentile(ms, 0.50):.1f} | {percentile(ms, 0.95):.1f}"
        f" | {percentile(ms, 0.99):.1f} | {max(ms, default=float('nan')):.1f} | {errors} |"
    )


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def machine() -> str:
    cpu = "unknown CPU"
    memory = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        kib = next(
            int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line
        )
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration):
        pass
    cores = _cores()
    return (
        f"{cpu}, {cores} CPU core{'s' if cores != 1 else ''} available{memory}, {platform.system()}"
        f" {platform.release()} ({platform.machine()}), Python {platform.python_version()}; hgkbp-ld"
        f" {version('hgkbp-ld')}, uvicorn {version('uvicorn')}, pyoxigraph {version('pyoxigraph')},"
        f" httpx {version('httpx')} (client)"
    )


def report(
    args: argparse.Namespace,
    mix: list[Kind],
    actions: int,
    load: Load,
    pid: int,
    alive: bool,
    loads: tuple[float, float],
) -> str:
    measured_from = args.warmup
    measured = [s for s in load.samples if s.sent >= measured_from]
    warmup = [s for s in load.samples if s.sent < measured_from]
    elapsed = max((s.sent + s.latency for s in measured), default=measured_from) - measured_from
    errors = Counter(s.error for s in load.samples if s.error)
    ok = sum(1 for s in measured if not s.error)
    first, last = load.memory[0], load.memory[-1]
    peak = max(load.memory, key=lambda m: m.total_kib)
    command = ".venv/bin/python bench/load.py" + "".join(f" {a}" for a in sys.argv[1:])
    lines = [
        "## Load (issue 9)",
        "",
        f"`{command}` — {args.clients} concurrent clients (an asyncio httpx loop in one process, keep-alive) on"
        f" 127.0.0.1 against `hgkbp-ld serve` (default settings: 2 SPARQL worker processes) on a fresh build in a"
        f" temporary folder, {args.warmup:g} s of warm-up (not measured), then {args.seconds:g} s measured; the"
        " clients then stop and the requests in flight finish. Each client sends its next request as soon as the"
        f" previous answer arrived, going round a mix of {len(mix)} kinds (a random one of the {actions} actions"
        " where the kind names one). req/s: the successful answers to the requests sent in the measured time over"
        " the time until the last of them arrived; latency percentiles (nearest rank) over the same requests. An"
        f" error is a transport error, a timeout ({args.timeout:g} s for the whole request) or a status other than the"
        " expected one (200; 303 for /id/, not followed). Action pages by Accept (text/html, text/turtle,"
        f" application/ld+json); SPARQL by GET with Accept {SELECT_JSON} (text/turtle for DESCRIBE, which has"
        " no results format); /acties?q= draws from " + ", ".join(f"`{q}`" for q in SEARCHES) + ".",
        "",
        f"Machine: {machine()}. Client and server share the cores; 1-minute load average {loads[0]:.1f} before the"
        f" run, {loads[1]:.1f} after. CPU used during the measured time: server and its workers"
        f" {last.cpu - first.cpu:.0f} s, the load generator {load.client_cpu:.0f} s"
        f" (of {elapsed * _cores():.0f} core-seconds): the load generator competes with the server for"
        " the same cores, so req/s is what this machine sustains as a whole, not the server's ceiling, and a"
        " latency includes the time a request waits for the client's own event loop (with N clients always"
        " waiting, mean latency ≈ N / req/s).",
        "",
        f"**{len(measured)} requests in {elapsed:.1f} s: {ok / elapsed if elapsed else 0:.1f} req/s;"
        f" errors: {sum(errors.values())}** ({len(warmup)} more requests during the warm-up, errors counted with"
        " them)." + (f" Errors: {', '.join(f'{n}× {e}' for e, n in errors.most_common())}." if errors else ""),
        "",
        *([] if alive else ["**The server process died during the run.**", ""]),
        "| kind | requests | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
        row("**all**", measured),
        *(row(kind.name, [s for s in measured if s.kind == kind.name]) for kind in mix),
        "",
        f"Memory (VmRSS) of the server process (`hgkbp-ld serve`, uvicorn, pid {pid}) and of its child"
        f" processes, at the start of the measured time (t = {first.at:.1f} s, after the warm-up) and after the load"
        f" (t = {last.at:.1f} s); read every {RSS_EVERY:g} s in between:",
        "",
        "| process | RSS start MiB | RSS end MiB | change MiB |",
        "|---|---:|---:|---:|",
        memory_row(f"server: `hgkbp-ld serve` (uvicorn, pid {pid})", first.server_kib, last.server_kib),
        *memory_rows(first, last),
        memory_row(
            f"children, sum ({len(first.children)} → {len(last.children)})", first.children_kib, last.children_kib
        ),
        memory_row("**total**", first.total_kib, last.total_kib),
        "",
        f"Highest total read during the run: {mib(peak.total_kib)} MiB at t = {peak.at:.1f} s"
        f" ({len(load.memory)} readings: " + ", ".join(mib(m.total_kib) for m in load.memory) + " MiB).",
    ]
    return "\n".join(lines)


def memory_row(name: str, start: int | None, end: int | None) -> str:
    change = f"{(end - start) / 1024:+.1f}" if start is not None and end is not None else "—"
    return f"| {name} | {'—' if start is None else mib(start)} | {'—' if end is None else mib(end)} | {change} |"


def memory_rows(first: Memory, last: Memory) -> list[str]:
    """One row per child process (a worker replaced during the run shows as one that ends and one that starts)."""
    start = {pid: (name, kib) for pid, name, kib in first.children}
    end = {pid: (name, kib) for pid, name, kib in last.children}
    return [
        memory_row(
            f"child: {(start.get(pid) or end[pid])[0]} (pid {pid})",
            start[pid][1] if pid in start else None,
            end[pid][1] if pid in end else None,
        )
        for pid in sorted(start.keys() | end.keys())
    ]


# --- the run ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=64, help="concurrent clients (default 64)")
    parser.add_argument("--seconds", type=float, default=60, help="measured time, in seconds (default 60)")
    parser.add_argument("--warmup", type=float, default=5, help="load before the measured time (default 5)")
    parser.add_argument("--timeout", type=float, default=10, help="cap on one request, in seconds (default 10)")
    parser.add_argument("--seed", type=int, default=9, help="seed of the random targets (default 9)")
    args = parser.parse_args()
    if args.clients < 1 or args.seconds <= 0 or args.warmup < 0 or args.timeout <= 0:
        parser.error("--clients must be at least 1; --seconds and --timeout positive; --warmup not negative")

    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        dist = fresh_build(Path(folder))
        server, url = serve_hgkbp(dist)
        try:
            actions = count_actions(url)
            mix = the_mix(actions)
            smoke(url, mix)
            load_before = os.getloadavg()[0]
            load = asyncio.run(run_load(url, server.process.pid, mix, args))
            load_after = os.getloadavg()[0]
            alive = server.process.poll() is None
        finally:
            server.stop()

    text = report(args, mix, actions, load, server.process.pid, alive, (load_before, load_after))
    write_section("load", text)
    print(text)
    failed = any(s.error for s in load.samples) or not alive
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
