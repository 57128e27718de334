"""Write a kg graph to disk in the RDF and graph-tool formats people open it with.

RDF formats (Turtle, TriG, N-Triples, JSON-LD) keep everything, provenance included;
GraphML and GEXF carry the entity network of :func:`kg.rdf.network.to_networkx` for Gephi,
yEd or Cytoscape. Every RDF output binds exactly the prefixes of the RDF model (README)
(:data:`PREFIXES`), so files do not depend on which prefixes happened to be bound on
the graph in memory, and Turtle and N-Triples come out byte-identical for equal
graphs without blank nodes, which keeps exported files diffable under version control.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Final

import pyoxigraph as ox
import rdflib
from rdflib.namespace import NamespaceManager

from kg.errors import KGError
from kg.io import atomic_write
from kg.ontology.schema import PREFIXES
from kg.ontology.terms import rdflib_term

if TYPE_CHECKING:
    import networkx as nx  # imported where used: a Turtle build need not pay for it

__all__ = [
    "FORMATS",
    "PREFIXES",
    "export",
    "format_for_path",
    "oxigraph_term",
    "oxigraph_triples",
    "rdflib_graph",
    "rdflib_term",
    "rdflib_triples",
    "serialize",
    "turtle",
    "with_prefixes",
    "write_sorted_turtle",
    "write_turtle",
    "write_turtle_lines",
]

FORMATS: Final = ("ttl", "trig", "nt", "jsonld", "graphml", "gexf")
"""Export format names, as accepted by :func:`serialize` and :func:`export`."""

_SUFFIXES: Final[Mapping[str, str]] = MappingProxyType(
    {
        ".ttl": "ttl",
        ".trig": "trig",
        ".nt": "nt",
        ".jsonld": "jsonld",
        ".json": "jsonld",
        ".graphml": "graphml",
        ".gexf": "gexf",
    }
)


def _bind_prefixes(target: rdflib.Graph) -> None:
    # A fresh "none" manager: rdflib would otherwise bind ~30 well-known prefixes.
    target.namespace_manager = NamespaceManager(target, bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        target.bind(prefix, namespace, override=True, replace=True)


def with_prefixes(graph: rdflib.Graph) -> rdflib.Graph:
    """Copy ``graph`` into a new graph that binds exactly :data:`PREFIXES`.

    A copy, so that serialisers cannot add generated prefixes (``ns1``) to the
    caller's graph, and so that prefixes bound on the caller's graph do not leak
    into files.

    >>> sorted(prefix for prefix, _ in with_prefixes(rdflib.Graph()).namespaces())
    ['dcterms', 'kg', 'kgr', 'owl', 'prov', 'rdf', 'rdfs', 'schema', 'skos', 'xsd']
    """
    out = rdflib.Graph(bind_namespaces="none")
    _bind_prefixes(out)
    out += graph
    return out


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise KGError(f"unknown export format {fmt!r}. Available formats: {', '.join(FORMATS)}")
    return fmt


def format_for_path(path: str | os.PathLike[str]) -> str:
    """Name the export format that the file suffix of ``path`` asks for.

    >>> format_for_path("out/graph.json")
    'jsonld'
    """
    suffix = Path(path).suffix.lower()
    try:
        return _SUFFIXES[suffix]
    except KeyError:
        known = ", ".join(_SUFFIXES)
        raise KGError(
            f"cannot tell the export format from {os.fspath(path)!r}: known suffixes are {known}."
            f" Available formats: {', '.join(FORMATS)}"
        ) from None


#: Characters XML 1.0 cannot hold at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """``text`` with the characters XML cannot hold replaced by U+FFFD.

    Text converted from PDF keeps form feeds and vertical tabs, and a name read
    across one (``"Ann\\x0bSmith"``) would make lxml refuse the GraphML and
    ElementTree write GEXF that no reader accepts.

    >>> _xml_text("Ann\\x0bSmith\\tand co")
    'Ann\\ufffdSmith\\tand co'
    """
    return _NOT_XML.sub("\ufffd", text)


def _scalar(value: object) -> str | int | float | bool:
    # GraphML and GEXF hold only scalars; JSON keeps tuples readable and reversible.
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, tuple | list):
        return _xml_text(json.dumps(list(value), ensure_ascii=False))
    return _xml_text(str(value))


def _network(graph: rdflib.Graph) -> nx.MultiDiGraph:
    import networkx as nx  # networkx loads only for these formats

    from kg.rdf.network import to_networkx

    source = to_networkx(graph)
    out = nx.MultiDiGraph()
    for node, data in source.nodes(data=True):
        out.add_node(_scalar(node), **{k: _scalar(v) for k, v in data.items() if v is not None})
    for u, v, key, data in source.edges(keys=True, data=True):
        attributes = {k: _scalar(v) for k, v in data.items() if v is not None}
        out.add_edge(_scalar(u), _scalar(v), key=_scalar(key), **attributes)
    return out


def _serialize_networkx(graph: rdflib.Graph, fmt: str) -> bytes:
    import networkx as nx

    network = _network(graph)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(network, buffer)
    else:
        nx.write_gexf(network, buffer)
    return buffer.getvalue()


def _serialize_ntriples(graph: rdflib.Graph) -> bytes:
    # N-Triples has no order of its own; sorting the lines makes the file diffable.
    text = graph.serialize(format="nt", encoding="utf-8")
    lines = sorted(line for line in text.splitlines(keepends=True) if line.strip())
    return b"".join(lines)


def _serialize_jsonld(graph: rdflib.Graph) -> bytes:
    # rdflib lists nodes and values in set order, which follows the hash seed; JSON-LD
    # gives order no meaning (except inside @list), so sorting makes the file depend on
    # the graph only.
    raw = graph.serialize(format="json-ld", encoding="utf-8", context=dict(PREFIXES), indent=2)
    data = _sorted_jsonld(json.loads(raw))
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _sorted_jsonld(value: object) -> object:
    """``value`` with every JSON-LD array sorted, except the ordered ones (``@list``).

    >>> _sorted_jsonld({"@graph": [{"@id": "b"}, {"@id": "a", "p": [2, 1]}], "@list": [2, 1]})
    {'@graph': [{'@id': 'a', 'p': [1, 2]}, {'@id': 'b'}], '@list': [2, 1]}
    """
    if isinstance(value, dict):
        return {
            key: [_sorted_jsonld(v) for v in item]
            if key == "@list" and isinstance(item, list)
            else _sorted_jsonld(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        items = [_sorted_jsonld(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def oxigraph_term(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph form of an rdflib term (IRI, blank node or literal).

    >>> oxigraph_term(rdflib.Literal("Ada"))
    <Literal value=Ada datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    """
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise KGError(f"cannot write {term!r} in Turtle")


