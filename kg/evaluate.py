"""Score extraction against gold-annotated documents: what ``kg evaluate`` reports.

Gold data is JSON Lines, one document a line, in the CoNLL04 layout::

    {"id": "d1", "text": "...",
     "entities": [{"text": "...", "type": "Peop", "start": 0, "end": 9}],
     "relations": [{"head": "...", "head_type": "Peop", "relation": "Work_For",
                    "tail": "...", "tail_type": "Org"}]}

A label map (TOML, see :func:`load_label_map`) says which ontology properties
count as which gold relation label, and which classes as which gold entity type.
Sub-properties and sub-classes count for their parent, so mapping ``Work_For`` to
``kg:worksFor`` also credits ``kg:spokespersonFor``.

Predictions come from :func:`kg.pipeline.extract_documents`, the loop ``kg build``
runs, so the score is the score of what a build writes. Two matchings are
reported, always side by side and never mixed:

* **strict**: a relation matches when its label and both argument texts equal the
  gold ones, ignoring case (the usual CoNLL04 measure); an entity matches when its
  character span and type are exactly the gold ones.
* **lenient** (boundary-lenient): argument texts may differ at the edges, that is,
  one contains the other on word boundaries ("President Lincoln" ~ "Lincoln");
  entity spans need only overlap. Each gold item is matched at most once.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kg.documents import Document
from kg.errors import InputError
from kg.extract import Extraction
from kg.io import atomic_writer
from kg.ontology import Ontology, load_ontology

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.entities import Entity
    from kg.model import TrainedModel
    from kg.relations import Candidate

__all__ = [
    "BUILTIN_MAPS",
    "GoldDocument",
    "GoldEntity",
    "GoldRelation",
    "LabelMap",
    "Mismatch",
    "Report",
    "Score",
    "evaluate",
    "format_report",
    "label_map_from_dict",
    "load_label_map",
    "norm_text",
    "read_gold",
    "score",
    "write_errors",
]

Matching = Literal["strict", "lenient"]
MATCHINGS: tuple[Matching, ...] = ("strict", "lenient")

BUILTIN_MAPS = ("conll04",)
"""Label maps shipped with kg, usable by name: ``kg evaluate gold.jsonl --map conll04``."""


# --------------------------------------------------------------------------- gold data


@dataclass(frozen=True, slots=True)
class GoldEntity:
    text: str
    type: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class GoldRelation:
    head: str
    relation: str
    tail: str
    head_type: str = ""
    tail_type: str = ""


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One annotated document; its text is scored exactly as given (no normalising)."""

    id: str
    text: str
    entities: tuple[GoldEntity, ...] = ()
    relations: tuple[GoldRelation, ...] = ()


