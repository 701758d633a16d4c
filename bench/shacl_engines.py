"""The SHACL engines bench/validators.py compares, each called on a case and answering with the
keys of its results: (focus node, path, source shape, constraint component, severity).

pyshacl and pyshacl-turbo are called as `hgkbp_ld.validate` calls them (rdflib graphs, the vocabulary
as pyshacl's ontology graph, focus nodes). The others take no ontology graph and no focus nodes: they
get the data with the vocabulary added as pyshacl adds it (its own `inoculate`), and their results are
kept for the focus nodes only. Blank-node shapes are given IRIs (`skolemised`) in the shapes graph
every engine gets, so that any engine's report can name them.
"""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import SH

from tests.test_validators import Case

Key = tuple[str, str, str, str, str]  # focus, path, source shape, component, severity
SKOLEM = "urn:hgkbp-ld:shape:"


def skolemised(profile: Graph) -> Graph:
    """The profile with every blank-node shape (a blank node that has a sh: property) named by an IRI;
    lists stay blank."""
    names: dict[BNode, URIRef] = {
        s: URIRef(SKOLEM + str(s))
        for s, p in profile.subject_predicates()
        if isinstance(s, BNode) and str(p).startswith(str(SH))
    }
    graph = Graph()
    for prefix, namespace in profile.namespaces():
        graph.bind(prefix, namespace)
    for s, p, o in profile:
        graph.add((names.get(s, s), p, names.get(o, o)))  # type: ignore[arg-type]
    return graph


def _n3(term: object) -> str:
    """A term as the string engines report (`<iri>` or `_:x` or a literal), as plain text."""
    text = str(term) if term is not None else ""
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    return text


def _local(term: object) -> str:
    return _n3(term).rsplit("#", 1)[-1]


def _key(focus: object, path: object, shape: object, component: object, severity: object) -> Key:
    def node(term: object) -> str:
        text = _n3(term)
        return "_:blank" if isinstance(term, BNode) or text.startswith("_:") else text

    return (node(focus), node(path), node(shape), _local(component), _local(severity))


def keys_of_report(report: Graph) -> set[Key]:
    """The top-level results of a W3C validation report (nested sh:detail results are the holder's)."""
    return {
        _key(
            report.value(r, SH.focusNode),
            report.value(r, SH.resultPath),
            report.value(r, SH.sourceShape),
            report.value(r, SH.sourceConstraintComponent),
            report.value(r, SH.resultSeverity),
        )
        for r in report.objects(None, SH.result)
    }


class Engines:
    """Each engine's call on a case, returning its result keys. Shapes are compiled once per profile
    where the engine allows it (as a build would)."""

    def __init__(self) -> None:
        from pyshacl.rdfutil.inoculate import inoculate

        from hgkbp_ld.validate import ontology_graph

        self.ontology = ontology_graph()
        self.inoculated = inoculate(Graph(), self.ontology)  # what pyshacl adds to the data
        self._compiled: dict[tuple[str, int], object] = {}
        self._text: dict[int, str] = {}

    def _shapes_text(self, profile: Graph) -> str:
        if id(profile) not in self._text:
            self._text[id(profile)] = profile.serialize(format="turtle")
        return self._text[id(profile)]

    def _data(self, case: Case) -> Graph:
        data = Graph()
        data += case.data
        data += self.inoculated
        return data

    @staticmethod
    def _focus(case: Case) -> list[URIRef] | None:
        """pyshacl's focus nodes: not for a catalogue, which is validated whole (`validate_catalogue`)."""
        return None if case.catalogue is not None else case.focus

    @staticmethod
    def _kept(case: Case, keys: set[Key]) -> set[Key]:
        if case.focus is None:
            return keys
        focus = {str(f) for f in case.focus}
        return {k for k in keys if k[0] in focus}

    def pyshacl(self, case: Case, profile: Graph) -> set[Key]:
        from pyshacl import validate

        from hgkbp_ld.validate import _prepared_queries

        with _prepared_queries():  # as hgkbp_ld.validate calls it: each SPARQL text parsed once
            _conforms, report, _text = validate(
                case.data, shacl_graph=profile, ont_graph=self.ontology, inference="none", advanced=True,
                allow_warnings=True, focus_nodes=self._focus(case),
            )  # fmt: skip
        return self._kept(case, keys_of_report(report))

    def pyshacl_turbo(self, case: Case, profile: Graph) -> set[Key]:
        """As `hgkbp_ld.validate` calls it: shapes compiled once, the vocabulary's axioms worked out once
        (pyshacl-turbo's one-call `validate(ont_graph=...)` redoes both on every call)."""
        from hgkbp_ld.validate import _turbo

        _conforms, report = _turbo(case.data, profile, self._focus(case))
        return self._kept(case, keys_of_report(report))

    def pyshifty(self, case: Case, profile: Graph) -> set[Key]:
        import shifty

        _conforms, report, _text = shifty.validate(self._data(case), profile, graph_mode="data", infer=False)
        return self._kept(case, keys_of_report(report))

    def shacl(self, case: Case, profile: Graph) -> set[Key]:
        import shacl

        compiled = self._compiled.get(("shacl", id(profile)))
        if compiled is None:
            compiled = self._compiled["shacl", id(profile)] = shacl.Shapes.from_turtle(self._shapes_text(profile))
        report = compiled.validate_turtle(self._data(case).serialize(format="nt"))  # type: ignore[attr-defined]
        keys = {_key(r.focus_node, r.path, r.source_shape, r.component, r.severity) for r in report.results}
        return self._kept(case, keys)

    def shacl_rust(self, case: Case, profile: Graph) -> set[Key]:
        import shacl_rust

        data = self._data(case).serialize(format="nt")
        report = shacl_rust.validate(data, self._shapes_text(profile), data_format="nt")
        keys = {
            _key(
                r.get("focusNode"),
                r.get("resultPath"),
                r.get("sourceShape"),
                r.get("sourceConstraintComponent"),
                r.get("severity"),
            )
            for r in report["results"]
        }
        return self._kept(case, keys)

    def pyrudof(self, case: Case, profile: Graph) -> set[Key]:
        import pyrudof

        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(self._data(case).serialize(format="nt"), format=pyrudof.RDFFormat.NTriples)
        rudof.read_shacl(self._shapes_text(profile), format=pyrudof.ShaclFormat.Turtle)
        report = rudof.validate_shacl()
        keys = {
            _key(v.focus_node, v.path, v.source_shape, v.constraint_component, v.severity) for v in report.violations
        }
        return self._kept(case, keys)


ENGINES: dict[str, tuple[str, str]] = {  # name: (distribution, Engines method)
    "pyshacl": ("pyshacl", "pyshacl"),
    "pyshacl-turbo": ("pyshacl-turbo", "pyshacl_turbo"),
    "pyshifty": ("pyshifty", "pyshifty"),
    "shacl": ("shacl", "shacl"),
    "shacl-rust": ("shacl-rust", "shacl_rust"),
    "pyrudof": ("pyrudof", "pyrudof"),
}
