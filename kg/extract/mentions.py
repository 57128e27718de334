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
* **Stop names** ("Covid", "PPE") are never entities; news agencies ("AP") are
  organisations like any other.
* **Generic names and metonyms** ("the Council", "the county council",
  "County Hall") are kept as references, resolved against the document's other
  names by :mod:`kg.extract.entities`.
* **Honorific + capitalised word** is a person even when the model misses it.
* **Repeated names**: a name of two or more words that the model tagged once is
  a name wherever else the document writes it.
* **Abbreviations with full stops** ("U.S.", "N.J.", "Ill.") are names: they have
  letters though no token of them is alphabetic; the gazetteer knows the US states
  by their AP-style abbreviations.
* **Office titles** (kg:officeTitle, "President") are part of the mention when they
  begin the noun phrase ("killed President Kennedy"), and a role after a
  capitalised modifier ("Soviet President Gorbachev"). **Rank titles**
  (kg:rankTitle, "Sen.", "Judge") are not part of the name, but like honorifics they
  make the capitalised words after them a person, and a title then capitalised
  words is a person whatever the model tagged ("Prince Aldric" as a place).
* **Name heads and prefixes** (kg:nameHead, kg:namePrefix) decide the class of a
  multi-word name: "Acme Corp." and "Brenner Party" are organisations, "Polk
  County" and "Camp Tolley" places, "Tolley Airport" a facility.
* **An age or a role in apposition** makes a name a person's: "Brenner, 43,";
  "Woods, a spokeswoman for …".
* **Wire-service source lines**: "Moscow ITAR-TASS", "Havana Radio Rebelde Network"
  tagged as one name are a place then an organisation (title-case words, then a
  word in capitals or a kg:namePrefix such as "Radio"); words in capitals the model
  left untagged right after a place ("Moscow INTERFAX in English"), or in brackets
  after a place or date ("Seoul, May 3 (YONHAP)"), name the source.
* **Names in capitals** go on over the untagged words in capitals beside them
  ("YOMIURI SHIMBUN" tagged as "SHIMBUN").
* **Town, State**: a name followed by a comma and a state or country from the
  gazetteer that ends the phrase is a place ("DAYTON, Ohio (AP)", "Denison, Tex."),
  and so are untagged proper nouns there ("Trapper Creek, Alaska").

>>> import spacy
>>> from spacy.tokens import Doc
>>> words = ["Mr", "Finch", "met", "Dr", "Haddad", "."]
>>> doc = Doc(spacy.blank("en").vocab, words=words, ents=["O", "B-PERSON", "O", "O", "O", "O"])
>>> [(m.text, m.name, m.honorific) for m in find_mentions(doc)]
[('Mr Finch', 'Finch', 'Mr'), ('Dr Haddad', 'Haddad', 'Dr')]
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from kg.extract.names import (
    capital_lede_names,
    in_mixed_case,
    is_portfolio,
    lead_noun_cut,
    longest_party,
    person_after_head,
    short_forms,
)
from kg.ontology.schema import Ontology, load_ontology, name_key

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Mention", "MentionKind", "doc_text", "find_mentions"]

MentionKind = Literal["name", "demonym", "generic", "metonym"]

_TRIM_LEFT = {"the", "a", "an"}
_NAME_JOINERS = frozenset(
    {"of", "and", "for", "on", "the", "de", "du", "la", "le", "von", "van", "der", "da", "del", "y"}
)
"""Lower-case words that belong inside names ("Bank of England", "Charles de Gaulle")."""
_POSSESSIVE = {"'s", "’s", "'", "’"}
_ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj"}
_NOT_NAME_POS = {"VERB", "AUX", "ADP", "DET", "PRON", "CCONJ"}
_PLACE_CLASSES = {"Place", "Country", "Facility"}


def doc_text(doc: Doc) -> str:
    """``doc.text``, made once: spaCy joins every token's text anew on each access."""
    text = doc.user_data.get("kg.text")
    if not isinstance(text, str):
        text = doc.user_data["kg.text"] = doc.text
    return text


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


