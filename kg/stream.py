"""The stages of ``kg build`` that the documents stream through, one at a time.

1. :func:`read_extract`: each document is read into a spill file (not kept in memory); its
   date, its near-duplicate signature and its language are computed, or taken from the memo of
   the last build when its text is unchanged. It is extracted (or its result taken from the
   cache) in worker processes that run while the reading goes on; a compact copy of the result
   (no text, no sentences, shared strings) stays in memory for resolving the corpus, the full
   result waits in a spill file (or in the cache).
2. :func:`write`: in document IRI order, each result is renamed to the corpus's canonical keys,
   mapped to its named graph, written to the store and to the graph files, and dropped. A
   document whose graph depends on nothing that changed since the last build (same result, same
   canonical keys, same date and metadata) is not mapped again: its blocks of the graph files
   come from the graph cache and the store already holds its graph. The others are made in
   worker processes (:mod:`kg.render`) a few documents ahead of the one being written.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pyoxigraph as ox

from kg import rdf, store, writers
from kg.cache import GraphCache, Memo, ResultCache, document_key
from kg.compiled import machine_folder
from kg.duplicates import NearDuplicate, NearDuplicateIndex
from kg.extract.dates import document_date
from kg.ingest import ReadOptions, Skipped, read_documents
from kg.langdetect import SAMPLE_CHARS, detect_language
from kg.model import DocResult, Document, Evidence, Fact, Mention
from kg.pool import WorkerPool
from kg.render import CHUNK, Graph, GraphEntry, Renderer
from kg.spill import Spill

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Record:
    """What a build keeps in memory of one document while the corpus streams through it."""

    id: str
    source: str
    content_hash: str
    date: tuple[str, str] | None
    text: int
    """Its number in the spill of documents."""
    key: str
    """Its extraction cache key (text and metadata date)."""


@dataclass(frozen=True, slots=True)
class Extracted:
    """A document's record, where its full result waits, and the compact copy of the result."""

    record: Record
    spilled: int | None
    """Its number in the spill of results; None when it is in the extraction cache."""
    compact: DocResult


class Caches:
    """The extraction, graph and memo caches of a build under ``out/cache`` (or none), and the
    machine's folder of the tokenizer's compiled patterns (see :mod:`kg.compiled`), used when
    the others are."""

    def __init__(self, root: Path | None, model: str) -> None:
        self.compiled = machine_folder() if root else None
        self.results = ResultCache(root, model) if root else None
        self.graphs = GraphCache(root, model) if root else None
        self.memo = Memo(root, model)


def _derived(document: Document) -> tuple[tuple[str, str] | None, bytes | None]:
    """The document's date and near-duplicate signature (what the memo keeps)."""
    when = document_date(document.text, document.date)
    sketch = NearDuplicateIndex.sketch(document)
    return (when.value, when.precision) if when else None, (
        None if sketch is None else sketch.tobytes()
    )


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


@dataclass(slots=True)
class Intake:
    """What the first stage of a build made of its inputs."""

    extracted: list[Extracted]
    """The documents read and extracted, in the order they were read."""
    skipped: list[Skipped]
    """Inputs not read (unreadable, not in French, exact duplicates)."""
    failed: list[Skipped]
    """Documents read whose extraction failed."""
    pairs: list[NearDuplicate]
    documents: int
    """The number of documents read."""
    new: int = 0
    """The number of documents extracted by this build (not taken from the cache)."""


