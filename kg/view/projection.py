"""Projection of the RDF graph onto a network: entities as nodes, direct edges with the
evidence sentences behind them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import NamedTuple

import networkx as nx
from rdflib import ConjunctiveGraph, Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.model import EntityType, Modality
from kg.vocab import KG

KG_NS = str(KG._NS)
ENTITY_TYPES: dict[URIRef, EntityType] = {KG[t.value]: t for t in EntityType}
SYMMETRIC = frozenset({"negotiatedWith", "met"})
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
