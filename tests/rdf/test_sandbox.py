"""The SPARQL sandbox, proved: no query reaches the network or the file system, or runs forever.

Every hostile query below goes through each public way of asking kg a question:
``kg.rdf.query.query(graph, …)``, ``kg.load(path).query(…)``, the same on an
``rdflib.Dataset`` (where rdflib honours ``FROM`` and ``GRAPH``), and the ``kg query``
command. Meanwhile an HTTP server on 127.0.0.1 counts the requests it gets and a
secret file waits to be read. After each query: no request arrived, the secret's
contents are in no result, output or error message, the graph is unchanged and
rdflib's global graph-loading switch is back on. The control tests at the end show
that the same instruments catch plain rdflib fetching and reading, so the zeros
mean something.

The graph file itself is input too: ``kg.load`` must not follow a JSON-LD file's
remote contexts or an RDF/XML file's external entities.
"""

from __future__ import annotations

import inspect
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
import rdflib.plugins.sparql as rdflib_sparql
import rdflib.plugins.sparql.evaluate as rdflib_evaluate
import rdflib.plugins.sparql.parser as rdflib_parser
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

import counting
import kg
import kg.rdf.query
from kg.cli.main import cli
from kg.errors import GraphFileError, KGError, QueryError, QueryTimeoutError, UnsafeQueryError
from kg.rdf.export import oxigraph_triples
from kg.rdf.query import RESULT_FORMATS, format_result, named_query, query
from kg.rdf.store import Contribution, DocumentRecord, GraphStore

SECRET = "kg-sandbox-secret-5d1e0c"
"""The secret file's contents: seeing it anywhere means the file was read."""

SERVED = counting.SERVED
"""What the local server answers with: seeing it anywhere means a request got through."""

# ---------------------------------------------------------------- instruments

Endpoint = counting.Endpoint


@pytest.fixture(scope="module")
def endpoint() -> Iterator[Endpoint]:
    with counting.counting_endpoint() as found:
        yield found


@pytest.fixture
def server(endpoint: Endpoint) -> Iterator[Endpoint]:
    """The shared server, with its count asserted to be zero after the test."""
    endpoint.requests.clear()
    yield endpoint
    assert endpoint.requests == [], f"the sandbox let requests out: {endpoint.requests}"


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Turtle file whose one literal is :data:`SECRET` (so a load would show it)."""
    path = tmp_path_factory.mktemp("private") / "secret.ttl"
    path.write_text(
        f'<http://secret.example/s> <http://secret.example/p> "{SECRET}" .\n', encoding="utf-8"
    )
    (path.parent / "secret.jsonld").write_text(
        f'{{"@context": {{"leak": "http://secret.example/{SECRET}#"}}}}', encoding="utf-8"
    )
    return path


def _graph() -> Graph:
    g = Graph()
    kg_ns = rdflib.Namespace("https://w3id.org/kg/ontology#")
    for i in range(5):
        person = URIRef(f"https://w3id.org/kg/id/person_p{i}")
        g.add((person, rdflib.RDF.type, kg_ns.Person))
        g.add((person, rdflib.RDFS.label, Literal(f"Person {i}")))
    return g


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The graph as a Turtle file, with the same graph as a store beside it (``store/``)."""
    path = tmp_path_factory.mktemp("graph") / "graph.ttl"
    path.write_bytes(kg.KnowledgeGraph(_graph()).serialize())
    _make_store(_store_of(path), _graph())
    return path


def _store_of(graph_file: Path) -> Path:
    return graph_file.parent / "store"


def _make_store(path: Path, graph: Graph) -> None:
    record = DocumentRecord("graph", "", "")
    with GraphStore.open_for_writing(path) as store:
        store.apply([Contribution(record, frozenset(oxigraph_triples(graph)))])


def _leaks(text: str) -> bool:
    return SECRET in text or SERVED in text


# ---------------------------------------------------------------- hostile queries
# @URL@ is the counting server, @FILE@ the secret's file: IRI, @DIR@ its folder.

