"""Using a graph: the offline, interactive HTML view.

:func:`to_html` and :func:`write_html` draw a :class:`Selection` of a graph with
vis-network (small graphs) or sigma.js (large ones); :func:`read_model` and
:func:`select` are the steps under them, for a notebook or a store.
"""

from __future__ import annotations

from kg.view.model import ViewModel, read_model
from kg.view.page import VIS_MAX, Renderer, to_html, write_html, write_source_html
from kg.view.select import Selection, select
from kg.view.source import TripleIndex
from kg.view.webgl import ColourBy

__all__ = [
    "VIS_MAX",
    "ColourBy",
    "Renderer",
    "Selection",
    "TripleIndex",
    "ViewModel",
    "read_model",
    "select",
    "to_html",
    "write_html",
    "write_source_html",
]
