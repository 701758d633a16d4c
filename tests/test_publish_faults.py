"""Faults while publishing (toward issue 9): dist/ stays the previous good build, byte for byte."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from hgkbp_ld.build import BuildError, build
from tests.conftest import ROOT
from tests.processes import cli


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _published(folder: Path) -> set[str]:
    """The names a build publishes, the rendered site read through its link (site -> site.{version}),
    without the embedded store's own files (RocksDB names them as it goes)."""
    names = set()
    for top, folders, files in os.walk(folder, followlinks=True):
        relative = Path(top).relative_to(folder)
        first = relative.parts[0] if relative.parts else ""
        if first == "oxigraph" or first.startswith("site."):
            folders.clear()
            continue
        names.update(str(relative / name) for name in files)
    return names


@pytest.fixture
def good(dist: Path, tmp_path: Path) -> Path:
    out = tmp_path / "dist"
    shutil.copytree(dist, out)
    return out


def test_a_full_disk_while_writing_leaves_dist_as_it_was(good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(good)
    calls = {"n": 0}

    def full(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # the third file written
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)  # plan_build.put syncs every file it writes
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    with pytest.raises(BuildError, match="No space left on device"):
        build(good)
    assert snapshot(good) == before
    assert not list(good.parent.glob(".dist.new-*"))


def test_a_killed_build_leaves_dist_as_it_was_and_the_next_build_replaces_it(good: Path) -> None:
    before = snapshot(good)
    names = _published(good)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    command = cli("build", "--out", str(good), fresh=True)  # a new interpreter: SIGKILL ends it itself
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    for line in process.stderr:  # killed while it validates, before it writes
        if b"validating" in line:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert process.returncode == -signal.SIGKILL
    assert snapshot(good) == before
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    # the same files again, but the embedded store's own: RocksDB names its files as it goes
    assert _published(good) == names
    assert (good / "oxigraph").is_dir()
    assert not list(good.parent.glob(".dist.new-*"))  # nothing left behind by the killed build
