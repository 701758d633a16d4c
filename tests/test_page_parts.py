"""What a plan's pages were made cheaper by in session 9 (helper p20) gives what the slower way gave.

- `Triples += Triples` copies the index of each subject new to it (the event stream's page adds every
  member of a version): the same indexes, in the same order, as adding the triples one by one, with
  subjects both graphs have, before and after the predicate and object indexes are made.
- The alternates of a page's head and its downloads list by two filters, not a template loop each.
- A dict's or read-only dict's item read inline by the generated code where the attribute is missing.
- `day` kept per time; `first_sentences` kept per text.
- `rendered_bodies` without `Template.generate`: an error in a template is raised as before.
- A term's type told without `isinstance` where it is a URIRef or a Literal (`compaction._is`).
- An IRI shortened from its text; the short forms kept bounded.
- The event stream's page made from the pieces its members' pages wrote (`rdfio.serialise_union`): the
  bytes of the page made whole, and made whole where a member was not kept, took another path (a blank
  node, a float) or shares a subject with another.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from types import MappingProxyType

import orjson
import pytest
from jinja2 import DictLoader, Environment, Template, TemplateSyntaxError, UndefinedError
from markupsafe import Markup
from rdflib import RDF, BNode, Literal, Namespace, URIRef

from hgkbp_ld import rdfio as rdfio_module
from hgkbp_ld.compaction import _SHRUNK, Compactor, _is
from hgkbp_ld.jsonld import _parsed_context
from hgkbp_ld.rdfio import _compactor, _writers, keeping, serialise_all, serialise_union
from hgkbp_ld.render import pages as pages_module
from hgkbp_ld.render.findable import Meta, first_sentences
from hgkbp_ld.render.pages import Pages, alternates, rendered_bodies
from hgkbp_ld.render.templates import alternate_links, day, download_items, environment
from hgkbp_ld.render.views import Page
from hgkbp_ld.triples import Triples

EX = Namespace("http://example.org/")
BASE = "https://data.vlaanderen.be"
HOSTILE = "<script>alert(\"x\")</script> & 'q' {{ 7*7 }}"


# --- Triples += Triples -------------------------------------------------------------------------------------


def _random_triples(seed: int, subjects: list) -> list:
    rng = random.Random(seed)
    objects = [EX.a, EX.b, Literal("a"), Literal("a", lang="nl"), Literal("1", datatype=EX.t), BNode("o")]
    return [(rng.choice(subjects), rng.choice([EX.p, EX.q, RDF.type]), rng.choice(objects)) for _ in range(60)]


def _state(graph: Triples) -> tuple:
    """Everything a Triples holds, in order (its indexes, made or not, and what it was added)."""
    return (
        [(s, list(by_p.items())) for s, by_p in graph._spo.items()],
        None if graph._pos is None else [(p, list(by_o.items())) for p, by_o in graph._pos.items()],
        None if graph._osp is None else [(o, list(by_s.items())) for o, by_s in graph._osp.items()],
        list(graph._added),
        graph._scans,
        len(graph),
    )


def _asked(graph: Triples, times: int) -> None:
    """Questions by predicate and object: after enough of them the indexes are made."""
    for _ in range(times):
        list(graph.triples((None, EX.p, None)))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("asked", [0, 2, 9])  # the receiving graph asked before: not indexed, indexed
def test_a_triples_added_to_a_triples_is_its_triples_added_one_by_one(seed: int, asked: int) -> None:
    shared = [EX.s1, EX.s2, BNode("b")]
    first = _random_triples(seed, shared)
    second = _random_triples(seed + 100, [*shared, EX.n1, EX.n2, Literal("odd subject")])
    ours, theirs = Triples(first), Triples(first)
    _asked(ours, asked)
    _asked(theirs, asked)
    other = Triples(second)
    _asked(other, seed % 3 * 4)  # the graph added indexed or not: its own order counts, not its indexes
    before = _state(other)
    ours += other
    for triple in other:  # the old way: `_extend` of its triples, as an iterable
        theirs.add(triple)
    assert _state(ours) == _state(theirs)
    assert _state(other) == before  # the graph added is not changed
    for graph in (ours, theirs):
        graph.add((EX.n1, EX.p, EX.new))  # nor by what is added to the graph it was added to
    assert _state(other) == before
    for s, p, o in itertools.product([None, EX.s1, EX.n1], [None, EX.p], [None, EX.a, Literal("a")]):
        assert list(ours.triples((s, p, o))) == list(theirs.triples((s, p, o)))
    assert _state(ours) == _state(theirs)


def test_a_triples_added_to_itself_is_unchanged() -> None:
    graph = Triples(_random_triples(1, [EX.s1, EX.s2]))
    before = _state(graph)
    graph += graph
    assert _state(graph) == before


# --- templates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["actie/p/1", 'x/<"a">&b', "versie/p/1/periode/p/1-2"])
@pytest.mark.parametrize("short", [Markup("Actie 1"), Markup("&lt;b&gt;"), HOSTILE])
def test_the_alternates_filters_write_what_the_template_loops_wrote(path: str, short: str) -> None:
    made = alternates(path)
    env = environment(BASE)
    head = (
        '{% for href, media_type, name in alternates %}<link rel="alternate" type="{{ media_type }}" href="{{ href }}"'
        ' title="{{ name }}">\n{% endfor %}'
    )
    items = (
        '{% for href, media_type, name in alternates %}<li><a href="{{ href }}" type="{{ media_type }}">'
        "{{ short_name }} als {{ name }}</a></li>{% endfor %}"
    )
    new = "{{ alternates | alternate_links }}|{{ alternates | download_items(short_name) }}"
    for values in (made, [(HOSTILE, "a/b", HOSTILE)], []):  # marked safe or not, none
        old = env.from_string(f"{head}|{items}").render(alternates=values, short_name=short)
        assert env.from_string(new).render(alternates=values, short_name=short) == old
        assert str(alternate_links(values)) + "|" + str(download_items(values, short)) == old


class _Item:
    def __getitem__(self, name: str) -> str:
        if name == "key":
            return "item <i>"
        raise KeyError(name)


_VALUES = [
    {"title": HOSTILE},
    {"items": "an item called items", "get": 1},  # names of a dict's methods: the method, as Jinja
    MappingProxyType({"version": {"number": 2}, "keys": 3}),
    MappingProxyType({}),
    defaultdict(lambda: "default", title="t"),  # a dict of another class: Jinja's way (its factory answers)
    _Item(),
    Page("i", "p", "k", "K", HOSTILE, None),
    None,
    [1, 2],
]


@pytest.mark.parametrize("value", _VALUES)
@pytest.mark.parametrize("name", ["title", "version", "items", "get", "keys", "key", "missing", "number"])
def test_an_attribute_written_and_tested_is_what_jinja_wrote(value: object, name: str) -> None:
    source = f"[{{{{ x.{name} }}}}]{{% if x.{name} is defined %}}d{{% endif %}}{{% if x.{name} %}}t{{% endif %}}"
    theirs = Environment(autoescape=True)

    def render(env: Environment, source: str) -> str:
        try:
            return env.from_string(source).render(x=value)
        except (UndefinedError, TypeError) as error:  # e.g. an undefined value's attribute
            return f"{type(error).__name__}: {error}"

    for written in (source, "{{ x.version.number }}"):
        assert render(environment(BASE), written) == render(theirs, written)


def test_a_time_is_written_as_strftime_writes_it_each_time() -> None:
    moment = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    for form in ("%d-%m-%Y", "%Y", "%d-%m-%Y"):
        assert day(moment, form) == moment.strftime(form)
    assert day(dt.date(2025, 12, 31), "%d-%m-%Y") == "31-12-2025"
    late = dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    early = late.astimezone(dt.UTC)  # the same time (equal, the same hash), another day where it is written
    assert late == early
    assert (day(late, "%d-%m-%Y"), day(early, "%d-%m-%Y")) == ("01-01-2026", "31-12-2025")


@pytest.mark.parametrize("limit", [160, 220, 20])
def test_first_sentences_kept_are_those_made_anew(limit: int) -> None:
    texts = ["Een. Twee drie. Vier!", "x" * 300, "Kort", "Een zin die lang is " * 20]
    for text in texts + texts:
        assert first_sentences(text, limit) == first_sentences.__wrapped__(text, limit)


# --- rendered_bodies -------------------------------------------------------------------------------------------


def _template(source: str) -> Template:
    return environment(BASE).overlay(loader=DictLoader({"t.html": source})).get_template("t.html")


def _render(template: Template) -> bytes:
    page = Page(f"{BASE}/id/x/1", "x/1", "Thing", "ding", "Tïtel <1>", None)
    meta = Meta("t", "d", f"{BASE}/doc/x/1")
    graph = Triples([(URIRef(page.iri), EX.p, Literal("v"))])
    return rendered_bodies(page.path, graph, page, template, {"extra": "é"}, page.title, meta)["html"][0]


def test_a_page_is_what_its_template_renders() -> None:
    source = "{{ title }}|{{ page.path }}|{{ extra }}|{{ alternates | alternate_links }}|{{ jsonld | safe }}"
    template = _template(source)
    made = _render(template)
    before, _slot, after = made.partition(b'{\n  "@context"')
    assert before.decode() == template.render(
        title="Tïtel <1>", page={"path": "x/1"}, extra="é", alternates=alternates("x/1"), jsonld=""
    )
    assert after.endswith(b"}\n") and b"<" not in after  # the JSON-LD spliced in its slot, escaped


@pytest.mark.parametrize(
    "common",
    [
        {"extra": "é"},
        {"title": "<common's title>", "meta": "common's", "extra": "é"},  # common names a page's value: it wins
        {"kinds": "common's", "range": 3},  # and the globals'
        {},
    ],
)
def test_a_pages_names_are_the_globals_its_values_and_common_in_that_order(common: dict) -> None:
    """`rendered_bodies` adds a page's values to the globals and `common` made once (`_fixed`) where `common` names none
    of the page's; where it does, the names as before: the globals, the page's values, then `common`. Two
    templates and two dicts of the same names alternated: each page its own template's and common's."""
    names = ("title", "meta", "extra", "kinds", "range", "page", "pictures")
    source = "|".join(f"{{{{ {name} is defined }}}}:{{{{ {name} }}}}" for name in names)
    templates = [_template(source), _template("other " + source)]
    page = Page(f"{BASE}/id/x/1", "x/1", "Thing", "ding", "Tïtel <1>", None)
    graph = Triples([(URIRef(page.iri), EX.p, Literal("v"))])
    for other in ({**common}, {**common, "extra": "ë"}, common):
        for template in templates:
            body = rendered_bodies("x/1", graph, page, template, other, "t", None, "p")["html"][0]
            values = {"page": page, "title": "t", "jsonld": "", "pictures": "p", "meta": None}
            assert body.decode() == template.render({**template.globals, **values, **other})


def test_a_plans_pages_share_one_context() -> None:
    """`Pages.context`: one dict per plan (its chrome rendered once), another per other plan."""
    pages = Pages.__new__(Pages)
    pages.common, pages._contexts = {"plans": [], "version": "1"}, {}
    pages.template = environment(BASE).get_template("resource.html")
    one, other = {"slug": "a", "title": "A"}, {"slug": "b", "title": "B"}
    first = pages.context(one)
    assert pages.context(one) is first and first["plan"] is one and first["version"] == "1"
    assert pages.context(other)["plan"] is other and pages.context(None)["plan"] is None
    assert set(first["chrome"]) == {"nav", "footer"} and first["chrome"] != pages.context(other)["chrome"]


@pytest.mark.parametrize(
    ("source", "error"),
    [("{{ missing.attribute }}", UndefinedError), ("{{ title.encode(1, 2, 3, 4) }}", TypeError)],
)
def test_an_error_in_a_template_is_raised_as_generate_raised_it(source: str, error: type) -> None:
    template = _template(source)
    with pytest.raises(error) as ours:
        _render(template)
    original = pages_module.Template.generate  # the way before: through generate
    with pytest.raises(error) as theirs:
        list(original(template, page=None, title="t", alternates=[], jsonld="", pictures=None, meta=None, extra=""))
    assert str(ours.value) == str(theirs.value)


def test_a_template_that_does_not_compile_is_not_rendered() -> None:
    with pytest.raises(TemplateSyntaxError):
        _template("{% if %}")


# --- terms' types ---------------------------------------------------------------------------------------------


class _IRI(URIRef):
    pass


class _Literal(Literal):
    pass


@pytest.mark.parametrize(
    "term", [URIRef("http://x/"), Literal("x"), Literal("1", datatype=EX.t), BNode("b"), _IRI("http://y/"), _Literal("z")]
)
def test_a_terms_type_is_told_as_isinstance_tells_it(term: object) -> None:
    for kind, other in ((URIRef, Literal), (Literal, URIRef), (BNode, URIRef)):
        assert _is(term, kind, other) == isinstance(term, kind)


# --- an IRI shortened ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iri",
    [
        "https://data.vlaanderen.be/id/actie/p/1",
        "http://purl.org/dc/terms/title",
        "https://data.vlaanderen.be/ns/beleidsplan#Actie",
        "http://www.w3.org/2001/XMLSchema#gYear",
        "urn:x:y",
        "http://example.org/a#b/c",
        "nothing",
    ],
)
def test_an_iri_is_shortened_as_from_its_uriref(iri: str) -> None:
    expected = _parsed_context().shrink_iri(URIRef(iri))
    compactor = _compactor()
    assert compactor.shrink(iri) == str(expected)
    assert compactor.shrink(iri) == str(expected)  # kept
    assert orjson_text(compactor.shrink(iri)) == orjson_text(expected)


def orjson_text(value: object) -> bytes:
    return orjson.dumps({"@id": value}, option=orjson.OPT_SORT_KEYS)


def test_the_shortened_iris_kept_are_bounded() -> None:
    compactor = Compactor(_parsed_context())
    for number in range(_SHRUNK + 10):
        assert compactor.shrink(f"https://data.vlaanderen.be/id/actie/p/{number}").endswith(f"/{number}")
    assert len(compactor._shrunk) <= _SHRUNK


# --- the event stream's page made from its members' pieces -------------------------------------------------

_V = "https://data.vlaanderen.be/id/versie/p/1/"
_LDES = ("ttl", "jsonld", "nt", "rdf")


def _member(name: str, extra: list | None = None) -> Triples:
    """A member as `Histories` makes one: the object, a node it owns, literals of every kind."""
    node, owned = URIRef(_V + name), URIRef(_V + name + "-1")  # one IRI the start of another
    return Triples(
        [
            (node, RDF.type, URIRef("https://data.vlaanderen.be/ns/beleidsplan#Actie")),
            (node, URIRef("http://purl.org/dc/terms/title"), Literal(f"Titel {name} <&>", lang="nl")),
            (node, URIRef("http://purl.org/dc/terms/description"), Literal("")),  # a falsy first value
            (node, URIRef("http://purl.org/dc/terms/description"), Literal("tekst\nmet regels")),
            (node, URIRef("http://purl.org/dc/terms/temporal"), owned),
            (node, URIRef("http://purl.org/dc/terms/isVersionOf"), URIRef(f"https://data.vlaanderen.be/id/{name}")),
            (owned, URIRef("http://www.w3.org/ns/dcat#startDate"), Literal("2026", datatype=XSD_GYEAR)),
            (owned, URIRef("https://data.vlaanderen.be/ns/beleidsplan#volgnummer"), Literal(1)),
            *(extra or []),
        ]
    )


XSD_GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")


def _own(members: list[Triples]) -> Triples:
    stream = URIRef("https://example.org/ldes/p")
    own = Triples([(stream, RDF.type, URIRef("https://w3id.org/ldes#EventStream"))])
    for member in members:
        for node in member.subjects(URIRef("http://purl.org/dc/terms/isVersionOf"), None):
            own.add((stream, URIRef("https://w3id.org/tree#member"), node))
    return own


def _whole(own: Triples, members: list[Triples]) -> dict[str, bytes]:
    whole = Triples()
    whole += own
    for member in members:
        whole += member
    return serialise_all(whole, _LDES)


@pytest.mark.parametrize(
    "odd",
    [
        None,
        "shared subject",  # two members say something of one subject: made whole
        "blank node",  # a member our writers and compactor leave to rdflib and pyoxigraph: made whole
        "float",  # a member whose JSON-LD is sorted the other way: made whole
        "not kept",  # a member serialised outside `keeping`: made whole
    ],
)
def test_the_stream_page_from_its_members_pieces_is_the_page_made_whole(odd: str | None) -> None:
    names = ["actie/p/1", "actie/p/10", "actie/p/2", "doelstelling/p/HD1", "actie/p/1-1"]
    members = [_member(name) for name in names]
    if odd == "shared subject":
        members.append(Triples([(URIRef(_V + "actie/p/1"), RDF.type, URIRef("http://example.org/Other"))]))
    elif odd == "blank node":
        members.append(_member("actie/p/3", [(URIRef(_V + "actie/p/3"), URIRef("http://example.org/b"), BNode("b"))]))
    elif odd == "float":
        members.append(_member("actie/p/4", [(URIRef(_V + "actie/p/4"), URIRef("http://example.org/f"), Literal(1.5))]))
    own = _own(members)
    used = []
    with keeping():
        for member in members[:-1] if odd == "not kept" else members:
            serialise_all(member, _LDES)  # as its page writes it
        original = rdfio_module._union
        try:
            rdfio_module._union = lambda pieces, formats: used.append(1) or original(pieces, formats)  # type: ignore[assignment]
            made = serialise_union(own, members, _LDES)
        finally:
            rdfio_module._union = original
    assert made == _whole(own, members)
    assert bool(used) == (odd in (None, "shared subject"))  # a shared subject is found by the union itself
    if odd is None:
        assert serialise_union(own, members, _LDES) == made  # outside `keeping`: made whole, the same


def test_a_graphs_blocks_are_its_turtle_and_rdf_xml_by_subject() -> None:
    member = _member("actie/p/1")
    writers = _writers()
    blocks: list[tuple[str, str]] = []
    ordered = sorted(member, key=lambda t: serialise_all(Triples([t]), ("nt",))["nt"])  # as serialise_all orders
    turtle, xml = writers.both(ordered, blocks)
    assert (turtle, xml) == (writers.both(ordered)[0], writers.both(ordered)[1])
    assert turtle.decode() == writers.turtle_head + "".join(b[0] for b in blocks)
    assert xml.decode() == writers.xml_head + "".join(b[1] for b in blocks) + writers.xml_tail
    assert len(blocks) == 2  # the action, its period
    by_terms: list[tuple[str, str]] = []  # a big graph's way: the same blocks
    assert writers._by_terms(ordered, by_terms) == (turtle, xml)
    assert by_terms == blocks


@pytest.mark.parametrize("kind_label", [None, "actie, versie 2"])
def test_a_page_as_a_version_is_the_page_but_a_version(kind_label: str | None) -> None:
    """`pages.as_version` changes a page just made where it is: the page `but(kind="Versie", …)` makes."""
    from hgkbp_ld.render.pages import as_version

    def made() -> Page:
        return Page(f"{BASE}/id/x/1", "x/1", "Actie", "actie", "Tïtel", "1", sections={"a": 1})  # type: ignore[arg-type]

    changes = {"kind": "Versie"} if kind_label is None else {"kind": "Versie", "kind_label": kind_label}
    expected, page = made().but(**changes), made()
    assert as_version(page, kind_label) is page and page == expected and page.__dict__ == expected.__dict__
