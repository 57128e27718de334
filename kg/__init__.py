"""kg: documents in, a trustworthy knowledge graph out.

Build a graph from files, directories or :class:`Document` objects, then query,
analyse, view or export it (see the README for the model)::

    graph = kg.build(["examples/"])
    graph.query("SELECT ?a ?b WHERE { ?a kg:met ?b }").rows
    graph.to_html("graph.html")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kg._version import __version__

# The public names load on first use (PEP 562): ``import kg`` stays cheap, so the
# ``kg`` command can handle Ctrl-C from its very first moment (kg._main).
_EXPORTS = {
    "Document": "kg.ingest.documents",
    "InputProblem": "kg.ingest.documents",
    "read_documents": "kg.ingest.read",
    "GraphFileError": "kg.errors",
    "InputError": "kg.errors",
    "KGError": "kg.errors",
    "ModelError": "kg.errors",
    "OntologyError": "kg.errors",
    "QueryError": "kg.errors",
    "QueryTimeoutError": "kg.errors",
    "UnsafeQueryError": "kg.errors",
    "Extraction": "kg.extract.extraction",
    "extract": "kg.extract.extraction",
    "KnowledgeGraph": "kg.graph",
    "StoredGraph": "kg.graph",
    "load": "kg.graph",
    "open_graph": "kg.graph",
    "open_store": "kg.graph",
    "load_model": "kg.extract.nlp",
    "TrainedModel": "kg.extract.model",
    "load_trained": "kg.extract.model",
    "KG": "kg.ontology.schema",
    "KGR": "kg.ontology.schema",
    "load_ontology": "kg.ontology.schema",
    "build": "kg.pipeline",
    "build_store": "kg.pipeline",
    "remove_documents": "kg.pipeline",
}

if TYPE_CHECKING:
    from kg.errors import (
        GraphFileError,
        InputError,
        KGError,
        ModelError,
        OntologyError,
        QueryError,
        QueryTimeoutError,
        UnsafeQueryError,
    )
    from kg.extract.extraction import Extraction, extract
    from kg.extract.model import TrainedModel, load_trained
    from kg.extract.nlp import load_model
    from kg.graph import KnowledgeGraph, StoredGraph, load, open_graph, open_store
    from kg.ingest.documents import Document, InputProblem
    from kg.ingest.read import read_documents
    from kg.ontology.schema import KG, KGR, load_ontology
    from kg.pipeline import build, build_store, remove_documents


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "KG",
    "KGR",
    "Document",
    "Extraction",
    "GraphFileError",
    "InputError",
    "InputProblem",
    "KGError",
    "KnowledgeGraph",
    "ModelError",
    "OntologyError",
    "QueryError",
    "QueryTimeoutError",
    "StoredGraph",
    "TrainedModel",
    "UnsafeQueryError",
    "__version__",
    "build",
    "build_store",
    "extract",
    "load",
    "load_model",
    "load_ontology",
    "load_trained",
    "open_graph",
    "open_store",
    "read_documents",
    "remove_documents",
]
