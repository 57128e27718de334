"""HTML input: the text a browser would show, block boundaries kept as line breaks."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kg.ingest.html_guard import html_for_parser

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

__all__ = ["from_html"]

#: Elements whose content is never visible text.
_HTML_HIDDEN = frozenset(
    {"script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg"}
)
#: Elements that start a new line.
_HTML_LINE = frozenset({"br", "li", "tr", "dt", "dd", "option"})
#: Elements that stand apart as paragraphs.
_HTML_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "details",
        "dialog", "div", "dl", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
        "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "tfoot", "thead", "ul",
    }
)  # fmt: skip
#: Table cells: kept on one line, but not glued together.
_HTML_CELL = frozenset({"td", "th"})
_HTML_PRE = frozenset({"pre", "textarea", "listing"})
_HTML_SPACE = re.compile(r"[ \t\n\f]+")
#: When two separators meet, the stronger one wins.
_SEPARATOR_RANK = {"": 0, " ": 1, "\n": 2, "\n\n": 3}


class _VisibleText:
    """Collects the text a browser would show, one node at a time.

    Whitespace is collapsed as HTML renders it (except inside ``<pre>``). A
    separator (space, newline or blank line) is only *pending* until the next piece
    of text, so markup never leaves leading, trailing or doubled breaks.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending = ""
        self.pre_depth = 0

    def enter(self, node: LexborNode) -> bool:
        """Take what ``node`` adds on the way in; say whether its children are visible."""
        if node.is_text_node:
            self.add(node.text(deep=False))
            return False
        tag = node.tag or ""
        if not node.is_element_node or tag in _HTML_HIDDEN:
            return False
        self.boundary(tag)
        self.pre_depth += tag in _HTML_PRE
        return True

    def leave(self, node: LexborNode) -> None:
        tag = node.tag or ""
        self.boundary(tag)
        self.pre_depth -= tag in _HTML_PRE

    def boundary(self, tag: str) -> None:
        if tag in _HTML_BLOCK:
            self.separate("\n\n")
        elif tag in _HTML_LINE:
            self.separate("\n")
        elif tag in _HTML_CELL:
            self.separate(" ")

    def separate(self, sep: str) -> None:
        if _SEPARATOR_RANK[sep] > _SEPARATOR_RANK[self.pending]:
            self.pending = sep

    def add(self, text: str) -> None:
        text = text.replace("\xa0", " ")
        trailing = False
        if not self.pre_depth:
            text = _HTML_SPACE.sub(" ", text)
            if text.startswith(" "):
                self.separate(" ")
            trailing = text.endswith(" ")
            text = text.strip(" ")
        if not text:
            return
        if self.parts and self.pending:
            self.parts.append(self.pending)
        self.parts.append(text)
        self.pending = " " if trailing else ""

    def text(self) -> str:
        return "".join(self.parts)


def from_html(html: str) -> tuple[str, str | None]:
    """Visible text, with block boundaries as newlines so sentences stay apart.

    The tree is walked with an explicit loop over ``child``/``next``/``parent``
    links rather than recursion: a page nested thousands of levels deep must not
    hit Python's recursion limit. ``&nbsp;`` becomes a plain space, since spaCy
    would otherwise split ``Bob&nbsp;Russell`` into separate tokens.

    >>> from_html("<title>News</title><p>Bob &amp; Alice<br>met.</p><script>x()</script>")
    ('Bob & Alice\\nmet.', 'News')
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html_for_parser(html))
    title = None
    if tree.head is not None:
        for child in tree.head.iter():
            if child.tag == "title":
                title = _HTML_SPACE.sub(" ", child.text().replace("\xa0", " ")).strip() or None
                break

    root = tree.root
    if root is None:
        return "", title
    visible = _VisibleText()
    node: LexborNode | None = root
    while node is not None:
        if visible.enter(node):
            if node.child is not None:
                node = node.child
                continue
            visible.leave(node)
        # Climb out of finished subtrees to the next sibling, leaving each ancestor.
        while node is not None and node.mem_id != root.mem_id and node.next is None:
            node = node.parent
            if node is not None:
                visible.leave(node)
        node = None if node is None or node.mem_id == root.mem_id else node.next
    return visible.text(), title
