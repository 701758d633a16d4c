"""What a plan's summary and its render take of the plan's own graph, made by the plan's build from the
graph it holds.

The last stage, rendering a plan again over the whole build's store, asks that store (`plan_site`:
`statistics`, `mentions`, `subjects`, the contributions read back). A plan's worker holds the plan's
graph (`Triples`: the statements of the N-Triples dump the plan's store loads, `plan_site.plan_store`)
and makes them from it: then the plan's store needs no named graphs (nothing else a plan's pages ask
names one), and is loaded once instead of twice.

The same answers as the store's:
- `mentions` and the things (`subjects`) are IRIs, which a store keeps as they are written;
- `statistics` counts statements, and a store may hold fewer than the graph: pyoxigraph keeps a typed
  literal by its value, so `"01"^^xsd:integer` and `"1"^^xsd:integer` of one subject and property are one
  statement there, and `"x"` and `"x"^^xsd:string` too, which rdflib's terms tell apart. (A language tag
  it keeps in lower case, and rdflib's terms equal where only the tag's case differs: one statement in
  both.) Where the graph could hold such a pair (a subject with two literals of one property, one of
  them typed) or a class that is not an IRI, the statistics are left to the store (None: `plan_store`
  then loads the named graphs too).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib import RDF, Literal, URIRef

from hgkbp_ld import iris
from hgkbp_ld.bundled import ONTOLOGY
from hgkbp_ld.render.plans import owner
from hgkbp_ld.render.shared import contributions
from hgkbp_ld.triples import Triples

_TYPE = str(RDF.type)
_same = str.__eq__  # a term's text compared in C (rdflib's own == is Python code)
_starts = str.startswith


@dataclass(frozen=True)
class PlanFacts:
    """What `plan_site.render_plan` would otherwise ask the plan's store of the plan's graph."""

    contributions: dict[str, str]  # `render.shared.contributions` of the graph
    mentions: list[str]  # `plan_site.mentions`: the things of other plans the graph names, sorted
    things: list[str]  # the graph's subjects that `plan_site.subjects` keeps, sorted
    statistics: dict[str, dict[str, int]] | None  # `plan_site.statistics` of the graph; None: ask the store


def plan_facts(graph: Triples, base: str, slug: str) -> PlanFacts:
    """The `PlanFacts` of plan `slug`'s graph."""
    prefix = iris.thing(base, "")
    subjects: set[str] = set()
    named: set[str] = set()  # IRIs under the prefix, subject or object
    properties: dict[str, int] = {}
    classes: dict[str, set[str]] = {}
    certain = True  # whether the store holds as many statements as the graph (see the module)
    for subject, by_predicate in graph.said():
        text = str(subject)
        if (type(subject) is URIRef or isinstance(subject, URIRef)) and text.startswith(prefix):
            named.add(text)
            if "#" not in text:
                subjects.add(text)
        for predicate, objects in by_predicate.items():
            key = str(predicate)
            properties[key] = properties.get(key, 0) + len(objects)
            literals = marked = 0
            for value in objects:
                kind = type(value)
                if kind is URIRef or (kind is not Literal and isinstance(value, URIRef)):
                    if _starts(value, prefix):  # (rdflib's own `startswith` is Python code, copying both)
                        named.add(str(value))
                elif kind is Literal or isinstance(value, Literal):
                    literals += 1
                    marked += value.datatype is not None
            if literals > 1 and marked:
                certain = False
            if type(predicate) is URIRef and _same(predicate, _TYPE):
                for value in objects:
                    if type(value) is not URIRef:
                        certain = False
                    classes.setdefault(str(value), set()).add(text)
    statistics = None
    if certain:
        statistics = {
            "classes": {c: len(found) for c, found in sorted(classes.items())},
            "properties": dict(sorted(properties.items())),
        }
    mentions = sorted(iri for iri in named if owner(iris.path_of(iri, base) or "") not in (None, slug))
    return PlanFacts(contributions(graph, base, {slug}, named), mentions, sorted(subjects), statistics)  # type: ignore[arg-type]


def things(facts: PlanFacts, catalogue: object, base: str) -> list[str]:
    """`plan_site.subjects` of the plan's store (its graph, its catalogue entry, the vocabulary): the
    things under `{base}/id/` each describes, without a fragment, sorted."""
    prefix = iris.thing(base, "")
    found = set(facts.things)
    for subject in catalogue.subjects():  # type: ignore[attr-defined]
        if isinstance(subject, URIRef) and subject.startswith(prefix) and "#" not in subject:
            found.add(str(subject))
    found.update(iri for iri in _vocabulary_subjects() if iri.startswith(prefix) and "#" not in iri)
    return sorted(found)


@lru_cache(maxsize=1)
def _vocabulary_subjects() -> frozenset[str]:
    """The IRIs the vocabulary's Turtle describes, as the plan's store reads it (once per process)."""
    parsed = ox.parse((ONTOLOGY / "beleidsplan.ttl").read_bytes(), format=ox.RdfFormat.TURTLE, lenient=True)
    return frozenset(t.subject.value for t in parsed if type(t.subject) is ox.NamedNode)
