"""Reading sources into ``Document``s: files, folders, JSON lines and CSV corpora, standard input.

Nothing here stops at a bad input: each one becomes a ``Skipped`` item (path and reason) and the
reading goes on. Exact duplicates are skipped with a note; documents not in French are skipped
unless ``force``.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.langdetect import detect_language, language_name
from kg.model import Document
from kg.readers import (
    RecordFields,
    Skipped,
    content_id,
    parse_document,
    read_csv,
    read_html,
    read_jsonl,
    read_text,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ReadOptions",
    "RecordFields",
    "STDIN",
    "SUFFIXES",
    "Skipped",
    "content_id",
    "find_files",
    "is_hidden",
    "is_input",
    "parse_document",
    "read_documents",
]

log = logging.getLogger(__name__)

STDIN = Path("-")
# A news article is a few kilobytes; spaCy refuses texts over one million characters.
DEFAULT_MAX_BYTES = 1_000_000
_FILE_READERS: dict[str, Callable[[bytes, str], Document]] = {
    ".txt": read_text,
    ".html": read_html,
    ".htm": read_html,
}
_RECORD_READERS = {".jsonl": read_jsonl, ".csv": read_csv}
SUFFIXES = frozenset(_FILE_READERS) | frozenset(_RECORD_READERS)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How inputs are found and read.

    Attributes:
        glob: only files whose name or path under the folder matches (fnmatch); by default
            every file with a supported extension.
        fields: names of the text, title, date and URL fields of JSON lines and CSV records.
        max_bytes: larger documents (a file, a record, standard input) are skipped.
        force: keep documents that are not in French.
        outside: folders whose files are never read from a folder named as an input (the
            build's output folder, whose ``graph.html`` would otherwise be read as an article
            when it lies under the inputs); a file named as an input is read all the same.
    """

    glob: str | None = None
    fields: RecordFields = field(default_factory=RecordFields)
    max_bytes: int = DEFAULT_MAX_BYTES
    force: bool = False
    outside: tuple[Path, ...] = ()


def find_files(
    paths: Iterable[Path], glob: str | None = None, outside: Iterable[Path] = ()
) -> Iterator[Path | Skipped]:
    """Expand files and folders (recursively, in a stable order, hidden entries and the folders
    ``outside`` aside) into the files to read; ``-`` stays as is (standard input)."""
    skipped = {p.resolve() for p in outside}
    for path in paths:
        if path == STDIN:
            yield path
        elif path.is_dir():
            yield from _walk(path, glob, skipped)
        elif path.is_file():
            yield path
        elif path.is_symlink():
            yield Skipped(str(path), f"broken symbolic link (to {os.readlink(path)})")
        else:
            yield Skipped(str(path), "no such file or folder")


def _walk(folder: Path, glob: str | None, outside: set[Path]) -> Iterator[Path | Skipped]:
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        yield from (Skipped(str(e.filename), _listing_error(e)) for e in errors)
        errors.clear()
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and not (outside and Path(root, d).resolve() in outside)
        )
        for name in sorted(files):
            path = Path(root, name)
            if name.startswith(".") or not _wanted(path, folder, glob):
                continue
            if not path.exists():
                yield Skipped(str(path), f"broken symbolic link (to {os.readlink(path)})")
            elif path.is_file():
                yield path
    yield from (Skipped(str(e.filename), _listing_error(e)) for e in errors)


def _listing_error(err: OSError) -> str:
    return f"cannot list folder ({err.strerror or err})"


def is_hidden(path: Path, folder: Path) -> bool:
    """Whether ``path`` under ``folder`` is hidden or in a hidden folder (reading ``folder``
    passes over it)."""
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def is_input(path: Path, folder: Path, glob: str | None = None) -> bool:
    """Whether reading ``folder`` reads the file at ``path`` (under it): not hidden (see
    :func:`is_hidden`), and of a supported kind or matching ``glob``. The file need not exist."""
    return not is_hidden(path, folder) and _wanted(path, folder, glob)


def _wanted(path: Path, folder: Path, glob: str | None) -> bool:
    if glob is None:
        return path.suffix.lower() in SUFFIXES
    relative = path.relative_to(folder).as_posix()
    return fnmatch.fnmatch(path.name, glob) or fnmatch.fnmatch(relative, glob)


def _read_path(path: Path, options: ReadOptions) -> Iterator[Document | InputError]:
    if path == STDIN:
        raw = sys.stdin.buffer.read(options.max_bytes + 1)
        if len(raw) > options.max_bytes:
            raise InputError(f"<stdin>: over the --max-bytes limit of {options.max_bytes:,}")
        reader = read_html if raw.lstrip()[:1] == b"<" else read_text
        yield reader(raw, "<stdin>")
        return
    suffix = path.suffix.lower()
    if suffix in _RECORD_READERS:
        yield from _RECORD_READERS[suffix](path, options.fields, options.max_bytes)
        return
    if suffix not in _FILE_READERS:
        supported = ", ".join(sorted(SUFFIXES))
        raise InputError(f"{path}: unsupported file type (supported: {supported})")
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            raise InputError(
                f"{path}: {size:,} bytes, over the --max-bytes limit of {options.max_bytes:,}"
            )
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from err
    yield _FILE_READERS[suffix](raw, str(path))


def _skip(err: InputError, fallback: str) -> Skipped:
    where, sep, reason = str(err).partition(": ")
    return Skipped(where, reason) if sep else Skipped(fallback, str(err))


def read_documents(
    paths: Iterable[Path],
    *,
    options: ReadOptions | None = None,
    language: Callable[[str], str | None] = detect_language,
) -> Iterator[Document | Skipped]:
    """Read every document under ``paths``; what cannot be used is yielded as ``Skipped``.

    Exact duplicates (same content hash) are read once; the copies are ``Skipped`` with
    ``duplicate`` set. Documents not in French (``language`` of the article body) are skipped
    unless ``options.force``.
    """
    options = options or ReadOptions()
    seen: dict[str, str] = {}
    for item in find_files(paths, options.glob, options.outside):
        if isinstance(item, Skipped):
            yield item
            continue
        try:
            for read in _read_path(item, options):
                if isinstance(read, InputError):
                    yield _skip(read, str(item))
                    continue
                yield _checked(read, seen, options, language)
        except InputError as err:
            yield _skip(err, str(item))


def _checked(
    document: Document,
    seen: dict[str, str],
    options: ReadOptions,
    detect: Callable[[str], str | None],
) -> Document | Skipped:
    if document.id in seen:
        return Skipped(
            document.source, f"duplicate of {seen[document.id]} (same text)", duplicate=True
        )
    language = detect(document.body)
    if language and language != "fr" and not options.force:
        return Skipped(
            document.source, f"not in French ({language_name(language)}; --force keeps it)"
        )
    seen[document.id] = document.source
    return dataclasses.replace(document, language=language or "fr")
