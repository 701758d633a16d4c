"""/sparql under abuse, side by side with hgkbp-ld before issue 17 (no per-client limits).

    .venv/bin/python bench/sparql_fair.py [--seconds 10] [--tries 20] [--before REV]
    .venv/bin/python bench/sparql_fair.py --quick [--rounds 3] [--seconds 5] [--env NAME=VALUE ...] [--verbose]
    .venv/bin/python bench/sparql_fair.py --quick --against REV [--rounds 5] [--seconds 5]

`--quick` (for tuning; writes nothing to RESULTS.md): only scenario 2 below, only hgkbp-ld (with
`--env` settings on top of the defaults), alone and beside the abusers alternately for `--rounds`
rounds; each round's ratio is taken against the "alone" of the same round, and the CPU seconds
of the server and its workers are printed beside it (`--verbose`: and each normal query's
statuses and p50/p90 latency, and the abusers' answers, as `q-1`). With `--against REV`, this code and REV's run
side by side, each round measuring each alone and then beside the abusers (paired rounds: the
machine's load weighs on both alike).

Clients are told apart by address: each is bound to its own loopback address (all of 127.0.0.0/8
is loopback). Both servers run with HGKBP_QUERY_TIMEOUT=5 and otherwise their defaults. The
abusive clients run in a process of their own (as they would on other machines), so that their
flood of retries does not slow down the measuring clients' event loop; they still share the
machine's two cores with the server and the measuring clients.

1. One abusive address (127.0.0.2) keeps 8 expensive queries (a four-way cartesian product)
   running, sending the next as soon as one is answered. Meanwhile another address sends an ASK
   `--tries` times by POST (never cached: it goes through the queue and a worker) and by GET, and a
   third fetches an action page: their p99 (over the tries). Every expensive query's answer
   (200/429/503) and how long it took.
2. Four abusive addresses (8 expensive queries each, as above) and four normal ones (each one query
   at a time, a mix of five ordinary queries by POST, so uncached): the normal ones' throughput
   with the abusers against alone. Twice: the abusers' process at the normal CPU priority, and at
   nice 19. The second takes out what only a one-machine test adds: the abusers' own client (its
   retries after 429, in Python: about 500 a second before the server held early retries until
   their Retry-After, about 20 since) on the server's two cores; the server's cost of refusing
   them stays in.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from multiprocessing.synchronize import Event
from pathlib import Path

import httpx

if __package__ in (None, ""):  # run as a script: `python bench/sparql_fair.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Process, fresh_build, write_section
from bench.sparql import QUERIES, before_tree, serve_hgkbp

TIMEOUT = 5.0
LINGER = 40.0  # seconds the abusers' last requests may take to be answered, after the measurement
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ASK = "ASK { ?s ?p ?o }"
PAGE = "/doc/actie/hgkbp-2025-2029/12"
NORMAL = [*QUERIES.values(), ASK, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"]
JSON = {"Accept": "application/sparql-results+json"}
DIRECT = {**JSON, "Content-Type": "application/sparql-query"}


def client(address: str, connections: int = 8) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    transport = httpx.AsyncHTTPTransport(local_address=address, limits=limits)
    return httpx.AsyncClient(transport=transport, timeout=120)


async def abuse(url: str, address: str, stop: asyncio.Event, seen: list[tuple[int, float]]) -> None:
    """8 expensive queries from `address`, the next as soon as one is answered."""
    async with client(address) as http:

        async def one() -> None:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    response = await http.get(f"{url}/sparql", params={"query": SLOW}, headers=JSON)
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                seen.append((status, time.monotonic() - started))
                if status == 429:  # a polite client would wait Retry-After; this one only pauses
                    await asyncio.sleep(0.05)

        await asyncio.gather(*(one() for _ in range(8)))


def _abusers(url: str, addresses: list[str], nice: int, stop: Event, out: multiprocessing.Queue) -> None:
    """A process: the abusive addresses, until `stop`; then every answer's (status, seconds) to `out`."""
    os.nice(nice)

    async def run() -> list[tuple[int, float]]:
        done = asyncio.Event()
        seen: list[tuple[int, float]] = []
        tasks = [asyncio.create_task(abuse(url, address, done, seen)) for address in addresses]
        while not stop.is_set():
            await asyncio.sleep(0.1)
        done.set()  # the requests under way get their answers (at most LINGER seconds more)
        _finished, late = await asyncio.wait(tasks, timeout=LINGER)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
        return seen

    seen = asyncio.run(run())
    times = os.times()
    out.put((seen, times.user + times.system))


