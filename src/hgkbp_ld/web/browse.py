"""/acties: every action in one table, with filters (plan, goal, portfolio, minister, year) and a search.

The rows are read from the store by the build (`hgkbp_ld.render.actions`) and kept in the rendered
site; a request filters them in memory (well under a millisecond for the whole plan). Plain GET
forms: every result has a shareable URL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hgkbp_ld.iris import doc_link

router = APIRouter()
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lowercase without accents: 'Toegankelijkheid' and 'toegankélijk' compare alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class Row:
    iri: str
    href: str
    plan: str
    number: int
    notation: str
    title: str
    goal: str  # notation, e.g. "HD 3"
    goal_title: str
    responsible: dict[str, str] = field(default_factory=dict)  # portfolio IRI -> label
    collaborators: dict[str, str] = field(default_factory=dict)
    start: int | None = None
    end: int | None = None
    timeline: str = ""
    text: str = ""  # folded title, description and indicators, for the search
    refers_to: int | None = None  # the action this one is worked out in

    def runs_in(self, year: int) -> bool:
        return self.start is not None and self.start <= year and (self.end is None or year <= self.end)

    @property
    def period(self) -> str:
        if self.start is None:  # "Doorlopend": a timeline without years says so in words
            return self.timeline.lower() if self.timeline else "geen tijdspad"
        if self.end is None:
            return f"vanaf {self.start}"
        return str(self.start) if self.start == self.end else f"{self.start}–{self.end}"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass
class ActionIndex:
    """All actions and the choices of the filters, for one loaded dataset."""

    rows: list[Row]
    goals: list[Choice]
    portfolios: list[Choice]
    ministers: list[Choice]
    years: list[int]
    held: dict[str, set[str]]  # person IRI -> portfolio IRIs held in any mandate
    plans: list[Choice] = field(default_factory=list)  # slug -> title, in the landing page's order


def index_from_json(data: dict) -> ActionIndex:
    """The index the build rendered (`hgkbp_ld.render.actions.index_json`) back into its classes."""
    return ActionIndex(
        rows=[Row(**row) for row in data["rows"]],
        goals=[Choice(**c) for c in data["goals"]],
        portfolios=[Choice(**c) for c in data["portfolios"]],
        ministers=[Choice(**c) for c in data["ministers"]],
        years=list(data["years"]),
        held={person: set(portfolios) for person, portfolios in data["held"].items()},
        plans=[Choice(**c) for c in data.get("plans", [])],
    )


def plan_links(index: ActionIndex, slug: str = "") -> list[dict[str, str]]:
    """The plans (or the one `slug`) as the page frame names them: slug, title, link to the plan's page."""
    return [
        {"slug": p.value, "title": p.label, "href": doc_link(f"beleidsplan/{p.value}")}
        for p in index.plans
        if not slug or p.value == slug
    ]


@dataclass(frozen=True)
class Filters:
    plan: str = ""  # a plan's slug
    goal: str = ""  # "HD1", or "{plan}/HD1" (the choices name their plan when there are several)
    portfolio: str = ""
    together: str = ""  # a second portfolio that must take part too (a cell of the collaboration matrix)
    role: str = ""  # "", "lead", "partner"
    minister: str = ""
    year: int | None = None
    q: str = ""


def select_rows(index: ActionIndex, filters: Filters) -> list[Row]:
    def slugs(portfolios: dict[str, str]) -> set[str]:
        return {iri.rsplit("/", 1)[1] for iri in portfolios}

    words = [fold(w) for w in _WORD.findall(filters.q)][:20]
    wanted = {filters.portfolio} if filters.portfolio else set()
    if filters.minister:
        wanted |= index.held.get(filters.minister, {"-"})
    found = []
    plan, _, goal = filters.goal.rpartition("/")
    plans = {p for p in (filters.plan, plan) if p}
    for row in index.rows:
        if plans and row.plan not in plans:
            continue
        if goal and row.goal.replace(" ", "") != goal:
            continue
        if wanted:
            lead, partner = slugs(row.responsible), slugs(row.collaborators)
            scope = lead if filters.role == "lead" else partner if filters.role == "partner" else lead | partner
            if not wanted & scope:
                continue
        if filters.together and filters.together not in slugs(row.responsible) | slugs(row.collaborators):
            continue
        if filters.year is not None and not row.runs_in(filters.year):
            continue
        if any(word not in row.text for word in words):
            continue
        found.append(row)
    return found


# The query parameters of /acties (read below; robots.txt keeps crawlers off each, and "plan" of docs/design.md).
FILTERS = ("q", "doelstelling", "bevoegdheid", "samen-met", "rol", "minister", "jaar", "plan")


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
