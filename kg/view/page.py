"""The HTML page: pyvis with every asset in-lined, escaped tooltips, legend, search, filters and
focus."""

from __future__ import annotations

import html
import math
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
from pyvis.network import Network
from rdflib import Dataset, Graph, URIRef

from kg import fileio
from kg.errors import InputError
from kg.view.layout import LAYOUT_SEED, MAX_PHYSICS_NODES, fixed_positions
from kg.view.projection import KG_NS, SYMMETRIC, as_network
from kg.vocab import KG

MAX_CITATIONS = 12

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

_REMOTE_TAG = re.compile(
    r"""<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?//[^>]*>"""
    r"""|<script\b[^>]*\bsrc\s*=\s*["']?\s*(?:https?:)?//[^>]*>\s*</script>""",
    re.IGNORECASE,
)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>\s*")


def write_html(
    graph: Graph | Dataset | ox.Store | nx.MultiDiGraph,
    path: Path,
    *,
    focus: str | None = None,
    hops: int = 1,
    relations: set[str] | None = None,
) -> Path:
    """Write the network as one HTML page that opens offline.

    Args:
        graph: an RDF Graph/Dataset, an Oxigraph store (read with ``project_store``, without
            copying its quads), or the result of ``project``.
        path: the HTML file to write (parent folders are created).
        focus: keep only the entity whose label or alias is this (any case) and its neighbours.
        hops: how far from ``focus`` neighbours may be.
        relations: keep only edges of these relations (local names, e.g. ``votedAgainst``).

    Returns:
        ``path``.

    Raises:
        InputError: ``focus`` matches no entity, ``hops`` is negative or a relation is unknown.
    """
    full = as_network(graph)
    view = _select(full, focus=focus, hops=hops, relations=relations)
    edges = _merged_edges(view)
    page = _finish(_network(view, edges).generate_html(), sorted({e["relation"] for e in edges}))
    return fileio.write_text(path, page)


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


def _network(view: nx.MultiDiGraph, edges: list[dict[str, Any]]) -> Network:
    """The pyvis network: styled nodes and edges, escaped text, fixed layout when large.

    Each node carries its ``kind`` and each edge its ``relation``: the page's filters read them.
    """
    degree: Counter[str] = Counter()
    posts: defaultdict[str, list[str]] = defaultdict(list)
    for edge in edges:
        degree[edge["from"]] += 1
        degree[edge["to"]] += 1
        if edge["relation"] == "holdsPost":
            posts[edge["from"]].append(f"{edge['label']} ({view.nodes[edge['to']]['label']})")
    positions = fixed_positions(view) if len(view) > MAX_PHYSICS_NODES else {}
    net = Network(height="85vh", width="100%", directed=True, cdn_resources="in_line")
    # A dict, not set_options(): that parser strips every space out of the JSON string.
    # Straight edges when the layout is fixed: curves cost a lot to draw on large graphs.
    smooth = {"enabled": False} if positions else {"type": "continuous"}
    net.options = {
        "nodes": {"font": {"size": 14}},
        "edges": {"font": {"size": 10, "align": "middle"}, "smooth": smooth},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": bool(positions)},
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": not positions},
        "physics": {"enabled": not positions, "stabilization": {"iterations": 300}},
    }
    # pyvis's add_node/add_edge check membership in lists (quadratic): fill its lists directly.
    for node in sorted(view):
        data = view.nodes[node]
        colour, shape, _ = NODE_STYLE[data["type"]]
        item = {
            "id": node,
            "label": _esc(data["label"]),
            "kind": data["type"],
            "shape": shape,
            "color": colour,
            "size": round(12 + 6 * math.sqrt(degree[node]), 1),
            "title": _node_title(data, sorted(posts[node])),
        }
        if positions:
            item["x"], item["y"] = positions[node]
        net.node_ids.append(node)
        net.nodes.append(item)
    parallel: Counter[tuple[str, str]] = Counter()
    for i, edge in enumerate(edges):
        pair = (min(edge["from"], edge["to"]), max(edge["from"], edge["to"]))
        # vis draws parallel edges on top of each other: bend the second, third, ...
        bend = 0.2 * parallel[pair]
        parallel[pair] += 1
        directed = edge["relation"] not in SYMMETRIC
        item = {
            "from": edge["from"],
            "to": edge["to"],
            "id": f"e{i}",
            "label": _esc(edge["label"]),
            "relation": edge["relation"],
            "title": _edge_title(view, edge),
            "color": EDGE_COLOURS.get(edge["relation"], OTHER_COLOUR),
            "arrows": "to" if directed else {"to": {"enabled": False}},
            "dashes": edge["modality"] == "planned",
        }
        if bend:
            item["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": bend}
        net.edges.append(item)
    return net


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _node_title(data: dict[str, Any], posts: list[str]) -> str:
    lines = [f"<b>{_esc(data['label'])}</b>", _esc(data["type"])]
    if data["aliases"]:
        lines.append("aliases: " + ", ".join(_esc(a) for a in data["aliases"]))
    if posts:
        lines.append("posts: " + "; ".join(_esc(p) for p in posts))
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
    """The legend; its checkboxes show and hide entity types and relations."""

    def row(group: str, value: str, glyph: str, colour: str) -> str:
        return (
            f'<label><input type="checkbox" class="kg-{group}" value="{_esc(value)}" checked> '
            f'<span style="color:{colour}">{glyph}</span> {_esc(value)}</label>'
        )

    rows = [row("type", kind, glyph, colour) for kind, (colour, _, glyph) in NODE_STYLE.items()]
    rows += [row("rel", r, "\u2501", EDGE_COLOURS.get(r, OTHER_COLOUR)) for r in relations]
    rows += ["\u254d planned", "\u2192 directed relation", "size: number of edges"]
    return '<div id="kg-legend">' + "<br>".join(rows) + "</div>"


