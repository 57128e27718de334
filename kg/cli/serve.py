"""``kg serve``: a read-only SPARQL endpoint and browser UI over a graph or a store."""

from __future__ import annotations

import click

from kg.cli.common import graph_argument, positive_seconds

__all__ = ["serve"]


@click.command()
@graph_argument
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True)
@click.option(
    "--cors",
    "origins",
    multiple=True,
    metavar="ORIGIN",
    help="Let pages from ORIGIN (e.g. https://example.org) call /sparql. Off by default.",
)
@click.option(
    "--timeout",
    type=float,
    default=10.0,
    show_default=True,
    callback=positive_seconds,
    help="Seconds before a query is stopped (HTTP 408).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Most rows (or triples) an answer may have; larger ones are refused (HTTP 400).",
)
@click.option("--title", default="Knowledge graph", show_default=True)
def serve(
    graph_file: str,
    host: str,
    port: int,
    origins: tuple[str, ...],
    timeout: float,
    max_rows: int,
    title: str,
) -> None:
    """Serve GRAPH (a graph file or a store) over HTTP: SPARQL at /sparql, pages at /."""
    from kg.serve import serve as run

    run(
        graph_file,
        host=host,
        port=port,
        cors=origins,
        timeout=timeout,
        max_rows=max_rows,
        title=title,
        announce=lambda line: click.echo(line, err=True),
    )
