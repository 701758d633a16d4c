"""One resource's representations: its page (HTML) and its four RDF formats, current or past.

`Pages` holds what every page of one rendering needs (the store it reads, the view models, the
template, what the footer names) and makes a resource whole (`current`) or the pages of an object
in a past version (`past`). The build makes a `Pages` per plan, in the process that built the plan,
over that plan's graph (`render.plan_site`), and one for what plans share (`render.stage`).
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from jinja2 import Environment, Template
from markupsafe import Markup, escape

from hgkbp_ld import iris
from hgkbp_ld.published import Representation, Resource
from hgkbp_ld.rdfio import serialise_all
from hgkbp_ld.render.actions import collaboration, timeline_groups
from hgkbp_ld.render.findable import Meta, resource_meta
from hgkbp_ld.render.history import Entry, Histories
from hgkbp_ld.render.pictures import matrix_rows, matrix_svg, timeline_rows, timeline_svg
from hgkbp_ld.render.plans import plan_of
from hgkbp_ld.render.templates import Alternates
from hgkbp_ld.render.views import Page, Views
from hgkbp_ld.store import Store
from hgkbp_ld.triples import Described, Triples
from hgkbp_ld.web.action_index import ActionIndex
from hgkbp_ld.web.conneg import HTML, RESOURCE_FORMATS


class Alternate(NamedTuple):
    """A page's link to one of its other representations (made for every page: a tuple, cheap to make)."""

    href: str
    media_type: str
    name: str


def script_json(text: str) -> str:
    """JSON safe inside <script>: no '<', '>' or '&' can end the element or open a comment."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# every page links its four other formats: what is the same on every page escaped once (it is Markup)
_FORMATS = tuple((f".{f.extension}", escape(f.media_type), escape(f.name)) for f in RESOURCE_FORMATS)
_new = str.__new__
_tuple = tuple.__new__  # an Alternate made as a tuple is: not through the `__new__` NamedTuple writes in Python


def alternates(path: str) -> Alternates:
    """A page's links to its representations, escaped (Markup: a template writes them as they are): iterated,
    an `Alternate` per format (`templates.Alternates`, whose filters write them without making them)."""
    return Alternates(str(escape(iris.doc_link(path))), _FORMATS, _alternate)


def _alternate(fields: tuple[Markup, Markup, Markup]) -> Alternate:
    return _tuple(Alternate, fields)


_RDF_FORMATS = tuple((f.extension, f.media_type) for f in RESOURCE_FORMATS if f is not HTML)
_RDF_EXTENSIONS = tuple(extension for extension, _media_type in _RDF_FORMATS)


def rdf_representations(graph: Described) -> dict[str, Representation]:
    """A graph's four RDF representations, by extension."""
    return {extension: _made(body, media_type) for extension, (body, media_type) in rdf_bodies(graph).items()}


def rdf_bodies(graph: Described) -> dict[str, tuple[bytes, str]]:
    """A graph's four RDF formats as `published.Writer` takes them: extension -> (body, media type)."""
    made = serialise_all(graph, _RDF_EXTENSIONS)
    return {extension: (made[extension], media_type) for extension, media_type in _RDF_FORMATS}


def bodies(representations: Mapping[str, Representation]) -> dict[str, tuple[bytes, str]]:
    """Representations as `published.Writer` takes them: extension -> (body, media type)."""
    return {extension: (r.body, r.media_type) for extension, r in representations.items()}


def resource(path: str, made: Mapping[str, tuple[bytes, str]]) -> Resource:
    """A resource of the bodies `made` (as `bodies` gives them: extension -> (body, media type))."""
    return Resource(path, {extension: _made(body, media_type) for extension, (body, media_type) in made.items()})


def _made(body: bytes, media_type: str) -> Representation:
    """A representation the build writes: its ETag is the file's (published.Writer), not a hash."""
    return Representation.built(body, media_type)


