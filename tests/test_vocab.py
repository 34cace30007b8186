"""The ontology files agree with ``kg.vocab.KG``, and the gazetteer of bodies is clean."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.vocab import ID, KG

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
NS = str(KG._NS)
CAMEO = "https://w3id.org/kgfr/cameo/"
BODY = str(ID) + "body/"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

TERMS = sorted(str(term)[len(NS) :] for term in dir(KG))
DIRECT_EDGES = [
    "votedFor",
    "votedAgainst",
    "abstainedOn",
    "negotiatedWith",
    "met",
    "visited",
    "holdsPost",
    "condemned",
    "demanded",
    "accused",
    "supported",
    "drafted",
    "vetoed",
    "withdrew",
    "attacked",
    "hosted",
]
# Ordinary French words and metonyms that must never be an alias of a body.
AMBIGUOUS = {
    "conseil",
    "union",
    "commission",
    "bruxelles",
    "assemblée",
    "cour",
    "secrétariat",
    "alliance",
    "l'alliance",
    "organisation",
    "agence",
    "bureau",
    "nations",
    "new york",
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY / "kg.ttl", format="turtle")


@pytest.fixture(scope="module")
def bodies() -> Graph:
    return Graph().parse(ONTOLOGY / "bodies.ttl", format="turtle")


def _kg_iris(graph: Graph) -> set[str]:
    """Local names of every kg: IRI used anywhere in ``graph``."""
    return {
        str(node)[len(NS) :]
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(NS)
    }


def _langs(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    """Sorted language tags of the literal values ("" for none); repeats show duplicates."""
    return sorted(
        o.language or "" for o in graph.objects(subject, predicate) if isinstance(o, Literal)
    )


def _fold(text: str) -> str:
    """Case- and accent-insensitive key for a surface form, with one kind of apostrophe."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


def test_vocab_declares_exactly_the_namespace_terms(ontology: Graph) -> None:
    declared = {
        str(s)[len(NS) :]
        for s in ontology.subjects()
        if isinstance(s, URIRef) and str(s).startswith(NS)
    }
    assert declared == set(TERMS)


def test_vocab_uses_only_declared_terms(ontology: Graph) -> None:
    assert _kg_iris(ontology) <= set(TERMS)


def test_vocab_ontology_header(ontology: Graph) -> None:
    iri = URIRef("https://w3id.org/kgfr/ns")
    assert (iri, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(iri, OWL.versionInfo) == Literal("0.1.0")


@pytest.mark.parametrize("name", TERMS)
def test_vocab_term_is_documented_in_french_and_english(ontology: Graph, name: str) -> None:
    term = KG[name]
    assert _langs(ontology, term, RDFS.label) == ["en", "fr"]
    assert _langs(ontology, term, RDFS.comment) == ["en", "fr"]
    assert "en" in _langs(ontology, term, SKOS.editorialNote)


@pytest.mark.parametrize("name", TERMS)
def test_vocab_term_has_a_type(ontology: Graph, name: str) -> None:
    types = set(ontology.objects(KG[name], RDF.type))
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, KG.Modality}
    assert types & kinds, f"kg:{name} is neither a class, a property nor a modality"


@pytest.mark.parametrize(
    ("term", "parent"),
    [
        (KG.Person, "https://schema.org/Person"),
        (KG.State, "https://schema.org/Country"),
        (KG.Body, "https://schema.org/GovernmentOrganization"),
        (KG.Body, "http://www.w3.org/ns/org#Organization"),
        (KG.Place, "https://schema.org/Place"),
        (KG.Resolution, "https://schema.org/Legislation"),
        (KG.Statement, str(RDF.Statement)),
        (KG.Vote, str(KG.Statement)),
        (KG.Vote, "https://schema.org/Event"),
        (KG.Negotiation, "https://schema.org/Event"),
        (KG.Visit, "https://schema.org/Event"),
        (KG.Meeting, "https://schema.org/Event"),
        (KG.PostHolding, str(KG.Statement)),
        (KG.Document, "https://schema.org/NewsArticle"),
        (KG.Evidence, "http://www.w3.org/ns/prov#Entity"),
    ],
)
def test_vocab_class_alignment(ontology: Graph, term: URIRef, parent: str) -> None:
    assert (term, RDFS.subClassOf, URIRef(parent)) in ontology


def test_vocab_holds_post_refines_org_holds(ontology: Graph) -> None:
    assert (KG.holdsPost, RDFS.subPropertyOf, URIRef("http://www.w3.org/ns/org#holds")) in ontology


@pytest.mark.parametrize("term", [KG.met, KG.negotiatedWith])
def test_vocab_symmetric_relations(ontology: Graph, term: URIRef) -> None:
    assert (term, RDF.type, OWL.SymmetricProperty) in ontology


