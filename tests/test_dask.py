"""``kg build --dask ADDRESS``: extraction on a real two-process Dask cluster on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app
from tests.conftest import SEEDS, SeedBuild


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Two worker processes, one thread each, on 127.0.0.1."""
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local


def test_dask_build_equals_local_build(
    tmp_path: Path, cluster: LocalCluster, seed_build: SeedBuild
) -> None:
    summary = build([SEEDS], out=tmp_path, html=False, cache=False, dask=cluster.scheduler_address)
    assert summary.documents == seed_build.summary.documents
    assert (tmp_path / "graph.trig").read_bytes() == (seed_build.out / "graph.trig").read_bytes()
    assert (tmp_path / "graph.ttl").read_bytes() == (seed_build.out / "graph.ttl").read_bytes()


def test_dask_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["build", str(SEEDS), "-o", str(tmp_path), "--no-cache", "--dask", "tcp://127.0.0.1:9"],
    )
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler" in result.output
    assert "Traceback" not in result.output
