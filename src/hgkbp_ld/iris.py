"""The namespaces and the IRI scheme, in one place (docs/design.md, Vlaamse URI-standaard).

A thing is `{base}/id/{path}`; its document is `/doc/{path}` on whatever host serves it (with the
suffix forms `/doc/{path}.ttl` …); a past version of a thing is `{base}/id/versie/{plan}/{n}/{path}`
with its document at `/doc/versie/{plan}/{n}/{path}`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, SKOS

DEFAULT_BASE = "https://data.vlaanderen.be"
VOCABULARY = "https://data.vlaanderen.be/ns/beleidsplan"  # the vocabulary's namespace document
PROFILE = "applicatieprofiel/beleidsplan"  # the application profile's path under /doc/

BP = Namespace(f"{VOCABULARY}#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
MANDAAT = Namespace("http://data.vlaanderen.be/ns/mandaat#")
BESLUIT = Namespace("http://data.vlaanderen.be/ns/besluit#")
PERSON = Namespace("http://www.w3.org/ns/person#")
PERSOON = Namespace("https://data.vlaanderen.be/ns/persoon#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SCHEMA = Namespace("http://schema.org/")  # as schema.org's own RDF has it (not rdflib's https://)

PREFIXES: dict[str, Namespace] = {
    "bp": BP,
    "eli": ELI,
    "mandaat": MANDAAT,
    "besluit": BESLUIT,
    "person": PERSON,
    "persoon": PERSOON,
    "dcterms": Namespace(str(DCTERMS)),
    "skos": Namespace(str(SKOS)),
    "dcat": Namespace(str(DCAT)),
    "prov": Namespace(str(PROV)),
    "foaf": Namespace(str(FOAF)),
    "owl": Namespace(str(OWL)),
    "org": Namespace(str(ORG)),
    "schema": SCHEMA,
    "spdx": SPDX,
}


def thing(base: str, path: str) -> str:
    """The IRI of the thing at `path`: `{base}/id/{path}`."""
    return f"{base}/id/{path}"


def document(base: str, path: str) -> str:
    """The absolute address of the document of the thing at `path`: `{base}/doc/{path}`."""
    return f"{base}/doc/{path}"


def doc_link(path: str) -> str:
    """The document of the thing at `path` on the host that serves it: `/doc/{path}`."""
    return f"/doc/{path}"


def path_of(iri: str, base: str) -> str | None:
    """The path of a thing under `base` (`actie/p/12`), or None for an IRI of elsewhere."""
    prefix = f"{base}/id/"
    return iri[len(prefix) :] if iri.startswith(prefix) else None


def doc_href(iri: str, base: str) -> str:
    """Where a thing's document is on this site (`/doc/{path}`); another IRI is its own link."""
    path = path_of(iri, base)
    return iri if path is None else doc_link(path)


def term_href(iri: str) -> str:
    """A term of the vocabulary links to its entry on the vocabulary page; another is itself."""
    return f"/ns/beleidsplan#{iri[len(BP) :]}" if iri.startswith(str(BP)) else iri


def version_path(plan: str, number: int, path: str) -> str:
    """The path of a thing's state in version `number` of a plan: `versie/{plan}/{n}/{path}`."""
    return f"versie/{plan}/{number}/{path}"


@dataclass(frozen=True)
class Iris:
    """The IRIs of one plan under a canonical base."""

    base: str
    plan_slug: str

    def _id(self, path: str) -> URIRef:
        return URIRef(thing(self.base, path))

    def plan(self, slug: str | None = None) -> URIRef:
        return self._id(f"beleidsplan/{slug or self.plan_slug}")

    def goal(self, code: str) -> URIRef:
        return self._id(f"doelstelling/{self.plan_slug}/{code}")

    def action(self, number: int) -> URIRef:
        return self._id(f"actie/{self.plan_slug}/{number}")

    def indicator(self, action: int, position: int) -> URIRef:
        return self._id(f"indicator/{self.plan_slug}/{action}-{position}")

    def period(self, local: str) -> URIRef:
        return self._id(f"periode/{self.plan_slug}/{local}")

    def portfolio(self, slug: str) -> URIRef:
        return self._id(f"bevoegdheid/{slug}")

    def portfolio_scheme(self) -> URIRef:
        return self._id("conceptscheme/bevoegdheid")

    def mandataris(self, slug: str) -> URIRef:
        return self._id(f"mandataris/{slug}")

    def person(self, slug: str) -> URIRef:
        return self._id(f"persoon/{slug}")

    def dataset(self) -> URIRef:
        return self._id(f"dataset/{self.plan_slug}")

    def source(self) -> URIRef:
        return self._id(f"bron/{self.plan_slug}")

    def software(self) -> URIRef:
        return self._id("software/hgkbp-ld")

    def version(self, number: int) -> URIRef:
        return self._id(f"versie/{self.plan_slug}/{number}")

    def catalogue(self) -> URIRef:
        return self._id("catalogus/hgkbp-ld")
