"""The whole flow: inputs → Documents → spaCy Docs → extractions → one RDF graph.

:func:`build` is the public entry point behind ``kg build``. Documents stream
through ``nlp.pipe`` in batches; each parsed Doc is extracted and added to the
graph at once, so only one batch of Docs is in memory at a time.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import hashlib
import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from kg.errors import InputError, KGError
from kg.extract.extraction import Extraction
from kg.extract.run import extract_documents
from kg.graph import KnowledgeGraph
from kg.ingest.collect import Source, collect_documents
from kg.ingest.documents import Document, InputProblem, document_problem, report_problem
from kg.ingest.read import read_documents
from kg.ontology.schema import Ontology, load_ontology
from kg.rdf.resolve import resolve
from kg.rdf.triples import add_extraction

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.extract.model import TrainedModel

__all__ = [
    "StoreBuild",
    "build",
    "build_store",
    "default_workers",
    "extraction_version",
    "remove_documents",
]

_BATCH: Final = 64
"""Documents per batch: one store transaction, one task for a worker."""


def build(
    inputs: Iterable[Source] | Source,
    *,
    model: str | os.PathLike[str] | TrainedModel | None = None,
    nlp: Language | None = None,
    ontology: Ontology | None = None,
    on_problem: Callable[[InputProblem], None] | None = None,
    progress: bool | None = None,
    batch_size: int | None = None,
    merge: bool = True,
    workers: int | None = 1,
    dask: str | None = None,
) -> KnowledgeGraph:
    """Build a knowledge graph from files, directories, ``-`` or :class:`Document` objects.

    ``model`` names a spaCy pipeline (default: see :func:`kg.extract.nlp.load_model`) or a
    model directory made by ``kg train``, whose extractors then run beside the
    rules; ``nlp`` passes a spaCy pipeline already loaded. Problems with single
    inputs go to ``on_problem`` and do not stop the build;
    :class:`~kg.errors.InputError` is raised when a named input does not exist or
    no document at all could be read. With ``merge`` (the default), people and
    organisations that several documents name differently are linked across them
    (:mod:`kg.rdf.resolve`).

    ``workers`` processes (``None``: see :func:`default_workers`), or the Dask
    scheduler at ``dask``, parse and extract in batches; the graph is the same for
    any number of them, as every document's triples are added in input order.
    """
    documents = collect_documents(inputs, on_problem=on_problem)
    if not documents:
        raise InputError("no document could be read from the inputs")
    onto = ontology or load_ontology()
    kg = KnowledgeGraph()
    if workers != 1 or dask is not None:
        runner = _Runner(model, nlp, onto, None, workers, dask)
        try:
            with _fewer_collections():
                chunks = _chunks(documents, batch_size or _BATCH)
                for chunk, extractions in runner.run(chunks, progress):
                    for document, extraction in zip(chunk, extractions, strict=True):
                        add_extraction(kg.graph, document, extraction, onto)
        finally:
            runner.close()
        if merge and len(documents) > 1:
            resolve(kg.graph, onto)
        return kg
    with _fewer_collections():
        for document, extraction in extract_documents(
            documents,
            model=model,
            nlp=nlp,
            ontology=onto,
            progress=progress,
            batch_size=batch_size,
            on_problem=on_problem,
        ):
            add_extraction(kg.graph, document, extraction, onto)
    if merge and len(documents) > 1:
        resolve(kg.graph, onto)
    return kg


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Let Python's cycle collector run less often while a build allocates.

    A build makes millions of small objects (tokens, spans, RDF terms) and keeps a
    growing graph of them; with the default thresholds the collector walks that
    graph again and again, which cost a tenth of a 100,000-word build
    (``benchmarks/throughput.py``). Collections still happen, every 50,000
    allocations instead of 700; the caller's settings come back afterwards.
    """
    old = gc.get_threshold()
    gc.set_threshold(50_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*old)


# ---------------------------------------------------------------- builds into a store


@dataclass(frozen=True)
class StoreBuild:
    """What ``build_store`` did: how many documents it added, replaced, kept and removed.

    ``version_changed`` counts documents whose text is the same but which were
    extracted by another kg, ontology or model, and so were extracted again.
    """

    store: str
    added: int
    replaced: int
    unchanged: int
    removed: int
    version_changed: int
    version: str


