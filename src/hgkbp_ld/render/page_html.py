"""A resource's page as `templates/resource.html` (over base.html) writes it, written here directly for
the pages a plan makes by the hundred: an action's, and those of the kinds without a section of their
own (a past version's page, an indicator's, a period's, …). The same text, character for character
(tests/test_page_html.py renders every page of the real plan and of synthetic plans both ways, and
hostile pages); the templates stay what the site is made of: a page of another kind (a plan, a goal, a
portfolio, a minister), or with another template, is rendered by Jinja (`pages.rendered`).

Why: Jinja's code for a page reads ~200 attributes and names through its context, yields ~50 parts
through three generators and copies the context into the include of a kind's section: ~500,000
instructions a page, ~15 % of a plan's build; written here, a page is a list of strings joined once.
Every value is escaped as the template escapes it (`written`: what is marked safe as it is, a text in C,
anything else by markupsafe), the filters are the templates' own (`templates.py`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping

from jinja2 import Template
from markupsafe import Markup, escape

from hgkbp_ld.bundled import TEMPLATES
from hgkbp_ld.render.kind_html import action, attribute, goal, item, operational_goal, written
from hgkbp_ld.render.templates import (
    _Environment,
    day,
    link,
    link_items,
    streams,
    table_rows,
)
from hgkbp_ld.web.conneg import RESOURCE_FORMATS

# the kinds with a section written here (kinds/{kind}.html); the others' by their template
_KINDS = frozenset({"Actie", "HorizontaleDoelstelling", "OperationeleDoelstelling"})


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
        add(written(notation))
        add(": ")
    add(written(title))
    if plan:
        add(" · ")
        add(written(item(plan, "title")))
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
    add(written(chrome["nav"]))
    add('\n      <li><a href="/acties">Acties</a></li>\n      <li><a href="/sparql">SPARQL</a></li>\n'
        '      <li><a href="/ns/beleidsplan">Vocabularium</a></li>\n'
        '      <li><a href="/doc/applicatieprofiel/beleidsplan">Applicatieprofiel</a></li>\n'
        '      <li><a href="/data/">Downloads</a></li>\n    </ul>\n  </nav>\n</header>\n'
        '<main id="inhoud" tabindex="-1">\n')  # fmt: skip
    _main(add, page, document, common, kinds)
    add("\n</main>\n")
    add(written(chrome["footer"]))
    add("\n</body>\n</html>")
    return "".join(out)


def _meta(add: Callable[[str], None], meta: object) -> None:
    """base.html's `{% if meta %}` part."""
    description, title = written(escape(meta.description)), written(escape(meta.title))  # type: ignore[attr-defined]
    add('<meta name="description" content="')
    add(description)
    add('">\n')
    canonical = meta.canonical  # type: ignore[attr-defined]
    if canonical:
        canonical = written(canonical)
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
        add(written(Markup(schema)))
        add("</script>\n")


def _main(add: Callable[[str], None], page: object, document: str, common: Mapping[str, object],
          kinds: frozenset[str]) -> None:  # fmt: skip
    """resource.html's block main."""
    notation, title, sections = page.notation, page.title, page.sections  # type: ignore[attr-defined]
    short_name = written(escape(notation or title))
    add("\n")
    breadcrumbs = page.breadcrumbs  # type: ignore[attr-defined]
    if breadcrumbs:
        add('\n<nav aria-label="Kruimelpad" class="breadcrumbs">\n  <ol>')
        add(written(link_items(breadcrumbs)))
        add('<li aria-current="page">')
        add(short_name)
        add("</li></ol>\n</nav>\n")
    add("\n")
    version = sections.get("version", "")
    if version:
        entry = item(version, "entry")
        add('\n<p class="version-note" role="note">Dit is <strong>versie ')
        add(written(attribute(entry, "number")))
        add("</strong> van dit gegeven, zoals het was op ")
        add(written(day(attribute(entry, "timestamp"), "%d-%m-%Y")))  # type: ignore[arg-type]
        add('. <a href="')
        add(written(item(version, "current")))
        add('">Naar de huidige versie</a>.</p>\n')
    add('\n<p class="kind">')
    add(written(page.kind_label))  # type: ignore[attr-defined]
    add("</p>\n<h1>")
    if notation and notation != title:
        add('<span class="notation">')
        add(written(notation))
        add("</span> ")
    add(written(link(title)))
    add('</h1>\n<p class="iri">IRI: <code>')
    add(written(page.iri))  # type: ignore[attr-defined]
    add("</code></p>\n\n")
    description = sections.get("description", "")
    if description:
        add('\n<section aria-labelledby="h-beschrijving">\n<h2 id="h-beschrijving">Beschrijving</h2>\n')
        for block in description:  # type: ignore[attr-defined]
            if block.kind == "list":
                ordered = block.ordered
                add("<ol>\n" if ordered else "<ul>\n")
                for listed in block.items:
                    add("<li>")
                    add(written(listed))
                    add("</li>\n")
                add("</ol>\n" if ordered else "</ul>\n")
            else:
                add("<p>")
                add(written(block.text))
                add("</p>\n")
        add("\n</section>\n")
    add("\n\n")
    kind = page.kind  # type: ignore[attr-defined]
    if kind in kinds:  # (`direct`: one of `_KINDS`)
        if kind == "Actie":
            action(add, sections)
        elif kind == "OperationeleDoelstelling":
            operational_goal(add, sections)
        else:
            goal(add, sections)
    add('\n\n<section aria-labelledby="h-gegevens">\n<h2 id="h-gegevens">Alle gegevens</h2>\n<table>\n'
        "<caption>Eigenschappen van ")  # fmt: skip
    add(short_name)
    add('</caption>\n<thead><tr><th scope="col">Eigenschap</th><th scope="col">Waarde</th></tr></thead>\n<tbody>\n')
    add(written(table_rows(page.rows)))  # type: ignore[attr-defined]
    add("\n</tbody>\n</table>\n")
    incoming = page.incoming  # type: ignore[attr-defined]
    if incoming:
        add("\n<table>\n<caption>Andere bronnen die naar ")
        add(short_name)
        add(' verwijzen</caption>\n<thead><tr><th scope="col">Via eigenschap</th><th scope="col">Bron</th></tr></thead>'
            "\n<tbody>\n")  # fmt: skip
        add(written(table_rows(incoming, listed=True)))
        add("\n</tbody>\n</table>\n")
    add("\n</section>\n\n")
    history = sections.get("history", "") or (item(version, "history") if version else None)
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
        add(written(entry.path))
        add('">Versie ')
        add(written(entry.number))
        add(" van ")
        add(written(item(owner, "short") if owner else slug))
        add("</a> (")
        add(written(day(entry.timestamp, "%d-%m-%Y")))
        add(")")
        details = entry.details
        if details:
            add(":\n<ul>")
            for line in details:
                add("<li>")
                add(written(line))
                add("</li>")
            add("</ul>")
        else:
            add(": ")
            add(written(entry.kind))
        add("</li>\n")
    add("\n</ol>\n")
    for slug in streams(history):  # type: ignore[arg-type]
        owner = owners.get(slug, "")
        add("\n<p>Alle wijzigingen aan ")
        add(written(item(owner, "title") if owner else "het plan"))
        add(' als Linked Data Event Stream: <a href="/ldes/')
        add(written(slug))
        add('">/ldes/')
        add(written(slug))
        add("</a>.</p>\n")
    add("\n</section>\n")
