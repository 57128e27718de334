"""Score extractions against gold documents: strict and boundary-lenient P/R/F1.

Two matchings are reported, always side by side and never mixed:

* **strict**: a relation matches when its label and both argument texts equal the
  gold ones, ignoring case (the usual CoNLL04 measure); an entity matches when its
  character span and type are exactly the gold ones.
* **lenient** (boundary-lenient): argument texts may differ at the edges, that is,
  one contains the other on word boundaries ("President Lincoln" ~ "Lincoln");
  entity spans need only overlap. Each gold item is matched at most once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from kg.extract.extraction import Extraction
from kg.learn.gold import GoldDocument, GoldRelation
from kg.ontology.labelmap import LabelMap
from kg.ontology.schema import Ontology, load_ontology

if TYPE_CHECKING:
    from kg.extract.entities import Entity
    from kg.extract.relations import Candidate

__all__ = ["MATCHINGS", "Matching", "Mismatch", "Report", "Score", "norm_text", "score"]

Matching = Literal["strict", "lenient"]
MATCHINGS: tuple[Matching, ...] = ("strict", "lenient")

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
