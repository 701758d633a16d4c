"""The two SVG pictures (src/hgkbp_ld/render/pictures.py): well-formed, true to their data, accessible.

Small synthetic inputs test the rules one by one; the plan's own 56 actions (tests/expected/) test the whole.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hgkbp_ld.bundled import STATIC
from hgkbp_ld.render import pictures
from hgkbp_ld.render.pictures import (
    TimelineBar,
    TimelineGroup,
    axis_years,
    matrix_rows,
    matrix_svg,
    pair_count,
    pair_counts,
    period_text,
    shorten,
    timeline_rows,
    timeline_svg,
    year_x,
)
from tests.expected import actions_01_28, actions_29_56
from tests.expected.goals import GOALS

ACTIONS = actions_01_28.ACTIONS + actions_29_56.ACTIONS
NS = "{http://www.w3.org/2000/svg}"
STYLE = STATIC / "style.css"


def action_href(number: int) -> str:
    return f"/doc/actie/hgkbp-2025-2029/{number}"


def pair_href(a: str, b: str) -> str:
    return f"/acties?bevoegdheid={a}&bevoegdheid={b}"


def plan_groups() -> list[TimelineGroup]:
    """The plan's goals with their actions: no end year is an open end, 51 points to 46, 53 has no time line."""
    groups = []
    for goal in GOALS:
        bars = []
        for action in ACTIONS:
            if action["goal"] != goal["code"]:
                continue
            timeline = action["timeline"]
            bars.append(
                TimelineBar(
                    number=action["number"],
                    title=action["title"],
                    href=action_href(action["number"]),
                    start=timeline["start_year"] if timeline else None,
                    end=timeline["end_year"] if timeline else None,
                    open_end=timeline is not None and timeline["end_year"] is None,
                    refers_to=action["refers_to_action"],
                )
            )
        groups.append(TimelineGroup(goal["code"], goal["title"], bars))
    return groups


def participants(action: dict) -> set[str]:
    return set(action["responsible"]) | set(action["collaborators"])


PORTFOLIOS = sorted({p for action in ACTIONS for p in participants(action)})


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def links(root: ET.Element, cls: str | None = None) -> list[ET.Element]:
    return [a for a in root.iter(f"{NS}a") if cls is None or a.get("class") == cls]


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


def visible_text(element: ET.Element) -> str:
    """The words shown in `element`: its <text> elements (not the tooltips of <title>), without layout newlines."""
    return " ".join(text_of(t) for t in element.iter(f"{NS}text"))


def texts(root: ET.Element) -> list[str]:
    return [text_of(t) for t in root.iter(f"{NS}text")]


def bar_rect(link: ET.Element) -> ET.Element | None:
    return next((r for r in link.iter(f"{NS}rect") if "bar" in (r.get("class") or "").split()), None)


def viewbox(root: ET.Element) -> list[float]:
    return [float(v) for v in root.get("viewBox", "").split()]


# WCAG 2.x contrast, written here from the definition rather than taken from the module.
def luminance(colour: str) -> float:
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# --- building blocks ---------------------------------------------------------------------------------------


def test_contrast_function_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_shorten_cuts_long_titles_at_a_word_with_an_ellipsis() -> None:
    assert shorten("Pioniersscholen") == "Pioniersscholen"
    title = "Onderzoek naar houdingen tegenover mensen met bepaalde kenmerken"
    short = shorten(title)
    assert len(short) <= 50 and short.endswith("…")
    assert title.startswith(short.removesuffix("…"))
    assert shorten("x" * 80) == "x" * 49 + "…"


@pytest.mark.parametrize(
    ("start", "end", "open_end"),
    [(None, 2027, True), (2028, 2026, False), (None, None, True), (2025, 2029, True)],
)
def test_a_bar_with_an_impossible_period_is_refused(start: int | None, end: int | None, open_end: bool) -> None:
    with pytest.raises(ValueError):
        TimelineBar(1, "t", "/1", start, end, open_end, None)


