"""parse → map → validate → write → render `dist/`, all or nothing, plan by plan, only what changed.

Each plan is built on its own (`hgkbp_ld.plan_build`: parse, map, versions, validate, its four
dumps), in worker processes when there are several (`jobs`), and released before the next: the
build keeps only what each plan's catalogue entry and manifest need. A plan whose inputs did not
change since the build in `dist/` is taken from it (`hgkbp_ld.incremental`). Then the catalogue,
the manifest and the render stage, from the files written.

The new `dist/` is written to a temporary folder next to it and swapped in only when every file
is written; a failure at any step leaves the previous `dist/` untouched, and a new version is
recorded in `data/versions/` only then. Two builds of the same input give byte-identical files:
triples are written in a stable order and the only time in the data is the source's
(SOURCE_DATE_EPOCH, else the source file's last commit).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from rdflib import Graph, URIRef

from hgkbp_ld import __version__, incremental
from hgkbp_ld.catalogue import CATALOGUE_FILE, CatalogueConfig, catalogue_graph
from hgkbp_ld.incremental import CACHE, Cache, build_key, history_state, in_force, plan_key
from hgkbp_ld.iris import DEFAULT_BASE, Iris
from hgkbp_ld.mapping import Provenance, to_graph
from hgkbp_ld.model import ParsedPlan
from hgkbp_ld.parse import parse_file
from hgkbp_ld.plan_build import (
    PlanJob,
    PlanOutcome,
    add_versions,
    build_plan,
    parse_names,
    plan_entry,
    put,
    reuse,
)
from hgkbp_ld.published import SITE
from hgkbp_ld.rdfio import CONTEXT, serialise
from hgkbp_ld.registers import DATA_DIR, PlanConfig, Registers, load_plan_configs
from hgkbp_ld.render.plan_site import RenderContext, link_fragment, register_plans
from hgkbp_ld.render.stage import file_time, render
from hgkbp_ld.store.base import StoreError, read_manifest
from hgkbp_ld.swap import record_versions, swap_in
from hgkbp_ld.validate import ONTOLOGY, SHAPES, Report, validate_catalogue
from hgkbp_ld.versions import start_from

__all__ = ["BuildError", "BuildResult", "BuiltPlan", "ValidationFailed", "add_versions", "build", "build_graphs"]
T = TypeVar("T")
R = TypeVar("R")
PARALLEL_FROM = 2  # plans to build before worker processes are started (each costs its imports)


class BuildError(RuntimeError):
    """The build stopped; `dist/` is as it was. The message says why and what to do."""


class ValidationFailed(BuildError):
    def __init__(self, report: Report, profile: str = "the application profile") -> None:
        failed = [v for v in report.violations if v.severity == "Violation"]
        super().__init__(
            f"the graph does not conform to {profile} ({len(failed)} violations):\n"
            f"{Report(False, tuple(failed)).text()}"
        )
        self.report = report


@dataclass(frozen=True)
class BuiltPlan:
    config: PlanConfig
    parsed: ParsedPlan
    graph: Graph
    graph_name: URIRef  # the named graph of the plan in a store: its dataset IRI
    provenance: Provenance


@dataclass(frozen=True)
class BuildResult:
    out: Path
    plans: tuple[PlanOutcome, ...]  # what was built or taken from the last build, in the plans' order
    files: dict[str, str]  # file name -> sha256
    notes: tuple[str, ...]  # what the build reports besides the parse reports
    seconds: dict[str, float] = dataclasses.field(default_factory=dict)  # per stage (the plans': summed)


def _source_time(path: Path) -> dt.datetime:
    """SOURCE_DATE_EPOCH if set, else the last commit touching the file, else its mtime."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        try:
            done = subprocess.run(
                ["git", "log", "-1", "--format=%ct", "--", path.name],
                cwd=path.parent,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            epoch = done.stdout.strip() if done.returncode == 0 else ""
        except (OSError, subprocess.SubprocessError):
            epoch = ""
    seconds = int(epoch) if epoch.isdigit() else int(path.stat().st_mtime)
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def build_graphs(
    registers: Registers, configs: tuple[PlanConfig, ...], base: str, *, strict: bool = True
) -> tuple[BuiltPlan, ...]:
    """Parse every plan first, then map each: a plan that names another built plan calls it by the
    title that plan's own text gives (one title per plan in the union of the graphs)."""
    parsed_plans = []
    for config in configs:
        parsed = parse_file(config.source, registers=registers, identity=config.identity, strict=strict)
        if config.dataset_title is None:
            config = dataclasses.replace(config, dataset_title=f"{parsed.plan.title} als linked open data")
        parsed_plans.append((config, parsed))
    names = {config.slug: (parsed.plan.title, parsed.plan.abbreviation) for config, parsed in parsed_plans}
    built = []
    for config, parsed in parsed_plans:
        data = config.source.read_bytes()
        provenance = Provenance(
            source_name=config.source.name,
            source_sha256=hashlib.sha256(data).hexdigest(),
            generated_at=_source_time(config.source),
            tool_version=__version__,
        )
        graph = to_graph(parsed, registers, config, provenance, base=base, built=names)
        built.append(BuiltPlan(config, parsed, graph, Iris(base, config.slug).dataset(), provenance))
    return tuple(built)


def _catalogue(plans: tuple[PlanOutcome, ...], base: str, data_dir: Path, times: dict[str, dt.datetime]) -> Graph:
    """The catalogue of what was just written; it must pass DCAT-AP Vlaanderen 3 and EU DCAT-AP 3.0.1."""
    entries = [plan_entry(p, times[p.slug]) for p in plans]
    graph = catalogue_graph(CatalogueConfig.load(data_dir / "catalogue.toml"), entries, base)
    report = validate_catalogue(graph)
    if not report.conforms:
        raise ValidationFailed(report, f"DCAT-AP Vlaanderen 3 and DCAT-AP 3.0.1 ({CATALOGUE_FILE})")
    return graph


def _write(
    folder: Path, plans: tuple[PlanOutcome, ...], base: str, data_dir: Path, times: dict[str, dt.datetime]
) -> dict[str, str]:
    """The catalogue, the vocabulary, the shapes and the manifest, beside the plans' own files."""
    digests = {name: digest for plan in plans for name, digest in plan.files.items()}
    catalogue = _catalogue(plans, base, data_dir, times)
    files = {
        CATALOGUE_FILE: serialise(catalogue, "ttl"),
        "beleidsplan.ttl": ONTOLOGY.read_bytes(),
        "beleidsplan.context.jsonld": CONTEXT.read_bytes(),
        "beleidsplan-shapes.ttl": SHAPES.read_bytes(),
    }
    for name, body in files.items():
        digests[name] = put(folder / name, body)
    digests = dict(sorted(digests.items()))
    manifest = {
        "tool": f"hgkbp-ld {__version__}",
        "base": base,
        "plans": {
            p.slug: {"graph": str(Iris(base, p.slug).dataset()), "triples": p.triples, "actions": p.actions}
            for p in plans
        },
        "catalogue": {"graph": str(Iris(base, "").catalogue()), "file": CATALOGUE_FILE, "triples": len(catalogue)},
        "files": digests,
        "versions": {
            p.slug: [
                {"number": number, "timestamp": timestamp, "file": f"versies/{p.slug}/{number}.nt"}
                for number, timestamp in p.versions
            ]
            for p in sorted(plans, key=lambda p: p.slug)
        },
    }
    # The dataset's version, readable by anyone (nginx, caches): the hash of everything else in the
    # manifest, which names every file's hash. /sparql's ETags begin with it.
    manifest["dataset_version"] = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode("utf-8")).hexdigest()
    put(folder / "manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return digests


def _reporting(function: Callable[..., object], *args: object, **kwargs: object) -> list[str]:
    """`function`'s progress lines, collected (a worker process cannot call the build's `progress`)."""
    said: list[str] = []
    function(*args, progress=said.append, **kwargs)
    return said


def default_jobs() -> int:
    """Worker processes for the plans: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class _Runner:
    """Runs a function over items, in order: in worker processes (spawned, so that a worker starts
    clean) when there are several items and `jobs` > 1, else in this process."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None

    def map(self, function: Callable[[T], R], items: list[T]) -> list[R]:
        if self.jobs <= 1 or len(items) < PARALLEL_FROM:
            return [function(item) for item in items]
        if self.pool is None:
            self.pool = ProcessPoolExecutor(min(self.jobs, len(items)), mp_context=mp.get_context("spawn"))
        return list(self.pool.map(function, items))

    def last(
        self, function: Callable[..., object], *args: object, progress: Callable[[str], None], **kwargs: object
    ) -> None:
        """Run `function` (which reports through `progress`) in a worker process if there are any: the
        last stage then does not add its memory to what this process holds (the catalogue's validation)."""
        if self.pool is None:
            function(*args, progress=progress, **kwargs)
            return
        for line in self.pool.submit(_reporting, function, *args, **kwargs).result():
            progress(line)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def build(
    out: Path,
    *,
    base: str = DEFAULT_BASE,
    data_dir: Path = DATA_DIR,
    versions_dir: Path | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda _message: None,
    strict: bool = True,
    jobs: int | None = None,
) -> BuildResult:
    """Build every plan of `data_dir` into `out`, rendered (`today`: the day the pages speak of, e.g.
    who holds a portfolio; default the day of the build). Plans whose inputs did not change since the
    build in `out` are taken from it (`hgkbp_ld.incremental`); the others are built plan by plan, in
    `jobs` processes (default: one per core). Versions are read from and recorded in `versions_dir`
    (default `data_dir`/versions), which starts from `data_dir`'s recorded versions."""
    Registers.load(data_dir)  # a malformed register stops the build before anything runs
    configs = load_plan_configs(data_dir / "plans")
    versions_dir = versions_dir or data_dir / "versions"
    for config in configs:
        start_from(versions_dir / config.slug, data_dir / "versions" / config.slug)
    today = today or dt.date.today()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    for prefix in (".new-", ".versions-", ".old-"):  # left by a build that was killed (one build at a time)
        for stale in out.parent.glob(f".{out.name}{prefix}*"):
            shutil.rmtree(stale, ignore_errors=True)
    cache = Cache.load(out)
    shared = incremental.registers(data_dir)
    inputs = {c.slug: incremental.plan_inputs(c, shared, strict) for c in configs}
    names = {c.slug: known for c in configs if (known := cache.names(c.slug, inputs[c.slug])) is not None}
    runner = _Runner(jobs or default_jobs())
    temporary = staging = None
    swapped = False
    try:
        unnamed = [c for c in configs if c.slug not in names]
        if unnamed:
            progress(f"parsing {len(unnamed)} plan(s) for their titles")
        found = runner.map(partial(parse_names, data_dir=data_dir, strict=strict), unnamed)
        names.update({c.slug: title for c, title in zip(unnamed, found, strict=True)})
        times = {c.slug: _source_time(c.source) for c in configs}
        day = in_force(data_dir, today)  # what a plan's pages take from the day: who holds which portfolio
        keys = {
            c.slug: plan_key(
                inputs[c.slug], names, base, times[c.slug], history_state(data_dir, c.slug, versions_dir), day
            )
            for c in configs
        }
        key = build_key(keys, shared, base, today, data_dir)
        if key == cache.build and _intact(out):
            hits = [cache.hit(c, keys[c.slug]) for c in configs]
            if all(hit is not None for hit in hits):
                progress(f"nothing changed since the last build: {out} is up to date")
                return BuildResult(out, tuple(h for h in hits if h is not None), read_manifest(out)[0]["files"], ())
        temporary = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        temporary.chmod(0o755)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.versions-", dir=out.parent))
        outcomes: dict[str, PlanOutcome] = {}
        todo = []
        previous = (out / SITE).resolve() if (out / SITE).is_dir() else None
        site = temporary / ".site"
        context = RenderContext(
            site,
            previous,
            file_time(previous),
            today,
            len(configs),
            *register_plans(names, Registers.load(data_dir), base),
        )
        where = {
            "out": out,
            "temporary": temporary,
            "data_dir": data_dir,
            "versions": versions_dir,
            "previous": previous,
        }
        hits = {c.slug: hit for c in configs if (hit := cache.hit(c, keys[c.slug])) is not None}
        with ThreadPoolExecutor(4, thread_name_prefix="hgkbp-reuse") as linking:  # waits on the disk, not the CPU
            taken = dict(zip(hits, linking.map(partial(_reuse, **where), hits.values()), strict=True))
        for config in configs:
            if taken.get(config.slug):
                outcomes[config.slug] = hits[config.slug]
            else:
                todo.append(
                    PlanJob(
                        config,
                        data_dir,
                        base,
                        strict,
                        names,
                        times[config.slug],
                        temporary,
                        staging,
                        cache.validated(config.slug),
                        versions_dir,
                        context,
                    )
                )
        progress(
            f"parsing, mapping, validating and writing {len(todo)} plan(s) against shapes/"
            f" ({len(outcomes)} unchanged, taken from the last build)"
        )
        started = time.perf_counter()
        for outcome in runner.map(build_plan, todo):
            outcomes[outcome.slug] = outcome
        seconds = {"plans": time.perf_counter() - started}
        for outcome in outcomes.values():
            for stage, spent in outcome.seconds.items():
                seconds[stage] = seconds.get(stage, 0.0) + spent
        plans = tuple(outcomes[c.slug] for c in configs)
        for plan in plans:
            if plan.failed is not None:
                raise ValidationFailed(plan.failed, "the plan's profile and the OSLO Mandatendatabank rules it applies")
        notes = _notes(plans, base, data_dir, progress)
        progress(f"writing {out}")
        started = time.perf_counter()
        files = _write(temporary, plans, base, data_dir, times)
        seconds["write"] = time.perf_counter() - started
        runner.last(
            render,
            temporary,
            base,
            today,
            previous=previous,
            progress=progress,
            fragments=tuple(c.slug for c in configs),
            site=site,
            started=context.started,
            day=day,
        )
        seconds["site"] = time.perf_counter() - started - seconds["write"]
        after = {p.slug: plan_key(inputs[p.slug], names, base, times[p.slug], p.history, day) for p in plans}
        for plan in plans:
            cache.record(plan, inputs[plan.slug], after[plan.slug])
        cache.write(temporary, build_key(after, shared, base, today, data_dir))
        swap_in(temporary, out)
        swapped = True
    except OSError as error:  # a full disk, a read-only folder ...
        raise BuildError(
            f"writing {out} failed ({error.strerror or error}); free space or fix the folder and build again"
        ) from error
    finally:
        runner.close()
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
        if staging is not None and not swapped:  # a failed build makes no version
            shutil.rmtree(staging, ignore_errors=True)
    try:  # only now: a build that fails makes no version
        record_versions(staging, versions_dir)
    except OSError as error:
        raise BuildError(
            f"{out} was written, but the new version could not be recorded in {versions_dir} "
            f"({error.strerror or error}); fix the folder (or choose another with --versions) and build again"
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(out, plans, files, tuple(notes), seconds)


def _reuse(hit: PlanOutcome, out: Path, temporary: Path, data_dir: Path, versions: Path, previous: Path | None) -> bool:
    """An unchanged plan's files, its rendered pages included, taken from the last build (or False)."""
    if previous is None or not reuse(hit, out, temporary, data_dir, versions):
        return False
    # Its dumps are linked now; if its pages cannot be, it is built again (and its files written anew,
    # never through a link: plan_build.put)
    return link_fragment(out / CACHE, previous, temporary / CACHE, temporary / ".site", hit.slug)


def _intact(out: Path) -> bool:
    """Whether `out` still holds the build its manifest describes: every file, and the rendered site."""
    try:
        files = read_manifest(out)[0]["files"]
    except (StoreError, ValueError, KeyError):
        return False
    return (out / SITE / "index.json").is_file() and all((out / name).is_file() for name in files)


def _notes(plans: tuple[PlanOutcome, ...], base: str, data_dir: Path, progress: Callable[[str], None]) -> list[str]:
    """What the build says about the plans: new versions, plans of the register, unheld portfolios."""
    registers = Registers.load(data_dir)
    notes = []
    for plan in plans:
        if plan.new_version is not None:
            progress(f"{plan.slug}: the data changed, this is version {plan.new_version}")
        entry = registers.plans.matching(plan.title, plan.abbreviation)
        if entry is not None and entry.slug != plan.slug:
            progress(
                f"{plan.slug}: is '{entry.title}' of data/plans.csv: {Iris(base, entry.slug).plan()} "
                f"owl:sameAs {Iris(base, plan.slug).plan()} (both directions, in this plan's graph)"
            )
        notes.extend(f"{plan.slug}: portfolio '{slug}' has no minister in data/ministers.csv" for slug in plan.unheld)
    return notes
