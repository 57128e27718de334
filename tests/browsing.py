"""What the browser tests share: the Chromium they drive, the hooks, and one visit's record.

tests/view/conftest.py makes the ``browser`` and ``visit`` fixtures from these; a
test module picks its Chromium flags with ``BROWSER_ARGS``, its visit class with
``VISIT`` and the browser's own console lines to drop with ``CONSOLE_NOISE``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, Route

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
# WebGL in headless Chromium needs its software renderer (SwiftShader) switched on.
WEBGL_ARGS = [*CHROMIUM_ARGS, "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
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


def launch(args: list[str]) -> Iterator[Browser]:
    """One headless Chromium with ``args``, or a skip (a failure under KG_REQUIRE_BROWSER=1)."""
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
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        except Error as exc:
            unavailable(f"Chromium at {CHROMIUM} did not start: {exc.message.splitlines()[0]}")
        try:
            yield launched
        finally:
            launched.close()


def opener(
    browser: Browser, kind: type[Visit] = Visit, noise: str | None = None
) -> Iterator[Callable[..., Visit]]:
    """Open HTML files as ``file://`` URLs in fresh contexts, recording all they do.

    Every request is recorded and routed: the page's own URL is let through and
    anything else is aborted, so a stray request fails the test instead of hanging.
    Console lines holding ``noise`` are the browser's own and are dropped.
    """
    contexts = []

    def open_page(path: Path, *, bypass_csp: bool = False) -> Visit:
        context = browser.new_context(
            viewport=VIEWPORT, bypass_csp=bypass_csp, service_workers="block"
        )
        contexts.append(context)
        context.add_init_script(HOOKS)
        page = context.new_page()
        found = kind(page=page, url=path.resolve().as_uri())

        def route(route: Route) -> None:
            if route.request.url == found.url:
                route.continue_()
            else:
                route.abort()

        def request(request: Request) -> None:
            found.requests.append(request.url)

        def console(message: ConsoleMessage) -> None:
            if noise is None or noise not in message.text:
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
