"""kg at archive scale: every figure of issue 10 measured in one run.

Usage: python benchmarks/scale.py [--quick] [--words 500000] [--triples 1000000] [--only NAME ...]

``--quick`` runs every section at a tenth of the size or less (100,000 triples,
50,000 words, 5,000 words for memory) in a few minutes: a check that the benchmark
works, not the figures of the issue. A full run takes about an hour on 2 quiet cores.

Sections (``--only`` picks some):

- ``triples``: a graph of ``--triples`` triples in kg's shape (documents, entities
  with labels, relations, reified provenance, quotes; written as N-Triples by a
  generator, no model), loaded, exported as Turtle and asked a join+filter+group
  query, by rdflib in memory against kg's store. Each side runs in a process of its
  own so that its peak RSS is its own. rdflib parses the file, then exports and
  queries in the same process (timed in-process, after the load). The store is
  loaded as a build writes it (contributions of 500 triples, the Turtle snapshot
  written at the end) in one process; then a second process, as a user's, opens it,
  exports and queries in-process (the query in kg's sandbox process, whose RSS
  counts too); and ``kg export STORE`` and ``kg query STORE`` are timed as whole
  processes as well. Targets: export and query >= 20x faster, RSS <= 1/3.
- ``latency``: a selective ``kg query STORE`` (whole process) at 10,000 triples and
  at ``--triples``. Target: within 2x of each other.
- ``build``: whole-process ``kg build`` as a user runs it (default workers: one per
  core for a corpus this size) and with ``--workers 1``, against raw spaCy
  ``nlp.pipe`` (one process) on the news-like corpus of benchmarks/scale_corpus.py
  (``--words`` words), and ``--workers 2`` against ``--workers 1``, with the CPU
  seconds of the parent and of its workers. Targets: >= 0.85x; >= 1.7x on 2 cores.
- ``incremental``: a rebuild of the store after 1% of the documents changed,
  against the fresh build. Target: <= 5% of the fresh build, plus start-up.
- ``memory``: peak RSS of ``kg build --store`` at 10x the corpus against 1x
  (``--memory-words`` is the 1x size). Target: <= 1.2x.

The machine is shared: ratios measured in one run are what to compare.
"""

from __future__ import annotations

import argparse
import compileall
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

