"""parse → map → validate → write `dist/`, all or nothing.

The new `dist/` is written to a temporary folder next to it and swapped in only when every file
is written; a failure at any step leaves the previous `dist/` untouched. Two builds of the same
input give byte-identical files: triples are written in a stable order and the only time in the
data is the source's (SOURCE_DATE_EPOCH, else the source file's last commit).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from hgkbp_ld import __version__
from hgkbp_ld.catalogue import DCAT_VERSION, CatalogueConfig, PlanEntry, catalogue_graph
from hgkbp_ld.iris import DEFAULT_BASE, Iris
from hgkbp_ld.mapping import Provenance, to_graph
from hgkbp_ld.model import ParsedPlan
from hgkbp_ld.parse import parse_file
from hgkbp_ld.published import SITE
from hgkbp_ld.rdfio import CONTEXT, FORMATS, serialise
from hgkbp_ld.registers import DATA_DIR, PlanConfig, Registers, load_plan_configs
from hgkbp_ld.render.stage import render
from hgkbp_ld.validate import ONTOLOGY, SHAPES, Report, validate, validate_catalogue
from hgkbp_ld.versions import History, start_from

CATALOGUE_FILE = "catalogus.ttl"


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
    plans: tuple[BuiltPlan, ...]
    files: dict[str, str]  # file name -> sha256
    notes: tuple[str, ...]  # what the build reports besides the parse reports


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


def unheld_portfolios(plan: BuiltPlan, registers: Registers) -> list[str]:
    """Portfolios that an action names but that no minister of the register holds on any day."""
    used = {r.slug for a in plan.parsed.actions for r in (*a.responsible, *a.collaborators)}
    held = {slug for m in registers.mandates for slug in m.portfolios}
    return sorted(used - held)


def _catalogue(plans: tuple[BuiltPlan, ...], files: dict[str, bytes], base: str, data_dir: Path) -> Graph:
    """The catalogue of what was just written; it must pass DCAT-AP Vlaanderen 3 and EU DCAT-AP 3.0.1."""
    entries = [
        PlanEntry(
            slug=p.config.slug,
            title=p.parsed.plan.title or p.config.slug,
            dataset_title=p.config.dataset_title or p.config.slug,
            license=p.config.license,
            start_year=p.parsed.plan.start_year,
            end_year=p.parsed.plan.end_year,
            modified=p.provenance.generated_at,
            version=str(p.graph.value(p.graph_name, DCAT_VERSION) or "") or None,
            files={
                ext: (len(files[f"{p.config.slug}.{ext}"]), hashlib.sha256(files[f"{p.config.slug}.{ext}"]).hexdigest())
                for ext in FORMATS
            },
        )
        for p in plans
    ]
    graph = catalogue_graph(CatalogueConfig.load(data_dir / "catalogue.toml"), entries, base)
    report = validate_catalogue(graph)
    if not report.conforms:
        raise ValidationFailed(report, f"DCAT-AP Vlaanderen 3 and DCAT-AP 3.0.1 ({CATALOGUE_FILE})")
    return graph


def _write(
    folder: Path, plans: tuple[BuiltPlan, ...], base: str, data_dir: Path, histories: dict[str, History]
) -> dict[str, str]:
    files: dict[str, bytes] = {}
    versions: dict[str, list[dict[str, object]]] = {}
    for slug, history in sorted(histories.items()):  # every version's snapshot, for pages and the LDES
        versions[slug] = []
        for version in history.versions:
            name = f"versies/{slug}/{version.number}.nt"
            files[name] = history.snapshot(version.number)
            versions[slug].append({"number": version.number, "timestamp": version.timestamp.isoformat(), "file": name})
    for plan in plans:
        for fmt in FORMATS:
            files[f"{plan.config.slug}.{fmt}"] = serialise(plan.graph, fmt)
    catalogue = _catalogue(plans, files, base, data_dir)
    files[CATALOGUE_FILE] = serialise(catalogue, "ttl")
    files["beleidsplan.ttl"] = ONTOLOGY.read_bytes()
    files["beleidsplan.context.jsonld"] = CONTEXT.read_bytes()
    files["beleidsplan-shapes.ttl"] = SHAPES.read_bytes()
    digests = {name: hashlib.sha256(body).hexdigest() for name, body in sorted(files.items())}
    manifest = {
        "tool": f"hgkbp-ld {__version__}",
        "base": base,
        "plans": {
            p.config.slug: {"graph": str(p.graph_name), "triples": len(p.graph), "actions": len(p.parsed.actions)}
            for p in plans
        },
        "catalogue": {"graph": str(Iris(base, "").catalogue()), "file": CATALOGUE_FILE, "triples": len(catalogue)},
        "files": digests,
        "versions": versions,
    }
    # The dataset's version, readable by anyone (nginx, caches): the hash of everything else in the
    # manifest, which names every file's hash. /sparql's ETags begin with it.
    manifest["dataset_version"] = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode("utf-8")).hexdigest()
    files["manifest.json"] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    for name, body in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        with open(folder / name, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
    return digests


def swap_in(new: Path, out: Path) -> None:
    """Put a complete folder `new` in the place of `out`; the old one is removed afterwards."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(out, old)
    try:
        os.replace(new, out)
    except OSError:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(
    out: Path,
    *,
    base: str = DEFAULT_BASE,
    data_dir: Path = DATA_DIR,
    versions_dir: Path | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda _message: None,
    strict: bool = True,
) -> BuildResult:
    """Build every plan of `data_dir` into `out`, rendered (`today`: the day the pages speak of, e.g.
    who holds a portfolio; default the day of the build). Versions are read from and recorded in
    `versions_dir` (default `data_dir`/versions), which starts from `data_dir`'s recorded versions."""
    registers = Registers.load(data_dir)
    configs = load_plan_configs(data_dir / "plans")
    progress(f"parsing and mapping {len(configs)} plan(s)")
    plans = build_graphs(registers, configs, base, strict=strict)
    notes = []
    for plan in plans:
        entry = registers.plans.matching(plan.parsed.plan.title, plan.parsed.plan.abbreviation)
        if entry is not None and entry.slug != plan.config.slug:
            progress(
                f"{plan.config.slug}: is '{entry.title}' of data/plans.csv: {Iris(base, entry.slug).plan()} "
                f"owl:sameAs {Iris(base, plan.config.slug).plan()} (both directions, in this plan's graph)"
            )
        notes.extend(
            f"{plan.config.slug}: portfolio '{slug}' has no minister in data/ministers.csv"
            for slug in unheld_portfolios(plan, registers)
        )
    histories = {}
    versions_dir = versions_dir or data_dir / "versions"
    for plan in plans:
        start_from(versions_dir / plan.config.slug, data_dir / "versions" / plan.config.slug)
        history = History.load(versions_dir / plan.config.slug, base)
        new = history.propose(plan.graph)
        if new is not None:
            progress(f"{plan.config.slug}: the data changed, this is version {new.number}")
        add_versions(plan.graph, plan.graph_name, history, base, plan.config.slug)
        histories[plan.config.slug] = history
    for plan in plans:
        progress(f"validating {plan.config.slug} ({len(plan.graph)} triples) against shapes/")
        report = validate(plan.graph)
        if not report.conforms:
            raise ValidationFailed(report, "the plan's profile and the OSLO Mandatendatabank rules it applies")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in out.parent.glob(f".{out.name}.new-*"):  # left by a build that was killed (one build at a time)
        shutil.rmtree(stale, ignore_errors=True)
    progress(f"writing {out}")
    temporary = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    temporary.chmod(0o755)
    try:
        files = _write(temporary, plans, base, data_dir, histories)
        render(temporary, base, today or dt.date.today(), previous=out / SITE, progress=progress)
        swap_in(temporary, out)
    except OSError as error:  # a full disk, a read-only folder ...
        shutil.rmtree(temporary, ignore_errors=True)
        raise BuildError(
            f"writing {out} failed ({error.strerror or error}); free space or fix the folder and build again"
        ) from error
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    try:  # only now: a build that fails makes no version
        for history in histories.values():
            history.save()
    except OSError as error:
        raise BuildError(
            f"{out} was written, but the new version could not be recorded in {versions_dir} "
            f"({error.strerror or error}); fix the folder (or choose another with --versions) and build again"
        ) from error
    return BuildResult(out, plans, files, tuple(notes))


def add_versions(graph: Graph, dataset: URIRef, history: History, base: str, slug: str) -> None:
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
