from __future__ import annotations

from pathlib import Path

import rdflib
from hypothesis import given
from hypothesis import strategies as st
from rdflib.compare import to_isomorphic

from kg.build import build
from kg.extract.mentions import slug
from kg.gold import PREDICATES
from kg.rdf import iri
from kg.vocab import KG
from tests.conftest import SEEDS, SeedBuild


def test_rdf_same_input_same_bytes(seed_build: SeedBuild, tmp_path: Path) -> None:
    build([SEEDS], out=tmp_path, html=False)
    for name in ("graph.ttl", "graph.trig"):
        assert (tmp_path / name).read_bytes() == (seed_build.out / name).read_bytes(), name


def test_rdf_evidence_offsets_slice_back_to_the_sentence(seed_build: SeedBuild) -> None:
    ds = seed_build.union
    sources = {str(doc): str(path) for doc, path in ds.subject_objects(KG.sourcePath)}
    checked = 0
    for evidence in set(ds.subjects(rdflib.RDF.type, KG.Evidence)):
        text = Path(sources[str(ds.value(evidence, KG.document))]).read_text(encoding="utf-8")
        start, end = int(ds.value(evidence, KG.start)), int(ds.value(evidence, KG.end))
        assert text[start:end] == str(ds.value(evidence, KG.sentence))
        checked += 1
    assert checked > 30


def test_rdf_every_direct_edge_has_a_statement(seed_build: SeedBuild) -> None:
    ds = seed_build.union
    direct = {KG[p] for p in PREDICATES}
    edges = {(s, p, o) for s, p, o in ds if p in direct}
    assert edges
    for s, p, o in edges:
        statements = set(ds.subjects(rdflib.RDF.subject, s)) & set(
            ds.subjects(rdflib.RDF.object, o)
        )
        assert any(
            ds.value(st_, rdflib.RDF.predicate) == p
            and ds.value(st_, KG.modality) in (KG.asserted, KG.planned)
            for st_ in statements
        ), (s, p, o)


def test_rdf_turtle_round_trip_is_isomorphic(seed_build: SeedBuild) -> None:
    first = rdflib.Graph().parse(seed_build.out / "graph.ttl")
    second = rdflib.Graph().parse(data=first.serialize(format="turtle"), format="turtle")
    assert to_isomorphic(first) == to_isomorphic(second)


@given(st.text())
def test_rdf_slug_is_deterministic_and_iri_safe(text: str) -> None:
    value = slug(text)
    assert value == slug(text)
    assert value and all(c.isascii() and (c.isalnum() or c == "-") for c in value)
    node = iri(f"person/{value}")
    assert rdflib.Graph().parse(data=f"<{node}> <{node}> <{node}> .", format="nt")
