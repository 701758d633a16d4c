"""The dataset being served: the site the build rendered (`dist/site/`) and a loaded store for
the queries, swapped in whole.

Serving only reads files: nothing is rendered or built here (`hgkbp-ld build` renders the site).
Readers take `publication.current` once per request and use it throughout, so a reload that happens
meanwhile never mixes two versions in one answer.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from jinja2 import Environment

from hgkbp_ld.published import SITE, Site, read_site
from hgkbp_ld.render.templates import environment
from hgkbp_ld.settings import Settings
from hgkbp_ld.sparql import QueryService, WorkerPool
from hgkbp_ld.store import Store, StoreError, open_store, read_manifest
from hgkbp_ld.web.action_index import ActionIndex, index_from_json

log = logging.getLogger("hgkbp_ld")
RETIRE_SECONDS = 2.0  # after the query timeout, before a replaced store's connections are closed


@dataclass(frozen=True)
class Current:
    store: Store
    site: Site
    actions: ActionIndex  # the /acties rows, filtered per request
    environment: Environment  # for the pages made per request (/acties, the SPARQL page)
    queries: QueryService  # what answers /sparql over this store


class Publication:
    def __init__(self, settings: Settings, workers: WorkerPool | None = None) -> None:
        self.settings = settings
        self.workers = workers or WorkerPool(settings.workers)
        self._current: Current | None = None
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def current(self) -> Current:
        current = self._current
        if current is None:
            raise RuntimeError("no dataset loaded yet")
        return current

    def load(self) -> Current:
        """Read dist/site/ and load dist/ into a new store; swap both in together."""
        started = time.perf_counter()
        dist = self.settings.dist
        _manifest, version = read_manifest(dist)
        site = read_site(dist / SITE)
        if site.dataset.version != version:
            raise StoreError(f"{dist / SITE} was rendered from another build than {dist}; run 'hgkbp-ld build' again")
        if site.base != self.settings.base:
            raise StoreError(
                f"{dist} was built for base {site.base}, not {self.settings.base}: "
                f"run 'hgkbp-ld build --base {self.settings.base}' or serve with --base {site.base}"
            )
        store = open_store(self.settings)
        store.load(dist)
        current = Current(
            store, site, index_from_json(site.actions), environment(site.base), store.queries(self.workers)
        )
        previous, self._current = self._current, current  # one assignment: readers see the old set or the new one
        if previous is not None:
            self._retire(previous)
        log.info(
            "serving dataset %s from %s: %d resources read in %.2f s",
            site.dataset.version[:12],
            self.settings.store or "the embedded store",
            len(site.resources),
            time.perf_counter() - started,
        )
        return current

    def _retire(self, previous: Current) -> None:
        """Close the connections of the set a reload replaced, once the requests that took it have
        had their answers (every query ends within its timeout)."""
        grace = self.settings.query_timeout + RETIRE_SECONDS
        timer = threading.Timer(grace, previous.queries.close)
        timer.daemon = True
        timer.start()

    def watch(self) -> None:
        """Reload when dist/manifest.json changes (after `hgkbp-ld build`); a bad build is ignored."""
        if self._watcher is not None:
            return

        last_failure = ""

        def loop() -> None:
            nonlocal last_failure
            while not self._stop.wait(self.settings.reload_interval):
                try:
                    current = self._current
                    if current is None:
                        continue
                    _manifest, version = read_manifest(self.settings.dist)
                    version = current.queries.published() or version  # a new publication in a store counts too
                    if version != current.site.dataset.version:
                        self.load()
                        last_failure = ""
                except Exception as error:  # keep serving the old dataset whatever went wrong
                    if str(error) != last_failure:  # once per cause, not every few seconds
                        log.warning("reload failed; still serving the previous dataset: %s", error)
                        last_failure = str(error)

        self._watcher = threading.Thread(target=loop, name="hgkbp-reload", daemon=True)
        self._watcher.start()

    def close(self) -> None:
        self._stop.set()
