"""A plan in its worker: its store (`plan_site.plan_store`), what the build hands its render, the heap, the mapping's terms.

The plan's store used to be a folder written for each plan (the plan's N-Triples, the catalogue
entry as Turtle, the vocabulary, a manifest) and loaded by `EmbeddedStore.load`; the plan's
`contributions` were read back from that store. Both are now made from what the build holds: the
store must give the same statements in the same order (the order its queries answer in, so the
bytes of the pages), and the contributions must be those of the store's graph.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from hgkbp_ld import iris
from hgkbp_ld.bundled import ONTOLOGY
from hgkbp_ld.catalogue import CATALOGUE_FILE
from hgkbp_ld.published import CACHE
from hgkbp_ld.rdfio import read_graph, serialise
from hgkbp_ld.render.plan_site import _graph_triples, plan_store, read_summary
from hgkbp_ld.render.plans import owner
from hgkbp_ld.render.shared import contributions
from hgkbp_ld.store import EmbeddedStore
from hgkbp_ld.triples import Triples
from tests.conftest import SECOND_PLAN

BASE = "https://data.vlaanderen.be"
PLANS = ("hgkbp-2025-2029", SECOND_PLAN)


def _plan_manifest(dist: Path, slug: str, catalogue_triples: int) -> dict:
    manifest = json.loads((dist / "manifest.json").read_bytes())
    return {
        "base": BASE,
        "plans": {slug: manifest["plans"][slug]},
        "catalogue": {**manifest["catalogue"], "triples": catalogue_triples},
        "dataset_version": slug,
    }


def _loaded_from_a_folder(dist: Path, slug: str, catalogue: object, manifest: dict, folder: Path) -> EmbeddedStore:
    """The plan's store as it was made before: its files in a folder, loaded as a build's are."""
    folder.mkdir()
    shutil.copyfile(dist / f"{slug}.nt", folder / f"{slug}.nt")
    (folder / CATALOGUE_FILE).write_bytes(serialise(catalogue, "ttl"))  # type: ignore[arg-type]
    shutil.copyfile(ONTOLOGY / "beleidsplan.ttl", folder / "beleidsplan.ttl")
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    store = EmbeddedStore()
    store.load(folder)
    return store


def _quads(store: EmbeddedStore, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> list[str]:
    return [str(q) for q in store._current().quads_for_pattern(None, None, None, graph)]


@pytest.mark.parametrize("slug", PLANS)
def test_plan_store_holds_what_a_load_of_its_files_gives_in_the_same_order(
    dist_b: Path, tmp_path: Path, slug: str
) -> None:
    catalogue = read_graph(dist_b / CATALOGUE_FILE)
    manifest = _plan_manifest(dist_b, slug, len(catalogue))
    loaded = _loaded_from_a_folder(dist_b, slug, catalogue, manifest, tmp_path / "mini")
    made = plan_store(dist_b, slug, BASE, catalogue, manifest)
    everything = _quads(loaded)
    assert len(everything) > 1000
    assert _quads(made) == everything
    assert _quads(made, ox.DefaultGraph()) == _quads(loaded, ox.DefaultGraph())
    plan = manifest["plans"][slug]["graph"]
    assert _quads(made, ox.NamedNode(plan)) == _quads(loaded, ox.NamedNode(plan))
    # what the pages ask of it answers alike, in the same order
    for iri in (f"{BASE}/id/beleidsplan/{slug}", "https://data.vlaanderen.be/ns/beleidsplan#Actie"):
        assert list(made.describe(iri)) == list(loaded.describe(iri))
    assert not (dist_b / CACHE / "render" / f".{slug}").exists()  # no folder written for it


@pytest.mark.parametrize("slug", PLANS)
def test_contributions_the_build_made_are_those_of_the_plans_store(dist_b: Path, slug: str) -> None:
    """The worker makes a plan's contributions from the graph it built (`plan_build._contributions`),
    no longer from the graph read back from the plan's store: the same digests."""
    catalogue = read_graph(dist_b / CATALOGUE_FILE)
    manifest = _plan_manifest(dist_b, slug, len(catalogue))
    store = plan_store(dist_b, slug, BASE, catalogue, manifest)
    again = contributions(_graph_triples(store, manifest["plans"][slug]["graph"]), BASE, {slug})  # type: ignore[arg-type]
    written = read_summary(dist_b / CACHE, slug)["contributions"]
    assert written
    assert written == again


