"""Every dump read by other parsers than ours gives the same triples as the N-Triples dump.

rapper (Debian's raptor2-utils, a C parser) reads the Turtle, RDF/XML and N-Triples dumps; pyld (the
JSON-LD processor in Python, not rdflib's) expands the JSON-LD dump with its own inline context. The
published data has no blank nodes, so "the same triples" is plain set equality.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

RAPPER_SYNTAX = {"ttl": "turtle", "rdf": "rdfxml", "nt": "ntriples"}


def dumps(dist: Path) -> list[Path]:
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    return [dist / f"{slug}.nt" for slug in sorted(manifest["plans"])] + [dist / "catalogus.ttl"]


def triples(ntriples: str) -> set:
    graph = Graph()
    graph.parse(data=ntriples, format="nt")
    return set(graph)


@pytest.fixture(scope="module")
def rapper() -> str:
    found = shutil.which("rapper")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("rapper is missing: .ci/run installs Debian's raptor2-utils")
        pytest.skip("rapper is not installed (Debian's raptor2-utils)")
    return found


@pytest.mark.parametrize("extension", sorted(RAPPER_SYNTAX))
def test_rapper_reads_every_dump_to_the_same_triples(dist: Path, rapper: str, extension: str) -> None:
    for reference in dumps(dist):
        if reference.name == "catalogus.ttl" and extension != "ttl":
            continue
        path = reference.with_suffix(f".{extension}")
        done = subprocess.run(
            [rapper, "-q", "-i", RAPPER_SYNTAX[extension], "-o", "ntriples", str(path)],
            capture_output=True, text=True, timeout=120, check=False,
        )
        assert done.returncode == 0, f"{path.name}: {done.stderr}"
        assert "_:" not in done.stdout, f"{path.name} has blank nodes"
        expected = triples(reference.read_text(encoding="utf-8")) if reference.suffix == ".nt" else None
        if expected is None:  # the catalogue has no N-Triples twin: compare with rdflib's reading
            expected = set(Graph().parse(reference, format="turtle"))
        got = triples(done.stdout)
        assert len(got) > 100 and got == expected, f"{path.name}: {len(got ^ expected)} triples differ"


def test_pyld_reads_the_json_ld_dumps_to_the_same_triples(dist: Path) -> None:
    from pyld import jsonld

    for reference in dumps(dist):
        if reference.suffix != ".nt":
            continue
        document = json.loads(reference.with_suffix(".jsonld").read_text(encoding="utf-8"))
        nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
        dataset = Dataset()
        dataset.parse(data=nquads, format="nquads")
        got = {(s, p, o) for s, p, o, _g in dataset.quads((None, None, None, None))}
        expected = triples(reference.read_text(encoding="utf-8"))
        assert len(got) > 100 and got == expected, f"{reference.name}: {len(got ^ expected)} triples differ"
