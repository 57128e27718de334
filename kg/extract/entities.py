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
* **Titles** ("the leader", "the councillor") name the one person the document gave
  that title before ("MARGARET OKONJO, leader of …"), see
  :meth:`LinkedDoc.resolve_title`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kg.extract.mentions import Mention
from kg.extract.names import initials as _initials
from kg.ontology.schema import Ontology, load_ontology, name_key

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Entity", "LinkedDoc", "is_personal_pronoun", "link_entities"]

_MALE = {"mr", "mr.", "sir", "lord"}
_FEMALE = {"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady"}
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
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


@dataclass(eq=False)
class _Cluster:
    """The mentions of one entity, with what linking asks of them kept up to date.

    Linking asks a cluster its class, best name and where its mentions start once
    for every mention it considers joining to it; a cluster named a thousand
    times must not be read a thousand times for each, so every addition updates
    the counts these answers come from instead of the answer being recomputed.
    """

    order: int = 0
    """When the cluster was made: ties between candidates go to the older one."""
    mentions: list[Mention] = field(default_factory=list)
    _name_count: int = 0
    _best_name: Mention | None = None
    _best_any: Mention | None = None
    _names_by_cls: Counter[str] = field(default_factory=Counter)
    _all_by_cls: Counter[str] = field(default_factory=Counter)
    _first: dict[str, int] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)
    _name_starts: list[int] = field(default_factory=list)
    _cache: tuple[str, Mention, list[str]] | None = field(default=None, repr=False)
    postings: list[_Postings] = field(default_factory=list, repr=False)
    """The index entries it is filed under, which hear of each name added."""

    def add(self, mention: Mention) -> None:
        self.mentions.append(mention)
        rank = _rank(mention)
        if self._best_any is None or rank > _rank(self._best_any):
            self._best_any = mention
        if mention.kind in ("name", "demonym"):
            self._name_count += 1
            self._names_by_cls[mention.cls] += 1
            if self._best_name is None or rank > _rank(self._best_name):
                self._best_name = mention
            insort(self._name_starts, mention.start)
            for posting in self.postings:
                insort(posting.marks, (mention.start, self.order))
        self._all_by_cls[mention.cls] += 1
        self._first[mention.cls] = min(self._first.get(mention.cls, mention.start), mention.start)
        insort(self._starts, mention.start)
        self._cache = None

    def _compute(self) -> tuple[str, Mention, list[str]]:
        # The class is the most frequent among the names (or, with none, among all
        # mentions), the earliest first on a tie; a country anywhere makes a country.
        if self._cache is None:
            best = self._best_name if self._name_count else self._best_any
            assert best is not None, "a cluster is made with its first mention"
            if self._all_by_cls["Country"]:
                cls = "Country"
            else:
                counts = self._names_by_cls if self._name_count else self._all_by_cls
                cls = max(
                    (c for c, n in counts.items() if n), key=lambda c: (counts[c], -self._first[c])
                )
            self._cache = (cls, best, name_key(best.name).split())
        return self._cache

    def best(self) -> Mention:
        return self._compute()[1]

    def cls(self) -> str:
        return self._compute()[0]

    def words(self) -> list[str]:
        """The folded words of the best name."""
        return self._compute()[2]

    def name_starts(self) -> list[int]:
        return self._name_starts

    def first_start(self) -> int:
        return self._starts[0]

    def last_before(self, char: int, *, names_only: bool = False) -> int | None:
        """The start of its latest mention (or name) before ``char``, None if none is."""
        starts = self._name_starts if names_only else self._starts
        i = bisect_left(starts, char)
        return starts[i - 1] if i else None


def _rank(mention: Mention) -> tuple[int, int, int]:
    """How good a name is for the entity: most words, then longest, then earliest."""
    return (len(mention.name.split()), len(mention.name), -mention.start)


class _Postings:
    """The clusters filed under one word, and where each of their names starts.

    ``marks`` holds (start, cluster order) for every name of those clusters, sorted,
    so "the latest name before character c" is a bisection, not a scan.
    """

    __slots__ = ("clusters", "marks", "members")

    def __init__(self) -> None:
        self.clusters: list[_Cluster] = []
        self.members: set[int] = set()
        self.marks: list[tuple[int, int]] = []

    def add(self, cluster: _Cluster) -> None:
        if cluster.order in self.members:
            return
        self.members.add(cluster.order)
        self.clusters.append(cluster)
        cluster.postings.append(self)
        for start in cluster.name_starts():
            insort(self.marks, (start, cluster.order))


