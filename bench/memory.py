"""Where a build's memory goes: Python allocations (tracemalloc) after each stage of ``build``.

    .venv/bin/python bench/memory.py CORPUS_DIR [--cache DIR]

Extraction results come from the cache when it holds them (build once first), so that the
stages after extraction, which hold the whole corpus, are measured quickly.
"""

from __future__ import annotations

import argparse
import tracemalloc
from pathlib import Path

from kg import rdf
from kg.build import extract_all
from kg.extract.dates import document_date
from kg.gazetteer import load_gazetteer
from kg.ingest import read_documents
from kg.model import Document
from kg.resolve import resolve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/kg-bench-cache"))
    args = parser.parse_args()
    load_gazetteer()
    tracemalloc.start()
    steps: list[tuple[str, int, int]] = []

    def mark(name: str) -> None:
        current, peak = tracemalloc.get_traced_memory()
        steps.append((name, current, peak))
        tracemalloc.reset_peak()

    documents = [d for d in read_documents([args.corpus]) if isinstance(d, Document)]
    mark(f"read {len(documents)} documents")
    extracted, _ = extract_all(documents, cache_dir=args.cache)
    mark("extract (DocResults held)")
    results, catalogue = resolve(extracted, load_gazetteer())
    mark("resolve")
    dates = {}
    for d in documents:
        when = document_date(d.text, d.date)
        if when:
            dates[d.id] = (when.value, when.precision)
    dataset = rdf.to_dataset(results, catalogue, dates)
    mark(f"rdflib Dataset ({len(dataset)} default-graph triples)")
    nquads = rdf.nquads(dataset)
    mark(f"N-Quads string ({len(nquads) // 2**20} MiB)")
    del nquads
    snapshot = tracemalloc.take_snapshot()
    for name, current, peak in steps:
        print(f"{name:45} held {current / 2**20:8.1f} MiB   peak during {peak / 2**20:8.1f} MiB")
    print("largest holders now (by file):")
    for stat in snapshot.statistics("filename")[:8]:
        print(f"  {stat.size / 2**20:8.1f} MiB  {stat.traceback[0].filename}")


if __name__ == "__main__":
    main()
