"""The page from ``kg view`` in a real browser: offline, drawn, hoverable and inert.

tests/view/test_view.py reads the HTML; these tests run it, in the system Chromium
driven by Playwright, because what matters is what a browser does with the page:
whether it asks for anything over the network, whether vis-network draws the
graph, whether hovering shows the evidence, and whether hostile document text can
run script. Script runs are caught by hooks installed before any page script runs
(``alert``/``confirm``/``prompt``, console and CSP-violation listeners), not by
reading the markup.

Playwright cannot download its own browser here, so the tests use
``/usr/bin/chromium`` (or ``$KG_CHROMIUM``) and skip when it or Playwright is
missing, unless ``KG_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browsing import Open
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

import kg
from kg.cli.main import cli
from kg.demo import examples_dir

pytestmark = pytest.mark.slow

KG_NS = str(kg.KG)
NOT_ENTITIES = {kg.KG.Document, kg.KG.Quote}

# Hostile text in forms a document can carry: markup with an event handler, a
# script element, a script URL, a link whose text is "href" (pyvis's own template
# switches tooltips to innerHTML when a title contains that word), and a quote
# that would end an HTML attribute and start a handler.
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
JS_URL = "javascript:alert(1)"
HREF = '<a href="javascript:alert(1)">href</a>'
ATTR = '" onmouseover="alert(1)'
HOSTILE = [IMG, SCRIPT, JS_URL, HREF, ATTR]


# ---------------------------------------------------------------- graphs and pages


def entities(graph: Graph) -> set[str]:
    """The README's entities: IRIs typed with a kg class other than Document and Quote."""
    return {
        str(s)
        for s, cls in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef) and str(cls).startswith(KG_NS) and cls not in NOT_ENTITIES
    }


def relations(graph: Graph) -> set[tuple[str, str, str]]:
    """Triples linking two entities: the edges the page should draw."""
    found = entities(graph)
    return {
        (str(s), str(p), str(o))
        for s, p, o in graph
        if p != RDF.type and str(s) in found and str(o) in found and isinstance(o, URIRef)
    }


def one_line(text: str) -> str:
    """Whitespace collapsed, as the view writes hover lines and the browser wraps them."""
    return " ".join(text.split())


def render(graph: kg.KnowledgeGraph, folder: Path, *, title: str = "Knowledge graph") -> Path:
    """Write ``graph`` as Turtle and make its page with ``kg view``, as a user would."""
    ttl, html = folder / "graph.ttl", folder / "graph.html"
    graph.serialize(ttl)
    result = CliRunner().invoke(cli, ["view", str(ttl), "-o", str(html), "--title", title])
    assert result.exit_code == 0, result.output
    return html


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Graph]:
    """The bundled sample articles, built, written as Turtle and viewed."""
    page = render(kg.build([examples_dir()]), tmp_path_factory.mktemp("examples"))
    return page, kg.load(page.with_suffix(".ttl")).graph


# ---------------------------------------------------------------- offline and clean


def test_page_loads_offline_without_errors(visit: Open, examples: tuple[Path, Graph]) -> None:
    page, graph = examples
    assert len(entities(graph)) > 20
    found = visit(page)
    found.drawn()
    found.assert_quiet()
    assert found.page.inner_text("#kg-status") == ""  # the progress line is cleared


def test_empty_page_loads_offline_without_errors(visit: Open, tmp_path: Path) -> None:
    found = visit(render(kg.KnowledgeGraph(), tmp_path))
    assert "The graph is empty" in found.page.inner_text("main")
    assert found.page.evaluate("() => document.scripts.length") == 0
    found.assert_quiet()


# ---------------------------------------------------------------- drawing


