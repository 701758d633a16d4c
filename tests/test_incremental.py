"""Incremental builds (issue 18): a plan whose inputs did not change is taken from the last build,
and the result is, byte for byte, the full build of the same inputs."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from hgkbp_ld.build import build
from hgkbp_ld.incremental import CACHE
from hgkbp_ld.store import EmbeddedStore
from hgkbp_ld.store.loading import SNAPSHOT
from tests.conftest import REAL_PLAN, copy_data_with_examples

TODAY = dt.date(2026, 6, 1)
VAPA, JKP = "vapa-2025-2029", "jkp-2025-2029"


def _two_plans(data: Path) -> Path:
    """The two invented example plans, without the real one (a smaller build)."""
    copy_data_with_examples(data)
    (data / "plans" / f"{REAL_PLAN}.toml").unlink()
    return data


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A first, full build of the two plans (in two worker processes)."""
    root = tmp_path_factory.mktemp("incremental")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        data = _two_plans(root / "data")
        build(root / "dist", data_dir=data, today=TODAY, jobs=2)
        yield data, root / "dist"


def _copy(first: tuple[Path, Path], folder: Path) -> tuple[Path, Path]:
    data, dist = first
    shutil.copytree(data, folder / "data")
    shutil.copytree(dist, folder / "dist", symlinks=True)
    return folder / "data", folder / "dist"


def _files(dist: Path) -> dict[str, bytes]:
    """Every file a build publishes, the rendered site read through its link, but the embedded store
    (RocksDB names its files as it goes), the cache's build key (it names the data folder) and the
    site's index and each plan's part of it (`build-cache/render/*.index.json`), compared apart (they
    hold the build's time)."""
    found = {}
    for top, folders, names in os.walk(dist, followlinks=True):
        relative = Path(top).relative_to(dist)
        if relative.parts and (relative.parts[0] == "oxigraph" or relative.parts[0].startswith("site.")):
            folders.clear()
            continue
        for name in names:
            path = relative / name
            if str(path) not in (f"{CACHE}/build.json", "site/index.json") and not name.endswith(".index.json"):
                found[str(path)] = (dist / path).read_bytes()
    return found


def _timeless(index: dict) -> dict:
    """A site's index without what depends on the build's clock: its start, the seconds it took, and
    the file times in the ETags (nginx's formula: time and length)."""
    index = {k: v for k, v in index.items() if k not in ("started", "seconds")}
    text = json.dumps(index, sort_keys=True)
    return json.loads(_without_times(text))


def _without_times(text: str) -> str:
    import re

    text = re.sub(r'\\"[0-9a-f]+-([0-9a-f]+)\\"', r'\\"T-\1\\"', text)  # ETags: "{mtime:x}-{size:x}"
    return re.sub(r'"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT"', '"DATE"', text)


def _change_text(data: Path) -> None:
    source = data / "source" / f"{VAPA}.txt"
    text = source.read_text(encoding="utf-8")
    assert text.count("vaak te groot.") == 1
    source.write_text(text.replace("vaak te groot.", "vaak veel te groot."), encoding="utf-8")


