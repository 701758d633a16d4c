"""The pictures' SVG, written with f-strings and constants made once (session 13), byte for byte as the
earlier writer (`_attrs` with keyword arguments per attribute) wrote it: digests of its output on varied inputs
(odd labels, escapes, control characters, empty and long time lines, broken axes, every kind of bar, matrices
with empty cells and ties), taken with the earlier writer (main 47b0425)."""

from __future__ import annotations

import hashlib
import random
from xml.sax.saxutils import escape, quoteattr

import pytest

from hgkbp_ld.render import pictures
from hgkbp_ld.render.pictures import TimelineBar, TimelineGroup, matrix_svg, timeline_svg

WORDS = (
    "actie", "Zorg & welzijn", "<b>", '"quote"', "it's", "tab\there", "nl\nx", "cr\ry", "\x01ctl", "é", "—",
    "x" * 70, "  spaced  out  ", "a&b<c>d", "", "\ufffe", "🙂",
)  # fmt: skip
PORTFOLIOS = ("A", "B&C", "<D>", 'E "e"', "F'f", "Gelijke Kansen", "x" * 40, "é", "tab\tin", "\x02")


def _words(rng: random.Random, most: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, most)))


def _bar(rng: random.Random, number: int) -> TimelineBar:
    kind = rng.choice(["bar", "single", "open", "deadline", "refers", "refers-away", "none"])
    start = rng.choice([2019, 2024, 2025, 2027, 2029, 2031, 2035, 2040])
    end = start + rng.choice([0, 1, 3, 6, 12])
    href = rng.choice([f"/actie/{number}", f'/a?x=1&y="{number}"', f"/a/'{number}'"])
    found = {
        "bar": (start, end, False, None),
        "single": (start, None, False, None),
        "open": (start, None, True, None),
        "deadline": (None, end, False, None),
        "refers": (None, None, False, max(1, number - 1)),
        "refers-away": (None, None, False, 99999),
        "none": (None, None, False, None),
    }[kind]
    return TimelineBar(number, _words(rng, 12), href, *found)


def _timeline(rng: random.Random, groups: int, bars: int | None = None) -> list[TimelineGroup]:
    made, number = [], 1
    for _ in range(groups):
        row = []
        for _ in range(rng.randint(0, 8) if bars is None else bars):
            row.append(_bar(rng, number))
            number += 1
        made.append(TimelineGroup(rng.choice(["D1", "D 2", "G&3", ""]), _words(rng, 20), row))
    return made


def _digest(texts: list[str]) -> str:
    return hashlib.sha256("\x00".join(texts).encode()).hexdigest()


def _timelines(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        first, last = rng.choice([(2025, 2029), (2020, 2022), (2025, 2025)])
        title = rng.choice(["T", "a&<b>\"'"])
        prefix = rng.choice(["tijdlijn-x", "&&", "a b"])
        made.append(timeline_svg(_timeline(rng, rng.randint(0, 5)), first, last, title=title, id_prefix=prefix))
    return made


def _matrices(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        names = rng.sample(PORTFOLIOS, rng.randint(0, len(PORTFOLIOS)))
        counts: dict[tuple[str, str], int] = {}
        for a in names:
            for b in names:
                if rng.random() < 0.5:
                    counts[a, b] = counts[b, a] = rng.choice([0, 1, 2, 5, 30])
        made.append(matrix_svg(names, counts, lambda a, b: f"/acties?x={a}&y={b}", id_prefix=rng.choice(["m", "a&b"])))
    return made


def test_timelines_are_the_earlier_writers_bytes() -> None:
    assert _digest(_timelines(7, 200)) == TIMELINES


def test_a_long_timeline_is_the_earlier_writers_bytes() -> None:
    rng = random.Random(11)
    svg = timeline_svg(_timeline(rng, 40, 30), 2025, 2029, title="Tijdlijn", id_prefix="tijdlijn-lang")
    assert svg.count('<a class="action"') == 1200
    assert _digest([svg]) == LONG_TIMELINE


def test_matrices_are_the_earlier_writers_bytes() -> None:
    assert _digest(_matrices(5, 150)) == MATRICES


@pytest.mark.parametrize(
    "value", [0, -0.0, 0.0, 1, -1, 12.5, 12.25, 12.125, 0.004, -0.004, 1e17, 2**60, -(2**60), 2.0**60, 3.999, 1 / 3]
)
def test_numbers_as_before(value: float) -> None:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    assert pictures._n(value) == ("0" if text in ("-0", "") else text)


@pytest.mark.parametrize("text", [*WORDS, *PORTFOLIOS, "a\tb\nc\rd\"e'f&g<h>i", "'only'", "plain"])
def test_escapes_as_before(text: str) -> None:
    clean = pictures._clean(text)
    assert pictures._t(text) == escape(clean)
    assert pictures._q(text) == quoteattr(clean)


TIMELINES = "777095a855c32bc90ea9d194222f8fbee374e9cd248c681e138729731f41b914"
LONG_TIMELINE = "69cb00c055a5b6c434786d4103ece0d8ca125b9b504a2230333b2ba6784152b6"
MATRICES = "0972eb58a4edb3b0777cd73fa834f750ed51d68d47096b670cf3a8c4de6f2e58"
