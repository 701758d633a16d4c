"""The rendered site in `dist/site/`: what the build's render stage writes and the server reads.

The build renders every representation once (`hgkbp_ld.render`); this module only knows how the
result lies on disk, so that the server (and nginx, see `hgkbp_ld.nginx`) can serve it without
rendering anything:

- `site/doc/{path}.{ext}`: every resource in every format (HTML, Turtle, JSON-LD, N-Triples,
  RDF/XML), past versions included (`doc/versie/...`);
- the documents: `index.html` (landing), `data/index.html`, `ns/beleidsplan.{ext}`,
  `doc/applicatieprofiel/beleidsplan.{ext}`; the published files under `data/`; `static/`;
- `ldes/{plan}.{ext}`, `ldes/{plan}/{n}.{ext}`: the event stream, its IRIs on the `ORIGIN`
  placeholder (the server puts in the host that was asked);
- `robots.txt`, `sitemap.xml` and (with many plans) `sitemaps/{name}.xml`, for crawlers;
- `404.html` (with a `{path}` placeholder) and `index.json`: path → file, media type, ETag, size, plus
  the data the dynamic routes need (the `/acties` rows, statistics, provenance, versions);
- `parts/{plan}.index.json`: a plan's own part of the index (its resources, event stream and versions),
  written by the process that rendered the plan and, for an unchanged plan, a hard link to the last
  build's; `index.json` names the parts (`parts`) and holds what plans share, and the entries of a
  plan's things that the last stage rendered again (they take the place of the part's);

- `packs/{plan}.pack` and `packs/site.pack`: the bytes of a plan's files (and of the rest) once more,
  one after the other (the index has each file's pack and offset), so that the server reads a few
  files at start, not thousands; an unchanged plan's pack is a hard link to the last build's, like
  its files.

Each file's modification time is the build's time plus the position of its format, and its ETag is
nginx's own (`"{mtime:x}-{size:x}"`): nginx serving the file and the server answering from the index
give the same validator, and two formats of one URL never share one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import shutil
from dataclasses import dataclass, field
from email.utils import formatdate
from functools import lru_cache
from pathlib import Path
from typing import IO, Protocol, runtime_checkable

from hgkbp_ld.linking import make_folder  # with the folders' mark, beside the linking of a plan's files
from hgkbp_ld.store.base import Dataset

SITE = "site"
CACHE = "build-cache"  # in dist/: what an incremental build takes from the last one (hgkbp_ld.incremental)
INDEX = "index.json"
FORMAT = 4  # of index.json; the server refuses another (4: each plan's part in parts/{plan}.index.json)
PARTS = "parts"  # in the site: each plan's part of the index
PART_SECTIONS = ("resources", "ldes", "versions")  # what a plan's part holds
ORIGIN = "http://hgkbp-origin.invalid"  # stands for the origin that was asked, in the event stream
EXTENSIONS = ("html", "ttl", "jsonld", "nt", "rdf")  # the formats' order: the file times' offsets


class SiteError(RuntimeError):
    """No rendered site, or one of another format: the message says what to do."""


@dataclass(frozen=True)
class Representation:
    body: bytes
    media_type: str
    etag: str
    last_modified: str = ""  # an HTTP date; empty for answers made per request

    @classmethod
    def built(cls, body: bytes, media_type: str) -> Representation:
        """`cls(body, media_type, "")`, a representation the build writes (its ETag is its file's), made
        without the frozen dataclass's `__init__` (an `object.__setattr__` call per field): a plan's
        pages make ~2,700 of them. The same fields, the same object."""
        made = _new_object(cls)
        _set_attribute(made, "__dict__", {"body": body, "media_type": media_type, "etag": "", "last_modified": ""})
        return made

    @classmethod
    def of(cls, body: bytes, media_type: str) -> Representation:
        """A representation made per request: a strong ETag from the body's hash."""
        return cls(body, media_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


_new_object = object.__new__
_set_attribute = object.__setattr__


class Packed(Representation):
    """A representation whose bytes stay in the site's pack, mapped into memory (`read_site`): the
    kernel reads them when they are asked, and they are not copied into the server's heap at start
    (~20 MB a plan). `body` is the bytes, each time a new `bytes` of them."""

    def __init__(self, view: memoryview, media_type: str, etag: str, last_modified: str = "") -> None:
        object.__setattr__(self, "view", view)
        object.__setattr__(self, "media_type", media_type)
        object.__setattr__(self, "etag", etag)
        object.__setattr__(self, "last_modified", last_modified)

    @property
    def body(self) -> bytes:  # type: ignore[override]
        return self.view.tobytes()


@dataclass(frozen=True)
class Resource:
    path: str  # e.g. actie/hgkbp-2025-2029/12 (after /id/ and /doc/)
    representations: dict[str, Representation]  # by extension


@dataclass(frozen=True)
class File:
    """A published file of the build (a dump, the vocabulary, the shapes), served from memory."""

    name: str
    representation: Representation
    last_modified: str  # an HTTP date


@dataclass(frozen=True)
class Site:
    """Everything the server says that does not depend on the request, read from `dist/site/`."""

    base: str
    dataset: Dataset
    resources: dict[str, Resource]  # /id/ and /doc/ paths
    documents: dict[str, Resource]  # "", "data/", "ns/beleidsplan", "doc/applicatieprofiel/beleidsplan"
    files: dict[str, File]  # /data/{name}
    static: dict[str, Representation]  # /static/{name}
    ldes: dict[str, Resource]  # "{plan}" and "{plan}/{n}", on the ORIGIN placeholder
    root: dict[str, Representation]  # robots.txt, sitemap.xml, sitemaps/{name}.xml
    not_found: bytes  # the 404 page, with a {path} placeholder
    provenance: list[dict[str, str]] = field(default_factory=list)
    statistics: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # graph -> classes/properties
    versions: dict[str, dict[int, str]] = field(default_factory=dict)  # resource path -> number -> member path
    actions: dict = field(default_factory=dict)  # the /acties rows and choices (web.browse reads them)
    meta: dict[str, dict[str, str]] = field(default_factory=dict)  # the head of /acties and /sparql
    rendered_seconds: float = 0.0


def file_name(key: str, extension: str) -> str:
    """Where a document or resource's representation lies in the site: "" → index.html, "data/" → data/index.html."""
    return f"{key}index.{extension}" if key == "" or key.endswith("/") else f"{key}.{extension}"


def part_name(slug: str) -> str:
    """Where a plan's part of the index lies in the site."""
    return f"{PARTS}/{slug}.index.json"


def write_part(folder: Path, slug: str, part: dict) -> None:
    """A plan's part of the site's index (`PART_SECTIONS`), into the site in `folder`."""
    path = folder / part_name(slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # never written through a link to the last build's
    path.write_text(json.dumps({s: part[s] for s in PART_SECTIONS}, ensure_ascii=False, sort_keys=True), "utf-8")


def read_part(folder: Path, slug: str) -> dict:
    """A plan's part of the index of the site in `folder`."""
    return json.loads((folder / part_name(slug)).read_bytes())


def etag(mtime: int, size: int) -> str:
    """nginx's ETag for a static file (ngx_http_set_etag): modification time and length in hex."""
    return f'"{mtime:x}-{size:x}"'


class Writer:
    """Writes a site's files; the index is written apart (`IndexWriter`), from the entries.

    A file whose bytes are those of the same file in the `previous` site (the one being replaced) is
    a hard link to it, with its time and so its ETag: a client's or nginx's cached copy of an
    unchanged page stays valid. A file is never written through a link: a path that exists (a link
    to the previous site) is unlinked first, so the published site is never changed.
    """

    def __init__(self, folder: Path, started: int, previous: Path | None = None, pack: str | None = None) -> None:
        self.folder = folder
        self.pack = pack  # the file (in the site) that holds every written body once more, for the server
        self._pack: _Pack | None = None
        self._packed = 0
        self.started = started  # seconds since the epoch: every new file's time is this plus its format's offset
        self.previous = previous.resolve() if previous is not None and previous.is_dir() else None
        self.linked = 0  # files taken from the previous site
        self.written = 0
        self._root = f"{folder}{os.sep}"  # file paths as strings: no Path object made per file
        self._old = f"{self.previous}{os.sep}" if self.previous is not None else None
        self._folders: set[str] = set()
        self._times: dict[str, tuple] = {}  # extension -> what its files share (`_time`)
        self.entries: dict[str, dict] = {
            "resources": {},
            "documents": {},
            "files": {},
            "static": {},
            "ldes": {},
            "root": {},  # robots.txt, sitemap.xml, sitemaps/…: by their path after "/"
        }
        make_folder(str(folder))
        if pack is not None:
            make_folder(os.path.dirname(f"{folder}{os.sep}{pack}"))
            self._pack = _Pack(folder / pack)

    def close(self) -> None:
        if self._pack is not None:
            self._pack.close()

    def _folder(self, path: str) -> None:
        """The folder of a file about to be written, made once per writer."""
        parent = path.rpartition("/")[0]  # os.path.dirname's answer (paths in "/"), for a tenth of its cost
        if parent not in self._folders:
            make_folder(parent)
            self._folders.add(parent)

    def write(self, relative: str, body: bytes, media_type: str, offset: int = 0) -> list:
        path = self._root + relative
        self._folder(path)
        mtime = self._link(relative, path, body) if self._old is not None else None
        if mtime is None:
            mtime = self.started + offset
            _create(path, body, (mtime, mtime))
            self.written += 1
        found = entry(relative, media_type, mtime, len(body))
        if self._pack is not None:  # the server reads a few packs at start, not thousands of files
            found += [self.pack, self._packed]
            self._pack.bodies.append(body)
            self._packed += len(body)
            self._pack.added(self._packed)
        return found

    def link(self, relative: str, source: Path, media_type: str) -> list:
        """A file the build wrote elsewhere in dist/ (a dump), linked in with its own time."""
        path = self.folder / relative
        self._folder(str(path))
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        try:
            os.link(source, path)
        except OSError:
            shutil.copy2(source, path)
        stat = path.stat()
        return entry(relative, media_type, int(stat.st_mtime), stat.st_size)

    def _link(self, relative: str, path: str, body: bytes) -> int | None:
        """The time of the previous site's file, linked here, if it holds these bytes; else None."""
        if self._old is None:
            return None
        old = self._old + relative
        try:
            stat = os.stat(old)
            if stat.st_size != len(body) or _read(old) != body:
                return None
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            os.link(old, path)
        except OSError:
            return None
        self.linked += 1
        return int(stat.st_mtime)

    def representations(self, section: str, key: str, prefix: str, bodies: dict[str, tuple[bytes, str]]) -> dict:
        """One resource or document: its representations by extension, as `{prefix}{key}.{ext}`. A new
        site's resource (no previous site to link from; a plan's ~700 pages) is written here, `write`'s
        work for each file done once for its formats: the folder, the path's stem, each format's time."""
        stem = f"{prefix}{key}"
        if self._old is not None or not stem or stem.endswith("/"):
            found = {
                extension: self.write(file_name(stem, extension), body, media_type, _offset(extension))
                for extension, (body, media_type) in bodies.items()
            }
        else:
            found = {}
            head = self._root + stem
            self._folder(head)
            pack, packed, name, times = self._pack, self._packed, self.pack, self._times
            for extension, (body, media_type) in bodies.items():
                suffix, modified, tag, both = times.get(extension) or self._time(extension)
                _create(head + suffix, body, both)
                size = len(body)
                if pack is None:
                    found[extension] = [stem + suffix, media_type, tag % size, modified, size]
                    continue
                found[extension] = [stem + suffix, media_type, tag % size, modified, size, name, packed]
                pack.bodies.append(body)
                packed += size
            self._packed = packed
            if pack is not None:
                pack.added(packed)
            self.written += len(found)
        self.entries[section][key] = found
        return found

    def _time(self, extension: str) -> tuple[str, str, str, tuple[int, int]]:
        """What a format's files share, worked out once: their name's end, the HTTP date of their time (the
        build's start plus the format's offset), their ETag with `%x` for the size (`etag`), their time as
        `os.utime` takes it."""
        mtime = self.started + _offset(extension)
        found = self._times[extension] = (f".{extension}", _http_date(mtime), f'"{mtime:x}-%x"', (mtime, mtime))
        return found

    def file(self, section: str, key: str, relative: str, body: bytes, media_type: str) -> None:
        self.entries[section][key] = self.write(relative, body, media_type)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _create(path: Path | str, body: bytes, times: tuple[int, int]) -> None:
    """A new file with `body` and modification time `times` (as `os.utime` takes it), in four system calls
    (each file system operation costs a journal write): created exclusively, so that a path that exists
    (perhaps a link to the previous site) is unlinked first and never written through; its time set
    through the open file, not looked up again by name. What does not change from file to file is worked out once
    (`_CREATE`, `_UTIME_FD`): a plan's render creates ~3,400 files."""
    try:
        handle = os.open(path, _CREATE, 0o666)
    except FileExistsError:
        os.unlink(path)
        handle = os.open(path, _CREATE, 0o666)
    try:
        written = os.write(handle, body)  # all of it, but for a signal or a full disk
        if written < len(body):
            view = memoryview(body)[written:]
            while view:
                view = view[os.write(handle, view) :]
        os.utime(handle if _UTIME_FD else path, times)
    finally:
        os.close(handle)


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


class _Pack:
    """A pack being written: the bodies added (`bodies`, appended to by the caller) are written
    in blocks of ~1 MiB by `flush`, each block by one `os.writev` of its bodies (at most `_BUFFERS` a
    call): one system call a block, not one a file, and the bodies not copied into a buffer first (a
    plan's pack is ~24 MB, its bodies ~3,400)."""

    def __init__(self, path: Path) -> None:
        self._handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o666)
        self.bodies: list[bytes] = []
        self.flushed = 0  # the bytes added before the bodies held (given by the caller: `flush`)

    def added(self, added: int) -> None:
        """`flush` once the bodies held come to `_BLOCK` bytes; `added`: the bytes added in all."""
        if added - self.flushed >= _BLOCK:
            self.flush(added)

    def flush(self, added: int) -> None:
        """Write the bodies held; `added`: the bytes added in all."""
        bodies, self.bodies, self.flushed = self.bodies, [], added
        for at in range(0, len(bodies), _BUFFERS):
            block = bodies[at : at + _BUFFERS]
            written = os.writev(self._handle, block) if _WRITEV else 0
            if written < sum(map(len, block)):  # cut short (a signal, a full disk): the rest written on
                view = memoryview(b"".join(block))[written:]
                while view:
                    view = view[os.write(self._handle, view) :]

    def close(self) -> None:
        try:
            self.flush(self.flushed + sum(map(len, self.bodies)))
        finally:
            os.close(self._handle)


_BLOCK = 1 << 20  # a pack's bodies written at once (`_Pack`)
_WRITEV = hasattr(os, "writev")  # (not on every system: there, a block joined and written)


def _buffers() -> int:
    """How many buffers one `os.writev` takes here (`SC_IOV_MAX`, 1,024 on Linux; 16 where it is not said)."""
    try:
        return max(16, min(1024, os.sysconf("SC_IOV_MAX")))
    except (AttributeError, ValueError, OSError):
        return 16


_BUFFERS = _buffers()
_UTIME_FD = os.utime in os.supports_fd


def entry(relative: str, media_type: str, mtime: int, size: int) -> list:
    """A file of the site as the index names it: path, media type, ETag, Last-Modified, size (and, for
    what a `Writer` with a pack wrote, the pack and the offset of the same bytes in it)."""
    return [relative, media_type, etag(mtime, size), _http_date(mtime), size]


@lru_cache(maxsize=64)
def _http_date(mtime: int) -> str:
    """An HTTP date; a build's files have a handful of times (its start plus each format's offset)."""
    return formatdate(mtime, usegmt=True)


@runtime_checkable
class Streamed(Protocol):
    """A value of the index's head that writes itself (as `json.dumps(value, ensure_ascii=False,
    sort_keys=True)` would), so that it is never held whole."""

    def write_json(self, out: IO[str]) -> None: ...


class IndexWriter:
    """`index.json`, written as its parts come: each section's members go to a file of their own and
    the index is put together at the end, so that no section is held whole in memory."""

    def __init__(self, folder: Path, sections: tuple[str, ...]) -> None:
        self.folder = folder
        self._parts: dict[str, tuple[Path, IO[str]]] = {}
        self._empty: set[str] = set(sections)
        for section in sections:
            path = folder / f".{INDEX}.{section}"
            self._parts[section] = (path, path.open("w", encoding="utf-8"))

    def add(self, section: str, key: str, value: object) -> None:
        separator = "" if section in self._empty else ","
        self._empty.discard(section)
        self._parts[section][1].write(separator + json.dumps(key) + ":" + json.dumps(value, ensure_ascii=False))

    def finish(self, head: dict) -> None:
        """Write index.json: `head` (whole values) and every section, then remove the parts."""
        for _path, handle in self._parts.values():
            handle.close()
        with (self.folder / INDEX).open("w", encoding="utf-8") as out:
            out.write("{")
            for number, (key, value) in enumerate(head.items()):
                out.write(("," if number else "") + json.dumps(key) + ":")
                if isinstance(value, Streamed):  # written as it is made, never whole in memory
                    value.write_json(out)
                else:
                    out.write(json.dumps(value, ensure_ascii=False, sort_keys=True))
            for number, (section, (path, _handle)) in enumerate(sorted(self._parts.items())):
                out.write(("," if head or number else "") + json.dumps(section) + ":{")
                with path.open(encoding="utf-8") as part:
                    shutil.copyfileobj(part, out)
                out.write("}")
                path.unlink()
            out.write("}")


def _offset(extension: str) -> int:
    return EXTENSIONS.index(extension) if extension in EXTENSIONS else 0


def read_site_index(folder: Path) -> dict:
    """The index of the site a build rendered into `folder` (dist/site)."""
    try:
        index = json.loads((folder / INDEX).read_bytes())
    except OSError as error:
        raise SiteError(
            f"no rendered site at {folder} ({error.strerror}); run 'hgkbp-ld build' (it renders the site)"
        ) from None
    except ValueError:
        raise SiteError(f"{folder / INDEX} is damaged; run 'hgkbp-ld build' again") from None
    if index.get("format") != FORMAT:
        raise SiteError(f"{folder} was rendered by another version of hgkbp-ld; run 'hgkbp-ld build' again")
    return index


def _mapped(path: Path) -> memoryview:
    """A pack's bytes, mapped read-only (a build never changes a pack: a new build writes new files,
    and an unlinked pack stays readable while it is mapped)."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return memoryview(b"")
        return memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))


def read_site(folder: Path) -> Site:
    """The site a build rendered into `folder` (dist/site): the index, each plan's part of it, and
    every file's bytes."""
    index = read_site_index(folder)
    whole: dict[str, dict] = {section: {} for section in PART_SECTIONS}
    for slug in index.get("parts", []):
        try:
            part = read_part(folder, slug)
        except (OSError, ValueError):
            raise SiteError(f"{folder / part_name(slug)} is missing or damaged; run 'hgkbp-ld build' again") from None
        for section in PART_SECTIONS:
            whole[section].update(part[section])
    for section in PART_SECTIONS:  # what plans share, and a plan's things the last stage rendered again
        whole[section].update(index[section])
    index.update(whole)

    packs: dict[str, memoryview] = {}

    def representation(entry: list) -> Representation:
        relative, media_type, tag, modified, size = entry[:5]
        if len(entry) > 5:  # the bytes are in a pack too, mapped (one file per plan, not one per page)
            pack, offset = entry[5], entry[6]
            if pack not in packs:
                packs[pack] = _mapped(folder / pack)
            return Packed(packs[pack][offset : offset + size], media_type, tag, modified)
        return Representation((folder / relative).read_bytes(), media_type, tag, modified)

    def resources(section: str) -> dict[str, Resource]:
        return {
            key: Resource(key, {extension: representation(e) for extension, e in entries.items()})
            for key, entries in index[section].items()
        }

    files = {}
    for name, entry in index["files"].items():
        found = representation(entry)
        files[name] = File(name, found, found.last_modified)
    dataset = Dataset(**index["dataset"])
    return Site(
        base=index["base"],
        dataset=dataset,
        resources=resources("resources"),
        documents=resources("documents"),
        files=files,
        static={name: representation(entry) for name, entry in index["static"].items()},
        ldes=resources("ldes"),
        root={name: representation(entry) for name, entry in index["root"].items()},
        not_found=(folder / "404.html").read_bytes(),
        provenance=index["provenance"],
        statistics=index["statistics"],
        versions={path: {int(n): member for n, member in found.items()} for path, found in index["versions"].items()},
        actions=index["actions"],
        meta=index["meta"],
        rendered_seconds=index["seconds"],
    )
