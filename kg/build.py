"""``kg build``: sources to graph files, store and HTML view."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from kg import fileio, prov, rdf, store, stream
from kg.cache import ResultCache
from kg.corroborate import corroborate
from kg.duplicates import NearDuplicate
from kg.extract.noise import blank_furniture
from kg.gazetteer import load_gazetteer
from kg.ingest import ReadOptions, Skipped, parse_document
from kg.model import DEFAULT_MODEL, DocResult, Document
from kg.pool import WorkerPool
from kg.resolve import resolve_corpus
from kg.spill import Spill

log = logging.getLogger(__name__)
Progress = stream.Progress
"""``progress(stage, done, total)``: ``("extract", 3, 10)`` after each document is extracted
(or found in the cache), 10 being the number of documents read so far; ``("write graph.ttl",
1, 4)`` before each output is written."""


@dataclass(slots=True)
class Summary:
    """What a build read and wrote."""

    documents: int = 0
    extracted: int = 0
    """Documents extracted by this build (the others came from the cache)."""
    entities: Counter[str] = field(default_factory=Counter)
    facts: Counter[str] = field(default_factory=Counter)
    flagged: Counter[str] = field(default_factory=Counter)
    quads: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    near_duplicates: list[NearDuplicate] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    store_update: store.StoreUpdate | None = None


def extract_text(text: str, *, source: str = "<text>", model: str = DEFAULT_MODEL) -> DocResult:
    """Extract one text as ``build`` reads a document (metadata line, furniture, rules).

    The pipeline and gazetteer are loaded once per process and reused.
    """
    from kg.annotate import load_pipeline
    from kg.extract import extract_document

    nlp = load_pipeline(model)
    document = parse_document(text, source)
    return extract_document(document, nlp(blank_furniture(document.body)), nlp, load_gazetteer())


def extract_all(
    documents: Sequence[Document],
    *,
    model: str = DEFAULT_MODEL,
    workers: int = 1,
    cache_dir: Path | None = None,
    dask: str | None = None,
    progress: Progress | None = None,
) -> tuple[list[DocResult], list[Skipped]]:
    """Run the pipeline and the extraction rules over documents (streamed in batches).

    With ``cache_dir``, a document whose text and pipeline are unchanged since a previous build
    is not processed again; ``workers`` > 1 runs spaCy in that many processes, ``dask`` (a
    scheduler address) on a Dask cluster. A document whose extraction fails is reported and
    skipped; the others go on.
    """
    cache = ResultCache(cache_dir, model) if cache_dir is not None else None
    found: list[DocResult | None] = [cache.get(d) if cache else None for d in documents]
    missing = [i for i, result in enumerate(found) if result is None]
    log.debug("%d documents cached, %d to extract", len(documents) - len(missing), len(missing))
    todo = [documents[i] for i in missing]  # everything cached: the model is not even loaded
    outcomes = stream.run_extraction(todo, model=model, workers=workers, dask=dask)
    failed = []
    done = len(documents) - len(missing)
    if progress:  # cached documents count as extracted, one by one (the first is reported)
        for count in range(1, done + 1):
            progress("extract", count, len(documents))
    for index, outcome in zip(missing, outcomes, strict=True):
        done += 1
        if progress:
            progress("extract", done, len(documents))
        if isinstance(outcome, Skipped):
            failed.append(outcome)
            continue
        found[index] = outcome
        if cache is not None:
            cache.put(outcome)
    return [result for result in found if result is not None], failed


def _model_info(model: str) -> prov.Model:
    """The pipeline's name and version from its ``meta.json``, without loading it or importing
    spaCy (an all-cached build does neither)."""
    import importlib.util
    import json
    from importlib.metadata import version

    try:
        if Path(model).is_dir():
            folder = Path(model)
        else:
            spec = importlib.util.find_spec(model)
            if spec is None or spec.origin is None:
                raise ImportError(model)
            folder = Path(spec.origin).parent
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, ImportError):
        return prov.model_info(model)
    name = f"{meta.get('lang', '')}_{meta.get('name', model)}".strip("_")
    return prov.Model(name, str(meta.get("version", "")), version("spacy"))


RENDER_FROM = 100
"""Graphs to make from which a build that has worker processes makes them in worker processes
too (see :mod:`kg.render`): below, starting the processes costs more than it saves."""


def _graph_processes(workers: int, new: int) -> int:
    """How many worker processes make the document graphs of a build with ``workers``
    extraction processes that extracted ``new`` documents (all graphs to make, nearly)."""
    if workers <= 0 or new < RENDER_FROM:
        return 0
    return min(workers, os.cpu_count() or 1)


def _silent(stage: str, done: int, total: int) -> None:
    """A progress callback that reports nothing."""


YOUNG_OBJECTS = 20_000
"""New container objects between two garbage collections during a build (Python's default is
700). A build makes millions of short-lived objects and keeps hundreds of thousands (the compact
results, the caches' memo), which every full collection walks again. A rebuild of 2,000
documents spent 0.45 s of its 4.9 s in 1,168 collections; with this, 0.2 s in 119."""


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector run less often while the block runs (then restored):
    the build's own objects are freed by reference counting, nearly all of them."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(YOUNG_OBJECTS, threshold[0]), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


@_fewer_collections()
def build(
    paths: Iterable[Path],
    *,
    out: Path,
    model: str = DEFAULT_MODEL,
    html: bool = True,
    options: ReadOptions | None = None,
    progress: Progress | None = None,
    fresh: bool = False,
    workers: int = 0,
    cache: bool = True,
    dask: str | None = None,
    pool: WorkerPool | None = None,
) -> Summary:
    """Build the graph of the documents under ``paths`` into ``out``.

    Documents stream through the build one at a time (see :mod:`kg.stream`): memory holds
    compact copies of the extraction results, not the corpus. spaCy runs in this process
    (``workers`` 0), in ``workers`` spawned processes while this one reads (the caller's main
    module must then be importable without side effects, as for any ``multiprocessing``
    spawn), or on the Dask cluster whose scheduler is at ``dask``. With ``cache``, per-document
    results and graphs are kept under ``out/cache/`` and reused when neither the document nor
    the pipeline changed. An existing ``out/store`` is updated document by document (see
    :mod:`kg.store`); ``fresh`` rebuilds it from these documents alone. Every output file is
    replaced atomically: a build stopped at any point leaves the previous outputs whole.

    A ``pool`` (of ``model``) extracts instead of ``workers`` processes started for this build:
    a caller building again and again (``kg watch``) keeps the model loaded in it.
    """
    if pool is not None:
        if pool.model != model:
            raise ValueError(f"the pool runs {pool.model}, not {model}")
        workers = pool.workers
    started = datetime.now(timezone.utc)
    fileio.ensure_folder(out)  # before the long part: a bad --out fails at once
    options = replace(options or ReadOptions(), outside=(out,))
    summary = Summary()
    report = progress or _silent
    caches = stream.Caches(out / "cache" if cache else None, model)
    with Spill(out) as texts, Spill(out) as results:
        intake = stream.read_extract(
            paths,
            options,
            (texts, results),
            caches,
            model=model,
            workers=workers,
            dask=dask,
            progress=progress,
            pool=pool,
        )
        extracted = intake.extracted
        summary.documents = intake.documents
        summary.extracted = intake.new
        summary.skipped = intake.skipped + intake.failed
        summary.near_duplicates = intake.pairs
        compact, catalogue, rename = resolve_corpus(
            [item.compact for item in extracted], load_gazetteer()
        )
        facts = corroborate(compact, summary.near_duplicates)
        catalogue_lines = rdf.catalogue_lines(catalogue, facts, summary.near_duplicates)
        summary.entities = Counter(e.type.value for e in catalogue.entities.values())
        for result in compact:
            for fact in result.facts:
                (summary.facts if fact.modality.direct else summary.flagged)[fact.predicate] += 1
        del compact, facts, catalogue
        steps = 4 if html else 3
        report("write store", 1, steps)
        summary.store_update = stream.write(
            out,
            extracted,
            (texts, results),
            caches,
            rename,
            catalogue_lines,
            fresh,
            processes=_graph_processes(workers, intake.new),
        )
        report("write graph.ttl", 2, steps)
        report("write graph.trig", 3, steps)
    caches.memo.save()
    summary.quads = summary.store_update.quads
    summary.outputs = {
        "turtle": out / "graph.ttl",
        "trig": out / "graph.trig",
        "store": out / "store",
    }
    if html:
        from kg.view import write_html

        report("write graph.html", 4, steps)
        source = store.open_store(out / "store")
        try:
            summary.outputs["html"] = write_html(source, out / "graph.html")
        finally:
            del source
    # Times and versions go to their own file: the data files stay byte-for-byte reproducible.
    record = prov.prov_graph(
        [prov.Input(r.id, r.source, r.content_hash) for r in (e.record for e in extracted)],
        summary.outputs,
        model=_model_info(model),
        started=started,
        ended=datetime.now(timezone.utc),
    )
    summary.outputs["prov"] = prov.write_prov(out / "build.ttl", record)
    return summary