def test_graph_draws_every_entity_and_relation(visit: Open, examples: tuple[Path, Graph]) -> None:
    page, graph = examples
    found = visit(page)
    found.drawn()
    ids = set(found.js("return Object.keys(network.getPositions());"))
    assert ids == entities(graph)
    edges = found.js(
        "return new Set(Object.keys(network.getPositions())"
        ".flatMap((id) => network.getConnectedEdges(id))).size;"
    )
    assert edges == len(relations(graph)) > 20

    canvas = found.page.locator("#kg-network canvas")
    assert canvas.count() == 1 and canvas.is_visible()
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 300

    # Each node's fill colour is painted at its centre, so the canvas really shows
    # the graph. A node whose centre another node or label covers would read
    # differently, hence "nearly all"; a blank or unstyled canvas matches none.
    painted = found.js(
        """
        const data = JSON.parse(document.getElementById("kg-data").textContent);
        const canvas = document.querySelector("#kg-network canvas");
        const scale = canvas.width / canvas.clientWidth;
        const hex = (v) => v.toString(16).padStart(2, "0");
        return Object.entries(network.getPositions()).map(([id, xy]) => {
          const at = network.canvasToDOM(xy);
          const [r, g, b] = canvas.getContext("2d")
            .getImageData(Math.round(at.x * scale), Math.round(at.y * scale), 1, 1).data;
          return [data.nodes.find((n) => n.id === id).color, "#" + hex(r) + hex(g) + hex(b)];
        });
        """
    )
    assert len(painted) == len(ids)
    matching = [want for want, got in painted if want == got]
    assert len(matching) >= 0.9 * len(painted), painted
    # The legend's swatches show the colours the nodes are drawn in.
    legend = found.page.locator("#kg-legend .swatch").evaluate_all(
        r"""(swatches) => swatches.map((s) => "#" + getComputedStyle(s).backgroundColor
              .match(/\d+/g).map((v) => Number(v).toString(16).padStart(2, "0")).join(""))"""
    )
    assert sorted(legend) == sorted(set(matching)) and len(legend) >= 4


# ---------------------------------------------------------------- hovering


def test_hovering_a_node_shows_its_evidence_and_quotes(
    visit: Open, examples: tuple[Path, Graph]
) -> None:
    page, graph = examples
    evidence: dict[str, set[str]] = {}
    for stmt in graph.subjects(RDF.type, RDF.Statement):
        sentence = graph.value(stmt, kg.KG.sentence)
        for end in (graph.value(stmt, RDF.subject), graph.value(stmt, RDF.object)):
            if sentence is not None:
                evidence.setdefault(str(end), set()).add(one_line(str(sentence)))
    quotes: dict[str, set[str]] = {}
    for quote, speaker in graph.subject_objects(kg.KG.speaker):
        quotes.setdefault(str(speaker), set()).add(one_line(str(graph.value(quote, kg.KG.text))))
    # Quoted people in some relation whose hover lists everything in full (a tooltip
    # shows ten lines a section and cuts each at 280 characters).
    chosen = sorted(
        iri
        for iri in evidence.keys() & quotes.keys()
        if len(evidence[iri]) <= 10 and len(quotes[iri]) <= 10
        if max(map(len, evidence[iri])) < 280
    )[:3]
    assert len(chosen) == 3

    found = visit(page)
    found.drawn()
    for iri in chosen:
        shown = one_line(found.hover(iri))
        label = str(graph.value(URIRef(iri), RDFS.label))
        assert shown.startswith(f"{label} Class: ")
        assert "Evidence:" in shown and "Quotes:" in shown
        for sentence in evidence[iri]:
            assert sentence in shown
        for text in quotes[iri]:
            assert text[:100] in shown
    found.assert_quiet()


# ---------------------------------------------------------------- hostile text


def hostile_documents() -> list[kg.Document]:
    """News-like text that quotes and mentions hostile strings, as scraped pages do."""
    return [
        kg.Document(
            id="forum.txt",
            text=(
                "Lena Href met Tom Reed in Leeds on Monday.\n\n"
                f"“The post said {IMG} and nothing else,” said Tom Reed.\n\n"
                f"Lena Href said: “Someone typed {SCRIPT} into the comment box.”\n\n"
                f"Tom Reed visited Leeds after the {ATTR} message appeared.\n"
            ),
        ),
        kg.Document(
            id=IMG,
            text=(
                f"Anna Price wrote to Tom Reed about a {JS_URL} link.\n\n"
                f"Anna Price said: “The button was {HREF} and it looked harmless.”\n"
            ),
        ),
    ]


