"""`published.Writer`'s files: new ones with the build's time, unchanged ones linked from the previous
site with theirs, every body once more in the pack at the offset its entry names."""

from __future__ import annotations

import os
from email.utils import formatdate
from pathlib import Path

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
