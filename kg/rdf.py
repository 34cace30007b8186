"""The whole Python-to-RDF mapping: catalogue graph, one named graph per document.

Graphs are written as N-Quads lines straight from the dataclasses (no rdflib on the build's path:
a 1,000-document corpus maps in well under a second); :func:`to_dataset` reads the same lines into
an rdflib ``Dataset`` for callers that want one. The graph files are written from the store by
:mod:`kg.writers`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from kg.corroborate import Corroboration, corroborate, fact_key, tally_check
from kg.duplicates import NearDuplicate
from kg.model import DocResult, Document, EntityType, Fact
from kg.resolve import Catalogue, Entity
from kg.vocab import BASE

if TYPE_CHECKING:
    from rdflib import Dataset

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DCTERMS = "http://purl.org/dc/terms/"
_ORG = "http://www.w3.org/ns/org#"
_KG = BASE + "ns#"
ID_NS = BASE + "id/"
DOC_NS = BASE + "doc/"
CATALOGUE = BASE + "graph/catalogue"

_KINDS = ("state", "person", "body", "place", "resolution", "post", "statement", "evidence", "fact")
PREFIXES: dict[str, str] = {
    "kg": _KG,
    "kgid": ID_NS,
    "kgdoc": DOC_NS,
    "dcterms": _DCTERMS,
    "org": _ORG,
    "skos": _SKOS,
    "rdfs": _RDFS,
    "xsd": _XSD,
    "rdf": _RDF,
} | {kind: ID_NS + kind + "/" for kind in _KINDS}
STATEMENT_CLASS = {
    "votedFor": "Vote",
    "votedAgainst": "Vote",
    "abstainedOn": "Vote",
    "negotiatedWith": "Negotiation",
    "visited": "Visit",
    "met": "Meeting",
    "holdsPost": "PostHolding",
}
_DATE_TYPES = {"day": "date", "month": "gYearMonth", "year": "gYear"}
# Subjects whose triples belong to one document graph only (every other triple of a document
# graph, a direct edge between entities, may also be stated by other documents).
PER_DOCUMENT = (DOC_NS, ID_NS + "statement/", ID_NS + "evidence/")

_TYPE = f"<{_RDF}type>"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(key: str) -> str:
    """The IRI of an entity, post or statement key."""
    return ID_NS + key


def doc_iri(doc_id: str) -> str:
    """The IRI of a document (and of its named graph)."""
    return DOC_NS + doc_id


def _n(value: str) -> str:
    return f"<{value}>"


def _id(key: str) -> str:
    return f"<{ID_NS}{key}>"


def _kg(name: str) -> str:
    return f"<{_KG}{name}>"


def _text(value: str, lang: str | None = None) -> str:
    """A string literal in N-Triples (``@lang`` when given)."""
    quoted = '"' + value.translate(_ESCAPES) + '"'
    return f"{quoted}@{lang}" if lang else quoted


def _typed(value: object, datatype: str) -> str:
    return f'"{str(value).translate(_ESCAPES)}"^^<{_XSD}{datatype}>'


def _int(value: int) -> str:
    # Counts and offsets are plain xsd:integer (values within the ontology's nonNegativeInteger
    # ranges): Oxigraph stores every integer-derived datatype as xsd:integer.
    return _typed(value, "integer")


def date_literal(value: str, precision: str | None) -> str:
    """A typed literal for a date of the given precision; ``--MM-DD`` is an xsd:gMonthDay."""
    if value.startswith("--"):
        return _typed(value, "gMonthDay")
    return _typed(value, _DATE_TYPES.get(precision or "day", "date"))


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


class _Lines:
    """N-Quads lines of one named graph."""

    __slots__ = ("graph", "lines")

    def __init__(self, graph: str) -> None:
        self.graph = f" <{graph}> .\n"
        self.lines: list[str] = []

    def add(self, subject: str, predicate: str, obj: str) -> None:
        self.lines.append(f"{subject} {predicate} {obj}{self.graph}")


def _entity_triples(out: _Lines, entity: Entity) -> None:
    node = _id(entity.key)
    out.add(node, _TYPE, _kg(entity.type.value))
    out.add(node, f"<{_RDFS}label>", _text(entity.label, "fr"))
    for alias in sorted(entity.aliases):
        out.add(node, f"<{_SKOS}altLabel>", _text(alias, "fr"))
    if entity.type is EntityType.STATE:
        out.add(node, _kg("isoCode"), _text(entity.key.split("/")[-1]))
    info = entity.resolution
    if info is None:
        return
    if info.body:
        out.add(node, _kg("body"), _id(info.body))
    if info.date:
        out.add(node, _kg("date"), date_literal(info.date, info.date_precision))
        out.add(node, _kg("datePrecision"), _text(info.date_precision or ""))
    out.add(node, _kg("status"), _text(info.status))
    if info.quote:
        out.add(node, _kg("quote"), _text(info.quote, "fr"))
    for name, value in (
        ("votesFor", info.votes_for),
        ("votesAgainst", info.votes_against),
        ("abstentions", info.abstentions),
    ):
        if value is not None:
            out.add(node, _kg(name), _int(value))


def _corroboration_triples(out: _Lines, fact: Corroboration) -> None:
    node = _id(f"fact/{_digest(fact.subject, fact.predicate, fact.object)}")
    out.add(node, _TYPE, _kg("Fact"))
    out.add(node, f"<{_RDF}subject>", _id(fact.subject))
    out.add(node, f"<{_RDF}predicate>", _kg(fact.predicate))
    out.add(node, f"<{_RDF}object>", _id(fact.object))
    out.add(node, _kg("supportCount"), _int(fact.support))
    out.add(node, _kg("dateConflict"), _typed("true" if fact.date_conflict else "false", "boolean"))
    for statement in fact.statements:
        out.add(node, _kg("statement"), _n(statement_iri(statement)))


def catalogue_lines(
    catalogue: Catalogue,
    facts: Sequence[Corroboration] = (),
    near_duplicates: Sequence[NearDuplicate] = (),
) -> list[str]:
    """The catalogue named graph as N-Quads lines: entity types, labels, aliases, resolutions and
    their tally checks, posts, the corroborated facts of the corpus and near-duplicate links
    (``kg:nearDuplicateOf``, once, from the smaller IRI)."""
    out = _Lines(CATALOGUE)
    by_object: dict[str, list[Corroboration]] = {}
    for fact in facts:
        by_object.setdefault(fact.object, []).append(fact)
    for entity in catalogue.entities.values():
        _entity_triples(out, entity)
        info = entity.resolution
        check = tally_check(info, by_object.get(info.key, ())) if info else None
        if check:
            out.add(_id(entity.key), _kg("tallyCheck"), _text(check))
    for fact in facts:
        _corroboration_triples(out, fact)
    for key, post in catalogue.posts.items():
        node = _id(key)
        out.add(node, _TYPE, f"<{_ORG}Post>")
        out.add(node, f"<{_RDFS}label>", _text(post.role, "fr"))
        out.add(node, f"<{_ORG}postIn>", _id(post.org))
    for pair in near_duplicates:
        out.add(_n(doc_iri(pair.first)), _kg("nearDuplicateOf"), _n(doc_iri(pair.second)))
    return out.lines


def content_hash(document: Document) -> str:
    """``sha256:`` and the hex digest of the document's text (its ``kg:contentHash``)."""
    return "sha256:" + hashlib.sha256(document.text.encode()).hexdigest()


