"""The build benchmark runs end to end at a tiny scale (timings are measured, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from corpus import paragraphs, source_texts, write_corpus  # noqa: E402

from kg.duplicates import near_duplicates  # noqa: E402
from kg.model import Document  # noqa: E402


def test_bench_corpus_documents_are_unique_and_not_near_duplicates(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "corpus", 4 * len(source_texts()) + 1)
    texts = [p.read_text(encoding="utf-8") for p in paths]
    assert len(set(texts)) == len(texts)
    sources = [paragraphs(text) for _, text in source_texts()]
    for number in (0, 1, len(sources)):  # an article's lead, then paragraphs of the articles
        blocks = paragraphs(texts[number])
        assert blocks[0] == sources[number % len(sources)][0]
        assert all(any(b in article for article in sources) for b in blocks[1:-1])
    documents = [Document(str(i), t, str(i)) for i, t in enumerate(texts)]
    assert near_duplicates(documents) == []


def test_bench_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--docs", "4", "--mem-docs", "2,4"]
    command += ["--triples", "3000", "--runs", "1", "--json", str(out), "--work", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert set(results) >= {
        "machine", "model", "docs", "words", "raw_pipe", "build", "build_no_cache", "ratio",
        "workers", "rebuild", "memory", "store", "queries",
    }  # fmt: skip
    assert results["docs"] == 4
    assert set(results["ratio"]) >= {"docs_per_s_whole", "extraction_stage"}
    assert set(results["workers"]) >= {"workers_1", "workers_2", "speedup_whole"}
    assert set(results["memory"]["peak_rss_mib"]) == {"2", "4"}
    # As kg watch rebuilds: the one document changed, extracted again by the resident model.
    resident = results["rebuild"]["resident"]
    assert resident["docs"] == 4 and resident["extracted"] == 1
    # The build's worker process holds the model: the sum over the process tree is the larger.
    tree, largest = results["memory"]["peak_tree_rss_mib"], results["memory"]["peak_rss_mib"]
    assert all(tree[n] > largest[n] for n in ("2", "4")), (tree, largest)
    assert results["store"]["quads"] >= 3000
    assert {p.stem for p in (ROOT / "queries").glob("*.rq")} == set(results["queries"])
    assert all("median_ms" in q for q in results["queries"].values())
    assert "ratio kg build / raw" in done.stdout
