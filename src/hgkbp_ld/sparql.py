"""Running SPARQL queries safely: read-only, no SERVICE, a row cap, and a timeout that really stops.

pyoxigraph cannot interrupt a running query, so queries run in a small pool of worker processes
that each open the published on-disk store read-only; a worker whose query passes its time is
killed and replaced, and the server keeps answering meanwhile. The same pool uses every core.
"""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import json
import multiprocessing
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TypeVar
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

T = TypeVar("T")

# --- what a query is, without running it ----------------------------------------------------------

_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'
    r"'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*|\s+|[A-Za-z_][\w-]*|\S",
    re.DOTALL,
)
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


@dataclass(frozen=True)
class Shape:
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or None if not a query
    update: bool  # the text is (or contains) an update operation
    service: bool  # it asks for a federated SERVICE call


def shape(text: str) -> Shape:
    """Keywords outside strings, IRIs and comments, so `# INSERT` or `"SERVICE"` do not count."""
    words = [t.upper() for t in _TOKENS.findall(text) if t[0].isalpha() or t[0] == "_"]
    form = next((w for w in words if w in QUERY_FORMS), None)
    first = next((w for w in words if w not in {"PREFIX", "BASE"} and ":" not in w), None)
    update = bool(UPDATE_KEYWORDS.intersection(words)) and (form is None or first in UPDATE_KEYWORDS)
    return Shape(form, update, "SERVICE" in words)


# --- rewriting a query for a remote store --------------------------------------------------------------

_LOCAL = r"(?:(?:[\w:%-]|\\.)(?:(?:[\w.:%-]|\\.)*(?:[\w:%-]|\\.))?)?"  # a prefixed name's local part
_LEX = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'
    r"'(?:[^'\\\n]|\\.)*')|(?P<iri><[^<>\"{}|^`\\\s]*>)|(?P<comment>#[^\n]*)|(?P<space>\s+)|(?P<var>[?$]\w+)|"
    rf"(?P<pname>(?:[A-Za-z][\w.-]*)?:{_LOCAL})|(?P<word>[A-Za-z_][\w-]*)|(?P<other>.)",
    re.DOTALL,
)


def _lex(text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "other", m.group()) for m in _LEX.finditer(text)]


def _significant(tokens: list[tuple[str, str]], start: int) -> int:
    """Index of the first token from `start` that is not a space or a comment (len(tokens) if none)."""
    while start < len(tokens) and tokens[start][0] in ("space", "comment"):
        start += 1
    return start


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
    from urllib.parse import urljoin

    tokens = _lex(text)
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
    while i < len(tokens):
        kind, value = tokens[i]
        keyword = value.upper() if kind == "word" else ""
        if keyword == "PREFIX":
            j = _significant(tokens, i + 1)
            k = _significant(tokens, j + 1)
            if j < len(tokens) and k < len(tokens) and tokens[j][0] == "pname" and tokens[k][0] == "iri":
                prefixes[tokens[j][1][:-1]] = resolve("iri", tokens[k][1]) or ""
                i = k
        elif keyword == "BASE":
            j = _significant(tokens, i + 1)
            if j < len(tokens) and tokens[j][0] == "iri":
                current_base = resolve("iri", tokens[j][1]) or ""
                i = j
        elif keyword in ("GRAPH", "FROM"):
            j = _significant(tokens, i + 1)
            if keyword == "FROM":
                own_dataset = True
                if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "NAMED":
                    j = _significant(tokens, j + 1)
            if j < len(tokens) and tokens[j][0] in ("iri", "pname"):
                iri = resolve(*tokens[j])
                if iri is not None and iri in names:
                    tokens[j] = ("iri", f"<{names[iri]}>")
                elif iri is not None and iri != empty:
                    tokens[j] = ("iri", f"<{empty}>")
                i = j
        i += 1
    rewritten = "".join(value for _kind, value in tokens)
    if base:
        rewritten = f"BASE <{base}> {rewritten}"  # on the first line: error messages keep their line numbers
    return rewritten, own_dataset


def uses_graph(text: str) -> bool:
    """Whether the query has a GRAPH pattern (then its named graphs matter)."""
    return any(kind == "word" and value.upper() == "GRAPH" for kind, value in _lex(text))


_AFTER_DATASET = {"WHERE", "LIMIT", "OFFSET", "ORDER", "GROUP", "HAVING", "VALUES"}


