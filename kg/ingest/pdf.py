"""PDF files → text with pypdf (the optional extra ``kg[pdf]``).

pypdf gives each page's text line by line, as the page lays it out. kg joins the
lines of a paragraph back into one (a line that does not end a sentence runs on
into the next, and a word hyphenated across two lines is joined) and puts a blank
line between pages, so a sentence broken by the layout is one sentence again. Title,
author and creation date come from the document information dictionary.
"""

from __future__ import annotations

import io
import re

from kg.ingest.article import Article, quiet_logs
from kg.ingest.text import Skip

__all__ = ["PDF_EXTRA", "pdf_available", "read_pdf"]

PDF_EXTRA = "reading PDF needs pypdf: pip install 'kg[pdf]'"

#: A PDF date: D:YYYYMMDDHHmmSS and a time zone, any tail optional.
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")
#: A word hyphenated across two lines.
_HYPHENATED = re.compile(r"(?<=[a-z])-\n(?=[a-z])")
#: What ends a line that ends its paragraph: the end of a sentence or a quotation.
_ENDS = (".", "!", "?", ":", ";", '"', "'", "”", "’")
#: A line at least this share of the page's longest line was wrapped by the layout.
_FULL_LINE = 0.6


def pdf_available() -> bool:
    """Whether the ``pdf`` extra is installed."""
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return False
    return True


def read_pdf(data: bytes) -> Article:
    """The text and metadata of a PDF; :class:`Skip` with one line when there is none."""
    try:
        import pypdf
        from pypdf.errors import PyPdfError
    except ImportError:
        raise Skip(PDF_EXTRA) from None
    try:
        with quiet_logs("pypdf"):
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise Skip("encrypted PDF; kg cannot read it without the password")
            pages = [page.extract_text() or "" for page in reader.pages]
            info = reader.metadata
    except Skip:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as err:
        reason = " ".join(str(err).split()) or type(err).__name__
        raise Skip(f"not a readable PDF: {reason}") from None
    text = "\n\n".join(_paragraphs(page) for page in pages if page.strip())
    if not text.strip():
        raise Skip("PDF with no text layer (a scan?); kg reads text, not images")
    return Article(
        text=text,
        title=_field(info, "/Title"),
        author=_field(info, "/Author"),
        date=_date(_field(info, "/CreationDate")),
    )


def _paragraphs(page: str) -> str:
    """A page's lines, with the breaks the layout made inside a paragraph joined.

    A line runs on into the next when it fills most of the measure (at least
    ``_FULL_LINE`` of the longest line on the page) and does not end a sentence: the
    layout wrapped it. A short line (a headline, a byline) or a finished sentence
    ends its paragraph.

    >>> _paragraphs("Fees\\nThe harbour board met on Tuesday and\\nagreed to sell a quay.\\nNo.")
    'Fees\\nThe harbour board met on Tuesday and agreed to sell a quay.\\nNo.'
    >>> _paragraphs("the board said a well-\\nknown firm had bid")
    'the board said a well-known firm had bid'
    """
    page = _HYPHENATED.sub("-", page.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.strip() for line in page.split("\n")]
    width = max((len(line) for line in lines), default=0)
    text, previous = "", None
    for line in lines:
        if not line:  # a blank line ends the paragraph
            previous = None
            continue
        if previous is None:
            join = "\n" if text else ""
        elif len(previous) >= _FULL_LINE * width and not previous.endswith(_ENDS):
            join = " "
        else:
            join = "\n"
        text += join + line
        previous = line
    return text


def _field(info: object, key: str) -> str | None:
    if info is None:
        return None
    try:
        value = info.get(key)  # type: ignore[attr-defined]
    except Exception:  # a malformed information dictionary: no metadata, not no document
        return None
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _date(value: str | None) -> str | None:
    """``D:20250411093000+01'00'`` → ``2025-04-11``.

    >>> _date("D:20250411093000+01'00'"), _date("D:2025"), _date("yesterday")
    ('2025-04-11', '2025', None)
    """
    if value is None or (match := _PDF_DATE.match(value)) is None:
        return None
    return "-".join(part for part in match.groups() if part)
