"""The last stage's other cores: the shared pages to render, taken one by one by every process.

When the pages of what plans share that must be rendered again are many (a first build of many
plans: each such page lists the actions of every plan), helper processes (`jobs` - 1) render them
beside the last stage, over the store it keeps for the servers (`dist/oxigraph`, opened read-only).
Each process takes the next page from a shared counter, the costliest kinds first (a minister's
page, which draws a timeline per plan, then a portfolio's), so that no process is left with the
long ones at the end. All write the pages' bodies into a spool folder, and the last stage writes
them into the site in its own order, so the site is the same bytes whatever the number of
processes and whichever took which page.

A first build starts its helpers before it loads its store (`Helpers.ahead`: they import what they
render with meanwhile), gives them what they need once it is kept (`begin`) and every shared page at
once (`Helpers.give`: a first build renders them all), so that they render from when their `Pages` are
made while the last stage makes its own (the stage asks what it needs besides while it waits for the
first helper's part of the action index); another build starts them only once it knows the pages to
render are many. Once the pages are taken, every process folds and keeps the plans'
action texts for the site's index (`StreamedIndex.keep`), which the stage would fold alone at its end.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import multiprocessing as mp
import os
import pickle
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from hgkbp_ld import iris
from hgkbp_ld.published import CACHE
from hgkbp_ld.render.actions import PARTS, StreamedIndex, index_parts
from hgkbp_ld.render.findable import Entry as SitemapEntry
from hgkbp_ld.render.findable import group_sitemaps
from hgkbp_ld.render.history import Entry
from hgkbp_ld.render.pages import Pages
from hgkbp_ld.render.plan_site import RenderContext, make_pages, read_index
from hgkbp_ld.render.queries import query
from hgkbp_ld.store import EmbeddedStore, Store

SPREAD_FROM = 200  # pages to render times plans (what they cost, roughly) before helpers are started
SPREAD_PAGES = 24  # and pages to render: fewer (an incremental build) do not pay for a helper's start
# the kinds of shared page that cost the most, costliest first (a minister's page draws a timeline per
# plan; a portfolio's lists every plan's actions): taken first; every other kind after them
COSTLIEST = ("mandataris/", "bevoegdheid/")
# the action index's parts (`render.actions.PARTS`) the first helper makes, while the stage makes the others
# (and picks the shared things before): the actions' own rows cost about as much as all the others
HELPER_PARTS = ("actions",)
STAGE_PARTS = tuple(name for name in PARTS if name not in HELPER_PARTS)


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
    texts: Path | None = None  # where the actions' folded texts are kept (`StreamedIndex`): taken after the pages
    index: Path | None = None  # where the processes give each other the action index's parts (else each makes all)
    early: Path | None = None  # where each plan's sitemap and index rows are made once the pages are taken (`stage`)


# the pages to render, taken group by group: each (number, IRI, its versions as records); a group is a minister's
# mandates (those that hold the same portfolios: their pages list the same actions, which a process keeps for
# the next one: `render.views`, `Pages.minister_timelines`) or one page; in the order taken
Work = list[list[tuple[int, str, list | None]]]


class Helpers:
    """The helper processes (`jobs` - 1), started, each making its `Pages` until it is given work
    (`render`) or none (`stop`). `helper`: what they need, or None if they are started before it is known
    (`ahead`) and given it later (`begin`)."""

    def __init__(self, helper: Helper | None, jobs: int | None = None) -> None:
        self.helper = helper
        context = mp.get_context("spawn")  # a helper starts clean, not from the stage's heap
        self.next: Synchronized = context.Value("q", 0)  # type: ignore[assignment]
        self.given: Work | None = None  # the pages given before the stage made its own `Pages` (`give`)
        self.meanwhile: Callable[[], object] | None = None  # what the stage does while it waits for a part (`parts`)
        self._processes: list[tuple[BaseProcess, Connection]] = []
        self._sending: list[threading.Thread] = []
        if helper is not None and helper.index is not None:
            _fresh(helper.index)
        for number in range(max((helper.jobs if helper is not None else jobs or 1) - 1, 0)):
            ours, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(helper, self.next, theirs, number), daemon=True)
            process.start()
            theirs.close()
            self._processes.append((process, ours))

    @classmethod
    def early(cls, helper: Helper, *, first: bool) -> Helpers | None:
        """Started now if the build is a first one (no shared page recorded: every one is rendered) of
        plans enough that `Spread` will want them, and may use more than one process."""
        if first and _wanted(helper.jobs, len(helper.slugs)):
            return cls(_indexed(helper))
        return None

    @classmethod
    def ahead(cls, jobs: int, plans: int) -> Helpers | None:
        """Started before the stage loads its store (a first build's, whose helpers `early` will want: its
        `Helper` is known once the store is kept, `begin`), if a build of `plans` plans would want them: they
        import what they render with meanwhile (~1 s of CPU each), not once the store is kept, when the
        stage soon waits for the first helper's part of the action index (`parts`)."""
        return cls(None, jobs) if _wanted(jobs, plans) else None

    def begin(self, helper: Helper, *, first: bool) -> Helpers | None:
        """The helpers started `ahead`, given `helper` if `early` would start them; else stopped (None)."""
        if not (first and _wanted(helper.jobs, len(helper.slugs))):
            self.stop()
            return None
        self.helper = helper = _indexed(helper)
        assert helper.index is not None
        _fresh(helper.index)
        for _process, connection in self._processes:
            try:
                connection.send(helper)
            except OSError:  # it failed while starting: `wait` says why
                pass
        return self

    def parts(self, store: Store) -> dict[str, list[tuple]]:
        """The action index's parts for the stage's `Pages` (`make_pages`' `parts`): those it makes
        (`STAGE_PARTS`), given to the helpers, and those the first helper makes (`HELPER_PARTS`), once given
        (or, if it ended, none: the stage makes them then)."""
        helper = self.helper
        first = self._processes[0][0] if self._processes and helper is not None and helper.index is not None else None
        if first is None:
            return {}
        assert helper is not None and helper.index is not None
        return _exchanged(store, helper.index, STAGE_PARTS, first.is_alive, self.meanwhile)

    def give(self, todo: list[tuple[str, list[Entry] | None]], store: Store) -> None:
        """Give the helpers every page of `todo` (IRI, its versions) now, before the stage made its own
        `Pages` (a first build renders every shared page, known from the plans' summaries and the store):
        they render from when their `Pages` are made, not from when the stage's are. `Spread` is then made
        with the same `todo` and takes its part."""
        assert self.helper is not None
        _fresh(self.helper.spool)
        self.given = _work(self.helper.base, todo, together(store))
        self.render(self.given)

    def render(self, work: Work) -> None:
        """Give every helper `work` (they take from it with this process, through `next`). Sent by a thread:
        a helper reads it only once its `Pages` are made, and the work is more than a pipe holds, so this
        process would wait for that (`give`: while it could make its own)."""
        pickled = ForkingPickler.dumps(work)
        for _process, connection in self._processes:
            sending = threading.Thread(target=_send, args=(connection, pickled), name="hgkbp-spread-send", daemon=True)
            sending.start()
            self._sending.append(sending)

    def wait(self) -> None:
        """Until every helper is done; a helper's failure raised here, with its traceback."""
        for sending in self._sending:
            sending.join()
        failures = []
        for process, connection in self._processes:
            try:
                said = connection.recv()
            except EOFError:
                said = f"the helper process ended ({process.exitcode}) before its pages were rendered"
            if said is not None:
                failures.append(said)
        self.stop()
        if failures:
            raise RuntimeError("a helper of the last stage failed:\n" + "\n".join(failures))

    def stop(self) -> None:
        """No (more) work: the helpers end (one rendering ends with the page it renders)."""
        with self.next.get_lock():
            self.next.value = 1 << 62  # nothing left to take
        for process, connection in self._processes:
            try:
                if not self._sending:  # (given work, it finds none left to take and ends)
                    connection.send(None)
            except OSError:  # it ended already
                pass
            process.join(timeout=60)
            if process.is_alive():
                process.terminate()
                process.join()
        for sending in self._sending:
            sending.join()  # its helper read the work, or ended (the pipe is broken)
        for _process, connection in self._processes:
            connection.close()
        self._processes, self._sending = [], []
        if self.helper is not None and self.helper.index is not None:
            shutil.rmtree(self.helper.index, ignore_errors=True)


