"""A page's graph in the four formats from one lookup per statement (`written`, the way `rdfio.serialise_all`
takes for a page's graph and a plan's): each (predicate, object) has one entry, made once and remembered,
holding what it writes in every format; the statements are grouped by subject and written a subject at a
time (`rdfwrite.Writers.groups`, `jsonld._group_nodes`). A graph of another shape (a blank node, a term
these writers leave to pyoxigraph or rdflib) is left to `rdfio`'s other path, which gives the same bytes
(`tests/test_one_pass.py` compares both)."""

from __future__ import annotations

from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

import orjson
from rdflib import Literal, URIRef
from rdflib.term import Node

from hgkbp_ld.compaction import _LISTS, _SHRUNK, Unsupported
from hgkbp_ld.iris import PREFIXES
from hgkbp_ld.jsonld import _compactor, _group_nodes, _written
from hgkbp_ld.rdfwrite import Unsupported as Unwritten
from hgkbp_ld.rdfwrite import Writers
from hgkbp_ld.triples import Described, Triples

_PAIRS: dict[tuple[int, int], tuple] = {}  # (predicate, object) -> what it writes in every format (`_entry`)
_ENTRIES: dict[int, tuple] = {}  # object -> the last of its entries made or asked for (most objects have one)
_FORMER: dict[tuple[int, int], tuple] = {}  # the entries `_PAIRS` held when it was last full (`_kept`)
_TEXTS: dict[tuple, tuple] = {}  # (predicate, object's text, language, datatype) -> an entry of those texts
_PAIRS_KEPT = 1 << 12  # entries kept, and as many former ones (a plan's pages and dumps make ~4,400)
_TEXTS_KEPT = 1 << 12
_IRIS_KEPT = 1 << 11  # IRIs' parts kept (a plan's pages name ~700 subjects, its dumps the same IRIs as other terms)
_IRIS: dict[int, tuple] = {}  # an IRI's parts in every format (`_iri`), by its identity (held)
_IRI_TEXTS: dict[str, tuple] = {}  # an IRI's parts but the IRI (`_iri_parts`), by its text
_PREDICATES: dict[int, tuple] = {}  # a predicate's parts (`_predicate`), by its identity (held)
_TAIL = 8  # where an entry has its N-Triples line after the subject (before it: `Writers.groups`'s parts)
_first = itemgetter(0)
_tail = itemgetter(_TAIL)


class Pieces(NamedTuple):
    """What `serialise_all` made of one graph, to make a graph of several (`serialise_union`): each
    subject's `<s>` (the order of its lines), N-Triples lines, Turtle and RDF/XML, in their order (all as
    UTF-8: bytes sort as their text does), its JSON-LD nodes."""

    subjects: list[tuple[bytes, bytes, bytes, bytes]]
    nodes: list[dict]


@lru_cache(maxsize=1)
def writers() -> Writers:
    """The Turtle and RDF/XML writers of our prefixes, made once."""
    return Writers({prefix: str(namespace) for prefix, namespace in PREFIXES.items()})


def written(graph: Described, formats: tuple[str, ...], keep: bool) -> tuple[dict[str, bytes], Pieces | None] | None:
    """`serialise_all` of a page's graph (or a plan's), each statement's (predicate, object) looked up once
    for every format (`_entry`: its N-Triples line's end, its Turtle and RDF/XML parts, its JSON-LD key
    and value), not once per format; the statements grouped by subject, each subject's sorted by their
    lines' ends, the subjects in the order of their lines (`_iri`: `<s>` decides, an IRI holds no `>`),
    then written: N-Triples, Turtle and RDF/XML a subject at a time (`Writers.groups`), the JSON-LD nodes
    as `Compactor.compact_sorted` makes them (`jsonld._group_nodes`: a node's arrays are sorted and the
    nodes ordered by their ids' text, so the order read does not show: the triples are read in any order,
    a `Triples`'s as added). `keep`: the graph's `Pieces` made too (for `serialise_union`).
    The formats, without "jsonld" where `_group_nodes` leaves the document to `compact_sorted` (a float, a
    falsy value, a key before the id's), and the pieces (their nodes then to be added by the caller); None
    where a statement is of another shape: the caller then writes the graph the other way."""
    entries = _ENTRIES
    groups: dict[Node, list] = {}
    for s, p, o in graph.unordered() if type(graph) is Triples else graph:
        entry = entries.get(id(o))  # an entry holds its object: while it is kept, the object's id is its
        if entry is None or entry[0] is not p:
            entry = _other(p, o)
            if entry is None:
                return None
        group = groups.get(s)
        if group is None:
            groups[s] = [entry]
        else:
            group.append(entry)
    known = _IRIS
    ordered = []
    for s, group in groups.items():
        subject = known.get(id(s))  # (held by its parts)
        if subject is None:
            if type(s) is not URIRef:  # (a term of another type is never equal to a URIRef)
                return None
            subject = _iri(s)
        if len(group) > 1:
            group.sort(key=_tail)  # as UTF-8: in the order of their text (UTF-8 keeps the code points' order)
        ordered.append((subject[3], subject, group))
    ordered.sort(key=_first)
    join = b"".join
    lines = [subject[4] + subject[4].join(map(_tail, group)) for _key, subject, group in ordered]
    ntriples = join(lines) or b"\n"
    pieces = Pieces([], []) if keep and lines else None
    found = {}
    turtle_and_rdf_xml: tuple[bytes, bytes] | None = None
    for fmt in formats:
        if fmt == "nt":
            found[fmt] = ntriples
        elif fmt == "jsonld":
            document = _group_nodes(ordered)
            if document is None:  # a float, a falsy value, a key before the id's: the caller's
                continue
            found[fmt] = _written(document)
            if pieces is not None:
                graph_key = _compactor().graph_key
                pieces.nodes.extend(document[graph_key] if list(document) == [graph_key] else [document])
        else:
            if turtle_and_rdf_xml is None:
                blocks: list | None = [] if pieces is not None else None
                try:
                    turtle_and_rdf_xml = writers().groups(ordered, blocks)
                except Unwritten:  # a subject or a class these writers leave to pyoxigraph (no pieces kept)
                    return None
                if pieces is not None and blocks:
                    pieces.subjects.extend(
                        (item[0], line, *block) for item, line, block in zip(ordered, lines, blocks, strict=True)
                    )
            found[fmt] = turtle_and_rdf_xml[0] if fmt == "ttl" else turtle_and_rdf_xml[1]
    return found, pieces


