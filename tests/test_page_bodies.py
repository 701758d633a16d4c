"""A plan's pages as the Writer takes them (`Pages.current_bodies`, `past_bodies`: extension -> (body, media
type)) are its `Resource`s taken apart (`Pages.current`, `past`, `pages.bodies`): the same paths, bodies,
media types and formats in the same order (the order the Writer creates the files and fills the pack)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hgkbp_ld import iris
from hgkbp_ld.render import pages as pages_module
from hgkbp_ld.render import plan_site
from hgkbp_ld.render.plans import owner


def test_a_plans_pages_as_bodies_are_its_resources_taken_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.plan_cost import build
    from bench.synthetic import make_data

    real = plan_site.render_plan
    counted = {"current": 0, "past": 0}

    def checking(pages, histories, slug, graph, writer, things, cache, facts=None):
        things = list(things)
        for iri in things:
            if owner(iris.path_of(iri, pages.base) or iri) != slug:
                continue
            path, made = pages.current_bodies(iri, histories.entries.get(iri))
            resource = pages.current(iri, histories.entries.get(iri))
            assert path == resource.path
            assert list(made.items()) == list(pages_module.bodies(resource.representations).items()), path
            assert list(made)[-1] == "html"  # the RDF formats first, as `rdf_representations` made them
            counted["current"] += 1
        resources = list(pages.past(histories, slug))
        made_past = list(pages.past_bodies(histories, slug))
        assert [(r.path, list(pages_module.bodies(r.representations).items())) for r in resources] == [
            (path, list(made.items())) for path, made in made_past
        ]
        counted["past"] += len(made_past)
        return real(pages, histories, slug, graph, writer, things, cache, facts)

    monkeypatch.setattr(plan_site, "render_plan", checking)
    build(make_data(tmp_path / "x", 1), 1, tmp_path / "out")
    assert counted["current"] > 200 and counted["past"] > 200, counted


def test_a_resources_representations_are_made_of_its_bodies() -> None:
    made = {"ttl": (b"t", "text/turtle"), "html": (b"<p>", "text/html")}
    resource = pages_module.resource("actie/x/1", made)
    assert resource.path == "actie/x/1" and list(resource.representations) == ["ttl", "html"]
    assert pages_module.bodies(resource.representations) == made
    assert all(r.etag == "" and r.last_modified == "" for r in resource.representations.values())
