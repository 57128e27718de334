"""Roles written as titles, honorifics of councillors, and party labels (kg:party, kg:partyHint).

The sentences are written for these tests in the style of British and American news.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.ontology.schema import load_ontology

Facts = Callable[[str], tuple[list[tuple[str, str]], list[tuple[str, str, str]]]]


def test_party_labels_come_from_the_ontology() -> None:
    onto = load_ontology()
    assert onto.parties["tory"] == onto.parties["conservatives"] == "Conservative Party"
    assert onto.parties["lib dem"] == "Liberal Democrats"
    assert onto.party_predicate == "memberOf"


@pytest.fixture(scope="module")
def facts() -> Facts:
    from kg.extract.extraction import extract
    from kg.extract.nlp import load_model

    nlp = load_model()

    def run(text: str) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
        found = extract(nlp(text))
        return (
            sorted((e.cls, e.name) for e in found.entities),
            sorted((r.subject.name, r.predicate, r.object.name) for r in found.relations),
        )

    return run


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("Labour's Ben Coe said the vote was close.", ("Ben Coe", "memberOf", "Labour")),
        (
            "Tory leader Ann Poe said the budget was wrong.",
            ("Ann Poe", "leaderOf", "Conservative Party"),
        ),
        (
            "The Lib Dem group leader, Sara Mint, voted against the plan.",
            ("Sara Mint", "leaderOf", "Liberal Democrats"),
        ),
        (
            "Republican Sen. Dale Rook voted for the bill.",
            ("Dale Rook", "memberOf", "Republican Party"),
        ),
    ],
    ids=["possessive", "premodifier", "apposition", "american"],
)
def test_party_label_gives_membership(
    facts: Facts, text: str, relation: tuple[str, str, str]
) -> None:
    assert relation in facts(text)[1]


@pytest.mark.slow
def test_two_labels_of_one_party_are_one_node(facts: Facts) -> None:
    entities, _ = facts("Tory councillors met on Monday. The Conservatives lost the vote.")
    assert entities.count(("Organization", "Conservative Party")) == 1


@pytest.mark.slow
def test_organisation_title_before_a_name(facts: Facts) -> None:
    entities, relations = facts("Ofcom chief executive Jane Doe said the rules would change.")
    assert ("Jane Doe", "leaderOf", "Ofcom") in relations
    assert ("Person", "Jane Doe") in entities


@pytest.mark.slow
def test_role_with_no_organisation_keeps_the_name_clean(facts: Facts) -> None:
    entities, relations = facts("Chief financial officer Lee Fay will leave in May.")
    assert ("Person", "Lee Fay") in entities
    assert relations == []


@pytest.mark.slow
def test_councillor_honorifics_are_one_person(facts: Facts) -> None:
    entities, _ = facts("Cllr Ann Poe spoke first. Councillor Poe said the plan was fair.")
    assert entities == [("Person", "Ann Poe")]


@pytest.mark.slow
def test_a_party_label_as_a_persons_description_is_no_party(facts: Facts) -> None:
    entities, _ = facts("Ed Vale, a Republican from Dayton, served in the state senate.")
    assert ("Organization", "Republican Party") not in entities
