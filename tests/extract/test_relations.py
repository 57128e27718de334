"""kg.extract.relations: a hand-parsed sentence per pattern of each extractor; the registry."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from docs import table
from kg.errors import KGError
from kg.extract.extraction import extract
from kg.extract.relations import EXTRACTORS, Candidate, get_extractor
from kg.ontology.schema import KG, load_ontology

Fact = tuple[str, str, str]


def candidates(rows: str, extractor: str) -> list[Candidate]:
    doc = table(rows)
    found = list(extract(doc, extractors=[extractor]).relations)
    for cand in found:
        assert (
            0 <= cand.sentence_start <= cand.start < cand.end <= cand.sentence_end <= len(doc.text)
        )
        assert 0 < cand.confidence <= 1
        assert cand.extractor == extractor
    return found


def facts(rows: str, extractor: str) -> set[Fact]:
    return {(c.subject.name, c.predicate, c.object.name) for c in candidates(rows, extractor)}


# --------------------------------------------------------------------------- verbs

VERBS = "kg.verbs.v1"

SVO = """
    0   Harbury     1   compound  PROPN  -          B-ORG
    1   Council     2   nsubj     PROPN  -          I-ORG
    2   criticised  2   ROOT      VERB   criticise
    3   Kitano      4   compound  PROPN  -          B-ORG
    4   Robotics    2   dobj      PROPN  -          I-ORG
    5   .           2   punct     PUNCT
"""


def test_verb_with_direct_object() -> None:
    [cand] = candidates(SVO, VERBS)
    assert (cand.subject.name, cand.predicate, cand.object.name) == (
        "Harbury Council",
        "criticised",
        "Kitano Robotics",
    )
    assert (cand.start, cand.end) == (0, len("Harbury Council criticised Kitano Robotics"))
    assert cand.confidence == 0.85


WROTE_TO = """
    0   Sir      2   compound  PROPN  -      B-PERSON
    1   Bob      2   compound  PROPN  -      I-PERSON
    2   Russell  3   nsubj     PROPN  -      I-PERSON
    3   wrote    3   ROOT      VERB   write
    4   to       3   prep      ADP
    5   David    6   compound  PROPN  -      B-PERSON
    6   Finch    4   pobj      PROPN  -      I-PERSON
    7   .        3   punct     PUNCT
"""


def test_verb_with_hinted_preposition() -> None:
    assert facts(WROTE_TO, VERBS) == {("Bob Russell", "wroteTo", "David Finch")}


PASSIVE_AGENT = """
    0   David       1   compound   PROPN  -          B-PERSON
    1   Finch       3   nsubjpass  PROPN  -          I-PERSON
    2   was         3   auxpass    AUX    be
    3   criticised  3   ROOT       VERB   criticise
    4   by          3   agent      ADP
    5   Sir         7   compound   PROPN  -          B-PERSON
    6   Bob         7   compound   PROPN  -          I-PERSON
    7   Russell     4   pobj       PROPN  -          I-PERSON
    8   .           3   punct      PUNCT
"""


def test_passive_with_agent_swaps_the_arguments() -> None:
    assert facts(PASSIVE_AGENT, VERBS) == {("Bob Russell", "criticised", "David Finch")}


BORN_IN = """
    0   Dana     1   compound   PROPN  -      B-PERSON
    1   Whitlow  3   nsubjpass  PROPN  -      I-PERSON
    2   was      3   auxpass    AUX    be
    3   born     3   ROOT       VERB   bear
    4   in       3   prep       ADP
    5   Japan    4   pobj       PROPN  -      B-GPE
    6   .        3   punct      PUNCT
"""


def test_passive_with_hinted_preposition_keeps_the_passive_subject() -> None:
    assert facts(BORN_IN, VERBS) == {("Dana Whitlow", "bornIn", "Japan")}


PARTICIPLE = """
    0   Kitano    1   compound  PROPN  -      B-ORG
    1   Robotics  7   nsubj     PROPN  -      I-ORG
    2   ,         1   punct     PUNCT
    3   based     1   acl       VERB   base
    4   in        3   prep      ADP
    5   Osaka     4   pobj      PROPN  -      B-GPE
    6   ,         1   punct     PUNCT
    7   hired     7   ROOT      VERB   hire
    8   Dana      9   compound  PROPN  -      B-PERSON
    9   Whitlow   7   dobj      PROPN  -      I-PERSON
    10  .         7   punct     PUNCT
"""


def test_participle_takes_the_noun_it_modifies_as_subject() -> None:
    assert facts(PARTICIPLE, VERBS) == {
        ("Kitano Robotics", "basedIn", "Osaka"),
        ("Kitano Robotics", "employs", "Dana Whitlow"),
    }


CONJUNCTIONS = """
    0   Dana     1   compound  PROPN  -      B-PERSON
    1   Whitlow  5   nsubj     PROPN  -      I-PERSON
    2   and      1   cc        CCONJ
    3   Sam      4   compound  PROPN  -      B-PERSON
    4   Ortiz    1   conj      PROPN  -      I-PERSON
    5   met      5   ROOT      VERB   meet
    6   Ana      7   compound  PROPN  -      B-PERSON
    7   Lima     5   dobj      PROPN  -      I-PERSON
    8   and      7   cc        CCONJ
    9   Tom      10  compound  PROPN  -      B-PERSON
    10  Brandt   7   conj      PROPN  -      I-PERSON
    11  .        5   punct     PUNCT
"""


def test_subjects_and_objects_expand_over_conjunctions() -> None:
    assert facts(CONJUNCTIONS, VERBS) == {
        (s, "met", o) for s in ("Dana Whitlow", "Sam Ortiz") for o in ("Ana Lima", "Tom Brandt")
    }


COORDINATED_VERBS = """
    0   Dana     1   compound  PROPN  -      B-PERSON
    1   Whitlow  2   nsubj     PROPN  -      I-PERSON
    2   met      2   ROOT      VERB   meet
    3   Sam      4   compound  PROPN  -      B-PERSON
    4   Ortiz    2   dobj      PROPN  -      I-PERSON
    5   and      2   cc        CCONJ
    6   praised  2   conj      VERB   praise
    7   Ana      8   compound  PROPN  -      B-PERSON
    8   Lima     6   dobj      PROPN  -      I-PERSON
    9   .        2   punct     PUNCT
"""


def test_coordinated_verb_inherits_the_subject() -> None:
    assert facts(COORDINATED_VERBS, VERBS) == {
        ("Dana Whitlow", "met", "Sam Ortiz"),
        ("Dana Whitlow", "praised", "Ana Lima"),
    }


NEGATED = """
    0   Dana     1   compound  PROPN  -      B-PERSON
    1   Whitlow  4   nsubj     PROPN  -      I-PERSON
    2   did      4   aux       AUX    do
    3   not      4   neg       PART
    4   meet     4   ROOT      VERB   meet
    5   Sam      6   compound  PROPN  -      B-PERSON
    6   Ortiz    4   dobj      PROPN  -      I-PERSON
    7   .        4   punct     PUNCT
