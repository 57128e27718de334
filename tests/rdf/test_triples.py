"""kg.rdf.triples: deterministic IRIs for any name, one triple per fact, provenance, round trips."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV

from docs import assert_isomorphic, table
from kg.extract.entities import Entity
from kg.extract.extraction import Extraction, extract
from kg.extract.relations import Candidate
from kg.ingest.documents import Document
from kg.ontology.schema import KG, KGR, PREFIXES, name_key
from kg.rdf.triples import add_extraction, entity_iri, new_graph

CLASSES = st.sampled_from(["Person", "Organization", "Place", "Country", "Event", "Law"])
NAMES = st.text(max_size=40)
_NOT_IN_IRIS = set('<>"{}|^`\\ \t\r\n')


def fold(name: str) -> str:
    """What entity_iri documents as the same name: case, spaces, apostrophes, dots, hyphens."""
    key = name_key(name).replace("'", "").replace(".", " ").replace("-", " ")
    return " ".join(key.split())


def round_trip(graph: Graph) -> Graph:
    return Graph().parse(data=graph.serialize(format="turtle"), format="turtle")


# --------------------------------------------------------------------------- IRIs


@given(CLASSES, NAMES)
@example("Person", "")
@example("Person", "   ")
@example("Person", "'")
@example("Organization", 'The "Quoted" Firm')
@example("Organization", "<script>alert(1)</script>")
@example("Organization", "AT&T")
@example("Person", "Zoë 😀 Ortiz")
@example("Place", "\u200fتل أبيب\u200e")
@example("Place", "a\\b{c}|d^e`f")
@example("Person", "x\x00y\x1f")
@example("Person", "%20#frag?q=1")
def test_entity_iri_is_a_deterministic_iri_that_survives_turtle(cls: str, name: str) -> None:
    iri = entity_iri(cls, name)
    assert isinstance(iri, URIRef)
    assert iri == entity_iri(cls, name)
    assert iri.startswith(f"{KGR}{cls.lower()}_")
    assert not _NOT_IN_IRIS & set(iri)
    assert all(ch.isprintable() for ch in iri)
    graph = new_graph()
    graph.add((iri, RDF.type, KG[cls]))
    graph.add((iri, KG.text, Literal(name)))
    assert_isomorphic(graph, round_trip(graph))
    assert (iri, RDF.type, KG[cls]) in round_trip(graph)


@given(CLASSES, NAMES)
def test_names_that_fold_together_share_an_iri(cls: str, name: str) -> None:
    assert entity_iri(cls, name.upper()) == entity_iri(cls, name.upper())
    variant = " " + name.replace(" ", "  ").swapcase() + " "
    assume(name_key(variant) == name_key(name))
    assert entity_iri(cls, variant) == entity_iri(cls, name)


@given(CLASSES, NAMES, NAMES)
@example("Person", "Ana Lima", "Ana Lima!")
@example("Person", "Ana Lima", "Ana-Lima?")
@example("Person", "x_y", "x y")
@example("Person", "", "'")
@example("Place", "São Paulo", "Sao Paulo")
def test_names_that_do_not_fold_together_get_distinct_iris(cls: str, a: str, b: str) -> None:
    assume(fold(a) != fold(b))
    assert entity_iri(cls, a) != entity_iri(cls, b)


def test_entity_iri_examples() -> None:
    assert entity_iri("Person", "Bob Russell") == KGR["person_bob-russell"]
    assert entity_iri("Country", "People’s Republic") == entity_iri("Country", "people's republic")
    assert entity_iri("Person", "Ana Lima") != entity_iri("Organization", "Ana Lima")


# --------------------------------------------------------------------------- relations by hand

TEXT = "Dana Whitlow met Sam Ortiz. Sam Ortiz met Dana Whitlow."
DANA = Entity("Person", "Dana Whitlow")
SAM = Entity("Person", "Sam Ortiz")


def met(subject: Entity, obj: Entity, start: int, end: int, confidence: float = 0.85) -> Candidate:
    sentence = (0, 27) if start < 27 else (28, len(TEXT))
    return Candidate(subject, "met", obj, start, end, *sentence, "kg.verbs.v1", confidence)


def build(*relations: Candidate, text: str = TEXT) -> Graph:
    graph = new_graph()
    add_extraction(graph, Document("meetings.txt", text), Extraction((DANA, SAM), relations, ()))
    return graph


def statements(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, RDF.Statement) if isinstance(s, URIRef))


def test_symmetric_fact_is_stored_in_one_direction() -> None:
    graph = build(met(DANA, SAM, 0, 26), met(SAM, DANA, 28, 54))
    triples = list(graph.triples((None, KG.met, None)))
    assert len(triples) == 1
    [(s, _p, o)] = triples
    assert {s, o} == {entity_iri("Person", "Dana Whitlow"), entity_iri("Person", "Sam Ortiz")}
    records = statements(graph)
    assert len(records) == 2
    for stmt in records:
        assert (graph.value(stmt, RDF.subject), graph.value(stmt, RDF.object)) == (s, o)
    assert set(build(met(SAM, DANA, 0, 26)).triples((None, KG.met, None))) == set(triples)
    assert set(build(met(SAM, DANA, 28, 54)).triples((None, KG.met, None))) == set(triples)


def test_fact_read_twice_is_one_triple_with_two_provenance_records() -> None:
    graph = build(met(DANA, SAM, 0, 26), met(DANA, SAM, 28, 54))
    assert len(list(graph.triples((None, KG.met, None)))) == 1
    records = statements(graph)
    assert len(records) == 2
    assert {str(graph.value(s, KG.evidence)) for s in records} == {TEXT[0:26], TEXT[28:54]}
    assert {str(graph.value(s, KG.sentence)) for s in records} == {TEXT[:27], TEXT[28:]}


def test_same_input_gives_the_same_graph() -> None:
    a = build(met(DANA, SAM, 0, 26), met(SAM, DANA, 28, 54))
    b = build(met(SAM, DANA, 28, 54), met(DANA, SAM, 0, 26))
    assert_isomorphic(a, b)
    assert set(a) == set(b)


def test_label_and_aliases_do_not_depend_on_document_order() -> None:
    """Found by a property test: an alias equal to a label chosen later stayed an altLabel."""
    lower = Entity("Person", "ana lima", aliases=("ANA LIMA", "Ms Lima", " ", ""))
    upper = Entity("Person", "ANA LIMA", honorifics=("", "Ms"))
    first, second = Document("a", "x"), Document("b", "y")
    graphs = []
    for order in ([(first, lower), (second, upper)], [(second, upper), (first, lower)]):
        graph = new_graph()
        for document, entity in order:
            add_extraction(graph, document, Extraction((entity,), (), ()))
        graphs.append(graph)
    iri = entity_iri("Person", "Ana Lima")
    for graph in graphs:
        assert graph.value(iri, RDFS.label) == Literal("ANA LIMA")  # the least spelling
        assert set(graph.objects(iri, SKOS.altLabel)) == {Literal("ana lima"), Literal("Ms Lima")}
        assert set(graph.objects(iri, KG.honorific)) == {Literal("Ms")}  # blanks name nothing
    assert set(graphs[0]) == set(graphs[1])


@pytest.mark.parametrize(("given_", "stored"), [(1.7, "1"), (-0.2, "0"), (0.8456, "0.846")])
def test_confidence_is_a_decimal_clamped_to_0_1(given_: float, stored: str) -> None:
    graph = build(met(DANA, SAM, 0, 26, confidence=given_))
    [stmt] = statements(graph)
    confidence = graph.value(stmt, KG.confidence)
    assert isinstance(confidence, Literal) and confidence.datatype == XSD.decimal
    assert confidence.toPython() == Decimal(stored)


# --------------------------------------------------------------------------- end to end

LETTER = """
    0   Sir      2   compound  PROPN  -       B-PERSON
    1   Bob      2   compound  PROPN  -       I-PERSON
    2   Russell  3   nsubj     PROPN  -       I-PERSON
    3   wrote    3   ROOT      VERB   write
    4   to       3   prep      ADP
    5   Ana      6   compound  PROPN  -       B-PERSON
    6   Lima     4   pobj      PROPN  -       I-PERSON
    7   ,        6   punct     PUNCT
    8   High     9   compound  PROPN
    9   Steward  6   appos     PROPN
    10  of       9   prep      ADP
    11  Harbury  10  pobj      PROPN  -       B-GPE
    12  .        3   punct     PUNCT
    13  \\n\\n   3   dep       SPACE
    14  He       15  nsubj     PRON
    15  said     15  ROOT      VERB   say
    16  :        15  punct     PUNCT
    17  “        15  punct     PUNCT
    18  We       20  nsubj     PRON
    19  will     20  aux       AUX
    20  win      15  ccomp     VERB
    21  this     22  det       DET
    22  vote     20  dobj      NOUN
    23  .        15  punct     PUNCT
    24  ”        15  punct     PUNCT
