"""Reading and writing RDF: one graph in one of the published formats, the same bytes for the same
triples; a file read into an rdflib graph by pyoxigraph's parsers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pyoxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from hgkbp_ld import onepass
from hgkbp_ld.compaction import Unsorted, Unsupported
from hgkbp_ld.iris import PREFIXES
from hgkbp_ld.jsonld import (
    _compacted,
    _compactor,
    _HasFloat,
    _jsonld_text,
    _sorted_text,
    _written,
    context,
)
from hgkbp_ld.onepass import Pieces, literal_end, quoted, writers
from hgkbp_ld.rdfwrite import Unsupported as Unwritten
from hgkbp_ld.rdfwrite import utf8
from hgkbp_ld.store.base import to_rdflib
from hgkbp_ld.triples import Described, Triples

FORMATS: dict[str, pyoxigraph.RdfFormat] = {
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
    "rdf": pyoxigraph.RdfFormat.RDF_XML,
}

_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
READ_FORMATS: dict[str, pyoxigraph.RdfFormat] = {
    "turtle": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "xml": pyoxigraph.RdfFormat.RDF_XML,
}


def read_graph(path: Path, format: str = "turtle", graph: Graph | None = None) -> Graph:
    """The triples of a file (`format` as rdflib names it: turtle, nt, xml), added to `graph` (default a
    new one). Parsed by pyoxigraph, 3-10 times faster than rdflib's own parsers, with the file's URL as
    the base as rdflib takes it: the same graph (tests/test_rdfio.py). A file that does not parse raises
    SyntaxError (with its line), one that cannot be read OSError."""
    graph = Graph() if graph is None else graph
    parsed = pyoxigraph.parse(path=str(path), format=READ_FORMATS[format], base_iri=path.absolute().as_uri())
    graph.addN((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), graph) for t in parsed)
    return graph


def serialise(graph: Described, fmt: str) -> bytes:
    """One graph in one format, the same bytes for the same triples.

    N-Triples is rdflib's output with its lines sorted (written by `ntriples_line`); Turtle and
    RDF/XML are pyoxigraph's output from those sorted triples (written by `rdfwrite`, or by pyoxigraph
    where it cannot); JSON-LD is rdflib's compaction with our Dutch context (made by `compaction`, or
    by rdflib where it cannot), its arrays sorted.
    """
    return serialise_all(graph, (fmt,))[fmt]


def serialise_all(graph: Described, formats: tuple[str, ...]) -> dict[str, bytes]:
    """One graph in several formats (as `serialise`), its N-Triples made once for all of them. Inside
    `keeping`, the pieces of a graph serialised in every format are kept for `serialise_union`."""
    alone = _ALONE[:]
    _ALONE.clear()
    if len(graph) <= _ONE_PASS or (type(graph) is Triples and (formats == ("nt",) or (alone and alone[0] is graph))):
        one_pass = onepass.written(graph, formats, _KEPT is not None and len(formats) == 4)
        if one_pass is not None:
            if formats == ("nt",) and len(graph) > _ONE_PASS:
                _ALONE[:] = [graph]
            return _finished(graph, formats, *one_pass)
    triples = list(graph)
    lines, order = _sorted_lines(graph, triples, formats)
    ntriples = utf8(order) or b"\n"
    keep = _KEPT is not None and len(formats) == 4 and bool(order)
    nodes: list[dict] | None = [] if keep else None
    blocks: list[tuple[str, str]] | None = [] if keep else None
    found = {}
    written: dict[str, bytes] | None = None
    for fmt in formats:
        if fmt == "nt":
            found[fmt] = ntriples
        elif fmt == "jsonld":
            found[fmt] = _jsonld(graph, triples, nodes)
        else:
            if written is None:  # Turtle and RDF/XML made together, by us or else by pyoxigraph
                written = _turtle_and_rdf_xml([lines[line] for line in order], ntriples, blocks)
            found[fmt] = written[fmt]
    if nodes and blocks:
        _keep(graph, order, blocks, nodes)
    return found


def _keep(graph: Described, order: list[str], blocks: list[tuple[str, str]], nodes: list[dict]) -> None:
    """A graph's `Pieces` kept (`keeping`) from its sorted lines, each subject's Turtle and RDF/XML and its
    JSON-LD nodes, where there is a block for each subject."""
    by_subject: dict[str, list[str]] = {}
    for line in order:
        held = by_subject.get(line.partition(" ")[0])
        if held is None:
            by_subject[line.partition(" ")[0]] = [line]
        else:
            held.append(line)
    if len(by_subject) == len(blocks):
        subjects = [
            (key.encode(), "".join(held).encode(), turtle.encode(), rdf_xml.encode())
            for (key, held), (turtle, rdf_xml) in zip(by_subject.items(), blocks, strict=True)
        ]
        _KEPT[id(graph)] = (graph, Pieces(subjects, nodes))  # type: ignore[index]


_ONE_PASS = 500  # a graph of at most this many statements (a page's) is written by `onepass.written`
# and a plan's graph: a `Triples` whose N-Triples alone are asked (a new version's snapshot: `versions.History`),
# then held here for the next call, of that graph in every format (its dumps: `plan_build`). Their entries, made once,
# are the pages' by their texts (`_TEXTS`: 65 % of a plan's pages' pairs). Other big graphs (the last stage's shared
# pages, the catalogue) are written by the other path, as before: their statements are mostly written once.
_ALONE: list = []
# a big `Triples`'s N-Triples lines (graph, its size, line -> triple, the lines sorted), from a call for its
# N-Triples alone (a plan's new version's snapshot: `versions.History.propose`) to the next call of that graph
# (its dumps, with its versions' few statements added: `plan_build`), which takes them
_SNAPSHOT: list = []


def _sorted_lines(graph: Described, triples: list, formats: tuple[str, ...]) -> tuple[dict, list[str]]:
    """`_lines` of the triples and the lines sorted; of a graph whose lines were made by the call before
    (`_SNAPSHOT`), only the lines of the statements added since, merged in."""
    held = _SNAPSHOT[:]
    _SNAPSHOT.clear()
    added = graph.added_since(held[1]) if held and held[0] is graph else None  # type: ignore[union-attr]
    if added is not None:
        more = _lines(added)
        lines, order = {**held[2], **more}, sorted([*held[3], *more])  # a sorted run and a few: merged
    else:
        lines = _lines(triples)
        order = sorted(lines)
    if formats == ("nt",) and type(graph) is Triples and graph.added_since(len(graph)) is not None:
        _SNAPSHOT[:] = [graph, len(graph), lines, order]
    return lines, order


def _finished(graph: Described, formats: tuple[str, ...], found: dict[str, bytes], pieces: Pieces | None) -> dict:
    """What `onepass.written` wrote, with the JSON-LD it left to `compact_sorted` (a float, a falsy value, a
    key before the id's) made here, and its pieces kept (`keeping`)."""
    if "jsonld" in formats and "jsonld" not in found:
        found["jsonld"] = _jsonld(graph, list(graph), None if pieces is None else pieces.nodes)
        found = {fmt: found[fmt] for fmt in formats}
    if pieces is not None and pieces.nodes and pieces.subjects:
        _KEPT[id(graph)] = (graph, pieces)  # type: ignore[index]
    return found


_KEPT: dict[int, tuple[Described, Pieces]] | None = None


@contextmanager
def keeping() -> Iterator[None]:
    """While inside, the pieces of each graph `serialise_all` writes in the four formats are kept (by the
    graph's identity, the graph held), for `serialise_union`; forgotten after."""
    global _KEPT
    before, _KEPT = _KEPT, {}
    try:
        yield
    finally:
        _KEPT = before


def serialise_union(own: Triples, parts: list[Triples], formats: tuple[str, ...]) -> dict[str, bytes]:
    """`serialise_all` of `own` with every graph of `parts` added (`own += part`, in order), made from
    what serialising each part wrote (`keeping`) where every part was and no subject is in two graphs:
    the same bytes (a subject's N-Triples lines are together in the sorted order, since an IRI holds no
    `>`; its Turtle, RDF/XML and JSON-LD node depend on its statements alone, in their order). Else
    the whole graph is made and serialised."""
    kept = [(_KEPT or {}).get(id(part)) for part in parts]
    if all(held is not None and held[0] is part for held, part in zip(kept, parts, strict=True)):
        with keeping():
            serialise_all(own, ("nt", "jsonld", "ttl", "rdf"))
            mine = (_KEPT or {}).get(id(own))
        if mine is not None:
            found = _union([mine[1], *(held[1] for held in kept)], formats)  # type: ignore[index]
            if found is not None:
                return found
    whole = Triples()
    whole += own
    for part in parts:
        whole += part
    return serialise_all(whole, formats)


def _union(pieces: list[Pieces], formats: tuple[str, ...]) -> dict[str, bytes] | None:
    """The formats of the graphs whose pieces these are, together; None where two share a subject."""
    blocks = {}
    for piece in pieces:
        for subject in piece.subjects:
            blocks[subject[0]] = subject
    nodes = [node for piece in pieces for node in piece.nodes]
    compactor = _compactor()
    by_text = {orjson.dumps(node[compactor.id_key]): node for node in nodes}
    if len(blocks) != sum(len(p.subjects) for p in pieces) or len(by_text) != len(nodes):
        return None
    order = [blocks[key] for key in sorted(blocks)]  # `<s>`: the order of the subjects' lines (no `>` in an IRI)
    writers = _writers()
    found = {}
    for fmt in formats:
        if fmt == "nt":
            found[fmt] = b"".join(subject[1] for subject in order)
        elif fmt == "ttl":
            found[fmt] = writers.turtle_head_bytes + b"".join(subject[2] for subject in order)
        elif fmt == "rdf":
            rdf_xml = b"".join(subject[3] for subject in order)
            found[fmt] = b"".join((writers.xml_head_bytes, rdf_xml, writers.xml_tail_bytes))
        elif fmt == "jsonld":
            document = nodes[0] if len(nodes) == 1 else {compactor.graph_key: [by_text[t] for t in sorted(by_text)]}
            found[fmt] = _written(document)
        else:
            return None
    return found


def _turtle_and_rdf_xml(rows: list, ntriples: bytes, blocks: list | None = None) -> dict[str, bytes]:
    """Turtle and RDF/XML of the rows (the triples in their sorted N-Triples lines' order) by our writers
    (`rdfwrite`), or where they cannot, by pyoxigraph from the N-Triples read back (`blocks`: each
    subject's blocks appended to it, by our writers only)."""
    try:
        turtle, rdf_xml = _writers().both(rows, blocks)
        return {"ttl": turtle, "rdf": rdf_xml}
    except Unwritten:  # (no blocks kept: the graph's pieces are not kept)
        if blocks is not None:
            blocks.clear()
        parsed = list(pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES))
        return {fmt: pyoxigraph.serialize(parsed, format=FORMATS[fmt], prefixes=_PREFIXES) for fmt in ("ttl", "rdf")}


