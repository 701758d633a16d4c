"""The report of bench/site.py: per-round ratios against the baselines, CPU per request, start-up."""

from __future__ import annotations

import argparse
import platform
import statistics
from dataclasses import dataclass

from bench.common import Run, median_run, write_section

A, A_TUNED, B, C = (
    "plain nginx, the page as a static file (baseline A)",
    "plain nginx with our file settings (baseline A')",
    "server before the render stage, HTML (baseline B)",
    "oxigraph serve-read-only, /query (baseline C)",
)
CACHED = "nginx-conf, the same /sparql GET (cached)"


@dataclass(frozen=True)
class Case:
    url: str
    headers: dict[str, str]
    pid: int  # the process whose tree serves it (nginx's master, the server): its CPU is measured


@dataclass(frozen=True)
class Measured:
    run: Run
    cpu_us: float  # CPU time of the serving processes per request, microseconds


def ratios(runs: dict[str, list[Measured]], case: str, baseline: str) -> list[float]:
    """The case's req/s over the baseline's in the same round, round by round."""
    return [
        m.run.requests_per_second / b.run.requests_per_second
        for m, b in zip(runs[case], runs[baseline], strict=True)
        if b.run.requests_per_second
    ]


def _ratio(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})" if values else "–"


def _cpu(runs: list[Measured]) -> float:
    return statistics.median(m.cpu_us for m in runs)


def _row(runs: dict[str, list[Measured]], case: str, baselines: tuple[str, ...]) -> str:
    run = median_run([m.run for m in runs[case]])
    cells = [f"{run.requests_per_second:.0f}"]
    cells += [_ratio(ratios(runs, case, b)) for b in baselines]
    cells += [f"{_cpu(runs[case]):.1f}", *(f"{_cpu(runs[case]) / _cpu(runs[b]):.2f}" for b in baselines)]
    cells += [f"{run.p50_ms:.2f}", f"{run.p99_ms:.2f}", str(run.errors)]
    return f"| {case} | " + " | ".join(cells) + " |"


def _table(
    runs: dict[str, list[Measured]], cases: list[str], baselines: tuple[str, ...], names: list[str]
) -> list[str]:
    head = ["req/s", *(f"× {n} (range)" for n in names), "CPU µs/req", *(f"CPU × {n}" for n in names)]
    head += ["p50 ms", "p99 ms", "errors"]
    lines = ["| what | " + " | ".join(head) + " |", "|---|" + "---:|" * len(head)]
    return lines + [_row(runs, case, baselines) for case in cases]


def report(
    args: argparse.Namespace,
    runs: dict[str, list[Measured]],
    together: dict[str, list[float]],
    startup: tuple[float, float, float],
    load_average: tuple[float, float],
    page: str,
) -> str:
    nginx_cases = [c for c in runs if "nginx" in c and "sparql" not in c]
    only = " --only nginx" if args.only else ""
    lines = [
        "## The rendered site: nginx-conf, the thin server, start-up (issue 15)",
        "",
        f"`python -m bench.site --seconds {args.seconds} --rounds {args.rounds} --connections {args.connections}"
        f" --before {args.before}{only}` — wrk (1 thread, {args.connections} connections) on loopback, {args.seconds} s"
        f" per measurement, {args.rounds} rounds; each round runs every case once (the order reversed every other"
        " round), and a ratio is the case's req/s over its baseline's *in the same round*: the median of the"
        " rounds' ratios, (lowest–highest). CPU µs/req: the CPU time of the serving processes (nginx's workers,"
        " the server and its SPARQL workers, Oxigraph's server) per answer, from /proc — the figure other jobs'"
        " load moves least. The machine was shared with other engineers' jobs (2 cores for wrk, nginx and the"
        f" servers; 1-minute load average {load_average[0]:.1f} before the run, {load_average[1]:.1f} after);"
        f" page `{page}` (HTML, 23 KB); query `acties-per-minister.rq`; {platform.machine()},"
        f" Python {platform.python_version()}.",
        "",
        "Pages through nginx-conf against plain nginx serving the same bytes as a static file: A with Debian's"
        " nginx.conf settings (`sendfile on; tcp_nopush on;`), A' with the file settings nginx-conf uses"
        " (`open_file_cache`, `sendfile off`), which leaves what the negotiation, the headers and the locations cost.",
        "",
        *_table(runs, nginx_cases, (A, A_TUNED), ["A", "A'"]),
        "",
        "The same pages run *together* with baseline A (two wrk at once, the same seconds: the outside load"
        " falls on both alike, and they share the machine): nginx-conf's req/s over plain nginx's, median of"
        f" {args.rounds} rounds (lowest–highest): "
        + "; ".join(f"{case.removeprefix('nginx-conf, ')} {_ratio(values)}" for case, values in together.items())
        + ".",
    ]
    pages = [c for c in nginx_cases if c.startswith("nginx-conf")]
    summary = [
        "pages through nginx-conf "
        + " / ".join(f"{statistics.median(ratios(runs, c, A)):.2f}" for c in pages)
        + "× plain nginx one after the other, "
        + " / ".join(f"{statistics.median(together[c]):.2f}" for c in pages)
        + "× run together, CPU per answer "
        + " / ".join(f"{_cpu(runs[c]) / _cpu(runs[A]):.2f}" for c in pages)
        + f"× plain nginx's ({', '.join(c.removeprefix('nginx-conf, ') for c in pages)}; goal ≥ 0.8)"
    ]
    if B in runs:
        lines += ["", *_table(runs, [B, "thin server alone, HTML", "thin server alone, Turtle"], (B,), ["B"])]
        lines += ["", *_table(runs, [C, CACHED], (C,), ["C"])]
        thin = statistics.median(ratios(runs, "thin server alone, HTML", B))
        plain = statistics.median(ratios(runs, "thin server alone, HTML", A))
        cached = statistics.median(ratios(runs, CACHED, C))
        summary += [
            f"the thin server alone {thin:.1f}× the server before the render stage (goal ≥ 2)"
            f" and {plain:.3f}× plain nginx (goal ≥ 0.05)",
            f"a repeated /sparql GET through nginx-conf {cached:.0f}× Oxigraph's own server on the same dump and"
            " query (goal > 1)",
        ]
    lines += ["", "Against the issue's goals: " + "; ".join(summary) + "."]
    started, old_started, load = startup
    lines += [
        "",
        "| `serve` start-up | seconds |",
        "|---|---:|",
        f"| before the render stage: process start → first answer (it renders everything) | {old_started:.2f} |",
        f"| thin server: process start → first answer (imports, uvicorn, the load) | {started:.2f} |",
        f"| thin server: the load alone (read dist/site, copy the build's store; best of 3) | {load:.3f} |",
        "",
        "The load is what serving a build costs (goal ≤ 0.5 s, and no query to the store per resource: none at"
        " all at start); the rest of the process start is Python's imports, uvicorn and the SPARQL worker"
        " processes, which each import and open the store before the first answer.",
    ]
    text = "\n".join(lines)
    if not args.only:
        write_section("site", text)
    return text
