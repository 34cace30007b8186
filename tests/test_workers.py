"""``--workers N``: spaCy in N spawned processes gives the same results as one process."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kg.build import extract_all
from kg.cli import app
from kg.ingest import read_documents
from kg.model import Document
from kg.parallel import batches, extract_processes
from tests.conftest import SEEDS, SeedBuild


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


def test_workers_cli_build_same_bytes(tmp_path: Path, seed_build: SeedBuild) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", str(SEEDS), "-o", str(out), "--workers", "2", "--no-cache", "--no-html"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "graph.trig").read_bytes() == (seed_build.out / "graph.trig").read_bytes()
    assert not (out / "cache").exists()
