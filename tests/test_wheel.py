"""The installable package: a wheel built from this tree, installed into a clean virtual environment,
builds and serves the bundled plan from an empty folder (no checkout, no `data/` beside it)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx

from tests.conftest import ROOT, free_port


def _run(*command: str | Path, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HGKBP_", "VIRTUAL_ENV", "PYTHONPATH"))}
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done


def test_a_wheel_builds_and_serves_the_bundled_plan(tmp_path: Path) -> None:
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", tmp_path / "wheel", ROOT, cwd=ROOT)
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
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    _run(venv / "bin" / "pip", "install", "--quiet", wheel, cwd=tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    command = venv / "bin" / "hgkbp-ld"
    built = _run(command, "build", cwd=empty)
    assert "hgkbp-2025-2029: 56 actions" in built.stderr
    assert (empty / "dist" / "site" / "index.json").exists()
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HGKBP_", "VIRTUAL_ENV", "PYTHONPATH"))}
    server = subprocess.Popen([command, "serve", "--port", str(port)], cwd=empty, stdout=log, stderr=log, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        page = httpx.get(f"{url}/doc/actie/hgkbp-2025-2029/12", headers={"Accept": "text/turtle"})
        assert page.status_code == 200 and "hgkbp-2025-2029/12>" in page.text
        assert httpx.get(f"{url}/static/style.css").status_code == 200
        answer = httpx.get(f"{url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
        assert answer.status_code == 200 and answer.text.strip().lower().endswith("true")
        sparql_page = httpx.get(f"{url}/sparql", headers={"Accept": "text/html"})
        assert "Welke acties leidt elke minister op een gegeven dag" in sparql_page.text  # a bundled example query
    finally:
        server.terminate()
        server.wait(10)
