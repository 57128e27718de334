"""kg.rdf.export: every format round-trips, Turtle is deterministic, files are replaced whole."""

from __future__ import annotations

import io
import json
import random
import warnings
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib import Graph
from rdflib.compare import isomorphic

import kg.rdf.export
from kg.errors import KGError
from kg.rdf.export import FORMATS, PREFIXES, export, format_for_path, serialize, with_prefixes

RDF_PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


def _parse_rdf(data: bytes, fmt: str) -> Graph:
    # rdflib's own TriG and JSON-LD parsers use its deprecated ConjunctiveGraph
    # internally (RDFLib/rdflib#3475); that warning is about rdflib, not kg.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        if fmt == "trig":
            dataset = rdflib.Dataset()
            dataset.parse(data=data, format="trig")
            named = [
                g for g in dataset.graphs() if g.identifier != dataset.default_graph.identifier
            ]
            assert all(len(g) == 0 for g in named)
            out = Graph()
            out += dataset.default_graph
            return out
        return Graph().parse(data=data, format=RDF_PARSERS[fmt])


def _read_network(data: bytes, fmt: str) -> nx.Graph:
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    return reader(io.BytesIO(data))


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nt", "jsonld"])
def test_rdf_formats_round_trip(small_graph: Graph, fmt: str) -> None:
    assert isomorphic(_parse_rdf(serialize(small_graph, fmt), fmt), small_graph)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_formats_round_trip(small_graph: Graph, fmt: str) -> None:
    network = _read_network(serialize(small_graph, fmt), fmt)
    assert network.number_of_nodes() == 6
    assert network.number_of_edges() == 4
    bob = "https://w3id.org/kg/id/person/bob-russell"
    assert network.nodes[bob]["type"] == "Person"
    ((_, _, attrs),) = [e for e in network.edges(data=True) if e[0] == bob]
    assert attrs["sources"] == 2
    assert json.loads(attrs["sentences"])[0] == "Sir Bob Russell wrote to David Finch."


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_formats_keep_parallel_edges(small_graph: Graph, fmt: str) -> None:
    kg_ns = rdflib.Namespace(PREFIXES["kg"])
    bob = rdflib.URIRef(PREFIXES["kgr"] + "person/bob-russell")
    david = rdflib.URIRef(PREFIXES["kgr"] + "person/david-finch")
    small_graph.add((bob, kg_ns.told, david))
    network = _read_network(serialize(small_graph, fmt), fmt)
    assert network.number_of_edges() == 5


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_graph_exports(fmt: str) -> None:
    assert isinstance(serialize(Graph(), fmt), bytes)


def test_turtle_is_deterministic(small_graph: Graph) -> None:
    expected = serialize(small_graph, "ttl")
    assert serialize(small_graph, "ttl") == expected
    triples = list(small_graph)
    for seed in range(5):
        random.Random(seed).shuffle(triples)
        shuffled = Graph()
        shuffled.bind("foaf", "http://xmlns.com/foaf/0.1/")
        for triple in triples:
            shuffled.add(triple)
        assert serialize(shuffled, "ttl") == expected
        assert serialize(shuffled, "nt") == serialize(small_graph, "nt")


def test_only_the_model_prefixes_are_bound(small_graph: Graph) -> None:
    small_graph.bind("ex", "http://example.org/")
    before = sorted(small_graph.namespaces())
    text = serialize(small_graph, "ttl").decode()
    declared = {
        line.split()[1].rstrip(":") for line in text.splitlines() if line.startswith("@prefix")
    }
    assert declared <= set(PREFIXES)
    assert "ex" not in declared
    assert sorted(small_graph.namespaces()) == before  # the caller's graph is untouched
    assert {p for p, _ in with_prefixes(small_graph).namespaces()} == set(PREFIXES)


def test_prefixes_match_the_model() -> None:
    from kg.ontology.schema import KG, KGR

    assert PREFIXES["kg"] == str(KG) == "https://w3id.org/kg/ontology#"
    assert PREFIXES["kgr"] == str(KGR) == "https://w3id.org/kg/id/"
    assert list(PREFIXES) == [
        "kg",
        "kgr",
        "rdf",
        "rdfs",
        "xsd",
        "owl",
        "skos",
        "prov",
        "dcterms",
        "schema",
    ]
    assert PREFIXES["schema"] == "https://schema.org/"


def test_unknown_format_lists_the_available_ones(small_graph: Graph) -> None:
    with pytest.raises(KGError, match="Available formats: ttl, trig, nt, jsonld, graphml, gexf"):
        serialize(small_graph, "rdfxml")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("g.ttl", "ttl"),
        ("g.trig", "trig"),
        ("g.nt", "nt"),
        ("g.jsonld", "jsonld"),
        ("g.json", "jsonld"),
        ("g.graphml", "graphml"),
        ("G.GEXF", "gexf"),
    ],
)
def test_export_picks_the_format_from_the_suffix(
    small_graph: Graph, tmp_path: Path, name: str, fmt: str
) -> None:
    assert format_for_path(name) == fmt
    target = tmp_path / name
    export(small_graph, target)
    assert target.read_bytes() == serialize(small_graph, fmt)


def test_export_with_explicit_format(small_graph: Graph, tmp_path: Path) -> None:
    target = tmp_path / "graph.data"
    export(small_graph, target, "nt")
    assert isomorphic(_parse_rdf(target.read_bytes(), "nt"), small_graph)


def test_export_unknown_suffix(small_graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(KGError, match="Available formats: "):
        export(small_graph, tmp_path / "graph.xyz")
    assert list(tmp_path.iterdir()) == []


def test_failed_export_leaves_the_old_file(
    small_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "graph.ttl"
    target.write_text("old content\n", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("serialiser crashed")

    monkeypatch.setattr(kg.rdf.export.ox, "serialize", broken)
    with pytest.raises(RuntimeError, match="serialiser crashed"):
        export(small_graph, target)
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]  # no temporary file left
