"""Tests for kg.view.project_store: the network view read straight from an Oxigraph store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Dataset
from rdflib.term import Node
from typer.testing import CliRunner

from kg.cli import app
from kg.export import export
from kg.view import Citation, project, project_store, write_html

from tests.conftest import SeedBuild

# Every rule of ``project`` that the store path must reproduce, on a small hand-made corpus.
TRIG = """\
@prefix kg: <https://w3id.org/kgfr/ns#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix state: <https://w3id.org/kgfr/id/state/> .
@prefix person: <https://w3id.org/kgfr/id/person/> .
@prefix body: <https://w3id.org/kgfr/id/body/> .
@prefix resolution: <https://w3id.org/kgfr/id/resolution/> .
@prefix post: <https://w3id.org/kgfr/id/post/> .
@prefix place: <https://w3id.org/kgfr/id/place/> .
@prefix statement: <https://w3id.org/kgfr/id/statement/> .
@prefix evidence: <https://w3id.org/kgfr/id/evidence/> .
@prefix fact: <https://w3id.org/kgfr/id/fact/> .
@prefix doc: <https://w3id.org/kgfr/doc/> .

<https://w3id.org/kgfr/graph/catalogue> {
  state:RUS a kg:State ; rdfs:label "Russie"@fr , "Fédération de Russie"@fr ;
      skos:altLabel "Moscou"@fr , "Russie"@fr , "la Russie"@fr .
  state:UKR a kg:State ; rdfs:label "Ukraine"@fr ; skos:altLabel "Kiev"@fr .
  # no label: the view falls back on the IRI's last segment
  state:BLR a kg:State .
  # two entity classes: the first of EntityType's order wins
  body:otan a kg:Place , kg:Body ; rdfs:label "OTAN"@fr .
  person:lavrov a kg:Person ; rdfs:label "Sergueï Lavrov"@fr .
  # the smallest label is empty: the fallback again
  person:kuleba a kg:Person ; rdfs:label ""@fr , "Dmytro Kouleba"@fr .
  resolution:es-11-1 a kg:Resolution ; rdfs:label "Résolution ES-11/1"@fr ;
      kg:body body:otan ; kg:status "adopted" .
  post:mae-RUS a org:Post ; rdfs:label "ministre des Affaires étrangères"@fr ;
      org:postIn state:RUS .
  post:unlabelled-UKR a org:Post ; org:postIn state:UKR .
  post:nowhere a org:Post ; rdfs:label "conseiller"@fr ; org:postIn place:atlantide .
  # the corroboration node of an edge: subject, predicate and object, but no modality
  fact:1 a kg:Fact ; rdf:subject state:RUS ; rdf:predicate kg:negotiatedWith ;
      rdf:object state:UKR ; kg:supportCount 2 .
}

doc:aaaaaaaaaaaaaaaa {
  doc:aaaaaaaaaaaaaaaa a kg:Document ; dcterms:title "Vote à l'ONU <b>&</b>"@fr ;
      dcterms:date "2022-03-02"^^xsd:date .
  state:RUS kg:votedAgainst resolution:es-11-1 ; kg:negotiatedWith state:UKR ;
      kg:visited place:atlantide ; kg:attacked state:UKR .
  person:lavrov kg:holdsPost post:mae-RUS , post:nowhere .
  person:kuleba kg:holdsPost post:unlabelled-UKR ; kg:met person:lavrov .
  state:UKR kg:met state:BLR ; kg:quote "https://w3id.org/kgfr/id/state/RUS" .
  # typed in a document graph only: still an entity of the union
  state:POL a kg:State ; rdfs:label "Pologne"@fr .
  state:POL kg:supported state:UKR .

  statement:vote a kg:Vote ; rdf:subject state:RUS ; rdf:predicate kg:votedAgainst ;
      rdf:object resolution:es-11-1 ; kg:modality kg:asserted ;
      kg:evidence evidence:vote , evidence:vote2 .
  evidence:vote kg:document doc:aaaaaaaaaaaaaaaa ; kg:sentence "La Russie a voté contre." .
  # two sentences and two documents: the smallest of each, as text
  evidence:vote2 kg:document doc:bbbbbbbbbbbbbbbb , doc:cccccccccccccccc ;
      kg:sentence "Zut." , "Moscou <script>alert(1)</script> a voté non." .
  statement:nego a kg:Negotiation ; rdf:subject state:RUS ;
      rdf:predicate kg:negotiatedWith ; rdf:object state:UKR ; kg:modality kg:planned ;
      kg:evidence evidence:nego .
  evidence:nego kg:document doc:aaaaaaaaaaaaaaaa ; kg:sentence "Ils négocieront jeudi." .
  statement:deny a kg:Statement ; rdf:subject state:RUS ; rdf:predicate kg:attacked ;
      rdf:object state:UKR ; kg:modality kg:denied ; kg:evidence evidence:deny .
  evidence:deny kg:document doc:aaaaaaaaaaaaaaaa ; kg:sentence "Moscou dément." .
  statement:post a kg:PostHolding ; rdf:subject person:lavrov ;
      rdf:predicate kg:holdsPost ; rdf:object post:mae-RUS ; kg:modality kg:asserted ;
      kg:evidence evidence:post .
  evidence:post kg:document doc:aaaaaaaaaaaaaaaa ; kg:sentence "Sergueï Lavrov, ministre." .
}