class Spread:
    """The bodies of the pages `todo` (IRI, its versions), made by several processes if they are many and
    the build may use more than one; `get` gives each one's, in any order, once. `helpers`: started
    already (see `Helpers.start`), else started here if they pay."""

    def __init__(
        self,
        pages: Pages,
        todo: list[tuple[str, list[Entry] | None]],
        helper: Helper | None,
        helpers: Helpers | None = None,
    ) -> None:
        self.pages = pages
        self.spool: Path | None = None
        self._todo = dict(todo)
        self._numbers: dict[str, int] = {}
        given = helpers.given if helpers is not None else None
        if helper is None or (
            given is None
            and (helper.jobs < 2 or len(todo) * len(helper.slugs) < SPREAD_FROM or len(todo) < max(2, SPREAD_PAGES))
        ):
            if helpers is not None:
                helpers.stop()
            return
        if given is not None and [iri for _n, iri, _r in sorted(i for g in given for i in g)] != [i for i, _e in todo]:
            helpers.stop()  # type: ignore[union-attr]
            raise RuntimeError("the shared pages given to the helpers early are not those the stage renders")
        self.spool = helper.spool
        self._numbers = {iri: number for number, (iri, _entries) in enumerate(todo)}
        if given is None:
            _fresh(self.spool)
        work = given if given is not None else _work(pages.base, todo, together(pages.store))
        helpers = helpers or Helpers(helper)
        try:
            if given is None:
                helpers.render(work)
            _take(helpers.next, work, self.spool, pages, _texts(pages, helper.texts, helper.early), _sitemaps(helper))
            helpers.wait()
        finally:
            helpers.stop()

    def get(self, iri: str) -> dict[str, tuple[bytes, str]] | None:
        """The page's bodies (extension -> body, media type), or None if it is not to be rendered."""
        if iri not in self._todo:
            return None
        entries = self._todo.pop(iri)
        number = self._numbers.pop(iri, None)
        if number is None:  # one process: rendered now
            return self.pages.current_bodies(iri, entries)[1]
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


