"""What a build remembers to do less the next time: content hashes of every plan's inputs.

`dist/build-cache/plans/{slug}.json` records, per plan, the hash of its inputs and what it gave
(`PlanOutcome`: its files and their SHA-256, title, counts, versions). A plan is taken from the last
build, not parsed, validated or written again, when all of these are what they were:

- its text and its toml (with the SDG links the toml names);
- the registers (every `*.csv` and `*.toml` of the data folder: portfolios, ministers, other plans …);
- the titles of the other built plans (a plan calls another by the title that plan's text gives);
- the base, strict or lenient parsing, the provenance's time, its recorded versions (`versies.csv`);
- the software: hgkbp-ld's version and the hash of every file of the package (code, shapes,
  vocabulary, templates), so that a changed shape or a changed mapping rebuilds everything, and the
  SHACL engine (`--shacl-engine`: another engine validates every plan again).

A change to a shared register parses and maps every plan again (cheap), but a plan whose triples
come out the same as the last build validated (the same N-Triples, the same shapes) is not
validated again, and its dumps are the same bytes. `dist/build-cache/build.json` holds the hash of
all inputs of the last build (the plans', the catalogue's, the day the pages speak of): when it is
the same, the build leaves `dist/` as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from hgkbp_ld import __version__
from hgkbp_ld.plan_build import Names, PlanOutcome
from hgkbp_ld.published import CACHE
from hgkbp_ld.registers import PlanConfig, Registers
from hgkbp_ld.validate import current_engine

FORMAT = 2  # of the cache's records; another is ignored (2: with the rendered fragments)
_PACKAGE = Path(__file__).resolve().parent


def _hash(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def software() -> str:
    """hgkbp-ld's version and every file of the package (but the bundled data, an input of its own)."""
    files = sorted(
        p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    files = [p for p in files if p.relative_to(_PACKAGE).parts[0] != "data"]
    return _hash(__version__, FORMAT, *[(str(p.relative_to(_PACKAGE)), p.read_bytes()) for p in files])


def validator() -> str:
    """The software and the SHACL engine it validates with (another engine validates every plan again)."""
    return _hash(software(), current_engine())


def registers(data_dir: Path) -> str:
    """Every register of the data folder (its *.csv and *.toml), by name and content."""
    found = sorted(p for p in data_dir.iterdir() if p.is_file() and p.suffix in (".csv", ".toml"))
    return _hash(*[(p.name, p.read_bytes()) for p in found])


def plan_inputs(config: PlanConfig, shared: str, strict: bool) -> str:
    """A plan's own inputs and the registers: what its title and abbreviation depend on."""
    toml = config.toml.read_bytes() if config.toml is not None else b""
    identity = config.identity  # the toml's path only names it in messages: a moved data folder is the same plan
    identity = dataclasses.replace(identity, toml=Path(identity.toml).name if identity.toml else identity.toml)
    return _hash(validator(), shared, strict, config.source.read_bytes(), toml, repr(config.sdg_links), repr(identity))


def history_state(data_dir: Path, slug: str, versions: Path | None = None) -> str:
    index = (versions or data_dir / "versions") / slug / "versies.csv"
    return hashlib.sha256(index.read_bytes()).hexdigest() if index.exists() else ""


def plan_key(inputs: str, names: Names, base: str, generated_at: dt.datetime, history: str, day: str = "") -> str:
    """Everything a plan's written files and rendered pages depend on (`day`: `in_force`; the number
    of plans, which the pages' menu shows, is that of `names`)."""
    return _hash(inputs, sorted(names.items()), base, generated_at.isoformat(), history, day)


def in_force(data_dir: Path, today: dt.date) -> str:
    """What a plan's pages take from the day of the build: who holds a portfolio that day (an action's
    page names them). Not the day itself, which would render every plan again every day: where the day
    stands against each start and end of a mandate (data/ministers.csv), with a day's margin either side."""
    dates = sorted({d for m in Registers.load(data_dir).mandates for d in (m.start, m.end) if d is not None})
    return _hash([(d.isoformat(), max(-1, min(2, (today - d).days))) for d in dates])


@dataclass
class Cache:
    """The records of the last build in `dist/`, and the new build's, written into the new dist/."""

    plans: dict[str, dict] = field(default_factory=dict)
    build: str = ""

    @classmethod
    def load(cls, dist: Path) -> Cache:
        cache = cls()
        folder = dist / CACHE
        for path in sorted((folder / "plans").glob("*.json")):
            try:
                record = json.loads(path.read_bytes())
            except (OSError, ValueError):
                continue  # a damaged record: that plan is built again
            if record.get("format") == FORMAT:
                cache.plans[path.stem] = record
        try:
            cache.build = json.loads((folder / "build.json").read_bytes()).get("key", "")
        except (OSError, ValueError, AttributeError):
            cache.build = ""
        return cache

    def names(self, slug: str, inputs: str) -> tuple[str | None, str | None] | None:
        record = self.plans.get(slug)
        if record is None or record.get("inputs") != inputs:
            return None
        title, abbreviation = record["names"]
        return title, abbreviation

    def hit(self, config: PlanConfig, key: str) -> PlanOutcome | None:
        record = self.plans.get(config.slug)
        if record is None or record.get("key") != key:
            return None
        return PlanOutcome.recorded(config, record["outcome"])

    def validated(self, slug: str) -> str | None:
        """The N-Triples the last build validated for this plan, with the same software (shapes)."""
        record = self.plans.get(slug)
        return record.get("nt") if record is not None and record.get("software") == validator() else None

    def record(self, outcome: PlanOutcome, inputs: str, key: str) -> None:
        self.plans[outcome.slug] = {
            "format": FORMAT,
            "inputs": inputs,
            "key": key,
            "names": [outcome.title, outcome.abbreviation],
            "nt": outcome.nt,
            "software": validator(),
            "outcome": outcome.record(),
        }

    def write(self, dist: Path, build: str) -> None:
        folder = dist / CACHE
        (folder / "plans").mkdir(parents=True, exist_ok=True)
        for slug, record in sorted(self.plans.items()):
            text = json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            (folder / "plans" / f"{slug}.json").write_text(text, encoding="utf-8")
        (folder / "build.json").write_text(json.dumps({"format": FORMAT, "key": build}) + "\n", encoding="utf-8")


def build_key(keys: dict[str, str], shared: str, base: str, today: dt.date, data_dir: Path) -> str:
    """Every input of a build: the plans' keys, the registers and the catalogue's settings, the day,
    and the data folder (a build from another folder is not the same build, even of the same bytes)."""
    return _hash(software(), sorted(keys.items()), shared, base, today.isoformat(), str(data_dir.resolve()))