def hostile_graph() -> kg.KnowledgeGraph:
    """Built from hostile documents, plus an entity named with each hostile string.

    No English model tags ``<img …>`` as a name, so those entities, with a role,
    a quote and an extractor named in markup, are added to the built graph by hand,
    as an edited or third-party Turtle file may have them.
    """
    built = kg.build(hostile_documents())
    graph = built.graph
    tom = next(s for s, o in graph.subject_objects(RDFS.label) if str(o) == "Tom Reed")
    extractor = URIRef("https://w3id.org/kg/id/extractor_hand")
    graph.add((extractor, RDF.type, PROV.SoftwareAgent))
    graph.add((extractor, RDFS.label, Literal(SCRIPT)))
    for number, text in enumerate(HOSTILE):
        entity = URIRef(f"https://w3id.org/kg/id/organization_hostile-{number}")
        graph.add((entity, RDF.type, kg.KG.Organization))
        graph.add((entity, RDFS.label, Literal(text)))
        graph.add((entity, SKOS.altLabel, Literal(f"{text} Ltd")))
        graph.add((tom, kg.KG.worksFor, entity))
        stmt = URIRef(f"https://w3id.org/kg/id/stmt_hostile-{number}")
        for p, o in (
            (RDF.type, RDF.Statement),
            (RDF.subject, tom),
            (RDF.predicate, kg.KG.worksFor),
            (RDF.object, entity),
            (PROV.wasAttributedTo, extractor),
            (kg.KG.sentence, Literal(f"Tom Reed works for {text}.")),
            (kg.KG.roleTitle, Literal(text)),
        ):
            graph.add((stmt, p, o))
        quote = URIRef(f"https://w3id.org/kg/id/quote_hostile-{number}")
        graph.add((quote, RDF.type, kg.KG.Quote))
        graph.add((quote, kg.KG.text, Literal(f"We said {text} twice.")))
        graph.add((quote, kg.KG.speaker, entity))
    return built


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Graph]:
    """The hostile graph's page, titled in markup too."""
    page = render(hostile_graph(), tmp_path_factory.mktemp("hostile"), title=f"{SCRIPT} {IMG}")
    return page, kg.load(page.with_suffix(".ttl")).graph


def test_hostile_text_reaches_the_graph(hostile: tuple[Path, Graph]) -> None:
    """Not vacuous: every hostile string is in the graph the page is made from."""
    _, graph = hostile

    def values(prop: URIRef) -> list[str]:
        return [str(o) for o in graph.objects(None, prop)]

    for text in HOSTILE:  # the hand-made part
        assert text in values(RDFS.label)
        assert f"We said {text} twice." in values(kg.KG.text)
    # The part read from the documents: quotes, sentences and a document's name.
    quotes = [q for q in values(kg.KG.text) if not q.startswith("We said ")]
    for text in (IMG, SCRIPT, HREF):
        assert any(text in q for q in quotes), text
    sentences = values(kg.KG.sentence)
    assert any(JS_URL in s and "wrote to" in s for s in sentences)
    assert any(ATTR in s and "visited" in s for s in sentences)
    assert IMG in values(DCTERMS.identifier)
    assert {"Lena Href", "Tom Reed", "Anna Price"} <= set(values(RDFS.label))


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "csp-bypassed"])
def test_hostile_text_runs_no_script(
    visit: Open, hostile: tuple[Path, Graph], bypass_csp: bool
) -> None:
    """Hostile names, quotes and sentences show as text in tooltips and never run.

    Also with the Content-Security-Policy bypassed, so the escaping is tested on
    its own and not only the policy behind it.
    """
    page, graph = hostile
    found = visit(page, bypass_csp=bypass_csp)
    found.drawn()
    assert found.page.title() == f"{SCRIPT} {IMG}"
    assert found.page.inner_text("h1") == f"{SCRIPT} {IMG}"

    labels = {str(s): str(o) for s, o in graph.subject_objects(RDFS.label)}
    shown = []
    for iri in sorted(entities(graph)):
        text = one_line(found.hover(iri))
        assert text.startswith(one_line(labels[iri]) + " Class: ")
        shown.append(text)
        found.page.mouse.click(*found.centre(iri))
    everything = "\n".join(shown)
    for text in HOSTILE:
        assert f"{text} Class: Organization Also known as: {text} Ltd" in everything
        assert f"• Tom Reed works for {text}. [unknown document]" in everything
        assert f"• “We said {text} twice.” [unknown document]" in everything
    # Every quote and sentence with hostile text, the built ones too, is shown.
    quoted = [
        f"“{one_line(str(text))}”"
        for quote, text in graph.subject_objects(kg.KG.text)
        if graph.value(quote, kg.KG.speaker) is not None
    ]
    sentences = [
        one_line(str(graph.value(stmt, kg.KG.sentence)))
        for stmt in graph.subjects(RDF.type, RDF.Statement)
    ]
    expected = [line for line in quoted + sentences if any(h in line for h in HOSTILE)]
    assert len(expected) >= 2 * len(HOSTILE) + 4
    for line in expected:
        assert line in everything
    assert f"[{IMG}]" in everything  # the document named in markup

    # Nothing ran, loaded or was blocked, and no element came from the data.
    found.assert_quiet()
    tags = found.page.evaluate(
        "() => [...document.querySelectorAll('body *')].map((e) => e.tagName.toLowerCase())"
    )
    assert not {"img", "a", "iframe", "object", "embed", "form"} & set(tags)
    assert tags.count("script") == 3
