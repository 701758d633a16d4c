"""Putting a new dist/ in place of the old one, whole, and recording the versions it made."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

__all__ = ["record_versions", "swap_in"]


def swap_in(new: Path, out: Path) -> None:
    """Put a complete folder `new` in the place of `out`; the old one is removed afterwards."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        os.replace(out, old)
    try:
        os.replace(new, out)
    except OSError:
        if old is not None:
            os.replace(old, out)
        raise
    if old is not None:
        _remove_later(old)


def _remove_later(old: Path) -> None:
    """Remove the replaced dist/ in a process of its own (tens of thousands of files, each unlink a
    journal write): the build is done once the new one is in place. The next build removes whatever
    such a process has not (yet)."""
    try:
        subprocess.Popen(
            ["nice", "-n", "10", "rm", "-rf", "--", str(old)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        shutil.rmtree(old, ignore_errors=True)


def record_versions(staging: Path | None, versions: Path) -> None:
    """Move the new versions the build staged into data/versions/: snapshots first, the index last. Each
    file is renamed into place where both folders are on one file system (a first build of 1000 plans
    stages ~450 MB of snapshots, which the build waited for while they were copied), else copied beside
    its place and renamed; either way a file is there whole or not at all."""
    if staging is None:
        return
    for folder in sorted(p for p in staging.iterdir() if p.is_dir()):
        target = versions / folder.name
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(folder.iterdir(), key=lambda p: p.name == "versies.csv"):
            try:
                os.replace(path, target / path.name)
                continue
            except OSError as error:
                if error.errno != errno.EXDEV:  # another file system: copied
                    raise
            temporary = target / f".{path.name}.tmp"
            shutil.copyfile(path, temporary)
            os.replace(temporary, target / path.name)
