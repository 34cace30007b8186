"""README examples are real output: every quoted command gives the quoted text."""

from __future__ import annotations

import re
import shlex

import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.conftest import ROOT, SeedBuild

BLOCK = re.compile(r"<!-- cmd: (?P<cmd>.+?) -->\n```text\n(?P<body>.*?)```", re.DOTALL)
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("match", list(BLOCK.finditer(README)), ids=lambda m: m["cmd"][:40])
def test_readme_output_is_real(seed_build: SeedBuild, match: re.Match[str]) -> None:
    args = shlex.split(match["cmd"])[1:] + ["--store", str(seed_build.out / "store")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0
    assert result.output == match["body"]


def test_readme_shows_the_two_commands_and_every_command() -> None:
    assert "make run" in README and "make test" in README
    for command in ("kg build", "kg watch", "kg query", "kg eval", "kg view"):
        assert command in README
