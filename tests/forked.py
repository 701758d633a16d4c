"""The launcher of a command forked from the pre-imported server (tests/forkserver.py), run as
`python -I -S tests/forked.py SOCKET -m MODULE ARGS…`: it imports only the standard library's sockets,
hands the server its arguments, environment, working folder and standard streams, passes on every
signal it gets to the command's process, and ends as that process ended (exit code or signal)."""

import array
import json
import os
import signal
import socket
import sys

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)


def main() -> None:
    path, dash_m, module, *args = sys.argv[1:]
    assert dash_m == "-m", sys.argv
    streams = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            streams.append(fd)
        except OSError:  # a closed stream: the command gets /dev/null, as a new process's would be unusable
            streams.append(os.open(os.devnull, os.O_RDWR))
    request = json.dumps({"module": module, "args": args, "env": dict(os.environ), "cwd": os.getcwd()})
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
        server.sendmsg([request.encode()], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", streams))])
        started = server.recv(64).decode()
        if not started.startswith("pid "):
            sys.stderr.write(f"tests/forked.py: the fork server did not start the command: {started!r}\n")
            os._exit(1)
        child.append(int(started.split()[1]))
        for number in pending:
            forward(number, None)
        ended = server.recv(64).decode()
    if not ended.startswith("status "):
        sys.stderr.write("tests/forked.py: the fork server ended before the command did\n")
        os._exit(1)
    code = os.waitstatus_to_exitcode(int(ended.split()[1]))
    if code < 0:  # ended by a signal: end by the same one
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        os._exit(128 - code)
    os._exit(code)


main()
