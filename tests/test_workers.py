"""``--workers N``: spaCy in N spawned processes gives the same results as one process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import kg.parallel
import kg.pool
from kg import annotate
from kg.build import extract_all
from kg.cli import app
from kg.ingest import read_documents
from kg.model import Document
from kg.extract.noise import blank_furniture
from kg.parallel import annotate_batch, batches, extract_annotated, extract_processes
from kg.pool import WorkerError, WorkerPool
from tests.conftest import SEEDS, SeedBuild

INPUTS = Path(__file__).resolve().parent / "inputs" / "mixed"


def _seeds() -> list[Document]:
    return [d for d in read_documents([SEEDS]) if isinstance(d, Document)]


def test_workers_two_processes_equal_one() -> None:
    documents = _seeds()
    parallel = list(extract_processes(documents, model="fr_core_news_md", workers=2))
    local, failed = extract_all(documents)
    assert not failed
    assert parallel == local


def test_workers_batches_cover_every_document_in_order() -> None:
    assert [b for b in batches(range(7), 3)] == [[0, 1, 2], [3, 4, 5], [6]]


@pytest.mark.parametrize("workers", ["2", "0"])
def test_workers_cli_build_same_bytes(tmp_path: Path, seed_build: SeedBuild, workers: str) -> None:
    """Two worker processes, or none (spaCy in the building process): the same graph."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", str(SEEDS), "-o", str(out), "--workers", workers, "--no-cache", "--no-html"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "graph.trig").read_bytes() == (seed_build.out / "graph.trig").read_bytes()
    assert not (out / "cache").exists()


