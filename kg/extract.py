"""One parsed document → entities, relation candidates and quotes.

This is the whole extraction arrow for one Doc: mentions → entities → relation
candidates (every registered extractor over every sentence) and quotes. It holds no
state, so ``kg build`` and any evaluation run exactly the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.entities import Entity, link_entities
from kg.mentions import Mention, doc_text, find_mentions
from kg.ontology import Ontology, load_ontology
from kg.quotes import Quote, extract_quotes, find_quotations
from kg.relations import Candidate, get_extractor

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Extraction", "extract"]


@dataclass(frozen=True, slots=True)
class Extraction:
    """What kg read from one document.

    ``mentions`` pairs every mention with the entity it was linked to (None for one
    left unresolved), so evaluation can score names at their exact offsets.
    """

    entities: tuple[Entity, ...]
    relations: tuple[Candidate, ...]
    quotes: tuple[Quote, ...]
    mentions: tuple[tuple[Mention, Entity | None], ...] = ()


def extract(
    doc: Doc, ontology: Ontology | None = None, *, extractors: Sequence[str] | None = None
) -> Extraction:
    """Run mentions, entity linking, every relation extractor and quote attribution on ``doc``."""
    onto = ontology or load_ontology()
    from kg.relations import EXTRACTORS

    runners = [
        get_extractor(name) for name in (extractors if extractors is not None else EXTRACTORS)
    ]
    quoted = find_quotations(doc_text(doc))
    linked = link_entities(doc, find_mentions(doc, onto), onto, quoted=quoted)
    seen: set[tuple[object, ...]] = set()
    relations: list[Candidate] = []
    for sent in linked.sents:
        for run in runners:
            for cand in run(sent, linked, onto):
                key = (cand.subject.key, cand.predicate, cand.object.key, cand.start, cand.end)
                if key not in seen:
                    seen.add(key)
                    relations.append(cand)
    quotes = tuple(extract_quotes(linked, onto))
    mentions = tuple(
        (mention, None if index is None else linked.entities[index])
        for mention, index in zip(linked.mentions, linked.mention_entity, strict=True)
    )
    return Extraction(tuple(linked.entities), tuple(relations), quotes, mentions)
