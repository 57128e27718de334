"""A local HTTP server that counts what reaches it: the proof that a sandbox made no request.

It answers anything plausibly (SPARQL results, Turtle, a JSON-LD context) carrying
:data:`SERVED`, so a request that got through also shows in a result. Used by
tests/rdf/test_sandbox.py (the sandbox) and tests/serve/ (``kg serve``).
"""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

SERVED = "kg-sandbox-served-9b27aa"
"""What the local server answers with: seeing it anywhere means a request got through."""


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    """Answers anything plausibly (SPARQL results, Turtle, a JSON-LD context), counting it."""

    requests: ClassVar[list[str]]

    def _answer(self) -> None:
        self.requests.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path.endswith(".ttl"):
            body, kind = (
                f'<http://served.example/s> <http://served.example/p> "{SERVED}" .',
                "text/turtle",
            )
        elif self.path.endswith((".jsonld", ".json")):
            body = f'{{"@context": {{"leak": "http://served.example/{SERVED}#"}}}}'
            kind = "application/ld+json"
        else:
            binding = f'{{"o": {{"type": "literal", "value": "{SERVED}"}}}}'
            body = f'{{"head": {{"vars": ["o"]}}, "results": {{"bindings": [{binding}]}}}}'
            kind = "application/sparql-results+json"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Endpoint:
    """A server on 127.0.0.1 at an ephemeral port; ``requests`` lists what reached it."""

    url: str
    requests: list[str] = field(default_factory=list)


@contextlib.contextmanager
def counting_endpoint() -> Iterator[Endpoint]:
    """The server on 127.0.0.1, stopped (and its thread joined) when the block ends."""
    requests: list[str] = []
    handler = type("Handler", (_CountingHandler,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Endpoint(f"http://127.0.0.1:{server.server_address[1]}", requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
