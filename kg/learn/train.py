"""Learn entity and relation extractors from gold data: what ``kg train`` runs.

Two things are learnt, both on a CPU in minutes:

* **Entities.** The base pipeline's NER is trained further (spaCy's training API)
  on the gold spans, each gold type given the NER label of the ontology class the
  label map maps it to (``Peop`` → kg:Person → ``PERSON``). Gold data annotates a
  few types; the base model knows many more (dates, nationalities, money), which
  kg's rules need. So that training does not make it forget them, every training
  text also carries the base model's own predictions of the labels the gold data
  does not cover ("pseudo-rehearsal"): the model is taught the new spans and
  reminded of the old ones. ``benchmarks/train.py`` measures what is kept.
* **Relations.** A logistic-regression classifier over pairs of names
  (:mod:`kg.extract.relations.classifier`), trained on the pairs kg's own entity step
  finds in the training texts, labelled by the gold relations.

Epochs, the classifier's regularisation and its decision threshold are chosen on
development data: ``dev`` if given, else a held-out slice of the training file.
The development scores are computed by :func:`kg.learn.score.score`, the code behind
``kg evaluate``, and recorded in the model's manifest. Seeds are fixed, so the
same data gives the same model.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.extract.extraction import assemble, link, rule_candidates
from kg.extract.model import check_output, library_versions, save_trained
from kg.extract.relations.classifier import NONE, RelationClassifier, label_properties, merge
from kg.learn.gold import GoldDocument, read_gold
from kg.learn.score import Report, norm_text, score
from kg.ontology.labelmap import LabelMap, load_label_map
from kg.ontology.schema import Ontology, load_ontology

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span
    from spacy.training import Example

    from kg.extract.entities import LinkedDoc
    from kg.extract.relations import Candidate

__all__ = ["EpochScore", "TrainingResult", "ner_labels", "split_held_out", "train"]

C_GRID = (0.3, 1.0, 3.0)
"""Inverse regularisation strengths tried for the relation classifier."""
THRESHOLDS = tuple(round(0.15 + 0.05 * i, 2) for i in range(10))
"""Decision thresholds tried for the relation classifier (0.15 … 0.60)."""
DROPOUT = 0.2
BASE_NER = "kg_base_ner"
"""The base pipeline's own NER, kept beside the trained one (see :func:`train`)."""


@dataclass(frozen=True, slots=True)
class EpochScore:
    epoch: int
    loss: float
    entity_f1: float
    """Strict entity micro-F1 on the development data after this epoch."""


@dataclass(frozen=True)
class TrainingResult:
    """What :func:`train` wrote and measured."""

    path: Path
    manifest: dict[str, Any]
    report: Report
    """The development scores of the saved model, as ``kg evaluate --model`` gives them."""
    epochs: tuple[EpochScore, ...]
    seconds: float


def split_held_out(
    documents: Sequence[GoldDocument], fraction: float
) -> tuple[list[GoldDocument], list[GoldDocument]]:
    """(train, held out): a document is held out by a hash of its id, not its position.

    The split is the same whatever the file order, and adding documents never moves
    an old one from one side to the other.
    """
    if not 0 < fraction < 1:
        raise InputError(f"the held-out fraction must be between 0 and 1, not {fraction}")
    train: list[GoldDocument] = []
    held: list[GoldDocument] = []
    for document in documents:
        digest = hashlib.sha256(document.id.encode("utf-8")).digest()
        (held if int.from_bytes(digest[:4], "big") < fraction * 2**32 else train).append(document)
    return train, held


def ner_labels(label_map: LabelMap, onto: Ontology) -> dict[str, str]:
    """The NER label each gold type is trained as: its class's ``kg:nerLabel``.

    A class with several (kg:Place has GPE and LOC) takes the first in sorted order;
    a class with none is trained under its own name, which the mention step reads
    as that class.
    """
    out = {}
    for gold_type, classes in label_map.entities.items():
        if not classes:
            continue
        cls = classes[0]
        labels = sorted(label for label, c in onto.ner_classes.items() if c == cls)
        out[gold_type] = labels[0] if labels else cls
    return out


