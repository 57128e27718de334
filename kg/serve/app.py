"""``kg serve``'s web application: the SPARQL 1.1 Protocol at ``/sparql``, the pages at ``/``.

Built on Starlette (routing, requests, responses, CORS) and run by uvicorn; see the
README for why. Every failure is one line of text with an HTTP status that says
whose fault it was, and never a traceback::

    400  malformed SPARQL, a refused construct (SERVICE, FROM, LOAD, an update,
         a dataset parameter), an answer over the row cap, a missing query
    404  no such page or entity         405  a method other than GET or POST
    406  no acceptable result format    408  the query ran past its time limit
    413  a request body or query too long
    415  a POST body that is neither a form nor application/sparql-query
    500  a bug in kg (logged on the server, the client gets one line)
    503  the store is being written by a build: try again (Retry-After)
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any, Final

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from kg.errors import KGError, QueryError, QueryTimeoutError, UnsafeQueryError
from kg.rdf.query import QueryResult, named_query
from kg.rdf.store import StoreBusyError
from kg.serve import protocol, ui
from kg.serve.backend import Backend, ResultTooLargeError
from kg.view.model import local_name

__all__ = ["MAX_REQUEST_BYTES", "HTTPError", "create_app"]

MAX_REQUEST_BYTES: Final = 256 * 1024
"""The longest request body, and the longest query, the server reads (bytes)."""

_log = logging.getLogger("kg.serve")
_COMMON_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class HTTPError(Exception):
    """A request that gets ``status`` and the one-line ``message``, and nothing else."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def _status(exc: BaseException) -> HTTPError:
    """The HTTP answer to one of kg's errors."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, HTTPError):
        return exc
    if isinstance(exc, QueryTimeoutError):
        return HTTPError(408, message)
    if isinstance(exc, StoreBusyError):
        return HTTPError(503, message, {"Retry-After": "5"})
    if isinstance(exc, ResultTooLargeError | UnsafeQueryError | QueryError | KGError):
        return HTTPError(400, message)
    _log.exception("kg serve: unexpected error")
    return HTTPError(500, f"internal error ({type(exc).__name__}): a bug in kg, please report it")


class _Guard:
    """The outermost layer: whatever escapes the application becomes one line of text."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            if started:
                raise
            error = _status(exc)
            await _error_text(error)(scope, receive, send)


def _error_text(error: HTTPError) -> Response:
    return PlainTextResponse(
        error.message + "\n", error.status, headers={**_COMMON_HEADERS, **error.headers}
    )


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPError(413, f"request body of {declared} bytes; the limit is {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPError(413, f"request body over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, f"{what} is not UTF-8") from None


def _form(data: bytes) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(
            _text(data, "the form"), keep_blank_values=True, strict_parsing=False
        )
    except ValueError as exc:
        raise HTTPError(400, f"malformed form: {exc}") from None


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        raise HTTPError(400, f"{name} given {len(values)} times; give it once")
    return values[0] if values else None


async def _protocol_request(
    request: Request, limit: int
) -> tuple[str | None, dict[str, list[str]]]:
    """The query and the parameters of a SPARQL Protocol request (None: no query)."""
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    query: str | None = None
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _body(request, limit)
        if kind == "application/x-www-form-urlencoded":
            for key, values in _form(body).items():
                params.setdefault(key, []).extend(values)
        elif kind == "application/sparql-query":
            query = _text(body, "the query")
        elif kind == "application/sparql-update":
            raise HTTPError(400, "updates are not allowed: this endpoint is read-only")
        else:
            raise HTTPError(
                415,
                f"cannot read a POST body of type {kind or 'none'!r}: send "
                "application/x-www-form-urlencoded or application/sparql-query",
            )
    if "update" in params:
        raise HTTPError(400, "updates are not allowed: this endpoint is read-only")
    for name in (
        "default-graph-uri",
        "named-graph-uri",
        "using-graph-uri",
        "using-named-graph-uri",
    ):
        if params.get(name):
            raise HTTPError(400, f"{name} is not allowed: queries run only against the local graph")
    if query is None:
        query = _one(params, "query")
    if query is not None and len(query.encode("utf-8")) > limit:
        raise HTTPError(413, f"query over the limit of {limit} bytes")
    return query, params


