"""The offline HTML view: one self-contained page that draws the entity graph.

Every label, sentence and quote in the graph was read from a document, so the page
treats all of it as hostile. Data reaches the browser only as JSON inside a
non-executable ``<script type="application/json">`` block, with ``<``, ``>``, ``&``,
U+2028 and U+2029 written as ``\\u`` escapes so no string can close the block;
tooltips are plain strings, which vis-network 9 shows as text, never as HTML; and a
Content-Security-Policy lists the hashes of the page's own two scripts, so anything
that did slip through could neither run nor load. vis-network is inlined from the
copy pyvis ships, so the page needs no network at all.

pyvis builds the node and edge records (its ``Node`` and ``Edge`` classes and
``get_network_data``), but its own templates load from CDNs and switch tooltips to
``innerHTML`` when a title mentions "href", so the page itself comes from
``kg/templates/view.html``, rendered here with autoescaping on.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import jinja2
from markupsafe import Markup
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.io import atomic_write
from kg.ontology.schema import KG, load_ontology
from kg.view.model import ViewModel

__all__ = ["render_model", "to_html", "write_html"]

_KG_NS: Final = str(KG)
_KG: Final = KG

# kg classes whose instances are records about entities, not entities to draw.
_NON_ENTITY_CLASSES: Final = frozenset({"Document", "Quote"})

# Keyed by class local name so a class keeps its colour whatever else is in the graph.
_PALETTE: Final[Mapping[str, str]] = {
    "Person": "#4e79a7",
    "Organization": "#f28e2b",
    "Place": "#59a14f",
    "Country": "#8cd17d",
    "Facility": "#b6992d",
    "Group": "#e15759",
    "Event": "#b07aa1",
    "Product": "#76b7b2",
    "CreativeWork": "#ff9da7",
    "Law": "#9c755f",
    "Agent": "#bab0ac",
    "Entity": "#79706e",
}
# For classes added to the ontology later: a stable hash of the name picks one.
_FALLBACK_PALETTE: Final = (
    "#d37295",
    "#499894",
    "#f1ce63",
    "#a0cbe8",
    "#ffbe7d",
    "#d4a6c8",
    "#86bcb6",
    "#e19d9a",
)

_MAX_LINES: Final = 10  # hover lines per section before "… and N more"
_MAX_CHARS: Final = 280  # one hover line; a whole paragraph would hide the graph
_MAX_LABEL: Final = 60  # characters of a label drawn on the canvas
_MIN_SIZE: Final = 10
_MAX_SIZE: Final = 40
_RANDOM_SEED: Final = 20240101
_IMPROVED_LAYOUT_MAX: Final = 150  # vis clusters above ~150 nodes, which is slow
_SMOOTH_EDGES_MAX: Final = 2000  # curved edges cost a support point each
_VIS_DIR: Final = ("templates", "lib", "vis-9.1.2")
_SOURCE_MAP: Final = re.compile(r"^\s*//[#@] sourceMappingURL=.*$", re.MULTILINE)

# Characters that could end a <script> block or a JS string early, as JSON escapes.
_SCRIPT_ESCAPES: Final = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@dataclass(frozen=True, slots=True)
class _Ontology:
    """What the view needs from ontology/kg.ttl, keyed by local name."""

    labels: Mapping[str, str]
    depth: Mapping[str, int]


@dataclass(frozen=True, slots=True, order=True)
class _Record:
    """One place a relation was read; fields in the order records are listed."""

    document: str
    start: int
    sentence: str
    extractor: str
    confidence: str
    role: str


@dataclass(slots=True)
class _Entity:
    label: str
    cls: str
    alt_labels: list[str]
    # (document, sentence) -> first offset, so a sentence behind two relations shows once.
    evidence: dict[tuple[str, str], int] = field(default_factory=dict)
    quotes: list[tuple[str, int, str]] = field(default_factory=list)
    degree: int = 0


@dataclass(frozen=True, slots=True)
class _Edge:
    source: str
    predicate: str
    target: str
    records: tuple[_Record, ...]


def to_html(graph: Graph, *, title: str = "Knowledge graph") -> str:
    """Render ``graph`` as a self-contained interactive HTML page.

    The same graph always gives the same bytes: nodes and edges are sorted, every
    shown value is chosen by its text (never by the order rdflib yields it), blank
    node ids (new on every parse) are never shown, and the layout seed is fixed, so a
    rebuilt page diffs cleanly.

    >>> page = to_html(Graph(), title="Nothing yet")
    >>> "The graph is empty" in page and "<h1>Nothing yet</h1>" in page
    True
    """
    entities, edges = _collect(graph)
    return _render(entities, edges, title)


def render_model(model: ViewModel, *, title: str = "Knowledge graph") -> str:
    """The vis-network page for a selection already read (:mod:`kg.view.select`)."""
    entities = {
        iri: _Entity(
            label=_clean(e.label, _MAX_CHARS),
            cls=e.cls,
            alt_labels=sorted({_clean(a, _MAX_CHARS) for a in e.aliases}),
            quotes=[(doc, start, _clean(text, _MAX_CHARS)) for doc, start, text in e.quotes],
        )
        for iri, e in model.entities.items()
    }
    edges = []
    for r in model.relations:
        found = tuple(
            _Record(
                x.document,
                x.start,
                _clean(x.sentence, _MAX_CHARS),
                x.extractor,
                x.confidence,
                x.role,
            )
            for x in r.records
        )
        edges.append(_Edge(r.source, r.predicate, r.target, found))
        for end in (entities[r.source], entities[r.target]):
            end.degree += 1
            for rec in found:
                key = (rec.document, rec.sentence)
                if rec.sentence and (key not in end.evidence or rec.start < end.evidence[key]):
                    end.evidence[key] = rec.start
    return _render(entities, edges, title)


def _render(entities: dict[str, _Entity], edges: list[_Edge], title: str) -> str:
    template = _environment().get_template("view.html")
    if not entities:
        return template.render(title=title, empty=True, n_nodes=0, n_edges=0, legend=[])
    nodes_data, edges_data, options = _network_data(entities, edges)
    vis_js, vis_css = _vis_assets()
    return template.render(
        title=title,
        empty=False,
        n_nodes=len(nodes_data),
        n_edges=len(edges_data),
        legend=_legend(entities.values()),
        data=Markup(_script_json({"nodes": nodes_data, "edges": edges_data, "options": options})),
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
    )


def write_html(
    graph: Graph, path: str | os.PathLike[str], *, title: str = "Knowledge graph"
) -> None:
    """Write :func:`to_html` to ``path`` atomically, so a browser never opens half a page."""
    atomic_write(path, to_html(graph, title=title))


# ---------------------------------------------------------------- reading the graph


def _collect(graph: Graph) -> tuple[dict[str, _Entity], list[_Edge]]:
    """Gather entities, relation edges and their provenance in a fixed number of passes.

    Each property is read once into a dict (rdflib answers a fixed predicate from its
    index), so the cost is linear in the graph, not entities times lookups.
    """
    onto = _ontology()
    classes: dict[str, list[str]] = defaultdict(list)
    for subject, cls in graph.subject_objects(RDF.type):
        if isinstance(subject, URIRef) and isinstance(cls, URIRef) and cls.startswith(_KG_NS):
            name = cls[len(_KG_NS) :]
            if name and name not in _NON_ENTITY_CLASSES:
                classes[str(subject)].append(name)
    if not classes:
        return {}, []

    labels = _index(graph, RDFS.label)
    alt_labels = _index(graph, SKOS.altLabel)
    entities: dict[str, _Entity] = {}
    for iri, names in classes.items():
        node = URIRef(iri)
        label = _first_text(labels, node)
        entities[iri] = _Entity(
            label=_clean(label if label is not None else _local_name(iri), _MAX_CHARS),
            # The most specific class wins (Country over Place), then the name.
            cls=min(names, key=lambda n: (-onto.depth.get(n, 0), n)),
            alt_labels=sorted({_clean(a, _MAX_CHARS) for a in _texts(alt_labels, node)}),
        )

    identifiers = _index(graph, DCTERMS.identifier)
    derived = _index(graph, PROV.wasDerivedFrom)
    attributed = _index(graph, PROV.wasAttributedTo)
    sentences = _index(graph, _KG.sentence)
    evidences = _index(graph, _KG.evidence)
    starts = _index(graph, _KG.start)

    def document(record: Node) -> str:
        names = [_name(doc, identifiers, "document") for doc in derived.get(record, ())]
        return min(names) if names else "unknown document"

    def sentence(record: Node) -> str:
        text = _first_text(sentences, record) or _first_text(evidences, record)
        return _clean(text, _MAX_CHARS) if text is not None else ""

    records = _provenance(graph, labels, attributed, starts, document, sentence)

    edges: list[_Edge] = []
    rdf_type = RDF.type  # hoisted: namespace attribute lookup is slow in a hot loop
    for s, p, o in graph.triples((None, None, None)):
        source, target = str(s), str(o)
        if p == rdf_type or source not in entities or target not in entities:
            continue
        if not (isinstance(s, URIRef) and isinstance(o, URIRef)):
            continue
        found = tuple(sorted(records.get((s, p, o), ())))
        edges.append(_Edge(source, str(p), target, found))
        entities[source].degree += 1
        entities[target].degree += 1
        for rec in found:
            for end in (entities[source], entities[target]):
                key = (rec.document, rec.sentence)
                if rec.sentence and (key not in end.evidence or rec.start < end.evidence[key]):
                    end.evidence[key] = rec.start
    edges.sort(key=lambda e: (e.source, e.predicate, e.target))

    texts = _index(graph, _KG.text)
    for quote, speaker in graph.subject_objects(_KG.speaker):
        said = entities.get(str(speaker))
        text = _first_text(texts, quote)
        if said is not None and isinstance(speaker, URIRef) and text is not None:
            start = _start(starts, quote)
            said.quotes.append((document(quote), start, _clean(text, _MAX_CHARS)))
    return entities, edges


def _provenance(
    graph: Graph,
    labels: Mapping[Node, list[Node]],
    attributed: Mapping[Node, list[Node]],
    starts: Mapping[Node, list[Node]],
    document: Callable[[Node], str],
    sentence: Callable[[Node], str],
) -> dict[tuple[Node, Node, Node], list[_Record]]:
    """Index the rdf:Statement provenance records by the triple they are about."""
    subjects = _index(graph, RDF.subject)
    predicates = _index(graph, RDF.predicate)
    objects = _index(graph, RDF.object)
    confidences = _index(graph, _KG.confidence)
    roles = _index(graph, _KG.roleTitle)
    found: dict[tuple[Node, Node, Node], list[_Record]] = defaultdict(list)
    for stmt in graph.subjects(RDF.type, RDF.Statement):
        s, p, o = _first(subjects, stmt), _first(predicates, stmt), _first(objects, stmt)
        if s is None or p is None or o is None:
            continue
        agents = [_name(agent, labels, "extractor") for agent in attributed.get(stmt, ())]
        role = _first_text(roles, stmt)
        found[(s, p, o)].append(
            _Record(
                document=document(stmt),
                start=_start(starts, stmt),
                sentence=sentence(stmt),
                extractor=min(agents) if agents else "unknown extractor",
                confidence=min((_confidence(c) for c in confidences.get(stmt, ())), default="?"),
                role=_clean(role, _MAX_CHARS) if role is not None else "",
            )
        )
    return found


def _index(graph: Graph, predicate: URIRef) -> dict[Node, list[Node]]:
    """Every subject's values of one property, from a single pass over the index."""
    values: dict[Node, list[Node]] = defaultdict(list)
    for subject, value in graph.subject_objects(predicate):
        values[subject].append(value)
    return values


