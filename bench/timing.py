"""Timing one SPARQL query on an Oxigraph store, shared by ``probe.py`` and ``queries.py``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def time_query(
    store_dir: Path, text: str, bound: dict[Any, Any], runs: int
) -> tuple[list[float], int]:
    """Milliseconds of a warm-up and ``runs`` executions (all rows read), and the row count.

    ``bound`` maps ``pyoxigraph.Variable`` to terms, as ``Store.query``'s substitutions.
    """
    import pyoxigraph as ox

    store = ox.Store.read_only(str(store_dir))
    times, rows = [], 0
    for _ in range(runs + 1):
        started = time.perf_counter()
        results = store.query(text, use_default_graph_as_union=True, substitutions=bound)
        rows = sum(1 for _ in results)
        times.append((time.perf_counter() - started) * 1000)
    return times, rows