import kg  # noqa: E402

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
with GraphStore.open_for_writing(sys.argv[2]) as store:
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
print(json.dumps({"load": time.perf_counter() - t,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

_STORE_ANSWER = r"""
import json, resource, sys, time
from kg.rdf.store import GraphStore
t = time.perf_counter()
with GraphStore.open(sys.argv[1]) as store:
    store.export(sys.argv[1] + ".ttl", "ttl")
    export = time.perf_counter() - t
    t = time.perf_counter()
    rows = store.query(sys.argv[2], timeout=None).rows
    q = time.perf_counter() - t
rss = max(resource.getrusage(who).ru_maxrss for who in
          (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) * 1024
print(json.dumps({"export": export, "query": q, "rows": len(rows), "rss": rss}))
"""

FIGURES: list[tuple[str, str, str, bool | None]] = []
"""(figure, measured, target, met) for the closing summary."""


def _figure(name: str, measured: str, target: str, met: bool | None) -> None:
    FIGURES.append((name, measured, target, met))


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
    store = folder / "triples-store"
    if not store.exists():
        loaded = _json_run([PYTHON, "-c", _STORE_SIDE, str(path), str(store)])
    else:
        loaded = {"load": float("nan"), "rss": float("nan")}
    st = _json_run([PYTHON, "-c", _STORE_ANSWER, str(store), JOIN_QUERY])
    export_wall, export_rss = _peak_rss(
        [*KG, "export", str(store), "-f", "ttl", "-o", str(folder / "kg-export.ttl")]
    )
    query_wall, query_rss = _peak_rss([*KG, "query", str(store), JOIN_QUERY, "-f", "tsv"])
    same = (folder / "kg-export.ttl").read_bytes() == Path(str(store) + ".ttl").read_bytes()
    n = f"{args.triples:,} triples"
    print(f"\n== {n}: rdflib in memory vs kg's store ==")
    print(f"{'':34}{'rdflib':>10}{'store':>10}{'ratio':>9}")
    print(f"{'load (store: as a build writes)':34}{rd['load']:>9.2f}s{loaded['load']:>9.2f}s")
    for key, label in (("export", "Turtle export, in-process"), ("query", "query, in-process")):
        ratio = rd[key] / st[key]
        print(f"{label:34}{rd[key]:>9.2f}s{st[key]:>9.2f}s{ratio:>8.1f}x")
    for key, wall, label in (
        ("export", export_wall, "kg export STORE, whole process"),
        ("query", query_wall, "kg query STORE, whole process"),
    ):
        print(f"{label:34}{rd[key]:>9.2f}s{wall:>9.2f}s{rd[key] / wall:>8.1f}x")
    answer_rss = max(st["rss"], export_rss, query_rss)
    print(
        f"{'peak RSS answering':34}{_mib(rd['rss']):>10}{_mib(answer_rss):>10}"
        f"{answer_rss / rd['rss']:>8.2f}x"
    )
    print(f"{'peak RSS of the load':34}{'':>10}{_mib(loaded['rss']):>10}")
    print(
        f"(query rows: rdflib {rd['rows']}, store {st['rows']}; kg export's bytes equal the "
        f"in-process export: {same}; targets: export, query >= 20x; RSS <= 0.33x)"
    )
    _figure(
        f"{n}: load",
        f"rdflib {rd['load']:.1f} s (parse into memory), store {loaded['load']:.1f} s (as a build "
        f"writes, with its Turtle snapshot)",
        "none",
        None,
    )
    for key, wall in (("export", export_wall), ("query", query_wall)):
        _figure(
            f"{n}: Turtle export" if key == "export" else f"{n}: join+filter+group query",
            f"rdflib {rd[key]:.2f} s, store {st[key]:.2f} s in-process "
            f"({rd[key] / st[key]:.1f}x), {wall:.2f} s whole process ({rd[key] / wall:.1f}x)",
            ">= 20x",
            rd[key] / st[key] >= 20,
        )
    _figure(
        f"{n}: peak RSS",
        f"rdflib {_mib(rd['rss'])}, store {_mib(answer_rss)} answering "
        f"({answer_rss / rd['rss']:.2f}x); the load {_mib(loaded['rss'])}",
        "<= 1/3",
        answer_rss / rd["rss"] <= 1 / 3,
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
            _json_run([PYTHON, "-c", _STORE_SIDE, str(path), str(store)])
        times[name] = _kg_query_time(store, SELECTIVE.replace("{name}", "Person 7"))
    ratio = times["large"] / times["10k"]
    print("\n== selective kg query STORE, whole process (best of 5) ==")
    print(
        f"10,000 triples: {times['10k']:.3f} s; {args.triples:,} triples: {times['large']:.3f} s; "
        f"ratio {ratio:.2f}x (target <= 2x)"
    )
    _figure(
        "selective kg query STORE, whole process",
        f"{times['10k']:.3f} s at 10k triples, {times['large']:.3f} s at {args.triples:,} "
        f"({ratio:.2f}x)",
        "<= 2x",
        ratio <= 2,
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


_KG_TIMED = r"""
import json, resource, sys
from kg.cli.main import cli
try:
    cli.main(sys.argv[1:], prog_name="kg", standalone_mode=False)
finally:
    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    cpu = {"parent": me.ru_utime + me.ru_stime, "workers": kids.ru_utime + kids.ru_stime}
    print(json.dumps(cpu), file=sys.stderr)
"""


def _timed_kg(args: list[str]) -> tuple[float, float, float]:
    """Whole-process wall time of ``kg ARGS``, and the CPU seconds of the kg process
    itself and of the worker processes it started."""
    t = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-c", _KG_TIMED, *args], check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - t
    cpu = json.loads(done.stderr.strip().splitlines()[-1])
    return wall, float(cpu["parent"]), float(cpu["workers"])


def section_build(args: argparse.Namespace, folder: Path) -> None:
    from kg.pipeline import default_workers

    corpus = folder / "corpus.jsonl"
    count, words = write_corpus(corpus, seed=0, words=args.words)
    raw = _peak_rss([PYTHON, "-c", _RAW_SPACY, str(corpus)])[0]
    runs = {}
    for n in (None, 1, 2):
        out = folder / f"w{n}.ttl"
        runs[n] = _timed_kg(
            ["build", str(corpus), "-o", str(out), *(["--workers", str(n)] if n else [])]
        )
    same = len({(folder / f"w{n}.ttl").read_bytes() for n in runs}) == 1
    default, one, two = runs[None][0], runs[1][0], runs[2][0]
    print(f"\n== build throughput: {count} articles, {words:,} words ==")
    print(f"raw spaCy nlp.pipe {raw:.1f} s ({words / raw:,.0f} words/s)")
    for n, (wall, parent, workers) in runs.items():
        print(
            f"kg build {f'--workers {n}' if n else '(default)'}: {wall:.1f} s "
            f"({words / wall:,.0f} words/s); CPU s: kg process {parent:.1f}, workers {workers:.1f}"
        )
    print(
        f"kg build as run by default ({default_workers()} workers on this machine) is "
        f"{raw / default:.2f}x raw spaCy; --workers 1 is {raw / one:.2f}x (target >= 0.85)"
    )
    print(
        f"kg build --workers 2 is {one / two:.2f}x --workers 1 "
        f"(target >= 1.7 on 2 cores); same bytes for all three: {same}"
    )
    _figure(
        f"build throughput, {words:,} words, whole process",
        f"kg build (default, {default_workers()} workers) {default:.1f} s, raw spaCy "
        f"{raw:.1f} s ({raw / default:.2f}x); with --workers 1 {one:.1f} s ({raw / one:.2f}x)",
        ">= 0.85x",
        raw / default >= 0.85,
    )
    _figure(
        "--workers 2 against --workers 1",
        f"{one:.1f} s -> {two:.1f} s ({one / two:.2f}x); CPU s of --workers 2: kg process "
        f"{runs[2][1]:.1f}, workers {runs[2][2]:.1f}; same bytes: {same}",
        ">= 1.7x on 2 cores",
        one / two >= 1.7,
    )


def section_incremental(args: argparse.Namespace, folder: Path) -> None:
    corpus = folder / "inc.jsonl"
    write_corpus(corpus, seed=1, words=args.words)
    store = folder / "inc-store"
    fresh, _ = _peak_rss([*KG, "build", str(corpus), "--store", str(store)])
    lines = corpus.read_text(encoding="utf-8").splitlines()
    rng = random.Random(0)

    def change(addition: str) -> float:
        """Append ``addition`` to 1% of the articles and time the rebuild."""
        for i in rng.sample(range(len(lines)), max(1, len(lines) // 100)):
            article = json.loads(lines[i])
            article["text"] += addition
            lines[i] = json.dumps(article, ensure_ascii=False)
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return _peak_rss([*KG, "build", str(corpus), "--store", str(store)])[0]

    # A correction that names no one leaves every entity, and so the merges, as they
    # were; one that names a new person changes what merges are found from.
    plain = change("\nA correction was added to this article on Friday.\n")
    named = change("\nCorrection: an earlier version misquoted Councillor Hal Pryor.\n")
    (folder / "one.txt").write_text("Ann Lee met Tom Reed in Leeds.\n", encoding="utf-8")
    startup, _ = _peak_rss([*KG, "build", str(folder / "one.txt"), "--store", str(folder / "su")])
    print("\n== incremental: 1% of the documents changed ==")
    print(
        f"fresh build {fresh:.1f} s; start-up of a one-document build: {startup:.1f} s "
        "(target <= 5% of fresh + start-up)"
    )
    for what, again in (("a correction naming no one", plain), ("one naming a person", named)):
        beyond = max(again - startup, 0.0) / fresh
        print(
            f"{what}: rebuild {again:.1f} s = {again / fresh:.1%} of fresh, "
            f"{beyond:.1%} beyond start-up"
        )
    worst = max(plain, named)
    beyond = max(worst - startup, 0.0) / fresh
    _figure(
        "rebuild after 1% changed",
        f"{plain:.1f} s (a correction naming no one) and {named:.1f} s (naming a new person) "
        f"against {fresh:.1f} s fresh; the slower is {beyond:.1%} beyond {startup:.1f} s start-up",
        "<= 5% + start-up",
        beyond <= 0.05,
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
    ratio = results[10] / results[1]
    print(
        f"{args.memory_words:,} words: {_mib(results[1])}; {10 * args.memory_words:,} words: "
        f"{_mib(results[10])}; ratio {ratio:.2f}x (target <= 1.2x)"
    )
    _figure(
        f"peak RSS of kg build --store, {args.memory_words:,} -> {10 * args.memory_words:,} words",
        f"{_mib(results[1])} -> {_mib(results[10])} ({ratio:.2f}x)",
        "<= 1.2x",
        ratio <= 1.2,
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
    parser.add_argument("--quick", action="store_true", help="small sizes: a check, not figures")
    args = parser.parse_args()
    # Bytecode as an installed kg has it (pip compiles at install, Python caches it at
    # first import): where PYTHONDONTWRITEBYTECODE is set, as here and on CI, each
    # whole-process run would compile kg's modules again (0.04 s a run).
    compileall.compile_dir(Path(kg.__file__).parent, quiet=1)
    if args.quick:
        args.words, args.triples, args.memory_words = 50_000, 100_000, 5_000
    import os

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    started = time.perf_counter()
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
        print("\n== every figure of the issue's Done means ==")
        for name, measured, target, met in FIGURES:
            verdict = "-" if met is None else "met" if met else "NOT met"
            print(f"- {name}: {measured}; target {target}: {verdict}")
        print(
            f"(load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
            f"{time.perf_counter() - started:.0f} s in all)"
        )
    finally:
        if folder_ctx is not None:
            folder_ctx.cleanup()


if __name__ == "__main__":
    main()
