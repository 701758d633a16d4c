"""Versions of a plan: which objects changed, when, and how — in words and as RDF.

An *object* is what a reader follows over time: the plan, a goal, an action, a portfolio, a
mandatary. Only the plan's own objects (its slug in their IRI) decide whether a build is a new
version: portfolios, mandataries and other plans are shared by every plan and come from the shared
registers, so a new spelling added for one plan makes no version of another. An object's
description is its own triples plus those of the nodes it owns (an action's period and
indicators, a goal's SDG contributions), so a slipped timeline or a new indicator is a change of
the action. A build whose objects all equal those of the last version makes no new version;
provenance alone (build time, pipeline version) does not count.

Versions live in `data/versions/{plan}/`: `versies.csv` (number, timestamp, triples, SHA-256 of the
snapshot) and `{number}.nt`, the plan's graph as built (sorted N-Triples). The folder belongs to the
plan's owners like the source text: commit it. Version numbers only grow; a new version's time is
SOURCE_DATE_EPOCH if set, else the time of the build, and at least one second after the last one's.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import methodcaller
from pathlib import Path

import pyoxigraph
from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

from hgkbp_ld import iris
from hgkbp_ld.iris import BP, DEFAULT_BASE, MANDAAT
from hgkbp_ld.rdfio import n3_once, serialise
from hgkbp_ld.store.base import to_rdflib
from hgkbp_ld.triples import Triples

PROV = Namespace("http://www.w3.org/ns/prov#")
MEMBER_CLASSES = (
    BP.Beleidsplan,
    BP.HorizontaleDoelstelling,
    BP.OperationeleDoelstelling,
    BP.Actie,
    BP.Bevoegdheid,
    MANDAAT.Mandataris,
)
OWNED_CLASSES = (DCTERMS.PeriodOfTime, BP.Indicator, BP.Bijdrage)
INDEX = "versies.csv"
FIELDS = ("versie", "tijdstip", "triples", "sha256")

Triple = tuple[Node, Node, Node]


class VersionError(RuntimeError):
    """The versions folder is damaged or a new version cannot be made; the message says what to do."""


# --- objects and their descriptions ------------------------------------------------------------------------


def objects(graph: Graph | Triples) -> dict[str, frozenset[Triple]]:
    """Every object of a plan's graph (by IRI) with its description: own triples and owned nodes'."""
    return _objects(lambda cls: graph.subjects(RDF.type, cls), lambda s: graph.triples((s, None, None)))


def _objects(
    typed: Callable[[Node], Iterable[Node]], about: Callable[[Node], Iterable[Triple]]
) -> dict[str, frozenset[Triple]]:
    """`objects` of a graph whose subjects of a class are `typed(class)` and a subject's triples `about(s)`."""
    owned = {s for cls in OWNED_CLASSES for s in typed(cls)}
    found: dict[str, frozenset[Triple]] = {}
    for cls in MEMBER_CLASSES:
        for subject in typed(cls):
            if not isinstance(subject, URIRef) or str(subject) in found:
                continue
            triples = set(about(subject))
            for _s, _p, o in list(triples):
                if o in owned:
                    triples.update(about(o))
            found[str(subject)] = frozenset(triples)
    return found


def snapshot_objects(data: bytes) -> dict[str, frozenset[Triple]]:
    """`objects(read_triples(data))` without the graph: the rows grouped by subject and the subjects by
    class, for a snapshot read only for its objects (a plan's first version, for its pages)."""
    rows: dict[Node, dict[Triple, None]] = {}
    typed: dict[Node, dict[Node, None]] = {}
    kind = RDF.type
    for triple in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES):
        s, p, o = to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)
        found = rows.get(s)
        if found is None:
            found = rows[s] = {}
        found[(s, p, o)] = None
        if p == kind:
            typed.setdefault(o, {})[s] = None
    return _objects(lambda cls: typed.get(cls, {}), lambda s: rows.get(s, {}))


