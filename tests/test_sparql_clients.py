"""/sparql with a real client: SPARQLWrapper (and httpx for CORS) against a running `hgkbp-ld serve`.

Every request goes over loopback to the `server` fixture, a real uvicorn process on a fresh build.
The counts are the plan's: 56 actions, 26 operational and 7 horizontal goals.

SPARQLWrapper is used as shipped (it sends `format=`/`output=`/`results=` besides its Accept
header), and for RDF results also with `setOnlyConneg(True)` (Accept only, the protocol's way).
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
from pathlib import Path
from xml.dom.minidom import Document

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.util import from_n3
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from hgkbp_ld.bundled import QUERIES
from tests.conftest import Server

pytestmark = [
    pytest.mark.both_stores,  # the same tests on both stores (tests/conftest.py)
    pytest.mark.filterwarnings(
        # SPARQLWrapper warns when the answer's media type is not the one it asked for: that is a failure here.
        "error::RuntimeWarning",
        # SPARQLWrapper 2.0 parses RDF into rdflib's ConjunctiveGraph, deprecated in rdflib 7.
        "ignore:ConjunctiveGraph is deprecated:DeprecationWarning",
    ),
]

BP = Namespace("https://data.vlaanderen.be/ns/beleidsplan#")
PLAN_GRAPH = "https://data.vlaanderen.be/id/dataset/hgkbp-2025-2029"
VOCABULARY_GRAPH = "https://data.vlaanderen.be/ns/beleidsplan"
ACTION_12 = URIRef("https://data.vlaanderen.be/id/actie/hgkbp-2025-2029/12")
COUNTS = {str(BP.Actie): 56, str(BP.OperationeleDoelstelling): 26, str(BP.HorizontaleDoelstelling): 7}
PREFIXES = """PREFIX bp: <https://data.vlaanderen.be/ns/beleidsplan#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
COUNT_BY_CLASS = (
    PREFIXES
    + """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?class { bp:Actie bp:OperationeleDoelstelling bp:HorizontaleDoelstelling }
  ?s a ?class
} GROUP BY ?class"""
)
COUNT_ACTIONS = PREFIXES + "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a bp:Actie }"
CONSTRUCT_ACTIONS = (
    PREFIXES + "CONSTRUCT { ?a a bp:Actie ; dcterms:title ?t } WHERE { ?a a bp:Actie ; dcterms:title ?t }"
)
EXAMPLES = sorted((QUERIES).glob("*.rq"))

# (SPARQLWrapper method, request method): GET ?query=, a POSTed form, a POSTed application/sparql-query
TRANSPORTS = {"GET": (GET, None), "POST-form": (POST, URLENCODED), "POST-direct": (POST, POSTDIRECTLY)}
# return format -> (the Python type convert() gives, rdflib parser for a byte answer by media type)
RDF_PARSERS = {"text/turtle": "turtle", "application/n-triples": "nt"}
GRAPH_FORMATS = {
    "turtle": (TURTLE, None, bytes),
    "n3": (N3, None, bytes),
    "ntriples": (N3, "application/n-triples", bytes),  # SPARQLWrapper has no N-Triples constant: Accept it
    "jsonld": (JSONLD, None, Graph),
    "rdfxml": (RDFXML, None, Graph),
    "xml": (XML, None, Graph),
}
MODES = {"as-shipped": False, "conneg-only": True}


@pytest.fixture(scope="module")
def endpoint(server: Server) -> str:
    return f"{server.url}/sparql"


def wrapper(
    endpoint: str,
    query: str,
    fmt: str = JSON,
    transport: str = "GET",
    *,
    only_conneg: bool = False,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
    accept: str | None = None,
) -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint, agent="hgkbp-ld tests (SPARQLWrapper)")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    method, request_method = TRANSPORTS[transport]
    sparql.setMethod(method)
    if request_method:
        sparql.setRequestMethod(request_method)
    sparql.setOnlyConneg(only_conneg)
    sparql.setTimeout(30)
    for graph in default_graphs:
        sparql.addDefaultGraph(graph)
    for graph in named_graphs:
        sparql.addNamedGraph(graph)
    if accept:
        sparql.addCustomHttpHeader("Accept", accept)
    return sparql


