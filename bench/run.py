"""The build benchmark: ``kg build`` against bare spaCy, workers, memory, rebuilds and queries.

Everything is measured in one run, side by side, each job in a process of its own
(``bench/probe.py``). Its peak memory is the high-water of the sum of the resident sets of the
job's process and the worker processes it starts (sampled every 0.1 s), and of its largest
process (read from the operating system when it ends):

1. raw ``nlp.pipe`` of the same model over the same texts, against ``kg build`` (documents/s,
   words/s and their ratio over the whole process, the model's loading time included: a build
   loads the model in its worker process while it reads);
2. ``kg build --workers 2`` against ``--workers 1`` (no cache, so both do all the work);
3. a rebuild after one document of the corpus changed (the cache of step 1 is warm), by a
   fresh ``kg build`` process and as ``kg watch`` makes it (the model loaded beforehand in
   its worker process, the build timed alone);
4. peak memory of a build of a small and of a large corpus (``--mem-docs``);
5. the median latency of every shipped query (``queries/*.rq``) on a store of about
   ``--triples`` quads, made by replicating the documents of the step-1 graph under new
   document and statement IRIs (entities stay shared, as in a larger corpus about the same
   actors).

Prints a table and writes ``bench/results.json``.

    .venv/bin/python bench/run.py [--docs 2000] [--mem-docs 500,5000] [--triples 1000000]
    .venv/bin/python bench/run.py --docs 20 --mem-docs 10,20 --triples 20000   # smoke test
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus  # noqa: E402

from kg.model import DEFAULT_MODEL  # noqa: E402
from kg.query import shipped_queries  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
# IRIs that belong to one document: the document itself and its statement and evidence nodes.
_PER_DOCUMENT = re.compile(
    r"<(https://w3id\.org/kgfr/(?:doc/|id/(?:statement|evidence|fact)/)[^>]*)>"
)


def _tree_rss(root: int) -> int:
    """Resident bytes of process ``root`` and all its descendants (0 once it is gone)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= found
        grew = bool(found)
    total = 0
    for pid in tree:
        try:
            resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total += resident * os.sysconf("SC_PAGE_SIZE")
    return total


