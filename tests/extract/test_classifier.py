"""kg.extract.relations.classifier: pair features on hand-parsed sentences, and the merge policy.

The estimator here is a stand-in with fixed probabilities, so each rule of
:func:`~kg.extract.relations.classifier.merge` is tested on its own; a real scikit-learn
model is trained in ``tests/learn/test_train.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from docs import table
from kg.extract.entities import LinkedDoc
from kg.extract.extraction import link
from kg.extract.relations import Candidate
from kg.extract.relations.classifier import (
    NAME,
    NONE,
    RelationClassifier,
    label_properties,
    merge,
    pair_features,
    pairs,
)
from kg.ontology.labelmap import load_label_map
from kg.ontology.schema import load_ontology

ONTO = load_ontology()
LABELS = load_label_map("conll04", ONTO)
TYPE_PAIRS = {
    "Work_For": [("Peop", "Org")],
    "OrgBased_In": [("Org", "Loc")],
    "Kill": [("Peop", "Peop")],
}

WORKS_FOR = """
    0   Maria    1   compound  PROPN  -     B-PERSON
    1   Lopez    2   nsubj     PROPN  -     I-PERSON
    2   works    2   ROOT      VERB   work
    3   for      2   prep      ADP
    4   Norvale  5   compound  PROPN  -     B-ORG
    5   Labs     3   pobj      PROPN  -     I-ORG
    6   in       5   prep      ADP
    7   Dunmore  6   pobj      PROPN  -     B-GPE
    8   .        2   punct     PUNCT
"""


class Fixed:
    """A stand-in estimator: each pair's probabilities come from its gold types."""

    def __init__(self, probabilities: dict[str, dict[str, float]]) -> None:
        self.classes_ = np.array(sorted({c for p in probabilities.values() for c in p} | {NONE}))
        self.probabilities = probabilities
        self.seen: list[dict[str, int]] = []

    def predict_proba(self, rows: Sequence[dict[str, int]]) -> Any:
        self.seen.extend(rows)
        out = []
        for row in rows:
            types = next(k.split("=", 1)[1] for k in row if k.startswith("types="))
            given = self.probabilities.get(types, {})
            rest = 1.0 - sum(given.values())
            out.append([given.get(c, rest if c == NONE else 0.0) for c in self.classes_])
        return np.array(out)


def classifier(
    probabilities: dict[str, dict[str, float]], threshold: float = 0.5
) -> RelationClassifier:
    return RelationClassifier(
        estimator=Fixed(probabilities),
        label_map=LABELS,
        properties=dict(label_properties(LABELS)),
        type_pairs=TYPE_PAIRS,
        threshold=threshold,
        model_id="test-model",
    )


def linked(rows: str = WORKS_FOR) -> LinkedDoc:
    return link(table(rows), ONTO)


def rule(doc: LinkedDoc, subject: str, predicate: str, obj: str) -> Candidate:
    by_name = {e.name: e for e in doc.entities}
    sent = doc.sents[0]
    return Candidate(
        by_name[subject], predicate, by_name[obj], 0, len(doc.doc.text),
        sent.start_char, sent.end_char, "kg.test.v1", 0.9,
    )  # fmt: skip


def facts(found: Sequence[Candidate]) -> set[tuple[str, str, str, str]]:
    return {(c.subject.name, c.predicate, c.object.name, c.extractor) for c in found}


# --------------------------------------------------------------------------- pairs and features


def test_pairs_follow_the_type_pairs_learnt_from_data() -> None:
    doc = linked()
    allowed = frozenset(p for ps in TYPE_PAIRS.values() for p in ps)
    found = [
        (doc.mentions[p.head].text, doc.mentions[p.tail].text, p.head_type, p.tail_type)
        for p in pairs(doc, doc.sents[0], allowed, LABELS, ONTO)
    ]
    # Peop>Org and Org>Loc are in the training data; Peop>Loc and the reverse pairs are not
    assert found == [
        ("Maria Lopez", "Norvale Labs", "Peop", "Org"),
        ("Norvale Labs", "Dunmore", "Org", "Loc"),
    ]


def test_features_of_a_pair() -> None:
    doc = linked()
    allowed = frozenset({("Peop", "Org")})
    [pair] = pairs(doc, doc.sents[0], allowed, LABELS, ONTO)
    found = pair_features(doc, pair)
    for expected in (
        "types=Peop>Org",
        "order=Peop>Org:fwd",
        "dist=2",
        "bw=works",
        "bw=for",
        "bw0=works",
        "bw-1=for",
        "between=fwd:works for",
        "before=<s>",
        "after=in",
        "hh=lopez",
        "th=labs",
        "path=<nsubj ^ >prep >pobj",
        "lpath=<nsubj ^work >prep>for >pobj",
        "top=work",
        "cls=Person>Organization",
        "rule=<none>",
    ):
        assert expected in found, expected
    assert set(found.values()) == {1}


def test_rule_votes_are_features() -> None:
    doc = linked()
    model = classifier({})
    rules = [rule(doc, "Maria Lopez", "worksFor", "Norvale Labs")]
    examples = list(model.examples(doc, rules, ONTO))
    [found] = [f for p, f in examples if p.head_type == "Peop"]
    assert "rule=Work_For" in found and "rule=pred:worksFor" in found
    assert "rule=Peop>Org:Work_For" in found
    assert "rule=<none>" not in found
    assert len(examples) == 2


# --------------------------------------------------------------------------- merge policy


