"""The installable package: a wheel built from this tree, installed into a clean virtual environment,
builds and serves the bundled plan from an empty folder (no checkout, no `data/` beside it), and
records the bundled plan's new versions in the user's data folder, never in site-packages."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from hgkbp_ld.bundled import DATA
from hgkbp_ld.settings import Settings, installed_bundle
from hgkbp_ld.versions import start_from
from tests.conftest import ROOT, free_port

PLAN = "hgkbp-2025-2029"


def _clean_env(home: Path | None = None) -> dict[str, str]:
    # A user's environment, so also without PYTHONDONTWRITEBYTECODE: uv installs without compiling, and with
    # the variable set every process of the new venv (each build, its spawned workers, the server) compiled
    # rdflib, pyshacl, FastAPI ... from source again (~10 s of the run's CPU); now the first one caches them.
    drop = ("HGKBP_", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return env | {"XDG_DATA_HOME": str(home)} if home is not None else env


def _run(
    *command: str | Path, cwd: Path, timeout: int = 600, home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = _clean_env(home)
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done


def test_a_wheel_builds_and_serves_the_bundled_plan(tmp_path: Path) -> None:
    _build_wheel(tmp_path / "wheel")
    (wheel,) = (tmp_path / "wheel").glob("hgkbp_ld-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "hgkbp_ld/data/plans/hgkbp-2025-2029.toml",
        "hgkbp_ld/data/source/hgkbp-2025-2029.txt",
        "hgkbp_ld/data/portfolios.csv",
        "hgkbp_ld/shapes/beleidsplan-shapes.ttl",
        "hgkbp_ld/ontology/beleidsplan.context.jsonld",
        "hgkbp_ld/queries/acties-per-minister.rq",
        "hgkbp_ld/static/style.css",
        "hgkbp_ld/render/templates/base.html",
        "hgkbp_ld/render/queries/actions.rq",
        "hgkbp_ld/web/app.py",
    ):
        assert shipped in names, shipped
    venv = tmp_path / "venv"
    _install_in_a_clean_venv(wheel, venv, tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    command = venv / "bin" / "hgkbp-ld"
    (installed,) = (venv / "lib").glob("python*/site-packages/hgkbp_ld/data")
    shipped_versions = _tree_hash(installed / "versions")
    home = tmp_path / "home"  # the user's data folder ($XDG_DATA_HOME)
    built = _run(command, "build", cwd=empty, home=home)
    assert "hgkbp-2025-2029: 56 actions" in built.stderr
    assert (empty / "dist" / "site" / "index.json").exists()
    own = home / "hgkbp-ld" / "versions" / PLAN
    assert f"its versions are read from and recorded in {own.parent}" in built.stderr  # says where
    assert (own / "versies.csv").read_bytes() == (installed / "versions" / PLAN / "versies.csv").read_bytes()
    _a_changed_model_makes_a_version_in_the_users_folder(command, empty, home, own)
    assert _tree_hash(installed / "versions") == shipped_versions  # site-packages never written
    assert not (empty / "data").exists()
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    env = _clean_env()
    server = subprocess.Popen([command, "serve", "--port", str(port)], cwd=empty, stdout=log, stderr=log, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180  # a loaded machine: the SPARQL workers start too
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        else:
            raise AssertionError(f"no answer from the wheel's server in 180 s:\n{(tmp_path / 'serve.log').read_text()}")
        page = httpx.get(f"{url}/doc/actie/hgkbp-2025-2029/12", headers={"Accept": "text/turtle"})
        assert page.status_code == 200 and "hgkbp-2025-2029/12>" in page.text
        assert httpx.get(f"{url}/static/style.css").status_code == 200
        answer = httpx.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
        assert answer.status_code == 200 and answer.text.strip().lower().endswith("true")
        version = httpx.get(f"{url}/doc/versie/{PLAN}/2", headers={"Accept": "text/turtle"})  # the user's version 2
        assert version.status_code == 200
        sparql_page = httpx.get(f"{url}/sparql", headers={"Accept": "text/html"})
        assert "Welke acties leidt elke minister op een gegeven dag" in sparql_page.text  # a bundled example query
    finally:
        server.terminate()
        server.wait(10)


def _build_wheel(folder: Path) -> None:
    """The wheel of this tree, by its build backend (pyproject.toml) in an isolated build environment:
    with uv when the test extras installed it (its cached build environment: ~0.7 s of CPU against pip's
    ~1.8 s; the same 168 files, byte for byte), else with pip."""
    uv = Path(sys.executable).parent / "uv"
    if uv.exists():
        _run(uv, "build", "--quiet", "--wheel", "--out-dir", folder, ROOT, cwd=ROOT)
    else:
        _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", folder, ROOT, cwd=ROOT)


def _install_in_a_clean_venv(wheel: Path, venv: Path, folder: Path) -> None:
    """A new virtual environment of this Python with nothing but the wheel and its dependencies.

    With uv (the test extras install it) the venv is made and filled in a second or two, from uv's
    cache; the dependencies are held to the versions the tests run with (a constraints file of this
    environment), so that the wheel is tried with what the rest of the suite tried. Without uv: the
    standard library's venv and pip, as a user without uv installs it (slower: pip and a compile of
    every module)."""
    uv = Path(sys.executable).parent / "uv"
    if not uv.exists():
        _run(sys.executable, "-m", "venv", venv, cwd=folder)
        _run(venv / "bin" / "pip", "install", "--quiet", wheel, cwd=folder)
        return
    from importlib.metadata import distributions

    pinned = sorted(
        {f"{d.metadata['Name']}=={d.version}" for d in distributions() if d.metadata["Name"] not in (None, "hgkbp-ld")}
    )
    constraints = folder / "constraints.txt"
    constraints.write_text("\n".join(pinned) + "\n", encoding="utf-8")
    _run(uv, "venv", "--quiet", "--python", sys.executable, venv, cwd=folder)
    _run(
        uv,
        "pip",
        "install",
        "--quiet",
        "--python",
        venv / "bin" / "python",
        "--constraint",
        constraints,
        wheel,
        cwd=folder,
    )


def _a_changed_model_makes_a_version_in_the_users_folder(command: Path, folder: Path, home: Path, own: Path) -> None:
    """The user's recorded version 1 lacks a title the plan now has: the next build records version 2
    there (as if the model had changed since the package's version 1)."""
    title = f"<https://data.vlaanderen.be/id/actie/{PLAN}/12> <http://purl.org/dc/terms/title> "
    lines = (own / "1.nt").read_bytes().splitlines(keepends=True)
    older = b"".join(line for line in lines if not line.startswith(title.encode()))
    assert len(older) < sum(map(len, lines))
    (own / "1.nt").write_bytes(older)
    header, first = (own / "versies.csv").read_text(encoding="utf-8").splitlines()
    number, moment, _triples, _sha = first.split(",")
    count = len(older.splitlines())
    (own / "versies.csv").write_text(
        f"{header}\n{number},{moment},{count},{hashlib.sha256(older).hexdigest()}\n", encoding="utf-8"
    )
    built = _run(command, "build", cwd=folder, home=home)
    assert f"{PLAN}: the data changed, this is version 2" in built.stderr
    assert (own / "2.nt").exists() and len((own / "versies.csv").read_text(encoding="utf-8").splitlines()) == 3
    assert (folder / "dist" / "versies" / PLAN / "2.nt").exists()


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes() if path.is_file() else b"/")
    return digest.hexdigest()


def test_where_versions_are_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout records versions in its data (committed with the text); --versions elsewhere, starting
    from the data's recorded versions; only an installed package's bundled plan goes to the user's folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home"))
    assert not installed_bundle(DATA)  # this test runs from the checkout (an editable install)
    assert Settings().versions_folder() == DATA / "versions"
    assert Settings(data=tmp_path / "data").versions_folder() == tmp_path / "data" / "versions"
    assert Settings(versions=tmp_path / "mine").versions_folder() == tmp_path / "mine"
    recorded, own = DATA / "versions" / PLAN, tmp_path / "mine" / PLAN
    start_from(own, recorded)
    assert sorted(p.name for p in own.iterdir()) == sorted(p.name for p in recorded.iterdir())
    assert (own / "1.nt").read_bytes() == (recorded / "1.nt").read_bytes()
    (own / "versies.csv").write_text("versie,tijdstip,triples,sha256\n", encoding="utf-8")
    start_from(own, recorded)  # a folder with its own index is never overwritten
    assert (own / "versies.csv").read_text(encoding="utf-8") == "versie,tijdstip,triples,sha256\n"
    start_from(recorded, recorded)  # the data's own folder: nothing to do
