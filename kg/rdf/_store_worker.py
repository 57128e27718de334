"""Run one vetted SPARQL query on a kg store, in a process of its own.

:func:`kg.rdf.query.query_store` starts this file as a script (``python -I FILE``,
importing nothing but pyoxigraph), writes ``{"database", "query", "prefixes"}`` as
JSON on its standard input and reads the answer as JSON from its standard output.
A process of its own because Oxigraph cannot be interrupted from Python: when the
time limit passes, the caller kills this process and no query keeps running in the
background. It opens the store read-only; the caller holds the store's shared lock.

The query sees the merged graph (the store's default graph) and no named graph, so
that it is asked of exactly the graph a ``kg build -o`` file holds.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def _term(term: Any) -> dict[str, str] | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"t": "u", "v": term.value}
    if isinstance(term, ox.BlankNode):
        return {"t": "b", "v": term.value}
    if isinstance(term, ox.Literal):
        out = {"t": "l", "v": term.value, "d": term.datatype.value}
        if term.language:
            out["l"] = term.language
        return out
    raise TypeError(f"kg does not use RDF-star triples as terms: {term}")


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """The answer to one request, or ``{"error": kind, "message": text}``."""
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(request["database"])
    except OSError as exc:
        return {"error": "store", "message": str(exc)}
    try:
        result = store.query(
            request["query"],
            prefixes=request["prefixes"],
            use_default_graph_as_union=False,
            named_graphs=[],
        )
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = [[_term(solution[v]) for v in variables] for solution in result]
            return {"kind": "select", "variables": variables, "rows": rows}
        if isinstance(result, ox.QueryBoolean):
            return {"kind": "ask", "boolean": bool(result)}
        triples = [[_term(t.subject), _term(t.predicate), _term(t.object)] for t in result]
        return {"kind": "construct", "triples": triples}
    except SyntaxError as exc:
        return {"error": "syntax", "message": str(exc)}
    except Exception as exc:  # Oxigraph reports evaluation problems as OSError or ValueError
        return {"error": "evaluation", "message": str(exc)}


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    sys.stdout.write(json.dumps(answer(request), ensure_ascii=True))


if __name__ == "__main__":
    main()
