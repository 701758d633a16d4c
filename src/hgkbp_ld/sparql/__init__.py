"""Running SPARQL queries safely and fairly: read-only, no SERVICE, a row cap, a timeout that
really stops, limits per client, and cacheable answers.

- `lexer`: SPARQL's tokens, what a query is (`shape`), its normal form (`normalise`).
- `results`: a query job, its answer, and the writers of the protocol's formats.
- `service`: the `QueryService` interface that /sparql uses; `pool`: the embedded store's
  implementation (worker processes); the remote store (`hgkbp_ld.store.remote`) is the other.
- `fair`: per-client limits, the bounded queue and the fast lane, in front of any service.
- `cache`: ETags and the in-process answer cache.
- `rewrite`: the dataset rewriting that a remote store needs.
"""

from hgkbp_ld.sparql.cache import AnswerCache, Cached, etag
from hgkbp_ld.sparql.fair import Gate, Limits, Refused
from hgkbp_ld.sparql.lexer import Shape, normalise, shape
from hgkbp_ld.sparql.pool import PoolService, WorkerPool
from hgkbp_ld.sparql.results import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Answer,
    Job,
    boolean_answer,
    execute,
    graph_answer,
    solutions_answer,
)
from hgkbp_ld.sparql.service import QueryService, QueryTimeout

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "Answer",
    "AnswerCache",
    "Cached",
    "Gate",
    "Job",
    "Limits",
    "PoolService",
    "QueryService",
    "QueryTimeout",
    "Refused",
    "Shape",
    "WorkerPool",
    "boolean_answer",
    "etag",
    "execute",
    "graph_answer",
    "normalise",
    "shape",
    "solutions_answer",
]
