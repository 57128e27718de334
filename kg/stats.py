"""The entity network of a kg graph, and the numbers that say what is in it.

RDF keeps every provenance record; network analysis wants one node per entity and
one edge per relation. :func:`to_networkx` does that reduction once, and
:func:`graph_stats` answers "how big is it, what is in it, who is central" from it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

import networkx as nx
import rdflib
from rdflib.namespace import RDF, RDFS
from rdflib.term import Literal, Node, URIRef

from kg.ontology import KG, KGR

__all__ = ["GraphStats", "RankedEntity", "format_stats", "graph_stats", "to_networkx"]

_NOT_ENTITY_CLASSES: Final = frozenset({KG.Document, KG.Quote})
_TOP_N: Final = 10
_EXACT_BETWEENNESS_LIMIT: Final = 2000
_BETWEENNESS_SAMPLE: Final = 500
_BETWEENNESS_SEED: Final = 0


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
            and cls not in _NOT_ENTITY_CLASSES
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


@dataclass(frozen=True)
class RankedEntity:
    """An entity and its score in a centrality ranking."""

    iri: str
    label: str
    score: float


@dataclass(frozen=True)
class GraphStats:
    """What a graph holds, in numbers; :func:`format_stats` renders it.

    ``by_class`` and ``by_predicate`` are ordered by count, largest first, then name.
    ``betweenness_exact`` is false when betweenness was estimated from a sample.
    """

    documents: int
    entities: int
    relations: int
    provenance_records: int
    quotes: int
    by_class: Mapping[str, int]
    by_predicate: Mapping[str, int]
    top_degree: tuple[RankedEntity, ...]
    top_betweenness: tuple[RankedEntity, ...]
    components: int
    largest_component: int
    betweenness_exact: bool = True


def _count_typed(graph: rdflib.Graph, cls: URIRef) -> int:
    return len(set(graph.subjects(RDF.type, cls)))


def _by_count(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _top(network: nx.MultiDiGraph, scores: Mapping[str, float]) -> tuple[RankedEntity, ...]:
    # Zero scores carry no ranking information; ties go to the label, then the IRI.
    ranked = sorted(
        (
            (-score, str(network.nodes[node]["label"]), node)
            for node, score in scores.items()
            if score > 0
        ),
    )
    return tuple(
        RankedEntity(iri=node, label=label, score=-neg) for neg, label, node in ranked[:_TOP_N]
    )


def graph_stats(graph: rdflib.Graph) -> GraphStats:
    """Count what ``graph`` holds and rank its most central entities.

    Centrality is computed on the undirected simple graph of :func:`to_networkx`
    (who is connected to whom, whatever the predicate or direction). Betweenness is
    exact below 2,000 entities and above that estimated from 500 sampled sources
    with a fixed seed, so the same graph always gives the same ranking.

    >>> empty = graph_stats(rdflib.Graph())
    >>> empty.entities, empty.components, empty.top_degree
    (0, 0, ())
    """
    network = to_networkx(graph)
    simple = nx.Graph(network)
    n = simple.number_of_nodes()
    if n > 1:
        degree = nx.degree_centrality(simple)
        exact = n < _EXACT_BETWEENNESS_LIMIT
        betweenness = nx.betweenness_centrality(
            simple,
            k=None if exact else min(_BETWEENNESS_SAMPLE, n),
            seed=None if exact else _BETWEENNESS_SEED,
        )
    else:
        degree, betweenness, exact = {}, {}, True
    components = [len(c) for c in nx.connected_components(simple)]
    return GraphStats(
        documents=_count_typed(graph, KG.Document),
        entities=n,
        relations=network.number_of_edges(),
        provenance_records=_count_typed(graph, RDF.Statement),
        quotes=_count_typed(graph, KG.Quote),
        by_class=_by_count(Counter(t for _, t in network.nodes(data="type"))),
        by_predicate=_by_count(Counter(k for _, _, k in network.edges(keys=True))),
        top_degree=_top(network, degree),
        top_betweenness=_top(network, betweenness),
        components=len(components),
        largest_component=max(components, default=0),
        betweenness_exact=exact,
    )


def _short(iri: str) -> str:
    return f"kgr:{iri[len(KGR) :]}" if iri.startswith(KGR) else iri


def _table(rows: Iterable[tuple[str, str]], indent: str = "  ") -> list[str]:
    rows = list(rows)
    width = max((len(name) for name, _ in rows), default=0)
    return [f"{indent}{name.ljust(width)}  {value}" for name, value in rows]


def format_stats(stats: GraphStats) -> str:
    """Render ``stats`` as a short plain-text report for the terminal.

    >>> print(format_stats(graph_stats(rdflib.Graph())), end="")
    Documents             0
    Entities              0
    Relations             0
    Provenance records    0
    Quotes                0
    Connected components  0
    """
    largest = f" (largest: {stats.largest_component})" if stats.components else ""
    lines = _table(
        [
            ("Documents", str(stats.documents)),
            ("Entities", str(stats.entities)),
            ("Relations", str(stats.relations)),
            ("Provenance records", str(stats.provenance_records)),
            ("Quotes", str(stats.quotes)),
            ("Connected components", f"{stats.components}{largest}"),
        ],
        indent="",
    )
    sections: list[tuple[str, list[tuple[str, str]]]] = [
        ("Entities by class", [(k, str(v)) for k, v in stats.by_class.items()]),
        ("Relations by predicate", [(k, str(v)) for k, v in stats.by_predicate.items()]),
        (
            "Most connected (degree centrality)",
            [(r.label, f"{r.score:.3f}  {_short(r.iri)}") for r in stats.top_degree],
        ),
        (
            "Most in between (betweenness centrality"
            + ("" if stats.betweenness_exact else ", sampled")
            + ")",
            [(r.label, f"{r.score:.3f}  {_short(r.iri)}") for r in stats.top_betweenness],
        ),
    ]
    for title, rows in sections:
        if rows:
            lines += ["", title, *_table(rows)]
    return "\n".join(lines) + "\n"
