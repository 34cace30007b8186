"""``graph.ttl`` and ``graph.trig`` written from the Oxigraph store, so they show what it holds.

- ``graph.ttl`` (every named graph merged, each triple once) is serialised by Oxigraph's Turtle
  writer (Rust) over the triples sorted by their N-Triples form: subjects grouped, byte-for-byte
  reproducible, one prefix per entity kind (``state:FR``, ``statement:…``).
- ``graph.trig`` keeps rdflib's Turtle layout inside each ``<graph> { … }`` block, because
  ``kg export --format trig`` (rdflib) must give the same bytes. Each block depends only on its
  graph's triples, so blocks are kept in a cache file keyed by a digest of the graph's sorted
  N-Triples: a rebuild serialises only the graphs that changed (usually one document and the
  catalogue).
"""

from __future__ import annotations

import hashlib
import pickle
import re
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from kg import fileio
from kg.rdf import PREFIXES, _bound

_HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))
_PREFIXES = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
_BLOCKS_VERSION = f"1 rdflib {version('rdflib')} {sorted(_PREFIXES.items())}"


def _named_graphs(store: ox.Store) -> list[ox.NamedNode]:
    names = (g for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    return sorted(names, key=lambda g: g.value)


def write_turtle(store: ox.Store, path: Path) -> Path:
    """The union of the store's named graphs as Turtle (Oxigraph's writer), each triple once,
    in the order of their N-Triples lines."""
    lines: set[bytes] = set()
    for name in _named_graphs(store):
        lines.update(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name).splitlines(True))
    triples = ox.parse(b"".join(sorted(lines)), format=ox.RdfFormat.N_TRIPLES)
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_PREFIXES)
    return fileio.write_bytes(path, (_HEADER + "\n").encode("utf-8") + _without_prefixes(data))


def _without_prefixes(data: bytes) -> bytes:
    """Oxigraph's output without its ``@prefix`` lines (their order is its hash map's)."""
    lines = data.split(b"\n", len(_PREFIXES))
    if len(lines) <= len(_PREFIXES) or not all(x.startswith(b"@prefix") for x in lines[:-1]):
        return data if data.strip() else b""
    return lines[-1]


def write_trig(
    store: ox.Store,
    path: Path,
    *,
    blocks: Path | None = None,
    dataset: Dataset | None = None,
) -> Path:
    """One ``<graph> { … }`` block per named graph of the store, in IRI order.

    Args:
        store: the store to write.
        path: the TriG file.
        blocks: a cache file of serialised blocks (read, then rewritten with the blocks used).
        dataset: the build's own graphs, when at hand: a new block is serialised from there
            rather than parsed back from the store.
    """
    cached = _read_blocks(blocks)
    used: dict[str, str] = {}
    names = _bound(Graph()).namespace_manager
    parts = [_HEADER]
    for name in _named_graphs(store):
        lines = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name).splitlines(True)
        if not lines:
            continue
        lines.sort()
        text = b"".join(lines)
        key = hashlib.sha256(name.value.encode() + b"\n" + text).hexdigest()
        block = cached.get(key)
        if block is None:
            block = _block(name, text, dataset, names)
        used[key] = block
        parts.append(block)
    fileio.write_text(path, "".join(parts))
    if blocks is not None and used != cached:
        fileio.write_bytes(blocks, pickle.dumps((_BLOCKS_VERSION, used), protocol=5))
    return path


def _block(name: ox.NamedNode, text: bytes, dataset: Dataset | None, names: object) -> str:
    """rdflib's Turtle of one graph (as ``rdf.write_trig`` and ``kg export`` write it)."""
    identifier = URIRef(name.value)
    graph = _bound(Graph())
    source = dataset.graph(identifier) if dataset is not None else None
    if source is not None and len(source):
        graph += source
    else:
        graph.parse(data=text.decode("utf-8"), format="nt")
    body = graph.serialize(format="turtle")
    body = re.sub(r"^@prefix[^\n]*\n", "", body, flags=re.MULTILINE).strip()
    return f"\n{identifier.n3(names)} {{\n{body}\n}}\n"  # type: ignore[arg-type]


def _read_blocks(path: Path | None) -> dict[str, str]:
    if path is None or not path.is_file():
        return {}
    try:
        stamp, blocks = pickle.loads(path.read_bytes())
    except Exception:  # a damaged or foreign cache file is only a cache: start again
        return {}
    return blocks if stamp == _BLOCKS_VERSION and isinstance(blocks, dict) else {}
