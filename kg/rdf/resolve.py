"""Cross-document entity resolution: one node per person or organisation across outlets.

Within a document, kg's entity step already makes one entity of "Sir Bob Russell",
"Sir Bob" and "Mr Russell". Across documents, entities with the same class and
canonical name share an IRI; this step links the rest, which outlets name
differently: "Thomas Ellery" in one, "Sir Tom Ellery" in the next, "Ellery" alone in
a third; "Sir Alan Pryce", then "Sir Alan"; "BVT Capital" and "BVT".

A merge needs compatible names *and*, unless the names alone leave no doubt,
agreeing evidence: the entities the two are related to or named beside (other
than countries, which every story names). Two people who share only a surname or
only a first name are never merged: "Tom Ellery" and "Anna Ellery" stay apart, and
a bare "Ellery" joins a full name only when exactly one person of that surname is
known and the evidence agrees.

A merge folds the alias into the canonical node (its facts, provenance records,
quotes and names), so every reader of the graph sees one node, and adds ``ALIAS
owl:sameAs CANONICAL`` and a ``kg:Merge`` record (names, the alias's documents, score,
reason) that holds what is needed to split them again.
:func:`unmerge` takes a merge back. ``kg query GRAPH merges`` lists them.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.ontology.schema import KG, KGR, Ontology, load_ontology, name_key
from kg.rdf.triples import confidence_literal

__all__ = [
    "EXTRACTOR",
    "Merge",
    "add_merges",
    "entity_facts",
    "find_merges",
    "find_merges_in",
    "resolve",
    "unmerge",
]

EXTRACTOR = "kg.resolve.v1"
"""The name merges are attributed to, like an extractor's."""

#: A merge needs at least this score. A pair's score is how well the names agree (a
#: nickname 0.85, an initial 0.6, a bare surname or "Sir" and a first name 0.5), raised
#: toward 1 by the evidence: half the way for each entity both are named with. So the
#: names alone reach it only when they leave no doubt (Tom and Thomas Ellery), and a
#: bare surname needs two entities in common.
THRESHOLD = 0.8
#: Honorifics that go with a first name, not a surname ("Sir Alan", "Dame Mary").
_FIRST_NAME_HONORIFICS = frozenset({"sir", "dame"})


@dataclass(frozen=True, slots=True)
class Merge:
    """One alias entity linked to the canonical entity it is taken to be."""

    alias: URIRef
    canonical: URIRef
    score: float
    reason: str
    names: tuple[str, str]
    documents: tuple[URIRef, ...] = ()
    """The documents that named the alias: what :func:`unmerge` gives back to it."""
    labels: tuple[str, ...] = ()
    """Every name the alias had (label and altLabels), for :func:`unmerge`."""
    honorifics: tuple[str, ...] = ()
    kept: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    """The canonical entity's own names and honorifics, which an unmerge leaves it."""

    @property
    def iri(self) -> URIRef:
        digest = hashlib.sha1(f"{self.alias} {self.canonical}".encode()).hexdigest()[:16]
        return KGR[f"merge_{digest}"]


@dataclass(slots=True)
class _Entity:
    iri: URIRef
    cls: str
    label: str
    honorifics: set[str] = field(default_factory=set)
    honorific_literals: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    documents: set[URIRef] = field(default_factory=set)
    tokens: list[str] = field(init=False)
    """The label's words, folded: what every comparison of two names looks at."""
    kind: str = field(init=False)
    """How a person is named: "full" (first and last), "surname", or "first"; set
    with the honorifics (:meth:`named`), read for every pair compared."""

    def __post_init__(self) -> None:
        self.tokens = name_key(self.label).replace(".", " ").split()
        self.named(self.honorifics)

    def named(self, honorifics: set[str]) -> None:
        """Set the honorifics (folded), and with them the kind of name."""
        self.honorifics = {h.casefold() for h in honorifics}
        if len(self.tokens) > 1:
            self.kind = "full"
        else:
            self.kind = "first" if self.honorifics & _FIRST_NAME_HONORIFICS else "surname"


@functools.cache
def _nicknames() -> object:
    from nicknames import NickNamer

    return NickNamer()


def _same_first_name(a: str, b: str) -> tuple[float, str]:
    """How well two first names agree, and why: the same name, a nickname of it (Tom,
    Thomas; from the ``nicknames`` data set), an initial (T.), or not at all (0)."""
    if a == b:
        return 0.9, "the same first name"
    if len(a) == 1 or len(b) == 1:
        return (0.6, "an initial of the first name") if a[0] == b[0] else (0.0, "")
    return (0.85, f"{a.title()} is a form of {b.title()}") if b in _forms(a) else (0.0, "")


