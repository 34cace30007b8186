from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.dates import (
    _EN_MONTHS,
    _MONTH,
    WEEKDAYS,
    When,
    document_date,
    find_dates,
    resolve,
)
from kg.model import Modality

WEDNESDAY = When("2022-03-02", "day")


@pytest.mark.parametrize(
    "text,mode,expected",
    [
        ("jeudi", Modality.PLANNED, "2022-03-03"),  # a future Thursday is the next day
        ("jeudi", Modality.ASSERTED, "2022-02-24"),  # a past one is the week before
        ("mercredi", Modality.ASSERTED, "2022-03-02"),
        ("lundi", Modality.ASSERTED, "2022-02-28"),
        ("le 24 février", Modality.ASSERTED, "2022-02-24"),
        ("jeudi 21 novembre 2024", Modality.ASSERTED, "2024-11-21"),
        ("March 2, 2022", Modality.ASSERTED, "2022-03-02"),
        ("demain", Modality.PLANNED, "2022-03-03"),
    ],
)
def test_dates_resolve_against_a_wednesday(text: str, mode: Modality, expected: str) -> None:
    when = resolve(find_dates(text)[0], WEDNESDAY, mode)
    assert when == When(expected, "day")


def test_dates_weekday_without_document_day_is_left_out() -> None:
    assert resolve(find_dates("mardi")[0], When("2022-03", "month"), Modality.PLANNED) is None
    assert resolve(find_dates("mardi")[0], None, Modality.PLANNED) is None


def test_dates_day_month_without_year_keeps_no_year() -> None:
    assert resolve(find_dates("du 2 mars")[0], None, Modality.ASSERTED) == When("--03-02", "day")


def test_dates_day_month_takes_year_of_document() -> None:
    assert resolve(find_dates("ce 2 mars")[0], When("2022-03", "month"), Modality.ASSERTED) == When(
        "2022-03-02", "day"
    )


@pytest.mark.parametrize(
    "text,metadata,expected",
    [
        ("Texte sans date.", None, None),
        ("Texte.", "2022-03", When("2022-03", "month")),
        ("MOSCOU, 2 mars 2022 (AFP) - Texte.", None, When("2022-03-02", "day")),
        (
            "Titre\nPublié le 3 mars 2022 à 10h02\nLe 24 février 2022, la Russie…",
            None,
            When("2022-03-03", "day"),
        ),
        (
            "Tweet\n— Emmanuel Macron (@EmmanuelMacron) March 2, 2022\n",
            None,
            When("2022-03-02", "day"),
        ),
    ],
)
def test_dates_document_date(text: str, metadata: str | None, expected: When | None) -> None:
    assert document_date(text, metadata) == expected


@pytest.mark.parametrize(
    "text,metadata",
    [
        ("Le 31 février 2022, rien.", None),
        ("Texte.", "2022-13-45"),
        ("MOSCOU, 30 février 2022 (AFP) - Texte.", None),
    ],
)
def test_dates_impossible_dates_are_left_out(text: str, metadata: str | None) -> None:
    assert document_date(text, metadata) is None


# DATE_RE without the lookahead that keeps its first alternative from matching the empty string
# at every word: find_dates must find exactly the expressions this plain pattern finds.
_PLAIN_DATE_RE = re.compile(
    rf"\b(?:(?P<weekday>{'|'.join(WEEKDAYS)})\s*)?"
    rf"(?:(?P<day>\d{{1,2}})(?:er)?\s+(?P<month>{_MONTH})(?:\s+(?P<year>\d{{4}}))?)?"
    r"|\b(?P<en>(?:" + "|".join(m.capitalize() for m in _EN_MONTHS) + r")\s+\d{1,2},\s+\d{4})"
    r"|\b(?P<rel>aujourd['’]hui|demain|hier)\b",
    re.IGNORECASE,
)
_DATE_PIECES = st.sampled_from(
    [*WEEKDAYS, "Lundi", "MARDI", "1", "12", "123", "2022", "1er", "er", "mars", "Mars", "aout"]
    + ["March", "March 2, 2022", "2,", "hier", "demain", "aujourd'hui", "aujourd’hui", "xhier"]
    + ["lundis", "dimanche2", "٣", " ", "  ", "\n", ",", "-", "x", "le", "é", "_", "«"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_DATE_PIECES, max_size=12).map("".join))
def test_dates_find_dates_matches_the_plain_pattern(text: str) -> None:
    found = [(m.span(), m.groupdict()) for m in find_dates(text)]
    plain = [(m.span(), m.groupdict()) for m in _PLAIN_DATE_RE.finditer(text) if m.group(0)]
    assert found == plain
