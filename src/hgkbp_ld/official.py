"""The official shape files of `shapes/official/` (verbatim copies), made loadable, and what they need.

Known defects of the published files are mended here at load time, each by a named function, never
in the files themselves (`shapes/official/README.md` lists them). The background knowledge that
validators such as the EU's load (the code lists and the W3C class hierarchy) comes from
`shapes/official/codelists/` and `shapes/background/`. Of the OSLO Mandatendatabank profile only the
rules that apply to what the plan publishes are used; `shapes/mandatendatabank-rules.csv` says, for
every rule of the profile, whether it is applied and why not.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from hgkbp_ld.bundled import SHAPES as SHAPES_DIR
from hgkbp_ld.rdfio import read_graph
from hgkbp_ld.registers import RegisterError

OFFICIAL = SHAPES_DIR / "official"
DCAT_AP_VL = OFFICIAL / "dcat-ap-vl-3" / "DCAT-AP-VL-SHACL.ttl"
DCAT_AP_FILES = ("shapes", "range", "mdr-vocabularies.shape", "shapes_recommended", "deprecateduris")
DCAT_AP = tuple(OFFICIAL / "dcat-ap-3.0.1" / f"{name}.ttl" for name in DCAT_AP_FILES)
MANDATENDATABANK = OFFICIAL / "mandatendatabank" / "mandatendatabank-SHACL.ttl"
CODELISTS = OFFICIAL / "codelists"
W3C_CLASSES = SHAPES_DIR / "background" / "w3c-classes.ttl"
MANDATENDATABANK_RULES = SHAPES_DIR / "mandatendatabank-rules.csv"


class OfficialShapesError(RegisterError):
    """An official shape file or the list of applied rules does not load; the message names the file."""


def counts_as_integers(shapes: Graph) -> Graph:
    """DCAT-AP-VL 3 and Mandatendatabank write counts as strings (`"1"`, `"n"`, `"n"^^xsd:integer`).

    A count of `"1"` becomes the integer 1; `"n"` means "no upper bound" and is dropped.
    """
    for predicate in (SH.minCount, SH.maxCount):
        for shape, count in list(shapes.subject_objects(predicate)):
            if isinstance(count, Literal) and count.datatype == XSD.integer and str(count).isdigit():
                continue
            shapes.remove((shape, predicate, count))
            if str(count).isdigit():
                shapes.add((shape, predicate, Literal(int(str(count)))))
    return shapes


def spdx_pattern(shapes: Graph) -> Graph:
    """DCAT-AP 3.0.1's checksum-algorithm pattern `^https://spdx.org/rdf/terms` matches no SPDX IRI
    (they are `http://spdx.org/rdf/terms#checksumAlgorithm_*`); it is widened to `^https?://`."""
    for shape, pattern in list(shapes.subject_objects(SH.pattern)):
        if str(pattern) == "^https://spdx.org/rdf/terms":
            shapes.set((shape, SH.pattern, Literal("^https?://spdx.org/rdf/terms")))
    return shapes


def no_sh_shape(shapes: Graph) -> Graph:
    """DCAT-AP 3.0.1 writes `sh:shape :DateOrDateTimeDataType_Shape` on five property shapes; SHACL has
    no `sh:shape` (`sh:node` was meant), so it checks nothing: pyshacl passes over it, pyshacl-turbo
    refuses the file. The statements are dropped, which leaves every report as it was."""
    shapes.remove((None, URIRef(f"{SH}shape"), None))  # not in rdflib's closed SHACL namespace either
    return shapes


def _parse(*paths: Path, format: str = "turtle") -> Graph:
    """The files' triples. rdflib logs a traceback for each count written `"n"^^xsd:integer`; that
    defect is mended by `counts_as_integers`, so the warnings are kept out of the build's output."""
    graph = Graph()
    term_log = logging.getLogger("rdflib.term")
    level = term_log.level
    term_log.setLevel(logging.ERROR)
    try:
        for path in paths:
            _parse_one(graph, path, format)
    finally:
        term_log.setLevel(level)
    return graph


def _parse_one(graph: Graph, path: Path, format: str) -> None:
    try:
        read_graph(path, format, graph)
    except (OSError, SyntaxError, ValueError) as error:
        raise OfficialShapesError(f"{path}: cannot load ({error}); restore the verbatim copy") from error


@lru_cache(maxsize=1)
def dcat_ap_vl() -> Graph:
    """DCAT-AP Vlaanderen 3 (recognised standard 2026-02-12)."""
    return counts_as_integers(_parse(DCAT_AP_VL))


