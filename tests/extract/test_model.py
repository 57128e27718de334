"""`kg train` and the model directory: written whole, checked on load, used by build and evaluate.

A small model is trained once per module on gold sentences written for these tests
(``tests/data``), for two epochs: enough to exercise every step in seconds. The
quality floor on CoNLL04 is tested in ``tests/learn/test_train.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDFS

import kg
from kg.cli.main import cli
from kg.errors import ModelError
from kg.extract.model import CLASSIFIER, MANIFEST, PIPELINE, is_model_dir, load_trained
from kg.learn.evaluate import evaluate
from kg.learn.gold import read_gold
from kg.learn.train import split_held_out
from kg.ontology.schema import KG

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"
TRAIN = DATA / "gold_train.jsonl"
DEV = DATA / "gold_dev.jsonl"


def run_train(output: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli,
        ["train", str(TRAIN), "-o", str(output), "--map", "conll04", "--dev", str(DEV),
         "--epochs", "2", "--no-progress", *extra],
    )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model") / "tiny"
    code, stdout, stderr = run_train(out)
    assert code == 0, stderr
    assert "Relations, strict match" in stdout
    assert f"wrote {out}: model tiny-" in stderr
    return out


def copy_of(model_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(model_dir, copy)
    return copy


def manifest(path: Path) -> dict[str, object]:
    data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --------------------------------------------------------------------------- what is written


def test_the_directory_holds_pipeline_classifier_and_manifest(model_dir: Path) -> None:
    assert is_model_dir(model_dir)
    assert sorted(p.name for p in model_dir.iterdir()) == sorted([CLASSIFIER, MANIFEST, PIPELINE])
    assert not [p for p in model_dir.parent.iterdir() if p.name.startswith(".")]  # no leftovers
    data = manifest(model_dir)
    versions = data["versions"]
    assert isinstance(versions, dict)
    assert set(versions) == {"kg", "spacy", "scikit-learn", "skops"}
    assert versions["kg"] == kg.__version__
    training = data["training_data"]
    assert isinstance(training, dict)
    assert training["documents"] == 20 and len(str(training["sha256"])) == 64
    label_map = data["label_map"]
    assert isinstance(label_map, dict) and label_map["name"] == "conll04"
    assert list(label_map["relations"]) == [  # in the map's order, which means something
        "Work_For",
        "Live_In",
        "OrgBased_In",
        "Located_In",
        "Kill",
    ]
    entities = data["entities"]
    assert isinstance(entities, dict)
    assert entities["labels"] == {"Peop": "PERSON", "Org": "ORG", "Loc": "GPE"}
    scores = data["dev_scores"]
    assert isinstance(scores, dict)
    assert set(scores["relations"]) == {"strict", "lenient"}
    files = data["files"]
    assert isinstance(files, dict) and CLASSIFIER in files
    # the saved pipeline is plain spaCy: kg's own component is added when loading
    config = (model_dir / PIPELINE / "config.cfg").read_text(encoding="utf-8")
    assert "kg_paragraph_breaks" not in config and "kg_base_ner" in config


def test_evaluate_with_the_model_gives_the_scores_in_the_manifest(model_dir: Path) -> None:
    result = CliRunner().invoke(
        cli, ["evaluate", str(DEV), "--model", str(model_dir), "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    recorded = manifest(model_dir)["dev_scores"]
    assert isinstance(recorded, dict)
    for level in ("relations", "entities"):
        assert report[level] == recorded[level]


def test_build_with_the_model_names_the_trained_extractor(model_dir: Path, tmp_path: Path) -> None:
    text = TRAIN.read_text(encoding="utf-8")  # sentences the classifier learnt from
    docs = tmp_path / "docs.jsonl"
    docs.write_text(text, encoding="utf-8")
    out = tmp_path / "graph.ttl"
    result = CliRunner().invoke(
        cli, ["build", str(docs), "--model", str(model_dir), "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(out)
    model_id = str(manifest(model_dir)["id"])
    agents = [a for a in graph.subjects(KG.model, Literal(model_id)) if isinstance(a, URIRef)]
    assert len(agents) == 1
    assert str(graph.value(agents[0], RDFS.label)) == f"kg.classifier.v1@{model_id}"
    statements = list(graph.subjects(PROV.wasAttributedTo, agents[0]))
    assert statements, "the trained classifier wrote no triple"
    for statement in statements:
        confidence = float(graph.value(statement, KG.confidence))  # type: ignore[arg-type]
        assert 0 < confidence <= 1


def test_the_api_takes_the_model_directory(model_dir: Path) -> None:
    trained = load_trained(model_dir)
    report = evaluate(read_gold(DEV), trained.classifier.label_map, model=trained)
    again = evaluate(read_gold(DEV), "conll04", model=str(model_dir))
    assert report.as_dict() == again.as_dict()
    graph = kg.build([kg.Document("d", "Irene Cole lives in Stanmoor.")], model=model_dir)
    assert len(graph) > 0


def test_training_is_reproducible(model_dir: Path, tmp_path: Path) -> None:
    """Another process, another hash seed, the data named by other paths: the same model."""
    env = {**os.environ, "PYTHONHASHSEED": "7"}
    subprocess.run(
        [sys.executable, "-m", "kg", "train", "gold_train.jsonl", "-o", str(tmp_path / "tiny"),
         "--map", "conll04", "--dev", "./gold_dev.jsonl", "--epochs", "2", "--no-progress"],
        cwd=DATA, env=env, check=True, capture_output=True,
    )  # fmt: skip
    first, second = manifest(model_dir), manifest(tmp_path / "tiny")
    assert first["id"] == second["id"]
    assert first["dev_scores"] == second["dev_scores"]
    assert first["entities"] == second["entities"]
    assert first["classifier"] == second["classifier"]


# --------------------------------------------------------------------------- safe loading


def refused(path: Path) -> str:
    with pytest.raises(ModelError) as info:
        load_trained(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_a_changed_classifier_file_is_refused_before_it_is_read(
    model_dir: Path, tmp_path: Path
) -> None:
    copy = copy_of(model_dir, tmp_path)
    with open(copy / CLASSIFIER, "ab") as handle:
        handle.write(b"\0")
    assert "does not match the manifest" in refused(copy)


def test_a_file_that_would_run_code_is_refused_even_with_a_matching_hash(
    model_dir: Path, tmp_path: Path
) -> None:
    """Hashes guard against accidents; skops refuses what is not plain data."""
    import hashlib

    import skops.io
    from sklearn.preprocessing import FunctionTransformer

    copy = copy_of(model_dir, tmp_path)
    skops.io.dump(FunctionTransformer(os.system), copy / CLASSIFIER)
    data = manifest(copy)
    files = data["files"]
    assert isinstance(files, dict)
    files[CLASSIFIER] = hashlib.sha256((copy / CLASSIFIER).read_bytes()).hexdigest()
    (copy / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    message = refused(copy)
    assert "cannot load" in message and "untrusted" in message.lower()


def test_a_model_from_another_scikit_learn_is_refused(model_dir: Path, tmp_path: Path) -> None:
    copy = copy_of(model_dir, tmp_path)
    data = manifest(copy)
    versions = data["versions"]
    assert isinstance(versions, dict)
    versions["scikit-learn"] = "0.24.2"
    (copy / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    message = refused(copy)
    assert "trained with scikit-learn 0.24.2" in message and "retrain" in message


def test_a_missing_or_extra_file_is_refused(model_dir: Path, tmp_path: Path) -> None:
    copy = copy_of(model_dir, tmp_path)
    (copy / PIPELINE / "extra.py").write_text("print('hi')\n", encoding="utf-8")
    assert "not part of the model" in refused(copy)
    (copy / PIPELINE / "extra.py").unlink()
    (copy / CLASSIFIER).unlink()
    assert "missing from the model directory" in refused(copy)


def test_other_formats_and_broken_manifests_are_refused(model_dir: Path, tmp_path: Path) -> None:
    copy = copy_of(model_dir, tmp_path)
    data = manifest(copy)
    data["format"] = 99
    (copy / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert "model format 99" in refused(copy)
    (copy / MANIFEST).write_text("{not json", encoding="utf-8")
    assert "unreadable manifest" in refused(copy)
    assert "no such model directory" in refused(tmp_path / "nowhere")


def test_cli_errors_are_one_line(model_dir: Path, tmp_path: Path) -> None:
    copy = copy_of(model_dir, tmp_path)
    with open(copy / CLASSIFIER, "ab") as handle:
        handle.write(b"\0")
    result = CliRunner().invoke(cli, ["build", str(DEV), "--model", str(copy)])
    assert result.exit_code == 1
    assert "does not match the manifest" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- writing safely


def test_an_output_that_is_not_a_model_is_never_replaced(tmp_path: Path) -> None:
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "todo.txt").write_text("keep me", encoding="utf-8")
    code, _, stderr = run_train(precious)
    assert code == 1
    assert "is not a kg model directory" in stderr
    assert (precious / "todo.txt").read_text(encoding="utf-8") == "keep me"


def test_an_interrupted_save_keeps_the_old_model(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import skops.io

    copy = copy_of(model_dir, tmp_path)
    before = (copy / MANIFEST).read_bytes()

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(skops.io, "dump", broken)
    with pytest.raises(KeyboardInterrupt):
        kg_train(copy)
    assert (copy / MANIFEST).read_bytes() == before
    assert load_trained(copy).id == manifest(model_dir)["id"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy"]  # no staging left


def kg_train(output: Path) -> None:
    from kg.learn.train import train

    train(TRAIN, output, dev=DEV, max_epochs=1, progress=False)


def test_retraining_replaces_a_model_whole(model_dir: Path, tmp_path: Path) -> None:
    copy = copy_of(model_dir, tmp_path)
    code, _, stderr = run_train(copy, "--epochs", "1", "--seed", "1")
    assert code == 0, stderr
    assert manifest(copy)["seed"] == 1
    load_trained(copy)  # every file matches the new manifest
    with zipfile.ZipFile(copy / CLASSIFIER) as archive:
        assert "schema.json" in archive.namelist()


# --------------------------------------------------------------------------- inputs


def test_held_out_split_is_by_id_not_position() -> None:
    documents = read_gold(TRAIN)
    train, held = split_held_out(documents, 0.25)
    train_r, held_r = split_held_out(list(reversed(documents)), 0.25)
    assert {d.id for d in held} == {d.id for d in held_r}
    assert {d.id for d in train} == {d.id for d in train_r}
    assert 0 < len(held) < len(documents)


def test_training_without_dev_holds_out_part_of_the_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["train", str(TRAIN), "-o", str(tmp_path / "m"), "--map", "conll04", "--epochs", "1",
         "--held-out", "0.3", "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    data = manifest(tmp_path / "m")
    dev, training = data["dev_data"], data["training_data"]
    assert isinstance(dev, dict) and isinstance(training, dict)
    assert "held out" in str(dev["source"])
    assert dev["documents"] + training["documents"] == 20


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "missing.jsonl", "-o", "m", "--map", "conll04"], "missing.jsonl"),
        (["train", str(TRAIN), "-o", "m", "--map", "nomap.toml"], "nomap.toml"),
        (
            ["train", str(TRAIN), "-o", "m", "--map", "conll04", "--dev", "nodev.jsonl"],
            "nodev.jsonl",
        ),
    ],
)
def test_bad_inputs_fail_before_training(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "m").exists()


def test_gold_without_relations_the_map_takes_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    never_trains(monkeypatch)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "\n".join(
            json.dumps({"id": f"d{i}", "text": "Ann Lee met Bo Park in Rome.", "entities": [
                {"text": "Ann Lee", "type": "Peop", "start": 0, "end": 7},
                {"text": "Bo Park", "type": "Peop", "start": 12, "end": 19},
                {"text": "Acme", "type": "Org", "start": 12, "end": 14},
                {"text": "Rome", "type": "Loc", "start": 23, "end": 27}], "relations": [{
                "head": "Ann Lee", "relation": "Met", "tail": "Bo Park"}]})
            for i in range(6)
        ),
        encoding="utf-8",
    )  # fmt: skip
    result = CliRunner().invoke(
        cli, ["train", str(gold), "-o", str(tmp_path / "m"), "--map", "conll04", "--epochs", "1",
              "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "no relation the label map takes" in result.stderr
    assert not (tmp_path / "m").exists()


def gold_lines(tmp_path: Path, edit: Callable[[dict[str, Any]], None], name: str) -> Path:
    out = tmp_path / name
    rows = [json.loads(line) for line in TRAIN.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        edit(row)
    out.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return out


def never_trains(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.learn.train

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("training started")

    monkeypatch.setattr(kg.learn.train, "_train_entities", fail)


def rename_loc(row: dict[str, Any]) -> None:
    for entity in row["entities"]:
        entity["type"] = "Location" if entity["type"] == "Loc" else entity["type"]
    for relation in row["relations"]:
        for end in ("head_type", "tail_type"):
            relation[end] = "Location" if relation[end] == "Loc" else relation[end]


def test_a_map_and_data_that_disagree_are_refused_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    never_trains(monkeypatch)
    gold = gold_lines(tmp_path, rename_loc, "renamed.jsonl")
    code, _, stderr = run_train_on(gold, tmp_path / "m")
    assert code == 1
    assert "entity type 'Loc' never occurs in the gold entities" in stderr


def test_a_document_longer_than_the_model_takes_is_refused_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    never_trains(monkeypatch)

    def lengthen(row: dict[str, Any]) -> None:
        if row["id"] == "train-03":
            row["text"] += " x" * 600_000

    gold = gold_lines(tmp_path, lengthen, "long.jsonl")
    code, _, stderr = run_train_on(gold, tmp_path / "m")
    assert code == 1
    assert "document 'train-03' has 1,200,0" in stderr and "split it" in stderr


def run_train_on(gold: Path, output: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, ["train", str(gold), "-o", str(output), "--map", "conll04", "--dev", str(DEV),
              "--epochs", "1", "--no-progress"],
    )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


def test_gold_spans_lose_a_trailing_full_stop_and_rehearse_the_base_models_labels() -> None:
    """What the NER is taught for one sentence, with a rule-based stand-in for the base NER."""
    import spacy

    from kg.learn.gold import GoldDocument, GoldEntity
    from kg.learn.train import _ner_examples

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([  # type: ignore[attr-defined]
        {"label": "DATE", "pattern": "Monday"},
        {"label": "GPE", "pattern": "Dallas"},  # a covered label: the gold data decides
        {"label": "NORP", "pattern": "Texan"},  # overlaps a gold span: the gold one wins
    ])  # fmt: skip
    text = "Ann Lee, a Texan Bank director, flew on Monday to Dallas."
    gold = GoldDocument("d", text, (
        GoldEntity("Ann Lee", "Peop", 0, 7),
        GoldEntity("Texan Bank", "Org", 11, 21),
        GoldEntity("Dallas.", "Loc", text.index("Dallas"), len(text)),
    ))  # fmt: skip
    labels = {"Peop": "PERSON", "Org": "ORG", "Loc": "GPE"}
    covered = frozenset({"PERSON", "ORG", "GPE", "LOC"})
    [example] = _ner_examples(nlp, [gold], labels, covered, rehearse=True)
    taught = [(e.text, e.label_) for e in example.reference.ents]
    assert taught == [
        ("Ann Lee", "PERSON"), ("Texan Bank", "ORG"), ("Monday", "DATE"), ("Dallas", "GPE"),
    ]  # fmt: skip
    [plain] = _ner_examples(nlp, [gold], labels, covered, rehearse=False)
    assert "Monday" not in [e.text for e in plain.reference.ents]


def test_an_edited_manifest_is_refused(model_dir: Path, tmp_path: Path) -> None:
    copy = copy_of(model_dir, tmp_path)
    data = manifest(copy)
    settings = data["classifier"]
    assert isinstance(settings, dict)
    settings["threshold"] = 0.01  # every pair would become a fact
    (copy / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert "does not match what was trained" in refused(copy)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("versions", ["spacy"], "'versions' must be an object"),
        ("label_map", "conll04", "'label_map' must be an object"),
        ("id", 'a b<c>"d', "'id' must be a name and a 12-digit hash"),
        ("classifier.threshold", "abc", "classifier.threshold must be a number from 0 to 1"),
        ("classifier.properties", None, "classifier.properties must be an object"),
        ("classifier.type_pairs", {"Kill": [["Peop"]]}, "classifier.type_pairs must be"),
    ],
)
def test_a_malformed_manifest_is_one_line(
    model_dir: Path, tmp_path: Path, field: str, value: object, message: str
) -> None:
    copy = copy_of(model_dir, tmp_path)
    data = manifest(copy)
    *parents, last = field.split(".")
    target: Any = data
    for key in parents:
        target = target[key]
    target[last] = value
    (copy / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert message in refused(copy)


def test_a_symbolic_link_is_refused(model_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.write_bytes(b"secret")
    copy = copy_of(model_dir, tmp_path)
    (copy / PIPELINE / "ner" / "moves").unlink()
    (copy / PIPELINE / "ner" / "moves").symlink_to(outside)
    assert "a symbolic link" in refused(copy)


def test_a_component_sourced_from_elsewhere_is_refused(model_dir: Path, tmp_path: Path) -> None:
    """A `source` would make spaCy read another pipeline from anywhere on disk."""
    import hashlib

    copy = copy_of(model_dir, tmp_path)
    config = copy / PIPELINE / "config.cfg"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("[components.ner]\n", '[components.ner]\nsource = "/elsewhere"\n'),
        encoding="utf-8",
    )
    data = manifest(copy)
    files = data["files"]
    assert isinstance(files, dict)
    files[f"{PIPELINE}/config.cfg"] = hashlib.sha256(config.read_bytes()).hexdigest()
    (copy / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert "sourced from elsewhere" in refused(copy)


def test_a_directory_that_only_looks_like_a_model_is_not_replaced(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / MANIFEST).write_text("{}", encoding="utf-8")
    (project / "notes.txt").write_text("keep me", encoding="utf-8")
    code, _, stderr = run_train(project)
    assert code == 1 and "is not a kg model directory" in stderr
    assert (project / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_the_current_directory_is_never_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run_train(Path("."))
    assert code == 1 and "choose a new directory" in stderr


def test_an_interrupted_swap_puts_the_old_model_back(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.extract.model

    copy = copy_of(model_dir, tmp_path)
    real = os.replace
    calls: list[object] = []

    def second_fails(src: Any, dst: Any) -> None:
        calls.append(src)
        if len(calls) == 2:  # the old model is aside; the new one is about to move in
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(kg.extract.model.os, "replace", second_fails)
    with pytest.raises(KeyboardInterrupt):
        kg_train(copy)
    monkeypatch.undo()
    assert load_trained(copy).id == manifest(model_dir)["id"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy"]
