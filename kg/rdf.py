"""The whole Python-to-RDF mapping: catalogue graph, one named graph per document (the graph
files are written from the store by :mod:`kg.writers`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, XSD

from kg.corroborate import Corroboration, corroborate, fact_key, tally_check
from kg.duplicates import NearDuplicate
from kg.model import DocResult, Document, EntityType, Fact
from kg.resolve import Catalogue, Entity
from kg.vocab import CATALOGUE_GRAPH, DOC, ID, KG

_KINDS = ("state", "person", "body", "place", "resolution", "post", "statement", "evidence", "fact")
PREFIXES = {
    "kg": KG._NS,
    "kgid": ID,
    "kgdoc": DOC,
    "dcterms": DCTERMS,
    "org": ORG,
    "skos": SKOS,
    "rdfs": RDFS,
    "xsd": XSD,
    "rdf": RDF,
} | {kind: ID[kind + "/"] for kind in _KINDS}
STATEMENT_CLASS = {
    "votedFor": KG.Vote,
    "votedAgainst": KG.Vote,
    "abstainedOn": KG.Vote,
    "negotiatedWith": KG.Negotiation,
    "visited": KG.Visit,
    "met": KG.Meeting,
    "holdsPost": KG.PostHolding,
}
_DATE_TYPES = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}


def iri(key: str) -> URIRef:
    """The IRI of an entity, post or statement key."""
    return ID[key]


def doc_iri(doc_id: str) -> URIRef:
    """The IRI of a document (and of its named graph)."""
    return DOC[doc_id]


def date_literal(value: str, precision: str | None) -> Literal:
    """A typed literal for a date of the given precision; ``--MM-DD`` is an xsd:gMonthDay."""
    if value.startswith("--"):
        return Literal(value, datatype=XSD.gMonthDay)
    return Literal(value, datatype=_DATE_TYPES.get(precision or "day", XSD.date))


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def _entity_triples(graph: Graph, entity: Entity) -> None:
    node = iri(entity.key)
    graph.add((node, RDF.type, KG[entity.type.value]))
    graph.add((node, RDFS.label, Literal(entity.label, lang="fr")))
    for alias in sorted(entity.aliases):
        graph.add((node, SKOS.altLabel, Literal(alias, lang="fr")))
    if entity.type is EntityType.STATE:
        graph.add((node, KG.isoCode, Literal(entity.key.split("/")[-1])))
    info = entity.resolution
    if info is None:
        return
    if info.body:
        graph.add((node, KG.body, iri(info.body)))
    if info.date:
        graph.add((node, KG.date, date_literal(info.date, info.date_precision)))
        graph.add((node, KG.datePrecision, Literal(info.date_precision)))
    graph.add((node, KG.status, Literal(info.status)))
    if info.quote:
        graph.add((node, KG.quote, Literal(info.quote, lang="fr")))
    for prop, value in (
        (KG.votesFor, info.votes_for),
        (KG.votesAgainst, info.votes_against),
        (KG.abstentions, info.abstentions),
    ):
        if value is not None:
            graph.add((node, prop, Literal(value)))


def _corroboration_triples(graph: Graph, fact: Corroboration) -> None:
    node = ID[f"fact/{_digest(fact.subject, fact.predicate, fact.object)}"]
    graph.add((node, RDF.type, KG.Fact))
    graph.add((node, RDF.subject, iri(fact.subject)))
    graph.add((node, RDF.predicate, KG[fact.predicate]))
    graph.add((node, RDF.object, iri(fact.object)))
    graph.add((node, KG.supportCount, Literal(fact.support)))
    graph.add((node, KG.dateConflict, Literal(fact.date_conflict)))
    for statement in fact.statements:
        graph.add((node, KG.statement, statement_iri(statement)))


def catalogue_graph(
    dataset: Dataset, catalogue: Catalogue, facts: Sequence[Corroboration] = ()
) -> Graph:
    """The catalogue named graph: entity types, labels, aliases, resolutions and their tally
    checks, posts, and the corroborated facts of the corpus."""
    graph = dataset.graph(CATALOGUE_GRAPH)
    for entity in catalogue.entities.values():
        _entity_triples(graph, entity)
        check = tally_check(entity.resolution, facts) if entity.resolution else None
        if check:
            graph.add((iri(entity.key), KG.tallyCheck, Literal(check)))
    for fact in facts:
        _corroboration_triples(graph, fact)
    for key, post in catalogue.posts.items():
        node = iri(key)
        graph.add((node, RDF.type, ORG.Post))
        graph.add((node, RDFS.label, Literal(post.role, lang="fr")))
        graph.add((node, ORG.postIn, iri(post.org)))
    return graph


def _document_triples(graph: Graph, document: Document) -> URIRef:
    node = doc_iri(document.id)
    graph.add((node, RDF.type, KG.Document))
    graph.add((node, DCTERMS.language, Literal(document.language)))
    graph.add((node, KG.sourcePath, Literal(document.source)))
    graph.add(
        (
            node,
            KG.contentHash,
            Literal("sha256:" + hashlib.sha256(document.text.encode()).hexdigest()),
        )
    )
    if document.title:
        graph.add((node, DCTERMS.title, Literal(document.title, lang="fr")))
    if document.url:
        graph.add((node, DCTERMS.source, URIRef(document.url)))
    return node


def statement_iri(fact: Fact) -> URIRef:
    """The IRI of a fact's statement node: its document, ends, predicate, sentence and rule."""
    subject, _, obj = fact_key(fact)
    ev = fact.evidence
    return ID[f"statement/{_digest(ev.doc_id, subject, fact.predicate, obj, ev.start, ev.rule)}"]