def _field(obj: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(f"{where}: '{key}' must be a {kind.__name__}")
    return value


def _gold_document(obj: object, where: str, index: int) -> GoldDocument:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object")
    text = _field(obj, "text", str, where)
    doc_id = obj.get("id", f"line-{index}")
    entities = []
    for item in obj.get("entities") or []:
        if not isinstance(item, dict):
            raise InputError(f"{where}: every entity must be a JSON object")
        start, end = _field(item, "start", int, where), _field(item, "end", int, where)
        if not 0 <= start < end <= len(text):
            raise InputError(f"{where}: entity span {start}..{end} is outside the text")
        entities.append(
            GoldEntity(
                _field(item, "text", str, where), _field(item, "type", str, where), start, end
            )
        )
    relations = []
    for item in obj.get("relations") or []:
        if not isinstance(item, dict):
            raise InputError(f"{where}: every relation must be a JSON object")
        relations.append(
            GoldRelation(
                head=_field(item, "head", str, where),
                relation=_field(item, "relation", str, where),
                tail=_field(item, "tail", str, where),
                head_type=str(item.get("head_type", "")),
                tail_type=str(item.get("tail_type", "")),
            )
        )
    return GoldDocument(str(doc_id), text, tuple(entities), tuple(relations))


def read_gold(path: str | os.PathLike[str]) -> list[GoldDocument]:
    """Read a gold JSONL file; a bad line is an :class:`InputError` naming file and line.

    Unlike ``kg build``, which skips a bad document with a warning, a gold file is
    all-or-nothing: a score over a silently shortened file would mislead.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    documents, ids = [], set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: invalid JSON ({exc.msg})") from exc
        document = _gold_document(obj, where, number)
        if document.id in ids:
            raise InputError(f"{where}: duplicate id {document.id!r}")
        ids.add(document.id)
        documents.append(document)
    if not documents:
        raise InputError(f"{path}: no gold documents")
    return documents


# --------------------------------------------------------------------------- label map


@dataclass(frozen=True)
class LabelMap:
    """Gold labels ↔ ontology terms.

    ``relations`` maps a gold relation label to ontology properties; a property
    written ``^kg:employs`` counts with its arguments swapped. ``entities`` maps a
    gold entity type to ontology classes. Gold types with no classes are not scored.
    """

    relations: dict[str, tuple[str, ...]]
    entities: dict[str, tuple[str, ...]]
    arguments: dict[str, tuple[str, str]] = field(default_factory=dict)
    name: str = ""

    def relation_label(
        self, predicate: str, subject_cls: str, object_cls: str, onto: Ontology
    ) -> tuple[str, bool] | None:
        """(gold label, inverted) for a predicted relation, or None when no label takes it.

        When a property counts for several labels (kg:holdsPositionIn is CoNLL04's
        Work_For for an organisation and its Live_In for a place), the label whose
        ``[arguments]`` types fit the two classes wins; if none fits, the first
        label takes it, so the prediction still counts as a false positive.
        """
        found: list[tuple[str, bool]] = []
        for label, props in self.relations.items():
            for prop in props:
                inverse = prop.startswith("^")
                if onto.is_subproperty(predicate, prop.lstrip("^")):
                    found.append((label, inverse))
                    break
        if not found:
            return None
        for label, inverse in found:
            expected = self.arguments.get(label)
            if expected is None:
                continue
            head, tail = (object_cls, subject_cls) if inverse else (subject_cls, object_cls)
            if (self.entity_type(head, onto), self.entity_type(tail, onto)) == expected:
                return label, inverse
        return found[0]

    def as_dict(self) -> dict[str, Any]:
        """The map as :func:`label_map_from_dict` reads it (``kg:`` names, lists)."""

        def names(values: tuple[str, ...]) -> list[str]:
            return [("^" if v.startswith("^") else "") + "kg:" + v.lstrip("^") for v in values]

        return {
            "relations": {k: names(v) for k, v in self.relations.items()},
            "entities": {k: names(v) for k, v in self.entities.items()},
            "arguments": {k: list(v) for k, v in self.arguments.items()},
        }

    def entity_type(self, cls: str, onto: Ontology) -> str | None:
        """The gold type a class counts as: the one mapped to its nearest ancestor."""
        best: tuple[int, str] | None = None
        for gold_type, classes in self.entities.items():
            for mapped in classes:
                if onto.is_subclass(cls, mapped):
                    rank = onto.depth(mapped)
                    if best is None or rank > best[0]:
                        best = (rank, gold_type)
        return None if best is None else best[1]


def _local_names(value: object, where: str, onto: Ontology, kind: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise InputError(f"{where}: expected a string or a list of strings")
    names = []
    for item in items:
        inverse = item.startswith("^")
        name = item.lstrip("^").removeprefix("kg:")
        known = onto.properties if kind == "property" else onto.classes
        if name not in known:
            raise InputError(f"{where}: kg:{name} is not an ontology {kind}")
        names.append(("^" if inverse else "") + name)
    return tuple(names)


def _map_path(spec: str | os.PathLike[str]) -> Path:
    if str(spec) in BUILTIN_MAPS:
        from kg.ontology import ontology_dir

        return ontology_dir() / "maps" / f"{spec}.toml"
    return Path(spec)


def load_label_map(spec: str | os.PathLike[str], ontology: Ontology | None = None) -> LabelMap:
    """Read a label map: a TOML file, or the name of one kg ships (``conll04``).

    ::

        [relations]
        Work_For = ["kg:worksFor", "kg:memberOf"]
        [entities]
        Peop = "kg:Person"
        [arguments]                 # optional: the gold types of each label's arguments
        Work_For = ["Peop", "Org"]

    Every name must be declared in the ontology, so a typo fails here instead of
    silently scoring zero.
    """
    onto = ontology or load_ontology()
    path = _map_path(spec)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read label map: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: invalid TOML: {exc}".splitlines()[0]) from exc
    return label_map_from_dict(data, onto, where=str(path), name=str(spec))


def label_map_from_dict(
    data: dict[str, Any], ontology: Ontology, *, where: str, name: str = ""
) -> LabelMap:
    """A label map from its TOML tables (or a trained model's manifest), checked as above."""
    relations, entities = data.get("relations", {}), data.get("entities", {})
    arguments = data.get("arguments", {})
    if not isinstance(arguments, dict) or not all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(t, str) for t in v)
        for v in arguments.values()
    ):
        raise InputError(f"{where}: [arguments] maps a label to [HEAD_TYPE, TAIL_TYPE]")
    if not isinstance(relations, dict) or not isinstance(entities, dict) or not relations:
        raise InputError(f"{where}: needs a [relations] table (and optionally [entities])")
    return LabelMap(
        relations={
            str(k): _local_names(v, f"{where}: relations.{k}", ontology, "property")
            for k, v in relations.items()
        },
        entities={
            str(k): _local_names(v, f"{where}: entities.{k}", ontology, "class")
            for k, v in entities.items()
        },
        arguments={str(k): (v[0], v[1]) for k, v in arguments.items()},
        name=name,
    )


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True, slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One false positive or false negative, with what a developer needs to see why."""

    kind: Literal["false_positive", "false_negative"]
    level: Literal["entity", "relation"]
    matching: Matching
    document: str
    label: str
    head: str
    tail: str
    sentence: str
    extractor: str = ""
    evidence: str = ""


@dataclass
class Report:
    """Scores per label and matching; see :func:`format_report`."""

    documents: int
    relation_labels: tuple[str, ...]
    entity_types: tuple[str, ...]
    relations: dict[Matching, dict[str, Score]]
    entities: dict[Matching, dict[str, Score]]
    unscored_entity_types: dict[str, int] = field(default_factory=dict)
    reachable: dict[str, int] = field(default_factory=dict)
    """Per label, the gold relations whose two argument texts both come out of the
    entity step as names: the ceiling the relation step works under."""
    errors: list[Mismatch] = field(default_factory=list)

    def micro(self, level: Literal["entity", "relation"], matching: Matching) -> Score:
        table = (self.relations if level == "relation" else self.entities)[matching]
        total = Score()
        for score in table.values():
            total += score
        return total

    def macro_f1(self, level: Literal["entity", "relation"], matching: Matching) -> float:
        table = (self.relations if level == "relation" else self.entities)[matching]
        return sum(s.f1 for s in table.values()) / len(table) if table else 0.0

    def as_dict(self) -> dict[str, Any]:
        def scores(table: dict[str, Score]) -> dict[str, dict[str, float | int]]:
            return {k: _score_dict(v) for k, v in table.items()}

        out: dict[str, Any] = {"documents": self.documents}
        for level, tables in (("relations", self.relations), ("entities", self.entities)):
            singular: Literal["entity", "relation"] = (
                "relation" if level == "relations" else "entity"
            )
            out[level] = {
                m: {
                    "per_label": scores(tables[m]),
                    "micro": _score_dict(self.micro(singular, m)),
                    "macro_f1": round(self.macro_f1(singular, m), 4),
                }
                for m in MATCHINGS
            }
        out["unscored_entity_types"] = dict(self.unscored_entity_types)
        out["reachable_relations"] = {k: self.reachable.get(k, 0) for k in self.relation_labels}
        return out


def _score_dict(score: Score) -> dict[str, float | int]:
    return {
        "tp": score.tp,
        "fp": score.fp,
        "fn": score.fn,
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
    }


# --------------------------------------------------------------------------- matching

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def norm_text(text: str) -> str:
    """A name as strict matching compares it: white space collapsed, case folded."""
    return _SPACE.sub(" ", text).strip().casefold()


def _contains(a: str, b: str) -> bool:
    """One text's words a run of the other's ("Concord" ~ "Concord, Mass."); punctuation aside."""
    short, long = sorted((_WORD.findall(a), _WORD.findall(b)), key=len)
    if not short:
        return False
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


@dataclass(frozen=True, slots=True)
class _Predicted:
    label: str
    head: str
    tail: str
    extractor: str
    evidence: str
    sentence: str


def _argument_text(entity: Entity, cand: Candidate, extraction: Extraction, text: str) -> str:
    """How the sentence names an argument: its name inside the evidence, else in the sentence.

    A relation is stated in one sentence, so it is scored by the names written
    there, not by the entity's canonical name from elsewhere in the document. A
    pronoun argument is scored by the name it resolved to.
    """
    best: tuple[int, str] | None = None
    for mention, linked in extraction.mentions:
        if linked != entity or mention.kind not in ("name", "demonym"):
            continue
        if not (cand.sentence_start <= mention.start and mention.end <= cand.sentence_end):
            continue
        inside = cand.start <= mention.start and mention.end <= cand.end
        rank = 0 if inside else 1
        if best is None or rank < best[0]:
            best = (rank, text[mention.start : mention.end])
    return entity.name if best is None else best[1]


def _predicted_relations(
    extraction: Extraction, text: str, label_map: LabelMap, onto: Ontology
) -> list[_Predicted]:
    out: dict[tuple[str, str, str], _Predicted] = {}
    for cand in extraction.relations:
        mapped = label_map.relation_label(cand.predicate, cand.subject.cls, cand.object.cls, onto)
        if mapped is None:
            continue
        label, inverted = mapped
        head = _argument_text(cand.subject, cand, extraction, text)
        tail = _argument_text(cand.object, cand, extraction, text)
        if inverted:
            head, tail = tail, head
        pairs = [(head, tail)]
        if cand.predicate in onto.symmetric:
            pairs.append((tail, head))
        for h, t in pairs:
            key = (label, norm_text(h), norm_text(t))
            if key not in out:
                out[key] = _Predicted(
                    label,
                    h,
                    t,
                    cand.extractor,
                    text[cand.start : cand.end],
                    text[cand.sentence_start : cand.sentence_end],
                )
    return list(out.values())


def _sentence_of(text: str, start: int, end: int) -> str:
    """The gold document's text around a span (CoNLL04 documents are one sentence)."""
    left = max(text.rfind(". ", 0, start) + 2, 0) if start else 0
    right = text.find(". ", end)
    return text[left : right + 1 if right >= 0 else len(text)].strip()


