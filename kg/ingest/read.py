"""Read the inputs a user names: files, directories walked in a fixed order, ``-`` for
standard input; each file goes to the reader for its format.

>>> import io
>>> [d.text for d in read_documents(["-"], stdin=io.StringIO("Bob wrote to Alice."))]
['Bob wrote to Alice.']
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePath
from typing import TextIO

from kg.errors import InputError
from kg.ingest.article import Article, read_web_page
from kg.ingest.documents import Document, InputProblem, report_problem
from kg.ingest.html_guard import _HTML_SUFFIXES
from kg.ingest.jsonl import read_jsonl
from kg.ingest.markdown import from_markdown
from kg.ingest.pdf import pdf_available, read_pdf
from kg.ingest.text import (
    STRAY_NULS,
    Skip,
    decode,
    drop_stray_nuls,
    normalise_newlines,
    not_utf8,
    nul_message,
    one_line,
    require_text,
    without_surrogates,
)
from kg.ingest.warc import is_warc, read_warc, warc_available

__all__ = ["check_inputs", "read_documents"]

#: Extensions picked up when walking a directory (a file named directly is read
#: whatever its extension, as plain text unless it is one of these).
_TEXT_SUFFIXES = frozenset({".txt"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_JSONL_SUFFIXES = frozenset({".jsonl"})
_DIRECTORY_SUFFIXES = _TEXT_SUFFIXES | _MARKDOWN_SUFFIXES | _HTML_SUFFIXES | _JSONL_SUFFIXES
#: Read, in a directory too, when their optional extra is installed.
_PDF_SUFFIX = ".pdf"
#: Formats kg does not read, named with a clear line rather than read as text.
_WORD_SUFFIXES = frozenset({".docx", ".doc", ".odt"})

_STDIN = "-"
_STDIN_ID = "stdin"
_STDIN_SOURCE = "<stdin>"


def check_inputs(inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Fail fast on a mistyped path, before any (slow) processing starts.

    ``-`` is standard input and always exists; a file literally named ``-`` can
    be given as ``./-``.

    >>> check_inputs(["-"])
    >>> check_inputs(["no/such/file.txt"])
    Traceback (most recent call last):
    ...
    kg.errors.InputError: no/such/file.txt: no such file or directory
    """
    for item in _as_list(inputs):
        name = os.fspath(item)
        if name != _STDIN and not os.path.exists(name):
            raise InputError(one_line(f"{name}: no such file or directory"))


def read_documents(
    inputs: Iterable[str | os.PathLike[str]],
    *,
    on_problem: Callable[[InputProblem], None] | None = None,
    stdin: TextIO | None = None,
) -> Iterator[Document]:
    """Yield a :class:`Document` for every usable input, in a deterministic order.

    Inputs are read in the order given; a directory is walked recursively in
    sorted order of relative POSIX path, taking only files with a known extension
    and skipping hidden files and directories. Directory symlinks are followed,
    but a directory already visited is not visited again (so a link cycle ends).

    This is a plain function returning a generator, not a generator itself, so
    that a missing input raises :class:`~kg.errors.InputError` at the call, not at
    the first ``next()``. A single path (rather than a list) is accepted too,
    since iterating a string character by character is never what was meant.

    Every ``Document.text`` has ``\\r\\n`` and ``\\r`` turned into ``\\n`` and a
    UTF-8 byte-order mark removed, so the same file checked out on Windows or
    Unix gives the same offsets and the same graph. Nothing else is changed in
    ``.txt`` files, JSONL texts and standard input.

    A document whose id was already used is skipped with a problem: two documents
    sharing an id would merge into one ``kg:Document`` downstream.

    >>> import io
    >>> problems = []
    >>> docs = read_documents(["-"], stdin=io.StringIO("  \\n"), on_problem=problems.append)
    >>> list(docs), [str(p) for p in problems]
    ([], ['<stdin>: empty document'])
    """
    names = _as_list(inputs)
    check_inputs(names)
    report = on_problem if on_problem is not None else report_problem
    return _read_all(names, report, stdin)


def _as_list(inputs: Iterable[str | os.PathLike[str]]) -> list[str | os.PathLike[str]]:
    if isinstance(inputs, str | os.PathLike):
        return [inputs]
    return list(inputs)


def _read_all(
    names: list[str | os.PathLike[str]],
    report: Callable[[InputProblem], None],
    stdin: TextIO | None,
) -> Iterator[Document]:
    seen: dict[str, str] = {}
    for item in names:
        for source, doc in _read_input(os.fspath(item), report, stdin):
            if doc.id in seen:
                message = f"duplicate document id {doc.id!r} (also {seen[doc.id]}); skipped"
                report(InputProblem(source, message))
                continue
            seen[doc.id] = source
            yield doc


def _read_input(
    name: str, report: Callable[[InputProblem], None], stdin: TextIO | None
) -> Iterator[tuple[str, Document]]:
    """Yield ``(source, document)`` for one command-line input."""
    if name == _STDIN:
        try:
            text, nuls = _read_stdin(stdin)
        except Skip as skip:
            report(InputProblem(_STDIN_SOURCE, str(skip)))
        else:
            if nuls:
                report(InputProblem(_STDIN_SOURCE, nul_message(nuls)))
            yield _STDIN_SOURCE, Document(id=_STDIN_ID, text=text)
        return
    if os.path.isdir(name):
        for path, rel in _walk(name, report):
            yield from _read_file(path, rel, report)
    else:
        yield from _read_file(name, name, report)