_PARTY_MODIFIER = ("compound", "amod", "nmod", "poss")


def _has_letter(span: Span) -> bool:
    """Whether a span names anything: "U.S." and "N.J." have letters but no alphabetic token."""
    return any(c.isalpha() for c in span.text)


def _is_honorific(token: Token, onto: Ontology) -> bool:
    return _honorific(token, onto) is not None


def _honorific(token: Token, onto: Ontology) -> str | None:
    """The ontology's spelling of an honorific, also when set in capitals ("SIR", "CLLR")."""
    text = token.text.title() if token.is_upper else token.text
    for form in (text, text.rstrip(".") + "."):
        if form in onto.honorifics:
            return text
    return None


def _is_title(token: Token, onto: Ontology) -> bool:
    """An honorific, an office ("President") or a rank ("Sen."): a person's name follows."""
    return (
        _is_honorific(token, onto)
        or token.text in onto.office_titles
        or token.text in onto.rank_titles
    )


_TITLE_WORDS: dict[int, tuple[Ontology, frozenset[str]]] = {}


def _title_words(onto: Ontology) -> frozenset[str]:
    """Every spelling :func:`_is_title` accepts, as one set: the hot loop looks words up in it."""
    cached = _TITLE_WORDS.get(id(onto))
    if cached is None or cached[0] is not onto:
        words = set(onto.office_titles | onto.rank_titles | onto.honorifics)
        words |= {h[:-1] for h in onto.honorifics if h.endswith(".")}
        words |= {h + "." for h in onto.honorifics if h.endswith(".")}
        cached = _TITLE_WORDS[id(onto)] = (onto, frozenset(words))
    return cached[1]


def _capitalised(token: Token) -> bool:
    return token.text[:1].isupper() and any(c.isalpha() for c in token.text)


def _starts_phrase(doc: Doc, i: int) -> bool:
    """No capitalised modifier before token ``i``: "killed President Kennedy", not
    "Soviet President Gorbachev" (where "President" is a role of the Soviet Union)."""
    return i == 0 or doc[i].is_sent_start is True or not _capitalised(doc[i - 1])


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
        honorific = _honorific(doc[start], onto)
        start += 1
    elif start > 0 and _is_honorific(doc[start - 1], onto):
        first, honorific = start - 1, _honorific(doc[start - 1], onto)
    elif start > 0 and doc[start - 1].text in onto.office_titles and _starts_phrase(doc, start - 1):
        first = start - 1
    if start >= end or not _has_letter(doc[start:end]):
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
        name=_clean_name(name),
        cls=cls,
        kind=kind,
        honorific=honorific,
        token_start=first,
        token_end=name_span.end,
    )


def _clean_name(name: str) -> str:
    """One space between words: text converted from PDF can hold a vertical tab or a
    control character inside a name ("Ann\\x0bSmith"), which no label should keep.

    >>> _clean_name("Ann\\x0bSmith\\x00 Jr")
    'Ann Smith Jr'
    """
    return " ".join("".join(c if c.isprintable() else " " for c in name).split())


def _name_class(span: Span, onto: Ontology) -> str | None:
    """The class a multi-word name's own words give it: "Acme Corp.", "Polk County", "Mount Hood".

    The last word decides first ("Lake Placid Club" is a club), then the first.
    """
    if len(span) < 2:
        return None
    return onto.name_heads.get(span[-1].text) or onto.name_prefixes.get(span[0].text)


