"""SPARQL over a kg graph that cannot reach the network or the file system, or run forever.

rdflib's SPARQL engine fetches whatever a query names: ``SERVICE`` calls a remote
endpoint, ``FROM``/``FROM NAMED`` and ``LOAD`` read URLs and ``file:`` paths. Queries
typed into the CLI, or shipped in a notebook, are untrusted input, so :func:`query`
parses first and refuses those constructs before anything is evaluated; evaluation
then runs with rdflib's graph loading switched off as a second fence, and under a
time limit.

Named queries for the questions people ask first live in ``kg/queries/*.rq``; see
:func:`list_named_queries` and :func:`named_query`.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Final, overload
from typing import Literal as TypingLiteral

import rdflib
import rdflib.plugins.sparql as rdflib_sparql
from pyparsing import ParseBaseException, ParseResults
from rdflib.namespace import XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import BNode, Literal, Node, URIRef

from kg.errors import KGError, QueryError, QueryTimeoutError, UnsafeQueryError
from kg.ontology.schema import PREFIXES
from kg.rdf.export import serialize, with_prefixes
from kg.rdf.store_query import ask_store as _ask_store
from kg.rdf.store_query import refuse_service_word, store_term

if TYPE_CHECKING:
    from rdflib.graph import (
        _TripleOrTriplePathType,
        _TriplePathPatternType,
        _TriplePathType,
        _TriplePatternType,
        _TripleSelectorType,
        _TripleType,
    )

__all__ = [
    "RESULT_FORMATS",
    "QueryResult",
    "format_result",
    "list_named_queries",
    "named_query",
    "query",
    "query_store",
    "sparql_string",
]

QueryKind = TypingLiteral["select", "ask", "construct"]

RESULT_FORMATS: Final = ("table", "csv", "tsv", "json")
"""Names :func:`format_result` accepts."""

_TABLE_CELL_MAX: Final = 60
_CHECK_EVERY: Final = 1024  # triples scanned between two deadline checks


@dataclass(frozen=True)
class QueryResult:
    """The answer to one query, detached from rdflib's lazy ``Result``.

    ``select`` fills ``variables`` and ``rows`` (``None`` for an unbound cell), ``ask``
    fills ``boolean``, ``construct`` (and ``DESCRIBE``, which also answers with a
    graph) fills ``graph``. Materialised, so that the time limit covers all the work
    and the result can be formatted more than once.
    """

    kind: QueryKind
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    graph: rdflib.Graph | None = None


# ---------------------------------------------------------------- parsing and vetting


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _comp_values(tree: object) -> Iterator[CompValue]:
    """Yield every CompValue in a parse tree or algebra, however deeply nested.

    Generic on purpose: SERVICE can hide in OPTIONAL, UNION, MINUS, GRAPH, a
    sub-select or a FILTER EXISTS expression, and a walker that knows the grammar
    would have to know all of them.
    """
    stack: list[object] = [tree]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, str | Node) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple | set | frozenset):
            stack.extend(item)


def _refuse_unsafe(tree: object) -> None:
    for node in _comp_values(tree):
        if node.name == "ServiceGraphPattern":
            raise UnsafeQueryError(
                "SERVICE is not allowed: queries run only against the local graph"
            )
        if node.name == "DatasetClause":
            # CompValue.get returns the key itself when it is missing: test membership.
            clause = (
                f"FROM NAMED <{node['named']}>" if "named" in node else f"FROM <{node['default']}>"
            )
            raise UnsafeQueryError(
                f"{clause} is not allowed: queries run only against the local graph"
            )


_UPDATE_OPERATIONS: Final[Mapping[str, str]] = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
}
_UPDATE_KEYWORDS: Final = frozenset(
    {"LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE", "WITH"}
)
_PROLOGUE_ITEM: Final = re.compile(
    r"\s*(?:#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)", re.IGNORECASE
)


def _update_operations(sparql: str) -> str | None:
    """Name the update operations in ``sparql``, or None if it is not an update.

    Called only once the text failed to parse as a query: an update then deserves
    "updates are not allowed" rather than a parse error about the query grammar.
    A malformed update is still recognised by its first keyword.
    """
    try:
        update = parseUpdate(sparql)
    except (ParseBaseException, ValueError, RecursionError):
        pos = 0
        while (item := _PROLOGUE_ITEM.match(sparql, pos)) is not None and item.end() > pos:
            pos = item.end()
        word = re.match(r"\s*([A-Za-z]+)", sparql[pos:])
        if word is not None and word.group(1).upper() in _UPDATE_KEYWORDS:
            return word.group(1).upper()
        return None
    # Not update.get(): CompValue.get returns the key itself when it is missing.
    operations = update["request"] if "request" in update else []  # noqa: SIM401
    names = [_UPDATE_OPERATIONS.get(op.name, op.name) for op in operations]
    return ", ".join(dict.fromkeys(names)) or None


_TOO_DEEP: Final = (
    "SPARQL syntax error: the query is nested too deeply for the parser (brackets inside "
    "brackets, or very many '.'-separated patterns in one group)"
)


def _parse(sparql: str) -> Query:
    """Parse, vet and translate ``sparql``; nothing here reads the graph or the outside.

    rdflib's parser recurses once per nesting level and per ``.``-separated triple
    pattern, so a query of a hundred patterns in one group, or a few dozen nested
    groups, exhausts Python's stack: that is reported as a syntax error, not a crash.
    """
    try:
        tree = parseQuery(sparql)
    except RecursionError:
        raise QueryError(_TOO_DEEP) from None
    except (ParseBaseException, ValueError) as exc:
        operations = _update_operations(sparql)
        if operations is not None:
            raise UnsafeQueryError(f"updates are not allowed ({operations})") from None
        raise QueryError(f"SPARQL syntax error: {_one_line(exc)}") from exc
    _refuse_unsafe(tree)
    try:
        parsed = translateQuery(tree, initNs=PREFIXES)
    except RecursionError:
        raise QueryError(_TOO_DEEP) from None
    except Exception as exc:  # rdflib raises bare Exception, e.g. for an unknown prefix
        raise QueryError(f"SPARQL syntax error: {_one_line(exc)}") from exc
    _refuse_unsafe(parsed.algebra)  # the translated form is what actually runs
    return parsed


# ---------------------------------------------------------------- evaluation under a deadline


class _Cancelled(BaseException):
    """Raised inside an evaluation once its deadline has passed.

    A BaseException, like ``asyncio.CancelledError``, so that an ``except Exception``
    in rdflib or in a custom SPARQL function cannot swallow it and keep going.
    """


@dataclass(frozen=True)
class _Deadline:
    at: float | None

    def check(self) -> None:
        if self.at is not None and time.monotonic() >= self.at:
            raise _Cancelled


class _DeadlineGraph(rdflib.Graph):
    """The caller's graph (same store, same identifier), checking a deadline as it is read.

    rdflib evaluates every triple pattern and property path through
    ``Graph.triples``, so checking there stops a runaway query at its next read.
    """

    def __init__(self, graph: rdflib.Graph, deadline: _Deadline) -> None:
        super().__init__(store=graph.store, identifier=graph.identifier, bind_namespaces="none")
        self._deadline = deadline

    @overload
    def triples(self, triple: _TriplePatternType) -> Generator[_TripleType, None, None]: ...

    @overload
    def triples(self, triple: _TriplePathPatternType) -> Generator[_TriplePathType, None, None]: ...

    @overload
    def triples(
        self, triple: _TripleSelectorType
    ) -> Generator[_TripleOrTriplePathType, None, None]: ...

    def triples(
        self, triple: _TripleSelectorType
    ) -> Generator[_TripleOrTriplePathType, None, None]:
        check = self._deadline.check
        check()
        for n, found in enumerate(super().triples(triple), 1):
            if n % _CHECK_EVERY == 0:
                check()
            yield found


class _NoGraphLoading:
    """Switch rdflib's ``SPARQL_LOAD_GRAPHS`` off while any query runs, then restore it.

    A module-wide flag in rdflib, so overlapping queries share one switch: the first
    to start saves and clears it, the last to finish puts the saved value back.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0
        self._saved = True

    @contextmanager
    def __call__(self) -> Iterator[None]:
        available = hasattr(rdflib_sparql, "SPARQL_LOAD_GRAPHS")
        if available:
            with self._lock:
                if self._active == 0:
                    self._saved = rdflib_sparql.SPARQL_LOAD_GRAPHS
                    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
                self._active += 1
        try:
            yield
        finally:
            if available:
                with self._lock:
                    self._active -= 1
                    if self._active == 0:
                        rdflib_sparql.SPARQL_LOAD_GRAPHS = self._saved


