"""Tests for kg.view: projection of the RDF graph and the offline HTML page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, XSD

from kg.errors import InputError
from kg.view import Citation, project, write_html
from kg.view.layout import LAYOUT_SEED, PIVOTS, _fast_layout
from kg.vocab import CATALOGUE_GRAPH, DOC, ID, KG

RUS, UKR = ID["state/RUS"], ID["state/UKR"]
LAVROV = ID["person/serguei-lavrov"]
RES = ID["resolution/assemblee-generale-onu-2022-03-02"]
POST = ID["post/ministre-des-affaires-etrangeres-RUS"]
AG = ID["body/assemblee-generale-onu"]
DOC1 = DOC["0123456789abcdef"]
XSS = "Moscou <script>alert(1)</script> négociera avec Kiev <img src=x onerror=alert(1)> jeudi."
TITLE = "Vote à l'ONU <b>&</b> négociations"
VOTE_SENTENCE = "La Russie a voté contre la résolution."


def _statement(
    doc: Graph, name: str, s: URIRef, p: URIRef, o: URIRef, modality: URIRef, sentence: str
) -> None:
    st, ev = ID[f"statement/{name}"], ID[f"evidence/{name}"]
    doc.add((st, RDF.type, KG.Statement))
    doc.add((st, RDF.subject, s))
    doc.add((st, RDF.predicate, p))
    doc.add((st, RDF.object, o))
    doc.add((st, KG.modality, modality))
    doc.add((st, KG.evidence, ev))
    doc.add((ev, RDF.type, KG.Evidence))
    doc.add((ev, KG.document, DOC1))
    doc.add((ev, KG.sentence, Literal(sentence)))
    doc.add((ev, KG.start, Literal(0)))
    if modality in (KG.asserted, KG.planned):
        doc.add((s, p, o))


def build_dataset() -> Dataset:
    """Two states, a person with a post, a resolution, a vote and a planned negotiation."""
    ds = Dataset()
    cat = ds.graph(CATALOGUE_GRAPH)
    for iri, cls, label, aliases in [
        (RUS, KG.State, "Russie", ["la Russie", "Moscou", "Russie"]),
        (UKR, KG.State, "Ukraine", ["Kiev", "Ukraine"]),
        (LAVROV, KG.Person, "Sergueï Lavrov", ["Lavrov", "Sergueï Lavrov"]),
        (RES, KG.Resolution, "Résolution ES-11/1", ["la résolution"]),
    ]:
        cat.add((iri, RDF.type, cls))
        cat.add((iri, RDFS.label, Literal(label, lang="fr")))
        for alias in aliases:
            cat.add((iri, SKOS.altLabel, Literal(alias, lang="fr")))
    cat.add((RES, KG.body, AG))  # AG is not typed here: no edge to a non-entity
    cat.add((POST, RDF.type, ORG.Post))
    cat.add((POST, RDFS.label, Literal("ministre des Affaires étrangères", lang="fr")))
    cat.add((POST, ORG.postIn, RUS))

    doc = ds.graph(DOC1)
    doc.add((DOC1, RDF.type, KG.Document))
    doc.add((DOC1, DCTERMS.title, Literal(TITLE)))
    doc.add((DOC1, DCTERMS.date, Literal("2022-03-02", datatype=XSD.date)))
    doc.add((DOC1, KG.mentions, RUS))
    _statement(doc, "vote", RUS, KG.votedAgainst, RES, KG.asserted, VOTE_SENTENCE)
    _statement(doc, "nego", RUS, KG.negotiatedWith, UKR, KG.planned, XSS)
    _statement(doc, "post", LAVROV, KG.holdsPost, POST, KG.asserted, "Sergueï Lavrov, ministre.")
    _statement(doc, "deny", RUS, KG.attacked, UKR, KG.denied, "Moscou dément avoir attaqué.")
    return ds


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_dataset()


def _page_data(page: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """The nodes, edges and options the page hands to vis-network."""
    nodes = re.search(r"nodes = new vis\.DataSet\((.*?)\);\n", page)
    edges = re.search(r"edges = new vis\.DataSet\((.*?)\);\n", page)
    options = re.search(r"var options = (.*?);\n", page)
    assert nodes and edges and options
    return json.loads(nodes[1]), json.loads(edges[1]), json.loads(options[1])


def _render(graph: Any, tmp_path: Path, **kwargs: Any) -> str:
    return write_html(graph, tmp_path / "view.html", **kwargs).read_text(encoding="utf-8")


def test_view_project_counts(dataset: Dataset) -> None:
    g = project(dataset)
    assert sorted(g.nodes) == sorted(map(str, [RUS, UKR, LAVROV, RES]))
    assert sorted(r for _, _, r in g.edges(data="relation")) == [
        "holdsPost",
        "negotiatedWith",
        "votedAgainst",
    ]
    assert g.nodes[str(RUS)] == {
        "label": "Russie",
        "type": "State",
        "aliases": ["Moscou", "Russie", "la Russie"],
    }


def test_view_project_post_edge(dataset: Dataset) -> None:
    g = project(dataset)
    assert str(POST) not in g
    (data,) = g.get_edge_data(str(LAVROV), str(RUS)).values()
    assert data["relation"] == "holdsPost"
    assert data["label"] == "ministre des Affaires étrangères"
    assert data["modality"] == "asserted"


def test_view_project_modality_and_evidence(dataset: Dataset) -> None:
    g = project(dataset)
    nego = g.edges[str(RUS), str(UKR), "negotiatedWith"]
    assert nego["modality"] == "planned"
    assert nego["evidences"] == [Citation(TITLE, "2022-03-02", "planned", XSS)]
    vote = g.edges[str(RUS), str(RES), "votedAgainst"]
    assert vote["modality"] == "asserted"
    assert vote["evidences"][0].sentence == VOTE_SENTENCE


def test_view_project_planned_only_if_every_licensing_statement_is() -> None:
    ds = build_dataset()
    doc = ds.graph(DOC1)
    _statement(doc, "nego-reported", RUS, KG.negotiatedWith, UKR, KG.reported, "Selon Kiev…")
    assert project(ds).edges[str(RUS), str(UKR), "negotiatedWith"]["modality"] == "planned"
    _statement(doc, "nego-done", RUS, KG.negotiatedWith, UKR, KG.asserted, "Ils ont négocié.")
    nego = project(ds).edges[str(RUS), str(UKR), "negotiatedWith"]
    assert nego["modality"] == "asserted"
    assert sorted(c.modality for c in nego["evidences"]) == ["asserted", "planned", "reported"]


def test_view_project_citations_sorted() -> None:
    ds = build_dataset()
    doc = ds.graph(DOC1)
    sentences = [f"Phrase {c} sur le vote." for c in "EBDAC"]
    for i, sentence in enumerate(sentences):
        ev = ID[f"evidence/extra{i}"]
        doc.add((ID["statement/vote"], KG.evidence, ev))
        doc.add((ev, KG.document, DOC1))
        doc.add((ev, KG.sentence, Literal(sentence)))
    vote = project(ds).edges[str(RUS), str(RES), "votedAgainst"]
    assert [c.sentence for c in vote["evidences"]] == sorted([*sentences, VOTE_SENTENCE])


def test_view_project_plain_graph_matches_dataset(dataset: Dataset) -> None:
    plain = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        plain.add((s, p, o))
    a, b = project(plain), project(dataset)
    edges_a, edges_b = a.edges(keys=True, data="modality"), b.edges(keys=True, data="modality")
    assert sorted(edges_a) == sorted(edges_b)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))


def test_view_html_planned_edge_dashed_and_arrows(dataset: Dataset, tmp_path: Path) -> None:
    _, edges, _ = _page_data(_render(dataset, tmp_path))
    by_label = {e["label"]: e for e in edges}
    assert len(edges) == 3
    assert by_label["negotiatedWith"]["dashes"] is True
    assert by_label["negotiatedWith"]["arrows"] == {"to": {"enabled": False}}
    assert by_label["votedAgainst"]["dashes"] is False
    assert by_label["votedAgainst"]["arrows"] == "to"
    post = by_label["ministre des Affaires étrangères"]
    assert (post["from"], post["to"]) == (str(LAVROV), str(RUS))


def test_view_html_escapes_article_text(dataset: Dataset, tmp_path: Path) -> None:
    page = _render(dataset, tmp_path)
    for raw in ("<script>alert(1)", "<img src=x", "<b>&</b>"):
        assert raw not in page
    _, edges, _ = _page_data(page)
    (nego,) = [e for e in edges if e["label"] == "negotiatedWith"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in nego["title"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in nego["title"]
    assert "Vote à l&#x27;ONU &lt;b&gt;&amp;&lt;/b&gt; négociations" in nego["title"]
    assert "<script" not in nego["title"] and "<img" not in nego["title"]


def test_view_html_escapes_labels(tmp_path: Path) -> None:
    g = Graph()
    g.add((RUS, RDF.type, KG.State))
    g.add((RUS, RDFS.label, Literal("<img src=x onerror=alert(2)>")))
    nodes, _, _ = _page_data(_render(g, tmp_path))
    assert nodes[0]["label"] == "&lt;img src=x onerror=alert(2)&gt;"
    assert "<img" not in nodes[0]["title"]


def test_view_html_has_no_remote_urls(dataset: Dataset, tmp_path: Path) -> None:
    page = _render(dataset, tmp_path)
    remote = re.findall(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^\s"'>]*""", page, re.I)
    assert remote == []
    assert "bootstrap" not in page and "tom-select" not in page
    assert "vis.Network" in page and "kg-search" in page and 'id="kg-legend"' in page


