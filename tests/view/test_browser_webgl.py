"""The large view (sigma.js, WebGL) in a real browser: drawn, searchable, inert.

The fixtures are conftest.py's and the hostile graph test_browser.py's, with one
change: WebGL in headless Chromium needs its software renderer (SwiftShader). Chromium
reports the read-backs sigma uses to find the node under the mouse as "GPU stall"
driver messages; those are the browser's own, not the page's, and are dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browsing import WEBGL_ARGS, Visit
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from test_browser import (
    HOSTILE,
    IMG,
    SCRIPT,
    entities,
    hostile_graph,
    one_line,
    relations,
)

import kg
from kg.cli.main import cli
from kg.demo import examples_dir

if TYPE_CHECKING:
    pass

pytestmark = pytest.mark.slow

BROWSER_ARGS = WEBGL_ARGS  # read by conftest.py's browser fixture
CONSOLE_NOISE = "GL Driver Message"  # read by its visit fixture
DOUBLE_CLICK_MS = 350  # sigma's double-click window is 300 ms


@dataclass
class Sigma(Visit):
    """A visit to a sigma page, with helpers that drive it as a user would."""

    last_click: float = 0.0

    def ready(self) -> None:
        self.page.locator("#kg-network[data-state=ready]").wait_for(state="attached")

    def view(self, body: str, arg: Any = None) -> Any:
        """Evaluate ``body`` with the page's ``window.kgView`` as ``view``.

        ``view.moved(state)`` sets the camera and resolves once sigma has drawn
        the new frame, so the mouse finds what the frame shows.
        """
        return self.page.evaluate(
            f"""async (arg) => {{
              const view = Object.assign({{}}, window.kgView, {{moved: (state) =>
                new Promise((done) => {{
                  window.kgView.renderer.once("afterRender", () => done(null));
                  window.kgView.renderer.getCamera().setState(state);
                  setTimeout(() => done(null), 3000);  // the camera was there already
                }})}});
              {body}
            }}""",
            arg,
        )

    def drawn(self) -> set[str]:
        """IRIs of the nodes sigma draws now (filters and reducers applied)."""
        return set(
            self.view(
                "return view.graph.nodes()"
                ".filter((k) => !view.renderer.getNodeDisplayData(k).hidden)"
                ".map((k) => view.data.nodes.id[Number(k)]);"
            )
        )

    def click_node(self, iri: str) -> None:
        """Bring ``iri`` to the middle of the canvas and click it with the mouse."""
        key = self.view("return view.key(arg);", iri)
        assert key is not None, iri
        self.view(
            """const d = view.renderer.getNodeDisplayData(arg);
               return view.moved({x: d.x, y: d.y, ratio: 0.3, angle: 0});""",
            key,
        )
        at = self.view(
            "return view.renderer.graphToViewport(view.graph.getNodeAttributes(arg));", key
        )
        box = self.page.locator("#kg-network").bounding_box()
        assert box is not None
        self.click([(box["x"] + at["x"], box["y"] + at["y"])], "Node", key)
        self.page.locator(f"#kg-panel[data-node='{iri}']").wait_for(state="visible")

    def click(self, points: list[tuple[float, float]], kind: str, key: str) -> None:
        """Hover each point until sigma reports node or edge ``key`` under the mouse,
        then click there: a click right after a camera move can come before sigma
        has the picture it finds things in, and a thin edge may miss a point by a
        pixel."""
        box = self.page.locator("#kg-network").bounding_box()
        assert box is not None
        for x, y in points:
            self.page.mouse.move(box["x"] + 3, box["y"] + box["height"] - 3)
            entered = self._hover(x, y, kind, key)
            if entered == key:
                # Two clicks within sigma's double-click time are one double click.
                wait = DOUBLE_CLICK_MS - 1000 * (time.monotonic() - self.last_click)
                self.page.wait_for_timeout(max(0.0, wait))
                self.page.mouse.click(x, y)
                self.last_click = time.monotonic()
                return
        raise AssertionError(f"sigma found no {kind.lower()} {key} under the mouse")

    def _hover(self, x: float, y: float, kind: str, key: str) -> str | None:
        """Move onto (x, y); the key sigma says the mouse entered, or None in 2 s."""
        self.page.evaluate(
            """([kind, key]) => { window.__kgEntered = new Promise((done) => {
                 const renderer = window.kgView.renderer;
                 const seen = (e) => { if ((e.node ?? e.edge) === key) finish(key); };
                 const finish = (value) => { renderer.off("enter" + kind, seen); done(value); };
                 renderer.on("enter" + kind, seen);
                 setTimeout(() => finish(null), 2000);
               }); }""",
            [kind, key],
        )
        self.page.mouse.move(x, y, steps=3)
        found: str | None = self.page.evaluate("() => window.__kgEntered")
        return found

    def panel(self) -> str:
        return one_line(self.page.inner_text("#kg-panel"))


Open = Callable[..., Sigma]
VISIT = Sigma  # read by conftest.py's visit fixture


def render(graph: kg.KnowledgeGraph, folder: Path, *options: str, title: str = "Graph") -> Path:
    """``kg view --renderer webgl`` on ``graph`` written as Turtle, as a user would."""
    ttl, html = folder / "graph.ttl", folder / f"graph{len(list(folder.iterdir()))}.html"
    if not ttl.exists():
        graph.serialize(ttl)
    args = ["view", str(ttl), "-o", str(html), "--title", title, "--renderer", "webgl", *options]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return html


def connected(graph: Graph) -> set[str]:
    return {end for s, _p, o in relations(graph) for end in (s, o)}


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> tuple[kg.KnowledgeGraph, Path, Graph]:
    built = kg.build([examples_dir()])
    folder = tmp_path_factory.mktemp("webgl-examples")
    page = render(built, folder)
    return built, page, built.graph


# ---------------------------------------------------------------- drawing


def test_page_draws_connected_entities_offline(
    visit: Open, examples: tuple[kg.KnowledgeGraph, Path, Graph]
) -> None:
    _built, page, graph = examples
    found = visit(page)
    found.ready()
    assert found.drawn() == connected(graph)
    isolated = len(entities(graph) - connected(graph))
    assert isolated > 0
    assert f"{isolated} isolated entities not drawn" in found.page.inner_text("#kg-summary")
    assert found.view("return view.graph.size;") == len(relations(graph))
    # Labels are painted: the label layer has ink on it.
    ink = found.view(
        """const c = view.renderer.getCanvases().labels;
           const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
           let n = 0; for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++; return n;"""
    )
    assert ink > 1000
    # Points and plain lines: software WebGL draws sigma's instanced default
    # programs ten times slower (benchmarks/view.md).
    programs = found.view(
        """const r = view.renderer, kinds = Sigma.rendering;
           return [r.nodePrograms.circle instanceof kinds.NodePointProgram,
                   r.getSetting("edgeProgramClasses").line === kinds.EdgeLineProgram];"""
    )
    assert programs == [True, True]
    found.assert_quiet()


def test_search_finds_a_node_by_an_alias(
    visit: Open, examples: tuple[kg.KnowledgeGraph, Path, Graph]
) -> None:
    _built, page, graph = examples
    drawn = connected(graph)
    label = {str(s): str(o) for s, o in graph.subject_objects(RDFS.label)}
    alias, iri = next(
        (str(a), str(s))
        for s, a in sorted(graph.subject_objects(SKOS.altLabel))
        if str(s) in drawn and str(a).lower() not in label[str(s)].lower()
    )
    found = visit(page)
    found.ready()
    found.page.fill("#kg-search", alias[: max(4, len(alias) - 2)])
    suggestion = found.page.locator("#kg-suggestions button", has_text=alias).first
    suggestion.wait_for(state="visible")
    assert label[iri] in suggestion.inner_text()  # "alias — label"
    found.page.press("#kg-search", "Enter")
    found.page.locator(f"#kg-panel[data-node='{iri}']").wait_for(state="visible")
    assert found.page.inner_text("#kg-panel h2") == label[iri]
    assert alias in found.panel()
    found.assert_quiet()


def test_clicking_a_node_shows_its_evidence_and_quotes(
    visit: Open, examples: tuple[kg.KnowledgeGraph, Path, Graph]
) -> None:
    _built, page, graph = examples
    evidence: dict[str, set[str]] = {}
    for stmt in graph.subjects(RDF.type, RDF.Statement):
        sentence = one_line(str(graph.value(stmt, kg.KG.sentence)))
        extractor = graph.value(graph.value(stmt, PROV.wasAttributedTo), RDFS.label)
        document = graph.value(graph.value(stmt, PROV.wasDerivedFrom), DCTERMS.identifier)
        facts = f"document {document} · extractor {extractor} · confidence "
        for end in (graph.value(stmt, RDF.subject), graph.value(stmt, RDF.object)):
            evidence.setdefault(str(end), set()).update([sentence, facts])
    quoted = {str(s) for s in graph.objects(None, kg.KG.speaker)}
    chosen = sorted(iri for iri in evidence if iri in quoted)[:2]
    assert chosen
    found = visit(page)
    found.ready()
    for iri in chosen:
        found.click_node(iri)
        shown = found.panel()
        assert found.page.inner_text("#kg-panel h2") == str(graph.value(URIRef(iri), RDFS.label))
        for text in evidence[iri]:
            assert text in shown
        for quote in graph.subjects(kg.KG.speaker, URIRef(iri)):
            assert one_line(str(graph.value(quote, kg.KG.text))) in shown
    found.assert_quiet()


def test_clicking_an_edge_shows_its_provenance(
    visit: Open, examples: tuple[kg.KnowledgeGraph, Path, Graph]
) -> None:
    _built, page, _graph = examples
    found = visit(page)
    found.ready()
    # The longest edge, zoomed so its middle is far from both ends.
    key = found.view(
        """const r = view.renderer; let best = null, far = -1;
           view.graph.forEachEdge((e, a, s, t, sa, ta) => {
             const d = Math.hypot(sa.x - ta.x, sa.y - ta.y); if (d > far) { far = d; best = e; } });
           return best;"""
    )
    ends = found.view(
        """const [s, t] = view.graph.extremities(arg);
           const a = view.renderer.getNodeDisplayData(s), b = view.renderer.getNodeDisplayData(t);
           await view.moved({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, ratio: 0.5, angle: 0});
           return [view.graph.getNodeAttributes(s), view.graph.getNodeAttributes(t)]
             .map((n) => view.renderer.graphToViewport(n));""",
        key,
    )
    box = found.page.locator("#kg-network").bounding_box()
    assert box is not None
    (ax, ay), (bx, by) = ((e["x"] + box["x"], e["y"] + box["y"]) for e in ends)
    along = [0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65]
    found.click([(ax + t * (bx - ax), ay + t * (by - ay)) for t in along], "Edge", key)
    found.page.locator(f"#kg-panel[data-edge='{key}']").wait_for(state="visible")
    shown = found.panel()
    assert "Provenance" in shown and "extractor kg." in shown and "confidence" in shown
    found.assert_quiet()


# ---------------------------------------------------------------- focus and filters


def test_focus_and_filters_change_what_is_drawn(
    visit: Open, examples: tuple[kg.KnowledgeGraph, Path, Graph], tmp_path: Path
) -> None:
    built, _page, graph = examples
    edges = relations(graph)
    degree: dict[str, int] = {}
    for s, _p, o in edges:
        degree[s] = degree.get(s, 0) + 1
        degree[o] = degree.get(o, 0) + 1
    hub = max(sorted(degree), key=lambda iri: degree[iri])
    name = str(graph.value(URIRef(hub), RDFS.label))
    near = {hub} | {o for s, _p, o in edges if s == hub} | {s for s, _p, o in edges if o == hub}

    focused = visit(render(built, tmp_path, "--focus", name, "--hops", "1"))
    focused.ready()
    assert focused.drawn() == near
    people = visit(render(built, tmp_path, "--type", "Person"))
    people.ready()
    persons = {str(s) for s in graph.subjects(RDF.type, kg.KG.Person)}
    assert people.drawn() and people.drawn() <= persons

    # In the page: the legend hides a class, the toggle keeps a node's neighbours.
    found = visit(render(built, tmp_path))
    found.ready()
    everything = found.drawn()
    found.page.locator("#kg-legend label", has_text="Person").locator("input").uncheck()
    assert found.drawn() == everything - persons
    found.page.locator("#kg-legend label", has_text="Person").locator("input").check()
    assert found.drawn() == everything
    found.click_node(hub)
    found.page.check("#kg-neighbours")
    assert found.drawn() == near
    found.page.uncheck("#kg-neighbours")
    found.page.locator("#kg-filters summary", has_text="Relations").click()
    first = found.page.locator("#kg-predicates input").first
    first.uncheck()
    hidden = found.view(
        "return view.graph.edges()"
        ".filter((e) => view.renderer.getEdgeDisplayData(e).hidden).length;"
    )
    assert 0 < hidden < len(edges)
    for visited in (focused, people, found):
        visited.assert_quiet()


# ---------------------------------------------------------------- hostile text


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Graph]:
    built = hostile_graph()
    folder = tmp_path_factory.mktemp("webgl-hostile")
    return render(built, folder, title=f"{SCRIPT} {IMG}"), built.graph


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "csp-bypassed"])
def test_hostile_text_runs_no_script(
    visit: Open, hostile: tuple[Path, Graph], bypass_csp: bool
) -> None:
    """test_browser.py's hostile graph: every name, alias, sentence and quote is
    shown as text in the panel and the suggestions, and nothing runs."""
    page, graph = hostile
    found = visit(page, bypass_csp=bypass_csp)
    found.ready()
    assert found.page.title() == f"{SCRIPT} {IMG}"
    assert found.page.inner_text("h1") == f"{SCRIPT} {IMG}"
    labels = {str(s): str(o) for s, o in graph.subject_objects(RDFS.label)}
    shown = []
    for iri in sorted(connected(graph)):
        found.click_node(iri)
        assert found.page.inner_text("#kg-panel h2") == one_line(labels[iri])
        shown.append(found.panel())
    everything = "\n".join(shown)
    for text in HOSTILE:
        assert f"Also known as: {text} Ltd" in everything
        assert f"Tom Reed works for {text}." in everything
        assert f"We said {text} twice." in everything
        assert f"role {text}" in everything
    assert f"extractor {SCRIPT}" in everything
    assert f"document {IMG}" in everything  # the document named in markup
    for text in HOSTILE:
        found.page.fill("#kg-search", f"{text} Ltd")
        found.page.locator("#kg-suggestions button", has_text=f"{text} Ltd").first.wait_for()
    found.assert_quiet()
    tags = found.page.evaluate(
        "() => [...document.querySelectorAll('body *')].map((e) => e.tagName.toLowerCase())"
    )
    assert not {"img", "a", "iframe", "object", "embed", "form"} & set(tags)
    assert tags.count("script") == 4