def read_extract(
    paths: Iterable[Path],
    options: ReadOptions | None,
    spills: tuple[Spill, Spill],
    caches: Caches,
    *,
    model: str,
    workers: int,
    dask: str | None,
    progress: Progress | None,
    pool: WorkerPool | None = None,
) -> Intake:
    """Read every document into the spill of texts and extract it, or take its result from the
    cache; near-duplicates are found as the documents come.

    With ``workers`` ≥ 1, the extraction runs in that many spawned processes, started at the
    first document not in the cache: they load the model and extract while this process goes on
    reading. With 0, or 1 when this process has the model loaded already (a caller building
    again), it runs in this process; on a Dask cluster (``dask``) too, it runs once all
    documents are read. ``progress`` counts the documents extracted out of those read so far.
    A ``pool`` given extracts instead of processes started for this build, and stays open.
    """
    texts, results = spills
    records: list[Record] = []
    kept: list[Extracted | None] = []
    skipped: list[Skipped] = []
    failed: list[Skipped] = []
    numbers: dict[str, int] = {}
    index = NearDuplicateIndex(lambda doc_id: texts.get(numbers[doc_id]).body, memo=caches.memo.get)
    compact = _Compact()
    done = new = 0

    def language(body: str) -> str | None:
        sample = hashlib.sha256(body[:SAMPLE_CHARS].encode("utf-8")).hexdigest()
        return caches.memo.get(f"language {sample}", lambda: detect_language(body))  # type: ignore[no-any-return]

    def take(i: int, outcome: DocResult | Skipped) -> None:
        nonlocal done, new
        done += 1
        if isinstance(outcome, Skipped):
            failed.append(outcome)
        elif caches.results is not None:
            new += 1
            caches.results.put(outcome)
            small = compact(outcome)
            caches.memo.put(f"compact {records[i].key}", small)
            kept[i] = Extracted(records[i], None, small)
        else:
            new += 1
            kept[i] = Extracted(records[i], results.put(outcome), compact(outcome))
        if progress:
            progress("extract", done, len(records))

    extractor = pool or _extractor(
        texts, records, model=model, workers=workers, dask=dask, compiled=caches.compiled
    )
    try:
        for item in read_documents(paths, options=options, language=language):
            if isinstance(item, Skipped):
                log.warning("%s: skipped: %s", item.path, item.reason)
                skipped.append(item)
                continue
            number = texts.put(item)
            numbers[item.id] = number
            key = document_key(item)
            date, sketch = caches.memo.get(f"document {key}", lambda d=item: _derived(d))  # type: ignore[misc]
            index.add(item, None if sketch is None else np.frombuffer(sketch, dtype=np.uint64))
            records.append(Record(item.id, item.source, rdf.content_hash(item), date, number, key))
            kept.append(None)
            found = _cached_compact(item, key, caches, compact)
            if found is None:
                for i, outcome in extractor.submit(len(records) - 1, item):
                    take(i, outcome)
                continue
            kept[-1] = Extracted(records[-1], None, found)
            done += 1
            if progress:  # cached documents count as extracted, one by one
                progress("extract", done, len(records))
        for i, outcome in extractor.finish():
            take(i, outcome)
    finally:
        if extractor is pool:
            pool.drop()
        else:
            extractor.close()
    pairs = index.pairs()
    for pair in pairs:
        log.warning(
            "%s: near-duplicate of %s (similarity %.2f): linked, its facts counted once",
            pair.second_source,
            pair.first_source,
            pair.similarity,
        )
    extracted = [item for item in kept if item is not None]
    return Intake(extracted, skipped, failed, pairs, len(records), new)


def _cached_compact(
    document: Document, key: str, caches: Caches, compact: _Compact
) -> DocResult | None:
    """The compact copy of the cached result of ``document``, None when it is not cached.

    The memo keeps compact copies, so a build reads one file for all of them instead of every
    full result (which the writing reads again only for a graph not in the graph cache). A
    result counts as cached only while its file is in the extraction cache.
    """
    if caches.results is None or not caches.results.has(document):
        return None
    found = caches.memo.get(f"compact {key}", lambda: _compact_or_none(document, caches, compact))
    if found is None:
        return None
    return replace(found, document=replace(document, text="", body_start=0))


