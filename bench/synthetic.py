"""Synthetic plans with the real plan's shape, for the scale benchmark (bench/scale.py).

    .venv/bin/python -m bench.synthetic FOLDER [--factor N] [--seed S]

writes FOLDER/data, a data folder that `hgkbp-ld build --data FOLDER/data` builds: N fictitious
plan texts (`source/synth-0001.txt` …) in the format of data/source/hgkbp-2025-2029.txt, one
`plans/synth-NNNN.toml` each (unique slug and dataset title), the SDG links they name, and copies
of the registers (portfolios, other plans, ministers, the catalogue). Factor N is N plans about the
size of the real one: a portal publishing many plans.

A synthetic text goes through the real parser (strict): chapter 1 with the plan's name and
abbreviation, its complementary plans, principles and numbered goal list; then per goal its
capitalised heading, introduction, box of related plans, operational goals and actions with their
labelled fields. It carries the PDF noise the parser handles by rule (docs/parse-rules.md): wrapped
lines, trailing spaces, page-break indents, blank lines inside a sentence, the split
`Verantwoordelijke / minister(s)` label, spelling variants from data/portfolios.csv, other partners,
several ministers on one line, shortened headings and headings without `HD n:`, footnotes with
broken URLs and link annotations, open and whole-term timelines, a garbled `2029Indicator(en)`, an
action without timeline and one that is worked out under another.

Every size and choice is drawn with a `random.Random` seeded per plan (`seed`, plan number), from
the real plan's own distributions (operational goals per goal, actions per operational goal,
description and introduction lengths, collaborators and indicators per action, how often each
portfolio leads or joins), and the prose is made of the real plan's lowercase words, so that a
synthetic plan costs about what the real one costs to parse, map, validate and write: 56 actions
± 20 %, 6 to 8 goals, about 26 operational goals (the real plan: 7, 26, 56). Plan i is the same text
whatever the factor (the plans of factor 10 are the first ten of factor 100), and the same seed gives
the same bytes as long as the real plan text, the registers and the parser stay as they are.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from hgkbp_ld.dutch import OPEN_ENDINGS
from hgkbp_ld.mapping import describe_blocks
from hgkbp_ld.parse import parse_file
from hgkbp_ld.registers import Registers

ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = ROOT / "data"
REAL_TEXT = REAL_DATA / "source" / "hgkbp-2025-2029.txt"
REGISTER_FILES = (
    "portfolios.csv",
    "plans.csv",
    "ministers.csv",
    "mandate-status.csv",
    "sdg-links.csv",
    "catalogue.toml",
)
MARKER = ".synthetic"  # make_data only ever clears a data folder that holds this file
WIDTH = 104  # the real text's lines are about this long
REAL_SIZE = (7, 26, 56)  # goals, operational goals, actions of the real plan

# Words that would change how the parser reads a line if the prose used them (they open a field,
# a box or a reference, or they steer the introduction's lists); the prose leaves them out.
_UNSAFE_WORDS = frozenset({"gelinkt", "uitgewerkt", "vanaf", "bepalen", "bepaald", "legislatuur", "minister"})
_UNSAFE_PARTS = ("principe", "complementair")
_UNSAFE_OPENERS = frozenset(
    {"Actie", "Acties", "In", "Tijdspad", "Verantwoordelijke", "Indicator", "Indicatoren", "Minister", "Vlaams"}
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_OPENER = re.compile(r"(?:^|[.!?:]\s+)([A-ZÀ-Þ][a-zà-ÿ]+)\b", re.MULTILINE)
_THEMES = (
    "gelijkekansen",
    "toegankelijkheids",
    "inclusie",
    "diversiteits",
    "emancipatie",
    "participatie",
    "welzijns",
    "integratie",
    "armoede",
    "ouderen",
    "gender",
    "mensenrechten",
)
_INTRO_SECTIONS = ("DECRETAAL KADER", "SITUERING", "DOELSTELLINGENKADER", "METHODIEK", "BUDGET")


@dataclass(frozen=True)
class Shape:
    """What the real plan looks like, as distributions to draw from."""

    ods_per_goal: tuple[int, ...]
    actions_per_od: tuple[int, ...]
    description_chars: tuple[int, ...]
    intro_chars: tuple[int, ...]
    title_words: tuple[int, ...]
    collaborators: tuple[int, ...]
    indicators: tuple[int, ...]
    indicator_words: tuple[int, ...]
    leads: tuple[str, ...]  # portfolio slugs, each as often as it leads an action (+1)
    joins: tuple[str, ...]  # portfolio slugs, each as often as it joins an action (+1)
    words: tuple[str, ...]  # the real plan's lowercase words, each as often as it occurs
    openers: tuple[str, ...]  # the words that open its sentences, as often as they do


@lru_cache(maxsize=1)
def real_shape() -> Shape:
    """The distributions of the real plan (data/source/hgkbp-2025-2029.txt, parsed)."""
    registers = Registers.load(REAL_DATA)
    plan = parse_file(REAL_TEXT, registers=registers)
    text = re.sub(r"https?://\S+", " ", REAL_TEXT.read_text(encoding="utf-8"))
    actions = [a for a in plan.actions if a.refers_to_action is None]
    slugs = [p.slug for p in registers.portfolios.portfolios]
    leads = Counter(r.slug for a in actions for r in a.responsible)
    joins = Counter(r.slug for a in actions for r in a.collaborators)
    words = tuple(
        w
        for w in _WORD.findall(text)
        if w.islower() and len(w) > 1 and w not in _UNSAFE_WORDS and not any(p in w for p in _UNSAFE_PARTS)
    )
    openers = tuple(w for w in _OPENER.findall(text) if w not in _UNSAFE_OPENERS)
    return Shape(
        ods_per_goal=tuple(len(g.operational_goals) for g in plan.goals),
        actions_per_od=tuple(len(od.actions) for g in plan.goals for od in g.operational_goals),
        description_chars=tuple(len(describe_blocks(a.description)) for a in actions),
        intro_chars=tuple(len(describe_blocks(g.introduction)) for g in plan.goals),
        title_words=tuple(len(a.title.split()) for a in actions),
        collaborators=tuple(len(a.collaborators) for a in actions),
        indicators=tuple(len(a.indicators) for a in actions if a.indicators),
        indicator_words=tuple(len(i.split()) for a in actions for i in a.indicators),
        leads=tuple(s for s in slugs for _ in range(leads[s] + 1)),
        joins=tuple(s for s in slugs for _ in range(joins[s] + 1)),
        words=words,
        openers=openers,
    )


@dataclass(frozen=True)
class _Names:
    """The registers as the generator needs them: names as a plan prints them."""

    spellings: dict[str, tuple[str, ...]]  # portfolio slug -> canonical minister title, then aliases
    plan_names: tuple[tuple[str, ...], ...]  # per other plan: its title and aliases
    sdg_rows: tuple[dict[str, str], ...]  # data/sdg-links.csv


@lru_cache(maxsize=4)
def _registers(data: Path) -> _Names:
    registers = Registers.load(data)
    spellings = {
        p.slug: (p.minister_title, *sorted(a for a in p.aliases if a != p.minister_title))
        for p in registers.portfolios.portfolios
    }
    names = tuple((p.title, *p.aliases) for p in registers.plans.plans)
    with (data / "sdg-links.csv").open(encoding="utf-8", newline="") as handle:
        rows = tuple(csv.DictReader(handle))
    return _Names(spellings, names, rows)


class _Text:
    """One plan text being written: lines with the PDF's noise."""

    def __init__(self, rng: random.Random, shape: Shape) -> None:
        self.rng = rng
        self.shape = shape
        self.lines: list[str] = []
        self.footnotes = 0  # footnotes defined so far

    # --- words ---------------------------------------------------------------------------------

    def words(self, count: int) -> list[str]:
        return [self.rng.choice(self.shape.words) for _ in range(max(count, 1))]

    def sentence(self, count: int, opener: str | None = None) -> str:
        return " ".join([opener or self.rng.choice(self.shape.openers), *self.words(count - 1)]) + "."

    def title(self, count: int) -> str:
        """A title without its period that, like a real one, does not end in a word of Dutch's closed
        classes (an article, a preposition, ...): the parser reads such an ending as a title wrapped
        onto the next line (docs/parse-rules.md)."""
        words = self.sentence(count)[:-1].split()
        while len(words) > 1 and words[-1].lower() in OPEN_ENDINGS:
            words.pop()
        return " ".join(words)

    def prose(self, chars: int) -> list[str]:
        """Sentences of 6-24 words, about `chars` characters in all."""
        sentences: list[str] = []
        total = 0
        while total < chars or not sentences:
            sentences.append(self.sentence(self.rng.randint(6, 24)))
            total += len(sentences[-1]) + 1
        return sentences

    # --- lines ---------------------------------------------------------------------------------

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def blank(self) -> None:
        self.add(self.rng.choice(("", "", " ", "  ")))

    @staticmethod
    def wrap(text: str, width: int = WIDTH) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            if current and len(current) + 1 + len(word) > width:
                lines.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        if current:
            lines.append(current)
        return lines

    def paragraph(self, text: str, first: str = "", width: int = WIDTH, gaps: bool = True) -> None:
        """Wrapped lines, each with a trailing space; now and then a page-break indent, or (`gaps`,
        not in titles) a blank line inside the sentence before a line starting in lowercase."""
        for number, line in enumerate(self.wrap(f"{first}{text}", width)):
            if gaps and number and line[0].islower() and self.rng.random() < 0.03:
                self.blank()
            indent = " " if self.rng.random() < 0.02 else ""
            self.add(f"{indent}{line} ")

    def bullets(self, items: list[str], marker: str = "-") -> None:
        spaced = self.rng.random() < 0.4  # a blank line between the items, as after a page break
        for item in items:
            self.paragraph(item, f"{marker} ")
            if spaced:
                self.blank()

    def cite(self, sentence: str, slug: str) -> tuple[str, list[str]]:
        """The sentence with the next footnote's number glued to its last word, and the
        footnote's lines (definition, maybe its URL broken over two lines, maybe the link
        annotation repeating the URL)."""
        self.footnotes += 1
        number = self.footnotes
        cited = sentence[:-1] + f"{number}."
        if self.rng.random() < 0.3:
            body = [f"{number} {self.sentence(self.rng.randint(5, 12), 'Zie')}"]
            return cited, body
        url = f"https://example.org/synthetisch/{slug}/bronnen/noot-{number}.html"
        if self.rng.random() < 0.3:
            cut = url.index("/bronnen/") + len("/bronnen/")
            body = [f"{number} {url[:cut]}", url[cut:]]
        else:
            body = [f"{number} {url} "]
        if self.rng.random() < 0.5:
            body += ["", url]
        return cited, body


