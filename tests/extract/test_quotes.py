"""kg.extract.quotes: finding quotations in text, and attributing them on hand-parsed Docs."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from docs import table
from kg.extract.extraction import extract
from kg.extract.quotes import Quote, find_quotations


def quotes(doc: Doc) -> list[Quote]:
    found = list(extract(doc).quotes)
    text = doc.text
    for q in found:
        assert 0 <= q.evidence_start <= q.start - 1 < q.end + 1 <= q.evidence_end <= len(text)
        assert 0 <= q.sentence_start < q.sentence_end <= len(text)
        assert q.extractor == "kg.quotes.v1"
        assert 0 < q.confidence <= 1
    return found


def speakers(doc: Doc) -> list[tuple[str, str | None, str | None]]:
    return [
        (q.text, None if q.speaker is None else q.speaker.name, q.speaker_description)
        for q in quotes(doc)
    ]


# --------------------------------------------------------------------------- finding


@pytest.mark.parametrize(
    "text",
    ["Ana Lima said: “We will win this vote.”", 'Ana Lima said: "We will win this vote."'],
    ids=["curly", "straight"],
)
def test_quotation_inner_text_is_found(text: str) -> None:
    [(start, end)] = find_quotations(text)
    assert text[start:end] == "We will win this vote."


def test_several_quotations_in_one_paragraph() -> None:
    text = '“Yes,” said Ana Lima, “and soon.” Later: "No."'
    assert [text[s:e] for s, e in find_quotations(text)] == ["Yes,", "and soon.", "No."]


def test_quote_continued_over_paragraphs_is_one_quotation() -> None:
    text = (
        "Ana Lima said: “We will fight on.\n\n"
        "“We will not give in.\n\n"
        "“We will win this vote.”\n\n"
        "The vote is on Monday."
    )
    [(start, end)] = find_quotations(text)
    assert text[start:end] == (
        "We will fight on.\n\n“We will not give in.\n\n“We will win this vote."
    )


def test_quote_left_open_before_a_plain_paragraph_ends_with_its_paragraph() -> None:
    text = "Ana Lima said: “We will fight on.\n\nThe vote is on Monday."
    [(start, end)] = find_quotations(text)
    assert text[start:end] == "We will fight on."


# --------------------------------------------------------------------------- attribution

PRONOUN = """
    0   Sir      2   compound  PROPN  -       B-PERSON
    1   Bob      2   compound  PROPN  -       I-PERSON
    2   Russell  3   nsubj     PROPN  -       I-PERSON
    3   arrived  3   ROOT      VERB   arrive
    4   .        3   punct     PUNCT
    5   He       6   nsubj     PRON
    6   said     6   ROOT      VERB   say
    7   :        6   punct     PUNCT
    8   “        6   punct     PUNCT
    9   We       11  nsubj     PRON
    10  will     11  aux       AUX
    11  win      6   ccomp     VERB
    12  this     13  det       DET
    13  vote     11  dobj      NOUN
    14  .        6   punct     PUNCT
    15  ”        6   punct     PUNCT
"""


def test_he_said_colon_quote_goes_to_the_previous_subject() -> None:
    doc = table(PRONOUN)
    assert doc.text == "Sir Bob Russell arrived. He said: “We will win this vote.”"
    [q] = quotes(doc)
    assert (q.text, q.speaker and q.speaker.name, q.speaker_description) == (
        "We will win this vote.",
        "Bob Russell",
        None,
    )
    assert doc.text[q.start : q.end] == q.text
    assert doc.text[q.evidence_start : q.evidence_end] == "said: “We will win this vote.”"
    assert doc.text[q.sentence_start : q.sentence_end] == "He said: “We will win this vote.”"


def quote_then(verb: int, attribution: str) -> str:
    """“We will win this vote,” then a name and a speech verb (at index ``verb``) and a stop."""
    return f"""
        0   “        {verb:<2}  punct     PUNCT
        1   We       3   nsubj     PRON
        2   will     3   aux       AUX
        3   win      {verb:<2}  ccomp     VERB
        4   this     5   det       DET
        5   vote     3   dobj      NOUN
        6   ,        {verb:<2}  punct     PUNCT
        7   ”        {verb:<2}  punct     PUNCT
        {attribution}
        11  .        {verb:<2}  punct     PUNCT
    """


SAID_NAME = quote_then(
    8,
    """
        8   said     8   ROOT      VERB   say
        9   Ana      10  compound  PROPN  -       B-PERSON
        10  Lima     8   nsubj     PROPN  -       I-PERSON
    """,
)

NAME_SAID = quote_then(
    10,
    """
        8   Ana      9   compound  PROPN  -       B-PERSON
        9   Lima     10  nsubj     PROPN  -       I-PERSON
        10  said     10  ROOT      VERB   say
    """,
)


@pytest.mark.parametrize(
    ("rows", "text"),
    [
        (SAID_NAME, "“We will win this vote,” said Ana Lima."),
        (NAME_SAID, "“We will win this vote,” Ana Lima said."),
    ],
    ids=["said-name", "name-said"],
)
def test_quote_then_attribution(rows: str, text: str) -> None:
    doc = table(rows)
    assert doc.text == text
    [q] = quotes(doc)
    assert q.text.rstrip(",") == "We will win this vote"
    assert q.speaker is not None and q.speaker.name == "Ana Lima"
    assert q.confidence == 0.9
    assert doc.text[q.evidence_start : q.evidence_end] in text
    assert (q.sentence_start, q.sentence_end) == (0, len(text))


SPOKESMAN = """
    0   A          1   det       DET
    1   spokesman  5   nsubj     NOUN
    2   for        1   prep      ADP
    3   Acorn      4   compound  PROPN  -       B-ORG
    4   Bank       2   pobj      PROPN  -       I-ORG
    5   said       5   ROOT      VERB   say
    6   :          5   punct     PUNCT
    7   “          5   punct     PUNCT
    8   We         10  nsubj     PRON
    9   will       10  aux       AUX
    10  appeal     5   ccomp     VERB
    11  the        12  det       DET
    12  ruling     10  dobj      NOUN
    13  .          5   punct     PUNCT
    14  ”          5   punct     PUNCT
