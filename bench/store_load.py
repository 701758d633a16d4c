"""Loading many plans into the embedded store: `EmbeddedStore(folder).load(dist)` of N × a built dist/.

    .venv/bin/python -m bench.store_load DIST [--copies 10] [--out FOLDER]

A build of 1000 plans takes long; their dumps are made from a built dist/ of fewer plans (e.g.
`bench.scale`'s FOLDER/x0100/dist): copy k of plan `synth-NNNN` is plan `synth-(NNNN + 100 k)`,
every `synth-NNNN` in its N-Triples renamed alike, each with its own graph; the catalogue and the
vocabulary as they are (so, as in a build of that many plans, every plan's graph is in the merge,
and shared things, such as portfolios, are named by every plan). The load of the original dist/ and of
the N-fold one each run in a fresh process: seconds and peak memory (ru_maxrss, from wait4), and
their ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT


def multiply(dist: Path, out: Path, copies: int) -> int:
    """`copies` × the plans of `dist` into `out` (see the module); returns the number of plans."""
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    step = len(manifest["plans"])
    plans = {}
    for copy in range(copies):
        for slug, plan in sorted(manifest["plans"].items()):
            body = re.sub(
                rb"synth-(\d{4})",
                lambda m, copy=copy: b"synth-%04d" % (int(m[1]) + step * copy),
                (dist / f"{slug}.nt").read_bytes(),
            )
            new = f"synth-{int(slug.split('-')[1]) + step * copy:04d}"
            (out / f"{new}.nt").write_bytes(body)
            plans[new] = {**plan, "graph": plan["graph"].replace(slug, new)}
    for name in ("beleidsplan.ttl", manifest["catalogue"]["file"]):
        shutil.copy(dist / name, out / name)
    made = {"base": manifest["base"], "plans": plans, "catalogue": manifest["catalogue"], "files": {}, "versions": {}}
    made["dataset_version"] = hashlib.sha256(json.dumps(made, sort_keys=True).encode("utf-8")).hexdigest()
    (out / "manifest.json").write_text(json.dumps(made), encoding="utf-8")
    return len(plans)


def measure(dist: Path, store: Path) -> tuple[float, float, int]:
    """The load in a fresh process: seconds, peak MiB, quads in the merge."""
    shutil.rmtree(store, ignore_errors=True)
    code = (
        "import sys; from pathlib import Path; from hgkbp_ld.store import EmbeddedStore;"
        "print(EmbeddedStore(Path(sys.argv[2])).load(Path(sys.argv[1])).merged)"
    )
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(dist), str(store)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the load failed; its error is above")
    shutil.rmtree(store, ignore_errors=True)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, int(output.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dist", type=Path, help="a built dist/ of synthetic plans (bench.scale's xNNNN/dist)")
    parser.add_argument("--copies", type=int, default=10, help="how many times its plans (default 10)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/hgkbp-store-load"), help="working folder")
    args = parser.parse_args()
    plans = multiply(args.dist, args.out / "dist", args.copies)
    base = measure(args.dist, args.out / "store")
    many = measure(args.out / "dist", args.out / "store")
    print(f"load average before/after: {os.getloadavg()[0]:.1f}")
    for name, (seconds, peak, quads) in ((args.dist.name, base), (f"{plans} plans", many)):
        print(f"{name}: {seconds:.1f} s, peak {peak:.0f} MiB, {quads:,} quads in the merge")
    print(f"× {args.copies}: time × {many[0] / base[0]:.1f}, peak × {many[1] / base[1]:.2f}")


if __name__ == "__main__":
    main()
