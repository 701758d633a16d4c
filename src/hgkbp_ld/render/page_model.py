"""What a resource's page shows, as data (no store, no HTML): its links, text blocks and rows, the page
itself, the Dutch names of classes and properties, and the order in which values are listed.
`render.views` fills them from the store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

_LIST_ITEM = re.compile(r"^(?:- |(\d+)\. )(.*)$")
SEPARATOR = re.compile(r"[#/]")  # before an IRI's local name (compiled once: every page asks)
_new = object.__new__


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
        return self.names.get(iri) or SEPARATOR.split(iri.rstrip("/#"))[-1]


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
            blocks.append(_block("list", "", items, bool(matches[0] and matches[0][1])))
        else:
            blocks.append(_block("paragraph", " ".join(lines), (), False))
    return blocks


def _block(kind: str, text: str, items: tuple[str, ...], ordered: bool) -> Block:
    """`Block(kind, text, items, ordered)` as `new_link` makes a link (every description's paragraphs)."""
    made = _new(Block)
    made.__dict__.update(kind=kind, text=text, items=items, ordered=ordered)
    return made


def new_link(label: str, href: str, note: str = "") -> Link:
    """`Link(label, href, note)` without the frozen dataclass's `__init__` (one `object.__setattr__` a
    field): a page makes some forty links, a plan's pages ~25,000. The same object."""
    made = _new(Link)
    fields = made.__dict__
    fields["label"] = label
    fields["href"] = href
    fields["note"] = note
    fields["plan"] = ""
    return made


def new_row(name: str, iri: str, values: tuple[Link | str, ...]) -> Row:
    """`Row(name, iri, values)` as `new_link` makes a link."""
    made = _new(Row)
    fields = made.__dict__
    fields["name"] = name
    fields["iri"] = iri
    fields["values"] = values
    return made
