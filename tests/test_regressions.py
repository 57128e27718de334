"""Bugs found by review, each pinned by the smallest Doc that showed it."""

from __future__ import annotations

from docs import make_doc
from kg.extract.extraction import extract
from kg.extract.mentions import find_mentions
from kg.rdf.triples import entity_iri


def test_tagged_description_is_generic() -> None:
    doc = make_doc(
        ["Locals", "blamed", "the", "county", "council", "."],
        heads=[1, 1, 4, 4, 1, 1],
        deps=["nsubj", "ROOT", "det", "compound", "dobj", "punct"],
        pos=["NOUN", "VERB", "DET", "NOUN", "NOUN", "PUNCT"],
        ents=["O", "O", "B-ORG", "I-ORG", "I-ORG", "O"],
    )
    [mention] = find_mentions(doc)
    assert mention.kind == "generic"


def test_name_particles_stay_in_the_name() -> None:
    doc = make_doc(
        ["Ana", "de", "Souza", "spoke", "."],
        heads=[2, 2, 3, 3, 3],
        deps=["compound", "compound", "nsubj", "ROOT", "punct"],
        pos=["PROPN", "X", "PROPN", "VERB", "PUNCT"],
        ents=["B-PERSON", "I-PERSON", "I-PERSON", "O", "O"],
    )
    assert [m.name for m in find_mentions(doc)] == ["Ana de Souza"]


def test_town_of_x_in_y_with_in_on_the_name() -> None:
    words = ["Officials", "from", "the", "town", "of", "Brackwell", "in", "Dorset", "arrived", "."]
    doc = make_doc(
        words,
        heads=[8, 0, 3, 1, 3, 4, 5, 6, 8, 8],
        deps=["nsubj", "prep", "det", "pobj", "prep", "pobj", "prep", "pobj", "ROOT", "punct"],
        pos=["NOUN", "ADP", "DET", "NOUN", "ADP", "PROPN", "ADP", "PROPN", "VERB", "PUNCT"],
        ents=["O", "O", "O", "O", "O", "B-GPE", "O", "B-GPE", "O", "O"],
    )
    facts = {(r.subject.name, r.predicate, r.object.name) for r in extract(doc).relations}
    assert facts == {("Brackwell", "locatedIn", "Dorset")}


def test_a_list_of_places_is_not_a_place_and_its_region() -> None:
    words = ["Residents", "of", "Brackwell", ",", "Dorset", "and", "Kent", "complained", "."]
    doc = make_doc(
        words,
        heads=[7, 0, 1, 2, 2, 4, 4, 7, 7],
        deps=["nsubj", "prep", "pobj", "punct", "appos", "cc", "conj", "ROOT", "punct"],
        pos=["NOUN", "ADP", "PROPN", "PUNCT", "PROPN", "CCONJ", "PROPN", "VERB", "PUNCT"],
        ents=["O", "O", "B-GPE", "O", "B-GPE", "O", "B-GPE", "O", "O"],
    )
    assert extract(doc).relations == ()


def test_hashed_iri_cannot_equal_a_readable_one() -> None:
    hashed = entity_iri("Person", "Ana Lima!")
    readable = entity_iri("Person", f"Ana Lima {str(hashed).rsplit('_', 1)[1]}")
    assert hashed != readable


def _facts(doc: object) -> set[tuple[str, str, str]]:
    return {(r.subject.name, r.predicate, r.object.name) for r in extract(doc).relations}  # type: ignore[arg-type]


def test_relative_pronoun_and_city_of_x() -> None:
    # "Tarn Seeds , which is based in the city of Pune ."
    doc = make_doc(
        ["Tarn", "Seeds", ",", "which", "is", "based", "in", "the", "city", "of", "Pune", "."],
        heads=[1, 1, 1, 5, 5, 1, 5, 8, 6, 8, 9, 1],
        deps=[
            "compound",
            "ROOT",
            "punct",
            "nsubjpass",
            "auxpass",
            "relcl",
            "prep",
            "det",
            "pobj",
            "prep",
            "pobj",
            "punct",
        ],
        pos=[
            "PROPN",
            "PROPN",
            "PUNCT",
            "PRON",
            "AUX",
            "VERB",
            "ADP",
            "DET",
            "NOUN",
            "ADP",
            "PROPN",
            "PUNCT",
        ],
        lemmas=[
            "Tarn",
            "Seeds",
            ",",
            "which",
            "be",
            "base",
            "in",
            "the",
            "city",
            "of",
            "Pune",
            ".",
        ],
        ents=["B-ORG", "I-ORG", "O", "O", "O", "O", "O", "O", "O", "O", "B-GPE", "O"],
    )
    [rel] = extract(doc).relations
    assert (rel.subject.name, rel.predicate, rel.object.name, rel.confidence) == (
        "Tarn Seeds",
        "basedIn",
        "Pune",
        0.85,
    )
    assert doc.text[rel.start : rel.end] == "Tarn Seeds, which is based in the city of Pune"


