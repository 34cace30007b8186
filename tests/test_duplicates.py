from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyshacl
import rdflib
from rdflib.namespace import RDF

from kg.build import build
from kg.duplicates import NearDuplicate, NearDuplicateIndex, clusters, near_duplicates
from kg.ingest import read_documents
from kg.model import Document
from kg.rdf import doc_iri
from kg.vocab import ID, KG

INPUTS = Path(__file__).resolve().parent / "inputs" / "mixed"
OTHER_SOURCE = (
    "Le président français Emmanuel Macron se rendra à Kiev la semaine prochaine, a annoncé "
    "l'Élysée. Aucun détail n'a été donné sur le programme de ce déplacement, organisé dans le "
    "plus grand secret pour des raisons de sécurité."
)


def _macron_pair() -> tuple[Document, Document]:
    docs = [
        d
        for d in read_documents([INPUTS / "site-a-macron.txt", INPUTS / "depeches.jsonl"])
        if isinstance(d, Document)
    ]
    return docs[0], next(d for d in docs if d.source.endswith("#L1"))


def test_duplicates_same_dispatch_on_two_sites() -> None:
    site_a, site_b = _macron_pair()
    other = Document(id="0" * 16, text=OTHER_SOURCE, source="other.txt")
    pairs = near_duplicates([site_a, other, site_b])
    assert len(pairs) == 1
    assert {pairs[0].first, pairs[0].second} == {site_a.id, site_b.id}
    assert 0.5 <= pairs[0].similarity < 1.0


def test_duplicates_unrelated_texts_are_not_paired() -> None:
    docs = [d for d in read_documents([INPUTS], options=None) if isinstance(d, Document)]
    pairs = near_duplicates(docs)
    sources = {d.id: d.source for d in docs}
    assert [(Path(sources[p.first]).name, Path(sources[p.second]).name) for p in pairs] in (
        [("depeches.jsonl#L1", "site-a-macron.txt")],
        [("site-a-macron.txt", "depeches.jsonl#L1")],
    )


def test_duplicates_clusters_are_transitive() -> None:
    found = clusters([NearDuplicate("c", "d", 0.7), NearDuplicate("a", "c", 0.6)])
    assert found == {"a": "a", "c": "a", "d": "a"}


def test_duplicates_linked_and_counted_once(tmp_path: Path) -> None:
    site_a, site_b = _macron_pair()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(site_a.text, encoding="utf-8")
    (folder / "b.jsonl").write_text(json.dumps({"text": site_b.text}) + "\n", encoding="utf-8")
    (folder / "c.txt").write_text(OTHER_SOURCE, encoding="utf-8")
    summary = build([folder], out=tmp_path / "out", html=False)
    assert summary.documents == 3 and len(summary.near_duplicates) == 1
    graph = rdflib.Dataset()
    graph.parse(tmp_path / "out" / "graph.trig", format="trig")
    pair = summary.near_duplicates[0]
    links = list(graph.quads((None, KG.nearDuplicateOf, None, None)))
    assert [(s, o) for s, _, o, _ in links] == [
        (rdflib.URIRef(doc_iri(pair.first)), rdflib.URIRef(doc_iri(pair.second)))
    ]
    rows = graph.query(
        """SELECT ?support (COUNT(DISTINCT ?statement) AS ?statements) WHERE { GRAPH ?g {
             ?fact a kg:Fact ; rdf:subject ?s ; rdf:predicate kg:visited ; rdf:object ?o ;
                   kg:supportCount ?support ; kg:statement ?statement } } GROUP BY ?support""",
        initNs={"kg": KG._NS, "rdf": RDF},
        initBindings={"s": ID["person/emmanuel-macron"], "o": ID["place/kiev"]},
    )
    # every document's evidence is kept, and the two copies of the dispatch count once
    assert [(int(r[0]), int(r[1])) for r in rows] == [(2, 3)]  # type: ignore[index,arg-type]
    # the link and the documents from records (JSON lines) have the shape users rely on
    shapes = rdflib.Graph().parse(Path(__file__).resolve().parent.parent / "ontology/shapes.ttl")
    union = rdflib.Graph().parse(tmp_path / "out" / "graph.ttl")
    conforms, _, text = pyshacl.validate(union, shacl_graph=shapes)
    assert conforms, text


def test_duplicates_memo_keeps_the_similarity_of_each_pair() -> None:
    """With a memo (a build's), the pairs of a second index come from it: no candidate's body
    is read again."""
    site_a, site_b = _macron_pair()
    other = Document(id="0" * 16, text=OTHER_SOURCE, source="other.txt")
    memo: dict[str, float] = {}

    def keep(key: str, compute: Callable[[], float]) -> float:
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def no_body(doc_id: str) -> str:
        raise AssertionError(f"body of {doc_id} read again")

    bodies = {d.id: d.body for d in (site_a, other, site_b)}
    first = NearDuplicateIndex(bodies.__getitem__, memo=keep)
    second = NearDuplicateIndex(no_body, memo=keep)
    for index in (first, second):
        for document in (site_a, other, site_b):
            index.add(document)
    assert first.pairs() == second.pairs() == near_duplicates([site_a, other, site_b])
    assert list(memo) == [f"jaccard {min(site_a.id, site_b.id)} {max(site_a.id, site_b.id)}"]
