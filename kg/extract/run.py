"""The extraction loop: Documents through ``nlp.pipe`` in batches, each Doc extracted
as soon as it is parsed.

It is the one loop: :func:`kg.build` and :func:`kg.learn.evaluate.evaluate` both
consume it, so what is scored is exactly what a build writes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from kg.extract.extraction import Extraction, extract
from kg.extract.nlp import load_model, parse
from kg.ingest.documents import Document, InputProblem, report_problem
from kg.ontology.schema import Ontology, load_ontology

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.extract.model import TrainedModel
    from kg.extract.relations.classifier import RelationClassifier

__all__ = ["PROGRESS_MIN_DOCUMENTS", "extract_documents", "resolve_model"]

PROGRESS_MIN_DOCUMENTS = 5
"""A progress bar shows on a terminal for more documents than this."""


def extract_documents(
    documents: Sequence[Document],
    *,
    model: str | os.PathLike[str] | TrainedModel | None = None,
    nlp: Language | None = None,
    ontology: Ontology | None = None,
    progress: bool | None = None,
    batch_size: int | None = None,
    on_problem: Callable[[InputProblem], None] | None = None,
) -> Iterator[tuple[Document, Extraction]]:
    """Parse and extract documents in batches, yielding each as soon as it is done.

    See the module docs: every use of extraction goes through here. A document that
    runs on too long with no sentence boundary is parsed in bounded pieces (see
    :func:`kg.extract.nlp.bounded_pieces`) and built, with one warning naming it
    to ``on_problem``.
    """
    onto = ontology or load_ontology()
    language, classifier = resolve_model(model, nlp, onto)
    show = (
        progress
        if progress is not None
        else (sys.stderr.isatty() and len(documents) > PROGRESS_MIN_DOCUMENTS)
    )
    from tqdm import tqdm

    def on_cut(index: int, message: str) -> None:
        (on_problem or report_problem)(InputProblem(documents[index].id, message))

    with tqdm(total=len(documents), unit="doc", disable=not show, file=sys.stderr) as bar:
        for document, doc in zip(
            documents,
            parse(language, (d.text for d in documents), batch_size=batch_size, on_cut=on_cut),
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
    wrote (it holds a ``kg-model.json``), or a :class:`~kg.extract.model.TrainedModel`.
    """
    from kg.extract.model import TrainedModel, is_model_dir, load_trained

    if isinstance(model, TrainedModel) or (model is not None and is_model_dir(model)):
        if nlp is not None:
            raise ValueError("pass a trained model or a spaCy pipeline (nlp), not both")
        trained = model if isinstance(model, TrainedModel) else load_trained(model, ontology)
        return trained.nlp, trained.classifier
    if nlp is not None:
        return nlp, None
    return load_model(None if model is None else os.fspath(model)), None