def test_deal_with_hanging_on_the_verb() -> None:
    # "Corvo Mills signed a deal with Pell Foods ." — "with" attached to "signed"
    doc = make_doc(
        ["Corvo", "Mills", "signed", "a", "deal", "with", "Pell", "Foods", "."],
        heads=[1, 2, 2, 4, 2, 2, 7, 5, 2],
        deps=["compound", "nsubj", "ROOT", "det", "dobj", "prep", "compound", "pobj", "punct"],
        pos=["PROPN", "PROPN", "VERB", "DET", "NOUN", "ADP", "PROPN", "PROPN", "PUNCT"],
        lemmas=["Corvo", "Mills", "sign", "a", "deal", "with", "Pell", "Foods", "."],
        ents=["B-ORG", "I-ORG", "O", "O", "O", "O", "B-ORG", "I-ORG", "O"],
    )
    facts = _facts(doc)
    assert len(facts) == 1
    [(a, p, b)] = facts
    assert p == "signedAgreementWith" and {a, b} == {"Corvo Mills", "Pell Foods"}


def test_discussing_a_contract_with_someone_is_not_an_agreement() -> None:
    doc = make_doc(
        ["Corvo", "Mills", "discussed", "the", "contract", "with", "Pell", "Foods", "."],
        heads=[1, 2, 2, 4, 2, 2, 7, 5, 2],
        deps=["compound", "nsubj", "ROOT", "det", "dobj", "prep", "compound", "pobj", "punct"],
        pos=["PROPN", "PROPN", "VERB", "DET", "NOUN", "ADP", "PROPN", "PROPN", "PUNCT"],
        lemmas=["Corvo", "Mills", "discuss", "the", "contract", "with", "Pell", "Foods", "."],
        ents=["B-ORG", "I-ORG", "O", "O", "O", "O", "B-ORG", "I-ORG", "O"],
    )
    assert _facts(doc) == set()


def test_bare_institution_noun_refers_to_the_named_one() -> None:
    # "Dunmore Police Department charged Al Fenn . Police arrested Bo Fenn ."
    words = [
        "Dunmore",
        "Police",
        "Department",
        "charged",
        "Al",
        "Fenn",
        ".",
        "Police",
        "arrested",
        "Bo",
        "Fenn",
        ".",
    ]
    doc = make_doc(
        words,
        heads=[2, 2, 3, 3, 5, 3, 3, 8, 8, 10, 8, 8],
        deps=[
            "compound",
            "compound",
            "nsubj",
            "ROOT",
            "compound",
            "dobj",
            "punct",
            "nsubj",
            "ROOT",
            "compound",
            "dobj",
            "punct",
        ],
        pos=[
            "PROPN",
            "PROPN",
            "PROPN",
            "VERB",
            "PROPN",
            "PROPN",
            "PUNCT",
            "NOUN",
            "VERB",
            "PROPN",
            "PROPN",
            "PUNCT",
        ],
        lemmas=[
            "Dunmore",
            "Police",
            "Department",
            "charge",
            "Al",
            "Fenn",
            ".",
            "police",
            "arrest",
            "Bo",
            "Fenn",
            ".",
        ],
        ents=[
            "B-ORG",
            "I-ORG",
            "I-ORG",
            "O",
            "B-PERSON",
            "I-PERSON",
            "O",
            "O",
            "O",
            "B-PERSON",
            "I-PERSON",
            "O",
        ],
    )
    assert ("Dunmore Police Department", "arrested", "Bo Fenn") in _facts(doc)


def test_a_name_tagged_once_is_a_name_everywhere_in_the_document() -> None:
    # "Pell Foods grew . Critics praised Pell Foods ." — the second one untagged
    words = ["Pell", "Foods", "grew", ".", "Critics", "praised", "Pell", "Foods", "."]
    doc = make_doc(
        words,
        heads=[1, 2, 2, 2, 5, 5, 7, 5, 5],
        deps=["compound", "nsubj", "ROOT", "punct", "nsubj", "ROOT", "compound", "dobj", "punct"],
        pos=["PROPN", "PROPN", "VERB", "PUNCT", "NOUN", "VERB", "PROPN", "PROPN", "PUNCT"],
        ents=["B-ORG", "I-ORG", "O", "O", "O", "O", "O", "O", "O"],
    )
    mentions = find_mentions(doc)
    assert [(m.text, m.cls) for m in mentions] == [
        ("Pell Foods", "Organization"),
        ("Pell Foods", "Organization"),
    ]
    assert doc.text[mentions[1].start : mentions[1].end] == "Pell Foods"
