"""The unchanged plans' files, taken from the last build into the new dist/, in a process of its own.

An incremental build (`hgkbp_ld.build`) takes each plan whose inputs did not change from the last
build: its dumps (each checked against the SHA-256 the last build recorded), its version snapshots
(from data/versions), its rendered pages, its part of the site's index, its fragment. The files are
hard links (~3,400 a plan), so they keep their bytes, times and ETags. Taking them is work for the
kernel and a loop of Python, which needs nothing of what the build holds, so it runs beside the build
of the changed plans, on another core: `Linking` starts `python -m hgkbp_ld.linking`, which does it
in threads (on a disk, a link waits on the disk) and says which plans it took. (Threads beside the
plans' build in the build's own process were tried: the two wait on each other for the GIL,
bench/RESULTS.md, scale-s18.)

This module imports nothing but the standard library: the process starts in ~30 ms instead of the
~0.5 s of CPU that importing the build's modules costs. The few things of a site's files it shares
with the `published.Writer` (how a folder is made, what time an index entry stands for) are defined
here and imported there.
"""

from __future__ import annotations

import array
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from typing import IO, TypedDict

__all__ = ["NICE", "THREADS", "Linking", "Take", "entry_time", "make_folder", "take"]
THREADS = 4  # links at once: on a disk each waits for it (on tmpfs they cost the kernel ~4 µs each)
# The process's niceness: its threads yield a core to the plans' build when both want it (5 runnable
# threads on 2 cores: the build's would get half of one), and take it when it is free
NICE = 5


class Take(TypedDict):
    """What to take of one unchanged plan (paths as strings: the process gets them as JSON)."""

    slug: str
    files: dict[str, list[str]]  # its dumps and snapshots: path in the new dist/ -> [where it is now, sha256]
    folder: str  # the new dist/
    before: str  # the last build's site
    after: str  # the new site being written
    part: str  # its part of the site's index, in the site (`published.part_name`)
    aside: str  # where the last stage kept the plan's own files of pages it rendered again (`plan_site.kept`)
    copies: list[list[str]]  # [source, target, "required" or "optional"]: its fragment and texts, copied


def take(job: Take) -> bool:
    """Put an unchanged plan's files into the new dist/ (hard links where the disk allows). False if one
    is missing or not the file recorded (then the plan is built again: its files written anew, never
    through a link, `plan_build.put`)."""
    return _dumps(job) and _site(job)


