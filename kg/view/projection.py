"""Projection of the RDF graph onto a network: entities as nodes, direct edges with the
evidence sentences behind them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from typing import NamedTuple

import networkx as nx
import pyoxigraph as ox
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
Bindings = dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal]


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
    statement that licenses it (asserted or planned) is planned. A corroboration node
    (``kg:Fact``, with subject, predicate and object but neither modality nor evidence) is not
    a statement: it neither licenses an edge nor cites a sentence.

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
        if KG.Fact in idx[RDF.type].get(statement, ()):
            continue
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
    return _modality(modalities), sorted(citations)


def _modality(modalities: list[str]) -> str:
    """``planned`` when every licensing (asserted or planned) statement is planned."""
    licensing = [m for m in modalities if m in _DIRECT]
    planned = bool(licensing) and all(m == Modality.PLANNED.value for m in licensing)
    return "planned" if planned else "asserted"


def as_network(graph: Graph | Dataset | ox.Store | nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The network of ``graph``: ``project_store`` for a store, ``project`` for rdflib graphs.

    A ``MultiDiGraph`` (already a network) is returned as it is.
    """
    if isinstance(graph, nx.MultiDiGraph):
        return graph
    if isinstance(graph, ox.Store):
        return project_store(graph)
    return project(graph)


# The store path reads the same triples as ``_index`` with one SPARQL scan per predicate over the
# union of all graphs, joined in Python. On a disk store, decoding each term costs microseconds
# and each join lookup more: on 1M quads the statements and their evidence took 9 s as separate
# scans, 15 s as one seven-pattern join, 8 s for only five of the columns as hash-joined
# sub-queries. So the scans decode as few terms as they can: those whose objects repeat come
# grouped by object (``_ungrouped``), and the large ones test a term's kind in Python, since a
# FILTER decodes the term it tests (comparing IRIs does not). The union repeats a triple once
# per graph holding it: every table below is a set or keeps the smallest value, as ``_one`` does.
_PREFIXES = (
    f"PREFIX kg: <{KG_NS}> PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> "
    f"PREFIX skos: <{SKOS}> PREFIX org: <{ORG}> PREFIX dcterms: <{DCTERMS}> "
)
_ENTITY_CLASSES = " ".join(f"<{cls}>" for cls in ENTITY_TYPES)
_TYPES = (
    f"SELECT DISTINCT ?s ?t WHERE {{ VALUES ?t {{ {_ENTITY_CLASSES} }} ?s a ?t FILTER isIRI(?s) }}"
)
# The triples about entities, for ``project_store`` to keep the direct edges among them. Types,
# labels and aliases (a third of the rows) are left out here: comparing IRIs does not decode them.
_EDGES = (
    f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?t {{ {_ENTITY_CLASSES} }} ?s a ?t ; ?p ?o "
    "FILTER (?p NOT IN (rdf:type, rdfs:label, skos:altLabel)) }"
)


def _scan(
    predicate: str, *, distinct: bool = False, statements: bool = False, grouped: bool = False
) -> str:
    """A SELECT of every subject and object of ``predicate``.

    Args:
        predicate: the predicate, as SPARQL (``rdf:subject``).
        distinct: without repeats (for small tables that many graphs repeat).
        statements: only subjects that are not ``kg:Fact`` corroboration nodes (a hash
            anti-join in Oxigraph, cheaper than reading the facts out).
        grouped: one row per object, its subjects as one text (read with ``_ungrouped``).
    """
    keyword = "DISTINCT " if distinct else ""
    facts = "MINUS { ?s a kg:Fact } " if statements else ""
    where = f"WHERE {{ ?s {predicate} ?o {facts}}}"
    if grouped:
        return f"SELECT ?o (GROUP_CONCAT(STR(?s)) AS ?subjects) {where} GROUP BY ?o"
    return f"SELECT {keyword}?s ?o {where}"