class Abusers:
    """The abusive addresses, in a process of their own, while the `with` block runs."""

    def __init__(self, url: str, addresses: list[str], nice: int = 0) -> None:
        context = multiprocessing.get_context("spawn")
        self.stop, self.out = context.Event(), context.Queue()
        arguments = (url, addresses, nice, self.stop, self.out)
        self.process = context.Process(target=_abusers, args=arguments, daemon=True)
        self.seen: list[tuple[int, float]] = []
        self.cpu = 0.0  # CPU seconds the abusers' own process used

    def __enter__(self) -> Abusers:
        self.process.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.seen, self.cpu = self.out.get(timeout=LINGER + 60)
        self.process.join(10)


async def probe(url: str, address: str, tries: int, kind: str) -> list[float]:
    """Seconds per try of an ASK (POST or GET) or an action page, one at a time."""
    seconds = []
    async with client(address, 1) as http:
        for _ in range(tries):
            started = time.monotonic()
            if kind == "POST":
                response = await http.post(f"{url}/sparql", content=ASK.encode(), headers=DIRECT)
            elif kind == "GET":
                response = await http.get(f"{url}/sparql", params={"query": ASK}, headers=JSON)
            else:
                response = await http.get(f"{url}{PAGE}", headers={"Accept": "text/html"})
            seconds.append(time.monotonic() - started if response.status_code == 200 else float("inf"))
            await asyncio.sleep(0.1)
    return seconds


async def probes(url: str, tries: int) -> dict[str, object]:
    ask_post, ask_get, page = await asyncio.gather(
        probe(url, "127.0.0.3", tries, "POST"),
        probe(url, "127.0.0.4", tries, "GET"),
        probe(url, "127.0.0.5", tries, "page"),
    )
    return {"ask_post": ask_post, "ask_get": ask_get, "page": page}


def scenario_one(url: str, tries: int) -> dict[str, object]:
    with Abusers(url, ["127.0.0.2"]) as abusers:
        time.sleep(1.0)  # the abuse is under way
        found = asyncio.run(probes(url, tries))
    return {**found, "abuse": abusers.seen}


def normal_load(
    url: str, seconds: float, abusers: int, nice: int = 0, usage: dict | None = None, seen: list | None = None
) -> float:
    """Answers per second to four normal addresses, with `abusers` abusive ones meanwhile (their
    process at `nice`). `usage` gets the CPU seconds of the normal clients and of the abusers'
    process (the whole time it ran); `seen` each normal request's (query number, status, seconds),
    and the abusers' requests' (-1, status, seconds)."""
    usage = {} if usage is None else usage
    before = sum(os.times()[:2])
    if not abusers:
        rate = asyncio.run(normals(url, seconds, seen))
    else:
        with Abusers(url, [f"127.0.0.{2 + i}" for i in range(abusers)], nice) as running:
            time.sleep(1.0)
            rate = asyncio.run(normals(url, seconds, seen))
        usage["abusers"] = running.cpu
        if seen is not None:
            seen += [(-1, status, took) for status, took in running.seen]
    usage["normals"] = sum(os.times()[:2]) - before
    return rate


async def normals(url: str, seconds: float, seen: list | None = None) -> float:
    """Answers per second to four normal addresses, each one query at a time; `seen` gets each
    request's (query number in NORMAL, status, seconds)."""
    stop = asyncio.Event()
    answered = 0

    async def normal(address: str, offset: int) -> None:
        nonlocal answered
        async with client(address, 1) as http:
            turn = offset
            while not stop.is_set():
                number = turn % len(NORMAL)
                turn += 1
                started = time.monotonic()
                try:
                    response = await http.post(f"{url}/sparql", content=NORMAL[number].encode(), headers=DIRECT)
                except httpx.HTTPError:  # no answer in 120 s (the code before issue 17 queues for ever)
                    continue
                answered += response.status_code == 200
                if seen is not None and not stop.is_set():
                    seen.append((number, response.status_code, time.monotonic() - started))

    started = time.monotonic()
    tasks = [asyncio.create_task(normal(f"127.0.0.{10 + i}", i)) for i in range(4)]
    await asyncio.sleep(seconds)
    stop.set()
    count, elapsed = answered, time.monotonic() - started
    await asyncio.gather(*tasks)
    return count / elapsed


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(0.99 * len(ordered) + 0.999) - 1)]


def cpu_split(process: Process) -> dict[str, float]:
    """CPU seconds so far of the server process, its workers at its priority, those below it, and
    the workers it stopped (and reaped) meanwhile."""
    ticks = os.sysconf("SC_CLK_TCK")
    split = {"server": 0.0, "fast": 0.0, "general": 0.0, "stopped": 0.0}
    root = process.process.pid
    pending, seen = [root], set()
    while pending:
        pid = pending.pop()
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split() if int(c) not in seen]
        except OSError:
            continue
        kind = "server" if pid == root else "general" if int(fields[16]) > 0 else "fast"
        split[kind] += (int(fields[11]) + int(fields[12])) / ticks
        split["stopped"] += (int(fields[13]) + int(fields[14])) / ticks  # its children that ended
    return split


