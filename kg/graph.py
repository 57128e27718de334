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

import contextlib
import json
import logging
import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from kg.errors import GraphFileError

if TYPE_CHECKING:
    import networkx as nx

    from kg.analysis.scale import GraphCounts
    from kg.analysis.stats import GraphStats
    from kg.rdf.query import QueryResult
    from kg.rdf.store import GraphStore
    from kg.view import ColourBy, Renderer, Selection

__all__ = ["KnowledgeGraph", "StoredGraph", "load", "open_graph", "open_store"]

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
#: Suffixes of files that are surely not graphs (the documents kg builds graphs from,
#: office files, archives): named as a graph, they get a pointer to ``kg build``
#: rather than a syntax error from a parser that was never going to read them.
_NOT_GRAPH_SUFFIXES = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".jsonl", ".csv", ".tsv", ".pdf",
     ".docx", ".doc", ".odt", ".warc", ".gz", ".zip", ".png", ".jpg"}
)  # fmt: skip
#: rdflib's Turtle errors: "at line N of <>:\nBad syntax (WHY) at ^ in: …" (the useful part
#: is on the second line).
_TURTLE_ERROR = re.compile(r"at line (\d+) of <[^>]*>:\s*Bad syntax \(([^)]*)\)", re.DOTALL)
_HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE)
_JSONLD_KEYS = ("@context", "@graph", "@id")


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

    def counts(self) -> GraphCounts:
        """How many documents, entities, relations, provenance records and quotes: cheap."""
        from kg.analysis.scale import graph_counts

        return graph_counts(self.graph)

    def to_html(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        title: str = "Knowledge graph",
        selection: Selection | None = None,
        renderer: Renderer = "auto",
        colour_by: ColourBy = "class",
    ) -> str:
        """The interactive offline HTML view; written atomically to ``path`` when given.

        ``selection`` (:class:`kg.view.Selection`) draws part of the graph: around an
        entity, some classes or predicates, a document, the most central, or a
        query's answer. See :func:`kg.view.to_html` for ``renderer`` and ``colour_by``.
        """
        from kg.io import atomic_write
        from kg.view import to_html

        html = to_html(
            self.graph, title=title, selection=selection, renderer=renderer, colour_by=colour_by
        )
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


class StoredGraph:
    """A knowledge graph in a store directory (``kg build --store DIR``), read where it lies.

    The same methods as :class:`KnowledgeGraph`, answered from the store without
    loading it into memory where that can be done: queries (Oxigraph, in kg's
    sandbox), counts and stats (SPARQL, degree and PageRank), Turtle export. The view
    and the non-Turtle exports take the merged graph as an rdflib graph
    (:meth:`to_knowledge_graph`). Each call opens the store to read and closes it
    again, so a handle kept in a notebook never blocks a build.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        from kg.rdf.store import GraphStore

        self.path = Path(path)
        GraphStore.open(self.path).close()  # fail now on a missing or foreign store

    def _open(self) -> GraphStore:
        from kg.rdf.store import GraphStore

        return GraphStore.open(self.path)

    def __len__(self) -> int:
        with self._open() as store:
            return len(store)

    def __repr__(self) -> str:
        return f"<StoredGraph {str(self.path)!r}>"

    def documents(self) -> list[str]:
        """The ids of the documents in the store, sorted."""
        with self._open() as store:
            return sorted(store.records())

    def query(self, sparql: str, *, timeout: float | None = 30.0) -> QueryResult:
        """Run SPARQL in kg's sandbox (:func:`kg.rdf.query.query_store`)."""
        with self._open() as store:
            return store.query(sparql, timeout=timeout)

    def counts(self) -> GraphCounts:
        from kg.analysis.scale import store_counts

        with self._open() as store:
            return store_counts(store)

    def stats(self) -> GraphStats:
        """Counts, and central entities by degree and PageRank (see
        :func:`kg.analysis.scale.store_stats`)."""
        from kg.analysis.scale import store_stats

        with self._open() as store:
            return store_stats(store)

    def to_knowledge_graph(self) -> KnowledgeGraph:
        """The merged graph in memory, as :func:`kg.load` would read its Turtle export."""
        with self._open() as store:
            return KnowledgeGraph(store.to_rdflib())

    def to_networkx(self) -> nx.MultiDiGraph:
        return self.to_knowledge_graph().to_networkx()

    def to_html(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        title: str = "Knowledge graph",
        selection: Selection | None = None,
        renderer: Renderer = "auto",
        colour_by: ColourBy = "class",
    ) -> str:
        """The view of :meth:`KnowledgeGraph.to_html`, of the graph read from the store.

        Read straight from the store with Oxigraph where the page allows it (as
        ``kg view STORE`` does), else loaded into rdflib first; the page is the same.
        """
        from kg.io import atomic_write
        from kg.view.page import source_html

        html = source_html(
            self.path, title=title, selection=selection, renderer=renderer, colour_by=colour_by
        )
        if html is None:
            return self.to_knowledge_graph().to_html(
                path, title=title, selection=selection, renderer=renderer, colour_by=colour_by
            )
        if path is not None:
            atomic_write(path, html)
        return html

    def serialize(
        self, path: str | os.PathLike[str] | None = None, *, format: str | None = None
    ) -> bytes:
        """The merged graph in one format; Turtle straight from the store, byte for byte
        what ``kg build -o`` writes for the same documents."""
        from kg.io import atomic_write
        from kg.rdf.export import format_for_path

        fmt = format or (format_for_path(path) if path is not None else "ttl")
        with self._open() as store:
            data = store.serialize(fmt)
        if path is not None:
            atomic_write(path, data)
        return data

    def export(self, path: str | os.PathLike[str], *, format: str | None = None) -> None:
        """Write the merged graph to ``path``: Turtle and TriG stream from the store in
        bounded memory, byte for byte what :meth:`serialize` gives."""
        from kg.rdf.export import format_for_path

        with self._open() as store:
            store.export(path, format or format_for_path(path))


