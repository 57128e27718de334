"""Tests for kg.view.html: an offline page, inert document text, stable bytes."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.cli.main import cli
from kg.view.html import to_html, write_html

KG = Namespace("https://w3id.org/kg/ontology#")
KGR = Namespace("https://w3id.org/kg/id/")

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "see href here",
    '" onmouseover="alert(1)',
    "</script>",
    "line\u2028separator\u2029paragraph",
]


# ---------------------------------------------------------------- building graphs by hand


class _Builder:
    """Writes the shapes of the RDF model (README), so each test says only what matters."""

    def __init__(self) -> None:
        self.graph = Graph()
        self.doc = self.document("3f2a", "politics.txt")
        self.extractor = KGR["extractor/kg.verbs.v1"]
        self.graph.add((self.extractor, RDF.type, PROV.SoftwareAgent))
        self.graph.add((self.extractor, RDFS.label, Literal("kg.verbs.v1")))
        self._statements = 0

    def document(self, key: str, identifier: str) -> URIRef:
        doc = KGR[f"doc/{key}"]
        self.graph.add((doc, RDF.type, KG.Document))
        self.graph.add((doc, DCTERMS.identifier, Literal(identifier)))
        return doc

    def entity(self, cls: str, slug: str, label: str, *alt_labels: str) -> URIRef:
        iri = KGR[f"{cls.lower()}/{slug}"]
        self.graph.add((iri, RDF.type, KG[cls]))
        self.graph.add((iri, RDFS.label, Literal(label)))
        for alt in alt_labels:
            self.graph.add((iri, SKOS.altLabel, Literal(alt)))
        self.graph.add((iri, KG.mentionedIn, self.doc))
        return iri

    def relation(
        self,
        subject: URIRef,
        predicate: URIRef,
        obj: URIRef,
        sentence: str,
        *,
        confidence: str = "0.85",
        start: int = 0,
        role: str | None = None,
    ) -> None:
        self.graph.add((subject, predicate, obj))
        self._statements += 1
        stmt = KGR[f"stmt/{self._statements:04d}"]
        for p, o in [
            (RDF.type, RDF.Statement),
            (RDF.subject, subject),
            (RDF.predicate, predicate),
            (RDF.object, obj),
            (PROV.wasDerivedFrom, self.doc),
            (PROV.wasAttributedTo, self.extractor),
            (KG.sentence, Literal(sentence)),
            (KG.evidence, Literal(sentence[:10])),
            (KG.start, Literal(start)),
            (KG.end, Literal(start + 10)),
            (KG.confidence, Literal(confidence, datatype=XSD.decimal)),
        ]:
            self.graph.add((stmt, p, o))
        if role is not None:
            self.graph.add((stmt, KG.roleTitle, Literal(role)))

    def quote(self, speaker: URIRef, text: str, key: str = "77ab") -> None:
        quote = KGR[f"quote/{key}"]
        self.graph.add((quote, RDF.type, KG.Quote))
        self.graph.add((quote, KG.text, Literal(text)))
        self.graph.add((quote, KG.speaker, speaker))
        self.graph.add((quote, PROV.wasDerivedFrom, self.doc))
        self.graph.add((quote, KG.sentence, Literal(f"He said: {text}")))


def _small() -> Graph:
    b = _Builder()
    bob = b.entity("Person", "bob-russell", "Bob Russell", "Sir Bob Russell", "Mr Russell")
    david = b.entity("Person", "david-finch", "David Finch")
    council = b.entity("Organization", "essex-county-council", "Essex County Council")
    b.relation(bob, KG.wroteTo, david, "Sir Bob Russell wrote to David Finch in May.", start=178)
    b.relation(bob, KG.leaderOf, council, "Bob Russell leads Essex County Council.", start=300)
    b.quote(bob, "I have always been puzzled by the decision.")
    return b.graph


def _hostile() -> Graph:
    b = _Builder()
    people = [b.entity("Person", f"p{i}", text, text + " alias") for i, text in enumerate(HOSTILE)]
    for i, text in enumerate(HOSTILE):
        b.relation(people[i], KG.met, people[(i + 1) % len(people)], text, start=i)
        b.quote(people[i], text, key=f"q{i}")
    return b.graph


# ---------------------------------------------------------------- reading the page


class _Page(HTMLParser):
    """The page as the browser's tokenizer sees it: tags, attributes and script bodies."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: dict[str, str] = {}
        self.styles: list[str] = []
        self.raw = html
        self._script: str | None = None
        self._style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs).get("id") or "?"
            self.scripts[self._script] = ""
        elif tag == "style":
            self._style = True
            self.styles.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None
        elif tag == "style":
            self._style = False

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts[self._script] += data
        elif self._style:
            self.styles[-1] += data

    def data(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.scripts["kg-data"])
        return result

    def ours(self) -> str:
        """The page less vis-network's code and CSS and the JSON data: what kg wrote."""
        html = self.raw
        for library in [self.scripts.get("kg-vis", ""), self.scripts.get("kg-data", "")]:
            html = html.replace(library, "") if library else html
        for css in self.styles:
            html = html.replace(css, "") if "div.vis-network" in css else html
        return html

    def legend(self) -> list[str]:
        return re.findall(r'<span class="name">([^<]*)</span>', self.raw)