def _compact_or_none(document: Document, caches: Caches, compact: _Compact) -> DocResult | None:
    full = caches.results.get(document) if caches.results else None
    return None if full is None else compact(full)


class _Deferred:
    """Documents extracted once all are read: in this process or on a Dask cluster."""

    def __init__(
        self,
        texts: Spill,
        records: Sequence[Record],
        *,
        model: str,
        workers: int,
        dask: str | None,
        compiled: Path | None,
    ) -> None:
        self.texts, self.records = texts, records
        self.model, self.workers, self.dask = model, workers, dask
        self.compiled = compiled
        self.keys: list[int] = []

    def submit(self, key: int, document: Document) -> list[tuple[int, DocResult | Skipped]]:
        self.keys.append(key)
        return []

    def finish(self) -> Iterator[tuple[int, DocResult | Skipped]]:
        todo = _Documents(self.texts, [self.records[k].text for k in self.keys])
        if todo and not self.dask:  # loaded here first, for the compiled patterns' cache
            from kg.annotate import load_pipeline

            load_pipeline(self.model, cache=self.compiled)
        outcomes = run_extraction(todo, model=self.model, workers=self.workers, dask=self.dask)
        log.debug("%d documents to extract", len(todo))
        return zip(self.keys, outcomes, strict=True)

    def close(self) -> None:
        self.keys = []


def _extractor(
    texts: Spill,
    records: Sequence[Record],
    *,
    model: str,
    workers: int,
    dask: str | None,
    compiled: Path | None,
) -> _Deferred | WorkerPool:
    """Worker processes fed while reading, unless the cluster or this process extracts."""
    annotate = sys.modules.get("kg.annotate")
    loaded = annotate is not None and model in annotate.LOADED
    if dask or workers <= 0 or (workers == 1 and loaded):
        return _Deferred(texts, records, model=model, workers=workers, dask=dask, compiled=compiled)
    return WorkerPool(model, workers, compiled=compiled)


def run_extraction(
    todo: Sequence[Document], *, model: str, workers: int, dask: str | None
) -> Iterable[DocResult | Skipped]:
    """The outcomes of ``todo`` in order: on the Dask cluster at ``dask``, or in ``workers``
    processes. spaCy is imported and the model loaded only when there is something to do."""
    if not todo:
        return ()
    if dask:
        from kg.distributed import extract_dask

        return extract_dask(todo, address=dask, model=model)
    from kg.parallel import extract_processes

    return extract_processes(todo, model=model, workers=workers)


def keys_of(result: DocResult) -> set[str]:
    """Every entity, post and resolution key a result uses."""
    keys = {m.key for m in result.mentions} | {r.key for r in result.resolutions}
    for fact in result.facts:
        keys.update(k for k in (fact.subject, fact.object, fact.place, fact.reported_by) if k)
    return keys