def said_objects(graph: Triples) -> dict[str, frozenset[Triple]]:
    """`objects(graph)` of a `Triples` read from its subject index alone (as `snapshot_objects` reads its
    rows), not from the predicate and object indexes its questions by class would make."""
    said = dict(graph.said())
    typed: dict[Node, dict[Node, None]] = {}
    kind = RDF.type
    for subject, by_predicate in said.items():
        for cls in by_predicate.get(kind, ()):
            typed.setdefault(cls, {})[subject] = None
    return _objects(
        lambda cls: typed.get(cls, {}),
        lambda s: [(s, p, o) for p, values in said.get(s, {}).items() for o in values],
    )


def _line(triple: Triple, n3: Callable[[Node], str] = methodcaller("n3")) -> str:
    s, p, o = triple
    return f"{n3(s)} {n3(p)} {n3(o)} .\n"


def digest(description: Iterable[Triple], n3: Callable[[Node], str] = methodcaller("n3")) -> str:
    return hashlib.sha256("".join(sorted(_line(t, n3) for t in description)).encode("utf-8")).hexdigest()


def _digests(graph: Graph | Triples, keep: Callable[[str], bool] = lambda _iri: True) -> dict[str, str]:
    """`digest` of every object of `graph` that `keep` keeps, by IRI: each term written as N3 once
    (an object's subject is in each of its lines, a portfolio in many objects')."""
    n3 = n3_once()
    return {iri: digest(description, n3) for iri, description in objects(graph).items() if keep(iri)}


# --- the versions of one plan --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    number: int
    timestamp: dt.datetime  # aware, UTC
    triples: int
    sha256: str  # of the snapshot file


def read_ntriples(data: bytes) -> Graph:
    """N-Triples as an rdflib graph (without contexts), read by pyoxigraph: the same terms as rdflib's
    own parser gives for what our serialiser writes, at a fraction of its cost."""
    graph = Graph(store=SimpleMemory())
    for triple in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES):
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return graph


def read_triples(data: bytes) -> Triples:
    """N-Triples as `Triples`: the terms and the order of `read_ntriples`, read as a graph is, for about
    a third of the cost of filling an rdflib graph (a plan's recorded version is read back at every build
    to be compared, and again for its pages)."""
    triples = Triples()
    add = triples.add
    for triple in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES):
        add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return triples


_READ: dict[str, Triples] = {}  # a snapshot's SHA-256 -> its triples, of the last few read in this process
_READ_AT_MOST = 2


def _read_snapshot(data: bytes, sha256: str) -> Triples:
    """`read_triples` of a snapshot whose SHA-256 is `sha256` (checked by `History.snapshot`), read once for
    the few asked last: a plan's build reads its latest version to compare with (`propose`) and its pages read
    the same file again (`render.history`). Shared, so to be read, never changed."""
    found = _READ.get(sha256)
    if found is None:
        if len(_READ) >= _READ_AT_MOST:
            del _READ[next(iter(_READ))]
        found = _READ[sha256] = read_triples(data)
    return found


_MADE: dict[str, dict[str, frozenset[Triple]]] = {}  # a new version's snapshot SHA-256 -> its objects
_MADE_AT_MOST = 2


def _made(sha256: str, graph: Graph | Triples, base: str) -> None:
    """The objects of a version just made from `graph` (`History.propose`), kept for its pages' `History.objects`
    in this process (a plan's worker renders them next): what its snapshot, read back, would give, without
    reading it (the same terms: a build compares its graph with its last version's snapshot so)."""
    if type(graph) is not Triples or base != DEFAULT_BASE:
        return
    if len(_MADE) >= _MADE_AT_MOST:
        del _MADE[next(iter(_MADE))]
    _MADE[sha256] = said_objects(graph)


