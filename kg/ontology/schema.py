"""The ontology, read from ``ontology/*.ttl`` at run time.

The Turtle files are the single source of truth for classes, properties and the
extraction hints (which verbs, nouns and role words signal which property). This
module only reads them into lookup tables; it holds no vocabulary of its own, so
adding a ``kg:verbHint`` to ``ontology/kg.ttl`` adds a relation pattern with no
code change.

>>> onto = load_ontology()
>>> onto.term("wroteTo")
rdflib.term.URIRef('https://w3id.org/kg/ontology#wroteTo')
>>> onto.verb_predicates("write", "to")
('wroteTo',)
>>> onto.is_subclass("Country", "Place")
True
"""

from __future__ import annotations

import functools
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, ClosedNamespace

from kg.errors import OntologyError
from kg.ontology.terms import read_turtle

__all__ = [
    "KG",
    "KGR",
    "PREFIXES",
    "Ontology",
    "Place",
    "load_ontology",
    "name_key",
    "ontology_dir",
]

KG = Namespace("https://w3id.org/kg/ontology#")
"""The ontology namespace (classes and properties)."""

KGR = Namespace("https://w3id.org/kg/id/")
"""The resource namespace (entities, documents, statements, quotes, extractors)."""

PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        "kg": str(KG),
        "kgr": str(KGR),
        "rdf": str(RDF),
        "rdfs": str(RDFS),
        "xsd": str(XSD),
        "owl": str(OWL),
        "skos": str(SKOS),
        "prov": str(PROV),
        "dcterms": str(DCTERMS),
        "schema": "https://schema.org/",
    }
)
"""Every prefix kg binds in graphs, files and queries, and no other."""


