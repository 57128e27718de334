"""What every relation extractor yields, and the small helpers they share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from kg.extract.entities import Entity, LinkedDoc
from kg.ontology.schema import Ontology

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = [
    "Candidate",
    "Extractor",
    "conjuncts",
    "controllers",
    "descriptions",
    "emit",
    "evidence",
    "is_asserted",
    "subjects",
]

_MODALS = {"would", "could", "might", "may", "should", "must"}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A relation one extractor believes one sentence states, with where and how sure.

    ``start``/``end`` are document character offsets of the evidence (from the first
    to the last token that supports the relation); ``sentence_start``/``sentence_end``
    those of its sentence.
    """

    subject: Entity
    predicate: str
    object: Entity
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    extractor: str
    confidence: float
    role_title: str | None = None


class Extractor(Protocol):
    """A relation extractor: a generator over one sentence of a linked document."""

    def __call__(self, sent: Span, linked: LinkedDoc, onto: Ontology) -> Iterator[Candidate]: ...


def conjuncts(token: Token) -> list[Token]:
    """The token and the tokens coordinated with it ("X and Y")."""
    return [token, *token.conjuncts]


def subjects(verb: Token) -> tuple[list[Token], list[Token]]:
    """(active subjects, passive subjects) of a verb, inherited over verb coordination."""
    current = verb
    while True:
        active = [c for c in current.children if c.dep_ == "nsubj"]
        passive = [c for c in current.children if c.dep_ == "nsubjpass"]
        if active or passive or current.dep_ != "conj":
            return active, passive
        current = current.head


_CONTROL_DEPS = {"xcomp", "pcomp", "prep", "acomp", "advcl"}


def controllers(verb: Token) -> list[Token]:
    """Who does what a subjectless verb says: the subject of the clause that governs it.

    English leaves the subject of a gerund or infinitive unsaid when it is the
    subject of the governing clause: "X pleaded guilty to killing Y", "X acted alone
    in killing Y", "X used it to kill Y", and, for a participle modifying a noun,
    that noun: "X, convicted of killing Y". A governing verb with a direct object
    may pass control to the object instead ("X asked Y to leave"), so it stops the
    search; so does any clause with a subject of its own.
    """
    current = verb
    for _ in range(6):
        if current.dep_ not in _CONTROL_DEPS or current.head.i == current.i:
            return []
        if current.dep_ == "advcl" and current.tag_ != "VBG":
            return []
        current = current.head
        if current.pos_ in ("VERB", "AUX"):
            if any(c.dep_ in ("dobj", "dative") for c in current.children):
                return []
            active, passive = subjects(current)
            if active or passive:
                return active or passive
            if current.dep_ == "acl":
                return [current.head]
    return []


def descriptions(root: Token, start: int, linked: LinkedDoc) -> list[Token]:
    """Common nouns in apposition to a name: what the text says the thing is.

    "Acme, a Boston firm" and "the capital of Armenia, Yerevan", as the parser
    attaches them; and, where it does not, a noun followed by a comma right before
    the name ("Kennedy's assassin, Lee Harvey Oswald"). ``start`` is the name's
    first token.
    """
    found = [
        c
        for c in root.children
        if c.dep_ == "appos" and c.pos_ == "NOUN" and linked.mention_at(c) is None
    ]
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and linked.mention_at(root.head) is None:
        found.append(root.head)
    if start >= 2:
        comma, noun = linked.tokens[start - 1], linked.tokens[start - 2]
        if (
            comma.text == ","
            and noun.pos_ == "NOUN"
            and linked.mention_at(noun) is None
            and noun not in found
            and noun.head.i != root.i
        ):
            found.append(noun)
    return found


def is_asserted(verb: Token) -> bool:
    """False for negated or modal verbs ("did not meet", "would meet"): not a fact."""
    for child in verb.children:
        if child.dep_ == "neg" or (child.dep_ == "aux" and child.lower_ in _MODALS):
            return False
    return True


def evidence(tokens: list[Token], linked: LinkedDoc) -> tuple[int, int]:
    """Character span from the first to the last of the tokens, whole names included.

    A token that stands for a name elsewhere in the sentence ("which", "the city
    of …") counts as that name, so the evidence shows the name.
    """
    starts, ends = [], []
    for token in tokens:
        mention = linked.mention_at(linked.anchor(token) or token)
        starts.append(mention.start if mention else token.idx)
        ends.append(mention.end if mention else token.idx + len(token.text))
    return min(starts), max(ends)


def emit(
    linked: LinkedDoc,
    onto: Ontology,
    sent: Span,
    subject: Entity | None,
    predicate: str,
    obj: Entity | None,
    tokens: list[Token],
    extractor: str,
    confidence: float,
    role_title: str | None = None,
) -> Iterator[Candidate]:
    """Yield a Candidate if both ends are entities, distinct, and the ontology admits their classes.

    Evidence inside quotation marks is the speaker's claim, not the reporter's, so
    its confidence is lowered.
    """
    if subject is None or obj is None or subject.key == obj.key:
        return
    if not onto.accepts(predicate, subject.cls, obj.cls):
        return
    start, end = evidence(tokens, linked)
    if linked.is_quoted(start):
        confidence *= 0.8
    yield Candidate(
        subject=subject,
        predicate=predicate,
        object=obj,
        start=start,
        end=end,
        sentence_start=sent.start_char,
        sentence_end=sent.end_char,
        extractor=extractor,
        confidence=round(confidence, 3),
        role_title=role_title,
    )
