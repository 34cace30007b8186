"""Event rules beyond simple verbs: talks and their parties, attacks, vetoes, authorship."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from spacy.tokens import Span, Token

from kg.extract import rules as R
from kg.extract.clauses import (
    clause_window,
    entities_at,
    has_case,
    nearest_verb,
    subjects,
)
from kg.extract.mentions import TokenMention
from kg.extract.relations import (
    Context,
    coordinated,
    RawFact,
    case_words,
    in_window,
)
from kg.model import EntityType as T


def _round(window: Span) -> int | None:
    for token in window:
        if token.lower_ in R.ORDINALS and any(
            t.lemma_ in R.ROUND_NOUNS | R.NEGOTIATION_NOUNS for t in window
        ):
            return R.ORDINALS[token.lower_]
    return None


_NEGOTIATION_WORDS = R.NEGOTIATION_NOUNS | R.NEGOTIATION_VERBS
_VETO = frozenset({"veto"})


def negotiation_facts(ctx: Context) -> Iterator[RawFact]:
    """negotiatedWith between the parties of talks: "pourparlers russo-ukrainiens", "entre X et Y",
    "discuter avec X", "négociations avec les Russes"; hosts and venues are not parties."""
    doc = ctx.sent.doc
    for token in ctx.triggers(_NEGOTIATION_WORDS):
        noun = token.lemma_ in R.NEGOTIATION_NOUNS or token.lower_ in R.NEGOTIATION_NOUNS
        verb = token.lemma_ in R.NEGOTIATION_VERBS and token.pos_ == "VERB"
        if not (noun or verb):
            continue
        start, end = clause_window(token, ctx.masked)
        near = in_window(ctx, token.i + 1, min(token.i + 4, end), frozenset({T.STATE}))
        parties = [m for m in near if m.end - m.start > 1 or "-" in m.label]
        parties = [m for m in near if any(n.start == m.start for n in parties)]
        window = in_window(ctx, start, end, R.AGENTS)
        parties += [
            m
            for t in doc[start:end]
            if "entre" in case_words(t) and t.i > token.i - 2
            for m in entities_at(t, ctx.mentions)
        ]  # "entre Kiev et Moscou"
        possessive = any(c.dep_ == "det" and "Yes" in c.morph.get("Poss") for c in token.children)
        held = nearest_verb(token).lemma_ in R.TALK_VERBS
        if noun and (possessive or held):
            verb = nearest_verb(token)  # "Kiev et Moscou ont repris leurs négociations"
            together = subjects(verb, ctx.mentions)
            if together:
                together = coordinated(in_window(ctx, start, verb.i, R.AGENTS), together, doc)
            parties += together if len(together) > 1 else []
        others = [m for m in window if m.start > token.i and has_case(m, doc, {"avec"})]
        if not others:
            others = [
                m
                for c in doc[token.i : end]
                if c.lemma_ == "homologue"
                for m in entities_at(c, ctx.mentions)
            ]
        if others:
            first = subjects(token if verb else nearest_verb(token), ctx.mentions)
            parties += [m for m in first if m.type in R.AGENTS] + others[:1]
        keys = sorted({m.key for m in parties if m.type in R.AGENTS})
        venue = [
            m
            for m in window
            if m.key not in keys
            and m.type in (T.STATE, T.PLACE)
            and has_case(m, doc, {"en", "au", "à", "dans"})
        ]
        round_ = _round(doc[max(start, token.i - 3) : token.i + 1])
        for a, b in itertools.combinations(keys, 2):
            yield RawFact(
                a,
                "negotiatedWith",
                b,
                token,
                "negotiation.parties",
                noun_trigger=noun,
                place=venue[0].key if venue else None,
                round=round_,
            )


def _agent_of(noun: Token, pool: Sequence[TokenMention]) -> list[TokenMention]:
    """Who carries out an attack noun: "frappes russes", "invasion … par Moscou", or the subject
    of "lancer"/"mener" ("la Russie lançait son opération")."""
    found = [m for c in noun.children if c.dep_ == "amod" for m in entities_at(c, pool)]
    found += [
        m
        for c in noun.subtree
        if c.dep_ in ("nmod", "obl:agent") and case_words(c) & {"par"} and c.i - noun.i <= 8
        for m in entities_at(c, pool)
    ]
    if not found and noun.head.lemma_ in R.LAUNCH_VERBS:
        found = subjects(noun.head, pool)
    if not found and any(c.dep_ == "det" and "Yes" in c.morph.get("Poss") for c in noun.children):
        earlier = [
            m
            for m in pool
            if noun.sent.start <= m.start < noun.i
            and m.type is T.STATE
            and not has_case(m, noun.doc, {"contre", "en", "à"})
        ]
        found = earlier[-1:]  # "… de la Russie suite à son invasion de l'Ukraine"
    return [m for m in found if m.type in (T.STATE, T.BODY)]


def _target_of(noun: Token, pool: Sequence[TokenMention]) -> list[TokenMention]:
    """What an attack noun targets: "invasion de l'Ukraine", "contre X", "en Ukraine",
    "sur le sud d'Israël", "dans l'est de l'Ukraine", "sur plusieurs villes ukrainiennes"."""
    following = []
    for token in noun.doc[noun.i + 1 : min(noun.i + 7, noun.sent.end)]:
        if token.pos_ == "VERB":
            break
        following.append(token)  # "le début de l'offensive russe en Ukraine" (misattached)
    nearby = [t for t in noun.subtree if 0 < t.i - noun.i <= 12] + following
    for token in dict.fromkeys(nearby):
        cases = case_words(token)
        direct = cases & {"contre", "en", "sur", "dans", "à"}
        of = (
            cases & {"de", "d'", "du"}
            and token.head.i == noun.i
            and noun.lemma_ in R.ATTACK_OBJECT_NOUNS
        )
        if not (direct or of):
            continue
        found = entities_at(token, pool) or [
            m for c in token.children if c.dep_ in ("amod", "nmod") for m in entities_at(c, pool)
        ]
        found = [m for m in found if m.type in (T.STATE, T.PLACE, T.BODY)]
        if found:
            return found
    return []


def attack_facts(ctx: Context) -> Iterator[RawFact]:
    """attacked, from nouns: "l'invasion de l'Ukraine par Moscou", "les frappes russes sur
    plusieurs villes ukrainiennes", "la Russie lançait son opération militaire en Ukraine"."""
    for token in ctx.triggers(R.ATTACK_NOUNS):
        if token.pos_ != "NOUN" or token.lemma_ not in R.ATTACK_NOUNS:
            continue
        if token.lemma_ == "opération" and not any(c.lemma_ == "militaire" for c in token.children):
            continue
        for agent, target in itertools.product(
            _agent_of(token, ctx.mentions), _target_of(token, ctx.mentions)
        ):
            if agent.key != target.key:
                yield RawFact(
                    agent.key, "attacked", target.key, token, "attack.noun", noun_trigger=True
                )


