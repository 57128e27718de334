"""How names are written: capitals in headlines and ledes, and short forms of long names.

Two rules of news English over a document's mentions, after they are found
(:func:`kg.extract.mentions.find_mentions` calls both):

* :func:`short_forms`: "Millford food bank" is "Millford Community Food Bank".
* :func:`in_mixed_case`: "SIR ALAN PRYCE" in a lede is named "Alan Pryce".

and three over the model's tags: :func:`capital_lede_names`, the untagged "DAME
HELEN STROUD, chair of …" opening a paragraph is a person; :func:`person_after_head`,
"Harbury City Council Jon Tate" tagged as one organisation is a council and a person;

:func:`is_portfolio`, "Transport" in "Transport Secretary" is no organisation.

A mention keeps its offsets and its text as written; only its name, the entity's
label, is changed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from kg.ontology.schema import name_key

if TYPE_CHECKING:
    from collections.abc import Mapping

    from spacy.tokens import Doc, Span

    from kg.extract.mentions import Mention
    from kg.ontology.schema import Ontology

__all__ = [
    "ACRONYM_SKIP",
    "capital_lede_names",
    "in_mixed_case",
    "initialisms",
    "initials",
    "is_portfolio",
    "lead_noun_cut",
    "longest_party",
    "person_after_head",
    "short_forms",
]


def _text(doc: Doc) -> str:
    """The document's text, as :func:`kg.extract.mentions.doc_text` keeps it once made."""
    text = doc.user_data.get("kg.text")
    return text if isinstance(text, str) else doc.text


