"""What a page of each kind shows besides its table of properties: an action's portfolios, period,
indicators and related actions, a goal's parts and contributions, a plan's goals, a portfolio's and a
minister's actions (`KindSections`, which `views.Views` is made of: its `page` calls the method named
`_{kind}` of a page of that kind). Read from the store, no HTML here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from operator import itemgetter

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS
from rdflib.term import Node

from hgkbp_ld import iris
from hgkbp_ld.iris import BP, MANDAAT
from hgkbp_ld.render.page_model import Labels, Link, Sections, Text, natural, new_link
from hgkbp_ld.render.queries import query
from hgkbp_ld.store import Store
from hgkbp_ld.store.base import iri_term
from hgkbp_ld.store.embedded import EmbeddedStore
from hgkbp_ld.triples import Described, Triples
from hgkbp_ld.web.action_index import ActionIndex
from hgkbp_ld.web.action_index import Row as ActionRow

_RESPONSIBLE, _COLLABORATOR = iri_term(BP.verantwoordelijke), iri_term(BP.samenwerkingMet)
_PARTNER = iri_term(BP.overigePartner)
_SEE_ALSO, _CITATION = iri_term(RDFS.seeAlso), iri_term(DCTERMS.bibliographicCitation)
_ELABORATED = iri_term(BP.wordtUitgewerktIn)
_HOLDS = iri_term(BP.heeftBevoegdheid)
_first = itemgetter(0)  # a pair's first (a sort's key in C)
_PLAIN_IRI = re.compile(r"[^\x00-\x20<>\"{}|^`\\]+")  # an IRI written in a query as it is: <iri>


class KindSections:
    """The sections of a page by its kind (method name = the class's local name) and what they are made
    of. A part of `views.Views`, whose attributes and methods these read (declared here, made there)."""

    store: Store
    base: str
    labels: Labels
    plans: dict[str, str]
    built: dict[str, tuple[str, str]]
    actions: ActionIndex | None
    _numbered: dict[str, ActionRow] | None
    _held: dict[tuple, list[dict[str, Node]]]
    _day: Literal
    _select: Callable[[str, dict[str, Node]], list[dict[str, Node]]]
    href: Callable[[str], str]
    link: Callable[[Described, Node], Link | str]
    label: Callable[[Described, Node], str]
    _links: Callable[..., list[Link]]

    def _holders(self, portfolio: URIRef) -> list[Link]:
        """Who holds `portfolio` today (with `batch`, asked once for all portfolios: `_ASKED_FOR_ALL`)."""
        rows = self._select("page-holders", {"portfolio": portfolio, "day": self._day})
        return self._links(rows)

    def _portfolio_links(self, graph: Described, node: URIRef, prop: URIRef) -> list[tuple[Link, list[Link]]]:
        found = []
        for label, portfolio in sorted([(self.label(graph, p), p) for p in graph.objects(node, prop)], key=_first):
            found.append((new_link(label, self.href(str(portfolio))), self._holders(portfolio)))
        return found

    def _actions_of(
        self, prop: URIRef, node: URIRef, held: tuple[Node, ...] | None = None, graph: Described | None = None
    ) -> list[Link]:
        """Actions whose `prop` is the portfolio `node` (`graph`: its description), or (`held`: the portfolios
        the mandate `node` holds, as its description lists them) one of those portfolios."""
        if held is not None:
            rows = self._held_rows(prop, node, held)
        else:
            indexed = self._indexed_actions(prop, node, graph)
            if indexed is not None:
                return indexed
            rows = self._select("page-actions-of-portfolio", {"this": node, "prop": prop})
        links = self._links(rows, note="n")
        for link in links:  # made here, not yet seen: `dataclasses.replace(link, plan=...)` without a copy
            link.__dict__["plan"] = self._plan_title(link.href)
        return links

    def _indexed_actions(self, prop: URIRef, node: URIRef, graph: Described | None) -> list[Link] | None:
        """`page-actions-of-portfolio`'s links of the portfolio `node` without the query (over pyoxigraph its
        cost grows with plans × portfolios): the actions its description (`graph`) says have `node` as their
        `prop`, in that order, with their number, notation and title from the action index (each the only one
        the store holds: `ActionIndex.exact`), sorted by number. The query's rows in its order: pyoxigraph
        reads `?x ?prop ?this` in the order of the subjects' keys, as `describe` reads the statements naming
        `node`, and sorts by ?number keeping that order (`tests/test_views_scale.py`). None (ask the query)
        over another store, without the index, or if an action there is not in the index."""
        index = self.actions
        if index is None or not index.exact or type(graph) is not Triples or type(self.store) is not EmbeddedStore:
            return None
        numbered = self._numbered
        if numbered is None:
            numbered = self._numbered = {row.iri: row for row in index.rows}
        rows = []
        for subject in graph.subjects(prop, node):
            row = numbered.get(str(subject)) if type(subject) is URIRef else None
            if row is None:
                return None
            rows.append(row)
        rows.sort(key=_number)
        href, plan = self.href, self._plan_title
        links = [new_link(row.title, href(row.iri), row.notation) for row in rows]
        for link in links:
            link.__dict__["plan"] = plan(link.href)
        return links

    def _held_rows(self, prop: URIRef, node: URIRef, held: tuple[Node, ...]) -> list[dict[str, Node]]:
        """`_mandate_rows`, kept for the portfolios last asked: a minister's mandates (one per term) hold the
        same portfolios, and the query's rows are those of the portfolios, in the order of the portfolios
        as the store lists the mandate's (its description's order), whatever the mandate
        (`tests/test_views_scale.py`). Only the last portfolios' rows are kept (thousands of rows a role)."""
        key = (prop, held)
        found = self._held.get(key)
        if found is None:
            if self._held and next(iter(self._held))[1] != held:
                self._held.clear()
            found = self._held[key] = self._mandate_rows(prop, node)
        return found

    def _mandate_rows(self, prop: URIRef, node: URIRef) -> list[dict[str, Node]]:
        """`page-actions-of-mandate`'s rows of the mandate `node`, with the mandate and `prop` written in
        the query: asked with them bound, pyoxigraph evaluated the query for every mandate (0.5 s a
        mandate at 1000 plans, growing with plans × mandates); written in, it starts from the mandate's
        portfolios. The same rows in the same order (rows with the same number, of several plans, too:
        `tests/test_views_scale.py`), without ?this and ?prop, which are these two."""
        if type(node) is not URIRef or type(prop) is not URIRef or not _PLAIN_IRI.fullmatch(f"{node}{prop}"):
            return self._select("page-actions-of-mandate", {"this": node, "prop": prop})
        text = query("page-actions-of-mandate")
        for variable, written in (
            ("?this bp:heeftBevoegdheid", f"<{node}> bp:heeftBevoegdheid"),
            ("?x ?prop ", f"?x <{prop}> "),
        ):
            if text.count(variable) != 1:
                raise ValueError(f"page-actions-of-mandate.rq: {variable!r} is not there once")
            text = text.replace(variable, written)
        return self.store.select(text)

    def _plan_title(self, href: str) -> str:
        """The title of the built plan a thing's page belongs to (`/doc/actie/{plan}/12`)."""
        parts = href.split("/")
        return self.plans.get(parts[3], parts[3]) if len(parts) > 3 else ""

    # --- kind-specific sections (method name = class local name) ----------------------------

    def _Actie(self, node: URIRef, graph: Described) -> Sections:
        sections: dict[str, object] = {}
        sections["responsible"] = self._portfolio_links(graph, node, _RESPONSIBLE)
        sections["collaborators"] = self._portfolio_links(graph, node, _COLLABORATOR)
        sections["partners"] = sorted(str(o) for o in graph.objects(node, _PARTNER))
        rows = self._select("page-period", {"this": node})
        sections["timeline"] = {k: str(v) for k, v in rows[0].items()} if rows else None
        indicators = self._select("page-indicators", {"this": node})
        sections["indicators"] = [str(r["text"]) for r in indicators]
        sections["see_also"] = sorted(str(o) for o in graph.objects(node, _SEE_ALSO))
        sections["citations"] = sorted(str(o) for o in graph.objects(node, _CITATION))
        related = [self.link(graph, o) for o in graph.objects(node, _ELABORATED)]
        related += [self.link(graph, s) for s in graph.subjects(_ELABORATED, node)]
        sections["related"] = related
        return sections

    def _children(self, node: URIRef, prop: URIRef, graph: Described | None = None) -> list[Link]:
        """The parts of `node` along `prop`; `graph`: the description of `node` (all it says of itself),
        where a node without such a statement has none, without asking the store (over pyoxigraph each ask
        scans every plan's parts: 1 s at 1000 plans, for a plan of the register that no plan here builds)."""
        if graph is not None and (node, prop, None) not in graph:
            return []
        rows = self._select("page-children", {"this": node, "prop": prop})
        return self._links(rows, note="n")

    def _HorizontaleDoelstelling(self, node: URIRef, graph: Described) -> Sections:
        return {
            "children": [
                (od, self._children(URIRef(self._iri(od.href)), BP.heeftActie))
                for od in self._children(node, BP.heeftOperationeleDoelstelling, graph)
            ],
            "sdgs": self._contributions(node),
            "related_plans": self._plans(graph, node, BP.gerelateerdPlan),
        }

    def _contributions(self, node: URIRef) -> list[dict[str, str]]:
        rows = self._select("page-contributions", {"this": node})
        found = [
            {"href": str(r["sdg"]), "label": Text.of(r.get("label", r["sdg"])), "why": str(r["why"])} for r in rows
        ]
        return sorted(found, key=lambda c: natural(c["href"].rsplit("/", 1)[1]))

    def _OperationeleDoelstelling(self, node: URIRef, graph: Described) -> Sections:
        return {"actions": self._children(node, BP.heeftActie, graph)}

    def _Beleidsplan(self, node: URIRef, graph: Described) -> Sections:
        return {
            "principles": sorted(str(o) for o in graph.objects(node, BP.leidendPrincipe)),
            "goals": [
                (goal, self._children(URIRef(self._iri(goal.href)), BP.heeftOperationeleDoelstelling))
                for goal in self._children(node, BP.heeftDoelstelling, graph)
            ],
            "complementary": self._plans(graph, node, BP.isComplementairAan),
        }

    def _Bevoegdheid(self, node: URIRef, graph: Described) -> Sections:
        mandates = self._select("page-mandates", {"this": node})
        return {
            "holders_now": self._holders(node),
            "lead": self._actions_of(BP.verantwoordelijke, node, graph=graph),
            "partner": self._actions_of(BP.samenwerkingMet, node, graph=graph),
            "mandates": [Link(str(r["label"]), self.href(str(r["x"])), _period(r)) for r in mandates],
        }

    def _Mandataris(self, node: URIRef, graph: Described) -> Sections:
        start, end = graph.value(node, MANDAAT.start), graph.value(node, MANDAAT.einde)
        held = tuple(graph.objects(node, _HOLDS))  # all the store says: the graph is the mandate's description
        return {
            "portfolios": sorted((self.link(graph, o) for o in graph.objects(node, BP.heeftBevoegdheid)), key=natural),
            "lead": self._actions_of(BP.verantwoordelijke, node, held),
            "partner": self._actions_of(BP.samenwerkingMet, node, held),
            "period": _period({"start": start, "end": end} if end else {"start": start}),
        }

    def _plans(self, graph: Described, node: URIRef, prop: URIRef) -> list[Link | str]:
        """Other plans a plan or goal names; one that is also built here (owl:sameAs) links to the
        built plan's page, with its own title: the register's entry and the built plan are one plan."""
        found: list[Link | str] = []
        for other in graph.objects(node, prop):
            rows = self._select("page-built-plan", {"this": other})
            if not rows and str(other) in self.built:
                iri, title = self.built[str(other)]
                rows = [{"built": URIRef(iri), "title": Literal(title)}]
            if rows:
                found.append(Link(str(rows[0]["title"]), self.href(str(rows[0]["built"]))))
            else:
                found.append(self.link(graph, other))
        return sorted(found, key=natural)

    def _iri(self, href: str) -> str:
        return iris.thing(self.base, href.removeprefix("/doc/")) if href.startswith("/doc/") else href


def _number(row: ActionRow) -> int:
    return row.number


def _period(row: dict[str, Node | None]) -> str:
    start = str(row.get("start") or "")[:10]
    end = row.get("end")
    if end is None:
        return f"sinds {start}"
    last = dt.date.fromisoformat(str(end)[:10]) - dt.timedelta(days=1)  # einde is exclusive
    return f"{start} tot en met {last.isoformat()}"