def _document_triples(out: _Lines, document: Document, digest: str | None) -> str:
    node = _n(doc_iri(document.id))
    out.add(node, _TYPE, _kg("Document"))
    out.add(node, f"<{_DCTERMS}language>", _text(document.language))
    out.add(node, _kg("sourcePath"), _text(document.source))
    out.add(node, _kg("contentHash"), _text(digest or content_hash(document)))
    if document.title:
        out.add(node, f"<{_DCTERMS}title>", _text(document.title, "fr"))
    if document.url:
        out.add(node, f"<{_DCTERMS}source>", _n(document.url))
    return node


def statement_iri(fact: Fact) -> str:
    """The IRI of a fact's statement node: its document, ends, predicate, sentence and rule."""
    subject, _, obj = fact_key(fact)
    ev = fact.evidence
    return (
        ID_NS + f"statement/{_digest(ev.doc_id, subject, fact.predicate, obj, ev.start, ev.rule)}"
    )


def _fact_triples(out: _Lines, fact: Fact) -> None:
    subject, _, obj = fact_key(fact)
    ev = fact.evidence
    evidence = _id(f"evidence/{_digest(ev.doc_id, ev.start, ev.end, ev.rule)}")
    node = _n(statement_iri(fact))
    out.add(node, _TYPE, _kg(STATEMENT_CLASS.get(fact.predicate, "Statement")))
    out.add(node, f"<{_RDF}subject>", _id(subject))
    out.add(node, f"<{_RDF}predicate>", _kg(fact.predicate))
    out.add(node, f"<{_RDF}object>", _id(obj))
    out.add(node, _kg("modality"), _kg(fact.modality.value))
    out.add(node, _kg("evidence"), evidence)
    if fact.date:
        out.add(node, _kg("date"), date_literal(fact.date, fact.date_precision))
        out.add(node, _kg("datePrecision"), _text(fact.date_precision or ""))
    if fact.place:
        out.add(node, _kg("place"), _id(fact.place))
    if fact.round is not None:
        out.add(node, _kg("round"), _int(fact.round))
    if fact.reported_by and fact.reported_by != subject:
        out.add(node, _kg("reportedBy"), _id(fact.reported_by))
    out.add(evidence, _TYPE, _kg("Evidence"))
    out.add(evidence, _kg("document"), _n(doc_iri(ev.doc_id)))
    out.add(evidence, _kg("sentence"), _text(ev.sentence))
    out.add(evidence, _kg("start"), _int(ev.start))
    out.add(evidence, _kg("end"), _int(ev.end))
    out.add(evidence, _kg("rule"), _text(ev.rule))
    if fact.modality.direct:
        out.add(_id(subject), _kg(fact.predicate), _id(obj))


