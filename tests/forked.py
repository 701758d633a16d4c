"""The launcher of a process forked from the pre-imported server (tests/forkserver.py), run as
`python -I -S tests/forked.py SOCKET [interpreter flags] (-m MODULE | -c CODE) ARGS…`: it imports only
the standard library's sockets, hands the server its arguments, environment, working folder and every
file descriptor it has (its standard streams, and the pipes multiprocessing passes a spawned worker),
passes on every signal it gets to the forked process, and ends as that process ended (exit code or
signal). Interpreter flags (multiprocessing adds the parent's, such as -B or -X …) are left out: the
server's interpreter is the one the test process runs."""

import array
import json
import os
import signal
import socket
import sys
import time

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)
WITH_VALUE = ("-W", "-X")  # interpreter flags that take the next argument


def _parse(argv: list[str]) -> tuple[str, str, list[str]]:
    """(kind "-m" or "-c", module or code, the arguments after it), skipping interpreter flags."""
    at = 0
    while at < len(argv):
        word = argv[at]
        if word in ("-m", "-c"):
            return word, argv[at + 1], argv[at + 2 :]
        at += 2 if word in WITH_VALUE else 1
    raise SystemExit(f"tests/forked.py: neither -m nor -c in {argv}")


def _descriptors() -> list[int]:
    """Every file descriptor this process has (its streams, and any passed to it)."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            os.fstat(fd)
        except OSError:  # the listing's own descriptor, closed by now
            continue
        found.append(fd)
    for fd in (0, 1, 2):  # a closed standard stream: /dev/null, as a new process's would be unusable
        if fd not in found:
            os.dup2(os.open(os.devnull, os.O_RDWR), fd)
            found.append(fd)
    return sorted(found)


def main() -> None:
    path, *rest = sys.argv[1:]
    kind, target, args = _parse(rest)
    fds = _descriptors()
    request = {"kind": kind, "target": target, "args": args, "fds": fds, "env": dict(os.environ), "cwd": os.getcwd()}
    child: list[int] = []
    pending: list[int] = []

    def forward(number: int, _frame: object) -> None:
        if child:
            try:
                os.kill(child[0], number)
            except ProcessLookupError:
                pass
        else:
            pending.append(number)

    for number in FORWARDED:
        signal.signal(number, forward)
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as server:
        server.connect(path)
        rights = array.array("i", fds)
        server.sendmsg([json.dumps(request).encode()], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, rights)])
        started = server.recv(64).decode()
        if not started.startswith("pid "):
            sys.stderr.write(f"tests/forked.py: the fork server did not start the process: {started!r}\n")
            os._exit(1)
        child.append(int(started.split()[1]))
        for number in pending:
            forward(number, None)
        ended = server.recv(64).decode()
    if not ended.startswith("status "):  # the server ended first (the test process's end): wait for the process
        while True:
            try:
                os.kill(child[0], 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        sys.stderr.write("tests/forked.py: the fork server ended before the process did\n")
        os._exit(1)
    code = os.waitstatus_to_exitcode(int(ended.split()[1]))
    if code < 0:  # ended by a signal: end by the same one
        if -code not in (signal.SIGKILL, signal.SIGSTOP):  # those two have no handler to reset
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        os._exit(128 - code)
    os._exit(code)


main()