def rebase(graph: Graph | Triples, old: str, new: str) -> Graph | Triples:
    """The graph with the things under `old`/id/ moved under `new`/id/ (a build or a server with
    --base); the vocabularies (/ns/) keep their IRIs whatever the base."""
    if old == new:
        return graph

    def move(term: Node) -> Node:
        text = str(term)
        moves = isinstance(term, URIRef) and iris.path_of(text, old) is not None
        return URIRef(new + text[len(old) :]) if moves else term

    moved = Graph()
    for s, p, o in graph:
        moved.add((move(s), p, move(o)))
    return moved


@dataclass
class History:
    """The versions of one plan, oldest first, and their snapshots (read when asked).

    Snapshots are kept under the canonical base (DEFAULT_BASE), so that a build or a server with
    another --base shares the plan's history; `base` is the one the graphs are given and taken in.
    """

    folder: Path
    versions: list[Version] = field(default_factory=list)
    base: str = DEFAULT_BASE
    _graphs: dict[int, Graph | Triples] = field(default_factory=dict, repr=False)
    _pending: dict[int, bytes] = field(default_factory=dict, repr=False)  # snapshots not yet saved

    @classmethod
    def load(cls, folder: Path, base: str = DEFAULT_BASE) -> History:
        history = cls(folder, base=base)
        index = folder / INDEX
        if not index.exists():
            return history
        with index.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    version = Version(
                        int(row["versie"]),
                        dt.datetime.fromisoformat(row["tijdstip"]),
                        int(row["triples"]),
                        row["sha256"],
                    )
                except (KeyError, TypeError, ValueError) as error:
                    raise VersionError(f"{index}: line {line}: expected {', '.join(FIELDS)} ({error})") from None
                if version.number != len(history.versions) + 1:
                    raise VersionError(
                        f"{index}: line {line}: version {version.number}, expected {len(history.versions) + 1}"
                    )
                history.versions.append(version)
        return history

    def owns(self, iri: str) -> bool:
        """Is the object the plan's own (the plan, its goals, actions …: its slug in the IRI)? Shared
        resources (portfolios, mandataries, other plans) come from the shared registers: a change there
        alone (a new spelling for another plan) makes no version of this plan; they are recorded as
        they are in the plan's next version."""
        slug = self.folder.name
        return iri.endswith(f"/{slug}") or f"/{slug}/" in iri

    @property
    def latest(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    def snapshot(self, number: int) -> bytes:
        if number in self._pending:
            return self._pending[number]
        path = self.folder / f"{number}.nt"
        try:
            data = path.read_bytes()
        except OSError as error:
            raise VersionError(f"cannot read version {number} of {self.folder}: {error.strerror}") from None
        if hashlib.sha256(data).hexdigest() != self.versions[number - 1].sha256:
            raise VersionError(f"{path} is not the file recorded in {INDEX} (its SHA-256 differs)")
        return data

    def graph(self, number: int) -> Graph | Triples:
        """Version `number` of the plan's graph, under `base`: to be read, not changed (as `Triples`
        under the canonical base, the same triples in the same order as an rdflib graph of them)."""
        if number not in self._graphs:
            if self.base == DEFAULT_BASE:
                self._graphs[number] = _read_snapshot(self.snapshot(number), self.versions[number - 1].sha256)
            else:
                self._graphs[number] = rebase(read_ntriples(self.snapshot(number)), DEFAULT_BASE, self.base)
        return self._graphs[number]

    def objects(self, number: int) -> dict[str, frozenset[Triple]]:
        """`objects(self.graph(number))`; a plan's only version, not read yet, read for its objects alone
        (`snapshot_objects`: its graph is asked for nothing else), or taken as this process made them (`_made`)."""
        version = self.versions[number - 1]
        if len(self.versions) > 1 or number in self._graphs or self.base != DEFAULT_BASE or version.sha256 in _READ:
            return objects(self.graph(number))
        made = _MADE.pop(version.sha256, None)  # made by this process's build of the plan (its graph's)
        return made if made is not None else snapshot_objects(self.snapshot(number))

    def changed(self, number: int) -> list[str]:
        """The objects that changed in a version (all of them in version 1; removed ones excluded)."""
        new = _digests(self.graph(number))
        if number == 1:
            return sorted(new)
        old = _digests(self.graph(number - 1))
        return sorted(iri for iri, value in new.items() if old.get(iri) != value)

    def propose(self, graph: Graph | Triples, now: dt.datetime | None = None) -> Version | None:
        """A new version if `graph`'s objects differ from the latest version's (kept until `save`)."""
        latest = self.latest
        if latest is not None:
            before = _digests(self.graph(latest.number), self.owns)
            after = _digests(graph, self.owns)
            if before == after:
                return None
        moment = (now or version_time()).astimezone(dt.UTC).replace(microsecond=0)
        if latest is not None and moment <= latest.timestamp:  # a fixed SOURCE_DATE_EPOCH, a clock behind
            moment = latest.timestamp + dt.timedelta(seconds=1)
        snapshot = serialise(rebase(graph, self.base, DEFAULT_BASE), "nt")
        version = Version(len(self.versions) + 1, moment, len(graph), hashlib.sha256(snapshot).hexdigest())
        if version.number == 1:  # a plan's only version: its pages ask its objects (`objects`)
            _made(version.sha256, graph, self.base)
        self.versions.append(version)
        self._pending[version.number] = snapshot
        self._graphs[version.number] = graph
        return version

    def index_bytes(self) -> bytes:
        """`versies.csv` as `save` writes it (the build's cache keys a plan on it)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
        for v in self.versions:
            writer.writerow([v.number, v.timestamp.isoformat(), v.triples, v.sha256])
        return out.getvalue().encode("utf-8")

    def save(self, folder: Path | None = None) -> None:
        """Write new snapshots, then the index (each through a temporary file and a rename), into the
        plan's folder or `folder` (the build stages a new version there until it succeeds)."""
        if not self._pending:
            return
        folder = folder or self.folder
        folder.mkdir(parents=True, exist_ok=True)
        for number, data in sorted(self._pending.items()):
            _write(folder / f"{number}.nt", data)
        _write(folder / INDEX, self.index_bytes())
        if folder == self.folder:
            self._pending.clear()


def start_from(folder: Path, recorded: Path) -> None:
    """A plan's versions folder of its own (`folder`, e.g. the user's, for an installed package's plan)
    starts from the versions recorded with the data (`recorded`): copied once, when it has none."""
    if folder.resolve() == recorded.resolve() or (folder / INDEX).exists() or not (recorded / INDEX).exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for source in sorted(recorded.glob("*.nt")):
        _write(folder / source.name, source.read_bytes())
    _write(folder / INDEX, (recorded / INDEX).read_bytes())  # last: a folder with an index is complete


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def version_time() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)