def document_lines(
    result: DocResult, date: tuple[str, str] | None, *, digest: str | None = None
) -> list[str]:
    """The named graph of one document as N-Quads lines: its node, mentions, statements and
    direct edges. ``digest`` is the document's content hash when already computed."""
    out = _Lines(doc_iri(result.document.id))
    node = _document_triples(out, result.document, digest)
    if date:
        out.add(node, f"<{_DCTERMS}date>", date_literal(*date))
    for key in sorted({m.key for m in result.mentions}):
        out.add(node, _kg("mentions"), _id(key))
    for fact in result.facts:
        _fact_triples(out, fact)
    return out.lines


def dataset_lines(
    results: Iterable[DocResult],
    catalogue: Catalogue,
    dates: dict[str, tuple[str, str]],
    near_duplicates: Sequence[NearDuplicate] = (),
) -> Iterator[str]:
    """N-Quads lines of the whole corpus: the catalogue graph, then one graph per document."""
    results = list(results)
    yield from catalogue_lines(catalogue, corroborate(results, near_duplicates), near_duplicates)
    for result in results:
        yield from document_lines(result, dates.get(result.document.id))


def to_dataset(
    results: Iterable[DocResult],
    catalogue: Catalogue,
    dates: dict[str, tuple[str, str]],
    near_duplicates: Sequence[NearDuplicate] = (),
) -> Dataset:
    """The whole corpus as an rdflib ``Dataset`` (catalogue + one graph per document), read from
    the same lines the build writes to the store."""
    from rdflib import Dataset

    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    text = "".join(dataset_lines(results, catalogue, dates, near_duplicates))
    dataset.parse(data=text, format="nquads")
    return dataset
