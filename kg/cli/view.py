"""``kg view``: a graph as an interactive page that works offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

import kg
from kg.cli.common import graph_argument, positive_seconds
from kg.errors import KGError

__all__ = ["view"]


@click.command()
@graph_argument
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write."
)
@click.option("--title", default="Knowledge graph", show_default=True)
@click.option("--focus", metavar="NAME", help="Draw only around this entity (name, alias or IRI).")
@click.option(
    "--hops",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="How far --focus reaches.",
)
@click.option(
    "--type", "types", multiple=True, metavar="CLASS", help="Only entities of CLASS (or below it)."
)
@click.option(
    "--predicate",
    "predicates",
    multiple=True,
    metavar="P",
    help="Only relations with predicate P (local name, label or IRI).",
)
@click.option(
    "--min-degree",
    type=click.IntRange(min=0),
    help="Drop entities with fewer relations. The large view's default, 1, hides isolated ones.",
)
@click.option(
    "--top", type=click.IntRange(min=1), metavar="N", help="Only the N most central (PageRank)."
)
@click.option("--document", metavar="ID", help="Only what the document ID mentions or evidences.")
@click.option(
    "--query",
    "query_text",
    metavar="SPARQL",
    help="Draw exactly a CONSTRUCT's triples, or the entities a SELECT binds (text or .rq file).",
)
@click.option(
    "--timeout",
    type=float,
    default=30.0,
    show_default=True,
    callback=positive_seconds,
    help="Seconds before --query is stopped.",
)
@click.option(
    "--color",
    "colour",
    type=click.Choice(["class", "community"]),
    default="class",
    show_default=True,
    help="Colour nodes by class, or by Louvain community.",
)
@click.option(
    "--renderer",
    type=click.Choice(["auto", "vis", "webgl"]),
    default="auto",
    show_default=True,
    help="vis-network, WebGL (sigma.js), or by size.",
)
def view(
    graph_file: str,
    output: str,
    title: str,
    focus: str | None,
    hops: int,
    types: tuple[str, ...],
    predicates: tuple[str, ...],
    min_degree: int | None,
    top: int | None,
    document: str | None,
    query_text: str | None,
    timeout: float,
    colour: str,
    renderer: str,
) -> None:
    """Write GRAPH as an interactive HTML page that works offline."""
    from kg.cli.query import _is_query_file
    from kg.view import Selection, write_source_html

    sparql = query_text
    if query_text is not None and _is_query_file(query_text):
        try:
            sparql = Path(query_text).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KGError(f"{query_text}: cannot read query file: {exc}") from None
    selection = Selection(
        focus=focus,
        hops=hops,
        types=types,
        predicates=predicates,
        document=document,
        min_degree=min_degree,
        top=top,
        query=sparql,
        query_timeout=timeout,
    )
    options: dict[str, Any] = {
        "title": title,
        "selection": selection,
        "renderer": renderer,  # click.Choice checked it
        "colour_by": colour,
    }
    # Oxigraph reads a Turtle file or a store in a second; rdflib reads the rest.
    if not write_source_html(graph_file, output, **options):
        kg.open_graph(graph_file).to_html(output, **options)
    click.echo(f"wrote {output}", err=True)
