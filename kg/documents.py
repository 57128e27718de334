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

>>> import io
>>> [d.text for d in read_documents(["-"], stdin=io.StringIO("Bob wrote to Alice."))]
['Bob wrote to Alice.']
"""

from __future__ import annotations

import codecs
import json
import logging
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, TextIO

from kg.errors import InputError

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

__all__ = [
    "Document",
    "InputProblem",
    "check_inputs",
    "document_from_text",
    "read_documents",
]

logger = logging.getLogger("kg")

#: Extensions picked up when walking a directory (a file named directly is read
#: whatever its extension, as plain text unless it is one of these).
_TEXT_SUFFIXES = frozenset({".txt"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_HTML_SUFFIXES = frozenset({".html", ".htm"})
_JSONL_SUFFIXES = frozenset({".jsonl"})
_DIRECTORY_SUFFIXES = _TEXT_SUFFIXES | _MARKDOWN_SUFFIXES | _HTML_SUFFIXES | _JSONL_SUFFIXES

_STDIN = "-"
_STDIN_ID = "stdin"
_STDIN_SOURCE = "<stdin>"

#: How much of a file is sniffed for NUL bytes and control characters.
_SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class Document:
    """One unit of text with the metadata that ends up on its ``kg:Document`` node.

    ``id`` becomes ``dcterms:identifier``; it is what a user recognises (a path or
    a JSONL id), so it is kept readable rather than hashed here.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class InputProblem:
    """Why one input (or one JSONL line) was skipped or partly ignored.

    ``source`` is the path as the user can find it, with ``:LINE`` for JSONL, so
    the one-line message can be acted on without a traceback.

    >>> str(InputProblem("notes/a.txt", "empty document"))
    'notes/a.txt: empty document'
    """

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


class _Skip(Exception):
    """Raised inside a reader to skip the current file or line with a message."""


def _log_problem(problem: InputProblem) -> None:
    """Default ``on_problem``: a library must not print, but must not hide either."""
    logger.warning("%s", problem)


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
            raise InputError(f"{name}: no such file or directory")


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
    report = on_problem if on_problem is not None else _log_problem
    return _read_all(names, report, stdin)


def document_from_text(text: str, id: str = "text") -> Document:
    """Wrap a string for the Python API, treated exactly like standard input.

    Newlines are normalised as for files, so ``kg.build(text)`` and building from
    a file holding the same text give the same offsets.

    >>> document_from_text("Line one.\\r\\nLine two.")
    Document(id='text', text='Line one.\\nLine two.', title=None, date=None, url=None)
    """
    return Document(id=id, text=_normalise(text))


# --------------------------------------------------------------------------- reading


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
            text = _read_stdin(stdin)
        except _Skip as skip:
            report(InputProblem(_STDIN_SOURCE, str(skip)))
        else:
            yield _STDIN_SOURCE, Document(id=_STDIN_ID, text=text)
        return
    if os.path.isdir(name):
        for path, rel in _walk(name, report):
            yield from _read_file(path, rel, report)
    else:
        yield from _read_file(name, name, report)


def _walk(top: str, report: Callable[[InputProblem], None]) -> list[tuple[str, str]]:
    """List ``(path, relative POSIX path)`` of the usable files under ``top``, sorted."""
    found: list[tuple[str, str]] = []
    visited: set[tuple[int, int]] = set()

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
            if filename.startswith(".") or _suffix(filename) not in _DIRECTORY_SUFFIXES:
                continue
            path = os.path.join(dirpath, filename)
            found.append((path, PurePath(os.path.relpath(path, top)).as_posix()))
    found.sort(key=lambda pair: pair[1])
    return found


def _read_file(
    path: str, doc_id: str, report: Callable[[InputProblem], None]
) -> Iterator[tuple[str, Document]]:
    try:
        data = _read_bytes(path)
        suffix = _suffix(path)
        if suffix in _JSONL_SUFFIXES:
            yield from _read_jsonl(data, path, doc_id, report)
            return
        text = _normalise(_decode(data))
        title = None
        if suffix in _MARKDOWN_SUFFIXES:
            text, title = _from_markdown(text)
        elif suffix in _HTML_SUFFIXES:
            text, title = _from_html(text)
        _require_text(text)
    except _Skip as skip:
        report(InputProblem(path, str(skip)))
        return
    yield path, Document(id=doc_id, text=text, title=title)