def plan_pictures(index: ActionIndex, several: bool | None = None) -> dict[str, dict[str, object]]:
    """Per plan: the timeline and the collaboration matrix (SVG) with their table alternatives.
    `several`: whether the site has more than one plan (default: whether `index` has)."""
    found: dict[str, dict[str, object]] = {}
    plans = sorted({row.plan for row in index.rows})
    several = len(plans) > 1 if several is None else several
    for plan in plans:
        groups = timeline_groups(index, plan)
        labels, counts, slugs = collaboration(index, plan)
        scope = f"plan={plan}&" if several else ""  # a cell counts this plan's actions: so does its list

        def href(a: str, b: str, slugs: dict[str, str] = slugs, scope: str = scope) -> str:
            return f"/acties?{scope}bevoegdheid={slugs[a]}" + ("" if a == b else f"&samen-met={slugs[b]}")

        found[plan] = {
            "timeline": timeline_svg(groups, id_prefix=f"tijdlijn-{plan}"),
            "timeline_rows": timeline_rows(groups),
            "matrix": matrix_svg(labels, counts, href, id_prefix=f"matrix-{plan}"),
            "matrix_rows": matrix_rows(labels, counts),
        }
    return found


def _pictures_of(
    page: Page,
    index: ActionIndex | None,
    plan_picture: Callable[[str], dict | None],
    timelines: Callable[[str, frozenset[str]], dict],
) -> dict | None:
    """The pictures a page shows: the plan's on its page; a minister's own small timelines (`timelines`
    of the page's title and its actions' links: `Pages.minister_timelines`)."""
    if index is None:
        return None
    if page.kind == "Beleidsplan":
        return plan_picture(page.path.split("/", 1)[1])
    if page.kind == "Mandataris":
        hrefs = {link.href for key in ("lead", "partner") for link in page.sections.get(key, [])}  # type: ignore[union-attr]
        return timelines(page.title, frozenset(hrefs))
    return None


def minister_timelines(title: str, hrefs: frozenset[str], by_plan: dict[str, ActionIndex]) -> dict:
    """A minister's timeline in each plan where the actions `hrefs` are (`by_plan`: the index of each plan's
    actions alone, so that a minister's page costs the actions, not plans × actions: it lists every plan's)."""
    found = []
    for plan, own in sorted(by_plan.items()):
        numbers = {row.number for row in own.rows if row.href in hrefs}
        if numbers:
            groups = timeline_groups(own, plan, numbers)
            svg = timeline_svg(groups, title=f"Tijdlijn van de acties van {title}", id_prefix=f"tijdlijn-{plan}")
            found.append({"svg": svg, "rows": timeline_rows(groups)})
    return {"minister_timelines": found}


