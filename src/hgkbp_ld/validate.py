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

Two engines, the same report: pyshacl is the reference; pyshacl-turbo (a Rust engine with pyshacl's
interface) gave the same report on every negative test and on the real data (bench/validators.py,
docs/validation.md), so it validates by default; `--shacl-engine pyshacl` (HGKBP_SHACL_ENGINE) is one
flag away, and tests/test_validators.py keeps the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import pyoxigraph
import rdflib.plugin
import rdflib.query
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql.processor import SPARQLProcessor, prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import BNode, Identifier

from hgkbp_ld import official
from hgkbp_ld.bundled import ONTOLOGY as ONTOLOGY_DIR
from hgkbp_ld.bundled import SHAPES as SHAPES_DIR
from hgkbp_ld.iris import PREFIXES
from hgkbp_ld.rdfio import read_graph, serialise
from hgkbp_ld.settings import SHACL_ENGINES as ENGINES
from hgkbp_ld.settings import Settings, SettingsError
from hgkbp_ld.triples import Triples

_chosen: str | None = None  # set by `use_engine` (the command line's --shacl-engine)


def use_engine(name: str | None) -> None:
    """The SHACL engine for this process and the worker processes it starts (the build spawns them:
    they read it, through `Settings`, from HGKBP_SHACL_ENGINE, which is set here); None: the setting's."""
    global _chosen
    if name is not None and name not in ENGINES:
        raise SettingsError(f"--shacl-engine {name!r}: use {' or '.join(ENGINES)}")
    _chosen = name
    if name is not None:
        os.environ["HGKBP_SHACL_ENGINE"] = name


def current_engine() -> str:
    """The engine `validate` uses when not told: `use_engine`'s, else HGKBP_SHACL_ENGINE's, else the default."""
    return _chosen or Settings.from_env().shacl_engine


class EngineError(RuntimeError):
    """The SHACL engine could not validate at all (not: the data is invalid); the message says which."""


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
    return read_graph(path)


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


def validate_catalogue(catalogue: Graph, profile: Graph | None = None, engine: str | None = None) -> Report:
    """The catalogue against the official DCAT profiles, with the code lists and the W3C class
    hierarchy as background knowledge (added to a copy; the catalogue is not changed).

    The catalogue's own nodes are judged (what it points to in the code lists is looked up, but the
    code lists themselves are not the catalogue's to fix): the whole graph is validated and only the
    results on the catalogue's nodes are kept. Not pyshacl's focus nodes: pyshacl also leaves out
    what the values of a focus node fail in a shape they must conform to (sh:node), as if they
    conformed (docs/validation.md), so a format outside the EU file types would pass."""
    data = Graph()
    data += catalogue
    data += official.background_of(catalogue)
    own = {str(s) for s in set(catalogue.subjects()) if isinstance(s, URIRef)}
    report = validate(data, shapes=profile if profile is not None else catalogue_profile(), engine=engine)
    return _judged(report.violations, own)


def _judged(violations: Iterable[Violation], own: set[str]) -> Report:
    """A catalogue's report: the results on its own nodes (`own`), which alone decide whether it conforms."""
    kept = tuple(v for v in violations if v.focus in own)
    return Report(all(v.severity != "Violation" for v in kept), kept)


def validate_catalogue_ntriples(ntriples: bytes, engine: str | None = None) -> Report:
    """`validate_catalogue` of a catalogue given as N-Triples without blank nodes (as the build's
    `manifest.CatalogueCheck` is sent it): pyshacl-turbo is handed those lines, the background they reach
    and the vocabulary's axioms as one text (`_turbo_text`), not rdflib graphs made of them and copied
    (three copies of a 1000-plan catalogue's ~100,000 statements were most of its check); pyshacl is given
    the catalogue's graph, read from them."""
    name = engine or current_engine()
    if name == "pyshacl":
        return validate_catalogue(Graph().parse(data=ntriples, format="nt"), engine=name)
    subjects: set[str] = set()
    used: set[str] = set()
    for triple in pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES):
        if type(triple.subject) is pyoxigraph.NamedNode:
            subjects.add(triple.subject.value)
        if type(triple.object) is pyoxigraph.NamedNode:
            used.add(triple.object.value)
    background = official.background_reached(map(URIRef, subjects | used))
    text = b"\n".join((ntriples, background.serialize(format="nt", encoding="utf-8"), _vocabulary_axioms_nt()))
    profile = catalogue_profile()
    conforms, results = _turbo_text(text.decode("utf-8"), profile, None)
    return _judged(_report(conforms, results, profile).violations, subjects)


