"""Cross-document merges in a store: the default graph is the *merged* graph.

A graph file gets its merges (:mod:`kg.rdf.resolve`) once, after every document is
in. A store is updated document by document, and a merge depends on all of them (a
new article can make two names one; removing an article can take a merge back), so
the store keeps the graph *before* merges implicitly (the union of the per-document
contributions, with each entity's names chosen as :func:`kg.rdf.triples.add_extraction`
chooses them) and, when a writer closes, brings the merges of the default graph up to
date with :func:`update_merges`, in one transaction.

Only the triples that touch a merged entity differ between the graph before merges
and after (:func:`kg.rdf.resolve.add_merges` rewrites those and adds the records), so
between closes a writer copies every other change to the default graph as it is, and
at close it rebuilds just the part that touches an entity merged before or now: the
result is what a fresh ``kg build -o`` of the same documents writes, byte for byte.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final

import pyoxigraph as ox

from kg.ontology.schema import KG, KGR

if TYPE_CHECKING:
    from kg.ontology.schema import Ontology

__all__ = ["choose_names", "merge_inputs", "merged_entities", "update_merges"]

_CONTRIBUTION: Final = "urn:kg:contribution:"
_DEFAULT: Final = ox.DefaultGraph()
_RDF_TYPE: Final = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_LABEL: Final = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_ALT_LABEL: Final = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
_NAMES: Final = frozenset({_LABEL, _ALT_LABEL})
_SAME_AS: Final = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")

Subject = ox.NamedNode | ox.BlankNode | ox.Triple


def choose_names(
    subject: Subject, labels: set[ox.Literal], names: set[ox.Literal]
) -> set[ox.Triple]:
    """An entity's ``rdfs:label`` and ``skos:altLabel`` triples in the graph before merges.

    The label is the least (by text) of the labels its documents give it, and every other
    name any document uses is an altLabel, as :func:`kg.rdf.triples.add_extraction`
    chooses them on one graph.
    """
    label = min(labels, key=lambda lit: lit.value) if labels else None
    chosen = {ox.Triple(subject, _ALT_LABEL, name) for name in names if name != label}
    if label is not None:
        chosen.add(ox.Triple(subject, _LABEL, label))
    return chosen


_FACTS: Final = frozenset(
    {
        _LABEL,
        _ALT_LABEL,
        _RDF_TYPE,
        ox.NamedNode(str(KG.honorific)),
        ox.NamedNode(str(KG.mentionedIn)),
    }
)
"""What :func:`kg.rdf.resolve.find_merges` reads of an entity (a superset: every type)."""


def merge_inputs(
    triples: set[ox.Triple], held: set[object]
) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """The triples merges are found from, and those that touch an entity merged now.

    An update that leaves the first as they were (a document replaced by one with a
    correction that names no one) leaves the merges as they were; one that leaves the
    second as they were leaves what they rewrote: the writer need not find or rewrite
    them again.
    """
    facts = {t for t in triples if t.predicate in _FACTS}
    return facts, {t for t in triples if t.subject in held or t.object in held}


def _contributed(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    for quad in quads:
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(_CONTRIBUTION):
            yield quad


def _kg(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(KG[name]))


def merged_entities(store: ox.Store) -> tuple[set[Subject], set[Subject]]:
    """The merge records of the default graph, and every entity they name (alias or
    canonical): what a change to the store may have to rewrite at close."""
    records: set[Subject] = {
        q.subject for q in store.quads_for_pattern(None, _RDF_TYPE, _kg("Merge"), _DEFAULT)
    }
    entities: set[Subject] = set()
    for record in records:
        for predicate in (_kg("mergedEntity"), _kg("canonicalEntity")):
            for quad in store.quads_for_pattern(record, predicate, None, _DEFAULT):
                if isinstance(quad.object, ox.NamedNode | ox.BlankNode):
                    entities.add(quad.object)
    return records, entities


def _names(store: ox.Store, subjects: set[Subject]) -> set[ox.Triple]:
    """The chosen names of ``subjects`` in the graph before merges, from their documents."""
    labels: dict[Subject, set[ox.Literal]] = defaultdict(set)
    names: dict[Subject, set[ox.Literal]] = defaultdict(set)
    for predicate in (_LABEL, _ALT_LABEL):
        found = (
            q for s in subjects for q in _contributed(store.quads_for_pattern(s, predicate, None))
        )
        for quad in found:
            if isinstance(quad.object, ox.Literal):
                names[quad.subject].add(quad.object)
                if predicate == _LABEL:
                    labels[quad.subject].add(quad.object)
    chosen: set[ox.Triple] = set()
    for subject, its_names in names.items():
        chosen |= choose_names(subject, labels[subject], its_names)
    return chosen


def _entity_facts(store: ox.Store, ontology: Ontology, held: set[Subject]) -> set[ox.Triple]:
    """What :func:`kg.rdf.resolve.find_merges` reads, from the graph before merges:
    classes, names, honorifics and the documents that name each entity.

    Outside the entities merged now (``held``) the default graph *is* the graph
    before merges, and holds each fact once where the documents hold it once each,
    so it is read there; the merged entities' facts come from their documents.
    """
    classes = [ox.NamedNode(str(ontology.term(c))) for c in ("Person", "Organization", "Country")]
    predicates = (_kg("honorific"), _kg("mentionedIn"))
    facts = {
        q.triple
        for c in classes
        for q in store.quads_for_pattern(None, _RDF_TYPE, c, _DEFAULT)
        if q.subject not in held
    }
    for predicate in (*predicates, _LABEL, _ALT_LABEL):
        facts.update(
            q.triple
            for q in store.quads_for_pattern(None, predicate, None, _DEFAULT)
            if q.subject not in held
        )
    for subject in held:
        facts.update(
            q.triple
            for q in _contributed(store.quads_for_pattern(subject, _RDF_TYPE, None))
            if q.object in classes
        )
        for predicate in predicates:
            facts.update(
                q.triple for q in _contributed(store.quads_for_pattern(subject, predicate, None))
            )
    return facts | _names(store, held)


def _touching(
    store: ox.Store, nodes: set[Subject], graph: ox.DefaultGraph | None
) -> set[ox.Triple]:
    """Triples with one of ``nodes`` as subject or object: in the default graph, or (with
    ``graph`` None) in the graph before merges, names chosen again."""
    found: set[ox.Triple] = set()
    for node in nodes:
        for quads in (
            store.quads_for_pattern(node, None, None, graph),
            store.quads_for_pattern(None, None, node, graph),
        ):
            for quad in quads if graph is not None else _contributed(quads):
                if graph is not None or quad.predicate not in _NAMES:
                    found.add(quad.triple)
    if graph is None:
        found |= _names(store, nodes)
    return found


def update_merges(
    store: ox.Store, ontology: Ontology, *, merge: bool = True, rewrite: bool = True
) -> tuple[list[ox.Quad], list[ox.Quad], int]:
    """What the default graph must lose and gain for its merges to be those of the
    documents the store now holds (none, without ``merge``), and how many merges that is.

    Applying the two lists (in one transaction: the caller's) leaves the default graph
    equal to :func:`kg.rdf.resolve.resolve` run on the graph before merges. Without
    ``rewrite`` the caller knows that no triple touching a merged entity changed: if the
    merges found are those recorded, nothing needs to change.
    """
    from kg.rdf.export import oxigraph_triples, rdflib_graph, rdflib_triples
    from kg.rdf.resolve import EXTRACTOR, add_merges, find_merges_in
    from kg.rdf.triples import new_graph

    old_records, old_entities = merged_entities(store)
    merges = (
        find_merges_in(rdflib_triples(_entity_facts(store, ontology, old_entities)), ontology)
        if merge
        else []
    )
    entities = old_entities | {
        ox.NamedNode(str(iri)) for m in merges for iri in (m.alias, m.canonical)
    }
    if not entities:
        return [], [], 0
    agent = ox.NamedNode(str(KGR[f"extractor_{EXTRACTOR}"]))
    if not rewrite:
        records = new_graph()
        add_merges(records, merges, ontology)
        recorded = _touching(store, old_records | {agent}, _DEFAULT) | {
            q.triple for q in store.quads_for_pattern(None, _SAME_AS, None, _DEFAULT)
        }
        if set(oxigraph_triples(records)) == recorded:
            return [], [], len(merges)
    before = rdflib_graph(_touching(store, entities, None))
    add_merges(before, merges, ontology)
    wanted = set(oxigraph_triples(before))
    current = _touching(store, entities | old_records | {agent}, _DEFAULT)
    delete = [ox.Quad(t.subject, t.predicate, t.object, _DEFAULT) for t in current - wanted]
    insert = [ox.Quad(t.subject, t.predicate, t.object, _DEFAULT) for t in wanted - current]
    return delete, insert, len(merges)
