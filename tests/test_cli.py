from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import EXIT_INPUT_SKIPPED, EXIT_NOTHING_READ, app
from tests.conftest import SeedBuild

runner = CliRunner()


def test_cli_query_table_and_json(seed_build: SeedBuild) -> None:
    store = str(seed_build.out / "store")
    table = runner.invoke(app, ["query", "votes", "--store", store])
    assert table.exit_code == 0 and "Chine" in table.output
    result = runner.invoke(app, ["query", "votes", "--store", store, "--format", "json"])
    assert json.loads(result.output)["results"]["bindings"]


def test_cli_query_with_parameter(seed_build: SeedBuild) -> None:
    result = runner.invoke(
        app,
        [
            "query",
            "entity",
            "--store",
            str(seed_build.out / "store"),
            "-p",
            "name=Antonio Guterres",
            "-f",
            "csv",
        ],
    )
    assert result.exit_code == 0 and "Moscou" in result.output


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "votes", "--store", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no store here" in result.output and "Traceback" not in result.output
    bad = runner.invoke(app, ["query", "SELECT WHERE {", "--store", str(tmp_path)])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_cli_build_exit_statuses(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.txt").write_text(
        "La Russie a voté contre la résolution.", encoding="utf-8"
    )
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    result = runner.invoke(
        app, ["build", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--no-html"]
    )
    assert result.exit_code == EXIT_INPUT_SKIPPED, result.output
    assert "empty.txt" in result.output and (tmp_path / "out" / "graph.ttl").exists()
    none = runner.invoke(app, ["build", str(tmp_path / "missing"), "-o", str(tmp_path / "o2")])
    assert none.exit_code == EXIT_NOTHING_READ
