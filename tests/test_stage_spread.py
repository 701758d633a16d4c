"""The last stage's processes share their work: the action index made once by them together, a minister's
mandates taken by one process one after another (`render.spread`, `render.actions`)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from hgkbp_ld.render import spread
from hgkbp_ld.render.actions import PARTS, index_json, index_parts, load_index
from hgkbp_ld.render.plans import load_plans
from hgkbp_ld.store import EmbeddedStore


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