def _match(
    gold: Sequence[tuple[str, str, str]],
    predicted: Sequence[tuple[str, str, str]],
    matching: Matching,
) -> tuple[set[int], set[int]]:
    """Indices of matched gold and predicted items, each used at most once."""
    matched_gold: set[int] = set()
    matched_pred: set[int] = set()
    for strict_pass in (True, False) if matching == "lenient" else (True,):
        for p_index, (label, head, tail) in enumerate(predicted):
            if p_index in matched_pred:
                continue
            for g_index, (g_label, g_head, g_tail) in enumerate(gold):
                if g_index in matched_gold or g_label != label:
                    continue
                if strict_pass:
                    ok = head == g_head and tail == g_tail
                else:
                    ok = _contains(head, g_head) and _contains(tail, g_tail)
                if ok:
                    matched_gold.add(g_index)
                    matched_pred.add(p_index)
                    break
    return matched_gold, matched_pred


def _tally(
    table: dict[str, Score],
    gold: Sequence[str],
    predicted: Sequence[str],
    hit_gold: set[int],
    hit_pred: set[int],
) -> None:
    """Add one document's matches to ``table``, per label (or type)."""
    for label in set(gold) | set(predicted):
        tp = sum(1 for i in hit_gold if gold[i] == label)
        fn = sum(1 for i, g in enumerate(gold) if g == label and i not in hit_gold)
        fp = sum(1 for i, p in enumerate(predicted) if p == label and i not in hit_pred)
        table[label] += Score(tp, fp, fn)


