"""The one command-line entry point: `hgkbp-ld parse | build | serve | publish | diff | nginx-conf`.

`arguments` holds the command line and its help, `commands` what each command does; `main` runs one
and turns the errors every stage raises into one clear line and an exit code.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from hgkbp_ld.build import BuildError
from hgkbp_ld.cli.arguments import parser
from hgkbp_ld.cli.commands import COMMANDS
from hgkbp_ld.errors import ParseError
from hgkbp_ld.published import SiteError
from hgkbp_ld.registers import RegisterError
from hgkbp_ld.settings import SettingsError
from hgkbp_ld.store import StoreError
from hgkbp_ld.validate import EngineError
from hgkbp_ld.versions import VersionError

__all__ = ["main", "parser"]


# Each stage's error, as the one line it becomes and the exit code: 2 for bad input, 1 for a failure.
FAILURES: tuple[tuple[type[Exception], str, int], ...] = (
    (ParseError, "error: ", 2),  # names the file (ParseError.path), the line and what to do
    (VersionError, "", 2),
    (RegisterError, "error in a register: ", 2),
    (BuildError, "build failed, dist/ left as it was: ", 1),
    (SettingsError, "error in the settings: ", 2),
    (EngineError, "build failed, dist/ left as it was: ", 1),
    (SiteError, "", 1),
)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except StoreError as error:
        if args.command == "publish":
            sys.stderr.write(f"hgkbp-ld: publish failed, the store still serves its previous version: {error}\n")
        else:
            sys.stderr.write(f"hgkbp-ld: {error}\n")
        return 1
    except tuple(kind for kind, _, _ in FAILURES) as error:
        for kind, prefix, code in FAILURES:
            if isinstance(error, kind):
                sys.stderr.write(f"hgkbp-ld: {prefix}{error}\n")
                return code
        raise
