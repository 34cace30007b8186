"""kg.writers: graph.ttl and graph.trig streamed graph by graph, the same bytes however the
graphs come (built now, or read back from a store)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.errors import KgError
from kg.writers import GraphFiles, graph_quads, trig_bytes, write_store_files

ID = "https://w3id.org/kgfr/id/"
DOC = "https://w3id.org/kgfr/doc/"
CATALOGUE = ox.NamedNode("https://w3id.org/kgfr/graph/catalogue")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
MENTIONS = ox.NamedNode("https://w3id.org/kgfr/ns#mentions")
MET = ox.NamedNode("https://w3id.org/kgfr/ns#met")


def _store(label: str) -> ox.Store:
    """Two document graphs stating the same edge, the second one's title given, a catalogue."""
    store = ox.Store()
    state, other = ox.NamedNode(ID + "state/FRA"), ox.NamedNode(ID + "state/DEU")
    store.add(ox.Quad(state, LABEL, ox.Literal("France", language="fr"), CATALOGUE))
    for doc, name in (("b", label), ("a", "France")):
        graph = ox.NamedNode(DOC + doc)
        store.add(ox.Quad(state, MET, other, graph))
        store.add(ox.Quad(graph, MENTIONS, state, graph))
        store.add(ox.Quad(graph, LABEL, ox.Literal(name, language="fr"), graph))
    return store


def _files(store: ox.Store, folder: Path) -> tuple[bytes, bytes]:
    ttl, trig = write_store_files(store, folder / "graph.ttl", folder / "graph.trig")
    return ttl.read_bytes(), trig.read_bytes()


def test_writers_turtle_is_the_union_once_with_entity_prefixes(tmp_path: Path) -> None:
    text, _ = _files(_store("Paris\n« quoted »"), tmp_path)
    assert b"state:FRA" in text and text.startswith(b"@prefix body: ")
    union = rdflib.Graph().parse(data=text.decode("utf-8"), format="turtle")
    assert len(union) == 6  # the edge stated by both documents is there once
    literal = rdflib.Literal("Paris\n« quoted »", lang="fr")
    assert (rdflib.URIRef(DOC + "b"), rdflib.RDFS.label, literal) in union
    assert _files(_store("Paris\n« quoted »"), tmp_path / "again")[0] == text


def test_writers_trig_has_one_block_per_graph_in_iri_order(tmp_path: Path) -> None:
    _, trig = _files(_store("Lyon"), tmp_path)
    text = trig.decode("utf-8")
    assert text.index("kgdoc:a {") < text.index("kgdoc:b {") < text.index("<" + CATALOGUE.value)
    dataset = rdflib.Dataset()
    dataset.parse(data=text, format="trig")
    graphs = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    assert graphs == {DOC + "a": 3, DOC + "b": 3, CATALOGUE.value: 1}
    assert trig_bytes(_store("Lyon")) == trig


def test_writers_streamed_graphs_give_the_bytes_of_the_store(tmp_path: Path) -> None:
    """The build hands graphs over as it makes them; the files equal those of the store."""
    store = _store("Lyon")
    files = GraphFiles(tmp_path / "graph.ttl", tmp_path / "graph.trig")
    for doc in ("a", "b"):
        files.document(graph_quads(store, ox.NamedNode(DOC + doc)))
    files.catalogue(graph_quads(store, CATALOGUE))
    files.finish()
    streamed = (tmp_path / "graph.ttl").read_bytes(), (tmp_path / "graph.trig").read_bytes()
    assert streamed == _files(store, tmp_path / "from-store")


def test_writers_abort_leaves_the_previous_files(tmp_path: Path) -> None:
    before = _files(_store("Paris"), tmp_path)
    files = GraphFiles(tmp_path / "graph.ttl", tmp_path / "graph.trig")
    files.document(graph_quads(_store("Lyon"), ox.NamedNode(DOC + "a")))
    files.abort()
    after = (tmp_path / "graph.ttl").read_bytes(), (tmp_path / "graph.trig").read_bytes()
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.trig", "graph.ttl"]


def test_writers_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(KgError, match="file"):
        GraphFiles(tmp_path / "file" / "graph.ttl", tmp_path / "file" / "graph.trig")
