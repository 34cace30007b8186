"""The embedded Oxigraph store under ``out/store``, updated document by document.

Each document is one named graph (its IRI is the document's IRI); the entity catalogue is the named
graph ``https://w3id.org/kgfr/graph/catalogue``. A build into an existing store rewrites only the
graphs whose content changed, each in one transaction, so a crash never leaves half a document:

- a document graph already holding exactly the regenerated triples is not written at all;
- a changed graph (or a new document, or a file whose text changed: same source path, new content
  hash) is dropped and inserted again in ONE SPARQL update, which Oxigraph applies atomically;
- documents of earlier builds that are not among this build's inputs are kept as they are, and the
  catalogue keeps the descriptions of the entities they use (see :func:`merge_catalogue`);
- the catalogue is written last, in one transaction.

The store is its own bookkeeping: a graph's current triples are compared with the regenerated ones,
so no digest can go stale. A missing store (or ``fresh=True``) is bulk-loaded beside ``path`` and
swapped in, so the previous store stays usable until the new one is complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import fileio
from kg.errors import StoreError

if TYPE_CHECKING:
    import rdflib

log = logging.getLogger(__name__)

_BASE = "https://w3id.org/kgfr/"
CATALOGUE = ox.NamedNode(_BASE + "graph/catalogue")
_NS = _BASE + "ns#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE = ox.NamedNode(_RDF + "type")
_SUBJECT = ox.NamedNode(_RDF + "subject")
SUBJECT = _SUBJECT
_DOCUMENT = ox.NamedNode(_NS + "Document")
_SOURCE = ox.NamedNode(_NS + "sourcePath")
_FACT = ox.NamedNode(_NS + "Fact")
_STATEMENT = ox.NamedNode(_NS + "statement")
_SUPPORT = ox.NamedNode(_NS + "supportCount")
_NON_NEGATIVE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")

Graphs = dict[ox.NamedNode, set[ox.Triple]]
# A fresh store is filled by bulk loads of this many quads (about 20 MB of Python objects), or
# of this many bytes of N-Quads.
_BATCH_QUADS = 100_000
_BATCH_BYTES = 16 << 20


@dataclass(frozen=True, slots=True)
class StoreUpdate:
    """What an update did to the store."""

    written: tuple[str, ...] = ()
    """Document graphs written (new or changed)."""
    unchanged: int = 0
    """Document graphs of this build already in the store as they are: not written."""
    removed: tuple[str, ...] = ()
    """Document graphs dropped (their file changed, or ``kg remove``)."""
    kept: int = 0
    """Documents of earlier builds, not among this build's inputs, kept as they were."""
    catalogue_written: bool = False
    quads: int = 0
    fresh: bool = False
    """The store was (re)built from scratch."""


def open_store(path: Path) -> ox.Store:
    """Open an existing store read-only (several readers may share it).

    Raises:
        StoreError: there is no store at ``path`` or it cannot be opened.
    """
    old = path.with_name(path.name + ".old")
    if not path.exists() and old.is_dir():  # a build is swapping stores (or was killed doing it)
        path = old
    if not path.is_dir():
        raise StoreError(f"{path}: no store here (run `kg build` first)")
    try:
        return ox.Store.read_only(str(path))
    except OSError as err:
        raise StoreError(f"{path}: cannot open the store ({err})") from err


def open_writable(path: Path) -> ox.Store:
    """Open an existing store for writing (one writer at a time). The record of its graphs'
    digests is dropped first (see :func:`forget_digests`): whatever writes next, a build, `kg
    remove` or SPARQL updates through `kg serve --allow-update`, the next build cannot trust it.

    Raises:
        StoreError: there is no store at ``path``, or it is locked or broken.
    """
    _recover(path)
    if not path.is_dir():
        raise StoreError(f"{path}: no store here (run `kg build` first)")
    forget_digests(path)
    try:
        return ox.Store(str(path))
    except OSError as err:
        raise StoreError(
            f"{path}: cannot open the store for writing ({err}); is `kg serve` or another "
            "build using it?"
        ) from err