def _walk(top: str, report: Callable[[InputProblem], None]) -> list[tuple[str, str]]:
    """List ``(path, relative POSIX path)`` of the usable files under ``top``, sorted.

    The files kg does not read (hidden ones apart) are counted by extension and named
    in one problem line, so that nothing is left out without a word.
    """
    found: list[tuple[str, str]] = []
    visited: set[tuple[int, int]] = set()
    skipped: dict[str, int] = {}

    def on_error(err: OSError) -> None:
        report(InputProblem(err.filename or top, f"cannot read directory: {_reason(err)}"))

    for dirpath, dirnames, filenames in os.walk(top, onerror=on_error, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError as err:
            on_error(err)
            dirnames.clear()
            continue
        if (st.st_dev, st.st_ino) in visited:
            dirnames.clear()
            continue
        visited.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in filenames:
            if filename.startswith("."):
                continue
            unread = _unread_kind(filename)
            if unread is not None:
                skipped[unread] = skipped.get(unread, 0) + 1
                continue
            path = os.path.join(dirpath, filename)
            found.append((path, PurePath(os.path.relpath(path, top)).as_posix()))
    found.sort(key=lambda pair: pair[1])
    if skipped:
        total = sum(skipped.values())
        kinds = sorted(skipped.items(), key=lambda item: (item[0].startswith("without"), item[0]))
        counted = ", ".join(f"{count} {kind}" for kind, count in kinds)
        plural = "" if total == 1 else "s"
        report(InputProblem(top, f"skipped {total} file{plural} kg does not read: {counted}"))
    return found


def _unread_kind(filename: str) -> str | None:
    """None for a file a directory walk reads, else what to call it in the skipped count.

    >>> _unread_kind("a.txt") is None, _unread_kind("figures.CSV"), _unread_kind("README")
    (True, '.csv', 'without extension')
    """
    suffix = _suffix(filename)
    if suffix in _DIRECTORY_SUFFIXES:
        return None
    if suffix == _PDF_SUFFIX:
        return None if pdf_available() else ".pdf (needs kg[pdf])"
    if is_warc(filename):
        return None if warc_available() else f"{suffix} (needs kg[warc])"
    return suffix or "without extension"


def _read_file(
    path: str, doc_id: str, report: Callable[[InputProblem], None]
) -> Iterator[tuple[str, Document]]:
    # A name that is not UTF-8 reaches Python with its bytes as lone surrogates
    # (PEP 383); as an id they would make the graph impossible to write. Said
    # once, and only if the file gives a document at all.
    readable = without_surrogates(doc_id)
    renamed = readable != doc_id
    for source, doc in _read_contents(path, readable, report):
        if renamed:
            report(InputProblem(path, f"file name is not valid UTF-8; document id: {readable}"))
            renamed = False
        yield source, doc


def _read_contents(
    path: str, doc_id: str, report: Callable[[InputProblem], None]
) -> Iterator[tuple[str, Document]]:
    nuls = 0
    try:
        suffix = _suffix(path)
        if suffix in _WORD_SUFFIXES:
            raise Skip(f"Word documents ({suffix}) are not supported; save it as text, HTML or PDF")
        data = _read_bytes(path)
        if suffix in _JSONL_SUFFIXES:
            yield from read_jsonl(data, path, doc_id, report)
            return
        if is_warc(path):
            yield from read_warc(data, path, doc_id, report, _archived_page)
            return
        if suffix == _PDF_SUFFIX:
            article = read_pdf(data)
        else:
            data, nuls = drop_stray_nuls(data)
            text = normalise_newlines(decode(data))
            if suffix in _MARKDOWN_SUFFIXES:
                text, title = from_markdown(text)
                article = Article(text, title)
            elif suffix in _HTML_SUFFIXES:
                article = read_web_page(text)
            else:
                article = Article(text)
        require_text(article.text)
    except Skip as skip:
        report(InputProblem(path, str(skip)))
        return
    if nuls:
        report(InputProblem(path, nul_message(nuls)))
    yield (
        path,
        Document(
            id=doc_id,
            text=article.text,
            title=article.title,
            date=article.date,
            url=article.url,
            author=article.author,
        ),
    )


def _archived_page(html: str, source: str) -> Article:
    """One HTML page of a web archive, read as a saved page is."""
    article = read_web_page(html)
    require_text(article.text)
    return article


def _read_bytes(path: str) -> bytes:
    """Read a regular file; anything else (FIFO, device, socket) would block or never end."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise Skip(f"cannot read: not a regular file ({_file_kind(st.st_mode)})")
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as err:
        raise Skip(f"cannot read: {_reason(err)}") from None


def _read_stdin(stream: TextIO | None) -> tuple[str, int]:
    """Standard input's text and how many stray NUL bytes were dropped from it."""
    if stream is None:
        if sys.stdin is None:
            raise Skip("cannot read: there is no standard input")
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is not None:
            # Read bytes so stdin gets the same UTF-8 and binary checks as files.
            data, nuls = drop_stray_nuls(buffer.read())
            text = normalise_newlines(decode(data))
            require_text(text)
            return text, nuls
        stream = sys.stdin
    try:
        text = stream.read()
    except UnicodeDecodeError as err:
        # err.start counts from the decoder's current chunk, not the stream: no offset.
        raise Skip(not_utf8(err.object[err.start])) from None
    except OSError as err:
        raise Skip(f"cannot read: {_reason(err)}") from None
    nuls = text.count("\0")
    if nuls > max(STRAY_NULS, len(text) // 100):
        raise Skip("binary data, not text")
    text = normalise_newlines(text.removeprefix("\ufeff").replace("\0", ""))
    require_text(text)
    return text, nuls


def _suffix(name: str) -> str:
    return PurePath(name).suffix.lower()


def _reason(err: OSError) -> str:
    """``[Errno 13] Permission denied: 'x'`` → ``permission denied``: the path is already shown."""
    return (err.strerror or type(err).__name__).lower()


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"
