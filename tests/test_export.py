"""Tests for kg.export: GraphML and GEXF files read back with networkx."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError
from kg.export import export, flatten
from kg.view import project
from tests.conftest import SeedBuild
from tests.test_view import LAVROV, RES, RUS, UKR, XSS, build_dataset

READERS = {"graphml": nx.read_graphml, "gexf": nx.read_gexf}


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_export_round_trip_counts(tmp_path: Path, fmt: str) -> None:
    dataset = build_dataset()
    expected = project(dataset)
    path = export(dataset, tmp_path / f"graph.{fmt}", fmt=fmt)
    back = READERS[fmt](path)
    assert back.number_of_nodes() == expected.number_of_nodes() == 4
    assert back.number_of_edges() == expected.number_of_edges() == 3
    assert back.is_directed()
    assert set(back.nodes) == set(expected.nodes)


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_export_seed_graph(seed_build: SeedBuild, tmp_path: Path, fmt: str) -> None:
    expected = project(seed_build.dataset)
    back = READERS[fmt](export(seed_build.dataset, tmp_path / f"seeds.{fmt}", fmt=fmt))
    assert expected.number_of_edges() > 20
    assert back.number_of_nodes() == expected.number_of_nodes()
    assert back.number_of_edges() == expected.number_of_edges()


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_export_attributes_are_text(tmp_path: Path, fmt: str) -> None:
    back = READERS[fmt](export(build_dataset(), tmp_path / f"graph.{fmt}", fmt=fmt))
    assert back.nodes[str(RUS)]["label"] == "Russie"
    assert back.nodes[str(RUS)]["type"] == "State"
    assert back.nodes[str(RUS)]["aliases"] == "Moscou | Russie | la Russie"
    (nego,) = [d for u, v, d in back.edges(data=True) if d["relation"] == "negotiatedWith"]
    assert nego["modality"] == "planned"
    assert XSS in nego["evidences"]  # the sentence as text: the XML writer escapes it
    assert int(nego["support"]) == 1
    (post,) = [d for u, v, d in back.edges(data=True) if d["relation"] == "holdsPost"]
    assert post["label"] == "ministre des Affaires étrangères"


def test_export_flatten_keeps_edges_apart() -> None:
    flat = flatten(project(build_dataset()))
    assert sorted(flat.edges(keys=False)) == sorted(
        [(str(RUS), str(RES)), (str(RUS), str(UKR)), (str(LAVROV), str(RUS))]
    )
    for _, data in flat.nodes(data=True):
        assert all(isinstance(v, str | int | float | bool) for v in data.values())


def test_export_rejects_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        export(build_dataset(), tmp_path / "graph.dot", fmt="dot")


def test_export_cli(tmp_path: Path) -> None:
    data = tmp_path / "graph.trig"
    build_dataset().serialize(data, format="trig")
    runner = CliRunner()
    out = tmp_path / "g.gexf"
    result = runner.invoke(app, ["export", "--format", "gexf", "--data", str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert nx.read_gexf(out).number_of_edges() == 3
    result = runner.invoke(app, ["export", "--format", "dot", "--data", str(data), "-o", str(out)])
    assert result.exit_code == 2
