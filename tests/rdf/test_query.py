"""kg.rdf.query: results, formats, the sandbox (no network, no files, no updates), time limits."""

from __future__ import annotations

import csv
import io
import json
import sys
import threading
import time
import urllib.request
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import rdflib
import rdflib.plugins.sparql as rdflib_sparql
from rdflib import Graph, Literal, URIRef

import counting
from kg.errors import KGError, QueryError, QueryTimeoutError, UnsafeQueryError
from kg.rdf.query import (
    QueryResult,
    format_result,
    list_named_queries,
    named_query,
    query,
    sparql_string,
)

KGR = "https://w3id.org/kg/id/"
BOB = URIRef(KGR + "person/bob-russell")


# ---------------------------------------------------------------- select, ask, construct


def test_select_uses_predeclared_prefixes(small_graph: Graph) -> None:
    result = query(small_graph, "SELECT ?p WHERE { ?p a kg:Person ; rdfs:label 'Bob Russell' }")
    assert result.kind == "select"
    assert result.variables == ("p",)
    assert result.rows == ((BOB,),)
    assert result.boolean is None and result.graph is None


def test_select_unbound_cells_are_none(small_graph: Graph) -> None:
    result = query(
        small_graph,
        "SELECT ?q ?who WHERE { ?q a kg:Quote OPTIONAL { ?q kg:speaker ?who } } ORDER BY ?q",
    )
    assert [row[1] for row in result.rows] == [BOB, None]


def test_ask(small_graph: Graph) -> None:
    assert query(small_graph, "ASK { ?s kg:wroteTo ?o }").boolean is True
    result = query(small_graph, "ASK { ?s kg:spouseOf ?o }")
    assert result.kind == "ask" and result.boolean is False


def test_construct_binds_only_kg_prefixes(small_graph: Graph) -> None:
    result = query(small_graph, "CONSTRUCT { ?o kg:wroteBy ?s } WHERE { ?s kg:wroteTo ?o }")
    assert result.kind == "construct" and result.graph is not None
    assert set(result.graph) == {(URIRef(KGR + "person/david-finch"), _kg("wroteBy"), BOB)}
    assert "foaf" not in {prefix for prefix, _ in result.graph.namespaces()}


def test_describe_answers_with_a_graph(small_graph: Graph) -> None:
    result = query(small_graph, f"DESCRIBE <{KGR}person/jane-doe>")
    assert result.kind == "construct" and result.graph is not None
    assert (URIRef(KGR + "person/jane-doe"), rdflib.RDFS.label, Literal("Jane Doe")) in result.graph


def test_query_prefixes_can_be_overridden(small_graph: Graph) -> None:
    result = query(small_graph, "PREFIX kg: <http://example.org/other#> ASK { ?s kg:wroteTo ?o }")
    assert result.boolean is False


