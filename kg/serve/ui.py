"""The browser side of ``kg serve``: a query editor, entity pages, search, a drawn neighbourhood.

Every page is rendered here, on the server, from Jinja2 templates with autoescaping
on, and carries no script at all: names, sentences and quotes were read from
documents and are hostile, and a page without script cannot run one. The policy
sent with every page (:data:`PAGE_POLICY`) says so to the browser too. The one page
with script is kg's own view (:func:`kg.view.to_html`) of an entity's neighbourhood,
which escapes its data itself and is shown in a sandboxed frame with the view's
own policy.

Every question the pages ask is SPARQL through the same sandbox as ``/sparql``
(:class:`~kg.serve.backend.Backend`), with what the user typed quoted as a string
literal (:func:`kg.rdf.query.sparql_string`), never pasted in as syntax.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Final

import jinja2
import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

from kg.ontology.schema import PREFIXES
from kg.rdf.query import QueryResult, list_named_queries, sparql_string
from kg.view import Selection, read_model, to_html
from kg.view.model import Entity, Relation, local_name, predicate_label

__all__ = [
    "PAGE_POLICY",
    "Cell",
    "entity_href",
    "entity_iri",
    "neighbourhood_query",
    "pages",
    "result_table",
    "search_query",
    "view_page",
]

PAGE_POLICY: Final = (
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""The Content-Security-Policy of every page but the view: no script, nothing from elsewhere."""

ENTITY_NS: Final = PREFIXES["kgr"]
_SAFE_IRI: Final = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")
_SEARCH_LIMIT: Final = 50
_PARAMETER: Final = re.compile(r"\$([A-Za-z_]\w*)")
_VIEW_POLICY: Final = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')

