"""pyshacl-turbo validates by default only because it gives pyshacl's report: checked on every
negative test of the shapes (the own profile's one case at a time in test_shapes.test_negative, which
validates each case with both engines; here the applied Mandatendatabank rules and the DCAT rules of
the catalogue) and on the real build. A report is the same when every result has the same focus node,
shape, constraint component, named constraint, path, value and severity (the wording of the messages
an engine writes itself may differ: docs/validation.md lists them). Also: the engine is a setting,
one flag away, and an engine that cannot read the shapes stops the build with a clear message."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from hgkbp_ld import official, rdfio, validate
from hgkbp_ld.settings import Settings, SettingsError
from tests import test_catalogue, test_official, test_shapes
from tests.test_shapes import unworded


@dataclass
class Case:
    group: str  # own profile, Mandatendatabank, catalogue, real data
    name: str
    data: Graph
    profile: Graph
    focus: list[URIRef] | None  # the nodes whose results count (None: all)
    catalogue: Graph | None = None  # a catalogue case: validated by `validate_catalogue` (the whole graph)
    inplace: bool = False  # `data` holds the vocabulary's axioms already: both engines validate it in place


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    copy += graph
    return copy


def catalogue_case(group: str, name: str, catalogue: Graph) -> Case:
    """As `validate_catalogue` validates it: with the background it can reach, the whole graph, the
    results on its own nodes."""
    data = _copy(catalogue)
    data += official.background_of(catalogue)
    focus = sorted(s for s in set(catalogue.subjects()) if isinstance(s, URIRef))
    return Case(group, name, data, validate.catalogue_profile(), focus, catalogue)


def run(case: Case, engine: str) -> validate.Report:
    """The case validated as the build or the negative test validates it."""
    if case.catalogue is not None:
        return validate.validate_catalogue(case.catalogue, engine=engine)
    if not case.inplace:
        return validate.validate(case.data, focus=case.focus, shapes=case.profile, engine=engine)
    size = len(case.data)
    report = validate.validate(case.data, focus=case.focus, shapes=case.profile, engine=engine, inplace=True)
    assert len(case.data) == size, f"{case.name}: {engine} changed the graph it validated in place"
    return report


def negative_cases(built: Graph, catalogue: Graph) -> Iterator[Case]:
    """The data graph of every negative test of the official rules (the Mandatendatabank's, the
    catalogue's), made as the test makes it. The own profile's negative tests compare the two engines
    themselves (test_shapes.test_negative), on the graph they make anyway. A Mandatendatabank case is
    the real graph with the vocabulary's axioms (what each engine would otherwise add to a copy of its
    own: most of a validation's time, as in test_shapes), mutated, and validated in place."""
    shapes = official.mandatendatabank()
    built = _copy(built)
    built += validate._vocabulary_axioms()  # as test_shapes.with_axioms
    for anchor, node_shape, prop, constraint in test_official.CASES:
        if constraint == SH["class"] and shapes.value(prop, SH.path) == RDF.type:
            continue  # the test skips it too
        graph = _copy(built)
        if constraint == SH.nodeKind and shapes.value(prop, SH.nodeKind) == SH.Literal:
            focus = test_official.FOCUS[node_shape]
            graph.set((focus, shapes.value(prop, SH.path), URIRef("http://example.org/not-a-literal")))
        else:
            focus = test_shapes._property_mutation(shapes, prop, constraint, test_official.FOCUS[node_shape])(graph)
        name = f"{anchor.rsplit('#', 1)[-1]}-{str(constraint).rsplit('#', 1)[-1]}"
        yield Case("Mandatendatabank", name, graph, validate.plan_profile(), [focus], inplace=True)
    dcterms_format = test_catalogue.DCTERMS["format"]
    for name, triple, _rule, _component in test_catalogue.RULES:
        broken = _copy(catalogue)
        if triple == (None, RDF.type, None):  # as the test: the file type no longer typed by the code list
            for fmt in broken.objects(test_catalogue.TTL, dcterms_format):
                broken.remove((fmt, RDF.type, None))
            broken.add((test_catalogue.TTL, dcterms_format, URIRef("http://example.org/not-a-file-type")))
        else:
            broken.remove(triple)
        yield catalogue_case("catalogue", name, broken)


def _disagreements(cases: list[Case]) -> list[str]:
    found = []
    for case in cases:
        reports = {engine: run(case, engine) for engine in validate.ENGINES}
        reference = reports["pyshacl"]
        if case.group != "real data":
            assert not reference.conforms, f"{case.name}: not a negative case"
        if unworded(reference) != unworded(reports["pyshacl-turbo"]):
            found.append(
                f"{case.group} / {case.name}:\n{reference.text(5)}\n--- pyshacl-turbo:\n{reports['pyshacl-turbo'].text(5)}"
            )
    return found


@pytest.fixture(scope="module")
def cases(built_graph: Graph, dist: Path) -> list[Case]:
    return list(negative_cases(built_graph, Graph().parse(dist / "catalogus.ttl")))


@pytest.mark.parametrize("group", ["Mandatendatabank", "catalogue"])
def test_pyshacl_turbo_gives_pyshacl_s_report_on_every_negative_test(cases: list[Case], group: str) -> None:
    chosen = [c for c in cases if c.group == group]
    assert len(chosen) >= {"Mandatendatabank": 20, "catalogue": 20}[group]
    disagreements = _disagreements(chosen)
    assert not disagreements, "\n\n".join(disagreements[:5])


def test_pyshacl_turbo_gives_pyshacl_s_report_on_the_real_build(built_graph: Graph, dist: Path) -> None:
    real = [
        Case("real data", "the plan", built_graph, validate.plan_profile(), None),
        Case("real data", "its dump", Graph().parse(dist / "hgkbp-2025-2029.nt"), validate.plan_profile(), None),
        catalogue_case("real data", "catalogus.ttl", Graph().parse(dist / "catalogus.ttl")),
    ]
    assert not _disagreements(real)
    assert validate.validate(real[1].data, engine="pyshacl-turbo").conforms


def test_a_plan_read_from_its_ntriples_gives_the_report_of_its_graph(cases: list[Case], built_graph: Graph) -> None:
    """The build hands pyshacl-turbo a plan's dump (N-Triples, in a pyoxigraph store with the vocabulary's
    axioms) instead of its rdflib graph: the same report, result for result, on every negative case of the
    Mandatendatabank rules (its focus nodes) and on the real plan, whole."""
    added = [t for t in validate._vocabulary_axioms() if t not in built_graph]  # each case holds them: taken out
    chosen = [c for c in cases if c.group == "Mandatendatabank"]
    chosen.append(Case("real data", "the plan", built_graph, validate.plan_profile(), None))
    assert len(chosen) > 20
    for case in chosen:
        data = _copy(case.data)
        for triple in added:
            data.remove(triple)
        given = rdfio.serialise(data, "nt")
        ours = validate.validate(data, case.focus, case.profile, "pyshacl-turbo", ntriples=given)
        assert ours == validate.validate(data, case.focus, case.profile, "pyshacl-turbo"), case.name
        assert ours.conforms == (case.group == "real data"), case.name


def test_the_engine_is_a_setting_with_pyshacl_one_flag_away(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HGKBP_SHACL_ENGINE", raising=False)
    assert Settings.from_env().shacl_engine == "pyshacl-turbo"
    monkeypatch.setenv("HGKBP_SHACL_ENGINE", "pyshacl")
    assert validate.current_engine() == "pyshacl"
    monkeypatch.setenv("HGKBP_SHACL_ENGINE", "jena")
    with pytest.raises(SettingsError, match="HGKBP_SHACL_ENGINE is 'jena'; use pyshacl or pyshacl-turbo"):
        Settings.from_env()
    try:
        validate.use_engine("pyshacl")  # --shacl-engine pyshacl: over the environment
        assert validate.current_engine() == "pyshacl"
        # and in the worker processes the build spawns (monkeypatch restores the environment)
        code = "from hgkbp_ld.validate import current_engine; print(current_engine())"
        spawned = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
        assert spawned.stdout.strip() == "pyshacl"
    finally:
        validate.use_engine(None)
    from hgkbp_ld.cli import parser as _parser

    assert _parser().parse_args(["build", "--shacl-engine", "pyshacl"]).shacl_engine == "pyshacl"


def test_an_engine_that_cannot_read_the_shapes_says_so_and_what_to_do() -> None:
    """A SPARQL constraint whose prefix is declared nowhere SHACL looks (5.2.1: sh:prefixes names a node
    that sh:declare's it): pyshacl lets the data graph's prefixes stand in (the own profile relied on
    that for `bp:` until pyshacl-turbo refused it), pyshacl-turbo cannot parse the query, and the build
    must stop with a clear line rather than go on."""
    parsed = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetNode <urn:a> ;
            sh:sparql [ sh:select "SELECT $this WHERE { $this ex:p ?o }" ] .""",
        format="turtle",
    )
    shapes = Graph()
    shapes += parsed  # without the file's prefixes, as the profiles are put together
    data = Graph()
    data.bind("ex", "urn:ex#")
    data.add((URIRef("urn:a"), RDF.value, Literal(1, datatype=XSD.integer)))
    assert validate.validate(data, shapes=shapes, engine="pyshacl").conforms
    with pytest.raises(validate.EngineError, match=r"pyshacl-turbo cannot validate .*--shacl-engine pyshacl"):
        validate.validate(data, shapes=shapes, engine="pyshacl-turbo")


def test_a_dump_the_engine_cannot_parse_names_its_line_not_another_engine() -> None:
    """A plan's dump is handed to pyshacl-turbo as text: a term no N-Triples parser takes (an IRI with a
    space) is the data's fault, so the error names the line of the dump and does not send the user to
    another engine (which would validate rdflib's graph and let the term through to the store)."""
    data = Graph()
    data.add((URIRef("https://data.vlaanderen.be/id/x/a b"), RDF.type, URIRef("urn:ex#Thing")))
    dump = b"<urn:ex:fine> <urn:ex:p> <urn:ex:o> .\n" + rdfio.serialise(data, "nt")
    with pytest.raises(validate.EngineError, match=r"not valid RDF \(RDF parse error.* line 2\b") as raised:
        validate.validate(data, engine="pyshacl-turbo", ntriples=dump)
    assert "--shacl-engine" not in str(raised.value)


def test_a_catalogue_read_from_its_ntriples_gives_the_report_of_its_graph(cases: list[Case], dist: Path) -> None:
    """The build's catalogue check is sent the catalogue's N-Triples and hands pyshacl-turbo those lines, the
    background they reach and the vocabulary's axioms as one text (`validate_catalogue_ntriples`), not the
    rdflib graphs `validate_catalogue` copies: the same report, result for result (its messages too), on every
    negative case of the catalogue's rules and on the real catalogue; and with pyshacl, pyshacl's."""
    chosen = [c for c in cases if c.group == "catalogue"]
    chosen.append(catalogue_case("real data", "catalogus.ttl", Graph().parse(dist / "catalogus.ttl")))
    assert len(chosen) > 20
    for case in chosen:
        assert case.catalogue is not None
        given = rdfio.serialise(case.catalogue, "nt")
        ours = validate.validate_catalogue_ntriples(given, engine="pyshacl-turbo")
        assert ours == validate.validate_catalogue(case.catalogue, engine="pyshacl-turbo"), case.name
        assert ours.conforms == (case.group == "real data"), case.name
    real = rdfio.serialise(chosen[-1].catalogue, "nt")  # type: ignore[arg-type]
    assert validate.validate_catalogue_ntriples(real, engine="pyshacl") == validate.validate_catalogue(
        chosen[-1].catalogue,  # type: ignore[arg-type]
        engine="pyshacl",
    )


def test_the_background_a_catalogue_reaches_is_the_same_from_its_terms(dist: Path) -> None:
    """`official.background_reached` of a catalogue's subjects and objects (what the N-Triples check reads of
    it) is `background_of` its graph: the code lists' statements about them and the class hierarchy."""
    catalogue = Graph().parse(dist / "catalogus.ttl")
    used = {t for s, _p, o in catalogue for t in (s, o) if isinstance(t, URIRef)}
    reached = official.background_reached(used)
    assert set(reached) == set(official.background_of(catalogue))
    assert len(reached) > len(set(official.background().triples((None, RDFS.subClassOf, None))))