def test_a_deadline_is_drawn_from_the_left_edge_to_its_year() -> None:
    """`Tegen eind 2027`: an end without a start (a deadline), hatched from the plot's left edge."""
    bar = TimelineBar(7, "Tegen", "/a/7", None, 2027, False, None)
    assert (bar.kind, bar.last, period_text(bar)) == ("deadline", 2027, "tegen 2027")
    root = parse(timeline_svg([TimelineGroup("HD1", "Doel", [bar])]))
    (action,) = links(root, "action")
    assert action.get("aria-label") == "Actie 7: Tegen, tegen 2027, zonder begindatum"
    rect = bar_rect(action)
    assert rect is not None and rect.get("class") == "bar bar-deadline" and rect.get("data-start") is None
    assert float(rect.get("x")) + float(rect.get("width")) == pytest.approx(year_x(2028, 2025, 2029, 2029), abs=0.01)
    assert float(rect.get("x")) < year_x(2025, 2025, 2029, 2029) + 0.01
    assert "tegen 2027" in texts(root)


def test_year_x_is_linear_without_a_break_and_compresses_the_years_in_a_break() -> None:
    assert year_x(2025) == pictures.PLOT_X0
    assert year_x(2030) - year_x(2029) == pictures.YEAR_W
    assert year_x(2031, axis_end=2030) - year_x(2030, axis_end=2030) == pictures.YEAR_W  # one more year: no break
    # Axis to 2040: 2030..2039 share BREAK_W, 2040 is a whole year again.
    assert year_x(2040, axis_end=2040) - year_x(2030, axis_end=2040) == pictures.BREAK_W
    assert year_x(2041, axis_end=2040) - year_x(2040, axis_end=2040) == pictures.YEAR_W
    xs = [year_x(y, axis_end=2040) for y in range(2025, 2042)]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)


# --- the time line, synthetic ------------------------------------------------------------------------------


def small_groups() -> list[TimelineGroup]:
    return [
        TimelineGroup(
            "HD1",
            "Eerste doel",
            [
                TimelineBar(1, "Twee jaar", "/a/1", 2026, 2027, False, None),
                TimelineBar(2, "Eén jaar", "/a/2", 2025, 2025, False, None),
                TimelineBar(3, "Vanaf", "/a/3", 2026, None, True, None),
            ],
        ),
        TimelineGroup(
            "HD2",
            "Tweede doel",
            [
                TimelineBar(4, "Zonder", "/a/4", None, None, False, None),
                TimelineBar(5, "Zie één", "/a/5", None, None, False, 1),
            ],
        ),
    ]


def test_timeline_root_is_a_named_group_that_scales() -> None:
    root = parse(timeline_svg(small_groups()))
    assert root.get("role") == "group"
    assert root.get("width") == "100%"
    assert len(viewbox(root)) == 4
    first, second = list(root)[:2]
    assert first.tag == f"{NS}title" and second.tag == f"{NS}desc"
    assert root.get("aria-labelledby") == first.get("id")
    assert root.get("aria-describedby") == second.get("id")
    assert first.text == "Tijdlijn van de acties"
    assert "font-family" not in timeline_svg(small_groups())
    assert "style" not in timeline_svg(small_groups())  # the site's CSP allows no inline style


