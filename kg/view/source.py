"""The view's triples read with Oxigraph: a Turtle file or a store, without rdflib's parser.

rdflib parses an archive's 550,000 triples in 15 s or more; Oxigraph's parser reads
them in half a second. The view reads each subject's values of a few properties, so
:class:`TripleIndex` keeps just that, in the terms :func:`kg.view.model.read_model`
reads (IRIs as plain strings, literals and blank nodes as rdflib makes them), and
drops on the way what no view shows (literal values of properties it never reads).
:func:`~kg.view.model.read_model` reads it as it reads an rdflib graph: the same
model, node for node and record for record.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final, cast

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.ontology.schema import KG

__all__ = ["READ_LITERALS", "TURTLE_SUFFIXES", "Properties", "Term", "TripleIndex"]

TURTLE_SUFFIXES: Final = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}

Term = str | Literal | BNode
"""A node as the view reads it: an IRI is its text (a plain ``str``), a literal or a
blank node is rdflib's ``Literal`` or ``BNode``, so the three never compare equal."""

READ_LITERALS: Final = frozenset(
    str(p)
    for p in (
        RDF.type, RDF.subject, RDF.predicate, RDF.object, RDFS.label, SKOS.altLabel,
        DCTERMS.identifier, PROV.wasDerivedFrom, PROV.wasAttributedTo, KG.mentionedIn,
        KG.sentence, KG.evidence, KG.start, KG.confidence, KG.roleTitle, KG.text,
        KG.speaker,
    )
)  # fmt: skip
"""The properties whose literal values a view reads. Every other property's literal
values (an archive's ``kg:end`` offsets, for one) are dropped as they are read; its
IRI values are kept, as any property between two entities is a relation."""

_XSD_STRING: Final = str(XSD.string)


Properties = dict[str, list[Term]]
"""One subject's values, by property IRI."""


class TripleIndex:
    """Each subject's values by property: ``subjects[subject][property]`` is a list.

    By subject, as a record's or an entity's values are read together, and as
    Turtle lists a subject's triples together: the subject is looked up once for
    its run of triples, not once a triple (a fifth of the reading time).
    """

    def __init__(self, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        self.subjects: dict[Term, Properties] = {}
        subjects = self.subjects
        typed: dict[tuple[str, str], Term] = {}  # a few distinct offsets and scores
        named, literal, xsd_string = ox.NamedNode, ox.Literal, _XSD_STRING
        read, plain = READ_LITERALS, _plain
        size = 0
        last: object = None
        props: Properties = {}
        # Any: the loop tests term types with `type(x) is named`, which mypy cannot follow.
        for triple in cast(Iterable[Any], triples):
            size += 1
            s = triple.subject
            if s != last:
                last = s
                subject: Term = s.value if type(s) is named else _term(s)
                found = subjects.get(subject)
                if found is None:
                    found = subjects[subject] = {}
                props = found
            o = triple.object
            key = triple.predicate.value
            kind = type(o)
            if kind is named:
                value: Term = o.value
            elif kind is literal:
                if key not in read:
                    continue
                if o.language:
                    value = Literal(o.value, lang=o.language)
                else:
                    datatype = o.datatype.value
                    if datatype == xsd_string:
                        value = plain(o.value)
                    else:
                        pair = (o.value, datatype)
                        cached = typed.get(pair)
                        if cached is None:
                            cached = typed[pair] = Literal(o.value, datatype=URIRef(datatype))
                        value = cached
            else:
                value = _term(o)
            own = props.get(key)
            if own is None:
                props[key] = [value]
            else:
                own.append(value)
        self.size = size

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
        """The triples read, those dropped included."""
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


def _term(term: object) -> Term:
    """The view's term for a subject or object that is not an IRI (or a literal of a
    property :class:`TripleIndex` reads in its loop)."""
    if isinstance(term, ox.NamedNode):
        return term.value
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
