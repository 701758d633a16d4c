"""Plan text → typed model (`model.ParsedPlan`) plus a report of every anomaly met.

Reads by rule, never by line number; the rules are written out in docs/parse-rules.md.
Knows nothing of RDF. Every failure is a `ParseError` naming the line and what was expected.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from itertools import compress
from operator import attrgetter
from pathlib import Path

from hgkbp_ld import _identity, _text
from hgkbp_ld._actions import ACTION as _ACTION
from hgkbp_ld._actions import ActionReader, Context
from hgkbp_ld._text import Line
from hgkbp_ld.errors import ParseError
from hgkbp_ld.model import (
    Footnote,
    HorizontalGoal,
    ItemList,
    OperationalGoal,
    Paragraph,
    ParsedPlan,
    PlanIdentity,
    PlanInfo,
    PlanRef,
    ReportEntry,
)
from hgkbp_ld.registers import Registers

__all__ = ["ParseError", "parse_bytes", "parse_file", "parse_text"]

_CHAPTER = re.compile(r"^(\d{1,2})\s+(\S.*)$")
# After a code (`HD 1`, `OD 1.2`, `Actie 3`): a colon, a period or a dash, or nothing.
_SECTION = re.compile(r"^(\d{1,2})\.(\d{1,2})\s+(?:HD\s*(\d{1,2})\b\s*[:.–-]?)?\s*(.*)$")
# The section number may be missing (`OD 1.2: …`); then the code must be followed by `:`, `.` or a dash.
_OD = re.compile(
    r"^(?:\d{1,2}\.\d{1,2}\.\d{1,2}\s+OD\s*(\d{1,2})\.(\d{1,2})\b\s*[:.–-]?|OD\s*(\d{1,2})\.(\d{1,2})\s*[:.–-])\s*(.*)$"
)
_BOX = re.compile(r"^Acties gelinkt aan deze doelstelling", re.IGNORECASE)
_BOX_HEADER = "acties gelinkt aan deze doelstelling in andere horizontale plannen"  # may wrap over lines
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
_LABEL_START = re.compile(r"^(?:Verantwoordelijke|In samenwerking|Tijdspad|Indicator)")
_FOOTNOTE = re.compile(r"^(\d{1,2})\s+(\S.*)$")
_FOOTNOTE_REF = re.compile(r"(?<=[a-zà-ÿ])(\d{1,2})(?=[\s.,;:)]|$)")
# A marker glued to a year (`Dementieplan 2016-20194`): read as a marker only when it is the next footnote
# and that footnote is defined further on.
_YEAR_FOOTNOTE_REF = re.compile(r"(?<![\d])((?:19|20)\d\d)(\d{1,2})(?=[\s.,;:)]|$)")
_URL = re.compile(r"https?://\S+")
_TEXT = attrgetter("text")


def parse_file(
    path: Path | str,
    *,
    strict: bool = True,
    registers: Registers | None = None,
    identity: PlanIdentity | None = None,
) -> ParsedPlan:
    """Parse a plan text; every error names this file (`ParseError.path`)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ParseError(0, f"expected a readable plan text, found: {error.strerror}", str(path)) from error
    try:
        return parse_bytes(data, strict=strict, registers=registers, identity=identity)
    except ParseError as error:
        raise error.located(str(path)) from None


def parse_bytes(
    data: bytes, *, strict: bool = True, registers: Registers | None = None, identity: PlanIdentity | None = None
) -> ParsedPlan:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ParseError(
            line,
            f"expected UTF-8 text, found byte 0x{data[error.start]:02x}; "
            "convert the file first (e.g. iconv -f cp1252 -t utf-8)",
        ) from None
    return parse_text(text.removeprefix("\ufeff"), strict=strict, registers=registers, identity=identity)


def parse_text(
    text: str, *, strict: bool = True, registers: Registers | None = None, identity: PlanIdentity | None = None
) -> ParsedPlan:
    return _Parser(text, strict, registers or Registers.load(), identity or PlanIdentity()).parse()


