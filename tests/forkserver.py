"""A pre-imported `hgkbp-ld` for the tests' command-line processes: a server process that imported the
command line and every stage it runs once, and forks a child for each command the tests start.

Each process start of `python -m hgkbp_ld.cli …` costs its imports (rdflib, pyshacl, pyoxigraph,
FastAPI, uvicorn, the stages: ~0.4–0.5 s of CPU); a run starts ~90 of them. With this server a test's
command is still a process of its own, started with `subprocess` as before and seen by the test as a
real one (its arguments, environment, working folder, standard input, output and error, exit code or
the signal that ended it), but its Python comes from a fork of the server instead of a new interpreter:

- the test runs `python -I -S tests/forked.py SOCKET -m hgkbp_ld.cli ARGS…` (`command`), a launcher
  that imports nothing but the standard library's sockets;
- the launcher hands the server its argument list, environment and working folder, and every file
  descriptor it has (standard input, output and error, and the pipes multiprocessing passes a worker)
  with its number (SCM_RIGHTS);
- the server forks; the child puts them at those numbers and runs `hgkbp_ld.cli` as `python -m` does
  (`runpy`, `sys.argv`, exit code from `SystemExit`, a traceback and 1 for an uncaught exception,
  non-daemon threads joined and `atexit` run before it ends), or `-c CODE` as `python -c` does;
- the launcher passes every signal it gets to the child (SIGTERM, SIGINT, …) and ends as the child
  did (its exit code, or the signal that ended it); if the launcher itself is killed (SIGKILL), the
  server kills the child;
- multiprocessing's spawn (the build's plan workers, its last stage, the render helper; a server's query
  pool's forkserver) is pointed at a launcher script (`multiprocessing.set_executable`), in the test
  process and in every forked process: those are forks of the server too.

What a fork is not: a new interpreter. The child shares the server's string hash seed (PYTHONHASHSEED)
with every other child of the same server, and the modules were imported under the server's
environment. So a test that compares two builds for byte identity, or that checks what a process
imports, or that runs the installed console script as a user does, starts a real process (`fresh`
in tests/processes.py), and so does every test that kills a build mid-way with SIGKILL (a real kill of
the real process). `HGKBP_TEST_FORK=0` turns the server off: every command a new interpreter.

One server per test process (pytest-xdist worker), started before its first test (tests/conftest.py)
and stopped at its end; the server's CPU and its live children's are counted by tests/tally.py as the
test process's own. tests/test_forkserver.py checks that a fork is, to its test, what a new process is.
"""

from __future__ import annotations

import array
import gc
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAUNCHER = HERE / "forked.py"
# What the commands import (cli/commands.py imports each stage only when its command runs): all of it,
# once, in the server.
PRELOAD = (
    "hgkbp_ld.cli",
    "hgkbp_ld.cli.commands",
    "hgkbp_ld.parse",
    "hgkbp_ld.build",
    "hgkbp_ld.validate",
    "hgkbp_ld.render.stage",
    "hgkbp_ld.versions",
    "hgkbp_ld.published",
    "hgkbp_ld.store",
    "hgkbp_ld.web.app",
    "hgkbp_ld.nginx",
    "uvicorn",
    "uvicorn.main",
    "uvicorn.config",
    "uvicorn.server",
    "uvicorn.protocols.http.h11_impl",
    "uvicorn.protocols.http.httptools_impl",
    "uvicorn.protocols.websockets.auto",
    "uvicorn.lifespan.on",
    "uvicorn.loops.auto",
    "uvicorn.loops.asyncio",
    "uvicorn.logging",
)
MAX_REQUEST = 1 << 20  # argument list and environment, JSON
MAX_FDS = 250  # file descriptors in one request (the kernel's limit is 253)


# --- the server -----------------------------------------------------------------------------------------


def _preload() -> None:
    from importlib import import_module

    for name in PRELOAD:
        try:
            import_module(name)
        except ImportError:  # an optional part (uvicorn's httptools, …): the child imports it if it needs it
            pass


