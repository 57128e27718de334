"""The store (kg.rdf.store): per-document contributions, removed and replaced exactly.

Extractions are made by hand (no spaCy model), with the cases that make a store
harder than a union of graphs: one entity written two ways in different documents
("O'Neil" and "O’Neil": one node, the least name its label), aliases that equal
another document's label, relations and entities that several documents share. After
every sequence of additions, replacements and removals the store's Turtle export must
be byte-identical to a fresh build of the documents that remain.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import kg.rdf.store as store_module
from kg.errors import QueryError
from kg.extract.entities import Entity
from kg.extract.extraction import Extraction
from kg.extract.quotes import Quote
from kg.extract.relations.base import Candidate
from kg.ingest.documents import Document
from kg.ontology.schema import load_ontology
from kg.rdf.export import serialize, turtle
from kg.rdf.resolve import resolve
from kg.rdf.store import (
    FORMAT_VERSION,
    MARKER,
    GraphStore,
    StoreBusyError,
    StoreError,
    contribution,
)
from kg.rdf.triples import add_extraction, new_graph

ONTO = load_ontology()
NAMES = {
    "Person": [
        "Ann O'Neil",
        "Ann O\u2019Neil",
        "ANN O'NEIL",
        "Bob Reed",
        "Bob  Reed",
        "Cara Lind",
        "Tom Ellery",  # a merge across documents, unless one document names both
        "Thomas Ellery",
    ],
    "Organization": ["Pellow Institute", "pellow institute", "Marrow Health", "Acme"],
    "Place": ["Leeds", "LEEDS", "Polwenna"],
}
PREDICATES = [("Person", "met", "Person"), ("Person", "worksFor", "Organization")]


def _entity(rng: random.Random, cls: str) -> Entity:
    name = rng.choice(NAMES[cls])
    aliases = tuple(rng.sample(NAMES[cls], rng.randrange(3)))
    honorifics = ("Dr",) if cls == "Person" and rng.random() < 0.3 else ()
    return Entity(cls, name, aliases, honorifics)


def _document(rng: random.Random, doc_id: str) -> tuple[Document, Extraction]:
    words = (rng.choice(["Ann met Bob.", "Cara works for Acme.", "In Leeds."]) for _ in range(6))
    text = " ".join(words) + f" Edition {rng.randrange(10**9)}."  # each version its own hash
    entities = tuple(_entity(rng, rng.choice(list(NAMES))) for _ in range(rng.randrange(1, 6)))
    relations = []
    for _ in range(rng.randrange(4)):
        s_cls, predicate, o_cls = rng.choice(PREDICATES)
        start = rng.randrange(len(text) - 10)
        relations.append(
            Candidate(
                _entity(rng, s_cls),
                predicate,
                _entity(rng, o_cls),
                start,
                start + 8,
                0,
                len(text),
                rng.choice(["kg.verbs.v1", "kg.links.v1"]),
                rng.choice([0.75, 0.8, 0.85]),
            )
        )
    quotes = []
    if rng.random() < 0.5:
        quotes.append(Quote("Ann met Bob.", 0, 12, _entity(rng, "Person"), None, 0, 12, 0, 12, 0.7))
    title = rng.choice([None, "A title", "Another"])
    return Document(doc_id, text, title=title), Extraction(
        entities, tuple(relations), tuple(quotes)
    )


def _fresh_turtle(documents: dict[str, tuple[Document, Extraction]]) -> bytes:
    graph = new_graph()
    for document, extraction in documents.values():
        add_extraction(graph, document, extraction, ONTO)
    return serialize(graph, "ttl")


def _put(
    store: GraphStore, items: list[tuple[Document, Extraction]], remove: tuple[str, ...] = ()
) -> None:
    store.apply([contribution(d, e, ONTO, "v1") for d, e in items], remove=remove)


def _fresh_merged(documents: dict[str, tuple[Document, Extraction]]) -> bytes:
    graph = new_graph()
    for document, extraction in documents.values():
        add_extraction(graph, document, extraction, ONTO)
    resolve(graph, ONTO)
    return serialize(graph, "ttl")


@pytest.mark.parametrize("seed", range(8))
def test_each_writer_leaves_the_merges_and_snapshot_of_a_fresh_build(
    tmp_path: Path, seed: int
) -> None:
    """Writer after writer, each closing with merges made again and its snapshot
    patched from the last (kg.rdf.snapshot): the snapshot, the database's own export
    and a fresh merged build are the same bytes."""
    rng = random.Random(seed)
    live: dict[str, tuple[Document, Extraction]] = {}
    for session in range(6):
        with GraphStore.open_for_writing(tmp_path / "s") as store:
            for _ in range(rng.randrange(1, 3)):
                added = [_document(rng, f"d{rng.randrange(10)}") for _ in range(rng.randrange(3))]
                removed = [f"d{rng.randrange(10)}" for _ in range(rng.randrange(3))]
                for doc_id in removed:
                    live.pop(doc_id, None)
                for document, extraction in added:
                    live[document.id] = (document, extraction)
                _put(store, added, tuple(removed))
        with GraphStore.open(tmp_path / "s") as store:
            assert store.snapshot() is not None
            snapshot = store.turtle()
            assert snapshot == turtle(store.triples()), f"session {session}"
            assert snapshot == _fresh_merged(live), f"session {session}"


def test_a_merge_comes_and_goes_with_the_document_that_makes_it(tmp_path: Path) -> None:
    def named(doc_id: str, name: str) -> tuple[Document, Extraction]:
        text = f"{name} met Cara Lind in Leeds. Edition {doc_id}."
        person, cara = Entity("Person", name), Entity("Person", "Cara Lind")
        met = Candidate(person, "met", cara, 0, 8, 0, len(text), "kg.verbs.v1", 0.8)
        return Document(doc_id, text), Extraction((person, cara), (met,), ())

    live = {"a": named("a", "Tom Ellery")}
    steps = [({"b": named("b", "Thomas Ellery")}, ()), ({}, ("a",)), ({"a": live["a"]}, ())]
    counts = []
    for added, removed in [(live, ()), *steps]:
        with GraphStore.open_for_writing(tmp_path / "s") as store:
            _put(store, list(added.values()), removed)
        live = {k: v for k, v in {**live, **added}.items() if k not in removed}
        with GraphStore.open(tmp_path / "s") as store:
            assert store.turtle() == turtle(store.triples()) == _fresh_merged(live)
            counts.append(store.count("SELECT (COUNT(*) AS ?n) WHERE { ?m a kg:Merge }"))
    assert counts == [0, 1, 0, 1]
    # A new title changes no entity: the writer keeps the merges without looking again;
    # a new article about someone else makes it look again, and find the same merge.
    document, extraction = live["b"]
    retitled = Document("b", document.text, title="A correction")
    for doc_id, item, work in (
        ("b", (retitled, extraction), ""),
        ("c", named("c", "Dana Holt"), "find"),
    ):
        with GraphStore.open_for_writing(tmp_path / "s") as store:
            _put(store, [item])
            assert store._merges_work() == work
        live[doc_id] = item
        with GraphStore.open(tmp_path / "s") as store:
            assert store.turtle() == turtle(store.triples()) == _fresh_merged(live)
            assert store.count("SELECT (COUNT(*) AS ?n) WHERE { ?m a kg:Merge }") == 1


@pytest.mark.parametrize("seed", range(12))
def test_any_sequence_of_updates_gives_the_fresh_build(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    live: dict[str, tuple[Document, Extraction]] = {}
    with GraphStore.open_for_writing(tmp_path / "s") as store:
        for step in range(6):
            added = [_document(rng, f"d{rng.randrange(12)}") for _ in range(rng.randrange(1, 5))]
            removed = [f"d{rng.randrange(12)}" for _ in range(rng.randrange(3))] if step else []
            for doc_id in removed:
                live.pop(doc_id, None)
            for document, extraction in added:
                live[document.id] = (document, extraction)
            _put(store, added, tuple(removed))
            assert store.turtle() == _fresh_turtle(live), f"step {step}"
        assert sorted(store.records()) == sorted(live)


def test_a_name_stays_while_some_document_still_gives_it(tmp_path: Path) -> None:
    ann = Entity("Person", "Ann O\u2019Neil")
    first = (Document("a", "x"), Extraction((Entity("Person", "Ann O'Neil", ("Annie",)),), (), ()))
    second = (Document("b", "y"), Extraction((ann,), (), ()))
    with GraphStore.open_for_writing(tmp_path / "s") as store:
        _put(store, [first, second])
        text = store.turtle().decode()
        assert 'rdfs:label "Ann O\'Neil"' in text and "Annie" in text and "Ann O\u2019Neil" in text
        _put(store, [], remove=("a",))
        text = store.turtle().decode()
        assert 'rdfs:label "Ann O\u2019Neil"' in text and "Annie" not in text
        assert store.turtle() == _fresh_turtle({"b": second})
        _put(store, [], remove=("b",))
        assert store.turtle() == b"" or "Neil" not in store.turtle().decode()
        assert len(store) == 0


def test_store_query_answers_from_the_merged_graph_only(tmp_path: Path) -> None:
    item = _document(random.Random(1), "only")
    with GraphStore.open_for_writing(tmp_path / "s") as store:
        _put(store, [item])
        fresh = new_graph()
        add_extraction(fresh, *item, ONTO)
        result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert int(result.rows[0][0]) == len(fresh)  # type: ignore[arg-type]
        assert store.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }").rows == ()
        with pytest.raises(QueryError, match=r"^SPARQL syntax error"):
            store.query("SELECT ?x WHERE { ?x }")


def test_a_second_writer_is_refused_with_one_line(tmp_path: Path) -> None:
    with GraphStore.open_for_writing(tmp_path / "s"):
        with pytest.raises(StoreBusyError) as info:
            GraphStore.open_for_writing(tmp_path / "s")
        assert "another kg process" in str(info.value) and "\n" not in str(info.value)
        with pytest.raises(StoreBusyError):
            GraphStore.open(tmp_path / "s")
    GraphStore.open(tmp_path / "s").close()  # free again once the writer is done


def test_a_store_of_another_format_version_says_what_to_do(tmp_path: Path) -> None:
    GraphStore.open_for_writing(tmp_path / "s").close()
    (tmp_path / "s" / MARKER).write_text(json.dumps({"format": "kg-store", "version": 99}))
    for opener in (GraphStore.open, GraphStore.open_for_writing):
        with pytest.raises(
            StoreError, match=rf"format version 99.*reads version {FORMAT_VERSION}: rebuild it"
        ):
            opener(tmp_path / "s")
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "notes.txt").write_text("x")
    with pytest.raises(StoreError, match="not a kg store"):
        GraphStore.open_for_writing(tmp_path / "plain")


_WRITER = """
import random, sys
sys.path.insert(0, sys.argv[3])
from test_store import ONTO, _document
from kg.rdf.store import GraphStore, contribution
rng = random.Random(int(sys.argv[2]))
with GraphStore.open_for_writing(sys.argv[1]) as store:
    for step in range(10_000):
        batch = [_document(rng, f"d{rng.randrange(40)}") for _ in range(30)]
        gone = tuple(f"d{rng.randrange(40)}" for _ in range(5))
        store.apply([contribution(d, e, ONTO, "v1") for d, e in batch], remove=gone)
        print(step, flush=True)
