"""What a view draws, read from an RDF graph once: entities, relations and their evidence.

The reading is built for archives of half a million triples. It reads each subject's
values by property: a :class:`~kg.view.source.TripleIndex` holds them so, and an
rdflib graph gives them with one lookup of its store's predicate index for each
property the view reads (relations come from each entity's own triples), so
nothing scans a whole rdflib graph. An IRI is read as its text. Every shown value
is chosen by its text (never by the order the store yields it), so the same graph
always gives the same model.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from kg.ontology.schema import KG, load_ontology
from kg.view.source import READ_LITERALS, Properties, Term, TripleIndex

__all__ = [
    "Entity",
    "Record",
    "Relation",
    "ViewModel",
    "add_records",
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


def read_model(graph: Graph | TripleIndex, *, records: bool = True) -> ViewModel:
    """Read ``graph`` (an rdflib graph, or the :class:`~kg.view.source.TripleIndex` of a
    Turtle file or store) into a :class:`ViewModel`.

    With ``records=False`` every relation comes without its provenance records (two
    thirds of the reading): enough to select and lay out, and :func:`add_records`
    reads them later, for the relations kept, while the layout runs beside it.

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
    if isinstance(graph, TripleIndex):
        subjects: Mapping[Term, Properties] = graph.subjects
    else:
        subjects = _subjects(graph)
    classes: dict[str, list[str]] = {}
    statements: list[Properties] = []
    for subject, props in subjects.items():
        for cls in props.get(_TYPE, ()):
            if cls == _STATEMENT:
                statements.append(props)
            elif type(subject) is str and type(cls) is str and cls.startswith(_KG_NS):
                local = cls[len(_KG_NS) :]
                if local and local not in _NON_ENTITY_CLASSES:
                    classes.setdefault(subject, []).append(local)
    if not classes:
        return ViewModel(entities={}, relations=())

    name = _namer(subjects)
    quotes = _quotes(subjects, name)
    entities: dict[str, Entity] = {}

    def specific(cls: str) -> tuple[int, str]:
        # The ontology is read only when an entity has two classes (kg writes one):
        # the page reads it anyway, later, while the layout runs beside.
        return -_ontology_depth().get(cls, 0), cls

    for node in sorted(classes):
        props = subjects[node]
        label = _text(props.get(_LABEL))
        shown = clean(label, 120) if label is not None else local_name(node)
        other = props.get(_ALT_LABEL)
        own = {clean(a, 120) for a in _texts(other)} - {shown} if other else ()
        kinds = classes[node]
        spoken = quotes.get(node)
        entities[node] = Entity(
            iri=node,
            label=shown,
            # The most specific class wins (Country over Place), then the name.
            cls=kinds[0] if len(kinds) == 1 else min(kinds, key=specific),
            aliases=tuple(sorted(own)),
            documents=frozenset([name(d, "document") for d in props.get(_MENTIONED_IN, ())]),
            quotes=tuple(sorted(set(spoken))) if spoken else (),
        )

    relations = [
        Relation(node, p, o, ())
        for node, p, o in _links(graph, classes)
        if type(o) is str and o in classes
    ]
    relations.sort(key=lambda r: (r.source, r.predicate, r.target))
    model = ViewModel(entities=entities, relations=tuple(relations))
    return _with_records(model, statements, name) if records else model


def add_records(model: ViewModel, graph: Graph | TripleIndex) -> ViewModel:
    """``model`` (read with ``records=False`` from ``graph``) with each relation's
    provenance records, as :func:`read_model` reads them."""
    subjects = graph.subjects if isinstance(graph, TripleIndex) else _subjects(graph)
    statements = [props for props in subjects.values() if _STATEMENT in props.get(_TYPE, ())]
    return _with_records(model, statements, _namer(subjects))


def _with_records(model: ViewModel, statements: list[Properties], name: _Namer) -> ViewModel:
    records = _records(statements, name)
    relations = []
    for r in model.relations:
        found = records.get((r.source, r.predicate, r.target))
        relations.append(
            Relation(r.source, r.predicate, r.target, tuple(sorted(found)) if found else ())
        )
    return ViewModel(entities=model.entities, relations=tuple(relations))


def _namer(subjects: Mapping[Term, Properties]) -> _Namer:
    names: dict[Term, str] = {}
    nothing: Properties = {}

    def name(node: Term, kind: str) -> str:
        """What a document or extractor is called: its identifier, label or IRI tail."""
        found = names.get(node)
        if found is None:
            own = subjects.get(node, nothing)
            text = _text(own.get(_IDENTIFIER)) or _text(own.get(_LABEL))
            if text is not None:
                found = clean(text, 120)
            elif type(node) is str:
                found = clean(local_name(node), 120)
            else:  # a blank node's id is new on every parse
                found = f"unnamed {kind}"
            names[node] = found
        return found

    return name