@dataclass(frozen=True)
class _Sizes:
    goals: int
    ods: tuple[tuple[int, ...], ...]  # per goal, per OD: its number of actions


def _spread(rng: random.Random, total: int, bins: int, weights: tuple[int, ...]) -> list[int]:
    """`total` split over `bins`, at least 1 each, the rest drawn with the real plan's weights."""
    counts = [1] * bins
    drawn = [rng.choice(weights) for _ in range(bins)]
    for _ in range(total - bins):
        counts[rng.choices(range(bins), weights=drawn)[0]] += 1
    return counts


def _sizes(rng: random.Random, shape: Shape) -> _Sizes:
    goals_real, ods_real, actions_real = REAL_SIZE
    actions = round(actions_real * rng.uniform(0.8, 1.2))
    goals = rng.choice((goals_real - 1, goals_real, goals_real, goals_real, goals_real + 1))
    ods = min(actions, max(goals, round(ods_real * actions / actions_real * rng.uniform(0.9, 1.1))))
    per_goal = _spread(rng, ods, goals, shape.ods_per_goal)
    per_od = iter(_spread(rng, actions, ods, shape.actions_per_od))
    return _Sizes(goals, tuple(tuple(next(per_od) for _ in range(n)) for n in per_goal))


def _name(rng: random.Random) -> tuple[str, str]:
    """The plan's name (two capitalised words) and the abbreviation the parser derives it from."""
    theme = rng.choice(_THEMES)
    policy = rng.random() < 0.6
    second = theme.capitalize() + ("beleids" if policy else "") + "plan"
    return f"Synthetisch {second}", "S" + theme[0].upper() + ("B" if policy else "") + "P"


