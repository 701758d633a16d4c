"""Taking an unchanged plan's files from the last build (`hgkbp_ld.linking`), in a process of its own
beside the build of the changed plans (the whole incremental build: tests/test_incremental.py)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import hgkbp_ld
from hgkbp_ld.linking import Linking, Take, take
from hgkbp_ld.published import etag

SRC = str(Path(hgkbp_ld.__file__).resolve().parent.parent)
TIME = 1767225600


def test_the_linking_process_imports_nothing_of_the_build() -> None:
    """It starts in tens of milliseconds: no rdflib, pyoxigraph or jinja, no other module of the package."""
    script = (
        f"import sys; sys.path.insert(0, {SRC!r}); import hgkbp_ld.linking, json;"
        " print(json.dumps(sorted(sys.modules)))"
    )
    loaded = json.loads(subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, check=True).stdout)
    assert [m for m in loaded if m.startswith("hgkbp_ld")] == ["hgkbp_ld", "hgkbp_ld.linking"]
    assert not [m for m in loaded if m.split(".")[0] in ("rdflib", "pyoxigraph", "jinja2", "pyshacl")]


def _page(site: Path, relative: str, body: bytes, mtime: int = TIME) -> list:
    """A file of a site and its entry in a plan's part of the index (path, type, ETag, date, size)."""
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # never written through a link, as a site's Writer writes
    path.write_bytes(body)
    os.utime(path, (mtime, mtime))
    return [relative, "text/html", etag(mtime, len(body)), "DATE", len(body)]


def _last_build(root: Path) -> Take:
    """A last build of one plan: a dump, two pages, its part of the index, its fragment."""
    before, dist = root / "before" / "site", root / "before"
    pages = {f"doc/actie/p/{n}": {"html": _page(before, f"doc/actie/p/{n}.html", b"<p>%d</p>" % n)} for n in (1, 2)}
    _page(before, "parts/p.index.json", json.dumps({"resources": pages, "ldes": {}, "versions": {}}).encode())
    (dist / "p.nt").write_bytes(b"<a> <b> <c> .\n")
    (dist / "p.json").write_text("{}")
    new = root / "new"
    (new / ".site").mkdir(parents=True)
    return Take(
        slug="p",
        files={"p.nt": [str(dist / "p.nt"), hashlib.sha256(b"<a> <b> <c> .\n").hexdigest()]},
        folder=str(new),
        before=str(before),
        after=str(new / ".site"),
        part="parts/p.index.json",
        aside=str(dist / "aside"),
        copies=[[str(dist / "p.json"), str(new / "cache" / "p.json"), "required"], [str(dist / "no"), "x", "optional"]],
    )


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_an_unchanged_plan_is_taken_by_hard_links(tmp_path: Path) -> None:
    job = _last_build(tmp_path)
    assert take(job)
    new = Path(job["folder"])
    assert _files(new) == [
        ".site/doc/actie/p/1.html",
        ".site/doc/actie/p/2.html",
        ".site/parts/p.index.json",
        "cache/p.json",
        "p.nt",
    ]
    page = tmp_path / "before" / "site" / "doc/actie/p/1.html"
    assert (new / ".site/doc/actie/p/1.html").stat().st_ino == page.stat().st_ino  # the same file: its ETag kept


def test_a_page_not_as_the_index_names_it_takes_nothing_of_the_plan(tmp_path: Path) -> None:
    """A page changed since the last build (not the one its part names, nor kept aside): the plan is built again."""
    job = _last_build(tmp_path)
    _page(tmp_path / "before" / "site", "doc/actie/p/2.html", b"<p>changed</p>")
    assert not take(job)
    assert _files(Path(job["after"])) == []  # no half plan left in the new site


def test_a_page_the_last_stage_replaced_is_taken_from_where_it_was_kept(tmp_path: Path) -> None:
    job = _last_build(tmp_path)
    site, aside = tmp_path / "before" / "site", Path(job["aside"])
    (aside / "doc/actie/p").mkdir(parents=True)
    os.link(site / "doc/actie/p/2.html", aside / "doc/actie/p/2.html")  # the plan's own, kept aside
    _page(site, "doc/actie/p/2.html", b"<p>rendered again by the last stage</p>", TIME + 5)
    assert take(job)
    assert (Path(job["after"]) / "doc/actie/p/2.html").read_bytes() == b"<p>2</p>"


def test_a_dump_not_as_recorded_takes_nothing_of_the_plan(tmp_path: Path) -> None:
    job = _last_build(tmp_path)
    (tmp_path / "before" / "p.nt").write_bytes(b"<a> <b> <d> .\n")
    assert not take(job)


def test_the_process_says_which_plans_it_took(tmp_path: Path) -> None:
    good, bad = _last_build(tmp_path / "good"), _last_build(tmp_path / "bad")
    (tmp_path / "bad" / "before" / "p.json").unlink()  # a required copy missing
    assert Linking([good, bad]).wait() == [True, False]
    assert Linking([]).wait() == []


def test_a_build_on_one_process_takes_them_itself(tmp_path: Path) -> None:
    """`--jobs 1`: no process beside the build; the same plans taken."""
    good, bad = _last_build(tmp_path / "good"), _last_build(tmp_path / "bad")
    (tmp_path / "bad" / "before" / "p.json").unlink()
    linking = Linking([good, bad], beside=False)
    assert linking._process is None
    assert linking.wait() == [True, False]
    assert (Path(good["after"]) / "doc/actie/p/1.html").is_file()


def test_a_failing_process_is_an_error_not_a_plan_built_again(tmp_path: Path) -> None:
    """A failure of the process itself (here: a job it cannot read) is an error of the build, with the
    process's own words: it is not taken for plans that could not be linked."""
    with pytest.raises(OSError, match="KeyError"):
        Linking([{"slug": "p"}]).wait()  # type: ignore[list-item]
