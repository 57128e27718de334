"""Verb-mediated relations: "X wrote to Y", "X told Y", "Y was criticised by X".

For each verb whose lemma has a ``kg:verbHint``: the subjects are its ``nsubj``
(or, for a verb coordinated with an earlier one, that verb's subject: "X met Y and
praised Z"); the objects are the ``pobj`` of the hinted preposition, or the direct
object (``dobj``, ``dative``, and for "tell" a bare noun the parser calls
``npadvmod``: "told Sir Bob the …"). In the passive, ``nsubjpass`` is the object
and the ``agent`` "by" phrase the subject, except with a hinted preposition, where
``nsubjpass`` stays the subject ("Y was born in X"); a participle modifying a noun
takes that noun as subject ("Huawei, based in Shenzhen"), and a passive one that noun as
object and its "by" phrase as subject ("Y, now owned by X"). Subjects and objects expand over
conjunctions. Negated and modal verbs assert nothing and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.extract.entities import LinkedDoc, is_personal_pronoun
from kg.extract.relations.base import Candidate, conjuncts, controllers, emit, is_asserted, subjects
from kg.ontology.schema import Ontology

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["NAME", "extract"]

NAME = "kg.verbs.v1"
CONFIDENCE = 0.85
_OBJECT_DEPS = {"dobj", "dative", "iobj", "npadvmod", "attr"}


def _outcome(verb: Token, onto: Ontology) -> str | None:
    """The property a result word on the verb signals: "shot dead", "beaten to death"."""
    words = [c for c in verb.children if c.dep_ in ("advmod", "acomp", "oprd", "prep", "dobj")]
    words += [g for c in words if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    for word in words:
        if word.dep_ != "prep" and (predicate := onto.result_predicate(word.lower_)):
            return predicate
    return None


def _verdict(
    verb: Token, active: list[Token], sent: Span, linked: LinkedDoc, onto: Ontology
) -> Iterator[Candidate]:
    """A verdict on Y: "X called Y's letter bizarre", "X described Y as inspiring".

    The verdict word is the verb's complement (or its "as" object); what it judges is
    the verb's object, or the noun the parser makes the verdict's subject, and the
    entity is that noun or its owner ("Y's letter", "his plan" resolved to Y).
    """
    # the parser may take the verdict for the object: "branded [Acme] incompetent"
    words = [c for c in verb.children if c.dep_ in ("oprd", "acomp", "ccomp", "xcomp", "dobj")]
    words += [
        g for c in verb.children if c.lower_ == "as" for g in c.children if g.dep_ in _AS_WORDS
    ]
    for word in words:
        judged = [c for c in verb.children if c.dep_ == "dobj" and c.i != word.i]
        judged += [c for c in word.children if c.dep_ in ("nsubj", "compound")]
        yield from _judged(verb, word, judged, active, sent, linked, onto)


def _said_verdict(
    verb: Token, active: list[Token], sent: Span, linked: LinkedDoc, onto: Ontology
) -> Iterator[Candidate]:
    """A verdict reported by a speech verb: "X said Y's letter was 'deeply misleading'",
    "X said Y was incompetent": the reported clause's subject is what is judged."""
    for clause in verb.children:
        if clause.dep_ != "ccomp" or clause.lemma_ != "be" or not is_asserted(clause):
            continue
        judged = [c for c in clause.children if c.dep_ == "nsubj"]
        for word in clause.children:
            if word.dep_ in ("acomp", "attr"):
                yield from _judged(verb, word, judged, active, sent, linked, onto)


def _judged(
    verb: Token,
    word: Token,
    judged: list[Token],
    active: list[Token],
    sent: Span,
    linked: LinkedDoc,
    onto: Ontology,
) -> Iterator[Candidate]:
    """The candidates of verdict ``word`` on the ``judged`` nouns: each noun that names
    an entity, or its owner ("Y's letter")."""
    predicate = onto.verdict_predicate(word.lower_)
    if predicate is None:
        return
    for thing in judged:
        owners = [thing] if linked.entity_for(thing) else []
        owners += [c for c in thing.children if c.dep_ == "poss" and linked.entity_for(c)]
        for subject in active:
            for owner in owners:
                yield from emit(
                    linked,
                    onto,
                    sent,
                    linked.entity_for(subject),
                    predicate,
                    linked.entity_for(owner),
                    [subject, verb, owner, word],
                    NAME,
                    CONFIDENCE * 0.9,
                )


_AS_WORDS = ("pobj", "amod", "acomp", "pcomp")
_POST_PREPS = ("of", "at", "for")


def _post_of(role: Token, linked: LinkedDoc, *, named: bool = True) -> list[Token]:
    """The named place of a post: "leader of Y" gives Y; a name itself is its own (if ``named``)."""
    if named and linked.entity_for(role) is not None:
        return [role]
    return [
        g
        for c in role.children
        if c.dep_ == "prep" and c.lower_ in _POST_PREPS
        for g in c.children
        if g.dep_ == "pobj" and linked.entity_for(g) is not None
    ]