def probe(*args: str, timeout: float | None = None) -> dict[str, Any]:
    """Run one ``probe.py`` job; its JSON result plus wall time, CPU time (its processes' and
    their reaped workers'), and peak RSS in MiB: of the whole process tree (sampled) and of the
    largest process.

    Raises:
        subprocess.TimeoutExpired: the job ran longer than ``timeout`` seconds (it is killed).
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(HERE / "probe.py"), *args], stdout=stdout, stderr=stderr, text=True
        )
        deadline = None if timeout is None else started + timeout
        tree_peak = 0
        while True:  # wait4 gives the job's own resource usage, its peak RSS included
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            tree_peak = max(tree_peak, _tree_rss(process.pid))
            if deadline is not None and time.perf_counter() > deadline:
                process.kill()
                os.wait4(process.pid, 0)
                raise subprocess.TimeoutExpired(args, timeout or 0)
            time.sleep(0.1)
        stdout.seek(0)
        stderr.seek(0)
        out_text, err_text = stdout.read(), stderr.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"probe {' '.join(args)} failed:\n{err_text[-3000:]}")
    result: dict[str, Any] = json.loads(out_text.strip().splitlines()[-1])
    result["wall_s"] = wall
    result["cpu_s"] = usage.ru_utime + usage.ru_stime
    result["peak_rss_mib"] = usage.ru_maxrss / 1024
    result["peak_tree_rss_mib"] = max(tree_peak, usage.ru_maxrss * 1024) / 2**20
    return result


def _words(folder: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in folder.glob("*.txt"))


def _rates(job: dict[str, Any], docs: int, words: int) -> dict[str, float]:
    """Documents and words per second, over the run alone and over the whole process."""
    return {
        "docs_per_s": docs / job["run_s"],
        "words_per_s": words / job["run_s"],
        "docs_per_s_whole": docs / job["wall_s"],
        "words_per_s_whole": words / job["wall_s"],
    }


def replicate(store_dir: Path, target: int, into: Path) -> dict[str, Any]:
    """A store of about ``target`` quads: the per-document quads of ``store_dir`` copied under
    new document and statement IRIs, the others (entities, catalogue) once."""
    source = ox.Store.read_only(str(store_dir))
    lines = source.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
    shared = [line for line in lines if not _PER_DOCUMENT.search(line)]
    copied = [line for line in lines if _PER_DOCUMENT.search(line)]
    copies = max(1, math.ceil((target - len(shared)) / max(1, len(copied))))
    chunks = ["\n".join(shared)]
    for n in range(copies):
        suffix = f"-r{n}" if n else ""

        def rename(match: re.Match[str], suffix: str = suffix) -> str:
            return f"<{match[1]}{suffix}>"

        chunks.append("\n".join(_PER_DOCUMENT.sub(rename, line) for line in copied))
    store = ox.Store(str(into))
    store.bulk_load(("\n".join(chunks) + "\n").encode("utf-8"), ox.RdfFormat.N_QUADS)
    store.flush()
    return {
        "quads": len(store),
        "source_quads": len(lines),
        "copies": copies,
        "shared_quads": len(shared),
    }


def query_latencies(store_dir: Path, runs: int, timeout: float) -> dict[str, dict[str, Any]]:
    """Median, min and max milliseconds of every shipped query (all rows read), each query in
    a process of its own, stopped after ``timeout`` seconds."""
    out: dict[str, dict[str, Any]] = {}
    for name in shipped_queries():
        try:
            out[name] = probe("query", str(store_dir), name, "--runs", str(runs), timeout=timeout)
        except subprocess.TimeoutExpired:
            out[name] = {"timeout_s": timeout}
    return out


def run(
    *,
    docs: int,
    mem_docs: tuple[int, int],
    triples: int,
    runs: int,
    query_timeout: float,
    model: str,
    work: Path,
) -> dict[str, Any]:
    """Every measurement, in one run; the results as a JSON-ready dict."""
    corpus = work / f"corpus-{docs}"
    write_corpus(corpus, docs)
    words = _words(corpus)
    raw = probe("raw", str(corpus), "--model", model)
    build1 = probe("build", str(corpus), str(work / "out-w1"), "--model", model)
    build1_nc = probe(
        "build", str(corpus), str(work / "out-w1-nocache"), "--model", model, "--no-cache"
    )
    build2 = probe(
        "build", str(corpus), str(work / "out-w2"), "--model", model, "--workers", "2",
        "--no-cache",
    )  # fmt: skip
    changed = sorted(corpus.glob("*.txt"))[0]
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\nUne phrase ajoutée pour la reconstruction.\n",
        encoding="utf-8",
    )
    rebuild = probe("build", str(corpus), str(work / "out-w1"), "--model", model)
    resident = probe("resident", str(corpus), str(work / "out-w1"), "--model", model)

    memory: dict[str, Any] = {}
    for size in mem_docs:
        if size == docs:
            memory[str(size)] = build1
            continue
        folder = work / f"corpus-{size}"
        write_corpus(folder, size)
        job = probe("build", str(folder), str(work / f"out-mem-{size}"), "--model", model)
        memory[str(size)] = job
    small, large = (memory[str(n)] for n in mem_docs)
    tree = {n: job["peak_tree_rss_mib"] for n, job in memory.items()}
    largest = {n: job["peak_rss_mib"] for n, job in memory.items()}

    store_info = replicate(work / "out-w1" / "store", triples, work / "store-large")
    queries = query_latencies(work / "store-large", runs, query_timeout)

    rates_raw, rates_build = _rates(raw, docs, words), _rates(build1, docs, words)
    rates_build_nc = _rates(build1_nc, docs, words)
    return {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "load_average": os.getloadavg(),
        },
        "model": model,
        "docs": docs,
        "words": words,
        "raw_pipe": raw | rates_raw,
        "build": build1 | rates_build,
        "build_no_cache": build1_nc | rates_build_nc,
        "ratio": {
            "docs_per_s_whole": rates_build["docs_per_s_whole"] / rates_raw["docs_per_s_whole"],
            "extraction_stage": (raw["load_s"] + raw["run_s"]) / build1["extract_s"],
            "no_cache_docs_per_s_whole": rates_build_nc["docs_per_s_whole"]
            / rates_raw["docs_per_s_whole"],
        },
        "workers": {
            "workers_1": build1_nc,
            "workers_2": build2,
            "speedup_whole": build1_nc["wall_s"] / build2["wall_s"],
            "speedup_extraction": build1_nc["extract_s"] / build2["extract_s"],
        },
        "rebuild": {
            "job": rebuild,
            "fraction_whole": rebuild["wall_s"] / build1["wall_s"],
            "resident": resident,
            "resident_fraction": resident["run_s"] / build1["wall_s"],
        },
        "memory": {
            "docs": list(mem_docs),
            "peak_tree_rss_mib": tree,
            "peak_rss_mib": largest,
            "ratio": large["peak_tree_rss_mib"] / small["peak_tree_rss_mib"],
            "ratio_largest_process": large["peak_rss_mib"] / small["peak_rss_mib"],
        },
        "store": store_info,
        "queries": queries,
    }


def table(results: dict[str, Any]) -> str:
    """The results as a plain-text table."""
    raw, build, ratio = results["raw_pipe"], results["build"], results["ratio"]
    workers, rebuild, memory = results["workers"], results["rebuild"], results["memory"]
    rows = [
        ("documents / words", f"{results['docs']} / {results['words']}"),
        (
            "raw nlp.pipe docs/s, words/s",
            f"{raw['docs_per_s']:.2f}, {raw['words_per_s']:.0f} (whole process "
            f"{raw['docs_per_s_whole']:.2f}, {raw['words_per_s_whole']:.0f})",
        ),
        (
            "kg build docs/s, words/s",
            f"{build['docs_per_s']:.2f}, {build['words_per_s']:.0f} (whole process "
            f"{build['docs_per_s_whole']:.2f}, {build['words_per_s_whole']:.0f})",
        ),
        (
            "ratio kg build / raw",
            f"{ratio['docs_per_s_whole']:.2f} whole process (read+extract stage "
            f"{ratio['extraction_stage']:.2f}; no cache {ratio['no_cache_docs_per_s_whole']:.2f})",
        ),
        (
            "kg build time split",
            f"read+extract {build['extract_s']:.1f} s (model load in the worker), "
            f"resolve+write+view {build['rest_s']:.1f} s, CPU {build['cpu_s']:.1f} s "
            f"(raw {raw['cpu_s']:.1f} s)",
        ),
        (
            "--workers 2 vs 1 (no cache)",
            f"{workers['speedup_whole']:.2f}x whole process "
            f"({workers['workers_1']['wall_s']:.1f} s vs {workers['workers_2']['wall_s']:.1f} s),"
            f" {workers['speedup_extraction']:.2f}x extraction",
        ),
        (
            "rebuild, one document changed",
            f"{rebuild['job']['wall_s']:.1f} s = {100 * rebuild['fraction_whole']:.1f}% of the "
            f"full build (read+extract {rebuild['job']['extract_s']:.1f} s, "
            f"resolve+write+view {rebuild['job']['rest_s']:.1f} s)",
        ),
        (
            "rebuild as kg watch makes it",
            f"{rebuild['resident']['run_s']:.1f} s = {100 * rebuild['resident_fraction']:.1f}% "
            f"of the full build (model loaded beforehand)",
        ),
        (
            "peak RSS (process tree)",
            ", ".join(f"{n} docs {m:.0f} MiB" for n, m in memory["peak_tree_rss_mib"].items())
            + f" (ratio {memory['ratio']:.2f}; largest process "
            + ", ".join(f"{m:.0f}" for m in memory["peak_rss_mib"].values())
            + f" MiB, ratio {memory['ratio_largest_process']:.2f})",
        ),
        (
            "query store",
            f"{results['store']['quads']} quads ({results['store']['copies']} copies)",
        ),
    ]
    rows += [
        (
            f"query {name}",
            f"{q['median_ms']:.1f} ms median of {q['runs']} ({q['rows']} rows)"
            if "median_ms" in q
            else f"stopped after {q['timeout_s']:.0f} s",
        )
        for name, q in results["queries"].items()
    ]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--mem-docs", default="500,5000", help="small,large corpus sizes")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="query repetitions (median)")
    parser.add_argument("--query-timeout", type=float, default=300, help="seconds per query")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    small, large = (int(n) for n in args.mem_docs.split(","))
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = run(
            docs=args.docs,
            mem_docs=(small, large),
            triples=args.triples,
            runs=args.runs,
            query_timeout=args.query_timeout,
            model=args.model,
            work=work,
        )
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
