"""Reading sources into ``Document``s: text files and folders of them."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.model import Document

log = logging.getLogger(__name__)

SUFFIXES = frozenset({".txt"})

# A leading metadata line such as " date 2022-03" or "date: 2022-03-02" (the value may be followed
# by the headline on the same line).
_META = re.compile(
    r"\A[ \t]*(?:(?P<key>date|url)[ \t]*:?[ \t]+(?P<value>\S+)[ \t]*)",
    re.IGNORECASE,
)
_DATE_VALUE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that could not be read, and why."""

    path: str
    reason: str


def content_id(text: str) -> str:
    """The document identifier: the first 16 hex digits of the SHA-256 of its text.

    >>> content_id("abc")
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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


def read_file(path: Path) -> Document:
    """Read one text file.

    Raises:
        InputError: the file cannot be read, is empty, or is not UTF-8 text.
    """
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from err
    if b"\x00" in raw[:4096]:
        raise InputError(f"{path}: binary data, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        log.warning("%s: not UTF-8, read as Windows-1252", path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{path}: empty file")
    return parse_document(text, str(path))


def find_files(paths: Iterable[Path]) -> Iterator[Path | Skipped]:
    """Expand files and folders (recursively) into the text files to read, in a stable order."""
    for path in paths:
        if path.is_dir():
            try:
                found = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
            except OSError as err:
                yield Skipped(str(path), f"cannot list folder ({err.strerror or err})")
                continue
            yield from (p for p in found if p.is_file())
        elif path.is_file():
            yield path
        else:
            yield Skipped(str(path), "no such file or folder")


def read_documents(paths: Iterable[Path]) -> Iterator[Document | Skipped]:
    """Read every document under ``paths``; unreadable inputs are yielded as ``Skipped``.

    Exact duplicates (same content hash) are read once.
    """
    seen: set[str] = set()
    for item in find_files(paths):
        if isinstance(item, Skipped):
            yield item
            continue
        try:
            document = read_file(item)
        except InputError as err:
            yield Skipped(str(item), str(err).split(": ", 1)[-1])
            continue
        if document.id in seen:
            yield Skipped(str(item), "duplicate of a document already read")
            continue
        seen.add(document.id)
        yield document
