"""A plan's identity (title, abbreviation, period) found in its text by rule (private to the parser).

The rules are in docs/parse-rules.md ("The plan's identity"). In short, in this order:

1. a **title page** (text before the first chapter heading) naming the plan, its years and/or its
   abbreviation;
2. the first sentence naming the plan with its **period and abbreviation** in ordinary phrasing
   ("Met dit Vlaams Actieplan Armoedebestrijding 2025-2029 (VAPA) …");
3. an **abbreviation with a short period** (`HGKBP ’25 –’29`), its name being the words elsewhere
   in the text that spell it most often.

The name before a period runs back to a determiner, a preposition or the start of the sentence
and must spell the abbreviation when there is one. Values given in the plan's toml always win;
the parser only looks for what the toml leaves out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from hgkbp_ld import dutch
from hgkbp_ld._text import Line
from hgkbp_ld.errors import ParseError
from hgkbp_ld.model import PlanIdentity

YEARS = r"(20\d\d)\s*[-–—]\s*(20\d\d)"
_YEARS = re.compile(YEARS)
_ABBR = r"\(([A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*)\)"  # (VAPA), (JKP), (GAHI) — at least two capitals
_PAREN_ABBR = re.compile(_ABBR)
_SHORT_PERIOD = re.compile(r"\b([A-Z]{2,10})\s*[’'‘]\s*(\d{2})\s*[–—-]\s*[’'‘]?\s*(\d{2})\b")
_ABBR_AT_END = re.compile(_ABBR + r"\s*$")
_LONE_ABBR = re.compile(r"^\(?([A-Z][A-Z0-9]{1,9})\)?$")  # a title-page line holding only the abbreviation
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_NAME_WORD = re.compile(r"^[^\W\d_][\w’'-]*$")
_SENTENCE_END = re.compile(r"[.:;!?]$")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
_MAX_NAME_WORDS = 12


@dataclass(frozen=True)
class Found:
    """What the text says about the plan's identity, with the line and the rule that found it."""

    title: str | None = None
    abbreviation: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    line: int = 1
    rule: str = ""


def _initial_ok(word: str, letter: str) -> bool:
    return word[:1].casefold() == letter.casefold()


def spells(abbreviation: str, words: list[str]) -> bool:
    """Does the name spell the abbreviation? The first word's initial is its first letter; every other
    capitalised word's initial must give the next letter; the other letters may come from inside
    words or from lower-case words (`Gelijkekansenbeleidsplan` gives G, K, B, P; `Jeugd- en
    Kinderrechtenbeleidsplan` gives J, K, P)."""
    return _spells(abbreviation, tuple(words))


@lru_cache(maxsize=4096)  # a text asks the same runs of words again and again (each period, each sentence)
def _spells(abbreviation: str, words: tuple[str, ...]) -> bool:
    if not words or not words[0][:1].isupper() or not _initial_ok(words[0], abbreviation[0]):
        return False
    chars = [
        (c, index > 0 and position == 0 and word[:1].isupper())
        for index, word in enumerate(words)
        for position, c in enumerate(word.casefold())
    ]
    letters = abbreviation.casefold()

    @cache
    def match(i: int, j: int) -> bool:
        if i == len(chars):
            return j == len(letters)
        char, mandatory = chars[i]
        if j < len(letters) and char == letters[j] and match(i + 1, j + 1):
            return True
        return not mandatory and i > 0 and match(i + 1, j)

    return match(0, 0)


def name_before(words: list[str], abbreviation: str | None) -> list[str]:
    """The plan's name among the words before its period (or its abbreviation): back to the start of
    the sentence, a determiner or a preposition that cannot open a name; the shortest run that spells
    the abbreviation when there is one."""
    run: list[str] = []
    for word in reversed(words):
        bare = word.strip("“”\"‘’'(),")
        if not bare or _SENTENCE_END.search(word) or len(run) >= _MAX_NAME_WORDS:
            break
        if bare.casefold() in dutch.NAME_STOPS:
            break
        if not _NAME_WORD.match(bare):
            break
        run.insert(0, bare)
    while run and not run[0][:1].isupper():  # a name starts with a capital ("het nieuwe Actieplan …")
        run.pop(0)
    if abbreviation:
        for size in range(1, len(run) + 1):
            if spells(abbreviation, run[-size:]):
                return run[-size:]
        return []
    return run


def _title(name: list[str], start: int, end: int) -> str:
    return f"{' '.join(name)} {start}-{end}"