"""

MODAL = """
    0   Dana     1   compound  PROPN  -      B-PERSON
    1   Whitlow  3   nsubj     PROPN  -      I-PERSON
    2   would    3   aux       AUX
    3   meet     3   ROOT      VERB   meet
    4   Sam      5   compound  PROPN  -      B-PERSON
    5   Ortiz    3   dobj      PROPN  -      I-PERSON
    6   .        3   punct     PUNCT
"""


@pytest.mark.parametrize("rows", [NEGATED, MODAL], ids=["negated", "modal"])
def test_negated_and_modal_verbs_assert_nothing(rows: str) -> None:
    assert facts(rows, VERBS) == set()


def npadvmod_object(verb: str, lemma: str) -> str:
    return f"""
        0   Dana     1   compound  PROPN  -        B-PERSON
        1   Whitlow  2   nsubj     PROPN  -        I-PERSON
        2   {verb}   2   ROOT      VERB   {lemma}
        3   Sam      4   compound  PROPN  -        B-PERSON
        4   Ortiz    2   npadvmod  PROPN  -        I-PERSON
        5   the      6   det       DET
        6   news     2   dobj      NOUN
        7   .        2   punct     PUNCT
    """


TOLD = npadvmod_object("told", "tell")


def test_told_takes_a_bare_noun_object_the_parser_calls_npadvmod() -> None:
    assert facts(TOLD, VERBS) == {("Dana Whitlow", "told", "Sam Ortiz")}


def test_other_verbs_ignore_an_npadvmod() -> None:
    assert facts(npadvmod_object("praised", "praise"), VERBS) == set()


def wrote_from(label: str) -> str:
    return f"""
        0   Osaka    1   nsubj     PROPN  -      B-{label}
        1   wrote    1   ROOT      VERB   write
        2   to       1   prep      ADP
        3   Sam      4   compound  PROPN  -      B-PERSON
        4   Ortiz    2   pobj      PROPN  -      I-PERSON
        5   .        1   punct     PUNCT
    """


def test_domain_check_rejects_a_place_that_writes() -> None:
    assert facts(wrote_from("ORG"), VERBS) == {("Osaka", "wroteTo", "Sam Ortiz")}
    assert facts(wrote_from("GPE"), VERBS) == set()


# --------------------------------------------------------------------------- nominal

NOMINAL = "kg.nominal.v1"

HAS_PARTNERSHIP = """
    0   Kitano       1   compound  PROPN  -      B-ORG
    1   Robotics     2   nsubj     PROPN  -      I-ORG
    2   has          2   ROOT      VERB   have
    3   a            4   det       DET
    4   partnership  2   dobj      NOUN
    5   with         4   prep      ADP
    6   Harbury      7   compound  PROPN  -      B-ORG
    7   University   5   pobj      PROPN  -      I-ORG
    8   .            2   punct     PUNCT
"""


def test_noun_object_of_a_verb_relates_its_subject() -> None:
    assert facts(HAS_PARTNERSHIP, NOMINAL) == {
        ("Kitano Robotics", "partnerOf", "Harbury University")
    }


PARTNERSHIP_WITH_PROVINCE = """
    0   Kitano       1   compound  PROPN  -      B-ORG
    1   Robotics     2   nsubj     PROPN  -      I-ORG
    2   has          2   ROOT      VERB   have
    3   a            4   det       DET
    4   partnership  2   dobj      NOUN
    5   with         4   prep      ADP
    6   Anhui        7   compound  PROPN  -      B-GPE
    7   province     5   pobj      NOUN
    8   .            2   punct     PUNCT
"""


def test_place_noun_after_a_place_name_stands_for_the_place() -> None:
    # A trained model tags "Anhui" alone, leaving "province" outside the name.
    assert facts(PARTNERSHIP_WITH_PROVINCE, NOMINAL) == {("Kitano Robotics", "partnerOf", "Anhui")}


POSSESSIVE_LINKS = """
    0   Harbury  1   compound   PROPN  -      B-ORG
    1   Council  3   poss       PROPN  -      I-ORG
    2   's       1   case       PART
    3   links    7   nsubjpass  NOUN   link
    4   with     3   prep       ADP
    5   Japan    4   pobj       PROPN  -      B-GPE
    6   were     7   auxpass    AUX    be
    7   praised  7   ROOT       VERB   praise
    8   .        7   punct      PUNCT
"""


def test_possessor_of_the_noun_is_the_owner() -> None:
    assert facts(POSSESSIVE_LINKS, NOMINAL) == {("Harbury Council", "hasLinksWith", "Japan")}


PARTNERSHIP_BETWEEN = """
    0   A            1   det        DET
    1   partnership  9   nsubjpass  NOUN
    2   between      1   prep       ADP
    3   Kitano       4   compound   PROPN  -         B-ORG
    4   Robotics     2   pobj       PROPN  -         I-ORG
    5   and          4   cc         CCONJ
    6   Harbury      7   compound   PROPN  -         B-ORG
    7   University   4   conj       PROPN  -         I-ORG
    8   was          9   auxpass    AUX    be
    9   announced    9   ROOT       VERB   announce
    10  .            9   punct      PUNCT
"""


def test_noun_between_two_names_relates_them() -> None:
    assert facts(PARTNERSHIP_BETWEEN, NOMINAL) == {
        ("Kitano Robotics", "partnerOf", "Harbury University")
    }


NO_PARTNERSHIP = """
    0   Kitano       1   compound  PROPN  -      B-ORG
    1   Robotics     4   nsubj     PROPN  -      I-ORG
    2   does         4   aux       AUX    do
    3   not          4   neg       PART
    4   have         4   ROOT      VERB
    5   a            6   det       DET
    6   partnership  4   dobj      NOUN
    7   with         6   prep      ADP
    8   Harbury      9   compound  PROPN  -      B-ORG
    9   University   7   pobj      PROPN  -      I-ORG
    10  .            4   punct     PUNCT
"""


def test_negated_verb_owns_no_noun_relation() -> None:
    assert facts(NO_PARTNERSHIP, NOMINAL) == set()


# --------------------------------------------------------------------------- roles

ROLES = "kg.roles.v1"


def roles(rows: str) -> set[tuple[str, str, str, str | None]]:
    return {
        (c.subject.name, c.predicate, c.object.name, c.role_title) for c in candidates(rows, ROLES)
    }


PREMODIFIER = """
    0   Harbury  2   compound  PROPN  -      B-ORG
    1   County   2   compound  PROPN  -      I-ORG
    2   Council  3   compound  PROPN  -      I-ORG
    3   leader   5   compound  NOUN
    4   David    5   compound  PROPN  -      B-PERSON
    5   Finch    6   nsubj     PROPN  -      I-PERSON
    6   wrote    6   ROOT      VERB   write
    7   to       6   prep      ADP
    8   Acorn    9   compound  PROPN  -      B-ORG
    9   Bank     7   pobj      PROPN  -      I-ORG
    10  .        6   punct     PUNCT