doc:bbbbbbbbbbbbbbbb {
  doc:bbbbbbbbbbbbbbbb a kg:Document ; dcterms:date "2022-03"^^xsd:gYearMonth .
  # the same direct edge as in the other document: one edge, both statements behind it
  state:RUS kg:votedAgainst resolution:es-11-1 .
  person:kuleba kg:met person:lavrov .
  statement:met a kg:Meeting ; rdf:subject person:kuleba ; rdf:predicate kg:met ;
      rdf:object person:lavrov ; kg:modality kg:planned , kg:reported ;
      kg:evidence evidence:met .
  evidence:met kg:document doc:bbbbbbbbbbbbbbbb ; kg:sentence "Ils se verront." .
  # two subjects: the smallest (body:otan) counts, so this one is not behind the edge
  statement:met2 a kg:Meeting ; rdf:subject person:kuleba , body:otan ;
      rdf:predicate kg:met ; rdf:object person:lavrov ; kg:modality kg:hypothetical ;
      kg:evidence evidence:met2 .
  evidence:met2 kg:document doc:bbbbbbbbbbbbbbbb ; kg:sentence "Ils pourraient se voir." .
  statement:blr a kg:Meeting ; rdf:subject state:UKR ; rdf:predicate kg:met ;
      rdf:object state:BLR ; kg:evidence evidence:blr .
  evidence:blr kg:document doc:dddddddddddddddd ; kg:sentence "Sans modalité." .
  statement:pol a kg:Statement ; rdf:subject state:POL ; rdf:predicate kg:supported ;
      rdf:object state:UKR ; kg:modality kg:planned ; kg:evidence evidence:pol .
  evidence:pol kg:sentence "La Pologne soutiendra l'Ukraine." .
}

doc:cccccccccccccccc {
  doc:cccccccccccccccc a kg:Document ; dcterms:title "Autre titre"@fr .
}
"""


def _stores(text: str) -> tuple[ox.Store, Dataset]:
    store = ox.Store()
    store.load(text.encode("utf-8"), ox.RdfFormat.TRIG)
    dataset = Dataset()
    dataset.parse(data=text, format="trig")
    return store, dataset


def _assert_same(from_store: nx.MultiDiGraph, from_rdflib: nx.MultiDiGraph) -> None:
    """Node for node and edge for edge, with their data, in the same order."""
    assert len(from_rdflib) > 0 and from_rdflib.number_of_edges() > 0
    assert list(from_store.nodes(data=True)) == list(from_rdflib.nodes(data=True))
    assert list(from_store.edges(keys=True, data=True)) == list(
        from_rdflib.edges(keys=True, data=True)
    )


@pytest.fixture(scope="module")
def handmade() -> tuple[ox.Store, Dataset]:
    return _stores(TRIG)


@pytest.fixture(scope="module")
def seed_store(seed_build: SeedBuild) -> ox.Store:
    return ox.Store.read_only(str(seed_build.out / "store"))


def test_view_store_seed_projection_equals_rdflib(
    seed_build: SeedBuild, seed_store: ox.Store
) -> None:
    _assert_same(project_store(seed_store), project(seed_build.dataset))


def test_view_store_seed_html_same_bytes(
    seed_build: SeedBuild, seed_store: ox.Store, tmp_path: Path
) -> None:
    from_store = write_html(seed_store, tmp_path / "store.html").read_bytes()
    assert from_store == write_html(seed_build.dataset, tmp_path / "rdflib.html").read_bytes()
    assert from_store == (seed_build.out / "graph.html").read_bytes()


def test_view_store_seed_planned_edge_despite_its_fact(
    seed_build: SeedBuild, seed_store: ox.Store
) -> None:
    """Guterres's planned meeting with Putin has a corroboration node: still drawn planned."""
    guterres = "https://w3id.org/kgfr/id/person/antonio-guterres"
    putin = "https://w3id.org/kgfr/id/person/vladimir-poutine"
    for g in (project_store(seed_store), project(seed_build.dataset)):
        met = g.edges[guterres, putin, "met"]
        assert met["modality"] == "planned"
        assert met["evidences"] and {c.modality for c in met["evidences"]} == {"planned"}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_view_store_seed_export_same_bytes(
    seed_build: SeedBuild, seed_store: ox.Store, tmp_path: Path, fmt: str
) -> None:
    from_store = export(seed_store, tmp_path / f"store.{fmt}", fmt=fmt).read_bytes()
    from_rdflib = export(seed_build.dataset, tmp_path / f"rdflib.{fmt}", fmt=fmt).read_bytes()
    assert from_store == from_rdflib and b"votedAgainst" in from_store


