"""Numbers about a graph that stay cheap as the archive grows: counts, degree, PageRank.

The closing line of a build is counts only (:func:`graph_counts`): it used to rank
entities by betweenness, which costs far more than the build itself past a few
thousand entities. For a store, :func:`store_stats` reads the counts and the entity
network by SPARQL and ranks by degree and by PageRank on a sparse matrix (scipy),
both linear in the number of relations, seconds at hundreds of thousands of entities.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import rdflib
from rdflib.namespace import RDF

from kg.analysis.stats import GraphStats, RankedEntity
from kg.ontology.schema import KG
from kg.rdf.network import NOT_ENTITY_CLASSES

if TYPE_CHECKING:
    from kg.rdf.store import GraphStore

__all__ = ["GraphCounts", "graph_counts", "store_counts", "store_stats"]

_TOP_N: Final = 10
_NOT_ENTITIES: Final = frozenset(str(c) for c in NOT_ENTITY_CLASSES)
_PAGERANK_DAMPING: Final = 0.85
_PAGERANK_TOLERANCE: Final = 1e-10
_PAGERANK_ROUNDS: Final = 200


@dataclass(frozen=True)
class GraphCounts:
    """How much a graph holds, as the closing line of a build says it."""

    documents: int
    entities: int
    relations: int
    provenance_records: int
    quotes: int

    def __str__(self) -> str:
        return (
            f"{self.documents} documents, {self.entities} entities, {self.relations} relations "
            f"({self.provenance_records} provenance records), {self.quotes} quotes"
        )


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or iri


def _entity_class(classes: dict[str, str], entity: str, cls: str) -> None:
    # An entity typed with several kg classes counts under the one whose local name
    # sorts first, as in kg.rdf.network.to_networkx.
    current = classes.get(entity)
    if current is None or (_local(cls), cls) < (_local(current), current):
        classes[entity] = cls


def graph_counts(graph: rdflib.Graph) -> GraphCounts:
    """The counts of :func:`kg.analysis.stats.graph_stats`, without building the network.

    >>> str(graph_counts(rdflib.Graph()))
    '0 documents, 0 entities, 0 relations (0 provenance records), 0 quotes'
    """
    kg_ns = str(KG)
    classes: dict[str, str] = {}
    for subject, cls in graph.subject_objects(RDF.type):
        if (
            isinstance(subject, rdflib.URIRef)
            and isinstance(cls, rdflib.URIRef)
            and str(cls).startswith(kg_ns)
            and str(cls) not in _NOT_ENTITIES
        ):
            _entity_class(classes, str(subject), str(cls))
    relations = set()
    for entity in classes:
        for p, o in graph.predicate_objects(rdflib.URIRef(entity)):
            if isinstance(o, rdflib.URIRef) and str(p).startswith(kg_ns) and str(o) in classes:
                relations.add((entity, _local(str(p)), str(o)))
    return GraphCounts(
        documents=len(set(graph.subjects(RDF.type, KG.Document))),
        entities=len(classes),
        relations=len(relations),
        provenance_records=len(set(graph.subjects(RDF.type, RDF.Statement))),
        quotes=len(set(graph.subjects(RDF.type, KG.Quote))),
    )


_ENTITIES: Final = (
    "SELECT ?e ?c WHERE { ?e a ?c . FILTER(isIRI(?e) && STRSTARTS(STR(?c), STR(kg:)) && ?c NOT IN ("
    + ", ".join(f"<{c}>" for c in sorted(NOT_ENTITY_CLASSES))
    + ")) }"
)
_TYPED: Final = "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}"


def _network(store: GraphStore) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Entities (IRI to class) and the relations between them.

    The entities come by SPARQL; their relations from each entity's own triples
    (Oxigraph's subject index), which is a few per entity, where a query for the
    relations would scan every triple of the graph, evidence and quotes included.
    """
    import pyoxigraph as ox

    from kg.ontology.schema import PREFIXES

    prefixes = dict(PREFIXES)
    classes: dict[str, str] = {}
    for row in store.oxigraph.query(_ENTITIES, prefixes=prefixes, named_graphs=[]):  # type: ignore[union-attr]
        _entity_class(classes, row["e"].value, row["c"].value)
    kg_ns, default = str(KG), ox.DefaultGraph()
    skipped = {str(KG.mentionedIn), str(KG.speaker)}
    relations = {
        (entity, _local(quad.predicate.value), quad.object.value)
        for entity in classes
        for quad in store.oxigraph.quads_for_pattern(ox.NamedNode(entity), None, None, default)
        if isinstance(quad.object, ox.NamedNode)
        and quad.object.value in classes
        and quad.predicate.value.startswith(kg_ns)
        and quad.predicate.value not in skipped
    }
    return classes, sorted(relations)