def _covered(labels: dict[str, str], label_map: LabelMap, onto: Ontology) -> frozenset[str]:
    """NER labels whose spans the gold data annotates completely (so no rehearsal)."""
    classes = {c for cs in label_map.entities.values() for c in cs}
    return frozenset(
        set(labels.values())
        | {
            label
            for label, cls in onto.ner_classes.items()
            if any(onto.is_subclass(cls, mapped) for mapped in classes)
        }
    )


def _data_hash(documents: Iterable[GoldDocument]) -> str:
    digest = hashlib.sha256()
    for document in documents:
        record = {
            "id": document.id,
            "text": document.text,
            "entities": [[e.start, e.end, e.type] for e in document.entities],
            "relations": [[r.head, r.relation, r.tail] for r in document.relations],
        }
        digest.update(json.dumps(record, sort_keys=True).encode("utf-8") + b"\n")
    return digest.hexdigest()


def _gold_span(reference: Doc, start: int, end: int, label: str) -> Span | None:
    """The gold span on the reference Doc's tokens, without trailing punctuation.

    "Dallas." at a sentence end: some gold spans take the full stop in, most leave it
    out, and a name never ends in a punctuation token.
    """
    from spacy.tokens import Span

    span = reference.char_span(start, end, label, alignment_mode="expand")
    if span is None:
        return None
    last = span.end
    while last - span.start > 1 and reference[last - 1].is_punct:
        last -= 1
    return Span(reference, span.start, last, label=label)


def _ner_examples(
    nlp: Language,
    documents: Sequence[GoldDocument],
    labels: dict[str, str],
    covered: frozenset[str],
    rehearse: bool,
) -> list[Example]:
    """One training example per document: its gold spans, plus, for rehearsal, the
    base model's own entities of every label the gold data does not cover."""
    from spacy.training import Example
    from spacy.util import filter_spans

    base = nlp.pipe(d.text for d in documents) if rehearse else (None for _ in documents)
    examples = []
    for document, predicted in zip(documents, base, strict=True):
        reference = nlp.make_doc(document.text)
        gold = [
            span
            for entity in document.entities
            if entity.type in labels
            and (span := _gold_span(reference, entity.start, entity.end, labels[entity.type]))
            is not None
        ]
        spans = filter_spans(gold)
        if predicted is not None:
            for ent in predicted.ents:
                if ent.label_ in covered or any(
                    ent.start < s.end and s.start < ent.end for s in gold
                ):
                    continue
                span = reference.char_span(ent.start_char, ent.end_char, ent.label_)
                if span is not None:
                    spans.append(span)
        reference.set_ents(filter_spans(spans), default="outside")
        examples.append(Example(nlp.make_doc(document.text), reference))
    return examples


def _check_data(
    documents: Sequence[GoldDocument], label_map: LabelMap, where: str, max_length: int
) -> dict[str, list[tuple[str, str]]]:
    """Refuse data the training would silently learn nothing (or the wrong thing) from.

    Returns the type pairs each label joins. Runs before the model is even loaded, so
    a mistake costs seconds, not a training run.
    """
    for document in documents:
        if len(document.text) > max_length:
            raise InputError(
                f"{where}: document {document.id!r} has {len(document.text):,} characters, "
                f"more than the model's limit of {max_length:,}; split it"
            )
    present = {e.type for d in documents for e in d.entities}
    for gold_type, classes in label_map.entities.items():
        if classes and gold_type not in present:
            raise InputError(
                f"{where}: the label map's entity type {gold_type!r} never occurs in the"
                " gold entities; the map and the data disagree"
            )
    type_pairs = _type_pairs(documents, label_map)
    if not type_pairs:
        raise InputError(f"{where}: no relation the label map takes")
    mapped = {t for t, classes in label_map.entities.items() if classes}
    for label, pairs in type_pairs.items():
        for pair in pairs:
            if not set(pair) <= mapped:
                raise InputError(
                    f"{where}: {label} joins types {pair[0]!r} and {pair[1]!r}, which the"
                    " label map's [entities] must both map"
                )
    return type_pairs


