"""Export the graph for other tools.

RDF formats (``turtle``, ``trig``, ``nquads``, ``ntriples``, ``jsonld``, ``xml``) write the RDF
graph itself, read from a build's ``graph.trig`` or from its Oxigraph store. TriG, N-Quads and
JSON-LD keep one named graph per document (and the catalogue graph); Turtle, N-Triples and
RDF/XML cannot hold named graphs and write their union (each distinct triple once). Every
writer sorts its output, so the same graph gives the same bytes. JSON-LD embeds the shipped
context (``kg/context.jsonld``): readers need no network access.

Network formats (``graphml`` for Cytoscape or yEd, ``gexf`` for Gephi) write the graph of
``kg.view.project`` (``kg.view.project_store`` when given an Oxigraph store): entities as
nodes, direct edges with their relation, label, modality and evidence. GraphML and GEXF hold
only scalar attributes, so lists become text: aliases joined with `` | ``, each citation as one
line.
"""

from __future__ import annotations

import io
import json
from enum import Enum
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg import fileio
from kg.errors import InputError
from kg.rdf import PREFIXES
from kg.view import Citation, as_network


class ExportFormat(str, Enum):
    """The file formats ``export`` writes."""

    TURTLE = "turtle"
    TRIG = "trig"
    NQUADS = "nquads"
    NTRIPLES = "ntriples"
    JSONLD = "jsonld"
    XML = "xml"
    GRAPHML = "graphml"
    GEXF = "gexf"

    @property
    def suffix(self) -> str:
        """The usual file name extension."""
        return _SUFFIXES.get(self.value, self.value)

    @property
    def named_graphs(self) -> bool:
        """Whether the format keeps named graphs (the others get the union)."""
        return self in (ExportFormat.TRIG, ExportFormat.NQUADS, ExportFormat.JSONLD)


_SUFFIXES = {"turtle": "ttl", "nquads": "nq", "ntriples": "nt", "xml": "rdf"}


def export(graph: Graph | Dataset | ox.Store | nx.MultiDiGraph, path: Path, *, fmt: str) -> Path:
    """Write the graph in one of the ``ExportFormat`` formats.

    Args:
        graph: an RDF Graph/Dataset, an Oxigraph store, or (network formats only) the result
            of ``kg.view.project``. A store is read with ``kg.view.project_store`` for the
            network formats, and copied into a Dataset for the RDF formats.
        path: the file to write (parent folders are created).
        fmt: an ``ExportFormat`` value.

    Returns:
        ``path``.

    Raises:
        InputError: ``fmt`` is not a known format, or an RDF format was asked of a network.
    """
    try:
        kind = ExportFormat(fmt)
    except ValueError as err:
        known = ", ".join(f.value for f in ExportFormat)
        raise InputError(f"unknown export format {fmt!r}: use one of {known}") from err
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind in (ExportFormat.GRAPHML, ExportFormat.GEXF):
        flat = flatten(as_network(graph))
        buffer = io.BytesIO()
        if kind is ExportFormat.GRAPHML:
            nx.write_graphml(flat, buffer, encoding="utf-8")
        else:
            nx.write_gexf(flat, buffer, encoding="utf-8")
        return fileio.write_bytes(path, buffer.getvalue())
    if isinstance(graph, nx.MultiDiGraph):
        raise InputError(f"{kind.value} is an RDF format: export an RDF graph, not a network")
    if isinstance(graph, ox.Store):
        dataset = _store_dataset(graph)
    else:
        dataset = graph if isinstance(graph, Dataset) else _as_dataset(graph)
    return fileio.write_text(path, rdf_text(dataset, kind))


def rdf_text(dataset: Dataset, kind: ExportFormat) -> str:
    """The dataset serialised as ``kind`` (an RDF format), sorted so that it is reproducible."""
    writers = {
        ExportFormat.TURTLE: lambda d: _bound(union(d)).serialize(format="turtle"),
        ExportFormat.TRIG: _trig,
        ExportFormat.NQUADS: lambda d: _sorted_lines(_quads(d).serialize(format="nquads")),
        ExportFormat.NTRIPLES: lambda d: _sorted_lines(union(d).serialize(format="nt")),
        ExportFormat.JSONLD: _jsonld,
        ExportFormat.XML: lambda d: _bound(union(d)).serialize(format="pretty-xml"),
    }
    return writers[kind](dataset)


