"""The project's RDF vocabulary as a closed namespace.

Every term used in the graphs is declared here and in ``ontology/kg.ttl``; a test checks that the
two agree, and a typo such as ``KG.votedfor`` raises at once.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace
from rdflib.term import URIRef

BASE = "https://w3id.org/kgfr/"
ID = Namespace(BASE + "id/")
DOC = Namespace(BASE + "doc/")
CATALOGUE_GRAPH = URIRef(BASE + "graph/catalogue")


class KG(DefinedNamespace):
    """Classes, properties and individuals of the kg ontology."""

    _fail = True
    _NS = Namespace(BASE + "ns#")

    # Entity classes
    State: URIRef
    Person: URIRef
    Body: URIRef
    Place: URIRef
    Resolution: URIRef
    # Documents and evidence
    Document: URIRef
    Evidence: URIRef
    # Statement (n-ary) classes, one per relation family
    Statement: URIRef
    Vote: URIRef
    Negotiation: URIRef
    Visit: URIRef
    Meeting: URIRef
    PostHolding: URIRef
    Fact: URIRef
    # Modalities (PLOVER-style auxiliary modes)
    Modality: URIRef
    asserted: URIRef
    planned: URIRef
    reported: URIRef
    hypothetical: URIRef
    negated: URIRef
    denied: URIRef

    # Direct edges
    votedFor: URIRef
    votedAgainst: URIRef
    abstainedOn: URIRef
    negotiatedWith: URIRef
    met: URIRef
    visited: URIRef
    holdsPost: URIRef
    condemned: URIRef
    demanded: URIRef
    accused: URIRef
    supported: URIRef
    drafted: URIRef
    vetoed: URIRef
    withdrew: URIRef
    attacked: URIRef
    hosted: URIRef

    # Statement qualifiers
    modality: URIRef
    date: URIRef
    datePrecision: URIRef
    place: URIRef
    round: URIRef
    votesFor: URIRef
    votesAgainst: URIRef
    abstentions: URIRef
    reportedBy: URIRef
    evidence: URIRef
    supportCount: URIRef
    statement: URIRef
    dateConflict: URIRef

    # Evidence
    document: URIRef
    sentence: URIRef
    start: URIRef
    end: URIRef
    rule: URIRef

    # Documents
    sourcePath: URIRef
    contentHash: URIRef
    mentions: URIRef
    nearDuplicateOf: URIRef

    # Resolutions and bodies
    body: URIRef
    status: URIRef
    quote: URIRef
    tallyCheck: URIRef
    partOf: URIRef
    capital: URIRef
    isoCode: URIRef