def _is_action(text: str) -> bool:
    return text.startswith("Actie") and _ACTION.match(text) is not None


def _all_caps(text: str) -> bool:
    if text.isascii():  # every ASCII letter is cased: a letter and no lowercase is `isupper` (the common case)
        return text.isupper()
    return any(c.isalpha() for c in text) and not any(c.islower() for c in text)


class _Parser:
    def __init__(self, text: str, strict: bool, registers: Registers, identity: PlanIdentity) -> None:
        self.lines = _text.split_lines(text)
        self.identity = identity
        self.strict = strict
        self.registers = registers
        self.report: list[ReportEntry] = []
        self.footnotes: list[Footnote] = []
        self.refs: dict[int, list[int]] = {}  # line number -> footnote numbers cited there

    def end_line(self) -> int:
        """The last line with text: where 'found the end of the text' happens."""
        return max((line.number for line in self.lines if not line.blank), default=1)

    def note(self, line: int, kind: str, message: str, action: int | None = None) -> None:
        self.report.append(ReportEntry(line, kind, message, action))

    # --- footnotes --------------------------------------------------------------------------

    def _is_structural(self, text: str) -> bool:
        return bool(
            _ACTION.match(text)
            or _OD.match(text)
            or _SECTION.match(text)
            or _text.BULLET.match(text)
            or _LABEL_START.match(text)
        )

    def _without_running_heads(self, lines: list[Line]) -> list[Line]:
        """Drop a running head: a line printed right after a page number at least three times and nearly
        nowhere else (the page-start mark alone is not enough: the extraction sets it inside pages too);
        its page-start mark moves to the next line."""
        tops: dict[str, list[int]] = {}
        pages = [i for i in _text.numbered(lines) if _PAGE_NUMBER.match(lines[i].text)]
        for page in pages:  # the line with text after a page number (most texts have few or none)
            index = next((i for i in range(page + 1, len(lines)) if lines[i].text), None)
            if index is not None:
                tops.setdefault(lines[index].text, []).append(index)
        if not any(len(at) >= 3 for at in tops.values()):
            return lines
        counted = {text for text, at in tops.items() if len(at) >= 3}
        everywhere = Counter(line.text for line in lines if line.text in counted)  # texts printed on top 3 times
        heads = {
            text
            for text, at in tops.items()
            if len(at) >= 3
            and len(at) >= 0.8 * everywhere[text]
            and not self._is_structural(text)
            and not _PAGE_NUMBER.match(text)
            and not _CHAPTER.match(text)
        }
        if not heads:
            return lines
        dropped = {index for text in heads for index in tops[text]}
        result: list[Line] = []
        carry = False
        for index, line in enumerate(lines):
            if index in dropped:
                self.note(line.number, "running-head", f"'{line.text}' printed at the top of a page; dropped")
                carry = carry or line.page_start
                continue
            if carry and not line.blank:
                line, carry = Line(line.number, line.text, True), False
            result.append(line)
        return result

    def extract_footnotes(self) -> list[Line]:
        """Take footnote definitions and their link annotations out of the running text."""
        lines = self._without_running_heads(self.lines)
        kept: list[Line] = []
        expected = 1  # the next footnote to be defined
        referenced: set[int] = set()
        # A footnote, a page number and a reference hold a digit: the lines without one are kept as they are, in
        # runs (`done`: the lines before it are read), and the loop reads only the lines with a digit.
        done = 0
        for index in _text.with_digit(lines):
            if index < done:
                continue  # read as a footnote's body
            kept.extend(lines[done:index])
            done = index + 1
            line = lines[index]
            text = line.text
            numbered = text[:1].isdigit()  # a footnote and a page number start with a digit
            match = _FOOTNOTE.match(text) if numbered else None
            if match and int(match[1]) == expected and expected in referenced:
                parts = [match[2]]
                index += 1
                while index < len(lines) and not lines[index].blank:
                    following = lines[index].text
                    if self._is_structural(following) or lines[index].page_start or _PAGE_NUMBER.match(following):
                        break
                    parts.append(lines[index].text)
                    index += 1
                done = index
                body = _text.join(parts)
                if len(parts) > 1 and _URL.search(parts[0]):
                    self.note(line.number, "url-repaired", f"footnote {expected}: URL broken over lines joined")
                self.footnotes.append(Footnote(expected, body, tuple(_URL.findall(body)), line.number))
                expected += 1
                continue
            if numbered and _PAGE_NUMBER.match(text):
                self.note(line.number, "page-number", f"line holding only '{text}' read as a page number; dropped")
                continue
            if "://" not in text:
                text = self._take_refs(line, referenced, expected)
            kept.append(line if text is line.text else Line(line.number, text, line.page_start))
        kept.extend(lines[done:])
        urls = {url for footnote in self.footnotes for url in footnote.urls}
        result = kept
        annotations = list(compress(range(len(kept)), map(urls.__contains__, map(_TEXT, kept))))
        if annotations:
            for index in annotations:
                self.note(kept[index].number, "link-annotation", "line holding only a footnote's URL dropped")
            result = [line for line in kept if line.text not in urls]
        if referenced - {f.number for f in self.footnotes}:
            missing = min(referenced - {f.number for f in self.footnotes})
            self.note(len(lines), "footnote-missing", f"footnote {missing} is cited but never defined")
        return result

    def _take_refs(self, line: Line, referenced: set[int], expected: int) -> str:
        def replace(match: re.Match[str]) -> str:
            number = int(match[1])
            newest = max(referenced, default=0)
            if number == newest + 1 or (number in referenced and number >= expected):
                referenced.add(number)
                self.refs.setdefault(line.number, []).append(number)
                return ""
            return match[0]

        def after_year(match: re.Match[str]) -> str:
            number = int(match[2])
            if number != max(referenced, default=0) + 1 or not self._defined_after(number, line.number):
                return match[0]
            referenced.add(number)
            self.refs.setdefault(line.number, []).append(number)
            self.note(line.number, "footnote-after-year", f"'{match[0]}': the year {match[1]}, then footnote {number}")
            return match[1]

        text = _FOOTNOTE_REF.sub(replace, line.text)
        if "19" not in text and "20" not in text:  # no year (`_YEAR_FOOTNOTE_REF`)
            return text
        return _YEAR_FOOTNOTE_REF.sub(after_year, text)

    def _defined_after(self, number: int, line_number: int) -> bool:
        return any(
            line.number > line_number and (match := _FOOTNOTE.match(line.text)) is not None and int(match[1]) == number
            for line in self.lines
        )

    # --- outline ----------------------------------------------------------------------------

    def parse(self) -> ParsedPlan:
        lines = self.extract_footnotes()
        chapters = self._chapters(lines)
        if not chapters:
            raise ParseError(1, "expected the first chapter heading (e.g. '1 INLEIDING'), found none")
        if len(chapters) < 2:
            raise ParseError(
                self.end_line(),
                "expected a second chapter holding the goals (e.g. '2 GEÏNTEGREERD ACTIEPLAN'), "
                "found the end of the text",
            )
        intro_lines = lines[chapters[0] + 1 : chapters[1]]
        identity = self._plan_identity(lines[: chapters[0]], lines[: chapters[1]], lines)
        info, goal_titles = self._introduction(intro_lines, identity)
        end = None
        if len(chapters) > 2:  # a chapter after the goals (annexes): not part of any goal or action
            end = chapters[2]
            self.note(lines[end].number, "after-the-goals", f"'{lines[end].text}' and what follows read as an annex")
        goals, actions = self._goals(lines[chapters[1] + 1 : end], goal_titles, info)
        cited_in_actions = {n for a in actions for n in a.footnotes}
        plan_notes = tuple(sorted({n for refs in self.refs.values() for n in refs} - cited_in_actions))
        info = PlanInfo(
            info.title,
            info.abbreviation,
            info.start_year,
            info.end_year,
            info.principles,
            info.complementary_plans,
            plan_notes,
        )
        report = tuple(sorted(self.report, key=lambda r: (r.line, r.kind)))
        return ParsedPlan(info, tuple(goals), tuple(actions), tuple(self.footnotes), report)

    def _chapters(self, lines: list[Line]) -> list[int]:
        """Indices of the chapter headings `1 TITLE`, `2 TITLE`, … (numbered in order, capitals)."""
        found: list[int] = []
        for index in _text.numbered(lines):
            match = _CHAPTER.match(lines[index].text)
            if match and int(match[1]) == len(found) + 1 and _all_caps(match[2]):
                found.append(index)
        return found

    def _introduction(
        self, lines: list[Line], identity: tuple[str, str | None, int, int]
    ) -> tuple[PlanInfo, list[tuple[int, str]]]:
        sections: list[list[Line]] = [[]]
        for line in lines:
            match = _SECTION.match(line.text)
            if match and _all_caps(match[4]):
                sections.append([])
            else:
                sections[-1].append(line)
        raw = [block for section in sections for block in _text.located_blocks(section)]
        goals: list[tuple[int, str]] = []
        principles: tuple[str, ...] = ()
        complementary: list[PlanRef] = []
        previous = ""
        for _line, block, item_lines in raw:
            if isinstance(block, Paragraph):
                previous = block.text.casefold()
                continue
            if block.style == "numbered" and not goals:
                goals = list(zip(item_lines, block.items, strict=True))
            elif "principe" in previous and not principles:
                principles = block.items
            elif "complementair" in previous and not complementary:
                for item_line, name in zip(item_lines, block.items, strict=True):
                    complementary.append(self._plan_ref(item_line, name))
            previous = ""
        if not goals:
            first = lines[0].number if lines else 1
            raise ParseError(first, "expected the numbered list of goals ('1. We …') in chapter 1, found none")
        for position, (line_number, _title) in enumerate(goals, start=1):
            if _text.NUMBERED.match(f"{position}. x") is None:  # pragma: no cover - regex sanity
                raise ParseError(line_number, "expected a numbered goal")
        if not principles:
            self.note(lines[0].number if lines else 1, "principles-missing", "no list of guiding principles found")
        title, abbreviation, start, end = identity
        return PlanInfo(title, abbreviation, start, end, principles, tuple(complementary), ()), goals

    def _plan_identity(
        self, title_page: list[Line], introduction: list[Line], body: list[Line]
    ) -> tuple[str, str | None, int, int]:
        """Title, abbreviation, period: the toml's values win; the rest is found by rule (_identity)."""
        return _identity.resolve(self.identity, title_page, introduction, body, self.note)

    def _plan_ref(self, line: int, name: str) -> PlanRef:
        plan = self.registers.plans.resolve(name)
        if plan is None:
            message = f"expected a plan of data/plans.csv, found '{name}'"
            if self.strict:
                raise ParseError(line, message + " (add it to the register or use --lenient)")
            self.note(line, "unknown-plan", message)
            return PlanRef("", name)
        return PlanRef(plan.slug, name)

    # --- goals ------------------------------------------------------------------------------

    def _goals(
        self, lines: list[Line], goal_titles: list[tuple[int, str]], info: PlanInfo
    ) -> tuple[list[HorizontalGoal], list]:
        context = Context(self.registers, self.strict, self.note, self.refs, info.end_year)
        reader = ActionReader(context)
        goals: list[HorizontalGoal] = []
        # The goal headings' indices, read once (cutting an annex keeps the lines before it, and their indices).
        heads = [index for index in _text.numbered(lines) if self._goal_heading(lines[index])]
        # Skip anything before the first goal heading (a chapter may open with text).
        index = heads[0] if heads else len(lines)
        lines = self._without_annex(lines, index, set(heads))
        while index < len(lines):
            start = index
            number, heading, index = self._read_goal_heading(lines, index, len(goals) + 1, goal_titles)
            following = bisect.bisect_left(heads, index)  # the next heading at or after the heading's lines
            end = min(heads[following], len(lines)) if following < len(heads) else len(lines)
            goals.append(self._goal(lines[start:end], index - start, number, heading, goal_titles, reader))
            index = end
        if len(goals) < len(goal_titles):
            missing = len(goals) + 1
            raise ParseError(
                self.end_line(),
                f"expected the heading of HD {missing} ('{goal_titles[missing - 1][1]}', listed in the "
                "goal list), found the end of the text",
            )
        actions = reader.finish()
        return goals, actions

    def _without_annex(self, lines: list[Line], first_goal: int, heads: set[int]) -> list[Line]:
        """Cut an unnumbered annex after the last action (`BIJLAGE: LIJST VAN AFKORTINGEN`): a line in
        capitals of two words or more after an action, that is no goal heading (`heads`: their indices) or
        its continuation."""
        seen_action = False
        in_heading = False
        for index, text in enumerate(map(_TEXT, lines[first_goal:]), first_goal):
            if not text:
                continue
            if index in heads:
                in_heading, seen_action = True, False
                continue
            if in_heading and _all_caps(text):
                continue
            in_heading = False
            if text.startswith("Actie") and _ACTION.match(text):
                seen_action = True
            elif (
                seen_action
                and (text.isupper() if text.isascii() else _all_caps(text))
                and len(re.findall(r"[^\W\d_]{2,}", text)) >= 2
            ):
                self.note(lines[index].number, "annex", f"'{text}' and what follows read as an annex, not an action's")
                return lines[:index]
        return lines

    @staticmethod
    def _goal_heading(line: Line) -> bool:
        if not line.text[:1].isdigit():  # a section number first (`\d` is a digit to `str.isdigit` too)
            return False
        match = _SECTION.match(line.text)
        return bool(match) and (match[3] is not None or _all_caps(match[4]))

    def _read_goal_heading(
        self, lines: list[Line], index: int, expected: int, goal_titles: list[tuple[int, str]]
    ) -> tuple[int, str, int]:
        line = lines[index]
        match = _SECTION.match(line.text)
        assert match is not None
        section = int(match[2])
        if section != expected:
            raise ParseError(
                line.number,
                f"expected the heading of HD {expected} (section "
                f"{match[1]}.{expected}), found section {match[1]}.{section}",
            )
        if section > len(goal_titles):
            raise ParseError(
                line.number,
                f"expected at most {len(goal_titles)} goals (the goal list), found a heading for HD {section}",
            )
        code = match[3]
        if code is None:
            self.note(
                line.number,
                "heading-without-code",
                f"heading of HD {section} lacks 'HD {section}:'; numbered by its section",
            )
        elif int(code) != section:
            raise ParseError(line.number, f"expected HD {section} in section {match[1]}.{section}, found HD {code}")
        parts = [match[4]] if match[4] else []  # "2.1 HD 1:" may have its title on the next line
        index += 1
        while index < len(lines):
            following = lines[index]
            if following.blank:
                index += 1
                continue
            if not _all_caps(following.text) or _OD.match(following.text) or _SECTION.match(following.text):
                break
            parts.append(following.text)
            index += 1
        heading = _text.join(parts)
        if not heading:
            raise ParseError(line.number, f"expected a title after 'HD {section}:', found none")
        title = goal_titles[section - 1][1]
        if heading.casefold() != title.casefold():
            kind = "heading-shortened" if title.casefold().startswith(heading.casefold()) else "heading-differs"
            self.note(
                line.number,
                kind,
                f"heading of HD {section} '{heading}' differs from the goal list's '{title}'; the list's title is used",
            )
        return section, heading, index

    def _goal(
        self,
        lines: list[Line],
        body_start: int,
        number: int,
        heading: str,
        goal_titles: list[tuple[int, str]],
        reader: ActionReader,
    ) -> HorizontalGoal:
        code = f"HD{number}"
        body = lines[body_start:]
        # An OD's heading starts with a section number or `OD` (`_OD`): most lines are not tried.
        od_starts = [
            i for i, text in enumerate(map(_TEXT, body)) if (text[:1] == "O" or text[:1].isdigit()) and _OD.match(text)
        ]
        first_od = od_starts[0] if od_starts else None
        if first_od is None:
            where = body[-1].number if body else lines[0].number
            raise ParseError(where, f"expected an operational goal 'OD {number}.1' under HD {number}, found none")
        box = next((i for i, line in enumerate(body[:first_od]) if _BOX.match(line.text)), None)
        intro = body[: box if box is not None else first_od]
        related: list[PlanRef] = []
        if box is not None:
            entries = box + 1
            header = body[box].text
            while entries < first_od and (
                body[entries].blank or _BOX_HEADER.startswith(f"{header} {body[entries].text}".casefold())
            ):
                if not body[entries].blank:
                    header = f"{header} {body[entries].text}"
                entries += 1
            for line_number, block, _lines in _text.located_blocks(body[entries:first_od]):
                names = block.items if isinstance(block, ItemList) else (block.text,)
                related.extend(self._plan_ref(line_number, name) for name in names)
        ods = self._operational_goals(body[first_od:], number, reader, [i - first_od for i in od_starts])
        return HorizontalGoal(
            code,
            number,
            goal_titles[number - 1][1],
            heading,
            _text.blocks(intro),
            tuple(related),
            tuple(ods),
            lines[0].number,
        )

    def _operational_goals(
        self, lines: list[Line], hd: int, reader: ActionReader, starts: list[int]
    ) -> list[OperationalGoal]:
        """`starts`: the indices of the lines that are an OD's heading (`_OD`)."""
        actions = [i for i, text in enumerate(map(_TEXT, lines)) if text.startswith("Actie") and _ACTION.match(text)]
        ods: list[OperationalGoal] = []
        for position, start in enumerate(starts):
            end = starts[position + 1] if position + 1 < len(starts) else len(lines)
            line = lines[start]
            match = _OD.match(line.text)
            assert match is not None
            od_hd, od_number = int(match[1] or match[3]), int(match[2] or match[4])
            if od_hd != hd:
                raise ParseError(
                    line.number,
                    f"expected OD {hd}.{position + 1} under HD {hd}, found OD "
                    f"{od_hd}.{od_number}; is the heading of HD {od_hd} missing?",
                )
            if od_number != position + 1:
                raise ParseError(line.number, f"expected OD {hd}.{position + 1}, found OD {hd}.{od_number}")
            code = f"OD{hd}.{od_number}"
            parts = [match[5]]
            index = start + 1
            while index < end and lines[index].text and not _is_action(lines[index].text):
                parts.append(lines[index].text)
                index += 1
            title = _text.join(parts)
            if not title:
                raise ParseError(line.number, f"expected a title after 'OD {hd}.{od_number}', found none")
            body = lines[index:end]
            description: tuple = ()
            own = [i - index for i in actions[bisect.bisect_left(actions, index) : bisect.bisect_left(actions, end)]]
            if not own:
                # No actions of its own: the text under the heading says where they are (another plan).
                description = _text.blocks(body)
                if not description:
                    raise ParseError(
                        line.number,
                        f"expected at least one action ('Actie N.') or a text under OD {hd}.{od_number}, found none",
                    )
                self.note(line.number, "od-without-actions", f"OD {hd}.{od_number} has no actions; its text is kept")
                numbers: list[int] = []
            else:
                numbers = reader.read_all(body, code, f"HD{hd}", own)
            ods.append(OperationalGoal(code, f"HD{hd}", title, tuple(numbers), line.number, description))
        return ods
