"""A store's Turtle snapshot, patched rather than sorted anew after a small update.

A writer leaves the merged graph's Turtle export when it closes (see
:mod:`kg.rdf.store`), which costs a dump of the whole default graph out of RocksDB
and a sort: seconds at an archive's size, whatever the update. So beside the Turtle
it keeps the same triples as sorted N-Triples lines, and the next writer, knowing
exactly which triples it inserted and deleted, merges those into the old lines in
one pass instead: the bytes are the same as a fresh dump and sort gives.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final

import pyoxigraph as ox

__all__ = ["CHANGES_CAP", "patched_lines"]

CHANGES_CAP: Final = 100_000
"""Changes a writer remembers to patch the snapshot with; past this it dumps and sorts
(a large build changes most of the graph anyway, and memory stays bounded)."""


def _lines(triples: list[ox.Triple]) -> list[bytes]:
    """The triples' lines exactly as Oxigraph's N-Triples writer (and dump) makes them."""
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return data.splitlines(keepends=True)


def patched_lines(old: Path, changes: Mapping[ox.Triple, bool]) -> Iterator[bytes]:
    """The sorted lines of ``old`` (sorted N-Triples, no repeats) after ``changes``:
    each triple's last change, True inserted, False deleted."""
    deleted = set(_lines([t for t, inserted in changes.items() if not inserted]))
    added = sorted(set(_lines([t for t, inserted in changes.items() if inserted])))
    with old.open("rb") as source:
        kept = (line for line in source if line not in deleted)
        previous = None
        for line in heapq.merge(kept, added):
            if line != previous:
                yield line
                previous = line
