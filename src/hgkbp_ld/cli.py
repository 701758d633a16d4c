"""The one command-line entry point: `hgkbp-ld parse | build | validate | serve | publish`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from hgkbp_ld import __version__
from hgkbp_ld.errors import ParseError
from hgkbp_ld.model import ParsedPlan, to_json
from hgkbp_ld.parse import parse_file
from hgkbp_ld.registers import RegisterError

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
    parse.add_argument("file", type=Path, nargs="?", default=DEFAULT_SOURCE,
                       help=f"the plan text (default: {DEFAULT_SOURCE})")
    parse.add_argument("--format", choices=("json", "text"), default="json",
                       help="json: the model as DESIGN.md fixes it (default); text: a readable summary")
    parse.add_argument("--lenient", action="store_true",
                       help="report unknown minister or plan names instead of stopping")
    parse.add_argument("--quiet", action="store_true", help="do not print the parse report")
    return parser


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
    out.append(f"{len(parsed.goals)} goals, {sum(len(g.operational_goals) for g in parsed.goals)} "
               f"operational goals, {len(parsed.actions)} actions, {len(parsed.footnotes)} footnotes")
    return "\n".join(out)


def _report(parsed: ParsedPlan) -> str:
    return "\n".join(f"line {r.line}: [{r.kind}] {r.message}" for r in parsed.report)


def _cmd_parse(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    parsed = parse_file(args.file, strict=not args.lenient)
    elapsed = time.perf_counter() - started
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(parsed), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_summary(parsed) + "\n")
    if not args.quiet:
        sys.stderr.write(_report(parsed) + "\n")
        sys.stderr.write(f"parsed {args.file} in {elapsed * 1000:.0f} ms; "
                         f"{len(parsed.report)} report entries\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "parse":
            return _cmd_parse(args)
    except ParseError as error:
        sys.stderr.write(f"hgkbp-ld: error: {getattr(args, 'file', '')}: {error}\n")
        return 2
    except RegisterError as error:
        sys.stderr.write(f"hgkbp-ld: error in a register: {error}\n")
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main())
