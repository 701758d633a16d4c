"""The embedded store's query service: a small pool of worker processes.

pyoxigraph cannot interrupt a running query, so queries run in worker processes that each open the
published on-disk store read-only; a worker whose query passes its time is killed and replaced, and
the server keeps answering meanwhile. The same pool uses every core. A worker writes the answer in
the requested format itself, so one bytes object crosses the pipe; the server waits for it on its
event loop (no thread hop per query).

A tiny query (one triple pattern, `lexer.Shape.tiny`), once the fairness gate gave it a slot, skips
the hop to a process: it runs on one of the pool's threads in the server itself, against
the server's own copy of the store (pyoxigraph lets go of the GIL while it evaluates, so the event
loop keeps answering). A thread cannot be stopped, so this is only done where such a query cannot
run long: the store holds at most `inline_triples` triples (a tiny query reads each matching
triple once, then sorts or groups at most that many rows). Past its time the client still gets
its 503 at the timeout; the thread finishes the bounded work.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection

import pyoxigraph as ox

from hgkbp_ld.sparql.results import Answer, Job, execute
from hgkbp_ld.sparql.service import QueryTimeout

NICE = 10  # the general lane's CPU priority: expensive queries yield most of the CPU to the fast lane


def _background() -> None:
    """Behind the fast lane for the CPU: nice 10 (a tenth of a core that a fast worker wants).
    Not SCHED_IDLE, nor nice 19: those let anything else busy in the same session (a test run,
    another service started from the same shell) starve the general lane, and a legitimate
    expensive query, or a trivial one that happens to be there, then runs out its timeout."""
    try:
        os.nice(NICE)
    except OSError:
        pass


def _worker(connection: Connection, background: bool) -> None:
    """A worker process: answers jobs until its pipe closes."""
    if background:
        _background()
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
    background: bool  # the general lane's, behind the fast lane for the CPU


@dataclass
class WorkerPool:
    """`size` worker processes for any query, at a lower CPU priority, and `fast` more at the normal
    one for queries the fairness gate knows to be fast. Callers (the gate) keep at most that many
    jobs in flight in each."""

    size: int = 2
    fast: int = 0
    inline_triples: int = 100_000  # tiny queries run in the server on a store of at most this many (0: never)
    _idle: asyncio.Queue | None = None
    _threads: ThreadPoolExecutor | None = None
    _fast_idle: asyncio.Queue | None = None
    _context: multiprocessing.context.SpawnContext = field(default_factory=lambda: multiprocessing.get_context("spawn"))

    def _spawn(self, background: bool) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(child, background), name="hgkbp-sparql", daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent, background)

    async def start(self) -> None:
        if self._idle is not None:
            return
        self._idle, self._fast_idle = asyncio.Queue(), asyncio.Queue()
        self._threads = ThreadPoolExecutor(self.size + self.fast, thread_name_prefix="hgkbp-sparql")  # one a slot
        loop = asyncio.get_running_loop()
        kinds = [self.fast > 0] * self.size + [False] * self.fast  # without a fast lane, no background
        workers = await asyncio.gather(*(loop.run_in_executor(None, self._spawn, kind) for kind in kinds))
        for index, worker in enumerate(workers):
            (self._idle if index < self.size else self._fast_idle).put_nowait(worker)

    def serving(self, store: str, opened: ox.Store | None = None, triples: int = 0) -> PoolService:
        """This pool as the query service of one on-disk store; `opened`: the server's own copy of
        it, holding `triples` triples (graphs and default graph), for tiny queries."""
        small = opened is not None and triples <= self.inline_triples
        return PoolService(self, store, opened if small else None)

    async def inline(self, store: ox.Store, job: Job, timeout: float) -> Answer:
        """A tiny job's answer from one of the pool's threads (see the module's docstring)."""
        assert self._threads is not None, "start the pool first"
        running = asyncio.get_running_loop().run_in_executor(self._threads, _execute, store, job)
        try:
            return await asyncio.wait_for(asyncio.shield(running), timeout)
        except TimeoutError:
            raise QueryTimeout from None

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
            return self._spawn(worker.background)

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
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
            self._threads = None


def _execute(store: ox.Store, job: Job) -> Answer:
    try:
        return execute(store, job)
    except Exception as error:  # as in a worker: the client gets an answer
        return Answer(
            500, f"De query kon niet uitgevoerd worden: {type(error).__name__}\n".encode(), "text/plain; charset=utf-8"
        )


@dataclass(frozen=True)
class PoolService:
    """The pool answering for one on-disk store (a QueryService); `opened`: the server's own copy
    of that store, when tiny queries may run on it in the server."""

    pool: WorkerPool
    store: str
    opened: ox.Store | None = None

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

    def close(self) -> None:
        """Nothing of its own: the pool serves the next version too."""

    def inline(self, job: Job) -> bool:
        return job.tiny and self.opened is not None and job.default_graphs is None and job.named_graphs is None

    async def run(self, job: Job, timeout: float, fast: bool = False) -> Answer:
        if self.opened is not None and self.inline(job):
            return await self.pool.inline(self.opened, job, timeout)
        return await self.pool.run(replace(job, store=self.store), timeout, fast)

    def published(self) -> str | None:
        return None
