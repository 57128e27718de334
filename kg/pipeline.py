"""The whole flow: inputs → Documents → spaCy Docs → extractions → one RDF graph.

:func:`build` is the public entry point behind ``kg build``. Documents stream
through ``nlp.pipe`` in batches; each parsed Doc is extracted and added to the
graph at once, so only one batch of Docs is in memory at a time.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from kg.errors import InputError
from kg.extract.run import extract_documents
from kg.graph import KnowledgeGraph
from kg.ingest.collect import Source, collect_documents
from kg.ingest.documents import InputProblem
from kg.ontology.schema import Ontology, load_ontology
from kg.rdf.resolve import resolve
from kg.rdf.triples import add_extraction

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.extract.model import TrainedModel

__all__ = ["build"]


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
