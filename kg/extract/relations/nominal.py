"""Noun-mediated relations: "X has a partnership with Y", "X's links with Y".

For each noun whose lemma and preposition make a ``kg:nounHint``, the objects are
the preposition's objects (with conjunctions) and the owner is, in order:

1. the possessor, or a name compounded with the noun ("the council's relationship
   with China", "Acme headquarters in Leeds"), or the noun's "by" phrase ("the takeover
   of Y by X");
2. the subject of the verb the noun is the object of ("X signed a deal with Y");
3. the subject of a "have"-like verb right before the noun phrase, when the parser
   attached the phrase elsewhere (the small model often does, for long phrases).

With a "have"-like verb ("sign", "announce", "hold"), the preposition may hang on
the verb instead of the noun ("X signed a deal with Y"); it counts for the noun.

"A partnership between X and Y" gives the relation between X and Y.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.extract.entities import Entity, LinkedDoc
from kg.extract.relations.base import Candidate, conjuncts, emit, is_asserted, subjects
from kg.ontology.schema import Ontology

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["NAME", "extract"]

NAME = "kg.nominal.v1"
CONFIDENCE = 0.75
_HAVE = {
    "have",
    "sign",
    "agree",
    "form",
    "strike",
    "announce",
    "forge",
    "build",
    "maintain",
    "enjoy",
    "hold",
    "seal",
}


def _owners(noun: Token, linked: LinkedDoc) -> list[tuple[Token, Entity]]:
    for child in noun.children:
        if child.dep_ in ("poss", "compound") and (entity := linked.entity_for(child)) is not None:
            return [(child, entity)]
    by_phrase = [  # "the takeover of Y by X": the agent of a noun of action
        (o, entity)
        for child in noun.children
        if child.dep_ == "prep" and child.lower_ == "by"
        for p in child.children
        if p.dep_ == "pobj"
        for o in conjuncts(p)
        if (entity := linked.entity_for(o)) is not None
    ]
    if by_phrase:
        return by_phrase
    verb = None
    if noun.dep_ in ("dobj", "attr") and noun.head.pos_ in ("VERB", "AUX"):
        verb = noun.head
    else:
        i = noun.left_edge.i - 1
        while i >= 0 and linked.doc[i].is_space:
            i -= 1
        if (
            i >= 0
            and linked.doc[i].lemma_.lower() in _HAVE
            and linked.doc[i].pos_ in ("VERB", "AUX")
        ):
            verb = linked.doc[i]
    if verb is None or not is_asserted(verb):
        return []
    active, _passive = subjects(verb)
    return [(s, e) for a in active for s in conjuncts(a) if (e := linked.entity_for(s)) is not None]


def extract(sent: Span, linked: LinkedDoc, onto: Ontology) -> Iterator[Candidate]:
    for noun in linked.tokens[sent.start : sent.end]:
        if noun.pos_ not in ("NOUN", "PROPN"):
            continue
        preps = [c for c in noun.children if c.dep_ == "prep"]
        if noun.dep_ == "dobj" and noun.head.lemma_.lower() in _HAVE:
            # "X signed a deal with Y": the parser often hangs "with Y" on the verb.
            preps += [c for c in noun.head.children if c.dep_ == "prep" and c.i > noun.i]
        for prep in preps:
            objs = [o for p in prep.children if p.dep_ == "pobj" for o in conjuncts(p)]
            if prep.lower_ == "between":
                predicates = onto.noun_predicates(noun.lemma_, "with") or onto.noun_predicates(
                    noun.lower_, "with"
                )
                for predicate in predicates:
                    for i, a in enumerate(objs):
                        for b in objs[i + 1 :]:
                            yield from emit(
                                linked,
                                onto,
                                sent,
                                linked.entity_for(a),
                                predicate,
                                linked.entity_for(b),
                                [noun, a, b],
                                NAME,
                                CONFIDENCE,
                            )
                continue
            predicates = onto.noun_predicates(noun.lemma_, prep.lower_) or onto.noun_predicates(
                noun.lower_, prep.lower_
            )
            if not predicates:
                continue
            for predicate in predicates:
                for owner_token, owner in _owners(noun, linked):
                    for o in objs:
                        yield from emit(
                            linked,
                            onto,
                            sent,
                            owner,
                            predicate,
                            linked.entity_for(o),
                            [owner_token, noun, o],
                            NAME,
                            CONFIDENCE,
                        )
