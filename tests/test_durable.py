"""A plan's dumps and snapshots on disk (`durable.put`, `durable.Syncs`): synced by a thread of their own
while the plan's pages are rendered, and the plan's build returns only once they are synced."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import pytest

from hgkbp_ld import plan_build
from hgkbp_ld.build import BuildError, build
from hgkbp_ld.durable import Syncs, put
from tests.conftest import copy_real_data


def _recording(monkeypatch: pytest.MonkeyPatch, fail: int = 0) -> list[tuple[str, str]]:
    """os.fsync recording (the file's name, the thread); the `fail`-th call raises ENOSPC."""
    calls: list[tuple[str, str]] = []

    def fsync(fd: int) -> None:
        calls.append((os.readlink(f"/proc/self/fd/{fd}"), threading.current_thread().name))
        if len(calls) == fail:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


def test_put_alone_syncs_the_file_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _recording(monkeypatch)
    digest = put(tmp_path / "a" / "x.nt", b"<a> <b> <c> .\n")
    assert calls == [(str(tmp_path / "a" / "x.nt"), threading.current_thread().name)]
    assert (tmp_path / "a" / "x.nt").read_bytes() == b"<a> <b> <c> .\n"
    assert len(digest) == 64


def test_syncs_sync_every_file_in_order_in_their_thread_and_close_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _recording(monkeypatch)
    syncs = Syncs()
    names = [tmp_path / f"{n}.nt" for n in range(5)]
    for n, name in enumerate(names):
        put(name, b"x" * n, syncs)
    assert calls == []  # nothing synced before `start`
    assert all(name.read_bytes() == b"x" * n for n, name in enumerate(names))  # written already
    handles = list(syncs._handles)
    syncs.start()
    syncs.finish()
    assert [name for name, _thread in calls] == [str(name) for name in names]
    assert {thread for _name, thread in calls} == {"hgkbp-sync"}
    assert all(handle.closed for handle in handles)


def test_a_failed_sync_is_raised_by_finish_and_every_file_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _recording(monkeypatch, fail=2)
    syncs = Syncs()
    for n in range(4):
        put(tmp_path / f"{n}.nt", b"y", syncs)
    handles = list(syncs._handles)
    syncs.start()
    with pytest.raises(OSError, match="No space left on device"):
        syncs.finish()
    assert len(calls) == 2  # none after the first failure
    assert all(handle.closed for handle in handles)


def test_syncs_not_started_are_made_by_finish_or_only_closed_after_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _recording(monkeypatch)
    made, dropped = Syncs(), Syncs()
    put(tmp_path / "a.nt", b"a", made)
    put(tmp_path / "b.nt", b"b", dropped)
    handles = [*made._handles, *dropped._handles]
    made.finish()
    dropped.finish(quiet=True)
    assert [name for name, _thread in calls] == [str(tmp_path / "a.nt")]
    assert all(handle.closed for handle in handles)


def test_a_plans_files_are_synced_while_its_pages_are_rendered_and_before_its_build_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The syncs wait for the render to start (they would wait in vain if they were made before it, as
    they were), and the build returns with every dump and snapshot synced."""
    rendering = threading.Event()
    synced: list[tuple[str, bool]] = []  # by the plan's build (the build's manifest and catalogue: after it)

    def fsync(fd: int) -> None:
        if threading.current_thread() is not threading.main_thread():
            synced.append((os.readlink(f"/proc/self/fd/{fd}"), rendering.wait(timeout=20)))

    render = plan_build._render

    def rendered(*args: object, **kwargs: object) -> None:
        rendering.set()
        render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(plan_build, "_render", rendered)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    data = copy_real_data(tmp_path / "data")
    build(tmp_path / "dist", data_dir=data, versions_dir=tmp_path / "versions")
    names = [Path(name).name for name, _during in synced]
    assert sorted(names[:4]) == [f"hgkbp-2025-2029.{ext}" for ext in ("jsonld", "nt", "rdf", "ttl")]
    assert names[4:] == ["1.nt"]  # the snapshot of its version
    assert all(during for _name, during in synced)
    assert all((tmp_path / "dist" / name).is_file() for name in names[:4])


def test_a_full_disk_found_by_a_plans_sync_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _recording(monkeypatch, fail=3)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    data = copy_real_data(tmp_path / "data")
    with pytest.raises(BuildError, match="No space left on device"):
        build(tmp_path / "dist", data_dir=data, versions_dir=tmp_path / "versions")
    assert not (tmp_path / "dist").exists()
