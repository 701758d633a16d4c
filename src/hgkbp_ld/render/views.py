"""View models of the resource pages: what a page shows, read from the store, no HTML here.

Every label comes from the data (titles, prefLabels, names) or from the vocabulary and the
application profile (Dutch property names), never from a raw IRI when a label exists.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import Node

from hgkbp_ld import iris
from hgkbp_ld.iris import BP, MANDAAT
from hgkbp_ld.render.queries import query
from hgkbp_ld.store import Store
from hgkbp_ld.triples import Described

_ASKED_ONCE = frozenset({"page-whole", "page-holders", "page-built-plan"})  # small answers, asked by many pages
# asked of every action or goal: over one plan's store, asked once for all (?this unbound) and split by
# ?this; a query that answers one row (LIMIT 1) has its own query for all, whose rows are taken only
# where it gives one row for ?this (else the query itself is asked: which row comes first is its own)
_ASKED_FOR_ALL = {
    "page-children": "page-children",
    "page-period": "page-period",
    "page-indicators": "page-indicators",
    "page-contributions": "page-contributions",
    "page-whole": "page-whole-all",
    "page-actions-of-portfolio": "page-actions-of-portfolio",
}
# ... and over any store: a portfolio's actions (its page lists every plan's) asked once per role for
# all portfolios; each asked alone scans every plan's actions (pyoxigraph applies the bindings after
# evaluating the query), so their pages cost portfolios × plans. The same rows in the same order.
_ALWAYS_FOR_ALL = frozenset({"page-actions-of-portfolio"})
_LIST_ITEM = re.compile(r"^(?:- |(\d+)\. )(.*)$")
_SEPARATOR = re.compile(r"[#/]")  # before an IRI's local name (compiled once: every page asks)
# the terms every page asks for, looked up once (a namespace's attribute is a method call each time)
_LABELS = (SKOS.prefLabel, DCTERMS.title, RDFS.label)
_NAMES = (SKOS.notation, BP.omschrijving)
_NOTATION, _DESCRIPTION, _TYPE = SKOS.notation, DCTERMS.description, RDF.type


class Text(str):
    """A literal's text that keeps its language tag, so that a page can mark text not in Dutch (lang)."""

    lang: str = ""

    @classmethod
    def of(cls, node: Node) -> Text:
        made = cls(str(node))
        made.lang = (node.language or "") if isinstance(node, Literal) else ""
        return made


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    note: str = ""  # e.g. the notation or a period, shown next to the label
    plan: str = ""  # the title of the plan it belongs to, where a page groups links by plan


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph" or "list"
    text: str = ""
    items: tuple[str, ...] = ()
    ordered: bool = False


@dataclass(frozen=True)
class Row:
    """One property of a resource with its values, for the generic table of a page."""

    name: str
    iri: str
    values: tuple[Link | str, ...]


Sections = Mapping[str, object]


@dataclass(frozen=True)
class Page:
    """What a resource's page shows; made whole by `Views.page` (a variant: `with_sections`)."""

    iri: str
    path: str  # e.g. actie/hgkbp-2025-2029/12
    kind: str  # local name of the main class, e.g. "Actie"; "Resource" if none known
    kind_label: str
    title: str
    notation: str | None
    breadcrumbs: tuple[Link, ...] = ()
    sections: Sections = field(default_factory=lambda: MappingProxyType({}))  # read-only
    rows: tuple[Row, ...] = ()
    incoming: tuple[Row, ...] = ()

    def with_sections(self, sections: Sections, **changes: str) -> Page:
        """This page with more sections (and other fields changed): a new page, this one unchanged."""
        return self.but(sections=MappingProxyType({**self.sections, **sections}), **changes)

    def but(self, **changes: object) -> Page:
        """This page with these fields changed (`dataclasses.replace` without its checks and its
        `__init__`: a past version's pages are made so, ~700 per plan)."""
        unknown = changes.keys() - self.__dict__.keys()
        if unknown:
            raise TypeError(f"Page has no field {sorted(unknown)}")
        made = object.__new__(Page)
        made.__dict__.update(self.__dict__, **changes)
        return made


class Labels:
    """Dutch names of classes and properties: the vocabulary's labels, then the profile's sh:name."""

    def __init__(self, vocabulary: Graph, shapes: Graph) -> None:
        self.names: dict[str, str] = {}
        for shape in shapes.subjects(SH.path, None):
            name = shapes.value(shape, SH.name)
            path = shapes.value(shape, SH.path)
            if isinstance(path, URIRef) and name is not None:
                self.names.setdefault(str(path), str(name))
        for term in vocabulary.subjects(RDFS.label, None):
            for label in vocabulary.objects(term, RDFS.label):
                if isinstance(label, Literal) and label.language == "nl":
                    self.names[str(term)] = str(label)
        self.names.setdefault(str(RDF.type), "soort")

    def name(self, iri: str) -> str:
        return self.names.get(iri) or _SEPARATOR.split(iri.rstrip("/#"))[-1]