def test_evaluation_error_is_a_query_error(small_graph: Graph) -> None:
    with pytest.raises(QueryError, match=r"^SPARQL evaluation error: "):
        query(small_graph, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")


def test_timeout_must_be_positive(small_graph: Graph) -> None:
    with pytest.raises(ValueError, match="timeout"):
        query(small_graph, "ASK {}", timeout=0)


def test_no_timeout_runs_inline(small_graph: Graph) -> None:
    assert query(small_graph, "ASK { ?s a kg:Document }", timeout=None).boolean is True
    assert query(small_graph, "ASK { ?s a kg:Document }", timeout=float("inf")).boolean is True


def test_dataset_queries_run_too(small_graph: Graph) -> None:
    dataset = rdflib.Dataset(default_union=True)
    named = dataset.graph(URIRef("http://example.org/g"))
    for triple in small_graph:
        named.add(triple)
    with warnings.catch_warnings():  # rdflib's Dataset warns about its own internals (#3475)
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        result = query(dataset, "SELECT ?g WHERE { GRAPH ?g { ?s kg:wroteTo ?o } }", timeout=5)
    assert result.rows == ((URIRef("http://example.org/g"),),)


def _kg(name: str) -> URIRef:
    return URIRef("https://w3id.org/kg/ontology#" + name)


# ---------------------------------------------------------------- formats


def _select() -> QueryResult:
    long_text = "word " * 30
    return QueryResult(
        "select",
        ("who", "said", "n"),
        (
            (BOB, Literal('Hello,\tworld\n"quoted"'), Literal(3)),
            (URIRef("http://example.org/x"), Literal(long_text.strip(), lang="en"), None),
        ),
    )


def test_table_format() -> None:
    text = format_result(_select(), "table")
    lines = text.splitlines()
    assert lines[0].split(" | ")[0].strip() == "who"
    assert set(lines[1]) <= {"-", "+"}
    cells = [cell.strip() for cell in lines[2].split(" | ")]
    assert cells == ["kgr:person/bob-russell", 'Hello, world "quoted"', "3"]
    assert "<http://example.org/x>" in lines[3]
    assert "…" in lines[3] and all(len(cell.strip()) <= 60 for cell in lines[3].split("|"))
    assert lines[-1] == "(2 rows)"
    assert format_result(_select(), "table") == text  # deterministic


def test_csv_format_is_sparql_csv() -> None:
    text = format_result(_select(), "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["who", "said", "n"]
    assert rows[1] == [str(BOB), 'Hello,\tworld\n"quoted"', "3"]
    assert rows[2][2] == ""
    assert text.endswith("\r\n")


def test_tsv_format_is_sparql_tsv() -> None:
    lines = format_result(_select(), "tsv").splitlines()
    assert lines[0] == "?who\t?said\t?n"
    assert lines[1].split("\t") == [
        f"<{BOB}>",
        '"Hello,\\tworld\\n\\"quoted\\""',
        '"3"^^<http://www.w3.org/2001/XMLSchema#integer>',
    ]
    assert lines[2].endswith('"@en\t')
    assert len(lines) == 3


def test_json_format_is_sparql_json() -> None:
    document = json.loads(format_result(_select(), "json"))
    assert document["head"] == {"vars": ["who", "said", "n"]}
    first, second = document["results"]["bindings"]
    assert first["who"] == {"type": "uri", "value": str(BOB)}
    assert first["n"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert second["said"]["xml:lang"] == "en"
    assert "n" not in second


def test_ask_formats() -> None:
    yes = QueryResult("ask", boolean=True)
    assert format_result(yes) == "true\n"
    assert format_result(QueryResult("ask", boolean=False), "csv") == "false\n"
    assert json.loads(format_result(yes, "json")) == {"head": {}, "boolean": True}


def test_construct_formats(small_graph: Graph) -> None:
    result = query(small_graph, "CONSTRUCT { ?s kg:wroteTo ?o } WHERE { ?s kg:wroteTo ?o }")
    turtle = format_result(result)
    assert Graph().parse(data=turtle, format="turtle").isomorphic(result.graph)  # type: ignore[arg-type]
    assert "@prefix kg: <https://w3id.org/kg/ontology#>" in turtle
    rows = list(csv.reader(io.StringIO(format_result(result, "csv"), newline="")))
    assert rows == [
        ["subject", "predicate", "object"],
        [str(BOB), str(_kg("wroteTo")), KGR + "person/david-finch"],
    ]
    assert json.loads(format_result(result, "json"))["@id"] == str(BOB)


def test_unknown_format_lists_the_available_ones() -> None:
    with pytest.raises(KGError, match="Available formats: table, csv, tsv, json"):
        format_result(_select(), "xml")


# ---------------------------------------------------------------- the sandbox


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://example.org/s> { ?s ?q ?x } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } } } }",
        "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <http://example.org/s> { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/s> { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE ?endpoint { ?s ?p ?o } } }",
        "ASK { OPTIONAL { { SELECT * { OPTIONAL { SERVICE <file:///etc/x> { ?a ?b ?c } } } } } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_wherever_it_hides(small_graph: Graph, sparql: str) -> None:
    with pytest.raises(UnsafeQueryError, match=r"^SERVICE is not allowed") as info:
        query(small_graph, sparql)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("sparql", "construct"),
    [
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd>"),
        ("SELECT * FROM <http://example.org/data.ttl> { ?s ?p ?o }", "FROM <http://example.org"),
        (
            "SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }",
            "FROM NAMED <http://example.org/g>",
        ),
        ("ASK FROM <file:///etc/hosts> { ?s ?p ?o }", "FROM <file:///etc/hosts>"),
    ],
)
def test_dataset_clauses_are_refused(small_graph: Graph, sparql: str, construct: str) -> None:
    with pytest.raises(UnsafeQueryError, match="is not allowed") as info:
        query(small_graph, sparql)
    assert str(info.value).startswith(construct)


@pytest.mark.parametrize(
    ("sparql", "operation"),
    [
        ("LOAD <file:///etc/passwd>", "LOAD"),
        ("LOAD <http://example.org/data.ttl> INTO GRAPH <http://example.org/g>", "LOAD"),
        ("INSERT DATA { <http://a/b> <http://a/c> <http://a/d> }", "INSERT DATA"),
        ("PREFIX ex: <http://a/#> # a comment\nDELETE WHERE { ?s ex:p ?o }", "DELETE WHERE"),
        ("DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "DELETE/INSERT"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <http://a/g>", "DROP"),
        ("CREATE GRAPH <http://a/g>", "CREATE"),
        ("LOAD", "LOAD"),  # malformed, still recognisably an update
        ("insert { ?s ?p ?o", "INSERT"),
    ],
)
def test_updates_are_refused(small_graph: Graph, sparql: str, operation: str) -> None:
    before = len(small_graph)
    with pytest.raises(UnsafeQueryError, match=r"^updates are not allowed") as info:
        query(small_graph, sparql)
    assert operation in str(info.value)
    assert len(small_graph) == before


@pytest.mark.parametrize(
    "sparql",
    ["SELEC * WHERE { ?s ?p ?o }", "SELECT * WHERE {\n ?s ?p \n}", "", "SELECT * { ?s nope:x ?o }"],
)
def test_syntax_errors_are_one_line(small_graph: Graph, sparql: str) -> None:
    with pytest.raises(QueryError, match=r"^SPARQL syntax error: ") as info:
        query(small_graph, sparql)
    assert not isinstance(info.value, UnsafeQueryError)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { " + " . ".join(f"?s{i} kg:p ?o{i}" for i in range(150)) + " }",
        "SELECT * WHERE { FILTER(" + "(" * 80 + "1" + ")" * 80 + ") }",
        "SELECT * WHERE " + "{" * 60 + " ?s ?p ?o " + "}" * 60,
    ],
    ids=["150 patterns", "80 brackets", "60 groups"],
)
def test_queries_too_deep_for_the_parser_are_a_one_line_error(
    small_graph: Graph, sparql: str
) -> None:
    """rdflib's parser recurses per pattern and per bracket: a RecursionError is no crash."""
    # Python's default limit; importing ipykernel (the notebook test) raises it to 3000.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        with pytest.raises(QueryError, match=r"^SPARQL syntax error: the query is nested too"):
            query(small_graph, sparql)
    finally:
        sys.setrecursionlimit(limit)


