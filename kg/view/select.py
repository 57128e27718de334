"""Which part of a graph a view draws: focus, filters, the most central, a query.

Each filter narrows a :class:`~kg.view.model.ViewModel` and none reads the page, so
a store (or a notebook) can ask for the same selection. Names given by the user
that match nothing are errors that list what would match, never an empty page.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.errors import ViewError
from kg.ontology.schema import load_ontology
from kg.view.model import Relation, ViewModel, local_name, predicate_label

__all__ = ["Selection", "select"]

_LISTED: Final = 12  # names listed in an error before "…"


@dataclass(frozen=True, slots=True)
class Selection:
    """What to draw; every field left at its default keeps everything.

    ``focus`` is an entity's name or alias (or IRI) and ``hops`` how far from it to
    go; ``types`` keeps entities of these classes or their subclasses; ``predicates``
    keeps relations with these properties (local name, label or IRI); ``document``
    keeps what that document mentions or evidences; ``min_degree`` drops entities
    with fewer relations (``None``: the renderer's default, which for the large view
    hides isolated entities); ``top`` keeps the most central by PageRank; ``query``
    is SPARQL whose result is drawn exactly.
    """

    focus: str | None = None
    hops: int = 1
    types: tuple[str, ...] = ()
    predicates: tuple[str, ...] = ()
    document: str | None = None
    min_degree: int | None = None
    top: int | None = None
    query: str | None = None
    query_timeout: float | None = 30.0

    def __post_init__(self) -> None:
        if self.hops < 0:
            raise ViewError(f"--hops must be 0 or more, not {self.hops}")
        if self.min_degree is not None and self.min_degree < 0:
            raise ViewError(f"--min-degree must be 0 or more, not {self.min_degree}")
        if self.top is not None and self.top < 1:
            raise ViewError(f"--top must be 1 or more, not {self.top}")


def select(
    model: ViewModel, selection: Selection, graph: Graph | None = None, *, min_degree: int = 0
) -> tuple[ViewModel, int]:
    """The part of ``model`` that ``selection`` asks for, and how many isolated
    entities were left out because of ``min_degree`` (the renderer's default when
    the selection gives none).

    ``graph`` is the graph ``model`` was read from, needed only for a query.
    """
    if selection.query is not None:
        if graph is None:
            raise ViewError("a query needs the graph the view was read from")
        model = _query(model, graph, selection.query, selection.query_timeout)
    if selection.document is not None:
        model = _document(model, selection.document)
    if selection.types:
        model = _types(model, selection.types)
    if selection.predicates:
        model = _predicates(model, selection.predicates)
    focus: set[str] = set()
    if selection.focus is not None:
        focus = _find(model, selection.focus)
        model = _around(model, focus, selection.hops)
    floor = selection.min_degree if selection.min_degree is not None else min_degree
    hidden = 0
    if floor > 0:
        degree = _degrees(model.relations)
        keep = {iri for iri in model.entities if degree[iri] >= floor or iri in focus}
        hidden = sum(1 for iri in model.entities if degree[iri] == 0 and iri not in focus)
        model = model.restrict(keep)
    if selection.top is not None and selection.top < len(model.entities):
        model = _top(model, selection.top)
    return model, hidden


def _degrees(relations: Sequence[Relation]) -> dict[str, int]:
    degree: dict[str, int] = defaultdict(int)
    for r in relations:
        degree[r.source] += 1
        degree[r.target] += 1
    return degree


def _names(items: Sequence[str]) -> str:
    shown = sorted(items)[:_LISTED]
    return ", ".join(shown) + (", …" if len(items) > _LISTED else "")


def _types(model: ViewModel, types: Sequence[str]) -> ViewModel:
    onto = load_ontology()
    unknown = [t for t in types if t not in onto.classes]
    if unknown:
        raise ViewError(
            f"unknown class {unknown[0]!r}: the ontology has {_names(sorted(onto.classes))}"
        )
    keep = {
        iri for iri, e in model.entities.items() if any(onto.is_subclass(e.cls, t) for t in types)
    }
    return model.restrict(keep)


def _predicates(model: ViewModel, wanted: Sequence[str]) -> ViewModel:
    present = {r.predicate for r in model.relations}
    match: set[str] = set()
    for name in wanted:
        found = {p for p in present if name in (p, local_name(p), predicate_label(p))}
        if not found:
            raise ViewError(
                f"no relation has the predicate {name!r}: the graph has "
                f"{_names(sorted({local_name(p) for p in present}))}"
            )
        match |= found
    relations = [r for r in model.relations if r.predicate in match]
    ends = {r.source for r in relations} | {r.target for r in relations}
    return model.restrict(ends, relations)


def _document(model: ViewModel, document: str) -> ViewModel:
    relations = [r for r in model.relations if any(x.document == document for x in r.records)]
    keep = {iri for iri, e in model.entities.items() if document in e.documents}
    keep |= {r.source for r in relations} | {r.target for r in relations}
    if not keep:
        known = sorted({d for e in model.entities.values() for d in e.documents})
        raise ViewError(f"no entity is in the document {document!r}: documents are {_names(known)}")
    return model.restrict(keep, relations)


def _find(model: ViewModel, name: str) -> set[str]:
    """Entities called ``name`` (label, alias or IRI), case and spacing ignored."""
    key = " ".join(name.split()).casefold()
    found = {
        iri
        for iri, e in model.entities.items()
        if key == iri.casefold()
        or key == e.label.casefold()
        or any(key == a.casefold() for a in e.aliases)
    }
    if not found:
        close = sorted(e.label for e in model.entities.values() if key in e.label.casefold())
        hint = f"; names containing it: {_names(close)}" if close else ""
        raise ViewError(f"no entity is called {name!r}{hint}")
    return found


def _around(model: ViewModel, focus: set[str], hops: int) -> ViewModel:
    """Entities at most ``hops`` relations away from ``focus``, either direction."""
    nearby: dict[str, set[str]] = defaultdict(set)
    for r in model.relations:
        nearby[r.source].add(r.target)
        nearby[r.target].add(r.source)
    seen = set(focus)
    queue = deque((iri, 0) for iri in sorted(focus))
    while queue:
        iri, depth = queue.popleft()
        if depth == hops:
            continue
        for other in sorted(nearby[iri] - seen):
            seen.add(other)
            queue.append((other, depth + 1))
    return model.restrict(seen)


def _top(model: ViewModel, n: int) -> ViewModel:
    """The ``n`` entities of highest PageRank (ties by IRI)."""
    from kg.view.layout import pagerank

    order = sorted(model.entities)
    number = {iri: i for i, iri in enumerate(order)}
    rank = pagerank(len(order), [(number[r.source], number[r.target]) for r in model.relations])
    best = sorted(range(len(order)), key=lambda i: (-rank[i], order[i]))[:n]
    return model.restrict({order[i] for i in best})


def _query(model: ViewModel, graph: Graph, sparql: str, timeout: float | None) -> ViewModel:
    """Exactly what a query answers: a CONSTRUCT's triples between entities, or
    the entities a SELECT binds with the relations among them."""
    from kg.rdf.query import query

    result = query(graph, sparql, timeout=timeout)
    if result.kind == "construct":
        assert result.graph is not None
        wanted = {
            (str(s), str(p), str(o))
            for s, p, o in result.graph
            if str(s) in model.entities and str(o) in model.entities
        }
        chosen = [r for r in model.relations if (r.source, r.predicate, r.target) in wanted]
        keep = {str(t) for s, _p, o in result.graph for t in (s, o) if str(t) in model.entities}
        # A constructed triple the graph lacks is drawn too, without provenance.
        have = {(r.source, r.predicate, r.target) for r in chosen}
        chosen += [Relation(s, p, o, ()) for s, p, o in sorted(wanted - have)]
        return model.restrict(keep, sorted(chosen, key=lambda r: (r.source, r.predicate, r.target)))
    if result.kind == "select":
        bound: set[Node] = {cell for row in result.rows for cell in row if isinstance(cell, URIRef)}
        keep = {str(n) for n in bound if str(n) in model.entities}
        return model.restrict(keep)
    raise ViewError("--query must be a SELECT or CONSTRUCT query, not ASK")