def graph_key(item: Extracted, rename: dict[str, str], document: Document) -> str:
    """What a document's graph depends on: its extraction result (cache key), its metadata,
    its date and the canonical keys its entities get in this corpus."""
    renamed = sorted((k, rename[k]) for k in keys_of(item.compact) if rename.get(k, k) != k)
    parts = (
        item.record.key,
        document.id,
        document.source,
        document.title or "",
        document.url or "",
        document.language,
        repr(item.record.date),
        repr(renamed),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


RENDER_AHEAD = 3 * CHUNK
"""Document graphs started ahead of the one being written, per graph-making process."""


def write(
    out: Path,
    extracted: Sequence[Extracted],
    spills: tuple[Spill, Spill],
    caches: Caches,
    rename: dict[str, str],
    catalogue_lines: Sequence[str],
    fresh: bool,
    processes: int = 0,
) -> store.StoreUpdate:
    """Each document graph in IRI order to the store and to graph.ttl and graph.trig, then the
    catalogue; documents of earlier builds that the store keeps go to the files too. The graphs
    not in the graph cache are made in ``processes`` worker processes (see :mod:`kg.render`),
    or in this one."""
    texts, results = spills
    ours = {rdf.doc_iri(item.record.id): item for item in extracted}
    writer = store.DocumentWriter(
        out / "store", {iri: item.record.source for iri, item in ours.items()}, fresh=fresh
    )
    kept_graphs: store.Graphs = {}
    statements: store.Graphs = {}  # only needed to count support when documents are kept
    try:
        files = writers.GraphFiles(out / "graph.ttl", out / "graph.trig")
    except BaseException:
        writer.abort()
        raise
    renderer = Renderer(rename, processes)
    # With no document of an earlier build kept, the catalogue is this build's: made (by a
    # worker process, if any) while the documents are written.
    parts = None if writer.kept else renderer.catalogue(catalogue_lines)

    def steps() -> Iterator[_Step]:
        """Each graph in IRI order, with its cache entry or the graph being made."""
        for name in sorted([*ours, *(g.value for g in writer.kept)]):
            graph = ox.NamedNode(name)
            item = ours.get(name)
            if item is None:
                yield _Step(graph, None, None, None)
                continue
            document: Document = texts.get(item.record.text)
            key = graph_key(item, rename, document)
            entry = caches.graphs.get(key) if caches.graphs else None
            if isinstance(entry, GraphEntry) and writer.current(
                graph, entry.digest, document.source
            ):
                yield _Step(graph, document, entry, None)
                continue
            if item.spilled is not None:
                data = results.raw(item.spilled)
            else:
                data = caches.results.raw(document) if caches.results else None
            record = item.record
            cache = (caches.graphs, key) if caches.graphs else None
            made = renderer.start(data, document, record.date, record.content_hash, cache)
            yield _Step(graph, document, None, made)

    try:
        for step in _ahead(steps(), RENDER_AHEAD * processes):
            graph, document, entry = step.graph, step.document, step.entry
            if document is None:  # a document of an earlier build, kept
                quads = writer.kept_quads(graph)
                kept_graphs[graph] = {q.triple for q in quads}
                statements[graph] = {q.triple for q in quads if q.predicate == store.SUBJECT}
                files.document(quads)
                continue
            if step.made is not None:
                made = step.made()
                if made is None:  # the cache lost it: it was there when extracted
                    raise store.StoreError(f"{document.source}: extraction result lost")
                quads, entry = made
                writer.document(graph, quads, document.source, entry.digest)
                files.blocks(entry.blocks)
            else:
                assert entry is not None
                files.blocks(entry.blocks)
            if writer.kept:
                statements[graph] = {_triple(t) for t in entry.statements}
        if parts is not None:
            data, block, triples = parts()
            writer.whole_catalogue(data)
            files.catalogue_block(block, triples)
        else:
            text = "".join(catalogue_lines).encode("utf-8")
            new = {q.triple for q in ox.parse(text, format=ox.RdfFormat.N_QUADS)}
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
    finally:
        renderer.close()
    files.finish()
    return update


@dataclass(frozen=True, slots=True)
class _Step:
    """One graph of :func:`write`: a kept graph (no document), a graph the graph cache has
    (``entry``), or one being made (``made``)."""

    graph: ox.NamedNode
    document: Document | None
    entry: GraphEntry | None
    made: Callable[[], Graph | None] | None


def _ahead(items: Iterable[_Step], count: int) -> Iterator[_Step]:
    """``items`` in order, the next ``count`` taken (so started) before each is given."""
    waiting: deque[_Step] = deque()
    for item in items:
        waiting.append(item)
        if len(waiting) > count:
            yield waiting.popleft()
    yield from waiting


def _triple(line: str) -> ox.Triple:
    """An N-Triples line (no final dot) as a triple."""
    (triple,) = ox.parse(f"{line} .\n".encode(), format=ox.RdfFormat.N_TRIPLES)
    return triple  # type: ignore[no-any-return]
