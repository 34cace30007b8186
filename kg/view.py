"""The offline HTML network view: entities as nodes, direct edges with their evidence.

``project`` turns the RDF graph into a ``networkx.MultiDiGraph``; ``write_html`` draws it with
pyvis as one self-contained page (vis-network inlined, no request leaves the machine).

Article text reaches the page only HTML-escaped. vis-network 9.1.2 shows a *string* ``title`` as
plain text (``innerText``), so the page script turns each escaped title into an element (HTML
tooltips with line breaks) and decodes labels for the canvas, which draws text, not HTML.
"""

from __future__ import annotations

import html
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import networkx as nx
from pyvis.network import Network
from rdflib import ConjunctiveGraph, Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.errors import InputError
from kg.model import EntityType, Modality
from kg.vocab import KG

logger = logging.getLogger(__name__)

KG_NS = str(KG._NS)
ENTITY_TYPES: dict[URIRef, EntityType] = {KG[t.value]: t for t in EntityType}
SYMMETRIC = frozenset({"negotiatedWith", "met"})
MAX_PHYSICS_NODES = 300
MAX_CITATIONS = 12
LAYOUT_SEED = 42

# (colour, vis-network shape, legend glyph) per entity type.
NODE_STYLE: dict[str, tuple[str, str, str]] = {
    "State": ("#4e79a7", "dot", "\u25cf"),
    "Person": ("#f28e2b", "diamond", "\u25c6"),
    "Body": ("#59a14f", "square", "\u25a0"),
    "Place": ("#9c755f", "triangle", "\u25b2"),
    "Resolution": ("#b07aa1", "star", "\u2605"),
}
EDGE_COLOURS: dict[str, str] = {
    "votedFor": "#2ca02c", "votedAgainst": "#d62728", "abstainedOn": "#bcbd22",
    "negotiatedWith": "#1f77b4", "met": "#17becf", "visited": "#8c564b", "holdsPost": "#9467bd",
    "condemned": "#7f1d1d", "demanded": "#ff7f0e", "accused": "#e377c2", "supported": "#98df8a",
    "drafted": "#aec7e8", "vetoed": "#000000", "withdrew": "#7f7f7f", "attacked": "#b91c1c",
    "hosted": "#0d9488",
}  # fmt: skip
OTHER_COLOUR = "#a0a0a0"

_WANTED = frozenset(
    {
        RDF.type,
        RDFS.label,
        SKOS.altLabel,
        RDF.subject,
        RDF.predicate,
        RDF.object,
        ORG.postIn,
        DCTERMS.title,
        DCTERMS.date,
    }
)
_REMOTE_TAG = re.compile(
    r"""<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?//[^>]*>"""
    r"""|<script\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//[^>]*>\s*</script>""",
    re.IGNORECASE,
)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>\s*")

_DIRECT = frozenset(m.value for m in Modality if m.direct)
Index = dict[Node, dict[Node, set[Node]]]


class Citation(NamedTuple):
    """One evidence sentence behind an edge."""

    document: str
    date: str
    modality: str
    sentence: str


def project(graph: Graph | Dataset) -> nx.MultiDiGraph:
    """Project the RDF graph onto entities and the direct edges between them.

    A Dataset is read as the union of its graphs. A Person ``kg:holdsPost`` Post ``org:postIn``
    Org becomes one Person→Org edge labelled with the post. An edge is ``planned`` when every
    statement that licenses it (asserted or planned) is planned.

    Args:
        graph: a Graph or Dataset following ``ontology/README.md``.

    Returns:
        Nodes keyed by IRI with ``label``, ``type``, ``aliases``; edges keyed by relation (or post
        IRI) with ``relation``, ``label``, ``modality`` and ``evidences`` (sorted ``Citation``s).
    """
    idx = _index(graph)
    out = nx.MultiDiGraph()
    for node, classes in sorted(idx[RDF.type].items(), key=lambda item: str(item[0])):
        kind = next((t for cls, t in ENTITY_TYPES.items() if cls in classes), None)
        if kind is None or not isinstance(node, URIRef):
            continue
        label = _first(idx, RDFS.label, node) or str(node).rstrip("/").rsplit("/", 1)[-1]
        aliases = sorted({str(alias) for alias in idx[SKOS.altLabel].get(node, ())})
        out.add_node(str(node), label=label, type=kind.value, aliases=aliases)

    behind: defaultdict[tuple[str, str, str], list[Node]] = defaultdict(list)
    for statement, predicates in idx[RDF.predicate].items():
        subject, obj = _first(idx, RDF.subject, statement), _first(idx, RDF.object, statement)
        for predicate in predicates:
            behind[(subject, str(predicate), obj)].append(statement)

    for predicate in sorted(p for p in idx if isinstance(p, URIRef) and p.startswith(KG_NS)):
        relation = predicate[len(KG_NS) :]
        for subject, objects in sorted(idx[predicate].items(), key=lambda item: str(item[0])):
            if str(subject) not in out:
                continue
            for obj in sorted(objects, key=str):
                target, key, label = str(obj), relation, relation
                if predicate == KG.holdsPost:
                    target, key = _first(idx, ORG.postIn, obj), str(obj)
                    label = _first(idx, RDFS.label, obj) or relation
                if target not in out:
                    continue
                statements = behind.get((str(subject), str(predicate), str(obj)), [])
                modality, citations = _evidence(idx, statements)
                out.add_edge(
                    str(subject),
                    target,
                    key=key,
                    relation=relation,
                    label=label,
                    modality=modality,
                    evidences=citations,
                )
    return out


