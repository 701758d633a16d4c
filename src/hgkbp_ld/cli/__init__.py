"""The one command-line entry point: `hgkbp-ld parse | build | serve | publish | diff | nginx-conf`.

`arguments` holds the command line and its help, `commands` what each command does; `main` runs one
and turns the errors every stage raises into one clear line and an exit code.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import import_module

from hgkbp_ld.cli.arguments import parser
from hgkbp_ld.cli.commands import COMMANDS

__all__ = ["main", "parser"]


# Each stage's error, as the one line it becomes and the exit code: 2 for bad input, 1 for a failure.
# Named by module, not imported: a command loads only the stages it runs (cli/commands.py), and an
# error can only come from a stage that was loaded.
FAILURES: tuple[tuple[str, str, str, int], ...] = (
    ("hgkbp_ld.errors", "ParseError", "error: ", 2),  # names the file (ParseError.path), the line and what to do
    ("hgkbp_ld.versions", "VersionError", "", 2),
    ("hgkbp_ld.registers", "RegisterError", "error in a register: ", 2),
    ("hgkbp_ld.build", "BuildError", "build failed, dist/ left as it was: ", 1),
    ("hgkbp_ld.settings", "SettingsError", "error in the settings: ", 2),
    ("hgkbp_ld.validate", "EngineError", "build failed, dist/ left as it was: ", 1),
    ("hgkbp_ld.published", "SiteError", "", 1),
)


def _failure(error: Exception) -> tuple[str, int] | None:
    """(prefix, exit code) of a stage's error, or None for anything else."""
    for module, name, prefix, code in FAILURES:
        if module in sys.modules and isinstance(error, getattr(import_module(module), name)):
            return prefix, code
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except Exception as error:
        store = sys.modules.get("hgkbp_ld.store")
        if store is not None and isinstance(error, store.StoreError):
            if args.command == "publish":
                sys.stderr.write(f"hgkbp-ld: publish failed, the store still serves its previous version: {error}\n")
            else:
                sys.stderr.write(f"hgkbp-ld: {error}\n")
            return 1
        failure = _failure(error)
        if failure is None:
            raise
        sys.stderr.write(f"hgkbp-ld: {failure[0]}{error}\n")
        return failure[1]
