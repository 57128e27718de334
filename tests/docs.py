"""Hand-built spaCy Docs for tests: words, heads, deps, POS, lemmas and entities, no model.

Most tests write a Doc as a small table, one token a row::

    index  word  head  dep  pos  [lemma]  [ent]

``head`` is the absolute index of the token's head (a root is its own head), ``lemma``
``-`` (or left out) means the word itself, and ``ent`` is an IOB tag (``O`` when left
out). ``\\n`` in a word is a newline, so a paragraph break is the row
``5  \\n\\n  4  dep  SPACE``. Spaces between words are guessed as a reporter types:
none before ``. , : ; 's ” ?`` and none after ``“``; pass ``spaces=`` where that guess
is wrong.

>>> doc = table('''
...     0  Ada     1  nsubj  PROPN  -    B-PERSON
...     1  smiled  1  ROOT   VERB   smile
...     2  .       1  punct  PUNCT
... ''')
>>> doc.text, [(e.text, e.label_) for e in doc.ents], doc[1].lemma_
('Ada smiled.', [('Ada', 'PERSON')], 'smile')
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import spacy
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic
from spacy.tokens import Doc

__all__ = ["VOCAB", "guess_spaces", "make_doc", "table"]

VOCAB = spacy.blank("en").vocab
"""The English vocab, so that is_title, is_alpha, like_num and friends work."""

_NO_SPACE_BEFORE = {".", ",", ":", ";", "'s", "’s", "'", "’", "”", "?", "!", ")"}
_NO_SPACE_AFTER = {"“", "("}


def guess_spaces(words: Sequence[str]) -> list[bool]:
    """Whether each word is followed by a space, as English copy is usually typed.

    Straight double quotes alternate between opening and closing.

    >>> guess_spaces(["He", "said", ":", '"', "Go", '"', "."])
    [True, False, True, False, False, False, False]
    """
    spaces = []
    straight_open = False
    opening = []
    for word in words:
        if word == '"':
            straight_open = not straight_open
            opening.append(straight_open)
        else:
            opening.append(False)
    for i, word in enumerate(words):
        if i == len(words) - 1 or word.isspace():
            spaces.append(False)
            continue
        after = words[i + 1]
        space = not (
            word in _NO_SPACE_AFTER
            or opening[i]
            or after.isspace()
            or after in _NO_SPACE_BEFORE
            or (after == '"' and not opening[i + 1])
        )
        spaces.append(space)
    return spaces


def make_doc(
    words: Sequence[str],
    heads: Sequence[int],
    deps: Sequence[str],
    pos: Sequence[str],
    lemmas: Sequence[str] | None = None,
    ents: Sequence[str] | None = None,
    spaces: Sequence[bool] | None = None,
) -> Doc:
    """A parsed, tagged Doc; heads are absolute token indices, sentences come from the parse."""
    n = len(words)
    for name, values in (("heads", heads), ("deps", deps), ("pos", pos)):
        if len(values) != n:
            raise ValueError(f"{name}: {len(values)} values for {n} words")
    return Doc(
        VOCAB,
        words=list(words),
        spaces=list(spaces) if spaces is not None else guess_spaces(words),
        heads=list(heads),
        deps=list(deps),
        pos=list(pos),
        lemmas=list(lemmas) if lemmas is not None else list(words),
        ents=list(ents) if ents is not None else ["O"] * n,
    )


def table(rows: str, spaces: Sequence[bool] | None = None) -> Doc:
    """A Doc from a table of ``index word head dep pos [lemma] [ent]`` rows (see above)."""
    words: list[str] = []
    heads: list[int] = []
    deps: list[str] = []
    pos: list[str] = []
    lemmas: list[str] = []
    ents: list[str] = []
    for line in rows.strip().splitlines():
        cells = line.split()
        if not cells:
            continue
        if len(cells) < 5 or len(cells) > 7:
            raise ValueError(f"expected 5 to 7 cells: {line!r}")
        index, word, head, dep, tag, *rest = cells
        if int(index) != len(words):
            raise ValueError(f"row {len(words)} is numbered {index}: {line!r}")
        word = word.replace("\\n", "\n")
        lemma = rest[0] if rest and rest[0] != "-" else word
        words.append(word)
        heads.append(int(head))
        deps.append(dep)
        pos.append(tag)
        lemmas.append(lemma)
        ents.append(rest[1] if len(rest) > 1 else "O")
    return make_doc(words, heads, deps, pos, lemmas, ents, spaces)


def assert_isomorphic(a: Graph, b: Graph) -> None:
    """Fail with both sides' differing triples when two graphs are not isomorphic."""
    if not isomorphic(a, b):
        _both, first, second = graph_diff(a, b)
        pytest.fail(
            "graphs differ:\n"
            + first.serialize(format="nt")
            + "---\n"
            + second.serialize(format="nt")
        )