def extraction_version(model_id: str, ontology_dir: Path) -> str:
    """What a document's extraction depends on besides its text: kg, the ontology, the model.

    A hash of kg's version, every ontology file's bytes and the model's identity; a
    store remembers it per document, and a build re-extracts what another gave.
    """
    from kg._version import __version__

    digest = hashlib.sha256()
    for part in (f"kg {__version__}", f"model {model_id}"):
        digest.update(part.encode("utf-8") + b"\0")
    for path in sorted(ontology_dir.glob("*.ttl")):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def _model_id(language: Language, trained: TrainedModel | None) -> str:
    if trained is not None:
        return f"kg-model {trained.id}"
    meta = language.meta
    return (
        f"spacy {meta.get('lang')}_{meta.get('name')} {meta.get('version')} {language.pipe_names}"
    )


def _chunks(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build_store(
    inputs: Iterable[Source] | Source,
    store: str | os.PathLike[str],
    *,
    prune: bool = False,
    model: str | os.PathLike[str] | TrainedModel | None = None,
    nlp: Language | None = None,
    ontology_dir: str | os.PathLike[str] | None = None,
    on_problem: Callable[[InputProblem], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
    progress: bool | None = None,
    batch_size: int = _BATCH,
    workers: int | None = 1,
    dask: str | None = None,
    merge: bool | None = None,
) -> StoreBuild:
    """Build into (or update) the store at ``store``; see :mod:`kg.rdf.store`.

    Documents are read lazily and written ``batch_size`` at a time, each batch one
    transaction, so memory depends on the batch, not the corpus. A document whose
    content hash and extraction version (:func:`extraction_version`) the store
    already has is skipped; a changed one is extracted again and replaces its old
    contribution; with ``prune``, documents no longer among the inputs are removed.
    ``workers`` processes (or the Dask scheduler at ``dask``) parse and extract;
    the store ends up the same for any number of them. ``on_notice`` hears one line
    when a new kg, ontology or model makes documents be extracted again. ``merge``
    turns cross-document merges on or off for this store from now on (None: as the
    store was built; a new store merges); the merged graph is what :func:`build`
    gives for the same documents.
    """
    from kg.ontology.schema import ontology_dir as default_ontology_dir
    from kg.rdf.store import GraphStore, content_hash, contribution

    folder = Path(ontology_dir) if ontology_dir is not None else default_ontology_dir()
    onto = load_ontology(str(folder) if ontology_dir is not None else None)
    documents = _iter_documents(inputs, on_problem)
    with GraphStore.open_for_writing(store, merge=merge, ontology=onto) as target:
        known = target.records()
        runner = _Runner(model, nlp, onto, ontology_dir, workers, dask)
        version = extraction_version(runner.model_id, folder)
        seen: set[str] = set()
        counts = {"added": 0, "replaced": 0, "unchanged": 0, "stale": 0}

        def todo() -> Iterator[Document]:
            for document in documents:
                if document.id in seen:
                    continue
                seen.add(document.id)
                record = known.get(document.id)
                digest = content_hash(document)
                if record is not None and record.content_hash == digest:
                    if record.version == version:
                        counts["unchanged"] += 1
                        continue
                    counts["stale"] += 1
                counts["replaced" if record is not None else "added"] += 1
                yield document

        if any(r.version != version for r in known.values()) and on_notice is not None:
            on_notice(
                f"{target.path}: kg, the ontology or the model changed since the store was "
                "built; documents extracted with the old one are extracted again"
            )
        with _fewer_collections():
            for chunk, extractions in runner.run(_chunks(todo(), batch_size), progress):
                target.apply(
                    [
                        contribution(d, e, onto, version)
                        for d, e in zip(chunk, extractions, strict=True)
                    ]
                )
                target.reopen()  # memory by the batch, not the corpus
        if not seen:  # nothing was written; and --prune must not empty the store
            raise InputError("no document could be read from the inputs")
        removed = sorted(known.keys() - seen) if prune else []
        for start in range(0, len(removed), batch_size):
            target.apply(remove=removed[start : start + batch_size])
        runner.close()
    return StoreBuild(
        store=os.fspath(store),
        added=counts["added"],
        replaced=counts["replaced"],
        unchanged=counts["unchanged"],
        removed=len(removed),
        version_changed=counts["stale"],
        version=version,
    )


def remove_documents(store: str | os.PathLike[str], ids: Iterable[str]) -> list[str]:
    """Remove the named documents' contributions from ``store``; returns the ids not found."""
    from kg.rdf.store import GraphStore

    wanted = list(dict.fromkeys(ids))
    with GraphStore.open_for_writing(store, create=False) as target:
        known = target.records()
        target.apply(remove=[i for i in wanted if i in known])
    return [i for i in wanted if i not in known]


def _iter_documents(
    inputs: Iterable[Source] | Source, on_problem: Callable[[InputProblem], None] | None
) -> Iterator[Document]:
    """:func:`~kg.ingest.collect.collect_documents`, one document at a time.

    Ready-made Documents first, then what the paths hold, as there; a missing path
    raises :class:`~kg.errors.InputError` here, before anything is read.
    """
    if isinstance(inputs, str | os.PathLike | Document):
        inputs = [inputs]
    items = list(inputs)
    paths = [item for item in items if not isinstance(item, Document)]
    files = read_documents(paths, on_problem=on_problem) if paths else iter(())

    def generate() -> Iterator[Document]:
        for document in (item for item in items if isinstance(item, Document)):
            problem = document_problem(document)
            if problem is None:
                yield document
            else:
                (on_problem or report_problem)(problem)
        yield from files

    return generate()


# ---------------------------------------------------------------- parallel extraction


@dataclass(frozen=True)
class _Job:
    """What a worker process needs to extract exactly as this process would."""

    model: str | None
    ontology_dir: str | None


_WORKER_STATE: dict[_Job, tuple[Language, TrainedModel | None, Ontology]] = {}


def _worker_model(job: _Job) -> tuple[Language, TrainedModel | None, Ontology]:
    state = _WORKER_STATE.get(job)
    if state is None:
        from kg.extract.model import is_model_dir, load_trained
        from kg.extract.nlp import load_model

        onto = load_ontology(job.ontology_dir)
        if job.model is not None and is_model_dir(job.model):
            trained = load_trained(job.model, onto)
            state = (trained.nlp, trained, onto)
        else:
            state = (load_model(job.model), None, onto)
        _WORKER_STATE.clear()
        _WORKER_STATE[job] = state
    return state


def _extract_chunk(job: _Job, documents: list[Document]) -> list[Extraction]:
    """Parse and extract ``documents`` in a worker (a pool process or a Dask worker).

    Only what the graph needs travels back (entities, relations, quotes, titles):
    the mentions are for evaluation.
    """
    language, trained, onto = _worker_model(job)
    with _fewer_collections():
        return [
            Extraction(e.entities, e.relations, e.quotes, titles=e.titles)
            for _, e in extract_documents(
                documents,
                model=trained,
                nlp=None if trained else language,
                ontology=onto,
                progress=False,
            )
        ]


def default_workers(cpus: int | None = None) -> int:
    """How many processes a large build uses by default: one per core, at most four.

    Each holds its own spaCy model (a few hundred MB), and past four the one process
    that writes the store is what a build waits for.
    """
    return max(1, min(4, cpus if cpus is not None else (os.cpu_count() or 1)))


_SMALL_BUILD: Final = 2
"""Builds of at most this many batches run in this process: starting workers (each
loads the model) costs more than it saves."""


class _Runner:
    """Runs the extraction of batches here, in a process pool or on Dask, in input order."""

    def __init__(
        self,
        model: str | os.PathLike[str] | TrainedModel | None,
        nlp: Language | None,
        onto: Ontology,
        ontology_dir: str | os.PathLike[str] | None,
        workers: int | None,
        dask: str | None,
    ) -> None:
        from kg.extract.model import TrainedModel, is_model_dir, load_trained
        from kg.extract.nlp import load_model

        self.onto = onto
        self.trained: TrainedModel | None = None
        if isinstance(model, TrainedModel):
            self.trained = model
        elif model is not None and nlp is None and is_model_dir(model):
            self.trained = load_trained(model, onto)
        if self.trained is not None:
            if nlp is not None:
                raise ValueError("pass a trained model or a spaCy pipeline (nlp), not both")
            self.language: Language = self.trained.nlp
        else:
            self.language = (
                nlp
                if nlp is not None
                else load_model(
                    None if model is None or isinstance(model, TrainedModel) else os.fspath(model)
                )
            )
        self.model_id = _model_id(self.language, self.trained)
        shippable = nlp is None and not isinstance(model, TrainedModel)
        if (dask is not None or (workers or 1) > 1) and not shippable:
            raise ValueError(
                "workers and Dask load the model by name: pass model= a name or a path, "
                "not a loaded pipeline or TrainedModel"
            )
        self.job = _Job(
            None if model is None or isinstance(model, TrainedModel) else os.fspath(model),
            None if ontology_dir is None else os.fspath(ontology_dir),
        )
        self.workers = workers
        self.dask = dask
        self._closers: list[Callable[[], object]] = []

    def close(self) -> None:
        for close in reversed(self._closers):
            close()
        self._closers.clear()

    def _here(self, chunk: list[Document]) -> list[Extraction]:
        return [
            e
            for _, e in extract_documents(
                chunk,
                model=self.trained,
                nlp=None if self.trained else self.language,
                ontology=self.onto,
                progress=False,
            )
        ]

    def run(
        self, chunks: Iterator[list[Document]], progress: bool | None
    ) -> Iterator[tuple[list[Document], list[Extraction]]]:
        """Yield each chunk with its extractions, in the order the chunks came."""
        from tqdm import tqdm

        show = progress if progress is not None else sys.stderr.isatty()
        ahead = list(itertools.islice(chunks, _SMALL_BUILD + 1))
        everything = itertools.chain(ahead, chunks)
        workers = self.workers
        if workers is None:
            workers = 1 if len(ahead) <= _SMALL_BUILD else default_workers()
        with tqdm(unit="doc", disable=not show, file=sys.stderr) as bar:
            if self.dask is not None:
                results = self._on_dask(everything)
            elif workers > 1:
                results = self._in_pool(everything, workers)
            else:
                results = ((chunk, self._here(chunk)) for chunk in everything)
            for chunk, extractions in results:
                yield chunk, extractions
                bar.update(len(chunk))

    def _in_pool(
        self, chunks: Iterator[list[Document]], workers: int
    ) -> Iterator[tuple[list[Document], list[Extraction]]]:
        import concurrent.futures
        import multiprocessing

        # "spawn": a fresh interpreter per worker, never a fork of a process that has
        # an open store and its threads.
        pool = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn")
        )
        self._closers.append(lambda: pool.shutdown(cancel_futures=True))
        yield from _in_order(
            chunks, lambda chunk: pool.submit(_extract_chunk, self.job, chunk), 2 * workers
        )

    def _on_dask(
        self, chunks: Iterator[list[Document]]
    ) -> Iterator[tuple[list[Document], list[Extraction]]]:
        try:
            from distributed import Client
        except ImportError:
            raise KGError('--dask needs the dask extra: pip install "kg[dask]"') from None
        try:
            client = Client(self.dask, timeout=30)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise KGError(f"cannot reach the Dask scheduler at {self.dask}: {exc}") from None
        self._closers.append(client.close)
        window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
        yield from _in_order(
            chunks,
            lambda chunk: client.submit(_extract_chunk, self.job, chunk, pure=False),
            window,
        )


def _in_order(
    chunks: Iterator[list[Document]],
    submit: Callable[[list[Document]], Any],
    window: int,
) -> Iterator[tuple[list[Document], list[Extraction]]]:
    """Keep ``window`` chunks in flight and hand results back in submission order.

    A bounded window, so that the documents read ahead stay a few batches, however
    large the corpus (an executor's ``map`` would read every input first).
    """
    pending: collections.deque[tuple[list[Document], Any]] = collections.deque()
    for chunk in chunks:
        pending.append((chunk, submit(chunk)))
        if len(pending) >= window:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()