"""


def test_role_noun_before_a_name() -> None:
    assert roles(PREMODIFIER) == {("David Finch", "leaderOf", "Harbury County Council", "leader")}


POSSESSIVE_ROLE = """
    0   Acorn      1   compound  PROPN  -      B-ORG
    1   Bank       4   poss      PROPN  -      I-ORG
    2   's         1   case      PART
    3   chief      4   amod      ADJ
    4   executive  6   compound  NOUN
    5   Ana        6   compound  PROPN  -      B-PERSON
    6   Lima       7   nsubj     PROPN  -      I-PERSON
    7   resigned   7   ROOT      VERB   resign
    8   .          7   punct     PUNCT
"""


def test_possessive_role_phrase_before_a_name() -> None:
    assert roles(POSSESSIVE_ROLE) == {("Ana Lima", "leaderOf", "Acorn Bank", "chief executive")}


APPOSITION = """
    0   Ana          1   compound  PROPN  -      B-PERSON
    1   Lima         9   nsubj     PROPN  -      I-PERSON
    2   ,            1   punct     PUNCT
    3   a            4   det       DET
    4   spokeswoman  1   appos     NOUN
    5   for          4   prep      ADP
    6   Acorn        7   compound  PROPN  -      B-ORG
    7   Bank         5   pobj      PROPN  -      I-ORG
    8   ,            1   punct     PUNCT
    9   said         9   ROOT      VERB   say
    10  the          11  det       DET
    11  plan         12  nsubj     NOUN
    12  failed       9   ccomp     VERB   fail
    13  .            9   punct     PUNCT
"""


def test_role_in_apposition_after_a_name() -> None:
    assert roles(APPOSITION) == {("Ana Lima", "spokespersonFor", "Acorn Bank", "spokeswoman")}


REVERSE_APPOSITION = """
    0   The       1   det       DET
    1   director  9   nsubj     NOUN
    2   of        1   prep      ADP
    3   Acorn     4   compound  PROPN  -      B-ORG
    4   Bank      2   pobj      PROPN  -      I-ORG
    5   ,         1   punct     PUNCT
    6   Ana       7   compound  PROPN  -      B-PERSON
    7   Lima      1   appos     PROPN  -      I-PERSON
    8   ,         1   punct     PUNCT
    9   said      9   ROOT      VERB   say
    10  the       11  det       DET
    11  plan      12  nsubj     NOUN
    12  was       9   ccomp     AUX    be
    13  sound     12  acomp     ADJ
    14  .         9   punct     PUNCT
"""


def test_name_in_apposition_after_a_role() -> None:
    assert roles(REVERSE_APPOSITION) == {("Ana Lima", "leaderOf", "Acorn Bank", "director")}


COPULA = """
    0   Ana       1   compound  PROPN  -      B-PERSON
    1   Lima      2   nsubj     PROPN  -      I-PERSON
    2   is        2   ROOT      AUX    be
    3   the       4   det       DET
    4   director  2   attr      NOUN
    5   of        4   prep      ADP
    6   Acorn     7   compound  PROPN  -      B-ORG
    7   Bank      5   pobj      PROPN  -      I-ORG
    8   .         2   punct     PUNCT
"""


def test_role_after_a_copula() -> None:
    assert roles(COPULA) == {("Ana Lima", "leaderOf", "Acorn Bank", "director")}


DEFAULT_ROLE = """
    0   Sam      1   compound  PROPN  -      B-PERSON
    1   Ortiz    8   nsubj     PROPN  -      I-PERSON
    2   ,        1   punct     PUNCT
    3   High     4   compound  PROPN
    4   Steward  1   appos     PROPN
    5   of       4   prep      ADP
    6   Harbury  5   pobj      PROPN  -      B-GPE
    7   ,        1   punct     PUNCT
    8   opened   8   ROOT      VERB   open
    9   the      10  det       DET
    10  fair     8   dobj      NOUN
    11  .        8   punct     PUNCT
"""


def test_unknown_title_cased_role_gives_the_default_role_with_its_title() -> None:
    [cand] = candidates(DEFAULT_ROLE, ROLES)
    assert (cand.subject.name, cand.predicate, cand.object.name, cand.role_title) == (
        "Sam Ortiz",
        "holdsPositionIn",
        "Harbury",
        "High Steward",
    )
    assert load_ontology().default_role == "holdsPositionIn"
    assert cand.confidence == 0.6


def test_unknown_lower_case_title_of_a_place_is_an_office() -> None:
    rows = DEFAULT_ROLE.replace("High     4   compound  PROPN", "grand    4   amod      ADJ  ")
    rows = rows.replace("Steward  1   appos     PROPN", "steward  1   appos     NOUN ")
    assert table(rows).text == "Sam Ortiz, grand steward of Harbury, opened the fair."
    assert roles(rows) == {("Sam Ortiz", "holdsPositionIn", "Harbury", "grand steward")}


# --------------------------------------------------------------------------- location

LOCATION = "kg.links.v1"

PROVINCE_IN = """
    0   Officials  6   nsubj     NOUN   official
    1   from       0   prep      ADP
    2   Jiangsu    3   compound  PROPN  -      B-GPE
    3   province   1   pobj      NOUN
    4   in         3   prep      ADP
    5   China      4   pobj      PROPN  -      B-GPE
    6   arrived    6   ROOT      VERB   arrive
    7   .          6   punct     PUNCT
"""


def test_place_noun_and_preposition_give_located_in() -> None:
    [cand] = candidates(PROVINCE_IN, LOCATION)
    assert (cand.subject.name, cand.predicate, cand.object.name) == (
        "Jiangsu",
        "locatedIn",
        "China",
    )
    assert (cand.subject.cls, cand.object.cls) == ("Place", "Country")


TOWN_OF = """
    0   Fishermen  8   nsubj     NOUN   fisherman
    1   in         0   prep      ADP
    2   the        3   det       DET
    3   town       1   pobj      NOUN
    4   of         3   prep      ADP
    5   Brackwell  4   pobj      PROPN  -      B-GPE
    6   in         3   prep      ADP
    7   Dorset     6   pobj      PROPN  -      B-GPE
    8   protested  8   ROOT      VERB   protest
    9   .          8   punct     PUNCT