def _read_bytes(path: str) -> bytes:
    """Read a regular file; anything else (FIFO, device, socket) would block or never end."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise _Skip(f"cannot read: not a regular file ({_file_kind(st.st_mode)})")
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as err:
        raise _Skip(f"cannot read: {_reason(err)}") from None


def _read_stdin(stream: TextIO | None) -> str:
    if stream is None:
        if sys.stdin is None:
            raise _Skip("cannot read: there is no standard input")
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is not None:
            # Read bytes so stdin gets the same UTF-8 and binary checks as files.
            text = _normalise(_decode(buffer.read()))
            _require_text(text)
            return text
        stream = sys.stdin
    try:
        text = stream.read()
    except UnicodeDecodeError as err:
        # err.start counts from the decoder's current chunk, not the stream: no offset.
        raise _Skip(_not_utf8(err.object[err.start])) from None
    except OSError as err:
        raise _Skip(f"cannot read: {_reason(err)}") from None
    if "\0" in text[:_SNIFF_BYTES]:
        raise _Skip("binary data, not text")
    text = _normalise(text.removeprefix("\ufeff"))
    _require_text(text)
    return text


def _read_jsonl(
    data: bytes, path: str, base_id: str, report: Callable[[InputProblem], None]
) -> Iterator[tuple[str, Document]]:
    """One document per line; a bad line is reported and the rest of the file goes on."""
    if b"\0" in data[:_SNIFF_BYTES]:
        raise _Skip(_binary_message(data))
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if not data[offset:].strip():
        raise _Skip("empty document")
    for lineno, raw in enumerate(data[offset:].split(b"\n"), start=1):
        source = f"{path}:{lineno}"
        try:
            if raw.strip():
                doc = _jsonl_document(raw, offset, f"{base_id}:{lineno}", source, report)
                yield source, doc
        except _Skip as skip:
            report(InputProblem(source, str(skip)))
        offset += len(raw) + 1


def _jsonl_document(
    raw: bytes, offset: int, default_id: str, source: str, report: Callable[[InputProblem], None]
) -> Document:
    line = _decode(raw, offset)
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        raise _Skip(f"invalid JSON: {err.msg} (column {err.colno})") from None
    except RecursionError:
        raise _Skip("invalid JSON: nested too deeply") from None
    except ValueError as err:  # e.g. an integer with more digits than Python will convert
        raise _Skip(f"invalid JSON: {err}") from None
    if not isinstance(obj, dict):
        raise _Skip("not a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise _Skip("'text' is missing or not a string")
    text = _normalise(text)
    _require_text(text)

    doc_id = obj.get("id")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if doc_id is None:
        doc_id = default_id
    elif not isinstance(doc_id, str) or not doc_id.strip():
        report(
            InputProblem(source, f"'id' is not a non-empty string or integer; using {default_id!r}")
        )
        doc_id = default_id

    meta: dict[str, str | None] = {}
    for key in ("title", "date", "url"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            report(InputProblem(source, f"{key!r} is not a string; ignored"))
            value = None
        meta[key] = value or None
    return Document(id=doc_id, text=text, **meta)


# --------------------------------------------------------------------------- decoding


def _decode(data: bytes, offset: int = 0) -> str:
    """Strict UTF-8, with a message that says what to do when it is not.

    ``offset`` is where ``data`` starts in its file, so the reported byte offset can
    be found with a hex editor.
    """
    if b"\0" in data[:_SNIFF_BYTES]:
        raise _Skip(_binary_message(data))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        offset += len(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        sample = data[:_SNIFF_BYTES]
        controls = sum(1 for b in sample if b < 0x20 and b not in b"\t\n\f\r")
        if controls * 20 > len(sample):  # over 5%: no text encoding looks like that
            raise _Skip("binary data, not text") from None
        raise _Skip(_not_utf8(data[err.start], offset + err.start)) from None


def _binary_message(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16 text, not UTF-8; re-encode it as UTF-8"
    return "binary data, not text"


def _not_utf8(byte: int, offset: int | None = None) -> str:
    where = "" if offset is None else f" at offset {offset}"
    return f"not valid UTF-8 (byte 0x{byte:02x}{where}); is it latin-1? re-encode it as UTF-8"


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _require_text(text: str) -> None:
    if not text.strip():
        raise _Skip("empty document")


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


# --------------------------------------------------------------------------- Markdown

_MD_H1 = re.compile(r"[ ]{0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*")
_MD_HEADING = re.compile(r"^[ ]{0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_MD_EMPHASIS = [
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"),
    re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"),
]


def _from_markdown(text: str) -> tuple[str, str | None]:
    """Drop the markup a reader does not see; keep everything else, line for line.

    A deliberately small subset (ATX headings, emphasis, links, images): enough
    that ``**Bob**`` is found as ``Bob``, without a Markdown dependency.

    >>> _from_markdown("# The *Big* News\\n\\n**Bob** wrote to [Alice](https://a.org). ![x](y.png)")
    ('The Big News\\n\\nBob wrote to Alice. ', 'The Big News')
    """
    title = None
    first = next((line for line in text.split("\n") if line.strip()), "")
    if match := _MD_H1.fullmatch(first):
        title = _md_inline(match.group(1)).strip() or None
    text = _MD_HEADING.sub(lambda m: m.group(1) or "", text)
    return _md_inline(text), title


def _md_inline(text: str) -> str:
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    for pattern in _MD_EMPHASIS:
        text = pattern.sub(r"\1", text)
    return text


# --------------------------------------------------------------------------- HTML

#: Elements whose content is never visible text.
_HTML_HIDDEN = frozenset(
    {"script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg"}
)
#: Elements that start a new line.
_HTML_LINE = frozenset({"br", "li", "tr", "dt", "dd", "option"})
#: Elements that stand apart as paragraphs.
_HTML_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "details",
        "dialog", "div", "dl", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
        "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "tfoot", "thead", "ul",
    }
)  # fmt: skip
#: Table cells: kept on one line, but not glued together.
_HTML_CELL = frozenset({"td", "th"})
_HTML_PRE = frozenset({"pre", "textarea", "listing"})
_HTML_SPACE = re.compile(r"[ \t\n\f]+")
#: When two separators meet, the stronger one wins.
_SEPARATOR_RANK = {"": 0, " ": 1, "\n": 2, "\n\n": 3}


class _VisibleText:
    """Collects the text a browser would show, one node at a time.

    Whitespace is collapsed as HTML renders it (except inside ``<pre>``). A
    separator (space, newline or blank line) is only *pending* until the next piece
    of text, so markup never leaves leading, trailing or doubled breaks.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending = ""
        self.pre_depth = 0

    def enter(self, node: LexborNode) -> bool:
        """Take what ``node`` adds on the way in; say whether its children are visible."""
        if node.is_text_node:
            self.add(node.text(deep=False))
            return False
        tag = node.tag or ""
        if not node.is_element_node or tag in _HTML_HIDDEN:
            return False
        self.boundary(tag)
        self.pre_depth += tag in _HTML_PRE
        return True

    def leave(self, node: LexborNode) -> None:
        tag = node.tag or ""
        self.boundary(tag)
        self.pre_depth -= tag in _HTML_PRE

    def boundary(self, tag: str) -> None:
        if tag in _HTML_BLOCK:
            self.separate("\n\n")
        elif tag in _HTML_LINE:
            self.separate("\n")
        elif tag in _HTML_CELL:
            self.separate(" ")

    def separate(self, sep: str) -> None:
        if _SEPARATOR_RANK[sep] > _SEPARATOR_RANK[self.pending]:
            self.pending = sep

    def add(self, text: str) -> None:
        text = text.replace("\xa0", " ")
        trailing = False
        if not self.pre_depth:
            text = _HTML_SPACE.sub(" ", text)
            if text.startswith(" "):
                self.separate(" ")
            trailing = text.endswith(" ")
            text = text.strip(" ")
        if not text:
            return
        if self.parts and self.pending:
            self.parts.append(self.pending)
        self.parts.append(text)
        self.pending = " " if trailing else ""

    def text(self) -> str:
        return "".join(self.parts)


