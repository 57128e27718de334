"""``kg serve``'s SPARQL endpoint, asked by a real client: SPARQLWrapper over loopback.

Each module-scoped server runs in a thread on 127.0.0.1 at a free port
(:func:`kg.serve.run.running`) and is stopped when the module ends. The answers are
compared with what ``kg query`` (the same sandbox, in-process) gives for the same
file or store, and every refusal is checked for its HTTP status and its one line.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from conftest import BOB, build_small_graph
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

import counting
import kg
from kg.cli.main import cli
from kg.rdf.export import oxigraph_triples
from kg.rdf.query import format_result, list_named_queries, named_query
from kg.rdf.store import Contribution, DocumentRecord, GraphStore
from kg.serve.run import running

PEOPLE = "SELECT ?who ?name WHERE { ?who a kg:Person ; rdfs:label ?name } ORDER BY ?name"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a kg:Person ; ?p ?o }"


def make_store(path: Path, graph: rdflib.Graph, doc: str = "graph") -> None:
    """A kg store whose merged graph is ``graph`` (no spaCy: one hand-made contribution)."""
    with GraphStore.open_for_writing(path) as store:
        store.apply([Contribution(DocumentRecord(doc, "", ""), frozenset(oxigraph_triples(graph)))])


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "graph.ttl"
    path.write_bytes(kg.KnowledgeGraph(build_small_graph()).serialize())
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "store"
    make_store(path, build_small_graph())
    return path


@pytest.fixture(scope="module", params=["file", "store"])
def served(
    request: pytest.FixtureRequest, graph_file: Path, store: Path
) -> Iterator[tuple[str, Path]]:
    """(endpoint URL, what it serves): a Turtle file, then a store."""
    path = graph_file if request.param == "file" else store
    with running(path, timeout=20) as url:
        yield f"{url}/sparql", path


def client(endpoint: str, query: str, fmt: str) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(endpoint, returnFormat=fmt)
    wrapper.setQuery(query)
    wrapper.setTimeout(30)
    return wrapper


def http(
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> tuple[int, dict[str, str], str]:
    """(status, headers, body) of one request, errors included."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def get(endpoint: str, query: str, accept: str | None = None) -> tuple[int, dict[str, str], str]:
    headers = {"Accept": accept} if accept else {}
    return http(f"{endpoint}?{urllib.parse.urlencode({'query': query})}", headers=headers)


# ---------------------------------------------------------------- every format, as kg query has it


def test_select_json_rows_equal_kg_query(served: tuple[str, Path]) -> None:
    endpoint, path = served
    answer = client(endpoint, PEOPLE, JSON).query().convert()
    expected = json.loads(format_result(kg.open_graph(path).query(PEOPLE), "json"))
    assert answer == expected
    assert [b["name"]["value"] for b in answer["results"]["bindings"]] == [  # type: ignore[index]
        "Bob Russell",
        "David Finch",
        "Jane Doe",
    ]


@pytest.mark.parametrize("name", sorted(list_named_queries()))
def test_named_queries_rows_equal_kg_query(served: tuple[str, Path], name: str) -> None:
    endpoint, path = served
    params = {"name": "Bob Russell"} if name == "facts" else {}
    sparql = named_query(name, **params)
    answer = client(endpoint, sparql, JSON).query().convert()
    expected = json.loads(format_result(kg.open_graph(path).query(sparql), "json"))
    assert answer == expected
    if name in ("facts", "relations", "quotes", "entities"):
        assert answer["results"]["bindings"], f"{name} answered no row"  # type: ignore[index]


def test_select_xml(served: tuple[str, Path]) -> None:
    endpoint, _ = served
    document = client(endpoint, PEOPLE, XML).query().convert()
    names = [
        binding.getElementsByTagName("literal")[0].firstChild.data  # type: ignore[union-attr]
        for binding in document.getElementsByTagName("binding")  # type: ignore[union-attr]
        if binding.getAttribute("name") == "name"
    ]
    assert names == ["Bob Russell", "David Finch", "Jane Doe"]


def test_select_csv_and_tsv_equal_kg_query(served: tuple[str, Path]) -> None:
    endpoint, path = served
    result = kg.open_graph(path).query(PEOPLE)
    csv_text = client(endpoint, PEOPLE, CSV).query().convert()
    tsv_text = client(endpoint, PEOPLE, TSV).query().convert()
    assert isinstance(csv_text, bytes) and isinstance(tsv_text, bytes)
    assert csv_text.decode() == format_result(result, "csv")
    assert tsv_text.decode() == format_result(result, "tsv")
    rows = list(csv.reader(io.StringIO(csv_text.decode())))
    assert rows[0] == ["who", "name"] and rows[1] == [str(BOB), "Bob Russell"]