def _described_as_person(span: Span, onto: Ontology) -> bool:
    """The words after a name say it is a person's: an age or a role in apposition.

    "Jacobs, 20, and ..." (a number from 1 to 120 set off by commas is an age);
    "Woods, a spokeswoman for ..." (a role noun from kg:roleHint in apposition).
    """
    doc = span.doc
    after = span.end
    if after + 1 < len(doc) and doc[after].is_punct and doc[after].text == ",":
        age = doc[after + 1]
        if age.is_digit and 0 < int(age.text) <= 120:
            following = doc[after + 2] if after + 2 < len(doc) else None
            if following is None or following.is_punct:
                return True
    root = span.root
    return onto.place(span.text) is None and any(
        child.dep_ == "appos"
        and child.tag_ != "NNS"  # "Leeds, York reporters …": a plural describes no one person
        and onto.role_predicate(child.lemma_) is not None
        for child in root.children
    )


def _entity_class(span: Span, label: str, onto: Ontology) -> str | None:
    """The class of a tagged span: the model's label, corrected by the words of the name.

    The label is a spaCy label the ontology maps (kg:nerLabel), or the name of an
    ontology class, which is how ``kg train`` labels a class with no kg:nerLabel.

    A title before capitalised words ("Prince Ranariddh", "Sen. Hatch") makes a person
    whatever the label; a name head or prefix makes its class ("Camp Butner" tagged
    PERSON is a place).
    """
    cls = onto.ner_classes.get(label) or (label if label in onto.classes else None)
    if cls is None:
        return None
    if (
        len(span) > 1
        and _is_title(span[0], onto)
        and all(_capitalised(t) for t in span[1:])
        and _name_class(span, onto) is None
    ):
        return "Person"
    head = _name_class(span, onto)
    if head is not None:
        return head
    if cls != "Person" and len(span) <= 3 and _described_as_person(span, onto):
        return "Person"
    return cls


def _from_entity(ent: Span, onto: Ontology, label: str | None = None) -> Mention | None:
    doc = ent.doc
    label = label or ent.label_
    span = _trim(ent, onto)
    if span is None or not _has_letter(span):
        return None
    text = span.text
    key = name_key(text)
    if key in onto.stop_names:
        return None
    # A metonym names an organisation whatever the model tagged it: a model trained on
    # other news may read "County Hall" as a person.
    for phrase, _ending in onto.metonyms:
        if key == name_key(phrase):
            return _mention(doc, span.start, span, span.text, "Organization", "metonym", None)
    span, key = longest_party(span, key, onto)
    party = onto.parties.get(key)
    if party is not None and (label == "ORG" or span.root.dep_ in _PARTY_MODIFIER):
        # "Tory leader", "Labour's Ben Coe": a party label before a name is the party,
        # whatever the tag; "a Republican from Chicago" is a person's description.
        return _mention(doc, span.start, span, party, "Organization", "name", None)
    if label == "NORP":
        place = onto.demonyms.get(key)
        if place is None:
            return None
        return _mention(doc, span.start, span, place.label, place.cls, "demonym", None)
    cls = _entity_class(span, label, onto)
    if cls is None:
        return None
    if cls == "Person":
        span = lead_noun_cut(span, onto)
        split = _person_span(span, onto)
        if split is None:
            return None
        first, name_span, honorific = split
        return _mention(doc, first, name_span, name_span.text, cls, "name", honorific)
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
    """Lower-case "the county council", "the authority": generic references to an organisation.

    Each head reads back over the lower-case words before it; a run of them is read
    once, not once per head in it ("council council council …").
    """
    run_start: dict[int, int] = {}  # token → first of the lower-case words right before it
    taken_sorted = sorted(taken)
    for token in heads:
        if token.i in taken:
            continue
        start = token.i
        while (
            start > 0
            and doc[start - 1].is_lower
            and doc[start - 1].pos_ in {"NOUN", "PROPN", "ADJ"}
        ):
            if start - 1 in run_start:
                start = run_start[start - 1]
                break
            start -= 1
        run_start[token.i] = start
        if (
            start == 0
            or doc[start - 1].lower_ != "the"
            or bisect_left(taken_sorted, token.i) > bisect_left(taken_sorted, start)
        ):
            continue
        span = doc[start : token.i + 1]
        yield _mention(doc, start - 1, span, span.text, "Organization", "generic", None)


