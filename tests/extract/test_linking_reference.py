"""Linking by index gives what linking by scanning gave, on any list of mentions.

The reference below is kg's linking before it kept indexes (every cluster read for
every mention: time in the square of the document's length), kept here as the
oracle: hypothesis makes mention lists full of shared first names, surnames,
acronyms, generic names and metonyms, and both must link them alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from docs import VOCAB
from kg.extract.entities import Entity, classes_from_document, link_entities
from kg.extract.mentions import Mention
from kg.extract.names import ACRONYM_SKIP as _ACRONYM_SKIP
from kg.ontology.schema import Ontology, load_ontology, name_key

ONTOLOGY = load_ontology()


@dataclass
class _Cluster:
    """The mentions of one entity; its class and best name are cached between additions."""

    mentions: list[Mention] = field(default_factory=list)
    _cache: tuple[str, Mention, list[str]] | None = field(default=None, repr=False)

    def add(self, mention: Mention) -> None:
        self.mentions.append(mention)
        self._cache = None

    @property
    def names(self) -> list[Mention]:
        return [m for m in self.mentions if m.kind in ("name", "demonym")]

    def _compute(self) -> tuple[str, Mention, list[str]]:
        if self._cache is None:
            named = self.names or self.mentions
            best = max(named, key=lambda m: (len(m.name.split()), len(m.name), -m.start))
            if any(m.cls == "Country" for m in self.mentions):
                cls = "Country"
            else:
                counts = Counter(m.cls for m in named)
                first = {c: min(m.start for m in self.mentions if m.cls == c) for c in counts}
                cls = max(counts, key=lambda c: (counts[c], -first[c]))
            self._cache = (cls, best, name_key(best.name).split())
        return self._cache

    def best(self) -> Mention:
        return self._compute()[1]

    def cls(self) -> str:
        return self._compute()[0]

    def words(self) -> list[str]:
        """The folded words of the best name."""
        return self._compute()[2]


def _initials(name: str) -> str:
    return "".join(
        w[0] for w in name.split() if w.lower() not in _ACRONYM_SKIP and w[:1].isalpha()
    ).upper()


def _find_person(clusters: list[_Cluster], mention: Mention) -> _Cluster | None:
    word = name_key(mention.name)
    people = [c for c in clusters if c.cls() == "Person" and len(c.words()) > 1]
    for position in (-1, 0):  # surname first, then first name
        fits = [c for c in people if c.words()[position] == word]
        if len(fits) == 1:
            return fits[0]
        if fits:
            before = [c for c in fits if any(m.start < mention.start for m in c.mentions)]
            if before:
                return max(
                    before,
                    key=lambda c: max(m.start for m in c.mentions if m.start < mention.start),
                )
    return None


def _find_org(clusters: list[_Cluster], mention: Mention) -> _Cluster | None:
    orgs = [c for c in clusters if c.cls() == "Organization"]
    text = mention.name
    if text.isupper() and len(text) >= 2:
        fits = [c for c in orgs if _initials(c.best().name) == text.replace(".", "")]
        if len(fits) == 1:
            return fits[0]
    words = name_key(text).split()
    fits = [c for c in orgs if c.words()[: len(words)] == words]
    return fits[0] if len(fits) == 1 else None


def _by_ending(clusters: list[_Cluster], ending: str, before: int) -> _Cluster | None:
    """The organisation named most recently before ``before`` that ``ending`` refers to.

    Its name ends with the words of ``ending`` ("the county council" → "Essex County
    Council"); a one-word ``ending`` may stand anywhere in the name ("Police" →
    "Millford Police Department").
    """
    words = name_key(ending).split()

    def refers_to(name: list[str]) -> bool:
        if len(name) <= len(words):
            return False
        if len(words) == 1:
            return words[0] in name
        return name[-len(words) :] == words

    fits = [c for c in clusters if c.cls() == "Organization" and refers_to(c.words())]
    if not fits:
        return None
    earlier = [c for c in fits if any(m.start < before for m in c.names)]
    pool = earlier or fits
    return max(pool, key=lambda c: max((m.start for m in c.names if m.start < before), default=-1))


def reference_link(
    doc: Doc,
    mentions: Sequence[Mention],
    ontology: Ontology | None = None,
    *,
    quoted: Sequence[tuple[int, int]] = (),
) -> tuple[list[Entity], list[int | None]]:
    """The linking of kg 0.x, scanning every cluster for every mention.

    The retyping of council places before clustering is not about lookup, so the
    reference takes it from kg as it is.
    """
    onto = ontology or load_ontology()
    mentions = classes_from_document(mentions, onto)
    clusters: list[_Cluster] = []
    by_key: dict[str, _Cluster] = {}
    owner: dict[int, _Cluster] = {}
    names = [(i, m) for i, m in enumerate(mentions) if m.kind in ("name", "demonym")]
    names.sort(key=lambda im: (-len(im[1].name.split()), im[1].start))
    for index, mention in names:
        key = name_key(mention.name)
        cluster = by_key.get(key)
        one_word = len(key.split()) == 1
        if cluster is None and one_word and mention.cls == "Person":
            cluster = _find_person(clusters, mention)
        if cluster is None and mention.cls == "Organization":
            cluster = _find_org(clusters, mention)
        if cluster is None and one_word and mention.cls != "Person" and onto.place(key) is None:
            # "Lincoln" tagged as an organisation after "Abraham Lincoln": a person's
            # surname is that person, whatever the model made of the word alone.
            cluster = _find_person(clusters, mention)
        if cluster is None:
            cluster = _Cluster()
            clusters.append(cluster)
            by_key[key] = cluster
        cluster.add(mention)
        owner[index] = cluster
    for index, mention in enumerate(mentions):
        if mention.kind == "generic":
            words = [w for w in mention.name.split() if w.lower() != "the"]
            cluster = _by_ending(clusters, " ".join(words), mention.start)
        elif mention.kind == "metonym":
            ending = next(e for p, e in onto.metonyms if name_key(p) == name_key(mention.name))
            cluster = _by_ending(clusters, ending, mention.start)
            if cluster is None:
                cluster = by_key.get(name_key(mention.name))
                if cluster is None:
                    cluster = by_key[name_key(mention.name)] = _Cluster()
                    clusters.append(cluster)
        else:
            continue
        if cluster is not None:
            cluster.add(mention)
            owner[index] = cluster

    entities: list[Entity] = []
    position: dict[int, int] = {}
    for cluster in sorted(clusters, key=lambda c: min(m.start for m in c.mentions)):
        best = cluster.best()
        aliases = sorted(
            {m.surface for m in cluster.mentions if m.kind in ("name", "metonym")}
            | {m.name for m in cluster.mentions if m.kind == "name"}
        )
        honorifics = sorted({m.honorific for m in cluster.mentions if m.honorific})
        position[id(cluster)] = len(entities)
        entities.append(
            Entity(
                cls=cluster.cls(),
                name=best.name,
                aliases=tuple(a for a in aliases if a != best.name),
                honorifics=tuple(honorifics),
            )
        )
    mention_entity = [position[id(owner[i])] if i in owner else None for i in range(len(mentions))]
    return entities, mention_entity


# ---------------------------------------------------------------------- the property

_PHRASE, _ENDING = ONTOLOGY.metonyms[0]
_FIRST = ["Ann", "Bob", "ANN"]
_LAST = ["Lee", "Reed", "Lincoln"]
_ORG = ["Acme", "Council", "Police", "Bank", "County"]
_names = st.one_of(
    st.builds(
        lambda f, s: (f"{f} {s}", "Person", "name"), st.sampled_from(_FIRST), st.sampled_from(_LAST)
    ),
    st.builds(lambda w: (w, "Person", "name"), st.sampled_from(_FIRST + _LAST)),
    st.builds(
        lambda w, c: (w, c, "name"),
        st.sampled_from(_LAST + _ORG + ["AC", "ACP", "U.N."]),
        st.sampled_from(["Organization", "Place", "Person"]),
    ),
    st.builds(
        lambda ws: (" ".join(ws), "Organization", "name"),
        st.lists(st.sampled_from(_ORG + _LAST), min_size=2, max_size=3),
    ),
    st.builds(
        lambda ws: ("the " + " ".join(ws), "Organization", "generic"),
        st.lists(st.sampled_from(["council", "police", "bank", "county"]), min_size=1, max_size=2),
    ),
    st.just((_PHRASE, "Organization", "metonym")),
    st.just(("China", "Country", "name")),
)


def _doc_and_mentions(drawn: Sequence[tuple[str, str, str]]) -> tuple[Doc, list[Mention]]:
    """A Doc of one word per mention (its whole name as one token), in sentences of three."""
    words = [name for name, _cls, _kind in drawn]
    doc = Doc(VOCAB, words=words, sent_starts=[i % 3 == 0 for i in range(len(words))])
    mentions = [
        Mention(
            start=token.idx,
            end=token.idx + len(token.text),
            text=token.text,
            name=token.text,
            cls=cls,
            kind=kind,  # type: ignore[arg-type]
            honorific="Mr" if i % 4 == 0 and cls == "Person" else None,
            token_start=i,
            token_end=i + 1,
        )
        for i, (token, (_name, cls, kind)) in enumerate(zip(doc, drawn, strict=True))
    ]
    return doc, mentions


@settings(max_examples=400, deadline=None)
@given(st.lists(_names, min_size=1, max_size=40))
def test_indexed_linking_is_the_reference_linking(drawn: list[tuple[str, str, str]]) -> None:
    doc, mentions = _doc_and_mentions(drawn)
    linked = link_entities(doc, mentions, ONTOLOGY)
    entities, mention_entity = reference_link(doc, mentions, ONTOLOGY)
    assert linked.entities == entities
    assert linked.mention_entity == mention_entity


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=8),
    st.integers(-1, 62),
)
def test_is_quoted_is_any_quotation_holding_the_character(
    spans: list[tuple[int, int]], char: int
) -> None:
    # Quotations as given, unsorted and overlapping: looked up by bisection all the same.
    doc, mentions = _doc_and_mentions([("Ann Lee", "Person", "name")] * 3)
    linked = link_entities(doc, mentions, ONTOLOGY, quoted=spans)
    assert linked.is_quoted(char) == any(s <= char < e for s, e in spans)