def _show(progress: bool | None) -> bool:
    return progress if progress is not None else sys.stderr.isatty()


def _train_entities(
    nlp: Language,
    examples: list[Example],
    dev: Sequence[GoldDocument],
    label_map: LabelMap,
    onto: Ontology,
    *,
    max_epochs: int,
    patience: int,
    seed: int,
    progress: bool | None,
) -> tuple[list[EpochScore], int]:
    """Train the NER, keeping the weights of the epoch with the best dev entity F1.

    Returns every epoch's score and the epoch kept."""
    from spacy.util import compounding, fix_random_seed, minibatch  # type: ignore[attr-defined]
    from tqdm import tqdm

    from kg.learn.evaluate import evaluate

    fix_random_seed(seed)
    order = random.Random(seed)
    optimizer = nlp.resume_training()
    ner: Any = nlp.get_pipe("ner")
    history: list[EpochScore] = []
    best: tuple[float, bytes] | None = None
    best_epoch = 0
    with tqdm(
        total=max_epochs, desc="entities", unit="epoch", disable=not _show(progress),
        file=sys.stderr,
    ) as bar:  # fmt: skip
        for epoch in range(1, max_epochs + 1):
            order.shuffle(examples)
            losses: dict[str, float] = {}
            with nlp.select_pipes(enable=["ner"]):
                for batch in minibatch(  # type: ignore[no-untyped-call]
                    examples, size=compounding(4.0, 32.0, 1.001)
                ):
                    nlp.update(batch, sgd=optimizer, drop=DROPOUT, losses=losses)
            with nlp.use_params(optimizer.averages):
                report = evaluate(dev, label_map, nlp=nlp, ontology=onto, progress=False)
                f1 = report.micro("entity", "strict").f1
                if best is None or f1 > best[0]:
                    best, best_epoch = (f1, ner.to_bytes()), epoch
            history.append(EpochScore(epoch, round(float(losses.get("ner", 0.0)), 1), round(f1, 4)))
            bar.update(1)
            bar.set_postfix_str(f"dev entity F1 {f1:.3f}, best {best[0]:.3f}")
            if epoch - best_epoch >= patience:
                break
    assert best is not None
    ner.from_bytes(best[1])
    return history, best_epoch


@dataclass
class _Parsed:
    gold: GoldDocument
    linked: LinkedDoc
    rules: list[Candidate]


def _parse(nlp: Language, documents: Sequence[GoldDocument], onto: Ontology) -> list[_Parsed]:
    from kg.extract.nlp import parse

    out = []
    for document, doc in zip(documents, parse(nlp, (d.text for d in documents)), strict=True):
        doc.user_data["kg.text"] = document.text
        linked = link(doc, onto)
        out.append(_Parsed(document, linked, rule_candidates(linked, onto)))
    return out


def _pair_examples(
    parsed: Sequence[_Parsed], classifier: RelationClassifier, onto: Ontology
) -> tuple[list[dict[str, int]], list[str]]:
    """Features of every candidate pair in the training texts, labelled by the gold data."""
    features, labels = [], []
    for item in parsed:
        gold: dict[tuple[str, str], str] = {}
        for relation in item.gold.relations:
            if relation.relation in classifier.properties:
                gold.setdefault(
                    (norm_text(relation.head), norm_text(relation.tail)), relation.relation
                )
        for pair, found in classifier.examples(item.linked, item.rules, onto):
            head = norm_text(item.linked.mentions[pair.head].text)
            tail = norm_text(item.linked.mentions[pair.tail].text)
            features.append(found)
            labels.append(gold.get((head, tail), NONE))
    return features, labels


def _relation_report(
    parsed: Sequence[_Parsed], classifier: RelationClassifier, label_map: LabelMap, onto: Ontology
) -> Report:
    return score(
        (
            (item.gold, assemble(item.linked, merge(item.linked, item.rules, classifier, onto)))
            for item in parsed
        ),
        label_map,
        onto,
    )


