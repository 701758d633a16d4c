import sys

from hgkbp_ld.cli import main

sys.exit(main())
