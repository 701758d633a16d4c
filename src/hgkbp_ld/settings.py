"""One typed settings object. Defaults suit a developer's machine; the environment (HGKBP_*) and
the command line override them. Nothing else in the code reads the environment for settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from hgkbp_ld.iris import DEFAULT_BASE

ROOT = Path(__file__).resolve().parents[2]


class SettingsError(ValueError):
    """A setting has a value that cannot work; the message names it and what it should be."""


_AT_LEAST: dict[str, float] = {  # the least value that works, per numeric setting of /sparql
    "workers": 1,
    "fast_workers": 0,
    "fast_query_seconds": 0,
    "client_queries": 1,
    "client_budget": 0.001,
    "query_queue": 0,
    "answer_cache_bytes": 0,
    "query_timeout": 0.001,
    "max_rows": 1,
    "max_query_bytes": 1,
}
_MEANING = {
    "workers": "with no worker no query is ever answered",
    "fast_workers": "the number of extra workers for fast queries (0: none)",
    "fast_query_seconds": "seconds under which a query counts as fast",
    "client_queries": "with 0 every client would get 429",
    "client_budget": "seconds of query time per client per minute; with 0 every client would get 429",
    "query_queue": "queries that may wait for a worker (0: none wait)",
    "answer_cache_bytes": "bytes of answers kept in memory (0: none)",
    "query_timeout": "seconds a query may run",
    "max_rows": "rows an answer may hold",
    "max_query_bytes": "bytes a query may have",
}


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
    # /sparql's limits (README "SPARQL endpoint"; hgkbp_ld.sparql.fair): per client (its address; the
    # forwarded one only from a trusted proxy) a few queries at once and a budget of query time.
    workers: int = 2  # SPARQL worker processes (on a remote store: queries sent to it at once)
    fast_workers: int = 1  # more workers that only queries known to be fast may use
    fast_query_seconds: float = 0.25  # a query whose last run took less counts as fast
    client_queries: int = 2  # queries at once per client; more get 429
    client_budget: float = 30.0  # seconds of query time per client per minute; past it 429
    query_queue: int = 16  # queries waiting for a worker at most (all clients); more get 503
    answer_cache_bytes: int = 64 * 1024 * 1024  # recent GET answers kept in memory (0: none)
    trusted_proxies: str = ""  # comma-separated addresses or networks whose X-Forwarded-For is believed
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

    def __post_init__(self) -> None:
        for name, least in _AT_LEAST.items():
            value = getattr(self, name)
            if value < least:
                raise SettingsError(f"HGKBP_{name.upper()} must be at least {least:g}, not {value:g}: {_MEANING[name]}")
        try:
            self.proxies()
        except ValueError as error:
            raise SettingsError(
                f"HGKBP_TRUSTED_PROXIES: {error}; give addresses or networks separated by commas, "
                "e.g. 127.0.0.1,10.0.0.0/8"
            ) from None

    def proxies(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """The trusted proxies' networks."""
        return tuple(ip_network(part.strip(), strict=False) for part in self.trusted_proxies.split(",") if part.strip())

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
                try:
                    values[item.name] = kind(raw)
                except ValueError:
                    raise SettingsError(f"HGKBP_{item.name.upper()}={raw!r} is not a {kind.__name__}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = replace(cls(), **values)
        return replace(settings, base=settings.base.rstrip("/"))

    @property
    def stores(self) -> Path:
        return self.var if self.var is not None else self.dist.parent / "var" / self.dist.name
