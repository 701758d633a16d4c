"""Everything the server says about a dataset, rendered once by the build's render stage.

Between two builds nothing changes, so every resource's representations (HTML and the four RDF
formats) and the documents are made once and written by `render.stage`. `build_site` makes each
part whole (a page is made whole by `Views.page`; a variant of it is a new page) and returns the
`Site` in one piece: frozen, its mappings read-only. Nothing is filled in afterwards.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from types import MappingProxyType

from jinja2 import Environment, Template
from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph

from hgkbp_ld import __version__, iris
from hgkbp_ld.published import File, Representation, Resource
from hgkbp_ld.rdfio import serialise_all
from hgkbp_ld.render.actions import collaboration, load_index, timeline_groups
from hgkbp_ld.render.findable import Meta, crawler_files, document_meta, resource_meta
from hgkbp_ld.render.history import Histories
from hgkbp_ld.render.pictures import matrix_rows, matrix_svg, timeline_rows, timeline_svg
from hgkbp_ld.render.plans import load_plans, plan_of
from hgkbp_ld.render.queries import query
from hgkbp_ld.render.schemaorg import dataset_descriptions, landing_pages
from hgkbp_ld.render.templates import environment
from hgkbp_ld.render.views import Labels, Page, Views
from hgkbp_ld.render.vocabulary import profile_shapes, vocabulary_terms
from hgkbp_ld.store import Dataset, Store
from hgkbp_ld.web.browse import ActionIndex
from hgkbp_ld.web.conneg import HTML, RESOURCE_FORMATS


@dataclass(frozen=True)
class Alternate:
    href: str
    media_type: str
    name: str


@dataclass(frozen=True)
class Site:
    """Everything the render stage made of one dataset, made whole by `build_site` and never changed:
    the mappings are read-only views (MappingProxyType)."""

    base: str
    dataset: Dataset
    resources: Mapping[str, Resource]  # /id/ and /doc/ paths
    documents: Mapping[str, Resource]  # other pages: "", "ns/beleidsplan", ...
    files: Mapping[str, File]  # /data/{name}
    root: Mapping[str, Representation]  # robots.txt, sitemap.xml, sitemaps/...
    meta: Mapping[str, Meta]  # of the pages rendered per request: acties, sparql
    not_found: bytes
    environment: Environment  # for pages rendered per request (the SPARQL page)
    statistics: Mapping[str, dict[str, dict[str, int]]]  # graph -> classes/properties
    actions: ActionIndex  # the rows of /acties
    provenance: tuple[dict[str, str], ...]
    histories: Histories  # the versions of each plan, their members and pages
    loaded_at: float
    seconds: float


@dataclass(frozen=True)
class Documents:
    """The site's documents: the landing page, the vocabulary, the profile, the downloads; the 404 page."""

    documents: Mapping[str, Resource]
    files: Mapping[str, File]
    not_found: bytes