def create_app(
    backend: Backend,
    *,
    title: str = "Knowledge graph",
    cors: Sequence[str] = (),
    max_request_bytes: int = MAX_REQUEST_BYTES,
) -> Starlette:
    """The ASGI application that serves ``backend`` (uvicorn runs it: :func:`kg.serve.serve`).

    ``cors`` lists the origins whose pages may call ``/sparql`` from a browser (none by
    default: only same-origin pages, i.e. the server's own, can read its answers).
    """

    async def sparql(request: Request) -> Response:
        query, params = await _protocol_request(request, max_request_bytes)
        requested = [*params.get("format", []), *params.get("output", [])]
        accept = request.headers.get("accept")
        if query is None:
            if request.method == "POST" or params:
                raise HTTPError(400, "no query: send it as the query parameter, or POST it")
            fmt = _choose(protocol.GRAPH_FORMATS, accept, requested)
            body = protocol.service_description(str(request.url.replace(query="")), fmt)
            return Response(body, headers=_COMMON_HEADERS, media_type=fmt.media_type)
        result = await backend.aquery(query)
        formats = protocol.GRAPH_FORMATS if result.kind == "construct" else protocol.RESULT_FORMATS
        fmt = _choose(formats, accept, requested)
        return Response(
            protocol.render(result, fmt), headers=_COMMON_HEADERS, media_type=fmt.media_type
        )

    def page(template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = ui.pages.get_template(template).render(title=title, **values)
        headers = {**_COMMON_HEADERS, "Content-Security-Policy": ui.PAGE_POLICY}
        return HTMLResponse(html, status, headers=headers)

    async def index(request: Request) -> Response:
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != "application/x-www-form-urlencoded":
                raise HTTPError(415, "the editor posts application/x-www-form-urlencoded")
            params.update(_form(await _body(request, max_request_bytes)))
        named = ui.named_queries()
        values = {k: v[0] for k, v in params.items() if v and k not in ("query", "named")}
        query = _one(params, "query")
        name = _one(params, "named")
        error: HTTPError | None = None
        columns: list[str] = []
        rows: list[list[ui.Cell]] = []
        try:
            if name is not None:
                wanted = {p: values.get(p, "") for p in named.get(name, ("", []))[1]}
                query = named_query(name, **wanted)
            if query:
                if len(query.encode("utf-8")) > max_request_bytes:
                    raise HTTPError(413, f"query over the limit of {max_request_bytes} bytes")
                columns, rows = ui.result_table(await backend.aquery(query))
        except (KGError, HTTPError) as exc:
            error = _status(exc)
        return page(
            "index.html",
            200 if error is None else error.status,
            named=named,
            values=values,
            query=query or named_query("entities"),
            error=error.message if error is not None else None,
            columns=columns,
            rows=rows,
            timeout=f"{backend.timeout:g}",
            max_rows=backend.max_rows,
        )

    async def search(request: Request) -> Response:
        text = " ".join(request.query_params.get("q", "").split())
        if not text:
            return page(
                "search.html", 400, search_text="", rows=[], error="type a name to search for"
            )
        if len(text) > 200:
            raise HTTPError(413, "a search of more than 200 characters")
        result = await backend.aquery(ui.search_query(text))
        rows = []
        for entity, label, cls in result.rows:
            if entity is None:
                continue
            shown = str(label) if label is not None else local_name(str(entity))
            rows.append((str(entity), shown, local_name(str(cls))))
        return page("search.html", search_text=text, rows=rows, error=None)

    async def _neighbourhood(request: Request) -> tuple[str, Any]:
        name = request.path_params.get("name", "")
        iri = ui.entity_iri(name, request.query_params.get("iri"))
        if iri is None:
            raise HTTPError(404, "no such entity")
        result: QueryResult = await backend.aquery(ui.neighbourhood_query(iri))
        return iri, result.graph

    async def entity(request: Request) -> Response:
        iri, graph = await _neighbourhood(request)
        found = ui.entity_page(graph, iri)
        if found is None:
            return page("error.html", 404, error=f"the graph has no entity {iri}")
        view_href = ui.entity_href(iri, "view")
        return page("entity.html", page=found, view_href=view_href, search_text="")

    async def view(request: Request) -> Response:
        iri, graph = await _neighbourhood(request)
        if ui.entity_page(graph, iri) is None:
            raise HTTPError(404, f"the graph has no entity {iri}")
        html, policy = ui.view_page(graph, iri, title)
        headers = {**_COMMON_HEADERS, "Content-Security-Policy": policy}
        return HTMLResponse(html, headers=headers)

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error_text(HTTPError(404, f"no such page: {request.url.path}"))

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return _error_text(HTTPError(405, f"{request.method} is not allowed here; use GET or POST"))

    async def failed(request: Request, exc: Exception) -> Response:
        return _error_text(_status(exc))  # kg's errors and HTTPError: no traceback logged

    static = StaticFiles(packages=[("kg.serve", "static")])
    routes = [
        Route("/", index, methods=["GET", "POST"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/search", search, methods=["GET"]),
        Route("/entity/", entity, methods=["GET"]),
        Route("/entity/{name:path}", entity, methods=["GET"]),
        Route("/view/", view, methods=["GET"]),
        Route("/view/{name:path}", view, methods=["GET"]),
        Mount("/static", static, name="static"),
    ]
    middleware = [Middleware(_Guard)]
    if cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors),
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
            )
        )
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={404: not_found, 405: not_allowed, HTTPError: failed, KGError: failed},
    )


def _choose(
    formats: Sequence[protocol.Format], accept: str | None, requested: Sequence[str]
) -> protocol.Format:
    try:
        return protocol.choose(formats, accept, requested)
    except protocol.NotAcceptableError as exc:
        raise HTTPError(406, str(exc)) from None
