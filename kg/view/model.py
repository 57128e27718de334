"""What a view draws, read from an RDF graph once: entities, relations and their evidence.

The reading is built for archives of half a million triples: each property the view
needs is read with one lookup of the store's predicate index, and relations are
found from each entity's own triples, so nothing scans the whole graph, and no
rdflib term is made for a value the page does not show. Every shown value is chosen
by its text (never by the order the store yields it), so the same graph always gives
the same model.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from kg.ontology.schema import KG, load_ontology
from kg.view.source import Term, TripleIndex

__all__ = [
    "Entity",
    "Record",
    "Relation",
    "ViewModel",
    "clean",
    "local_name",
    "predicate_label",
    "read_model",
]

_Namer = Callable[[Term, str], str]
Source = Graph | TripleIndex

_KG_NS: Final = str(KG)
_TYPE: Final = str(RDF.type)
_STATEMENT: Final = str(RDF.Statement)
_SUBJECT: Final = str(RDF.subject)
_PREDICATE: Final = str(RDF.predicate)
_OBJECT: Final = str(RDF.object)
_LABEL: Final = str(RDFS.label)
_ALT_LABEL: Final = str(SKOS.altLabel)
_IDENTIFIER: Final = str(DCTERMS.identifier)
_DERIVED_FROM: Final = str(PROV.wasDerivedFrom)
_ATTRIBUTED_TO: Final = str(PROV.wasAttributedTo)
_MENTIONED_IN: Final = str(KG.mentionedIn)
_SENTENCE: Final = str(KG.sentence)
_EVIDENCE: Final = str(KG.evidence)
_START: Final = str(KG.start)
_CONFIDENCE: Final = str(KG.confidence)
_ROLE_TITLE: Final = str(KG.roleTitle)
_TEXT: Final = str(KG.text)
_SPEAKER: Final = str(KG.speaker)
_NON_ENTITY_CLASSES: Final = frozenset({"Document", "Quote"})
MAX_TEXT: Final = 400  # characters of one sentence or quote shown in the panel


@dataclass(frozen=True, slots=True, order=True)
class Record:
    """One place a relation was read, in the order records are listed."""

    document: str
    start: int
    sentence: str
    extractor: str
    confidence: str
    role: str


@dataclass(frozen=True, slots=True)
class Entity:
    """One node: its IRI, shown name, most specific class, other names and quotes."""

    iri: str
    label: str
    cls: str
    aliases: tuple[str, ...]
    documents: frozenset[str]
    quotes: tuple[tuple[str, int, str], ...]


@dataclass(frozen=True, slots=True)
class Relation:
    """One relation triple between two entities, with every record of it."""

    source: str
    predicate: str
    target: str
    records: tuple[Record, ...]


@dataclass(frozen=True, slots=True)
class ViewModel:
    """Entities by IRI and relations, both sorted; the input of selection and layout."""

    entities: Mapping[str, Entity]
    relations: tuple[Relation, ...]

    def restrict(self, keep: set[str], relations: list[Relation] | None = None) -> ViewModel:
        """The model with only ``keep``'s entities and the relations between them."""
        chosen = self.relations if relations is None else relations
        return ViewModel(
            entities={iri: e for iri, e in self.entities.items() if iri in keep},
            relations=tuple(r for r in chosen if r.source in keep and r.target in keep),
        )


