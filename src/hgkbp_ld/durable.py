"""Files of the new dist/ written to disk, not only to the page cache (`put`), their syncs made
beside the work that follows (`Syncs`)."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import IO


def put(path: Path, body: bytes, syncs: Syncs | None = None) -> str:
    """Write a file of the new dist/ (to disk, not only the page cache); its sha256. `syncs`: the file
    is synced by them (`Syncs`, before the plan's build returns), else here."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # perhaps a link to the last build's file: never write through it
    handle = open(path, "wb")  # closed here or, once synced, by `syncs`
    try:
        handle.write(body)
        handle.flush()
        if syncs is None:
            os.fsync(handle.fileno())
    except BaseException:
        handle.close()
        raise
    if syncs is None:
        handle.close()
    else:
        syncs.add(handle)
    return hashlib.sha256(body).hexdigest()


class Syncs:
    """A plan's written files, synced to disk (`os.fsync`) by a thread of their own while the plan's
    pages are rendered: the sync of a plan's dumps and snapshots (~2 MB) waits 12-30 ms on this
    machine's disk (bench/RESULTS.md, w20-s9), a wait in which the worker's core had nothing to do.
    `finish` waits for the thread and raises the first error a sync met (a full disk): a plan's build
    still returns only once its files are on disk."""

    def __init__(self) -> None:
        self._handles: list[IO[bytes]] = []
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def add(self, handle: IO[bytes]) -> None:
        self._handles.append(handle)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._sync, name="hgkbp-sync", daemon=True)
        self._thread.start()

    def _sync(self, sync: bool = True) -> None:
        for handle in self._handles:
            try:
                if sync and self._error is None:
                    os.fsync(handle.fileno())
            except BaseException as error:
                self._error = error
            finally:
                try:
                    handle.close()
                except OSError as error:
                    self._error = self._error or error

    def finish(self, quiet: bool = False) -> None:
        """Wait for the syncs and raise the first error a sync met. Not started: the syncs are made
        here, or, `quiet` (the plan's build failed already), the files only closed, and no error raised."""
        if self._thread is None:
            self._sync(sync=not quiet)
        else:
            self._thread.join()
        self._handles = []
        if self._error is not None and not quiet:
            raise self._error
