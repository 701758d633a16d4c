"""What each `hgkbp-ld` command does, from its parsed arguments (`arguments.parser`)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hgkbp_ld.cli.arguments import DEFAULT_SOURCE
from hgkbp_ld.registers import RegisterError, load_plan_config
from hgkbp_ld.settings import Settings

if TYPE_CHECKING:
    from hgkbp_ld.model import ParsedPlan, PlanIdentity

# Each command imports the stages it runs, and only those: `serve` and `publish` start without loading
# the build, the SHACL engines or the parser (a process start costs less; the tests start ~90).


def _summary(parsed: ParsedPlan) -> str:
    info = parsed.plan
    out = [f"{info.title} ({info.abbreviation}), {info.start_year}-{info.end_year}"]
    for goal in parsed.goals:
        out.append(f"{goal.code}  {goal.title}")
        for od in goal.operational_goals:
            out.append(f"  {od.code}  {od.title}")
            for number in od.actions:
                action = parsed.action(number)
                lead = ", ".join(p.label for p in action.responsible) or f"→ Actie {action.refers_to_action}"
                when = action.timeline.text if action.timeline else "geen tijdspad"
                out.append(f"    Actie {number}. {action.title}  [{lead}; {when}]")
    out.append(
        f"{len(parsed.goals)} goals, {sum(len(g.operational_goals) for g in parsed.goals)} "
        f"operational goals, {len(parsed.actions)} actions, {len(parsed.footnotes)} footnotes"
    )
    return "\n".join(out)


def _report(parsed: ParsedPlan) -> str:
    return "\n".join(f"line {r.line}: [{r.kind}] {r.message}" for r in parsed.report)


def _plan_for(args: argparse.Namespace) -> tuple[Path, PlanIdentity | None]:
    """The text to parse and the identity its toml gives (by --plan, or the toml whose source is FILE)."""
    plans = args.data / "plans"
    if args.plan is not None:
        toml = plans / f"{args.plan}.toml"
        if not toml.exists():
            known = ", ".join(p.stem for p in sorted(plans.glob("*.toml")))
            raise RegisterError(f"{toml}: no such plan (the plans are {known})")
        config = load_plan_config(toml, args.data)
        return (args.file or config.source), config.identity
    file = args.file or DEFAULT_SOURCE
    for toml in sorted(plans.glob("*.toml")):
        config = load_plan_config(toml, args.data)
        if file.exists() and config.source.exists() and config.source.samefile(file):
            return file, config.identity
    return file, None


def _cmd_parse(args: argparse.Namespace) -> int:
    from hgkbp_ld.model import to_json
    from hgkbp_ld.parse import parse_file
    from hgkbp_ld.registers import Registers

    started = time.perf_counter()
    args.data = Settings.from_env(data=args.data).data
    file, identity = _plan_for(args)
    args.file = file
    registers = Registers.load(args.data)
    parsed = parse_file(file, strict=not args.lenient, registers=registers, identity=identity)
    elapsed = time.perf_counter() - started
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(parsed), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_summary(parsed) + "\n")
    if not args.quiet:
        sys.stderr.write(_report(parsed) + "\n")
        sys.stderr.write(f"parsed {args.file} in {elapsed * 1000:.0f} ms; {len(parsed.report)} report entries\n")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from hgkbp_ld.build import build
    from hgkbp_ld.validate import use_engine

    started = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            sys.stderr.write(f"hgkbp-ld build: {message}\n")

    settings = Settings.from_env(
        dist=args.out,
        base=args.base,
        data=args.data,
        today=args.today,
        jobs=args.jobs,
        versions=args.versions,
        shacl_engine=args.shacl_engine,
    )
    use_engine(settings.shacl_engine)
    versions = settings.versions_folder()
    if settings.versions is None and versions != settings.data / "versions":
        progress(
            f"the bundled plan is installed in {settings.data} (not written by builds): its versions are read from "
            f"and recorded in {versions} (--versions or HGKBP_VERSIONS to choose another folder)"
        )
    result = build(
        settings.dist,
        base=settings.base,
        data_dir=settings.data,
        versions_dir=versions,
        today=settings.today,
        progress=progress,
        strict=not args.lenient,
        jobs=settings.jobs,
    )
    for note in result.notes:
        sys.stderr.write(f"hgkbp-ld build: note: {note}\n")
    for plan in result.plans:  # where each plan's title, abbreviation and period came from
        for entry in (r for r in plan.report if r.kind == "plan-identity"):
            progress(f"{plan.config.slug}: {entry.message} (line {entry.line} of {plan.config.source.name})")
    if not args.quiet:
        for plan in result.plans:
            sys.stderr.write(
                f"hgkbp-ld build: {plan.config.slug}: {plan.actions} actions, "
                f"{plan.triples} triples, {len(plan.report)} parse report entries"
                + (" (unchanged, taken from the last build)" if plan.reused else "")
                + "\n"
            )
        sys.stderr.write(
            f"hgkbp-ld build: wrote {len(result.files) + 1} files to {result.out} "
            f"in {time.perf_counter() - started:.1f} s\n"
        )
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from hgkbp_ld.published import SITE, read_site_index
    from hgkbp_ld.store import read_manifest
    from hgkbp_ld.web.app import create_app

    settings = Settings.from_env(
        host=args.host,
        port=args.port,
        base=args.base,
        dist=args.dist,
        reload_on_build=args.reload_on_build,
        store=args.store,
    )
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    read_manifest(settings.dist)  # no build (or an unrendered one): one clear line, not a traceback
    read_site_index(settings.dist / SITE)
    if settings.store:  # a store that is down, empty or on another version: one clear line, not a traceback
        from hgkbp_ld.store import RemoteStore, endpoint

        RemoteStore(endpoint(settings)).load(settings.dist)
    sys.stderr.write(f"hgkbp-ld serve: http://{settings.host}:{settings.port}/ (IRIs under {settings.base})\n")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http="httptools",
        server_header=False,
        date_header=True,
        log_level=args.log_level,
        access_log=False,
        proxy_headers=False,  # who the client is behind a proxy is HGKBP_TRUSTED_PROXIES's to say, not uvicorn's
    )
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from hgkbp_ld.store import RemoteStore, endpoint

    settings = Settings.from_env(dist=args.dist, store=args.store, store_update=args.update, store_graphs=args.graphs)

    def progress(message: str) -> None:
        if not args.quiet:
            sys.stderr.write(f"hgkbp-ld publish: {message}\n")

    store = RemoteStore(endpoint(settings), chunk=settings.store_chunk)
    before = store.version()
    progress(f"the store at {settings.store} serves {before[:12] if before else 'nothing yet'}")
    published = store.publish(settings.dist, progress, force=args.force)
    if not published.uploaded:
        return 0
    progress(
        f"published {settings.dist} as version {published.version[:12]} "
        f"({sum(published.graphs.values())} triples in {len(published.graphs)} graphs) in {published.seconds:.1f} s"
    )
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    import dataclasses

    from rdflib import Graph

    from hgkbp_ld.build import build_graphs
    from hgkbp_ld.registers import Registers, load_plan_configs
    from hgkbp_ld.validate import ONTOLOGY
    from hgkbp_ld.versions import INDEX, History, VersionError, as_rdf, diff, property_names, words

    settings = Settings.from_env(data=args.data, base=args.base)

    def graph_of(argument: str) -> Graph:
        if argument.isdigit():
            own = settings.versions_folder() / args.plan  # the build's, else the versions shipped with the data
            folder = own if (own / INDEX).exists() else settings.data / "versions" / args.plan
            history = History.load(folder, settings.base)
            if not 1 <= int(argument) <= len(history.versions):
                raise VersionError(f"{args.plan} has versions 1 to {len(history.versions)}, not {argument}")
            return history.graph(int(argument))
        registers = Registers.load(settings.data)
        configs = [c for c in load_plan_configs(settings.data / "plans") if c.slug == args.plan]
        if not configs:
            raise VersionError(f"no plan {args.plan!r} in {settings.data / 'plans'}")
        (plan,) = build_graphs(registers, (dataclasses.replace(configs[0], source=Path(argument)),), settings.base)
        return plan.graph

    changes = diff(graph_of(args.old), graph_of(args.new), property_names(Graph().parse(ONTOLOGY)))
    sys.stdout.write(words(changes) if args.format == "text" else as_rdf(changes))
    return 1 if changes else 0


def _cmd_nginx_conf(args: argparse.Namespace) -> int:
    from hgkbp_ld.nginx import nginx_conf
    from hgkbp_ld.published import SITE, read_site_index

    settings = Settings.from_env(dist=args.dist)
    read_site_index(settings.dist / SITE)  # a rendered build, or one clear line
    sys.stdout.write(nginx_conf(settings.dist, args.listen, args.upstream, settings.cache_max_age, args.user))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "parse": _cmd_parse,
    "build": _cmd_build,
    "serve": _cmd_serve,
    "publish": _cmd_publish,
    "diff": _cmd_diff,
    "nginx-conf": _cmd_nginx_conf,
}
