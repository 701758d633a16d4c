"""View models of the resource pages: what a page shows, read from the store, no HTML here.

Every label comes from the data (titles, prefLabels, names) or from the vocabulary and the
application profile (Dutch property names), never from a raw IRI when a label exists. What a page
is made of (links, rows, the page itself, the Dutch names): `render.page_model`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache
from operator import itemgetter
from types import MappingProxyType

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from hgkbp_ld import iris
from hgkbp_ld.iris import BP
from hgkbp_ld.render.kind_sections import KindSections
from hgkbp_ld.render.page_model import (
    SEPARATOR,
    Block,
    Labels,
    Link,
    Page,
    Row,
    Sections,
    Text,
    natural,
    new_link,
    new_row,
    text_blocks,
)
from hgkbp_ld.render.queries import query
from hgkbp_ld.store import Store
from hgkbp_ld.store.base import iri_term
from hgkbp_ld.triples import Described, Triples
from hgkbp_ld.web.action_index import ActionIndex
from hgkbp_ld.web.action_index import Row as ActionRow

__all__ = ["Block", "Labels", "Link", "Page", "Row", "Sections", "Text", "Views", "natural", "text_blocks"]

_ASKED_ONCE = frozenset({"page-whole", "page-holders", "page-built-plan"})  # small answers, asked by many pages
# asked of every action or goal: over one plan's store, asked once for all (its key, ?this or another,
# unbound) and split by the key: name -> (the query for all, the key, whether a key's several rows are
# taken). A query that answers one row (LIMIT 1) has its own query for all, and one whose order of ties
# is its own (page-holders: ORDER BY ?label) is asked itself where the key has several rows
_ASKED_FOR_ALL = {
    "page-children": ("page-children", "this", True),
    "page-period": ("page-period", "this", True),
    "page-indicators": ("page-indicators", "this", True),
    "page-contributions": ("page-contributions", "this", True),
    "page-whole": ("page-whole-all", "this", False),
    "page-actions-of-portfolio": ("page-actions-of-portfolio", "this", True),
    "page-holders": ("page-holders", "portfolio", False),  # an action's page asks for each of its portfolios
}
# ... and over any store: a portfolio's actions (its page lists every plan's) asked once per role for
# all portfolios; each asked alone scans every plan's actions (pyoxigraph applies the bindings after
# evaluating the query), so their pages cost portfolios × plans. The same rows in the same order.
_ALWAYS_FOR_ALL = frozenset({"page-actions-of-portfolio"})
# the terms every page asks for, looked up once (a namespace's attribute is a method call each time), as
# the objects the store's terms are (`iri_term`): a dictionary finds those without rdflib's `__eq__`
_LABELS = tuple(iri_term(t) for t in (SKOS.prefLabel, DCTERMS.title, RDFS.label))
_NAMES = tuple(iri_term(t) for t in (SKOS.notation, BP.omschrijving))
_NOTATION, _DESCRIPTION, _TYPE = (iri_term(t) for t in (SKOS.notation, DCTERMS.description, RDF.type))
_BP = str(BP)
_NAME_CACHE = 4096  # predicates whose Dutch name a `Views` keeps (a plan's pages name some fifty)


class Views(KindSections):
    """Builds the page of each resource from the store; one instance per loaded dataset. What a page of
    each kind shows besides its table: `render.kind_sections`."""

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
        self._things = iris.thing(base, "")  # the prefix of this site's things' IRIs (href)
        self.labels = labels
        self.today = today
        self.plans = plans or {}  # slug -> title of the built plans
        # A store that holds one plan's graph cannot see another built plan's owl:sameAs: register
        # plan IRI -> (built plan IRI, title), for the plans this store does not hold.
        self.built = built or {}
        self._asked: dict[tuple, list[dict[str, Node]]] = {}  # query and bindings -> rows (_select)
        self.batch = batch
        self._for_all: dict[tuple, dict[Node, list[dict[str, Node]]]] = {}  # query, other bindings -> rows by ?this
        self._names: dict[Node, str] = {}  # property -> its Dutch name (`_name`)
        self._kinds: dict[tuple[Node, ...], tuple[str, str, Node | None]] = {}  # classes -> kind (`_kind`)
        self._held: dict[tuple, list[dict[str, Node]]] = {}  # (role, portfolios) -> a mandate's rows (`_held_rows`)
        self.actions: ActionIndex | None = None  # every action's row (`render.actions`), where the store has them
        self._numbered: dict[str, ActionRow] | None = None  # its rows by IRI (`_indexed_actions`)
        self._day = Literal(f"{today.isoformat()}T00:00:00", datatype=XSD.dateTime)  # who holds a portfolio today

    def _select(self, name: str, bindings: dict[str, Node]) -> list[dict[str, Node]]:
        """The rows of the query `render/queries/{name}.rq` with these bindings; those of the small
        queries many pages ask alike (every action's page the chain of goals above it, the holders of the
        same few portfolios) asked once, as the store does not change while its pages are made. Not to
        be changed by the caller. With `batch` (a store of one plan: the answers for all its things are
        small), the queries asked of every action or goal are asked once for all of them."""
        if (self.batch or name in _ALWAYS_FOR_ALL) and name in _ASKED_FOR_ALL:
            for_all, key, several = _ASKED_FOR_ALL[name]
            if len(bindings) == 1 and key in bindings:  # most: the key alone (no list of the others made)
                rest: list[tuple[str, Node]] = []
                asked: tuple = (name,)
            else:
                rest = [item for item in bindings.items() if item[0] != key]
                if len(rest) > 1:
                    rest.sort()
                asked = (name, *rest)
            groups = self._for_all.get(asked)
            if groups is None:
                groups = self._for_all[asked] = {}
                for row in self.store.select(query(for_all), dict(rest)):
                    groups.setdefault(row[key], []).append(row)
            found = groups.get(bindings[key], [])
            if len(found) < 2 or several:
                return found
        if name not in _ASKED_ONCE:
            return self.store.select(query(name), bindings)
        key = (name, *bindings.items())  # the bindings in the caller's order: the same rows, asked once per order
        found = self._asked.get(key)
        if found is None:
            found = self._asked[key] = self.store.select(query(name), bindings)
        return found

    # --- links and labels -------------------------------------------------------------------

    def href(self, iri: str) -> str:
        """`iris.doc_href` (a thing's document here, another IRI itself), its prefix made once."""
        prefix = self._things
        return f"/doc/{iri[len(prefix) :]}" if iri.startswith(prefix) else iri

    @staticmethod
    def label(graph: Described, node: Node) -> str:
        return _label(_about(graph, node), node)

    def link(self, graph: Described, node: Node) -> Link | str:
        """A value as a page shows it: an IRI as a link with its label and notation from what `graph` says
        of it, a literal as its `Text`. (Nine a page: `_about` and `_truthy` written in.)"""
        kind = type(node)  # (a literal: `isinstance` of an rdflib term, an ABC, is Python code when it is not one)
        if kind is URIRef or (kind is not Literal and isinstance(node, URIRef)):
            # what the graph says of it, read once for its label and notation
            about = graph.about(node) if type(graph) is Triples else _about(graph, node)
            iri = str(node)
            href = self.href(iri)
            if not about:  # nothing said of it (a class, another site's thing): its IRI is its label
                return new_link(iri, href, "")
            notations = about.get(_NOTATION)
            if not notations:
                return new_link(_label(about, node), href, "")
            notation = next(iter(notations))
            return new_link(_label(about, node), href, str(notation) if _truthy(notation) else "")
        if kind is Literal:  # `Text.of`, written in
            text = _text(Text, node)
            text.lang = node.language or ""
            return text
        return Text.of(node)

    def _links(self, rows: list[dict[str, Node]], key: str = "x", label: str = "label", note: str = "") -> list[Link]:
        return [
            new_link(str(r.get(label, r[key])), self.href(str(r[key])), str(r.get(note, "")) if note else "")
            for r in rows
        ]

    def _name(self, prop: Node) -> str:
        """`Labels.name` of a property, kept by term (every page names the same few)."""
        found = self._names.get(prop)
        if found is None:
            if len(self._names) >= _NAME_CACHE:
                self._names.clear()
            found = self._names[prop] = self.labels.name(str(prop))
        return found

    def _kind(self, types: Iterable[Node]) -> tuple[str, str, Node | None]:
        """A resource's kind (the local name of its main class), its Dutch name and the class; kept
        for the same classes in the same order (most pages have one)."""
        key = tuple(types)
        found = self._kinds.get(key)
        if found is None:
            if len(self._kinds) >= _NAME_CACHE:
                self._kinds.clear()
            found = self._kinds[key] = self._kind_of(key)
        return found

    def _kind_of(self, types: Iterable[Node]) -> tuple[str, str, Node | None]:
        kinds = sorted(t for t in types if isinstance(t, URIRef))  # the same on any store
        ours = [t for t in kinds if t.startswith(_BP)]
        main = ours[0] if ours else (kinds[0] if kinds else None)
        if main is None:
            return "Resource", "Bron", None
        return SEPARATOR.split(str(main))[-1], self.labels.name(str(main)), main

    def _rows(self, graph: Described, by_property: Iterable[tuple[str, Node, Iterable[Node]]]) -> tuple[Row, ...]:
        """The rows of a page's table: per property (by its name) its values as links, in natural order."""
        rows = []
        link = self.link
        for label, prop, nodes in sorted(by_property, key=_first):
            values = [link(graph, o) for o in nodes]
            if len(values) > 1:  # most properties have one value: nothing to sort
                values.sort(key=natural)
            rows.append(new_row(label, str(prop), tuple(values)))
        return tuple(rows)

    # --- the page ---------------------------------------------------------------------------

    def page(self, iri: str, graph: Described, specific: bool = True, more: Sections | None = None) -> Page:
        """The page of a resource from its description; `specific` adds what its kind shows (from the
        store: lists, roles, breadcrumbs), which a past version's page must not take from today's data;
        `more`: sections added after those (a current page's history: `Page.with_sections` without a copy)."""
        node = iri_term(iri)
        about = graph.about(node) if type(graph) is Triples else _about(graph, node)  # what it says of it, read once
        kind, kind_label, _main = self._kind(about.get(_TYPE, ()))
        notations = about.get(_NOTATION)
        notation = next(iter(notations), None) if notations else None  # (`_one`, written in)
        names, name = self._names, self._name  # (`_name`: a property's kept name read without its call)
        rows = self._rows(graph, [(names.get(p) or name(p), p, values) for p, values in about.items()])
        pointing = _pointing(graph, node).items()
        incoming = self._rows(graph, [(names.get(p) or name(p), p, subjects) for p, subjects in pointing])
        sections: dict[str, object] = {}
        description = _one(about.get(_DESCRIPTION))
        if description is not None:
            sections["description"] = list(_blocks(str(description)))
        breadcrumbs: tuple[Link, ...] = ()
        if specific:
            breadcrumbs = tuple(self._breadcrumbs(node))
            build = getattr(self, f"_{kind}", None)
            if build is not None:
                sections.update(build(node, graph))
        if more:
            sections.update(more)
        prefix = self._things  # `iris.path_of(iri, self.base) or iri`, its prefix made once
        path = iri[len(prefix) :] if iri.startswith(prefix) else iri
        made = _new(Page)  # `Page(...)` without its frozen `__init__`: the same object
        made.__dict__.update(
            iri=iri,
            path=path or iri,
            kind=kind,
            kind_label=kind_label,
            title=_label(about, node),
            notation=str(notation) if _truthy(notation) else None,
            breadcrumbs=breadcrumbs,
            sections=MappingProxyType(sections),
            rows=rows,
            incoming=incoming,
        )
        return made

    def _breadcrumbs(self, node: URIRef) -> list[Link]:
        """The chain of wholes the resource is part of (plan → HD → OD), top first."""
        trail: list[Link] = []
        current = node
        for _depth in range(8):  # plans are shallow; a cycle in bad data must not loop forever
            rows = self._select("page-whole", {"this": current})
            if not rows:
                break
            row = rows[0]
            trail.insert(0, new_link(str(row["t"]), self.href(str(row["x"])), str(row.get("n", ""))))
            current = row["x"]  # type: ignore[assignment]
        return trail


def _about(graph: Described, node: Node) -> Mapping[Node, Iterable[Node]]:
    """What `graph` says of `node`: its values by property, each in the order `graph.objects` gives
    (of `Triples`, its own index: not to be changed)."""
    if type(graph) is Triples:
        return graph.about(node)
    about: dict[Node, list[Node]] = {}
    for _node, prop, value in graph.triples((node, None, None)):
        found = about.get(prop)
        if found is None:
            about[prop] = [value]
        else:
            found.append(value)
    return about


def _pointing(graph: Described, node: Node) -> dict[Node, Iterable[Node]]:
    """The properties of the statements whose object is `node`, each once (in the order of the first), with
    their subjects. Of `Triples`, read from one answer (`said_of`): a property's subjects in the order of
    their first statement with `node` (`graph.subjects(p, node)` gives them in the order of their
    statements with `p`: where a property has several, `Views._rows` sorts them by their distinct
    addresses, so the page is the same; each asked of the graph was a scan of it per property)."""
    if type(graph) is Triples:
        found: dict[Node, list[Node]] = {}
        for subject, props in graph.said_of(node).items():
            for prop in props:
                subjects = found.get(prop)
                if subjects is None:
                    found[prop] = [subject]
                else:
                    subjects.append(subject)
        return found  # type: ignore[return-value]
    return {prop: graph.subjects(prop, node) for _subject, prop in graph.subject_predicates(node)}


def _one(values: Iterable[Node] | None) -> Node | None:
    """The first of some values (None if none)."""
    return next(iter(values), None) if values else None


@lru_cache(maxsize=1 << 10)
def _blocks(text: str) -> tuple[Block, ...]:
    """`text_blocks`, kept for the texts asked last (a past version's page shows the text of today's)."""
    return tuple(text_blocks(text))


def _label(about: Mapping[Node, Iterable[Node]], node: Node) -> str:
    """A thing's label (`Views.label`) from what is said of it (`_about`)."""
    for prop in _LABELS:
        values = about.get(prop)
        if values:
            for value in values:
                if isinstance(value, Literal) and value.language == "nl":
                    return str(value)
            return Text.of(next(iter(values)))
    for prop in _NAMES:
        values = about.get(prop)
        if values:
            return str(next(iter(values)))
    return str(node)


_first = itemgetter(0)  # a pair's first (a sort's key in C: no Python call per item)


_new = object.__new__
_text = str.__new__


def _truthy(node: Node | None) -> bool:
    """`bool(node)` as rdflib answers it, without its cost for a literal with no datatype (its text)."""
    if type(node) is Literal and node.datatype is None:
        return len(node) > 0
    return bool(node)
