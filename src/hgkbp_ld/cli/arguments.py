"""The `hgkbp-ld` command line: its commands, options and help."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from hgkbp_ld import __version__
from hgkbp_ld.iris import DEFAULT_BASE
from hgkbp_ld.settings import SHACL_ENGINES

DEFAULT_SOURCE = Path("data/source/hgkbp-2025-2029.txt")


def parser() -> argparse.ArgumentParser:
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
