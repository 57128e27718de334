"""``kg evaluate``: extract gold documents with kg's own loop and score the result.

Predictions come from :func:`kg.extract.run.extract_documents`, the loop ``kg build``
runs, so the score is the score of what a build writes; :mod:`kg.learn.score` says how
it is scored, and :mod:`kg.learn.report` how it is shown.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from kg.extract.extraction import Extraction
from kg.ingest.documents import Document
from kg.learn.gold import GoldDocument, read_gold
from kg.learn.score import Report, score
from kg.ontology.labelmap import LabelMap, load_label_map
from kg.ontology.schema import Ontology, load_ontology

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.extract.model import TrainedModel

__all__ = ["evaluate"]

# --------------------------------------------------------------------------- evaluate


def _extractions(
    gold: Sequence[GoldDocument],
    *,
    model: str | os.PathLike[str] | TrainedModel | None,
    nlp: Language | None,
    ontology: Ontology,
    progress: bool | None,
    batch_size: int | None,
) -> Iterator[tuple[GoldDocument, Extraction]]:
    from kg.extract.run import extract_documents

    documents = [Document(id=g.id, text=g.text) for g in gold]
    by_id = {g.id: g for g in gold}
    for document, extraction in extract_documents(
        documents, model=model, nlp=nlp, ontology=ontology, progress=progress,
        batch_size=batch_size,
    ):  # fmt: skip
        yield by_id[document.id], extraction


def evaluate(
    gold: Iterable[GoldDocument] | str | os.PathLike[str],
    label_map: LabelMap | str | os.PathLike[str],
    *,
    model: str | os.PathLike[str] | TrainedModel | None = None,
    nlp: Language | None = None,
    ontology: Ontology | None = None,
    progress: bool | None = None,
    batch_size: int | None = None,
) -> Report:
    """Extract every gold document with kg's pipeline and score it; see the module docs.

    ``model`` is as for :func:`kg.build`: a spaCy pipeline, or a ``kg train`` model.
    """
    onto = ontology or load_ontology()
    documents = read_gold(gold) if isinstance(gold, (str, os.PathLike)) else list(gold)
    labels = label_map if isinstance(label_map, LabelMap) else load_label_map(label_map, onto)
    pairs = _extractions(
        documents, model=model, nlp=nlp, ontology=onto, progress=progress, batch_size=batch_size
    )
    return score(pairs, labels, onto)
