"""The real plan's rendered pages are the golden files' bytes (tests/golden.py says which pages and
how to write them again when a change to the pages is meant). Read from the run's build, no server:
the server sends these files as they are (test_http, test_conneg and test_nginx check how)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.golden import GOLDEN, PAGES


def test_every_golden_file_is_a_page_and_none_is_left_over() -> None:
    kept = {str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*") if p.is_file()}
    assert kept == set(PAGES), "run: .venv/bin/python -m tests.golden (tests/golden.py)"


@pytest.mark.parametrize("page", PAGES)
def test_the_page_is_the_golden_file(dist: Path, page: str) -> None:
    rendered = (dist / "site" / page).read_bytes()
    golden = (GOLDEN / page).read_bytes()
    if rendered != golden:
        diff = difflib.unified_diff(
            golden.decode("utf-8").splitlines(),
            rendered.decode("utf-8").splitlines(),
            f"tests/golden/{page}",
            f"dist/site/{page}",
            lineterm="",
            n=1,
        )
        shown = "\n".join(list(diff)[:60])
        pytest.fail(
            f"{page} is not its golden file. If the change is meant, write the golden files again with"
            f" `.venv/bin/python -m tests.golden` and commit them with the change:\n{shown}"
        )
