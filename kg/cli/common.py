"""What the commands share: warnings for input problems, the closing summary, options."""

from __future__ import annotations

import click

import kg
from kg.ingest.documents import InputProblem

__all__ = ["Problems", "graph_argument", "positive_seconds", "report_format", "summary"]


class Problems:
    """Collects input problems and prints each as one warning line."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, problem: InputProblem) -> None:
        self.count += 1
        click.echo(f"warning: {problem}", err=True)


def summary(graph: kg.KnowledgeGraph | kg.StoredGraph) -> str:
    """The closing line of a build: counts only, which stay cheap however large the graph."""
    return str(graph.counts())


graph_argument = click.argument("graph_file", metavar="GRAPH", type=click.Path())
"""GRAPH: a graph file, or a store directory written by ``kg build --store``."""


def positive_seconds(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    """A usage error (exit 2) for 0, negative or NaN seconds: no query could run."""
    if not value > 0:
        raise click.BadParameter(f"must be a positive number of seconds, not {value:g}")
    return value


report_format = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="How the scores are printed: aligned tables, or JSON.",
)
