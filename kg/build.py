"""``kg build``: sources to graph files, store and HTML view."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from kg import fileio, prov, rdf, store, writers
from kg.cache import ResultCache
from kg.corroborate import corroborate
from kg.duplicates import NearDuplicate, NearDuplicateIndex
from kg.extract.dates import document_date
from kg.extract.noise import blank_furniture
from kg.gazetteer import load_gazetteer
from kg.ingest import ReadOptions, Skipped, parse_document, read_documents
from kg.model import DEFAULT_MODEL, DocResult, Document, Evidence, Fact, Mention
from kg.resolve import rename_keys, resolve_corpus
from kg.spill import Spill

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
    todo = [documents[i] for i in missing]
    if not todo:  # everything cached: the model is not even loaded
        outcomes: Iterable[DocResult | Skipped] = ()
    elif dask:
        from kg.distributed import extract_dask

        outcomes = extract_dask(todo, address=dask, model=model)
    else:
        from kg.parallel import extract_processes

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


def _silent(stage: str, done: int, total: int) -> None:
    """A progress callback that reports nothing."""


@dataclass(frozen=True, slots=True)
class _Record:
    """What a build keeps in memory of one document while the corpus streams through it."""

    id: str
    source: str
    content_hash: str
    date: tuple[str, str] | None
    text: int
    """Its number in the spill of documents."""


class _Documents(Sequence[Document]):
    """Documents of the spill, read back one at a time (for the extraction's stream)."""

    def __init__(self, spill: Spill, numbers: Sequence[int]) -> None:
        self.spill, self.numbers = spill, numbers

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            return [self.spill.get(n) for n in self.numbers[index]]
        return self.spill.get(self.numbers[index])

    def __iter__(self) -> Iterator[Document]:
        return (self.spill.get(n) for n in self.numbers)


class _Compact:
    """Compact copies of extraction results, for resolving the corpus: no text, no sentences,
    one shared object for equal mentions (a corpus of thousands of documents fits in a few MB)."""

    def __init__(self) -> None:
        self.mentions: dict[Mention, Mention] = {}
        self.strings: dict[str, str] = {}

    def _s(self, value: str) -> str:
        return self.strings.setdefault(value, value)

    def __call__(self, result: DocResult) -> DocResult:
        document = replace(result.document, text="", body_start=0)
        mentions = tuple(self._mention(m) for m in result.mentions)
        facts = tuple(self._fact(f) for f in result.facts)
        return replace(result, document=document, mentions=mentions, facts=facts, warnings=())

    def _mention(self, mention: Mention) -> Mention:
        bare = Mention(
            self._s(mention.key), mention.type, self._s(mention.text), 0, 0, self._s(mention.label)
        )
        return self.mentions.setdefault(bare, bare)

    def _fact(self, fact: Fact) -> Fact:
        ev = fact.evidence
        evidence = Evidence(self._s(ev.doc_id), "", ev.start, ev.end, self._s(ev.rule))
        return replace(
            fact,
            subject=self._s(fact.subject),
            predicate=self._s(fact.predicate),
            object=self._s(fact.object),
            evidence=evidence,
        )


def _read(
    paths: Iterable[Path], options: ReadOptions | None, texts: Spill, summary: Summary
) -> list[_Record]:
    """Read every document into the spill; near-duplicates are found as they come."""
    records: list[_Record] = []
    numbers: dict[str, int] = {}
    index = NearDuplicateIndex(lambda doc_id: texts.get(numbers[doc_id]).body)
    for item in read_documents(paths, options=options):
        if isinstance(item, Skipped):
            log.warning("%s: skipped: %s", item.path, item.reason)
            summary.skipped.append(item)
            continue
        number = texts.put(item)
        numbers[item.id] = number
        when = document_date(item.text, item.date)
        date = (when.value, when.precision) if when else None
        records.append(_Record(item.id, item.source, rdf.content_hash(item), date, number))
        index.add(item)
    summary.documents = len(records)
    summary.near_duplicates = index.pairs()
    for pair in summary.near_duplicates:
        log.warning(
            "%s: near-duplicate of %s (similarity %.2f): linked, its facts counted once",
            pair.second_source,
            pair.first_source,
            pair.similarity,
        )
    return records


def _extract(
    records: Sequence[_Record],
    texts: Spill,
    results: Spill,
    *,
    model: str,
    workers: int,
    cache_dir: Path | None,
    dask: str | None,
    progress: Progress | None,
) -> tuple[list[tuple[_Record, int, DocResult]], list[Skipped]]:
    """Extract every document (or take its result from the cache) into the ``results`` spill.

    Returns, in the documents' order, each record with its result's number in the spill and
    the compact copy of its result; and the documents whose extraction failed.
    """
    cache = ResultCache(cache_dir, model) if cache_dir is not None else None
    compact = _Compact()
    kept: list[tuple[int, DocResult] | None] = [None] * len(records)
    missing: list[int] = []
    done = 0
    for i, record in enumerate(records):
        found = cache.get(texts.get(record.text)) if cache else None
        if found is None:
            missing.append(i)
            continue
        kept[i] = (results.put(found), compact(found))
        done += 1
        if progress:  # cached documents count as extracted, one by one
            progress("extract", done, len(records))
    log.debug("%d documents cached, %d to extract", done, len(missing))
    outcomes: Iterable[DocResult | Skipped] = ()
    todo = _Documents(texts, [records[i].text for i in missing])
    if todo and dask:
        from kg.distributed import extract_dask

        outcomes = extract_dask(todo, address=dask, model=model)
    elif todo:  # spaCy is imported and the model loaded only when something is left to extract
        from kg.parallel import extract_processes

        outcomes = extract_processes(todo, model=model, workers=workers)
    failed = []
    for i, outcome in zip(missing, outcomes, strict=True):
        done += 1
        if progress:
            progress("extract", done, len(records))
        if isinstance(outcome, Skipped):
            failed.append(outcome)
            continue
        if cache is not None:
            cache.put(outcome)
        kept[i] = (results.put(outcome), compact(outcome))
    out = [(records[i], *item) for i, item in enumerate(kept) if item is not None]
    return out, failed


def _quads(lines: Iterable[str]) -> list[ox.Quad]:
    """N-Quads lines as sorted, distinct quads."""
    parsed = ox.parse("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return writers.sort_quads(set(parsed))


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

    Documents stream through the build: read into a temporary spill file (near-duplicates found
    as they come), extracted (``workers`` processes run spaCy, or the Dask cluster whose
    scheduler is at ``dask``; with ``cache``, per-document results are kept under ``out/cache/``
    and reused when neither the document nor the pipeline changed), resolved over compact copies
    of the results, then written one document graph at a time to the store and to the graph
    files. An existing ``out/store`` is updated document by document (see :mod:`kg.store`);
    ``fresh`` rebuilds it from these documents alone. Every output file is replaced atomically: a
    build stopped at any point leaves the previous outputs whole.
    """
    started = datetime.now(timezone.utc)
    fileio.ensure_folder(out)  # before the long part: a bad --out fails at once
    summary = Summary()
    report = progress or _silent
    with Spill(out) as texts, Spill(out) as spilled:
        records = _read(paths, options, texts, summary)
        report("extract", 0, len(records))
        extracted, failed = _extract(
            records,
            texts,
            spilled,
            model=model,
            workers=workers,
            cache_dir=out / "cache" if cache else None,
            dask=dask,
            progress=progress,
        )
        summary.skipped += failed
        compact, catalogue, rename = resolve_corpus([c for _, _, c in extracted], load_gazetteer())
        facts = corroborate(compact, summary.near_duplicates)
        catalogue_lines = rdf.catalogue_lines(catalogue, facts, summary.near_duplicates)
        summary.entities = Counter(e.type.value for e in catalogue.entities.values())
        for result in compact:
            for fact in result.facts:
                (summary.facts if fact.modality.direct else summary.flagged)[fact.predicate] += 1
        del compact, facts, catalogue
        steps = 4 if html else 3
        report("write store", 1, steps)
        summary.store_update = _write(out, extracted, spilled, rename, catalogue_lines, fresh)
        report("write graph.ttl", 2, steps)
        report("write graph.trig", 3, steps)
    summary.quads = summary.store_update.quads
    summary.outputs = {
        "turtle": out / "graph.ttl",
        "trig": out / "graph.trig",
        "store": out / "store",
    }
    if html:
        from kg.view import write_html

        report("write graph.html", 4, steps)
        summary.outputs["html"] = write_html(store.to_dataset(out / "store"), out / "graph.html")
    # Times and versions go to their own file: the data files stay byte-for-byte reproducible.
    record = prov.prov_graph(
        [prov.Input(r.id, r.source, r.content_hash) for r, _, _ in extracted],
        summary.outputs,
        model=_model_info(model),
        started=started,
        ended=datetime.now(timezone.utc),
    )
    summary.outputs["prov"] = prov.write_prov(out / "build.ttl", record)
    return summary


def _write(
    out: Path,
    extracted: Sequence[tuple[_Record, int, DocResult]],
    spilled: Spill,
    rename: dict[str, str],
    catalogue_lines: Sequence[str],
    fresh: bool,
) -> store.StoreUpdate:
    """Each document graph in IRI order to the store and to graph.ttl and graph.trig, then the
    catalogue; documents of earlier builds that the store keeps go to the files too."""
    ours = {rdf.doc_iri(r.id): (r, n) for r, n, _ in extracted}
    writer = store.DocumentWriter(
        out / "store", {iri: r.source for iri, (r, _) in ours.items()}, fresh=fresh
    )
    kept_graphs: store.Graphs = {}
    statements: store.Graphs = {}  # only needed to count support when documents are kept
    try:
        files = writers.GraphFiles(out / "graph.ttl", out / "graph.trig")
    except BaseException:
        writer.abort()
        raise
    try:
        for name in sorted([*ours, *(g.value for g in writer.kept)]):
            graph = ox.NamedNode(name)
            if name in ours:
                record, number = ours[name]
                result = rename_keys(spilled.get(number), rename)
                quads = _quads(rdf.document_lines(result, record.date, digest=record.content_hash))
                writer.document(graph, quads, record.source)
            else:
                quads = writer.kept_quads(graph)
                kept_graphs[graph] = {q.triple for q in quads}
            if writer.kept:
                statements[graph] = {q.triple for q in quads if q.predicate == store.SUBJECT}
            files.document(quads)
        new = {q.triple for q in _quads(catalogue_lines)}
        final = writer.catalogue(new, kept_graphs, statements)
        files.catalogue(
            writers.sort_quads(
                ox.Quad(t.subject, t.predicate, t.object, store.CATALOGUE) for t in final
            )
        )
        update = writer.finish()
    except BaseException:
        files.abort()
        writer.abort()
        raise
    files.finish()
    return update
