"""Links inside a noun phrase: "Acme in Boston", "Boston's Acme", "Boise, Idaho", "Chinese Huawei".

Two names joined inside one noun phrase say how the two things relate; the
ontology's ``kg:linkHint`` says which property each kind of join signals, and the
two names' classes pick among them (see :meth:`kg.ontology.schema.Ontology.link_predicate`):
"of" between a person and an organisation is kg:worksFor, between an organisation
and a place kg:basedIn. Patterns:

1. **Preposition.** A name followed by a hinted preposition and another name:
   "Ann Lee of Acme", "Acme in Boston", "Jiangsu province in China" (a place noun
   after a place name, or "the town of X", counts as the place); a noun owned by a
   name counts as the name ("Ann Lee of Acme's legal department").
2. **Possessive.** "Boston's Acme" reads as "Acme of Boston" (hint ``'s``); where
   no property reads it so, the other way round ("Ann Lee's party": ``^'s``, a
   member of it).
3. **Comma apposition.** "Boise, Idaho", "Acme Labs, Boston": a name right after a
   name and a comma (hint ``,``), unless it is part of a list ("Leeds, York and Hull").
4. **Name compound.** A name modifying another name, "the Texas Acme plant" (hint
   ``compound``).
5. **Description.** A common noun in apposition to a name of an organisation or a
   place links as the name would: "Acme, a Boston firm" (compound), "Yerevan, the
   capital of Armenia" ("of"), "Armenia's second city, Gyumri" ("'s"). People's
   descriptions are kg.roles.v1's ("Ann Lee, a spokesman for Acme").
6. **Role word on a place.** "his native South Carolina", "Ann's native Leeds": a
   place modified by a role word (``kg:roleHint``, "native") and a possessor gives
   that role's property from the possessor to the place.
7. **Nationality in the name.** "the Haitian Parliament" is based in Haiti when
   the document names Haiti (the property of ``kg:demonymHint``, as in 8).
8. **Nationality adjective.** A demonym modifying the noun phrase of an entity
   ("Chinese firm Huawei", "French striker Luc Martin") gives the property the
   ontology's ``kg:demonymHint`` names for that entity's class, to the country.

Two people are never linked this way: "X of Y" between two names of people says
nothing the ontology can name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.extract.entities import Entity, LinkedDoc
from kg.extract.mentions import Mention
from kg.extract.relations.base import Candidate, conjuncts, descriptions, emit
from kg.ontology.schema import Ontology, name_key

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["NAME", "extract"]

NAME = "kg.links.v1"
CONFIDENCE = 0.8
POSSESSIVE_CONFIDENCE = 0.75
COMMA_CONFIDENCE = 0.7
COMPOUND_CONFIDENCE = 0.6
DESCRIPTION_CONFIDENCE = 0.7

_NP_DEPS = {"amod", "compound", "nmod", "appos"}
_COMMA_DEPS = {"appos", "npadvmod", "conj"}


def mention_root(mention: Mention, linked: LinkedDoc) -> Token:
    """The token of a mention whose head lies outside it: where the name attaches."""
    token = linked.tokens[mention.token_end - 1]
    while token.head.i != token.i and mention.token_start <= token.head.i < mention.token_end:
        token = token.head
    return token


def _is_list(item: Token, linked: LinkedDoc) -> bool:
    """True when a comma-joined name is one of a list ("Leeds, York and Hull")."""
    if any(c.dep_ in ("conj", "cc") for c in item.children):
        return True
    if item.dep_ == "conj" and any(c.dep_ == "cc" for c in item.head.children):
        return True
    nxt = item.right_edge.i + 1
    return nxt < len(linked.tokens) and linked.tokens[nxt].lower_ in ("and", "or")


def _link(
    linked: LinkedDoc,
    onto: Ontology,
    sent: Span,
    entity: Entity,
    hint: str,
    other: Entity | None,
    tokens: list[Token],
    confidence: float,
    *,
    either_way: bool = False,
) -> Iterator[Candidate]:
    if other is None or (entity.cls == "Person" and other.cls == "Person"):
        return
    predicate = onto.link_predicate(hint, entity.cls, other.cls)
    if predicate is not None and entity.cls == "Person" and name_key(other.name) in onto.parties:
        predicate = onto.party_predicate or predicate  # "Labour's Ben Coe" is a member
    if predicate is not None:
        yield from emit(linked, onto, sent, entity, predicate, other, tokens, NAME, confidence)
    elif either_way and (predicate := onto.link_predicate("^" + hint, other.cls, entity.cls)):
        yield from emit(linked, onto, sent, other, predicate, entity, tokens, NAME, confidence)


def _demonym(
    mention: Mention, entity: Entity, sent: Span, linked: LinkedDoc, onto: Ontology
) -> Iterator[Candidate]:
    root = linked.tokens[mention.token_end - 1]
    head = root
    for _ in range(3):
        if head.dep_ not in _NP_DEPS or head.head.i == head.i:
            return
        head = head.head
        target = linked.entity_at(head)
        if target is not None and target.key != entity.key:
            predicate = onto.demonym_predicate(target.cls)
            if predicate is not None:
                yield from emit(
                    linked, onto, sent, target, predicate, entity, [root, head], NAME, CONFIDENCE
                )
            return


def extract(sent: Span, linked: LinkedDoc, onto: Ontology) -> Iterator[Candidate]:
    for index in linked.mentions_in(sent):
        mention = linked.mentions[index]
        entity_index = linked.mention_entity[index]
        if entity_index is None:
            continue
        entity = linked.entities[entity_index]
        if mention.kind == "demonym":
            yield from _demonym(mention, entity, sent, linked, onto)
            continue
        if mention.kind != "name":
            continue
        root = mention_root(mention, linked)
        roots = [root]
        head = root.head
        if onto.is_subclass(entity.cls, "Place") and head.i != root.i:
            if root.dep_ == "compound" and head.lower_ in onto.place_nouns:
                roots.append(head)  # "Jiangsu province in China"
            elif (
                root.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in onto.place_nouns
            ):
                roots.append(head.head)  # "the town of Polwenna in Cornwall"
        for child in (c for r in roots for c in r.children):
            if child.dep_ == "prep":
                for pobj in (g for g in child.children if g.dep_ == "pobj"):
                    for other in conjuncts(pobj):
                        named = linked.mention_at(other)
                        if named is not None and named.kind == "demonym":
                            continue  # "in Russian": a language, not Russia
                        if named is None:  # "of Acme's legal department": Acme's
                            other = next((g for g in other.children if g.dep_ == "poss"), other)
                        yield from _link(
                            linked, onto, sent, entity, child.lower_,
                            linked.entity_for(other), [root, child, other], CONFIDENCE,
                        )  # fmt: skip
            elif child.dep_ == "poss" and linked.mention_at(child) is not mention:
                yield from _link(
                    linked, onto, sent, entity, "'s", linked.entity_for(child),
                    [child, root], POSSESSIVE_CONFIDENCE, either_way=True,
                )  # fmt: skip
            elif child.dep_ in _COMMA_DEPS and child.i > root.i:
                between = linked.tokens[child.head.i + 1 : child.left_edge.i]
                if [t.text for t in between] != [","] or _is_list(child, linked):
                    continue
                yield from _link(
                    linked, onto, sent, entity, ",", linked.entity_at(child),
                    [root, child], COMMA_CONFIDENCE,
                )  # fmt: skip
        if onto.is_subclass(entity.cls, "Place"):
            owners = [c for c in root.children if c.dep_ == "poss"]
            for word in (c for c in root.children if c.dep_ == "amod") if owners else ():
                if (predicate := onto.role_predicate(word.lower_)) is not None:
                    for owner in owners:
                        yield from emit(
                            linked, onto, sent, linked.entity_for(owner), predicate, entity,
                            [owner, word, root], NAME, POSSESSIVE_CONFIDENCE,
                        )  # fmt: skip
        if entity.cls != "Person":
            for noun in descriptions(root, mention.token_start, linked):
                for child in noun.children:
                    hint = {"prep": child.lower_, "poss": "'s", "compound": "compound"}.get(
                        child.dep_
                    )
                    if hint is None:
                        continue
                    targets = (
                        [g for g in child.children if g.dep_ == "pobj"]
                        if child.dep_ == "prep"
                        else [child]
                    )
                    for target in targets:
                        yield from _link(
                            linked, onto, sent, entity, hint, linked.entity_for(target),
                            [root, noun, target], DESCRIPTION_CONFIDENCE,
                        )  # fmt: skip
        # "the Haitian Parliament": a nationality opening the name.
        first = linked.tokens[mention.token_start]
        nation = (
            onto.demonyms.get(name_key(first.text)) if mention.token_end > first.i + 1 else None
        )
        if nation is not None and (predicate := onto.demonym_predicate(entity.cls)) is not None:
            key = (nation.cls, name_key(nation.label))
            for country in linked.entities_with_key(key):
                yield from emit(
                    linked, onto, sent, entity, predicate, country, [first, root], NAME,
                    COMPOUND_CONFIDENCE,
                )  # fmt: skip
        # "the Texas Acme plant": a name inside the phrase, before this one.
        for token in linked.tokens[mention.token_start : mention.token_end]:
            for child in token.children:
                if child.dep_ in ("compound", "nmod") and child.i < mention.token_start:
                    compounded = linked.entity_at(child)
                    if compounded is not None and compounded.key != entity.key:
                        yield from _link(
                            linked, onto, sent, entity, "compound", compounded,
                            [child, root], COMPOUND_CONFIDENCE,
                        )  # fmt: skip
