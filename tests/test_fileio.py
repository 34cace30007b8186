from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import fileio
from kg.cli import app
from kg.errors import KgError


def test_fileio_replaces_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "graph.ttl"
    fileio.write_text(path, "ancien")
    fileio.write_text(path, "nouveau")
    assert path.read_text(encoding="utf-8") == "nouveau"
    assert sorted(p.name for p in path.parent.iterdir()) == ["graph.ttl"]


def test_fileio_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "graph.ttl"
    fileio.write_text(path, "ancien")
    fileio.temporary_path(path).mkdir()  # the temporary file cannot be opened
    with pytest.raises(KgError, match="graph.ttl: cannot write"):
        fileio.write_text(path, "nouveau")
    assert path.read_text(encoding="utf-8") == "ancien"


def test_fileio_output_folder_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("La Russie a voté contre la résolution.", encoding="utf-8")
    (tmp_path / "out").write_text("un fichier", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["build", str(tmp_path / "in.txt"), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "cannot create the output folder" in result.output and "Traceback" not in result.output
