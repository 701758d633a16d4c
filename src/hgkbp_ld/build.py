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
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from hgkbp_ld import incremental, manifest
from hgkbp_ld.failures import BuildError, ValidationFailed
from hgkbp_ld.graphs import BuiltPlan, build_graphs, source_time
from hgkbp_ld.incremental import CACHE, Cache, build_key, history_state, in_force, plan_key
from hgkbp_ld.iris import DEFAULT_BASE, Iris
from hgkbp_ld.linking import Linking, Take
from hgkbp_ld.plan_build import PlanJob, PlanOutcome, add_versions, build_plan, parse_names
from hgkbp_ld.published import SITE, part_name
from hgkbp_ld.registers import DATA_DIR, PlanConfig, Registers, load_plan_configs
from hgkbp_ld.render.actions import texts_name
from hgkbp_ld.render.plan_site import FRAGMENTS, RenderContext, fragment_paths, kept, register_plans
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
    temporary = staging = parsed = check = None
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

        # The unchanged plans' files (~340,000 links at 100 plans) are taken by a process of their own
        # while the changed plans are built (`hgkbp_ld.linking`); a plan that cannot be taken is built after
        takes = {slug: _take(hit, **where) for slug, hit in hits.items()} if previous is not None else {}
        linking = Linking(list(takes.values()), beside=runner.jobs > 1)
        todo = [job(c) for c in configs if c.slug not in takes]
        progress(
            f"parsing, mapping, validating and writing {len(todo)} plan(s) against shapes/"
            f" ({len(takes)} unchanged, taken from the last build)"
        )
        started = time.perf_counter()
        try:
            _build_plans(runner, todo, outcomes, progress)
            taken = linking.wait()
        finally:
            linking.stop()
        outcomes.update({slug: hits[slug] for slug, done in zip(takes, taken, strict=True) if done})
        again = [job(c) for c in configs if c.slug not in outcomes]
        if again:
            progress(f"{len(again)} plan(s) could not be taken from the last build: built again")
            _build_plans(runner, again, outcomes, progress)
        seconds = {"plans": time.perf_counter() - started}
        # on several cores the catalogue is validated beside the last stage, in a process started now (not
        # with the build: its start would take a core from the plans' build and the linking), which loads
        # the profiles while the catalogue is made: `manifest.CatalogueCheck`
        check = manifest.CatalogueCheck() if runner.jobs > 1 else None
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
            written = manifest.write(temporary, plans, base, data_dir, times, check)
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
            plans=manifest.plan_graphs(plans, base),  # what the stage's process may load while `write` runs
        )
        assert files is not None
        seconds["site"] = time.perf_counter() - started - seconds["write"]
        if check is not None:
            check.wait()  # the catalogue conforms, or the build stops here: dist/ as it was
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
        if check is not None:
            check.stop()
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


def _take(hit: PlanOutcome, out: Path, temporary: Path, versions: Path, previous: Path) -> Take:
    """What `linking.take` takes of an unchanged plan: its dumps from the last dist/, its snapshots from
    data/versions/, its pages, its part of the index and its fragment from the last build's site and cache."""
    slug, cache = hit.slug, temporary / CACHE
    files = {
        relative: [
            str(versions / relative.removeprefix("versies/") if relative.startswith("versies/") else out / relative),
            digest,
        ]
        for relative, digest in hit.files.items()
    }
    fragments = zip(fragment_paths(out / CACHE, slug), fragment_paths(cache, slug), strict=True)
    copies = [[str(source), str(target), "required"] for source, target in fragments]
    texts = texts_name(slug)  # its actions' searchable texts (`render.actions.StreamedIndex`), if it has them
    copies.append([str(out / CACHE / FRAGMENTS / texts), str(cache / FRAGMENTS / texts), "optional"])
    return Take(
        slug=slug,
        files=files,
        folder=str(temporary),
        before=str(previous),
        after=str(temporary / ".site"),
        part=part_name(slug),
        aside=str(kept(out / CACHE, slug)),
        copies=copies,
    )


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