def short_forms(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Short forms of a long organisation name with its head in lower case.

    The rule: words that open an organisation's name of three or more words,
    followed by the words that end it written in lower case, with words of the
    middle left out, name that organisation ("Millford food bank" for "Millford
    Community Food Bank", "the Harlow housing trust" for "Harlow Tenants Housing
    Trust"). Headlines and second references write names so; the model tags such a
    phrase as a place or not at all. The phrase replaces any mention inside it.
    """
    long_names: dict[str, list[tuple[list[str], Mention]]] = {}
    for m in mentions:
        words = m.name.split()
        if m.cls == "Organization" and m.kind == "name" and len(words) >= 3:
            long_names.setdefault(words[0], []).append((words, m))
    text = _text(doc)
    found: list[tuple[int, int, Mention]] = []  # token start, end, the long name's mention
    for first, names in long_names.items():
        names = [(w, m) for w, m in names if w[-1].lower() in text]  # its head in lower case
        for match in re.finditer(rf"(?<!\w){re.escape(first)}(?!\w)", text) if names else ():
            at = doc.char_span(match.start(), match.end())
            if at is None:
                continue
            i = at.start
            for words, named in names:
                end = _short_form(doc, i, words)
                if end is not None and all(
                    i <= m.token_start and m.token_end <= end
                    for m in mentions
                    if m.token_start < end and m.token_end > i
                ):  # a mention across its edge ("Harlow food bank Trust") is left as it is
                    found.append((i, end, named))
                    break
    if not found:
        return mentions
    out = [m for m in mentions if not any(s <= m.token_start < e for s, e, _n in found)]
    for start, end, named in found:
        span = doc[start:end]
        out.append(
            replace(
                named,
                start=span.start_char,
                end=span.end_char,
                text=span.text,
                honorific=None,
                token_start=start,
                token_end=end,
            )
        )
    out.sort(key=lambda m: (m.start, -m.end))
    return out


def _short_form(doc: Doc, i: int, words: list[str]) -> int | None:
    """The end of a short form of ``words`` at token ``i`` (see :func:`short_forms`), or None."""
    for k in range(len(words) - 2, 0, -1):  # opening words kept, longest first
        if [t.text for t in doc[i : i + k]] != words[:k]:
            continue
        for j in range(len(words) - k - 1, 0, -1):  # the head, in lower case
            head = doc[i + k : i + k + j]
            lower = [w.lower() for w in words[-j:]]
            if len(head) == j and all(t.is_lower for t in head) and [t.text for t in head] == lower:
                return i + k + j
    return None


def is_portfolio(ent: Span, onto: Ontology) -> bool:
    """ "Transport Secretary", "Health Minister": title-case words before a portfolio
    title name the area an office covers, not an organisation (kg:portfolioTitle)."""
    doc = ent.doc
    return (
        ent.label_ in ("ORG", "NORP")
        and ent.end < len(doc)
        and doc[ent.end].text in onto.portfolio_titles
        and all(t.is_title for t in ent)
    )


_ACRONYM = 3
"""A word in capitals this short, with no other spelling in the document, is an acronym."""


def person_after_head(
    ent: Span, label: str, onto: Ontology, person_words: set[str]
) -> list[tuple[Span, str]]:
    """Cut a person's name from the end of an organisation's: "Harbury City Council Jon Tate".

    In "The Leader of Harbury City Council Jon Tate has resigned" the model may tag
    the council and the name as one organisation. An organisation's name ends at its
    head word (Council, Party, Ltd); two or three capitalised words after the head
    are a person when the first is a given name (the ``nicknames`` data set) or the
    last is a word the model tags as part of a person's name elsewhere in the document.
    """
    head = next(
        (t.i for t in ent if onto.name_heads.get(t.text) == "Organization" and t.i < ent.end - 2),
        None,
    )
    if head is None or label != "ORG":
        return [(ent, label)]
    tail = ent.doc[head + 1 : ent.end]
    if (
        len(tail) in (2, 3)
        and all(t.is_title and t.pos_ == "PROPN" and t.text not in onto.name_heads for t in tail)
        and (_given_name(tail[0].text) or tail[-1].text in person_words)
    ):
        return [(ent.doc[ent.start : head + 1], "ORG"), (tail, "PERSON")]
    return [(ent, label)]


def lead_noun_cut(span: Span, onto: Ontology) -> Span:
    """Drop a capitalised describing noun that opens a sentence from a person's name.

    "Campaigner Tom Reed from the harbour group said …": at the start of a sentence
    every word has a capital, and the model may take the describing noun into the
    name. When the first of three or more words is no given name and no honorific
    but the second is a given name (the ``nicknames`` data set), the name starts there.
    """
    if (
        len(span) >= 3
        and span[0].is_sent_start
        and span[0].text.title() not in onto.honorifics
        and not _given_name(span[0].text)
        and _given_name(span[1].text)
    ):
        return span[1:]
    return span


@lru_cache(maxsize=4096)
def _given_name(word: str) -> bool:
    """A first name in the ``nicknames`` data set (Jon, Mary, Thomas)."""
    namer = _namer()
    key = word.lower()
    return bool(namer.nicknames_of(key) or namer.canonicals_of(key))  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def _namer() -> object:
    from nicknames import NickNamer

    return NickNamer()


def capital_lede_names(
    doc: Doc, taken: set[int], onto: Ontology
) -> list[tuple[int, int, int, str | None]]:
    """People named in capitals at the start of a paragraph, that the model left untagged.

    British papers open a lede with the name in capitals and an apposition: "DAME
    HELEN STROUD, chair of the harbour board, said …". The small model rarely tags
    such a run. A run of two or more words in capitals opening a paragraph is a
    person's name when an honorific leads it ("DAME", "CLLR", "SIR"), or when a comma
    follows it and one of its words is written in mixed case elsewhere in the document
    as part of a name the model tagged as a person's. Returns (first token, name start,
    name end, honorific) for each.
    """
    person_words = {t.text.lower() for e in doc.ents if e.label_ == "PERSON" for t in e}
    found: list[tuple[int, int, int, str | None]] = []
    for first in _paragraph_starts(doc):
        end = first
        while end < len(doc) and end not in taken and _shouted(doc[end].text) and doc[end].is_alpha:
            end += 1
        if end - first < 2 or end - first > 4 or end >= len(doc):
            continue
        spelled = _honorific(doc[first].text, onto)
        start = first + 1 if spelled else first
        if end - start < 1 or (spelled is None and end - start < 2):
            continue
        followed = doc[end].text == "," or doc[end].is_lower
        known = any(doc[k].lower_ in person_words for k in range(start, end))
        if (spelled is not None and followed) or (doc[end].text == "," and known):
            found.append((first, start, end, spelled))
    return found


def _honorific(word: str, onto: Ontology) -> str | None:
    """The honorific a word in capitals spells ("DAME" is Dame), or None."""
    text = word.title()
    return text if text in onto.honorifics or text + "." in onto.honorifics else None


def _paragraph_starts(doc: Doc) -> list[int]:
    """The first token of the document and of each paragraph after a blank line."""
    starts = [0] if len(doc) and not doc[0].is_space else []
    starts += [t.i + 1 for t in doc if t.is_space and "\n\n" in t.text and t.i + 1 < len(doc)]
    return starts


_LABELS: dict[int, tuple[object, str]] = {}


def _joined(labels: Mapping[str, str]) -> str:
    """The ontology's party labels in one string (made once per ontology), so that a
    span none of them contains is let go with one search."""
    found = _LABELS.get(id(labels))
    if found is None or found[0] is not labels:
        found = _LABELS[id(labels)] = (labels, "\n".join(labels))
    return found[1]


def longest_party(span: Span, key: str, onto: Ontology) -> tuple[Span, str]:
    """The longest party label the words around a tagged span spell.

    The model often tags only part of a label ("Democrat" in "Liberal Democrat group
    leader"), and the part may be another party's label: the longer phrase wins.
    """
    if key not in _joined(onto.parties):
        return span, key  # no party label has these words in it: nothing to widen to
    doc = span.doc
    for before in (2, 1, 0):
        for after in (2, 1, 0):
            start, end = span.start - before, span.end + after
            if (before or after) and start >= 0 and end <= len(doc):
                wider = doc[start:end]
                if any(t.is_space or t.is_punct for t in wider):
                    continue  # a label's words are words: never "\n\nLabour"
                wider_key = name_key(wider.text)
                if wider_key in onto.parties:
                    return wider, wider_key
    return span, key


ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "&", "de", "la"})
"""Words an organisation's initials leave out (Bank of England is BE, not BOE)."""


def initials(name: str) -> str:
    """The initials of a name, in capitals: "Eldridge Pope" is EP."""
    return "".join(
        w[0] for w in name.split() if w.lower() not in ACRONYM_SKIP and w[:1].isalpha()
    ).upper()


def initialisms(doc: Doc, mentions: list[Mention], taken: set[int]) -> list[int]:
    """Untagged words in capitals that are the initials of an organisation named in the
    document ("Eldridge Pope … EP directors"): papers shorten a long name so after
    using it once, and the model seldom tags the short form."""
    orgs = {
        initials(m.name) for m in mentions if m.cls == "Organization" and len(m.name.split()) > 1
    }
    orgs.discard("")
    if not orgs:
        return []
    return [
        t.i
        for t in doc
        if t.i not in taken
        and 2 <= len(t.text) <= 5
        and t.is_upper
        and t.is_alpha
        and t.text in orgs
    ]


def _shouted(word: str) -> bool:
    return sum(c.isalpha() for c in word) >= 2 and word.isupper()


def in_mixed_case(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Names set in capitals (a headline, a lede's first words) named in the document's case.

    The rule, for a name whose words are all in capitals ("SIR ALAN PRYCE" is already
    "ALAN PRYCE" here, "PRYCE", "BVT CAPITAL"): each word takes the spelling the
    document gives it elsewhere in mixed case ("Pryce"); a word with no such spelling
    is title-cased when it is a person's or the name has two or more words and the
    word is longer than an acronym, and kept as written otherwise ("BVT", "NATO").
    Only the name changes: the mention's text and offsets are the capitals on the page.
    """
    shouting = [i for i, m in enumerate(mentions) if all(_shouted(w) for w in m.name.split())]
    if not shouting:
        return mentions
    text = _text(doc)
    cased: dict[str, str] = {}
    for word in {w.lower() for i in shouting for w in mentions[i].name.split()}:
        pattern = rf"(?<!\w){re.escape(word)}(?!\w)"
        for match in re.finditer(pattern, text, re.IGNORECASE):
            written = match.group()
            if not written.isupper() and not written.islower():
                cased[word] = written  # the first mixed-case spelling in the document
                break
    out = list(mentions)
    for i in shouting:
        mention = out[i]
        words = mention.name.split()
        many = len(words) > 1
        person = mention.cls == "Person"  # a person's name is never an acronym
        name = " ".join(
            cased.get(w.lower(), w.title() if person or (many and len(w) > _ACRONYM) else w)
            for w in words
        )
        if name != mention.name:
            out[i] = replace(mention, name=name)
    return out
