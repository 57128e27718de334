"""The store half of kg's SPARQL sandbox: the fence Oxigraph needs, and its worker process.

On a store, Oxigraph evaluates instead of rdflib, and Oxigraph follows ``SERVICE`` over
HTTP with no switch to stop it and cannot be interrupted from Python. So after
:mod:`kg.rdf.query` has vetted a query as it vets any other, this module refuses the
word ``SERVICE`` once more and runs the query in a process of its own
(:mod:`kg.rdf._store_worker`) that is killed when the time limit passes.
:func:`kg.rdf.query.query_store` is the public entry point.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping
from importlib import resources
from typing import Any, Final

from rdflib.namespace import XSD
from rdflib.term import BNode, Literal, Node, URIRef

from kg.errors import QueryError, QueryTimeoutError, UnsafeQueryError
from kg.ontology.schema import PREFIXES

__all__ = ["ask_store", "refuse_service_word", "store_term"]

_TRIPLE_DOUBLE: Final = '"""' + r'(?:[^"\\]|\\.|"(?!""))*' + '"""'
_TRIPLE_SINGLE: Final = "'''" + r"(?:[^'\\]|\\.|'(?!''))*" + "'''"
_IRI_OR_STRING_OR_COMMENT: Final = re.compile(
    "|".join(
        [
            r"<[^<>\"{}|^`\\\x00-\x20]*>",  # an IRI (a lone "<" is less-than)
            _TRIPLE_DOUBLE,
            _TRIPLE_SINGLE,
            r'"(?:[^"\\\n\r]|\\.)*"',
            r"'(?:[^'\\\n\r]|\\.)*'",
            r"#[^\n\r]*",
        ]
    ),
    re.DOTALL,
)
_SERVICE_WORD: Final = re.compile(r"(?<![\w?$:.\-])SERVICE(?![\w:\-])", re.IGNORECASE)
_CODEPOINT: Final = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def refuse_service_word(sparql: str) -> None:
    r"""Refuse any query with the keyword ``SERVICE`` outside IRIs, strings and comments.

    The second fence on a store, where Oxigraph, not rdflib, evaluates: Oxigraph
    follows ``SERVICE`` over HTTP and offers no switch to stop it, so a query that
    rdflib's parser read differently from Oxigraph's must still not get one through.
    Codepoint escapes (``\u0053ERVICE``) are expanded first, as SPARQL parsers do.

    >>> refuse_service_word('SELECT * { ?s ?p "a service" } # service')
    >>> refuse_service_word("SELECT * { \\u0053ERVICE <http://x> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.UnsafeQueryError: SERVICE is not allowed: queries run only against the local graph
    """
    text = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)
    if _SERVICE_WORD.search(_IRI_OR_STRING_OR_COMMENT.sub(" ", text)):
        raise UnsafeQueryError("SERVICE is not allowed: queries run only against the local graph")


def store_term(data: Mapping[str, str] | None) -> Node | None:
    if data is None:
        return None
    kind, value = data["t"], data["v"]
    if kind == "u":
        return URIRef(value)
    if kind == "b":
        return BNode(value)
    if "l" in data:
        return Literal(value, lang=data["l"])
    if data["d"] == str(XSD.string):
        return Literal(value)
    return Literal(value, datatype=URIRef(data["d"]))


def ask_store(database: str, sparql: str, timeout: float | None) -> Mapping[str, Any]:
    """Run the vetted ``sparql`` in a worker process (see :mod:`kg.rdf._store_worker`)."""
    worker = resources.files("kg.rdf") / "_store_worker.py"
    request = json.dumps({"database": database, "query": sparql, "prefixes": dict(PREFIXES)})
    with (
        resources.as_file(worker) as script,
        subprocess.Popen(
            [sys.executable, "-I", str(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as process,
    ):
        try:
            out, err = process.communicate(request.encode("utf-8"), timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise QueryTimeoutError("timed out") from None
    if process.returncode != 0 or not out:
        last = (err.decode("utf-8", "replace").strip().splitlines() or ["no answer"])[-1]
        raise QueryError(f"the query process failed: {last}")
    answer: Mapping[str, Any] = json.loads(out)
    return answer