def write_html(
    graph: Graph | Dataset | nx.MultiDiGraph,
    path: Path,
    *,
    focus: str | None = None,
    hops: int = 1,
    relations: set[str] | None = None,
) -> Path:
    """Write the network as one HTML page that opens offline.

    Args:
        graph: an RDF Graph/Dataset, or the result of ``project``.
        path: the HTML file to write (parent folders are created).
        focus: keep only the entity whose label or alias is this (any case) and its neighbours.
        hops: how far from ``focus`` neighbours may be.
        relations: keep only edges of these relations (local names, e.g. ``votedAgainst``).

    Returns:
        ``path``.

    Raises:
        InputError: ``focus`` matches no entity, ``hops`` is negative or a relation is unknown.
    """
    full = graph if isinstance(graph, nx.MultiDiGraph) else project(graph)
    view = _select(full, focus=focus, hops=hops, relations=relations)
    edges = _merged_edges(view)
    page = _finish(_network(view, edges).generate_html(), sorted({e["relation"] for e in edges}))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(page.encode("utf-8"))
    return path


def _triples(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    # Dataset.triples() warns on every call in rdflib 7.6 and sees only the default graph;
    # quads() covers every graph without warnings.
    if isinstance(graph, ConjunctiveGraph):
        for s, p, o, _ in graph.quads((None, None, None, None)):
            yield s, p, o
    else:
        yield from graph.triples((None, None, None))


def _index(graph: Graph) -> Index:
    """Read the triples the view needs in one pass: predicate → subject → objects."""
    idx: Index = {p: {} for p in _WANTED}
    for s, p, o in _triples(graph):
        if p in _WANTED or (
            isinstance(p, URIRef)
            and p.startswith(KG_NS)
            and (isinstance(o, URIRef) or p == KG.sentence)
        ):
            idx.setdefault(p, {}).setdefault(s, set()).add(o)
    return idx


def _one(idx: Index, predicate: URIRef, subject: Node | None) -> Node | None:
    """The smallest (as text) value of ``predicate`` on ``subject``, for stable output."""
    values = idx.get(predicate, {}).get(subject, ()) if subject is not None else ()
    return min(values, key=str, default=None)


def _first(idx: Index, predicate: URIRef, subject: Node | None) -> str:
    """``_one`` as text, or ``""``."""
    value = _one(idx, predicate, subject)
    return "" if value is None else str(value)


def _evidence(idx: Index, statements: list[Node]) -> tuple[str, list[Citation]]:
    """The edge's modality and the sorted citations of the statements behind it."""
    modalities: list[str] = []
    citations: set[Citation] = set()
    for statement in statements:
        modality = _first(idx, KG.modality, statement).removeprefix(KG_NS) or "asserted"
        modalities.append(modality)
        for evidence in idx.get(KG.evidence, {}).get(statement, ()):
            document = _one(idx, KG.document, evidence)
            title = _first(idx, DCTERMS.title, document) or _first(idx, KG.document, evidence)
            date = _first(idx, DCTERMS.date, document)
            sentence = _first(idx, KG.sentence, evidence)
            citations.add(Citation(title, date, modality, sentence))
    licensing = [m for m in modalities if m in _DIRECT]
    planned = bool(licensing) and all(m == Modality.PLANNED.value for m in licensing)
    return ("planned" if planned else "asserted"), sorted(citations)


def _select(
    graph: nx.MultiDiGraph, *, focus: str | None, hops: int, relations: set[str] | None
) -> nx.MultiDiGraph:
    """Apply the ``relations`` filter, then the ``focus``/``hops`` neighbourhood."""
    view = graph
    if relations is not None:
        wanted = frozenset(relations)
        unknown = sorted(r for r in wanted if URIRef(KG_NS + r) not in KG)
        if unknown:
            raise InputError(
                f"unknown relation(s) {', '.join(unknown)}: use kg property names such as "
                "votedAgainst or negotiatedWith"
            )
        view = nx.subgraph_view(
            graph, filter_edge=lambda u, v, k: graph.edges[u, v, k]["relation"] in wanted
        )
    if focus is None:
        if relations is None:
            return graph
        return view.subgraph(n for n in view if view.degree(n) > 0)
    if hops < 0:
        raise InputError(f"hops must be 0 or more, not {hops}")
    needle = focus.casefold()
    centres = [
        n
        for n, data in graph.nodes(data=True)
        if needle in {data["label"].casefold(), *(a.casefold() for a in data["aliases"])}
    ]
    if not centres:
        raise InputError(f"no entity is labelled {focus!r}: check the name or drop the focus")
    undirected = view.to_undirected(as_view=True)
    keep: set[str] = set()
    for centre in centres:
        keep |= nx.single_source_shortest_path_length(undirected, centre, cutoff=hops).keys()
    return view.subgraph(keep)


def _merged_edges(view: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """One drawn edge per (ends, relation, label), symmetric relations merged, sorted."""
    groups: defaultdict[tuple[str, str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for u, v, data in view.edges(data=True):
        if data["relation"] in SYMMETRIC:
            u, v = min(u, v), max(u, v)
        groups[(u, v, data["relation"], data["label"])].append(data)
    edges = []
    for (u, v, relation, label), items in sorted(groups.items()):
        planned = all(item["modality"] == "planned" for item in items)
        citations = sorted({c for item in items for c in item["evidences"]})
        edges.append(
            {
                "from": u,
                "to": v,
                "relation": relation,
                "label": label,
                "modality": "planned" if planned else "asserted",
                "evidences": citations,
            }
        )
    return edges


def _layout(view: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Fixed positions for large graphs, where vis physics would not settle."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(view))
    simple.add_edges_from(sorted((u, v) for u, v in view.edges()))
    scale = 100 * math.sqrt(len(simple))
    try:
        pos = nx.spring_layout(simple, seed=LAYOUT_SEED, scale=scale)
    except ImportError:  # spring_layout needs SciPy from 500 nodes on
        logger.warning("SciPy is missing: laying out %d nodes with ForceAtlas2", len(simple))
        pos = nx.rescale_layout_dict(nx.forceatlas2_layout(simple, seed=LAYOUT_SEED), scale)
    return {node: (round(float(x)), round(float(y))) for node, (x, y) in pos.items()}


def _network(view: nx.MultiDiGraph, edges: list[dict[str, Any]]) -> Network:
    """The pyvis network: styled nodes and edges, escaped text, fixed layout when large."""
    degree: Counter[str] = Counter()
    for edge in edges:
        degree[edge["from"]] += 1
        degree[edge["to"]] += 1
    positions = _layout(view) if len(view) > MAX_PHYSICS_NODES else {}
    net = Network(height="85vh", width="100%", directed=True, cdn_resources="in_line")
    # A dict, not set_options(): that parser strips every space out of the JSON string.
    net.options = {
        "nodes": {"font": {"size": 14}},
        "edges": {"font": {"size": 10, "align": "middle"}, "smooth": {"type": "continuous"}},
        "interaction": {"hover": True, "tooltipDelay": 150},
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": not positions},
        "physics": {"enabled": not positions, "stabilization": {"iterations": 300}},
    }
    for node in sorted(view):
        data = view.nodes[node]
        colour, shape, _ = NODE_STYLE[data["type"]]
        extra = dict(zip(("x", "y"), positions[node], strict=False)) if positions else {}
        net.add_node(
            node,
            label=_esc(data["label"]),
            shape=shape,
            color=colour,
            size=round(12 + 6 * math.sqrt(degree[node]), 1),
            title=_node_title(data),
            **extra,
        )
    parallel: Counter[tuple[str, str]] = Counter()
    for i, edge in enumerate(edges):
        pair = (min(edge["from"], edge["to"]), max(edge["from"], edge["to"]))
        # vis draws parallel edges on top of each other: bend the second, third, ...
        bend = 0.2 * parallel[pair]
        parallel[pair] += 1
        extra = {"smooth": {"type": "curvedCW", "roundness": bend}} if bend else {}
        directed = edge["relation"] not in SYMMETRIC
        net.add_edge(
            edge["from"],
            edge["to"],
            id=f"e{i}",
            label=_esc(edge["label"]),
            title=_edge_title(view, edge),
            color=EDGE_COLOURS.get(edge["relation"], OTHER_COLOUR),
            arrows="to" if directed else {"to": {"enabled": False}},
            dashes=edge["modality"] == "planned",
            **extra,
        )
    return net


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _node_title(data: dict[str, Any]) -> str:
    lines = [f"<b>{_esc(data['label'])}</b>", _esc(data["type"])]
    if data["aliases"]:
        lines.append("aliases: " + ", ".join(_esc(a) for a in data["aliases"]))
    return "<br>".join(lines)


def _edge_title(view: nx.MultiDiGraph, edge: dict[str, Any]) -> str:
    arrow = "\u2014" if edge["relation"] in SYMMETRIC else "\u2192"
    head = (
        f"<b>{_esc(view.nodes[edge['from']]['label'])}</b> {_esc(edge['label'])} {arrow} "
        f"<b>{_esc(view.nodes[edge['to']]['label'])}</b>"
    )
    if edge["modality"] == "planned":
        head += " <i>(planned)</i>"
    lines = [head]
    for c in edge["evidences"][:MAX_CITATIONS]:
        lines.append(
            f"\u00ab\u00a0{_esc(c.sentence)}\u00a0\u00bb<br><i>{_esc(c.document)}, "
            f"{_esc(c.date or 'undated')}, {_esc(c.modality)}</i>"
        )
    if len(edge["evidences"]) > MAX_CITATIONS:
        lines.append(f"\u2026 and {len(edge['evidences']) - MAX_CITATIONS} more")
    return "<hr>".join(lines)


def _legend(relations: list[str]) -> str:
    rows = [
        f'<span style="color:{colour}">{glyph}</span> {kind}'
        for kind, (colour, _, glyph) in NODE_STYLE.items()
    ]
    rows += [
        f'<span style="color:{EDGE_COLOURS.get(r, OTHER_COLOUR)}">\u2501</span> {_esc(r)}'
        for r in relations
    ]
    rows.append("\u254d planned")
    return '<div id="kg-legend">' + "<br>".join(rows) + "</div>"


_HEAD = """<style>
#kg-tools{position:absolute;top:8px;left:8px;z-index:10;font:13px sans-serif}
#kg-legend{position:absolute;top:8px;right:8px;z-index:10;background:#fffe;padding:6px 10px;
border:1px solid #ccc;font:12px/1.5 sans-serif}
.kg-tip{white-space:normal;max-width:480px;font:12px/1.4 sans-serif}
.kg-tip hr{border:0;border-top:1px solid #ccc;margin:4px 0}
</style>
"""
_TOOLS = """<div id="kg-tools"><input id="kg-search" list="kg-labels" size="28"
placeholder="Find an entity by name"><datalist id="kg-labels"></datalist>
<span id="kg-search-msg"></span></div>
"""
_SCRIPT = """<script>
(function () {
  // Titles and labels arrive HTML-escaped: titles become elements (vis shows strings as
  // plain text), labels are decoded for the canvas, which draws text and never parses HTML.
  function decode(s) {
    return new DOMParser().parseFromString(s, "text/html").documentElement.textContent;
  }
  function tip(s) {
    var d = document.createElement("div"); d.className = "kg-tip"; d.innerHTML = s; return d;
  }
  function fix(set) {
    set.update(set.get().map(function (x) {
      return {id: x.id, label: decode(x.label || ""), title: tip(x.title || "")};
    }));
  }
  fix(nodes); fix(edges);
  var byLabel = nodes.get().map(function (n) { return [n.label.toLowerCase(), n.id, n.label]; });
  byLabel.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
  var list = document.getElementById("kg-labels");
  byLabel.forEach(function (e) {
    var o = document.createElement("option"); o.value = e[2]; list.appendChild(o);
  });
  var box = document.getElementById("kg-search"), msg = document.getElementById("kg-search-msg");
  function find() {
    var q = box.value.trim().toLowerCase();
    if (!q) { return; }
    var hit = byLabel.find(function (e) { return e[0] === q; }) ||
              byLabel.find(function (e) { return e[0].indexOf(q) >= 0; });
    msg.textContent = hit ? "" : " not found";
    if (hit) {
      network.selectNodes([hit[1]]);
      network.focus(hit[1], {scale: 1.5, animation: true});
    }
  }
  box.addEventListener("change", find);
  box.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { find(); } });
})();
</script>
"""


def _finish(page: str, relations: list[str]) -> str:
    """Drop pyvis's remote links (bootstrap is linked even in_line), add legend and search."""
    page = _EMPTY_HEADING.sub("", _REMOTE_TAG.sub("", page))
    page = page.replace("</head>", _HEAD + "</head>", 1)
    page = page.replace("<body>", "<body>\n" + _TOOLS + _legend(relations), 1)
    page = page.replace("</body>", _SCRIPT + "</body>", 1)
    return "<!DOCTYPE html>\n" + page