def _name_word(token: Token) -> bool:
    """A word that can be part of a person's name: "Haddad", "O'Brien", "F." (an initial)."""
    text = token.text
    if not token.is_title or token.pos_ in _NOT_NAME_POS:
        return False
    return text.replace("'", "").replace("-", "").isalpha() or (len(text) == 2 and text[1] == ".")


def _untagged_people(
    doc: Doc, titles: list[Token], taken: set[int], onto: Ontology
) -> Iterator[Mention]:
    """A title followed by capitalised words the model did not tag ("Dr Haddad", "Sen. Hatch").

    An honorific stays with the mention, as in a tagged name; an office does when it
    begins the phrase ("President Kennedy"); a rank never does ("Sen." is no part of
    the name).
    """
    for token in titles:
        if token.i in taken:
            continue
        end = token.i + 1
        # At most four words make a name: "Mr Mr Mr …" must not read on to the end.
        while end < len(doc) and end - token.i <= 4 and end not in taken and _name_word(doc[end]):
            end += 1
        if end == token.i + 1 or end - token.i > 4:
            continue
        span = doc[token.i + 1 : end]
        if _name_class(span, onto) is not None:
            continue
        first, honorific = token.i + 1, None
        if _is_honorific(token, onto):
            first, honorific = token.i, token.text
        elif token.text in onto.office_titles and _starts_phrase(doc, token.i):
            first = token.i
        yield _mention(doc, first, span, span.text, "Person", "name", honorific)


def _capitals(token: Token) -> bool:
    """A word written in capitals: "XINHUA", "ITAR", "AP" (not "I" or "A")."""
    return token.is_upper and sum(c.isalpha() for c in token.text) >= 2


def _widened(ent: Span, onto: Ontology) -> Span:
    """A name goes on over the untagged words next to it that must belong to it.

    * In capitals: the model knows few names set in capitals and tags part of them
      ("YOMIURI SHIMBUN" as "SHIMBUN"); words in capitals side by side are one name.
    * A name head right after the name ("Northline" tagged, "Ferries" not): the
      head is the end of the same name, and says its class; not when more capitalised
      words follow, which make a title ("White House Press Secretary").
    """
    doc = ent.doc
    start, end = ent.start, ent.end
    if ent.text.isupper() and all(_capitals(t) or t.is_punct for t in ent):
        while start > 0 and doc[start - 1].ent_iob_ == "O" and _capitals(doc[start - 1]):
            start -= 1
        while end < len(doc) and doc[end].ent_iob_ == "O" and _capitals(doc[end]):
            end += 1
    elif (
        end < len(doc)
        and doc[end].ent_iob_ == "O"
        and doc[end].is_title
        and doc[end].text in onto.name_heads
        and not doc[end - 1].is_punct
        and not (end + 1 < len(doc) and doc[end + 1].is_title)  # "… Press Secretary Jen"
    ):
        end += 1
    if (start, end) == (ent.start, ent.end):
        return ent
    from spacy.tokens import Span

    return Span(doc, start, end, label=ent.label_)


def _wire_sources(
    doc: Doc, mentions: list[Mention], taken: set[int], brackets: list[int]
) -> Iterator[Mention]:
    """The news source of a wire-service line, in capitals, that the model left untagged.

    "Moscow INTERFAX in English", "Sao Paulo GAZETA MERCANTIL": words in capitals
    right after a place name; "Seoul, May 3 (YONHAP) --": a word in capitals in
    brackets right after a place or a date. Both name the organisation that sent
    the report.
    """
    places = {m.token_end for m in mentions if m.cls in _PLACE_CLASSES and not m.text.isupper()}
    for end_of_place in sorted(places):
        end = end_of_place
        while (
            end < len(doc)
            and end not in taken
            and (_capitals(doc[end]) or (doc[end].text == "-" and end > end_of_place))
        ):
            end += 1
        while end > end_of_place and not _capitals(doc[end - 1]):
            end -= 1
        span = doc[end_of_place:end]
        if len(span) and any(sum(c.isalpha() for c in t.text) >= 3 for t in span):
            taken.update(range(span.start, span.end))
            yield _mention(doc, span.start, span, span.text, "Organization", "name", None)
    for i in brackets:
        if (
            0 < i < len(doc) - 2
            and doc[i + 2].text == ")"
            and _capitals(doc[i + 1])
            and i + 1 not in taken
            and (i in places or doc[i - 1].ent_type_ == "DATE")
        ):
            span = doc[i + 1 : i + 2]
            taken.add(i + 1)
            yield _mention(doc, span.start, span, span.text, "Organization", "name", None)