@pytest.mark.parametrize("slug", PLANS)
def test_a_plans_actions_texts_folded_over_its_own_store_are_the_whole_stores(
    dist_b: Path, tmp_path: Path, slug: str
) -> None:
    """`actions.keep_texts` over the plan's own store (the worker's) keeps the texts the whole dataset's
    store gives (what the last stage folded before; its index takes the kept ones: test_two_plans), and
    lets the rows' texts go again."""
    from hgkbp_ld.render.actions import keep_texts, load_index, texts_name
    from hgkbp_ld.render.plans import load_plans

    catalogue = read_graph(dist_b / CATALOGUE_FILE)
    store = plan_store(dist_b, slug, BASE, catalogue, _plan_manifest(dist_b, slug, len(catalogue)), named=False)
    index = load_index(store, BASE, load_plans(store, BASE, [slug]), texts=False)
    keep_texts(index, store, tmp_path, slug)
    whole = EmbeddedStore()
    whole.load(dist_b)
    expected = {
        row.iri: row.text for row in load_index(whole, BASE, load_plans(whole, BASE, PLANS)).rows if row.plan == slug
    }
    assert expected and all(expected.values())
    assert json.loads((tmp_path / texts_name(slug)).read_bytes()) == expected
    assert all(row.text == "" for row in index.rows)


def _reference_contributions(graph: Graph, base: str, owners: set[str]) -> dict[str, str]:
    """`contributions` as first written (each question asked of the graph as it comes): the definition
    the faster one must keep to."""
    from hgkbp_ld.render.shared import _FOLLOWED, _HOLDS, _NUMBER, _NUMBERED_SHOWN, _PART_OF, _SECOND, _digest

    def out(node: object) -> str:
        numbered = (node, _NUMBER, None) in graph
        lines = sorted(
            f"{p.n3()} {o.n3()}" for p, o in graph.predicate_objects(node) if not numbered or p in _NUMBERED_SHOWN
        )
        return _digest([node.n3(), *lines])  # type: ignore[attr-defined]

    def thing(node: URIRef) -> str:
        near = {node, *graph.objects(node, None), *graph.subjects(None, node)}
        portfolios = set(graph.objects(node, _HOLDS))
        actions = {s for n in (node, *portfolios) for s in graph.subjects(None, n) if (s, _NUMBER, None) in graph}
        second = {o for n in actions for p, o in graph.predicate_objects(n) if p in _SECOND}
        second.update(o for n in near for p, o in graph.predicate_objects(n) if p in _FOLLOWED)
        goals = {g for n in second for g in graph.objects(n, _PART_OF)}
        nodes = near | portfolios | actions | second | goals
        incoming = sorted(f"{s.n3()} {p.n3()}" for s, p in graph.subject_predicates(node))
        whole = "".join(f"{p.n3()} {o.n3()}" for p, o in sorted(graph.predicate_objects(node)))
        return _digest([node.n3(), whole, *incoming, *sorted(out(n) for n in nodes)])

    prefix = f"{base}/id/"
    named = {
        t
        for triple in graph
        for t in (triple[0], triple[2])
        if isinstance(t, URIRef) and str(t).startswith(prefix) and "#" not in str(t)
    }
    return {str(n): thing(n) for n in sorted(named) if owner(iris.path_of(str(n), base) or "") not in owners}


