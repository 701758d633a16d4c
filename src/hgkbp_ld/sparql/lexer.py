"""SPARQL's tokens, as far as this server needs them: one tokeniser for telling what a query is,
normalising it (for the cache), and rewriting its dataset (for a remote store)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LOCAL = r"(?:(?:[\w:%-]|\\.)(?:(?:[\w.:%-]|\\.)*(?:[\w:%-]|\\.))?)?"  # a prefixed name's local part
_LEX = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'
    r"'(?:[^'\\\n]|\\.)*')|(?P<iri><[^<>\"{}|^`\\\s]*>)|(?P<comment>#[^\n]*)|(?P<space>\s+)|(?P<var>[?$]\w+)|"
    rf"(?P<pname>(?:[A-Za-z][\w.-]*)?:{_LOCAL})|(?P<word>[A-Za-z_][\w-]*)|(?P<other>.)",
    re.DOTALL,
)
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}

Token = tuple[str, str]  # (kind, text): string, iri, comment, space, var, pname, word, other


def tokens(text: str) -> list[Token]:
    return [(m.lastgroup or "other", m.group()) for m in _LEX.finditer(text)]


def significant(found: list[Token], start: int) -> int:
    """Index of the first token from `start` that is not a space or a comment (len(found) if none)."""
    while start < len(found) and found[start][0] in ("space", "comment"):
        start += 1
    return start


def keywords(found: list[Token]) -> list[str]:
    """The bare words (keywords, function names) in upper case: not strings, IRIs, variables,
    prefixed names or comments."""
    return [value.upper() for kind, value in found if kind == "word"]


@dataclass(frozen=True)
class Shape:
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or None if not a query
    update: bool  # the text is (or contains) an update operation
    service: bool  # it asks for a federated SERVICE call
    cheap: bool = False  # by its shape, probably quick: few variables, no path closure (a guess)
    normal: str = ""  # the text in its normal form (`normalise`)
    tiny: bool = False  # one triple pattern and nothing that multiplies it: at most linear in the data


CHEAP_VARIABLES = 3  # ASK { ?s ?p ?o } is cheap; a join of two all-variable patterns is not
COSTLY = {"REGEX", "REPLACE", "SERVICE", "FROM"}  # regular expressions; a dataset of many graphs
TINY_CHARACTERS = 2_000  # a tiny query is short: its expressions cost little per row
TERMS = {"var", "iri", "pname", "string"}


def _closure(found: list[Token]) -> bool:
    """Whether a property path repeats (`p*`, `p+`, `(a|b)*`): a `*` or `+` right after a path step."""
    previous = ("space", "")
    for kind, value in found:
        if kind in ("space", "comment"):
            continue
        if kind == "other" and value in "*+" and (previous[0] in ("iri", "pname") or previous == ("other", ")")):
            return True
        previous = (kind, value)
    return False


def shape(text: str) -> Shape:
    """Keywords outside strings, IRIs and comments, so `# INSERT` or `"SERVICE"` do not count."""
    found = tokens(text)
    words = keywords(found)
    form = next((w for w in words if w in QUERY_FORMS), None)
    first = next((w for w in words if w not in {"PREFIX", "BASE"}), None)
    update = bool(UPDATE_KEYWORDS.intersection(words)) and (form is None or first in UPDATE_KEYWORDS)
    variables = {value[1:] for kind, value in found if kind == "var"}
    cheap = len(variables) <= CHEAP_VARIABLES and not _closure(found) and "REGEX" not in words
    tiny = (
        form is not None
        and not update
        and len(text) <= TINY_CHARACTERS
        and not COSTLY.intersection(words)
        and _one_pattern(found)
    )
    return Shape(form, update, "SERVICE" in words, cheap, _normal(found), tiny)


def _one_pattern(found: list[Token]) -> bool:
    """Whether the query's only group is one triple pattern of plain terms (variables, IRIs, prefixed
    names, plain strings, `a`), besides FILTERs: no second group (OPTIONAL, UNION, MINUS, GRAPH,
    EXISTS, a subquery, VALUES, a CONSTRUCT template), no path, no blank node, no `;` or `,`. Such a
    query reads each matching triple once; what it does with them (FILTER, GROUP BY, ORDER BY, the
    aggregates) is at most n log n in the triples. Conservative: some cheap queries are not tiny."""
    sig = [(kind, value) for kind, value in found if kind not in ("space", "comment")]
    braces = [i for i, (kind, value) in enumerate(sig) if kind == "other" and value in "{}"]
    if len(braces) != 2 or sig[braces[0]][1] != "{" or sig[braces[1]][1] != "}":
        return False
    inner = sig[braces[0] + 1 : braces[1]]
    terms: list[Token] = []
    i = 0
    while i < len(inner):
        kind, value = inner[i]
        if kind == "word" and value.upper() == "FILTER":
            i += 1
            if i < len(inner) and inner[i][0] == "word":  # FILTER bound(?x): a function call
                i += 1
            if i >= len(inner) or inner[i] != ("other", "("):
                return False
            depth = 0
            while i < len(inner):
                depth += inner[i] == ("other", "(")
                depth -= inner[i] == ("other", ")")
                i += 1
                if depth == 0:
                    break
            continue
        terms.append((kind, value))
        i += 1
    if terms and terms[-1] == ("other", "."):
        terms.pop()
    return len(terms) == 3 and all(kind in TERMS or (kind, value) == ("word", "a") for kind, value in terms)


def normalise(text: str) -> str:
    """The query without comments, with every run of white space as one space: two texts that differ
    only there are the same query (for the answer cache and the ETag)."""
    return _normal(tokens(text))


def _normal(found: list[Token]) -> str:
    out: list[str] = []
    for kind, value in found:
        if kind in ("space", "comment"):
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(value)
    return "".join(out).strip()
