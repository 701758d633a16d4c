from __future__ import annotations

from pathlib import Path

import pytest

from hgkbp_ld.model import ParsedPlan
from hgkbp_ld.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "source" / "hgkbp-2025-2029.txt"


@pytest.fixture(scope="session")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def parsed() -> ParsedPlan:
    return parse_file(SOURCE)