# --- what changed, in words -------------------------------------------------------------------------------

_NAMES = {  # predicates outside the vocabulary, in the words of the pages
    str(DCTERMS.title): "titel",
    str(DCTERMS.description): "omschrijving",
    str(DCTERMS.temporal): "tijdspad",
    str(SKOS.prefLabel): "naam",
    str(SKOS.notation): "notatie",
    str(RDF.type): "soort",
}
_LABELS = (SKOS.notation, BP.omschrijving, DCTERMS.description, SKOS.prefLabel, DCTERMS.title, RDFS.label)


@dataclass(frozen=True)
class Change:
    iri: str
    label: str  # e.g. "Actie 12"
    kind: str  # "toegevoegd", "verwijderd" or "gewijzigd"
    details: tuple[str, ...]  # in words, one line each
    removed: frozenset[Triple]
    added: frozenset[Triple]


def _value(graph: Graph | Triples, term: Node) -> str:
    if isinstance(term, Literal):
        text = " ".join(str(term).split())
        return text if len(text) <= 100 else text[:97] + "…"
    for prop in _LABELS[1:] if graph.value(term, RDF.type) in OWNED_CLASSES else _LABELS:
        value = graph.value(term, prop)  # type: ignore[arg-type]
        if value is not None:
            return _value(graph, value)
    return str(term)


