"""Recording a build's new versions (`swap.record_versions`): each staged file is put in place whole."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from hgkbp_ld import swap


def _staged(staging: Path) -> dict[str, bytes]:
    files = {"plan-a/1.nt": b"<a> <b> <c> .\n", "plan-a/versies.csv": b"1\n", "plan-b/2.nt": b"<d> <e> <f> .\n"}
    for name, body in files.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_bytes(body)
    return files


@pytest.mark.parametrize("apart", [False, True], ids=["one-file-system", "two-file-systems"])
def test_the_staged_versions_are_put_in_place_index_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, apart: bool
) -> None:
    """Renamed into place on one file system (not copied: a first build of 1000 plans stages ~450 MB);
    copied and renamed when the folders are on two (a rename across them fails with EXDEV); the plan's
    index (versies.csv) last; an earlier version kept."""
    staging, versions = tmp_path / "staging", tmp_path / "versions"
    files = _staged(staging)
    (versions / "plan-a").mkdir(parents=True)
    (versions / "plan-a" / "0.nt").write_bytes(b"kept")
    replace = os.replace
    placed: list[str] = []

    def across(source: Path, target: Path) -> None:
        if apart and Path(source).is_relative_to(staging):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        placed.append(Path(target).name)
        replace(source, target)

    monkeypatch.setattr(swap.os, "replace", across)
    swap.record_versions(staging, versions)
    for name, body in files.items():
        assert (versions / name).read_bytes() == body
        assert (staging / name).exists() == apart  # moved, or copied
    assert (versions / "plan-a" / "0.nt").read_bytes() == b"kept"
    assert placed.index("versies.csv") > placed.index("1.nt")
    assert not list(versions.rglob(".*.tmp"))


def test_another_failure_to_put_a_version_in_place_is_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _staged(tmp_path / "staging")

    def full(source: Path, target: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(swap.os, "replace", full)
    with pytest.raises(OSError, match="No space"):
        swap.record_versions(tmp_path / "staging", tmp_path / "versions")
