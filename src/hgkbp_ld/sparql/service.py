"""What /sparql asks of whatever runs its queries: the embedded store's worker pool, or a remote
SPARQL server. The web layer and the reload watcher only know this interface."""

from __future__ import annotations

from typing import Protocol

from hgkbp_ld.sparql.results import Answer, Job


class QueryTimeout(Exception):
    """The query ran past its time and was stopped."""


class QueryService(Protocol):
    async def start(self) -> None:
        """Get ready to answer (start worker processes, open connections); safe to call twice."""

    async def stop(self) -> None:
        """Let go of processes and connections."""

    async def run(self, job: Job, timeout: float, fast: bool = False) -> Answer:
        """The job's answer; raises QueryTimeout when it runs past `timeout` seconds (and stops it).
        `fast`: the fairness gate admitted it to the fast lane (a service may keep capacity for it)."""

    def close(self) -> None:
        """Let go of what this service holds for itself (connections), not what it shares (a worker
        pool): it no longer serves, after a reload. Callable from any thread."""

    def inline(self, job: Job) -> bool:
        """Whether the service runs this job in the server's own process (it needs no worker)."""

    def published(self) -> str | None:
        """The dataset version the service's source now publishes, when the source decides that
        itself (a remote store someone published to); None when the build in dist/ decides."""