SERVICE = {
    "plain": "SELECT * WHERE { SERVICE <@URL@/sparql> { ?s ?p ?o } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <@URL@/sparql> { ?s ?p ?o } }",
    "lowercase": "select * where { service <@URL@/sparql> { ?s ?p ?o } }",
    "mixed case and comments": (
        "SeLeCt * # SERVICE <x> in a comment is harmless\n"
        "WHERE { SeRvIcE # sneaky\n  <@URL@/sparql> { ?s ?p ?o } }"
    ),
    "prefixed name": "PREFIX ep: <@URL@/> SELECT * WHERE { SERVICE ep:sparql { ?s ?p ?o } }",
    "relative to BASE": "BASE <@URL@/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    "variable endpoint": (
        "SELECT * WHERE { VALUES ?e { <@URL@/sparql> } SERVICE ?e { ?s ?p ?o } }"
    ),
    "file endpoint": "SELECT * WHERE { SERVICE <@FILE@> { ?s ?p ?o } }",
    "in OPTIONAL": "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <@URL@/q> { ?s ?x ?y } } }",
    "in UNION": "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <@URL@/q> { ?s ?p ?o } } }",
    "in MINUS": "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <@URL@/q> { ?s ?p ?o } } }",
    "in a subquery": (
        "SELECT ?s WHERE { { SELECT ?s WHERE { SERVICE <@URL@/q> { ?s ?p ?o } } LIMIT 1 } }"
    ),
    "in GRAPH": "SELECT * WHERE { GRAPH ?g { SERVICE <@URL@/q> { ?s ?p ?o } } }",
    "in FILTER EXISTS": (
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <@URL@/q> { ?s ?p ?o } } }"
    ),
    "in FILTER NOT EXISTS": (
        "ASK { ?s ?p ?o FILTER NOT EXISTS { SERVICE <@URL@/q> { ?s ?p ?o } } }"
    ),
    "in BIND(EXISTS)": "SELECT * WHERE { BIND(EXISTS { SERVICE <@URL@/q> { ?a ?b ?c } } AS ?x) }",
    "in a projection": "SELECT (EXISTS { SERVICE <@URL@/q> { ?a ?b ?c } } AS ?x) WHERE { }",
    "in HAVING": (
        "SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?s "
        "HAVING (EXISTS { SERVICE <@URL@/q> { ?s ?b ?c } })"
    ),
    "in ORDER BY": (
        "SELECT * WHERE { ?s ?p ?o } ORDER BY (EXISTS { SERVICE <@URL@/q> { ?s ?p ?o } })"
    ),
    "deeply nested": (
        "ASK { OPTIONAL { { SELECT * { OPTIONAL { { ?a ?b ?c } UNION "
        "{ SERVICE <@URL@/q> { ?a ?b ?c } } } } } } }"
    ),
    "in CONSTRUCT": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <@URL@/q> { ?s ?p ?o } }",
    "in DESCRIBE": "DESCRIBE ?s WHERE { SERVICE <@URL@/q> { ?s ?p ?o } }",
}

DATASET = {
    "FROM file": "SELECT * FROM <@FILE@> WHERE { ?s ?p ?o }",
    "FROM http": "SELECT * FROM <@URL@/data.ttl> WHERE { ?s ?p ?o }",
    "FROM NAMED file": "SELECT * FROM NAMED <@FILE@> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "FROM NAMED http": "SELECT * FROM NAMED <@URL@/g.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "lowercase from": "select * from <@FILE@> where { ?s ?p ?o }",
    "FROM prefixed name": "PREFIX f: <@DIR@/> SELECT * FROM f:secret.ttl WHERE { ?s ?p ?o }",
    "FROM relative to BASE": "BASE <@DIR@/> SELECT * FROM <secret.ttl> WHERE { ?s ?p ?o }",
    "FROM after FROM NAMED": ("SELECT * FROM NAMED <@URL@/a.ttl> FROM <@FILE@> WHERE { ?s ?p ?o }"),
    "FROM in ASK": "ASK FROM <@FILE@> { ?s ?p ?o }",
    "FROM in CONSTRUCT": "CONSTRUCT { ?s ?p ?o } FROM <@URL@/d.ttl> WHERE { ?s ?p ?o }",
    "FROM in DESCRIBE": "DESCRIBE ?s FROM <@FILE@> WHERE { ?s ?p ?o }",
}

