"""The plans of a dataset as the site names them: title, abbreviation, period, counts, link.

The site is a collection of plans ("Beleidsplannen als linked data"); a page about one plan's goal,
action, indicator or version names that plan (title, footer, breadcrumbs), and a shared resource
(a portfolio, a minister) groups what it says by plan. `plan_of` tells which plan a page is about.
"""

from __future__ import annotations

from hgkbp_ld import iris
from hgkbp_ld.iris import BP
from hgkbp_ld.store import Store

# Paths that carry a plan's slug as their second segment (docs/design.md, the IRI scheme).
# The catalogue's record and distributions of a plan's dataset are the plan's too.
_PER_PLAN = {
    "actie",
    "beleidsplan",
    "bron",
    "catalogusrecord",
    "dataset",
    "distributie",
    "doelstelling",
    "indicator",
    "periode",
    "versie",
}

_PLANS = f"""
PREFIX bp: <{BP}>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
SELECT ?plan (SAMPLE(?t) AS ?title) (SAMPLE(?a) AS ?abbreviation) (SAMPLE(?s) AS ?start) (SAMPLE(?e) AS ?end)
  (COUNT(DISTINCT ?hd) AS ?goals) (COUNT(DISTINCT ?od) AS ?ods) (COUNT(DISTINCT ?x) AS ?actions) WHERE {{
  ?plan bp:heeftDoelstelling ?hd ; dct:title ?t .
  ?hd bp:heeftOperationeleDoelstelling ?od . ?od bp:heeftActie ?x .
  OPTIONAL {{ ?plan dct:alternative ?a }}
  OPTIONAL {{ ?plan dct:temporal ?p . ?p dcat:startDate ?s ; dcat:endDate ?e }}
}} GROUP BY ?plan"""


def load_plans(store: Store, base: str, slugs: list[str]) -> list[dict[str, str]]:
    """The built plans (`slugs`, from the manifest), each with its title, period and counts, by title."""
    found = []
    for row in store.select(_PLANS):
        path = iris.path_of(str(row["plan"]), base) or ""
        slug = path.removeprefix("beleidsplan/")
        if slug not in slugs:
            continue
        start, end = str(row.get("start", "")), str(row.get("end", ""))
        abbreviation = str(row.get("abbreviation", ""))
        found.append(
            {
                "slug": slug,
                "iri": str(row["plan"]),
                "href": iris.doc_href(str(row["plan"]), base),
                "title": str(row["title"]),
                "abbreviation": abbreviation,
                "short": abbreviation or str(row["title"]),
                "period": f"{start}–{end}" if start and end else "",
                "goals": str(row["goals"]),
                "ods": str(row["ods"]),
                "actions": str(row["actions"]),
            }
        )
    return sorted(found, key=lambda plan: plan["title"].casefold())


def plan_of(path: str, plans: list[dict[str, str]]) -> dict[str, str] | None:
    """The built plan a page is about (`actie/{plan}/12`, `versie/{plan}/2/…`), or None (shared)."""
    parts = path.split("/")
    if len(parts) < 2 or parts[0] not in _PER_PLAN:
        return None
    return next((plan for plan in plans if plan["slug"] == parts[1]), None)


def owner(path: str) -> str | None:
    """The plan whose own thing a path is (`actie/{plan}/12`, `versie/{plan}/2/…`: `{plan}`), or None
    (a thing plans share: a portfolio, a minister, the catalogue). A register plan's path names its
    own slug: whether that is a built plan is the caller's to check."""
    parts = path.split("/")
    return parts[1] if len(parts) >= 2 and parts[0] in _PER_PLAN and parts[1] else None
