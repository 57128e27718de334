"""``kg stats`` and ``kg export``: what a graph holds, and the graph in other formats."""

from __future__ import annotations

import click

import kg

__all__ = ["export", "stats"]


@click.command()
@click.argument("graph_file", metavar="GRAPH", type=click.Path(dir_okay=False))
def stats(graph_file: str) -> None:
    """Counts by class and predicate, central entities and connected components."""
    from kg.analysis.stats import format_stats

    click.echo(format_stats(kg.load(graph_file).stats()), nl=False)


@click.command()
@click.argument("graph_file", metavar="GRAPH", type=click.Path(dir_okay=False))
@click.option(
    "-f",
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["ttl", "trig", "nt", "jsonld", "graphml", "gexf"]),
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
def export(graph_file: str, fmt: str, output: str) -> None:
    """Write GRAPH in another format (RDF ones, or GraphML/GEXF for graph tools)."""
    kg.load(graph_file).serialize(output, format=fmt)
    click.echo(f"wrote {output}", err=True)
