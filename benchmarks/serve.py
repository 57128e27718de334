"""``kg serve`` under load, beside Oxigraph's own server on the same data.

Usage: python benchmarks/serve.py [--entities 2000] [--relations 4000] [--seconds 10]
                                  [--clients 4 16]

One run generates an archive (benchmarks/archive.py), writes it as Turtle and as a
kg store, loads the same triples into an Oxigraph database, and serves it three
ways on 127.0.0.1: ``kg serve`` on the Turtle file (rdflib, in memory), ``kg serve``
on the store (Oxigraph, a process per query), and ``oxigraph serve-read-only`` (the
PyPI package ``oxigraph``). Then, for each number of concurrent clients, each client
sends queries back to back over one keep-alive connection for a fixed time, cycling
through a lookup by class, the named query ``facts`` for one entity, and an ASK.
It prints requests per second, p50 and p95 latency, and errors (any answer but
200, or a failed connection: target 0), and the ratio of each kg server's p50 to
Oxigraph's. The clients share the machine with the servers, so quote ``uptime``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from archive import archive

import kg
from kg.rdf.export import oxigraph_triples
from kg.rdf.query import named_query
from kg.rdf.store import Contribution, DocumentRecord, GraphStore
from kg.serve.run import running

PREFIXES = (
    "PREFIX kg: <https://w3id.org/kg/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)


def queries(graph: kg.KnowledgeGraph) -> list[str]:
    """The mix: a lookup by class, one entity's facts, an ASK (prefixes spelt out for
    Oxigraph, which does not predeclare kg's)."""
    found = graph.query(
        PREFIXES + "SELECT ?n WHERE { ?s kg:worksFor ?o . ?s rdfs:label ?n } ORDER BY ?n LIMIT 1"
    )
    name = str(found.rows[0][0]) if found.rows else "nobody"
    return [
        PREFIXES + "SELECT ?e ?label WHERE { ?e a kg:Person ; rdfs:label ?label } "
        "ORDER BY ?label LIMIT 20",
        named_query("facts", name=name),
        PREFIXES + "ASK { ?s kg:worksFor ?o }",
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def oxigraph_server(database: Path) -> Iterator[str]:
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    process = subprocess.Popen(
        [oxigraph, "serve-read-only", "--location", str(database), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("oxigraph serve-read-only did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


def load(url: str, mix: list[str], clients: int, seconds: float) -> dict[str, float]:
    """``clients`` threads asking ``mix`` in turn for ``seconds``; latency in ms."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    paths = ["/query?" if "oxigraph" in url else "/sparql?"]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        mine: list[float] = []
        failed = 0
        n = offset
        while time.monotonic() < stop:
            target = paths[0] + urllib.parse.urlencode({"query": mix[n % len(mix)]})
            n += 1
            started = time.perf_counter()
            try:
                connection.request(
                    "GET", target, headers={"Accept": "application/sparql-results+json"}
                )
                answer = connection.getresponse()
                answer.read()
                if answer.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=60)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ordered = sorted(latencies) or [float("nan")]
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "errors": errors[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=2000)
    parser.add_argument("--relations", type=int, default=4000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 16])
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)

    with tempfile.TemporaryDirectory(prefix="kg-serve-bench-") as tmp:
        root = Path(tmp)
        graph = archive(args.entities, args.relations, documents=max(args.entities // 10, 1))
        turtle = root / "archive.ttl"
        turtle.write_bytes(kg.KnowledgeGraph(graph).serialize())
        triples = frozenset(oxigraph_triples(graph))
        with GraphStore.open_for_writing(root / "store") as store:
            store.apply([Contribution(DocumentRecord("archive", "", ""), triples)])
        import pyoxigraph as ox

        database = root / "oxigraph"
        plain = ox.Store(str(database))
        plain.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        plain.flush()
        del plain
        handle = kg.load(turtle)
        mix = queries(handle)
        print(f"data: {len(handle)} triples; {args.seconds:g} s per run", flush=True)

        servers = {
            "kg serve (Turtle file)": lambda: running(turtle, timeout=30),
            "kg serve (store)": lambda: running(root / "store", timeout=30),
            "oxigraph serve-read-only": lambda: oxigraph_server(database),
        }
        results: dict[tuple[str, int], dict[str, float]] = {}
        for name, start in servers.items():
            with start() as url:
                tag = url + ("/oxigraph" if "oxigraph" in name else "")
                load(tag, mix, 2, 1.0)  # warm up
                for clients in args.clients:
                    results[(name, clients)] = figures = load(tag, mix, clients, args.seconds)
                    print(
                        f"{name:26} {clients:3} clients: {figures['rps']:8.1f} req/s  "
                        f"p50 {figures['p50']:8.1f} ms  p95 {figures['p95']:8.1f} ms  "
                        f"errors {figures['errors']:.0f}",
                        flush=True,
                    )
        print()
        for clients in args.clients:
            base = results[("oxigraph serve-read-only", clients)]
            for name in list(servers)[:2]:
                mine = results[(name, clients)]
                print(
                    f"{clients:3} clients: {name} p50 = {mine['p50'] / base['p50']:.1f} x "
                    f"Oxigraph's, p95 = {mine['p95'] / base['p95']:.1f} x"
                )
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    main()
