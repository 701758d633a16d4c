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


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
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
