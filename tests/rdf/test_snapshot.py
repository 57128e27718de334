"""Patching a snapshot's sorted lines gives what sorting the changed graph gives."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.rdf import snapshot
from kg.rdf.snapshot import patched_lines


def _triple(n: int) -> ox.Triple:
    return ox.Triple(
        ox.NamedNode(f"https://example.org/s{n % 37}"),
        ox.NamedNode(f"https://example.org/p{n % 5}"),
        ox.Literal(f"value {n}"),
    )


def _sorted_lines(triples: set[ox.Triple]) -> list[bytes]:
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    return sorted(set(data.splitlines(keepends=True)))


@settings(max_examples=60, deadline=None)
@given(
    old=st.sets(st.integers(0, 400), max_size=300),
    changes=st.dictionaries(st.integers(0, 400), st.booleans(), max_size=120),
    block=st.sampled_from([64, 512, 1 << 20]),
)
def test_patched_lines_are_the_sorted_lines_of_the_changed_graph(
    tmp_path_factory: pytest.TempPathFactory,
    old: set[int],
    changes: dict[int, bool],
    block: int,
) -> None:
    # Blocks small enough that additions fall before, inside, between and after
    # them, deletions that empty a block, and additions already present.
    path = Path(tmp_path_factory.mktemp("snap")) / "merged.nt"
    path.write_bytes(b"".join(_sorted_lines({_triple(n) for n in old})))
    after = {n for n in old if changes.get(n, True)} | {n for n, keep in changes.items() if keep}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(snapshot, "_BLOCK_BYTES", block)
        got = list(patched_lines(path, {_triple(n): keep for n, keep in changes.items()}))
    assert got == _sorted_lines({_triple(n) for n in after})
