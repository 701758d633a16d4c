"""The shared pages' queries asked so that their cost follows what a page shows, not every plan's actions:
the same rows in the same order as the queries asked with their bindings (`render.views`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rdflib import URIRef

from hgkbp_ld.render import kind_sections
from hgkbp_ld.render.pages import minister_timelines
from hgkbp_ld.render.plan_site import RenderContext, make_pages
from hgkbp_ld.render.queries import query
from hgkbp_ld.render.shared_things import shared_subjects as _shared_subjects
from hgkbp_ld.render.views import Views
from hgkbp_ld.store import EmbeddedStore
from tests.shared import stage_views

BP = "https://data.vlaanderen.be/ns/beleidsplan#"
ROLES = (URIRef(BP + "verantwoordelijke"), URIRef(BP + "samenwerkingMet"))


@pytest.fixture(scope="module")
def shared(dist_b: Path) -> tuple[EmbeddedStore, Views]:
    """The two-plan build's kept store and the last stage's views over it (tests/conftest.py)."""
    store, views = stage_views(dist_b)
    assert not views.batch
    return store, views


def test_a_mandates_actions_written_in_the_query_are_those_asked_with_bindings(
    shared: tuple[EmbeddedStore, Views],
) -> None:
    """Every mandate's actions per role: the rows of `page-actions-of-mandate` asked with ?this and ?prop
    bound, in their order (also where actions of both plans have the same number), without those two."""
    store, views = shared
    mandates = {r["m"] for r in store.select(f"SELECT DISTINCT ?m WHERE {{ ?m <{BP}heeftBevoegdheid> ?p }}")}
    assert len(mandates) > 5
    rows = ties = 0
    for mandate in sorted(mandates):
        for role in ROLES:
            bound = store.select(query("page-actions-of-mandate"), {"this": mandate, "prop": role})
            expected = [{k: v for k, v in row.items() if k not in ("this", "prop")} for row in bound]
            assert views._mandate_rows(role, mandate) == expected
            numbers = [str(row["number"]) for row in bound]
            rows += len(bound)
            ties += len(numbers) - len(set(numbers))
    assert rows > 100
    assert ties > 0  # the order of rows with the same number (of the two plans) is checked too


def test_the_mandates_of_a_minister_share_the_rows_of_their_portfolios(
    shared: tuple[EmbeddedStore, Views], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_held_rows` in the mandates' order (a minister's terms one after another, as a page's process
    takes them): the rows asked with bindings, each; the store asked once per portfolios and role."""
    store, views = shared
    holds = URIRef(BP + "heeftBevoegdheid")
    mandates = sorted({r["m"] for r in store.select(f"SELECT DISTINCT ?m WHERE {{ ?m <{holds}> ?p }}")})
    asked: list[URIRef] = []
    rows_of = views._mandate_rows
    monkeypatch.setattr(views, "_mandate_rows", lambda prop, node: asked.append(node) or rows_of(prop, node))
    views._held.clear()
    runs: list[tuple] = []  # the portfolios of consecutive mandates, once per run of the same
    for mandate in mandates:
        held = tuple(store.describe(str(mandate)).objects(mandate, holds))
        if not runs or runs[-1] != held:
            runs.append(held)
        for role in ROLES:
            bound = store.select(query("page-actions-of-mandate"), {"this": mandate, "prop": role})
            expected = [{k: v for k, v in row.items() if k not in ("this", "prop")} for row in bound]
            assert views._held_rows(role, mandate, held) == expected
    assert len(asked) == 2 * len(runs) < 2 * len(mandates)  # some minister's terms hold the same portfolios


