"""The official shape files: verbatim copies, their known defects mended at load (never in the files),
and the OSLO Mandatendatabank rules the plan applies, each with a negative test on the real plan."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from hgkbp_ld import official
from hgkbp_ld.validate import validate
from tests.test_shapes import _property_mutation

README = official.OFFICIAL / "README.md"
MDB = "https://data.vlaanderen.be/doc/applicatieprofiel/mandatendatabank/erkendestandaard/2025-12-11#"
BASE = "https://data.vlaanderen.be/id/"
FOCUS = {
    "MandatarisShape": URIRef(BASE + "mandataris/caroline-gennez-2024"),
    "PersoonShape": URIRef(BASE + "persoon/caroline-gennez"),
    "BestuursorgaanShape": URIRef("http://themis.vlaanderen.be/id/bestuursorgaan/7f2c82aa-75ac-40f8-a6c3-9fe539163025"),
}


def _vendored() -> list[tuple[str, str]]:
    """(file, SHA-256) of every row of the README's table."""
    rows = re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", README.read_text(encoding="utf-8"), re.M)
    return rows


def test_every_vendored_file_is_listed_with_its_checksum() -> None:
    listed = {name for name, _sha in _vendored()}
    present = {str(p.relative_to(official.OFFICIAL)) for p in official.OFFICIAL.rglob("*") if p.is_file()}
    assert listed == present - {"README.md"}


@pytest.mark.parametrize(("name", "sha256"), _vendored(), ids=lambda v: v if "/" in v else "")
def test_the_copies_are_verbatim(name: str, sha256: str) -> None:
    assert hashlib.sha256((official.OFFICIAL / name).read_bytes()).hexdigest() == sha256


