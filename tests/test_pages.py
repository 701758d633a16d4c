"""What the pages say, checked against the plan (the tables in tests/expected/), not their markup."""

from __future__ import annotations

import re
from html import unescape as html_unescape

import httpx
import pytest

from tests.conftest import Server
from tests.expected import actions_01_28, actions_29_56

ACTIONS = actions_01_28.ACTIONS + actions_29_56.ACTIONS


def section(html: str, heading: str) -> str:
    match = re.search(rf">{re.escape(heading)}</h2>(.*?)</section>", html, re.DOTALL)
    assert match, heading
    return match[1]


def actions_in(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/doc/actie/hgkbp-2025-2029/(\d+)"', html)}


@pytest.mark.parametrize("portfolio", ["Wonen", "Gelijke Kansen", "Justitie", "Mobiliteit", "Sociale Economie"])
def test_portfolio_page_lists_its_actions(server: Server, portfolio: str) -> None:
    slug = portfolio.lower().replace(" ", "-")
    html = httpx.get(f"{server.url}/doc/bevoegdheid/{slug}", headers={"Accept": "text/html"}).text
    lead = {a["number"] for a in ACTIONS if portfolio in a["responsible"]}
    partner = {a["number"] for a in ACTIONS if portfolio in a["collaborators"]}
    assert actions_in(section(html, "Verantwoordelijk voor")) == lead
    assert actions_in(section(html, "Werkt mee aan")) == partner


def test_minister_page_lists_the_actions_of_all_portfolios_held(server: Server) -> None:
    html = httpx.get(f"{server.url}/doc/mandataris/hans-bonte-interim-2026").text
    held = {"Wonen", "Toerisme", "Jeugd"}
    lead = {a["number"] for a in ACTIONS if held & set(a["responsible"])}
    partner = {a["number"] for a in ACTIONS if held & set(a["collaborators"])}
    assert actions_in(section(html, "Verantwoordelijk voor")) == lead == {14, 16, 36, 37, 46}
    assert actions_in(section(html, "Werkt mee aan")) == partner
    assert "2026-01-21 tot en met 2026-06-28" in html


def test_action_page_names_ministers_timeline_and_indicators(server: Server) -> None:
    html = httpx.get(f"{server.url}/doc/actie/hgkbp-2025-2029/12").text
    who = section(html, "Wie")
    assert 'href="/doc/bevoegdheid/gelijke-kansen"' in who and "Caroline Gennez" in who
    assert "2026-2029" in section(html, "Tijdspad")
    expected = next(a for a in ACTIONS if a["number"] == 12)
    indicators = section(html, "Indicatoren")
    for indicator in expected["indicators"]:
        assert indicator.replace("’", "&#39;").split("(")[0][:30] in indicators.replace("’", "&#39;")


def test_action_51_points_to_46_and_53_says_it_has_no_timeline(server: Server) -> None:
    html = httpx.get(f"{server.url}/doc/actie/hgkbp-2025-2029/51").text
    assert 'href="/doc/actie/hgkbp-2025-2029/46"' in section(html, "Verwante acties")
    html = httpx.get(f"{server.url}/doc/actie/hgkbp-2025-2029/53").text
    assert "geen tijdspad" in section(html, "Tijdspad")


def test_hd_page_lists_its_ods_and_their_actions(server: Server) -> None:
    html = httpx.get(f"{server.url}/doc/doelstelling/hgkbp-2025-2029/HD6").text
    body = section(html, "Operationele doelstellingen en acties")
    expected = {a["number"] for a in ACTIONS if a["goal"] == "HD6"}
    assert actions_in(body) == expected
    assert body.index("OD 6.1") < body.index("OD 6.2") < body.index("OD 6.4")


def test_every_page_shows_provenance_and_licence(server: Server) -> None:
    import hashlib

    from tests.conftest import SOURCE

    sha = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    for path in ("/", "/doc/actie/hgkbp-2025-2029/1", "/doc/bevoegdheid/wonen", "/ns/beleidsplan", "/data/"):
        html = httpx.get(server.url + path).text
        footer = html.split('<footer class="site">')[1]
        assert sha in footer and "Modellicentie Gratis Hergebruik" in footer and "hgkbp-ld 0.1.0" in footer
        assert footer.count("brontekst met SHA-256") == 1  # one plan, said once


def test_the_plan_page_says_how_to_cite_it(server: Server) -> None:
    html = httpx.get(f"{server.url}/doc/beleidsplan/hgkbp-2025-2029").text
    cite = section(html, "Hoe citeren?")
    assert "Horizontaal Gelijkekansenbeleidsplan 2025-2029" in cite
    assert "https://data.vlaanderen.be/id/beleidsplan/hgkbp-2025-2029" in cite


def test_every_hd_links_to_sdgs_with_a_rationale_on_its_page(server: Server) -> None:
    import csv

    from tests.conftest import ROOT

    with (ROOT / "data" / "sdg-links.csv").open(encoding="utf-8") as handle:
        links = list(csv.DictReader(handle))
    assert {row["goal"] for row in links} == {f"HD{n}" for n in range(1, 8)}
    for goal in range(1, 8):
        html = httpx.get(f"{server.url}/doc/doelstelling/hgkbp-2025-2029/HD{goal}").text
        body = section(html, "Bijdrage aan de duurzame-ontwikkelingsdoelstellingen van de VN")
        mine = [row for row in links if row["goal"] == f"HD{goal}"]
        assert len(re.findall(r'href="http://metadata\.un\.org/sdg/', body)) == len(mine)
        for row in mine:
            # the link names the contribution in Dutch (issue 16: no label of ours on the UN's IRIs)
            target = row["sdg"].rsplit("/", 1)[1]
            assert f'<a href="{row["sdg"]}">Bijdrage van HD {goal} aan SDG {target}</a>' in body
            assert row["rationale"].split(" (")[0][:60] in html_unescape(body)


def test_the_landing_page_lists_the_goals_with_their_counts(server: Server) -> None:
    html = httpx.get(f"{server.url}/").text
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r'<span class="notation">(HD \d)</span>.*?<td>(\d+)</td>.*?(\d+) acties', table)
    expected_actions = {f"HD {n}": sum(1 for a in ACTIONS if a["goal"] == f"HD{n}") for n in range(1, 8)}
    expected_ods = {
        f"HD {n}": len({a["operational_goal"] for a in ACTIONS if a["goal"] == f"HD{n}"}) for n in range(1, 8)
    }
    assert {hd: (int(ods), int(n)) for hd, ods, n in rows} == {
        hd: (expected_ods[hd], expected_actions[hd]) for hd in expected_actions
    }
    assert "7 horizontale doelstellingen, 26 operationele doelstellingen en 56 acties" in html
    for target in ("/acties", "/sparql", "/data/", "/ns/beleidsplan", "/doc/catalogus/hgkbp-ld"):
        assert f'href="{target}"' in html


def test_minister_page_names_the_portfolios_held(server: Server) -> None:
    html = httpx.get(f"{server.url}/doc/mandataris/caroline-gennez-2026-06").text
    held = section(html, "Bevoegdheden in het plan")
    for slug in ("welzijn", "armoedebestrijding", "cultuur", "gelijke-kansen"):
        assert f'href="/doc/bevoegdheid/{slug}"' in held


# The same tests on both stores (tests/conftest.py).
pytestmark = pytest.mark.both_stores
