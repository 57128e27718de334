"""The SPARQL 1.1 Protocol's side of ``kg serve``: which format an answer is sent in, and how.

Results are :class:`~kg.rdf.query.QueryResult` values from kg's sandbox, so this module
only renders: SELECT and ASK as SPARQL JSON, XML, CSV or TSV (the JSON, CSV and TSV of
:func:`kg.rdf.query.format_result`, which ``kg query`` prints too), and graphs as Turtle,
N-Triples, JSON-LD or RDF/XML. The format is chosen by the ``Accept`` header, or by the
``format``/``output`` parameter that SPARQLWrapper and other clients send.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final
from xml.sax.saxutils import escape, quoteattr

import rdflib
from rdflib.namespace import XSD
from rdflib.term import BNode, Literal, Node, URIRef

from kg.rdf.export import serialize, with_prefixes
from kg.rdf.query import QueryResult, format_result

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "Format",
    "NotAcceptableError",
    "choose",
    "render",
    "service_description",
]


@dataclass(frozen=True)
class Format:
    """One way to send an answer: its name, media type, and the names clients use for it."""

    name: str
    media_type: str
    aliases: tuple[str, ...]


RESULT_FORMATS: Final = (
    Format(
        "json",
        "application/sparql-results+json",
        ("application/sparql-results+json", "application/json", "json"),
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        ("application/sparql-results+xml", "application/xml", "text/xml", "xml"),
    ),
    Format("csv", "text/csv", ("text/csv", "csv")),
    Format("tsv", "text/tab-separated-values", ("text/tab-separated-values", "tsv")),
)
"""SELECT and ASK answers, the first the default."""

GRAPH_FORMATS: Final = (
    Format(
        "ttl", "text/turtle", ("text/turtle", "application/turtle", "application/x-turtle",
                               "turtle", "ttl", "n3", "text/n3", "text/rdf+n3")
    ),
    Format(
        "nt", "application/n-triples", ("application/n-triples", "text/plain", "nt", "ntriples")
    ),
    Format(
        "jsonld", "application/ld+json", ("application/ld+json", "application/x-json+ld",
                                          "application/json", "json-ld", "jsonld", "json")
    ),
    Format("xml", "application/rdf+xml", ("application/rdf+xml", "application/xml", "xml", "rdf")),
)  # fmt: skip
"""CONSTRUCT and DESCRIBE answers (and the service description), the first the default."""


class NotAcceptableError(Exception):
    """The client accepts none of the formats this answer can be sent in (HTTP 406)."""


def _accepted(header: str) -> list[tuple[float, int, str]]:
    """The media ranges of an ``Accept`` header as (quality, position, range)."""
    ranges = []
    for position, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((quality, position, media.lower()))
    return ranges


def choose(formats: Sequence[Format], accept: str | None, requested: Iterable[str] = ()) -> Format:
    """The format to answer in: a ``format``/``output`` parameter wins, then ``Accept``.

    >>> choose(RESULT_FORMATS, "text/csv;q=0.5, application/sparql-results+xml").name
    'xml'
    >>> choose(GRAPH_FORMATS, "*/*").name
    'ttl'
    >>> choose(RESULT_FORMATS, "text/html", ["csv"]).name
    'csv'
    """
    for value in requested:
        wanted = value.strip().lower()
        for fmt in formats:
            if wanted in fmt.aliases:
                return fmt
    if not accept or not accept.strip():
        return formats[0]
    best: tuple[float, int, int, Format] | None = None
    for quality, position, media in _accepted(accept):
        if quality <= 0:
            continue
        for rank, fmt in enumerate(formats):
            kind = fmt.media_type.split("/")[0]
            if media in fmt.aliases or media in ("*/*", f"{kind}/*"):
                key = (-quality, position if media in fmt.aliases else 10_000, rank, fmt)
                if best is None or key[:3] < best[:3]:
                    best = key
                break
    if best is None:
        names = ", ".join(f.media_type for f in formats)
        raise NotAcceptableError(f"cannot answer in {accept.strip()!r}; available: {names}")
    return best[3]


def _xml_term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<uri>{escape(str(node))}</uri>"
    if isinstance(node, BNode):
        return f"<bnode>{escape(str(node))}</bnode>"
    attrs = ""
    if isinstance(node, Literal):
        if node.language:
            attrs = f" xml:lang={quoteattr(node.language)}"
        elif node.datatype is not None and node.datatype != XSD.string:
            attrs = f" datatype={quoteattr(str(node.datatype))}"
    return f"<literal{attrs}>{escape(str(node))}</literal>"


def _xml(result: QueryResult) -> str:
    """The SPARQL Query Results XML Format."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
        "<head>",
    ]
    lines += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    lines.append("</head>")
    if result.kind == "ask":
        lines.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        lines.append("<results>")
        for row in result.rows:
            lines.append("<result>")
            lines += [
                f"<binding name={quoteattr(v)}>{_xml_term(node)}</binding>"
                for v, node in zip(result.variables, row, strict=True)
                if node is not None
            ]
            lines.append("</result>")
        lines.append("</results>")
    lines.append("</sparql>")
    return "\n".join(lines) + "\n"


def render(result: QueryResult, fmt: Format) -> bytes:
    """The body of the answer ``result`` in ``fmt`` (one of its kind's formats)."""
    if result.kind == "construct":
        graph = result.graph if result.graph is not None else rdflib.Graph()
        if fmt.name == "xml":
            return graph.serialize(format="xml", encoding="utf-8")
        return serialize(graph, fmt.name)
    if fmt.name == "xml":
        return _xml(result).encode("utf-8")
    if result.kind == "ask" and fmt.name in ("csv", "tsv"):
        # The CSV/TSV specification describes SELECT only; one column, one row.
        return f"boolean\r\n{'true' if result.boolean else 'false'}\r\n".encode()
    return format_result(result, fmt.name).encode("utf-8")


_SD: Final = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


def service_description(endpoint: str, fmt: Format) -> bytes:
    """What the endpoint is, in the SPARQL 1.1 Service Description vocabulary.

    Only SPARQL 1.1 Query is listed as supported: no update, no ``SERVICE``
    federation, no dataset clauses (``UnionDefaultGraph`` is not claimed either).
    """
    graph = rdflib.Graph(bind_namespaces="none")
    graph.bind("sd", _SD)
    service = BNode("service")
    dataset = BNode("dataset")
    graph.add((service, rdflib.RDF.type, _SD.Service))
    graph.add((service, _SD.endpoint, URIRef(endpoint)))
    graph.add((service, _SD.supportedLanguage, _SD.SPARQL11Query))
    for fmt_ in (*RESULT_FORMATS, *GRAPH_FORMATS):
        graph.add((service, _SD.resultFormat, URIRef(_FORMAT_IRIS[fmt_.media_type])))
    graph.add((service, _SD.defaultDataset, dataset))
    graph.add((dataset, rdflib.RDF.type, _SD.Dataset))
    default = BNode("default")
    graph.add((dataset, _SD.defaultGraph, default))
    graph.add((default, rdflib.RDF.type, _SD.Graph))
    return render(QueryResult("construct", graph=with_prefixes(graph)), fmt)


_FORMAT_IRIS: Final = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
}
