"""One plan's part of the site, rendered in the process that built the plan, from that plan's graph.

A plan's own things (its plan, goals, actions, indicators, periods, dataset, source, versions: the
paths `{kind}/{plan}/…`, `render.plans.owns`), every past version's page of what changed in it
(`versie/{plan}/{n}/…`) and its event stream (`ldes/{plan}…`) depend only on the plan's inputs:
its graph, the shared registers, the titles of the other plans (all in the plan's input hash,
`hgkbp_ld.incremental`), and three facts about the whole build that are in that hash too (how many
plans there are, which mandates are in force on the build's day, and no more). No page of a plan
names the dataset's version. So the pages are rendered here, over a store that holds the plan's
graph, its catalogue entry and the vocabulary, written straight into the new site, and what the
final stage needs is kept as a *fragment* (`dist/build-cache/render/{plan}.json` and
`{plan}.index.json`, its sitemap rows), and its part of the site's index in the site
(`parts/{plan}.index.json`): an unchanged plan's fragment and files are taken from the last build by hard
link (`hgkbp_ld.linking`), not rendered again.

What another plan says about one of this plan's things (a plan naming it as a related plan) is not
in this plan's graph: such things are listed by the plan that mentions them (`mentions`), and the
final stage renders them again from the whole dataset.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from hgkbp_ld import __version__, iris
from hgkbp_ld.bundled import ONTOLOGY, SHAPES
from hgkbp_ld.iris import Iris
from hgkbp_ld.published import CACHE, ORIGIN, Writer, write_part
from hgkbp_ld.rdfio import keeping, read_graph, serialise, serialise_all, serialise_union
from hgkbp_ld.registers import Registers
from hgkbp_ld.render.actions import keep_texts, load_index
from hgkbp_ld.render.findable import lastmod
from hgkbp_ld.render.history import Entry, Histories, version_states
from hgkbp_ld.render.pages import Pages
from hgkbp_ld.render.plan_facts import PlanFacts, things
from hgkbp_ld.render.plans import load_plans, owner
from hgkbp_ld.render.queries import query
from hgkbp_ld.render.schemaorg import dataset_descriptions, landing_pages
from hgkbp_ld.render.shared import contributions, graph_of
from hgkbp_ld.render.templates import environment
from hgkbp_ld.render.views import Labels, Views
from hgkbp_ld.store import EmbeddedStore, Store
from hgkbp_ld.store.base import VOCABULARY_GRAPH
from hgkbp_ld.triples import Triples
from hgkbp_ld.web.conneg import HTML, RESOURCE_FORMATS

FRAGMENTS = "render"  # in dist/build-cache/
LDES_FORMATS = tuple(f for f in RESOURCE_FORMATS if f is not HTML)


@dataclass(frozen=True)
class RenderContext:
    """What a plan's pages take from the whole build (each part of them is in the plan's input hash)."""

    site: Path  # the new site being written
    previous: Path | None  # the site being replaced: a file of the same bytes is linked from it
    started: int  # the file time of what is written now (published.Writer)
    today: dt.date
    plan_count: int
    built: dict[str, tuple[str, str]]  # register plan IRI -> (built plan IRI, its title), of the other plans
    # register plan IRI -> its title, for a register plan a built plan is (owl:sameAs): the whole dataset
    # has it wherever another plan names that plan, and the plan's page shows it as the link's label
    titles: dict[str, str] = dataclasses.field(default_factory=dict)


@lru_cache(maxsize=1)
def labels() -> Labels:
    """The Dutch names of classes and properties, read once per process."""
    return Labels(read_graph(ONTOLOGY / "beleidsplan.ttl"), read_graph(SHAPES / "beleidsplan-shapes.ttl"))


def fragment_paths(cache: Path, slug: str) -> tuple[Path, Path]:
    """A plan's fragment: the summary the final stage reads first, and its part of the site's index."""
    return cache / FRAGMENTS / f"{slug}.json", cache / FRAGMENTS / f"{slug}.index.json"


def make_pages(
    store: Store,
    base: str,
    context: RenderContext,
    slugs: list[str],
    datasets: bool = True,
    parts: Callable[[Store], dict[str, list[tuple]]] | None = None,
) -> Pages:
    """The `Pages` of a store holding the plans `slugs` (one plan's, in a plan's process); `datasets`:
    whether a dataset's landing page may be among them (its schema.org description is made then). The
    actions' rows are read without their searchable texts: no page shows them, and the site's index
    writes them plan by plan (`StreamedIndex`). `parts`: gives the action index's parts (some or all),
    made by several processes (`render.spread`)."""
    plans = load_plans(store, base, slugs)
    titles = {p["slug"]: p["title"] for p in plans}
    views = Views(store, base, labels(), context.today, titles, context.built, batch=len(slugs) == 1)
    actions = views.actions = load_index(store, base, plans, texts=False, parts=parts(store) if parts else None)
    described = dataset_descriptions(store) if datasets else {}
    common = {
        "version": __version__,
        "provenance": provenance(store),
        "plans": plans,
        "owners": {p["slug"]: p for p in reversed(plans)},  # slug -> its plan, for a page's history
        "plan_count": context.plan_count,
    }
    return Pages(
        store,
        views,
        environment(base).get_template("resource.html"),
        common,
        plans,
        actions,
        context.plan_count > 1,
        described,
        landing_pages(described),
    )


def provenance(store: Store) -> list[dict[str, str]]:
    """Per plan dataset: when it was built, the SHA-256 of its source text, its licence."""
    return [{key: str(value) for key, value in row.items()} for row in store.select(query("provenance"))]


def statistics(store: Store, graph: str) -> dict[str, dict[str, int]]:
    """How many things of each class, how many statements of each property, in one graph (the VoID)."""
    classes = store.select(query("graph-classes"), {"graph": URIRef(graph)})
    properties = store.select(query("graph-properties"), {"graph": URIRef(graph)})
    return {
        "classes": {str(r["c"]): int(r["n"]) for r in classes},
        "properties": {str(r["p"]): int(r["n"]) for r in properties},
    }


def subjects(store: Store, base: str) -> list[str]:
    """Every thing under `{base}/id/` that a graph of the store describes, sorted: `queries/resources.rq`,
    or over the embedded store its named graphs' subjects filtered here (the same IRIs: a query's string
    function reads each IRI's text from the store, ~1 % of a plan's build; `render.stage` does the same)."""
    prefix = iris.thing(base, "")
    listed = getattr(store, "graph_subjects", None)
    if listed is not None:
        return sorted(iri for iri in listed() if iri.startswith(prefix) and "#" not in iri)
    rows = store.select(query("resources").replace("?prefix", json.dumps(prefix)))
    return sorted(str(r["s"]) for r in rows if "#" not in str(r["s"]))


def render_plan(
    pages: Pages,
    histories: Histories,
    slug: str,
    graph: str,
    writer: Writer,
    things: Iterable[str],
    cache: Path,
    facts: PlanFacts | None = None,
) -> dict:
    """Render plan `slug`'s own things (of `things`), its past versions and its event stream with
    `writer`; write its fragment into `cache` (dist/build-cache) and return its summary. `facts`: what
    the summary says of the plan's graph, where its build made them from the graph it built (else read
    from the store)."""
    base = pages.base
    rendered: dict[str, None] = {}  # paths, in order, once
    for iri in things:
        path = iris.path_of(iri, base) or iri
        if owner(path) != slug:
            continue
        path, made = pages.current_bodies(iri, histories.entries.get(iri))
        writer.representations("resources", path, "doc/", made)
        rendered[path] = None
    history = histories.plans[slug]
    keys = [slug, *(f"{slug}/{n}" for n in range(1, len(history.versions) + 1))]
    formats = tuple(f.extension for f in LDES_FORMATS)
    with keeping():  # the members' pages' pieces, of which the stream's pages are made (`serialise_union`)
        for path, made in pages.past_bodies(histories, slug):
            writer.representations("resources", path, "doc/", made)
            rendered[path] = None
        streams = [serialise_all(histories.root(slug, ORIGIN), formats)]
        streams += [serialise_union(*histories.page_parts(slug, n, ORIGIN), formats) for n in range(1, len(keys))]
    for key, written in zip(keys, streams, strict=True):
        writer.representations(
            "ldes", key, "ldes/", {f.extension: (written[f.extension], f.media_type) for f in LDES_FORMATS}
        )
    times = {slug: [v.timestamp for v in history.versions]}
    counts = {slug: len(history.versions)}
    owned, shared = {}, {}
    for iri, entries in sorted(histories.entries.items()):
        path = iris.path_of(iri, base) or iri
        if owner(path) == slug:
            owned[path] = version_states(entries, counts, counts[slug])
        if owner(path) != slug or path == f"beleidsplan/{slug}":  # the plan itself: other plans name it
            shared[iri] = [e.record() for e in entries]
    counted = facts.statistics if facts is not None else None
    fallback = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    sitemap = []
    for path in rendered:
        found = lastmod(path, base, times, histories.entries, fallback)
        sitemap.append([path, found.lastmod.isoformat(), found.group])
    summary = {
        "slug": slug,
        "versions": [t.isoformat() for t in times[slug]],
        "shared": shared,  # the versions of things plans share (and of the plan), for the final stage's pages
        "statistics": {graph: counted if counted is not None else statistics(pages.store, graph)},
        "mentions": facts.mentions if facts is not None else mentions(pages.store, base, slug, graph),
        # what the plan's graph says around each thing it names and does not own (render.shared)
        "contributions": facts.contributions if facts is not None else _contributions(pages.store, graph, base, slug),
    }
    index = {
        "resources": {path: writer.entries["resources"][path] for path in rendered},
        "ldes": {key: writer.entries["ldes"][key] for key in keys},
        "versions": owned,
        "sitemap": sitemap,
    }
    write_fragment(cache, slug, summary, index, writer.folder)
    return summary


def _contributions(store: Store, graph: str, base: str, slug: str) -> dict[str, str]:
    """`contributions` of the plan's graph read back from `store` (the last stage, rendering a plan again)."""
    return contributions(_graph_triples(store, graph), base, {slug})  # type: ignore[arg-type]


