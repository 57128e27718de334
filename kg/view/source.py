"""The view's triples read with Oxigraph: a Turtle file or a store, without rdflib's parser.

rdflib parses an archive's 550,000 triples in 15 s or more; Oxigraph's parser reads
them in half a second. The view needs only two projections of the graph (each
property's subject/object pairs, and each node's links to other IRIs), so
:class:`TripleIndex` keeps just those, with rdflib terms built once per distinct
term, and :func:`kg.view.model.read_model` reads it as it reads an rdflib graph:
the same model, node for node and record for record.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

__all__ = ["TURTLE_SUFFIXES", "TripleIndex"]

TURTLE_SUFFIXES: Final = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}
_XSD_STRING: Final = str(XSD.string)


class TripleIndex:
    """Each property's (subject, object) pairs, and each subject's links to IRIs."""

    def __init__(self, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        self.by_predicate: dict[Node, list[tuple[Node, Node]]] = {}
        self.links: dict[Node, list[tuple[Node, Node]]] = {}
        self.size = 0
        iris: dict[str, Node] = {}  # IRIs repeat; keyed by text, whose hash Python keeps
        typed: dict[tuple[str, str], Node] = {}
        by_predicate, links = self.by_predicate, self.links
        named, literal = ox.NamedNode, ox.Literal
        rdf_type: Node = RDF.type
        for triple in triples:
            s, p, o = triple.subject, triple.predicate, triple.object
            self.size += 1
            key = p.value
            rp = iris.get(key) or iris.setdefault(key, URIRef(key))
            if isinstance(s, named):
                key = s.value
                rs = iris.get(key) or iris.setdefault(key, URIRef(key))
            else:
                rs = _term(s)
            if isinstance(o, named):
                key = o.value
                ro = iris.get(key) or iris.setdefault(key, URIRef(key))
                if rp != rdf_type:
                    own = links.get(rs)
                    if own is None:
                        links[rs] = [(rp, ro)]
                    else:
                        own.append((rp, ro))
            elif isinstance(o, literal) and not o.language:
                datatype = o.datatype.value
                if datatype == _XSD_STRING:
                    ro = _plain(o.value)
                else:
                    pair = (o.value, datatype)
                    ro = typed.get(pair) or typed.setdefault(pair, _term(o))
            else:
                ro = _term(o)
            pairs = by_predicate.get(rp)
            if pairs is None:
                by_predicate[rp] = [(rs, ro)]
            else:
                pairs.append((rs, ro))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> TripleIndex:
        """A Turtle or N-Triples file; :class:`SyntaxError` or :class:`OSError` if unreadable."""
        source = Path(path)
        fmt = TURTLE_SUFFIXES[source.suffix.lower()]
        # The file's own IRI as the base, as rdflib resolves relative IRIs.
        return cls(ox.parse(path=source, format=fmt, base_iri=source.resolve().as_uri()))

    @classmethod
    def from_store(cls, path: str | os.PathLike[str]) -> TripleIndex:
        """The merged graph of a ``kg build --store`` directory."""
        from kg.rdf.store import GraphStore

        with GraphStore.open(path) as store:
            return cls(store.triples())

    def __len__(self) -> int:
        return self.size


def _plain(text: str) -> Literal:
    """``Literal(text)`` as rdflib makes it, without its lexical-to-value conversion,
    which for a plain string gives the string back (a fifth of the reading time)."""
    made = str.__new__(Literal, text)
    made._language = None
    made._datatype = None
    made._value = text
    made._ill_typed = None
    return made


def _term(term: object) -> Node:
    """The rdflib term rdflib's own parser would make for ``term``."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    # An RDF-star quoted triple: no view draws one, a unique node stands for it.
    return BNode()
