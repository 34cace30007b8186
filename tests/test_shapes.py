"""ontology/shapes.ttl: the seed build conforms, broken graphs are rejected, all classes shaped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD
from rdflib.term import Node

from kg.gold import PREDICATES
from kg.vocab import KG
from tests.conftest import SeedBuild

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
SH = "http://www.w3.org/ns/shacl#"
SH_TARGET_CLASS = URIRef(SH + "targetClass")
SH_TARGET_SUBJECTS = URIRef(SH + "targetSubjectsOf")
SH_PATH = URIRef(SH + "path")

Violation = tuple[str, str | None, str]  # constraint component, path, focus node


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The shapes graph."""
    return Graph().parse(ONTOLOGY / "shapes.ttl")


@pytest.fixture(scope="module")
def seed_graph(seed_build: SeedBuild) -> Graph:
    """The seed build's graph.ttl (the union of all its named graphs)."""
    return Graph().parse(seed_build.out / "graph.ttl")


def violations(data: Graph, shapes: Graph) -> set[Violation]:
    """(component local name, path, focus node) of every result of validating ``data``."""
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inplace=True)
    assert isinstance(report, Graph)
    found = set()
    for result in report.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        component = str(report.value(result, URIRef(SH + "sourceConstraintComponent")))
        path = report.value(result, URIRef(SH + "resultPath"))
        focus = report.value(result, URIRef(SH + "focusNode"))
        found.add((component.removeprefix(SH), str(path) if path else None, str(focus)))
    assert conforms == (not found)
    return found


def test_shapes_seed_build_conforms(seed_graph: Graph, shapes: Graph) -> None:
    assert len(seed_graph) > 1000
    assert violations(seed_graph, shapes) == set()


def test_shapes_seed_trig_union_conforms(seed_build: SeedBuild, shapes: Graph) -> None:
    assert violations(seed_build.union, shapes) == set()


def test_shapes_ontology_individuals_conform(shapes: Graph) -> None:
    """The six modalities of kg.ttl are the ones ModalityShape allows."""
    ontology = Graph().parse(ONTOLOGY / "kg.ttl")
    assert len(set(ontology.subjects(RDF.type, KG.Modality))) == 6
    assert violations(ontology, shapes) == set()


def _one(graph: Graph, predicate: URIRef, obj: Node | None = None) -> Node:
    """The first subject (in sorted order) having ``predicate`` (with ``obj`` if given)."""
    return sorted(s for s, _, _ in graph.triples((None, predicate, obj)))[0]


def _direct_statement(graph: Graph, predicate: URIRef) -> tuple[Node, Node, Node]:
    """(subject, object, statement) of one direct edge with ``predicate``."""
    subject = _one(graph, predicate)
    obj = sorted(graph.objects(subject, predicate))[0]
    for statement in graph.subjects(RDF.predicate, predicate):
        if (statement, RDF.subject, subject) in graph and (statement, RDF.object, obj) in graph:
            return subject, obj, statement
    raise AssertionError(f"no statement behind {subject} {predicate} {obj}")


def drop_evidence(graph: Graph) -> set[Violation]:
    """Every statement behind one vote loses its evidence."""
    subject, obj, _ = _direct_statement(graph, KG.votedAgainst)
    statements = (
        set(graph.subjects(RDF.subject, subject))
        & set(graph.subjects(RDF.object, obj))
        & set(graph.subjects(KG.evidence, None))
    )
    for statement in statements:
        graph.remove((statement, KG.evidence, None))
    return {("MinCountConstraintComponent", str(KG.evidence), str(s)) for s in statements} | {
        ("SPARQLConstraintComponent", str(KG.votedAgainst), str(subject))
    }


def bad_datatype(graph: Graph) -> set[Violation]:
    """An offset written as a string."""
    evidence = _one(graph, RDF.type, KG.Evidence)
    start = graph.value(evidence, KG.start)
    graph.set((evidence, KG.start, Literal(str(start), datatype=XSD.string)))
    return {("DatatypeConstraintComponent", str(KG.start), str(evidence))}


def negative_offset(graph: Graph) -> set[Violation]:
    """A start offset below zero."""
    evidence = _one(graph, RDF.type, KG.Evidence)
    graph.set((evidence, KG.start, Literal(-3)))
    return {("MinInclusiveConstraintComponent", str(KG.start), str(evidence))}