def _wanted(jobs: int, plans: int) -> bool:
    """Whether a first build of `plans` plans on `jobs` processes renders its shared pages with helpers."""
    return jobs >= 2 and plans * max(SPREAD_PAGES, 1) >= SPREAD_FROM


def _indexed(helper: Helper) -> Helper:
    """`helper` with the folder where the processes give each other the action index's parts."""
    return dataclasses.replace(helper, index=helper.spool.with_name(f"{helper.spool.name}-index"))


def _fresh(spool: Path) -> None:
    shutil.rmtree(spool, ignore_errors=True)
    spool.mkdir(parents=True)


def together(store: Store) -> dict[str, str]:
    """The mandates that a process renders one after another (`queries/mandates-portfolios.rq`): IRI -> the
    portfolios it holds (a minister's terms hold the same)."""
    held: dict[str, list[str]] = {}
    for row in store.select(query("mandates-portfolios")):
        held.setdefault(str(row["m"]), []).append(str(row["p"]))
    return {mandate: " ".join(sorted(portfolios)) for mandate, portfolios in held.items()}


def _work(base: str, todo: list[tuple[str, list[Entry] | None]], together: dict[str, str]) -> Work:
    """The pages of `todo`, numbered in its order, in groups (`together`: the pages with the same value, in
    their order; else one page a group), in the order they are taken: the costliest kinds first, the largest
    groups of a kind first."""
    groups: dict[tuple[str, int | str], list[tuple[int, str, list | None]]] = {}
    for n, (iri, entries) in enumerate(todo):
        key = together.get(iri)
        groups.setdefault(("", n) if key is None else ("held", key), []).append((n, iri, _records(entries)))
    return sorted(groups.values(), key=lambda group: (_rank(base, group[0][1]), -len(group), group[0][0]))


def _send(connection: Connection, pickled: memoryview | bytes) -> None:
    try:
        connection.send_bytes(pickled)
    except OSError:  # it failed while starting: `wait` says why
        pass


def _rank(base: str, iri: str) -> int:
    """Where a page's kind comes in the order taken: the costliest kinds first."""
    path = iris.path_of(iri, base) or iri
    return next((n for n, kind in enumerate(COSTLIEST) if path.startswith(kind)), len(COSTLIEST))


def _records(entries: list[Entry] | None) -> list | None:
    return [e.record() for e in entries] if entries else None


def _texts(pages: Pages, kept: Path | None, early: Path | None = None) -> tuple[StreamedIndex, list[str]] | None:
    """What keeps the actions' texts of every plan (`StreamedIndex.keep`; their rows of the site's index made
    into `early`), and the plans, if they are kept."""
    if kept is None or pages.actions is None:
        return None
    index = StreamedIndex(pages.actions, pages.store, kept, early)
    return index, index.plans()


def _sitemaps(helper: Helper) -> tuple[Path, Path, tuple[str, ...]] | None:
    """Where the plans' sitemaps are read from (the build's cache) and made (`Helper.early`), and the plans:
    a site of several plans has a sitemap a plan."""
    if helper.early is None or len(helper.slugs) < 2:
        return None
    return helper.spool.parent / CACHE, helper.early, helper.slugs


def sitemap_of(cache: Path, base: str, slug: str) -> list[tuple[str, bytes, str]]:
    """A plan's sitemap files (name, body, line of the sitemap index) from its part of the index alone: what the
    stage writes for a plan no shared page (or a page of the plan's rendered again) adds a row to."""
    rows = read_index(cache, slug)["sitemap"]
    return group_sitemaps(
        slug, [SitemapEntry(iris.document(base, p), dt.datetime.fromisoformat(t), g) for p, t, g in rows], base
    )


