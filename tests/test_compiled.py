"""Large patterns compiled once and reused: the same pattern object as ``re.compile`` gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from spacy.lang.fr.tokenizer_exceptions import TOKEN_MATCH

from kg.compiled import LARGE, machine_folder, pattern_file, reuse_compiled
from kg.ingest import read_documents
from kg.model import Document
from kg.stream import Caches
from tests.conftest import SEEDS

# Enough words to pass LARGE, with named groups and a case-insensitive flag inline.
_WORDS = [f"mot{n}-{n % 7}x" for n in range(LARGE // 8)]
_PATTERN = "(?i)(?P<head>" + "|".join(_WORDS) + r")(?P<tail>\d*)$"
_SAMPLES = ["MOT12-5X", "mot12-5x34", "mot12-5", "xmot3-3x", "Mot9999-3X0", "", "mot0-0x"]


def _compile(pattern: str, folder: Path | None) -> re.Pattern[str]:
    re.purge()  # re keeps its own cache per process: go through the compiler each time
    with reuse_compiled(folder):
        return re.compile(pattern)


def _same(got: re.Pattern[str], expected: re.Pattern[str], samples: list[str]) -> None:
    assert (got.pattern, got.flags, got.groups) == (
        expected.pattern,
        expected.flags,
        expected.groups,
    )
    assert got.groupindex == expected.groupindex
    for text in samples:
        a, b = got.match(text), expected.match(text)
        assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict())), text


def test_compiled_second_compile_reads_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _compile(_PATTERN, None)
    first = _compile(_PATTERN, tmp_path)
    path = pattern_file(tmp_path, _PATTERN, 0)
    assert path.is_file()
    _same(first, expected, _SAMPLES)

    def no_parse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(re._parser, "parse", no_parse)  # type: ignore[attr-defined]
    _same(_compile(_PATTERN, tmp_path), expected, _SAMPLES)


def test_compiled_damaged_file_is_compiled_again_and_rewritten(tmp_path: Path) -> None:
    expected = _compile(_PATTERN, None)
    _compile(_PATTERN, tmp_path)
    path = pattern_file(tmp_path, _PATTERN, 0)
    good = path.read_bytes()
    for damaged in (good[:-4] + b"\xff\xff\xff\xff", good[: len(good) // 2], b"not json\n"):
        path.write_bytes(damaged)
        _same(_compile(_PATTERN, tmp_path), expected, _SAMPLES)
        assert path.read_bytes() == good


def test_compiled_small_patterns_and_no_folder_leave_nothing(tmp_path: Path) -> None:
    _compile("(?i)mot[0-9]+", tmp_path)
    _compile(_PATTERN, None)
    assert list(tmp_path.iterdir()) == []
    assert re._compiler.compile.__module__ == "re._compiler"  # type: ignore[attr-defined]


def test_compiled_read_only_folder_still_compiles(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    _same(_compile(_PATTERN, blocker / "sub"), _compile(_PATTERN, None), _SAMPLES)


def test_compiled_french_tokenizer_pattern_matches_as_spacy_s(tmp_path: Path) -> None:
    """spaCy's own French TOKEN_MATCH, through the cache and back from the file, accepts and
    refuses exactly the same tokens (every hyphenated or elided word of the seeds, and their
    variants in case)."""
    spacy_s: re.Pattern[str] = TOKEN_MATCH.__self__  # type: ignore[attr-defined]
    assert len(spacy_s.pattern) >= LARGE
    words = {
        word.strip('.,;:!?«»()"')
        for document in read_documents([SEEDS])
        if isinstance(document, Document)
        for word in document.text.split()
        if "-" in word or "'" in word or "’" in word
    }
    samples = sorted(words | {w.upper() for w in words} | {"saut-de-ski", "Arc-en-ciel"})
    assert any(spacy_s.match(w) for w in samples) and not all(spacy_s.match(w) for w in samples)
    for _ in range(2):  # compiled and written, then read back
        _same(_compile(spacy_s.pattern, tmp_path), spacy_s, samples)


def test_compiled_machine_folder_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``KG_CACHE_DIR`` first, then ``XDG_CACHE_HOME`` (when absolute), then the home folder."""
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "kg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert machine_folder() == tmp_path / "kg" / "compiled"
    monkeypatch.delenv("KG_CACHE_DIR")
    assert machine_folder() == tmp_path / "xdg" / "kg" / "compiled"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert machine_folder() == tmp_path / "home" / ".cache" / "kg" / "compiled"


def test_compiled_build_keeps_the_pattern_for_the_machine_not_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build with its caches uses the machine's folder; ``--no-cache`` uses none."""
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "kg"))
    assert Caches(tmp_path / "out" / "cache", "fr_core_news_md").compiled == (
        tmp_path / "kg" / "compiled"
    )
    assert Caches(None, "fr_core_news_md").compiled is None
