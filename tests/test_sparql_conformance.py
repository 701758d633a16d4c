"""The W3C SPARQL 1.1 Protocol and Service Description test suites, run from their manifests.

Every test case comes from a manifest in tests/fixtures/conformance/ (a copy of the W3C suites,
with their licence): nothing here names a single protocol case. One real `hgkbp-ld serve`
process serves a copy of a fresh build to which the suite's data (data1-3.nt) is added as named
graphs, named by the rdfs:label of their ut:graphData.

Categories, decided from the manifest:

- query: a query the endpoint must answer (2xx/3xx); status, media type and boolean are checked.
- bad query / bad update: a request the endpoint must refuse (4xx); run as written.
- update (n/a): an update the suite expects to succeed. The endpoint is read-only by design, so
  these are not applicable: the test asserts that the update is refused with 403 and that its
  effect is absent (the suite's own follow-up ASK answers false), then reports the case as skipped
  ("n/a"), never as a conformance pass.

The service description suite (mf:ServiceDescriptionTest) carries no requests, only names; each
name maps to a check written from https://www.w3.org/TR/sparql11-service-description/.

Beyond the suites, test_service_description_claims_hold checks that each language and feature the
description claims is what the endpoint does. The last test prints the counts (with
capsys.disabled(), so pytest shows them even when it captures output).

Spec references: SPARQL 1.1 Protocol https://www.w3.org/TR/sparql11-protocol/ (§2.1 query, §2.2
update, §2.1.5-2.1.7 responses).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.etree import ElementTree

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from tests.conftest import Server, publish, rerender
from tests.shared import fresh_virtuoso, once

CONFORMANCE = Path(__file__).resolve().parent / "fixtures" / "conformance"
PROTOCOL_MANIFEST = CONFORMANCE / "sparql11-protocol" / "manifest.ttl"
SD_MANIFEST = CONFORMANCE / "sparql11-service-description" / "manifest.ttl"
SUITE_PREFIX = "/sparql/"  # every ht:absolutePath starts with it (the manifest's rdfs:comment)
ENDPOINT_PREFIX = "/sparql/"  # what replaces it on the live server

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"

FORM = "application/x-www-form-urlencoded"
UPDATE = "application/sparql-update"
BOOLEAN_TYPES = {"application/sparql-results+xml", "application/sparql-results+json"}
TABULAR_TYPES = {*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values"}
RDF_TYPES = {  # media type -> rdflib parser
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "text/n3": "n3",
}
READ_ONLY_STATUS = 403  # the endpoint's documented answer to any update

# --- the protocol manifest -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str  # as in the manifest, starting with SUITE_PREFIX
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    status_classes: frozenset[int]  # acceptable first digits: 2 for hts:StatusCode2xx, ...
    expected_format: str | None  # "boolean", "tabular", "RDF"
    expected_boolean: bool | None

    @property
    def content_type(self) -> str:
        value = next((v for n, v in self.headers if n.lower() == "content-type"), "")
        return value.split(";")[0].strip().lower()

    def parameter_names(self) -> set[str]:
        """Names of the URL-encoded parameters: those of the query string and of a form body."""
        names = {name for name, _ in parse_qsl(urlsplit(self.path).query, keep_blank_values=True)}
        if self.body is not None and self.content_type in (FORM, ""):
            try:
                names |= {name for name, _ in parse_qsl(self.body.decode("ascii"), keep_blank_values=True)}
            except UnicodeDecodeError:
                pass
        return names

    def is_update(self) -> bool:
        """An update request (SPARQL 1.1 Protocol §2.2): direct POST, an `update=` field, or using-*-uri."""
        names = self.parameter_names()
        return self.content_type == UPDATE or "update" in names or any(n.startswith("using-") for n in names)

    def expects_refusal(self) -> bool:
        return self.status_classes == {4}


@dataclass(frozen=True)
class ProtocolCase:
    id: str  # the manifest's local name, e.g. query_post_form
    name: str  # mf:name
    requests: tuple[HttpRequest, ...]
    graph_data: tuple[tuple[str, Path], ...]  # (graph name, file)

    @property
    def category(self) -> str:
        words = set(self.id.split("_"))
        update = bool(words & {"update", "updates"}) or any(r.is_update() for r in self.requests)
        if all(r.expects_refusal() for r in self.requests):
            return "bad update" if update else "bad query"
        return "update (n/a)" if update else "query"


def _list(graph: Graph, head: Node | None) -> list[Node]:
    return list(Collection(graph, head)) if head is not None else []


def _one(graph: Graph, subject: Node, predicate: URIRef) -> Node | None:
    values = list(graph.objects(subject, predicate))
    assert len(values) <= 1, f"{subject} has {len(values)} values for {predicate}"
    return values[0] if values else None


def _status_class(node: Node) -> int:
    match = re.fullmatch(re.escape(str(HTS)) + r"StatusCode([1-5])xx", str(node))
    assert match, f"unknown mf:expectedStatus {node}"
    return int(match.group(1))


def _file(node: Node) -> Path:
    parts = urlsplit(str(node))
    assert parts.scheme == "file", f"ut:graph {node} is not a file beside the manifest"
    return Path(unquote(parts.path))


def _request(graph: Graph, node: Node) -> HttpRequest:
    headers = tuple(
        (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
        for h in _list(graph, graph.value(node, HT.headers))
    )
    body = None
    content = _one(graph, node, HT.body)
    if content is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding)
    response = _one(graph, node, HT.resp)
    assert response is not None, f"request {node} has no ht:resp"
    expected_format = _one(graph, response, MF.expectedFormat)
    expected_boolean = _one(graph, response, MF.expectedBoolean)
    return HttpRequest(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=headers,
        body=body,
        status_classes=frozenset(_status_class(s) for s in graph.objects(response, MF.expectedStatus)),
        expected_format=str(expected_format) if expected_format is not None else None,
        expected_boolean=expected_boolean.toPython() if isinstance(expected_boolean, Literal) else None,
    )


def _entries(path: Path, kind: URIRef) -> tuple[Graph, list[URIRef]]:
    graph = Graph().parse(path, format="turtle")
    (manifest,) = graph.subjects(RDF.type, MF.Manifest)
    entries = _list(graph, graph.value(manifest, MF.entries))
    for entry in entries:
        assert (entry, RDF.type, kind) in graph, f"{entry} is not a {kind}"
    return graph, entries  # type: ignore[return-value]


def protocol_cases() -> list[ProtocolCase]:
    graph, entries = _entries(PROTOCOL_MANIFEST, MF.ProtocolTest)
    cases = []
    for entry in entries:
        action = graph.value(entry, MF.action)
        requests = tuple(_request(graph, r) for r in _list(graph, graph.value(action, HT.requests)))
        data = tuple(
            sorted(
                (str(graph.value(d, RDFS.label)), _file(graph.value(d, UT.graph)))
                for d in graph.objects(entry, UT.graphData)
            )
        )
        cases.append(ProtocolCase(str(entry).rpartition("#")[2], str(graph.value(entry, MF.name)), requests, data))
    return cases


def sd_cases() -> list[str]:
    _graph, entries = _entries(SD_MANIFEST, MF.ServiceDescriptionTest)
    return [str(e).rpartition("#")[2] for e in entries]


CASES = protocol_cases()
SD_CASES = sd_cases()
OUTCOMES: dict[tuple[str, str], dict[str, str]] = {}  # (store, suite) -> test id -> "passed" / "n/a"


def graph_data() -> dict[str, Path]:
    """Every graph any case needs: name -> file. A name used twice must name the same file."""
    found: dict[str, Path] = {}
    for case in CASES:
        for name, path in case.graph_data:
            assert found.setdefault(name, path) == path, f"graph {name} is given two files"
    return found


# --- the server -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def conformance_server(store_kind: str, dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A copy of the real build with the suite's graphs added as plans of their own (made once per run,
    for both stores: it is only read); one server, on the embedded store or on a Virtuoso of its own
    (the build differs from the session's)."""

    def make(made: Path) -> None:
        folder = made / "dist"
        shutil.copytree(dist, folder)
        manifest_path = folder / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        for name, source in sorted(graph_data().items()):
            slug = f"conformance-{source.stem}"
            assert slug not in manifest["plans"]
            shutil.copyfile(source, folder / f"{slug}.nt")
            triples = len(Graph().parse(source, format="nt"))
            manifest["plans"][slug] = {"graph": name, "triples": triples}  # "files" stays as built
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        rerender(folder)

    folder = once(tmp_path_factory, "conformance", make) / "dist"
    if store_kind == "embedded":
        server = Server(folder)
        yield server
        server.stop()
        return
    virtuoso = fresh_virtuoso(tmp_path_factory, tmp_path_factory.mktemp("conformance") / "virtuoso")
    try:
        done = publish(folder, virtuoso)
        assert done.returncode == 0, done.stderr
        server = Server(folder, "--store", virtuoso.url, env=virtuoso.env)
        yield server
        server.stop()
    finally:
        virtuoso.stop()


