"""Answers that never change between two builds: their ETag, and a small in-process cache.

An answer depends on the dataset version, the query (normalised: comments and runs of white space
do not count), the format, the protocol's dataset parameters and the base IRI; its ETag is

    W/"<first 16 hex digits of the dataset version>-<first 20 hex digits of the sha256 of the rest>"

so a new build or publication changes every ETag, and a proxy can tell the version from the ETag
alone (the same version as `dataset_version` in dist/manifest.json). Weak, because two servers
may order an unordered result differently: the answers are equivalent, not byte-equal.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass


def etag(version: str, query: str, fmt: str, dataset: tuple[tuple[str, ...], tuple[str, ...]] | None, base: str) -> str:
    """The ETag of an answer; `query` normalised (`lexer.normalise`)."""
    parts = [query, fmt, base]
    if dataset is not None:
        parts += ["default", *dataset[0], "named", *dataset[1]]
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()
    return f'W/"{version[:16]}-{digest[:20]}"'


@dataclass(frozen=True)
class Cached:
    body: bytes
    media_type: str
    truncated: bool


class AnswerCache:
    """The most recently used answers, at most `max_bytes` of them (an answer larger than an eighth
    of that is not kept). Keys are ETags, so answers of an older version are never served; they
    fall out as new ones come in."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, Cached] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Cached | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: str, answer: Cached) -> None:
        size = len(answer.body) + len(key)
        if size > self.max_bytes // 8:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self.size -= len(previous.body) + len(key)
            self._entries[key] = answer
            self.size += size
            while self.size > self.max_bytes:
                old_key, old = self._entries.popitem(last=False)
                self.size -= len(old.body) + len(old_key)

    def __len__(self) -> int:
        return len(self._entries)