UPDATES = {
    "LOAD http": "LOAD <@URL@/data.ttl>",
    "LOAD file": "LOAD <@FILE@>",
    "LOAD SILENT INTO GRAPH": "LOAD SILENT <@FILE@> INTO GRAPH <http://example.org/g>",
    "lowercase load": "load <@URL@/data.ttl>",
    "LOAD after comments and prologue": (
        "# harmless?\nPREFIX ex: <http://example.org/>\nBASE <@DIR@/>\nLOAD <secret.ttl>"
    ),
    "INSERT DATA": "INSERT DATA { <http://a.example/s> <http://a.example/p> 1 }",
    "DELETE DATA": "DELETE DATA { <http://a.example/s> <http://a.example/p> 1 }",
    "DELETE WHERE": "DELETE WHERE { ?s ?p ?o }",
    "DELETE/INSERT": "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "INSERT USING file": "INSERT { ?s ?p ?o } USING <@FILE@> WHERE { ?s ?p ?o }",
    "WITH http": "WITH <@URL@/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CLEAR ALL": "CLEAR ALL",
    "CLEAR DEFAULT": "clear default",
    "DROP GRAPH": "DROP GRAPH <@URL@/g>",
    "CREATE GRAPH": "CREATE GRAPH <@URL@/g>",
    "ADD": "ADD <@FILE@> TO DEFAULT",
    "COPY": "COPY <@URL@/a> TO <http://example.org/b>",
    "MOVE": "MOVE DEFAULT TO <@URL@/b>",
    "two operations": "INSERT DATA { <http://a.example/s> <http://a.example/p> 1 } ; LOAD <@FILE@>",
    "malformed LOAD": "LOAD <@FILE@> INTO",
}

REFUSED: dict[str, tuple[str, type[QueryError], str]] = {
    **{f"SERVICE {k}": (q, UnsafeQueryError, "SERVICE is not allowed") for k, q in SERVICE.items()},
    **{k: (q, UnsafeQueryError, "is not allowed") for k, q in DATASET.items()},
    **{k: (q, UnsafeQueryError, "updates are not allowed") for k, q in UPDATES.items()},
    "a query with an update after it": (
        "SELECT * WHERE { ?s ?p ?o } ; LOAD <@FILE@>",
        QueryError,
        "SPARQL syntax error",
    ),
}
"""name → (query, the error it must raise, words the one-line message must contain)."""

TOLERATED = {
    "GRAPH http": "SELECT * WHERE { GRAPH <@URL@/g.ttl> { ?s ?p ?o } }",
    "GRAPH file": "SELECT * WHERE { GRAPH <@FILE@> { ?s ?p ?o } }",
    "GRAPH variable bound to file": (
        "SELECT * WHERE { VALUES ?g { <@FILE@> <@URL@/g.ttl> } GRAPH ?g { ?s ?p ?o } }"
    ),
    "DESCRIBE http": "DESCRIBE <@URL@/thing>",
    "DESCRIBE file": "DESCRIBE <@FILE@>",
    "IRI() of a file": 'SELECT ?x WHERE { BIND(IRI("@FILE@") AS ?x) }',
    "unknown function IRI": 'SELECT ?x WHERE { BIND(<@URL@/fn>("a") AS ?x) }',
    "cast of a file IRI": "SELECT ?x WHERE { BIND(xsd:string(<@FILE@>) AS ?x) }",
    "file IRI as subject": "ASK { <@FILE@> ?p ?o }",
    "http IRI as object": "SELECT ?s WHERE { ?s rdfs:seeAlso <@URL@/x.ttl> }",
    "VALUES of IRIs": "SELECT * WHERE { VALUES ?x { <@URL@/v> <@FILE@> } ?x ?p ?o }",
    "string functions": 'SELECT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "@FILE@")) }',
}
"""Queries that may run (or fail to evaluate) but must not dereference the IRIs they name."""


def _fill(sparql: str, endpoint: Endpoint, secret: Path) -> str:
    return (
        sparql.replace("@URL@", endpoint.url)
        .replace("@FILE@", secret.as_uri())
        .replace("@DIR@", secret.parent.as_uri())
    )


# ---------------------------------------------------------------- the ways in

Ask = Callable[[str, Path], tuple[Any, str]]
"""Run one query through one entry point: (result or error, every text it printed)."""


def _dataset() -> rdflib.Dataset:
    dataset = rdflib.Dataset(default_union=True)
    named = dataset.graph(URIRef("http://example.org/g"))
    for triple in _graph():
        named.add(triple)
    return dataset


def _outputs(result: Any) -> str:
    return "".join(format_result(result, fmt) for fmt in RESULT_FORMATS)


