"""Regenerate the command outputs quoted in README.md (blocks after ``<!-- cmd: ... -->``).

Usage: ``python scripts/readme.py [--check]`` after ``make run`` (it queries ``out/store``).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"(<!-- cmd: (?P<cmd>.+?) -->\n```text\n)(?P<body>.*?)(```)", re.DOTALL)


def run(command: str) -> str:
    """Output of a ``kg`` command line, run from the project root."""
    args = shlex.split(command)
    kg = [sys.executable, "-m", "kg"] + args[1:]
    done = subprocess.run(kg, cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout


def render(text: str) -> str:
    """README text with every command block refreshed."""
    return BLOCK.sub(lambda m: m.group(1) + run(m["cmd"]) + m.group(4), text)


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    fresh = render(text)
    if "--check" in sys.argv:
        return 0 if fresh == text else 1
    readme.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
