"""Nothing lost: a real ``kg build`` killed with SIGKILL at several points leaves the previous
outputs whole (each file is the old one or the new one, never a mix), the store still answers
``kg query``, and the next build completes the outputs."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib
from typer.testing import CliRunner

from kg.cli import app
from tests.conftest import descendants, wait_gone

ROOT = Path(__file__).resolve().parent.parent
OLD = [ROOT / "seeds"]
NEW = [ROOT / "seeds", ROOT / "tests" / "inputs" / "mixed"]
FILES = ("graph.ttl", "graph.trig", "graph.html")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
# (a pattern matching the start of a line the build prints on standard error, seconds to wait
# after it) before SIGKILL:
# while loading, while extracting, and just before or while each output is replaced.
KILL_POINTS = [
    ("", 1.0),
    (r"progress: extract [1-9]", 0.0),
    ("progress: write graph.trig", 0.05),
    ("progress: write store", 0.3),
    ("progress: write graph.html", 0.2),
]


def _command(paths: list[Path], out: Path) -> list[str]:
    return [sys.executable, "-m", "kg", "build", *map(str, paths), "-o", str(out)]


def _env() -> dict[str, str]:
    return os.environ | {"PYTHONUNBUFFERED": "1"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(out: Path) -> dict[str, str]:
    """Each output file's digest, after checking that it parses, and the quad count of the
    store, after checking that ``kg query`` answers on it."""
    rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    rdflib.Dataset().parse(out / "graph.trig", format="trig")
    assert (out / "graph.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    query = CliRunner().invoke(app, ["query", COUNT, "--store", str(out / "store"), "-f", "csv"])
    assert query.exit_code == 0, query.output
    return {name: _digest(out / name) for name in FILES} | {"store": query.output.split()[-1]}


def _kill_at(paths: list[Path], out: Path, marker: str, delay: float) -> tuple[str, int]:
    """Start a build, SIGKILL it ``delay`` seconds after ``marker`` appears on its standard
    error (or after it starts, for an empty marker), and wait for the processes it had started
    to end; returns what it had printed and how many processes it had started."""
    process = subprocess.Popen(
        _command(paths, out), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=_env()
    )
    assert process.stderr is not None
    seen = []
    try:
        if marker:
            for raw in process.stderr:
                seen.append(raw.decode("utf-8", "replace"))
                if re.match(marker, seen[-1]):
                    break
            else:
                pytest.fail(f"the build ended before printing {marker!r}: {''.join(seen)}")
        time.sleep(delay)
        below = descendants(process.pid)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL, "".join(seen)
    # Its worker processes (each with the model in memory) do not outlive it.
    alive = wait_gone(below)
    assert not alive, f"processes left running after the build was killed: {alive}"
    return "".join(seen), len(below)


@pytest.mark.slow
def test_kill_build_leaves_previous_outputs_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = subprocess.run(_command(OLD, out), capture_output=True, env=_env(), timeout=600)
    assert first.returncode == 0, first.stderr.decode()
    old = _snapshot(out)

    seen, started = [], []
    for marker, delay in KILL_POINTS:
        started.append(_kill_at(NEW, out, marker, delay)[1])
        seen.append(_snapshot(out))
    assert any(started)  # some kills came while a worker process ran

    final = subprocess.run(_command(NEW, out), capture_output=True, env=_env(), timeout=600)
    assert final.returncode == 3, final.stderr.decode()  # the mixed folder skips some inputs
    new = _snapshot(out)
    assert new != old and all(new[key] != old[key] for key in new)
    for point, snapshot in zip(KILL_POINTS, seen, strict=True):
        for name in FILES:  # the store only has to answer: its updates may be incremental
            assert snapshot[name] in (old[name], new[name]), (point, name)
    # the kills did land at different stages: some left old files, some already new ones
    assert any(s["graph.ttl"] == old["graph.ttl"] for s in seen)
    assert any(s["graph.ttl"] == new["graph.ttl"] for s in seen)
    assert not list(out.glob(".*.tmp"))  # the completed build left no temporary file
