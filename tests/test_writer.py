"""`published.Writer`'s files: new ones with the build's time, unchanged ones linked from the previous
site with theirs, every body once more in the pack at the offset its entry names."""

from __future__ import annotations

import array
import fcntl
import os
from email.utils import formatdate
from pathlib import Path

import pytest

from hgkbp_ld import linking, published
from hgkbp_ld.published import Writer, etag


def test_files_links_and_the_pack(tmp_path: Path) -> None:
    previous, site = tmp_path / "previous", tmp_path / "site"
    (previous / "doc" / "x").mkdir(parents=True)
    (previous / "doc" / "x" / "same.html").write_bytes(b"unchanged")
    (previous / "doc" / "x" / "other.html").write_bytes(b"old bytes")
    os.utime(previous / "doc" / "x" / "same.html", (1_600_000_000, 1_600_000_000))
    writer = Writer(site, 1_700_000_000, previous, pack="packs/p.pack")
    bodies = {
        "doc/x/same.html": b"unchanged",
        "doc/x/other.html": b"new bytes, longer",
        "doc/y/z/deep.ttl": "ünïcode\n".encode(),
        "top.txt": b"",
    }
    found = {relative: writer.write(relative, body, "text/plain", offset=2) for relative, body in bodies.items()}
    writer.close()
    assert (writer.linked, writer.written) == (1, 3)
    same = site / "doc" / "x" / "same.html"
    assert same.stat().st_ino == (previous / "doc" / "x" / "same.html").stat().st_ino  # a hard link
    assert found["doc/x/same.html"][2:4] == [etag(1_600_000_000, 9), formatdate(1_600_000_000, usegmt=True)]
    assert (previous / "doc" / "x" / "other.html").read_bytes() == b"old bytes"  # never written through
    pack = (site / "packs" / "p.pack").read_bytes()
    for relative, body in bodies.items():
        assert (site / relative).read_bytes() == body
        name, media, tag, date, size, pack_name, offset = found[relative]
        assert (name, media, size, pack_name) == (relative, "text/plain", len(body), "packs/p.pack")
        assert pack[offset : offset + size] == body
        if relative != "doc/x/same.html":
            assert int((site / relative).stat().st_mtime) == 1_700_000_002
            assert (tag, date) == (etag(1_700_000_002, len(body)), formatdate(1_700_000_002, usegmt=True))
    assert len(pack) == sum(len(body) for body in bodies.values())


def _flags(folder: Path) -> int | None:
    """The folder's inode flags (`lsattr`), None where the file system has none (tmpfs)."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(handle, linking._GETFLAGS, flags, True)
        return flags[0]
    except OSError:
        return None
    finally:
        os.close(handle)


def _keeps_topdir(folder: Path) -> bool:
    """Whether the file system keeps FS_TOPDIR_FL on a folder (ext4 does; tmpfs has inode flags since
    Linux 6.0, but not this one): tried on a new folder of the test's own."""
    folder.mkdir()
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(handle, linking._GETFLAGS, flags, True)
        flags[0] |= linking._TOPDIR
        fcntl.ioctl(handle, linking._SETFLAGS, flags, True)
    except OSError:
        return False
    finally:
        os.close(handle)
    return bool((_flags(folder) or 0) & linking._TOPDIR)


