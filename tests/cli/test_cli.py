"""The CLI, called as users call it: `kg build`, `query`, `view`, `stats`, `export`, `demo`.

A usage error exits 2, a domain error 1 with one line, success 0. The graph is
built once per module from the bundled samples, with the real model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.cli.main import cli
from kg.demo import examples_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "graph.ttl"
    result = CliRunner().invoke(cli, ["build", str(examples_dir()), "-o", str(out)])
    assert result.exit_code == 0, result.output
    articles = [*examples_dir().rglob("*.txt"), *examples_dir().rglob("*.html")]
    assert f"{len(articles)} documents" in result.output  # the five samples and the news ones
    return out


def test_build_writes_turtle_that_parses(built: Path) -> None:
    graph = Graph().parse(built, format="turtle")
    assert len(graph) > 500


def test_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.ttl"
    assert CliRunner().invoke(cli, ["build", str(examples_dir()), "-o", str(again)]).exit_code == 0
    assert again.read_bytes() == built.read_bytes()


def test_build_to_stdout_and_from_stdin() -> None:
    text = "Dr Amira Haddad criticised Pellow Mining. She said: “We were never asked.”\n"
    result = CliRunner().invoke(cli, ["build", "-"], input=text)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format="turtle")
    labels = {str(o) for o in graph.objects(None, None) if "Haddad" in str(o)}
    assert "Amira Haddad" in labels


def test_missing_input_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["build", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o.ttl")]
    )
    assert result.exit_code == 1
    assert "nope.txt" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "o.ttl").exists()


def test_bad_input_warns_and_strict_fails(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Tom Reed met Dr Amira Haddad in Leeds.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 au lait\n")
    out = tmp_path / "out.ttl"
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 0
    assert "bad.txt" in result.output and "UTF-8" in result.output
    assert out.exists()
    out.unlink()
    strict = CliRunner().invoke(cli, ["build", str(tmp_path), "-o", str(out), "--strict"])
    assert strict.exit_code == 1 and not out.exists()


def test_nothing_buildable_exits_1(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "empty.txt")])
    assert result.exit_code == 1
    assert "no document" in result.output


def test_unknown_output_suffix_fails_before_building(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["build", str(tmp_path / "missing"), "-o", str(tmp_path / "g.html")]
    )
    assert result.exit_code == 1 and "Available formats" in result.output


def test_usage_error_exits_2() -> None:
    assert CliRunner().invoke(cli, ["build"]).exit_code == 2
    assert CliRunner().invoke(cli, ["export", "x.ttl", "-f", "csv", "-o", "y"]).exit_code == 2


def test_query_table_csv_json_and_named(built: Path) -> None:
    sparql = "SELECT ?a ?b WHERE { ?x kg:wroteTo ?y . ?x rdfs:label ?a . ?y rdfs:label ?b }"
    table = CliRunner().invoke(cli, ["query", str(built), sparql])
    assert table.exit_code == 0 and "Margaret Ellison" in table.output
    as_json = CliRunner().invoke(cli, ["query", str(built), sparql, "--format", "json"])
    bindings = json.loads(as_json.output)["results"]["bindings"]
    assert {"a": "Margaret Ellison", "b": "Geoffrey Pallant"} in [
        {k: v["value"] for k, v in row.items()} for row in bindings
    ]
    csv = CliRunner().invoke(cli, ["query", str(built), sparql, "--format", "csv"])
    assert csv.output.splitlines()[0] == "a,b"
    quotes = CliRunner().invoke(cli, ["query", str(built), "quotes", "--format", "csv"])
    assert quotes.exit_code == 0 and "Peter Lowrie" in quotes.output
    facts = CliRunner().invoke(cli, ["query", str(built), "facts", "-p", "name=Mrs Ellison"])
    assert facts.exit_code == 0 and "wroteTo" in facts.output


def test_query_from_file_and_unsafe_query(built: Path, tmp_path: Path) -> None:
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Quote }", encoding="utf-8")
    result = CliRunner().invoke(cli, ["query", str(built), str(rq), "-f", "csv"])
    assert result.exit_code == 0 and int(result.output.splitlines()[1]) >= 10
    unsafe = CliRunner().invoke(
        cli, ["query", str(built), "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"]
    )
    assert unsafe.exit_code == 1 and "SERVICE" in unsafe.output


def test_view_stats_export(built: Path, tmp_path: Path) -> None:
    html = tmp_path / "g.html"
    assert CliRunner().invoke(cli, ["view", str(built), "-o", str(html)]).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "<script src" not in page and "Margaret Ellison" in page
    stats = CliRunner().invoke(cli, ["stats", str(built)])
    assert stats.exit_code == 0 and "Person" in stats.output
    for fmt in ("nt", "trig", "jsonld", "graphml", "gexf"):
        out = tmp_path / f"g.{fmt}"
        result = CliRunner().invoke(cli, ["export", str(built), "-f", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    original = Graph().parse(built, format="turtle")
    assert isomorphic(original, Graph().parse(tmp_path / "g.nt", format="nt"))
    # Without -f the format comes from the suffix; an unknown one is one line, exit 1.
    guessed = tmp_path / "guessed.nt"
    assert CliRunner().invoke(cli, ["export", str(built), "-o", str(guessed)]).exit_code == 0
    assert guessed.read_bytes() == (tmp_path / "g.nt").read_bytes()
    unknown = CliRunner().invoke(cli, ["export", str(built), "-o", str(tmp_path / "g.xyz")])
    assert unknown.exit_code == 1 and unknown.stderr.count("\n") == 1
    assert "cannot tell the export format" in unknown.stderr
    assert not (tmp_path / "g.xyz").exists()


def test_bad_graph_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle .\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["stats", str(bad)])
    assert result.exit_code == 1 and "bad.ttl" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_demo(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "-o", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo" / "graph.ttl").stat().st_size > 1000
    assert (tmp_path / "demo" / "graph.html").exists()
    assert "Margaret Ellison" in result.output


@pytest.mark.parametrize("seconds", ["0", "-1", "nan"])
def test_query_timeout_must_be_positive(seconds: str) -> None:
    result = CliRunner().invoke(cli, ["query", "missing.ttl", "ASK {}", "--timeout", seconds])
    assert result.exit_code == 2
    assert "must be a positive number of seconds" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", sorted(cli.commands))  # type: ignore[attr-defined]
def test_every_command_has_help_that_exits_0(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout and "Error" not in result.output