def add_dataset(text: str, default: str, named: list[str]) -> str:
    """FROM <default> and FROM NAMED <g> for each of `named`, where the grammar puts a dataset
    clause: after the projection (SELECT), the template (CONSTRUCT) or the resources (DESCRIBE),
    before the WHERE clause. (As protocol parameters instead, Virtuoso echoes every graph in a
    response header, and clients refuse a response with more than 100 headers.)"""
    tokens = _lex(text)
    words = [i for i, (kind, value) in enumerate(tokens) if kind == "word" and value.upper() in QUERY_FORMS]
    if not words:
        raise ValueError("not a query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    i = words[0] + 1
    depth = 0
    if tokens[words[0]][1].upper() == "CONSTRUCT":
        j = _significant(tokens, i)
        if j < len(tokens) and tokens[j] == ("other", "{"):  # the template, braces balanced
            level = 0
            for k in range(j, len(tokens)):
                level += {"{": 1, "}": -1}.get(tokens[k][1], 0) if tokens[k][0] == "other" else 0
                if level == 0:
                    i = k + 1
                    break
    position = len(tokens)
    for k in range(i, len(tokens)):
        kind, value = tokens[k]
        if kind == "other" and value in "()":
            depth += 1 if value == "(" else -1
        elif depth == 0 and (
            (kind == "word" and value.upper() in _AFTER_DATASET) or (kind == "other" and value == "{")
        ):
            position = k
            break
    clause = f" FROM <{default}> " + "".join(f"FROM NAMED <{g}> " for g in named)
    return "".join(v for _k, v in tokens[:position]) + clause + "".join(v for _k, v in tokens[position:])


def insert_values(text: str, values: dict[str, str]) -> str:
    """`VALUES ?name { term }` for each binding, first in the WHERE clause (what pyoxigraph's
    substitutions do on the embedded store). `values` holds terms in SPARQL syntax."""
    tokens = _lex(text)
    words = [i for i, (kind, value) in enumerate(tokens) if kind == "word" and value.upper() == "WHERE"]
    start = words[0] if words else 0
    brace = next((i for i in range(start, len(tokens)) if tokens[i] == ("other", "{")), None)
    if brace is None:
        raise ValueError("the query has no WHERE clause to bind variables in")
    clause = "".join(f" VALUES ?{name} {{ {term} }}" for name, term in values.items())
    return "".join(value for _kind, value in tokens[: brace + 1]) + clause + "".join(v for _k, v in tokens[brace + 1 :])


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


# --- one query, in a worker ----------------------------------------------------------------------------


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


def _worker(connection: Connection) -> None:
    """A worker process: answers jobs until its pipe closes."""
    opened: tuple[str, ox.Store] | None = None
    while True:
        try:
            job: Job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            if opened is None or opened[0] != job.store:
                opened = (job.store, ox.Store.read_only(job.store))
            answer = execute(opened[1], job)
        except Exception as error:  # a store error must reach the client as an answer, not kill us
            answer = Answer(
                500,
                f"De query kon niet uitgevoerd worden: {type(error).__name__}\n".encode(),
                "text/plain; charset=utf-8",
            )
        try:
            connection.send(answer)
        except (BrokenPipeError, OSError):
            return


# --- the pool ------------------------------------------------------------------------------------------


class QueryTimeout(Exception):
    pass


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection


@dataclass
class WorkerPool:
    size: int = 2
    _idle: asyncio.Queue | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _context: multiprocessing.context.SpawnContext = field(default_factory=lambda: multiprocessing.get_context("spawn"))

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(child,), name="hgkbp-sparql", daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(*(loop.run_in_executor(None, self._spawn) for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)

    async def run(self, job: Job, timeout: float) -> Answer:
        assert self._idle is not None, "start the pool first"
        worker: _Worker = await self._idle.get()
        loop = asyncio.get_running_loop()
        try:
            worker.connection.send(job)
            ready = await loop.run_in_executor(None, worker.connection.poll, timeout)
            if not ready:
                raise QueryTimeout
            answer: Answer = await loop.run_in_executor(None, worker.connection.recv)
        except QueryTimeout:
            worker = await loop.run_in_executor(None, self._replace, worker)
            raise
        except (EOFError, OSError):  # the worker died (e.g. out of memory): replace it
            worker = await loop.run_in_executor(None, self._replace, worker)
            return Answer(500, b"De query-verwerker viel uit; probeer opnieuw.\n", "text/plain; charset=utf-8")
        finally:
            self._idle.put_nowait(worker)
        return answer

    def _replace(self, worker: _Worker) -> _Worker:
        worker.process.kill()
        worker.process.join(5)
        worker.connection.close()
        return self._spawn()

    async def stop(self) -> None:
        if self._idle is None:
            return
        while not self._idle.empty():
            worker = self._idle.get_nowait()
            worker.connection.close()
            worker.process.kill()
