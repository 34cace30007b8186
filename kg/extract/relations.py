"""Applying the rules of ``rules.py`` to a parsed sentence: raw facts over token mentions."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kg.extract import rules as R
from kg.extract.clauses import (
    clause_window,
    entities_at,
    has_case,
    nearest_verb,
    pronoun_referent,
    quote_mask,
    subjects,
)
from kg.extract.mentions import TokenMention
from kg.extract.resolutions import ResolutionMention
from kg.model import EntityType as T


@dataclass(frozen=True, slots=True)
class RawFact:
    """A fact over mention keys, before modality, dates and evidence are attached."""

    subject: str
    predicate: str
    object: str
    trigger: Token
    rule: str
    noun_trigger: bool = False
    place: str | None = None
    round: int | None = None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Context:
    """What the rules see of one sentence."""

    sent: Span
    mentions: list[TokenMention]
    resolutions: list[TokenMention]
    masked: set[int]
    earlier: list[TokenMention]


def in_window(
    ctx: Context, start: int, end: int, types: frozenset[T] | None = None
) -> list[TokenMention]:
    """Mentions between token ``start`` and ``end``, outside quotes, of the given types."""
    return [
        m
        for m in ctx.mentions + ctx.resolutions
        if start <= m.start < end
        and m.start not in ctx.masked
        and (types is None or m.type in types)
    ]


_OBJECT_DEPS = ("obj", "iobj", "obl:arg", "obl:mod", "obl", "nmod", "nsubj:pass")
_AGENT_CASES = frozenset({"de", "du", "des", "d'"})


def _mention_at(token: Token, pool: Sequence[TokenMention]) -> TokenMention | None:
    return next((m for m in pool if m.start <= token.i < m.end), None)


def case_words(token: Token) -> set[str]:
    """Prepositions introducing the phrase headed by ``token`` ("à", "au", "avec"…)."""
    return {c.lower_.replace("’", "'") for c in token.children if c.dep_ in ("case", "fixed")}


def _complement_entities(token: Token, pool: Sequence[TokenMention]) -> list[TokenMention]:
    """Actors named inside an abstract noun phrase: "l'agression russe", "les velléités de la
    Russie" (not "contre l'Ukraine" nor "en Ukraine")."""
    found = []
    for child in token.children:
        if child.dep_ in ("amod", "nmod") and not case_words(child) - _AGENT_CASES:
            found += entities_at(child, pool)
    return found


def _objects(trigger: Token, rule: R.VerbRule, ctx: Context) -> list[TokenMention]:
    """The rule's object: a dependent of the trigger, else the first fitting phrase to its right
    in the clause (the parser often attaches arguments to the wrong verb)."""
    pool = ctx.mentions + ctx.resolutions
    _, end = clause_window(trigger, ctx.masked)
    passive = any(c.dep_ == "aux:pass" for c in trigger.children)
    participle = trigger.dep_ in ("acl", "amod") and trigger.head.i < trigger.i
    candidates = [trigger.head] if participle else []  # "la bande de Gaza, pilonnée par Israël"
    candidates += [c for c in trigger.children if c.dep_ == "nsubj:pass" and passive]
    candidates += [c for c in trigger.children if c.dep_ in _OBJECT_DEPS and c.i > trigger.i]
    candidates += [t for t in _right_of(trigger, end) if t not in candidates]
    candidates += [
        c
        for c in trigger.children
        if c.dep_ in _OBJECT_DEPS and c.i < trigger.i and c.pos_ == "PRON"
    ]  # clitics: "Moscou l'aurait bloqué"
    collected: list[TokenMention] = []
    for token in candidates:
        if token.i in ctx.masked or (
            token.pos_ not in ("NOUN", "PROPN", "PRON") and _mention_at(token, pool) is None
        ):
            continue
        cases = case_words(token)
        if rule.cases and not cases & rule.cases:
            continue
        if (
            not rule.cases
            and token is not trigger.head
            and (cases or token.dep_ in ("nsubj", "obl:agent"))
        ):
            continue
        if token.pos_ == "PRON":
            if token.dep_ == "obj" and T.RESOLUTION in rule.object_types and ctx.resolutions:
                return [ctx.resolutions[-1]]
            if token.dep_ == "nsubj:pass":  # "où il a été reçu par …"
                found = pronoun_referent(token, trigger, ctx.mentions, ctx.earlier)
                if found:
                    return found
            continue
        found = entities_at(token, pool)
        if not found and rule.noun_object:
            found = _complement_entities(token, pool)
        found = [m for m in found if m.type in rule.object_types and m.start not in ctx.masked]
        if found and not rule.cases:
            return found
        if found and collected and not _listed(collected[-1], found[0], trigger.doc):
            break
        collected += found  # "avec X …, puis avec Y"; "à Boutcha, à Irpin et à Borodianka"
    if collected:
        return list(dict.fromkeys(collected))
    if rule.object_types == {T.RESOLUTION} and not any(c.dep_ == "obj" for c in trigger.children):
        return _nearest_resolution(trigger, ctx)  # "Le texte, présenté par …"
    if (
        passive
        and not any(c.dep_ == "nsubj:pass" for c in trigger.children)
        and trigger.head.i != trigger.i
    ):  # "après avoir été reçu par X": the main subject
        return [
            m
            for m in subjects(trigger.head, ctx.mentions, ctx.earlier)
            if m.type in rule.object_types
        ]
    return []


