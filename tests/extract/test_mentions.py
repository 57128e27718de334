"""kg.extract.mentions: each repair rule on a hand-built Doc; offsets always match the text."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from spacy.tokens import Doc

from docs import VOCAB, guess_spaces, table
from kg.extract.mentions import Mention, find_mentions


def by_text(doc: Doc) -> dict[str, Mention]:
    mentions = find_mentions(doc)
    for m in mentions:
        assert m.text == doc.text[m.start : m.end]
    return {m.text: m for m in mentions}


# --------------------------------------------------------------------------- people


def test_honorific_inside_the_span_is_split_from_the_name() -> None:
    doc = table("""
        0  Sir      2  compound  PROPN  -       B-PERSON
        1  Bob      2  compound  PROPN  -       I-PERSON
        2  Russell  3  nsubj     PROPN  -       I-PERSON
        3  resigned 3  ROOT      VERB   resign
        4  .        3  punct     PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.honorific, m.cls, m.kind) == (
        "Sir Bob Russell",
        "Bob Russell",
        "Sir",
        "Person",
        "name",
    )
    assert (m.start, m.end, m.token_start, m.token_end) == (0, 15, 0, 3)


def test_honorific_just_before_the_span_joins_the_mention() -> None:
    doc = table("""
        0  Mr       1  compound  PROPN  -      O
        1  Russell  2  nsubj     PROPN  -      B-PERSON
        2  agreed   2  ROOT      VERB   agree
        3  .        2  punct     PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.honorific, m.token_start) == ("Mr Russell", "Russell", "Mr", 0)


def test_role_word_swept_into_a_person_span_is_dropped() -> None:
    doc = table("""
        0  Harbury  1  compound  PROPN  -       B-ORG
        1  Council  2  compound  PROPN  -       I-ORG
        2  leader   4  compound  NOUN   -       B-PERSON
        3  David    4  compound  PROPN  -       I-PERSON
        4  Finch    5  nsubj     PROPN  -       I-PERSON
        5  spoke    5  ROOT      VERB   speak
        6  .        5  punct     PUNCT
    """)
    mentions = by_text(doc)
    assert set(mentions) == {"Harbury Council", "David Finch"}
    assert mentions["David Finch"].name == "David Finch"
    assert mentions["David Finch"].token_start == 3


def test_one_word_person_right_before_another_person_is_a_title_and_dropped() -> None:
    doc = table("""
        0  High     1  compound  PROPN  -       O
        1  Steward  4  compound  PROPN  -       B-PERSON
        2  Sir      4  compound  PROPN  -       O
        3  Bob      4  compound  PROPN  -       B-PERSON
        4  Russell  5  nsubj     PROPN  -       I-PERSON
        5  arrived  5  ROOT      VERB   arrive
        6  .        5  punct     PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.honorific) == ("Sir Bob Russell", "Bob Russell", "Sir")


def test_untagged_honorific_and_capitalised_word_is_a_person() -> None:
    doc = table("""
        0  Nurses   1  nsubj  NOUN   nurse
        1  thanked  1  ROOT   VERB   thank
        2  Dr       3  compound  PROPN
        3  Haddad   1  dobj   PROPN
        4  .        1  punct  PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.honorific, m.cls) == ("Dr Haddad", "Haddad", "Dr", "Person")


# --------------------------------------------------------------------------- trimming


def test_leading_article_and_trailing_possessive_are_trimmed() -> None:
    doc = table("""
        0  the      2  det       DET    -        B-ORG
        1  Harbury  2  compound  PROPN  -        I-ORG
        2  Trust    4  poss      PROPN  -        I-ORG
        3  's       2  case      PART   -        I-ORG
        4  chairman 5  nsubj     NOUN
        5  resigned 5  ROOT      VERB   resign
        6  .        5  punct     PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.cls) == ("Harbury Trust", "Harbury Trust", "Organization")
    assert (m.token_start, m.token_end) == (1, 3)


