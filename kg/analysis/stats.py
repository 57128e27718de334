"""The entity network of a kg graph, and the numbers that say what is in it.

RDF keeps every provenance record; network analysis wants one node per entity and
one edge per relation. :func:`kg.rdf.network.to_networkx` does that reduction once, and
:func:`graph_stats` answers "how big is it, what is in it, who is central" from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

import networkx as nx
import rdflib
from rdflib.namespace import RDF
from rdflib.term import URIRef

from kg.ontology.schema import KG, KGR
from kg.rdf.network import to_networkx

__all__ = ["GraphStats", "RankedEntity", "format_stats", "graph_stats"]

_TOP_N: Final = 10
_EXACT_BETWEENNESS_LIMIT: Final = 2000
_BETWEENNESS_SAMPLE: Final = 500
_BETWEENNESS_SEED: Final = 0


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
    A store's stats (:func:`kg.analysis.scale.store_stats`) rank by PageRank instead
    (``top_pagerank``), which scales, and leave ``top_betweenness`` empty.
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
    top_pagerank: tuple[RankedEntity, ...] = ()


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
        (
            "Most central (PageRank)",
            [(r.label, f"{r.score:.4f}  {_short(r.iri)}") for r in stats.top_pagerank],
        ),
    ]
    for title, rows in sections:
        if rows:
            lines += ["", title, *_table(rows)]
    return "\n".join(lines) + "\n"