def wrong_edge_end(graph: Graph) -> set[Violation]:
    """A state votes for a person instead of a resolution."""
    state = _one(graph, KG.votedAgainst)
    person = _one(graph, RDF.type, KG.Person)
    graph.add((state, KG.votedFor, person))
    return {
        ("ClassConstraintComponent", str(KG.votedFor), str(state)),
        ("SPARQLConstraintComponent", str(KG.votedFor), str(state)),  # and no evidence for it
    }


def missing_offsets(graph: Graph) -> set[Violation]:
    """An evidence node without start and end."""
    evidence = _one(graph, RDF.type, KG.Evidence)
    graph.remove((evidence, KG.start, None))
    graph.remove((evidence, KG.end, None))
    return {
        ("MinCountConstraintComponent", str(KG.start), str(evidence)),
        ("MinCountConstraintComponent", str(KG.end), str(evidence)),
    }


def start_after_end(graph: Graph) -> set[Violation]:
    """Start and end swapped: the span is empty and no longer the sentence's length."""
    evidence = _one(graph, RDF.type, KG.Evidence)
    start, end = graph.value(evidence, KG.start), graph.value(evidence, KG.end)
    graph.set((evidence, KG.start, end))
    graph.set((evidence, KG.end, start))
    return {
        ("LessThanConstraintComponent", str(KG.start), str(evidence)),
        ("SPARQLConstraintComponent", None, str(evidence)),
    }


def document_hash_mismatch(graph: Graph) -> set[Violation]:
    """A document whose IRI does not come from its content hash."""
    document = _one(graph, RDF.type, KG.Document)
    graph.set((document, KG.contentHash, Literal("sha256:" + "0" * 64)))
    return {("SPARQLConstraintComponent", None, str(document))}


def untyped_mention(graph: Graph) -> set[Violation]:
    """A document mentions a node that is in no entity class."""
    document = _one(graph, RDF.type, KG.Document)
    graph.add((document, KG.mentions, URIRef("https://example.org/nobody")))
    return {("NodeConstraintComponent", str(KG.mentions), str(document))}


def bad_modality(graph: Graph) -> set[Violation]:
    """A statement with a modality that does not exist."""
    statement = _one(graph, KG.modality, KG.asserted)
    graph.set((statement, KG.modality, URIRef(str(KG.asserted) + "ish")))
    return {("InConstraintComponent", str(KG.modality), str(statement))}


@pytest.mark.parametrize(
    "breakage",
    [
        drop_evidence,
        bad_datatype,
        negative_offset,
        wrong_edge_end,
        missing_offsets,
        start_after_end,
        document_hash_mismatch,
        untyped_mention,
        bad_modality,
    ],
    ids=lambda f: f.__name__,
)
def test_shapes_broken_graph_is_rejected(
    seed_graph: Graph, shapes: Graph, breakage: Callable[[Graph], set[Violation]]
) -> None:
    broken = Graph()
    for triple in seed_graph:
        broken.add(triple)
    expected = breakage(broken)
    found = violations(broken, shapes)
    # The expected violations are reported; a breakage may also trip related constraints (a
    # string offset is also not less than the end), which the seed graph does not.
    assert expected <= found


def test_shapes_every_ontology_class_has_a_shape(shapes: Graph) -> None:
    ontology = Graph().parse(ONTOLOGY / "kg.ttl")
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(KG))}
    assert len(classes) >= 15
    targeted = set(shapes.objects(None, SH_TARGET_CLASS))
    assert classes - targeted == set()


def test_shapes_every_direct_edge_is_checked(shapes: Graph) -> None:
    edges = {KG[p] for p in PREDICATES}
    evidence_shape = URIRef("https://w3id.org/kgfr/shapes#EdgeEvidenceShape")
    assert set(shapes.objects(evidence_shape, SH_TARGET_SUBJECTS)) == edges
    ends = set(shapes.objects(None, SH_PATH)) & edges
    assert ends == edges


def test_shapes_every_ontology_property_is_constrained(shapes: Graph) -> None:
    ontology = Graph().parse(ONTOLOGY / "kg.ttl")
    properties = {
        p
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for p in ontology.subjects(RDF.type, kind)
        if str(p).startswith(str(KG))
    }
    assert properties - set(shapes.objects(None, SH_PATH)) == set()