def _source_line(ent: Span, onto: Ontology) -> list[tuple[Span, str]]:
    """Split a wire-service source line the model tagged as one name.

    Monitoring services head a report with the place and the source: "Moscow
    ITAR-TASS", "Beijing XINHUA", "Havana Radio Rebelde Network". Title-case words
    followed by a word in capitals, or by a word that begins an organisation's name
    ("Radio", kg:namePrefix) and more, are a place then an organisation.
    """
    words = ent.text.split()
    if not any(
        w.isupper() or onto.name_prefixes.get(w) == "Organization" for w in words[1:4]
    ):  # most names: decided on the text, without making Token objects
        return [(ent, ent.label_)]
    n = len(ent)
    for k in range(1, min(n, 4)):
        if not (ent[k - 1].is_title and ent[k - 1].is_alpha):
            break
        word = ent[k]
        capitals = word.is_upper and sum(c.isalpha() for c in word.text) >= 3
        prefix = onto.name_prefixes.get(word.text) == "Organization" and k + 1 < n
        if capitals or prefix:
            return [(ent[:k], "GPE"), (ent[k:], "ORG")]
    return [(ent, ent.label_)]


def _descriptor(token: Token) -> bool:
    return token.is_lower and token.is_alpha and token.lower_ not in _NAME_JOINERS


def _descriptions_cut(ent: Span, label: str, onto: Ontology) -> list[tuple[Span, str]]:
    """Cut the describing words a model swept into a name: "Chinese firm Huawei",
    "County Hall leader", "ex-minister Ann Lee".

    A name's words are capitalised, but for joiners ("Bank of England"). Lower-case
    words at its end are dropped ("leader" is left to the role extractor), and a
    lead of lower-case words, with a nationality before them, is cut off: the
    nationality stays a mention of its own, so "Chinese firm Huawei" still says where
    the firm is from. The small model tags such phrases in pieces already; a model
    trained on corpora that annotate whole phrases does not.
    """
    words = ent.text.split()
    if len(words) < 2 or not any(w.isalpha() and w.islower() and w not in _NAME_JOINERS
                                 for w in words):  # fmt: skip
        return [(ent, label)]
    if onto.ner_classes.get(label) is None and label not in onto.classes:
        return [(ent, label)]  # dates, money, nationalities: not names
    if not any(w[:1].isupper() for w in words):
        return [(ent, label)]  # "the county council": a description, resolved as one
    doc = ent.doc
    start, end = ent.start, ent.end
    while (
        end - start > 1
        and _descriptor(doc[end - 1])
        # "Jiangsu province", "the Phnom Penh government": heads kg reads elsewhere
        and doc[end - 1].lower_ not in onto.place_nouns
        and doc[end - 1].lower_ not in onto.generic_names
    ):
        end -= 1
    while end - start > 1 and doc[end - 1].lower_ in _NAME_JOINERS:
        end -= 1  # "… Competition for [young]"
    pieces: list[tuple[Span, str]] = []
    first = start
    if onto.demonyms.get(name_key(doc[first].text)) is not None and _descriptor(doc[first + 1]):
        first += 1
    lead = first
    while lead < end - 1 and _descriptor(doc[lead]):
        lead += 1
    if lead > first:  # a description before the name: "[Chinese] firm | Huawei"
        if first > start:
            pieces.append((doc[start:first], "NORP"))
        start = lead
    if (start, end) == (ent.start, ent.end) or not any(
        t.is_title and len(t.text) > 1 for t in doc[start:end]
    ):  # "K mart" is a name whose second word is lower-case
        return [(ent, label)]
    return [*pieces, (doc[start:end], label)]