def _recover(path: Path) -> None:
    """Undo a swap that a crash interrupted: the previous store comes back (writers only)."""
    old = path.with_name(path.name + ".old")
    if not path.exists() and old.is_dir():
        old.rename(path)
        log.warning("%s: restored the previous store after an interrupted build", path)


def replace_store(path: Path, nquads: str) -> int:
    """Load N-Quads into a fresh store built beside ``path``, then swap it in.

    The previous store stays usable until the new one is complete. Returns the number of quads.
    """
    fresh = path.with_name(path.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    store = ox.Store(str(fresh))
    store.bulk_load(nquads.encode("utf-8"), ox.RdfFormat.N_QUADS)
    store.flush()
    count = len(store)
    del store
    old = path.with_name(path.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        path.rename(old)
    fresh.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    return count


def graphs_of(nquads: str) -> Graphs:
    """N-Quads grouped by named graph, as the store holds them (quads of the default graph are
    ignored).

    They pass through an in-memory store because Oxigraph normalises some literals (an
    ``xsd:nonNegativeInteger`` is stored as an ``xsd:integer``): comparing with the store's
    content needs the same normal form.
    """
    memory = ox.Store()
    memory.load(nquads.encode("utf-8"), ox.RdfFormat.N_QUADS)
    graphs: Graphs = defaultdict(set)
    for quad in memory:
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs[quad.graph_name].add(quad.triple)
    return dict(graphs)


def update_store(path: Path, nquads: str, *, fresh: bool = False) -> StoreUpdate:
    """Bring the store at ``path`` up to date with a build's N-Quads, document by document.

    Args:
        path: the store folder; created when missing.
        nquads: the build's dataset (catalogue graph + one graph per document).
        fresh: rebuild the store from these quads alone, dropping documents of earlier builds.
    """
    _recover(path)
    forget_digests(path)
    if fresh or not path.exists():
        graphs = graphs_of(nquads)
        count = replace_store(path, nquads)
        docs = tuple(sorted(g.value for g in graphs if g != CATALOGUE))
        return StoreUpdate(written=docs, catalogue_written=True, quads=count, fresh=True)
    store = open_writable(path)
    try:
        return _update(store, graphs_of(nquads))
    except OSError as err:
        raise StoreError(f"{path}: cannot write the store ({err})") from err
    finally:
        store.flush()
        del store


def _documents(store: ox.Store) -> dict[ox.NamedNode, str]:
    """Document graphs in the store, with the source path each was read from."""
    found: dict[ox.NamedNode, str] = {}
    for quad in store.quads_for_pattern(None, _SOURCE, None, None):
        graph, source = quad.graph_name, quad.object
        if isinstance(graph, ox.NamedNode) and graph == quad.subject:
            found[graph] = source.value if isinstance(source, ox.Literal) else str(source)
    return found


def _triples(store: ox.Store, graph: ox.NamedNode) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, graph)}


def _place(source: str) -> str:
    """A source path in a comparable form (builds may name a file relatively or absolutely)."""
    return os.path.normpath(os.path.abspath(source))


def _source(triples: Iterable[ox.Triple]) -> str | None:
    return next(
        (
            t.object.value
            for t in triples
            if t.predicate == _SOURCE and isinstance(t.object, ox.Literal)
        ),
        None,
    )