def test_a_long_but_shallow_query_still_runs(small_graph: Graph) -> None:
    patterns = " ; ".join(f"kg:p{i} ?o{i}" for i in range(300))
    assert query(small_graph, f"SELECT * WHERE {{ ?s {patterns} }}").rows == ()
    chain = " . ".join(f"?s{i} kg:p ?o{i}" for i in range(40))
    assert query(small_graph, f"ASK {{ {chain} }}").boolean is False


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[str]]]:
    """A SPARQL-ish endpoint on 127.0.0.1 that records every request it gets."""
    with counting.counting_endpoint() as server:
        yield f"{server.url}/sparql", server.requests


def test_refused_service_never_reaches_the_endpoint(
    small_graph: Graph, endpoint: tuple[str, list[str]]
) -> None:
    url, requests = endpoint
    for sparql in (
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?q ?x }} }} }}",
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"LOAD <{url}>",
    ):
        with pytest.raises(UnsafeQueryError):
            query(small_graph, sparql)
    assert requests == []
    # The endpoint does count: a direct request gets through.
    with urllib.request.urlopen(url + "?probe") as response:
        assert response.status == 200
    assert requests == ["GET /sparql?probe"]


def test_graph_loading_is_off_during_evaluation_and_restored(small_graph: Graph) -> None:
    seen: list[bool] = []

    def probe(ctx: Any, part: Any) -> Any:
        seen.append(rdflib_sparql.SPARQL_LOAD_GRAPHS)
        raise NotImplementedError

    rdflib_sparql.CUSTOM_EVALS["kg-test-probe"] = probe
    try:
        query(small_graph, "ASK { ?s ?p ?o }")
        query(small_graph, "ASK { ?s ?p ?o }", timeout=None)
    finally:
        del rdflib_sparql.CUSTOM_EVALS["kg-test-probe"]
    assert seen and not any(seen)
    assert rdflib_sparql.SPARQL_LOAD_GRAPHS is True


def test_graph_loading_flag_is_restored_after_errors(small_graph: Graph) -> None:
    with pytest.raises(QueryError):
        query(small_graph, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert rdflib_sparql.SPARQL_LOAD_GRAPHS is True


# ---------------------------------------------------------------- time limit


@pytest.fixture(scope="module")
def big_graph() -> Graph:
    g = Graph()
    p = URIRef("http://example.org/p")
    for i in range(3000):
        g.add((URIRef(f"http://example.org/n{i}"), p, Literal(i)))
    return g


def _workers_alive() -> bool:
    return any(t.name == "kg-query" and t.is_alive() for t in threading.enumerate())


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",
        "ASK { ?a ?b ?c . ?d ?e ?f FILTER(?c = -1) }",
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",
    ],
)
def test_slow_query_times_out_and_stops(big_graph: Graph, sparql: str) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"^query ran longer than 0\.2 s$"):
        query(big_graph, sparql, timeout=0.2)
    assert time.monotonic() - started < 1.5
    # The worker notices the deadline at its next read and stops; it does not run on.
    give_up = time.monotonic() + 2.0
    while _workers_alive() and time.monotonic() < give_up:
        time.sleep(0.01)
    assert not _workers_alive()


