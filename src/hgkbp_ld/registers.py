"""Curated registers kept as CSV under `data/`: portfolios and other plans.

Each row names its source. The registers are read and checked once (unique slugs, unique
spellings, no empty field); the parser resolves every name it meets through them.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from hgkbp_ld.bundled import DATA
from hgkbp_ld.model import PlanIdentity

DATA_DIR = DATA


class RegisterError(ValueError):
    """A register file is malformed; the message names the file, the row and the problem."""


@dataclass(frozen=True)
class Portfolio:
    slug: str
    label: str
    minister_title: str
    aliases: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class OtherPlan:
    slug: str
    title: str
    abbreviation: str | None
    aliases: tuple[str, ...]
    source: str


_SPACES = re.compile(r"\s+")
_FLEMISH = re.compile(r"^vlaamse? minister\s+")
_PARTS = re.compile(r",\s*|\s+en\s+")
_PERIOD_AT_END = re.compile(r"\s+(?:20\d\d\s*[-–]\s*)?20\d\d$")
_ABBREVIATION = re.compile(r"\s*\(([A-Z]{2,})\)$")


@functools.lru_cache(maxsize=4096)  # a parse asks for the same few hundred mentions thousands of times
def name_key(name: str) -> str:
    """The form in which names are compared: case, spacing and a trailing period ignored."""
    return _SPACES.sub(" ", name).strip().rstrip(".").strip().casefold()


def plan_key(name: str) -> str:
    """Plan names are also compared without a leading article and a trailing `(ABBR)`."""
    key = _ABBREVIATION.sub("", _SPACES.sub(" ", name).strip())
    key = name_key(key)
    return key.removeprefix("het ").strip()


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise RegisterError(f"{path}: missing column(s) {', '.join(missing)}")
            return [(number, row) for number, row in enumerate(reader, start=2)]
    except OSError as error:
        raise RegisterError(f"{path}: cannot read register ({error.strerror})") from error


def _required(path: Path, number: int, row: dict[str, str], column: str) -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise RegisterError(f"{path}:{number}: empty '{column}'")
    return value


class _Index:
    """Maps a name key to a register entry, refusing a key claimed by two entries."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._by_key: dict[str, str] = {}

    def add(self, key: str, slug: str, number: int) -> None:
        owner = self._by_key.setdefault(key, slug)
        if owner != slug:
            raise RegisterError(f"{self._path}:{number}: '{key}' names both {owner} and {slug}")

    def get(self, key: str) -> str | None:
        return self._by_key.get(key)


class PortfolioRegister:
    def __init__(self, portfolios: list[Portfolio], index: _Index) -> None:
        self.portfolios = tuple(portfolios)
        self._by_slug = {p.slug: p for p in portfolios}
        self._index = index

    @classmethod
    def load(cls, path: Path | None = None) -> PortfolioRegister:
        path = path or DATA_DIR / "portfolios.csv"
        columns = ("slug", "label", "minister_title", "aliases", "source")
        portfolios: list[Portfolio] = []
        index = _Index(path)
        seen: set[str] = set()
        for number, row in _rows(path, columns):
            slug = _required(path, number, row, "slug")
            if slug in seen:
                raise RegisterError(f"{path}:{number}: slug '{slug}' appears twice")
            seen.add(slug)
            portfolio = Portfolio(
                slug=slug,
                label=_required(path, number, row, "label"),
                minister_title=_required(path, number, row, "minister_title"),
                aliases=tuple(a.strip() for a in row["aliases"].split("|") if a.strip()),
                source=_required(path, number, row, "source"),
            )
            for name in (portfolio.label, portfolio.minister_title, *portfolio.aliases):
                index.add(name_key(name), slug, number)
            portfolios.append(portfolio)
        return cls(portfolios, index)

    def resolve(self, mention: str) -> Portfolio | None:
        slug = self._index.get(name_key(mention))
        return None if slug is None else self._by_slug[slug]

    def resolve_all(self, mention: str) -> tuple[Portfolio, ...]:
        """The portfolios a mention names (none: unknown). By rule, after the register's spellings:
        `Vlaams(e) minister van X` is `Minister van X`; `Minister van A en B` (or `A, B en C`) that the
        register does not know as a whole names each part, when every part is a portfolio."""
        key = _FLEMISH.sub("minister ", name_key(mention))
        for candidate in (name_key(mention), key):
            found = self.resolve(candidate)
            if found is not None:
                return (found,)
        head, _, tail = key.partition(" van ")
        if head != "minister" or not tail:
            return ()
        parts = [part for part in _PARTS.split(tail) if part]
        found_parts = [self.resolve(f"minister van {part}") for part in parts]
        if len(parts) < 2 or any(p is None for p in found_parts):
            return ()
        return tuple(p for p in found_parts if p is not None)

    def by_slug(self, slug: str) -> Portfolio:
        return self._by_slug[slug]


