"""A server started without a build says to build; a new build is swapped in while clients read."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import httpx

from tests.conftest import Server, build_dist, copy_dist
from tests.processes import cli


def test_serve_never_builds_and_says_what_to_do(tmp_path: Path) -> None:
    done = subprocess.run(
        cli("serve", "--port", "1", "--dist", str(tmp_path / "dist")),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "run 'hgkbp-ld build' first" in done.stderr
    assert not (tmp_path / "dist").exists()


def test_a_new_build_is_swapped_in_while_clients_read(real_build: tuple[Path, Path, object], tmp_path: Path) -> None:
    data = shutil.copytree(real_build[0], tmp_path / "data")  # a copy of data/, and its build (made once per run)
    dist = copy_dist(real_build[1], tmp_path / "dist")
    # The watcher looks every 0.5 s (default 2 s): after the build, the 16 readers spin until the swap.
    server = Server(dist, "--reload-on-build", env={"HGKBP_RELOAD_INTERVAL": "0.5"})
    old_title, new_title = "Praktijktesten op de arbeidsmarkt", "Praktijktesten op de hele arbeidsmarkt"
    seen: dict[int, list[tuple[int, str]]] = {}
    stop = threading.Event()

    def read(number: int) -> None:
        mine = seen.setdefault(number, [])
        with httpx.Client(base_url=server.url, timeout=10) as client:
            while not stop.is_set():
                response = client.get("/doc/actie/hgkbp-2025-2029/10.ttl")
                has_old, has_new = old_title + '"' in response.text, new_title in response.text
                mine.append(
                    (
                        response.status_code,
                        "old" if has_old and not has_new else "new" if has_new and not has_old else "mixed",
                    )
                )

    try:
        before = httpx.get(f"{server.url}/health").json()["dataset"]
        readers = [threading.Thread(target=read, args=(number,)) for number in range(16)]
        for reader in readers:
            reader.start()
        source = data / "source" / "hgkbp-2025-2029.txt"
        source.write_text(source.read_text(encoding="utf-8").replace(old_title, new_title), encoding="utf-8")
        build_dist(dist, data)
        deadline = time.monotonic() + 30
        while httpx.get(f"{server.url}/health").json()["dataset"] == before and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)
        stop.set()
        for reader in readers:
            reader.join()
        assert httpx.get(f"{server.url}/health").json()["dataset"] != before
        for answers in seen.values():
            assert {status for status, _ in answers} == {200}
            kinds = [kind for _, kind in answers]
            assert "mixed" not in kinds
            # each reader sees the old version, then the new one, and never the old one again
            assert kinds[0] == "old" and kinds[-1] == "new"
            assert kinds == ["old"] * kinds.index("new") + ["new"] * (len(kinds) - kinds.index("new"))
    finally:
        stop.set()
        server.stop()


def test_another_base_is_served_under_the_local_host(other_base_build: tuple[Path, Path, object]) -> None:
    server = Server(other_base_build[1], "--base", "https://example.org")  # built once per run (tests/conftest.py)
    try:
        response = httpx.get(f"{server.url}/doc/actie/hgkbp-2025-2029/12.ttl")
        assert response.status_code == 200 and "<https://example.org/id/actie/hgkbp-2025-2029/12>" in response.text
        html = httpx.get(f"{server.url}/doc/actie/hgkbp-2025-2029/12.html").text
        assert 'href="/doc/bevoegdheid/gelijke-kansen"' in html
    finally:
        server.stop()
