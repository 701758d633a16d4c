"""Worker processes for the build: the plans, in order, on every core; the last stage beside them."""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TypeVar

__all__ = ["PARALLEL_FROM", "Runner", "default_jobs"]
T = TypeVar("T")
R = TypeVar("R")
PARALLEL_FROM = 2  # plans to build before worker processes are started (each costs its imports)
_GO = "go"  # the build to the last stage's process: what it waits for (`ready`) is done

_telling: Connection | None = None  # in the last stage's process: its line to the build


class StageFailed(RuntimeError):
    """The traceback of the last stage's failure, in its own process (the cause of the error raised)."""


def _tell(line: str) -> None:
    assert _telling is not None, "not started by Runner.last"
    _telling.send(("said", line, None))


def _ready() -> None:
    """In the last stage's process: wait until the build did what it does beside the stage's start
    (`Runner.last`'s `before`); raises if that failed (the build then ends the process)."""
    assert _telling is not None, "not started by Runner.last"
    if _telling.recv() != _GO:
        raise RuntimeError("the build stopped before the last stage could go on")


def _portable(error: BaseException) -> BaseException:
    """`error`, or a RuntimeError saying it if it cannot be sent to the build."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # any error that cannot travel is told as text
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def _stage(connection: Connection, function: Callable[..., object], args: tuple, kwargs: dict, waits: bool) -> None:
    """The last stage's process: `function`, its progress lines sent to the build as they are said (it
    cannot call the build's `progress`), then whether it ended well (its error and traceback if not)."""
    global _telling
    _telling = connection
    try:
        function(*args, progress=_tell, **({"ready": _ready} if waits else {}), **kwargs)
    except BaseException as error:  # every failure is the build's, told with its traceback
        connection.send(("failed", _portable(error), traceback.format_exc()))
    else:
        connection.send(("done", None, None))


def _relay(heard: Connection, process: BaseProcess, progress: Callable[[str], None]) -> None:
    """The last stage's lines, each passed to `progress` as it arrives, until it says it is done; its
    failure raised here."""
    while True:
        try:
            kind, value, trace = heard.recv()
        except EOFError:
            process.join()
            raise RuntimeError(f"the last stage's process ended ({process.exitcode}) before it was done") from None
        if kind == "said":
            progress(value)
        elif kind == "done":
            return
        else:
            raise value from StageFailed(trace)


def default_jobs() -> int:
    """Worker processes for the plans: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Runner:
    """Runs a function over items, in order: in worker processes (spawned, so that a worker starts
    clean) when there are several items and `jobs` > 1, else in this process."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None

    def map(self, function: Callable[[T], R], items: list[T]) -> Iterator[R]:
        """The results in the order of `items`, each as soon as it and those before it are done (so that
        the caller can say how far it got)."""
        if self.jobs <= 1 or len(items) < PARALLEL_FROM:
            return (function(item) for item in items)
        if self.pool is None:
            self.pool = ProcessPoolExecutor(min(self.jobs, len(items)), mp_context=mp.get_context("spawn"))
        return self.pool.map(function, items)

    def last(
        self,
        function: Callable[..., object],
        *args: object,
        progress: Callable[[str], None],
        before: Callable[[], R] | None = None,
        **kwargs: object,
    ) -> R | None:
        """Run `function` (which reports through `progress`) in a process of its own if the plans were
        built in worker processes: the last stage then does not add its memory to what this process
        holds (the catalogue's validation), nor start from a worker's heap, which grew with the plans
        it built (at 100 plans the last stage in a worker peaked 71 MiB above the same stage alone).
        The workers are stopped while its process starts (it imports what it renders with meanwhile;
        they give back their memory long before the last stage's grows). Its progress lines are passed
        on as they are said (a 1000-plan stage runs for minutes).

        `before`: run in this process while the stage starts (which is then given `ready`, to call where
        it needs what `before` makes: it returns once `before` is done); its result is returned. If it
        fails, the stage's process is ended."""
        if self.pool is None:
            made = before() if before is not None else None
            function(*args, progress=progress, **({"ready": lambda: None} if before is not None else {}), **kwargs)
            return made
        context = mp.get_context("spawn")
        heard, theirs = context.Pipe()
        process = context.Process(
            target=_stage, args=(theirs, function, args, kwargs, before is not None), name="hgkbp-last-stage"
        )
        process.start()
        theirs.close()
        self.close()  # (2 s at 100 plans under load: the workers' ends, now beside the stage's start)
        try:
            made = None
            if before is not None:
                try:
                    made = before()
                except BaseException:
                    process.terminate()
                    raise
                heard.send(_GO)
            _relay(heard, process, progress)  # a long stage says how far it got as it goes
            return made
        finally:
            heard.close()
            process.join()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