def ontology_dir() -> Path:
    """Where the Turtle files are: inside the wheel, or at the top of a source checkout."""
    package = Path(__file__).resolve().parents[1]  # kg/
    for candidate in (package / "_ontology", package.parent / "ontology"):
        if (candidate / "kg.ttl").is_file():
            return candidate
    raise OntologyError(f"ontology files not found beside {package}; reinstall kg")


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Fold a name for lookups: NFKC, case-folded, curly apostrophes straightened, spaces collapsed.

    >>> name_key("People’s  Republic of China")
    "people's republic of china"
    """
    folded = unicodedata.normalize("NFKC", name).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(folded.casefold().split())


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry: a place kg knows by all its names."""

    label: str
    cls: str
    demonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ontology:
    """Lookup tables built from the ontology graph; see :func:`load_ontology`."""

    graph: Graph
    terms: ClosedNamespace
    classes: frozenset[str]
    properties: frozenset[str]
    ner_classes: dict[str, str]
    honorifics: frozenset[str]
    place_nouns: frozenset[str]
    generic_names: frozenset[str]
    stop_names: frozenset[str]
    metonyms: tuple[tuple[str, str], ...]
    speech_verbs: frozenset[str]
    default_role: str | None
    places: dict[str, Place]
    demonyms: dict[str, Place]
    symmetric: frozenset[str]
    _superclasses: dict[str, frozenset[str]] = field(repr=False)
    _superproperties: dict[str, frozenset[str]] = field(repr=False)
    _domain: dict[str, str] = field(repr=False)
    _range: dict[str, str] = field(repr=False)
    _verbs: dict[tuple[str, str | None], tuple[str, ...]] = field(repr=False)
    _nouns: dict[tuple[str, str], tuple[str, ...]] = field(repr=False)
    _roles: dict[str, str] = field(repr=False)
    _demonym_hints: dict[str, str] = field(repr=False)
    _links: dict[str, tuple[str, ...]] = field(repr=False)
    _results: dict[str, str] = field(repr=False)
    _labels: dict[str, str] = field(repr=False)
    office_titles: frozenset[str] = frozenset()
    """kg:officeTitle on kg:Person: "President" in "President Lincoln"."""
    verdict_verbs: frozenset[str] = frozenset()
    """kg:verdictVerb: verbs that pass a verdict on their object ("called it bizarre")."""
    _verdicts: dict[str, str] = field(repr=False, default_factory=dict)
    rank_titles: frozenset[str] = frozenset()
    """kg:rankTitle on kg:Person: "Sen.", "Judge": a person's name follows."""
    portfolio_titles: frozenset[str] = frozenset()
    """kg:portfolioTitle on kg:Person: "Secretary" in "Transport Secretary": no organisation."""
    name_heads: Mapping[str, str] = field(default_factory=dict)
    """kg:nameHead: a word that ends a name → its class ("Corp." → Organization)."""
    name_prefixes: Mapping[str, str] = field(default_factory=dict)
    """kg:namePrefix: a word that begins a name → the class it gives the name ("Mount" → Place)."""
    speech_preps: Mapping[str, str] = field(default_factory=dict)
    """A speech verb hint with a preposition ("accord to") → the preposition: the
    speaker is its object when the verb has no subject ("according to Ann Lee")."""
    parties: Mapping[str, str] = field(default_factory=dict)
    """kg:party on kg:Organization: each label's name key ("tory") → the party's name."""
    party_predicate: str | None = None
    """The property marked kg:partyHint: what "Labour's Ben Coe" says of Ben Coe."""
    dateline_predicate: str | None = None
    """The property marked kg:datelineHint: what "SEOUL, South Korea (AP)" says of AP."""

    def term(self, name: str) -> URIRef:
        """The IRI of a declared class or property; a typo raises instead of minting a new term."""
        try:
            return self.terms[name]
        except (KeyError, AttributeError) as exc:
            raise OntologyError(f"kg:{name} is not declared in ontology/kg.ttl") from exc

    def label(self, name: str) -> str:
        """The rdfs:label of a term, or its local name."""
        return self._labels.get(name, name)

    def is_subclass(self, cls: str, ancestor: str) -> bool:
        """True when ``cls`` is ``ancestor`` or below it (rdfs:subClassOf, transitively)."""
        return ancestor in self._superclasses.get(cls, frozenset({cls}))

    def is_subproperty(self, prop: str, ancestor: str) -> bool:
        """True when ``prop`` is ``ancestor`` or declared (transitively) under it."""
        return prop == ancestor or ancestor in self._superproperties.get(prop, ())

    def depth(self, cls: str) -> int:
        """How many classes lie above ``cls``: the deepest class is the most specific."""
        return len(self._superclasses.get(cls, frozenset({cls}))) - 1

    def accepts(self, predicate: str, subject_cls: str, object_cls: str) -> bool:
        """Whether the property's declared domain and range admit these classes."""
        domain = self._domain.get(predicate)
        range_ = self._range.get(predicate)
        return (domain is None or self.is_subclass(subject_cls, domain)) and (
            range_ is None or self.is_subclass(object_cls, range_)
        )

    def verb_predicates(self, lemma: str, particle: str | None = None) -> tuple[str, ...]:
        """Properties whose kg:verbHint is ``lemma`` (+ ``particle``, a preposition or particle)."""
        return self._verbs.get((lemma.lower(), particle.lower() if particle else None), ())

    def verb_particles(self, lemma: str) -> frozenset[str]:
        """The prepositions or particles that some hint pairs with this verb."""
        lemma = lemma.lower()
        return frozenset(p for (v, p) in self._verbs if v == lemma and p is not None)

    def noun_predicates(self, lemma: str, preposition: str) -> tuple[str, ...]:
        """Properties whose kg:nounHint is ``lemma preposition``."""
        return self._nouns.get((lemma.lower(), preposition.lower()), ())

    def role_predicate(self, role: str) -> str | None:
        """The property a role noun (or phrase, e.g. "chief executive") signals, if any."""
        return self._roles.get(role.lower())

    def demonym_predicate(self, cls: str) -> str | None:
        """The property a nationality adjective gives an entity of ``cls`` (basedIn, citizenOf)."""
        for hinted, predicate in self._demonym_hints.items():
            if self.is_subclass(cls, hinted):
                return predicate
        return None

    def link_predicate(self, hint: str, subject_cls: str, object_cls: str) -> str | None:
        """The property two linked names signal ("Acme in Boston": ``in``; see kg:linkHint).

        Of the properties hinted with ``hint`` whose domain and range admit the two
        classes, the one with the most specific domain and range wins, so "of"
        between a person and a place is kg:livesIn, between a person and an
        organisation kg:worksFor.
        """
        fitting = [
            p for p in self._links.get(hint.lower(), ()) if self.accepts(p, subject_cls, object_cls)
        ]  # "^'s" is a hint of its own: the two names read the other way round
        if not fitting:
            return None
        return max(
            fitting,
            key=lambda p: (
                self.depth(self._domain.get(p, "Entity")) + self.depth(self._range.get(p, "Entity"))
            ),
        )

    def verdict_predicate(self, word: str) -> str | None:
        """The property a verdict word signals after a verdict verb ("called it bizarre")."""
        return self._verdicts.get(word.lower())

    def result_predicate(self, word: str) -> str | None:
        """The property a verb's outcome word signals ("shot dead" → kg:killed)."""
        return self._results.get(word.lower())

    def place(self, name: str) -> Place | None:
        """The gazetteer entry for any of a place's names, case-insensitively."""
        return self.places.get(name_key(name))


def _strings(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return sorted(str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal))


def _local(iri: URIRef) -> str:
    return str(iri)[len(str(KG)) :] if str(iri).startswith(str(KG)) else ""


