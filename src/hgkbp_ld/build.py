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
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from hgkbp_ld import incremental, manifest
from hgkbp_ld.failures import BuildError, ValidationFailed
from hgkbp_ld.graphs import BuiltPlan, build_graphs, source_time
from hgkbp_ld.incremental import CACHE, Cache, build_key, history_state, in_force, plan_key
from hgkbp_ld.iris import DEFAULT_BASE, Iris
from hgkbp_ld.plan_build import PlanJob, PlanOutcome, add_versions, build_plan, parse_names, reuse
from hgkbp_ld.published import SITE
from hgkbp_ld.registers import DATA_DIR, PlanConfig, Registers, load_plan_configs
from hgkbp_ld.render.plan_site import RenderContext, link_fragment, register_plans
from hgkbp_ld.render.stage import file_time, render
from hgkbp_ld.runner import Runner, default_jobs
from hgkbp_ld.store.base import StoreError, read_manifest
from hgkbp_ld.swap import record_versions, swap_in
from hgkbp_ld.versions import start_from

__all__ = [
    "BuildError",
    "BuildResult",
    "BuiltPlan",
    "ValidationFailed",
    "add_versions",
    "build",
    "build_graphs",
    "default_jobs",
]


@dataclass(frozen=True)
class BuildResult:
    out: Path
    plans: tuple[PlanOutcome, ...]  # what was built or taken from the last build, in the plans' order
    files: dict[str, str]  # file name -> sha256
    notes: tuple[str, ...]  # what the build reports besides the parse reports
    seconds: dict[str, float] = dataclasses.field(default_factory=dict)  # per stage (the plans': summed)


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
    for prefix in (".new-", ".versions-", ".old-", ".parsed-"):  # left by a build that was killed (one build at a time)
        for stale in out.parent.glob(f".{out.name}{prefix}*"):
            shutil.rmtree(stale, ignore_errors=True)
    cache = Cache.load(out)
    shared = incremental.registers(data_dir)
    inputs = {c.slug: incremental.plan_inputs(c, shared, strict) for c in configs}
    names = {c.slug: known for c in configs if (known := cache.names(c.slug, inputs[c.slug])) is not None}
    runner = Runner(jobs or default_jobs())
    temporary = staging = parsed = None
    swapped = False
    try:
        unnamed = [c for c in configs if c.slug not in names]
        if unnamed:
            progress(f"parsing {len(unnamed)} plan(s) for their titles")
            # each parsed plan is kept there for its build (plan_build.PlanJob.parsed): parsed once, not twice
            parsed = Path(tempfile.mkdtemp(prefix=f".{out.name}.parsed-", dir=out.parent))
        found = runner.map(partial(parse_names, data_dir=data_dir, strict=strict, keep=parsed), unnamed)
        names.update({c.slug: title for c, title in zip(unnamed, found, strict=True)})
        times = {c.slug: source_time(c.source) for c in configs}
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

        def job(config: PlanConfig) -> PlanJob:
            slug = config.slug
            return PlanJob(
                config, data_dir, base, strict, names, times[slug], temporary, staging,
                cache.validated(slug), versions_dir, context, parsed,
            )  # fmt: skip

        # The unchanged plans' files first (~340,000 links at 100 plans). Not beside the changed plans'
        # build in this process: the linking threads and the build then wait on each other for the GIL
        # (measured at 100 plans: the plan's pages took 5.7 s instead of 1.1 s, the whole no faster)
        with ThreadPoolExecutor(4, thread_name_prefix="hgkbp-reuse") as linking:  # waits on the disk, not the CPU
            taken = dict(zip(hits, linking.map(partial(_reuse, **where), hits.values()), strict=True))
        outcomes.update({slug: hits[slug] for slug, done in taken.items() if done})
        todo = [job(c) for c in configs if c.slug not in outcomes]
        progress(
            f"parsing, mapping, validating and writing {len(todo)} plan(s) against shapes/"
            f" ({len(outcomes)} unchanged, taken from the last build)"
        )
        started = time.perf_counter()
        _build_plans(runner, todo, outcomes, progress)
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

        def write() -> dict[str, str]:  # while the last stage loads the plans into its store
            written = manifest.write(temporary, plans, base, data_dir, times)
            seconds["write"] = time.perf_counter() - started
            return written

        files = runner.last(
            render,
            temporary,
            base,
            today,
            previous=previous,
            progress=progress,
            before=write,
            fragments=tuple(c.slug for c in configs),
            site=site,
            started=context.started,
            day=day,
            jobs=runner.jobs,
            plans={p.slug: {"graph": str(Iris(base, p.slug).dataset()), "triples": p.triples} for p in plans},
        )
        assert files is not None
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
        for made in (temporary, parsed):
            if made is not None:
                shutil.rmtree(made, ignore_errors=True)
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


def _build_plans(
    runner: Runner, todo: list[PlanJob], outcomes: dict[str, PlanOutcome], progress: Callable[[str], None]
) -> None:
    """Build the plans of `todo` (in worker processes if several), saying how far it got."""
    started = time.perf_counter()
    for done, outcome in enumerate(runner.map(build_plan, todo), 1):
        outcomes[outcome.slug] = outcome
        if said := _how_far(done, len(todo), time.perf_counter() - started):
            progress(said)


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


PROGRESS_FROM = 10  # plans to build from which the build says how far it got, about every tenth of them


def _how_far(done: int, total: int, seconds: float) -> str | None:
    """A line on how far the plans' phase got, at about every tenth of a long one: how many plans are
    built, how long it took and about how long the rest will take at that pace."""
    if total < PROGRESS_FROM or (done % max(1, total // 10) and done != total):
        return None
    left = seconds / done * (total - done)
    return f"  {done} of {total} plan(s) built in {seconds:.0f} s" + (f", about {left:.0f} s to go" if left else "")


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
