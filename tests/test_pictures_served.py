"""The pictures as served: the plan page's timeline and matrix agree with the data in the store."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import httpx
import pytest

from tests.conftest import Server

SVG = "{http://www.w3.org/2000/svg}"


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)]


def test_the_plan_page_timeline_has_every_action_and_51_points_to_46(server: Server) -> None:
    html = httpx.get(f"{server.url}/doc/beleidsplan/hgkbp-2025-2029").text
    timeline = svgs(html)[0]
    hrefs = [a.get("href") for a in timeline.iter(f"{SVG}a")]
    actions = {int(h.rsplit("/", 1)[1]) for h in hrefs if "/actie/hgkbp-2025-2029/" in h}
    assert actions == set(range(1, 57))
    assert len(hrefs) == 57  # 56 actions + the pointer of 51 to 46
    labels = [a.get("aria-label") or "" for a in timeline.iter(f"{SVG}a")]
    assert any(label.startswith("Actie 51") and "46" in label for label in labels)


def test_matrix_counts_equal_a_sparql_count(server: Server) -> None:
    html = httpx.get(f"{server.url}/doc/beleidsplan/hgkbp-2025-2029").text
    matrix = svgs(html)[1]
    cells = {a.get("aria-label"): a.get("href") for a in matrix.iter(f"{SVG}a")}
    query = """PREFIX bp: <https://data.vlaanderen.be/ns/beleidsplan#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?la ?lb (COUNT(DISTINCT ?x) AS ?n) WHERE {
          ?x a bp:Actie ; bp:verantwoordelijke|bp:samenwerkingMet ?a , ?b .
          ?a skos:prefLabel ?la . ?b skos:prefLabel ?lb . FILTER (STR(?la) < STR(?lb)) } GROUP BY ?la ?lb"""
    rows = httpx.get(
        f"{server.url}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    ).json()["results"]["bindings"]
    assert len(rows) > 20
    for row in rows:
        a, b, n = row["la"]["value"], row["lb"]["value"], int(row["n"]["value"])
        label = next(k for k in cells if (k and k.startswith(f"{a} en {b}:")) or (k and k.startswith(f"{b} en {a}:")))
        assert int(re.search(r": (\d+) actie", label)[1]) == n, label
    listed = httpx.get(server.url + cells[next(k for k in cells if k.startswith("Gelijke Kansen en Welzijn"))]).text
    assert (
        str(len(re.findall(r'<th scope="row"><a href="/doc/actie/', listed)))
        in re.search(r"Gelijke Kansen en Welzijn: (\d+)", " ".join(k for k in cells if k))[0]
    )


def test_a_minister_page_has_its_own_timeline(server: Server) -> None:
    html = httpx.get(f"{server.url}/doc/mandataris/hans-bonte-interim-2026").text
    (timeline,) = svgs(html)
    actions = {int(a.get("href").rsplit("/", 1)[1]) for a in timeline.iter(f"{SVG}a") if "/actie/" in a.get("href")}
    lead_and_partner = {
        int(n)
        for n in re.findall(
            r'href="/doc/actie/hgkbp-2025-2029/(\d+)"', html.split('id="h-leidt"')[1].split('id="h-tijdlijn"')[0]
        )
    }
    assert actions == lead_and_partner and {14, 16, 36, 37, 46} <= actions


# The same tests on both stores (tests/conftest.py).
pytestmark = pytest.mark.both_stores
