"""Document graphs made from extraction results, for the store and the graph files.

Making a document's graph (renaming its keys, its N-Quads, sorting them, the Turtle and TriG
blocks, the digest) is most of the last long step of a build, which the building process
otherwise runs alone while the extraction workers are gone. A :class:`Renderer` with processes
makes the graphs in spawned worker processes, in order, a few documents ahead, while the
building process writes the graphs made before into the store and the files. Without processes
it makes each graph here when asked. Both give the same graphs (a test compares them).
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace

import pyoxigraph as ox

from kg import rdf, store, writers
from kg.cache import GraphCache
from kg.errors import KgError
from kg.model import DocResult, Document
from kg.pool import exit_with_parent
from kg.resolve import rename_keys

Graph = tuple[list[ox.Quad] | bytes, "GraphEntry"]
"""A document graph's sorted quads (as N-Quads when made in another process), and what the
graph cache keeps of it."""


@dataclass(frozen=True, slots=True)
class GraphEntry:
    """A graph cache entry: the graph's digest, its blocks, its statements' triples."""

    digest: str
    blocks: writers.Blocks
    statements: tuple[str, ...]


def sorted_quads(lines: Iterable[str]) -> list[ox.Quad]:
    """N-Quads lines as sorted, distinct quads."""
    parsed = ox.parse("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return writers.sort_quads(set(parsed))


def render(
    result: DocResult, date: tuple[str, str] | None, content_hash: str, rename: dict[str, str]
) -> Graph:
    """The named graph of one document, its keys renamed to the corpus's canonical ones."""
    result = rename_keys(result, rename)
    quads = sorted_quads(rdf.document_lines(result, date, digest=content_hash))
    statements = tuple(str(q.triple) for q in quads if q.predicate == store.SUBJECT)
    entry = GraphEntry(store.graph_digest(quads), writers.document_blocks(quads), statements)
    return quads, entry


CHUNK = 16
"""Graphs per task of a worker process."""


def catalogue_parts(lines: Sequence[str]) -> tuple[bytes, bytes, tuple[str, ...]]:
    """The catalogue graph of a fresh store (nothing kept from earlier builds) from its N-Quads
    lines: its sorted quads as N-Quads, its block of graph.trig, its triples for graph.ttl."""
    quads = sorted_quads(lines)
    return (
        ox.serialize(quads, format=ox.RdfFormat.N_QUADS),
        writers.trig_block(quads),
        tuple(str(q.triple) for q in quads),
    )


class RenderError(KgError):
    """A graph-making worker process stopped before returning its graphs."""


_RENAME: dict[str, str] = {}
"""The renaming of this build, in a worker process (set once, by the initializer)."""


def _init(rename: dict[str, str]) -> None:
    global _RENAME
    _RENAME = rename
    exit_with_parent()


