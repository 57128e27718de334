"""Trust: check a graph against what every graph kg writes must satisfy (SHACL).

The shapes are ``ontology/shapes.ttl`` (entities, provenance records, quotes,
documents, extractors) plus one shape per kg: property made here from
``ontology/kg.ttl`` at validation time: its subjects must be of its ``rdfs:domain``
and its values of its ``rdfs:range``. Nothing of the ontology is copied into Python
or into the shapes file, so a property added to the ontology is checked at once.

pySHACL runs with the ontology as its ontology graph and no inference, so
``sh:class kg:Agent`` accepts a ``kg:Person`` through ``rdfs:subClassOf``.

The text of a document is not in the graph, so from the graph alone the evidence can
only be checked against its own offsets and sentence; :func:`check_evidence` compares
every slice with the documents' text when they are at hand (``kg build --validate``).

>>> from kg.rdf.triples import new_graph
>>> validate(new_graph()).conforms
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from kg.ontology.schema import KG, PREFIXES, ontology_dir

__all__ = ["Report", "Violation", "check_evidence", "property_shapes", "shapes", "validate"]

SH = Namespace("http://www.w3.org/ns/shacl#")
KGSH = Namespace("https://w3id.org/kg/shapes#")


@dataclass(frozen=True, slots=True, order=True)
class Violation:
    """One way the graph breaks a shape, said in one line: ``focus: message``."""

    focus: str
    message: str

    def __str__(self) -> str:
        return f"{self.focus}: {self.message}"


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of :func:`validate`: whether the graph conforms, and why not."""

    violations: tuple[Violation, ...]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def lines(self) -> list[str]:
        return [str(v) for v in self.violations]


def _ontology_graph() -> Graph:
    """``ontology/kg.ttl`` alone: the gazetteer's places are data, not schema."""
    return _parsed(ontology_dir() / "kg.ttl")


@functools.cache
def _parsed(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def property_shapes(ontology: Graph) -> Graph:
    """One node shape per kg: property with a domain or a range declared in ``ontology``.

    >>> g = property_shapes(_ontology_graph())
    >>> (KGSH["domain-wroteTo"], SH.targetSubjectsOf, KG.wroteTo) in g
    True
    """
    graph = Graph()
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in sorted(ontology.subjects(RDF.type, kind), key=str):
            if not isinstance(prop, URIRef) or not str(prop).startswith(str(KG)):
                continue
            name = str(prop)[len(str(KG)) :]
            for domain in ontology.objects(prop, RDFS.domain):
                shape = KGSH[f"domain-{name}"]
                graph.add((shape, RDF.type, SH.NodeShape))
                graph.add((shape, SH.targetSubjectsOf, prop))
                graph.add((shape, SH["class"], domain))
                graph.add(
                    (
                        shape,
                        SH.message,
                        Literal(
                            f"the subject of kg:{name} must be a {_short(domain)} (its rdfs:domain)"
                        ),
                    )
                )
            for range_ in ontology.objects(prop, RDFS.range):
                shape = KGSH[f"range-{name}"]
                constraint = BNode()
                graph.add((shape, RDF.type, SH.NodeShape))
                graph.add((shape, SH.targetSubjectsOf, prop))
                graph.add((shape, SH.property, constraint))
                graph.add((constraint, SH.path, prop))
                test = SH.datatype if kind == OWL.DatatypeProperty else SH["class"]
                graph.add((constraint, test, range_))
                graph.add(
                    (
                        constraint,
                        SH.message,
                        Literal(
                            f"the value of kg:{name} must be a {_short(range_)} (its rdfs:range)"
                        ),
                    )
                )
    return graph


def shapes() -> Graph:
    """``ontology/shapes.ttl`` and the shapes made from the ontology's domains and ranges.

    A fresh copy each time: pySHACL may add to the shapes graph it is given.
    """
    copy = Graph()
    copy += _shapes(ontology_dir())
    return copy


@functools.cache
def _shapes(directory: Path) -> Graph:
    # Cached per ontology folder: a copy of the ontology has shapes of its own.
    graph = Graph().parse(directory / "shapes.ttl", format="turtle")
    graph += property_shapes(_parsed(directory / "kg.ttl"))
    return graph


def validate(graph: Graph) -> Report:
    """Run pySHACL over ``graph``; every violation becomes one line, sorted."""
    from pyshacl import validate as shacl

    if not graph.store.context_aware:
        # A build's graph sits in rdflib's fastest store, which pySHACL cannot mix the
        # ontology into; a copy in the default store can.
        copy = Graph()
        copy += graph
        graph = copy
    _conforms, results, _text = shacl(
        graph,
        shacl_graph=shapes(),
        ont_graph=_ontology_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    assert isinstance(results, Graph)
    found: set[Violation] = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if results.value(result, SH.resultSeverity) != SH.Violation:
            continue
        found.add(_violation(results, result))
    return Report(tuple(sorted(found)))


def _violation(results: Graph, result: Node) -> Violation:
    focus = results.value(result, SH.focusNode)
    message = results.value(result, SH.resultMessage)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    text = (
        str(message)
        if message is not None
        else "violates " + _short(results.value(result, SH.sourceConstraintComponent))
    )
    extras = []
    if path is not None and _short(path) not in text:
        extras.append(f"path {_short(path)}")
    if value is not None and value != focus and _short(value) not in text:
        extras.append(f"value {_short(value)}")
    if extras:
        text += f" ({', '.join(extras)})"
    # Message templates fill in full IRIs; the line shows them as Turtle would.
    text = _IRI.sub(lambda m: _short(URIRef(m.group())), text)
    return Violation(_short(focus), " ".join(text.split()))


_IRI = re.compile(r"https?://[^\s<>\"'{}|^`]+[^\s<>\"'{}|^`.,;:)]")


def _short(node: Node | None) -> str:
    """A node as Turtle would write it with kg's prefixes: ``kgr:person_bob``, ``"text"``."""
    if node is None:
        return "?"
    if isinstance(node, URIRef):
        for prefix, namespace in PREFIXES.items():
            if str(node).startswith(namespace) and len(str(node)) > len(namespace):
                return f"{prefix}:{str(node)[len(namespace) :]}"
        return f"<{node}>"
    if isinstance(node, Literal):
        text = str(node)
        return repr(text if len(text) <= 60 else text[:57] + "...")
    return "a blank node"


def check_evidence(graph: Graph, texts: Mapping[str, str]) -> list[Violation]:
    """Every provenance record whose evidence is not its document's text from start to end.

    ``texts`` maps each document's ``dcterms:identifier`` to the text kg extracted from;
    records of documents not in it are not checked.
    """
    ids = {
        doc: str(ident)
        for doc, ident in graph.subject_objects(DCTERMS.identifier)
        if (doc, RDF.type, KG.Document) in graph
    }
    problems = []
    for record, doc in graph.subject_objects(PROV.wasDerivedFrom):
        text = texts.get(ids.get(doc, ""))
        if text is None:
            continue
        start, end = graph.value(record, KG.start), graph.value(record, KG.end)
        evidence = graph.value(record, KG.evidence)
        if not (isinstance(start, Literal) and isinstance(end, Literal)):
            continue  # the shapes report missing offsets
        slice_ = text[int(start.toPython()) : int(end.toPython())]
        if evidence is None or str(evidence) != slice_:
            problems.append(
                Violation(
                    _short(record),
                    f"kg:evidence {_short(evidence)} is not the text of {ids[doc]!r} from "
                    f"{start} to {end} ({_short(Literal(slice_))})",
                )
            )
    return sorted(problems)
