"""Positions, sizes and communities for a big drawing, computed ahead of time.

A browser cannot run a force simulation on 20,000 nodes in seconds, so the page is
handed positions. They come from igraph (C code): networkx's ``forceatlas2_layout``
and ``spring_layout`` are quadratic and took minutes at this size, and igraph's DrL
25 s (benchmarks/view.md). Each connected component is laid out on its own with
Fruchterman-Reingold from a fixed start, so the result is the same on every run, and
the components are packed in rows, largest first: laying out the whole graph at once
lets thousands of two-node fragments scatter through the giant component.
"""

from __future__ import annotations

import math
import multiprocessing
import random
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Final

__all__ = ["Layout", "LayoutBeside", "layout", "pagerank"]

_SEED: Final = 20240101
_GAP: Final = 1.5  # space between packed components, in mean edge lengths
_BIG_ITERATIONS: Final = 120  # Fruchterman-Reingold steps for components over 1,000 nodes
_SMALL_ITERATIONS: Final = 500


@dataclass(frozen=True, slots=True)
class Layout:
    """Per node (in the order given): x, y, PageRank, and community number.

    Communities are numbered by size, largest first, so colours follow size and not
    the order the graph was read in.
    """

    x: tuple[float, ...]
    y: tuple[float, ...]
    rank: tuple[float, ...]
    community: tuple[int, ...]
    frame: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """x and y bounds (min x, max x, min y, max y) of most of the largest component."""


def layout(n: int, edges: Sequence[tuple[int, int]], *, communities: bool = True) -> Layout:
    """Lay out ``n`` nodes joined by ``edges`` (pairs of node numbers).

    Louvain ``communities`` are found only when asked for (every node is in
    community 0 otherwise): they take a third of a second at 20,000 nodes.

    >>> found = layout(4, [(0, 1), (1, 2)])
    >>> len(found.x), found.community[0] == found.community[1] == found.community[2]
    (4, True)
    >>> layout(4, [(0, 1), (1, 2)]) == found
    True
    """
    import igraph

    if n == 0:
        return Layout((), (), (), ())
    graph = igraph.Graph(n=n, edges=list(edges), directed=False)
    graph.simplify()
    # igraph draws from Python's random module; a private generator keeps the
    # layout fixed without touching the caller's random state.
    igraph.set_random_number_generator(random.Random(_SEED))
    try:
        # PRPACK: 12 ms at 18,800 nodes where ARPACK took 50 ms, and it draws no
        # random numbers, so the layout's seeded start does not depend on it.
        rank = graph.pagerank(implementation="prpack")
        community = _communities(graph) if communities else (0,) * n
        components = sorted(graph.connected_components(), key=lambda m: (-len(m), m[0]))
        # Each component's edges in its own numbering: igraph's induced_subgraph
        # copies the whole graph each time, which is quadratic over many fragments.
        where: dict[int, tuple[int, int]] = {}
        for c, members in enumerate(components):
            for i, node in enumerate(members):
                where[node] = (c, i)
        local: list[list[tuple[int, int]]] = [[] for _ in components]
        for a, b in graph.get_edgelist():
            (c, i), (_c, j) = where[a], where[b]
            local[c].append((i, j))
        shapes = [_shape(igraph, len(m), e) for m, e in zip(components, local, strict=True)]
    finally:
        igraph.set_random_number_generator(random)
    xs = [0.0] * n
    ys = [0.0] * n
    for members, (px, py, _r), (cx, cy) in zip(
        components, shapes, _pack([s[2] for s in shapes]), strict=True
    ):
        for node, x, y in zip(members, px, py, strict=True):
            xs[node] = round(x + cx, 3)
            ys[node] = round(y + cy, 3)
    frame = (*_bounds([xs[i] for i in components[0]]), *_bounds([ys[i] for i in components[0]]))
    return Layout(tuple(xs), tuple(ys), tuple(round(r, 9) for r in rank), community, frame)


