"""The embedded store: pyoxigraph, in memory or on disk, no server to install (the default)."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from io import BufferedReader, RawIOBase
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

from hgkbp_ld.sparql.pool import WorkerPool
from hgkbp_ld.sparql.service import QueryService
from hgkbp_ld.store.base import (
    LABELS,
    VOCABULARY_GRAPH,
    Dataset,
    Row,
    StoreError,
    graph_files,
    read_manifest,
    to_oxigraph,
    to_rdflib,
)
from hgkbp_ld.triples import Triples

SNAPSHOT = "oxigraph"  # in a build: the store the render stage loaded, for servers to copy at start
LOAD_TRIPLES = 50_000  # the plans' triples per bulk load (see `_fill`)
_MERGED = ox.DefaultGraph()  # `describe`'s graph, made once (a new one per pattern asked was a Python object each)
_LABELS = tuple(ox.NamedNode(iri) for iri in LABELS)  # what DESCRIBE takes of a neighbour
_LABEL_CACHE = 4096  # neighbours whose labels `describe` keeps (a plan's store names ~600 things)
_GRAPH_SUBJECTS = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }"  # `graph_subjects`
_TERM_CACHE = 1 << 16  # the store's terms `describe` keeps as rdflib terms (a plan's: a few thousand)


def _alive_elsewhere(folder: Path) -> bool:
    """Whether a store folder belongs to another process that still runs (store-<pid>-<version>)."""
    pid = folder.name.split("-")[1] if folder.name.count("-") >= 2 else ""
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class EmbeddedStore:
    """pyoxigraph, in memory or on disk. `load` builds a new store and swaps it in when complete.

    On disk (`folder` given), each dataset version gets its own store folder, which the SPARQL
    workers open read-only; the folder of the version before the previous one is removed.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self._store: ox.Store | None = None
        self.dataset: Dataset | None = None
        self.folder = folder
        self.path: Path | None = None  # the on-disk store of the loaded version
        self.reloaded: list[str] | None = None  # by the last `load` from a previous build: the graphs loaded again
        self._lock = threading.Lock()  # one load at a time; readers never wait
        self._describe_caches: tuple[ox.Store | None, dict, dict] = (None, {}, {})  # `describe`'s, of one store

    @classmethod
    def read_only(cls, path: Path) -> EmbeddedStore:
        """A store a build kept (`snapshot`), opened read-only for queries: no dataset, no load."""
        store = cls()
        store._store = ox.Store.read_only(str(path))
        return store

    @classmethod
    def of(cls, store: ox.Store) -> EmbeddedStore:
        """A store filled by its caller, for queries: no dataset, no load (a plan's, `plan_site.plan_store`)."""
        found = cls()
        found._store = store
        return found

    def load(self, dist: Path, previous: Path | None = None, early: Path | None = None) -> Dataset:
        """Load the build in `dist`. `previous`: the build `dist` replaces (on disk only): its store
        (`SNAPSHOT`) is taken and only the graphs whose files changed are loaded again (`_update`),
        which gives the quads of a load from scratch; without blank nodes in what changed, else it is
        loaded from scratch. `early`: a store the build's plans were loaded into (`preload`) before its
        manifest was written, taken (on disk only) if it holds the plans the manifest names."""
        manifest, version = read_manifest(dist)
        self.reloaded = None
        path = None
        if self.folder is not None:  # one folder per process and version: servers never share one
            path = self.folder / f"store-{os.getpid()}-{version[:16]}"
            if path.exists():
                shutil.rmtree(path)
            path.parent.mkdir(parents=True, exist_ok=True)
        snapshot = dist / SNAPSHOT
        if path is not None and snapshot.is_dir():  # the build's own store: copied, not loaded again
            shutil.copytree(snapshot, path)
            store = ox.Store(str(path))
            graphs = _graphs(manifest)
        elif path is not None and early is not None and _plans(early) == _plan_graphs(manifest):
            os.replace(early, path)  # the plans loaded already: the rest of the build loaded into it
            store = ox.Store(str(path))
            graphs = _fill(store, dist, manifest, plans=False)
        elif path is not None and previous is not None and (updated := _update(path, dist, manifest, previous)):
            store, graphs, self.reloaded = updated
        else:
            store = ox.Store(str(path)) if path is not None else ox.Store()
            graphs = _fill(store, dist, manifest)
        counted = _counts(store)
        for graph, expected in graphs.items():
            loaded = counted.get(graph, 0)
            if loaded != expected:
                raise StoreError(
                    f"graph {graph}: loaded {loaded} triples, the manifest says {expected}; "
                    "the dump is damaged, rebuild with 'hgkbp-ld build'"
                )
        if early is not None:  # (not taken if the manifest names other plans)
            shutil.rmtree(early, ignore_errors=True)
            _loaded(early).unlink(missing_ok=True)
        graphs[VOCABULARY_GRAPH] = counted.get(VOCABULARY_GRAPH, 0)
        dataset = Dataset(version, graphs, manifest, counted[""])
        store.flush()
        with self._lock:
            previous = self.path
            self._store, self.dataset, self.path = store, dataset, path  # readers see old or new, never half
        if self.folder is not None and path is not None:
            for old in self.folder.glob("store-*"):
                if old not in (path, previous) and not _alive_elsewhere(old):
                    shutil.rmtree(old, ignore_errors=True)
        return dataset

    def queries(self, workers: WorkerPool) -> QueryService:
        """The query service for /sparql: the worker pool, over this version's on-disk store."""
        if self.path is None or self.dataset is None:
            raise StoreError("an in-memory store cannot answer /sparql: give the store a folder")
        triples = self.dataset.merged + sum(self.dataset.graphs.values())
        return workers.serving(str(self.path), self._store, triples)

    def snapshot(self, target: Path) -> None:
        """A copy of the loaded on-disk store in `target` (hard links where it can), for `load` to copy."""
        self._current().backup(str(target))

    def _current(self) -> ox.Store:
        store = self._store
        if store is None:
            raise StoreError("no dataset loaded")
        return store

    def _run(self, query: str, bindings: dict[str, Node] | None):  # noqa: ANN202 - pyoxigraph result
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        return self._current().query(query, substitutions=substitutions)

    def select(self, query: str, bindings: dict[str, Node] | None = None) -> list[Row]:
        """Rows of a SELECT; a bound variable must also be in the projection (pyoxigraph's rule)."""
        results = self._run(query, bindings)
        names = [v.value for v in results.variables]
        # a solution iterated gives its values in the variables' order (None where unbound): 3× faster
        # than looking each up by name, which the last stage's pages of many plans' actions feel
        return [{n: to_rdflib(v) for n, v in zip(names, row, strict=True) if v is not None} for row in results]

    def graph_subjects(self) -> Iterator[str]:
        """The IRI of every subject of the named graphs, each once, in the store's order: what the last stage
        picks the pages of what plans share from (`render.stage`), filtered as they come. Not a query that
        filters them: pyoxigraph reads an IRI's text from the store for every string function it is given
        (~5 µs each), and at 1000 plans the named graphs' subjects are ~300,000 (the query took 11 s)."""
        for (subject,) in self._current().query(_GRAPH_SUBJECTS):
            if type(subject) is ox.NamedNode:  # not asked in the query: isIRI doubled its cost
                yield subject.value

    def construct(self, query: str, bindings: dict[str, Node] | None = None) -> Graph:
        graph = Graph(store=SimpleMemory())  # a graph without contexts: faster to fill and to read
        for triple in self._run(query, bindings):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
        return graph

    def graph_triples(self, graph: str) -> Triples:
        """The statements of one named graph, read from the store's index (not through a CONSTRUCT
        query and an rdflib graph): in the store's order, not the query's."""
        triples = Triples()
        add = triples.add
        for quad in self._current().quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return triples

    def describe(self, iri: str) -> Triples:
        """Symmetric concise bounded description: own triples, incoming links, their labels. The triples
        of the DESCRIBE query, read from the store's indexes without it: a page of the build asks this
        of every resource, and parsing and planning the query cost more than the lookups; a term is made
        an rdflib term once (`_terms`), a neighbour's labels (a class, a portfolio, the plan: named by
        many resources) are read once. As `Triples` (read as an rdflib graph is, in the same order,
        several times faster to fill and to read)."""
        store = self._current()
        terms, neighbours = self._caches(store)
        merged = _MERGED
        this = ox.NamedNode(iri)
        term = to_rdflib(this)  # the subject of the first quads, the object of the others: made once
        triples: list[tuple[Node, Node, Node]] = []  # in the order of the store's indexes, labels after each
        add, labelled = triples.append, triples.extend
        for quad in store.quads_for_pattern(this, None, None, merged):
            p, o = quad.predicate, quad.object
            predicate = terms.get(p)
            if predicate is None:
                predicate = _term(terms, p)
            if type(o) is ox.Literal:
                value = terms.get(o)
                add((term, predicate, _term(terms, o) if value is None else value))
            else:
                found = neighbours.get(o)
                if found is None:
                    found = self._neighbour(store, terms, neighbours, o)
                add((term, predicate, found[0]))
                labelled(found[1])
        for quad in store.quads_for_pattern(None, None, this, merged):
            s, p = quad.subject, quad.predicate
            predicate = terms.get(p)
            if predicate is None:
                predicate = _term(terms, p)
            found = neighbours.get(s)
            if found is None:
                found = self._neighbour(store, terms, neighbours, s)
            add((found[0], predicate, term))
            labelled(found[1])
        return Triples(triples)

    def _caches(self, store: ox.Store) -> tuple[dict, dict]:
        """`describe`'s terms and neighbours of `store` (made anew when another store is loaded)."""
        caches = self._describe_caches
        if caches[0] is not store:
            caches = self._describe_caches = (store, {}, {})
        return caches[1], caches[2]

    @staticmethod
    def _neighbour(
        store: ox.Store, terms: dict, neighbours: dict, node: ox.NamedNode | ox.BlankNode
    ) -> tuple[Node, tuple[tuple[Node, Node, Node], ...]]:
        """A neighbour's rdflib term and label triples (`LABELS`), kept for the few thousand asked last."""
        if len(neighbours) >= _LABEL_CACHE:
            neighbours.clear()
        quads = [q for label in _LABELS for q in store.quads_for_pattern(node, label, None, _MERGED)]
        subject = _term(terms, node)
        found = subject, tuple((subject, _term(terms, q.predicate), _term(terms, q.object)) for q in quads)
        neighbours[node] = found
        return found