def test_the_classifier_writes_its_label_with_its_probability() -> None:
    doc = linked()
    found = merge(doc, [], classifier({"Peop>Org": {"Work_For": 0.9}}), ONTO)
    [cand] = found
    assert (cand.subject.name, cand.predicate, cand.object.name) == (
        "Maria Lopez",
        "affiliatedWith",  # the first property the label map lists for Work_For
        "Norvale Labs",
    )
    assert cand.confidence == 0.9
    assert cand.extractor == f"{NAME}@test-model"
    assert doc.doc.text[cand.start : cand.end] == "Maria Lopez works for Norvale Labs"


def test_below_the_threshold_nothing_is_written() -> None:
    doc = linked()
    assert merge(doc, [], classifier({"Peop>Org": {"Work_For": 0.4}}, threshold=0.5), ONTO) == []


def test_a_label_outside_the_pairs_type_is_never_chosen() -> None:
    doc = linked()
    # Kill has the highest probability but joins Peop>Peop only
    found = merge(doc, [], classifier({"Peop>Org": {"Kill": 0.7, "Work_For": 0.2}}, 0.1), ONTO)
    assert [(c.predicate, c.confidence) for c in found] == [("affiliatedWith", 0.2)]


def test_properties_no_label_takes_stay_with_the_rules() -> None:
    doc = linked()
    rules = [rule(doc, "Maria Lopez", "met", "Norvale Labs")]
    found = merge(doc, rules, classifier({"Peop>Org": {"Work_For": 0.9}}), ONTO)
    assert facts(found) == {
        ("Maria Lopez", "met", "Norvale Labs", "kg.test.v1"),
        ("Maria Lopez", "affiliatedWith", "Norvale Labs", f"{NAME}@test-model"),
    }


def test_a_rule_fact_the_classifier_scored_as_none_is_kept() -> None:
    doc = linked()
    rules = [rule(doc, "Maria Lopez", "worksFor", "Norvale Labs")]
    found = merge(doc, rules, classifier({"Peop>Org": {"Work_For": 0.1}}), ONTO)
    assert facts(found) == {("Maria Lopez", "worksFor", "Norvale Labs", "kg.test.v1")}


def test_a_rule_fact_the_classifier_did_not_score_is_kept() -> None:
    doc = linked()
    # Peop>Loc is no type pair the classifier learnt: it never sees the pair, and
    # even a model that would call everything Live_In has no say on livesIn
    model = classifier({"Peop>Loc": {"Live_In": 0.01}, "Peop>Org": {"Work_For": 0.9}})
    rules = [rule(doc, "Maria Lopez", "livesIn", "Dunmore")]
    found = merge(doc, rules, model, ONTO)
    assert ("Maria Lopez", "livesIn", "Dunmore", "kg.test.v1") in facts(found)
    estimator = model.estimator
    assert isinstance(estimator, Fixed)
    assert estimator.seen and not any("types=Peop>Loc" in row for row in estimator.seen)


def test_an_inverse_property_swaps_the_arguments() -> None:
    doc = linked()
    model = classifier({"Peop>Org": {"Work_For": 0.9}})
    model.properties = {**model.properties, "Work_For": "^employs"}
    [cand] = merge(doc, [], model, ONTO)
    assert (cand.subject.name, cand.predicate, cand.object.name) == (
        "Norvale Labs",
        "employs",
        "Maria Lopez",
    )


def test_when_both_agree_the_rules_more_specific_fact_is_kept_alone() -> None:
    doc = linked()
    rules = [rule(doc, "Maria Lopez", "worksFor", "Norvale Labs")]
    found = merge(doc, rules, classifier({"Peop>Org": {"Work_For": 0.8}}), ONTO)
    assert facts(found) == {("Maria Lopez", "worksFor", "Norvale Labs", "kg.test.v1")}


def test_when_they_disagree_on_the_label_both_are_written() -> None:
    doc = linked()
    rules = [rule(doc, "Maria Lopez", "killed", "Norvale Labs")]  # a rule's mistake
    found = merge(doc, rules, classifier({"Peop>Org": {"Work_For": 0.7}}), ONTO)
    assert facts(found) == {
        ("Maria Lopez", "killed", "Norvale Labs", "kg.test.v1"),
        ("Maria Lopez", "affiliatedWith", "Norvale Labs", f"{NAME}@test-model"),
    }


@pytest.mark.parametrize("threshold", [0.3, 0.6])
def test_threshold_is_a_probability_cut(threshold: float) -> None:
    doc = linked()
    model = classifier({"Peop>Org": {"Work_For": 0.45}}, threshold)
    assert len(merge(doc, [], model, ONTO)) == (1 if threshold < 0.45 else 0)


def test_pairs_in_a_long_list_of_names_are_bounded() -> None:
    # A run-on sentence of 120 names, people and organisations in turn: every pair
    # would be 3,600 Peop>Org pairs; names at most _MAX_GAP apart give far fewer.
    from kg.extract.relations.classifier import _MAX_GAP

    people = ["Ann", "Tom", "Maria", "David", "Priya", "Owen"]
    names = [f"{people[i % 6]}{i}" if i % 2 == 0 else f"Acme{i}" for i in range(120)]
    rows = ["0 Meeting 0 ROOT NOUN"]
    for i, name in enumerate(names):
        ent = "B-PERSON" if i % 2 == 0 else "B-ORG"
        rows.append(f"{2 * i + 1} {name} 0 conj PROPN - {ent}")
        rows.append(f"{2 * i + 2} , 0 punct PUNCT")
    doc = linked("\n".join(rows))
    allowed = frozenset(p for ps in TYPE_PAIRS.values() for p in ps)
    found = list(pairs(doc, doc.sents[0], allowed, LABELS, ONTO))
    linked_names = sum(1 for e in doc.mention_entity if e is not None)
    assert linked_names >= 100
    assert 0 < len(found) <= linked_names * (_MAX_GAP + 1)
    assert all(abs(p.head - p.tail) <= _MAX_GAP for p in found)
