"""Scale: what building, loading and querying cost as the number of plans grows.

    .venv/bin/python -m bench.scale [--factors 1,10,100,1000] [--out FOLDER] [--seed 1] [--runs 5]
        [--profile-factor N] [--virtuoso URL [--virtuoso-update URL] [--virtuoso-graphs URL]]

Factor N is N synthetic plans the size of the real one (bench/synthetic.py: the real plan's shape,
its words and registers; strict parsing; one named graph per plan), as a portal publishing many
plans would have. For each factor the data is generated in FOLDER/xNNNN/data, then measured, each
measurement in a fresh Python process:

- build: the real `hgkbp_ld.build.build` into FOLDER/xNNNN/dist, with the functions it calls per
  stage wrapped in timers (nothing in src/ changes): parse = `parse_file`, map = `to_graph`,
  validate = the SHACL validation of each plan's graph, write = serialising the four dumps, making
  and validating the DCAT catalogue and writing the files; render = the render stage (`dist/site/`: every
  page in every format, and the store it keeps): each plan's pages in its worker (summed over the
  workers, like the other per-plan stages) plus the last stage (what plans share, the index: `site`,
  wall time); other = the rest of `build()`
  (registers, provenance, checks, versions); peak memory = the process's ru_maxrss (from wait4);
- load: `EmbeddedStore(folder).load(dist)` (pyoxigraph on disk, as `hgkbp-ld serve` loads);
- queries: each of queries/*.rq on that store, opened read-only as the SPARQL workers open it:
  one warm-up run, then the median of --runs runs, every row read;
- profile: the build of --profile-factor (default: the largest) once more, under cProfile.

With --virtuoso URL (a SPARQL query endpoint, e.g. http://localhost:8890/sparql) also the time of
`hgkbp-ld publish --dist DIST --store URL [--update U] [--graphs G]` (credentials from
HGKBP_STORE_USER / HGKBP_STORE_PASSWORD or _PASSWORD_FILE, as publish reads them) and of the same
queries sent to URL through hgkbp-ld's RemoteStore (SPARQLWrapper, form POST, results as SPARQL
JSON), with the published version's graphs as the protocol's dataset, as
`hgkbp-ld serve --store` sends them; a query that gets no answer within --virtuoso-timeout is noted.

The baseline is factor 1 of the same run, on the same machine: each factor's cost is printed as a
ratio to factor 1 (× f1) and to N × factor 1 (÷ N·f1: 1.00 = linear, above 1 = worse than linear).
The real plan (data/) is built and loaded alongside, for reference. Results: a table in
bench/RESULTS.md (section "scale"), the plot bench/scale.svg, and FOLDER/scale.json.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT, write_section
from bench.synthetic import make_data
from hgkbp_ld import bundled

QUERIES = bundled.QUERIES
SHAPES = bundled.SHAPES
PLOT = ROOT / "bench" / "scale.svg"
EPOCH = "1767225600"
STAGES = ("parse", "map", "validate", "write", "render")
TOP_FUNCTIONS = 15
COPY_MARKER = ".bench-scale-copy"

# --- the measuring processes ----------------------------------------------------------------------


class _Stages:
    """Seconds spent in the functions the build calls, by name; the name may depend on the call
    and on the timed calls it is inside (`within`)."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.within: list[str] = []

    def timed(self, function: Callable[..., Any], name: Callable[..., str]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 - passes through whatever it wraps
            key = name(*args, **kwargs)
            self.within.append(key)
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.times[key] = self.times.get(key, 0.0) + time.perf_counter() - start
                self.within.pop()

        return timed

    def wrap(self, owner: object, attribute: str, name: str | Callable[..., str]) -> None:
        """Time `owner.attribute` (a function of a module, or a method or classmethod of a class)
        if it exists: the bench keeps working on a build.py without it."""
        static = inspect.getattr_static(owner, attribute, None)
        if static is None:
            return
        namer = name if callable(name) else (lambda *_a, **_k: name)
        if isinstance(static, classmethod):
            setattr(owner, attribute, classmethod(self.timed(static.__func__, namer)))
        else:
            setattr(owner, attribute, self.timed(static, namer))


def _build_job(data: str, out: str, profile: str | None = None, jobs: int | None = None) -> dict[str, Any]:
    """The real build with its stages timed (and, with `profile`, under cProfile).

    The plans' own stages (parse, map, versions, validate, dumps) are timed by the build itself in
    the process that builds each plan (`BuildResult.seconds`, summed over the plans: with several
    jobs they run at once, so their sum may exceed the wall time of the plans' phase, `plans`)."""
    from hgkbp_ld import build as b
    from hgkbp_ld import manifest

    stages = _Stages()
    times = stages.times
    stages.wrap(manifest, "validate_catalogue", "catalogue validate")
    stages.wrap(manifest, "catalogue", "catalogue")
    stages.wrap(b, "swap_in", "swap")
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = b.build(Path(out), data_dir=Path(data), jobs=jobs)
    if profiler:
        profiler.disable()
    total = time.perf_counter() - start
    seconds = dict(getattr(result, "seconds", {}))
    times.update(
        {
            "parse": seconds.get("parse", 0.0),
            "map": seconds.get("map", 0.0),
            "validate": seconds.get("validate", 0.0),
            "versions": seconds.get("versions", 0.0),
            "serialise": seconds.get("dumps", 0.0),
            "plans": seconds.get("plans", 0.0),
            "write": seconds.get("dumps", 0.0) + seconds.get("write", 0.0),
            # the plans' pages (in their workers, summed) and the last stage (what plans share, the index)
            "render": seconds.get("render", 0.0) + seconds.get("site", 0.0),
            "site": seconds.get("site", 0.0),
        }
    )
    manifest = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
    report: dict[str, Any] = {
        "total": total,
        "stages": times,
        "plans": len(result.plans),
        "reused": sum(1 for p in result.plans if p.reused),
        "actions": sum(p.actions for p in result.plans),
        "triples": sum(p.triples for p in result.plans) + manifest["catalogue"]["triples"],
        # os.walk, not Path.rglob: rglob keeps every path it gave in a set (Python 3.11), which at 100
        # plans (~350,000 files) made this process peak 294 MiB after a build that peaked 208
        "dist_bytes": sum(
            os.lstat(os.path.join(folder, name)).st_size for folder, _dirs, names in os.walk(out) for name in names
        ),
    }
    if profiler:
        profiler.dump_stats(profile)
        report["profile"] = _profile_summary(pstats.Stats(profiler), total)
    return report


def _where(filename: str) -> str:
    """The package a function belongs to, from its file."""
    if filename.startswith("~") or filename.startswith("<"):
        return "built-ins (C)"
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    if "hgkbp_ld" in parts:
        return "hgkbp_ld"
    if "bench" in parts:
        return "bench"
    return f"stdlib {path.stem}"


def _label(function: tuple[str, int, str]) -> str:
    filename, line, name = function
    if filename.startswith("~"):
        return name
    parts = Path(filename).parts
    for anchor in ("site-packages", "src"):
        if anchor in parts:
            return f"{'/'.join(parts[parts.index(anchor) + 1 :])}:{line}({name})"
    return f"{Path(filename).name}:{line}({name})"


def _profile_summary(stats: pstats.Stats, total: float) -> dict[str, Any]:
    entries = stats.stats  # type: ignore[attr-defined]  # {function: (cc, nc, tottime, cumtime, callers)}
    by_package: dict[str, float] = {}
    for function, (_cc, _nc, tottime, _cumtime, _callers) in entries.items():
        package = _where(function[0])
        by_package[package] = by_package.get(package, 0.0) + tottime
    top = sorted(entries.items(), key=lambda item: item[1][3], reverse=True)
    skip = ("timed", "build", "<built-in method builtins.exec>")
    functions = [
        {"function": _label(f), "calls": v[1], "self": v[2], "cumulative": v[3]}
        for f, v in top
        if f[2] not in skip and not f[0].endswith("scale.py")
    ][:TOP_FUNCTIONS]
    profiled = sum(by_package.values())
    parse_query = [v for f, v in entries.items() if f[2] == "parseQuery" and "sparql" in f[0]]
    return {
        "wall": total,
        "sparql_parse": {"calls": sum(v[1] for v in parse_query), "cumulative": sum(v[3] for v in parse_query)},
        "self_by_package": dict(sorted(by_package.items(), key=lambda item: item[1], reverse=True)),
        "profiled": profiled,
        "top": functions,
    }


def _load_job(dist: str, folder: str, runs: int) -> dict[str, Any]:
    """Load dist/ into pyoxigraph as the server does, then time the example queries."""
    import pyoxigraph as ox

    from hgkbp_ld.store import EmbeddedStore

    store = EmbeddedStore(Path(folder))
    start = time.perf_counter()
    dataset = store.load(Path(dist))
    load = time.perf_counter() - start
    assert store.path is not None
    reader = ox.Store.read_only(str(store.path))

    def read_all(text: str) -> int:
        solutions = reader.query(text)
        if not hasattr(solutions, "variables"):  # a CONSTRUCT: its triples are the rows
            return sum(1 for _triple in solutions)
        width = len(solutions.variables)
        rows = 0
        for row in solutions:  # read every value, as a client would
            _values = [row[i] for i in range(width)]
            rows += 1
        return rows

    queries = time_queries(read_all, runs)
    return {"load": load, "quads": dataset.merged, "graphs": len(dataset.graphs), "queries": queries}


def time_queries(run: Callable[[str], int], runs: int, noted: str | None = None) -> dict[str, Any]:
    """Each of queries/*.rq: one warm-up run, then the median of `runs` (run returns the row count).
    With `noted` (the store's URL), a query that fails is noted and the rest go on."""
    queries: dict[str, Any] = {}
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        times, rows = [], 0
        for attempt in range(runs + 1):
            start = time.perf_counter()
            try:
                rows = run(text)
            except Exception as error:  # a timeout or a refusal on a remote store
                if noted is None:
                    raise
                print(f"  {path.name}: no answer from {noted} ({error})", flush=True)
                break
            if attempt:  # the first run warms the caches
                times.append(time.perf_counter() - start)
        queries[path.stem] = {
            "median_ms": statistics.median(times) * 1000 if times else None,
            "rows": rows if times else None,
            "runs": len(times),
        }
    return queries


def _worker(spec: str) -> None:
    job = json.loads(spec)
    kind = job.pop("job")
    result = _build_job(**job) if kind == "build" else _load_job(**job)
    print(json.dumps(result))


@dataclass
class Measured:
    """One measuring process: what it printed, its wall time and its peak memory."""

    result: dict[str, Any]
    wall: float
    peak_mib: float


def measure(job: dict[str, Any]) -> Measured:
    """Run a job in a fresh process; its peak memory is its own ru_maxrss, from wait4."""
    argv = [sys.executable, "-m", "bench.scale", "--worker", json.dumps(job)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    if process.returncode != 0:
        raise SystemExit(f"the {job['job']} job failed (exit {process.returncode}); its error is above")
    result = json.loads(output.strip().splitlines()[-1])
    result["cpu"] = usage.ru_utime + usage.ru_stime  # the process and the workers it waited for
    return Measured(result, wall, usage.ru_maxrss / 1024)


# --- Virtuoso (or any store `hgkbp-ld publish` can write to) ----------------------------------------


def _cli() -> Path:
    return Path(sys.executable).parent / "hgkbp-ld"


def check_publish() -> None:
    """Stop early, with a clear message, when this checkout's hgkbp-ld has no `publish` command."""
    done = subprocess.run([str(_cli()), "publish", "--help"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise SystemExit(
            f"--virtuoso: '{_cli()} publish' is not available in this checkout ({reason}).\n"
            "It comes with the remote store work (hgkbp-ld publish --dist DIST --store URL); "
            "update the checkout, or run without --virtuoso."
        )
    password = os.environ.get("HGKBP_STORE_PASSWORD") or os.environ.get("HGKBP_STORE_PASSWORD_FILE")
    if not (os.environ.get("HGKBP_STORE_USER") and password):
        print("note: HGKBP_STORE_USER / HGKBP_STORE_PASSWORD are not set; publish may be refused", file=sys.stderr)


def virtuoso(dist: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Publish `dist` with `hgkbp-ld publish` (timed as a process), then time the example queries by
    SPARQL Protocol POST, against the published version's default graph as the server would."""

    store, runs, timeout = args.virtuoso, args.runs, args.virtuoso_timeout
    extra = [*(("--update", args.virtuoso_update) if args.virtuoso_update else ())]
    extra += [*(("--graphs", args.virtuoso_graphs) if args.virtuoso_graphs else ())]
    start = time.perf_counter()
    done = subprocess.run(
        [str(_cli()), "publish", "--quiet", "--dist", str(dist), "--store", store, *extra],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
    )
    publish = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"hgkbp-ld publish --store {store} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    # The queries as `hgkbp-ld serve --store` sends them: through RemoteStore (SPARQLWrapper, a form POST
    # with this version's graphs as the protocol's dataset). (A direct POST of application/sparql-query
    # with queries/acties-per-minister.rq got no answer from Virtuoso 7.2.5 within 120 s; the form POST
    # answers in 0.1 s.)
    from hgkbp_ld.settings import Settings
    from hgkbp_ld.store import RemoteStore, endpoint
    from hgkbp_ld.store.remote import MERGE, graph_name

    remote = RemoteStore(endpoint(Settings.from_env(store=store, store_timeout=float(timeout), store_retries=0)))
    remote.load(dist)
    merge = graph_name(remote.publication, MERGE) if remote.publication else None
    queries = time_queries(lambda text: len(remote.select(text)), runs, noted=store)
    return {"publish": publish, "default_graph": merge, "timeout": timeout, "queries": queries}


# --- one run --------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str  # "1", "10", … or "real"
    plans: int
    build: dict[str, Any]
    build_wall: float
    build_peak_mib: float
    load: dict[str, Any]
    load_peak_mib: float
    rebuild: dict[str, Any] | None = None  # the same data built again into the same dist/: nothing changed
    changed: dict[str, Any] | None = None  # then one plan's text changed, built again into the same dist/
    generate: float = 0.0
    virtuoso: dict[str, Any] | None = None
    profile: dict[str, Any] | None = None
    seconds: float = 0.0  # everything for this factor, generation and profile included
    baseline_runs: int = 1  # measurements of which this is the median (factor 1)
    stages: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        times = self.build["stages"]
        self.stages = {stage: times.get(stage, 0.0) for stage in STAGES}
        # the plans' stages are summed over the worker processes; the rest of the build is its wall time
        site = times.get("site", self.stages["render"])  # the render stage's part outside the plans' workers
        main = times.get("plans", 0.0) + times.get("write", 0.0) - times.get("serialise", 0.0) + site
        self.stages["other"] = max(self.build["total"] - main, 0.0)
        self.stages["total"] = self.build["total"]
        self.stages["load"] = self.load["load"]
        self.stages["rebuild"] = self.rebuild["total"] if self.rebuild else 0.0
        self.stages["changed"] = self.changed["total"] if self.changed else 0.0


def median_row(rows: list[Row]) -> Row:
    """The measurement of median build time, with the median rebuild and the median load of them all."""

    def middle(key: str) -> Row:
        return sorted(rows, key=lambda r: r.stages[key])[len(rows) // 2]

    row = middle("total")
    rebuild, changed, load = middle("rebuild"), middle("changed"), middle("load")
    row.rebuild, row.changed = rebuild.rebuild, changed.changed
    row.load, row.load_peak_mib = load.load, load.load_peak_mib
    row.baseline_runs = len(rows)
    row.__post_init__()
    return row


def forget_versions(data: Path) -> None:
    """A first build: no recorded versions (a build records one in data/versions/; bench folders only)."""
    shutil.rmtree(data / "versions", ignore_errors=True)


def change_one_plan(data: Path) -> None:
    """One word more in the first action's text of the first plan (a new version of that plan)."""
    source = sorted((data / "source").glob("*.txt"))[0]
    text = source.read_text(encoding="utf-8")
    start = text.index("\nActie 1")
    at = text.index(" het ", start)
    source.write_text(text[:at] + " het nieuwe " + text[at + len(" het ") :], encoding="utf-8")


def measure_folder(name: str, data: Path, folder: Path, runs: int, plans: int, jobs: int | None = None) -> Row:
    dist = folder / "dist"
    forget_versions(data)
    shutil.rmtree(dist, ignore_errors=True)  # a first build: nothing to take from
    if (data / ".original.txt").exists():  # the plan change_one_plan changed, as it was
        source = sorted((data / "source").glob("*.txt"))[0]
        source.write_bytes((data / ".original.txt").read_bytes())
    build = measure({"job": "build", "data": str(data), "out": str(dist), "jobs": jobs})
    print(
        f"  build {build.result['total']:.1f} s ({build.result['plans']} plans, {build.result['triples']} triples,"
        f" peak {build.peak_mib:.0f} MiB)",
        flush=True,
    )
    rebuild = measure({"job": "build", "data": str(data), "out": str(dist), "jobs": jobs})
    print(f"  rebuild {rebuild.result['total']:.1f} s (nothing changed)", flush=True)
    (data / ".original.txt").write_bytes(sorted((data / "source").glob("*.txt"))[0].read_bytes())
    change_one_plan(data)
    changed = measure({"job": "build", "data": str(data), "out": str(dist), "jobs": jobs})
    print(f"  rebuild {changed.result['total']:.1f} s (one plan's text changed)", flush=True)
    load = measure({"job": "load", "dist": str(dist), "folder": str(folder / "store"), "runs": runs})
    print(
        f"  oxigraph load {load.result['load']:.1f} s, queries "
        + ", ".join(f"{q} {v['median_ms']:.1f} ms" for q, v in load.result["queries"].items()),
        flush=True,
    )
    shutil.rmtree(folder / "store", ignore_errors=True)
    row = Row(name, plans, build.result, build.wall, build.peak_mib, load.result, load.peak_mib, rebuild.result)
    row.changed = changed.result
    row.__post_init__()
    return row


def save(path: Path, meta: dict[str, Any], rows: list[Row]) -> None:
    path.write_text(json.dumps({"meta": meta, "rows": [r.__dict__ for r in rows]}, indent=1), encoding="utf-8")


def load_saved(path: Path) -> tuple[dict[str, Any], list[Row]]:
    saved = json.loads(path.read_text(encoding="utf-8"))
    rows = [Row(**{k: v for k, v in row.items() if k != "stages"}) for row in saved["rows"]]
    return saved["meta"], rows


def _real_data(folder: Path) -> Path:
    """A copy of data/ to build the real plan from: a build records versions in its data folder."""
    data = folder / "data"
    if data.exists():
        if not (data / COPY_MARKER).exists():
            raise SystemExit(f"{data} exists and was not made by bench.scale; choose another --out")
        shutil.rmtree(data)
    shutil.copytree(ROOT / "data", data)
    (data / COPY_MARKER).write_text("a copy of data/ made by bench.scale\n", encoding="utf-8")
    return data


def run(args: argparse.Namespace, meta: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    print("real plan (a copy of data/)", flush=True)
    rows.append(measure_folder("real", _real_data(out / "real"), out / "real", args.runs, 1, args.jobs))
    for factor in args.factors:
        started = time.perf_counter()
        folder = out / f"x{factor:04d}"
        print(f"factor {factor}: generating {factor} plan(s) in {folder / 'data'}", flush=True)
        start = time.perf_counter()
        data = make_data(folder, factor, args.seed)
        generate = time.perf_counter() - start
        if factor == 1 and args.baseline_runs > 1:  # the baseline: the median of a few measurements
            row = median_row(
                [measure_folder("1", data, folder, args.runs, 1, args.jobs) for _ in range(args.baseline_runs)]
            )
        else:
            row = measure_folder(str(factor), data, folder, args.runs, factor, args.jobs)
        row.generate = generate
        if args.virtuoso:
            row.virtuoso = virtuoso(folder / "dist", args)
            print(f"  publish to {args.virtuoso} {row.virtuoso['publish']:.1f} s", flush=True)
        if factor == args.profile_factor:
            print("  profiling the build (cProfile)", flush=True)
            forget_versions(data)  # the profile is of a first build, as the table's build is
            profiled = measure(
                {
                    "job": "build",
                    "data": str(data),
                    "out": str(folder / "dist-profile"),
                    "profile": str(folder / "build.prof"),
                }
            )
            row.profile = profiled.result["profile"]
            shutil.rmtree(folder / "dist-profile", ignore_errors=True)
        row.seconds = time.perf_counter() - started
        print(f"  factor {factor} done in {row.seconds / 60:.1f} min", flush=True)
        rows.append(row)
        save(out / "scale.json", meta, rows)
    return rows


# --- the report -----------------------------------------------------------------------------------


def _machine() -> str:
    cpu, memory = "unknown CPU", ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        memory = f", {int(next(line.split()[1] for line in meminfo if 'MemTotal' in line)) / 1024**2:.1f} GiB RAM"
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cpu}, {cores} CPU cores available{memory}, {platform.system()} {platform.release()}, Python"
        f" {platform.python_version()}; hgkbp-ld {version('hgkbp-ld')}, rdflib {version('rdflib')}, pyshacl"
        f" {version('pyshacl')}, pyoxigraph {version('pyoxigraph')}"
    )


def _sparql_constraints() -> int:
    return sum(path.read_text(encoding="utf-8").count("a sh:SPARQLConstraint") for path in SHAPES.glob("*.ttl"))


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}" if base > 0 else "–"


def _cpu_table(rows: list[Row]) -> list[str]:
    """The rebuilds' CPU time (user and system, of the build's process and the workers it waited for)
    beside their wall time: on a shared machine the CPU ratio is the steadier one."""
    if not any(row.changed and "cpu" in row.changed for row in rows):
        return []
    lines = [
        "",
        "Rebuilds by CPU time (user + system of the build and its worker processes; the wall time of a shared"
        " machine varies with the others' load):",
        "",
        "| factor | build CPU s | rebuild (nothing changed) CPU s | ÷ build CPU | rebuild (one plan changed) CPU s"
        " | ÷ build CPU | one changed wall ÷ build wall |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if not (row.changed and row.rebuild and "cpu" in row.build):
            continue
        cpu, again, changed = row.build["cpu"], row.rebuild.get("cpu", 0.0), row.changed.get("cpu", 0.0)
        lines.append(
            f"| {'real plan' if row.name == 'real' else row.name} | {cpu:.2f} | {again:.2f} | {_ratio(again, cpu)}"
            f" | {changed:.2f} | {_ratio(changed, cpu)} | {_ratio(row.stages['changed'], row.stages['total'])} |"
        )
    return lines


def report(rows: list[Row], meta: dict[str, Any]) -> str:
    """The section of bench/RESULTS.md, from the rows of a run and what was noted about it (`meta`)."""
    real, factors = rows[0], rows[1:]
    runs, store = meta["runs"], meta.get("virtuoso")
    base = factors[0]  # factor 1
    queries = sorted(base.load["queries"])
    shared = meta.get("shared", "another engineer's test runs")
    lines = [
        "## Scale: many plans (synthetic)",
        "",
        f"`python -m bench.scale --factors {','.join(str(f) for f in meta['factors'])}"
        f"{' --seed ' + str(meta['seed']) if meta['seed'] != 1 else ''}` — factor N is N synthetic plans the size"
        " of the real one (`bench/synthetic.py`: the real plan's shape, words and registers, strict parsing, one named"
        " graph per plan), each measurement in a fresh process: the real `build()` with its stages timed"
        " (parse = `parse_file`, map = `to_graph`, validate = SHACL per plan, write = the four dumps, the DCAT"
        " catalogue and its validation, the files; other = registers, provenance, checks and versions: a first"
        " build, with no version recorded yet), peak memory ="
        " ru_maxrss of the build process (the largest of it and its worker processes, from wait4);"
        " rebuild = the same data built again into the same dist/ (nothing changed: the build finds every input"
        " as the last build recorded it); one changed = then one word more in the first plan's text, built again"
        " into the same dist/ (a new version of that plan, the others taken from the last build);"
        " oxigraph load = `EmbeddedStore(folder).load(dist)` on disk; queries ="
        f" `queries/*.rq` on that store opened read-only, median of {runs} runs after one warm-up, every row"
        " read. Baseline: factor 1 of the same run"
        + (f", measured {base.baseline_runs} times (the median)" if base.baseline_runs > 1 else "")
        + ". **× f1** = the cost over factor 1's; **÷ N·f1** = the cost"
        " over N times factor 1's (1.00 = linear, above 1 = worse than linear). The real plan is measured"
        " alongside for reference.",
        "",
        f"Machine: {meta['machine']}. The machine was shared with other work ({shared}"
        f" on the same 2 cores), so the figures are noisy: 1-minute load average {meta['load_before']:.1f} before"
        f" the run, {meta['load_after']:.1f} after; the whole run took {meta['took'] / 60:.0f} min.",
        "",
        f"Builds with --jobs {meta.get('jobs') or 'one per core'}." if "jobs" in meta else "",
        "",
        "| factor | plans | triples | parse s | map s | validate s | write s | render s | total s | peak MiB"
        " | total × f1 | total ÷ N·f1 | rebuild (nothing changed) s | ÷ build | rebuild (one plan changed) s | ÷ build"
        " | oxigraph load s | load ÷ N·f1 | load peak MiB | " + " | ".join(f"{q} ms" for q in queries) + " |",
        "|---|" + "---:|" * (18 + len(queries)),
    ]
    for row in [real, *factors]:
        s = row.stages
        n = row.plans
        lines.append(
            f"| {'real plan' if row.name == 'real' else row.name} | {n} | {row.build['triples']:,} | "
            + " | ".join(f"{s[stage]:.2f}" for stage in STAGES)
            + f" | {s['total']:.2f} | {row.build_peak_mib:.0f} | {_ratio(s['total'], base.stages['total'])}"
            f" | {_ratio(s['total'], n * base.stages['total'])} | {s['rebuild']:.2f}"
            f" | {_ratio(s['rebuild'], s['total'])} | {s['changed']:.2f} | {_ratio(s['changed'], s['total'])}"
            f" | {s['load']:.2f}"
            f" | {_ratio(s['load'], n * base.stages['load'])} | {row.load_peak_mib:.0f} | "
            + " | ".join(f"{row.load['queries'][q]['median_ms']:.1f}" for q in queries)
            + " |"
        )
    lines += _cpu_table([real, *factors])
    keys = ("parse", "map", "validate", "write", "render", "other", "total", "changed", "load")
    lines += [
        "",
        "Per-plan cost against factor 1 (time ÷ N·f1; 1.00 = linear, above 1 = worse than linear), and in"
        " brackets between consecutive factors (per-plan cost at N over the per-plan cost at the factor before):",
        "",
        "| factor | parse | map | validate | write | render | other | build total | rebuild, one changed"
        " | oxigraph load | queries ÷ N·f1 | query rows | build peak MiB over f1's, per extra plan |",
        "|---|" + "---:|" * 12,
    ]
    previous = base
    for row in factors:
        n = row.plans
        cells = [
            f"{_ratio(row.stages[k], n * base.stages[k])}"
            + (f" ({_ratio(row.stages[k] / n, previous.stages[k] / previous.plans)})" if row is not base else "")
            for k in keys
        ]
        query_ratios = " / ".join(
            _ratio(row.load["queries"][q]["median_ms"], n * base.load["queries"][q]["median_ms"]) for q in queries
        )
        rows_text = " / ".join(str(row.load["queries"][q]["rows"]) for q in queries)
        memory = f"{(row.build_peak_mib - base.build_peak_mib) / (n - 1):.1f}" if n > 1 else "–"
        lines.append(f"| {row.name} | " + " | ".join(cells) + f" | {query_ratios} | {rows_text} | {memory} |")
        previous = row
    lines += [
        "",
        "Time per plan by stage (ms per plan; parse, map, validate and write summed over the worker processes,"
        " which run at once; plans = the wall time of the plans' phase; render and other: wall time):",
        "",
        "| factor | parse | map | validate | write | plans (wall) | render | other | build total | peak MiB |",
        "|---|" + "---:|" * 9,
    ]
    for row in [real, *factors]:
        per = {k: row.stages[k] / row.plans * 1000 for k in ("parse", "map", "validate", "write", "render", "other")}
        lines.append(
            f"| {'real plan' if row.name == 'real' else row.name} | "
            + " | ".join(f"{per[k]:.0f}" for k in ("parse", "map", "validate", "write"))
            + f" | {row.build['stages'].get('plans', 0.0) / row.plans * 1000:.0f}"
            + f" | {per['render']:.0f} | {per['other']:.0f} | {row.stages['total'] / row.plans * 1000:.0f}"
            + f" | {row.build_peak_mib:.0f} |"
        )
    largest = factors[-1]
    total = largest.stages["total"]
    parts = ("parse", "map", "validate", "write", "render", "other")
    shares = ", ".join(
        f"{k} {largest.stages[k] / total * 100:.0f} %" for k in sorted(parts, key=lambda k: -largest.stages[k])
    )
    growth = {k: largest.stages[k] / (largest.plans * base.stages[k]) for k in keys if base.stages[k] > 0}
    label = {"total": "build total", "load": "oxigraph load"}
    rebuilt = largest.stages["rebuild"]
    worse = [k for k in keys if growth.get(k, 0) > 1.25 and largest.stages[k] / total > 0.05]
    small = [k for k in parts if largest.stages[k] / total <= 0.05 and growth.get(k, 0) > 1.1]
    per_plan = total / largest.plans
    stages = largest.build["stages"]
    lines += [
        "",
        f"**Where the time goes** (factor {largest.name}, {total:.0f} s): {shares}. Inside write: serialising"
        f" the dumps {stages.get('serialise', 0):.1f} s, the catalogue {stages.get('catalogue', 0):.1f} s (of"
        f" which its SHACL validation {stages.get('catalogue validate', 0):.1f} s)."
        + (
            f" Comparing with the recorded versions (data/versions/): {stages['versions']:.1f} s."
            if "versions" in stages
            else ""
        )
        + (
            f" A rebuild of the same data takes {rebuilt:.1f} s ({rebuilt / total:.3f} × the first build): every"
            " input is as the last build recorded it, so dist/ is left as it is; after one plan's text changed"
            f" {largest.stages['changed']:.1f} s ({largest.stages['changed'] / total:.2f} × the first build): that"
            f" plan is built again while the others' files are linked from the last build"
            f" ({largest.changed['stages'].get('plans', 0):.1f} s for both, at once; the plan's pages"
            f" {largest.changed['stages'].get('render', 0) - largest.changed['stages'].get('site', 0):.1f} s),"
            f" and the last stage takes {largest.changed['stages'].get('site', 0):.1f} s."
            if largest.rebuild and largest.changed
            else ""
        ),
        "",
        f"**Growth**: per-plan cost at factor {largest.name} over factor 1's: "
        + ", ".join(f"{label.get(k, k)} {v:.2f}" for k, v in growth.items())
        + " (below 1: the fixed costs of a build, such as reading the shapes and the first use of each library,"
        " are spread over more plans). Worse than linear (above 1.25, for a stage of more than 5 % of the build): "
        + (", ".join(worse) if worse else "none; the build is linear in the number of plans, within the noise")
        + "."
        + (
            f" ({' and '.join(small)} cost somewhat more per plan at factor {largest.name}; at under 5 % of the"
            " build this does not weigh, and on a shared machine it is close to the noise.)"
            if small
            else ""
        ),
    ]
    if largest.plans < 1000:
        load_per_plan = largest.stages["load"] / largest.plans
        memory_per_plan = (largest.build_peak_mib - base.build_peak_mib) / max(largest.plans - 1, 1)
        lines += [
            "",
            f"**1000 plans, extrapolated** from factor {largest.name}'s per-plan costs: build ≈"
            f" {per_plan * 1000 / 60:.0f} min ({per_plan:.2f} s a plan, of which validate"
            f" {largest.stages['validate'] / largest.plans:.2f} s)"
            + (f", a rebuild ≈ {rebuilt / largest.plans * 1000 / 60:.0f} min" if rebuilt else "")
            + f", oxigraph load ≈ {load_per_plan * 1000 / 60:.1f}"
            f" min, build peak memory ≈ {(base.build_peak_mib + memory_per_plan * 999) / 1024:.1f} GiB.",
        ]
    profiled = next((r for r in reversed(factors) if r.profile), None)
    if profiled and profiled.profile:
        profile = profiled.profile
        spent = profile["profiled"]
        top_packages = ", ".join(
            f"{p} {t / spent * 100:.0f} %" for p, t in profile["self_by_package"].items() if t / spent >= 0.01
        )
        sparql, constraints = profile["sparql_parse"], _sparql_constraints()
        if sparql["calls"] > 2 * constraints:
            parsing = (
                " pyshacl evaluates each SPARQL-based constraint of `shapes/` once per focus node by handing the"
                " query's text to rdflib's `Graph.query`, and rdflib parses that text anew each time (`parseQuery`,"
                f" pyparsing): {sparql['calls']:,} parses, {sparql['cumulative']:.0f} s,"
                f" {sparql['cumulative'] / profile['wall'] * 100:.0f} % of the profiled build, of the same"
                f" {constraints} query texts (the `sh:SPARQLConstraint`s of `shapes/`)."
            )
        else:
            parsing = (
                f" rdflib parsed SPARQL text {sparql['calls']:,} times ({sparql['cumulative']:.1f} s): each of the"
                f" {constraints} SPARQL constraints of `shapes/` is prepared once (hgkbp_ld.validate), not once per"
                " focus node."
            )
        lines += [
            "",
            f"**Profile** of the factor-{profiled.name} build (cProfile: {profile['wall']:.0f} s under the profiler"
            f" against {profiled.stages['total']:.0f} s without). Own time by package: {top_packages}.{parsing}"
            f" Top {TOP_FUNCTIONS} functions by cumulative time:",
            "",
            "| function | calls | own s | cumulative s | cumulative % of the build |",
            "|---|---:|---:|---:|---:|",
        ]
        for entry in profile["top"]:
            lines.append(
                f"| `{entry['function']}` | {entry['calls']:,} | {entry['self']:.1f} | {entry['cumulative']:.1f}"
                f" | {entry['cumulative'] / profile['wall'] * 100:.0f} |"
            )
    if any(r.virtuoso for r in factors):
        lines += [
            "",
            f"Remote store (`hgkbp-ld publish --store {store}`, timed as a process; the same queries by SPARQL"
            f" Protocol (form POST through hgkbp-ld's RemoteStore) to {store} with the published version's"
            " graphs as the dataset, as"
            f" `hgkbp-ld serve --store` sends them, median of {runs} runs after one warm-up):",
            "",
            "| factor | publish s | publish ÷ N·f1 | " + " | ".join(f"{q} ms" for q in queries) + " |",
            "|---|---:|---:|" + "---:|" * len(queries),
        ]
        for row in factors:
            if row.virtuoso:
                v = row.virtuoso
                base_publish = base.virtuoso["publish"] if base.virtuoso else 0
                medians = [v["queries"][q]["median_ms"] for q in queries]
                lines.append(
                    f"| {row.name} | {v['publish']:.2f} | {_ratio(v['publish'], row.plans * base_publish)} | "
                    + " | ".join(f"{m:.1f}" if m is not None else f"no answer in {v['timeout']:.0f} s" for m in medians)
                    + " |"
                )
    lines += [
        "",
        "Wall time of each factor in this run (generating the data, the measuring processes, the profile): "
        + ", ".join(f"{r.name}: {r.seconds / 60:.1f} min" for r in factors)
        + ".",
        "",
        f"![Build stages and oxigraph load against the number of plans, log-log]({PLOT.name})",
        "",
        f"Plot: [{PLOT.name}]({PLOT.name}) — seconds per stage against the number of plans (log-log), with"
        " the linear reference (factor 1's build × N).",
    ]
    return "\n".join(lines)


def plot(rows: list[Row], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "hgkbp-ld scale"  # the same picture gives the same bytes
    import matplotlib.pyplot as plt

    factors = rows[1:]
    plans = [r.plans for r in factors]
    figure, axes = plt.subplots(figsize=(7.5, 5))
    styles = {
        "parse": "o-",
        "map": "s-",
        "validate": "^-",
        "write": "v-",
        "render": "<-",
        "total": "D-",
        "rebuild": "P:",
        "load": "x-",
    }
    names = {"total": "build total (first build)", "rebuild": "rebuild (nothing changed)", "load": "oxigraph load"}
    for key, style in styles.items():
        axes.plot(plans, [max(r.stages[key], 1e-4) for r in factors], style, label=names.get(key, key))
    base = factors[0].stages["total"]
    axes.plot(plans, [base * n for n in plans], "k--", linewidth=1, label="linear (factor 1's build × N)")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(plans, [str(n) for n in plans])
    axes.set_xlabel("plans (the size of the real one)")
    axes.set_ylabel("seconds")
    axes.set_title("hgkbp-ld: cost against the number of plans")
    axes.grid(True, which="major", linewidth=0.4)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, format="svg", metadata={"Date": None})
    plt.close(figure)


def _factors(text: str) -> list[int]:
    try:
        factors = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected factors like 1,10,100, found '{text}'") from None
    if not factors or factors[0] < 1:
        raise argparse.ArgumentTypeError("factors are whole numbers of plans, 1 or more")
    return factors if factors[0] == 1 else [1, *factors]  # factor 1 is the baseline


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        _worker(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--factors",
        type=_factors,
        default=_factors("1,10,100,1000"),
        help="numbers of plans, comma-separated; 1 (the baseline) is always added (default 1,10,100,1000)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("/tmp/hgkbp-scale"),
        help="working folder for the data, builds and stores (default /tmp/hgkbp-scale)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic plans (default 1)")
    parser.add_argument(
        "--baseline-runs", type=int, default=3, help="measurements of factor 1; the median is the baseline (default 3)"
    )
    parser.add_argument("--jobs", type=int, default=None, help="the builds' --jobs (default: one per core)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query; the median is reported (default 5)")
    parser.add_argument(
        "--profile-factor",
        type=int,
        default=None,
        help="the factor whose build is profiled once more under cProfile (default: the largest; 0: none)",
    )
    parser.add_argument(
        "--virtuoso", metavar="URL", help="also publish to this store (its SPARQL query endpoint) and query it there"
    )
    parser.add_argument("--virtuoso-update", metavar="URL", help="its SPARQL Update endpoint, for publish --update")
    parser.add_argument("--virtuoso-graphs", metavar="URL", help="its Graph Store endpoint, for publish --graphs")
    parser.add_argument(
        "--virtuoso-timeout", type=float, default=120, help="seconds to wait for one query's answer (default 120)"
    )
    parser.add_argument(
        "--section",
        default="scale",
        help="the section of bench/RESULTS.md to write (default scale; another name keeps that one and the plot)",
    )
    parser.add_argument("--no-results", action="store_true", help="do not write bench/RESULTS.md and the plot")
    parser.add_argument(
        "--report", type=Path, metavar="JSON", help="only write the results again from a run's FOLDER/scale.json"
    )
    args = parser.parse_args()
    if args.report:
        meta, rows = load_saved(args.report)
    else:
        if args.profile_factor is None:
            args.profile_factor = args.factors[-1]
        if args.virtuoso:
            check_publish()
        meta = {
            "factors": args.factors,
            "seed": args.seed,
            "runs": args.runs,
            "jobs": args.jobs,
            "virtuoso": args.virtuoso,
            "machine": _machine(),
            "load_before": os.getloadavg()[0],
        }
        started = time.perf_counter()
        rows = run(args, meta)
        meta.update(load_after=os.getloadavg()[0], took=time.perf_counter() - started)
        save(args.out / "scale.json", meta, rows)
    text = report(rows, meta)
    print(text)
    if not args.no_results and args.section != "scale":  # a section of its own, beside the one before
        text = text.replace("## Scale: many plans (synthetic)", f"## Scale ({args.section})")
        write_section(args.section, text.split("\n![Build stages")[0])
        print(f"written: {RESULTS.relative_to(ROOT)} (section {args.section})")
    elif not args.no_results:
        plot(rows, PLOT)
        write_section("scale", text)
        print(f"written: {RESULTS.relative_to(ROOT)} (section scale), {PLOT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