def _first(values: Mapping[Node, list[Node]], subject: Node) -> Node | None:
    """The smallest value, so a node with two of them is read the same every time.

    Only for values the view follows, not shows: a shown value is picked by its text
    (:func:`_first_text`), since ``"1"`` and ``"1"^^xsd:integer`` tie here.
    """
    found = values.get(subject)
    return min(found, key=lambda v: (str(v), type(v).__name__)) if found else None


def _texts(values: Mapping[Node, list[Node]], subject: Node) -> list[str]:
    """The values' text, less blank nodes: their ids are new on every parse of a file.

    >>> _texts({URIRef("urn:x"): [Literal("b"), BNode("n7"), Literal("a")]}, URIRef("urn:x"))
    ['b', 'a']
    """
    return [str(v) for v in values.get(subject, ()) if not isinstance(v, BNode)]


def _first_text(values: Mapping[Node, list[Node]], subject: Node) -> str | None:
    """The smallest text, so a value shown is the same whatever order rdflib yields."""
    return min(_texts(values, subject), default=None)


def _name(node: Node, labels: Mapping[Node, list[Node]], kind: str) -> str:
    """What a document or extractor is called: its label, its IRI's tail, or its kind.

    A blank node has no name to show (its id changes on every parse), so it is
    "unnamed document" rather than a random string that would make pages differ.
    """
    label = _first_text(labels, node)
    if label is not None:
        return _clean(label, _MAX_CHARS)
    if isinstance(node, URIRef):
        return _clean(_local_name(str(node)), _MAX_CHARS)
    return f"unnamed {kind}"


