"""Quotation marks in every style news uses, told apart from apostrophes.

American copy quotes with double marks (“…” or "…") and nests single ones inside;
British broadsheets do the reverse (‘…’ or '…', with “…” inside). The outermost
pair in a paragraph is the quotation; marks nested inside it belong to its words.

A single mark is also the apostrophe, so each one is read by what stands either
side of it (a general rule of English typography, with no list of words):

- between two letters or digits it is an apostrophe (the council's, O'Neil, don’t);
- before a run of digits it marks an elided century ('90s, ’08);
- opening only where a word starts (after a space, a bracket, a dash or a double
  mark, or at the start of the paragraph) and before a letter;
- closing only where a word ends (after a letter or punctuation, before a space,
  punctuation or the end), except that after an ``s`` and before a lower-case word
  it is a plural possessive (the Joneses' house), and a single closer with no single
  quotation open is an apostrophe too (the Joneses' dog, boys’ school);
- an opening mark closed again inside the same word ('n', 'em') is an elision.

>>> text = "The council's plan for the '90s was 'a bold idea,' she said."
>>> [text[s:e] for s, e, _ in paragraph_quotations(text, 0, len(text))]
['a bold idea,']
>>> text = '‘He told me “never again” and left,’ said Ann.'
>>> [text[s:e] for s, e, _ in paragraph_quotations(text, 0, len(text))]
['He told me “never again” and left,']
"""

from __future__ import annotations

import re

__all__ = ["DOUBLE_OPEN", "OPENING_MARKS", "SINGLE_OPEN", "paragraph_quotations"]

DOUBLE_OPEN = "“"
DOUBLE_CLOSE = "”"
SINGLE_OPEN = "‘"
SINGLE_CLOSE = "’"
OPENING_MARKS = DOUBLE_OPEN + SINGLE_OPEN + "\"'"
_DOUBLE = DOUBLE_OPEN + DOUBLE_CLOSE + '"'
_SINGLE = SINGLE_OPEN + SINGLE_CLOSE + "'"
_WORD_START_BEFORE = "([{—–-/" + DOUBLE_OPEN + '"'
_MARK = re.compile(f"[{_DOUBLE}{_SINGLE}]")


def _before(text: str, i: int, start: int) -> str:
    return text[i - 1] if i > start else " "


def _after(text: str, i: int, end: int) -> str:
    return text[i + 1] if i + 1 < end else " "


def _opens_single(text: str, i: int, start: int, end: int) -> bool:
    """A single mark that can open a quotation: at a word's start, before a letter."""
    before, after = _before(text, i, start), _after(text, i, end)
    if text[i] == SINGLE_CLOSE and before.isalnum():
        return False
    if not (before.isspace() or before in _WORD_START_BEFORE):
        return False
    if not after.isalpha() and after not in _DOUBLE:
        return False  # '90s, a stray mark before a space
    return _elision_end(text, i, end) == -1


def _elision_end(text: str, i: int, end: int) -> int:
    """The mark closing a word opened by the mark at ``i`` ('n', 'em), or -1."""
    j = i + 1
    while j < end and text[j].isalpha():
        j += 1
    if j > i + 1 and j < end and text[j] in _SINGLE and not _after(text, j, end).isalnum():
        return j
    return -1


def _closes_single(text: str, i: int, start: int, end: int) -> bool:
    """A single mark that can close a quotation: at a word's end, not a possessive."""
    before, after = _before(text, i, start), _after(text, i, end)
    if text[i] == SINGLE_OPEN or before.isspace():
        return False
    if after.isalnum():
        return False  # the council's, O'Neil
    if before == "s" and after.isspace():
        k = i + 1
        while k < end and text[k].isspace():
            k += 1
        if k < end and text[k].islower():
            return False  # the Joneses' house: a plural possessive
    return True


def _double_close(text: str, i: int, end: int) -> int:
    """Where the double quotation opened at ``i`` closes, or -1 (mixed marks happen)."""
    j = text.find(DOUBLE_CLOSE, i + 1, end) if text[i] == DOUBLE_OPEN else -1
    return j if j != -1 else text.find('"', i + 1, end)


def _single_close(text: str, i: int, end: int, start: int) -> int:
    """Where the single quotation opened at ``i`` closes, double quotes inside skipped."""
    j = i + 1
    while j < end:
        mark = _MARK.search(text, j, end)
        if mark is None:
            return -1
        j = mark.start()
        ch = text[j]
        if ch in (DOUBLE_OPEN, '"'):
            k = _double_close(text, j, end)
            if k == -1:
                return -1
            j = k + 1
            continue
        if ch in _SINGLE:
            before = _before(text, j, start)
            if before.isspace() or before in _WORD_START_BEFORE:
                k = _elision_end(text, j, end)  # rock 'n' roll inside a quotation
                if k != -1:
                    j = k + 1
                    continue
            elif _closes_single(text, j, start, end):
                return j
        j += 1
    return -1


def paragraph_quotations(
    text: str, start: int, end: int, *, continued: bool = False
) -> list[tuple[int, int, bool]]:
    """Outermost quoted (start, end, closed) spans of ``text[start:end]``, inner text only.

    A quotation still open at the end of the paragraph runs to that end (closed is
    False). A single mark left open is an apostrophe ('Tis, a stray mark) unless the
    next paragraph opens with a quotation mark (``continued``), the news convention
    for a quotation that goes on.
    """
    found: list[tuple[int, int, bool]] = []
    i = start
    while i < end:
        mark = _MARK.search(text, i, end)  # the next mark: the words between are skipped
        if mark is None:
            break
        i = mark.start()
        ch = text[i]
        if ch in (DOUBLE_OPEN, '"'):
            j = _double_close(text, i, end)
        elif ch in _SINGLE and _opens_single(text, i, start, end):
            j = _single_close(text, i, end, start)
        else:
            i += 1
            continue
        if j == -1:
            if ch in _SINGLE and not continued:
                i += 1
                continue
            found.append((i + 1, end, False))
            break
        found.append((i + 1, j, True))
        i = j + 1
    return found
