"""The extraction cache: a document is reused only when its text and the pipeline are unchanged."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import spacy

from kg import annotate
from kg.build import build, extract_all
from kg.cache import ResultCache, document_key, pipeline_version
from kg.ingest import parse_document
from kg.model import Document
from tests.conftest import SEEDS, SeedBuild

TEXT = "Le président français Emmanuel Macron s'est rendu à Pékin, où il a rencontré Xi Jinping."


def _document(text: str = TEXT, source: str = "a.txt") -> Document:
    return parse_document(text, source)


def test_cache_hit_returns_the_stored_result(tmp_path: Path) -> None:
    document = _document()
    (fresh,), _ = extract_all([document], cache_dir=tmp_path)
    assert fresh.facts
    # An entry written by hand is what a hit returns: the pipeline does not run again.
    ResultCache(tmp_path, "fr_core_news_md").put(replace(fresh, facts=()))
    (again,), _ = extract_all([document], cache_dir=tmp_path)
    assert again.facts == ()
    assert again.document == document


def test_cache_hit_takes_the_current_source(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "fr_core_news_md")
    (result,), _ = extract_all([_document()], cache_dir=tmp_path)
    moved = _document(source="renamed.txt")
    hit = cache.get(moved)
    assert hit is not None and hit.document.source == "renamed.txt"
    assert hit.facts == result.facts


def test_cache_misses_when_the_text_changes(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "fr_core_news_md")
    extract_all([_document()], cache_dir=tmp_path)
    changed = _document(TEXT + " Ils ont signé un accord.")
    assert cache.get(changed) is None
    assert document_key(changed) != document_key(_document())


def test_cache_unreadable_entry_is_a_miss_and_rewritten(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "fr_core_news_md")
    document = _document()
    extract_all([document], cache_dir=tmp_path)
    (entry,) = tmp_path.rglob("*.pickle")
    entry.write_bytes(b"not a pickle")
    assert cache.get(document) is None
    (result,), _ = extract_all([document], cache_dir=tmp_path)
    assert result.facts
    assert cache.get(document) == result


def test_cache_pipeline_version_depends_on_the_model() -> None:
    assert pipeline_version("fr_core_news_md") != pipeline_version("fr_core_news_sm")
    assert pipeline_version("fr_core_news_md") == pipeline_version("fr_core_news_md")


def test_cache_rebuild_gives_the_same_bytes(tmp_path: Path, seed_build: SeedBuild) -> None:
    out = tmp_path / "out"
    build([SEEDS], out=out, html=False)
    (version,) = (out / "cache").iterdir()
    results = [p for p in version.glob("??/*.pickle")]
    graphs = list((version / "graphs").rglob("*.pickle"))
    assert len(results) == len(graphs) == seed_build.summary.documents
    assert (version / "memo.pickle").is_file()
    first = [(out / name).read_bytes() for name in ("graph.ttl", "graph.trig")]
    again = build([SEEDS], out=out, html=False)
    # Nothing changed: no graph is made again, the files come from the graph cache.
    assert again.store_update is not None and again.store_update.written == ()
    assert again.store_update.unchanged == seed_build.summary.documents
    assert [(out / name).read_bytes() for name in ("graph.ttl", "graph.trig")] == first
    assert first[1] == (seed_build.out / "graph.trig").read_bytes()


def test_cache_off_writes_no_cache(tmp_path: Path) -> None:
    build([SEEDS / "000_1ff86d23f0ea9ca0.txt"], out=tmp_path, html=False, cache=False)
    assert not (tmp_path / "cache").exists()


def test_cache_all_cached_does_not_touch_the_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _document()
    extract_all([document], cache_dir=tmp_path)

    def no_load(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(annotate, "LOADED", {})
    monkeypatch.setattr(spacy, "load", no_load)
    (result,), _ = extract_all([document], cache_dir=tmp_path)
    assert result.facts


def test_cache_graphs_follow_the_corpus_canonical_keys(tmp_path: Path) -> None:
    """A document unchanged while another one arrives: when the newcomer changes the canonical
    key of one of its people (a spelling seen more often), its graph is made again; the result
    equals a fresh build."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Le négociateur russe Vladimir Medinski a rencontré mardi à Istanbul la délégation "
        "ukrainienne.\n",
        encoding="utf-8",
    )
    first = build([folder], out=tmp_path / "out", html=False)
    (folder / "b.txt").write_text(
        "Le conseiller Vladimir Medinsky a dirigé la délégation russe à Istanbul. Vladimir "
        "Medinsky a rencontré mercredi le ministre turc.\n",
        encoding="utf-8",
    )
    second = build([folder], out=tmp_path / "out", html=False)
    fresh = build([folder], out=tmp_path / "fresh", html=False)
    for name in ("graph.ttl", "graph.trig"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes()
    text = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "person:vladimir-medinsky" in text and "person:vladimir-medinski" not in text
    assert first.store_update is not None and second.store_update is not None
    (a,) = first.store_update.written
    assert a in second.store_update.written  # a.txt's graph was made again
    assert second.store_update.unchanged == 0 and fresh.quads == second.quads


def test_cache_rebuild_reads_compact_copies_not_full_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild takes each cached document's compact copy from the memo: with every graph in
    the graph cache, no full result is read, and the files are the same."""
    paths = [SEEDS / "000_1ff86d23f0ea9ca0.txt", SEEDS / "001_3eba1f2502d05c01.txt"]
    out = tmp_path / "out"
    build(paths, out=out, html=False)
    first = (out / "graph.trig").read_bytes()

    def no_read(self: ResultCache, document: Document) -> None:
        raise AssertionError(f"full result of {document.source} read")

    monkeypatch.setattr(ResultCache, "get", no_read)
    again = build(paths, out=out, html=False)
    assert again.store_update is not None and again.store_update.unchanged == 2
    assert (out / "graph.trig").read_bytes() == first


def test_cache_result_files_gone_are_extracted_again(tmp_path: Path) -> None:
    """The memo's compact copy counts only while the full result is in the cache: results and
    graphs removed, the documents are extracted again and the files are the same."""
    paths = [SEEDS / "000_1ff86d23f0ea9ca0.txt", SEEDS / "001_3eba1f2502d05c01.txt"]
    out = tmp_path / "out"
    build(paths, out=out, html=False)
    first = (out / "graph.trig").read_bytes()
    (version,) = (out / "cache").iterdir()
    for path in [*version.glob("??/*.pickle"), *(version / "graphs").rglob("*.pickle")]:
        path.unlink()
    build(paths, out=out, html=False)
    assert (out / "graph.trig").read_bytes() == first
    assert len(list(version.glob("??/*.pickle"))) == 2


def test_cache_build_collects_garbage_less_often_and_restores_the_setting(tmp_path: Path) -> None:
    """During a build the cyclic collector waits for ``YOUNG_OBJECTS`` new objects (a rebuild
    spent a tenth of its time in collections); the caller's setting is back afterwards, even
    when the build fails."""
    import gc

    from kg.build import YOUNG_OBJECTS
    from kg.errors import KgError

    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []
    build(
        sorted(SEEDS.glob("*.txt"))[:1],
        out=tmp_path / "out",
        html=False,
        progress=lambda *_: during.append(gc.get_threshold()),
    )
    assert during and all(t == (YOUNG_OBJECTS, *before[1:]) for t in during)
    assert gc.get_threshold() == before
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(KgError):
        build([SEEDS], out=tmp_path / "file", html=False)
    assert gc.get_threshold() == before
