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
import functools
import json
import logging
import os
import re
import stat
import string
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
    "document_problem",
    "read_documents",
    "report_problem",
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
    >>> print(InputProblem("two\\nlines\\u202e.txt", "empty document"))
    two\\nlines\\u202e.txt: empty document
    """

    source: str
    message: str

    def __str__(self) -> str:
        # File names may hold newlines, terminal escapes and bidi overrides; the line
        # shows them escaped, so one problem is always one honest line.
        return _one_line(f"{self.source}: {self.message}")


class _Skip(Exception):
    """Raised inside a reader to skip the current file or line with a message."""


def document_problem(document: Document) -> InputProblem | None:
    """Why a ready-made :class:`Document` cannot be built, or None.

    A lone surrogate in any of its strings could never be written out as UTF-8;
    finding that before the build beats failing after it.

    >>> document_problem(Document("a", "fine")) is None
    True
    >>> print(document_problem(Document("a", "bad " + chr(0xD800))))
    a: 'text' is not valid Unicode (unpaired surrogate \ud800)
    """
    for name in ("text", "id", "title", "date", "url"):
        value = getattr(document, name)
        if isinstance(value, str) and (char := _surrogate(value)) is not None:
            return InputProblem(
                _without_surrogates(document.id),
                f"'{name}' is not valid Unicode (unpaired surrogate {char})",
            )
    return None


def report_problem(problem: InputProblem) -> None:
    """The default ``on_problem``: a library must not print, but must not hide either."""
    logger.warning("%s", problem)


_log_problem = report_problem


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
            raise InputError(_one_line(f"{name}: no such file or directory"))


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
    # A name that is not UTF-8 reaches Python with its bytes as lone surrogates
    # (PEP 383); as an id they would make the graph impossible to write. Said
    # once, and only if the file gives a document at all.
    readable = _without_surrogates(doc_id)
    renamed = readable != doc_id
    for source, doc in _read_contents(path, readable, report):
        if renamed:
            report(InputProblem(path, f"file name is not valid UTF-8; document id: {readable}"))
            renamed = False
        yield source, doc


def _read_contents(
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
    # JSON can spell a lone surrogate ("\\ud800"), which is not a character: such a
    # string cannot be written as UTF-8, so it would fail the whole build at the end.
    if bad := _surrogate(text):
        raise _Skip(f"'text' is not valid Unicode (unpaired surrogate {bad})")
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
    elif bad := _surrogate(doc_id):
        message = f"'id' is not valid Unicode (unpaired surrogate {bad}); using {default_id!r}"
        report(InputProblem(source, message))
        doc_id = default_id

    meta: dict[str, str | None] = {}
    for key in ("title", "date", "url"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            report(InputProblem(source, f"{key!r} is not a string; ignored"))
            value = None
        elif value is not None and (bad := _surrogate(value)):
            report(
                InputProblem(
                    source, f"{key!r} is not valid Unicode (unpaired surrogate {bad}); ignored"
                )
            )
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


_SURROGATES = re.compile("[\ud800-\udfff]")
#: What a one-line message must not print raw: C0 and C1 controls (newlines,
#: terminal escapes), line and paragraph separators, bidi embeddings, overrides
#: and isolates (which can make a terminal show text in another order), surrogates.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in "\n\t\r":
        return repr(char)[1:-1]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (PEP 383)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _one_line(text: str) -> str:
    """``text`` with every character that could break or disguise a message line escaped.

    >>> print(_one_line("a\\nb\\x1b[31m\\u202ec\\udce9"))
    a\\nb\\x1b[31m\\u202ec\\xe9
    """
    return _UNPRINTABLE.sub(_escape_char, text)


def _without_surrogates(text: str) -> str:
    """``text`` with lone surrogates escaped, so that it can be written as UTF-8.

    >>> _without_surrogates("caf\\udce9.txt")
    'caf\\\\xe9.txt'
    """
    return _SURROGATES.sub(_escape_char, text)


def _surrogate(text: str) -> str | None:
    """The first lone surrogate in ``text``, escaped; None when ``text`` is valid Unicode.

    >>> _surrogate("ok"), _surrogate("a\\ud800b")
    (None, '\\\\ud800')
    """
    match = _SURROGATES.search(text)
    return None if match is None else _escape_char(match)


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

#: One emphasis rule per marker: the pattern whose group 1 is kept, and its closing
#: marker alone (inside a lookahead, so that overlapping candidates are all found).
_MD_EMPHASIS = [
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), re.compile(r"(?=((?<=\S)\*\*))")),
    (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), re.compile(r"(?=((?<=\S)__(?!\w)))")),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), re.compile(r"(?=((?<=\S)~~))")),
    (
        re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
        re.compile(r"(?=((?<=[^\s*])\*(?![\w*])))"),
    ),
    (
        re.compile(r"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"),
        re.compile(r"(?=((?<=[^\s_])_(?!\w)))"),
    ),
]
# Link text stops at a bracket and a destination allows one level of parentheses
# (``[Foo](https://en.wikipedia.org/wiki/Foo_(bar))``); with possessive quantifiers
# every attempt ends at the next bracket or parenthesis, so a line of ten thousand
# ``[`` or ``[a](`` costs linear time, not quadratic.
_MD_DESTINATION = r"\((?:[^()\n]++|\([^()\n]*+\))*+\)"
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*+\]" + _MD_DESTINATION)
_MD_LINK = re.compile(r"\[([^\[\]\n]*+)\]" + _MD_DESTINATION)


def _from_markdown(text: str) -> tuple[str, str | None]:
    """Drop the markup a reader does not see; keep everything else, line for line.

    A deliberately small subset (ATX headings, emphasis, links, images): enough
    that ``**Bob**`` is found as ``Bob``, without a Markdown dependency. Markup
    never spans lines, so the work is done line by line, in time linear in the
    length of the text whatever it holds.

    >>> _from_markdown("# The *Big* News\\n\\n**Bob** wrote to [Alice](https://a.org). ![x](y.png)")
    ('The Big News\\n\\nBob wrote to Alice. ', 'The Big News')
    """
    lines = text.split("\n")
    title = None
    first = next((line for line in lines if line.strip()), "")
    if first.lstrip(" ").startswith("# ") or first.lstrip(" ").startswith("#\t"):
        heading = _md_heading(first)
        if heading is not None:
            title = _md_inline(heading).strip() or None
    out = []
    for line in lines:
        heading = _md_heading(line)
        out.append(_md_inline(line if heading is None else heading))
    return "\n".join(out), title


def _md_heading(line: str) -> str | None:
    """The text of an ATX heading line (``## Text ##`` → ``Text``), or None if it is not one.

    Written out rather than as one regular expression: the obvious pattern
    (lazy text, optional closing hashes, optional trailing blanks) backtracks
    quadratically on a heading padded with thousands of spaces.

    >>> [_md_heading(s) for s in ["# A #", "### B c ##  ", "#x", "####### 7", "# #", "#"]]
    ['A', 'B c', None, None, '#', '']
    """
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or not stripped.startswith("#"):
        return None
    rest = stripped.lstrip("#")
    if len(stripped) - len(rest) > 6:
        return None
    if not rest:
        return ""
    if rest[0] not in " \t":
        return None
    content = rest.strip(" \t")
    if content.endswith("#"):
        before = content.rstrip("#")
        if before and before[-1] in " \t":
            return before.rstrip(" \t")
    return content


def _md_inline(line: str) -> str:
    """Remove images, links and emphasis markers from one line."""
    if "[" in line:
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
    for pattern, closer in _MD_EMPHASIS:
        # Nothing after the line's last closing marker can match; cutting the line
        # there keeps an unclosed opener from scanning to the end of the line,
        # once per opener (quadratic on "**a " * 10_000), with the same result.
        end = -1
        for match in closer.finditer(line):
            end = match.end(1)
        if end > 0:
            line = pattern.sub(r"\1", line[:end]) + line[end:]
    return line


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


# HTML5 tree builders (lexbor's too) walk their stack of open elements for many
# tags: every ``<div>`` or ``<p>`` looks down it for an open ``<p>``, every stray end
# tag for its element. A page nested N elements deep with N such tags costs N²
# steps: 40,000 nested ``<span>`` and 40,000 ``<p></p>`` (440 KB) take lexbor ten
# seconds, and the cost only grows from there. So before parsing, one linear pass
# over the tags (:func:`_html_for_parser`) follows the stack of open elements the
# way the tree builder does, closely enough to add up the steps those walks take,
# and a page is refused if it nests deeper than a browser would keep (Blink stops
# at 512) *and* the walks would exceed the budget below. Pages that merely nest a
# few thousand levels still parse (``<div>`` × 5,000 costs about 2.5e7 steps).
#
# The same pass drops every attribute: visible text never depends on one, and
# attributes are the other way to make a tree builder quadratic (lexbor checks a
# new attribute against all earlier ones on the tag; the list of active formatting
# elements, re-opened in every paragraph, only stays short because it keeps at
# most three *identical* ``<b>``, so 5,000 ``<b id=N>`` make 25 million elements).

#: Steps of stack walking allowed for one page: about half a second of lexbor.
_HTML_MAX_WORK = 100_000_000
#: A page nesting no deeper than this is always parsed (work is then linear).
_HTML_MAX_DEPTH = 512
#: lexbor also takes time quadratic in the options of one ``<select>`` (10,000: 0.5 s).
_HTML_MAX_OPTIONS = 10_000

_HTML_VOID = frozenset(
    {
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr",
        "image", "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
    }
)  # fmt: skip
#: Never pushed or popped here: the tree builder keeps one of each, whatever the tags say.
_HTML_ROOTS = frozenset({"html", "head", "body"})
#: Start tags that close an open ``<p>`` (and walk the stack to look for one).
_HTML_CLOSES_P = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog",
        "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "listing",
        "main", "menu", "nav", "ol", "p", "plaintext", "pre", "search", "section",
        "summary", "table", "ul", "xmp",
    }
)  # fmt: skip
_HTML_SPECIAL = _HTML_CLOSES_P | frozenset(
    {
        "applet", "area", "base", "basefont", "bgsound", "body", "br", "button", "caption",
        "col", "colgroup", "embed", "frame", "frameset", "head", "html", "iframe", "img",
        "input", "keygen", "link", "marquee", "meta", "noembed", "noframes", "noscript",
        "object", "param", "script", "select", "source", "style", "tbody", "td",
        "template", "textarea", "tfoot", "th", "thead", "title", "tr", "track", "wbr",
    }
)  # fmt: skip
#: Elements that end the search for an element "in scope".
_HTML_SCOPE = frozenset(
    {"applet", "button", "caption", "html", "marquee", "object", "table", "td", "template", "th"}
)
_HTML_FORMATTING = frozenset(
    {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong",
     "tt", "u"}
)  # fmt: skip
#: Start tags for which the tree builder never walks the stack (any other is counted).
_HTML_CHEAP = _HTML_VOID | _HTML_FORMATTING | frozenset(
    {
        "abbr", "bdi", "bdo", "cite", "data", "dfn", "kbd", "label", "mark", "output", "q",
        "samp", "span", "sub", "sup", "time", "var",
        # read as text up to their end tag, which closes them at once
        "iframe", "noembed", "noframes", "script", "style", "textarea", "title",
    }
) - {"a", "nobr", "hr"}  # fmt: skip
_HTML_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Elements whose content is text up to their end tag (``<plaintext>``: to the end).
_HTML_TEXT_ONLY = frozenset(
    {"iframe", "noembed", "noframes", "plaintext", "script", "style", "textarea", "title", "xmp"}
)
#: SVG and MathML elements whose content is HTML again.
_HTML_INTEGRATION = frozenset(
    {"annotation-xml", "desc", "foreignobject", "mi", "mn", "mo", "ms", "mtext", "title"}
)
#: HTML start tags that end SVG or MathML content.
_HTML_BREAKOUT = frozenset(
    {
        "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt",
        "em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li",
        "listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span",
        "strike", "strong", "sub", "sup", "table", "tt", "u", "ul", "var",
    }
)  # fmt: skip
_HTML_TABLE_PARTS = {
    "td": ("td", "th"),
    "th": ("td", "th"),
    "tr": ("tr",),
    "tbody": ("tbody", "thead", "tfoot"),
    "thead": ("tbody", "thead", "tfoot"),
    "tfoot": ("tbody", "thead", "tfoot"),
}

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_HTML_TAG_NAME = re.compile(r"[^\t\n\f\r />]*+")
#: One attribute (or the closing ``>``, group 1) of a tag, as the HTML tokenizer reads
#: it: quotes count only right after ``=``, and a quoted value may hold ``>``.
_HTML_ATTRIBUTE = re.compile(
    r"[\t\n\f\r /]*+(?:(>)|\Z|=?[^\t\n\f\r />=]*+[\t\n\f\r ]*+"
    r"""(?:=[\t\n\f\r ]*+(?:"[^"]*+"?|'[^']*+'?|[^\t\n\f\r >]*+))?)"""
)
_HTML_COMMENT_END = re.compile(r"--!?>")


@functools.cache
def _html_raw_end(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}(?=[\t\n\f\r />])", re.IGNORECASE | re.ASCII)


class _OpenElements:
    """The tree builder's stack of open elements, followed closely enough to count its walks.

    Each lookup is O(1) (the positions of every name, special element and scope
    boundary are kept in their own stacks), so the pass stays linear however the
    tags nest. Where the model and a real tree builder differ, the model errs
    towards a deeper stack and more work, never much less.
    """

    __slots__ = (
        "bounds", "foreign", "max_depth", "max_options", "names", "options", "specials",
        "stops", "where", "work",
    )  # fmt: skip

    def __init__(self) -> None:
        self.names: list[str] = []
        self.foreign: list[bool] = []
        self.where: dict[str, list[int]] = {}
        self.specials: list[int] = []  # positions of special elements
        self.stops: list[int] = []  # … of special elements other than address, div, p
        self.bounds: list[int] = []  # … of scope boundaries
        self.max_depth = 0
        self.work = 0
        self.options = 0  # in the <select> opened last
        self.max_options = 0

    def top(self, name: str) -> int:
        positions = self.where.get(name)
        return positions[-1] if positions else -1

    @staticmethod
    def _last(positions: list[int]) -> int:
        return positions[-1] if positions else -1

    def in_foreign(self) -> bool:
        """Whether the current node is SVG or MathML (not an HTML integration point)."""
        return bool(self.foreign) and self.foreign[-1] and self.names[-1] not in _HTML_INTEGRATION

    def push(self, name: str, foreign: bool) -> None:
        index = len(self.names)
        self.names.append(name)
        self.foreign.append(foreign)
        self.where.setdefault(name, []).append(index)
        special = name in _HTML_INTEGRATION if foreign else name in _HTML_SPECIAL
        if special:
            self.specials.append(index)
            if name not in ("address", "div", "p"):
                self.stops.append(index)
        if (name in _HTML_INTEGRATION) if foreign else (name in _HTML_SCOPE):
            self.bounds.append(index)
        self.max_depth = max(self.max_depth, index + 1)

    def pop_to(self, index: int) -> None:
        """Pop the element at ``index`` and everything above it."""
        while len(self.names) > index:
            name = self.names.pop()
            self.foreign.pop()
            self.where[name].pop()
            top = len(self.names)
            for positions in (self.specials, self.stops, self.bounds):
                if positions and positions[-1] == top:
                    positions.pop()

    def start(self, name: str, self_closing: bool) -> None:
        """A start tag: close what it implies closing, count its walk, push it."""
        if self.in_foreign():
            if name not in _HTML_BREAKOUT:
                if not self_closing:
                    self.push(name, True)
                return
            while self.in_foreign():
                self.pop_to(len(self.names) - 1)
        if name in ("svg", "math"):
            if not self_closing:
                self.push(name, True)
            return
        if name in _HTML_ROOTS:
            return
        if name not in _HTML_CHEAP:
            self.work += len(self.names)
        if name == "select":
            self.options = 0
        elif name in ("option", "optgroup") and self.where.get("select"):
            self.options += 1
            self.max_options = max(self.max_options, self.options)
        if name in _HTML_CLOSES_P and self.top("p") > self._last(self.bounds):
            self.pop_to(self.top("p"))
        if name == "li" or name in ("dd", "dt"):
            same = ("li",) if name == "li" else ("dd", "dt")
            found = max(self.top(n) for n in same)
            if found >= 0 and found >= self._last(self.stops):
                self.pop_to(found)
        elif name in _HTML_HEADINGS and self.names and self.names[-1] in _HTML_HEADINGS:
            self.pop_to(len(self.names) - 1)
        elif name in _HTML_TABLE_PARTS:
            found = max(self.top(n) for n in _HTML_TABLE_PARTS[name])
            if found > self.top("table"):
                self.pop_to(found)
        elif name == "button" and self.top(name) >= max(0, self._last(self.bounds)):
            self.pop_to(self.top(name))
        elif name in ("option", "optgroup") and self.names and self.names[-1] == "option":
            self.pop_to(len(self.names) - 1)
        elif name in ("a", "nobr") and self.top(name) >= 0:
            self.end(name)  # an open <a> is closed first, as if by </a>
        if name not in _HTML_VOID:
            self.push(name, False)

    def end(self, name: str) -> None:
        """An end tag: pop to its element when the tree builder would, count its walk."""
        if name in _HTML_ROOTS or name == "br":
            return
        found = self.top(name)
        at_top = found == len(self.names) - 1 and found >= 0
        if not (at_top and (name not in _HTML_SPECIAL or name in _HTML_CHEAP)):
            self.work += len(self.names)
        if found < 0:
            return
        if self.foreign[found]:
            self.pop_to(found)
        elif name in _HTML_FORMATTING:
            # With a special element above, the adoption agency moves elements
            # around but leaves the stack as deep as it was.
            if found >= self._last(self.bounds) and found > self._last(self.specials):
                self.pop_to(found)
        elif name in _HTML_SPECIAL:
            if found >= self._last(self.bounds):
                self.pop_to(found)
        elif found > self._last(self.specials):
            self.pop_to(found)

    def check(self) -> None:
        """Raise :class:`_Skip` if parsing the page would take far too long."""
        if self.max_depth > _HTML_MAX_DEPTH and self.work > _HTML_MAX_WORK:
            raise _Skip(f"HTML nested {self.max_depth:,} elements deep; too deep to parse safely")
        if self.max_options > _HTML_MAX_OPTIONS:
            raise _Skip(
                f"HTML <select> with {self.max_options:,} options; too many to parse safely"
            )


def _html_for_parser(html: str) -> str:
    """``html`` without attributes, after checking that parsing it will not take forever.

    A linear pass over the markup as the HTML tokenizer reads it (comments, raw
    text such as ``<script>`` content, quoted attribute values holding ``>``),
    feeding each tag to :class:`_OpenElements`. Text, comments and raw text are
    kept byte for byte; tags lose their attributes only.

    >>> _html_for_parser('<p class="a>b">Hi <b id=1>there</b><!-- <i x> --></p>')
    '<p>Hi <b>there</b><!-- <i x> --></p>'
    >>> _html_for_parser("<div>" * 20_000)
    Traceback (most recent call last):
    ...
    kg.ingest.documents._Skip: HTML nested 20,000 elements deep; too deep to parse safely
    """
    model = _OpenElements()
    out: list[str] = []
    size = len(html)
    emitted = pos = 0
    while (lt := html.find("<", pos)) >= 0 and lt + 1 < size:
        after = html[lt + 1]
        if after in "!?":
            if html.startswith("<!--", lt):
                pos = _html_comment_end(html, lt)
            elif html.startswith("<![CDATA[", lt) and model.in_foreign():
                end = html.find("]]>", lt + 9)
                pos = size if end < 0 else end + 3
            else:  # a doctype, or a bogus comment: up to the next ">"
                end = html.find(">", lt + 2)
                pos = size if end < 0 else end + 1
            continue
        closing = after == "/"
        name_start = lt + 2 if closing else lt + 1
        if name_start >= size:
            break
        if html[name_start] not in string.ascii_letters:
            if not closing:
                pos = lt + 1  # a "<" that starts no tag is text
            elif html[name_start] == ">":
                pos = name_start + 1  # "</>" is dropped
            else:
                end = html.find(">", name_start)
                pos = size if end < 0 else end + 1
            continue
        name_end = _HTML_TAG_NAME.match(html, name_start).end()  # type: ignore[union-attr]
        tag_end, self_closing = _html_tag_end(html, name_end)
        out.append(html[emitted:lt])
        emitted = size
        if tag_end < 0:  # the file ends inside the tag: the tokenizer drops it
            break
        name = html[name_start:name_end]
        key = name.translate(_ASCII_LOWER)
        # Raw text (script, style, …) and <plaintext> are read as text in HTML
        # content only; inside SVG or MathML they are ordinary elements.
        text_only = not closing and key in _HTML_TEXT_ONLY and not model.in_foreign()
        if closing:
            out.append(f"</{name}>")
            model.end(key)
        else:
            out.append(f"<{name}/>" if self_closing else f"<{name}>")
            model.start(key, self_closing)
        emitted = pos = tag_end
        if text_only:
            match = None if key == "plaintext" else _html_raw_end(key).search(html, tag_end)
            if match is None:
                break  # the rest of the file is text
            pos = match.start()
    out.append(html[emitted:])
    model.check()
    return "".join(out)


def _html_comment_end(html: str, start: int) -> int:
    """Where the comment opened at ``start`` ends, as the tokenizer decides it."""
    for short in ("<!-->", "<!--->"):
        if html.startswith(short, start):
            return start + len(short)
    match = _HTML_COMMENT_END.search(html, start + 4)
    return len(html) if match is None else match.end()


def _html_tag_end(html: str, pos: int) -> tuple[int, bool]:
    """Skip a tag's attributes from ``pos``: (index after its ``>``, self-closing), or (-1, _)."""
    size = len(html)
    while True:
        match = _HTML_ATTRIBUTE.match(html, pos)
        assert match is not None  # every alternative can match the empty string at the end
        if match.group(1) is not None:
            close = match.start(1)
            return close + 1, close > match.start() and html[close - 1] == "/"
        if match.end() >= size:
            return -1, False
        pos = match.end()


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

    tree = LexborHTMLParser(_html_for_parser(html))
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
