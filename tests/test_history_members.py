"""The members of past versions (render.history) made the short way equal those of the long way.

`Histories` versions a member's terms through one dict per version, keeps a member's subjects for the
parts its page shows, makes the event stream's page without a graph of all members first, and reads a
plan's only version for its objects alone (`versions.snapshot_objects`). Each is checked here against
the way it was made before (written out below), on the real plan's recorded version 1 and on a plan
with a second version (a changed action and a changed period).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from hgkbp_ld import iris, versions
from hgkbp_ld.iris import BP, DEFAULT_BASE
from hgkbp_ld.render.history import TREE, Histories, _time
from hgkbp_ld.render.pages import past_graphs
from hgkbp_ld.triples import Triples
from hgkbp_ld.versions import PROV, History, Version, objects, read_triples, snapshot_objects
from tests.conftest import ROOT

PLAN = "hgkbp-2025-2029"
RECORDED = ROOT / "data" / "versions" / PLAN
ORIGIN = "https://example.org"


def _changed(graph: Triples) -> Triples:
    """Version 1 with an action's literal and a period's literal changed (two objects change)."""
    changed = Triples(graph)
    done: set = set()
    for cls in (BP.Actie, DCTERMS.PeriodOfTime):
        for subject in sorted(graph.subjects(RDF.type, cls), reverse=cls == DCTERMS.PeriodOfTime):  # two actions'
            for s, p, o in graph.triples((subject, None, None)):
                if isinstance(o, Literal) and cls not in done:
                    edited = Triples(t for t in changed if t != (s, p, o))
                    edited.add((s, p, Literal(f"{o} (gewijzigd)", lang=o.language, datatype=o.datatype)))
                    changed = edited
                    done.add(cls)
    assert done == {BP.Actie, DCTERMS.PeriodOfTime}
    return changed


def _dist(root: Path, numbers: int) -> tuple[Path, dict]:
    """A dist/ with the real plan's versions 1 (recorded) .. `numbers` (made here) and its manifest."""
    folder = root / "versions" / PLAN
    shutil.copytree(RECORDED, folder)
    history = History.load(folder)
    if numbers > 1:
        history.propose(_changed(read_triples((folder / "1.nt").read_bytes())), dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
        history.save()
    dist = root / "dist"
    (dist / "versies" / PLAN).mkdir(parents=True)
    files, listed = {}, []
    for version in history.versions:
        name = f"versies/{PLAN}/{version.number}.nt"
        data = (folder / f"{version.number}.nt").read_bytes()
        (dist / name).write_bytes(data)
        files[name] = hashlib.sha256(data).hexdigest()
        listed.append({"number": version.number, "timestamp": version.timestamp.isoformat(), "file": name})
    return dist, {"files": files, "versions": {PLAN: listed}}


def _member_before(h: Histories, slug: str, version: Version, iri: str, description: frozenset) -> Triples:
    """`Histories._make_member` as it was: each term versioned on its own, triple by triple."""
    subjects = {s for s, _p, _o in description}

    def versioned(term: object) -> object:
        if term in subjects and iris.path_of(str(term), h.base) is not None:
            return URIRef(h.member_iri(slug, version.number, str(term)))
        return term

    graph = Triples()
    for s, p, o in description:
        graph.add((versioned(s), p, versioned(o)))  # type: ignore[arg-type]
    node = URIRef(h.member_iri(slug, version.number, iri))
    graph.add((node, DCTERMS.isVersionOf, URIRef(iri)))
    graph.add((node, PROV.generatedAtTime, _time(version.timestamp)))
    return graph


def _parts_before(graph: Triples, member: str) -> list[tuple[str, set]]:
    parts = []
    for owned in sorted({s for s in graph.subjects() if str(s) != member}):
        part = Triples()
        part += graph.triples((owned, None, None))
        part += graph.triples((None, None, owned))
        parts.append((str(owned), set(part)))
    return parts


def _page_before(h: Histories, number: int, members: Triples) -> Triples:
    """`Histories.page` as it was: the members first gathered in a graph of their own."""
    history = h.plans[PLAN]
    graph = h.stream(PLAN, ORIGIN)
    stream, node = URIRef(f"{ORIGIN}/ldes/{PLAN}"), URIRef(f"{ORIGIN}/ldes/{PLAN}/{number}")
    graph.add((node, RDF.type, TREE.Node))
    if number < len(history.versions):
        following = history.versions[number]
        relation = URIRef(f"{node}#volgende")
        graph.add((node, TREE.relation, relation))
        graph.add((relation, RDF.type, TREE.GreaterThanOrEqualToRelation))
        graph.add((relation, TREE.node, URIRef(f"{ORIGIN}/ldes/{PLAN}/{following.number}")))
        graph.add((relation, TREE.path, PROV.generatedAtTime))
        graph.add((relation, TREE.value, _time(following.timestamp)))
    for member in members.subjects(DCTERMS.isVersionOf, None):
        graph.add((stream, TREE.member, member))
    graph += members
    return graph


@pytest.fixture(params=[1, 2], ids=["one version", "two versions"])
def loaded(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Histories, Histories, int]:
    """The plan's histories loaded twice (each with nothing read before), and its number of versions."""
    dist, manifest = _dist(tmp_path, request.param)
    versions._READ.clear()
    first = Histories.load(dist, manifest, DEFAULT_BASE)
    versions._READ.clear()
    return first, Histories.load(dist, manifest, DEFAULT_BASE), request.param


def test_snapshot_objects_are_the_objects_of_the_graph(tmp_path: Path) -> None:
    data = (RECORDED / "1.nt").read_bytes()
    assert snapshot_objects(data) == objects(read_triples(data))
    changed = versions.serialise(_changed(read_triples(data)), "nt")
    assert snapshot_objects(changed) == objects(read_triples(changed))
    assert len(snapshot_objects(data)) > 100


def test_a_new_version_s_objects_are_those_its_snapshot_gives(tmp_path: Path) -> None:
    """`History.propose` keeps a plan's first version's objects from the graph it was made of (`said_objects`,
    from the subject index alone), and its pages' `History.objects` takes them instead of reading the snapshot:
    the objects the snapshot gives (`snapshot_objects`), whether the graph's other indexes were made or not."""
    data = (RECORDED / "1.nt").read_bytes()
    graph = read_triples(data)
    assert versions.said_objects(graph) == snapshot_objects(data) == objects(graph)  # (`objects` made the indexes)
    changed = _changed(read_triples(data))
    assert versions.said_objects(changed) == snapshot_objects(versions.serialise(changed, "nt"))
    versions._MADE.clear()
    versions._READ.clear()  # (a snapshot read before is taken as read: its graph's objects)
    made = History(tmp_path / PLAN)
    version = made.propose(read_triples(data), dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert version is not None and version.number == 1 and list(versions._MADE) == [version.sha256]
    made.save()
    again = History.load(tmp_path / PLAN)  # as a plan's pages load it
    kept = versions._MADE[version.sha256]
    assert again.objects(1) is kept and not versions._MADE  # taken once
    assert kept == snapshot_objects(again.snapshot(1))
    assert History.load(tmp_path / PLAN).objects(1) == kept  # read from the snapshot again
    other = History(tmp_path / "other", base="https://example.org")  # another base: the snapshot is moved
    other.propose(read_triples(data), dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert not versions._MADE


def test_members_parts_and_stream_as_before(loaded: tuple[Histories, Histories, int]) -> None:
    histories, before, count = loaded
    history = histories.plans[PLAN]
    assert len(history.versions) == count
    if count == 1:  # a plan's only version is read for its objects alone, not as a graph
        assert not history._graphs and not versions._READ
    for number in range(1, count + 1):  # the objects as `objects` of the version's graph finds them
        assert histories.described(PLAN, number) == objects(before.plans[PLAN].graph(number))
    seen = 0
    for iri, entry, _entries, member, graph, parts in past_graphs(histories, PLAN):
        version = history.versions[entry.number - 1]
        old = _member_before(before, PLAN, version, iri, objects(before.plans[PLAN].graph(entry.number))[iri])
        assert set(graph) == set(old) and len(graph) == len(old)
        assert [(owned, set(part)) for owned, part in parts] == _parts_before(old, member)
        seen += 1
    changed = [(i, n) for i, es in histories.entries.items() for e in es for n in [e.number] if e.slug == PLAN]
    assert seen == len(changed) > 100
    assert {n for _i, n in changed} == set(range(1, count + 1))
    for number in range(1, count + 1):  # the stream's page: its own statements, then every member's
        version = history.versions[number - 1]
        members = Triples()
        for iri in sorted(i for i, n in changed if n == number):
            members += _member_before(before, PLAN, version, iri, before.described(PLAN, number)[iri])
        old = _page_before(before, number, members)
        assert set(histories.page(PLAN, number, ORIGIN)) == set(old)
    if count == 2:  # the second version has exactly the two changed objects' members
        assert len([i for i, n in changed if n == 2]) == 2
