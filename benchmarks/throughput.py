"""Throughput of ``kg build`` against raw spaCy ``nlp.pipe`` with the same model.

Usage: python benchmarks/throughput.py [--words 100000] [--repeat 2] [--model NAME]
                                      [--trained MODEL_DIR]

The corpus is the CoNLL04 sentences in ../shared/eval (grouped ten to a document,
like short news items) plus the bundled sample articles, cycled until it holds at
least --words words. Both sides parse exactly the same texts with the same model:
raw spaCy is the model as ``spacy.load`` gives it; kg is ``kg build`` end to end
(its pipeline adds one small component, then extraction, the RDF graph and the
Turtle file). The best of --repeat runs is reported for each side.
Target: kg >= 0.85 x raw spaCy.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from itertools import cycle
from pathlib import Path

import kg
from kg.demo import examples_dir
from kg.extract.nlp import load_model

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"


def corpus(words: int) -> list[kg.Document]:
    texts: list[str] = [p.read_text(encoding="utf-8") for p in sorted(examples_dir().glob("*.txt"))]
    for path in sorted(SHARED.glob("conll04_*.jsonl")):
        sentences = [
            json.loads(line)["text"]
            for line in path.read_text(encoding="utf-8").splitlines()
            if line
        ]
        texts += [" ".join(sentences[i : i + 10]) for i in range(0, len(sentences), 10)]
    docs: list[kg.Document] = []
    total = 0
    for i, text in enumerate(cycle(texts)):
        if total >= words:
            break
        docs.append(kg.Document(id=f"bench-{i}", text=text))
        total += len(text.split())
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--model", default=None)
    parser.add_argument(
        "--trained",
        default=None,
        help="also time kg build --model MODEL_DIR (a kg train model: its NER, the base "
        "NER beside it and the relation classifier)",
    )
    args = parser.parse_args()

    import spacy

    nlp = load_model(args.model)  # kg's pipeline
    raw_nlp = spacy.load(args.model or nlp.meta["lang"] + "_" + nlp.meta["name"])  # the model as is
    docs = corpus(args.words)
    n_words = sum(len(d.text.split()) for d in docs)
    texts = [d.text for d in docs]
    print(
        f"model: {nlp.meta.get('name')} {nlp.meta.get('version')}; "
        f"corpus: {len(docs)} documents, {n_words} words"
    )
    list(nlp.pipe(texts[:20]))  # warm up
    list(raw_nlp.pipe(texts[:20]))

    trained = None
    if args.trained:
        from kg.extract.model import load_trained

        trained = load_trained(args.trained)
        list(trained.nlp.pipe(texts[:20]))
    raw_times, kg_times, trained_times = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            for _doc in raw_nlp.pipe(texts):
                pass
            raw_times.append(time.perf_counter() - t0)

            t0 = time.perf_counter()
            graph = kg.build(docs, nlp=nlp, progress=False)
            graph.serialize(Path(tmp) / "bench.ttl")
            kg_times.append(time.perf_counter() - t0)

            if trained is not None:
                t0 = time.perf_counter()
                with_model = kg.build(docs, model=trained, progress=False)
                with_model.serialize(Path(tmp) / "bench-model.ttl")
                trained_times.append(time.perf_counter() - t0)
    raw, built = min(raw_times), min(kg_times)
    print(f"raw spaCy nlp.pipe : {n_words / raw:9.0f} words/s ({raw:.2f} s)")
    print(f"kg build (+ Turtle): {n_words / built:9.0f} words/s ({built:.2f} s)")
    print(f"ratio kg / spaCy   : {raw / built:.3f}  (target >= 0.85)")
    print(f"graph: {len(graph.graph)} triples")
    if trained is not None:
        slow = min(trained_times)
        print(
            f"kg build --model   : {n_words / slow:9.0f} words/s ({slow:.2f} s), model {trained.id}"
        )
        print(f"ratio --model / raw: {raw / slow:.3f}; --model / kg build: {built / slow:.3f}")
        print(f"graph with --model: {len(with_model.graph)} triples")


if __name__ == "__main__":
    main()
