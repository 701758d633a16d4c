"""The SHACL engines of the package index side by side with pyshacl, the reference (issue 18, part 4).

Every engine validates the same cases, and its report is compared with pyshacl's as a set of
(focus node, path, source shape, constraint component, severity) — the result that says what broke
where. The cases are every negative test of the test suite (tests/test_shapes.py: each constraint of
the own profile; tests/test_official.py: each applied Mandatendatabank rule; tests/test_catalogue.py:
each DCAT rule the catalogue relies on), made as the tests make them, and the real data: every
plan's graph in a build (the bundled plan and the two example plans) and its catalogue.

How each engine is called: bench/shacl_engines.py. Times are CPU seconds of this process (`time.process_time`, all its
threads) for each engine's whole call, serialising included: less sensitive than wall time to the
other work on a shared machine, and each case runs on every engine in turn.

An engine that `hgkbp_ld.validate` can use is also compared on its whole `Report` (every result
with its message and value), against pyshacl through the same function, on every case.

    .venv/bin/python -m bench.validators --dist /tmp/x/dist [--write]

`--dist`: a build of the bundled data with examples/plans added (`cp -rL data D && cp -r
examples/plans/* D/ && hgkbp-ld build --data D --out DIST`).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

from rdflib import Graph

from bench.shacl_engines import ENGINES, Engines, Key, skolemised
from hgkbp_ld.validate import Report, Violation
from tests.test_validators import Case, catalogue_case, negative_cases, run

BASE = "https://data.vlaanderen.be"


@dataclass
class Outcome:
    seconds: dict[str, float] = field(default_factory=dict)  # by kind of case (`_kind`)
    same: int = 0
    cases: int = 0
    errors: int = 0
    differences: list[str] = field(default_factory=list)


# --- the cases ----------------------------------------------------------------------------------


def real_cases(dist: Path) -> Iterator[Case]:
    """Every plan's graph of a build (its N-Triples dump) and the build's catalogue."""
    from hgkbp_ld.validate import plan_profile

    for dump in sorted(dist.glob("*.nt")):
        yield Case("real data", dump.stem, Graph().parse(dump, format="nt"), plan_profile(), None)
    yield catalogue_case("real data", "catalogus.ttl", Graph().parse(dist / "catalogus.ttl"))


def synthetic_cases(count: int) -> list[Case]:
    """`count` plans of bench/synthetic.py (each the size of the real one), mapped as the build maps them."""
    import tempfile

    from bench.synthetic import make_data
    from hgkbp_ld.build import build_graphs
    from hgkbp_ld.registers import Registers, load_plan_configs
    from hgkbp_ld.validate import plan_profile

    with tempfile.TemporaryDirectory(prefix="validators-") as folder:
        data = make_data(Path(folder), count)
        plans = build_graphs(Registers.load(data), tuple(load_plan_configs(data / "plans")), BASE)
    return [Case("synthetic plans", p.config.slug, p.graph, plan_profile(), None) for p in plans]


KINDS = ("negative cases", "whole graphs")


def _kind(case: Case) -> str:
    return "whole graphs" if case.group in ("real data", "synthetic plans") else "negative cases"


def built_graph() -> Graph:
    """The bundled plan mapped to RDF, as tests/conftest.py's `built_graph`."""
    from hgkbp_ld.build import build_graphs
    from hgkbp_ld.registers import DATA_DIR, Registers, load_plan_configs

    configs = tuple(c for c in load_plan_configs(DATA_DIR / "plans") if c.slug == "hgkbp-2025-2029")
    (plan,) = build_graphs(Registers.load(), configs, BASE)
    return plan.graph


# --- the comparison -----------------------------------------------------------------------------


def _difference(case: Case, reference: set[Key], other: set[Key]) -> str:
    def show(keys: set[Key]) -> str:
        return "; ".join(" ".join(k) for k in sorted(keys)[:2]) + (" ..." if len(keys) > 2 else "")

    missing, extra = reference - other, other - reference
    parts = [f"{case.group} / {case.name}: pyshacl {len(reference)} results, this engine {len(other)}"]
    if missing:
        parts.append(f"missing {len(missing)}: {show(missing)}")
    if extra:
        parts.append(f"extra {len(extra)}: {show(extra)}")
    return "; ".join(parts)


