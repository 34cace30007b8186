"""Tests of the gold scorer on small hand-built datasets."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import ORG, RDF, RDFS, SKOS, XSD

from kg.errors import InputError
from kg.evaluate import GoldDoc, Score, load_gold, normalize_label, score
from kg.vocab import CATALOGUE_GRAPH, DOC, ID, KG

ROOT = Path(__file__).resolve().parent.parent

GOLD: dict[str, Any] = {
    "doc": "a.txt",
    "date": "2022-03-02",
    "entities": [
        {"id": "RUS", "type": "State", "labels": ["Russie", "Moscou"]},
        {"id": "UKR", "type": "State", "labels": ["Ukraine", "ukrainienne"]},
        {"id": "LAVROV", "type": "Person", "labels": ["Sergueï Lavrov"]},
        {"id": "AG", "type": "Body", "labels": ["Assemblée générale"]},
        {"id": "res", "type": "Resolution", "labels": ["résolution du 2 mars"]},
    ],
    "relations": [
        {"s": "RUS", "p": "negotiatedWith", "o": "UKR", "evidence": "…", "modality": "planned"},
        {"s": "LAVROV", "p": "holdsPost", "o": "RUS", "role": "ministre", "evidence": "…"},
        {"s": "RUS", "p": "votedAgainst", "o": "res", "evidence": "…"},
    ],
    "negatives": [{"s": "RUS", "p": "attacked", "o": "UKR", "evidence": "Moscou nie…"}],
    "vote_counts": {"res": {"for": 141, "against": 5}},
}


class Built:
    """A dataset laid out as ontology/README.md says: a catalogue and one graph per document."""

    def __init__(self) -> None:
        self.ds = Dataset()
        self.catalogue = self.ds.graph(CATALOGUE_GRAPH)
        self.docs: dict[str, URIRef] = {}
        self.n = 0

    def entity(self, key: str, kind: str, label: str, *alt: str) -> URIRef:
        node = ID[key]
        self.catalogue.add((node, RDF.type, getattr(KG, kind)))
        self.catalogue.add((node, RDFS.label, Literal(label, lang="fr")))
        for form in alt:
            self.catalogue.add((node, SKOS.altLabel, Literal(form, lang="fr")))
        return node

    def document(self, name: str, *mentions: URIRef) -> URIRef:
        doc = self.docs.setdefault(name, DOC[name.replace(".", "-")])
        graph = self.ds.graph(doc)
        graph.add((doc, RDF.type, KG.Document))
        graph.add((doc, KG.sourcePath, Literal(f"seeds/{name}")))
        for node in mentions:
            graph.add((doc, KG.mentions, node))
        return doc

    def fact(
        self, doc: URIRef, s: URIRef, p: URIRef, o: URIRef, modality: URIRef = KG.asserted
    ) -> None:
        self.n += 1
        graph = self.ds.graph(doc)
        statement, evidence = ID[f"statement/{self.n}"], ID[f"evidence/{self.n}"]
        if modality in (KG.asserted, KG.planned):
            graph.add((s, p, o))
        for prop, value in (
            (RDF.type, KG.Statement),
            (RDF.subject, s),
            (RDF.predicate, p),
            (RDF.object, o),
            (KG.modality, modality),
            (KG.evidence, evidence),
        ):
            graph.add((statement, prop, value))
        graph.add((evidence, KG.document, doc))

    def post(self, person: URIRef, role: str, org: URIRef, doc: URIRef) -> None:
        post = ID[f"post/{role}-{org.rsplit('/', 1)[-1]}"]
        self.catalogue.add((post, RDF.type, ORG.Post))
        self.catalogue.add((post, RDFS.label, Literal(role, lang="fr")))
        self.catalogue.add((post, ORG.postIn, org))
        self.fact(doc, person, KG.holdsPost, post)


def gold_docs(tmp_path: Path, data: dict[str, Any] = GOLD) -> list[GoldDoc]:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return load_gold(path)


@pytest.fixture
def built() -> Built:
    """A graph that agrees with GOLD, its labels spelled differently."""
    b = Built()
    rus = b.entity("state/RUS", "State", "Russie", "la Russie")
    ukr = b.entity("state/UKR", "State", "UKRAINE")
    lavrov = b.entity("person/serguei-lavrov", "Person", "Serguei Lavrov")
    ag = b.entity("body/ag", "Body", "Assemblée générale de l'ONU", "L’assemblée Générale")
    res = b.entity("resolution/ag-2022-03-02", "Resolution", "résolution", "résolution du 2 mars")
    b.catalogue.add((res, KG.votesFor, Literal(141, datatype=XSD.integer)))
    b.catalogue.add((res, KG.votesAgainst, Literal(5, datatype=XSD.integer)))
    doc = b.document("a.txt", rus, ukr, lavrov, ag, res)
    b.fact(doc, rus, KG.negotiatedWith, ukr, KG.planned)
    b.post(lavrov, "ministre", rus, doc)
    b.fact(doc, rus, KG.votedAgainst, res)
    return b


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("L’Assemblée  générale", "assemblee generale"),
        ("l'ONU", "ONU"),
        ("Thomas-Greenfield", "thomas greenfield"),
        ("Haut-Commissariat de l’ONU", "haut commissariat de l'onu"),
        ("la Corée du Nord", "Coree du Nord"),
        ("d'Érythrée", "erythree"),
        ("Les États-Unis", "etats unis"),
    ],
)
def test_evaluate_normalize_label_folds_variants(a: str, b: str) -> None:
    assert normalize_label(a) == normalize_label(b)


@pytest.mark.parametrize(("a", "b"), [("Russie", "russe"), ("de", "la"), ("Le Pen", "pen x")])
def test_evaluate_normalize_label_keeps_differences(a: str, b: str) -> None:
    assert normalize_label(a) != normalize_label(b)


def test_evaluate_matching_graph_scores_one(built: Built, tmp_path: Path) -> None:
    report = score(built.ds, gold_docs(tmp_path))
    assert report.entities == Score(5, 0, 0)
    assert report.relations == Score(3, 0, 0)
    assert report.entities.f1 == report.relations.f1 == 1.0
    assert not report.violations
    assert report.documents[0].vote_issues == ()


def test_evaluate_accepts_a_merged_graph(built: Built, tmp_path: Path) -> None:
    merged = Graph()
    for s, p, o, _ in built.ds.quads((None, None, None, None)):
        merged.add((s, p, o))
    assert score(merged, gold_docs(tmp_path)).relations == Score(3, 0, 0)


@pytest.mark.parametrize("gold_ends", [("RUS", "UKR"), ("UKR", "RUS")])
@pytest.mark.parametrize("both_ways", [False, True])
def test_evaluate_symmetric_relation_matches_either_way(
    tmp_path: Path, gold_ends: tuple[str, str], both_ways: bool
) -> None:
    data = copy.deepcopy(GOLD)
    data["relations"][0] |= {"s": gold_ends[0], "o": gold_ends[1]}
    b = Built()
    rus, ukr = b.entity("state/RUS", "State", "Russie"), b.entity("state/UKR", "State", "Ukraine")
    doc = b.document("a.txt", rus, ukr)
    b.fact(doc, ukr, KG.negotiatedWith, rus)
    if both_ways:
        b.fact(doc, rus, KG.negotiatedWith, ukr)
    report = score(b.ds, gold_docs(tmp_path, data))
    assert report.relations_by_predicate["negotiatedWith"] == Score(1, 0, 0)


def test_evaluate_directed_relation_is_not_symmetric(tmp_path: Path) -> None:
    b = Built()
    rus, ukr = b.entity("state/RUS", "State", "Russie"), b.entity("state/UKR", "State", "Ukraine")
    res = b.entity("resolution/x", "Resolution", "résolution du 2 mars")
    doc = b.document("a.txt", rus, ukr, res)
    b.fact(doc, res, KG.votedAgainst, rus)
    report = score(b.ds, gold_docs(tmp_path))
    assert report.relations_by_predicate["votedAgainst"] == Score(0, 1, 1)


def test_evaluate_holds_post_compares_the_organisation(built: Built, tmp_path: Path) -> None:
    lavrov, ukr = ID["person/serguei-lavrov"], ID["state/UKR"]
    built.post(lavrov, "ambassadeur", ukr, built.docs["a.txt"])
    report = score(built.ds, gold_docs(tmp_path))
    assert report.relations_by_predicate["holdsPost"] == Score(1, 1, 0)
    assert report.documents[0].false_relations == (
        "Serguei Lavrov (Person) holdsPost UKRAINE (State)",
    )


def test_evaluate_holds_post_wrong_organisation_is_a_miss(tmp_path: Path) -> None:
    b = Built()
    lavrov = b.entity("person/serguei-lavrov", "Person", "Sergueï Lavrov")
    ukr = b.entity("state/UKR", "State", "Ukraine")
    doc = b.document("a.txt", lavrov, ukr)
    b.post(lavrov, "ministre", ukr, doc)
    report = score(b.ds, gold_docs(tmp_path))
    assert report.relations_by_predicate["holdsPost"] == Score(0, 1, 1)
    missed = report.documents[0].missed_relations
    assert any(m.startswith("LAVROV holdsPost RUS [ministre]") for m in missed)


def test_evaluate_counts_a_false_positive(built: Built, tmp_path: Path) -> None:
    gomel = built.entity("place/gomel", "Place", "Gomel")
    doc = built.document("a.txt", gomel)
    built.fact(doc, ID["state/RUS"], KG.visited, gomel)
    report = score(built.ds, gold_docs(tmp_path))
    assert report.entities_by_type["Place"] == Score(0, 1, 0)
    assert report.relations_by_predicate["visited"] == Score(0, 1, 0)
    assert report.documents[0].false_entities == ("Gomel (Place)",)
    assert report.entities.precision == pytest.approx(5 / 6)


def test_evaluate_counts_a_miss(tmp_path: Path) -> None:
    b = Built()
    rus = b.entity("state/RUS", "State", "Russie")
    lavrov = b.entity("person/serguei-lavrov", "Person", "Lavrov")
    b.document("a.txt", rus, lavrov)
    report = score(b.ds, gold_docs(tmp_path))
    assert report.entities_by_type["State"] == Score(1, 0, 1)
    assert report.entities_by_type["Person"] == Score(0, 1, 1)
    missed = report.documents[0].missed_entities
    assert "LAVROV (Person: Sergueï Lavrov)" in missed
    assert report.entities.recall == pytest.approx(1 / 5)


def test_evaluate_reports_a_negative_found_as_edge(built: Built, tmp_path: Path) -> None:
    doc = built.docs["a.txt"]
    built.fact(doc, ID["state/RUS"], KG.attacked, ID["state/UKR"])
    report = score(built.ds, gold_docs(tmp_path))
    assert len(report.violations) == 1
    assert report.violations[0].startswith("a.txt: RUS attacked UKR")
    assert report.relations_by_predicate["attacked"] == Score(0, 1, 0)


def test_evaluate_ignores_reported_statements(tmp_path: Path) -> None:
    b = Built()
    rus, ukr = b.entity("state/RUS", "State", "Russie"), b.entity("state/UKR", "State", "Ukraine")
    doc = b.document("a.txt", rus, ukr)
    b.fact(doc, rus, KG.negotiatedWith, ukr, KG.reported)
    b.fact(doc, rus, KG.attacked, ukr, KG.denied)
    b.ds.graph(doc).add((rus, KG.attacked, ukr))  # an edge no direct statement backs
    report = score(b.ds, gold_docs(tmp_path))
    assert report.relations_by_predicate["negotiatedWith"] == Score(0, 0, 1)
    assert "attacked" not in report.relations_by_predicate
    assert report.violations == ()


def test_evaluate_scores_relations_per_document(tmp_path: Path) -> None:
    b = Built()
    rus, ukr = b.entity("state/RUS", "State", "Russie"), b.entity("state/UKR", "State", "Ukraine")
    b.document("a.txt", rus, ukr)
    other = b.document("b.txt", rus, ukr)
    b.fact(other, rus, KG.negotiatedWith, ukr)
    report = score(b.ds, gold_docs(tmp_path))
    assert report.relations_by_predicate["negotiatedWith"] == Score(0, 0, 1)


def test_evaluate_any_resolution_node_is_a_resolution_object(tmp_path: Path) -> None:
    b = Built()
    rus = b.entity("state/RUS", "State", "Russie")
    res = b.entity("resolution/ag-2022-03-02", "Resolution", "texte du 2 mars")
    b.catalogue.add((res, KG.votesFor, Literal(140, datatype=XSD.integer)))
    doc = b.document("a.txt", rus, res)
    b.fact(doc, rus, KG.votedAgainst, res)
    report = score(b.ds, gold_docs(tmp_path))
    assert report.relations_by_predicate["votedAgainst"] == Score(1, 0, 0)
    assert report.entities_by_type["Resolution"] == Score(0, 1, 1)
    issues = {(i.kind, i.expected, i.found) for i in report.documents[0].vote_issues}
    assert issues == {("for", 141, 140), ("against", 5, None)}


def test_evaluate_missing_document_misses_everything(built: Built, tmp_path: Path) -> None:
    data = copy.deepcopy(GOLD) | {"doc": "zzz.txt"}
    report = score(built.ds, gold_docs(tmp_path, data))
    assert not report.documents[0].found
    assert report.entities == Score(0, 0, 5)
    assert report.relations == Score(0, 0, 3)
    assert "document not in the graph" in report.to_text()


def test_evaluate_to_text_renders_tables(built: Built, tmp_path: Path) -> None:
    built.fact(built.docs["a.txt"], ID["state/RUS"], KG.attacked, ID["state/UKR"])
    text = score(built.ds, gold_docs(tmp_path)).to_text()
    assert "micro" in text and "negotiatedWith" in text and "== a.txt" in text
    assert "negative violations: 1" in text
    assert "vote counts right: 2/2" in text


def test_evaluate_load_gold_reads_a_folder(tmp_path: Path) -> None:
    for name in ("b", "a"):
        data = copy.deepcopy(GOLD) | {"doc": f"{name}.txt"}
        (tmp_path / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    docs = load_gold(tmp_path)
    assert [d.doc for d in docs] == ["a.txt", "b.txt"]
    assert docs[0].relations[1].role == "ministre"
    assert docs[0].relations[0].modality == "planned"
    assert {(c.kind, c.value) for c in docs[0].vote_counts} == {("for", 141), ("against", 5)}


@pytest.mark.parametrize(
    "change",
    [
        {"relations": [{"s": "RUS", "p": "votedAgainst", "o": "nowhere", "evidence": "…"}]},
        {"relations": [{"s": "RUS", "p": "likes", "o": "UKR", "evidence": "…"}]},
        {"entities": [{"id": "RUS", "type": "Country", "labels": ["Russie"]}], "relations": []},
        {"vote_counts": {"res": {"pour": 1}}},
    ],
)
def test_evaluate_load_gold_rejects_bad_files(tmp_path: Path, change: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        gold_docs(tmp_path, copy.deepcopy(GOLD) | change)


def test_evaluate_seed_gold_agrees_with_the_seeds() -> None:
    docs = load_gold(ROOT / "tests" / "gold")
    assert sorted(d.doc for d in docs) == sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    for gold in docs:
        text = (ROOT / "seeds" / gold.doc).read_text(encoding="utf-8")
        for entity in gold.entities:
            assert all(label in text for label in entity.labels), entity
        for rel in gold.relations + gold.negatives:
            assert rel.evidence in text, rel
        assert len({(r.s, r.p, r.o) for r in gold.relations}) == len(gold.relations)
