"""A kg graph on disk: an Oxigraph store that keeps each document's contribution apart.

A build with ``--store DIR`` writes here instead of into one Turtle file, so that a
query reads only what it needs, a new article is added without rebuilding the rest,
and a changed or deleted article is taken out exactly. The layout of ``DIR``::

    kg-store.json   {"format": "kg-store", "version": 2}: what wrote the store
    kg.lock         flock(2) target: one writer, or any number of readers
    oxigraph/       the Oxigraph (RocksDB) database, holding
        the default graph       the merged graph: exactly what ``kg build -o`` writes,
                                and all that queries, stats and exports see
        urn:kg:contribution:H   one named graph per document (H: a hash of its id),
                                the triples that document alone gives
        urn:kg:store            bookkeeping: each document's id, content hash and
                                extraction version
        urn:kg:state            a token that changes with every update, whether the
                                store merges across documents, and the token its
                                merges were last made for
    export-TOKEN.ttl            the merged graph's Turtle export as of state TOKEN

Why a merged default graph beside the contributions, rather than querying their
union: the union of the contributions is *almost* the graph before cross-document
merges, but not quite. An entity named "Ann O'Neil" in one article and "Ann O’Neil"
in another is one node whose ``rdfs:label`` is the least of the names and whose
``skos:altLabel`` are all the others (:func:`kg.rdf.triples.add_extraction`), which no
union of per-document graphs can express; and the merges that make "Sir Tom Ellery"
and "Thomas Ellery" one node depend on every document at once. So every update
recomputes the default graph where it changes: a triple leaves it when no remaining
document gives it, the names of every entity a changed document names are chosen
again from the documents that still name it, and when the writer closes, the merges
are brought up to date (:mod:`kg.rdf.store_merges`).

Why a Turtle snapshot: reading a million triples back out of RocksDB costs Oxigraph
seconds (every IRI is a lookup of its text), and an export must be sorted to be the
same bytes as ``kg build -o`` writes. A writer does that once, when it closes the
store, and ``kg export`` then copies a file. The snapshot carries the token of the
state it shows; a store whose token has no snapshot (a writer was killed) is
exported the slow way, from the database, with the same bytes.

Every update (a batch of whole documents added, replaced or removed) is one
Oxigraph transaction, with its bookkeeping: a process killed in the middle leaves
the store as it was before the batch or after it, never with half a document. The
merges are one more transaction at close; a writer killed before it leaves the
documents' triples complete and the merges as they were, and the next writer to
open the store (even one with nothing to add) makes them again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final

import pyoxigraph as ox
import rdflib

from kg.errors import KGError
from kg.rdf.snapshot import SNAPSHOT, SORTED

if TYPE_CHECKING:
    from kg.extract.extraction import Extraction
    from kg.ingest.documents import Document
    from kg.ontology.schema import Ontology
    from kg.rdf.query import QueryResult

__all__ = [
    "FORMAT_VERSION",
    "Contribution",
    "DocumentRecord",
    "GraphStore",
    "StoreBusyError",
    "StoreError",
    "content_hash",
    "contribution",
    "contribution_graph",
    "is_store",
]

FORMAT_VERSION: Final = 2
"""The layout this kg reads and writes; a store of another version is refused."""

MARKER: Final = "kg-store.json"
_DATABASE: Final = "oxigraph"
_STALE_LOG_BYTES: Final = 64 * 2**20
"""RocksDB's write-ahead logs a writer may leave behind. They are obsolete once
flushed, but only opening the database deletes them: 1 GB of them after a 1M-triple
load, twice the database (benchmarks/scale.md), so a writer past this reopens it."""
_LOCK: Final = "kg.lock"
_FORMAT_NAME: Final = "kg-store"

MANIFEST: Final = ox.NamedNode("urn:kg:store")
_DOC_ID: Final = ox.NamedNode("urn:kg:store#documentId")
_HASH: Final = ox.NamedNode("urn:kg:store#contentHash")
_VERSION: Final = ox.NamedNode("urn:kg:store#extractionVersion")
_STATE_GRAPH: Final = ox.NamedNode("urn:kg:state")
_STATE: Final = ox.NamedNode("urn:kg:state#token")
_MERGE: Final = ox.NamedNode("urn:kg:state#merge")
_MERGED_FOR: Final = ox.NamedNode("urn:kg:state#mergedFor")
_CONTRIBUTION: Final = "urn:kg:contribution:"
_DEFAULT: Final = ox.DefaultGraph()
_LABEL: Final = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_ALT_LABEL: Final = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
_NAMES: Final = frozenset({_LABEL, _ALT_LABEL})


class StoreError(KGError):
    """A store directory that cannot be used: missing, of another format, damaged."""


class StoreBusyError(StoreError):
    """Another process is writing the store (or reading it, when this one would write)."""


@dataclass(frozen=True)
class DocumentRecord:
    """What the store remembers of one document: enough to tell whether it changed."""

    id: str
    content_hash: str
    version: str


@dataclass(frozen=True)
class Contribution:
    """One document's triples as a build made them, ready to replace what the store has."""

    record: DocumentRecord
    triples: frozenset[ox.Triple]