class PlanRegister:
    def __init__(self, plans: list[OtherPlan], index: _Index) -> None:
        self.plans = tuple(plans)
        self._by_slug = {p.slug: p for p in plans}
        self._index = index

    @classmethod
    def load(cls, path: Path | None = None) -> PlanRegister:
        path = path or DATA_DIR / "plans.csv"
        columns = ("slug", "title", "abbreviation", "aliases", "source")
        plans: list[OtherPlan] = []
        index = _Index(path)
        seen: set[str] = set()
        for number, row in _rows(path, columns):
            slug = _required(path, number, row, "slug")
            if slug in seen:
                raise RegisterError(f"{path}:{number}: slug '{slug}' appears twice")
            seen.add(slug)
            plan = OtherPlan(
                slug=slug,
                title=_required(path, number, row, "title"),
                abbreviation=(row.get("abbreviation") or "").strip() or None,
                aliases=tuple(a.strip() for a in row["aliases"].split("|") if a.strip()),
                source=_required(path, number, row, "source"),
            )
            for name in (plan.title, *plan.aliases):
                index.add(plan_key(name), slug, number)
            plans.append(plan)
        return cls(plans, index)

    def resolve(self, mention: str) -> OtherPlan | None:
        """The plan a name means: its title or an alias (see plan_key), else its abbreviation alone
        (`het HGKBP`, `(VAPA)`)."""
        slug = self._index.get(plan_key(mention))
        if slug is None:
            bare = name_key(mention).removeprefix("het ").strip("() ").upper()
            slug = next((p.slug for p in self.plans if p.abbreviation and p.abbreviation == bare), None)
        return None if slug is None else self._by_slug[slug]

    def matching(self, title: str | None, abbreviation: str | None) -> OtherPlan | None:
        """The register's entry for a built plan: its title (with or without its period), or its
        abbreviation, is the entry's title, an alias or its abbreviation."""
        for name in filter(None, (title, _PERIOD_AT_END.sub("", title or ""))):
            found = self.resolve(name)
            if found is not None:
                return found
        if abbreviation:
            return next((p for p in self.plans if p.abbreviation == abbreviation), None)
        return None

    def resolve_slug(self, slug: str) -> OtherPlan:
        return self._by_slug[slug]


@dataclass(frozen=True)
class Mandate:
    """A minister holding a set of portfolios for a period (one row of data/ministers.csv)."""

    slug: str
    person_slug: str
    person_name: str
    given_name: str
    family_name: str
    title: str
    portfolios: tuple[str, ...]  # portfolio slugs
    start: dt.date
    end: dt.date | None
    themis_person: str | None
    themis_mandataris: str | None
    source: str
    status: str = ""  # an IRI of the official MandatarisStatusCode list (data/mandate-status.csv)
    replaced_by: str | None = None  # the mandate slug of the minister who temporarily replaces this one
    themis_mandate: str | None = None  # the Themis mandaat this mandataris holds (org:holds)

    def holds(self, portfolio: str, on: dt.date) -> bool:
        return portfolio in self.portfolios and self.start <= on and (self.end is None or on <= self.end)


