"""Web archives (WARC, WARC.gz) → one document per HTML page, with warcio (``kg[warc]``).

A crawl keeps every HTTP response it fetched. Each HTML response (status 200, a
``text/html`` or ``application/xhtml+xml`` body) becomes a document whose id is the
archive's id and the page's address, whose date is the crawl's unless the page
gives one, and whose text is the article the page holds (as for a saved web page).
Requests, metadata records, redirects, images and scripts are not documents and are
passed over without a word; an HTML page that cannot be read is one problem line
naming the archive and the address.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator

from kg.ingest.article import Article
from kg.ingest.documents import Document, InputProblem
from kg.ingest.text import Skip

__all__ = ["WARC_EXTRA", "is_warc", "read_warc", "warc_available"]

WARC_EXTRA = "reading web archives needs warcio: pip install 'kg[warc]'"

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def is_warc(name: str) -> bool:
    """Whether a file name is a web archive's.

    >>> is_warc("crawl.warc.gz"), is_warc("CRAWL.WARC"), is_warc("notes.gz")
    (True, True, False)
    """
    lower = name.lower()
    return lower.endswith((".warc", ".warc.gz"))


def warc_available() -> bool:
    """Whether the ``warc`` extra is installed."""
    try:
        import warcio  # noqa: F401
    except ImportError:
        return False
    return True


def read_warc(
    data: bytes,
    path: str,
    base_id: str,
    report: Callable[[InputProblem], None],
    page: Callable[[str, str], Article],
) -> Iterator[tuple[str, Document]]:
    """``(source, document)`` for each HTML response in the archive ``data``.

    ``page(html, source)`` reads one page the way a saved web page is read, raising
    :class:`Skip` when it holds no text.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        raise Skip(WARC_EXTRA) from None
    pages = records = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if not str(record.format).startswith("warc"):
                continue  # warcio reads a line of any text as an old ARC record
            records += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode()
            content_type = record.http_headers.get_header("Content-Type") or ""
            if status != "200" or not content_type.lower().startswith(_HTML_TYPES):
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or f"record {pages + 1}"
            source = f"{path}: {uri}"
            body = record.content_stream().read()
            pages += 1
            try:
                article = page(_decode(body, content_type), source)
            except Skip as skip:
                report(InputProblem(source, str(skip)))
                continue
            crawled = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
            yield (
                source,
                Document(
                    id=f"{base_id}#{uri}",
                    text=article.text,
                    title=article.title,
                    author=article.author,
                    date=article.date or crawled,
                    url=uri if "://" in uri else article.url,
                ),
            )
    except ArchiveLoadFailed as err:
        raise Skip(f"not a readable web archive: {' '.join(str(err).split())}") from None
    if records == 0:
        raise Skip("not a web archive: no WARC records in it")
    if pages == 0:
        raise Skip("web archive with no HTML pages")


def _decode(body: bytes, content_type: str) -> str:
    """A page's bytes as text: the charset its header names, else UTF-8."""
    match = _CHARSET.search(content_type)
    encoding = match.group(1) if match else "utf-8"
    try:
        return body.decode(encoding)
    except LookupError:
        raise Skip(f"unknown character set {encoding!r}") from None
    except UnicodeDecodeError as err:
        raise Skip(
            f"not valid {encoding} (byte 0x{body[err.start]:02x} at offset {err.start})"
        ) from None
