"""Bytes to text: strict UTF-8 with messages that say what to do, newlines normalised,
and the escaping that keeps every problem message on one honest line.
"""

from __future__ import annotations

import codecs
import re

__all__ = [
    "SNIFF_BYTES",
    "Skip",
    "binary_message",
    "decode",
    "drop_stray_nuls",
    "escape_char",
    "first_surrogate",
    "normalise_newlines",
    "not_utf8",
    "nul_message",
    "one_line",
    "require_text",
    "without_surrogates",
]

#: How much of a file is sniffed for NUL bytes and control characters.
SNIFF_BYTES = 8192


class Skip(Exception):
    """Raised inside a reader to skip the current file or line with a message."""


def decode(data: bytes, offset: int = 0) -> str:
    """Strict UTF-8, with a message that says what to do when it is not.

    ``offset`` is where ``data`` starts in its file, so the reported byte offset can
    be found with a hex editor.
    """
    if b"\0" in data[:SNIFF_BYTES]:
        raise Skip(binary_message(data))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        offset += len(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        sample = data[:SNIFF_BYTES]
        controls = sum(1 for b in sample if b < 0x20 and b not in b"\t\n\f\r")
        if controls * 20 > len(sample):  # over 5%: no text encoding looks like that
            raise Skip("binary data, not text") from None
        raise Skip(not_utf8(data[err.start], offset + err.start)) from None


#: A text may hold a few NUL bytes (a bad copy, a tool that pads a file): up to this
#: many, or one byte in a hundred, are dropped with a warning. More is binary data.
STRAY_NULS = 16


def drop_stray_nuls(data: bytes) -> tuple[bytes, int]:
    r"""``data`` without its stray NUL bytes, and how many; binary data is a :class:`Skip`.

    >>> drop_stray_nuls(b"Tom Reed works\0 for Sigma Tools.\0\0")
    (b'Tom Reed works for Sigma Tools.', 3)
    >>> drop_stray_nuls(b"\0" * 40 + b"x")
    Traceback (most recent call last):
    ...
    kg.ingest.text.Skip: binary data, not text
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Skip(binary_message(data))
    count = data.count(0)
    if count == 0:
        return data, 0
    if count > max(STRAY_NULS, len(data) // 100):
        raise Skip(binary_message(data))
    return data.replace(b"\0", b""), count


def nul_message(count: int) -> str:
    """The warning for a text whose stray NUL bytes were dropped."""
    plural = "" if count == 1 else "s"
    return f"dropped {count} NUL byte{plural}; offsets refer to the text without them"


def binary_message(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16 text, not UTF-8; re-encode it as UTF-8"
    return "binary data, not text"


def not_utf8(byte: int, offset: int | None = None) -> str:
    where = "" if offset is None else f" at offset {offset}"
    return f"not valid UTF-8 (byte 0x{byte:02x}{where}); is it latin-1? re-encode it as UTF-8"


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


_SURROGATES = re.compile("[\ud800-\udfff]")
#: What a one-line message must not print raw: C0 and C1 controls (newlines,
#: terminal escapes), line and paragraph separators, bidi embeddings, overrides
#: and isolates (which can make a terminal show text in another order), surrogates.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)


def escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in "\n\t\r":
        return repr(char)[1:-1]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (PEP 383)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``text`` with every character that could break or disguise a message line escaped.

    >>> print(one_line("a\\nb\\x1b[31m\\u202ec\\udce9"))
    a\\nb\\x1b[31m\\u202ec\\xe9
    """
    return _UNPRINTABLE.sub(escape_char, text)


def without_surrogates(text: str) -> str:
    """``text`` with lone surrogates escaped, so that it can be written as UTF-8.

    >>> without_surrogates("caf\\udce9.txt")
    'caf\\\\xe9.txt'
    """
    return _SURROGATES.sub(escape_char, text)


def first_surrogate(text: str) -> str | None:
    """The first lone surrogate in ``text``, escaped; None when ``text`` is valid Unicode.

    >>> first_surrogate("ok"), first_surrogate("a\\ud800b")
    (None, '\\\\ud800')
    """
    match = _SURROGATES.search(text)
    return None if match is None else escape_char(match)


def require_text(text: str) -> None:
    if not text.strip():
        raise Skip("empty document")
