"""Answers in the protocol's formats: what a query job is, how a store runs it, and the writers
(SELECT/ASK results in JSON, XML, CSV, TSV; graphs through pyoxigraph's serialisers)."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

T = TypeVar("T")

# --- results in the protocol's formats ---------------------------------------------------------------

RESULT_FORMATS = {  # SELECT / ASK
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS = {  # CONSTRUCT / DESCRIBE
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = term.datatype.value
    return value


def _xml_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _csv_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value  # type: ignore[attr-defined]


def write_solutions(variables: list[str], rows: list[list], fmt: str) -> bytes:
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode(
            "utf-8"
        )
    if fmt == "xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        results = "".join(
            "<result>"
            + "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            )
            + "</result>"
            for row in rows
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>{results}</results></sparql>\n"
        ).encode()
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(t) for t in row] for row in rows)
        return out.getvalue().encode("utf-8")
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_boolean(value: bool, fmt: str) -> bytes:
    text = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{text}</boolean></sparql>\n"
        ).encode()
    return f"_askResult\r\n{text}\r\n".encode() if fmt == "csv" else f"?_askResult\n{text}\n".encode()


# --- one query ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    store: str  # path of the on-disk store to open read-only
    query: str
    select_format: str  # for SELECT/ASK: json, xml, csv, tsv
    graph_format: str  # for CONSTRUCT/DESCRIBE: ttl, nt, jsonld, rdf
    max_rows: int
    default_graphs: tuple[str, ...] | None = None  # the protocol's default-graph-uri
    named_graphs: tuple[str, ...] | None = None  # the protocol's named-graph-uri
    base: str | None = None  # base IRI for relative IRIs in the query: the endpoint's URL
    tiny: bool = False  # one triple pattern (`lexer.Shape.tiny`): may run in the server's own process
    form: str | None = None  # SELECT, ASK, CONSTRUCT or DESCRIBE, when the caller knows it (`lexer.Shape.form`)


@dataclass(frozen=True)
class Answer:
    status: int  # 200, or 400 for a query the store refuses
    body: bytes
    media_type: str
    form: str = ""  # SELECT, ASK, CONSTRUCT (DESCRIBE answers as CONSTRUCT)
    truncated: bool = False
    rows: int = 0


def _take(results: Iterable[T], limit: int) -> tuple[list[T], bool]:
    """At most `limit` results, and whether there were more."""
    taken = list(itertools.islice(results, limit + 1))
    return taken[:limit], len(taken) > limit


def execute(store: ox.Store, job: Job) -> Answer:
    options: dict[str, object] = {}
    if job.default_graphs is not None or job.named_graphs is not None:
        try:
            # named-graph-uri alone: the default graph is the merge of no graph, i.e. empty (Protocol 2.1.4)
            options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
            options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
        except ValueError as error:
            return Answer(400, f"Ongeldige graaf-IRI: {error}\n".encode(), "text/plain; charset=utf-8")
    try:
        result = store.query(job.query, base_iri=job.base, **options)
    except SyntaxError as error:
        return Answer(400, f"Ongeldige SPARQL-query: {error}\n".encode(), "text/plain; charset=utf-8")
    if isinstance(result, ox.QueryBoolean):
        return boolean_answer(bool(result), job)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        return solutions_answer(variables, ([solution[v] for v in variables] for solution in result), job)
    return graph_answer(result, job)


def boolean_answer(value: bool, job: Job) -> Answer:
    return Answer(200, write_boolean(value, job.select_format), RESULT_FORMATS[job.select_format], "ASK", rows=1)


def solutions_answer(variables: list[str], rows: Iterable[list], job: Job) -> Answer:
    """Rows (terms or None per variable) in the job's format, cut at its row cap."""
    taken, truncated = _take(rows, job.max_rows)
    body = write_solutions(variables, taken, job.select_format)
    return Answer(200, body, RESULT_FORMATS[job.select_format], "SELECT", truncated, len(taken))


def graph_answer(triples: Iterable[ox.Triple], job: Job) -> Answer:
    """Triples (CONSTRUCT, DESCRIBE) in the job's format, cut at its row cap."""
    taken, truncated = _take(triples, job.max_rows)
    media_type, rdf_format = GRAPH_FORMATS[job.graph_format]
    return Answer(200, ox.serialize(taken, format=rdf_format), media_type, "CONSTRUCT", truncated, len(taken))
