"""The rows of /acties and the plan pictures' data, read from the store once per build.

`load_index` reads every action with its goal, portfolios, period and searchable text;
`index_json` writes it into the rendered site, where the server filters it per request (`web.action_index`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from itertools import groupby
from pathlib import Path
from typing import IO, Any

from rdflib.namespace import XSD
from rdflib.term import Node

from hgkbp_ld import iris
from hgkbp_ld.iris import BP
from hgkbp_ld.render.pictures import TimelineBar, TimelineGroup, pair_counts
from hgkbp_ld.render.queries import query
from hgkbp_ld.store import Store
from hgkbp_ld.web.action_index import ActionIndex, Choice, Row, fold


def _short(iri: str, base: str) -> str:
    return iris.path_of(iri, base) or iri


# the index's parts, each the rows of one query (plain values): computed by the processes of the last stage
# apart, then put together (`load_index`'s `parts`)
PARTS = ("actions", "responsible", "collaborators", "periods", "refers", "ministers")
_ROLES = {"responsible": BP.verantwoordelijke, "collaborators": BP.samenwerkingMet}


def index_parts(store: Store, names: Iterable[str] = PARTS) -> dict[str, list[tuple]]:
    """The rows of the index's parts `names` (`PARTS`), as tuples of plain values."""
    found: dict[str, list[tuple]] = {}
    for name in names:
        if name == "actions":
            found[name] = [
                (
                    r["a"],
                    int(r["n"]),
                    getattr(r["n"], "datatype", None) == XSD.integer,
                    r["notation"],
                    r["title"],
                    r["hdn"],
                    r["hdt"],
                )
                for r in _texts(store, query("actions"), terms=("n",))  # the number as its term: its datatype
            ]
        elif name in _ROLES:
            rows = _texts(store, query("action-portfolios"), {"role": _ROLES[name]})
            found[name] = [(r["a"], r["p"], r["l"]) for r in rows]
        elif name == "periods":
            found[name] = [(r["a"], r["text"], r.get("s"), r.get("e")) for r in _texts(store, query("action-periods"))]
        elif name == "refers":
            found[name] = [(str(r["a"]), int(r["n"])) for r in store.select(query("action-refers"))]
        elif name == "ministers":
            found[name] = [(r["person"], r["p"], r["name"]) for r in _texts(store, query("ministers-portfolios"))]
        else:
            raise ValueError(f"no part {name!r} of the action index")
    return found


