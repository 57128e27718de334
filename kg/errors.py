"""Every error kg raises on purpose, in one tree.

The CLI turns any :class:`KGError` into one line on stderr and exit status 1;
anything else is a bug. ::

    KGError
    ├── InputError            a named input is missing, or nothing could be read
    ├── ModelError            the spaCy model cannot be loaded
    ├── OntologyError         ontology/*.ttl is malformed or names an unknown term
    ├── GraphFileError        a graph file cannot be read or parsed
    ├── ViewError             a view's focus or filter names nothing in the graph
    └── QueryError            a SPARQL query is malformed
        ├── UnsafeQueryError  the query would reach the network or the file system
        └── QueryTimeoutError the query ran past its time limit
"""

from __future__ import annotations

__all__ = [
    "GraphFileError",
    "InputError",
    "KGError",
    "ModelError",
    "OntologyError",
    "QueryError",
    "QueryTimeoutError",
    "UnsafeQueryError",
    "ViewError",
]


class KGError(Exception):
    """Base class: a problem the user can fix, reported in one line."""


class InputError(KGError):
    """A named input does not exist, or no document could be built from the inputs."""


class ModelError(KGError):
    """The spaCy model cannot be loaded."""


class OntologyError(KGError):
    """The ontology files are malformed, or code asked for a term they do not declare."""


class GraphFileError(KGError):
    """A graph file cannot be read or parsed."""


class QueryError(KGError):
    """A SPARQL query is malformed or cannot run."""


class UnsafeQueryError(QueryError):
    """The query asks for the network or the file system (SERVICE, FROM, LOAD, updates)."""


class QueryTimeoutError(QueryError):
    """The query ran past its time limit."""


class ViewError(KGError):
    """A view's focus, filter or query names nothing the graph has."""