def _from_html(html: str) -> tuple[str, str | None]:
    """Visible text, with block boundaries as newlines so sentences stay apart.

    The tree is walked with an explicit loop over ``child``/``next``/``parent``
    links rather than recursion: a page nested thousands of levels deep must not
    hit Python's recursion limit. ``&nbsp;`` becomes a plain space, since spaCy
    would otherwise split ``Bob&nbsp;Russell`` into separate tokens.

    >>> _from_html("<title>News</title><p>Bob &amp; Alice<br>met.</p><script>x()</script>")
    ('Bob & Alice\\nmet.', 'News')
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title = None
    if tree.head is not None:
        for child in tree.head.iter():
            if child.tag == "title":
                title = _HTML_SPACE.sub(" ", child.text().replace("\xa0", " ")).strip() or None
                break

    root = tree.root
    if root is None:
        return "", title
    visible = _VisibleText()
    node: LexborNode | None = root
    while node is not None:
        if visible.enter(node):
            if node.child is not None:
                node = node.child
                continue
            visible.leave(node)
        # Climb out of finished subtrees to the next sibling, leaving each ancestor.
        while node is not None and node.mem_id != root.mem_id and node.next is None:
            node = node.parent
            if node is not None:
                visible.leave(node)
        node = None if node is None or node.mem_id == root.mem_id else node.next
    return visible.text(), title
