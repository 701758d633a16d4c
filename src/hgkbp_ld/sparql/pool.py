"""The embedded store's query service: a small pool of worker processes.

pyoxigraph cannot interrupt a running query, so queries run in worker processes that each open the
published on-disk store read-only; a worker whose query passes its time is killed and replaced, and
the server keeps answering meanwhile. The same pool uses every core. A worker writes the answer in
the requested format itself, so one bytes object crosses the pipe; the server waits for it on its
event loop (no thread hop per query).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection

import pyoxigraph as ox

from hgkbp_ld.sparql.results import Answer, Job, execute
from hgkbp_ld.sparql.service import QueryTimeout

NICE = 10  # the general lane's CPU priority: expensive queries yield the CPU to the fast lane


def _worker(connection: Connection, nice: int) -> None:
    """A worker process: answers jobs until its pipe closes."""
    if nice:
        try:
            os.nice(nice)
        except OSError:
            pass
    opened: tuple[str, ox.Store] | None = None
    while True:
        try:
            job: Job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            if opened is None or opened[0] != job.store:
                opened = (job.store, ox.Store.read_only(job.store))
            answer = execute(opened[1], job)
        except Exception as error:  # a store error must reach the client as an answer, not kill us
            answer = Answer(
                500,
                f"De query kon niet uitgevoerd worden: {type(error).__name__}\n".encode(),
                "text/plain; charset=utf-8",
            )
        try:
            connection.send(answer)
        except (BrokenPipeError, OSError):
            return


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    nice: int


@dataclass
class WorkerPool:
    """`size` worker processes for any query, at a lower CPU priority, and `fast` more at the normal
    one for queries the fairness gate knows to be fast. Callers (the gate) keep at most that many
    jobs in flight in each."""

    size: int = 2
    fast: int = 0
    _idle: asyncio.Queue | None = None
    _fast_idle: asyncio.Queue | None = None
    _context: multiprocessing.context.SpawnContext = field(default_factory=lambda: multiprocessing.get_context("spawn"))

    def _spawn(self, nice: int) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(child, nice), name="hgkbp-sparql", daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent, nice)

    async def start(self) -> None:
        if self._idle is not None:
            return
        self._idle, self._fast_idle = asyncio.Queue(), asyncio.Queue()
        loop = asyncio.get_running_loop()
        kinds = [NICE] * self.size + [0] * self.fast
        workers = await asyncio.gather(*(loop.run_in_executor(None, self._spawn, nice) for nice in kinds))
        for worker in workers:
            (self._fast_idle if worker.nice == 0 and self.fast else self._idle).put_nowait(worker)

    def serving(self, store: str) -> PoolService:
        """This pool as the query service of one on-disk store."""
        return PoolService(self, store)

    async def run(self, job: Job, timeout: float, fast: bool = False) -> Answer:
        """The job's answer from a worker of the fast lane (`fast`, when the pool has one) or the general one."""
        assert self._idle is not None and self._fast_idle is not None, "start the pool first"
        idle = self._fast_idle if fast and self.fast else self._idle
        worker: _Worker = await idle.get()
        loop = asyncio.get_running_loop()
        healthy = False
        try:
            worker.connection.send(job)
            ready = loop.create_future()
            fd = worker.connection.fileno()
            loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
            timer = loop.call_later(timeout, lambda: ready.done() or ready.set_result(False))
            try:
                if not await ready:
                    raise QueryTimeout
            finally:
                timer.cancel()
                loop.remove_reader(fd)
            os.set_blocking(fd, True)  # uvloop's add_reader made it non-blocking; recv reads a whole message
            answer: Answer = worker.connection.recv()
            healthy = True
            return answer
        except (EOFError, OSError):  # the worker died (e.g. out of memory)
            return Answer(500, b"De query-verwerker viel uit; probeer opnieuw.\n", "text/plain; charset=utf-8")
        finally:
            if healthy:
                idle.put_nowait(worker)
            else:  # past its time, dead, or its client went away mid-query: stopped now, replaced meanwhile
                self._renew(worker, idle, loop)

    def _renew(self, worker: _Worker, idle: asyncio.Queue, loop: asyncio.AbstractEventLoop) -> None:
        """Kill a worker at once and put a new one in its place when it has started (the answer that
        stopped it does not wait for that)."""
        worker.process.kill()
        worker.connection.close()

        def replace() -> _Worker:
            worker.process.join(5)
            return self._spawn(worker.nice)

        def put(done: asyncio.Future) -> None:
            if done.exception() is None and self._idle is not None:
                idle.put_nowait(done.result())

        loop.run_in_executor(None, replace).add_done_callback(put)

    async def stop(self) -> None:
        for idle in (self._idle, self._fast_idle):
            while idle is not None and not idle.empty():
                worker = idle.get_nowait()
                worker.connection.close()
                worker.process.kill()
        self._idle = self._fast_idle = None


@dataclass(frozen=True)
class PoolService:
    """The pool answering for one on-disk store (a QueryService)."""

    pool: WorkerPool
    store: str

    async def start(self) -> None:
        """Start the pool, and have every worker open the store and answer once: the first queries
        then find warm workers (the server says it is up only after this)."""
        await self.pool.start()
        warm = Job(self.store, "ASK {}", "json", "ttl", 1)
        await asyncio.gather(
            *(self.pool.run(warm, 60) for _ in range(self.pool.size)),
            *(self.pool.run(warm, 60, fast=True) for _ in range(self.pool.fast)),
        )

    async def stop(self) -> None:
        await self.pool.stop()

    async def run(self, job: Job, timeout: float, fast: bool = False) -> Answer:
        return await self.pool.run(replace(job, store=self.store), timeout, fast)

    def published(self) -> str | None:
        return None
