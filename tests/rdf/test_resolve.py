"""kg.rdf.resolve: cross-document merges of people and organisations, and their records.

Graphs are made by hand from extractions, as a build would write them; the texts
are never parsed, so these tests need no model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic
from rdflib.namespace import OWL, RDF

import kg
from kg.cli.main import cli
from kg.extract.entities import Entity
from kg.extract.extraction import Extraction
from kg.ingest.documents import Document
from kg.ontology.schema import KG
from kg.rdf.network import to_networkx
from kg.rdf.resolve import find_merges, resolve, unmerge
from kg.rdf.triples import add_extraction, entity_iri, new_graph


def person(name: str, *honorifics: str) -> Entity:
    return Entity("Person", name, honorifics=honorifics)


def org(name: str) -> Entity:
    return Entity("Organization", name)


def place(name: str) -> Entity:
    return Entity("Place", name)


def graph_of(*documents: tuple[Entity, ...]) -> Graph:
    """One document per tuple of entities, each named in it."""
    graph = new_graph()
    for entities in documents:
        text = "; ".join(e.name for e in entities) or "nothing"
        add_extraction(graph, Document(text, text), Extraction(entities, (), ()))
    return graph


def merged(graph: Graph) -> set[tuple[str, str]]:
    """(merged name, canonical name) of every merge found."""
    return {m.names for m in find_merges(graph)}


ELLERY_CONTEXT = (org("Brightvale Trust"), place("Harbury"))


def test_three_outlets_name_one_man_three_ways() -> None:
    graph = graph_of(
        (person("Thomas Ellery"), *ELLERY_CONTEXT),
        (person("Tom Ellery", "Sir"), *ELLERY_CONTEXT),
        (person("Ellery"), *ELLERY_CONTEXT),
    )
    assert merged(graph) == {("Tom Ellery", "Thomas Ellery"), ("Ellery", "Thomas Ellery")}


def test_two_people_who_share_a_surname_stay_apart() -> None:
    graph = graph_of(
        (person("Tom Ellery"), *ELLERY_CONTEXT),
        (person("Anna Ellery"), *ELLERY_CONTEXT),
    )
    assert merged(graph) == set()


def test_a_bare_surname_two_people_could_have_is_not_merged() -> None:
    graph = graph_of(
        (person("Tom Ellery"), *ELLERY_CONTEXT),
        (person("Anna Ellery"), *ELLERY_CONTEXT),
        (person("Ellery"), *ELLERY_CONTEXT),
    )
    assert merged(graph) == set()


def test_a_shared_first_name_is_never_enough() -> None:
    graph = graph_of(
        (person("Alan Pryce", "Sir"), *ELLERY_CONTEXT),
        (person("Alan Hoyle"), *ELLERY_CONTEXT),
    )
    assert merged(graph) == set()


def test_a_surname_alone_needs_agreeing_evidence() -> None:
    graph = graph_of(
        (person("Tom Ellery"), *ELLERY_CONTEXT),
        (person("Ellery"), org("Marlow Group")),  # named with nothing the other is
    )
    assert merged(graph) == set()


def test_sir_and_a_first_name_is_the_knight_of_that_name() -> None:
    graph = graph_of(
        (person("Alan Pryce", "Sir"), *ELLERY_CONTEXT),
        (person("Alan", "Sir"), *ELLERY_CONTEXT),
    )
    assert merged(graph) == {("Alan", "Alan Pryce")}


def test_an_organisation_named_by_the_start_of_its_name_or_its_initials() -> None:
    context = (person("Tom Ellery"), place("Harbury"))
    graph = graph_of(
        (org("BVT Capital"), *context),
        (org("BVT"), *context),
        (org("Harbury Community Food Bank"), *context),
        (org("HCFB"), *context),
    )
    assert merged(graph) == {("BVT", "BVT Capital"), ("HCFB", "Harbury Community Food Bank")}


def test_a_place_word_that_begins_an_organisations_name_is_not_it() -> None:
    context = (person("Tom Ellery"), place("Harbury"))
    graph = graph_of((org("Thornforth"), *context), (org("Thornforth Town Council"), *context))
    assert merged(graph) == set()


def test_a_person_and_an_organisation_are_never_merged() -> None:
    graph = graph_of((person("Jo Marlow"), *ELLERY_CONTEXT), (org("Marlow"), *ELLERY_CONTEXT))
    assert merged(graph) == set()


def test_a_merge_folds_the_alias_in_and_unmerge_splits_it_again() -> None:
    graph = graph_of(
        (person("Thomas Ellery"), *ELLERY_CONTEXT), (person("Tom Ellery", "Sir"), *ELLERY_CONTEXT)
    )
    before = Graph()
    before += graph
    (merge,) = resolve(graph)
    alias, canonical = entity_iri("Person", "Tom Ellery"), entity_iri("Person", "Thomas Ellery")
    assert set(graph.triples((alias, None, None))) == {(alias, OWL.sameAs, canonical)}
    assert (merge.iri, RDF.type, KG.Merge) in graph
    assert 0.8 <= merge.score <= 1.0 and "Brightvale Trust" in merge.reason
    rows = (
        kg.KnowledgeGraph(graph)
        .query("SELECT ?c ?m WHERE { ?r a kg:Merge ; kg:canonicalName ?c ; kg:mergedName ?m }")
        .rows
    )
    assert [(str(c), str(m)) for c, m in rows] == [("Thomas Ellery", "Tom Ellery")]
    names = (
        kg.KnowledgeGraph(graph)
        .query(f"SELECT ?n WHERE {{ <{canonical}> rdfs:label|skos:altLabel ?n }}")
        .rows
    )
    assert sorted(str(n[0]) for n in names) == ["Thomas Ellery", "Tom Ellery"]
    assert unmerge(graph, merge.iri)
    assert isomorphic(graph, before), graph_diff(graph, before)
    assert not unmerge(graph, merge.iri)


def test_after_a_merge_the_network_has_one_node() -> None:
    graph = graph_of(
        (person("Thomas Ellery"), *ELLERY_CONTEXT), (person("Tom Ellery"), *ELLERY_CONTEXT)
    )
    assert len([n for n, t in to_networkx(graph).nodes(data="type") if t == "Person"]) == 2
    resolve(graph)
    people = [n for n, t in to_networkx(graph).nodes(data="type") if t == "Person"]
    assert people == [str(entity_iri("Person", "Thomas Ellery"))]


def test_merges_do_not_depend_on_the_order_of_documents() -> None:
    docs = [
        (person("Thomas Ellery"), *ELLERY_CONTEXT),
        (person("Tom Ellery", "Sir"), *ELLERY_CONTEXT),
        (person("Ellery"), *ELLERY_CONTEXT),
        (org("BVT Capital"), *ELLERY_CONTEXT),
        (org("BVT"), *ELLERY_CONTEXT),
    ]
    assert find_merges(graph_of(*docs)) == find_merges(graph_of(*reversed(docs)))


@pytest.mark.slow
def test_kg_build_merges_across_documents_and_unmerge_takes_it_back(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Thomas Ellery, the chairman of Brightvale Trust, visited Harbury on Monday.\n",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text(
        "Sir Tom Ellery told Brightvale Trust staff in Harbury that the fund would grow.\n",
        encoding="utf-8",
    )
    out = tmp_path / "g.ttl"
    runner = CliRunner()
    result = runner.invoke(cli, ["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                                 "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    graph = kg.load(out)
    rows = graph.query(kg_merges := "SELECT ?m WHERE { ?m a kg:Merge }").rows
    assert len(rows) == 1
    listed = runner.invoke(cli, ["query", str(out), "merges"])
    assert "Tom Ellery" in listed.output and "Thomas Ellery" in listed.output
    merge_id = str(rows[0][0]).rsplit("/", 1)[-1]
    result = runner.invoke(cli, ["unmerge", str(out), merge_id])
    assert result.exit_code == 0, result.output
    taken_back = kg.load(out)
    assert taken_back.query(kg_merges).rows == ()
    never = tmp_path / "never.ttl"
    unmerged = runner.invoke(cli, ["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                                   "--no-merge", "-o", str(never)])  # fmt: skip
    assert unmerged.exit_code == 0
    assert isomorphic(taken_back.graph, kg.load(never).graph)
    bad = runner.invoke(cli, ["unmerge", str(out), "merge_0000"])
    assert bad.exit_code == 1 and "no merge merge_0000" in bad.output


def test_an_initial_needs_agreeing_evidence() -> None:
    alone = graph_of((person("Tom Ellery"),), (person("T. Ellery"), org("Marlow Group")))
    assert merged(alone) == set()
    together = graph_of(
        (person("Tom Ellery"), *ELLERY_CONTEXT), (person("T. Ellery"), *ELLERY_CONTEXT)
    )
    assert merged(together) == {("T. Ellery", "Tom Ellery")}
