"""Curated registers kept as CSV under `data/`: portfolios and other plans.

Each row names its source. The registers are read and checked once (unique slugs, unique
spellings, no empty field); the parser resolves every name it meets through them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


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
_ABBREVIATION = re.compile(r"\s*\(([A-Z]{2,})\)$")


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
        slug = self._index.get(plan_key(mention))
        return None if slug is None else self._by_slug[slug]


@dataclass(frozen=True)
class Registers:
    portfolios: PortfolioRegister
    plans: PlanRegister

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Registers:
        base = data_dir or DATA_DIR
        return cls(
            portfolios=PortfolioRegister.load(base / "portfolios.csv"),
            plans=PlanRegister.load(base / "plans.csv"),
        )
