"""JSON-LD compaction of a graph with our one context, the object rdflib's converter makes, faster.

rdflib's `Converter` (what `Graph.serialize(format="json-ld", context=...)` runs) looks every triple's
term up in the context again, asks the graph whether each object heads an RDF list, and shrinks every
IRI anew: ~9 % of a plan's render. Our pages' graphs have a plain shape (named things, literals, no
blank node, no list), for which `compact` makes the same object with each lookup done once per
process: the terms are still found by rdflib's own `Context` (`find_term`, `shrink_iri`,
`to_symbol`), only remembered. A graph of another shape (a blank node, an RDF list, a term with a
container, a key that could be an array) raises `Unsupported`, and the caller lets rdflib's converter
make it (`rdfio.serialise_all`). `tests/test_rdf_writers.py` compares both on odd literals, and every
page of the real and synthetic plans is checked against rdflib's text (bench/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.serializers.jsonld import PLAIN_LITERAL_TYPES
from rdflib.plugins.shared.jsonld.context import UNDEF, Context
from rdflib.plugins.shared.jsonld.keys import ID, VOCAB

_LISTS = frozenset((RDF.first, RDF.rest, RDF.nil))  # a set: a term is found by its hash, not compared
_REMEMBERED = 1 << 12  # statements' values remembered, then forgotten: a build makes millions
_SHRUNK = 1 << 14  # IRIs' short forms remembered, then forgotten (a plan's pages name ~2,000)
_SORTED = orjson.OPT_SORT_KEYS
# how a statement's value is made from its object (`Compactor.how`, `value`): the object itself (a literal), its
# text, the IRI shortened, {"@id": the IRI shortened}, the IRI's symbol, the literal's Python value, {"@type",
# "@value"}, {"@language", "@value"}
_SELF, _TEXT, _SHRUNK, _REFERENCE, _SYMBOL, _NATIVE, _TYPED, _TAGGED = range(8)


class Unsupported(Exception):
    """A graph outside the shape `compact` makes as rdflib does: let rdflib's converter make it."""


class Unsorted(Exception):
    """A document `compact_sorted` does not sort (a float, a value orjson cannot write): `compact` it."""