def _year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def from_title_page(lines: list[Line], body: list[Line]) -> Found | None:
    """Rule 1: the lines before the first chapter heading, if any, name the plan. The name is the
    text of the block (lines without a blank between) that holds the period, before the period, or
    else the block above it; a line holding only `ABBR` or `(ABBR)` gives the abbreviation. A name
    printed in capitals takes its case from the running text where it recurs, else ordinary case."""
    blocks: list[list[Line]] = [[]]
    for line in lines:
        if line.blank:
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(line)
    blocks = [block for block in blocks if block]
    abbreviation = next((m[1] for line in lines if (m := _LONE_ABBR.match(line.text))), None)
    for position, block in enumerate(blocks):
        text = " ".join(line.text for line in block)
        long, short = _YEARS.search(text), _SHORT_PERIOD.search(text)
        if long is None and short is None:
            continue
        if long is not None:
            start, end, cut = int(long[1]), int(long[2]), long.start()
        else:
            assert short is not None
            start, end, cut = _year(short[2]), _year(short[3]), short.start()
            abbreviation = abbreviation or short[1]
        paren = _PAREN_ABBR.search(text)
        abbreviation = abbreviation or (paren[1] if paren else None)
        before = _PAREN_ABBR.sub(" ", text[:cut]).split()
        if not before and position > 0:  # the name is a block above: one that names a plan, else the nearest
            above = [_PAREN_ABBR.sub(" ", " ".join(line.text for line in b)).split() for b in blocks[:position]]
            before = next((words for words in reversed(above) if _names_plan(words, abbreviation)), above[-1])
        name = _title_page_name(before, abbreviation, body)
        if name and abbreviation is not None and not spells(abbreviation, name):
            # A lone word in capitals that does not spell the name is a word of it (`VLAAMS` ⏎
            # `OUDERENBELEIDSPLAN 2025–2029`), not its abbreviation.
            abbreviation = None
            name = _title_page_name(before, None, body)
        if not name:
            return None
        if abbreviation is None:  # the running text may give it: "Het Jeugd- en Kinderrechtenbeleidsplan (JKP)"
            pattern = r"\s+".join(re.escape(w) for w in name) + r"\s*" + _ABBR
            spelled = (m[1] for m in re.finditer(pattern, _running(body), re.IGNORECASE) if spells(m[1], name))
            abbreviation = next(spelled, None)
        return Found(_title(name, start, end), abbreviation, start, end, block[0].number, "title page")
    return None


def _names_plan(words: list[str], abbreviation: str | None) -> bool:
    if abbreviation and any(spells(abbreviation, words[-size:]) for size in range(1, len(words) + 1)):
        return True
    return any(dutch.names_a_plan(word.strip("-")) for word in words)


def _title_page_name(words: list[str], abbreviation: str | None, body: list[Line]) -> list[str]:
    """The name on a title page in its ordinary case (capitals first recased), then the shortest
    run of its last words that spells the abbreviation, if there is one."""
    if words and not any(c.islower() for w in words for c in w):
        printed = re.search(
            r"\b" + r"\s+".join(re.escape(w) for w in words) + r"\b",
            _running(body),
            re.IGNORECASE,
        )
        words = printed[0].split() if printed else dutch.recase(words)
    if abbreviation:
        words = next((words[-size:] for size in range(1, len(words) + 1) if spells(abbreviation, words[-size:])), words)
    return words


def from_phrasing(lines: list[Line], *, with_abbreviation: bool, itself_only: bool = False) -> Found | None:
    """Rule 2: the first sentence naming the plan with its period and its abbreviation, in either
    order (`NAME 2025-2029 (ABBR)`, `NAME (ABBR) 2025-2029`). Rule 4 (`with_abbreviation=False`): the
    first name before a period that ends in a word for a plan (…plan, …agenda, …strategie, …)."""
    return _phrased(_sentences(lines), with_abbreviation, itself_only)


def _phrased(sentences: tuple[tuple[int, str], ...], with_abbreviation: bool, itself_only: bool) -> Found | None:
    """`from_phrasing` of the text's sentences, cut already (`_from_introduction` cuts them once)."""
    found: list[tuple[bool, Found]] = []
    for number, text in sentences:
        for years in _YEARS.finditer(text):
            start, end = int(years[1]), int(years[2])
            after = _PAREN_ABBR.match(text[years.end() :].lstrip())
            before_text = text[: years.start()]
            before = _ABBR_AT_END.search(before_text)
            abbreviation = after[1] if after else (before[1] if before else None)
            words = before_text[: before.start()].split() if before else before_text.split()
            if with_abbreviation and abbreviation:
                name = name_before(words, abbreviation)
                if name:
                    found.append(
                        (
                            _itself(words, name),
                            Found(_title(name, start, end), abbreviation, start, end, number, "sentence"),
                        )
                    )
            if not with_abbreviation:
                name = name_before(words, None)
                if any(dutch.names_a_plan(word) for word in name):
                    rule = "sentence without abbreviation"
                    found.append(
                        (_itself(words, name), Found(_title(name, start, end), None, start, end, number, rule))
                    )
    # The plan speaks of itself as "dit …", "deze …", "het voorliggende …": such a sentence wins over an
    # earlier one naming another plan (e.g. "… sluit aan bij het Horizontaal … 2025-2029 (HGKBP)").
    return next((f for itself, f in found if itself), None if itself_only or not found else found[0][1])


