"""Publishing a build into a remote store as a new version, beside the one readers use.

Every graph of the version (each plan, the catalogue, the vocabulary, and their merge, the default
graph) is uploaded under a name of its own, its triple count checked; only then does one triple in
the publication graph make the version current (see `hgkbp_ld.store.remote`). `Publishing` is a part
of `RemoteStore`: it uses the store's endpoint, HTTP client and reading methods.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
from rdflib.term import Node

from hgkbp_ld.store.base import StoreError, graph_files, read_manifest
from hgkbp_ld.store.endpoint import Endpoint, retrying

NS = "urn:hgkbp-ld:"
PUBLICATIONS = f"{NS}publicaties"  # the graph of publication records
EMPTY = f"{NS}leeg"  # a graph that never holds a triple: FROM an unknown graph reads nothing
MERGE = "standaardgraaf"
XSD = "http://www.w3.org/2001/XMLSchema#"


def graph_name(publication: str, canonical: str) -> str:
    """The name under which one publication stores one graph (or MERGE, the default graph)."""
    return f"{NS}graaf:{publication}:{canonical}"


@dataclass(frozen=True)
class Published:
    publication: str  # the record's id: version prefix and time
    version: str  # sha256 of the manifest
    graphs: dict[str, int]  # canonical graph -> triples, MERGE included
    seconds: float
    uploaded: bool  # False: the store already served this version


@dataclass(frozen=True)
class Record:
    publication: str
    version: str
    counts: dict[str, int]
    manifest: dict


class Publishing:
    """The writing half of RemoteStore (a mixin: it uses the store's endpoint, client and reading)."""

    endpoint: Endpoint
    chunk: int
    _client: httpx.Client

    # and RemoteStore's reading: current(), _select_raw()

    def _update(self, text: str, what: str) -> None:
        def call() -> None:
            response = self._client.post(
                self.endpoint.update,
                content=text.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
            response.raise_for_status()

        retrying(what, self.endpoint.update, self.endpoint.retries, call)

    def _upload(self, graph: str, lines: list[str], what: str) -> None:
        body = "".join(lines)
        if self.endpoint.graphs is None:
            self._update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}", what)
            return
        url = self.endpoint.graphs

        def call() -> None:
            response = self._client.post(
                url,
                params={"graph": graph},
                content=body.encode("utf-8"),
                headers={"Content-Type": "application/n-triples; charset=utf-8"},
            )
            response.raise_for_status()

        retrying(what, url, self.endpoint.retries, call)

    def publish(self, dist: Path, progress: Callable[[str], None] = lambda _m: None, force: bool = False) -> Published:
        """Upload `dist/` as a new version, check it, make it current, drop versions before the last.
        A build the store already serves is not uploaded again, unless `force`."""
        started = time.perf_counter()
        manifest, version = read_manifest(dist)
        current = self.current()
        if current is not None and current.version == version and not force:
            progress(f"the store already serves version {version[:12]}: nothing to do (--force uploads it again)")
            return Published(current.publication, version, current.counts, time.perf_counter() - started, False)
        now = dt.datetime.now(dt.UTC)
        publication = f"{version[:16]}-{now.strftime('%Y%m%dT%H%M%S%fZ')}"
        sources = _sources(dist, manifest)
        names = {canonical: graph_name(publication, canonical) for canonical in [*sources, MERGE]}
        record = f"{NS}publicatie:{publication}"
        graphs_list = ", ".join(f"<{g}>" for g in names.values())
        self._update(
            f"INSERT DATA {{ GRAPH <{PUBLICATIONS}> {{ <{record}> a <{NS}Publicatie> ; "
            f"<{NS}versie> {_string(version)} ; <{NS}begonnen> {_datetime(now)} ; <{NS}graaf> {graphs_list} . }} }}",
            "recording the publication",
        )
        try:
            counts = self._upload_all(sources, names, progress)
            progress("checking the triple count of every graph")
            for canonical, expected in counts.items():
                found = self._count(names[canonical])
                if found != expected:
                    raise StoreError(
                        f"graph {canonical}: the store holds {found} triples after the upload, {expected} were sent"
                    )
            payload = json.dumps(manifest, ensure_ascii=False, sort_keys=True)
            self._update(
                f"INSERT DATA {{ GRAPH <{PUBLICATIONS}> {{ <{record}> <{NS}manifest> {_string(payload)} ; "
                f"<{NS}aantallen> {_string(json.dumps(counts, sort_keys=True))} ; "
                f"<{NS}gepubliceerd> {_datetime(dt.datetime.now(dt.UTC))} . }} }}",
                "recording the manifest",
            )
            # The switch: one triple. Readers take the newest complete record.
            self._update(
                f"INSERT DATA {{ GRAPH <{PUBLICATIONS}> {{ <{record}> <{NS}compleet> true . }} }}",
                "making the new version current",
            )
        except StoreError:
            try:  # best effort: the half-loaded graphs are not served, but they take room
                self._drop([record])
            except StoreError:
                pass
            raise
        progress(f"version {version[:12]} is current")
        try:
            dropped = self._drop(self._stale(keep=record))
            if dropped:
                progress(f"dropped {dropped} older publication(s)")
        except StoreError as error:  # the new version serves; old graphs only take room
            progress(f"note: could not drop older publications ({error})")
        return Published(publication, version, counts, time.perf_counter() - started, True)

    def _upload_all(
        self, sources: dict[str, list[str]], names: dict[str, str], progress: Callable[[str], None]
    ) -> dict[str, int]:
        counts: dict[str, int] = {}
        for canonical, lines in sources.items():
            counts[canonical] = self._upload_lines(names[canonical], lines, canonical, progress)
        merged = _merge(sources.values())
        counts[MERGE] = self._upload_lines(names[MERGE], merged, "the default graph (the merge)", progress)
        return counts

    def _upload_lines(self, graph: str, lines: Iterable[str], label: str, progress: Callable[[str], None]) -> int:
        sent = 0
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) == self.chunk:
                sent += len(batch)
                self._upload(graph, batch, f"uploading {label}")
                batch = []
                progress(f"uploading {label}: {sent} triples")
        if batch:
            sent += len(batch)
            self._upload(graph, batch, f"uploading {label}")
        progress(f"uploaded {label}: {sent} triples")
        return sent

    def _records(self) -> list[dict[str, Node]]:
        return self._select_raw(
            f"SELECT ?record ?complete ?started WHERE {{ GRAPH <{PUBLICATIONS}> {{ ?record <{NS}begonnen> ?started . "
            f"OPTIONAL {{ ?record <{NS}compleet> ?complete }} }} }} ORDER BY DESC(?started)"
        )

    def _stale(self, keep: str) -> list[str]:
        """Records to drop: every incomplete attempt but `keep`, and complete ones older than the last two."""
        stale, complete = [], 0
        for row in self._records():
            record = str(row["record"])
            if record == keep:
                complete += 1
                continue
            if "complete" in row:
                complete += 1
                if complete <= 2:
                    continue
            stale.append(record)
        return stale

    def _drop(self, records: list[str]) -> int:
        for record in records:
            rows = self._select_raw(f"SELECT ?g WHERE {{ GRAPH <{PUBLICATIONS}> {{ <{record}> <{NS}graaf> ?g }} }}")
            for row in rows:
                self._update(f"DROP SILENT GRAPH <{row['g']}>", "dropping an old graph")
            self._update(
                f"DELETE WHERE {{ GRAPH <{PUBLICATIONS}> {{ <{record}> ?p ?o }} }}", "dropping an old publication"
            )
        return len(records)

    def _count(self, graph: str) -> int:
        rows = self._select_raw(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]) if rows else 0


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid SPARQL string literal


def _datetime(moment: dt.datetime) -> str:
    return f'"{moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}"^^<{XSD}dateTime>'


def _sources(dist: Path, manifest: dict) -> dict[str, list[str]]:
    """Every graph of a build as sorted N-Triples lines: plans, catalogue, vocabulary."""
    sources: dict[str, list[str]] = {}
    for graph, name in graph_files(manifest):
        kind = ox.RdfFormat.N_TRIPLES if name.endswith(".nt") else ox.RdfFormat.TURTLE
        sources[graph] = _ntriples(dist / name, kind)
    return sources


def _ntriples(path: Path, fmt: ox.RdfFormat) -> list[str]:
    try:
        triples = {str(t) + " .\n" for t in ox.parse(path=str(path), format=fmt)}
    except (OSError, SyntaxError) as error:
        raise StoreError(f"cannot read {path}: {error}; rebuild with 'hgkbp-ld build'") from None
    return sorted(triples)


def _merge(sources: Iterable[list[str]]) -> Iterator[str]:
    """The RDF merge of sorted, duplicate-free line lists, each triple once (no blank nodes are published)."""
    previous = None
    for line in heapq.merge(*sources):
        if line != previous:
            yield line
        previous = line
