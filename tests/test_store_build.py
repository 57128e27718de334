"""``kg build --store``: incremental builds that end where a fresh build would, byte for byte.

A store's graph is the one ``kg build -o`` writes, cross-document merges included
(kg.rdf.store_merges), so each store is compared with a fresh ``-o`` build of the same
documents.

These run the real pipeline on the bundled samples (spaCy's small model), so they
are marked slow. The store's own logic, on hand-made extractions, is in
tests/test_store.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg
from kg.cli.main import cli
from kg.extract.nlp import load_model
from kg.ontology.schema import ontology_dir
from kg.rdf.store import GraphStore

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

NEW_ARTICLE = (
    "Harriet Vane, the chief executive of Calder Shipping, met Tomas Birkett in Hull on "
    "Monday. Calder Shipping is based in Hull. Ms Vane said: \u201cWe will keep the "
    "ferry running through the winter.\u201d\n"
)


@pytest.fixture(scope="module")
def nlp() -> object:
    return load_model()


def _corpus(tmp_path: Path) -> Path:
    """The five sample articles (not examples/news/), in a folder a test may change."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for article in sorted(EXAMPLES.glob("*.txt")):
        shutil.copy(article, folder / article.name)
    assert len(list(folder.iterdir())) == 5
    return folder


def _fresh_file(folder: Path, tmp_path: Path, *options: str) -> bytes:
    out = tmp_path / "fresh.ttl"
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def _export(store: Path) -> bytes:
    return kg.open_store(store).serialize()


def test_changing_removing_and_adding_documents_ends_as_a_fresh_build(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    store = tmp_path / "store"
    runner = CliRunner()
    first = runner.invoke(cli, ["build", str(folder), "--store", str(store)])
    assert first.exit_code == 0, first.output
    assert "5 added, 0 replaced, 0 unchanged, 0 removed" in first.stderr
    assert _export(store) == _fresh_file(folder, tmp_path / "a")

    politics = folder / "politics.txt"
    politics.write_text(
        politics.read_text(encoding="utf-8").replace("Margaret Ellison", "Margaret Ellis"),
        encoding="utf-8",
    )
    (folder / "sport.txt").unlink()
    (folder / "shipping.txt").write_text(NEW_ARTICLE, encoding="utf-8")

    kept = runner.invoke(cli, ["build", str(folder), "--store", str(store)])
    assert kept.exit_code == 0, kept.output
    assert "1 added, 1 replaced, 3 unchanged, 0 removed" in kept.stderr
    assert "sport.txt" in kg.open_store(store).documents()  # no --prune: still there

    pruned = runner.invoke(cli, ["build", str(folder), "--store", str(store), "--prune"])
    assert pruned.exit_code == 0, pruned.output
    assert "0 added, 0 replaced, 5 unchanged, 1 removed" in pruned.stderr
    assert pruned.stderr.count("\n") == 1  # the one closing line

    fresh_store = tmp_path / "fresh-store"
    assert runner.invoke(cli, ["build", str(folder), "--store", str(fresh_store)]).exit_code == 0
    fresh = _fresh_file(folder, tmp_path / "b")
    assert _export(store) == _export(fresh_store) == fresh
    exported = tmp_path / "export.ttl"
    assert (
        runner.invoke(cli, ["export", str(store), "-f", "ttl", "-o", str(exported)]).exit_code == 0
    )
    assert exported.read_bytes() == fresh


def test_kg_remove_takes_documents_out_exactly(tmp_path: Path, nlp: object) -> None:
    folder = _corpus(tmp_path)
    store = tmp_path / "store"
    kg.build_store([folder], store, nlp=nlp)  # type: ignore[arg-type]
    result = CliRunner().invoke(cli, ["remove", str(store), "crime.txt", "nothing.txt"])
    assert result.exit_code == 0, result.output
    assert "warning: 'nothing.txt' is not in" in result.stderr
    assert "1 removed" in result.stderr
    (folder / "crime.txt").unlink()
    assert _export(store) == kg.build([folder], nlp=nlp).serialize()  # type: ignore[arg-type]


def test_a_new_ontology_re_extracts_everything_and_says_so(tmp_path: Path, nlp: object) -> None:
    folder = _corpus(tmp_path)
    store = tmp_path / "store"
    kg.build_store([folder], store, nlp=nlp)  # type: ignore[arg-type]
    changed = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), changed)
    with (changed / "kg.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n# a comment is enough to make it another ontology\n")
    notices: list[str] = []
    report = kg.build_store(
        [folder],
        store,
        nlp=nlp,
        ontology_dir=changed,
        on_notice=notices.append,  # type: ignore[arg-type]
    )
    assert (report.replaced, report.version_changed, report.unchanged) == (5, 5, 0)
    assert len(notices) == 1 and "the ontology or the model changed" in notices[0]
    again = kg.build_store([folder], store, nlp=nlp, ontology_dir=changed)  # type: ignore[arg-type]
    assert (again.unchanged, again.replaced) == (5, 0)


