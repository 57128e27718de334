"""A relation classifier learnt from gold data: ``kg.classifier.v1``.

Where the rule extractors read one sentence pattern each, this reads every ordered
pair of names in a sentence and asks a logistic-regression model (scikit-learn)
which gold label, if any, the sentence states between them. Its features are the
ones that work for small annotated corpora (Zhou et al. 2005; Mintz et al. 2009):

* the pair's gold types ("Peop>Org") and their order in the sentence;
* the words between the names, the first and last of them, and the words around;
* the dependency path between the names' heads, with and without its words;
* the names' head words, and how far apart they are;
* what the rule extractors said about the same two entities (``rule=Work_For``):
  the classifier learns how far to trust each rule, which is how the two are merged
  (see :func:`merge`).

Which type pairs a label may join is learnt from the gold data (``type_pairs``),
not written by hand. :class:`RelationClassifier` holds everything needed to apply
the model; :mod:`kg.learn.train` fits it and :mod:`kg.extract.model` saves and loads it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.extract.entities import Entity, LinkedDoc
from kg.extract.relations.base import Candidate
from kg.ontology.schema import Ontology

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from kg.ontology.labelmap import LabelMap

__all__ = ["NAME", "NONE", "Pair", "RelationClassifier", "merge", "pair_features", "pairs"]

NAME = "kg.classifier.v1"
NONE = "none"
"""The class of a pair the sentence relates in no gold label."""

_ARGUMENT_KINDS = ("name", "demonym")
_MAX_PATH = 8


@dataclass(frozen=True, slots=True)
class Pair:
    """Two names in one sentence, in the order (head, tail) a relation would read them."""

    head: int
    tail: int
    """Indices into ``LinkedDoc.mentions``."""
    head_type: str
    tail_type: str
    sentence: Span


_MAX_GAP = 20
"""Pairs are of names at most this many names apart in their sentence: a run-on
sentence of a thousand names would otherwise give a million pairs (no gold pair of
CoNLL04 is further apart than a handful)."""


def pairs(
    linked: LinkedDoc,
    sent: Span,
    type_pairs: frozenset[tuple[str, str]],
    label_map: LabelMap,
    onto: Ontology,
) -> Iterator[Pair]:
    """Every ordered pair of names in ``sent`` whose gold types some label may join
    (at most :data:`_MAX_GAP` names apart)."""
    named: list[tuple[int, str, tuple[str, str]]] = []
    for index in linked.mentions_in(sent):
        mention = linked.mentions[index]
        entity_index = linked.mention_entity[index]
        if mention.kind not in _ARGUMENT_KINDS or entity_index is None:
            continue
        entity = linked.entities[entity_index]
        gold_type = label_map.entity_type(entity.cls, onto)
        if gold_type is not None:
            named.append((index, gold_type, entity.key))
    for k, (a, a_type, a_key) in enumerate(named):
        for b, b_type, b_key in named[max(0, k - _MAX_GAP) : k + _MAX_GAP + 1]:
            if a_key != b_key and (a_type, b_type) in type_pairs:
                yield Pair(a, b, a_type, b_type, sent)


def _head(linked: LinkedDoc, index: int) -> Token:
    mention = linked.mentions[index]
    tokens = linked.tokens[mention.token_start : mention.token_end]
    for token in tokens:
        if not mention.token_start <= token.head.i < mention.token_end or token.head.i == token.i:
            return token
    return tokens[-1]


def _ancestors(token: Token) -> list[Token]:
    chain = [token]
    while chain[-1].head.i != chain[-1].i and len(chain) < 50:
        chain.append(chain[-1].head)
    return chain


def _path(a: Token, b: Token) -> tuple[str, str, str]:
    """The dependency path from ``a`` up to the common ancestor and down to ``b``."""
    up, down = _ancestors(a), _ancestors(b)
    down_ids = {t.i: k for k, t in enumerate(down)}
    for k, token in enumerate(up):
        if token.i in down_ids:
            rising, falling = up[:k], down[: down_ids[token.i]]
            top = token
            break
    else:
        return "nopath", "nopath", ""
    if len(rising) + len(falling) > _MAX_PATH:
        return "long", "long", top.lemma_.lower()
    bare = [f"<{t.dep_}" for t in rising] + [f">{t.dep_}" for t in reversed(falling)]
    words = (
        [f"<{t.dep_}" for t in rising[:1]]
        + [f"<{t.lemma_.lower()}<{t.dep_}" for t in rising[1:]]
        + [f"^{top.lemma_.lower()}" if top.i not in (a.i, b.i) else "^"]
        + [f">{t.dep_}>{t.lemma_.lower()}" for t in reversed(falling[1:])]
        + [f">{t.dep_}" for t in falling[:1]]
    )
    bare.insert(len(rising), "^")
    return " ".join(bare), " ".join(words), top.lemma_.lower()


def _distance(n: int) -> str:
    for limit, name in ((0, "0"), (1, "1"), (2, "2"), (3, "3"), (5, "4-5"), (10, "6-10")):
        if n <= limit:
            return name
    return "11+"


def pair_features(linked: LinkedDoc, pair: Pair, rules: Sequence[str] = ()) -> dict[str, int]:
    """The pair's features as the names of binary indicators (see the module docs)."""
    head, tail = linked.mentions[pair.head], linked.mentions[pair.tail]
    first, second = (head, tail) if head.start < tail.start else (tail, head)
    between = linked.tokens[first.token_end : second.token_start]
    words = [t.lower_ for t in between if not t.is_space]
    types = f"{pair.head_type}>{pair.tail_type}"
    order = "fwd" if first is head else "rev"
    found: dict[str, int] = {
        f"types={types}": 1,
        f"order={types}:{order}": 1,
        f"dist={_distance(len(words))}": 1,
    }
    for word in words:
        found[f"bw={word}"] = 1
    if words:
        found[f"bw0={words[0]}"] = 1
        found[f"bw-1={words[-1]}"] = 1
        if len(words) <= 4:
            found[f"between={order}:{' '.join(words)}"] = 1
    else:
        found["bw=<none>"] = 1
    inside = [
        linked.mentions[i]
        for i in linked.mentions_in(pair.sentence)
        if first.end <= linked.mentions[i].start and linked.mentions[i].end <= second.start
    ]
    found[f"names_between={min(len(inside), 3)}"] = 1
    for mention in inside:
        found[f"cls_between={mention.cls}"] = 1
    sent = pair.sentence
    before = linked.tokens[first.token_start - 1] if first.token_start > sent.start else None
    after = linked.tokens[second.token_end] if second.token_end < sent.end else None
    found[f"before={before.lower_ if before is not None else '<s>'}"] = 1
    found[f"after={after.lower_ if after is not None else '</s>'}"] = 1
    head_token, tail_token = _head(linked, pair.head), _head(linked, pair.tail)
    found[f"hh={head_token.lower_}"] = 1
    found[f"th={tail_token.lower_}"] = 1
    found[f"hname={head.text.lower()}"] = 1
    found[f"tname={tail.text.lower()}"] = 1
    found[f"cls={linked_cls(linked, pair.head)}>{linked_cls(linked, pair.tail)}"] = 1
    bare, lexical, top = _path(head_token, tail_token)
    found[f"top={top}"] = 1
    found[f"path={bare}"] = 1
    found[f"lpath={lexical}"] = 1
    found[f"tpath={types}:{bare}"] = 1
    for vote in rules:
        found[f"rule={vote}"] = 1
        found[f"rule={types}:{vote}"] = 1
    if not rules:
        found["rule=<none>"] = 1
    return found


