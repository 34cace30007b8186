"""Draw the kg data model from ontology/kg.ttl: rdflib → Graphviz DOT → PNG.

    python scripts/diagram.py                      # writes ontology/model.png (needs `dot`)
    python scripts/diagram.py --dot model.dot      # also keep the DOT source

Classes of the kg: namespace are boxes listing their datatype properties and ranges; object
properties are arrows from domain to range; a union domain or range (``State | Person | Body``)
is one small node linked to its members by dotted lines, so that, say, the eight relations
between actors are one labelled arrow rather than seventy. Subclasses point to their parent
with a hollow arrow. Graphviz (Debian ``graphviz``) draws it; the PNG is checked in and CI does
not regenerate it.
"""

from __future__ import annotations

import argparse
import html
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

ROOT = Path(__file__).resolve().parent.parent
KG = "https://w3id.org/kgfr/ns#"
PREFIXES = {
    KG: "kg:",
    str(XSD): "xsd:",
    "http://www.w3.org/ns/org#": "org:",
    str(RDF): "rdf:",
}
ANY = "any entity"
COLOURS = {
    "entity": "#dbe9f6",
    "document": "#fde9c9",
    "statement": "#e3f1dc",
    "other": "#eeeeee",
}
GROUPS = {
    "State": "entity",
    "Person": "entity",
    "Body": "entity",
    "Place": "entity",
    "Resolution": "entity",
    "Document": "document",
    "Evidence": "document",
    "Statement": "statement",
    "Vote": "statement",
    "Negotiation": "statement",
    "Visit": "statement",
    "Meeting": "statement",
    "PostHolding": "statement",
    "Fact": "statement",
}


def short(node: Node) -> str:
    """A compact name: ``kg:State`` → ``State``, other namespaces keep their prefix."""
    text = str(node)
    if text.startswith(KG):
        return text[len(KG) :]
    for namespace, prefix in PREFIXES.items():
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return text


def members(graph: Graph, node: Node | None) -> list[str]:
    """The class names a domain or range stands for (a class, a union, or nothing)."""
    if node is None:
        return [ANY]
    if isinstance(node, URIRef):
        return [short(node)]
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return sorted(short(item) for item in Collection(graph, union))
    one_of = graph.value(node, OWL.oneOf)
    if one_of is not None:
        items = Collection(graph, one_of)
        return [" | ".join(short(i) if isinstance(i, URIRef) else f"'{i}'" for i in items)]
    base = graph.value(node, OWL.onDatatype)
    if base is not None:
        return [short(base) + " (pattern)"]
    return [short(node)]


def endpoint(names: list[str], unions: dict[str, list[str]]) -> str:
    """The DOT node of a domain or range; a union gets its own small node."""
    if len(names) == 1:
        return names[0]
    key = " | ".join(names)
    unions[key] = names
    return key


def to_dot(graph: Graph) -> str:
    """The ontology as a Graphviz digraph."""
    classes = sorted(
        {short(c) for c in graph.subjects(RDF.type, OWL.Class) if str(c).startswith(KG)}
    )
    attributes: dict[str, list[str]] = defaultdict(list)
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    unions: dict[str, list[str]] = {}
    for prop in sorted(graph.subjects(RDF.type, OWL.DatatypeProperty)):
        if not str(prop).startswith(KG):
            continue
        value = " | ".join(members(graph, graph.value(prop, RDFS.range)))
        for owner in members(graph, graph.value(prop, RDFS.domain)):
            attributes[owner].append(f"{short(prop)}: {value}")
    for prop in sorted(graph.subjects(RDF.type, OWL.ObjectProperty)):
        if not str(prop).startswith(KG):
            continue
        source = endpoint(members(graph, graph.value(prop, RDFS.domain)), unions)
        target = endpoint(members(graph, graph.value(prop, RDFS.range)), unions)
        symmetric = (prop, RDF.type, OWL.SymmetricProperty) in graph
        edges[(source, target)].append(short(prop) + (" ⇄" if symmetric else ""))

    lines = [
        "digraph kg {",
        '  graph [rankdir=TB, fontname="Helvetica", nodesep=0.3, ranksep=0.7, '
        'label="kg data model (generated from ontology/kg.ttl by scripts/diagram.py)", '
        "labelloc=t, fontsize=20];",
        '  node [fontname="Helvetica", fontsize=13, shape=plain];',
        '  edge [fontname="Helvetica", fontsize=11, color="#555555"];',
    ]
    drawn = set(classes) | {n for pair in edges for n in pair}
    for name in sorted(drawn - set(unions)):
        colour = COLOURS[GROUPS.get(name, "other")]
        rows = "".join(
            f'<tr><td align="left"><font point-size="11">{html.escape(a)}</font></td></tr>'
            for a in sorted(attributes.get(name, []))
        )
        title = f'<tr><td bgcolor="{colour}"><b>{html.escape(name)}</b></td></tr>'
        lines.append(
            f'  "{name}" [label=<<table border="1" cellborder="0" cellspacing="0" '
            f'cellpadding="4">{title}{rows}</table>>];'
        )
    for key, names in sorted(unions.items()):
        lines.append(
            f'  "{key}" [shape=ellipse, style=dashed, fontsize=11, label="{html.escape(key)}"];'
        )
        for name in names:
            lines.append(f'  "{key}" -> "{name}" [style=dotted, arrowhead=none];')
    for (source, target), names in sorted(edges.items()):
        label = html.escape("\\n".join(names))
        lines.append(f'  "{source}" -> "{target}" [label="{label}"];')
    for child, parent in sorted(graph.subject_objects(RDFS.subClassOf)):
        if short(child) in classes and short(parent) in classes:
            lines.append(
                f'  "{short(child)}" -> "{short(parent)}" [arrowhead=empty, color="#999999"];'
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the PNG (and the DOT source if asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ontology", type=Path, default=ROOT / "ontology" / "kg.ttl")
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "ontology" / "model.png")
    parser.add_argument("--dot", type=Path, help="also write the DOT source here")
    args = parser.parse_args(argv)
    dot = to_dot(Graph().parse(args.ontology))
    if args.dot:
        args.dot.write_text(dot, encoding="utf-8")
    try:
        subprocess.run(
            ["dot", "-Tpng", "-Gdpi=110", "-o", str(args.out)], input=dot.encode(), check=True
        )
    except FileNotFoundError:
        print("diagram: Graphviz `dot` is not installed (Debian package graphviz)", file=sys.stderr)
        return 1
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
