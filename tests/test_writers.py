"""kg.writers: graph.ttl and graph.trig from an Oxigraph store, TriG blocks reused by digest."""

from __future__ import annotations

import pickle
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.writers import write_trig, write_turtle

ID = "https://w3id.org/kgfr/id/"
DOC = "https://w3id.org/kgfr/doc/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
MENTIONS = ox.NamedNode("https://w3id.org/kgfr/ns#mentions")


def _store(label: str) -> ox.Store:
    """Two document graphs sharing a triple, the second one's label given."""
    store = ox.Store()
    for doc, name in (("a", "France"), ("b", label)):
        graph = ox.NamedNode(DOC + doc)
        state = ox.NamedNode(ID + "state/FRA")
        store.add(ox.Quad(state, LABEL, ox.Literal("France", language="fr"), graph))
        store.add(ox.Quad(graph, MENTIONS, state, graph))
        store.add(ox.Quad(graph, LABEL, ox.Literal(name, language="fr"), graph))
    return store


def test_writers_turtle_is_the_union_once_with_entity_prefixes(tmp_path: Path) -> None:
    path = write_turtle(_store("Paris\n« quoted »"), tmp_path / "graph.ttl")
    text = path.read_text(encoding="utf-8")
    assert "state:FRA" in text and text.startswith("@prefix body: ")
    union = rdflib.Graph().parse(path, format="turtle")
    assert len(union) == 5  # the shared label once
    literal = rdflib.Literal("Paris\n« quoted »", lang="fr")
    assert (rdflib.URIRef(DOC + "b"), rdflib.RDFS.label, literal) in union
    again = write_turtle(_store("Paris\n« quoted »"), tmp_path / "again.ttl")
    assert again.read_bytes() == path.read_bytes()


def test_writers_trig_blocks_cache_gives_the_bytes_of_a_fresh_write(tmp_path: Path) -> None:
    blocks = tmp_path / "blocks.bin"
    write_trig(_store("Paris"), tmp_path / "first.trig", blocks=blocks)
    first = pickle.loads(blocks.read_bytes())[1]
    assert len(first) == 2
    # One graph changes: its block is serialised again, the other one comes from the cache.
    cached = write_trig(_store("Lyon"), tmp_path / "cached.trig", blocks=blocks)
    fresh = write_trig(_store("Lyon"), tmp_path / "fresh.trig")
    assert cached.read_bytes() == fresh.read_bytes()
    assert '"Lyon"@fr' in fresh.read_text(encoding="utf-8")
    second = pickle.loads(blocks.read_bytes())[1]
    assert len(second) == 2 and len(set(first) & set(second)) == 1  # stale block dropped
    dataset = rdflib.Dataset()
    dataset.parse(cached, format="trig")
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {DOC + "a", DOC + "b"}


def test_writers_damaged_blocks_cache_is_ignored(tmp_path: Path) -> None:
    blocks = tmp_path / "blocks.bin"
    blocks.write_bytes(b"not a pickle")
    written = write_trig(_store("Paris"), tmp_path / "graph.trig", blocks=blocks)
    assert written.read_bytes() == write_trig(_store("Paris"), tmp_path / "x.trig").read_bytes()