@pytest.mark.parametrize("rules_here", [True, False])
def test_workers_pool_fed_one_document_at_a_time_keeps_the_order(
    rules_here: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents handed to the pool as they are read come back under their keys, in order,
    equal to this process's results, whether the rules run here or in the workers; the last
    partial batch is shared out among the workers. With the rules here, the first batch is
    extracted whole by a worker (this process loads the vocabulary meanwhile), the others are
    annotated there and their rules run here."""
    monkeypatch.setattr(kg.pool, "BATCH_SIZE", 2)
    here: list[str] = []
    rules = kg.parallel.extract_annotated

    def counted(document: Document, *args: Any, **kwargs: Any) -> Any:
        here.append(document.source)
        return rules(document, *args, **kwargs)

    monkeypatch.setattr(kg.parallel, "extract_annotated", counted)
    documents = _seeds()
    local, _ = extract_all(documents)
    taken = []
    with WorkerPool("fr_core_news_md", 2) as pool:
        pool.rules_here = rules_here
        for key, document in zip(range(10, 10 + len(documents)), documents, strict=True):
            taken += pool.submit(key, document)
        taken += pool.finish()
    assert [key for key, _ in taken] == list(range(10, 10 + len(documents)))
    assert [outcome for _, outcome in taken] == local
    assert here == ([d.source for d in documents[2:]] if rules_here else [])


def test_workers_pool_less_than_a_batch_leaves_the_rules_to_the_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fewer documents than a batch (a rebuild after one changed) are extracted whole by the
    worker: this process loads neither the model nor its vocabulary."""
    monkeypatch.setattr(annotate, "VOCABULARIES", {})
    documents = _seeds()
    assert len(documents) < kg.pool.BATCH_SIZE
    local, _ = extract_all(documents)
    with WorkerPool("fr_core_news_md", 1) as pool:
        pool.rules_here = True
        taken = [o for d in documents for _, o in pool.submit(0, d)] + [o for _, o in pool.finish()]
    assert taken == local
    assert annotate.VOCABULARIES == {}


def test_workers_pool_unused_starts_nothing() -> None:
    pool = WorkerPool("fr_core_news_md", 2)
    assert list(pool.finish()) == []
    pool.close()


def _cli_build(out: Path, machine: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``kg build`` of the seeds in a process of its own (``machine``: its ``KG_CACHE_DIR``);
    its stderr ends with the models that process loaded whole, those it loaded the vocabulary
    of, and whether it imported spaCy."""
    env = dict(os.environ, KG_CACHE_DIR=str(machine)) if machine else None
    return subprocess.run(
        [sys.executable, "-c",
         "import sys\n"
         "from kg.cli import app\n"
         "try:\n"
         "    app()\n"
         "finally:\n"
         "    annotate = sys.modules.get('kg.annotate')\n"
         "    print(list(getattr(annotate, 'LOADED', [])),\n"
         "          list(getattr(annotate, 'VOCABULARIES', [])), 'spacy' in sys.modules,\n"
         "          file=sys.stderr)\n",
         "build", str(SEEDS), "-o", str(out), "--no-html"],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip


def test_workers_fresh_process_extracts_in_a_worker(tmp_path: Path, seed_build: SeedBuild) -> None:
    """``kg build`` in a process of its own runs the extraction in a worker process while it
    reads; the graph equals the seed build's, byte for byte. The worker keeps
    the tokenizer's compiled pattern in the machine's cache folder (``KG_CACHE_DIR``), and the
    next build's worker, into another output folder, reads it back (the file is not written
    again) with the same result."""
    out, machine = tmp_path / "out", tmp_path / "machine"
    done = _cli_build(out, machine)
    assert done.returncode == 0, done.stderr
    # The building process loaded nothing of the model, nor spaCy: the five seeds, less than a
    # batch, were extracted whole in the worker.
    assert done.stderr.rstrip().endswith("[] [] False"), done.stderr
    assert (out / "graph.trig").read_bytes() == (seed_build.out / "graph.trig").read_bytes()
    (compiled,) = (machine / "compiled").iterdir()
    assert not (out / "cache" / "compiled").exists()
    written = compiled.stat().st_mtime_ns
    other = tmp_path / "other"  # no cached result: all is extracted again
    done = _cli_build(other, machine)
    assert done.returncode == 0, done.stderr
    assert compiled.stat().st_mtime_ns == written
    assert list((machine / "compiled").iterdir()) == [compiled]
    assert (other / "graph.trig").read_bytes() == (seed_build.out / "graph.trig").read_bytes()


def test_workers_pool_unknown_model_fails_before_any_worker_starts() -> None:
    pool = WorkerPool("fr_no_such_model", 1)
    with pytest.raises(WorkerError, match="fr_no_such_model.*not installed"):
        list(pool.submit(0, _seeds()[0]))
    assert pool._executor is None
    pool.close()


def test_workers_pool_a_worker_killed_is_a_clear_error() -> None:
    """A worker that dies (killed, out of memory) stops the build with one clear error."""
    documents = _seeds()
    with WorkerPool("fr_core_news_md", 1) as pool, pytest.raises(WorkerError, match="stopped"):
        list(pool.submit(0, documents[0]))
        assert pool._executor is not None
        for process in list(pool._executor._processes.values()):
            process.kill()
            process.join()
        time.sleep(1)  # the pool notices, whether before or after the batch goes out
        list(pool.finish())


def test_workers_rules_on_annotated_bytes_equal_the_rules_on_the_doc() -> None:
    """What a worker sends back (``Doc.to_bytes``), read into the model's vocabulary alone,
    gives the rules the same results as the ``Doc`` the whole pipeline made."""
    documents = [*_seeds(), *(d for d in read_documents([INPUTS]) if isinstance(d, Document))]
    data = annotate_batch([blank_furniture(d.body) for d in documents], "fr_core_news_md")
    local, failed = extract_all(documents)
    assert not failed and len(local) == len(documents) > 5
    pairs = zip(documents, data, strict=True)
    assert [extract_annotated(d, b, "fr_core_news_md") for d, b in pairs] == local


def test_workers_set_the_loaded_model_apart_from_the_garbage_collector() -> None:
    """A worker's initializer loads the model, then freezes what it made (``gc.freeze``): the
    collector no longer walks the model's objects after each batch."""
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        1, mp_context=context, initializer=kg.pool._load, initargs=("fr_core_news_md", None)
    ) as executor:
        frozen = executor.submit(gc.get_freeze_count).result()
    # The pipeline's Python objects: hundreds of thousands (none before the initializer ran).
    assert frozen > 100_000
