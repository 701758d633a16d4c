"""The last stage of one build: its wall and CPU seconds (its process and the helper process it waits for).

    SOURCE_DATE_EPOCH=1767225600 .venv/bin/python -m bench.last_stage DATA OUT

`build()` of DATA into OUT (a fresh folder; the plans in worker processes as the build decides), with the
last stage run in this process once the plan workers have stopped (not in a fresh one: its CPU is then
this process's, from `getrusage`, plus that of the children it waited for: `render/spread.py`'s helper).
Run it with two versions of the code (`PYTHONPATH=OTHER/src`) on the same data, one after the other.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from collections.abc import Callable
from pathlib import Path

from hgkbp_ld import runner
from hgkbp_ld.build import build


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _last(
    self: runner.Runner, function: Callable[..., object], *args: object, progress: Callable, **kwargs: object
) -> None:
    self.close()
    began, own, children = time.perf_counter(), _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    function(*args, progress=progress, **kwargs)
    own, children = _cpu(resource.RUSAGE_SELF) - own, _cpu(resource.RUSAGE_CHILDREN) - children
    wall = time.perf_counter() - began
    print(f"last stage: wall {wall:.2f} s, CPU {own + children:.2f} s ({own:.2f} + helper {children:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--today", default="2026-12-01")
    args = parser.parse_args()
    runner.Runner.last = _last  # type: ignore[method-assign]
    began = time.perf_counter()
    build(args.out, data_dir=args.data, today=dt.date.fromisoformat(args.today))
    print(f"build: wall {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
