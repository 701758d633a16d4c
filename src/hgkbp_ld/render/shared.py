"""The pages of what plans share, rendered again only when what they show changed (issue 18).

A portfolio's, a minister's or a person's page (and those of the plans of the register, the
catalogue's things) lists what every plan says of it: the actions it leads, their titles, periods
and goals. Rendering them all again after one plan changed cost most of an incremental build. So
each such page has a *key*, the hash of every input it is made from, and a page whose key is the
last build's is taken from the last build (its bytes written again, so hard links with the same
times and ETags: `published.Writer`), not rendered.

The key is made of:

- what every plan's graph says around the thing (`contributions`, computed by the plan's worker
  and kept in its fragment, so an unchanged plan's is taken from the last build): every statement
  of the thing and about it, of the things it names and that name it, of the portfolios a mandate
  holds and the actions that name them, of what those actions name but portfolios (period, goal,
  the action an action is worked out in) and of the goal above an operational goal, of a mandate's
  person, of the built plan a plan of the register is and of a thing's whole; of a numbered thing
  (an action, a goal) only what a shared page shows of it (number, title, notation, period, whole),
  not its description: a new sentence in an action renders no shared page again. That is a superset of
  what the page's queries read (`render.views`: its description with the labels around it, the
  actions of a portfolio or of a mandate's portfolios, the holders, the mandates, the pictures'
  rows), so a change a page shows changes its key; a change it does not show may too (a page is
  then rendered again and comes out the same);
- the same of the catalogue's graph (`contributions` of it, in the last stage); the vocabulary is the software's;
- the thing's versions in every plan (its history section), its schema.org description if it has
  one, and what every shared page shows of the whole build (`site_key`): the software (code,
  templates, vocabulary), the base, where the day stands against the mandates (`incremental.in_force`,
  which decides who holds a portfolio "now"), the plans as the menu and footer list them, and the
  plans' provenance where a shared page shows it (a site of one plan; with several, a shared page
  names the plans and each plan's own pages say where it comes from).

A thing of one plan that another plan names (a plan named as the related plan of another's goal) is
rendered by the last stage from the whole dataset each time: such things are few.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from hgkbp_ld import iris
from hgkbp_ld.iris import BP, MANDAAT
from hgkbp_ld.published import CACHE, file_name
from hgkbp_ld.rdfio import n3_once
from hgkbp_ld.render.history import Entry
from hgkbp_ld.render.pages import Pages
from hgkbp_ld.render.plans import owner
from hgkbp_ld.render.queries import query
from hgkbp_ld.store import Store
from hgkbp_ld.triples import Triples
from hgkbp_ld.web.conneg import RESOURCE_FORMATS

# A thing's page shows the portfolios it names itself, not those of the actions around it
_TO_PORTFOLIO = frozenset({BP.verantwoordelijke, BP.samenwerkingMet, BP.heeftBevoegdheid})
# What a page reads two steps away from the thing, beyond the actions: a mandate's person (the holders
# of a portfolio), the built plan a plan of the register is (a plan's complementary plans), a whole
_FOLLOWED = frozenset({MANDAAT.isBestuurlijkeAliasVan, OWL.sameAs, BP.isDeelVan})
# What a shared page shows of a numbered thing around it (an action it lists, the goal above, a goal
# that names a plan of the register): its number, title, notation, labels, kinds, its period, its
# whole, the action it is worked out in, its portfolios; not its description, indicators or notes
_NUMBERED_SHOWN = frozenset(
    {
        RDF.type,
        BP.volgnummer,
        DCTERMS.title,
        SKOS.notation,
        SKOS.prefLabel,
        RDFS.label,
        BP.omschrijving,
        BP.isDeelVan,
        DCTERMS.temporal,
        BP.wordtUitgewerktIn,
        BP.verantwoordelijke,
        BP.samenwerkingMet,
    }
)
RECORDS = "shared.json"  # in dist/build-cache/: each shared page's key, for the next build
# a page's formats in the order `render.pages.rendered_bodies` makes them (the RDF first, then the HTML): the
# order they are written in, and so of the bytes in the site's pack
_MEDIA = {f.extension: f.media_type for f in (*RESOURCE_FORMATS[1:], RESOURCE_FORMATS[0])}


def _framed(parts: Iterable[str]) -> bytes:
    """What `_digest` hashes: each part's length (8 bytes) and its UTF-8."""
    data = []
    for part in parts:
        encoded = part.encode("utf-8")
        data.append(len(encoded).to_bytes(8, "big"))
        data.append(encoded)
    return b"".join(data)