def plan_text(index: int, seed: int = 1, data: Path = REAL_DATA) -> tuple[str, int]:
    """The text of synthetic plan `index` (1-based) and its number of goals."""
    rng = random.Random(f"hgkbp-ld synthetic plan/{seed}/{index}")
    shape = real_shape()
    registers = _registers(data)
    slug = f"synth-{index:04d}"
    out = _Text(rng, shape)
    sizes = _sizes(rng, shape)
    name, abbreviation = _name(rng)
    start = rng.randint(2019, 2031)
    end = start + rng.choice((4, 4, 4, 5, 3))

    # --- chapter 1 -----------------------------------------------------------------------------
    out.add(" 1 INLEIDING ")
    out.blank()
    intro = out.prose(rng.randint(500, 1200))
    intro.insert(1, f"Dit {name} is een verzonnen plan, gemaakt om hgkbp-ld op schaal te meten.")
    intro.insert(3, f"Met dit {name} zetten we stappen naar een warm en inclusief Vlaanderen.")
    out.paragraph(" ".join(intro))
    out.blank()
    out.add(f"1.1 {_INTRO_SECTIONS[0]} ")
    out.blank()
    cited, footnote = out.cite(out.sentence(rng.randint(8, 20)), slug)
    out.paragraph(" ".join([*out.prose(rng.randint(150, 400)), cited]))
    out.blank()
    out.paragraph(out.sentence(rng.randint(6, 12))[:-1] + ":")
    out.blank()
    out.bullets([out.sentence(rng.randint(10, 30)) for _ in range(rng.randint(2, 4))])
    out.blank()
    for line in footnote:
        out.add(line)
    out.blank()
    out.add(f"1.2 {_INTRO_SECTIONS[1]} ")
    out.blank()
    out.paragraph(" ".join(out.prose(rng.randint(300, 700))))
    out.blank()
    out.paragraph(f"Dit {name} is daarom complementair aan o.a.: ")
    out.blank()
    for names in rng.sample(registers.plan_names, rng.randint(3, len(registers.plan_names))):
        title = rng.choice(names)
        out.add(f"- {title if '(' in title or title.startswith('Het ') else 'Het ' + title} ")
    out.blank()
    out.add(f"1.3 {_INTRO_SECTIONS[2]} ")
    out.blank()
    principles = rng.randint(2, 5)
    out.paragraph(f"Het doelstellingenkader definieert {principles} leidende principes voor dit plan: ")
    out.blank()
    out.bullets([out.sentence(rng.randint(4, 9))[:-1] for _ in range(principles)])
    out.blank()
    out.paragraph(f"Voorliggend actieplan geeft de concrete acties weer voor volgende {sizes.goals} doelstellingen: ")
    titles = [out.sentence(rng.randint(5, 13), "We")[:-1] for _ in range(sizes.goals)]
    for number, title in enumerate(titles, start=1):
        lines = out.wrap(f"{number}. {title}", rng.choice((WIDTH, WIDTH, 70)))
        out.add(f"{' ' if number == 1 else ''}{lines[0]} ")
        for line in lines[1:]:
            out.blank()
            out.add(f"{line} ")
    out.blank()
    out.add(f"1.4 {_INTRO_SECTIONS[3]} ")
    out.blank()
    evaluation = f"Daarom wordt een evaluatie van het {abbreviation} ’{start % 100:02d} –’{end % 100:02d} voorzien."
    out.paragraph(" ".join([*out.prose(rng.randint(200, 600)), evaluation]))
    out.blank()
    out.add(f"1.5 {_INTRO_SECTIONS[4]} ")
    out.blank()
    out.paragraph(" ".join(out.prose(rng.randint(200, 500))))
    out.add(" 2 GEÏNTEGREERD ACTIEPLAN ")
    out.blank()

    # --- chapter 2 -----------------------------------------------------------------------------
    action = 0
    written: dict[int, str] = {}  # action number -> title
    for goal, od_sizes in enumerate(sizes.ods, start=1):
        heading = titles[goal - 1].upper()
        if rng.random() < 0.1:
            heading = " ".join(heading.split()[: max(3, len(heading.split()) - 3)])
        code = "" if rng.random() < 0.15 else f"HD {goal}: "
        lines = out.wrap(f"2.{goal} {code}{heading}", 80)
        out.add(f"{lines[0]} ")
        for line in lines[1:]:
            out.blank()
            out.add(f"{line} ")
        out.blank()
        out.paragraph(" ".join(out.prose(rng.choice(shape.intro_chars))))
        out.blank()
        if rng.random() < 0.85:
            out.add("Acties gelinkt aan deze doelstelling in andere horizontale plannen ")
            out.blank()
            for names in rng.sample(registers.plan_names, rng.randint(2, len(registers.plan_names))):
                out.paragraph(rng.choice(names), " " if rng.random() < 0.1 else "", width=rng.randint(30, 45))
                out.blank()
        for od, actions in enumerate(od_sizes, start=1):
            colon = ":" if rng.random() < 0.9 else ""
            out.paragraph(out.sentence(rng.randint(5, 16), "We"), f"2.{goal}.{od} OD {goal}.{od}{colon} ", gaps=False)
            out.blank()
            for _ in range(actions):
                action += 1
                written[action] = _action(out, rng, registers, action, written, start, end, slug)
    return "\n".join(out.lines) + "\n", sizes.goals


