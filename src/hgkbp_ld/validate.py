"""SHACL validation: a plan's graph against its profile, the catalogue against the official profiles.

- A plan's graph: the project's own application profile (`shapes/beleidsplan-shapes.ttl`, the
  plan's model) plus the rules of the official OSLO Mandatendatabank profile that apply to what it
  publishes (`hgkbp_ld.official`). The vocabulary in `ontology/` is given to pyshacl as the ontology
  graph, so that subclasses (`bp:HorizontaleDoelstelling ⊑ bp:Doelstelling`) are known.
- The catalogue: the official DCAT-AP Vlaanderen 3 and EU DCAT-AP 3.0.1 shapes, with the code lists
  and the W3C class hierarchy added as background knowledge, as the EU validator does. The big
  plan graphs are not validated against the DCAT shapes (they describe the catalogue only).

A result is reported per focus node with the rule that failed (the official rule's anchor, or the
shape's IRI) and why; only violations fail a build, warnings are reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

import rdflib.plugin
import rdflib.query
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql.processor import SPARQLProcessor, prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import BNode, Identifier

from hgkbp_ld import official
from hgkbp_ld.bundled import ONTOLOGY as ONTOLOGY_DIR
from hgkbp_ld.bundled import SHAPES as SHAPES_DIR


class _PreparedQueries(SPARQLProcessor):
    """rdflib's SPARQL processor, keeping each query text it has parsed.

    pyshacl evaluates a SPARQL-based constraint once per focus node by handing its text to
    `Graph.query`, and rdflib parses that text anew every time: for 100 plans, 28,115 parses of the
    same 7 texts took 62 % of the build (bench/RESULTS.md, scale). rdflib's prepared queries are
    made to be evaluated many times with different bindings, so each text is prepared once.
    It is rdflib's "sparql" processor only while `validate` runs (`_prepared_queries`).
    """

    _prepared: ClassVar[dict[tuple[str, str | None, tuple], Query]] = {}

    def query(  # type: ignore[override]
        self,
        strOrQuery: str | Query,
        initBindings: Mapping[str, Identifier] | None = None,
        initNs: Mapping[str, object] | None = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Mapping[str, object]:
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            prepared = self._prepared.get(key)
            if prepared is None:
                if len(self._prepared) > 256:  # a bound: texts are few, but never let it grow without end
                    self._prepared.clear()
                prepared = self._prepared[key] = prepareQuery(strOrQuery, initNs=initNs, base=base)
            strOrQuery = prepared
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@contextmanager
def _prepared_queries() -> Iterator[None]:
    """rdflib's "sparql" processor is `_PreparedQueries` while pyshacl validates, and whatever it was
    before afterwards: importing or using this module leaves rdflib as the rest of the process set it."""
    before = rdflib.plugin.get("sparql", rdflib.query.Processor)
    rdflib.plugin.register("sparql", rdflib.query.Processor, __name__, "_PreparedQueries")
    try:
        yield
    finally:
        rdflib.plugin.register("sparql", rdflib.query.Processor, before.__module__, before.__name__)


SHAPES = SHAPES_DIR / "beleidsplan-shapes.ttl"
ONTOLOGY = ONTOLOGY_DIR / "beleidsplan.ttl"


@dataclass(frozen=True)
class Violation:
    focus: str
    shape: str  # the shape (property shape or node shape) that failed
    component: str  # the SHACL constraint component, e.g. MinCountConstraintComponent
    constraint: str | None  # the named constraint (a SPARQL constraint's IRI), if any
    path: str | None
    value: str | None
    message: str
    severity: str

    def __str__(self) -> str:
        path = f" {self.path}" if self.path else ""
        value = f" (value {self.value})" if self.value else ""
        rule = self.constraint or self.component
        return f"{self.severity}: {self.focus}{path}: {self.message}{value} [rule {self.shape}, {rule}]"


@dataclass(frozen=True)
class Report:
    conforms: bool  # no result of severity Violation (warnings may remain)
    violations: tuple[Violation, ...]  # every result, warnings included

    def text(self, limit: int = 50) -> str:
        lines = [str(v) for v in self.violations[:limit]]
        if len(self.violations) > limit:
            lines.append(f"... and {len(self.violations) - limit} more")
        return "\n".join(lines)


@lru_cache(maxsize=4)
def _load(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def shapes_graph() -> Graph:
    """The project's own profile: the plan's model only (the official rules come from `official`)."""
    return _load(SHAPES)


@lru_cache(maxsize=1)
def plan_profile() -> Graph:
    """What a plan's graph is validated against: the own profile and the applied Mandatendatabank rules."""
    graph = Graph()
    graph += shapes_graph()
    graph += official.mandatendatabank()
    return graph


@lru_cache(maxsize=1)
def catalogue_profile() -> Graph:
    """What the catalogue is validated against: DCAT-AP Vlaanderen 3 and EU DCAT-AP 3.0.1."""
    graph = Graph()
    graph += official.dcat_ap_vl()
    graph += official.dcat_ap()
    return graph


def ontology_graph() -> Graph:
    return _load(ONTOLOGY)


def _str(graph: Graph, node: URIRef, predicate: URIRef) -> str | None:
    value = graph.value(node, predicate)
    return None if value is None else str(value)


def validate_catalogue(catalogue: Graph, profile: Graph | None = None) -> Report:
    """The catalogue against the official DCAT profiles, with the code lists and the W3C class
    hierarchy as background knowledge (added to a copy; the catalogue is not changed)."""
    data = Graph()
    data += catalogue
    data += official.background_of(catalogue)
    # The catalogue's own nodes are checked (what it points to in the code lists is looked up, but
    # the code lists themselves are not the catalogue's to fix).
    focus = sorted(s for s in set(catalogue.subjects()) if isinstance(s, URIRef))
    return validate(data, focus=focus, shapes=profile if profile is not None else catalogue_profile())


def validate(data: Graph, focus: list[URIRef] | None = None, shapes: Path | Graph | None = None) -> Report:
    """Validate a graph (or only the `focus` nodes of it) against a profile, by default the plan's;
    the graph itself is not changed."""
    profile = plan_profile() if shapes is None else shapes if isinstance(shapes, Graph) else _load(shapes)
    with _prepared_queries():
        conforms, results, _text = shacl_validate(
            data,
            shacl_graph=profile,
            ont_graph=ontology_graph(),
            inference="none",
            advanced=True,
            allow_warnings=True,
            focus_nodes=focus,
        )
    violations = []
    # Only the report's own results: the nested ones (sh:detail, from sh:node) carry their own
    # severity, while the result that holds them has the severity its property shape gives.
    for result in results.objects(None, SH.result):
        component = _str(results, result, SH.sourceConstraintComponent) or ""
        source = results.value(result, SH.sourceShape)
        violations.append(
            Violation(
                focus=_str(results, result, SH.focusNode) or "",
                shape=official.rule_name(profile, source) if isinstance(source, BNode) else str(source or ""),
                component=component.rsplit("#", 1)[-1],
                constraint=_str(results, result, SH.sourceConstraint),
                path=_str(results, result, SH.resultPath),
                value=_str(results, result, SH.value),
                message=_str(results, result, SH.resultMessage) or "",
                severity=(_str(results, result, SH.resultSeverity) or "").rsplit("#", 1)[-1],
            )
        )
    violations.sort(key=lambda v: (v.severity != "Violation", v.focus, v.shape, v.component, v.value or ""))
    return Report(bool(conforms), tuple(violations))
