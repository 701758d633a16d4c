"""Line-level rules for PDF-extracted text: normalising, joining wrapped lines, lists.

Private to the parser; docs/parse-rules.md states these rules in words.
"""

from __future__ import annotations

import re
from functools import partial
from itertools import compress, count, repeat
from operator import and_, attrgetter, itemgetter
from typing import NamedTuple

from hgkbp_ld.model import Block, ItemList, Paragraph

# Unicode spaces a PDF extraction leaves behind (no-break, narrow, thin, figure, ideographic ...).
_ODD_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff\u200b]")
_RUNS = re.compile(r"\s+")
# Ligatures a PDF extraction leaves in words (ﬁ, ﬂ, ﬃ …), spelled out; a soft hyphen inside a line is dropped,
# one at the end of a line joins the next line without a space (see `join`).
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_SOFT_HYPHEN = "\u00ad"
_INNER_SOFT_HYPHEN = re.compile(r"\u00ad(?!\s*$)")
# Bullets: `-`, `•`, `▪`, and the Symbol/Wingdings font's \uf0b7 and \uf0a7; not "–" (it opens an aside in prose).
BULLET = re.compile(r"^(?:[-•▪]\s+|[\uf0b7\uf0a7]\s*)(?=\S)")
NUMBERED = re.compile(r"^(\d{1,2})[.)]\s+(?=\S)")  # `1. …` or `1) …`
# An elided compound ("jeugd- en volwassenwerk") keeps its space after the hyphen.
_ELISION_WORDS = frozenset({"en", "of", "tot"})


class Line(NamedTuple):  # a tuple, not a frozen dataclass: a parse makes ~5,000 of them (a dataclass's init was 6 %)
    number: int  # 1-based line number in the source text
    text: str  # stripped, spaces normalised; "" for a blank line
    page_start: bool = False  # printed with a leading space: the PDF extraction's mark of a new page

    @property
    def blank(self) -> bool:
        return not self.text


# What makes a line need normalising: whitespace other than a single space (tabs, odd spaces, two spaces), a soft
# hyphen, a ligature, or a zero-width space or byte-order mark (which `_ODD_SPACES` turns into spaces). Most lines
# of a plan hold none, and are taken as they are (`split_lines` is a fifth of a parse otherwise).
_NEEDS_NORMALISING = re.compile(r"[^\S ]|  |[\u00ad\ufb00-\ufb06\u200b\ufeff]")


# The ligatures `_LIGATURES` spells out: the only characters that need normalising and are printable (the others,
# whitespace but the space, the soft hyphen, the zero-width space and the byte-order mark, are control, separator
# or format characters; tests/test_parse_fast.py checks every code point).
_PRINTABLE_ODD = "".join(chr(c) for c in range(0xFB00, 0xFB07))
_TWO_SPACES = re.compile("  ")
_make_line = partial(tuple.__new__, Line)  # `_make_line((n, text, start))` is `Line(n, text, start)`, without a frame


def _normalised(raw: str) -> str:
    return _RUNS.sub(" ", _ODD_SPACES.sub(" ", _INNER_SOFT_HYPHEN.sub("", raw.translate(_LIGATURES))))