def rdflib_triples(
    triples: Iterable[ox.Triple],
) -> Iterator[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]]:
    """``triples`` in rdflib terms; terms repeat a lot, so each is converted once."""
    converted: dict[object, rdflib.term.Node] = {}

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> rdflib.term.Node:
        found = converted.get(node)
        if found is None:
            found = converted[node] = rdflib_term(node)
        return found

    for t in triples:
        yield term(t.subject), term(t.predicate), term(t.object)


def rdflib_graph(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """``triples`` as an in-memory ``rdflib.Graph`` with kg's prefixes bound."""
    from kg.rdf.triples import new_graph

    graph = new_graph()
    add = graph.store.add
    for triple in rdflib_triples(triples):
        add(triple, context=graph, quoted=False)
    return graph


def oxigraph_triples(graph: rdflib.Graph) -> list[ox.Triple]:
    """``graph``'s triples in pyoxigraph form. Terms repeat a lot (a statement's
    subject, every predicate), so each is converted once."""
    converted: dict[rdflib.term.Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def term(node: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = converted.get(node)
        if found is None:
            found = converted[node] = oxigraph_term(node)
        return found

    try:
        return [ox.Triple(term(s), term(p), term(o)) for s, p, o in graph]  # type: ignore[arg-type]
    except ValueError as exc:  # an IRI or language tag Oxigraph rejects
        raise KGError(f"cannot write Turtle: {exc}") from None


def turtle(triples: Iterable[ox.Triple], fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> bytes:
    """Turtle (or TriG) of ``triples`` in kg's one order: sorted by their N-Triples form.

    The bytes then depend on the set of triples only, never on insertion order, so a
    graph file and a store's export of the same graph are the same file.
    """
    ordered = sorted(triples, key=str)
    data = ox.serialize(ordered, format=fmt, prefixes=dict(PREFIXES))
    return bytes(data or b"")


_RUN: Final = 200_000
"""Triples sorted in memory at a time by :func:`write_turtle`; the rest wait on disk."""


def write_turtle(
    triples: Iterable[ox.Triple], output: IO[bytes], fmt: ox.RdfFormat = ox.RdfFormat.TURTLE
) -> None:
    """:func:`turtle` written to ``output`` in memory bounded by :data:`_RUN` triples
    (see :func:`write_sorted_turtle`)."""
    import itertools

    source = iter(triples)

    def lines() -> Iterator[bytes]:
        while chunk := list(itertools.islice(source, _RUN)):
            data = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b""
            yield from data.splitlines(keepends=True)

    write_sorted_turtle(lines(), output, fmt)


def write_sorted_turtle(
    lines: Iterable[bytes],
    output: IO[bytes],
    fmt: ox.RdfFormat = ox.RdfFormat.TURTLE,
    *,
    sorted_copy: IO[bytes] | None = None,
) -> None:
    """N-Triples ``lines`` (in any order) written as :func:`turtle` writes their triples.

    An external merge sort, so memory is bounded by :data:`_RUN` lines: runs of
    lines are sorted and spilled to temporary files, merged, parsed back a slice at
    a time and handed to Oxigraph's writer as a generator, which writes as it reads.
    A line is a triple's N-Triples form plus " .", and the space sorts before
    anything that can follow a term, so line order is :func:`turtle`'s order and the
    bytes are exactly its bytes. Lines rather than triples so that a store can hand
    over its own N-Triples dump (:meth:`pyoxigraph.Store.dump`), which Oxigraph
    writes without making a Python object per triple. ``sorted_copy`` gets the
    sorted lines too (a store keeps them, to patch rather than sort next time).
    """
    import heapq
    import itertools
    import tempfile

    source = iter(lines)
    with tempfile.TemporaryDirectory(prefix="kg-sort-") as folder:
        runs: list[Path] = []
        last: list[bytes] = []
        while chunk := sorted(itertools.islice(source, _RUN)):
            if not runs and len(chunk) < _RUN:
                last = chunk  # everything fits in one run: no file needed
                break
            run = Path(folder) / f"run-{len(runs)}.nt"
            run.write_bytes(b"".join(chunk))
            runs.append(run)
        handles = [run.open("rb") for run in runs]
        try:
            merged: Iterator[bytes] = heapq.merge(*handles) if handles else iter(last)
            write_turtle_lines(merged, output, fmt, sorted_copy=sorted_copy)
        finally:
            for handle in handles:
                handle.close()


def write_turtle_lines(
    lines: Iterable[bytes],
    output: IO[bytes],
    fmt: ox.RdfFormat = ox.RdfFormat.TURTLE,
    *,
    sorted_copy: IO[bytes] | None = None,
) -> None:
    """N-Triples ``lines`` already in :func:`turtle`'s order (sorted, no repeats)
    written as Turtle, a slice at a time; ``sorted_copy`` gets the lines too."""
    import itertools

    source = iter(lines)

    def parsers() -> Iterator[Iterator[ox.Quad]]:
        while block := list(itertools.islice(source, 20_000)):
            data = b"".join(block)
            if sorted_copy is not None:
                sorted_copy.write(data)
            yield ox.parse(data, format=ox.RdfFormat.N_TRIPLES)

    # The parsers' default-graph quads go to the writer as they come, with no Python
    # step per triple (a tenth of the time).
    ox.serialize(
        itertools.chain.from_iterable(parsers()), output, format=fmt, prefixes=dict(PREFIXES)
    )


def _serialize_trig(graph: rdflib.Graph) -> bytes:
    # kg's graphs are one default graph, so TriG is Turtle's text. Oxigraph writes it:
    # rdflib's TriG serializer ends a long literal holding a newline and a final
    # escaped quote ("\n\\\"") with one quote too many, which no parser reads back.
    return _serialize_turtle(graph, ox.RdfFormat.TRIG)


def _serialize_turtle(graph: rdflib.Graph, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> bytes:
    # Oxigraph writes Turtle about five times faster than rdflib, which matters on
    # the `kg build` hot path.
    return turtle(oxigraph_triples(graph), fmt)


def serialize(graph: rdflib.Graph, fmt: str) -> bytes:
    """Render ``graph`` in export format ``fmt`` (one of :data:`FORMATS`) as bytes.

    Bytes rather than a file, so that :func:`export` can finish serialising before it
    touches the target: a failure then leaves the old file in place.

    >>> g = rdflib.Graph()
    >>> _ = g.add((rdflib.URIRef(PREFIXES["kgr"] + "person_ada"),
    ...            rdflib.RDF.type, rdflib.URIRef(PREFIXES["kg"] + "Person")))
    >>> print(serialize(g, "ttl").decode().splitlines()[-1])
    kgr:person_ada a kg:Person .
    >>> serialize(g, "csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.KGError: unknown export format 'csv'. Available formats: ttl, trig, nt, jsonld, ...
    """
    _check_format(fmt)
    if fmt in ("graphml", "gexf"):
        return _serialize_networkx(graph, fmt)
    if fmt == "ttl":
        return _serialize_turtle(graph)
    data = with_prefixes(graph)
    if fmt == "nt":
        return _serialize_ntriples(data)
    if fmt == "trig":
        return _serialize_trig(data)
    return _serialize_jsonld(data)


def export(graph: rdflib.Graph, path: str | os.PathLike[str], fmt: str | None = None) -> None:
    """Write ``graph`` to ``path`` in ``fmt``, or in the format its suffix names.

    The file is replaced atomically (:func:`kg.io.atomic_write`): readers never see a
    half-written export, and an error while serialising leaves the previous file.
    """
    chosen = format_for_path(path) if fmt is None else _check_format(fmt)
    atomic_write(path, serialize(graph, chosen))