def _update(store: ox.Store, graphs: Graphs) -> StoreUpdate:
    new_catalogue = graphs.pop(CATALOGUE, set())
    in_store = _documents(store)
    sources = {_place(s) for s in (_source(t) for t in graphs.values()) if s}
    # A document of the store read again from the same path with other text is replaced.
    replaced = {g for g, s in in_store.items() if g not in graphs and _place(s) in sources}
    kept = [g for g in in_store if g not in graphs and g not in replaced]
    written: list[str] = []
    unchanged = 0
    by_source = defaultdict(list)
    for graph in replaced:
        by_source[_place(in_store[graph])].append(graph)
    for graph, triples in sorted(graphs.items(), key=lambda item: item[0].value):
        source = _source(triples)
        drop = by_source.pop(_place(source), []) if source else []
        if not drop and graph in in_store and _triples(store, graph) == triples:
            unchanged += 1
            continue
        _replace_graphs(store, [*drop, graph], graph, triples)
        written.append(graph.value)
    for leftovers in by_source.values():  # defensive: a replaced source with no new graph
        _replace_graphs(store, leftovers, None, set())
    kept_graphs = {g: _triples(store, g) for g in kept}
    final_docs = {**kept_graphs, **graphs}
    catalogue = merge_catalogue(new_catalogue, _triples(store, CATALOGUE), kept_graphs, final_docs)
    catalogue_written = catalogue != _triples(store, CATALOGUE)
    if catalogue_written:
        _replace_graphs(store, [CATALOGUE], CATALOGUE, catalogue)
    return StoreUpdate(
        written=tuple(written),
        unchanged=unchanged,
        removed=tuple(sorted(g.value for g in replaced)),
        kept=len(kept),
        catalogue_written=catalogue_written,
        quads=len(store),
    )


def _replace_graphs(
    store: ox.Store,
    drop: Sequence[ox.NamedNode],
    graph: ox.NamedNode | None,
    triples: set[ox.Triple],
) -> None:
    """Drop graphs and insert one, in a single SPARQL update (one Oxigraph transaction).

    Terms are written in their N-Triples form, which is SPARQL syntax: no text is pasted in.
    """
    parts = [f"DROP SILENT GRAPH {g} ;" for g in dict.fromkeys(drop)]
    if graph is not None and triples:
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        parts.append(f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}")
    if parts:
        store.update("\n".join(parts).removesuffix(" ;"))


def _change_graph(
    store: ox.Store, graph: ox.NamedNode, gone: set[ox.Triple], added: set[ox.Triple]
) -> None:
    """Remove and add triples of one graph in a single SPARQL update (one transaction): a
    rebuild changes a few lines of a large catalogue."""
    if any(isinstance(n, ox.BlankNode) for t in gone | added for n in t):  # not in DATA blocks
        _replace_graphs(store, [graph], graph, (_triples(store, graph) - gone) | added)
        return
    parts = []
    if gone:
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in gone)
        parts.append(f"DELETE DATA {{ GRAPH {graph} {{\n{body}\n}} }}")
    if added:
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in added)
        parts.append(f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}")
    if parts:
        store.update(" ;\n".join(parts))


def merge_catalogue(
    new: set[ox.Triple],
    old: set[ox.Triple],
    kept: Graphs,
    documents: Graphs,
) -> set[ox.Triple]:
    """The catalogue for a store holding ``documents``, of which ``kept`` come from earlier builds.

    ``new`` (this build's catalogue) describes the entities of this build's documents. For the
    kept documents, the old descriptions of the entities, posts and bodies they use (and of what
    those descriptions point to) are carried over where ``new`` does not describe them, and a
    corroborated fact (``kg:Fact``) keeps its links to the kept documents' statements, its
    ``kg:supportCount`` counted again over the documents that remain. With nothing kept, the
    result is ``new``: a build over the whole corpus gives the same catalogue as a fresh one.
    """
    if not kept:
        return set(new)
    by_subject: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    for triple in old:
        by_subject[triple.subject].append(triple)
    described = {t.subject for t in new}
    out = set(new)
    statements = {
        t.subject: g for g, ts in documents.items() for t in ts if t.predicate == _SUBJECT
    }
    # Entities the kept documents use, and what their old descriptions point to.
    queue = [n for n in _nodes(kept) if n not in described and n in by_subject]
    seen = set(queue)
    while queue:
        for triple in by_subject[queue.pop()]:
            if _is_fact(by_subject, triple.subject):
                continue
            out.add(triple)
            target = triple.object
            if isinstance(target, ox.NamedNode) and target not in described | seen:
                seen.add(target)
                queue.append(target)
    # Corroborated facts: links to the statements of the kept documents.
    new_by_subject: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    for triple in new:
        new_by_subject[triple.subject].append(triple)
    kept_statements = {s for s, g in statements.items() if g in kept}
    for fact, triples in list(by_subject.items()):
        links = {t for t in triples if t.predicate == _STATEMENT and t.object in kept_statements}
        if not links or not _is_fact(by_subject, fact):
            continue
        base = new_by_subject[fact] if fact in described else triples
        out.difference_update(base)
        current = links | {
            t
            for t in base
            if t.predicate != _SUPPORT and (t.predicate != _STATEMENT or t.object in statements)
        }
        docs = {
            statements[t.object]
            for t in current
            if t.predicate == _STATEMENT and isinstance(t.object, ox.NamedNode)
        }
        count = ox.Literal(str(len(docs)), datatype=_NON_NEGATIVE)
        out |= current | {ox.Triple(fact, _SUPPORT, count)}
    return out