def _graph_triples(store: Store, graph: str) -> Triples:
    """One graph's statements, for `contributions` (whose digests do not depend on their order): read
    from the embedded store's index where the plan's store is one, at half the cost of a query's graph."""
    if isinstance(store, EmbeddedStore):
        return store.graph_triples(graph)
    return Triples(graph_of(store, graph))


def mentions(store: Store, base: str, slug: str, graph: str) -> list[str]:
    """The things of other plans that plan `slug`'s graph names."""
    named = query("resources-named").replace("?prefix", json.dumps(iris.thing(base, "")))
    rows = store.select(named, {"g": URIRef(graph)})
    found = set()
    for row in rows:
        path = iris.path_of(str(row["x"]), base) or ""
        if owner(path) not in (None, slug):
            found.add(str(row["x"]))
    return sorted(found)


def write_fragment(cache: Path, slug: str, summary: dict, index: dict, site: Path) -> None:
    """The plan's part of the index into the `site` (`published.write_part`), its summary and its
    sitemap rows (what the final stage reads of it) into `cache`."""
    small, big = fragment_paths(cache, slug)
    small.parent.mkdir(parents=True, exist_ok=True)
    write_part(site, slug, index)
    big.write_text(json.dumps({"sitemap": index["sitemap"]}, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    small.write_text(json.dumps(summary, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def read_summary(cache: Path, slug: str) -> dict:
    return json.loads(fragment_paths(cache, slug)[0].read_bytes())


def read_index(cache: Path, slug: str) -> dict:
    """What the final stage reads of a plan's part of the index: its sitemap rows (the part itself is in
    the site: `published.read_part`)."""
    return json.loads(fragment_paths(cache, slug)[1].read_bytes())


def kept(cache: Path, slug: str) -> Path:
    """Where the final stage keeps a plan's own file of a page it rendered again (another plan names
    the thing), so that the next build can still take the plan's fragment whole."""
    return cache / FRAGMENTS / f"{slug}.files"


__all__ = ["Entry", "RenderContext", "make_pages", "read_index", "read_summary", "render_plan"]


def register_plans(
    names: dict[str, tuple[str | None, str | None]], registers: Registers, base: str
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """The plans of data/plans.csv that a built plan is (owl:sameAs): register IRI -> (built IRI, title),
    and register IRI -> the register's title (what another plan's graph calls it, where one names it)."""
    found, titles = {}, {}
    for slug, (title, abbreviation) in sorted(names.items()):
        entry = registers.plans.matching(title, abbreviation)
        if entry is not None and entry.slug != slug:
            found[str(Iris(base, entry.slug).plan())] = (str(Iris(base, slug).plan()), title or "")
            if entry.title and entry.slug not in names:
                titles[str(Iris(base, entry.slug).plan())] = entry.title
    return found, titles


def plan_store(
    folder: Path, slug: str, base: str, catalogue: Graph, manifest: dict, named: bool = True
) -> EmbeddedStore:
    """An in-memory store of one plan as the whole build's store holds it: the plan's graph, its entry of
    the catalogue and the vocabulary, each in its named graph and in the merged default graph, loaded in
    the order `EmbeddedStore.load` loads a build's files (the order a store gives its statements in): the
    plan's N-Triples, the catalogue's statements (as N-Triples, in the order of its Turtle), the
    vocabulary (its Turtle read once per process); no folder written, no count checked. Read leniently (no
    IRI checked again): each is this build's own, the plan's N-Triples the bytes its validation has just read
    strictly (or a build before it, the same bytes), the catalogue's made here, the vocabulary the package's:
    10.1 -> 7.3 ms a plan. Not `named`: the default graph alone (what the pages ask of it; its statements in
    the same order: pyoxigraph's in-memory store gives a pattern's quads in the reverse order of their
    insertion, whatever else it holds), where the build made what it would ask the named graphs
    (`render.plan_facts`): one load of each instead of two."""
    store = ox.Store()
    parts = (
        ((folder / f"{slug}.nt").read_bytes(), ox.RdfFormat.N_TRIPLES, manifest["plans"][slug]["graph"]),
        (serialise(catalogue, "nt"), ox.RdfFormat.N_TRIPLES, manifest["catalogue"]["graph"]),
        (_vocabulary(), ox.RdfFormat.TURTLE, VOCABULARY_GRAPH),
    )
    for data, kind, graph in parts:
        if named:
            store.bulk_load(data, format=kind, to_graph=ox.NamedNode(graph), lenient=True)
        store.bulk_load(data, format=kind, to_graph=ox.DefaultGraph(), lenient=True)
    return EmbeddedStore.of(store, indexed=True)


@lru_cache(maxsize=1)
def _vocabulary() -> bytes:
    """The vocabulary's Turtle, as a build copies it into dist/ (read once per process)."""
    return (ONTOLOGY / "beleidsplan.ttl").read_bytes()


def render_built_plan(
    folder: Path,
    slug: str,
    base: str,
    catalogue: Graph,
    manifest: dict,
    context: RenderContext,
    facts: PlanFacts | None = None,
) -> dict:
    """Render a plan the build just wrote into `folder` (the new dist/): its pages into the new site,
    its fragment and its actions' texts (`actions.keep_texts`) into `folder`/build-cache. `manifest`: the
    plan's part of the build's manifest; `facts`: what its summary says of its graph, made by its build from
    the graph it built (else read back from the plan's store, which then holds its named graphs)."""
    named = facts is None or facts.statistics is None
    store = plan_store(folder, slug, base, catalogue, manifest, named)
    graph = manifest["plans"][slug]["graph"]
    histories = Histories.load(folder, manifest, base)
    pages = make_pages(store, base, context, [slug])
    writer = Writer(context.site, context.started, context.previous, pack=f"packs/{slug}.pack")
    try:
        listed = subjects(store, base) if facts is None else things(facts, catalogue, base)
        summary = render_plan(pages, histories, slug, graph, writer, listed, folder / CACHE, facts)
    finally:
        writer.close()
    if pages.actions is not None:  # its actions' texts for the site's index, which the last stage reads
        keep_texts(pages.actions, store, folder / CACHE / FRAGMENTS, slug)
    return summary
