"""Tests for kg.ingest.documents: every input format, ordering, ids, and each kind of bad input."""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg.ingest.read
from kg.errors import InputError
from kg.ingest.documents import Document, InputProblem, document_from_text
from kg.ingest.html import from_html
from kg.ingest.html_guard import html_for_parser
from kg.ingest.markdown import from_markdown
from kg.ingest.read import check_inputs, read_documents


def read(
    *inputs: str | os.PathLike[str], stdin: io.StringIO | None = None
) -> tuple[list[Document], list[InputProblem]]:
    """Read everything, collecting problems instead of logging them."""
    problems: list[InputProblem] = []
    docs = list(read_documents(inputs, on_problem=problems.append, stdin=stdin))
    return docs, problems


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


# --------------------------------------------------------------------------- plain text


def test_txt_file_named_directly_keeps_its_name_as_given_and_its_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "notes" / "a.txt", "  Bob wrote to Alice.\n\n\tIndented.\n")
    monkeypatch.chdir(tmp_path)
    docs, problems = read("notes/a.txt")
    assert problems == []
    assert docs == [Document(id="notes/a.txt", text="  Bob wrote to Alice.\n\n\tIndented.\n")]


def test_pathlike_and_single_path_inputs(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Hello.")
    assert [d.id for d in read_documents([path])] == [str(path)]
    assert [d.id for d in read_documents(str(path))] == [str(path)]


def test_crlf_and_lone_cr_become_lf(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"one\r\ntwo\rthree\n")
    (doc,), _ = read(path)
    assert doc.text == "one\ntwo\nthree\n"


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", b"\xef\xbb\xbfCaf\xc3\xa9.")
    (doc,), problems = read(path)
    assert problems == []
    assert doc.text == "Café."


def test_file_named_directly_with_other_extension_is_plain_text(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.rst", "*Not* markdown.")
    (doc,), _ = read(path)
    assert doc.text == "*Not* markdown."


# --------------------------------------------------------------------------- Markdown


def test_markdown_markup_is_dropped_and_leading_heading_is_title(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.md",
        "# The *Big* Story #\n"
        "\n"
        '**Bob Russell** wrote to [David Finch](https://example.org/df "DF").\n'
        "![a photo](photo.png)\n"
        "## Later _on_\n"
        "Some ~~old~~ __new__ text; snake_case_name and 2 * 3 * 4 stay.\n"
        "#hashtag stays\n",
    )
    (doc,), problems = read(path)
    assert problems == []
    assert doc.title == "The Big Story"
    assert doc.text == (
        "The Big Story\n"
        "\n"
        "Bob Russell wrote to David Finch.\n"
        "\n"
        "Later on\n"
        "Some old new text; snake_case_name and 2 * 3 * 4 stay.\n"
        "#hashtag stays\n"
    )


def test_markdown_without_leading_h1_has_no_title(tmp_path: Path) -> None:
    path = write(tmp_path / "a.markdown", "Intro.\n\n# Not the title\n")
    (doc,), _ = read(path)
    assert doc.title is None
    assert doc.text == "Intro.\n\nNot the title\n"


def test_markdown_with_only_an_image_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", "![only](a.png)\n")
    docs, problems = read(path)
    assert docs == []
    assert [str(p) for p in problems] == [f"{path}: empty document"]


_MD_PIECES = ["#", "##", "# ", "*", "**", "_", "__", "~~", " ", "\t", "a", "b c", "\n", "é", "\xa0"]


@given(st.lists(st.sampled_from(_MD_PIECES), max_size=24).map("".join))
def test_markdown_keeps_the_files_lines(text: str) -> None:
    """Whatever the markup, the text has the file's lines, so evidence can be found in it."""
    out, _ = from_markdown(text)
    assert out.count("\n") == text.count("\n")


_PLAIN_WORDS = ["Bob", "met", "Alice", "in", "Leeds.", "It", "rained,", "she", "said"]


@given(
    st.lists(st.lists(st.sampled_from(_PLAIN_WORDS), max_size=8).map(" ".join), max_size=6).map(
        "\n".join
    )
)
def test_markdown_without_markup_keeps_every_word_on_its_line(text: str) -> None:
    out, title = from_markdown(text)
    assert [line.split() for line in out.split("\n")] == [line.split() for line in text.split("\n")]
    assert title is None


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("- Bob met *Alice*\n- and Carol", "Bob met Alice\nand Carol"),
        ("> quoted **text**\n> goes on", "quoted text\ngoes on"),
        ("```\ncode x\n```", "\ncode x\n"),
        ("<div>Bob &amp; Al</div>", "Bob & Al"),
        ("| a | b |\n|---|---|\n| Bob | Al |", "a b\n\nBob Al"),
        ("Fish &amp; chips, \\*not\\* emphasis", "Fish & chips, *not* emphasis"),
        ("a <b>bold</b> word", "a bold word"),
    ],
)
def test_markdown_blocks_give_the_text_a_reader_sees(markdown: str, text: str) -> None:
    assert from_markdown(markdown)[0] == text


