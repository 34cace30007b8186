"""``kg build``: sources to graph files, store and HTML view."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg import rdf, store
from kg.annotate import DEFAULT_MODEL, load_pipeline
from kg.cache import ResultCache
from kg.extract import extract_document
from kg.extract.dates import document_date
from kg.extract.noise import blank_furniture
from kg.gazetteer import load_gazetteer
from kg.ingest import Skipped, parse_document, read_documents
from kg.model import DocResult, Document
from kg.parallel import extract_processes
from kg.resolve import resolve

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Summary:
    """What a build read and wrote."""

    documents: int = 0
    entities: Counter[str] = field(default_factory=Counter)
    facts: Counter[str] = field(default_factory=Counter)
    flagged: Counter[str] = field(default_factory=Counter)
    quads: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)


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
    for index, outcome in zip(missing, outcomes, strict=True):
        if isinstance(outcome, Skipped):
            failed.append(outcome)
            continue
        found[index] = outcome
        if cache is not None:
            cache.put(outcome)
    return [result for result in found if result is not None], failed


def build(
    paths: Iterable[Path],
    *,
    out: Path,
    model: str = DEFAULT_MODEL,
    html: bool = True,
    workers: int = 1,
    cache: bool = True,
    dask: str | None = None,
) -> Summary:
    """Build the graph of the documents under ``paths`` into ``out``.

    ``workers`` processes run spaCy (or the Dask cluster whose scheduler is at ``dask``); with
    ``cache``, per-document extraction results are kept under ``out/cache/`` and reused when
    neither the document nor the pipeline changed.
    """
    summary = Summary()
    documents: list[Document] = []
    for item in read_documents(paths):
        if isinstance(item, Skipped):
            log.warning("%s: skipped: %s", item.path, item.reason)
            summary.skipped.append(item)
        else:
            documents.append(item)
    summary.documents = len(documents)
    extracted, failed = extract_all(
        documents,
        model=model,
        workers=workers,
        cache_dir=out / "cache" if cache else None,
        dask=dask,
    )
    summary.skipped += failed
    results, catalogue = resolve(extracted, load_gazetteer())
    dates = {}
    for d in documents:
        when = document_date(d.text, d.date)
        if when:
            dates[d.id] = (when.value, when.precision)
    dataset = rdf.to_dataset(results, catalogue, dates)
    out.mkdir(parents=True, exist_ok=True)
    rdf.write_turtle(dataset, out / "graph.ttl")
    rdf.write_trig(dataset, out / "graph.trig")
    summary.quads = store.replace_store(out / "store", rdf.nquads(dataset))
    summary.outputs = {
        "turtle": out / "graph.ttl",
        "trig": out / "graph.trig",
        "store": out / "store",
    }
    if html:
        from kg.view import write_html

        summary.outputs["html"] = write_html(dataset, out / "graph.html")
    summary.entities = Counter(e.type.value for e in catalogue.entities.values())
    for result in results:
        for fact in result.facts:
            (summary.facts if fact.modality.direct else summary.flagged)[fact.predicate] += 1
    return summary