def test_contributions_keep_to_their_definition(dist_b: Path) -> None:
    """Of a plan's graph (as `Triples`, as the build holds it, and as an rdflib graph) and of the
    catalogue (the last stage's): the digests of the plain definition."""
    for slug in PLANS:
        graph = read_graph(dist_b / f"{slug}.nt")
        expected = _reference_contributions(graph, BASE, {slug})
        assert len(expected) > 10
        assert contributions(Triples(graph), BASE, {slug}) == expected  # type: ignore[arg-type]
        assert contributions(graph, BASE, {slug}) == expected
        assert contributions(Triples(graph), BASE, set()) == _reference_contributions(graph, BASE, set())  # type: ignore[arg-type]
    catalogue = read_graph(dist_b / CATALOGUE_FILE)
    assert contributions(catalogue, BASE, PLANS) == _reference_contributions(catalogue, BASE, set(PLANS))


def test_the_digest_keeps_its_bytes() -> None:
    """The digests key the shared pages across builds (`shared.json`): each part's length (8 bytes,
    big-endian) and its UTF-8, hashed; the values pinned as the first builds made them."""
    from hgkbp_ld.render.shared import _digest, _framed

    assert _digest(["<https://x/a>", 'é "b"@nl', ""]) == "8ffbe624d61e6d6765ced7eb5e380542"
    assert _digest([]) == "e3b0c44298fc1c149afbf4c8996fb924"
    assert _framed(["é", ""]) == (2).to_bytes(8, "big") + "é".encode() + bytes(8)


def test_contributions_of_many_things_around_shared_nodes_keep_to_their_definition() -> None:
    """Portfolios held by several mandates and named by many actions, the actions' periods and goals shared,
    each thing's digest made after others filled the lookups kept a node (`_Around`): the plain definition's."""
    from rdflib import Literal
    from rdflib.namespace import DCTERMS, RDF, SKOS

    from hgkbp_ld.iris import BP, MANDAAT

    graph = Graph()
    base = f"{BASE}/id"
    portfolios = [URIRef(f"{base}/bevoegdheid/p{n}") for n in range(4)]
    for n, portfolio in enumerate(portfolios):
        graph.add((portfolio, SKOS.prefLabel, Literal(f"portefeuille {n}", lang="nl")))
        mandate = URIRef(f"{base}/mandataris/m{n}")
        graph.add((mandate, BP.heeftBevoegdheid, portfolio))
        graph.add((mandate, BP.heeftBevoegdheid, portfolios[(n + 1) % 4]))
        graph.add((mandate, MANDAAT.isBestuurlijkeAliasVan, URIRef(f"{base}/persoon/p{n % 2}")))
    for n in range(30):
        action = URIRef(f"{base}/actie/x/{n}")
        goal = URIRef(f"{base}/doel/x/{n % 3}")
        graph.add((action, BP.volgnummer, Literal(n)))
        graph.add((action, DCTERMS.title, Literal(f'actie {n}\n"twee"', lang="nl")))
        graph.add((action, DCTERMS.description, Literal(f"niet getoond {n}")))
        graph.add((action, BP.verantwoordelijke, portfolios[n % 4]))
        graph.add((action, BP.samenwerkingMet, portfolios[(n * 3) % 4]))
        graph.add((action, DCTERMS.temporal, URIRef(f"{base}/periode/{n % 5}")))
        graph.add((action, BP.isDeelVan, goal))
        graph.add((goal, BP.volgnummer, Literal(n % 3)))
        graph.add((goal, BP.isDeelVan, URIRef(f"{base}/doel/x/top")))
        graph.add((goal, RDF.type, BP.OperationeleDoelstelling))
    expected = _reference_contributions(graph, BASE, {"x"})
    assert len(expected) > 15  # the portfolios, mandates, persons, periods, goals
    assert contributions(Triples(graph), BASE, {"x"}) == expected  # type: ignore[arg-type]
    assert contributions(graph, BASE, {"x"}) == expected


