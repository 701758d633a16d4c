"""The real plan, field by field, against tables written by reading the plan (tests/expected/)."""

from __future__ import annotations

import pytest

from hgkbp_ld.model import ParsedPlan, to_json
from tests.expected import actions_01_28, actions_29_56, goals

EXPECTED_ACTIONS = actions_01_28.ACTIONS + actions_29_56.ACTIONS
FIELDS = (
    "title",
    "operational_goal",
    "goal",
    "description",
    "responsible",
    "collaborators",
    "other_partners",
    "timeline",
    "indicators",
    "refers_to_action",
    "footnotes",
)


def test_the_table_covers_every_action_once() -> None:
    assert [a["number"] for a in EXPECTED_ACTIONS] == list(range(1, 57))


def test_counts(parsed: ParsedPlan) -> None:
    assert len(parsed.goals) == 7
    assert sum(len(g.operational_goals) for g in parsed.goals) == 26
    assert [a.number for a in parsed.actions] == list(range(1, 57))


@pytest.mark.parametrize("expected", EXPECTED_ACTIONS, ids=lambda a: f"actie-{a['number']}")
@pytest.mark.parametrize("field", FIELDS)
def test_action_field(parsed: ParsedPlan, expected: dict, field: str) -> None:
    actual = to_json(parsed)["actions"][expected["number"] - 1]
    assert actual["number"] == expected["number"]
    assert actual[field] == expected[field]


@pytest.mark.parametrize("expected", goals.GOALS, ids=lambda g: g["code"])
def test_goal(parsed: ParsedPlan, expected: dict) -> None:
    actual = to_json(parsed)["goals"][expected["number"] - 1]
    assert (actual["code"], actual["number"], actual["title"]) == (
        expected["code"],
        expected["number"],
        expected["title"],
    )
    assert actual["operational_goals"] == expected["operational_goals"]
    assert [r["name"] for r in actual["related_plans"]] == expected["related_plans"]
    assert all(r["plan"] for r in actual["related_plans"])


def test_plan(parsed: ParsedPlan) -> None:
    plan = to_json(parsed)["plan"]
    assert plan["title"] == "Horizontaal Gelijkekansenbeleidsplan 2025-2029"
    assert plan["abbreviation"] == "HGKBP"
    assert (plan["start_year"], plan["end_year"]) == (2025, 2029)
    assert plan["principles"] == goals.PRINCIPLES
    assert [r["name"] for r in plan["complementary_plans"]] == goals.COMPLEMENTARY_PLANS
    assert plan["footnotes"] == [1, 2]


def test_footnotes(parsed: ParsedPlan) -> None:
    assert to_json(parsed)["footnotes"] == goals.FOOTNOTES


def test_portfolio_labels_are_the_registers(parsed: ParsedPlan) -> None:
    from hgkbp_ld.registers import PortfolioRegister

    labels = {p.label for p in PortfolioRegister.load().portfolios}
    used = {p.label for a in parsed.actions for p in (*a.responsible, *a.collaborators)}
    assert used <= labels
    assert len(used) == 19


@pytest.mark.parametrize(
    ("kind", "action"),
    [
        ("garbled-field", 10),
        ("no-timeline", 53),
        ("refers-to-action", 51),
        ("duplicate-title", 51),
        ("responsible-and-collaborator", 23),
        ("spelling", 1),  # Minister Wonen
        ("spelling", 22),  # Sociale economie
        ("spelling", 38),  # trailing period
        ("spelling", 52),  # Vlaams minister van Welzijn
        ("other-partner", 2),
        ("other-partner", 52),
        ("timeline-beyond-plan", 27),
    ],
)
def test_report_names_each_anomaly(parsed: ParsedPlan, kind: str, action: int) -> None:
    assert any(r.kind == kind and r.action == action for r in parsed.report)


def test_report_names_heading_anomalies(parsed: ParsedPlan) -> None:
    kinds = {(r.kind, r.message.split("HD ")[1][0]) for r in parsed.report if "HD " in r.message}
    assert ("heading-shortened", "2") in kinds
    assert ("heading-without-code", "4") in kinds
    assert ("heading-without-code", "5") in kinds