_HEAD = """<style>
#kg-tools{position:absolute;top:8px;left:8px;z-index:10;font:13px sans-serif;background:#fffe}
#kg-legend{position:absolute;top:8px;right:8px;z-index:10;background:#fffe;padding:6px 10px;
border:1px solid #ccc;font:12px/1.5 sans-serif;max-height:80vh;overflow:auto}
.kg-tip{white-space:normal;max-width:480px;font:12px/1.4 sans-serif}
.kg-tip hr{border:0;border-top:1px solid #ccc;margin:4px 0}
</style>
"""
_TOOLS = """<div id="kg-tools"><input id="kg-search" list="kg-labels" size="28"
placeholder="Find an entity by name"><datalist id="kg-labels"></datalist>
<button id="kg-focus" type="button" title="Show only this entity and its neighbours">Focus</button>
<label>hops <input id="kg-hops" type="number" min="0" max="9" value="1" style="width:3em"></label>
<button id="kg-reset" type="button">Show all</button>
<span id="kg-search-msg"></span></div>
"""
_PREPARE = """<script>
// Titles and labels arrive HTML-escaped: titles become elements (vis shows strings as plain
// text), labels are decoded for the canvas, which draws text and never parses HTML. This runs
// before the network is made: updating items it already draws costs seconds on large graphs.
function kgPrepare(nodes, edges) {
  // A textarea's content is raw text (RCDATA): setting it decodes entities, never makes tags.
  var text = document.createElement("textarea");
  function decode(s) { text.innerHTML = s; return text.value; }
  function tip(s) {
    var d = document.createElement("div"); d.className = "kg-tip"; d.innerHTML = s; return d;
  }
  [nodes, edges].forEach(function (set) {
    set.update(set.get().map(function (x) {
      return {id: x.id, label: decode(x.label || ""), title: tip(x.title || "")};
    }));
  });
}
</script>
"""
_NEW_NETWORK = "network = new vis.Network("
_SCRIPT = """<script>
(function () {
  var view = window.kgView = {ready: false, readyAt: null};
  function ready() {
    if (view.ready) { return; }
    view.ready = true; view.readyAt = performance.now();
    document.body.setAttribute("data-kg-ready", "true");
  }
  // Without physics vis drew once inside its constructor: draw again, after our set-up.
  if (network.physics.options.enabled && !network.physics.stabilized) {
    network.once("stabilizationIterationsDone", ready); network.once("stabilized", ready);
  } else {
    network.once("afterDrawing", ready); network.redraw();
  }

  // Filters: a node shows when its type is on, it is inside the focus, and (if it has edges)
  // one of its edges' relations is on; an edge shows when its relation and both ends show.
  var offTypes = {}, offRelations = {}, inFocus = null;
  var edgeList = edges.get(), nodeEdges = {};
  edgeList.forEach(function (e) {
    (nodeEdges[e.from] = nodeEdges[e.from] || []).push(e);
    (nodeEdges[e.to] = nodeEdges[e.to] || []).push(e);
  });
  function nodeShown(n) {
    if (offTypes[n.kind] || (inFocus && !inFocus[n.id])) { return false; }
    var mine = nodeEdges[n.id] || [];
    return mine.length === 0 || mine.some(function (e) { return !offRelations[e.relation]; });
  }
  view.apply = function () {
    var shown = {}, nodeChanges = [], edgeChanges = [];
    nodes.forEach(function (n) {
      shown[n.id] = nodeShown(n);
      if (!!n.hidden === shown[n.id]) { nodeChanges.push({id: n.id, hidden: !shown[n.id]}); }
    });
    edges.forEach(function (e) {
      var show = !offRelations[e.relation] && shown[e.from] && shown[e.to];
      if (!!e.hidden === show) { edgeChanges.push({id: e.id, hidden: !show}); }
    });
    nodes.update(nodeChanges); edges.update(edgeChanges);
  };
  view.focus = function (id, hops) {
    inFocus = {}; inFocus[id] = true;
    var frontier = [id];
    for (var step = 0; step < hops; step++) {
      var next = [];
      frontier.forEach(function (n) {
        (nodeEdges[n] || []).forEach(function (e) {
          var other = e.from === n ? e.to : e.from;
          if (!offRelations[e.relation] && !inFocus[other]) {
            inFocus[other] = true; next.push(other);
          }
        });
      });
      frontier = next;
    }
    view.apply();
    network.fit({nodes: Object.keys(inFocus), animation: false});
  };
  view.reset = function () { inFocus = null; view.apply(); network.fit({animation: false}); };
  function watch(cls, off) {
    document.querySelectorAll("input." + cls).forEach(function (box) {
      box.addEventListener("change", function () {
        if (box.checked) { delete off[box.value]; } else { off[box.value] = true; }
        view.apply();
      });
    });
  }
  watch("kg-type", offTypes); watch("kg-rel", offRelations);

  var byLabel = nodes.get().map(function (n) { return [n.label.toLowerCase(), n.id, n.label]; });
  byLabel.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
  var list = document.getElementById("kg-labels");
  byLabel.forEach(function (e) {
    var o = document.createElement("option"); o.value = e[2]; list.appendChild(o);
  });
  var box = document.getElementById("kg-search"), msg = document.getElementById("kg-search-msg");
  var hopsBox = document.getElementById("kg-hops");
  function hops() { return Math.max(0, parseInt(hopsBox.value, 10) || 0); }
  function lookup() {
    var q = box.value.trim().toLowerCase();
    if (!q) { return null; }
    var hit = byLabel.find(function (e) { return e[0] === q; }) ||
              byLabel.find(function (e) { return e[0].indexOf(q) >= 0; });
    msg.textContent = hit ? "" : " not found";
    return hit ? hit[1] : null;
  }
  function find() {
    var id = lookup();
    if (id !== null) {
      network.selectNodes([id]);
      network.focus(id, {scale: 1.5, animation: true});
    }
  }
  box.addEventListener("change", find);
  box.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { find(); } });
  document.getElementById("kg-focus").addEventListener("click", function () {
    var id = lookup();
    if (id !== null) { view.focus(id, hops()); }
  });
  document.getElementById("kg-reset").addEventListener("click", view.reset);
  network.on("doubleClick", function (params) {
    if (params.nodes.length) { view.focus(params.nodes[0], hops()); }
  });
})();
</script>
"""


def _finish(page: str, relations: list[str]) -> str:
    """Drop pyvis's remote links (bootstrap is linked even in_line), add legend and search."""
    page = _EMPTY_HEADING.sub("", _REMOTE_TAG.sub("", page))
    if _NEW_NETWORK not in page:
        raise RuntimeError("pyvis's page template changed: no place to prepare nodes and edges")
    page = page.replace(_NEW_NETWORK, "kgPrepare(nodes, edges);\n" + _NEW_NETWORK, 1)
    page = page.replace("</head>", _HEAD + _PREPARE + "</head>", 1)
    page = page.replace("<body>", "<body>\n" + _TOOLS + _legend(relations), 1)
    page = page.replace("</body>", _SCRIPT + "</body>", 1)
    return "<!DOCTYPE html>\n" + page
