"""Direct quotes and who said them.

Finding quotes is plain text work (:mod:`kg.extract.quotemarks`): double and single
marks, curly and straight, the outermost pair of a paragraph with any nested pair
inside it, and single marks told apart from apostrophes. A quote left open at the end
of a paragraph goes on in the next paragraph if that one opens with a quotation mark
(the news convention for a quote over several paragraphs), and all its paragraphs
make one quote.

Attributing them uses the parse. In order:

1. A speech verb from the ontology (``kg:speaker kg:verbHint``: say, add, tell, …)
   outside the quote, in the same paragraph, nearest the quote: its subject is the
   speaker ("He said: “…”", "“…,” said Mr Finch.", "Sir Bob said he was … “…”").
   The subject may be a name, a pronoun (see :mod:`kg.extract.entities`) or an unnamed
   spokesperson of a named organisation ("A spokesman for County Hall said"), who
   is recorded as a description and speaks for that organisation.
2. Else, a paragraph that is only quotation continues the speaker of the quote in
   the paragraph before it.

The quoted words keep no trailing comma ("…arrived,’ said X." gives "…arrived").
A quote of one word is a scare quote (“cosy”), and so is one of two words that no
speech verb reports (“X said the letter was ‘deeply misleading’” reports two words
of X's) or one of fewer than four words with no speech verb; none is reported.
Quotes that no rule attributes are left out.

>>> find_quotations('He said: “We will win.”\\n\\nShe called it “cosy” once.')
[(10, 22), (40, 44)]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.extract.entities import Entity, LinkedDoc
from kg.extract.mentions import doc_text
from kg.extract.quotemarks import OPENING_MARKS, paragraph_quotations
from kg.ontology.schema import Ontology, load_ontology

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["EXTRACTOR", "Quote", "extract_quotes", "find_quotations"]

EXTRACTOR = "kg.quotes.v1"
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_CLOSE = "”"
_MIN_WORDS = 4
_MIN_SHORT = 3
_FIRST_CHARACTER = re.compile(r"\S")


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote: the quoted words, their span, the speaker and the attribution evidence."""

    text: str
    start: int
    end: int
    speaker: Entity | None
    speaker_description: str | None
    evidence_start: int
    evidence_end: int
    sentence_start: int
    sentence_end: int
    confidence: float
    extractor: str = EXTRACTOR


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in _PARAGRAPH.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def find_quotations(text: str) -> list[tuple[int, int]]:
    """Character spans of every quotation (inner text), joining continued paragraphs."""
    quotes: list[tuple[int, int]] = []
    open_start: int | None = None
    paragraphs = _paragraphs(text)
    for n, (p_start, p_end) in enumerate(paragraphs):
        continued = n + 1 < len(paragraphs) and text[paragraphs[n + 1][0]] in OPENING_MARKS
        segments = paragraph_quotations(text, p_start, p_end, continued=continued)
        if open_start is not None:
            if segments and segments[0][0] == p_start + 1:
                _, first_end, closed = segments[0]
                if closed:
                    quotes.append((open_start, first_end))
                    open_start = None
                    segments = segments[1:]
                else:
                    continue  # the whole paragraph continues the quote
            else:
                quotes.append((open_start, _rstrip(text, p_start)))
                open_start = None
        for s, e, closed in segments:
            if closed:
                quotes.append((s, e))
            else:
                open_start = s
    if open_start is not None:
        quotes.append((open_start, _rstrip(text, len(text))))
    return [(s, e) for s, e in quotes if text[s:e].strip()]


