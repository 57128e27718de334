"""Properties of the graph that must hold for any input, checked with Hypothesis.

The sample articles are polite English; real input is not. Hypothesis writes names
and documents full of quotes, angle brackets, RTL marks, emoji, control characters
and names that normalise to nothing, and checks kg's promises about them:

- an entity IRI is a valid IRI by a strict parser's rules (Oxigraph's), the same
  every time, and shared by two names only when they fold together
  (:func:`kg.rdf.triples.entity_iri`);
- every RDF file kg writes reads back, in Oxigraph's strict parsers, as exactly the
  triples of the rdflib graph it came from;
- the graph does not depend on the order of the inputs;
- every provenance record's ``kg:start``/``kg:end`` slice the document text to its
  ``kg:evidence``.

Graphs come two ways: from hand-built extractions through
:func:`kg.rdf.triples.add_extraction` (fast, so many examples, and free to be stranger
than any extractor), and from generated documents through the real pipeline,
``kg.build`` with the spaCy model (slow, so few examples). The pipeline tests
assert nothing about which relations the model finds, only about what any graph
must satisfy.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from random import Random

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

import kg
from docs import assert_isomorphic
from kg.errors import InputError
from kg.extract.entities import Entity
from kg.extract.extraction import Extraction
from kg.extract.nlp import load_model
from kg.extract.quotes import Quote
from kg.extract.relations import Candidate
from kg.ingest.documents import Document, InputProblem
from kg.ontology.schema import KG, KGR, name_key
from kg.rdf.export import serialize
from kg.rdf.triples import add_extraction, entity_iri, new_graph

# ---------------------------------------------------------------- strategies

CLASSES = st.sampled_from(["Person", "Organization", "Place", "Country"])
PREDICATES = st.sampled_from(["met", "wroteTo", "criticised"])  # met is symmetric
EXTRACTORS = st.sampled_from(["kg.verbs.v1", "kg.roles.v1"])

TRICKY_CHARS = (
    "\"'’‘`<>\\{}|^&%#?/_.-:; \t\r\n\x00\x07\x0c\x1b\x7f\x85"
    "\u00a0\u00ad\u0301\u200b\u200d\u200e\u200f\u202e\u2028\u2029\ufeff\ufffd"
    "😀👩ßİΣﬁ²"
)
"""Characters that break naive IRIs, Turtle escaping, XML or offsets."""

TRICKY = st.sampled_from(TRICKY_CHARS)
LETTERS = st.characters(categories=["Lu", "Ll"], max_codepoint=0x24F)
NAMES = st.one_of(
    st.text(max_size=30),  # any code point but lone surrogates
    st.text(st.one_of(TRICKY, LETTERS), max_size=20),
)
TEXTS = st.one_of(st.text(max_size=120), st.text(st.one_of(TRICKY, LETTERS, st.just(" "))))

EMPTY_AFTER_NORMALISATION = ["", " ", "\u00a0\u2028", "'", "’", "\u200b", "\ufeff", "-", "_", ".."]


def fold(name: str) -> str:
    """The most entity_iri may merge: name_key, then apostrophes, dots and hyphens."""
    key = name_key(name).replace("'", "").replace(".", " ").replace("-", " ")
    return " ".join(key.split())


def variants(name: str) -> st.SearchStrategy[str]:
    """Names close to ``name``: the pairs most likely to collide if anything is lossy."""
    positions = st.integers(0, len(name))
    return st.one_of(
        st.sampled_from(
            [
                name.upper(),
                name.swapcase(),
                f"  {name} ",
                name.replace(" ", "-"),
                name.replace(" ", "_"),
                name.replace(" ", "."),
                name.replace("'", "’"),
                name + ".",
                name + "'s",
            ]
        ),
        st.tuples(positions, TRICKY).map(lambda pc: name[: pc[0]] + pc[1] + name[pc[0] :]),
        positions.map(lambda i: name[:i] + name[i + 1 :]),
    )


@st.composite
def spans(draw: st.DrawFn, text: str) -> tuple[int, int]:
    a, b = draw(st.integers(0, len(text))), draw(st.integers(0, len(text)))
    return min(a, b), max(a, b)


def spellings(name: str) -> st.SearchStrategy[str]:
    """The same name as another document might write it (one key, other letters)."""
    return st.sampled_from([name, name.upper(), name.lower(), name.title(), f" {name}  "])


@st.composite
def extractions(
    draw: st.DrawFn, doc_id: str, known: Sequence[tuple[str, str]]
) -> tuple[Document, Extraction]:
    """One document and an extraction of it as strange as the dataclasses allow.

    Entities are new names or respellings of ``known`` (class, name) pairs that the
    other documents share, so that documents meet on one node in every possible way.
    """
    text = draw(TEXTS)
    identities = st.sampled_from(known).flatmap(
        lambda pair: st.tuples(st.just(pair[0]), spellings(pair[1]))
    )
    names = st.sampled_from(known).flatmap(lambda pair: spellings(pair[1])) | NAMES
    entities = tuple(
        Entity(
            cls,
            name,
            aliases=tuple(draw(st.lists(names, max_size=2))),
            honorifics=tuple(draw(st.lists(st.sampled_from(["Dr", "Ms", "Sir", ""]), max_size=2))),
        )
        for cls, name in draw(
            st.lists(identities | st.tuples(CLASSES, NAMES), min_size=1, max_size=4)
        )
    )
    relations: dict[tuple[object, ...], Candidate] = {}
    for _ in range(draw(st.integers(0, 4))):
        (start, end), (s_start, s_end) = draw(spans(text)), draw(spans(text))
        relation = Candidate(
            draw(st.sampled_from(entities)),
            draw(PREDICATES),
            draw(st.sampled_from(entities)),
            start,
            end,
            s_start,
            s_end,
            draw(EXTRACTORS),
            draw(st.floats(-1, 2, allow_nan=False)),
            role_title=draw(st.none() | NAMES),
        )
        # One record per place and extractor, as kg.extract.extraction guarantees.
        key = (relation.subject.key, relation.predicate, relation.object.key, start, end)
        relations.setdefault((*key, relation.extractor), relation)
    quotes: dict[tuple[int, int], Quote] = {}
    for _ in range(draw(st.integers(0, 2))):
        (start, end), (e_start, e_end), (s_start, s_end) = (draw(spans(text)) for _ in range(3))
        quotes.setdefault(
            (start, end),
            Quote(
                text[start:end],
                start,
                end,
                draw(st.none() | st.sampled_from(entities)),
                draw(st.none() | NAMES),
                e_start,
                e_end,
                s_start,
                s_end,
                draw(st.floats(0, 1)),
            ),
        )
    document = Document(
        doc_id,
        text,
        title=draw(st.none() | NAMES),
        date=draw(st.none() | st.dates().map(str)),
        url=draw(st.none() | NAMES),
    )
    return document, Extraction(entities, tuple(relations.values()), tuple(quotes.values()))


@st.composite
def corpora(draw: st.DrawFn) -> list[tuple[Document, Extraction]]:
    ids = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    known = draw(st.lists(st.tuples(CLASSES, NAMES), min_size=1, max_size=3))
    return [draw(extractions(doc_id, known)) for doc_id in ids]


def build_by_hand(corpus: Iterable[tuple[Document, Extraction]]) -> Graph:
    graph = new_graph()
    for document, extraction in corpus:
        add_extraction(graph, document, extraction)
    return graph


# Documents for the real pipeline: sentences of my own with generated names in them.
PEOPLE = st.sampled_from(["Nadia Okafor", "Tomás Ruiz", "Dr Lena Voss", "Kenji Sato"])
ORGS = st.sampled_from(["Kestrel Labs", "Brindle Water", "Harrow County Council"])
PLACES = st.sampled_from(["Porto", "Leeds", "Osaka"])
WORD = st.text(LETTERS, min_size=2, max_size=8).map(str.capitalize)
ODD_NAMES = st.builds(
    lambda first, last, tail: f"{first} {last}{tail}",
    WORD,
    WORD,
    st.sampled_from(["", "’s", "-Smith", " <b>", ' "Jr"', "\u200f", " 😀", "\x00", " & Co"]),
)
PIPELINE_NAMES = PEOPLE | ODD_NAMES
TEMPLATES = [
    "{a} met {b} in {place}.",
    "{a} wrote to {b} about {noise}.",
    "“{noise},” said {a}.",
    "{b}, the director of {org}, criticised {a}.",
    "{a} said: “We will not sell {org}.”",
    "{noise}",
    "{org} sued {b} in {place} on Monday.",
]
SEPARATORS = st.sampled_from([" ", "\n\n", "\r\n", "\u2028", "\t", " \x0c "])


@st.composite
def pipeline_texts(draw: st.DrawFn) -> str:
    sentences = []
    for template in draw(st.lists(st.sampled_from(TEMPLATES), min_size=1, max_size=5)):
        sentences.append(
            template.format(
                a=draw(PIPELINE_NAMES),
                b=draw(PIPELINE_NAMES),
                org=draw(ORGS | ODD_NAMES),
                place=draw(PLACES),
                noise=draw(st.text(max_size=25)),
            )
        )
        sentences.append(draw(SEPARATORS))
    return "".join(sentences)


@st.composite
def pipeline_documents(draw: st.DrawFn, min_size: int = 1) -> list[Document]:
    ids = draw(st.lists(NAMES.filter(str.strip), min_size=min_size, max_size=3, unique=True))
    return [Document(doc_id, draw(pipeline_texts())) for doc_id in ids]


def build_with_model(documents: Sequence[Document]) -> Graph:
    return kg.build(list(documents), nlp=load_model()).graph


# Enough examples to find the bugs these tests have found, few enough for CI.
FAST = settings(max_examples=150, deadline=None)
CORPUS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- comparing as triples

Term = tuple[str, str, str, str]


def rdflib_term(node: Node) -> Term:
    if isinstance(node, URIRef):
        return ("iri", str(node), "", "")
    if isinstance(node, BNode):
        return ("bnode", str(node), "", "")
    if isinstance(node, Literal):
        if node.language:
            return ("literal", str(node), node.language.lower(), "")
        return ("literal", str(node), "", str(node.datatype or XSD.string))
    raise TypeError(f"not an RDF term: {node!r}")


def ox_term(node: object) -> Term:
    if isinstance(node, ox.NamedNode):
        return ("iri", node.value, "", "")
    if isinstance(node, ox.BlankNode):
        return ("bnode", node.value, "", "")
    if isinstance(node, ox.Literal):
        if node.language:
            return ("literal", node.value, node.language.lower(), "")
        return ("literal", node.value, "", node.datatype.value)
    raise TypeError(f"not an RDF term: {node!r}")


def to_rdflib(triples: Iterable[tuple[Term, Term, Term]]) -> Graph:
    def node(term: Term) -> Node:
        kind, value, language, datatype = term
        if kind == "iri":
            return URIRef(value)
        if kind == "bnode":
            return BNode(value)
        if language:
            return Literal(value, lang=language)
        return Literal(value, datatype=URIRef(datatype))

    graph = Graph()
    for s, p, o in triples:
        graph.add((node(s), node(p), node(o)))
    return graph


def assert_same_triples(parsed: Iterable[ox.Triple | ox.Quad], graph: Graph) -> None:
    """Oxigraph's reading equals the rdflib graph: as sets, or as graphs if blank nodes."""
    got = set()
    for item in parsed:
        if isinstance(item, ox.Quad):
            assert isinstance(item.graph_name, ox.DefaultGraph), item  # no named graphs
        got.add((ox_term(item.subject), ox_term(item.predicate), ox_term(item.object)))
    want = {(rdflib_term(s), rdflib_term(p), rdflib_term(o)) for s, p, o in graph}
    if any(term[0] == "bnode" for triple in got | want for term in triple):
        assert isomorphic(to_rdflib(got), to_rdflib(want))
        return
    assert got == want, f"only in the file: {got - want}\nonly in the graph: {want - got}"