"""


def _versions(seed: int, steps: int) -> dict[str, tuple[Document, Extraction]]:
    """Every document the writer below can have written by ``steps``, by content hash."""
    from kg.rdf.store import content_hash

    rng = random.Random(seed)
    versions = {}
    for _ in range(steps):
        for _ in range(30):
            document, extraction = _document(rng, f"d{rng.randrange(40)}")
            versions[content_hash(document)] = (document, extraction)
        for _ in range(5):
            rng.randrange(40)
    return versions


@pytest.mark.parametrize("seed", [3, 4])
def test_sigkill_in_the_middle_of_updates_leaves_a_consistent_store(
    tmp_path: Path, seed: int
) -> None:
    """A writer killed at a random moment: the store holds whole documents, never half of
    one, and once the next writer has closed, the merged graph is exactly the fresh
    build of the documents it records."""
    import signal
    import subprocess
    import sys

    store_dir = tmp_path / "s"
    tests = str(Path(__file__).parent)
    rng = random.Random(seed)
    versions: dict[str, tuple[Document, Extraction]] = {}
    for _round in range(3):
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(store_dir), str(seed + _round), tests],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        steps = 0
        for _ in range(rng.randrange(2, 8)):  # let a few batches commit, then kill mid-flight
            writer.stdout.readline()
            steps += 1
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        versions |= _versions(seed + _round, steps + 20)
        with GraphStore.open_for_writing(store_dir) as store:  # the lock died with the writer
            records = store.records()
            live = {doc_id: versions[r.content_hash] for doc_id, r in records.items()}
        # Closing, the next writer made the merges the killed one never made.
        with GraphStore.open(store_dir) as store:
            assert store.turtle() == turtle(store.triples()) == _fresh_merged(live)


def test_the_cli_names_a_foreign_store_format_in_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli.main import cli

    GraphStore.open_for_writing(tmp_path / "s").close()
    # A store of the layout before cross-document merges (version 1).
    (tmp_path / "s" / MARKER).write_text(json.dumps({"format": "kg-store", "version": 1}))
    for args in (
        ["query", str(tmp_path / "s"), "ASK { ?s ?p ?o }"],
        ["stats", str(tmp_path / "s")],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1
        assert f"store format version 1, but this kg reads version {FORMAT_VERSION}" in (
            result.stderr
        )


def test_a_streamed_export_is_the_same_bytes_in_bounded_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.rdf.export

    rng = random.Random(9)
    items = [_document(rng, f"d{i}") for i in range(8)]
    with GraphStore.open_for_writing(tmp_path / "s") as store:
        _put(store, items)
        monkeypatch.setattr(kg.rdf.export, "_RUN", 7)  # many runs on disk, merged
        store.export(tmp_path / "out.ttl", "ttl")
        assert (tmp_path / "out.ttl").read_bytes() == store.turtle()
        assert store.turtle() == _fresh_turtle({d.id: (d, e) for d, e in items})


def test_a_closed_store_exports_its_snapshot_and_a_killed_writer_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kg export`` copies the Turtle a writer left at close (the same bytes as a fresh
    build), and never a snapshot of an older state."""
    rng = random.Random(11)
    items = [_document(rng, f"d{i}") for i in range(10)]
    with GraphStore.open_for_writing(tmp_path / "s") as store:
        _put(store, items[:6])
    with GraphStore.open(tmp_path / "s") as store:
        assert store.snapshot() is not None
        first = store.turtle()

        def no_database(self: GraphStore) -> object:
            raise AssertionError("read from the database")

        with monkeypatch.context() as patched:
            patched.setattr(GraphStore, "triples", no_database)
            store.export(tmp_path / "a.ttl", "ttl")
            store.export(tmp_path / "a.trig", "trig")
        assert (tmp_path / "a.ttl").read_bytes() == first
        assert (tmp_path / "a.trig").read_bytes() == first
    assert first == _fresh_turtle({d.id: (d, e) for d, e in items[:6]})

    writer = GraphStore.open_for_writing(tmp_path / "s")
    _put(writer, items[6:], remove=("d0",))
    writer.close(finish=False)  # as if killed before it could write the snapshot
    with GraphStore.open(tmp_path / "s") as store:
        assert store.snapshot() is None
        store.export(tmp_path / "b.ttl", "ttl")
    live = {d.id: (d, e) for d, e in items[1:]}
    assert (tmp_path / "b.ttl").read_bytes() == _fresh_turtle(live)
    GraphStore.open_for_writing(tmp_path / "s").close()  # the next writer repairs it
    with GraphStore.open(tmp_path / "s") as store:
        assert store.snapshot() is not None
        assert store.turtle() == _fresh_turtle(live)
    assert len(list((tmp_path / "s").glob("export-*.ttl"))) == 1