class _Index:
    """The clusters by the words of their best names, so that linking looks names up.

    A cluster is filed under the words of its best name when it is made and again
    whenever its best name changes (rarely: names are linked longest first); an
    entry can so be stale, and lookups check the words and the class, which can
    change as mentions join.
    """

    def __init__(self) -> None:
        self.clusters: list[_Cluster] = []
        self.first: dict[str, _Postings] = {}
        self.last: dict[str, _Postings] = {}
        self.any_word: dict[str, _Postings] = {}
        self.prefix: dict[tuple[str, ...], list[_Cluster]] = {}
        self.initials: dict[str, list[_Cluster]] = {}

    def new(self) -> _Cluster:
        cluster = _Cluster(order=len(self.clusters))
        self.clusters.append(cluster)
        return cluster

    def file(self, cluster: _Cluster) -> None:
        """Index a cluster under its words (once it has its first mention)."""
        words = cluster.words()
        if len(words) > 1:
            self.first.setdefault(words[0], _Postings()).add(cluster)
            self.last.setdefault(words[-1], _Postings()).add(cluster)
        for word in words:
            self.any_word.setdefault(word, _Postings()).add(cluster)
        for k in range(1, len(words) + 1):
            self.prefix.setdefault(tuple(words[:k]), []).append(cluster)
        self.initials.setdefault(_initials(cluster.best().name), []).append(cluster)

    def latest_before(
        self, postings: _Postings, char: int, fits: Callable[[_Cluster], bool]
    ) -> _Cluster | None:
        """Of the clusters that fit, the one with the latest name before ``char``."""
        i = bisect_left(postings.marks, (char, -1))
        while i > 0:
            i -= 1
            cluster = self.clusters[postings.marks[i][1]]
            if fits(cluster):
                return cluster
        return None