def _other(p: Node, o: Node) -> tuple | None:
    """The entry of a (predicate, object) not found by the object alone (`_ENTRIES` keeps the last entry
    made of each object): by both (`_PAIRS`, `_FORMER`), or made (`_entry`)."""
    entry = _PAIRS.get((id(p), id(o)))
    if entry is not None:
        _ENTRIES[id(o)] = entry
        return entry
    entry = _FORMER.get((id(p), id(o)))  # (an entry holds its terms: their ids are theirs while it is kept)
    return _entry(p, o) if entry is None else _kept(entry)


def _iri(s: URIRef) -> tuple:
    """An IRI's parts, as a subject's and an object's: the IRI, its Turtle and rdf:about value as UTF-8
    (None, None where these writers leave it to pyoxigraph), `<s>` (the order of its lines among others'),
    `<s` (its lines' start; an object's end), its JSON-LD id (the IRI shortened) and that id's JSON text
    (the order of the nodes). Remembered by its identity, and its parts by its text (`_IRI_TEXTS`): a plan's
    pages and dumps name the same IRIs as other terms (its store's, its snapshot's; every plan's classes and
    ministers anew), ~950 of a plan's ~1,600 asked (they are made the same of the same text: an IRI's parts
    depend on its text alone)."""
    text = str(s)
    parts = _IRI_TEXTS.get(text)
    if parts is None:
        parts = _iri_parts(s, text)
        if len(_IRI_TEXTS) >= _IRIS_KEPT:
            _IRI_TEXTS.clear()
        _IRI_TEXTS[text] = parts
    if len(_IRIS) >= _IRIS_KEPT:
        _IRIS.clear()
    found = _IRIS[id(s)] = (s, *parts)
    return found


def _iri_parts(s: URIRef, text: str) -> tuple:
    """`_iri`'s parts of an IRI but the IRI itself, made anew."""
    try:
        turtle, about = writers().subject_bytes(s)
    except Unwritten:
        turtle = about = None
    lead = b"<" + text.encode()
    node_id = _compactor().shrink(text)
    return (turtle, about, lead + b">", lead, node_id, orjson.dumps(node_id))


def _predicate(p: URIRef) -> tuple:
    """A predicate's parts: the predicate, its record (`Writers.verb`: its Turtle and RDF/XML, or None
    where these writers or `Compactor` leave it), its N-Triples between the subject and the object, the JSON-LD key and
    `Compactor.how` of an IRI object (None where `Compactor` leaves it to rdflib), and those of each
    (datatype, language) of its literals (`_literal`). Remembered by its identity."""
    try:
        record = None if p in _LISTS else writers().verb(p)  # (an RDF list: `Compactor` leaves it to rdflib)
    except Unwritten:
        record = None
    text = str(p)
    try:
        iri = _compactor().how(text, False)
    except Unsupported:
        iri = None
    if len(_PREDICATES) >= _IRIS_KEPT:
        _PREDICATES.clear()
    found = _PREDICATES[id(p)] = (p, record, ("> <" + text + "> ").encode(), iri, {})
    return found


def _literal(parts: tuple, datatype: Node | None, language: str | None) -> tuple | None:
    """What a predicate's literal of this datatype and language writes besides its text: its JSON-LD key,
    how its value is made, what that takes besides (`Compactor.how`), and its N-Triples after the quoted
    text (with the line's end); None where `Compactor` leaves it to rdflib."""
    try:
        key, how, extra = _compactor().how(str(parts[0]), True, datatype, language)
    except Unsupported:
        return None
    after = f"{literal_end(language, datatype)} .\n"
    found = parts[4][(datatype, language)] = (key, how, extra, after.encode())
    return found


