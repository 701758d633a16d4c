"""Versions, the event stream and the diff (issue 10), end to end.

The real plan is built (version 1 is in data/versions/, committed), then a modified text: action
12's timeline slips a year, action 13 gains an indicator, action 14 gets another minister. Then:
two versions; the stream's second page holds exactly those three actions; a real LDES client from
npm (ldes-client) replicates both pages and gets every member exactly once; `hgkbp-ld diff` names
the three changes; version 1 stays dereferenceable; each action's page shows its history.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from hgkbp_ld.versions import History, objects
from tests.conftest import ROOT, Server, copy_dist, copy_real_data, run_build
from tests.processes import cli

PLAN = "hgkbp-2025-2029"
LATER = "1769904000"  # 2026-02-01: the modified text's build
CLIENT = ROOT / "node_modules" / ".bin" / "ldes-client"
ACTION = "https://data.vlaanderen.be/id/actie/hgkbp-2025-2029/{}"
JSON = {"Accept": "application/sparql-results+json"}


def modify(text: str) -> str:
    """The three changes: a timeline, an indicator, a minister."""
    start = text.index("Actie 12. Uitbreiding maatregelen")
    at = text.index("Tijdspad 2026-2029", start)
    text = text[:at] + "Tijdspad 2027-2029" + text[at + len("Tijdspad 2026-2029") :]
    start = text.index("Actie 13. Weerbaarheidsworkshops")
    line_end = text.index("\n", text.index("Indicator(en)", start))
    text = text[:line_end] + "\n- Aantal deelnemers aan de workshops " + text[line_end:]
    start = text.index("Actie 14. ")
    at = text.index("Minister van Wonen", start)
    return text[:at] + "Minister van Onderwijs" + text[at + len("Minister van Wonen") :]


def build(out: Path, data: Path, epoch: str) -> subprocess.CompletedProcess[str]:
    return run_build(out, "--data", str(data), epoch=epoch)


@pytest.fixture(scope="module")
def two_versions(
    tmp_path_factory: pytest.TempPathFactory, real_build: tuple[Path, Path, subprocess.CompletedProcess[str]]
) -> tuple[Path, Path, Path]:
    """(data, dist after the real plan, dist after the modified text), built by the real command (the
    real plan's build is the run's, tests/conftest.py; its data folder is copied, then changed)."""
    root = tmp_path_factory.mktemp("versions")
    data = root / "data"
    shutil.copytree(real_build[0], data)
    first = real_build[2]
    assert first.returncode == 0, first.stderr
    assert "this is version" not in first.stderr  # the committed version 1 is the real plan
    copy_dist(real_build[1], root / "dist-1")
    source = data / "source" / f"{PLAN}.txt"
    (root / "original.txt").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    source.write_text(modify(source.read_text(encoding="utf-8")), encoding="utf-8")
    second = build(root / "dist-2", data, LATER)
    assert second.returncode == 0, second.stderr
    assert f"{PLAN}: the data changed, this is version 2" in second.stderr
    return data, root / "dist-1", root / "dist-2"


@pytest.fixture(scope="module")
def served(two_versions: tuple[Path, Path, Path]):
    server = Server(two_versions[2])
    yield server
    server.stop()


def test_two_versions_are_recorded(two_versions: tuple[Path, Path, Path]) -> None:
    data, _first, second = two_versions
    with (data / "versions" / PLAN / "versies.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["versie"] for r in rows] == ["1", "2"]
    assert rows[1]["tijdstip"] == "2026-02-01T00:00:00+00:00" and rows[0]["tijdstip"] < rows[1]["tijdstip"]
    history = History.load(data / "versions" / PLAN)
    # Onderwijs gained a spelling in the shared register (data/portfolios.csv, for the JKP) after version 1:
    # that alone made no version, and is recorded with the plan's next one.
    shared = ["https://data.vlaanderen.be/id/bevoegdheid/onderwijs"]
    assert history.changed(2) == [ACTION.format(n) for n in (12, 13, 14)] + shared
    assert len(history.changed(1)) == len(objects(history.graph(1))) > 130
    # the dataset lists its versions
    graph = Graph().parse(second / f"{PLAN}.ttl")
    dataset = URIRef(f"https://data.vlaanderen.be/id/dataset/{PLAN}")
    assert len(list(graph.objects(dataset, DCTERMS.hasVersion))) == 2


def test_the_same_text_again_makes_no_version(two_versions: tuple[Path, Path, Path], tmp_path: Path) -> None:
    data, _first, second = two_versions
    later = build(tmp_path / "later", data, str(int(LATER) + 86400))  # another build time is no new data
    assert later.returncode == 0, later.stderr
    assert "this is version" not in later.stderr
    assert len(History.load(data / "versions" / PLAN).versions) == 2
    again = build(tmp_path / "again", data, LATER)
    assert again.returncode == 0, again.stderr
    for name in (f"{PLAN}.nt", "manifest.json"):  # and the same build is byte for byte the same
        assert (tmp_path / "again" / name).read_bytes() == (second / name).read_bytes()


def test_a_failed_build_makes_no_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    copy_real_data(data)
    source = data / "source" / f"{PLAN}.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("Actie 12. ", "Actie 12 ", 1), encoding="utf-8")
    done = run_build(tmp_path / "dist", "--data", str(data))
    assert done.returncode != 0
    assert len(History.load(data / "versions" / PLAN).versions) == 1


def test_a_damaged_index_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    copy_real_data(data)
    index = data / "versions" / PLAN / "versies.csv"
    index.write_text(re.sub(r"^(1,[^,]+,)\d+,", r"\1many,", index.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    done = run_build(tmp_path / "dist", "--data", str(data))
    assert done.returncode == 2 and "versies.csv: line 2" in done.stderr and "Traceback" not in done.stderr


def test_diff_names_the_three_changes(two_versions: tuple[Path, Path, Path]) -> None:
    data, _first, _second = two_versions
    for old, new in ((str(data.parent / "original.txt"), str(data / "source" / f"{PLAN}.txt")), ("1", "2")):
        done = subprocess.run(
            cli("diff", old, new, "--data", str(data)),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 1, done.stderr  # like diff(1): differences found
        assert re.findall(r"^Actie \d+", done.stdout, re.M) == ["Actie 12", "Actie 13", "Actie 14"]
        assert "tijdspad: ‘2026-2029’ → ‘2027-2029’" in done.stdout
        assert "heeft indicator toegevoegd: ‘Aantal deelnemers aan de workshops’" in done.stdout
        assert "verantwoordelijke: ‘Wonen’ → ‘Onderwijs’" in done.stdout
    rdf = subprocess.run(
        cli("diff", "1", "2", "--data", str(data), "--format", "rdf"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    from rdflib import Dataset

    trig = Dataset().parse(data=rdf.stdout, format="trig")
    removed = trig.graph(URIRef("urn:hgkbp-ld:diff:verwijderd"))
    added = trig.graph(URIRef("urn:hgkbp-ld:diff:toegevoegd"))
    responsible = URIRef("https://data.vlaanderen.be/ns/beleidsplan#verantwoordelijke")
    assert (
        URIRef(ACTION.format(14)),
        responsible,
        URIRef("https://data.vlaanderen.be/id/bevoegdheid/wonen"),
    ) in removed
    assert (
        URIRef(ACTION.format(14)),
        responsible,
        URIRef("https://data.vlaanderen.be/id/bevoegdheid/onderwijs"),
    ) in added
    same = subprocess.run(
        cli("diff", "2", "2", "--data", str(data)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert same.returncode == 0 and same.stdout == "Geen verschillen.\n"


# --- the event stream -----------------------------------------------------------------------------------------


def page(server: Server, path: str) -> tuple[httpx.Response, Graph]:
    response = httpx.get(f"{server.url}{path}", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200, response.text
    return response, Graph().parse(data=response.text, format="turtle")


TREE = "https://w3id.org/tree#"
LDES = "https://w3id.org/ldes#"


def test_the_stream_and_its_pages(served: Server) -> None:
    response, root = page(served, f"/ldes/{PLAN}")
    stream = URIRef(f"{served.url}/ldes/{PLAN}")
    assert (stream, URIRef(f"{TREE}view"), URIRef(f"{served.url}/ldes/{PLAN}/1")) in root
    assert (stream, URIRef(f"{LDES}timestampPath"), URIRef("http://www.w3.org/ns/prov#generatedAtTime")) in root
    assert (stream, URIRef(f"{LDES}versionOfPath"), DCTERMS.isVersionOf) in root
    assert root.value(stream, URIRef(f"{TREE}shape")) is not None
    first_response, first = page(served, f"/ldes/{PLAN}/1")
    second_response, second = page(served, f"/ldes/{PLAN}/2")
    assert "immutable" in first_response.headers["cache-control"]  # an earlier version's page never changes
    assert "immutable" not in second_response.headers["cache-control"]  # the last may gain a successor
    for r in (response, first_response, second_response):
        assert r.headers["vary"] == "Accept" and r.headers["etag"]
    again = httpx.get(
        f"{served.url}/ldes/{PLAN}/1",
        headers={"Accept": "text/turtle", "If-None-Match": first_response.headers["etag"]},
    )
    assert again.status_code == 304
    relation = first.value(URIRef(f"{served.url}/ldes/{PLAN}/1"), URIRef(f"{TREE}relation"))
    assert first.value(relation, URIRef(f"{TREE}node")) == URIRef(f"{served.url}/ldes/{PLAN}/2")
    assert str(first.value(relation, URIRef(f"{TREE}value"))).startswith("2026-02-01T00:00:00")
    assert (
        first.value(
            None,
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef(f"{TREE}GreaterThanOrEqualToRelation"),
        )
        == relation
    )
    members = {str(m) for m in second.objects(stream, URIRef(f"{TREE}member"))}
    assert {str(second.value(URIRef(m), DCTERMS.isVersionOf)) for m in members} == {
        *(ACTION.format(n) for n in (12, 13, 14)),
        "https://data.vlaanderen.be/id/bevoegdheid/onderwijs",  # a new spelling since version 1 (shared register)
    }
    assert len(set(first.objects(stream, URIRef(f"{TREE}member")))) > 130


def test_an_ldes_client_replicates_every_member_once(served: Server, tmp_path: Path) -> None:
    if not CLIENT.exists():
        message = "ldes-client is not installed: run npm ci (make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run(  # its TMPDIR: the client leaves a folder there on every run
        [str(CLIENT), f"{served.url}/ldes/{PLAN}"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    stated = re.findall(r"^(<[^>]+>) <http://purl.org/dc/terms/isVersionOf> (<[^>]+>) \.$", done.stdout, re.M)
    _response, first = page(served, f"/ldes/{PLAN}/1")
    stream = URIRef(f"{served.url}/ldes/{PLAN}")
    expected = len(set(first.objects(stream, URIRef(f"{TREE}member")))) + 4  # 3 actions and a shared portfolio
    assert len(stated) == len({m for m, _o in stated}) == expected  # every member, each exactly once
    later = {o for m, o in stated if "/versie/hgkbp-2025-2029/2/" in m}
    onderwijs = "<https://data.vlaanderen.be/id/bevoegdheid/onderwijs>"  # a spelling added for the JKP meanwhile
    assert later == {f"<{ACTION.format(n)}>" for n in (12, 13, 14)} | {onderwijs}


# --- old versions stay dereferenceable -----------------------------------------------------------------------


def test_version_1_is_still_dereferenceable(served: Server) -> None:
    old = httpx.get(f"{served.url}/doc/actie/{PLAN}/12?versie=1", headers={"Accept": "text/html"})
    assert old.status_code == 303 and old.headers["location"] == f"/doc/versie/{PLAN}/1/actie/{PLAN}/12"
    html = httpx.get(f"{served.url}/doc/versie/{PLAN}/1/actie/{PLAN}/12", headers={"Accept": "text/html"}).text
    assert "versie 1" in html and "2026-2029" in html and "2027-2029" in html  # the state, and its history
    member = f"https://data.vlaanderen.be/id/versie/{PLAN}/1/actie/{PLAN}/12"
    thing = httpx.get(f"{served.url}/id/versie/{PLAN}/1/actie/{PLAN}/12", headers={"Accept": "text/turtle"})
    assert thing.status_code == 303
    graph = Graph().parse(f"{served.url}/id/versie/{PLAN}/1/actie/{PLAN}/12")  # rdflib follows the 303
    assert graph.value(URIRef(member), DCTERMS.isVersionOf) == URIRef(ACTION.format(12))
    period = graph.value(URIRef(member), DCTERMS.temporal)
    period_page = httpx.get(f"{served.url}/doc/{str(period).split('/id/', 1)[1]}", headers={"Accept": "text/turtle"})
    assert period_page.status_code == 200 and "2026-2029" in period_page.text
    # an action that did not change in version 2: ?versie=2 is its version 1
    unchanged = httpx.get(f"{served.url}/doc/actie/{PLAN}/15?versie=2", headers={"Accept": "text/html"})
    assert unchanged.status_code == 303 and unchanged.headers["location"] == f"/doc/versie/{PLAN}/1/actie/{PLAN}/15"
    assert httpx.get(f"{served.url}/doc/actie/{PLAN}/12?versie=9").status_code == 404


def test_the_action_page_shows_its_history(served: Server) -> None:
    html = httpx.get(f"{served.url}/doc/actie/{PLAN}/12", headers={"Accept": "text/html"}).text
    history = html[html.index('id="h-geschiedenis"') :]
    assert f'href="/doc/versie/{PLAN}/1/actie/{PLAN}/12">Versie 1 van HGKBP</a>' in history
    assert f'href="/doc/versie/{PLAN}/2/actie/{PLAN}/12">Versie 2 van HGKBP</a>' in history
    assert "tijdspad: ‘2026-2029’ → ‘2027-2029’" in history
    unchanged = httpx.get(f"{served.url}/doc/actie/{PLAN}/15", headers={"Accept": "text/html"}).text
    assert f"/doc/versie/{PLAN}/2/" not in unchanged


def test_another_base_shares_the_history(other_base_build: tuple[Path, Path, subprocess.CompletedProcess[str]]) -> None:
    """A build for another --base is the same data: no version, and the snapshot stays canonical."""
    data, dist, done = other_base_build  # copy_real_data, then built with --base, once per run (tests/conftest.py)
    assert done.returncode == 0, done.stderr
    assert "this is version" not in done.stderr
    assert len(History.load(data / "versions" / PLAN).versions) == 1
    snapshot = (dist / "versies" / PLAN / "1.nt").read_bytes()
    assert snapshot == (ROOT / "data" / "versions" / PLAN / "1.nt").read_bytes()
    history = History.load(data / "versions" / PLAN, "https://example.org")
    assert "https://example.org/id/actie/hgkbp-2025-2029/12" in objects(history.graph(1))


def test_every_snapshot_is_a_download(served: Server, two_versions: tuple[Path, Path, Path]) -> None:
    data = two_versions[0]
    listing = httpx.get(f"{served.url}/data/", headers={"Accept": "text/html"}).text
    for number in (1, 2):
        name = f"versies/{PLAN}/{number}.nt"
        assert f'href="/data/{name}"' in listing
        download = httpx.get(f"{served.url}/data/{name}")
        assert download.status_code == 200
        assert download.content == (data / "versions" / PLAN / f"{number}.nt").read_bytes()
    assert httpx.get(f"{served.url}/data/versies/{PLAN}/3.nt").status_code == 404
