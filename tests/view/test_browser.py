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

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

import kg
from kg.cli.main import cli
from kg.demo import examples_dir

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, Route

pytestmark = pytest.mark.slow

CHROMIUM = Path(os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium calls home on start-up, which a
# closed network answers with a flood of failures; none of them changes the page.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
KG_NS = str(kg.KG)
NOT_ENTITIES = {kg.KG.Document, kg.KG.Quote}
QUIET = {"runs": [], "console": [], "violations": [], "loadErrors": []}

# Runs in every frame before any script of the page: anything that calls a dialog
# function, logs, trips the Content-Security-Policy or fails to load is written
# down where the test reads it, so a payload that runs cannot go unnoticed.
HOOKS = """
(() => {
  const seen = {runs: [], console: [], violations: [], loadErrors: []};
  Object.defineProperty(window, "__kgSeen", {value: seen});
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
    window[name] = function (...args) {
      seen.runs.push(name + "(" + args.join(", ") + ")");
      return null;
    };
  }
  for (const level of ["log", "info", "warn", "error", "debug"]) {
    const original = console[level];
    console[level] = function (...args) {
      seen.console.push(level + ": " + args.map(String).join(" "));
      return original.apply(console, args);
    };
  }
  document.addEventListener("securitypolicyviolation", (event) => {
    seen.violations.push(event.violatedDirective + " " + event.blockedURI);
  });
  // Capture phase: a failed <img> or <script> load does not bubble to window.
  window.addEventListener("error", (event) => {
    if (event.target !== window) seen.loadErrors.push(String(event.target.outerHTML));
  }, true);
})();
"""

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


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module; every page gets a fresh context."""
    required = os.environ.get("KG_REQUIRE_BROWSER") == "1"

    def unavailable(reason: str) -> NoReturn:
        if required:
            pytest.fail(f"{reason}; KG_REQUIRE_BROWSER=1 says the browser tests must run")
        pytest.skip(reason)

    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (python -m pip install -e '.[test]')")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set KG_CHROMIUM)")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Error as exc:
            unavailable(f"Chromium at {CHROMIUM} did not start: {exc.message.splitlines()[0]}")
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Visit:
    """An open page and everything it did since it started loading."""

    page: Page
    url: str
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_quiet(self) -> None:
        """Nothing but the page itself was requested, and nothing ran or complained."""
        assert self.requests == [self.url]
        assert self.console == []
        assert self.errors == []
        assert self.dialogs == []
        assert self.page.evaluate("() => window.__kgSeen") == QUIET

    def js(self, body: str, arg: Any = None) -> Any:
        """Evaluate ``body`` with the page's vis network as ``network`` and ``arg``."""
        return self.page.evaluate(f"(arg) => {{ const network = window.kgNetwork; {body} }}", arg)

    def drawn(self) -> None:
        """Wait until vis-network has laid the graph out and stopped moving it."""
        self.page.locator("#kg-network[data-state=ready]").wait_for(state="attached")

    def centre(self, node: str) -> tuple[float, float]:
        """Where ``node`` is drawn, in page coordinates."""
        box = self.page.locator("#kg-network").bounding_box()
        assert box is not None
        at = self.js("return network.canvasToDOM(network.getPositions([arg])[arg]);", node)
        # The node must be the topmost thing there, or the mouse would reach another.
        assert self.js("return network.getNodeAt(arg);", at) == node
        return box["x"] + at["x"], box["y"] + at["y"]

    def hover(self, node: str) -> str:
        """Move the mouse onto ``node`` and return the tooltip's text once it shows.

        The mouse first goes to an empty corner of the canvas, which hides any
        tooltip already open, so the text read is this node's.
        """
        box = self.page.locator("#kg-network").bounding_box()
        assert box is not None
        assert self.js("return network.getNodeAt({x: 3, y: 3}) ?? null;") is None
        tooltip = self.page.locator("div.vis-tooltip")
        self.page.mouse.move(box["x"] + 3, box["y"] + 3, steps=2)
        if tooltip.count():
            tooltip.wait_for(state="hidden")
        x, y = self.centre(node)
        self.page.mouse.move(x, y, steps=4)
        tooltip.wait_for(state="visible")
        return tooltip.inner_text()


Open = Callable[..., Visit]


@pytest.fixture
def visit(browser: Browser) -> Iterator[Open]:
    """Open HTML files as ``file://`` URLs in fresh contexts, recording all they do.

    Every request is recorded and routed: the page's own URL is let through and
    anything else is aborted, so a stray request fails the test instead of hanging.
    """
    contexts = []

    def open_page(path: Path, *, bypass_csp: bool = False) -> Visit:
        context = browser.new_context(
            viewport=VIEWPORT, bypass_csp=bypass_csp, service_workers="block"
        )
        contexts.append(context)
        context.add_init_script(HOOKS)
        page = context.new_page()
        found = Visit(page=page, url=path.resolve().as_uri())

        def route(route: Route) -> None:
            if route.request.url == found.url:
                route.continue_()
            else:
                route.abort()

        def request(request: Request) -> None:
            found.requests.append(request.url)

        def console(message: ConsoleMessage) -> None:
            found.console.append(f"{message.type}: {message.text}")

        def dialog(dialog: Dialog) -> None:
            found.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        context.route("**/*", route)
        context.on("request", request)
        context.on("page", lambda other: found.errors.append(f"opened a page: {other.url}"))
        page.on("console", console)
        page.on("pageerror", lambda error: found.errors.append(str(error)))
        page.on("dialog", dialog)
        page.on("websocket", lambda socket: found.errors.append(f"websocket: {socket.url}"))
        page.goto(found.url)
        return found

    yield open_page
    for context in contexts:
        context.close()


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
