"""/acties: filters and search give the lists one reads off the plan (tests/expected/)."""

from __future__ import annotations

import re
import unicodedata

import httpx
import pytest

from tests.conftest import Server
from tests.expected import actions_01_28, actions_29_56

ACTIONS = actions_01_28.ACTIONS + actions_29_56.ACTIONS


def listed(server: Server, **params: str) -> list[int]:
    response = httpx.get(f"{server.url}/acties", params=params)
    assert response.status_code == 200
    table = response.text.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in response.text else ""
    return [int(n) for n in re.findall(r'href="/doc/actie/hgkbp-2025-2029/(\d+)"', table)]


def plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def text_of(action: dict) -> str:
    blocks = [b.get("text", "") + " ".join(b.get("items", [])) for b in action["description"]]
    return plain(" ".join([action["title"], *blocks, *action["indicators"]]))


def test_all_actions_in_order(server: Server) -> None:
    assert listed(server) == list(range(1, 57))


@pytest.mark.parametrize("goal", [f"HD{n}" for n in range(1, 8)])
def test_filter_by_goal(server: Server, goal: str) -> None:
    assert listed(server, doelstelling=goal) == [a["number"] for a in ACTIONS if a["goal"] == goal]


@pytest.mark.parametrize(("slug", "label"), [("wonen", "Wonen"), ("welzijn", "Welzijn"), ("sport", "Sport")])
@pytest.mark.parametrize("role", ["", "lead", "partner"])
def test_filter_by_portfolio_and_role(server: Server, slug: str, label: str, role: str) -> None:
    def takes_part(action: dict) -> bool:
        lead, partner = label in action["responsible"], label in action["collaborators"]
        return {"": lead or partner, "lead": lead, "partner": partner}[role]

    assert listed(server, bevoegdheid=slug, rol=role) == [a["number"] for a in ACTIONS if takes_part(a)]


def test_filter_by_minister(server: Server) -> None:
    held = {"Wonen", "Toerisme", "Jeugd"}  # Hans Bonte's interim portfolios
    expected = [a["number"] for a in ACTIONS if held & set(a["responsible"] + a["collaborators"])]
    assert listed(server, minister="hans-bonte") == expected
    assert listed(server, minister="hans-bonte", rol="lead") == [14, 16, 36, 37, 46]


@pytest.mark.parametrize("year", [2025, 2027, 2030])
def test_filter_by_year_running(server: Server, year: int) -> None:
    def runs(action: dict) -> bool:
        t = action["timeline"]
        return bool(
            t
            and t["start_year"] is not None
            and t["start_year"] <= year
            and (t["end_year"] is None or year <= t["end_year"])
        )

    assert listed(server, jaar=str(year)) == [a["number"] for a in ACTIONS if runs(a)]


@pytest.mark.parametrize(
    "query",
    ["toegankelijk", "TOEGANKELIJK", "lgbti", "Integratie inburgering", "één", "een", "digitale inclusie", "zzzz"],
)
def test_search_ignores_case_and_accents_and_finds_longer_words(server: Server, query: str) -> None:
    words = [plain(w) for w in re.findall(r"\w+", query)]
    expected = [a["number"] for a in ACTIONS if all(w in text_of(a) for w in words)]
    assert listed(server, q=query) == expected
    if query == "toegankelijk":
        assert 15 in expected and len(expected) > 5  # toegankelijkheid (action 15) counts


def test_filters_combine_and_urls_are_shareable(server: Server) -> None:
    both = listed(server, doelstelling="HD3", q="toegankelijk", jaar="2026")
    assert both and set(both) <= set(listed(server, doelstelling="HD3")) & set(listed(server, q="toegankelijk"))
    page = httpx.get(f"{server.url}/acties", params={"doelstelling": "HD3"}).text
    assert '<option value="HD3" selected>' in page


@pytest.mark.parametrize(
    "params",
    [
        {"jaar": "x"},
        {"q": "<script>alert(1)</script>"},
        {"doelstelling": "HD99"},
        {"bevoegdheid": "' OR 1=1"},
        {"q": "a" * 10_000},
    ],
)
def test_odd_input_is_harmless(server: Server, params: dict) -> None:
    response = httpx.get(f"{server.url}/acties", params=params)
    assert response.status_code == 200 and "<script>alert" not in response.text


def test_two_portfolios_together(server: Server) -> None:
    expected = [
        a["number"] for a in ACTIONS if {"Gelijke Kansen", "Welzijn"} <= set(a["responsible"] + a["collaborators"])
    ]
    assert listed(server, bevoegdheid="gelijke-kansen", **{"samen-met": "welzijn"}) == expected
    assert len(expected) == 28


# The same tests on both stores (tests/conftest.py).
pytestmark = pytest.mark.both_stores
