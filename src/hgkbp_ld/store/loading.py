"""Filling the embedded store from a build's dumps (`EmbeddedStore.load`): from scratch, from the last
build's store with only what changed loaded again, or from a store the build's plans were loaded into
early (`preload`). Each graph's triples are checked against the manifest."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from io import BufferedReader, RawIOBase
from pathlib import Path

import pyoxigraph as ox

from hgkbp_ld.store.base import VOCABULARY_GRAPH, StoreError, graph_files, read_manifest

SNAPSHOT = "oxigraph"  # in a build: the store the render stage loaded, for servers to copy at start
LOAD_TRIPLES = 50_000  # the plans' triples per bulk load (see `_fill`)


def filled(
    path: Path | None, dist: Path, manifest: dict, previous: Path | None = None, early: Path | None = None
) -> tuple[ox.Store, dict[str, int], int, list[str] | None]:
    """A store holding the build in `dist` (on disk in `path`, else in memory), with each graph's triples
    as the manifest names them (the vocabulary's as loaded), the triples of their merge, and the graphs
    loaded again if it was made from `previous`'s store (see `EmbeddedStore.load`); StoreError if a
    graph does not hold what the manifest says."""
    reloaded = None
    snapshot = dist / SNAPSHOT
    if path is not None and snapshot.is_dir():  # the build's own store: copied, not loaded again
        shutil.copytree(snapshot, path)
        store = ox.Store(str(path))
        graphs, counted = _graphs(manifest), _counts(store)
    elif path is not None and early is not None and _plans(early) == plan_graphs(manifest):
        os.replace(early, path)  # the plans loaded already: the rest of the build loaded into it
        store = ox.Store(str(path))
        graphs, counted = _fill(store, dist, manifest, plans=False)
    elif path is not None and previous is not None and (updated := _update(path, dist, manifest, previous)):
        store, graphs, reloaded = updated
        counted = _counts(store)  # (`_update` optimized it)
    else:
        store = ox.Store(str(path)) if path is not None else ox.Store()
        graphs, counted = _fill(store, dist, manifest)
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
    return store, graphs, counted[""], reloaded


def preload(folder: Path, dist: Path, plans: dict[str, dict], subjects: Subjects | None = None) -> Path:
    """A new store in `folder` holding the plans' dumps in `dist` (slug -> its "graph" and "triples", as the
    manifest will name them), loaded as `EmbeddedStore.load` loads them, before the build's manifest is written (the
    catalogue's validation runs meanwhile); `load(early=)` takes it and loads the rest. `subjects`: collects the
    plans' graphs' subjects as they are read.

    The dumps are parsed leniently (IRIs not checked again): this build's workers have just written them from
    graphs they parsed and validated (13 % less CPU for the bulk loads at 300 plans); every graph's triples are
    still counted against the manifest."""
    path = folder / f"early-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(path))
    _load_plans(store, dist, plans, subjects, lenient=True)
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


def plan_graphs(manifest: dict) -> dict[str, dict]:
    """Each plan's graph and triples as the manifest names them (what `preload` is given)."""
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


# an N-Triples line's subject: an IRI without escapes, or a blank node; with the blank after it
_SUBJECT = re.compile(rb"(?:<([^>\\]*)>|_:\S+)[ \t]")


class Subjects:
    """The subjects of the lines `_Quads` reads (the plans' graphs' subjects), those `keep` takes, collected as
    they are read: what `EmbeddedStore.graph_subjects` would list of the plans' graphs, without a scan of the
    store (the last stage's shared things: 4.4 s at 1000 plans, on its way to its pages). `exact` is False
    once a subject is neither a blank node nor an IRI written without escapes: ask the store then."""

    def __init__(self, keep: Callable[[str], bool]) -> None:
        self.keep = keep
        self.found: set[str] = set()
        self.exact = True

    def see(self, line: bytes) -> bytes:
        """Take the subject of `line` (a triple's line); returns how the lines with that subject begin."""
        found = _SUBJECT.match(line)
        if found is None:
            self.exact = False
            return b"\0"  # (no line begins so: the next line is looked at again)
        iri = found[1]
        if iri is not None and self.keep(text := iri.decode("utf-8")):
            self.found.add(text)
        return found[0]


