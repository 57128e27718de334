"""The bounded parse unit: text with no sentence boundary is cut, and offsets stay exact.

Most tests use a blank English pipeline (the tokenizer alone), which parse() drives
through ``nlp.pipe`` exactly as it does a trained one; the build test is slow.
"""

from __future__ import annotations

import re

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.nlp import LONG_MARKS, LONG_SPACE, MARK_PIECE, Piece, bounded_pieces, parse

_BOUNDARY = re.compile(rf"\n|[.!?](?=\s)|\s{{{LONG_SPACE},}}")
_MARKS = re.compile(r"[^\w\s]+")

# Text made to hit every rule: words, white space, sentence ends and runs of marks.
_chunks = st.one_of(
    st.text(alphabet="ab ", min_size=1, max_size=30),
    st.sampled_from([". ", "\n", "\n\n", "! ", "  ", "\t"]),
    st.builds(
        lambda c, n: c * n, st.sampled_from(['"', "(", "'a' ", "x", "-"]), st.integers(1, 400)
    ),
)
_texts = st.lists(_chunks, max_size=40).map("".join)


def _longest_without(pattern: re.Pattern[str], text: str) -> int:
    """The longest stretch of ``text`` with no match of ``pattern`` in it."""
    longest, previous = 0, 0
    for m in [*pattern.finditer(text), None]:
        longest = max(longest, (len(text) if m is None else m.start()) - previous)
        previous = len(text) if m is None else m.end()
    return longest


@settings(max_examples=300, deadline=None)
@given(_texts, st.integers(20, 300))
def test_pieces_join_back_and_respect_the_bounds(text: str, stretch: int) -> None:
    pieces = bounded_pieces(text, stretch)
    assert "".join(p.text for p in pieces) == text
    assert all(p.text for p in pieces) or pieces == [Piece(text)]
    for piece in pieces:
        # No stretch without a sentence boundary is longer than the bound (a word
        # as long as the bound is one token: it counts as one character), and no
        # run of punctuation marks is longer than the tokenizer copes with.
        words = re.sub(rf"\S{{{stretch},}}", "w", piece.text)
        assert _longest_without(_BOUNDARY, words) <= stretch + 1
        assert max((len(m) for m in _MARKS.findall(piece.text)), default=0) <= LONG_MARKS
        if not piece.parse:
            assert not any(c.isalnum() for c in piece.text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="ab .\n", max_size=200))
def test_ordinary_text_is_not_cut(text: str) -> None:
    # Short words and sentence ends: nothing to cut, one piece, parsed.
    assert bounded_pieces(text, 1000) == [Piece(text)]


def test_a_long_stretch_is_cut_at_white_space() -> None:
    text = "word " * 100  # 500 characters, no sentence boundary
    pieces = bounded_pieces(text, 120)
    assert [len(p.text) for p in pieces] == [120, 120, 120, 120, 20]
    assert all(p.text.endswith(" ") for p in pieces)
    assert [p.cut for p in pieces] == ["stretch"] * 4 + [""]


def test_a_long_run_of_marks_is_cut_in_small_pieces() -> None:
    text = "Hello. " + '"' * (LONG_MARKS + 5) + " bye."
    pieces = bounded_pieces(text)
    assert pieces[0] == Piece("Hello. ", cut="marks")
    marks = [p for p in pieces if set(p.text) == {'"'}]
    assert all(len(p.text) <= MARK_PIECE and not p.parse for p in marks)
    assert sum(len(p.text) for p in marks) == LONG_MARKS + 5
    assert pieces[-1] == Piece(" bye.")  # the last piece ends the text


def test_long_words_and_long_white_space_are_not_cut() -> None:
    # A hex dump or a run of letters costs the tokenizer nothing, and white space
    # is one token however long: neither makes the parser crawl.
    hex_dump = "Dump follows.\n" + "0123456789abcdef" * 2_000 + "\n"
    for text in (hex_dump, "Hello." + " " * 20_000 + "there.", "[a](" * 3_000):
        assert bounded_pieces(text) == [Piece(text)]


@settings(max_examples=40, deadline=None)
@given(_texts)
def test_parse_keeps_every_offset(text: str) -> None:
    nlp = spacy.blank("en")
    cuts: list[tuple[int, str]] = []
    [doc] = parse(nlp, [text], stretch=50, on_cut=lambda i, m: cuts.append((i, m)))
    assert doc.text == text
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text
    assert len(cuts) <= 1


def test_parse_reports_the_cut_once_per_text_and_keeps_the_order() -> None:
    nlp = spacy.blank("en")
    texts = ["Short one.", "(" * 3000, "Fine text. " * 3, "'a' " * 400]
    cuts: list[tuple[int, str]] = []
    docs = list(parse(nlp, texts, stretch=500, on_cut=lambda i, m: cuts.append((i, m))))
    assert [d.text for d in docs] == texts
    assert [i for i, _m in cuts] == [1, 3]
    assert "\n" not in cuts[0][1] + cuts[1][1]
    assert "punctuation marks" in cuts[0][1] and "only tokenized" in cuts[0][1]  # no letter
    assert "no sentence boundary" in cuts[1][1] and "only tokenized" not in cuts[1][1]


@pytest.mark.slow
def test_build_warns_once_naming_the_document() -> None:
    import kg
    from kg.ingest.documents import InputProblem

    problems: list[InputProblem] = []
    text = "Ann Lee met Tom Reed in Leeds. " + '"' * 20_000 + "\n\nTom Reed visited York.\n"
    graph = kg.build(
        [kg.Document(id="hostile.txt", text=text)], on_problem=problems.append, progress=False
    )
    assert [p.source for p in problems] == ["hostile.txt"]
    assert str(problems[0]).startswith("hostile.txt: a run of more than 1,000 punctuation marks")
    rows = graph.query("SELECT ?n WHERE { ?e a kg:Person ; rdfs:label ?n } ORDER BY ?n").rows
    assert {"Ann Lee", "Tom Reed"} <= {str(r[0]) for r in rows}  # both sides of the cut
    # Every mention's evidence is the document's own text at its offsets.
    for start, end, evidence in graph.query(
        "SELECT ?s ?e ?t WHERE { ?x kg:start ?s ; kg:end ?e ; kg:evidence ?t }"
    ).rows:
        assert text[int(start) : int(end)] == str(evidence)
