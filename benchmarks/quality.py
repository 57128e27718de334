"""Extraction quality on CoNLL04: the per-label tables of benchmarks/quality.md.

    python benchmarks/quality.py [GOLD.jsonl ...]

Runs ``kg evaluate``'s code (:func:`kg.evaluate.evaluate`, the pipeline of ``kg
build``) with the shipped ``conll04`` label map over each gold file (default: the
CoNLL04 dev and train splits in ../shared/eval) and prints Markdown tables:
relations per label under strict and boundary-lenient matching, entities per type,
and the ceiling the entity step sets (gold relations whose two arguments come out
of it as names).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kg.evaluate import MATCHINGS, Report, Score, evaluate
from kg.nlp import load_model

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"


def _row(name: str, score: Score) -> str:
    return (
        f"| {name} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} "
        f"| {score.tp} | {score.fp} | {score.fn} |"
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
        lines += [_row(label, score) for label, score in tables[matching].items()]
        micro = report.micro(level, matching)  # type: ignore[arg-type]
        lines.append(_row("**micro**", micro))
        macro = report.macro_f1(level, matching)  # type: ignore[arg-type]
        lines.append(f"| macro F1 | | | {macro:.3f} | | | |")
    return lines


def main(paths: list[str]) -> None:
    files = [Path(p) for p in paths] or [
        SHARED / "conll04_dev.jsonl",
        SHARED / "conll04_train.jsonl",
    ]
    nlp = load_model()
    for path in files:
        began = time.perf_counter()
        report = evaluate(path, "conll04", nlp=nlp, progress=False)
        seconds = time.perf_counter() - began
        total = report.micro("relation", "strict")
        gold = total.tp + total.fn
        reach = sum(report.reachable.values())
        print(f"## {path.name}: {report.documents} documents, {seconds:.1f} s")
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
    main(sys.argv[1:])
