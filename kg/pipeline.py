"""The whole flow: inputs → Documents → spaCy Docs → extractions → one RDF graph.

:func:`build` is the public entry point behind ``kg build``. Documents stream
through ``nlp.pipe`` in batches; each parsed Doc is extracted and added to the
graph at once, so only one batch of Docs is in memory at a time.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from kg.documents import (
    Document,
    InputProblem,
    document_problem,
    read_documents,
    report_problem,
)
from kg.errors import InputError
from kg.extract import Extraction, extract
from kg.graph import KnowledgeGraph
from kg.nlp import load_model, parse
from kg.ontology import Ontology, load_ontology
from kg.triples import add_extraction

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.model import TrainedModel
    from kg.relations.classifier import RelationClassifier

__all__ = [
    "PROGRESS_MIN_DOCUMENTS",
    "build",
    "collect_documents",
    "extract_documents",
    "resolve_model",
]

PROGRESS_MIN_DOCUMENTS = 5
"""A progress bar shows on a terminal for more documents than this."""

Source = str | os.PathLike[str] | Document


def collect_documents(
    inputs: Iterable[Source] | Source, *, on_problem: Callable[[InputProblem], None] | None = None
) -> list[Document]:
    """Documents from paths, ``-`` (standard input) and ready-made :class:`Document` objects."""
    if isinstance(inputs, (str, os.PathLike, Document)):
        inputs = [inputs]
    items = list(inputs)
    paths = [item for item in items if not isinstance(item, Document)]
    given = []
    for document in (item for item in items if isinstance(item, Document)):
        problem = document_problem(document)
        if problem is None:
            given.append(document)
        else:  # it could never be written out: skip it now, not fail after the build
            (on_problem or report_problem)(problem)
    return given + (list(read_documents(paths, on_problem=on_problem)) if paths else [])


def build(
    inputs: Iterable[Source] | Source,
    *,
    model: str | os.PathLike[str] | TrainedModel | None = None,
    nlp: Language | None = None,
    ontology: Ontology | None = None,
    on_problem: Callable[[InputProblem], None] | None = None,
    progress: bool | None = None,
    batch_size: int | None = None,
) -> KnowledgeGraph:
    """Build a knowledge graph from files, directories, ``-`` or :class:`Document` objects.

    ``model`` names a spaCy pipeline (default: see :func:`kg.nlp.load_model`) or a
    model directory made by ``kg train``, whose extractors then run beside the
    rules; ``nlp`` passes a spaCy pipeline already loaded. Problems with single
    inputs go to ``on_problem`` and do not stop the build;
    :class:`~kg.errors.InputError` is raised when a named input does not exist or
    no document at all could be read.
    """
    documents = collect_documents(inputs, on_problem=on_problem)
    if not documents:
        raise InputError("no document could be read from the inputs")
    onto = ontology or load_ontology()
    kg = KnowledgeGraph()
    with _fewer_collections():
        for document, extraction in extract_documents(
            documents,
            model=model,
            nlp=nlp,
            ontology=onto,
            progress=progress,
            batch_size=batch_size,
        ):
            add_extraction(kg.graph, document, extraction, onto)
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


def extract_documents(
    documents: Sequence[Document],
    *,
    model: str | os.PathLike[str] | TrainedModel | None = None,
    nlp: Language | None = None,
    ontology: Ontology | None = None,
    progress: bool | None = None,
    batch_size: int | None = None,
) -> Iterator[tuple[Document, Extraction]]:
    """Parse and extract documents in batches, yielding each as soon as it is done.

    This is the one extraction loop: :func:`build` and :func:`kg.evaluate.evaluate`
    both consume it, so what is scored is exactly what a build writes.
    """
    onto = ontology or load_ontology()
    language, classifier = resolve_model(model, nlp, onto)
    show = (
        progress
        if progress is not None
        else (sys.stderr.isatty() and len(documents) > PROGRESS_MIN_DOCUMENTS)
    )
    from tqdm import tqdm

    with tqdm(total=len(documents), unit="doc", disable=not show, file=sys.stderr) as bar:
        for document, doc in zip(
            documents,
            parse(language, (d.text for d in documents), batch_size=batch_size),
            strict=True,
        ):
            doc.user_data["kg.text"] = document.text  # parse() keeps the text exactly
            yield document, extract(doc, onto, classifier=classifier)
            bar.update(1)


def resolve_model(
    model: str | os.PathLike[str] | TrainedModel | None,
    nlp: Language | None,
    ontology: Ontology,
) -> tuple[Language, RelationClassifier | None]:
    """The spaCy pipeline to parse with, and the trained relation classifier if any.

    ``model`` may be a spaCy pipeline's name or path, or a directory ``kg train``
    wrote (it holds a ``kg-model.json``), or a :class:`~kg.model.TrainedModel`.
    """
    from kg.model import TrainedModel, is_model_dir, load_trained

    if isinstance(model, TrainedModel) or (model is not None and is_model_dir(model)):
        if nlp is not None:
            raise ValueError("pass a trained model or a spaCy pipeline (nlp), not both")
        trained = model if isinstance(model, TrainedModel) else load_trained(model, ontology)
        return trained.nlp, trained.classifier
    if nlp is not None:
        return nlp, None
    return load_model(None if model is None else os.fspath(model)), None
