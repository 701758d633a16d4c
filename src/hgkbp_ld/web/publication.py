"""The dataset being served: a loaded store and its rendered site, swapped in whole.

Readers take `publication.current` once per request and use that pair throughout, so a reload
that happens meanwhile never mixes two versions in one answer.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from hgkbp_ld.build import build
from hgkbp_ld.render.site import Site, build_site
from hgkbp_ld.settings import Settings
from hgkbp_ld.store import RemoteStore, Store, StoreError, open_store, read_manifest

log = logging.getLogger("hgkbp_ld")


@dataclass(frozen=True)
class Current:
    store: Store
    site: Site


class Publication:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
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
        """Load dist/ (building it first if it is missing) into a new store and swap it in."""
        dist = self.settings.dist
        if not (dist / "manifest.json").exists():
            log.warning("no build in %s: building it from %s first", dist, self.settings.data)
            build(dist, base=self.settings.base, data_dir=self.settings.data)
        manifest, _version = read_manifest(dist)
        if manifest.get("base", self.settings.base) != self.settings.base:
            raise StoreError(
                f"{dist} was built for base {manifest['base']}, not {self.settings.base}: "
                f"run 'hgkbp-ld build --base {self.settings.base}' or serve with --base {manifest['base']}"
            )
        store = open_store(self.settings)
        store.load(dist)
        site = build_site(store, dist, self.settings.base)
        current = Current(store, site)
        self._current = current  # one assignment: readers see the old pair or the new one
        log.info(
            "serving dataset %s from %s: %d resources rendered in %.2f s",
            site.dataset.version[:12],
            self.settings.store or "the embedded store",
            len(site.resources),
            site.seconds,
        )
        return current

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
                    if isinstance(current.store, RemoteStore):  # a new publication in the store counts too
                        version = current.store.version() or version
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


def dist_files(dist: Path) -> dict[str, str]:
    """The published files of a build (name → sha256), from its manifest: nothing else is served."""
    manifest, _version = read_manifest(dist)
    return dict(manifest.get("files", {}))