def _action(
    out: _Text,
    rng: random.Random,
    registers: _Names,
    number: int,
    written: dict[int, str],
    start: int,
    end: int,
    slug: str,
) -> str:
    """Write one action; returns its title."""
    shape = out.shape
    if written and rng.random() < 1 / 56:  # worked out under an earlier action (the real 51 → 46)
        target = rng.choice(sorted(written))
        out.paragraph(written[target], f"Actie {number}. ", gaps=False)
        out.blank()
        out.paragraph(f"Deze actie wordt uitgewerkt onder actie {target}.")
        out.blank()
        return written[target]
    title = out.title(rng.choice(shape.title_words))
    out.paragraph(title, f"Actie {number}. ", width=rng.choice((WIDTH, 90)), gaps=False)
    out.blank()
    sentences = out.prose(rng.choice(shape.description_chars))
    footnote: list[str] = []
    if rng.random() < 0.04:
        sentences[-1], footnote = out.cite(sentences[-1], slug)
    paragraphs = max(1, min(len(sentences), round(len(sentences) / rng.randint(3, 6))))
    cuts = sorted(rng.sample(range(1, len(sentences)), paragraphs - 1)) if paragraphs > 1 else []
    for part in (sentences[a:b] for a, b in zip([0, *cuts], [*cuts, len(sentences)], strict=True)):
        out.paragraph(" ".join(part))
        out.blank()
        if rng.random() < 0.08:
            out.paragraph(out.sentence(rng.randint(6, 14))[:-1] + ":")
            out.blank()
            out.bullets(
                [out.sentence(rng.randint(6, 30))[:-1] + ";" for _ in range(rng.randint(2, 5))],
                rng.choice(("-", "•", "▪")),
            )
            out.blank()
    for line in footnote:
        out.add(line)
    if footnote:
        out.blank()
    out.blank()

    # Verantwoordelijke minister(s)
    responsible = [rng.choice(shape.leads)]
    if rng.random() < 0.05:
        responsible += rng.sample(sorted(set(shape.leads) - {responsible[0]}), 2)
    names = [_spelling(rng, registers, s) for s in responsible]
    label = rng.random()
    if label < 0.7:
        out.add("Verantwoordelijke  ")
        out.add("minister(s) ")
        out.blank()
    elif label < 0.85:
        out.add("Verantwoordelijke  ")
        out.blank()
        out.add("minister(s) ")
        out.blank()
    if len(names) > 1:
        value = ", ".join(names[:-1]) + " en " + names[-1]
    else:
        value = names[0]
    if label >= 0.85:
        out.paragraph(value, "Verantwoordelijke minister(s) ")
    else:
        out.paragraph(value)
    out.blank()

    # In samenwerking met
    count = rng.choice(shape.collaborators)
    joining = [s for s in dict.fromkeys(rng.choice(shape.joins) for _ in range(count * 3)) if s not in responsible]
    partners = [_spelling(rng, registers, s) for s in joining[:count]]
    if rng.random() < 0.02:  # also responsible (the real action 23): kept as responsible, reported
        partners.append(names[0])
    if rng.random() < 0.04:
        partners.append(rng.choice(("Vlaamse regering", "Federale en deelstaatministers voor Gelijke Kansen")))
    if partners:
        if len(partners) == 1 and rng.random() < 0.5:
            out.add(f"In samenwerking met  {partners[0]} ")
        elif rng.random() < 0.6:
            out.add(f"In samenwerking met  - {partners[0]} ")
            for partner in partners[1:]:
                out.add(f"{' ' if rng.random() < 0.05 else ''}- {partner} ")
        else:
            out.add("In samenwerking met  ")
            out.blank()
            out.bullets(partners)
        out.blank()

    # Tijdspad
    garbled = False
    if rng.random() > 0.02:
        text, garbled = _timeline(rng, start, end)
        out.paragraph(text, "Tijdspad ")
        out.blank()
        if garbled:  # the real action 10: the timeline repeated and glued to the next label
            first, last = text.split("-")
            out.add(f"{first.strip()}-")
            out.add(f"{last.strip()}Indicator(en) ")
            out.blank()

    # Indicator(en)
    if rng.random() > 0.02 or garbled:
        indicators = [_indicator(out, rng) for _ in range(rng.choice(shape.indicators))]
        if garbled:
            out.bullets(indicators)
        elif len(indicators) == 1:
            out.paragraph(indicators[0], "Indicator(en) ")
        else:
            out.paragraph(indicators[0], "Indicator(en) - ")
            for indicator in indicators[1:]:
                out.paragraph(indicator, "- ")
        out.blank()
    out.blank()
    return title


