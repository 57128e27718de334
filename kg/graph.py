"""The KnowledgeGraph: an rdflib graph with the few things people do with it.

It is a thin handle: the graph itself is ``.graph``, a plain ``rdflib.Graph`` that
any rdflib code can use; the methods call the functions of :mod:`kg.rdf.query`,
:mod:`kg.analysis.stats`, :mod:`kg.rdf.export` and :mod:`kg.view.html`, which take a graph too.

:func:`load` reads the one file it is given and nothing else: a graph file is as
untrusted as a query (``kg query downloaded.jsonld …``), and rdflib's JSON-LD parser
would otherwise fetch every context the file names by IRI, over the network or from
the local disk.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from kg.errors import GraphFileError

if TYPE_CHECKING:
    import networkx as nx

    from kg.analysis.stats import GraphStats
    from kg.rdf.query import QueryResult

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
        from kg.rdf.triples import new_graph

        self.graph: Graph = graph if graph is not None else new_graph()

    def __len__(self) -> int:
        return len(self.graph)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph with {len(self.graph)} triples>"

    def query(self, sparql: str, *, timeout: float | None = 30.0) -> QueryResult:
        """Run SPARQL in kg's sandbox: no network, no files, no updates (:mod:`kg.rdf.query`)."""
        from kg.rdf.query import query

        return query(self.graph, sparql, timeout=timeout)

    def to_networkx(self) -> nx.MultiDiGraph:
        """Entities as nodes, relations as keyed edges."""
        from kg.rdf.network import to_networkx

        return to_networkx(self.graph)

    def stats(self) -> GraphStats:
        from kg.analysis.stats import graph_stats

        return graph_stats(self.graph)

    def to_html(
        self, path: str | os.PathLike[str] | None = None, *, title: str = "Knowledge graph"
    ) -> str:
        """The interactive offline HTML view; written atomically to ``path`` when given."""
        from kg.io import atomic_write
        from kg.rdf.resolve import collapse
        from kg.view.html import to_html

        html = to_html(collapse(self.graph), title=title)
        if path is not None:
            atomic_write(path, html)
        return html

    def serialize(
        self, path: str | os.PathLike[str] | None = None, *, format: str | None = None
    ) -> bytes:
        """The graph in one format (Turtle by default, or from ``path``'s suffix).

        With ``path``, the file is written atomically (see :func:`kg.io.atomic_write`).
        """
        from kg.io import atomic_write
        from kg.rdf.export import format_for_path, serialize

        fmt = format or (format_for_path(path) if path is not None else "ttl")
        data = serialize(self.graph, fmt)
        if path is not None:
            atomic_write(path, data)
        return data


def _context_references(data: object) -> Iterator[str]:
    """Yield every context a JSON-LD document names by IRI instead of spelling out.

    Contexts sit under ``@context`` anywhere (top level, nested nodes, scoped
    contexts in term definitions), as a string or in a list; JSON-LD 1.1 adds
    ``@import`` inside a context. An explicit stack, so deep JSON cannot recurse.

    >>> list(_context_references({"@context": ["https://x.org/c", {"@import": "c.json"}]}))
    ['https://x.org/c', 'c.json']
    """
    stack: list[object] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            for key, value in reversed(item.items()):
                if key == "@import" and isinstance(value, str):
                    yield value
                elif key == "@context":
                    for ctx in value if isinstance(value, list) else [value]:
                        if isinstance(ctx, str):
                            yield ctx
                stack.append(value)


def _parse_jsonld(graph: Graph, source: Path) -> None:
    # Read once, vet, then hand the same bytes to rdflib (no second read to race),
    # with the file's own IRI as the base so relative IRIs resolve as before.
    data = source.read_bytes()
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise GraphFileError(f"{source}: not valid json-ld: {exc}") from None
    reference = next(_context_references(document), None)
    if reference is not None:
        raise GraphFileError(
            f"{source}: JSON-LD context {reference!r} is not loaded: kg reads only the graph "
            "file itself (inline the context)"
        )
    graph.parse(data=data, format="json-ld", publicID=source.resolve().as_uri())


def load(path: str | os.PathLike[str]) -> KnowledgeGraph:
    """Read a graph file written by kg (or any RDF file); the format comes from the suffix.

    Only ``path`` is read: a JSON-LD file that names a remote or local context by IRI
    is refused (:class:`~kg.errors.GraphFileError`) rather than fetched.
    """
    from kg.rdf.triples import new_graph

    source = Path(path)
    fmt = _RDF_FORMATS.get(source.suffix.lower(), "turtle")
    graph = new_graph(store="default")
    try:
        # rdflib's JSON-LD, TriG and N-Quads parsers use its own deprecated
        # ConjunctiveGraph inside (RDFLib/rdflib#3475); that warning is not ours.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
            if fmt == "json-ld":
                _parse_jsonld(graph, source)
            else:
                graph.parse(source, format=fmt)
    except GraphFileError:
        raise
    except FileNotFoundError:
        raise GraphFileError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GraphFileError(f"{source}: cannot read: {exc}") from None
    except Exception as exc:  # every rdflib parser raises its own types
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GraphFileError(f"{source}: not valid {fmt}: {message}") from None
    return KnowledgeGraph(graph)