def _score_relations(
    document: GoldDocument,
    extraction: Extraction,
    label_map: LabelMap,
    onto: Ontology,
    report: Report,
) -> None:
    predicted = _predicted_relations(extraction, document.text, label_map, onto)
    gold = [r for r in document.relations if r.relation in label_map.relations]
    gold_keys = [(r.relation, norm_text(r.head), norm_text(r.tail)) for r in gold]
    pred_keys = [(p.label, norm_text(p.head), norm_text(p.tail)) for p in predicted]
    names = {norm_text(m.text) for m, _ in extraction.mentions if m.kind in ("name", "demonym")}
    for relation, head, tail in gold_keys:
        if head in names and tail in names:
            report.reachable[relation] = report.reachable.get(relation, 0) + 1
    for matching in MATCHINGS:
        hit_gold, hit_pred = _match(gold_keys, pred_keys, matching)
        _tally(
            report.relations[matching],
            [r.relation for r in gold],
            [p.label for p in predicted],
            hit_gold,
            hit_pred,
        )
        for i, p in enumerate(predicted):
            if i not in hit_pred:
                report.errors.append(
                    Mismatch("false_positive", "relation", matching, document.id, p.label,
                             p.head, p.tail, p.sentence, p.extractor, p.evidence)
                )  # fmt: skip
        for i, r in enumerate(gold):
            if i not in hit_gold:
                report.errors.append(
                    Mismatch("false_negative", "relation", matching, document.id, r.relation,
                             r.head, r.tail, _relation_sentence(document, r))
                )  # fmt: skip


