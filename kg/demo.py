"""``kg demo``: the bundled sample articles, end to end, in one command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kg.errors import InputError

__all__ = ["examples_dir", "run_demo"]


def examples_dir() -> Path:
    """The sample articles: inside the wheel, or ``examples/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_examples", here.parent / "examples"):
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    raise InputError(f"the sample articles are missing beside {here}; reinstall kg")


def run_demo(
    out_dir: Path, *, model: str | None = None, echo: Callable[[str], object] = print
) -> None:
    """Build the samples, write ``graph.ttl`` and ``graph.html`` into ``out_dir``, show a query."""
    from kg.analysis.stats import format_stats
    from kg.ingest.documents import Document
    from kg.pipeline import build
    from kg.rdf.query import format_result, named_query

    folder = examples_dir()
    samples = sorted(folder.glob("*.txt"))
    # The five articles at the top, ids as the golden tests give them ("politics.txt");
    # examples/news/ holds the news samples and their answer key, for benchmarks/news.py.
    documents = [Document(id=p.name, text=p.read_text(encoding="utf-8")) for p in samples]
    graph = build(documents, model=model)
    out_dir.mkdir(parents=True, exist_ok=True)
    graph.serialize(out_dir / "graph.ttl")
    graph.to_html(out_dir / "graph.html", title="kg demo: sample articles")
    echo(
        f"Built {len(samples)} sample articles into {out_dir}/graph.ttl and {out_dir}/graph.html\n"
    )
    echo(format_stats(graph.stats()))
    echo("\nWho said what (kg query graph.ttl quotes):\n")
    echo(format_result(graph.query(named_query("quotes")), "table"))
    echo(f"\nOpen {out_dir}/graph.html in a browser to explore the graph.")
