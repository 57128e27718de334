"""Running the server: uvicorn on one address, until Ctrl-C.

uvicorn parses HTTP (h11) and bounds what it reads before the application sees a
request: a request line and headers over 64 KiB are refused with 431/400 by
uvicorn itself, and :data:`~kg.serve.app.MAX_REQUEST_BYTES` bounds bodies.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Sequence
from typing import Final

from kg.errors import KGError
from kg.serve.backend import DEFAULT_CONCURRENCY, DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, Backend

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "is_loopback", "serve"]

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 7878
_MAX_HEADERS: Final = 64 * 1024


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host``.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    path: str | os.PathLike[str],
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    cors: Sequence[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    concurrency: int = DEFAULT_CONCURRENCY,
    title: str = "Knowledge graph",
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the graph file or store at ``path`` on ``host:port`` until interrupted."""
    try:
        import uvicorn

        from kg.serve.app import create_app
    except ImportError as exc:
        raise KGError(
            f"kg serve needs the serve extra ({exc.name} is missing): pip install 'kg[serve]'"
        ) from None
    backend = Backend.open(path, timeout=timeout, max_rows=max_rows, concurrency=concurrency)
    app = create_app(backend, title=title, cors=cors)
    shown = f"[{host}]" if ":" in host else host
    announce(f"kg serve: {path} at http://{shown}:{port}/ (SPARQL endpoint: /sparql); Ctrl-C stops")
    if not is_loopback(host):
        announce(f"warning: listening on {host}: anyone who can reach this machine can query it")
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        h11_max_incomplete_event_size=_MAX_HEADERS,
        timeout_graceful_shutdown=2,
    )
    uvicorn.Server(config).run()