@dataclass
class Pages:
    """What the pages of one rendering share; `current` and `past` make a resource's representations."""

    store: Store
    views: Views
    template: Template
    common: dict  # what every page's template reads: the tool's version, provenance, the plans, their count
    plans: list[dict[str, str]]
    actions: ActionIndex | None
    several: bool  # more than one plan in the site (the pictures' links then name the plan)
    datasets: dict[str, dict[str, object]]  # schema.org descriptions by dataset IRI
    landing: dict[str, str]  # landing page URL -> dataset IRI
    _pictures: dict[str, dict | None] = dataclasses.field(default_factory=dict)
    _contexts: dict[str | None, dict] = dataclasses.field(default_factory=dict)  # `context`'s, by plan
    _by_plan: dict[str, ActionIndex] | None = None
    _timelines: tuple[tuple[str, frozenset[str]], dict] | None = None  # the last minister's (`minister_timelines`)

    def by_plan(self) -> dict[str, ActionIndex]:
        """The action index of each plan alone (its rows in the index's order), made once."""
        if self._by_plan is None:
            assert self.actions is not None
            rows: dict[str, list] = {}
            for row in self.actions.rows:
                rows.setdefault(row.plan, []).append(row)
            self._by_plan = {plan: dataclasses.replace(self.actions, rows=own) for plan, own in rows.items()}
        return self._by_plan

    def minister_timelines(self, title: str, hrefs: frozenset[str]) -> dict:
        """`minister_timelines`, kept for the last title and actions: a minister's mandates (one per term)
        have the same title and actions, and at 1000 plans their timelines are ~0.7 s of CPU each."""
        key = (title, hrefs)
        if self._timelines is None or self._timelines[0] != key:
            self._timelines = None  # released before the next are made: a minister's are megabytes at 1000 plans
            self._timelines = (key, minister_timelines(title, hrefs, self.by_plan()))
        return self._timelines[1]

    def picture(self, plan: str) -> dict | None:
        """A plan's timeline and collaboration matrix, made when its page is (once)."""
        if plan not in self._pictures:
            if self.actions is None:
                return None
            rows = [row for row in self.actions.rows if row.plan == plan]
            self._pictures[plan] = plan_pictures(dataclasses.replace(self.actions, rows=rows), self.several).get(plan)
        return self._pictures[plan]

    def context(self, plan: dict[str, str] | None) -> dict:
        """What the template reads besides the page, for the pages of `plan` (None: a shared thing's):
        `common`, the plan and the site's navigation and footer (`chrome`), which are the same on all
        those pages: rendered once (templates/_nav.html, _footer.html), not on every page. One dict for
        all the pages of a plan (`rendered_bodies` does not change it; the template writes to its own context)."""
        key = plan["slug"] if plan else None
        found = self._contexts.get(key)
        if found is None:
            made = chrome(self.template.environment, {**self.common, "plan": plan})
            found = self._contexts[key] = {**self.common, "plan": plan, "chrome": made}
        return found

    @property
    def base(self) -> str:
        return self.views.base

    def current(self, iri: str, history: list[Entry] | None = None) -> Resource:
        """A resource as it is now: its description, page and (where it has one) its version history."""
        return resource(*self.current_bodies(iri, history))

    def current_bodies(self, iri: str, history: list[Entry] | None = None) -> tuple[str, dict[str, tuple[bytes, str]]]:
        """`current`'s path and bodies (extension -> (body, media type), as `published.Writer` takes them), not
        made into a `Resource` of `Representation`s that the writer takes apart again (a plan's ~620 pages)."""
        graph = self.store.describe(iri)
        page = self.views.page(iri, graph, more={"history": history} if history else None)
        pictured = _pictures_of(page, self.actions, self.picture, self.minister_timelines)
        dataset = self.datasets.get(iri)
        if not dataset and self.landing:  # a dataset's landing page (none among a plan's pages: not looked for)
            dataset = self.datasets.get(self.landing.get(iris.document(self.base, page.path), ""))
        schema = script_json(json.dumps(dataset, ensure_ascii=False, sort_keys=True)) if dataset else None
        meta = resource_meta(page, graph, self.base, page.title, schema)
        path = page.path  # (`iris.path_of(iri, self.base) or iri`, as `Views.page` made it)
        context = self.context(plan_of(path, self.plans))
        return path, rendered_bodies(path, graph, page, self.template, context, page.title, meta, pictured)

    def past(self, histories: Histories, slug: str) -> Iterator[Resource]:
        """A page and RDF for every object in every version of plan `slug` in which it changed
        (/doc/versie/{slug}/{n}/…); a version's page lists the object's versions in that plan."""
        for path, made in self.past_bodies(histories, slug):
            yield resource(path, made)

    def past_bodies(self, histories: Histories, slug: str) -> Iterator[tuple[str, dict[str, tuple[bytes, str]]]]:
        """`past`'s pages, each its path and bodies (as `current_bodies`)."""
        views, common = self.views, self.context(plan_of(f"versie/{slug}", self.plans))
        for iri, entry, entries, member, graph, parts in past_graphs(histories, slug):
            version = {"version": {"entry": entry, "current": views.href(iri), "history": entries}}
            page = views.page(member, graph, specific=False, more=version)  # no kind section
            page = as_version(page, f"{page.kind_label}, versie {entry.number}")
            title = f"{page.title} (versie {entry.number})"
            meta = resource_meta(page, graph, views.base, title)
            yield entry.path, rendered_bodies(entry.path, graph, page, self.template, common, title, meta)
            for owned, part in parts:
                node = as_version(views.page(owned, part, specific=False))
                meta = resource_meta(node, part, views.base, node.title)
                yield node.path, rendered_bodies(node.path, part, node, self.template, common, node.title, meta)


