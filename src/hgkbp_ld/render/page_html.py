"""A resource's page as `templates/resource.html` (over base.html) writes it, written here directly for
the pages a plan makes by the hundred: an action's, and those of the kinds without a section of their
own (a past version's page, an indicator's, a period's, …). The same text, character for character
(tests/test_page_html.py renders every page of the real plan and of synthetic plans both ways, and
hostile pages); the templates stay what the site is made of: a page of another kind (a plan, a goal, a
portfolio, a minister), or with another template, is rendered by Jinja (`pages.rendered`).

Why: Jinja's code for a page reads ~200 attributes and names through its context, yields ~50 parts
through three generators and copies the context into the include of a kind's section: ~500,000
instructions a page, ~15 % of a plan's build; written here, a page is a list of strings joined once.
Every value is escaped as the template escapes it (`_e`: what is marked safe as it is, a text in C,
anything else by markupsafe), the filters are the templates' own (`templates.py`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping

from jinja2 import Template
from markupsafe import Markup, escape

from hgkbp_ld.bundled import TEMPLATES
from hgkbp_ld.render.templates import (
    _Environment,
    _text_escaped,
    day,
    joined_links,
    link,
    link_items,
    streams,
    table_rows,
)
from hgkbp_ld.web.conneg import RESOURCE_FORMATS

# the kinds with a section written here (kinds/{kind}.html); the others' by their template
_KINDS = frozenset({"Actie", "HorizontaleDoelstelling", "OperationeleDoelstelling"})
_str = str


# a page's links to its formats, as `alternates` and the filters `alternate_links` and `download_items` write
# them: what is the same on every page written once, the page's document link (and short name) between
_FORMATS = [(f".{f.extension}", str(escape(f.media_type)), str(escape(f.name))) for f in RESOURCE_FORMATS]
_ALTERNATES = [  # joined by the document link: each format's `<link rel="alternate">`, on its line
    f'<link rel="alternate" type="{_FORMATS[0][1]}" href="',
    *(
        f'{extension}" title="{name}">\n<link rel="alternate" type="{kind}" href="'
        for (extension, _kind, name), (_next, kind, _name) in itertools.pairwise(_FORMATS)
    ),
    f'{_FORMATS[-1][0]}" title="{_FORMATS[-1][2]}">\n',
]
_DOWNLOADS = [  # per format, what comes before the document link and between it and the short name
    ('<li><a href="' if at == 0 else f' als {_FORMATS[at - 1][2]}</a></li><li><a href="', f'{ext}" type="{kind}">')
    for at, (ext, kind, _name) in enumerate(_FORMATS)
]
_DOWNLOADS_END = f" als {_FORMATS[-1][2]}</a></li>"


def _e(value: object) -> str:
    """`{{ value }}` in an autoescaped template (`templates._CodeGenerator`): marked safe as it is, a
    text escaped (in C), anything else by markupsafe (an int, None: its text)."""
    kind = type(value)
    if kind is Markup:
        return value  # type: ignore[return-value]
    if kind is _str:
        return _text_escaped(value)  # type: ignore[arg-type]
    return escape(value)


def _item(mapping: object, key: str) -> object:
    """`mapping.key` as a template reads it from a dict (no such attribute): the item, else undefined
    (written as nothing, false)."""
    if type(mapping) is dict:
        return mapping.get(key, "")
    return _attribute(mapping, key)


def _attribute(value: object, name: str) -> object:
    """`value.name` as Jinja reads it (the attribute, else the item, else undefined: here "")."""
    try:
        return getattr(value, name)
    except AttributeError:
        pass
    try:
        return value[name]  # type: ignore[index]
    except (TypeError, LookupError, AttributeError):
        return ""


def direct(template: Template, page: object, common: Mapping[str, object], pictures: object) -> bool:
    """Whether `page` can be written here: the packaged resource.html of this package's environment, a
    page of a kind written here or with no section of its own, without pictures, and a context as
    `Pages` makes it (the chrome rendered once, the owners of the histories' plans)."""
    environment = template.environment
    if template.name != "resource.html" or type(environment) is not _Environment or pictures is not None:
        return False
    if getattr(environment.loader, "searchpath", None) != [str(TEMPLATES)]:
        return False
    kind = page.kind  # type: ignore[attr-defined]
    if kind in environment.globals["kinds"] and kind not in _KINDS:
        return False
    chrome = common.get("chrome")
    return type(chrome) is dict and "nav" in chrome and "footer" in chrome and type(common.get("owners")) is dict


def page_html(
    page: object, meta: object, document: str, jsonld: str, common: Mapping[str, object], kinds: frozenset[str]
) -> str:
    """The page's HTML, as `template.render(page=page, meta=meta, alternates=pages.alternates(path),
    jsonld=jsonld, **common)` of resource.html writes it (where `direct` says so); `document`: the page's
    document link, escaped (`/doc/{path}`, whose formats the alternates are)."""
    out: list[str] = []
    add = out.append
    plan = common.get("plan")
    chrome: dict = common["chrome"]  # type: ignore[assignment]
    # base.html: the head
    notation, title = page.notation, page.title  # type: ignore[attr-defined]
    add('<!doctype html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n\n<title>')  # fmt: skip
    if notation:
        add(_e(notation))
        add(": ")
    add(_e(title))
    if plan:
        add(" · ")
        add(_e(_item(plan, "title")))
    add(' · Beleidsplannen als linked data</title>\n<link rel="stylesheet" href="/static/style.css">\n'
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">\n')  # fmt: skip
    if meta:
        _meta(add, meta)
    add("\n")
    add(document.join(_ALTERNATES))
    if jsonld:
        add('<script type="application/ld+json">')
        add(jsonld)
        add("</script>\n")
    add('</head>\n<body>\n<a class="skip" href="#inhoud">Naar de inhoud</a>\n<header class="site">\n'
        '  <p class="brand"><a href="/">Beleidsplannen als linked data</a></p>\n'
        '  <nav aria-label="Hoofdnavigatie">\n    <ul>\n      ')  # fmt: skip
    add(_e(chrome["nav"]))
    add('\n      <li><a href="/acties">Acties</a></li>\n      <li><a href="/sparql">SPARQL</a></li>\n'
        '      <li><a href="/ns/beleidsplan">Vocabularium</a></li>\n'
        '      <li><a href="/doc/applicatieprofiel/beleidsplan">Applicatieprofiel</a></li>\n'
        '      <li><a href="/data/">Downloads</a></li>\n    </ul>\n  </nav>\n</header>\n'
        '<main id="inhoud" tabindex="-1">\n')  # fmt: skip
    _main(add, page, document, common, kinds)
    add("\n</main>\n")
    add(_e(chrome["footer"]))
    add("\n</body>\n</html>")
    return "".join(out)


def _meta(add: Callable[[str], None], meta: object) -> None:
    """base.html's `{% if meta %}` part."""
    description, title = _e(escape(meta.description)), _e(escape(meta.title))  # type: ignore[attr-defined]
    add('<meta name="description" content="')
    add(description)
    add('">\n')
    canonical = meta.canonical  # type: ignore[attr-defined]
    if canonical:
        canonical = _e(canonical)
        add('<link rel="canonical" href="')
        add(canonical)
        add('">\n<meta property="og:url" content="')
        add(canonical)
        add('">\n')
    add('<meta property="og:type" content="website">\n'
        '<meta property="og:site_name" content="Beleidsplannen als linked data">\n'
        '<meta property="og:locale" content="nl_BE">\n<meta property="og:title" content="')  # fmt: skip
    add(title)
    add('">\n<meta property="og:description" content="')
    add(description)
    add('">\n<meta name="twitter:card" content="summary">\n<meta name="twitter:title" content="')
    add(title)
    add('">\n<meta name="twitter:description" content="')
    add(description)
    add('">\n')
    schema = meta.schema  # type: ignore[attr-defined]
    if schema:
        add('<script type="application/ld+json">')
        add(_e(Markup(schema)))
        add("</script>\n")


def _main(add: Callable[[str], None], page: object, document: str, common: Mapping[str, object],
          kinds: frozenset[str]) -> None:  # fmt: skip
    """resource.html's block main."""
    notation, title, sections = page.notation, page.title, page.sections  # type: ignore[attr-defined]
    short_name = _e(escape(notation or title))
    add("\n")
    breadcrumbs = page.breadcrumbs  # type: ignore[attr-defined]
    if breadcrumbs:
        add('\n<nav aria-label="Kruimelpad" class="breadcrumbs">\n  <ol>')
        add(_e(link_items(breadcrumbs)))
        add('<li aria-current="page">')
        add(short_name)
        add("</li></ol>\n</nav>\n")
    add("\n")
    version = sections.get("version", "")
    if version:
        entry = _item(version, "entry")
        add('\n<p class="version-note" role="note">Dit is <strong>versie ')
        add(_e(_attribute(entry, "number")))
        add("</strong> van dit gegeven, zoals het was op ")
        add(_e(day(_attribute(entry, "timestamp"), "%d-%m-%Y")))  # type: ignore[arg-type]
        add('. <a href="')
        add(_e(_item(version, "current")))
        add('">Naar de huidige versie</a>.</p>\n')
    add('\n<p class="kind">')
    add(_e(page.kind_label))  # type: ignore[attr-defined]
    add("</p>\n<h1>")
    if notation and notation != title:
        add('<span class="notation">')
        add(_e(notation))
        add("</span> ")
    add(_e(link(title)))
    add('</h1>\n<p class="iri">IRI: <code>')
    add(_e(page.iri))  # type: ignore[attr-defined]
    add("</code></p>\n\n")
    description = sections.get("description", "")
    if description:
        add('\n<section aria-labelledby="h-beschrijving">\n<h2 id="h-beschrijving">Beschrijving</h2>\n')
        for block in description:  # type: ignore[attr-defined]
            if block.kind == "list":
                ordered = block.ordered
                add("<ol>\n" if ordered else "<ul>\n")
                for item in block.items:
                    add("<li>")
                    add(_e(item))
                    add("</li>\n")
                add("</ol>\n" if ordered else "</ul>\n")
            else:
                add("<p>")
                add(_e(block.text))
                add("</p>\n")
        add("\n</section>\n")
    add("\n\n")
    kind = page.kind  # type: ignore[attr-defined]
    if kind in kinds:  # (`direct`: one of `_KINDS`)
        if kind == "Actie":
            _action(add, sections)
        elif kind == "OperationeleDoelstelling":
            add('\n<section aria-labelledby="h-acties">\n<h2 id="h-acties">Acties</h2>\n')
            add(_links(sections.get("actions", ""), "Geen acties."))
            add("\n</section>")
        else:
            _goal(add, sections)
    add('\n\n<section aria-labelledby="h-gegevens">\n<h2 id="h-gegevens">Alle gegevens</h2>\n<table>\n'
        "<caption>Eigenschappen van ")  # fmt: skip
    add(short_name)
    add('</caption>\n<thead><tr><th scope="col">Eigenschap</th><th scope="col">Waarde</th></tr></thead>\n<tbody>\n')
    add(_e(table_rows(page.rows)))  # type: ignore[attr-defined]
    add("\n</tbody>\n</table>\n")
    incoming = page.incoming  # type: ignore[attr-defined]
    if incoming:
        add("\n<table>\n<caption>Andere bronnen die naar ")
        add(short_name)
        add(' verwijzen</caption>\n<thead><tr><th scope="col">Via eigenschap</th><th scope="col">Bron</th></tr></thead>'
            "\n<tbody>\n")  # fmt: skip
        add(_e(table_rows(incoming, listed=True)))
        add("\n</tbody>\n</table>\n")
    add("\n</section>\n\n")
    history = sections.get("history", "") or (_item(version, "history") if version else None)
    add("\n")
    if history:
        _history(add, history, common["owners"])  # type: ignore[arg-type]
    add('\n\n<section aria-labelledby="h-downloads">\n<h2 id="h-downloads">Deze gegevens als RDF</h2>\n'
        '<ul class="formats">')  # fmt: skip
    for before, after in _DOWNLOADS:  # `download_items`: each format's link, named by the short name
        add(before)
        add(document)
        add(after)
        add(short_name)
    add(_DOWNLOADS_END)
    add("</ul>\n</section>\n")


def _history(add: Callable[[str], None], history: object, owners: dict) -> None:
    """resource.html's history section."""
    add('\n<section aria-labelledby="h-geschiedenis">\n<h2 id="h-geschiedenis">Geschiedenis</h2>\n'
        '<ol class="history">\n')  # fmt: skip
    for entry in history:  # type: ignore[attr-defined]
        slug = entry.slug
        owner = owners.get(slug, "")
        add('<li><a href="/doc/')
        add(_e(entry.path))
        add('">Versie ')
        add(_e(entry.number))
        add(" van ")
        add(_e(_item(owner, "short") if owner else slug))
        add("</a> (")
        add(_e(day(entry.timestamp, "%d-%m-%Y")))
        add(")")
        details = entry.details
        if details:
            add(":\n<ul>")
            for line in details:
                add("<li>")
                add(_e(line))
                add("</li>")
            add("</ul>")
        else:
            add(": ")
            add(_e(entry.kind))
        add("</li>\n")
    add("\n</ol>\n")
    for slug in streams(history):  # type: ignore[arg-type]
        owner = owners.get(slug, "")
        add("\n<p>Alle wijzigingen aan ")
        add(_e(_item(owner, "title") if owner else "het plan"))
        add(' als Linked Data Event Stream: <a href="/ldes/')
        add(_e(slug))
        add('">/ldes/')
        add(_e(slug))
        add("</a>.</p>\n")
    add("\n</section>\n")


def _action(add: Callable[[str], None], sections: Mapping[str, object]) -> None:
    """kinds/Actie.html (its last newline dropped, as Jinja drops a template's)."""
    get = sections.get
    add('\n<section aria-labelledby="h-wie">\n<h2 id="h-wie">Wie</h2>\n<h3>Verantwoordelijke minister(s)</h3>\n')
    responsible = get("responsible", "")
    if responsible:
        add("<ul>")
        _portfolios(add, responsible)  # type: ignore[arg-type]
        add("</ul>\n")
    else:
        add("<p>Geen eigen verantwoordelijke: deze actie wordt uitgewerkt in een andere actie.</p>")
    add("\n<h3>In samenwerking met</h3>\n")
    collaborators, partners = get("collaborators", ""), get("partners", "")
    if collaborators or partners:
        add("<ul>")
        _portfolios(add, collaborators)  # type: ignore[arg-type]
        add("\n")
        for partner in partners:  # type: ignore[attr-defined]
            add("<li>")
            add(_e(partner))
            add("</li>")
        add("</ul>\n")
    else:
        add("<p>Geen samenwerkende ministers.</p>")
    add('\n</section>\n<section aria-labelledby="h-wanneer">\n<h2 id="h-wanneer">Tijdspad</h2>\n\n')
    timeline = get("timeline", "")
    if timeline:
        add("<p>")
        add(_e(_item(timeline, "text")))
        start = _item(timeline, "start")
        if start:
            add(' <span class="years">(van ')
            add(_e(start))
            end = _item(timeline, "end")
            if end:
                add(" tot en met ")
                add(_e(end))
            else:
                add(", zonder einddatum")
            add(")</span>")
        add("</p>\n")
    else:
        add("<p>Het plan geeft voor deze actie geen tijdspad.</p>")
    add('\n</section>\n<section aria-labelledby="h-indicatoren">\n<h2 id="h-indicatoren">Indicatoren</h2>\n')
    indicators = get("indicators", "")
    if indicators:
        add("<ul>")
        for indicator in indicators:  # type: ignore[attr-defined]
            add("<li>")
            add(_e(indicator))
            add("</li>")
        add("</ul>")
    else:
        add("<p>Geen indicatoren.</p>")
    add("\n</section>\n")
    related = get("related", "")
    if related:
        add('\n<section aria-labelledby="h-verwant">\n<h2 id="h-verwant">Verwante acties</h2>\n<ul>')
        add(_e(link_items(related)))  # type: ignore[arg-type]
        add("</ul>\n</section>\n")
    add("\n")
    see_also, citations = get("see_also", ""), get("citations", "")
    if see_also or citations:
        add('\n<section aria-labelledby="h-voetnoten">\n<h2 id="h-voetnoten">Voetnoten</h2>\n<ul>')
        for url in see_also:  # type: ignore[attr-defined]
            url = _e(url)
            add('<li><a href="')
            add(url)
            add('">')
            add(url)
            add("</a></li>")
        add("\n")
        for citation in citations:  # type: ignore[attr-defined]
            add("<li>")
            add(_e(citation))
            add("</li>")
        add("</ul>\n</section>\n")


def _portfolios(add: Callable[[str], None], portfolios: object) -> None:
    """An action's portfolios with who holds them today (kinds/Actie.html's two loops)."""
    for portfolio, holders in portfolios:  # type: ignore[attr-defined]
        add("<li>")
        add(_e(link(portfolio)))
        if holders:
            add(": vandaag ")
            add(_e(joined_links(holders, ", ")))
        add("</li>")


def _links(items: object, empty: str = "geen") -> str:
    """_macros.html's `links` macro."""
    if items:
        return "".join(("<ul>", link_items(items), "</ul>"))  # type: ignore[arg-type]
    return "".join(("<p>", _e(empty), "</p>"))


def _goal(add: Callable[[str], None], sections: Mapping[str, object]) -> None:
    """kinds/HorizontaleDoelstelling.html (its last newline dropped)."""
    add('\n<section aria-labelledby="h-od">\n<h2 id="h-od">Operationele doelstellingen en acties</h2>\n')
    for goal, actions in sections.get("children", ""):  # type: ignore[attr-defined]
        add("\n<h3>")
        add(_e(link(goal)))
        add("</h3>\n")
        add(_links(actions, "Geen acties."))
        add("\n")
    add("\n</section>\n")
    related = sections.get("related_plans", "")
    if related:
        add('\n<section aria-labelledby="h-plannen">\n<h2 id="h-plannen">Acties in andere horizontale plannen</h2>\n')
        add(_links(related))
        add("\n</section>\n")
    add("\n")
    sdgs = sections.get("sdgs", "")
    if sdgs:
        add('\n<section aria-labelledby="h-sdg">\n'
            "<h2 id=\"h-sdg\">Bijdrage aan de duurzame-ontwikkelingsdoelstellingen van de VN</h2>\n"
            '<ul class="sdgs">')  # fmt: skip
        for contribution in sdgs:  # type: ignore[attr-defined]
            label = _attribute(contribution, "label")
            add('<li><a href="')
            add(_e(_attribute(contribution, "href")))
            add('"')
            lang = getattr(label, "lang", "")
            if lang and lang != "nl":  # _macros.html's `lang`
                add(' lang="')
                add(_e(lang))
                add('"')
            add(">")
            add(_e(label))
            add("</a><br>")
            add(_e(_attribute(contribution, "why")))
            add("</li>\n")
        add("</ul>\n</section>\n")