@cache
def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context shipped with the package (``kg/context.jsonld``)."""
    text = files("kg").joinpath("context.jsonld").read_text(encoding="utf-8")
    context: dict[str, Any] = json.loads(text)["@context"]
    return context


def read_store(path: Path) -> Dataset:
    """Every quad of the Oxigraph store at ``path`` as an rdflib ``Dataset``.

    Raises:
        StoreError: there is no readable store at ``path``.
    """
    from kg.store import open_store

    return _store_dataset(open_store(path))


def _store_dataset(store: ox.Store) -> Dataset:
    dataset = Dataset()
    dataset.parse(data=store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
    return dataset


def graphs(dataset: Dataset) -> list[Graph]:
    """The non-empty graphs of a dataset, the default graph first, then named graphs by IRI."""
    found = [g for g in dataset.graphs() if len(g)]
    return sorted(
        found, key=lambda g: (g.identifier != DATASET_DEFAULT_GRAPH_ID, str(g.identifier))
    )


def union(dataset: Dataset) -> Graph:
    """Every triple of every graph of ``dataset``, once."""
    merged = Graph()
    for graph in graphs(dataset):
        for triple in graph:
            merged.add(triple)
    return merged


def _as_dataset(graph: Graph) -> Dataset:
    dataset = Dataset()
    target = dataset.default_context
    for triple in graph:
        target.add(triple)
    return dataset


def _bound(graph: Graph) -> Graph:
    for prefix, namespace in sorted(PREFIXES.items()):
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def _sorted_lines(text: str) -> str:
    return "".join(sorted(set(text.splitlines(keepends=True)) - {"\n"}))


def _quads(dataset: Dataset) -> Dataset:
    copy = Dataset()
    for graph in graphs(dataset):
        if graph.identifier == DATASET_DEFAULT_GRAPH_ID:
            target = copy.default_context
        else:
            target = copy.graph(graph.identifier)
        for triple in graph:
            target.add(triple)
    return copy


def _trig(dataset: Dataset) -> str:
    """TriG as ``graph.trig`` holds it (Oxigraph's writer, one block per named graph in IRI
    order, triples sorted; no ``GRAPH`` keyword: raptor's parser rejects it). Triples of the
    default graph, if any, come first."""
    from kg import writers as files

    data = _quads(dataset).serialize(format="nquads")
    store = ox.Store()
    store.load(data.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    default = files.sort_quads(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    text = files.trig_bytes(store)
    if default:
        head, body = text[: len(files.HEADER)], text[len(files.HEADER) :]
        text = head + b"\n" + files.turtle(default) + body
    return text.decode("utf-8")


def _jsonld(dataset: Dataset) -> str:
    """JSON-LD with the shipped context embedded; one ``@graph`` entry per named graph."""
    context = jsonld_context()
    text = _quads(dataset).serialize(format="json-ld", context=context, auto_compact=True)
    return json.dumps(_sort_jsonld(json.loads(text)), ensure_ascii=False, indent=2) + "\n"


def _sort_jsonld(value: Any) -> Any:
    """Lists of nodes and values in a stable order (rdflib emits them in hash order)."""
    if isinstance(value, dict):
        return {
            key: [_sort_jsonld(i) for i in item] if key == "@list" else _sort_jsonld(item)
            for key, item in sorted(value.items())
        }
    if isinstance(value, list):
        items = [_sort_jsonld(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def flatten(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all text or numbers, as GraphML and GEXF require.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", label="A", type="State", aliases=["A", "Ay"])
    >>> flatten(g).nodes["a"]["aliases"]
    'A | Ay'
    """
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{name: _text(value) for name, value in data.items()})
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = {name: _text(value) for name, value in data.items()}
        attrs["support"] = len(data.get("evidences", ()))
        flat.add_edge(u, v, key=key, **attrs)
    return flat


def _text(value: Any) -> str | int | float | bool:
    if isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, Citation) for v in value):
        return "\n".join(
            f"{c.sentence} ({c.document}, {c.date or 'undated'}, {c.modality})" for c in value
        )
    if isinstance(value, list | tuple | set | frozenset):
        return " | ".join(str(v) for v in value)
    return str(value)
