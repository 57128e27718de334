"""Saved web pages → the article: its text, title, author and date, without the page.

A page saved from a news site is mostly not the article: navigation, a cookie
banner, share buttons, related links, a footer. Read as visible text, all of that
becomes entities ("Contact Us Subscribe" as a place) and relations across link
lists. trafilatura, a well-kept extractor of main text and metadata, finds the
article; its plain text, with paragraphs apart, is what kg stores and extracts
from, so every offset points into it. A page in which it finds no article (a
fragment, a page of links) is read as visible text, as before.

>>> page = ('<html><head><meta name="author" content="Ann Lee"></head><body>'
...         '<nav><a href="/">Home</a> <a href="/c">Contact Us</a></nav><article>'
...         '<h1>Ferry fares rise</h1><p>' + 'Fares on the island ferry rise in May. ' * 8 +
...         '</p></article><footer>Subscribe</footer></body></html>')
>>> article = from_web_page(page)
>>> article.title, article.author, "Contact Us" in article.text
('Ferry fares rise', 'Ann Lee', False)
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.ingest.html import from_html
from kg.ingest.html_guard import html_for_parser

__all__ = ["Article", "from_web_page", "quiet_logs", "read_web_page"]

_LINES = re.compile(r"[ \t]*\n[ \t\n]*")


@dataclass(frozen=True, slots=True)
class Article:
    """What a web page holds: the article's text (paragraphs apart) and what is known of it."""

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None


@contextlib.contextmanager
def quiet_logs(*names: str) -> Iterator[None]:
    """Silence a library's loggers for a moment: trafilatura logs an error for every
    page it finds no article in, pypdf a warning for every flaw it repairs. kg says
    what matters once, on its own logger."""
    logs = [logging.getLogger(name) for name in names]
    levels = [log.level for log in logs]
    for log in logs:
        log.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for log, level in zip(logs, levels, strict=True):
            log.setLevel(level)


def read_web_page(html: str, url: str | None = None) -> Article:
    """A saved page as kg reads it: the article when there is one, else the visible text.

    The page is first checked as every HTML input is (:func:`html_for_parser` raises
    :class:`~kg.ingest.text.Skip` for markup nested too deep to parse safely). An
    extractor that fails on odd markup costs the page its metadata, not its text.

    >>> read_web_page("<title>Note</title><p>Bob met Alice.</p>")
    Article(text='Bob met Alice.', title='Note', author=None, date=None, url=None)
    """
    html_for_parser(html)
    try:
        article = from_web_page(html, url)
    except Exception:  # lxml and the extractor raise many types on broken markup
        article = None
    if article is not None:
        return article
    text, title = from_html(html)
    return Article(text=text, title=title, url=url)


def from_web_page(html: str, url: str | None = None) -> Article | None:
    """The article of ``html``, or None when the page holds none that trafilatura finds.

    Paragraphs are separated by a blank line, as in kg's text files, so quotes that
    run over paragraphs and headlines read the same way whatever the input format.
    """
    import trafilatura

    with quiet_logs("trafilatura", "htmldate", "courlan", "justext"):
        found = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_precision=True,
            deduplicate=False,
        )
    if found is None:
        return None
    fields = found if isinstance(found, dict) else found.as_dict()
    body = fields.get("text")
    if not isinstance(body, str) or not body.strip():
        return None
    text = _LINES.sub("\n\n", body.replace("\r", "").replace("\xa0", " ")).strip()
    return Article(
        text=text,
        title=_clean(fields.get("title")),
        author=_clean(fields.get("author")),
        date=_clean(fields.get("date")),
        url=_clean(fields.get("url")) or url,
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None