def compare(cases: list[Case], names: list[str]) -> dict[str, Outcome]:
    """Each engine on each case, pyshacl first; the keys compared with pyshacl's."""
    engines = Engines()
    outcomes = {name: Outcome() for name in ["pyshacl", *names]}
    profiles: dict[int, Graph] = {}
    for number, case in enumerate(cases, start=1):
        profile = profiles.setdefault(id(case.profile), skolemised(case.profile))
        reference: set[Key] = set()
        for name, outcome in outcomes.items():
            call: Callable[[Case, Graph], set[Key]] = getattr(engines, ENGINES[name][1])
            start = time.process_time()
            try:
                keys = call(case, profile)
            except Exception as error:  # an engine that cannot read the case: recorded, not fatal
                outcome.errors += 1
                outcome.differences.append(f"{case.group} / {case.name}: {type(error).__name__}: {str(error)[:160]}")
                continue
            finally:
                kind = _kind(case)
                outcome.seconds[kind] = outcome.seconds.get(kind, 0.0) + time.process_time() - start
                outcome.cases += 1
            if name == "pyshacl":
                reference = keys
                outcome.same += 1
            elif keys == reference:
                outcome.same += 1
            else:
                outcome.differences.append(_difference(case, reference, keys))
        print(f"{number}/{len(cases)} {case.group} / {case.name}: pyshacl {len(reference)} results", flush=True)
    return outcomes


@dataclass
class Reports:
    """`hgkbp_ld.validate.validate` with an engine against pyshacl, on whole `Report`s."""

    same: int = 0  # every result the same, message included
    same_but_wording: int = 0  # the same but for the wording of messages the engine writes itself
    differences: list[str] = field(default_factory=list)
    wording: dict[str, tuple[str, str]] = field(default_factory=dict)  # component: (pyshacl's, engine's)
    seconds: dict[str, float] = field(default_factory=dict)


def _unworded(report: Report) -> list[tuple[str, ...]]:
    return sorted(_unworded_one(v) for v in report.violations)


def compare_reports(cases: list[Case], engine: str) -> Reports:
    out = Reports()
    for case in cases:
        reports, spent = {}, {}
        for name in ("pyshacl", engine):
            start = time.process_time()
            reports[name] = run(case, name)
            spent[name] = time.process_time() - start
            key = f"{name} {_kind(case)}"
            out.seconds[key] = out.seconds.get(key, 0.0) + spent[name]
        reference, other = reports["pyshacl"], reports[engine]
        print(f"{case.group} / {case.name}: {', '.join(f'{k} {v:.2f} s' for k, v in spent.items())}", flush=True)
        if reference == other:
            out.same += 1
        elif reference.conforms == other.conforms and _unworded(reference) == _unworded(other):
            out.same_but_wording += 1
            ordered = [sorted(r.violations, key=_unworded_one) for r in (reference, other)]
            for a, b in zip(*ordered, strict=True):
                if a.message != b.message:
                    out.wording.setdefault(a.component, (a.message, b.message))
        else:
            both = f"{reference.text(3)}\n--- {engine}:\n{other.text(3)}"
            out.differences.append(f"{case.group} / {case.name}: pyshacl:\n{both}")
    return out


def _unworded_one(v: Violation) -> tuple[str, ...]:
    return (v.focus, v.shape, v.component, v.constraint or "", v.path or "", v.value or "", v.severity)


