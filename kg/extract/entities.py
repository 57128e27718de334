"""Mentions → entities: every name of one thing in a document becomes one entity.

Rules, applied per document (across documents, entities with the same class and
canonical name are one node; see :func:`kg.rdf.triples.entity_iri`):

* **Full names first.** Mentions are clustered longest name first, so a short form
  finds the full name it abbreviates.
* **People by surname or first name.** A one-word person name joins the person whose
  last name it is ("Mr Russell" → Bob Russell), else whose first name it is
  ("Sir Bob" → Bob Russell); if several fit, the one named most recently before it.
* **A surname is its person whatever the model tagged.** A one-word name tagged as
  an organisation or a place (not one the gazetteer knows) joins the person whose
  surname or first name it is ("Lincoln" after "Abraham Lincoln").
* **Every name takes its entity's class**, so a mention the model mis-tagged in one
  sentence is typed as the entity it was linked to.
* **Organisations by acronym or prefix.** "EU" joins "European Union"; "Kitano" joins
  "Kitano Robotics" when that is the only organisation it begins.
* **Generic names** ("the Council", "the county council") join the organisation
  named earlier whose name ends with the same words; unresolved ones are dropped,
  since "the Government" alone does not say which.
* **Metonyms** from the ontology ("County Hall") join the organisation whose name
  ends as the ontology says ("… County Council").
* **Pronouns** (he, she, him, her, his) resolve by a documented heuristic, see
  :meth:`LinkedDoc.resolve_pronoun`. spaCy 3.8 has no offline coreference model.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kg.extract.mentions import Mention
from kg.ontology.schema import Ontology, load_ontology, name_key

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Entity", "LinkedDoc", "is_personal_pronoun", "link_entities"]

_MALE = {"mr", "mr.", "sir", "lord"}
_FEMALE = {"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady"}
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_ACRONYM_SKIP = {"of", "the", "and", "for", "&", "de", "la"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_RELATIVE = {"which", "who", "that", "whom"}


def is_personal_pronoun(token: Token) -> bool:
    """he, she, him, her, his: the words whose antecedent kg has to guess."""
    return token.lower_ in _PRONOUN_GENDER


@dataclass(frozen=True, slots=True)
class Entity:
    """One thing named in a document: its class, canonical name and the other names it had."""

    cls: str
    name: str
    aliases: tuple[str, ...] = ()
    honorifics: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        """What makes two entities one node across documents."""
        return (self.cls, name_key(self.name))

    @property
    def gender(self) -> str | None:
        """'m' or 'f' when an honorific says so; used only to filter pronoun antecedents."""
        folded = {h.lower() for h in self.honorifics}
        if folded & _MALE and not folded & _FEMALE:
            return "m"
        if folded & _FEMALE and not folded & _MALE:
            return "f"
        return None


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


@dataclass
class LinkedDoc:
    """A parsed document with its mentions linked to entities; the input of every extractor."""

    doc: Doc
    mentions: list[Mention]
    entities: list[Entity]
    mention_entity: list[int | None]
    quoted: Sequence[tuple[int, int]] = ()
    place_nouns: frozenset[str] = frozenset()
    _by_token: dict[int, int] = field(default_factory=dict, repr=False)
    _pronouns: dict[int, Entity | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for index, mention in enumerate(self.mentions):
            for i in range(mention.token_start, mention.token_end):
                self._by_token[i] = index
        # Token and Span objects are made anew on every access to a Doc; the
        # extractors walk them many times, so make them once.
        self.tokens: list[Token] = list(self.doc)
        self.sents: list[Span] = list(self.doc.sents)
        self._starts = [m.token_start for m in self.mentions]

    def mentions_in(self, sent: Span) -> range:
        """Indices of the mentions that start inside ``sent`` (mentions are in text order)."""
        return range(bisect_left(self._starts, sent.start), bisect_left(self._starts, sent.end))

    def mention_at(self, token: Token) -> Mention | None:
        index = self._by_token.get(token.i)
        return None if index is None else self.mentions[index]

    def entity_at(self, token: Token) -> Entity | None:
        """The entity a token is part of the name of (no pronouns)."""
        index = self._by_token.get(token.i)
        if index is None:
            return None
        entity = self.mention_entity[index]
        return None if entity is None else self.entities[entity]

    def entity_for(self, token: Token) -> Entity | None:
        """The entity a syntactic argument refers to (see :meth:`anchor`), or None."""
        if token.lower_ in _PRONOUN_GENDER and self.entity_at(token) is None:
            return self.resolve_pronoun(token)
        anchor = self.anchor(token)
        return None if anchor is None else self.entity_at(anchor)

    def anchor(self, token: Token) -> Token | None:
        """The token that names what a syntactic argument refers to.

        The token itself when it is part of a name; for a relative pronoun, the noun
        its clause modifies ("Acme, which is based in …"), or the name that noun is
        in apposition to ("Derwinski, a Republican who served in …"); for a place noun, its
        place ("the city of Lyon", "Jiangsu province" when only "Jiangsu" is the name);
        for a noun, a name in apposition ("the firm, Acme"). Pronouns anchor to
        themselves; :meth:`entity_for` resolves them.
        """
        if self.entity_at(token) is not None or token.lower_ in _PRONOUN_GENDER:
            return token
        if (
            token.lower_ in _RELATIVE
            and token.head.dep_ == "relcl"
            and token.head.head.i != token.i
        ):
            noun = token.head.head
            if self.entity_at(noun) is None and noun.dep_ == "appos":
                noun = noun.head  # "Derwinski, a Republican who served …": Derwinski
            return noun if self.entity_at(noun) is not None else None
        for child in token.children:
            if child.dep_ == "appos" and self.entity_at(child) is not None:
                return child
            if (
                child.dep_ == "compound"
                and token.lower_ in self.place_nouns
                and child.i == token.i - 1
                and (entity := self.entity_at(child)) is not None
                and entity.cls != "Person"
            ):
                return child
            if child.dep_ == "prep" and child.lower_ == "of" and token.lower_ in self.place_nouns:
                for pobj in child.children:
                    entity = self.entity_at(pobj)
                    if pobj.dep_ == "pobj" and entity is not None and entity.cls != "Person":
                        return pobj
        return None

    def is_quoted(self, char: int) -> bool:
        return any(start <= char < end for start, end in self.quoted)

    def resolve_pronoun(self, token: Token) -> Entity | None:
        """Resolve he/she/him/her/his to a person, or None when it is not clear.

        1. In the same sentence, the person who is the subject of a verb that
           governs the pronoun ("Sir Bob said he was …").
        2. Else, looking back at most three sentences (skipping sentences wholly
           inside quotation marks), the person who was the grammatical subject of
           the nearest sentence that has one ("Mr Finch told Sir Bob …. He added:").
        3. Else the nearest person named in the previous two sentences.
        Candidates must agree in gender when an honorific gives one; a person named
        inside a quote is never the antecedent of a pronoun outside it.
        """
        if token.i in self._pronouns:
            return self._pronouns[token.i]
        result = self._resolve(token)
        self._pronouns[token.i] = result
        return result

    def _person_mentions(self, sent: Span, pronoun_quoted: bool) -> list[tuple[Mention, Entity]]:
        found = []
        for index in sorted({self._by_token[t.i] for t in sent if t.i in self._by_token}):
            entity_index = self.mention_entity[index]
            mention = self.mentions[index]
            if entity_index is None or self.entities[entity_index].cls != "Person":
                continue
            if self.is_quoted(mention.start) and not pronoun_quoted:
                continue
            found.append((mention, self.entities[entity_index]))
        return found

    def _resolve(self, token: Token) -> Entity | None:
        gender = _PRONOUN_GENDER[token.lower_]
        pronoun_quoted = self.is_quoted(token.idx)

        def fits(entity: Entity) -> bool:
            return entity.gender in (None, gender)

        def subject_of(mention: Mention) -> bool:
            root = self.doc[mention.token_end - 1]
            return root.dep_ in _SUBJECT_DEPS

        for ancestor in token.ancestors:
            for child in ancestor.children:
                if child.dep_ in _SUBJECT_DEPS and child.i < token.i:
                    entity = self.entity_at(child)
                    if entity is not None and entity.cls == "Person" and fits(entity):
                        return entity
        sents = self.sents
        here = next((i for i, s in enumerate(sents) if s.start <= token.i < s.end), 0)
        previous = [
            s
            for s in reversed(sents[max(0, here - 6) : here])
            if pronoun_quoted or not all(self.is_quoted(t.idx) for t in s if not t.is_space)
        ][:3]
        for sent in previous:
            subjects = [e for m, e in self._person_mentions(sent, pronoun_quoted) if subject_of(m)]
            subjects = [e for e in subjects if fits(e)]
            if subjects:
                return subjects[0]
        for sent in previous[:2]:
            named = [e for _m, e in self._person_mentions(sent, pronoun_quoted) if fits(e)]
            if named:
                return named[-1]
        return None


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


def link_entities(
    doc: Doc,
    mentions: Sequence[Mention],
    ontology: Ontology | None = None,
    *,
    quoted: Sequence[tuple[int, int]] = (),
) -> LinkedDoc:
    """Cluster a document's mentions into entities (see the module docstring for the rules)."""
    onto = ontology or load_ontology()
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
    return LinkedDoc(
        doc, _retyped(mentions, owner), entities, mention_entity, quoted, onto.place_nouns
    )


def _retyped(mentions: Sequence[Mention], owner: dict[int, _Cluster]) -> list[Mention]:
    """Every name of an entity takes the entity's class.

    The model tags each mention by its context, so "Lincoln" can be a person in one
    sentence and an organisation in the next; once the names are linked, the
    entity's class (see :meth:`_Cluster.cls`) is the better guess for each of them.
    """
    out = list(mentions)
    for index, mention in enumerate(mentions):
        cluster = owner.get(index)
        if cluster is None or mention.kind != "name":
            continue
        cls = cluster.cls()
        if cls != mention.cls and not (cls == "Country" and mention.cls == "Place"):
            out[index] = replace(mention, cls=cls)
    return out