def _digest(parts: Iterable[str]) -> str:
    """The parts' SHA-256 (`_framed`), its first 32 hex digits."""
    return hashlib.sha256(_framed(parts)).hexdigest()[:32]


def graph_of(store: Store, graph: str) -> Graph:
    """The statements of one named graph of `store`, as an rdflib graph."""
    return store.construct(query("graph-triples"), {"g": URIRef(graph)})


class _Around:
    """Digests of what a graph says around each of its things. The graph is read once into its terms'
    N3 (each term written once: rdflib checks an IRI each time it writes one), by subject and by
    object: the sets and lookups that follow compare plain strings, not rdflib terms (whose equality
    and a literal's hash are Python code), and each node's digest is made once. A term's N3 names it
    as the term's equality does (its kind, lexical form, datatype, language), so the sets hold the same
    nodes as sets of the terms would. What a thing's digest follows from a node (the actions that name
    it, what an action or a node leads to) is looked up once a node too: a portfolio, a period or a
    goal is around many things.

    Of a `Triples` (a plan's graph), a literal object is kept as it is and written as N3 only where a
    digest reads it (`_o3`): half of a plan's literals never are (an action's description, an indicator's:
    a numbered thing's digest leaves them out), and they are its longest texts. Nor is it indexed by
    object: what names a literal is asked only of a literal held as a portfolio (`_listed`), then read."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.n3 = n3 = n3_once()
        said: dict[str, list[tuple[str, str]]] = {}  # subject -> (predicate, object), as N3 (a `Literal`: `_o3`)
        named_by: dict[str, list[tuple[str, str]]] = {}  # object -> (subject, predicate); no literal of a `Triples`
        self._literals: dict[int, str] = {}  # a literal object kept in `said` (by its identity: held) -> its N3
        self._lazy = type(graph) is Triples
        if self._lazy:  # its index read as it is (no statement made a tuple)
            for s, by_predicate in graph.said():  # type: ignore[attr-defined]
                s3 = n3(s)
                pairs = said.setdefault(s3, [])
                for p, objects in by_predicate.items():
                    p3 = n3(p)
                    for o in objects:
                        if type(o) is Literal:
                            pairs.append((p3, o))
                            continue
                        o3 = n3(o)
                        pairs.append((p3, o3))
                        found = named_by.get(o3)
                        if found is None:
                            named_by[o3] = [(s3, p3)]
                        else:
                            found.append((s3, p3))
        else:
            s3 = p3 = ""
            last_s = last_p = None
            for s, p, o in graph:  # a subject's statements come together, a predicate's objects too: each N3 once
                if s is not last_s:
                    last_s, s3 = s, n3(s)
                    pairs = said.setdefault(s3, [])
                if p is not last_p:
                    last_p, p3 = p, n3(p)
                o3 = n3(o)
                pairs.append((p3, o3))
                named_by.setdefault(o3, []).append((s3, p3))
        self.said, self.named_by = said, named_by
        self.numbered = {s3 for s3, pairs in said.items() if any(p3 == _NUMBER_N3 for p3, _o in pairs)}
        self._framed: dict[str, bytes] = {}  # node -> its digest as `_framed` frames it (`_out`)
        self._listing: dict[str, tuple[str, ...]] = {}  # node -> the numbered things that name it
        self._after: dict[str, tuple[str, ...]] = {}  # action -> what is followed from it (`_SECOND`)
        self._followed: dict[str, tuple[str, ...]] = {}  # node -> its `_FOLLOWED` objects
        self._wholes: dict[str, tuple[str, ...]] = {}  # node -> its wholes (`isDeelVan`)

    def _o3(self, o: str) -> str:
        """An object as `said` keeps it, as N3 (a `Literal` written once)."""
        if type(o) is str:
            return o
        found = self._literals.get(id(o))
        if found is None:
            found = self._literals[id(o)] = o.n3()  # type: ignore[attr-defined]
        return found

    def _out(self, node: str) -> bytes:
        """The digest of what the graph says of `node` (N3), as `_framed` frames it (its length, then its hex
        digits), made once; of a numbered thing (an action, a goal, an indicator), only what a shared page
        shows of it (`_NUMBERED_SHOWN`)."""
        found = self._framed.get(node)
        if found is None:
            pairs = self.said.get(node, ())
            o3 = self._o3
            if node in self.numbered:
                lines = sorted([f"{p} {o3(o)}" for p, o in pairs if p in _SHOWN])
            else:
                lines = sorted([f"{p} {o3(o)}" for p, o in pairs])
            found = self._framed[node] = _DIGEST_FRAME + _digest([node, *lines]).encode("ascii")
        return found

    def _objects(self, known: dict[str, tuple[str, ...]], node: str, predicates: frozenset[str]) -> tuple[str, ...]:
        """The objects of `node`'s statements of `predicates` (as N3), kept in `known`."""
        found = known.get(node)
        if found is None:
            o3 = self._o3
            found = known[node] = tuple([o3(o) for p, o in self.said.get(node, ()) if p in predicates])
        return found

    def _listed(self, node: str) -> tuple[str, ...]:
        """The numbered things that name `node` (the actions a page of it lists)."""
        found = self._listing.get(node)
        if found is None:
            numbered = self.numbered
            named_by = self.named_by.get(node, ()) if not (self._lazy and node[:1] == '"') else self._naming(node)
            found = self._listing[node] = tuple([s for s, _p in named_by if s in numbered])
        return found

    def _naming(self, literal: str) -> list[tuple[str, str]]:
        """(subject, predicate) of the statements whose object is `literal` (N3), in the graph's order: what
        `named_by` would hold of it."""
        o3 = self._o3
        return [
            (s3, p3) for s3, pairs in self.said.items() for p3, o in pairs if type(o) is not str and o3(o) == literal
        ]

    def thing(self, term: URIRef) -> str:
        node, said, none, o3 = self.n3(term), self.said, (), self._o3
        own = said.get(node, none)
        named_by = self.named_by.get(node, none)
        near = {node, *(o3(o) for _p, o in own), *(s for s, _p in named_by)}
        portfolios = {o3(o) for p, o in own if p == _HOLDS_N3}
        # the actions listed: what names it (or a portfolio it holds) and has a number
        actions = set(self._listed(node))
        for n in portfolios:
            actions.update(self._listed(n))
        objects, after, followed, wholes = self._objects, self._after, self._followed, self._wholes
        second: set[str] = set()  # (each node's objects kept: looked up here, made by `_objects` once)
        add, known = second.update, after.get
        for n in actions:
            found = known(n)
            add(objects(after, n, _SECOND_N3) if found is None else found)
        known = followed.get
        for n in near:
            found = known(n)
            add(objects(followed, n, _FOLLOWED_N3) if found is None else found)
        goals: set[str] = set()
        add, known = goals.update, wholes.get
        for n in second:
            found = known(n)
            add(objects(wholes, n, _PART_OF_ONLY) if found is None else found)
        nodes = near | portfolios | actions | second | goals
        incoming = sorted([f"{s} {p}" for s, p in named_by])
        n3 = self.n3  # the thing's own statements, all, in the terms' order (a literal's by its value)
        lazy = self._lazy  # (a literal of a `Triples` is held by it: `_o3` keeps its N3 by its identity)
        whole = "".join(
            [
                f"{n3(p)} {o3(o) if lazy and type(o) is Literal else n3(o)}"
                for p, o in sorted(self.graph.predicate_objects(term))
            ]
        )
        # the nodes' digests sorted as framed: each the same 8 bytes, then 32 hex digits (ASCII), so in
        # the order of the digests, and hashed as `_digest` hashes the digests themselves
        framed, out = self._framed.get, self._out
        outs = [framed(n) or out(n) for n in nodes]
        outs.sort()
        return hashlib.sha256(_framed([node, whole, *incoming]) + b"".join(outs)).hexdigest()[:32]


