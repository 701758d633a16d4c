"""The FastAPI application: thin routers over a publication (store + pre-rendered site)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from hgkbp_ld import __version__
from hgkbp_ld.settings import Settings
from hgkbp_ld.sparql import WorkerPool
from hgkbp_ld.web import browse, documents, ldes, service, sparql, sparql_guard
from hgkbp_ld.web.middleware import SecurityHeaders
from hgkbp_ld.web.publication import Publication
from hgkbp_ld.web.resources import Pages


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    # /sparql's queries: worker processes over the embedded store (the fast lane's too), or the remote store
    pool = WorkerPool(
        settings.workers,
        settings.fast_workers,
        settings.inline_triples,
        nice=settings.general_nice,
        demote_after=settings.fast_query_seconds,  # a query past this much CPU is not fast: the lowest priority
        long_after=settings.fast_query_seconds,
    )
    publication = Publication(settings, pool)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        publication.load()
        await publication.current.queries.start()
        if settings.reload_on_build:
            publication.watch()
        yield
        publication.close()
        await publication.current.queries.stop()

    app = FastAPI(
        title="hgkbp-ld", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings = settings
    app.state.publication = publication
    app.state.sparql = sparql_guard.guard(settings)
    app.state.version = __version__
    app.include_router(documents.router)
    app.include_router(browse.router)
    app.include_router(sparql.router)
    app.include_router(service.router)
    app.include_router(ldes.router)
    app.add_middleware(  # /sparql's requests before the routing (inside Pages, which marks their dataset)
        sparql_guard.FrontDoor,
        state=lambda: (app.state.sparql, publication.current.site.dataset.version),
        handler=sparql.sparql,
    )
    app.add_middleware(Pages, publication=publication, max_age=settings.cache_max_age)  # the rendered site
    app.add_middleware(SecurityHeaders)
    return app