def contribution_graph(document_id: str) -> ox.NamedNode:
    """The named graph that holds ``document_id``'s contribution.

    >>> contribution_graph("a.txt").value.startswith("urn:kg:contribution:")
    True
    """
    digest = hashlib.sha256(document_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return ox.NamedNode(_CONTRIBUTION + digest)


def is_store(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a directory that holds a kg store (of any format version)."""
    return (Path(path) / MARKER).is_file()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class GraphStore:
    """An open kg store: a pyoxigraph ``Store`` plus kg's bookkeeping and lock.

    Open it with :meth:`open` (read-only, shared with other readers) or
    :meth:`open_for_writing` (exclusive; creates the store if needed), and close it,
    or use it as a context manager. ``.oxigraph`` is the plain ``pyoxigraph.Store``.
    """

    def __init__(self, path: Path, oxigraph: ox.Store, lock: IO[bytes], writable: bool) -> None:
        self.path = path
        self.oxigraph = oxigraph
        self.writable = writable
        self.merge = True
        """Whether a writer makes cross-document merges when it closes (the store's own
        setting unless :meth:`open_for_writing` is told otherwise)."""
        self.ontology: Ontology | None = None
        """The ontology merges are judged by (None: kg's own)."""
        self._lock: IO[bytes] | None = lock
        self._changed = False
        self._held: set[object] | None = None
        self._opened_state: str | None = None
        self._facts_dirty = False
        """Whether an update changed what merges are found from (entities' facts)."""
        self._held_dirty = False
        """Whether an update changed a triple that touches an entity merged now."""
        self._changes: dict[ox.Triple, bool] | None = {}
        """The default graph's changes since ``_opened_state`` (see :mod:`kg.rdf.snapshot`)."""

    # ------------------------------------------------------------ opening and closing

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> GraphStore:
        """Open an existing store to read it; any number of readers may share it."""
        root = Path(path)
        _check_marker(root)
        lock = _take_lock(root, exclusive=False)
        try:
            database = ox.Store.read_only(str(root / _DATABASE))
        except OSError as exc:
            lock.close()
            raise StoreError(f"{root}: cannot open the store: {_one_line(exc)}") from None
        return cls(root, database, lock, writable=False)

    @classmethod
    def open_for_writing(
        cls,
        path: str | os.PathLike[str],
        *,
        create: bool = True,
        merge: bool | None = None,
        ontology: Ontology | None = None,
    ) -> GraphStore:
        """Open (or, with ``create``, make) a store to update it, excluding everyone else.

        ``merge`` says whether the store merges entities across documents from now on
        (None: as it did before; a new store does); ``ontology`` is the one to judge
        merges by.
        """
        root = Path(path)
        fresh = not root.exists() or (root.is_dir() and not any(root.iterdir()))
        if fresh and not create:
            raise StoreError(f"{root}: no such store")
        if not fresh:
            _check_marker(root)
        root.mkdir(parents=True, exist_ok=True)
        lock = _take_lock(root, exclusive=True)
        try:
            database = ox.Store(str(root / _DATABASE))
        except OSError as exc:
            lock.close()
            raise StoreError(f"{root}: cannot open the store: {_one_line(exc)}") from None
        if fresh:
            from kg.io import atomic_write

            # Written once the database exists: a directory without it is not a store.
            marker = {"format": _FORMAT_NAME, "version": FORMAT_VERSION}
            atomic_write(root / MARKER, json.dumps(marker) + "\n")
        store = cls(root, database, lock, writable=True)
        stored = store._state_value(_MERGE)
        store.merge = (stored != "false") if merge is None else merge
        store.ontology = ontology
        store._opened_state = store.state()
        if store._opened_state is None or not (root / SORTED.format(store._opened_state)).is_file():
            store._changes = None  # nothing to patch: the snapshot is dumped and sorted
        return store

    def close(self, *, finish: bool = True) -> None:
        """Flush what was written, bring the Turtle snapshot up to date (unless
        ``finish`` is false: the caller failed) and let other processes in."""
        if self._lock is None:
            return
        if self.writable:
            work = self._merges_work() if finish else None
            if work is not None and (work or self._changed):
                self._make_merges(work)
            if finish and (self._changed or self.snapshot() is None):
                self.write_snapshot()
            self.oxigraph.flush()
            if _log_bytes(self.path / _DATABASE) > _STALE_LOG_BYTES:
                self.reopen()
        del self.oxigraph
        self._lock.close()
        self._lock = None

    def reopen(self) -> None:
        """Close Oxigraph's database and open it again, keeping the lock.

        A long build calls this between batches: RocksDB's memory for an open database
        (table readers, memtables) grows with what has been written through it, and
        reopening gives it back, so a build's peak memory follows the batch, not the
        corpus (``benchmarks/scale.md``).
        """
        if not self.writable or self._lock is None:
            return
        self.oxigraph.flush()
        del self.oxigraph
        self.oxigraph = ox.Store(str(self.path / _DATABASE))

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(finish=kind is None)

    def __repr__(self) -> str:
        return f"<GraphStore {str(self.path)!r}>"

    # ------------------------------------------------------------ reading

    def records(self) -> dict[str, DocumentRecord]:
        """Every document in the store, by id."""
        fields: dict[ox.NamedNode | ox.BlankNode | ox.Triple, dict[str, str]] = {}
        for quad in self.oxigraph.quads_for_pattern(None, None, None, MANIFEST):
            fields.setdefault(quad.subject, {})[quad.predicate.value] = str(
                getattr(quad.object, "value", "")
            )
        records = {}
        for values in fields.values():
            record = DocumentRecord(
                id=values.get(_DOC_ID.value, ""),
                content_hash=values.get(_HASH.value, ""),
                version=values.get(_VERSION.value, ""),
            )
            records[record.id] = record
        return records

    def record(self, document_id: str) -> DocumentRecord | None:
        """What the store remembers of one document, or None if it does not hold it."""
        values = {
            quad.predicate.value: str(getattr(quad.object, "value", ""))
            for quad in self.oxigraph.quads_for_pattern(
                contribution_graph(document_id), None, None, MANIFEST
            )
        }
        if values.get(_DOC_ID.value) != document_id:
            return None
        return DocumentRecord(
            document_id, values.get(_HASH.value, ""), values.get(_VERSION.value, "")
        )

    def state(self) -> str | None:
        """The token of the store's current state: it changes whenever a writer changes
        the store (see :meth:`apply`); None for a store never written by this kg."""
        return self._state_value(_STATE)

    def _state_value(self, predicate: ox.NamedNode) -> str | None:
        for quad in self.oxigraph.quads_for_pattern(_STATE_GRAPH, predicate, None, _STATE_GRAPH):
            return str(getattr(quad.object, "value", ""))
        return None

    def snapshot(self) -> Path | None:
        """The Turtle export of the current state, if a writer left one (see the module)."""
        token = self.state()
        if token is None:
            return None
        path = self.path / SNAPSHOT.format(token)
        return path if path.is_file() else None

    def triples(self) -> Iterator[ox.Triple]:
        """The merged graph, triple by triple, in no particular order."""
        for quad in self.oxigraph.quads_for_pattern(None, None, None, _DEFAULT):
            yield quad.triple

    def __len__(self) -> int:
        """The number of triples in the merged graph (counted by Oxigraph)."""
        return self.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")

    # ------------------------------------------------------------ writing

    def apply(self, contributions: Sequence[Contribution] = (), remove: Iterable[str] = ()) -> None:
        """Add or replace ``contributions`` and remove the documents named in ``remove``.

        Each document is one transaction: a process killed in the middle leaves every
        document either as it was or as it is now, never half of one. (One per
        document, not one per batch: Oxigraph's transactions slow down more than
        linearly with their size, some ten times at 80,000 quads.) A document both
        contributed and removed is contributed.
        """
        if not self.writable:
            raise StoreError(f"{self.path}: opened read-only")
        if not self._changed:
            self._new_state()
        contributed = {c.record.id: c for c in contributions}  # the last one of an id wins
        for doc_id in dict.fromkeys(remove):
            if doc_id not in contributed:
                self._apply({}, (doc_id,))
        for doc_id, contribution in contributed.items():
            self._apply({doc_id: contribution}, ())

    def _new_state(self) -> None:
        """Give the store a new state token, in a transaction of its own before any change:
        from now on the old snapshot no longer describes the store."""
        import uuid

        token = ox.Literal(uuid.uuid4().hex)
        old = list(self.oxigraph.quads_for_pattern(_STATE_GRAPH, _STATE, None, _STATE_GRAPH))
        parts = ["DELETE DATA {\n" + _quad_block(old) + "} ;"] if old else []
        parts.append(
            "INSERT DATA {\n"
            + _quad_block([ox.Quad(_STATE_GRAPH, _STATE, token, _STATE_GRAPH)])
            + "}"
        )
        self.oxigraph.update("\n".join(parts))
        self._changed = True

    def _merges_work(self) -> str:
        """What the merges need at close: "rewrite" (a triple touching a merged entity
        changed, the setting changed, or a writer died before making them: they were
        not current at open), "find" (entities' facts changed: find them again, and
        rewrite only if they differ), or "" (nothing they depend on changed)."""
        wanted = "true" if self.merge else "false"
        if (
            self._held_dirty
            or self._state_value(_MERGE) != wanted
            or self._state_value(_MERGED_FOR) != self._opened_state
        ):
            return "rewrite"
        return "find" if self._facts_dirty else ""

    def _make_merges(self, work: str) -> None:
        """Bring the merges up to date (:func:`kg.rdf.store_merges.update_merges`) as
        ``work`` says, in one transaction, with the record of the state and setting
        they were made for."""
        from kg.ontology.schema import load_ontology
        from kg.rdf.store_merges import update_merges

        if not self._changed:
            self._new_state()
        delete: list[ox.Quad] = []
        insert: list[ox.Quad] = []
        if work:
            delete, insert, _count = update_merges(
                self.oxigraph,
                self.ontology or load_ontology(),
                merge=self.merge,
                rewrite=work == "rewrite",
            )
        for predicate, value in (
            (_MERGE, "true" if self.merge else "false"),
            (_MERGED_FOR, self.state() or ""),
        ):
            delete.extend(
                self.oxigraph.quads_for_pattern(_STATE_GRAPH, predicate, None, _STATE_GRAPH)
            )
            insert.append(ox.Quad(_STATE_GRAPH, predicate, ox.Literal(value), _STATE_GRAPH))
        parts = ["DELETE DATA {\n" + _quad_block(delete) + "} ;"] if delete else []
        parts.append("INSERT DATA {\n" + _quad_block(insert) + "}")
        self._note(delete, insert)
        self.oxigraph.update("\n".join(parts))
        self._held = None

    def _note(self, delete: Iterable[ox.Quad], insert: Iterable[ox.Quad]) -> None:
        """Remember what one transaction does to the default graph, deletions first."""
        from kg.rdf.snapshot import CHANGES_CAP

        if self._changes is None:
            return
        for quads, inserted in ((delete, False), (insert, True)):
            for quad in quads:
                if isinstance(quad.graph_name, ox.DefaultGraph):
                    self._changes[quad.triple] = inserted
        if len(self._changes) > CHANGES_CAP:
            self._changes = None  # too many to patch with: dump and sort

    def write_snapshot(self) -> Path:
        """Write the Turtle snapshot of the current state (see the module and
        :func:`kg.rdf.snapshot.write_snapshot`); returns it."""
        from kg.rdf.snapshot import write_snapshot

        if self.state() is None:
            self._new_state()
        token = self.state() or ""
        target = write_snapshot(self.path, self.oxigraph, token, self._opened_state, self._changes)
        self._opened_state, self._changes = token, {}
        return target

    def _apply(self, contributed: dict[str, Contribution], remove: Iterable[str]) -> None:
        """One transaction: the documents given replace or leave what the store holds."""
        known = {
            doc_id: record
            for doc_id in set(remove) | contributed.keys()
            if (record := self.record(doc_id)) is not None
        }
        gone_ids = set(known)
        gone = {contribution_graph(i) for i in gone_ids}
        if not contributed and not gone:
            return
        old: set[ox.Triple] = set()
        for graph in gone:
            old.update(q.triple for q in self.oxigraph.quads_for_pattern(None, None, None, graph))
        new: set[ox.Triple] = set()
        for contribution in contributed.values():
            new |= contribution.triples
        insert: list[ox.Quad] = []
        delete: list[ox.Quad] = []
        # What touches an entity merged now is rewritten when the merges are made again.
        held = self._merged()
        if not (self._facts_dirty and self._held_dirty):
            from kg.rdf.store_merges import merge_inputs

            (facts_old, held_old), (facts_new, held_new) = (
                merge_inputs(old, held),
                merge_inputs(new, held),
            )
            self._facts_dirty = self._facts_dirty or facts_old != facts_new
            self._held_dirty = self._held_dirty or held_old != held_new
        for triple in old - new:
            if (
                triple.predicate not in _NAMES
                and triple.subject not in held
                and triple.object not in held
                and not self._supported(triple, gone)
            ):
                delete.append(ox.Quad(triple.subject, triple.predicate, triple.object, _DEFAULT))
        insert.extend(
            ox.Quad(t.subject, t.predicate, t.object, _DEFAULT)
            for t in new
            if t.predicate not in _NAMES and t.subject not in held and t.object not in held
        )
        given: dict[object, tuple[set[ox.Literal], set[ox.Literal]]] = {}
        for t in new:
            if t.predicate in _NAMES and isinstance(t.object, ox.Literal):
                labels, names = given.setdefault(t.subject, (set(), set()))
                names.add(t.object)
                if t.predicate == _LABEL:
                    labels.add(t.object)
        lost: dict[object, set[tuple[ox.NamedNode, ox.Literal]]] = {}
        for t in old:
            if t.predicate in _NAMES and isinstance(t.object, ox.Literal):
                lost.setdefault(t.subject, set()).add((t.predicate, t.object))
        for subject in ({t.subject for t in new if t.predicate in _NAMES} | lost.keys()) - held:
            self._rename(
                subject,  # type: ignore[arg-type]
                gone,
                lost.get(subject, set()),
                given.get(subject, (set(), set())),
                insert,
                delete,
            )
        for doc_id, contribution in contributed.items():
            graph = contribution_graph(doc_id)
            insert.extend(
                ox.Quad(t.subject, t.predicate, t.object, graph) for t in contribution.triples
            )
            insert.extend(_manifest_quads(graph, contribution.record))
        for doc_id in gone_ids:
            delete.extend(_manifest_quads(contribution_graph(doc_id), known[doc_id]))
        self._note(delete, insert)
        if not gone and not delete:
            self.oxigraph.extend(insert)  # one transaction
            return
        # One SPARQL update request is one transaction in Oxigraph.
        parts = [f"DROP SILENT GRAPH {graph} ;" for graph in sorted(gone, key=str)]
        if delete:
            parts.append("DELETE DATA {\n" + _quad_block(delete) + "} ;")
        parts.append("INSERT DATA {\n" + _quad_block(insert) + "}")
        self.oxigraph.update("\n".join(parts))

    def _merged(self) -> set[object]:
        """Every entity a merge of the default graph names, alias or canonical."""
        if self._held is None:
            from kg.rdf.store_merges import merged_entities

            self._held = set(merged_entities(self.oxigraph)[1])
        return self._held

    def _supported(self, triple: ox.Triple, gone: set[ox.NamedNode]) -> bool:
        """Whether a document that stays gives ``triple`` too."""
        for quad in self.oxigraph.quads_for_pattern(
            triple.subject, triple.predicate, triple.object
        ):
            graph = quad.graph_name
            if (
                isinstance(graph, ox.NamedNode)
                and graph.value.startswith(_CONTRIBUTION)
                and graph not in gone
            ):
                return True
        return False

    def _rename(
        self,
        subject: ox.NamedNode | ox.BlankNode | ox.Triple,
        gone: set[ox.NamedNode],
        lost: set[tuple[ox.NamedNode, ox.Literal]],
        given: tuple[set[ox.Literal], set[ox.Literal]],
        insert: list[ox.Quad],
        delete: list[ox.Quad],
    ) -> None:
        """Choose ``subject``'s label and altLabels again, as a fresh build would
        (:func:`kg.rdf.store_merges.choose_names`), from the names the documents that
        stay give it and ``given`` (the labels and names the new documents give it).

        The default graph's names are those of the documents held (its label the least
        of their labels), so only the names in ``lost`` (those the documents in ``gone``
        gave it) are looked up again, each until one document that stays gives it.
        Reading every document's names of an entity a thousand articles name, at every
        batch, is what made a build's writing grow faster than its corpus.
        """
        from kg.rdf.store_merges import choose_names

        def still(predicate: ox.NamedNode, name: ox.Literal | None) -> bool:
            return any(
                isinstance(q.graph_name, ox.NamedNode)
                and q.graph_name.value.startswith(_CONTRIBUTION)
                and q.graph_name not in gone
                for q in self.oxigraph.quads_for_pattern(subject, predicate, name)
            )

        current = {
            quad
            for predicate in (_LABEL, _ALT_LABEL)
            for quad in self.oxigraph.quads_for_pattern(subject, predicate, None, _DEFAULT)
        }
        names = {q.object for q in current if isinstance(q.object, ox.Literal)}
        labels = {
            q.object for q in current if q.predicate == _LABEL and isinstance(q.object, ox.Literal)
        }
        for _predicate, name in lost:
            if name in names and not (still(_LABEL, name) or still(_ALT_LABEL, name)):
                names.discard(name)
        if any(p == _LABEL and name in labels for p, name in lost) and not all(
            still(_LABEL, label) for label in labels
        ):
            labels = {  # the least label went: the least of those left, from every document
                q.object
                for q in self.oxigraph.quads_for_pattern(subject, _LABEL, None)
                if isinstance(q.object, ox.Literal)
                and isinstance(q.graph_name, ox.NamedNode)
                and q.graph_name.value.startswith(_CONTRIBUTION)
                and q.graph_name not in gone
            }
        wanted = {
            ox.Quad(t.subject, t.predicate, t.object, _DEFAULT)
            for t in choose_names(subject, labels | given[0], names | given[1])
        }
        delete.extend(current - wanted)
        insert.extend(wanted - current)

    # ------------------------------------------------------------ asking and exporting

    def query(self, sparql: str, *, timeout: float | None = 30.0) -> QueryResult:
        """Run SPARQL in kg's sandbox on the merged graph (see :func:`kg.rdf.query.query_store`)."""
        from kg.rdf.query import query_store

        if self.writable:
            self.oxigraph.flush()  # the query process reads what is on disk
        return query_store(str(self.path / _DATABASE), sparql, timeout=timeout)

    def count(self, sparql: str) -> int:
        """The one integer a trusted ``SELECT (COUNT(...) AS ?n)`` of kg's own answers."""
        from kg.ontology.schema import PREFIXES

        result = self.oxigraph.query(sparql, prefixes=dict(PREFIXES), named_graphs=[])
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("count() takes a SELECT query")
        for solution in result:
            value = solution[0]
            return int(value.value) if isinstance(value, ox.Literal) else 0
        return 0

    def turtle(self) -> bytes:
        """The merged graph as Turtle, byte for byte what a fresh build of the same
        documents writes (see :func:`kg.rdf.export.turtle`): the snapshot, if current."""
        from kg.rdf.export import turtle

        snapshot = self.snapshot()
        if snapshot is not None:
            with contextlib.suppress(FileNotFoundError):
                return snapshot.read_bytes()
        return turtle(self.triples())

    def export(self, path: str | os.PathLike[str], fmt: str) -> None:
        """Write the merged graph to ``path`` atomically; Turtle and TriG stream from the
        store (memory bounded, see :func:`kg.rdf.export.write_turtle`)."""
        from kg.io import atomic_write, atomic_writer
        from kg.rdf.export import write_turtle

        if fmt in ("ttl", "trig"):
            # TriG of a default graph alone is Turtle's text, so one snapshot serves both.
            snapshot = self.snapshot()
            if snapshot is not None:
                import shutil

                with (
                    contextlib.suppress(FileNotFoundError),
                    snapshot.open("rb") as source,
                    atomic_writer(path, binary=True) as out,
                ):
                    shutil.copyfileobj(source, out, 1 << 20)
                    return
            kind = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.TRIG
            with atomic_writer(path, binary=True) as out:
                write_turtle(self.triples(), out, kind)
            return
        atomic_write(path, self.serialize(fmt))

    def serialize(self, fmt: str) -> bytes:
        """The merged graph in export format ``fmt`` (see :func:`kg.rdf.export.serialize`)."""
        from kg.rdf.export import serialize

        if fmt == "ttl":
            return self.turtle()
        return serialize(self.to_rdflib(), fmt)

    def to_rdflib(self) -> rdflib.Graph:
        """The merged graph as an in-memory ``rdflib.Graph`` (for the view and rdflib code)."""
        from kg.rdf.export import rdflib_graph

        return rdflib_graph(self.triples())


def content_hash(document: Document) -> str:
    """A hash of everything a document contributes from: its id, text and metadata.

    >>> from kg.ingest.documents import Document
    >>> content_hash(Document("a", "x")) == content_hash(Document("a", "x", title=None))
    True
    """
    fields = [document.id, document.text, document.title, document.date, document.url]
    data = json.dumps(fields, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def contribution(
    document: Document, extraction: Extraction, ontology: Ontology, version: str
) -> Contribution:
    """One document's triples, exactly as :func:`~kg.rdf.triples.add_extraction` makes
    them on an empty graph, with the record that says what they came from."""
    from kg.rdf.export import oxigraph_triples
    from kg.rdf.triples import add_extraction, new_graph

    graph = new_graph()
    add_extraction(graph, document, extraction, ontology)
    record = DocumentRecord(document.id, content_hash(document), version)
    return Contribution(record, frozenset(oxigraph_triples(graph)))


def _manifest_quads(graph: ox.NamedNode, record: DocumentRecord) -> list[ox.Quad]:
    return [
        ox.Quad(graph, _DOC_ID, ox.Literal(record.id), MANIFEST),
        ox.Quad(graph, _HASH, ox.Literal(record.content_hash), MANIFEST),
        ox.Quad(graph, _VERSION, ox.Literal(record.version), MANIFEST),
    ]


def _quad_block(quads: Iterable[ox.Quad]) -> str:
    """Quads as the body of ``INSERT DATA``/``DELETE DATA``: default-graph triples, then
    one ``GRAPH`` block per named graph. Terms print in N-Triples form, which is SPARQL."""
    by_graph: dict[str, list[str]] = {}
    for quad in quads:
        key = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
        by_graph.setdefault(key, []).append(f"{quad.subject} {quad.predicate} {quad.object} .")
    lines = []
    for graph, triples in by_graph.items():
        if graph:
            lines.append(f"GRAPH {graph} {{")
        lines.extend(triples)
        if graph:
            lines.append("}")
    return "\n".join(lines) + "\n"


def _check_marker(root: Path) -> None:
    marker = root / MARKER
    if not root.is_dir():
        raise StoreError(f"{root}: no such store")
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{root}: not a kg store (it has no {MARKER})") from None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{root}: damaged {MARKER}: {_one_line(exc)}") from None
    if not isinstance(data, dict) or data.get("format") != _FORMAT_NAME:
        raise StoreError(f"{root}: {MARKER} does not describe a kg store")
    version = data.get("version")
    if version != FORMAT_VERSION:
        raise StoreError(
            f"{root}: store format version {version!r}, but this kg reads version "
            f"{FORMAT_VERSION}: rebuild it with `kg build ... --store NEW_DIR`, or use the "
            "kg version that wrote it"
        )


def _log_bytes(database: Path) -> int:
    """The size of the database's write-ahead logs (``*.log``)."""
    try:
        return sum(
            entry.stat().st_size for entry in os.scandir(database) if entry.name.endswith(".log")
        )
    except OSError:
        return 0


def _take_lock(root: Path, *, exclusive: bool) -> IO[bytes]:
    """Hold ``kg.lock``: exclusively to write, shared to read; never wait for it.

    ``flock`` locks go with the process: one killed mid-build releases its lock, so a
    crashed build never leaves a store locked.
    """
    try:
        handle = open(root / _LOCK, "a+b")  # noqa: SIM115 (held until close())
    except OSError as exc:
        raise StoreError(f"{root}: cannot open {_LOCK}: {_one_line(exc)}") from None
    try:
        fcntl.flock(handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        doing = "writing" if not exclusive else "using"
        raise StoreBusyError(
            f"{root}: another kg process is {doing} this store; try again when it has finished"
        ) from None
    if exclusive:
        with contextlib.suppress(OSError):
            handle.truncate(0)
            handle.write(f"{os.getpid()}\n".encode())
            handle.flush()
    return handle
