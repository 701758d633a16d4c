"""SHACL validation of a built graph against the application profile in `shapes/`.

The vocabulary in `ontology/` is given to pyshacl as the ontology graph, so that subclasses
(`bp:HorizontaleDoelstelling ⊑ bp:Doelstelling`, `bp:Bevoegdheid ⊑ skos:Concept`) are known.
A violation is reported per focus node with the shape that failed and why.
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
from rdflib.term import Identifier

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
CATALOGUE_SHAPES = SHAPES_DIR / "dcat-ap-vl-shapes.ttl"


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
        return f"{self.focus}{path}: {self.message}{value} [shape {self.shape}, {rule}]"


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: tuple[Violation, ...]

    def text(self, limit: int = 50) -> str:
        lines = [str(v) for v in self.violations[:limit]]
        if len(self.violations) > limit:
            lines.append(f"... and {len(self.violations) - limit} more")
        return "\n".join(lines)


@lru_cache(maxsize=4)
def _load(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def shapes_graph() -> Graph:
    return _load(SHAPES)


def ontology_graph() -> Graph:
    return _load(ONTOLOGY)


def _str(graph: Graph, node: URIRef, predicate: URIRef) -> str | None:
    value = graph.value(node, predicate)
    return None if value is None else str(value)


def validate(data: Graph, focus: list[URIRef] | None = None, shapes: Path = SHAPES) -> Report:
    """Validate a graph (or only the `focus` nodes of it); the graph itself is not changed."""
    with _prepared_queries():
        conforms, results, _text = shacl_validate(
            data,
            shacl_graph=_load(shapes),
            ont_graph=ontology_graph(),
            inference="none",
            advanced=True,
            allow_warnings=True,
            focus_nodes=focus,
        )
    violations = []
    for result in results.subjects(SH.resultSeverity, None):
        component = _str(results, result, SH.sourceConstraintComponent) or ""
        violations.append(
            Violation(
                focus=_str(results, result, SH.focusNode) or "",
                shape=_str(results, result, SH.sourceShape) or "",
                component=component.rsplit("#", 1)[-1],
                constraint=_str(results, result, SH.sourceConstraint),
                path=_str(results, result, SH.resultPath),
                value=_str(results, result, SH.value),
                message=_str(results, result, SH.resultMessage) or "",
                severity=(_str(results, result, SH.resultSeverity) or "").rsplit("#", 1)[-1],
            )
        )
    violations.sort(key=lambda v: (v.focus, v.shape, v.component, v.value or ""))
    return Report(bool(conforms), tuple(violations))
