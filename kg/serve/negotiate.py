"""Content negotiation: the results or RDF format an ``Accept`` header (or a ``format``
parameter) asks for."""

from __future__ import annotations

from http import HTTPStatus

import pyoxigraph as ox

from kg.serve.errors import HttpError

_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPHS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json": ox.RdfFormat.JSON_LD,
}


def _accepted(accept: str) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, order kept on ties)."""
    ranked = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, index, media.lower()))
    return [media for _, _, media in sorted(ranked)] or ["*/*"]


def negotiate_results(accept: str, fmt: str | None) -> ox.QueryResultsFormat:
    """The results format for SELECT and ASK (JSON for ``*/*``).

    >>> negotiate_results("text/csv;q=0.5, application/sparql-results+xml", None).name
    'SPARQL Results in XML'
    """
    if fmt and fmt.lower() in _RESULTS:
        return _RESULTS[fmt.lower()]
    for media in _accepted(accept):
        if media in ("*/*", "application/*", "application/json"):
            return ox.QueryResultsFormat.JSON
        if media == "text/plain":
            return ox.QueryResultsFormat.TSV
        found = ox.QueryResultsFormat.from_media_type(media)
        if found is not None:
            return found
    raise HttpError(
        HTTPStatus.NOT_ACCEPTABLE,
        "SELECT and ASK answer in application/sparql-results+json, application/sparql-results+"
        "xml, text/csv or text/tab-separated-values",
    )


def negotiate_graph(accept: str, fmt: str | None) -> ox.RdfFormat:
    """The RDF format for CONSTRUCT and DESCRIBE (Turtle for ``*/*``)."""
    if fmt and fmt.lower() in _GRAPHS:
        return _GRAPHS[fmt.lower()]
    for media in _accepted(accept):
        if media in ("*/*", "text/*"):
            return ox.RdfFormat.TURTLE
        if media == "text/plain":
            return ox.RdfFormat.N_TRIPLES
        if media == "application/json":
            return ox.RdfFormat.JSON_LD
        found = ox.RdfFormat.from_media_type(media)
        if found in _GRAPHS.values():
            return found
    raise HttpError(
        HTTPStatus.NOT_ACCEPTABLE,
        "CONSTRUCT and DESCRIBE answer in text/turtle, application/n-triples, "
        "application/rdf+xml or application/ld+json",
    )
