"""A plan's store in its worker (`plan_site.plan_store`) and what the plan's build hands its render.

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

from hgkbp_ld.bundled import ONTOLOGY
from hgkbp_ld.catalogue import CATALOGUE_FILE
from hgkbp_ld.published import CACHE
from hgkbp_ld.rdfio import read_graph, serialise
from hgkbp_ld.render.plan_site import _graph_triples, plan_store, read_summary
from hgkbp_ld.render.shared import contributions
from hgkbp_ld.store import EmbeddedStore
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
