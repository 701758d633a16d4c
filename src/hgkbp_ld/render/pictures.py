"""Two pictures of the plan as server-side SVG strings: the actions on a time line, and the portfolios' cooperation.

Pure functions: the caller reads the store and passes plain data; out comes SVG markup to put inline in a
page (the links must stay links, so not as an <img>). Each picture has a table alternative
(`timeline_rows`, `matrix_rows`) for the page to show beside it.

Accessibility, given that the pictures sit inline in an HTML page with `static/style.css`:

- the root <svg> is a `role="group"` named by its <title> (`aria-labelledby`) and described by its <desc>
  (`aria-describedby`), both its first children; it has a viewBox and `width="100%"`, so it scales;
- every action (every non-empty cell) is an <a href> with an `aria-label` that says all the picture says about it;
  decorative parts (grid, axis, legend) are `aria-hidden`;
- meaning never rests on colour alone: every bar has its period written beside it, an open end is hatched, dashed
  and ends in an arrow, an action without a time line has a hollow diamond and the words "geen tijdspad", each
  cell has its number written in it;
- every colour pair used is listed in `TEXT_PAIRS` (text, at least 4.5:1) and `GRAPHIC_PAIRS` (bars and markers
  against white, at least 3:1), which the tests check;
- no font family (it is inherited from the page), no `style` attribute or element (the site's CSP has no
  'unsafe-inline'): only presentation attributes.

Output is deterministic (same input, same bytes) and well-formed XML; all text is escaped and characters XML
cannot carry are dropped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

SVG_NS = "http://www.w3.org/2000/svg"

# Colours: the site's own (static/style.css) and a blue scale for the matrix.
WHITE = "#ffffff"
TEXT = "#1a1a1a"  # --text
MUTED = "#4a4a4a"  # --muted
LINK = "#0b4fa8"  # --link
RULE = "#c8c8c8"  # --rule, only for decoration (grid lines, empty cells)
BG_SOFT = "#f4f4f4"  # --bg-soft, behind the goal headings
BAR = LINK  # the bars: 7.8:1 against white

# Matrix cell shades, level 0 (no action) to 5 (the most), each with the colour of the number written on it.
MATRIX_SHADES: tuple[tuple[str, str], ...] = (
    (WHITE, MUTED),
    ("#e6eef9", TEXT),
    ("#c3d6f1", TEXT),
    ("#8db0e2", TEXT),
    ("#3d6fbf", WHITE),
    ("#0b3d80", WHITE),
)

# Every (text colour, background) pair either picture uses: each must reach 4.5:1 (WCAG 1.4.3).
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    (TEXT, WHITE),
    (MUTED, WHITE),
    (LINK, WHITE),
    (TEXT, BG_SOFT),
    *((text, fill) for fill, text in MATRIX_SHADES),
)
# Every (graphic colour, background) pair that carries meaning: each must reach 3:1 (WCAG 1.4.11).
GRAPHIC_PAIRS: tuple[tuple[str, str], ...] = (
    (BAR, WHITE),  # bars, the hatching and dashed outline of open bars, their arrow
    (BAR, BG_SOFT),  # a bar crossing the band of the axis break
    (TEXT, WHITE),  # the hollow diamond ("geen tijdspad")
    (LINK, WHITE),  # the pointer triangle ("→ Actie 46")
)

# Time line geometry (user units of the viewBox).
FONT_SIZE = 13
SMALL_FONT_SIZE = 12
ROW_H = 26
BAR_H = 14
HEADING_H = 30
AXIS_H = 34
BOTTOM_PAD = 8
LABEL_X = 8
TITLE_X = 80
TITLE_LIMIT = 50
PLOT_X0 = 456  # x of 1 January of the first year
YEAR_W = 64
BREAK_W = 40  # width of the compressed years in a broken axis
BREAK_MIN = 3  # break the axis when it extends at least this many years beyond last_year
ARROW_W = 12
PERIOD_GAP = 14
PERIOD_W = 84
MARKER_X = PLOT_X0 + 12

# Matrix geometry.
CELL = 34
MATRIX_MARGIN = 8
LEGEND_H = 34
_SIN45 = math.sqrt(0.5)

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")
_EXACT = 2**53


@dataclass(frozen=True)
class TimelineBar:
    """One action on the time line.

    `start`/`end` are whole years (1 January of start to 31 December of end). `open_end` means "from start, no end
    given" (end must be None). A start without an end and without `open_end` is a single year. An end without a
    start is a deadline ("Tegen eind 2027"). No start and no end: either `refers_to` names the action whose time line
    applies, or the action has no time line at all (`refers_to` is only drawn for an action without a start;
    `timeline_rows` keeps it in any case).
    """

    number: int
    title: str
    href: str
    start: int | None
    end: int | None
    open_end: bool
    refers_to: int | None

    def __post_init__(self) -> None:
        if self.open_end and (self.start is None or self.end is not None):
            raise ValueError(f"action {self.number}: an open end needs a start and no end")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"action {self.number}: ends ({self.end}) before it starts ({self.start})")

    @property
    def kind(self) -> str:
        """'bar' (a closed period), 'open' (from a year on), 'deadline' (by a year), 'refers' (see another action)
        or 'none'."""
        if self.start is not None:
            return "open" if self.open_end else "bar"
        if self.end is not None:
            return "deadline"
        return "refers" if self.refers_to is not None else "none"

    @property
    def last(self) -> int | None:
        """The last year the action runs, None if open or without time line."""
        if self.open_end:
            return None
        return self.end if self.end is not None else self.start


@dataclass(frozen=True)
class TimelineGroup:
    """One goal with its actions, in the order to draw them."""

    code: str
    title: str
    bars: list[TimelineBar]


def notation(number: int) -> str:
    return f"Actie {number}"


def shorten(text: str, limit: int = TITLE_LIMIT) -> str:
    """`text` cut to at most `limit` characters, at a word boundary if one is near, ending in "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–") + "…"


