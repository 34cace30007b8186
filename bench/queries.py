"""Latency of every shipped query, old against new, side by side, on one store.

For each query of ``queries/`` and each version (the text at git revision ``--old`` and the
working tree's), one process of its own runs it once to warm up, then ``--runs`` times, reading
all rows, as ``bench/probe.py query`` does; a run slower than ``--timeout`` seconds stops it.
Prints a table and, with ``--json``, writes the figures.

    .venv/bin/python bench/queries.py STORE [--old 5fd889b] [--runs 5] [--timeout 60]
    .venv/bin/python bench/queries.py STORE --one FILE.rq [--param name=Russie]   # one version
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from timing import time_query

HERE = Path(__file__).resolve().parent
QUERIES = HERE.parent / "queries"
# The revision before the queries were rewritten for Oxigraph's planner (issue 8).
OLD = "5fd889b"
# Parameters of the shipped queries that take one (as bench/probe.py binds them).
PARAMS = {"entity": {"name": "Russie"}}


def measure(store: Path, text: str, params: dict[str, str], runs: int) -> dict[str, Any]:
    """Milliseconds of ``runs`` executions after one warm-up, all rows read."""
    import pyoxigraph as ox

    bound = {
        ox.Variable(k): ox.NamedNode(v[1:-1]) if v.startswith("<") else ox.Literal(v)
        for k, v in params.items()
    }
    times, rows = time_query(store, text, bound, runs)
    return {"median_ms": statistics.median(times[1:]), "first_ms": times[0], "rows": rows}


def _one(store: Path, text: str, params: dict[str, str], runs: int, timeout: float) -> Any:
    with tempfile.NamedTemporaryFile("w", suffix=".rq", delete=False) as file:
        file.write(text)
    command = [sys.executable, __file__, str(store), "--one", file.name, "--runs", str(runs)]
    command += [arg for k, v in params.items() for arg in ("--param", f"{k}={v}")]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=timeout * (runs + 1)
        )
    except subprocess.TimeoutExpired:
        return {"timeout_s": timeout}
    finally:
        Path(file.name).unlink()
    return json.loads(done.stdout.splitlines()[-1])


def compare(store: Path, old: str, runs: int, timeout: float) -> dict[str, dict[str, Any]]:
    """Old and new figures of every shipped query."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(QUERIES.glob("*.rq")):
        name = path.stem
        old_text = subprocess.run(
            ["git", "show", f"{old}:queries/{path.name}"],
            capture_output=True, text=True, check=True, cwd=HERE.parent,
        ).stdout  # fmt: skip
        params = PARAMS.get(name, {})
        out[name] = {
            "old": _one(store, old_text, params, runs, timeout),
            "new": _one(store, path.read_text(encoding="utf-8"), params, runs, timeout),
        }
    return out


def _cell(figures: dict[str, Any]) -> str:
    if "timeout_s" in figures:
        return f"> {figures['timeout_s']:.0f} s"
    return f"{figures['median_ms']:,.0f} ms ({figures['rows']:,} rows)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--old", default=OLD, help="git revision of the old queries")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per run")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--one", type=Path, help="measure this query file only (JSON out)")
    parser.add_argument("--param", action="append", default=[], help="NAME=VALUE, <IRI> or text")
    args = parser.parse_args()
    if args.one:
        params = dict(p.split("=", 1) for p in args.param)
        text = args.one.read_text(encoding="utf-8")
        print(json.dumps(measure(args.store, text, params, args.runs)))
        return
    import pyoxigraph as ox

    quads = len(ox.Store.read_only(str(args.store)))
    results = compare(args.store, args.old, args.runs, args.timeout)
    print(f"{args.store}: {quads:,} quads; median of {args.runs} runs after a warm-up")
    print(f"{'query':<14}{'old (' + args.old + ')':>28}{'new':>28}")
    for name, figures in results.items():
        print(f"{name:<14}{_cell(figures['old']):>28}{_cell(figures['new']):>28}")
    if args.json:
        payload = {"store": str(args.store), "quads": quads, "runs": args.runs, "old": args.old}
        args.json.write_text(json.dumps({**payload, "queries": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