def _dumps(job: Take) -> bool:
    """Its dumps from the last dist/, its snapshots from data/versions/, each checked against its sha256."""
    sources = {}
    for relative, (source, digest) in job["files"].items():
        try:
            with open(source, "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != digest:
                    return False
        except OSError:
            return False
        sources[relative] = source
    for relative, source in sources.items():
        target = os.path.join(job["folder"], relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    return True


def _site(job: Take) -> bool:
    """Its pages, its part of the index and its packs (hard links: the same bytes, the same times, so the
    same ETags), and its fragment. False if a file is missing or not the one the part names (the final
    stage may have rendered it again: then it is the one kept aside), and then nothing of them is kept.
    Paths as strings, each folder made once: at 100 plans this links ~340,000 files."""
    before, after, aside = job["before"] + "/", job["after"] + "/", job["aside"] + "/"
    try:
        with open(before + job["part"], "rb") as handle:
            part = json.loads(handle.read())
    except (OSError, ValueError):
        return False
    files = [found for section in ("resources", "ldes") for each in part[section].values() for found in each.values()]
    folders: set[str] = set()
    linked = []
    try:
        for found in [*files, [job["part"]]]:
            relative = found[0]
            source = before + relative
            if len(found) > 1:
                stat = os.stat(source)
                if stat.st_size != found[4] or int(stat.st_mtime) != entry_time(found):
                    source = aside + relative  # replaced in the site by the final stage
                    stat = os.stat(source)
                    if stat.st_size != found[4] or int(stat.st_mtime) != entry_time(found):
                        raise FileNotFoundError(source)
            folder = relative.rpartition("/")[0]
            if folder not in folders:
                make_folder(after + folder)  # marked as the Writer marks its folders (`_spread`)
                folders.add(folder)
            os.link(source, after + relative)
            linked.append(after + relative)
        for pack in sorted({found[5] for found in files if len(found) > 5}):
            make_folder(os.path.dirname(after + pack))
            os.link(before + pack, after + pack)
            linked.append(after + pack)
        for source, target, need in job["copies"]:
            if need == "required" or os.path.isfile(source):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(source, target)
    except OSError:
        for target in linked:
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass
        return False
    return True


def entry_time(found: list) -> int:
    """The modification time an index entry stands for (its ETag's first part)."""
    return int(found[2].strip('"').split("-")[0], 16)


def make_folder(path: str) -> None:
    """`os.makedirs(path, exist_ok=True)`, with each folder it makes marked as the top of a directory
    hierarchy (`_spread`). Every folder of a site is made by it: the folders of a plan's pages written
    (`published.Writer`) and those of an unchanged plan's pages linked from the last build (`take`)."""
    if os.path.isdir(path):
        return
    parent = os.path.dirname(path)
    if parent and parent != path:
        make_folder(parent)
    try:
        os.mkdir(path)
    except FileExistsError:
        if not os.path.isdir(path):
            raise
        return  # another worker made it
    _spread(path)


def _spread(folder: str) -> None:
    """Mark a new folder as the top of a directory hierarchy (ext4's FS_TOPDIR_FL, `chattr +T`): the
    kernel then places the folders made in it in block groups with free inodes (its Orlov allocator),
    not beside it. A site is ~240 new folders and ~3,400 new files a plan; made beside a busy folder
    (this machine's /tmp) a file costs the kernel 300-770 µs to create, in a folder so marked 25-40 µs
    (bench/file_create.py, bench/RESULTS.md). Nothing else changes; a file system without the flag
    (tmpfs, another OS) is left as it is."""
    if not _LINUX:
        return
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(handle, _GETFLAGS, flags, True)
        if not flags[0] & _TOPDIR:
            flags[0] |= _TOPDIR
            fcntl.ioctl(handle, _SETFLAGS, flags, True)
    except OSError:
        pass  # not supported here: only the placement is lost
    finally:
        os.close(handle)


_LINUX = sys.platform.startswith("linux")
_GETFLAGS, _SETFLAGS, _TOPDIR = 0x80086601, 0x40086602, 0x00020000  # FS_IOC_GETFLAGS, FS_IOC_SETFLAGS, FS_TOPDIR_FL


class Linking:
    """`take` of each of `jobs`, in a process of its own (started now), or here and now if the build may
    use one process only (`beside` False); `wait` says which were taken."""

    def __init__(self, jobs: list[Take], beside: bool = True) -> None:
        self.count = len(jobs)
        self._process: subprocess.Popen[bytes] | None = None
        self._taken: list[bool] = []
        if not jobs or not beside:
            self._taken = _take_all(jobs)
            return
        with tempfile.TemporaryFile() as given:  # not a pipe: the build goes on at once, whatever the size
            given.write(json.dumps(jobs).encode("utf-8"))
            given.seek(0)
            # this very package, whatever put it on this process's path; -I: no other on the path first
            root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            run = f"import sys; sys.path.insert(0, {root!r}); from {__name__} import _main; _main()"
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-c", run], stdin=given, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )

    def wait(self) -> list[bool]:
        """Whether each job's plan was taken, in the jobs' order; an OSError if the process failed."""
        if self._process is None:
            return self._taken
        out, err = self._process.communicate()
        self._process, code = None, self._process.returncode
        if code != 0:
            raise OSError(f"taking the unchanged plans' files failed ({code}): {err.decode(errors='replace')[-2000:]}")
        taken = json.loads(out)
        if len(taken) != self.count:
            raise OSError(f"taking the unchanged plans' files: {len(taken)} answers for {self.count} plans")
        return [bool(done) for done in taken]

    def stop(self) -> None:
        """Stop the process if it still runs (the build failed): it writes into the new dist/ only."""
        if self._process is not None:
            self._process.kill()
            self._process.communicate()
            self._process = None


def _main(given: IO[bytes] | None = None, answer: IO[bytes] | None = None) -> None:
    """In the process `Linking` starts: the jobs (JSON) from `given` (stdin), whether each was taken to
    `answer` (stdout)."""
    given, answer = given or sys.stdin.buffer, answer or sys.stdout.buffer
    try:
        os.nice(NICE)
    except OSError:  # not allowed here: it runs at the build's priority
        pass
    answer.write(json.dumps(_take_all(json.loads(given.read()))).encode("utf-8"))
    answer.flush()


def _take_all(jobs: list[Take]) -> list[bool]:
    if not jobs:
        return []
    with ThreadPoolExecutor(THREADS, thread_name_prefix="hgkbp-take") as linking:
        return list(linking.map(take, jobs))
