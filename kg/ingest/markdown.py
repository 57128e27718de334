"""Markdown input: the text a reader sees, parsed by markdown-it-py (CommonMark).

Each block's text is written on the lines where it stood in the file: a sentence
found on line 12 of the Markdown is on line 12 of the document text too, so a user
can find every piece of evidence in the file they wrote. Markup a reader does not
see (heading and list markers, emphasis, link targets, images, inline HTML tags)
is dropped; code is kept, since a reader sees it; an HTML block is read as HTML.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from kg.ingest.html import from_html

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["from_markdown"]

#: Inline tokens that carry text a reader sees; everything else is markup.
_TEXT_TOKENS = frozenset({"text", "code_inline"})
_BREAKS = frozenset({"softbreak", "hardbreak"})
#: Block tokens that hold a block's own content (text, code, HTML, a rule).
_LEAVES = frozenset({"inline", "code_block", "fence", "html_block", "hr"})


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def from_markdown(text: str) -> tuple[str, str | None]:
    """The visible text, line for line, and the title if the first block is a level-1 heading.

    >>> from_markdown("# The *Big* News\\n\\n**Bob** wrote to [Alice](https://a.org). ![x](y.png)")
    ('The Big News\\n\\nBob wrote to Alice. ', 'The Big News')
    """
    lines = [""] * (text.count("\n") + 1)
    title: str | None = None
    first_block = True
    parser = _parser()
    tokens = parser.parse(text)
    written = [False] * len(lines)
    for i, token in enumerate(tokens):
        if token.map is None or token.nesting == -1:
            continue
        if token.type == "heading_open" and first_block and token.tag == "h1":
            title = _inline_text(tokens[i + 1]).strip() or None
        if token.level == 0:
            first_block = False
        start, end = token.map
        if token.type in _LEAVES:
            written[start:end] = [True] * (end - start)
        if token.type == "inline":
            _place(lines, start, end, _inline_text(token))
        elif token.type in ("code_block", "fence"):
            body_start = start + (token.type == "fence")
            _place(lines, body_start, end, token.content.removesuffix("\n"))
        elif token.type == "html_block":
            _place(lines, start, end, from_html(token.content)[0])
    if max((token.level for token in tokens), default=0) + 1 >= parser.options["maxNesting"]:
        # Past its nesting limit markdown-it drops the rest of the block, text and all
        # ("> " * 100): what it did not read is kept as written rather than lost.
        source = text.split("\n")
        for row, done in enumerate(written):
            if not done and source[row].strip():
                lines[row] = source[row]
    return "\n".join(lines), title


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in _TEXT_TOKENS:
            parts.append(child.content)
        elif child.type in _BREAKS:
            parts.append("\n")
    return "".join(parts)


def _place(lines: list[str], start: int, end: int, text: str) -> None:
    """Write a block's text lines from line ``start`` on, within the block's ``end``."""
    if not text:
        return
    pieces = text.split("\n")
    room = max(end - start, 1)
    if len(pieces) > room:  # never at present: a block's text has no more lines than it
        pieces = [*pieces[: room - 1], " ".join(pieces[room - 1 :])]
    for offset, piece in enumerate(pieces):
        row = start + offset
        lines[row] = f"{lines[row]} {piece}" if lines[row] else piece