def _spelling(rng: random.Random, registers: _Names, slug: str) -> str:
    spellings = registers.spellings[slug]
    return spellings[0] if len(spellings) == 1 or rng.random() < 0.9 else rng.choice(spellings[1:])


def _timeline(rng: random.Random, start: int, end: int) -> tuple[str, bool]:
    """A `Tijdspad` as the real plan prints them; and whether it is the garbled kind."""
    first = rng.randint(start, end)
    last = rng.randint(first, end)
    kind = rng.random()
    if kind < 0.03:
        return f"{first}-{end}", True
    if kind < 0.55:
        return f"{first}{rng.choice(('-', ' - ', ' -'))}{last}", False
    if kind < 0.75:
        return str(first), False
    if kind < 0.8:
        return f"Vanaf {first}", False
    if kind < 0.85:
        return f"De opstart is voorzien in {first}. De actie loopt gedurende de hele legislatuur.", False
    if kind < 0.9:
        return f"Voorbereiding start in {first}, uitvoering in {last}", False
    if kind < 0.93:
        return f"Analyse in {first}. De uitkomst zal de opvolgacties en bijhorende timing bepalen.", False
    if kind < 0.95:
        return f"{first} -{last + 11}", False  # past the plan's end (the real 2026 -2040)
    return f"Campagne in {first}", False


