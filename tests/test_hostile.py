"""A hostile-input corpus, generated here, built by the CLI and by ``kg.build``.

Every hostile input ends in a correct build with exactly one warning line naming
the file (and the line, for JSONL), or in one clean error line and a non-zero
exit; never in a traceback. Every good document in the same build is still in
the graph, with its fact. Nothing here depends on extraction beyond a few plain
"X works for Y." sentences.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic
from spacy.language import Language

import kg
from kg.cli.main import cli
from kg.errors import InputError
from kg.extract.nlp import load_model
from kg.ingest.documents import InputProblem

pytestmark = pytest.mark.slow

KG_NS = rdflib.Namespace("https://w3id.org/kg/ontology#")
DCTERMS = rdflib.namespace.DCTERMS

#: ``kg`` exactly as its console script runs it (its declared entry point), with this
#: interpreter; there is no ``python -m kg``.
KG_COMMAND = [
    sys.executable,
    "-c",
    "import sys; from importlib.metadata import entry_points; "
    "(kg,) = entry_points(group='console_scripts', name='kg'); sys.exit(kg.load()())",
]

LATIN1 = "not valid UTF-8 (byte 0xe9 at offset 3); is it latin-1? re-encode it as UTF-8"

# Good documents: one plain fact each, written for these tests.
GOOD = {
    "good/ann.txt": ("Ann Smith works for Acme Corporation.\n", ("Ann Smith", "Acme Corporation")),
    "good/david.md": (
        "# Staff news\n\n**David Jones** works for [Initech Corporation](https://example.org/i).\n",
        ("David Jones", "Initech Corporation"),
    ),
    "good/lena.html": (
        "<html><head><title>Staff</title></head><body>"
        "<p>Lena Park works for Orbis Labs.</p></body></html>",
        ("Lena Park", "Orbis Labs"),
    ),
}


@dataclass(frozen=True)
class Case:
    """One hostile file: where it goes, what it holds, and the warning it must give."""

    name: str
    content: bytes
    warnings: tuple[str, ...]  # messages after "PATH: " (after "PATH:LINE: " for JSONL)
    fact: tuple[str, str] | None = None  # a fact its good part must still give


HIDDEN_FACT = "Eve Black works for Shadow Corp."


def _deep_html(depth: int, visible: str) -> str:
    """``depth`` levels of ``<div>`` and ``<span>``, a script and a style at each level,
    and a fact in scripts and styles that must stay hidden."""
    level = "<div><script>x()</script><style>p{}</style><span>"
    hidden = (
        f"<script>var s = '{HIDDEN_FACT}';</script>"
        f"<style>p::after {{content: '{HIDDEN_FACT}'}}</style>"
    )
    return (
        f"<html><head>{hidden}</head><body>"
        + level * depth
        + hidden
        + visible
        + "</span></div>" * depth
        + "</body></html>"
    )


def _broken_jsonl() -> bytes:
    lines = [
        json.dumps({"id": "jsonl-good-1", "text": "Maria Lopez works for Delta Foods."}),
        '{"id": "x", "text": "unterminated',
        "[1, 2, 3]",
        '"a string"',
        "null",
        '{"id": "no-text"}',
        '{"text": 42}',
        "",
        "   ",
        '{"text": "Ian Bell works for Kappa Mining. \\ud800"}',
        json.dumps({"id": "jsonl-good-2", "text": "Sarah Miller works for Globex Corporation."}),
    ]
    return ("\n".join(lines) + "\n").encode()


def hostile_cases() -> list[Case]:
    """The corpus; each case is small except the ones whose size is the point."""
    rng = random.Random(4)
    binary = "binary data, not text"
    png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + rng.randbytes(4000)
    noise = bytes(rng.randrange(1, 32) for _ in range(3000)) + b"\xff"
    only_title = b"<html><head><title>Only a title</title></head><body> </body></html>"
    token = "Leo Grant works for Pine Media.\n\n" + "Q" * 200_000 + "\n\n"
    # Markup that took the old regular expressions minutes (quadratic backtracking).
    markup = "# Notes" + " " * 200_000 + "x\n\n## " + "**a " * 300 + "[a](" * 300 + "\n\n"
    visible = "Rita Moss works for Zenith Labs."
    return [
        Case("binary.txt", png, (binary,)),
        Case("noise.txt", noise, (binary,)),
        Case("latin1.txt", "Café. Zoë Adams works for Brio Foods.".encode("latin-1"), (LATIN1,)),
        # A few stray NUL bytes are dropped with a warning; the text is still text.
        Case(
            "nul.txt",
            b"Tom Reed works\0 for Sigma Tools.\0\0",
            ("dropped 3 NUL bytes; offsets refer to the text without them",),
        ),
        Case("empty.txt", b"", ("empty document",)),
        Case("blank.md", b"  \n\t\r\n   \n", ("empty document",)),
        Case("blank.html", only_title, ("empty document",)),
        Case(
            "token.txt",
            (token + "Mia Ford works for Cobalt Energy.\n").encode(),
            (),
            ("Mia Ford", "Cobalt Energy"),
        ),
        Case("deep.html", _deep_html(5_000, visible).encode(), (), ("Rita Moss", "Zenith Labs")),
        Case(
            "deeper.html",
            _deep_html(20_000, visible).encode(),
            ("HTML nested 40,001 elements deep; too deep to parse safely",),
        ),
        Case(
            "markup.md",
            (markup + "Paul Chen works for Harbor Freight.\n").encode(),
            (),
            ("Paul Chen", "Harbor Freight"),
        ),
        Case(
            "broken.jsonl",
            _broken_jsonl(),
            (
                "2: invalid JSON: Unterminated string starting at (column 21)",
                "3: not a JSON object",
                "4: not a JSON object",
                "5: not a JSON object",
                "6: 'text' is missing or not a string",
                "7: 'text' is missing or not a string",
                "10: 'text' is not valid Unicode (unpaired surrogate \\ud800)",
            ),
            ("Sarah Miller", "Globex Corporation"),
        ),
    ]


def write_corpus(root: Path) -> list[tuple[Path, str]]:
    """Write the good documents and every hostile case under ``root``.

    Returns the expected warnings, in the order a build reads the files (sorted by
    path relative to ``root``, then by line).
    """
    for name, (text, _) in GOOD.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    expected = []
    for case in hostile_cases():
        path = root / "hostile" / case.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.content)
        for message in case.warnings:
            if case.name.endswith(".jsonl"):
                line, message = message.split(": ", 1)
                expected.append((path, f"{path}:{line}: {message}"))
            else:
                expected.append((path, f"{path}: {message}"))
    return sorted(expected, key=lambda item: item[0].relative_to(root).as_posix())


def works_for(graph: rdflib.Graph) -> set[tuple[str, str]]:
    """Every (person, organisation) label pair joined by kg:worksFor."""
    pairs = set()
    for person, organisation in graph.subject_objects(KG_NS.worksFor):
        pairs.add(
            (
                str(graph.value(person, rdflib.RDFS.label)),
                str(graph.value(organisation, rdflib.RDFS.label)),
            )
        )
    return pairs


def identifiers(graph: rdflib.Graph) -> set[str]:
    return {str(o) for o in graph.objects(None, DCTERMS.identifier)}


def run_kg(
    *args: str | os.PathLike[str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KG_COMMAND, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        cwd=cwd,
        timeout=600,
        check=False,
    )


def assert_evidence_is_exact(graph: rdflib.Graph, texts: dict[str, str]) -> None:
    """Every provenance record's evidence is its document's text from kg:start to kg:end."""
    checked = 0
    for record, evidence in graph.subject_objects(KG_NS.evidence):
        ident = str(
            graph.value(
                graph.value(record, rdflib.namespace.PROV.wasDerivedFrom), DCTERMS.identifier
            )
        )
        start = int(str(graph.value(record, KG_NS.start)))
        end = int(str(graph.value(record, KG_NS.end)))
        if ident in texts:
            assert texts[ident][start:end] == str(evidence)
            checked += 1
    assert checked


# --------------------------------------------------------------------------- the whole corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[Path, str]]]:
    root = tmp_path_factory.mktemp("hostile")
    return root, write_corpus(root)


def expected_facts() -> set[tuple[str, str]]:
    facts = {fact for _, fact in GOOD.values()}
    facts |= {case.fact for case in hostile_cases() if case.fact}
    return facts | {("Maria Lopez", "Delta Foods")}


def test_cli_builds_the_corpus_with_one_warning_line_per_problem(
    corpus: tuple[Path, list[tuple[Path, str]]],
) -> None:
    root, expected = corpus
    out = root.parent / f"{root.name}.ttl"
    result = run_kg("build", root, "-o", out)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert lines[-1].startswith(f"wrote {out}: ")
    assert lines[:-1] == [f"warning: {line}" for _, line in expected]
    graph = rdflib.Graph().parse(out, format="turtle")
    assert expected_facts() <= works_for(graph)
    assert ("Eve Black", "Shadow Corp") not in works_for(graph)  # script and style stay hidden
    idents = identifiers(graph)
    assert set(GOOD) <= idents
    assert {
        "hostile/token.txt",
        "hostile/deep.html",
        "hostile/markup.md",
        "hostile/nul.txt",
        "jsonl-good-1",
    } <= idents
    assert not any(
        i.startswith(("hostile/broken.jsonl", "hostile/deeper", "hostile/latin1")) for i in idents
    )


def test_api_build_reports_the_same_problems(corpus: tuple[Path, list[tuple[Path, str]]]) -> None:
    root, expected = corpus
    problems: list[InputProblem] = []
    graph = kg.build([root], on_problem=problems.append)
    assert [str(p) for p in problems] == [line for _, line in expected]
    assert all(Path(p.source.rsplit(":", 1)[0]).exists() for p in problems)
    assert expected_facts() <= works_for(graph.graph)


def test_api_problems_are_logged_when_no_handler_is_given(
    corpus: tuple[Path, list[tuple[Path, str]]], caplog: pytest.LogCaptureFixture
) -> None:
    root, expected = corpus
    with caplog.at_level("WARNING", logger="kg"):
        kg.build([root / "hostile" / "broken.jsonl", root / "good" / "ann.txt"])
    assert [r.getMessage() for r in caplog.records] == [
        line for path, line in expected if path.name == "broken.jsonl"
    ]


# --------------------------------------------------------------------------- case by case


def _one_case(tmp_path: Path, case: Case) -> tuple[Path, Path]:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a-good.txt").write_text(GOOD["good/ann.txt"][0], encoding="utf-8")
    bad = tmp_path / "in" / case.name
    bad.write_bytes(case.content)
    return tmp_path / "in", bad


@pytest.mark.parametrize("case", hostile_cases(), ids=lambda c: c.name)
def test_each_case_beside_a_good_document(tmp_path: Path, case: Case) -> None:
    folder, bad = _one_case(tmp_path, case)
    out = tmp_path / "out.ttl"
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    warnings = result.stderr.splitlines()[:-1]
    assert len(warnings) == len(case.warnings)
    for line in warnings:
        assert line.startswith(f"warning: {bad}")
    facts = works_for(rdflib.Graph().parse(out, format="turtle"))
    assert ("Ann Smith", "Acme Corporation") in facts
    if case.fact:
        assert case.fact in facts


def test_nothing_buildable_is_one_error_line(tmp_path: Path) -> None:
    for case in hostile_cases():
        if case.name in ("binary.txt", "empty.txt", "noise.txt"):
            (tmp_path / case.name).write_bytes(case.content)
    out = tmp_path / "out.ttl"
    result = run_kg("build", tmp_path, "-o", out)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "Error: no document could be read from the inputs"
    assert len(result.stderr.splitlines()) == 4  # three warnings, one error
    assert "Traceback" not in result.stderr
    assert not out.exists()


# --------------------------------------------------------------------------- missing inputs


def test_missing_input_is_one_error_line_and_nothing_is_written(tmp_path: Path) -> None:
    good = tmp_path / "ann.txt"
    good.write_text(GOOD["good/ann.txt"][0], encoding="utf-8")
    out = tmp_path / "out.ttl"
    missing = tmp_path / "no such dir" / "gone.txt"
    result = run_kg("build", good, missing, "-o", out)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"Error: {missing}: no such file or directory"]
    assert result.stdout == ""
    assert not out.exists()


def test_missing_input_with_a_newline_in_its_name_is_still_one_line(tmp_path: Path) -> None:
    result = run_kg("build", tmp_path / "two\nlines\u202e.txt", "-o", tmp_path / "out.ttl")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Error: {tmp_path}/two\\nlines\\u202e.txt: no such file or directory"
    ]


def test_missing_input_raises_from_the_api(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"gone\.txt: no such file or directory$"):
        kg.build([tmp_path / "gone.txt"])


# --------------------------------------------------------------------------- names


NAMES_TEXT = (
    "Ben Carter works for Barnes & Noble.\n\n"
    "Seán O'Brien met Zoë D’Arcy and Ali Hassan in Leeds. "
    'A spokesman for "Smith & Sons" <Ltd> said they were pleased 😀.\n\n'
    "\u200fOmar Khan\u200f works for Nova Bank 🚀.\n"
)
ODD_NAME = 'O\'Brien & "Sons" <draft> \u200f😀.txt'


def test_names_with_quotes_ampersands_brackets_rtl_marks_and_emoji(tmp_path: Path) -> None:
    (tmp_path / ODD_NAME).write_text(NAMES_TEXT, encoding="utf-8")
    meta = {
        "id": 'note <1> & "2" — it\'s 😀 \u202eevil',
        "title": "Q&A: <b>“quotes”</b> 'and' \u200fmarks",
        "url": "https://example.org/?a=1&b=<2>",
        "text": "Lucy Gray works for Acme & Co.",
    }
    (tmp_path / "meta.jsonl").write_text(
        json.dumps(meta, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    out = tmp_path / "out.ttl"
    result = run_kg("build", tmp_path, "-o", out)
    assert result.returncode == 0, result.stderr
    assert len(result.stderr.splitlines()) == 1  # "wrote …": no warning
    graph = rdflib.Graph().parse(out, format="turtle")
    assert isomorphic(graph, kg.load(out).graph)
    assert identifiers(graph) == {ODD_NAME, meta["id"]}
    assert str(meta["title"]) in {str(o) for o in graph.objects(None, DCTERMS.title)}
    assert meta["url"] in {
        str(o) for o in graph.objects(None, rdflib.URIRef("https://schema.org/url"))
    }
    assert ("Ben Carter", "Barnes & Noble") in works_for(graph)
    assert_evidence_is_exact(graph, {ODD_NAME: NAMES_TEXT, str(meta["id"]): str(meta["text"])})
    # Every other export format writes and reads these names back too.
    for fmt in ("nt", "trig", "jsonld", "graphml", "gexf"):
        target = tmp_path / f"out.{fmt}"
        assert run_kg("export", out, "-f", fmt, "-o", target).returncode == 0
        assert target.stat().st_size > 0


def test_control_characters_in_file_names_are_escaped_in_the_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad\nname\x1b[31m.txt"
    bad.write_bytes(b"")
    (tmp_path / "ann.txt").write_text(GOOD["good/ann.txt"][0], encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "-o", str(tmp_path / "o.ttl")])
    assert result.exit_code == 0
    assert (
        result.stderr.splitlines()[0]
        == f"warning: {tmp_path}/bad\\nname\\x1b[31m.txt: empty document"
    )
    assert len(result.stderr.splitlines()) == 2


def test_file_name_that_is_not_utf8_is_built_under_a_readable_id(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    with open(folder + b"/caf\xe9.txt", "wb") as fh:
        fh.write(b"Ann Smith works for Acme Corporation.\n")
    with open(folder + b"/empty\xff.txt", "wb") as fh:
        fh.write(b"")
    out = tmp_path / "out.ttl"
    result = run_kg("build", tmp_path, "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[:-1] == [
        f"warning: {tmp_path}/caf\\xe9.txt: file name is not valid UTF-8; "
        "document id: caf\\xe9.txt",
        f"warning: {tmp_path}/empty\\xff.txt: empty document",
    ]
    graph = rdflib.Graph().parse(out, format="turtle")
    assert identifiers(graph) == {"caf\\xe9.txt"}
    assert ("Ann Smith", "Acme Corporation") in works_for(graph)


# --------------------------------------------------------------------------- over max_length


def long_text(length: int, rng: random.Random) -> str:
    """Over ``length`` characters: a fact, fifty long hex-dump lines between short
    paragraphs (few tokens, so the model parses it in seconds), then a fact at the end."""
    parts = ["Tom Reed met Amira Haddad in Leeds on Monday.\n\n"]
    block = 0
    while sum(map(len, parts)) <= length:
        block += 1
        parts.append(f"Diagnostic block {block} follows.\n{rng.randbytes(10_000).hex()}\n\n")
    parts.append("Ann Smith works for Acme Corporation.\n")
    return "".join(parts)


def test_document_over_max_length_keeps_its_last_sentence(tmp_path: Path) -> None:
    """A real document over spaCy's default ``max_length``, built by the CLI.

    Prose that long takes the small model about a minute on two cores; this one is
    mostly long hex-dump lines, so it is parsed in the same pieces (cut at the
    paragraph breaks, joined back into one Doc) in a few seconds.
    """
    text = long_text(load_model().max_length, random.Random(7))
    assert len(text) > 1_000_000 == load_model().max_length
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    (tmp_path / "short.txt").write_text("Lena Park works for Orbis Labs.\n", encoding="utf-8")
    out = tmp_path / "out.ttl"
    result = run_kg("build", tmp_path, "-o", out)
    assert result.returncode == 0, result.stderr
    assert len(result.stderr.splitlines()) == 1
    graph = rdflib.Graph().parse(out, format="turtle")
    facts = works_for(graph)
    assert {("Ann Smith", "Acme Corporation"), ("Lena Park", "Orbis Labs")} <= facts
    starts = {int(str(s)) for s in graph.objects(None, KG_NS.start)}
    assert text.rindex("Ann Smith") in starts  # the last sentence, at its true offset
    assert_evidence_is_exact(graph, {"long.txt": text})


PROSE = (
    "The council met on Tuesday to discuss the harbour. Several members asked about "
    "the ferry timetable, and the chair promised an answer within a month.\n\n"
    "Residents have complained about the noise from the quay for years. A survey "
    "last spring found that most of them wanted quieter engines.\n\n"
)


@pytest.fixture
def small_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[Language]:
    """The loaded model with ``max_length`` lowered: the same code path as a huge document."""
    nlp = load_model()
    monkeypatch.setattr(nlp, "max_length", 1_000)
    yield nlp


def test_prose_over_a_lowered_max_length_is_cut_at_sentences_and_keeps_offsets(
    small_model: Language,
) -> None:
    text = (
        "Ann Smith works for Acme Corporation. "
        + PROSE * 20
        + "John Baker works for Umbrella Corporation."
    )
    assert len(text) > 5 * 1_000
    graph = kg.build([kg.Document(id="prose", text=text)], nlp=small_model)
    expected = {("Ann Smith", "Acme Corporation"), ("John Baker", "Umbrella Corporation")}
    assert expected <= works_for(graph.graph)
    assert_evidence_is_exact(graph.graph, {"prose": text})