def test_the_folders_a_writer_makes_are_tops_of_a_hierarchy(tmp_path: Path) -> None:
    """Each folder the writer makes is marked FS_TOPDIR_FL (`chattr +T`) where the file system keeps the
    flag, so that ext4 spreads the site's folders over block groups with free inodes; a folder it did
    not make is left as it was; on a file system without flags nothing fails."""
    (tmp_path / "mine").mkdir()
    before = _flags(tmp_path / "mine")
    writer = Writer(tmp_path / "site", 1_700_000_000, pack="packs/p.pack")
    writer.write("doc/actie/p/1.html", b"page", "text/html")
    writer.write("doc/actie/p/2.html", b"page", "text/html")
    writer.close()
    made = [tmp_path / "site", tmp_path / "site" / "packs", *(tmp_path / "site" / "doc" / "actie" / "p").parents][:5]
    assert (tmp_path / "site" / "doc" / "actie" / "p" / "2.html").read_bytes() == b"page"
    if before is None or not _keeps_topdir(tmp_path / "probe"):  # no such flag here: the folders are made all the same
        assert all(folder.is_dir() for folder in made)
        assert _flags(tmp_path / "mine") == before
        return
    for folder in made:
        assert _flags(folder) & linking._TOPDIR, folder  # type: ignore[operator]
    assert _flags(tmp_path / "mine") == before
    assert not _flags(tmp_path) & linking._TOPDIR  # type: ignore[operator]


def test_a_file_where_a_folder_must_be_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "site" / "doc").mkdir(parents=True)
    (tmp_path / "site" / "doc" / "actie").write_bytes(b"not a folder")
    writer = Writer(tmp_path / "site", 1_700_000_000)
    with pytest.raises(FileExistsError):
        writer.write("doc/actie/p/1.html", b"page", "text/html")