@functools.lru_cache(maxsize=4096)
def _forms(first: str) -> frozenset[str]:
    """A first name's nicknames and the names it is a nickname of: asked for each
    pair compared, of a few hundred names."""
    namer = _nicknames()
    return frozenset(namer.nicknames_of(first) | namer.canonicals_of(first))  # type: ignore[attr-defined]


def _person_names(a: _Entity, b: _Entity) -> tuple[float, str] | None:
    """How well two people's names agree (0–1), and why; None when they cannot be one."""
    ta, tb = a.tokens, b.tokens
    if a.kind == "full" and b.kind == "full":
        if ta[-1] != tb[-1]:
            return None
        first, why = _same_first_name(ta[0], tb[0])
        if first == 0:
            return None  # a shared surname alone is never enough
        return first, f"the same surname; {why}"
    full, short = (a, b) if a.kind == "full" else (b, a)
    if full.kind != "full":
        return None  # two one-word names: too little to go on
    if short.kind == "surname" and short.tokens[0] == full.tokens[-1]:
        return 0.5, "surname of the full name"
    if (
        short.kind == "first"
        and short.tokens[0] == full.tokens[0]
        and short.honorifics & (full.honorifics)
    ):
        return 0.5, "the same title and first name"
    return None


def _initials(tokens: list[str]) -> str:
    return "".join(t[0] for t in tokens if t not in ("of", "the", "and", "&"))


def _organisation_names(a: _Entity, b: _Entity) -> tuple[float, str] | None:
    ta, tb = a.tokens, b.tokens
    (short, short_label), (long, _) = sorted(
        ((ta, a.label), (tb, b.label)), key=lambda x: len(x[0])
    )
    # "BVT" begins "BVT Capital"; but one plain word that begins a longer name is most
    # often the place the organisation is named after ("Thornforth Town Council").
    begins = len(short) < len(long) and long[: len(short)] == short
    if begins and (len(short) > 1 or short_label.isupper()):
        return 0.6, "one name begins the other"
    if len(short) == 1 and len(short[0]) >= 2 and short[0] == _initials(long):
        return 0.6, "initials of the other name"
    from rapidfuzz import fuzz

    if min(len(" ".join(ta)), len(" ".join(tb))) >= 8:
        ratio = fuzz.ratio(" ".join(ta), " ".join(tb))
        if ratio >= 90:
            return 0.6, f"names {ratio:.0f}% alike"
    return None


def _evidence(
    a: _Entity, b: _Entity, name: Callable[[URIRef], str], named_in: Mapping[URIRef, set[URIRef]]
) -> tuple[float, list[str]]:
    """Who else both are named beside in their documents (which includes everyone
    each is related to). Read only for pairs whose names agree: a few in a hundred."""
    around_a = set().union(*(named_in[d] for d in a.documents))
    around_b = set().union(*(named_in[d] for d in b.documents))
    shared = sorted((around_a & around_b) - {a.iri, b.iri}, key=str)
    return min(1.0, len(shared) / 2), [name(n) for n in shared[:5]]


_FACTS = (RDF.type, RDFS.label, SKOS.altLabel, KG.honorific, KG.mentionedIn)


