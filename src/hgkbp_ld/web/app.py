"""The FastAPI application: thin routers over a publication (store + pre-rendered site)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from hgkbp_ld import __version__
from hgkbp_ld.settings import Settings
from hgkbp_ld.sparql import WorkerPool
from hgkbp_ld.store import endpoint
from hgkbp_ld.web import browse, documents, ldes, service, sparql
from hgkbp_ld.web.middleware import SecurityHeaders
from hgkbp_ld.web.publication import Publication
from hgkbp_ld.web.resources import Pages


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    publication = Publication(settings)

    workers = WorkerPool(settings.workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        publication.load()
        if settings.store:  # /sparql forwards to the remote store
            app.state.http = httpx.AsyncClient(auth=endpoint(settings).httpx_auth())
        else:  # /sparql runs queries in worker processes over the embedded store
            await workers.start()
        if settings.reload_on_build:
            publication.watch()
        yield
        publication.close()
        if settings.store:
            await app.state.http.aclose()
        else:
            await workers.stop()

    app = FastAPI(
        title="hgkbp-ld", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.settings = settings
    app.state.publication = publication
    app.state.workers = workers
    app.state.version = __version__
    app.include_router(documents.router)
    app.include_router(browse.router)
    app.include_router(sparql.router)
    app.include_router(service.router)
    app.include_router(ldes.router)
    app.add_middleware(Pages, publication=publication, max_age=settings.cache_max_age)  # the rendered site
    app.add_middleware(SecurityHeaders)
    return app