def period_text(bar: TimelineBar) -> str:
    """The period as words: "2026–2029", "2026", "vanaf 2025", "tegen 2027", "zie Actie 46" or "geen tijdspad"."""
    kind = bar.kind
    if kind == "deadline":
        return f"tegen {bar.end}"
    if kind == "open":
        return f"vanaf {bar.start}"
    if kind == "bar":
        return str(bar.start) if bar.start == bar.last else f"{bar.start}–{bar.last}"
    if kind == "refers":
        return f"zie {notation(bar.refers_to or 0)}"
    return "geen tijdspad"


def axis_years(groups: Sequence[TimelineGroup], first_year: int = 2025, last_year: int = 2029) -> tuple[int, int]:
    """First and last year of the axis: at least first_year..last_year, widened to every start and end."""
    starts = [b.start for g in groups for b in g.bars if b.start is not None]
    ends = [b.last for g in groups for b in g.bars if b.last is not None]
    return min([first_year, *starts]), max([last_year, *ends, *starts])


def has_break(last_year: int, axis_end: int) -> bool:
    """Whether the axis is broken between last_year and axis_end (the years between compressed)."""
    return axis_end - last_year >= BREAK_MIN


def year_x(year: float, first_year: int = 2025, last_year: int = 2029, axis_end: int | None = None) -> float:
    """x of 1 January of `year` (so `year_x(end + 1)` is the x of 31 December of `end`).

    Years first_year..last_year get YEAR_W each. If the axis reaches axis_end and `has_break`, the years after
    last_year and before axis_end share BREAK_W, and axis_end gets YEAR_W again; otherwise every year gets YEAR_W.
    """
    end = last_year if axis_end is None else max(axis_end, last_year)
    if not has_break(last_year, end) or year <= last_year + 1:
        return PLOT_X0 + (year - first_year) * YEAR_W
    gap_x = PLOT_X0 + (last_year + 1 - first_year) * YEAR_W
    if year <= end:
        return gap_x + (year - last_year - 1) / (end - last_year - 1) * BREAK_W
    return gap_x + BREAK_W + (year - end) * YEAR_W


def _clean(text: str) -> str:
    """The text without the characters XML cannot hold (a printable text has none: looked at in C first)."""
    return text if text.isprintable() else _NOT_XML.sub("", text)


def _t(text: str) -> str:
    text = _clean(text)  # (`in` scans with memchr: cheaper than a regular expression's character class)
    return escape(text) if "&" in text or "<" in text or ">" in text else text