class Compactor:
    """Compacts graphs with one parsed context (rdflib's), remembering each term and IRI it looked up."""

    def __init__(self, context: Context) -> None:
        if not context.active or context.language is not None:
            raise ValueError("a context with terms and no default language")
        self.context = context
        self.id_key = context.id_key
        self.type_key = context.type_key
        self.value_key = context.value_key
        self.lang_key = context.lang_key
        self.graph_key = context.get_key("@graph")
        self._shrunk: dict[str, str] = {}
        self._symbols: dict[str, str | None] = {}
        # (predicate, datatype, language) of a literal, or (predicate,) of an IRI -> what `how` says
        self._hows: dict[tuple, tuple[str, int, str | None]] = {}
        # (id of the predicate, id of the object) -> (key, value, predicate, object, whether the value is
        # a float or the key sorts before the id's)
        self._values: dict[tuple[int, int], tuple[str, Any, Any, Any, bool]] = {}

    def shrink(self, iri: str) -> str:
        """An IRI as the context shortens it (rdflib's `shrink_iri`), kept for the last `_SHRUNK` IRIs: a
        worker meets every plan's own IRIs, ~650 new ones a plan (kept whole, they were ~0.2 MB a plan
        it built). Asked with the text, not a `URIRef` made of it (rdflib checks an IRI's every
        character when it makes one): the same text, a `str` where it is not shortened."""
        found = self._shrunk.get(iri)
        if found is None:
            if len(self._shrunk) >= _SHRUNK:
                self._shrunk.clear()
            found = self._shrunk[iri] = self.context.shrink_iri(iri)
        return found

    def symbol(self, iri: str) -> str | None:
        if iri in self._symbols:
            return self._symbols[iri]
        found = self._symbols[iri] = self.context.to_symbol(iri)
        return found

    def _key(
        self, predicate: str, literal: bool, datatype: URIRef | None, language: str | None
    ) -> tuple[str, bool, object, str | None]:
        """The key a value of `predicate` (an IRI, or a literal of this datatype and language) is put
        under, whether a term of the context gave it, that term's coercion (its @type) and its language
        (rdflib's `Converter.add_to_node`)."""
        context = self.context
        if literal:
            term = context.find_term(predicate, str(datatype) if datatype else None, language=language)
        else:
            term = None
            for coercion in (ID, VOCAB, UNDEF):
                term = context.find_term(predicate, coercion, None)
                if term:
                    break
        if term:
            if term.container:
                raise Unsupported(f"a term with a container: {term.name}")
            if not literal and not term.type and term.language:
                raise Unsupported(f"a language term for an IRI: {term.name}")
            return term.name, True, term.type, term.language
        if predicate == str(RDF.type):
            return self.type_key, False, None, None
        key = context.to_symbol(predicate)
        held = context.terms.get(key)
        if held and (held.type or held.container):
            key = predicate
        return key, False, None, None

    def how(
        self, predicate: str, literal: bool, datatype: URIRef | None = None, language: str | None = None
    ) -> tuple[str, int, str | None]:
        """The key of a statement of `predicate` with an IRI (`literal` False) or a literal of this
        datatype and language, how its value is made from the object (`_HOW`: `value`) and what that
        takes besides (a symbol, a language), as rdflib's `Converter` decides it (`add_to_node`,
        `type_coerce`, `to_raw_value`): the same for every object of these, remembered. Raises
        `Unsupported`."""
        lookup = (predicate, datatype, language) if literal else (predicate,)
        found = self._hows.get(lookup)
        if found is not None:
            return found
        key, termed, coercion, term_language = self._key(predicate, literal, datatype, language)
        extra: str | None = None
        if termed and coercion and coercion == ID:
            how = _SELF if literal else _SHRUNK
        elif termed and coercion and coercion == VOCAB and not literal:
            how = _SYMBOL
        elif termed and coercion and literal and str(datatype) == coercion:
            how = _SELF
        elif termed and not coercion and term_language and literal and language == term_language:
            how = _TEXT
        elif not termed and key == self.type_key and not literal:  # rdf:type without a term: the class's symbol
            how = _SYMBOL
        elif not literal:  # `_raw` of an IRI
            how = _REFERENCE
        elif datatype:
            how = _NATIVE if datatype in PLAIN_LITERAL_TYPES else _TYPED
            extra = None if how == _NATIVE else self.symbol(str(datatype))
        elif language:
            how, extra = _TAGGED, language
        else:
            how = _TEXT
        found = self._hows[lookup] = (key, how, extra)
        return found

    def value(self, o: URIRef | Literal, text: str, how: int, extra: str | None) -> Any:  # noqa: ANN401
        """The compacted value of an object (`text`: its text) made as `how` says (rdflib's `Converter`)."""
        if how == _TEXT:
            return text
        if how == _SHRUNK:
            return self.shrink(text)
        if how == _REFERENCE:
            return {self.id_key: self.shrink(text)}
        if how == _SELF:
            return o
        if how == _SYMBOL:
            return self.symbol(text)
        if how == _NATIVE:
            return o.toPython()
        if how == _TYPED:
            return {self.type_key: extra, self.value_key: text}
        return {self.lang_key: extra, self.value_key: text}  # _TAGGED

    def _value(self, predicate: URIRef, o: URIRef | Literal) -> tuple[str, Any]:
        """The key and the compacted value of one statement (rdflib's `Converter.add_to_node`)."""
        if _is(o, Literal, URIRef):
            key, how, extra = self.how(str(predicate), True, o.datatype, o.language)  # type: ignore[union-attr]
        else:
            key, how, extra = self.how(str(predicate), False)
        return key, self.value(o, str(o), how, extra)

    def _statement(self, p: Any, o: Any, keep: bool = True) -> tuple[str, Any, Any, Any, bool]:  # noqa: ANN401
        """A statement's key and value (remembered by the identity of its predicate and object, both
        held so that their ids are not reused meanwhile; rdflib's == is Python code), and whether
        `compact_sorted` leaves its document to the caller (a float, a key before "@id")."""
        kind = type(o)  # (`isinstance` of a term of rdflib's other types: see `_is`)
        blank = kind is not URIRef and kind is not Literal and isinstance(o, BNode)
        if blank or p in _LISTS or (kind is URIRef and o in _LISTS):
            raise Unsupported("a blank node or an RDF list")
        key, value = self._value(p, o)
        found = (key, value, p, o, type(value) is float or key <= self.id_key)
        if keep:  # (not where the caller keeps it: rdfio's entries)
            values = self._values
            if len(values) >= _REMEMBERED:
                values.clear()
            values[(id(p), id(o))] = found
        return found

    def compact(self, triples: Iterable[tuple[Any, Any, Any]]) -> dict[str, Any]:
        """The compacted document of these triples (as `Converter.convert` of their graph, a list of
        nodes put under @graph), without its @context. Raises `Unsupported`."""
        nodes, _arrays = self._nodes(triples, sorting=False)
        if len(nodes) == 1:
            return next(iter(nodes.values()))
        return {self.graph_key: list(nodes.values())}

    def compact_sorted(self, triples: Iterable[tuple[Any, Any, Any]]) -> dict[str, Any]:
        """`compact`'s document with every array sorted by its items' orjson text with sorted keys (as
        `rdfio` sorts a document before writing it), without walking the document again for its arrays:
        those made here are sorted, the nodes under @graph by their ids' text, which decides ("@id" is
        every node's first key, and the ids differ: a JSON string is never the start of another).
        Raises `Unsupported`, or `Unsorted` for a float, a key sorting before "@id" or two nodes of one
        id (the caller then sorts `compact`'s document itself)."""
        nodes, arrays = self._nodes(triples, sorting=True)
        for array in arrays:
            array.sort(key=_text)
        if len(nodes) == 1:
            return next(iter(nodes.values()))
        id_key = self.id_key
        by_text = {orjson.dumps(node[id_key]): node for node in nodes.values()}
        if len(by_text) != len(nodes):
            raise Unsorted("two nodes of one id")
        return {self.graph_key: [by_text[text] for text in sorted(by_text)]}

    def _nodes(
        self, triples: Iterable[tuple[Any, Any, Any]], sorting: bool
    ) -> tuple[dict[Any, dict[str, Any]], list[list]]:
        """Each subject's node (its id, then each key's value, or values in the order given) and the
        arrays made; `sorting`: raise `Unsorted` for a statement `compact_sorted` does not sort."""
        nodes: dict[Any, dict[str, Any]] = {}
        arrays: list[list] = []
        values = self._values
        id_key = self.id_key
        for s, p, o in triples:
            if type(s) is not URIRef:
                raise Unsupported("a blank node or an RDF list")
            found = values.get((id(p), id(o)))
            if found is None or found[2] is not p or found[3] is not o:
                found = self._statement(p, o)
            if sorting and found[4]:
                raise Unsorted("a float or a key before the id's")
            key, value = found[0], found[1]
            node = nodes.get(s)
            if node is None:
                node = nodes[s] = {id_key: self.shrink(str(s))}
            held = node.get(key)
            if held:
                if type(held) is list:
                    held.append(value)
                else:
                    node[key] = held = [held, value]
                    arrays.append(held)
            else:
                node[key] = value
        return nodes, arrays


def _is(term: object, kind: type, other: type) -> bool:
    """`isinstance(term, kind)`, answered without it where `term` is of `kind` or of the `other` type
    exactly: rdflib's terms are ABCs, whose `isinstance` of another class runs `ABCMeta.__instancecheck__`
    (Python code) on every statement not remembered yet."""
    found = type(term)
    return found is kind or (found is not other and isinstance(term, kind))


def _text(value: object) -> bytes:
    return orjson.dumps(value, option=_SORTED)