def _titled_posts(active: list[Token], linked: LinkedDoc) -> list[tuple[Token, Token]]:
    """(holder, post's place) pairs a subject's title gives: "the leader of Y, X", "Y leader X".

    The parser may make the title the subject and the name its apposition, or make both
    subjects side by side; either way the name holds the post the title names.
    """
    titles = [s for s in active if linked.entity_for(s) is None]
    holders = [s for s in active if linked.entity_for(s) is not None]
    holders += [c for t in titles for c in t.children if c.dep_ == "appos"]
    # "NAME, chair of Y, has resigned": the parser may make the name a modifier
    holders += [c for t in titles for c in t.children if c.dep_ == "nmod" and c.i < t.i]
    # "The Leader of [Y X] has resigned": the name parsed as the title's "of" object,
    # the place as a modifier of the name.
    parsed_as_one = [
        (g, m)
        for t in titles
        for p in t.children
        if p.dep_ == "prep" and p.lower_ == "of"
        for g in p.children
        if g.dep_ == "pobj" and linked.entity_for(g) is not None
        for m in g.children
        if m.dep_ == "compound" and linked.entity_for(m) not in (None, linked.entity_for(g))
    ]
    if parsed_as_one:
        return parsed_as_one
    pairs: list[tuple[Token, Token]] = []
    for holder in holders:
        entity = linked.entity_for(holder)
        if entity is None:
            continue
        words = [t for t in holder.subtree if t.pos_ == "NOUN" and t.i != holder.i] + titles
        if linked.mention_at(holder) is None:  # the title itself stands for the name
            words.append(holder)
        for title in words:
            pairs += [
                (holder, place)
                for place in _post_of(title, linked, named=False)
                if linked.entity_for(place) is not entity
            ]
    return pairs


def _binding_subject(verb: Token, subj: Token, obj: Token, linked: LinkedDoc) -> Token:
    """The subject, mended when a coordinated verb inherited it from the wrong clause.

    In "X said Y had lied and accused her of a cover-up" the parser may coordinate
    "accused" with "lied", so it inherits Y; but a personal pronoun object never names
    the subject of its own clause (binding principle B), so when "her" is Y the verb
    belongs to the reporting clause and its subject is X.
    """
    if not is_personal_pronoun(obj) or verb.dep_ != "conj":
        return subj
    entity = linked.entity_for(obj)
    if entity is None or linked.entity_for(subj) is not entity:
        return subj
    clause = verb.head
    while clause.dep_ == "conj":
        clause = clause.head
    if clause.dep_ not in ("ccomp", "xcomp"):
        return subj
    higher, _ = subjects(clause.head)
    return higher[0] if higher else subj


def extract(sent: Span, linked: LinkedDoc, onto: Ontology) -> Iterator[Candidate]:
    for verb in linked.tokens[sent.start : sent.end]:
        if verb.pos_ not in ("VERB", "AUX") or not is_asserted(verb):
            continue
        lemma = verb.lemma_.lower()
        active, passive = subjects(verb)
        if not active and not passive and verb.dep_ != "acl":
            active = controllers(verb)
        if lemma in onto.verdict_verbs:
            yield from _verdict(verb, active, sent, linked, onto)
        elif lemma in onto.speech_verbs:
            yield from _said_verdict(verb, active, sent, linked, onto)
        outcome = _outcome(verb, onto)
        agents = [
            pobj
            for child in verb.children
            if child.dep_ == "agent"
            for pobj in child.children
            if pobj.dep_ == "pobj"
        ]
        # (hint particle, object tokens) pairs this verb offers.
        offers: list[tuple[str | None, list[Token]]] = []
        for child in verb.children:
            # "sent a letter to Y": the parser calls a "to" phrase of giving "dative"
            if child.dep_ in ("prep", "prt") or (child.dep_ == "dative" and child.pos_ == "ADP"):
                objs = [g for g in child.children if g.dep_ == "pobj"]
                if child.dep_ == "prt":
                    objs = [g for g in verb.children if g.dep_ == "dobj"]
                if child.lower_ == "as":  # "resigned as leader of Y": the post's place
                    objs = [p for o in objs for p in _post_of(o, linked)]
                offers.append((child.lower_, objs))
        direct = [c for c in verb.children if c.dep_ in _OBJECT_DEPS]
        offers.append((None, direct))
        named = [o for particle, objs in offers if particle in (None, "as", "from") for o in objs]
        if not any(linked.entity_for(o) for o in named) and onto.verb_predicates(lemma, "as"):
            # "The leader of Y, X, has resigned": leaving a post with no object leaves
            # the post the subject's own title names.
            for predicate in onto.verb_predicates(lemma, "as"):
                for holder, post in _titled_posts(active, linked):
                    yield from emit(
                        linked,
                        onto,
                        sent,
                        linked.entity_for(holder),
                        predicate,
                        linked.entity_for(post),
                        [holder, verb, post],
                        NAME,
                        CONFIDENCE * 0.9,
                    )
        for particle, objs in offers:
            for hinted in onto.verb_predicates(lemma, particle):
                predicate = outcome or hinted
                if particle is None and passive and agents:  # "Y was criticised by X"
                    pairs = [(a, p) for a in agents for p in passive]
                elif particle is None and verb.dep_ == "acl" and agents and not active:
                    pairs = [(a, verb.head) for a in agents]  # "Y, now owned by X"
                elif particle is not None and passive:  # "Y was born in X"
                    pairs = [(p, o) for p in passive for o in objs]
                elif verb.dep_ == "acl" and not active:  # "Huawei, based in Shenzhen"
                    pairs = [(verb.head, o) for o in objs]
                else:
                    pairs = [(s, o) for s in active for o in objs]
                for subj_tok, obj_tok in pairs:
                    subj_tok = _binding_subject(verb, subj_tok, obj_tok, linked)
                    for s in conjuncts(subj_tok):
                        for o in conjuncts(obj_tok):
                            if o.dep_ == "npadvmod" and lemma != "tell":
                                continue
                            yield from emit(
                                linked,
                                onto,
                                sent,
                                linked.entity_for(s),
                                predicate,
                                linked.entity_for(o),
                                [s, verb, o],
                                NAME,
                                CONFIDENCE * (0.9 if is_personal_pronoun(s) else 1.0),
                            )
