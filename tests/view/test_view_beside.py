"""The layout laid out beside the reading (kg.view.layout.LayoutBeside) gives the same page.

``kg view`` on a big file or a store forks a helper before it reads, reads the
records while the helper lays the graph out, and writes the page's biggest columns
before it asks for the layout (benchmarks/view.md). These check that none of it
changes a byte: against the page laid out in one process, for both colourings, from
a file and from a store, and when the helper has died.

A helper is forked only by a process with no other thread, and a test session has
others (the browser tests'), so each check of a helper runs in a fresh interpreter.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal
from test_view import KG, _Builder

import kg
from kg.view import TripleIndex, read_model, write_source_html
from kg.view.layout import LayoutBeside
from kg.view.model import add_records

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no fork start method")

_WRITE_BESIDE = """
import json, sys
from kg.view import page
from kg.view.layout import LayoutBeside
source, out, colour = sys.argv[1:]
page.BESIDE_BYTES = 0  # a small file gets a helper too
started = []
real = LayoutBeside.start
def start():
    started.append(real())
    return started[-1]
LayoutBeside.start = staticmethod(start)
written = page.write_source_html(source, out, renderer="webgl", colour_by=colour)
print(json.dumps({"written": written, "helper": bool(started) and started[0] is not None}))
"""


def _fresh(code: str, *args: str) -> Any:
    """Run ``code`` in a new interpreter (one thread) and read its last line as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _story_graph_file(tmp_path: Path) -> Path:
    """Four hundred people and firms with relations among them."""
    rng = random.Random(3)
    b = _Builder()
    nodes = [
        b.entity(rng.choice(["Person", "Organization"]), f"n{i}", f"Name {i}", f"N. {i}")
        for i in range(400)
    ]
    for k in range(700):
        a, c = rng.sample(nodes, 2)
        predicate = rng.choice([KG.met, KG.worksFor, KG.criticized])
        b.relation(a, predicate, c, f"Sentence {k} about <b>{a}</b>.", start=k)
    b.graph.add((nodes[0], KG.roleTitle, Literal("chair")))
    path = tmp_path / "stories.ttl"
    kg.KnowledgeGraph(b.graph).serialize(path)
    return path


@pytest.mark.parametrize("colour", ["class", "community"])
def test_a_page_laid_out_beside_is_the_page_laid_out_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, colour: str
) -> None:
    source = _story_graph_file(tmp_path)
    beside = tmp_path / "beside.html"
    assert _fresh(_WRITE_BESIDE, str(source), str(beside), colour) == {
        "written": True,
        "helper": True,
    }
    monkeypatch.setattr(LayoutBeside, "start", staticmethod(lambda: None))
    here = tmp_path / "here.html"
    assert write_source_html(source, here, renderer="webgl", colour_by=colour)
    assert beside.read_bytes() == here.read_bytes()
    assert "Sentence 5 about" in here.read_text(encoding="utf-8")  # records read late


def test_a_store_is_laid_out_beside_and_drawn_as_its_export(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from kg.rdf.store import Contribution, DocumentRecord, GraphStore

    source = _story_graph_file(tmp_path)
    triples = frozenset(q.triple for q in ox.parse(path=source, format=ox.RdfFormat.TURTLE))
    store = tmp_path / "store"
    with GraphStore.open_for_writing(store, merge=False) as writing:
        writing.apply([Contribution(DocumentRecord("stories", "", ""), triples)])
    with GraphStore.open(store) as reading:
        reading.export(tmp_path / "export.ttl", "ttl")
    page = tmp_path / "store.html"
    assert _fresh(_WRITE_BESIDE, str(store), str(page), "class")["helper"]
    assert write_source_html(tmp_path / "export.ttl", tmp_path / "file.html", renderer="webgl")
    assert page.read_bytes() == (tmp_path / "file.html").read_bytes()


def test_records_read_late_are_the_records_read_with_the_model(tmp_path: Path) -> None:
    source = _story_graph_file(tmp_path)
    for graph in (TripleIndex.from_file(source), kg.load(source).graph):
        early = read_model(graph)
        late = read_model(graph, records=False)
        assert all(not r.records for r in late.relations)
        assert add_records(late, graph) == early
        assert sum(len(r.records) for r in early.relations) == 700


def test_a_helper_lays_out_twice_and_one_that_died_leaves_it_to_the_caller() -> None:
    found = _fresh(
        """
        import json
        from kg.view.layout import LayoutBeside, layout
        first, second = [(0, 1), (1, 2)], [(i, (i * 7 + 3) % 50) for i in range(50)]
        beside = LayoutBeside.start()
        pending = beside.layout(3, first), beside.layout(50, second, communities=False)
        twice = pending[0]() == layout(3, first) and pending[1]() == layout(
            50, second, communities=False)
        beside.close()
        ended = not beside._process.is_alive()
        dying = LayoutBeside.start()
        dying._process.kill()
        dying._process.join()
        after = dying.layout(50, second)() == layout(50, second)
        dying.close()
        print(json.dumps([twice, ended, after]))
        """
    )
    assert found == [True, True, True]