def query(sparql: SPARQLWrapper):
    """Run it; an HTTP error fails the test with the request and the server's answer."""
    try:
        return sparql.query()
    except urllib.error.HTTPError as error:
        request = sparql._createRequest()  # the same request again, to show what was sent
        failure = (
            f"{request.get_method()} {request.full_url}\n  Accept: {request.get_header('Accept')}\n"
            f"  Content-Type: {request.get_header('Content-type')}\n"
            f"-> {error.code} {error.reason}: {error.read().decode('utf-8', 'replace').strip()}"
        )
    pytest.fail(failure, pytrace=False)  # outside `except`: no chained urllib traceback


def select(endpoint: str, text: str, **options: object) -> list[dict[str, str]]:
    """Rows of a SELECT in SPARQL JSON, as {variable: value}."""
    data = query(wrapper(endpoint, text, JSON, **options)).convert()  # type: ignore[arg-type]
    return [{name: term["value"] for name, term in row.items()} for row in data["results"]["bindings"]]


def count(endpoint: str, text: str, **options: object) -> int:
    (row,) = select(endpoint, text, **options)
    return int(row["n"])


# --- parsing each SELECT format into rows of rdflib terms ------------------------------------------


def _xml_term(node) -> object:
    text = "".join(child.data for child in node.childNodes if child.nodeType == child.TEXT_NODE)
    if node.tagName == "uri":
        return URIRef(text)
    datatype = node.getAttribute("datatype") or None
    return Literal(text, lang=node.getAttribute("xml:lang") or None, datatype=URIRef(datatype) if datatype else None)


def rows_of(result, fmt: str) -> list[dict[str, object]]:
    converted = result.convert()
    if fmt == JSON:
        assert isinstance(converted, dict)
        rows = []
        for binding in converted["results"]["bindings"]:
            row: dict[str, object] = {}
            for name, term in binding.items():
                if term["type"] == "uri":
                    row[name] = URIRef(term["value"])
                else:
                    datatype = term.get("datatype")
                    row[name] = Literal(
                        term["value"], lang=term.get("xml:lang"), datatype=URIRef(datatype) if datatype else None
                    )
            rows.append(row)
        return rows
    if fmt == XML:
        assert isinstance(converted, Document)
        rows = []
        for element in converted.getElementsByTagName("result"):
            row = {}
            for binding in element.getElementsByTagName("binding"):
                (term,) = [child for child in binding.childNodes if child.nodeType == child.ELEMENT_NODE]
                row[binding.getAttribute("name")] = _xml_term(term)
            rows.append(row)
        return rows
    assert isinstance(converted, bytes)
    text = converted.decode("utf-8")
    if fmt == CSV:  # values only: IRIs and lexical forms, no datatypes (SPARQL 1.1 CSV)
        return [{k: v for k, v in row.items() if v != ""} for row in csv.DictReader(io.StringIO(text, newline=""))]
    lines = text.rstrip("\n").split("\n")  # TSV: RDF terms in Turtle syntax, header ?names
    header = lines[0].split("\t")
    assert all(name.startswith("?") for name in header), header
    return [
        {name[1:]: from_n3(value) for name, value in zip(header, line.split("\t"), strict=True) if value != ""}
        for line in lines[1:]
    ]


