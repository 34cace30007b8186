"""Very large regular expressions compiled once, kept on disk, and reused by later processes.

spaCy's French tokenizer matches hyphenated words with one pattern of 1.4 million characters,
case-insensitive over every letter class (``spacy.lang.fr.tokenizer_exceptions.TOKEN_MATCH``).
Python's ``re`` parses and compiles it in pure Python each time a process imports the French
language: 5–8 s on a 2-core machine, most of the model's load and more than the rest of a
one-document rebuild. What ``re`` hands to ``_sre`` at the end is a flat list of integers, so
:func:`reuse_compiled` keeps that list in a file named by a hash of the Python version, the
flags and the pattern, and gives it straight back to ``_sre`` in the next process.

A build keeps these files in one folder for the whole machine (:func:`machine_folder`), so a
build into a new output folder does not compile the pattern again either.

The file holds a SHA-256 of the code it stores; a file that is missing, damaged, written by
another Python, or refused by ``_sre`` is ignored and the pattern compiled as usual (and the file
written anew). The pattern object is the one ``re.compile`` would give: same code, flags and
groups.
"""

from __future__ import annotations

import array
import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from re import Pattern
from typing import Any

from kg import fileio
from kg.errors import KgError

log = logging.getLogger(__name__)

LARGE = 100_000
"""Patterns at least this long (in characters) go through the cache; shorter ones compile in
well under a second and are left to ``re``."""

_Compile = Callable[[Any, int], Pattern[Any]]

FOLDER_VARIABLE = "KG_CACHE_DIR"
"""The environment variable naming kg's machine-wide cache folder."""


def machine_folder() -> Path | None:
    """Where builds keep compiled patterns on this machine: ``$KG_CACHE_DIR/compiled``, else
    ``$XDG_CACHE_HOME/kg/compiled``, else ``~/.cache/kg/compiled``; None when there is no home
    folder to put it in."""
    chosen = os.environ.get(FOLDER_VARIABLE)
    if chosen:
        return Path(chosen) / "compiled"
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "kg" / "compiled"
    try:
        return Path.home() / ".cache" / "kg" / "compiled"
    except RuntimeError:  # no HOME and no password entry
        return None


@contextmanager
def reuse_compiled(folder: Path | None) -> Iterator[None]:
    """While the block runs, large patterns are compiled through the cache in ``folder`` (no
    cache when ``folder`` is None, or when this Python's ``re`` is not laid out as expected)."""
    try:
        import _sre
        from re import _compiler, _parser  # type: ignore[attr-defined]

        original: _Compile = _compiler.compile
        usable = _sre.CODESIZE == array.array("I").itemsize and callable(_compiler._code)
    except (ImportError, AttributeError):
        usable = False
    if folder is None or not usable:
        yield
        return

    def compile(pattern: Any, flags: int = 0) -> Pattern[Any]:
        if not isinstance(pattern, str) or len(pattern) < LARGE:
            return original(pattern, flags)
        try:
            return _compile_cached(folder, pattern, flags, _sre, _compiler, _parser)
        except (AttributeError, TypeError) as err:  # another layout of re's internals
            log.debug("pattern compiled without the cache (%s)", err)
            return original(pattern, flags)

    _compiler.compile = compile
    try:
        yield
    finally:
        _compiler.compile = original


def pattern_file(folder: Path, pattern: str, flags: int) -> Path:
    """Where the compiled code of ``pattern`` with ``flags`` is kept under ``folder``."""
    key = hashlib.sha256(f"{sys.version}\0{flags}\0{pattern}".encode()).hexdigest()[:32]
    return folder / f"pattern-{key}.bin"


def _compile_cached(
    folder: Path, pattern: str, flags: int, sre: Any, compiler: Any, parser: Any
) -> Pattern[str]:
    path = pattern_file(folder, pattern, flags)
    try:
        header, _, body = path.read_bytes().partition(b"\n")
        meta = json.loads(header)
        if hashlib.sha256(body).hexdigest() != meta["sha256"]:
            raise ValueError("checksum")
        code = array.array("I")
        code.frombytes(body)
        return sre.compile(  # type: ignore[no-any-return]
            pattern,
            meta["flags"],
            code.tolist(),
            meta["groups"],
            meta["groupindex"],
            tuple(meta["indexgroup"]),
        )
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, OverflowError) as err:
        log.debug("%s: compiled pattern not reused (%s)", path, err)
    # As re._compiler.compile does, keeping what it gives _sre.
    parsed = parser.parse(pattern, flags)
    code = array.array("I", compiler._code(parsed, flags))
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, number in groupindex.items():
        indexgroup[number] = name
    meta = {
        "flags": flags | parsed.state.flags,
        "groups": parsed.state.groups - 1,
        "groupindex": groupindex,
        "indexgroup": indexgroup,
        "sha256": hashlib.sha256(code.tobytes()).hexdigest(),
    }
    compiled = sre.compile(
        pattern, meta["flags"], code.tolist(), meta["groups"], groupindex, tuple(indexgroup)
    )
    try:
        fileio.write_bytes(path, json.dumps(meta).encode("utf-8") + b"\n" + code.tobytes())
    except KgError as err:  # a read-only cache only costs the next process the compiling
        log.debug("%s", err)
    return compiled  # type: ignore[no-any-return]
