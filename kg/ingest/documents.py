"""Inputs → Documents: the first arrow of the pipeline.

Files (``.txt``, ``.md``/``.markdown``, ``.html``/``.htm``, ``.jsonl``), directories of
them, and ``-`` for standard input all become :class:`Document` objects. Every
character offset the rest of kg records points into :attr:`Document.text`, so that
text is exactly what gets processed: Markdown markers and HTML markup are removed
*here*, once, and nothing downstream rewrites the text again.

Bad input never stops the corpus. A file that cannot be used is skipped and
described by an :class:`InputProblem`, handed to ``on_problem`` (by default logged
on the ``"kg"`` logger); only a named input that does not exist at all raises
:class:`~kg.errors.InputError`, because that is almost always a typo the user wants
to hear about before any work is done.

The readers (:mod:`kg.ingest.read` and one module per format) make these; this
module holds only what every later stage sees of an input.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kg.ingest.text import first_surrogate, normalise_newlines, one_line, without_surrogates

__all__ = [
    "Document",
    "InputProblem",
    "document_from_text",
    "document_problem",
    "report_problem",
]

logger = logging.getLogger("kg")


@dataclass(frozen=True, slots=True)
class Document:
    """One unit of text with the metadata that ends up on its ``kg:Document`` node.

    ``id`` becomes ``dcterms:identifier``; it is what a user recognises (a path or
    a JSONL id), so it is kept readable rather than hashed here. ``title``,
    ``date``, ``url`` and ``author`` (``dcterms:creator``) are what the input says
    of itself: a web page's metadata, a PDF's information dictionary, JSONL fields.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class InputProblem:
    """Why one input (or one JSONL line) was skipped or partly ignored.

    ``source`` is the path as the user can find it, with ``:LINE`` for JSONL, so
    the one-line message can be acted on without a traceback.

    >>> str(InputProblem("notes/a.txt", "empty document"))
    'notes/a.txt: empty document'
    >>> print(InputProblem("two\\nlines\\u202e.txt", "empty document"))
    two\\nlines\\u202e.txt: empty document
    """

    source: str
    message: str

    def __str__(self) -> str:
        # File names may hold newlines, terminal escapes and bidi overrides; the line
        # shows them escaped, so one problem is always one honest line.
        return one_line(f"{self.source}: {self.message}")


def document_problem(document: Document) -> InputProblem | None:
    """Why a ready-made :class:`Document` cannot be built, or None.

    A lone surrogate in any of its strings could never be written out as UTF-8;
    finding that before the build beats failing after it.

    >>> document_problem(Document("a", "fine")) is None
    True
    >>> print(document_problem(Document("a", "bad " + chr(0xD800))))
    a: 'text' is not valid Unicode (unpaired surrogate \ud800)
    """
    for name in ("text", "id", "title", "date", "url", "author"):
        value = getattr(document, name)
        if isinstance(value, str) and (char := first_surrogate(value)) is not None:
            return InputProblem(
                without_surrogates(document.id),
                f"'{name}' is not valid Unicode (unpaired surrogate {char})",
            )
    return None


def report_problem(problem: InputProblem) -> None:
    """The default ``on_problem``: a library must not print, but must not hide either."""
    logger.warning("%s", problem)


def document_from_text(text: str, id: str = "text") -> Document:
    """Wrap a string for the Python API, treated exactly like standard input.

    Newlines are normalised as for files, so ``kg.build(text)`` and building from
    a file holding the same text give the same offsets.

    >>> document_from_text("Line one.\\r\\nLine two.")
    Document(id='text', text='Line one.\\nLine two.', title=None, date=None, url=None, author=None)
    """
    return Document(id=id, text=normalise_newlines(text))