def test_timeline_draws_each_kind_of_action() -> None:
    svg = timeline_svg(small_groups())
    root = parse(svg)
    actions = links(root, "action")
    assert [a.get("data-action") for a in actions] == ["1", "2", "3", "4", "5"]
    assert [a.get("href") for a in actions] == [f"/a/{n}" for n in range(1, 6)]
    labels = [a.get("aria-label") for a in actions]
    assert labels == [
        "Actie 1: Twee jaar, 2026 tot en met 2027",
        "Actie 2: Eén jaar, in 2025",
        "Actie 3: Vanaf, vanaf 2026, zonder einddatum",
        "Actie 4: Zonder, geen tijdspad",
        "Actie 5: Zie één, geen eigen tijdspad, zie Actie 1",
    ]
    # The visible text of each action's link is its notation, which begins its accessible name (WCAG 2.5.3).
    assert all(visible_text(a) == f"Actie {a.get('data-action')}" for a in actions)

    (pointer,) = links(root, "pointer")
    assert pointer.get("href") == "/a/1" and pointer.get("data-from") == "5"
    assert visible_text(pointer) == "→ Actie 1"
    words = texts(root)
    assert {"2026–2027", "2025", "vanaf 2026", "geen tijdspad"} <= set(words)

    _, last = axis_years(small_groups())
    assert last == 2029

    def x(year: int) -> float:
        return year_x(year, 2025, 2029, 2029)

    by_number = {a.get("data-action"): a for a in actions}
    for number, start, end in (("1", 2026, 2027), ("2", 2025, 2025)):
        rect = bar_rect(by_number[number])
        assert rect is not None
        assert (rect.get("data-start"), rect.get("data-end")) == (str(start), str(end))
        assert float(rect.get("x")) == pytest.approx(x(start), abs=0.01)
        assert float(rect.get("x")) + float(rect.get("width")) == pytest.approx(x(end + 1), abs=0.01)

    # The open bar runs to the right edge, hatched and dashed, and ends in an arrow.
    open_rect = bar_rect(by_number["3"])
    assert open_rect is not None and open_rect.get("data-open") == "true"
    assert float(open_rect.get("x")) + float(open_rect.get("width")) == pytest.approx(x(2030), abs=0.01)
    assert open_rect.get("fill", "").startswith("url(#") and open_rect.get("stroke-dasharray")
    assert by_number["3"].find(f"{NS}polygon[@class='arrow']") is not None
    assert by_number["4"].find(f"{NS}polygon[@class='marker marker-none']") is not None
    assert by_number["5"].find(f"{NS}polygon[@class='marker marker-refers']") is not None
    assert bar_rect(by_number["4"]) is None and bar_rect(by_number["5"]) is None

    # No break on an axis that ends in last_year.
    assert not root.findall(f".//{NS}polygon[@class='break']")
    assert "…" not in words


def test_timeline_rows_are_the_table_alternative() -> None:
    rows = timeline_rows(small_groups())
    assert [(r["goal"], r["notation"], r["period"], r["kind"]) for r in rows] == [
        ("HD1", "Actie 1", "2026–2027", "bar"),
        ("HD1", "Actie 2", "2025", "bar"),
        ("HD1", "Actie 3", "vanaf 2026", "open"),
        ("HD2", "Actie 4", "geen tijdspad", "none"),
        ("HD2", "Actie 5", "zie Actie 1", "refers"),
    ]
    assert rows[4]["refers_href"] == "/a/1" and rows[0]["refers_href"] is None
    assert rows[0]["title"] == "Twee jaar" and rows[0]["href"] == "/a/1" and rows[0]["goal_title"] == "Eerste doel"


def test_timeline_escapes_every_text() -> None:
    nasty = "Actie <b>\"quoted\"</b> & 'apostrof' \x01 ]]>"
    groups = [TimelineGroup("HD<1>", "Doel & co", [TimelineBar(7, nasty, "/a?x=1&y=<2>", 2025, 2026, False, None)])]
    root = parse(timeline_svg(groups, id_prefix='bad "id" <x>'))
    (link,) = links(root, "action")
    assert link.get("href") == "/a?x=1&y=<2>"
    assert link.get("aria-label") == "Actie 7: Actie <b>\"quoted\"</b> & 'apostrof'  ]]>, 2025 tot en met 2026"
    rect = bar_rect(link)
    assert rect is not None
    assert rect.find(f"{NS}title").text.startswith('Actie 7: Actie <b>"quoted"</b> &')
    assert any(t.startswith("HD<1>") for t in texts(root))
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", e.get("id")) for e in root.iter() if e.get("id"))


def test_timeline_is_deterministic() -> None:
    assert timeline_svg(plan_groups()) == timeline_svg(plan_groups())
    assert matrix_svg(PORTFOLIOS, pair_counts(map(participants, ACTIONS)), pair_href) == matrix_svg(
        PORTFOLIOS, pair_counts(map(participants, ACTIONS)), pair_href
    )


