"""Extractions → RDF: deterministic IRIs, plain triples and their provenance.

This is the only module that turns kg's dataclasses into rdflib terms. The model
(see the README) is: each relation is a plain triple between entity IRIs, so that
``SELECT ?x WHERE { ?x kg:wroteTo ?y }`` just works, plus one ``rdf:Statement``
per place it was read, carrying PROV-O provenance. IRIs are derived from content
(never from counters or input order), so the same input gives the same graph.

>>> entity_iri("Person", "Bob Russell")
rdflib.term.URIRef('https://w3id.org/kg/id/person_bob-russell')
>>> entity_iri("Organization", "AT&T") == entity_iri("Organization", "AT&T")
True
>>> str(entity_iri("Organization", "AT&T")).startswith("https://w3id.org/kg/id/organization_at-t_")
True
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from typing import Final

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from kg.extract.entities import Entity
from kg.extract.extraction import Extraction
from kg.extract.quotes import Quote
from kg.extract.relations import Candidate
from kg.ingest.documents import Document
from kg.ontology.schema import KG, KGR, PREFIXES, Ontology, load_ontology, name_key

__all__ = [
    "SCHEMA",
    "add_extraction",
    "confidence_literal",
    "document_iri",
    "entity_iri",
    "extractor_iri",
    "new_graph",
]

SCHEMA = Namespace(PREFIXES["schema"])

_SLUG_KEEP = re.compile(r"(?:[^\w.'-]|_)+", re.UNICODE)


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def _slug(name: str) -> tuple[str, bool]:
    """A readable IRI segment and whether it represents the folded name without loss."""
    key = name_key(name)
    words = [w for w in _SLUG_KEEP.split(key.replace("'", "")) if w]
    slug = "-".join(w.strip(".-_") for w in words if w.strip(".-_"))

    def plain(text: str) -> str:  # what the slug keeps: no apostrophes, dots or hyphens
        return " ".join(text.replace("'", "").replace(".", " ").replace("-", " ").split())

    lossless = plain(slug) == plain(key)
    # Letters, digits, "-" and "." are never control or format characters (category C).
    ascii_safe = all(ch.isalnum() or ch in "-." for ch in slug)
    return slug, lossless and ascii_safe


@functools.lru_cache(maxsize=65536)
def entity_iri(cls: str, name: str) -> URIRef:
    """``kgr:{class}_{slug}``: readable, deterministic, and safe for any name.

    The IRIs are flat (no ``/`` after the namespace) so that Turtle can write them
    as plain prefixed names (``kgr:person_bob-russell``).

    Names with the same :func:`~kg.ontology.schema.name_key` (case, Unicode compatibility
    forms, curly apostrophes, runs of spaces) share an IRI. So do names whose slugs
    agree because they differ only in apostrophes, or in a dot or hyphen at a word
    break (``Jean-Paul Sartre`` and ``Jean Paul Sartre``, ``St. Ives`` and ``St Ives``,
    ``O'Brien`` and ``OBrien``): spellings of one name. When the slug would lose anything
    else (other punctuation, symbols, control characters, a name that is empty once
    normalised), a hash of the full key is appended, so no other two names share an
    IRI. ``tests/test_properties.py`` checks both directions on generated names.

    >>> entity_iri("Place", "St. Ives") == entity_iri("Place", "st ives")
    True
    >>> entity_iri("Place", "St! Ives") == entity_iri("Place", "St Ives")
    False
    """
    slug, lossless = _slug(name)
    # "_" never occurs in a slug, so a hashed segment cannot equal a readable one.
    segment = slug if slug and lossless else f"{slug}_{_digest(cls, name_key(name))}".lstrip("_")
    return KGR[f"{cls.lower()}_{segment}"]


def document_iri(doc_id: str) -> URIRef:
    return KGR[f"doc_{_digest('doc', doc_id)}"]


@functools.lru_cache(maxsize=1024)
def extractor_iri(name: str) -> URIRef:
    """``kgr:extractor_{name}``; a trained extractor's ``name@model-id`` gives ``name_model-id``.

    >>> extractor_iri("kg.classifier.v1@conll04-0123abcd")
    rdflib.term.URIRef('https://w3id.org/kg/id/extractor_kg.classifier.v1_conll04-0123abcd')
    """
    return KGR[f"extractor_{name.replace('@', '_')}"]


def new_graph(store: str = "SimpleMemory") -> Graph:
    """An empty graph with exactly kg's prefixes bound.

    A build adds tens of thousands of triples one by one, and rdflib's store without
    named-graph bookkeeping does that a third faster; reading TriG or JSON-LD needs
    the context-aware ``"default"`` store.
    """
    graph = Graph(store=store, bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


# The terms every triple uses, looked up once: an rdflib namespace makes a new term
# on each attribute access, and a build adds tens of thousands of triples.
_KG_CONFIDENCE: Final = KG.confidence
_KG_END: Final = KG.end
_KG_EVIDENCE: Final = KG.evidence
_KG_HONORIFIC: Final = KG.honorific
_KG_MENTIONED_IN: Final = KG.mentionedIn
_KG_QUOTE: Final = KG.Quote
_KG_ROLE_TITLE: Final = KG.roleTitle
_KG_SENTENCE: Final = KG.sentence
_KG_SPEAKER: Final = KG.speaker
_KG_SPEAKER_DESCRIPTION: Final = KG.speakerDescription
_KG_START: Final = KG.start
_KG_TEXT: Final = KG.text
_PROV_WAS_ATTRIBUTED_TO: Final = PROV.wasAttributedTo
_PROV_WAS_DERIVED_FROM: Final = PROV.wasDerivedFrom
_RDFS_LABEL: Final = RDFS.label
_RDF_OBJECT: Final = RDF.object
_RDF_PREDICATE: Final = RDF.predicate
_RDF_STATEMENT: Final = RDF.Statement
_RDF_SUBJECT: Final = RDF.subject
_RDF_TYPE: Final = RDF.type
_SKOS_ALT_LABEL: Final = SKOS.altLabel


def _adder(graph: Graph) -> Callable[[tuple[Node, Node, Node]], object]:
    """``graph.add`` without its type assertions: a build adds tens of thousands of
    triples, all made here from kg's own terms."""
    return functools.partial(graph.store.add, context=graph, quoted=False)


@functools.lru_cache(maxsize=4096)
def confidence_literal(value: float) -> Literal:
    """A score as an ``xsd:decimal`` of at most three places, in the canonical form
    Oxigraph keeps ("1", not "1.000"), so a store holds the very literal a graph file
    does and both export the same bytes.

    >>> [str(confidence_literal(v)) for v in (1.0, 0.85, 0.8504, 0.0)]
    ['1', '0.85', '0.85', '0']
    """
    value = min(1.0, max(0.0, value))
    return Literal(f"{value:.3f}".rstrip("0").rstrip("."), datatype=XSD.decimal)


def _add_entity(graph: Graph, entity: Entity, doc: URIRef, onto: Ontology) -> URIRef:
    add = _adder(graph)
    iri = entity_iri(entity.cls, entity.name)
    add((iri, _RDF_TYPE, onto.term(entity.cls)))
    label = Literal(entity.name)
    existing = graph.value(iri, _RDFS_LABEL)
    kept: Node = label
    if existing is None:
        add((iri, _RDFS_LABEL, label))
    elif existing != label:
        # The same folded name written two ways: the least is the label and every other
        # name an altLabel, whatever the input order. The new label may have arrived
        # earlier as an alias, and a label is never also an altLabel.
        kept, other = sorted([existing, label], key=str)
        graph.set((iri, _RDFS_LABEL, kept))
        graph.remove((iri, _SKOS_ALT_LABEL, kept))
        add((iri, _SKOS_ALT_LABEL, other))
    for alias in entity.aliases:
        if alias.strip() and alias != str(kept):  # a blank alias names nothing
            add((iri, _SKOS_ALT_LABEL, Literal(alias)))
    for honorific in entity.honorifics:
        if honorific.strip():
            add((iri, _KG_HONORIFIC, Literal(honorific)))
    add((iri, _KG_MENTIONED_IN, doc))
    return iri


def _provenance(
    graph: Graph,
    node: URIRef,
    text: str,
    doc: URIRef,
    extractor: str,
    start: int,
    end: int,
    sentence: tuple[int, int],
    confidence: float,
) -> None:
    add = _adder(graph)
    add((node, _PROV_WAS_DERIVED_FROM, doc))
    add((node, _PROV_WAS_ATTRIBUTED_TO, extractor_iri(extractor)))
    add((node, _KG_SENTENCE, Literal(text[sentence[0] : sentence[1]].strip())))
    add((node, _KG_EVIDENCE, Literal(text[start:end])))
    add((node, _KG_START, Literal(start)))
    add((node, _KG_END, Literal(end)))
    add((node, _KG_CONFIDENCE, confidence_literal(confidence)))


def _add_relation(
    graph: Graph, rel: Candidate, text: str, doc: URIRef, doc_id: str, onto: Ontology
) -> None:
    add = _adder(graph)
    subject = entity_iri(rel.subject.cls, rel.subject.name)
    obj = entity_iri(rel.object.cls, rel.object.name)
    predicate = onto.term(rel.predicate)
    if rel.predicate in onto.symmetric and str(obj) < str(subject):
        subject, obj = obj, subject  # one direction for symmetric facts
    add((subject, predicate, obj))
    stmt = KGR[
        f"stmt_{_digest(subject, predicate, obj, doc_id, rel.start, rel.end, rel.extractor)}"
    ]
    add((stmt, _RDF_TYPE, _RDF_STATEMENT))
    add((stmt, _RDF_SUBJECT, subject))
    add((stmt, _RDF_PREDICATE, predicate))
    add((stmt, _RDF_OBJECT, obj))
    if rel.role_title:
        add((stmt, _KG_ROLE_TITLE, Literal(rel.role_title)))
    _provenance(
        graph,
        stmt,
        text,
        doc,
        rel.extractor,
        rel.start,
        rel.end,
        (rel.sentence_start, rel.sentence_end),
        rel.confidence,
    )


def _add_quote(graph: Graph, quote: Quote, text: str, doc: URIRef, doc_id: str) -> None:
    add = _adder(graph)
    node = KGR[f"quote_{_digest(doc_id, quote.start, quote.end)}"]
    add((node, _RDF_TYPE, _KG_QUOTE))
    add((node, _KG_TEXT, Literal(quote.text)))
    if quote.speaker is not None:
        add((node, _KG_SPEAKER, entity_iri(quote.speaker.cls, quote.speaker.name)))
    if quote.speaker_description:
        add((node, _KG_SPEAKER_DESCRIPTION, Literal(quote.speaker_description)))
    _provenance(
        graph,
        node,
        text,
        doc,
        quote.extractor,
        quote.evidence_start,
        quote.evidence_end,
        (quote.sentence_start, quote.sentence_end),
        quote.confidence,
    )


def add_document(graph: Graph, document: Document) -> URIRef:
    """The document node, with whatever is known of it: ``dcterms:identifier``, and when
    the input says so ``dcterms:title``, ``dcterms:date``, ``dcterms:creator`` (the
    author, as written) and ``schema:url``."""
    add = _adder(graph)
    node = document_iri(document.id)
    add((node, RDF.type, KG.Document))
    add((node, DCTERMS.identifier, Literal(document.id)))
    if document.title:
        add((node, DCTERMS.title, Literal(document.title)))
    if document.date:
        add((node, DCTERMS.date, Literal(document.date)))
    if document.url:
        add((node, SCHEMA.url, Literal(document.url)))
    if document.author:
        add((node, DCTERMS.creator, Literal(document.author)))
    return node


def add_extraction(
    graph: Graph, document: Document, extraction: Extraction, ontology: Ontology | None = None
) -> None:
    """Add one document's entities, relations and quotes, with provenance, to ``graph``."""
    add = _adder(graph)
    onto = ontology or load_ontology()
    doc = add_document(graph, document)
    for name in sorted(
        {r.extractor for r in extraction.relations} | {q.extractor for q in extraction.quotes}
    ):
        agent = extractor_iri(name)
        add((agent, RDF.type, PROV.SoftwareAgent))
        add((agent, RDFS.label, Literal(name)))
        if "@" in name:  # a trained extractor: which model it applied
            add((agent, KG.model, Literal(name.partition("@")[2])))
    for entity in extraction.entities:
        _add_entity(graph, entity, doc, onto)
    for rel in extraction.relations:
        _add_relation(graph, rel, document.text, doc, document.id, onto)
    for quote in extraction.quotes:
        _add_quote(graph, quote, document.text, doc, document.id)
    for person, title in extraction.titles:
        add((entity_iri(person.cls, person.name), KG.title, Literal(title)))