@pytest.mark.parametrize(
    "name", ["asserted", "planned", "reported", "hypothetical", "negated", "denied"]
)
def test_vocab_modality_individuals(ontology: Graph, name: str) -> None:
    assert (KG[name], RDF.type, KG.Modality) in ontology


@pytest.mark.parametrize("name", [n for n in DIRECT_EDGES if n != "holdsPost"])
def test_vocab_direct_edge_maps_to_cameo(ontology: Graph, name: str) -> None:
    matches = [
        m
        for p in (SKOS.closeMatch, SKOS.relatedMatch)
        for m in ontology.objects(KG[name], p)
        if str(m).startswith(CAMEO)
    ]
    assert matches, f"kg:{name} has no CAMEO mapping"
    for code in matches:
        notation = ontology.value(code, SKOS.notation)
        assert notation is not None and str(code).endswith(str(notation))
        assert str(notation) in str(ontology.value(code, RDFS.comment))


def test_vocab_direct_edges_are_object_properties(ontology: Graph) -> None:
    assert set(DIRECT_EDGES) <= set(TERMS)
    for name in DIRECT_EDGES:
        assert (KG[name], RDF.type, OWL.ObjectProperty) in ontology


def test_vocab_bodies_are_all_typed(bodies: Graph) -> None:
    subjects = {s for s in bodies.subjects() if isinstance(s, URIRef)}
    assert subjects == set(bodies.subjects(RDF.type, KG.Body))
    assert len(subjects) >= 30


def test_vocab_bodies_use_only_declared_terms(bodies: Graph) -> None:
    assert _kg_iris(bodies) <= set(TERMS)


def test_vocab_body_iris_are_slugs(bodies: Graph) -> None:
    for body in bodies.subjects(RDF.type, KG.Body):
        assert str(body).startswith(BODY)
        assert SLUG.fullmatch(str(body)[len(BODY) :]), body


def test_vocab_body_has_one_french_label(bodies: Graph) -> None:
    for body in bodies.subjects(RDF.type, KG.Body):
        assert _langs(bodies, body, RDFS.label) == ["fr"], body
        assert set(_langs(bodies, body, SKOS.altLabel)) <= {"fr"}, body


def test_vocab_body_surface_forms_are_unique(bodies: Graph) -> None:
    owners: dict[str, set[URIRef]] = defaultdict(set)
    for body in bodies.subjects(RDF.type, KG.Body):
        for predicate in (RDFS.label, SKOS.altLabel):
            for form in bodies.objects(body, predicate):
                owners[_fold(str(form))].add(body)
    shared = {form: sorted(map(str, b)) for form, b in owners.items() if len(b) > 1}
    assert not shared


def test_vocab_body_aliases_are_not_ordinary_words(bodies: Graph) -> None:
    forms = {_fold(str(o)) for p in (RDFS.label, SKOS.altLabel) for o in bodies.objects(None, p)}
    assert not forms & {_fold(word) for word in AMBIGUOUS}


def test_vocab_body_part_of_points_to_bodies(bodies: Graph) -> None:
    known = set(bodies.subjects(RDF.type, KG.Body))
    for body, parent in bodies.subject_objects(KG.partOf):
        assert parent in known and parent != body, (body, parent)


@pytest.mark.parametrize(
    ("slug", "form"),
    [
        ("onu", "ONU"),
        ("onu", "Nations unies"),
        ("onu", "Nations Unies"),
        ("onu", "Organisation des Nations unies"),
        ("assemblee-generale-onu", "Assemblée générale"),
        ("assemblee-generale-onu", "Assemblée générale de l'ONU"),
        ("assemblee-generale-onu", "Assemblée générale des Nations unies"),
        ("conseil-de-securite-onu", "Conseil de sécurité"),
        ("conseil-de-securite-onu", "Conseil de sécurité de l'ONU"),
        ("hcr", "Haut-Commissariat de l'ONU pour les réfugiés"),
        ("hcr", "HCR"),
        ("cpi", "Cour pénale internationale"),
        ("otan", "OTAN"),
        ("ue", "Union européenne"),
    ],
)
def test_vocab_body_surface_form(bodies: Graph, slug: str, form: str) -> None:
    body = URIRef(BODY + slug)
    forms = {str(o) for p in (RDFS.label, SKOS.altLabel) for o in bodies.objects(body, p)}
    assert form in forms


@pytest.mark.parametrize(
    "slug", ["assemblee-generale-onu", "conseil-de-securite-onu", "hcr", "cij", "oms", "unicef"]
)
def test_vocab_un_organs_are_part_of_the_un(bodies: Graph, slug: str) -> None:
    assert (URIRef(BODY + slug), KG.partOf, URIRef(BODY + "onu")) in bodies


def test_vocab_eu_is_not_aliased_by_its_seat(bodies: Graph) -> None:
    forms = {_fold(str(o)) for o in bodies.objects(URIRef(BODY + "ue"), SKOS.altLabel)}
    assert "bruxelles" not in forms
