"""One small store interface with two implementations: embedded pyoxigraph (the default) and a
remote SPARQL 1.1 server. `open_store` picks one from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hgkbp_ld.store.base import (
    DESCRIBE,
    LABELS,
    VOCABULARY_GRAPH,
    Dataset,
    Row,
    Store,
    StoreError,
    read_manifest,
    to_oxigraph,
    to_rdflib,
)
from hgkbp_ld.store.embedded import EmbeddedStore
from hgkbp_ld.store.remote import Endpoint, Published, RemoteStore

if TYPE_CHECKING:
    from hgkbp_ld.settings import Settings

__all__ = [
    "DESCRIBE",
    "LABELS",
    "VOCABULARY_GRAPH",
    "Dataset",
    "EmbeddedStore",
    "Endpoint",
    "Published",
    "RemoteStore",
    "Row",
    "Store",
    "StoreError",
    "endpoint",
    "open_store",
    "read_manifest",
    "to_oxigraph",
    "to_rdflib",
]


def endpoint(settings: Settings) -> Endpoint:
    """The remote store of the settings (HGKBP_STORE and its companions)."""
    if not settings.store:
        raise StoreError("no remote store given: use --store URL or HGKBP_STORE")
    password = settings.store_password
    if password is None and settings.store_password_file is not None:
        try:
            password = settings.store_password_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise StoreError(
                f"cannot read the store's password file {settings.store_password_file}: {error.strerror}"
            ) from None
    return Endpoint(
        query=settings.store,
        update=settings.store_update or settings.store,
        graphs=settings.store_graphs,
        user=settings.store_user,
        password=password,
        auth=settings.store_auth,
        timeout=settings.store_timeout,
        retries=settings.store_retries,
    )


def open_store(settings: Settings) -> Store:
    """A new, empty store of the kind the settings ask for; `load` fills it."""
    if settings.store:
        return RemoteStore(endpoint(settings), chunk=settings.store_chunk)
    return EmbeddedStore(settings.stores)
