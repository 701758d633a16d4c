"""Model + registers → RDF (an rdflib Graph) with the IRIs of `hgkbp_ld.iris`. Knows nothing of HTTP.

Deterministic: the same input gives the same triples. No blank nodes: every node has an IRI.
Plain Dutch text is tagged `@nl`; years are `xsd:gYear`; both directions of part-of are stated.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rdflib_namespace
from rdflib.plugins.stores.memory import SimpleMemory

from hgkbp_ld import iris
from hgkbp_ld.iris import DEFAULT_BASE, PREFIXES, Iris
from hgkbp_ld.model import Action, Block, HorizontalGoal, ItemList, Paragraph, ParsedPlan
from hgkbp_ld.registers import Mandate, PlanConfig, RegisterError, Registers
from hgkbp_ld.triples import Triple, Triples


class _Terms:
    """A namespace whose terms are each made once: rdflib makes a new IRI at every attribute access of a
    namespace (and checks a closed one's name first), several thousand times a plan. The same terms."""

    def __init__(self, of: object) -> None:
        self._of = of

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = getattr(self._of, name)
        setattr(self, name, term)  # found in the instance from now on, without __getattr__
        return term


_RDFLIB = ("DCAT", "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD")
DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD = (
    _Terms(getattr(rdflib_namespace, name)) for name in _RDFLIB
)
BESLUIT, BP, MANDAAT, PERSON, PERSOON, SCHEMA, SPDX = (
    _Terms(getattr(iris, name)) for name in ("BESLUIT", "BP", "MANDAAT", "PERSON", "PERSOON", "SCHEMA", "SPDX")
)

_AMOUNT = re.compile(r"^(\d+(?:,\d+)?)\s+(\S.*)$")


@dataclass(frozen=True)
class Provenance:
    source_name: str
    source_sha256: str
    generated_at: dt.datetime
    tool_version: str


def describe_blocks(blocks: tuple[Block, ...]) -> str:
    """Plain text of a description: paragraphs apart by a blank line, list items as `- `/`1. `."""
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, ItemList):
            marks = (f"{i}." for i in range(1, len(block.items) + 1)) if block.style == "numbered" else None
            parts.append("\n".join(f"{next(marks) if marks else '-'} {item}" for item in block.items))
    return "\n\n".join(parts)


_LITERALS: dict[tuple, Literal] = {}  # (value, its type, language, datatype) -> the literal made of them
_LITERALS_KEPT = 1 << 13
_KEPT_TEXT = 120  # characters: a name, a title, a label; not a description


def _literal(value: str | int, lang: str | None = None, datatype: URIRef | None = None) -> Literal:
    """`Literal(value, lang, datatype)`, made once per process for each value (rdflib's constructor is
    ~5 µs of Python, and a worker's plans repeat most of their numbers, notations, years, dates and the
    registers' names: ~40 % of a plan's Dutch texts and nearly all of the rest). A literal is immutable,
    so one object serves every plan that states it."""
    key = (value, type(value), lang, datatype)  # (the type: 1, True and "1" are other literals)
    found = _LITERALS.get(key)
    if found is None:
        if len(_LITERALS) >= _LITERALS_KEPT:
            _LITERALS.clear()
        found = _LITERALS[key] = Literal(value, lang=lang, datatype=datatype)
    return found


def _nl(text: str) -> Literal:
    """A Dutch text; a long one (a description: stated once) made where it is stated, not kept."""
    return _literal(text, "nl") if len(text) <= _KEPT_TEXT else Literal(text, lang="nl")


def _year(year: int) -> Literal:
    return _literal(f"{year:04d}", datatype=XSD.gYear)


def _decimal(text: str) -> Literal:
    """An xsd:decimal in its canonical lexical form (`1.0`, `2.5`), so that dumps round-trip."""
    value = Decimal(text.replace(",", "."))
    lexical = format(value.normalize(), "f")
    return _literal(lexical if "." in lexical else f"{lexical}.0", datatype=XSD.decimal)