def _receive(conn: socket.socket) -> tuple[dict, list[int]] | None:
    fds = array.array("i")
    message, ancillary, _flags, _address = conn.recvmsg(MAX_REQUEST, socket.CMSG_SPACE(MAX_FDS * fds.itemsize))
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    if not message:
        for fd in fds:
            os.close(fd)
        return None
    return json.loads(message), list(fds)


def _child(request: dict, fds: list[int], spawner: str | None) -> None:
    """In the forked child: become the launcher's process (its descriptors at their numbers, its folder,
    its environment) and run what it asked for; never returns."""
    import fcntl

    code = 1
    try:
        signal.set_wakeup_fd(-1)
        for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 256) for fd in fds]  # out of the way of the numbers wanted
        for fd in fds:
            os.close(fd)
        for fd, number in zip(high, request["fds"], strict=True):
            os.dup2(fd, number)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        import tempfile

        tempfile.tempdir = None  # TMPDIR as the command's environment says, not as the server's did
        if spawner is not None:  # the processes multiprocessing spawns are forks of this server too
            import multiprocessing

            multiprocessing.set_executable(spawner)
        code = _run(request["kind"], request["target"], request["args"], request["cwd"])
    except BaseException:
        import traceback

        traceback.print_exc()
    os._exit(code)


def _run(kind: str, target: str, args: list[str], cwd: str) -> int:
    """`python -m MODULE ARGS` or `python -c CODE ARGS` in this process, with the interpreter's exit: the
    exit code, non-daemon threads joined, `atexit` run, output flushed."""
    import atexit
    import runpy
    import threading
    import types

    code = 0
    try:
        if kind == "-m":
            sys.argv = [target, *args]
            sys.path[0] = cwd  # `python -m` puts the working folder first
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        else:
            sys.argv = ["-c", *args]
            sys.path[0] = ""  # `python -c` puts the working folder first, as ''
            main = types.ModuleType("__main__")
            main.__dict__["__builtins__"] = __builtins__
            sys.modules["__main__"] = main
            exec(compile(target, "<string>", "exec"), main.__dict__)  # what `python -c` does
    except SystemExit as done:
        if done.code is None:
            code = 0
        elif isinstance(done.code, int):
            code = done.code
        else:
            sys.stderr.write(f"{done.code}\n")
            code = 1
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    try:
        threading._shutdown()  # type: ignore[attr-defined]
    except Exception:
        pass
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    return code & 0xFF


def serve(path: str, spawner: str | None) -> None:
    """Accept launchers on the unix socket `path` until standard input closes (the test process ended);
    `spawner`: the executable multiprocessing is to spawn with in the forked processes (or None)."""
    _preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(path)
    listener.listen(64)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "listener")
    selector.register(wake_r, selectors.EVENT_READ, "wake")
    selector.register(sys.stdin.fileno(), selectors.EVENT_READ, "stdin")
    children: dict[int, socket.socket] = {}  # child pid -> its launcher's connection
    pids: dict[socket.socket, int] = {}
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    gc.collect()
    gc.freeze()  # the imported modules' objects: not touched by the children's collections (fewer copied pages)
    while True:
        for key, _events in selector.select():
            if key.data == "stdin":  # the test process closed it: what still runs (a resource tracker, …) runs on
                if not os.read(sys.stdin.fileno(), 4096):
                    return
            elif key.data == "listener":
                conn, _ = listener.accept()
                got = _receive(conn)
                if got is None:
                    conn.close()
                    continue
                request, fds = got
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:  # the child: none of the server's descriptors, only the command's
                    selector.close()
                    for fd in (wake_r, wake_w, *(s.detach() for s in (listener, conn, *pids))):
                        os.close(fd)
                    _child(request, fds, spawner)
                for fd in fds:
                    os.close(fd)
                conn.send(f"pid {pid}".encode())
                children[pid] = conn
                pids[conn] = pid
                selector.register(conn, selectors.EVENT_READ, "launcher")
            elif key.data == "wake":
                try:
                    os.read(wake_r, 4096)
                except BlockingIOError:
                    pass
                _reap(children, pids, selector)
            else:  # a launcher's connection: it ended (killed) before its child did
                conn = key.fileobj
                assert isinstance(conn, socket.socket)
                selector.unregister(conn)
                pid = pids.pop(conn, None)
                if pid is not None:
                    _kill(pid)
                    children[pid] = None  # type: ignore[assignment]  # reaped later, nobody to tell
                conn.close()
        _reap(children, pids, selector)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(children: dict[int, socket.socket], pids: dict[socket.socket, int], selector: selectors.BaseSelector) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = children.pop(pid, None)
        if conn is None:
            continue
        pids.pop(conn, None)
        selector.unregister(conn)
        try:
            conn.send(f"status {status}".encode())
        except OSError:
            pass
        conn.close()


