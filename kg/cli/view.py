"""``kg view``: a graph as an interactive page that works offline."""

from __future__ import annotations

import click

import kg
from kg.cli.common import graph_argument

__all__ = ["view"]


@click.command()
@graph_argument
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write."
)
@click.option("--title", default="Knowledge graph", show_default=True)
def view(graph_file: str, output: str, title: str) -> None:
    """Write GRAPH as an interactive HTML page that works offline."""
    kg.open_graph(graph_file).to_html(output, title=title)
    click.echo(f"wrote {output}", err=True)