class _Quads(RawIOBase):
    """N-Triples files as one N-Quads stream, each triple in the graph named with its file ("": the
    default graph), read line by line: several plans go to the store in one bulk load without being
    held whole. `subjects`: sees each line's subject (once per run of lines with the same subject)."""

    def __init__(self, files: list[tuple[Path, str]], subjects: Subjects | None = None) -> None:
        self._lines = self._read(files, subjects)
        self._rest = b""

    @staticmethod
    def _read(files: list[tuple[Path, str]], subjects: Subjects | None) -> Iterator[bytes]:
        last = b"\0"  # how the lines of the last subject seen begin
        for path, graph in files:
            tail = b" <" + graph.encode("utf-8") + b"> .\n" if graph else b" .\n"  # "": the default graph
            with path.open("rb") as lines:
                for line in lines:
                    line = line.rstrip()
                    if line and not line.startswith(b"#"):  # a triple: "s p o ." (N-Triples: one a line)
                        if subjects is not None and not line.startswith(last):
                            last = subjects.see(line)
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


class _Joined(RawIOBase):
    """Files read one after another as one stream, a line break after each (a last line without one)."""

    def __init__(self, paths: list[Path]) -> None:
        self._paths = iter(paths)
        self._file: BufferedReader | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while True:
            if self._file is None:
                path = next(self._paths, None)
                if path is None:
                    return 0
                self._file = path.open("rb")
            read = self._file.readinto(buffer)
            if read:
                return read
            self._file.close()
            self._file = None
            buffer[0:1] = b"\n"
            return 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()


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


def _fill(store: ox.Store, dist: Path, manifest: dict, *, plans: bool = True) -> tuple[dict[str, int], dict[str, int]]:
    """Load a build's dumps into an empty store (`plans`: False if it holds the plans already, `preload`):
    a graph per plan, the catalogue's, the vocabulary's, and their merge as the default graph, each read
    from its file (no graph is held in Python). Returns each graph's triples as the manifest names them,
    and as the store counts them (`_counts`).

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
    # files that a process opening the store read-only (a SPARQL worker) has just been told to read.
    # Counted meanwhile (2.1 s at 1000 plans), on a thread of its own: RocksDB compacts on its own threads
    # (this one waits) and a count reads one consistent state of the store, however its files are laid out
    with ThreadPoolExecutor(1, thread_name_prefix="hgkbp-count") as counting:
        counted = counting.submit(_counts, store)
        store.optimize()
        return _graphs(manifest), counted.result()


def _load_plans(
    store: ox.Store, dist: Path, plans: dict[str, dict], subjects: Subjects | None = None, *, lenient: bool = False
) -> None:
    """The plans' N-Triples (`dist`/{slug}.nt), each into its graph and into the default graph (`subjects`: sees
    the lines as they go into the graphs; `lenient`: IRIs not checked, see `preload`)."""
    files = [(dist / f"{slug}.nt", plan["graph"], plan["triples"]) for slug, plan in sorted(plans.items())]
    # The default graph is the RDF merge of all graphs, materialised: a triple that two graphs hold
    # (a shared portfolio) is in it once, as the store holds a set. (oxigraph's "union default
    # graph" is a multiset, so COUNT would count such a triple twice.) Each file is loaded twice,
    # into its graph and into the merge: streamed from disk, never a list of quads.
    # Into the merge the files go as they are (N-Triples, read by the store, not line by line here).
    for group in _groups(files):
        quads = BufferedReader(_Quads(group, subjects), 1 << 16)
        store.bulk_load(quads, format=ox.RdfFormat.N_QUADS, lenient=lenient)
        triples = BufferedReader(_Joined([path for path, _graph in group]), 1 << 16)
        store.bulk_load(triples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph(), lenient=lenient)


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
