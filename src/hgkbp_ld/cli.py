"""The one command-line entry point: `hgkbp-ld parse | build | validate | serve | publish`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from hgkbp_ld import __version__
from hgkbp_ld.build import BuildError, build
from hgkbp_ld.errors import ParseError
from hgkbp_ld.iris import DEFAULT_BASE
from hgkbp_ld.model import ParsedPlan, PlanIdentity, to_json
from hgkbp_ld.parse import parse_file
from hgkbp_ld.published import SiteError
from hgkbp_ld.registers import RegisterError, Registers, load_plan_config
from hgkbp_ld.settings import SHACL_ENGINES, Settings, SettingsError
from hgkbp_ld.store import StoreError
from hgkbp_ld.validate import EngineError, use_engine
from hgkbp_ld.versions import VersionError

DEFAULT_SOURCE = Path("data/source/hgkbp-2025-2029.txt")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hgkbp-ld",
        description="Publish a Flemish horizontal policy plan as linked open data.",
        epilog="Run 'hgkbp-ld COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parse = commands.add_parser(
        "parse",
        help="read a plan text and print its model (JSON) or a summary (text)",
        description=(
            "Read a plan text (UTF-8, as extracted from the PDF) and print the model. The parse "
            "report (every anomaly met and what was done) goes to standard error. Exit code 0 on "
            "success, 2 on a malformed text, with the line and what was expected."
        ),
    )
    parse.add_argument(
        "file",
        type=Path,
        nargs="?",
        default=None,
        help=f"the plan text (default: the source of --plan, else {DEFAULT_SOURCE})",
    )
    parse.add_argument(
        "--data",
        type=Path,
        default=None,
        help="the data folder whose registers (*.csv) and plans/*.toml are used (default: HGKBP_DATA, else the "
        "bundled plan)",
    )
    parse.add_argument(
        "--plan",
        default=None,
        metavar="SLUG",
        help="parse the plan of DATA/plans/SLUG.toml, with its title, abbreviation and period if it gives them "
        "(default: the toml whose source is FILE, if any)",
    )
    parse.add_argument(
        "--format",
        choices=("json", "text"),
        default="json",
        help="json: the model in the shape docs/design.md fixes (default); text: a readable summary",
    )
    parse.add_argument(
        "--lenient", action="store_true", help="report unknown minister or plan names instead of stopping"
    )
    parse.add_argument("--quiet", action="store_true", help="do not print the parse report")
    build_cmd = commands.add_parser(
        "build",
        help="parse, map, validate, render and write the dumps and the site to dist/",
        description=(
            "Build every plan of data/plans/*.toml: parse the text, map it to RDF, validate it "
            "against shapes/ (SHACL, with the vocabulary), and write dist/: the dumps in "
            "Turtle, N-Triples, JSON-LD and RDF/XML, the DCAT-AP Vlaanderen catalogue, the vocabulary, "
            "its JSON-LD context, the shapes and manifest.json; then render every page and representation the server "
            "gives into dist/site/ (with index.json). All or nothing: on any error dist/ is left as it was. "
            "Builds are reproducible (set SOURCE_DATE_EPOCH to fix the build time). Incremental: a plan whose "
            "inputs did not change since the build in --out is taken from it, and a build of unchanged inputs "
            "leaves dist/ as it is."
        ),
    )
    build_cmd.add_argument(
        "--out", type=Path, default=None, help="output folder (default: HGKBP_DIST, else dist in this folder)"
    )
    build_cmd.add_argument(
        "--base", default=None, help=f"canonical base of the IRIs (default: HGKBP_BASE, else {DEFAULT_BASE})"
    )
    build_cmd.add_argument(
        "--data",
        type=Path,
        default=None,
        help="folder with plans/*.toml, the registers (*.csv) and source/ (default: HGKBP_DATA, else the bundled plan)",
    )
    build_cmd.add_argument(
        "--versions",
        type=Path,
        default=None,
        help="folder where the plans' versions are read and recorded (default: HGKBP_VERSIONS, else DATA/versions; "
        "for the bundled plan of an installed package, $XDG_DATA_HOME/hgkbp-ld/versions)",
    )
    build_cmd.add_argument(
        "--lenient", action="store_true", help="report unknown minister or plan names instead of stopping"
    )
    build_cmd.add_argument(
        "--today",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day the pages speak of (who holds a portfolio today); default: the day of the build",
    )
    build_cmd.add_argument(
        "--shacl-engine",
        choices=SHACL_ENGINES,
        default=None,
        help="the SHACL validator (default: HGKBP_SHACL_ENGINE, else pyshacl-turbo; pyshacl is the reference "
        "it was checked against, see docs/validation.md)",
    )
    build_cmd.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="plans built at once, in worker processes (default: HGKBP_JOBS, else one per core)",
    )
    build_cmd.add_argument("--quiet", action="store_true", help="print only errors")
    serve = commands.add_parser(
        "serve",
        help="serve the built dataset: pages, RDF, SPARQL (run 'build' first: serving only reads dist/)",
        description=(
            "Serve dist/ over HTTP: the pages and RDF the build rendered into dist/site/ for every IRI "
            "(/id/... answers 303 to /doc/...), /acties (filters and search), the SPARQL 1.1 endpoint "
            "/sparql on the embedded store (pyoxigraph; read-only, with a timeout and a row cap), the vocabulary, "
            "the application profile, "
            "the catalogue and the dumps. Settings can also come from HGKBP_* environment variables "
            "(e.g. HGKBP_PORT, HGKBP_QUERY_TIMEOUT, HGKBP_MAX_ROWS, HGKBP_WORKERS)."
        ),
    )
    serve.add_argument("--host", default=None, help="interface to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default: 8000)")
    serve.add_argument("--base", default=None, help=f"canonical base of the IRIs (default: {DEFAULT_BASE})")
    serve.add_argument("--dist", type=Path, default=None, help="the build to serve (default: dist)")
    serve.add_argument(
        "--reload-on-build",
        action="store_true",
        default=None,
        help="swap in a new build when dist/ changes, without a restart",
    )
    serve.add_argument(
        "--store",
        default=None,
        metavar="URL",
        help="serve from this SPARQL 1.1 query endpoint (published with 'hgkbp-ld publish') instead of the "
        "embedded store; --dist must hold the same build (default: HGKBP_STORE, else the embedded store)",
    )
    serve.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    publish = commands.add_parser(
        "publish",
        help="load a build into a remote SPARQL store (Virtuoso, Fuseki, ...) as its new version",
        description=(
            "Load dist/ into a remote SPARQL 1.1 store: every graph of the build (one per plan, the catalogue, "
            "the vocabulary, and their merge as the default graph) is uploaded under names of its own, with the "
            "Graph Store Protocol (--graphs) or else SPARQL Update, and each graph's triple count is checked; only "
            "then does the store switch to the new version, in one small update. Servers started with "
            "'hgkbp-ld serve --store URL --reload-on-build' follow. If anything fails, the store keeps "
            "serving the previous version and the command exits with 1. Credentials come from "
            "HGKBP_STORE_USER and HGKBP_STORE_PASSWORD or HGKBP_STORE_PASSWORD_FILE (never from the command "
            "line); HGKBP_STORE_AUTH is digest (default, Virtuoso) or basic. Example for Virtuoso: "
            "hgkbp-ld publish --store http://localhost:8890/sparql --update http://localhost:8890/sparql-auth "
            "--graphs http://localhost:8890/sparql-graph-crud-auth"
        ),
    )
    diff = commands.add_parser(
        "diff",
        help="what changed between two plan texts or two versions, per action, in words or as RDF",
        description=(
            "Compare two plan texts (OLD and NEW are files) or two recorded versions of a plan (OLD and NEW are "
            "version numbers, from DATA/versions/PLAN/). Lists every object that changed (the plan, goals, actions, "
            "portfolios, mandataries) and how: title, ministers, timeline, indicators added or removed. Exit code 0 "
            "when nothing changed, 1 when something did, 2 on an error (like diff(1))."
        ),
    )
    diff.add_argument("old", help="the old plan text, or a version number")
    diff.add_argument("new", help="the new plan text, or a version number")
    diff.add_argument("--plan", default="hgkbp-2025-2029", help="the plan's slug (default: hgkbp-2025-2029)")
    diff.add_argument(
        "--data", type=Path, default=None, help="registers, plans and versions (default: HGKBP_DATA, else the bundled)"
    )
    diff.add_argument("--base", default=None, help=f"base of the IRIs (default: HGKBP_BASE, else {DEFAULT_BASE})")
    diff.add_argument(
        "--format",
        choices=("text", "rdf"),
        default="text",
        help="text: in words (default); rdf: TriG, removed and added",
    )
    publish.add_argument(
        "--dist", type=Path, default=None, help="the build to publish (default: HGKBP_DIST, else dist)"
    )
    publish.add_argument(
        "--store", default=None, metavar="URL", help="the store's SPARQL query endpoint (default: HGKBP_STORE)"
    )
    publish.add_argument(
        "--update",
        default=None,
        metavar="URL",
        help="its SPARQL Update endpoint (default: HGKBP_STORE_UPDATE, else the query endpoint)",
    )
    publish.add_argument(
        "--graphs",
        default=None,
        metavar="URL",
        help="its Graph Store Protocol endpoint (default: HGKBP_STORE_GRAPHS, else upload with SPARQL Update)",
    )
    publish.add_argument(
        "--force", action="store_true", help="upload even if the store already serves this build (default: skip)"
    )
    publish.add_argument("--quiet", action="store_true", help="print only errors")
    conf = commands.add_parser(
        "nginx-conf",
        help="print an nginx configuration that serves the rendered site and passes the rest to 'serve'",
        description=(
            "Print a complete nginx configuration (for 'nginx -p PREFIX -c FILE') that serves DIST/site itself: "
            "/id/ → 303, /doc/ and /ns/ by Accept with the server's media types, Vary, ETags and the suffix forms, "
            "the downloads; it passes /sparql (caching GET answers per query, Accept and build), /acties, /ldes, "
            "and whatever it cannot decide to the upstream 'hgkbp-ld serve'. See docs/deploy.md."
        ),
    )
    conf.add_argument("--dist", type=Path, default=None, help="the build to serve (default: HGKBP_DIST, else dist)")
    conf.add_argument("--listen", required=True, metavar="HOST:PORT", help="where nginx listens, e.g. 0.0.0.0:80")
    conf.add_argument(
        "--upstream", required=True, metavar="URL", help="the 'hgkbp-ld serve' behind it, e.g. http://127.0.0.1:8000"
    )
    conf.add_argument(
        "--user",
        default=None,
        help="the user nginx's workers run as when nginx starts as root (must read DIST/site); default nginx's",
    )
    return parser


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day: {text!r}; give it as YYYY-MM-DD, e.g. 2026-01-21") from None


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
    from hgkbp_ld.versions import INDEX, History, as_rdf, diff, property_names, words

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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "parse":
            return _cmd_parse(args)
        if args.command == "build":
            return _cmd_build(args)
        if args.command == "serve":
            return _cmd_serve(args)
        if args.command == "publish":
            return _cmd_publish(args)
        if args.command == "diff":
            return _cmd_diff(args)
        if args.command == "nginx-conf":
            return _cmd_nginx_conf(args)
    except ParseError as error:  # names the file (ParseError.path), the line and what to do
        sys.stderr.write(f"hgkbp-ld: error: {error}\n")
        return 2
    except VersionError as error:
        sys.stderr.write(f"hgkbp-ld: {error}\n")
        return 2
    except RegisterError as error:
        sys.stderr.write(f"hgkbp-ld: error in a register: {error}\n")
        return 2
    except BuildError as error:
        sys.stderr.write(f"hgkbp-ld: build failed, dist/ left as it was: {error}\n")
        return 1
    except SettingsError as error:
        sys.stderr.write(f"hgkbp-ld: error in the settings: {error}\n")
        return 2
    except EngineError as error:
        sys.stderr.write(f"hgkbp-ld: build failed, dist/ left as it was: {error}\n")
        return 1
    except SiteError as error:
        sys.stderr.write(f"hgkbp-ld: {error}\n")
        return 1
    except StoreError as error:
        if args.command == "publish":
            sys.stderr.write(f"hgkbp-ld: publish failed, the store still serves its previous version: {error}\n")
        else:
            sys.stderr.write(f"hgkbp-ld: {error}\n")
        return 1
    return 1


if __name__ == "__main__":
    sys.exit(main())