@pytest.mark.parametrize(
    ("focus", "hops", "expected"),
    [
        ("lavrov", 1, {LAVROV, RUS}),
        ("SERGUEÏ LAVROV", 2, {LAVROV, RUS, UKR, RES}),
        ("Kiev", 0, {UKR}),
    ],
)
def test_view_html_focus(
    dataset: Dataset, tmp_path: Path, focus: str, hops: int, expected: set[URIRef]
) -> None:
    nodes, _, _ = _page_data(_render(dataset, tmp_path, focus=focus, hops=hops))
    assert {n["id"] for n in nodes} == {str(i) for i in expected}


def test_view_html_relations(dataset: Dataset, tmp_path: Path) -> None:
    nodes, edges, _ = _page_data(_render(dataset, tmp_path, relations={"votedAgainst"}))
    assert {n["id"] for n in nodes} == {str(RUS), str(RES)}
    assert [e["label"] for e in edges] == ["votedAgainst"]
    nodes, edges, _ = _page_data(
        _render(dataset, tmp_path, focus="Ukraine", relations={"votedAgainst"})
    )
    assert [n["id"] for n in nodes] == [str(UKR)] and edges == []


@pytest.mark.parametrize(
    "kwargs",
    [{"focus": "Atlantide"}, {"relations": {"votedagainst"}}, {"focus": "Kiev", "hops": -1}],
)
def test_view_html_rejects_bad_filters(
    dataset: Dataset, tmp_path: Path, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(InputError):
        write_html(dataset, tmp_path / "view.html", **kwargs)


def test_view_html_symmetric_edges_drawn_once(tmp_path: Path) -> None:
    ds = build_dataset()
    doc = ds.graph(DOC1)
    _statement(doc, "nego2", UKR, KG.negotiatedWith, RUS, KG.asserted, "Kiev a négocié.")
    _, edges, _ = _page_data(_render(ds, tmp_path))
    (nego,) = [e for e in edges if e["label"] == "negotiatedWith"]
    assert nego["dashes"] is False  # one of the two statements is asserted
    assert "Kiev a négocié." in nego["title"] and "alert(1)" in nego["title"]


def test_view_html_large_graph_has_fixed_positions(tmp_path: Path) -> None:
    g = Graph()
    states = [ID[f"state/S{i:03d}"] for i in range(320)]
    for i, state in enumerate(states):
        g.add((state, RDF.type, KG.State))
        g.add((state, RDFS.label, Literal(f"État {i}")))
        g.add((state, KG.met, states[i - 1]))
    nodes, edges, options = _page_data(_render(g, tmp_path))
    assert len(nodes) == 320 and len(edges) == 320
    assert options["physics"]["enabled"] is False
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in nodes)
    small_nodes, _, small = _page_data(_render(build_dataset(), tmp_path))
    assert small["physics"]["enabled"] is True and "x" not in small_nodes[0]


