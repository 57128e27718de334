"""Extraction quality on CoNLL04: the per-label tables of benchmarks/quality.md.

    python benchmarks/quality.py [--gold-entities | --revision REV] [GOLD.jsonl ...]

Runs ``kg evaluate``'s code (:func:`kg.learn.evaluate.evaluate`, the pipeline of ``kg
build``) with the shipped ``conll04`` label map over each gold file (default: the
CoNLL04 dev and train splits in ../shared/eval) and prints Markdown tables:
relations per label under strict and boundary-lenient matching, entities per type,
and the ceiling the entity step sets (gold relations whose two arguments come out
of it as names).

``--gold-entities`` measures the relation step alone: the spaCy model's entities
are replaced by the gold ones (Peop → PERSON, Org → ORG, Loc → GPE) before kg's
mentions, entities and relations run on them.

``--revision REV`` scores the extractors of an earlier commit with today's scorer
and label map (the "before" tables): REV is checked out into a temporary git
worktree, its own mentions, entity linking and relation extractors run there in a
separate process, and what they found is scored here.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Span
from spacy.util import filter_spans

from kg.extract.entities import Entity
from kg.extract.extraction import Extraction, extract
from kg.extract.mentions import Mention
from kg.extract.nlp import load_model, parse
from kg.extract.relations import Candidate
from kg.learn.evaluate import evaluate
from kg.learn.gold import GoldDocument, read_gold
from kg.learn.score import MATCHINGS, Report, Score, score
from kg.ontology.labelmap import load_label_map
from kg.ontology.schema import load_ontology

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
_SPACY_LABEL = {"Peop": "PERSON", "Org": "ORG", "Loc": "GPE"}


def _row(name: str, result: Score) -> str:
    return (
        f"| {name} | {result.precision:.3f} | {result.recall:.3f} | {result.f1:.3f} "
        f"| {result.tp} | {result.fp} | {result.fn} |"
    )


def _table(report: Report, level: str) -> list[str]:
    lines = []
    for matching in MATCHINGS:
        title = "strict" if matching == "strict" else "boundary-lenient"
        tables = report.relations if level == "relation" else report.entities
        lines += [
            "",
            f"{'Relations' if level == 'relation' else 'Entities'}, {title}:",
            "",
            "| label | P | R | F1 | TP | FP | FN |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [_row(label, result) for label, result in tables[matching].items()]
        lines.append(_row("**micro**", report.micro(level, matching)))  # type: ignore[arg-type]
        macro = report.macro_f1(level, matching)  # type: ignore[arg-type]
        lines.append(f"| macro F1 | | | {macro:.3f} | | | |")
    return lines


def _with_gold_entities(
    nlp: Language, gold: list[GoldDocument]
) -> Iterator[tuple[GoldDocument, Extraction]]:
    """kg's extraction over each document with the gold entities in place of the model's."""
    onto = load_ontology()
    for document, doc in zip(gold, parse(nlp, (g.text for g in gold)), strict=True):
        spans: list[Span] = []
        for entity in document.entities:
            label = _SPACY_LABEL.get(entity.type)
            if label is None:
                continue
            span = doc.char_span(entity.start, entity.end, label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.ents = filter_spans(spans)
        yield document, extract(doc, onto)


# Runs inside the old worktree: only APIs kg has had since 0.1.
_DUMP = """
import json, sys
from kg.extract.entities import link_entities
from kg.extract.mentions import find_mentions
from kg.extract.nlp import load_model, parse
from kg.ontology.schema import load_ontology
from kg.extract.quotes import find_quotations
from kg.extract.relations import EXTRACTORS, get_extractor
onto, nlp = load_ontology(), load_model()
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
runners = [get_extractor(name) for name in EXTRACTORS]
for doc in parse(nlp, texts):
    linked = link_entities(doc, find_mentions(doc, onto), onto, quoted=find_quotations(doc.text))
    index = {e: i for i, e in enumerate(linked.entities)}
    out = {
        "entities": [[e.cls, e.name] for e in linked.entities],
        "mentions": [
            [m.start, m.end, m.text, m.name, m.cls, m.kind, linked.mention_entity[i]]
            for i, m in enumerate(linked.mentions)
        ],
        "relations": [
            [index[c.subject], c.predicate, index[c.object], c.start, c.end,
             c.sentence_start, c.sentence_end, c.extractor, c.confidence]
            for sent in linked.sents for run in runners for c in run(sent, linked, onto)
        ],
    }
    print(json.dumps(out))
"""


def _at_revision(revision: str, path: Path) -> Iterator[tuple[GoldDocument, Extraction]]:
    """Extractions made by kg as it was at ``revision`` (see the module docs)."""
    gold = read_gold(path)
    top = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "kg"
        subprocess.run(
            ["git", "-C", str(top), "worktree", "add", "--detach", str(tree), revision],
            check=True,
            capture_output=True,
        )
        try:
            run = subprocess.run(
                [sys.executable, "-c", _DUMP, str(path.resolve())],
                cwd=tree,
                env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            subprocess.run(
                ["git", "-C", str(top), "worktree", "remove", "--force", str(tree)],
                check=True,
                capture_output=True,
            )
    for document, line in zip(gold, run.stdout.splitlines(), strict=True):
        data = json.loads(line)
        entities = [Entity(cls, name) for cls, name in data["entities"]]
        mentions = tuple(
            (
                Mention(start, end, text, name, cls, kind),
                None if linked is None else entities[linked],
            )
            for start, end, text, name, cls, kind, linked in data["mentions"]
        )
        relations = tuple(
            Candidate(entities[s], p, entities[o], a, b, ss, se, x, c)
            for s, p, o, a, b, ss, se, x, c in data["relations"]
        )
        yield document, Extraction(tuple(entities), relations, (), mentions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="*", type=Path)
    parser.add_argument("--gold-entities", action="store_true")
    parser.add_argument("--revision", metavar="REV")
    args = parser.parse_args()
    files = args.gold or [SHARED / "conll04_dev.jsonl", SHARED / "conll04_train.jsonl"]
    nlp = load_model()
    for path in files:
        began = time.perf_counter()
        if args.gold_entities:
            pairs = _with_gold_entities(nlp, read_gold(path))
            report = score(pairs, load_label_map("conll04"))
        elif args.revision:
            report = score(_at_revision(args.revision, path), load_label_map("conll04"))
        else:
            report = evaluate(path, "conll04", nlp=nlp, progress=False)
        seconds = time.perf_counter() - began
        total = report.micro("relation", "strict")
        gold = total.tp + total.fn
        reach = sum(report.reachable.values())
        how = ", gold entities" if args.gold_entities else ""
        how = f", kg at {args.revision}" if args.revision else how
        print(f"## {path.name}{how}: {report.documents} documents, {seconds:.1f} s")
        print("\n".join(_table(report, "relation")))
        print("\n".join(_table(report, "entity")))
        print()
        print(
            f"Gold relations with both arguments found as names: {reach} of {gold} "
            f"({reach / gold:.1%}); strict relation recall within those: "
            f"{total.tp / reach if reach else 0:.1%}."
        )
        print()


if __name__ == "__main__":
    main()
