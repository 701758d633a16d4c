"""Findable (issue 19): robots.txt says what is meant, the sitemap holds every /doc/ page of the build
and nothing that fails, every page has a description, a canonical address and sharing cards."""

from __future__ import annotations

import re
import urllib.robotparser
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import DCTERMS

from hgkbp_ld.render.findable import SITEMAP_URLS, Entry, first_sentences, sitemaps
from tests.conftest import Server

BASE = "https://data.vlaanderen.be"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def robots(server: Server) -> urllib.robotparser.RobotFileParser:
    response = httpx.get(f"{server.url}/robots.txt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    parser = urllib.robotparser.RobotFileParser(f"{BASE}/robots.txt")
    parser.parse(response.text.splitlines())
    return parser


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/doc/actie/hgkbp-2025-2029/12",
        "/doc/actie/hgkbp-2025-2029/12.ttl",
        "/id/actie/hgkbp-2025-2029/12",
        "/doc/beleidsplan/hgkbp-2025-2029",
        "/doc/versie/hgkbp-2025-2029/1/actie/hgkbp-2025-2029/12",
        "/data/",
        "/data/hgkbp-2025-2029.ttl",
        "/catalog.ttl",
        "/ns/beleidsplan",
        "/ldes/hgkbp-2025-2029",
        "/acties",
        "/sparql",
        "/sitemap.xml",
    ],
)
def test_robots_lets_crawlers_read_pages_and_dumps(robots: urllib.robotparser.RobotFileParser, path: str) -> None:
    assert robots.can_fetch("Googlebot", BASE + path)
    assert robots.can_fetch("*", BASE + path)


@pytest.mark.parametrize(
    "path",
    [
        "/acties?q=onderwijs",
        "/acties?doelstelling=HD3&q=toegankelijk",
        "/acties?bevoegdheid=wonen&samen-met=werk",
        "/acties?jaar=2027",
        "/acties?plan=hgkbp-2025-2029",
        "/sparql?query=SELECT+*+WHERE+%7B%3Fs+%3Fp+%3Fo%7D",
        "/sparql/?query=ASK+%7B%7D",
        "/sparql?default-graph-uri=x&query=ASK+%7B%7D",
        "/health",
    ],
)
def test_robots_keeps_crawlers_off_queries(robots: urllib.robotparser.RobotFileParser, path: str) -> None:
    assert not robots.can_fetch("Googlebot", BASE + path)


