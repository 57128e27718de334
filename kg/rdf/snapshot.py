"""A store's Turtle snapshot, patched rather than sorted anew after a small update.

A writer leaves the merged graph's Turtle export when it closes (see
:mod:`kg.rdf.store`), which costs a dump of the whole default graph out of RocksDB
and a sort: seconds at an archive's size, whatever the update. So beside the Turtle
it keeps the same triples as sorted N-Triples lines, and the next writer, knowing
exactly which triples it inserted and deleted, merges those into the old lines in
one pass instead: the bytes are the same as a fresh dump and sort gives.
"""

from __future__ import annotations

import bisect
import contextlib
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final

import pyoxigraph as ox

__all__ = ["CHANGES_CAP", "SNAPSHOT", "SORTED", "patched_lines", "write_snapshot"]

SNAPSHOT: Final = "export-{}.ttl"
"""The Turtle snapshot of state TOKEN, in the store's directory."""
SORTED: Final = "merged-{}.nt"
"""The same triples as sorted N-Triples lines: what the next snapshot is patched from."""

CHANGES_CAP: Final = 100_000
"""Changes a writer remembers to patch the snapshot with; past this it dumps and sorts
(a large build changes most of the graph anyway, and memory stays bounded)."""


_BLOCK_BYTES: Final = 1 << 20
"""How much of the old lines :func:`patched_lines` reads at a time."""


def _lines(triples: list[ox.Triple]) -> list[bytes]:
    """The triples' lines exactly as Oxigraph's N-Triples writer (and dump) makes them."""
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return data.splitlines(keepends=True)


def patched_lines(old: Path, changes: Mapping[ox.Triple, bool]) -> Iterator[bytes]:
    """The sorted lines of ``old`` (sorted N-Triples, no repeats) after ``changes``:
    each triple's last change, True inserted, False deleted.

    A block of lines at a time, with C-level steps (a filter, a sort of two sorted
    runs): a step in Python for each line of the graph was most of a small update.
    """
    deleted = set(_lines([t for t, inserted in changes.items() if not inserted]))
    added = sorted(set(_lines([t for t, inserted in changes.items() if inserted])))
    taken = 0
    with old.open("rb") as source:
        while block := source.readlines(_BLOCK_BYTES):
            if deleted:
                block = [line for line in block if line not in deleted]
            if not block:
                continue
            upto = bisect.bisect_right(added, block[-1], taken)
            if upto > taken:
                present = set(block)
                block.extend(line for line in added[taken:upto] if line not in present)
                block.sort()  # two sorted runs: merged in one pass
                taken = upto
            yield from block
    yield from added[taken:]


def write_snapshot(
    folder: Path,
    store: ox.Store,
    token: str,
    previous: str | None,
    changes: Mapping[ox.Triple, bool] | None,
) -> Path:
    """Write state ``token``'s snapshot and sorted lines into ``folder`` (atomically),
    drop older ones, and return the snapshot.

    With the sorted lines of state ``previous`` at hand and the ``changes`` made since,
    they are patched; otherwise Oxigraph dumps the merged graph as N-Triples without a
    Python object per triple, and :func:`kg.rdf.export.write_sorted_turtle` sorts it.
    """
    from kg.io import atomic_writer
    from kg.rdf.export import write_sorted_turtle, write_turtle_lines

    target, kept = folder / SNAPSHOT.format(token), folder / SORTED.format(token)
    old = folder / SORTED.format(previous) if previous else None
    with atomic_writer(kept, binary=True) as copy, atomic_writer(target, binary=True) as out:
        if changes is not None and old is not None and old.is_file():
            write_turtle_lines(patched_lines(old, changes), out, sorted_copy=copy)
        else:
            with tempfile.TemporaryDirectory(prefix="kg-dump-", dir=folder) as scratch:
                dump = Path(scratch) / "merged.nt"
                store.dump(dump, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
                with dump.open("rb") as lines:
                    write_sorted_turtle(lines, out, sorted_copy=copy)
    for pattern in (SNAPSHOT, SORTED):
        for stale in folder.glob(pattern.format("*")):
            if stale not in (target, kept):
                with contextlib.suppress(OSError):
                    stale.unlink()
    return target
