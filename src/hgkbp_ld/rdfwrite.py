"""Turtle and RDF/XML of a page's graph, the bytes pyoxigraph's serializers give, without reading the
graph's N-Triples back into pyoxigraph first.

`rdfio.serialise_all` wrote both by parsing the sorted N-Triples with pyoxigraph and serialising what
it read (~40 % of a page's RDF cost: one Python object per term read back). These writers take the
same triples, in the same order (the sorted N-Triples lines'), and follow pyoxigraph's rules (0.5):

- Turtle: the `@prefix` lines as pyoxigraph writes them (taken from pyoxigraph once, nothing without a
  triple); a subject's triples together, `;` before another predicate, `,` before another object;
  `a` for rdf:type; an IRI in a declared namespace as `prefix:local`; a literal in double quotes with
  `\\\\`, `\\"`, `\\n`, `\\r`, `\\t` escaped, a language tag in lower case, an xsd:string literal
  plain, an integer, decimal, double or boolean bare when its text is in Turtle's grammar for it.
- RDF/XML: pyoxigraph's header (its namespaces, taken from it once); per subject an `rdf:Description`
  element, or the class's element when the subject's first triple is its rdf:type; a property as
  `prefix:local`, or `local xmlns="namespace"` outside the declared namespaces; `rdf:resource`,
  `xml:lang` (lower case) and `rdf:datatype`; `&`, `<`, `>`, `'` and `"` as entities.

Anything else (a blank node, a control character in a literal, a local name or language tag out of the
plain forms, an IRI that might not parse) raises `Unsupported` and the caller lets pyoxigraph write the
graph as before. `tests/test_rdf_writers.py` compares both on odd literals and IRIs and on every thing
of the real plan; bench/compare_dist.py compares whole builds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from operator import itemgetter
from typing import TypeVar

import pyoxigraph
from rdflib import Literal, URIRef
from rdflib.term import Node

# rdflib's terms equal only terms of their type (URIRef("x") != "x"): these are compared as str
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = URIRef(_XSD + "string")
_BARE = {  # Turtle's grammar for a literal written without quotes
    URIRef(_XSD + "integer"): re.compile(r"[+-]?[0-9]+\Z"),
    URIRef(_XSD + "decimal"): re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    URIRef(_XSD + "double"): re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+\Z"),
    URIRef(_XSD + "boolean"): re.compile(r"(?:true|false)\Z"),
}
_TURTLE_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"))  # in this order
_ODD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # escaped otherwise than the plain rules
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\\x7f]*\Z")  # a cheap first check
_TURTLE_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?\Z")
_XML_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
_LANGUAGE = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*\Z")
# where an entry of `groups` has its Turtle and RDF/XML parts and its predicate's record (`onepass._made`)
_FIRST, _SAME, _OTHER, _LINE, _TYPED, _VERB_OF = range(2, 8)
_CACHE = 1 << 12  # forms remembered per table, then forgotten: a build names millions (~1 MB a table)
_PAIRED = 500  # a graph of more triples (a plan's, not a page's) is written without `_pair`


_Form = TypeVar("_Form", str, tuple[str, str])
_TURTLE, _VERB, _NAME, _ABOUT = range(4)  # an IRI's forms, by position
_TURTLE_BYTES, _ABOUT_BYTES, _NAME_BYTES = range(4, 7)  # the same as UTF-8 (`rows`: a subject's, a class's)
_ENCODED = {_TURTLE_BYTES: _TURTLE, _ABOUT_BYTES: _ABOUT, _NAME_BYTES: _NAME}
_CHECKED = 7  # whether the IRI passed `_IRI` (once for its Turtle, its XML name and its XML attribute value)


class Unsupported(Exception):
    """A graph these writers do not write as pyoxigraph does: let pyoxigraph write it."""


class Writers:
    """Turtle and RDF/XML with one set of prefixes, each IRI's written forms remembered (bounded)."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        namespaces = list(prefixes.values())
        if any(a != b and a.startswith(b) for a in namespaces for b in namespaces):
            raise ValueError("a namespace inside another: which prefix pyoxigraph picks is not followed")
        self.prefixes = dict(prefixes)
        self.namespaces = tuple(namespaces)
        self.by_namespace = {namespace: prefix for prefix, namespace in prefixes.items()}
        node = pyoxigraph.NamedNode("urn:x")
        probe = pyoxigraph.Triple(node, node, node)
        turtle = pyoxigraph.serialize([probe], format=pyoxigraph.RdfFormat.TURTLE, prefixes=self.prefixes).decode()
        self.turtle_head = "".join(line + "\n" for line in turtle.split("\n") if line.startswith("@prefix "))
        empty = pyoxigraph.serialize([], format=pyoxigraph.RdfFormat.RDF_XML, prefixes=self.prefixes).decode()
        self.xml_tail = "</rdf:RDF>"
        if not empty.endswith("\n" + self.xml_tail):
            raise ValueError(f"pyoxigraph's RDF/XML is not as expected: {empty!r}")
        self.xml_head = empty[: -len(self.xml_tail)]
        self.turtle_head_bytes = self.turtle_head.encode()
        self.xml_head_bytes, self.xml_tail_bytes = self.xml_head.encode(), self.xml_tail.encode()
        self.xml_prefixes = dict(re.findall(r'xmlns:([A-Za-z_][A-Za-z0-9_.-]*)="([^"]*)"', self.xml_head))
        self.xml_by_namespace = {namespace: prefix for prefix, namespace in self.xml_prefixes.items()}
        # each IRI's forms (Turtle, Turtle as a predicate, XML element name, XML attribute value), made when
        # first asked, shared by every term of the same text, found by the term's identity (the term held,
        # so that its id is not reused meanwhile): a dict keyed by rdflib terms compares equal terms that
        # are not the same object with rdflib's Python __eq__
        self._iris: dict[int, tuple[Node, list]] = {}
        self._texts: dict[str, list] = {}
        self._literals: dict[int, tuple[Literal, str, str]] = {}
        self._literal_forms: dict[tuple[Node | None, str | None], tuple] = {}  # (datatype, language) -> `_literal_form`
        self._pairs: dict[tuple[int, int], tuple] = {}  # (predicate, object) -> what they write (`_pair`)
        self._verbs: dict[int, tuple[Node, tuple]] = {}  # a predicate's record (`_verb`), by its identity
        self._verb_texts: dict[str, tuple] = {}  # the same by its text (predicates are few)

    def _forms(self, term: Node) -> list:
        held = self._iris.get(id(term))
        if held is not None and held[0] is term:
            return held[1]
        text = str(term)
        forms = self._texts.get(text)
        if forms is None:
            if len(self._texts) >= _CACHE:
                self._texts.clear()
            forms = self._texts[text] = [None, None, None, None, None, None, None, False]
        if len(self._iris) >= _CACHE:
            self._iris.clear()
        self._iris[id(term)] = (term, forms)
        return forms

    def _make(self, forms: list, kind: int, term: Node) -> _Form:
        """Form `kind` (_TURTLE, _VERB, _NAME, _ABOUT, or one of them as UTF-8) of an IRI, made and kept in
        its `forms`."""
        if kind in _ENCODED:
            plain = forms[_ENCODED[kind]] or self._make(forms, _ENCODED[kind], term)
            made = tuple(part.encode() for part in plain) if kind == _NAME_BYTES else plain.encode()
            forms[kind] = made
            return made
        text = str(term)
        if kind != _VERB and not forms[_CHECKED]:
            if not _IRI.match(text):
                raise Unsupported(f"an IRI to check: {text}")
            forms[_CHECKED] = True
        if kind == _TURTLE:
            made = self._turtle_iri(text)
        elif kind == _VERB:
            made = "a " if text == _RDF_TYPE else (forms[_TURTLE] or self._make(forms, _TURTLE, term)) + " "
        elif kind == _NAME:
            made = self._xml_name(text)
        else:
            made = _xml_iri(text)
        forms[kind] = made
        return made

    def turtle_iri(self, iri: Node) -> str:
        """An IRI as Turtle: `prefix:local` or `<iri>`."""
        forms = self._forms(iri)
        return forms[_TURTLE] or self._make(forms, _TURTLE, iri)

    def predicate(self, iri: Node) -> str:
        """A predicate as Turtle with the space after it: `a ` for rdf:type."""
        forms = self._forms(iri)
        return forms[_VERB] or self._make(forms, _VERB, iri)

    def xml_name(self, iri: Node) -> tuple[str, str]:
        """An IRI as an element's start (`prefix:local` or `local xmlns="namespace"`) and end tag's name."""
        forms = self._forms(iri)
        return forms[_NAME] or self._make(forms, _NAME, iri)

    def xml_attribute(self, iri: Node) -> str:
        """An IRI as an attribute's value (rdf:about, rdf:resource, rdf:datatype)."""
        forms = self._forms(iri)
        return forms[_ABOUT] or self._make(forms, _ABOUT, iri)

    def _turtle_iri(self, iri: str) -> str:  # (`iri` checked by `_make`)
        if not iri.startswith(self.namespaces):  # (one call: most IRIs are in none)
            return f"<{iri}>"
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if not _TURTLE_LOCAL.match(local):
                    raise Unsupported(f"a local name to escape: {iri}")
                return f"{prefix}:{local}"
        return f"<{iri}>"

    def _xml_name(self, iri: str) -> tuple[str, str]:  # (`iri` checked by `_make`)
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        namespace, local = iri[:cut], iri[cut:]
        if not cut or not _XML_LOCAL.match(local):
            raise Unsupported(f"no plain local name: {iri}")
        prefix = self.xml_by_namespace.get(namespace)
        if prefix is not None:
            return f"{prefix}:{local}", f"{prefix}:{local}"
        return f'{local} xmlns="{_xml_escape(namespace)}"', local

    def turtle(self, triples: list[tuple[Node, Node, Node]]) -> bytes:
        """The triples (in the order given: pyoxigraph's grouping is of neighbours) as Turtle."""
        return self.both(triples)[0]

    def rdf_xml(self, triples: list[tuple[Node, Node, Node]]) -> bytes:
        """The triples (in the order given) as RDF/XML."""
        return self.both(triples)[1]

    def both(
        self, triples: list[tuple[Node, Node, Node]], blocks: list[tuple[str, str]] | None = None
    ) -> tuple[bytes, bytes]:
        """The triples (in the order given) as Turtle and as RDF/XML, in one pass over them. A page's
        graph: what each (predicate, object) writes is remembered (`_pair`: a label, a class, a plan
        are on many pages); a big graph's by its terms (`_by_terms`). `blocks`: each subject's Turtle
        and RDF/XML (without the heads and the tail) appended to it, in order (`rdfio.serialise_union`)."""
        if len(triples) > _PAIRED:
            return self._by_terms(triples, blocks)
        turtle: list[str] = []
        xml: list[str] = [self.xml_head]
        add, put = turtle.append, xml.append
        marks: list[tuple[int, int]] = []  # where each subject's Turtle and RDF/XML start (with `blocks`)
        iris, pairs, known, make, pair_of = self._iris, self._pairs, self._forms, self._make, self._pair
        same = str.__eq__  # rdflib's own == is Python code
        last_s: str | None = None
        last_p: str | None = None
        element = ""
        for s, p, o in triples:
            pair = pairs.get((id(p), id(o)))
            if pair is None or pair[0] is not p or pair[1] is not o:
                pair = pair_of(p, o)
            if type(s) is not URIRef:
                raise Unsupported("a blank node or a subclass of a term")
            if last_s is not None and same(s, last_s):
                if same(p, last_p):
                    add(pair[3])
                else:
                    add(pair[4])
                    last_p = p
                put(pair[5])
                continue
            if last_s is not None:
                add(" .\n")
                put(f"\t</{element}>\n")
            if blocks is not None:
                marks.append((len(turtle), len(xml)))
            held = iris.get(id(s))
            of_s = held[1] if held is not None and held[0] is s else known(s)
            add(of_s[_TURTLE] or make(of_s, _TURTLE, s))
            add(pair[2])
            last_s, last_p = s, p
            about = of_s[_ABOUT] or make(of_s, _ABOUT, s)
            if pair[6]:  # an rdf:type: the class's element, this triple said by it
                typed, element = self.xml_name(o)
                put(f'\t<{typed} rdf:about="{about}">\n')
                continue
            element = "rdf:Description"
            put(f'\t<rdf:Description rdf:about="{about}">\n')
            put(pair[5])
        return self._finished(turtle, xml, None if last_s is None else element, marks, blocks)

    def groups(self, ordered: list[tuple], blocks: list[tuple[bytes, bytes]] | None = None) -> tuple[bytes, bytes]:
        """`both` of a page's statements grouped by subject (`onepass.written`): each item (anything, the
        subject's parts (its `subject_bytes` at 1 and 2, None where it raised `Unsupported`), its entries
        sorted: their Turtle and RDF/XML parts at `_FIRST`... `_TYPED`, the predicate's record at `_VERB_OF`), in the
        subjects' order, written as UTF-8 from parts encoded once. `blocks`: each subject's Turtle and
        RDF/XML (without the heads and the tail) appended to it."""
        turtle: list[bytes] = []
        xml: list[bytes] = [self.xml_head_bytes]
        add, put, join = turtle.append, xml.append, b"".join
        for _key, subject, group in ordered:
            if subject[1] is None:
                raise Unsupported("a subject these writers leave to pyoxigraph")
            first = group[0]
            if len(group) == 1:
                written = join((subject[1], first[_FIRST], b" .\n"))
            else:
                parts = [subject[1], first[_FIRST]]
                last = first[_VERB_OF]
                for entry in group[1:]:  # a predicate's statements are together (sorted by their lines)
                    verb = entry[_VERB_OF]
                    if verb is last:
                        parts.append(entry[_SAME])
                    else:
                        parts.append(entry[_OTHER])
                        last = verb
                parts.append(b" .\n")
                written = join(parts)
            if first[_TYPED]:  # an rdf:type first: the class's element, this statement said by it
                o = first[1]
                held = self._iris.get(id(o))
                of_o = held[1] if held is not None and held[0] is o else self._forms(o)
                typed, element = of_o[_NAME_BYTES] or self._make(of_o, _NAME_BYTES, o)
                lines = [b"\t<", typed, b' rdf:about="', subject[2], b'">\n', *map(_line, group[1:])]
                lines += (b"\t</", element, b">\n")
            else:
                lines = [b'\t<rdf:Description rdf:about="', subject[2], b'">\n', *map(_line, group)]
                lines.append(b"\t</rdf:Description>\n")
            element_text = join(lines)
            add(written)
            put(element_text)
            if blocks is not None:
                blocks.append((written, element_text))
        if not turtle:
            return b"", self.xml_head_bytes + self.xml_tail_bytes
        put(self.xml_tail_bytes)
        return self.turtle_head_bytes + join(turtle), join(xml)

    def subject_bytes(self, subject: Node) -> tuple[bytes, bytes]:
        """A subject's Turtle and its rdf:about value, as UTF-8 (raises `Unsupported`)."""
        held = self._iris.get(id(subject))
        forms = held[1] if held is not None and held[0] is subject else self._forms(subject)
        turtle, about = forms[_TURTLE_BYTES], forms[_ABOUT_BYTES]
        if turtle is None or about is None:
            turtle, about = self._both_bytes(forms, subject)
        return turtle, about

    def _both_bytes(self, forms: list, term: Node) -> tuple[bytes, bytes]:
        """An IRI's Turtle and XML attribute value as UTF-8 (`_make`'s, made in one call), kept in its forms."""
        text = str(term)
        if not forms[_CHECKED]:
            if not _IRI.match(text):
                raise Unsupported(f"an IRI to check: {text}")
            forms[_CHECKED] = True
        turtle = forms[_TURTLE]
        if turtle is None:
            turtle = forms[_TURTLE] = self._turtle_iri(text)
        about = forms[_ABOUT]
        if about is None:
            about = forms[_ABOUT] = _xml_iri(text)
        found = forms[_TURTLE_BYTES], forms[_ABOUT_BYTES] = turtle.encode(), about.encode()
        return found

    def verb(self, p: Node) -> tuple:
        """A predicate's record (`_verb`): ` verb`, the verb, ` ;` and the verb, the property element's
        start and end, whether it is rdf:type. Raises `Unsupported`."""
        held = self._verbs.get(id(p))
        return (self._verb(p) if held is None or held[0] is not p else held)[1]

    def _verb(self, p: Node) -> tuple[Node, tuple]:
        """A predicate's record (` verb`, the verb, ` ;` and the verb, the property element's start and
        end, whether it is rdf:type), one per text, found by the term's identity (held)."""
        text = str(p)
        record = self._verb_texts.get(text)
        if record is None:
            verb = self.predicate(p).encode()
            tag, close = self.xml_name(p)
            record = (b" " + verb, verb, b" ;\n\t" + verb, ("\t\t<" + tag).encode(), f"</{close}>\n".encode())
            record = self._verb_texts[text] = (*record, text == _RDF_TYPE)
        if len(self._verbs) >= _CACHE:
            self._verbs.clear()
        found = self._verbs[id(p)] = (p, record)
        return found

    def _by_terms(
        self, triples: list[tuple[Node, Node, Node]], blocks: list[tuple[str, str]] | None = None
    ) -> tuple[bytes, bytes]:
        """`both`, each term's forms looked up: for a big graph (a plan's dump), whose statements are
        mostly written once, so that remembering them costs more than it saves."""
        turtle: list[str] = []
        xml: list[str] = [self.xml_head]
        add, put = turtle.append, xml.append
        marks: list[tuple[int, int]] = []  # where each subject's Turtle and RDF/XML start (with `blocks`)
        iris, literals, known, make = self._iris, self._literals, self._forms, self._make
        same = str.__eq__  # rdflib's own == is Python code
        last_s: str | None = None
        last_p: str | None = None
        element = ""
        for s, p, o in triples:
            kind = type(o)
            if type(s) is not URIRef or type(p) is not URIRef or (kind is not URIRef and kind is not Literal):
                raise Unsupported("a blank node or a subclass of a term")
            if kind is URIRef:
                held = iris.get(id(o))
                of_o = held[1] if held is not None and held[0] is o else known(o)
                written = of_o[_TURTLE] or make(of_o, _TURTLE, o)
            else:
                held = literals.get(id(o))
                if held is None or held[0] is not o:
                    held = self._literal(o)
                written, content = held[1], held[2]
            held = iris.get(id(p))
            of_p = held[1] if held is not None and held[0] is p else known(p)
            if last_s is not None and same(s, last_s):
                if same(p, last_p):
                    add(" , " + written)
                else:
                    add(" ;\n\t" + (of_p[_VERB] or make(of_p, _VERB, p)) + written)
            else:
                if last_s is not None:
                    add(" .\n")
                    put(f"\t</{element}>\n")
                if blocks is not None:
                    marks.append((len(turtle), len(xml)))
                verb = of_p[_VERB] or make(of_p, _VERB, p)
                held = iris.get(id(s))
                of_s = held[1] if held is not None and held[0] is s else known(s)
                add((of_s[_TURTLE] or make(of_s, _TURTLE, s)) + " " + verb + written)
                last_s, last_p = s, p
                about = of_s[_ABOUT] or make(of_s, _ABOUT, s)
                if kind is URIRef and verb == "a ":  # the class's element, this triple said by it
                    typed, element = of_o[_NAME] or make(of_o, _NAME, o)
                    put(f'\t<{typed} rdf:about="{about}">\n')
                    continue
                element = "rdf:Description"
                put(f'\t<rdf:Description rdf:about="{about}">\n')
            last_s, last_p = s, p
            tag, close = of_p[_NAME] or make(of_p, _NAME, p)
            if kind is URIRef:
                put(f'\t\t<{tag} rdf:resource="{of_o[_ABOUT] or make(of_o, _ABOUT, o)}"/>\n')
            else:
                put(f"\t\t<{tag}{content}</{close}>\n")
        return self._finished(turtle, xml, None if last_s is None else element, marks, blocks)

    def _finished(
        self,
        turtle: list[str],
        xml: list[str],
        element: str | None,
        marks: list[tuple[int, int]],
        blocks: list[tuple[str, str]] | None,
    ) -> tuple[bytes, bytes]:
        """The end of `both` and `_by_terms`: the last subject's statement and element closed (`element`:
        None if there was none), each subject's blocks given (`blocks`), the two documents."""
        xml.append(f"\t</{element}>\n" if element is not None else "")
        xml.append(self.xml_tail)
        if element is None:
            return b"", "".join(xml).encode("utf-8")
        turtle.append(" .\n")
        if blocks is not None:
            _blocks(marks, turtle, xml, blocks)
        return self.turtle_head_bytes + utf8(turtle), utf8(xml)

    def _pair(self, p: Node, o: Node, keep: bool = True) -> tuple:
        """What a (predicate, object) writes, remembered by their identities (both held): the Turtle
        after a new subject (` verb object`), after the same predicate (` , object`), after another
        (` ;` and the verb and object), the RDF/XML property element, whether it is an rdf:type."""
        kind = type(o)
        if type(p) is not URIRef or (kind is not URIRef and kind is not Literal):
            raise Unsupported("a blank node or a subclass of a term")
        verb = self.predicate(p)
        tag, close = self.xml_name(p)
        if kind is URIRef:
            written = self.turtle_iri(o)
            line = f'\t\t<{tag} rdf:resource="{self.xml_attribute(o)}"/>\n'
        else:
            held = self._literals.get(id(o))
            if held is None or held[0] is not o:
                held = self._literal(o)
            written = held[1]
            line = f"\t\t<{tag}{held[2]}</{close}>\n"
        pair = (
            p,
            o,
            " " + verb + written,
            " , " + written,
            " ;\n\t" + verb + written,
            line,
            kind is URIRef and verb == "a ",
        )
        if keep:  # (not where the caller keeps it: rdfio's entries)
            if len(self._pairs) >= _CACHE:
                self._pairs.clear()
            self._pairs[(id(p), id(o))] = pair
        return pair

    def _literal(self, literal: Literal) -> tuple[Literal, str, str]:
        """A literal's Turtle and its RDF/XML element's attribute and content (`xml:lang="nl">text`),
        remembered by the literal's identity (it is held, so its id is not reused meanwhile): the
        store's terms are made once (store/base.py), and a label is on many pages."""
        if len(self._literals) >= _CACHE:
            self._literals.clear()
        found = self._literals[id(literal)] = (literal, self._turtle_literal(literal), self._xml_literal(literal))
        return found

    def _xml_literal(self, literal: Literal) -> str:
        form = self._literal_form(literal.datatype, literal.language)
        return form[2] + _xml_escape(str(literal))

    def _turtle_literal(self, literal: Literal) -> str:
        return self._turtle_text(str(literal), self._literal_form(literal.datatype, literal.language))

    def literal_bytes(self, text: str, datatype: Node | None, language: str | None) -> tuple[bytes, bytes]:
        """A literal's Turtle and its RDF/XML element's attribute and content (`_literal`'s texts), as
        UTF-8, from its text, datatype and language (what they write besides the text worked out once:
        `_literal_form`). Raises `Unsupported`."""
        held = self._literal_forms.get((datatype, language))
        form = self._literal_form(datatype, language) if held is None else held
        return self._turtle_text(text, form).encode(), (form[2] + _xml_escape(text)).encode()

    @staticmethod
    def _turtle_text(text: str, form: tuple) -> str:
        if not text.isprintable() and _ODD_TEXT.search(text):  # (a control character is not printable)
            raise Unsupported("a control character")
        bare = form[0]
        if bare is not None and bare.match(text):
            return text
        for plain, escaped in _TURTLE_ESCAPES:  # each looked for first (memchr): a replace scans the whole text
            if plain in text:
                text = text.replace(plain, escaped)
        return '"' + text + '"' + form[1]

    def _literal_form(self, datatype: Node | None, language: str | None) -> tuple:
        """What a literal of this datatype and language writes besides its text: Turtle's grammar for it
        bare (or None), its Turtle after the quoted text (`@nl`, `^^xsd:integer`), its RDF/XML element's
        attribute and `>`. Raises `Unsupported` (a language tag out of the plain form)."""
        found = self._literal_forms.get((datatype, language))
        if found is not None:
            return found
        typed = datatype is not None and datatype != _XSD_STRING
        if language:
            if not _LANGUAGE.match(language):
                raise Unsupported(f"a language tag: {language}")
            found = (None, f"@{language.lower()}", f' xml:lang="{language.lower()}">')
        elif typed:
            attribute = f' rdf:datatype="{self.xml_attribute(datatype)}">'  # type: ignore[arg-type]
            found = (_BARE.get(datatype), f"^^{self.turtle_iri(datatype)}", attribute)  # type: ignore[arg-type]
        else:
            found = (None, "", ">")
        if len(self._literal_forms) >= _CACHE:
            self._literal_forms.clear()
        self._literal_forms[(datatype, language)] = found
        return found


_line = itemgetter(_LINE)


def _blocks(marks: list[tuple[int, int]], turtle: list[str], xml: list[str], blocks: list[tuple[str, str]]) -> None:
    """Each subject's Turtle and RDF/XML, from where each starts in the parts written (`xml` ends with the tail)."""
    ends = [*marks[1:], (len(turtle), len(xml) - 1)]
    for (turtle_at, xml_at), (turtle_end, xml_end) in zip(marks, ends, strict=True):
        blocks.append(("".join(turtle[turtle_at:turtle_end]), "".join(xml[xml_at:xml_end])))


def utf8(parts: list[str]) -> bytes:
    """`"".join(parts).encode("utf-8")`, each part encoded alone: a big graph's text holds a few non-ASCII
    characters, and the encoder goes through a text with one of them character by character, while an
    ASCII part is copied as it is."""
    return b"".join(map(_encode, parts))


_encode = str.encode  # UTF-8, without naming the codec (a lookup of its name each call)


def _xml_iri(iri: str) -> str:  # (`iri` checked by `Writers._make`)
    return _xml_escape(iri)


def _xml_escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "'" in text:
        text = text.replace("'", "&apos;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text