STRICT_PARSERS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def assert_files_read_back_strictly(graph: Graph) -> None:
    for fmt, parser in STRICT_PARSERS.items():
        try:
            parsed = list(ox.parse(serialize(graph, fmt), format=parser))
        except SyntaxError as exc:
            pytest.fail(f"Oxigraph rejects kg's {fmt}: {exc}")
        assert_same_triples(parsed, graph)


# ---------------------------------------------------------------- entity IRIs


@FAST
@given(CLASSES, NAMES)
@example("Person", 'The "Quoted" <Firm>')
@example("Person", "Zoë 😀 O’Brien-Smith")
@example("Place", "\u200fתל אביב\u200e")
@example("Organization", "a\\b{c}|d^e`f%20#x?y")
@example("Person", "x\x00y\x1b\x7fz\x85")
@example("Person", "\u202eevil\u202c")
@example("Person", "👩\u200d🔬")
def test_entity_iri_is_a_strict_iri_and_the_same_every_time(cls: str, name: str) -> None:
    iri = entity_iri(cls, name)
    ox.NamedNode(str(iri))  # Oxigraph checks RFC 3987 and raises ValueError otherwise
    assert str(iri).startswith(f"{KGR}{cls.lower()}_")
    assert entity_iri.__wrapped__(cls, name) == iri  # computed afresh, not from the cache
    graph = new_graph()
    graph.add((iri, RDF.type, KG[cls]))
    graph.add((iri, RDFS.label, Literal(name)))
    assert_files_read_back_strictly(graph)