def _rstrip(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _clean(text: str) -> str:
    """The quoted words: paragraph breaks kept, continuation marks dropped."""
    parts = [
        p.strip().lstrip(OPENING_MARKS).rstrip(_CLOSE + "’\"'").strip()
        for p in _PARAGRAPH.split(text)
    ]
    return "\n\n".join(p for p in parts if p).rstrip(",")  # "…arrived,” said X."


def _speaker(linked: LinkedDoc, verb: Token, onto: Ontology) -> tuple[Entity | None, str | None]:
    for child in verb.children:
        if child.dep_ not in ("nsubj", "nsubjpass") or linked.is_quoted(child.idx):
            continue  # a subject inside the quote is a misparse of the quoted words
        entity = linked.entity_for(child)
        if entity is not None:
            return entity, None
        # "A spokesman for County Hall": an unnamed person speaking for an organisation.
        if onto.role_predicate(child.lemma_) is not None or child.pos_ == "NOUN":
            description = linked.doc[child.left_edge.i : child.right_edge.i + 1].text
            for prep in child.children:
                # "an Acme spokesman", "Acme's spokeswoman": the organisation before the noun.
                org = linked.entity_for(prep) if prep.dep_ in ("compound", "poss") else None
                if org is not None and org.cls != "Person" and onto.is_subclass(org.cls, "Agent"):
                    return org, description
                if prep.dep_ == "prep" and prep.lower_ in ("for", "of", "at"):
                    for obj in prep.children:
                        org = linked.entity_for(obj)
                        if obj.dep_ == "pobj" and org is not None and org.cls != "Person":
                            return org, description
            return None, description
    # "…, according to Ann Lee": a subjectless speech verb whose object names the speaker.
    after = onto.speech_preps.get(verb.lemma_.lower())
    for child in verb.children if after is not None else ():
        if child.dep_ == "prep" and child.lower_ == after:
            for obj in child.children:
                entity = linked.entity_for(obj) if obj.dep_ == "pobj" else None
                if entity is not None and onto.is_subclass(entity.cls, "Agent"):
                    return entity, None
    return None, None


class _Verbs:
    """The speech verbs outside quotes, by paragraph and position: what a quote looks up.

    Every quote asks for the verb nearest it in its paragraph that names a speaker;
    the verbs of a paragraph are found by bisection, the verbs that name no one are
    set aside once per paragraph, and the rest are walked outwards from the quote,
    so a paragraph of many quotes is not read once for each.
    """

    def __init__(self, linked: LinkedDoc, onto: Ontology) -> None:
        self.linked = linked
        self.onto = onto
        self.verbs = [
            t
            for t in linked.tokens
            if t.lemma_.lower() in onto.speech_verbs
            and t.pos_ in ("VERB", "AUX")
            and not linked.is_quoted(t.idx)
        ]
        self.idx = [v.idx for v in self.verbs]
        self._verb_at = {v.i for v in self.verbs}
        self._speakers: dict[int, tuple[Entity | None, str | None]] = {}
        self._useful: dict[tuple[int, int], tuple[list[int], list[Token]]] = {}

    def speaker(self, verb: Token) -> tuple[Entity | None, str | None]:
        found = self._speakers.get(verb.i)
        if found is None:
            found = self._speakers[verb.i] = _speaker(self.linked, verb, self.onto)
        return found

    def reporting(
        self, doc: Doc, start: int, end: int
    ) -> tuple[Token, Entity | None, str | None] | None:
        """The speech verb that governs the quote [start, end) and names a speaker:
        "said the letter was 'deeply misleading'"."""
        span = doc.char_span(start, end, alignment_mode="expand")
        for ancestor in span.root.ancestors if span is not None else ():
            found = self.speaker(ancestor) if ancestor.i in self._verb_at else (None, None)
            if any(x is not None for x in found):
                return (ancestor, *found)
        return None

    def nearest(
        self, p_start: int, p_end: int, start: int, end: int
    ) -> tuple[Token, Entity | None, str | None] | None:
        """The verb in [p_start, p_end) nearest the quote [start, end) that names a speaker.

        Nearest by ``min(|idx - start|, |idx - end|)``, the earlier on a tie.
        """
        key = (p_start, p_end)
        useful = self._useful.get(key)
        if useful is None:
            lo, hi = bisect_left(self.idx, p_start), bisect_left(self.idx, p_end)
            verbs = [v for v in self.verbs[lo:hi] if any(x is not None for x in self.speaker(v))]
            useful = self._useful[key] = ([v.idx for v in verbs], verbs)
        idx, verbs = useful
        if not verbs:
            return None
        left = bisect_left(idx, start)
        right = bisect_right(idx, end)
        if left < right:  # a verb inside the quote's span: rank them all
            best = min(
                range(len(verbs)), key=lambda i: (min(abs(idx[i] - start), abs(idx[i] - end)), i)
            )
        elif left == 0:
            best = right
        elif right == len(verbs):
            best = left - 1
        else:  # the nearest before the quote, or the nearest after it
            best = left - 1 if start - idx[left - 1] <= idx[right] - end else right
        verb = verbs[best]
        return (verb, *self.speaker(verb))


def _containing(starts: list[int], ends: list[int], char: int, *, closed: bool) -> int:
    """Index of the paragraph that holds ``char`` (its end counted in), or -1."""
    i = bisect_right(starts, char) - 1
    if i >= 0 and (char <= ends[i] if closed else char < ends[i] + 1):
        return i
    return -1


def extract_quotes(linked: LinkedDoc, ontology: Ontology | None = None) -> Iterator[Quote]:
    """Attribute every quotation of the document (see the module docstring)."""
    onto = ontology or load_ontology()
    doc = linked.doc
    text = doc_text(doc)
    paragraphs = _paragraphs(text)
    p_starts = [s for s, _e in paragraphs]
    p_ends = [e for _s, e in paragraphs]
    quoted = list(linked.quoted) if linked.quoted else find_quotations(text)
    verbs = _Verbs(linked, onto)
    only_quote: dict[tuple[int, int], bool] = {}
    previous: tuple[int, Entity | None, str | None] | None = (
        None  # (paragraph, speaker, description)
    )
    for start, end in quoted:
        para = _containing(p_starts, p_ends, start, closed=False)
        p_start, p_end = paragraphs[para] if para >= 0 else (start, end)
        words = len(text[start:end].split())
        if words < 2:
            continue  # a scare quote ("cosy"), never a statement
        speaker: Entity | None = None
        description: str | None = None
        confidence = 0.9
        verb = None
        if words < _MIN_SHORT:
            # Two words are a quote only as part of what a speech verb reports.
            found = verbs.reporting(doc, start, end)
            if found is None:
                continue
        else:
            found = verbs.nearest(p_start, p_end, start, end)
        if found is not None:
            verb, speaker, description = found
        if verb is None:
            if words < _MIN_WORDS:
                continue
            if (p_start, p_end) not in only_quote:  # the paragraph opens with a quote mark
                first = _FIRST_CHARACTER.search(text, p_start, p_end)
                only_quote[p_start, p_end] = first is not None and first.group() in OPENING_MARKS
            if previous is not None and only_quote[p_start, p_end] and previous[0] == para - 1:
                _, speaker, description = previous
                confidence = 0.8
            else:
                continue
        if speaker is None and description is None:
            continue
        last_para = _containing(p_starts, p_ends, end, closed=True)
        previous = (last_para if last_para >= 0 else para, speaker, description)
        if verb is not None:
            ev_start, ev_end = min(verb.idx, start - 1), max(verb.idx + len(verb.text), end + 1)
            sent = verb.sent
        else:
            ev_start, ev_end = start - 1, min(len(text), end + 1)
            span = doc.char_span(start, end, alignment_mode="expand")
            sent = span.sent if span is not None else doc[:].sent
        ev_start, ev_end = max(0, ev_start), min(len(text), ev_end)
        yield Quote(
            text=_clean(text[start:end]),
            start=start,
            end=end,
            speaker=speaker,
            speaker_description=description,
            evidence_start=ev_start,
            evidence_end=ev_end,
            sentence_start=sent.start_char,
            sentence_end=sent.end_char,
            confidence=confidence if speaker is not None else 0.5,
        )
