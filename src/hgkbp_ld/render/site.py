"""The site's documents, rendered once per build by the render stage (`render.stage`): the landing
page, the vocabulary, the application profile, the downloads and the 404 page.

A resource's page is made by `render.pages`; this module makes the pages that describe the whole
dataset. Each is made whole and returned in one frozen `Documents`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from jinja2 import Environment
from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from hgkbp_ld import iris
from hgkbp_ld.published import Representation, Resource
from hgkbp_ld.rdfio import read_graph
from hgkbp_ld.render.findable import document_meta
from hgkbp_ld.render.pages import Alternate, rdf_representations
from hgkbp_ld.render.queries import query
from hgkbp_ld.render.vocabulary import profile_shapes, vocabulary_terms
from hgkbp_ld.store import Dataset, Store
from hgkbp_ld.web.conneg import HTML, RESOURCE_FORMATS

FILE_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "json": "application/json",
}


@dataclass(frozen=True)
class Documents:
    """The site's documents: the landing page, the vocabulary, the profile, the downloads; the 404 page."""

    documents: Mapping[str, Resource]
    files: tuple[str, ...]  # the build's files (in dist/), published under /data/
    not_found: bytes


def goals(store: Store, base: str) -> list[dict[str, str]]:
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


def _rdf_document(path: str, graph: Graph, html: str) -> Resource:
    """A document's RDF (its blank nodes, the shapes', canonically named: two builds give the same bytes)."""
    if any(isinstance(term, BNode) for triple in graph for term in triple):
        canonical = Graph(namespace_manager=graph.namespace_manager)
        canonical += to_canonical_graph(graph)
        graph = canonical
    representations = rdf_representations(graph)
    representations[HTML.extension] = Representation.of(html.encode("utf-8"), HTML.media_type)
    return Resource(path, representations)


def documents(base: str, dataset: Dataset, env: Environment, dist: Path, common: dict) -> Documents:
    """The landing page, the vocabulary, the application profile, the downloads, the 404 page."""
    documents: dict[str, Resource] = {}
    vocabulary = read_graph(dist / "beleidsplan.ttl")
    shapes = read_graph(dist / "beleidsplan-shapes.ttl")
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
    digests = dict(dataset.manifest.get("files", {}))
    digests["manifest.json"] = hashlib.sha256((dist / "manifest.json").read_bytes()).hexdigest()
    files, listing = [], []
    for name in sorted(digests):  # the files are linked into the site, not read: their hashes are the manifest's
        kind = FILE_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")
        files.append(name)
        size = (dist / name).stat().st_size
        listing.append({"name": name, "format": kind, "size": f"{size / 1024:.0f} KiB", "sha256": digests[name]})
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
    return Documents(MappingProxyType(documents), tuple(files), not_found)


__all__ = ["Documents", "documents", "goals"]