"""


def test_unnamed_spokesman_speaks_for_the_organisation() -> None:
    assert speakers(table(SPOKESMAN)) == [
        ("We will appeal the ruling.", "Acorn Bank", "A spokesman for Acorn Bank")
    ]


CONTINUED_SPEAKER = """
    0   Ana      1   compound  PROPN  -       B-PERSON
    1   Lima     2   nsubj     PROPN  -       I-PERSON
    2   said     2   ROOT      VERB   say
    3   :        2   punct     PUNCT
    4   “        2   punct     PUNCT
    5   We       7   nsubj     PRON
    6   will     7   aux       AUX
    7   win      2   ccomp     VERB
    8   this     9   det       DET
    9   vote     7   dobj      NOUN
    10  .        2   punct     PUNCT
    11  ”        2   punct     PUNCT
    12  \\n\\n   2   dep       SPACE
    13  “        16  punct     PUNCT
    14  Nobody   16  nsubj     PRON
    15  can      16  aux       AUX
    16  stop     16  ROOT      VERB
    17  us       16  dobj      PRON   we
    18  now      16  advmod    ADV
    19  .        16  punct     PUNCT
    20  ”        16  punct     PUNCT
"""


def test_quote_paragraph_after_a_quote_continues_its_speaker() -> None:
    doc = table(CONTINUED_SPEAKER)
    assert doc.text == "Ana Lima said: “We will win this vote.”\n\n“Nobody can stop us now.”"
    first, second = quotes(doc)
    assert first.speaker == second.speaker
    assert second.speaker is not None and second.speaker.name == "Ana Lima"
    assert second.text == "Nobody can stop us now."
    assert (first.confidence, second.confidence) == (0.9, 0.8)


CONTINUED_QUOTE = """
    0   Ana      1   compound  PROPN  -       B-PERSON
    1   Lima     2   nsubj     PROPN  -       I-PERSON
    2   said     2   ROOT      VERB   say
    3   :        2   punct     PUNCT
    4   “        2   punct     PUNCT
    5   We       7   nsubj     PRON
    6   will     7   aux       AUX
    7   fight    2   ccomp     VERB
    8   on       7   prt       ADP
    9   .        2   punct     PUNCT
    10  \\n\\n   2   dep       SPACE
    11  “        14  punct     PUNCT
    12  We       14  nsubj     PRON
    13  will     14  aux       AUX
    14  win      14  ROOT      VERB
    15  this     16  det       DET
    16  vote     14  dobj      NOUN
    17  .        14  punct     PUNCT
    18  ”        14  punct     PUNCT
"""


def test_quote_over_two_paragraphs_is_one_quote_with_one_speaker() -> None:
    doc = table(CONTINUED_QUOTE)
    assert doc.text == "Ana Lima said: “We will fight on.\n\n“We will win this vote.”"
    [q] = quotes(doc)
    assert q.text == "We will fight on.\n\nWe will win this vote."
    assert q.speaker is not None and q.speaker.name == "Ana Lima"
    assert q.end == len(doc.text) - 1


SCARE_QUOTE = """
    0   Ana      1   compound  PROPN  -       B-PERSON
    1   Lima     2   nsubj     PROPN  -       I-PERSON
    2   called   2   ROOT      VERB   call
    3   the      4   det       DET
    4   plan     2   dobj      NOUN
    5   “        6   punct     PUNCT
    6   cosy     2   oprd      ADJ
    7   ”        6   punct     PUNCT
    8   .        2   punct     PUNCT
"""


def test_scare_quote_is_not_a_quote() -> None:
    doc = table(SCARE_QUOTE)
    assert doc.text == "Ana Lima called the plan “cosy”."
    assert len(find_quotations(doc.text)) == 1
    assert quotes(doc) == []


UNATTRIBUTED = """
    0   Fans      1   nsubj     NOUN   fan
    1   sang      1   ROOT      VERB   sing
    2   “         4   punct     PUNCT
    3   we        4   nsubj     PRON
    4   are       1   ccomp     AUX    be
    5   the       6   det       DET
    6   best      7   amod      ADJ    good
    7   team      4   attr      NOUN
    8   ”         4   punct     PUNCT
    9   .         1   punct     PUNCT
"""


def test_quote_without_speaker_is_left_out() -> None:
    doc = table(UNATTRIBUTED)
    assert len(find_quotations(doc.text)) == 1
    assert quotes(doc) == []
