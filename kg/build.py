"""``kg build``: sources to graph files, store and HTML view."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from kg import fileio, prov, rdf, store, writers
from kg.annotate import DEFAULT_MODEL, load_pipeline
from kg.cache import ResultCache
from kg.extract import extract_document
from kg.extract.dates import document_date
from kg.extract.noise import blank_furniture
from kg.gazetteer import load_gazetteer
from kg.duplicates import NearDuplicate, near_duplicates
from kg.ingest import ReadOptions, Skipped, parse_document, read_documents
from kg.model import DocResult, Document
from kg.parallel import extract_processes
from kg.resolve import resolve

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: ``("extract", 0, 10)`` once the documents are read,
``("extract", 3, 10)`` after each document is extracted, ``("write graph.ttl", 1, 4)`` before
each output is written."""


@dataclass(slots=True)
class Summary:
    """What a build read and wrote."""

    documents: int = 0
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
    todo = [documents[i] for i in missing]
    if not todo:  # everything cached: the model is not even loaded
        outcomes: Iterable[DocResult | Skipped] = ()
    elif dask:
        from kg.distributed import extract_dask

        outcomes = extract_dask(todo, address=dask, model=model)
    else:
        outcomes = extract_processes(todo, model=model, workers=workers)
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
    """The pipeline's name and version from its ``meta.json``, without loading it (an
    all-cached build never loads the model)."""
    from importlib.metadata import version

    from spacy import util

    try:
        folder = Path(model) if Path(model).is_dir() else util.get_package_path(model)
        meta = util.load_meta(folder / "meta.json")
    except (OSError, ValueError, ImportError):
        return prov.model_info(model)
    name = f"{meta.get('lang', '')}_{meta.get('name', model)}".strip("_")
    return prov.Model(name, str(meta.get("version", "")), version("spacy"))


def _silent(stage: str, done: int, total: int) -> None:
    """A progress callback that reports nothing."""


def build(
    paths: Iterable[Path],
    *,
    out: Path,
    model: str = DEFAULT_MODEL,
    html: bool = True,
    options: ReadOptions | None = None,
    progress: Progress | None = None,
    fresh: bool = False,
    workers: int = 1,
    cache: bool = True,
    dask: str | None = None,
) -> Summary:
    """Build the graph of the documents under ``paths`` into ``out``.

    An existing ``out/store`` is updated document by document (see :mod:`kg.store`); ``fresh``
    rebuilds it from these documents alone. Every output file is replaced atomically: a build
    stopped at any point leaves the previous outputs whole. ``workers`` processes run spaCy (or
    the Dask cluster whose scheduler is at ``dask``); with ``cache``, per-document extraction
    results are kept under ``out/cache/`` and reused when neither the document nor the pipeline
    changed.
    """
    started = datetime.now(timezone.utc)
    fileio.ensure_folder(out)  # before the long part: a bad --out fails at once
    summary = Summary()
    report = progress or _silent
    documents: list[Document] = []
    for item in read_documents(paths, options=options):
        if isinstance(item, Skipped):
            log.warning("%s: skipped: %s", item.path, item.reason)
            summary.skipped.append(item)
        else:
            documents.append(item)
    summary.documents = len(documents)
    summary.near_duplicates = near_duplicates(documents)
    for pair in summary.near_duplicates:
        log.warning(
            "%s: near-duplicate of %s (similarity %.2f): linked, its facts counted once",
            pair.second_source,
            pair.first_source,
            pair.similarity,
        )
    report("extract", 0, len(documents))
    extracted, failed = extract_all(
        documents,
        model=model,
        workers=workers,
        cache_dir=out / "cache" if cache else None,
        dask=dask,
        progress=progress,
    )
    summary.skipped += failed
    results, catalogue = resolve(extracted, load_gazetteer())
    dates = {}
    for d in documents:
        when = document_date(d.text, d.date)
        if when:
            dates[d.id] = (when.value, when.precision)
    dataset = rdf.to_dataset(results, catalogue, dates, summary.near_duplicates)
    steps = 4 if html else 3
    report("write store", 1, steps)
    quads = rdf.nquads(dataset)
    update = store.update_store(out / "store", quads, fresh=fresh)
    summary.store_update = update
    # The graph files show what the store holds. When it holds this build's graphs alone, they
    # are written from an in-memory copy (Oxigraph reads its disk store about ten times more
    # slowly), and this build's rdflib graphs serve new TriG blocks; otherwise from the store.
    if update.kept:
        source = store.open_store(out / "store")
    else:
        source = store.memory_store(quads)
    del quads
    try:
        report("write graph.ttl", 2, steps)
        writers.write_turtle(source, out / "graph.ttl")
        report("write graph.trig", 3, steps)
        writers.write_trig(
            source,
            out / "graph.trig",
            blocks=out / "cache" / "trig-blocks.bin" if cache else None,
            dataset=None if update.kept else dataset,
        )
    finally:
        del source
    summary.quads = update.quads
    summary.outputs = {
        "turtle": out / "graph.ttl",
        "trig": out / "graph.trig",
        "store": out / "store",
    }
    if html:
        from kg.view import write_html

        if update.kept:  # documents of earlier builds: the view shows the whole store
            dataset = store.to_dataset(out / "store")
        report("write graph.html", 4, steps)
        summary.outputs["html"] = write_html(dataset, out / "graph.html")
    # Times and versions go to their own file: the data files stay byte-for-byte reproducible.
    record = prov.prov_graph(
        documents,
        summary.outputs,
        model=_model_info(model),
        started=started,
        ended=datetime.now(timezone.utc),
    )
    summary.outputs["prov"] = prov.write_prov(out / "build.ttl", record)
    summary.entities = Counter(e.type.value for e in catalogue.entities.values())
    for result in results:
        for fact in result.facts:
            (summary.facts if fact.modality.direct else summary.flagged)[fact.predicate] += 1
    return summary