@pytest.mark.parametrize("name", EMPTY_AFTER_NORMALISATION)
def test_names_that_normalise_to_nothing_still_get_a_valid_iri(name: str) -> None:
    iri = entity_iri("Person", name)
    ox.NamedNode(str(iri))
    assert str(iri) != f"{KGR}person_"
    assert iri == entity_iri.__wrapped__("Person", name)


@FAST
@given(CLASSES, NAMES, st.data())
def test_names_share_an_iri_only_when_they_fold_together(
    cls: str, name: str, data: st.DataObject
) -> None:
    other = data.draw(variants(name) | NAMES, label="other")
    same = entity_iri(cls, name) == entity_iri(cls, other)
    if name_key(name) == name_key(other):
        assert same  # one entity, one node
    if same:
        assert fold(name) == fold(other)  # never two different names
    assert entity_iri(cls, name) != entity_iri("Event" if cls != "Event" else "Law", name)


# ---------------------------------------------------------------- strict parsers agree


@CORPUS
@given(corpora())
def test_files_read_back_by_a_strict_parser_as_the_same_triples(
    corpus: list[tuple[Document, Extraction]],
) -> None:
    assert_files_read_back_strictly(build_by_hand(corpus))


@pytest.mark.slow
@SLOW
@given(pipeline_documents())
def test_pipeline_graphs_read_back_by_a_strict_parser(documents: list[Document]) -> None:
    assert_files_read_back_strictly(build_with_model(documents))


