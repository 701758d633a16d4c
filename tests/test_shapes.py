"""Every shape and every constraint of shapes/ has a negative test.

Each case makes one small mutation of the real built graph and checks that validation fails
with that shape and that constraint named in the report. Most mutations follow from the kind
of constraint (delete the values for sh:minCount, add one for sh:maxCount, ...); the SPARQL
constraints have hand-written ones. A meta-test makes sure no constraint is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH, XSD

from hgkbp_ld import validate as validate_module
from hgkbp_ld.iris import BP, MANDAAT
from hgkbp_ld.validate import Report, current_engine, shapes_graph, validate

BASE = "https://data.vlaanderen.be"
PLAN = "hgkbp-2025-2029"
SHAPES_NS = "https://data.vlaanderen.be/doc/applicatieprofiel/beleidsplan#"
ELSEWHERE = URIRef("http://example.org/not-a-resource-of-this-dataset")


def iri(path: str) -> URIRef:
    return URIRef(f"{BASE}/id/{path}")


# The real resource each node shape is tested on.
FOCUS = {
    "BeleidsplanShape": iri(f"beleidsplan/{PLAN}"),
    "HorizontaleDoelstellingShape": iri(f"doelstelling/{PLAN}/HD1"),
    "BijdrageShape": iri(f"doelstelling/{PLAN}/HD7/bijdrage/sdg-5.1"),
    "OperationeleDoelstellingShape": iri(f"doelstelling/{PLAN}/OD2.2"),
    "ActieShape": iri(f"actie/{PLAN}/12"),
    "IndicatorShape": iri(f"indicator/{PLAN}/1-1"),
    "StreefwaardeShape": iri(f"indicator/{PLAN}/1-1/streefwaarde"),
    "PeriodeShape": iri(f"periode/{PLAN}/actie-12"),
    "BevoegdheidShape": iri("bevoegdheid/gelijke-kansen"),
    "BegripShape": iri("bevoegdheid/gelijke-kansen"),
    "BegrippenkaderShape": iri("conceptscheme/bevoegdheid"),
    "MandatarisShape": iri("mandataris/caroline-gennez-2024"),
    "PersoonShape": iri("persoon/caroline-gennez"),
    "DatasetShape": iri(f"dataset/{PLAN}"),
    "BrontekstShape": iri(f"bron/{PLAN}"),
    "ControlegetalShape": URIRef(f"{BASE}/id/bron/{PLAN}#sha256"),
    "SoftwareShape": iri("software/hgkbp-ld"),
}

Mutation = Callable[[Graph], URIRef | BNode]  # mutates the graph, returns the node to validate


def _plan(g: Graph) -> URIRef:
    return FOCUS["BeleidsplanShape"]


def _unlink_goal(g: Graph) -> URIRef:
    g.remove((_plan(g), BP.heeftDoelstelling, FOCUS["HorizontaleDoelstellingShape"]))
    return FOCUS["HorizontaleDoelstellingShape"]


def _unlink_od(g: Graph) -> URIRef:
    od = FOCUS["OperationeleDoelstellingShape"]
    g.remove((iri(f"doelstelling/{PLAN}/HD2"), BP.heeftOperationeleDoelstelling, od))
    return od


def _od_empty(g: Graph) -> URIRef:
    od = FOCUS["OperationeleDoelstellingShape"]
    g.remove((od, BP.heeftActie, None))
    g.remove((od, DCTERMS.description, None))
    return od


def _no_responsible(g: Graph) -> URIRef:
    action = FOCUS["ActieShape"]
    g.remove((action, BP.verantwoordelijke, None))
    return action


def _unreachable(g: Graph) -> URIRef:
    action = FOCUS["ActieShape"]
    g.remove((None, BP.heeftActie, action))
    return action


def _wrong_parent(g: Graph) -> URIRef:
    action = FOCUS["ActieShape"]
    g.set((action, BP.isDeelVan, iri(f"doelstelling/{PLAN}/OD1.1")))
    return action


def _period_reversed(g: Graph) -> URIRef:
    period = FOCUS["PeriodeShape"]
    g.set((period, URIRef("http://www.w3.org/ns/dcat#startDate"), Literal("2031", datatype=XSD.gYear)))
    return period


def _mandate_reversed(g: Graph) -> URIRef:
    mandate = FOCUS["MandatarisShape"]
    g.set((mandate, MANDAAT.einde, Literal("2020-01-01T00:00:00", datatype=XSD.dateTime)))
    return mandate


SPARQL_CASES: dict[str, Mutation] = {
    "HD-terugverwijzing": _unlink_goal,
    "OD-terugverwijzing": _unlink_od,
    "OD-actieOfBeschrijving": _od_empty,
    "Actie-verantwoordelijkeOfVerwijzing": _no_responsible,
    "Actie-bereikbaar": _unreachable,
    "Actie-terugverwijzing": _wrong_parent,
    "Periode-startVoorEinde": _period_reversed,
    "Mandataris-startVoorEinde": _mandate_reversed,
}


@dataclass(frozen=True)
class Case:
    shape: str  # local name in the shapes namespace
    component: str  # e.g. MinCountConstraintComponent, or the SPARQL constraint's local name
    mutate: Mutation

    @property
    def id(self) -> str:
        return f"{self.shape}-{self.component.removesuffix('ConstraintComponent')}"


def _local(node: URIRef) -> str:
    return str(node).removeprefix(SHAPES_NS)


def _node_shape_of(shapes: Graph, shape: URIRef) -> URIRef:
    if (shape, RDF.type, SH.NodeShape) in shapes:
        return shape
    owner = shapes.value(None, SH.property, shape)
    assert owner is not None, f"property shape {shape} belongs to no node shape"
    return owner


def _wrong_value(shapes: Graph, shape: URIRef) -> Literal | URIRef:
    """A value that breaks the datatype of a property shape."""
    datatype = shapes.value(shape, SH.datatype)
    if datatype == RDF.langString:
        return Literal("x")
    return Literal("x", lang="nl")


def _property_mutation(shapes: Graph, shape: URIRef, constraint: URIRef, focus: URIRef) -> Mutation:
    path = shapes.value(shape, SH.path)
    assert isinstance(path, URIRef)

    def replace(value: Literal | URIRef) -> Mutation:
        def mutate(g: Graph) -> URIRef:
            g.remove((focus, path, None))
            g.add((focus, path, value))
            return focus

        return mutate

    def add(*values: Literal | URIRef) -> Mutation:
        def mutate(g: Graph) -> URIRef:
            for value in values:
                g.add((focus, path, value))
            return focus

        return mutate

    if constraint == SH.minCount:
        return lambda g: (g.remove((focus, path, None)), focus)[1]
    if constraint == SH.maxCount:
        if shapes.value(shape, SH.datatype) == RDF.langString:
            return add(Literal("extra een", lang="nl"), Literal("extra twee", lang="nl"))
        if shapes.value(shape, SH.datatype) is not None:
            datatype = shapes.value(shape, SH.datatype)
            samples = {
                XSD.integer: ("8", "9"),
                XSD.gYear: ("2027", "2028"),
                XSD.dateTime: ("2025-01-01T00:00:00", "2025-02-01T00:00:00"),
                XSD.decimal: ("8.0", "9.0"),
                XSD.hexBinary: ("ab", "cd"),
            }.get(datatype, ("extra een", "extra twee"))
            return add(*(Literal(s, datatype=datatype) for s in samples))
        return add(URIRef(f"{ELSEWHERE}/1"), URIRef(f"{ELSEWHERE}/2"))
    if constraint == SH.datatype:
        return replace(_wrong_value(shapes, shape))
    if constraint == SH.languageIn:
        return replace(Literal("in English", lang="en"))
    if constraint == SH.uniqueLang:
        return add(Literal("een tweede titel", lang="nl"))
    if constraint == SH["class"]:
        return add(ELSEWHERE)
    if constraint == SH.nodeKind:
        return add(Literal("not an IRI"))
    if constraint == SH.pattern:
        iri_kind = shapes.value(shape, SH.nodeKind) == SH.IRI or shapes.value(shape, SH["class"]) is not None
        return replace(ELSEWHERE if iri_kind else Literal("does not match"))
    if constraint == SH.minInclusive:
        datatype = shapes.value(shape, SH.datatype)
        return replace(Literal("-1.0" if datatype == XSD.decimal else "-1", datatype=datatype))
    if constraint == SH.minLength:
        return replace(Literal("", lang="nl"))
    if constraint == SH.hasValue:
        return replace(ELSEWHERE)
    if constraint == SH.disjoint:
        other = shapes.value(shape, SH.disjoint)

        def mutate(g: Graph) -> URIRef:
            for value in list(g.objects(focus, path)):
                g.add((focus, other, value))
            return focus

        return mutate
    raise NotImplementedError(f"no negative test for {constraint} on {shape}")


def _node_mutation(shapes: Graph, shape: URIRef, constraint: URIRef) -> Mutation:
    target = shapes.value(shape, SH.targetClass)
    focus = FOCUS[_local(shape)]
    if constraint == SH.nodeKind:

        def blank(g: Graph) -> BNode:
            node = BNode()
            g.add((node, RDF.type, target))
            return node

        return blank
    if constraint == SH.pattern:

        def elsewhere(g: Graph) -> URIRef:
            g.add((ELSEWHERE, RDF.type, target))
            return ELSEWHERE

        return elsewhere
    if constraint == SH["class"]:
        return lambda g: (g.remove((focus, RDF.type, shapes.value(shape, SH["class"]))), focus)[1]
    raise NotImplementedError(f"no negative test for {constraint} on {shape}")


NODE_CONSTRAINTS = (SH.nodeKind, SH.pattern, SH["class"])
PROPERTY_CONSTRAINTS = (
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH.languageIn,
    SH.uniqueLang,
    SH["class"],
    SH.nodeKind,
    SH.pattern,
    SH.minInclusive,
    SH.minLength,
    SH.hasValue,
    SH.disjoint,
)
COMPONENT = {
    SH.minCount: "MinCount",
    SH.maxCount: "MaxCount",
    SH.datatype: "Datatype",
    SH.languageIn: "LanguageIn",
    SH.uniqueLang: "UniqueLang",
    SH["class"]: "Class",
    SH.nodeKind: "NodeKind",
    SH.pattern: "Pattern",
    SH.minInclusive: "MinInclusive",
    SH.minLength: "MinLength",
    SH.hasValue: "HasValue",
    SH.disjoint: "Disjoint",
}
# Everything a shape can say that is not a constraint (or is checked elsewhere).
NOT_CONSTRAINTS = {RDF.type, SH.targetClass, SH.name, SH.description, SH.property, SH.path, SH.sparql}


def cases() -> list[Case]:
    shapes = shapes_graph()
    found: list[Case] = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        for constraint in NODE_CONSTRAINTS:
            if shapes.value(shape, constraint) is not None:
                found.append(
                    Case(
                        _local(shape),
                        COMPONENT[constraint] + "ConstraintComponent",
                        _node_mutation(shapes, shape, constraint),
                    )
                )
        for sparql in sorted(shapes.objects(shape, SH.sparql)):
            found.append(Case(_local(shape), _local(sparql), SPARQL_CASES[_local(sparql)]))
    for prop in sorted(set(shapes.subjects(RDF.type, SH.PropertyShape))):
        focus = FOCUS[_local(_node_shape_of(shapes, prop))]
        for constraint in PROPERTY_CONSTRAINTS:
            if shapes.value(prop, constraint) is not None:
                found.append(
                    Case(
                        _local(prop),
                        COMPONENT[constraint] + "ConstraintComponent",
                        _property_mutation(shapes, prop, constraint, focus),
                    )
                )
    return found


CASES = cases()


def test_every_constraint_of_every_shape_has_a_case() -> None:
    shapes = shapes_graph()
    known = set(NODE_CONSTRAINTS) | set(PROPERTY_CONSTRAINTS) | NOT_CONSTRAINTS
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape)):
        assert isinstance(shape, URIRef), "every shape has an IRI, so that reports can name it"
        unknown = {p for p in shapes.predicates(shape, None)} - known
        assert not unknown, f"{shape} uses {unknown}, which no negative test covers"
    covered = {(c.shape, c.component) for c in CASES}
    assert len(covered) == len(CASES)
    assert set(SPARQL_CASES) == {_local(s) for s in shapes.objects(None, SH.sparql)}
    assert len(CASES) > 150


def test_the_real_build_conforms(built_graph: Graph) -> None:
    report = validate(built_graph)
    assert report.conforms, report.text()


def unworded(report: Report) -> tuple[bool, list[tuple[str, ...]]]:
    """A report but for the wording of messages: what the two engines must agree on (focus node,
    shape, constraint component, named constraint, path, value, severity; docs/validation.md)."""
    results = sorted(
        (v.focus, v.shape, v.component, v.constraint or "", v.path or "", v.value or "", v.severity)
        for v in report.violations
    )
    return report.conforms, results


class Undoable(Graph):
    """A graph that remembers what was added and removed, and can take it back: the ~250 cases mutate one
    copy of the real graph in turn instead of each copying all of it (rdflib adds a triple at a time)."""

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[tuple[bool, tuple]] = []  # (added?, triple), in order

    def add(self, triple: tuple) -> Undoable:
        if triple not in self:
            self.changes.append((True, triple))
        return super().add(triple)

    def addN(self, quads: Iterable[tuple]) -> Undoable:  # rdflib's name
        for s, p, o, _graph in quads:
            self.add((s, p, o))
        return self

    def remove(self, pattern: tuple) -> Undoable:
        self.changes.extend((False, triple) for triple in list(self.triples(pattern)))
        return super().remove(pattern)

    def undo(self, original: Graph) -> None:
        """Take back every change, and check that each triple touched is as it is in `original`."""
        for added, triple in reversed(self.changes):
            (Graph.remove if added else Graph.add)(self, triple)
        touched = {triple for _added, triple in self.changes}
        self.changes.clear()
        assert len(self) == len(original) and all((t in self) == (t in original) for t in touched)


@pytest.fixture(scope="module")
def with_axioms(built_graph: Graph) -> Graph:
    """The real graph and the vocabulary's axioms, which both engines validate with it (validate.py): what
    each engine's own copy of the graph holds when it validates."""
    graph = Graph()
    graph += built_graph
    graph += validate_module._vocabulary_axioms()
    return graph


