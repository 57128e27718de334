"""kg: documents in, a trustworthy knowledge graph out.

Build a graph from files, directories or :class:`Document` objects, then query,
analyse, view or export it (see the README for the model)::

    graph = kg.build(["examples/"])
    graph.query("SELECT ?a ?b WHERE { ?a kg:met ?b }").rows
    graph.to_html("graph.html")
"""

from kg.documents import Document, InputProblem, read_documents
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
from kg.extract import Extraction, extract
from kg.graph import KnowledgeGraph, load
from kg.nlp import load_model
from kg.ontology import KG, KGR, load_ontology
from kg.pipeline import build

__version__ = "0.1.0"

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
    "UnsafeQueryError",
    "__version__",
    "build",
    "extract",
    "load",
    "load_model",
    "load_ontology",
    "read_documents",
]
