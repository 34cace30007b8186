"""Corroboration across documents: one fact, several evidences, a support count; and the check
of named voters against a resolution's tally."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kg.duplicates import NearDuplicate, clusters
from kg.model import DocResult, Fact, ResolutionInfo

SYMMETRIC = frozenset({"negotiatedWith", "met"})
_POSITIONS = {
    "votedFor": "votes_for",
    "votedAgainst": "votes_against",
    "abstainedOn": "abstentions",
}


@dataclass(frozen=True, slots=True)
class Corroboration:
    """A direct fact of the corpus and the statements of every document that state it."""

    subject: str
    predicate: str
    object: str
    statements: tuple[Fact, ...]
    support: int
    date_conflict: bool


def fact_key(fact: Fact) -> tuple[str, str, str]:
    """(subject, predicate, object), with symmetric relations in key order."""
    subject, obj = fact.subject, fact.object
    if fact.predicate in SYMMETRIC and obj < subject:
        subject, obj = obj, subject
    return subject, fact.predicate, obj


def corroborate(
    results: Iterable[DocResult], near_duplicates: Iterable[NearDuplicate] = ()
) -> list[Corroboration]:
    """Group the direct facts of all documents by (subject, predicate, object).

    The support is the number of distinct documents, near-duplicates of each other (the same
    dispatch on two sites) counting as one; dates of the same precision that differ are flagged
    as a conflict, not merged.
    """
    group = clusters(near_duplicates)
    groups: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
    for result in results:
        for fact in result.facts:
            if fact.modality.direct:
                groups[fact_key(fact)].append(fact)
    out = []
    for (subject, predicate, obj), facts in sorted(groups.items()):
        dates: dict[str, set[str]] = defaultdict(set)
        for fact in facts:
            if fact.date and fact.date_precision and not fact.date.startswith("--"):
                dates[fact.date_precision].add(fact.date)
        documents = {group.get(fact.evidence.doc_id, fact.evidence.doc_id) for fact in facts}
        out.append(
            Corroboration(
                subject,
                predicate,
                obj,
                tuple(facts),
                len(documents),
                any(len(values) > 1 for values in dates.values()),
            )
        )
    return out


def tally_check(info: ResolutionInfo, facts: Iterable[Corroboration]) -> str | None:
    """Named voters against the tally: "consistent", "incomplete" (fewer named than counted) or
    "conflict" (more named than counted); None without a tally.

    >>> from kg.model import ResolutionInfo
    >>> info = ResolutionInfo("r", None, None, None, "adopted", None, votes_against=5)
    >>> tally_check(info, [])
    'incomplete'
    """
    named: dict[str, set[str]] = defaultdict(set)
    for fact in facts:
        if fact.object == info.key and fact.predicate in _POSITIONS:
            named[fact.predicate].add(fact.subject)
    verdicts = set()
    for position, field_name in _POSITIONS.items():
        count = getattr(info, field_name)
        if count is None:
            continue
        voters = len(named[position])
        verdicts.add(
            "conflict" if voters > count else "incomplete" if voters < count else "consistent"
        )
    for verdict in ("conflict", "incomplete", "consistent"):
        if verdict in verdicts:
            return verdict
    return None