"""


def test_the_town_of_a_place_in_another() -> None:
    assert facts(TOWN_OF, LOCATION) == {("Brackwell", "locatedIn", "Dorset")}


COMMA = """
    0   Residents   6   nsubj     NOUN   resident
    1   of          0   prep      ADP
    2   Brackwell   1   pobj      PROPN  -      B-GPE
    3   ,           2   punct     PUNCT
    4   Dorset      2   appos     PROPN  -      B-GPE
    5   ,           2   punct     PUNCT
    6   complained  6   ROOT      VERB   complain
    7   .           6   punct     PUNCT
"""


def test_place_comma_place_gives_located_in() -> None:
    [cand] = candidates(COMMA, LOCATION)
    assert (cand.subject.name, cand.predicate, cand.object.name) == (
        "Brackwell",
        "locatedIn",
        "Dorset",
    )
    assert cand.confidence == 0.7


LIST_AS_CONJUNCTS = """
    0   Residents   7   nsubj     NOUN   resident
    1   of          0   prep      ADP
    2   Brackwell   1   pobj      PROPN  -      B-GPE
    3   ,           2   punct     PUNCT
    4   Dorset      2   conj      PROPN  -      B-GPE
    5   and         4   cc        CCONJ
    6   Kent        4   conj      PROPN  -      B-GPE
    7   complained  7   ROOT      VERB   complain
    8   .           7   punct     PUNCT
"""

LIST_WITH_APPOSITION = """
    0   Residents   7   nsubj     NOUN   resident
    1   of          0   prep      ADP
    2   Brackwell   1   pobj      PROPN  -      B-GPE
    3   ,           2   punct     PUNCT
    4   Dorset      2   appos     PROPN  -      B-GPE
    5   and         2   cc        CCONJ
    6   Kent        2   conj      PROPN  -      B-GPE
    7   complained  7   ROOT      VERB   complain
    8   .           7   punct     PUNCT
"""


@pytest.mark.parametrize(
    "rows", [LIST_AS_CONJUNCTS, LIST_WITH_APPOSITION], ids=["conjuncts", "apposition"]
)
def test_places_in_a_list_are_not_located_in_each_other(rows: str) -> None:
    assert table(rows).text == "Residents of Brackwell, Dorset and Kent complained."
    assert facts(rows, LOCATION) == set()


DEMONYM_FIRM = """
    0   Japanese  1   amod      ADJ    japanese  B-NORP
    1   firm      3   compound  NOUN
    2   Kitano    3   compound  PROPN  -         B-ORG
    3   Robotics  4   nsubj     PROPN  -         I-ORG
    4   hired     4   ROOT      VERB   hire
    5   Dana      6   compound  PROPN  -         B-PERSON
    6   Whitlow   4   dobj      PROPN  -         I-PERSON
    7   .         4   punct     PUNCT
"""


def test_nationality_of_a_firm_gives_based_in() -> None:
    assert facts(DEMONYM_FIRM, LOCATION) == {("Kitano Robotics", "basedIn", "Japan")}


DEMONYM_PLAYER = """
    0   Brazilian   1   amod      ADJ    brazilian  B-NORP
    1   midfielder  3   compound  NOUN
    2   Rafael      3   compound  PROPN  -          B-PERSON
    3   Costa       4   nsubj     PROPN  -          I-PERSON
    4   scored      4   ROOT      VERB   score
    5   .           4   punct     PUNCT
"""


def test_nationality_of_a_person_gives_citizen_of() -> None:
    assert facts(DEMONYM_PLAYER, LOCATION) == {("Rafael Costa", "citizenOf", "Brazil")}


# --------------------------------------------------------------------------- ontology and registry

EVERY_DOC = [
    SVO,
    WROTE_TO,
    PASSIVE_AGENT,
    BORN_IN,
    PARTICIPLE,
    CONJUNCTIONS,
    COORDINATED_VERBS,
    TOLD,
    wrote_from("ORG"),
    HAS_PARTNERSHIP,
    POSSESSIVE_LINKS,
    PARTNERSHIP_BETWEEN,
    PREMODIFIER,
    POSSESSIVE_ROLE,
    APPOSITION,
    REVERSE_APPOSITION,
    COPULA,
    DEFAULT_ROLE,
    PROVINCE_IN,
    TOWN_OF,
    COMMA,
    DEMONYM_FIRM,
    DEMONYM_PLAYER,
]


def test_every_hinted_property_is_declared() -> None:
    onto = load_ontology()
    hints = [KG.verbHint, KG.nounHint, KG.roleHint, KG.demonymHint, KG.linkHint]
    hinted = {s for hint in hints for s in onto.graph.subjects(hint)}
    assert len(hinted) > 20
    for prop in hinted:
        assert isinstance(prop, URIRef) and prop.startswith(str(KG))
        name = prop[len(str(KG)) :]
        assert name in onto.properties, f"kg:{name} has hints but is not declared"
        assert onto.term(name) == prop
    assert onto.default_role in onto.properties


def test_every_predicate_the_extractors_emit_is_declared() -> None:
    onto = load_ontology()
    emitted = {
        c.predicate for rows in EVERY_DOC for name in EXTRACTORS for c in candidates(rows, name)
    }
    assert len(emitted) >= 12
    assert emitted <= onto.properties


def test_unknown_extractor_name_lists_the_available_names() -> None:
    with pytest.raises(KGError, match=r"kg\.nope\.v1") as info:
        get_extractor("kg.nope.v1")
    message = str(info.value)
    assert "Available names: " + ", ".join(sorted(EXTRACTORS)) in message
    assert get_extractor(VERBS) is EXTRACTORS[VERBS]


# --------------------------------------------------------------------------- links: more patterns

PERSON_OF_ORG = """
    0   Ann       1   compound  PROPN  -      B-PERSON
    1   Lee       5   nsubj     PROPN  -      I-PERSON
    2   of        1   prep      ADP
    3   Kitano    4   compound  PROPN  -      B-ORG
    4   Robotics  2   pobj      PROPN  -      I-ORG
    5   spoke     5   ROOT      VERB   speak
    6   .         5   punct     PUNCT
"""


def test_person_of_an_organisation_works_for_it() -> None:
    assert facts(PERSON_OF_ORG, LOCATION) == {("Ann Lee", "worksFor", "Kitano Robotics")}


ORG_IN_PLACE = """
    0   Harbour    1   compound  PROPN  -      B-ORG
    1   Bank       4   nsubj     PROPN  -      I-ORG
    2   in         1   prep      ADP
    3   Brackwell  2   pobj      PROPN  -      B-GPE
    4   raised     4   ROOT      VERB   raise
    5   its        6   poss      PRON
    6   rates      4   dobj      NOUN   rate
    7   .          4   punct     PUNCT