def test_markdown_setext_heading_is_a_title() -> None:
    assert from_markdown("The Story\n=========\n\nBody.") == ("The Story\n\n\nBody.", "The Story")


@pytest.mark.parametrize("prefix", ["> ", "- ", "* > "])
def test_markdown_nested_past_the_parsers_limit_keeps_its_text(prefix: str) -> None:
    """markdown-it stops reading a block nested past its limit; kg keeps those lines."""
    text, _ = from_markdown(prefix * 200 + "deep\nBob met Alice.")
    assert text.endswith("deep\nBob met Alice.")


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("See [Foo](https://en.wikipedia.org/wiki/Foo_(bar)) now.", "See Foo now."),
        ("A [link [b](u) here].", "A [link b here]."),
        ("![pic](a.png \"T\") and [x](y 'z')", " and x"),
        ("[not a link] (u)", "[not a link] (u)"),
        ("[open(", "[open("),
    ],
)
def test_markdown_links_with_parentheses_and_brackets(markdown: str, text: str) -> None:
    assert from_markdown(markdown)[0] == text


@pytest.mark.parametrize(
    "line",
    [
        "# x" + " " * 100_000 + "y",
        "## x" + " \t" * 50_000 + "y",
        "**a " * 50_000,
        "*a " * 50_000,
        "_a " * 50_000,
        "~~a " * 50_000,
        "[" * 100_000,
        "[a](" * 50_000,
        "![a](" * 50_000,
    ],
    ids=lambda line: repr(line[:8]),
)
def test_markdown_hostile_lines_keep_their_text(line: str) -> None:
    """Lines that took kg's first hand-written expressions minutes each; markdown-it is linear."""
    text, _ = from_markdown(line + "\nBob met Alice.")
    assert text.endswith("\nBob met Alice.")
    assert text.split("\n")[0].split() == line.lstrip("#").split()


def test_markdown_emphasis_inside_a_hostile_line_is_still_removed() -> None:
    line = "**a " * 1000 + "Bob** met _Alice_ *and* __Carol__. " + "_x ~~y " * 1000
    text, _ = from_markdown(line)
    assert text.startswith("**a **a ") and "Bob met Alice and Carol." in text


# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html><head><title> Bob &amp;
  Alice </title><style>p { color: red }</style><script>var hidden = 1;</script></head>
<body>
<h1>Headline</h1><p>First   sentence
ends here.</p><p>Second <b>bold</b> one&nbsp;&mdash; &eacute;t&eacute; &lt;tag&gt;.</p>
<noscript>Enable JavaScript</noscript><template><p>Template text</p></template>
<script>document.write("no")</script><!-- a comment -->
<div>Line one<br>Line two</div>
<ul><li>alpha</li><li>beta</li></ul>
<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>
<pre>  keep
    this</pre>
