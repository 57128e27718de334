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
from pathlib import Path
from typing import Final, Literal

from rdflib import Graph

from kg.errors import ViewError
from kg.io import atomic_write
from kg.view import html, webgl
from kg.view.layout import LayoutBeside
from kg.view.model import add_records, read_model
from kg.view.select import Selection, select
from kg.view.source import TURTLE_SUFFIXES, TripleIndex
from kg.view.webgl import ColourBy

__all__ = ["VIS_MAX", "Renderer", "to_html", "write_html", "write_source_html"]

Renderer = Literal["auto", "vis", "webgl"]

BESIDE_BYTES: Final = 2_000_000
"""Graph files from this size (about 2,000 entities) are laid out in a process beside
the one that reads them (:class:`kg.view.layout.LayoutBeside`); stores always are."""

VIS_MAX: Final = 200
"""Entities up to which ``renderer="auto"`` picks vis-network: its first paint (its
layout runs in the browser) took 2.3 s at 200 generated entities, 6.2 s at 300 and
26 s at 1,000, where sigma.js paints in 0.3 s (benchmarks/view.md)."""


def to_html(
    graph: Graph | TripleIndex,
    *,
    title: str = "Knowledge graph",
    selection: Selection | None = None,
    renderer: Renderer = "auto",
    colour_by: ColourBy = "class",
) -> str:
    """Render the part of ``graph`` that ``selection`` asks for as one offline page.

        >>> from pathlib import Path

    from rdflib import Graph
        >>> "The graph is empty" in to_html(Graph())
        True
        >>> page = to_html(Graph(), renderer="webgl", selection=Selection(min_degree=0))
        >>> "Nothing to draw" in page
        True
    """
    with _collector_paused():
        return _to_html(graph, title, selection or Selection(), renderer, colour_by)


def _to_html(
    graph: Graph | TripleIndex,
    title: str,
    chosen: Selection,
    renderer: Renderer,
    colour_by: ColourBy,
    beside: LayoutBeside | None = None,
) -> str:
    plain = chosen == Selection() and renderer != "webgl" and colour_by == "class"
    if plain and (renderer == "vis" or _small(graph)):
        if isinstance(graph, TripleIndex):
            raise ViewError("the whole graph's vis-network page is drawn from an rdflib graph")
        return html.to_html(graph, title=title)  # the page as kg has always made it
    # From an index, the provenance records are read after the selection, for the
    # relations drawn, while the layout runs beside (kg.view.layout.layout_soon); a
    # selection by document needs them first.
    later = isinstance(graph, TripleIndex) and chosen.document is None
    model = read_model(graph, records=not later)
    rdf = graph if isinstance(graph, Graph) else None
    everything, _none = select(model, chosen, rdf, min_degree=0)
    if renderer == "auto":
        small = len(everything.entities) <= VIS_MAX and colour_by == "class"
        renderer = "vis" if small else "webgl"
    if renderer == "vis":
        shown = add_records(everything, graph) if later else everything
        return html.render_model(shown, title=title)
    # Isolated entities are left out (and counted) unless the user chose a
    # --min-degree, or asked for exactly the --top N.
    keep_all = chosen.min_degree is not None or chosen.top is not None
    drawn, hidden = (everything, 0) if keep_all else select(everything, Selection(), min_degree=1)
    placed = webgl.start_layout(drawn, colour_by, beside=beside)
    if later:
        drawn = add_records(drawn, graph)
    return webgl.render_webgl(drawn, title=title, colour_by=colour_by, hidden=hidden, placed=placed)


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


def _small(graph: Graph | TripleIndex) -> bool:
    """At most :data:`VIS_MAX` subjects typed with a kg class (an upper bound on the
    entities): counted only as far as the limit, as an archive's page is decided by
    its first few hundred."""
    from itertools import islice

    from rdflib.namespace import RDF

    from kg.ontology.schema import KG

    namespace = str(KG)
    typed: Iterator[object]
    if isinstance(graph, TripleIndex):
        rdf_type = str(RDF.type)
        typed = (
            s
            for s, props in graph.subjects.items()
            if any(str(o).startswith(namespace) for o in props.get(rdf_type, ()))
        )
    else:
        typed = iter(
            {s for s, o in graph.subject_objects(RDF.type) if str(o).startswith(namespace)}
        )
    return sum(1 for _ in islice(typed, VIS_MAX + 1)) <= VIS_MAX


def write_source_html(
    source: str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    title: str = "Knowledge graph",
    selection: Selection | None = None,
    renderer: Renderer = "auto",
    colour_by: ColourBy = "class",
) -> bool:
    """:func:`write_html` for a graph file or store directory, read the fastest way;
    False (nothing written) where the caller must read it with rdflib (see
    :func:`source_html`)."""
    page = source_html(
        source, title=title, selection=selection, renderer=renderer, colour_by=colour_by
    )
    if page is None:
        return False
    atomic_write(path, page)
    return True


def source_html(
    source: str | os.PathLike[str],
    *,
    title: str = "Knowledge graph",
    selection: Selection | None = None,
    renderer: Renderer = "auto",
    colour_by: ColourBy = "class",
) -> str | None:
    """The page of a graph file or store directory, read the fastest way; None where
    the caller must read it with rdflib.

    A Turtle or N-Triples file, or a store, is read with Oxigraph into a
    :class:`~kg.view.source.TripleIndex` (an archive in about a second, where rdflib
    takes 15 s or more). The caller reads it with rdflib instead (``kg view`` does)
    when the page needs an rdflib graph (a ``--query``, the small vis-network page)
    or Oxigraph refuses the file, so that rdflib's error names the problem; the page
    is the same either way.
    """
    from kg.rdf.store import is_store

    chosen = selection or Selection()
    if chosen.query is not None:
        return None
    # One pause for reading and drawing, and the index dropped inside it: the
    # collector, let back in while half a million objects live, walks them all
    # at its next allocation (a tenth of a second on an archive).
    store = is_store(source)
    if not store and Path(source).suffix.lower() not in TURTLE_SUFFIXES:
        return None
    beside = LayoutBeside.start() if store or _size(source) >= BESIDE_BYTES else None
    try:
        with _collector_paused():
            try:
                index = TripleIndex.from_store(source) if store else TripleIndex.from_file(source)
            except (SyntaxError, OSError, ValueError):
                return None  # rdflib reads it again and says what is wrong
            plain = chosen == Selection() and renderer != "webgl" and colour_by == "class"
            if plain and (renderer == "vis" or _small(index)):
                return None
            page = _to_html(index, title, chosen, renderer, colour_by, beside)
            del index
            return page
    finally:
        if beside is not None:
            beside.close()


def _size(path: str | os.PathLike[str]) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
