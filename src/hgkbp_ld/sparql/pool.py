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
from pathlib import Path

import pyoxigraph as ox

from hgkbp_ld.sparql.results import Answer, Job, execute
from hgkbp_ld.sparql.service import QueryTimeout

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
NICE = 10  # the general lane's CPU priority: expensive queries yield most of the CPU to the fast lane
LOWEST = 19


def _set_nice(pid: int, nice: int) -> bool:
    """Give a process (`pid`; 0: this one) the nice value `nice`; False where that is not allowed
    (raising a priority again needs a privilege an ordinary user does not have)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
    except OSError:
        return False
    return True


def _set_idle(pid: int, idle: bool) -> bool:
    """Put a process in the SCHED_IDLE class (`idle`) or back in the normal one; False where that is
    not allowed or not there (leaving SCHED_IDLE needs a privilege an ordinary user does not have)."""
    if not hasattr(os, "SCHED_IDLE"):
        return not idle
    try:
        os.sched_setscheduler(pid, os.SCHED_IDLE if idle else os.SCHED_OTHER, os.sched_param(0))
    except OSError:
        return False
    return True


def _worker(connection: Connection, nice: int | None) -> None:
    """A worker process: answers jobs until its pipe closes. `nice`: the general lane's priority
    (the server set it already, at once after the start; this covers a start that raced it)."""
    if nice is not None:
        _set_nice(0, nice)
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
    demoted: bool = False  # its query ran long: it runs at a lower priority than its lane's for now
    watch: asyncio.TimerHandle | None = None  # the next look at how much CPU its query used
    used: float = 0.0  # CPU seconds its query used, as far as the looks saw


@dataclass
class WorkerPool:
    """`size` worker processes for any query, at a lower CPU priority, and `fast` more at the normal
    one for queries the fairness gate knows to be fast. Callers (the gate) keep at most that many
    jobs in flight in each.

    Priorities (only with a fast lane; without one every worker runs at the server's), as in a
    multilevel feedback queue: a query's priority drops as it uses the CPU, so long queries yield
    to short ones. A general worker runs at `nice` more than the server from the moment it starts
    (the server sets it before the new process has even loaded Python, so its start-up does not
    compete either): CFS then gives a fast worker about nine tenths of a core it shares with a
    general one, yet a general worker is never starved (SCHED_IDLE starved it: bench/RESULTS.md).
    A fast worker whose query used `demote_after` seconds of CPU (it was thought fast, and is
    not) drops to the general lane's priority; any query that used `long_after` seconds of CPU drops to
    the lowest (nice 19: about 1/70 of a core beside a busy fast worker, still never nothing),
    where an expensive query that is going to be stopped at its timeout costs the short ones
    least. Afterwards the worker is raised to its lane's priority again, or, where that is not
    allowed (an unprivileged server), replaced by a new one (a fork of the fork server: cheap)."""

    size: int = 2
    fast: int = 0
    inline_triples: int = 100_000  # tiny queries run in the server on a store of at most this many (0: never)
    nice: int = NICE  # the general lane's priority, over the server's
    demote_after: float = 0.0  # a fast worker's query past this much CPU runs at the general priority (0: never)
    long_after: float = 1.0  # any query past this much CPU runs on at the lowest priority
    _idle: asyncio.Queue | None = None
    _threads: ThreadPoolExecutor | None = None
    _fast_idle: asyncio.Queue | None = None
    _context: multiprocessing.context.BaseContext = field(default_factory=lambda: _context())

    @property
    def base_nice(self) -> int:
        """The server's own nice value: the fast lane's."""
        return os.getpriority(os.PRIO_PROCESS, 0)

    @property
    def general_nice(self) -> int:
        return min(19, self.base_nice + self.nice)

    def _spawn(self, background: bool) -> _Worker:
        parent, child = self._context.Pipe()
        nice = self.general_nice if background else None
        process = self._context.Process(target=_worker, args=(child, nice), name="hgkbp-sparql", daemon=True)
        process.start()
        if nice is not None and process.pid is not None:
            _set_nice(process.pid, nice)  # before it loads Python and the store: its start-up yields too
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

    async def run(self, job: Job, timeout: float, fast: bool = False, watched: bool = True) -> Answer:
        """The job's answer from a worker of the fast lane (`fast`, when the pool has one) or the general
        one; `watched`: its priority drops as it uses the CPU (not a new worker's first job, which
        opens the store)."""
        assert self._idle is not None and self._fast_idle is not None, "start the pool first"
        idle = self._fast_idle if fast and self.fast else self._idle
        worker: _Worker = await idle.get()
        loop = asyncio.get_running_loop()
        healthy = False
        if watched and self.fast and self.demote_after > 0:  # (without a fast lane, nothing to yield to)
            worker.used = 0.0
            worker.watch = loop.call_later(self.demote_after / 2, self._watch, worker, None)
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
            healthy = not worker.demoted or self._restore(worker)
            return answer
        except (EOFError, OSError):  # the worker died (e.g. out of memory)
            return Answer(500, b"De query-verwerker viel uit; probeer opnieuw.\n", "text/plain; charset=utf-8")
        finally:
            if worker.watch is not None:
                worker.watch.cancel()
                worker.watch = None
            if healthy:
                idle.put_nowait(worker)
            else:  # past its time, dead, or its client went away mid-query: stopped now, replaced meanwhile
                self._renew(worker, idle, loop)

    def _watch(self, worker: _Worker, before: float | None) -> None:
        """Every `demote_after / 2` seconds while a query runs: add up the CPU it used (as a worker
        only runs one query, the worker's CPU time), and lower the worker's priority by the ladder
        (see the class's docstring). Without /proc, wall time stands in for CPU time."""
        pid = worker.process.pid
        if pid is None:
            return
        interval = self.demote_after / 2
        now = _cpu_seconds(pid)
        worker.used += interval if now is None else (now - before if before is not None else 0.0)
        nice = None
        if worker.used >= self.long_after:
            nice = LOWEST
        elif worker.used >= self.demote_after and not worker.background:
            nice = self.general_nice
        if nice is not None and nice > _nice_of(pid, self.base_nice) and _set_nice(pid, nice):
            worker.demoted = True
        if nice == LOWEST and _set_idle(pid, True):
            worker.demoted = True
        if nice != LOWEST:
            worker.watch = asyncio.get_running_loop().call_later(interval, self._watch, worker, now)

    def _restore(self, worker: _Worker) -> bool:
        """A demoted worker back at its lane's priority; False where that is not allowed (it is
        then replaced)."""
        home = self.general_nice if worker.background else self.base_nice
        pid = worker.process.pid
        if pid is not None and _set_idle(pid, False) and _set_nice(pid, home):
            worker.demoted = False
            return True
        return False

    def _renew(self, worker: _Worker, idle: asyncio.Queue, loop: asyncio.AbstractEventLoop) -> None:
        """Kill a worker at once and put a new one in its place when it has started (the answer that
        stopped it does not wait for that)."""
        worker.process.kill()
        worker.connection.close()

        def replace() -> _Worker:
            worker.process.join(5)
            return self._spawn(worker.background)

        def put(done: asyncio.Future) -> None:
            if done.exception() is not None:
                return
            if self._idle is None:  # the pool stopped meanwhile: the replacement is not left behind
                done.result().connection.close()
                done.result().process.kill()
                return
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


def _nice_of(pid: int, default: int) -> int:
    try:
        return os.getpriority(os.PRIO_PROCESS, pid)
    except OSError:
        return default


def _context() -> multiprocessing.context.BaseContext:
    """How workers start: where the platform has it, as forks of a server process that loaded
    Python, pyoxigraph and this module once (a few milliseconds), not as new interpreters (a few
    hundred of CPU each: a stopped query's worker is replaced every time, so abusers would make
    the server pay that over and over). Never a fork of the server itself (its threads, its
    event loop)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def _cpu_seconds(pid: int) -> float | None:
    """The CPU time a process used so far (Linux's /proc), or None where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


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
            *(self.pool.run(warm, 60, watched=False) for _ in range(self.pool.size)),
            *(self.pool.run(warm, 60, fast=True, watched=False) for _ in range(self.pool.fast)),
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