# looked up once, not at every statement
_NUMBER, _HOLDS, _PART_OF = BP.volgnummer, BP.heeftBevoegdheid, BP.isDeelVan
_SECOND = _NUMBERED_SHOWN - _TO_PORTFOLIO  # what is followed from an action listed, beyond its portfolios
# the same, as the N3 `_Around` compares
_SHOWN, _SECOND_N3, _FOLLOWED_N3 = (frozenset(p.n3() for p in found) for found in (_NUMBERED_SHOWN, _SECOND, _FOLLOWED))
_NUMBER_N3, _HOLDS_N3, _PART_OF_N3 = _NUMBER.n3(), _HOLDS.n3(), _PART_OF.n3()
_PART_OF_ONLY = frozenset({_PART_OF_N3})
_DIGEST_FRAME = (32).to_bytes(8, "big")  # a digest's frame in `_framed`: its length, 32 (hex digits)


def contributions(graph: Graph, base: str, owners: Iterable[str], named: Iterable[str] | None = None) -> dict[str, str]:
    """For each thing under `{base}/id/` that `graph` names and none of the plans `owners` owns: the
    digest of what the graph says around it (see the module's docstring). `named`: the IRIs under
    `{base}/id/` the graph names (subject or object), as the caller found them (`plan_facts`)."""
    owners = set(owners)
    prefix = iris.thing(base, "")
    if named is not None:
        return _contributions(graph, base, owners, [iri for iri in named if "#" not in iri])
    if type(graph) is Triples:  # its subjects and IRI objects, no literal hashed (rdflib's Python code)
        terms = {
            term
            for s, by_predicate in graph.said()  # type: ignore[attr-defined]
            for term in (s, *(o for objects in by_predicate.values() for o in objects if type(o) is not Literal))
        }
    else:
        terms = {term for triple in graph for term in (triple[0], triple[2])}
    return _contributions(
        graph, base, owners, (t for t in terms if isinstance(t, URIRef) and t.startswith(prefix) and "#" not in t)
    )