</body></html>
"""


def test_html_visible_text_title_and_entities() -> None:
    # The visible-text reader, which reads a page in which trafilatura finds no article
    # (a saved page's article: tests/test_news_inputs.py).
    text, title = from_html(PAGE)
    assert title == "Bob & Alice"
    assert text == (
        "Headline\n\n"
        "First sentence ends here.\n\n"
        "Second bold one — été <tag>.\n\n"
        "Line one\nLine two\n\n"
        "alpha\nbeta\n\n"
        "a b\nc d\n\n"
        "  keep\n    this"
    )
    for hidden in ("color", "hidden", "document.write", "JavaScript", "Template", "comment"):
        assert hidden not in text


def test_htm_extension_and_no_title(tmp_path: Path) -> None:
    path = write(tmp_path / "page.htm", "<p>Just text.</p>")
    (doc,), _ = read(path)
    assert doc == Document(id=str(path), text="Just text.")


def test_deeply_nested_html_does_not_recurse(tmp_path: Path) -> None:
    depth = 5000
    path = write(tmp_path / "deep.html", "<div>" * depth + "Deep text." + "</div>" * depth)
    (doc,), problems = read(path)
    assert problems == []
    assert doc.text == "Deep text."


def test_deeply_nested_html_with_text_at_every_level(tmp_path: Path) -> None:
    depth = 5000
    path = write(tmp_path / "deep.html", "<div>x" * depth + "</div>" * depth)
    (doc,), _ = read(path)
    assert doc.text == "\n\n".join(["x"] * depth)


def test_html_with_only_scripts_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", "<title>T</title><script>x()</script>")
    docs, problems = read(path)
    assert docs == []
    assert [str(p) for p in problems] == [f"{path}: empty document"]


def test_html_attributes_never_change_the_text() -> None:
    text, _ = from_html(
        '<p title="a > b" data-x=\'<!-- not a comment\' class=x>Bob <b id="1" a=1/>met</b>'
        ' <a href="https://example.org/?a=1&b=2">Alice</a>.</p>'
        '<textarea rows="2"><b id="x">kept as typed</b></textarea>'
        "<script>var s = '<div id=1>';</script><!-- <p hidden>no</p> -->",
    )
    assert text == 'Bob met Alice.\n\n<b id="x">kept as typed</b>'


@pytest.mark.parametrize(
    ("name", "html", "message"),
    [
        ("div", "<div>" * 30_000 + "x", "HTML nested 30,000 elements deep"),
        ("span-p", "<span>" * 20_000 + "<p></p>" * 20_000, "HTML nested 20,001 elements deep"),
        ("list", "<li><ul>" * 15_000, "HTML nested 30,000 elements deep"),
        ("adoption", "<b><div></b>" * 15_000, "HTML nested 30,000 elements deep"),
        ("ignored-end", "<span><div></span></div>" * 20_000 + "<p></p>" * 20_000,
         "HTML nested 20,001 elements deep"),
        ("hidden-in-comment", "<p title='<!--'>" + "<div>" * 20_000 + "-->",
         "HTML nested 20,000 elements deep"),
        ("kelvin", "<scrip\u212at>" + "<div>" * 20_000, "HTML nested 20,001 elements deep"),
        ("select", "<select>" + "<option>x</option>" * 20_000, "HTML <select> with 20,000 options"),
    ],
    ids=lambda value: value if len(value) < 20 else "",
)  # fmt: skip
def test_html_that_would_take_the_parser_quadratic_time_is_one_problem(
    tmp_path: Path, name: str, html: str, message: str
) -> None:
    """Each of these takes lexbor seconds to minutes (and the first ones gigabytes)."""
    write(tmp_path / "corpus" / "a.txt", "Good.")
    bad = write(tmp_path / "corpus" / f"{name}.html", html)
    docs, problems = read(tmp_path / "corpus")
    assert [d.text for d in docs] == ["Good."]
    assert [(p.source, p.message) for p in problems] == [
        (str(bad), f"{message}; too {'many' if name == 'select' else 'deep'} to parse safely")
    ]


@pytest.mark.parametrize(
    "html",
    [
        "".join(f"<b id={i}>" for i in range(5_000)) + "<p>x</p>" * 5_000,  # 25M elements before
        "<p>" + "".join(f"<i class=c{i}>" for i in range(5_000)) + "</p>" + "<p>x</p>" * 5_000,
        "<div" + "".join(f" a{i}=1" for i in range(50_000)) + ">x</div>",
        "<svg>" + "<g>" * 30_000 + "<p>x</p>",
        "<select>" + "<option>x</option>" * 9_000 + "</select>",
    ],
    ids=["formatting", "reopened", "attributes", "svg", "options"],
)
def test_html_with_many_attributes_or_formatting_parses(html: str) -> None:
    text, _ = from_html(html)
    assert text.strip("x \n") == ""


def test_html_parser_input_keeps_text_comments_and_raw_text(tmp_path: Path) -> None:
    html = (
        "<!DOCTYPE html><!-- a <b id=1> comment --><svg><style><p id=2>x</style></svg>"
        "<title>T &amp; <i>u</i></title><plaintext><p id=3>rest"
    )
    assert html_for_parser(html) == (
        "<!DOCTYPE html><!-- a <b id=1> comment --><svg><style><p>x</style></svg>"
        "<title>T &amp; <i>u</i></title><plaintext><p id=3>rest"
    )


# --------------------------------------------------------------------------- JSONL


def test_jsonl_documents_ids_and_metadata(tmp_path: Path) -> None:
    lines = [
        {"id": "first", "text": "One.", "title": "T", "date": "2026-01-02", "url": "https://x"},
        {"id": 7, "text": "Two.\r\nLines."},
        {"text": "Three.", "title": None},
    ]
    content = "\n".join(json.dumps(line) for line in lines[:2]) + "\n\n   \n" + json.dumps(lines[2])
    path = write(tmp_path / "docs.jsonl", content)
    docs, problems = read(path)
    assert problems == []
    assert docs == [
        Document(id="first", text="One.", title="T", date="2026-01-02", url="https://x"),
        Document(id="7", text="Two.\nLines."),
        Document(id=f"{path}:5", text="Three."),
    ]


def test_jsonl_missing_id_uses_path_relative_to_directory(tmp_path: Path) -> None:
    write(tmp_path / "corpus" / "sub" / "d.jsonl", '{"text": "A."}\n{"text": "B."}\n')
    docs, _ = read(tmp_path / "corpus")
    assert [d.id for d in docs] == ["sub/d.jsonl:1", "sub/d.jsonl:2"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "invalid JSON: "),
        ("[1, 2]", "not a JSON object"),
        ('"just a string"', "not a JSON object"),
        ('{"id": "x"}', "'text' is missing or not a string"),
        ('{"text": 42}', "'text' is missing or not a string"),
        ('{"text": "  "}', "empty document"),
        ("[" * 100_000 + "]" * 100_000, "invalid JSON: nested too deeply"),
        ('{"text": "x", "n": ' + "1" * 5000 + "}", "invalid JSON: "),
    ],
)
def test_jsonl_bad_line_is_one_problem_and_the_rest_goes_on(
    tmp_path: Path, line: str, message: str
) -> None:
    path = write(
        tmp_path / "d.jsonl", f'{{"text": "Good one."}}\n{line}\n{{"text": "Good two."}}\n'
    )
    docs, problems = read(path)
    assert [d.text for d in docs] == ["Good one.", "Good two."]
    assert len(problems) == 1
    assert problems[0].source == f"{path}:2"
    assert problems[0].message.startswith(message)
    assert "\n" not in str(problems[0])


def test_jsonl_invalid_utf8_line_reports_file_offset(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", b'{"text": "A."}\n{"text": "caf\xe9"}\n{"text": "B."}\n')
    docs, problems = read(path)
    assert [d.text for d in docs] == ["A.", "B."]
    assert [str(p) for p in problems] == [
        f"{path}:2: not valid UTF-8 (byte 0xe9 at offset 28); is it latin-1? re-encode it as UTF-8"
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": 3}, "'title' is not a string; ignored"),
        ({"date": ["2026"]}, "'date' is not a string; ignored"),
        ({"url": {"href": "x"}}, "'url' is not a string; ignored"),
        ({"id": 1.5}, "'id' is not a non-empty string or integer; using "),
        ({"id": True}, "'id' is not a non-empty string or integer; using "),
        ({"id": ""}, "'id' is not a non-empty string or integer; using "),
    ],
)
def test_jsonl_bad_optional_field_is_ignored_with_a_problem(
    tmp_path: Path, fields: dict[str, object], message: str
) -> None:
    path = write(tmp_path / "d.jsonl", json.dumps({"text": "Kept.", **fields}) + "\n")
    (doc,), problems = read(path)
    assert doc.text == "Kept."
    assert doc.title is None and doc.date is None and doc.url is None
    assert doc.id == f"{path}:1"
    assert len(problems) == 1
    assert problems[0].source == f"{path}:1"
    assert problems[0].message.startswith(message)


def test_jsonl_lone_surrogate_escapes_are_problems_not_crashes(tmp_path: Path) -> None:
    lines = [
        '{"text": "Bad \\ud800 text."}',
        '{"id": "a\\udc00", "text": "Kept one."}',
        '{"text": "Kept two.", "title": "T\\udfff", "url": "u\\ud83d"}',
        '{"text": "Pair \\ud83d\\ude00 is fine."}',
    ]
    path = write(tmp_path / "d.jsonl", "\n".join(lines) + "\n")
    docs, problems = read(path)
    assert docs == [
        Document(id=f"{path}:2", text="Kept one."),
        Document(id=f"{path}:3", text="Kept two."),
        Document(id=f"{path}:4", text="Pair 😀 is fine."),
    ]
    assert [str(p) for p in problems] == [
        f"{path}:1: 'text' is not valid Unicode (unpaired surrogate \\ud800)",
        f"{path}:2: 'id' is not valid Unicode (unpaired surrogate \\udc00); using '{path}:2'",
        f"{path}:3: 'title' is not valid Unicode (unpaired surrogate \\udfff); ignored",
        f"{path}:3: 'url' is not valid Unicode (unpaired surrogate \\ud83d); ignored",
    ]
    for doc in docs:
        (doc.id + doc.text).encode("utf-8")


def test_jsonl_with_bom_and_crlf_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", b'\xef\xbb\xbf{"text": "A."}\r\n{"text": "B."}\r\n')
    docs, problems = read(path)
    assert problems == []
    assert [d.text for d in docs] == ["A.", "B."]


# --------------------------------------------------------------------------- directories


def test_directory_is_walked_in_sorted_relative_posix_order(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for name in ["b.txt", "a/z.md", "a.txt", "a/b/c.html", "B.htm", "c.markdown", "d.TXT"]:
        write(corpus / name, f"<p>Text of {name}.</p>" if "htm" in name else f"Text of {name}.")
    write(corpus / "e.jsonl", '{"id": "e1", "text": "Jsonl."}\n')
    # Not picked up: hidden files and directories silently, unknown extensions counted.
    write(corpus / ".hidden.txt", "no")
    write(corpus / ".git" / "x.txt", "no")
    write(corpus / "a" / ".cache" / "y.md", "no")
    write(corpus / "image.png", b"\x89PNG\r\n\x1a\n\0\0")
    write(corpus / "README", "no")
    docs, problems = read(corpus)
    assert [str(p) for p in problems] == [
        f"{corpus}: skipped 2 files kg does not read: 1 .png, 1 without extension"
    ]
    assert [d.id for d in docs] == [
        "B.htm",
        "a.txt",
        "a/b/c.html",
        "a/z.md",
        "b.txt",
        "c.markdown",
        "d.TXT",
        "e1",
    ]
    assert docs[2].text == "Text of a/b/c.html."


def test_inputs_are_read_in_the_order_given(tmp_path: Path) -> None:
    second = write(tmp_path / "a.txt", "Second.")
    first = write(tmp_path / "z" / "b.txt", "First.")
    docs, _ = read(first.parent, second)
    assert [d.text for d in docs] == ["First.", "Second."]


def test_directory_symlink_cycle_ends(tmp_path: Path) -> None:
    write(tmp_path / "corpus" / "a.txt", "A.")
    (tmp_path / "corpus" / "loop").symlink_to(tmp_path / "corpus", target_is_directory=True)
    docs, _ = read(tmp_path / "corpus")
    assert [d.id for d in docs] == ["a.txt"]


def test_duplicate_id_is_skipped_with_a_problem(tmp_path: Path) -> None:
    one = write(tmp_path / "one" / "a.txt", "One.")
    two = write(tmp_path / "two" / "a.txt", "Two.")
    docs, problems = read(one.parent, two.parent)
    assert [d.text for d in docs] == ["One."]
    assert [str(p) for p in problems] == [
        f"{two}: duplicate document id 'a.txt' (also {one}); skipped"
    ]


def test_same_file_named_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Once.")
    docs, problems = read(path, path)
    assert len(docs) == 1
    assert len(problems) == 1


# --------------------------------------------------------------------------- bad files

LATIN1 = "not valid UTF-8 (byte 0xe9 at offset 3); is it latin-1? re-encode it as UTF-8"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin1.txt", "Café au lait.".encode("latin-1"), LATIN1),
        ("bom-latin1.txt", b"\xef\xbb\xbf" + "Café.".encode("latin-1"), LATIN1.replace("3", "6")),
        ("nul.txt", b"\0" * 40 + b"text", "binary data, not text"),
        ("noise.md", bytes(range(1, 32)) * 4 + b"\xff\xfe\x80", "binary data, not text"),
        ("utf16.txt", "Hello".encode("utf-16"), "UTF-16 text, not UTF-8; re-encode it as UTF-8"),
        ("empty.txt", b"", "empty document"),
        ("blank.md", b" \n\t\r\n", "empty document"),
        ("empty.jsonl", b"\n\n", "empty document"),
        ("nul.jsonl", b'{"text": "\0"}\n', "binary data, not text"),
        ("bad.html", "<p>Caf\xe9</p>".encode("latin-1"), LATIN1.replace("3", "6")),
    ],
)
def test_bad_file_is_one_problem_and_the_corpus_goes_on(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "a-good.txt", "Good one.")
    bad = write(corpus / name, content)
    write(corpus / "z-good.txt", "Good two.")
    docs, problems = read(corpus)
    assert [d.text for d in docs] == ["Good one.", "Good two."]
    assert [(p.source, p.message) for p in problems] == [(str(bad), message)]


def test_fifo_is_skipped_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "corpus" / "pipe.txt"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    good = write(tmp_path / "corpus" / "good.txt", "Good.")
    docs, problems = read(fifo, fifo.parent)
    assert [d.id for d in docs] == ["good.txt"]
    assert [str(p) for p in problems] == [
        f"{fifo}: cannot read: not a regular file (a FIFO)",
        f"{fifo}: cannot read: not a regular file (a FIFO)",
    ]
    assert good.exists()


# A chmod-000 file cannot test this where the suite runs as root (CI does), so the
# read itself is made to fail: the same code path, on every machine.
def test_os_error_while_reading_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: str, mode: str) -> io.BytesIO:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(kg.ingest.read, "open", refuse, raising=False)
    path = write(tmp_path / "secret.txt", "Secret.")
    docs, problems = read(path)
    assert docs == []
    assert [str(p) for p in problems] == [f"{path}: cannot read: permission denied"]


def test_problems_are_logged_by_default(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path / "empty.txt", "")
    with caplog.at_level(logging.WARNING, logger="kg"):
        assert list(read_documents([path])) == []
    assert [r.getMessage() for r in caplog.records] == [f"{path}: empty document"]


def test_file_name_that_is_not_utf8_gets_a_readable_id(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path / "corpus")
    os.mkdir(folder)
    for name, content in ((b"caf\xe9.txt", b"Kept."), (b"empty\xff.txt", b""), (b"ok.txt", b"Ok.")):
        with open(folder + b"/" + name, "wb") as fh:
            fh.write(content)
    docs, problems = read(tmp_path / "corpus")
    assert [(d.id, d.text) for d in docs] == [("caf\\xe9.txt", "Kept."), ("ok.txt", "Ok.")]
    corpus = tmp_path / "corpus"
    assert [str(p) for p in problems] == [
        f"{corpus}/caf\\xe9.txt: file name is not valid UTF-8; document id: caf\\xe9.txt",
        f"{corpus}/empty\\xff.txt: empty document",
    ]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("two\nlines.txt", "two\\nlines.txt"),
        ("red\x1b[31m.txt", "red\\x1b[31m.txt"),
        ("cr\rtab\t.txt", "cr\\rtab\\t.txt"),
        ("evil\u202etxt.exe.txt", "evil\\u202etxt.exe.txt"),
        ("sep\u2028.txt", "sep\\u2028.txt"),
    ],
)
def test_a_problem_is_one_line_whatever_the_file_name(
    tmp_path: Path, name: str, shown: str
) -> None:
    path = write(tmp_path / name, b"")
    _, [problem] = read(path)
    assert problem.source == str(path)
    assert str(problem) == f"{tmp_path}/{shown}: empty document"
    assert str(problem).isprintable()


# --------------------------------------------------------------------------- missing inputs


def test_missing_input_raises_at_the_call_before_anything_is_read(tmp_path: Path) -> None:
    good = write(tmp_path / "a.txt", "Fine.")
    missing = tmp_path / "nope.txt"
    stdin = io.StringIO("untouched")
    with pytest.raises(InputError, match=f"^{missing}: no such file or directory$"):
        read_documents([good, "-", missing], stdin=stdin)
    assert stdin.tell() == 0


def test_check_inputs_accepts_stdin_files_and_directories(tmp_path: Path) -> None:
    check_inputs(["-", tmp_path, write(tmp_path / "a.txt", "x")])
    with pytest.raises(InputError, match="missing-dir"):
        check_inputs([tmp_path / "missing-dir"])


def test_missing_input_message_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        check_inputs([tmp_path / "a\nb.txt"])
    assert str(info.value) == f"{tmp_path}/a\\nb.txt: no such file or directory"


# --------------------------------------------------------------------------- stdin and text


def test_stdin_text_is_taken_as_is() -> None:
    docs, problems = read("-", stdin=io.StringIO("\ufeff# Not *markdown*\r\n<p>nor html</p>"))
    assert problems == []
    assert docs == [Document(id="stdin", text="# Not *markdown*\n<p>nor html</p>")]


def test_empty_stdin_is_a_problem() -> None:
    docs, problems = read("-", stdin=io.StringIO(""))
    assert docs == []
    assert [str(p) for p in problems] == ["<stdin>: empty document"]


def test_sys_stdin_bytes_get_the_file_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Caf\xe9")))
    docs, problems = read("-")
    assert docs == []
    assert [str(p) for p in problems] == [f"<stdin>: {LATIN1}"]

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Bob \xc3\xa9.\r\n")))
    docs, _ = read("-")
    assert docs == [Document(id="stdin", text="Bob é.\n")]


def test_document_from_text() -> None:
    assert document_from_text("A.\r\nB.") == Document(id="text", text="A.\nB.")
    assert document_from_text("A.", id="mine").id == "mine"


def test_input_problem_is_one_line() -> None:
    assert str(InputProblem("d.jsonl:3", "not a JSON object")) == "d.jsonl:3: not a JSON object"
