"""Where the files shipped inside the package are: the bundled plan with its registers (`data/`),
the vocabulary (`ontology/`), the application profile (`shapes/`), the example queries
(`queries/`), the style sheet (`static/`) and the page templates (`render/templates/`).

They are found through `importlib.resources`, so they are the same in a source checkout (where
the repository's `data` is a link to the package's `data/`) and in an installed wheel.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = Path(str(files("hgkbp_ld")))
DATA = PACKAGE / "data"
ONTOLOGY = PACKAGE / "ontology"
SHAPES = PACKAGE / "shapes"
QUERIES = PACKAGE / "queries"
STATIC = PACKAGE / "static"
TEMPLATES = PACKAGE / "render" / "templates"
