"""Role relations: who leads, speaks for, works for or holds an office in what.

Patterns (role words come from ``kg:roleHint`` in the ontology; see :func:`_predicate`
for titles no hint names):

1. **Premodifiers.** "County Hall leader David Finch", "Acme's chief executive Jo
   Bloggs": the words before a person's name that are not a name are the role
   title, and a name among them is where the role is.
2. **Apposition.** "Kevin Smith, a spokesman for the theatre", "Jo Bloggs, the
   director of Acme", and the reverse "the director of Acme, Jo Bloggs" (also when
   the parser does not attach the name to the noun before its comma).
3. **Copula.** "Jo Bloggs is the director of Acme", "Jo Bloggs, who is a major in
   the Marines".

The holder is usually a person; an organisation holds only hinted roles whose
property admits it ("Y, a subsidiary of X", "X's largest shareholder, Y").

The role title picks the property: a hinted noun gives its property; an unhinted
title written in capitals ("High Steward") gives the ontology's default role
property, with the title kept in the provenance (``kg:roleTitle``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.extract.entities import Entity, LinkedDoc
from kg.extract.relations.base import Candidate, descriptions, emit
from kg.ontology.schema import Ontology

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["NAME", "extract", "titles"]

NAME = "kg.roles.v1"
CONFIDENCE = 0.8
DEFAULT_CONFIDENCE = 0.6
_MODIFIER_DEPS = {"compound", "amod", "nmod", "poss"}
_SKIP_DEPS = {"det", "case", "punct", "cc", "prep", "predet"}
_ROLE_PREPS = {"of", "for", "at", "with", "to", "from", "in"}


def _predicate(
    title: list[Token], onto: Ontology, person_cls: str, place_cls: str, link: str = "of"
) -> tuple[str, float] | None:
    """The property (and confidence) a role title signals between a person and a place.

    1. A hinted role noun whose property fits the two classes gives that property.
    2. An unhinted title in capitals ("High Steward") gives the ontology's default role.
    3. Otherwise a common noun (an unhinted "anchorman", or a hinted one whose
       property does not fit: a senator is a member of an organisation, so "the
       Dorset senator" is not) reads as the link between the two names:
       a title "of" a place, or compounded with it, is an office there (the default
       role: "grand steward of Harbury", "the Dorset senator"); any other link is
       the kg:linkHint property of its preposition ("of" for a compound or
       possessive): "CBS anchorman Dan Rather" works for CBS, "a technician from
       Leeds" lives in Leeds.
    """
    if not title:
        return None
    phrase = " ".join(t.lower_ for t in title)
    last = title[-1]
    predicate = (
        onto.role_predicate(phrase)
        or onto.role_predicate(last.lemma_)
        or onto.role_predicate(last.lower_)
    )
    if predicate is not None and len(title) > 1 and title[0].is_title and last.is_lower:
        # "Harbury Athletic manager": capitals before a plain role noun are most
        # likely the rest of a name the model cut short; the place is unsure.
        return None
    if predicate is not None and onto.accepts(predicate, person_cls, place_cls):
        return predicate, CONFIDENCE
    if not onto.is_subclass(person_cls, "Person"):
        return None  # an organisation's role is a hinted one ("a subsidiary of X") or none
    if predicate is None and all(t.is_title or t.is_upper for t in title):
        return (onto.default_role, DEFAULT_CONFIDENCE) if onto.default_role else None
    common_noun = last.pos_ == "NOUN" and last.is_lower
    if (predicate is not None or common_noun) and person_cls != place_cls:
        if link == "of" and onto.is_subclass(place_cls, "Place") and onto.default_role:
            return onto.default_role, DEFAULT_CONFIDENCE  # "grand steward of Harbury": an office
        linked = onto.link_predicate(link, person_cls, place_cls)
        return (linked, DEFAULT_CONFIDENCE) if linked else None
    return None


def _title(noun: Token, linked: LinkedDoc) -> list[Token]:
    """A role noun with the plain words that modify it ("chief executive")."""
    words = [
        c
        for c in noun.children
        if c.dep_ in ("compound", "amod") and c.i < noun.i and linked.mention_at(c) is None
    ]
    return sorted([*words, noun], key=lambda t: t.i)


def _places(noun: Token, linked: LinkedDoc, depth: int = 0) -> list[tuple[Token, Entity, str]]:
    """Where a role noun's role is, and how it is joined: "of/for/from X", "X's", "X NOUN".

    The role may sit behind a phrase that is not a name: "a professor of history at
    Leeds University", "vice president for sales at Acme" (two phrases deep at most).
    """
    found = []
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in _ROLE_PREPS:
            for g in child.children:
                if g.dep_ != "pobj":
                    continue
                if (e := linked.entity_for(g)) is not None:
                    found.append((g, e, child.lower_))
                elif depth < 2 and linked.mention_at(g) is None:
                    found += _places(g, linked, depth + 1)
        elif child.dep_ in ("poss", "compound") and (e := linked.entity_for(child)) is not None:
            found.append((child, e, "of"))
    return found


def _premodifiers(
    person: Token, first: int, linked: LinkedDoc, onto: Ontology
) -> Iterator[tuple[list[Token], Token, Entity, str]]:
    """Role title, place and link from the words before a person's name.

    All the modifiers before the name count together, since the parser may hang
    the title and its place on the name separately ("McKinley's assassin Leon
    Czolgosz": both "McKinley" and "assassin" modify "Czolgosz"). Abbreviated
    titles count as words ("Illinois Gov. James Thompson"). A nationality adjective
    ("Brazilian midfielder") is a link of its own kind: only a hinted title reads it
    as a place ("Haitian President X" leads Haiti); the nationality itself is
    kg.links.v1's.
    """
    subtree = [
        t
        for mod in person.children
        if mod.i < first and mod.dep_ in _MODIFIER_DEPS
        for t in mod.subtree
    ]
    title = sorted(
        (
            t
            for t in subtree
            if linked.mention_at(t) is None and t.dep_ not in _SKIP_DEPS and _word(t)
        ),
        key=lambda t: t.i,
    )
    places = {id(e): (t, e) for t in subtree if (e := linked.entity_at(t)) is not None}
    for place_token, place in places.values():
        mention = linked.mention_at(place_token)
        link = "demonym" if mention is not None and mention.kind == "demonym" else "of"
        yield title, place_token, place, link


def _as_posts(verb: Token, linked: LinkedDoc, onto: Ontology) -> list[Token]:
    """Role nouns a verb's "as" phrase names: "served as leader of Y", "quit as chair of Y".

    Whatever the verb (serve, resign, retire, join), "as TITLE of Y" says the subject
    holds, or held, that post; the verb itself is the verb extractor's. Only a hinted
    role noun counts, and not a merely possible one: "mentioned as a possible nominee".
    """
    return [
        g
        for c in verb.children
        if c.dep_ == "prep" and c.lower_ == "as"
        for g in c.children
        if g.dep_ == "pobj"
        and linked.mention_at(g) is None
        and (
            onto.role_predicate(g.lemma_)
            or onto.role_predicate(" ".join(t.lower_ for t in _title(g, linked)))
        )
        is not None
        and not any(m.lower_ in _UNSURE for m in g.children)
    ]


_UNSURE = frozenset({"possible", "potential", "likely", "prospective", "future", "would-be"})


def _title_over(head: Token, linked: LinkedDoc) -> Token | None:
    """The title a name is parsed as the "of" object of: "the Leader of Y Jon Tate".

    With no comma the parser may read the place and the name as one phrase, the
    place a modifier of the name; the title noun governing it is the name's role.
    """
    prep = head.head
    if head.dep_ != "pobj" or prep.lower_ != "of" or prep.head.i == prep.i:
        return None
    noun = prep.head
    if noun.pos_ in ("NOUN", "PROPN") and linked.mention_at(noun) is None and noun.i < head.i:
        return noun
    return None


_CLIMB = ("pobj", "prep", "compound")


def _juxtaposed(head: Token, first: int, linked: LinkedDoc) -> list[Token]:
    """A title phrase written straight before the name, with no comma: "the Leader of Y John Roe".

    The parser often makes the title and the name two subjects side by side; the
    title's phrase ends where the name begins.
    """
    if first == 0:
        return []
    edge = linked.doc[first - 1]
    noun = edge
    while (
        noun.head.i != noun.i and noun.head.i < first and noun.dep_ in ("pobj", "prep", "compound")
    ):
        noun = noun.head
    if (
        noun.pos_ in ("NOUN", "PROPN")
        and noun.right_edge.i == first - 1
        and noun.head.i == head.head.i
        and noun.dep_ == head.dep_
        and linked.mention_at(noun) is None
    ):
        return [noun]
    return []


def _word(token: Token) -> bool:
    """A word, or an abbreviation of one ("Gov.")."""
    return token.is_alpha or (token.text.endswith(".") and token.text[:-1].isalpha())


def extract(sent: Span, linked: LinkedDoc, onto: Ontology) -> Iterator[Candidate]:
    seen: set[tuple[str, str, str]] = set()

    def role(
        person_tok: Token,
        person: Entity | None,
        title: list[Token],
        place_tok: Token,
        place: Entity,
        link: str = "of",
    ) -> Iterator[Candidate]:
        if person is None:
            return
        found = _predicate(title, onto, person.cls, place.cls, link)
        if found is None:
            return
        predicate, confidence = found
        key = (person.name, predicate, place.name)
        if key in seen:
            return
        seen.add(key)
        yield from emit(
            linked,
            onto,
            sent,
            person,
            predicate,
            place,
            [person_tok, *title, place_tok],
            NAME,
            confidence,
            role_title=" ".join(t.text for t in title),
        )

    for index in linked.mentions_in(sent):
        mention = linked.mentions[index]
        entity_index = linked.mention_entity[index]
        if entity_index is None or not onto.is_subclass(linked.entities[entity_index].cls, "Agent"):
            continue
        person = linked.entities[entity_index]
        head = linked.doc[mention.token_end - 1]
        while head.head.i != head.i and mention.token_start <= head.head.i < mention.token_end:
            head = head.head
        for title, place_tok, place, link in _premodifiers(head, mention.token_start, linked, onto):
            if not title and (noun := _title_over(head, linked)) is not None:
                title = [noun]  # "the Leader of [Harbury Council Jon Tate]", parsed as one
            yield from role(head, person, title, place_tok, place, link)
        # "Jo Bloggs, the director of Acme"
        for appos in head.children:
            if appos.dep_ == "appos" and linked.mention_at(appos) is None:
                for place_tok, place, link in _places(appos, linked):
                    yield from role(head, person, _title(appos, linked), place_tok, place, link)
        # "the director of Acme, Jo Bloggs", also where the parser missed the apposition
        described = [head.head] if head.dep_ == "appos" else []
        if head.dep_ == "nmod" and head.i + 1 < head.head.i and linked.doc[head.i + 1].text == ",":
            described.append(head.head)  # "NAME, chair of Y, said": parsed as a modifier
        described += [
            n for n in descriptions(head, mention.token_start, linked) if n.i < mention.token_start
        ]
        described += _juxtaposed(head, mention.token_start, linked)
        for noun in dict.fromkeys(described):
            if linked.mention_at(noun) is None:
                for place_tok, place, link in _places(noun, linked):
                    yield from role(head, person, _title(noun, linked), place_tok, place, link)
        # "Jo Bloggs retired as director of Acme", "joined Acme as its chief executive"
        if head.dep_ in ("nsubj", "nsubjpass"):
            for noun in _as_posts(head.head, linked, onto):
                for place_tok, place, link in _places(noun, linked):
                    yield from role(head, person, _title(noun, linked), place_tok, place, link)
        # "Jo Bloggs is the director of Acme", "Jo Bloggs, who is the director of Acme"
        copulas = [head.head] if head.dep_ == "nsubj" and head.head.lemma_ == "be" else []
        copulas += [
            c
            for c in head.children
            if c.dep_ == "relcl"
            and c.lemma_ == "be"
            and any(g.dep_ == "nsubj" and g.lower_ in ("who", "that") for g in c.children)
        ]
        for copula in copulas:
            for attr in copula.children:
                if attr.dep_ == "attr" and linked.mention_at(attr) is None:
                    for place_tok, place, link in _places(attr, linked):
                        yield from role(head, person, _title(attr, linked), place_tok, place, link)


def titles(linked: LinkedDoc, onto: Ontology) -> list[tuple[Entity, str]]:
    """Role titles a person is given with no organisation or place: "chairman John Roe".

    News often names the role and not where it is held, the organisation being the
    story's subject ("chairman John Roe said …", "John Roe, the chief executive,
    said …"). Such a title is no relation, but it says who the person is: a hinted
    role noun (kg:roleHint) or an office title (kg:officeTitle) written before the
    name, or as its apposition, with no name among its words.
    """
    found: dict[tuple[tuple[str, str], str], tuple[Entity, str]] = {}
    for index, mention in enumerate(linked.mentions):
        entity_index = linked.mention_entity[index]
        if entity_index is None or mention.kind != "name":
            continue
        person = linked.entities[entity_index]
        if person.cls != "Person":
            continue
        head = linked.doc[mention.token_end - 1]
        while head.head.i != head.i and mention.token_start <= head.head.i < mention.token_end:
            head = head.head
        before = [
            t
            for mod in head.children
            if mod.i < mention.token_start and mod.dep_ in _MODIFIER_DEPS
            for t in mod.subtree
        ]
        nouns = [a for a in head.children if a.dep_ == "appos" and linked.mention_at(a) is None]
        if head.dep_ == "appos" and head.head.i < head.i and linked.mention_at(head.head) is None:
            nouns.append(head.head)  # "the local government minister, Tom Ray"
        for words in (
            [t for t in before if t.dep_ not in _SKIP_DEPS],
            *(_title(n, linked) for n in nouns if not _places(n, linked)),
        ):
            words = sorted(words, key=lambda t: t.i)
            if not words or any(linked.entity_at(t) is not None for t in words):
                continue
            if not all(_word(t) and t.is_lower for t in words[1:]) or not _word(words[0]):
                continue
            phrase = " ".join(t.lower_ for t in words)
            # "Chairman John Roe said", "Chief financial officer Lee Fay said"
            opening = words[0].i == words[0].sent.start
            lower = words[0].is_lower or (opening and words[0].pos_ != "PROPN")
            if (lower and onto.role_predicate(words[-1].lemma_)) or (
                (words[0].is_lower or opening) and onto.role_predicate(phrase)
            ):
                found.setdefault((person.key, phrase), (person, phrase))
    return list(found.values())