def _term(terms: dict, node: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """`to_rdflib` of a store's term, kept by term in `terms` (a store's own: cleared when it is full)."""
    found = terms.get(node)
    if found is None:
        if len(terms) >= _TERM_CACHE:
            terms.clear()
        found = terms[node] = to_rdflib(node)
    return found


def preload(folder: Path, dist: Path, plans: dict[str, dict]) -> Path:
    """A new store in `folder` holding the plans' dumps in `dist` (slug -> its "graph" and "triples", as the
    manifest will name them), loaded as `load` loads them, before the build's manifest is written (the
    catalogue's validation runs meanwhile); `load(early=)` takes it and loads the rest."""
    path = folder / f"early-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(path))
    _load_plans(store, dist, plans)
    store.flush()
    _loaded(path).write_text(json.dumps(plans, sort_keys=True), encoding="utf-8")
    del store  # closed: `load` opens it again where it keeps its store
    return path


def _loaded(early: Path) -> Path:
    """Beside a preloaded store: the plans loaded into it."""
    return early.with_name(f"{early.name}.json")


def _plans(early: Path) -> dict | None:
    try:
        return json.loads(_loaded(early).read_bytes())
    except (OSError, ValueError):
        return None


def _plan_graphs(manifest: dict) -> dict[str, dict]:
    return {
        slug: {"graph": plan["graph"], "triples": plan["triples"]} for slug, plan in manifest.get("plans", {}).items()
    }


def _graphs(manifest: dict) -> dict[str, int]:
    """Each graph of a build (per plan, the catalogue) with its number of triples, from its manifest."""
    graphs = {plan["graph"]: plan["triples"] for _slug, plan in sorted(manifest.get("plans", {}).items())}
    catalogue = manifest.get("catalogue")
    if catalogue:
        graphs[catalogue["graph"]] = catalogue["triples"]
    return graphs


def _counts(store: ox.Store) -> dict[str, int]:
    """The triples of every named graph, and of the default graph (key ""), counted by the store
    (not one Python object per quad: 2.5 million quads at 1000 plans)."""
    found = {
        row["g"].value: int(row["n"].value)
        for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    (row,) = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    found[""] = int(row["n"].value)
    return found


class _Quads(RawIOBase):
    """N-Triples files as one N-Quads stream, each triple in the graph named with its file ("": the
    default graph), read
    line by line: several plans go to the store in one bulk load without being held whole."""

    def __init__(self, files: list[tuple[Path, str]]) -> None:
        self._lines = self._read(files)
        self._rest = b""

    @staticmethod
    def _read(files: list[tuple[Path, str]]) -> Iterator[bytes]:
        for path, graph in files:
            tail = b" <" + graph.encode("utf-8") + b"> .\n" if graph else b" .\n"  # "": the default graph
            with path.open("rb") as lines:
                for line in lines:
                    line = line.rstrip()
                    if line and not line.startswith(b"#"):  # a triple: "s p o ." (N-Triples: one a line)
                        yield line[:-1].rstrip() + tail

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        parts, size = [self._rest], len(self._rest)
        while size < len(buffer):
            line = next(self._lines, None)
            if line is None:
                break
            parts.append(line)
            size += len(line)
        data = b"".join(parts)
        size = min(len(buffer), len(data))
        buffer[:size] = data[:size]
        self._rest = data[size:]
        return size


def _groups(files: list[tuple[Path, str, int]]) -> Iterator[list[tuple[Path, str]]]:
    """The plans' files in groups of about `LOAD_TRIPLES` triples, in order."""
    group: list[tuple[Path, str]] = []
    triples = 0
    for path, graph, count in files:
        group.append((path, graph))
        triples += count
        if triples >= LOAD_TRIPLES:
            yield group
            group, triples = [], 0
    if group:
        yield group


def _fill(store: ox.Store, dist: Path, manifest: dict, *, plans: bool = True) -> dict[str, int]:
    """Load a build's dumps into an empty store (`plans`: False if it holds the plans already, `preload`):
    a graph per plan, the catalogue's, the vocabulary's, and their merge as the default graph, each read
    from its file (no graph is held in Python).

    The plans go in groups of about `LOAD_TRIPLES` triples per bulk load: each bulk load writes new
    files into the store, which merges them with all it holds (terms are keyed by hash, so every
    load overlaps every other): a bulk load per plan made loading 1000 plans take 376 s (5.9 s at
    100), one bulk load of everything holds ~1 KiB per quad until it is written."""
    if plans:
        _load_plans(store, dist, manifest.get("plans", {}))
    turtle = [(dist / name, graph) for graph, name in graph_files(manifest) if not name.endswith(".nt")]
    for path, graph in turtle:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    # Merged now, once (5.7 s at 1000 plans), not by a background compaction later: one would delete
    # files that a process opening the store read-only (a SPARQL worker) has just been told to read
    store.optimize()
    return _graphs(manifest)


def _load_plans(store: ox.Store, dist: Path, plans: dict[str, dict]) -> None:
    """The plans' N-Triples (`dist`/{slug}.nt), each into its graph and into the default graph."""
    files = [(dist / f"{slug}.nt", plan["graph"], plan["triples"]) for slug, plan in sorted(plans.items())]
    # The default graph is the RDF merge of all graphs, materialised: a triple that two graphs hold
    # (a shared portfolio) is in it once, as the store holds a set. (oxigraph's "union default
    # graph" is a multiset, so COUNT would count such a triple twice.) Each file is loaded twice,
    # into its graph and into the merge: streamed from disk, never a list of quads.
    for group in _groups(files):
        for graphs in (group, [(path, "") for path, _graph in group]):
            store.bulk_load(BufferedReader(_Quads(graphs), 1 << 16), format=ox.RdfFormat.N_QUADS)


UPDATE_AT_MOST = 0.5  # of the plans changed, above which a build's store is loaded from scratch


def _changed(dist: Path, manifest: dict, before: dict) -> list[tuple[str, Path | None]] | None:
    """The graphs of `before`'s build that `dist`'s build changed: (graph, its new file, or None when
    it is gone). None if too much changed to be worth updating, or the builds do not compare."""
    if before.get("base") != manifest.get("base"):
        return None
    old, new = dict(graph_files(before)), dict(graph_files(manifest))
    hashes, now = before.get("files", {}), manifest.get("files", {})
    changed: list[tuple[str, Path | None]] = [(graph, None) for graph in sorted(old) if graph not in new]
    for graph, name in sorted(new.items()):
        if old.get(graph) != name or hashes.get(name) is None or hashes.get(name) != now.get(name):
            changed.append((graph, dist / name))
    if len(changed) > 2 + UPDATE_AT_MOST * len(manifest.get("plans", {})):  # 2: the catalogue, the vocabulary
        return None
    return changed


def _update(
    path: Path, dist: Path, manifest: dict, previous: Path
) -> tuple[ox.Store, dict[str, int], list[str]] | None:
    """The store of the `previous` build, copied into `path` (its immutable table files hard-linked) and
    brought to `dist`'s build: each changed graph's statements are taken out of the merged default
    graph unless another graph holds them too, the graph dropped, and the new file loaded into its
    graph and into the merge, as `_fill` loads it. None (and nothing left in `path`) if it cannot be:
    no previous store, too much changed, or a blank node in what changed (a blank node of a file is a
    new one with each load, so the merge could not be told apart)."""
    snapshot = previous / SNAPSHOT
    try:
        before, _version = read_manifest(previous)
    except (StoreError, ValueError):
        return None
    changed = _changed(dist, manifest, before)
    if changed is None or not snapshot.is_dir():
        return None
    try:
        path.mkdir(parents=True)
        for source in snapshot.iterdir():  # RocksDB never changes a table file once written; the rest it does
            (os.link if source.suffix == ".sst" else shutil.copy2)(source, path / source.name)
        store = ox.Store(str(path))
    except OSError:
        shutil.rmtree(path, ignore_errors=True)
        return None
    blank = "ASK {{ GRAPH <{g}> {{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }} }}"
    for graph, _file in changed:
        if store.query(blank.format(g=graph)):
            break
        store.update(
            f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }}"
            f" FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != <{graph}>) }} }};"
            f" DROP SILENT GRAPH <{graph}>"
        )
    else:
        for graph, file in changed:
            if file is None:
                continue
            kind = ox.RdfFormat.N_TRIPLES if file.suffix == ".nt" else ox.RdfFormat.TURTLE
            store.bulk_load(path=str(file), format=kind, to_graph=ox.NamedNode(graph))
            store.bulk_load(path=str(file), format=kind, to_graph=ox.DefaultGraph())
            if store.query(blank.format(g=graph)):
                break
        else:
            store.optimize()
            return store, _graphs(manifest), [graph for graph, _file in changed]
    del store
    shutil.rmtree(path, ignore_errors=True)
    return None
