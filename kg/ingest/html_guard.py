"""A linear pre-pass that keeps HTML parsing linear: pages whose nesting would make the
tree builder quadratic are refused, and attributes are dropped.
"""

from __future__ import annotations

import functools
import re
import string

from kg.ingest.text import Skip

__all__ = ["html_for_parser"]

_HTML_SUFFIXES = frozenset({".html", ".htm"})


# HTML5 tree builders (lexbor's too) walk their stack of open elements for many
# tags: every ``<div>`` or ``<p>`` looks down it for an open ``<p>``, every stray end
# tag for its element. A page nested N elements deep with N such tags costs N²
# steps: 40,000 nested ``<span>`` and 40,000 ``<p></p>`` (440 KB) take lexbor ten
# seconds, and the cost only grows from there. So before parsing, one linear pass
# over the tags (:func:`html_for_parser`) follows the stack of open elements the
# way the tree builder does, closely enough to add up the steps those walks take,
# and a page is refused if it nests deeper than a browser would keep (Blink stops
# at 512) *and* the walks would exceed the budget below. Pages that merely nest a
# few thousand levels still parse (``<div>`` × 5,000 costs about 2.5e7 steps).
#
# The same pass drops every attribute: visible text never depends on one, and
# attributes are the other way to make a tree builder quadratic (lexbor checks a
# new attribute against all earlier ones on the tag; the list of active formatting
# elements, re-opened in every paragraph, only stays short because it keeps at
# most three *identical* ``<b>``, so 5,000 ``<b id=N>`` make 25 million elements).

#: Steps of stack walking allowed for one page: about half a second of lexbor.
_HTML_MAX_WORK = 100_000_000
#: A page nesting no deeper than this is always parsed (work is then linear).
_HTML_MAX_DEPTH = 512
#: lexbor also takes time quadratic in the options of one ``<select>`` (10,000: 0.5 s).
_HTML_MAX_OPTIONS = 10_000

_HTML_VOID = frozenset(
    {
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr",
        "image", "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
    }
)  # fmt: skip
#: Never pushed or popped here: the tree builder keeps one of each, whatever the tags say.
_HTML_ROOTS = frozenset({"html", "head", "body"})
#: Start tags that close an open ``<p>`` (and walk the stack to look for one).
_HTML_CLOSES_P = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog",
        "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "listing",
        "main", "menu", "nav", "ol", "p", "plaintext", "pre", "search", "section",
        "summary", "table", "ul", "xmp",
    }
)  # fmt: skip
_HTML_SPECIAL = _HTML_CLOSES_P | frozenset(
    {
        "applet", "area", "base", "basefont", "bgsound", "body", "br", "button", "caption",
        "col", "colgroup", "embed", "frame", "frameset", "head", "html", "iframe", "img",
        "input", "keygen", "link", "marquee", "meta", "noembed", "noframes", "noscript",
        "object", "param", "script", "select", "source", "style", "tbody", "td",
        "template", "textarea", "tfoot", "th", "thead", "title", "tr", "track", "wbr",
    }
)  # fmt: skip
#: Elements that end the search for an element "in scope".
_HTML_SCOPE = frozenset(
    {"applet", "button", "caption", "html", "marquee", "object", "table", "td", "template", "th"}
)
_HTML_FORMATTING = frozenset(
    {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong",
     "tt", "u"}
)  # fmt: skip
#: Start tags for which the tree builder never walks the stack (any other is counted).
_HTML_CHEAP = _HTML_VOID | _HTML_FORMATTING | frozenset(
    {
        "abbr", "bdi", "bdo", "cite", "data", "dfn", "kbd", "label", "mark", "output", "q",
        "samp", "span", "sub", "sup", "time", "var",
        # read as text up to their end tag, which closes them at once
        "iframe", "noembed", "noframes", "script", "style", "textarea", "title",
    }
) - {"a", "nobr", "hr"}  # fmt: skip
_HTML_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Elements whose content is text up to their end tag (``<plaintext>``: to the end).
_HTML_TEXT_ONLY = frozenset(
    {"iframe", "noembed", "noframes", "plaintext", "script", "style", "textarea", "title", "xmp"}
)
#: SVG and MathML elements whose content is HTML again.
_HTML_INTEGRATION = frozenset(
    {"annotation-xml", "desc", "foreignobject", "mi", "mn", "mo", "ms", "mtext", "title"}
)
#: HTML start tags that end SVG or MathML content.
_HTML_BREAKOUT = frozenset(
    {
        "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt",
        "em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li",
        "listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span",
        "strike", "strong", "sub", "sup", "table", "tt", "u", "ul", "var",
    }
)  # fmt: skip
_HTML_TABLE_PARTS = {
    "td": ("td", "th"),
    "th": ("td", "th"),
    "tr": ("tr",),
    "tbody": ("tbody", "thead", "tfoot"),
    "thead": ("tbody", "thead", "tfoot"),
    "tfoot": ("tbody", "thead", "tfoot"),
}

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_HTML_TAG_NAME = re.compile(r"[^\t\n\f\r />]*+")
#: One attribute (or the closing ``>``, group 1) of a tag, as the HTML tokenizer reads
#: it: quotes count only right after ``=``, and a quoted value may hold ``>``.
_HTML_ATTRIBUTE = re.compile(
    r"[\t\n\f\r /]*+(?:(>)|\Z|=?[^\t\n\f\r />=]*+[\t\n\f\r ]*+"
    r"""(?:=[\t\n\f\r ]*+(?:"[^"]*+"?|'[^']*+'?|[^\t\n\f\r >]*+))?)"""
)
_HTML_COMMENT_END = re.compile(r"--!?>")