def test_contributions_with_literals_where_nodes_are_keep_to_their_definition() -> None:
    """A `Triples`'s literals are written as N3 only where a digest reads them (`_Around._o3`) and are not
    indexed by object: a literal held as a portfolio (the actions that name that literal are listed), one
    followed from an action and from a node (a title, a whole), texts with quotes, newlines and a language,
    typed ones, a description left out of a numbered thing's digest: the plain definition's digests."""
    from rdflib import XSD, Literal
    from rdflib.namespace import DCTERMS, OWL, SKOS

    from hgkbp_ld.iris import BP

    graph = Graph()
    base = f"{BASE}/id"
    odd = Literal('een "portefeuille"\nop twee regels', lang="nl")
    for n in range(6):
        mandate = URIRef(f"{base}/mandataris/m{n}")
        graph.add((mandate, BP.heeftBevoegdheid, odd if n % 2 else Literal(f"p{n}")))
        graph.add((mandate, OWL.sameAs, Literal(n)))
        graph.add((mandate, SKOS.prefLabel, Literal(f"m{n}", lang="nl")))
    for n in range(12):
        action = URIRef(f"{base}/actie/x/{n}")
        graph.add((action, BP.volgnummer, Literal(n)))
        graph.add((action, DCTERMS.title, odd if n % 3 == 0 else Literal(f"titel {n}", lang="nl")))
        graph.add((action, DCTERMS.description, Literal(f"niet getoond\n{n}")))
        graph.add((action, BP.verantwoordelijke, odd if n % 2 else URIRef(f"{base}/bevoegdheid/p{n % 3}")))
        graph.add((action, BP.isDeelVan, Literal("1.50", datatype=XSD.decimal)))
        graph.add((action, DCTERMS.temporal, URIRef(f"{base}/periode/{n % 4}")))
    expected = _reference_contributions(graph, BASE, {"x"})
    assert len(expected) > 8
    assert contributions(Triples(graph), BASE, {"x"}) == expected  # type: ignore[arg-type]
    assert contributions(graph, BASE, {"x"}) == expected


def test_a_process_freezes_its_heap_once_after_its_first_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """`plan_build._settle_heap`: what the first plan loaded is frozen once (gc.freeze), not at each plan."""
    import gc

    from hgkbp_ld import plan_build

    frozen, thresholds = [], []
    monkeypatch.setattr(plan_build, "_settled", [])
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(gc, "set_threshold", lambda *values: thresholds.append(values))
    plan_build._settle_heap()
    plan_build._settle_heap()
    assert frozen == [True]
    assert thresholds == [(50_000, 20, 100)]  # the youngest generation collected less often, once set


def test_the_mappings_namespaces_make_each_term_once() -> None:
    """`mapping._Terms`: the terms rdflib's namespaces give (a closed one still refuses a name it does not
    have), each made once."""
    from rdflib.namespace import DCTERMS, RDF

    from hgkbp_ld import iris, mapping

    assert mapping.DCTERMS.title == DCTERMS.title
    assert type(mapping.DCTERMS.title) is URIRef
    assert mapping.DCTERMS.title is mapping.DCTERMS.title
    assert mapping.RDF.type == RDF.type
    assert mapping.BP.Actie == iris.BP.Actie
    assert mapping.XSD.gYear == URIRef("http://www.w3.org/2001/XMLSchema#gYear")
    with pytest.raises(AttributeError):
        mapping.RDF.noSuchTerm  # noqa: B018


def test_a_plans_triples_are_those_of_its_graph() -> None:
    """`to_triples` (the build's) gives `to_graph`'s triples in the same order, with the terms made once."""
    import datetime as dt

    from hgkbp_ld.mapping import Provenance, to_graph, to_triples
    from hgkbp_ld.parse import parse_file
    from hgkbp_ld.registers import DATA_DIR, Registers, load_plan_configs

    config = next(c for c in load_plan_configs(DATA_DIR / "plans") if c.slug == PLANS[0])
    registers = Registers.load(DATA_DIR)
    parsed = parse_file(config.source, registers=registers, identity=config.identity, strict=True)
    provenance = Provenance("x.txt", "0" * 64, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "0")
    triples = to_triples(parsed, registers, config, provenance, base=BASE)  # type: ignore[arg-type]
    graph = to_graph(parsed, registers, config, provenance, base=BASE)  # type: ignore[arg-type]
    assert len(triples) > 1000
    assert list(triples) == list(graph)