def _when(day: dt.date) -> Literal:
    return _literal(f"{day.isoformat()}T00:00:00", datatype=XSD.dateTime)


class _Mapper:
    def __init__(
        self,
        parsed: ParsedPlan,
        registers: Registers,
        config: PlanConfig,
        base: str,
        provenance: Provenance,
        built: dict[str, tuple[str | None, str | None]] | None = None,
        into: Triples | None = None,
    ) -> None:
        self.parsed = parsed
        self.registers = registers
        self.config = config
        self.iri = Iris(base.rstrip("/"), config.slug)
        self.provenance = provenance
        self.graph: Graph | Triples
        self._stated: list[Triple] | None = None
        self.add: Callable[[Triple], object]
        if into is not None:
            self.graph = into
            # the statements listed as they are made, added to `into` at once at the end (`run`): `add` is the
            # list's own, no call of Python per statement (~2,700 a plan; `Triples.add` and ours were two)
            self._stated = []
            self.add = self._stated.append
        else:
            self.graph = Graph(store=SimpleMemory())  # no contexts: three times cheaper to fill than rdflib's default
            for prefix, namespace in PREFIXES.items():
                self.graph.bind(prefix, namespace)
            self.add = self.graph.add
        self.footnotes = {f.number: f for f in parsed.footnotes}
        self.built = built or {}

    def run(self) -> Graph | Triples:
        codes = {goal.code for goal in self.parsed.goals}
        unknown = sorted({link.goal for link in self.config.sdg_links} - codes)
        if unknown:
            raise RegisterError(f"SDG links name {', '.join(unknown)}, which the plan {self.config.slug} does not have")
        self._plan()
        for goal in self.parsed.goals:
            self._goal(goal)
        for action in self.parsed.actions:
            self._action(action)
        self._portfolios()
        self._ministers()
        self._dataset()
        if self._stated is not None:
            self.graph += self._stated  # in the order made: the `Triples` they make added one by one
            self._stated = None
        return self.graph

    def _cite(self, subject: URIRef, numbers: tuple[int, ...]) -> None:
        for number in numbers:
            footnote = self.footnotes.get(number)
            if footnote is None:
                continue
            for url in footnote.urls:
                self.add((subject, RDFS.seeAlso, URIRef(url)))
            if footnote.citation:  # its words, beside its link (a bare link has none)
                self.add((subject, DCTERMS.bibliographicCitation, _nl(footnote.citation)))

    def _plan(self) -> None:
        info, iri = self.parsed.plan, self.iri
        plan = iri.plan()
        self.add((plan, RDF.type, BP.Beleidsplan))
        if info.title:
            self.add((plan, DCTERMS.title, _nl(info.title)))
        if info.abbreviation:
            self.add((plan, DCTERMS.alternative, Literal(info.abbreviation)))
        # Adopted by the Vlaamse Regering: its creator. (ELI's passed_by has domain eli:LegalResource:
        # a policy plan is not legislation.)
        self.add((plan, DCTERMS.creator, URIRef(self.config.passed_by)))
        self.add((URIRef(self.config.passed_by), RDF.type, BESLUIT.Bestuursorgaan))
        self.add((URIRef(self.config.passed_by), SKOS.prefLabel, _nl(self.config.passed_by_label)))
        self.add((plan, DCTERMS.source, iri.source()))
        if info.start_year is not None:
            period = iri.period("plan")
            self.add((plan, DCTERMS.temporal, period))
            self._period(period, f"{info.start_year}-{info.end_year}", info.start_year, info.end_year)
        for principle in info.principles:
            self.add((plan, BP.leidendPrincipe, _nl(principle)))
        for ref in info.complementary_plans:
            if ref.slug:
                self.add((plan, BP.isComplementairAan, iri.plan(ref.slug)))
                self._other_plan(ref.slug)
        for goal in self.parsed.goals:
            self.add((plan, BP.heeftDoelstelling, iri.goal(goal.code)))
        self._cite(plan, info.footnotes)
        entry = self.registers.plans.matching(info.title, info.abbreviation)
        if entry is not None and entry.slug != self.config.slug:  # one plan, one IRI: the register's is the same
            self.add((plan, OWL.sameAs, iri.plan(entry.slug)))
            self.add((iri.plan(entry.slug), OWL.sameAs, plan))

    def _other_plan(self, slug: str) -> None:
        subject = self.iri.plan(slug)
        other = self.registers.plans.resolve_slug(slug)
        # A plan built beside this one is called by its own title (else the union would hold two).
        title, abbreviation = self.built.get(slug) or (other.title, other.abbreviation)
        self.add((subject, RDF.type, BP.Beleidsplan))
        if title:
            self.add((subject, DCTERMS.title, _nl(title)))
        if abbreviation:
            self.add((subject, DCTERMS.alternative, Literal(abbreviation)))

    def _period(self, subject: URIRef, text: str, start: int | None, end: int | None) -> None:
        self.add((subject, RDF.type, DCTERMS.PeriodOfTime))
        self.add((subject, BP.omschrijving, _nl(text)))
        if start is not None:
            self.add((subject, DCAT.startDate, _year(start)))
        if end is not None:
            self.add((subject, DCAT.endDate, _year(end)))

    def _work(
        self, subject: URIRef, kind: URIRef, notation: str, number: int, title: str, text: tuple[Block, ...] = ()
    ) -> None:
        """What every goal and action states: type, notation, number, title, description."""
        self.add((subject, RDF.type, kind))
        self.add((subject, SKOS.notation, _literal(notation)))
        self.add((subject, BP.volgnummer, _literal(number)))
        self.add((subject, DCTERMS.title, _nl(title)))
        description = describe_blocks(text)
        if description:
            self.add((subject, DCTERMS.description, _nl(description)))

    def _goal(self, goal: HorizontalGoal) -> None:
        iri = self.iri
        subject = iri.goal(goal.code)
        self._work(subject, BP.HorizontaleDoelstelling, f"HD {goal.number}", goal.number, goal.title, goal.introduction)
        self.add((subject, BP.isDeelVan, iri.plan()))
        for ref in goal.related_plans:
            if ref.slug:
                self.add((subject, BP.gerelateerdPlan, iri.plan(ref.slug)))
                self._other_plan(ref.slug)
        for link in (link for link in self.config.sdg_links if link.goal == goal.code):
            sdg = URIRef(link.sdg)
            contribution = URIRef(f"{subject}/bijdrage/sdg-{link.code}")
            self.add((subject, BP.draagtBijTot, sdg))
            self.add((subject, BP.heeftBijdrage, contribution))
            self.add((contribution, RDF.type, BP.Bijdrage))
            self.add((contribution, RDFS.label, _nl(f"Bijdrage van HD {goal.number} aan SDG {link.code}")))
            self.add((contribution, BP.aanDoel, sdg))
            self.add((contribution, BP.toelichting, _nl(link.rationale)))
            # The plan names no SDG: each link is the publisher's reading of the plan text (the
            # source of the rationale). No label of ours goes on the UN's IRI.
            self.add((contribution, PROV.wasAttributedTo, URIRef(self.config.passed_by)))
            self.add((contribution, DCTERMS.source, iri.source()))
        for position, od in enumerate(goal.operational_goals, start=1):
            od_iri = iri.goal(od.code)
            self.add((subject, BP.heeftOperationeleDoelstelling, od_iri))
            notation = f"OD {od.code.removeprefix('OD')}"
            self._work(od_iri, BP.OperationeleDoelstelling, notation, position, od.title, od.description)
            self.add((od_iri, BP.isDeelVan, subject))
            for number in od.actions:
                self.add((od_iri, BP.heeftActie, iri.action(number)))
                self.add((iri.action(number), BP.isDeelVan, od_iri))

    def _action(self, action: Action) -> None:
        iri = self.iri
        subject = iri.action(action.number)
        self._work(subject, BP.Actie, f"Actie {action.number}", action.number, action.title, action.description)
        for ref in action.responsible:
            self.add((subject, BP.verantwoordelijke, iri.portfolio(ref.slug)))
        for ref in action.collaborators:
            self.add((subject, BP.samenwerkingMet, iri.portfolio(ref.slug)))
        for partner in action.other_partners:
            self.add((subject, BP.overigePartner, _nl(partner)))
        if action.timeline is not None:
            period = iri.period(f"actie-{action.number}")
            self.add((subject, DCTERMS.temporal, period))
            timeline = action.timeline
            self._period(period, timeline.text, timeline.start_year, timeline.end_year)
        for position, text in enumerate(action.indicators, start=1):
            indicator = iri.indicator(action.number, position)
            self.add((subject, BP.heeftIndicator, indicator))
            self.add((indicator, BP.isIndicatorVan, subject))
            self.add((indicator, RDF.type, BP.Indicator))
            self.add((indicator, SKOS.notation, _literal(f"Indicator {action.number}.{position}")))
            self.add((indicator, BP.volgnummer, _literal(position)))
            self.add((indicator, DCTERMS.description, _nl(text)))
            amount = _AMOUNT.match(text)
            if amount:  # the target as a schema.org quantitative value (amount and unit)
                target = URIRef(f"{indicator}/streefwaarde")
                self.add((indicator, BP.heeftStreefwaarde, target))
                self.add((target, RDF.type, SCHEMA.QuantitativeValue))
                self.add((target, SCHEMA.value, _decimal(amount[1])))
                self.add((target, SCHEMA.unitText, _nl(amount[2])))
        if action.refers_to_action is not None:
            self.add((subject, BP.wordtUitgewerktIn, iri.action(action.refers_to_action)))
        self._cite(subject, action.footnotes)

    def _used_portfolios(self) -> list[str]:
        used = {ref.slug for a in self.parsed.actions for ref in (*a.responsible, *a.collaborators)}
        return [p.slug for p in self.registers.portfolios.portfolios if p.slug in used]

    def _portfolios(self) -> None:
        iri = self.iri
        scheme = iri.portfolio_scheme()
        self.add((scheme, RDF.type, SKOS.ConceptScheme))
        self.add((scheme, SKOS.prefLabel, _nl("Ministeriële bevoegdheden")))
        for slug in self._used_portfolios():
            portfolio = self.registers.portfolios.by_slug(slug)
            subject = iri.portfolio(slug)
            self.add((subject, RDF.type, BP.Bevoegdheid))
            self.add((subject, RDF.type, SKOS.Concept))
            self.add((subject, SKOS.prefLabel, _nl(portfolio.label)))
            for alias in sorted({portfolio.minister_title, *portfolio.aliases}):
                self.add((subject, SKOS.altLabel, _nl(alias)))
            self.add((subject, SKOS.inScheme, scheme))
            self.add((subject, SKOS.topConceptOf, scheme))
            self.add((scheme, SKOS.hasTopConcept, subject))

    def _ministers(self) -> None:
        used = set(self._used_portfolios())
        for mandate in self.registers.mandates:
            if used.isdisjoint(mandate.portfolios):
                continue
            self._mandate(mandate, used)

    def _mandate(self, mandate: Mandate, used: set[str]) -> None:
        """A minister as OSLO Mandaten has it (status, the Themis mandate held, a temporary replacement).

        The portfolios of the plan are linked with bp:heeftBevoegdheid: the profile allows one
        mandaat:beleidsdomein per mandataris, and a Flemish minister holds several in one mandate.
        """
        iri = self.iri
        subject, person = iri.mandataris(mandate.slug), iri.person(mandate.person_slug)
        self.add((subject, RDF.type, MANDAAT.Mandataris))
        self.add((subject, DCTERMS.title, _nl(mandate.title)))
        self.add((subject, MANDAAT.isBestuurlijkeAliasVan, person))
        self.add((person, MANDAAT.isAangesteldAls, subject))
        for slug in mandate.portfolios:
            if slug in used:
                self.add((subject, BP.heeftBevoegdheid, iri.portfolio(slug)))
        self.add((subject, MANDAAT.status, URIRef(mandate.status)))
        self.add((URIRef(mandate.status), RDF.type, SKOS.Concept))
        if mandate.replaced_by is not None:
            self.add((subject, MANDAAT.isTijdelijkVervangenDoor, iri.mandataris(mandate.replaced_by)))
        if mandate.themis_mandate:
            self.add((subject, ORG.holds, URIRef(mandate.themis_mandate)))
            self.add((URIRef(mandate.themis_mandate), RDF.type, MANDAAT.Mandaat))
        self.add((subject, MANDAAT.start, _when(mandate.start)))
        if mandate.end is not None:
            # The register gives the last day in office; mandaat:einde is the instant it ended
            # (the next midnight), as Themis records it.
            self.add((subject, MANDAAT.einde, _when(mandate.end + dt.timedelta(days=1))))
        if mandate.themis_mandataris:
            self.add((subject, OWL.sameAs, URIRef(mandate.themis_mandataris)))
        self.add((person, RDF.type, PERSON.Person))
        self.add((person, RDFS.label, _literal(mandate.person_name)))
        self.add((person, PERSOON.gebruikteVoornaam, _literal(mandate.given_name)))
        self.add((person, FOAF.familyName, _literal(mandate.family_name)))
        if mandate.themis_person:
            self.add((person, OWL.sameAs, URIRef(mandate.themis_person)))

    def _dataset(self) -> None:
        iri, prov = self.iri, self.provenance
        dataset, source, software = iri.dataset(), iri.source(), iri.software()
        self.add((dataset, RDF.type, DCAT.Dataset))
        self.add((dataset, RDF.type, PROV.Entity))
        title = self.config.dataset_title or f"{self.parsed.plan.title} als linked open data"
        self.add((dataset, DCTERMS.title, _nl(title)))
        self.add((dataset, DCTERMS.license, URIRef(self.config.license)))
        self.add((dataset, DCTERMS.subject, iri.plan()))
        self.add((dataset, PROV.wasDerivedFrom, source))
        self.add((dataset, PROV.wasAttributedTo, software))
        self.add((dataset, PROV.generatedAtTime, Literal(prov.generated_at.isoformat(), datatype=XSD.dateTime)))
        self.add((source, RDF.type, PROV.Entity))
        self.add((source, RDF.type, FOAF.Document))
        self.add((source, DCTERMS.title, _nl(f"{prov.source_name} (tekst uit de PDF van het plan)")))
        self.add((source, DCTERMS.format, Literal("text/plain")))
        checksum = URIRef(f"{source}#sha256")
        self.add((source, SPDX.checksum, checksum))
        self.add((checksum, RDF.type, SPDX.Checksum))
        self.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        self.add((checksum, SPDX.checksumValue, Literal(prov.source_sha256, datatype=XSD.hexBinary)))
        self.add((software, RDF.type, PROV.SoftwareAgent))
        self.add((software, RDFS.label, Literal("hgkbp-ld")))
        self.add((software, OWL.versionInfo, Literal(prov.tool_version)))


def to_graph(
    parsed: ParsedPlan,
    registers: Registers,
    config: PlanConfig,
    provenance: Provenance,
    *,
    base: str = DEFAULT_BASE,
    built: dict[str, tuple[str | None, str | None]] | None = None,
) -> Graph:
    """The RDF of one plan, with the dataset's provenance; `built` gives the title and abbreviation of
    each plan built beside it (slug → …), by which a reference to one of them calls it."""
    return cast(Graph, _Mapper(parsed, registers, config, base, provenance, built).run())


def to_triples(
    parsed: ParsedPlan,
    registers: Registers,
    config: PlanConfig,
    provenance: Provenance,
    *,
    base: str = DEFAULT_BASE,
    built: dict[str, tuple[str | None, str | None]] | None = None,
) -> Triples:
    """`to_graph`'s triples, in the same order, as `Triples`: what a plan's build reads and writes of its
    graph, filled at about half the cost of an rdflib graph (no prefixes: the writers bring their own)."""
    return cast(Triples, _Mapper(parsed, registers, config, base, provenance, built, Triples()).run())