"""


def test_organisation_in_a_place_is_based_there() -> None:
    [cand] = candidates(ORG_IN_PLACE, LOCATION)
    assert (cand.subject.name, cand.predicate, cand.object.name) == (
        "Harbour Bank",
        "basedIn",
        "Brackwell",
    )
    assert cand.confidence == 0.8


PLACES_ORG = """
    0   Brackwell  3   poss      PROPN  -      B-GPE
    1   's         0   case      PART
    2   Harbour    3   compound  PROPN  -      B-ORG
    3   Bank       4   nsubj     PROPN  -      I-ORG
    4   raised     4   ROOT      VERB   raise
    5   its        6   poss      PRON
    6   rates      4   dobj      NOUN   rate
    7   .          4   punct     PUNCT
"""

PLACES_PLACE = """
    0   Dorset     2   poss      PROPN  -      B-GPE
    1   's         0   case      PART
    2   Brackwell  3   nsubj     PROPN  -      B-GPE
    3   flooded    3   ROOT      VERB   flood
    4   .          3   punct     PUNCT
"""


def test_possessive_place_is_where_the_name_is() -> None:
    [cand] = candidates(PLACES_ORG, LOCATION)
    assert (cand.subject.name, cand.predicate, cand.object.name) == (
        "Harbour Bank",
        "basedIn",
        "Brackwell",
    )
    assert cand.confidence == 0.75
    assert facts(PLACES_PLACE, LOCATION) == {("Brackwell", "locatedIn", "Dorset")}


ORG_COMMA_PLACE = """
    0   Kitano  1   compound  PROPN  -      B-ORG
    1   Labs    5   nsubj     PROPN  -      I-ORG
    2   ,       1   punct     PUNCT
    3   Osaka   1   appos     PROPN  -      B-GPE
    4   ,       1   punct     PUNCT
    5   hired   5   ROOT      VERB   hire
    6   Jo      7   compound  PROPN  -      B-PERSON
    7   Lane    5   dobj      PROPN  -      I-PERSON
    8   .       5   punct     PUNCT
"""


def test_organisation_comma_place_gives_based_in() -> None:
    [cand] = candidates(ORG_COMMA_PLACE, LOCATION)
    assert (cand.subject.name, cand.predicate, cand.object.name) == (
        "Kitano Labs",
        "basedIn",
        "Osaka",
    )
    assert cand.confidence == 0.7


ORG_IN_A_LIST = """
    0   The      1   det        DET
    1   pact     3   nsubjpass  NOUN
    2   was      3   auxpass    AUX    be
    3   signed   3   ROOT       VERB   sign
    4   by       3   agent      ADP
    5   Harbour  6   compound   PROPN  -      B-ORG
    6   Bank     4   pobj       PROPN  -      I-ORG
    7   ,        6   punct      PUNCT
    8   Leeds    6   conj       PROPN  -      B-GPE
    9   ,        8   punct      PUNCT
    10  York     8   conj       PROPN  -      B-GPE
    11  and      10  cc         CCONJ
    12  Hull     10  conj       PROPN  -      B-GPE
    13  .        3   punct      PUNCT
"""


def test_organisation_first_in_a_list_of_places_is_not_based_in_them() -> None:
    assert table(ORG_IN_A_LIST).text == "The pact was signed by Harbour Bank, Leeds, York and Hull."
    assert facts(ORG_IN_A_LIST, LOCATION) == set()


PLACE_IN_ORG_COMPOUND = """
    0   Workers   7   nsubj     NOUN   worker
    1   at        0   prep      ADP
    2   the       6   det       DET
    3   Osaka     4   compound  PROPN  -      B-GPE
    4   Kitano    6   compound  PROPN  -      B-ORG
    5   Robotics  6   compound  PROPN  -      I-ORG
    6   plant     1   pobj      NOUN
    7   went      7   ROOT      VERB   go
    8   on        7   prep      ADP
    9   strike    8   pobj      NOUN
    10  .         7   punct     PUNCT
"""


def test_place_name_modifying_an_organisation_name_gives_based_in() -> None:
    [cand] = candidates(PLACE_IN_ORG_COMPOUND, LOCATION)
    assert (cand.subject.name, cand.predicate, cand.object.name) == (
        "Kitano Robotics",
        "basedIn",
        "Osaka",
    )
    assert cand.confidence == 0.6


PERSON_OF_PERSON = """
    0   Ann    1   compound  PROPN  -      B-PERSON
    1   Lee    5   nsubj     PROPN  -      I-PERSON
    2   of     1   prep      ADP
    3   Sam    4   compound  PROPN  -      B-PERSON
    4   Ortiz  2   pobj      PROPN  -      I-PERSON
    5   spoke  5   ROOT      VERB   speak
    6   .      5   punct     PUNCT
"""


def test_two_people_joined_by_of_are_not_linked() -> None:
    # kg:worksFor's range (kg:Agent) would admit a person: only the explicit rule stops it.
    assert load_ontology().link_predicate("of", "Person", "Person") == "worksFor"
    assert facts(PERSON_OF_PERSON, LOCATION) == set()


# --------------------------------------------------------------------------- roles: more patterns

UNHINTED_PREMODIFIER = """
    0   Harbury       1   compound   PROPN  -      B-ORG
    1   Gazette       2   compound   PROPN  -      I-ORG
    2   photographer  4   compound   NOUN
    3   Jo            4   compound   PROPN  -      B-PERSON
    4   Lane          5   nsubj      PROPN  -      I-PERSON
    5   said          5   ROOT       VERB   say
    6   the           7   det        DET
    7   road          9   nsubjpass  NOUN
    8   was           9   auxpass    AUX    be
    9   closed        5   ccomp      VERB   close
    10  .             5   punct      PUNCT
"""


def test_unhinted_lower_case_title_before_a_name_reads_as_of() -> None:
    assert load_ontology().role_predicate("photographer") is None
    [cand] = candidates(UNHINTED_PREMODIFIER, ROLES)
    assert (cand.subject.name, cand.predicate, cand.object.name, cand.role_title) == (
        "Jo Lane",
        "worksFor",
        "Harbury Gazette",
        "photographer",
    )
    assert cand.confidence == 0.6


FROM_A_PLACE = """
    0   Jo          1   compound   PROPN  -      B-PERSON
    1   Lane        8   nsubj      PROPN  -      I-PERSON
    2   ,           1   punct      PUNCT
    3   a           4   det        DET
    4   technician  1   appos      NOUN
    5   from        4   prep       ADP
    6   Brackwell   5   pobj       PROPN  -      B-GPE
    7   ,           1   punct      PUNCT
    8   said        8   ROOT       VERB   say
    9   the         10  det        DET
    10  road        12  nsubjpass  NOUN
    11  was         12  auxpass    AUX    be
    12  closed      8   ccomp      VERB   close
    13  .           8   punct      PUNCT
