"""Votes: positions of named states, partitives and lists, and tallies."""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc, Token

from kg.extract import rules as R
from kg.extract.clauses import (
    clause_window,
    has_case,
    subjects,
)
from kg.extract.mentions import TokenMention
from kg.extract.relations import (
    Context,
    coordinated,
    RawFact,
    in_window,
)
from kg.model import EntityType as T


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


# Every lemma ``_position`` can accept, besides forms starting with "absten".
_POSITION_LEMMAS = frozenset({"abstenir", "abstenu", "abstention", "opposer", "voter"})
_POSITION_WORDS = _POSITION_LEMMAS | R.SUPPORT_TEXT


def _position_candidates(ctx: Context) -> list[Token]:
    """Unmasked tokens of the sentence that may state a vote position (a cheap first filter)."""
    if ctx.words is None:
        return [t for t in ctx.sent if t.i not in ctx.masked]
    start, end = ctx.sent.start, ctx.sent.end
    # A token's lower-case form is its text lower-cased: an "absten…" token puts "absten" in
    # the lower-cased sentence.
    text = ctx.words.span_text(start, end).lower()
    if ctx.present.isdisjoint(_POSITION_WORDS) and "absten" not in text:
        return []
    lemmas, lowers, doc = ctx.words.lemmas, ctx.words.lowers, ctx.sent.doc
    return [
        doc[i]
        for i in range(start, end)
        if (lemmas[i] in _POSITION_WORDS or lowers[i].startswith("absten")) and i not in ctx.masked
    ]


def vote_facts(ctx: Context) -> Iterator[RawFact]:
    """Votes of named states, with the count the clause gives for that position."""
    doc = ctx.sent.doc
    triggers = [t for t in _position_candidates(ctx) if _position(t)]
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
            states = coordinated(states, parsed, doc)
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
    if not ctx.mentions_any(_BALLOT):
        return
    counts: dict[str, int] = {}
    sent = ctx.sent
    text = sent.text if ctx.words is None else ctx.words.span_text(sent.start, sent.end)
    for position, pattern in _TALLY_PATTERNS:
        for match in pattern.finditer(text):
            value = number(match.group(1).strip())
            if value is not None and 0 < value < 200:
                counts.setdefault(position, value)
    if counts and (resolution := _resolution_for(ctx.sent[0], ctx)):
        yield RawFact("", "tally", resolution.key, ctx.sent.root, "vote.tally", counts=counts)
