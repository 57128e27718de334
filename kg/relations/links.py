"""Location relations: "Jiangsu province in China", "Boise, Idaho", "Chinese firm Huawei".

1. **Place preposition.** A place (or "the town of" a place) followed by a
   preposition the ontology hints (``kg:placePreposition``, "in") and another place.
2. **Comma apposition.** "Boise, Idaho": a place attached to the place right before
   it, after a comma.
3. **Nationality adjective.** A demonym modifying the noun phrase of an entity
   ("Chinese firm Huawei", "French striker Luc Martin") gives the property the
   ontology's ``kg:demonymHint`` names for that entity's class, to the country.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.entities import LinkedDoc
from kg.ontology import Ontology
from kg.relations.base import Candidate, conjuncts, emit

if TYPE_CHECKING:
    from spacy.tokens import Span

__all__ = ["NAME", "extract"]

NAME = "kg.location.v1"
CONFIDENCE = 0.8
COMMA_CONFIDENCE = 0.7
_NP_DEPS = {"amod", "compound", "nmod", "appos"}


def extract(sent: Span, linked: LinkedDoc, onto: Ontology) -> Iterator[Candidate]:
    doc = linked.doc
    for index in linked.mentions_in(sent):
        mention = linked.mentions[index]
        entity_index = linked.mention_entity[index]
        if entity_index is None:
            continue
        entity = linked.entities[entity_index]
        root = doc[mention.token_end - 1]
        if mention.kind == "demonym":
            head = root
            for _ in range(3):
                if head.dep_ not in _NP_DEPS or head.head.i == head.i:
                    break
                head = head.head
                target = linked.entity_at(head)
                if target is not None and target.key != entity.key:
                    predicate = onto.demonym_predicate(target.cls)
                    if predicate is not None:
                        yield from emit(
                            linked,
                            onto,
                            sent,
                            target,
                            predicate,
                            entity,
                            [root, head],
                            NAME,
                            CONFIDENCE,
                        )
                    break
            continue
        if not onto.is_subclass(entity.cls, "Place"):
            continue
        roots = [root]
        head = root.head
        if head.i != root.i and root.dep_ == "compound" and head.lower_ in onto.place_nouns:
            roots.append(head)  # "Jiangsu province in China"
        elif root.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in onto.place_nouns:
            roots.append(head.head)  # "the town of Polwenna in Cornwall"
        for child in (c for r in roots for c in r.children):
            if (
                child.dep_ == "prep"
                and (predicate := onto.place_predicate(child.lower_)) is not None
            ):
                for pobj in child.children:
                    if pobj.dep_ != "pobj":
                        continue
                    for other in conjuncts(pobj):
                        yield from emit(
                            linked,
                            onto,
                            sent,
                            entity,
                            predicate,
                            linked.entity_at(other),
                            [root, child, other],
                            NAME,
                            CONFIDENCE,
                        )
            elif child.dep_ in ("appos", "npadvmod") and child.i > root.i:
                between = doc[child.head.i + 1 : child.left_edge.i]
                if [t.text for t in between] != [","]:
                    continue
                after = doc[child.right_edge.i + 1] if child.right_edge.i + 1 < len(doc) else None
                listed = any(c.dep_ in ("conj", "cc") for c in child.children)
                if listed or (after is not None and after.lower_ in ("and", "or")):
                    continue  # a list of places, not a place and its region
                predicate = onto.place_predicate("in")
                if predicate is not None:
                    yield from emit(
                        linked,
                        onto,
                        sent,
                        entity,
                        predicate,
                        linked.entity_at(child),
                        [root, child],
                        NAME,
                        COMMA_CONFIDENCE,
                    )