def _texts(
    store: Store, text: str, bindings: dict[str, Node] | None = None, terms: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """A SELECT's rows with each value's text (`str` of its rdflib term), but the variables `terms`' (their
    rdflib terms): `EmbeddedStore.select_texts`, without making the terms (at 1000 plans ~300,000 rows of the
    index's parts), else `select`'s."""
    texts = getattr(store, "select_texts", None)
    if texts is not None:
        return texts(text, bindings, terms)
    return [{k: v if k in terms else str(v) for k, v in row.items()} for row in store.select(text, bindings)]


def load_index(
    store: Store,
    base: str,
    plans: list[dict[str, str]] | None = None,
    *,
    texts: bool = True,
    parts: dict[str, list[tuple]] | None = None,
) -> ActionIndex:
    """Every action's row; `plans` (render.plans) name the plans in the choices when there are several.
    `texts=False`: without the searchable texts (the bulk of the rows), which `StreamedIndex` reads
    plan by plan as it writes them. `parts`: the rows of the index's parts (`index_parts`), some or all
    (the others are asked here); the dict is emptied."""
    plans = plans or []
    short = {p["slug"]: p["short"] for p in plans}
    found = parts if parts is not None else {}  # taken: each part released once read (at 1000 plans ~100 MB)
    found.update(index_parts(store, [name for name in PARTS if name not in found]))
    rows: dict[str, Row] = {}
    # a text many rows share (a plan's slug, a goal's title, a portfolio's IRI and label, a timeline) is
    # held once: at 1000 plans the stage and its helper each hold ~56,000 rows
    one: dict[str, str] = {}
    exact = True  # one row an action (one number, notation, title, goal), its number an xsd:integer
    for iri, number, integer, notation, title, goal, goal_title in found.pop("actions"):
        path = _short(iri, base)
        exact = exact and integer and iri not in rows
        rows[iri] = Row(
            iri,
            iris.doc_href(iri, base),
            one.setdefault(plan := path.split("/")[1], plan),
            number,
            notation,
            title,
            one.setdefault(goal, goal),
            one.setdefault(goal_title, goal_title),
        )
    for key in ("responsible", "collaborators"):
        for action, portfolio, label in found.pop(key):
            if action in rows:
                getattr(rows[action], key)[one.setdefault(portfolio, portfolio)] = one.setdefault(label, label)
    for action, timeline, first, last in found.pop("periods"):
        row = rows.get(action)
        if row is not None:
            row.timeline = one.setdefault(timeline, timeline)
            row.start = int(first) if first is not None else None
            row.end = int(last) if last is not None else None
    for action, number in found.pop("refers"):
        if action in rows:
            rows[action].refers_to = number
    if texts:
        _fold_texts(rows, _texts(store, query("action-texts")))
    held: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for person, portfolio, name in found.pop("ministers"):
        held.setdefault(person, set()).add(portfolio)
        names[person] = name
    ordered = sorted(rows.values(), key=lambda row: (row.plan != "hgkbp-2025-2029", row.plan, row.number))
    portfolios = {p: label for row in ordered for p, label in (*row.responsible.items(), *row.collaborators.items())}
    years = sorted(
        {y for row in ordered if row.start is not None for y in range(row.start, (row.end or max(row.start, 2029)) + 1)}
    )
    return ActionIndex(
        rows=ordered,
        goals=_goal_choices(ordered, short),
        portfolios=sorted(
            (Choice(_short(p, base).split("/", 1)[1], label) for p, label in portfolios.items()), key=lambda c: c.label
        ),
        ministers=sorted((Choice(_short(p, base).split("/", 1)[1], names[p]) for p in held), key=lambda c: c.label),
        years=years,
        held={
            _short(p, base).split("/", 1)[1]: {_short(x, base).split("/", 1)[1] for x in ps} for p, ps in held.items()
        },
        plans=[Choice(p["slug"], p["title"]) for p in plans],
        exact=exact,
    )


def _fold_texts(rows: dict[str, Row], found: Iterable[dict]) -> None:
    """Each row's searchable text: its title, then its descriptions' in a fixed order, folded."""
    texts: dict[str, list[str]] = {iri: [row.title] for iri, row in rows.items()}
    for r in found:
        texts.get(str(r["a"]), []).append(str(r["d"]))
    for iri, parts in texts.items():
        rows[iri].text = fold(" ".join([parts[0], *sorted(parts[1:])]))


def _goal_choices(rows: list[Row], short: dict[str, str]) -> list[Choice]:
    """The goals to filter on: `HD1` in a one-plan dataset; else `{plan}/HD1`, named with the plan."""
    several = len({row.plan for row in rows}) > 1
    choices = {
        Choice(
            f"{row.plan}/{row.goal.replace(' ', '')}" if several else row.goal.replace(" ", ""),
            f"{short.get(row.plan, row.plan)} · {row.goal}: {row.goal_title}"
            if several
            else f"{row.goal}: {row.goal_title}",
        )
        for row in rows
    }
    order = {plan: position for position, plan in enumerate(short)}
    return sorted(choices, key=lambda c: (order.get(c.value.rpartition("/")[0], 0), int(c.value.rpartition("HD")[2])))


def index_json(index: ActionIndex) -> dict:
    """The index as JSON (sets as sorted lists), for the rendered site's index."""
    data = dataclasses.asdict(index)
    del data["exact"]  # the build's, not the site's
    data["held"] = {person: sorted(portfolios) for person, portfolios in index.held.items()}
    return data


class StreamedIndex:
    """`index_json` of an index loaded without its texts (`load_index(texts=False)`), written into the
    site's index with each plan's texts read as its rows are written: the same bytes as
    `json.dumps(index_json(index), ensure_ascii=False, sort_keys=True)` of the whole index, without
    every action's text in memory at once (at 100 plans they are most of the index).

    With `texts` (a folder: dist/build-cache/render), a plan's folded texts are kept there
    (`{plan}.texts.json`) and taken from there when they are: an unchanged plan's file is the last
    build's (`plan_site.link_fragment` copies it with the plan's fragment; a plan's texts depend only
    on its graph, which its input hash covers), so only the changed plans' texts are read and folded."""

    def __init__(self, index: ActionIndex, store: Store, texts: Path | None = None, rows: Path | None = None) -> None:
        self.index = index
        self.store = store
        self.kept = texts
        self.rows = rows  # where `keep` writes each plan's rows as `write_json` writes them (one build's)
        self._by_plan: dict[str, list[Row]] | None = None

    def write_json(self, out: IO[str]) -> None:
        whole = index_json(dataclasses.replace(self.index, rows=[]))
        out.write("{")
        for number, key in enumerate(sorted(whole)):
            out.write(("" if number == 0 else ", ") + json.dumps(key) + ": ")
            if key != "rows":
                out.write(json.dumps(whole[key], ensure_ascii=False, sort_keys=True))
                continue
            out.write("[")
            for position, (plan, group) in enumerate(groupby(self.index.rows, key=lambda row: row.plan)):
                made = self.rows / rows_name(plan) if self.rows is not None else None
                if made is not None and made.is_file():  # made by `keep`, beside the pages
                    out.write(("" if position == 0 else ", ") + made.read_text(encoding="utf-8"))
                    continue
                rows = list(group)
                self._texts(plan, rows)
                out.write(("" if position == 0 else ", ") + _json_rows(rows))
                for row in rows:
                    row.text = ""  # released again: only one plan's texts at a time
            out.write("]")
        out.write("}")

    def plans(self) -> list[str]:
        """The plans with actions, in the index's order."""
        return list(self._rows_by_plan())

    def _rows_by_plan(self) -> dict[str, list[Row]]:
        """Each plan's rows (consecutive in the index), made once."""
        if self._by_plan is None:
            self._by_plan = {key: list(rows) for key, rows in groupby(self.index.rows, key=lambda row: row.plan)}
        return self._by_plan

    def keep(self, plan: str) -> None:
        """Fold a plan's actions' texts and keep them (`texts`) unless they are kept already, and with `rows`
        write the plan's rows as the site's index holds them, then release them: what `write_json` would do
        for the plan, done beforehand (by any process of the last stage as it runs out of pages: `render.spread`)."""
        if self.kept is None or (self.rows is None and (self.kept / texts_name(plan)).is_file()):
            return
        rows = self._rows_by_plan().get(plan, [])
        if rows:
            self._texts(plan, rows)
            if self.rows is not None:
                (self.rows / rows_name(plan)).write_text(_json_rows(rows), encoding="utf-8")
        for row in rows:
            row.text = ""

    def _texts(self, plan: str, rows: list[Row]) -> None:
        kept = self.kept / texts_name(plan) if self.kept is not None else None
        if kept is not None and kept.is_file():
            found = json.loads(kept.read_bytes())
            if sorted(found) == sorted(row.iri for row in rows):
                for row in rows:
                    row.text = found[row.iri]
                return
        _fold_kept(self.store, rows, kept)


def _fold_kept(store: Store, rows: list[Row], kept: Path | None) -> None:
    """The rows' texts folded from what `store` says of their actions, and kept in `kept` if given."""
    values = " ".join(f"<{row.iri}>" for row in rows)
    text = query("action-texts").replace("WHERE {", f"WHERE {{ VALUES ?a {{ {values} }}", 1)
    _fold_texts({row.iri: row for row in rows}, _texts(store, text))
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(json.dumps({row.iri: row.text for row in rows}, ensure_ascii=False), encoding="utf-8")


def keep_texts(index: ActionIndex, store: Store, folder: Path, plan: str) -> None:
    """A plan's actions' folded texts, made by the plan's worker from the plan's own store (its graph, the
    catalogue's entry, the vocabulary) and kept in `folder` (dist/build-cache/render) as `StreamedIndex` keeps
    them, which the last stage then reads instead of asking its store of every plan (4.3 ms a plan at 1000
    plans, 1 ms over the plan's own) and folding them at its end. The same texts: a plan's actions' texts are
    what its own graph says of them (as `StreamedIndex` already holds, keeping them by the plan's input hash),
    and the stage takes them only for the same actions (else it asks its store). The rows' texts are let go
    again (no page shows them)."""
    rows = [row for row in index.rows if row.plan == plan]
    if rows:
        _fold_kept(store, rows, folder / texts_name(plan))
    for row in rows:
        row.text = ""


def _json_rows(rows: list[Row]) -> str:
    """A plan's rows as the site's index holds them (`write_json`): each row's fields as `dataclasses.asdict`
    gives them (texts, numbers, None and dicts of texts: the same JSON without its deep copy, 22 -> 6 µs a row,
    ~56,000 rows at 1000 plans)."""
    return ", ".join(
        json.dumps({name: getattr(r, name) for name in _ROW_FIELDS}, ensure_ascii=False, sort_keys=True) for r in rows
    )


_ROW_FIELDS = tuple(f.name for f in dataclasses.fields(Row))


def rows_name(plan: str) -> str:
    """The file (in `StreamedIndex.rows`) of a plan's rows of the site's index, as JSON."""
    return f"{plan}.rows.json"


def texts_name(plan: str) -> str:
    """The file (in dist/build-cache/render) of a plan's actions' folded searchable texts."""
    return f"{plan}.texts.json"


# --- the pictures ----------------------------------------------------------------------------------


def timeline_groups(index: ActionIndex, plan: str, numbers: set[int] | None = None) -> list[TimelineGroup]:
    """The actions of a plan (or only `numbers`) as timeline bars, grouped by goal."""
    groups: dict[str, TimelineGroup] = {}
    for row in index.rows:
        if row.plan != plan or (numbers is not None and row.number not in numbers):
            continue
        group = groups.setdefault(row.goal, TimelineGroup(row.goal.replace(" ", ""), row.goal_title, []))
        group.bars.append(
            TimelineBar(
                row.number,
                row.title,
                row.href,
                row.start,
                row.end,
                row.start is not None and row.end is None,
                row.refers_to,
            )
        )
    return list(groups.values())


def collaboration(index: ActionIndex, plan: str) -> tuple[list[str], dict[tuple[str, str], int], dict[str, str]]:
    """Portfolio labels, how many actions each pair shares (lead or partner), and label → slug."""
    rows = [row for row in index.rows if row.plan == plan]
    slugs = {
        label: iri.rsplit("/", 1)[1]
        for row in rows
        for iri, label in (*row.responsible.items(), *row.collaborators.items())
    }
    counts = pair_counts([*row.responsible.values(), *row.collaborators.values()] for row in rows)
    return sorted(slugs), counts, slugs