def _via_function(sparql: str, graph_file: Path) -> tuple[Any, str]:
    graph = _graph()
    before = set(graph)
    try:
        result = query(graph, sparql, timeout=10)
    except KGError as exc:
        return exc, str(exc)
    finally:
        assert set(graph) == before
    return result, _outputs(result)


def _via_loaded_graph(sparql: str, graph_file: Path) -> tuple[Any, str]:
    loaded = kg.load(graph_file)
    before = set(loaded.graph)
    try:
        result = loaded.query(sparql)
    except KGError as exc:
        return exc, str(exc)
    finally:
        assert set(loaded.graph) == before
    return result, _outputs(result)


def _via_dataset(sparql: str, graph_file: Path) -> tuple[Any, str]:
    # A Dataset is where rdflib would act on FROM, FROM NAMED and GRAPH <iri>.
    dataset = _dataset()
    before = set(dataset.quads((None, None, None, None)))
    with warnings.catch_warnings():  # rdflib's Dataset warns about its own internals (#3475)
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        try:
            result = query(dataset, sparql, timeout=10)
        except KGError as exc:
            return exc, str(exc)
        finally:
            assert set(dataset.quads((None, None, None, None))) == before
    return result, _outputs(result)


def _via_cli(sparql: str, graph_file: Path) -> tuple[Any, str]:
    before = graph_file.read_bytes() if graph_file.is_file() else b""
    runner = CliRunner()
    outputs = []
    result = None
    for fmt in RESULT_FORMATS:
        result = runner.invoke(cli, ["query", str(graph_file), sparql, "-f", fmt])
        assert result.exit_code in (0, 1), result.output
        if result.exit_code == 1:
            assert result.stdout == ""
            assert len(result.stderr.splitlines()) == 1, result.stderr
            assert result.stderr.startswith("Error: ")
        outputs.append(result.stdout + result.stderr)
        if result.exit_code == 1:
            break  # the error does not depend on the format
    assert (graph_file.read_bytes() if graph_file.is_file() else b"") == before
    assert result is not None
    return result, "".join(outputs)


def _store_bytes(path: Path) -> bytes:
    with GraphStore.open(path) as store:
        return store.turtle() + repr(sorted(store.records())).encode()


def _via_store(sparql: str, graph_file: Path) -> tuple[Any, str]:
    path = _store_of(graph_file)
    before = _store_bytes(path)
    try:
        result = kg.open_store(path).query(sparql, timeout=10)
    except KGError as exc:
        return exc, str(exc)
    finally:
        assert _store_bytes(path) == before
    return result, _outputs(result)


def _via_cli_on_store(sparql: str, graph_file: Path) -> tuple[Any, str]:
    path = _store_of(graph_file)
    before = _store_bytes(path)
    try:
        return _via_cli(sparql, path)
    finally:
        assert _store_bytes(path) == before


WAYS_IN: dict[str, Ask] = {
    "kg.rdf.query.query": _via_function,
    "kg.load().query": _via_loaded_graph,
    "query on a Dataset": _via_dataset,
    "kg query": _via_cli,
    "kg.open_store().query": _via_store,
    "kg query STORE": _via_cli_on_store,
}


@pytest.fixture(params=list(WAYS_IN), ids=list(WAYS_IN))
def ask(request: pytest.FixtureRequest) -> Iterator[Ask]:
    yield WAYS_IN[request.param]
    assert rdflib_sparql.SPARQL_LOAD_GRAPHS is True  # the global switch is put back


# ---------------------------------------------------------------- refused before evaluation


@pytest.mark.parametrize("name", list(REFUSED))
def test_hostile_query_is_refused_with_one_line_and_touches_nothing(
    ask: Ask, server: Endpoint, secret: Path, graph_file: Path, name: str
) -> None:
    template, error, words = REFUSED[name]
    outcome, text = ask(_fill(template, server, secret), graph_file)
    assert not _leaks(text)
    assert words in text and "\n" not in text.strip()
    if isinstance(outcome, BaseException):
        assert type(outcome) is error
    else:  # the CLI: exit status 1 and "Error: <message>"
        assert outcome.exit_code == 1
    assert server.requests == []


def test_refused_queries_are_refused_before_evaluation(
    monkeypatch: pytest.MonkeyPatch, server: Endpoint, secret: Path
) -> None:
    """Nothing is evaluated, not even the harmless part of a hostile query."""
    evaluated: list[str] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        evaluated.append("evalQuery")
        raise AssertionError("evaluated")

    monkeypatch.setattr(kg.rdf.query, "evalQuery", spy)
    for template, error, _words in REFUSED.values():
        with pytest.raises(error):
            query(_graph(), _fill(template, server, secret))
    assert evaluated == []


