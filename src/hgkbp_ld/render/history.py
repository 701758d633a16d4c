"""The dataset's history on the web: versioned objects, their pages, and the Linked Data Event Stream.

Each version of a plan (`hgkbp_ld.versions`) has a member for every object that changed in it:
`{base}/id/versie/{plan}/{n}/{path}` states what `{base}/id/{path}` was in version n
(`dct:isVersionOf`, `prov:generatedAtTime`), with the nodes it owns (period, indicators) versioned
alongside. `/ldes/{plan}` is the event stream (TREE/LDES: `ldes:timestampPath`, `ldes:versionOfPath`,
`tree:shape`); `/ldes/{plan}/{n}` is the page of version n, linked to the next one by a
`tree:GreaterThanOrEqualToRelation` on the time. Pages of earlier versions never change
(`Cache-Control: immutable`); the last one may gain a successor. Page and stream IRIs are on the
host that was asked, so that a client can follow them; members have the canonical IRIs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.term import Node

from hgkbp_ld import iris
from hgkbp_ld.triples import Triples
from hgkbp_ld.versions import PROV, Change, History, Version, diff

TREE = Namespace("https://w3id.org/tree#")
LDES = Namespace("https://w3id.org/ldes#")
# what every member says, made once (a namespace's attribute is a new term, made in Python, at every use)
_IS_VERSION_OF, _GENERATED_AT = DCTERMS.isVersionOf, PROV.generatedAtTime


@dataclass(frozen=True)
class Entry:
    """One version of one object, for its pages."""

    slug: str
    number: int
    timestamp: dt.datetime
    path: str  # of the member's page, after /doc/
    details: tuple[str, ...]  # what changed, in words (empty in version 1)
    kind: str  # "toegevoegd", "gewijzigd" (version 1: "eerste versie")

    def record(self) -> list:
        """As JSON (a render fragment keeps the entries of the objects plans share)."""
        return [self.slug, self.number, self.timestamp.isoformat(), self.path, list(self.details), self.kind]

    @classmethod
    def recorded(cls, data: list) -> Entry:
        slug, number, timestamp, path, details, kind = data
        return cls(slug, number, dt.datetime.fromisoformat(timestamp), path, tuple(details), kind)


def version_states(entries: list[Entry], counts: dict[str, int], upto: int) -> dict[int, str]:
    """For ?versie=n: an object's state in each version 1..`upto` (the path of its member in that version
    or the last one before), from its entries (oldest first) and each plan's number of versions."""
    states = {}
    for number in range(1, upto + 1):
        found = [e for e in entries if e.number <= number]
        if found and number <= counts.get(found[-1].slug, 0):
            states[number] = found[-1].path
    return states


