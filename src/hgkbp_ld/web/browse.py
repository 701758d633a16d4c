"""/acties: every action in one table, with filters (goal, portfolio, minister, year) and a search.

The rows are read from the store once per loaded dataset; a request filters them in memory (well
under a millisecond for the whole plan). Plain GET forms: every result has a shareable URL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import Response
from rdflib.namespace import DCAT, DCTERMS, RDFS, SKOS

from hgkbp_ld.mapping import BP, MANDAAT
from hgkbp_ld.store import Store
from hgkbp_ld.web.pictures import TimelineBar, TimelineGroup, pair_counts

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
        if self.start is None:
            return "geen tijdspad"
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


def _short(iri: str, base: str) -> str:
    return iri.removeprefix(f"{base}/id/")


def load_index(store: Store, base: str) -> ActionIndex:
    bp = f"PREFIX bp: <{BP}>\n"
    rows: dict[str, Row] = {}
    for r in store.select(
        bp
        + f"""
        SELECT DISTINCT ?a ?n ?notation ?title ?od ?hd ?hdn ?hdt WHERE {{
          ?a a bp:Actie ; bp:volgnummer ?n ; <{SKOS.notation}> ?notation ; <{DCTERMS.title}> ?title ;
             bp:isDeelVan ?od . ?od bp:isDeelVan ?hd . ?hd <{SKOS.notation}> ?hdn ; <{DCTERMS.title}> ?hdt .
        }}"""
    ):
        iri = str(r["a"])
        path = _short(iri, base)
        rows[iri] = Row(
            iri,
            f"/doc/{path}",
            path.split("/")[1],
            int(r["n"]),
            str(r["notation"]),
            str(r["title"]),
            str(r["hdn"]),
            str(r["hdt"]),
        )
    for prop, key in ((BP.verantwoordelijke, "responsible"), (BP.samenwerkingMet, "collaborators")):
        for r in store.select(f"SELECT DISTINCT ?a ?p ?l WHERE {{ ?a <{prop}> ?p . ?p <{SKOS.prefLabel}> ?l }}"):
            if str(r["a"]) in rows:
                getattr(rows[str(r["a"])], key)[str(r["p"])] = str(r["l"])
    for r in store.select(
        bp
        + f"""SELECT DISTINCT ?a ?text ?s ?e WHERE {{ ?a <{DCTERMS.temporal}> ?t .
          ?t bp:omschrijving ?text . OPTIONAL {{ ?t <{DCAT.startDate}> ?s }} OPTIONAL {{ ?t <{DCAT.endDate}> ?e }} }}"""
    ):
        row = rows.get(str(r["a"]))
        if row is not None:
            row.timeline = str(r["text"])
            row.start = int(str(r["s"])) if "s" in r else None
            row.end = int(str(r["e"])) if "e" in r else None
    for r in store.select(bp + "SELECT DISTINCT ?a ?n WHERE { ?a bp:wordtUitgewerktIn/bp:volgnummer ?n }"):
        if str(r["a"]) in rows:
            rows[str(r["a"])].refers_to = int(r["n"])
    texts: dict[str, list[str]] = {iri: [row.title] for iri, row in rows.items()}
    for r in store.select(f"SELECT DISTINCT ?a ?d WHERE {{ ?a <{DCTERMS.description}> ?d }}"):
        texts.get(str(r["a"]), []).append(str(r["d"]))
    for r in store.select(bp + f"SELECT DISTINCT ?a ?d WHERE {{ ?a bp:heeftIndicator/<{DCTERMS.description}> ?d }}"):
        texts.get(str(r["a"]), []).append(str(r["d"]))
    for iri, parts in texts.items():
        rows[iri].text = fold(" ".join(parts))
    held: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for r in store.select(f"""SELECT DISTINCT ?person ?name ?p WHERE {{ ?m <{MANDAAT.isBestuurlijkeAliasVan}> ?person ;
          <{BP.heeftBevoegdheid}> ?p . ?person <{RDFS.label}> ?name }}"""):
        held.setdefault(str(r["person"]), set()).add(str(r["p"]))
        names[str(r["person"])] = str(r["name"])
    ordered = sorted(rows.values(), key=lambda row: (row.plan != "hgkbp-2025-2029", row.plan, row.number))
    portfolios = {p: label for row in ordered for p, label in (*row.responsible.items(), *row.collaborators.items())}
    years = sorted(
        {y for row in ordered if row.start is not None for y in range(row.start, (row.end or max(row.start, 2029)) + 1)}
    )
    return ActionIndex(
        rows=ordered,
        goals=sorted(
            {Choice(r.goal.replace(" ", ""), f"{r.goal}: {r.goal_title}") for r in ordered},
            key=lambda c: int(c.value[2:]),
        ),
        portfolios=sorted(
            (Choice(_short(p, base).split("/", 1)[1], label) for p, label in portfolios.items()), key=lambda c: c.label
        ),
        ministers=sorted((Choice(_short(p, base).split("/", 1)[1], names[p]) for p in held), key=lambda c: c.label),
        years=years,
        held={
            _short(p, base).split("/", 1)[1]: {_short(x, base).split("/", 1)[1] for x in ps} for p, ps in held.items()
        },
    )


@dataclass(frozen=True)
class Filters:
    goal: str = ""
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
    for row in index.rows:
        if filters.goal and row.goal.replace(" ", "") != filters.goal:
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


def _filters(request: Request) -> Filters:
    params = request.query_params
    year = params.get("jaar", "")
    return Filters(
        goal=params.get("doelstelling", "")[:10],
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
    index: ActionIndex = current.site.actions
    filters = _filters(request)
    rows = select_rows(index, filters)
    html = current.site.environment.get_template("acties.html").render(
        title="Acties",
        rows=rows,
        filters=filters,
        index=index,
        alternates=[],
        jsonld=None,
        version=request.app.state.version,
        dataset_version=current.site.dataset.version,
        provenance=current.site.provenance,
    )
    body = b"" if request.method == "HEAD" else html.encode("utf-8")
    return Response(
        body,
        200,
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": f"public, max-age={request.app.state.settings.cache_max_age}"},
    )


# --- the pictures ----------------------------------------------------------------------------------


def timeline_groups(index: ActionIndex, plan: str, numbers: set[int] | None = None) -> list[TimelineGroup]:
    """The actions of a plan (or only `numbers`) as timeline bars, grouped by goal."""
    groups: dict[str, TimelineGroup] = {}
    for row in index.rows:
        if row.plan != plan or (numbers is not None and row.number not in numbers):
            continue
        group = groups.setdefault(row.goal, TimelineGroup(row.goal.replace(" ", ""), row.goal_title, []))
        group.bars.append(
            TimelineBar(
                row.number,
                row.title,
                row.href,
                row.start,
                row.end,
                row.start is not None and row.end is None,
                row.refers_to,
            )
        )
    return list(groups.values())


def collaboration(index: ActionIndex, plan: str) -> tuple[list[str], dict[tuple[str, str], int], dict[str, str]]:
    """Portfolio labels, how many actions each pair shares (lead or partner), and label → slug."""
    rows = [row for row in index.rows if row.plan == plan]
    slugs = {
        label: iri.rsplit("/", 1)[1]
        for row in rows
        for iri, label in (*row.responsible.items(), *row.collaborators.items())
    }
    counts = pair_counts([*row.responsible.values(), *row.collaborators.values()] for row in rows)
    return sorted(slugs), counts, slugs
