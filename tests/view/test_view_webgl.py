"""Tests for the large view (kg.view.webgl, select, layout): what the page holds.

The page is read as the browser's tokenizer would (``_Page`` from test_view);
tests/test_browser_webgl.py runs it.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from test_view import HOSTILE, KG, KGR, _Builder, _hostile, _Page, _small

from kg.cli.main import cli
from kg.errors import ViewError
from kg.view import VIS_MAX, Selection, read_model, select, to_html, webgl, write_html
from kg.view.layout import layout

STATIC = Path(webgl.__file__).parent / "static"


def _webgl(graph: Graph, **kwargs: Any) -> tuple[_Page, dict[str, Any]]:
    page = _Page(to_html(graph, renderer="webgl", **kwargs))
    return page, page.data()


def _labels(data: dict[str, Any]) -> set[str]:
    return set(data["nodes"]["label"])


def _world() -> Graph:
    """Two people in one story, a company, a place and a lone country."""
    b = _Builder()
    ana = b.entity("Person", "ana", "Ana Lima", "A. Lima")
    bo = b.entity("Person", "bo", "Bo Chen")
    acme = b.entity("Organization", "acme", "Acme Ltd")
    leeds = b.entity("Place", "leeds", "Leeds")
    b.entity("Country", "peru", "Peru")  # no relation: isolated
    b.relation(ana, KG.met, bo, "Ana Lima met Bo Chen.", start=5)
    b.relation(bo, KG.worksFor, acme, "Bo Chen works for Acme Ltd.", start=40)
    b.relation(acme, KG.locatedIn, leeds, "Acme Ltd is based in Leeds.", start=90)
    other = b.document("9d1e", "sport.txt")
    b.graph.set((KGR["stmt/0003"], URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), other))
    return b.graph


# ---------------------------------------------------------------- offline and inert


def test_page_is_self_contained_and_scripts_are_hashed() -> None:
    html = to_html(_small(), renderer="webgl")
    page = _Page(html)
    assert set(page.scripts) == {"kg-data", "kg-graphology", "kg-sigma", "kg-app"}
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE)
    for tag, attrs in page.tags:
        assert not {"src", "href", "srcset", "action", "formaction"} & attrs.keys(), tag
    assert "sourceMappingURL" not in html and "<link" not in html.lower()
    csp = next(
        a["content"] for _t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None and "default-src 'none'" in csp
    expected = {
        "sha256-" + base64.b64encode(hashlib.sha256(page.scripts[s].encode()).digest()).decode()
        for s in ("kg-graphology", "kg-sigma", "kg-app")
    }
    assert set(re.findall(r"'(sha256-[^']+)'", csp)) == expected
    assert "unsafe" not in csp.split("script-src")[1].split(";")[0]


def test_vendored_libraries_keep_their_licences() -> None:
    for name in ("sigma", "graphology"):
        licence = (STATIC / f"{name}.LICENSE.txt").read_text(encoding="utf-8")
        assert "Permission is hereby granted, free of charge" in licence
    assert (STATIC / "sigma.min.js").stat().st_size < 250_000
    assert (STATIC / "graphology.umd.min.js").stat().st_size < 100_000


def test_hostile_text_is_only_json_data() -> None:
    html = to_html(_hostile(), renderer="webgl", title="<script>alert(1)</script>")
    page = _Page(html)
    assert [t for t, _ in page.tags if t == "script"] == ["script"] * 4
    assert not [t for t, _ in page.tags if t in {"img", "iframe", "object", "embed", "a"}]
    for tag, attrs in page.tags:
        assert not [name for name in attrs if name.startswith("on")], tag
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in page.scripts["kg-data"]
    app = page.scripts["kg-app"]
    assert "innerHTML" not in app and "insertAdjacentHTML" not in app and "eval(" not in app
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html
    data = page.data()
    assert _labels(data) == {" ".join(t.split()) for t in HOSTILE}
    assert {" ".join(t.split()) for t in HOSTILE} <= set(data["strings"])


# ---------------------------------------------------------------- what is drawn


def test_isolated_entities_are_hidden_and_counted() -> None:
    page, data = _webgl(_world())
    assert "Peru" not in _labels(data)
    assert len(data["nodes"]["id"]) == 4 and len(data["edges"]["source"]) == 3
    assert "1 isolated entity not drawn" in page.raw
    _page, everything = _webgl(_world(), selection=Selection(min_degree=0))
    assert "Peru" in _labels(everything)


def test_node_records_carry_evidence_and_aliases() -> None:
    _page, data = _webgl(_world())
    nodes, edges, strings = data["nodes"], data["edges"], data["strings"]
    ana = nodes["label"].index("Ana Lima")
    assert nodes["aliases"][str(ana)] == ["A. Lima"]
    met = next(
        k
        for k, (s, t) in enumerate(zip(edges["source"], edges["target"], strict=True))
        if ana in (s, t)
    )
    ((doc, extractor, confidence, sentence, role),) = edges["records"][str(met)]
    assert strings[sentence] == "Ana Lima met Bo Chen."
    assert (strings[doc], strings[extractor], confidence, role) == (
        "politics.txt",
        "kg.verbs.v1",
        "0.85",
        "",
    )
    assert data["predicates"][edges["predicate"][met]][0] == "met"
    assert [c[0] for c in data["classes"]] == ["Organization", "Person", "Place"]


def test_focus_hops_type_predicate_document_top() -> None:
    graph = _world()

    def drawn(**fields: Any) -> set[str]:
        return _labels(_webgl(graph, selection=Selection(**fields))[1])

    assert drawn(focus="a. lima", hops=1) == {"Ana Lima", "Bo Chen"}
    assert drawn(focus="Ana Lima", hops=2) == {"Ana Lima", "Bo Chen", "Acme Ltd"}
    assert drawn(types=("Person",)) == {"Ana Lima", "Bo Chen"}
    assert drawn(types=("Agent",)) == {"Ana Lima", "Bo Chen", "Acme Ltd"}  # a superclass
    assert drawn(predicates=("worksFor",)) == {"Bo Chen", "Acme Ltd"}
    assert drawn(predicates=("located in",)) == {"Acme Ltd", "Leeds"}
    assert drawn(document="sport.txt") == {"Acme Ltd", "Leeds"}
    assert drawn(top=2) <= {"Bo Chen", "Acme Ltd", "Ana Lima", "Leeds"}
    assert len(drawn(top=2)) == 2
    assert len(drawn(top=5)) == 5  # exactly N, the isolated one too
    assert drawn(min_degree=2) == {"Bo Chen", "Acme Ltd"}


def test_query_draws_exactly_its_result() -> None:
    graph = _world()
    construct = "CONSTRUCT { ?a kg:worksFor ?b } WHERE { ?a kg:worksFor ?b }"
    _p, data = _webgl(graph, selection=Selection(query=construct))
    assert _labels(data) == {"Bo Chen", "Acme Ltd"}
    assert len(data["edges"]["source"]) == 1
    assert data["edges"]["records"]  # the relation keeps its provenance
    chosen = "SELECT ?p WHERE { ?p a kg:Person }"
    _p, data = _webgl(graph, selection=Selection(query=chosen))
    assert _labels(data) == {"Ana Lima", "Bo Chen"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"focus": "Nobody"}, "no entity is called 'Nobody'"),
        ({"focus": "Ana"}, "names containing it: Ana Lima"),
        ({"types": ("Planet",)}, "unknown class 'Planet'"),
        ({"predicates": ("owns",)}, "no relation has the predicate 'owns'"),
        ({"document": "none.txt"}, "no entity is in the document 'none.txt'"),
        ({"query": "ASK { ?s ?p ?o }"}, "SELECT or CONSTRUCT"),
    ],
)
def test_selection_that_matches_nothing_is_an_error(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ViewError, match=re.escape(message)):
        to_html(_world(), selection=Selection(**fields))


def test_cli_options_and_errors(tmp_path: Path) -> None:
    ttl, out = tmp_path / "g.ttl", tmp_path / "g.html"
    _world().serialize(ttl, format="turtle")
    runner = CliRunner()
    ok = runner.invoke(
        cli, ["view", str(ttl), "-o", str(out), "--focus", "Bo Chen", "--hops", "1",
              "--color", "community"]
    )  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert _labels(_Page(out.read_text(encoding="utf-8")).data()) == {
        "Ana Lima",
        "Bo Chen",
        "Acme Ltd",
    }
    bad = runner.invoke(cli, ["view", str(ttl), "-o", str(tmp_path / "x.html"), "--type", "Planet"])
    assert bad.exit_code == 1 and "unknown class 'Planet'" in bad.output
    assert not (tmp_path / "x.html").exists()
    usage = runner.invoke(cli, ["view", str(ttl), "-o", str(out), "--hops", "-1"])
    assert usage.exit_code == 2


def test_auto_renderer_follows_size() -> None:
    assert "kg-vis" in _Page(to_html(_small())).scripts
    b = _Builder()
    people = [b.entity("Person", f"p{i:04d}", f"P {i}") for i in range(VIS_MAX + 1)]
    for a, c in itertools.pairwise(people):
        b.graph.add((a, KG.met, c))
    assert "kg-sigma" in _Page(to_html(b.graph)).scripts
    assert "kg-sigma" in _Page(to_html(_small(), colour_by="community")).scripts


def test_same_graph_gives_identical_bytes(tmp_path: Path) -> None:
    forward = _world()
    backward = Graph()
    for triple in sorted(forward, key=str, reverse=True):
        backward.add(triple)
    assert to_html(forward, renderer="webgl") == to_html(backward, renderer="webgl")
    write_html(forward, tmp_path / "a.html", renderer="webgl", colour_by="community")
    assert (tmp_path / "a.html").read_text(encoding="utf-8") == to_html(
        forward, renderer="webgl", colour_by="community"
    )


# ---------------------------------------------------------------- model and layout


def test_read_model_matches_the_graph() -> None:
    model = read_model(_world())
    assert len(model.entities) == 5 and len(model.relations) == 3
    bo = model.entities[str(KGR["person/bo"])]
    assert (bo.label, bo.cls, bo.aliases, bo.documents) == (
        "Bo Chen",
        "Person",
        (),
        {"politics.txt"},
    )
    sub, hidden = select(model, Selection(), min_degree=1)
    assert hidden == 1 and len(sub.entities) == 4


def test_layout_packs_components_apart_and_is_stable() -> None:
    edges = [(i, i + 1) for i in range(9)] + [(10, 11), (12, 13)]
    first = layout(15, edges)
    assert first == layout(15, edges)
    chain = {(first.x[i], first.y[i]) for i in range(10)}
    assert len(chain) == 10  # no two nodes on one spot
    # The small components lie outside the largest one's frame.
    x0, x1, y0, y1 = first.frame
    for node in (10, 11, 12, 13, 14):
        assert not (x0 <= first.x[node] <= x1 and y0 <= first.y[node] <= y1)
    assert first.rank[5] > first.rank[0]  # the middle of a chain is more central


def test_entities_without_label_or_class_of_kg_are_handled() -> None:
    g = Graph()
    a, b = URIRef("https://example.org/id/a"), URIRef("https://example.org/id/b")
    g.add((a, RDF.type, KG.Person))
    g.add((b, RDF.type, KG.Person))
    g.add((a, RDFS.label, Literal("Ana")))
    g.add((a, URIRef("https://example.org/v#advises"), b))
    _p, data = _webgl(g)
    assert _labels(data) == {"Ana", "b"}
    assert data["predicates"][0][0] == "advises"


@pytest.mark.slow
def test_webgl_bytes_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Layout and communities come from seeded generators, never from set order."""
    ttl = tmp_path / "graph.ttl"
    (_world() + _hostile()).serialize(ttl, format="turtle")
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}.html"
        command = [sys.executable, "-c", "from kg.cli.main import main; main()", "view", str(ttl)]
        command += ["-o", str(out), "--renderer", "webgl", "--color", "community"]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(command, check=True, capture_output=True, env=env)
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]
