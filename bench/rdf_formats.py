"""What a page's RDF formats cost (`rdfio.serialise_all`: N-Triples, JSON-LD, Turtle, RDF/XML), main
against a branch: run each side with its `PYTHONPATH`.

    .venv/bin/python -m bench.rdf_formats capture DATA N FILE   # the graphs a build of N plans serialises
    .venv/bin/python -m bench.rdf_formats run FILE PASSES [--pages]  # serialise them PASSES times (0: none)
    .venv/bin/python -m bench.rdf_formats insitu DATA N         # CPU s inside serialise_all in that build

`capture` builds the first N plans of DATA as a worker does (`bench.plan_cost`) and pickles every graph
given to `serialise_all` with its formats (the same file serves both sides). `run` reads them back (a
page's description as `triples.Triples`, the rest as rdflib graphs) and writes every format of each;
under `valgrind --tool=cachegrind --cache-sim=no`, PASSES=1 minus PASSES=0 is one cold pass's
instructions (the writers' remembered forms start empty, as in a worker). `insitu` times the calls
inside a real build (CPU seconds, by graph kind): what a worker pays, its caches and memory included.
"""

from __future__ import annotations

import argparse
import pickle
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.plugins.stores.memory import SimpleMemory

from bench import plan_cost
from hgkbp_ld import plan_build, rdfio
from hgkbp_ld.render import pages, plan_site
from hgkbp_ld.triples import Triples

_USERS = (rdfio, pages, plan_site, plan_build)  # the modules that call serialise_all by name


def _spy(wrap: Any) -> None:  # noqa: ANN401 (a function of the same signature)
    for module in _USERS:
        module.serialise_all = wrap


def _build(data: Path, count: int) -> None:
    root = Path(tempfile.mkdtemp(dir="/dev/shm"))
    try:
        plan_cost.build(data, count, root)
    finally:
        shutil.rmtree(root)


def capture(data: Path, count: int, file: Path) -> None:
    found: list[tuple[str, list, tuple[str, ...]]] = []
    serialise_all = rdfio.serialise_all

    def keep(graph: Any, formats: tuple[str, ...]) -> dict[str, bytes]:  # noqa: ANN401
        found.append((type(graph).__name__, list(graph), formats))
        return serialise_all(graph, formats)

    _spy(keep)
    _build(data, count)
    file.write_bytes(pickle.dumps(found))
    print(f"{len(found)} graphs, {sum(len(t) for _k, t, _f in found)} triples")


def run(file: Path, passes: int, only_pages: bool = False) -> None:
    graphs = []
    for kind, triples, formats in pickle.loads(file.read_bytes()):
        if only_pages and (kind != "Triples" or len(triples) >= 1000):
            continue
        graph: Triples | Graph = Triples(triples) if kind == "Triples" else Graph(store=SimpleMemory())
        if isinstance(graph, Graph):
            for triple in triples:
                graph.add(triple)
        graphs.append((graph, formats))
    for _ in range(passes):
        before = time.process_time()
        for graph, formats in graphs:
            rdfio.serialise_all(graph, formats)
        print(f"{rdfio.__file__}: {len(graphs)} graphs, {time.process_time() - before:.3f} s CPU")


def insitu(data: Path, count: int) -> None:
    spent: dict[str, float] = {}
    serialise_all = rdfio.serialise_all

    def timed(graph: Any, formats: tuple[str, ...]) -> dict[str, bytes]:  # noqa: ANN401
        before = time.process_time()
        try:
            return serialise_all(graph, formats)
        finally:
            kind = "pages" if isinstance(graph, Triples) and len(graph) < 1000 else "plan graphs and streams"
            spent[kind] = spent.get(kind, 0.0) + time.process_time() - before

    _spy(timed)
    before = time.process_time()
    _build(data, count)
    whole = time.process_time() - before
    print(rdfio.__file__, {kind: round(s, 3) for kind, s in spent.items()}, f"the build {whole:.3f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("capture")
    one.add_argument("data", type=Path)
    one.add_argument("count", type=int)
    one.add_argument("file", type=Path)
    two = commands.add_parser("run")
    two.add_argument("file", type=Path)
    two.add_argument("passes", type=int)
    two.add_argument("--pages", action="store_true", help="only the pages' descriptions (not the plan's graphs)")
    three = commands.add_parser("insitu")
    three.add_argument("data", type=Path)
    three.add_argument("count", type=int)
    args = parser.parse_args()
    if args.command == "capture":
        capture(args.data, args.count, args.file)
    elif args.command == "run":
        run(args.file, args.passes, args.pages)
    else:
        insitu(args.data, args.count)


if __name__ == "__main__":
    main()
