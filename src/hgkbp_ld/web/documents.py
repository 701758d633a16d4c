"""A health check: the dataset being served. (The rendered pages and files: `web.resources`.)"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter()


@router.get("/health", include_in_schema=False)
def health(request: Request) -> JSONResponse:
    current = request.app.state.publication.current
    return JSONResponse(
        {
            "status": "ok",
            "dataset": current.site.dataset.version,
            "resources": len(current.site.resources),
            "graphs": current.site.dataset.graphs,
        }
    )