@settings(max_examples=60, deadline=None)
@given(title=st.text(max_size=120), code=st.text(max_size=20), href=st.text(max_size=40), name=st.text(max_size=30))
def test_any_text_gives_well_formed_svg(title: str, code: str, href: str, name: str) -> None:
    groups = [TimelineGroup(code, title, [TimelineBar(1, title, href, 2025, None, True, None)])]
    parse(timeline_svg(groups))
    parse(matrix_svg([name, name + "x"], {(name, name): 1, (name, name + "x"): 1}, lambda a, b: href))


# --- the time line of the plan -----------------------------------------------------------------------------


def test_plan_timeline_has_one_link_per_action_and_one_for_the_pointer_of_51() -> None:
    root = parse(timeline_svg(plan_groups()))
    # 57 links: one per action (class "action") plus the "→ Actie 46" of action 51 (class "pointer").
    assert len(links(root)) == 57
    actions = links(root, "action")
    assert sorted(int(a.get("data-action")) for a in actions) == list(range(1, 57))
    for link in actions:
        number = int(link.get("data-action"))
        assert link.get("href") == action_href(number)
        title = next(a["title"] for a in ACTIONS if a["number"] == number)
        assert link.get("aria-label").startswith(f"Actie {number}: {' '.join(title.split())}, ")
    (pointer,) = links(root, "pointer")
    assert pointer.get("href") == action_href(46) and pointer.get("data-from") == "51"
    assert visible_text(pointer) == "→ Actie 46"
    by_number = {int(a.get("data-action")): a for a in actions}
    assert by_number[51].get("data-kind") == "refers"
    assert by_number[53].get("data-kind") == "none"
    assert by_number[53].get("aria-label").endswith(", geen tijdspad")
    title_12 = next(a["title"] for a in ACTIONS if a["number"] == 12)
    assert by_number[12].get("aria-label") == f"Actie 12: {title_12}, 2026 tot en met 2029"
    assert "geen tijdspad" in texts(root)


def test_plan_timeline_axis_reaches_2040_with_a_break() -> None:
    groups = plan_groups()
    assert axis_years(groups) == (2025, 2040)
    root = parse(timeline_svg(groups))
    axis = root.find(f"{NS}g[@class='axis']")
    assert axis is not None and axis.get("aria-hidden") == "true"
    ticks = [text_of(t) for t in axis.iter(f"{NS}text")]
    assert ticks == ["2025", "2026", "2027", "2028", "2029", "2040", "…"]
    right = year_x(2041, 2025, 2029, 2040)
    assert viewbox(root)[2] > right
    (bar_27,) = [a for a in links(root, "action") if a.get("data-action") == "27"]
    rect = bar_rect(bar_27)
    assert rect is not None
    assert float(rect.get("x")) + float(rect.get("width")) == pytest.approx(right, abs=0.01)
    assert bar_27.find(f"{NS}polygon[@class='break']") is not None  # the bar shows the break it crosses


def test_plan_timeline_bars_cover_their_years() -> None:
    root = parse(timeline_svg(plan_groups()))
    by_number = {int(a.get("data-action")): a for a in links(root, "action")}

    def x(year: int) -> float:
        return year_x(year, 2025, 2029, 2040)

    open_ended = []
    for action in ACTIONS:
        link, timeline = by_number[action["number"]], action["timeline"]
        rect = bar_rect(link)
        if timeline is None:
            assert rect is None
            continue
        assert rect is not None
        start, end = timeline["start_year"], timeline["end_year"]
        assert int(rect.get("data-start")) == start
        assert float(rect.get("x")) == pytest.approx(x(start), abs=0.01)
        right = float(rect.get("x")) + float(rect.get("width"))
        assert rect.find(f"{NS}title").text.startswith(f"Actie {action['number']}: {' '.join(action['title'].split())}")
        if end is None:
            open_ended.append(action["number"])
            assert rect.get("data-open") == "true" and rect.get("data-end") is None
            assert right == pytest.approx(x(2041), abs=0.01)
            assert rect.get("stroke-dasharray") and link.find(f"{NS}polygon[@class='arrow']") is not None
            assert link.get("aria-label").endswith(f"vanaf {start}, zonder einddatum")
        else:
            assert int(rect.get("data-end")) == end
            assert right == pytest.approx(x(end + 1), abs=0.01)
    assert open_ended == [7, 16, 36, 38]
    assert {"vanaf 2026", "vanaf 2025"} <= set(texts(root))


