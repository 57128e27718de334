"""Golden graphs: each sample article gives exactly the reviewed graph.

The golden files in tests/golden/ were read triple by triple against the article
(and tests/golden/ANSWER_KEY.md, the answer key). When extraction changes on purpose,
regenerate them with ``KG_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and
review the diff before committing. Graphs are compared as graphs
(``rdflib.compare.isomorphic``), never as text.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

import kg
from kg.demo import examples_dir

GOLDEN = Path(__file__).parent / "golden"
ARTICLES = sorted(examples_dir().glob("*.txt"))

pytestmark = pytest.mark.slow


def _report(expected: Graph, actual: Graph) -> str:
    _both, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = [f"- {t}" for t in sorted(missing)][:20] + [f"+ {t}" for t in sorted(extra)][:20]
    return "\n".join(lines)


@pytest.mark.parametrize("article", ARTICLES, ids=[a.stem for a in ARTICLES])
def test_golden_graph(article: Path) -> None:
    actual = kg.build(
        [kg.Document(id=article.name, text=article.read_text(encoding="utf-8"))]
    ).graph
    golden = GOLDEN / f"{article.stem}.ttl"
    if os.environ.get("KG_UPDATE_GOLDEN"):
        golden.write_bytes(kg.KnowledgeGraph(actual).serialize())
    expected = Graph().parse(golden, format="turtle")
    assert isomorphic(expected, actual), _report(expected, actual)


def test_there_are_five_articles() -> None:
    assert {a.stem for a in ARTICLES} >= {"politics", "business", "crime", "sport", "science"}