def test_refused_queries_never_reach_the_store(
    monkeypatch: pytest.MonkeyPatch, server: Endpoint, secret: Path, graph_file: Path
) -> None:
    """On a store too: no query process is started for a refused query."""
    started: list[str] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        started.append("query process")
        raise AssertionError("evaluated")

    monkeypatch.setattr(kg.rdf.query, "_ask_store", spy)
    stored = kg.open_store(_store_of(graph_file))
    for template, error, _words in REFUSED.values():
        with pytest.raises(error):
            stored.query(_fill(template, server, secret))
    assert started == []


# ---------------------------------------------------------------- tolerated, but inert


@pytest.mark.parametrize("name", list(TOLERATED))
def test_iris_in_a_query_are_never_dereferenced(
    ask: Ask, server: Endpoint, secret: Path, graph_file: Path, name: str
) -> None:
    outcome, text = ask(_fill(TOLERATED[name], server, secret), graph_file)
    assert not _leaks(text)
    if isinstance(outcome, BaseException):
        assert isinstance(outcome, QueryError) and "\n" not in text
    assert server.requests == []


def test_named_query_parameters_cannot_smuggle_a_service_call(
    server: Endpoint, graph_file: Path
) -> None:
    hostile = f'x") }} SERVICE <{server.url}/sparql> {{ ?a ?b ?c }} #'
    assert query(_graph(), named_query("facts", name=hostile)).rows == ()
    result = CliRunner().invoke(cli, ["query", str(graph_file), "facts", "-p", f"name={hostile}"])
    assert result.exit_code == 0 and not _leaks(result.output)