def _listed(first: TokenMention, second: TokenMention, doc: Doc) -> bool:
    """Whether two phrases are coordinated: only commas, "et", "puis", prepositions and
    determiners (or the rest of the first phrase's title) lie between them."""
    if second.start < first.end:
        return False
    gap = doc[first.end : second.start]
    return (
        len(gap) <= 12
        and all(
            t.pos_ in ("PUNCT", "CCONJ", "ADP", "DET", "ADJ", "NOUN") or t.lower_ == "puis"
            for t in gap
        )
        and not any(
            t.pos_ == "NOUN" and not case_words(t) and t.dep_ not in ("appos", "nmod", "conj")
            for t in gap
        )
    )


def _right_of(trigger: Token, end: int) -> list[Token]:
    """Tokens after the trigger up to the next verb, outside prepositional phrases unless their
    preposition is the phrase's own (the parser often misattaches arguments)."""
    out = []
    for token in trigger.doc[trigger.i + 1 : end]:
        if token.pos_ == "VERB":
            break
        out.append(token)
    return [
        t for t in out if case_words(t) or not any(case_words(h) for h in _heads_until(t, trigger))
    ]


def _heads_until(token: Token, stop: Token) -> list[Token]:
    heads, current = [], token
    for _ in range(6):
        if current.head.i == current.i or current.head.i == stop.i:
            break
        current = current.head
        heads.append(current)
    return heads


def _nearest_resolution(token: Token, ctx: Context) -> list[TokenMention]:
    """The resolution a participle or noun is about: the noun it modifies ("Le texte, préparé par
    …"), else the nearest resolution of the sentence ("Porté par l'Algérie, … le texte")."""
    same = [
        r
        for r in ctx.resolutions
        if ctx.sent.start <= r.start < ctx.sent.end and r.start not in ctx.masked
    ]
    head = [r for r in same if r.start <= token.head.i < r.end]
    if head:
        return head
    return sorted(same, key=lambda r: abs(r.start - token.i))[:1]


def _is_trigger(token: Token, rule: R.VerbRule) -> bool:
    if token.lemma_ not in rule.lemmas and token.lower_ not in rule.lemmas:
        return False
    if rule.reflexive and not any(c.lower_ in ("se", "s'", "s’") for c in token.children):
        return False
    if rule.complement and not any(
        c.lower_ == rule.complement
        for t in token.children
        if t.dep_ != "mark"
        for c in t.children
        if c.dep_ in ("case", "mark")
    ):
        return False
    if rule.nouns:
        return token.pos_ == "NOUN"
    if token.pos_ in ("VERB", "ADJ") and "Part" in token.morph.get("VerbForm"):
        return token.dep_ != "amod" or any(case_words(c) & {"par"} for c in token.children)
    return token.pos_ == "VERB" and token.dep_ != "amod"


def _left_subject(trigger: Token, rule: R.VerbRule, ctx: Context) -> list[TokenMention]:
    """The entity just left of a verb in its clause, when the parser found no subject
    ("… que Moscou l'aurait bloqué" parsed with "Moscou" as a modifier)."""
    start, _ = clause_window(trigger, ctx.masked)
    doc = trigger.doc
    marks = [t.i for t in doc[start : trigger.i] if t.dep_ == "mark" or t.lower_ in ("qui", "que")]
    start = max([start] + [i + 1 for i in marks])
    left = [
        m
        for m in in_window(ctx, start, trigger.i, rule.subject_types)
        if not case_words(doc[m.start]) and not has_case(m, doc, R.PLACE_CASES | {"de", "avec"})
    ]
    if not left or any(t.pos_ not in ("AUX", "ADV", "PRON") for t in doc[left[-1].end : trigger.i]):
        return []
    return left[-1:]