"""


def test_unhinted_noun_from_a_place_gives_lives_in() -> None:
    assert roles(FROM_A_PLACE) == {("Jo Lane", "livesIn", "Brackwell", "technician")}


PLACE_SENATOR = """
    0   Ray      1   compound   PROPN  -      B-PERSON
    1   Cole     7   nsubj      PROPN  -      I-PERSON
    2   ,        1   punct      PUNCT
    3   the      5   det        DET
    4   Dorset   5   compound   PROPN  -      B-GPE
    5   senator  1   appos      NOUN
    6   ,        1   punct      PUNCT
    7   said     7   ROOT       VERB   say
    8   the      9   det        DET
    9   road     11  nsubjpass  NOUN
    10  was      11  auxpass    AUX    be
    11  closed   7   ccomp      VERB   close
    12  .        7   punct      PUNCT
"""


def test_hinted_role_that_does_not_fit_a_place_is_an_office_there() -> None:
    onto = load_ontology()
    assert onto.role_predicate("senator") == "memberOf"
    assert not onto.accepts("memberOf", "Person", "Place")
    assert roles(PLACE_SENATOR) == {("Ray Cole", "holdsPositionIn", "Dorset", "senator")}


NATIONALITY_UNHINTED = """
    0   Brazilian   1   amod      ADJ    brazilian  B-NORP
    1   midfielder  3   compound  NOUN
    2   Caio        3   compound  PROPN  -          B-PERSON
    3   Lima        4   nsubj     PROPN  -          I-PERSON
    4   scored      4   ROOT      VERB   score
    5   twice       4   advmod    ADV
    6   .           4   punct     PUNCT
"""

NATIONALITY_HINTED = """
    0   Haitian    1   amod      ADJ    haitian  B-NORP
    1   President  3   compound  PROPN
    2   Jean       3   compound  PROPN  -        B-PERSON
    3   Paul       4   nsubj     PROPN  -        I-PERSON
    4   resigned   4   ROOT      VERB   resign
    5   .          4   punct     PUNCT
"""


def test_nationality_gives_a_role_only_with_a_hinted_title() -> None:
    assert roles(NATIONALITY_UNHINTED) == set()
    assert roles(NATIONALITY_HINTED) == {("Jean Paul", "leaderOf", "Haiti", "President")}


KILLER_NOUN = """
    0   Sam       1   compound   PROPN  -      B-PERSON
    1   Ortiz     10  nsubjpass  PROPN  -      I-PERSON
    2   ,         1   punct      PUNCT
    3   the       4   det        DET
    4   assassin  1   appos      NOUN
    5   of        4   prep       ADP
    6   Jo        7   compound   PROPN  -      B-PERSON
    7   Lane      5   pobj       PROPN  -      I-PERSON
    8   ,         1   punct      PUNCT
    9   was       10  auxpass    AUX    be
    10  arrested  10  ROOT       VERB   arrest
    11  .         10  punct      PUNCT
"""


def test_killer_noun_in_apposition_gives_killed() -> None:
    assert roles(KILLER_NOUN) == {("Sam Ortiz", "killed", "Jo Lane", "assassin")}


# --------------------------------------------------------------------------- verbs: more patterns

GERUND_AFTER_ADJECTIVE = """
    0   Sam      1   compound  PROPN  -      B-PERSON
    1   Ortiz    2   nsubj     PROPN  -      I-PERSON
    2   pleaded  2   ROOT      VERB   plead
    3   guilty   2   acomp     ADJ
    4   to       3   prep      ADP
    5   killing  4   pcomp     VERB   kill
    6   Jo       7   compound  PROPN  -      B-PERSON
    7   Lane     5   dobj      PROPN  -      I-PERSON
    8   .        2   punct     PUNCT
"""


def test_gerund_takes_the_subject_of_the_governing_clause() -> None:
    assert facts(GERUND_AFTER_ADJECTIVE, VERBS) == {("Sam Ortiz", "killed", "Jo Lane")}


GERUND_UNDER_PARTICIPLE = """
    0   Sam        1   compound  PROPN  -      B-PERSON
    1   Ortiz      9   nsubj     PROPN  -      I-PERSON
    2   ,          1   punct     PUNCT
    3   convicted  1   acl       VERB   convict
    4   of         3   prep      ADP
    5   murdering  4   pcomp     VERB   murder
    6   Jo         7   compound  PROPN  -      B-PERSON
    7   Lane       5   dobj      PROPN  -      I-PERSON
    8   ,          1   punct     PUNCT
    9   appealed   9   ROOT      VERB   appeal
    10  .          9   punct     PUNCT
"""


def test_gerund_under_a_participle_takes_the_noun_the_participle_modifies() -> None:
    assert facts(GERUND_UNDER_PARTICIPLE, VERBS) == {("Sam Ortiz", "killed", "Jo Lane")}


SUBJECT_CONTROL = """
    0   Ray     1   compound  PROPN  -      B-PERSON
    1   Cole    2   nsubj     PROPN  -      I-PERSON
    2   tried   2   ROOT      VERB   try
    3   to      4   aux       PART
    4   attack  2   xcomp     VERB
    5   Sam     6   compound  PROPN  -      B-PERSON
    6   Ortiz   4   dobj      PROPN  -      I-PERSON
    7   .       2   punct     PUNCT
"""

OBJECT_CONTROL = """
    0   Ray     1   compound  PROPN  -      B-PERSON
    1   Cole    2   nsubj     PROPN  -      I-PERSON
    2   asked   2   ROOT      VERB   ask
    3   Jo      4   compound  PROPN  -      B-PERSON
    4   Lane    2   dobj      PROPN  -      I-PERSON
    5   to      6   aux       PART
    6   attack  2   xcomp     VERB
    7   Sam     8   compound  PROPN  -      B-PERSON
    8   Ortiz   6   dobj      PROPN  -      I-PERSON
    9   .       2   punct     PUNCT
"""


def test_a_direct_object_of_the_governing_verb_blocks_subject_control() -> None:
    assert facts(SUBJECT_CONTROL, VERBS) == {("Ray Cole", "attacked", "Sam Ortiz")}
    found = facts(OBJECT_CONTROL, VERBS)
    assert not {f for f in found if f[0] == "Ray Cole" and f[1] == "attacked"}
    assert ("Ray Cole", "asked", "Jo Lane") in found  # the governing verb's own fact


FATALLY_SHOT = """
    0   Sam      1   compound  PROPN  -      B-PERSON
    1   Ortiz    3   nsubj     PROPN  -      I-PERSON
    2   fatally  3   advmod    ADV
    3   shot     3   ROOT      VERB   shoot
    4   Jo       5   compound  PROPN  -      B-PERSON
    5   Lane     3   dobj      PROPN  -      I-PERSON
    6   .        3   punct     PUNCT
"""

SHOT = """
    0   Sam      1   compound  PROPN  -      B-PERSON
    1   Ortiz    2   nsubj     PROPN  -      I-PERSON
    2   shot     2   ROOT      VERB   shoot
    3   Jo       4   compound  PROPN  -      B-PERSON
    4   Lane     2   dobj      PROPN  -      I-PERSON
    5   .        2   punct     PUNCT
