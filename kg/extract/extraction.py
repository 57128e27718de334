"""One parsed document → entities, relation candidates and quotes.

This is the whole extraction arrow for one Doc: mentions → entities → relation
candidates (every registered extractor over every sentence) and quotes. It holds no
state, so ``kg build`` and any evaluation run exactly the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.extract.entities import Entity, LinkedDoc, link_entities
from kg.extract.mentions import Mention, doc_text, find_mentions
from kg.extract.quotes import Quote, extract_quotes, find_quotations
from kg.extract.relations import Candidate, get_extractor
from kg.extract.relations.classifier import RelationClassifier, merge
from kg.extract.relations.roles import titles as role_titles
from kg.ontology.schema import Ontology, load_ontology

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Extraction", "assemble", "extract", "link", "rule_candidates"]


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
    titles: tuple[tuple[Entity, str], ...] = ()
    """Role titles with no place ("chairman John Roe"); see ``roles.titles``."""


def extract(
    doc: Doc,
    ontology: Ontology | None = None,
    *,
    extractors: Sequence[str] | None = None,
    classifier: RelationClassifier | None = None,
) -> Extraction:
    """Run mentions, entity linking, every relation extractor and quote attribution on ``doc``.

    With a trained ``classifier`` (from ``kg train``), its decisions are merged with
    the rules' by :func:`kg.extract.relations.classifier.merge`.
    """
    onto = ontology or load_ontology()
    linked = link(doc, onto)
    relations = rule_candidates(linked, onto, extractors)
    if classifier is not None:
        relations = merge(linked, relations, classifier, onto)
    return assemble(linked, relations, extract_quotes(linked, onto), role_titles(linked, onto))


def assemble(
    linked: LinkedDoc,
    relations: Iterable[Candidate],
    quotes: Iterable[Quote] = (),
    titles: Iterable[tuple[Entity, str]] = (),
) -> Extraction:
    """The :class:`Extraction` of a linked document, its relations and quotes."""
    mentions = tuple(
        (mention, None if index is None else linked.entities[index])
        for mention, index in zip(linked.mentions, linked.mention_entity, strict=True)
    )
    return Extraction(
        tuple(linked.entities), tuple(relations), tuple(quotes), mentions, tuple(titles)
    )


def link(doc: Doc, ontology: Ontology) -> LinkedDoc:
    """The document's mentions, linked to entities: what every relation extractor reads."""
    quoted = find_quotations(doc_text(doc))
    return link_entities(doc, find_mentions(doc, ontology), ontology, quoted=quoted)


def rule_candidates(
    linked: LinkedDoc, ontology: Ontology, extractors: Sequence[str] | None = None
) -> list[Candidate]:
    """Every registered rule extractor (or those named) over every sentence, without repeats."""
    from kg.extract.relations import EXTRACTORS

    runners = [
        get_extractor(name) for name in (extractors if extractors is not None else EXTRACTORS)
    ]
    seen: set[tuple[object, ...]] = set()
    relations: list[Candidate] = []
    for sent in linked.sents:
        for run in runners:
            for cand in run(sent, linked, ontology):
                key = (cand.subject.key, cand.predicate, cand.object.key, cand.start, cand.end)
                if key not in seen:
                    seen.add(key)
                    relations.append(cand)
    return relations
