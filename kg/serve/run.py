"""Running the server: uvicorn on one address, until Ctrl-C.

uvicorn parses HTTP (h11) and bounds what it reads before the application sees a
request: a request line and headers over 64 KiB are refused with 431/400 by
uvicorn itself, and :data:`~kg.serve.app.MAX_REQUEST_BYTES` bounds bodies.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final

from kg.errors import KGError
from kg.serve.backend import DEFAULT_CONCURRENCY, DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, Backend

if TYPE_CHECKING:
    import uvicorn

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "is_loopback", "running", "serve"]

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
    uvicorn.Server(_config(app, host, port)).run()


def _config(app: Any, host: str, port: int) -> uvicorn.Config:
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        h11_max_incomplete_event_size=_MAX_HEADERS,
        timeout_graceful_shutdown=2,
    )


@contextlib.contextmanager
def running(
    path: str | os.PathLike[str],
    *,
    host: str = DEFAULT_HOST,
    cors: Sequence[str] = (),
    start_within: float = 30.0,
    **limits: float,
) -> Iterator[str]:
    """Serve ``path`` on a free port of ``host`` in a thread; yield the base URL.

    For tests, benchmarks and notebooks: the server is stopped (and its thread
    joined, within a few seconds) when the block ends, however it ends. ``limits``
    are :class:`~kg.serve.backend.Backend`'s (``timeout``, ``max_rows``, ``concurrency``).
    """
    import uvicorn

    from kg.serve.app import create_app

    app = create_app(Backend.open(path, **limits), cors=cors)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(_config(app, host, port))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="kg-serve", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + start_within
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise KGError(f"kg serve did not start on {host}:{port}")
            time.sleep(0.01)
        shown = f"[{host}]" if ":" in host else host
        yield f"http://{shown}:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