_no_graph_loading = _NoGraphLoading()


def _evaluate(graph: rdflib.Graph, parsed: Query, deadline: _Deadline) -> QueryResult:
    # The checking view reads the store directly, which is only the same thing as
    # reading the graph when its class keeps Graph.triples (not so for a Dataset or
    # an inferencing graph); those rely on the row checks and the watchdog alone.
    plain = type(graph).triples is rdflib.Graph.triples
    target = _DeadlineGraph(graph, deadline) if deadline.at is not None and plain else graph
    try:
        raw: Mapping[str, Any] = evalQuery(target, parsed)
        kind = raw["type_"]
        if kind == "SELECT":
            variables = list(raw["vars_"])
            rows = []
            for solution in raw["bindings"]:
                deadline.check()
                if not solution:
                    # What rdflib's own Result drops too: the empty binding an aggregate
                    # over no solutions leaves (GROUP BY over an empty graph).
                    continue
                rows.append(tuple(solution.get(v) for v in variables))
            return QueryResult("select", tuple(str(v) for v in variables), tuple(rows))
        if kind == "ASK":
            return QueryResult("ask", boolean=bool(raw["askAnswer"]))
        return QueryResult("construct", graph=with_prefixes(raw["graph"]))
    except KGError:
        raise
    except Exception as exc:  # rdflib reports evaluation problems as bare Exception
        raise QueryError(f"SPARQL evaluation error: {_one_line(exc)}") from exc


