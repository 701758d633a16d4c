"""Adding a plan is data only: the tools a user meets, run as real processes on a data folder of any name."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import OWL, Graph, URIRef

from tests.conftest import EPOCH, EXAMPLES, ROOT, copy_data_with_examples, run_build
from tests.processes import cli

ID = "https://data.vlaanderen.be/id/beleidsplan/"
REAL = "hgkbp-2025-2029"


def hgkbp_ld(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli(*args),
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def three(
    three_plans: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """data/ with the two invented plans of examples/plans/ added (three plans), in a folder not named 'data',
    built (tests/conftest.py: once per run, shared with test_plans_site)."""
    data, _dist, _done = three_plans
    assert data.name == "mijn-gegevens"
    return three_plans


def test_three_plans_build_side_by_side(three: tuple[Path, Path, subprocess.CompletedProcess[str]]) -> None:
    _data, dist, _done = three
    plans = json.loads((dist / "manifest.json").read_text())["plans"]
    assert {slug: plan["actions"] for slug, plan in plans.items()} == {
        REAL: 56,
        "vapa-2025-2029": 22,
        "jkp-2025-2029": 16,
    }


def test_the_real_plans_history_is_untouched(three: tuple[Path, Path, subprocess.CompletedProcess[str]]) -> None:
    data, _dist, _done = three
    for name in ("versies.csv", "1.nt"):
        assert (data / "versions" / REAL / name).read_bytes() == (ROOT / "data" / "versions" / REAL / name).read_bytes()


def test_one_plan_one_iri(three: tuple[Path, Path, subprocess.CompletedProcess[str]]) -> None:
    """The HGKBP names the VAPA by its register entry; the built VAPA is that entry (owl:sameAs), said
    in the build log and in the VAPA's own graph, so that the HGKBP's graph (and history) stay as they are."""
    _data, dist, done = three
    vapa = Graph().parse(dist / "vapa-2025-2029.nt", format="nt")
    built, stub = URIRef(f"{ID}vapa-2025-2029"), URIRef(f"{ID}vlaams-actieplan-armoedebestrijding")
    assert (built, OWL.sameAs, stub) in vapa and (stub, OWL.sameAs, built) in vapa
    assert f"{stub} owl:sameAs {built}" in done.stderr
    hgkbp = Graph().parse(dist / f"{REAL}.nt", format="nt")
    related = URIRef("https://data.vlaanderen.be/ns/beleidsplan#gerelateerdPlan")
    assert stub in set(hgkbp.objects(None, related))
    # The VAPA and the JKP name the HGKBP by its register row, whose slug is the built plan's: one IRI.
    assert URIRef(f"{ID}{REAL}") in set(vapa.objects(None, related))
    titles = set(vapa.objects(URIRef(f"{ID}{REAL}"), URIRef("http://purl.org/dc/terms/title"))) | set(
        hgkbp.objects(URIRef(f"{ID}{REAL}"), URIRef("http://purl.org/dc/terms/title"))
    )
    assert len(titles) == 1  # the HGKBP is called by its own title in the other graphs


def test_a_footnote_keeps_its_words_and_its_link(three: tuple[Path, Path, subprocess.CompletedProcess[str]]) -> None:
    _data, dist, _done = three
    vapa = Graph().parse(dist / "vapa-2025-2029.nt", format="nt")
    action = URIRef("https://data.vlaanderen.be/id/actie/vapa-2025-2029/1")
    citations = {str(o) for o in vapa.objects(action, URIRef("http://purl.org/dc/terms/bibliographicCitation"))}
    links = {str(o) for o in vapa.objects(action, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"))}
    assert citations == {"Statistiek Vlaanderen, Vlaamse Armoedemonitor 2025."}
    assert links == {
        "https://www.vlaanderen.be/statistiek-vlaanderen/armoede-en-sociale-uitsluiting/armoederisico-bij-kinderen"
    }


def test_the_build_log_says_where_each_identity_came_from(
    three: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    _data, _dist, done = three
    assert (
        "vapa-2025-2029: title 'Vlaams Actieplan Armoedebestrijding 2025-2029' found by rule 'sentence'" in done.stderr
    )
    assert "jkp-2025-2029: abbreviation 'JKP' found by rule 'title page'" in done.stderr


def test_a_new_spelling_makes_no_version_of_another_plan(
    three: tuple[Path, Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(three[0], data)
    register = data / "portfolios.csv"
    rows = register.read_text(encoding="utf-8").splitlines()
    rows = [
        r.replace("Minister van Wonen|Minister Wonen", "Minister van Wonen|Minister Wonen|Minister voor Wonen")
        for r in rows
    ]
    register.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = {p.name: (p / "versies.csv").read_bytes() for p in (data / "versions").iterdir()}
    done = run_build(tmp_path / "dist", "--data", str(data))
    assert done.returncode == 0, done.stderr
    assert "this is version" not in done.stderr
    assert {p.name: (p / "versies.csv").read_bytes() for p in (data / "versions").iterdir()} == before
    nt = (tmp_path / "dist" / f"{REAL}.nt").read_text(encoding="utf-8")
    assert '"Minister voor Wonen"@nl' in nt  # the shared register did change what is published


def test_toml_identity_wins_and_paths_are_the_data_folders(tmp_path: Path) -> None:
    data = tmp_path / "elders"
    (data / "plans").mkdir(parents=True)
    (data / "teksten").mkdir()
    for register in (ROOT / "data").glob("*.csv"):  # the registers, not the plans
        shutil.copy(register, data)
    shutil.copy(EXAMPLES / "source" / "vapa-2025-2029.txt", data / "teksten" / "armoede.txt")
    (data / "plans" / "armoede.toml").write_text(
        'slug = "armoede"\nsource = "teksten/armoede.txt"\ntitle = "Actieplan tegen armoede"\nend_year = 2030\n',
        encoding="utf-8",
    )
    done = hgkbp_ld("parse", "--data", str(data), "--plan", "armoede", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)["plan"]
    assert (plan["title"], plan["abbreviation"], plan["start_year"], plan["end_year"]) == (
        "Actieplan tegen armoede",
        "VAPA",
        2025,
        2030,
    )
    assert f"title 'Actieplan tegen armoede' from {data / 'plans' / 'armoede.toml'}" in done.stderr


def test_a_plan_without_identity_is_one_error_naming_file_and_toml(tmp_path: Path) -> None:
    data = tmp_path / "data"
    copy_data_with_examples(data)
    for toml in (data / "plans").glob("*.toml"):
        if toml.stem != "vapa-2025-2029":
            toml.unlink()
    text = data / "source" / "vapa-2025-2029.txt"
    lines = text.read_text(encoding="utf-8").splitlines()
    lines = [line.replace("Vlaams Actieplan Armoedebestrijding 2025-2029 (VAPA)", "plan") for line in lines]
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for command in (
        ("parse", str(text), "--data", str(data)),
        ("build", "--data", str(data), "--out", str(tmp_path / "d"), "--quiet"),
    ):
        done = hgkbp_ld(*command, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        (message,) = done.stderr.splitlines()
        assert message.startswith(f"hgkbp-ld: error: {text}: line 1: expected the plan's title, start_year, end_year")
        assert f"{data / 'plans' / 'vapa-2025-2029.toml'}" in message and 'title = "' in message


def test_a_strict_error_in_build_names_file_line_and_remedy(tmp_path: Path) -> None:
    data = tmp_path / "data"
    copy_data_with_examples(data)
    for other in ("hgkbp-2025-2029", "vapa-2025-2029"):  # the JKP alone: the lenient build below is a full one
        (data / "plans" / f"{other}.toml").unlink()
    text = data / "source" / "jkp-2025-2029.txt"
    body = text.read_text(encoding="utf-8").replace("Minister van Integratie en Inburgering", "Minister van Ruimtevaart")
    text.write_text(body, encoding="utf-8")
    done = hgkbp_ld("build", "--data", str(data), "--out", str(tmp_path / "dist"), "--quiet")
    assert done.returncode == 2
    (message,) = done.stderr.splitlines()
    line = next(n for n, t in enumerate(body.splitlines(), start=1) if "Ruimtevaart" in t)
    assert message.startswith(f"hgkbp-ld: error: {text}: line {line}: expected a portfolio of data/portfolios.csv")
    assert "--lenient" in message
    lenient = hgkbp_ld("build", "--data", str(data), "--out", str(tmp_path / "dist"), "--lenient", "--quiet")
    assert lenient.returncode == 0, lenient.stderr


def test_a_toml_naming_a_missing_text_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    copy_data_with_examples(data)
    (data / "plans" / "nieuw.toml").write_text('slug = "nieuw"\nsource = "data/source/nieuw.txt"\n', encoding="utf-8")
    done = hgkbp_ld("build", "--data", str(data), "--out", str(tmp_path / "dist"))
    assert done.returncode == 2
    assert f"{data / 'plans' / 'nieuw.toml'}: source = 'data/source/nieuw.txt': no such file" in done.stderr
    assert 'source = "source/nieuw.txt"' in done.stderr