def test_place_noun_is_trimmed_from_the_name_but_not_the_text() -> None:
    doc = table("""
        0  Farms    4  nsubj     NOUN   farm
        1  in       0  prep      ADP
        2  Jiangsu  3  compound  PROPN  -      B-GPE
        3  province 1  pobj      NOUN   -      I-GPE
        4  flooded  4  ROOT      VERB   flood
        5  .        4  punct     PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.cls) == ("Jiangsu province", "Jiangsu", "Place")


# --------------------------------------------------------------------------- gazetteer


@pytest.mark.parametrize(
    ("words", "canonical"),
    [
        (["UK"], "United Kingdom"),
        (["Britain"], "United Kingdom"),
        (["People", "’s", "Republic", "of", "China"], "China"),
        (["People", "'s", "Republic", "of", "China"], "China"),
    ],
)
def test_any_name_of_a_country_gives_its_canonical_name(words: list[str], canonical: str) -> None:
    sentence = ["Ships", "left", "the", *words, "’s", "ports", "."]
    ents = ["O", "O", "B-GPE", *["I-GPE"] * len(words), "I-GPE", "O", "O"]
    doc = Doc(VOCAB, words=sentence, spaces=guess_spaces(sentence), ents=ents)
    [m] = find_mentions(doc)
    assert (m.name, m.cls, m.kind) == (canonical, "Country", "name")
    assert m.text == doc.text[m.start : m.end]
    assert not m.text.startswith("the") and not m.text.endswith("s")


def test_demonym_is_a_mention_of_its_country() -> None:
    doc = table("""
        0  Japanese 1  amod   ADJ    japanese  B-NORP
        1  firms    2  nsubj  NOUN   firm
        2  grew     2  ROOT   VERB   grow
        3  .        2  punct  PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.cls, m.kind) == ("Japanese", "Japan", "Country", "demonym")


def test_group_not_in_the_gazetteer_is_not_a_mention() -> None:
    doc = Doc(VOCAB, words=["Martian", "voters", "rejoiced", "."], ents=["B-NORP", "O", "O", "O"])
    assert find_mentions(doc) == []


@pytest.mark.parametrize(("word", "label"), [("Covid", "PERSON"), ("Covid", "ORG"), ("PPE", "ORG")])
def test_stop_names_are_never_mentions(word: str, label: str) -> None:
    doc = Doc(VOCAB, words=[word, "rules", "eased", "."], ents=[f"B-{label}", "O", "O", "O"])
    assert find_mentions(doc) == []


# --------------------------------------------------------------------------- references


def test_capitalised_generic_name_is_a_generic_mention() -> None:
    doc = table("""
        0  the      1  det    DET    -      B-ORG
        1  Council  2  nsubj  PROPN  -      I-ORG
        2  agreed   2  ROOT   VERB   agree
        3  .        2  punct  PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.cls, m.kind) == ("the Council", "Council", "Organization", "generic")


def test_lower_case_definite_description_is_a_generic_mention() -> None:
    doc = table("""
        0  Locals   1  nsubj     NOUN   local
        1  blamed   1  ROOT      VERB   blame
        2  the      4  det       DET
        3  county   4  compound  NOUN
        4  council  1  dobj      NOUN
        5  .        1  punct     PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.cls, m.kind) == (
        "the county council",
        "county council",
        "Organization",
        "generic",
    )


def test_lower_case_generic_noun_without_the_is_not_a_mention() -> None:
    doc = table("""
        0  A        2  det       DET
        1  county   2  compound  NOUN
        2  council  3  nsubj     NOUN
        3  met      3  ROOT      VERB   meet
        4  .        3  punct     PUNCT
    """)
    assert find_mentions(doc) == []


