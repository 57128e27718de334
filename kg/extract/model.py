"""A trained kg model: the directory ``kg train`` writes and ``--model DIR`` reads.

::

    MODEL_DIR/
      kg-model.json     the manifest: versions, data hashes, label map, components,
                        dev scores, and the SHA-256 of every other file
      pipeline/         a plain spaCy pipeline: the base model with a retrained NER
      relations.skops   the relation classifier (scikit-learn), in skops format

Loading runs no code from the directory. The classifier is stored with skops,
whose format holds data, not pickled objects, and which refuses any type it does
not trust; the spaCy pipeline is config and arrays, and its config may not source a
component from elsewhere or set creation callbacks. Before anything is read, every
file's hash must match the manifest (symbolic links are refused), and a model made
with another major or minor version of spaCy or scikit-learn is refused. After
loading, the model id's hash is recomputed from what was learnt and the manifest's
settings, so a manifest edited after training is refused too. Each refusal is one
line (:class:`~kg.errors.ModelError`) naming the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import ModelError
from kg.ontology.schema import Ontology, load_ontology

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.extract.relations.classifier import RelationClassifier

__all__ = [
    "FORMAT",
    "MANIFEST",
    "TrainedModel",
    "check_output",
    "is_model_dir",
    "library_versions",
    "load_trained",
    "save_trained",
]

MANIFEST = "kg-model.json"
FORMAT = 1
"""The layout version; a model directory of another layout is refused."""

PIPELINE = "pipeline"
CLASSIFIER = "relations.skops"
_CHECKED = ("spacy", "scikit-learn")
"""Libraries whose major.minor version must match the one a model was made with."""


@dataclass(frozen=True)
class TrainedModel:
    """A loaded model directory: the spaCy pipeline, the relation classifier, the manifest."""

    path: Path
    manifest: dict[str, Any]
    nlp: Language
    classifier: RelationClassifier

    @property
    def id(self) -> str:
        """The model id provenance names: the directory's name and a content hash."""
        return str(self.manifest["id"])


def library_versions() -> dict[str, str]:
    """The versions a manifest records (and loading compares)."""
    from importlib.metadata import version

    from kg._version import __version__

    return {
        "kg": __version__,
        "spacy": version("spacy"),
        "scikit-learn": version("scikit-learn"),
        "skops": version("skops"),
    }


