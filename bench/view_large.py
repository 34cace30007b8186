"""How fast a 5,000-node network view becomes interactive in headless Chromium.

A benchmark, not a test: generates a random graph shaped like ``kg.view.project``'s output
(5,000 entities of the five types, ~10,000 edges of the kg relations, each with one citation),
writes the page, opens it from file:// in the harness of ``scripts/screenshot.py`` and prints
the time from navigation to the network's first drawing (physics is off at this size) or
``stabilized``.

    .venv/bin/python bench/view_large.py [--nodes 5000] [--edges 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from screenshot import chromium, wait_ready  # noqa: E402

from kg.view import EDGE_COLOURS, NODE_STYLE, Citation, write_html  # noqa: E402


def random_graph(nodes: int, edges: int, *, seed: int = 7) -> nx.MultiDiGraph:
    """A graph in the shape ``kg.view.project`` returns."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    kinds = list(NODE_STYLE)
    for i in range(nodes):
        kind = rng.choice(kinds)
        graph.add_node(f"urn:x:{i}", label=f"{kind} {i}", type=kind, aliases=[f"E{i}"])
    relations = sorted(EDGE_COLOURS)
    count = 0
    while count < edges:
        u, v = rng.randrange(nodes), rng.randrange(nodes)
        relation = rng.choice(relations)
        if u == v or graph.has_edge(f"urn:x:{u}", f"urn:x:{v}", relation):
            continue
        modality = "planned" if rng.random() < 0.2 else "asserted"
        sentence = f"Phrase {u}-{v} <b>échappée</b> & citée."
        graph.add_edge(
            f"urn:x:{u}",
            f"urn:x:{v}",
            key=relation,
            relation=relation,
            label=relation,
            modality=modality,
            evidences=[Citation(f"Doc {u % 97}", "2022-03-02", modality, sentence)],
        )
        count += 1
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    graph = random_graph(args.nodes, args.edges)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "large.html"
        start = time.perf_counter()
        write_html(graph, page)
        written = time.perf_counter() - start
        size = page.stat().st_size / 2**20
        print(f"{args.nodes} nodes, {args.edges} edges: page written in {written:.1f} s, "
              f"{size:.1f} MiB")  # fmt: skip
        times = []
        for run in range(args.runs):
            with chromium() as driver:
                driver.get(page.as_uri())  # type: ignore[attr-defined]
                ready = wait_ready(driver) / 1000
                drawn = driver.execute_script(  # type: ignore[attr-defined]
                    "return [network.body.data.nodes.length, network.body.data.edges.length,"
                    " network.physics.options.enabled]"
                )
            times.append(ready)
            print(f"run {run + 1}: ready {ready:.2f} s after navigation (nodes, edges, physics "
                  f"= {drawn})")  # fmt: skip
        print(f"median: {statistics.median(times):.2f} s to interactive in headless Chromium")


if __name__ == "__main__":
    main()
