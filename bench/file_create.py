"""What the kernel takes to create a site's files in a folder: a plan's render writes ~3,400 files in
~240 folders, each file created, written, its time set and closed as `published.Writer` does.

    .venv/bin/python -m bench.file_create FOLDER [--files 3400] [--per-folder 15]

prints the system and user CPU seconds of creating them in FOLDER (made and removed again) and the
system time per file. On this project's machine the same loop costs 15-700 µs of system time per
file depending on the folder and the moment (bench/RESULTS.md, "A plan's build, third pass"), far
more than the render's Python per file: a build's kernel share says as much about the disk it
writes to as about the build.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path


def create(folder: Path, files: int, per_folder: int) -> tuple[float, float]:
    """Create `files` files of 3 KB, `per_folder` to a new folder; (system, user) CPU seconds."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    body = b"x" * 3000
    before = os.times()
    for number in range(files):
        if number % per_folder == 0:
            os.mkdir(folder / f"d{number // per_folder}")
        handle = os.open(folder / f"d{number // per_folder}" / f"f{number}.html", flags, 0o666)
        os.write(handle, body)
        os.utime(handle, (1_767_225_600, 1_767_225_600))
        os.close(handle)
    after = os.times()
    shutil.rmtree(folder)
    return after.system - before.system, after.user - before.user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a folder to create (and remove again) on the disk to measure")
    parser.add_argument("--files", type=int, default=3400)
    parser.add_argument("--per-folder", type=int, default=15)
    args = parser.parse_args()
    system, user = create(args.folder, args.files, args.per_folder)
    each = 1e6 * system / args.files
    print(f"{args.folder}: {args.files} files, sys {system:.2f} s, user {user:.2f} s, {each:.0f} µs a file")


if __name__ == "__main__":
    main()
