from __future__ import annotations

import pytest

from kg.corroborate import corroborate, tally_check
from kg.model import DocResult, Document, Evidence, Fact, Modality, ResolutionInfo

RES = "resolution/ag-2022-03-02"


def doc(doc_id: str, *facts: Fact) -> DocResult:
    return DocResult(Document(doc_id, "x", f"{doc_id}.txt"), facts=facts)


def fact(
    doc_id: str,
    s: str,
    p: str,
    o: str,
    *,
    date: str | None = None,
    modality: Modality = Modality.ASSERTED,
) -> Fact:
    return Fact(
        s,
        p,
        o,
        Evidence(doc_id, "phrase", 0, 6, "r"),
        modality,
        date=date,
        date_precision="day" if date else None,
    )


def test_corroborate_counts_documents_not_sentences() -> None:
    facts = corroborate(
        [
            doc(
                "a",
                fact("a", "state/RUS", "met", "state/UKR"),
                fact("a", "state/UKR", "met", "state/RUS"),
            ),
            doc("b", fact("b", "state/UKR", "met", "state/RUS")),
        ]
    )
    assert [(f.subject, f.object, f.support, len(f.statements)) for f in facts] == [
        ("state/RUS", "state/UKR", 2, 3)
    ]


def test_corroborate_flags_conflicting_dates() -> None:
    facts = corroborate(
        [
            doc("a", fact("a", "person/x", "visited", "place/y", date="2022-03-01")),
            doc("b", fact("b", "person/x", "visited", "place/y", date="2022-03-02")),
            doc("c", fact("c", "person/x", "met", "person/z", date="2022-03-02")),
            doc("d", fact("d", "person/x", "met", "person/z", date="2022-03-02")),
        ]
    )
    assert {f.predicate: f.date_conflict for f in facts} == {"visited": True, "met": False}


def test_corroborate_ignores_statements_that_are_not_direct() -> None:
    facts = corroborate(
        [doc("a", fact("a", "state/RUS", "attacked", "state/UKR", modality=Modality.DENIED))]
    )
    assert facts == []


@pytest.mark.parametrize(
    "against,abstain,expected",
    [
        (5, None, "consistent"),
        (5, 35, "incomplete"),  # 1 named of 35 abstentions: incomplete, not a conflict
        (4, None, "conflict"),  # 5 named against a tally of 4
        (None, None, None),
    ],
)
def test_corroborate_tally_check(
    against: int | None, abstain: int | None, expected: str | None
) -> None:
    voters = ["RUS", "BLR", "ERI", "PRK", "SYR"]
    facts = corroborate(
        [
            doc(
                "a",
                *(fact("a", f"state/{v}", "votedAgainst", RES) for v in voters),
                fact("a", "state/CHN", "abstainedOn", RES),
            )
        ]
    )
    info = ResolutionInfo(
        RES, None, None, None, "adopted", None, votes_against=against, abstentions=abstain
    )
    assert tally_check(info, facts) == expected
