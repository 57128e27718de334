"""Shared fixtures: small graphs built by hand in the model of the RDF model (README)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

if TYPE_CHECKING:
    from browsing import Visit
    from playwright.sync_api import Browser

KG = Namespace("https://w3id.org/kg/ontology#")
KGR = Namespace("https://w3id.org/kg/id/")

BOB = KGR["person/bob-russell"]
DAVID = KGR["person/david-finch"]
JANE = KGR["person/jane-doe"]
COUNCIL = KGR["organization/norfolk-county-council"]
NORWICH = KGR["place/norwich"]
ENGLAND = KGR["country/england"]
DOC1 = KGR["doc/d1"]
DOC2 = KGR["doc/d2"]
VERBS = KGR["extractor/kg.verbs.v1"]
QUOTES = KGR["extractor/kg.quotes.v1"]

# (statement id, subject, predicate, object, document, confidence, sentence, start)
RELATIONS = [
    ("s1", BOB, KG.wroteTo, DAVID, DOC1, "0.85", "Sir Bob Russell wrote to David Finch.", 0),
    ("s2", BOB, KG.wroteTo, DAVID, DOC2, "0.6", "Mr Russell wrote to Finch again.", 10),
    ("s3", DAVID, KG.memberOf, COUNCIL, DOC1, "0.9", "Finch, a councillor of the council.", 40),
    ("s4", COUNCIL, KG.basedIn, NORWICH, DOC1, "0.7", "The council, based in Norwich.", 80),
    ("s5", NORWICH, KG.locatedIn, ENGLAND, DOC2, "0.8", "Norwich in England.", 50),
]


def build_small_graph() -> Graph:
    """Two documents, six entities (one isolated), four relations, five records, two quotes."""
    g = Graph(bind_namespaces="none")
    for doc, ident, title in (
        (DOC1, "politics.txt", "Letter row"),
        (DOC2, "sport.txt", "Cup final"),
    ):
        g.add((doc, RDF.type, KG.Document))
        g.add((doc, DCTERMS.identifier, Literal(ident)))
        g.add((doc, DCTERMS.title, Literal(title)))
    for agent, label in ((VERBS, "kg.verbs.v1"), (QUOTES, "kg.quotes.v1")):
        g.add((agent, RDF.type, PROV.SoftwareAgent))
        g.add((agent, RDFS.label, Literal(label)))
    for entity, cls, label, docs in (
        (BOB, KG.Person, "Bob Russell", (DOC1, DOC2)),
        (DAVID, KG.Person, "David Finch", (DOC1, DOC2)),
        (JANE, KG.Person, "Jane Doe", (DOC2,)),
        (COUNCIL, KG.Organization, "Norfolk County Council", (DOC1,)),
        (NORWICH, KG.Place, "Norwich", (DOC1, DOC2)),
        (ENGLAND, KG.Country, "England", (DOC2,)),
    ):
        g.add((entity, RDF.type, cls))
        g.add((entity, RDFS.label, Literal(label)))
        for doc in docs:
            g.add((entity, KG.mentionedIn, doc))
    for alias in ("Sir Bob Russell", "Sir Bob", "Mr Russell"):
        g.add((BOB, SKOS.altLabel, Literal(alias)))
    for sid, s, p, o, doc, confidence, sentence, start in RELATIONS:
        stmt = KGR[f"stmt/{sid}"]
        g.add((s, p, o))
        g.add((stmt, RDF.type, RDF.Statement))
        g.add((stmt, RDF.subject, s))
        g.add((stmt, RDF.predicate, p))
        g.add((stmt, RDF.object, o))
        g.add((stmt, PROV.wasDerivedFrom, doc))
        g.add((stmt, PROV.wasAttributedTo, VERBS))
        g.add((stmt, KG.sentence, Literal(sentence)))
        g.add((stmt, KG.evidence, Literal(sentence.rstrip("."))))
        g.add((stmt, KG.start, Literal(start, datatype=XSD.integer)))
        g.add((stmt, KG.end, Literal(start + len(sentence) - 1, datatype=XSD.integer)))
        g.add((stmt, KG.confidence, Literal(Decimal(confidence), datatype=XSD.decimal)))
    q1, q2 = KGR["quote/q1"], KGR["quote/q2"]
    for quote, text, doc, start in (
        (q1, "I have always been puzzled by this.", DOC1, 600),
        (q2, "We will respond in due course.", DOC2, 300),
    ):
        g.add((quote, RDF.type, KG.Quote))
        g.add((quote, KG.text, Literal(text)))
        g.add((quote, PROV.wasDerivedFrom, doc))
        g.add((quote, PROV.wasAttributedTo, QUOTES))
        g.add((quote, KG.sentence, Literal(f'"{text}" he said.')))
        g.add((quote, KG.evidence, Literal(text)))
        g.add((quote, KG.start, Literal(start)))
        g.add((quote, KG.end, Literal(start + len(text))))
        g.add((quote, KG.confidence, Literal(Decimal("0.9"), datatype=XSD.decimal)))
    g.add((q1, KG.speaker, BOB))
    g.add((q2, KG.speakerDescription, Literal("A spokesman for County Hall")))
    return g


@pytest.fixture
def small_graph() -> Graph:
    """A fresh copy of the hand-built graph for each test, so tests may modify it."""
    return build_small_graph()


SHARED = Path(__file__).resolve().parents[2] / "shared"
CONLL04_TRAIN = SHARED / "eval" / "conll04_train.jsonl"
CONLL04_DEV = SHARED / "eval" / "conll04_dev.jsonl"


@pytest.fixture(scope="session")
def conll04_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained on the shared CoNLL04 train split, with dev selection (about 90 s).

    Trained once per test session: the quality floor (test_train) and the seed
    article (test_seed) both use it. Skips only when ../shared is absent.
    """
    if not (CONLL04_TRAIN.is_file() and CONLL04_DEV.is_file()):
        pytest.skip("../shared/eval is not present in this checkout")
    from kg.learn.train import train

    out = tmp_path_factory.mktemp("conll04") / "conll04"
    train(CONLL04_TRAIN, out, label_map="conll04", dev=CONLL04_DEV, progress=False)
    return out


# The browser fixtures of tests/view/ (the helpers are in tests/view/browsing.py). They
# live here, not in a tests/view/conftest.py, because a second module named conftest
# shadows this one for the tests that import from it (tests/serve, tests/learn).


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """One headless Chromium for the module (its ``BROWSER_ARGS``); every page gets a
    fresh context."""
    from browsing import CHROMIUM_ARGS, launch

    yield from launch(getattr(request.module, "BROWSER_ARGS", CHROMIUM_ARGS))


@pytest.fixture
def visit(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Visit]]:
    """Open pages as the module's ``VISIT`` class, dropping its ``CONSOLE_NOISE``."""
    from browsing import Visit, opener

    module = request.module
    yield from opener(
        browser, getattr(module, "VISIT", Visit), getattr(module, "CONSOLE_NOISE", None)
    )