_writers = writers  # (the tests' name)


def _jsonld(graph: Described, triples: list, nodes: list[dict] | None = None) -> bytes:
    """The JSON-LD file: `_jsonld_text` of the compacted document. A document our compactor made (one
    node or nodes under @graph: no nested arrays) is made with its arrays sorted (`compact_sorted`), or
    has them sorted in place here, and is written by orjson with its keys sorted, without the canonical
    copy: the same text (see `_sorted_text`)."""
    try:
        document = _compactor().compact_sorted(triples)
        written = _written(document)
        if nodes is not None:  # its nodes, for a union (`serialise_union`)
            graph_key = _compactor().graph_key
            nodes.extend(document[graph_key] if list(document) == [graph_key] else [document])
        return written
    except (Unsorted, TypeError):  # TypeError: a value orjson cannot write
        pass
    except Unsupported:
        return (_jsonld_text(_compacted(graph, triples)) + "\n").encode("utf-8")
    compacted = _compactor().compact(triples)
    try:
        return _sorted_text(compacted)
    except (_HasFloat, TypeError):
        compacted["@context"] = context()
        return (_jsonld_text(compacted) + "\n").encode("utf-8")


_LITERAL_LINES: dict[int, tuple[Literal, str]] = {}  # a literal's N-Triples, by its identity (held)
_REMEMBERED = 1 << 12