def test_a_file_written_in_parts_is_whole_and_has_its_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`_create` writes a body in one call, and goes on where a write stopped short (a signal, a full disk)."""
    write = os.write
    sizes: list[int] = []

    def short(handle: int, data: bytes | memoryview) -> int:
        sizes.append(len(data))
        return write(handle, bytes(data)[:1000])

    monkeypatch.setattr(os, "write", short)
    body = bytes(range(256)) * 10
    published._create(str(tmp_path / "x.html"), body, (1_767_225_603, 1_767_225_603))
    assert (tmp_path / "x.html").read_bytes() == body
    assert sizes == [2560, 1560, 560]
    assert int((tmp_path / "x.html").stat().st_mtime) == 1_767_225_603


def test_a_writer_makes_each_folder_once_however_deep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []  # the folders the writer asks for (not those make_folder makes for them)
    make = published.make_folder
    depth = [0]

    def counted(path: str) -> None:
        if not depth[0]:
            made.append(path)
        depth[0] += 1
        try:
            make(path)
        finally:
            depth[0] -= 1

    monkeypatch.setattr(published, "make_folder", counted)
    writer = Writer(tmp_path / "site", 1_767_225_600)
    made.clear()  # the site's own folder
    for key in ("actie/p/1", "actie/p/2", "doel/p/1", "actie/p/3"):
        writer.representations("resources", key, "doc/", {"html": (b"<p>", "text/html"), "nt": (b"", "x")})
    writer.file("root", "robots.txt", "robots.txt", b"User-agent: *\n", "text/plain")
    assert made == [str(tmp_path / "site/doc/actie/p"), str(tmp_path / "site/doc/doel/p"), str(tmp_path / "site")]
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_dir()) == [
        "site", "site/doc", "site/doc/actie", "site/doc/actie/p", "site/doc/doel", "site/doc/doel/p",
    ]  # fmt: skip
    assert sorted(p.name for p in (tmp_path / "site/doc/actie/p").iterdir()) == [
        "1.html", "1.nt", "2.html", "2.nt", "3.html", "3.nt",
    ]  # fmt: skip


@pytest.mark.parametrize("pack", [None, "packs/p.pack"])
def test_a_new_sites_resources_are_written_as_file_by_file(tmp_path: Path, pack: str | None) -> None:
    """`representations` of a new site (no previous one) writes each resource's formats itself (one folder,
    one stem, each format's time worked out once): the files, times, entries and pack of `write`'s way."""
    resources = {
        "actie/p/1": {"html": (b"<p>1</p>", "text/html"), "ttl": ("ünï\n".encode(), "text/turtle")},
        "actie/p/2": {"ttl": (b"", "text/turtle"), "nt": (b"x" * 70_000, "application/n-triples")},
        "doel/q/deep/3": {"rdf": (b"<rdf/>", "application/rdf+xml"), "odd": (b"?", "text/plain")},
        "": {"html": (b"landing", "text/html")},  # a document: index.html, as `file_name` names it
        "data/": {"html": (b"data", "text/html")},
    }
    sites = {}
    for way in ("resources", "files"):
        site = tmp_path / way
        writer = Writer(site, 1_700_000_000, None, pack=pack)
        for key, bodies in resources.items():
            if way == "resources":
                writer.representations("resources", key, "doc/" if key[:1].isalpha() else "", bodies)
                continue
            prefix = "doc/" if key[:1].isalpha() else ""
            writer.entries["resources"][key] = {
                extension: writer.write(
                    published.file_name(f"{prefix}{key}", extension), body, media, published._offset(extension)
                )
                for extension, (body, media) in bodies.items()
            }
        writer.close()
        files = {
            str(path.relative_to(site)): (path.read_bytes(), int(path.stat().st_mtime))
            for path in sorted(site.rglob("*"))
            if path.is_file()
        }
        sites[way] = (writer.entries, writer.written, files)
    assert sites["resources"] == sites["files"]
    assert sites["resources"][1] == 8


@pytest.mark.parametrize("short", [False, True])
def test_a_pack_of_many_blocks_holds_every_body_at_its_entrys_offset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short: bool
) -> None:
    """A pack is written in blocks (`_Pack.flush`: ~1 MiB, at most `_BUFFERS` bodies an `os.writev`), from
    `representations` and from `write`: every body at the offset and of the size its entry names, once,
    in the order written; a `writev` cut short (a signal, a full disk) is gone on with."""
    monkeypatch.setattr(published, "_BLOCK", 5_000)
    monkeypatch.setattr(published, "_BUFFERS", 3)
    calls: list[int] = []
    writev = os.writev

    def cut(handle: int, buffers: list[bytes]) -> int:
        calls.append(len(buffers))
        if short and len(buffers) > 1:
            return os.write(handle, b"".join(buffers)[:7])
        return writev(handle, buffers)

    monkeypatch.setattr(os, "writev", cut)
    writer = Writer(tmp_path / "site", 1_700_000_000, None, pack="packs/p.pack")
    bodies: list[bytes] = []
    for n in range(40):
        made = {ext: (f"{ext} {n} ".encode() * (n * 7 % 300 + 1), "text/plain") for ext in ("html", "ttl", "nt")}
        bodies += [body for body, _media in made.values()]
        writer.representations("resources", f"actie/p/{n}", "doc/", made)
        if n % 9 == 0:  # a file of its own (`write`) between the resources
            body = bytes([n]) * 3_000
            bodies.append(body)
            writer.file("files", f"f{n}", f"data/f{n}.bin", body, "application/octet-stream")
    writer.close()
    pack = (tmp_path / "site/packs/p.pack").read_bytes()
    assert pack == b"".join(bodies)
    entries = [e for by_ext in writer.entries["resources"].values() for e in by_ext.values()]
    entries += list(writer.entries["files"].values())
    assert len(entries) == len(bodies)
    for relative, _media, _tag, _modified, size, name, offset in entries:
        assert name == "packs/p.pack" and pack[offset : offset + size] == (tmp_path / "site" / relative).read_bytes()
    assert len(calls) > 10 and max(calls) <= 3


def test_a_pack_is_whole_where_there_is_no_writev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without `os.writev` (`_WRITEV` False) a pack's blocks are joined and written: the same bytes."""
    monkeypatch.setattr(published, "_BLOCK", 1_000)
    monkeypatch.setattr(published, "_WRITEV", False)
    writer = Writer(tmp_path / "site", 1_700_000_000, None, pack="packs/p.pack")
    bodies = [f"{n} ".encode() * (n * 13 % 200 + 1) for n in range(60)]
    for n, body in enumerate(bodies):
        writer.representations("resources", f"actie/p/{n}", "doc/", {"nt": (body, "application/n-triples")})
    writer.close()
    assert (tmp_path / "site/packs/p.pack").read_bytes() == b"".join(bodies)