class LayoutBeside:
    """A process forked before a big read, that lays out a graph beside its parent.

    At 20,000 nodes the layout is a fifth of ``kg view``'s time, and it needs only the
    edges: the parent reads the evidence and writes the page meanwhile, on the other
    core. Forked at the start, while the parent is small: a child forked after the
    read would share its half a million objects, and every reference count the
    parent then touched would copy a page (the reading of the records took half as
    long again). The result is :func:`layout`'s, computed by the same code.

    >>> beside = LayoutBeside.start()
    >>> found = beside.layout(4, [(0, 1), (1, 2)])() if beside else layout(4, [(0, 1), (1, 2)])
    >>> found == layout(4, [(0, 1), (1, 2)])
    True
    >>> beside.close() if beside else None
    """

    def __init__(self, process: Any, connection: Connection) -> None:
        self._process = process
        self._connection: Connection | None = connection

    @classmethod
    def start(cls) -> LayoutBeside | None:
        """A started helper, or None where forking is not safe: no ``fork`` start
        method (Windows), or other threads running (a notebook's kernel)."""
        if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
            return None
        context = multiprocessing.get_context("fork")
        mine, theirs = context.Pipe()
        # Daemonic: a parent that fails before asking for a layout does not wait for it.
        process = context.Process(target=_lay_out_beside, args=(theirs, mine), daemon=True)
        process.start()
        theirs.close()
        return cls(process, mine)

    def layout(
        self, n: int, edges: Sequence[tuple[int, int]], *, communities: bool = True
    ) -> Callable[[], Layout]:
        """Start :func:`layout` in the helper; call the result to have it (computed
        here instead if the helper has gone)."""

        def here() -> Layout:
            return layout(n, edges, communities=communities)

        connection = self._connection
        if connection is None:
            return here
        try:
            connection.send((n, list(edges), communities))
        except OSError:
            return here

        def result() -> Layout:
            try:
                found = connection.recv()
            except (EOFError, OSError):
                found = None
            return found if isinstance(found, Layout) else here()

        return result

    def close(self) -> None:
        """Let the helper go (it ends when its pipe closes)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.kill()


def _lay_out_beside(connection: Connection, parents: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to report
    parents.close()  # so that the parent's closing its end is the end of the pipe
    import igraph  # noqa: F401  # while the parent reads

    with connection:
        while True:
            try:
                n, edges, communities = connection.recv()
            except EOFError:
                return
            connection.send(layout(n, edges, communities=communities))


def _bounds(values: list[float]) -> tuple[float, float]:
    """Where the middle 98% of values lie: a few long chains off a big component
    would otherwise make the first view of it small."""
    ordered = sorted(values)
    cut = len(ordered) // 100
    return ordered[cut], ordered[-1 - cut]


def _communities(graph: Any) -> tuple[int, ...]:
    """Louvain communities, renumbered by size (largest 0), ties by first member."""
    membership = graph.community_multilevel().membership
    members: dict[int, list[int]] = {}
    for node, group in enumerate(membership):
        members.setdefault(group, []).append(node)
    order = sorted(members.values(), key=lambda m: (-len(m), m[0]))
    number = {membership[m[0]]: i for i, m in enumerate(order)}
    return tuple(number[g] for g in membership)


def _shape(
    igraph: Any, size: int, edges: list[tuple[int, int]]
) -> tuple[list[float], list[float], float]:
    """One component's positions around (0, 0), scaled to a median edge length of 1.

    (Seeding big components from their Louvain communities, with stronger pulls
    inside a community, made the layout ten times slower for a picture no easier
    to read; see benchmarks/view.md.)
    """
    if size == 1:
        return [0.0], [0.0], 0.5
    if size == 2:
        return [-0.5, 0.5], [0.0, 0.0], 1.0
    sub = igraph.Graph(n=size, edges=edges)
    iterations = _BIG_ITERATIONS if size > 1000 else _SMALL_ITERATIONS
    # The start is random, drawn from the seeded generator set in layout().
    coords = sub.layout_fruchterman_reingold(niter=iterations).coords
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    mx, my = sum(xs) / size, sum(ys) / size
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in edges)
    typical = lengths[len(lengths) // 2]  # the median: a few long edges across do not count
    scale = 1 / typical if typical > 0 else 1.0
    xs = [(x - mx) * scale for x in xs]
    ys = [(y - my) * scale for y in ys]
    radius = max(math.hypot(x, y) for x, y in zip(xs, ys, strict=True)) + 0.5
    return xs, ys, radius


def _pack(radii: Sequence[float]) -> list[tuple[float, float]]:
    """Centres for circles of these radii, largest first: the largest on top, the
    rest in rows below it, as wide as it (or a square block, if wider)."""
    if not radii:
        return []
    rest = radii[1:]
    area = sum((2 * r + _GAP) ** 2 for r in rest)
    width = max(2 * radii[0], math.sqrt(area))
    centres: list[tuple[float, float]] = [(width / 2, 0.0)]
    top = radii[0] + _GAP
    x = row = 0.0
    for r in rest:
        cell = 2 * r + _GAP / 2
        if x > 0 and x + cell > width:
            x, top, row = 0.0, top + row, 0.0
        centres.append((x + cell / 2, -(top + cell / 2)))
        x += cell
        row = max(row, cell)
    return centres


def pagerank(n: int, edges: Sequence[tuple[int, int]]) -> list[float]:
    """PageRank of ``n`` nodes over undirected ``edges``: who is central, either way.

    >>> rank = pagerank(3, [(0, 1), (0, 2)])
    >>> rank[0] > rank[1] == rank[2]
    True
    """
    import igraph

    graph = igraph.Graph(n=n, edges=list(edges), directed=False)
    graph.simplify()
    # Rounded: PRPACK's last bits differ between nodes placed alike, which must tie
    # (and then go by IRI) in a --top N.
    return [round(r, 12) for r in graph.pagerank(implementation="prpack")]