def test_ask_json_and_xml(served: tuple[str, Path]) -> None:
    endpoint, _ = served
    yes = "ASK { ?s a kg:Person }"
    no = "ASK { ?s a kg:Product }"
    assert client(endpoint, yes, JSON).query().convert()["boolean"] is True  # type: ignore[index]
    assert client(endpoint, no, JSON).query().convert()["boolean"] is False  # type: ignore[index]
    document = client(endpoint, yes, XML).query().convert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", [TURTLE, N3, JSONLD, XML])
def test_construct_parses_to_kg_querys_graph(served: tuple[str, Path], fmt: str) -> None:
    endpoint, path = served
    answer = client(endpoint, CONSTRUCT, fmt).query()
    kind = answer.response.headers["content-type"].split(";")[0]
    # Parsed here rather than by convert(), which builds rdflib's deprecated
    # ConjunctiveGraph for JSON-LD and RDF/XML (a warning, an error in this suite).
    syntax = {"application/ld+json": "json-ld", "application/rdf+xml": "xml"}.get(kind, "turtle")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        graph = rdflib.Graph().parse(data=answer.response.read(), format=syntax)
    expected = kg.open_graph(path).query(CONSTRUCT).graph
    assert expected is not None and len(expected) > 10
    assert isomorphic(graph, expected)