def entity_facts(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """The triples :func:`find_merges_in` reads: classes, names, honorifics, documents."""
    for predicate in _FACTS:
        yield from graph.triples((None, predicate, None))


def _entities(
    facts: Iterable[tuple[Node, Node, Node]], onto: Ontology
) -> tuple[dict[URIRef, _Entity], dict[Node, str], dict[URIRef, set[URIRef]]]:
    """The people and organisations of ``facts``, every subject's label, and who is
    named in each document (countries aside)."""
    people, orgs, country = onto.term("Person"), onto.term("Organization"), onto.term("Country")
    classes: dict[Node, str] = {}
    countries: set[Node] = set()
    labels: dict[Node, str] = {}
    names: dict[Node, set[str]] = defaultdict(set)
    honorifics: dict[Node, set[str]] = defaultdict(set)
    documents: dict[Node, set[URIRef]] = defaultdict(set)
    # One lookup a fact, not a comparison with each predicate in turn (rdflib's term
    # equality is Python code, a third of the time here).
    kinds: dict[Node, int] = {
        RDF.type: 0,
        RDFS.label: 1,
        SKOS.altLabel: 2,
        KG.honorific: 3,
        KG.mentionedIn: 4,
    }
    for s, p, o in facts:
        kind = kinds.get(p)
        if kind == 0:
            if o == people:
                classes[s] = "Person"  # a person typed an organisation too is a person
            elif o == orgs:
                classes.setdefault(s, "Organization")
            elif o == country:
                countries.add(s)
        elif kind == 1:
            labels[s] = min(labels.get(s, str(o)), str(o))
        elif kind == 2:
            names[s].add(str(o))
        elif kind == 3:
            honorifics[s].add(str(o))
        elif kind == 4 and isinstance(o, URIRef):
            documents[s].add(o)
    found: dict[URIRef, _Entity] = {}
    for subject, cls in classes.items():
        label = labels.get(subject)
        if not isinstance(subject, URIRef) or label is None:
            continue
        entity = found[subject] = _Entity(subject, cls, label)
        entity.honorific_literals = set(honorifics[subject])
        entity.named(honorifics[subject])
        entity.labels = {label} | names[subject]
        entity.documents = set(documents[subject])
    named_in: dict[URIRef, set[URIRef]] = defaultdict(set)
    for named, docs in documents.items():
        if isinstance(named, URIRef) and named not in countries:
            for doc in docs:
                named_in[doc].add(named)
    return found, labels, named_in


def find_merges(graph: Graph, ontology: Ontology | None = None) -> list[Merge]:
    """The merges this graph's entities call for, in a fixed order."""
    return find_merges_in(entity_facts(graph), ontology)


def find_merges_in(
    facts: Iterable[tuple[Node, Node, Node]], ontology: Ontology | None = None
) -> list[Merge]:
    """The merges that the entity ``facts`` of a graph (:func:`entity_facts`) call for:
    what a store, which keeps no rdflib graph, hands over."""
    onto = ontology or load_ontology()
    entities, labels, named_in = _entities(facts, onto)

    def name(iri: URIRef) -> str:
        return labels.get(iri, str(iri))

    candidates: list[tuple[float, str, URIRef, URIRef]] = []
    for a, b in _pairs(entities.values()):
        if a.documents & b.documents:
            continue  # a document that names both has already decided they are two
        judged = (_person_names if a.cls == "Person" else _organisation_names)(a, b)
        if judged is None:
            continue
        name_score, why = judged
        evidence, shared = _evidence(a, b, name, named_in)
        score = round(name_score + (1 - name_score) * evidence, 3)
        if score < THRESHOLD:
            continue
        reason = why + (f"; also named with {', '.join(shared)}" if shared else "")
        candidates.append((score, reason, a.iri, b.iri))
    return _cluster(candidates, entities)


def _pairs(entities: Iterable[_Entity]) -> Iterator[tuple[_Entity, _Entity]]:
    """Pairs that could be one: same class and a shared name word (blocking keeps it linear)."""
    blocks: dict[tuple[str, str], list[_Entity]] = defaultdict(list)
    for entity in sorted(entities, key=lambda e: str(e.iri)):
        tokens = entity.tokens
        if not tokens:
            continue
        if entity.cls == "Person":
            keys = {tokens[0]} if entity.kind == "first" else {tokens[-1]}
            if entity.kind == "full":
                keys.add(tokens[0])
        else:
            keys = {tokens[0], _initials(tokens)} if len(tokens) > 1 else {tokens[0]}
        for key in keys:
            blocks[(entity.cls, key)].append(entity)
    seen: set[tuple[URIRef, URIRef]] = set()
    for members in blocks.values():
        if len(members) > 200:
            continue  # a word a great many names share says nothing
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pair = (a.iri, b.iri) if str(a.iri) < str(b.iri) else (b.iri, a.iri)
                if pair not in seen:
                    seen.add(pair)
                    yield a, b


def _cluster(
    candidates: list[tuple[float, str, URIRef, URIRef]], entities: dict[URIRef, _Entity]
) -> list[Merge]:
    """Join the best-scored pairs first; a join that would put two full names that do not
    agree (or an ambiguous short name) in one cluster is refused."""
    parent: dict[URIRef, URIRef] = {}

    def root(x: URIRef) -> URIRef:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    members: dict[URIRef, list[URIRef]] = {iri: [iri] for iri in entities}
    short_links: dict[URIRef, set[URIRef]] = defaultdict(set)
    for _score, _reason, a, b in candidates:
        for x, y in ((a, b), (b, a)):
            if entities[x].kind != "full" and entities[y].kind == "full":
                short_links[x].add(y)
    accepted: dict[tuple[URIRef, URIRef], tuple[float, str]] = {}

    def rank(c: tuple[float, str, URIRef, URIRef]) -> tuple[bool, float, str, str]:
        short = entities[c[2]].kind != "full" or entities[c[3]].kind != "full"
        return short, -c[0], str(c[2]), str(c[3])  # full names join first

    for score, reason, a, b in sorted(candidates, key=rank):
        if any(
            len({root(y) for y in short_links[x]}) > 1 for x in (a, b) if entities[x].kind != "full"
        ):
            continue  # "Ellery" could be either of two people called Ellery
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        group = members[ra] + members[rb]
        fulls = [entities[m] for m in group if entities[m].kind == "full"]
        if entities[a].cls == "Person" and any(
            _person_names(x, y) is None for i, x in enumerate(fulls) for y in fulls[i + 1 :]
        ):
            continue
        parent[rb] = ra
        members[ra] = group
        accepted[(a, b)] = (score, reason)
    merges: list[Merge] = []
    clusters: dict[URIRef, list[URIRef]] = defaultdict(list)
    for iri in entities:
        clusters[root(iri)].append(iri)
    pair_info = {frozenset(k): v for k, v in accepted.items()}
    for group in clusters.values():
        if len(group) < 2:
            continue
        canonical = max(
            group,
            key=lambda m: (
                len(entities[m].tokens),
                len(entities[m].documents),
                len(entities[m].label),
                [-ord(c) for c in str(m)],
            ),
        )
        for alias in sorted(m for m in group if m != canonical):
            score, reason = _best_link(alias, group, pair_info)
            merges.append(
                Merge(
                    alias=alias,
                    canonical=canonical,
                    score=score,
                    reason=reason,
                    names=(entities[alias].label, entities[canonical].label),
                    documents=tuple(sorted(entities[alias].documents, key=str)),
                    labels=tuple(sorted(entities[alias].labels)),
                    honorifics=tuple(sorted(entities[alias].honorific_literals)),
                    kept=(
                        tuple(sorted(entities[canonical].labels)),
                        tuple(sorted(entities[canonical].honorific_literals)),
                    ),
                )
            )
    return sorted(merges, key=lambda m: (str(m.canonical), str(m.alias)))


def _best_link(
    alias: URIRef, group: list[URIRef], info: dict[frozenset[URIRef], tuple[float, str]]
) -> tuple[float, str]:
    """The score and reason of the strongest accepted pair that joined ``alias``."""
    links = [info[key] for other in group if (key := frozenset((alias, other))) in info]
    return max(links) if links else (THRESHOLD, "linked through another name of the cluster")


def _replace(graph: Graph, old: Node, new: Node, symmetric: frozenset[URIRef]) -> None:
    """Every triple with ``old`` as subject or object gets ``new`` instead; a symmetric
    fact keeps kg's one direction (the lesser IRI first)."""
    for s, p, o in list(graph.triples((old, None, None))) + list(graph.triples((None, None, old))):
        graph.remove((s, p, o))
        s2, o2 = (new if s == old else s), (new if o == old else o)
        if p in symmetric and isinstance(o2, URIRef) and str(o2) < str(s2):
            s2, o2 = o2, s2
        graph.add((s2, p, o2))


def _fold(graph: Graph, alias: URIRef, canonical: URIRef, symmetric: frozenset[URIRef]) -> None:
    """Make ``alias`` part of ``canonical``: its facts, records, quotes and names."""
    label = graph.value(alias, RDFS.label)
    graph.remove((alias, RDFS.label, None))
    _replace(graph, alias, canonical, symmetric)
    if label is not None and label != graph.value(canonical, RDFS.label):
        graph.add((canonical, SKOS.altLabel, label))


def add_merges(graph: Graph, merges: Iterable[Merge], ontology: Ontology | None = None) -> None:
    """Fold each alias into its canonical entity and write ``owl:sameAs`` and the record.

    The alias's facts, provenance records, quotes and names move to the canonical node,
    so every reader of the graph (SPARQL, rdflib, other tools) sees one node; the
    record keeps what :func:`unmerge` needs to split them again.
    """
    onto = ontology or load_ontology()
    symmetric = frozenset(onto.term(p) for p in onto.symmetric)
    agent = KGR[f"extractor_{EXTRACTOR}"]
    merges = list(merges)
    if merges:
        graph.add((agent, RDF.type, PROV.SoftwareAgent))
        graph.add((agent, RDFS.label, Literal(EXTRACTOR)))
    for merge in merges:
        _fold(graph, merge.alias, merge.canonical, symmetric)
        node = merge.iri
        graph.add((merge.alias, OWL.sameAs, merge.canonical))
        graph.add((node, RDF.type, KG.Merge))
        graph.add((node, KG.mergedEntity, merge.alias))
        graph.add((node, KG.canonicalEntity, merge.canonical))
        graph.add((node, KG.mergedName, Literal(merge.names[0])))
        graph.add((node, KG.canonicalName, Literal(merge.names[1])))
        graph.add((node, KG.confidence, confidence_literal(merge.score)))
        graph.add((node, KG.reason, Literal(merge.reason)))
        graph.add((node, PROV.wasAttributedTo, agent))
        for doc in merge.documents:
            graph.add((node, PROV.wasDerivedFrom, doc))
        for name in merge.labels:
            graph.add((node, KG.mergedLabel, Literal(name)))
        for honorific in merge.honorifics:
            graph.add((node, KG.mergedHonorific, Literal(honorific)))
        for name in merge.kept[0]:
            graph.add((node, KG.keptLabel, Literal(name)))
        for honorific in merge.kept[1]:
            graph.add((node, KG.keptHonorific, Literal(honorific)))


def resolve(graph: Graph, ontology: Ontology | None = None) -> list[Merge]:
    """Find this graph's merges and make them in it; returns them."""
    merges = find_merges(graph, ontology)
    add_merges(graph, merges, ontology)
    return merges


def unmerge(graph: Graph, merge: URIRef | str, ontology: Ontology | None = None) -> bool:
    """Take one merge back; False if there is no such record.

    What the alias's documents said goes back to the alias: its mentions, the
    provenance records and quotes derived from those documents (and the facts they
    support), its names and honorifics. ``merge`` is the record's IRI or its local
    name (``merge_0123abcd…``).
    """
    onto = ontology or load_ontology()
    symmetric = frozenset(onto.term(p) for p in onto.symmetric)
    node = merge if isinstance(merge, URIRef) else KGR[str(merge).removeprefix(str(KGR))]
    alias = graph.value(node, KG.mergedEntity)
    canonical = graph.value(node, KG.canonicalEntity)
    if not isinstance(alias, URIRef) or not isinstance(canonical, URIRef):
        return False
    docs = set(graph.objects(node, PROV.wasDerivedFrom))
    labels = [str(n) for n in graph.objects(node, KG.mergedLabel)]
    name = graph.value(node, KG.mergedName)
    honorifics = [str(h) for h in graph.objects(node, KG.mergedHonorific)]
    kept_labels = {str(n) for n in graph.objects(node, KG.keptLabel)}
    kept_honorifics = {str(h) for h in graph.objects(node, KG.keptHonorific)}
    graph.remove((alias, OWL.sameAs, canonical))
    graph.remove((node, None, None))
    for cls in list(graph.objects(canonical, RDF.type)):
        graph.add((alias, RDF.type, cls))
    for doc in docs:
        if (canonical, KG.mentionedIn, doc) in graph:
            graph.remove((canonical, KG.mentionedIn, doc))
            graph.add((alias, KG.mentionedIn, doc))
    moved: set[tuple[Node, Node, Node]] = set()
    for record in [r for d in docs for r in graph.subjects(PROV.wasDerivedFrom, d)]:
        if (record, RDF.type, RDF.Statement) in graph:
            s, p, o = (graph.value(record, x) for x in (RDF.subject, RDF.predicate, RDF.object))
            if s is None or p is None or o is None or canonical not in (s, o):
                continue
            old: tuple[Node, Node, Node] = (s, p, o)
            s, o = (alias if s == canonical else s), (alias if o == canonical else o)
            if p in symmetric and isinstance(o, URIRef) and str(o) < str(s):
                s, o = o, s
            graph.set((record, RDF.subject, s))
            graph.set((record, RDF.object, o))
            moved.add(old)
            graph.add((s, p, o))
        elif (record, KG.speaker, canonical) in graph:
            graph.set((record, KG.speaker, alias))
    for s, p, o in moved:  # a fact no record of the canonical's own supports goes
        if not any(
            (r, RDF.type, RDF.Statement) in graph
            and graph.value(r, RDF.predicate) == p
            and graph.value(r, RDF.object) == o
            for r in graph.subjects(RDF.subject, s)
        ):
            graph.remove((s, p, o))
    for label in labels:
        if label not in kept_labels:
            graph.remove((canonical, SKOS.altLabel, Literal(label)))
        if label != str(name):
            graph.add((alias, SKOS.altLabel, Literal(label)))
    if name is not None:
        graph.add((alias, RDFS.label, name))
    for honorific in honorifics:
        if honorific not in kept_honorifics:
            graph.remove((canonical, KG.honorific, Literal(honorific)))
        graph.add((alias, KG.honorific, Literal(honorific)))
    if not any(graph.subjects(RDF.type, KG.Merge)):
        agent = KGR[f"extractor_{EXTRACTOR}"]
        graph.remove((agent, None, None))
    return True
