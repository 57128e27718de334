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

from kg.extract.nlp import (
    LONG_MARKS,
    LONG_SPACE,
    MARK_PIECE,
    Piece,
    bounded_pieces,
    mostly_marks,
    parse,
)

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
        if not piece.parse:  # no letter or digit, or marks outnumber words
            assert not any(c.isalnum() for c in piece.text) or mostly_marks(piece.text)


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
    texts = ["Short one.", "(" * 3000, "Fine text. " * 3, "'a' " * 400, "word " * 400]
    cuts: list[tuple[int, str]] = []
    docs = list(parse(nlp, texts, stretch=500, on_cut=lambda i, m: cuts.append((i, m))))
    assert [d.text for d in docs] == texts
    assert [i for i, _m in cuts] == [1, 3, 4]
    assert "\n" not in "".join(m for _i, m in cuts)
    assert "punctuation marks" in cuts[0][1] and "only tokenized" in cuts[0][1]  # no letter
    assert "no sentence boundary" in cuts[1][1] and "only tokenized" in cuts[1][1]  # marks
    assert "no sentence boundary" in cuts[2][1] and "only tokenized" not in cuts[2][1]


def test_a_stretch_of_marks_is_only_tokenized_and_the_prose_around_it_parsed() -> None:
    # 'a' 'a' …: three tokens for every four characters, which the parser would read
    # at several times the cost of prose as long; it can name nothing.
    text = "Ann Lee met Tom Reed. " + "'a' " * 3_000 + "\n\nTom Reed visited York.\n"
    pieces = bounded_pieces(text)
    assert "".join(p.text for p in pieces) == text
    assert [p.parse for p in pieces] == [True, False, False, False, True]
    assert pieces[0].text == "Ann Lee met Tom Reed."
    assert pieces[-1].text == "\nTom Reed visited York.\n"
    # Prose with no sentence boundary, and a list, are parsed in bounded pieces.
    for run_on in ("and then he said " * 600, "a, b, c, " * 1_500):
        assert all(p.parse for p in bounded_pieces(run_on))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("junk", "why"),
    [('"' * 20_000, "a run of more than 1,000"), ("'a' " * 5_000, "more than 5,000 characters")],
)
def test_build_warns_once_naming_the_document(junk: str, why: str) -> None:
    import kg
    from kg.ingest.documents import InputProblem

    problems: list[InputProblem] = []
    text = "Ann Lee met Tom Reed in Leeds. " + junk + "\n\nTom Reed visited York.\n"
    graph = kg.build(
        [kg.Document(id="hostile.txt", text=text)], on_problem=problems.append, progress=False
    )
    assert [p.source for p in problems] == ["hostile.txt"]
    assert str(problems[0]).startswith(f"hostile.txt: {why}")
    assert "only tokenized" in str(problems[0])
    rows = graph.query("SELECT ?n WHERE { ?e a kg:Person ; rdfs:label ?n } ORDER BY ?n").rows
    assert {"Ann Lee", "Tom Reed"} <= {str(r[0]) for r in rows}  # both sides of the cut
    # Every mention's evidence is the document's own text at its offsets.
    for start, end, evidence in graph.query(
        "SELECT ?s ?e ?t WHERE { ?x kg:start ?s ; kg:end ?e ; kg:evidence ?t }"
    ).rows:
        assert text[int(start) : int(end)] == str(evidence)
    # A piece only tokenized is a sentence of its own, not part of the fact's sentence.
    sentences = graph.query("SELECT ?s WHERE { ?x kg:sentence ?s }").rows
    assert sentences and all(len(str(r[0])) < 100 for r in sentences)
