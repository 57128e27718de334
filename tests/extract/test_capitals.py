"""Names set in capitals (headlines, ledes) and title-case portfolios ("Transport Secretary").

The sentences are written for these tests in the style of British news copy.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from docs import table
from kg.extract.extraction import extract
from kg.extract.mentions import find_mentions

LEDE = """
    0   SIR      2   compound  PROPN  -    B-PERSON
    1   ALAN     2   compound  PROPN  -    I-PERSON
    2   PRYCE    3   nsubj     PROPN  -    I-PERSON
    3   spoke    3   ROOT      VERB   speak
    4   .        3   punct     PUNCT
    5   Alan     6   compound  PROPN  -    B-PERSON
    6   Pryce    7   nsubj     PROPN  -    I-PERSON
    7   left     7   ROOT      VERB   leave
    8   .        7   punct     PUNCT
"""


def test_a_name_in_capitals_takes_the_documents_case_and_keeps_its_offsets() -> None:
    doc = table(LEDE)
    first = find_mentions(doc)[0]
    assert (first.name, first.honorific) == ("Alan Pryce", "Sir")
    assert doc.text[first.start : first.end] == first.text == "SIR ALAN PRYCE"


def test_a_name_in_capitals_and_its_mixed_case_form_are_one_entity() -> None:
    [person] = extract(table(LEDE)).entities
    assert person.name == "Alan Pryce"


ACRONYM = """
    0   NATO     1   nsubj     PROPN  -    B-ORG
    1   met      1   ROOT      VERB   meet
    2   ROSA     3   compound  PROPN  -    B-PERSON
    3   VANE     1   dobj      PROPN  -    I-PERSON
    4   .        1   punct     PUNCT
"""


def test_capitals_with_no_other_spelling_an_acronym_kept_a_person_title_cased() -> None:
    names = [m.name for m in find_mentions(table(ACRONYM))]
    assert names == ["NATO", "Rosa Vane"]


PORTFOLIO = """
    0   Transport  1   compound  PROPN  -    B-ORG
    1   Secretary  3   compound  PROPN
    2   Dan        3   compound  PROPN  -    B-PERSON
    3   Hale       4   nsubj     PROPN  -    I-PERSON
    4   spoke      4   ROOT      VERB   speak
    5   .          4   punct     PUNCT
"""


def test_a_portfolio_before_its_title_is_no_organisation() -> None:
    assert [(m.name, m.cls) for m in find_mentions(table(PORTFOLIO))] == [("Dan Hale", "Person")]


# --------------------------------------------------------------------------- with the parser

Entities = Callable[[str], list[tuple[str, str]]]


@pytest.fixture(scope="module")
def entities() -> Entities:
    from kg.extract.nlp import load_model

    nlp = load_model()

    def run(text: str) -> list[tuple[str, str]]:
        return sorted((e.cls, e.name) for e in extract(nlp(text)).entities)

    return run


@pytest.mark.slow
def test_capital_lede_with_an_honorific_is_the_body_s_person(entities: Entities) -> None:
    text = (
        "SIR ALAN PRYCE, chairman of the independent Boundary Review Board, said the "
        "map would change. Sir Alan Pryce said later that he was pleased."
    )
    assert entities(text) == [("Organization", "Boundary Review Board"), ("Person", "Alan Pryce")]


@pytest.mark.slow
def test_capital_lede_with_a_role_apposition(entities: Entities) -> None:
    from kg.extract.nlp import load_model

    text = "MARY HOLT, Labour housing spokeswoman, said the homes were needed."
    found = extract(load_model()(text))
    assert sorted(e.name for e in found.entities) == ["Labour", "Mary Holt"]
    assert [(r.subject.name, r.predicate, r.object.name) for r in found.relations] == [
        ("Mary Holt", "spokespersonFor", "Labour")
    ]


@pytest.mark.slow
def test_transport_secretary_gives_no_organisation(entities: Entities) -> None:
    text = "Transport Secretary Dan Hale visited Millford on Friday."
    assert ("Organization", "Transport") not in entities(text)
    assert ("Person", "Dan Hale") in entities(text)


SHORT_FORM = """
    0   Millford   2   compound  PROPN  -    B-GPE
    1   food       2   compound  NOUN
    2   bank       3   nsubj     NOUN
    3   shut       3   ROOT      VERB   shut
    4   .          3   punct     PUNCT
    5   Millford   8   compound  PROPN  -    B-ORG
    6   Community  8   compound  PROPN  -    I-ORG
    7   Food       8   compound  PROPN  -    I-ORG
    8   Bank       9   nsubj     PROPN  -    I-ORG
    9   thanked    9   ROOT      VERB   thank
    10  donors     9   dobj      NOUN
    11  .          9   punct     PUNCT
"""


def test_opening_words_and_a_lower_case_head_are_the_long_name() -> None:
    doc = table(SHORT_FORM)
    mentions = find_mentions(doc)
    assert [(m.text, m.name, m.cls) for m in mentions] == [
        ("Millford food bank", "Millford Community Food Bank", "Organization"),
        ("Millford Community Food Bank", "Millford Community Food Bank", "Organization"),
    ]
    [bank] = extract(doc).entities
    assert bank.aliases == ("Millford food bank",)


def test_a_lower_case_phrase_that_is_not_the_names_head_is_left_alone() -> None:
    doc = table(SHORT_FORM.replace("food ", "fish ").replace("bank ", "shop "))
    assert [m.text for m in find_mentions(doc)][-1] == "Millford Community Food Bank"
    assert "Millford fish shop" not in [m.text for m in find_mentions(doc)]
