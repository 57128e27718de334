"""spaCy Docs → mentions: the names in a text, repaired where the small model errs.

spaCy's small English model fails in predictable ways on news text, and each repair
here is a named rule of English, driven by word lists in the ontology:

* **Honorifics** ("Sir", "Mr", "Dr") go with the person but not into the name:
  "Sir Bob Russell" is the person "Bob Russell" with honorific "Sir".
* **Role titles** are not people: in "High Steward Sir Bob Russell" the model tags
  "Steward" as a person; a person name directly followed (honorific aside) by
  another is a title, and it is dropped.
* **Articles, possessives, place nouns** are trimmed: "the People's Republic of
  China's" → "People's Republic of China"; "Jiangsu province" → "Jiangsu".
* **Nationality adjectives** point to their country ("Chinese" → China) through the
  gazetteer, and any of a country's names give its one canonical name.
* **Stop names** ("Covid", "PPE") are never entities.
* **Generic names and metonyms** ("the Council", "the county council",
  "County Hall") are kept as references, resolved against the document's other
  names by :mod:`kg.entities`.
* **Honorific + capitalised word** is a person even when the model misses it.
* **Repeated names**: a name of two or more words that the model tagged once is
  a name wherever else the document writes it.

>>> import spacy
>>> from spacy.tokens import Doc
>>> words = ["Mr", "Finch", "met", "Dr", "Haddad", "."]
>>> doc = Doc(spacy.blank("en").vocab, words=words, ents=["O", "B-PERSON", "O", "O", "O", "O"])
>>> [(m.text, m.name, m.honorific) for m in find_mentions(doc)]
[('Mr Finch', 'Finch', 'Mr'), ('Dr Haddad', 'Haddad', 'Dr')]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from kg.ontology import Ontology, load_ontology, name_key

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Mention", "MentionKind", "find_mentions"]

MentionKind = Literal["name", "demonym", "generic", "metonym"]

_TRIM_LEFT = {"the", "a", "an"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
_ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj"}


@dataclass(frozen=True, slots=True)
class Mention:
    """One place in a document where something is named.

    ``start``/``end`` are character offsets into the document text of the whole
    mention (honorific included), so ``text == doc.text[start:end]``; ``name`` is
    the name as kg will use it (honorific and trimmings removed, gazetteer
    canonical name for places and demonyms).
    """

    start: int
    end: int
    text: str
    name: str
    cls: str
    kind: MentionKind = "name"
    honorific: str | None = None
    token_start: int = 0
    token_end: int = 0
    """Token indices of the mention in the Doc, end exclusive."""

    @property
    def surface(self) -> str:
        """The name as written, with its honorific ("Sir Bob")."""
        return self.text


def _is_honorific(token: Token, onto: Ontology) -> bool:
    return token.text in onto.honorifics or token.text.rstrip(".") + "." in onto.honorifics


def _trim(span: Span, onto: Ontology) -> Span | None:
    """Drop leading articles and trailing possessives, punctuation and white space."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].lower_ in _TRIM_LEFT or doc[start].is_punct or doc[start].is_space
    ):
        start += 1
    while end > start and (
        doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct or doc[end - 1].is_space
    ):
        end -= 1
    if start >= end:
        return None
    return doc[start:end]


def _person_span(span: Span, onto: Ontology) -> tuple[int, Span, str | None] | None:
    """Split a PERSON span into (first token, name, honorific); drop role words swept in."""
    doc = span.doc
    start, end = span.start, span.end
    # A lower-case noun inside the span ("leader David Finch") is a role, not a name.
    # Name particles ("Ana de Souza") are lower-case too, but the parser tags them
    # as something other than a common noun.
    for i in range(end - 1, start - 1, -1):
        if doc[i].is_lower and doc[i].is_alpha and doc[i].pos_ == "NOUN":
            start = i + 1
            break
    first, honorific = start, None
    if start < end and _is_honorific(doc[start], onto):
        honorific = doc[start].text
        start += 1
    elif start > 0 and _is_honorific(doc[start - 1], onto):
        first, honorific = start - 1, doc[start - 1].text
    if start >= end or not any(t.is_alpha for t in doc[start:end]):
        return None
    return first, doc[start:end], honorific


def _place_name(name_span: Span, onto: Ontology) -> Span:
    """Drop a trailing place noun ("Jiangsu province" → "Jiangsu") unless nothing is left."""
    end = name_span.end
    while end - 1 > name_span.start and name_span.doc[end - 1].lower_ in onto.place_nouns:
        end -= 1
    return name_span.doc[name_span.start : end]


def _mention(
    doc: Doc,
    first: int,
    name_span: Span,
    name: str,
    cls: str,
    kind: MentionKind,
    honorific: str | None,
) -> Mention:
    whole = doc[first : name_span.end]
    return Mention(
        start=whole.start_char,
        end=whole.end_char,
        text=whole.text,
        name=name,
        cls=cls,
        kind=kind,
        honorific=honorific,
        token_start=first,
        token_end=name_span.end,
    )


