"""``graph.ttl`` and ``graph.trig``, written graph by graph by Oxigraph's serialisers (Rust).

Both files are streamed: a build hands each named graph to :class:`GraphFiles` as soon as it is
made, and nothing of the corpus stays in memory but the triples several graphs may share. The
layout is byte-for-byte reproducible and does not depend on how the graphs were made (in this
build, or read back from the store):

- ``graph.trig``: the prefixes, then one ``<graph> { … }`` block per named graph in IRI order
  (document graphs, then the catalogue), its triples sorted by their N-Triples form. ``kg export
  --format trig`` writes the same bytes.
- ``graph.ttl`` (every named graph merged, each triple once): the prefixes, then each document's
  own triples (its node, statements and evidence, which no other graph holds) in the documents'
  IRI order, then one section with the catalogue and the direct edges between entities (which
  several documents may state), each once, sorted.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

import pyoxigraph as ox

from kg import fileio
from kg.errors import KgError
from kg.rdf import PER_DOCUMENT, PREFIXES

HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items())).encode()


def sort_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Quads in the order of their N-Triples form (the files' canonical order)."""
    return sorted(quads, key=lambda quad: str(quad.triple))


def _body(data: bytes) -> bytes:
    """Oxigraph's output without its ``@prefix`` lines (their order is its hash map's)."""
    start = 0
    while data.startswith(b"@prefix ", start):
        start = data.index(b"\n", start) + 1
    return data[start:]


def turtle(triples: Sequence[ox.Triple | ox.Quad]) -> bytes:
    """Sorted triples as Turtle with the project's prefixes, no prefix lines."""
    if not triples:
        return b""
    plain = [t.triple if isinstance(t, ox.Quad) else t for t in triples]
    return _body(ox.serialize(plain, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))


def trig_block(quads: Sequence[ox.Quad]) -> bytes:
    """One named graph's sorted quads as a TriG block (no ``GRAPH`` keyword: raptor rejects it)."""
    if not quads:
        return b""
    return b"\n" + _body(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES))


def per_document(triple: ox.Triple | ox.Quad) -> bool:
    """Whether a triple of a document graph belongs to that graph alone (its subject is the
    document, or one of its statement or evidence nodes)."""
    subject = triple.subject
    return isinstance(subject, ox.NamedNode) and subject.value.startswith(PER_DOCUMENT)


class _Stream:
    """A file written bit by bit into a temporary file, renamed over the target on ``commit``."""

    def __init__(self, path: Path) -> None:
        fileio.ensure_folder(path.parent)
        self.path = path
        self.tmp = fileio.temporary_path(path)
        try:
            self.handle: BinaryIO = open(self.tmp, "wb")  # noqa: SIM115 (closed in commit/abort)
        except OSError as err:
            raise KgError(f"{path}: cannot write ({err.strerror or err})") from err

    def write(self, data: bytes) -> None:
        try:
            self.handle.write(data)
        except OSError as err:
            self.abort()
            raise KgError(f"{self.path}: cannot write ({err.strerror or err})") from err

    def commit(self) -> Path:
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            os.replace(self.tmp, self.path)
        except OSError as err:
            self.abort()
            raise KgError(f"{self.path}: cannot write ({err.strerror or err})") from err
        return self.path

    def abort(self) -> None:
        self.handle.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()


class Blocks(NamedTuple):
    """What one document graph adds to the files: its Turtle (its own triples) and TriG blocks,
    and its triples that other graphs may state too (N-Triples, no final dot)."""

    turtle: bytes
    trig: bytes
    shared: tuple[str, ...]


def document_blocks(quads: Sequence[ox.Quad]) -> Blocks:
    """What one document graph (its quads, sorted: see :func:`sort_quads`) adds to the files."""
    own = [q for q in quads if per_document(q)]
    return Blocks(
        b"\n" + turtle(own) if own else b"",
        trig_block(quads),
        tuple(str(q.triple) for q in quads if not per_document(q)),
    )


class GraphFiles:
    """``graph.ttl`` and ``graph.trig`` written as the graphs come, in IRI order.

    Call :meth:`document` for each document graph in IRI order, :meth:`catalogue` with the
    catalogue graph, then :meth:`finish`. Until ``finish``, the previous files stay in place.
    """

    def __init__(self, turtle_path: Path, trig_path: Path) -> None:
        self.ttl = _Stream(turtle_path)
        try:
            self.trig = _Stream(trig_path)
        except KgError:
            self.ttl.abort()
            raise
        self.ttl.write(HEADER)
        self.trig.write(HEADER)
        self.shared: set[str] = set()

    def document(self, quads: Sequence[ox.Quad]) -> Blocks:
        """One document graph's quads, sorted (see :func:`sort_quads`); returns what was written,
        which :meth:`blocks` takes back on a later build."""
        written = document_blocks(quads)
        self.blocks(written)
        return written

    def blocks(self, blocks: Blocks) -> None:
        """A document graph as :meth:`document` wrote it before."""
        self.ttl.write(blocks.turtle)
        self.trig.write(blocks.trig)
        self.shared.update(blocks.shared)

    def catalogue(self, quads: Sequence[ox.Quad]) -> None:
        """The catalogue graph's quads (or another graph's: all of its triples are shared),
        sorted, after the document graphs."""
        self.catalogue_block(trig_block(quads), (str(q.triple) for q in quads))

    def catalogue_block(self, block: bytes, triples: Iterable[str]) -> None:
        """The catalogue graph as :meth:`catalogue` writes it: its TriG block (see
        :func:`trig_block`) and its triples in N-Triples (no final dot)."""
        self.trig.write(block)
        self.shared.update(triples)

    def finish(self) -> tuple[Path, Path]:
        """Write the shared section; replace both files."""
        lines = "".join(f"{line} .\n" for line in sorted(self.shared))
        self.shared = set()
        if lines:
            triples = list(ox.parse(lines.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
            self.ttl.write(b"\n" + turtle(triples))
        return self.ttl.commit(), self.trig.commit()

    def abort(self) -> None:
        """Leave the previous files as they were."""
        self.ttl.abort()
        self.trig.abort()


def named_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """The store's named graphs in IRI order."""
    names = (g for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    return sorted(names, key=lambda g: g.value)


def graph_quads(store: ox.Store, name: ox.NamedNode) -> list[ox.Quad]:
    """One named graph of the store, sorted."""
    return sort_quads(store.quads_for_pattern(None, None, None, name))


def write_store_files(store: ox.Store, turtle_path: Path, trig_path: Path) -> tuple[Path, Path]:
    """``graph.ttl`` and ``graph.trig`` of everything the store holds."""
    names = named_graphs(store)
    documents = [n for n in names if n.value.startswith(PER_DOCUMENT[0])]
    others = [n for n in names if not n.value.startswith(PER_DOCUMENT[0])]
    files = GraphFiles(turtle_path, trig_path)
    try:
        for name in documents:
            files.document(graph_quads(store, name))
        for name in others:  # the catalogue (and any other named graph, in IRI order)
            files.catalogue(graph_quads(store, name))
        return files.finish()
    except BaseException:
        files.abort()
        raise


def trig_bytes(store: ox.Store) -> bytes:
    """The TriG of a store, as ``graph.trig`` holds it (each named graph a block, IRI order)."""
    parts = [HEADER]
    for name in named_graphs(store):
        parts.append(trig_block(graph_quads(store, name)))
    return b"".join(parts)
