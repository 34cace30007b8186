"""Document graphs made in worker processes: the same graphs, cache entries and files as made in
the building process."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

import kg.build
import kg.render
import kg.stream
from kg.build import build, extract_all
from kg.cache import GraphCache
from kg.gazetteer import load_gazetteer
from kg.ingest import read_documents
from kg.model import DocResult, Document
from kg.rdf import content_hash
from kg.render import GraphEntry, Renderer, RenderError
from kg.resolve import resolve_corpus
from kg.store import open_store
from tests.conftest import SEEDS, SeedBuild, descendants, wait_gone


def _seed_results() -> tuple[list[DocResult], dict[str, str]]:
    documents = [d for d in read_documents([SEEDS]) if isinstance(d, Document)]
    results, failed = extract_all(documents)
    assert not failed
    _, _, rename = resolve_corpus(results, load_gazetteer())
    return results, rename


def _made(renderer: Renderer, results: list[DocResult], cache: GraphCache) -> list[object]:
    """Every seed graph, started before the first is taken, as quads and cache entry."""
    started = [
        renderer.start(
            pickle.dumps(r), r.document, None, content_hash(r.document), (cache, f"key{i:02}")
        )
        for i, r in enumerate(results)
    ]
    graphs = []
    for take in started:
        made = take()
        assert made is not None
        quads, entry = made
        if isinstance(quads, bytes):  # from a process: N-Quads, in order
            quads = list(ox.parse(quads, format=ox.RdfFormat.N_QUADS))
        graphs.append((quads, entry))
    return graphs


@pytest.mark.parametrize(("processes", "chunk"), [(2, 16), (1, 1), (2, 1)])
def test_render_processes_make_the_graphs_made_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: int, chunk: int
) -> None:
    """Worker processes give the graphs (quads in order, digest, file blocks, statements) made
    in this process, and put the same entries in the graph cache: in one task (the last
    chunk, not full, goes when asked for), or in tasks of one graph, one in ``2N + 1`` made by
    this process."""
    monkeypatch.setattr(kg.render, "CHUNK", chunk)
    sent: list[Any] = []
    send = Renderer._send

    def recorded(self: Renderer, chunk: Any) -> None:
        send(self, chunk)
        sent.append(chunk.here)

    monkeypatch.setattr(Renderer, "_send", recorded)
    results, rename = _seed_results()
    assert any(rename.get(k, k) != k for r in results for k in (m.key for m in r.mentions))
    here_cache, there_cache = GraphCache(tmp_path / "a", "m"), GraphCache(tmp_path / "b", "m")
    with Renderer(rename) as renderer:
        here = _made(renderer, results, here_cache)
    with Renderer(rename, processes) as renderer:
        there = _made(renderer, results, there_cache)
    if chunk > 1:
        assert sent == [False]
    else:
        assert sent == [(i + 1) % (2 * processes + 1) == 0 for i in range(len(results))]
        assert any(sent)
    assert there == here
    for i, (_, entry) in enumerate(here):
        assert isinstance(entry, GraphEntry)
        assert here_cache.get(f"key{i:02}") == entry == there_cache.get(f"key{i:02}")


def test_render_unreadable_result_is_none(tmp_path: Path) -> None:
    """Bytes that are not a pickled result (a damaged cache file) give None, here or there."""
    results, rename = _seed_results()
    document = results[0].document
    for processes in (0, 1):
        with Renderer(rename, processes) as renderer:
            assert renderer.start(b"not a pickle", document, None, "h")() is None
            assert renderer.start(pickle.dumps("text"), document, None, "h")() is None
            assert renderer.start(None, document, None, "h")() is None


def test_render_a_worker_killed_is_a_clear_error() -> None:
    results, rename = _seed_results()
    data = pickle.dumps(results[0])
    with Renderer(rename, 1) as renderer, pytest.raises(RenderError, match="stopped"):
        renderer.start(data, results[0].document, None, "h")()  # the process is up
        assert renderer.executor is not None
        for process in list(renderer.executor._processes.values()):
            process.kill()
            process.join()
        time.sleep(1)
        renderer.start(data, results[0].document, None, "h")()


def _quads(out: Path) -> set[ox.Quad]:
    store = open_store(out / "store")
    try:
        return set(store)
    finally:
        del store


@pytest.mark.parametrize("cache", [True, False])
def test_render_build_with_graph_processes_same_files(
    tmp_path: Path, seed_build: SeedBuild, monkeypatch: pytest.MonkeyPatch, cache: bool
) -> None:
    """A build whose graphs are made in two processes writes the seed build's files and store,
    from the cached results or from the spill of results (no cache); so does a second build
    into the same store (its graphs made again, compared with the store's)."""
    monkeypatch.setattr(kg.build, "_graph_processes", lambda workers, new: 2)
    started: list[int] = []

    class Counted(Renderer):
        def start(self, *args: Any, **kwargs: Any) -> Any:
            started.append(0 if self.executor is None else self.executor._max_workers)
            return super().start(*args, **kwargs)

    monkeypatch.setattr(kg.stream, "Renderer", Counted)
    out = tmp_path / "out"
    if cache:  # the seed build's results, not its graphs: every graph is made again
        shutil.copytree(seed_build.out / "cache", out / "cache")
        for graphs in (out / "cache").glob("*/graphs"):
            shutil.rmtree(graphs)
    expected = _quads(seed_build.out)
    for _ in range(2):
        summary = build([SEEDS], out=out, html=False, cache=cache)
        for name in ("graph.ttl", "graph.trig"):
            assert (out / name).read_bytes() == (seed_build.out / name).read_bytes(), name
        assert _quads(out) == expected
        assert started == [2] * summary.documents
        started.clear()
        if cache:
            assert len(list((out / "cache").glob("*/graphs/*/*.pickle"))) == summary.documents
            for graphs in (out / "cache").glob("*/graphs"):
                shutil.rmtree(graphs)


def test_render_processes_end_with_a_killed_build(tmp_path: Path) -> None:
    """A graph-making process whose building process is killed outright ends too."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import time\n"
        "from kg.render import Renderer\n"
        "if __name__ == '__main__':\n"
        "    renderer = Renderer({}, 1)\n"
        "    renderer.catalogue(['<urn:s> <urn:p> <urn:o> <urn:g> .\\n'])()\n"
        "    print('ready', flush=True)\n"
        "    time.sleep(120)\n",
        encoding="utf-8",
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE)
    try:
        assert parent.stdout is not None and parent.stdout.readline() == b"ready\n"
        below = descendants(parent.pid)
        assert below  # the graph-making process (and multiprocessing's resource tracker)
        parent.kill()
        parent.wait(timeout=30)
        assert wait_gone(below) == []
    finally:
        if parent.poll() is None:
            parent.kill()