@pytest.fixture(scope="module")
def client(conformance_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=conformance_server.url, timeout=30) as client:
        yield client


def send(client: httpx.Client, request: HttpRequest) -> httpx.Response:
    assert request.path.startswith(SUITE_PREFIX), request.path
    path = ENDPOINT_PREFIX + request.path[len(SUITE_PREFIX) :]
    sent = client.build_request(request.method, path, headers=list(request.headers), content=request.body)
    return client.send(sent, follow_redirects=3 in request.status_classes)


def describe(request: HttpRequest, response: httpx.Response) -> str:
    body = request.body.decode("utf-8", "replace") if request.body is not None else ""
    return (
        f"\n  sent: {request.method} {request.path} {dict(request.headers)} {body!r}"
        f"\n  got:  {response.status_code} {response.headers.get('content-type')} {response.text[:300]!r}"
    )


# --- what came back ---------------------------------------------------------------------------------------


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def read_boolean(response: httpx.Response) -> bool:
    """The boolean of an ASK result, in SPARQL Results XML or JSON."""
    kind = media_type(response)
    assert kind in BOOLEAN_TYPES, f"a boolean result must be SPARQL Results XML or JSON, not {kind!r}"
    if kind.endswith("+json"):
        value = response.json()["boolean"]
        assert isinstance(value, bool), value
        return value
    element = ElementTree.fromstring(response.content).find(f"{RESULTS_NS}boolean")
    assert element is not None and element.text in ("true", "false"), response.text
    return element.text == "true"