def test_a_plans_literals_are_made_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """`mapping._literal`: a worker's plans share the literals they state (a number, a year, a register's
    name), each made once; they are rdflib's `Literal` of the same value, language and datatype (1, True
    and "1" stay three literals); a long text is not kept, and the kept ones are let go when there are
    too many."""
    import datetime as dt

    from rdflib import Literal
    from rdflib.namespace import XSD

    from hgkbp_ld import mapping
    from hgkbp_ld.parse import parse_file
    from hgkbp_ld.registers import DATA_DIR, Registers, load_plan_configs

    config = next(c for c in load_plan_configs(DATA_DIR / "plans") if c.slug == PLANS[0])
    registers = Registers.load(DATA_DIR)
    parsed = parse_file(config.source, registers=registers, identity=config.identity, strict=True)
    provenance = mapping.Provenance("x.txt", "0" * 64, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "0")
    first = list(mapping.to_triples(parsed, registers, config, provenance, base=BASE))  # type: ignore[arg-type]
    again = list(mapping.to_triples(parsed, registers, config, provenance, base=BASE))  # type: ignore[arg-type]
    assert first == again
    literals = [(o, o2) for (_s, _p, o), (_s2, _p2, o2) in zip(first, again, strict=True) if type(o) is Literal]
    assert len(literals) > 500
    for made, _remade in literals:
        assert made == Literal(str(made), lang=made.language, datatype=made.datatype)
    shared = sum(made is remade for made, remade in literals)
    assert shared > 0.6 * len(literals)  # all but the long texts and the few made where they are stated
    one, true, text = mapping._literal(1), mapping._literal(True), mapping._literal("1")
    assert len({(o, o.datatype) for o in (one, true, text)}) == 3 and one.datatype == XSD.integer
    assert mapping._literal(1) is one and mapping._literal("1", "nl") is not text
    short, long = "Vlaams minister van Welzijn", "Een beschrijving. " * 10  # a long text (a description) is not kept
    assert mapping._nl(short) is mapping._nl(short) and mapping._nl(long) is not mapping._nl(long)
    assert mapping._nl(long) == Literal(long, lang="nl")
    monkeypatch.setattr(mapping, "_LITERALS_KEPT", len(mapping._LITERALS))
    mapping._literal("a value not kept yet")
    assert list(mapping._LITERALS) == [("a value not kept yet", str, None, None)]


def test_a_plans_statements_added_at_once_are_those_added_one_by_one() -> None:
    """`mapping._Mapper` lists a `Triples`'s statements as it makes them and adds them at the end: the same
    statements in the same order added (`unordered`, which a new version's snapshot and the dumps read) as
    adding each as it is made, a statement made twice kept once."""
    import datetime as dt

    from hgkbp_ld import mapping
    from hgkbp_ld.parse import parse_file
    from hgkbp_ld.registers import DATA_DIR, Registers, load_plan_configs

    config = next(c for c in load_plan_configs(DATA_DIR / "plans") if c.slug == PLANS[0])
    registers = Registers.load(DATA_DIR)
    parsed = parse_file(config.source, registers=registers, identity=config.identity, strict=True)
    provenance = mapping.Provenance("x.txt", "0" * 64, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "0")
    mapper = mapping._Mapper(parsed, registers, config, BASE, provenance, None, Triples())
    made: list = []
    listed = mapper.add
    mapper.add = lambda triple: (made.append(triple), listed(triple))  # type: ignore[method-assign]
    graph = mapper.run()
    one_by_one = Triples()
    for triple in made:
        one_by_one.add(triple)
    assert len(made) >= len(one_by_one) > 1000
    assert graph.unordered() == one_by_one.unordered()  # type: ignore[union-attr]
    assert list(graph) == list(one_by_one)
