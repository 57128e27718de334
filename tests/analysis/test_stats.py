"""kg.analysis.stats: the entity network and the numbers about it."""

from __future__ import annotations

import networkx as nx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

import kg.analysis.stats
from kg.analysis.stats import format_stats, graph_stats
from kg.rdf.network import to_networkx

KG = Namespace("https://w3id.org/kg/ontology#")
KGR = Namespace("https://w3id.org/kg/id/")
BOB = str(KGR["person/bob-russell"])
DAVID = str(KGR["person/david-finch"])
COUNCIL = str(KGR["organization/norfolk-county-council"])
NORWICH = str(KGR["place/norwich"])


def test_nodes_are_entities_only(small_graph: Graph) -> None:
    network = to_networkx(small_graph)
    assert isinstance(network, nx.MultiDiGraph)
    assert network.number_of_nodes() == 6
    assert all(node.startswith(str(KGR)) for node in network)
    assert not any(
        "/doc/" in n or "/stmt/" in n or "/quote/" in n or "/extractor/" in n for n in network
    )
    assert network.nodes[BOB] == {"label": "Bob Russell", "type": "Person", "iri": BOB}
    assert network.nodes[str(KGR["country/england"])]["type"] == "Country"


def test_edges_are_relations_with_their_support(small_graph: Graph) -> None:
    network = to_networkx(small_graph)
    assert network.number_of_edges() == 4
    assert sorted(network.edges(keys=True)) == sorted(
        [
            (BOB, DAVID, "wroteTo"),
            (DAVID, COUNCIL, "memberOf"),
            (COUNCIL, NORWICH, "basedIn"),
            (NORWICH, str(KGR["country/england"]), "locatedIn"),
        ]
    )
    wrote = network.edges[BOB, DAVID, "wroteTo"]
    assert wrote["predicate"] == str(KG.wroteTo)
    assert wrote["label"] == "wrote to"
    assert wrote["confidence"] == pytest.approx(0.85)  # the best of 0.85 and 0.6
    assert wrote["sources"] == 2
    assert wrote["sentences"] == (
        "Sir Bob Russell wrote to David Finch.",
        "Mr Russell wrote to Finch again.",
    )


def test_parallel_predicates_are_separate_edges(small_graph: Graph) -> None:
    small_graph.add((URIRef(BOB), KG.told, URIRef(DAVID)))
    network = to_networkx(small_graph)
    assert set(network[BOB][DAVID]) == {"wroteTo", "told"}
    told = network.edges[BOB, DAVID, "told"]
    assert told["sources"] == 0 and told["confidence"] is None and told["sentences"] == ()


def test_non_relations_are_not_edges(small_graph: Graph) -> None:
    small_graph.add((URIRef(BOB), URIRef("http://xmlns.com/foaf/0.1/knows"), URIRef(DAVID)))
    small_graph.add((URIRef(BOB), KG.wroteTo, URIRef("http://example.org/not-an-entity")))
    small_graph.add((URIRef(BOB), KG.roleTitle, Literal("High Steward")))
    assert to_networkx(small_graph).number_of_edges() == 4


def test_predicate_label_from_the_graph_when_present(small_graph: Graph) -> None:
    small_graph.add((KG.wroteTo, RDFS.label, Literal("wrote a letter to")))
    network = to_networkx(small_graph)
    assert network.edges[BOB, DAVID, "wroteTo"]["label"] == "wrote a letter to"


def test_entity_without_label_falls_back_to_iri_name() -> None:
    g = Graph()
    g.add((KGR["person/anon"], RDF.type, KG.Person))
    assert to_networkx(g).nodes[str(KGR["person/anon"])]["label"] == "anon"


def test_empty_graph() -> None:
    network = to_networkx(Graph())
    assert network.number_of_nodes() == network.number_of_edges() == 0
    stats = graph_stats(Graph())
    assert (stats.documents, stats.entities, stats.relations) == (0, 0, 0)
    assert (stats.provenance_records, stats.quotes) == (0, 0)
    assert stats.by_class == {} and stats.by_predicate == {}
    assert stats.top_degree == () and stats.top_betweenness == ()
    assert (stats.components, stats.largest_component) == (0, 0)
    text = format_stats(stats)
    assert "Entities              0" in text and text.endswith("\n")


def test_stats_counts(small_graph: Graph) -> None:
    stats = graph_stats(small_graph)
    assert stats.documents == 2
    assert stats.entities == 6
    assert stats.relations == 4
    assert stats.provenance_records == 5
    assert stats.quotes == 2
    assert stats.by_class == {"Person": 3, "Country": 1, "Organization": 1, "Place": 1}
    assert list(stats.by_class) == ["Person", "Country", "Organization", "Place"]
    assert stats.by_predicate == {"basedIn": 1, "locatedIn": 1, "memberOf": 1, "wroteTo": 1}
    # Bob - David - Council - Norwich - England, and Jane on her own.
    assert (stats.components, stats.largest_component) == (2, 5)
    assert stats.betweenness_exact


def test_centrality_rankings_are_deterministic(small_graph: Graph) -> None:
    stats = graph_stats(small_graph)
    # Three entities tie on degree; the label breaks the tie. Jane (degree 0) is left out.
    assert [r.label for r in stats.top_degree] == [
        "David Finch",
        "Norfolk County Council",
        "Norwich",
        "Bob Russell",
        "England",
    ]
    assert stats.top_degree[0].score == pytest.approx(2 / 5)
    assert stats.top_degree[0].iri == DAVID
    assert [r.label for r in stats.top_betweenness] == [
        "Norfolk County Council",
        "David Finch",
        "Norwich",
    ]
    assert graph_stats(small_graph) == graph_stats(small_graph)


def test_top_ten_only() -> None:
    g = Graph()
    hub = KGR["person/hub"]
    g.add((hub, RDF.type, KG.Person))
    for i in range(15):
        spoke = KGR[f"person/s{i:02}"]
        g.add((spoke, RDF.type, KG.Person))
        g.add((hub, KG.told, spoke))
    stats = graph_stats(g)
    assert len(stats.top_degree) == 10
    assert stats.top_degree[0].iri == str(hub)
    assert [r.iri for r in stats.top_betweenness] == [str(hub)]


def test_large_graphs_sample_betweenness_with_a_fixed_seed(
    small_graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.analysis.stats, "_EXACT_BETWEENNESS_LIMIT", 3)
    monkeypatch.setattr(kg.analysis.stats, "_BETWEENNESS_SAMPLE", 3)
    first, second = graph_stats(small_graph), graph_stats(small_graph)
    assert not first.betweenness_exact
    assert first.top_betweenness == second.top_betweenness
    assert "sampled" in format_stats(first)


def test_format_stats(small_graph: Graph) -> None:
    text = format_stats(graph_stats(small_graph))
    lines = text.splitlines()
    assert lines[:6] == [
        "Documents             2",
        "Entities              6",
        "Relations             4",
        "Provenance records    5",
        "Quotes                2",
        "Connected components  2 (largest: 5)",
    ]
    assert "Entities by class" in lines and "Relations by predicate" in lines
    assert any(
        line.startswith("  David Finch") and "kgr:person/david-finch" in line for line in lines
    )
