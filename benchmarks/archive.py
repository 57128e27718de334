"""A generated news archive as an RDF graph, for benchmarks/view.py and screenshots.

Shaped like what ``kg build`` makes (README, "The RDF model"): entities of kg's
classes with labels, some aliases and the documents they are in; relations as plain
triples, each with one rdf:Statement provenance record (document, extractor,
sentence, evidence, offsets, confidence); and quotes. Who relates to whom follows
news: a few entities are in many stories (heavy-tailed popularity), and most
relations stay inside a story's circle of entities (communities), with some across.
Deterministic for a given seed. The sentences are made up, not taken from news.
"""

from __future__ import annotations

import random
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.ontology.schema import KG, KGR

CLASSES = ("Person",) * 5 + ("Organization",) * 3 + ("Place",) * 2 + (
    "Country", "Event", "Group", "Facility", "Product", "CreativeWork", "Law",
)  # fmt: skip
PREDICATES = (
    "met", "worksFor", "wroteTo", "visited", "leaderOf", "memberOf", "locatedIn",
    "criticized", "praised", "hasLinksWith", "spokeWith", "foundedBy",
)  # fmt: skip
FIRST = ("Ana", "Bo", "Cai", "Dara", "Eli", "Femi", "Gus", "Hana", "Ivo", "Jun", "Kit", "Lea")
LAST = ("Moss", "Nair", "Okafor", "Park", "Quinn", "Rossi", "Sato", "Torres", "Ueda", "Voss")


def _name(cls: str, i: int) -> str:
    if cls == "Person":
        return f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}"
    return f"{cls} {i}"


def archive(
    entities: int = 20_000, relations: int = 40_000, *, documents: int = 1_800, seed: int = 7
) -> Graph:
    """``entities`` entities and ``relations`` relations, with provenance and quotes."""
    rng = random.Random(seed)
    community: list[int] = []
    while len(community) < entities:
        size = min(entities - len(community), int(rng.paretovariate(1.3) * 25))
        community += [len(set(community))] * max(size, 1)
    members: dict[int, list[int]] = {}
    for i, c in enumerate(community):
        members.setdefault(c, []).append(i)
    weight = [rng.paretovariate(1.1) for _ in range(entities)]

    graph = Graph(store="SimpleMemory")
    add = graph.add
    docs = [KGR[f"doc_{i:05d}"] for i in range(documents)]
    for i, doc in enumerate(docs):
        add((doc, RDF.type, KG.Document))
        add((doc, DCTERMS.identifier, Literal(f"archive/{i:05d}.txt")))
    extractors = [KGR[f"extractor_kg.{name}.v1"] for name in ("verbs", "links", "roles")]
    for extractor in extractors:
        add((extractor, RDF.type, PROV.SoftwareAgent))
        add((extractor, RDFS.label, Literal(str(extractor).rsplit("_", 1)[1])))

    nodes: list[URIRef] = []
    labels: list[str] = []
    for i in range(entities):
        cls = CLASSES[(community[i] * 7 + i) % len(CLASSES)]
        node = KGR[f"{cls.lower()}_entity-{i:05d}"]
        name = _name(cls, i)
        nodes.append(node)
        labels.append(name)
        add((node, RDF.type, KG[cls]))
        add((node, RDFS.label, Literal(name)))
        if i % 4 == 0:
            add((node, SKOS.altLabel, Literal(name.split()[0] + f" #{i}")))
        add((node, KG.mentionedIn, docs[(community[i] * 13 + i) % documents]))

    pairs: set[tuple[int, int]] = set()
    population = range(entities)
    while len(pairs) < relations:
        for s in rng.choices(population, weights=weight, k=4096):
            circle = members[community[s]]
            t = (
                circle[rng.randrange(len(circle))]
                if rng.random() < 0.8
                else rng.randrange(entities)
            )
            if s != t and (t, s) not in pairs:
                pairs.add((s, t))
                if len(pairs) == relations:
                    break
    for k, (s, t) in enumerate(sorted(pairs)):
        predicate = KG[PREDICATES[k % len(PREDICATES)]]
        add((nodes[s], predicate, nodes[t]))
        stmt = KGR[f"stmt_{k:06d}"]
        sentence = f"{labels[s]} and {labels[t]} appear together in story {k} of the archive."
        start = (k * 37) % 4000
        for p, o in (
            (RDF.type, RDF.Statement),
            (RDF.subject, nodes[s]),
            (RDF.predicate, predicate),
            (RDF.object, nodes[t]),
            (PROV.wasDerivedFrom, docs[(community[s] * 13 + k) % documents]),
            (PROV.wasAttributedTo, extractors[k % len(extractors)]),
            (KG.sentence, Literal(sentence)),
            (KG.evidence, Literal(sentence[: len(labels[s]) + 5 + len(labels[t])])),
            (KG.start, Literal(start)),
            (KG.end, Literal(start + 40)),
            (KG.confidence, Literal(Decimal("0.85"), datatype=XSD.decimal)),
        ):
            add((stmt, p, o))
    for q in range(entities // 20):
        speaker = nodes[(q * 7919) % entities]
        quote = KGR[f"quote_{q:05d}"]
        add((quote, RDF.type, KG.Quote))
        add((quote, KG.text, Literal(f"We will say more about item {q} next week.")))
        add((quote, KG.speaker, speaker))
        add((quote, PROV.wasDerivedFrom, docs[q % documents]))
    return graph
