"""Resource pages: throughput and latency of hgkbp-ld (HTML and Turtle) against a static file.

    .venv/bin/python -m bench.pages [--seconds 10] [--rounds 3] [--connections 16]

The baseline is Python's `http.server` serving the same HTML page as a file, measured in the
same run; each round measures baseline, HTML and Turtle one after the other and the medians of
the rounds are reported, as ratios to the baseline. Results go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
from pathlib import Path

import httpx

from bench.common import ROOT, median_run, serve_hgkbp, serve_nginx, serve_static, write_section, wrk

PAGE = "/doc/actie/hgkbp-2025-2029/12"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="length of one measurement (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="the build to serve (default dist/)")
    args = parser.parse_args()

    server, url = serve_hgkbp(args.dist)
    with tempfile.TemporaryDirectory() as folder:
        html = httpx.get(url + PAGE + ".html").content
        (Path(folder) / "page.html").write_bytes(html)
        static, static_url = serve_static(Path(folder))
        nginx = serve_nginx(Path(folder))
        cases = {
            "static file (http.server), baseline": (static_url + "/page.html", {}),
            **({"static file (nginx, 1 worker)": (nginx[1] + "/page.html", {})} if nginx else {}),
            "hgkbp-ld HTML page": (url + PAGE, {"Accept": "text/html"}),
            "hgkbp-ld Turtle": (url + PAGE, {"Accept": "text/turtle"}),
        }
        runs: dict[str, list] = {name: [] for name in cases}
        try:
            for round_number in range(args.rounds):
                for name, (target, headers) in cases.items():
                    run = wrk(target, connections=args.connections, seconds=args.seconds, headers=headers)
                    runs[name].append(run)
                    print(
                        f"round {round_number + 1}: {name}: {run.requests_per_second:.0f} req/s, "
                        f"p50 {run.p50_ms:.2f} ms, p99 {run.p99_ms:.2f} ms, errors {run.errors}"
                    )
        finally:
            static.stop()
            server.stop()
            if nginx:
                nginx[0].stop()
    medians = {name: median_run(r) for name, r in runs.items()}
    base = medians["static file (http.server), baseline"]
    lines = [
        "## Resource pages (issue 4)",
        "",
        f"`python -m bench.pages --seconds {args.seconds} --rounds {args.rounds} --connections {args.connections}`"
        f" — {args.connections} concurrent clients (wrk, 1 thread) on loopback, {args.seconds} s per measurement,"
        f" median of {args.rounds} interleaved rounds; page `{PAGE}` ({len(html)} bytes of HTML);"
        f" {platform.machine()}, {platform.python_version()}.",
        "",
        "| what | req/s | × baseline | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, run in medians.items():
        lines.append(
            f"| {name} | {run.requests_per_second:.0f} | {run.requests_per_second / base.requests_per_second:.2f}"
            f" | {run.p50_ms:.2f} | {run.p99_ms:.2f} | {run.errors} |"
        )
    write_section("pages", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
