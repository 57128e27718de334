"""A trained kg model: the directory ``kg train`` writes and ``--model DIR`` reads.

::

    MODEL_DIR/
      kg-model.json     the manifest: versions, data hashes, label map, dev scores,
                        and the SHA-256 of every other file
      pipeline/         a plain spaCy pipeline: the base model with a retrained NER
      relations.skops   the relation classifier (scikit-learn), in skops format

Loading runs no code from the directory. The classifier is stored with skops,
whose format holds data, not pickled objects, and which refuses any type it does
not trust; the spaCy pipeline is config and arrays. On top of that every file's
hash must match the manifest, so a file changed or swapped after training is
refused before it is read, and a model made with another major or minor version of
spaCy or scikit-learn is refused with a line saying which.
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
from kg.ontology import Ontology, load_ontology

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.relations.classifier import RelationClassifier

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

    import kg

    return {
        "kg": kg.__version__,
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
    """Every file under ``root`` but the manifest, by POSIX relative path, with its hash."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            out[path.relative_to(root).as_posix()] = _sha256(path)
    return out


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
    """Refuse an output path that holds anything but a model, before hours are spent training."""
    target = Path(output)
    if target.exists() and not (
        is_model_dir(target) or (target.is_dir() and not any(target.iterdir()))
    ):
        raise ModelError(
            f"{target}: exists and is not a kg model directory; choose a new path for the model"
        )
    return target


def _fingerprint(manifest: dict[str, Any], nlp: Language, estimator: Any) -> str:
    """A hash of what was learnt, so that the same training gives the same model id.

    Not the files' hashes: skops names its array files by object id, so the same
    classifier is written as different bytes every time.
    """
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode("utf-8"))
    digest.update(nlp.get_pipe("ner").to_bytes())  # type: ignore[attr-defined]
    vectorizer, classifier = estimator[0], estimator[-1]
    digest.update(json.dumps(sorted(vectorizer.vocabulary_.items())).encode("utf-8"))
    for array in (classifier.coef_, classifier.intercept_, classifier.classes_.astype(str)):
        digest.update(array.tobytes())
    return digest.hexdigest()


def _replace_directory(staging: Path, target: Path) -> None:
    """Move ``staging`` to ``target``; an old ``target`` is moved aside, then deleted."""
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
    from kg.evaluate import label_map_from_dict
    from kg.nlp import register_components, with_paragraph_breaks
    from kg.relations.classifier import RelationClassifier

    manifest = _read_manifest(root)
    _check_versions(root, manifest)
    _check_files(root, manifest)
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
    classifier = RelationClassifier(
        estimator=estimator,
        label_map=label_map,
        properties=dict(settings["properties"]),
        type_pairs={k: [(a, b) for a, b in v] for k, v in settings["type_pairs"].items()},
        threshold=float(settings["threshold"]),
        model_id=str(manifest["id"]),
    )
    return TrainedModel(root, manifest, with_paragraph_breaks(nlp), classifier)