def _run_with_timeout(work: Callable[[], QueryResult], timeout: float) -> QueryResult:
    outcome: list[QueryResult | BaseException] = []

    def target() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed to the caller's thread below
            outcome.append(exc)

    worker = threading.Thread(target=target, name="kg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive() or not outcome or isinstance(outcome[0], _Cancelled):
        raise QueryTimeoutError(f"query ran longer than {timeout:g} s")
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def query(graph: rdflib.Graph, sparql: str, *, timeout: float | None = 30.0) -> QueryResult:
    """Run a read-only SPARQL query over ``graph``, safely, within ``timeout`` seconds.

    The prefixes of the RDF model (README) (kg, kgr, rdf, rdfs, xsd, owl, skos, prov,
    dcterms, schema) are predeclared. Raises :class:`~kg.errors.UnsafeQueryError` for
    SERVICE (anywhere, however nested), FROM / FROM NAMED and any update (LOAD,
    INSERT, DELETE, CLEAR, DROP, CREATE...), before evaluating anything;
    :class:`~kg.errors.QueryError` for malformed SPARQL; and
    :class:`~kg.errors.QueryTimeoutError` once ``timeout`` passes (``None``: no limit).

    How the time limit works: rdflib cannot be interrupted from outside, so the
    query is parsed and evaluated in a daemon worker thread and the caller waits at
    most ``timeout`` seconds for it, which guarantees that control comes back on time.
    The worker stops itself after parsing if the time is up, at its next read of the
    graph (every triple-pattern lookup and every 1,024 triples scanned) and at every
    result row, which ends nearly every runaway query within milliseconds of the
    limit. The exception is a stage that loops only over solutions already in memory
    (joining two large materialised groups, MINUS, ORDER BY, an aggregate over them),
    or the parser itself: that finishes in the background, using CPU until then, and
    its result is dropped. Killing a thread is not possible in
    Python, and a subprocess would have to copy the whole graph for every query.
    Alternatives such as ``sys.settrace`` slow every query down, and a signal
    alarm works only in the main thread. rdflib's ``SPARQL_LOAD_GRAPHS`` is put back
    when the call returns even if such a worker is still finishing; it is only the
    second fence, as the worker runs the checks above before it evaluates anything.

    >>> g = rdflib.Graph()
    >>> query(g, "ASK { ?s a kg:Person }").boolean
    False
    >>> query(g, "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.UnsafeQueryError: SERVICE is not allowed: queries run only against the local graph
    """
    if timeout is not None and not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds or None, not {timeout!r}")
    if timeout is not None and timeout >= threading.TIMEOUT_MAX:
        timeout = None  # longer than a thread can wait (inf included): no limit
    deadline = _Deadline(None if timeout is None else time.monotonic() + timeout)

    def work() -> QueryResult:
        # Parsing is inside the time limit too: rdflib's parser takes seconds for a
        # long query (about a second per thousand terms of a FILTER expression).
        parsed = _parse(sparql)
        deadline.check()
        return _evaluate(graph, parsed, deadline)

    with _no_graph_loading():
        if timeout is None:
            return work()
        return _run_with_timeout(work, timeout)


# ---------------------------------------------------------------- on a store


def _store_result(answer: Mapping[str, Any]) -> QueryResult:
    if "error" in answer:
        message = " ".join(str(answer["message"]).split())
        if answer["error"] == "syntax":
            raise QueryError(f"SPARQL syntax error: {message}")
        if answer["error"] == "store":
            raise QueryError(f"cannot read the store: {message}")
        raise QueryError(f"SPARQL evaluation error: {message}")
    kind = answer["kind"]
    if kind == "select":
        rows = tuple(tuple(store_term(cell) for cell in row) for row in answer["rows"])
        return QueryResult("select", tuple(answer["variables"]), rows)
    if kind == "ask":
        return QueryResult("ask", boolean=bool(answer["boolean"]))
    graph = rdflib.Graph(bind_namespaces="none")
    for s, p, o in answer["triples"]:
        graph.add((store_term(s), store_term(p), store_term(o)))  # type: ignore[arg-type]
    return QueryResult("construct", graph=with_prefixes(graph))


def query_store(database: str, sparql: str, *, timeout: float | None = 30.0) -> QueryResult:
    """:func:`query` on a kg store's Oxigraph database directory, with the same guarantees.

    The query is parsed and vetted exactly as :func:`query` does (same errors, same
    messages), then checked once more for the word ``SERVICE``
    (:func:`kg.rdf.store_query.refuse_service_word`), then evaluated by Oxigraph in a process of its
    own that is killed when ``timeout`` passes: unlike a thread, nothing keeps
    running afterwards. It sees only the merged graph, never the store's named
    graphs or bookkeeping, and ``FROM`` cannot reach beyond the store in any case.
    The caller holds the store's lock (:meth:`kg.rdf.store.GraphStore.query`).
    """
    if timeout is not None and not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds or None, not {timeout!r}")
    if timeout is not None and timeout >= threading.TIMEOUT_MAX:
        timeout = None
    started = time.monotonic()
    vetted = QueryResult("ask")
    if timeout is None:
        _parse(sparql)
    else:
        _run_with_timeout(lambda: (_parse(sparql), vetted)[1], timeout)
    refuse_service_word(sparql)
    left = None if timeout is None else max(timeout - (time.monotonic() - started), 0.001)
    try:
        answer = _ask_store(database, sparql, left)
    except QueryTimeoutError:
        raise QueryTimeoutError(f"query ran longer than {timeout:g} s") from None
    return _store_result(answer)


# ---------------------------------------------------------------- formatting


def _shorten(iri: str) -> str:
    best = max(
        ((prefix, ns) for prefix, ns in PREFIXES.items() if iri.startswith(ns)),
        key=lambda item: len(item[1]),
        default=None,
    )
    if best is None:
        return f"<{iri}>"
    prefix, ns = best
    return f"{prefix}:{iri[len(ns) :]}"


def _table_cell(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        text = _shorten(str(node))
    elif isinstance(node, BNode):
        text = f"_:{node}"
    else:
        text = " ".join(str(node).split())
    if len(text) > _TABLE_CELL_MAX:
        text = text[: _TABLE_CELL_MAX - 1] + "…"
    return text


def _plain(node: Node | None) -> str:
    # SPARQL 1.1 CSV: IRIs and literals as bare text, blank nodes as _:label.
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


_TSV_ESCAPES: Final = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _tsv_term(node: Node | None) -> str:
    # SPARQL 1.1 TSV: terms in SPARQL syntax, one physical line per row.
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        text = '"' + "".join(_TSV_ESCAPES.get(ch, ch) for ch in str(node)) + '"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and node.datatype != XSD.string:
            return f"{text}^^<{node.datatype}>"
        return text
    return str(node)


def _json_term(node: Node) -> dict[str, str]:
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    term = {"type": "literal", "value": str(node)}
    if isinstance(node, Literal):
        if node.language:
            term["xml:lang"] = node.language
        elif node.datatype is not None and node.datatype != XSD.string:
            term["datatype"] = str(node.datatype)
    return term


def _render_table(variables: tuple[str, ...], rows: tuple[tuple[Node | None, ...], ...]) -> str:
    cells = [[_table_cell(node) for node in row] for row in rows]
    widths = [len(v) for v in variables]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = [
        " | ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)).rstrip(),
        "-+-".join("-" * w for w in widths),
    ]
    lines += [
        " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _render_delimited(
    variables: tuple[str, ...], rows: tuple[tuple[Node | None, ...], ...], fmt: str
) -> str:
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_term(node) for node in row) for row in rows]
        return "\n".join(lines) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # CRLF, as the SPARQL CSV spec says
    writer.writerow(variables)
    writer.writerows([_plain(node) for node in row] for row in rows)
    return buffer.getvalue()