def verb_facts(ctx: Context) -> Iterator[RawFact]:
    """Facts of the simple verb and noun rules (visits, meetings, condemnations, …)."""
    for token in ctx.sent:
        if token.i in ctx.masked:
            continue
        for rule in R.VERB_RULES:
            if not _is_trigger(token, rule):
                continue
            passive = any(c.dep_ == "aux:pass" for c in token.children)
            subs = [
                m
                for m in subjects(token, ctx.mentions, ctx.earlier)
                if m.type in rule.subject_types and m.start not in ctx.masked
            ]
            if not subs and passive:  # "a été reçu … avec les honneurs par son homologue X"
                _, end = clause_window(token, ctx.masked)
                subs = [
                    m
                    for t in _right_of(token, end)
                    if "par" in case_words(t)
                    for m in entities_at(t, ctx.mentions)
                    if m.type in rule.subject_types
                ][:1]
            elif (
                not subs
                and token.pos_ == "VERB"
                and not any(c.dep_.startswith("nsubj") for c in token.children)
            ):
                subs = _left_subject(token, rule, ctx)
            if not subs and token.pos_ == "NOUN":  # "au terme d'une visite de deux jours à Pékin"
                subs = [
                    m
                    for c in nearest_verb(token).children
                    if c.dep_ in ("nsubj", "nsubj:pass")
                    for m in entities_at(c, ctx.mentions)
                    if m.type in rule.subject_types and m.start not in ctx.masked
                ]
                subs = subs if len(subs) == 1 else []  # "X et Y … au deuxième jour d'une visite"
            if token.pos_ == "NOUN":  # "la visite du président X à Y"
                subs = [
                    m
                    for c in token.children
                    if c.dep_ == "nmod" and case_words(c) & {"de", "du", "d'"}
                    for m in entities_at(c, ctx.mentions)
                    if m.type in rule.subject_types
                ] or subs
            for sub, obj in itertools.product(subs, _objects(token, rule, ctx)):
                if sub.key != obj.key:
                    yield RawFact(
                        sub.key,
                        rule.predicate,
                        obj.key,
                        token,
                        rule.name,
                        noun_trigger=token.pos_ == "NOUN",
                    )


def _round(window: Span) -> int | None:
    for token in window:
        if token.lower_ in R.ORDINALS and any(
            t.lemma_ in R.ROUND_NOUNS | R.NEGOTIATION_NOUNS for t in window
        ):
            return R.ORDINALS[token.lower_]
    return None


def negotiation_facts(ctx: Context) -> Iterator[RawFact]:
    """negotiatedWith between the parties of talks: "pourparlers russo-ukrainiens", "entre X et Y",
    "discuter avec X", "négociations avec les Russes"; hosts and venues are not parties."""
    doc = ctx.sent.doc
    for token in ctx.sent:
        noun = token.lemma_ in R.NEGOTIATION_NOUNS or token.lower_ in R.NEGOTIATION_NOUNS
        verb = token.lemma_ in R.NEGOTIATION_VERBS and token.pos_ == "VERB"
        if token.i in ctx.masked or not (noun or verb):
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
        if noun and any(c.dep_ == "det" and "Yes" in c.morph.get("Poss") for c in token.children):
            together = subjects(
                nearest_verb(token), ctx.mentions
            )  # "… ont repris leurs pourparlers"
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
    for token in ctx.sent:
        if token.i in ctx.masked or token.pos_ != "NOUN" or token.lemma_ not in R.ATTACK_NOUNS:
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
    américain", "le veto opposé par la Russie à un projet" (not "droit de veto")."""
    for token in ctx.sent:
        if token.lemma_ != "veto" or token.pos_ != "NOUN" or token.i in ctx.masked:
            continue
        if token.head.lemma_ == "droit" or any(c.lemma_ == "droit" for c in token.children):
            continue
        pool = ctx.mentions
        agents = [m for c in token.children if c.dep_ == "amod" for m in entities_at(c, pool)]
        agents += [
            m
            for c in token.subtree
            if case_words(c) & {"par"} and c.i > token.i
            for m in entities_at(c, pool)
        ]
        if not agents and token.head.lemma_ in R.VETO_VERBS:
            agents = subjects(token.head, pool)
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


