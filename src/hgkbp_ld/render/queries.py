"""The render stage's SPARQL queries, kept as `.rq` files in `render/queries/` (each says what it asks).

A query's parameters are bound by name (`store.select(query("x"), {"graph": URIRef(...)})`); a bound
variable is also in the query's projection, as pyoxigraph requires.
"""

from __future__ import annotations

from functools import cache

from hgkbp_ld.bundled import PACKAGE

FOLDER = PACKAGE / "render" / "queries"


@cache
def query(name: str) -> str:
    """The text of `render/queries/{name}.rq`."""
    return (FOLDER / f"{name}.rq").read_text(encoding="utf-8")