def _type_pairs(
    documents: Sequence[GoldDocument], label_map: LabelMap
) -> dict[str, list[tuple[str, str]]]:
    """For each label, the (head type, tail type) pairs it joins in the gold data.

    A relation's types are its own ``head_type``/``tail_type``, else those of the
    first gold entity, in text order, with the argument's text.
    """
    seen: dict[str, set[tuple[str, str]]] = {}
    for document in documents:
        first: dict[str, str] = {}
        for entity in sorted(document.entities, key=lambda e: (e.start, e.end)):
            first.setdefault(entity.text, entity.type)
        for relation in document.relations:
            if relation.relation not in label_map.relations:
                continue
            head = relation.head_type or first.get(relation.head, "")
            tail = relation.tail_type or first.get(relation.tail, "")
            if head and tail:
                seen.setdefault(relation.relation, set()).add((head, tail))
    return {label: sorted(pairs) for label, pairs in sorted(seen.items())}


def _train_relations(
    nlp: Language,
    train: Sequence[GoldDocument],
    dev: Sequence[GoldDocument],
    label_map: LabelMap,
    onto: Ontology,
    type_pairs: dict[str, list[tuple[str, str]]],
    *,
    seed: int,
    progress: bool | None,
) -> tuple[RelationClassifier, dict[str, Any], Report]:
    """Fit the classifier for each C; pick C and threshold by dev strict relation F1."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from tqdm import tqdm

    properties = {k: v for k, v in label_properties(label_map).items() if k in type_pairs}
    classifier = RelationClassifier(None, label_map, properties, type_pairs)
    train_parsed = _parse(nlp, train, onto)
    dev_parsed = _parse(nlp, dev, onto)
    features, labels = _pair_examples(train_parsed, classifier, onto)
    if len(set(labels)) < 2:
        raise InputError("the training data gives no related pair of names to learn from")
    best: tuple[float, float, float, Any, Report] | None = None
    with tqdm(
        total=len(C_GRID) * len(THRESHOLDS), desc="relations", unit="fit",
        disable=not _show(progress), file=sys.stderr,
    ) as bar:  # fmt: skip
        for c in C_GRID:
            estimator = make_pipeline(
                DictVectorizer(), LogisticRegression(C=c, max_iter=5000, random_state=seed)
            )
            estimator.fit(features, labels)
            classifier.estimator = estimator
            for threshold in THRESHOLDS:
                classifier.threshold = threshold
                report = _relation_report(dev_parsed, classifier, label_map, onto)
                f1 = report.micro("relation", "strict").f1
                if best is None or f1 > best[0] + 1e-9:  # ties: the first, most regularised
                    best = (f1, c, threshold, estimator, report)
                bar.update(1)
                bar.set_postfix_str(f"dev relation F1 best {best[0]:.3f}")
    assert best is not None
    _, c, threshold, estimator, report = best
    classifier.estimator, classifier.threshold = estimator, threshold
    settings = {
        "properties": properties,
        "type_pairs": {k: [list(p) for p in v] for k, v in type_pairs.items()},
        "threshold": threshold,
        "C": c,
        "training_pairs": len(labels),
        "features": len(estimator[0].vocabulary_),
    }
    return classifier, settings, report


def train(
    gold: Sequence[GoldDocument] | str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    label_map: LabelMap | str | os.PathLike[str] = "conll04",
    dev: Sequence[GoldDocument] | str | os.PathLike[str] | None = None,
    held_out: float = 0.2,
    base_model: str | None = None,
    max_epochs: int = 15,
    patience: int = 4,
    seed: int = 0,
    rehearse: bool = True,
    keep_base: bool = True,
    progress: bool | None = None,
    ontology: Ontology | None = None,
) -> TrainingResult:
    """Train entity and relation extractors on ``gold`` and write a model to ``output``.

    ``dev`` is the development data that picks epochs and thresholds; without it a
    ``held_out`` fraction of ``gold`` is set aside (see :func:`split_held_out`).
    ``base_model`` names the spaCy pipeline to start from (default: kg's). The
    result's report is what ``kg evaluate DEV --model OUTPUT`` prints.
    """

    from kg.extract.nlp import DEFAULT_MODELS, PARAGRAPHS, with_paragraph_breaks

    started = time.perf_counter()
    onto = ontology or load_ontology()
    check_output(output)
    labels_map = label_map if isinstance(label_map, LabelMap) else load_label_map(label_map, onto)
    documents = read_gold(gold) if isinstance(gold, (str, os.PathLike)) else list(gold)
    if dev is None:
        train_docs, dev_docs = split_held_out(documents, held_out)
        dev_source = f"held out: {held_out:.0%} of the training data, by id hash"
    else:
        train_docs = documents
        dev_docs = read_gold(dev) if isinstance(dev, (str, os.PathLike)) else list(dev)
        dev_source = os.fspath(dev) if isinstance(dev, (str, os.PathLike)) else "given"
    if not train_docs or not dev_docs:
        raise InputError("too few documents to train on and to hold out; pass --dev")
    labels = ner_labels(labels_map, onto)
    if not labels:
        raise InputError("the label map maps no entity type to a class ([entities])")
    nlp = _load_base(base_model or DEFAULT_MODELS)
    where = os.fspath(gold) if isinstance(gold, (str, os.PathLike)) else "the training data"
    type_pairs = _check_data(train_docs, labels_map, where, nlp.max_length)
    _check_data(dev_docs, labels_map, dev_source, nlp.max_length)
    nlp = with_paragraph_breaks(nlp)
    covered = _covered(labels, labels_map, onto)
    examples = _ner_examples(nlp, train_docs, labels, covered, rehearse)
    if keep_base:
        # The base NER, untouched, runs after the trained one and labels only what
        # that left unlabelled (spaCy's NER keeps the entities already set).
        nlp.add_pipe(
            "ner", name=BASE_NER, source=_load_base(base_model or DEFAULT_MODELS), after="ner"
        )
    history, best_epoch = _train_entities(
        nlp, examples, dev_docs, labels_map, onto,
        max_epochs=max_epochs, patience=patience, seed=seed, progress=progress,
    )  # fmt: skip
    classifier, settings, report = _train_relations(
        nlp, train_docs, dev_docs, labels_map, onto, type_pairs, seed=seed, progress=progress
    )
    manifest = {
        "versions": library_versions(),
        "base_model": f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}"
        f" {nlp.meta.get('version', '')}",
        "training_data": {
            "documents": len(train_docs),
            "sha256": _data_hash(train_docs),
            "source": os.fspath(gold) if isinstance(gold, (str, os.PathLike)) else "given",
        },
        "dev_data": {
            "documents": len(dev_docs),
            "sha256": _data_hash(dev_docs),
            "source": dev_source,
        },
        "label_map": {**labels_map.as_dict(), "name": labels_map.name},
        "entities": {
            "labels": labels,
            "covered": sorted(covered),
            "rehearsal": rehearse,
            "base_ner": keep_base,
            "epochs": best_epoch,
            "history": [
                {"epoch": h.epoch, "loss": h.loss, "dev_entity_f1": h.entity_f1} for h in history
            ],
        },
        "classifier": settings,
        "seed": seed,
        "dev_scores": {k: v for k, v in report.as_dict().items() if k != "documents"},
    }
    nlp.remove_pipe(PARAGRAPHS)  # kg adds it when loading; the saved pipeline stays plain spaCy
    written = save_trained(output, nlp, classifier.estimator, manifest)
    return TrainingResult(
        Path(output), written, report, tuple(history), time.perf_counter() - started
    )


def _load_base(names: str | Sequence[str]) -> Language:
    """A fresh copy of the base pipeline (never kg's cached one: training changes it)."""
    import spacy

    from kg.errors import ModelError

    for name in (names,) if isinstance(names, str) else names:
        try:
            return spacy.load(name)
        except OSError:
            if isinstance(names, str):
                raise ModelError(f"cannot load spaCy model {name!r} to train from") from None
    raise ModelError("no English spaCy model is installed to train from")
