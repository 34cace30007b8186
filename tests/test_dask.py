"""``kg build --dask ADDRESS``: extraction on a real two-process Dask cluster on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
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


def test_dask_partitions_hold_every_quad(tmp_path: Path, seed_build: SeedBuild) -> None:
    from kg.distributed import write_partitions

    parts = write_partitions(seed_build.out / "store", tmp_path / "nq", max_quads=500)
    assert len(parts) > 1
    loaded = ox.Store()
    for part in parts:
        loaded.bulk_load(path=str(part), format=ox.RdfFormat.N_QUADS)
    original = ox.Store.read_only(str(seed_build.out / "store"))
    assert set(loaded) == set(original)
    assert len(loaded) == seed_build.summary.quads


def test_dask_cli_writes_partitions(tmp_path: Path) -> None:
    out, folder = tmp_path / "out", tmp_path / "nq"
    result = CliRunner().invoke(
        app,
        ["build", str(SEEDS / "000_1ff86d23f0ea9ca0.txt"), "-o", str(out), "--no-html"]
        + ["--partitions", str(folder)],
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in folder.iterdir()] == ["part-00000.nq"]
    assert "nquads" in result.output
