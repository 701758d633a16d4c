"""One plan on its own, from its text to its written dumps: parse → map → versions → validate → write.

The build (`hgkbp_ld.build`) runs `build_plan` for every plan whose inputs changed, in worker
processes when there are several (`Settings.jobs`), and keeps only the small `PlanOutcome` each
returns: a plan's graph lives only while that plan is built, then its four dumps and its version
snapshots are on disk and the graph is released. A new version is staged beside the new `dist/`
and recorded in `data/versions/` only when the whole build succeeded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import pickle
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from hgkbp_ld import __version__
from hgkbp_ld.catalogue import CATALOGUE_FILE, DCAT_VERSION, CatalogueConfig, PlanEntry, catalogue_graph
from hgkbp_ld.durable import Syncs, put
from hgkbp_ld.iris import Iris
from hgkbp_ld.mapping import Provenance, to_triples
from hgkbp_ld.model import ParsedPlan, ReportEntry
from hgkbp_ld.parse import parse_file
from hgkbp_ld.rdfio import FORMATS, serialise_all
from hgkbp_ld.registers import PlanConfig, Registers
from hgkbp_ld.triples import Triples
from hgkbp_ld.validate import Report, validate
from hgkbp_ld.versions import History

if TYPE_CHECKING:
    from hgkbp_ld.render.plan_facts import PlanFacts
    from hgkbp_ld.render.plan_site import RenderContext

Names = dict[str, tuple[str | None, str | None]]  # slug -> the title and abbreviation its own text gives


@dataclass(frozen=True)
class PlanJob:
    config: PlanConfig
    data_dir: Path
    base: str
    strict: bool
    names: Names
    generated_at: dt.datetime  # the provenance's time (SOURCE_DATE_EPOCH, else the source's last commit)
    folder: Path  # the new dist/ being written
    staging: Path  # where a new version waits for the build to succeed
    validated_nt: str | None = None  # the N-Triples (sha256) the last build validated with these shapes
    versions: Path | None = None  # where the plan's versions are recorded (default data_dir/versions)
    render: RenderContext | None = None  # render the plan's pages too (hgkbp_ld.render.plan_site)
    parsed: Path | None = None  # where `parse_names` kept the plans it parsed (read instead of parsing again)


@dataclass(frozen=True)
class PlanOutcome:
    """What the build keeps of a plan once it is written (and what the cache records of it)."""

    config: PlanConfig
    title: str | None
    abbreviation: str | None
    start_year: int | None
    end_year: int | None
    actions: int
    triples: int
    report: tuple[ReportEntry, ...]
    version: str | None  # dcat:version: the number of the latest version
    versions: tuple[tuple[int, str], ...]  # (number, timestamp) of every version
    new_version: int | None  # the version this build makes, if the data changed
    unheld: tuple[str, ...]  # portfolios an action names that no minister holds
    files: dict[str, str] = field(default_factory=dict)  # file in dist/ -> sha256 (dumps, snapshots)
    sizes: dict[str, int] = field(default_factory=dict)  # the dumps' sizes
    nt: str = ""  # sha256 of the plan's N-Triples
    history: str = ""  # sha256 of versies.csv after this build
    failed: Report | None = None  # the SHACL report when the plan does not conform
    validated: bool = True  # False: the same triples as the last build's, its validation reused
    reused: bool = False  # True: nothing was parsed, the last build's files were taken
    seconds: dict[str, float] = field(default_factory=dict, compare=False)  # per stage (not recorded)

    @property
    def slug(self) -> str:
        return self.config.slug

    def record(self) -> dict:
        """As JSON for the cache (the config is read again from the toml)."""
        data = dataclasses.asdict(self)
        for key in ("config", "failed", "validated", "reused", "seconds"):
            data.pop(key)
        return data

    @classmethod
    def recorded(cls, config: PlanConfig, data: dict) -> PlanOutcome:
        if config.dataset_title is None:
            config = dataclasses.replace(config, dataset_title=f"{data['title']} als linked open data")
        return cls(
            config=config,
            **{
                **data,
                "report": tuple(ReportEntry(**r) for r in data["report"]),
                "versions": tuple((int(n), str(t)) for n, t in data["versions"]),
                "unheld": tuple(data["unheld"]),
                "new_version": None,
            },
            validated=False,
            reused=True,
        )


@lru_cache(maxsize=2)
def _registers(data_dir: Path) -> Registers:
    """The registers, read once per process (a worker builds many plans)."""
    return Registers.load(data_dir)


def parse_names(
    config: PlanConfig, data_dir: Path, strict: bool, keep: Path | None = None
) -> tuple[str | None, str | None]:
    """The title and abbreviation a plan's own text gives (other plans call it so). `keep`: a folder
    where the parsed plan is left for `build_plan` (`PlanJob.parsed`), which then does not parse the
    text a second time (a plan's parse is ~60 ms, reading it back ~1 ms)."""
    parsed = parse_file(config.source, registers=_registers(data_dir), identity=config.identity, strict=strict)
    if keep is not None:
        key = _parse_key(config, strict, hashlib.sha256(config.source.read_bytes()).hexdigest())
        kept = keep / f"{config.slug}.pickle"
        kept.write_bytes(pickle.dumps((key, parsed), protocol=pickle.HIGHEST_PROTOCOL))
    return parsed.plan.title, parsed.plan.abbreviation


def _parse_key(config: PlanConfig, strict: bool, source_sha256: str) -> tuple:
    """What a plan's parse depends on besides the registers (the same for the whole build)."""
    return (source_sha256, config.identity, strict)


def _parsed(job: PlanJob, source_sha256: str) -> ParsedPlan | None:
    """The plan as `parse_names` parsed it in this build, if it kept it and the text is still the same."""
    if job.parsed is None:
        return None
    try:
        key, parsed = pickle.loads((job.parsed / f"{job.config.slug}.pickle").read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        return None
    return parsed if key == _parse_key(job.config, job.strict, source_sha256) else None


def build_plan(job: PlanJob) -> PlanOutcome:
    """Parse, map, version, validate and write one plan into `job.folder`."""
    try:
        return _build(job)
    finally:
        _settle_heap()


_settled: list[bool] = []  # once per process: whether `_settle_heap` froze what the first plan loaded


def _settle_heap() -> None:
    """After a process's first plan, what it loaded to build one (the modules, the registers, the
    compiled shapes, the templates, the caches: some million objects that stay) is moved out of the
    cycle collector's sight (`gc.freeze`), garbage collected first. The collector scanned all of it
    again at every full collection: ~0.1 s of a synthetic plan's ~0.75 s of CPU in its worker, half
    of that after the freeze. An object frozen is still freed when its count drops to zero; only a
    cycle among frozen objects that later becomes garbage would stay (the collection before the
    freeze leaves none of the first plan's).

    Then the youngest generation is collected every 50,000 allocations instead of 700 (the collector's
    default, made for small programs): a plan allocates millions of short-lived objects, nearly all
    freed by their count, and the frequent collections cost a few per cent of a worker's CPU (bench/RESULTS.md,
    section coordinator-s8) without freeing more; a worker's peak stayed the same."""
    if not _settled:
        _settled.append(True)
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 20, 100)


def _build(job: PlanJob) -> PlanOutcome:
    clock = _Clock()
    registers = _registers(job.data_dir)
    config = job.config
    try:
        source_sha256: str | None = hashlib.sha256(config.source.read_bytes()).hexdigest()
    except OSError:
        source_sha256 = None  # parse_file says what is wrong with the file
    parsed = _parsed(job, source_sha256) if source_sha256 is not None else None
    if parsed is None:
        parsed = parse_file(config.source, registers=registers, identity=config.identity, strict=job.strict)
    if config.dataset_title is None:
        config = dataclasses.replace(config, dataset_title=f"{parsed.plan.title} als linked open data")
    provenance = Provenance(
        source_name=config.source.name,
        source_sha256=source_sha256 or hashlib.sha256(config.source.read_bytes()).hexdigest(),
        generated_at=job.generated_at,
        tool_version=__version__,
    )
    clock.lap("parse")
    graph = to_triples(parsed, registers, config, provenance, base=job.base, built=job.names)
    name = Iris(job.base, config.slug).dataset()
    clock.lap("map")
    history = History.load((job.versions or job.data_dir / "versions") / config.slug, job.base)
    new = history.propose(graph)
    add_versions(graph, name, history, job.base, config.slug)
    clock.lap("versions")
    written = serialise_all(graph, tuple(FORMATS))
    clock.lap("dumps")
    nt = hashlib.sha256(written["nt"]).hexdigest()
    used = {r.slug for a in parsed.actions for r in (*a.responsible, *a.collaborators)}
    held = {slug for m in registers.mandates for slug in m.portfolios}
    outcome = PlanOutcome(
        config=config,
        title=parsed.plan.title,
        abbreviation=parsed.plan.abbreviation,
        start_year=parsed.plan.start_year,
        end_year=parsed.plan.end_year,
        actions=len(parsed.actions),
        triples=len(graph),
        report=parsed.report,
        version=str(graph.value(name, DCAT_VERSION) or "") or None,
        versions=tuple((v.number, v.timestamp.isoformat()) for v in history.versions),
        new_version=new.number if new is not None else None,
        unheld=tuple(sorted(used - held)),
        nt=nt,
        history=_history_after(history, new is not None),
        validated=nt != job.validated_nt,
    )
    if outcome.validated:
        report = validate(graph, ntriples=written["nt"])  # read from its dump by pyshacl-turbo
        clock.lap("validate")
        if not report.conforms:
            return dataclasses.replace(outcome, failed=report, seconds=clock.seconds)
    facts = _facts(graph, job.base, config.slug) if job.render is not None else None
    del graph  # the plan is in its dumps now
    files, sizes = {}, {}
    syncs = Syncs()
    try:
        for fmt, body in written.items():
            files[f"{config.slug}.{fmt}"] = put(job.folder / f"{config.slug}.{fmt}", body, syncs)
            sizes[fmt] = len(body)
        for version in history.versions:  # every version's snapshot, for the pages and the event stream
            relative = f"versies/{config.slug}/{version.number}.nt"
            files[relative] = put(job.folder / relative, history.snapshot(version.number), syncs)
        syncs.start()  # on disk while the pages are rendered, not before
        history.save(job.staging / config.slug)  # only a new version; recorded when the build succeeds
        clock.lap("dumps")
        outcome = dataclasses.replace(outcome, files=files, sizes=sizes)
        if job.render is not None:
            _render(job, outcome, facts)
            clock.lap("render")
    except BaseException:
        syncs.finish(quiet=True)  # the first error is the one to tell
        raise
    syncs.finish()
    return dataclasses.replace(outcome, seconds=clock.seconds)


def _facts(graph: Triples, base: str, slug: str) -> PlanFacts:
    """What the plan's summary says of its graph (`render.plan_facts`: its contributions, mentions,
    things, statistics), from the graph just built: the statements the plan's store would hold in the
    plan's graph, not read back."""
    from hgkbp_ld.render.plan_facts import plan_facts  # the render's, only where pages are made

    return plan_facts(graph, base, slug)


def _render(job: PlanJob, outcome: PlanOutcome, facts: PlanFacts | None = None) -> None:
    """The plan's pages, past versions and event stream, from the files just written (plan_site);
    `facts`: what the plan's summary says of its graph, if the build made them."""
    from hgkbp_ld.render.plan_site import render_built_plan  # the templates, only where pages are made

    assert job.render is not None
    catalogue = CatalogueConfig.load(job.data_dir / "catalogue.toml")
    graph = catalogue_graph(catalogue, [plan_entry(outcome, job.generated_at)], job.base)
    for plan, title in job.render.titles.items():  # loaded with the catalogue: what other plans' graphs say
        graph.add((URIRef(plan), DCTERMS.title, Literal(title, lang="nl")))
    render_built_plan(
        job.folder,
        outcome.slug,
        job.base,
        graph,
        plan_manifest(outcome, job.base, len(graph)),
        job.render,
        facts=facts,
    )


def plan_entry(plan: PlanOutcome, modified: dt.datetime) -> PlanEntry:
    """The plan's entry of the catalogue."""
    return PlanEntry(
        slug=plan.slug,
        title=plan.title or plan.slug,
        dataset_title=plan.config.dataset_title or plan.slug,
        license=plan.config.license,
        start_year=plan.start_year,
        end_year=plan.end_year,
        modified=modified,
        version=plan.version,
        files={ext: (plan.sizes[ext], plan.files[f"{plan.slug}.{ext}"]) for ext in FORMATS},
    )


def plan_manifest(plan: PlanOutcome, base: str, catalogue_triples: int) -> dict:
    """The plan's part of the build's manifest (`hgkbp_ld.build`), with a catalogue of its own entry."""
    return {
        "base": base,
        "plans": {
            plan.slug: {"graph": str(Iris(base, plan.slug).dataset()), "triples": plan.triples, "actions": plan.actions}
        },
        "catalogue": {"graph": str(Iris(base, "").catalogue()), "file": CATALOGUE_FILE, "triples": catalogue_triples},
        "files": dict(sorted(plan.files.items())),
        "versions": {
            plan.slug: [
                {"number": number, "timestamp": timestamp, "file": f"versies/{plan.slug}/{number}.nt"}
                for number, timestamp in plan.versions
            ]
        },
    }


class _Clock:
    """Seconds per stage of one plan's build (summed by the build, reported by bench/scale.py)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self.last
        self.last = now


def _history_after(history: History, changed: bool) -> str:
    """The sha256 of the plan's versies.csv once this build is recorded (the cache's key of the next)."""
    if changed:
        return hashlib.sha256(history.index_bytes()).hexdigest()
    index = history.folder / "versies.csv"
    return hashlib.sha256(index.read_bytes()).hexdigest() if index.exists() else ""


def add_versions(graph: Graph | Triples, dataset: URIRef, history: History, base: str, slug: str) -> None:
    """The dataset's versions (dct:hasVersion), each with its number and time; the dataset's own
    version (dcat:version) is the number of its latest version."""
    if history.versions:
        graph.add((dataset, DCAT_VERSION, Literal(str(history.versions[-1].number))))
    for version in history.versions:
        node = Iris(base, slug).version(version.number)
        graph.add((dataset, DCTERMS.hasVersion, node))
        graph.add((node, DCTERMS.isVersionOf, dataset))
        graph.add((node, DCAT_VERSION, Literal(str(version.number))))
        graph.add(
            (node, DCTERMS.issued, Literal(version.timestamp.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime))
        )
        graph.add((node, RDFS.label, Literal(f"Versie {version.number}", lang="nl")))
