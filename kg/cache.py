"""The extraction cache: one document's ``DocResult`` per file, keyed by content and pipeline.

A result is reused only when the document's text (with its metadata date) and the whole
pipeline are unchanged: the kg version, the spaCy version, the model's name and version, and a
digest of the package's code and of the ontology and gazetteer files. Each pipeline version has
its own folder (``out/cache/<version>/``), so a change of code or model never reads an old
result. Files are written atomically (a temporary file renamed into place): an interrupted build
leaves no half-written entry, and concurrent writers of the same entry write the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from kg.model import DocResult, Document

log = logging.getLogger(__name__)

_PACKAGE = Path(__file__).resolve().parent
_ONTOLOGY = _PACKAGE.parent / "ontology"


def _files_digest(*folders: Path) -> str:
    """SHA-256 over the names and contents of the code and data files under ``folders``."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".ttl", ".tsv", ".json"):
                digest.update(str(path.relative_to(folder)).encode("utf-8") + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _model_version(model: str) -> str:
    """The installed model package's version, or a digest of a model folder's ``meta.json``."""
    meta = Path(model) / "meta.json"
    if meta.is_file():
        return hashlib.sha256(meta.read_bytes()).hexdigest()
    try:
        return metadata.version(model)
    except metadata.PackageNotFoundError:
        return "unknown"


@cache
def pipeline_version(model: str) -> str:
    """A digest naming everything an extraction result depends on besides the document.

    >>> len(pipeline_version("fr_core_news_md"))
    16
    """
    try:
        kg_version = metadata.version("kg")
    except metadata.PackageNotFoundError:
        kg_version = "unknown"
    parts = (
        kg_version,
        metadata.version("spacy"),
        model,
        _model_version(model),
        _files_digest(_PACKAGE, _ONTOLOGY),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def document_key(document: Document) -> str:
    """The cache key of a document: what the extraction reads of it (text and metadata date)."""
    parts = (document.text, str(document.body_start), document.date or "")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class ResultCache:
    """Extraction results of one pipeline version under ``root/<version>/``."""

    def __init__(self, root: Path, model: str) -> None:
        self.folder = root / pipeline_version(model)

    def _path(self, document: Document) -> Path:
        key = document_key(document)
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, document: Document) -> DocResult | None:
        """The cached result of ``document`` (with this document's source and title), if any.

        An unreadable entry counts as a miss and is rewritten by the next ``put``.
        """
        result = _read(self._path(document))
        if not isinstance(result, DocResult):
            return None
        return replace(result, document=document)

    def raw(self, document: Document) -> bytes | None:
        """The cached result of ``document`` as stored (pickled, with the document it was read
        from, which the reader replaces as :meth:`get` does), or None."""
        try:
            return self._path(document).read_bytes()
        except OSError:
            return None

    def has(self, document: Document) -> bool:
        """Whether a result of ``document`` is stored (readable or not)."""
        return self._path(document).is_file()

    def put(self, result: DocResult) -> None:
        """Store a result atomically; a cache that cannot be written is logged, not fatal."""
        _write(self._path(result.document), result)


def _read(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError) as err:
        log.debug("%s: unreadable cache entry (%s)", path, err)
        return None


def _write(path: Path, item: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "wb", dir=path.parent, prefix=".tmp-", delete=False
        ) as handle:
            pickle.dump(item, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError as err:
        log.warning("%s: cannot write the cache (%s)", path.parent, err)


class GraphCache:
    """What each document graph added to the graph files and the store (``writers.Blocks`` and
    the graph's digest), under ``root/<version>/graphs/``, keyed by everything the graph depends
    on: a rebuild copies the blocks of an unchanged document instead of making its graph again."""

    def __init__(self, root: Path, model: str) -> None:
        self.folder = root / pipeline_version(model) / "graphs"

    def get(self, key: str) -> Any:
        """The entry stored under ``key``, or None."""
        return _read(self.folder / key[:2] / f"{key}.pickle")

    def put(self, key: str, entry: object) -> None:
        """Store an entry atomically (not fatal when it cannot be written)."""
        _write(self.folder / key[:2] / f"{key}.pickle", entry)


_MISSING = object()


class Memo:
    """Small values computed from a document's text (its language, date, near-duplicate
    signature and the compact copy of its extraction result) or from two texts (their
    similarity), kept from one build to the next in one file, ``root/<version>/memo.pickle``.

    Only the values a build used are written back, so the file follows the corpus.
    """

    def __init__(self, root: Path | None, model: str) -> None:
        self.path = root / pipeline_version(model) / "memo.pickle" if root else None
        old = _read(self.path) if self.path else None
        self.old: dict[str, Any] = old if isinstance(old, dict) else {}
        self.new: dict[str, Any] = {}

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The value of ``key``, computed (and kept) when not known."""
        value = self.new.get(key, _MISSING)
        if value is _MISSING:
            value = self.old.get(key, _MISSING)
            if value is _MISSING:
                value = compute()
            self.new[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` under ``key`` for this build and the next."""
        self.new[key] = value

    def save(self) -> None:
        """Write the values used by this build (when they differ from the file's)."""
        if self.path is not None and self.new != self.old:
            _write(self.path, self.new)
