from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from hgkbp_ld.build import build_graphs
from hgkbp_ld.model import ParsedPlan
from hgkbp_ld.parse import parse_file
from hgkbp_ld.registers import DATA_DIR, Registers, load_plan_configs

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "source" / "hgkbp-2025-2029.txt"


@pytest.fixture(scope="session")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def parsed() -> ParsedPlan:
    return parse_file(SOURCE)


@pytest.fixture(scope="session")
def built_graph() -> Graph:
    """The real plan mapped to RDF (not validated: the tests do that)."""
    (plan,) = build_graphs(
        Registers.load(), load_plan_configs(DATA_DIR / "plans"), "https://data.vlaanderen.be"
    )
    return plan.graph