def test_fast_query_under_a_timeout(big_graph: Graph) -> None:
    result = query(big_graph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=10)
    assert result.rows == ((Literal(3000),),)


# ---------------------------------------------------------------- named queries


def test_list_named_queries() -> None:
    queries = list_named_queries()
    assert {"facts", "quotes", "relations", "entities"} <= set(queries)
    assert all(description and "\n" not in description for description in queries.values())


def _labels(result: QueryResult, *columns: str) -> list[tuple[str, ...]]:
    index = [result.variables.index(c) for c in columns]
    return [tuple(str(row[i]) for i in index) for row in result.rows]


def test_facts_matches_labels_and_aliases_in_any_case(small_graph: Graph) -> None:
    for name in ("Bob Russell", "SIR BOB", "mr russell"):
        result = query(small_graph, named_query("facts", name=name))
        assert result.variables == (
            "subject",
            "predicate",
            "object",
            "confidence",
            "document",
            "evidence",
        )
        assert _labels(result, "subject", "predicate", "object", "document", "confidence") == [
            ("Bob Russell", str(_kg("wroteTo")), "David Finch", "politics.txt", "0.85"),
            ("Bob Russell", str(_kg("wroteTo")), "David Finch", "sport.txt", "0.6"),
        ]


def test_facts_include_relations_where_the_entity_is_object(small_graph: Graph) -> None:
    result = query(small_graph, named_query("facts", name="david finch"))
    assert sorted(_labels(result, "subject", "object")) == [
        ("Bob Russell", "David Finch"),
        ("Bob Russell", "David Finch"),
        ("David Finch", "Norfolk County Council"),
    ]
    assert query(small_graph, named_query("facts", name="Nobody")).rows == ()


@pytest.mark.parametrize(
    "hostile",
    [
        'x") } SERVICE <http://127.0.0.1:1/> { ?a ?b ?c } #',
        "x\\u0022) } SERVICE <http://127.0.0.1:1/> { ?a ?b ?c } #",
        "bob\nrussell\\",
        "'; DROP ALL",
    ],
)
def test_named_query_parameters_cannot_change_the_query(small_graph: Graph, hostile: str) -> None:
    assert query(small_graph, named_query("facts", name=hostile)).rows == ()


def test_sparql_string_round_trips_through_the_parser(small_graph: Graph) -> None:
    for value in ['a "b" c', "back\\slash", "tab\tnew\nline", "é ü 中"]:
        result = query(small_graph, f"SELECT ?v WHERE {{ BIND({sparql_string(value)} AS ?v) }}")
        assert result.rows == ((Literal(value),),)


def test_named_query_parameter_errors() -> None:
    with pytest.raises(KGError, match="needs parameter"):
        named_query("facts")
    with pytest.raises(KGError, match="takes no parameter"):
        named_query("quotes", name="x")
    names = ", ".join(list_named_queries())
    with pytest.raises(KGError, match=f"Available names: {names}$"):
        named_query("nope")


def test_quotes_query(small_graph: Graph) -> None:
    result = query(small_graph, named_query("quotes"))
    assert _labels(result, "speaker", "quote", "document") == [
        ("Bob Russell", "I have always been puzzled by this.", "politics.txt"),
        ("A spokesman for County Hall", "We will respond in due course.", "sport.txt"),
    ]


def test_relations_query(small_graph: Graph) -> None:
    result = query(small_graph, named_query("relations"))
    assert result.variables == (
        "subject",
        "predicate",
        "object",
        "confidence",
        "document",
        "evidence",
    )
    assert len(result.rows) == 5
    first = dict(zip(result.variables, result.rows[0], strict=True))
    assert str(first["subject"]) == "Bob Russell"
    assert str(first["evidence"]) == "Sir Bob Russell wrote to David Finch"


def test_entities_query(small_graph: Graph) -> None:
    result = query(small_graph, named_query("entities"))
    rows = {str(r[1]): (r[2], int(r[3]), int(r[4])) for r in result.rows}  # type: ignore[call-overload]
    assert len(rows) == 6
    assert rows["David Finch"] == (_kg("Person"), 2, 3)
    assert rows["England"] == (_kg("Country"), 1, 1)
    assert rows["Jane Doe"] == (_kg("Person"), 1, 0)
    assert str(result.rows[0][1]) == "David Finch"  # most documents, then most records
