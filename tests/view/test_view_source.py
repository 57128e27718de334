"""The view read with Oxigraph (a Turtle file, N-Triples or a store) gives the page rdflib's does.

``kg view`` reads a Turtle file or a store with :class:`kg.view.TripleIndex` for
speed (benchmarks/view.md); these check that the model, and so the page, is the
one rdflib's reading gives, on values chosen to be awkward: typed and tagged
literals, blank nodes, hostile names, relative IRIs, a syntax error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

import kg
from kg.cli.main import cli
from kg.view import TripleIndex, read_model, to_html, write_source_html

_TURTLE = """\
@prefix kg: <https://w3id.org/kg/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix x: <https://example.org/id/> .
x:a a kg:Person ; rdfs:label "Ana"@en, "<img src=x onerror=alert(1)>" ;
    skos:altLabel "A. \\"Quoted\\" Moss", "</script><script>alert(2)</script>" ;
    kg:met x:b ; kg:worksFor <relative> ; kg:mentionedIn x:d1 .
x:b a kg:Person, kg:Agent ; rdfs:label [ a kg:Name ] ; kg:met x:a .
<relative> a kg:Organization ; rdfs:label "Rel & Co" .
x:d1 a kg:Document ; dct:identifier "doc-1" .
x:s1 a rdf:Statement ; rdf:subject x:a ; rdf:predicate kg:met ; rdf:object x:b ;
    prov:wasDerivedFrom x:d1 ; prov:wasAttributedTo [ a prov:SoftwareAgent ] ;
    kg:sentence "Ana met\\nBo." ; kg:start 7, "7"^^xsd:string ;
    kg:confidence "0.875"^^xsd:decimal, "1" ; kg:roleTitle "chair"@en .
x:q1 a kg:Quote ; kg:speaker x:a ; kg:text "We'll see." ; kg:start "12"^^xsd:integer ;
    prov:wasDerivedFrom x:d1 .
"""


def _file(tmp_path: Path, name: str = "graph.ttl", text: str = _TURTLE) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_index_gives_the_model_rdflib_gives(tmp_path: Path) -> None:
    path = _file(tmp_path)
    from_rdflib = read_model(kg.load(path).graph)
    from_oxigraph = read_model(TripleIndex.from_file(path))
    assert from_oxigraph == from_rdflib
    assert len(from_oxigraph.entities) == 3 and len(from_oxigraph.relations) == 3
    assert from_oxigraph.relations[0].records[0].confidence == "0.88"


def test_a_subjects_triples_apart_read_as_together(tmp_path: Path) -> None:
    """The index looks a subject up once for each run of its triples: runs split
    apart, in any order, give the same model."""
    graph = kg.load(_file(tmp_path)).graph
    lines = sorted(graph.serialize(format="nt").splitlines(), key=lambda t: t[::-1])
    shuffled = _file(tmp_path, "shuffled.nt", "\n".join(lines) + "\n")
    index = TripleIndex.from_file(shuffled)
    assert len(index) == len(graph)
    assert read_model(index) == read_model(graph)


def test_kg_view_of_turtle_and_ntriples_is_rdflibs_page(tmp_path: Path) -> None:
    path = _file(tmp_path)
    graph = kg.load(path).graph
    nt = _file(tmp_path, "graph.nt", graph.serialize(format="nt"))
    expected = to_html(graph, renderer="webgl")
    for source in (path, nt):
        out = tmp_path / f"{source.suffix[1:]}.html"
        result = CliRunner().invoke(
            cli, ["view", str(source), "-o", str(out), "--renderer", "webgl"]
        )
        assert result.exit_code == 0, result.output
        assert out.read_text(encoding="utf-8") == expected


def test_small_whole_graph_and_queries_are_left_to_rdflib(tmp_path: Path) -> None:
    path = _file(tmp_path)
    out = tmp_path / "page.html"
    assert not write_source_html(path, out)  # the vis-network page, from rdflib
    query = kg.view.Selection(
        query="SELECT ?s WHERE { ?s a <https://w3id.org/kg/ontology#Person> }"
    )
    assert not write_source_html(path, out, selection=query)
    assert not out.exists()
    assert write_source_html(path, out, renderer="webgl")
    assert "<img src=x" not in out.read_text(encoding="utf-8")


def test_bad_turtle_is_refused_naming_the_file(tmp_path: Path) -> None:
    bad = _file(tmp_path, "bad.ttl", "<a> <b> .\n")
    result = CliRunner().invoke(cli, ["view", str(bad), "-o", str(tmp_path / "x.html")])
    assert result.exit_code != 0
    assert str(bad) in result.output
    assert not (tmp_path / "x.html").exists()


@pytest.mark.slow
def test_kg_view_of_a_store_is_the_page_of_its_export(tmp_path: Path) -> None:
    text = tmp_path / "corpus" / "story.txt"
    text.parent.mkdir()
    text.write_text(
        "Harriet Vane, the chief executive of Calder Shipping, met Tomas Birkett in Hull "
        "on Monday. Calder Shipping is based in Hull.\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    runner = CliRunner()
    built = runner.invoke(cli, ["build", str(text.parent), "--store", str(store)])
    assert built.exit_code == 0, built.output
    export = tmp_path / "export.ttl"
    export.write_bytes(kg.open_store(store).serialize())
    pages = []
    for source in (store, export):
        out = tmp_path / f"{source.name}.html"
        result = runner.invoke(cli, ["view", str(source), "-o", str(out), "--renderer", "webgl"])
        assert result.exit_code == 0, result.output
        pages.append(out.read_text(encoding="utf-8"))
    assert pages[0] == pages[1]
    assert "Calder Shipping" in pages[0]
    assert pages[0] == to_html(Graph().parse(export), renderer="webgl")
    # the Python API reads the store the same fast way, and gives the same page
    stored = kg.open_store(store)
    assert stored.to_html(tmp_path / "api.html", renderer="webgl") == pages[0]
    assert (tmp_path / "api.html").read_text(encoding="utf-8") == pages[0]
    small = stored.to_html()  # vis-network: read through rdflib, as before
    assert small == kg.load(export).to_html()
