"""``kg query`` and ``kg queries``: sandboxed SPARQL over a graph, and the named queries."""

from __future__ import annotations

import re
from pathlib import Path

import click

import kg
from kg.cli.common import graph_argument, positive_seconds
from kg.errors import KGError

__all__ = ["queries", "query"]


@click.command()
@graph_argument
@click.argument("query_text", metavar="QUERY")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of a named query, e.g. -p name='Bob Russell'.",
)
@click.option(
    "--timeout",
    type=float,
    default=30.0,
    show_default=True,
    callback=positive_seconds,
    help="Seconds before the query is stopped.",
)
def query(
    graph_file: str, query_text: str, fmt: str, params: tuple[str, ...], timeout: float
) -> None:
    """Run QUERY on GRAPH. QUERY is SPARQL text, a .rq file, or a named query (see `kg queries`)."""
    from kg.rdf.query import format_result, list_named_queries, named_query

    values = {}
    for param in params:
        name, sep, value = param.partition("=")
        if not sep:
            raise click.BadParameter(f"{param!r} is not NAME=VALUE", param_hint="--param")
        values[name] = value
    if _is_query_file(query_text):
        path = Path(query_text)
        try:
            sparql = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KGError(f"{query_text}: cannot read query file: {exc}") from None
    elif query_text in list_named_queries() or _BARE_WORD.fullmatch(query_text):
        # One bare word is never SPARQL: a name, or a mistyped one ("did you mean …?").
        sparql = named_query(query_text, **values)
    else:
        sparql = query_text
    result = kg.open_graph(graph_file).query(sparql, timeout=timeout)
    click.echo(format_result(result, fmt), nl=False)


_BARE_WORD = re.compile(r"[A-Za-z][\w-]*")


def _is_query_file(text: str) -> bool:
    """A QUERY argument names a file if it ends in .rq, or is one short word that is a file."""
    if text.endswith(".rq"):
        return True
    if any(ch.isspace() for ch in text) or len(text) > 1024:
        return False
    try:
        return Path(text).is_file()
    except OSError:
        return False


@click.command()
def queries() -> None:
    """List the named queries that ship with kg."""
    from kg.rdf.query import list_named_queries

    for name, description in sorted(list_named_queries().items()):
        click.echo(f"{name:12} {description}")