def script_json(text: str) -> str:
    """JSON safe inside <script>: no '<', '>' or '&' can end the element or open a comment."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def alternates(path: str) -> list[Alternate]:
    return [Alternate(f"{iris.doc_link(path)}.{f.extension}", f.media_type, f.name) for f in RESOURCE_FORMATS]


def build_site(
    store: Store, dist: Path, base: str, today: dt.date | None = None, emit: Callable[[Resource], None] | None = None
) -> Site:
    """Render every resource under `{base}/id/` in every format. With `emit`, each resource is handed
    to it as soon as it is rendered and the site keeps only its path (the build writes it at once,
    so that no site is held in memory)."""
    started = time.perf_counter()
    dataset = store.dataset
    assert dataset is not None, "load the store first"
    labels = Labels(Graph().parse(dist / "beleidsplan.ttl"), Graph().parse(dist / "beleidsplan-shapes.ttl"))
    plans = load_plans(store, base, list(dataset.manifest.get("plans", {})))
    views = Views(store, base, labels, today or dt.date.today(), {p["slug"]: p["title"] for p in plans})
    env = environment(base)
    template = env.get_template("resource.html")
    common = {
        "version": __version__,
        "dataset_version": dataset.version,
        "provenance": _provenance(store),
        "plans": plans,
    }
    actions = load_index(store, base, plans)
    histories = Histories.load(dist, dataset.manifest, base)
    prefix = iris.thing(base, "")
    rows = store.select(query("resources").replace("?prefix", json.dumps(prefix)))
    pictures = plan_pictures(actions)
    datasets = dataset_descriptions(store)
    landing = landing_pages(datasets)

    def render(iri: str) -> Resource:
        graph = store.describe(iri)
        page = views.page(iri, graph)
        history = histories.entries.get(iri)
        if history:
            page = page.with_sections({"history": history})
        pictured = _pictures_of(page, actions, pictures)
        dataset = datasets.get(iri) or datasets.get(landing.get(iris.document(base, page.path), ""))
        schema = script_json(json.dumps(dataset, ensure_ascii=False, sort_keys=True)) if dataset else None
        meta = resource_meta(page, graph, base, page.title, schema)
        path = iri[len(prefix) :]
        context = {**common, "plan": plan_of(path, plans)}
        return _rendered(path, graph, page, template, context, page.title, meta, pictured)

    # Threads: on a remote store most of the time is waiting for its answers.
    things = sorted(str(r["s"]) for r in rows if "#" not in str(r["s"]))
    resources: dict[str, Resource] = {}

    def keep(resource: Resource) -> None:
        if emit is None:
            resources[resource.path] = resource
        else:
            emit(resource)
            resources[resource.path] = Resource(resource.path, {})

    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="hgkbp-render") as pool:
        for resource in pool.map(render, things):
            keep(resource)
    for resource in _past_versions(histories, views, template, common, plans):
        keep(resource)
    documents = _documents(base, dataset, env, dist, {**common, "plans": _with_goals(plans, _goals(store, base))})
    root = crawler_files(base, common["provenance"], resources, documents.documents, histories)
    return Site(
        base=base,
        dataset=dataset,
        resources=MappingProxyType(resources),
        documents=documents.documents,
        files=documents.files,
        root=MappingProxyType({name: Representation.of(body, kind) for name, (body, kind) in root.items()}),
        meta=MappingProxyType({path: document_meta(base, path) for path in ("acties", "sparql")}),
        not_found=documents.not_found,
        environment=env,
        statistics=MappingProxyType(_statistics(store, dataset)),
        actions=actions,
        provenance=tuple(common["provenance"]),
        histories=histories,
        loaded_at=time.time(),
        seconds=time.perf_counter() - started,
    )


def _statistics(store: Store, dataset: Dataset) -> dict[str, dict[str, dict[str, int]]]:
    """Per plan graph: how many things of each class, how many statements of each property (the VoID)."""
    found = {}
    for name in dataset.manifest.get("plans", {}).values():
        graph = URIRef(name["graph"])
        classes = store.select(query("graph-classes"), {"graph": graph})
        properties = store.select(query("graph-properties"), {"graph": graph})
        found[str(graph)] = {
            "classes": {str(r["c"]): int(r["n"]) for r in classes},
            "properties": {str(r["p"]): int(r["n"]) for r in properties},
        }
    return found


def _with_goals(plans: list[dict[str, str]], goals: list[dict[str, str]]) -> list[dict[str, object]]:
    """The plans as the landing page lists them: each with its horizontal goals' rows."""
    return [{**plan, "goal_rows": [g for g in goals if g["plan"] == plan["iri"]]} for plan in plans]


FILE_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "json": "application/json",
}


def _rdf_document(path: str, graph: Graph, html: str) -> Resource:
    """A document's RDF (its blank nodes, the shapes', canonically named: two builds give the same bytes)."""
    if any(isinstance(term, BNode) for triple in graph for term in triple):
        canonical = Graph(namespace_manager=graph.namespace_manager)
        canonical += to_canonical_graph(graph)
        graph = canonical
    representations = _rdf(graph)
    representations[HTML.extension] = Representation.of(html.encode("utf-8"), HTML.media_type)
    return Resource(path, representations)


