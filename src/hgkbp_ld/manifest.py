"""What a build writes beside the plans' own files: the DCAT catalogue (validated), the vocabulary,
its JSON-LD context, the shapes, and `manifest.json`, which names every file with its SHA-256 and
the dataset's version (the hash of the rest of the manifest)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from rdflib import Graph

from hgkbp_ld import __version__
from hgkbp_ld.catalogue import CATALOGUE_FILE, CatalogueConfig, catalogue_graph
from hgkbp_ld.failures import ValidationFailed
from hgkbp_ld.iris import Iris
from hgkbp_ld.plan_build import PlanOutcome, plan_entry, put
from hgkbp_ld.rdfio import CONTEXT, serialise
from hgkbp_ld.validate import ONTOLOGY, SHAPES, validate_catalogue

__all__ = ["catalogue", "write"]


def catalogue(plans: tuple[PlanOutcome, ...], base: str, data_dir: Path, times: dict[str, dt.datetime]) -> Graph:
    """The catalogue of what was just written; it must pass DCAT-AP Vlaanderen 3 and EU DCAT-AP 3.0.1."""
    entries = [plan_entry(p, times[p.slug]) for p in plans]
    graph = catalogue_graph(CatalogueConfig.load(data_dir / "catalogue.toml"), entries, base)
    report = validate_catalogue(graph)
    if not report.conforms:
        raise ValidationFailed(report, f"DCAT-AP Vlaanderen 3 and DCAT-AP 3.0.1 ({CATALOGUE_FILE})")
    return graph


def write(
    folder: Path, plans: tuple[PlanOutcome, ...], base: str, data_dir: Path, times: dict[str, dt.datetime]
) -> dict[str, str]:
    """The catalogue, the vocabulary, the shapes and the manifest, beside the plans' own files."""
    digests = {name: digest for plan in plans for name, digest in plan.files.items()}
    graph = catalogue(plans, base, data_dir, times)
    files = {
        CATALOGUE_FILE: serialise(graph, "ttl"),
        "beleidsplan.ttl": ONTOLOGY.read_bytes(),
        "beleidsplan.context.jsonld": CONTEXT.read_bytes(),
        "beleidsplan-shapes.ttl": SHAPES.read_bytes(),
    }
    for name, body in files.items():
        digests[name] = put(folder / name, body)
    digests = dict(sorted(digests.items()))
    manifest = {
        "tool": f"hgkbp-ld {__version__}",
        "base": base,
        "plans": {
            p.slug: {"graph": str(Iris(base, p.slug).dataset()), "triples": p.triples, "actions": p.actions}
            for p in plans
        },
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
