"""kg.extract.entities: linking short names, acronyms, generic names and metonyms; pronoun rules."""

from __future__ import annotations

from spacy.tokens import Doc

from docs import table
from kg.extract.entities import Entity, LinkedDoc, link_entities
from kg.extract.mentions import find_mentions
from kg.extract.quotes import find_quotations


def link(doc: Doc, *, quoted: bool = False) -> LinkedDoc:
    spans = find_quotations(doc.text) if quoted else ()
    return link_entities(doc, find_mentions(doc), quoted=spans)


def name_at(linked: LinkedDoc, i: int) -> str | None:
    entity = linked.entity_for(linked.doc[i])
    return None if entity is None else entity.name


# --------------------------------------------------------------------------- people

RUSSELL = """
    0   Sir      2   compound  PROPN  -       B-PERSON
    1   Bob      2   compound  PROPN  -       I-PERSON
    2   Russell  3   nsubj     PROPN  -       I-PERSON
    3   arrived  3   ROOT      VERB   arrive
    4   .        3   punct     PUNCT
    5   Mr       6   compound  PROPN
    6   Russell  7   nsubj     PROPN  -       B-PERSON
    7   spoke    7   ROOT      VERB   speak
    8   .        7   punct     PUNCT
    9   Sir      10  compound  PROPN
    10  Bob      11  nsubj     PROPN  -       B-PERSON
    11  left     11  ROOT      VERB   leave
    12  .        11  punct     PUNCT
"""


def test_surname_and_first_name_join_the_full_name() -> None:
    linked = link(table(RUSSELL))
    assert linked.entities == [
        Entity(
            cls="Person",
            name="Bob Russell",
            aliases=("Bob", "Mr Russell", "Russell", "Sir Bob", "Sir Bob Russell"),
            honorifics=("Mr", "Sir"),
        )
    ]
    assert linked.mention_entity == [0, 0, 0]
    assert linked.entities[0].gender == "m"
    assert linked.entities[0].key == ("Person", "bob russell")


OKAFORS = """
    0   Anna     1   compound  PROPN  -       B-PERSON
    1   Okafor   2   nsubj     PROPN  -       I-PERSON
    2   arrived  2   ROOT      VERB   arrive
    3   .        2   punct     PUNCT
    4   Okafor   5   nsubj     PROPN  -       B-PERSON
    5   smiled   5   ROOT      VERB   smile
    6   .        5   punct     PUNCT
    7   Tom      8   compound  PROPN  -       B-PERSON
    8   Okafor   9   nsubj     PROPN  -       I-PERSON
    9   left     9   ROOT      VERB   leave
    10  .        9   punct     PUNCT
    11  Okafor   12  nsubj     PROPN  -       B-PERSON
    12  sighed   12  ROOT      VERB   sigh
    13  .        12  punct     PUNCT
"""


def test_shared_surname_goes_to_the_person_named_most_recently_before() -> None:
    linked = link(table(OKAFORS))
    assert [e.name for e in linked.entities] == ["Anna Okafor", "Tom Okafor"]
    assert name_at(linked, 4) == "Anna Okafor"
    assert name_at(linked, 11) == "Tom Okafor"


# --------------------------------------------------------------------------- organisations


def test_acronym_joins_the_organisation_it_abbreviates() -> None:
    doc = table("""
        0   the       2   det       DET    -       B-ORG
        1   European  2   compound  PROPN  -       I-ORG
        2   Union     3   nsubj     PROPN  -       I-ORG
        3   agreed    3   ROOT      VERB   agree
        4   .         3   punct     PUNCT
        5   The       6   det       DET
        6   EU        7   nsubj     PROPN  -       B-ORG
        7   paid      7   ROOT      VERB   pay
        8   .         7   punct     PUNCT
    """)
    linked = link(doc)
    assert [(e.name, e.aliases) for e in linked.entities] == [("European Union", ("EU",))]
    assert name_at(linked, 6) == "European Union"


def test_prefix_joins_the_only_organisation_it_begins() -> None:
    doc = table("""
        0   Kitano    1   compound  PROPN  -       B-ORG
        1   Robotics  2   nsubj     PROPN  -       I-ORG
        2   grew      2   ROOT      VERB   grow
        3   .         2   punct     PUNCT
        4   Kitano    5   nsubj     PROPN  -       B-ORG
        5   hired     5   ROOT      VERB   hire
        6   .         5   punct     PUNCT
    """)
    linked = link(doc)
    assert [e.name for e in linked.entities] == ["Kitano Robotics"]
    assert name_at(linked, 4) == "Kitano Robotics"