def _from_entity(ent: Span, onto: Ontology) -> Mention | None:
    doc = ent.doc
    label = ent.label_
    span = _trim(ent, onto)
    if span is None or not any(t.is_alpha for t in span):
        return None
    text = span.text
    key = name_key(text)
    if key in onto.stop_names:
        return None
    if label == "NORP":
        place = onto.demonyms.get(key)
        if place is None:
            return None
        return _mention(doc, span.start, span, place.label, place.cls, "demonym", None)
    cls = onto.ner_classes.get(label)
    if cls is None:
        return None
    if cls == "Person":
        split = _person_span(span, onto)
        if split is None:
            return None
        first, name_span, honorific = split
        return _mention(doc, first, name_span, name_span.text, cls, "name", honorific)
    for phrase, _ending in onto.metonyms:
        if key == name_key(phrase):
            return _mention(doc, span.start, span, span.text, "Organization", "metonym", None)
    place = onto.place(text)
    if place is not None:
        return _mention(doc, span.start, span, place.label, place.cls, "name", None)
    if onto.is_subclass(cls, "Place"):
        name_span = _place_name(span, onto)
        place = onto.place(name_span.text)
        if place is not None:
            return _mention(doc, span.start, span, place.label, place.cls, "name", None)
        return _mention(doc, span.start, span, name_span.text, cls, "name", None)
    generic = len(span) == 1 or all(t.is_lower for t in span)
    if cls == "Organization" and span[-1].lower_ in onto.generic_names and generic:
        # "the Council", or a description the model tagged ("the county council")
        article = span.start > 0 and doc[span.start - 1].lower_ == "the"
        first = span.start - 1 if article else span.start
        return _mention(doc, first, span, span.text, cls, "generic", None)
    return _mention(doc, span.start, span, text, cls, "name", None)


def _definite_descriptions(
    doc: Doc, heads: list[Token], taken: set[int], onto: Ontology
) -> Iterator[Mention]:
    """Lower-case "the county council", "the authority": generic references to an organisation."""
    for token in heads:
        if token.i in taken:
            continue
        start = token.i
        while (
            start > 0
            and doc[start - 1].is_lower
            and doc[start - 1].pos_ in {"NOUN", "PROPN", "ADJ"}
        ):
            start -= 1
        if (
            start == 0
            or doc[start - 1].lower_ != "the"
            or any(i in taken for i in range(start, token.i))
        ):
            continue
        span = doc[start : token.i + 1]
        yield _mention(doc, start - 1, span, span.text, "Organization", "generic", None)


def _untagged_people(
    doc: Doc, honorifics: list[Token], taken: set[int], onto: Ontology
) -> Iterator[Mention]:
    """An honorific followed by capitalised words the model did not tag ("Dr Haddad")."""
    for token in honorifics:
        if token.i in taken:
            continue
        end = token.i + 1
        while end < len(doc) and end not in taken and doc[end].is_title and doc[end].is_alpha:
            end += 1
        if end > token.i + 1 and end - token.i <= 4:
            span = doc[token.i + 1 : end]
            yield _mention(doc, token.i, span, span.text, "Person", "name", token.text)


def _repeated_names(doc: Doc, mentions: list[Mention], taken: set[int]) -> list[Mention]:
    """A name of two or more words tagged once is the same name wherever else it is written.

    The model tags by context, so "Northline Ferries" can be a name in one sentence
    and plain words in the next; within one document, the same words are the same name.
    """
    names = {m.name: m for m in mentions if m.kind == "name" and len(m.name.split()) > 1}
    if not names:
        return []
    text = doc.text
    found = []
    for name, model in sorted(names.items()):
        start = text.find(name)
        while start != -1:
            span = doc.char_span(start, start + len(name))
            if span is not None and not any(i in taken for i in range(span.start, span.end)):
                found.append(_mention(doc, span.start, span, name, model.cls, "name", None))
                taken.update(range(span.start, span.end))
            start = text.find(name, start + len(name))
    return found


def find_mentions(doc: Doc, ontology: Ontology | None = None) -> list[Mention]:
    """All mentions in ``doc``, in text order, without overlaps."""
    onto = ontology or load_ontology()
    ents = list(doc.ents)
    mentions: list[Mention] = []
    for i, ent in enumerate(ents):
        # "High Steward Sir Bob Russell": a person name right before another person
        # name (only an honorific between) is a title the model mistook for a name.
        if ent.label_ == "PERSON" and i + 1 < len(ents) and ents[i + 1].label_ == "PERSON":
            gap = doc[ent.end : ents[i + 1].start]
            if all(_is_honorific(t, onto) for t in gap) and len(ent) <= 2:
                continue
        mention = _from_entity(ent, onto)
        if mention is not None:
            mentions.append(mention)
    taken = {i for m in mentions for i in range(m.token_start, m.token_end)}
    taken |= {i for ent in ents for i in range(ent.start, ent.end)}
    extra: list[Mention] = []
    generic_heads: list[Token] = []
    honorifics: list[Token] = []
    for token in doc:  # one pass: Token objects are costly to make
        if token.lower_ in onto.generic_names and token.i not in taken:
            if token.is_lower:
                generic_heads.append(token)
            elif token.is_title and token.dep_ in _ARGUMENT_DEPS:
                # "Police arrested …": an untagged institution noun as a bare argument.
                span = doc[token.i : token.i + 1]
                extra.append(
                    _mention(doc, token.i, span, token.text, "Organization", "generic", None)
                )
        elif _is_honorific(token, onto):
            honorifics.append(token)
    extra += [
        *_definite_descriptions(doc, generic_heads, taken, onto),
        *_untagged_people(doc, honorifics, taken, onto),
    ]
    extra += _repeated_names(doc, mentions, taken)
    mentions.extend(extra)
    mentions.sort(key=lambda m: (m.start, -m.end))
    result: list[Mention] = []
    for mention in mentions:
        if result and mention.start < result[-1].end:
            continue
        result.append(mention)
    return result
