"""Gather the build's inputs: paths, ``-`` (standard input) and ready-made Documents."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from kg.ingest.documents import Document, InputProblem, document_problem, report_problem
from kg.ingest.read import read_documents

__all__ = ["Source", "collect_documents"]

Source = str | os.PathLike[str] | Document
"""One input of a build: a file or folder path, ``-`` for standard input, or a Document."""


def collect_documents(
    inputs: Iterable[Source] | Source, *, on_problem: Callable[[InputProblem], None] | None = None
) -> list[Document]:
    """Documents from paths, ``-`` (standard input) and ready-made :class:`Document` objects."""
    if isinstance(inputs, (str, os.PathLike, Document)):
        inputs = [inputs]
    items = list(inputs)
    paths = [item for item in items if not isinstance(item, Document)]
    given = []
    for document in (item for item in items if isinstance(item, Document)):
        problem = document_problem(document)
        if problem is None:
            given.append(document)
        else:  # it could never be written out: skip it now, not fail after the build
            (on_problem or report_problem)(problem)
    return given + (list(read_documents(paths, on_problem=on_problem)) if paths else [])
