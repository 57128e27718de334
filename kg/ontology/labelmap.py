"""Label maps: which ontology properties and classes count as another data set's labels.

A map (TOML, see :func:`load_label_map`) says which properties count as which gold
relation label, and which classes as which gold entity type. Sub-properties and
sub-classes count for their parent, so mapping ``Work_For`` to ``kg:worksFor`` also
credits ``kg:spokespersonFor``. Scoring (:mod:`kg.learn`) and the relation classifier
(:mod:`kg.extract.relations.classifier`) both read it, so it sits with the ontology.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.ontology.schema import Ontology, load_ontology

__all__ = ["BUILTIN_MAPS", "LabelMap", "label_map_from_dict", "load_label_map"]

BUILTIN_MAPS = ("conll04",)
"""Label maps shipped with kg, usable by name: ``kg evaluate gold.jsonl --map conll04``."""

# --------------------------------------------------------------------------- label map


@dataclass(frozen=True)
class LabelMap:
    """Gold labels ↔ ontology terms.

    ``relations`` maps a gold relation label to ontology properties; a property
    written ``^kg:employs`` counts with its arguments swapped. ``entities`` maps a
    gold entity type to ontology classes. Gold types with no classes are not scored.
    """

    relations: dict[str, tuple[str, ...]]
    entities: dict[str, tuple[str, ...]]
    arguments: dict[str, tuple[str, str]] = field(default_factory=dict)
    name: str = ""

    def relation_label(
        self, predicate: str, subject_cls: str, object_cls: str, onto: Ontology
    ) -> tuple[str, bool] | None:
        """(gold label, inverted) for a predicted relation, or None when no label takes it.

        When a property counts for several labels (kg:holdsPositionIn is CoNLL04's
        Work_For for an organisation and its Live_In for a place), the label whose
        ``[arguments]`` types fit the two classes wins; if none fits, the first
        label takes it, so the prediction still counts as a false positive.
        """
        found: list[tuple[str, bool]] = []
        for label, props in self.relations.items():
            for prop in props:
                inverse = prop.startswith("^")
                if onto.is_subproperty(predicate, prop.lstrip("^")):
                    found.append((label, inverse))
                    break
        if not found:
            return None
        for label, inverse in found:
            expected = self.arguments.get(label)
            if expected is None:
                continue
            head, tail = (object_cls, subject_cls) if inverse else (subject_cls, object_cls)
            if (self.entity_type(head, onto), self.entity_type(tail, onto)) == expected:
                return label, inverse
        return found[0]

    def as_dict(self) -> dict[str, Any]:
        """The map as :func:`label_map_from_dict` reads it (``kg:`` names, lists)."""

        def names(values: tuple[str, ...]) -> list[str]:
            return [("^" if v.startswith("^") else "") + "kg:" + v.lstrip("^") for v in values]

        return {
            "relations": {k: names(v) for k, v in self.relations.items()},
            "entities": {k: names(v) for k, v in self.entities.items()},
            "arguments": {k: list(v) for k, v in self.arguments.items()},
        }

    def entity_type(self, cls: str, onto: Ontology) -> str | None:
        """The gold type a class counts as: the one mapped to its nearest ancestor."""
        best: tuple[int, str] | None = None
        for gold_type, classes in self.entities.items():
            for mapped in classes:
                if onto.is_subclass(cls, mapped):
                    rank = onto.depth(mapped)
                    if best is None or rank > best[0]:
                        best = (rank, gold_type)
        return None if best is None else best[1]


def _local_names(value: object, where: str, onto: Ontology, kind: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise InputError(f"{where}: expected a string or a list of strings")
    names = []
    for item in items:
        inverse = item.startswith("^")
        name = item.lstrip("^").removeprefix("kg:")
        known = onto.properties if kind == "property" else onto.classes
        if name not in known:
            raise InputError(f"{where}: kg:{name} is not an ontology {kind}")
        names.append(("^" if inverse else "") + name)
    return tuple(names)


def _map_path(spec: str | os.PathLike[str]) -> Path:
    if str(spec) in BUILTIN_MAPS:
        from kg.ontology.schema import ontology_dir

        return ontology_dir() / "maps" / f"{spec}.toml"
    return Path(spec)


def load_label_map(spec: str | os.PathLike[str], ontology: Ontology | None = None) -> LabelMap:
    """Read a label map: a TOML file, or the name of one kg ships (``conll04``).

    ::

        [relations]
        Work_For = ["kg:worksFor", "kg:memberOf"]
        [entities]
        Peop = "kg:Person"
        [arguments]                 # optional: the gold types of each label's arguments
        Work_For = ["Peop", "Org"]

    Every name must be declared in the ontology, so a typo fails here instead of
    silently scoring zero.
    """
    onto = ontology or load_ontology()
    path = _map_path(spec)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read label map: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: invalid TOML: {exc}".splitlines()[0]) from exc
    return label_map_from_dict(data, onto, where=str(path), name=str(spec))


def label_map_from_dict(
    data: dict[str, Any], ontology: Ontology, *, where: str, name: str = ""
) -> LabelMap:
    """A label map from its TOML tables (or a trained model's manifest), checked as above."""
    relations, entities = data.get("relations", {}), data.get("entities", {})
    arguments = data.get("arguments", {})
    if not isinstance(arguments, dict) or not all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(t, str) for t in v)
        for v in arguments.values()
    ):
        raise InputError(f"{where}: [arguments] maps a label to [HEAD_TYPE, TAIL_TYPE]")
    if not isinstance(relations, dict) or not isinstance(entities, dict) or not relations:
        raise InputError(f"{where}: needs a [relations] table (and optionally [entities])")
    return LabelMap(
        relations={
            str(k): _local_names(v, f"{where}: relations.{k}", ontology, "property")
            for k, v in relations.items()
        },
        entities={
            str(k): _local_names(v, f"{where}: entities.{k}", ontology, "class")
            for k, v in entities.items()
        },
        arguments={str(k): (v[0], v[1]) for k, v in arguments.items()},
        name=name,
    )