def _rdf(graph: Graph) -> dict[str, Representation]:
    """A graph's four RDF representations, by extension."""
    formats = tuple(f for f in RESOURCE_FORMATS if f is not HTML)
    bodies = serialise_all(graph, tuple(f.extension for f in formats))
    return {f.extension: Representation.of(bodies[f.extension], f.media_type) for f in formats}


def plan_pictures(index: ActionIndex) -> dict[str, dict[str, object]]:
    """Per plan: the timeline and the collaboration matrix (SVG) with their table alternatives."""
    found: dict[str, dict[str, object]] = {}
    plans = sorted({row.plan for row in index.rows})
    for plan in plans:
        groups = timeline_groups(index, plan)
        labels, counts, slugs = collaboration(index, plan)
        scope = f"plan={plan}&" if len(plans) > 1 else ""  # a cell counts this plan's actions: so does its list

        def href(a: str, b: str, slugs: dict[str, str] = slugs, scope: str = scope) -> str:
            return f"/acties?{scope}bevoegdheid={slugs[a]}" + ("" if a == b else f"&samen-met={slugs[b]}")

        found[plan] = {
            "timeline": timeline_svg(groups, id_prefix=f"tijdlijn-{plan}"),
            "timeline_rows": timeline_rows(groups),
            "matrix": matrix_svg(labels, counts, href, id_prefix=f"matrix-{plan}"),
            "matrix_rows": matrix_rows(labels, counts),
        }
    return found


def _pictures_of(page: Page, index: ActionIndex | None, pictures: dict[str, dict[str, object]]) -> dict | None:
    """The pictures a page shows: the plan's on its page; a minister's own small timeline."""
    if index is None:
        return None
    if page.kind == "Beleidsplan":
        return pictures.get(page.path.split("/", 1)[1])
    if page.kind == "Mandataris":
        hrefs = {link.href for key in ("lead", "partner") for link in page.sections.get(key, [])}  # type: ignore[union-attr]
        timelines = []
        for plan in sorted({row.plan for row in index.rows}):
            numbers = {row.number for row in index.rows if row.plan == plan and row.href in hrefs}
            if numbers:
                groups = timeline_groups(index, plan, numbers)
                timelines.append(
                    {
                        "svg": timeline_svg(
                            groups, title=f"Tijdlijn van de acties van {page.title}", id_prefix=f"tijdlijn-{plan}"
                        ),
                        "rows": timeline_rows(groups),
                    }
                )
        return {"minister_timelines": timelines}
    return None


def _provenance(store: Store) -> list[dict[str, str]]:
    """Per plan dataset: when it was built, the SHA-256 of its source text, its licence."""
    return [{key: str(value) for key, value in row.items()} for row in store.select(query("provenance"))]


def _goals(store: Store, base: str) -> list[dict[str, str]]:
    """Each horizontal goal with its number of operational goals and actions, for the landing page."""
    return [
        {
            "plan": str(r["plan"]),
            "href": iris.doc_href(str(r["hd"]), base),
            "notation": str(r["notation"]),
            "title": str(r["title"]),
            "ods": str(r["ods"]),
            "actions": str(r["actions"]),
        }
        for r in store.select(query("goals"))
    ]