def test_prefix_of_two_organisations_stays_apart() -> None:
    doc = table("""
        0   Kitano    1   compound  PROPN  -       B-ORG
        1   Robotics  4   nsubj     PROPN  -       I-ORG
        2   and       1   cc        CCONJ
        3   Kitano    4   compound  PROPN  -       B-ORG
        4   Foods     5   conj      PROPN  -       I-ORG
        5   merged    5   ROOT      VERB   merge
        6   .         5   punct     PUNCT
        7   Kitano    8   nsubj     PROPN  -       B-ORG
        8   rose      8   ROOT      VERB   rise
        9   .         8   punct     PUNCT
    """)
    linked = link(doc)
    assert [e.name for e in linked.entities] == ["Kitano Robotics", "Kitano Foods", "Kitano"]


COUNCILS = """
    0   Harbury  2   compound  PROPN  -       B-ORG
    1   County   2   compound  PROPN  -       I-ORG
    2   Council  3   nsubj     PROPN  -       I-ORG
    3   met      3   ROOT      VERB   meet
    4   Wexley   6   compound  PROPN  -       B-ORG
    5   Town     6   compound  PROPN  -       I-ORG
    6   Council  3   dobj      PROPN  -       I-ORG
    7   .        3   punct     PUNCT
    8   The      9   det       DET
    9   Council  10  nsubj     PROPN  -       B-ORG
    10  agreed   10  ROOT      VERB   agree
    11  .        10  punct     PUNCT
    12  The      14  det       DET
    13  county   14  compound  NOUN
    14  council  15  nsubj     NOUN
    15  paid     15  ROOT      VERB   pay
    16  .        15  punct     PUNCT
    17  County   18  compound  PROPN  -       B-ORG
    18  Hall     19  nsubj     PROPN  -       I-ORG
    19  refused  19  ROOT      VERB   refuse
    20  .        19  punct     PUNCT
    21  The      22  det       DET
    22  Government 23 nsubj    PROPN  -       B-ORG
    23  waited   23  ROOT      VERB   wait
    24  .        23  punct     PUNCT
"""


def test_generic_name_joins_the_latest_organisation_whose_name_ends_so() -> None:
    linked = link(table(COUNCILS))
    assert name_at(linked, 9) == "Wexley Town Council"  # "The Council": the latest council


def test_lower_case_description_joins_the_organisation_whose_name_ends_so() -> None:
    linked = link(table(COUNCILS))
    assert name_at(linked, 14) == "Harbury County Council"  # "The county council"


def test_metonym_joins_the_organisation_its_ending_names() -> None:
    linked = link(table(COUNCILS))
    assert name_at(linked, 18) == "Harbury County Council"  # "County Hall"
    [harbury] = [e for e in linked.entities if e.name == "Harbury County Council"]
    assert "County Hall" in harbury.aliases


def test_unresolved_generic_name_is_dropped() -> None:
    linked = link(table(COUNCILS))
    assert name_at(linked, 22) is None  # "The Government": which one?
    assert [e.name for e in linked.entities] == ["Harbury County Council", "Wexley Town Council"]
    government = next(i for i, m in enumerate(linked.mentions) if m.name == "Government")
    assert linked.mention_entity[government] is None


def test_metonym_without_its_organisation_is_an_entity_of_its_own() -> None:
    doc = table("""
        0   County   1   compound  PROPN  -       B-ORG
        1   Hall     2   nsubj     PROPN  -       I-ORG
        2   refused  2   ROOT      VERB   refuse
        3   .        2   punct     PUNCT
    """)
    assert link(doc).entities == [Entity("Organization", "County Hall")]


# --------------------------------------------------------------------------- pronouns


