"""Reading one action: title, description, labelled fields, ministers, timeline (private).

Part of the parser; the rules are in docs/parse-rules.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from hgkbp_ld import _text, dutch
from hgkbp_ld._text import Line
from hgkbp_ld.errors import ParseError
from hgkbp_ld.model import Action, Paragraph, PortfolioRef, Timeline
from hgkbp_ld.registers import Portfolio, Registers

ACTION = re.compile(r"^Actie\s+(\d{1,3})\s*[.:]\s*(.*)$")  # parse.py reads actions with it too
# Labels may end in a colon (`Tijdspad: 2026`); `minister(s)`, `ministers` or `minister` completes
# `Verantwoordelijke` (not `Minister van …`, which is a value).
_RESPONSIBLE = re.compile(r"^Verantwoordelijke\b\s*:?\s*(.*)$")
_MINISTERS_WORD = re.compile(r"^[Mm]inister(?:\(s\)|s)?(?=[\s:]|$)(?!\s+van\b)\s*:?\s*(.*)$")
_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("collaborators", re.compile(r"^In samenwerking met\b\s*:?\s*(.*)$")),
    ("timeline", re.compile(r"^Tijdspad\b\s*:?\s*(.*)$")),
    ("indicators", re.compile(r"^Indicator(?:\(en\)|en)\s*:?\s*(.*)$")),
)
# A label glued to the text before it (`2029Indicator(en)`); a line holding none of them cannot be one.
_GLUED_LABELS = ("Verantwoordelijke minister(s)", "In samenwerking met", "Tijdspad", "Indicator(en)")
_GLUED = re.compile(r"^(.*?\S)(" + "|".join(map(re.escape, _GLUED_LABELS)) + r")\s*(.*)$")
_GLUED_HINT = re.compile("|".join(map(re.escape, _GLUED_LABELS)))  # one scan: does a line hold a label at all?
_MINISTER = re.compile(r"^(?:vlaamse?\s+)?minister\b", re.IGNORECASE)
# Between two mentions: `,`, ` en ` or `/` before (Vlaamse) minister, or only a space (a list over lines
# without commas) before `Minister` or `Vlaamse minister`.
_MENTION_SPLIT = re.compile(
    r"(?<!Vlaams)(?<!Vlaamse)(?:(?:,\s*|\s+en\s+|\s*/\s*)(?=(?:Vlaamse?\s+)?[Mm]inister\b)|\s+(?=(?:Vlaamse?\s+[Mm]inister|Minister)\b))"
)
_NUMBER = attrgetter("number")
_REFERS = re.compile(r"\buitgewerkt\s+(?:onder|in|bij)\s+actie\s+(\d{1,3})\b", re.IGNORECASE)


def _refers(text: str) -> re.Match[str] | None:
    """`_REFERS.search`, tried only on a text holding "gewer" in any case: no other character matches g, e, w or
    r under IGNORECASE (tests/test_parse_fast.py), and the pattern's scan, a word boundary and a letter at every
    position, is the costliest of an action (a description is ~1,000 characters)."""
    return _REFERS.search(text) if "gewer" in text.lower() else None


_YEAR = re.compile(r"\b(20\d\d)\b")
# One year and words saying it goes on: "Vanaf 2026", "2026 en verder", "Doorlopend vanaf 2026", "structureel".
_FROM = re.compile(r"\b(?:vanaf|verder|doorlopend|structureel|permanent|continu)\b", re.IGNORECASE)
_UNDECIDED = re.compile(r"\bbepa(?:len|ald)\b", re.IGNORECASE)
# One year as a deadline: "Tegen eind 2027", "Uiterlijk 2026", "Ten laatste in 2028": no start year.
_BY = re.compile(r"^(?:tegen|uiterlijk|ten laatste|ten laatste tegen)\b", re.IGNORECASE)
_WHOLE_TERM = re.compile(r"\bhele legislatuur\b", re.IGNORECASE)
_FIELD_NAMES = {
    "responsible": "Verantwoordelijke minister(s)",
    "collaborators": "In samenwerking met",
    "timeline": "Tijdspad",
    "indicators": "Indicator(en)",
}

# The texts a line can hold when a label is cut over two lines at a space: each label's words up to a space.
_LABEL_HEADS = frozenset(label[:at] for label in _FIELD_NAMES.values() for at, c in enumerate(label) if c == " ")
# The first letters of a line that `_label` may read as a label (`_RESPONSIBLE`, `_LABELS`, `_LABEL_HEADS`, all
# case-sensitive); a line starting otherwise is a label only glued after text (`_GLUED`). tests/test_parse_fast.py
# checks the set against the patterns.
_LABEL_INITIALS = frozenset("VIT")


@dataclass
class Context:
    registers: Registers
    strict: bool
    note: Callable[..., None]
    refs: dict[int, list[int]]
    plan_end: int | None


@dataclass
class _Field:
    name: str
    line: int
    lines: list[Line] = field(default_factory=list)


class ActionReader:
    """Reads the actions of one plan in order and checks their numbering across the plan."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.actions: list[Action] = []
        self.seen: dict[int, int] = {}  # action number -> line
        self._named: dict[str, tuple[Portfolio, ...]] = {}  # a mention -> the portfolios it names (the registers')

    def read_all(self, lines: list[Line], od: str, hd: str, starts: list[int] | None = None) -> list[int]:
        """`starts`: the indices of the lines that are an action's heading (`ACTION`), if the caller has them."""
        if starts is None:
            starts = [i for i, line in enumerate(lines) if line.text.startswith("Actie") and ACTION.match(line.text)]
        if starts and any(not line.blank for line in lines[: starts[0]]):
            stray = next(line for line in lines[: starts[0]] if not line.blank)
            raise ParseError(stray.number, f"expected 'Actie N.' after the title of {od}, found '{stray.text[:60]}'")
        if not starts and any(not line.blank for line in lines):
            stray = next(line for line in lines if not line.blank)
            raise ParseError(stray.number, f"expected 'Actie N.' under {od}, found '{stray.text[:60]}'")
        numbers = []
        for position, start in enumerate(starts):
            end = starts[position + 1] if position + 1 < len(starts) else len(lines)
            action = self._read(lines[start:end], od, hd)
            self.actions.append(action)
            numbers.append(action.number)
        return numbers

    def finish(self) -> list[Action]:
        numbers = {action.number for action in self.actions}
        titles: dict[str, int] = {}
        for action in self.actions:
            target = action.refers_to_action
            if target is not None and target not in numbers:
                raise ParseError(
                    action.line,
                    f"expected Actie {target} (referred to by Actie {action.number}) to exist, found none",
                )
            if action.title in titles:
                self.context.note(
                    action.line,
                    "duplicate-title",
                    f"Actie {action.number} has the same title as Actie {titles[action.title]}",
                    action.number,
                )
            titles.setdefault(action.title, action.number)
        return self.actions

    # --- one action --------------------------------------------------------------------------

    def _read(self, lines: list[Line], od: str, hd: str) -> Action:
        heading = lines[0]
        match = ACTION.match(heading.text)
        assert match is not None
        number = int(match[1])
        self._check_number(number, heading.number)
        title_parts = [match[2]]
        index = 1
        while (following := self._title_continues(" ".join(title_parts), lines, index)) is not None:
            title_parts.append(lines[following].text)
            index = following + 1
        title = _text.join(title_parts)
        if not title:
            raise ParseError(heading.number, f"expected a title after 'Actie {number}.', found none")
        description, fields = self._split_fields(lines[index:], number)
        blocks = _text.blocks(description)
        text = " ".join(b.text if isinstance(b, Paragraph) else " ".join(b.items) for b in blocks)
        refers = _refers(text)
        refers_to = int(refers[1]) if refers else None
        if refers_to is not None:
            self.context.note(
                heading.number,
                "refers-to-action",
                f"Actie {number} is worked out under Actie {refers_to}",
                number,
            )
        note = self.context.note
        responsible = self._portfolios(fields.get("responsible"), number)
        collaborators = self._portfolios(fields.get("collaborators"), number)
        if "responsible" not in fields and refers_to is None:
            raise ParseError(
                heading.number,
                f"expected 'Verantwoordelijke minister(s)' in Actie {number}, found none (is the text cut short?)",
            )
        if "responsible" in fields and not responsible[0]:
            message = f"expected at least one responsible minister in Actie {number}"
            if self.context.strict:
                raise ParseError(fields["responsible"].line, message)
            note(fields["responsible"].line, "no-responsible", message, number)
        kept = []
        for ref in collaborators[0]:
            if any(ref.slug == r.slug for r in responsible[0]):
                note(
                    fields["collaborators"].line,
                    "responsible-and-collaborator",
                    f"{ref.label} is both responsible and collaborating in Actie {number}; kept as responsible",
                    number,
                )
            else:
                kept.append(ref)
        timeline = self._timeline(fields.get("timeline"), number, heading.number, refers_to)
        indicator_field = fields.get("indicators")
        indicators = [t for _n, t in _text.field_items(indicator_field.lines)] if indicator_field else []
        if not indicators and refers_to is None:
            note(heading.number, "no-indicators", f"Actie {number} has no indicators", number)
        cited_lines = filter(None, map(self.context.refs.get, map(_NUMBER, lines)))  # the few lines citing a note
        cited = sorted({n for numbers in cited_lines for n in numbers})
        return Action(
            number=number,
            title=title,
            operational_goal=od,
            goal=hd,
            description=blocks,
            responsible=tuple(responsible[0]),
            collaborators=tuple(kept),
            other_partners=tuple(responsible[1] + collaborators[1]),
            timeline=timeline,
            indicators=tuple(indicators),
            refers_to_action=refers_to,
            footnotes=tuple(cited),
            line=heading.number,
        )

    def _check_number(self, number: int, line: int) -> None:
        if number in self.seen:
            raise ParseError(
                line,
                f"expected a new action number, found Actie {number} a second time (first at line {self.seen[number]})",
            )
        expected = len(self.seen) + 1
        if number != expected:
            raise ParseError(line, f"expected Actie {expected}, found Actie {number}")
        self.seen[number] = line

    @staticmethod
    def _title_continues(title: str, lines: list[Line], index: int) -> int | None:
        """The index of the line that continues the title, if any (docs/parse-rules.md): the next line
        with text, when it starts in lower case or the title so far is unfinished (it ends in a word of a
        closed class, `,`, `-`, `&`, `/`, or leaves a bracket or quote open); blank lines between are
        skipped. A label, a bullet, another action or a referral to another action never continues a title."""
        following = index
        while following < len(lines) and lines[following].blank:
            following += 1
        if following >= len(lines):
            return None
        text = lines[following].text
        if ACTION.match(text) or _RESPONSIBLE.match(text) or _text.BULLET.match(text):
            return None
        if any(pattern.match(text) for _name, pattern in _LABELS):
            return None
        if _refers(text):  # "Deze actie wordt uitgewerkt onder actie N." is the body, after any title
            return None
        if _text.starts_lower(text) or unfinished(title):
            return following
        return None

    def _split_fields(self, lines: list[Line], number: int) -> tuple[list[Line], dict[str, _Field]]:
        """Cut the lines after the title into the description and the labelled fields."""
        lines = list(lines)
        description: list[Line] = []
        fields: dict[str, _Field] = {}
        current: _Field | None = None
        index = 0
        while index < len(lines):
            line = lines[index]
            text = line.text
            if text[:1] not in _LABEL_INITIALS and (current is None or not _GLUED_HINT.search(text)):
                (current.lines if current else description).append(line)  # no label (what `_label` finds)
                index += 1
                continue
            label, value, index = self._label(
                lines, index, seen_responsible="responsible" in fields, in_fields=current is not None
            )
            if label is None:
                (current.lines if current else description).append(line)
                continue
            if label == "glued":
                assert current is not None
                lines[index] = Line(line.number, self._unglue(current, value, line, number))
                continue
            if label in fields:
                raise ParseError(line.number, f"expected one '{_FIELD_NAMES[label]}' in Actie {number}, found a second")
            current = fields[label] = _Field(label, line.number)
            if value:
                current.lines.append(Line(line.number, value))
        return description, fields

    def _label(
        self, lines: list[Line], index: int, *, seen_responsible: bool, in_fields: bool
    ) -> tuple[str | None, str, int]:
        text = lines[index].text
        split = self._split_label(lines, index, seen_responsible)
        if split is not None:
            return split
        match = _RESPONSIBLE.match(text)
        if match:
            rest = match[1]
            ministers = _MINISTERS_WORD.match(rest)
            if ministers:
                return "responsible", ministers[1], index + 1
            following = index + 1
            while following < len(lines) and lines[following].blank:
                following += 1
            if not rest and following < len(lines):
                ministers = _MINISTERS_WORD.match(lines[following].text)
                if ministers:
                    return "responsible", ministers[1], following + 1
            return "responsible", rest, index + 1
        for name, pattern in _LABELS:
            match = pattern.match(text)
            # "In samenwerking met …" also opens sentences: a label only after the ministers.
            if match and (name != "collaborators" or seen_responsible):
                return name, match[1], index + 1
        glued = _GLUED.match(text) if in_fields else None
        if glued:
            return "glued", text, index  # handled by the caller, who re-reads the rest
        return None, "", index + 1

    @staticmethod
    def _split_label(lines: list[Line], index: int, seen_responsible: bool) -> tuple[str, str, int] | None:
        """A label cut over two lines at a space (`In samenwerking` ⏎ `met - …`, blank lines between
        allowed): the line is the label's start and the next line with text begins with the rest."""
        text = lines[index].text
        if text not in _LABEL_HEADS:  # most lines start no label (one lookup instead of four prefix tests)
            return None
        for name, label in _FIELD_NAMES.items():
            if not text or not label.startswith(text + " ") or (name == "collaborators" and not seen_responsible):
                continue
            rest = label[len(text) + 1 :]
            following = index + 1
            while following < len(lines) and lines[following].blank:
                following += 1
            if following < len(lines) and lines[following].text.casefold().startswith(rest.casefold()):
                return name, lines[following].text[len(rest) :].strip(), following + 1
        return None

    def _unglue(self, current: _Field, text: str, line: Line, number: int) -> str:
        """`2029Indicator(en)`: the label was glued to a fragment of the field before it."""
        glued = _GLUED.match(text)
        assert glued is not None
        fragment_lines = [Line(line.number, glued[1])]
        while current.lines and not current.lines[-1].blank:
            fragment_lines.insert(0, current.lines.pop())
        fragment = _text.join([f.text for f in fragment_lines])
        before = _text.join([f.text for f in current.lines if not f.blank])
        if fragment.replace(" ", "") == before.replace(" ", ""):
            self.context.note(
                line.number,
                "garbled-field",
                f"Actie {number}: '{fragment}' glued to '{glued[2]}' "
                f"repeats the {_FIELD_NAMES[current.name]} field; dropped",
                number,
            )
        else:
            current.lines.extend(fragment_lines)
            self.context.note(
                line.number,
                "glued-label",
                f"Actie {number}: label '{glued[2]}' glued to '{fragment}'; split",
                number,
            )
        # Replace the glued line by the label line so that the field loop sees the label.
        return f"{glued[2]} {glued[3]}".strip()

    def _portfolios(self, fld: _Field | None, number: int) -> tuple[list[PortfolioRef], list[str]]:
        if fld is None:
            return [], []
        refs: list[PortfolioRef] = []
        others: list[str] = []
        note = self.context.note
        for line, item in _text.field_items(fld.lines):
            for mention, minister in _mentions(item):
                if not minister:
                    note(
                        line,
                        "other-partner",
                        f"Actie {number}: '{mention}' is not a Flemish portfolio; kept as other partner",
                        number,
                    )
                    others.append(mention)
                    continue
                portfolios = self._named.get(mention)
                if portfolios is None:  # a plan names the same ministers again and again
                    portfolios = self._named[mention] = self.context.registers.portfolios_named(mention)
                if not portfolios:
                    message = f"expected a portfolio of data/portfolios.csv, found '{mention}'"
                    if self.context.strict:
                        raise ParseError(line, message + " (add the spelling to the register, or use --lenient)")
                    note(line, "unknown-portfolio", f"Actie {number}: {message}; kept as other partner", number)
                    others.append(mention)
                    continue
                if mention.rstrip() != portfolios[0].minister_title or len(portfolios) > 1:
                    read_as = " en ".join(f"'{p.minister_title}'" for p in portfolios)
                    note(line, "spelling", f"Actie {number}: '{mention}' read as {read_as}", number)
                for portfolio in portfolios:
                    if any(r.slug == portfolio.slug for r in refs):
                        note(
                            line,
                            "duplicate-portfolio",
                            f"Actie {number}: {portfolio.label} named twice in one field; kept once",
                            number,
                        )
                        continue
                    refs.append(PortfolioRef(portfolio.slug, portfolio.label, mention))
        return refs, others

    def _timeline(self, fld: _Field | None, number: int, line: int, refers_to: int | None) -> Timeline | None:
        if fld is None:
            if refers_to is None:
                self.context.note(line, "no-timeline", f"Actie {number} has no 'Tijdspad'; timeline left empty", number)
            return None
        text = "; ".join(t for _n, t in _text.field_items(fld.lines))
        years = [int(y) for y in _YEAR.findall(text)]
        note = self.context.note
        if not years:
            note(fld.line, "timeline-without-years", f"Actie {number}: timeline '{text}' names no year", number)
            return Timeline(text, None, None)
        start, end = min(years), max(years)
        if _WHOLE_TERM.search(text):
            if self.context.plan_end is not None:
                end = max(end, self.context.plan_end)
                note(
                    fld.line,
                    "timeline-whole-term",
                    f"Actie {number}: 'hele legislatuur' read as ending in {end}",
                    number,
                )
        elif len(set(years)) == 1 and _BY.match(text):
            note(fld.line, "timeline-deadline", f"Actie {number}: timeline '{text}' is a deadline, no start", number)
            start = None
        elif (len(set(years)) == 1 and _FROM.search(text)) or _UNDECIDED.search(text):
            note(fld.line, "timeline-open-end", f"Actie {number}: timeline '{text}' has no end year", number)
            end = None
        if end is not None and self.context.plan_end is not None and end > self.context.plan_end:
            note(
                fld.line,
                "timeline-beyond-plan",
                f"Actie {number}: timeline runs to {end}, past the plan's {self.context.plan_end}",
                number,
            )
        return Timeline(text, start, end)


@lru_cache(maxsize=1024)  # a plan names the same ministers in action after action (`_MENTION_SPLIT` is costly)
def _mentions(item: str) -> tuple[tuple[str, bool], ...]:
    """The mentions of a field's item, each with whether it names a (Flemish) minister (`_MINISTER`)."""
    mentions = (mention.strip() for mention in _MENTION_SPLIT.split(item))
    return tuple((mention, _MINISTER.match(mention) is not None) for mention in mentions if mention)


def unfinished(title: str) -> bool:
    """A title that cannot end here: a closed-class last word, a joining mark, an open bracket/quote."""
    last = title.rstrip()
    if not last:
        return False
    if last[-1] in ",-–&/+:" or last.count("(") > last.count(")") or last.count("“") > last.count("”"):
        return True
    return last.rsplit(" ", 1)[-1].strip("“”\"'").casefold() in dutch.OPEN_ENDINGS