def read_model(graph: Graph | TripleIndex) -> ViewModel:
    """Read ``graph`` (an rdflib graph, or the :class:`~kg.view.source.TripleIndex` of a
    Turtle file or store) into a :class:`ViewModel`.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix kg: <https://w3id.org/kg/ontology#> .
    ... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ... @prefix x: <https://example.org/id/> .
    ... x:a a kg:Person ; rdfs:label "Ana" ; kg:met x:b .
    ... x:b a kg:Person .''')
    >>> model = read_model(g)
    >>> [(e.label, e.cls) for e in model.entities.values()]
    [('Ana', 'Person'), ('b', 'Person')]
    >>> [(r.source, r.predicate.rsplit("#")[-1], r.target) for r in model.relations]
    [('https://example.org/id/a', 'met', 'https://example.org/id/b')]
    """
    onto = _ontology_depth()
    classes: dict[str, list[str]] = defaultdict(list)
    statements: list[Term] = []
    for subject, cls in _pairs(graph, _TYPE):
        if cls == _STATEMENT:
            statements.append(subject)
        elif type(subject) is str and type(cls) is str and cls.startswith(_KG_NS):
            local = cls[len(_KG_NS) :]
            if local and local not in _NON_ENTITY_CLASSES:
                classes[subject].append(local)
    if not classes:
        return ViewModel(entities={}, relations=())

    labels = _index(graph, _LABEL)
    identifiers = _index(graph, _IDENTIFIER)
    names: dict[Term, str] = {}

    def name(node: Term, kind: str) -> str:
        """What a document or extractor is called: its identifier, label or IRI tail."""
        found = names.get(node)
        if found is None:
            text = _first_text(identifiers, node) or _first_text(labels, node)
            if text is not None:
                found = clean(text, 120)
            elif type(node) is str:
                found = clean(local_name(node), 120)
            else:  # a blank node's id is new on every parse
                found = f"unnamed {kind}"
            names[node] = found
        return found

    mentioned = _index(graph, _MENTIONED_IN)
    aliases = _index(graph, _ALT_LABEL)
    quotes = _quotes(graph, name)
    entities: dict[str, Entity] = {}
    for node in sorted(classes):
        label = _first_text(labels, node)
        own = {clean(a, 120) for a in _texts(aliases, node)}
        shown = clean(label, 120) if label is not None else local_name(node)
        own.discard(shown)
        entities[node] = Entity(
            iri=node,
            label=shown,
            # The most specific class wins (Country over Place), then the name.
            cls=min(classes[node], key=lambda n: (-onto.get(n, 0), n)),
            aliases=tuple(sorted(own)),
            documents=frozenset(name(d, "document") for d in mentioned.get(node, ())),
            quotes=tuple(sorted(set(quotes.get(node, ())))),
        )

    records = _records(graph, statements, name)
    relations: list[Relation] = []
    for node, p, o in _links(graph, classes):
        if type(o) is str and o in classes:
            found = records.get((node, p, o))
            relations.append(Relation(node, p, o, tuple(sorted(found)) if found else ()))
    relations.sort(key=lambda r: (r.source, r.predicate, r.target))
    return ViewModel(entities=entities, relations=tuple(relations))


def _records(
    graph: Source, statements: list[Term], name: _Namer
) -> dict[tuple[Term, Term, Term], list[Record]]:
    """The rdf:Statement provenance records, by the triple they are about."""
    subjects = _index(graph, _SUBJECT)
    predicates = _index(graph, _PREDICATE)
    objects = _index(graph, _OBJECT)
    derived = _index(graph, _DERIVED_FROM)
    attributed = _index(graph, _ATTRIBUTED_TO)
    sentences = _index(graph, _SENTENCE)
    starts = _index(graph, _START)
    confidences = _index(graph, _CONFIDENCE)
    roles = _index(graph, _ROLE_TITLE)
    evidences: Mapping[Term, list[Term]] | None = None  # read only if a sentence is missing
    found: dict[tuple[Term, Term, Term], list[Record]] = defaultdict(list)
    for stmt in statements:
        s, p, o = _first(subjects, stmt), _first(predicates, stmt), _first(objects, stmt)
        if s is None or p is None or o is None:
            continue
        sentence = _first_text(sentences, stmt)
        if sentence is None:
            if evidences is None:
                evidences = _index(graph, _EVIDENCE)
            sentence = _first_text(evidences, stmt)
        role = _first_text(roles, stmt)
        docs = [name(d, "document") for d in derived.get(stmt, ())]
        agents = [name(a, "extractor") for a in attributed.get(stmt, ())]
        found[(s, p, o)].append(
            Record(
                document=min(docs) if docs else "unknown document",
                start=min((_integer(v) for v in starts.get(stmt, ())), default=0),
                sentence=clean(sentence, MAX_TEXT) if sentence is not None else "",
                extractor=min(agents) if agents else "unknown extractor",
                confidence=min((_confidence(c) for c in confidences.get(stmt, ())), default="?"),
                role=clean(role, 120) if role is not None else "",
            )
        )
    return found


def _quotes(graph: Source, name: _Namer) -> dict[Term, list[tuple[str, int, str]]]:
    """Each speaker's quotes as (document, offset, text)."""
    texts = _index(graph, _TEXT)
    derived = _index(graph, _DERIVED_FROM)
    starts = _index(graph, _START)
    found: dict[Term, list[tuple[str, int, str]]] = defaultdict(list)
    for quote, speaker in _pairs(graph, _SPEAKER):
        text = _first_text(texts, quote)
        if text is None or type(speaker) is not str:
            continue
        docs = [name(d, "document") for d in derived.get(quote, ())]
        start = min((_integer(v) for v in starts.get(quote, ())), default=0)
        found[speaker].append(
            (min(docs) if docs else "unknown document", start, clean(text, MAX_TEXT))
        )
    return found