def _repeated_names(doc: Doc, mentions: list[Mention], taken: set[int]) -> list[Mention]:
    """A name of two or more words tagged once is the same name wherever else it is written.

    The model tags by context, so "Northline Ferries" can be a name in one sentence
    and plain words in the next; within one document, the same words are the same name.
    """
    names = {m.name: m for m in mentions if m.kind == "name" and len(m.name.split()) > 1}
    if not names:
        return []
    text = doc_text(doc)
    places = _places_of(doc, text, names)
    found = []
    for name, model in sorted(names.items()):
        for start in places.get(name, ()):
            span = doc.char_span(start, start + len(name))
            if span is not None and not any(i in taken for i in range(span.start, span.end)):
                found.append(_mention(doc, span.start, span, name, model.cls, "name", None))
                taken.update(range(span.start, span.end))
    return found


def _places_of(doc: Doc, text: str, names: Iterable[str]) -> dict[str, list[int]]:
    """Where each name is written on token edges, as ``text.find`` would find it, left to right.

    Only a place where a name starts and ends on token edges can become a mention, so
    one pass over the tokens finds them all: at a token that begins as some name
    begins (its first word, up to a space), each stretch of whole tokens up to the
    longest name's length is looked up. A name that can overlap itself ("Ann Lee
    Ann") is searched for with ``str.find``, since a place the search skips over
    (inside an earlier match) must stay skipped.
    """
    fast: set[str] = set()
    slow: list[str] = []
    for name in names:
        if any(name.endswith(name[:k]) for k in range(1, len(name))):
            slow.append(name)
        else:
            fast.add(name)
    places: dict[str, list[int]] = {}
    if fast:
        from spacy.attrs import IDX, LENGTH

        firsts = {name.split(" ", 1)[0] for name in fast}
        longest_first = max(len(first) for first in firsts)
        longest = max(len(name) for name in fast)
        starts = doc.to_array(IDX).tolist()
        ends = [s + n for s, n in zip(starts, doc.to_array(LENGTH).tolist(), strict=True)]
        for i, start in enumerate(starts):
            space = text.find(" ", start, start + longest_first + 1)
            if space == -1 or text[start:space] not in firsts:
                continue  # no name begins here
            for j in range(i, len(ends)):
                if ends[j] - start > longest:
                    break
                if text[start : ends[j]] in fast:
                    places.setdefault(text[start : ends[j]], []).append(start)
    for name in slow:
        start = text.find(name)
        while start != -1:
            places.setdefault(name, []).append(start)
            start = text.find(name, start + len(name))
    return places


def _place_before(doc: Doc, comma: int, taken: set[int]) -> Span | None:
    """Untagged proper nouns right before ``comma`` ("Trapper Creek, Alaska"), at most three."""
    start = comma
    while (
        start > 0
        and comma - start < 3
        and start - 1 not in taken
        and doc[start - 1].pos_ == "PROPN"
        and _capitalised(doc[start - 1])
    ):
        start -= 1
    return doc[start:comma] if start < comma else None


