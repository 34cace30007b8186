"""Extraction: from a parsed document to mentions, facts with evidence, and resolutions.

Extraction never touches RDF; ``kg.rdf`` maps its output.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.extract.clauses import clause_window, modality, reporter
from kg.extract.dates import When, document_date, find_dates, resolve
from kg.extract.mentions import TokenMention, find_mentions, slug
from kg.extract.posts import post_facts, role_references
from kg.extract.events import attack_facts, authorship_facts, negotiation_facts, veto_facts
from kg.extract.relations import RawFact, resolution_mentions, sentence_context, verb_facts
from kg.extract.votes import tally_facts, vote_facts
from kg.extract.resolutions import ResolutionMention, adopted_by_verb, find_resolutions
from kg.extract.words import Words
from kg.gazetteer import Gazetteer
from kg.model import (
    DocResult,
    Document,
    EntityType,
    Evidence,
    Fact,
    Mention,
    Modality,
    Post,
    ResolutionInfo,
)

_COUNT_FIELDS = {
    "votedFor": "votes_for",
    "votedAgainst": "votes_against",
    "abstainedOn": "abstentions",
}


def _evidence(document: Document, sent: Span, rule: str) -> Evidence:
    """The sentence, stripped, with offsets into the whole document text."""
    text = Words.of(sent.doc).span_text(sent.start, sent.end)
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    start = document.body_start + sent.start_char + lead
    return Evidence(document.id, stripped, start, start + len(stripped), rule)


def _fact_modality(raw: RawFact) -> Modality:
    mode = modality(raw.trigger)
    if raw.noun_trigger and mode not in (Modality.PLANNED, Modality.DENIED):
        return (
            Modality.ASSERTED
        )  # "n'avaient donné aucun résultat" negates the result, not the talks
    return mode


def _fact_date(trigger: Token, anchor: When | None, mode: Modality) -> When | None:
    """The date of the clause's date expression nearest the trigger; None if it cannot be
    resolved (a farther expression usually dates something else)."""
    start, end = clause_window(trigger, set())
    words = Words.of(trigger.doc)
    matches = find_dates(words.span_text(start, end))
    if not matches:
        return None
    offset, idx = words.idx[start], words.idx[trigger.i]
    nearest = min(matches, key=lambda m: abs(offset + m.start() - idx))
    return resolve(nearest, anchor, mode)


def _resolution_infos(
    document: Document, found: list[ResolutionMention], doc: Doc, counts: dict[int, dict[str, int]]
) -> list[ResolutionInfo]:
    infos = []
    for index in sorted({r.index for r in found}):
        group = [r for r in found if r.index == index]
        adopted = any(
            adopted_by_verb(doc[r.start].head) or adopted_by_verb(doc[r.start]) for r in group
        )
        when = next((r.when for r in group if r.when), None)
        tally = counts.get(index, {})
        infos.append(
            ResolutionInfo(
                key=local_resolution_key(document.id, index),
                body=next((r.body for r in group if r.body), None),
                date=when.value if when else None,
                date_precision=when.precision if when else None,
                status="draft" if all(r.draft for r in group) and not adopted else "adopted",
                quote=next((r.quote for r in group if r.quote), None),
                labels=tuple(dict.fromkeys(r.text for r in group)),
                votes_for=tally.get("votedFor"),
                votes_against=tally.get("votedAgainst"),
                abstentions=tally.get("abstainedOn"),
            )
        )
    return infos


def post_key(post: Post) -> str:
    """Deterministic key of a post: its role and organisation."""
    return f"post/{slug(post.role)}-{post.org.split('/')[-1]}"


def local_resolution_key(doc_id: str, index: int) -> str:
    """The key of a resolution before ``resolve`` merges it across documents."""
    return f"resolution/{doc_id}-{index}"


def _raw_facts(
    doc: Doc, mentions: list[TokenMention], resolutions: list[TokenMention]
) -> Iterator[tuple[Span, RawFact]]:
    words = Words.of(doc)
    for sent in doc.sents:
        ctx = sentence_context(sent, mentions, resolutions, words)
        for rule in (
            verb_facts,
            negotiation_facts,
            attack_facts,
            veto_facts,
            authorship_facts,
            vote_facts,
            tally_facts,
        ):
            for raw in rule(ctx):
                yield sent, raw


def extract_document(document: Document, doc: Doc, nlp: Language, gaz: Gazetteer) -> DocResult:
    """Everything one document states: mentions, facts with evidence, resolutions."""
    anchor = document_date(document.text, document.date)
    mentions = find_mentions(doc, nlp, gaz)
    found = find_resolutions(doc, mentions, anchor, gaz)
    res_mentions = resolution_mentions(
        found, [local_resolution_key(document.id, r.index) for r in found]
    )
    facts: list[Fact] = []
    counts: dict[int, dict[str, int]] = {}
    index_of = {local_resolution_key(document.id, r.index): r.index for r in found}
    posts = list(post_facts(doc, mentions))
    referring = sorted(mentions + role_references(doc, mentions, posts), key=lambda m: m.start)
    clauses: dict[tuple[int, bool], tuple[Modality, When | None, str | None]] = {}
    for sent, raw in _raw_facts(doc, referring, res_mentions):
        for position, value in raw.counts.items():
            counts.setdefault(index_of[raw.object], {}).setdefault(position, value)
        if raw.predicate == "tally":
            continue
        # Several facts often share a trigger (its subjects times its objects): its clause's
        # modality, date and reporter are read once.
        key = (raw.trigger.i, raw.noun_trigger)
        if key not in clauses:
            mode = _fact_modality(raw)
            clauses[key] = (
                mode,
                _fact_date(raw.trigger, anchor, mode),
                reporter(raw.trigger, mentions),
            )
        mode, when, reported_by = clauses[key]
        facts.append(
            Fact(
                raw.subject,
                raw.predicate,
                raw.object,
                _evidence(document, sent, raw.rule),
                mode,
                date=when.value if when else None,
                date_precision=when.precision if when else None,
                place=raw.place,
                round=raw.round,
                reported_by=reported_by,
            )
        )
    for person, post, noun in posts:
        facts.append(
            Fact(
                person,
                "holdsPost",
                post_key(post),
                _evidence(document, noun.sent, "post.apposition"),
                post=post,
            )
        )
    base, words = document.body_start, Words.of(doc)
    out_mentions = tuple(
        Mention(
            m.key,
            m.type,
            words.span_text(m.start, m.end),
            base + words.idx[m.start],
            base + words.idx[m.end - 1] + len(words.texts[m.end - 1]),
            m.label,
        )
        for m in mentions + res_mentions
    )
    return DocResult(
        document,
        out_mentions,
        tuple(dict.fromkeys(facts)),
        tuple(_resolution_infos(document, found, doc, counts)),
    )


__all__ = ["extract_document", "local_resolution_key", "EntityType"]