def open_store(path: str | os.PathLike[str]) -> StoredGraph:
    """Open the store a ``kg build --store`` (or :func:`kg.build_store`) wrote."""
    return StoredGraph(path)


def open_graph(path: str | os.PathLike[str]) -> KnowledgeGraph | StoredGraph:
    """A graph file (:func:`load`) or a store directory (:func:`open_store`): what ``path`` is."""
    from kg.rdf.store import is_store

    return open_store(path) if is_store(path) else load(path)


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
    if not _is_jsonld(document):
        raise GraphFileError(
            f"{source}: not JSON-LD (no @context, @id or @graph at its top); "
            "a JSON Lines file of documents is built with: kg build FILE.jsonl -o graph.ttl"
        )
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
    suffix = source.suffix.lower()
    if suffix in _NOT_GRAPH_SUFFIXES:
        raise GraphFileError(
            f"{source}: not an RDF graph file ({suffix}); graph files are "
            f"{' '.join(sorted(_RDF_FORMATS))} (make one with: kg build {source} -o graph.ttl)"
        )
    fmt = _RDF_FORMATS.get(suffix, "turtle")
    graph = new_graph(store="default")
    try:
        if fmt in ("turtle", "n3", "nt", "trig", "nquads") and _looks_like_html(source):
            raise GraphFileError(
                f"{source}: an HTML page, not {fmt} (make a graph of it with: "
                f"kg build {source} -o graph.ttl)"
            )
        # rdflib's JSON-LD, TriG and N-Quads parsers use its own deprecated
        # ConjunctiveGraph inside (RDFLib/rdflib#3475); that warning is not ours. Its
        # loggers warn about odd IRIs on the way to a syntax error: the error says it.
        with warnings.catch_warnings(), _quiet_rdflib():
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
        raise GraphFileError(f"{source}: not valid {fmt}: {_parse_problem(exc)}") from None
    return KnowledgeGraph(graph)


def _is_jsonld(document: object) -> bool:
    """Whether parsed JSON is JSON-LD: an object (or list of them) using @context, @graph
    or @id, or an empty list (an empty graph).

    >>> _is_jsonld({"@context": {}, "@graph": []}), _is_jsonld([]), _is_jsonld({"id": "d1"})
    (True, True, False)
    """
    items = document if isinstance(document, list) else [document]
    return not items or any(
        isinstance(item, dict) and any(key in item for key in _JSONLD_KEYS) for item in items
    )


def _looks_like_html(source: Path) -> bool:
    try:
        with source.open("rb") as fh:
            return _HTML_START.match(fh.read(1024)) is not None
    except OSError:
        return False  # the parse that follows says why


def _parse_problem(exc: Exception) -> str:
    """One line saying what a parser found wrong.

    >>> _parse_problem(Exception('at line 2 of <>:\\nBad syntax (objectList expected) at ^ in:'))
    'line 2: bad syntax (objectList expected)'
    """
    text = str(exc)
    match = _TURTLE_ERROR.search(text)
    if match:
        return f"line {match.group(1)}: bad syntax ({match.group(2)})"
    detail = " ".join(text.split()) or type(exc).__name__
    return detail if len(detail) <= 200 else detail[:197] + "..."


@contextlib.contextmanager
def _quiet_rdflib() -> Iterator[None]:
    log = logging.getLogger("rdflib")
    level = log.level
    log.setLevel(logging.ERROR + 1)
    try:
        yield
    finally:
        log.setLevel(level)