def latencies(seen: list[tuple[int, int, float]]) -> str:
    """Per normal query (and the abusers', -1): how many, their statuses, p50 and p90 in ms."""
    parts = []
    for number in sorted({n for n, _, _ in seen}):
        mine = [(s, t) for n, s, t in seen if n == number]
        times = sorted(t for _, t in mine)
        statuses = ",".join(f"{s}x{c}" for s, c in sorted(Counter(s for s, _ in mine).items()))
        p50, p90 = times[len(times) // 2], times[int(0.9 * (len(times) - 1))]
        parts.append(f"q{number} {statuses} p50 {1000 * p50:.1f} p90 {1000 * p90:.1f}")
    return "; ".join(parts)


def quick(
    dist: Path, env: dict[str, str], rounds: int, seconds: float, src: Path | None = None, verbose: bool = False
) -> None:
    """Scenario 2 only, on hgkbp-ld only, alone and loaded alternately (see the module's docstring)."""
    process, url = serve_hgkbp(dist, env, src=src)
    ratios: dict[str, list[float]] = {"loaded": [], "niced": []}
    try:
        for number in range(rounds):
            load = os.getloadavg()[0]
            rates, cpu = {}, {}
            for key, abusers, nice in (("alone", 0, 0), ("loaded", 4, 0), ("niced", 4, 19)):
                before, usage, seen = cpu_split(process), {}, []
                rates[key] = normal_load(url, seconds, abusers, nice, usage, seen)
                if verbose:
                    print(f"  {key}: {latencies(seen)}", flush=True)
                after = cpu_split(process)
                cpu[key] = (
                    "/".join(f"{after[k] - before[k]:.1f}" for k in after)
                    + "; clients "
                    + "/".join(f"{k} {v:.1f}" for k, v in usage.items())
                )
            for key in ratios:
                ratios[key].append(rates[key] / rates["alone"])
            print(
                f"round {number + 1} (load {load:.1f}): "
                + ", ".join(f"{k} {v:.1f} req/s (CPU s server/fast/general {cpu[k]})" for k, v in rates.items())
                + f"; loaded {ratios['loaded'][-1]:.2f}x, niced {ratios['niced'][-1]:.2f}x",
                flush=True,
            )
    finally:
        process.stop()
    print(", ".join(f"{k}: median {statistics.median(v):.2f}x" for k, v in ratios.items()), flush=True)


def paired(dist: Path, env: dict[str, str], rounds: int, seconds: float, trees: dict[str, Path | None]) -> None:
    """Scenario 2 on two or more codes at once (`--against REV`): every server runs from the start,
    and each round measures each of them alone, then beside the abusers (at nice 0), one after the
    other, so that a change of the machine's load weighs on all of them alike."""
    servers = {label: serve_hgkbp(dist, env, src=src) for label, src in trees.items()}
    ratios: dict[str, list[float]] = {label: [] for label in trees}
    try:
        for number in range(rounds):
            for label, (_process, url) in servers.items():
                alone = normal_load(url, seconds, 0)
                loaded = normal_load(url, seconds, 4)
                ratios[label].append(loaded / alone)
                print(
                    f"round {number + 1} (load {os.getloadavg()[0]:.1f}) {label}: alone {alone:.1f}, "
                    f"loaded {loaded:.1f} req/s: {loaded / alone:.2f}x",
                    flush=True,
                )
    finally:
        for process, _url in servers.values():
            process.stop()
    for label, values in ratios.items():
        print(f"{label}: median {statistics.median(values):.2f}x ({', '.join(f'{v:.2f}' for v in values)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10, help="length of a throughput measurement")
    parser.add_argument("--tries", type=int, default=20, help="probes per kind in scenario 1 (before: a quarter)")
    parser.add_argument("--before", default="68d67b6", help="the revision to compare with (default 68d67b6)")
    parser.add_argument("--quick", action="store_true", help="scenario 2 on hgkbp-ld only, nothing written")
    parser.add_argument("--rounds", type=int, default=3, help="--quick: alone/loaded rounds")
    parser.add_argument("--env", action="append", default=[], help="--quick: NAME=VALUE for the server")
    parser.add_argument("--tree", help="--quick: measure this revision's code instead (e.g. 68d67b6)")
    parser.add_argument("--verbose", action="store_true", help="--quick: each query's statuses and latency")
    parser.add_argument("--against", help="--quick: this revision's code too, measured in the same rounds")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    env = {"HGKBP_QUERY_TIMEOUT": str(TIMEOUT)}
    if args.quick:
        with tempfile.TemporaryDirectory(prefix="bench-fair-") as name:
            extra = dict(item.split("=", 1) for item in args.env)
            src = before_tree(args.tree, Path(name)) if args.tree else None
            if args.against:
                other = before_tree(args.against, Path(name) / "against")
                trees = {"this tree" if src is None else args.tree: src, args.against: other}
                paired(fresh_build(Path(name)), {**env, **extra}, args.rounds, args.seconds, trees)
                return
            quick(fresh_build(Path(name)), {**env, **extra}, args.rounds, args.seconds, src, args.verbose)
        return
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-fair-") as name:
        folder = Path(name)
        dist = fresh_build(folder)
        for label, src in (("hgkbp-ld", None), ("hgkbp-ld before", before_tree(args.before, folder))):
            process, url = serve_hgkbp(dist, env, src=src)
            try:
                tries = args.tries if src is None else max(3, args.tries // 4)
                one = scenario_one(url, tries)
                alone = normal_load(url, args.seconds, 0)
                loaded = normal_load(url, args.seconds, 4)
                niced = normal_load(url, args.seconds, 4, nice=19)
                results[label] = {**one, "alone": alone, "loaded": loaded, "niced": niced, "tries": tries}
                print(label, {k: v for k, v in results[label].items() if k != "abuse"}, flush=True)
            finally:
                process.stop()
    lines = report(args, results, load_before)
    write_section("sparql-fair", "\n".join(lines))
    print("\n".join(lines))


def report(args: argparse.Namespace, results: dict[str, dict[str, object]], load_before: float) -> list[str]:
    lines = [
        "## /sparql under abuse (issue 17)",
        "",
        f"`.venv/bin/python bench/sparql_fair.py --seconds {args.seconds:g} --tries {args.tries}` — both servers"
        f" with HGKBP_QUERY_TIMEOUT={TIMEOUT:g} and their defaults otherwise (hgkbp-ld: 2 general workers at"
        f" nice 10 + 2 for fast queries, a query past 0.5 s of CPU at nice 19 and SCHED_IDLE, workers forked"
        f" from a fork server, tiny queries in the server, 2 queries at once and"
        f" 30 s of query time a minute per address, a queue of 16, 1 general worker for long queries while"
        f" short ones run, a request back before its Retry-After held until then (8 per address);"
        f" `before`: {args.before}, 2 workers, no per-client limits). Each client bound to its own loopback"
        f" address. The machine was shared with other work (2 cores; load average {load_before:.1f} before,"
        f" {os.getloadavg()[0]:.1f} after).",
        "",
        "| | hgkbp-ld | hgkbp-ld before |",
        "|---|---:|---:|",
    ]

    def cell(label: str, key: str) -> str:
        values = results[label][key]
        assert isinstance(values, list)
        return f"{p99(values):.2f} s (of {len(values)})"

    for key, what in (
        ("ask_post", "ASK by POST from another address, p99"),
        ("ask_get", "ASK by GET from another address, p99"),
        ("page", "an action page, p99"),
    ):
        cells = " | ".join(cell(label, key) for label in ("hgkbp-ld", "hgkbp-ld before"))
        lines.append(f"| 8 expensive queries from one address: {what} | {cells} |")
    for label in results:
        seen = results[label]["abuse"]
        assert isinstance(seen, list)
        statuses = Counter(status for status, _ in seen)
        results[label]["abuse_text"] = (
            ", ".join(f"{n}× {s}" for s, n in sorted(statuses.items())) + f"; slowest {max(s for _, s in seen):.1f} s"
        )
    lines.append(
        "| the expensive queries' answers | "
        + " | ".join(str(results[label]["abuse_text"]) for label in ("hgkbp-ld", "hgkbp-ld before"))
        + " |"
    )
    for key, what in (("loaded", "at the normal CPU priority"), ("niced", "their client process at nice 19")):
        for label in ("hgkbp-ld", "hgkbp-ld before"):
            alone, loaded = results[label]["alone"], results[label][key]
            assert isinstance(alone, float) and isinstance(loaded, float)
            results[label]["share"] = f"{loaded:.1f} req/s against {alone:.1f} alone: {loaded / alone:.2f}×"
        lines.append(
            f"| 4 normal addresses (POST, uncached) beside 4 abusive ones, {what} | "
            + " | ".join(str(results[label]["share"]) for label in ("hgkbp-ld", "hgkbp-ld before"))
            + " |"
        )
    lines += [
        "",
        f"Goals (issue 17): the probes under 1 s at p99; every expensive query answered within {TIMEOUT:g} + 2 s;"
        " the normal addresses keep at least 0.80× of their throughput alone.",
    ]
    return lines


if __name__ == "__main__":
    main()