def _town_and_state(doc: Doc, mentions: list[Mention], onto: Ontology) -> list[Mention]:
    """A name, a comma, then a state or country from the gazetteer is a place.

    "DAYTON, Ohio (AP)", "Covington, Okla.", "Denison, Tex.": the model often takes
    the town of a dateline or an address for an organisation or a person; English
    writes a town with its state or country after a comma. The state must end the
    phrase ("Smith, Ohio's senator" is not a town), and a name with an honorific, a
    title or an organisation's name head is left as it is.
    """
    states = [
        i
        for i, m in enumerate(mentions)
        if m.kind == "name" and m.token_start > 1 and onto.place(m.name) is not None
    ]
    if not states:
        return mentions
    taken = {i for m in mentions for i in range(m.token_start, m.token_end)}
    out = list(mentions)
    extra: list[Mention] = []
    for i in states:
        state = out[i]
        comma = state.token_start - 1
        if doc[comma].text != ",":
            continue
        after = state.token_end
        if after < len(doc) and (
            not (doc[after].is_punct or doc[after].is_space) or doc[after].text in _POSSESSIVE
        ):
            continue
        town = out[i - 1] if i > 0 and out[i - 1].token_end == comma else None
        if town is None:
            span = _place_before(doc, comma, taken)
            if span is not None and _name_class(span, onto) in (None, "Place", "Facility"):
                extra.append(_mention(doc, span.start, span, span.text, "Place", "name", None))
            continue
        if (
            town.kind != "name"
            or town.honorific
            or onto.is_subclass(town.cls, "Place")
            or _is_title(doc[town.token_start], onto)
            or onto.name_heads.get(doc[town.token_end - 1].text) == "Organization"
        ):
            continue
        out[i - 1] = replace(town, cls="Place")
    return sorted([*out, *extra], key=lambda m: (m.start, -m.end))


def find_mentions(doc: Doc, ontology: Ontology | None = None) -> list[Mention]:
    """All mentions in ``doc``, in text order, without overlaps."""
    onto = ontology or load_ontology()
    ents = list(doc.ents)
    person_words = {t.text for e in ents if e.label_ == "PERSON" for t in e}
    mentions: list[Mention] = []
    for i, ent in enumerate(ents):
        # "High Steward Sir Bob Russell": a person name right before another person
        # name (only an honorific between) is a title the model mistook for a name.
        if ent.label_ == "PERSON" and i + 1 < len(ents) and ents[i + 1].label_ == "PERSON":
            gap = doc[ent.end : ents[i + 1].start]
            if all(_is_honorific(t, onto) for t in gap) and len(ent) <= 2:
                continue
        if is_portfolio(ent, onto):
            continue
        for whole, whole_label in _source_line(_widened(ent, onto), onto):
            for part, kind in person_after_head(whole, whole_label, onto, person_words):
                for piece, label in _descriptions_cut(part, kind, onto):
                    mention = _from_entity(piece, onto, label)
                    if mention is not None:
                        mentions.append(mention)
    taken = {i for m in mentions for i in range(m.token_start, m.token_end)}
    taken |= {i for ent in ents for i in range(ent.start, ent.end)}
    extra: list[Mention] = []
    generic_heads: list[Token] = []
    titles: list[Token] = []
    brackets: list[int] = []
    title_words = _title_words(onto)
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
        else:
            text = token.text
            if text in title_words:
                titles.append(token)
            elif text == "(":
                brackets.append(token.i)
    extra += [
        *_definite_descriptions(doc, generic_heads, taken, onto),
        *_untagged_people(doc, titles, taken, onto),
    ]
    extra += _repeated_names(doc, mentions, taken)
    extra += _wire_sources(doc, mentions, taken, brackets)
    extra += [  # "DAME HELEN STROUD, chair of …": a lede's name in capitals, untagged
        _mention(doc, first, doc[start:end], doc[start:end].text, "Person", "name", honorific)
        for first, start, end, honorific in capital_lede_names(doc, taken, onto)
    ]
    mentions.extend(extra)
    mentions.sort(key=lambda m: (m.start, -m.end))
    result: list[Mention] = []
    for mention in mentions:
        if result and mention.start < result[-1].end:
            continue
        result.append(mention)
    return in_mixed_case(doc, short_forms(doc, _town_and_state(doc, result, onto)))