"""

SHOT_DEAD = """
    0   Sam      1   compound  PROPN  -      B-PERSON
    1   Ortiz    2   nsubj     PROPN  -      I-PERSON
    2   shot     2   ROOT      VERB   shoot
    3   Jo       4   compound  PROPN  -      B-PERSON
    4   Lane     2   dobj      PROPN  -      I-PERSON
    5   dead     2   oprd      ADJ
    6   .        2   punct     PUNCT
"""

SHOT_TO_DEATH = """
    0   Sam      1   compound  PROPN  -      B-PERSON
    1   Ortiz    2   nsubj     PROPN  -      I-PERSON
    2   shot     2   ROOT      VERB   shoot
    3   Jo       4   compound  PROPN  -      B-PERSON
    4   Lane     2   dobj      PROPN  -      I-PERSON
    5   to       2   prep      ADP
    6   death    5   pobj      NOUN
    7   .        2   punct     PUNCT
"""


@pytest.mark.parametrize(
    ("rows", "predicate"),
    [
        (SHOT, "attacked"),
        (FATALLY_SHOT, "killed"),
        (SHOT_DEAD, "killed"),
        (SHOT_TO_DEATH, "killed"),
    ],
    ids=["shot", "fatally", "dead", "to-death"],
)
def test_a_result_word_turns_an_attack_into_a_killing(rows: str, predicate: str) -> None:
    assert facts(rows, VERBS) == {("Sam Ortiz", predicate, "Jo Lane")}


# --------------------------------------------------------------------------- datelines

DATELINES = "kg.datelines.v1"

# The small model tags "HARBURY" as nothing and "Dorset" as a PERSON; both are places.
DATELINE = """
    0   HARBURY  0   ROOT   PROPN  -      B-GPE
    1   ,        0   punct  PUNCT
    2   Dorset   0   conj   PROPN  -      B-GPE
    3   (        2   punct  PUNCT
    4   KNA      2   appos  PROPN  -      B-ORG
    5   )        2   punct  PUNCT
    6   _        0   punct  PUNCT
    7   A        8   det    DET    a
    8   ferry    9   nsubj  NOUN
    9   sank     9   ROOT   VERB   sink
    10  on       9   prep   ADP
    11  Monday   10  pobj   PROPN  -      B-DATE
    12  .        9   punct  PUNCT
"""


def test_places_then_an_agency_before_a_dash_is_a_dateline() -> None:
    doc = table(DATELINE)
    assert [s.text for s in doc.sents] == ["HARBURY, Dorset (KNA) _", "A ferry sank on Monday."]
    found = candidates(DATELINE, DATELINES)
    assert {(c.subject.name, c.predicate, c.object.name) for c in found} == {
        ("KNA", "reportedFrom", "HARBURY"),
        ("KNA", "reportedFrom", "Dorset"),
    }
    assert {(c.subject.cls, c.object.cls) for c in found} == {("Organization", "Place")}
    assert {doc.text[c.start : c.end] for c in found} == {"HARBURY, Dorset (KNA", "Dorset (KNA"}
    assert {c.confidence for c in found} == {0.8}


# The model tags no entity on "Brackwell"; it is a place. The parser keeps the editor's
# label "(Text)" in the dateline's sentence.
LABELLED_DATELINE = """
    0   (          3   punct   PUNCT
    1   Text       3   nmod    PROPN
    2   )          3   punct   PUNCT
    3   Brackwell  3   ROOT    PROPN  -       B-GPE
    4   ,          3   punct   PUNCT
    5   5          6   nummod  NUM    -       B-DATE
    6   May        3   appos   PROPN  -       I-DATE
    7   (          6   punct   PUNCT
    8   KNA        6   appos   PROPN  -       B-ORG
    9   )          6   punct   PUNCT
    10  --         3   punct   PUNCT
    11  Talks      12  nsubj   NOUN   talk
    12  resumed    12  ROOT    VERB   resume
    13  .          12  punct   PUNCT
"""


def test_dateline_after_an_editors_label_and_with_a_date() -> None:
    doc = table(LABELLED_DATELINE)
    assert [s.text for s in doc.sents] == ["(Text) Brackwell, 5 May (KNA) --", "Talks resumed."]
    assert facts(LABELLED_DATELINE, DATELINES) == {("KNA", "reportedFrom", "Brackwell")}


# The model tags nothing on "Brackwell" and "Dorset" as an ORG; both are places.
PLACES_THEN_A_VERB = """
    0   Brackwell  4   nsubj  PROPN  -      B-GPE
    1   ,          0   punct  PUNCT
    2   Dorset     0   appos  PROPN  -      B-GPE
    3   ,          0   punct  PUNCT
    4   sued       4   ROOT   VERB   sue
    5   KNA        4   dobj   PROPN  -      B-ORG
    6   --         4   punct  PUNCT
    7   and        4   cc     CCONJ
    8   won        4   conj   VERB   win
    9   .          4   punct  PUNCT
"""

# The model tags nothing on "Brackwell" and "Dorset" as a PERSON; both are places.
AGENCY_NOT_CLOSED = """
    0   Brackwell  6   nmod    PROPN  -      B-GPE
    1   ,          0   punct   PUNCT
    2   Dorset     6   nmod    PROPN  -      B-GPE
    3   (          2   punct   PUNCT
    4   KNA        2   appos   PROPN  -      B-ORG
    5   )          6   punct   PUNCT
    6   staff      7   nsubj   NOUN
    7   walked     7   ROOT    VERB   walk
    8   out        7   advmod  ADV
    9   .          7   punct   PUNCT
"""


@pytest.mark.parametrize(
    "rows", [PLACES_THEN_A_VERB, AGENCY_NOT_CLOSED], ids=["word-between", "no-dash-after"]
)
def test_places_and_an_agency_outside_a_dateline_are_not_one(rows: str) -> None:
    doc = table(rows)
    assert {e.label_ for e in doc.ents} == {"GPE", "ORG"}
    assert facts(rows, DATELINES) == set()


# --------------------------------------------------------------------------- links: descriptions

# The model tags "Kitano Robotics" as a PERSON; it is an organisation.
FIRM_DESCRIPTION = """
    0   Kitano    1   compound  PROPN  -      B-ORG
    1   Robotics  7   nsubj     PROPN  -      I-ORG
    2   ,         1   punct     PUNCT
    3   an        5   det       DET
    4   Osaka     5   compound  PROPN  -      B-GPE
    5   firm      1   appos     NOUN
    6   ,         1   punct     PUNCT
    7   hired     7   ROOT      VERB   hire
    8   Ann       9   compound  PROPN  -      B-PERSON
    9   Lee       7   dobj      PROPN  -      I-PERSON
    10  .         7   punct     PUNCT