def test_counts_written_as_strings_are_mended() -> None:
    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:a> sh:minCount "1" ; sh:maxCount "n" . <urn:b> sh:maxCount "n"^^xsd:integer ; sh:minCount 2 .""",
        format="turtle",
    )
    official.counts_as_integers(shapes)
    assert shapes.value(URIRef("urn:a"), SH.minCount) == Literal(1)
    assert shapes.value(URIRef("urn:a"), SH.maxCount) is None
    assert shapes.value(URIRef("urn:b"), SH.maxCount) is None
    assert shapes.value(URIRef("urn:b"), SH.minCount) == Literal(2)


def test_the_official_files_load_mended() -> None:
    for shapes in (official.dcat_ap_vl(), official.mandatendatabank()):
        for predicate in (SH.minCount, SH.maxCount):
            assert all(isinstance(c, Literal) and c.datatype == XSD.integer for c in shapes.objects(None, predicate))
    patterns = {str(p) for p in official.dcat_ap().objects(None, SH.pattern)}
    assert "^https?://spdx.org/rdf/terms" in patterns and "^https://spdx.org/rdf/terms" not in patterns
    # the file itself keeps the published pattern
    assert '"^https://spdx.org/rdf/terms"' in (official.OFFICIAL / "dcat-ap-3.0.1" / "mdr-vocabularies.shape.ttl").read_text()
    # sh:shape (no SHACL term: sh:node was meant) is dropped, and stays in the file
    assert not list(official.dcat_ap().subject_objects(URIRef(f"{SH}shape")))
    assert "sh:shape :DateOrDateTimeDataType_Shape" in (official.OFFICIAL / "dcat-ap-3.0.1" / "shapes.ttl").read_text()


def test_a_rule_of_the_profile_left_out_of_the_list_stops_the_load(tmp_path: Path) -> None:
    rules = tmp_path / "rules.csv"
    text = official.MANDATENDATABANK_RULES.read_text(encoding="utf-8")
    rules.write_text("\n".join(line for line in text.splitlines() if "mandaat#status" not in line) + "\n")
    with pytest.raises(official.OfficialShapesError, match=r"rules\.csv: the rule MandatarisShape .*mandaat#status"):
        official.mandatendatabank(rules)


def test_rules_not_applied_are_left_out_and_say_why() -> None:
    rules = official.mandatendatabank_rules()
    skipped = {(r.shape, r.path) for r in rules if not r.applied}
    assert ("PersoonShape", "https://data.vlaanderen.be/ns/persoon#geslacht") in skipped
    assert ("MandatarisShape", "http://data.vlaanderen.be/ns/mandaat#einde") in skipped
    paths = {str(p) for p in official.mandatendatabank().objects(None, SH.path)}
    assert "https://data.vlaanderen.be/ns/persoon#geslacht" not in paths
    assert "http://data.vlaanderen.be/ns/mandaat#status" in paths


def _applied_cases() -> list[tuple[str, str, URIRef, URIRef]]:
    """(rule anchor, node shape, property shape, constraint) for every constraint of every applied rule."""
    shapes = official.mandatendatabank()
    cases = []
    for node_shape, prop in shapes.subject_objects(SH.property):
        local = str(node_shape).rsplit("#", 1)[-1]
        if local not in FOCUS:
            continue
        for constraint in (SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind):
            if shapes.value(prop, constraint) is not None:
                anchor = str(shapes.value(prop, RDFS.seeAlso))
                cases.append((anchor, local, prop, constraint))
    return sorted(cases, key=lambda c: (c[0], str(c[3])))


CASES = _applied_cases()


def test_the_applied_rules_are_the_ones_listed() -> None:
    anchors = {c[0].removeprefix(MDB) for c in CASES}
    assert {"Mandataris.Status", "Mandataris.Beleidsdomein", "Mandataris.Bekleedt", "Persoon.Achternaam"} <= anchors
    assert len(CASES) >= 20


@pytest.mark.parametrize(
    ("anchor", "node_shape", "prop", "constraint"),
    CASES,
    ids=[f"{c[0].removeprefix(MDB)}-{str(c[3]).rsplit('#', 1)[-1]}" for c in CASES],
)
def test_breaking_an_applied_mandatendatabank_rule_fails_and_names_it(
    built_graph: Graph, anchor: str, node_shape: str, prop: URIRef, constraint: URIRef
) -> None:
    shapes = official.mandatendatabank()
    graph = Graph()
    graph += built_graph
    if constraint == SH["class"] and shapes.value(prop, SH.path) == RDF.type:
        pytest.skip("no rule constrains rdf:type")
    if constraint == SH.nodeKind and shapes.value(prop, SH.nodeKind) == SH.Literal:  # a resource where a literal goes
        focus = FOCUS[node_shape]
        graph.set((focus, shapes.value(prop, SH.path), URIRef("http://example.org/not-a-literal")))
    else:
        focus = _property_mutation(shapes, prop, constraint, FOCUS[node_shape])(graph)
    report = validate(graph, focus=[focus])
    component = {SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH.datatype: "Datatype", SH["class"]: "Class"}.get(
        constraint, "NodeKind"
    )
    hits = [v for v in report.violations if v.shape == anchor and v.component == component + "ConstraintComponent"]
    assert not report.conforms and hits, f"expected {anchor} {component} among:\n{report.text()}"


def test_the_interim_is_a_temporary_replacement(built_graph: Graph) -> None:
    mandaat = "http://data.vlaanderen.be/ns/mandaat#"
    depraetere = URIRef(BASE + "mandataris/melissa-depraetere-2026-01")
    bonte = URIRef(BASE + "mandataris/hans-bonte-interim-2026")
    assert (depraetere, URIRef(mandaat + "isTijdelijkVervangenDoor"), bonte) in built_graph
    status = "http://data.vlaanderen.be/id/concept/MandatarisStatusCode/"
    assert str(built_graph.value(bonte, URIRef(mandaat + "status"))) == status + "e1ca6edd-55e1-4288-92a5-53f4cf71946a"
    assert str(built_graph.value(depraetere, URIRef(mandaat + "status"))) == status + "c301248f-0199-45ca-b3e5-4c596731d5fe"
    same = URIRef("http://www.w3.org/2002/07/owl#sameAs")
    assert str(built_graph.value(depraetere, same)).endswith("/mandataris/779ec039-3fd7-477c-b0f1-4b6af58526f2")


def test_the_reachable_background_gives_the_same_report_as_the_whole(dist: Path) -> None:
    """validate_catalogue adds only the background the catalogue can reach (for speed): same results."""
    from hgkbp_ld.validate import catalogue_profile

    catalogue = Graph().parse(dist / "catalogus.ttl")
    focus = sorted(s for s in set(catalogue.subjects()) if isinstance(s, URIRef))
    reports = []
    for background in (official.background(), official.background_of(catalogue)):
        data = Graph()
        data += catalogue
        data += background
        reports.append([str(v) for v in validate(data, focus=focus, shapes=catalogue_profile()).violations])
    assert reports[0] == reports[1] and len(official.background_of(catalogue)) < len(official.background()) / 4