def _class_words(graph: Graph, classes: set[str], hint: URIRef) -> dict[str, str]:
    """Word → class for a hint given on classes (kg:nameHead); a word may name one class only."""
    words: dict[str, str] = {}
    for cls in sorted(classes):
        for word in _strings(graph, KG[cls], hint):
            if words.get(word, cls) != cls:
                raise OntologyError(
                    f"kg:{_local(hint)} {word!r} is given to kg:{words[word]} and kg:{cls}"
                )
            words[word] = cls
    return words


def _build(graph: Graph) -> Ontology:
    classes = {
        _local(c)
        for c in graph.subjects(RDF.type, OWL.Class)
        if isinstance(c, URIRef) and _local(c)
    }
    properties = {
        _local(p)
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for p in graph.subjects(RDF.type, kind)
        if isinstance(p, URIRef) and _local(p)
    }
    if not classes or not properties:
        raise OntologyError("ontology/kg.ttl declares no kg: classes or properties")
    terms = ClosedNamespace(str(KG), sorted(classes | properties))

    superclasses: dict[str, frozenset[str]] = {}
    for cls in classes:
        seen = {
            _local(c)
            for c in graph.transitive_objects(KG[cls], RDFS.subClassOf)
            if isinstance(c, URIRef)
        }
        superclasses[cls] = frozenset(s for s in seen if s)

    superproperties = {
        prop: frozenset(
            _local(p)
            for p in graph.transitive_objects(KG[prop], RDFS.subPropertyOf)
            if isinstance(p, URIRef) and str(p).startswith(str(KG)) and p != KG[prop]
        )
        for prop in properties
    }
    symmetric = frozenset(
        _local(p)
        for p in graph.subjects(RDF.type, OWL.SymmetricProperty)
        if isinstance(p, URIRef) and str(p).startswith(str(KG))
    )

    def first_local(subject: URIRef, predicate: URIRef) -> str | None:
        values = sorted(
            _local(o) for o in graph.objects(subject, predicate) if isinstance(o, URIRef)
        )
        return next((v for v in values if v), None)

    domain: dict[str, str] = {}
    range_: dict[str, str] = {}
    verbs: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    nouns: dict[tuple[str, str], list[str]] = defaultdict(list)
    roles: dict[str, str] = {}
    demonym_hints: dict[str, str] = {}
    links: dict[str, list[str]] = defaultdict(list)
    results: dict[str, str] = {}
    verdicts: dict[str, str] = {}
    verdict_verbs: set[str] = set()
    default_role: str | None = None
    dateline_predicate: str | None = None
    speech_verbs: frozenset[str] = frozenset()
    speech_preps: dict[str, str] = {}
    for prop in sorted(properties):
        iri = KG[prop]
        if (d := first_local(iri, RDFS.domain)) is not None:
            domain[prop] = d
        if (r := first_local(iri, RDFS.range)) is not None:
            range_[prop] = r
        verb_hints = _strings(graph, iri, KG.verbHint)
        if prop == "speaker":
            split = [h.lower().split() for h in verb_hints]
            speech_verbs = frozenset(w[0] for w in split if w)
            speech_preps = {w[0]: w[1] for w in split if len(w) == 2}
            continue
        for hint in verb_hints:
            words = hint.lower().split()
            if len(words) > 2 or not words:
                raise OntologyError(
                    f"kg:{prop} kg:verbHint {hint!r}: expected 'LEMMA' or 'LEMMA PREP'"
                )
            verbs[(words[0], words[1] if len(words) == 2 else None)].append(prop)
        for hint in _strings(graph, iri, KG.nounHint):
            *noun, prep = hint.lower().split()
            if not noun:
                raise OntologyError(f"kg:{prop} kg:nounHint {hint!r}: expected 'NOUN PREP'")
            nouns[(" ".join(noun), prep)].append(prop)
        for hint in _strings(graph, iri, KG.roleHint):
            if hint.lower() in roles:
                raise OntologyError(f"kg:roleHint {hint!r} is given to two properties")
            roles[hint.lower()] = prop
        for cls_iri in graph.objects(iri, KG.demonymHint):
            if isinstance(cls_iri, URIRef):
                demonym_hints[_local(cls_iri)] = prop
        for hint in _strings(graph, iri, KG.linkHint):
            links[hint.lower()].append(prop)
        for word in _strings(graph, iri, KG.resultHint):
            results[word.lower()] = prop
        for word in _strings(graph, iri, KG.verdictHint):
            verdicts[word.lower()] = prop
        verdict_verbs.update(w.lower() for w in _strings(graph, iri, KG.verdictVerb))
        if any(
            bool(o.toPython()) for o in graph.objects(iri, KG.defaultRole) if isinstance(o, Literal)
        ):
            default_role = prop
        if any(
            bool(o.toPython())
            for o in graph.objects(iri, KG.datelineHint)
            if isinstance(o, Literal)
        ):
            dateline_predicate = prop

    ner_classes: dict[str, str] = {}
    for cls in sorted(classes):
        for label in _strings(graph, KG[cls], KG.nerLabel):
            ner_classes[label] = cls

    name_heads = _class_words(graph, classes, KG.nameHead)
    name_prefixes = _class_words(graph, classes, KG.namePrefix)

    metonyms = []
    for node in graph.objects(KG.Organization, KG.metonym):
        phrase = graph.value(node, KG.phrase)
        ending = graph.value(node, KG.refersToNameEnding)
        if phrase is None or ending is None:
            raise OntologyError("kg:metonym needs kg:phrase and kg:refersToNameEnding")
        metonyms.append((str(phrase), str(ending)))

    parties: dict[str, str] = {}
    for node in graph.objects(KG.Organization, KG.party):
        party_label = graph.value(node, RDFS.label)
        phrases = list(graph.objects(node, KG.phrase))
        if party_label is None or not phrases:
            raise OntologyError("kg:party needs rdfs:label and kg:phrase")
        parties.update((name_key(str(p)), str(party_label)) for p in phrases)
    party_predicate = next(
        (p for p in sorted(properties) if (KG[p], KG.partyHint, Literal(True)) in graph), None
    )

    places: dict[str, Place] = {}
    demonyms: dict[str, Place] = {}
    for cls in sorted(c for c in classes if "Place" in superclasses.get(c, ())):
        for entry in sorted(e for e in graph.subjects(RDF.type, KG[cls]) if isinstance(e, URIRef)):
            place_label = graph.value(entry, RDFS.label)
            if place_label is None:
                continue
            place = Place(str(place_label), cls, tuple(_strings(graph, entry, KG.demonym)))
            for name in [place.label, *_strings(graph, entry, SKOS.altLabel)]:
                places.setdefault(name_key(name), place)
            for demonym in place.demonyms:
                demonyms.setdefault(name_key(demonym), place)

    labels: dict[str, str] = {}
    for name in classes | properties:
        value = graph.value(KG[name], RDFS.label)
        if value is not None:
            labels[name] = str(value)

    onto_iri = URIRef(str(KG).rstrip("#"))
    return Ontology(
        graph=graph,
        terms=terms,
        classes=frozenset(classes),
        properties=frozenset(properties),
        ner_classes=ner_classes,
        honorifics=frozenset(_strings(graph, KG.Person, KG.honorific)),
        place_nouns=frozenset(s.lower() for s in _strings(graph, KG.Place, KG.placeNoun)),
        generic_names=frozenset(
            s.lower() for s in _strings(graph, KG.Organization, KG.genericName)
        ),
        stop_names=frozenset(name_key(s) for s in _strings(graph, onto_iri, KG.stopName)),
        metonyms=tuple(sorted(metonyms)),
        speech_verbs=speech_verbs,
        speech_preps=speech_preps,
        parties=parties,
        party_predicate=party_predicate,
        default_role=default_role,
        places=places,
        demonyms=demonyms,
        symmetric=symmetric,
        _superclasses=superclasses,
        _superproperties=superproperties,
        _domain=domain,
        _range=range_,
        _verbs={k: tuple(v) for k, v in verbs.items()},
        _nouns={k: tuple(v) for k, v in nouns.items()},
        _roles=roles,
        _demonym_hints=demonym_hints,
        _links={k: tuple(v) for k, v in links.items()},
        _results=results,
        _verdicts=verdicts,
        verdict_verbs=frozenset(verdict_verbs),
        _labels=labels,
        office_titles=frozenset(_strings(graph, KG.Person, KG.officeTitle)),
        portfolio_titles=frozenset(_strings(graph, KG.Person, KG.portfolioTitle)),
        rank_titles=frozenset(_strings(graph, KG.Person, KG.rankTitle)),
        name_heads=MappingProxyType(name_heads),
        name_prefixes=MappingProxyType(name_prefixes),
        dateline_predicate=dateline_predicate,
    )


@functools.cache
def load_ontology(directory: str | None = None) -> Ontology:
    """Read every ``*.ttl`` file of the ontology directory (cached: it is read once per process)."""
    folder = Path(directory) if directory else ontology_dir()
    graph = Graph(bind_namespaces="core")
    for path in sorted(folder.glob("*.ttl")):
        try:
            read_turtle(graph, path)  # Oxigraph's parser: rdflib's took 0.05 s
        except (SyntaxError, OSError, ValueError) as exc:
            raise OntologyError(f"{path}: cannot parse: {exc}".splitlines()[0]) from exc
    return _build(graph)
