"""Relation extractors, registered by versioned name.

Each extractor is a small generator over one sentence of a
:class:`~kg.extract.entities.LinkedDoc` that yields :class:`~kg.extract.relations.base.Candidate`
relations; extractors never touch rdflib. Registrations sit here, in one place.

>>> sorted(EXTRACTORS)
['kg.datelines.v1', 'kg.links.v1', 'kg.nominal.v1', 'kg.roles.v1', 'kg.verbs.v1']
>>> get_extractor("kg.nope.v1")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.errors.KGError: unknown extractor 'kg.nope.v1'. Available names: kg.datelines.v1, ...
"""

from __future__ import annotations

from kg.errors import KGError
from kg.extract.relations import datelines, links, nominal, roles, verbs
from kg.extract.relations.base import Candidate, Extractor

__all__ = ["EXTRACTORS", "Candidate", "Extractor", "get_extractor"]

EXTRACTORS: dict[str, Extractor] = {
    verbs.NAME: verbs.extract,
    nominal.NAME: nominal.extract,
    roles.NAME: roles.extract,
    links.NAME: links.extract,
    datelines.NAME: datelines.extract,
}


def get_extractor(name: str) -> Extractor:
    """The extractor registered under ``name``."""
    try:
        return EXTRACTORS[name]
    except KeyError:
        available = ", ".join(sorted(EXTRACTORS))
        raise KGError(f"unknown extractor {name!r}. Available names: {available}") from None