def _records(
    statements: list[Properties], name: _Namer
) -> dict[tuple[Term, Term, Term], list[Record]]:
    """The rdf:Statement provenance records, by the triple they are about."""
    found: dict[tuple[Term, Term, Term], list[Record]] = defaultdict(list)
    # Offsets and scores repeat, and an index shares the literal of equal ones:
    # each literal object is read once.
    starts: dict[int, int] = {}
    scores: dict[int, str] = {}

    def start(node: Term) -> int:
        value = starts.get(id(node))
        if value is None:
            value = starts[id(node)] = _integer(node)
        return value

    def score(node: Term) -> str:
        value = scores.get(id(node))
        if value is None:
            value = scores[id(node)] = _confidence(node)
        return value

    def document(node: Term) -> str:
        return name(node, "document")

    def extractor(node: Term) -> str:
        return name(node, "extractor")

    for props in statements:
        get = props.get
        s, p, o = get(_SUBJECT), get(_PREDICATE), get(_OBJECT)
        if not s or not p or not o:
            continue
        sentence = _text(get(_SENTENCE))
        if sentence is None:
            sentence = _text(get(_EVIDENCE))
        role = _text(get(_ROLE_TITLE))
        found[(_first(s), _first(p), _first(o))].append(
            Record(
                document=_least(get(_DERIVED_FROM), document, "unknown document"),
                start=_least(get(_START), start, 0),
                sentence=clean(sentence, MAX_TEXT) if sentence is not None else "",
                extractor=_least(get(_ATTRIBUTED_TO), extractor, "unknown extractor"),
                confidence=_least(get(_CONFIDENCE), score, "?"),
                role=clean(role, 120) if role is not None else "",
            )
        )
    return found


def _quotes(
    subjects: Mapping[Term, Properties], name: _Namer
) -> dict[Term, list[tuple[str, int, str]]]:
    """Each speaker's quotes as (document, offset, text)."""
    found: dict[Term, list[tuple[str, int, str]]] = defaultdict(list)
    for props in subjects.values():
        speakers = props.get(_SPEAKER)
        if not speakers:
            continue
        text = _text(props.get(_TEXT))
        if text is None:
            continue
        docs = [name(d, "document") for d in props.get(_DERIVED_FROM, ())]
        start = min((_integer(v) for v in props.get(_START, ())), default=0)
        for speaker in speakers:
            if type(speaker) is str:
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


def _subjects(graph: Graph) -> dict[Term, Properties]:
    """An rdflib graph's values of the properties a view reads, by subject, read from
    the store's predicate index (no scan of the whole graph)."""
    subjects: dict[Term, Properties] = {}
    term = _view_term
    for predicate in READ_LITERALS:
        for (s, _p, o), _ctx in graph.store.triples((None, URIRef(predicate), None), None):
            subjects.setdefault(term(s), {}).setdefault(predicate, []).append(term(o))
    return subjects


def _links(graph: Source, entities: Mapping[str, object]) -> Iterator[tuple[str, str, Term]]:
    """(subject, predicate, object) of the entities' own triples but their types: from
    the index's entries of each entity, or the rdflib store's triples of each."""
    if isinstance(graph, TripleIndex):
        subjects = graph.subjects
        for node in entities:
            for predicate, values in subjects[node].items():
                if predicate != _TYPE:
                    for value in values:
                        yield node, predicate, value
        return
    rdf_type, term = RDF.type, _view_term
    for node in entities:
        for (_s, p, o), _ctx in graph.store.triples((URIRef(node), None, None), None):
            if p != rdf_type:
                yield node, str(p), term(o)


def _first(values: list[Term]) -> Term:
    """The smallest value, so a node with two is read the same every time."""
    return values[0] if len(values) == 1 else min(values, key=_order)


def _order(value: Term) -> tuple[str, int]:
    """A blank node first, then a literal, then an IRI, for the same text (rdflib's
    term type names used to break the tie, in that order)."""
    return str(value), 0 if isinstance(value, BNode) else 1 if isinstance(value, Literal) else 2


def _texts(values: list[Term] | None) -> list[str]:
    """The values' text, less blank nodes: their ids are new on every parse."""
    return [str(v) for v in values if not isinstance(v, BNode)] if values else []


def _text(values: list[Term] | None) -> str | None:
    """The smallest text of the values (the one value's, most often)."""
    if values and len(values) == 1:
        value = values[0]
        return None if isinstance(value, BNode) else str(value)
    return min(_texts(values), default=None)


_T = TypeVar("_T", int, str)


def _least(values: list[Term] | None, read: Callable[[Term], _T], default: _T) -> _T:
    """The smallest of ``read`` over the values (most often there is one), or ``default``."""
    if not values:
        return default
    if len(values) == 1:
        return read(values[0])
    return min(read(v) for v in values)


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
