"""``kg serve``'s pages in a real browser: Debian's Chromium driven by Playwright.

A person runs a named query, follows an entity link, searches, and meets entities
named with markup: nothing runs, nothing is fetched from anywhere but the server,
and the hostile names show as the text they are. Script runs are caught by hooks
installed before any page script (as in tests/view/test_browser.py), in every frame,
the neighbourhood view's sandboxed frame included.

Skips when Playwright or ``/usr/bin/chromium`` (or ``$KG_CHROMIUM``) is missing,
unless ``KG_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
from conftest import BOB, KG, KGR, build_small_graph
from rdflib import Literal
from rdflib.namespace import PROV, RDF, RDFS

import kg
from kg.serve.run import running

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
ATTR = '" onmouseover="alert(1)'
HOOKS = """
(() => {
  const seen = {runs: [], violations: []};
  Object.defineProperty(window, "__kgSeen", {value: seen});
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
    window[name] = function (...args) { seen.runs.push(name + "(" + args.join(", ") + ")"); };
  }
  document.addEventListener("securitypolicyviolation", (event) => {
    seen.violations.push(event.violatedDirective + " " + event.blockedURI);
  });
})();
"""
HOSTILE = KGR["organization_hostile"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small graph plus an organisation named, quoted and evidenced in markup."""
    graph = build_small_graph()
    graph.add((HOSTILE, RDF.type, KG.Organization))
    graph.add((HOSTILE, RDFS.label, Literal(f"{IMG} Hostile {SCRIPT}")))
    graph.add((HOSTILE, KG.criticised, BOB))
    stmt = KGR["stmt_hostile"]
    for p, o in (
        (RDF.type, RDF.Statement),
        (RDF.subject, HOSTILE),
        (RDF.predicate, KG.criticised),
        (RDF.object, BOB),
        (KG.sentence, Literal(f"They wrote {ATTR} and {IMG} to Bob.")),
        (KG.confidence, Literal("0.5")),
        (PROV.wasDerivedFrom, KGR["doc/d1"]),
    ):
        graph.add((stmt, p, o))
    quote = KGR["quote_hostile"]
    graph.add((quote, RDF.type, KG.Quote))
    graph.add((quote, KG.text, Literal(f"We say {SCRIPT} loudly")))
    graph.add((quote, KG.speaker, HOSTILE))
    path = tmp_path_factory.mktemp("ui") / "graph.ttl"
    path.write_bytes(kg.KnowledgeGraph(graph).serialize())
    with running(path) as url:
        yield url


@dataclass
class Visit:
    page: Page
    origin: str
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_quiet(self) -> None:
        """Nothing ran in any frame, nothing broke the policy, nothing left the server."""
        assert self.outside == []
        assert self.dialogs == []
        for frame in self.page.frames:
            assert frame.evaluate("() => window.__kgSeen") == {"runs": [], "violations": []}


@pytest.fixture
def visit(browser: Browser, server: str) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(HOOKS)
    page = context.new_page()
    found = Visit(page, server)

    def route(r: object) -> None:
        request = r.request  # type: ignore[attr-defined]
        if request.url.startswith(server + "/"):
            r.continue_()  # type: ignore[attr-defined]
        else:
            found.outside.append(request.url)
            r.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page.on("dialog", lambda d: (found.dialogs.append(d.message), d.dismiss()))
    try:
        yield found
    finally:
        context.close()


def test_run_a_named_query_and_follow_an_entity_link(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.origin + "/")
    page.locator("#named-entities button").click()
    table = page.locator("table.results")
    table.wait_for()
    assert "Bob Russell" in table.inner_text()
    page.locator("table.results a", has_text="kgr:person/bob-russell").first.click()
    page.locator("h1.entity-name").wait_for()
    assert page.locator("h1.entity-name").inner_text() == "Bob Russell"
    relations = page.locator("section.relations").inner_text()
    assert "wrote to" in relations and "David Finch" in relations
    assert "Sir Bob Russell wrote to David Finch." in relations  # the evidence
    assert "I have always been puzzled by this." in page.locator("section.quotes").inner_text()
    view = page.frame_locator("section.neighbourhood iframe")
    view.locator("#kg-network[data-state=ready]").wait_for(state="attached", timeout=30_000)
    visit.assert_quiet()


def test_the_editor_runs_typed_sparql_and_shows_errors(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.origin + "/")
    page.locator("#editor textarea").fill("SELECT ?n WHERE { ?x a kg:Place ; rdfs:label ?n }")
    page.locator("#editor button").click()
    page.locator("table.results").wait_for()
    assert "Norwich" in page.locator("table.results").inner_text()
    page.locator("#editor textarea").fill("SELECT * WHERE { SERVICE <http://x.example/> {} }")
    page.locator("#editor button").click()
    assert "SERVICE is not allowed" in page.locator("p.error").inner_text()
    visit.assert_quiet()


def test_search_finds_by_alias(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.origin + "/")
    page.locator("form.search input").fill("mr russell")
    page.locator("form.search button").click()
    page.locator("ul.found a", has_text="Bob Russell").click()
    page.locator("h1.entity-name").wait_for()
    assert page.locator("h1.entity-name").inner_text() == "Bob Russell"
    visit.assert_quiet()


def test_hostile_names_stay_inert(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.origin + "/search?q=hostile")
    link = page.locator("ul.found a")
    assert link.inner_text() == f"{IMG} Hostile {SCRIPT}"
    link.click()
    page.locator("h1.entity-name").wait_for()
    assert page.locator("h1.entity-name").inner_text() == f"{IMG} Hostile {SCRIPT}"
    assert f"They wrote {ATTR} and {IMG} to Bob." in page.locator("section.relations").inner_text()
    assert f"We say {SCRIPT} loudly" in page.locator("section.quotes").inner_text()
    assert page.locator("img, main script, [onerror], [onmouseover]").count() == 0
    view = page.frame_locator("section.neighbourhood iframe")
    view.locator("#kg-network[data-state=ready]").wait_for(state="attached", timeout=30_000)
    page.locator("section.relations").hover()
    # The same names through the entity table of a query: text, never markup.
    page.goto(visit.origin + "/?named=entities")
    assert f"{IMG} Hostile {SCRIPT}" in page.locator("table.results").inner_text()
    assert page.locator("table.results img, table.results script").count() == 0
    visit.assert_quiet()