def _run(
    name: str,
    data: Graph | Triples,
    profile: Graph,
    focus: list[URIRef] | None,
    inplace: bool = False,
    ntriples: bytes | None = None,
) -> tuple[bool, Graph]:
    """(conforms, report graph) from the engine `name`."""
    if name != "pyshacl" and ntriples is not None and not inplace:
        return _turbo_ntriples(ntriples, profile, focus)
    if name == "pyshacl":
        if not inplace and not (isinstance(data, Graph) and data.store.context_aware):  # pyshacl views it as a Dataset
            data = _with_contexts(data)
        with _prepared_queries():
            conforms, results, _text = shacl_validate(
                data,
                shacl_graph=profile,
                ont_graph=ontology_graph(),
                inference="none",
                advanced=True,
                allow_warnings=True,
                focus_nodes=focus,
                inplace=inplace,
            )
        return bool(conforms), results
    return _turbo(data, profile, focus, inplace)


def _with_contexts(data: Graph | Triples) -> Graph:
    """A copy of `data` in rdflib's default (context-aware) store, with its prefixes: what pyshacl can read
    of a graph kept without contexts (a plan's in its build: `mapping.to_triples`)."""
    return _copy(data, Graph())


def _copy(data: Graph | Triples, into: Graph, namespaces: Iterable[tuple[str, URIRef]] = ()) -> Graph:
    """`data` added to the empty graph `into`, with its prefixes (a `Triples` has none: ours) and then
    `namespaces`, each prefix bound first as pyshacl's own copy binds it."""
    prefixes = data.namespaces() if isinstance(data, Graph) else PREFIXES.items()
    for prefix, namespace in (*prefixes, *namespaces):
        into.bind(prefix, namespace, override=False)
    into += data
    return into


@lru_cache(maxsize=1)
def _vocabulary_axioms() -> Graph:
    """What pyshacl adds of the vocabulary (its ontology graph) to every data graph it validates: the
    RDFS and OWL axioms, by pyshacl's own `inoculate`. Worked out once, for pyshacl-turbo."""
    from pyshacl.rdfutil.inoculate import inoculate

    return inoculate(Graph(), ontology_graph())


def _turbo(
    data: Graph | Triples, profile: Graph, focus: list[URIRef] | None, inplace: bool = False
) -> tuple[bool, Graph]:
    """pyshacl-turbo on what pyshacl validates (the data and the vocabulary's axioms), with each
    profile compiled once: the same report as `pyshacl.validate(ont_graph=...)`, for less work
    (`inplace`: `data` is a graph)."""

    def whole() -> Graph:
        axioms = _vocabulary_axioms()
        # a copy, as pyshacl makes one: the caller's graph is not changed; without contexts (rdflib's
        # SimpleMemory), three times cheaper to fill: the copy was half of a plan's validation
        if inplace and isinstance(data, Graph):
            found = data
        else:
            found = _copy(data, Graph(store=SimpleMemory()), axioms.namespaces())
        found += axioms
        return found

    return _turbo_validate(whole, profile, focus)


def _turbo_ntriples(ntriples: bytes, profile: Graph, focus: list[URIRef] | None) -> tuple[bool, Graph]:
    """`_turbo` on a graph given as N-Triples: it and the vocabulary's axioms are handed to pyshacl-turbo
    as one text (`_turbo_text`). The same data as `_turbo` validates (a set of triples: a statement the
    plan and the axioms share is in it once), for less than half the work: copying a plan's rdflib graph
    and handing its terms over was most of it."""
    return _turbo_text((ntriples + b"\n" + _vocabulary_axioms_nt()).decode("utf-8"), profile, focus)


