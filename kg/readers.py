"""One reader per input format: bytes in, ``Document``s (or the reason they are skipped) out.

Text files keep the project's leading metadata line; web pages go through trafilatura (main
text, title, publication date, canonical URL, all offline); JSON lines and CSV hold one document
per record. Decoding is forgiving on purpose: French text in Windows-1252 or Latin-1 is read
correctly with a warning, and a few invalid UTF-8 bytes are replaced, not fatal.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.model import Document

log = logging.getLogger(__name__)

# A leading metadata line such as " date 2022-03" or "date: 2022-03-02" (the value may be followed
# by the headline on the same line).
_META = re.compile(
    r"\A[ \t]*(?:(?P<key>date|url)[ \t]*:?[ \t]+(?P<value>\S+)[ \t]*)",
    re.IGNORECASE,
)
_DATE_VALUE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_ISO_PREFIX = re.compile(r"\A\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?![\d-])")
# More than this share of control characters (other than line breaks and tabs) means binary data.
_MAX_CONTROL_SHARE = 0.02
# Control characters (Unicode category Cc) other than \t \n \v \f \r, and U+FFFD.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
# What an IRI may hold (RFC 3987 excludes spaces and these delimiters).
_URL = re.compile(r"\Ahttps?://[^\s<>\"{}|\\^`]+\Z", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that is not in the graph, and why.

    ``duplicate`` marks an exact copy of a document already read: a note, not a failure.
    """

    path: str
    reason: str
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class RecordFields:
    """Names of the fields (JSON lines) or columns (CSV) that hold each part of a document."""

    text: str = "text"
    title: str = "title"
    date: str = "date"
    url: str = "url"


