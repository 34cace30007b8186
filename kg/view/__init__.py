"""The offline HTML network view: entities as nodes, direct edges with their evidence.

``project`` turns the RDF graph into a ``networkx.MultiDiGraph`` (``project_store`` the same,
straight from an Oxigraph store, without rdflib); ``write_html`` draws it with
pyvis as one self-contained page (vis-network inlined, no request leaves the machine).

Article text reaches the page only HTML-escaped. vis-network 9.1.2 shows a *string* ``title`` as
plain text (``innerText``), so the page script turns each escaped title into an element (HTML
tooltips with line breaks) and decodes labels for the canvas, which draws text, not HTML.
Its inline script also filters by entity type and relation and focuses on a neighbourhood, by
setting the vis DataSet ``hidden`` flag; ``window.kgView.ready`` tells tests and benchmarks
when the network has stabilised (or, without physics, been drawn).
"""

from __future__ import annotations

from kg.view.page import EDGE_COLOURS, NODE_STYLE, write_html
from kg.view.projection import Citation, as_network, project, project_store

__all__ = [
    "EDGE_COLOURS",
    "NODE_STYLE",
    "Citation",
    "as_network",
    "project",
    "project_store",
    "write_html",
]