@pytest.mark.parametrize("label", ["ORG", "FAC"])
def test_metonym_is_a_metonym_mention_of_an_organisation(label: str) -> None:
    doc = table(f"""
        0  County   1  compound  PROPN  -       B-{label}
        1  Hall     2  nsubj     PROPN  -       I-{label}
        2  refused  2  ROOT      VERB   refuse
        3  .        2  punct     PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.cls, m.kind) == (
        "County Hall",
        "County Hall",
        "Organization",
        "metonym",
    )


# --------------------------------------------------------------------------- offsets

_NAMES = st.sampled_from(
    [
        (("Sir", "Bob", "Russell"), "PERSON"),
        (("Mr",), None),
        (("Finch",), "PERSON"),
        (("leader", "Ana", "Lima"), "PERSON"),
        (("Dr", "Haddad"), None),
        (("the", "Harbury", "Trust", "'s"), "ORG"),
        (("Jiangsu", "province"), "GPE"),
        (("People", "’s", "Republic", "of", "China", "’s"), "GPE"),
        (("UK",), "GPE"),
        (("Japanese",), "NORP"),
        (("Covid",), "ORG"),
        (("the", "Council"), "ORG"),
        (("County", "Hall"), "FAC"),
        (("the", "county", "council"), None),
        (("Steward",), "PERSON"),
        ((",",), None),
        (("and",), None),
        (("said",), None),
        (("“",), None),
        (("”",), None),
        (("\n\n",), None),
    ]
)


@given(st.lists(st.tuples(_NAMES, st.booleans()), max_size=12))
def test_every_mention_text_is_the_document_text_at_its_offsets(
    chunks: list[tuple[tuple[tuple[str, ...], str | None], bool]],
) -> None:
    words: list[str] = []
    ents: list[str] = []
    spaces: list[bool] = []
    for (chunk, label), space in chunks:
        for i, word in enumerate(chunk):
            words.append(word)
            ents.append("O" if label is None else ("B-" if i == 0 else "I-") + label)
            spaces.append(space if i == len(chunk) - 1 else word not in ("“",))
    pos = ["NOUN" if w.islower() else "PROPN" for w in words]
    doc = Doc(VOCAB, words=words, spaces=spaces, ents=ents, pos=pos)
    mentions = find_mentions(doc)
    for m in mentions:
        assert m.text == doc.text[m.start : m.end]
        assert doc[m.token_start : m.token_end].end_char == m.end
        assert m.name.strip() and m.name == m.name.strip()
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in itertools.pairwise(mentions))


# --------------------------------------------------------------------- names the model gets wrong


def test_abbreviation_with_full_stops_is_a_name() -> None:
    # No token of "N.J." is alphabetic, but it has letters: it names a state.
    doc = Doc(VOCAB, words=["Ships", "left", "Camden", ",", "N.J.", "today", "."],
              ents=["O", "O", "B-GPE", "O", "B-GPE", "O", "O"])  # fmt: skip
    mentions = by_text(doc)
    assert (mentions["N.J."].name, mentions["N.J."].cls) == ("New Jersey", "Place")


def test_office_title_that_begins_the_phrase_is_part_of_the_mention() -> None:
    doc = table("""
        0  Voters     1  nsubj     NOUN   voter
        1  cheered    1  ROOT      VERB   cheer
        2  President  3  compound  PROPN  -       O
        3  Tamsin     4  compound  PROPN  -       B-PERSON
        4  Okafor     1  dobj      PROPN  -       I-PERSON
        5  .          1  punct     PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.honorific) == ("President Tamsin Okafor", "Tamsin Okafor", None)


def test_office_title_after_a_capitalised_modifier_is_a_role() -> None:
    doc = table("""
        0  Voters     1  nsubj     NOUN   voter
        1  cheered    1  ROOT      VERB   cheer
        2  Harbury    3  compound  PROPN  -       B-ORG
        3  President  5  compound  PROPN  -       O
        4  Tamsin     5  compound  PROPN  -       B-PERSON
        5  Okafor     1  dobj      PROPN  -       I-PERSON
        6  .          1  punct     PUNCT
    """)
    assert set(by_text(doc)) == {"Harbury", "Tamsin Okafor"}


