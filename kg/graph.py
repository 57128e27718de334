"""The KnowledgeGraph: an rdflib graph with the few things people do with it.

It is a thin handle: the graph itself is ``.graph``, a plain ``rdflib.Graph`` that
any rdflib code can use; the methods call the functions of :mod:`kg.query`,
:mod:`kg.stats`, :mod:`kg.export` and :mod:`kg.view`, which take a graph too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from kg.errors import GraphFileError

if TYPE_CHECKING:
    import networkx as nx

    from kg.query import QueryResult
    from kg.stats import GraphStats

__all__ = ["KnowledgeGraph", "load"]

_RDF_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".xml": "xml",
    ".n3": "n3",
    ".nq": "nquads",
}


class KnowledgeGraph:
    """A knowledge graph built by :func:`kg.build` or read by :func:`kg.load`."""

    def __init__(self, graph: Graph | None = None) -> None:
        from kg.triples import new_graph

        self.graph: Graph = graph if graph is not None else new_graph()

    def __len__(self) -> int:
        return len(self.graph)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph with {len(self.graph)} triples>"

    def query(self, sparql: str, *, timeout: float | None = 30.0) -> QueryResult:
        """Run SPARQL in kg's sandbox: no network, no files, no updates (see :mod:`kg.query`)."""
        from kg.query import query

        return query(self.graph, sparql, timeout=timeout)

    def to_networkx(self) -> nx.MultiDiGraph:
        """Entities as nodes, relations as keyed edges."""
        from kg.stats import to_networkx

        return to_networkx(self.graph)

    def stats(self) -> GraphStats:
        from kg.stats import graph_stats

        return graph_stats(self.graph)

    def to_html(
        self, path: str | os.PathLike[str] | None = None, *, title: str = "Knowledge graph"
    ) -> str:
        """The interactive offline HTML view; written atomically to ``path`` when given."""
        from kg.io import atomic_write
        from kg.view import to_html

        html = to_html(self.graph, title=title)
        if path is not None:
            atomic_write(path, html)
        return html

    def serialize(
        self, path: str | os.PathLike[str] | None = None, *, format: str | None = None
    ) -> bytes:
        """The graph in one format (Turtle by default, or from ``path``'s suffix).

        With ``path``, the file is written atomically (see :func:`kg.io.atomic_write`).
        """
        from kg.export import format_for_path, serialize
        from kg.io import atomic_write

        fmt = format or (format_for_path(path) if path is not None else "ttl")
        data = serialize(self.graph, fmt)
        if path is not None:
            atomic_write(path, data)
        return data


def load(path: str | os.PathLike[str]) -> KnowledgeGraph:
    """Read a graph file written by kg (or any RDF file); the format comes from the suffix."""
    from kg.triples import new_graph

    source = Path(path)
    fmt = _RDF_FORMATS.get(source.suffix.lower(), "turtle")
    graph = new_graph()
    try:
        graph.parse(source, format=fmt)
    except FileNotFoundError:
        raise GraphFileError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GraphFileError(f"{source}: cannot read: {exc}") from None
    except Exception as exc:  # every rdflib parser raises its own types
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GraphFileError(f"{source}: not valid {fmt}: {message}") from None
    return KnowledgeGraph(graph)