def _render_json(variables: tuple[str, ...], rows: tuple[tuple[Node | None, ...], ...]) -> str:
    bindings = [
        {v: _json_term(node) for v, node in zip(variables, row, strict=True) if node is not None}
        for row in rows
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Render ``result`` for a person (``table``) or a program (``csv``, ``tsv``, ``json``).

    SELECT results follow the SPARQL 1.1 CSV, TSV and JSON result formats; ``table``
    shows IRIs as prefixed names and cuts cells at 60 characters. ASK gives
    ``true``/``false`` (JSON: the SPARQL JSON boolean form). A graph result is
    Turtle for ``table``, JSON-LD for ``json``, and subject/predicate/object rows
    for ``csv``/``tsv``. The same result always formats to the same text.

    >>> result = QueryResult("select", ("who",), ((URIRef("https://w3id.org/kg/id/person/ada"),),))
    >>> print(format_result(result), end="")
    who
    --------------
    kgr:person/ada
    (1 row)
    >>> format_result(result, "csv").splitlines()
    ['who', 'https://w3id.org/kg/id/person/ada']
    """
    if fmt not in RESULT_FORMATS:
        raise KGError(
            f"unknown result format {fmt!r}. Available formats: {', '.join(RESULT_FORMATS)}"
        )
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    variables, rows = result.variables, result.rows
    if result.kind == "construct":
        graph = result.graph if result.graph is not None else rdflib.Graph()
        if fmt == "table":
            return serialize(graph, "ttl").decode("utf-8")
        if fmt == "json":
            return serialize(graph, "jsonld").decode("utf-8")
        variables = ("subject", "predicate", "object")
        triples = sorted(graph.triples((None, None, None)), key=lambda t: [n.n3() for n in t])
        rows = tuple((s, p, o) for s, p, o in triples)
    if fmt == "table":
        return _render_table(variables, rows)
    if fmt == "json":
        return _render_json(variables, rows)
    return _render_delimited(variables, rows, fmt)


# ---------------------------------------------------------------- named queries

_HEADER: Final = re.compile(r"#\s*([\w-]+)\s*:\s*(.*\S)")
_PLACEHOLDER: Final = re.compile(r"\$([A-Za-z_]\w*)")
_STRING_ESCAPES: Final = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def _query_files() -> dict[str, str]:
    folder = resources.files("kg.rdf") / "queries"
    return {
        entry.name.removesuffix(".rq"): entry.read_text(encoding="utf-8")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".rq")
    }


def _description(text: str) -> str:
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    header = _HEADER.fullmatch(first.strip())
    return header.group(2) if header else ""


def list_named_queries() -> dict[str, str]:
    """Map each named query shipped with kg to its one-line description.

    >>> sorted(list_named_queries())
    ['entities', 'facts', 'merges', 'quotes', 'relations']
    """
    return {name: _description(text) for name, text in _query_files().items()}


def sparql_string(value: str) -> str:
    """Quote ``value`` as a SPARQL string literal, so that no input can change the query.

    >>> print(sparql_string('Bob "the" Builder'))
    "Bob \\"the\\" Builder"
    """
    return '"' + "".join(_STRING_ESCAPES.get(ch, ch) for ch in value) + '"'


def named_query(name: str, /, **params: str) -> str:
    """The SPARQL text of named query ``name`` with each ``$param`` filled in.

    Parameters go in as escaped string literals (:func:`sparql_string`), never as
    SPARQL syntax, and every placeholder must be given: an unfilled ``$name`` would
    silently be a variable, matching everything.

    >>> "LCASE(\\"bob\\")" in named_query("facts", name="bob")
    True
    """
    queries = _query_files()
    if name not in queries:
        close = difflib.get_close_matches(name, queries, n=1)
        if close:
            raise KGError(f"unknown named query {name!r}; did you mean {close[0]}?")
        raise KGError(f"unknown named query {name!r}. Available names: {', '.join(queries)}")
    text = queries[name]
    wanted = set(_PLACEHOLDER.findall(text))
    missing, unknown = sorted(wanted - params.keys()), sorted(params.keys() - wanted)
    if missing:
        raise KGError(f"named query {name!r} needs parameter(s): {', '.join(missing)}")
    if unknown:
        raise KGError(f"named query {name!r} takes no parameter(s): {', '.join(unknown)}")
    return _PLACEHOLDER.sub(lambda m: sparql_string(params[m.group(1)]), text)