def _take(
    next_one: Synchronized,
    work: Work,
    spool: Path,
    pages: Pages,
    texts: tuple[StreamedIndex, list[str]] | None = None,
    sitemaps: tuple[Path, Path, tuple[str, ...]] | None = None,
) -> None:
    """Render the pages of `work` this process takes (the next not taken by another), then fold and keep the
    plans' texts it takes (the index's, which the stage would fold alone at its end), then make the plans'
    sitemaps it takes (`sitemap_of`, pickled into their folder: the stage writes them), until none is left."""
    while True:
        with next_one.get_lock():
            position = next_one.value
            next_one.value = position + 1
        if position >= len(work):
            position -= len(work)
            if texts is not None and position < len(texts[1]):
                texts[0].keep(texts[1][position])
                continue
            position -= len(texts[1]) if texts is not None else 0
            if sitemaps is None or position >= len(sitemaps[2]):
                return
            cache, folder, slugs = sitemaps
            made = pickle.dumps(sitemap_of(cache, pages.base, slugs[position]), protocol=pickle.HIGHEST_PROTOCOL)
            (folder / slugs[position]).write_bytes(made)
            continue
        for number, iri, records in work[position]:
            entries = [Entry.recorded(r) for r in records] if records else None
            _spool(spool, number, pages.current_bodies(iri, entries)[1])


def _spool(spool: Path, number: int, made: dict[str, tuple[bytes, str]]) -> None:
    """A page's bodies as files named `{number}.{position}.{extension}.{media type}` (in their order)."""
    for position, (extension, (body, media_type)) in enumerate(made.items()):
        (spool / f"{number}.{position}.{extension}.{media_type.replace('/', '_')}").write_bytes(body)


def _exchanged(
    store: Store,
    folder: Path,
    mine: tuple[str, ...],
    alive: Callable[[], bool],
    meanwhile: Callable[[], object] | None = None,
) -> dict[str, list[tuple]]:
    """The action index's parts `mine`, made here and given to the other processes (a file each in `folder`,
    whole when it has its name), and every other part once given (those of a process that ended: none).
    `meanwhile`: called once if a part is still to come when this process's are given (work it does in
    any case, done while it would wait)."""
    found = index_parts(store, mine)
    for name, rows in found.items():
        (folder / f".{name}").write_bytes(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
        (folder / f".{name}").rename(folder / name)
    for name in PARTS:
        while name not in found and alive():
            if (folder / name).exists():
                found[name] = pickle.loads((folder / name).read_bytes())
            elif meanwhile is not None:
                meanwhile()
                meanwhile = None
            else:
                time.sleep(0.02)
    return found


def _serve(helper: Helper | None, next_one: Synchronized, connection: Connection, number: int = 0) -> None:
    """In a helper process (the `number`th): the same `Pages` as the last stage's, over the kept store,
    read-only (the action index made with the stage: its parts `HELPER_PARTS` by the first helper); then
    the pages it takes of the work it is given (None: no work). Says None when done, else what failed.
    `helper` None: started ahead (`Helpers.ahead`), it is given once the store is kept (None: not wanted)."""
    try:
        if helper is None:
            helper = connection.recv()
            if helper is None:
                return
        store = EmbeddedStore.read_only(helper.store)
        context = RenderContext(helper.spool, None, 0, helper.today, len(helper.slugs), {})
        folder, stage = helper.index, mp.parent_process()
        mine = HELPER_PARTS if number == 0 else ()
        parts = None
        if folder is not None and stage is not None:
            parts = functools.partial(_exchanged, folder=folder, mine=mine, alive=stage.is_alive)
        pages = make_pages(store, helper.base, context, list(helper.slugs), datasets=helper.datasets, parts=parts)
        work = connection.recv()
        if work is None:
            return
        _take(next_one, work, helper.spool, pages, _texts(pages, helper.texts, helper.early), _sitemaps(helper))
        connection.send(None)
    except EOFError:  # the stage ended without work for it
        return
    except Exception:  # any failure is the stage's, told with its traceback
        connection.send(traceback.format_exc())
        return
    # Done and said so; every file it wrote is closed. It ends without freeing its objects one by one (its
    # `Pages`, the action index: ~600 MiB at 1000 plans), which the stage would wait for (`Helpers.wait`)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


__all__ = ["COSTLIEST", "SPREAD_FROM", "SPREAD_PAGES", "Helper", "Helpers", "Spread", "sitemap_of", "together"]
