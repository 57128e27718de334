"""How names are written: capitals in headlines and ledes, and short forms of long names.

Two rules of news English over a document's mentions, after they are found
(:func:`kg.extract.mentions.find_mentions` calls both):

* :func:`short_forms`: "Millford food bank" is "Millford Community Food Bank".
* :func:`in_mixed_case`: "SIR ALAN PRYCE" in a lede is named "Alan Pryce".

and one over the model's tags: :func:`is_portfolio`, "Transport" in "Transport
Secretary" is no organisation.

A mention keeps its offsets and its text as written; only its name, the entity's
label, is changed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from kg.extract.mentions import Mention
    from kg.ontology.schema import Ontology

__all__ = ["in_mixed_case", "is_portfolio", "short_forms"]


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
