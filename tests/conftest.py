"""Shared fixtures: the real pipeline and one seed build per test session."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib

from kg.annotate import load_pipeline
from kg.build import Summary, build

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT / "tests" / "gold"


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (Linux /proc); threads and processes that end while it
    looks are passed over."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        for child in children:
            found += [int(child), *descendants(int(child))]
    return found


def running(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie that no one has reaped yet does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def wait_gone(pids: list[int], seconds: float = 30.0) -> list[int]:
    """Wait until none of ``pids`` runs, for at most ``seconds``; returns those still running."""
    deadline = time.monotonic() + seconds
    while (alive := [p for p in pids if running(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


@dataclass(frozen=True)
class SeedBuild:
    """A build of the seed articles."""

    out: Path
    summary: Summary
    dataset: rdflib.Dataset

    @property
    def union(self) -> rdflib.Graph:
        """All named graphs merged (rdflib's Dataset methods see only its default graph)."""
        graph = rdflib.Graph()
        for s, p, o, _ in self.dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph


@pytest.fixture(scope="session", autouse=True)
def machine_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """kg's machine-wide cache folder (``KG_CACHE_DIR``) for this session, not the user's."""
    folder = tmp_path_factory.mktemp("machine-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> SeedBuild:
    """The seed graph, built once with the default model, loaded in the test process: later
    builds reuse it rather than start worker processes that load it again."""
    load_pipeline()
    out = tmp_path_factory.mktemp("seed-build")
    summary = build([SEEDS], out=out)
    dataset = rdflib.Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    return SeedBuild(out, summary, dataset)
