"""``kg evaluate`` and ``kg train``: scores against gold data, and models learnt from it."""

from __future__ import annotations

import click

from kg.cli.common import report_format

__all__ = ["evaluate", "train"]


@click.command()
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
@report_format
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


@click.command()
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
@report_format
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