def _turbo_text(ntriples: str, profile: Graph, focus: list[URIRef] | None) -> tuple[bool, Graph]:
    """pyshacl-turbo on an N-Triples text, which its engine parses itself: no Python object per triple.
    (Not a pyoxigraph store loaded with it, as before: pyshacl-turbo writes a store out as N-Quads and
    parses those, so the text was parsed twice and written once more.)"""
    from pyshacl_turbo.rdf import Input  # what pyshacl-turbo makes of its data graph; taken as given

    return _turbo_validate(lambda: Input(ntriples, "nt", None, {}), profile, focus)


@lru_cache(maxsize=1)
def _vocabulary_axioms_nt() -> bytes:
    """`_vocabulary_axioms` as N-Triples (no blank nodes: the vocabulary names every node)."""
    return serialise(_vocabulary_axioms(), "nt")


_compiled: dict[int, tuple[Graph, Any]] = {}  # id(profile): (profile, its compiled shapes)


def _turbo_validate(data: Callable[[], Any], profile: Graph, focus: list[URIRef] | None) -> tuple[bool, Graph]:
    """pyshacl-turbo's (conforms, report graph) of what `data` makes, against `profile` compiled once."""
    from pyshacl_turbo import ReportableRuntimeError, compile_shapes

    try:
        if id(profile) not in _compiled or _compiled[id(profile)][0] is not profile:
            if len(_compiled) > 8:  # profiles are few (the plan's, the catalogue's); never let it grow
                _compiled.clear()
            _compiled[id(profile)] = (profile, compile_shapes(profile, advanced=True))
        shapes = _compiled[id(profile)][1]
        conforms, results, _text = shapes.validate(data(), allow_warnings=True, focus_nodes=focus)
    except (ReportableRuntimeError, NotImplementedError, ValueError) as error:
        raise EngineError(_cannot(error)) from error
    if not isinstance(results, Graph):  # a failure is returned as the report
        raise EngineError(_cannot(results))
    return bool(conforms), results


def _cannot(error: object) -> str:
    """One line: what pyshacl-turbo could not do (its first line, shortened) and what to do instead. A text
    it cannot parse (`_turbo_text`: a plan's dump, then the axioms) is the data's fault, not the engine's:
    another engine would not help, the line names the term."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    first = first if len(first) <= 160 else first[:157] + "..."
    if first.startswith("RDF parse error"):
        return (
            f"the data to validate is not valid RDF ({first}): a term in it cannot be written as N-Triples"
            " (an IRI with a space, say, from a register or a plan's toml); that line of the plan's dump"
            " (its .nt file) shows it"
        )
    return f"pyshacl-turbo cannot validate ({first}); build with --shacl-engine pyshacl (the reference)"


def validate(
    data: Graph | Triples,
    focus: list[URIRef] | None = None,
    shapes: Path | Graph | None = None,
    engine: str | None = None,
    inplace: bool = False,
    ntriples: bytes | None = None,
) -> Report:
    """Validate a graph (or only the `focus` nodes of it) against a profile, by default the plan's;
    the graph itself is not changed. `engine`: pyshacl or pyshacl-turbo (default: `current_engine()`).
    `inplace`: the vocabulary's axioms are added to `data` itself instead of to a copy (both engines
    validate the data and those axioms): for a caller that validates many small changes of one graph
    and takes each back (tests/test_shapes.py), where copying the graph was most of the work.
    `ntriples`: the same graph as N-Triples (a plan's dump, written anyway): pyshacl-turbo then reads
    that (`_turbo_ntriples`), not the graph's terms; pyshacl reads the graph."""
    profile = plan_profile() if shapes is None else shapes if isinstance(shapes, Graph) else _load(shapes)
    name = engine or current_engine()
    if name not in ENGINES:
        raise SettingsError(f"SHACL engine {name!r}: use {' or '.join(ENGINES)}")
    conforms, results = _run(name, data, profile, focus, inplace, ntriples)
    return _report(conforms, results, profile)


def _report(conforms: bool, results: Graph, profile: Graph) -> Report:
    """The report of an engine's (conforms, report graph) on a validation against `profile`."""
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
    return Report(conforms, tuple(violations))