def test_pronoun_governed_by_a_speech_verb_is_its_subject() -> None:
    doc = table("""
        0   Ana      1   compound  PROPN  -       B-PERSON
        1   Lima     2   nsubj     PROPN  -       I-PERSON
        2   arrived  2   ROOT      VERB   arrive
        3   .        2   punct     PUNCT
        4   Sir      5   compound  PROPN
        5   Bob      6   nsubj     PROPN  -       B-PERSON
        6   said     6   ROOT      VERB   say
        7   he       9   nsubj     PRON
        8   would    9   aux       AUX
        9   resign   6   ccomp     VERB
        10  .        6   punct     PUNCT
    """)
    assert name_at(link(doc), 7) == "Bob"


WHITLOW = """
    0   Dana     1   compound  PROPN  -       B-PERSON
    1   Whitlow  2   nsubj     PROPN  -       I-PERSON
    2   thanked  2   ROOT      VERB   thank
    3   Sam      4   compound  PROPN  -       B-PERSON
    4   Ortiz    2   dobj      PROPN  -       I-PERSON
    5   .        2   punct     PUNCT
    6   He       7   nsubj     PRON
    7   left     7   ROOT      VERB   leave
    8   .        7   punct     PUNCT
"""


def test_pronoun_goes_to_the_previous_subject_not_the_object() -> None:
    assert name_at(link(table(WHITLOW)), 6) == "Dana Whitlow"


def test_pronoun_agrees_in_gender_with_an_honorific() -> None:
    doc = table("""
        0   Ms       1   compound  PROPN
        1   Adeyemi  2   nsubj     PROPN  -       B-PERSON
        2   greeted  2   ROOT      VERB   greet
        3   Mr       4   compound  PROPN
        4   Finch    2   dobj      PROPN  -       B-PERSON
        5   .        2   punct     PUNCT
        6   He       7   nsubj     PRON
        7   smiled   7   ROOT      VERB   smile
        8   .        7   punct     PUNCT
        9   She      10  nsubj     PRON
        10  nodded   10  ROOT      VERB   nod
        11  .        10  punct     PUNCT
    """)
    linked = link(doc)
    assert [e.gender for e in linked.entities] == ["f", "m"]
    assert name_at(linked, 6) == "Finch"  # the subject, Ms Adeyemi, is not a "he"
    assert name_at(linked, 9) == "Adeyemi"


def test_pronoun_with_no_person_before_it_is_unresolved() -> None:
    doc = table("""
        0   He       1   nsubj     PRON
        1   met      1   ROOT      VERB   meet
        2   Sam      3   compound  PROPN  -       B-PERSON
        3   Ortiz    1   dobj      PROPN  -       I-PERSON
        4   .        1   punct     PUNCT
    """)
    assert name_at(link(doc), 0) is None


QUOTED_NAME = """
    0   “        8   punct     PUNCT
    1   Sam      2   compound  PROPN  -       B-PERSON
    2   Ortiz    4   nsubj     PROPN  -       I-PERSON
    3   will     4   aux       AUX
    4   go       8   ccomp     VERB
    5   ,        8   punct     PUNCT
    6   ”        8   punct     PUNCT
    7   Whitlow  8   nsubj     PROPN  -       B-PERSON
    8   said     8   ROOT      VERB   say
    9   .        8   punct     PUNCT
    10  He       11  nsubj     PRON
    11  left     11  ROOT      VERB   leave
    12  .        11  punct     PUNCT
"""


def test_person_named_only_inside_a_quote_is_no_antecedent_outside_it() -> None:
    doc = table(QUOTED_NAME)
    assert doc.text == "“Sam Ortiz will go,” Whitlow said. He left."
    assert name_at(link(doc), 10) == "Sam Ortiz"  # without quotes, the first subject
    assert name_at(link(doc, quoted=True), 10) == "Whitlow"


def test_surname_tagged_as_an_organisation_joins_the_person_and_takes_its_class() -> None:
    doc = table("""
        0  Ada      1  compound  PROPN  -      B-PERSON
        1  Brenner  2  nsubj     PROPN  -      I-PERSON
        2  resigned 2  ROOT      VERB   resign
        3  .        2  punct     PUNCT
        4  Brenner  5  nsubj     PROPN  -      B-ORG
        5  left     5  ROOT      VERB   leave
        6  .        5  punct     PUNCT
    """)
    linked = link_entities(doc, find_mentions(doc))
    assert [e.name for e in linked.entities] == ["Ada Brenner"]
    assert [m.cls for m in linked.mentions] == ["Person", "Person"]
