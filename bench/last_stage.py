"""The last stage of one build: its wall and CPU seconds (its process and the helper processes it waits for).

    SOURCE_DATE_EPOCH=1767225600 .venv/bin/python -m bench.last_stage DATA OUT [--save STATE]
    .venv/bin/python -m bench.last_stage --replay STATE [--profile FILE]

`build()` of DATA into OUT (a fresh folder; the plans in worker processes as the build decides), with the
last stage run in this process once the plan workers have stopped (not in a fresh one: its CPU is then
this process's, from `getrusage`, plus that of the children it waited for: `render/spread.py`'s helpers).
Run it with two versions of the code (`PYTHONPATH=OTHER/src`) on the same data, one after the other.

`--save STATE` keeps the build's folder as the last stage found it (hard links: a first build's last
stage makes new files, it does not write into the plans') with the stage's arguments; `--replay STATE`
runs that last stage again, alone, in the same folder (it is removed first; what it made is left there,
`dist/`'s `site` link included, for `bench.compare_dist`): the stage measured without building the plans
again. `--profile FILE` writes a cProfile of the stage (of this process only).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import inspect
import json
import pickle
import resource
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from hgkbp_ld import runner
from hgkbp_ld.build import build

ARGUMENTS = "last-stage.pickle"


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _timed(function: Callable[..., object], args: tuple, kwargs: dict, profile: Path | None) -> None:
    began, own, children = time.perf_counter(), _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    function(*args, progress=print, **kwargs)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    own, children = _cpu(resource.RUSAGE_SELF) - own, _cpu(resource.RUSAGE_CHILDREN) - children
    wall = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(
        f"last stage: wall {wall:.2f} s, CPU {own + children:.2f} s ({own:.2f} + helpers {children:.2f});"
        f" peak {peak} MiB (largest helper {helpers} MiB)"
    )


def _copy(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(["cp", "-al", str(source), str(target)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, nargs="?")
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--today", default="2026-12-01")
    parser.add_argument("--save", type=Path, help="keep the build's folder and the stage's arguments here")
    parser.add_argument("--replay", type=Path, help="run the last stage saved here again")
    parser.add_argument("--profile", type=Path, help="a cProfile of the stage, written here")
    args = parser.parse_args()
    if args.replay:
        function, stage_args, kwargs = pickle.loads((args.replay / ARGUMENTS).read_bytes())
        _copy(args.replay / "dist", stage_args[0])
        if "plans" in inspect.signature(function).parameters:  # the plans preloaded, as the build does
            plans = json.loads((Path(str(stage_args[0])) / "manifest.json").read_bytes())["plans"]
            kwargs["plans"] = {slug: {"graph": p["graph"], "triples": p["triples"]} for slug, p in plans.items()}
        else:  # a stage saved by code that preloads, replayed by code that does not
            kwargs.pop("plans", None)
        _timed(function, stage_args, kwargs, args.profile)
        return

    def last(self: runner.Runner, function: Callable[..., object], *stage_args: object, **kwargs: object) -> object:
        self.close()
        kwargs.pop("progress")
        before = kwargs.pop("before", None)
        made = before() if callable(before) else None  # the manifest, written before the stage here
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            _copy(Path(str(stage_args[0])), args.save / "dist")
            (args.save / ARGUMENTS).write_bytes(pickle.dumps((function, stage_args, kwargs)))
        _timed(function, stage_args, kwargs, args.profile)
        return made

    runner.Runner.last = last  # type: ignore[method-assign]
    began = time.perf_counter()
    build(args.out, data_dir=args.data, today=dt.date.fromisoformat(args.today))
    print(f"build: wall {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
