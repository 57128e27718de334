"""The large view: positions computed in Python, drawn with WebGL by sigma.js.

vis-network lays a graph out in the browser, which takes minutes at 20,000 nodes;
here igraph lays it out ahead of time (:mod:`kg.view.layout`) and sigma.js with
graphology (vendored in ``kg/view/static`` with their MIT licences) only draws, so
a page opens in seconds. Labels follow sigma's level of detail: the biggest nodes
are labelled first, and more labels appear as you zoom in.

The page keeps the rules of :mod:`kg.view.html`: data reaches the browser only as
escaped JSON in a non-executable block, the page's script builds every element
from it with ``textContent`` (never markup), and a Content-Security-Policy allows
only the page's three scripts by hash and no network at all.
"""

from __future__ import annotations

import functools
import math
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Literal

from markupsafe import Markup

from kg.view.html import _colour, _environment, _script_json
from kg.view.layout import Layout, LayoutBeside, layout
from kg.view.model import ViewModel, predicate_label

__all__ = ["ColourBy", "render_webgl", "start_layout"]

ColourBy = Literal["class", "community"]

_MIN_SIZE: Final = 3.0
_MAX_SIZE: Final = 15.0
_FRAME_MIN: Final = 500  # nodes past which the first view frames the largest component
_ARROWS_MAX: Final = 5000  # edges drawn with arrow heads; thin lines past that
# Tableau 20, for the largest communities; the rest share a neutral grey.
_COMMUNITY_PALETTE: Final = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
    "#ff9da7", "#9c755f", "#bab0ac", "#a0cbe8", "#ffbe7d", "#8cd17d", "#f1ce63",
    "#86bcb6", "#ff9d9a", "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e",
)  # fmt: skip
_OTHER_COMMUNITY: Final = "#c8c8c8"
_STATIC: Final = Path(__file__).parent / "static"
_SOURCE_MAP: Final = re.compile(r"^\s*//[#@] sourceMappingURL=.*$", re.MULTILINE)


def render_webgl(
    model: ViewModel,
    *,
    title: str,
    colour_by: ColourBy = "class",
    hidden: int = 0,
    placed: Callable[[], Layout] | None = None,
) -> str:
    """The page for ``model``; ``hidden`` is the number of isolated entities left out.

    ``placed`` gives the layout when it was started earlier (:func:`start_layout`, on
    ``model`` or on the same model before its records were read); else it is
    computed here.
    """
    template = _environment().get_template("webgl.html")
    if not model.entities:
        return template.render(title=title, empty=True, hidden=hidden, n_nodes=0, n_edges=0)
    data = _page_data(model, colour_by, placed or start_layout(model, colour_by))
    graphology_js, sigma_js = _assets()
    return template.render(
        title=title,
        empty=False,
        hidden=hidden,
        n_nodes=len(model.entities),
        n_edges=len(model.relations),
        data=Markup(_page_json(data)),
        graphology_js=Markup(graphology_js),
        sigma_js=Markup(sigma_js),
    )


def start_layout(
    model: ViewModel, colour_by: ColourBy = "class", *, beside: LayoutBeside | None = None
) -> Callable[[], Layout]:
    """The layout of ``model``'s page, started in ``beside`` if given, else computed
    when asked for."""
    order, pairs = _numbered(model)
    communities = colour_by == "community"
    if beside is not None:
        return beside.layout(len(order), pairs, communities=communities)
    return lambda: layout(len(order), pairs, communities=communities)


def _numbered(model: ViewModel) -> tuple[list[str], list[tuple[int, int]]]:
    """The nodes in page order (by IRI, as the model keeps them) and the edges as
    pairs of node numbers."""
    order = list(model.entities)
    number = {iri: i for i, iri in enumerate(order)}
    return order, [(number[r.source], number[r.target]) for r in model.relations]