def _table(cases: list[Case], outcomes: dict[str, Outcome], groups: list[str]) -> list[str]:
    lines = [
        "| engine | version | same report as pyshacl | errors | s, negative cases (× pyshacl) "
        "| s, whole graphs (× pyshacl) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    base = outcomes["pyshacl"].seconds
    for name, outcome in outcomes.items():
        spent = {k: outcome.seconds.get(k, 0.0) for k in KINDS}
        times = " | ".join(f"{s:.1f} ({s / base[k]:.2f}×)" if base.get(k) else "–" for k, s in spent.items())
        lines.append(
            f"| {name} | {version(ENGINES[name][0])} | {outcome.same}/{outcome.cases} | {outcome.errors} | {times} |"
        )
    counts = ", ".join(f"{g}: {sum(c.group == g for c in cases)}" for g in groups)
    lines.append("")
    lines.append(f"Cases: {counts}.")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, required=True, help="a build (with examples/plans added)")
    parser.add_argument("--engines", default=",".join(n for n in ENGINES if n != "pyshacl"))
    parser.add_argument("--limit", type=int, default=0, help="at most this many negative cases (0: all)")
    parser.add_argument("--synthetic", type=int, default=0, help="add this many synthetic plans (bench.synthetic)")
    parser.add_argument("--write", action="store_true", help="write the section of bench/RESULTS.md")
    args = parser.parse_args(argv)
    names = [n for n in args.engines.split(",") if n]
    missing = [n for n in names if find_spec(ENGINES[n][1].replace("pyshifty", "shifty")) is None]
    if missing:
        print(f"not installed (pip install -e '.[bench]'): {', '.join(missing)}")
    names = [n for n in names if n not in missing]
    catalogue = Graph().parse(args.dist / "catalogus.ttl")
    negatives = list(negative_cases(built_graph(), catalogue))
    if args.limit:
        negatives = negatives[: args.limit]
    cases = negatives + list(real_cases(args.dist))
    if args.synthetic:
        cases += synthetic_cases(args.synthetic)
    load = os.getloadavg()[0]
    outcomes = compare(cases, names)
    groups = ["own profile", "Mandatendatabank", "catalogue", "real data", "synthetic plans"]
    lines = _table(cases, outcomes, groups)
    from hgkbp_ld.validate import ENGINES as WIRED

    for engine in [n for n in names if n in WIRED and n != "pyshacl"]:
        out = compare_reports(cases, engine)
        timing = "; ".join(
            f"{kind} {out.seconds[f'{engine} {kind}']:.1f} s against {out.seconds[f'pyshacl {kind}']:.1f} s "
            f"({out.seconds[f'{engine} {kind}'] / out.seconds[f'pyshacl {kind}']:.2f}× pyshacl)"
            for kind in KINDS
            if f"pyshacl {kind}" in out.seconds
        )
        lines += [
            "",
            f"Through `hgkbp_ld.validate.validate(engine=...)`, whole `Report`s (every result: focus node, "
            f"shape, component, constraint, path, value, severity, message): {engine} gives the same report as "
            f"pyshacl on {out.same}/{len(cases)} cases, the same but for the wording of messages it writes itself "
            f"on {out.same_but_wording}, and a different one on {len(out.differences)}; "
            f"{timing}.",
        ]
        if out.wording:
            lines += ["", "| component | pyshacl's message | " + engine + "'s |", "|---|---|---|"]
            lines += [f"| {c} | {a} | {b} |" for c, (a, b) in sorted(out.wording.items())]
        lines += [f"    {line}" for d in out.differences[:5] for line in d.splitlines()]
    for name, outcome in outcomes.items():
        if outcome.differences:
            lines += ["", f"**{name}** differs from pyshacl on {len(outcome.differences)} cases, e.g.:", ""]
            lines += [f"- {d}" for d in outcome.differences[:6]]
    text = "\n".join(lines)
    print(text)
    if args.write:
        from bench.common import write_section

        header = (
            "## SHACL engines side by side with pyshacl (issue 18, part 4)\n\n"
            f"`.venv/bin/python -m bench.validators --dist DIST --write` (DIST: a build of data/ with "
            f"examples/plans added). {platform.machine()}, Python {platform.python_version()}; the machine "
            f"was shared with other helpers' work (2 cores; 1-minute load average {load:.1f} before the run, "
            f"{os.getloadavg()[0]:.1f} after), which weighs on every engine alike: read the ratios. A report "
            "is the same when its set of (focus node, path, source shape, constraint component, severity) "
            "is pyshacl's. See docs/validation.md.\n\n"
        )
        write_section("validators", header + text)


if __name__ == "__main__":
    main()
