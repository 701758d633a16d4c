"""Content negotiation, apart from rendering: (Accept header, offered types) → chosen type.

A real Accept parser (RFC 9110 §12.5.1): lists, q-values, wildcards, parameters, and the
headers browsers really send. Malformed parts are ignored rather than failing the request.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_ACCEPT = 4096  # longer headers are cut: no one needs more to say what they want
MAX_RANGES = 64


@dataclass(frozen=True)
class Format:
    media_type: str
    extension: str
    name: str  # for people, e.g. in download links


HTML = Format("text/html", "html", "HTML")
TURTLE = Format("text/turtle", "ttl", "Turtle")
JSONLD = Format("application/ld+json", "jsonld", "JSON-LD")
NTRIPLES = Format("application/n-triples", "nt", "N-Triples")
RDFXML = Format("application/rdf+xml", "rdf", "RDF/XML")
# Server preference when the client likes several equally (e.g. */*): a page for people first.
RESOURCE_FORMATS: tuple[Format, ...] = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML)
BY_EXTENSION = {f.extension: f for f in RESOURCE_FORMATS}
# Media types that clients use for one of ours.
ALIASES = {
    "application/json": JSONLD,
    "application/xhtml+xml": HTML,
    "application/xml": RDFXML,
    "text/n3": TURTLE,
    "application/x-turtle": TURTLE,
    "text/plain": NTRIPLES,
}


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: int  # number of parameters other than q: more specific when equal otherwise

    def matches(self, media_type: str) -> int:
        """0: no match; else a specificity rank (3 exact, 2 type/*, 1 */*)."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == kind and self.subtype == "*":
            return 2
        if self.type == kind and self.subtype == sub:
            return 3
        return 0


def parse_accept(header: str | None) -> list[MediaRange]:
    if not header:
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for part in header[:MAX_ACCEPT].split(",")[:MAX_RANGES]:
        pieces = [p.strip() for p in part.split(";")]
        kind, slash, sub = pieces[0].lower().partition("/")
        if not slash or not kind or not sub or " " in kind or " " in sub or (kind == "*" and sub != "*"):
            continue
        q, params = 1.0, 0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0 if value.strip() else 1.0
                if q != q:  # NaN
                    q = 0.0
            elif name.strip():
                params += 1
        ranges.append(MediaRange(kind, sub, q, params))
    return ranges


def negotiate(header: str | None, offered: tuple[Format, ...] = RESOURCE_FORMATS) -> Format | None:
    """The offered format the client prefers, or None (→ 406) if it accepts none of them."""
    ranges = parse_accept(header)
    best: tuple[float, int, Format] | None = None
    for position, fmt in enumerate(offered):
        quality = _quality(ranges, fmt.media_type)
        for alias, target in ALIASES.items():
            if target is fmt:
                quality = max(quality, _quality(ranges, alias, exact_only=True) * 0.99)
        if quality > 0 and (best is None or quality > best[0] or (quality == best[0] and position < best[1])):
            best = (quality, position, fmt)
    return None if best is None else best[2]


def _quality(ranges: list[MediaRange], media_type: str, *, exact_only: bool = False) -> float:
    """The q of the most specific range that matches (RFC 9110: specificity wins, not order)."""
    chosen: tuple[int, int, float] | None = None
    for media_range in ranges:
        rank = media_range.matches(media_type)
        if rank == 0 or (exact_only and rank < 3):
            continue
        key = (rank, media_range.params, media_range.q)
        if chosen is None or key[:2] > chosen[:2] or (key[:2] == chosen[:2] and key[2] > chosen[2]):
            chosen = key
    return 0.0 if chosen is None else chosen[2]
