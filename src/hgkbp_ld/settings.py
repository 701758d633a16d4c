"""One typed, validated settings object. Defaults suit a developer's machine; the environment
(HGKBP_*) and the command line override them. Nothing else in the code reads the environment for
settings, and every command (build, serve, publish, nginx-conf) takes its values from here."""

from __future__ import annotations

import datetime as dt
import os
import sysconfig
from dataclasses import dataclass, field, fields, replace
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from urllib.parse import urlsplit

from hgkbp_ld.bundled import DATA
from hgkbp_ld.iris import DEFAULT_BASE

SHACL_ENGINES = ("pyshacl", "pyshacl-turbo")  # docs/validation.md: why pyshacl-turbo may stand in for pyshacl


class SettingsError(ValueError):
    """A setting has a value that cannot work; the message names it and says what is expected."""


@dataclass(frozen=True)
class Settings:
    base: str = DEFAULT_BASE  # canonical base of the IRIs; the server answers for it on any host
    dist: Path = Path("dist")  # the build: written by `build`, served by `serve` (relative to the folder run in)
    data: Path = DATA  # plans, registers and versions to build (default: the bundled plan)
    versions: Path | None = None  # where builds record versions (default: see versions_folder)
    today: dt.date | None = None  # the day the pages speak of (who holds a portfolio); None: the build's day
    shacl_engine: str = "pyshacl-turbo"  # validates the build; pyshacl is the reference (docs/validation.md)
    jobs: int = field(default_factory=lambda: _cores())  # plans a build makes at once (worker processes)
    host: str = "127.0.0.1"
    port: int = 8000
    reload_on_build: bool = False  # watch dist/manifest.json and swap in a new build
    reload_interval: float = 2.0  # seconds between two looks at the manifest
    cache_max_age: int = 300  # seconds a cache may keep a page or an RDF representation
    var: Path | None = None  # on-disk stores for the query workers (default: var/<dist name> beside dist)
    query_timeout: float = 10.0  # seconds a SPARQL query may run before its worker is stopped
    max_rows: int = 10_000  # result rows (or triples) returned at most; the answer says when it cut
    max_query_bytes: int = 65_536  # longer queries get 413
    # /sparql's limits (README "SPARQL"; hgkbp_ld.sparql.fair): per client (its address; the forwarded
    # one only from a trusted proxy) a few queries at once and a budget of query time.
    workers: int = 2  # SPARQL worker processes (on a remote store: queries sent to it at once)
    fast_workers: int = 2  # more workers that only queries known to be fast may use (at the normal CPU priority)
    general_nice: int = 10  # how much lower the other workers' CPU priority is (with fast workers; 0 to 19)
    fast_query_seconds: float = 0.5  # a query whose shortest run took less counts as fast
    contended_workers: int = 0  # general workers other queries may take while fast ones run (0: half, at least 1)
    inline_triples: int = 100_000  # a store at most this big runs tiny fast queries in the server (0: never)
    client_queries: int = 2  # queries at once per client; more get 429
    client_budget: float = 30.0  # seconds of query time per client per minute; past it 429
    client_held: int = 8  # requests of a client back before its Retry-After held till then; more: 429, closed
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
        for name, low in _AT_LEAST.items():
            value = getattr(self, name)
            if value < low:
                raise SettingsError(f"{_name(name)} is {value}, but must be at least {low}")
        for name in ("reload_interval", "query_timeout", "store_timeout", "client_budget"):
            if not getattr(self, name) > 0:
                raise SettingsError(f"{_name(name)} is {getattr(self, name)}, but must be more than 0 seconds")
        if self.general_nice > 19:
            raise SettingsError(f"HGKBP_GENERAL_NICE is {self.general_nice}, but a nice value is at most 19")
        if self.port > 65535:
            raise SettingsError(f"HGKBP_PORT is {self.port}, but a port is at most 65535")
        if self.shacl_engine not in SHACL_ENGINES:
            raise SettingsError(
                f"HGKBP_SHACL_ENGINE is {self.shacl_engine!r}; use {' or '.join(SHACL_ENGINES)} (docs/validation.md)"
            )
        if self.store_auth not in ("digest", "basic"):
            raise SettingsError(f"HGKBP_STORE_AUTH is {self.store_auth!r}; use digest (Virtuoso) or basic")
        for name in ("base", "store", "store_update", "store_graphs"):
            value = getattr(self, name)
            if value is not None and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc):
                raise SettingsError(f"{_name(name)} is {value!r}, not an http(s) URL such as {DEFAULT_BASE}")
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
        """Defaults, then HGKBP_<NAME> environment variables, then the given overrides (None: not given)."""
        values: dict[str, object] = {}
        for item in fields(cls):
            raw = os.environ.get(_name(item.name))
            if raw is None or not raw.strip():  # unset or empty: the default
                continue
            values[item.name] = _parse(item.name, str(item.type), raw.strip())
        values.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(values.get("base"), str):
            values["base"] = str(values["base"]).rstrip("/")
        return replace(cls(), **values)

    def versions_folder(self) -> Path:
        """Where builds read and record the plans' versions: `versions` if given; else DATA/versions,
        except for the bundled plan of an installed package, whose folder is not ours to write (it
        may be read-only, and an upgrade would replace it): there, the user's data folder
        ($XDG_DATA_HOME/hgkbp-ld/versions), which starts from the versions the package ships."""
        if self.versions is not None:
            return self.versions
        if installed_bundle(self.data):
            home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
            return Path(home) / "hgkbp-ld" / "versions"
        return self.data / "versions"

    @property
    def stores(self) -> Path:
        return self.var if self.var is not None else self.dist.parent / "var" / self.dist.name


def installed_bundle(data: Path) -> bool:
    """Is `data` the bundled plan of a package installed into site-packages (a wheel), not a checkout's?"""
    try:
        if data.resolve() != DATA.resolve():
            return False
    except OSError:
        return False
    libraries = {Path(sysconfig.get_path(name)).resolve() for name in ("purelib", "platlib")}
    return any(DATA.resolve().is_relative_to(library) for library in libraries)


_AT_LEAST = {
    "port": 1,
    "jobs": 1,
    "cache_max_age": 0,
    "max_rows": 1,
    "max_query_bytes": 1,
    "workers": 1,  # none would make /sparql wait for ever
    "fast_workers": 0,
    "general_nice": 0,
    "fast_query_seconds": 0,
    "contended_workers": 0,
    "inline_triples": 0,
    "client_queries": 1,  # 0 would refuse every query with 429
    "client_held": 0,  # 0: a request back too early is refused at once, its connection closed
    "query_queue": 0,
    "answer_cache_bytes": 0,
    "store_retries": 0,
    "store_chunk": 1,
}


def _cores() -> int:
    """The cores this process may use: the build's default number of jobs."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _name(field_name: str) -> str:
    return f"HGKBP_{field_name.upper()}"


def _parse(name: str, kind: str, raw: str) -> object:
    """One environment value as its field's type, or a SettingsError that says what was expected."""
    try:
        if kind.startswith("bool"):
            if raw.lower() not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
                raise ValueError
            return raw.lower() in {"1", "true", "yes", "on"}
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
        if kind.startswith("dt.date"):
            return dt.date.fromisoformat(raw)
        if kind.startswith("Path"):
            return Path(raw)
    except ValueError:
        expected = {"b": "true or false", "i": "a whole number", "f": "a number", "d": "a day as YYYY-MM-DD"}
        raise SettingsError(f"{_name(name)}={raw!r} is not {expected.get(kind[0], 'valid')}") from None
    return raw