_N = r"(\d[\d\u202f ]*|[a-zéèêû-]+)"
_TALLY_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (position, re.compile(pattern, re.IGNORECASE))
    for position, pattern in (
        (
            "votedFor",
            rf"\b(?:adoptée?s?|approuvée?s?|soutenue?s?|votée?s?) par {_N} "
            r"(?:pays|états|voix|votes|membres|délégations)",
        ),
        ("votedFor", rf"\b(?:recueilli|obtenu|rassemblé)(?: que)? {_N} voix"),
        ("votedFor", rf"\b{_N} (?:voix|votes) (?:pour|en faveur|positifs|favorables)"),
        ("votedFor", rf"\b{_N} voix contre \d"),
        ("votedAgainst", rf"\bvoix contre {_N}"),
        ("votedAgainst", rf"(?:,|\bpour,?) {_N} contre\b"),
        ("votedAgainst", rf"\bcontre {_N} voix"),
        ("abstainedOn", rf"\b{_N} abstentions?\b"),
    )
)
_BALLOT = frozenset("scrutin vote voté résolution texte projet".split())


def number(text: str) -> int | None:
    """An integer written in digits or French words ("cinq")."""
    text = text.replace(" ", "").replace("\u202f", "").lower()
    return int(text) if text.isdigit() else R.NUMBER_WORDS.get(text)


_LIST_GLUE = frozenset({",", "et", "ainsi", "que", "ou", "-", "seuls", "seules", "aussi"})


def _coordinated(
    candidates: list[TokenMention], seeds: list[TokenMention], doc: Doc
) -> list[TokenMention]:
    """The ``seeds`` and the candidates joined to them by list punctuation and "et"."""
    ordered = sorted(set(candidates) | set(seeds), key=lambda m: m.start)
    keep = {m for m in ordered if m in seeds}
    for _ in range(len(ordered)):
        for a, b in zip(ordered, ordered[1:], strict=False):
            gap = doc[a.end : b.start]
            if (a in keep) != (b in keep) and all(
                t.lower_ in _LIST_GLUE or t.pos_ == "DET" for t in gap
            ):
                keep |= {a, b}
    return [m for m in ordered if m in keep]


def _counted_subject(trigger: Token) -> bool:
    """Whether the voters are a number of countries ("dix pays se sont abstenus", "35 États"):
    then no state named earlier in the sentence is among them, except after "dont"."""
    doc = trigger.doc
    left = doc[max(trigger.sent.start, trigger.i - 8) : trigger.i]
    return any(
        t.like_num
        and t.i + 1 < len(doc)
        and doc[t.i + 1].lemma_.lower() in ("pays", "état", "membre", "délégation", "autre")
        or (t.like_num and t.head.i == trigger.i)
        for t in left
    )


def _alongside(mention: TokenMention, doc: Doc) -> bool:
    """ "aux côtés de la Russie": a fellow voter, not a complement."""
    return any(
        t.lower_ in ("côtés", "côté") for t in doc[max(0, mention.start - 3) : mention.start]
    )


def _list_end(trigger: Token, stop: int) -> int:
    """End of the list of voters after a trigger: past a colon that follows it."""
    sent = trigger.sent
    following = [t for t in trigger.doc[trigger.i + 1 : min(trigger.i + 4, sent.end)]]
    if any(t.text == ":" for t in following):
        return next(
            (t.i for t in trigger.doc[trigger.i + 4 : sent.end] if t.text in ";."), sent.end
        )
    return stop


def _supports_text(token: Token) -> bool:
    """ "ont appuyé le texte", "l'ont soutenu": a vote for a resolution."""
    return (
        token.lemma_ in R.SUPPORT_TEXT
        and token.pos_ == "VERB"
        and any(
            c.dep_ == "obj" and (c.pos_ == "PRON" or c.lemma_ in ("texte", "projet", "résolution"))
            for c in token.children
        )
    )


def _position(token: Token) -> str | None:
    if token.lemma_ in ("abstenir", "abstenu", "abstention") or token.lower_.startswith("absten"):
        return "abstainedOn"
    if token.lemma_ == "opposer" and any(c.lower_ in ("s'", "s’", "se") for c in token.children):
        return "votedAgainst"
    if _supports_text(token):
        return "votedFor"
    if token.lemma_ == "voter":
        after = {t.lower_ for t in token.doc[token.i + 1 : token.i + 4]}
        if after & R.VOTE_AGAINST:
            return "votedAgainst"
        if after & R.VOTE_FOR:
            return "votedFor"
    return None


