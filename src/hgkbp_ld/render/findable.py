"""What search engines read: each page's description, canonical address and sharing cards, and the
site's robots.txt and sitemaps. Made once with the rest of the site, never per request.

Canonical addresses, sitemap entries and the robots.txt `Sitemap:` line are absolute and on the
canonical base (a copy of the site on another host points search engines at the original); the
links inside pages stay relative, on the host that was asked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from rdflib import Graph
from rdflib.namespace import DCTERMS, RDFS

from hgkbp_ld import iris
from hgkbp_ld.iris import MANDAAT
from hgkbp_ld.render.views import Link, Page
from hgkbp_ld.store.base import iri_term
from hgkbp_ld.web.action_index import FILTERS

if TYPE_CHECKING:
    from hgkbp_ld.render.history import Entry as HistoryEntry
    from hgkbp_ld.render.history import Histories

SITE_NAME = "Beleidsplannen als linked data"
DESCRIPTION_CHARS = 160  # what result pages show; longer descriptions are cut there anyway
SITEMAP_URLS = 50_000  # the sitemaps protocol's limit per file
# the terms a description reads, made once (a namespace's attribute is a new term each time), as the
# store's own term objects (`iri_term`: found in a graph's index without rdflib's `__eq__`)
_DESCRIPTION, _ALTERNATIVE = iri_term(DCTERMS.description), iri_term(DCTERMS.alternative)
_ALIAS_OF, _LABEL = iri_term(MANDAAT.isBestuurlijkeAliasVan), iri_term(RDFS.label)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9À-ÖØ-Þ\"'(])")


@dataclass(frozen=True)
class Meta:
    """The head of a page for search engines and for sharing (Open Graph, Twitter cards)."""

    title: str
    description: str
    canonical: str | None  # absolute; None for pages that are not a document of their own (404)
    schema: str | None = None  # a schema.org JSON-LD description (the Dataset on its landing page)


@lru_cache(maxsize=1024)  # a thing's current page and its past versions' pages describe it by one text
def first_sentences(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """As many whole sentences as fit in `limit` characters; a first sentence too long is cut at a word."""
    flat = " ".join(text.split())
    if 0 < len(flat) <= limit:  # every sentence fits: they are `flat` (its spaces are single), no split needed
        return flat
    chosen = ""
    for sentence in _SENTENCE_END.split(flat):
        candidate = f"{chosen} {sentence}".strip()
        if len(candidate) > limit:
            break
        chosen = candidate
    if chosen:
        return chosen
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def _labels(links: object) -> list[str]:
    return [link.label for link in links if isinstance(link, Link)] if isinstance(links, list) else []


def _count(links: object, one: str, many: str) -> str:
    number = len(links) if isinstance(links, list) else 0
    return f"{number} {one if number == 1 else many}"


def describe(page: Page, graph: Graph) -> str:
    """A page's meta description, drawn from the resource: an action's first sentences, a goal's title,
    a minister's portfolios, the plan's summary; for anything else its own description or what it is."""
    node = iri_term(page.iri)
    own = graph.value(node, _DESCRIPTION)
    plan = page.breadcrumbs[0].label if page.breadcrumbs else ""
    of_plan = f" van het {plan}" if plan else ""
    sections = page.sections
    if page.kind == "Actie" and own is not None:
        return first_sentences(str(own))
    if page.kind == "HorizontaleDoelstelling":
        children = sections.get("children") or []
        actions = sum(len(actions) for _od, actions in children)  # type: ignore[union-attr]
        return first_sentences(
            f"{page.notation}{of_plan}: {page.title}. "
            f"{_count(children, 'operationele doelstelling', 'operationele doelstellingen')} "
            f"met samen {actions} {'actie' if actions == 1 else 'acties'}."
        )
    if page.kind == "OperationeleDoelstelling":
        actions = sections.get("actions")
        return first_sentences(f"{page.notation}{of_plan}: {page.title}. {_count(actions, 'actie', 'acties')}.")
    if page.kind == "Mandataris":
        person = graph.value(graph.value(node, _ALIAS_OF), _LABEL)
        who = f"{person}, {page.title}" if person is not None else page.title
        portfolios = ", ".join(_labels(sections.get("portfolios"))) or "geen bevoegdheid in het plan"
        return first_sentences(
            f"{who} ({sections.get('period')}). Bevoegdheden: {portfolios}. "
            f"Verantwoordelijk voor {_count(sections.get('lead'), 'actie', 'acties')}, "
            f"partner in {_count(sections.get('partner'), 'actie', 'acties')}.",
            DESCRIPTION_CHARS + 60,
        )
    if page.kind == "Bevoegdheid":
        holders = ", ".join(_labels(sections.get("holders_now")))
        return first_sentences(
            f"Bevoegdheid {page.title}: verantwoordelijk voor {_count(sections.get('lead'), 'actie', 'acties')} "
            f"en partner in {_count(sections.get('partner'), 'actie', 'acties')} van de horizontale beleidsplannen."
            + (f" Nu bij {holders}." if holders else "")
        )
    if page.kind == "Beleidsplan" and own is None and sections.get("goals"):
        goals = sections["goals"]
        ods = sum(len(children) for _goal, children in goals)  # type: ignore[union-attr]
        alternative = graph.value(node, _ALTERNATIVE)
        name = f"{page.title} ({alternative})" if alternative else page.title
        return first_sentences(
            f"{name} als linked open data: {_count(goals, 'horizontale doelstelling', 'horizontale doelstellingen')}"
            f", {ods} operationele doelstellingen en hun acties, met verantwoordelijke ministers, tijdspaden "
            "en indicatoren.",
            DESCRIPTION_CHARS + 60,
        )
    if page.kind == "Person":
        mandates = "; ".join(v.label for row in page.incoming for v in row.values if isinstance(v, Link))
        if mandates:
            return first_sentences(f"{page.title}: {mandates}.", DESCRIPTION_CHARS + 60)
    if own is not None and len(str(own)) >= 50:
        return first_sentences(str(own))
    name = f"{page.notation}: {page.title}" if page.notation and page.notation != page.title else page.title
    if page.kind_label != page.kind and not name.casefold().startswith(page.kind_label.casefold()):
        name = f"{page.kind_label[:1].upper()}{page.kind_label[1:]} {name}"  # a Dutch name of its kind
    said = f": {' '.join(str(own).split())}" if own is not None and str(own) != page.title else ""
    row = next((r for r in page.incoming if r.values and isinstance(r.values[0], Link)), None)
    if row is not None and not of_plan:  # what points to it says what it is: "Actie 1 heeft indicator …"
        parent = row.values[0]
        return first_sentences(f"{parent.note or parent.label} {row.name} {name}{said}.")  # type: ignore[union-attr]
    return first_sentences(f"{name}{of_plan}{said}, als linked open data.")


def resource_meta(page: Page, graph: Graph, base: str, title: str, schema: str | None = None) -> Meta:
    """A resource's page's `Meta`, made without the frozen dataclass's `__init__` (one `object.__setattr__` a
    field; every page of a plan has one): the same object."""
    made = _new(Meta)
    fields = made.__dict__
    fields["title"] = title
    fields["description"] = describe(page, graph)
    fields["canonical"] = iris.document(base, page.path)
    fields["schema"] = schema
    return made


_new = object.__new__


DOCUMENTS = {  # the site's own pages (path after the base's "/"): title and what search results say
    "": (
        SITE_NAME,
        "De horizontale beleidsplannen van de Vlaamse Regering als linked open data: elke doelstelling, "
        "actie en minister met een vaste IRI, een leesbare pagina en RDF.",
    ),
    "acties": (
        "Acties",
        "Alle acties van de horizontale beleidsplannen in één tabel, te filteren op doelstelling, bevoegdheid, "
        "minister of jaar, en doorzoekbaar.",
    ),
    "sparql": (
        "SPARQL-eindpunt",
        "Stel zelf vragen aan de horizontale beleidsplannen met SPARQL 1.1, in de browser of met elk programma "
        "dat het SPARQL 1.1 Protocol spreekt.",
    ),
    "data/": (
        "Downloads",
        "De hele dataset in Turtle, N-Triples, JSON-LD en RDF/XML, met het vocabularium en de SHACL-vormen, "
        "elk bestand met zijn SHA-256-controlegetal.",
    ),
    "doc/applicatieprofiel/beleidsplan": (
        "Applicatieprofiel Beleidsplan",
        "Het applicatieprofiel Beleidsplan: wat gegevens over een beleidsplan moeten bevatten, als SHACL-vormen "
        "waartegen elke build gevalideerd wordt.",
    ),
}


def document_meta(base: str, path: str, title: str | None = None, description: str | None = None) -> Meta:
    known_title, known_description = DOCUMENTS.get(path, (path, ""))
    return Meta(title or known_title, first_sentences(description or known_description), f"{base}/{path}")


# --- robots.txt -------------------------------------------------------------------------------------------


def robots_txt(base: str, closed: Iterable[str]) -> str:
    """Pages, dumps and the event stream are open; queries are not. `closed` are URL prefixes such as
    `/acties?q=` (one per filter parameter, which is what urllib.robotparser and Google both read the
    same way: a bare `/acties?` would close /acties itself to the first)."""
    lines = [
        "# hgkbp-ld: horizontal policy plans as linked open data.",
        "# Every page and dump is open to crawlers. Closed: SPARQL queries and the filtered lists of",
        "# actions, of which there are infinitely many; the unfiltered /acties and /sparql stay open.",
        "User-agent: *",
        *(f"Disallow: {prefix}" for prefix in sorted(set(closed))),
        "Disallow: /health",
        "Allow: /",
        "",
        f"Sitemap: {base}/sitemap.xml",
        "",
    ]
    return "\n".join(lines)


# --- sitemaps ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    loc: str  # absolute
    lastmod: dt.datetime
    group: str  # the plan it belongs to, or "algemeen"


def _w3c(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _urlset(entries: list[Entry]) -> bytes:
    rows = "".join(
        f"<url><loc>{escape(e.loc)}</loc><lastmod>{_w3c(e.lastmod)}</lastmod></url>\n"
        for e in sorted(entries, key=lambda e: e.loc)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n'
    ).encode()


def sitemaps(entries: list[Entry], base: str) -> dict[str, bytes]:
    """`sitemap.xml`: every page in one file while there is one plan; with more plans (or more than the
    protocol's 50,000 addresses in one file) a sitemap index of `sitemaps/{plan}.xml` files, one per plan
    and one (`algemeen`) for what plans share, split in numbered parts where one would be too long."""
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.group, []).append(entry)
    plans = [g for g in groups if g != "algemeen"]
    if len(plans) <= 1 and len(entries) <= SITEMAP_URLS:
        return {"sitemap.xml": _urlset(entries)}
    files: dict[str, bytes] = {}
    index = []
    for group, members in sorted(groups.items()):
        for name, body, line in group_sitemaps(group, members, base):
            files[name] = body
            index.append(line)
    files["sitemap.xml"] = sitemap_index(index)
    return files


def group_sitemaps(group: str, members: list[Entry], base: str) -> list[tuple[str, bytes, str]]:
    """One group's sitemap files (name, body, its line in the sitemap index), `sitemaps/{group}.xml`."""
    members = sorted(members, key=lambda e: e.loc)
    found = []
    for part, start in enumerate(range(0, len(members), SITEMAP_URLS), start=1):
        chunk = members[start : start + SITEMAP_URLS]
        name = f"sitemaps/{group}.xml" if part == 1 else f"sitemaps/{group}-{part}.xml"
        line = (
            f"<sitemap><loc>{escape(f'{base}/{name}')}</loc>"
            f"<lastmod>{_w3c(max(e.lastmod for e in chunk))}</lastmod></sitemap>\n"
        )
        found.append((name, _urlset(chunk), line))
    return found


def sitemap_index(lines: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{"".join(lines)}</sitemapindex>\n'
    ).encode()


def lastmod(
    path: str,
    base: str,
    versions: Mapping[str, list[dt.datetime]],
    entries: Mapping[str, list[HistoryEntry]],
    fallback: dt.datetime,
) -> Entry:
    """When a page last changed: the version in which its object last changed; for what the version
    history does not track (a period, an indicator, a document), the last version of its plan.
    `versions`: each plan's versions' times; `entries`: objects' versions (render.history)."""
    parts = path.split("/")
    if parts[0] == "versie" and len(parts) > 2 and parts[2].isdigit() and parts[1] in versions:
        return Entry(path, versions[parts[1]][int(parts[2]) - 1], parts[1])
    group = parts[1] if len(parts) > 1 and versions.get(parts[1]) else "algemeen"
    found = entries.get(iris.thing(base, path))
    if found:
        return Entry(path, found[-1].timestamp, group)
    return Entry(path, versions[group][-1] if group in versions else fallback, group)


SPARQL_PARAMETERS = ("query", "format", "default-graph-uri", "named-graph-uri")


def robots() -> tuple[str, ...]:
    """What robots.txt closes: the filtered /acties lists and SPARQL queries."""
    closed = [f"/acties?{name}=" for name in FILTERS]
    closed += [f"{path}?{name}=" for path in ("/sparql", "/sparql/") for name in SPARQL_PARAMETERS]
    return tuple(closed)


def crawler_files(
    base: str,
    provenance: Iterable[Mapping[str, str]],
    resources: Iterable[str],
    documents: Iterable[str],
    histories: Histories,
) -> dict[str, tuple[bytes, str]]:
    """robots.txt and the sitemaps of a rendered site (name -> body, media type), from the paths of its
    resources (after /doc/) and documents (after /) and the plans' provenance and versions."""
    versions = {slug: [v.timestamp for v in h.versions] for slug, h in histories.plans.items()}
    fallback = latest_time(versions, provenance)
    entries = [lastmod(path, base, versions, histories.entries, fallback) for path in resources]
    pages = [Entry(iris.document(base, e.loc), e.lastmod, e.group) for e in entries]
    pages += [Entry(f"{base}/{path}", fallback, "algemeen") for path in (*documents, "acties", "sparql")]
    files = {name: (body, "application/xml") for name, body in sitemaps(pages, base).items()}
    files["robots.txt"] = (robots_txt(base, robots()).encode(), "text/plain")
    return files


def latest_time(versions: Mapping[str, list[dt.datetime]], provenance: Iterable[Mapping[str, str]]) -> dt.datetime:
    """The time of the site's documents: the last version of any plan, or the last build of one."""
    times = [dt.datetime.fromisoformat(p["time"]) for p in provenance]
    latest = [found[-1] for found in versions.values() if found]
    return max([*latest, *times], default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