# --- SELECT ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("transport", list(TRANSPORTS))
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_select_counts_in_each_format_and_transport(endpoint: str, fmt: str, transport: str) -> None:
    result = query(wrapper(endpoint, COUNT_BY_CLASS, fmt, transport))
    media_type = result.info()["content-type"].split(";")[0]
    assert (
        media_type
        == {
            JSON: "application/sparql-results+json",
            XML: "application/sparql-results+xml",
            CSV: "text/csv",
            TSV: "text/tab-separated-values",
        }[fmt]
    )
    rows = rows_of(result, fmt)
    assert {str(row["class"]): int(row["n"]) for row in rows} == COUNTS  # type: ignore[call-overload]


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
@pytest.mark.parametrize("kind", list(COUNTS), ids=["Actie", "OD", "HD"])
def test_select_lists_every_instance(endpoint: str, fmt: str, kind: str) -> None:
    rows = rows_of(query(wrapper(endpoint, f"SELECT DISTINCT ?s WHERE {{ ?s a <{kind}> }}", fmt)), fmt)
    assert len(rows) == COUNTS[kind]
    assert all(str(row["s"]).startswith("https://data.vlaanderen.be/id/") for row in rows)


def test_typed_and_tagged_literals_survive_json_and_xml(endpoint: str) -> None:
    text = PREFIXES + "SELECT ?nummer ?titel WHERE { ?a a bp:Actie ; bp:volgnummer ?nummer ; dcterms:title ?titel }"
    for fmt in (JSON, XML):
        rows = rows_of(query(wrapper(endpoint, text, fmt)), fmt)
        assert sorted(row["nummer"].toPython() for row in rows) == list(range(1, 57))  # type: ignore[union-attr]
        assert {row["titel"].language for row in rows} == {"nl"}  # type: ignore[union-attr]


def test_a_malformed_query_is_a_400_that_sparqlwrapper_reports(endpoint: str) -> None:
    with pytest.raises(QueryBadFormed):
        wrapper(endpoint, "SELECT ?s WHERE { ?s ?p }").query()


# --- ASK ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("transport", list(TRANSPORTS))
@pytest.mark.parametrize("fmt", [JSON, XML])
@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("?a a bp:Actie ; bp:volgnummer 56", True), ("?a a bp:Actie ; bp:volgnummer 57", False)],
    ids=["true", "false"],
)
def test_ask(endpoint: str, fmt: str, transport: str, pattern: str, expected: bool) -> None:
    result = query(wrapper(endpoint, PREFIXES + f"ASK {{ {pattern} }}", fmt, transport))
    converted = result.convert()
    if fmt == JSON:
        assert converted["boolean"] is expected
    else:
        (element,) = converted.getElementsByTagName("boolean")
        assert element.firstChild.data == ("true" if expected else "false")


# --- CONSTRUCT and DESCRIBE into rdflib --------------------------------------------------------------


