"""Two plans built into one dataset: one named graph each, no IRI collision, shared portfolios."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import URIRef

from hgkbp_ld.render import shared_things
from hgkbp_ld.render.actions import StreamedIndex, index_json, load_index
from hgkbp_ld.render.plans import load_plans
from hgkbp_ld.render.queries import query
from hgkbp_ld.store import EmbeddedStore, loading
from hgkbp_ld.store.base import StoreError
from tests.conftest import SECOND_PLAN, Server
from tests.shared import stage_views

REAL, OTHER = "hgkbp-2025-2029", SECOND_PLAN
ID = "https://data.vlaanderen.be/id/"
PER_PLAN = ("actie/", "doelstelling/", "indicator/", "periode/", "dataset/", "bron/")


@pytest.fixture(scope="module")
def two(dist_b: Path) -> Path:
    return dist_b  # the real plan and the second plan, built once per run (tests/conftest.py)


@pytest.fixture(scope="module")
def store(two: Path) -> ox.Store:
    return store_of(two)


def store_of(two: Path) -> ox.Store:
    store = ox.Store()
    manifest = json.loads((two / "manifest.json").read_text())
    for slug, plan in manifest["plans"].items():
        store.load(path=str(two / f"{slug}.nt"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(plan["graph"]))
    return store


def subjects(store: ox.Store, graph: str) -> set[str]:
    return {q.subject.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def test_one_named_graph_per_plan_with_its_counts(two: Path, store: ox.Store) -> None:
    plans = json.loads((two / "manifest.json").read_text())["plans"]
    assert set(plans) == {REAL, OTHER}
    assert plans[REAL]["graph"] == f"{ID}dataset/{REAL}" and plans[OTHER]["graph"] == f"{ID}dataset/{OTHER}"
    for slug, plan in plans.items():
        triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(plan["graph"])))
        assert triples == plan["triples"], slug
    counts = {
        row["g"].value: int(row["n"].value)
        for row in store.query(
            "SELECT ?g (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?g { ?a a <https://data.vlaanderen.be/ns/beleidsplan#Actie> } }"
            " GROUP BY ?g"
        )
    }
    assert counts == {f"{ID}dataset/{REAL}": 56, f"{ID}dataset/{OTHER}": 3}


def test_no_iri_of_one_plan_is_minted_by_the_other(store: ox.Store) -> None:
    real, other = subjects(store, f"{ID}dataset/{REAL}"), subjects(store, f"{ID}dataset/{OTHER}")
    mine = {s for s in real if s.removeprefix(ID).startswith(PER_PLAN)}
    theirs = {s for s in other if s.removeprefix(ID).startswith(PER_PLAN)}
    assert mine and theirs and not (mine & theirs)
    assert all(f"/{REAL}" in s for s in mine) and all(f"/{OTHER}" in s for s in theirs)
    assert f"{ID}actie/{REAL}/1" in real and f"{ID}actie/{OTHER}/1" in other


def test_a_shared_portfolio_is_one_resource(store: ox.Store) -> None:
    portfolio = f"{ID}bevoegdheid/gelijke-kansen"
    assert portfolio in subjects(store, f"{ID}dataset/{REAL}") and portfolio in subjects(store, f"{ID}dataset/{OTHER}")
    labels = list(
        store.query(
            f"SELECT DISTINCT ?l WHERE {{ <{portfolio}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}",
            use_default_graph_as_union=True,
        )
    )
    assert len(labels) == 1
    leads = {
        row["a"].value
        for row in store.query(
            f"SELECT ?a WHERE {{ ?a <https://data.vlaanderen.be/ns/beleidsplan#verantwoordelijke> <{portfolio}> }}",
            use_default_graph_as_union=True,
        )
    }
    assert f"{ID}actie/{OTHER}/1" in leads and f"{ID}actie/{REAL}/12" in leads


def test_the_server_serves_both_plans(two: Path) -> None:
    server = Server(two)
    try:
        for path in (f"/doc/actie/{OTHER}/1", f"/doc/actie/{REAL}/1", f"/doc/beleidsplan/{OTHER}"):
            assert httpx.get(server.url + path, headers={"Accept": "text/turtle"}).status_code == 200
        page = httpx.get(f"{server.url}/doc/bevoegdheid/gelijke-kansen").text
        assert f'href="/doc/actie/{OTHER}/3"' in page and f'href="/doc/actie/{REAL}/12"' in page
        query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        rows = httpx.get(
            f"{server.url}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
        ).json()["results"]["bindings"]
        assert {r["g"]["value"] for r in rows} >= {f"{ID}dataset/{REAL}", f"{ID}dataset/{OTHER}"}
        # the default graph is the merge: a triple that both plans hold counts once
        query = "SELECT (COUNT(*) AS ?n) WHERE { <https://data.vlaanderen.be/id/bevoegdheid/gelijke-kansen> ?p ?o }"
        rows = httpx.get(
            f"{server.url}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
        ).json()["results"]["bindings"]
        in_one_graph = sum(
            1
            for _ in store_of(two).quads_for_pattern(
                ox.NamedNode(f"{ID}bevoegdheid/gelijke-kansen"), None, None, ox.NamedNode(f"{ID}dataset/{REAL}")
            )
        )
        assert int(rows[0]["n"]["value"]) == in_one_graph
    finally:
        server.stop()


def test_the_actions_index_written_plan_by_plan_is_the_whole_index_dumped(two: Path) -> None:
    """The last stage writes /acties' rows into index.json with each plan's texts read as its rows are
    written (`StreamedIndex`): the same bytes as dumping the index read whole, texts and all."""
    embedded = EmbeddedStore()
    embedded.load(two)
    base = "https://data.vlaanderen.be"
    plans = load_plans(embedded, base, [REAL, OTHER])
    whole = load_index(embedded, base, plans)
    assert {row.plan for row in whole.rows} == {REAL, OTHER} and all(row.text for row in whole.rows)
    out = io.StringIO()
    StreamedIndex(load_index(embedded, base, plans, texts=False), embedded).write_json(out)
    assert out.getvalue() == json.dumps(index_json(whole), ensure_ascii=False, sort_keys=True)
    site = json.loads((two / "site" / "index.json").read_bytes())
    assert site["actions"] == json.loads(out.getvalue())  # as the build wrote it


def test_the_texts_each_plans_worker_kept_are_the_whole_stores_and_the_stage_takes_them(two: Path) -> None:
    """A plan's worker folds its actions' texts from its own store and keeps them (`actions.keep_texts`):
    the texts the whole dataset's store gives, for the same actions; the last stage's index takes them
    from there without asking its store (the same bytes)."""
    from hgkbp_ld.published import CACHE
    from hgkbp_ld.render.actions import texts_name
    from hgkbp_ld.render.plan_site import FRAGMENTS

    embedded = EmbeddedStore()
    embedded.load(two)
    base = "https://data.vlaanderen.be"
    plans = load_plans(embedded, base, [REAL, OTHER])
    whole = load_index(embedded, base, plans)
    kept = two / CACHE / FRAGMENTS
    for plan in (REAL, OTHER):
        written = json.loads((kept / texts_name(plan)).read_bytes())
        assert written == {row.iri: row.text for row in whole.rows if row.plan == plan}
        assert len(written) >= 3 and all(written.values())

    class Unasked(EmbeddedStore):
        def select(self, *args: object, **kwargs: object) -> list:
            raise AssertionError("asked the store for the texts")

    unasked = Unasked.__new__(Unasked)
    out = io.StringIO()
    StreamedIndex(load_index(embedded, base, plans, texts=False), unasked, kept).write_json(out)
    assert out.getvalue() == json.dumps(index_json(whole), ensure_ascii=False, sort_keys=True)


def test_the_plans_loaded_in_groups_are_each_file_in_its_graph_and_in_the_merge(
    two: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedded store loads several plans per bulk load (N-Quads streamed from their files): the
    same quads as each file loaded into its graph and into the default graph on its own."""
    manifest = json.loads((two / "manifest.json").read_text())
    files = {p["graph"]: two / f"{slug}.nt" for slug, p in manifest["plans"].items()}
    files[manifest["catalogue"]["graph"]] = two / manifest["catalogue"]["file"]
    files["https://data.vlaanderen.be/ns/beleidsplan"] = two / "beleidsplan.ttl"
    expected = ox.Store()
    for name, path in files.items():
        for target in (ox.NamedNode(name), ox.DefaultGraph()):
            expected.load(path=str(path), to_graph=target)
    merged = sum(1 for _ in expected.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    for size in (1, 10**9):  # a bulk load per plan; both plans in one
        monkeypatch.setattr(loading, "LOAD_TRIPLES", size)
        store = EmbeddedStore(tmp_path / f"grouped-{size}")
        dataset = store.load(two)
        assert store.path is not None
        assert _quads(store) == set(expected)
        assert dataset.merged == merged
        assert dataset.graphs[f"{ID}dataset/{OTHER}"] == manifest["plans"][OTHER]["triples"]


def test_the_files_read_into_the_merge_as_one_stream_keep_a_last_line_without_a_line_break(tmp_path: Path) -> None:
    """The plans' files go into the merge as they are, one after another (`loading._Joined`): a file whose last
    line has no line break does not run into the next one's first."""
    first, second = tmp_path / "a.nt", tmp_path / "b.nt"
    first.write_bytes(b"<https://x/a> <https://x/p> <https://x/o> .")
    second.write_bytes(b"# a comment\n<https://x/b> <https://x/p> <https://x/o> .\n")
    store = ox.Store()
    joined = io.BufferedReader(loading._Joined([first, first, second]), 16)  # read a few bytes at a time
    store.bulk_load(joined, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    assert {q.subject.value for q in store} == {"https://x/a", "https://x/b"} and len(store) == 2


def test_plans_preloaded_before_the_manifest_give_the_quads_of_a_load_from_scratch(two: Path, tmp_path: Path) -> None:
    """The last stage of a first build loads the plans' dumps while the build writes its manifest
    (`loading.preload`); `load(early=...)` takes that store and loads the rest: the same quads and counts
    as a load from scratch. A preloaded store of other plans than the manifest's is not taken."""
    manifest = json.loads((two / "manifest.json").read_text())
    plans = {slug: {"graph": p["graph"], "triples": p["triples"]} for slug, p in manifest["plans"].items()}
    scratch = EmbeddedStore(tmp_path / "scratch")
    expected = scratch.load(two)
    assert scratch.path is not None
    quads = _quads(scratch)
    early = loading.preload(tmp_path / "stores", two, plans)
    assert set(ox.Store.read_only(str(early))) < quads  # the plans only: no catalogue, no vocabulary
    taken = EmbeddedStore(tmp_path / "stores")
    dataset = taken.load(two, early=early)
    assert taken.path is not None and not early.exists()
    assert _quads(taken) == quads
    assert (dataset.graphs, dataset.merged) == (expected.graphs, expected.merged)
    fewer = dict(list(plans.items())[:1])  # the manifest names another plan too: loaded from scratch
    other = loading.preload(tmp_path / "other", two, fewer)
    again = EmbeddedStore(tmp_path / "other")
    again.load(two, early=other)
    assert again.path is not None and not other.exists()
    assert _quads(again) == quads


def test_the_subjects_read_as_the_plans_are_preloaded_are_those_the_stage_would_scan_the_store_for(
    two: Path, tmp_path: Path
) -> None:
    """A first build's last stage picks what plans share from the named graphs' subjects: those of the plans'
    graphs are read as `preload` streams their dumps (`loading.Subjects`), the other graphs' (the catalogue,
    the vocabulary) asked; the same IRIs as the scan of the store (`shared_things.shared_subjects`). Not used when
    the manifest names other plans than those preloaded."""
    manifest = json.loads((two / "manifest.json").read_text())
    plans, base = loading.plan_graphs(manifest), manifest["base"]
    seen = loading.Subjects(shared_things.shared_subject(base))
    early = loading.preload(tmp_path / "stores", two, plans, seen)
    store = EmbeddedStore(tmp_path / "stores")
    dataset = store.load(two, early=early)
    found = shared_things.preloaded(store, seen, plans, dataset)
    scanned = shared_things.shared_subjects(store, base)
    assert seen.exact and found is not None and len(scanned) > 20
    assert sorted(found) == sorted(scanned)
    assert f"{ID}bevoegdheid/" in " ".join(found) and not any(f"{ID}actie/" in iri for iri in found)
    assert shared_things.preloaded(store, seen, dict(list(plans.items())[:1]), dataset) is None


def test_subjects_not_read_exactly_from_a_line_leave_the_store_to_be_asked() -> None:
    """`loading.Subjects` takes a plain IRI (those `keep` takes) and passes a blank node; a subject written with
    escapes or not as an IRI makes it inexact (the store is asked then)."""
    seen = loading.Subjects(lambda iri: iri.startswith("https://x/"))
    assert seen.see(b'<https://x/a> <https://x/p> "1" .') == b"<https://x/a> "
    assert seen.see(b"<https://y/b>\t<https://x/p> <https://x/a> .") == b"<https://y/b>\t"
    assert seen.see(b"_:b1 <https://x/p> <https://x/a> .") == b"_:b1 "
    assert seen.found == {"https://x/a"} and seen.exact
    seen.see(b"<https://x/\\u00e9> <https://x/p> <https://x/a> .")
    assert not seen.exact and seen.found == {"https://x/a"}


def _quads(store: EmbeddedStore) -> set[ox.Quad]:
    """The quads of a store loaded here (on disk), read through the instance that loaded it. Not by a
    read-only instance opened beside it: RocksDB can tell that one to read a table file a background
    compaction of the open store has just deleted ("No such file ... .sst", seen in CI under load)."""
    return set(store._current())


def test_a_dump_that_lost_a_triple_is_refused_at_load(two: Path, tmp_path: Path) -> None:
    manifest = json.loads((two / "manifest.json").read_text())
    for name in [f"{slug}.nt" for slug in manifest["plans"]] + [manifest["catalogue"]["file"], "beleidsplan.ttl"]:
        (tmp_path / name).write_bytes((two / name).read_bytes())
    lines = (tmp_path / f"{OTHER}.nt").read_bytes().splitlines(keepends=True)
    (tmp_path / f"{OTHER}.nt").write_bytes(b"".join(lines[1:]))
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StoreError, match=f"graph {ID}dataset/{OTHER}: loaded {len(lines) - 1} triples"):
        EmbeddedStore(tmp_path / "store").load(tmp_path)


def test_a_portfolios_actions_asked_for_all_are_those_asked_alone(two: Path) -> None:
    """The last stage asks a portfolio's actions once per role for every portfolio (views._ALWAYS_FOR_ALL):
    each portfolio's rows, in their order, are those of the query asked for it alone."""
    store, views = stage_views(two)
    assert not views.batch
    bp = "https://data.vlaanderen.be/ns/beleidsplan#"
    roles = [URIRef(bp + "verantwoordelijke"), URIRef(bp + "samenwerkingMet")]
    portfolios = {r["p"] for r in store.select(f"SELECT DISTINCT ?p WHERE {{ ?a <{roles[0]}>|<{roles[1]}> ?p }}")}
    assert len(portfolios) > 5
    rows = 0
    for portfolio in sorted(portfolios):
        for role in roles:
            bindings = {"this": portfolio, "prop": role}
            alone = store.select(query("page-actions-of-portfolio"), bindings)
            assert views._select("page-actions-of-portfolio", bindings) == alone
            rows += len(alone)
    assert rows > 100
    assert len(views._for_all) == 2  # asked once per role, for all portfolios


def test_a_plans_rows_are_written_as_asdict_gives_them(two: Path) -> None:
    """`actions._json_rows` writes each row's fields without `dataclasses.asdict`'s deep copy: the same JSON,
    for the built plans' rows and for odd rows (None, unicode, empty and nested dicts); a field of a kind
    that `asdict` would copy otherwise (a dataclass) would show here."""
    import dataclasses

    from hgkbp_ld.render.actions import _json_rows
    from hgkbp_ld.web.action_index import Row

    def plain(rows: list[Row]) -> str:
        return ", ".join(json.dumps(dataclasses.asdict(r), ensure_ascii=False, sort_keys=True) for r in rows)

    embedded = EmbeddedStore()
    embedded.load(two)
    base = "https://data.vlaanderen.be"
    rows = load_index(embedded, base, load_plans(embedded, base, [REAL, OTHER])).rows
    odd = [
        Row("i", "h", "p", 1, "1", 'ü "x"\n', "HD 1", "", {}, {"a": "é", "b": ""}, None, None, "", "", None),
        Row("j", "", "", 0, "", "", "", "", {"z": "1"}, {}, 2025, 2029, "Doorlopend", "tekst", 3),
    ]
    assert len(rows) > 10
    for some in (rows, odd, []):
        assert _json_rows(some) == plain(some)
    kinds = {str, int, "str", "int", "int | None", "dict[str, str]"}
    assert all(f.type in kinds for f in dataclasses.fields(Row)), [f.type for f in dataclasses.fields(Row)]