def as_version(page: Page, kind_label: str | None = None) -> Page:
    """`page.but(kind="Versie")` (and its kind's name `kind_label`, if given) for a page `Views.page` has just made
    and nothing has seen yet: changed where it is, not copied (a past version's pages: one a page). The same page."""
    fields = page.__dict__
    fields["kind"] = "Versie"
    if kind_label is not None:
        fields["kind_label"] = kind_label
    return page


def past_graphs(
    histories: Histories, slug: str
) -> Iterator[tuple[str, Entry, list[Entry], str, Described, list[tuple[str, Triples]]]]:
    """What the pages of plan `slug`'s past versions describe, in the order `Pages.past` writes them: per
    object and version in which it changed, its IRI, that version's entry, the object's entries in the
    plan, the IRI of its state in that version (the page's subject), that state's graph, and the things
    the state owns (a period, indicators: IRI and graph), each with a page of its own."""
    for iri, every in sorted(histories.entries.items()):  # a stable order: the site is written as it is made
        entries = [e for e in every if e.slug == slug]
        for entry in entries:
            version = histories.plans[slug].versions[entry.number - 1]
            description = histories.described(slug, entry.number)[iri]
            graph = histories.member(slug, version, iri, description)
            member = histories.member_iri(slug, entry.number, iri)
            parts = []
            subjects = histories.member_subjects(slug, version, iri, description)  # graph.subjects(), once each
            for owned in sorted(s for s in subjects if str(s) != member):  # period, indicators too
                part = Triples(graph.triples((owned, None, None)))
                part += graph.triples((None, None, owned))
                parts.append((str(owned), part))
            yield iri, entry, entries, member, graph, parts


def chrome(env: Environment, context: dict) -> dict[str, Markup]:
    """The site's navigation and footer (templates/_nav.html, _footer.html) for pages with this context,
    as base.html writes them where it is not given them (`chrome`)."""
    seen = {**context}  # as base.html sees them: with its defaults
    seen.setdefault("plans", [])
    seen.setdefault("plan", None)
    seen.setdefault("plan_count", len(seen["plans"]))
    return {part: Markup(env.get_template(f"_{part}.html").render(seen)) for part in ("nav", "footer")}


