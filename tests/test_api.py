"""The public surface: every exported name resolves, lazily, to the object it names."""

from __future__ import annotations

import importlib

import kg


def test_every_exported_name_resolves() -> None:
    for name in kg.__all__:
        assert getattr(kg, name) is not None, name
    assert set(kg.__all__) <= set(dir(kg))


def test_exports_come_from_their_modules() -> None:
    assert kg.build is importlib.import_module("kg.pipeline").build
    assert kg.load_trained is importlib.import_module("kg.extract.model").load_trained
    assert kg.TrainedModel is importlib.import_module("kg.extract.model").TrainedModel