def test_rank_title_before_untagged_capitalised_words_gives_a_person_without_it() -> None:
    doc = table("""
        0  Sen.     1  compound  PROPN  -
        1  Pellow   2  nsubj     PROPN  -
        2  voted    2  ROOT      VERB   vote
        3  .        2  punct     PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.cls, m.honorific) == ("Pellow", "Pellow", "Person", None)


@pytest.mark.parametrize(
    ("words", "label", "cls"),
    [
        (["Tolland", "Corp."], "PERSON", "Organization"),
        (["Brenner", "Party"], "GPE", "Organization"),
        (["Camp", "Tolley"], "PERSON", "Place"),
        (["Tolley", "County"], "ORG", "Place"),
        (["Tolley", "Airport"], "ORG", "Facility"),
    ],
)
def test_the_words_of_a_name_decide_its_class(words: list[str], label: str, cls: str) -> None:
    sentence = ["They", "visited", *words, "."]
    ents = ["O", "O", f"B-{label}", *[f"I-{label}"] * (len(words) - 1), "O"]
    doc = Doc(VOCAB, words=sentence, ents=ents)
    [m] = find_mentions(doc)
    assert (m.text, m.cls) == (" ".join(words), cls)


def test_title_then_name_tagged_as_a_place_is_a_person() -> None:
    doc = Doc(VOCAB, words=["Prince", "Aldric", "spoke", "."], ents=["B-GPE", "I-GPE", "O", "O"])
    [m] = find_mentions(doc)
    assert (m.text, m.cls) == ("Prince Aldric", "Person")


def test_wire_source_line_is_a_place_then_an_organisation() -> None:
    doc = Doc(VOCAB, words=["Lisbon", "VOZ", "DIARIA", "in", "Portuguese"],
              ents=["B-ORG", "I-ORG", "I-ORG", "O", "B-LANGUAGE"])  # fmt: skip
    assert {(m.text, m.cls) for m in find_mentions(doc)} == {
        ("Lisbon", "Place"),
        ("VOZ DIARIA", "Organization"),
    }


def test_wire_source_line_with_a_broadcaster_is_a_place_then_an_organisation() -> None:
    words = ["Valletta", "Radio", "Sliema", "Network", "in", "English"]
    doc = Doc(VOCAB, words=words, ents=["B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-LANGUAGE"])
    assert {(m.text, m.cls) for m in find_mentions(doc)} == {
        ("Valletta", "Place"),
        ("Radio Sliema Network", "Organization"),
    }


def test_name_in_capitals_goes_on_over_untagged_capitals() -> None:
    words = ["He", "told", "ZORBA", "DAILY", "."]
    doc = Doc(VOCAB, words=words, ents=["O", "O", "O", "B-ORG", "O"])
    [m] = find_mentions(doc)
    assert (m.text, m.cls) == ("ZORBA DAILY", "Organization")


def test_untagged_capitals_after_a_place_name_the_source() -> None:
    doc = Doc(VOCAB, words=["Valletta", "KURJER", "in", "English"],
              ents=["B-GPE", "O", "O", "B-LANGUAGE"])  # fmt: skip
    assert {(m.text, m.cls) for m in find_mentions(doc)} == {
        ("Valletta", "Place"),
        ("KURJER", "Organization"),
    }


def test_capitals_in_brackets_after_a_dateline_name_the_source() -> None:
    words = ["Valletta", ",", "May", "3", "(", "KURJER", ")", "--", "Rain", "fell", "."]
    ents = ["B-GPE", "O", "B-DATE", "I-DATE", "O", "O", "O", "O", "O", "O", "O"]
    doc = Doc(VOCAB, words=words, ents=ents)
    assert ("KURJER", "Organization") in {(m.text, m.cls) for m in find_mentions(doc)}


def test_news_agency_is_an_organisation() -> None:
    words = ["(", "AP", ")", "Rain", "fell", "."]
    doc = Doc(VOCAB, words=words, ents=["O", "B-ORG", "O", "O", "O", "O"])
    [m] = find_mentions(doc)
    assert (m.text, m.cls) == ("AP", "Organization")


@pytest.mark.parametrize("label", ["ORG", "PERSON"])
def test_name_before_a_comma_and_a_state_is_a_town(label: str) -> None:
    words = ["MILLBROOK", ",", "Ohio", "(", "AP", ")", "_", "Rain", "fell", "."]
    ents = [f"B-{label}", "O", "B-GPE", "O", "B-ORG", "O", "O", "O", "O", "O"]
    doc = Doc(VOCAB, words=words, ents=ents)
    mentions = by_text(doc)
    assert mentions["MILLBROOK"].cls == "Place"
    assert mentions["Ohio"].cls == "Place"


def test_untagged_proper_noun_before_a_comma_and_a_state_is_a_town() -> None:
    words = ["Snow", "fell", "in", "Tolley", "Creek", ",", "Alaska", "."]
    pos = ["NOUN", "VERB", "ADP", "PROPN", "PROPN", "PUNCT", "PROPN", "PUNCT"]
    doc = Doc(VOCAB, words=words, pos=pos, ents=["O"] * 6 + ["B-GPE", "O"])
    assert ("Tolley Creek", "Place") in {(m.text, m.cls) for m in find_mentions(doc)}


def test_name_followed_by_a_state_possessive_is_not_a_town() -> None:
    words = ["Brenner", ",", "Ohio", "'s", "governor", ",", "spoke", "."]
    ents = ["B-PERSON", "O", "B-GPE", "O", "O", "O", "O", "O"]
    doc = Doc(VOCAB, words=words, ents=ents)
    assert by_text(doc)["Brenner"].cls == "Person"


def test_name_with_an_age_in_apposition_is_a_person() -> None:
    words = ["Brenner", ",", "43", ",", "was", "charged", "."]
    doc = Doc(VOCAB, words=words, ents=["B-ORG", "O", "B-DATE", "O", "O", "O", "O"])
    assert by_text(doc)["Brenner"].cls == "Person"


def test_an_untagged_name_head_after_a_name_ends_that_name() -> None:
    # The model tags "Northline" alone (as a place); "Ferries" ends the name and says its class.
    doc = table("""
        0  Northline  1  compound  PROPN  -       B-GPE
        1  Ferries    2  nsubj     PROPN
        2  sailed     2  ROOT      VERB   sail
        3  .          2  punct     PUNCT
    """)
    [m] = find_mentions(doc)
    assert (m.text, m.name, m.cls) == ("Northline Ferries", "Northline Ferries", "Organization")


def test_a_lower_case_word_after_a_name_is_not_its_head() -> None:
    doc = table("""
        0  Kitano  1  compound  PROPN  -       B-ORG
        1  group   2  nsubj     NOUN
        2  grew    2  ROOT      VERB   grow
        3  .       2  punct     PUNCT
    """)
    assert [(m.text, m.cls) for m in find_mentions(doc)] == [("Kitano", "Organization")]


def test_a_name_head_that_starts_a_title_is_not_taken() -> None:
    doc = table("""
        0  White      1  compound  PROPN  -       B-ORG
        1  House      3  compound  PROPN  -       I-ORG
        2  Press      3  compound  PROPN
        3  Secretary  5  compound  PROPN
        4  Ann        5  compound  PROPN  -       B-PERSON
        5  Lee        6  nsubj     PROPN  -       I-PERSON
        6  spoke      6  ROOT      VERB   speak
        7  .          6  punct     PUNCT
    """)
    first = find_mentions(doc)[0]
    assert (first.text, first.cls) == ("White House", "Organization")


def test_a_description_swept_into_a_name_is_cut_off() -> None:
    # A model trained on whole-phrase annotations tags "Chinese firm Huawei" as one name.
    doc = table("""
        0  Chinese  2  amod      ADJ    -       B-ORG
        1  firm     2  compound  NOUN   -       I-ORG
        2  Huawei   3  nsubj     PROPN  -       I-ORG
        3  grew     3  ROOT      VERB   grow
        4  .        3  punct     PUNCT
    """)
    assert [(m.text, m.name, m.cls, m.kind) for m in find_mentions(doc)] == [
        ("Chinese", "China", "Country", "demonym"),
        ("Huawei", "Huawei", "Organization", "name"),
    ]


def test_a_role_word_at_the_end_of_a_name_is_left_out() -> None:
    doc = table("""
        0  Harbury   1  compound  PROPN  -       B-ORG
        1  Athletic  2  compound  PROPN  -       I-ORG
        2  manager   3  compound  NOUN   -       I-ORG
        3  Owen      4  compound  PROPN  -       B-PERSON
        4  Treharne  5  nsubj     PROPN  -       I-PERSON
        5  smiled    5  ROOT      VERB   smile
        6  .         5  punct     PUNCT
    """)
    assert [m.text for m in find_mentions(doc)] == ["Harbury Athletic", "Owen Treharne"]


@pytest.mark.parametrize(
    "words",
    [["Bank", "of", "England"], ["K", "mart"], ["Ardshire", "government"]],
)
def test_lower_case_words_that_belong_to_a_name_stay(words: list[str]) -> None:
    rows = "\n".join(
        f"{i} {w} {len(words)} compound PROPN - {'B' if i == 0 else 'I'}-ORG"
        for i, w in enumerate(words)
    )
    n = len(words)
    doc = table(f"{rows}\n{n} grew {n} ROOT VERB grow\n{n + 1} . {n} punct PUNCT")
    assert find_mentions(doc)[0].text == " ".join(words)