def _node(data: dict[str, Any], iri: URIRef) -> dict[str, Any]:
    found: dict[str, Any] = next(n for n in data["nodes"] if n["id"] == str(iri))
    return found


# ---------------------------------------------------------------- offline, self-contained


def test_page_loads_nothing_from_the_network() -> None:
    html = to_html(_small())
    page = _Page(html)
    assert "<link" not in html.lower()
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE)
    for tag, attrs in page.tags:
        assert not {"src", "href", "srcset", "action", "formaction"} & attrs.keys(), tag
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert not re.search(r"fonts\.|bootstrap|tom-select|cdnjs|jsdelivr", html, re.IGNORECASE)
    assert "sourceMappingURL" not in html


def test_vis_network_is_inline() -> None:
    page = _Page(to_html(_small()))
    assert set(page.scripts) == {"kg-data", "kg-vis", "kg-app"}
    assert "vis-network" in page.scripts["kg-vis"]
    assert len(page.scripts["kg-vis"]) > 100_000
    assert "new vis.Network(" in page.scripts["kg-app"]
    styles = re.findall(r"<style>(.*?)</style>", to_html(_small()), re.DOTALL)
    assert any("div.vis-network" in css for css in styles)


def test_csp_allows_exactly_the_page_scripts() -> None:
    html = to_html(_small())
    page = _Page(html)
    csp = next(
        a["content"] for t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None
    assert "default-src 'none'" in csp
    allowed = set(re.findall(r"'(sha256-[^']+)'", csp))
    expected = {
        "sha256-" + base64.b64encode(hashlib.sha256(page.scripts[s].encode()).digest()).decode()
        for s in ("kg-vis", "kg-app")
    }
    assert allowed == expected
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


# ---------------------------------------------------------------- content


def test_legend_lists_the_classes_present() -> None:
    b = _Builder()
    b.entity("Person", "a", "A")
    b.entity("Country", "uk", "United Kingdom")
    page = _Page(to_html(b.graph))
    assert page.legend() == ["Country", "Person"]
    colours = {n["label"]: n["color"] for n in page.data()["nodes"]}
    assert colours["A"] != colours["United Kingdom"]


def test_most_specific_class_wins_and_colours_are_stable() -> None:
    b = _Builder()
    uk = b.entity("Country", "uk", "United Kingdom")
    b.graph.add((uk, RDF.type, KG.Place))
    france = b.entity("Place", "france", "France")
    data = _Page(to_html(b.graph)).data()
    assert _node(data, uk)["title"].splitlines()[1] == "Class: Country"
    alone = _Builder()
    alone.entity("Place", "france", "France")
    assert (
        _node(_Page(to_html(alone.graph)).data(), france)["color"] == _node(data, france)["color"]
    )


def test_edges_carry_label_direction_and_provenance() -> None:
    data = _Page(to_html(_small())).data()
    wrote = next(e for e in data["edges"] if e["label"] == "wrote to")
    assert wrote["from"] == str(KGR["person/bob-russell"])
    assert wrote["to"] == str(KGR["person/david-finch"])
    assert wrote["arrows"] == "to"
    assert "Sir Bob Russell wrote to David Finch in May." in wrote["title"]
    assert "document politics.txt" in wrote["title"]
    assert "extractor kg.verbs.v1" in wrote["title"]
    assert "confidence 0.85" in wrote["title"]
    assert {e["label"] for e in data["edges"]} == {"wrote to", "leader of"}


def test_unknown_predicate_is_labelled_by_local_name_and_role_is_shown() -> None:
    b = _Builder()
    a = b.entity("Person", "a", "A")
    c = b.entity("Organization", "c", "C")
    b.relation(a, URIRef("https://example.org/vocab#advises"), c, "A advises C.")
    b.relation(a, KG.holdsPositionIn, c, "A is High Steward of C.", role="High Steward")
    edges = {e["label"]: e for e in _Page(to_html(b.graph)).data()["edges"]}
    assert set(edges) == {"advises", "holds position in"}
    assert "role High Steward" in edges["holds position in"]["title"]


def test_node_hover_has_class_names_evidence_and_quotes() -> None:
    data = _Page(to_html(_small())).data()
    bob = _node(data, KGR["person/bob-russell"])
    lines = bob["title"].split("\n")
    assert lines[0] == "Bob Russell"
    assert "Class: Person" in lines
    assert "Also known as: Mr Russell; Sir Bob Russell" in lines
    assert any("Sir Bob Russell wrote to David Finch in May." in line for line in lines)
    assert any("I have always been puzzled by the decision." in line for line in lines)
    assert "Quotes:" in lines
    david = _node(data, KGR["person/david-finch"])
    assert "puzzled" not in david["title"]


def test_hover_text_is_capped() -> None:
    b = _Builder()
    hub = b.entity("Person", "hub", "Hub")
    for i in range(25):
        other = b.entity("Organization", f"o{i:02d}", f"Org {i}")
        b.relation(hub, KG.worksFor, other, f"Hub works for Org {i}.", start=i)
        b.relation(hub, KG.visited, other, f"Hub visited Org {i}.", start=100 + i)
    data = _Page(to_html(b.graph)).data()
    title = _node(data, hub)["title"]
    assert "… and 40 more" in title
    assert len(title.split("\n")) < 20


def test_nodes_are_sized_by_degree_within_bounds() -> None:
    b = _Builder()
    hub = b.entity("Person", "hub", "Hub")
    leaves = [b.entity("Person", f"l{i:03d}", f"Leaf {i}") for i in range(200)]
    for leaf in leaves:
        b.graph.add((hub, KG.met, leaf))
    data = _Page(to_html(b.graph)).data()
    sizes = {n["id"]: n["size"] for n in data["nodes"]}
    assert sizes[str(hub)] > sizes[str(leaves[0])]
    assert min(sizes.values()) >= 5 and max(sizes.values()) <= 60


def test_layout_is_seeded_and_physics_settles() -> None:
    options = _Page(to_html(_small())).data()["options"]
    assert isinstance(options["layout"]["randomSeed"], int)
    assert options["physics"]["stabilization"]["enabled"] is True
    assert options["physics"]["stabilization"]["iterations"] > 0
    app = _Page(to_html(_small())).scripts["kg-app"]
    assert "stabilizationIterationsDone" in app
    assert "physics: {enabled: false}" in app


# ---------------------------------------------------------------- hostile text


def test_hostile_text_stays_inert() -> None:
    title = '<script>alert("t")</script> & co'
    html = to_html(_hostile(), title=title)
    page = _Page(html)

    # Only the page's own scripts exist; nothing from the data became an element.
    assert [t for t, _ in page.tags if t == "script"] == ["script"] * 3
    assert set(page.scripts) == {"kg-data", "kg-vis", "kg-app"}
    assert dict(next(a for t, a in page.tags if a.get("id") == "kg-data"))["type"] == (
        "application/json"
    )
    assert not [t for t, _ in page.tags if t in {"img", "iframe", "object", "embed", "a"}]
    for tag, attrs in page.tags:
        assert not [name for name in attrs if name.startswith("on")], tag

    # Outside the JSON data and the vis library, no hostile text appears at all...
    ours = page.ours()
    for raw in ("<img", "<script>alert", "onerror=", "onmouseover", "alert(1)", "\u2028"):
        assert raw not in ours
    assert html.lower().count("</script") == 3
    # ...and inside the data, nothing can end the block or break a JS string.
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in page.scripts["kg-data"]

    # The title is HTML-escaped, and the data survives intact for the tooltips.
    assert "<h1>&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; &amp; co</h1>" in html
    data = page.data()
    labels = {n["label"] for n in data["nodes"]}
    assert labels == {" ".join(t.split()) for t in HOSTILE}
    blob = json.dumps(data, ensure_ascii=False)
    for text in HOSTILE:
        assert json.dumps(" ".join(text.split()), ensure_ascii=False)[1:-1] in blob


def test_no_html_tooltip_switch() -> None:
    b = _Builder()
    a = b.entity("Person", "a", '<a href="https://evil.example/">click</a>')
    c = b.entity("Person", "c", "C")
    b.relation(a, KG.met, c, "They met at href street.")
    page = _Page(to_html(b.graph))
    ours = page.ours()
    assert "innerHTML" not in ours
    assert "popup" not in ours.lower()
    assert "display:none" not in ours.replace(" ", "")
    assert re.search(r"div\.vis-tooltip\s*\{[^}]*white-space:\s*pre-wrap", ours)
    for item in page.data()["nodes"] + page.data()["edges"]:
        assert isinstance(item["title"], str)


# ---------------------------------------------------------------- determinism, scale, edges


def test_same_graph_gives_identical_bytes() -> None:
    forward = _small()
    backward = Graph()
    for triple in sorted(forward, key=str, reverse=True):
        backward.add(triple)
    assert to_html(forward) == to_html(forward)
    assert to_html(forward) == to_html(backward)


# A graph as a hand-edited or third-party file may have it: a blank-node document,
# extractor and label (their ids are new on every parse), and values given twice
# with the same text but different datatypes or languages (which rdflib yields in
# the order the file lists them).
_AWKWARD = """
@prefix kg: <https://w3id.org/kg/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix x: <https://example.org/id/> .
x:a a kg:Person ; rdfs:label "Ana"@en, "Ana"@pt ; kg:met x:b .
x:b a kg:Person ; rdfs:label [ a kg:Name ] .
x:s1 a rdf:Statement ; rdf:subject x:a ; rdf:predicate kg:met ; rdf:object x:b ;
    prov:wasDerivedFrom [ a kg:Document ] ; prov:wasAttributedTo [ a prov:SoftwareAgent ] ;
    kg:sentence "Ana met Bo." ; kg:start 7, "7"^^xsd:string ;
    kg:confidence "1"^^xsd:integer, "1" .
"""


def _kg_view(source: Path, output: Path) -> bytes:
    result = CliRunner().invoke(cli, ["view", str(source), "-o", str(output)])
    assert result.exit_code == 0, result.output
    return output.read_bytes()


def test_kg_view_of_the_same_input_gives_identical_bytes(tmp_path: Path) -> None:
    ttl = tmp_path / "graph.ttl"
    ttl.write_text(_AWKWARD, encoding="utf-8")
    # The same triples as N-Triples, in the opposite order.
    lines = Graph().parse(ttl).serialize(format="nt").strip().splitlines()
    nt = tmp_path / "graph.nt"
    nt.write_text("\n".join(reversed(lines)) + "\n", encoding="utf-8")

    first = _kg_view(ttl, tmp_path / "first.html")
    assert _kg_view(ttl, tmp_path / "again.html") == first
    assert _kg_view(nt, tmp_path / "reversed.html") == first

    # Blank nodes show as what they are, not as their throwaway ids.
    data = _Page(first.decode("utf-8")).data()
    (edge,) = data["edges"]
    assert "document unnamed document · extractor unnamed extractor" in edge["title"]
    assert {n["label"] for n in data["nodes"]} == {"Ana", "b"}


@pytest.mark.slow
def test_kg_view_bytes_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Separate processes with different PYTHONHASHSEEDs, so no set order leaks out."""
    ttl = tmp_path / "graph.ttl"
    graph = _small() + _hostile() + Graph().parse(data=_AWKWARD, format="turtle")
    graph.serialize(ttl, format="turtle")
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}.html"
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from kg.cli.main import main; main()",
                "view",
                str(ttl),
                "-o",
                str(out),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]
    assert len(_Page(pages[0].decode("utf-8")).data()["nodes"]) == 12


def test_large_graph_renders() -> None:
    n = 5000
    g = Graph()
    entities = [KGR[f"person/p{i:05d}"] for i in range(n)]
    for i, e in enumerate(entities):
        g.add((e, RDF.type, KG.Person))
        g.add((e, RDFS.label, Literal(f"Person {i}")))
        g.add((e, KG.met, entities[(i * 7 + 1) % n]))
    html = to_html(g)
    data = _Page(html).data()
    assert len(data["nodes"]) == n
    assert len(data["edges"]) == n
    assert data["options"]["layout"]["improvedLayout"] is False


def test_empty_graph_says_so() -> None:
    html = to_html(Graph())
    page = _Page(html)
    assert "The graph is empty" in html
    assert not page.scripts
    assert "<h1>Knowledge graph</h1>" in html


def test_documents_and_quotes_alone_are_not_entities() -> None:
    b = _Builder()
    b.graph.add((KGR["quote/x"], RDF.type, KG.Quote))
    assert "The graph is empty" in to_html(b.graph)


def test_write_html_writes_the_Page(tmp_path: Path) -> None:
    target = tmp_path / "out" / "graph.html"
    write_html(_small(), target, title="Mine")
    assert target.read_text(encoding="utf-8") == to_html(_small(), title="Mine")
    assert [p.name for p in target.parent.iterdir()] == ["graph.html"]
