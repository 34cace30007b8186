"""Time and peak memory of the network view drawn from an Oxigraph store.

A benchmark, not a test. Run each path in its own process, since peak memory only grows:
``--path store`` reads the network with ``kg.view.project_store``; ``--path rdflib`` copies the
store into an rdflib Dataset first (``kg.store.to_dataset``, the way ``kg build`` drew the page
before), then ``kg.view.project``. Both then write the page with ``kg.view.write_html``.

    .venv/bin/python bench/view_store.py STORE_DIR [--path store|rdflib] [-o PAGE.html]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.store import to_dataset
from kg.view import project, project_store, write_html


def peak_mib() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the network view drawn from a store.")
    parser.add_argument("store", type=Path, help="an Oxigraph store folder (opened read-only)")
    parser.add_argument("--path", choices=["store", "rdflib"], default="store")
    parser.add_argument("-o", "--out", type=Path, help="the page to write (default: a temp file)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp()) / "graph.html"
    start_mib = peak_mib()
    start = time.perf_counter()
    graph: nx.MultiDiGraph
    if args.path == "store":
        graph = project_store(ox.Store.read_only(str(args.store)))
    else:
        graph = project(to_dataset(args.store))
    projected = time.perf_counter()
    write_html(graph, out)
    written = time.perf_counter()
    report = {
        "path": args.path,
        "quads": len(ox.Store.read_only(str(args.store))),
        "nodes": len(graph),
        "edges": graph.number_of_edges(),
        "projection_s": round(projected - start, 2),
        "write_html_s": round(written - projected, 2),
        "total_s": round(written - start, 2),
        "peak_mib": round(peak_mib()),
        "peak_mib_before": round(start_mib),
        "page_bytes": out.stat().st_size,
        "page": str(out),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