# ---------------------------------------------------------------- input order


@CORPUS
@given(corpora(), st.randoms(use_true_random=False))
def test_extraction_order_does_not_change_the_graph(
    corpus: list[tuple[Document, Extraction]], random: Random
) -> None:
    shuffled = list(corpus)
    random.shuffle(shuffled)
    first, second = build_by_hand(corpus), build_by_hand(shuffled)
    assert_isomorphic(first, second)
    assert serialize(first, "ttl") == serialize(second, "ttl")


@pytest.mark.slow
@SLOW
@given(pipeline_documents(min_size=2), st.data())
def test_input_file_order_does_not_change_the_graph(
    documents: list[Document], data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(documents))), label="order")
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, document in enumerate(documents):
            path = Path(folder) / f"doc{index}.txt"
            path.write_bytes(document.text.encode("utf-8"))
            paths.append(str(path))
        first = _build_files(paths)
        second = _build_files([paths[i] for i in order])
    assert first[1] == second[1]  # the same files skipped, with the same messages
    if first[0] is None or second[0] is None:
        assert first[0] is second[0] is None  # nothing readable either way
        return
    assert_isomorphic(first[0].graph, second[0].graph)
    for fmt in ("ttl", "nt"):
        assert first[0].serialize(format=fmt) == second[0].serialize(format=fmt)