def test_a_mandate_not_written_as_an_iri_is_asked_with_bindings(
    shared: tuple[EmbeddedStore, Views], monkeypatch: pytest.MonkeyPatch
) -> None:
    _store, views = shared
    asked: list[tuple[str, dict]] = []
    monkeypatch.setattr(views, "_select", lambda name, bindings: asked.append((name, bindings)) or [])
    odd = URIRef("https://data.vlaanderen.be/id/mandataris/a>b")
    assert views._mandate_rows(ROLES[0], odd) == []
    assert asked == [("page-actions-of-mandate", {"this": odd, "prop": ROLES[0]})]


def test_a_thing_without_parts_asks_the_store_for_none(
    shared: tuple[EmbeddedStore, Views], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan of the register that no plan here builds: its page has no goals, read from its description
    (the store is not asked); a built plan's goals are asked, the same links as without the description."""
    store, views = shared
    register = {r["p"] for r in store.select(f"SELECT DISTINCT ?p WHERE {{ ?x <{BP}isComplementairAan> ?p }}")}
    built = {r["p"] for r in store.select(f"SELECT DISTINCT ?p WHERE {{ ?p <{BP}heeftDoelstelling> ?g }}")}
    assert register - built and built
    goal = URIRef(BP + "heeftDoelstelling")
    expected = {plan: views._children(plan, goal) for plan in register | built}
    asked: list[str] = []
    select = views._select
    monkeypatch.setattr(views, "_select", lambda name, bindings: asked.append(name) or select(name, bindings))
    for plan in sorted(register - built):
        assert views._children(plan, goal, store.describe(str(plan))) == [] == expected[plan]
    assert asked == []
    for plan in sorted(built):
        found = views._children(plan, goal, store.describe(str(plan)))
        assert found == expected[plan] and len(found) > 1
    assert asked == ["page-children"] * len(built)


def test_the_query_the_mandates_rows_are_written_into_is_as_expected(monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed `page-actions-of-mandate.rq` whose patterns are no longer there fails loudly, not silently
    asking another query."""
    monkeypatch.setattr(kind_sections, "query", lambda name: "SELECT ?x WHERE { ?x ?p ?o }")
    views = Views.__new__(Views)
    with pytest.raises(ValueError, match="not there once"):
        views._mandate_rows(ROLES[0], URIRef("https://data.vlaanderen.be/id/mandataris/x"))


def test_a_ministers_timelines_are_made_once_for_the_same_title_and_actions(dist_b: Path) -> None:
    """`Pages.minister_timelines` keeps the last: the same as made anew, made again for other actions."""
    index = json.loads((dist_b / "site" / "index.json").read_bytes())
    store = EmbeddedStore.read_only(dist_b / "oxigraph")
    slugs = list(index["parts"])
    context = RenderContext(dist_b / "unused", None, 0, dt.date.fromisoformat(index["today"]), len(slugs), {})
    pages = make_pages(store, index["base"], context, slugs, datasets=False)
    assert pages.actions is not None
    rows = pages.actions.rows
    hrefs = frozenset(row.href for row in rows[::7])
    assert len({row.plan for row in rows if row.href in hrefs}) == 2
    first = pages.minister_timelines("Een minister", hrefs)
    assert first == minister_timelines("Een minister", hrefs, pages.by_plan())
    assert len(first["minister_timelines"]) == 2
    assert pages.minister_timelines("Een minister", frozenset(hrefs)) is first
    fewer = frozenset(list(hrefs)[:3])
    other = pages.minister_timelines("Een minister", fewer)
    assert other is not first and other == minister_timelines("Een minister", fewer, pages.by_plan())
    renamed = pages.minister_timelines("Een andere minister", fewer)
    assert renamed is not other and "Een andere minister" in renamed["minister_timelines"][0]["svg"]


def test_the_shared_things_read_from_the_named_graphs_subjects_are_the_querys(
    shared: tuple[EmbeddedStore, Views],
) -> None:
    """`stage._shared_subjects` over the embedded store (its named graphs' subjects, filtered in Python)
    gives the IRIs of `resources-shared.rq`, which a store without `graph_subjects` is asked."""
    store, views = shared

    class Queried:  # the store as the `Store` protocol has it: queries only
        select = staticmethod(store.select)

    found = _shared_subjects(store, views.base)
    assert sorted(found) == sorted(_shared_subjects(Queried(), views.base))  # type: ignore[arg-type]
    assert len(found) == len(set(found)) > 20
    kinds = {iri.removeprefix(f"{views.base}/id/").split("/")[0] for iri in found}
    assert {"bevoegdheid", "mandataris", "beleidsplan"} <= kinds and not kinds & {"actie", "doelstelling"}


def _portfolio_links(views: Views, store: EmbeddedStore, portfolio: URIRef, role: URIRef) -> list[tuple]:
    """`page-actions-of-portfolio`'s links of `portfolio` asked with ?this and ?prop bound, as a page shows them."""
    links = views._links(store.select(query("page-actions-of-portfolio"), {"this": portfolio, "prop": role}), note="n")
    return [(link.label, link.href, link.note, views._plan_title(link.href)) for link in links]


def test_a_portfolios_actions_read_from_the_index_are_the_querys(shared: tuple[EmbeddedStore, Views]) -> None:
    """Every portfolio's actions per role read from the action index in its description's order
    (`_indexed_actions`): the links of the query asked with bindings, in its order, also where actions of
    both plans have the same number; the store is not asked."""
    store, views = shared
    assert views.actions is not None and views.actions.exact
    portfolios = {r["p"] for r in store.select(f"SELECT DISTINCT ?p WHERE {{ ?a <{BP}verantwoordelijke> ?p }}")}
    assert len(portfolios) > 5
    number = {row.href: row.number for row in views.actions.rows}
    links = ties = 0
    for portfolio in sorted(portfolios):
        graph = store.describe(str(portfolio))
        for role in ROLES:
            found = views._indexed_actions(role, portfolio, graph)
            assert found is not None
            expected = _portfolio_links(views, store, portfolio, role)
            assert [(link.label, link.href, link.note, link.plan) for link in found] == expected
            numbers = [number[link.href] for link in found]
            links += len(found)
            ties += len(numbers) - len(set(numbers))
    assert links > 100
    assert ties > 0  # the order of actions with the same number (of the two plans) is checked too


def test_a_portfolios_actions_the_index_cannot_give_are_asked(
    shared: tuple[EmbeddedStore, Views], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an exact index (an action with two numbers, titles or notations), with an action the index
    does not hold, or over a graph that is not the embedded store's description, the query is asked."""
    import dataclasses

    store, views = shared
    assert views.actions is not None
    portfolio = URIRef(next(iter(views.actions.rows[0].responsible)))
    graph = store.describe(str(portfolio))
    role = ROLES[0]
    assert views._indexed_actions(role, portfolio, graph) is not None
    monkeypatch.setattr(views, "actions", dataclasses.replace(views.actions, exact=False))
    assert views._indexed_actions(role, portfolio, graph) is None
    monkeypatch.setattr(views, "actions", dataclasses.replace(views.actions, exact=True))
    monkeypatch.setattr(views, "_numbered", {row.iri: row for row in views.actions.rows[1:]})  # one not held
    assert views._indexed_actions(role, portfolio, graph) is None
    monkeypatch.setattr(views, "_numbered", None)
    assert views._indexed_actions(role, portfolio, graph) is not None
    from rdflib import Graph

    assert views._indexed_actions(role, portfolio, Graph()) is None  # not `Triples`: another store's
    expected = _portfolio_links(views, store, portfolio, role)
    asked: list[str] = []
    select = views._select
    monkeypatch.setattr(views, "_select", lambda name, bindings: asked.append(name) or select(name, bindings))
    monkeypatch.setattr(views, "actions", None)
    found = views._actions_of(role, portfolio, graph=graph)
    assert [(link.label, link.href, link.note, link.plan) for link in found] == expected
    assert asked == ["page-actions-of-portfolio"]
