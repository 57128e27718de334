"""Quotes in every style news uses: single and double, curly and straight, nested, continued.

The sentences are written for these tests in the styles of British and American copy.
Finding quotations is text work and needs no model; attribution runs the real parse
(marked slow).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kg.extract.quotes import find_quotations

Attribute = Callable[[str], list[tuple[str, str | None, str | None]]]


def quoted(text: str) -> list[str]:
    return [text[s:e] for s, e in find_quotations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ann Lee said: 'We will reopen the pool.'", ["We will reopen the pool."]),
        ("Ann Lee said: ‘We will reopen the pool.’", ["We will reopen the pool."]),
        ('Ann Lee said: "We will reopen the pool."', ["We will reopen the pool."]),
        ("Ann Lee said: “We will reopen the pool.”", ["We will reopen the pool."]),
        ("‘The pool will reopen,’ said Ann Lee.", ["The pool will reopen,"]),
        ("'The pool will reopen,' said Ann Lee.", ["The pool will reopen,"]),
    ],
    ids=[
        "straight-single",
        "curly-single",
        "straight-double",
        "curly-double",
        "curly-after",
        "straight-after",
    ],
)
def test_every_style_of_mark_is_a_quotation(text: str, expected: list[str]) -> None:
    assert quoted(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The council's budget was cut in the '90s and again in ’08.",
        "O'Neil sang rock 'n' roll at the Joneses' house.",
        "The boys’ school and the Joneses’ garden flooded; it’s O’Neil’s turn.",
        "'Tis the season for the ’em and ’n’ of pop lyrics, wrote no one.",
        "The fans' chants rang out long after the players' bus had left.",
    ],
)
def test_apostrophes_are_not_quotation_marks(text: str) -> None:
    assert quoted(text) == []


def test_apostrophes_inside_a_single_quoted_quotation() -> None:
    text = "'The council's plan for the '90s was rock 'n' roll,' said O'Neil."
    assert quoted(text) == ["The council's plan for the '90s was rock 'n' roll,"]


def test_plural_possessive_inside_a_single_quotation_does_not_close_it() -> None:
    text = "‘We saw the Joneses’ house burn down,’ said Ann Lee."
    assert quoted(text) == ["We saw the Joneses’ house burn down,"]


def test_single_quotes_nested_in_double_are_one_quotation() -> None:
    text = "Ann Lee said: \"My father told me 'never sell' and I never did.\""
    assert quoted(text) == ["My father told me 'never sell' and I never did."]


def test_double_quotes_nested_in_single_are_one_quotation() -> None:
    text = "Ann Lee said: ‘My father told me “never sell” and I never did.’"
    assert quoted(text) == ["My father told me “never sell” and I never did."]


def test_single_quotation_continued_over_paragraphs() -> None:
    text = (
        "Ann Lee said: ‘We will fight on.\n\n"
        "‘We will not give in.\n\n"
        "‘We will win,’ she added.\n\n"
        "The vote is on Monday."
    )
    [(start, end)] = find_quotations(text)
    assert text[start:end] == "We will fight on.\n\n‘We will not give in.\n\n‘We will win,"


def test_single_mark_left_open_without_a_continuation_is_an_apostrophe() -> None:
    text = "'Tis the season, said Ann Lee.\n\nThe market opens on Friday."
    assert quoted(text) == []


def test_several_single_quotations_in_a_paragraph() -> None:
    text = "‘Yes,’ said Ann Lee. ‘It’s done, and we’re glad.’"
    assert quoted(text) == ["Yes,", "It’s done, and we’re glad."]


# --------------------------------------------------------------------------- attribution


@pytest.fixture(scope="module")
def attribute() -> Attribute:
    from kg.extract.extraction import extract
    from kg.extract.nlp import load_model

    nlp = load_model()

    def run(text: str) -> list[tuple[str, str | None, str | None]]:
        doc = nlp(text)
        found = extract(doc).quotes
        for q in found:
            assert 0 <= q.evidence_start < q.evidence_end <= len(text)
        return [
            (q.text, None if q.speaker is None else q.speaker.name, q.speaker_description)
            for q in found
        ]

    return run


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "‘The roof leaked for years,’ said Rosa Vane.",
            [("The roof leaked for years", "Rosa Vane", None)],
        ),
        (
            "'We have waited long enough for this bridge,' said Martha Kell.",
            [("We have waited long enough for this bridge", "Martha Kell", None)],
        ),
        (
            "The plan was 'a serious and costly mistake', according to Owen Pike.",
            [("a serious and costly mistake", "Owen Pike", None)],
        ),
        (
            "Dana Frost told the BBC: 'The council's figures for the '90s do not add up.'",
            [("The council's figures for the '90s do not add up.", "Dana Frost", None)],
        ),
        (
            "Rosa Vane added: “We need more buses in the evening.”",
            [("We need more buses in the evening.", "Rosa Vane", None)],
        ),
    ],
    ids=["said-X-curly-single", "said-X-straight", "according-to", "told-Y", "added"],
)
def test_speaker_of_each_attribution_form(
    attribute: Attribute, text: str, expected: list[tuple[str, str | None, str | None]]
) -> None:
    assert attribute(text) == expected


@pytest.mark.slow
def test_spokeswoman_in_a_statement_speaks_for_the_organisation(attribute: Attribute) -> None:
    text = "‘We are disappointed,’ a spokeswoman for Harlow Water said in a statement."
    assert attribute(text) == [
        ("We are disappointed", "Harlow Water", "a spokeswoman for Harlow Water")
    ]


@pytest.mark.slow
def test_british_quote_over_paragraphs_keeps_its_speaker(attribute: Attribute) -> None:
    text = (
        "‘The roof leaked for years,’ said Rosa Vane.\n\n"
        "‘Nobody listened to us.\n\n"
        "‘Now they will have to,’ she added."
    )
    assert attribute(text) == [
        ("The roof leaked for years", "Rosa Vane", None),
        ("Nobody listened to us.\n\nNow they will have to", "Rosa Vane", None),
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "org", "description"),
    [
        (
            'A Harlow Water spokesman said: "We take every complaint about leaks seriously."',
            "Harlow Water",
            "A Harlow Water spokesman",
        ),
        (
            "Acme's spokeswoman said: ‘Our shops will stay open all through the winter.’",
            "Acme",
            "Acme's spokeswoman",
        ),
    ],
    ids=["compound", "possessive"],
)
def test_organisation_before_its_spokesperson_is_the_speaker(
    attribute: Attribute, text: str, org: str, description: str
) -> None:
    [(_, speaker, said_by)] = attribute(text)
    assert (speaker, said_by) == (org, description)
