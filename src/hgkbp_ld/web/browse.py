"""/acties: every action in one table, with filters (plan, goal, portfolio, minister, year) and a search.

The rows are read from the store by the build (`hgkbp_ld.render.actions`) and kept in the rendered
site; a request filters them in memory (well under a millisecond for the whole plan). Plain GET
forms: every result has a shareable URL.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hgkbp_ld.web.action_index import FILTERS, ActionIndex, Filters, plan_links, select_rows

__all__ = ["FILTERS", "actions", "router"]

router = APIRouter()


def _filters(request: Request) -> Filters:
    params = request.query_params
    year = params.get("jaar", "")
    return Filters(
        plan=params.get("plan", "")[:80],
        goal=params.get("doelstelling", "")[:90],
        portfolio=params.get("bevoegdheid", "")[:60],
        together=params.get("samen-met", "")[:60],
        role=params.get("rol", "") if params.get("rol", "") in ("lead", "partner") else "",
        minister=params.get("minister", "")[:60],
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        q=params.get("q", "")[:200],
    )


@router.api_route("/acties", methods=["GET", "HEAD"], include_in_schema=False)
def actions(request: Request) -> Response:
    current = request.app.state.publication.current
    index: ActionIndex = current.actions
    filters = _filters(request)
    rows = select_rows(index, filters)
    shown = [p for p in index.plans if p.value in {row.plan for row in rows}]
    html = current.environment.get_template("acties.html").render(
        title="Acties",
        plans_shown=shown,
        plans=plan_links(index),
        plan=plan_links(index, shown[0].value)[0] if filters.plan and shown else None,
        plan_names={p.value: p.label for p in index.plans},
        rows=rows,
        filters=filters,
        index=index,
        alternates=[],
        jsonld=None,
        version=request.app.state.version,
        dataset_version=current.site.dataset.version,
        provenance=current.site.provenance,
        meta=current.site.meta.get("acties"),
    )
    body = b"" if request.method == "HEAD" else html.encode("utf-8")
    return Response(
        body,
        200,
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": f"public, max-age={request.app.state.settings.cache_max_age}"},
    )
