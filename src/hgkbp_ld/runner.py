"""Worker processes for the build: the plans, in order, on every core; the last stage beside them."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

__all__ = ["PARALLEL_FROM", "Runner", "default_jobs"]
T = TypeVar("T")
R = TypeVar("R")
PARALLEL_FROM = 2  # plans to build before worker processes are started (each costs its imports)


def _reporting(function: Callable[..., object], *args: object, **kwargs: object) -> list[str]:
    """`function`'s progress lines, collected (a worker process cannot call the build's `progress`)."""
    said: list[str] = []
    function(*args, progress=said.append, **kwargs)
    return said


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
        The workers are stopped first: their memory is given back before the last stage's grows."""
        if self.pool is None:
            function(*args, progress=progress, **kwargs)
            return
        self.close()
        with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as fresh:
            for line in fresh.submit(_reporting, function, *args, **kwargs).result():
                progress(line)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