def test_plan_timeline_rows() -> None:
    rows = timeline_rows(plan_groups())
    assert [r["number"] for r in rows] == list(range(1, 57))
    period = {r["number"]: r["period"] for r in rows}
    assert (period[12], period[3], period[7], period[27]) == ("2026–2029", "2026", "vanaf 2026", "2026–2040")
    assert (period[51], period[53]) == ("zie Actie 46", "geen tijdspad")
    assert rows[50]["refers_href"] == action_href(46)
    assert {r["goal"] for r in rows} == {g["code"] for g in GOALS}


# --- the matrix --------------------------------------------------------------------------------------------


def cells(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {(c.get("data-row"), c.get("data-col")): c for c in root.iter() if c.get("data-row") is not None}


def cell_number(cell: ET.Element) -> int:
    return int(text_of(cell.find(f"{NS}text")))


def test_matrix_small() -> None:
    counts = pair_counts([{"A", "B"}, {"A"}, {"B", "C"}, {"A", "B"}])
    assert counts["A", "B"] == counts["B", "A"] == 2 and counts["A", "A"] == 3 and ("A", "C") not in counts
    calls: list[tuple[str, str]] = []

    def href(a: str, b: str) -> str:
        calls.append((a, b))
        return f"/p/{a}/{b}"

    svg = matrix_svg(["A", "B", "C"], counts, href)
    root = parse(svg)
    assert root.get("role") == "group" and root.get("width") == "100%"
    assert [e.tag for e in list(root)[:2]] == [f"{NS}title", f"{NS}desc"]
    assert root.get("aria-labelledby") == "matrix-title" and root.get("aria-describedby") == "matrix-desc"
    grid = cells(root)
    assert len(grid) == 9
    assert {k: cell_number(c) for k, c in grid.items()} == {
        ("A", "A"): 3, ("A", "B"): 2, ("A", "C"): 0,
        ("B", "A"): 2, ("B", "B"): 3, ("B", "C"): 1,
        ("C", "A"): 0, ("C", "B"): 1, ("C", "C"): 1,
    }  # fmt: skip
    assert grid["A", "B"].get("aria-label") == "A en B: 2 acties samen"
    assert grid["C", "B"].get("aria-label") == "C en B: 1 actie samen"
    assert grid["C", "C"].get("aria-label") == "C: 1 actie"
    assert grid["A", "B"].get("href") == "/p/A/B"
    # Empty cells are no links; each pair is reached once by keyboard (the cells above the diagonal are not tab stops).
    assert grid["A", "C"].tag == f"{NS}g" and grid["A", "C"].get("aria-hidden") == "true"
    assert len(links(root)) == 7 and len(calls) == 7
    assert grid["A", "B"].get("tabindex") == "-1" and grid["B", "A"].get("tabindex") is None
    assert matrix_rows(["A", "B", "C"], counts) == [
        {"portfolio": "A", "total": 3, "pairs": [{"portfolio": "B", "count": 2}]},
        {"portfolio": "B", "total": 3, "pairs": [{"portfolio": "A", "count": 2}, {"portfolio": "C", "count": 1}]},
        {"portfolio": "C", "total": 1, "pairs": [{"portfolio": "B", "count": 1}]},
    ]


def test_matrix_accepts_one_orientation_and_refuses_disagreeing_ones() -> None:
    root = parse(matrix_svg(["A", "B"], {("B", "A"): 4}, pair_href))
    assert cell_number(cells(root)["A", "B"]) == 4
    assert pair_count({("A", "B"): 1, ("B", "A"): 1}, "A", "B") == 1
    with pytest.raises(ValueError):
        pair_count({("A", "B"): 1, ("B", "A"): 2}, "A", "B")
    with pytest.raises(ValueError):
        matrix_svg(["A", "A"], {}, pair_href)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Gelijke Kansen", "Welzijn"),
        ("Gelijke Kansen", "Jeugd"),
        ("Cultuur", "Jeugd"),
        ("Welzijn", "Wonen"),
        ("Mobiliteit", "Sport"),
        ("Justitie", "Cultuur"),
        ("Gelijke Kansen", "Gelijke Kansen"),
        ("Onderwijs", "Onderwijs"),
    ],
)
def test_plan_matrix_counts_equal_the_expected_tables(a: str, b: str) -> None:
    expected = sum(1 for action in ACTIONS if {a, b} <= participants(action))
    root = parse(matrix_svg(PORTFOLIOS, pair_counts(map(participants, ACTIONS)), pair_href))
    grid = cells(root)
    assert cell_number(grid[a, b]) == cell_number(grid[b, a]) == expected
    if expected:
        noun = "actie" if expected == 1 else "acties"
        label = f"{a}: {expected} {noun}" if a == b else f"{a} en {b}: {expected} {noun} samen"
        assert grid[a, b].get("aria-label") == label
        assert grid[a, b].get("href") == pair_href(a, b)