def vote_facts(ctx: Context) -> Iterator[RawFact]:
    """Votes of named states, with the count the clause gives for that position."""
    doc = ctx.sent.doc
    triggers = [t for t in ctx.sent if t.i not in ctx.masked and _position(t)]
    for index, token in enumerate(triggers):
        start, end = clause_window(token, ctx.masked)
        stop = min(triggers[index + 1].i if index + 1 < len(triggers) else end, end)
        parsed = [
            m
            for m in subjects(token, ctx.mentions)
            if m.type is T.STATE and m.start not in ctx.masked
        ]
        verbs = [t.i for t in doc[start : token.i] if t.pos_ == "VERB" and t.i not in ctx.masked]
        start = (
            verbs[-1] + 1
            if verbs and in_window(ctx, verbs[-1] + 1, token.i, frozenset({T.STATE}))
            else start
        )
        states = [
            m
            for m in in_window(ctx, start, token.i, frozenset({T.STATE}))
            if _alongside(m, doc)
            or not has_case(m, doc, {"contre", "de", "à", "en", "au", "avec", "sur", "par"})
        ]
        if parsed:  # the parsed subject and the states listed with it, not earlier clauses'
            states = _coordinated(states, parsed, doc)
        elif _counted_subject(token):  # "35 États - dont la Chine - se sont abstenus"
            dont = [t.i for t in doc[start : token.i] if t.lower_ == "dont"]
            states = in_window(ctx, dont[-1], token.i, frozenset({T.STATE})) if dont else []
        partitive = [t.i for t in doc[token.i : stop] if t.lower_ == "dont"]
        if partitive:
            states += in_window(ctx, partitive[0], stop, frozenset({T.STATE}))
        listed = _list_end(token, stop) != stop
        inverted = not any(c.dep_.startswith("nsubj") for c in token.children)
        if not states and (listed or inverted):  # "Ont voté contre, …" / "… abstenus : la Chine"
            states = [
                m
                for m in in_window(ctx, token.i + 1, _list_end(token, stop), frozenset({T.STATE}))
                if _alongside(m, doc)
                or not has_case(m, doc, {"contre", "à", "au", "en", "de", "des", "du", "d'"})
            ]
        counts = {}
        for t in doc[start : token.i]:
            if t.pos_ == "NUM" or (t.lower_ in R.NUMBER_WORDS and t.pos_ in ("NUM", "DET")):
                value = number(t.text)
                if value and not any(d.lower_ in ("le", "du") for d in t.children):
                    counts[_position(token)] = value
        resolution = _resolution_for(token, ctx)
        if resolution is None:
            continue
        for state in dict.fromkeys(states):
            yield RawFact(
                state.key,
                str(_position(token)),
                resolution.key,
                token,
                "vote.position",
                counts=counts,
            )
        if not states and counts:
            yield RawFact("", "tally", resolution.key, token, "vote.tally", counts=counts)


def _resolution_for(token: Token, ctx: Context) -> TokenMention | None:
    same = [r for r in ctx.resolutions if ctx.sent.start <= r.start < ctx.sent.end]
    if same:
        return min(same, key=lambda r: abs(r.start - token.i))
    earlier = [r for r in ctx.resolutions if r.start < token.i]
    return earlier[-1] if earlier else None


def tally_facts(ctx: Context) -> Iterator[RawFact]:
    """Tallies written as numbers ("adoptée par 93 voix pour, 24 contre et 58 abstentions"), in
    sentences about a ballot or a resolution only (not "une demande rejetée par 107 voix")."""
    if not any(t.lemma_ in _BALLOT or t.lower_ in _BALLOT for t in ctx.sent):
        return
    counts: dict[str, int] = {}
    for position, pattern in _TALLY_PATTERNS:
        for match in pattern.finditer(ctx.sent.text):
            value = number(match.group(1).strip())
            if value is not None and 0 < value < 200:
                counts.setdefault(position, value)
    if counts and (resolution := _resolution_for(ctx.sent[0], ctx)):
        yield RawFact("", "tally", resolution.key, ctx.sent.root, "vote.tally", counts=counts)


def resolution_mentions(
    found: Sequence[ResolutionMention], keys: Sequence[str]
) -> list[TokenMention]:
    """Resolution mentions as ``TokenMention``s so the rules can use them as arguments."""
    return [
        TokenMention(key, T.RESOLUTION, r.start, r.end, r.text)
        for r, key in zip(found, keys, strict=False)
    ]


def sentence_context(
    sent: Span, mentions: list[TokenMention], resolutions: list[TokenMention]
) -> Context:
    """The view of one sentence the rules work on."""
    return Context(
        sent,
        [m for m in mentions if sent.start <= m.start < sent.end],
        [r for r in resolutions if r.start < sent.end],
        quote_mask(sent),
        [m for m in mentions if sent.start - 80 <= m.start < sent.start],
    )
