"""Which things plans share have a page of their own in the last stage: the subjects of the named graphs under
the site's `{base}/id/` that are no plan's own thing (`queries/resources-shared.rq`). Over the embedded store
its named graphs' subjects are filtered here as they come; a first build reads those of the plans' graphs as
its preload streams their dumps (`store.loading.Subjects`) and asks the store only the other graphs'."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection

from rdflib import URIRef

from hgkbp_ld import iris
from hgkbp_ld.render.plans import _PER_PLAN, owner
from hgkbp_ld.render.queries import query
from hgkbp_ld.store import EmbeddedStore, Store
from hgkbp_ld.store.base import Dataset
from hgkbp_ld.store.loading import Subjects, plan_graphs

__all__ = ["preloaded", "shared_subject", "shared_subjects", "shared_things"]


def shared_things(store: Store, base: str, slugs: list[str], known: Collection[str] | None = None) -> list[str]:
    """What plans share that has a page of its own (no plan's own thing), sorted (`known`: the named graphs'
    subjects `shared_subject` takes, if known (`preloaded`); else `shared_subjects` asks the store)."""
    found = shared_subjects(store, base) if known is None else known
    return sorted(i for i in found if "#" not in i and owner(iris.path_of(i, base) or i) not in slugs)


def preloaded(
    store: EmbeddedStore, seen: Subjects | None, plans: dict[str, dict] | None, dataset: Dataset
) -> set[str] | None:
    """The named graphs' subjects `shared_subjects` would find, if the preload read those of every plan's graph
    (`seen`; the manifest names the plans preloaded): theirs, and those of the other graphs (the catalogue,
    the vocabulary: small) asked of the store. None if not."""
    if seen is None or not seen.exact or plans != plan_graphs(dataset.manifest):
        return None
    found = set(seen.found)
    planned = {plan["graph"] for plan in plans.values()}
    for graph in sorted(set(dataset.graphs) - planned):
        for row in store.select(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"):
            if isinstance(row["s"], URIRef) and seen.keep(str(row["s"])):
                found.add(str(row["s"]))
    return found


def shared_subjects(store: Store, base: str) -> list[str]:
    """The subjects of the named graphs whose IRI starts with this site's things' ("{base}/id/") and is not a
    plan's own thing's (`shared_subject`): `queries/resources-shared.rq`, or over the embedded store its
    named graphs' subjects filtered here, as they come (the same IRIs: the query's REGEX is `own`'s)."""
    listed = getattr(store, "graph_subjects", None)
    if listed is None:
        prefix, own = _own(base)
        text = query("resources-shared").replace("?prefix", json.dumps(prefix)).replace("?own", json.dumps(own))
        return [str(r["s"]) for r in store.select(text)]
    shared = shared_subject(base)
    return [iri for iri in listed() if shared(iri)]


def shared_subject(base: str) -> Callable[[str], bool]:
    """Whether an IRI is one of this site's things' and not a plan's own thing's (`resources-shared.rq`'s filter)."""
    prefix, own = _own(base)
    mine = re.compile(own).search
    return lambda iri: iri.startswith(prefix) and mine(iri) is None


def _own(base: str) -> tuple[str, str]:
    """This site's things' prefix, and the pattern of a plan's own thing's IRI (`_PER_PLAN` but a plan)."""
    prefix = iris.thing(base, "")
    return prefix, f"^{prefix}({'|'.join(sorted(_PER_PLAN - {'beleidsplan'}))})/"
