"""What one plan costs in its worker, for instruction counts (cachegrind) and CPU seconds.

    .venv/bin/python -m bench.plan_cost DATA N [--out FOLDER]

builds the first N plans of the data folder DATA (e.g. `python -m bench.synthetic X --factor 5` makes
X/data) one after the other in this process, as a build's worker does (`plan_build.build_plan`:
parse, map, versions, validate, the dumps, the plan's pages), into FOLDER (default a new folder on
/dev/shm, removed again), and prints each plan's CPU seconds. A plan's cost in its worker without
the process's start: run it under `valgrind --tool=cachegrind --cache-sim=no` with N=3 and N=1 and
halve the difference (bench/RESULTS.md, "A plan's build, third pass"). Every plan of DATA is parsed
for its title first, as the build does: that part is in both runs and drops out of the difference.
FOLDER/versions, if it holds versions (e.g. copied from an earlier build), is read as the build reads
data/versions: each plan is then compared with its latest version.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import os
import shutil
import tempfile
from pathlib import Path

from hgkbp_ld.plan_build import PlanJob, build_plan, parse_names
from hgkbp_ld.registers import Registers, load_plan_configs
from hgkbp_ld.render.plan_site import RenderContext, register_plans

BASE = "https://data.vlaanderen.be"
WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def build_first_plan(data: Path, prefix: str) -> None:
    """`build` of DATA's first plan in a scratch folder (on /dev/shm where there is one), removed after:
    for the benchmarks that swap `plan_site.render_plan` for their own (html_cost, view_cost, rendered_cost)."""
    root = Path(tempfile.mkdtemp(prefix=prefix, dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    try:
        build(data, 1, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def build(data: Path, count: int, root: Path) -> None:
    configs = load_plan_configs(data / "plans")
    # as the build: the plans are parsed for their titles and kept for their builds (parsed once); a
    # version of the code before that parses them twice (the keyword is only given where there is one)
    keep = root / "parsed" if "keep" in inspect.signature(parse_names).parameters else None
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    names = {c.slug: parse_names(c, data, True, **({"keep": keep} if keep else {})) for c in configs}
    context = RenderContext(
        root / "site",
        None,
        1_767_225_600,
        dt.date(2026, 6, 1),
        len(configs),
        *register_plans(names, Registers.load(data), BASE),
    )
    (root / "dist").mkdir(parents=True, exist_ok=True)
    for config in configs[:count]:
        before = os.times()
        job = PlanJob(
            config, data, BASE, True, names, WHEN, root / "dist", root / "staging", None, root / "versions", context,
            **({"parsed": keep} if keep else {}),
        )  # fmt: skip
        outcome = build_plan(job)
        after = os.times()
        state = "conforms" if outcome.failed is None else "does not conform"
        print(
            f"{config.slug}: {state}, user {after.user - before.user:.3f} s, sys {after.system - before.system:.3f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="a data folder (plans/*.toml, the registers, source/)")
    parser.add_argument("count", type=int, help="how many of its plans to build")
    parser.add_argument("--out", type=Path, help="where to write (default: a new folder on /dev/shm, removed after)")
    args = parser.parse_args()
    root = args.out or Path(
        tempfile.mkdtemp(prefix="plan-cost-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None)
    )
    try:
        build(args.data, args.count, root)
    finally:
        if args.out is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
