"""The JSON-LD files' text: a graph compacted with our Dutch context (`compaction`, or rdflib's converter
where it cannot), its arrays sorted, written with the context encoded once per process (`rdfio` writes
a graph's formats; this is its JSON-LD part)."""

from __future__ import annotations

import json
from functools import lru_cache

import orjson
from rdflib import Graph
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.shared.jsonld.context import Context

from hgkbp_ld.bundled import ONTOLOGY
from hgkbp_ld.compaction import Compactor, Unsupported
from hgkbp_ld.triples import Described

CONTEXT = ONTOLOGY / "beleidsplan.context.jsonld"


@lru_cache(maxsize=1)
def context() -> dict:
    """The JSON-LD context with Dutch keys (ontology/beleidsplan.context.jsonld)."""
    return json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]


@lru_cache(maxsize=1)
def _parsed_context() -> Context:
    """The context parsed once: rdflib parses a context given as a dict anew for every graph."""
    return Context(context())


class _HasFloat(Exception):
    """A document with a float, which orjson writes otherwise than json (1e-7 for 1e-07)."""


def _canonical_json(value: object, floats: bool = True) -> object:
    """Sort every JSON array (the dump has no @list), so that rdflib's set order cannot show: by each
    item's JSON text (its keys sorted: they are, once made canonical here). `floats=False`: raise
    _HasFloat at a float."""
    if isinstance(value, dict):
        return {key: _canonical_json(item, floats) for key, item in sorted(value.items())}
    if isinstance(value, list):
        items = [_canonical_json(item, floats) for item in value]
        if len(items) < 2:  # most arrays: one value, nothing to order
            return items
        return sorted(items, key=_json_key)
    if not floats and isinstance(value, float):
        raise _HasFloat
    return value


def _json_key(item: object) -> str:
    return json.dumps(item, ensure_ascii=False)  # `item` is canonical: its keys are in order already


def _indented(value: object) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)` for a document without floats, written by orjson
    (the same text, tests/test_rdfio.py; json's encoder is pure Python when it indents: 10x slower)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    except TypeError:  # an integer beyond 64 bits, a string that is not UTF-8
        return json.dumps(value, ensure_ascii=False, indent=2)


def _canonical_text(value: object) -> str:
    """`json.dumps(_canonical_json(value), ensure_ascii=False, indent=2)`."""
    try:
        return _indented(_canonical_json(value, floats=False))
    except _HasFloat:
        return json.dumps(_canonical_json(value), ensure_ascii=False, indent=2)


@lru_cache(maxsize=1)
def _context_member() -> str:
    """`"@context": {...}` as `json.dumps(..., indent=2)` writes it one level deep in a document: every
    JSON-LD file starts with the same ~6 KB context, so it is encoded once per process, not per file."""
    text = json.dumps(_canonical_json(context()), ensure_ascii=False, indent=2)
    return '"@context": ' + text.replace("\n", "\n  ")  # a JSON text has no raw newline inside a string


def _jsonld_text(compacted: dict) -> str:
    """The compacted document as `json.dumps(_canonical_json(compacted), ensure_ascii=False, indent=2)`
    writes it, with our context (always first: "@context" sorts before every other key) encoded once."""
    rest = {key: value for key, value in compacted.items() if key != "@context"}
    if "@context" not in compacted or any(key < "@context" for key in rest):
        if "@context" in compacted:
            rest = {**rest, "@context": context()}
        return _canonical_text(rest)
    body = _canonical_text(rest)
    if body == "{}":
        return "{\n  " + _context_member() + "\n}"
    return "{\n  " + _context_member() + ",\n" + body[2:]


_KEY, _VALUE, _LEAVE = 9, 10, 11  # where an entry of `onepass.written` has its key, value, and whether to leave it


def _group_nodes(ordered: list) -> dict | None:
    """`Compactor.compact_sorted`'s document of a page's statements grouped by subject (`onepass.written`:
    items (anything, the subject's parts with its id at 5 and the id's JSON text at 6, its entries)),
    or None where it is not to be made so (see `onepass._entry`; two subjects of one id)."""
    compactor = _compactor()
    id_key = compactor.id_key
    nodes: list[tuple[bytes, dict]] = []
    arrays: list[list] = []
    for _key, subject, group in ordered:
        node = {id_key: subject[5]}
        for entry in group:
            if entry[_LEAVE]:
                return None
            key = entry[_KEY]
            held = node.get(key)
            if held is None:
                node[key] = entry[_VALUE]
            elif type(held) is list:
                held.append(entry[_VALUE])
            else:
                node[key] = held = [held, entry[_VALUE]]
                arrays.append(held)
        nodes.append((subject[6], node))
    for array in arrays:
        array.sort(key=_sort_key)
    if len(nodes) == 1:
        return nodes[0][1]
    by_text = dict(nodes)
    if len(by_text) != len(nodes):
        return None  # two subjects of one id
    return {compactor.graph_key: [by_text[text] for text in sorted(by_text)]}


_SORTED = orjson.OPT_SORT_KEYS
_INDENTED = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def _sorted_text(document: dict) -> bytes:
    """`(_jsonld_text(document with our context) + "\n")` encoded, for a document without floats: each
    array sorted in place by its items' orjson text with sorted keys (the order of their `json.dumps`
    text as `_canonical_json` sorts them: a JSON string is never the start of another, and both texts
    differ only by the spaces after `:` and `,`, which never decide; UTF-8 bytes sort as code points),
    then written by orjson with its keys sorted (`_indented`'s text). Raises `_HasFloat`, or TypeError
    where orjson cannot write a value (then `_jsonld_text` writes it)."""
    if any(key <= "@context" for key in document):
        raise _HasFloat  # not a document of our compactor's: let the canonical copy write it
    _sort_arrays(document)
    return _written(document)


def _written(document: dict) -> bytes:
    """A document with its arrays sorted (and no key before "@context") written with our context."""
    body = orjson.dumps(document, option=_INDENTED)
    if body == b"{}":
        return ("{\n  " + _context_member() + "\n}\n").encode("utf-8")
    return b"".join((_context_head(), memoryview(body)[2:], b"\n"))  # one copy of the ~6 KB context a page


@lru_cache(maxsize=1)
def _context_head() -> bytes:
    """What every JSON-LD file with more than its context starts with: the brace, the context, a comma."""
    return b"{\n  " + _context_member_bytes() + b",\n"


def _sort_arrays(value: dict | list) -> None:
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if kind is dict or kind is list:
            _sort_arrays(item)
        elif kind is float:
            raise _HasFloat
    if type(value) is list and len(value) > 1:
        value.sort(key=_sort_key)


def _sort_key(item: object) -> bytes:
    return orjson.dumps(item, option=_SORTED)


@lru_cache(maxsize=1)
def _context_member_bytes() -> bytes:
    return _context_member().encode("utf-8")


def _compacted(graph: Described, triples: list) -> dict:
    """The graph compacted with our context, as rdflib's JSON-LD serializer makes it (`compaction`; one
    of another shape by rdflib's converter itself), without writing the parsed context out for each
    graph (with full IRIs) as rdflib's serializer does: ours is put in as written (_jsonld_text)."""
    try:
        compacted = _compactor().compact(triples)
    except Unsupported:
        made = Converter(_parsed_context(), True, False).convert(graph if isinstance(graph, Graph) else graph.graph())
        compacted = {_parsed_context().get_key("@graph"): made} if isinstance(made, list) else made
    compacted["@context"] = context()
    return compacted


@lru_cache(maxsize=1)
def _compactor() -> Compactor:
    return Compactor(_parsed_context())