def _start(starts: Mapping[Node, list[Node]], record: Node) -> int:
    """The earliest offset given, so a record with two reads the same every time."""
    return min((_integer(v) for v in starts.get(record, ())), default=0)


def _integer(node: Node | None) -> int:
    """An offset for ordering only, so an ill-typed literal sorts first rather than failing."""
    if isinstance(node, Literal):
        try:
            return int(node.toPython())
        except (TypeError, ValueError):
            return 0
    return 0


def _confidence(node: Node | None) -> str:
    """Two decimals are what a reader compares; a malformed value is shown, not hidden."""
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return f"{float(value):.2f}"
        return _clean(str(node), 20)
    return "?"


def _local_name(iri: str) -> str:
    """The readable tail of an IRI, for terms the graph and ontology leave unlabelled."""
    return re.split(r"[#/]", iri.rstrip("#/"))[-1] or iri


def _clean(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters: documents wrap sentences anywhere."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------- the ontology


@functools.cache
def _ontology() -> _Ontology:
    """Predicate labels and class depths (the deepest class of an entity is drawn)."""
    onto = load_ontology()
    labels = {str(KG[name]): onto.label(name) for name in onto.classes | onto.properties}
    depth = {cls: onto.depth(cls) for cls in onto.classes}
    return _Ontology(labels=labels, depth=depth)


def _predicate_label(predicate: str) -> str:
    return _ontology().labels.get(predicate) or _local_name(predicate)


# ---------------------------------------------------------------- building the page


def _colour(cls: str) -> str:
    """Keyed by name, never by order of appearance, so colours mean the same on every page."""
    if cls in _PALETTE:
        return _PALETTE[cls]
    digest = hashlib.sha256(cls.encode("utf-8")).digest()
    return _FALLBACK_PALETTE[digest[0] % len(_FALLBACK_PALETTE)]


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= _MAX_LINES:
        return lines
    return [*lines[:_MAX_LINES], f"… and {len(lines) - _MAX_LINES} more"]


def _node_title(entity: _Entity) -> str:
    lines = [entity.label, f"Class: {entity.cls}"]
    if entity.alt_labels:
        names = _capped(entity.alt_labels)
        lines.append("Also known as: " + "; ".join(names))
    if entity.evidence:
        ordered = sorted((doc, start, text) for (doc, text), start in entity.evidence.items())
        lines.append("Evidence:")
        lines.extend(_capped([f"• {text} [{doc}]" for doc, _, text in ordered]))
    if entity.quotes:
        lines.append("Quotes:")
        quotes = sorted(set(entity.quotes))
        lines.extend(_capped([f"• “{text}” [{doc}]" for doc, _, text in quotes]))
    return "\n".join(lines)


def _edge_title(edge: _Edge, entities: Mapping[str, _Entity], label: str) -> str:
    head = f"{entities[edge.source].label} → {label} → {entities[edge.target].label}"
    if not edge.records:
        return head + "\nNo provenance recorded."
    lines = []
    for rec in edge.records:
        facts = [f"document {rec.document}", f"extractor {rec.extractor}"]
        facts.append(f"confidence {rec.confidence}")
        if rec.role:
            facts.append(f"role {rec.role}")
        lines.append(f"• {rec.sentence or '(no sentence)'}\n  " + " · ".join(facts))
    return "\n".join([head, *_capped(lines)])


def _size(degree: int) -> int:
    """Grows with degree, but slowly and capped, so hubs stay readable."""
    return min(_MAX_SIZE, _MIN_SIZE + round(4 * math.sqrt(degree)))


def _options(n_nodes: int, n_edges: int) -> dict[str, Any]:
    """Fixed vis-network options: a seeded layout and physics that settle, then stop.

    Stabilisation runs hidden for a bounded number of iterations (fewer for big
    graphs, so a 20k-node page opens in seconds); the page script then turns physics
    off, so the drawing never keeps spinning.
    """
    iterations = 1000 if n_nodes <= 1000 else max(100, 1_000_000 // n_nodes)
    smooth: dict[str, Any] = (
        {"enabled": True, "type": "continuous", "roundness": 0.5}
        if n_edges <= _SMOOTH_EDGES_MAX
        else {"enabled": False}
    )
    return {
        "autoResize": True,
        "layout": {
            "randomSeed": _RANDOM_SEED,
            "improvedLayout": n_nodes <= _IMPROVED_LAYOUT_MAX,
        },
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "centralGravity": 0.01,
                "springLength": 120,
                "springConstant": 0.08,
                "damping": 0.4,
                "avoidOverlap": 0,
            },
            "maxVelocity": 50,
            "minVelocity": 0.75,
            "timestep": 0.5,
            "stabilization": {
                "enabled": True,
                "iterations": iterations,
                "updateInterval": 25,
                "fit": True,
                "onlyDynamicEdges": False,
            },
        },
        "nodes": {
            "shape": "dot",
            "borderWidth": 1,
            "font": {"size": 14, "face": "sans-serif", "color": "#222222"},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {
                "color": "#9a9a9a",
                "highlight": "#333333",
                "hover": "#333333",
                "inherit": False,
            },
            "font": {
                "size": 10,
                "face": "sans-serif",
                "color": "#555555",
                "align": "middle",
                "strokeWidth": 3,
            },
            "smooth": smooth,
            "width": 1,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": n_nodes > 1000,
            "multiselect": False,
            "navigationButtons": False,
            "keyboard": False,
        },
    }