"""


@pytest.fixture(scope="module")
def letter() -> tuple[str, Graph]:
    doc = table(LETTER)
    graph = new_graph()
    document = Document("letter.txt", doc.text, title="A letter", date="2026-01-02")
    add_extraction(graph, document, extract(doc))
    return doc.text, graph


def test_letter_graph_has_the_facts_and_the_quote(letter: tuple[str, Graph]) -> None:
    text, graph = letter
    assert text.startswith("Sir Bob Russell wrote to Ana Lima, High Steward of Harbury.\n\nHe")
    bob, ana = entity_iri("Person", "Bob Russell"), entity_iri("Person", "Ana Lima")
    harbury = entity_iri("Place", "Harbury")
    assert (bob, KG.wroteTo, ana) in graph
    assert (ana, KG.holdsPositionIn, harbury) in graph
    [stmt] = graph.subjects(RDF.predicate, KG.holdsPositionIn)
    assert graph.value(stmt, KG.roleTitle) == Literal("High Steward")
    [quote] = graph.subjects(RDF.type, KG.Quote)
    assert graph.value(quote, KG.speaker) == bob
    assert graph.value(quote, KG.text) == Literal("We will win this vote.")


def test_every_evidence_is_the_text_between_its_offsets(letter: tuple[str, Graph]) -> None:
    text, graph = letter
    records = list(graph.subjects(KG.evidence, None))
    assert len(records) == 3  # two relations and a quote
    for node in records:
        start, end = graph.value(node, KG.start), graph.value(node, KG.end)
        assert isinstance(start, Literal) and start.datatype == XSD.integer
        assert isinstance(end, Literal) and end.datatype == XSD.integer
        assert graph.value(node, KG.evidence) == Literal(text[start.toPython() : end.toPython()])
        sentence = str(graph.value(node, KG.sentence))
        assert sentence and sentence in text
        assert graph.value(node, PROV.wasDerivedFrom) is not None
        assert graph.value(node, PROV.wasAttributedTo) is not None


def test_every_confidence_is_a_decimal_in_0_1(letter: tuple[str, Graph]) -> None:
    _text, graph = letter
    values = list(graph.objects(None, KG.confidence))
    assert len(values) == 3
    for value in values:
        assert isinstance(value, Literal) and value.datatype == XSD.decimal
        assert Decimal(0) <= value.toPython() <= Decimal(1)


def test_turtle_round_trip_is_isomorphic_and_binds_only_kg_prefixes(
    letter: tuple[str, Graph],
) -> None:
    _text, graph = letter
    assert {prefix for prefix, _ns in graph.namespaces()} == set(PREFIXES)
    assert_isomorphic(graph, round_trip(graph))
