"""An RDF graph's entity network in networkx: one node per entity, one edge per relation.

RDF keeps every provenance record; network analysis wants one node per entity and
one edge per relation. :func:`to_networkx` does that reduction once, for the
GraphML and GEXF exports (:mod:`kg.rdf.export`) and for analysis (:mod:`kg.analysis`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Final

import networkx as nx
import rdflib
from rdflib.namespace import RDF, RDFS
from rdflib.term import Literal, Node, URIRef

from kg.ontology.schema import KG

__all__ = ["NOT_ENTITY_CLASSES", "to_networkx"]

NOT_ENTITY_CLASSES: Final = frozenset({KG.Document, KG.Quote, KG.Merge})
"""Classes in kg's namespace whose members are records, not entities: never nodes or counted."""


def _local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1] or iri


def _words(camel: str) -> str:
    # "wroteTo" -> "wrote to": what an edge label in Gephi should read like.
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", camel).lower()


def _first_label(graph: rdflib.Graph, node: Node) -> str | None:
    labels = sorted(str(o) for o in graph.objects(node, RDFS.label))
    return labels[0] if labels else None


def _entity_classes(graph: rdflib.Graph) -> dict[URIRef, URIRef]:
    """Map each entity IRI to its class: the kg class it is typed with.

    An entity typed with several kg classes gets the one whose local name sorts
    first, so that the answer does not depend on triple order.
    """
    classes: dict[URIRef, URIRef] = {}
    for subject, cls in graph.subject_objects(RDF.type):
        if (
            isinstance(subject, URIRef)
            and isinstance(cls, URIRef)
            and cls in KG
            and cls not in NOT_ENTITY_CLASSES
        ):
            current = classes.get(subject)
            if current is None or (_local_name(cls), cls) < (_local_name(current), current):
                classes[subject] = cls
    return classes


def _as_float(node: Node | None) -> float | None:
    if not isinstance(node, Literal):
        return None
    try:
        return float(str(node))
    except ValueError:
        return None


@dataclass
class _Support:
    confidence: float | None = None
    sources: int = 0
    sentences: list[str] = field(default_factory=list)


def _provenance(graph: rdflib.Graph) -> dict[tuple[Node, Node, Node], _Support]:
    support: dict[tuple[Node, Node, Node], _Support] = defaultdict(_Support)
    for stmt in sorted(graph.subjects(RDF.type, RDF.Statement), key=str):
        s = graph.value(stmt, RDF.subject)
        p = graph.value(stmt, RDF.predicate)
        o = graph.value(stmt, RDF.object)
        if s is None or p is None or o is None:
            continue
        record = support[(s, p, o)]
        record.sources += 1
        confidence = _as_float(graph.value(stmt, KG.confidence))
        if confidence is not None and (record.confidence is None or confidence > record.confidence):
            record.confidence = confidence
        for sentence in sorted(str(x) for x in graph.objects(stmt, KG.sentence)):
            if sentence not in record.sentences:
                record.sentences.append(sentence)
    return support


def to_networkx(graph: rdflib.Graph) -> nx.MultiDiGraph:
    """Reduce ``graph`` to its entity network: entities as nodes, relations as edges.

    Nodes are keyed by entity IRI (a plain ``str``) with attributes ``label``, ``type``
    (the class local name, e.g. ``"Person"``) and ``iri``. Each relation triple between
    two entities whose predicate is in the kg namespace becomes one edge keyed by the
    predicate local name, with ``predicate`` (IRI), ``label`` (``"wrote to"``),
    ``confidence`` (best over its provenance records, ``None`` without any),
    ``sources`` (number of records) and ``sentences`` (distinct sentences, a tuple).
    Documents, quotes, provenance records, extractors and literals are not nodes:
    they describe the network rather than belong to it.

    >>> g = rdflib.Graph()
    >>> ada, bob = URIRef("https://w3id.org/kg/id/person/ada"), URIRef("https://w3id.org/kg/id/person/bob")
    >>> for person, name in ((ada, "Ada"), (bob, "Bob")):
    ...     _ = g.add((person, RDF.type, KG.Person)).add((person, RDFS.label, Literal(name)))
    >>> _ = g.add((ada, KG.wroteTo, bob))
    >>> net = to_networkx(g)
    >>> net.nodes["https://w3id.org/kg/id/person/ada"]["label"], list(net.edges(keys=True))[0][2]
    ('Ada', 'wroteTo')
    """
    classes = _entity_classes(graph)
    network = nx.MultiDiGraph()
    for entity in sorted(classes):
        network.add_node(
            str(entity),
            label=_first_label(graph, entity) or _local_name(entity),
            type=_local_name(classes[entity]),
            iri=str(entity),
        )
    relations = sorted(
        (s, p, o)
        for s in classes
        for p, o in graph.predicate_objects(s)
        if isinstance(p, URIRef) and p in KG and isinstance(o, URIRef) and o in classes
    )
    support = _provenance(graph) if relations else {}
    for s, p, o in relations:
        record = support.get((s, p, o), _Support())
        name = _local_name(p)
        network.add_edge(
            str(s),
            str(o),
            key=name,
            predicate=str(p),
            label=_first_label(graph, p) or _words(name),
            confidence=record.confidence,
            sources=record.sources,
            sentences=tuple(record.sentences),
        )
    return network
