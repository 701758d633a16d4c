"""The build's render stage: a validated `dist/` → `dist/site/`, every page and file the server says.

The build's dumps are loaded into an in-memory store; `render.site` makes every representation;
this module writes them with their index (`hgkbp_ld.published`). `dist/site` is a link to a folder
named after the dataset's version (`site.{version}`), so a new build has a new real path: nginx keys
its cache of /sparql answers on it (`hgkbp_ld.nginx`). The store the stage loaded is kept in
`dist/oxigraph` (SNAPSHOT), which `serve` copies instead of loading the dumps again. A new render
stage (a sitemap, say) adds its files through the same `Writer` before `finish`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import mimetypes
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from hgkbp_ld import iris
from hgkbp_ld.bundled import STATIC
from hgkbp_ld.published import INDEX, ORIGIN, SITE, Resource, Writer
from hgkbp_ld.rdfio import serialise_all
from hgkbp_ld.render.actions import index_json
from hgkbp_ld.render.history import Histories
from hgkbp_ld.render.site import Site, build_site
from hgkbp_ld.store import EmbeddedStore
from hgkbp_ld.store.embedded import SNAPSHOT
from hgkbp_ld.web.conneg import HTML, RESOURCE_FORMATS

LDES_FORMATS = tuple(f for f in RESOURCE_FORMATS if f is not HTML)


def render(
    dist: Path,
    base: str,
    today: dt.date,
    *,
    previous: Path | None = None,
    progress: Callable[[str], None] = lambda _message: None,
) -> Path:
    """Render the build in `dist` into `dist/site`; `previous` is the site being replaced (if any)."""
    started = time.perf_counter()
    scratch = dist / ".render-store"
    store = EmbeddedStore(scratch)  # on disk, so that the build can keep it for the servers (SNAPSHOT)
    dataset = store.load(dist)
    progress(f"rendering every resource in every format (today is {today.isoformat()})")
    folder = dist / f"{SITE}.{dataset.version[:16]}"
    writer = Writer(folder, _file_time(previous), previous)

    def emit(resource: Resource) -> None:  # written as rendered, in a stable order: the same pack from the same data
        writer.representations("resources", resource.path, "doc/", _bodies(resource.representations))

    site = build_site(store, dist, base, today, emit=emit)
    for key, document in sorted(site.documents.items()):
        writer.representations("documents", key, "", _bodies(document.representations))
    for name, published in sorted(site.files.items()):
        writer.file("files", name, f"data/{name}", published.representation.body, published.representation.media_type)
    for asset in sorted(STATIC.iterdir()):
        kind = mimetypes.guess_type(asset.name)[0] or "application/octet-stream"
        writer.file("static", asset.name, f"static/{asset.name}", asset.read_bytes(), kind)
    for name, crawled in site.root.items():  # robots.txt and the sitemaps
        writer.file("root", name, name, crawled.body, crawled.media_type)
    assert site.histories is not None
    for key, graph in _event_stream(site.histories):
        written = serialise_all(graph, tuple(f.extension for f in LDES_FORMATS))
        bodies = {f.extension: (written[f.extension], f.media_type) for f in LDES_FORMATS}
        writer.representations("ldes", key, "ldes/", bodies)
    extra = {
        "today": today.isoformat(),
        "provenance": site.provenance,
        "statistics": dict(site.statistics),
        "versions": _versions(site),
        "actions": index_json(site.actions) if site.actions is not None else {},
        "meta": {path: dataclasses.asdict(meta) for path, meta in site.meta.items()},
        "seconds": round(time.perf_counter() - started, 3),
    }
    writer.finish(base, dataset, site.not_found, extra)
    store.snapshot(dist / SNAPSHOT)  # servers copy it instead of loading the dumps again
    del store
    shutil.rmtree(scratch, ignore_errors=True)
    (dist / SITE).symlink_to(folder.name, target_is_directory=True)
    progress(
        f"rendered {len(site.resources)} resources into {dist / SITE} in {extra['seconds']:.1f} s"
        f" ({writer.linked} files unchanged, linked from the previous site)"
    )
    return folder


def _bodies(representations: dict) -> dict[str, tuple[bytes, str]]:
    return {extension: (r.body, r.media_type) for extension, r in representations.items()}


def _file_time(previous: Path | None) -> int:
    """Now, and later than every file time of the site being replaced: an ETag never comes back."""
    now = int(time.time())
    try:
        before = json.loads((previous / INDEX).read_bytes())["started"] if previous is not None else 0
    except (OSError, ValueError, KeyError):
        before = 0
    return max(now, before + len(RESOURCE_FORMATS))


def _event_stream(histories: Histories) -> list[tuple[str, Graph]]:
    """Each plan's stream ("{plan}") and its pages ("{plan}/{n}"), on the ORIGIN placeholder."""
    found = []
    for slug, history in sorted(histories.plans.items()):
        found.append((slug, histories.root(slug, ORIGIN)))
        for number in range(1, len(history.versions) + 1):
            found.append((f"{slug}/{number}", histories.page(slug, number, ORIGIN)))
    return found


def _versions(site: Site) -> dict[str, dict[int, str]]:
    """For ?versie=n: each resource's state in every version of its plan (the member's path)."""
    histories = site.histories
    assert histories is not None
    found: dict[str, dict[int, str]] = {}
    for iri in histories.entries:
        states = {}
        for number in range(1, max(len(h.versions) for h in histories.plans.values()) + 1):
            entry = histories.version_at(iri, number)
            if entry is not None:
                states[number] = entry.path
        found[iris.path_of(iri, site.base) or iri] = states
    return found
