"""`kg train` on CoNLL04: time, dev scores, an independent held-out score, the merge policy
and what the base model keeps. The figures in benchmarks/train.md come from this.

    python benchmarks/train.py [--ablations] [--out DIR]

1. **Train** on ../shared/eval/conll04_train.jsonl with dev selection on
   conll04_dev.jsonl, exactly as ``kg train … --dev …`` does; print the wall time
   and the dev scores (``kg evaluate``'s code).
2. **Held out.** Dev picks epochs and thresholds, so its score is optimistic. A
   second model is trained on the train split minus a 20% slice held out by id
   hash (:func:`kg.learn.train.split_held_out`), still selected on dev, and scored on
   that slice, which no step of training has seen.
3. **Merge policy** on dev, with the first model: the rules alone (base entities,
   then trained entities), the classifier alone, kg's union, and the classifier
   overruling the rules on the labels it knows.
4. **Forgetting.** Over the bundled sample articles, the seed article (when
   ../shared has it) and the CoNLL04 dev texts: how many of the base model's
   entities with labels the gold data does not cover (dates, nationalities …) the
   trained pipeline still finds; and how many of the relations a build with the
   base model finds on the samples a build with ``--model`` still finds.
5. ``--ablations`` trains twice more, without pseudo-rehearsal and without the
   base NER beside the trained one, and repeats 1 and 4 for each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import kg

SHARED = Path(__file__).resolve().parents[2] / "shared"
TRAIN = SHARED / "eval" / "conll04_train.jsonl"
DEV = SHARED / "eval" / "conll04_dev.jsonl"
SEED = SHARED / "seeds" / "000_a42ab4671de7aa5b.txt"


SEED_FACTS = [  # tests/test_seed.py checks these, and more, with and without a model
    ("Bob Russell", "wroteTo", "David Finch"),
    ("Essex County Council", "partnerOf", "Jiangsu"),
    ("David Finch", "leaderOf", "Essex County Council"),
    ("Jiangsu", "locatedIn", "China"),
    ("Huawei", "basedIn", "China"),
    ("China", "hasLinksWith", "Essex County Council"),
    ("David Finch", "told", "Bob Russell"),
]


def _scores(report: object, name: str) -> str:
    from kg.learn.score import Report

    assert isinstance(report, Report)
    rel, ent = report.micro("relation", "strict"), report.micro("entity", "strict")
    lenient = report.micro("relation", "lenient")
    return (
        f"| {name} | {rel.precision:.3f} | {rel.recall:.3f} | **{rel.f1:.3f}** "
        f"| {lenient.f1:.3f} | {ent.f1:.3f} |"
    )


HEADER = (
    "| run | rel P | rel R | rel F1 (strict) | rel F1 (lenient) | entity F1 (strict) |\n"
    "|---|---|---|---|---|---|"
)


def _per_label(report: object) -> str:
    from kg.learn.score import Report

    assert isinstance(report, Report)
    lines = ["| label | P | R | F1 | TP | FP | FN |", "|---|---|---|---|---|---|---|"]
    for label in report.relation_labels:
        s = report.relations["strict"][label]
        lines.append(
            f"| {label} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} "
            f"| {s.tp} | {s.fp} | {s.fn} |"
        )
    return "\n".join(lines)


def _train(out: Path, **options: object) -> tuple[object, float]:
    from kg.learn.train import train

    started = time.perf_counter()
    result = train(TRAIN, out, label_map="conll04", dev=DEV, progress=True, **options)  # type: ignore[arg-type]
    return result, time.perf_counter() - started


def _policies(model_dir: Path) -> list[str]:
    """Dev strict scores of each way to combine rules and classifier."""
    from kg.extract.extraction import assemble, link, rule_candidates
    from kg.extract.model import load_trained
    from kg.extract.relations.classifier import NONE, merge
    from kg.learn.evaluate import evaluate
    from kg.learn.gold import read_gold
    from kg.learn.score import score
    from kg.learn.train import _parse
    from kg.ontology.labelmap import load_label_map
    from kg.ontology.schema import load_ontology

    onto = load_ontology()
    labels = load_label_map("conll04", onto)
    gold = read_gold(DEV)
    model = load_trained(model_dir, onto)
    clf = model.classifier
    parsed = [(p.gold, p.linked, p.rules) for p in _parse(model.nlp, gold, onto)]  # as kg train

    def classified(linked, rules):  # type: ignore[no-untyped-def]
        return [
            clf.candidate(linked, pair, label, p)
            for pair, label, p in clf.predict(linked, rules, onto)
            if label != NONE
        ]

    def overruled(linked, rules):  # type: ignore[no-untyped-def]
        """The classifier decides every pair it scores; rules keep only the others."""
        decided = {
            (pair.sentence.start_char, clf.entity(linked, pair.head).key,
             clf.entity(linked, pair.tail).key)
            for pair, _label, _p in clf.predict(linked, rules, onto)
        }  # fmt: skip
        kept = []
        for cand in rules:
            mapped = labels.relation_label(cand.predicate, cand.subject.cls, cand.object.cls, onto)
            if mapped is not None:
                head, tail = (
                    (cand.object, cand.subject) if mapped[1] else (cand.subject, cand.object)
                )
                if (cand.sentence_start, head.key, tail.key) in decided:
                    continue
            kept.append(cand)
        return kept + classified(linked, rules)

    ways = {
        "rules, trained entities": lambda linked, rules: rules,
        "classifier alone": classified,
        "classifier overrules the rules": overruled,
        "union (kg's policy)": lambda linked, rules: merge(linked, rules, clf, onto),
    }
    rows = [_scores(evaluate(gold, labels, ontology=onto), "rules, base entities (no model)")]
    for name, way in ways.items():
        report = score(
            ((d, assemble(linked, way(linked, rules))) for d, linked, rules in parsed), labels, onto
        )
        rows.append(_scores(report, name))
    if SEED.is_file():  # the same policies on text unlike the training data
        from kg.ingest.documents import Document
        from kg.rdf.triples import add_extraction, new_graph

        rows.append("")
        text = SEED.read_text(encoding="utf-8")
        doc = model.nlp(text)
        doc.user_data["kg.text"] = text
        linked = link(doc, onto)
        rules = rule_candidates(linked, onto)
        for name, way in ways.items():
            graph = kg.KnowledgeGraph(new_graph())
            add_extraction(
                graph.graph, Document("seed", text), assemble(linked, way(linked, rules))
            )
            rows.append(f"Seed article facts, {name}: {_seed_facts(graph)} of {len(SEED_FACTS)}.")
    return rows


def _seed_facts(graph: object) -> int:
    """How many of SEED_FACTS the graph states, by the entities' labels."""
    return sum(
        bool(
            graph.query(  # type: ignore[attr-defined]
                "ASK { ?s rdfs:label ?a ; ?p ?o . ?o rdfs:label ?b . "
                f'FILTER(STR(?a) = "{fact[0]}" && STR(?b) = "{fact[2]}" && ?p = kg:{fact[1]}) }}'
            ).boolean
        )
        for fact in SEED_FACTS
    )