def test_a_query_file_is_vetted_like_query_text(
    server: Endpoint, secret: Path, graph_file: Path, tmp_path: Path
) -> None:
    rq = tmp_path / "hostile.rq"
    rq.write_text(_fill(SERVICE["in OPTIONAL"], server, secret), encoding="utf-8")
    result = CliRunner().invoke(cli, ["query", str(graph_file), str(rq)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: SERVICE is not allowed")


# ---------------------------------------------------------------- the second fence


def test_graph_loading_stays_off_even_if_the_vetting_were_bypassed(
    monkeypatch: pytest.MonkeyPatch, server: Endpoint, secret: Path
) -> None:
    """FROM on a Dataset makes rdflib load the IRI; kg switches that off while it evaluates."""
    monkeypatch.setattr(kg.rdf.query, "_refuse_unsafe", lambda tree: None)
    for name in ("FROM file", "FROM http", "FROM NAMED file", "FROM NAMED http"):
        _outcome, text = _via_dataset(_fill(DATASET[name], server, secret), Path())
        assert not _leaks(text), name


@pytest.mark.parametrize("name", list(SERVICE))
def test_service_stays_refused_on_a_store_even_if_the_vetting_were_bypassed(
    monkeypatch: pytest.MonkeyPatch, server: Endpoint, secret: Path, graph_file: Path, name: str
) -> None:
    """Oxigraph follows SERVICE itself; the store's own fence refuses the word first."""
    monkeypatch.setattr(kg.rdf.query, "_refuse_unsafe", lambda tree: None)
    with pytest.raises(UnsafeQueryError, match="SERVICE is not allowed") as info:
        kg.open_store(_store_of(graph_file)).query(_fill(SERVICE[name], server, secret))
    assert not _leaks(str(info.value))
    assert server.requests == []


def test_from_on_a_store_reads_no_file_even_if_the_vetting_were_bypassed(
    monkeypatch: pytest.MonkeyPatch, server: Endpoint, secret: Path, graph_file: Path
) -> None:
    """Oxigraph's FROM names graphs inside the store; it never loads an IRI."""
    monkeypatch.setattr(kg.rdf.query, "_refuse_unsafe", lambda tree: None)
    for name in ("FROM file", "FROM http", "FROM NAMED file", "FROM NAMED http"):
        _outcome, text = _via_store(_fill(DATASET[name], server, secret), graph_file)
        assert not _leaks(text), name


# ---------------------------------------------------------------- the graph file is input too


@pytest.mark.parametrize(
    "document",
    [
        '{"@context": "@URL@/context.jsonld", "@id": "http://a.example/x", "leak": "1"}',
        '{"@context": ["@FILE_CONTEXT@"], "@id": "http://a.example/x", "leak": "1"}',
        '{"@context": "secret.jsonld", "@id": "http://a.example/x", "leak": "1"}',
        '{"@context": {"@import": "@URL@/context.jsonld"}, "@id": "http://a.example/x"}',
        '{"@context": {"p": {"@id": "http://a.example/p", "@context": "@URL@/c.jsonld"}},'
        ' "@id": "http://a.example/x", "p": {"leak": "1"}}',
        '{"@graph": [{"@context": "@URL@/c.jsonld", "@id": "http://a.example/x"}]}',
    ],
    ids=["http", "file", "relative", "@import", "scoped", "nested"],
)
def test_load_never_fetches_a_json_ld_context(
    server: Endpoint, secret: Path, document: str
) -> None:
    path = secret.parent / "graph.jsonld"
    text = document.replace("@FILE_CONTEXT@", (secret.parent / "secret.jsonld").as_uri())
    path.write_text(_fill(text, server, secret), encoding="utf-8")
    with pytest.raises(GraphFileError, match=r"context .* is not loaded") as info:
        kg.load(path)
    assert "\n" not in str(info.value) and not _leaks(str(info.value))
    result = CliRunner().invoke(cli, ["query", str(path), "ASK { ?s ?p ?o }"])
    assert result.exit_code == 1 and not _leaks(result.output)


def test_load_reads_inline_json_ld_contexts(tmp_path: Path) -> None:
    path = tmp_path / "graph.jsonld"
    kg.KnowledgeGraph(_graph()).serialize(path)  # kg's own JSON-LD: an inline context
    assert set(kg.load(path).graph) == set(_graph())


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE r [<!ENTITY leak SYSTEM "@FILE@">]>',
        '<!DOCTYPE r [<!ENTITY leak SYSTEM "@URL@/entity.ttl">]>',
        '<!DOCTYPE r SYSTEM "@URL@/r.dtd" [<!ENTITY leak "x">]>',
        '<!DOCTYPE r [<!ENTITY % p SYSTEM "@URL@/p.dtd"> %p; <!ENTITY leak "x">]>',
    ],
    ids=["file entity", "http entity", "external DTD", "parameter entity"],
)
def test_load_never_resolves_rdf_xml_external_entities(
    server: Endpoint, secret: Path, tmp_path: Path, doctype: str
) -> None:
    path = tmp_path / "graph.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n'
        + _fill(doctype, server, secret)
        + '\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:ex="http://a.example/"><rdf:Description rdf:about="http://a.example/x">'
        "<ex:p>&leak;</ex:p></rdf:Description></rdf:RDF>\n",
        encoding="utf-8",
    )
    try:
        text = kg.load(path).serialize(format="nt").decode("utf-8")
    except GraphFileError as exc:
        text = str(exc)
    assert not _leaks(text)


# ---------------------------------------------------------------- the controls