def _is_fact(
    by_subject: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]],
    node: ox.NamedNode | ox.BlankNode,
) -> bool:
    return any(t.predicate == _TYPE and t.object == _FACT for t in by_subject.get(node, ()))


def _nodes(graphs: Graphs) -> Iterator[ox.NamedNode]:
    for triples in graphs.values():
        for triple in triples:
            yield from (n for n in (triple.subject, triple.object) if isinstance(n, ox.NamedNode))


def remove_documents(path: Path, docs: Sequence[str]) -> StoreUpdate:
    """Drop documents from the store, by content hash, document IRI or source path.

    Each document is dropped in its own transaction; then the catalogue keeps only what the
    remaining documents use (one transaction).

    Raises:
        StoreError: a name matches no document of the store (nothing is removed then).
    """
    store = open_writable(path)
    try:
        in_store = _documents(store)
        targets: list[ox.NamedNode] = []
        for name in docs:
            found = [g for g, source in in_store.items() if _matches(name, g, source)]
            if not found:
                raise StoreError(f"{name}: no such document in {path} (give a hash, IRI or path)")
            targets += found
        targets = list(dict.fromkeys(targets))
        for graph in targets:
            _replace_graphs(store, [graph], None, set())
        remaining = {g: _triples(store, g) for g in in_store if g not in targets}
        old = _triples(store, CATALOGUE)
        catalogue = merge_catalogue(set(), old, remaining, remaining)
        if catalogue != old:
            _replace_graphs(store, [CATALOGUE], CATALOGUE, catalogue)
        return StoreUpdate(
            removed=tuple(g.value for g in targets),
            kept=len(remaining),
            catalogue_written=catalogue != old,
            quads=len(store),
        )
    except OSError as err:
        raise StoreError(f"{path}: cannot write the store ({err})") from err
    finally:
        store.flush()
        del store


def read_from(path: Path, files: Iterable[str]) -> list[str]:
    """The source paths of the documents of the store at ``path`` that were read from ``files``
    (a text or HTML file gives one document, a JSON lines or CSV file one per record,
    ``file#L3``): names for :func:`remove_documents`."""
    wanted = {_place(f) for f in files}
    store = open_store(path)
    try:
        sources = list(_documents(store).values())
    finally:
        del store
    return sorted(
        s for s in sources if _place(s) in wanted or _place(s.rsplit("#", 1)[0]) in wanted
    )


def _matches(name: str, graph: ox.NamedNode, source: str) -> bool:
    doc_hash = graph.value.rsplit("/", 1)[-1]
    if name in (graph.value, doc_hash, source) or (len(name) >= 6 and doc_hash.startswith(name)):
        return True
    try:
        return Path(name).resolve() == Path(source).resolve()
    except OSError:
        return False


