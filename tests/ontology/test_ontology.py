"""The ontology files are the single source of truth, and they are complete."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import spacy
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from spacy.tokens import Doc

from kg.errors import OntologyError
from kg.extract.extraction import extract
from kg.ontology.schema import KG, PREFIXES, load_ontology, ontology_dir

FIRED = """
kg:fired a owl:ObjectProperty ; rdfs:label "fired" ;
    rdfs:comment "The organisation dismissed the person." ;
    rdfs:domain kg:Organization ; rdfs:range kg:Person ;
    kg:verbHint "fire", "sack", "dismiss" .
"""


def _hinted(graph: Graph) -> set[URIRef]:
    hints = (
        KG.verbHint,
        KG.nounHint,
        KG.roleHint,
        KG.demonymHint,
        KG.linkHint,
        KG.resultHint,
        KG.defaultRole,
    )
    return {s for h in hints for s in graph.subjects(h, None) if isinstance(s, URIRef)}


def test_every_hinted_property_is_fully_declared() -> None:
    onto = load_ontology()
    hinted = _hinted(onto.graph) - {KG.speaker}
    assert len(hinted) >= 30
    for prop in hinted:
        assert (prop, RDF.type, OWL.ObjectProperty) in onto.graph, prop
        for annotation in (RDFS.label, RDFS.comment, RDFS.domain, RDFS.range):
            assert onto.graph.value(prop, annotation) is not None, (prop, annotation)
        assert str(prop).removeprefix(str(KG)) in onto.properties


def test_domains_and_ranges_are_declared_classes() -> None:
    onto = load_ontology()
    for prop in _hinted(onto.graph):
        for annotation in (RDFS.domain, RDFS.range):
            cls = onto.graph.value(prop, annotation)
            assert str(cls).removeprefix(str(KG)) in onto.classes, (prop, cls)


def test_closed_namespace_rejects_typos() -> None:
    onto = load_ontology()
    assert onto.term("wroteTo") == KG.wroteTo
    with pytest.raises(OntologyError, match="wroteTooo"):
        onto.term("wroteTooo")


def test_prefixes_are_the_documented_ten() -> None:
    assert sorted(PREFIXES) == sorted(
        ["kg", "kgr", "rdf", "rdfs", "xsd", "owl", "skos", "prov", "dcterms", "schema"]
    )


def test_malformed_ontology_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "kg.ttl").write_text("kg:broken a .\n", encoding="utf-8")
    with pytest.raises(OntologyError, match=r"kg\.ttl: cannot parse") as info:
        load_ontology(str(tmp_path))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("name", ["kg.ttl", "places.ttl", "shapes.ttl"])
def test_the_ontology_reads_as_rdflib_parses_it(name: str) -> None:
    # Read with Oxigraph's parser for speed: the graph and its prefixes must be
    # rdflib's own, plain strings without a datatype included.
    from rdflib.compare import isomorphic

    from kg.ontology.terms import read_turtle

    path = ontology_dir() / name
    theirs = Graph(bind_namespaces="core")
    theirs.parse(path, format="turtle")
    ours = Graph(bind_namespaces="core")
    read_turtle(ours, path)
    assert len(ours) == len(theirs) > 100
    assert isomorphic(ours, theirs)
    assert sorted(ours.namespaces()) == sorted(theirs.namespaces())


def test_a_new_pattern_needs_no_code(tmp_path: Path) -> None:
    for path in ontology_dir().glob("*.ttl"):
        shutil.copy(path, tmp_path / path.name)
    with (tmp_path / "kg.ttl").open("a", encoding="utf-8") as fh:
        fh.write(FIRED)
    onto = load_ontology(str(tmp_path))
    # "Acme Builders sacked Jo Bloggs ." built by hand: no model needed.
    words = ["Acme", "Builders", "sacked", "Jo", "Bloggs", "."]
    doc = Doc(
        spacy.blank("en").vocab,
        words=words,
        heads=[1, 2, 2, 4, 2, 2],
        deps=["compound", "nsubj", "ROOT", "compound", "dobj", "punct"],
        pos=["PROPN", "PROPN", "VERB", "PROPN", "PROPN", "PUNCT"],
        lemmas=["Acme", "Builders", "sack", "Jo", "Bloggs", "."],
        ents=["B-ORG", "I-ORG", "O", "B-PERSON", "I-PERSON", "O"],
    )
    facts = {(r.subject.name, r.predicate, r.object.name) for r in extract(doc, onto).relations}
    assert facts == {("Acme Builders", "fired", "Jo Bloggs")}
    assert extract(doc, load_ontology()).relations == ()  # the shipped ontology has no such hint