def _contributions(graph: Graph, base: str, owners: set[str], named: Iterable[str]) -> dict[str, str]:
    """`contributions` of the things `named` (IRIs: as terms, or as texts)."""
    around = _Around(graph)
    found = {}
    for node in sorted(named, key=str):  # IRIs: their texts compared in C (rdflib's `__lt__` is Python code)
        text = str(node)
        if owner(iris.path_of(text, base) or "") not in owners:
            found[text] = around.thing(node if isinstance(node, URIRef) else URIRef(text))
    return found


def site_key(*parts: object) -> str:
    """What every shared page shows of the whole build (the caller names it: see the module)."""
    return _digest(json.dumps(part, sort_keys=True, ensure_ascii=False, default=str) for part in parts)


def page_key(site: str, iri: str, plans: dict[str, str], catalogue: str | None, extra: object) -> str:
    """A shared page's key: the site's, the thing, each plan's digest of it (slug -> digest, the plans
    that name it), the catalogue's, and `extra` (its versions, its schema.org description)."""
    return site_key(site, iri, sorted(plans.items()), catalogue, extra)


def read_records(dist: Path | None) -> dict[str, str]:
    """The last build's keys of its shared pages, path -> key (none if there is no readable record)."""
    if dist is None:
        return {}
    try:
        records = json.loads((dist / CACHE / RECORDS).read_bytes())
    except (OSError, ValueError):
        return {}
    return records if isinstance(records, dict) else {}


def write_records(dist: Path, records: dict[str, str]) -> None:
    path = dist / CACHE / RECORDS
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=0, sort_keys=True) + "\n", encoding="utf-8")


def previous_bodies(previous: Path | None, path: str) -> dict[str, tuple[bytes, str]] | None:
    """A shared page's five files as the last build wrote them (extension -> body, media type), in the
    order they were written; None if one is missing."""
    if previous is None:
        return None
    bodies = {}
    try:
        for extension, media_type in _MEDIA.items():
            bodies[extension] = ((previous / file_name(f"doc/{path}", extension)).read_bytes(), media_type)
    except OSError:
        return None
    return bodies


@dataclass
class Keys:
    """The keys of the shared pages: this build's, and the last build's records."""

    site: str
    plans: dict[str, dict[str, str]]  # slug -> thing -> what the plan's graph says around it
    catalogue: dict[str, str]
    previous: dict[str, str]  # path -> key, of the last build
    folder: Path | None  # the last build's site
    records: dict[str, str] = field(default_factory=dict)  # this build's
    rendered: list[str] = field(default_factory=list)  # the paths rendered again

    def unchanged(self, pages: Pages, iri: str, path: str, entries: list[Entry] | None) -> bool:
        """Whether a shared page's key is the last build's (its files are then taken from there)."""
        schema = pages.datasets.get(iri) or pages.datasets.get(pages.landing.get(iris.document(pages.base, path), ""))
        history = [e.record() for e in entries] if entries else None
        said = {slug: found[iri] for slug, found in self.plans.items() if iri in found}
        key = page_key(self.site, iri, said, self.catalogue.get(iri), [history, schema])
        self.records[path] = key
        return self.previous.get(path) == key and previous_bodies(self.folder, path) is not None

    def previous_bodies(self, path: str) -> dict[str, tuple[bytes, str]]:
        found = previous_bodies(self.folder, path)
        if found is None:  # removed since `unchanged` looked: no half site
            raise FileNotFoundError(f"{self.folder}: the files of {path} are gone; build again")
        return found


__all__ = [
    "RECORDS",
    "Keys",
    "contributions",
    "graph_of",
    "page_key",
    "previous_bodies",
    "read_records",
    "site_key",
    "write_records",
]