def _date(path: Path, number: int, column: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RegisterError(f"{path}:{number}: '{column}' must be a date YYYY-MM-DD, found '{value}'") from None


def load_statuses(path: Path) -> dict[str, str]:
    """The official mandate statuses the register uses: key (e.g. `waarnemend`) -> concept IRI."""
    statuses = {}
    for number, row in _rows(path, ("key", "iri", "source")):
        key, iri = _required(path, number, row, "key"), _required(path, number, row, "iri")
        _required(path, number, row, "source")
        if not iri.startswith("http://data.vlaanderen.be/id/concept/MandatarisStatusCode/"):
            raise RegisterError(f"{path}:{number}: '{iri}' is not a concept of the MandatarisStatusCode list")
        statuses[key] = iri
    return statuses


def load_mandates(path: Path, portfolios: PortfolioRegister) -> tuple[Mandate, ...]:
    statuses = load_statuses(path.with_name("mandate-status.csv"))
    columns = (
        "person_slug",
        "person_name",
        "given_name",
        "family_name",
        "mandate_slug",
        "title",
        "portfolios",
        "start",
        "end",
        "status",
        "replaced_by",
        "themis_person",
        "themis_mandataris",
        "themis_mandate",
        "source",
    )
    mandates: list[Mandate] = []
    seen: set[str] = set()
    known = {p.slug for p in portfolios.portfolios}
    for number, row in _rows(path, columns):
        slug = _required(path, number, row, "mandate_slug")
        if slug in seen:
            raise RegisterError(f"{path}:{number}: mandate_slug '{slug}' appears twice")
        seen.add(slug)
        held = tuple(p.strip() for p in row["portfolios"].split("|") if p.strip())
        unknown = [p for p in held if p not in known]
        if unknown:
            raise RegisterError(f"{path}:{number}: unknown portfolio slug(s) {', '.join(unknown)}")
        end_text = (row.get("end") or "").strip()
        status = _required(path, number, row, "status")
        if status not in statuses:
            raise RegisterError(
                f"{path}:{number}: status '{status}' is not one of {', '.join(sorted(statuses))} (mandate-status.csv)"
            )
        mandate = Mandate(
            slug=slug,
            person_slug=_required(path, number, row, "person_slug"),
            person_name=_required(path, number, row, "person_name"),
            given_name=_required(path, number, row, "given_name"),
            family_name=_required(path, number, row, "family_name"),
            title=_required(path, number, row, "title"),
            portfolios=held,
            start=_date(path, number, "start", _required(path, number, row, "start")),
            end=_date(path, number, "end", end_text) if end_text else None,
            themis_person=(row.get("themis_person") or "").strip() or None,
            themis_mandataris=(row.get("themis_mandataris") or "").strip() or None,
            source=_required(path, number, row, "source"),
            status=statuses[status],
            replaced_by=(row.get("replaced_by") or "").strip() or None,
            themis_mandate=(row.get("themis_mandate") or "").strip() or None,
        )
        if mandate.end is not None and mandate.end < mandate.start:
            raise RegisterError(f"{path}:{number}: end {mandate.end} is before start {mandate.start}")
        mandates.append(mandate)
    for number, mandate in enumerate(mandates, start=2):
        if mandate.replaced_by is not None and mandate.replaced_by not in seen:
            raise RegisterError(f"{path}:{number}: replaced_by '{mandate.replaced_by}' names no mandate_slug here")
    return tuple(mandates)


@dataclass(frozen=True)
class SdgLink:
    """A horizontal goal's contribution to a UN Sustainable Development Goal or target (data/sdg-links.csv)."""

    goal: str  # HD code, e.g. HD7
    sdg: str  # http://metadata.un.org/sdg/5.1
    label: str  # the UN's English title
    rationale: str  # one line in Dutch
    source: str

    @property
    def code(self) -> str:
        return self.sdg.rsplit("/", 1)[1]


_SDG = re.compile(r"^http://metadata\.un\.org/sdg/\d{1,2}(\.[0-9a-z]{1,2})?$")


def load_sdg_links(path: Path) -> tuple[SdgLink, ...]:
    links = []
    seen: set[tuple[str, str]] = set()
    for number, row in _rows(path, ("goal", "sdg", "sdg_label", "rationale", "source")):
        link = SdgLink(*(_required(path, number, row, c) for c in ("goal", "sdg", "sdg_label", "rationale", "source")))
        if not _SDG.match(link.sdg):
            raise RegisterError(f"{path}:{number}: '{link.sdg}' is not a UN SDG goal or target IRI")
        if (link.goal, link.sdg) in seen:
            raise RegisterError(f"{path}:{number}: {link.goal} is linked to {link.sdg} twice")
        seen.add((link.goal, link.sdg))
        links.append(link)
    return tuple(links)


VLAAMSE_REGERING = "http://themis.vlaanderen.be/id/bestuursorgaan/7f2c82aa-75ac-40f8-a6c3-9fe539163025"
MODELLICENTIE = "https://data.vlaanderen.be/id/licentie/modellicentie-gratis-hergebruik/v1.0"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEYS = {
    "slug": str,
    "source": str,
    "title": str,
    "abbreviation": str,
    "start_year": int,
    "end_year": int,
    "passed_by": str,
    "passed_by_label": str,
    "dataset_title": str,
    "license": str,
    "sdg_links": str,
}


@dataclass(frozen=True)
class PlanConfig:
    """One plan to build (data/plans/*.toml). Only `slug` and `source` are required; `title`,
    `abbreviation`, `start_year` and `end_year`, when given, win over what the parser finds."""

    slug: str
    source: Path
    passed_by: str = VLAAMSE_REGERING
    passed_by_label: str = "Vlaamse Regering"
    dataset_title: str | None = None  # default: "{title} als linked open data"
    license: str = MODELLICENTIE
    sdg_links: tuple[SdgLink, ...] = ()  # from the CSV the plan's toml names (optional)
    identity: PlanIdentity = field(default_factory=PlanIdentity)
    toml: Path | None = None


def _data_path(data_dir: Path, toml: Path, key: str, value: str) -> Path:
    """A path in a toml is relative to the data folder that holds the toml's plans/ folder."""
    path = data_dir / value
    if not path.exists():
        raise RegisterError(
            f"{toml}: {key} = {value!r}: no such file {path} (paths are relative to the data folder {data_dir}, "
            f'e.g. {key} = "source/{toml.stem}.txt")'
        )
    return path


def load_plan_config(path: Path, data_dir: Path) -> PlanConfig:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RegisterError(f"{path}: not a readable TOML file ({error})") from None
    for key in ("slug", "source"):
        if key not in raw:
            example = path.stem if key == "slug" else f"source/{path.stem}.txt"
            raise RegisterError(f"{path}: missing '{key}' (e.g. {key} = \"{example}\")")
    for key, value in raw.items():
        kind = _KEYS.get(key)
        if kind is None:
            raise RegisterError(f"{path}: unknown key '{key}' (known: {', '.join(_KEYS)})")
        if not isinstance(value, kind) or isinstance(value, bool):
            raise RegisterError(f"{path}: '{key}' must be a {'number' if kind is int else 'string'}, found {value!r}")
    if not _SLUG.match(raw["slug"]):
        raise RegisterError(
            f"{path}: slug {raw['slug']!r} must be lower-case words joined by '-' (e.g. plan-2025-2029)"
        )
    optional = {k: raw[k] for k in ("passed_by", "passed_by_label", "dataset_title", "license") if k in raw}
    return PlanConfig(
        slug=raw["slug"],
        source=_data_path(data_dir, path, "source", raw["source"]),
        sdg_links=load_sdg_links(_data_path(data_dir, path, "sdg_links", raw["sdg_links"]))
        if "sdg_links" in raw
        else (),
        identity=PlanIdentity(
            raw.get("title"), raw.get("abbreviation"), raw.get("start_year"), raw.get("end_year"), str(path)
        ),
        toml=path,
        **optional,
    )


def load_plan_configs(plans_dir: Path) -> tuple[PlanConfig, ...]:
    """Every data/plans/*.toml; `plans_dir.parent` is the data folder their paths are relative to."""
    configs = [load_plan_config(path, plans_dir.parent) for path in sorted(plans_dir.glob("*.toml"))]
    if not configs:
        raise RegisterError(f"{plans_dir}: no plan described (expected *.toml files)")
    slugs: dict[str, Path] = {}
    for config in configs:
        assert config.toml is not None
        if config.slug in slugs:
            raise RegisterError(f"{config.toml}: slug '{config.slug}' is also the slug of {slugs[config.slug]}")
        slugs[config.slug] = config.toml
    return tuple(configs)


@dataclass(frozen=True)
class Registers:
    portfolios: PortfolioRegister
    plans: PlanRegister
    mandates: tuple[Mandate, ...] = ()

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Registers:
        base = data_dir or DATA_DIR
        portfolios = PortfolioRegister.load(base / "portfolios.csv")
        ministers = base / "ministers.csv"
        return cls(
            portfolios=portfolios,
            plans=PlanRegister.load(base / "plans.csv"),
            mandates=load_mandates(ministers, portfolios) if ministers.exists() else (),
        )

    def portfolios_named(self, mention: str) -> tuple[Portfolio, ...]:
        """The portfolios a minister mention names: by the portfolio register's rules, else a minister's
        full official title as data/ministers.csv gives it (`Vlaams minister van Wonen, Energie en
        Klimaat, Toerisme en Jeugd`: the portfolios of that mandate)."""
        found = self.portfolios.resolve_all(mention)
        if found:
            return found
        key = name_key(mention)
        for mandate in self.mandates:
            if name_key(mandate.title) == key:
                return tuple(self.portfolios.by_slug(slug) for slug in mandate.portfolios)
        return ()