def test_construct_as_ntriples_and_describe(served: tuple[str, Path]) -> None:
    endpoint, path = served
    status, headers, body = get(endpoint, CONSTRUCT, "application/n-triples")
    assert status == 200 and headers["content-type"].startswith("application/n-triples")
    expected = kg.open_graph(path).query(CONSTRUCT).graph
    assert isomorphic(rdflib.Graph().parse(data=body, format="nt"), expected)  # type: ignore[arg-type]
    status, headers, body = get(endpoint, f"DESCRIBE <{BOB}>", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    described = rdflib.Graph().parse(data=body, format="turtle")
    assert (BOB, rdflib.RDFS.label, rdflib.Literal("Bob Russell")) in described


def test_post_form_and_sparql_query_bodies(served: tuple[str, Path]) -> None:
    endpoint, path = served
    expected = json.loads(format_result(kg.open_graph(path).query(PEOPLE), "json"))
    wrapper = client(endpoint, PEOPLE, JSON)
    wrapper.setMethod("POST")
    assert wrapper.query().convert() == expected
    status, _, body = http(
        endpoint, PEOPLE.encode(), {"Content-Type": "application/sparql-query"}, "POST"
    )
    assert status == 200 and json.loads(body) == expected


def test_service_description(served: tuple[str, Path]) -> None:
    endpoint, _ = served
    status, headers, body = http(endpoint, headers={"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    assert (None, sd.endpoint, rdflib.URIRef(endpoint)) in graph
    assert (None, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert (None, sd.supportedLanguage, sd.SPARQL11Update) not in graph


# ---------------------------------------------------------------- what is refused, and how


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <@URL@/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <@URL@/sparql> { ?s ?p ?o } }",
        "PREFIX ep: <@URL@/> SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE ep:q { ?s ?x ?y } } }",
        "SELECT * WHERE { VALUES ?e { <@URL@/sparql> } SERVICE ?e { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <@URL@/sparql> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_and_nothing_is_requested(served: tuple[str, Path], query: str) -> None:
    endpoint, _ = served
    with counting.counting_endpoint() as outside:
        wrapper = client(endpoint, query.replace("@URL@", outside.url), JSON)
        with pytest.raises(QueryBadFormed) as refused:
            wrapper.query()
        assert "SERVICE is not allowed" in str(refused.value)
        status, _, body = get(endpoint, query.replace("@URL@", outside.url))
        assert status == 400 and body.count("\n") == 1 and "Traceback" not in body
        assert outside.requests == []
        assert counting.SERVED not in body


def test_service_control_the_counting_server_counts(served: tuple[str, Path]) -> None:
    """Not vacuous: a plain request to the counting server is counted."""
    with counting.counting_endpoint() as outside:
        urllib.request.urlopen(f"{outside.url}/sparql", timeout=10).read()
        assert outside.requests == ["GET /sparql"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", "FROM <http://example.org/g>"),
        ("LOAD <http://example.org/g>", "updates are not allowed"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "updates are not allowed"),
        ("SELECT * WHERE { ?s ?p }", "SPARQL syntax error"),
    ],
)
def test_refused_queries_are_400_with_one_line(
    served: tuple[str, Path], query: str, message: str
) -> None:
    endpoint, path = served
    status, headers, body = get(endpoint, query)
    assert status == 400, body
    assert message in body and body.count("\n") == 1 and "Traceback" not in body
    assert headers["content-type"].startswith("text/plain")
    assert len(kg.open_graph(path).query("SELECT * { ?s ?p ?o }").rows) > 50  # unchanged


def test_update_requests_and_dataset_parameters_are_refused(served: tuple[str, Path]) -> None:
    endpoint, _ = served
    update = urllib.parse.urlencode({"update": "DROP ALL"}).encode()
    status, _, body = http(
        endpoint, update, {"Content-Type": "application/x-www-form-urlencoded"}, "POST"
    )
    assert status == 400 and "updates are not allowed" in body
    status, _, body = http(
        endpoint, b"DROP ALL", {"Content-Type": "application/sparql-update"}, "POST"
    )
    assert status == 400 and "updates are not allowed" in body
    query = urllib.parse.urlencode({"query": PEOPLE, "default-graph-uri": "file:///etc/passwd"})
    status, _, body = http(f"{endpoint}?{query}")
    assert status == 400 and "default-graph-uri is not allowed" in body


def test_limits_on_size_media_and_methods(served: tuple[str, Path]) -> None:
    endpoint, _ = served
    big = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 300_000
    status, _, body = http(endpoint, big, {"Content-Type": "application/sparql-query"}, "POST")
    assert status == 413 and body.count("\n") == 1
    status, _, body = http(endpoint, b"{}", {"Content-Type": "application/json"}, "POST")
    assert status == 415
    status, _, body = get(endpoint, PEOPLE, "image/png")
    assert status == 406 and "application/sparql-results+json" in body
    status, _, body = http(endpoint, b"", method="DELETE")
    assert status == 405
    status, _, body = http(endpoint.replace("/sparql", "/nothing-here"))
    assert status == 404


def test_cors_is_off_by_default(served: tuple[str, Path]) -> None:
    endpoint, _ = served
    status, headers, _ = get(endpoint, PEOPLE)
    assert status == 200
    assert not any(h.lower().startswith("access-control-") for h in headers)


def test_cors_on_for_the_origin_given(graph_file: Path) -> None:
    with running(graph_file, cors=["https://notebook.example"]) as url:
        _, allowed, _ = http(
            f"{url}/sparql?query=ASK%7B%7D", headers={"Origin": "https://notebook.example"}
        )
        _, other, _ = http(
            f"{url}/sparql?query=ASK%7B%7D", headers={"Origin": "https://evil.example"}
        )
    assert allowed.get("access-control-allow-origin") == "https://notebook.example"
    assert "access-control-allow-origin" not in {k.lower() for k in other}


def test_cap_on_results(graph_file: Path) -> None:
    with running(graph_file, max_rows=5) as url:
        status, _, body = get(f"{url}/sparql", "SELECT * WHERE { ?s ?p ?o }")
        assert status == 400 and "more than this server sends (5)" in body
        status, _, body = get(f"{url}/sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 5")
        assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 5


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["file", "store"])
def test_timeout_is_408(graph_file: Path, store: Path, kind: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with running(graph_file if kind == "file" else store, timeout=1) as url:
        started = time.monotonic()
        status, _, body = get(f"{url}/sparql", slow)
        assert status == 408 and "ran longer than 1 s" in body
        assert time.monotonic() - started < 10
        status, _, _ = get(f"{url}/sparql", "ASK {}")  # still answering
        assert status == 200


# ---------------------------------------------------------------- a store updated while served


def test_store_updated_while_served(tmp_path: Path) -> None:
    """A build writing the store gets in between two queries; while it writes the
    server answers 503 (and stays up); afterwards it answers with the new data."""
    path = tmp_path / "store"
    make_store(path, build_small_graph())
    ask = "ASK { ?s rdfs:label 'Added Later' }"
    with running(path) as url:
        endpoint = f"{url}/sparql"
        assert json.loads(get(endpoint, ask)[2])["boolean"] is False
        with GraphStore.open_for_writing(path) as writer:  # what kg build --store does
            status, headers, body = get(endpoint, ask)
            assert status == 503 and headers.get("retry-after") == "5"
            assert "another kg process is writing" in body and body.count("\n") == 1
            extra = rdflib.Graph()
            extra.add((rdflib.URIRef("https://w3id.org/kg/id/person_added"), rdflib.RDFS.label,
                       rdflib.Literal("Added Later")))  # fmt: skip
            writer.apply(
                [Contribution(DocumentRecord("later", "", ""), frozenset(oxigraph_triples(extra)))]
            )
        assert json.loads(get(endpoint, ask)[2])["boolean"] is True
        assert get(endpoint, PEOPLE)[0] == 200


# ---------------------------------------------------------------- the command


def test_kg_serve_command_starts_answers_and_stops(graph_file: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", str(graph_file), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, body = get(f"http://127.0.0.1:{port}/sparql", "ASK { ?s a kg:Person }")
                break
            except urllib.error.URLError:
                assert process.poll() is None, process.stderr.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "kg serve did not start within 60 s"
                time.sleep(0.2)
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in err.decode()


def test_kg_serve_of_a_missing_graph_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "nothing.ttl")])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "no such file" in result.output