def read_table(response: httpx.Response) -> tuple[list[str], list[list[str]]]:
    """Variables and rows of a SELECT result, in SPARQL Results XML, JSON, CSV or TSV."""
    kind = media_type(response)
    assert kind in TABULAR_TYPES, f"a tabular result must be SPARQL Results XML, JSON, CSV or TSV, not {kind!r}"
    if kind.endswith("+json"):
        data = response.json()
        names = data["head"]["vars"]
        return names, [[b.get(n, {}).get("value", "") for n in names] for b in data["results"]["bindings"]]
    if kind.endswith("+xml"):
        root = ElementTree.fromstring(response.content)
        names = [v.get("name") for v in root.iter(f"{RESULTS_NS}variable")]
        results = root.find(f"{RESULTS_NS}results")
        assert results is not None, "no <results> element"
        rows = []
        for result in results.iter(f"{RESULTS_NS}result"):
            cells = {b.get("name"): "".join(b.itertext()) for b in result.iter(f"{RESULTS_NS}binding")}
            rows.append([cells.get(n, "") for n in names])
        return names, rows  # type: ignore[return-value]
    if kind == "text/csv":
        header, *rows = list(csv.reader(io.StringIO(response.text)))
        return header, rows
    header, *rows = [line.split("\t") for line in response.text.splitlines()]
    assert all(n.startswith("?") for n in header), f"TSV header must name ?variables: {header}"
    return [n[1:] for n in header], rows


def read_rdf(response: httpx.Response) -> Graph:
    kind = media_type(response)
    assert kind in RDF_TYPES, f"an RDF result must be an RDF syntax ({', '.join(RDF_TYPES)}), not {kind!r}"
    return Graph().parse(data=response.content, format=RDF_TYPES[kind])


def check(request: HttpRequest, response: httpx.Response) -> None:
    """The response against the manifest's ht:resp: status class, then format and boolean."""
    where = describe(request, response)
    expected = " or ".join(f"{c}xx" for c in sorted(request.status_classes))
    assert response.status_code // 100 in request.status_classes, f"expected {expected}{where}"
    if request.expected_format == "boolean":
        value = read_boolean(response)
        if request.expected_boolean is not None:
            assert value is request.expected_boolean, f"expected {request.expected_boolean}{where}"
    elif request.expected_format == "tabular":
        names, _rows = read_table(response)
        assert names, f"a tabular result names its variables{where}"
    elif request.expected_format == "RDF":
        read_rdf(response)
    else:
        assert request.expected_format is None, f"unknown mf:expectedFormat {request.expected_format}"
        assert request.expected_boolean is None, "mf:expectedBoolean without mf:expectedFormat"


# --- the protocol suite -----------------------------------------------------------------------------------


