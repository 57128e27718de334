"""Datelines: "SEOUL, South Korea (AP) —" says where a news organisation filed from.

A report that opens with places, perhaps a date, and then a news organisation,
alone or in brackets, before a dash or the end of the line ("DAYTON, Ohio (AP) _",
"Moscow, 25 April (TASS) --", "Beijing XINHUA in English") was filed by that
organisation from those places. The property is the one the ontology declares
for news organisations and places with ``kg:datelineHint`` (kg:reportedFrom).

It is not where the organisation is based: the Associated Press files from
everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.extract.entities import LinkedDoc
from kg.extract.relations.base import Candidate, emit
from kg.ontology.schema import Ontology

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["NAME", "extract"]

NAME = "kg.datelines.v1"
CONFIDENCE = 0.8

_DASHES = {"--", "-", "_", "—", "–", ":"}
_FILLER = {",", "(", ")"}


def _is_date(token: Token) -> bool:
    return token.ent_type_ in ("DATE", "TIME") or token.like_num


def extract(sent: Span, linked: LinkedDoc, onto: Ontology) -> Iterator[Candidate]:
    predicate = onto.dateline_predicate
    if predicate is None:
        return
    tokens = linked.tokens
    i = sent.start
    if tokens[i].text == "(":  # "(Text) Moscow …": an editor's label first
        while i < sent.end and tokens[i].text != ")":
            i += 1
        i += 1
    places: list[Token] = []
    while i < sent.end:
        token = tokens[i]
        mention = linked.mention_at(token)
        entity = linked.entity_at(token)
        if mention is not None and entity is not None and mention.kind == "name":
            if onto.is_subclass(entity.cls, "Place"):
                places.append(token)
                i = mention.token_end
                continue
            if places and onto.is_subclass(entity.cls, "Organization"):
                after = mention.token_end
                if after < sent.end and tokens[after].text == ")":
                    after += 1
                ends = after >= sent.end or "\n" in tokens[after - 1].whitespace_
                nxt = tokens[after] if after < sent.end else None
                closes = nxt is not None and (
                    nxt.text in _DASHES
                    or (nxt.lower_ == "in" and after + 1 < sent.end
                        and tokens[after + 1].ent_type_ == "LANGUAGE")
                )  # fmt: skip
                if ends or closes:
                    seen: set[tuple[str, str]] = set()
                    for place_token in places:
                        place = linked.entity_at(place_token)
                        if place is None or place.key in seen:
                            continue
                        seen.add(place.key)
                        yield from emit(
                            linked, onto, sent, entity, predicate, place,
                            [place_token, token], NAME, CONFIDENCE,
                        )  # fmt: skip
            return
        if token.text in _FILLER or _is_date(token) or token.is_space:
            i += 1
            continue
        return