def test_control_plain_rdflib_does_reach_the_server_and_read_the_file(
    endpoint: Endpoint, secret: Path
) -> None:
    """Without kg's fences the same queries leak, so the zeros above are meaningful."""
    endpoint.requests.clear()
    rows = Graph().query(f"SELECT ?o WHERE {{ SERVICE <{endpoint.url}/sparql> {{ ?s ?p ?o }} }}")
    assert [str(row[0]) for row in rows] == [SERVED]  # type: ignore[index]
    assert len(endpoint.requests) == 1
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        rows = rdflib.Dataset().query(f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}")
        assert [str(row[0]) for row in rows] == [SECRET]  # type: ignore[index]
    path = secret.parent / "control.jsonld"
    path.write_text(
        f'{{"@context": "{endpoint.url}/c.jsonld", "@id": "http://a.example/x", "leak": "1"}}',
        encoding="utf-8",
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        Graph().parse(path, format="json-ld")
    assert len(endpoint.requests) == 2
    endpoint.requests.clear()


def test_control_oxigraph_does_follow_service_to_the_server(endpoint: Endpoint) -> None:
    """Oxigraph on its own calls the server, so the store's zeros above are meaningful."""
    import pyoxigraph as ox

    endpoint.requests.clear()
    rows = list(
        ox.Store().query(f"SELECT ?o WHERE {{ SERVICE <{endpoint.url}/q> {{ ?s ?p ?o }} }}")
    )
    assert [row["o"].value for row in rows] == [SERVED]  # type: ignore[index]
    assert len(endpoint.requests) == 1
    endpoint.requests.clear()


def test_a_store_answers_as_the_graph_file_does(graph_file: Path) -> None:
    questions = [
        "SELECT ?s ?label WHERE { ?s a kg:Person ; rdfs:label ?label } ORDER BY ?s",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "ASK { ?s rdfs:label 'Person 3' }",
        "CONSTRUCT { ?s rdfs:label ?o } WHERE { ?s rdfs:label ?o }",
        "SELECT ?s WHERE { ?s rdfs:label ?l FILTER(CONTAINS(?l, '2')) }",
        named_query("entities"),
    ]
    loaded, stored = kg.load(graph_file), kg.open_store(_store_of(graph_file))
    for sparql in questions:
        for fmt in RESULT_FORMATS:
            assert format_result(stored.query(sparql), fmt) == format_result(
                loaded.query(sparql), fmt
            ), (sparql, fmt)


# ---------------------------------------------------------------- the time limit


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few thousand triples: a three-way cross join over them never finishes in time."""
    g = Graph()
    p = URIRef("http://example.org/p")
    for i in range(2000):
        g.add((URIRef(f"http://example.org/n{i}"), p, Literal(i)))
    path = tmp_path_factory.mktemp("big") / "big.ttl"
    path.write_bytes(kg.KnowledgeGraph(g).serialize())
    return path


CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_default_time_limit_is_30_seconds() -> None:
    assert inspect.signature(query).parameters["timeout"].default == 30.0
    assert inspect.signature(kg.KnowledgeGraph.query).parameters["timeout"].default == 30.0
    help_text = CliRunner().invoke(cli, ["query", "--help"]).output
    assert "--timeout" in help_text and "30" in help_text


def test_expensive_query_stops_with_the_timeout_error(big_file: Path) -> None:
    graph = kg.load(big_file)
    with pytest.raises(QueryTimeoutError, match=r"^query ran longer than 0\.2 s$"):
        graph.query(CROSS_JOIN, timeout=0.2)
    with pytest.raises(QueryTimeoutError, match=r"^query ran longer than 0\.3 s$"):
        query(graph.graph, CROSS_JOIN, timeout=0.3)
    assert issubclass(QueryTimeoutError, QueryError) and issubclass(QueryError, KGError)


def test_expensive_query_on_a_store_stops_and_leaves_nothing_running(
    big_file: Path, tmp_path: Path
) -> None:
    import time

    store = tmp_path / "big-store"
    _make_store(store, kg.load(big_file).graph)
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"^query ran longer than 0\.5 s$"):
        kg.open_store(store).query(CROSS_JOIN, timeout=0.5)
    assert time.monotonic() - started < 5  # the query process was killed, not waited for
    result = CliRunner().invoke(cli, ["query", str(store), CROSS_JOIN, "--timeout", "0.3"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: query ran longer than 0.3 s\n"


def test_cli_timeout_is_one_line_and_exit_1(big_file: Path) -> None:
    result = CliRunner().invoke(cli, ["query", str(big_file), CROSS_JOIN, "--timeout", "0.2"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: query ran longer than 0.2 s\n"


def test_parsing_counts_against_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """rdflib's parser can take seconds over a long query; the limit covers it too."""
    release = threading.Event()
    workers: list[threading.Thread] = []
    evaluated: list[str] = []
    real_parse, real_eval = rdflib_parser.parseQuery, rdflib_evaluate.evalQuery

    def slow_parse(sparql: str) -> Any:
        workers.append(threading.current_thread())
        release.wait(10)
        return real_parse(sparql)

    def spy_eval(*args: Any, **kwargs: Any) -> Any:
        evaluated.append("evalQuery")
        return real_eval(*args, **kwargs)

    monkeypatch.setattr(kg.rdf.query, "parseQuery", slow_parse)
    monkeypatch.setattr(kg.rdf.query, "evalQuery", spy_eval)
    try:
        with pytest.raises(QueryTimeoutError, match=r"^query ran longer than 0\.1 s$"):
            query(_graph(), "ASK { ?s ?p ?o }", timeout=0.1)
    finally:
        release.set()
    [worker] = workers
    worker.join(10)
    assert not worker.is_alive()
    assert evaluated == []  # once parsed, past its deadline, the worker evaluated nothing