def test_the_manifests_are_complete() -> None:
    """Guards the parsing above: the suites as published (34 protocol tests, 3 service description tests)."""
    assert len(CASES) == 34
    assert len({c.id for c in CASES}) == len(CASES)
    assert all(c.requests for c in CASES)
    assert all(r.status_classes for c in CASES for r in c.requests)
    assert SD_CASES == ["has-endpoint-triple", "returns-rdf", "conforms-to-schema"]
    assert set(graph_data()) == {f"http://kasei.us/2009/09/sparql/data/data{n}.rdf" for n in (1, 2, 3)}
    assert all(path.is_file() for path in graph_data().values())
    # every update the suite expects to succeed is recognised as an update from its request alone
    for case in CASES:
        if case.category == "update (n/a)":
            assert case.requests[0].is_update(), case.id


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_protocol(case: ProtocolCase, client: httpx.Client, store_kind: str) -> None:
    if case.category == "update (n/a)":
        _refused_update(case, client)
        OUTCOMES.setdefault((store_kind, "protocol"), {})[case.id] = "n/a"
        pytest.skip(
            f"n/a ({case.id}): read-only endpoint; the update was refused with {READ_ONLY_STATUS}, nothing changed"
        )
    for request in case.requests:
        check(request, send(client, request))
    OUTCOMES.setdefault((store_kind, "protocol"), {})[case.id] = "passed"


def _refused_update(case: ProtocolCase, client: httpx.Client) -> None:
    """A read-only endpoint must refuse the update (403), and the suite's follow-up ASK must then be false."""
    update, *follow_ups = case.requests
    response = send(client, update)
    assert response.status_code == READ_ONLY_STATUS, (
        f"a read-only endpoint must refuse an update with {READ_ONLY_STATUS}{describe(update, response)}"
    )
    for request in follow_ups:
        assert not request.is_update() and request.expected_format == "boolean", request
        response = send(client, request)
        assert response.status_code // 100 == 2, describe(request, response)
        assert read_boolean(response) is False, f"the refused update left a trace{describe(request, response)}"
    _assert_data_intact(client)


def _assert_data_intact(client: httpx.Client) -> None:
    """The suite's graphs still hold what was loaded (an update such as CLEAR ALL did not run)."""
    for name, path in graph_data().items():
        triples = Graph().parse(path, format="nt")
        pattern = " ".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in triples)
        response = client.post(
            "/sparql",
            content=f"ASK {{ GRAPH <{name}> {{ {pattern} }} }}".encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )
        assert response.status_code == 200 and response.json()["boolean"] is True, f"graph {name} changed"


# --- the service description suite ------------------------------------------------------------------------

SPEC_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
SPEC_FEATURES = {SD.DereferencesURIs, SD.UnionDefaultGraph, SD.RequiresDataset, SD.EmptyGraphs, SD.BasicFederatedQuery}
W3C_FORMATS = {
    FORMATS[n]
    for n in (
        "JSON-LD",
        "N3",
        "N-Triples",
        "N-Quads",
        "LD_Patch",
        "microdata",
        "OWL_XML",
        "OWL_Functional",
        "OWL_Manchester",
        "POWDER",
        "POWDER-S",
        "PROV-N",
        "PROV-XML",
        "RDFa",
        "RDF_JSON",
        "RDF_XML",
        "RIF_XML",
        "SPARQL_Results_XML",
        "SPARQL_Results_JSON",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "TriG",
    )
}
SD_ACCEPT = ("text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json", "*/*")


def fetch_description(client: httpx.Client, path: str = "/sparql", accept: str = "text/turtle") -> Graph:
    """GET on the endpoint without a query (Service Description §2)."""
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, f"GET {path} (Accept: {accept}): {response.status_code} {response.text[:200]}"
    return read_rdf(response)


def sd_returns_rdf(client: httpx.Client) -> None:
    """§2: the description MUST be available in an RDF serialization, by content negotiation."""
    for accept in SD_ACCEPT:
        response = client.get("/sparql", headers={"Accept": accept})
        assert response.status_code == 200, f"Accept: {accept}: {response.status_code}"
        if accept != "*/*":
            assert media_type(response) == accept
        assert len(read_rdf(response)) > 0, f"Accept: {accept}: an empty description"


