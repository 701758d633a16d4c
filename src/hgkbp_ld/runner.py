"""Worker processes for the build: the plans, in order, on every core; the last stage beside them."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.connection import Connection
from typing import TypeVar

__all__ = ["PARALLEL_FROM", "Runner", "default_jobs"]
T = TypeVar("T")
R = TypeVar("R")
PARALLEL_FROM = 2  # plans to build before worker processes are started (each costs its imports)
_HEARD = 0.5  # seconds between looks at whether the last stage's process ended without a word

_telling: Connection | None = None  # in the last stage's process: where its progress lines go


def _listen(connection: Connection) -> None:
    """In the last stage's process, at its start: its progress lines go to the build through `connection`."""
    global _telling
    _telling = connection


def _tell(line: str) -> None:
    assert _telling is not None, "not started by Runner.last"
    _telling.send(line)


def _reporting(function: Callable[..., object], *args: object, **kwargs: object) -> None:
    """Run `function`, its progress lines sent to the build as they are said (a worker process cannot call
    the build's `progress`), then None: nothing more comes."""
    try:
        function(*args, progress=_tell, **kwargs)
    finally:
        _tell(None)  # type: ignore[arg-type]


def _relay(heard: Connection, future: Future, progress: Callable[[str], None]) -> None:
    """The lines of the last stage's process, each passed to `progress` as it arrives, until it says it
    is done (None) or ends without saying so (a crash: the future tells)."""
    while True:
        if heard.poll(_HEARD):
            try:
                line = heard.recv()
            except EOFError:
                return
            if line is None:
                return
            progress(line)
        elif future.done() and not heard.poll(0):
            return


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
        self, function: Callable[..., object], *args: object, progress: Callable[[str], None], **kwargs: object
    ) -> None:
        """Run `function` (which reports through `progress`) in a process of its own if the plans were
        built in worker processes: the last stage then does not add its memory to what this process
        holds (the catalogue's validation), nor start from a worker's heap, which grew with the plans
        it built (at 100 plans the last stage in a worker peaked 71 MiB above the same stage alone).
        The workers are stopped first: their memory is given back before the last stage's grows. Its
        progress lines are passed on as it says them (a 1000-plan stage runs for minutes)."""
        if self.pool is None:
            function(*args, progress=progress, **kwargs)
            return
        self.close()
        context = mp.get_context("spawn")
        heard, telling = context.Pipe(duplex=False)
        with heard, telling, ProcessPoolExecutor(1, context, _listen, (telling,)) as fresh:
            future = fresh.submit(_reporting, function, *args, **kwargs)
            _relay(heard, future, progress)  # a long stage says how far it got as it goes
            future.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