pages: Final = jinja2.Environment(
    loader=jinja2.PackageLoader("kg.serve", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
"""The page templates (kg/serve/templates), autoescaped."""


def entity_href(iri: str, page: str = "entity") -> str:
    """The page of the entity ``iri`` (or its drawn ``view``): ``/entity/NAME`` for
    kg's own IRIs, ``/entity/?iri=IRI`` for others.

    >>> entity_href("https://w3id.org/kg/id/person_ada-lovelace")
    '/entity/person_ada-lovelace'
    >>> entity_href("http://example.org/a b", "view")
    '/view/?iri=http%3A%2F%2Fexample.org%2Fa%20b'
    """
    name = iri[len(ENTITY_NS) :] if iri.startswith(ENTITY_NS) else ""
    if name and not name.startswith("/") and ".." not in name:
        return f"/{page}/" + urllib.parse.quote(name, safe="/")
    return f"/{page}/?iri=" + urllib.parse.quote(iri, safe="")


def entity_iri(name: str, iri: str | None) -> str | None:
    """The IRI an entity URL names, or None if it names none that SPARQL can spell."""
    chosen = iri if iri else (ENTITY_NS + name if name else "")
    return chosen if _SAFE_IRI.fullmatch(chosen) else None


@dataclass(frozen=True)
class Cell:
    """One shown value: its text, and the page it links to (entities only)."""

    text: str
    href: str | None = None
    title: str | None = None


def _cell(node: Node | None) -> Cell:
    if node is None:
        return Cell("")
    if isinstance(node, URIRef):
        iri = str(node)
        short = "kgr:" + iri[len(ENTITY_NS) :] if iri.startswith(ENTITY_NS) else iri
        return Cell(short, entity_href(iri) if iri.startswith(ENTITY_NS) else None, iri)
    if isinstance(node, BNode):
        return Cell(f"_:{node}")
    text = str(node)
    if isinstance(node, Literal) and node.language:
        return Cell(text, title=f"@{node.language}")
    return Cell(text)


def result_table(result: QueryResult) -> tuple[list[str], list[list[Cell]]]:
    """A result as column names and rows of cells; a graph as its sorted triples."""
    if result.kind == "ask":
        return ["boolean"], [[Cell("true" if result.boolean else "false")]]
    if result.kind == "construct":
        graph = result.graph if result.graph is not None else rdflib.Graph()
        triples = sorted(graph, key=lambda t: [n.n3() for n in t])
        return ["subject", "predicate", "object"], [[_cell(n) for n in t] for t in triples]
    return list(result.variables), [[_cell(n) for n in row] for row in result.rows]


def named_queries() -> Mapping[str, tuple[str, list[str]]]:
    """Each named query's description and ``$parameters``, for the editor's menu."""
    folder = resources.files("kg.rdf") / "queries"
    found = {}
    for name, description in sorted(list_named_queries().items()):
        text = (folder / f"{name}.rq").read_text(encoding="utf-8")
        found[name] = (description, sorted(set(_PARAMETER.findall(text))))
    return found


def search_query(text: str) -> str:
    """Entities whose name or alias contains ``text``, in any case."""
    return f"""
PREFIX kg: <{PREFIXES["kg"]}>
PREFIX rdfs: <{PREFIXES["rdfs"]}>
PREFIX skos: <{PREFIXES["skos"]}>
SELECT DISTINCT ?entity ?label ?class WHERE {{
  ?entity rdfs:label|skos:altLabel ?name .
  FILTER(CONTAINS(LCASE(STR(?name)), LCASE({sparql_string(text)})))
  ?entity a ?class .
  FILTER(STRSTARTS(STR(?class), STR(kg:)) && ?class NOT IN (kg:Document, kg:Quote, kg:Merge))
  OPTIONAL {{ ?entity rdfs:label ?label }}
}}
ORDER BY ?label ?entity
LIMIT {_SEARCH_LIMIT}
"""


def neighbourhood_query(iri: str) -> str:
    """A CONSTRUCT of what an entity page shows and its view draws: the entity's own
    triples, its neighbours' names, classes and links, the provenance records of its
    relations, its quotes, and the names of the documents and extractors they cite.

    ``iri`` must match :data:`_SAFE_IRI` (see :func:`entity_iri`)."""
    if not _SAFE_IRI.fullmatch(iri):
        raise ValueError(f"not an IRI SPARQL can spell: {iri!r}")
    return f"""
PREFIX kg: <{PREFIXES["kg"]}>
PREFIX rdf: <{PREFIXES["rdf"]}>
PREFIX rdfs: <{PREFIXES["rdfs"]}>
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX prov: <{PREFIXES["prov"]}>
PREFIX dcterms: <{PREFIXES["dcterms"]}>
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  VALUES ?e {{ <{iri}> }}
  {{ ?e ?p ?o . BIND(?e AS ?s) }}
  UNION {{
    {{ ?e ?r ?s }} UNION {{ ?s ?r ?e }}
    ?s a ?c .
    FILTER(isIRI(?s) && STRSTARTS(STR(?c), STR(kg:)) && ?c NOT IN (kg:Document, kg:Quote))
    ?s ?p ?o .
    FILTER(?p IN (rdf:type, rdfs:label, skos:altLabel) || isIRI(?o))
  }}
  UNION {{ ?s rdf:subject|rdf:object ?e . ?s a rdf:Statement ; ?p ?o }}
  UNION {{ ?s kg:speaker ?e ; ?p ?o }}
  UNION {{
    {{ ?e kg:mentionedIn ?s }}
    UNION {{ ?x kg:speaker ?e ; prov:wasDerivedFrom ?s }}
    UNION {{ ?x rdf:subject|rdf:object ?e ; prov:wasDerivedFrom|prov:wasAttributedTo ?s }}
    ?s ?p ?o .
    FILTER(?p IN (rdf:type, rdfs:label, dcterms:identifier))
  }}
}}
"""


@dataclass(frozen=True)
class EntityPage:
    """What an entity page shows, read from :func:`neighbourhood_query`'s graph."""

    entity: Entity
    outgoing: list[tuple[Relation, Entity | None]]
    incoming: list[tuple[Relation, Entity | None]]


def entity_page(graph: rdflib.Graph, iri: str) -> EntityPage | None:
    """The entity ``iri`` with its relations (and their evidence) and quotes, or None
    if the graph does not have it as an entity."""
    model = read_model(graph)
    entity = model.entities.get(iri)
    if entity is None:
        return None
    outgoing = [(r, model.entities.get(r.target)) for r in model.relations if r.source == iri]
    incoming = [
        (r, model.entities.get(r.source))
        for r in model.relations
        if r.target == iri and r.source != iri
    ]
    return EntityPage(entity, outgoing, incoming)


def view_page(graph: rdflib.Graph, iri: str, title: str) -> tuple[str, str]:
    """kg's view of the entity's neighbourhood (one hop), and the page's own policy."""
    page = to_html(graph, title=title, selection=Selection(focus=iri, hops=1), renderer="vis")
    found = _VIEW_POLICY.search(page)
    policy = found.group(1) if found else "default-src 'none'"
    return page, f"{policy}; frame-ancestors 'self'"


jinja_globals: Final = {
    "entity_href": entity_href,
    "local_name": local_name,
    "predicate_label": predicate_label,
}
pages.globals.update(jinja_globals)
