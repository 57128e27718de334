"""Markdown input: the text a reader sees, by markdown-it-py."""

from __future__ import annotations

import re

__all__ = ["from_markdown"]

#: One emphasis rule per marker: the pattern whose group 1 is kept, and its closing
#: marker alone (inside a lookahead, so that overlapping candidates are all found).
_MD_EMPHASIS = [
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), re.compile(r"(?=((?<=\S)\*\*))")),
    (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), re.compile(r"(?=((?<=\S)__(?!\w)))")),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), re.compile(r"(?=((?<=\S)~~))")),
    (
        re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
        re.compile(r"(?=((?<=[^\s*])\*(?![\w*])))"),
    ),
    (
        re.compile(r"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"),
        re.compile(r"(?=((?<=[^\s_])_(?!\w)))"),
    ),
]
# Link text stops at a bracket and a destination allows one level of parentheses
# (``[Foo](https://en.wikipedia.org/wiki/Foo_(bar))``); with possessive quantifiers
# every attempt ends at the next bracket or parenthesis, so a line of ten thousand
# ``[`` or ``[a](`` costs linear time, not quadratic.
_MD_DESTINATION = r"\((?:[^()\n]++|\([^()\n]*+\))*+\)"
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*+\]" + _MD_DESTINATION)
_MD_LINK = re.compile(r"\[([^\[\]\n]*+)\]" + _MD_DESTINATION)


def from_markdown(text: str) -> tuple[str, str | None]:
    """Drop the markup a reader does not see; keep everything else, line for line.

    A deliberately small subset (ATX headings, emphasis, links, images): enough
    that ``**Bob**`` is found as ``Bob``, without a Markdown dependency. Markup
    never spans lines, so the work is done line by line, in time linear in the
    length of the text whatever it holds.

    >>> from_markdown("# The *Big* News\\n\\n**Bob** wrote to [Alice](https://a.org). ![x](y.png)")
    ('The Big News\\n\\nBob wrote to Alice. ', 'The Big News')
    """
    lines = text.split("\n")
    title = None
    first = next((line for line in lines if line.strip()), "")
    if first.lstrip(" ").startswith("# ") or first.lstrip(" ").startswith("#\t"):
        heading = _md_heading(first)
        if heading is not None:
            title = _md_inline(heading).strip() or None
    out = []
    for line in lines:
        heading = _md_heading(line)
        out.append(_md_inline(line if heading is None else heading))
    return "\n".join(out), title


def _md_heading(line: str) -> str | None:
    """The text of an ATX heading line (``## Text ##`` → ``Text``), or None if it is not one.

    Written out rather than as one regular expression: the obvious pattern
    (lazy text, optional closing hashes, optional trailing blanks) backtracks
    quadratically on a heading padded with thousands of spaces.

    >>> [_md_heading(s) for s in ["# A #", "### B c ##  ", "#x", "####### 7", "# #", "#"]]
    ['A', 'B c', None, None, '#', '']
    """
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or not stripped.startswith("#"):
        return None
    rest = stripped.lstrip("#")
    if len(stripped) - len(rest) > 6:
        return None
    if not rest:
        return ""
    if rest[0] not in " \t":
        return None
    content = rest.strip(" \t")
    if content.endswith("#"):
        before = content.rstrip("#")
        if before and before[-1] in " \t":
            return before.rstrip(" \t")
    return content


def _md_inline(line: str) -> str:
    """Remove images, links and emphasis markers from one line."""
    if "[" in line:
        line = _MD_IMAGE.sub("", line)
        line = _MD_LINK.sub(r"\1", line)
    for pattern, closer in _MD_EMPHASIS:
        # Nothing after the line's last closing marker can match; cutting the line
        # there keeps an unclosed opener from scanning to the end of the line,
        # once per opener (quadratic on "**a " * 10_000), with the same result.
        end = -1
        for match in closer.finditer(line):
            end = match.end(1)
        if end > 0:
            line = pattern.sub(r"\1", line[:end]) + line[end:]
    return line
