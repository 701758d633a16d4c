"""Re-wrap the running text of a plan at another line width (a test helper, not the parser).

`rewrap(text, width)` imitates what another PDF extraction of the same plan could give: the
paragraphs and list items break at other places, while every heading, label and footnote keeps its
own line. It is written from docs/parse-rules.md alone and shares no code with the parser:

- the text is split into blocks at blank lines; blank lines are kept as they are;
- a block, or the rest of a block, from a line that is a heading, a label or a footnote
  (`STRUCTURAL`) on is left untouched: headings and labels carry values on their own line
  (`Tijdspad 2026 - 2027`, `Indicator(en) - 1 analyserapport`);
- in the other lines, every list item (`- `, `• `, `▪ `, `\uf0b7 `, `1. `, `1) `) starts a segment and every other
  line continues the current one; a segment's lines are joined as the rules join them (one
  space; a line ending in a soft hyphen joins without one; a line ending in `letter-` without a trailing space is a word split at its hyphen and
  joins without a space, unless the next word is `en`, `of` or `tot`) and filled at `width`;
- a line never starts with a word that the rules would read as structure (a lone dash, a number,
  `Actie`, a label, a URL) and never ends with a word that changes how it is joined to the next
  line (`word-`, a URL): such a word is kept on the line of its neighbour. Without this, moving
  the break in `actieplan - dat hier voorligt` or `op 3 mei` would change the text's meaning under
  the rules, which is not what a re-wrap should test.
"""

from __future__ import annotations

import functools
import re
import textwrap

STRUCTURAL = (
    re.compile(r"^\d+(\.\d+)*\s+\S"),  # chapter, section, OD headings; footnotes `3 El Yattouti …`
    re.compile(r"^\d{1,3}$"),  # a page number; the running head after it stays on its line too
    re.compile(r"^OD\s*\d"),  # an OD heading without its section number
    re.compile(r"^Actie \d+[.:]"),
    re.compile(r"^(Verantwoordelijke|minister\(s\)|In samenwerking met|Tijdspad|Indicator)", re.IGNORECASE),
    re.compile(r"^Acties gelinkt"),
    re.compile(r"^https?://"),
)
LIST_ITEM = re.compile(r"^([-•▪\uf0b7] |\d+[.)] )")

# Words that must not start a wrapped line: they would read as a list item, a footnote, a
# heading, an action or a label under docs/parse-rules.md (its bullets are `-`, `•`, `▪`).
_NO_LINE_START = re.compile(
    r"^(?:[-•▪\uf0b7](?:\s|$)|\d|OD\b|Actie\b|Acties gelinkt|Verantwoordelijke|minister\(s\)"
    r"|In samenwerking met|Tijdspad|Indicator|https?://)",
    re.IGNORECASE,
)
# Words that must not end a wrapped line: `anti-` would be joined to the next word, a URL too.
_NO_LINE_END = re.compile(r"(?:[^\W_]-|://\S*)$")
_LIST_MARKER = re.compile(r"[-•▪\uf0b7]|\d+[.)]")  # kept with the first word of its item
_GLUE = "\ue000"  # a private-use character: textwrap never breaks at it
_HYPHEN_KEEPS_SPACE = frozenset({"en", "of", "tot"})


@functools.cache  # the same lines are asked about at every width
def is_structural(line: str) -> bool:
    return any(pattern.match(line.strip()) for pattern in STRUCTURAL)


def join_lines(lines: list[str]) -> str:
    """Join the lines of one segment as the rules do (a trailing space after `-` matters)."""
    out = ""
    previous = ""
    for raw in lines:
        part = " ".join(raw.split())
        if not part:
            continue
        if out and out.endswith("\u00ad"):  # a soft hyphen at a line's end: the word goes on
            out = out[:-1] + part
        elif out:
            first_word = part.split(" ", 1)[0].rstrip(",.;:")
            split_word = re.search(r"[^\W_]-$", previous) is not None and first_word not in _HYPHEN_KEEPS_SPACE
            out += part if split_word else " " + part
        else:
            out = part
        previous = raw.rstrip("\r\n")
    return out


@functools.cache  # the same segments are filled at every width
def _glued(text: str) -> str:
    """`text` with every word that must not start or end a line glued to its neighbour (`_GLUE`)."""
    words = text.split(" ")
    units: list[str] = []
    for index, word in enumerate(words):
        rest = " ".join(words[index : index + 4])  # _NO_LINE_START reads at most three words (and what follows)
        after_marker = index == 1 and _LIST_MARKER.fullmatch(words[0]) is not None
        if units and (after_marker or _NO_LINE_START.match(rest) or _NO_LINE_END.search(words[index - 1])):
            units[-1] += _GLUE + word
        else:
            units.append(word)
    return " ".join(units)


def fill(text: str, width: int) -> str:
    """textwrap.fill, never starting or ending a line with a word that carries structure."""
    filled = textwrap.fill(_glued(text), width=width, break_long_words=False, break_on_hyphens=False)
    return filled.replace(_GLUE, " ")


def _rewrap_block(block: list[str], width: int) -> list[str]:
    structural_at = next((i for i, line in enumerate(block) if is_structural(line)), len(block))
    segments: list[list[str]] = []
    for line in block[:structural_at]:
        if LIST_ITEM.match(line.strip()) or not segments:
            segments.append([line])
        else:
            segments[-1].append(line)
    out: list[str] = []
    for segment in segments:
        out.extend(fill(join_lines(segment), width).split("\n"))
    return out + block[structural_at:]


def rewrap(text: str, width: int) -> str:
    """The text with its running text re-wrapped at `width`; headings and labels untouched."""
    out: list[str] = []
    block: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            block.append(line)
            continue
        out.extend(_rewrap_block(block, width))
        block = []
        out.append(line)
    out.extend(_rewrap_block(block, width))
    return "\n".join(out)