def _summary(graph: Graph | Triples, iri: URIRef, names: dict[str, str]) -> dict[str, set[str]]:
    fields: dict[str, set[str]] = {}
    for prop, value in graph.predicate_objects(iri):
        name = names.get(str(prop)) or _NAMES.get(str(prop)) or str(prop).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        fields.setdefault(name, set()).add(_value(graph, value))
    return fields


def property_names(vocabulary: Graph) -> dict[str, str]:
    """Dutch labels of the vocabulary's properties (e.g. bp:verantwoordelijke → 'verantwoordelijke')."""
    return {str(s): str(o) for s, o in vocabulary.subject_objects(RDFS.label) if getattr(o, "language", None) == "nl"}


def diff(
    old: Graph | Triples,
    new: Graph | Triples,
    names: dict[str, str] | None = None,
    described: tuple[dict[str, frozenset[Triple]], dict[str, frozenset[Triple]]] | None = None,
) -> list[Change]:
    """The objects that differ between two graphs of a plan, with what changed, in words. `described`:
    `objects` of both graphs where the caller has them already."""
    names = names or {}
    before, after = described or (objects(old), objects(new))
    changes = []
    for iri in sorted(set(before) | set(after), key=_natural):
        removed, added = before.get(iri, frozenset()), after.get(iri, frozenset())
        if removed == added:
            continue
        node = URIRef(iri)
        graph = new if iri in after else old
        label = _value(graph, node)
        if iri not in before:
            changes.append(Change(iri, label, "toegevoegd", (), frozenset(), added))
            continue
        if iri not in after:
            changes.append(Change(iri, label, "verwijderd", (), removed, frozenset()))
            continue
        was, now = _summary(old, node, names), _summary(new, node, names)
        details = []
        for name in sorted(set(was) | set(now)):
            gone, came = (
                sorted(was.get(name, set()) - now.get(name, set())),
                sorted(now.get(name, set()) - was.get(name, set())),
            )
            if len(gone) == 1 and len(came) == 1:
                details.append(f"{name}: ‘{gone[0]}’ → ‘{came[0]}’")
                continue
            details += [f"{name} verwijderd: ‘{value}’" for value in gone]
            details += [f"{name} toegevoegd: ‘{value}’" for value in came]
        if not details:  # an owned node changed in a way its label does not show
            details.append("beschrijving gewijzigd")
        changes.append(Change(iri, label, "gewijzigd", tuple(details), removed - added, added - removed))
    return changes


def _natural(iri: str) -> tuple:
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", iri))


def words(changes: list[Change]) -> str:
    """The changes as text, one object per paragraph."""
    if not changes:
        return "Geen verschillen.\n"
    out = []
    for change in changes:
        out.append(f"{change.label} ({change.kind}) <{change.iri}>")
        out.extend(f"  - {line}" for line in change.details)
    return "\n".join(out) + "\n"


def as_rdf(changes: list[Change]) -> str:
    """The changes as TriG: the removed triples in one graph, the added in another."""
    removed = "".join(sorted(_line(t) for c in changes for t in c.removed))
    added = "".join(sorted(_line(t) for c in changes for t in c.added))
    return (
        f"# hgkbp-ld diff: {len(changes)} objects changed\n"
        f"<urn:hgkbp-ld:diff:verwijderd> {{\n{removed}}}\n<urn:hgkbp-ld:diff:toegevoegd> {{\n{added}}}\n"
    )


__all__ = [
    "MEMBER_CLASSES",
    "OWNED_CLASSES",
    "PROV",
    "Change",
    "History",
    "Version",
    "VersionError",
    "as_rdf",
    "diff",
    "digest",
    "objects",
    "property_names",
    "version_time",
    "words",
]
