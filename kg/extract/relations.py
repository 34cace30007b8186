"""Applying the rules of ``rules.py`` to a parsed sentence: raw facts over token mentions."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

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
from kg.extract.words import Words
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
    words: Words | None = None
    present: frozenset[str] = frozenset()

    def triggers(self, wanted: frozenset[str]) -> list[Token]:
        """Unmasked tokens of the sentence whose lemma or lower-case form is in ``wanted``."""
        if self.words is None:
            return [
                t
                for t in self.sent
                if (t.lemma_ in wanted or t.lower_ in wanted) and t.i not in self.masked
            ]
        if self.present.isdisjoint(wanted):
            return []
        lemmas, lowers, doc = self.words.lemmas, self.words.lowers, self.sent.doc
        return [
            doc[i]
            for i in range(self.sent.start, self.sent.end)
            if (lemmas[i] in wanted or lowers[i] in wanted) and i not in self.masked
        ]

    def mentions_any(self, wanted: frozenset[str]) -> bool:
        """Whether a token of the sentence has its lemma or lower-case form in ``wanted``."""
        if self.words is None:
            return any(t.lemma_ in wanted or t.lower_ in wanted for t in self.sent)
        return not self.present.isdisjoint(wanted)


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


_LIST_GLUE = frozenset({",", "et", "ainsi", "que", "ou", "-", "seuls", "seules", "aussi"})


def coordinated(
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


def case_words(token: Token) -> frozenset[str]:
    """Prepositions introducing the phrase headed by ``token`` ("à", "au", "avec"…)."""
    return Words.of(token.doc).cases[token.i]


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
    doc = trigger.doc
    words = Words.of(doc)
    out = []
    for i in range(trigger.i + 1, min(end, len(doc))):
        if words.pos[i] == "VERB":
            break
        out.append(i)
    cases = words.cases
    return [
        doc[i]
        for i in out
        if cases[i] or not any(cases[h] for h in _heads_until(i, trigger.i, words))
    ]


def _heads_until(i: int, stop: int, words: Words) -> list[int]:
    """The heads above token ``i`` (at most 6), up to the root, to token ``stop`` or to a name
    that a phrase hangs on with neither comma nor preposition ("à Berlin le chancelier Olaf
    Scholz", "à Ankara son homologue Hakan Fidan"). French puts a comma before an apposition
    to a name and a preposition before its complement, so such a phrase is the parser's
    misreading of the verb's next argument, not part of the name's phrase."""
    heads, out, current = words.heads, [], i
    for _ in range(6):
        head = heads[current]
        if head == current or head == stop or _run_on_apposition(current, head, words):
            break
        current = head
        out.append(current)
    return out


def _run_on_apposition(token: int, head: int, words: Words) -> bool:
    """Whether ``token`` hangs on the name ``head`` (apposition or complement) after it, with
    no comma between and no preposition of its own."""
    return (
        words.deps[token] in ("appos", "nmod")
        and not words.cases[token]
        and words.pos[head] == "PROPN"
        and head < token
        and all(words.pos[k] != "PUNCT" for k in range(head + 1, token))
    )


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


_TRIGGER_WORDS = frozenset(word for rule in R.VERB_RULES for word in rule.lemmas)


@lru_cache(maxsize=4096)
def _rules_for(lemma: str, lower: str) -> tuple[R.VerbRule, ...]:
    """The verb rules a token with this lemma and lower-case form may trigger, in rule order."""
    return tuple(rule for rule in R.VERB_RULES if lemma in rule.lemmas or lower in rule.lemmas)


def verb_facts(ctx: Context) -> Iterator[RawFact]:
    """Facts of the simple verb and noun rules (visits, meetings, condemnations, …)."""
    for token in ctx.triggers(_TRIGGER_WORDS):
        for rule in _rules_for(token.lemma_, token.lower_):
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


def resolution_mentions(
    found: Sequence[ResolutionMention], keys: Sequence[str]
) -> list[TokenMention]:
    """Resolution mentions as ``TokenMention``s so the rules can use them as arguments."""
    return [
        TokenMention(key, T.RESOLUTION, r.start, r.end, r.text)
        for r, key in zip(found, keys, strict=False)
    ]


def sentence_context(
    sent: Span,
    mentions: list[TokenMention],
    resolutions: list[TokenMention],
    words: Words | None = None,
) -> Context:
    """The view of one sentence the rules work on (``words``: the document's, if read)."""
    present = (
        frozenset(words.lemmas[sent.start : sent.end] + words.lowers[sent.start : sent.end])
        if words is not None
        else frozenset()
    )
    return Context(
        sent,
        [m for m in mentions if sent.start <= m.start < sent.end],
        [r for r in resolutions if r.start < sent.end],
        quote_mask(sent),
        [m for m in mentions if sent.start - 80 <= m.start < sent.start],
        words,
        present,
    )
