"""``kg view``'s page: which part of the graph to draw, and with which renderer.

Two renderers share one selection (:mod:`kg.view.select`). vis-network
(:mod:`kg.view.html`) lays small graphs out in the browser and shows the evidence
on hover; past :data:`VIS_MAX` entities, or with ``colour_by="community"``, the page
is drawn by sigma.js (:mod:`kg.view.webgl`) from positions computed in Python, with
search, a side panel and filters, and isolated entities left out (counted).
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from typing import Final, Literal

from rdflib import Graph

from kg.io import atomic_write
from kg.view import html, webgl
from kg.view.model import read_model
from kg.view.select import Selection, select
from kg.view.webgl import ColourBy

__all__ = ["VIS_MAX", "Renderer", "to_html", "write_html"]

Renderer = Literal["auto", "vis", "webgl"]

VIS_MAX: Final = 300
"""Entities up to which ``renderer="auto"`` picks vis-network (benchmarks/view.md)."""


def to_html(
    graph: Graph,
    *,
    title: str = "Knowledge graph",
    selection: Selection | None = None,
    renderer: Renderer = "auto",
    colour_by: ColourBy = "class",
) -> str:
    """Render the part of ``graph`` that ``selection`` asks for as one offline page.

    >>> from rdflib import Graph
    >>> "The graph is empty" in to_html(Graph())
    True
    >>> page = to_html(Graph(), renderer="webgl", selection=Selection(min_degree=0))
    >>> "Nothing to draw" in page
    True
    """
    with _collector_paused():
        return _to_html(graph, title, selection or Selection(), renderer, colour_by)


def _to_html(
    graph: Graph, title: str, chosen: Selection, renderer: Renderer, colour_by: ColourBy
) -> str:
    plain = chosen == Selection() and renderer != "webgl" and colour_by == "class"
    if plain and (renderer == "vis" or _entity_count(graph) <= VIS_MAX):
        return html.to_html(graph, title=title)  # the page as kg has always made it
    model = read_model(graph)
    everything, _none = select(model, chosen, graph, min_degree=0)
    if renderer == "auto":
        small = len(everything.entities) <= VIS_MAX and colour_by == "class"
        renderer = "vis" if small else "webgl"
    if renderer == "vis":
        return html.render_model(everything, title=title)
    # Isolated entities are left out (and counted) unless the user chose a
    # --min-degree, or asked for exactly the --top N.
    keep_all = chosen.min_degree is not None or chosen.top is not None
    drawn, hidden = (everything, 0) if keep_all else select(everything, Selection(), min_degree=1)
    return webgl.render_webgl(drawn, title=title, colour_by=colour_by, hidden=hidden)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cycle collector off while the view is made: reading 500,000 triples
    allocates millions of objects, and the collections they set off cost a third of
    the time (benchmarks/view.md), for cycles the view does not make."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def write_html(
    graph: Graph,
    path: str | os.PathLike[str],
    *,
    title: str = "Knowledge graph",
    selection: Selection | None = None,
    renderer: Renderer = "auto",
    colour_by: ColourBy = "class",
) -> None:
    """Write :func:`to_html` to ``path`` atomically, so a browser never opens half a page."""
    page = to_html(graph, title=title, selection=selection, renderer=renderer, colour_by=colour_by)
    atomic_write(path, page)


def _entity_count(graph: Graph) -> int:
    """An upper bound on the entities: subjects typed with a kg class."""
    from rdflib.namespace import RDF

    from kg.ontology.schema import KG

    namespace = str(KG)
    return len({s for s, o in graph.subject_objects(RDF.type) if str(o).startswith(namespace)})
