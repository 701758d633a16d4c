"""The tests' pre-imported interpreter (tests/forkserver.py): a process forked from it is, to the test that
started it, the process a new interpreter would have been: its arguments, environment, folder, standard
streams, exit code, the signal that ended it; a signal sent to it reaches it; killing it kills it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import forkserver


def forked(code: str, *args: str) -> list[str]:
    """`python -c CODE ARGS` through the test process's fork server."""
    return [sys.executable, "-I", "-S", str(forkserver.LAUNCHER), forkserver.server_socket(), "-c", code, *args]


def test_arguments_environment_folder_streams_and_exit_code(tmp_path: Path) -> None:
    code = (
        "import os, sys\n"
        "print(sys.argv[1:], os.environ['HGKBP_PROBE'], os.getcwd())\n"
        "sys.stderr.write(sys.stdin.read().upper())\n"
        "sys.exit(7)\n"
    )
    done = subprocess.run(
        forked(code, "a", "b c"),
        input="from stdin",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HGKBP_PROBE": "probe"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 7
    assert done.stdout == f"['a', 'b c'] probe {tmp_path}\n"
    assert done.stderr == "FROM STDIN"


def test_an_uncaught_exception_is_a_traceback_and_exit_code_1() -> None:
    done = subprocess.run(forked("raise ValueError('nope')"), capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "ValueError: nope" in done.stderr


def test_a_module_runs_as_python_m_runs_it() -> None:
    if forkserver.enabled():  # what the tests' commands run (tests/processes.py `cli`)
        assert forkserver.command("hgkbp_ld.cli")[:4] == [sys.executable, "-I", "-S", str(forkserver.LAUNCHER)]
    command = [*forked("")[:-2], "-m", "hgkbp_ld.cli", "--version"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    fresh = subprocess.run(
        [sys.executable, "-m", "hgkbp_ld.cli", "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert done.stdout.startswith("hgkbp-ld ")


def test_a_signal_reaches_the_process_and_its_end_is_the_launchers() -> None:
    code = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *_: sys.exit(3))\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    process = subprocess.Popen(forked(code), stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    process.terminate()
    assert process.wait(30) == 3
    process.stdout.close()
    ended = subprocess.run(forked("import os, signal; os.kill(os.getpid(), signal.SIGKILL)"), timeout=60, check=False)
    assert ended.returncode == -signal.SIGKILL


def test_killing_the_launcher_kills_the_process() -> None:
    code = "import os, time; print(os.getpid(), flush=True); time.sleep(60)"
    process = subprocess.Popen(forked(code), stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    pid = int(process.stdout.readline())
    assert pid != process.pid
    process.kill()
    assert process.wait(30) == -signal.SIGKILL
    process.stdout.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"the forked process {pid} still runs after its launcher was killed")


def test_a_spawned_worker_is_a_fork_too_and_works() -> None:
    code = (
        "import multiprocessing as mp, sys\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "if __name__ == '__main__':\n"
        "    with ProcessPoolExecutor(1, mp_context=mp.get_context('spawn')) as pool:\n"
        "        print(pool.submit(pow, 2, 10).result(), mp.get_context('spawn').get_start_method())\n"
        "    print(__import__('multiprocessing.spawn').spawn.get_executable())\n"
    )
    done = subprocess.run(forked(code), capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "1024 spawn"
    assert lines[1].endswith("/python'") and sys.executable not in lines[1]  # the server's launcher script (bytes)