def _relation_sentence(document: GoldDocument, relation: GoldRelation) -> str:
    spans = [e for e in document.entities if e.text in (relation.head, relation.tail)]
    if not spans:
        return document.text
    return _sentence_of(document.text, min(e.start for e in spans), max(e.end for e in spans))


def _score_entities(
    document: GoldDocument,
    extraction: Extraction,
    label_map: LabelMap,
    onto: Ontology,
    report: Report,
) -> None:
    predicted: list[tuple[int, int, str, str]] = []
    seen: set[tuple[int, int, str]] = set()
    for mention, _entity in extraction.mentions:
        if mention.kind != "name":
            continue
        gold_type = label_map.entity_type(mention.cls, onto)
        if gold_type is None or (mention.start, mention.end, gold_type) in seen:
            continue
        seen.add((mention.start, mention.end, gold_type))
        predicted.append((mention.start, mention.end, gold_type, mention.text))
    gold = []
    for entity in document.entities:
        if label_map.entities.get(entity.type):
            gold.append(entity)
        else:
            report.unscored_entity_types[entity.type] = (
                report.unscored_entity_types.get(entity.type, 0) + 1
            )
    for matching in MATCHINGS:
        hit_gold: set[int] = set()
        hit_pred: set[int] = set()
        for p_index, (start, end, gold_type, _text) in enumerate(predicted):
            for g_index, g in enumerate(gold):
                if g_index in hit_gold or g.type != gold_type:
                    continue
                exact = (g.start, g.end) == (start, end)
                if exact or (matching == "lenient" and start < g.end and g.start < end):
                    hit_gold.add(g_index)
                    hit_pred.add(p_index)
                    break
        _tally(
            report.entities[matching], [g.type for g in gold], [p[2] for p in predicted],
            hit_gold, hit_pred,
        )  # fmt: skip
        for i, (start, end, gold_type, text) in enumerate(predicted):
            if i not in hit_pred:
                report.errors.append(
                    Mismatch("false_positive", "entity", matching, document.id, gold_type,
                             text, "", _sentence_of(document.text, start, end))
                )  # fmt: skip
        for i, g in enumerate(gold):
            if i not in hit_gold:
                report.errors.append(
                    Mismatch("false_negative", "entity", matching, document.id, g.type,
                             g.text, "", _sentence_of(document.text, g.start, g.end))
                )  # fmt: skip


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
    from kg.pipeline import extract_documents

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