def store_counts(store: GraphStore) -> GraphCounts:
    """:func:`graph_counts` of a store's merged graph, every number from SPARQL."""
    classes, relations = _network(store)
    return GraphCounts(
        documents=store.count(_TYPED.format(cls="kg:Document")),
        entities=len(classes),
        relations=len(relations),
        provenance_records=store.count(_TYPED.format(cls="rdf:Statement")),
        quotes=store.count(_TYPED.format(cls="kg:Quote")),
    )


def _pagerank(matrix: object, n: int) -> list[float]:
    """PageRank by power iteration on a symmetric sparse adjacency matrix.

    Dangling entities (no relation at all) spread their rank evenly, as networkx does.
    """
    import numpy as np

    adjacency = matrix  # scipy.sparse.csr_matrix, n x n, 0/1
    out_degree = np.asarray(adjacency.sum(axis=1)).ravel()  # type: ignore[attr-defined]
    inverse = np.divide(1.0, out_degree, out=np.zeros(n), where=out_degree > 0)
    rank = np.full(n, 1.0 / n)
    for _ in range(_PAGERANK_ROUNDS):
        spread = adjacency.T @ (rank * inverse)  # type: ignore[attr-defined]
        dangling = rank[out_degree == 0].sum()
        new = (1 - _PAGERANK_DAMPING) / n + _PAGERANK_DAMPING * (spread + dangling / n)
        done = np.abs(new - rank).sum() < n * _PAGERANK_TOLERANCE
        rank = new
        if done:
            break
    return [float(x) for x in rank]


def store_stats(store: GraphStore) -> GraphStats:
    """What a store holds, with central entities ranked by degree and PageRank.

    Both on the undirected simple graph of entities (who is connected to whom),
    like :func:`kg.analysis.stats.graph_stats`, but with scipy's sparse matrices
    instead of networkx's betweenness: linear in the relations, and deterministic.
    """
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    classes, relations = _network(store)
    nodes = sorted(classes)
    index = {node: i for i, node in enumerate(nodes)}
    n = len(nodes)
    pairs = {(min(index[s], index[o]), max(index[s], index[o])) for s, _, o in relations if s != o}
    rows = [a for a, b in pairs] + [b for a, b in pairs]
    cols = [b for a, b in pairs] + [a for a, b in pairs]
    matrix = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    if n:
        count, labels = connected_components(matrix, directed=False)
        sizes = np.bincount(labels)
        components, largest = int(count), int(sizes.max())
    else:
        components, largest = 0, 0
    degree = np.asarray(matrix.sum(axis=1)).ravel() / max(n - 1, 1)
    pagerank = _pagerank(matrix, n) if n else []
    names = _labels(store, nodes, degree, pagerank)
    return GraphStats(
        documents=store.count(_TYPED.format(cls="kg:Document")),
        entities=n,
        relations=len(relations),
        provenance_records=store.count(_TYPED.format(cls="rdf:Statement")),
        quotes=store.count(_TYPED.format(cls="kg:Quote")),
        by_class=_by_count(Counter(_local(c) for c in classes.values())),
        by_predicate=_by_count(Counter(p for _, p, _ in relations)),
        top_degree=_top(nodes, [float(x) for x in degree], names),
        top_betweenness=(),
        components=components,
        largest_component=largest,
        top_pagerank=_top(nodes, pagerank, names),
    )


def _by_count(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _candidates(nodes: list[str], scores: list[float]) -> list[int]:
    # Enough of the best to fill the top ten whatever the labels' tie-breaking.
    order = sorted(range(len(nodes)), key=lambda i: -scores[i])
    if len(order) <= _TOP_N:
        return order
    cutoff = scores[order[_TOP_N - 1]]
    return [i for i in order if scores[i] >= cutoff]


def _labels(
    store: GraphStore, nodes: list[str], degree: object, pagerank: list[float]
) -> dict[str, str]:
    """The label of each entity that could be in a top ten (the least, as in the view)."""
    import pyoxigraph as ox

    wanted = {nodes[i] for i in _candidates(nodes, list(degree))}  # type: ignore[call-overload]
    wanted |= {nodes[i] for i in _candidates(nodes, pagerank)}
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    names = {}
    for node in wanted:
        found = sorted(
            q.object.value
            for q in store.oxigraph.quads_for_pattern(
                ox.NamedNode(node), label, None, ox.DefaultGraph()
            )
            if isinstance(q.object, ox.Literal)
        )
        names[node] = found[0] if found else _local(node)
    return names


def _top(nodes: list[str], scores: list[float], names: dict[str, str]) -> tuple[RankedEntity, ...]:
    # Zero scores carry no ranking information; ties go to the label, then the IRI.
    ranked = sorted(
        (-scores[i], names[nodes[i]], nodes[i])
        for i in _candidates(nodes, scores)
        if scores[i] > 0 and nodes[i] in names
    )
    return tuple(
        RankedEntity(iri=node, label=label, score=-neg) for neg, label, node in ranked[:_TOP_N]
    )
