"""The worker pool's CPU priorities (hgkbp_ld.sparql.pool): general workers run behind the fast lane
(nice 10 over the server), yet still answer within their timeout on a busy machine; a fast worker
whose query turns out long drops to the general priority for the rest of it, any query that uses
much CPU to the lowest, and each lane is back at its priority afterwards (raised again, or, where
that is not allowed, replaced).

Real worker processes on a real on-disk pyoxigraph store; priorities read back from the kernel."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from hgkbp_ld.sparql import pool as pool_module
from hgkbp_ld.sparql.pool import PoolService, WorkerPool
from hgkbp_ld.sparql.results import Job
from hgkbp_ld.sparql.service import QueryTimeout

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads priorities from Linux's /proc")

TRIPLES = 120
JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?a ?d ?e }"  # a join: never run in the server itself
SINKING = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?a ?x ?y }"  # 6,912,000 rows
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("pool") / "store"
    opened = ox.Store(str(path))
    opened.extend(
        ox.Quad(ox.NamedNode(f"urn:s{i % 30}"), ox.NamedNode(f"urn:p{i % 4}"), ox.Literal(str(i)))
        for i in range(TRIPLES)
    )
    opened.flush()
    del opened
    return str(path)


def job(store: str, query: str) -> Job:
    return Job(store, query, "json", "ttl", 100)


def nice_of(pid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


def workers(queue: asyncio.Queue | None) -> list:
    assert queue is not None
    return list(queue._queue)  # type: ignore[attr-defined] # the idle workers, in order


async def started(pool: WorkerPool, store: str) -> PoolService:
    service = pool.serving(store)
    await service.start()
    return service


def test_general_workers_run_behind_the_fast_lane(store: str) -> None:
    base = os.getpriority(os.PRIO_PROCESS, 0)

    async def scenario() -> tuple[list[int], list[int]]:
        pool = WorkerPool(size=2, fast=2, nice=10)
        await started(pool, store)
        try:
            return [nice_of(w.process.pid) for w in workers(pool._idle)], [
                nice_of(w.process.pid) for w in workers(pool._fast_idle)
            ]
        finally:
            await pool.stop()

    general, fast = asyncio.run(scenario())
    assert general == [min(19, base + 10)] * 2
    assert fast == [base] * 2


def test_without_a_fast_lane_every_worker_runs_at_the_servers_priority(store: str) -> None:
    async def scenario() -> list[int]:
        pool = WorkerPool(size=2, fast=0, nice=10)
        await started(pool, store)
        try:
            return [nice_of(w.process.pid) for w in workers(pool._idle)]
        finally:
            await pool.stop()

    assert asyncio.run(scenario()) == [os.getpriority(os.PRIO_PROCESS, 0)] * 2


def test_a_general_worker_answers_within_its_timeout_beside_busy_processes(store: str) -> None:
    """Every core kept busy at the normal priority: a niced worker still gets its share (SCHED_IDLE
    would not: it runs only when nothing else wants the CPU)."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(max(2, os.cpu_count() or 2))]

    async def scenario() -> tuple[int, float]:
        pool = WorkerPool(size=1, fast=1, nice=10)
        service = await started(pool, store)
        try:
            await asyncio.sleep(0.5)  # the hogs are running
            began = time.monotonic()
            answer = await service.run(job(store, JOIN), 5.0)  # the general lane
            return answer.status, time.monotonic() - began
        finally:
            await pool.stop()

    try:
        status, seconds = asyncio.run(scenario())
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert status == 200, seconds  # not QueryTimeout (5 s)


def test_a_fast_query_that_runs_long_drops_to_the_general_priority(store: str) -> None:
    base = os.getpriority(os.PRIO_PROCESS, 0)
    seen: list[int] = []

    async def scenario() -> list[int]:
        pool = WorkerPool(size=1, fast=1, nice=10, demote_after=0.2)
        service = await started(pool, store)
        try:
            worker = workers(pool._fast_idle)[0]
            running = asyncio.create_task(service.run(job(store, ENDLESS), 3.0, fast=True))
            deadline = time.monotonic() + 2.5
            while time.monotonic() < deadline and not running.done():
                seen.append(nice_of(worker.process.pid))
                await asyncio.sleep(0.05)
            with pytest.raises(QueryTimeout):
                await running
            while not workers(pool._fast_idle):  # the stopped worker's replacement
                await asyncio.sleep(0.1)
            return [nice_of(w.process.pid) for w in workers(pool._fast_idle)]
        finally:
            await pool.stop()

    replaced = asyncio.run(scenario())
    assert seen[0] == base and min(19, base + 10) in seen, seen  # fast at first, then behind
    assert replaced == [base]


@pytest.mark.parametrize("privileged", [True, False], ids=["raised again", "replaced"])
def test_after_a_long_query_the_fast_lane_is_back_at_the_servers_priority(
    store: str, privileged: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = os.getpriority(os.PRIO_PROCESS, 0)
    if not privileged:  # as an ordinary user: a priority, once lowered, cannot be raised again
        set_nice = pool_module._set_nice

        def unprivileged(pid: int, nice: int) -> bool:
            return nice >= nice_of(pid or os.getpid()) and set_nice(pid, nice)

        monkeypatch.setattr(pool_module, "_set_nice", unprivileged)
    elif os.geteuid() != 0:
        pytest.skip("raising a priority again needs root (or CAP_SYS_NICE)")

    seen: list[int] = []

    async def scenario() -> tuple[int, int, int]:
        pool = WorkerPool(size=1, fast=1, nice=10, demote_after=0.05, long_after=60)
        service = await started(pool, store)
        try:
            worker = workers(pool._fast_idle)[0]
            running = asyncio.create_task(service.run(job(store, SINKING), 60.0, fast=True))
            while not running.done():
                seen.append(nice_of(worker.process.pid))
                await asyncio.sleep(0.02)
            answer = await running
            assert answer.status == 200 and b'"value":"6912000"' in answer.body.replace(b" ", b""), answer.body
            while not workers(pool._fast_idle):  # a replacement, where the old one could not be raised
                await asyncio.sleep(0.1)
            now = workers(pool._fast_idle)[0]
            return worker.process.pid, now.process.pid, nice_of(now.process.pid)
        finally:
            await pool.stop()

    before, after, nice = asyncio.run(scenario())
    assert min(19, base + 10) in seen, seen  # it ran behind for a while
    assert nice == base  # and the fast lane is back in front
    assert (before == after) is privileged  # the same worker raised again, or a new one


def test_a_query_that_uses_much_cpu_sinks_to_the_lowest_priority(store: str) -> None:
    general = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    seen: list[int] = []

    async def scenario() -> tuple[int, int, int]:
        pool = WorkerPool(size=1, fast=1, nice=10, demote_after=0.1, long_after=0.3)
        service = await started(pool, store)
        try:
            worker = workers(pool._idle)[0]
            running = asyncio.create_task(service.run(job(store, SINKING), 60.0))  # the general lane
            while not running.done():
                seen.append(nice_of(worker.process.pid))
                await asyncio.sleep(0.02)
            answer = await running
            assert answer.status == 200 and b'"value":"6912000"' in answer.body.replace(b" ", b""), answer.body
            while not workers(pool._idle):  # a replacement, where the old one could not be raised
                await asyncio.sleep(0.1)
            now = workers(pool._idle)[0]
            return worker.process.pid, now.process.pid, nice_of(now.process.pid)
        finally:
            await pool.stop()

    _before, _after, nice = asyncio.run(scenario())
    assert seen[0] == general and 19 in seen, seen  # at the general priority, then the lowest
    assert nice == general  # and the general lane is back at its own