def score(
    pairs: Iterable[tuple[GoldDocument, Extraction]],
    label_map: LabelMap,
    ontology: Ontology | None = None,
) -> Report:
    """Score extractions already made, each with its gold document.

    :func:`evaluate` is this over kg's own pipeline; a study can score extractions
    made another way (over gold entities, say, to measure the relation step alone).
    """
    onto = ontology or load_ontology()
    entity_types = tuple(t for t, classes in label_map.entities.items() if classes)
    report = Report(
        documents=0,
        relation_labels=tuple(label_map.relations),
        entity_types=entity_types,
        relations={m: defaultdict(Score) for m in MATCHINGS},
        entities={m: defaultdict(Score) for m in MATCHINGS},
    )
    for document, extraction in pairs:
        report.documents += 1
        _score_relations(document, extraction, label_map, onto, report)
        _score_entities(document, extraction, label_map, onto, report)
    report.relations = {
        m: {k: report.relations[m][k] for k in label_map.relations} for m in MATCHINGS
    }
    report.entities = {m: {k: report.entities[m][k] for k in entity_types} for m in MATCHINGS}
    return report


# --------------------------------------------------------------------------- output


def _row(name: str, score: Score) -> str:
    return (
        f"{name:<14} {score.precision:>6.3f} {score.recall:>6.3f} {score.f1:>6.3f}"
        f" {score.tp:>6} {score.fp:>6} {score.fn:>6}"
    )


def format_report(report: Report, fmt: Literal["table", "json"] = "table") -> str:
    """The report as aligned text tables (strict and lenient side by side), or JSON."""
    if fmt == "json":
        return json.dumps(report.as_dict(), indent=2, sort_keys=True) + "\n"
    head = f"{'':<14} {'P':>6} {'R':>6} {'F1':>6} {'TP':>6} {'FP':>6} {'FN':>6}"
    lines = [f"{report.documents} documents"]
    for level, title, labels in (
        ("relation", "Relations", report.relation_labels),
        ("entity", "Entities", report.entity_types),
    ):
        tables = report.relations if level == "relation" else report.entities
        for matching in MATCHINGS:
            name = "strict" if matching == "strict" else "boundary-lenient"
            lines += ["", f"{title}, {name} match", head]
            lines += [_row(label, tables[matching][label]) for label in labels]
            micro = report.micro(level, matching)  # type: ignore[arg-type]
            lines.append(_row("micro", micro))
            macro = report.macro_f1(level, matching)  # type: ignore[arg-type]
            lines.append(f"{'macro':<14} {'':>6} {'':>6} {macro:>6.3f}")
    reach = sum(report.reachable.values())
    total = report.micro("relation", "strict")
    gold_count = total.tp + total.fn
    if gold_count:
        lines += [
            "",
            f"Gold relations with both arguments found as names: {reach} of {gold_count}"
            f" ({reach / gold_count:.1%}); strict relation recall within those:"
            f" {total.tp / reach if reach else 0.0:.1%}",
        ]
    if report.unscored_entity_types:
        skipped = ", ".join(f"{k} ({v})" for k, v in sorted(report.unscored_entity_types.items()))
        lines += ["", f"Gold entity types not in the label map, not scored: {skipped}"]
    return "\n".join(lines) + "\n"


def write_errors(report: Report, path: str | os.PathLike[str]) -> int:
    """Write every false positive and negative as JSON Lines (atomically); returns the count."""
    with atomic_writer(path) as handle:
        for error in report.errors:
            record = {k: getattr(error, k) for k in Mismatch.__slots__}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(report.errors)