def graph_of(result, expected_type: type) -> Graph:
    converted = result.convert()
    assert isinstance(converted, expected_type), type(converted)
    if isinstance(converted, Graph):
        return converted
    media_type = result.info()["content-type"].split(";")[0]
    return Graph().parse(data=converted, format=RDF_PARSERS[media_type])


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("name", list(GRAPH_FORMATS))
def test_construct_into_an_rdflib_graph(endpoint: str, name: str, mode: str) -> None:
    fmt, accept, expected_type = GRAPH_FORMATS[name]
    result = query(wrapper(endpoint, CONSTRUCT_ACTIONS, fmt, only_conneg=MODES[mode], accept=accept))
    if accept:
        assert result.info()["content-type"].split(";")[0] == accept
    graph = graph_of(result, expected_type)
    assert len(set(graph.subjects(RDF.type, BP.Actie))) == 56
    assert len(graph) == 2 * 56
    assert {title.language for title in graph.objects(None, DCTERMS.title)} == {"nl"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("transport", list(TRANSPORTS))
def test_construct_by_each_transport(endpoint: str, transport: str) -> None:
    graph = graph_of(query(wrapper(endpoint, CONSTRUCT_ACTIONS, JSONLD, transport, only_conneg=True)), Graph)
    assert len(set(graph.subjects(RDF.type, BP.Actie))) == 56


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("name", ["turtle", "jsonld", "rdfxml"])
def test_describe_an_action(endpoint: str, name: str, mode: str) -> None:
    fmt, accept, expected_type = GRAPH_FORMATS[name]
    result = query(wrapper(endpoint, f"DESCRIBE <{ACTION_12}>", fmt, only_conneg=MODES[mode], accept=accept))
    graph = graph_of(result, expected_type)
    assert (ACTION_12, RDF.type, BP.Actie) in graph
    assert graph.value(ACTION_12, BP.volgnummer).toPython() == 12  # type: ignore[union-attr]
    assert graph.value(ACTION_12, DCTERMS.title) is not None
    assert set(graph.subjects()) == {ACTION_12}  # the description of that one resource


# --- the example queries -----------------------------------------------------------------------------


@pytest.mark.parametrize("transport", list(TRANSPORTS))
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_example_query_returns_rows(endpoint: str, path: Path, transport: str) -> None:
    text = path.read_text(encoding="utf-8")
    if re.search(r"^CONSTRUCT\b", text, re.MULTILINE):  # datasets-als-schema-org.rq: triples, not rows
        body = query(wrapper(endpoint, text, TURTLE, transport)).convert()
        assert len(Graph().parse(data=body, format="turtle")) > 0, f"{path.name} returned no triples"
        return
    data = query(wrapper(endpoint, text, JSON, transport)).convert()
    assert data["results"]["bindings"], f"{path.name} returned no rows"
    projected = text.split("SELECT", 1)[1].split("WHERE", 1)[0].split()
    assert data["head"]["vars"] == [name.lstrip("?") for name in projected if name.startswith("?")]


def test_example_answers_match_rdflib_over_the_dump(endpoint: str, dist: Path) -> None:
    """The same query, evaluated by another engine (rdflib) over the published Turtle dump."""
    text = (QUERIES / "acties-per-minister.rq").read_text(encoding="utf-8")  # no NOW(): deterministic
    served = select(endpoint, text)
    dump = Graph().parse(dist / "hgkbp-2025-2029.ttl")
    local = [{str(k): str(v) for k, v in row.asdict().items()} for row in dump.query(text)]  # type: ignore[union-attr]
    assert len(served) == len(local) > 0
    key = sorted  # the order of ties is not fixed by ORDER BY
    assert key(tuple(sorted(r.items())) for r in served) == key(tuple(sorted(r.items())) for r in local)


def test_the_schema_org_example_matches_rdflib_over_the_dumps(endpoint: str, dist: Path) -> None:
    """The CONSTRUCT example (its three parts in a UNION) gives, on each store, the triples rdflib gives
    over the catalogue and the plan's dump: every keyword, distribution and licence, none lost or added."""
    text = (QUERIES / "datasets-als-schema-org.rq").read_text(encoding="utf-8")
    served = Graph().parse(data=query(wrapper(endpoint, text, TURTLE, "GET")).convert(), format="turtle")
    dumps = Graph()
    for name in ("catalogus.ttl", "hgkbp-2025-2029.ttl"):
        dumps.parse(dist / name)
    local = dumps.query(text).graph
    assert local is not None and len(local) > 0
    assert set(served) == set(local)


# --- the dataset: named graph, union default graph, the protocol's graph parameters ------------------


def test_graph_variable_reaches_the_plan_graph(endpoint: str, dist: Path) -> None:
    rows = select(endpoint, PREFIXES + "SELECT ?g (COUNT(?a) AS ?n) WHERE { GRAPH ?g { ?a a bp:Actie } } GROUP BY ?g")
    assert {row["g"]: int(row["n"]) for row in rows} == {PLAN_GRAPH: 56}
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    expected = manifest["plans"]["hgkbp-2025-2029"]["triples"]
    assert count(endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PLAN_GRAPH}> {{ ?s ?p ?o }} }}") == expected
    graphs = {row["g"] for row in select(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert graphs == {PLAN_GRAPH, VOCABULARY_GRAPH, "https://data.vlaanderen.be/id/catalogus/hgkbp-ld"}


def test_default_graph_is_the_union_of_the_named_graphs(endpoint: str) -> None:
    distinct = "SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {} }} }}"
    union = count(endpoint, distinct.format("?s ?p ?o"))
    named = count(endpoint, distinct.format("GRAPH ?g { ?s ?p ?o }"))
    assert union == named > 2000
    # ... and it is a set: a triple two graphs hold (the dataset's type) is in it once
    assert count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == union
    # plan data and vocabulary, from two graphs, join in the default graph
    joined = PREFIXES + "ASK { ?a a bp:Actie ; bp:volgnummer 12 . bp:Actie rdfs:label 'Actie'@nl }"
    assert query(wrapper(endpoint, joined)).convert()["boolean"] is True


@pytest.mark.parametrize("transport", list(TRANSPORTS))
def test_default_graph_uri_makes_that_graph_the_default(endpoint: str, transport: str) -> None:
    plan_only = {"default_graphs": (PLAN_GRAPH,), "transport": transport}
    assert count(endpoint, COUNT_ACTIONS, **plan_only) == 56
    vocabulary = PREFIXES + "ASK { bp:Actie rdfs:label ?label }"
    assert query(wrapper(endpoint, vocabulary, JSON, **plan_only)).convert()["boolean"] is False
    # no named-graph-uri: the dataset has no named graphs
    assert select(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **plan_only) == []
    assert count(endpoint, COUNT_ACTIONS, default_graphs=(VOCABULARY_GRAPH,), transport=transport) == 0


@pytest.mark.parametrize("transport", list(TRANSPORTS))
def test_named_graph_uri_restricts_the_named_graphs(endpoint: str, transport: str) -> None:
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    only_vocabulary = {"named_graphs": (VOCABULARY_GRAPH,), "transport": transport}
    assert [row["g"] for row in select(endpoint, graphs, **only_vocabulary)] == [VOCABULARY_GRAPH]
    # named-graph-uri without default-graph-uri: the default graph is empty (the merge of no graphs)
    assert count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **only_vocabulary) == 0
    both = {"default_graphs": (PLAN_GRAPH,), "named_graphs": (VOCABULARY_GRAPH,), "transport": transport}
    assert count(endpoint, COUNT_ACTIONS, **both) == 56
    assert [row["g"] for row in select(endpoint, graphs, **both)] == [VOCABULARY_GRAPH]


def test_protocol_dataset_overrides_from_in_the_query(endpoint: str) -> None:
    from_vocabulary = (
        PREFIXES + f"SELECT (COUNT(DISTINCT ?a) AS ?n) FROM <{VOCABULARY_GRAPH}> WHERE {{ ?a a bp:Actie }}"
    )
    assert count(endpoint, from_vocabulary) == 0  # FROM is honoured (no union then) ...
    assert count(endpoint, from_vocabulary, default_graphs=(PLAN_GRAPH,)) == 56  # ... unless the protocol says


# --- CORS --------------------------------------------------------------------------------------------


def test_cors_preflight_allows_a_post_from_anywhere(endpoint: str) -> None:
    response = httpx.options(
        endpoint,
        headers={
            "Origin": "https://yasgui.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )
    assert 200 <= response.status_code < 300
    assert response.headers["access-control-allow-origin"] == "*"
    methods = {m.strip().upper() for m in response.headers["access-control-allow-methods"].split(",")}
    assert "POST" in methods
    allowed = {h.strip().lower() for h in response.headers.get("access-control-allow-headers", "").split(",")}
    assert "content-type" in allowed or "*" in allowed


def test_cors_on_the_actual_post(endpoint: str) -> None:
    response = httpx.post(
        endpoint,
        content=COUNT_ACTIONS.encode(),
        headers={
            "Origin": "https://yasgui.example.org",
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
        timeout=10,
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "56"