def _q(text: str) -> str:
    text = _clean(text)
    if '"' in text or "\n" in text or "\r" in text or "\t" in text:
        return quoteattr(text)
    if "&" in text or "<" in text or ">" in text:  # as `quoteattr` (`escape`) replaces them, without its dict
        return '"' + text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;") + '"'
    return f'"{text}"'


def _n(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros ("12", "12.5", "0")."""
    kind = type(value)
    if kind is int and -_EXACT < value < _EXACT:  # (a larger int is formatted as the float it rounds to)
        return str(value)
    if kind is float and value.is_integer():  # the most of them: "-0.0" is "0" too
        return str(int(value))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(**attrs: object) -> str:
    """Attributes in the given order; None values left out; a trailing _ dropped and _ turned into -."""
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        shown = value if isinstance(value, str) else _n(value) if isinstance(value, float) else str(value)
        if type(shown) is str:  # (a subclass, e.g. Markup, escapes otherwise: not kept)
            parts.append(_attribute(name, shown))
        else:
            parts.append(_attribute_text(name, shown))
    return "".join(parts)


def _attr(name: str, value: object) -> str:
    """One attribute as `_attrs` writes it, `name` as written (" name=\"value\"", or "" for None)."""
    if value is None:
        return ""
    if type(value) is int:  # digits (and a minus) need no escaping
        return f' {name}="{value}"'
    if isinstance(value, str):
        return f" {name}={_q(value)}"
    return f" {name}={_q(_n(value) if isinstance(value, float) else str(value))}"


def _attribute_text(name: str, shown: str) -> str:
    """One attribute as `_attrs` writes it."""
    return f" {name.rstrip('_').replace('_', '-')}={_q(shown)}"


# kept for texts: a plan's pictures write the same few names with the same coordinates, classes and colours
# thousands of times, and their escaping (`quoteattr`) is Python
_attribute = lru_cache(maxsize=4096)(_attribute_text)


def _id(prefix: str) -> str:
    return _NOT_ID.sub("-", prefix).strip("-") or "svg"


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """A rough width of `text` in an unknown sans-serif font, for layout only."""
    return len(text) * size * (0.6 if bold else 0.55)


def _svg_open(pid: str, width: float, height: float, title: str, desc: str, kind: str) -> list[str]:
    return [
        f'<svg xmlns="{SVG_NS}"'
        + _attrs(
            class_=f"picture picture-{kind}",
            role="group",
            aria_labelledby=f"{pid}-title",
            aria_describedby=f"{pid}-desc",
            viewBox=f"0 0 {_n(width)} {_n(height)}",
            width="100%",
            preserveAspectRatio="xMinYMin meet",
        )
        + ">",
        f'<title id="{pid}-title">{_t(title)}</title>',
        f'<desc id="{pid}-desc">{_t(desc)}</desc>',
    ]


def _aria_label(bar: TimelineBar) -> str:
    return _aria_label_of(f"{notation(bar.number)}: {' '.join(bar.title.split())}", bar, bar.kind)


def _aria_label_of(head: str, bar: TimelineBar, kind: str) -> str:
    if kind == "bar":
        if bar.start == bar.last:
            return f"{head}, in {bar.start}"
        return f"{head}, {bar.start} tot en met {bar.last}"
    if kind == "open":
        return f"{head}, vanaf {bar.start}, zonder einddatum"
    if kind == "deadline":
        return f"{head}, tegen {bar.end}, zonder begindatum"
    if kind == "refers":
        return f"{head}, geen eigen tijdspad, zie {notation(bar.refers_to or 0)}"
    return f"{head}, geen tijdspad"


def _hrefs(groups: Sequence[TimelineGroup]) -> dict[int, str]:
    hrefs: dict[int, str] = {}
    for group in groups:
        for bar in group.bars:
            hrefs.setdefault(bar.number, bar.href)
    return hrefs


def timeline_rows(groups: Sequence[TimelineGroup]) -> list[dict[str, object]]:
    """The time line as table rows: goal, goal_title, number, notation, title, href, period, kind, refers_to(_href)."""
    hrefs = _hrefs(groups)
    return [
        {
            "goal": group.code,
            "goal_title": group.title,
            "number": bar.number,
            "notation": notation(bar.number),
            "title": bar.title,
            "href": bar.href,
            "period": period_text(bar),
            "kind": bar.kind,
            "refers_to": bar.refers_to,
            "refers_href": hrefs.get(bar.refers_to) if bar.refers_to is not None else None,
        }
        for group in groups
        for bar in group.bars
    ]


def timeline_svg(
    groups: Sequence[TimelineGroup],
    first_year: int = 2025,
    last_year: int = 2029,
    *,
    title: str = "Tijdlijn van de acties",
    id_prefix: str = "tijdlijn",
) -> str:
    """Every action as a bar over the years, grouped by goal; see the module's docstring for the accessibility."""
    first, end = axis_years(groups, first_year, last_year)
    broken = has_break(last_year, end)

    def x(year: float) -> float:
        return year_x(year, first, last_year, end)

    right = x(end + 1)
    period_x = right + ARROW_W + PERIOD_GAP
    width = period_x + PERIOD_W
    count = sum(len(g.bars) for g in groups)
    height = AXIS_H + sum(HEADING_H + ROW_H * len(g.bars) for g in groups) + BOTTOM_PAD
    pid = _id(id_prefix)
    hrefs = _hrefs(groups)

    desc = (
        f"{count} acties in {len(groups)} doelstellingen op een tijdas van {first} tot en met {end}"
        + (f", onderbroken tussen {last_year} en {end}" if broken else "")
        + ". Een balk loopt van 1 januari van het beginjaar tot 31 december van het eindjaar;"
        " de periode staat erachter."
        " Een gearceerde balk met stippellijn en pijl heeft geen einddatum (vanaf)."
        " Een open ruit: geen tijdspad. Een driehoek: het tijdspad van een andere actie geldt."
        " Elke actie is een link naar haar pagina."
    )
    out = _svg_open(pid, width, height, title, desc, "timeline")
    out += [
        "<defs>",
        f'<pattern id="{pid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">',
        f'<rect width="6" height="6" fill="{WHITE}"/><rect width="3" height="6" fill="{BAR}"/>',
        "</pattern>",
        f'<linearGradient id="{pid}-fade" x1="0" x2="1" y1="0" y2="0">',
        f'<stop offset="0" stop-color="{WHITE}" stop-opacity="0"/>'
        f'<stop offset="1" stop-color="{WHITE}" stop-opacity="0.85"/>',
        "</linearGradient>",
        "</defs>",
    ]

    # The axis: year labels centred on their column, grid lines on the year boundaries, the break.
    years = [*range(first, last_year + 1), end] if broken else list(range(first, end + 1))
    out.append('<g class="axis" aria-hidden="true">')
    if broken:
        out.append(
            f'<rect x="{_n(x(last_year + 1))}" y="{AXIS_H}" width="{BREAK_W}" height="{_n(height - AXIS_H)}"'
            f' fill="{BG_SOFT}"/>'
        )
    label_y = AXIS_H - 12
    for year in years:
        centre = (x(year) + x(year + 1)) / 2
        out.append(
            f'<text x="{_n(centre)}" y="{label_y}" text-anchor="middle" font-size="{SMALL_FONT_SIZE}"'
            f' fill="{MUTED}">{year}</text>'
        )
    for boundary in sorted({x(y) for y in years} | {x(y + 1) for y in years}):
        out.append(
            f'<line x1="{_n(boundary)}" x2="{_n(boundary)}" y1="{AXIS_H - 4}" y2="{_n(height - BOTTOM_PAD)}"'
            f' stroke="{RULE}" stroke-width="1"/>'
        )
    out.append(f'<line x1="{PLOT_X0}" x2="{_n(right)}" y1="{AXIS_H}" y2="{AXIS_H}" stroke="{MUTED}" stroke-width="1"/>')
    if broken:
        gap = x(last_year + 1)
        mid = gap + BREAK_W / 2
        out.append(
            f'<text x="{_n(mid)}" y="{label_y}" text-anchor="middle" font-size="{SMALL_FONT_SIZE}"'
            f' fill="{MUTED}">…</text>'
        )
        for dx in (-4, 4):
            out.append(
                f'<line x1="{_n(mid + dx - 3)}" x2="{_n(mid + dx + 3)}" y1="{AXIS_H + 6}" y2="{AXIS_H - 6}"'
                f' stroke="{MUTED}" stroke-width="1.5"/>'
            )
    out.append("</g>")

    y = AXIS_H
    rows = _Rows(x, right, period_x, width, broken, last_year, pid, hrefs)
    for index, group in enumerate(groups):
        heading_id = f"{pid}-g{index + 1}"
        out.append(f'<g class="goal" role="group" aria-labelledby="{heading_id}">')
        out.append(f'<rect x="0" y="{y}" width="{_n(width)}" height="{HEADING_H}" fill="{BG_SOFT}"/>')
        room = int((width - 2 * LABEL_X - _text_width(group.code + " ", FONT_SIZE, bold=True)) / (FONT_SIZE * 0.55))
        out.append(
            f'<text id="{heading_id}" x="{LABEL_X}" y="{_n(y + HEADING_H / 2 + 4.5)}" font-size="{FONT_SIZE}"'
            f' fill="{TEXT}">'
            f'<tspan font-weight="700">{_t(group.code)}</tspan> {_t(shorten(group.title, max(room, 10)))}</text>'
        )
        y += HEADING_H
        for bar in group.bars:
            out.append(rows.row(bar, y))
            y += ROW_H
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


class _Rows:
    """The action rows of one time line. Each row is a link holding the row's area, the notation and the bar or
    marker; then the title and the period as text outside the link, hidden from assistive technology (the link's name
    says both, in full) and transparent to the pointer (a click on them lands on the link's row area). So the link's
    visible text is its notation, with which its accessible name begins (WCAG 2.5.3).

    What is the same on every row is made once, a bar's horizontal geometry once per period (a minister's page at
    1000 plans has ~170,000 rows)."""

    def __init__(
        self,
        x: Callable[[float], float],
        right: float,
        period_x: float,
        width: float,
        broken: bool,
        last_year: int,
        pid: str,
        hrefs: Mapping[int, str],
    ) -> None:
        self.x, self.right, self.broken, self.pid, self.hrefs = x, right, broken, pid, hrefs
        self.gap_x = x(last_year + 1)
        self.row_bg = f'" width="{_n(width)}" height="{ROW_H}" fill="{WHITE}" fill-opacity="0"/>\n'
        self.period = f'<text class="period" x="{_n(period_x)}" y="'
        self.hatched = f' fill="url(#{pid}-hatch)" stroke="{BAR}" stroke-width="1.5" stroke-dasharray="5 3">'
        self.shapes: dict[tuple[str, int | None, int | None], tuple[str, ...]] = {}

    def _shape(self, kind: str, start: int | None, last: int | None) -> tuple[str, ...]:
        """A bar's x, its width/height/data-start, the fade's x and width, the arrow's x and tip, the break's x."""
        x0 = float(PLOT_X0) if kind == "deadline" else self.x(start or 0)
        x1 = self.right if kind == "open" else self.x((last or start or 0) + 1)
        fade = min(48.0, x1 - x0)
        gap = self.gap_x + BREAK_W / 2
        crosses = self.broken and x0 < self.gap_x and x1 > self.gap_x
        shape = (
            _n(float(x0)),
            f' width="{_n(float(x1 - x0))}" height="{BAR_H}"' + _attr("data-start", start),
            _n(x1 - fade),
            _n(fade),
            _n(x1),
            _n(x1 + ARROW_W),
            *((_n(gap - 5), _n(gap - 1), _n(gap + 5), _n(gap + 1)) if crosses else ()),
        )
        self.shapes[kind, start, last] = shape
        return shape

    def row(self, bar: TimelineBar, y: float) -> str:
        """One action's row, its lines joined by newlines."""
        kind = bar.kind
        number = bar.number
        note = notation(number)
        full = f"{note}: {' '.join(bar.title.split())}"
        period = period_text(bar)
        mid = y + ROW_H / 2
        text_y = _n(mid + 4.5)
        bar_y = mid - BAR_H / 2
        tooltip = f"<title>{_t(full)} ({_t(period)})</title>"
        out = (
            f'<a class="action"{_attr("href", bar.href)}{_attr("aria-label", _aria_label_of(full, bar, kind))}'
            f'{_attr("data-action", number)} data-kind="{kind}">\n'
            f'<rect class="row-bg" x="0" y="{_n(y)}{self.row_bg}'
            f'<text x="{LABEL_X}" y="{text_y}" font-size="{FONT_SIZE}" font-weight="700" fill="{LINK}"'
            f' text-decoration="underline">{_t(note)}</text>\n'
        )
        title = _t(shorten(bar.title))
        words = f'<text x="{TITLE_X}" y="{text_y}" font-size="{FONT_SIZE}" fill="{TEXT}">{title}</text>'
        if kind == "bar" or kind == "open" or kind == "deadline":
            last = bar.last
            shape = self.shapes.get((kind, bar.start, last)) or self._shape(kind, bar.start, last)
            common = f' x="{shape[0]}" y="{_n(float(bar_y))}"{shape[1]}'
            if kind == "bar":
                out += f'<rect class="bar"{common} data-end="{last}" fill="{BAR}">{tooltip}</rect>'
            elif kind == "deadline":  # from the left edge (no start given), hatched, up to its year
                out += f'<rect class="bar bar-deadline"{common} data-end="{last}"{self.hatched}{tooltip}</rect>'
            else:
                out += (
                    f'<rect class="bar bar-open"{common} data-open="true"{self.hatched}{tooltip}</rect>\n'
                    f'<rect x="{shape[2]}" y="{_n(bar_y - 1)}" width="{shape[3]}" height="{BAR_H + 2}"'
                    f' fill="url(#{self.pid}-fade)"/>\n'
                    f'<polygon class="arrow" points="{shape[4]},{_n(bar_y - 3)} {shape[5]},{_n(mid)}'
                    f' {shape[4]},{_n(bar_y + BAR_H + 3)}" fill="{BAR}"/>'
                )
            if len(shape) > 6:  # the bar crosses the axis break
                low, high = _n(bar_y + BAR_H + 1), _n(bar_y - 1)
                out += (
                    f'\n<polygon class="break" points="{shape[6]},{low} {shape[7]},{high}'
                    f' {shape[8]},{high} {shape[9]},{low}" fill="{WHITE}"/>'
                )
            words += f'\n{self.period}{text_y}" font-size="{FONT_SIZE}" fill="{MUTED}">{_t(period)}</text>'
        elif kind == "none":
            out += (
                f'<polygon class="marker marker-none" points="{MARKER_X},{_n(mid - 7)} {MARKER_X + 7},{_n(mid)}'
                f' {MARKER_X},{_n(mid + 7)} {MARKER_X - 7},{_n(mid)}" fill="{WHITE}" stroke="{TEXT}"'
                f' stroke-width="1.5">{tooltip}</polygon>'
            )
            words += (
                f'\n<text class="period" x="{MARKER_X + 14}" y="{text_y}" font-size="{FONT_SIZE}"'
                f' fill="{MUTED}">geen tijdspad</text>'
            )
        else:  # refers: a triangle pointing right, then (below) a link of its own to the action referred to
            out += (
                f'<polygon class="marker marker-refers" points="{MARKER_X - 6},{_n(mid - 7)} {MARKER_X + 7},{_n(mid)}'
                f' {MARKER_X - 6},{_n(mid + 7)}" fill="{LINK}">{tooltip}</polygon>'
            )
        out += f'\n</a>\n<g class="row-text" aria-hidden="true" pointer-events="none">\n{words}\n</g>'
        if kind != "refers":
            return out
        target = bar.refers_to or 0
        href = self.hrefs.get(target)
        pointer = f'<text class="period" x="{MARKER_X + 14}" y="{text_y}" font-size="{FONT_SIZE}"'
        if href is None:  # the action referred to is not in the picture: say it (the row's link does), no link
            return f'{out}\n<g aria-hidden="true">{pointer} fill="{MUTED}">→ {_t(notation(target))}</text></g>'
        label = f"Zie {notation(target)}, het tijdspad dat geldt voor {note}"
        return (
            f'{out}\n<a class="pointer"{_attr("href", href)}{_attr("aria-label", label)}{_attr("data-from", number)}'
            f"{_attr('data-action', target)}>\n"
            f'{pointer} fill="{LINK}" text-decoration="underline"><tspan aria-hidden="true">→ </tspan>'
            f"{_t(notation(target))}</text>\n</a>"
        )


# The matrix ------------------------------------------------------------------------------------------------


def pair_counts(participants: Iterable[Iterable[str]]) -> dict[tuple[str, str], int]:
    """For each action's portfolios (lead and partners), count the actions per pair, in both orders and (a, a)."""
    counts: dict[tuple[str, str], int] = {}
    for action in participants:
        members = sorted(set(action))
        for a in members:
            for b in members:
                counts[a, b] = counts.get((a, b), 0) + 1
    return counts


def pair_count(counts: Mapping[tuple[str, str], int], a: str, b: str) -> int:
    """The count of a pair, given under (a, b), (b, a) or both (then they must agree)."""
    one, other = counts.get((a, b)), counts.get((b, a))
    if one is not None and other is not None and one != other:
        raise ValueError(f"counts of ({a}, {b}) and ({b}, {a}) differ: {one} and {other}")
    return one if one is not None else other or 0


def shade_level(count: int, maximum: int) -> int:
    """0 for no action, else 1..5 by the share of `maximum` (the largest count on the same scale)."""
    if count <= 0 or maximum <= 0:
        return 0
    return min(len(MATRIX_SHADES) - 1, max(1, math.ceil((len(MATRIX_SHADES) - 1) * count / maximum)))


def cell_label(a: str, b: str, count: int) -> str:
    """A cell's accessible name: "Gelijke Kansen en Welzijn: 12 acties samen"; diagonal: "Welzijn: 30 acties"."""
    noun = "actie" if count == 1 else "acties"
    if a == b:
        return f"{a}: {count} {noun}"
    return f"{a} en {b}: {count} {noun} samen"


def _check_portfolios(portfolios: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in portfolios:
        if name in seen:
            raise ValueError(f"portfolio listed twice: {name}")
        seen.add(name)


def matrix_rows(portfolios: Sequence[str], counts: Mapping[tuple[str, str], int]) -> list[dict[str, object]]:
    """The matrix as table rows, one per portfolio: portfolio, total (its own actions), and pairs, the portfolios it
    shares actions with as {"portfolio", "count"}, most shared first (ties in the order of `portfolios`)."""
    _check_portfolios(portfolios)
    rows: list[dict[str, object]] = []
    for a in portfolios:
        shared = [(pair_count(counts, a, b), i, b) for i, b in enumerate(portfolios) if b != a]
        pairs = [{"portfolio": b, "count": n} for n, _, b in sorted(shared, key=lambda t: (-t[0], t[1])) if n > 0]
        rows.append({"portfolio": a, "total": pair_count(counts, a, a), "pairs": pairs})
    return rows


def matrix_svg(
    portfolios: Sequence[str],
    counts: Mapping[tuple[str, str], int],
    href: Callable[[str, str], str],
    *,
    title: str = "Samenwerking tussen beleidsdomeinen",
    id_prefix: str = "matrix",
) -> str:
    """The portfolios × portfolios matrix of shared actions; `href(row, column)` gives the link of a non-empty cell.

    Off-diagonal cells are shaded on one scale (the largest pair), the diagonal on its own (the largest portfolio).
    Each pair is drawn twice (the matrix is symmetric) but reached once by keyboard: the cells above the diagonal
    are links with tabindex -1.
    """
    _check_portfolios(portfolios)
    n = len(portfolios)
    pid = _id(id_prefix)
    value = {(a, b): pair_count(counts, a, b) for a in portfolios for b in portfolios}
    max_pair = max([value[a, b] for a in portfolios for b in portfolios if a != b], default=0)
    max_own = max([value[a, a] for a in portfolios], default=0)

    label_w = max([_text_width(p, FONT_SIZE) for p in portfolios], default=0.0) + 8
    grid_x = MATRIX_MARGIN + label_w + 8
    header_h = label_w * _SIN45 + 16
    grid_y = MATRIX_MARGIN + header_h
    grid_w = n * CELL
    width = grid_x + grid_w + label_w * _SIN45 + MATRIX_MARGIN
    legend_y = grid_y + grid_w + 12
    height = legend_y + LEGEND_H + MATRIX_MARGIN

    desc = (
        f"{n} beleidsdomeinen op beide assen. Elke cel geeft het aantal acties waaraan de twee beleidsdomeinen"
        " allebei meewerken, als verantwoordelijke of als partner; de diagonaal geeft het aantal acties van het"
        " beleidsdomein zelf. Hoe donkerder de cel, hoe meer acties (de diagonaal heeft een eigen schaal)."
        " Elke cel met acties is een link naar die acties."
    )
    out = _svg_open(pid, width, height, title, desc, "matrix")

    out.append('<g class="labels" aria-hidden="true">')
    for i, name in enumerate(portfolios):
        cy = grid_y + i * CELL + CELL / 2
        out.append(
            f'<text x="{_n(grid_x - 8)}" y="{_n(cy + 4.5)}" text-anchor="end" font-size="{FONT_SIZE}"'
            f' fill="{TEXT}">{_t(name)}</text>'
        )
    for j, name in enumerate(portfolios):
        cx, by = grid_x + j * CELL + CELL / 2, grid_y - 6
        out.append(
            f'<text x="{_n(cx)}" y="{_n(by)}" transform="rotate(-45 {_n(cx)} {_n(by)})" font-size="{FONT_SIZE}"'
            f' fill="{TEXT}">{_t(name)}</text>'
        )
    out.append("</g>")

    out.append('<g class="cells">')
    # per column its x's and attribute, per row its y's and attribute: made once, not per cell
    columns = [
        (b, _n(grid_x + j * CELL + 1), _n(grid_x + j * CELL + CELL / 2), _attr("data-col", b))
        for j, b in enumerate(portfolios)
    ]
    size, bold = f'" width="{CELL - 2}" height="{CELL - 2}" fill="', ' font-weight="700"'
    for i, a in enumerate(portfolios):
        y0 = grid_y + i * CELL
        rect_y, text_y, row = _n(y0 + 1), _n(y0 + CELL / 2 + 4.5), _attr("data-row", a)
        for j, (b, rect_x, text_x, column) in enumerate(columns):
            count = value[a, b]
            diagonal = i == j
            level = shade_level(count, max_own if diagonal else max_pair)
            fill, ink = MATRIX_SHADES[level]
            if diagonal:
                stroke = f' stroke="{TEXT}" stroke-width="2"'
            else:
                stroke = f' stroke="{RULE}" stroke-width="1"' if level == 0 else ""
            rect = f'<rect x="{rect_x}" y="{rect_y}{size}{fill}"{stroke}'
            number = (
                f'<text x="{text_x}" y="{text_y}" text-anchor="middle" font-size="{SMALL_FONT_SIZE}" fill="{ink}"'
                f"{bold if diagonal else ''}>{count}</text>"
            )
            where = f'{row}{column}{_attr("data-count", count)} data-level="{level}"'
            if count == 0:
                out.append(f'<g class="cell"{where} aria-hidden="true">\n{rect}/>\n{number}\n</g>')
                continue
            label = cell_label(a, b, count)
            tab = ' tabindex="-1"' if j > i else ""
            out.append(
                f'<a class="cell"{_attr("href", href(a, b))}{_attr("aria-label", label)}{tab}{where}>\n'
                f"{rect}><title>{_t(label)}</title></rect>\n{number}\n</a>"
            )
    out.append("</g>")

    # Legend: the five shades from few to many actions.
    out.append('<g class="legend" aria-hidden="true">')
    ly = legend_y + 16
    out.append(f'<text x="{_n(grid_x)}" y="{_n(ly)}" font-size="{SMALL_FONT_SIZE}" fill="{MUTED}">minder</text>')
    sx = grid_x + _text_width("minder ", SMALL_FONT_SIZE)
    for fill, _ in MATRIX_SHADES[1:]:
        out.append(
            f'<rect x="{_n(sx)}" y="{_n(ly - 11)}" width="18" height="14" fill="{fill}" stroke="{RULE}"'
            ' stroke-width="1"/>'
        )
        sx += 20
    out.append(
        f'<text x="{_n(sx + 4)}" y="{_n(ly)}" font-size="{SMALL_FONT_SIZE}" fill="{MUTED}">meer acties samen</text>'
    )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
