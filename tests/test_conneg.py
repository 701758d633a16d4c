"""The Accept parser and negotiation, as pure functions."""

from __future__ import annotations

import pytest

from hgkbp_ld.web.conneg import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, negotiate, parse_accept

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDFLIB = (
    "application/rdf+xml, text/rdf+xml, text/xml;q=0.9, text/turtle;q=0.9, application/n-triples;q=0.9, "
    "application/ld+json;q=0.9, application/n-quads;q=0.9, application/trig;q=0.9, text/n3;q=0.9, "
    "application/xml;q=0.8, */*;q=0.1"
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, HTML),
        ("", HTML),
        ("*/*", HTML),
        (FIREFOX, HTML),
        (CHROME, HTML),
        (SAFARI, HTML),
        ("text/turtle", TURTLE),
        ("application/ld+json", JSONLD),
        ("application/json", JSONLD),
        ("application/n-triples", NTRIPLES),
        ("application/rdf+xml", RDFXML),
        (RDFLIB, RDFXML),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", JSONLD),
        ("text/*", HTML),
        ("text/*;q=0.5, text/turtle", TURTLE),
        ("text/html;q=0, */*", TURTLE),
        ('text/turtle; charset="utf-8"; q=0.8, text/html; q=0.7', TURTLE),
        ('application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"', JSONLD),
        ("TEXT/TURTLE", TURTLE),
        ("text/turtle;q=abc, application/rdf+xml;q=0.5", RDFXML),
        ("garbage, text/turtle", TURTLE),
        (";;;,,,text/turtle;;", TURTLE),
        ("text/turtle;q=1.5", TURTLE),
        ("text/turtle;q=-1, application/n-triples", NTRIPLES),
    ],
)
def test_negotiate(header: str | None, expected: object) -> None:
    assert negotiate(header) is expected


@pytest.mark.parametrize("header", ["image/png", "text/turtle;q=0", "application/pdf, image/*", "*/*;q=0"])
def test_nothing_acceptable(header: str) -> None:
    assert negotiate(header) is None


def test_specific_range_wins_over_wildcard_regardless_of_order() -> None:
    assert negotiate("*/*;q=0.9, text/html;q=0.1") is TURTLE


def test_huge_headers_are_cut() -> None:
    header = "x/y;q=0.1," * 100_000 + "text/turtle"
    assert len(parse_accept(header)) <= 64
    assert negotiate(header) is None  # what the client wanted lies beyond the cut
