"""The build's render stage: a validated `dist/` → `dist/site/`, every page and file the server says.

A plan's own pages are rendered by the process that built the plan (`render.plan_site`), or taken
from the last build when the plan did not change; they arrive here as fragments in
`dist/build-cache/render/`. This stage renders only what plans share (portfolios, ministers,
persons, the catalogue's records, the plans of the register, the landing page, the vocabulary,
the profile, `/data/`, the sitemaps, the 404 page), what another plan names of a plan's things,
and any plan that has no fragment (a `dist/` rendered again by hand: everything is rendered here
then). Each plan's part of the index is in the site already (`parts/{plan}.index.json`, written by
its worker or linked from the last build): `index.json` names the parts and holds what plans share
(`published.IndexWriter`), and the entries of a plan's things rendered again here, which take the
place of the part's.

The build's dumps are loaded into a store on disk, kept as `dist/oxigraph` (SNAPSHOT) for servers
to copy. `dist/site` is a link to a folder named after the dataset's version (`site.{version}`),
so a new build has a new real path: nginx keys its cache of /sparql answers on it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import mimetypes
import os
import pickle
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from hgkbp_ld import iris
from hgkbp_ld.bundled import STATIC
from hgkbp_ld.incremental import software
from hgkbp_ld.published import CACHE, EXTENSIONS, FORMAT, INDEX, SITE, IndexWriter, Writer, file_name
from hgkbp_ld.render.actions import StreamedIndex
from hgkbp_ld.render.findable import (
    SITEMAP_URLS,
    Entry,
    document_meta,
    group_sitemaps,
    lastmod,
    latest_time,
    robots,
    robots_txt,
    sitemap_index,
    sitemaps,
)
from hgkbp_ld.render.history import Entry as HistoryEntry
from hgkbp_ld.render.history import Histories, version_states
from hgkbp_ld.render.pages import Pages, bodies
from hgkbp_ld.render.plan_site import (
    FRAGMENTS,
    RenderContext,
    kept,
    make_pages,
    provenance,
    read_index,
    read_summary,
    render_plan,
    subjects,
)
from hgkbp_ld.render.plans import owner
from hgkbp_ld.render.shared import (
    Keys,
    contributions,
    graph_of,
    read_records,
    site_key,
    write_records,
)
from hgkbp_ld.render.shared_things import preloaded, shared_subject, shared_things
from hgkbp_ld.render.site import FILE_TYPES, documents, goals
from hgkbp_ld.render.spread import Helper, Helpers, Spread
from hgkbp_ld.render.templates import environment
from hgkbp_ld.store import EmbeddedStore, Store
from hgkbp_ld.store.loading import SNAPSHOT, Subjects, preload
from hgkbp_ld.web.conneg import RESOURCE_FORMATS

SECTIONS = ("resources", "ldes", "versions")  # the index's sections that grow with the plans: streamed


def file_time(previous: Path | None) -> int:
    """Now, and later than every file time of the site being replaced: an ETag never comes back."""
    now = int(time.time())
    try:
        before = json.loads((previous / INDEX).read_bytes())["started"] if previous is not None else 0
    except (OSError, ValueError, KeyError):
        before = 0
    return max(now, before + len(RESOURCE_FORMATS))


def render(
    dist: Path,
    base: str,
    today: dt.date,
    *,
    previous: Path | None = None,
    progress: Callable[[str], None] = lambda _message: None,
    fragments: tuple[str, ...] = (),
    site: Path | None = None,
    started: int | None = None,
    day: str | None = None,
    jobs: int = 1,
    plans: dict[str, dict] | None = None,
    ready: Callable[[], None] = lambda: None,
) -> Path:
    """Render the build in `dist` into `dist/site`; `previous` is the site being replaced (if any).
    `fragments`: the plans whose pages are rendered already into `site` (the new site's folder so far),
    with their fragments in dist/build-cache; every other plan is rendered here. `day`: what the pages
    take from `today` (`incremental.in_force`; default: the day itself); `jobs`: processes it may use.
    `ready`: returns once `dist`'s manifest is written (the build writes it while the stage starts);
    `plans`: the plans whose dumps are in `dist` already then (slug -> graph, triples: the manifest's)."""
    began = time.perf_counter()
    scratch = dist / ".render-store"
    store = EmbeddedStore(scratch)  # on disk, so that the build can keep it for the servers (SNAPSHOT)
    # A first build loads its plans into the store while the build writes its manifest (the catalogue's
    # validation: one core); another takes the last build's store, with only what changed loaded again.
    # A first build's helpers (render.spread) start meanwhile: they are given what they need once it is kept
    ahead = Helpers.ahead(jobs, len(plans)) if plans and previous is None else None
    seen = Subjects(shared_subject(base)) if plans and previous is None else None  # read as the plans load
    try:
        early = preload(scratch, dist, plans, seen) if plans and previous is None else None
        if early is not None:
            progress(f"{len(plans or {})} plan(s) loaded into the store in {time.perf_counter() - began:.1f} s")
        ready()
        dataset = store.load(dist, previous=previous.parent if previous is not None else None, early=early)
    except BaseException:
        if ahead is not None:
            ahead.stop()
        raise
    manifest = dataset.manifest
    folder = dist / f"{SITE}.{dataset.version[:16]}"
    if site is not None and site.exists():
        site.rename(folder)
    started = started if started is not None else file_time(previous)
    writer = Writer(folder, started, previous, pack="packs/site.pack")
    cache = dist / CACHE
    slugs = sorted(manifest.get("plans", {}))
    missing = [slug for slug in slugs if slug not in fragments]
    context = RenderContext(folder, previous, started, today, len(slugs), {})
    summaries = [read_summary(cache, slug) for slug in slugs if slug in fragments]
    mentioned = sorted({iri for s in summaries for iri in s["mentions"] if owner(_path(iri, base)) in slugs})
    store.snapshot(dist / SNAPSHOT)  # servers copy it instead of loading the dumps again; helpers read it
    early = dist / ".spool-early"  # each plan's sitemap and index rows, made by a process out of pages
    shutil.rmtree(early, ignore_errors=True)
    early.mkdir()
    helper = Helper(
        dist / SNAPSHOT,
        base,
        today,
        tuple(slugs),
        bool(missing or mentioned),
        dist / ".spool",
        jobs,
        cache / FRAGMENTS,
        early=early,
    )
    records = read_records(previous.parent if previous is not None else None)
    # they make their Pages while this process makes its own
    helpers = ahead.begin(helper, first=not records) if ahead is not None else Helpers.early(helper, first=not records)
    if store.reloaded is not None:
        progress(f"the last build's store taken, {len(store.reloaded)} graph(s) of it loaded again")
    progress(
        f"rendering what the plans share (today is {today.isoformat()}); {len(fragments)} plan(s) rendered"
        f" by their own build or taken from the last one, {len(missing)} rendered here"
    )
    common_things = shared_things(store, base, slugs, preloaded(store, seen, plans, dataset))
    merged = None
    if not missing:  # every plan's summary is read: what the plans share is known before the pages are made
        merged = _merged(summaries)
        if helpers is not None:  # a first build renders every shared page: its helpers start on them at once
            helpers.give([(iri, merged[0].get(iri)) for iri in common_things], store)
    catalogue = manifest.get("catalogue", {}).get("graph")
    asked = _Asked(store, base, slugs, catalogue)
    parts = helpers.parts if helpers is not None else None  # the action index made with the helpers
    if helpers is not None:  # asked while it would wait for the first helper's part of the action index
        helpers.meanwhile = asked
    pages = make_pages(store, base, context, slugs, datasets=bool(missing or mentioned), parts=parts)
    asked()  # (if it was not)
    things = subjects(store, base) if missing else []
    for slug in missing:  # no fragment: a plan's pages from the whole dataset, as a fragment
        histories = Histories.load(dist, _plan_part(manifest, slug), base)
        own = Writer(folder, started, previous, pack=f"packs/{slug}.pack")  # as the plan's worker writes it
        try:
            graph = manifest["plans"][slug]["graph"]
            summaries.append(render_plan(pages, histories, slug, graph, own, things, cache))
        finally:
            own.close()
    summaries.sort(key=lambda s: s["slug"])
    times = {s["slug"]: [dt.datetime.fromisoformat(t) for t in s["versions"]] for s in summaries}
    counts = {slug: len(found) for slug, found in times.items()}
    shared, statistics = merged if merged is not None else _merged(summaries)
    told = provenance(store)
    told_shown = told if len(slugs) == 1 else None  # what a shared page's footer shows (templates/base.html)
    fallback = latest_time(times, told)
    index = IndexWriter(folder, SECTIONS)
    keys = Keys(
        site_key(software(), base, day or today.isoformat(), pages.plans, slugs, pages.common["version"], told_shown),
        {s["slug"]: s.get("contributions", {}) for s in summaries},
        asked.contributions,
        records,
        previous,
    )
    del summaries  # what the stage needs of them is taken: their versions, contributions, statistics
    common = {
        "version": pages.common["version"],
        "provenance": told,
        "plans": pages.plans,
        "dataset_version": dataset.version,
    }
    # made before the shared pages, written after them: while this process makes them, its helpers render
    made = documents(
        base,
        dataset,
        environment(base),
        dist,
        {**common, "plans": _with_goals(pages.plans, asked.goals)},
    )
    rows, overrides = _shared_pages(
        pages,
        writer,
        index,
        shared,
        (slugs, common_things, mentioned),
        (times, counts, fallback),
        cache,
        keys,
        (helper, helpers),
    )
    write_records(dist, keys.records)
    lines: dict[str, list[str]] = {}  # of the sitemap index, by group
    for slug in slugs:  # each plan's part of the index is in the site: only its sitemap rows are read
        override = overrides.get(slug, {})
        for path, (written, states, _row) in sorted(override.items()):  # in place of the part's entries
            index.add("resources", path, written)
            if states:
                index.add("versions", path, states)
        made_early = early / slug
        if not override and slug not in rows and len(slugs) > 1 and made_early.is_file():  # `spread.sitemap_of`
            _write_sitemaps(writer, slug, pickle.loads(made_early.read_bytes()), lines)
            continue
        sitemap = read_index(cache, slug)["sitemap"]
        rows.setdefault(slug, []).extend(
            override[p][2] if p in override else Entry(iris.document(base, p), dt.datetime.fromisoformat(t), g)
            for p, t, g in sitemap
        )
        if len(slugs) > 1:
            _sitemap_group(writer, base, slug, rows.pop(slug), lines)
    for key, document in sorted(made.documents.items()):
        writer.representations("documents", key, "", bodies(document.representations))
    for name in made.files:
        writer.entries["files"][name] = writer.link(f"data/{name}", dist / name, _file_type(name))
    for asset in sorted(STATIC.iterdir()):
        kind = mimetypes.guess_type(asset.name)[0] or "application/octet-stream"
        writer.file("static", asset.name, f"static/{asset.name}", asset.read_bytes(), kind)
    extra = [Entry(f"{base}/{path}", fallback, "algemeen") for path in (*made.documents, "acties", "sparql")]
    _crawler_files(writer, base, rows, extra, lines)
    writer.write("404.html", made.not_found, "text/html")
    writer.close()
    seconds = round(time.perf_counter() - began, 3)
    index.finish(
        {
            "format": FORMAT,
            "base": base,
            "parts": slugs,  # each plan's part of the index: parts/{plan}.index.json
            "started": started,
            "dataset": {
                "version": dataset.version,
                "graphs": dataset.graphs,
                "manifest": manifest,
                "merged": dataset.merged,
            },
            **{section: writer.entries[section] for section in ("documents", "files", "static", "root")},
            "today": today.isoformat(),
            "provenance": told,
            "statistics": statistics,
            "actions": StreamedIndex(pages.actions, store, cache / FRAGMENTS, early)
            if pages.actions is not None
            else {},
            "meta": {path: _meta(base, path) for path in ("acties", "sparql")},
            "seconds": seconds,
        }
    )
    del store, pages
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(early, ignore_errors=True)
    (dist / SITE).symlink_to(folder.name, target_is_directory=True)
    progress(
        f"rendered {writer.written + writer.linked} shared files into {dist / SITE} in {seconds:.1f} s"
        f" ({writer.linked} unchanged, linked from the previous site); {len(keys.rendered)} of"
        f" {len(keys.records)} pages of what plans share rendered again, the others' inputs unchanged"
    )
    return folder


class _Asked:
    """What the stage asks the store besides its `Pages`: the catalogue's `contributions` (for `Keys`) and the
    landing page's goals; asked when called, once (while the stage would wait for its first helper's part of
    the action index: `Helpers.parts`, or else right after its `Pages` are made)."""

    def __init__(self, store: Store, base: str, slugs: list[str], catalogue: str | None) -> None:
        self._store: Store | None = store  # released once asked
        self._named = base, slugs, catalogue
        self.contributions: dict[str, str] = {}
        self.goals: list[dict[str, str]] = []

    def __call__(self) -> None:
        store, self._store = self._store, None
        if store is None:
            return
        base, slugs, catalogue = self._named
        self.contributions = contributions(graph_of(store, catalogue), base, slugs) if catalogue else {}
        self.goals = goals(store, base)


def _merged(summaries: list[dict]) -> tuple[dict[str, list[HistoryEntry]], dict]:
    """The versions of what plans share (IRI -> its versions in every plan) and the plans' statistics, taken
    out of the plans' summaries (in the plans' order: an object's versions as the plans list them) as they
    are read: the stage does not hold every plan's twice (issue 18)."""
    shared: dict[str, list[HistoryEntry]] = {}
    statistics: dict = {}
    for summary in summaries:
        for iri, entries in summary.pop("shared").items():
            shared.setdefault(iri, []).extend(HistoryEntry.recorded(e) for e in entries)
        statistics.update(summary.pop("statistics"))
    return shared, statistics


def _shared_pages(
    pages: Pages,
    writer: Writer,
    index: IndexWriter,
    shared: dict[str, list[HistoryEntry]],
    named: tuple[list[str], list[str], list[str]],
    clock: tuple[dict[str, list[dt.datetime]], dict[str, int], dt.datetime],
    cache: Path,
    keys: Keys,
    helping: tuple[Helper, Helpers | None],
) -> tuple[dict[str, list[Entry]], dict[str, dict[str, tuple]]]:
    """The pages of what plans share (each taken from the last build if its key is the one recorded
    there: `render.shared`), and those of a plan's things that another plan names (rendered again,
    from the whole dataset: they replace the plan's own in the index). Returns the sitemap rows by
    group and the replacements by plan. `named`: the plans, what they share (`shared_things`), and the
    plans' things that other plans name."""
    base = pages.base
    slugs, things, mentioned = named
    times, counts, fallback = clock
    upto = max(counts.values(), default=0)
    rows: dict[str, list[Entry]] = {}
    overrides: dict[str, dict[str, tuple]] = {}
    todo = [(i, shared.get(i)) for i in things if not keys.unchanged(pages, i, _path(i, base), shared.get(i))]
    keys.plans.clear()  # every key is made: what each plan's graph says around the things, released
    made_by = Spread(pages, todo, *helping)  # rendered on every core when they are many
    for iri in [*things, *mentioned]:
        entries = shared.get(iri)
        path = _path(iri, base)
        plan = owner(path)
        if plan in slugs:  # the plan's own files stay in its fragment, beside the site
            made = pages.current_bodies(iri, entries)[1]
            for extension in EXTENSIONS:
                relative = file_name(f"doc/{path}", extension)
                if (writer.folder / relative).exists():
                    (kept(cache, plan) / relative).parent.mkdir(parents=True, exist_ok=True)
                    os.replace(writer.folder / relative, kept(cache, plan) / relative)
        else:
            made = made_by.get(iri) or keys.previous_bodies(path)
        written = writer.representations("resources", path, "doc/", made)
        del writer.entries["resources"][path]  # the index is streamed
        states = version_states(entries, counts, upto) if entries else None
        row = lastmod(path, base, times, shared, fallback)
        row = Entry(iris.document(base, row.loc), row.lastmod, row.group)
        if plan in slugs:
            overrides.setdefault(plan, {})[path] = (written, states, row)
            continue
        index.add("resources", path, written)
        rows.setdefault(row.group, []).append(row)
    made_by.close()
    keys.rendered = [_path(iri, base) for iri, _entries in todo]
    for iri, entries in sorted(shared.items()):  # ?versie=n of every shared thing, also one no longer there
        path = _path(iri, base)
        if owner(path) not in slugs:
            index.add("versions", path, version_states(entries, counts, upto))
    return rows, overrides


def _sitemap_group(writer: Writer, base: str, group: str, entries: list[Entry], lines: dict[str, list[str]]) -> None:
    """One group's sitemap files, written; their lines of the sitemap index kept in `lines`."""
    _write_sitemaps(writer, group, group_sitemaps(group, entries, base), lines)


def _write_sitemaps(
    writer: Writer, group: str, files: list[tuple[str, bytes, str]], lines: dict[str, list[str]]
) -> None:
    """A group's sitemap files (name, body, line of the sitemap index: `group_sitemaps`, or `spread.sitemap_of`'s
    made early), written; their lines kept in `lines`."""
    lines[group] = []
    for name, body, line in files:
        writer.file("root", name, name, body, "application/xml")
        lines[group].append(line)


def _crawler_files(
    writer: Writer, base: str, rows: dict[str, list[Entry]], extra: list[Entry], lines: dict[str, list[str]]
) -> None:
    """robots.txt and the sitemaps: with one plan one sitemap.xml, else a sitemap per plan (written as
    each plan's part of the index was read) and one for what plans share, under a sitemap index."""
    rows.setdefault("algemeen", []).extend(extra)
    if not lines and sum(len(r) for r in rows.values()) <= SITEMAP_URLS:  # one plan
        files = sitemaps([e for group in rows.values() for e in group], base)
    else:
        for group, entries in sorted(rows.items()):
            _sitemap_group(writer, base, group, entries, lines)
        files = {"sitemap.xml": sitemap_index([line for group in sorted(lines) for line in lines[group]])}
    for name, body in sorted(files.items()):
        writer.file("root", name, name, body, "application/xml")
    writer.file("root", "robots.txt", "robots.txt", robots_txt(base, robots()).encode(), "text/plain")


def _path(iri: str, base: str) -> str:
    return iris.path_of(iri, base) or iri


def _plan_part(manifest: dict, slug: str) -> dict:
    return {"files": manifest.get("files", {}), "versions": {slug: manifest.get("versions", {}).get(slug, [])}}


def _with_goals(plans: list[dict[str, str]], found: list[dict[str, str]]) -> list[dict[str, object]]:
    """The plans as the landing page lists them: each with its horizontal goals' rows."""
    return [{**plan, "goal_rows": [g for g in found if g["plan"] == plan["iri"]]} for plan in plans]


def _meta(base: str, path: str) -> dict:
    return dataclasses.asdict(document_meta(base, path))


def _file_type(name: str) -> str:
    return FILE_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream")


__all__ = ["file_time", "render"]
