"""The last stage's second core: the shared pages to render, half of them in a process of its own.

When the pages of what plans share that must be rendered again are many (a first build of many
plans: each such page lists the actions of every plan), every other one is rendered by a helper
process over the store the last stage keeps for the servers (`dist/oxigraph`, opened read-only),
while this process renders the rest. Both write the pages' bodies into a spool folder, and the
last stage writes them into the site in its own order, so the site is the same bytes whatever the
number of processes.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import shutil
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from hgkbp_ld.render.history import Entry
from hgkbp_ld.render.pages import Pages, bodies
from hgkbp_ld.render.plan_site import RenderContext, make_pages
from hgkbp_ld.store import EmbeddedStore

SPREAD_FROM = 200  # pages to render times plans (what they cost, roughly) before a helper is started
SPREAD_PAGES = 24  # and pages to render: fewer (an incremental build) do not pay for the helper's start


@dataclass(frozen=True)
class Helper:
    """What a helper needs to make the same `Pages` as the last stage: the store kept for the servers."""

    store: Path
    base: str
    today: dt.date
    slugs: tuple[str, ...]
    datasets: bool
    spool: Path
    jobs: int


class Spread:
    """The bodies of the pages `todo` (IRI, its versions), made on two cores if they are many and the
    build may use two; `get` gives each one's, in any order, once."""

    def __init__(self, pages: Pages, todo: list[tuple[str, list[Entry] | None]], helper: Helper | None) -> None:
        self.pages = pages
        self.spool: Path | None = None
        self._todo = dict(todo)
        self._numbers: dict[str, int] = {}
        if (
            helper is None
            or helper.jobs < 2
            or len(todo) * len(helper.slugs) < SPREAD_FROM
            or len(todo) < max(2, SPREAD_PAGES)
        ):
            return
        self.spool = helper.spool
        shutil.rmtree(self.spool, ignore_errors=True)
        self.spool.mkdir(parents=True)
        self._numbers = {iri: number for number, (iri, _entries) in enumerate(todo)}
        theirs = [(n, iri, _records(entries)) for n, (iri, entries) in enumerate(todo) if n % 2]
        with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
            future: Future[None] = pool.submit(_render_spooled, helper, theirs)
            for number, (iri, entries) in enumerate(todo):
                if not number % 2:
                    _spool(self.spool, number, bodies(pages.current(iri, entries).representations))
            future.result()

    def get(self, iri: str) -> dict[str, tuple[bytes, str]] | None:
        """The page's bodies (extension -> body, media type), or None if it is not to be rendered."""
        if iri not in self._todo:
            return None
        entries = self._todo.pop(iri)
        number = self._numbers.pop(iri, None)
        if number is None:  # one process: rendered now
            return bodies(self.pages.current(iri, entries).representations)
        found = {}
        assert self.spool is not None
        for path in sorted(self.spool.glob(f"{number}.*"), key=lambda p: int(p.name.split(".")[1])):
            _number, _position, extension, media_type = path.name.split(".", 3)
            found[extension] = (path.read_bytes(), media_type.replace("_", "/"))
            path.unlink()
        return found

    def close(self) -> None:
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)


def _records(entries: list[Entry] | None) -> list | None:
    return [e.record() for e in entries] if entries else None


def _spool(spool: Path, number: int, made: dict[str, tuple[bytes, str]]) -> None:
    """A page's bodies as files named `{number}.{position}.{extension}.{media type}` (in their order)."""
    for position, (extension, (body, media_type)) in enumerate(made.items()):
        (spool / f"{number}.{position}.{extension}.{media_type.replace('/', '_')}").write_bytes(body)


def _render_spooled(helper: Helper, work: list[tuple[int, str, list | None]]) -> None:
    """In the helper process: the same `Pages` as the last stage's, over the kept store, read-only."""
    store = EmbeddedStore.read_only(helper.store)
    context = RenderContext(helper.spool, None, 0, helper.today, len(helper.slugs), {})
    pages = make_pages(store, helper.base, context, list(helper.slugs), datasets=helper.datasets)
    for number, iri, records in work:
        entries = [Entry.recorded(r) for r in records] if records else None
        _spool(helper.spool, number, bodies(pages.current(iri, entries).representations))


__all__ = ["SPREAD_FROM", "SPREAD_PAGES", "Helper", "Spread"]