def test_view_html_is_deterministic(dataset: Dataset, tmp_path: Path) -> None:
    first = write_html(dataset, tmp_path / "a.html").read_bytes()
    nodes, edges, _ = _page_data(first.decode("utf-8"))
    assert [n["id"] for n in nodes] == sorted(n["id"] for n in nodes)
    ends = [(e["from"], e["to"], e["label"]) for e in edges]
    assert ends == sorted(ends)
    assert write_html(build_dataset(), tmp_path / "b.html").read_bytes() == first
    # Set iteration order changes with the hash seed: render in two fresh processes too.
    source = tmp_path / "graph.nq"
    quads = dataset.quads((None, None, None, None))
    source.write_text("".join(f"{s.n3()} {p.n3()} {o.n3()} {g.n3()} .\n" for s, p, o, g in quads))
    script = (
        "import sys; from pathlib import Path; from rdflib import Dataset; "
        "from kg.view import write_html; ds = Dataset(); ds.parse(sys.argv[1], format='nquads'); "
        "write_html(ds, Path(sys.argv[2]))"
    )
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(source), str(out)], env=env, check=True)
        assert out.read_bytes() == first


def test_view_html_filter_data_and_posts(dataset: Dataset, tmp_path: Path) -> None:
    page = _render(dataset, tmp_path)
    nodes, edges, _ = _page_data(page)
    assert {n["id"]: n["kind"] for n in nodes}[str(LAVROV)] == "Person"
    assert sorted(e["relation"] for e in edges) == ["holdsPost", "negotiatedWith", "votedAgainst"]
    (lavrov,) = [n for n in nodes if n["id"] == str(LAVROV)]
    assert "posts: ministre des Affaires étrangères (Russie)" in lavrov["title"]
    assert 'class="kg-type" value="Resolution" checked' in page
    assert 'class="kg-rel" value="votedAgainst" checked' in page
    assert "kgPrepare(nodes, edges);\n" in page and 'id="kg-focus"' in page