def content_id(text: str) -> str:
    """The document identifier: the first 16 hex digits of the SHA-256 of its text.

    >>> content_id("abc")
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def decode(raw: bytes, name: str) -> str:
    """Decode the bytes of a text, logging a warning when they are not clean UTF-8.

    Mostly valid UTF-8 with a few bad bytes keeps the text and replaces those bytes; text with
    no valid UTF-8 beyond ASCII is read as Windows-1252 (a superset of Latin-1's letters, the
    usual encoding of older French files).

    Raises:
        InputError: the bytes are binary data, not text.

    >>> decode("Étape à Genève".encode("cp1252"), "x.txt")
    'Étape à Genève'
    """
    if b"\x00" in raw[:8192]:
        raise InputError(f"{name}: binary data, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        text = _decode_lenient(raw, name, err.start)
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise InputError(f"{name}: binary data, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_binary(raw: bytes) -> bool:
    """Whether ``raw`` is binary data rather than text in any encoding ``decode`` reads.

    >>> looks_binary(bytes(range(256))), looks_binary("Genève".encode("cp1252"))
    (True, False)
    """
    if b"\x00" in raw[:8192]:
        return True
    sample = raw[:20000]
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        text = sample.decode("latin-1")
    return _control_share(text) > _MAX_CONTROL_SHARE


def _decode_lenient(raw: bytes, name: str, first_bad: int) -> str:
    lenient = raw.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    good = sum(1 for char in lenient if ord(char) > 127) - bad
    if good > bad:
        log.warning(
            "%s: invalid UTF-8 at byte %d, %d character(s) replaced by U+FFFD", name, first_bad, bad
        )
        return lenient
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    log.warning("%s: not UTF-8, read as Windows-1252/Latin-1", name)
    return text


def _control_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    # One regular-expression pass (C) rather than a Python test per character.
    return len(_CONTROL.findall(sample)) / len(sample)


def parse_document(text: str, source: str) -> Document:
    """Make a ``Document`` from decoded text, reading leading metadata lines.

    >>> d = parse_document(" date 2022-03 Des pourparlers sont prévus.", "a.txt")
    >>> (d.date, d.body)
    ('2022-03', 'Des pourparlers sont prévus.')
    """
    meta: dict[str, str] = {}
    pos = 0
    while match := _META.match(text, pos):
        key, value = match["key"].lower(), match["value"]
        if key == "date" and not _DATE_VALUE.fullmatch(value):
            break
        meta.setdefault(key, value)
        pos = match.end()
    while pos < len(text) and text[pos].isspace():
        pos += 1
    body = text[pos:]
    first_line = body.strip().split("\n", 1)[0].strip()
    title = first_line if 0 < len(first_line) <= 200 else None
    return Document(
        id=content_id(text),
        text=text,
        source=source,
        body_start=pos,
        title=title,
        date=meta.get("date"),
        url=meta.get("url"),
    )


def read_text(raw: bytes, source: str) -> Document:
    """A plain-text document.

    Raises:
        InputError: binary data or no text.
    """
    text = decode(raw, source)
    if not text.strip():
        raise InputError(f"{source}: empty file")
    return parse_document(text, source)


def read_html(raw: bytes, source: str) -> Document:
    """The article of a saved web page: main text, title, publication date and URL (the page's
    canonical link or og:url), extracted offline by trafilatura.

    Raises:
        InputError: the page is empty or holds no article text.
    """
    import trafilatura

    if not raw.strip():
        raise InputError(f"{source}: empty file")
    if looks_binary(raw):
        raise InputError(f"{source}: binary data, not text")
    from trafilatura.settings import Document as Page

    page = trafilatura.bare_extraction(
        raw, with_metadata=True, include_comments=False, deduplicate=True, as_dict=False
    )
    text = (page.text or "").strip() if isinstance(page, Page) else ""
    if not isinstance(page, Page) or not text:
        raise InputError(f"{source}: no article text found in the page")
    return Document(
        id=content_id(text),
        text=text,
        source=source,
        title=_clean(page.title),
        date=normalise_date(page.date),
        url=_url(page.url, source),
    )


def normalise_date(value: object) -> str | None:
    """A record's or a page's date as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; French and English
    dates in words are read too; None when it is not a date.

    >>> normalise_date("2022-03-02T10:00:00Z"), normalise_date("2 mars 2022")
    ('2022-03-02', '2022-03-02')
    """
    if value is None or not str(value).strip():
        return None
    text = str(value)
    if match := _ISO_PREFIX.match(text):
        return match[1]
    import dateparser

    parsed = dateparser.parse(
        text, languages=["fr", "en"], settings={"REQUIRE_PARTS": ["day", "month", "year"]}
    )
    return parsed.date().isoformat() if parsed else None


def _clean(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _url(value: object, source: str) -> str | None:
    url = _clean(value)
    if url is None or _URL.match(url):
        return url
    log.warning("%s: URL %r is not an http(s) address, left out", source, url[:80])
    return None


def record_document(
    record: dict[str, object], source: str, fields: RecordFields, max_bytes: int
) -> Document:
    """A document from one JSON or CSV record.

    Raises:
        InputError: the record has no text, or a text over ``max_bytes``.
    """
    value = record.get(fields.text)
    if value is None:
        raise InputError(f"{source}: no {fields.text!r} field (use --text-field to name it)")
    if not isinstance(value, str):
        raise InputError(f"{source}: the {fields.text!r} field is not a string")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{source}: empty text")
    if len(text.encode("utf-8")) > max_bytes:
        raise InputError(f"{source}: text over the --max-bytes limit of {max_bytes} bytes")
    return Document(
        id=content_id(text),
        text=text,
        source=source,
        title=_clean(record.get(fields.title)),
        date=normalise_date(record.get(fields.date)),
        url=_url(record.get(fields.url), source),
    )


def read_jsonl(path: Path, fields: RecordFields, max_bytes: int) -> Iterator[Document | InputError]:
    """One document per line of a JSON lines file (blank lines are ignored); a bad line is
    yielded as an error naming ``file#Ln`` and the reading goes on.

    Raises:
        InputError: the file cannot be opened.
    """
    try:
        handle = path.open("rb")
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from err
    records = 0
    with handle:
        for number, line in enumerate(handle, start=1):
            source = f"{path}#L{number}"
            if not line.strip():
                continue
            records += 1
            try:
                record = json.loads(line.decode("utf-8-sig"))
            except UnicodeDecodeError:
                yield InputError(f"{source}: invalid UTF-8 (JSON lines must be UTF-8)")
                continue
            except json.JSONDecodeError as err:
                yield InputError(f"{source}: malformed JSON ({err.msg}, column {err.colno})")
                continue
            if not isinstance(record, dict):
                yield InputError(f"{source}: not a JSON object")
                continue
            try:
                yield record_document(record, source, fields, max_bytes)
            except InputError as err:
                yield err
    if not records:
        yield InputError(f"{path}: empty file")


def _delimiter(text: str, fields: RecordFields) -> str:
    """The delimiter whose header row names the text column, else the one csv's sniffer sees."""
    header = text.split("\n", 1)[0]
    for delimiter in (",", ";", "\t"):
        if fields.text in next(csv.reader([header], delimiter=delimiter)):
            return delimiter
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def read_csv(path: Path, fields: RecordFields, max_bytes: int) -> Iterator[Document | InputError]:
    """One document per row of a CSV file with a header row (delimiter ``,``, ``;`` or tab,
    sniffed); rows are named ``file#row=N``, counting data rows from 1.

    Raises:
        InputError: the file cannot be read, or has no column named ``fields.text``.
    """
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from err
    text = decode(raw, str(path))
    if not text.strip():
        raise InputError(f"{path}: empty file")
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes + 1))
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text, fields))
    columns = reader.fieldnames or []
    if fields.text not in columns:
        found = ", ".join(columns) or "none"
        raise InputError(
            f"{path}: no {fields.text!r} column (columns: {found}; use --text-field to name it)"
        )
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            try:
                yield record_document(dict(row), f"{path}#row={number}", fields, max_bytes)
            except InputError as err:
                yield err
    except csv.Error as err:
        yield InputError(f"{path}#row={number + 1}: malformed CSV ({err}); the rest is skipped")
        return
    if not number:
        yield InputError(f"{path}: no rows after the header")