# --- the test process's side ----------------------------------------------------------------------------

_SERVER: list[tuple[subprocess.Popen, str]] = []


def enabled() -> bool:
    return os.environ.get("HGKBP_TEST_FORK", "1") != "0" and hasattr(os, "fork") and hasattr(socket, "AF_UNIX")


def server_socket() -> str:
    """The socket of this test process's server, started on first use."""
    if _SERVER and _SERVER[0][0].poll() is None:
        return _SERVER[0][1]
    import tempfile

    folder = tempfile.mkdtemp(prefix="hgkbp-fork-")
    if len(folder) > 90:  # a unix socket's path has at most 107 bytes
        os.rmdir(folder)
        folder = tempfile.mkdtemp(prefix="hgkbp-fork-", dir="/tmp")
    path = os.path.join(folder, "socket")
    spawner = _spawner(folder, path)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.forkserver", path, spawner or ""],
        cwd=HERE.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # after its imports; empty if it failed (its error is on stderr)
    if line != b"ready\n":
        process.kill()
        raise RuntimeError(f"the fork server did not start: {line!r}")
    _SERVER[:] = [(process, path)]
    if spawner is not None and enabled():  # (tests/test_forkserver.py starts one even with HGKBP_TEST_FORK=0)
        import multiprocessing

        multiprocessing.set_executable(spawner)
    return path


def _spawner(folder: str, path: str) -> str | None:
    """An executable that runs `python ARGS` through the server (`forked.py`), for multiprocessing's spawn
    (the build's worker processes): a shell script in `folder`, unless its file system forbids running it."""
    if os.statvfs(folder).f_flag & getattr(os, "ST_NOEXEC", 0):
        return None
    script = os.path.join(folder, "python")
    with open(script, "w", encoding="utf-8") as handle:
        handle.write(f'#!/bin/sh\nexec "{sys.executable}" -I -S "{LAUNCHER}" "{path}" "$@"\n')
    os.chmod(script, 0o755)
    return script


def command(module: str, *args: str) -> list[str]:
    """The command line that runs `python -m MODULE ARGS` as a child of this process: through the fork
    server, or (HGKBP_TEST_FORK=0) a new interpreter."""
    if not enabled():
        return [sys.executable, "-m", module, *args]
    return [sys.executable, "-I", "-S", str(LAUNCHER), server_socket(), "-m", module, *args]


def server_pid() -> int | None:
    return _SERVER[0][0].pid if _SERVER and _SERVER[0][0].poll() is None else None


def stop_server() -> None:
    """At the end of the test process: close the server's standard input (it ends; what it forked and still
    runs, such as multiprocessing's resource tracker, ends when the test process does)."""
    if not _SERVER:
        return
    process, path = _SERVER.pop()
    assert process.stdin is not None
    process.stdin.close()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
    if process.stdout is not None:
        process.stdout.close()
    import multiprocessing
    import shutil

    multiprocessing.set_executable(sys.executable)
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2] or None)
