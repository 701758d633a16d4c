"""Hostile text in a plan: built, and every page shows it as text (issue 9, item 3)."""

from __future__ import annotations

import re
import shutil

import httpx
import pytest

from tests.conftest import ROOT, Server, build_dist, copy_real_data

FIXTURE = ROOT / "tests" / "fixtures" / "tweede-plan"
SLUG = "voorbeeld-testplan-2025-2029"
HOSTILE = {
    "Een eerste verzonnen actie": "<script>alert(1)</script> en </script><script>alert(2)</script>",
    "Een tweede verzonnen actie": '"><img src=x onerror=alert(3)> {{ 7*7 }} {% raw %}',
    "Een derde verzonnen actie": "x } ; DROP GRAPH <urn:g> ; SELECT * WHERE { ?s ?p ?o } # \u202eevil\u202c "
    + "L"
    + "a" * 3000,
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Server:
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    copy_real_data(data)
    for toml in (data / "plans").glob("*.toml"):
        toml.unlink()  # only the hostile plan
    shutil.copy(FIXTURE / "plans" / f"{SLUG}.toml", data / "plans")
    text = (FIXTURE / f"{SLUG}.txt").read_text(encoding="utf-8")
    for title, evil in HOSTILE.items():
        text = text.replace(title, title + " " + evil)
    text = text.replace(
        "We controleren dat deze actie", "<b>Vet</b> & <i>schuin</i> {{ config }} We controleren dat deze actie"
    )
    (data / "source" / f"{SLUG}.txt").write_text(text, encoding="utf-8")
    build_dist(root / "dist", data)
    server = Server(root / "dist")
    yield server
    server.stop()


PAGES = [
    f"/doc/actie/{SLUG}/1",
    f"/doc/actie/{SLUG}/2",
    f"/doc/actie/{SLUG}/3",
    f"/doc/beleidsplan/{SLUG}",
    f"/doc/doelstelling/{SLUG}/OD1.1",
    "/doc/bevoegdheid/gelijke-kansen",
    "/acties",
    "/acties?q=script",
    "/acties?q=%3Cscript%3E",
    "/sparql?format=html&query=SELECT+%3Ft+WHERE+%7B+%3Fa+%3Chttp%3A%2F%2Fpurl.org%2Fdc%2Fterms%2Ftitle%3E+%3Ft+%7D",
]


@pytest.mark.parametrize("path", PAGES)
def test_hostile_text_is_shown_as_text(hostile: Server, path: str) -> None:
    response = httpx.get(hostile.url + path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.text
    assert "<script>alert" not in html
    assert "<img" not in html  # the pages have no images: any <img is injected markup
    assert "<b>Vet</b>" not in html and "<i>schuin</i>" not in html
    # the only script elements are JSON-LD data blocks (the resource's RDF; on a dataset's landing page
    # also its schema.org description), and nothing in them can end them
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.DOTALL | re.IGNORECASE)
    tags = re.findall(r"<script\b[^>]*>", html, re.IGNORECASE)
    assert len(scripts) <= 2 and all(tag == '<script type="application/ld+json">' for tag in tags), tags
    for script in scripts:
        assert "<" not in script and ">" not in script
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert "script-src" not in response.headers["content-security-policy"]  # default-src 'none' covers it


def test_the_titles_survive_as_text(hostile: Server) -> None:
    html = httpx.get(f"{hostile.url}/doc/actie/{SLUG}/1").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = httpx.get(f"{hostile.url}/doc/actie/{SLUG}/2").text
    assert "{{ 7*7 }}" in html and "&#34;&gt;&lt;img src=x onerror=alert(3)&gt;" in html
    turtle = httpx.get(f"{hostile.url}/doc/actie/{SLUG}/3.ttl").text
    assert "DROP GRAPH" in turtle and "\u202e" in turtle  # data kept as data


def test_the_json_ld_in_the_head_still_parses_to_the_titles(hostile: Server) -> None:
    import json

    from rdflib import Graph

    html = httpx.get(f"{hostile.url}/doc/actie/{SLUG}/1").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)[1]
    graph = Graph().parse(data=json.dumps(json.loads(block)), format="json-ld")
    titles = {str(o) for o in graph.objects(None, None) if "alert(1)" in str(o)}
    assert any("<script>alert(1)</script>" in t for t in titles)


def test_searching_for_the_hostile_text_finds_it(hostile: Server) -> None:
    html = httpx.get(f"{hostile.url}/acties", params={"q": "alert"}).text
    assert len(re.findall(rf'href="/doc/actie/{SLUG}/\d"', html.split("<tbody>")[1])) == 2
