"""The parser's cheap tests before its regexes (session 13) decide as the regexes alone did.

Each shortcut rests on a fact about characters (checked here code point by code point) or is pinned against
the way it replaced (written out here as it was) on the bundled and example texts and on random texts.
`python -m bench.parse_cost digest` compares whole parses with another tree.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from hgkbp_ld import _actions, _text, parse
from hgkbp_ld._text import Line
from hgkbp_ld.bundled import DATA
from hgkbp_ld.model import PlanIdentity
from hgkbp_ld.registers import Registers

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    next((DATA / "source").glob("*.txt")),
    *sorted((ROOT / "examples/plans/source").glob("*.txt")),
    *sorted((ROOT / "tests/fixtures/plans/source").glob("*.txt")),
]
EVERY = "".join(map(chr, range(sys.maxunicode + 1)))  # every code point once
ODD = ["\u00a0", "\t", "\u00ad", "\ufb01", "\u2009", "  ", "   ", "\ufeff", "\u200b", "\x0c", "\x1c", "\u2028", "\x85"]
ODD += ["-", "- ", "\u00ad ", "://", "http://x.be/a", "é", "1", "12", "2026", "Actie 3.", "•", "\uf0b7", " ", "\x00"]


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = "de het Een plan- en jeugd- of tot Minister van Wonen 2025-2029 OD 1.2 HD 3: noot1 URL".split()
    texts = []
    for _ in range(count):
        pieces = [rng.choice(words + ODD) for _ in range(rng.randrange(1, 40))]
        texts.append("".join(p + rng.choice([" ", "", "\n", "\r\n", "\r", "  "]) for p in pieces))
    return texts


# --- facts about characters ------------------------------------------------------------------------


def test_every_character_a_digit_to_the_regexes_is_a_digit_to_isdigit() -> None:
    """`text[:1].isdigit()` before `\\d` patterns (`_SECTION`, `_OD`, `_FOOTNOTE`, `NUMBERED`, ...)."""
    assert all(c.isdigit() for c in re.findall(r"\d", EVERY))


def test_every_odd_character_but_the_ligatures_is_unprintable() -> None:
    """`split_lines` reads a printable text without ligatures as holding no odd character."""
    odd = _text._NEEDS_NORMALISING.findall(EVERY.replace("\n", ""))
    assert odd and all(not c.isprintable() or c in _text._PRINTABLE_ODD for c in odd)
    assert set(_text._PRINTABLE_ODD) <= set(odd)


def test_every_character_collapse_changes_is_unprintable() -> None:
    changed = _text._NEEDS_COLLAPSING.findall(EVERY)
    assert changed and not any(c.isprintable() for c in changed)


def test_a_list_item_starts_with_a_bullet_mark_or_a_digit() -> None:
    starts = [c for c in EVERY[:0x10000] if _text.BULLET.match(c + " x") or _text.BULLET.match(c + "x")]
    assert set(starts) == set(_text._BULLET_MARKS)
    assert all(c.isdigit() for c in EVERY[:0x10000] if _text.NUMBERED.match(c + ". x"))


LABELS = [
    (_actions._RESPONSIBLE, "Verantwoordelijke"),
    *zip((p for _n, p in _actions._LABELS), _actions._GLUED_LABELS[1:], strict=True),
]


@pytest.mark.parametrize(("pattern", "label"), LABELS)
def test_a_label_starts_with_one_of_its_initials(pattern: re.Pattern[str], label: str) -> None:
    """`_split_fields` asks `_label` only about lines starting with an initial (or holding a glued label)."""
    assert pattern.match(label)
    assert [c for c in EVERY[:0x10000] if pattern.match(c + label[1:])] == [label[0]]
    assert label[0] in _actions._LABEL_INITIALS
    assert all(head[0] in _actions._LABEL_INITIALS for head in _actions._LABEL_HEADS)


def test_only_g_e_w_r_in_either_case_match_them_ignoring_case() -> None:
    """`_actions._refers` looks for "gewer" in the lower-cased text before `_REFERS`."""
    assert set(re.findall("[gewr]", EVERY, re.IGNORECASE)) == set("gewrGEWR")


@pytest.mark.parametrize(
    "text",
    ["Deze actie wordt uitgewerkt onder actie 12.", "UITGEWERKT IN ACTIE 3", "uitGEWERkt bij Actie 7", "geen", ""],
)
def test_refers_is_the_pattern_s_search(text: str) -> None:
    found, expected = _actions._refers(text), _actions._REFERS.search(text)
    assert (found and found[0]) == (expected and expected[0])


def test_od_and_action_headings_start_as_their_shortcuts_assume() -> None:
    assert parse._OD.pattern.startswith(r"^(?:\d") and r"|OD\s*" in parse._OD.pattern
    assert _actions.ACTION.pattern.startswith(r"^Actie\s")
    assert all(re.escape(label) in _actions._GLUED.pattern for label in _actions._GLUED_LABELS)


# --- the ways they replaced ------------------------------------------------------------------------


def _split_lines_before(text: str) -> list[Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if _text._NEEDS_NORMALISING.search(raw):
            raw = _text._normalised(raw)
        stripped = raw.strip()
        lines.append(Line(number, stripped, bool(stripped) and raw.startswith(" ")))
    return lines


def _join_before(parts: list[str]) -> str:
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith("\u00ad"):
            out = out[:-1] + part
        elif _text._split_at_hyphen(out, part) or _text._split_url(out, part):
            out += part
        else:
            out += " " + part
    return (
        _text._RUNS.sub(" ", out.replace("\u00ad", "")).strip() if _text._NEEDS_COLLAPSING.search(out) else out.strip()
    )


def test_split_lines_as_before() -> None:
    texts = [path.read_text(encoding="utf-8") for path in TEXTS] + _random_texts(400, 13)
    for text in texts:
        assert _text.split_lines(text) == _split_lines_before(text)
        assert [type(line) for line in _text.split_lines(text)] == [Line] * len(_split_lines_before(text))


def test_join_as_before() -> None:
    for text in _random_texts(400, 14):
        parts = text.split("\n")
        assert _text.join(parts) == _join_before(parts)
    for path in TEXTS:
        lines = _text.split_lines(path.read_text(encoding="utf-8"))
        for start in range(0, len(lines), 7):
            parts = [line.text for line in lines[start : start + 7]]
            assert _text.join(parts) == _join_before(parts)


def _running_heads_before(parser: parse._Parser, lines: list[Line]) -> tuple[list[Line], list[tuple[int, str]]]:
    tops: dict[str, list[int]] = {}
    everywhere: dict[str, int] = {}
    previous = ""
    for index, line in enumerate(lines):
        if line.blank:
            continue
        everywhere[line.text] = everywhere.get(line.text, 0) + 1
        if parse._PAGE_NUMBER.match(previous):
            tops.setdefault(line.text, []).append(index)
        previous = line.text
    heads = {
        text
        for text, at in tops.items()
        if len(at) >= 3
        and len(at) >= 0.8 * everywhere[text]
        and not parser._is_structural(text)
        and not parse._PAGE_NUMBER.match(text)
        and not parse._CHAPTER.match(text)
    }
    dropped = {index for text in heads for index in tops[text]}
    result, notes, carry = [], [], False
    for index, line in enumerate(lines):
        if index in dropped:
            notes.append((line.number, line.text))
            carry = carry or line.page_start
            continue
        if carry and not line.blank:
            line, carry = Line(line.number, line.text, True), False
        result.append(line)
    return result, notes


def test_running_heads_as_before() -> None:
    rng = random.Random(15)
    texts = [path.read_text(encoding="utf-8") for path in TEXTS]
    heads = ["Ouderenbeleidsplan", "12", "Actie 3. x", "Een kop", " Een kop", ""]
    for _ in range(300):  # page numbers, each followed (after blank lines, maybe) by a head or by text
        lines = []
        for page in range(rng.randrange(1, 12)):
            lines += [str(page + 1)] + [""] * rng.randrange(2) + [rng.choice(heads)]
            lines += [rng.choice(["tekst", "Een kop", "2", "• punt", ""]) for _ in range(rng.randrange(4))]
        texts.append("\n".join(lines))
    for text in texts:
        parser = parse._Parser(text, True, Registers.load(), PlanIdentity())
        result = parser._without_running_heads(parser.lines)
        before, notes = _running_heads_before(parser, parser.lines)
        assert result == before
        assert [(entry.line, entry.message.split("'")[1]) for entry in parser.report] == notes


def test_minister_mentions_as_before() -> None:
    items = ["Minister van Wonen, Vlaamse minister van Cultuur en minister van Jeugd", "VVSG / Minister van Werk"]
    items += ["Vlaams minister van Welzijn Minister van Onderwijs", "", "de lokale besturen", "Minister Minister"]
    for item in items:
        before = [m.strip() for m in _actions._MENTION_SPLIT.split(item) if m.strip()]
        assert _actions._mentions(item) == tuple((m, bool(_actions._MINISTER.match(m))) for m in before)


def _sentences_before(lines: list[Line]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    current: list[str] = []
    first = 0
    for line in lines:
        if line.blank:
            continue
        for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"(])", line.text):
            if not current:
                first = line.number
            current.append(piece)
            if re.search(r"[.!?]$", piece):
                out.append((first, " ".join(current)))
                current = []
    if current:
        out.append((first, " ".join(current)))
    return out


def test_sentences_as_before() -> None:
    from hgkbp_ld import _identity

    texts = [path.read_text(encoding="utf-8") for path in TEXTS] + _random_texts(200, 16)
    texts += ["Een zin. Twee zinnen! Drie? (Vier) “Vijf” x.\nnog. 6. Z", "Zonder einde", ""]
    for text in texts:
        lines = _text.split_lines(text)
        for cut in (lines, lines[: len(lines) // 3]):
            assert list(_identity._sentences(cut)) == _sentences_before(cut)


def test_numbered_and_digit_lines_as_before() -> None:
    texts = [path.read_text(encoding="utf-8") for path in TEXTS] + _random_texts(200, 17) + ["", "\n\n", "١٢ x\n3"]
    for text in texts:
        lines = _text.split_lines(text)
        assert _text.numbered(lines) == [i for i, line in enumerate(lines) if line.text[:1].isdigit()]
        assert _text.with_digit(lines) == [i for i, line in enumerate(lines) if re.search(r"\d", line.text)]


def _split_fields_before(reader: _actions.ActionReader, lines: list[Line], number: int) -> tuple[list, dict]:
    lines = list(lines)
    description: list[Line] = []
    fields: dict[str, _actions._Field] = {}
    current = None
    index = 0
    while index < len(lines):
        line = lines[index]
        label, value, index = reader._label(
            lines, index, seen_responsible="responsible" in fields, in_fields=current is not None
        )
        if label is None:
            (current.lines if current else description).append(line)
            continue
        if label == "glued":
            assert current is not None
            lines[index] = Line(line.number, reader._unglue(current, value, line, number))
            continue
        if label in fields:
            raise parse.ParseError(line.number, f"a second {label}")
        current = fields[label] = _actions._Field(label, line.number)
        if value:
            current.lines.append(Line(line.number, value))
    return description, fields


def test_split_fields_as_before() -> None:
    rng = random.Random(18)
    pieces = [
        "Verantwoordelijke minister(s)",
        "Verantwoordelijke",
        "minister(s): Minister van Wonen",
        "In samenwerking",
    ]
    pieces += ["met - VVSG", "In samenwerking met: x", "Tijdspad: 2026", "2029Indicator(en) y", "Indicator(en)", ""]
    pieces += [
        "Voor iedereen",
        "Tekst",
        "In 2026 Tijdspad",
        "- punt",
        "Tijdens de week",
        "x Verantwoordelijke minister(s) y",
    ]
    registers = Registers.load()
    for _ in range(500):
        lines = [Line(n, rng.choice(pieces)) for n in range(1, rng.randrange(1, 14))]
        outcomes = []
        for split in (_actions.ActionReader._split_fields, _split_fields_before):
            notes: list[tuple] = []

            def note(*args: object, notes: list[tuple] = notes) -> None:
                notes.append(args)

            context = _actions.Context(registers, True, note, {}, 2029)
            try:
                description, fields = split(_actions.ActionReader(context), lines, 1)
                outcomes.append((description, {k: (f.line, f.lines) for k, f in fields.items()}, notes))
            except parse.ParseError as error:
                outcomes.append((error.line, notes))
        assert outcomes[0] == outcomes[1]