# Counts and offsets are plain xsd:integer (values within the ontology's nonNegativeInteger
# ranges): Oxigraph stores every integer-derived datatype as xsd:integer, so files and store agree.
def _fact_triples(graph: Graph, fact: Fact) -> None:
    subject, _, obj = fact_key(fact)
    ev = fact.evidence
    evidence = ID[f"evidence/{_digest(ev.doc_id, ev.start, ev.end, ev.rule)}"]
    node = statement_iri(fact)
    graph.add((node, RDF.type, STATEMENT_CLASS.get(fact.predicate, KG.Statement)))
    graph.add((node, RDF.subject, iri(subject)))
    graph.add((node, RDF.predicate, KG[fact.predicate]))
    graph.add((node, RDF.object, iri(obj)))
    graph.add((node, KG.modality, KG[fact.modality.value]))
    graph.add((node, KG.evidence, evidence))
    if fact.date:
        graph.add((node, KG.date, date_literal(fact.date, fact.date_precision)))
        graph.add((node, KG.datePrecision, Literal(fact.date_precision)))
    if fact.place:
        graph.add((node, KG.place, iri(fact.place)))
    if fact.round is not None:
        graph.add((node, KG.round, Literal(fact.round)))
    if fact.reported_by and fact.reported_by != subject:
        graph.add((node, KG.reportedBy, iri(fact.reported_by)))
    graph.add((evidence, RDF.type, KG.Evidence))
    graph.add((evidence, KG.document, doc_iri(ev.doc_id)))
    graph.add((evidence, KG.sentence, Literal(ev.sentence)))
    graph.add((evidence, KG.start, Literal(ev.start)))
    graph.add((evidence, KG.end, Literal(ev.end)))
    graph.add((evidence, KG.rule, Literal(ev.rule)))
    if fact.modality.direct:
        graph.add((iri(subject), KG[fact.predicate], iri(obj)))


def document_graph(dataset: Dataset, result: DocResult, date: tuple[str, str] | None) -> Graph:
    """The named graph of one document: its node, mentions, statements and direct edges."""
    graph = dataset.graph(doc_iri(result.document.id))
    node = _document_triples(graph, result.document)
    if date:
        graph.add((node, DCTERMS.date, date_literal(*date)))
    for key in sorted({m.key for m in result.mentions}):
        graph.add((node, KG.mentions, iri(key)))
    for fact in result.facts:
        _fact_triples(graph, fact)
    return graph


def to_dataset(
    results: Iterable[DocResult],
    catalogue: Catalogue,
    dates: dict[str, tuple[str, str]],
    near_duplicates: Sequence[NearDuplicate] = (),
) -> Dataset:
    """The whole corpus as an rdflib ``Dataset`` (catalogue + one graph per document).

    Near-duplicate documents are linked in the catalogue graph (``kg:nearDuplicateOf``, once,
    from the smaller IRI) and count once in each fact's support.
    """
    results = list(results)
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    graph = catalogue_graph(dataset, catalogue, corroborate(results, near_duplicates))
    for pair in near_duplicates:
        graph.add((doc_iri(pair.first), KG.nearDuplicateOf, doc_iri(pair.second)))
    for result in results:
        document_graph(dataset, result, dates.get(result.document.id))
    return dataset


def _bound(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


def named_graphs(dataset: Dataset) -> list[Graph]:
    """Non-empty named graphs in IRI order."""
    graphs = [
        g
        for g in dataset.graphs()
        if len(g)
        and isinstance(g.identifier, URIRef)
        and g.identifier != URIRef("urn:x-rdflib:default")
    ]
    return sorted(graphs, key=lambda g: str(g.identifier))


def nquads(dataset: Dataset) -> str:
    """Sorted N-Quads of every named graph (rdflib's writer escapes line breaks in literals).

    The dataset is serialised as it is (its default graph is empty): no copy.
    """
    text = dataset.serialize(format="nquads")
    return "".join(sorted(set(text.splitlines(keepends=True)) - {"\n"}))