def to_dataset(path: Path) -> rdflib.Dataset:
    """Everything the store holds, as an rdflib ``Dataset`` (to write the graph files)."""
    import rdflib

    store = open_store(path)
    dataset = rdflib.Dataset()
    dataset.parse(data=store.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    return dataset


def write_files(path: Path) -> list[Path]:
    """Rewrite the graph files next to the store (those that exist) from the store's content.

    ``graph.ttl``, ``graph.trig`` and ``graph.html`` then show what the store holds.
    """
    from kg import writers

    written = []
    turtle, trig = path.parent / "graph.ttl", path.parent / "graph.trig"
    if turtle.exists() or trig.exists():
        store = open_store(path)
        try:
            # Both are written (the streaming writer makes them together); a missing one
            # comes back, which is harmless.
            written += writers.write_store_files(store, turtle, trig)
        finally:
            del store
    if (path.parent / "graph.html").exists():
        from kg.view import write_html

        store = open_store(path)
        try:
            written.append(write_html(store, path.parent / "graph.html"))
        finally:
            del store
    return written


def _digests_path(path: Path) -> Path:
    return path.with_name(f".{path.name}-digests.json")


def _catalogue_path(path: Path) -> Path:
    return path.with_name(f".{path.name}-catalogue.nq")


def forget_digests(path: Path) -> None:
    """Drop the record of graph digests next to the store at ``path`` (its graphs then are
    compared triple by triple by the next build; the copy of the last build's catalogue beside
    it is trusted no more). Anything that writes the store calls this before writing."""
    with contextlib.suppress(FileNotFoundError):
        _digests_path(path).unlink()


def _parsed(lines: Iterable[bytes]) -> set[ox.Triple]:
    """The triples of N-Quads lines."""
    data = b"\n".join(lines)
    return {q.triple for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)} if data else set()


def graph_digest(quads: Sequence[ox.Quad]) -> str:
    """A digest of a graph's sorted quads."""
    return hashlib.sha256("\n".join(map(str, quads)).encode("utf-8")).hexdigest()


class _Load(threading.Thread):
    """N-Quads of our own serialisation (their IRIs need no checking) bulk-loaded into a store;
    :meth:`join` raises what the load raised."""

    def __init__(self, store: ox.Store, data: bytes) -> None:
        super().__init__(name="kg-store-load", daemon=True)
        self.store, self.data = store, data
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self.store.bulk_load(self.data, format=ox.RdfFormat.N_QUADS, lenient=True)
        except BaseException as err:  # noqa: BLE001 - handed to the thread that joins
            self.error = err

    def join(self, timeout: float | None = None) -> None:
        super().join(timeout)
        if self.error is not None:
            raise self.error