def authorship_facts(ctx: Context) -> Iterator[RawFact]:
    """drafted, from the resolution's own name: "un texte russe", "un projet germano-belge",
    "le texte des Émirats arabes unis" (not "de l'Assemblée", "sur l'Ukraine")."""
    doc = ctx.sent.doc
    for resolution in ctx.resolutions:
        if not ctx.sent.start <= resolution.start < ctx.sent.end:
            continue
        head = doc[resolution.start]
        for child in head.children:
            own = child.dep_ == "amod" or (
                child.dep_ == "nmod" and case_words(child) & {"de", "des", "du", "d'"}
            )
            if not own or child.i in ctx.masked:
                continue
            for state in entities_at(child, ctx.mentions):
                if state.type is T.STATE:
                    yield RawFact(
                        state.key,
                        "drafted",
                        resolution.key,
                        head,
                        "draft.attribute",
                        noun_trigger=True,
                    )


def veto_facts(ctx: Context) -> Iterator[RawFact]:
    """vetoed, from the noun: "la Russie a opposé son veto à un projet", "bloqué par un veto
    américain", "le veto opposé par la Russie à un projet", "ayant fait usage de son droit de
    veto" (not "dispose d'un droit de veto")."""
    for token in ctx.triggers(_VETO):
        if token.lemma_ != "veto" or token.pos_ != "NOUN":
            continue
        pool = ctx.mentions
        right = token.head if token.head.lemma_ == "droit" else None
        if right is not None:  # a right is a veto only when used: "a fait usage de son droit"
            user = nearest_verb(right)
            if user.lemma_ not in R.VETO_VERBS | {"faire", "recourir", "invoquer"}:
                continue
            token = right
        agents = [m for c in token.children if c.dep_ == "amod" for m in entities_at(c, pool)]
        agents += [
            m
            for c in token.subtree
            if case_words(c) & {"par"} and c.i > token.i
            for m in entities_at(c, pool)
        ]
        if not agents and nearest_verb(token).lemma_ in R.VETO_VERBS | {"faire", "recourir"}:
            agents = subjects(nearest_verb(token), pool)
        agents = [m for m in agents if m.type is T.STATE]
        verb = nearest_verb(token)
        _, end = clause_window(token, ctx.masked)
        after = [
            r
            for r in ctx.resolutions
            if token.i < r.start < end
            and not any(t.pos_ == "VERB" for t in token.doc[token.i : r.start])
        ]
        target = after[:1] or [r for r in ctx.resolutions if r.start < token.i][-1:]
        for agent, resolution in itertools.product(agents, target):
            yield RawFact(agent.key, "vetoed", resolution.key, verb, "veto.noun")
