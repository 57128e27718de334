"""kg at archive scale: every figure of issue 10 measured in one run.

Usage: python benchmarks/scale.py [--words 500000] [--triples 1000000] [--only NAME ...]

Sections (``--only`` picks some):

- ``triples``: a graph of ``--triples`` triples in kg's shape (documents, entities
  with labels, relations, reified provenance, quotes; written as N-Triples by a
  generator, no model), loaded, exported as Turtle and asked a join+filter+group
  query, by rdflib in memory against kg's store. Each side runs in a process of its own so that its
  peak RSS is its own. Targets: export and query >= 20x faster, RSS <= 1/3.
- ``latency``: a selective ``kg query STORE`` (whole process) at 10,000 triples and
  at ``--triples``. Target: within 2x of each other.
- ``build``: whole-process ``kg build`` against raw spaCy ``nlp.pipe`` on the
  news-like corpus of benchmarks/scale_corpus.py (``--words`` words), and
  ``--workers 2`` against ``--workers 1``. Targets: >= 0.85x; >= 1.7x on 2 cores.
- ``incremental``: a rebuild of the store after 1% of the documents changed,
  against the fresh build. Target: <= 5% of the fresh build, plus start-up.
- ``memory``: peak RSS of ``kg build --store`` at 10x the corpus against 1x
  (``--memory-words`` is the 1x size). Target: <= 1.2x.

The machine is shared: ratios measured in one run are what to compare.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale_corpus import write_corpus  # noqa: E402

PYTHON = sys.executable
KG = [PYTHON, "-m", "kg"]

JOIN_QUERY = """SELECT ?subject (COUNT(?st) AS ?n) (MAX(?c) AS ?best) WHERE {
  ?st rdf:subject ?s ; rdf:predicate ?p ; kg:confidence ?c ; prov:wasDerivedFrom ?d .
  ?s a kg:Person ; rdfs:label ?subject .
  FILTER(?c >= 0.8)
} GROUP BY ?subject ORDER BY DESC(?n) ?subject LIMIT 10"""

SELECTIVE = 'SELECT ?s WHERE { ?s rdfs:label "{name}" }'


# ---------------------------------------------------------------- a graph of N triples


_GRAPH_SCRIPT = r"""
import random, sys
target, out = int(sys.argv[1]), sys.argv[2]
KG, KGR = "https://w3id.org/kg/ontology#", "https://w3id.org/kg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS, SKOS = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2004/02/skos/core#"
PROV, DC = "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
rng = random.Random(0)
people = max(50, target // 40)
orgs = max(20, target // 400)
lines = set()
def t(s, p, o):
    lines.add(f"<{s}> <{p}> {o} .\n")
def iri(x):
    return f"<{x}>"
def lit(x, dt=None):
    return f'"{x}"' + (f"^^<{XSD}{dt}>" if dt else "")
n = 0
while len(lines) < target:
    n += 1
    doc = f"{KGR}doc_{n:08x}"
    t(doc, RDF + "type", iri(KG + "Document"))
    t(doc, DC + "identifier", lit(f"article-{n}"))
    t(doc, DC + "title", lit(f"Title of article {n}"))
    cast = [f"{KGR}person_p{rng.randrange(people)}" for _ in range(6)]
    firms = [f"{KGR}organization_o{rng.randrange(orgs)}" for _ in range(2)]
    for e in cast + firms:
        cls = "Person" if "person_" in e else "Organization"
        t(e, RDF + "type", iri(KG + cls))
        t(e, RDFS + "label", lit(e.rsplit("_", 1)[1].upper()))
        t(e, KG + "mentionedIn", iri(doc))
        if rng.random() < 0.2:
            t(e, SKOS + "altLabel", lit("also " + e.rsplit("_", 1)[1]))
    for r in range(8):
        a, b = rng.sample(cast, 2)
        if r % 2:
            p, o, ext = KG + "met", b, "kg.verbs.v1"
        else:
            p, o, ext = KG + "worksFor", rng.choice(firms), "kg.roles.v1"
        t(a, p, iri(o))
        st = f"{KGR}stmt_{n:08x}{r}"
        start = rng.randrange(2000)
        sentence = f"Sentence {r} of article {n}, where {a[-6:]} and {o[-6:]} appear."
        for pp, oo in (
            (RDF + "type", iri(RDF + "Statement")),
            (RDF + "subject", iri(a)),
            (RDF + "predicate", iri(p)),
            (RDF + "object", iri(o)),
            (PROV + "wasDerivedFrom", iri(doc)),
            (PROV + "wasAttributedTo", iri(KGR + "extractor_" + ext)),
            (KG + "sentence", lit(sentence)),
            (KG + "evidence", lit(f"{a[-6:]} ... {o[-6:]}")),
            (KG + "start", lit(start, "integer")),
            (KG + "end", lit(start + 30, "integer")),
            (KG + "confidence", lit(rng.choice(["0.75", "0.8", "0.85"]), "decimal")),
        ):
            t(st, pp, oo)
    q = f"{KGR}quote_{n:08x}"
    for pp, oo in (
        (RDF + "type", iri(KG + "Quote")),
        (KG + "text", lit(f"Words said in article {n}.")),
        (KG + "speaker", iri(cast[0])),
        (PROV + "wasDerivedFrom", iri(doc)),
    ):
        t(q, pp, oo)
with open(out, "w", encoding="utf-8") as f:
    f.writelines(sorted(lines))
print(n)
"""

_RDFLIB_SIDE = r"""
import json, resource, sys, time
import rdflib
from kg.rdf.query import query
t = time.perf_counter()
g = rdflib.Graph()
g.parse(sys.argv[1], format="nt")
load = time.perf_counter() - t
t = time.perf_counter()
g.serialize(format="turtle")
export = time.perf_counter() - t
t = time.perf_counter()
rows = query(g, sys.argv[2], timeout=None).rows
q = time.perf_counter() - t
print(json.dumps({"load": load, "export": export, "query": q, "rows": len(rows),
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

_STORE_SIDE = r"""
import itertools, json, resource, sys, time
import pyoxigraph as ox
from kg.rdf.store import Contribution, DocumentRecord, GraphStore
# Loaded as a build writes: contributions of 500 triples (a document's worth), 64 a batch.
t = time.perf_counter()
quads = ox.parse(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
with GraphStore.open_for_writing(sys.argv[3]) as store:
    for batch in itertools.count():
        contributions = []
        for part in range(64):
            chunk = frozenset(q.triple for q in itertools.islice(quads, 500))
            if chunk:
                record = DocumentRecord(f"part-{batch}-{part}", "", "")
                contributions.append(Contribution(record, chunk))
        if not contributions:
            break
        store.apply(contributions)
load = time.perf_counter() - t
with GraphStore.open(sys.argv[3]) as store:
    t = time.perf_counter()
    with open(sys.argv[3] + ".ttl", "wb") as out:
        store.export(out.name, "ttl")
    export = time.perf_counter() - t
    t = time.perf_counter()
    rows = store.query(sys.argv[2], timeout=None).rows
    q = time.perf_counter() - t
print(json.dumps({"load": load, "export": export, "query": q, "rows": len(rows),
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def _json_run(args: list[str]) -> dict[str, float]:
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _graph_file(triples: int, folder: Path) -> Path:
    path = folder / f"graph-{triples}.nt"
    if not path.exists():
        subprocess.run([PYTHON, "-c", _GRAPH_SCRIPT, str(triples), str(path)], check=True)
    return path


def _mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def section_triples(args: argparse.Namespace, folder: Path) -> None:
    path = _graph_file(args.triples, folder)
    rd = _json_run([PYTHON, "-c", _RDFLIB_SIDE, str(path), JOIN_QUERY])
    st = _json_run(
        [PYTHON, "-c", _STORE_SIDE, str(path), JOIN_QUERY, str(folder / "triples-store")]
    )
    print(f"\n== {args.triples:,} triples: rdflib in memory vs kg's store ==")
    print(f"{'':14}{'rdflib':>12}{'store':>12}{'ratio':>10}")
    for key in ("load", "export", "query"):
        print(f"{key:14}{rd[key]:>11.2f}s{st[key]:>11.2f}s{rd[key] / st[key]:>9.1f}x")
    print(
        f"{'peak RSS':14}{_mib(rd['rss']):>12}{_mib(st['rss']):>12}{st['rss'] / rd['rss']:>9.2f}x"
    )
    print(
        f"(query rows: rdflib {rd['rows']}, store {st['rows']}; "
        "targets: export, query >= 20x; RSS <= 0.33x)"
    )


def _kg_query_time(store: Path, sparql: str, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([*KG, "query", str(store), sparql], check=True, capture_output=True)
        best = min(best, time.perf_counter() - t)
    return best


def section_latency(args: argparse.Namespace, folder: Path) -> None:
    small = _graph_file(10_000, folder)
    large = _graph_file(args.triples, folder)
    times = {}
    for name, path in (("10k", small), ("large", large)):
        store = folder / f"latency-{name}"
        if name == "large" and (folder / "triples-store").exists():
            store = folder / "triples-store"  # the one the triples section loaded
        if not store.exists():
            _json_run([PYTHON, "-c", _STORE_SIDE, str(path), "ASK {}", str(store)])
        times[name] = _kg_query_time(store, SELECTIVE.replace("{name}", "Person 7"))
    print("\n== selective kg query STORE, whole process (best of 5) ==")
    print(
        f"10,000 triples: {times['10k']:.3f} s; {args.triples:,} triples: {times['large']:.3f} s; "
        f"ratio {times['large'] / times['10k']:.2f}x (target <= 2x)"
    )


def _peak_rss(command: list[str]) -> tuple[float, int]:
    """Wall time and the peak RSS of exactly this command (its own process tree's max)."""
    wrapper = (
        "import resource, subprocess, sys, json, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(json.dumps([time.perf_counter() - t, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024]))"
    )
    out = subprocess.run(
        [PYTHON, "-c", wrapper, *command], check=True, capture_output=True, text=True
    )
    elapsed, rss = json.loads(out.stdout)
    return float(elapsed), int(rss)


_RAW_SPACY = r"""
import json, sys, time
t0 = time.perf_counter()
import spacy
from kg.extract.nlp import DEFAULT_MODELS
for name in DEFAULT_MODELS:
    try:
        nlp = spacy.load(name); break
    except OSError:
        pass
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
for _ in nlp.pipe(texts, batch_size=64):
    pass
print(time.perf_counter() - t0)
"""


def section_build(args: argparse.Namespace, folder: Path) -> None:
    corpus = folder / "corpus.jsonl"
    count, words = write_corpus(corpus, seed=0, words=args.words)
    raw = _peak_rss([PYTHON, "-c", _RAW_SPACY, str(corpus)])[0]
    one = _peak_rss([*KG, "build", str(corpus), "-o", str(folder / "w1.ttl"), "--workers", "1"])[0]
    two = _peak_rss([*KG, "build", str(corpus), "-o", str(folder / "w2.ttl"), "--workers", "2"])[0]
    same = (folder / "w1.ttl").read_bytes() == (folder / "w2.ttl").read_bytes()
    print(f"\n== build throughput: {count} articles, {words:,} words ==")
    print(f"raw spaCy nlp.pipe {raw:.1f} s ({words / raw:,.0f} words/s)")
    print(
        f"kg build --workers 1 {one:.1f} s ({words / one:,.0f} words/s): "
        f"{raw / one:.2f}x raw spaCy (target >= 0.85)"
    )
    print(
        f"kg build --workers 2 {two:.1f} s: {one / two:.2f}x --workers 1 "
        f"(target >= 1.7 on 2 cores); same bytes: {same}"
    )


def section_incremental(args: argparse.Namespace, folder: Path) -> None:
    corpus = folder / "inc.jsonl"
    write_corpus(corpus, seed=1, words=args.words)
    store = folder / "inc-store"
    fresh, _ = _peak_rss([*KG, "build", str(corpus), "--store", str(store)])
    lines = corpus.read_text(encoding="utf-8").splitlines()
    rng = random.Random(0)
    for i in rng.sample(range(len(lines)), max(1, len(lines) // 100)):
        article = json.loads(lines[i])
        article["text"] += "\nA correction was added to this article on Friday.\n"
        lines[i] = json.dumps(article, ensure_ascii=False)
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again, _ = _peak_rss([*KG, "build", str(corpus), "--store", str(store)])
    (folder / "one.txt").write_text("Ann Lee met Tom Reed in Leeds.\n", encoding="utf-8")
    startup, _ = _peak_rss([*KG, "build", str(folder / "one.txt"), "--store", str(folder / "su")])
    print("\n== incremental: 1% of the documents changed ==")
    print(
        f"fresh build {fresh:.1f} s; rebuild {again:.1f} s = {again / fresh:.1%} of fresh "
        f"(start-up of a one-document build: {startup:.1f} s; target <= 5% + start-up)"
    )


def section_memory(args: argparse.Namespace, folder: Path) -> None:
    results = {}
    for scale in (1, 10):
        corpus = folder / f"mem{scale}.jsonl"
        write_corpus(corpus, seed=2, words=args.memory_words * scale)
        _, rss = _peak_rss(
            [*KG, "build", str(corpus), "--store", str(folder / f"mem{scale}"), "--workers", "1"]
        )
        results[scale] = rss
    print("\n== memory: peak RSS of kg build --store ==")
    print(
        f"{args.memory_words:,} words: {_mib(results[1])}; {10 * args.memory_words:,} words: "
        f"{_mib(results[10])}; ratio {results[10] / results[1]:.2f}x (target <= 1.2x)"
    )


SECTIONS = {
    "triples": section_triples,
    "latency": section_latency,
    "build": section_build,
    "incremental": section_incremental,
    "memory": section_memory,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=500_000)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--memory-words", type=int, default=50_000)
    parser.add_argument("--only", nargs="*", choices=list(SECTIONS), default=list(SECTIONS))
    parser.add_argument("--keep", type=Path, default=None, help="work folder to keep")
    args = parser.parse_args()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        folder_ctx = None
        folder = args.keep
    else:
        folder_ctx = tempfile.TemporaryDirectory()
        folder = Path(folder_ctx.name)
    try:
        for name in args.only:
            SECTIONS[name](args, folder)
            sys.stdout.flush()
    finally:
        if folder_ctx is not None:
            folder_ctx.cleanup()


if __name__ == "__main__":
    main()
