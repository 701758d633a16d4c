"""One typed settings object. Defaults suit a developer's machine; the environment (HGKBP_*) and
the command line override them. Nothing else in the code reads the environment for settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from hgkbp_ld.iris import DEFAULT_BASE

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    base: str = DEFAULT_BASE  # canonical base of the IRIs; the server answers for it on any host
    dist: Path = field(default=ROOT / "dist")  # the built dataset to serve
    data: Path = field(default=ROOT / "data")  # where a missing dist/ is built from
    host: str = "127.0.0.1"
    port: int = 8000
    reload_on_build: bool = False  # watch dist/manifest.json and swap in a new build
    reload_interval: float = 2.0  # seconds between two looks at the manifest
    cache_max_age: int = 300  # seconds a cache may keep a page or an RDF representation
    var: Path | None = None  # on-disk stores for the query workers (default: var/<dist name> beside dist)
    query_timeout: float = 10.0  # seconds a SPARQL query may run before its worker is stopped
    max_rows: int = 10_000  # result rows (or triples) returned at most; the answer says when it cut
    max_query_bytes: int = 65_536  # longer queries get 413
    workers: int = 2  # SPARQL worker processes
    # A remote SPARQL 1.1 store instead of the embedded one (see docs/deploy.md). Credentials come
    # from the environment or a file only, never from the command line, and are never printed.
    store: str | None = None  # its query endpoint; None: the embedded pyoxigraph store
    store_update: str | None = None  # its update endpoint (default: the query endpoint)
    store_graphs: str | None = None  # its Graph Store Protocol endpoint (default: load with SPARQL Update)
    store_user: str | None = None
    store_password: str | None = field(default=None, repr=False)
    store_password_file: Path | None = None
    store_auth: str = "digest"  # digest (Virtuoso) or basic
    store_timeout: float = 120.0  # seconds for one request to the store while publishing or loading
    store_retries: int = 4  # further attempts after a connection error, with backoff
    store_chunk: int = 20_000  # triples per upload request while publishing

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then HGKBP_<NAME> environment variables, then the given overrides."""
        values: dict[str, object] = {}
        for item in fields(cls):
            raw = os.environ.get(f"HGKBP_{item.name.upper()}")
            if not raw:  # unset or empty: the default
                continue
            kind = next(k for k in (bool, int, float, Path, str) if k.__name__ in str(item.type))
            if kind is bool:
                values[item.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
            else:
                values[item.name] = kind(raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = replace(cls(), **values)
        return replace(settings, base=settings.base.rstrip("/"))

    @property
    def stores(self) -> Path:
        return self.var if self.var is not None else self.dist.parent / "var" / self.dist.name