def natural(value: Link | str) -> tuple:
    """Sort 'HD 2' before 'HD 10' and 'Actie 9' before 'Actie 12': numbers compare as numbers."""
    text = f"{value.note} {value.label}" if isinstance(value, Link) else value
    parts = _natural_parts(text)
    # equal labels: by address, on any store; then by the text as written ("Sociale economie" and
    # "Sociale Economie" fold alike), so that two builds give the same page
    return (parts, value.href if isinstance(value, Link) else "", text)


@lru_cache(maxsize=1 << 14)
def _natural_parts(text: str) -> tuple:
    """The text's runs of digits as numbers, the rest folded (the same labels are sorted on many pages)."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text))


def text_blocks(text: str) -> list[Block]:
    """The description text (paragraphs apart by a blank line, list items `- `/`1. `) as blocks."""
    blocks = []
    for chunk in (c for c in text.split("\n\n") if c.strip()):
        lines = chunk.split("\n")
        matches = [_LIST_ITEM.match(line) for line in lines]
        if all(matches):
            items = tuple(m[2] for m in matches if m)
            blocks.append(Block("list", items=items, ordered=bool(matches[0] and matches[0][1])))
        else:
            blocks.append(Block("paragraph", text=" ".join(lines)))
    return blocks


class Views:
    """Builds the page of each resource from the store; one instance per loaded dataset."""

    def __init__(
        self,
        store: Store,
        base: str,
        labels: Labels,
        today: dt.date,
        plans: dict[str, str] | None = None,
        built: dict[str, tuple[str, str]] | None = None,
        batch: bool = False,
    ) -> None:
        self.store = store
        self.base = base
        self.labels = labels
        self.today = today
        self.plans = plans or {}  # slug -> title of the built plans
        # A store that holds one plan's graph cannot see another built plan's owl:sameAs: register
        # plan IRI -> (built plan IRI, title), for the plans this store does not hold.
        self.built = built or {}
        self._asked: dict[tuple, list[dict[str, Node]]] = {}  # query and bindings -> rows (_select)
        self.batch = batch
        self._for_all: dict[tuple, dict[Node, list[dict[str, Node]]]] = {}  # query, other bindings -> rows by ?this

    def _select(self, name: str, bindings: dict[str, Node]) -> list[dict[str, Node]]:
        """The rows of the query `render/queries/{name}.rq` with these bindings; those of the small
        queries many pages ask alike (every action's page the chain of goals above it, the holders of the
        same few portfolios) asked once, as the store does not change while its pages are made. Not to
        be changed by the caller. With `batch` (a store of one plan: the answers for all its things are
        small), the queries asked of every action or goal are asked once for all of them."""
        if (self.batch or name in _ALWAYS_FOR_ALL) and name in _ASKED_FOR_ALL:
            rest = {key: value for key, value in bindings.items() if key != "this"}
            asked = (name, *sorted(rest.items()))
            groups = self._for_all.get(asked)
            if groups is None:
                groups = self._for_all[asked] = {}
                for row in self.store.select(query(_ASKED_FOR_ALL[name]), rest):
                    groups.setdefault(row["this"], []).append(row)
            found = groups.get(bindings["this"], [])
            if len(found) < 2 or _ASKED_FOR_ALL[name] == name:
                return found
        if name not in _ASKED_ONCE:
            return self.store.select(query(name), bindings)
        key = (name, *sorted(bindings.items()))
        found = self._asked.get(key)
        if found is None:
            found = self._asked[key] = self.store.select(query(name), bindings)
        return found

    # --- links and labels -------------------------------------------------------------------

    def href(self, iri: str) -> str:
        return iris.doc_href(iri, self.base)

    @staticmethod
    def label(graph: Described, node: Node) -> str:
        return _label(_about(graph, node), node)

    def link(self, graph: Described, node: Node) -> Link | str:
        if isinstance(node, URIRef):
            about = _about(graph, node)  # what the graph says of it, read once for its label and notation
            notations = about.get(_NOTATION)
            notation = notations[0] if notations else None
            return Link(_label(about, node), self.href(str(node)), str(notation) if _truthy(notation) else "")
        return Text.of(node)

    def _links(self, rows: list[dict[str, Node]], key: str = "x", label: str = "label", note: str = "") -> list[Link]:
        return [
            Link(str(r.get(label, r[key])), self.href(str(r[key])), str(r.get(note, "")) if note else "") for r in rows
        ]

    # --- the page ---------------------------------------------------------------------------

    def page(self, iri: str, graph: Described, specific: bool = True) -> Page:
        """The page of a resource from its description; `specific` adds what its kind shows (from the
        store: lists, roles, breadcrumbs), which a past version's page must not take from today's data."""
        node = URIRef(iri)
        about = _about(graph, node)  # what the graph says of it, read once
        kinds = sorted(t for t in about.get(_TYPE, ()) if isinstance(t, URIRef))  # the same on any store
        ours = [t for t in kinds if str(t).startswith(str(BP))]
        main = ours[0] if ours else (kinds[0] if kinds else None)
        kind = _SEPARATOR.split(str(main))[-1] if main is not None else "Resource"
        notation = about[_NOTATION][0] if _NOTATION in about else None
        name = self.labels.name
        rows = []
        for label, prop in sorted([(name(str(p)), p) for p in {p for p in graph.predicates(node, None)}], key=_first):
            values = [self.link(graph, o) for o in about[prop]]
            if len(values) > 1:  # most properties have one value: nothing to sort
                values.sort(key=natural)
            rows.append(Row(label, str(prop), tuple(values)))
        incoming = []
        for label, prop in sorted(
            [(name(str(p)), p) for p in {p for s, p in graph.subject_predicates(node)}], key=_first
        ):
            subjects = [self.link(graph, s) for s in graph.subjects(prop, node)]
            if len(subjects) > 1:
                subjects.sort(key=natural)
            incoming.append(Row(label, str(prop), tuple(subjects)))
        sections: dict[str, object] = {}
        description = about[_DESCRIPTION][0] if _DESCRIPTION in about else None
        if description is not None:
            sections["description"] = text_blocks(str(description))
        breadcrumbs: tuple[Link, ...] = ()
        if specific:
            breadcrumbs = tuple(self._breadcrumbs(node))
            build = getattr(self, f"_{kind}", None)
            if build is not None:
                sections.update(build(node, graph))
        return Page(
            iri=iri,
            path=iris.path_of(iri, self.base) or iri,
            kind=kind,
            kind_label=self.labels.name(str(main)) if main is not None else "Bron",
            title=_label(about, node),
            notation=str(notation) if _truthy(notation) else None,
            breadcrumbs=breadcrumbs,
            sections=MappingProxyType(sections),
            rows=tuple(rows),
            incoming=tuple(incoming),
        )

    def _breadcrumbs(self, node: URIRef) -> list[Link]:
        """The chain of wholes the resource is part of (plan → HD → OD), top first."""
        trail: list[Link] = []
        current = node
        for _depth in range(8):  # plans are shallow; a cycle in bad data must not loop forever
            rows = self._select("page-whole", {"this": current})
            if not rows:
                break
            row = rows[0]
            trail.insert(0, Link(str(row["t"]), self.href(str(row["x"])), str(row.get("n", ""))))
            current = row["x"]  # type: ignore[assignment]
        return trail

    def _holders(self, portfolio: URIRef) -> list[Link]:
        day = Literal(f"{self.today.isoformat()}T00:00:00", datatype=XSD.dateTime)
        rows = self._select("page-holders", {"portfolio": portfolio, "day": day})
        return self._links(rows)

    def _portfolio_links(self, graph: Described, node: URIRef, prop: URIRef) -> list[tuple[Link, list[Link]]]:
        found = []
        for portfolio in sorted(graph.objects(node, prop), key=lambda p: self.label(graph, p)):
            link = Link(self.label(graph, portfolio), self.href(str(portfolio)))
            found.append((link, self._holders(portfolio)))
        return found

    def _actions_of(self, prop: URIRef, node: URIRef, *, via_mandate: bool = False) -> list[Link]:
        """Actions whose `prop` is the portfolio `node`, or one of the portfolios the mandate `node` holds."""
        name = "page-actions-of-mandate" if via_mandate else "page-actions-of-portfolio"
        rows = self._select(name, {"this": node, "prop": prop})
        return [dataclasses.replace(link, plan=self._plan_title(link.href)) for link in self._links(rows, note="n")]

    def _plan_title(self, href: str) -> str:
        """The title of the built plan a thing's page belongs to (`/doc/actie/{plan}/12`)."""
        parts = href.split("/")
        return self.plans.get(parts[3], parts[3]) if len(parts) > 3 else ""

    # --- kind-specific sections (method name = class local name) ----------------------------

    def _Actie(self, node: URIRef, graph: Described) -> Sections:
        sections: dict[str, object] = {}
        sections["responsible"] = self._portfolio_links(graph, node, BP.verantwoordelijke)
        sections["collaborators"] = self._portfolio_links(graph, node, BP.samenwerkingMet)
        sections["partners"] = sorted(str(o) for o in graph.objects(node, BP.overigePartner))
        rows = self._select("page-period", {"this": node})
        sections["timeline"] = {k: str(v) for k, v in rows[0].items()} if rows else None
        indicators = self._select("page-indicators", {"this": node})
        sections["indicators"] = [str(r["text"]) for r in indicators]
        sections["see_also"] = sorted(str(o) for o in graph.objects(node, RDFS.seeAlso))
        sections["citations"] = sorted(str(o) for o in graph.objects(node, DCTERMS.bibliographicCitation))
        related = [self.link(graph, o) for o in graph.objects(node, BP.wordtUitgewerktIn)]
        related += [self.link(graph, s) for s in graph.subjects(BP.wordtUitgewerktIn, node)]
        sections["related"] = related
        return sections

    def _children(self, node: URIRef, prop: URIRef) -> list[Link]:
        rows = self._select("page-children", {"this": node, "prop": prop})
        return self._links(rows, note="n")

    def _HorizontaleDoelstelling(self, node: URIRef, graph: Described) -> Sections:
        return {
            "children": [
                (od, self._children(URIRef(self._iri(od.href)), BP.heeftActie))
                for od in self._children(node, BP.heeftOperationeleDoelstelling)
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
        return {"actions": self._children(node, BP.heeftActie)}

    def _Beleidsplan(self, node: URIRef, graph: Described) -> Sections:
        return {
            "principles": sorted(str(o) for o in graph.objects(node, BP.leidendPrincipe)),
            "goals": [
                (goal, self._children(URIRef(self._iri(goal.href)), BP.heeftOperationeleDoelstelling))
                for goal in self._children(node, BP.heeftDoelstelling)
            ],
            "complementary": self._plans(graph, node, BP.isComplementairAan),
        }

    def _Bevoegdheid(self, node: URIRef, graph: Described) -> Sections:
        mandates = self._select("page-mandates", {"this": node})
        return {
            "holders_now": self._holders(node),
            "lead": self._actions_of(BP.verantwoordelijke, node),
            "partner": self._actions_of(BP.samenwerkingMet, node),
            "mandates": [Link(str(r["label"]), self.href(str(r["x"])), _period(r)) for r in mandates],
        }

    def _Mandataris(self, node: URIRef, graph: Described) -> Sections:
        start, end = graph.value(node, MANDAAT.start), graph.value(node, MANDAAT.einde)
        return {
            "portfolios": sorted((self.link(graph, o) for o in graph.objects(node, BP.heeftBevoegdheid)), key=natural),
            "lead": self._actions_of(BP.verantwoordelijke, node, via_mandate=True),
            "partner": self._actions_of(BP.samenwerkingMet, node, via_mandate=True),
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


def _about(graph: Described, node: Node) -> dict[Node, list[Node]]:
    """What `graph` says of `node`: its values by property, each in the order `graph.objects` gives."""
    about: dict[Node, list[Node]] = {}
    for prop, value in graph.predicate_objects(node):
        found = about.get(prop)
        if found is None:
            about[prop] = [value]
        else:
            found.append(value)
    return about


def _label(about: dict[Node, list[Node]], node: Node) -> str:
    """A thing's label (`Views.label`) from what is said of it (`_about`)."""
    for prop in _LABELS:
        values = about.get(prop)
        if values:
            for value in values:
                if isinstance(value, Literal) and value.language == "nl":
                    return str(value)
            return Text.of(values[0])
    for prop in _NAMES:
        values = about.get(prop)
        if values:
            return str(values[0])
    return str(node)


def _first(pair: tuple) -> object:
    return pair[0]


def _truthy(node: Node | None) -> bool:
    """`bool(node)` as rdflib answers it, without its cost for a literal with no datatype (its text)."""
    if type(node) is Literal and node.datatype is None:
        return len(node) > 0
    return bool(node)


def _period(row: dict[str, Node | None]) -> str:
    start = str(row.get("start") or "")[:10]
    end = row.get("end")
    if end is None:
        return f"sinds {start}"
    last = dt.date.fromisoformat(str(end)[:10]) - dt.timedelta(days=1)  # einde is exclusive
    return f"{start} tot en met {last.isoformat()}"
