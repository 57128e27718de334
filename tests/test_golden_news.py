"""Golden graphs for the news samples in the styles journalists write (examples/news/).

Each article alone, and the twelve built together (where cross-document merges
happen), give exactly the reviewed graph in tests/golden/news/. The review, with
the relations kg gets wrong on them today, is tests/golden/news/REVIEW.md; the
answer key is examples/news/answers.json (scored by benchmarks/news.py). When
extraction changes on purpose, regenerate with ``KG_UPDATE_GOLDEN=1 pytest
tests/test_golden_news.py`` and review the diff. Graphs are compared as graphs.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

import kg

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "news"
GOLDEN = Path(__file__).parent / "golden" / "news"
ARTICLES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))

pytestmark = pytest.mark.slow


def _documents(paths: list[Path]) -> list[kg.Document]:
    """The articles as ``kg build`` reads them, named by file name so the graph is the same
    wherever the checkout is."""
    return [
        dataclasses.replace(doc, id=path.name) for path in paths for doc in kg.read_documents(path)
    ]


def _check(name: str, actual: Graph) -> None:
    golden = GOLDEN / f"{name}.ttl"
    if os.environ.get("KG_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(kg.KnowledgeGraph(actual).serialize())
    expected = Graph().parse(golden, format="turtle")
    _both, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    report = [f"- {t}" for t in sorted(missing)][:20] + [f"+ {t}" for t in sorted(extra)][:20]
    assert isomorphic(expected, actual), "\n".join(report)


@pytest.mark.parametrize("article", ARTICLES, ids=[a.stem for a in ARTICLES])
def test_news_article_golden_graph(article: Path) -> None:
    _check(article.stem, kg.build(_documents([article])).graph)


def test_news_samples_together_golden_graph() -> None:
    """Built together, the three outlets' story and the firms named in several
    articles merge; the golden graph holds those merges and their records."""
    _check("all", kg.build(_documents(ARTICLES)).graph)


def test_there_are_twelve_news_articles() -> None:
    assert len(ARTICLES) >= 12
    assert {p.suffix for p in ARTICLES} == {".txt", ".html"}