def rendered_bodies(
    path: str,
    graph: Described,
    page: Page,
    template: Template,
    common: dict,
    title: str,
    meta: Meta,
    pictures: object = None,
) -> dict[str, tuple[bytes, str]]:
    """A resource's four RDF formats and its HTML page, by extension (body, media type)."""
    found = rdf_bodies(graph)
    script = _script_json(found["jsonld"][0])
    # the template's parts (a list: its code returns them, templates/codegen.py) are encoded part by part and
    # the page joined once, as bytes: the page of a minister whose portfolios many plans name grows with the
    # plans (~60 MB of HTML at 1000 plans), and holding it whole as text, then its halves, then its bytes made
    # it the last stage's memory peak (`encoded` lets each text go once it is encoded, as the template's generator
    # did before list mode: the list of texts held to the last part made the helper's peak at 300 plans 15 MiB
    # higher, bench/RESULTS.md coordinator-s11). Part by part, not the page's text encoded at once: a text with
    # one character past ASCII is encoded character by character (~10 instructions each), an ASCII part is
    # copied (most parts; the root's code without `Template.generate`'s generator; an error rewritten as
    # `generate` rewrites it)
    # the template's globals, `common` and the page's values in one dict, the context's own (`shared`: not copied
    # again into a dict of the globals and the values, as `new_context` does otherwise: the same names and values)
    fixed, overriding = _fixed(template, common)
    jsonld, links = _SLOT if script else "", alternates(path)
    names = {
        **fixed,
        "page": page,
        "title": title,
        "alternates": links,
        "jsonld": jsonld,
        "pictures": pictures,
        "meta": meta,
        **overriding,
    }
    context = template.new_context(names, shared=True)
    try:
        parts = encoded(template.root_render_func(context))
    except Exception:
        template.environment.handle_exception()
        raise  # (handle_exception raises: this is for the type checker)
    # the JSON-LD's bytes go into the page's as they are, not decoded, joined and encoded again (the page's
    # biggest part): the template writes a slot no text can hold (a new random one per process) in their place,
    # inside one part (a value is never split between parts); the first slot only, as `str.partition` took it.
    # (`find`, not `in`: `bytes in bytes` first tries its operand as an integer, whose TypeError, formatted and
    # cleared, cost ~600 instructions a part)
    # The JSON-LD's bytes are joined between the part's two halves, not copied into a new part first
    if script:
        for at, part in enumerate(parts):
            if part.find(_SLOT_BYTES) >= 0:
                before, _slot, after = part.partition(_SLOT_BYTES)
                parts[at : at + 1] = (before, script, after)
                break
    found[HTML.extension] = (b"".join(parts), HTML.media_type)
    return found


_PAGE_NAMES = frozenset({"page", "title", "alternates", "jsonld", "pictures", "meta"})  # what `rendered_bodies` names
_last_fixed: list = [None, None, None]  # the template and `common` last asked of `_fixed`, and its answer


def _fixed(template: Template, common: dict) -> tuple[dict, dict]:
    """The template's globals and `common` in one dict, made once for the pages of a plan (the same `common`:
    `Pages.context`), which a page's values are added to, and what of `common` names a page's value (it wins
    over the page's, as it did when `common` was added last; none on a site's pages)."""
    last = _last_fixed
    if last[0] is template and last[1] is common:
        return last[2]
    found = ({**template.globals, **common}, {name: common[name] for name in _PAGE_NAMES & common.keys()})
    last[:] = (template, common, found)
    return found


def encoded(texts: Iterable[str]) -> list[bytes]:
    """The texts as UTF-8, in their order, each let go once encoded (a list is emptied; a generator, Jinja's
    own code, holds one at a time): a page's texts and its bytes are not all held at once (a text with one
    character past Latin-1 takes 2-4 bytes a character)."""
    if type(texts) is not list:
        return [text.encode() for text in texts]
    texts.reverse()
    take = texts.pop
    return [take().encode() for _ in range(len(texts))]


def _slot(token: bytes) -> str:
    """The JSON-LD's slot in a page's text: NUL, then `token`'s bytes each as two control characters (one
    for each half: U+0010-U+001F), then NUL; no text of a page holds it (a random token). `bytes.find`
    (`rendered_bodies`) looks at the byte after each window and jumps a whole slot ahead where that byte may not
    be in the slot, by its value modulo 64 (CPython's filter): the slot's are 0 and 16-31, which no
    lower-case letter, digit, space or `<>="&/.:;-` is, where the hex digits and "jsonld" of the slot
    before made it step a byte at a time through the page's head (~12,000 instructions a page)."""
    halves = "".join(chr(0x10 + (byte >> 4)) + chr(0x10 + (byte & 15)) for byte in token)
    return f"\x00{halves}\x00"


_SLOT = _slot(secrets.token_bytes(16))  # a new one per process
_SLOT_BYTES = _SLOT.encode("utf-8")


def _script_json(body: bytes) -> bytes:
    """`script_json` of a UTF-8 text, on its bytes (no byte of another character is '&', '<' or '>')."""
    return body.replace(b"&", b"\\u0026").replace(b"<", b"\\u003c").replace(b">", b"\\u003e")
