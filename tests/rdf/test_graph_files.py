"""kg view, kg query and kg validate on files that are not graphs: one line naming the file, exit 1;
a mistyped named query; an empty result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli.main import cli
from kg.errors import GraphFileError
from kg.rdf.query import list_named_queries

NOT_GRAPHS = {
    "notes.txt": b"Ann Lee met Tom Reed in Leeds.\nA second line.\n",
    "page.html": b"<!DOCTYPE html><html><head><title>News</title></head>"
    b"<body><p>Hello</p></body></html>",
    "data.json": b'{"id": "d1", "text": "Ann Lee met Tom Reed."}\n',
    "list.json": b"[1, 2, 3]\n",
    "broken.ttl": b"@prefix kg: <https://w3id.org/kg/ontology#> .\nkg:a kg:b .\n",
    "page.ttl": b"<!DOCTYPE html>\n<html><body>Not Turtle</body></html>\n",
}


@pytest.mark.parametrize("name", sorted(NOT_GRAPHS))
@pytest.mark.parametrize("command", ["query", "view", "validate"])
def test_a_file_that_is_not_a_graph_is_one_error_line(
    tmp_path: Path, name: str, command: str
) -> None:
    path = tmp_path / name
    path.write_bytes(NOT_GRAPHS[name])
    args = {
        "query": ["query", str(path), "entities"],
        "view": ["view", str(path), "-o", str(tmp_path / "out.html")],
        "validate": ["validate", str(path)],
    }[command]
    # A real process: rdflib's warnings go to stderr through the logging module.
    result = subprocess.run(
        [sys.executable, "-m", "kg", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {path}: ")
    assert not lines[0].rstrip().endswith(":")
    assert result.stdout == ""
    assert not (tmp_path / "out.html").exists()


def test_the_messages_say_what_the_file_is() -> None:
    cases = {
        "notes.txt": "not an RDF graph file (.txt)",
        "page.html": "not an RDF graph file (.html)",
        "data.json": "not JSON-LD (no @context, @id or @graph at its top)",
        "list.json": "not JSON-LD (no @context, @id or @graph at its top)",
        "broken.ttl": "not valid turtle: line 2",
        "page.ttl": "an HTML page, not turtle",
    }
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, text in cases.items():
            path = Path(tmp) / name
            path.write_bytes(NOT_GRAPHS[name])
            with pytest.raises(GraphFileError) as caught:
                kg.load(path)
            assert text in str(caught.value), (name, str(caught.value))


def test_a_mistyped_named_query_suggests_the_name(tmp_path: Path) -> None:
    graph = tmp_path / "empty.ttl"
    graph.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["query", str(graph), "quote"])
    assert result.exit_code == 1
    assert "unknown named query 'quote'; did you mean quotes?" in result.output
    far = CliRunner().invoke(cli, ["query", str(graph), "zzzz"])
    assert far.exit_code == 1
    names = ", ".join(list_named_queries())
    assert f"unknown named query 'zzzz'. Available names: {names}" in far.output


def test_entities_of_a_graph_with_none_is_zero_rows(tmp_path: Path) -> None:
    graph = tmp_path / "empty.ttl"
    graph.write_text("@prefix kg: <https://w3id.org/kg/ontology#> .\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["query", str(graph), "entities"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "(0 rows)"
    assert len(lines) == 3  # header, rule, count: no blank row
    jsonld = tmp_path / "empty.jsonld"
    jsonld.write_text(json.dumps({"@context": {}, "@graph": []}), encoding="utf-8")
    assert (
        CliRunner().invoke(cli, ["query", str(jsonld), "entities"]).output.splitlines()[-1]
        == "(0 rows)"
    )