def _page_data(
    model: ViewModel, colour_by: ColourBy, placing: Callable[[], Layout]
) -> dict[str, Any]:
    """Columns of numbers and strings: a third the size of one object per node."""
    order, pairs = _numbered(model)

    # Repeated strings (documents, extractors, sentences) stand in the page as numbers
    # into one table: put(text, len(table)) is a string's number, new or not (a C
    # call for each string of each record).
    table: dict[str, int] = {}
    put = table.setdefault

    classes = sorted({e.cls for e in model.entities.values()})
    class_number = {c: i for i, c in enumerate(classes)}
    predicates = sorted(
        {r.predicate for r in model.relations}, key=lambda p: (predicate_label(p), p)
    )
    predicate_number = {p: i for i, p in enumerate(predicates)}

    aliases: dict[str, list[str]] = {}
    quotes: dict[str, list[list[int]]] = {}
    for i, iri in enumerate(order):
        entity = model.entities[iri]
        if entity.aliases:
            aliases[str(i)] = list(entity.aliases)
        if entity.quotes:
            quotes[str(i)] = [
                [put(doc, len(table)), put(text, len(table))] for doc, _start, text in entity.quotes
            ]
    records: dict[str, list[list[Any]]] = {}
    for k, r in enumerate(model.relations):
        if r.records:
            records[str(k)] = [
                [
                    put(x.document, len(table)),
                    put(x.extractor, len(table)),
                    x.confidence,
                    put(x.sentence, len(table)),
                    x.role,
                ]
                for x in r.records
            ]
    class_count: dict[str, int] = defaultdict(int)
    for e in model.entities.values():
        class_count[e.cls] += 1
    predicate_count: dict[str, int] = defaultdict(int)
    for r in model.relations:
        predicate_count[r.predicate] += 1
    # The biggest columns are written now, and the layout asked for last: it may
    # be running beside all of the above.
    edges = _Json(
        _script_json(
            {
                "source": [a for a, _ in pairs],
                "target": [b for _, b in pairs],
                "predicate": [predicate_number[r.predicate] for r in model.relations],
                "records": records,
            }
        )
    )
    strings = _Json(_script_json(list(table)))
    named = {
        "id": _Json(_script_json(order)),
        "label": _Json(_script_json([model.entities[iri].label for iri in order])),
        "cls": _Json(_script_json([class_number[model.entities[iri].cls] for iri in order])),
        "aliases": _Json(_script_json(aliases)),
        "quotes": _Json(_script_json(quotes)),
    }
    placed = placing()
    if len(placed.x) != len(order):
        raise ValueError("the layout was made for another model")
    top = max(placed.rank, default=1.0) or 1.0
    community_count: dict[int, int] = defaultdict(int)
    for c in placed.community:
        community_count[c] += 1
    return {
        "colourBy": colour_by,
        "arrows": len(model.relations) <= _ARROWS_MAX,
        # The first view frames the largest component; the small ones lie below it.
        "frame": list(placed.frame) if len(order) > _FRAME_MIN else None,
        "classes": [[c, _colour(c), class_count[c]] for c in classes],
        "predicates": [[predicate_label(p), p, predicate_count[p]] for p in predicates],
        "communities": [
            [
                _community_colour(c),
                community_count[c],
                _community_name(model, order, placed.community, placed.rank, c),
            ]
            for c in sorted(community_count)[: len(_COMMUNITY_PALETTE)]
        ],
        "strings": strings,
        "nodes": {
            **named,
            "x": list(placed.x),
            "y": list(placed.y),
            "size": [_size(r / top, len(order)) for r in placed.rank],
            "community": list(placed.community),
        },
        "edges": edges,
    }


class _Json(str):
    """A value of the page's data already written as :func:`_script_json` writes it."""


def _page_json(data: dict[str, Any]) -> str:
    """``_script_json(data)``, byte for byte, with the values already written kept."""
    return (
        "{" + ",".join(f"{_script_json(k)}:{_value_json(v)}" for k, v in sorted(data.items())) + "}"
    )


def _value_json(value: Any) -> str:
    if isinstance(value, _Json):
        return value
    if isinstance(value, dict) and any(isinstance(v, _Json) for v in value.values()):
        return _page_json(value)
    return _script_json(value)


def _size(share: float, n: int) -> float:
    """Area grows with PageRank, capped, so hubs stand out and leaves stay visible;
    leaves are smaller in a big graph, where they would hide each other."""
    smallest = _MIN_SIZE if n <= 2000 else _MIN_SIZE / 2
    return round(smallest + (_MAX_SIZE - smallest) * math.sqrt(share), 2)


def _community_colour(community: int) -> str:
    if community < len(_COMMUNITY_PALETTE):
        return _COMMUNITY_PALETTE[community]
    return _OTHER_COMMUNITY


def _community_name(
    model: ViewModel,
    order: list[str],
    community: tuple[int, ...],
    rank: tuple[float, ...],
    wanted: int,
) -> str:
    """A community is named after its most central member."""
    best = max(
        (i for i, c in enumerate(community) if c == wanted), key=lambda i: (rank[i], order[i])
    )
    return model.entities[order[best]].label


@functools.cache
def _assets() -> tuple[str, str]:
    """graphology and sigma.js as vendored, less their source-map comments."""
    texts = []
    for name in ("graphology.umd.min.js", "sigma.min.js"):
        text = _SOURCE_MAP.sub("", (_STATIC / name).read_text(encoding="utf-8"))
        if re.search(r"</script|<!--", text, re.IGNORECASE):
            raise RuntimeError(f"{_STATIC / name} cannot be inlined: it would close its element")
        texts.append(text)
    return texts[0], texts[1]