# ---------------------------------------------------------------- reading values
#
# Both sources are read in the index's terms (kg.view.source.Term): an IRI is its
# text, so a model's IRIs are plain strings whichever source it came from.


def _view_term(node: object) -> Term:
    """An rdflib term as the view reads it."""
    if isinstance(node, URIRef):
        return str(node)
    return node  # type: ignore[return-value]  # a Literal or BNode (or a graph's oddity)


def _pairs(graph: Source, predicate: str) -> Iterator[tuple[Term, Term]]:
    """(subject, object) of one property, from the store's index with no Graph layer."""
    if isinstance(graph, TripleIndex):
        for subject, values in graph.values.get(predicate, {}).items():
            for value in values:
                yield subject, value
        return
    term = _view_term
    for (s, _p, o), _ctx in graph.store.triples((None, URIRef(predicate), None), None):
        yield term(s), term(o)


def _index(graph: Source, predicate: str) -> Mapping[Term, list[Term]]:
    """Every subject's values of one property (the hot loop of reading: kept flat)."""
    if isinstance(graph, TripleIndex):
        return graph.values.get(predicate, {})
    values: dict[Term, list[Term]] = {}
    get = values.get
    for subject, value in _pairs(graph, predicate):
        found = get(subject)
        if found is None:
            values[subject] = [value]
        else:
            found.append(value)
    return values


def _links(graph: Source, entities: Mapping[str, object]) -> Iterator[tuple[str, str, Term]]:
    """(subject, predicate, object) of the entities' own triples but their types.

    An index holds each property's values by subject, so its relations are read
    property by property; an rdflib graph is asked for each entity's triples.
    """
    if isinstance(graph, TripleIndex):
        for predicate, table in graph.values.items():
            if predicate == _TYPE:
                continue
            for subject, values in table.items():
                if subject in entities:
                    assert type(subject) is str
                    for value in values:
                        yield subject, predicate, value
        return
    rdf_type, term = RDF.type, _view_term
    for node in entities:
        for (_s, p, o), _ctx in graph.store.triples((URIRef(node), None, None), None):
            if p != rdf_type:
                yield node, str(p), term(o)


def _first(values: Mapping[Term, list[Term]], subject: Term) -> Term | None:
    """The smallest value, so a node with two is read the same every time."""
    found = values.get(subject)
    if not found:
        return None
    return found[0] if len(found) == 1 else min(found, key=_order)


def _order(value: Term) -> tuple[str, int]:
    """A blank node first, then a literal, then an IRI, for the same text (rdflib's
    term type names used to break the tie, in that order)."""
    return str(value), 0 if isinstance(value, BNode) else 1 if isinstance(value, Literal) else 2


def _texts(values: Mapping[Term, list[Term]], subject: Term) -> list[str]:
    """The values' text, less blank nodes: their ids are new on every parse."""
    return [str(v) for v in values.get(subject, ()) if not isinstance(v, BNode)]


def _first_text(values: Mapping[Term, list[Term]], subject: Term) -> str | None:
    return min(_texts(values, subject), default=None)


def _integer(node: Term) -> int:
    """An offset for ordering only: an ill-typed literal sorts first rather than failing."""
    if isinstance(node, Literal):
        try:
            return int(node.toPython())
        except (TypeError, ValueError):
            return 0
    return 0


def _confidence(node: Term) -> str:
    """Two decimals are what a reader compares; a malformed value is shown, not hidden."""
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return f"{float(value):.2f}"
        return clean(str(node), 20)
    return "?"


def local_name(iri: str) -> str:
    """The readable tail of an IRI.

    >>> local_name("https://w3id.org/kg/ontology#worksFor")
    'worksFor'
    """
    return re.split(r"[#/]", iri.rstrip("#/"))[-1] or iri


def clean(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters: documents wrap sentences anywhere.

    >>> clean("a\\n  b", 10), clean("abcdefghijkl", 5)
    ('a b', 'abcd…')
    """
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@functools.cache
def _ontology_depth() -> dict[str, int]:
    onto = load_ontology()
    return {cls: onto.depth(cls) for cls in onto.classes}


@functools.cache
def _property_labels() -> dict[str, str]:
    onto = load_ontology()
    return {str(KG[name]): onto.label(name) for name in onto.properties}


def predicate_label(iri: str) -> str:
    """A property's rdfs:label from the ontology, else its IRI's tail.

    >>> predicate_label("https://w3id.org/kg/ontology#worksFor"), predicate_label("urn:x#advises")
    ('works for', 'advises')
    """
    return _property_labels().get(iri) or local_name(iri)