def test_plan_matrix_gelijke_kansen_and_welzijn() -> None:
    # Pinned numbers, counted by hand from the tables: guards against both sides of the test drifting together.
    root = parse(matrix_svg(PORTFOLIOS, pair_counts(map(participants, ACTIONS)), pair_href))
    grid = cells(root)
    assert grid["Gelijke Kansen", "Welzijn"].get("aria-label") == "Gelijke Kansen en Welzijn: 28 acties samen"
    assert cell_number(grid["Gelijke Kansen", "Gelijke Kansen"]) == 53
    assert len(grid) == len(PORTFOLIOS) ** 2
    rows = matrix_rows(PORTFOLIOS, pair_counts(map(participants, ACTIONS)))
    gk = next(r for r in rows if r["portfolio"] == "Gelijke Kansen")
    assert gk["total"] == 53 and gk["pairs"][0] == {"portfolio": "Welzijn", "count": 28}


# --- colours -----------------------------------------------------------------------------------------------


def test_the_site_colours_are_the_style_sheets() -> None:
    css = STYLE.read_text(encoding="utf-8")
    for variable, colour in (("text", pictures.TEXT), ("muted", pictures.MUTED), ("link", pictures.LINK)):
        assert re.search(rf"--{variable}:\s*{colour};", css), variable


def test_every_text_colour_pair_reaches_4_5_and_every_graphic_3() -> None:
    for text, background in pictures.TEXT_PAIRS:
        assert contrast(text, background) >= 4.5, (text, background)
    for graphic, background in pictures.GRAPHIC_PAIRS:
        assert contrast(graphic, background) >= 3, (graphic, background)
    for fill, ink in pictures.MATRIX_SHADES:
        assert (ink, fill) in pictures.TEXT_PAIRS


def test_the_pictures_use_only_the_checked_text_colours() -> None:
    foregrounds = {text for text, _ in pictures.TEXT_PAIRS}
    timeline = parse(timeline_svg(plan_groups()))
    matrix = parse(matrix_svg(PORTFOLIOS, pair_counts(map(participants, ACTIONS)), pair_href))
    for root in (timeline, matrix):
        assert {t.get("fill") for t in root.iter(f"{NS}text")} <= foregrounds
    # Each number in the matrix against its own cell (white on the dark shades).
    for cell in cells(matrix).values():
        rect, number = cell.find(f"{NS}rect"), cell.find(f"{NS}text")
        assert contrast(number.get("fill"), rect.get("fill")) >= 4.5, cell.get("aria-label")
    dark = cells(matrix)["Gelijke Kansen", "Welzijn"]
    assert dark.find(f"{NS}text").get("fill") == pictures.WHITE