def test_nothing_changed_leaves_dist_as_it_is(first: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    data, dist = first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    before = {str(p): p.stat().st_mtime_ns for p in dist.rglob("*") if p.is_file()}
    said: list[str] = []
    result = build(dist, data_dir=data, today=TODAY, jobs=2, progress=said.append)
    assert [p.slug for p in result.plans] == [JKP, VAPA]
    assert all(p.reused for p in result.plans)
    assert any("up to date" in line for line in said) and not any("parsing" in line for line in said)
    assert {str(p): p.stat().st_mtime_ns for p in dist.rglob("*") if p.is_file()} == before
    # another day is another build: the pages speak of that day
    said.clear()
    build(dist, data_dir=data, today=TODAY + dt.timedelta(days=1), jobs=2, progress=said.append)
    assert any("0 plan(s)" in line and "2 unchanged" in line for line in said), said


def test_an_incremental_build_is_the_full_build_byte_for_byte(
    first: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    data, dist = _copy(first, tmp_path / "incremental")
    _change_text(data)
    full_data = tmp_path / "full" / "data"
    shutil.copytree(data, full_data)  # the same inputs: the changed text, the versions recorded so far
    page = f"doc/actie/{JKP}/1.html"  # a page of the plan that did not change
    before = (dist / "site" / page).stat()
    part = (dist / "site" / "parts" / f"{JKP}.index.json").stat().st_ino
    said: list[str] = []
    result = build(dist, data_dir=data, today=TODAY, jobs=2, progress=said.append)
    assert {p.slug: p.reused for p in result.plans} == {JKP: True, VAPA: False}
    assert [p.new_version for p in result.plans] == [None, 2]
    assert "render" not in result.plans[0].seconds and "render" in result.plans[1].seconds
    after = (dist / "site" / page).stat()  # not rendered again: the last build's file, linked
    assert (after.st_ino, after.st_mtime) == (before.st_ino, before.st_mtime)
    assert any("2 plan(s) rendered by their own build" in line and "0 rendered here" in line for line in said)
    # the store: the last build's, with the changed plan's graph and the catalogue loaded again, holds
    # the quads of a load from scratch (the merged default graph included)
    assert any("store taken, 2 graph(s) of it loaded again" in line for line in said), said
    fresh = EmbeddedStore()
    fresh.load(dist)
    updated = ox.Store.read_only(str(dist / SNAPSHOT))
    assert sorted(map(str, updated)) == sorted(map(str, fresh._current())), "the store is not a fresh load's"
    full = build(tmp_path / "full" / "dist", data_dir=full_data, today=TODAY, jobs=1)  # no cache, one process
    assert not any(p.reused for p in full.plans)
    mine, theirs = _files(dist), _files(tmp_path / "full" / "dist")
    assert sorted(mine) == sorted(theirs)
    assert len([name for name in mine if name.startswith("site/")]) > 1000
    different = [name for name in mine if mine[name] != theirs[name]]
    assert different == []
    indexes = [json.loads((d / "site" / "index.json").read_bytes()) for d in (dist, tmp_path / "full" / "dist")]
    assert _timeless(indexes[0]) == _timeless(indexes[1])
    assert indexes[0]["parts"] == [JKP, VAPA]
    for slug in (JKP, VAPA):  # each plan's part of the index (in the site) and its sitemap rows (in the cache)
        for name in (f"site/parts/{slug}.index.json", f"{CACHE}/render/{slug}.index.json"):
            parts = [json.loads((d / name).read_bytes()) for d in (dist, tmp_path / "full" / "dist")]
            assert _timeless(parts[0]) == _timeless(parts[1]) and parts[0], name
    assert (dist / "site" / "parts" / f"{JKP}.index.json").stat().st_ino == part  # the unchanged plan's: linked
    assert not (dist / "site" / "pack.bin").exists()  # the server reads the files: no second copy of the site
    for slug in (JKP, VAPA):  # the versions recorded in the data folder, too
        for name in ("versies.csv", "1.nt"):
            assert (data / "versions" / slug / name).read_bytes() == (full_data / "versions" / slug / name).read_bytes()
    assert (data / "versions" / VAPA / "2.nt").read_bytes() == (full_data / "versions" / VAPA / "2.nt").read_bytes()


def test_no_page_of_a_plan_names_the_dataset_version(first: tuple[Path, Path]) -> None:
    """A plan's pages depend on its own inputs only: the dataset's version (the hash of every file)
    is on the landing page and in the index, not on every page (else every page changes with any plan)."""
    _data, dist = first
    version = json.loads((dist / "manifest.json").read_bytes())["dataset_version"][:12]
    site = dist / "site"
    assert version in (site / "index.html").read_text(encoding="utf-8")
    for page in (f"doc/actie/{JKP}/1.html", f"doc/beleidsplan/{VAPA}.html", f"doc/versie/{JKP}/1/actie/{JKP}/1.html"):
        assert version not in (site / page).read_text(encoding="utf-8"), page


def test_a_changed_register_rebuilds_the_plans_that_use_it(
    first: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'energie' is a portfolio of the VAPA only: a new label changes the VAPA's triples, not the JKP's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    data, dist = _copy(first, tmp_path)
    before = {slug: (dist / f"{slug}.nt").read_bytes() for slug in (JKP, VAPA)}
    assert b"/id/bevoegdheid/energie>" in before[VAPA] and b"/id/bevoegdheid/energie>" not in before[JKP]
    portfolios = data / "portfolios.csv"
    text = portfolios.read_text(encoding="utf-8")
    assert "\nenergie,Energie," in text
    portfolios.write_text(text.replace("\nenergie,Energie,", "\nenergie,Energiebeleid,"), encoding="utf-8")
    result = build(dist, data_dir=data, today=TODAY, jobs=2)
    plans = {p.slug: p for p in result.plans}
    # a shared register changed: both plans are parsed and mapped again, but only the VAPA's triples
    # differ, so only the VAPA is validated again and written anew
    assert not plans[JKP].reused and not plans[VAPA].reused
    assert not plans[JKP].validated and plans[VAPA].validated
    assert (dist / f"{JKP}.nt").read_bytes() == before[JKP]
    after = (dist / f"{VAPA}.nt").read_bytes()
    assert after != before[VAPA] and '"Energiebeleid"@nl' in after.decode("utf-8")
    assert "Energiebeleid" in (dist / "site" / "doc" / "bevoegdheid" / "energie.html").read_text(encoding="utf-8")


def _quads(store: ox.Store) -> list[str]:
    return sorted(map(str, store))


def test_a_store_taken_from_the_last_build_is_a_fresh_load(first: tuple[Path, Path], tmp_path: Path) -> None:
    """The last stage's store, taken from the last build with what changed loaded again
    (`EmbeddedStore.load(dist, previous=...)`), holds exactly the quads of a load from scratch: a plan
    gone takes out of the merged default graph only what no other graph holds (the two plans share
    portfolios and ministers); a blank node in what changed makes it load from scratch."""
    _data, before = first
    after = tmp_path / "after"
    shutil.copytree(before, after, symlinks=True, ignore=shutil.ignore_patterns(SNAPSHOT, "site*", CACHE))
    manifest = json.loads((after / "manifest.json").read_bytes())
    gone = manifest["plans"].pop(JKP)["graph"]
    manifest["files"] = {n: h for n, h in manifest["files"].items() if not n.startswith(JKP)}
    (after / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    fresh = EmbeddedStore()
    fresh.load(after)
    taken = EmbeddedStore(tmp_path / "stores")
    taken.load(after, previous=before)
    assert taken.reloaded == [gone]
    assert _quads(taken._current()) == _quads(fresh._current())
    last = ox.Store.read_only(str(before / SNAPSHOT))  # a statement both plans made stays in the merge
    other = f"<{manifest['plans'][VAPA]['graph']}>"
    both = list(last.query(f"SELECT * WHERE {{ GRAPH <{gone}> {{ ?s ?p ?o }} GRAPH {other} {{ ?s ?p ?o }} }} LIMIT 1"))
    only = list(
        last.query(
            f"SELECT * WHERE {{ GRAPH <{gone}> {{ ?s ?p ?o }}"  # in no other graph (the catalogue neither)
            f" FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{gone}>) }} }} LIMIT 1"
        )
    )
    assert both and only
    for row, kept in ((both[0], True), (only[0], False)):
        assert bool(taken._current().query(f"ASK {{ {row['s']} {row['p']} {row['o']} }}")) is kept
    # a blank node in a changed file: loaded from scratch (a blank node is a new one with each load)
    with (after / f"{VAPA}.nt").open("a", encoding="utf-8") as dump:
        dump.write('_:b1 <http://example.org/p> "x" .\n')
    manifest["files"][f"{VAPA}.nt"] = "changed"
    manifest["plans"][VAPA]["triples"] += 1
    (after / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    again = EmbeddedStore(tmp_path / "stores-2")
    again.load(after, previous=before)
    assert again.reloaded is None
    fresh.load(after)
    assert len(_quads(again._current())) == len(_quads(fresh._current()))


def test_a_changed_text_is_validated_again(
    first: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An invalid plan is never taken from the cache: a text that now breaks the profile stops the build."""
    from hgkbp_ld.build import BuildError

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    data, dist = _copy(first, tmp_path)
    before = _files(dist)
    source = data / "source" / f"{JKP}.txt"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    source.write_text("".join(lines[:5]), encoding="utf-8")  # a text cut short: no goals, no actions
    with pytest.raises((BuildError, ValueError)):
        build(dist, data_dir=data, today=TODAY, jobs=2)
    assert _files(dist) == before
    assert not list(tmp_path.glob(".dist.*"))


def test_jobs_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from hgkbp_ld.settings import Settings, SettingsError

    assert Settings.from_env().jobs >= 1  # one per core by default
    monkeypatch.setenv("HGKBP_JOBS", "3")
    assert Settings.from_env().jobs == 3
    assert Settings.from_env(jobs=1).jobs == 1  # the command line wins
    monkeypatch.setenv("HGKBP_JOBS", "0")
    with pytest.raises(SettingsError, match="HGKBP_JOBS is 0"):
        Settings.from_env()


def test_a_damaged_dist_is_built_again(
    first: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dump removed by hand: the build is not 'up to date', and that plan is written again."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    data, dist = _copy(first, tmp_path)
    build(dist, data_dir=data, today=TODAY, jobs=2)  # recorded as the build of this data folder
    before = (dist / f"{JKP}.ttl").read_bytes()
    (dist / f"{JKP}.ttl").unlink()
    said: list[str] = []
    result = build(dist, data_dir=data, today=TODAY, jobs=2, progress=said.append)
    assert not any("up to date" in line for line in said)
    assert {p.slug: p.reused for p in result.plans} == {JKP: False, VAPA: True}
    assert (dist / f"{JKP}.ttl").read_bytes() == before


def _unrendered_copy(first: tuple[Path, Path], tmp_path: Path) -> tuple[Path, dt.date]:
    """A copy of the first build without its rendered site, snapshot and fragments, and the day that build
    rendered for (as the last build left it: another test may have built it again, for another day)."""
    from hgkbp_ld.store.loading import SNAPSHOT

    _data, dist = _copy(first, tmp_path)
    today = dt.date.fromisoformat(json.loads((first[1] / "site" / "index.json").read_bytes())["today"])
    for rendered in [dist / "site", *dist.glob("site.*"), dist / SNAPSHOT, dist / CACHE / "render"]:
        if rendered.is_symlink():
            rendered.unlink()
        else:
            shutil.rmtree(rendered)
    return dist, today


def _same_site(dist: Path, built: Path) -> None:
    """`dist/site` holds the very files of `built/site`."""
    mine, theirs = _files(dist), _files(built)
    site = sorted(name for name in theirs if name.startswith("site/"))
    assert sorted(name for name in mine if name.startswith("site/")) == site
    assert [name for name in site if mine[name] != theirs[name]] == []


def test_the_pages_rendered_with_each_plan_are_those_of_one_process(first: tuple[Path, Path], tmp_path: Path) -> None:
    """The render stage alone, on the whole dataset in one process (as `tests.conftest.rerender` runs
    it), makes the same site as the plans' workers and the last stage together."""
    from hgkbp_ld.render.stage import render

    dist, today = _unrendered_copy(first, tmp_path)
    built = first[1]
    render(dist, "https://data.vlaanderen.be", today)
    _same_site(dist, built)
    indexes = [json.loads((d / "site" / "index.json").read_bytes()) for d in (dist, built)]
    assert _timeless(indexes[0]) == _timeless(indexes[1])


def _rendered_shared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the shared pages the last stage renders (not takes from the last build), as they are
    rendered: a build with one job runs the last stage in this process."""
    from hgkbp_ld.render import pages as pages_module
    from hgkbp_ld.render.plans import owner

    rendered: list[str] = []
    current = pages_module.Pages.current_bodies  # (`Pages.current` makes its `Resource` of them)

    def recording(self: pages_module.Pages, iri: str, history: object = None) -> object:
        path = iri.removeprefix("https://data.vlaanderen.be/id/")
        if owner(path) not in (JKP, VAPA):
            rendered.append(path)
        return current(self, iri, history)  # type: ignore[arg-type]

    monkeypatch.setattr(pages_module.Pages, "current_bodies", recording)
    return rendered


def _statements(dist: Path) -> list[tuple[str, str, str]]:
    found = []
    for slug in (JKP, VAPA):
        for line in (dist / f"{slug}.nt").read_text(encoding="utf-8").splitlines():
            s, p, o = line.split(" ", 2)
            found.append((s.strip("<>"), p.strip("<>"), o.rstrip(" .").strip("<>")))
    return found


def _short(iri: str) -> str:
    return iri.removeprefix("https://data.vlaanderen.be/id/")


SHARED_KINDS = ("bevoegdheid/", "mandataris/", "persoon/", "conceptscheme/", "beleidsplan/")


def _same_as_a_full_build(dist: Path, data: Path, where: Path, versions: Path | None = None) -> None:
    """A full build of `data` into `where` (with `versions` as recorded before, if given) writes the very
    files the incremental build wrote into `dist`."""
    full_data = where / "data"
    shutil.copytree(data, full_data)
    if versions is not None:
        shutil.rmtree(full_data / "versions")
        shutil.copytree(versions, full_data / "versions")
    build(where / "dist", data_dir=full_data, today=TODAY, jobs=1)
    mine, theirs = _files(dist), _files(where / "dist")
    assert sorted(mine) == sorted(theirs)
    assert [name for name in mine if mine[name] != theirs[name]] == []


def test_a_changed_plan_renders_again_exactly_the_shared_pages_that_list_it(
    first: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new title of one action: the pages of its portfolios and of every mandate that holds one of
    them (they list the action) are rendered again; every other portfolio, minister, person and plan
    of the register is taken from the last build, and the site is the full build's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    data, dist = _copy(first, tmp_path / "incremental")
    source = data / "source" / f"{VAPA}.txt"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Armoedetoets op de sociale toeslagen", "Armoedetoets op alle sociale toeslagen"))
    action = f"https://data.vlaanderen.be/id/actie/{VAPA}/1"
    statements = _statements(dist)
    roles = (
        "https://data.vlaanderen.be/ns/beleidsplan#verantwoordelijke",
        "https://data.vlaanderen.be/ns/beleidsplan#samenwerkingMet",
    )
    portfolios = {o for s, p, o in statements if s == action and p in roles}
    holding = "https://data.vlaanderen.be/ns/beleidsplan#heeftBevoegdheid"
    mandates = {s for s, p, o in statements if p == holding and o in portfolios}
    assert portfolios and mandates
    rendered = _rendered_shared(monkeypatch)
    said: list[str] = []
    build(dist, data_dir=data, today=TODAY, jobs=1, progress=said.append)
    listing = {_short(iri) for iri in portfolios | mandates}
    assert {path for path in rendered if path.startswith(SHARED_KINDS)} == listing
    for path in listing:  # rendered again, and showing the new title
        assert "Armoedetoets op alle sociale toeslagen" in (dist / "site" / "doc" / f"{path}.html").read_text()
    records = json.loads((dist / CACHE / "shared.json").read_bytes())
    assert len(records) > len(rendered) + 20  # most shared pages were taken from the last build
    assert any(f"{len(rendered)} of {len(records)} pages of what plans share rendered again" in line for line in said)
    _same_as_a_full_build(dist, data, tmp_path / "full", versions=first[0] / "versions")


def test_a_changed_register_renders_again_the_shared_pages_that_use_it(
    first: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new label of the portfolio 'energie': its page, the concept scheme that lists it and the
    mandates that hold it are rendered again, no other portfolio, minister, person or plan of the
    register; the site is the full build's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    data, dist = _copy(first, tmp_path / "incremental")
    portfolios = data / "portfolios.csv"
    text = portfolios.read_text(encoding="utf-8")
    portfolios.write_text(text.replace("\nenergie,Energie,", "\nenergie,Energiebeleid,"), encoding="utf-8")
    energie = "https://data.vlaanderen.be/id/bevoegdheid/energie"
    holding = "https://data.vlaanderen.be/ns/beleidsplan#heeftBevoegdheid"
    mandates = {s for s, p, o in _statements(dist) if p == holding and o == energie}
    assert len(mandates) > 1
    rendered = _rendered_shared(monkeypatch)
    build(dist, data_dir=data, today=TODAY, jobs=1)
    again = {path for path in rendered if path.startswith(SHARED_KINDS)}
    assert again == {_short(energie), "conceptscheme/bevoegdheid"} | {_short(m) for m in mandates}
    assert "Energiebeleid" in (dist / "site" / "doc" / "conceptscheme" / "bevoegdheid.html").read_text()
    _same_as_a_full_build(dist, data, tmp_path / "full")


@pytest.mark.parametrize("early", [True, False], ids=["started-after-the-load", "started-for-the-pages"])
def test_the_shared_pages_rendered_on_two_cores_are_those_of_one(
    first: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, early: bool
) -> None:
    """With a helper process taking shared pages beside the stage (`render.spread`, made to start for two
    plans here, right after the load as a first build does or only once the pages are known, and the
    stage made to wait until it took the first), the site is the same bytes as the build's, rendered in
    one process."""
    from hgkbp_ld.render import spread
    from hgkbp_ld.render.stage import render

    dist, today = _unrendered_copy(first, tmp_path)
    built = first[1]
    monkeypatch.setattr(spread, "SPREAD_FROM", 0)
    monkeypatch.setattr(spread, "SPREAD_PAGES", 0)
    started: list[object] = []
    start = spread.Helpers.early.__func__  # type: ignore[attr-defined]

    def after_the_load(cls: type, helper: object, *, first: bool) -> object:
        started.append(start(cls, helper, first=first) if early else None)
        return started[-1]

    monkeypatch.setattr(spread.Helpers, "early", classmethod(after_the_load))
    take = spread._take
    ours: list[int] = []

    def after_the_helper(next_one: Any, work: list, spool: Path, pages: object, *texts: Any) -> None:  # as spread._take
        waited = time.monotonic() + 120
        while next_one.value == 0:  # the helper has not taken the first page yet
            assert time.monotonic() < waited, "the helper took no page in 120 s"
            time.sleep(0.02)
        take(next_one, work, spool, pages, *texts)
        ours.append(len(work))

    monkeypatch.setattr(spread, "_take", after_the_helper)
    render(dist, "https://data.vlaanderen.be", today, jobs=2)
    assert ours, "the shared pages were not spread"
    assert not early or started[0] is not None, "a first build did not start its helpers after the load"
    assert not (dist / ".spool").exists()
    _same_site(dist, built)


def test_a_first_builds_helpers_start_on_the_shared_pages_before_the_stage_made_its_own(
    first: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first build whose plans' pages were rendered by their workers gives its helper every shared page
    as soon as the store is kept (`Helpers.give`: before the stage makes its own `Pages`; the stage run in
    the test's process here, the helper made to start for two plans); the action index is made by both
    together (the stage asks only its parts, `spread.STAGE_PARTS`); the plans' texts of the index are
    folded and their sitemaps made by the processes as they run out of pages, not by the stage at its end;
    the files are those of a build in one process."""
    from hgkbp_ld import runner
    from hgkbp_ld.render import spread

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setattr(spread, "SPREAD_FROM", 0)
    monkeypatch.setattr(spread, "SPREAD_PAGES", 0)
    given: list[int] = []
    give = spread.Helpers.give
    made = spread.make_pages

    def early(self: spread.Helpers, todo: list, *rest: Any) -> None:
        assert not made_by_the_stage, "given after the stage made its Pages"
        given.append(len(todo))
        give(self, todo, *rest)

    made_by_the_stage: list[object] = []

    def stage_pages(*args: Any, **kwargs: Any) -> object:
        made_by_the_stage.append(None)
        return made(*args, **kwargs)

    last = runner.Runner.last

    def here(self: runner.Runner, *args: Any, **kwargs: Any) -> object:
        self.close()  # the plans' workers stopped: the stage runs in this process, where the test's patches hold
        return last(self, *args, **kwargs)

    from hgkbp_ld.render import actions, stage
    from hgkbp_ld.render.actions import StreamedIndex

    folded_at_the_end: list[int] = []
    write_json, fold = StreamedIndex.write_json, actions._fold_texts

    def at_the_end(self: StreamedIndex, out: Any) -> None:
        monkeypatch.setattr(
            actions, "_fold_texts", lambda rows, found: [folded_at_the_end.append(len(rows)), fold(rows, found)]
        )
        write_json(self, out)

    monkeypatch.setattr(StreamedIndex, "write_json", at_the_end)
    asked_here: list[str] = []  # the action index's parts this process (the stage) asked the store
    for module in (spread, actions):
        made_parts = module.index_parts

        def parts(store: Any, names: Any = actions.PARTS, made_parts: Any = made_parts) -> dict:
            names = list(names)
            asked_here.extend(names)
            return made_parts(store, names)

        monkeypatch.setattr(module, "index_parts", parts)
    monkeypatch.setattr(spread.Helpers, "give", early)
    monkeypatch.setattr(stage, "make_pages", stage_pages)
    read_at_the_end: list[str] = []  # the plans whose sitemap the stage made at its end, not beside the pages
    read_index = stage.read_index
    monkeypatch.setattr(
        stage, "read_index", lambda cache, slug: read_at_the_end.append(slug) or read_index(cache, slug)
    )
    monkeypatch.setattr(runner.Runner, "last", here)
    data, dist = _copy(first, tmp_path / "spread")
    shutil.rmtree(dist)
    build(dist, data_dir=data, today=TODAY, jobs=2)
    assert given and given[0] > 20, "the helper was not given the shared pages early"
    assert folded_at_the_end == [], "the plans' texts were not folded and kept beside the pages"
    assert sorted(asked_here) == sorted(spread.STAGE_PARTS), "the helper's part of the index was not taken"
    assert read_at_the_end == [], "the plans' sitemaps were not made beside the pages"
    assert not any((dist / f".spool{name}").exists() for name in ("", "-index", "-early"))
    _same_as_a_full_build(dist, data, tmp_path / "full")


def test_a_helper_of_the_last_stage_that_fails_fails_the_stage(tmp_path: Path) -> None:
    """A helper that cannot make its pages (here: no store where it is told) fails the stage, with its error."""
    from hgkbp_ld.render.spread import Helper, Helpers

    helpers = Helpers(Helper(tmp_path / "no-store", "https://data.vlaanderen.be", TODAY, ("a",), False, tmp_path, 2))
    helpers.render([(0, "https://data.vlaanderen.be/id/mandataris/x", None)])
    with pytest.raises(RuntimeError, match="a helper of the last stage failed"):
        helpers.wait()
