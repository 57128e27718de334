"""Oxigraph's terms in rdflib's: the one conversion every stage that reads RDF with
Oxigraph's parser shares, starting with the ontology itself.

rdflib's Turtle parser is pure Python and slow (a twentieth of a second for the
ontology, paid by every kg command); Oxigraph's reads the same files in a
millisecond, and kg's graphs stay rdflib graphs, so terms cross over here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pyoxigraph as ox
import rdflib

from kg.errors import KGError

__all__ = ["rdflib_term", "read_turtle"]

_XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> rdflib.term.Node:
    """The rdflib form of a pyoxigraph term; ``xsd:string`` literals become plain ones,
    as rdflib reads them from Turtle.

    >>> rdflib_term(ox.Literal("Ada")) == rdflib.Literal("Ada")
    True
    """
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise KGError(f"kg does not use RDF-star triples as terms: {term}")


def read_turtle(graph: rdflib.Graph, path: Path) -> None:
    """Add a Turtle file's triples and prefixes to ``graph``, as ``graph.parse`` does
    (the file's own IRI the base); SyntaxError or OSError if it cannot be read, and
    ``graph`` is left as it was."""
    parser = ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    try:
        triples = [
            (rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object))
            for t in parser
        ]
    except KGError as exc:
        raise SyntaxError(f"{path}: {exc}") from None
    for prefix, namespace in parser.prefixes.items():
        graph.bind(prefix, namespace)
    for triple in triples:
        graph.add(triple)