def sd_has_endpoint_triple(client: httpx.Client) -> None:
    """§3.4 sd:endpoint: the description names the URL that was dereferenced as the endpoint."""
    for path in ("/sparql", ENDPOINT_PREFIX):
        for accept in ("text/turtle", "application/rdf+xml"):
            url = URIRef(f"{client.base_url}".rstrip("/") + path)
            graph = fetch_description(client, path, accept)
            services = set(graph.subjects(SD.endpoint, url))
            assert services, f"GET {url} (Accept: {accept}): no ?service sd:endpoint <{url}>"
            assert all((s, RDF.type, SD.Service) in graph for s in services), f"the subject of sd:endpoint <{url}>"


def sd_conforms_to_schema(client: httpx.Client) -> None:
    """The shape the vocabulary (§3) gives a description, checked node by node."""
    graph = fetch_description(client)
    services = set(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1, f"exactly one sd:Service, found {len(services)}"
    (service,) = services
    endpoints = list(graph.objects(service, SD.endpoint))
    assert endpoints and all(isinstance(e, URIRef) for e in endpoints), "sd:endpoint: one or more IRIs"
    assert set(graph.subjects(SD.endpoint, None)) == {service}, "sd:endpoint has domain sd:Service"
    for language in graph.objects(None, SD.supportedLanguage):
        assert language in SPEC_LANGUAGES, f"sd:supportedLanguage {language} is not one of §3.3's languages"
    for fmt in graph.objects(None, SD.resultFormat):
        assert isinstance(fmt, URIRef), f"sd:resultFormat {fmt!r} is not an IRI"
        if str(fmt).startswith(str(FORMATS)):
            assert fmt in W3C_FORMATS, f"sd:resultFormat {fmt} is not a W3C format IRI"
    for feature in graph.objects(None, SD.feature):
        assert feature in SPEC_FEATURES, f"sd:feature {feature} is not one of §3.3's features"
    datasets = list(graph.objects(service, SD.defaultDataset))
    assert len(datasets) == 1, f"sd:defaultDataset: {len(datasets)} values"
    (dataset,) = datasets
    assert (dataset, RDF.type, SD.Dataset) in graph, "sd:defaultDataset has range sd:Dataset"
    defaults = list(graph.objects(dataset, SD.defaultGraph))
    assert defaults, "the default dataset describes its sd:defaultGraph"
    for default in defaults:
        assert (default, RDF.type, SD.Graph) in graph, "sd:defaultGraph has range sd:Graph"
    for named in graph.objects(None, SD.namedGraph):
        assert (named, RDF.type, SD.NamedGraph) in graph, f"sd:namedGraph {named} is not an sd:NamedGraph"
        names = list(graph.objects(named, SD.name))
        assert len(names) == 1 and isinstance(names[0], URIRef), f"{named}: sd:name must be exactly one IRI: {names}"
        graphs = list(graph.objects(named, SD.graph))
        assert graphs, f"{named} has no sd:graph"
        for inner in graphs:
            assert (inner, RDF.type, SD.Graph) in graph, "sd:graph has range sd:Graph"
    # what this endpoint serves must be what it describes
    described = {n for g in graph.objects(dataset, SD.namedGraph) for n in graph.objects(g, SD.name)}
    assert {URIRef(n) for n in graph_data()} <= described, "the suite's named graphs are described"


SD_CHECKS: dict[str, Callable[[httpx.Client], None]] = {
    "returns-rdf": sd_returns_rdf,
    "has-endpoint-triple": sd_has_endpoint_triple,
    "conforms-to-schema": sd_conforms_to_schema,
}


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's JSON-LD parser
@pytest.mark.parametrize("test_id", SD_CASES)
def test_service_description(test_id: str, client: httpx.Client, store_kind: str) -> None:
    assert test_id in SD_CHECKS, f"no check written for the manifest's {test_id}"
    SD_CHECKS[test_id](client)
    OUTCOMES.setdefault((store_kind, "service description"), {})[test_id] = "passed"


def test_service_description_claims_hold(client: httpx.Client, store_kind: str) -> None:
    """Beyond the suite: each language and feature the description claims is what the endpoint does."""
    graph = fetch_description(client)
    (service,) = graph.subjects(RDF.type, SD.Service)
    claimed = set(graph.objects(service, SD.supportedLanguage)) | set(graph.objects(service, SD.feature))
    base = str(client.base_url).rstrip("/")
    wrong = []

    def ask(query: str) -> httpx.Response:
        return client.post(
            "/sparql",
            content=query.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )

    if SD.SPARQL11Update in claimed:  # §3.3: the service supports SPARQL 1.1 Update; this one refuses updates
        wrong.append("sd:SPARQL11Update is claimed, but updates are refused")
    if SD.BasicFederatedQuery in claimed:  # §3.3: SERVICE is supported; this endpoint refuses it
        if ask("ASK { SERVICE <http://example.org/sparql> { ?s ?p ?o } }").status_code != 200:
            wrong.append("sd:BasicFederatedQuery is claimed, but a query with SERVICE is refused")
    if SD.UnionDefaultGraph in claimed:  # §3.3: the default graph is the union of the named graphs
        name, path = sorted(graph_data().items())[0]
        (s, p, o), *_ = Graph().parse(path, format="nt")
        if ask(f"ASK {{ {s.n3()} {p.n3()} {o.n3()} }}").json()["boolean"] is not True:
            wrong.append(f"sd:UnionDefaultGraph is claimed, but the default graph lacks <{name}>'s triples")
    if SD.DereferencesURIs in claimed:  # §3.3: FROM <url> dereferences url and uses the RDF it returns
        url = f"{base}/data/beleidsplan.ttl"  # a published dump: dereferenceable, Turtle
        assert len(read_rdf(client.get(url))) > 0, f"{url} must serve RDF for this check"
        if ask(f"ASK FROM <{url}> {{ ?s ?p ?o }}").json()["boolean"] is not True:
            wrong.append(f"sd:DereferencesURIs is claimed, but ASK FROM <{url}> {{ ?s ?p ?o }} is false")
    assert not wrong, "; ".join(wrong)
    OUTCOMES.setdefault((store_kind, "extra"), {})["claims-hold"] = "passed"


# --- the counts -------------------------------------------------------------------------------------------


def _collected(request: pytest.FixtureRequest, name: str, param: str | None, store_kind: str) -> set[str]:
    """The cases of test `name` this session runs on `store_kind` (all of them, or those -k kept)."""
    found = set()
    for item in request.session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if getattr(item, "originalname", "") == name and params.get("store_kind", "embedded") == store_kind:
            value = params[param] if param else name
            found.add(value.id if isinstance(value, ProtocolCase) else value)
    return found


def test_summary(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str], store_kind: str) -> None:
    """Last in the module: prints what passed, per category, and fails if a case this session ran on this
    store has no outcome (it failed, or was skipped for another reason than a refused update)."""
    protocol = OUTCOMES.get((store_kind, "protocol"), {})
    lines = ["", f"SPARQL 1.1 conformance on the {store_kind} store (W3C test suites, run from their manifests):"]
    categories = ("query", "bad query", "bad update", "update (n/a)")
    for category in categories:
        ids = [c.id for c in CASES if c.category == category]
        done = [i for i in ids if i in protocol]
        verb = "refused with 403, not applicable (read-only)" if category == "update (n/a)" else "passed"
        lines.append(f"  protocol {category:13} {len(done):2}/{len(ids):<2} {verb}")
        lines.extend(f"      not passed: {i}" for i in ids if i not in protocol)
    described = OUTCOMES.get((store_kind, "service description"), {})
    lines.append(f"  service description    {len(described):2}/{len(SD_CASES):<2} passed")
    lines.extend(f"      not passed: {i}" for i in SD_CASES if i not in described)
    extra = "passed" if OUTCOMES.get((store_kind, "extra"), {}).get("claims-hold") else "not passed"
    lines.append(f"  (beyond the suites) the description's claims hold: {extra}")
    count = {k: sum(1 for c in CASES if c.category == k and c.id in protocol) for k in categories}
    total = {k: sum(1 for c in CASES if c.category == k) for k in categories}
    lines.append(
        f"protocol: {count['query'] + count['bad query']}/{total['query'] + total['bad query']} query tests passed, "
        f"{count['bad update']}/{total['bad update']} bad update tests passed, "
        f"{count['update (n/a)']}/{total['update (n/a)']} update tests n/a (refused with {READ_ONLY_STATUS}); "
        f"service description: {len(described)}/{len(SD_CASES)} passed"
    )
    with capsys.disabled():
        print("\n".join(lines))
    missing = _collected(request, "test_protocol", "case", store_kind) - set(protocol)
    assert not missing, f"protocol cases without an outcome on the {store_kind} store: {sorted(missing)}"
    missing = _collected(request, "test_service_description", "test_id", store_kind) - set(described)
    assert not missing, f"service description cases not passed on the {store_kind} store: {sorted(missing)}"
    if _collected(request, "test_service_description_claims_hold", None, store_kind):
        assert extra == "passed", f"the service description's claims do not hold on the {store_kind} store"


# The same suites on both stores (tests/conftest.py).
pytestmark = pytest.mark.both_stores