def _itself(words: list[str], name: list[str]) -> bool:
    """Is the name introduced by a word with which a text speaks of itself (`dit`, `deze`, …)?"""
    before = words[: len(words) - len(name)]
    return bool(before) and before[-1].casefold().strip('“"(') in dutch.SELF_REFERENCE


def from_short_period(lines: list[Line]) -> Found | None:
    """Rule 3: `HGKBP ’25 –’29`; the name is the run of words that spells HGKBP most often."""
    text = " ".join(line.text for line in lines if not line.blank)
    match = _SHORT_PERIOD.search(text)
    if match is None:
        return None
    abbreviation, start, end = match[1], _year(match[2]), _year(match[3])
    line = next((ln.number for ln in lines if match[1] in ln.text), 1)
    words = _WORD.findall(text)
    counts: Counter[str] = Counter()
    for index, word in enumerate(words):
        if not _initial_ok(word, abbreviation[0]) or not word[:1].isupper():
            continue
        for size in range(1, min(_MAX_NAME_WORDS, len(words) - index) + 1):
            if spells(abbreviation, words[index : index + size]):
                counts[" ".join(words[index : index + size])] += 1
                break
    if not counts:
        return Found(None, abbreviation, start, end, line, "abbreviation with period")
    name = counts.most_common(1)[0][0]
    return Found(f"{name} {start}-{end}", abbreviation, start, end, line, "abbreviation with period")


def _running(lines: list[Line]) -> str:
    return " ".join(line.text for line in lines if not line.blank)


def _sentences(lines: list[Line]) -> tuple[tuple[int, str], ...]:
    """Running text cut into sentences, each with the line it starts on (wrapped lines joined)."""
    out: list[tuple[int, str]] = []
    current: list[str] = []
    first = 0
    for line in lines:
        if line.blank:
            continue
        for piece in _SENTENCE_BREAK.split(line.text):
            if not current:
                first = line.number
            current.append(piece)
            if piece.endswith((".", "!", "?")):  # `[.!?]$`: a line holds no newline
                out.append((first, " ".join(current)))
                current = []
    if current:
        out.append((first, " ".join(current)))
    return tuple(out)


def _from_introduction(introduction: list[Line]) -> Found | None:
    """Rules 2 to 4 over the introduction, in their order (`from_phrasing` three times, `from_short_period`,
    `from_phrasing`), its sentences cut once."""
    sentences = _sentences(introduction)
    return (
        _phrased(sentences, True, True)
        or _phrased(sentences, False, True)
        or _phrased(sentences, True, False)
        or from_short_period(introduction)
        or _phrased(sentences, False, False)
    )


def resolve(
    given: PlanIdentity,
    title_page: list[Line],
    introduction: list[Line],
    body: list[Line],
    note: Callable[[int, str, str], None],
) -> tuple[str, str | None, int, int]:
    """Title, abbreviation, period: the toml's values (`given`) win; the rest is found by the rules above, in
    their order. Each value is noted (`note(line, kind, message)`); a missing title or period is a `ParseError`."""
    found = Found()
    if None in (given.title, given.abbreviation, given.start_year, given.end_year):
        found = (
            from_title_page(title_page, body[len(title_page) :]) or _from_introduction(introduction) or found
        )
    values = {}
    for key in ("title", "abbreviation", "start_year", "end_year"):
        value, from_toml = getattr(given, key), getattr(given, key) is not None
        if not from_toml:
            value = getattr(found, key)
        values[key] = value
        if value is not None:
            where = f"from {given.toml or 'the toml'}" if from_toml else f"found by rule '{found.rule}'"
            note(1 if from_toml else found.line, "plan-identity", f"{key} {value!r} {where}")
    missing = [key for key in ("title", "start_year", "end_year") if values[key] is None]
    if missing:
        toml = given.toml or "the plan's toml (data/plans/SLUG.toml)"
        example = {"title": 'title = "Naam van het plan 2025-2029"', "start_year": "start_year = 2025"}
        example["end_year"] = "end_year = 2029"
        raise ParseError(
            1,
            f"expected the plan's {', '.join(missing)} in the text (a title page, or a sentence naming the plan "
            f"with its years and abbreviation, see docs/parse-rules.md), found none; add "
            f"{'; '.join(example[k] for k in missing)} to {toml}",
        )
    if values["abbreviation"] is None:
        note(found.line, "plan-identity", "no abbreviation found; give one in the toml if the plan has it")
    return values["title"], values["abbreviation"], values["start_year"], values["end_year"]