def test_robots_closes_every_filter_of_the_actions_form(server: Server, robots) -> None:
    form = httpx.get(f"{server.url}/acties").text
    names = set(re.findall(r'<(?:input|select)[^>]*\bname="([^"]+)"', form))
    assert {"q", "doelstelling", "bevoegdheid", "minister", "rol", "jaar"} <= names
    for name in names:
        assert not robots.can_fetch("*", f"{BASE}/acties?{name}=x"), name
    assert robots.site_maps() == [f"{BASE}/sitemap.xml"]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: set[str] = set()
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "href" in a:
            self.links.add(a["href"])
        elif tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("name") or a["property"]] = a.get("content", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical.append(a["href"])


def _parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def sitemap(server: Server) -> dict[str, str]:
    """The sitemap's URLs with their lastmod (following a sitemap index if there is one)."""
    response = httpx.get(f"{server.url}/sitemap.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    documents = [root]
    if root.tag == f"{{{NS['sm']}}}sitemapindex":
        documents = [
            ET.fromstring(httpx.get(server.url + urlsplit(loc.text or "").path).content)
            for loc in root.findall("sm:sitemap/sm:loc", NS)
        ]
    found = {}
    for document in documents:
        for url in document.findall("sm:url", NS):
            found[url.findtext("sm:loc", "", NS)] = url.findtext("sm:lastmod", "", NS)
    return found


def test_every_doc_page_of_the_build_is_in_the_sitemap(dist: Path, sitemap: dict[str, str]) -> None:
    store = ox.Store()
    for dump in [*dist.glob("*.nt"), dist / "catalogus.ttl"]:
        store.load(path=str(dump), format=ox.RdfFormat.from_extension(dump.suffix[1:]))
    things = {  # what the build describes: its subjects (a licence it only names is not its page)
        q.subject.value
        for q in store.quads_for_pattern(None, None, None)
        if isinstance(q.subject, ox.NamedNode)
        and q.subject.value.startswith(f"{BASE}/id/")
        and "#" not in q.subject.value
    }
    wanted = {f"{BASE}/doc/{iri.removeprefix(f'{BASE}/id/')}" for iri in things}
    assert len(wanted) > 300
    assert wanted - set(sitemap) == set()
    others = {loc for loc in sitemap if loc.startswith(f"{BASE}/doc/")} - wanted
    assert {loc.split("/")[4] for loc in others} <= {"versie", "applicatieprofiel"}  # past states, the profile
    assert f"{BASE}/doc/versie/hgkbp-2025-2029/1/actie/hgkbp-2025-2029/12" in sitemap
    for path in ("/", "/acties", "/sparql", "/data/", "/ns/beleidsplan", "/doc/applicatieprofiel/beleidsplan"):
        assert BASE + path in sitemap


def test_every_page_linked_from_the_site_is_in_the_sitemap(server: Server, sitemap: dict[str, str]) -> None:
    """A crawl from the landing page along every /doc/ link: what a crawler finds, the sitemap lists."""
    seen, queue = set(), ["/"]
    client = httpx.Client(base_url=server.url, headers={"Accept": "text/html"})
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        page = _parsed(client.get(path).text)
        for href in page.links:
            target = urlsplit(urljoin(path, href))
            suffix = target.path.rsplit(".", 1)[-1] if "." in target.path.rsplit("/", 1)[-1] else ""
            if not target.netloc and target.path.startswith("/doc/") and not target.query and not suffix:
                queue.append(target.path)  # pages, not their other formats (.ttl, .html, …)
    client.close()
    assert len(seen) > 100
    missing = {p for p in seen if BASE + p not in sitemap}
    assert missing == set()


def test_every_sitemap_url_answers_200_with_its_own_canonical_address(server: Server, sitemap: dict[str, str]) -> None:
    with httpx.Client(base_url=server.url, headers={"Accept": "text/html"}) as client:
        for loc in sitemap:
            assert loc.startswith(f"{BASE}/"), loc
            response = client.get(loc.removeprefix(BASE))
            assert response.status_code == 200, loc
            page = _parsed(response.text)
            assert page.canonical == [loc], loc
            assert page.meta.get("description"), loc


def test_lastmod_comes_from_the_version_history(dist: Path, sitemap: dict[str, str]) -> None:
    import json

    manifest = json.loads((dist / "manifest.json").read_text())
    times = {v["timestamp"][:19] for vs in manifest["versions"].values() for v in vs}
    stamps = {lastmod[:19] for lastmod in sitemap.values()}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s + "Z") for s in stamps)
    assert sitemap[f"{BASE}/doc/actie/hgkbp-2025-2029/12"][:19] in times


