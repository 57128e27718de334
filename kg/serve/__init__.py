"""Serving a graph: a read-only SPARQL 1.1 endpoint and a browser UI (``kg serve``).

:class:`Backend` answers queries through kg's sandbox with the server's limits,
:func:`create_app` is the Starlette application, :func:`serve` runs it with uvicorn.
Starlette and uvicorn are the optional extra ``kg[serve]``.
"""

from __future__ import annotations

from kg.serve.backend import Backend, ResultTooLargeError
from kg.serve.run import serve

__all__ = ["Backend", "ResultTooLargeError", "create_app", "serve"]


def __getattr__(name: str) -> object:
    # The application needs Starlette, an optional extra: imported when asked for.
    if name == "create_app":
        from kg.serve.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