def _network_data(
    entities: Mapping[str, _Entity], edges: list[_Edge]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Let pyvis build the node and edge records, filled in one pass.

    ``Network.add_node`` and ``add_edge`` test membership in a list on every call,
    which is quadratic; the records are appended directly instead, keeping
    ``nodes``, ``node_ids`` and ``node_map`` in step as ``add_node`` would.
    """
    # Imported here: pyvis pulls in IPython, which `import kg.view.html` should not pay for.
    from pyvis.edge import Edge
    from pyvis.network import Network
    from pyvis.node import Node as VisNode

    net = Network(directed=True, cdn_resources="in_line")
    for iri in sorted(entities):
        entity = entities[iri]
        node = VisNode(
            iri,
            "dot",
            label=_clean(entity.label, _MAX_LABEL),
            color=_colour(entity.cls),
            size=_size(entity.degree),
            title=_node_title(entity),
        )
        net.nodes.append(node.options)
        net.node_ids.append(iri)
        net.node_map[iri] = node.options

    parallel: dict[frozenset[str], int] = defaultdict(int)
    for number, edge in enumerate(edges):
        label = _predicate_label(edge.predicate)
        extra: dict[str, Any] = {}
        pair = frozenset((edge.source, edge.target))
        if parallel[pair]:  # bend repeated links between one pair apart
            extra["smooth"] = {
                "enabled": True,
                "type": "curvedCW",
                "roundness": round(0.2 * parallel[pair], 2),
            }
        parallel[pair] += 1
        net.edges.append(
            Edge(
                edge.source,
                edge.target,
                directed=True,
                id=f"e{number}",
                label=label,
                title=_edge_title(edge, entities, label),
                **extra,
            ).options
        )
    net.options = _options(len(net.nodes), len(net.edges))
    nodes, edges_data, _heading, _height, _width, options = net.get_network_data()
    return nodes, edges_data, json.loads(options)


def _legend(entities: Iterable[_Entity]) -> list[dict[str, Any]]:
    counts: dict[str, int] = defaultdict(int)
    for entity in entities:
        counts[entity.cls] += 1
    return [{"name": c, "colour": _colour(c), "count": counts[c]} for c in sorted(counts)]


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element and as a JavaScript literal.

    ``ensure_ascii`` also keeps lone surrogates from bad input writable as UTF-8.
    """
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return text.translate(_SCRIPT_ESCAPES)


def _csp_hash(script: str) -> str:
    """A CSP source expression that allows exactly this inline script."""
    digest = hashlib.sha256(str(script).encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@functools.cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped in the installed pyvis, ready to inline.

    The source-map comment goes: it names a file next to the script that an inlined
    page does not have.
    """
    import pyvis

    folder = Path(pyvis.__file__).parent.joinpath(*_VIS_DIR)
    js = _SOURCE_MAP.sub("", (folder / "vis-network.min.js").read_text(encoding="utf-8"))
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    if re.search(r"</script|<!--", js, re.IGNORECASE) or re.search(r"</style", css, re.I):
        raise RuntimeError(f"{folder} cannot be inlined: it would close its own element")
    return js, css


@functools.cache
def _environment() -> jinja2.Environment:
    """Autoescape on, and undefined names fatal: a template typo must not render as ''."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["csp_hash"] = _csp_hash
    return env