def _indicator(out: _Text, rng: random.Random) -> str:
    words = out.words(rng.choice(out.shape.indicator_words))
    if rng.random() < 0.45:  # "1 analyserapport": a target value and a unit
        return " ".join([str(rng.choice((1, 1, 2, 3, 5, 10, 12, 20))), *words[1:]])
    return " ".join([rng.choice(out.shape.openers), *words[1:]])


def _sdg_file(data: Path, goals: int, rows: tuple[dict[str, str], ...]) -> str:
    """The SDG links of a plan with `goals` goals: HD k gets the real HD ((k-1) mod 7)+1's links."""
    name = f"sdg/hd-{goals}.csv"
    path = data / name
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        columns = list(rows[0])
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns, lineterminator="\n")
            writer.writeheader()
            for goal in range(1, goals + 1):
                real = f"HD{(goal - 1) % REAL_SIZE[0] + 1}"
                for row in rows:
                    if row["goal"] == real:
                        writer.writerow({**row, "goal": f"HD{goal}"})
    return name


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_data(folder: Path, factor: int, seed: int = 1) -> Path:
    """Write `factor` synthetic plans and the registers into `folder`/data; returns that folder."""
    if factor < 1:
        raise ValueError(f"factor must be 1 or more, found {factor}")
    data = Path(folder) / "data"
    if data.exists():
        if not (data / MARKER).exists():
            raise FileExistsError(f"{data} exists and was not written by bench.synthetic; choose another folder")
        shutil.rmtree(data)
    (data / "plans").mkdir(parents=True)
    (data / "source").mkdir()
    (data / MARKER).write_text(f"factor {factor}, seed {seed}\n", encoding="utf-8")
    for name in REGISTER_FILES:
        shutil.copy(REAL_DATA / name, data / name)
    registers = _registers(data)
    real = (REAL_DATA / "plans" / "hgkbp-2025-2029.toml").read_text(encoding="utf-8")
    passed_by = re.search(r'^passed_by = "(.*)"$', real, re.MULTILINE)
    license_ = re.search(r'^license = "(.*)"$', real, re.MULTILINE)
    assert passed_by is not None and license_ is not None
    for index in range(1, factor + 1):
        slug = f"synth-{index:04d}"
        text, goals = plan_text(index, seed, data)
        (data / "source" / f"{slug}.txt").write_text(text, encoding="utf-8")
        config = {
            "slug": slug,
            "source": f"source/{slug}.txt",
            "passed_by": passed_by[1],
            "passed_by_label": "Vlaamse Regering",
            "dataset_title": f"Synthetisch plan {index:04d} (verzonnen, voor de schaalbenchmark) als linked open data",
            "license": license_[1],
            "sdg_links": _sdg_file(data, goals, registers.sdg_rows),
        }
        body = "".join(f"{key} = {_toml(value)}\n" for key, value in config.items())
        header = f"# A fictitious plan written by bench/synthetic.py (seed {seed}, plan {index}); not a real plan.\n"
        (data / "plans" / f"{slug}.toml").write_text(header + body, encoding="utf-8")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="where to write; the data folder is FOLDER/data")
    parser.add_argument("--factor", type=int, default=1, help="number of plans the size of the real one (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generator (default 1)")
    args = parser.parse_args()
    data = make_data(args.folder, args.factor, args.seed)
    print(f"{args.factor} synthetic plan(s) in {data}; build with: hgkbp-ld build --data {data}")


if __name__ == "__main__":
    main()