@functools.cache
def _html_raw_end(name: str) -> re.Pattern[str]:
    return re.compile(rf"</{re.escape(name)}(?=[\t\n\f\r />])", re.IGNORECASE | re.ASCII)


class _OpenElements:
    """The tree builder's stack of open elements, followed closely enough to count its walks.

    Each lookup is O(1) (the positions of every name, special element and scope
    boundary are kept in their own stacks), so the pass stays linear however the
    tags nest. Where the model and a real tree builder differ, the model errs
    towards a deeper stack and more work, never much less.
    """

    __slots__ = (
        "bounds", "foreign", "max_depth", "max_options", "names", "options", "specials",
        "stops", "where", "work",
    )  # fmt: skip

    def __init__(self) -> None:
        self.names: list[str] = []
        self.foreign: list[bool] = []
        self.where: dict[str, list[int]] = {}
        self.specials: list[int] = []  # positions of special elements
        self.stops: list[int] = []  # … of special elements other than address, div, p
        self.bounds: list[int] = []  # … of scope boundaries
        self.max_depth = 0
        self.work = 0
        self.options = 0  # in the <select> opened last
        self.max_options = 0

    def top(self, name: str) -> int:
        positions = self.where.get(name)
        return positions[-1] if positions else -1

    @staticmethod
    def _last(positions: list[int]) -> int:
        return positions[-1] if positions else -1

    def in_foreign(self) -> bool:
        """Whether the current node is SVG or MathML (not an HTML integration point)."""
        return bool(self.foreign) and self.foreign[-1] and self.names[-1] not in _HTML_INTEGRATION

    def push(self, name: str, foreign: bool) -> None:
        index = len(self.names)
        self.names.append(name)
        self.foreign.append(foreign)
        self.where.setdefault(name, []).append(index)
        special = name in _HTML_INTEGRATION if foreign else name in _HTML_SPECIAL
        if special:
            self.specials.append(index)
            if name not in ("address", "div", "p"):
                self.stops.append(index)
        if (name in _HTML_INTEGRATION) if foreign else (name in _HTML_SCOPE):
            self.bounds.append(index)
        self.max_depth = max(self.max_depth, index + 1)

    def pop_to(self, index: int) -> None:
        """Pop the element at ``index`` and everything above it."""
        while len(self.names) > index:
            name = self.names.pop()
            self.foreign.pop()
            self.where[name].pop()
            top = len(self.names)
            for positions in (self.specials, self.stops, self.bounds):
                if positions and positions[-1] == top:
                    positions.pop()

    def start(self, name: str, self_closing: bool) -> None:
        """A start tag: close what it implies closing, count its walk, push it."""
        if self.in_foreign():
            if name not in _HTML_BREAKOUT:
                if not self_closing:
                    self.push(name, True)
                return
            while self.in_foreign():
                self.pop_to(len(self.names) - 1)
        if name in ("svg", "math"):
            if not self_closing:
                self.push(name, True)
            return
        if name in _HTML_ROOTS:
            return
        if name not in _HTML_CHEAP:
            self.work += len(self.names)
        if name == "select":
            self.options = 0
        elif name in ("option", "optgroup") and self.where.get("select"):
            self.options += 1
            self.max_options = max(self.max_options, self.options)
        if name in _HTML_CLOSES_P and self.top("p") > self._last(self.bounds):
            self.pop_to(self.top("p"))
        if name == "li" or name in ("dd", "dt"):
            same = ("li",) if name == "li" else ("dd", "dt")
            found = max(self.top(n) for n in same)
            if found >= 0 and found >= self._last(self.stops):
                self.pop_to(found)
        elif name in _HTML_HEADINGS and self.names and self.names[-1] in _HTML_HEADINGS:
            self.pop_to(len(self.names) - 1)
        elif name in _HTML_TABLE_PARTS:
            found = max(self.top(n) for n in _HTML_TABLE_PARTS[name])
            if found > self.top("table"):
                self.pop_to(found)
        elif name == "button" and self.top(name) >= max(0, self._last(self.bounds)):
            self.pop_to(self.top(name))
        elif name in ("option", "optgroup") and self.names and self.names[-1] == "option":
            self.pop_to(len(self.names) - 1)
        elif name in ("a", "nobr") and self.top(name) >= 0:
            self.end(name)  # an open <a> is closed first, as if by </a>
        if name not in _HTML_VOID:
            self.push(name, False)

    def end(self, name: str) -> None:
        """An end tag: pop to its element when the tree builder would, count its walk."""
        if name in _HTML_ROOTS or name == "br":
            return
        found = self.top(name)
        at_top = found == len(self.names) - 1 and found >= 0
        if not (at_top and (name not in _HTML_SPECIAL or name in _HTML_CHEAP)):
            self.work += len(self.names)
        if found < 0:
            return
        if self.foreign[found]:
            self.pop_to(found)
        elif name in _HTML_FORMATTING:
            # With a special element above, the adoption agency moves elements
            # around but leaves the stack as deep as it was.
            if found >= self._last(self.bounds) and found > self._last(self.specials):
                self.pop_to(found)
        elif name in _HTML_SPECIAL:
            if found >= self._last(self.bounds):
                self.pop_to(found)
        elif found > self._last(self.specials):
            self.pop_to(found)

    def check(self) -> None:
        """Raise :class:`Skip` if parsing the page would take far too long."""
        if self.max_depth > _HTML_MAX_DEPTH and self.work > _HTML_MAX_WORK:
            raise Skip(f"HTML nested {self.max_depth:,} elements deep; too deep to parse safely")
        if self.max_options > _HTML_MAX_OPTIONS:
            raise Skip(f"HTML <select> with {self.max_options:,} options; too many to parse safely")