@dataclass
class Histories:
    base: str
    plans: dict[str, History] = field(default_factory=dict)
    changes: dict[tuple[str, int], dict[str, Change]] = field(default_factory=dict)  # (plan, n) -> iri -> change
    entries: dict[str, list[Entry]] = field(default_factory=dict)  # object IRI -> its versions, oldest first
    _members: dict[tuple[str, int], Triples] = field(default_factory=dict)
    _described: dict[tuple[str, int], dict[str, frozenset]] = field(default_factory=dict)
    _member: dict[tuple[str, int, str], Triples] = field(default_factory=dict)  # made once: a page and the stream
    _subjects: dict[tuple[str, int, str], set] = field(default_factory=dict)  # a member's subjects (its node first)
    _terms: dict[tuple[str, int], dict] = field(default_factory=dict)  # per version: a term -> its member's IRI
    _times: dict[tuple[str, int], Literal] = field(default_factory=dict)  # per version: its prov:generatedAtTime

    @classmethod
    def load(cls, dist: Path, manifest: dict, base: str) -> Histories:
        histories = cls(base)
        digests = manifest.get("files", {})
        for slug, listed in sorted(manifest.get("versions", {}).items()):
            versions = [
                Version(v["number"], dt.datetime.fromisoformat(v["timestamp"]), 0, digests[v["file"]]) for v in listed
            ]
            history = History(dist / "versies" / slug, versions, base)
            histories.plans[slug] = history
            for version in versions:
                if version.number == 1:
                    changed = dict.fromkeys(sorted(histories.described(slug, 1)))
                else:
                    number = version.number  # the objects of both versions as their pages have them: found once
                    described = (histories.described(slug, number - 1), histories.described(slug, number))
                    found = diff(history.graph(number - 1), history.graph(number), None, described)
                    changed = {c.iri: c for c in found}
                    histories.changes[(slug, version.number)] = {i: c for i, c in changed.items() if c is not None}
                for iri, change in changed.items():
                    if change is not None and change.kind == "verwijderd":
                        continue
                    histories.entries.setdefault(iri, []).append(
                        Entry(
                            slug,
                            version.number,
                            version.timestamp,
                            histories.member_path(slug, version.number, iri),
                            change.details if change is not None else (),
                            change.kind if change is not None else "eerste versie",
                        )
                    )
        return histories

    def member_path(self, slug: str, number: int, iri: str) -> str:
        return iris.version_path(slug, number, iris.path_of(iri, self.base) or iri)

    def member_iri(self, slug: str, number: int, iri: str) -> str:
        return iris.thing(self.base, self.member_path(slug, number, iri))

    def members(self, slug: str, number: int) -> Triples:
        """Every member of one version: the objects that changed in it, versioned."""
        key = (slug, number)
        if key not in self._members:
            version = self.plans[slug].versions[number - 1]
            described = self.described(slug, number)
            graph = Triples()
            for entry_iri in self._changed(slug, number):
                graph += self.member(slug, version, entry_iri, described[entry_iri])
            self._members[key] = graph
        return self._members[key]

    def _changed(self, slug: str, number: int) -> list[str]:
        """The objects with a member in version `number` of plan `slug` (an entry), sorted."""
        key = (slug, number)
        return sorted(i for i, es in self.entries.items() for e in es if (e.slug, e.number) == key)

    def described(self, slug: str, number: int) -> dict[str, frozenset]:
        """The objects of one version with their descriptions, worked out once."""
        key = (slug, number)
        if key not in self._described:
            self._described[key] = self.plans[slug].objects(number)
        return self._described[key]

    def member(self, slug: str, version: Version, iri: str, description: frozenset) -> Triples:
        """The member of `iri` in `version` (its description, versioned), made once: its page and the
        event stream's page both show it. Not to be changed by the caller."""
        key = (slug, version.number, iri)
        if key not in self._member:
            self._member[key] = self._make_member(slug, version, iri, description)
        return self._member[key]

    def _make_member(self, slug: str, version: Version, iri: str, description: frozenset) -> Triples:
        """The description with its subjects (the object, the nodes it owns) under their member IRIs of
        `version`, each term's IRI worked out once per version (`versioned`), and the member's node."""
        number = version.number
        # each subject (the object, the nodes it owns) as its member names it, once
        terms = {subject: self.versioned(slug, number, subject) for subject in {s for s, _p, _o in description}}
        get = terms.get
        # an object that is a subject of the description is versioned too; the triples added at once, in
        # the order `add` took them one by one
        # (a literal is no subject: not looked up, its hash is rdflib's Python code)
        triples = [(terms[s], p, o if type(o) is Literal else get(o, o)) for s, p, o in description]
        node = URIRef(self.member_iri(slug, number, iri))
        key = (slug, number)
        time = self._times.get(key)
        if time is None:
            time = self._times[key] = _time(version.timestamp)
        triples += ((node, _IS_VERSION_OF, URIRef(iri)), (node, _GENERATED_AT, time))
        self._subjects[(slug, number, iri)] = {node, *terms.values()}
        return Triples(triples)

    def versioned(self, slug: str, number: int, term: Node) -> Node:
        """A subject of a description in version `number` as its member names it: a thing under the base
        as its IRI in that version, anything else (a blank node, another site's IRI) as it is."""
        terms = self._terms.setdefault((slug, number), {})
        found = terms.get(term)
        if found is None:
            path = iris.path_of(str(term), self.base)
            found = terms[term] = term if path is None else URIRef(self.member_iri(slug, number, str(term)))
        return found

    def member_subjects(self, slug: str, version: Version, iri: str, description: frozenset) -> set:
        """The subjects of `member` (those of `graph.subjects()`), known when it was made."""
        self.member(slug, version, iri, description)
        return self._subjects[(slug, version.number, iri)]

    def version_at(self, iri: str, number: int) -> Entry | None:
        """The object's state in version `number`: its member of that version or the last one before."""
        found = [e for e in self.entries.get(iri, []) if e.number <= number]
        if not found or number > len(self.plans[found[-1].slug].versions):  # no such version (yet)
            return None
        return found[-1]

    # --- the event stream ---------------------------------------------------------------------------------

    def stream(self, slug: str, origin: str) -> Triples:
        """The stream's own statements (its files' prefixes are rdfio's, not a graph's)."""
        graph = Triples()
        stream = URIRef(f"{origin}/ldes/{slug}")
        graph.add((stream, RDF.type, LDES.EventStream))
        graph.add((stream, LDES.timestampPath, PROV.generatedAtTime))
        graph.add((stream, LDES.versionOfPath, DCTERMS.isVersionOf))
        graph.add((stream, TREE.shape, URIRef(iris.document(origin, iris.PROFILE))))
        graph.add((stream, DCTERMS.isVersionOf, URIRef(iris.Iris(self.base, slug).dataset())))
        return graph

    def root(self, slug: str, origin: str) -> Triples:
        graph = self.stream(slug, origin)
        graph.add((URIRef(f"{origin}/ldes/{slug}"), TREE.view, URIRef(f"{origin}/ldes/{slug}/1")))
        return graph

    def page(self, slug: str, number: int, origin: str) -> Triples:
        own, members = self.page_parts(slug, number, origin)
        for member in members:  # added to the page at once, not first to a graph of them all (`members`)
            own += member
        return own

    def page_parts(self, slug: str, number: int, origin: str) -> tuple[Triples, list[Triples]]:
        """The stream's page of version `number` as its own statements and its members (`page` adds them:
        `rdfio.serialise_union` writes them from what their pages wrote). The members not to be changed."""
        history = self.plans[slug]
        graph = self.stream(slug, origin)
        stream = URIRef(f"{origin}/ldes/{slug}")
        node = URIRef(f"{origin}/ldes/{slug}/{number}")
        graph.add((node, RDF.type, TREE.Node))
        if number < len(history.versions):
            following = history.versions[number]
            relation = URIRef(f"{node}#volgende")
            graph.add((node, TREE.relation, relation))
            graph.add((relation, RDF.type, TREE.GreaterThanOrEqualToRelation))
            graph.add((relation, TREE.node, URIRef(f"{origin}/ldes/{slug}/{following.number}")))
            graph.add((relation, TREE.path, PROV.generatedAtTime))
            graph.add((relation, TREE.value, _time(following.timestamp)))
        version = history.versions[number - 1]
        described = self.described(slug, number)
        members = [self.member(slug, version, iri, described[iri]) for iri in self._changed(slug, number)]
        for member in members:
            for node in member.subjects(_IS_VERSION_OF, None):
                graph.add((stream, TREE.member, node))
        return graph, members


def _time(moment: dt.datetime) -> Literal:
    return Literal(moment.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)
