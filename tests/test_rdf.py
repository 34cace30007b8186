from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

import pyoxigraph
import rdflib
from hypothesis import given
from hypothesis import strategies as st
from rdflib.compare import to_isomorphic
from rdflib.namespace import PROV

from kg.build import build
from kg.export import ExportFormat, export
from kg.prov import SCHEMA, SPDX
from kg.extract.mentions import slug
from kg.gold import PREDICATES
from kg.rdf import iri
from kg.store import open_store
from kg.vocab import KG
from tests.conftest import SEEDS, SeedBuild


def _store_nquads(path: Path) -> bytes:
    """The store's quads, sorted: the store folder is a database, its files are not compared."""
    dump = open_store(path).dump(format=pyoxigraph.RdfFormat.N_QUADS)
    return b"".join(sorted(dump.splitlines(keepends=True)))


def test_rdf_same_input_same_bytes(seed_build: SeedBuild, tmp_path: Path) -> None:
    """Two builds of the seeds into two folders: every data file, every export format and the
    store's N-Quads dump are byte-identical; only build.ttl (times, paths) may differ."""
    again = tmp_path / "again"
    build([SEEDS], out=again)
    first, second = seed_build.out, again
    files = sorted(p.name for p in first.iterdir() if p.is_file())
    assert files == sorted(p.name for p in second.iterdir() if p.is_file())
    assert set(files) >= {"graph.ttl", "graph.trig", "graph.html", "build.ttl"}
    for name in files:
        if name != "build.ttl":
            assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert _store_nquads(first / "store") == _store_nquads(second / "store")
    for kind in ExportFormat:
        a = export(seed_build.dataset, tmp_path / "a" / f"graph.{kind.suffix}", fmt=kind.value)
        dataset = rdflib.Dataset()
        dataset.parse(second / "graph.trig", format="trig")
        b = export(dataset, tmp_path / "b" / f"graph.{kind.suffix}", fmt=kind.value)
        assert a.read_bytes() == b.read_bytes(), kind


def test_rdf_build_records_its_provenance(seed_build: SeedBuild) -> None:
    prov = rdflib.Graph().parse(seed_build.out / "build.ttl")
    (activity,) = prov.subjects(rdflib.RDF.type, PROV.Activity)
    assert prov.value(activity, PROV.startedAtTime) <= prov.value(activity, PROV.endedAtTime)
    used = set(prov.objects(activity, PROV.used))
    documents = set(seed_build.union.subjects(rdflib.RDF.type, KG.Document))
    assert len(documents) == 5 and documents <= used
    for document in documents:
        assert prov.value(document, KG.contentHash) == seed_build.union.value(
            document, KG.contentHash
        )
    (model,) = used - documents
    assert str(prov.value(model, SCHEMA.name)) == "fr_core_news_md"
    assert str(prov.value(model, SCHEMA.softwareVersion)).startswith("3.8")
    agent = prov.value(activity, PROV.wasAssociatedWith)
    assert str(prov.value(agent, SCHEMA.softwareVersion)) == version("kg")
    outputs = {
        str(prov.value(o, rdflib.RDFS.label)): o
        for o in prov.subjects(PROV.wasGeneratedBy, activity)
    }
    assert set(outputs) == {"turtle", "trig", "store", "html"}
    for name, file in (("turtle", "graph.ttl"), ("trig", "graph.trig"), ("html", "graph.html")):
        checksum = prov.value(outputs[name], SPDX.checksum)
        digest = hashlib.sha256((seed_build.out / file).read_bytes()).hexdigest()
        assert str(prov.value(checksum, SPDX.checksumValue)) == digest, name


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
