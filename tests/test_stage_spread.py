"""The last stage's processes share their work: the action index made once by them together, a minister's
mandates taken by one process one after another (`render.spread`, `render.actions`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

from hgkbp_ld.render import spread
from hgkbp_ld.render.actions import PARTS, index_json, index_parts, load_index
from hgkbp_ld.render.plans import load_plans
from hgkbp_ld.store import EmbeddedStore

TODAY = dt.date(2026, 12, 1)


def _opened(dist: Path) -> tuple[EmbeddedStore, str, list[dict[str, str]]]:
    index = json.loads((dist / "site" / "index.json").read_bytes())
    store = EmbeddedStore.read_only(dist / "oxigraph")
    return store, index["base"], load_plans(store, index["base"], list(index["parts"]))


def test_an_index_put_together_from_parts_is_the_index_asked_at_once(dist_b: Path) -> None:
    """`load_index` of parts made apart (as the stage and its helper make them: `spread.HELPER_PARTS`,
    `spread.STAGE_PARTS`), of some parts, or of none: the same index, rows in the same order; `exact` is not
    in the site's index."""
    store, base, plans = _opened(dist_b)
    whole = load_index(store, base, plans, texts=False)
    assert whole.exact and len(whole.rows) > 50
    assert set(spread.HELPER_PARTS) | set(spread.STAGE_PARTS) == set(PARTS)
    assert not set(spread.HELPER_PARTS) & set(spread.STAGE_PARTS)
    apart = {**index_parts(store, spread.HELPER_PARTS), **index_parts(store, spread.STAGE_PARTS)}
    for parts in (apart, index_parts(store, ["refers", "actions"]), {}):
        made = load_index(store, base, plans, texts=False, parts=parts)
        assert dataclasses.asdict(made) == dataclasses.asdict(whole)
    assert "exact" not in index_json(whole) and set(index_json(whole)) == {
        f.name for f in dataclasses.fields(whole) if f.name != "exact"
    }


def test_an_index_of_an_action_with_two_numbers_is_not_exact(dist_b: Path) -> None:
    """An action with two rows (two numbers, titles, notations or goals) or a number that is no xsd:integer:
    the index is not `exact` (a portfolio's actions are then asked of the store: `render.views`)."""
    store, base, plans = _opened(dist_b)
    parts = index_parts(store)
    first = parts["actions"][0]
    twice = {**parts, "actions": [*parts["actions"], (first[0], first[1] + 1000, *first[2:])]}
    assert not load_index(store, base, plans, texts=False, parts=twice).exact
    text = {**parts, "actions": [(first[0], first[1], False, *first[3:]), *parts["actions"][1:]]}
    assert not load_index(store, base, plans, texts=False, parts=text).exact
    assert load_index(store, base, plans, texts=False, parts=parts).exact


def test_a_ministers_mandates_are_taken_together_by_one_process(dist_b: Path) -> None:
    """The mandates that hold the same portfolios (a minister's terms) are one group of the work, in their
    order; the costliest kinds first; every page once, numbered in the order given."""
    store, base, _plans = _opened(dist_b)
    together = spread.together(store)
    assert len(together) > len(set(together.values())) > 1  # some minister's terms hold the same portfolios
    mandates = sorted(together)
    todo = [(f"{base}/id/persoon/x", None), *[(m, None) for m in mandates], (f"{base}/id/bevoegdheid/y", None)]
    work = spread._work(base, todo, together)
    numbers = [n for group in work for n, _iri, _records in group]
    assert sorted(numbers) == list(range(len(todo)))
    kinds = [group[0][1].removeprefix(f"{base}/id/").split("/")[0] for group in work]
    assert kinds == ["mandataris"] * len(set(together.values())) + ["bevoegdheid", "persoon"]
    for group in work[: len(set(together.values()))]:
        assert len({together[iri] for _n, iri, _r in group}) == 1
        assert [n for n, _iri, _r in group] == sorted(n for n, _iri, _r in group)
    sizes = [len(group) for group in work]
    assert sizes[-2:] == [1, 1] and sizes == sorted(sizes, reverse=True)  # the largest groups of a kind first


def test_the_stage_asks_what_it_needs_anyway_while_it_waits_for_a_helpers_part(tmp_path: Path) -> None:
    """`spread._exchanged`: once this process's parts are given, `meanwhile` is called (once) while another
    process's part is still to come (the stage asks the catalogue's contributions and the goals then, not
    after its `Pages`); not when every part is there already."""
    called: list[int] = []

    def meanwhile() -> None:  # the helper's parts arrive while the stage asks
        called.append(len(called))
        for name in PARTS:
            (tmp_path / name).write_bytes(pickle.dumps([(name,)]))

    found = spread._exchanged(None, tmp_path, (), lambda: True, meanwhile)  # type: ignore[arg-type]
    assert called == [0] and found == {name: [(name,)] for name in PARTS}
    assert spread._exchanged(None, tmp_path, (), lambda: True, meanwhile) == found  # type: ignore[arg-type]
    assert called == [0]


def test_helpers_started_ahead_are_given_what_they_need_once_the_store_is_kept(tmp_path: Path) -> None:
    """A first build's helpers start before the stage loads its store (`Helpers.ahead`: only if a build of that
    many plans would want them) and are given their `Helper` once it is kept (`begin`): a helper that then
    cannot open the store fails the stage with its error; helpers not wanted after all (not a first build)
    are stopped."""
    plans = tuple(f"p{n}" for n in range(spread.SPREAD_FROM))
    assert spread.Helpers.ahead(1, len(plans)) is None and spread.Helpers.ahead(2, 1) is None
    helper = spread.Helper(tmp_path / "no-store", "https://data.vlaanderen.be", TODAY, plans, False, tmp_path / "s", 2)
    unwanted = spread.Helpers.ahead(2, len(plans))
    assert unwanted is not None and unwanted.helper is None and len(unwanted._processes) == 1
    process = unwanted._processes[0][0]
    assert unwanted.begin(helper, first=False) is None
    assert not process.is_alive() and process.exitcode == 0 and not unwanted._processes
    ahead = spread.Helpers.ahead(2, len(plans))
    assert ahead is not None
    begun = ahead.begin(helper, first=True)
    assert begun is ahead and ahead.helper is not None and ahead.helper.index is not None
    ahead.render([[(0, "https://data.vlaanderen.be/id/mandataris/x", None)]])
    with pytest.raises(RuntimeError, match=r"(?s)a helper of the last stage failed.*no-store"):
        ahead.wait()


def test_the_index_parts_read_as_texts_are_those_of_the_rdflib_terms(dist_b: Path) -> None:
    """`index_parts` over the embedded store (its values read as texts, not made rdflib terms) gives the parts a
    store with `select` only gives (each value `str` of its rdflib term), with the periods' unknown years."""
    store, _base, _plans = _opened(dist_b)

    class Queried:  # the store as the `Store` protocol has it: `select` only
        select = staticmethod(store.select)

    texts, terms = index_parts(store), index_parts(Queried())  # type: ignore[arg-type]
    assert texts == terms and set(texts) == set(PARTS)
    assert all(len(rows) > 0 for rows in texts.values())
    assert all(type(value) in (str, int, bool) or value is None for rows in texts.values() for row in rows for value in row)
    assert any(row[2] is None or row[3] is None for row in texts["periods"]) or len(texts["periods"]) > 10