class DocumentWriter:
    """A build's store update, one document graph at a time (documents stream through it).

    Without a store at ``path`` (or with ``fresh``), a new store is filled beside it and swapped in
    by :meth:`finish`. Otherwise each changed document graph is replaced in one transaction, a
    graph whose digest (or, with no digest recorded, whose triples) did not change is not written,
    documents of earlier builds are kept, and the catalogue is written last. The digests of the
    graphs are recorded next to the store (``.store-digests.json``), removed while the store is
    being written, so a build stopped halfway never leaves a digest that the store contradicts;
    so is the digest of the catalogue, whose N-Quads are kept beside the store too
    (``.store-catalogue.nq``) for the next build to compare with.
    """

    def __init__(self, path: Path, sources: dict[str, str], *, fresh: bool = False) -> None:
        """``sources``: this build's document IRIs and the source each was read from."""
        _recover(path)
        self.path = path
        try:
            recorded = json.loads(_digests_path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            recorded = {}
        self.recorded: dict[str, str] = recorded if isinstance(recorded, dict) else {}
        forget_digests(path)
        self.digests: dict[str, str] = {}
        self.fresh = fresh or not path.exists()
        self.in_store: dict[ox.NamedNode, str] = {}
        if self.fresh:
            self.target = path.with_name(path.name + ".new")
            shutil.rmtree(self.target, ignore_errors=True)
            self.store = ox.Store(str(self.target))
        else:
            self.store = open_writable(path)
            self.in_store = _documents(self.store)
        ours = {_place(s) for s in sources.values()}
        mine = {ox.NamedNode(g) for g in sources}
        self.drop_for: dict[str, list[ox.NamedNode]] = defaultdict(list)
        kept = []
        for graph, source in self.in_store.items():
            if graph in mine:
                continue
            if _place(source) in ours:  # the same file read again, its text changed
                self.drop_for[_place(source)].append(graph)
            else:
                kept.append(graph)
        self.kept = sorted(kept, key=lambda g: g.value)
        self.written: list[str] = []
        self.removed = sorted(g.value for graphs in self.drop_for.values() for g in graphs)
        self.unchanged = 0
        self.catalogue_written = False
        self.catalogue_data: bytes | None = None  # kept beside the store by finish
        self.pending: list[ox.Quad] = []
        self.pending_data: list[bytes] = []  # N-Quads
        self.pending_size = 0
        self.loading: _Load | None = None

    def document(
        self,
        graph: ox.NamedNode,
        quads: Sequence[ox.Quad] | bytes,
        source: str,
        digest: str | None = None,
    ) -> None:
        """Write one document graph of this build unless the store has it: its sorted quads,
        or these serialised as N-Quads (then with their :func:`graph_digest`)."""
        data = quads if isinstance(quads, bytes) else None
        if data is not None and not self.fresh:
            quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS, lenient=True))
        assert digest is not None or not isinstance(quads, bytes)
        digest = digest or graph_digest(quads)  # type: ignore[arg-type]
        self.digests[graph.value] = digest
        drop = self.drop_for.pop(_place(source), [])
        try:
            if self.fresh:  # loaded in large batches (no transaction: the store is swapped in)
                if data is not None:
                    self.pending_data.append(data)
                    self.pending_size += len(data)
                else:
                    self.pending += quads
                if len(self.pending) >= _BATCH_QUADS or self.pending_size >= _BATCH_BYTES:
                    self._load_pending()
            elif not drop and graph in self.in_store and self._same(graph, quads, digest):
                self.unchanged += 1
                return
            else:
                _replace_graphs(self.store, [*drop, graph], graph, {q.triple for q in quads})
        except OSError as err:
            raise StoreError(f"{self.path}: cannot write the store ({err})") from err
        self.written.append(graph.value)

    def current(self, graph: ox.NamedNode, digest: str, source: str) -> bool:
        """Whether the store already holds this graph as a graph of that digest (recorded by
        the last build), with no other graph of the same source to drop; if so it counts as
        unchanged and need not be made again."""
        if (
            self.fresh
            or self.recorded.get(graph.value) != digest
            or graph not in self.in_store
            or self.drop_for.get(_place(source))
        ):
            return False
        self.digests[graph.value] = digest
        self.unchanged += 1
        return True

    def _load_pending(self, *, wait: bool = False) -> None:
        """Load what is pending. N-Quads load in a thread of their own while the build goes
        on (Oxigraph parses and loads them without Python's lock), one load at a time; with
        ``wait``, until every load is done."""
        self._wait()
        self.store.bulk_extend(self.pending)
        self.pending = []
        if self.pending_data:
            data = b"".join(self.pending_data)
            self.loading = _Load(self.store, data)
        self.pending_data, self.pending_size = [], 0
        if wait:
            self._wait()

    def _wait(self) -> None:
        if self.loading is not None:
            loading, self.loading = self.loading, None
            loading.join()

    def _same(self, graph: ox.NamedNode, quads: Sequence[ox.Quad], digest: str) -> bool:
        if graph.value in self.recorded:
            return self.recorded[graph.value] == digest
        return _triples(self.store, graph) == {q.triple for q in quads}

    def kept_quads(self, graph: ox.NamedNode) -> list[ox.Quad]:
        """A kept document graph (of an earlier build), sorted; its digest is recorded."""
        quads = sorted(
            self.store.quads_for_pattern(None, None, None, graph), key=lambda q: str(q.triple)
        )
        self.digests[graph.value] = graph_digest(quads)
        return quads

    def catalogue(self, triples: set[ox.Triple], kept: Graphs, documents: Graphs) -> set[ox.Triple]:
        """Write the catalogue (see :func:`merge_catalogue`) last; returns what it holds."""
        try:
            self._load_pending(wait=True)
            for leftovers in self.drop_for.values():  # a replaced source with no new graph
                _replace_graphs(self.store, leftovers, None, set())
            self.drop_for.clear()
            old = set() if self.fresh else _triples(self.store, CATALOGUE)
            catalogue = merge_catalogue(triples, old, kept, documents)
            if self.fresh:
                self.store.bulk_extend(
                    ox.Quad(t.subject, t.predicate, t.object, CATALOGUE) for t in catalogue
                )
                self.catalogue_written = True
            elif catalogue != old:
                _change_graph(self.store, CATALOGUE, old - catalogue, catalogue - old)
                self.catalogue_written = True
        except OSError as err:
            raise StoreError(f"{self.path}: cannot write the store ({err})") from err
        return catalogue

    def whole_catalogue(self, data: bytes) -> None:
        """Write the catalogue, last, when the store keeps no document of an earlier build (so
        the catalogue is this build's), given as sorted N-Quads (see
        :func:`kg.render.catalogue_parts`).

        An existing store's catalogue is changed by the lines that differ from the last build's
        catalogue, which :meth:`finish` keeps beside the store with its digest: the store's
        copy is not read back (on a large store, most of the catalogue's cost). Without a
        trustworthy copy, the store's catalogue is read and compared triple by triple.
        """
        assert not self.kept
        try:
            self._load_pending(wait=True)
            for leftovers in self.drop_for.values():  # a replaced source with no new graph
                _replace_graphs(self.store, leftovers, None, set())
            self.drop_for.clear()
            if self.fresh:
                self.pending_data.append(data)
                self._load_pending(wait=True)
                self.catalogue_written = True
            else:
                previous = self._previous_catalogue()
                if previous is not None:
                    before, after = set(previous.splitlines()), set(data.splitlines())
                    gone, added = _parsed(before - after), _parsed(after - before)
                if previous is None or any(  # a blank node's label is the parser's
                    isinstance(n, ox.BlankNode) for t in gone | added for n in t
                ):
                    old = _triples(self.store, CATALOGUE)
                    new = {q.triple for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)}
                    gone, added = old - new, new - old
                if gone or added:
                    _change_graph(self.store, CATALOGUE, gone, added)
                    self.catalogue_written = True
        except OSError as err:
            raise StoreError(f"{self.path}: cannot write the store ({err})") from err
        self.catalogue_data = data

    def _previous_catalogue(self) -> bytes | None:
        """The last build's catalogue as it left it in the store, if its digest says so."""
        recorded = self.recorded.get(CATALOGUE.value)
        if recorded is None:
            return None
        try:
            data = _catalogue_path(self.path).read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == recorded else None

    def abort(self) -> None:
        """Stop writing: a fresh store being filled is thrown away (the previous one stays);
        graphs already replaced in an existing store stay replaced, each whole."""
        if hasattr(self, "store"):
            with contextlib.suppress(Exception):
                self._wait()
            with contextlib.suppress(OSError):
                self.store.flush()
            del self.store
        if self.fresh:
            shutil.rmtree(self.target, ignore_errors=True)

    def finish(self) -> StoreUpdate:
        """Flush (and swap in a fresh store); record the digests. Returns what was done."""
        self._wait()
        self.store.flush()
        count = len(self.store)
        del self.store
        if self.fresh:
            old = self.path.with_name(self.path.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self.path.exists():
                self.path.rename(old)
            self.target.rename(self.path)
            shutil.rmtree(old, ignore_errors=True)
        if self.catalogue_data is not None:  # first: the digest vouches for this file
            fileio.write_bytes(_catalogue_path(self.path), self.catalogue_data)
            self.digests[CATALOGUE.value] = hashlib.sha256(self.catalogue_data).hexdigest()
        fileio.write_text(
            _digests_path(self.path), json.dumps(self.digests, sort_keys=True, indent=0)
        )
        return StoreUpdate(
            written=tuple(self.written),
            unchanged=self.unchanged,
            removed=tuple(self.removed),
            kept=len(self.kept),
            catalogue_written=self.catalogue_written,
            quads=count,
            fresh=self.fresh,
        )
