"""queries/evidence.rq: every direct edge has a sentence found verbatim at its offsets.

The edges are listed by rdflib from graph.ttl; the query runs on the Oxigraph store; the texts are
read from seeds/ (by the file name in kg:sourcePath): three independent paths to one answer.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph
from spacy.language import Language

import kg.annotate  # noqa: F401 - registers the kg_sentence_hints component
from kg.extract.document import _evidence
from kg.extract.noise import blank_furniture
from kg.gold import PREDICATES
from kg.ingest import parse_document
from kg.query import execute
from kg.vocab import KG
from tests.conftest import SEEDS, SeedBuild


@pytest.fixture(scope="module")
def rows(seed_build: SeedBuild) -> list[dict[str, str | None]]:
    """The rows of evidence.rq on the seed build's store."""
    results = execute("evidence", store=seed_build.out / "store")
    names = [v.value for v in results.variables]
    return [
        {name: (row[name].value if row[name] is not None else None) for name in names}
        for row in results
    ]


@pytest.fixture(scope="module")
def texts(seed_build: SeedBuild) -> dict[str, str]:
    """Document IRI → its text, read from seeds/."""
    graph = Graph().parse(seed_build.out / "graph.ttl")
    return {
        str(doc): (SEEDS / Path(str(path)).name).read_text(encoding="utf-8")
        for doc, path in graph.subject_objects(KG.sourcePath)
    }


def test_evidence_every_direct_edge_has_a_sentence_at_its_offsets(
    seed_build: SeedBuild, rows: list[dict[str, str | None]], texts: dict[str, str]
) -> None:
    graph = Graph().parse(seed_build.out / "graph.ttl")
    edges = {
        (str(s), str(p), str(o)) for s, p, o in graph if str(p).removeprefix(str(KG)) in PREDICATES
    }
    assert len(edges) > 30
    assert len(texts) == 5
    found: dict[tuple[str, str, str], int] = {}
    for row in rows:
        edge = (str(row["subject"]), str(row["predicate"]), str(row["object"]))
        assert row["sentence"], f"no evidence sentence for {edge}"
        document, start, end = str(row["document"]), int(str(row["start"])), int(str(row["end"]))
        assert texts[document][start:end] == row["sentence"], edge
        found[edge] = found.get(edge, 0) + 1
    assert set(found) == edges
    assert sum(found.values()) >= len(edges)


@cache
def _sentences() -> Language:
    """A blank French pipeline with the build's own sentence-boundary rules (no model needed)."""
    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("kg_sentence_hints")
    return nlp


WORD = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12)
SENTENCE = st.lists(WORD, min_size=1, max_size=8).map(" ".join).map(lambda s: s + ".")
SEPARATOR = st.sampled_from([" ", "  ", "\n", "\n\n", " \n ", "\t", "\nPartager\n", "\xa0"])
TEXT = st.tuples(
    st.sampled_from(["", " date 2022-03 ", "date: 2022-03-02\n"]),
    st.lists(st.tuples(SENTENCE, SEPARATOR), min_size=1, max_size=6),
).map(lambda parts: parts[0] + "".join(s + sep for s, sep in parts[1]))


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_evidence_offsets_slice_back_to_the_sentence(text: str) -> None:
    """For any text, as a build reads it, each sentence's evidence span is that sentence."""
    document = parse_document(text, "generated.txt")
    doc = _sentences()(blank_furniture(document.body))
    for sent in doc.sents:
        if not sent.text.strip():
            continue
        evidence = _evidence(document, sent, "property")
        assert evidence.sentence == sent.text.strip()
        assert document.text[evidence.start : evidence.end] == evidence.sentence
        assert 0 <= evidence.start < evidence.end <= len(document.text)


README_QUERIES = re.findall(
    r"```sparql\n(.*?)```",
    (Path(__file__).resolve().parent.parent / "ontology" / "README.md").read_text(encoding="utf-8"),
    flags=re.DOTALL,
)


@pytest.mark.parametrize("query", README_QUERIES, ids=lambda q: q.splitlines()[-2].strip()[:40])
def test_evidence_readme_example_queries_answer(seed_build: SeedBuild, query: str) -> None:
    results = list(execute(query, store=seed_build.out / "store"))
    assert results, query


def test_evidence_readme_has_example_queries() -> None:
    assert len(README_QUERIES) >= 4