def test_view_html_fast_layout_past_a_thousand_nodes(tmp_path: Path) -> None:
    g = nx.MultiDiGraph()
    for i in range(1200):
        g.add_node(f"urn:x:{i}", label=f"E{i}", type="State", aliases=[])
        g.add_edge(f"urn:x:{i}", f"urn:x:{(i + 1) % 1200}", key="met", relation="met",
                   label="met", modality="asserted", evidences=[])  # fmt: skip
    start = time.perf_counter()
    nodes, edges, options = _page_data(_render(g, tmp_path))
    assert time.perf_counter() - start < 30
    assert len(nodes) == 1200 and len(edges) == 1200 and options["physics"]["enabled"] is False
    assert len({(n["x"], n["y"]) for n in nodes}) > 1100
    assert write_html(g, tmp_path / "again.html").read_text(encoding="utf-8") == _render(
        g, tmp_path
    )


def _einsum_layout(graph: nx.Graph, iterations: int) -> dict[str, np.ndarray]:
    """The sampled layout as first written, pivots summed by ``einsum``: the reference."""
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    n = len(nodes)
    ends = np.array([(index[u], index[v]) for u, v in graph.edges()], dtype=np.intp)
    ends = ends.reshape(-1, 2)
    rng = np.random.default_rng(LAYOUT_SEED)
    pos = rng.random((n, 2))
    k, pivots, temperature = 1 / np.sqrt(n), min(PIVOTS, n), 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, rng.choice(n, size=pivots, replace=False), :]
        dist2 = np.maximum(np.einsum("ijk,ijk->ij", delta, delta), 1e-6 * k * k)
        disp = np.einsum("ijk,ij->ik", delta, k * k / dist2) * (n / pivots)
        delta = pos[ends[:, 0]] - pos[ends[:, 1]]
        pull = delta * (np.linalg.norm(delta, axis=1) / k)[:, None]
        np.subtract.at(disp, ends[:, 0], pull)
        np.add.at(disp, ends[:, 1], pull)
        length = np.maximum(np.linalg.norm(disp, axis=1), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    return dict(zip(nodes, pos, strict=True))


@pytest.mark.parametrize(("nodes", "edges"), [(150, 300), (700, 2100)])
def test_view_fast_layout_same_bits_as_einsum(nodes: int, edges: int) -> None:
    """The layout is chaotic: a last-bit change in one sum moves nodes far. Same bits, then."""
    graph = nx.relabel_nodes(nx.gnm_random_graph(nodes, edges, seed=7), str)
    fast, reference = _fast_layout(graph, iterations=30), _einsum_layout(graph, 30)
    assert list(fast) == list(reference)
    assert all(np.array_equal(fast[node], reference[node]) for node in graph)