def html_for_parser(html: str) -> str:
    """``html`` without attributes, after checking that parsing it will not take forever.

    A linear pass over the markup as the HTML tokenizer reads it (comments, raw
    text such as ``<script>`` content, quoted attribute values holding ``>``),
    feeding each tag to :class:`_OpenElements`. Text, comments and raw text are
    kept byte for byte; tags lose their attributes only.

    >>> html_for_parser('<p class="a>b">Hi <b id=1>there</b><!-- <i x> --></p>')
    '<p>Hi <b>there</b><!-- <i x> --></p>'
    >>> html_for_parser("<div>" * 20_000)
    Traceback (most recent call last):
    ...
    kg.ingest.text.Skip: HTML nested 20,000 elements deep; too deep to parse safely
    """
    model = _OpenElements()
    out: list[str] = []
    size = len(html)
    emitted = pos = 0
    while (lt := html.find("<", pos)) >= 0 and lt + 1 < size:
        after = html[lt + 1]
        if after in "!?":
            if html.startswith("<!--", lt):
                pos = _html_comment_end(html, lt)
            elif html.startswith("<![CDATA[", lt) and model.in_foreign():
                end = html.find("]]>", lt + 9)
                pos = size if end < 0 else end + 3
            else:  # a doctype, or a bogus comment: up to the next ">"
                end = html.find(">", lt + 2)
                pos = size if end < 0 else end + 1
            continue
        closing = after == "/"
        name_start = lt + 2 if closing else lt + 1
        if name_start >= size:
            break
        if html[name_start] not in string.ascii_letters:
            if not closing:
                pos = lt + 1  # a "<" that starts no tag is text
            elif html[name_start] == ">":
                pos = name_start + 1  # "</>" is dropped
            else:
                end = html.find(">", name_start)
                pos = size if end < 0 else end + 1
            continue
        name_end = _HTML_TAG_NAME.match(html, name_start).end()  # type: ignore[union-attr]
        tag_end, self_closing = _html_tag_end(html, name_end)
        out.append(html[emitted:lt])
        emitted = size
        if tag_end < 0:  # the file ends inside the tag: the tokenizer drops it
            break
        name = html[name_start:name_end]
        key = name.translate(_ASCII_LOWER)
        # Raw text (script, style, …) and <plaintext> are read as text in HTML
        # content only; inside SVG or MathML they are ordinary elements.
        text_only = not closing and key in _HTML_TEXT_ONLY and not model.in_foreign()
        if closing:
            out.append(f"</{name}>")
            model.end(key)
        else:
            out.append(f"<{name}/>" if self_closing else f"<{name}>")
            model.start(key, self_closing)
        emitted = pos = tag_end
        if text_only:
            match = None if key == "plaintext" else _html_raw_end(key).search(html, tag_end)
            if match is None:
                break  # the rest of the file is text
            pos = match.start()
    out.append(html[emitted:])
    model.check()
    return "".join(out)


def _html_comment_end(html: str, start: int) -> int:
    """Where the comment opened at ``start`` ends, as the tokenizer decides it."""
    for short in ("<!-->", "<!--->"):
        if html.startswith(short, start):
            return start + len(short)
    match = _HTML_COMMENT_END.search(html, start + 4)
    return len(html) if match is None else match.end()


def _html_tag_end(html: str, pos: int) -> tuple[int, bool]:
    """Skip a tag's attributes from ``pos``: (index after its ``>``, self-closing), or (-1, _)."""
    size = len(html)
    while True:
        match = _HTML_ATTRIBUTE.match(html, pos)
        assert match is not None  # every alternative can match the empty string at the end
        if match.group(1) is not None:
            close = match.start(1)
            return close + 1, close > match.start() and html[close - 1] == "/"
        if match.end() >= size:
            return -1, False
        pos = match.end()
