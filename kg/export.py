"""Export the network view's graph for other tools: GraphML (Cytoscape, yEd) and GEXF (Gephi).

The graph is ``kg.view.project``'s: entities as nodes, direct edges with their relation,
label, modality and evidence. GraphML and GEXF hold only scalar attributes, so lists become
text: aliases joined with `` | ``, each citation as one line.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Dataset, Graph

from kg.errors import InputError
from kg.view import Citation, project


class ExportFormat(str, Enum):
    """The file formats ``export`` writes."""

    GRAPHML = "graphml"
    GEXF = "gexf"


def export(graph: Graph | Dataset | nx.MultiDiGraph, path: Path, *, fmt: str) -> Path:
    """Write the projected graph as GraphML or GEXF.

    Args:
        graph: an RDF Graph/Dataset, or the result of ``kg.view.project``.
        path: the file to write (parent folders are created).
        fmt: ``graphml`` or ``gexf``.

    Returns:
        ``path``.

    Raises:
        InputError: ``fmt`` is not a known format.
    """
    try:
        kind = ExportFormat(fmt)
    except ValueError as err:
        known = ", ".join(f.value for f in ExportFormat)
        raise InputError(f"unknown export format {fmt!r}: use one of {known}") from err
    full = graph if isinstance(graph, nx.MultiDiGraph) else project(graph)
    flat = flatten(full)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind is ExportFormat.GRAPHML:
        nx.write_graphml(flat, path, encoding="utf-8")
    else:
        nx.write_gexf(flat, path, encoding="utf-8")
    return path


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
