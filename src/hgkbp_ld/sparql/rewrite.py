"""Rewriting a query for a remote store: its dataset, and bound variables as VALUES."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from hgkbp_ld.sparql.lexer import QUERY_FORMS, significant, tokens


def rewrite_dataset(text: str, names: dict[str, str], empty: str, base: str | None) -> tuple[str, bool]:
    """Point GRAPH, FROM and FROM NAMED at the graphs that hold a published graph in a remote store.

    An IRI (or prefixed name, or relative IRI) after GRAPH, FROM or FROM NAMED that `names` maps is
    replaced by its mapped name; one that it does not map becomes `empty`, a graph that holds nothing,
    as on the embedded store, where no other graph exists (and the server's own graphs stay out of
    reach). The caller keeps `empty` among the named graphs: Virtuoso answers ASK { GRAPH <g> {...} }
    with true when g is outside the dataset. A BASE clause is added if `base` is given.
    Returns the text and whether the query names its own dataset (FROM or FROM NAMED).
    A graph IRI that reaches GRAPH through a variable (VALUES, BIND) is not rewritten.
    """
    if not _NAMES_GRAPHS.search(text):  # neither word anywhere: nothing to rewrite (most queries)
        return (f"BASE <{base}> {text}" if base else text), False
    found = tokens(text)
    prefixes: dict[str, str] = {}
    current_base = base or ""
    own_dataset = False

    def resolve(kind: str, value: str) -> str | None:
        if kind == "iri":
            return urljoin(current_base, value[1:-1]) if current_base else value[1:-1]
        prefix, _, local = value.partition(":")
        if prefix not in prefixes:
            return None
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)

    i = 0
    while i < len(found):
        kind, value = found[i]
        keyword = value.upper() if kind == "word" else ""
        if keyword == "PREFIX":
            j = significant(found, i + 1)
            k = significant(found, j + 1)
            if j < len(found) and k < len(found) and found[j][0] == "pname" and found[k][0] == "iri":
                prefixes[found[j][1][:-1]] = resolve("iri", found[k][1]) or ""
                i = k
        elif keyword == "BASE":
            j = significant(found, i + 1)
            if j < len(found) and found[j][0] == "iri":
                current_base = resolve("iri", found[j][1]) or ""
                i = j
        elif keyword in ("GRAPH", "FROM"):
            j = significant(found, i + 1)
            if keyword == "FROM":
                own_dataset = True
                if j < len(found) and found[j][0] == "word" and found[j][1].upper() == "NAMED":
                    j = significant(found, j + 1)
            if j < len(found) and found[j][0] in ("iri", "pname"):
                iri = resolve(*found[j])
                if iri is not None and iri in names:
                    found[j] = ("iri", f"<{names[iri]}>")
                elif iri is not None and iri != empty:
                    found[j] = ("iri", f"<{empty}>")
                i = j
        i += 1
    rewritten = "".join(value for _kind, value in found)
    if base:
        rewritten = f"BASE <{base}> {rewritten}"  # on the first line: error messages keep their line numbers
    return rewritten, own_dataset


_NAMES_GRAPHS = re.compile("graph|from", re.IGNORECASE)


def uses_graph(text: str) -> bool:
    """Whether the query has a GRAPH pattern (then its named graphs matter)."""
    return "graph" in text.lower() and any(kind == "word" and value.upper() == "GRAPH" for kind, value in tokens(text))


_AFTER_DATASET = {"WHERE", "LIMIT", "OFFSET", "ORDER", "GROUP", "HAVING", "VALUES"}


def add_dataset(text: str, default: str, named: list[str]) -> str:
    """FROM <default> and FROM NAMED <g> for each of `named`, where the grammar puts a dataset
    clause: after the projection (SELECT), the template (CONSTRUCT) or the resources (DESCRIBE),
    before the WHERE clause. (As protocol parameters instead, Virtuoso echoes every graph in a
    response header, and clients refuse a response with more than 100 headers.)"""
    found = tokens(text)
    words = [i for i, (kind, value) in enumerate(found) if kind == "word" and value.upper() in QUERY_FORMS]
    if not words:
        raise ValueError("not a query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    i = words[0] + 1
    depth = 0
    if found[words[0]][1].upper() == "CONSTRUCT":
        j = significant(found, i)
        if j < len(found) and found[j] == ("other", "{"):  # the template, braces balanced
            level = 0
            for k in range(j, len(found)):
                level += {"{": 1, "}": -1}.get(found[k][1], 0) if found[k][0] == "other" else 0
                if level == 0:
                    i = k + 1
                    break
    position = len(found)
    for k in range(i, len(found)):
        kind, value = found[k]
        if kind == "other" and value in "()":
            depth += 1 if value == "(" else -1
        elif depth == 0 and (
            (kind == "word" and value.upper() in _AFTER_DATASET) or (kind == "other" and value == "{")
        ):
            position = k
            break
    clause = f" FROM <{default}> " + "".join(f"FROM NAMED <{g}> " for g in named)
    return "".join(v for _k, v in found[:position]) + clause + "".join(v for _k, v in found[position:])


def insert_values(text: str, values: dict[str, str]) -> str:
    """`VALUES ?name { term }` for each binding, first in the WHERE clause (what pyoxigraph's
    substitutions do on the embedded store). `values` holds terms in SPARQL syntax."""
    found = tokens(text)
    words = [i for i, (kind, value) in enumerate(found) if kind == "word" and value.upper() == "WHERE"]
    start = words[0] if words else 0
    brace = next((i for i in range(start, len(found)) if found[i] == ("other", "{")), None)
    if brace is None:
        raise ValueError("the query has no WHERE clause to bind variables in")
    clause = "".join(f" VALUES ?{name} {{ {term} }}" for name, term in values.items())
    return "".join(value for _kind, value in found[: brace + 1]) + clause + "".join(v for _k, v in found[brace + 1 :])
