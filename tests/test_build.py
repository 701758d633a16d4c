"""`hgkbp-ld build` as a user runs it: a real process, real files, SPARQL over the dumps."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from hgkbp_ld.bundled import QUERIES
from hgkbp_ld.model import ParsedPlan
from hgkbp_ld.published import FORMAT, SiteError, part_name, read_part, read_site
from hgkbp_ld.registers import PortfolioRegister
from hgkbp_ld.store import read_manifest
from tests.conftest import ROOT, SOURCE, copy_real_data, run_build
from tests.expected import actions_01_28, actions_29_56

SLUG = "hgkbp-2025-2029"
FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}
PREFIXES = """
PREFIX bp: <https://data.vlaanderen.be/ns/beleidsplan#>
PREFIX mandaat: <http://data.vlaanderen.be/ns/mandaat#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@pytest.fixture(scope="module")
def store(dist: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(dist / f"{SLUG}.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    results = store.query(PREFIXES + query)
    names = [v.value for v in results.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in results]


def test_dist_has_every_file(dist: Path) -> None:
    names = sorted(p.name for p in dist.iterdir())
    version = read_manifest(dist)[1][:16]  # the manifest's dataset_version names the rendered site
    assert version == json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["dataset_version"][:16]
    assert names == sorted(
        [f"{SLUG}.{ext}" for ext in FORMATS]
        + ["beleidsplan.ttl", "beleidsplan.context.jsonld", "beleidsplan-shapes.ttl", "manifest.json", "catalogus.ttl"]
        + ["versies", "oxigraph", "site", f"site.{version}"]  # the rendered site (a link to its version) and store
        + ["build-cache"]  # what the next build needs to redo only what changed (hgkbp_ld.incremental)
    )
    assert (dist / "site").is_symlink() and (dist / "site").resolve() == (dist / f"site.{version}").resolve()
    recorded = sorted(p.name for p in (ROOT / "data" / "versions" / SLUG).glob("*.nt"))
    assert sorted(p.name for p in (dist / "versies" / SLUG).iterdir()) == recorded == ["1.nt"]


@pytest.mark.parametrize(
    ("cls", "count"),
    [
        ("bp:Actie", 56),
        ("bp:OperationeleDoelstelling", 26),
        ("bp:HorizontaleDoelstelling", 7),
        ("bp:Indicator", sum(len(a["indicators"]) for a in actions_01_28.ACTIONS + actions_29_56.ACTIONS)),
        ("bp:Bevoegdheid", 19),
        ("mandaat:Mandataris", 25),  # 24 ministers' mandates and Depraetere's during the interim
        ("<http://www.w3.org/ns/person#Person>", 9),
    ],
)
def test_counts(store: ox.Store, cls: str, count: int) -> None:
    (row,) = select(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}")
    assert int(row["n"]) == count


def test_every_action_has_a_responsible_portfolio_except_51(store: ox.Store) -> None:
    rows = select(
        store,
        """SELECT ?n WHERE { ?a a bp:Actie ; bp:volgnummer ?n .
        FILTER NOT EXISTS { ?a bp:verantwoordelijke ?p } }""",
    )
    assert [int(r["n"]) for r in rows] == [51]
    (row,) = select(store, "SELECT ?m WHERE { ?a bp:volgnummer 51 ; bp:wordtUitgewerktIn/bp:volgnummer ?m }")
    assert int(row["m"]) == 46


def _portfolios(store: ox.Store, prop: str) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for row in select(
        store,
        f"SELECT ?n ?label WHERE {{ ?a a bp:Actie ; bp:volgnummer ?n ; {prop} ?p . ?p skos:prefLabel ?label }}",
    ):
        found.setdefault(int(row["n"]), set()).add(row["label"])
    return found


@pytest.mark.parametrize(
    ("prop", "key"), [("bp:verantwoordelijke", "responsible"), ("bp:samenwerkingMet", "collaborators")]
)
def test_portfolios_of_every_action_equal_the_plan(store: ox.Store, parsed: ParsedPlan, prop: str, key: str) -> None:
    in_rdf = _portfolios(store, prop)
    expected = {a["number"]: set(a[key]) for a in actions_01_28.ACTIONS + actions_29_56.ACTIONS if a[key]}
    parser = {a.number: {p.label for p in getattr(a, key)} for a in parsed.actions if getattr(a, key)}
    assert in_rdf == expected == parser


# Read from the plan: the actions each minister leads (as responsible), by portfolio held.
LEADS = {
    "Caroline Gennez": {
        1,
        2,
        6,
        7,
        8,
        9,
        11,
        12,
        13,
        15,
        17,
        21,
        22,
        23,
        24,
        26,
        27,
        28,
        29,
        30,
        32,
        40,
        41,
        42,
        43,
        44,
        45,
        47,
        49,
        50,
        52,
        53,
        55,
        56,
    },
    "Hilde Crevits": {3, 4, 21, 23, 33, 35, 39},
    "Zuhal Demir": {10, 19, 25, 31, 34, 38, 54},
    "Matthias Diependaele": {21, 23},
    "Jo Brouns": {20},
    "Annick De Ridder": {18, 48},
    "Cieltje Van Achter": {5},
    "Melissa Depraetere": {14, 16, 36, 37, 46},
}


@pytest.mark.parametrize(
    ("day", "interim"),
    [
        ("2025-01-01", "Melissa Depraetere"),
        ("2026-03-01", "Hans Bonte"),
        ("2026-07-01", "Melissa Depraetere"),
    ],
)
def test_each_ministers_actions(store: ox.Store, day: str, interim: str) -> None:
    query = (QUERIES / "acties-per-minister.rq").read_text(encoding="utf-8")
    query = query.replace('"2025-01-01T00:00:00"', f'"{day}T00:00:00"')
    leads: dict[str, set[int]] = {}
    for row in store.query(query):
        if row["rol"].value == "verantwoordelijke":
            leads.setdefault(row["naam"].value, set()).add(int(row["nummer"].value))
    expected = dict(LEADS)
    expected[interim] = expected.pop("Melissa Depraetere")
    assert leads == expected


def test_who_is_responsible_for_action_12(store: ox.Store) -> None:
    query = (QUERIES / "verantwoordelijken-actie-12.rq").read_text(encoding="utf-8")
    rows = [(r["dag"].value[:10], r["naam"].value) for r in store.query(query)]
    assert ("2025-01-01", "Caroline Gennez") in rows
    assert len(rows) == 2  # one holder of Gelijke Kansen today, one on 1 January 2025


def test_every_portfolio_has_a_holder_on_every_day_of_2025(store: ox.Store) -> None:
    rows = select(
        store,
        """SELECT ?label WHERE { ?p a bp:Bevoegdheid ; skos:prefLabel ?label .
        FILTER NOT EXISTS { ?m bp:heeftBevoegdheid ?p ; mandaat:start ?s .
            OPTIONAL { ?m mandaat:einde ?e }
            FILTER (?s <= "2025-01-01T00:00:00"^^xsd:dateTime && (!BOUND(?e) || ?e > "2025-12-31T00:00:00"^^xsd:dateTime)) } }""",
    )
    assert rows == []


@pytest.mark.parametrize("ext", list(FORMATS))
def test_each_dump_round_trips(dist: Path, built_graph: Graph, ext: str) -> None:
    graph = Graph().parse(dist / f"{SLUG}.{ext}", format=FORMATS[ext])
    nt = Graph().parse(dist / f"{SLUG}.nt", format="nt")
    assert len(graph) == len(nt) > 2000
    assert isomorphic(graph, nt)


def test_the_dump_is_the_mapped_graph(dist: Path, built_graph: Graph) -> None:
    nt = Graph().parse(dist / f"{SLUG}.nt", format="nt")
    generated = {t for t in nt if "generatedAtTime" in t[1]}
    assert len(generated) == 1 and str(next(iter(generated))[2]).startswith("2026-01-01T00:00:00")
    # the mapped graph, and the dataset's versions (data/versions/, five triples each) with the
    # dataset's own version (dcat:version, the latest version's number)
    versions = {t for t in nt if "/id/versie/" in str(t[0]) or "/id/versie/" in str(t[2])}
    recorded = len((ROOT / "data" / "versions" / SLUG / "versies.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert len(versions) == 5 * recorded
    own = {t for t in nt if str(t[1]) == "http://www.w3.org/ns/dcat#version" and "/id/dataset/" in str(t[0])}
    assert [str(t[2]) for t in own] == [str(recorded)]
    assert len(nt) == len(built_graph) + len(versions) + 1


def test_two_builds_are_byte_identical(dist: Path, tmp_path: Path) -> None:
    # A new interpreter, as the shared build's: a fork shares its server's string hash seed, which could hide an
    # order that follows the seed (tests/forkserver.py).
    done = run_build(tmp_path / "again", "--data", str(copy_real_data(tmp_path / "data")), fresh=True)
    assert done.returncode == 0, done.stderr
    files = [
        p
        for p in dist.rglob("*")
        if p.is_file() and not p.relative_to(dist).parts[0].startswith(("site", "ox", "build-cache"))
    ]
    assert len(files) == 10  # 4 dumps, vocabulary, context, shapes, catalogue, manifest, version 1
    site = (dist / "site").resolve()
    pages = [p for p in site.rglob("*") if p.is_file() and not p.name.endswith("index.json")]
    assert len(pages) > 3000  # the rendered site: every page and representation
    for path in files + pages:
        name = path.relative_to(dist) if path.is_relative_to(dist) else Path("site") / path.relative_to(site)
        assert (tmp_path / "again" / name).read_bytes() == path.read_bytes(), name
    index, again = (_timeless(json.loads((d / "site" / "index.json").read_bytes())) for d in (dist, tmp_path / "again"))
    assert index == again
    assert index["parts"] == [SLUG]  # the plan's part of the index, in the site beside it
    part, again = (_timeless(read_part(d / "site", SLUG), part=True) for d in (dist, tmp_path / "again"))
    assert part == again and len(part["resources"]) > 500


def test_the_server_refuses_a_site_of_another_format(dist: Path, tmp_path: Path) -> None:
    """A site rendered by another version (another index format) or with a plan's part missing is
    refused with what to do, never served half."""
    site = tmp_path / "site"
    shutil.copytree((dist / "site").resolve(), site)
    assert read_site(site).resources  # the copy is whole
    index = json.loads((site / "index.json").read_bytes())
    (site / "index.json").write_text(json.dumps({**index, "format": FORMAT - 1}), encoding="utf-8")
    with pytest.raises(SiteError, match="another version of hgkbp-ld; run 'hgkbp-ld build' again"):
        read_site(site)
    (site / "index.json").write_text(json.dumps(index), encoding="utf-8")
    (site / part_name(SLUG)).unlink()
    with pytest.raises(SiteError, match=f"{SLUG}.index.json is missing or damaged; run 'hgkbp-ld build' again"):
        read_site(site)


def _timeless(index: dict, part: bool = False) -> dict:
    """A site's index (or a plan's `part` of it) without when it was rendered: its time, how long it
    took, and the files' times and ETags (made of the time, so that a new build never repeats an ETag)."""
    for moment in () if part else ("started", "seconds"):
        del index[moment]
    for section in ("resources", "ldes") if part else ("resources", "documents", "ldes"):
        for entry in index[section].values():
            for found in entry.values():
                found[2:4] = []
    for section in () if part else ("files", "static", "root"):
        for found in index[section].values():
            found[2:4] = []
    return index


def test_no_blank_nodes_and_typed_literals(dist: Path) -> None:
    graph = Graph().parse(dist / f"{SLUG}.nt", format="nt")
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)
    texts = {"title", "description", "omschrijving", "prefLabel", "altLabel", "overigePartner", "unitText"}
    for _s, p, o in graph:
        local = str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if (
            local in texts
            and isinstance(o, Literal)
            and p.endswith(local)
            and "themis" not in str(_s)
            and "metadata.un.org" not in str(_s)
        ):
            assert o.language == "nl", (p, o)
        if local in ("startDate", "endDate"):
            assert o.datatype == XSD.gYear


def test_provenance_names_the_source_and_its_hash(store: ox.Store) -> None:
    (row,) = select(
        store,
        """SELECT ?sha WHERE { ?d <http://www.w3.org/ns/prov#wasDerivedFrom>
        /<http://spdx.org/rdf/terms#checksum>/<http://spdx.org/rdf/terms#checksumValue> ?sha }""",
    )
    assert row["sha"] == hashlib.sha256(SOURCE.read_bytes()).hexdigest()


def test_jsonld_dump_speaks_dutch(dist: Path) -> None:
    text = (dist / f"{SLUG}.jsonld").read_text(encoding="utf-8")
    for key in ('"titel"', '"verantwoordelijke"', '"heeftActie"', '"voorkeurslabel"', '"begindatum"'):
        assert key in text


def test_a_violation_stops_the_build_and_leaves_dist_untouched(dist: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    copy_real_data(data)
    ministers = data / "ministers.csv"
    ministers.write_text(
        ministers.read_text(encoding="utf-8").replace(
            "http://themis.vlaanderen.be/id/persoon/d57d67a5", "http://example.org/persoon/d57d67a5"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    shutil.copytree(dist, out)
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    done = run_build(out, "--data", str(data))
    assert done.returncode == 1
    assert "Persoon-themis" in done.stderr and "persoon/caroline-gennez" in done.stderr
    assert "dist/ left as it was" in done.stderr and "Traceback" not in done.stderr
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dist")] == []


def test_a_parse_error_stops_the_build(dist: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    copy_real_data(data)
    source = data / "source" / f"{SLUG}.txt"
    source.write_text(
        source.read_text(encoding="utf-8").replace("Minister van Mobiliteit", "Minister van Ruimtevaart"),
        encoding="utf-8",
    )
    done = run_build(tmp_path / "dist", "--data", str(data))
    assert done.returncode == 2 and "Ruimtevaart" in done.stderr and "line " in done.stderr
    assert not (tmp_path / "dist").exists()


def test_the_register_covers_the_plan() -> None:
    assert len(PortfolioRegister.load().portfolios) == 20  # the real plan uses 19 (tests/test_parse_plan.py); Energie is the VAPA's


def test_every_hd_contributes_to_an_sdg(store: ox.Store) -> None:
    rows = select(
        store,
        """SELECT ?hd (COUNT(?sdg) AS ?n) WHERE { ?hd a bp:HorizontaleDoelstelling .
        OPTIONAL { ?hd bp:draagtBijTot ?sdg } } GROUP BY ?hd""",
    )
    assert len(rows) == 7 and all(int(r["n"]) >= 1 for r in rows)
    (row,) = select(
        store,
        """SELECT (COUNT(*) AS ?n) WHERE { ?hd bp:heeftBijdrage ?b .
        ?b bp:aanDoel ?sdg ; bp:toelichting ?why . ?hd bp:draagtBijTot ?sdg . FILTER (lang(?why) = "nl") }""",
    )
    assert int(row["n"]) == 25  # data/sdg-links.csv (3.4 and 9.c were dropped in review: docs/design.md)


def test_the_six_other_plans_exist_and_are_linked(store: ox.Store) -> None:
    rows = select(
        store,
        """SELECT DISTINCT ?p WHERE { { ?s bp:isComplementairAan ?p } UNION { ?s bp:gerelateerdPlan ?p }
        ?p a bp:Beleidsplan ; <http://purl.org/dc/terms/title> ?t }""",
    )
    others = {r["p"] for r in rows if not r["p"].endswith(SLUG)}
    assert len(others) == 6