def _build_files(paths: list[str]) -> tuple[kg.KnowledgeGraph | None, list[str]]:
    """The graph (None if no file was readable) and the problems reported, sorted."""
    problems: list[InputProblem] = []
    try:
        graph = kg.build(paths, nlp=load_model(), on_problem=problems.append)
    except InputError:
        graph = None
    return graph, sorted(str(problem) for problem in problems)


# ---------------------------------------------------------------- offsets


def assert_every_record_slices_its_evidence(graph: Graph, texts: dict[str, str]) -> int:
    """Check every statement and quote; return how many records there were."""
    records = set(graph.subjects(RDF.type, RDF.Statement)) | set(graph.subjects(RDF.type, KG.Quote))
    assert set(graph.subjects(KG.evidence, None)) == records  # every record has evidence
    for node in records:
        [doc] = graph.objects(node, PROV.wasDerivedFrom)
        [identifier] = graph.objects(doc, DCTERMS.identifier)
        text = texts[str(identifier)]
        [start] = graph.objects(node, KG.start)
        [end] = graph.objects(node, KG.end)
        [evidence] = graph.objects(node, KG.evidence)
        assert isinstance(start, Literal) and start.datatype == XSD.integer
        assert isinstance(end, Literal) and end.datatype == XSD.integer
        s, e = start.toPython(), end.toPython()
        assert 0 <= s <= e <= len(text)
        assert text[s:e] == str(evidence)
        [sentence] = graph.objects(node, KG.sentence)
        assert str(sentence) in text
    return len(records)


@CORPUS
@given(corpora())
def test_offsets_slice_the_evidence_in_hand_built_graphs(
    corpus: list[tuple[Document, Extraction]],
) -> None:
    graph = build_by_hand(corpus)
    assert_every_record_slices_its_evidence(graph, {d.id: d.text for d, _ in corpus})


@pytest.mark.slow
@SLOW
@given(pipeline_documents())
@example([Document("fixed", "Nadia Okafor met Tomás Ruiz in Porto.\r\n“We won,” said Ruiz.")])
def test_offsets_slice_the_evidence_in_pipeline_graphs(documents: list[Document]) -> None:
    graph = build_with_model(documents)
    assert_every_record_slices_its_evidence(graph, {d.id: d.text for d in documents})


@pytest.mark.slow
def test_the_pipeline_properties_are_not_vacuous() -> None:
    """The generated documents do give the model something to find."""
    documents = [
        Document(f"d{i}", text)
        for i, text in enumerate(
            "Nadia Okafor met Kenji Sato in Leeds.\u2028"
            f"“{noise},” said Kenji Sato.\r\nKestrel Labs sued Tomás Ruiz in Osaka on Monday."
            for noise in ("We will\x00 win", "<b>Never</b> & \u200fagain", "😀 “nested” ‘quotes’")
        )
    ]
    graph = build_with_model(documents)
    assert assert_every_record_slices_its_evidence(graph, {d.id: d.text for d in documents})
    assert set(graph.subjects(RDF.type, KG.Quote))
    assert set(graph.subjects(RDF.type, RDF.Statement))
    assert_files_read_back_strictly(graph)
