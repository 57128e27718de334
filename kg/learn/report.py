"""Reports of scores: aligned tables or JSON, and every error as JSON Lines."""

from __future__ import annotations

import json
import os
from typing import Literal

from kg.io import atomic_writer
from kg.learn.score import MATCHINGS, Mismatch, Report, Score

__all__ = ["format_report", "write_errors"]

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
