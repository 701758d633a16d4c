"""What the test processes of one run share (pytest-xdist runs several; a plain run is one): each
distinct build made once, a template of an empty Virtuoso made once, and the session's Virtuoso.

Everything lives under the run's base temporary folder (with xdist: the controller's, which holds the
workers' own), made by whichever process needs it first while the others wait on a file lock. What
is shared is read-only for the tests: a test that changes a build copies it first (`copy_dist`).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.processes import EPOCH, VIRTUOSO_DEV, Virtuoso, read_exports, require_virtuoso, run_build


def shared_root(factory: pytest.TempPathFactory) -> Path:
    """The run's folder: the controller's base temporary folder under xdist, else this process's."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def locked(lock: Path | None) -> Iterator[None]:
    """An exclusive lock on the file `lock` between the run's processes (none if `lock` is None)."""
    if lock is None:
        yield
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name`, made by `make(folder)` by the first process of the run that asks for it."""
    folder = shared_root(factory) / "shared" / name
    with locked(folder.with_name(name + ".lock")):
        if not (folder / ".made").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            make(folder)
            (folder / ".made").touch()
    return folder


# --- builds -------------------------------------------------------------------------------------------------


def shared_build(
    factory: pytest.TempPathFactory, name: str, data: Callable[[Path], Path], *extra: str, fresh: bool = False
) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """(data folder, dist, the build's process) of `hgkbp-ld build --data DATA [extra]`, made once per run
    for every test that reads that build; `data(folder)` lays out the data folder inside `folder`; `fresh`:
    in a new interpreter (tests/processes.py `cli`)."""

    def make(folder: Path) -> None:
        source = data(folder)
        done = run_build(folder / "dist", "--data", str(source), *extra, fresh=fresh)
        assert done.returncode == 0, done.stderr
        (folder / "build.json").write_text(
            json.dumps({"data": source.name, "stdout": done.stdout, "stderr": done.stderr}), encoding="utf-8"
        )

    folder = once(factory, name, make)
    made = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    done = subprocess.CompletedProcess(["hgkbp-ld", "build"], 0, made["stdout"], made["stderr"])
    return folder / made["data"], folder / "dist", done


def stage_views(dist: Path) -> tuple:
    """A built dist's kept store, read-only, and the views the last stage makes over it (no datasets'
    pages): (EmbeddedStore, Views)."""
    import datetime as dt

    from hgkbp_ld.render.plan_site import RenderContext, make_pages
    from hgkbp_ld.store import EmbeddedStore

    index = json.loads((dist / "site" / "index.json").read_bytes())
    store = EmbeddedStore.read_only(dist / "oxigraph")
    slugs = list(index["parts"])
    context = RenderContext(dist / "unused", None, 0, dt.date.fromisoformat(index["today"]), len(slugs), {})
    return store, make_pages(store, index["base"], context, slugs, datasets=False).views


def copy_dist(dist: Path, to: Path) -> Path:
    """A copy of a build to change or to build over (its `site` link stays a link)."""
    shutil.copytree(dist, to, symlinks=True)
    return to


# --- Virtuoso -----------------------------------------------------------------------------------------------


def _template(factory: pytest.TempPathFactory) -> Path:
    """An empty Virtuoso database with its dba password set, stopped: a copy starts in half the time
    a new database takes (Virtuoso creates and checkpoints a fresh one first)."""

    def make(folder: Path) -> None:
        virtuoso = Virtuoso(folder / "db")
        virtuoso.start()
        virtuoso.stop()

    return once(factory, "virtuoso-template", make) / "db"


def fresh_virtuoso(factory: pytest.TempPathFactory, folder: Path) -> Virtuoso:
    """A Virtuoso of its own in `folder` (a new, empty database: a copy of the template), started."""
    require_virtuoso()
    shutil.copytree(_template(factory), folder)
    for stale in ("virtuoso.pid", "virtuoso.lck"):
        (folder / stale).unlink(missing_ok=True)
    virtuoso = Virtuoso(folder)
    virtuoso.start()
    return virtuoso


def _graphs(virtuoso: Virtuoso) -> set[str]:
    """Every graph that holds a triple in the Virtuoso."""
    import httpx

    response = httpx.post(
        virtuoso.url,
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    response.raise_for_status()
    return {row["g"]["value"] for row in response.json()["results"]["bindings"]}


def _answers(virtuoso: Virtuoso) -> bool:
    import httpx

    try:
        return httpx.post(virtuoso.url, data={"query": "ASK {}"}, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


_SPARE: dict[str, tuple[Virtuoso, frozenset[str]]] = {}  # this process's reusable Virtuoso, and its own graphs


def empty_virtuoso(factory: pytest.TempPathFactory) -> Virtuoso:
    """A Virtuoso of the test's own that holds nothing a publish wrote: this process's one, started on first
    use from the template (`fresh_virtuoso`), and for every later test emptied again (each graph that was
    not there when it was new is dropped, then the graphs are checked to be those of a new database). A
    test may fill it, kill it or restart it; one that leaves it stopped gets a new one next time."""
    import httpx

    if "virtuoso" in _SPARE:
        virtuoso, own = _SPARE["virtuoso"]
        if _answers(virtuoso):
            password = Path(virtuoso.env["HGKBP_STORE_PASSWORD_FILE"]).read_text(encoding="utf-8").strip()
            auth = httpx.DigestAuth(virtuoso.env["HGKBP_STORE_USER"], password)
            drops = " ; ".join(f"DROP SILENT GRAPH <{graph}>" for graph in sorted(_graphs(virtuoso) - own))
            if drops:
                done = httpx.post(virtuoso.env["HGKBP_STORE_UPDATE"], data={"update": drops}, auth=auth, timeout=120)
                assert done.status_code == 200, done.text
            assert _graphs(virtuoso) == own, "the reused Virtuoso could not be emptied"
            return virtuoso
        discard_virtuoso(virtuoso)
        del _SPARE["virtuoso"]
    virtuoso = fresh_virtuoso(factory, factory.mktemp("virtuoso") / "db")
    _SPARE["virtuoso"] = (virtuoso, frozenset(_graphs(virtuoso)))
    return virtuoso


def discard_virtuoso(virtuoso: Virtuoso) -> None:
    """End a throw-away Virtuoso at once (SIGKILL: its database is thrown away, nothing to write back)."""
    try:
        virtuoso.kill()
    except (OSError, ValueError):  # not running, or no pid file
        pass


def stop_spare_virtuoso() -> None:
    """At the end of this process: end its reusable Virtuoso."""
    if "virtuoso" in _SPARE:
        discard_virtuoso(_SPARE.pop("virtuoso")[0])


def session_virtuoso(factory: pytest.TempPathFactory) -> Virtuoso:
    """The run's Virtuoso: the one .ci/run started (HGKBP_TEST_VIRTUOSO names the file of `export`
    lines scripts/virtuoso-dev printed), else one started by the first process that needs it and
    stopped at the end of the run (`stop_session_virtuoso`). Publishing into it is locked."""
    lock = shared_root(factory) / "shared" / "virtuoso-publish.lock"
    given = os.environ.get("HGKBP_TEST_VIRTUOSO")
    if given:
        env = read_exports(Path(given).read_text(encoding="utf-8"))
        return Virtuoso(Path(env["HGKBP_STORE_PASSWORD_FILE"]).parent, env, lock)
    require_virtuoso()

    def make(folder: Path) -> None:
        virtuoso = fresh_virtuoso(factory, folder / "db")
        (folder / "env").write_text(json.dumps(virtuoso.env), encoding="utf-8")

    folder = once(factory, "virtuoso", make)
    return Virtuoso(folder / "db", json.loads((folder / "env").read_text(encoding="utf-8")), lock)


def stop_session_virtuoso(root: Path) -> None:
    """At the end of the run (in the controller, or the only process): stop the Virtuoso a test started."""
    db = root / "shared" / "virtuoso" / "db"
    if (db / "virtuoso.pid").exists():
        subprocess.run([sys.executable, str(VIRTUOSO_DEV), "stop", "--dir", str(db)], timeout=60, check=False)


__all__ = [
    "EPOCH",
    "copy_dist",
    "discard_virtuoso",
    "empty_virtuoso",
    "fresh_virtuoso",
    "locked",
    "once",
    "session_virtuoso",
    "shared_build",
    "stop_spare_virtuoso",
]