def _forgetting(model_dir: Path) -> list[str]:
    from kg.demo import examples_dir
    from kg.extract.model import load_trained
    from kg.extract.nlp import load_model
    from kg.ingest.read import read_documents
    from kg.learn.gold import read_gold
    from kg.pipeline import build

    model = load_trained(model_dir)
    covered = set(model.manifest["entities"]["covered"])
    corpora = {"samples": [d.text for d in read_documents([examples_dir()])]}
    if SEED.is_file():
        corpora["seed article"] = [SEED.read_text(encoding="utf-8")]
    corpora["CoNLL04 dev"] = [g.text for g in read_gold(DEV)]
    rows = ["| texts | base entities, uncovered labels | still found | kept |", "|---|---|---|---|"]
    base = load_model()
    for name, texts in corpora.items():
        expected = kept = 0
        for before, after in zip(base.pipe(texts), model.nlp.pipe(texts), strict=True):
            found = {(e.start_char, e.end_char, e.label_) for e in after.ents}
            for ent in before.ents:
                if ent.label_ not in covered:
                    expected += 1
                    kept += (ent.start_char, ent.end_char, ent.label_) in found
        rows.append(f"| {name} | {expected} | {kept} | {kept / max(expected, 1):.1%} |")
    facts = []
    for chosen in (None, model):
        graph = build([examples_dir()], model=chosen, progress=False)
        facts.append(
            {
                (str(r[0]), str(r[1]), str(r[2]))
                for r in graph.query(
                    "SELECT ?s ?p ?o WHERE { ?st a rdf:Statement ; rdf:subject ?s ; "
                    "rdf:predicate ?p ; rdf:object ?o ; prov:wasAttributedTo ?x . "
                    "FILTER(!CONTAINS(STR(?x), 'classifier')) }"
                ).rows
            }
        )
    if SEED.is_file():
        held = _seed_facts(build([SEED], model=model, progress=False))
        rows += ["", f"Seed article facts with --model: {held} of {len(SEED_FACTS)}."]
    rows.append("")
    rows.append(
        f"Sample articles: {len(facts[0] & facts[1])} of the {len(facts[0])} rule facts of a "
        f"base build are also in a --model build ({len(facts[1] - facts[0])} rule facts new)."
    )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ablations", action="store_true")
    parser.add_argument("--out", type=Path, help="keep the models here (default: a temp dir)")
    parser.add_argument(
        "--policies", type=Path, metavar="MODEL_DIR", help="only section 3, on a trained model"
    )
    args = parser.parse_args(argv)
    if not (TRAIN.is_file() and DEV.is_file()):
        print(f"needs {TRAIN} and {DEV}", file=sys.stderr)
        return 1
    from kg.learn.evaluate import evaluate
    from kg.learn.gold import read_gold
    from kg.learn.report import format_report
    from kg.learn.train import split_held_out

    if args.policies:
        print("## 3. Merge policy (dev, strict)\n")
        print(HEADER)
        print("\n".join(_policies(args.policies)))
        return 0

    with tempfile.TemporaryDirectory() as scratch:
        root = args.out or Path(scratch)
        print("## 1. Train on CoNLL04 train, select on dev\n")
        result, seconds = _train(root / "conll04")
        manifest = result.manifest  # type: ignore[attr-defined]
        print(f"command: kg train {TRAIN} -o MODEL --map conll04 --dev {DEV}")
        print(f"wall time: {seconds:.1f} s; model {manifest['id']}")
        print(f"entity epochs: {[h['dev_entity_f1'] for h in manifest['entities']['history']]}")
        classifier = manifest["classifier"]
        print(
            f"classifier: C={classifier['C']}, threshold {classifier['threshold']}, "
            f"{classifier['training_pairs']} training pairs, {classifier['features']} features\n"
        )
        print(HEADER)
        print(_scores(result.report, "dev (selection set)"))  # type: ignore[attr-defined]
        print()
        print(_per_label(result.report))  # type: ignore[attr-defined]
        print()
        print(format_report(result.report))  # type: ignore[attr-defined]

        print("## 2. Held-out slice, never seen in training or selection\n")
        documents = read_gold(TRAIN)
        rest, held = split_held_out(documents, 0.2)
        from kg.learn.train import train

        started = time.perf_counter()
        held_result = train(rest, root / "conll04-80", label_map="conll04", dev=DEV, progress=True)
        held_seconds = time.perf_counter() - started
        held_report = evaluate(held, "conll04", model=root / "conll04-80")
        print(f"{len(rest)} training documents, {len(held)} held out; {held_seconds:.1f} s\n")
        print(HEADER)
        print(_scores(held_result.report, "dev (selection set), 80% model"))
        print(_scores(held_report, "held-out 20% of train"))
        print()
        print(_per_label(held_report))
        print()

        print("## 3. Merge policy (dev, strict)\n")
        print(HEADER)
        print("\n".join(_policies(root / "conll04")))
        print()

        print("## 4. What the base model keeps\n")
        print("\n".join(_forgetting(root / "conll04")))
        print()

        if args.ablations:
            for name, options in (
                ("no rehearsal", {"rehearse": False}),
                ("no base NER beside the trained one", {"keep_base": False}),
                ("neither", {"rehearse": False, "keep_base": False}),
            ):
                print(f"## 5. Ablation: {name}\n")
                out = root / name.replace(" ", "-")
                ablated, seconds = _train(out, **options)
                print(HEADER)
                print(_scores(ablated.report, f"dev, {name}"))  # type: ignore[attr-defined]
                print()
                print("\n".join(_forgetting(out)))
                print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
