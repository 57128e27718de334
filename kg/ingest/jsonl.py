"""JSON Lines input: one document per line, with optional id, title, date, url and author."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator

from kg.ingest.documents import Document, InputProblem
from kg.ingest.text import (
    SNIFF_BYTES,
    Skip,
    binary_message,
    decode,
    first_surrogate,
    normalise_newlines,
    require_text,
)

__all__ = ["read_jsonl"]


def read_jsonl(
    data: bytes, path: str, base_id: str, report: Callable[[InputProblem], None]
) -> Iterator[tuple[str, Document]]:
    """One document per line; a bad line is reported and the rest of the file goes on."""
    if b"\0" in data[:SNIFF_BYTES]:
        raise Skip(binary_message(data))
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if not data[offset:].strip():
        raise Skip("empty document")
    for lineno, raw in enumerate(data[offset:].split(b"\n"), start=1):
        source = f"{path}:{lineno}"
        try:
            if raw.strip():
                doc = _jsonl_document(raw, offset, f"{base_id}:{lineno}", source, report)
                yield source, doc
        except Skip as skip:
            report(InputProblem(source, str(skip)))
        offset += len(raw) + 1


def _jsonl_document(
    raw: bytes, offset: int, default_id: str, source: str, report: Callable[[InputProblem], None]
) -> Document:
    line = decode(raw, offset)
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        raise Skip(f"invalid JSON: {err.msg} (column {err.colno})") from None
    except RecursionError:
        raise Skip("invalid JSON: nested too deeply") from None
    except ValueError as err:  # e.g. an integer with more digits than Python will convert
        raise Skip(f"invalid JSON: {err}") from None
    if not isinstance(obj, dict):
        raise Skip("not a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise Skip("'text' is missing or not a string")
    # JSON can spell a lone surrogate ("\\ud800"), which is not a character: such a
    # string cannot be written as UTF-8, so it would fail the whole build at the end.
    if bad := first_surrogate(text):
        raise Skip(f"'text' is not valid Unicode (unpaired surrogate {bad})")
    text = normalise_newlines(text)
    require_text(text)

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
    elif bad := first_surrogate(doc_id):
        message = f"'id' is not valid Unicode (unpaired surrogate {bad}); using {default_id!r}"
        report(InputProblem(source, message))
        doc_id = default_id

    meta: dict[str, str | None] = {}
    for key in ("title", "date", "url", "author"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            report(InputProblem(source, f"{key!r} is not a string; ignored"))
            value = None
        elif value is not None and (bad := first_surrogate(value)):
            report(
                InputProblem(
                    source, f"{key!r} is not valid Unicode (unpaired surrogate {bad}); ignored"
                )
            )
            value = None
        meta[key] = value or None
    return Document(id=doc_id, text=text, **meta)
