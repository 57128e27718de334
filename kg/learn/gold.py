"""Gold-annotated documents: the JSON Lines that ``kg evaluate`` and ``kg train`` read.

One document a line, in the CoNLL04 layout::

    {"id": "d1", "text": "...",
     "entities": [{"text": "...", "type": "Peop", "start": 0, "end": 9}],
     "relations": [{"head": "...", "head_type": "Peop", "relation": "Work_For",
                    "tail": "...", "tail_type": "Org"}]}

A bad line is one error naming the file and line; a gold file is read all or nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from kg.errors import InputError

__all__ = ["GoldDocument", "GoldEntity", "GoldRelation", "read_gold"]

# --------------------------------------------------------------------------- gold data


@dataclass(frozen=True, slots=True)
class GoldEntity:
    text: str
    type: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class GoldRelation:
    head: str
    relation: str
    tail: str
    head_type: str = ""
    tail_type: str = ""


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One annotated document; its text is scored exactly as given (no normalising)."""

    id: str
    text: str
    entities: tuple[GoldEntity, ...] = ()
    relations: tuple[GoldRelation, ...] = ()


def _field(obj: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(f"{where}: '{key}' must be a {kind.__name__}")
    return value


def _gold_document(obj: object, where: str, index: int) -> GoldDocument:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object")
    text = _field(obj, "text", str, where)
    doc_id = obj.get("id", f"line-{index}")
    entities = []
    for item in obj.get("entities") or []:
        if not isinstance(item, dict):
            raise InputError(f"{where}: every entity must be a JSON object")
        start, end = _field(item, "start", int, where), _field(item, "end", int, where)
        if not 0 <= start < end <= len(text):
            raise InputError(f"{where}: entity span {start}..{end} is outside the text")
        entities.append(
            GoldEntity(
                _field(item, "text", str, where), _field(item, "type", str, where), start, end
            )
        )
    relations = []
    for item in obj.get("relations") or []:
        if not isinstance(item, dict):
            raise InputError(f"{where}: every relation must be a JSON object")
        relations.append(
            GoldRelation(
                head=_field(item, "head", str, where),
                relation=_field(item, "relation", str, where),
                tail=_field(item, "tail", str, where),
                head_type=str(item.get("head_type", "")),
                tail_type=str(item.get("tail_type", "")),
            )
        )
    return GoldDocument(str(doc_id), text, tuple(entities), tuple(relations))


def read_gold(path: str | os.PathLike[str]) -> list[GoldDocument]:
    """Read a gold JSONL file; a bad line is an :class:`InputError` naming file and line.

    Unlike ``kg build``, which skips a bad document with a warning, a gold file is
    all-or-nothing: a score over a silently shortened file would mislead.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    documents, ids = [], set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: invalid JSON ({exc.msg})") from exc
        document = _gold_document(obj, where, number)
        if document.id in ids:
            raise InputError(f"{where}: duplicate id {document.id!r}")
        ids.add(document.id)
        documents.append(document)
    if not documents:
        raise InputError(f"{path}: no gold documents")
    return documents