PAGES = {
    "/doc/actie/hgkbp-2025-2029/12": "Het is belangrijk om het verschil tussen grensoverschrijdend gedrag",
    "/doc/doelstelling/hgkbp-2025-2029/HD2": "HD 2 van het Horizontaal Gelijkekansenbeleidsplan 2025-2029: We bestrijden",
    "/doc/mandataris/caroline-gennez-2026-06": "Bevoegdheden: Armoedebestrijding, Cultuur, Gelijke Kansen, Welzijn",
    "/doc/beleidsplan/hgkbp-2025-2029": "7 horizontale doelstellingen, 26 operationele doelstellingen",
    "/acties": "Alle acties",
    "/": "linked open data",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_pages_say_what_they_are_about(server: Server, path: str) -> None:
    page = _parsed(httpx.get(server.url + path, headers={"Accept": "text/html"}).text)
    description = page.meta["description"]
    assert PAGES[path] in description
    assert 20 <= len(description) <= 220
    assert page.meta["og:description"] == page.meta["twitter:description"] == description
    assert page.meta["og:title"] and page.meta["twitter:card"] == "summary"
    assert page.canonical == [BASE + (path if path != "/" else "/")]


@pytest.mark.parametrize("suffix", [".html", ""])
def test_suffix_forms_name_the_doc_page_as_canonical(server: Server, suffix: str) -> None:
    html = httpx.get(f"{server.url}/doc/actie/hgkbp-2025-2029/12{suffix}", headers={"Accept": "text/html"}).text
    assert _parsed(html).canonical == [f"{BASE}/doc/actie/hgkbp-2025-2029/12"]
    thing = httpx.get(f"{server.url}/id/actie/hgkbp-2025-2029/12", headers={"Accept": "text/html"})
    assert thing.status_code == 303


def test_the_favicon_is_ours(server: Server) -> None:
    html = httpx.get(server.url + "/").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    icon = httpx.get(server.url + "/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert httpx.get(server.url + "/favicon.ico", follow_redirects=True).content == icon.content


def test_a_sitemap_index_once_there_are_many_plans() -> None:
    from datetime import UTC, datetime

    moment = datetime(2026, 1, 1, tzinfo=UTC)
    one = [Entry(f"{BASE}/doc/actie/a/{n}", moment, "a") for n in range(3)]
    assert list(sitemaps([*one, Entry(f"{BASE}/", moment, "algemeen")], BASE)) == ["sitemap.xml"]
    two = [*one, Entry(f"{BASE}/doc/actie/b/1", moment, "b"), Entry(f"{BASE}/", moment, "algemeen")]
    files = sitemaps(two, BASE)
    assert set(files) == {"sitemap.xml", "sitemaps/a.xml", "sitemaps/b.xml", "sitemaps/algemeen.xml"}
    index = ET.fromstring(files["sitemap.xml"])
    assert [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)] == [
        f"{BASE}/sitemaps/a.xml",
        f"{BASE}/sitemaps/algemeen.xml",
        f"{BASE}/sitemaps/b.xml",
    ]
    many = [Entry(f"{BASE}/doc/x/a/{n}", moment, "a") for n in range(SITEMAP_URLS + 1)]
    assert set(sitemaps(many, BASE)) == {"sitemap.xml", "sitemaps/a.xml", "sitemaps/a-2.xml"}


def test_descriptions_are_whole_sentences_when_they_fit() -> None:
    assert first_sentences("Eén. Twee is langer. Drie.", 20) == "Eén. Twee is langer."
    assert first_sentences("Een zin zonder einde die veel te lang is", 20) == "Een zin zonder…"


def test_the_build_writes_them_into_the_site(dist: Path) -> None:
    site = dist / "site"
    assert "Sitemap: https://data.vlaanderen.be/sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")
    assert ET.parse(site / "sitemap.xml").getroot().tag == f"{{{NS['sm']}}}urlset"
    assert (site / "static" / "favicon.svg").read_bytes().startswith(b"<svg")


def test_nginx_serves_them_as_files(dist: Path, tmp_path: Path) -> None:
    import shutil
    import tempfile

    from tests.conftest import free_port
    from tests.test_nginx import Nginx

    # nginx's workers run as another user: pytest's own folders (mode 0700) are closed to them.
    readable = Path(tempfile.mkdtemp(prefix="hgkbp-findable-"))
    readable.chmod(0o755)
    shutil.copytree(dist, readable / "dist", symlinks=True)
    nginx = Nginx.start(readable / "dist", f"http://127.0.0.1:{free_port()}", tmp_path / "nginx")  # no upstream
    try:
        robots = httpx.get(f"{nginx.url}/robots.txt")
        assert robots.status_code == 200 and robots.headers["content-type"] == "text/plain; charset=utf-8"
        assert robots.content == (dist / "site" / "robots.txt").read_bytes() and robots.headers["server"] == "nginx"
        sitemap = httpx.get(f"{nginx.url}/sitemap.xml")
        assert sitemap.status_code == 200 and sitemap.headers["content-type"].startswith("application/xml")
        icon = httpx.get(f"{nginx.url}/favicon.ico")
        assert icon.status_code == 301 and icon.headers["location"].endswith("/static/favicon.svg")
        assert httpx.get(f"{nginx.url}/static/favicon.svg").headers["content-type"] == "image/svg+xml"
    finally:
        nginx.stop()
        shutil.rmtree(readable)


def test_text_in_another_language_says_so(server: Server, dist: Path) -> None:
    """A literal tagged @en in the data is marked lang="en" on its Dutch page; Dutch text is not marked."""
    html = httpx.get(f"{server.url}/doc/dataservice/hgkbp-ld-sparql").text
    assert re.search(r'<html lang="nl">', html)
    english = Graph().parse(dist / "catalogus.ttl")
    titles = [str(o) for o in english.objects(None, DCTERMS.title) if getattr(o, "language", None) == "en"]
    assert titles, "the catalogue names a standard in English"
    assert any(re.search(rf'lang="en">{re.escape(t)}<', html) for t in titles)
    goal = httpx.get(f"{server.url}/doc/doelstelling/hgkbp-2025-2029/HD7").text
    assert "Bijdrage van HD 7 aan SDG 5.1" in goal and 'lang="en">Bijdrage' not in goal  # Dutch labels
    action = httpx.get(f"{server.url}/doc/actie/hgkbp-2025-2029/12").text
    assert 'lang="en"' not in action  # all Dutch: nothing to mark