def _fitting(
    clusters: Iterable[_Cluster], fits: Callable[[_Cluster], bool], most: int
) -> list[_Cluster]:
    """Up to ``most`` distinct clusters that fit, in the order given."""
    found: list[_Cluster] = []
    for cluster in clusters:
        if cluster not in found and fits(cluster):
            found.append(cluster)
            if len(found) == most:
                break
    return found


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
    _titles: dict[str, list[tuple[int, Entity]]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for index, mention in enumerate(self.mentions):
            for i in range(mention.token_start, mention.token_end):
                self._by_token[i] = index
        # Token and Span objects are made anew on every access to a Doc; the
        # extractors walk them many times, so make them once.
        self.tokens: list[Token] = list(self.doc)
        self.sents: list[Span] = list(self.doc.sents)
        self._starts = [m.token_start for m in self.mentions]
        self._sent_starts = [s.start for s in self.sents]
        # The quotations as sorted, disjoint intervals: a character is looked up by
        # bisection, not against every quotation of the document.
        merged: list[list[int]] = []
        for start, end in sorted((s, e) for s, e in self.quoted if s < e):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._quote_starts = [s for s, _e in merged]
        self._quote_ends = [e for _s, e in merged]
        self._wholly_quoted: dict[int, bool] = {}
        self._by_key: dict[tuple[str, str], list[Entity]] | None = None
        self._people: dict[tuple[int, bool], list[tuple[Mention, Entity]]] = {}

    def entities_with_key(self, key: tuple[str, str]) -> list[Entity]:
        """The document's entities whose :attr:`Entity.key` is ``key``, in order."""
        if self._by_key is None:
            self._by_key = {}
            for entity in self.entities:
                self._by_key.setdefault(entity.key, []).append(entity)
        return self._by_key.get(key, [])

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
        if anchor is None:
            return self.resolve_title(token)
        return self.entity_at(anchor)

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

    def resolve_title(self, token: Token) -> Entity | None:
        """A bare title with "the" ("the leader", "the leader's letter"): the person
        the document gave that title earlier, when there is exactly one.

        A title is given by apposition ("X, leader of Y"; "the leader of Y, X") or
        before the name ("councillor Tom Astley"). A title with more words of its own
        ("the former leader", "the leader of Z") may be another post, so it names no one.
        """
        if token.pos_ != "NOUN" or not any(
            c.dep_ == "det" and c.lower_ == "the" for c in token.children
        ):
            return None
        if any(c.dep_ not in ("det", "case", "punct") for c in token.children):
            return None
        if self._titles is None:
            self._titles = self._given_titles()
        holders = {id(e): e for i, e in self._titles.get(token.lemma_.lower(), ()) if i < token.i}
        return next(iter(holders.values())) if len(holders) == 1 else None

    def _given_titles(self) -> dict[str, list[tuple[int, Entity]]]:
        """Each title noun's (position, person) pairs, in text order: one pass."""
        found: dict[str, list[tuple[int, Entity]]] = {}
        for token in self.tokens:
            if token.pos_ != "NOUN" or self.entity_at(token) is not None:
                continue
            holders = [token.head] if token.dep_ in ("appos", "compound") else []
            holders += [c for c in token.children if c.dep_ == "appos"]
            for holder in holders:
                entity = self.entity_at(holder)
                if entity is not None and entity.cls == "Person":
                    found.setdefault(token.lemma_.lower(), []).append((token.i, entity))
        return found

    def is_quoted(self, char: int) -> bool:
        """Whether character ``char`` is inside a quotation."""
        i = bisect_right(self._quote_starts, char)
        return i > 0 and char < self._quote_ends[i - 1]

    def sentence_index(self, token: Token) -> int:
        """The index in :attr:`sents` of the sentence a token is in."""
        return max(bisect_right(self._sent_starts, token.i) - 1, 0)

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

    def _person_mentions(self, index: int, pronoun_quoted: bool) -> list[tuple[Mention, Entity]]:
        """The people named in sentence ``index`` (not inside a quote, unless the pronoun is)."""
        key = (index, pronoun_quoted)
        cached = self._people.get(key)
        if cached is None:
            cached = self._people[key] = self._find_people(self.sents[index], pronoun_quoted)
        return cached

    def _is_wholly_quoted(self, index: int) -> bool:
        cached = self._wholly_quoted.get(index)
        if cached is None:
            sent = self.sents[index]
            cached = self._wholly_quoted[index] = all(
                self.is_quoted(t.idx) for t in sent if not t.is_space
            )
        return cached

    def _find_people(self, sent: Span, pronoun_quoted: bool) -> list[tuple[Mention, Entity]]:
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
        here = self.sentence_index(token)
        previous = [
            i
            for i in range(here - 1, max(0, here - 6) - 1, -1)
            if pronoun_quoted or not self._is_wholly_quoted(i)
        ][:3]
        for i in previous:
            subjects = [e for m, e in self._person_mentions(i, pronoun_quoted) if subject_of(m)]
            subjects = [e for e in subjects if fits(e)]
            if subjects:
                return subjects[0]
        for i in previous[:2]:
            named = [e for _m, e in self._person_mentions(i, pronoun_quoted) if fits(e)]
            if named:
                return named[-1]
        return None


def _find_person(index: _Index, mention: Mention) -> _Cluster | None:
    # Called while only names are linked, so a cluster's names are all its mentions:
    # the latest name before the mention is its latest mention before it.
    word = name_key(mention.name)
    for position, by_word in ((-1, index.last), (0, index.first)):  # surname, then first name
        postings = by_word.get(word)
        if postings is None:
            continue

        def fits(c: _Cluster, position: int = position) -> bool:
            return c.cls() == "Person" and len(c.words()) > 1 and c.words()[position] == word

        found = _fitting(postings.clusters, fits, 2)
        if len(found) == 1:
            return found[0]
        if found:  # several: the one named most recently before, if any was
            latest = index.latest_before(postings, mention.start, fits)
            if latest is not None:
                return latest
    return None


def _find_org(index: _Index, mention: Mention) -> _Cluster | None:
    text = mention.name
    if text.isupper() and len(text) >= 2:
        acronym = text.replace(".", "")
        found = _fitting(
            index.initials.get(acronym, ()),
            lambda c: c.cls() == "Organization" and _initials(c.best().name) == acronym,
            2,
        )
        if len(found) == 1:
            return found[0]
    words = name_key(text).split()
    found = _fitting(
        index.prefix.get(tuple(words), ()),
        lambda c: c.cls() == "Organization" and c.words()[: len(words)] == words,
        2,
    )
    return found[0] if len(found) == 1 else None


def _by_ending(index: _Index, ending: str, before: int) -> _Cluster | None:
    """The organisation named most recently before ``before`` that ``ending`` refers to.

    Its name ends with the words of ``ending`` ("the county council" → "Essex County
    Council"); a one-word ``ending`` may stand anywhere in the name ("Police" →
    "Millford Police Department"). With none named before, the first made.
    """
    words = name_key(ending).split()
    if not words:
        return None

    def fits(c: _Cluster) -> bool:
        name = c.words()
        if c.cls() != "Organization" or len(name) <= len(words):
            return False
        if len(words) == 1:
            return words[0] in name
        return name[-len(words) :] == words

    postings = (index.any_word if len(words) == 1 else index.last).get(words[-1])
    if postings is None:
        return None
    latest = index.latest_before(postings, before, fits)
    if latest is not None:
        return latest
    found = [c for c in postings.clusters if fits(c)]
    return min(found, key=lambda c: c.order) if found else None


def classes_from_document(mentions: Sequence[Mention], onto: Ontology) -> Sequence[Mention]:
    """Retype names the model took for people when the document says what they are.

    * A lone word is a place when it names a local council: "Hexley's new bus
      station" beside "Hexley Borough Council" (a name, then a place noun such as
      borough, county or city), unless a person is named with that word in a longer name.
    * A name is a firm's short form when the document also names the firm as that
      name plus a company head ("Calder Rail" beside "Calder Rail Holdings" or
      "Calder Rail plc"): the model often reads a two-word firm name as a person's.
    """
    places: set[str] = set()
    person_words: set[str] = set()
    firms: set[str] = set()
    for m in mentions:
        words = name_key(m.name).split()
        if m.kind != "name":
            continue
        if m.cls == "Organization" and len(words) >= 3 and words[1] in onto.place_nouns:
            places.add(words[0])
        if m.cls == "Organization" and len(words) >= 3 and _company_head(m.name, onto):
            firms.add(" ".join(words[:-1]))
        elif m.cls == "Person" and len(words) > 1:
            person_words.update(words)
    places -= person_words
    if not places and not firms:
        return mentions
    out = list(mentions)
    for index, m in enumerate(mentions):
        if m.kind != "name" or m.cls != "Person" or m.honorific is not None:
            continue
        key = name_key(m.name)
        if key in places:
            out[index] = replace(m, cls="Place")
        elif key in firms:
            out[index] = replace(m, cls="Organization")
    return out


def _company_head(name: str, onto: Ontology) -> bool:
    """Whether a name ends with a company's head word: Holdings, Group, plc, Ltd."""
    last = name.split()[-1]
    return last in _COMPANY_HEADS or (
        onto.name_heads.get(last) == "Organization" and last.rstrip(".").lower() in _COMPANY_HEADS
    )


_COMPANY_HEADS = frozenset(
    {"Holdings", "Group", "plc", "PLC", "ltd", "Ltd", "Inc", "inc", "corp", "co", "llc", "company"}
)


def link_entities(
    doc: Doc,
    mentions: Sequence[Mention],
    ontology: Ontology | None = None,
    *,
    quoted: Sequence[tuple[int, int]] = (),
) -> LinkedDoc:
    """Cluster a document's mentions into entities (see the module docstring for the rules).

    Candidates are looked up in an index of the clusters by their words (see
    :class:`_Index`), not by reading every cluster for every mention, so a long
    document costs time in proportion to its length.
    """
    onto = ontology or load_ontology()
    mentions = classes_from_document(mentions, onto)
    index = _Index()
    by_key: dict[str, _Cluster] = {}
    owner: dict[int, _Cluster] = {}

    def join(cluster: _Cluster, mention: Mention) -> None:
        best = cluster.best() if cluster.mentions else None
        cluster.add(mention)
        if cluster.best() is not best:  # filed anew under its new name's words
            index.file(cluster)

    names = [(i, m) for i, m in enumerate(mentions) if m.kind in ("name", "demonym")]
    names.sort(key=lambda im: (-len(im[1].name.split()), im[1].start))
    for i, mention in names:
        key = name_key(mention.name)
        cluster = by_key.get(key)
        one_word = len(key.split()) == 1
        if cluster is None and one_word and mention.cls == "Person":
            cluster = _find_person(index, mention)
        if cluster is None and mention.cls == "Organization":
            cluster = _find_org(index, mention)
        if cluster is None and one_word and mention.cls != "Person" and onto.place(key) is None:
            # "Lincoln" tagged as an organisation after "Abraham Lincoln": a person's
            # surname is that person, whatever the model made of the word alone.
            cluster = _find_person(index, mention)
        if cluster is None:
            cluster = index.new()
            by_key[key] = cluster
        join(cluster, mention)
        owner[i] = cluster
    metonyms = {name_key(p): e for p, e in reversed(onto.metonyms)}
    for i, mention in enumerate(mentions):
        if mention.kind == "generic":
            words = [w for w in mention.name.split() if w.lower() != "the"]
            found = _by_ending(index, " ".join(words), mention.start)
        elif mention.kind == "metonym":
            found = _by_ending(index, metonyms[name_key(mention.name)], mention.start)
            if found is None:
                found = by_key.get(name_key(mention.name))
                if found is None:
                    found = by_key[name_key(mention.name)] = index.new()
        else:
            continue
        if found is not None:
            join(found, mention)
            owner[i] = found

    entities: list[Entity] = []
    position: dict[int, int] = {}
    for cluster in sorted(index.clusters, key=lambda c: c.first_start()):
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