def is_model_dir(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a directory ``kg train`` wrote (it holds a manifest)."""
    try:
        return (Path(path) / MANIFEST).is_file()
    except (OSError, ValueError):
        return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> dict[str, str]:
    """Every file under ``root`` but the manifest, by POSIX relative path, with its hash.

    A symbolic link is refused: it would make the model read, and hash, a file
    outside its directory.
    """
    out = {}
    for folder, dirs, names in os.walk(root):
        for name in sorted(dirs + names):
            path = Path(folder) / name
            if path.is_symlink():
                raise ModelError(f"{path}: a symbolic link; a model directory holds plain files")
        for name in names:
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            if relative != MANIFEST:
                out[relative] = _sha256(path)
    return dict(sorted(out.items()))


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", name).strip("-.") or "model"


def save_trained(
    output: str | os.PathLike[str],
    nlp: Language,
    estimator: object,
    manifest: dict[str, Any],
) -> dict[str, Any]:
    """Write a model directory; returns the manifest written, with its id and file hashes.

    Everything is written into a hidden directory beside ``output`` first. Only when
    it is complete does it take ``output``'s place, so an interrupted run leaves the
    previous model (if any) whole. ``output`` may be a previous model directory or
    an empty directory; anything else is refused, so training never deletes a
    user's files.
    """
    import skops.io

    target = check_output(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    try:
        staging.mkdir()
        nlp.to_disk(staging / PIPELINE)
        skops.io.dump(estimator, staging / CLASSIFIER, compression=zipfile.ZIP_DEFLATED)
        files = _files(staging)
        manifest = {**manifest, "components": _components(nlp)}
        content = _fingerprint(manifest, nlp, estimator)
        written = {
            "format": FORMAT,
            "id": f"{_slug(target.name)}-{content[:12]}",
            **manifest,
            "files": files,
        }
        (staging / MANIFEST).write_text(  # in order: the label map's order means something
            json.dumps(written, indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        _replace_directory(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def check_output(output: str | os.PathLike[str]) -> Path:
    """Refuse an output path that holds anything but a model, before time is spent training.

    A directory is replaced only if it is empty, or is a model kg wrote: a manifest
    of this format and nothing but the files it lists. Anything else might be the
    user's, and is never deleted.
    """
    target = Path(output).resolve()
    if target == Path(target.anchor) or target == Path.cwd() or target in Path.cwd().parents:
        raise ModelError(f"{output}: choose a new directory for the model, not this one")
    if not target.exists():
        return target
    if target.is_dir() and not any(target.iterdir()):
        return target
    try:
        manifest = _read_manifest(target)
        listed = set(manifest["files"]) if isinstance(manifest["files"], dict) else set()
        if set(_files(target)) == listed:
            return target
    except ModelError:
        pass
    raise ModelError(
        f"{output}: exists and is not a kg model directory; choose a new path for the model"
    )


def _components(nlp: Language) -> dict[str, str]:
    """Each component of the pipeline and the factory that makes it."""
    return {name: str(nlp.get_pipe_meta(name).factory) for name in nlp.component_names}


def _fingerprint(manifest: dict[str, Any], nlp: Language, estimator: Any) -> str:
    """A hash of what was learnt and how it is applied: the model id's second half.

    Not the files' hashes: skops names its array files by object id, so the same
    classifier is written as different bytes every time. Loading recomputes it, so
    a manifest edited after training (a threshold, a property) is refused.
    """
    learnt = {k: v for k, v in manifest.items() if k not in ("format", "id", "files")}
    for data in ("training_data", "dev_data"):  # the same data from another path is the same
        if isinstance(learnt.get(data), dict):
            learnt[data] = {k: v for k, v in learnt[data].items() if k != "source"}
    digest = hashlib.sha256(json.dumps(learnt, sort_keys=True).encode("utf-8"))
    digest.update(nlp.get_pipe("ner").to_bytes())  # type: ignore[attr-defined]
    vectorizer, classifier = estimator[0], estimator[-1]
    digest.update(json.dumps(sorted(vectorizer.vocabulary_.items())).encode("utf-8"))
    for array in (classifier.coef_, classifier.intercept_, classifier.classes_.astype(str)):
        digest.update(array.tobytes())
    return digest.hexdigest()


def _replace_directory(staging: Path, target: Path) -> None:
    """Move ``staging`` to ``target``; an old ``target`` is moved aside, then deleted.

    Two renames: killed between them, the old model is left whole as a hidden
    ``.NAME.*.old`` beside ``target``; any exception puts it back.
    """
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.{secrets.token_hex(4)}.old"
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _read_manifest(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    if not root.is_dir():
        raise ModelError(f"{root}: no such model directory")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{root}: not a kg model directory (no {MANIFEST})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path}: unreadable manifest: {exc}".splitlines()[0]) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(
            f"{path}: model format {manifest.get('format') if isinstance(manifest, dict) else '?'}"
            f" is not {FORMAT}; retrain it with this kg (kg train)"
        )
    for key in ("id", "files", "versions", "label_map", "classifier"):
        if key not in manifest:
            raise ModelError(f"{path}: manifest has no {key!r}")
    return manifest


def _check_versions(root: Path, manifest: dict[str, Any]) -> None:
    installed = library_versions()
    for name in _CHECKED:
        made = str(manifest["versions"].get(name, "?"))
        if made.split(".")[:2] != installed[name].split(".")[:2]:
            raise ModelError(
                f"{root}: trained with {name} {made}, but {installed[name]} is installed;"
                f" install {name}=={made} or retrain the model"
            )


def _check_files(root: Path, manifest: dict[str, Any]) -> None:
    expected = manifest["files"]
    if not isinstance(expected, dict) or CLASSIFIER not in expected:
        raise ModelError(f"{root / MANIFEST}: the manifest lists no classifier file")
    found = _files(root)
    for name, digest in sorted(expected.items()):
        if name not in found:
            raise ModelError(f"{root / name}: missing from the model directory")
        if found[name] != digest:
            raise ModelError(
                f"{root / name}: does not match the manifest's hash (changed after training?);"
                " refusing to load it"
            )
    extra = sorted(set(found) - set(expected))
    if extra:
        raise ModelError(f"{root / extra[0]}: not part of the model (not in the manifest)")


_ID = re.compile(r"[A-Za-z0-9.-]+-[0-9a-f]{12}")


def _check_schema(root: Path, manifest: dict[str, Any]) -> None:
    """Every field loading reads has the type training wrote, or one line says which."""
    where = root / MANIFEST

    def fail(field: str, expected: str) -> ModelError:
        return ModelError(f"{where}: {field} must be {expected}")

    if not isinstance(manifest["id"], str) or not _ID.fullmatch(manifest["id"]):
        raise fail("'id'", "a name and a 12-digit hash")
    if not isinstance(manifest["versions"], dict):
        raise fail("'versions'", "an object")
    if not isinstance(manifest["label_map"], dict):
        raise fail("'label_map'", "an object")
    if not isinstance(manifest.get("components"), dict):
        raise fail("'components'", "an object")
    settings = manifest["classifier"]
    if not isinstance(settings, dict):
        raise fail("'classifier'", "an object")
    properties, type_pairs = settings.get("properties"), settings.get("type_pairs")
    if not isinstance(properties, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in properties.items()
    ):
        raise fail("classifier.properties", "an object of label → property")
    if not isinstance(type_pairs, dict) or not all(
        isinstance(pairs, list)
        and all(isinstance(p, list) and len(p) == 2 and all(isinstance(t, str) for t in p)
                for p in pairs)
        for pairs in type_pairs.values()
    ):  # fmt: skip
        raise fail("classifier.type_pairs", "an object of label → [[head type, tail type], …]")
    threshold = settings.get("threshold")
    if not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise fail("classifier.threshold", "a number from 0 to 1")


def _check_config(root: Path, manifest: dict[str, Any]) -> None:
    """The pipeline's config makes what training saved, from nowhere but the directory.

    A component may not be ``source``-d (that reads another pipeline, anywhere on
    disk), the creation callbacks must be unset, and the components and their
    factories must be those the manifest recorded.
    """
    from spacy.util import load_config

    path = root / PIPELINE / "config.cfg"
    try:
        config = load_config(path, interpolate=False)
    except Exception as exc:
        raise ModelError(f"{path}: unreadable: {exc}".splitlines()[0]) from exc
    nlp_section = config.get("nlp", {})
    for callback in ("before_creation", "after_creation", "after_pipeline_creation"):
        if nlp_section.get(callback) is not None:
            raise ModelError(f"{path}: [nlp] {callback} is set; a kg model sets no callbacks")
    components = config.get("components", {})
    for name, component in components.items():
        if "source" in component:
            raise ModelError(f"{path}: component {name!r} is sourced from elsewhere; refused")
    made = {name: str(component.get("factory")) for name, component in components.items()}
    if made != manifest["components"]:
        raise ModelError(f"{path}: its components are not those the manifest records")


def load_trained(path: str | os.PathLike[str], ontology: Ontology | None = None) -> TrainedModel:
    """Load and check a model directory; any problem is a one-line :class:`ModelError`.

    The result is cached per directory and manifest, so a build and an evaluation in
    one process load a model once, and a retrained model is never served stale.
    """
    root = Path(path).resolve()
    manifest_bytes = b""
    with contextlib.suppress(OSError):
        manifest_bytes = (root / MANIFEST).read_bytes()
    onto = ontology or load_ontology()
    key = (root, hashlib.sha256(manifest_bytes).hexdigest(), id(onto))
    if key not in _LOADED:
        if len(_LOADED) >= 4:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = _load(root, onto)
    return _LOADED[key]


_LOADED: dict[tuple[Path, str, int], TrainedModel] = {}


def _load(root: Path, onto: Ontology) -> TrainedModel:
    import skops.io
    import spacy

    from kg.errors import InputError
    from kg.extract.nlp import register_components, with_paragraph_breaks
    from kg.extract.relations.classifier import NONE, RelationClassifier
    from kg.ontology.labelmap import label_map_from_dict

    manifest = _read_manifest(root)
    _check_schema(root, manifest)
    _check_versions(root, manifest)
    _check_files(root, manifest)
    _check_config(root, manifest)
    try:
        label_map = label_map_from_dict(
            manifest["label_map"], onto, where=str(root / MANIFEST), name=str(manifest["id"])
        )
    except InputError as exc:
        raise ModelError(str(exc)) from exc
    settings = manifest["classifier"]
    try:
        estimator = skops.io.load(root / CLASSIFIER)
    except Exception as exc:  # skops refuses untrusted types; anything else is a broken file
        raise ModelError(f"{root / CLASSIFIER}: cannot load: {exc}".splitlines()[0]) from exc
    register_components()
    try:
        nlp = spacy.load(root / PIPELINE)
    except Exception as exc:
        raise ModelError(f"{root / PIPELINE}: cannot load: {exc}".splitlines()[0]) from exc
    try:
        fingerprint = _fingerprint(manifest, nlp, estimator)
    except Exception as exc:  # not the pipeline and classifier kg train makes
        raise ModelError(f"{root}: not a model kg train made: {exc}".splitlines()[0]) from exc
    if not manifest["id"].endswith("-" + fingerprint[:12]):
        raise ModelError(
            f"{root / MANIFEST}: does not match what was trained (edited after training?);"
            " refusing to load it"
        )
    classes = {str(c) for c in getattr(estimator, "classes_", ())} - {NONE}
    if not classes <= set(settings["properties"]):
        raise ModelError(f"{root / MANIFEST}: classifier.properties misses a label it predicts")
    classifier = RelationClassifier(
        estimator=estimator,
        label_map=label_map,
        properties=dict(settings["properties"]),
        type_pairs={k: [(a, b) for a, b in v] for k, v in settings["type_pairs"].items()},
        threshold=float(settings["threshold"]),
        model_id=str(manifest["id"]),
    )
    return TrainedModel(root, manifest, with_paragraph_breaks(nlp), classifier)