def test_view_store_cli_export_network_from_the_store(
    seed_build: SeedBuild, tmp_path: Path
) -> None:
    store, target = str(seed_build.out / "store"), tmp_path / "seeds.graphml"
    result = CliRunner().invoke(
        app, ["export", "--format", "graphml", "--store", store, "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    expected = export(seed_build.dataset, tmp_path / "rdflib.graphml", fmt="graphml")
    assert target.read_bytes() == expected.read_bytes()


def test_view_store_handmade_projection_equals_rdflib(handmade: tuple[ox.Store, Dataset]) -> None:
    store, dataset = handmade
    _assert_same(project_store(store), project(dataset))


def test_view_store_handmade_rules(handmade: tuple[ox.Store, Dataset]) -> None:
    """The rules the equality above covers, spelled out, so that both paths are checked."""
    g = project_store(handmade[0])
    rus, ukr, blr = (f"https://w3id.org/kgfr/id/state/{c}" for c in ("RUS", "UKR", "BLR"))
    lavrov, kuleba = (f"https://w3id.org/kgfr/id/person/{p}" for p in ("lavrov", "kuleba"))
    otan, res = "https://w3id.org/kgfr/id/body/otan", "https://w3id.org/kgfr/id/resolution/es-11-1"
    assert g.nodes[rus] == {
        "label": "Fédération de Russie",
        "type": "State",
        "aliases": ["Moscou", "Russie", "la Russie"],
    }
    assert g.nodes[blr]["label"] == "BLR" and g.nodes[kuleba]["label"] == "kuleba"
    assert g.nodes[otan]["type"] == "Body"
    assert g.nodes["https://w3id.org/kgfr/id/state/POL"]["label"] == "Pologne"
    assert sorted((u.rsplit("/", 1)[1], k.rsplit("/", 1)[-1], v.rsplit("/", 1)[1])
                  for u, v, k in g.edges(keys=True)) == [
        ("POL", "supported", "UKR"),
        ("RUS", "attacked", "UKR"),
        ("RUS", "negotiatedWith", "UKR"),
        ("RUS", "votedAgainst", "es-11-1"),
        ("UKR", "met", "BLR"),
        ("es-11-1", "body", "otan"),
        ("kuleba", "met", "lavrov"),
        ("kuleba", "unlabelled-UKR", "UKR"),
        ("lavrov", "mae-RUS", "RUS"),
    ]  # fmt: skip
    vote = g.edges[rus, res, "votedAgainst"]
    assert vote["evidences"] == [
        Citation("Vote à l'ONU <b>&</b>", "2022-03-02", "asserted", "La Russie a voté contre."),
        Citation(
            "https://w3id.org/kgfr/doc/bbbbbbbbbbbbbbbb",
            "2022-03",
            "asserted",
            "Moscou <script>alert(1)</script> a voté non.",
        ),
    ]
    # the kg:Fact node (no modality, no evidence) is not a statement: the edge stays planned
    nego = g.edges[rus, ukr, "negotiatedWith"]
    assert nego["modality"] == "planned"
    assert nego["evidences"] == [
        Citation("Vote à l'ONU <b>&</b>", "2022-03-02", "planned", "Ils négocieront jeudi.")
    ]
    assert g.edges["https://w3id.org/kgfr/id/state/POL", ukr, "supported"]["modality"] == "planned"
    assert g.edges["https://w3id.org/kgfr/id/state/POL", ukr, "supported"]["evidences"] == [
        Citation("", "", "planned", "La Pologne soutiendra l'Ukraine.")
    ]
    met = g.edges[kuleba, lavrov, "met"]
    assert met["modality"] == "planned"
    assert [c.modality for c in met["evidences"]] == ["planned"]
    assert [c.modality for c in g.edges[ukr, blr, "met"]["evidences"]] == ["asserted"]
    assert [c.modality for c in g.edges[rus, ukr, "attacked"]["evidences"]] == ["denied"]
    post = g.edges[kuleba, ukr, "https://w3id.org/kgfr/id/post/unlabelled-UKR"]
    assert post["label"] == "holdsPost" and post["evidences"] == []
    assert g.edges[lavrov, rus, "https://w3id.org/kgfr/id/post/mae-RUS"]["label"] == (
        "ministre des Affaires étrangères"
    )


def test_view_store_handmade_html_same_bytes(
    handmade: tuple[ox.Store, Dataset], tmp_path: Path
) -> None:
    store, dataset = handmade
    from_store = write_html(store, tmp_path / "store.html").read_bytes()
    assert from_store == write_html(dataset, tmp_path / "rdflib.html").read_bytes()
    focused = write_html(store, tmp_path / "f1.html", focus="Kiev", relations={"met"})
    again = write_html(dataset, tmp_path / "f2.html", focus="Kiev", relations={"met"})
    assert focused.read_bytes() == again.read_bytes()


def test_view_store_union_of_graphs_counts_each_triple_once(tmp_path: Path) -> None:
    """A triple in several graphs (the store's union repeats it) is one edge, one citation."""
    store, dataset = _stores(TRIG.replace("doc:cccccccccccccccc {", "doc:cccccccccccccccc {\n"
        + TRIG.split("doc:aaaaaaaaaaaaaaaa {", 1)[1].split("\n}\n", 1)[0]))  # fmt: skip
    g = project_store(store)
    _assert_same(g, project(dataset))
    rus, res = "https://w3id.org/kgfr/id/state/RUS", "https://w3id.org/kgfr/id/resolution/es-11-1"
    assert len(g.get_edge_data(rus, res)) == 1
    assert len(g.edges[rus, res, "votedAgainst"]["evidences"]) == 2


def test_view_store_blank_node_statement() -> None:
    """Grouped scans have no text for a blank node: its groups are read pair by pair instead.

    Literal modalities and documents (smaller than the IRIs, as text) do not count.
    """
    store, dataset = _stores(TRIG.replace("doc:cccccccccccccccc {", """doc:cccccccccccccccc {
  [] a kg:Vote ; rdf:subject state:RUS ; rdf:predicate kg:votedAgainst ;
      rdf:object resolution:es-11-1 ; kg:modality kg:asserted , "denied" ;
      kg:evidence evidence:anon , "evidence" .
  evidence:anon kg:document doc:aaaaaaaaaaaaaaaa , "doc" ;
      kg:sentence "Sans nom." ."""))  # fmt: skip
    g = project_store(store)
    _assert_same(g, project(dataset))
    vote = g.edges["https://w3id.org/kgfr/id/state/RUS",
                   "https://w3id.org/kgfr/id/resolution/es-11-1", "votedAgainst"]  # fmt: skip
    anonymous = Citation("Vote à l'ONU <b>&</b>", "2022-03-02", "asserted", "Sans nom.")
    assert anonymous in vote["evidences"]


def _values(g: nx.MultiDiGraph) -> list[Any]:
    found: list[Any] = []
    for node, data in g.nodes(data=True):
        found += [node, data["label"], data["type"], *data["aliases"]]
    for u, v, key, data in g.edges(keys=True, data=True):
        found += [u, v, key, data["relation"], data["label"], data["modality"]]
        for citation in data["evidences"]:
            assert type(citation) is Citation
            found += list(citation)
    return found


def test_view_store_plain_python_values(
    handmade: tuple[ox.Store, Dataset], seed_store: ox.Store
) -> None:
    for g in (project_store(handmade[0]), project_store(seed_store)):
        values = _values(g)
        assert values and all(type(v) is str for v in values)
        assert not any(isinstance(v, Node | ox.NamedNode | ox.Literal) for v in values)
        for _, data in g.nodes(data=True):
            assert type(data["aliases"]) is list
        for _, _, data in g.edges(data=True):
            assert type(data["evidences"]) is list