def _documents(base: str, dataset: Dataset, env: Environment, dist: Path, common: dict) -> Documents:
    """The landing page, the vocabulary, the application profile, the downloads, the 404 page."""
    documents: dict[str, Resource] = {}
    vocabulary = Graph().parse(dist / "beleidsplan.ttl")
    shapes = Graph().parse(dist / "beleidsplan-shapes.ttl")
    header, classes, properties = vocabulary_terms(vocabulary)
    path = "ns/beleidsplan"
    html = env.get_template("vocabulary.html").render(
        header=header,
        classes=classes,
        properties=properties,
        title=header["title"],
        alternates=[Alternate(f"/{path}.{f.extension}", f.media_type, f.name) for f in RESOURCE_FORMATS],
        jsonld=None,
        meta=document_meta(base, path, header["title"], header["description"]),
        **common,
    )
    documents[path] = _rdf_document(path, vocabulary, html)
    path = "doc/applicatieprofiel/beleidsplan"
    html = env.get_template("profile.html").render(
        shapes=profile_shapes(shapes),
        title="Applicatieprofiel Beleidsplan",
        alternates=[Alternate(f"/{path}.{f.extension}", f.media_type, f.name) for f in RESOURCE_FORMATS],
        jsonld=None,
        meta=document_meta(base, path, "Applicatieprofiel Beleidsplan"),
        **common,
    )
    documents[path] = _rdf_document(path, shapes, html)
    modified = formatdate((dist / "manifest.json").stat().st_mtime, usegmt=True)
    files, listing = {}, []
    for name in sorted([*dataset.manifest.get("files", {}), "manifest.json"]):
        body = (dist / name).read_bytes()
        kind = FILE_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
        files[name] = File(name, Representation.of(body, kind), modified)
        listing.append(
            {
                "name": name,
                "format": kind,
                "size": f"{len(body) / 1024:.0f} KiB",
                "sha256": hashlib.sha256(body).hexdigest(),
            }
        )
    html = env.get_template("data.html").render(
        files=listing, title="Downloads", alternates=[], jsonld=None, meta=document_meta(base, "data/"), **common
    )
    documents["data/"] = Resource("data/", {"html": Representation.of(html.encode("utf-8"), HTML.media_type)})
    html = env.get_template("home.html").render(
        title="Start", alternates=[], jsonld=None, meta=document_meta(base, ""), **common
    )
    documents[""] = Resource("", {"html": Representation.of(html.encode("utf-8"), HTML.media_type)})
    not_found = (
        env.get_template("not_found.html")
        .render(path="{path}", title="Niet gevonden", alternates=[], jsonld=None, meta=None, **common)
        .encode("utf-8")
    )
    return Documents(MappingProxyType(documents), MappingProxyType(files), not_found)


__all__ = ["Alternate", "Site", "build_site"]


def _rendered(
    path: str,
    graph: Graph,
    page: Page,
    template: Template,
    common: dict,
    title: str,
    meta: Meta,
    pictures: object = None,
) -> Resource:
    """A resource's four RDF representations and its HTML page."""
    representations = _rdf(graph)
    html = template.render(
        page=page,
        title=title,
        alternates=alternates(path),
        jsonld=script_json(representations["jsonld"].body.decode("utf-8")),
        pictures=pictures,
        meta=meta,
        **common,
    )
    representations[HTML.extension] = Representation.of(html.encode("utf-8"), HTML.media_type)
    return Resource(path, representations)


def _past_versions(
    histories: Histories, views: Views, template: Template, common: dict, plans: list[dict[str, str]]
) -> Iterator[Resource]:
    """A page and RDF for every object in every version in which it changed (/doc/versie/...)."""
    for iri, entries in sorted(histories.entries.items()):  # a stable order: the site is written as it is made
        for entry in entries:
            common = {**common, "plan": plan_of(f"versie/{entry.slug}", plans)}
            version = histories.plans[entry.slug].versions[entry.number - 1]
            graph = histories.member(entry.slug, version, iri, histories.described(entry.slug, entry.number)[iri])
            member = histories.member_iri(entry.slug, entry.number, iri)
            page = views.page(member, graph, specific=False).with_sections(  # no kind section
                {"version": {"entry": entry, "current": views.href(iri), "history": entries}}
            )
            page = dataclasses.replace(page, kind="Versie", kind_label=f"{page.kind_label}, versie {entry.number}")
            title = f"{page.title} (versie {entry.number})"
            meta = resource_meta(page, graph, views.base, title)
            yield _rendered(entry.path, graph, page, template, common, title, meta)
            for owned in sorted({s for s in graph.subjects() if str(s) != member}):  # period, indicators: versioned too
                part = Graph()
                part += graph.triples((owned, None, None))
                part += graph.triples((None, None, owned))
                node = dataclasses.replace(views.page(str(owned), part, specific=False), kind="Versie")
                path = iris.path_of(str(owned), views.base) or str(owned)
                meta = resource_meta(node, part, views.base, node.title)
                yield _rendered(path, part, node, template, common, node.title, meta)
