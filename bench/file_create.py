"""What the kernel takes to create a site's files in a folder: a plan's render writes ~3,400 files in
~240 folders, each file created, written, its time set and closed as `published.Writer` does.

    .venv/bin/python -m bench.file_create FOLDER [--files 3400] [--per-folder 15] [--way fd|path|trunc]
                                         [--interleaved] [--unmarked]

prints the system and user CPU seconds of creating them in FOLDER (made and removed again) and the
system time per file. `--way`: how a file is made, `fd` as the Writer does (created exclusively, its time
set through the open file: 4 system calls), `path` (its time set by name after it is closed), `trunc`
(opened with O_TRUNC instead of O_EXCL); `--interleaved`: the files of one folder not written together
but one folder after the other in turn; `--unmarked`: the folders made by `os.mkdir`, not marked as the
top of a hierarchy (`published.make_folder`). On this project's machine the same loop costs 15-700 µs of system time per
file depending on the folder and the moment (bench/RESULTS.md, "A plan's build, third pass"), far
more than the render's Python per file: a build's kernel share says as much about the disk it
writes to as about the build.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from hgkbp_ld.published import make_folder


def create(
    folder: Path, files: int, per_folder: int, way: str = "fd", interleaved: bool = False, marked: bool = True
) -> tuple[float, float]:
    """Create `files` files of 3 KB, `per_folder` to a new folder; (system, user) CPU seconds."""
    shutil.rmtree(folder, ignore_errors=True)
    make = make_folder if marked else os.mkdir
    make(str(folder))
    exclusive = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC if way == "trunc" else exclusive
    body = b"x" * 3000
    when = (1_767_225_600, 1_767_225_600)
    order = sorted(range(files), key=lambda n: (n % per_folder, n)) if interleaved else range(files)
    before = os.times()
    for number in range(0, files, per_folder):
        make(f"{folder}/d{number // per_folder}")
    for number in order:
        path = f"{folder}/d{number // per_folder}/f{number}.html"
        handle = os.open(path, flags, 0o666)
        os.write(handle, body)
        if way == "path":
            os.close(handle)
            os.utime(path, when)
            continue
        os.utime(handle, when)
        os.close(handle)
    after = os.times()
    shutil.rmtree(folder)
    return after.system - before.system, after.user - before.user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a folder to create (and remove again) on the disk to measure")
    parser.add_argument("--files", type=int, default=3400)
    parser.add_argument("--per-folder", type=int, default=15)
    parser.add_argument("--way", choices=("fd", "path", "trunc"), default="fd")
    parser.add_argument("--interleaved", action="store_true")
    parser.add_argument("--unmarked", action="store_true")
    args = parser.parse_args()
    system, user = create(args.folder, args.files, args.per_folder, args.way, args.interleaved, not args.unmarked)
    each = 1e6 * system / args.files
    print(f"{args.folder}: {args.files} files, sys {system:.2f} s, user {user:.2f} s, {each:.0f} µs a file")


if __name__ == "__main__":
    main()
