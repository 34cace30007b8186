"""Dates: the document's own date and the dates of facts, with their precision.

A date the text does not support is left out, never guessed: a weekday needs a document date
to the day, a day and month without a year keep no year (``--03-02``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from kg.model import Modality

MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()
WEEKDAYS = "lundi mardi mercredi jeudi vendredi samedi dimanche".split()
_EN_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH = "|".join(MONTHS + ["fevrier", "aout", "decembre"])
# The first alternative is all optional: it matches the empty string at every word, each match
# an object ``find_dates`` throws away. The lookahead (a weekday or a digit, as every non-empty
# match of it starts) skips the words where it can only be empty; the other alternatives are
# tried there as before, so the non-empty matches are the same.
DATE_RE = re.compile(
    rf"\b(?={'|'.join(WEEKDAYS)}|\d)(?:(?P<weekday>{'|'.join(WEEKDAYS)})\s*)?"
    rf"(?:(?P<day>\d{{1,2}})(?:er)?\s+(?P<month>{_MONTH})(?:\s+(?P<year>\d{{4}}))?)?"
    r"|\b(?P<en>(?:" + "|".join(m.capitalize() for m in _EN_MONTHS) + r")\s+\d{1,2},\s+\d{4})"
    r"|\b(?P<rel>aujourd['’]hui|demain|hier)\b",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    rf"^[A-ZÉÈ][A-ZÉÈ' -]+,\s+(?:\w+\s+)?(?P<day>\d{{1,2}})(?:er)?\s+(?P<month>{_MONTH})\s+"
    r"(?P<year>\d{4})\s*\(",
    re.IGNORECASE | re.MULTILINE,
)


_PUBLISHED = re.compile(
    rf"^\s*(?:publié|mis à jour)\s+le\s+(?:\w+\s+)?(?P<day>\d{{1,2}})(?:er)?\s+(?P<month>{_MONTH})"
    r"\s+(?P<year>\d{4})",
    re.IGNORECASE | re.MULTILINE,
)


# Every date expression holds a digit, a weekday or a relative word: text without any has none
# (``DATE_RE`` tries an empty match at every word, slow on long text).
_DATE_HINT = re.compile(rf"\d|{'|'.join(WEEKDAYS)}|aujourd|demain|hier", re.IGNORECASE)


def find_dates(text: str) -> list[re.Match[str]]:
    """Date expressions in ``text``: weekdays, day and month, English dates, hier/demain."""
    if not _DATE_HINT.search(text):
        return []
    return [m for m in DATE_RE.finditer(text) if m.group(0).strip()]


@dataclass(frozen=True, slots=True)
class When:
    """A date and its precision: ``day``, ``month`` or ``year``."""

    value: str
    precision: str

    @property
    def day(self) -> date | None:
        """The calendar day, when known to the day with its year."""
        if self.precision == "day" and not self.value.startswith("--"):
            return date.fromisoformat(self.value)
        return None


def _day(year: int, month: int, day: int) -> date | None:
    """A calendar day, or None when it does not exist ("31 février")."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_iso(value: str | None) -> When | None:
    """Read a metadata date: ``2022``, ``2022-03`` or ``2022-03-02``; None when impossible.

    >>> parse_iso("2022-02-30") is None
    True
    """
    if not value:
        return None
    precision = {4: "year", 7: "month", 10: "day"}.get(len(value))
    parts = [int(p) for p in value.split("-") if p.isdigit()]
    if precision is None or _day(*(parts + [1, 1])[:3]) is None:
        return None
    return When(value, precision)


@lru_cache(maxsize=4096)
def _english_date(text: str) -> date | None:
    """An English date ("March 2, 2022"), parsed once per distinct text (dateparser is slow)."""
    import dateparser  # imported when first needed: it takes about half a second

    parsed = dateparser.parse(text, languages=["en"])
    return parsed.date() if parsed else None


def _month(name: str) -> int:
    name = name.lower().replace("fevrier", "février").replace("aout", "août")
    return MONTHS.index(name.replace("decembre", "décembre")) + 1


def document_date(text: str, metadata: str | None) -> When | None:
    """The date of a document: its metadata, else a dateline, else its latest full explicit date."""
    if when := parse_iso(metadata):
        return when
    for pattern, span in ((_PUBLISHED, 2000), (_DATELINE, 400)):
        match = pattern.search(text[:span])
        day = match and _day(int(match["year"]), _month(match["month"]), int(match["day"]))
        if day:
            return When(day.isoformat(), "day")
    found = []
    for match in find_dates(text):
        if match["year"] and match["day"]:
            day = _day(int(match["year"]), _month(match["month"]), int(match["day"]))
            found += [day] if day else []
        elif match["en"]:
            parsed = _english_date(match["en"])
            if parsed:
                found.append(parsed)
    return When(max(found).isoformat(), "day") if found else None


def _weekday(name: str, anchor: date, mode: Modality, future: bool) -> date:
    target = WEEKDAYS.index(name.lower())
    ahead = (target - anchor.weekday()) % 7
    if future or mode is Modality.PLANNED:
        return anchor + timedelta(days=ahead)
    return anchor - timedelta(days=(anchor.weekday() - target) % 7)


def resolve(
    match: re.Match[str], anchor: When | None, mode: Modality, future: bool = False
) -> When | None:
    """The date an expression found by ``DATE_RE`` designates, relative to the document date."""
    day = anchor.day if anchor else None
    if match["en"]:
        parsed = _english_date(match["en"])
        return When(parsed.isoformat(), "day") if parsed else None
    if match["day"]:
        month, number = _month(match["month"]), int(match["day"])
        year = (
            int(match["year"])
            if match["year"]
            else (int(anchor.value[:4]) if anchor and not anchor.value.startswith("--") else None)
        )
        if year is None:
            return When(f"--{month:02d}-{number:02d}", "day")
        try:
            return When(date(year, month, number).isoformat(), "day")
        except ValueError:
            return None
    if day is None:
        return None
    if match["weekday"]:
        return When(_weekday(match["weekday"], day, mode, future).isoformat(), "day")
    shift = {"demain": 1, "hier": -1}.get(match["rel"].lower(), 0)
    return When((day + timedelta(days=shift)).isoformat(), "day")