def linked_cls(linked: LinkedDoc, index: int) -> str:
    entity = linked.mention_entity[index]
    return "" if entity is None else linked.entities[entity].cls


def rule_votes(
    linked: LinkedDoc, rules: Sequence[Candidate], label_map: LabelMap, onto: Ontology
) -> dict[tuple[object, object], list[str]]:
    """What the rules said about each ordered entity pair, as gold labels and properties.

    ``rule=L`` is a rule stating label L from head to tail; ``rev=L`` one stating it
    the other way; ``pred=p`` names the rule's property, so the classifier can trust
    kg:bornIn more than kg:hasLinksWith.
    """
    votes: dict[tuple[object, object], list[str]] = {}
    for cand in rules:
        subject, obj = cand.subject.key, cand.object.key
        mapped = label_map.relation_label(cand.predicate, cand.subject.cls, cand.object.cls, onto)
        if mapped is not None:
            label, inverted = mapped
            head, tail = (obj, subject) if inverted else (subject, obj)
            votes.setdefault((head, tail), []).append(label)
            votes.setdefault((tail, head), []).append(f"rev:{label}")
        votes.setdefault((subject, obj), []).append(f"pred:{cand.predicate}")
        votes.setdefault((obj, subject), []).append(f"revpred:{cand.predicate}")
    return votes