def split_lines(text: str) -> list[Line]:
    """Normalise newlines and odd spaces, strip every line, keep the original line numbers."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raws = text.split("\n")
    if text.replace("\n", " ").isprintable() and not any(odd in text for odd in _PRINTABLE_ODD):
        # No odd character (two C scans of the whole text instead of a regex per line, which scanned every line
        # trying three branches at every character): a line needs normalising only if it holds two spaces, and then
        # only its runs of spaces (`_normalised`'s other steps find nothing to change).
        index, position = 0, 0
        for two in _TWO_SPACES.finditer(text):
            if two.start() < position:
                continue  # a line already normalised
            index += text.count("\n", position, two.start())
            raws[index] = _RUNS.sub(" ", raws[index])
            position = text.find("\n", two.start())
            if position < 0:
                break
    else:
        needs = _NEEDS_NORMALISING.search
        raws = [_normalised(raw) if needs(raw) else raw for raw in raws]
    # Each line stripped, and printed with a leading space if it holds text: `Line(number, text, page_start)` made
    # by C calls only (a comprehension was a tenth of a parse).
    stripped = list(map(str.strip, raws))
    page_starts = map(and_, map(bool, stripped), map(str.startswith, raws, repeat(" ")))
    return list(map(_make_line, zip(count(1), stripped, page_starts)))


_TEXT = attrgetter("text")
_FIRST = itemgetter(slice(0, 1))  # a text's first character, "" for an empty text
_DIGIT = re.compile(r"\d")


def numbered(lines: list[Line]) -> list[int]:
    """The indices of the lines starting with a digit, as `str.isdigit` has it (so does every character `\\d`
    matches): the only lines a chapter, a section, a page number or a footnote can be. C calls only."""
    return list(compress(count(), map(str.isdigit, map(_FIRST, map(_TEXT, lines)))))


def with_digit(lines: list[Line]) -> list[int]:
    """The indices of the lines holding a digit: C calls only (one scan of the joined text was dearer: it is
    wider than most of its lines, and its line numbers cost a count each)."""
    return list(compress(count(), map(_DIGIT.search, map(_TEXT, lines))))


def starts_lower(text: str) -> bool:
    return bool(text) and text[0].islower()


# What `collapse` changes besides the ends: whitespace other than one space, or a soft hyphen. `_RUNS.sub` on a text
# without any still replaces every single space by itself, one match per word.
_NEEDS_COLLAPSING = re.compile(r"[^\S ]|  |\u00ad")


def collapse(text: str) -> str:
    # Printable: no whitespace but the space and no soft hyphen (control, separator and format characters), so
    # only two spaces can need collapsing (one C scan; the regex tries three branches at every character).
    if (text.isprintable() and "  " not in text) or not _NEEDS_COLLAPSING.search(text):
        return text.strip()
    return _RUNS.sub(" ", text.replace(_SOFT_HYPHEN, "")).strip()


def join(parts: list[str]) -> str:
    """Join wrapped lines into one string: one space, or none after a split hyphenated word."""
    joined = " ".join(filter(None, map(str.strip, parts)))
    if "- " not in joined and "\u00ad " not in joined and "://" not in joined:
        # No part but the last ends in a hyphen or a soft hyphen, and no part holds a URL: every join is a
        # space (the rule below, without its tests part by part).
        return collapse(joined)
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith(_SOFT_HYPHEN):
            out = out[:-1] + part
        elif _split_at_hyphen(out, part) or _split_url(out, part):
            out += part
        else:
            out += " " + part
    return collapse(out)


def _split_at_hyphen(before: str, after: str) -> bool:
    if len(before) < 2 or before[-1] != "-" or not before[-2].isalnum():
        return False
    first_word = after.split(" ", 1)[0].rstrip(",.;:")
    return (after[0].islower() or after[0].isdigit()) and first_word not in _ELISION_WORDS


def _split_url(before: str, after: str) -> bool:
    """A URL broken over two lines: the line ends inside a URL and the next is one token."""
    last = before.rsplit(" ", 1)[-1]
    return "://" in last and " " not in after and not after[0].isupper()


# What a list item's line can start with: a bullet of `BULLET`, or a digit of `NUMBERED` (`str.isdigit` holds for
# every character `\d` matches). Other lines are no item, without trying the two patterns.
_BULLET_MARKS = frozenset("-•▪\uf0b7\uf0a7")


def bullet_text(text: str) -> tuple[str, str | None]:
    """Split a list item from its marker: returns (text, style) or (text, None) if no item."""
    first = text[:1]
    if first not in _BULLET_MARKS and not first.isdigit():
        return text, None
    match = BULLET.match(text)
    if match:
        return text[match.end() :], "bullet"
    match = NUMBERED.match(text)
    if match:
        return text[match.end() :], "numbered"
    return text, None


def located_blocks(lines: list[Line]) -> list[tuple[int, Block, tuple[int, ...]]]:
    """Paragraphs and lists of running text, each with its first line and its items' lines.

    A blank line ends a paragraph unless the next line starts with a lowercase letter; a line
    with a bullet or number starts a list item; other lines continue the current block.
    """
    result: list[tuple[int, Block, tuple[int, ...]]] = []
    paragraph: list[str] = []
    items: list[list[str]] = []
    starts: list[int] = []
    style: str | None = None
    after_blank = False

    def close() -> None:
        nonlocal paragraph, items, starts, style
        if paragraph:
            result.append((starts[0], Paragraph(join(paragraph)), ()))
        if items:
            kind = "numbered" if style == "numbered" else "bullet"
            result.append((starts[0], ItemList(tuple(join(i) for i in items), kind), tuple(starts)))
        paragraph, items, starts, style = [], [], [], None

    for line in lines:
        text = line.text
        if not text:
            after_blank = True
            continue
        first = text[0]
        item_style = None
        if first in _BULLET_MARKS or first.isdigit():
            text, item_style = bullet_text(text)
        if item_style is not None:
            if paragraph or (style is not None and style != item_style):
                close()
            style = item_style
            items.append([text])
            starts.append(line.number)
        elif (after_blank and not first.islower()) or not (paragraph or items):
            close()
            paragraph = [text]
            starts = [line.number]
        elif items:
            items[-1].append(text)
        else:
            paragraph.append(text)
        after_blank = False
    close()
    return result


def blocks(lines: list[Line]) -> tuple[Block, ...]:
    return tuple(block for _line, block, _items in located_blocks(lines))


def field_items(lines: list[Line]) -> list[tuple[int, str]]:
    """Items of a labelled field, with their line: one per bullet; other lines continue one."""
    items: list[tuple[int, list[str]]] = []
    for line in lines:
        if line.blank:
            continue
        text, style = bullet_text(line.text)
        if style == "bullet":
            items.append((line.number, [text]))
        elif not items:
            items.append((line.number, [line.text]))
        else:
            items[-1][1].append(line.text)
    return [(number, joined) for number, parts in items if (joined := join(parts))]
