"""Every plan of a data folder parsed and mapped in memory, at once (`build_graphs`): what the
commands that look at one plan use (`hgkbp-ld validate FILE`) and the tests; the build itself takes
the plans one by one (`hgkbp_ld.plan_build`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from hgkbp_ld import __version__
from hgkbp_ld.iris import Iris
from hgkbp_ld.mapping import Provenance, to_graph
from hgkbp_ld.model import ParsedPlan
from hgkbp_ld.parse import parse_file
from hgkbp_ld.registers import PlanConfig, Registers

__all__ = ["BuiltPlan", "build_graphs", "source_time"]


@dataclass(frozen=True)
class BuiltPlan:
    config: PlanConfig
    parsed: ParsedPlan
    graph: Graph
    graph_name: URIRef  # the named graph of the plan in a store: its dataset IRI
    provenance: Provenance


def source_time(path: Path) -> dt.datetime:
    """SOURCE_DATE_EPOCH if set, else the last commit touching the file, else its mtime."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        try:
            done = subprocess.run(
                ["git", "log", "-1", "--format=%ct", "--", path.name],
                cwd=path.parent,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            epoch = done.stdout.strip() if done.returncode == 0 else ""
        except (OSError, subprocess.SubprocessError):
            epoch = ""
    seconds = int(epoch) if epoch.isdigit() else int(path.stat().st_mtime)
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def build_graphs(
    registers: Registers, configs: tuple[PlanConfig, ...], base: str, *, strict: bool = True
) -> tuple[BuiltPlan, ...]:
    """Parse every plan first, then map each: a plan that names another built plan calls it by the
    title that plan's own text gives (one title per plan in the union of the graphs)."""
    parsed_plans = []
    for config in configs:
        parsed = parse_file(config.source, registers=registers, identity=config.identity, strict=strict)
        if config.dataset_title is None:
            config = dataclasses.replace(config, dataset_title=f"{parsed.plan.title} als linked open data")
        parsed_plans.append((config, parsed))
    names = {config.slug: (parsed.plan.title, parsed.plan.abbreviation) for config, parsed in parsed_plans}
    built = []
    for config, parsed in parsed_plans:
        data = config.source.read_bytes()
        provenance = Provenance(
            source_name=config.source.name,
            source_sha256=hashlib.sha256(data).hexdigest(),
            generated_at=source_time(config.source),
            tool_version=__version__,
        )
        graph = to_graph(parsed, registers, config, provenance, base=base, built=names)
        built.append(BuiltPlan(config, parsed, graph, Iris(base, config.slug).dataset(), provenance))
    return tuple(built)
