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
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace

import pyoxigraph as ox

from kg import rdf, store, writers
from kg.cache import GraphCache
from kg.errors import KgError
from kg.model import DocResult, Document
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


class RenderError(KgError):
    """A graph-making worker process stopped before returning its graphs."""


_RENAME: dict[str, str] = {}
"""The renaming of this build, in a worker process (set once, by the initializer)."""


def _init(rename: dict[str, str]) -> None:
    global _RENAME
    _RENAME = rename


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


def _job(
    data: bytes,
    document: Document,
    date: tuple[str, str] | None,
    content_hash: str,
    cache: tuple[GraphCache, str] | None,
) -> Graph | None:
    """A worker's task: one graph, its quads as N-Quads (the order kept)."""
    made = _made(data, document, date, content_hash, _RENAME, cache)
    if made is None:
        return None
    quads, entry = made
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS), entry


class Renderer:
    """Document graphs made in ``processes`` spawned processes (none: here), asked for in
    order: :meth:`start` returns a function that gives the graph, or None when the result's
    bytes cannot be read. Each graph made is put in the graph cache, when there is one."""

    def __init__(self, rename: dict[str, str], processes: int = 0) -> None:
        self.rename = rename
        self.executor: ProcessPoolExecutor | None = None
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
        try:
            future = self.executor.submit(_job, data, document, date, content_hash, cache)
        except BrokenProcessPool as err:
            raise _stopped() from err
        return lambda: _received(future)

    def close(self) -> None:
        """Stop the processes (graphs not taken are dropped)."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _received(future: Future[Graph | None]) -> Graph | None:
    try:
        return future.result()
    except BrokenProcessPool as err:
        raise _stopped() from err


def _stopped() -> RenderError:
    return RenderError(
        "a worker process making the document graphs stopped before returning them "
        "(killed, or out of memory: try fewer --workers)"
    )