@pytest.fixture(scope="module")
def real_graph(with_axioms: Graph) -> Undoable:
    graph = Undoable()
    graph += with_axioms
    graph.changes.clear()
    return graph


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_negative(real_graph: Undoable, with_axioms: Graph, case: Case) -> None:
    """The case fails validation naming its shape and constraint, and the default engine's report is
    pyshacl's, the reference (test_validators.py does the same for the other profiles' negative tests;
    each case's graph is made and validated once for both checks). The case's graph is the real graph
    with the case's mutation, taken back afterwards. Validated in place (`inplace`): the graph holds the
    vocabulary's axioms already, which the engines would add to a copy of it (a copy of the 2,500-triple
    graph per engine was ~90 % of a case's time); whatever they add is taken back with the mutation."""
    graph = real_graph
    try:
        _check_negative(graph, case)
    finally:
        graph.undo(with_axioms)


def _check_negative(graph: Graph, case: Case) -> None:
    focus = case.mutate(graph)
    # pyshacl focuses on IRIs only; a blank node (the sh:nodeKind cases) needs a full run.
    focus_nodes = [focus] if isinstance(focus, URIRef) else None
    report = validate(graph, focus=focus_nodes, inplace=True)
    assert not report.conforms
    reference = (
        report if current_engine() == "pyshacl" else validate(graph, focus=focus_nodes, engine="pyshacl", inplace=True)
    )
    assert unworded(reference) == unworded(report), (
        f"{case.id}: pyshacl:\n{reference.text(5)}\n--- {current_engine()}:\n{report.text(5)}"
    )
    shape = SHAPES_NS + case.shape
    if case.component.endswith("ConstraintComponent"):
        hits = [v for v in report.violations if v.shape == shape and v.component == case.component]
    else:
        hits = [v for v in report.violations if v.constraint == SHAPES_NS + case.component]
    assert hits, f"expected {case.id} among:\n{report.text()}"