def test_two_workers_give_the_same_bytes_as_one(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    one, two = tmp_path / "one", tmp_path / "two"
    kg.build_store([folder], one, workers=1, batch_size=2)
    kg.build_store([folder], two, workers=2, batch_size=2)
    assert _export(one) == _export(two)
    graph = kg.build([folder], workers=2, batch_size=2)
    assert graph.serialize() == _export(one)


def test_a_second_writer_gets_one_clear_line(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    store = tmp_path / "store"
    with GraphStore.open_for_writing(store):
        result = CliRunner().invoke(cli, ["build", str(folder), "--store", str(store)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "another kg process is using this store" in result.stderr


def test_dask_with_a_local_scheduler_and_two_workers(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    folder = _corpus(tmp_path)
    single = tmp_path / "single"
    kg.build_store([folder], single, batch_size=2)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        spread = tmp_path / "spread"
        result = CliRunner().invoke(
            cli, ["build", str(folder), "--store", str(spread), "--dask", cluster.scheduler_address]
        )
        assert result.exit_code == 0, result.output
        out = tmp_path / "spread.ttl"
        result = CliRunner().invoke(
            cli,
            [
                "build",
                str(folder),
                "-o",
                str(out),
                "--dask",
                cluster.scheduler_address,
            ],
        )
        assert result.exit_code == 0, result.output
    assert _export(spread) == _export(single) == out.read_bytes()


NEWS = EXAMPLES / "news"
CALDER = ("calder-stake-local.txt", "calder-stake-weekly.txt", "calder-stake-wire.txt")


def _merges(store: Path) -> list[tuple[str, str]]:
    rows = kg.open_store(store).query(
        "SELECT ?alias ?canonical WHERE "
        "{ ?m a kg:Merge ; kg:mergedName ?alias ; kg:canonicalName ?canonical }"
    )
    return sorted((str(r[0]), str(r[1])) for r in rows.rows)


def test_merges_follow_the_documents_the_store_holds(tmp_path: Path) -> None:
    """Each of the three Calder articles names BVT Capital or Thomas Ellery in a way
    another does not; any two of them make one merge, all three make two."""
    folder = tmp_path / "news"
    folder.mkdir()
    for name in (*CALDER[:2], "kestow-council-control.txt", "marlbridge-harbour-lede.txt"):
        shutil.copy(NEWS / name, folder / name)
    store = tmp_path / "store"
    runner = CliRunner()

    def build_and_compare(step: str, *options: str) -> None:
        result = runner.invoke(cli, ["build", str(folder), "--store", str(store), *options])
        assert result.exit_code == 0, result.output
        fresh = _fresh_file(folder, tmp_path / step, *(o for o in options if o != "--prune"))
        assert _export(store) == fresh, step

    build_and_compare("first")
    assert _merges(store) == [("BVT", "BVT Capital")]
    refused = runner.invoke(cli, ["unmerge", str(store), "merge_0"])
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1
    assert "a store makes its merges again at every build" in refused.stderr
    shutil.copy(NEWS / CALDER[2], folder / CALDER[2])  # a new article makes a new merge
    build_and_compare("added")
    assert _merges(store) == [("BVT", "BVT Capital"), ("Tom Ellery", "Thomas Ellery")]
    (folder / CALDER[1]).unlink()  # the article that named "BVT" alone goes
    build_and_compare("pruned", "--prune")
    assert _merges(store) == [("Tom Ellery", "Thomas Ellery")]
    local = folder / CALDER[0]
    local.write_text(
        local.read_text(encoding="utf-8").replace("Ellery", "Ellerby"), encoding="utf-8"
    )
    build_and_compare("changed")  # a changed article takes its merge back
    assert _merges(store) == []
    shutil.copy(NEWS / CALDER[1], folder / CALDER[1])
    build_and_compare("unmerged", "--no-merge")
    assert _merges(store) == []
    build_and_compare("still unmerged", "--no-merge")  # the store keeps its setting
    again = runner.invoke(cli, ["build", str(folder), "--store", str(store)])
    assert again.exit_code == 0, again.output
    assert _export(store) == _fresh_file(folder, tmp_path / "setting kept", "--no-merge")
    build_and_compare("merged again", "--merge")
    assert _merges(store) == [("BVT", "BVT Capital")]


def test_a_writer_that_dies_before_its_merges_leaves_them_to_the_next(
    tmp_path: Path, nlp: object
) -> None:
    from kg.extract.run import extract_documents
    from kg.ontology.schema import load_ontology
    from kg.rdf.store import contribution

    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(NEWS / CALDER[0], folder / CALDER[0])
    store = tmp_path / "store"
    kg.build_store([folder], store, nlp=nlp)  # type: ignore[arg-type]
    for name in CALDER[1:]:
        shutil.copy(NEWS / name, folder / name)
    with GraphStore.open(store) as reader:
        (version,) = {r.version for r in reader.records().values()}
    onto = load_ontology()
    documents = list(kg.read_documents([folder]))
    writer = GraphStore.open_for_writing(store)
    writer.apply(
        [
            contribution(d, e, onto, version)
            for d, e in extract_documents(documents, nlp=nlp, ontology=onto)  # type: ignore[arg-type]
        ]
    )
    writer.close(finish=False)  # as if killed after its documents, before its merges
    assert _merges(store) == []
    report = kg.build_store([folder], store, nlp=nlp)  # type: ignore[arg-type]
    assert (report.added, report.replaced, report.unchanged) == (0, 0, 3)
    assert len(_merges(store)) == 2
    assert _export(store) == kg.build([folder], nlp=nlp).serialize()  # type: ignore[arg-type]