def literal_end(language: str | None, datatype: Node | None) -> str:
    """What N-Triples writes of a literal after its quoted text: its language tag, else its datatype."""
    if language:
        return f"@{language}"
    if datatype:
        return f"^^<{datatype}>"
    return ""


def _entry(p: Node, o: Node) -> tuple | None:
    """What a statement's (predicate, object) writes (`_made`), made once, not on every page. Remembered by
    the terms' identities (both held: `_kept`), and by their texts (`_TEXTS`: the pages' terms are the
    store's, other objects of the texts the plan's dumps wrote). None where a term is of another shape."""
    kind = type(o)
    if kind is URIRef:
        text: tuple = (p, o)  # (rdflib's == of IRIs: the same type and text)
    elif kind is Literal:  # (not the literal: rdflib's == of literals is by value for some datatypes)
        text = (p, str(o), o.language, o.datatype)
    else:
        return None
    held = _TEXTS.get(text)
    if held is not None:
        return _kept((p, o, *held[2:]))
    entry = _made(p, o, text) if type(p) is URIRef else None
    if entry is None:
        return None
    if len(_TEXTS) >= _TEXTS_KEPT:
        _TEXTS.clear()
    _TEXTS[text] = entry
    return _kept(entry)


def _made(p: URIRef, o: URIRef | Literal, text: tuple) -> tuple | None:
    """A new entry (`text`: `_entry`'s texts of the pair): the predicate and the object, its Turtle after a
    new subject, after the same predicate and after another, its RDF/XML property element, whether it is an
    rdf:type (the class's element) and the predicate's record (`Writers.groups`), its N-Triples line after
    the subject, its JSON-LD key and value, whether `_group_nodes` leaves the document to `compact_sorted`
    (a float, a falsy value, which `compact` keeps or drops by the order read, a key before "@id"). Made
    from the predicate's parts and the object's (`_predicate`, `_iri`, `Writers.literal_bytes`), each
    worked out once. None where a term is of another shape."""
    parts = _PREDICATES.get(id(p))
    if parts is None or parts[0] is not p:
        parts = _predicate(p)
    record = parts[1]
    if record is None:
        return None
    compactor = _compactor()
    try:
        if len(text) == 2:  # an IRI
            iri = _IRIS.get(id(o))
            if iri is None or iri[0] is not o:
                iri = _iri(o)  # type: ignore[arg-type]
            how = parts[3]
            if iri[1] is None or how is None or o in _LISTS:
                return None
            turtle = iri[1]
            line = b"".join((record[3], b' rdf:resource="', iri[2], b'"/>\n'))
            key = how[0]
            value = iri[5] if how[1] == _SHRUNK else compactor.value(o, str(o), how[1], how[2])
            tail = b"".join((parts[2], iri[4], b"> .\n"))
            typed = record[5]
        else:
            _p, value_text, language, datatype = text
            how = parts[4].get((datatype, language))
            if how is None:
                how = _literal(parts, datatype, language)
                if how is None:
                    return None
            turtle, content = writers().literal_bytes(value_text, datatype, language)
            line = b"".join((record[3], content, record[4]))
            key = how[0]
            value = compactor.value(o, value_text, how[1], how[2])
            tail = b"".join((parts[2], b'"', quoted(value_text).encode(), b'"', how[3]))
            typed = False
        leave = type(value) is float or key <= compactor.id_key or not value
    except (Unwritten, Unsupported, TypeError):
        return None
    return (p, o, record[0] + turtle, b" , " + turtle, record[2] + turtle, line, typed, record, tail, key, value, leave)


def _kept(entry: tuple) -> tuple:
    """An entry remembered by its terms' identities (`_PAIRS`, `_ENTRIES`). When `_PAIRS_KEPT` are kept,
    they become the former ones (`_FORMER`, the ones before forgotten): an entry asked for again is taken
    back, so that what every plan's pages write (a class, a portfolio, a minister's label: the store's
    terms are made once a process) is not made anew when the table is full, only what was not asked."""
    global _FORMER
    if len(_PAIRS) >= _PAIRS_KEPT:
        _FORMER = dict(_PAIRS)
        _ENTRIES.clear()
        _PAIRS.clear()
    p, o = entry[0], entry[1]
    _ENTRIES[id(o)] = _PAIRS[(id(p), id(o))] = entry
    return entry


def quoted(text: str) -> str:
    """A literal's text as N-Triples writes it between its quotes: `\\`, newline, `"` and return escaped."""
    if "\\" in text:  # each character looked for first (memchr): a replace scans the whole text even when it finds none
        text = text.replace("\\", "\\\\")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if '"' in text:
        text = text.replace('"', '\\"')
    if "\r" in text:
        text = text.replace("\r", "\\r")
    return text
