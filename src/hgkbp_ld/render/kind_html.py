"""The sections of the kinds `render.page_html` writes directly: kinds/Actie.html,
kinds/HorizontaleDoelstelling.html and kinds/OperationeleDoelstelling.html (with _macros.html's `links` and
`lang`), each the same text its template writes where resource.html includes it (tests/test_page_html.py);
and how a value is written and read as the templates write and read it."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from markupsafe import Markup, escape

from hgkbp_ld.render.templates import _text_escaped, joined_links, link, link_items

_str = str


def written(value: object) -> str:
    """`{{ value }}` in an autoescaped template (`templates._CodeGenerator`): marked safe as it is, a
    text escaped (in C), anything else by markupsafe (an int, None: its text)."""
    kind = type(value)
    if kind is Markup:
        return value  # type: ignore[return-value]
    if kind is _str:
        return _text_escaped(value)  # type: ignore[arg-type]
    return escape(value)


def item(mapping: object, key: str) -> object:
    """`mapping.key` as a template reads it from a dict (no such attribute): the item, else undefined
    (written as nothing, false)."""
    if type(mapping) is dict:
        return mapping.get(key, "")
    return attribute(mapping, key)


def attribute(value: object, name: str) -> object:
    """`value.name` as Jinja reads it (the attribute, else the item, else undefined: here "")."""
    try:
        return getattr(value, name)
    except AttributeError:
        pass
    try:
        return value[name]  # type: ignore[index]
    except (TypeError, LookupError, AttributeError):
        return ""


def action(add: Callable[[str], None], sections: Mapping[str, object]) -> None:
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
            add(written(partner))
            add("</li>")
        add("</ul>\n")
    else:
        add("<p>Geen samenwerkende ministers.</p>")
    add('\n</section>\n<section aria-labelledby="h-wanneer">\n<h2 id="h-wanneer">Tijdspad</h2>\n\n')
    timeline = get("timeline", "")
    if timeline:
        add("<p>")
        add(written(item(timeline, "text")))
        start = item(timeline, "start")
        if start:
            add(' <span class="years">(van ')
            add(written(start))
            end = item(timeline, "end")
            if end:
                add(" tot en met ")
                add(written(end))
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
            add(written(indicator))
            add("</li>")
        add("</ul>")
    else:
        add("<p>Geen indicatoren.</p>")
    add("\n</section>\n")
    related = get("related", "")
    if related:
        add('\n<section aria-labelledby="h-verwant">\n<h2 id="h-verwant">Verwante acties</h2>\n<ul>')
        add(written(link_items(related)))  # type: ignore[arg-type]
        add("</ul>\n</section>\n")
    add("\n")
    see_also, citations = get("see_also", ""), get("citations", "")
    if see_also or citations:
        add('\n<section aria-labelledby="h-voetnoten">\n<h2 id="h-voetnoten">Voetnoten</h2>\n<ul>')
        for url in see_also:  # type: ignore[attr-defined]
            url = written(url)
            add('<li><a href="')
            add(url)
            add('">')
            add(url)
            add("</a></li>")
        add("\n")
        for citation in citations:  # type: ignore[attr-defined]
            add("<li>")
            add(written(citation))
            add("</li>")
        add("</ul>\n</section>\n")


def _portfolios(add: Callable[[str], None], portfolios: object) -> None:
    """An action's portfolios with who holds them today (kinds/Actie.html's two loops)."""
    for portfolio, holders in portfolios:  # type: ignore[attr-defined]
        add("<li>")
        add(written(link(portfolio)))
        if holders:
            add(": vandaag ")
            add(written(joined_links(holders, ", ")))
        add("</li>")


def operational_goal(add: Callable[[str], None], sections: Mapping[str, object]) -> None:
    """kinds/OperationeleDoelstelling.html (its last newline dropped)."""
    add('\n<section aria-labelledby="h-acties">\n<h2 id="h-acties">Acties</h2>\n')
    add(_links(sections.get("actions", ""), "Geen acties."))
    add("\n</section>")


def _links(items: object, empty: str = "geen") -> str:
    """_macros.html's `links` macro."""
    if items:
        return "".join(("<ul>", link_items(items), "</ul>"))  # type: ignore[arg-type]
    return "".join(("<p>", written(empty), "</p>"))


def goal(add: Callable[[str], None], sections: Mapping[str, object]) -> None:
    """kinds/HorizontaleDoelstelling.html (its last newline dropped)."""
    add('\n<section aria-labelledby="h-od">\n<h2 id="h-od">Operationele doelstellingen en acties</h2>\n')
    for goal, actions in sections.get("children", ""):  # type: ignore[attr-defined]
        add("\n<h3>")
        add(written(link(goal)))
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
            label = attribute(contribution, "label")
            add('<li><a href="')
            add(written(attribute(contribution, "href")))
            add('"')
            lang = getattr(label, "lang", "")
            if lang and lang != "nl":  # _macros.html's `lang`
                add(' lang="')
                add(written(lang))
                add('"')
            add(">")
            add(written(label))
            add("</a><br>")
            add(written(attribute(contribution, "why")))
            add("</li>\n")
        add("</ul>\n</section>\n")