def _lines(triples: list) -> dict[str, tuple[Node, Node, Node]]:
    """Each triple's N-Triples line (`ntriples_line`) -> the triple. The usual triple (two IRIs and an
    IRI or a literal: rdflib's exact types, not subclasses nor through `isinstance`, which goes through
    rdflib's ABCs) is written here, a literal's text remembered by its identity: the store's terms are
    made once (store/base.py) and a label is on many pages."""
    found = {}
    held = _LITERAL_LINES
    join = "".join  # an f-string formats an rdflib term through its Python `__str__`: 4x slower
    for triple in triples:
        s, p, o = triple
        if type(s) is URIRef and type(p) is URIRef:
            kind = type(o)
            if kind is URIRef:
                found[join(("<", s, "> <", p, "> <", o, "> .\n"))] = triple
                continue
            if kind is Literal:
                known = held.get(id(o))
                if known is None or known[0] is not o:
                    if len(held) >= _REMEMBERED:
                        held.clear()
                    known = held[id(o)] = (o, _literal_text(o))
                found[join(("<", s, "> <", p, "> ", known[1], " .\n"))] = triple
                continue
        found[ntriples_line(triple)] = triple
    return found


def _literal_text(o: Literal) -> str:
    return "".join(('"', quoted(o), '"', literal_end(o.language, o.datatype)))  # (not `+`: rdflib's `__add__`)


def n3_once() -> Callable[[Node], str]:
    """`term.n3()`, each term written once by the function returned (rdflib checks an IRI each time it
    writes one): for the digests of one graph, where a subject is in each of its statements and a
    portfolio in many things' (`versions`, `render.shared`)."""
    written: dict[Node, str] = {}

    def n3(term: Node) -> str:
        found = written.get(term)
        if found is None:
            found = written[term] = term.n3()  # type: ignore[attr-defined]
        return found

    return n3


def ntriples_line(triple: tuple[Node, Node, Node]) -> str:
    """A triple as rdflib's N-Triples serializer writes its line (`plugins/serializers/nt.py`, encoded as
    UTF-8 there): an IRI or blank node as its `n3()`, a literal quoted with `\\`, `\\n`, `\"` and `\\r`
    escaped. About five times faster than the serializer, which the tests compare it with."""
    s, p, o = triple
    if isinstance(o, Literal):
        return f"{_term(s)} {_term(p)} {_literal_text(o)} .\n"
    return f"{_term(s)} {_term(p)} {_term(o)} .\n"


def _term(term: Node) -> str:
    return f"<{term}>" if type(term) is URIRef else term.n3()