def _result(data: bytes, document: Document) -> DocResult | None:
    """A pickled extraction result (a spill's or the cache's bytes), with ``document``."""
    try:
        result = pickle.loads(data)
    except (pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        return None
    return replace(result, document=document) if isinstance(result, DocResult) else None


def _made(
    data: bytes,
    document: Document,
    date: tuple[str, str] | None,
    content_hash: str,
    rename: dict[str, str],
    cache: tuple[GraphCache, str] | None,
) -> Graph | None:
    """One graph from its result's pickled bytes, kept in the graph cache under its key."""
    result = _result(data, document)
    if result is None:
        return None
    quads, entry = render(result, date, content_hash, rename)
    if cache is not None:
        graphs, key = cache
        graphs.put(key, entry)
    return quads, entry


_Job = tuple[bytes, Document, "tuple[str, str] | None", str, "tuple[GraphCache, str] | None"]
"""What :meth:`Renderer.start` takes, sent to a worker process."""


def _jobs(jobs: list[_Job]) -> list[Graph | None]:
    """A worker's task: a few graphs, their quads as N-Quads (the order kept)."""
    done: list[Graph | None] = []
    for data, document, date, content_hash, cache in jobs:
        made = _made(data, document, date, content_hash, _RENAME, cache)
        if made is not None:
            quads, entry = made
            made = ox.serialize(quads, format=ox.RdfFormat.N_QUADS), entry
        done.append(made)
    return done


class _Chunk:
    """Graphs that go to a worker process in one task (one task per graph would leave the
    processes waiting for this one's threads, which share its interpreter lock, to feed them),
    or that this process makes itself (``here``)."""

    def __init__(self) -> None:
        self.jobs: list[_Job] = []
        self.future: Future[list[Graph | None]] | None = None
        self.here = False


class Renderer:
    """Document graphs made in ``processes`` spawned processes (none: here), asked for in
    order: :meth:`start` returns a function that gives the graph, or None when the result's
    bytes cannot be read. Each graph made is put in the graph cache, when there is one."""

    def __init__(self, rename: dict[str, str], processes: int = 0) -> None:
        self.rename = rename
        self.executor: ProcessPoolExecutor | None = None
        self.chunk = _Chunk()
        self.processes, self.chunks = processes, 0
        if processes > 0:
            self.executor = ProcessPoolExecutor(
                processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init,
                initargs=(rename,),
            )

    def start(
        self,
        data: bytes | None,
        document: Document,
        date: tuple[str, str] | None,
        content_hash: str,
        cache: tuple[GraphCache, str] | None = None,
    ) -> Callable[[], Graph | None]:
        """Start making one graph from its result's pickled bytes (None: lost); ``cache``:
        the graph cache and the graph's key there."""
        if data is None:
            return lambda: None
        if self.executor is None:
            return lambda: _made(data, document, date, content_hash, self.rename, cache)
        chunk, index = self.chunk, len(self.chunk.jobs)
        chunk.jobs.append((data, document, date, content_hash, cache))
        if len(chunk.jobs) >= CHUNK:
            self._send(chunk)
        return lambda: self._take(chunk, index)

    def catalogue(self, lines: Sequence[str]) -> Callable[[], tuple[bytes, bytes, tuple[str, ...]]]:
        """Start making the parts of a fresh store's catalogue (see :func:`catalogue_parts`)."""
        if self.executor is None:
            return lambda: catalogue_parts(lines)
        try:
            future = self.executor.submit(catalogue_parts, lines)
        except BrokenProcessPool as err:
            raise _stopped() from err

        def take() -> tuple[bytes, bytes, tuple[str, ...]]:
            try:
                return future.result()
            except BrokenProcessPool as err:
                raise _stopped() from err

        return take

    def _send(self, chunk: _Chunk) -> None:
        """Send a chunk out, or keep it for this process: one in ``2 * processes + 1``, since
        this process, which writes what the others make, would otherwise wait for them."""
        assert self.executor is not None
        self.chunks += 1
        if self.chunks % (2 * self.processes + 1) == 0:
            chunk.here = True
        else:
            try:
                chunk.future = self.executor.submit(_jobs, chunk.jobs)
            except BrokenProcessPool as err:
                raise _stopped() from err
        if chunk is self.chunk:
            self.chunk = _Chunk()

    def _take(self, chunk: _Chunk, index: int) -> Graph | None:
        if chunk.future is None and not chunk.here:  # asked for before its chunk was full
            self._send(chunk)
        if chunk.here:  # as N-Quads too: the store loads these without Python's lock
            data, document, date, content_hash, cache = chunk.jobs[index]
            made = _made(data, document, date, content_hash, self.rename, cache)
            return made and (ox.serialize(made[0], format=ox.RdfFormat.N_QUADS), made[1])
        assert chunk.future is not None
        try:
            return chunk.future.result()[index]
        except BrokenProcessPool as err:
            raise _stopped() from err

    def close(self) -> None:
        """Stop the processes (graphs not taken are dropped); they exit while this process
        goes on."""
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stopped() -> RenderError:
    return RenderError(
        "a worker process making the document graphs stopped before returning them "
        "(killed, or out of memory: try fewer --workers)"
    )
