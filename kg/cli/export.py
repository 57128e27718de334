"""``kg stats`` and ``kg export``: what a graph holds, and the graph in other formats."""

from __future__ import annotations

import click

import kg
from kg.cli.common import graph_argument
from kg.errors import KGError

__all__ = ["export", "stats", "unmerge"]


@click.command()
@graph_argument
def stats(graph_file: str) -> None:
    """Counts by class and predicate, central entities and connected components."""
    from kg.analysis.stats import format_stats

    click.echo(format_stats(kg.open_graph(graph_file).stats()), nl=False)


@click.command()
@graph_argument
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["ttl", "trig", "nt", "jsonld", "graphml", "gexf"]),
    help="The format (default: from the suffix of OUTPUT, as kg build does).",
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
def export(graph_file: str, fmt: str | None, output: str) -> None:
    """Write GRAPH in another format (RDF ones, or GraphML/GEXF for graph tools)."""
    from kg.rdf.export import format_for_path

    fmt = fmt or format_for_path(output)  # an unknown suffix: one line, nothing read
    graph = kg.open_graph(graph_file)
    if isinstance(graph, kg.StoredGraph):
        graph.export(output, format=fmt)  # streams from the store
    else:
        graph.serialize(output, format=fmt)
    click.echo(f"wrote {output}", err=True)


@click.command()
@click.argument("graph_file", metavar="GRAPH", type=click.Path())
@click.argument("merges", metavar="MERGE", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Graph file to write (default: GRAPH itself, replaced atomically).",
)
def unmerge(graph_file: str, merges: tuple[str, ...], output: str | None) -> None:
    """Take back cross-document merges: MERGE is a record from `kg query GRAPH merges`."""
    from kg.rdf.resolve import unmerge as take_back
    from kg.rdf.store import is_store

    if is_store(graph_file):
        raise KGError(
            f"{graph_file}: a store makes its merges again at every build; take one back "
            "in an export (kg export STORE -o G.ttl; kg unmerge G.ttl MERGE), or build "
            "the store with --no-merge"
        )
    graph = kg.load(graph_file)
    unknown = [m for m in merges if not take_back(graph.graph, m.removeprefix("kgr:"))]
    if unknown:
        raise KGError(f"{graph_file}: no merge {', '.join(unknown)}; nothing written")
    target = output or graph_file
    graph.serialize(target)
    click.echo(f"wrote {target}: {len(merges)} merge(s) taken back", err=True)
