"""The site with three plans (data/ with the two invented plans of examples/plans/ added): plans shown as plans, by a real server and browser."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import pytest

from tests.browser import assert_no_axe_violations
from tests.conftest import ROOT, Server

VAPA, JKP, REAL = "vapa-2025-2029", "jkp-2025-2029", "hgkbp-2025-2029"
VAPA_TITLE = "Vlaams Actieplan Armoedebestrijding 2025-2029"
PAGES = {
    "landing page": "/",
    "actions of one plan": f"/acties?plan={VAPA}",
    "all actions of three plans": "/acties",
    "a portfolio in three plans": "/doc/bevoegdheid/armoedebestrijding",
    "a minister in several plans": "/doc/mandataris/caroline-gennez-2026-06",
    "an action of the VAPA": f"/doc/actie/{VAPA}/21",
    "the JKP": f"/doc/beleidsplan/{JKP}",
    "a goal of the HGKBP naming the VAPA": f"/doc/doelstelling/{REAL}/HD1",
}


@pytest.fixture(scope="module")
def server(three_plans: tuple[Path, Path, object]):
    server = Server(three_plans[1])  # data/ with examples/plans/ added, built once per run (tests/conftest.py)
    yield server
    server.stop()


def text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def get(server: Server, path: str) -> str:
    response = httpx.get(server.url + path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return response.text


def title_of(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found is not None
    return html.unescape(found[1])


def test_the_landing_page_lists_the_plans(server: Server) -> None:
    page = get(server, "/")
    table = text(page[page.index('id="plannen"') : page.index("</table>", page.index('id="plannen"'))])
    for title, abbreviation, counts in (
        ("Horizontaal Gelijkekansenbeleidsplan 2025-2029", "HGKBP", "2025–2029 7 26 56 acties"),
        ("Jeugd- en Kinderrechtenbeleidsplan 2025-2029", "JKP", "2025–2029 3 8 16 acties"),
        (VAPA_TITLE, "VAPA", "2025–2029 4 10 22 acties"),
    ):
        assert f"{title} ({abbreviation}) {counts}" in table
    assert f'href="/doc/beleidsplan/{VAPA}"' in page and f'href="/acties?plan={VAPA}"' in page
    assert f'href="/acties?plan={VAPA}&amp;doelstelling=HD1"' in page  # each plan's goals link to its own
    assert "78 acties" not in text(page) and "94 acties" not in text(page)  # counts are never added up


def test_actions_of_one_plan(server: Server) -> None:
    page = get(server, f"/acties?plan={VAPA}")
    rows = re.findall(r'<th scope="row"><a href="(/doc/actie/[^"]+)"', page)
    assert len(rows) == 22 and all(f"/doc/actie/{VAPA}/" in row for row in rows)
    assert title_of(page) == f"Acties · {VAPA_TITLE} · Beleidsplannen als linked data"
    assert '<th scope="col">Plan</th>' not in page  # one plan shown: no plan column
    assert f'<option value="{VAPA}" selected>{VAPA_TITLE}</option>' in page
    goal = get(server, f"/acties?doelstelling={VAPA}/HD2")
    assert len(re.findall(r'<th scope="row"><a href="/doc/actie/', goal)) == 5  # actions 8 to 12
    assert f'<option value="{VAPA}/HD2" selected>VAPA · HD 2: ' in goal  # the goal names its plan


def test_all_actions_show_their_plan(server: Server) -> None:
    page = get(server, "/acties")
    assert len(re.findall(r'<th scope="row"><a href="/doc/actie/', page)) == 56 + 22 + 16
    assert '<th scope="col">Plan</th>' in page
    assert f"<td>{VAPA_TITLE}</td>" in page


def test_a_portfolio_groups_its_actions_by_plan(server: Server) -> None:
    page = get(server, "/doc/bevoegdheid/armoedebestrijding")
    lead = page[page.index('id="h-leidt"') : page.index('id="h-werkt-mee"')]
    headings = re.findall(r"<h3>(.*?)</h3>", lead)
    assert headings == ["Jeugd- en Kinderrechtenbeleidsplan 2025-2029", VAPA_TITLE]
    assert lead.count(">Actie 6<") == 2 and lead.index("/actie/jkp-2025-2029/6") < lead.index(f"/actie/{VAPA}/1")


def test_a_plans_pages_name_it(server: Server) -> None:
    page = get(server, f"/doc/actie/{VAPA}/21")
    assert title_of(page).startswith(
        "Actie 21: Structurele dialoog met mensen in armoede via het Netwerk tegen Armoede"
    )
    assert title_of(page).endswith(f" · {VAPA_TITLE} · Beleidsplannen als linked data")
    crumbs = text(page[page.index('class="breadcrumbs"') : page.index("</nav>", page.index('class="breadcrumbs"'))])
    assert crumbs.split(">", 1)[1].strip().startswith(VAPA_TITLE)
    footer = text(page[page.index('<footer class="site">') :])
    assert f"Bron: {VAPA_TITLE} van de Vlaamse Regering" in footer and "Gelijkekansen" not in footer
    assert footer.count("brontekst met SHA-256") == 1  # its own text's provenance only
    plan = get(server, f"/doc/beleidsplan/{JKP}")
    assert 'id="h-tijdlijn"' in plan and 'id="h-samenwerking"' in plan  # each plan its overview
    assert f"/acties?plan={JKP}&amp;bevoegdheid=" in plan  # a cell of its matrix lists its own actions
    cite = text(plan[plan.index('id="h-citeren"') :])
    assert "Jeugd- en Kinderrechtenbeleidsplan 2025-2029" in cite.split("Als linked open data")[0]


def test_history_entries_name_their_plan(server: Server) -> None:
    page = get(server, f"/doc/actie/{VAPA}/21")
    history = page[page.index('id="h-geschiedenis"') :]
    assert f'href="/doc/versie/{VAPA}/1/actie/{VAPA}/21">Versie 1 van VAPA</a>' in history
    assert f'href="/ldes/{VAPA}"' in history


def test_the_hgkbps_reference_reaches_the_built_plan(server: Server) -> None:
    page = get(server, f"/doc/doelstelling/{REAL}/HD1")
    assert f'<a href="/doc/beleidsplan/{VAPA}">{VAPA_TITLE}</a>' in page
    stub = get(server, "/doc/beleidsplan/vlaams-actieplan-armoedebestrijding")
    assert f'href="/doc/beleidsplan/{VAPA}"' in stub  # owl:sameAs, both ways


def test_the_manifest_and_sparql_see_three_graphs(server: Server) -> None:
    query = "SELECT ?g (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?g { ?a a <https://data.vlaanderen.be/ns/beleidsplan#Actie> } } GROUP BY ?g"
    response = httpx.get(
        f"{server.url}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    counts = {b["g"]["value"].rsplit("/", 1)[1]: int(b["n"]["value"]) for b in response.json()["results"]["bindings"]}
    assert counts == {REAL: 56, VAPA: 22, JKP: 16}


@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_no_axe_violations(browser, server: Server, path: str) -> None:
    assert_no_axe_violations(browser, server.url + path)


def test_screenshots_are_of_these_pages() -> None:
    shots = ROOT / "docs" / "screenshots"
    for name in ("plannen-start.png", "acties-van-een-plan.png", "bevoegdheid-in-twee-plannen.png"):
        assert (shots / name).stat().st_size > 10_000, name
    script = (ROOT / "scripts" / "screenshots.py").read_text(encoding="utf-8")
    assert f'"acties-van-een-plan": "/acties?plan={VAPA}"' in script
    assert Path(shots / "plannen-start.png").exists()
