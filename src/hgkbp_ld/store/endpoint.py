"""How hgkbp-ld reaches a remote SPARQL store: where it answers, how to sign in, and a request tried
again after a connection error or a 502/503/504, with backoff. The password never shows in a repr,
a message or a log."""

from __future__ import annotations

import logging
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit

import httpx

from hgkbp_ld.store.base import StoreError

log = logging.getLogger("hgkbp_ld")
T = TypeVar("T")


@dataclass(frozen=True)
class Endpoint:
    """Where the store answers, and how to sign in. `repr` never shows the password."""

    query: str
    update: str
    graphs: str | None = None  # Graph Store HTTP Protocol; None: load with SPARQL Update
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    auth: str = "digest"  # or "basic"
    timeout: float = 120.0  # seconds for one request
    retries: int = 4  # further attempts after a connection error, with backoff 0.5, 1, 2, 4 s

    def __post_init__(self) -> None:
        for url in (self.query, self.update, self.graphs):
            if url is None:
                continue
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise StoreError(f"not an http(s) URL for the store: {url!r}")
            if parts.username or parts.password:
                raise StoreError(
                    "a store URL must not carry credentials (they would end up in logs and shell history); "
                    "set HGKBP_STORE_USER and HGKBP_STORE_PASSWORD or HGKBP_STORE_PASSWORD_FILE instead"
                )
        if self.auth not in ("digest", "basic"):
            raise StoreError(f"HGKBP_STORE_AUTH must be 'digest' or 'basic', not {self.auth!r}")

    def httpx_auth(self) -> httpx.Auth | None:
        if self.user is None:
            return None
        password = self.password or ""
        return httpx.DigestAuth(self.user, password) if self.auth == "digest" else httpx.BasicAuth(self.user, password)


_RETRIABLE = (httpx.TransportError, urllib.error.URLError, ConnectionError, TimeoutError)


def retrying(what: str, url: str, retries: int, call: Callable[[], T]) -> T:
    """`call`, again after a connection error or a 502/503/504, with exponential backoff."""
    for attempt in range(retries + 1):
        try:
            return call()
        except httpx.HTTPStatusError as error:
            if error.response.status_code not in (502, 503, 504) or attempt == retries:
                raise StoreError(_status_message(what, url, error.response)) from None
            reason = f"HTTP {error.response.status_code}"
        except urllib.error.HTTPError as error:
            if error.code not in (502, 503, 504) or attempt == retries:
                raise StoreError(f"{what}: the store at {url} answered HTTP {error.code}") from None
            reason = f"HTTP {error.code}"
        except _RETRIABLE as error:
            reason = f"{type(error).__name__}: {error}"
            if attempt == retries:
                raise StoreError(
                    f"{what}: the store at {url} does not answer ({reason}) after {retries + 1} attempts; "
                    "is it running and reachable?"
                ) from None
        delay = 0.5 * 2**attempt
        log.warning("%s: %s; trying again in %.1f s", what, reason, delay)
        time.sleep(delay)
    raise AssertionError("unreachable")


def _status_message(what: str, url: str, response: httpx.Response) -> str:
    text = " ".join(response.text.split())[:300]
    hint = " (check HGKBP_STORE_USER and the password)" if response.status_code in (401, 403) else ""
    return f"{what}: the store at {url} answered HTTP {response.status_code}{hint}: {text}"