def test_reopening_between_batches_keeps_the_lock_and_the_data(tmp_path: Path) -> None:
    rng = random.Random(12)
    items = [_document(rng, f"d{i}") for i in range(6)]
    with GraphStore.open_for_writing(tmp_path / "s") as store:
        _put(store, items[:3])
        store.reopen()
        with pytest.raises(StoreBusyError):
            GraphStore.open_for_writing(tmp_path / "s")
        _put(store, items[3:])
        store.reopen()
        assert store.turtle() == _fresh_turtle({d.id: (d, e) for d, e in items})


@pytest.mark.parametrize("threshold", [0, 2**62])
def test_a_writer_past_the_log_threshold_leaves_no_stale_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    # RocksDB only deletes obsolete write-ahead logs when a database is opened; a
    # writer past the threshold reopens at close, so they go with it, not with the
    # next writer. Below the threshold they stay: this is what the check can tell.
    monkeypatch.setattr(store_module, "_STALE_LOG_BYTES", threshold)
    rng = random.Random(13)
    items = [_document(rng, f"d{i}") for i in range(8)]
    database = tmp_path / "s" / "oxigraph"
    with GraphStore.open_for_writing(tmp_path / "s") as store:
        for item in items:
            _put(store, [item])
            store.oxigraph.flush()  # each flush leaves a log behind
    logs = sorted(p.name for p in database.glob("*.log"))
    assert (len(logs) <= 1) == (threshold == 0), logs
    with GraphStore.open(tmp_path / "s") as store:
        assert store.turtle() == _fresh_merged({d.id: (d, e) for d, e in items})