"""


def test_description_with_a_place_compound_gives_based_in() -> None:
    [cand] = candidates(FIRM_DESCRIPTION, LOCATION)
    assert (cand.subject.name, cand.predicate, cand.object.name) == (
        "Kitano Robotics",
        "basedIn",
        "Osaka",
    )
    assert cand.confidence == 0.7


# The model tags nothing on "Brackwell" and "Dorset" as an ORG; both are places.
CAPITAL_OF = """
    0   Brackwell  7   nsubj  PROPN  -      B-GPE
    1   ,          0   punct  PUNCT
    2   the        3   det    DET
    3   capital    0   appos  NOUN
    4   of         3   prep   ADP
    5   Dorset     4   pobj   PROPN  -      B-GPE
    6   ,          0   punct  PUNCT
    7   flooded    7   ROOT   VERB   flood
    8   .          7   punct  PUNCT
"""


def test_description_with_of_a_place_gives_located_in() -> None:
    assert facts(CAPITAL_OF, LOCATION) == {("Brackwell", "locatedIn", "Dorset")}


NATIVE_PLACE = """
    0   Ann        1   compound  PROPN  -      B-PERSON
    1   Lee        2   nsubj     PROPN  -      I-PERSON
    2   won        2   ROOT      VERB   win
    3   in         2   prep      ADP
    4   her        6   poss      PRON
    5   native     6   amod      ADJ
    6   Brackwell  3   pobj      PROPN  -      B-GPE
    7   .          2   punct     PUNCT
"""


def test_role_word_on_a_place_with_a_pronoun_possessor() -> None:
    assert load_ontology().role_predicate("native") == "livesIn"
    # The possessive on its own ("her Brackwell") is another pattern's, with its own fact.
    [cand] = [c for c in candidates(NATIVE_PLACE, LOCATION) if c.predicate == "livesIn"]
    assert (cand.subject.name, cand.predicate, cand.object.name) == (
        "Ann Lee",
        "livesIn",
        "Brackwell",
    )
    assert cand.confidence == 0.75
    assert table(NATIVE_PLACE).text[cand.start : cand.end] == "her native Brackwell"


# The model tags nothing on "Harbury Gazette"; it is an organisation.
IN_A_LANGUAGE = """
    0   The      2   det       DET    the
    1   Harbury  2   compound  PROPN  -      B-ORG
    2   Gazette  5   nsubj     PROPN  -      I-ORG
    3   in       2   prep      ADP
    4   Russian  3   pobj      PROPN  -      B-NORP
    5   sold     5   ROOT      VERB   sell
    6   well     5   advmod    ADV
    7   .        5   punct     PUNCT
"""


def test_nationality_word_after_in_is_a_language_not_a_place() -> None:
    assert facts(IN_A_LANGUAGE, LOCATION) == set()


# --------------------------------------------------------------------------- roles: parser slips

# The model tags "Dorset" as an ORG; it is a place. It hangs "Jo Lane" on the verb as an
# npadvmod, not on "sheriff" as an apposition.
MISSED_APPOSITION = """
    0   Police      1   nsubj     NOUN
    1   questioned  1   ROOT      VERB   question
    2   Dorset      4   poss      PROPN  -      B-GPE
    3   's          2   case      PART
    4   sheriff     1   dobj      NOUN
    5   ,           1   punct     PUNCT
    6   Jo          7   compound  PROPN  -      B-PERSON
    7   Lane        1   npadvmod  PROPN  -      I-PERSON
    8   ,           1   punct     PUNCT
    9   on          1   prep      ADP
    10  Monday      9   pobj      PROPN  -      B-DATE
    11  .           1   punct     PUNCT
"""


def test_role_noun_before_a_name_the_parser_did_not_attach() -> None:
    assert load_ontology().role_predicate("sheriff") is None
    [cand] = candidates(MISSED_APPOSITION, ROLES)
    assert (cand.subject.name, cand.predicate, cand.object.name, cand.role_title) == (
        "Jo Lane",
        "holdsPositionIn",
        "Dorset",
        "sheriff",
    )
    assert cand.confidence == 0.6


# The model puts "'s" inside the PERSON entity ("Jo Lane's"); the name ends before it.
POSSESSOR_AND_TITLE = """
    0   Jo        1   compound   PROPN  -      B-PERSON
    1   Lane      5   poss       PROPN  -      I-PERSON
    2   's        1   case       PART
    3   assassin  5   compound   NOUN
    4   Sam       5   compound   PROPN  -      B-PERSON
    5   Ortiz     7   nsubjpass  PROPN  -      I-PERSON
    6   was       7   auxpass    AUX    be
    7   caught    7   ROOT       VERB   catch
    8   .         7   punct      PUNCT
"""


def test_possessor_and_title_hung_on_the_name_separately_count_together() -> None:
    assert roles(POSSESSOR_AND_TITLE) == {("Sam Ortiz", "killed", "Jo Lane", "assassin")}


def abbreviated_title(title: str, verb: str, lemma: str) -> str:
    # The model tags nothing on "Dorset"; it is a place.
    return f"""
        0   Dorset   1   compound  PROPN  -      B-GPE
        1   {title}  3   compound  PROPN
        2   Ray      3   compound  PROPN  -      B-PERSON
        3   Cole     4   nsubj     PROPN  -      I-PERSON
        4   {verb}   4   ROOT      VERB   {lemma}
        5   .        4   punct     PUNCT
    """


GOVERNOR = abbreviated_title("Gov.", "resigned", "resign")
SENATOR = abbreviated_title("Sen.", "spoke", "speak")


def test_abbreviated_titles_before_a_name() -> None:
    assert table(GOVERNOR).text == "Dorset Gov. Ray Cole resigned."
    assert roles(GOVERNOR) == {("Ray Cole", "leaderOf", "Dorset", "Gov.")}
    # Sen. is a member of an organisation; of a place it is an office there.
    assert load_ontology().role_predicate("Sen.") == "memberOf"
    assert roles(SENATOR) == {("Ray Cole", "holdsPositionIn", "Dorset", "Sen.")}


# --------------------------------------------------------------------------- nominal: more patterns

HOMETOWN_OF = """
    0   Ann        1   compound  PROPN  -       B-PERSON
    1   Lee        2   nsubj     PROPN  -       I-PERSON
    2   returned   2   ROOT      VERB   return
    3   to         2   prep      ADP
    4   her        5   poss      PRON
    5   hometown   3   pobj      NOUN
    6   of         5   prep      ADP
    7   Brackwell  6   pobj      PROPN  -       B-GPE
    8   .          2   punct     PUNCT
"""


def test_hometown_of_a_place_with_a_pronoun_possessor_gives_lives_in() -> None:
    assert facts(HOMETOWN_OF, NOMINAL) == {("Ann Lee", "livesIn", "Brackwell")}
