"""What ``kg serve`` asks its graph: every query through kg's sandbox, a few at a time.

The server adds nothing to the sandbox of ``kg query`` (:mod:`kg.rdf.query`): the
same vetting (no ``SERVICE``, ``FROM``, ``LOAD`` or update), the same time limit, the
same engine as ``kg query`` on the same file (rdflib for a graph file, Oxigraph in a
process of its own for a store). On top it caps how many rows or triples an answer
may have, and how many queries run at once, so that a few heavy requests cannot take
every core and all the memory of the machine.

A store is opened for each query and closed after it, as :class:`kg.StoredGraph`
always does: between two queries the server holds no lock, so a ``kg build --store``
can update the store while it is served, and the next query sees the new data. While
the build writes, queries are refused with :class:`StoreBusyError` (HTTP 503).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from kg.errors import QueryError
from kg.graph import KnowledgeGraph, StoredGraph, open_graph
from kg.rdf.query import QueryResult
from kg.rdf.store import StoreBusyError

if TYPE_CHECKING:
    import anyio

__all__ = ["Backend", "ResultTooLargeError", "StoreBusyError"]

DEFAULT_TIMEOUT: Final = 10.0
DEFAULT_MAX_ROWS: Final = 10_000
DEFAULT_CONCURRENCY: Final = 4


class ResultTooLargeError(QueryError):
    """An answer has more rows (or triples) than the server sends."""


@dataclass
class Backend:
    """The graph a server answers from, with its limits.

    ``timeout`` bounds each query (seconds), ``max_rows`` the rows of a SELECT and
    the triples of a CONSTRUCT or DESCRIBE, ``concurrency`` how many queries are
    evaluated at once (more wait their turn).
    """

    graph: KnowledgeGraph | StoredGraph
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    concurrency: int = DEFAULT_CONCURRENCY

    def __post_init__(self) -> None:
        self._limiter: anyio.CapacityLimiter | None = None  # made in the event loop

    @classmethod
    def open(cls, path: str | os.PathLike[str], **limits: float) -> Backend:
        """A graph file (read into memory once) or a store directory (read per query)."""
        return cls(open_graph(path), **limits)  # type: ignore[arg-type]

    @property
    def is_store(self) -> bool:
        return isinstance(self.graph, StoredGraph)

    def query(self, sparql: str) -> QueryResult:
        """Run ``sparql`` in kg's sandbox, and refuse an answer larger than the cap."""
        result = self.graph.query(sparql, timeout=self.timeout)
        size = len(result.rows) if result.kind == "select" else len(result.graph or ())
        if size > self.max_rows:
            unit = "rows" if result.kind == "select" else "triples"
            raise ResultTooLargeError(
                f"the answer has {size} {unit}, more than this server sends ({self.max_rows}): "
                "add a LIMIT, or page with LIMIT and OFFSET"
            )
        return result

    async def aquery(self, sparql: str) -> QueryResult:
        """:meth:`query` in a worker thread, at most ``concurrency`` at a time."""
        import anyio.to_thread

        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.concurrency)
        return await anyio.to_thread.run_sync(self.query, sparql, limiter=self._limiter)
