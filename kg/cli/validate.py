"""``kg validate``: check a graph file against ontology/shapes.ttl (SHACL)."""

from __future__ import annotations

from collections.abc import Sequence

import click

import kg

__all__ = ["validate"]


@click.command()
@click.argument("graph_file", metavar="GRAPH", type=click.Path(dir_okay=False))
def validate(graph_file: str) -> None:
    """Check GRAPH against ontology/shapes.ttl: one line per violation, exit 1 if any."""
    from kg.rdf.validate import validate as run

    report = run(kg.load(graph_file).graph)
    for line in report.lines():
        click.echo(line)
    click.echo(f"{graph_file}: {verdict(report.violations)}", err=not report.conforms)
    if not report.conforms:
        raise SystemExit(1)


def verdict(violations: Sequence[object]) -> str:
    """``conforms to …`` or ``N violation(s) of …``: the last line of a validation."""
    if not violations:
        return "conforms to ontology/shapes.ttl"
    count = len(violations)
    return f"{count} violation{'' if count == 1 else 's'} of ontology/shapes.ttl"
