"""Closed word classes of Dutch that the parser's rules need (docs/parse-rules.md).

These are the complete classes as a grammar lists them (articles, prepositions, conjunctions,
determiners and possessives), not words read off one plan: a title line ending in any of them is
not finished, whichever plan it comes from. Open classes (nouns, verbs, adjectives) never appear.
"""

from __future__ import annotations

ARTICLES = frozenset("de het een 't".split())

PREPOSITIONS = frozenset(
    """
    aan aangaande achter behalve beneden betreffende bij binnen boven buiten conform dankzij door
    gedurende gezien hangende in inclusief inzake jegens krachtens langs met middels na naar naast
    nabij om omstreeks omtrent ondanks onder op over per qua rond rondom sedert sinds te tegen
    tegenover ten ter tijdens tot tussen uit vanaf vanuit van via vis-à-vis volgens voor voorbij
    wegens zonder richting omwille overeenkomstig namens
    """.split()
)

CONJUNCTIONS = frozenset(
    """
    en of maar want dus noch doch alsook zowel als dat omdat doordat zodat opdat wanneer terwijl
    indien hoewel ofschoon tenzij nadat voordat zodra totdat sinds zoals alsof mits daar
    """.split()
)

DETERMINERS = frozenset(
    """
    dit deze dat die zo'n zulk zulke elk elke ieder iedere alle alles enkele sommige veel vele
    meerdere verschillende geen welk welke wiens wier
    """.split()
)

POSSESSIVES = frozenset("mijn jouw uw zijn haar ons onze hun hunne".split())

# A title line ending in one of these words is not finished: the title continues on the next line.
OPEN_ENDINGS = ARTICLES | PREPOSITIONS | CONJUNCTIONS | DETERMINERS | POSSESSIVES

# Words that end a plan's name when reading back from its period: nothing before them is part of it.
NAME_STOPS = ARTICLES | DETERMINERS | POSSESSIVES | frozenset("met binnen via volgens door naar uit onder".split())

# Words with which a text speaks of itself just before its own name ("Met dit Vlaams Actieplan …").
SELF_REFERENCE = frozenset(
    "dit deze voorliggend voorliggende onderhavig onderhavige huidig huidige nieuw nieuwe ons onze".split()
)

# Words with which a Dutch plan's name ends (…plan, …actieplan, …beleidsplan, …agenda, …strategie).
_PLAN_WORDS = ("plan", "agenda", "strategie", "programma", "nota", "pact", "kader")


def names_a_plan(word: str) -> bool:
    return word.casefold().endswith(_PLAN_WORDS)


def recase(words: list[str]) -> list[str]:
    """Words printed in capitals (a title page), in ordinary case: closed-class words in lower case,
    other words with a capital initial."""
    out = []
    for index, word in enumerate(words):
        lower = word.casefold()
        if index and lower.strip("-") in OPEN_ENDINGS:
            out.append(lower)
        else:
            out.append(lower[:1].upper() + lower[1:])
    return out