def project_store(store: ox.Store) -> nx.MultiDiGraph:
    """``project`` read straight from an Oxigraph store: the same nodes, edges and attributes.

    Only what the view shows leaves the store (entities, direct edges, posts, and the
    statements behind the edges with their evidence), as Python strings; memory grows with the
    entities, edges and statements, not with the quads.

    Args:
        store: a store following ``ontology/README.md``; its graphs are read as one union.

    Returns:
        The graph ``project`` returns for a Dataset holding the same quads.
    """
    labels = _smallest(_pairs(store, _scan("rdfs:label", distinct=True)))
    aliases: defaultdict[str, set[str]] = defaultdict(set)
    for node, alias in _pairs(store, _scan("skos:altLabel", distinct=True)):
        aliases[node].add(alias)
    classes: defaultdict[str, set[str]] = defaultdict(set)
    for node, cls in _pairs(store, _TYPES):
        classes[node].add(cls)
    out = nx.MultiDiGraph()
    for node in sorted(classes):
        kind = next(t for cls, t in ENTITY_TYPES.items() if str(cls) in classes[node])
        label = labels.get(node) or node.rstrip("/").rsplit("/", 1)[-1]
        out.add_node(node, label=label, type=kind.value, aliases=sorted(aliases.get(node, ())))
    del aliases, classes

    direct: defaultdict[str, defaultdict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    sentence = str(KG.sentence)
    for subject, predicate, obj in store.query(_PREFIXES + _EDGES, use_default_graph_as_union=True):
        # Tested here, not in a FILTER: see ``_pairs``.
        if (
            isinstance(subject, ox.NamedNode)
            and predicate.value.startswith(KG_NS)
            and (isinstance(obj, ox.NamedNode) or predicate.value == sentence)
        ):
            direct[predicate.value][subject.value].add(obj.value)
    post_in = _smallest(_pairs(store, _scan("org:postIn", distinct=True)))
    edges: list[tuple[str, str, str, str, str, tuple[str, str, str]]] = []
    for predicate in sorted(direct):
        relation = predicate[len(KG_NS) :]
        for subject, objects in sorted(direct[predicate].items()):
            for obj in sorted(objects):
                target, key, label = obj, relation, relation
                if predicate == str(KG.holdsPost):
                    target, key = post_in.get(obj, ""), obj
                    label = labels.get(obj) or relation
                if target in out:
                    edges.append((subject, target, key, relation, label, (subject, predicate, obj)))
    del direct, post_in, labels

    evidence = _Evidence.read(store, {edge[5] for edge in edges})
    for subject, target, key, relation, label, triple in edges:
        modality, citations = evidence.of(triple)
        out.add_edge(
            subject,
            target,
            key=key,
            relation=relation,
            label=label,
            modality=modality,
            evidences=citations,
        )
    return out


class _Evidence:
    """The statements behind given direct triples and their citations, read from a store."""

    def __init__(self) -> None:
        self.behind: defaultdict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.modality: dict[str, str] = {}
        self.evidence: defaultdict[str, set[str]] = defaultdict(set)
        self.document: dict[str, str] = {}
        self.sentence: dict[str, str] = {}
        self.title: dict[str, str] = {}
        self.date: dict[str, str] = {}

    @classmethod
    def read(cls, store: ox.Store, triples: set[tuple[str, str, str]]) -> _Evidence:
        """Read what ``of`` needs for ``triples`` (subject, predicate, object IRIs)."""
        found = cls()
        subjects = _smallest(_ungrouped(store, "rdf:subject", statements=True))
        objects = _smallest(_ungrouped(store, "rdf:object", statements=True))
        for statement, predicate in _ungrouped(store, "rdf:predicate", statements=True):
            triple = (subjects.get(statement, ""), predicate, objects.get(statement, ""))
            if triple in triples:
                found.behind[triple].add(statement)
        del subjects, objects
        statements = set().union(*found.behind.values())
        found.modality = _smallest(_ungrouped(store, "kg:modality", iri=True), statements)
        for statement, evidence in _pairs(store, _scan("kg:evidence"), iri=True):
            if statement in statements:
                found.evidence[statement].add(evidence)
        evidences = set().union(*found.evidence.values())
        found.document = _smallest(_ungrouped(store, "kg:document", iri=True), evidences)
        # A sentence often carries several facts, each with its evidence (a vote names the
        # countries): the seeds have 31 sentences for 48 evidences, the 2,000-document corpus
        # 131 for 15,508.
        found.sentence = _smallest(_ungrouped(store, "kg:sentence"), evidences)
        documents = set(found.document.values())
        found.title = _smallest(_pairs(store, _scan("dcterms:title")), documents)
        found.date = _smallest(_pairs(store, _scan("dcterms:date")), documents)
        return found

    def of(self, triple: tuple[str, str, str]) -> tuple[str, list[Citation]]:
        """The edge's modality and sorted citations, as ``_evidence`` gives them."""
        modalities: list[str] = []
        citations: set[Citation] = set()
        for statement in self.behind.get(triple, ()):
            modality = self.modality.get(statement, "").removeprefix(KG_NS) or "asserted"
            modalities.append(modality)
            for evidence in self.evidence.get(statement, ()):
                document = self.document.get(evidence)
                title = (self.title.get(document, "") if document else "") or (document or "")
                date = self.date.get(document, "") if document else ""
                citations.add(Citation(title, date, modality, self.sentence.get(evidence, "")))
        return _modality(modalities), sorted(citations)


def _pairs(
    store: ox.Store, query: str, bound: Bindings | None = None, *, iri: bool = False
) -> Iterator[tuple[str, str]]:
    """The two columns of a SELECT over the union of the store's graphs, as text.

    A term's ``value`` is what rdflib's ``str`` gives: the IRI, the literal's lexical form.

    Args:
        store: the store.
        query: the SELECT, without prefixes.
        bound: values of variables fixed before the query runs.
        iri: only pairs whose second term is an IRI (``_index`` keeps only those for ``kg:``
            properties). Tested here: Oxigraph's ``FILTER isIRI`` reads the term's text
            first, which made the evidence scan take 0.4 s instead of 0.27 s.
    """
    for first, second in store.query(
        _PREFIXES + query, use_default_graph_as_union=True, substitutions=bound
    ):
        if not iri or isinstance(second, ox.NamedNode):
            yield first.value, second.value


def _ungrouped(
    store: ox.Store, predicate: str, *, iri: bool = False, statements: bool = False
) -> Iterator[tuple[str, str]]:
    """The pairs of ``_scan``, read grouped by object: for predicates whose objects repeat.

    Decoding a term from the store is most of a scan's cost (about 4 µs a term). Grouped,
    each object is decoded once and its subjects come back as one text, the IRIs separated by
    spaces (an IRI has none): the modality scan of 20,686 statements took 0.11 s, not 0.28 s.
    SPARQL has no text for a blank node, so a group holding one is read again pair by pair.
    ``iri`` and ``statements`` are those of ``_pairs`` and ``_scan``.
    """
    query = _scan(predicate, statements=statements, grouped=True)
    for obj, subjects in store.query(_PREFIXES + query, use_default_graph_as_union=True):
        if iri and not isinstance(obj, ox.NamedNode):
            continue
        if subjects is None:
            yield from _pairs(
                store, _scan(predicate, statements=statements), {ox.Variable("o"): obj}
            )
        else:
            for subject in subjects.value.split(" "):
                yield subject, obj.value


def _smallest(
    pairs: Iterable[tuple[str, str]], keys: Collection[str] | None = None
) -> dict[str, str]:
    """Key → its smallest value, as ``_one`` picks it (only ``keys`` when given)."""
    found: dict[str, str] = {}
    for key, value in pairs:
        if keys is not None and key not in keys:
            continue
        old = found.get(key)
        if old is None or value < old:
            found[key] = value
    return found
