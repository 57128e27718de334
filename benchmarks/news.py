"""Score kg on the invented news samples (examples/news/) against their answer key.

Builds every article in ``examples/news/`` with kg, exactly as ``kg build`` does, and scores
the graph against ``examples/news/answers.json`` (a careful reader's facts, alias sets and
quotes, in the format of ``shared/eval/realnews-dev-gold.json``):

- with ``shared/eval/check_facts.py`` when that folder is beside the project (its figure line
  is printed as it prints it), and
- with the same matching rules here, which add what that script does not report: how many of
  kg's relations are in the key (a precision figure) and which page-furniture names leaked.

    python benchmarks/news.py [--graph OUT.ttl] [--model MODEL]

"Precision-ish": a kg relation counts as right when some fact of the key has its subject,
object and predicate; the key lists what a careful reader states first and what the text
states plainly, not every true fact, so a relation outside it may still be true. The
figure is a floor, and the wrong relations are listed for review.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "news"
ANSWERS = SAMPLES / "answers.json"
CHECK_FACTS = ROOT.parent / "shared" / "eval" / "check_facts.py"

# The matching rules of check_facts.py (its docstring): labels case-insensitive, curly
# apostrophes straight, a leading "the" and the honorifics below optional; predicates by
# their lower-cased letters-only local name.
_HONORIFIC = re.compile(r"^(sir|mr|mrs|ms|miss|dr|lord|lady|dame)\.?\s+")


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").lower().strip()
    return re.sub(r"\s+", " ", re.sub(r"^the\s+", "", text))


def _local(predicate: object) -> str:
    return re.sub(r"[^a-z]", "", re.split(r"[#/]", str(predicate))[-1].lower())


class Scorer:
    """The key's facts looked up in one graph."""

    def __init__(self, graph: Graph, gold: dict[str, object]) -> None:
        self.graph = graph
        self.gold = gold
        self.labels: dict[str, set[URIRef]] = {}
        for prop in (RDFS.label, SKOS.altLabel, SKOS.prefLabel):
            for s, o in graph.subject_objects(prop):
                if isinstance(o, Literal) and isinstance(s, URIRef):
                    self.labels.setdefault(_norm(str(o)), set()).add(s)
        entities = set(graph.subjects(_KG_MENTIONED_IN, None))
        # Facts between entities in kg's own vocabulary: owl:sameAs links (merges) are
        # scored by the alias clusters, not as facts.
        self.relations = sorted(
            (s, p, o)
            for s, p, o in graph
            if s in entities and o in entities and str(p).startswith(_KG) and p != RDF.type
        )

    def nodes(self, names: list[str]) -> set[URIRef]:
        found: set[URIRef] = set()
        for name in names:
            key = _norm(name)
            found |= self.labels.get(key, set()) | self.labels.get(_HONORIFIC.sub("", key), set())
        return found

    def matches(self, fact: dict[str, list[str]], triple: tuple[URIRef, URIRef, URIRef]) -> bool:
        s, p, o = triple
        return s in self.nodes(fact["s"]) and o in self.nodes(fact["o"]) and _local(p) in fact["p"]

    def facts(self, kind: str) -> list[tuple[dict[str, list[str]], bool]]:
        return [
            (fact, any(self.matches(fact, t) for t in self.relations))
            for fact in self.gold.get(kind, [])  # type: ignore[attr-defined]
        ]

    def unkeyed(self) -> list[tuple[URIRef, URIRef, URIRef]]:
        """kg's relations that no fact of the key has."""
        keyed = self.gold.get("required", []) + self.gold.get("expected", [])  # type: ignore[operator]
        return [t for t in self.relations if not any(self.matches(f, t) for f in keyed)]

    def leaked(self) -> list[str]:
        return [n for n in self.gold.get("absent_names", []) if self.nodes([n])]  # type: ignore[attr-defined]


_KG = "https://w3id.org/kg/ontology#"
_KG_MENTIONED_IN = URIRef(_KG + "mentionedIn")


def _label(graph: Graph, node: URIRef) -> str:
    return str(graph.value(node, RDFS.label) or node)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, help="also keep the built graph here (Turtle)")
    parser.add_argument("--model", help="a spaCy pipeline or a model directory from kg train")
    args = parser.parse_args(argv)

    import kg

    # The articles by name: the folder also holds answers.json, which a folder build
    # would report as a file it does not read.
    articles = sorted([*SAMPLES.glob("*.txt"), *SAMPLES.glob("*.html")])
    started = time.perf_counter()
    built = kg.build(articles, model=args.model)
    seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        out = args.graph or Path(tmp) / "news.ttl"
        built.serialize(out)
        graph = Graph().parse(out, format="turtle")
        official = None
        if CHECK_FACTS.is_file():
            run = subprocess.run(
                [sys.executable, str(CHECK_FACTS), str(out), str(ANSWERS)],
                capture_output=True,
                text=True,
                check=False,
            )
            official = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr

    gold = json.loads(ANSWERS.read_text(encoding="utf-8"))
    scorer = Scorer(graph, gold)
    required, expected = scorer.facts("required"), scorer.facts("expected")
    for kind, results in (("required", required), ("expected", expected)):
        for fact, ok in results:
            if not ok:
                triple = f"{fact['s'][0]} -{fact['p'][0]}-> {fact['o'][0]}"
                print(f"  MISS {kind:8} {triple}  [{fact.get('doc')}]")
    wrong = scorer.unkeyed()
    for s, p, o in wrong:
        print(f"  NOT IN KEY  {_label(graph, s)} -{_local(p)}-> {_label(graph, o)}")
    leaked = scorer.leaked()
    for name in leaked:
        print(f"  LEAKED      {name!r} names a node")
    found = sum(ok for _, ok in required + expected)
    total = len(required) + len(expected)
    right = len(scorer.relations) - len(wrong)
    precision = right / len(scorer.relations) if scorer.relations else 0.0
    print(f"documents: {len(articles)} built in {seconds:.1f} s; relations: {len(wrong) + right}")
    if official is not None:
        print(f"check_facts.py: {official}")
    else:
        print(f"check_facts.py: not found at {CHECK_FACTS}; scored here only")
    print(
        f"news samples: recall {found}/{total} = {found / total:.3f} "
        f"(required {sum(ok for _, ok in required)}/{len(required)}, "
        f"expected {sum(ok for _, ok in expected)}/{len(expected)}); "
        f"precision-ish {right}/{len(scorer.relations)} = {precision:.3f}; "
        f"leaked names {len(leaked)}/{len(gold.get('absent_names', []))}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