@lru_cache(maxsize=1)
def dcat_ap() -> Graph:
    """EU DCAT-AP 3.0.1: core shapes, ranges, controlled vocabularies, recommended and deprecated terms."""
    return no_sh_shape(spdx_pattern(_parse(*DCAT_AP)))


@lru_cache(maxsize=1)
def background() -> Graph:
    """The code lists and the W3C class hierarchy, added to a catalogue before it is validated."""
    graph = _parse(*sorted(CODELISTS.glob("*.rdf")), format="xml")
    graph += _parse(W3C_CLASSES)
    return graph


def background_of(data: Graph) -> Graph:
    """The part of the background a graph can reach: what the code lists say about the terms it uses
    (and about their schemes), and every class hierarchy statement. The same results as the whole
    background, for a tenth of its triples."""
    used = {o for o in data.objects() if isinstance(o, URIRef)} | {s for s in data.subjects() if isinstance(s, URIRef)}
    return background_reached(used)


def background_reached(used: Iterable[URIRef]) -> Graph:
    """`background_of` a graph whose subjects and objects that are IRIs are `used` (its predicates need
    not be in it)."""
    full = background()
    described = _background_subjects()
    part = Graph()
    for node in used:
        if node not in described:  # (most of a catalogue's IRIs: nothing to look up)
            continue
        for _p, o in full.predicate_objects(node):
            part.add((node, _p, o))
            if isinstance(o, URIRef) and _p != RDF.type:
                for triple in full.triples((o, None, None)):
                    part.add(triple)
    for triple in full.triples((None, RDFS.subClassOf, None)):
        part.add(triple)
    return part


@lru_cache(maxsize=1)
def _background_subjects() -> frozenset[URIRef]:
    return frozenset(s for s in background().subjects() if isinstance(s, URIRef))


@dataclass(frozen=True)
class Rule:
    """One rule of the Mandatendatabank profile: a node shape, or one of its property shapes."""

    shape: str  # local name of the node shape, e.g. MandatarisShape
    path: str  # the property's IRI, or "*" for a whole node shape
    applied: bool
    reason: str  # why it is not applied (or what it checks here)


def mandatendatabank_rules(path: Path = MANDATENDATABANK_RULES) -> tuple[Rule, ...]:
    rules = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            applied = (row.get("applied") or "").strip()
            if applied not in ("yes", "no") or not (row.get("reason") or "").strip():
                raise OfficialShapesError(f"{path}:{number}: 'applied' must be yes or no, with a reason")
            rules.append(Rule(row["shape"].strip(), row["path"].strip(), applied == "yes", row["reason"].strip()))
    return tuple(rules)


def _local(node: URIRef) -> str:
    return str(node).rsplit("#", 1)[-1]


@lru_cache(maxsize=2)
def mandatendatabank(rules_path: Path = MANDATENDATABANK_RULES) -> Graph:
    """The Mandatendatabank rules this project applies; every other rule of the file is left out.

    Every property shape of the file must be listed in the rules (by its node shape and path, or by
    its whole node shape), so that a new edition of the profile cannot add a rule unnoticed.
    """
    shapes = counts_as_integers(_parse(MANDATENDATABANK))
    rules = {(r.shape, r.path): r for r in mandatendatabank_rules(rules_path)}
    for node_shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        whole = rules.get((_local(node_shape), "*"))
        for prop in list(shapes.objects(node_shape, SH.property)):
            path = str(shapes.value(prop, SH.path))
            rule = rules.get((_local(node_shape), path)) or whole
            if rule is None:
                raise OfficialShapesError(
                    f"{rules_path}: the rule {_local(node_shape)} {path} of the Mandatendatabank "
                    "profile is not listed; add it (applied yes or no, with the reason)"
                )
            if not rule.applied:
                shapes.remove((node_shape, SH.property, prop))
                shapes.remove((prop, None, None))
    return shapes


def rule_name(shapes: Graph, shape: URIRef | None) -> str:
    """A name for the rule a validation result comes from: the official anchor (rdfs:seeAlso) of a
    property shape, else its node shape and path."""
    if shape is None:
        return ""
    see_also = shapes.value(shape, RDFS.seeAlso)
    if isinstance(see_also, URIRef):
        return str(see_also)
    if isinstance(shape, URIRef):
        return str(shape)
    owner = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    return f"{owner} {path}" if owner is not None else str(shape)
