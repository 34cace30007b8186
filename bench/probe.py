"""One measured job of the build benchmark, run by ``bench/run.py`` in a process of its own.

Prints one JSON object on its last line of output: the job's timings (model load apart), the
documents and words it processed. The parent reads the peak memory from the operating system.

    python bench/probe.py raw DIR [--model M]
    python bench/probe.py build DIR OUT [--model M] [--workers N] [--no-cache]
    python bench/probe.py resident DIR OUT [--model M]
    python bench/probe.py query STORE NAME [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from timing import time_query

import kg.build
import kg.stream
from kg.model import DEFAULT_MODEL
from kg.pool import BATCH_SIZE


def _texts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]


def raw(folder: Path, model: str) -> dict[str, Any]:
    """Bare ``nlp.pipe`` of the model (its full pipeline, as shipped) over the files' texts."""
    import spacy

    texts = _texts(folder)
    started = time.perf_counter()
    nlp = spacy.load(model)
    loaded = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=BATCH_SIZE))
    done = time.perf_counter()
    return {
        "docs": len(texts),
        "tokens": tokens,
        "load_s": loaded - started,
        "run_s": done - loaded,
        "pipes": nlp.pipe_names,
    }


def build(folder: Path, out: Path, model: str, workers: int, cache: bool) -> dict[str, Any]:
    """``kg.build.build`` as ``kg build`` calls it (graph.html included, the model not loaded
    in this process: it loads in the worker); the read and extraction stage is timed apart."""
    spent = {"extract_s": 0.0}
    extract_all = kg.stream.read_extract

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return extract_all(*args, **kwargs)
        finally:
            spent["extract_s"] += time.perf_counter() - started

    kg.stream.read_extract = timed  # type: ignore[assignment]  # the benchmark's own probe
    started = time.perf_counter()
    summary = kg.build.build(
        [folder], out=out, model=model, html=True, workers=workers, cache=cache
    )
    done = time.perf_counter()
    return {
        "docs": summary.documents,
        "quads": summary.quads,
        "run_s": done - started,
        "extract_s": spent["extract_s"],
        "rest_s": done - started - spent["extract_s"],
        "skipped": len(summary.skipped),
    }


def resident(folder: Path, out: Path, model: str) -> dict[str, Any]:
    """A rebuild after one document changed, as ``kg watch`` makes it: by a process that built
    ``out`` before (everything cached here) and keeps a worker process with the model loaded.
    The first file of ``folder`` gets one more sentence, then the build is timed."""
    from kg.compiled import machine_folder
    from kg.pool import WorkerPool

    pool = WorkerPool(model, 1, compiled=machine_folder())
    try:
        pool.start(wait=True)
        kg.build.build([folder], out=out, model=model, html=True, pool=pool)
        changed = sorted(folder.glob("*.txt"))[0]
        text = changed.read_text(encoding="utf-8")
        changed.write_text(text + "\nUne autre phrase ajoutée.\n", encoding="utf-8")
        started = time.perf_counter()
        summary = kg.build.build([folder], out=out, model=model, html=True, pool=pool)
        done = time.perf_counter()
    finally:
        pool.close()
    return {
        "docs": summary.documents,
        "extracted": summary.extracted,
        "quads": summary.quads,
        "run_s": done - started,
    }


# Parameters of the shipped queries that take one.
QUERY_PARAMS = {"entity": {"name": "Russie"}}


def query(store_dir: Path, name: str, runs: int) -> dict[str, Any]:
    """Milliseconds of ``runs`` executions of a shipped query, all rows read, after a warm-up."""
    import pyoxigraph as ox

    from kg.query import shipped_queries

    text = shipped_queries()[name].read_text(encoding="utf-8")
    params = {ox.Variable(k): ox.Literal(v) for k, v in QUERY_PARAMS.get(name, {}).items()}
    times, rows = time_query(store_dir, text, params, runs)
    counted = times[1:] or times
    return {
        "median_ms": statistics.median(counted),
        "min_ms": min(counted),
        "max_ms": max(counted),
        "first_ms": times[0],
        "rows": rows,
        "runs": len(counted),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=("raw", "build", "resident", "query"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", nargs="?")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-cache", dest="cache", action="store_false")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.job == "raw":
        result = raw(args.folder, args.model)
    elif args.job == "query":
        result = query(args.folder, args.out, args.runs)
    elif args.job == "resident":
        result = resident(args.folder, Path(args.out), args.model)
    else:
        result = build(args.folder, Path(args.out), args.model, args.workers, args.cache)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