@dataclass
class RelationClassifier:
    """A fitted classifier and what is needed to turn its decisions into triples.

    ``estimator`` is a scikit-learn pipeline (DictVectorizer → LogisticRegression)
    over :func:`pair_features`; ``properties`` maps each gold label to the ontology
    property it writes (``^`` swaps the arguments), which is the first one the label
    map lists; ``type_pairs`` holds the gold type pairs each label joined in the
    training data; ``threshold`` is the least probability at which a label is
    written, chosen on development data.
    """

    estimator: Any
    label_map: LabelMap
    properties: dict[str, str]
    type_pairs: dict[str, list[tuple[str, str]]]
    threshold: float = 0.5
    model_id: str = ""
    _allowed: frozenset[tuple[str, str]] = field(default=frozenset(), repr=False)
    _labels: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._allowed = frozenset(tuple(p) for ps in self.type_pairs.values() for p in ps)  # type: ignore[misc]
        self._labels = {
            pair: frozenset(
                label for label, ps in self.type_pairs.items() if pair in map(tuple, ps)
            )
            for pair in self._allowed
        }

    @property
    def extractor(self) -> str:
        """The provenance name: the extractor and the model it came from."""
        return f"{NAME}@{self.model_id}" if self.model_id else NAME

    def examples(
        self, linked: LinkedDoc, rules: Sequence[Candidate], onto: Ontology
    ) -> Iterator[tuple[Pair, dict[str, int]]]:
        """Every candidate pair in the document with its features."""
        votes = rule_votes(linked, rules, self.label_map, onto)
        for sent in linked.sents:
            for pair in pairs(linked, sent, self._allowed, self.label_map, onto):
                key = (self.entity(linked, pair.head).key, self.entity(linked, pair.tail).key)
                yield pair, pair_features(linked, pair, votes.get(key, ()))

    @staticmethod
    def entity(linked: LinkedDoc, index: int) -> Entity:
        entity_index = linked.mention_entity[index]
        assert entity_index is not None  # pairs() yields linked names only
        return linked.entities[entity_index]

    def predict(
        self, linked: LinkedDoc, rules: Sequence[Candidate], onto: Ontology
    ) -> list[tuple[Pair, str, float]]:
        """(pair, label, probability) for every pair; the label may be :data:`NONE`."""
        found = list(self.examples(linked, rules, onto))
        if not found:
            return []
        probabilities = self.estimator.predict_proba([features for _, features in found])
        classes = [str(c) for c in self.estimator.classes_]
        out = []
        for (pair, _), row in zip(found, probabilities, strict=True):
            labels = self._labels.get((pair.head_type, pair.tail_type), frozenset())
            allowed = [
                (float(p), label) for label, p in zip(classes, row, strict=True) if label in labels
            ]
            best = max(allowed, default=(0.0, NONE))
            out.append((pair, best[1] if best[0] >= self.threshold else NONE, best[0]))
        return out

    def candidate(self, linked: LinkedDoc, pair: Pair, label: str, p: float) -> Candidate:
        """The triple a positive decision writes, with the probability as confidence."""
        prop = self.properties[label]
        head, tail = self.entity(linked, pair.head), self.entity(linked, pair.tail)
        if prop.startswith("^"):
            head, tail = tail, head
        a, b = linked.mentions[pair.head], linked.mentions[pair.tail]
        return Candidate(
            subject=head,
            predicate=prop.lstrip("^"),
            object=tail,
            start=min(a.start, b.start),
            end=max(a.end, b.end),
            sentence_start=pair.sentence.start_char,
            sentence_end=pair.sentence.end_char,
            extractor=self.extractor,
            confidence=round(p, 3),
        )


def merge(
    linked: LinkedDoc,
    rules: Sequence[Candidate],
    classifier: RelationClassifier,
    onto: Ontology,
) -> list[Candidate]:
    """Rule candidates and the classifier's, merged by kg's one policy: the union.

    * Every rule candidate is kept. The rules are precise (CoNLL04 dev: P 0.68 with
      trained entities) and know properties no gold label teaches; a classifier
      trained on one corpus should not silence them on another.
    * The classifier adds a triple for each pair it labels at or above its
      threshold, with its probability as the confidence.
    * When a rule already states the same label for the same two entities in the
      same sentence, the classifier adds nothing: the rule's property is the more
      specific one (kg:bornIn rather than kg:livesIn).
    * When they disagree on the label, both are written, each with its provenance.

    The classifier sees the rules' votes as features, so it learns where they hold.
    ``benchmarks/train.py`` measures this policy against the rules alone, the
    classifier alone, and the classifier overruling the rules.
    """
    said: set[tuple[int, object, object, str]] = set()
    for cand in rules:
        mapped = classifier.label_map.relation_label(
            cand.predicate, cand.subject.cls, cand.object.cls, onto
        )
        if mapped is not None:
            label, inverted = mapped
            head, tail = (cand.object, cand.subject) if inverted else (cand.subject, cand.object)
            said.add((cand.sentence_start, head.key, tail.key, label))
    best: dict[tuple[int, object, object, str], tuple[float, Candidate]] = {}
    for pair, label, p in classifier.predict(linked, rules, onto):
        if label == NONE:
            continue
        key = (
            pair.sentence.start_char,
            classifier.entity(linked, pair.head).key,
            classifier.entity(linked, pair.tail).key,
            label,
        )
        if key in said:
            continue
        cand = classifier.candidate(linked, pair, label, p)
        if not onto.accepts(cand.predicate, cand.subject.cls, cand.object.cls):
            continue
        if key not in best or p > best[key][0]:
            best[key] = (p, cand)
    return [*rules, *(cand for _, cand in best.values())]


def label_properties(label_map: LabelMap) -> Mapping[str, str]:
    """Each gold label's property: the first the label map lists for it."""
    return {label: props[0] for label, props in label_map.relations.items() if props}
