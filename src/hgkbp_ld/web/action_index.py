"""The /acties index: every action's row and the choices of the filters, and the filtering itself.

No web framework here: the build makes the index (`hgkbp_ld.render.actions`) and the server
(`web.browse`) filters it per request; a build imports this module, not the server's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from hgkbp_ld.iris import doc_link

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lowercase without accents: 'Toegankelijkheid' and 'toegankélijk' compare alike. Only the few
    characters outside ASCII are looked at one by one (an ASCII character decomposes to itself and
    combines with nothing): a first build folds every action's texts, 1.1 s of its last stage at 100 plans."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if decomposed.isascii():
        return decomposed
    return _NON_ASCII.sub(_uncombined, decomposed)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _uncombined(match: re.Match[str]) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


@dataclass(slots=True)
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
    # each action's number (an xsd:integer), notation and title are the only ones the store holds of it, so
    # that its rows are the store's rows of it (`render.views`: a portfolio's actions); not in index.json
    exact: bool = field(default=False, compare=False)


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
