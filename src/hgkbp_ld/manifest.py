"""What a build writes beside the plans' own files: the DCAT catalogue (validated), the vocabulary,
its JSON-LD context, the shapes, and `manifest.json`, which names every file with its SHA-256 and
the dataset's version (the hash of the rest of the manifest).

The catalogue's validation needs nothing the rest of the build waits for: only whether it passes, before
the new dist/ is put in place. So a build on several cores validates it in a process of its own
(`CatalogueCheck`), started once the plans are built, which loads and compiles the DCAT profiles while
the catalogue is made and validates it while the last stage renders the site; the build fails as before
if it does not conform, only later, and dist/ stays as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import multiprocessing as mp
import os
import threading
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

from rdflib import Graph

from hgkbp_ld import __version__
from hgkbp_ld.catalogue import CATALOGUE_FILE, CatalogueConfig, catalogue_graph
from hgkbp_ld.durable import put
from hgkbp_ld.failures import ValidationFailed
from hgkbp_ld.iris import Iris
from hgkbp_ld.jsonld import CONTEXT
from hgkbp_ld.linking import NICE
from hgkbp_ld.plan_build import PlanOutcome, plan_entry
from hgkbp_ld.rdfio import serialise, serialise_all
from hgkbp_ld.validate import ONTOLOGY, SHAPES, Report, validate_catalogue, validate_catalogue_ntriples

__all__ = ["CatalogueCheck", "catalogue", "plan_graphs", "write"]


class CatalogueCheck:
    """The catalogue's validation in a process of its own (spawned: it starts clean), started now: it
    loads and compiles the profiles at once, then validates the catalogue `validate` gives it (as
    N-Triples: the same triples, no blank node in a catalogue); `wait` raises if it does not conform."""

    def __init__(self) -> None:
        context = mp.get_context("spawn")
        self._ours, theirs = context.Pipe()
        self._process = context.Process(target=_check, args=(theirs,), daemon=True)
        self._process.start()
        theirs.close()
        self._sending: threading.Thread | None = None

    def validate(self, catalogue: Graph | bytes) -> None:
        """Send the catalogue (a graph, or its N-Triples: `write` has them), by a thread: the process
        takes it only once it has imported what it validates with (~0.5 s of CPU), and the build goes on
        meanwhile."""
        body = catalogue if isinstance(catalogue, bytes) else serialise(catalogue, "nt")
        self._sending = threading.Thread(target=self._send, args=(body,), name="hgkbp-catalogue", daemon=True)
        self._sending.start()

    def _send(self, body: bytes) -> None:
        with contextlib.suppress(OSError):  # it ended already (failed loading the profiles): `wait` says why
            self._ours.send_bytes(body)

    def wait(self) -> None:
        """Until the catalogue is validated; ValidationFailed if it does not conform."""
        if self._sending is not None:
            self._sending.join()
        try:
            report = self._ours.recv()
        except EOFError:
            report = None
        self.stop()
        if isinstance(report, str) or report is None:  # the process failed: what it said, if it could
            raise RuntimeError(f"the catalogue's validation failed in its process:\n{report or 'it ended'}")
        _conforms(report)

    def stop(self) -> None:
        """End the process: its report is read (`wait`), or not wanted (the build failed)."""
        self._process.terminate()
        if self._sending is not None:
            self._sending.join()  # the pipe is broken now, if it still waited to be read
        self._ours.close()
        self._process.join()


def _check(connection: Connection) -> None:
    """In `CatalogueCheck`'s process: the profiles made ready (an empty catalogue validated) while the
    catalogue is received (by a thread: the build does not wait on the pipe until they are), then the
    report on it (the traceback if that fails; nothing if none came: the build stopped before)."""
    given: list[bytes] = []

    def receive() -> None:
        with contextlib.suppress(EOFError, OSError):
            given.append(connection.recv_bytes())

    receiving = threading.Thread(target=receive, name="hgkbp-catalogue", daemon=True)
    receiving.start()
    with contextlib.suppress(OSError):
        os.nice(NICE)  # beside the build, which it must not slow: a core left to the last stage when both want one
    try:
        validate_catalogue_ntriples(b"")  # the DCAT profiles and the code lists loaded, the shapes compiled
        receiving.join()
        if given:  # read by pyshacl-turbo as they are, not as an rdflib graph (`validate_catalogue_ntriples`)
            connection.send(validate_catalogue_ntriples(given[0]))
    except Exception:  # told to the build with its traceback
        connection.send(traceback.format_exc())


def plan_graphs(plans: tuple[PlanOutcome, ...], base: str) -> dict[str, dict]:
    """Each plan's graph and its number of triples, as `manifest.json` names them (in the plans' order)."""
    return {p.slug: {"graph": str(Iris(base, p.slug).dataset()), "triples": p.triples} for p in plans}


def _conforms(report: Report) -> None:
    if not report.conforms:
        raise ValidationFailed(report, f"DCAT-AP Vlaanderen 3 and DCAT-AP 3.0.1 ({CATALOGUE_FILE})")


def catalogue(
    plans: tuple[PlanOutcome, ...],
    base: str,
    data_dir: Path,
    times: dict[str, dt.datetime],
    check: CatalogueCheck | None = None,
) -> tuple[Graph, bytes]:
    """The catalogue of what was just written, and its Turtle; it must pass DCAT-AP Vlaanderen 3 and EU
    DCAT-AP 3.0.1 (validated here, or given to `check` as the N-Triples written with the Turtle, whose
    `wait` says so)."""
    entries = [plan_entry(p, times[p.slug]) for p in plans]
    graph = catalogue_graph(CatalogueConfig.load(data_dir / "catalogue.toml"), entries, base)
    if check is None:
        _conforms(validate_catalogue(graph))
        return graph, serialise(graph, "ttl")
    written = serialise_all(graph, ("nt", "ttl"))
    check.validate(written["nt"])
    return graph, written["ttl"]


def write(
    folder: Path,
    plans: tuple[PlanOutcome, ...],
    base: str,
    data_dir: Path,
    times: dict[str, dt.datetime],
    check: CatalogueCheck | None = None,
) -> dict[str, str]:
    """The catalogue, the vocabulary, the shapes and the manifest, beside the plans' own files (the
    catalogue validated here, or by `check`)."""
    digests = {name: digest for plan in plans for name, digest in plan.files.items()}
    graph, turtle = catalogue(plans, base, data_dir, times, check)
    files = {
        CATALOGUE_FILE: turtle,
        "beleidsplan.ttl": ONTOLOGY.read_bytes(),
        "beleidsplan.context.jsonld": CONTEXT.read_bytes(),
        "beleidsplan-shapes.ttl": SHAPES.read_bytes(),
    }
    for name, body in files.items():
        digests[name] = put(folder / name, body)
    digests = dict(sorted(digests.items()))
    graphs = plan_graphs(plans, base)
    manifest = {
        "tool": f"hgkbp-ld {__version__}",
        "base": base,
        "plans": {p.slug: {**graphs[p.slug], "actions": p.actions} for p in plans},
        "catalogue": {"graph": str(Iris(base, "").catalogue()), "file": CATALOGUE_FILE, "triples": len(graph)},
        "files": digests,
        "versions": {
            p.slug: [
                {"number": number, "timestamp": timestamp, "file": f"versies/{p.slug}/{number}.nt"}
                for number, timestamp in p.versions
            ]
            for p in sorted(plans, key=lambda p: p.slug)
        },
    }
    # The dataset's version, readable by anyone (nginx, caches): the hash of everything else in the
    # manifest, which names every file's hash. /sparql's ETags begin with it.
    manifest["dataset_version"] = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode("utf-8")).hexdigest()
    put(folder / "manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return digests
