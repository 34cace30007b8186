"""The embedded store: incremental updates, one transaction per document, removal."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app
from kg.errors import StoreError
from kg.store import (
    CATALOGUE,
    DocumentWriter,
    _replace_graphs,
    graphs_of,
    merge_catalogue,
    open_store,
    remove_documents,
    update_store,
)
from tests.conftest import SEEDS

KG = "https://w3id.org/kgfr/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DOC = "https://w3id.org/kgfr/doc/"
ID = "https://w3id.org/kgfr/id/"


def snapshot(path: Path) -> dict[str, set[ox.Triple]]:
    """Every graph of a store, by name."""
    graphs: dict[str, set[ox.Triple]] = {}
    for quad in open_store(path):
        assert isinstance(quad.graph_name, ox.NamedNode)  # kg writes named graphs only
        graphs.setdefault(quad.graph_name.value, set()).add(quad.triple)
    return graphs


def document(doc: str, source: str, entity: str, extra: str = "") -> str:
    """N-Quads of a small document graph mentioning one entity, with one statement."""
    g = f"<{DOC}{doc}>"
    return textwrap.dedent(
        f"""\
        {g} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}Document> {g} .
        {g} <{KG}sourcePath> "{source}" {g} .
        {g} <{KG}mentions> <{ID}{entity}> {g} .
        <{ID}statement/{doc}> <{RDF}subject> <{ID}{entity}> {g} .
        <{ID}statement/{doc}> <{KG}sentence> "{extra}" {g} .
        """
    )


def catalogue(*entities: str, fact_statements: tuple[str, ...] = ()) -> str:
    c = f"<{CATALOGUE.value}>"
    lines = [
        f'<{ID}{e}> <http://www.w3.org/2000/01/rdf-schema#label> "{e}"@fr {c} .' for e in entities
    ]
    if fact_statements:
        fact = f"<{ID}fact/f>"
        lines.append(f"{fact} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}Fact> {c} .")
        lines += [f"{fact} <{KG}statement> <{ID}statement/{s}> {c} ." for s in fact_statements]
        lines.append(
            f'{fact} <{KG}supportCount> "{len(fact_statements)}"'
            f"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> {c} ."
        )
    return "\n".join(lines) + "\n"


def test_store_unchanged_documents_are_not_written(tmp_path: Path) -> None:
    quads = document("a", "a.txt", "person/x") + document("b", "b.txt", "person/y")
    quads += catalogue("person/x", "person/y")
    first = update_store(tmp_path / "store", quads)
    assert first.fresh and len(first.written) == 2
    again = update_store(tmp_path / "store", quads)
    assert again.written == () and again.unchanged == 2 and not again.catalogue_written
    assert again.quads == first.quads == 12


def test_store_changed_file_replaces_only_its_graph(tmp_path: Path) -> None:
    store = tmp_path / "store"
    update_store(
        store,
        document("a", "a.txt", "person/x")
        + document("b", "b.txt", "person/y")
        + catalogue("person/x", "person/y"),
    )
    before = snapshot(store)
    # a.txt's text changed: a new content hash (a2), the same source path.
    changed = document("a2", "a.txt", "person/z") + document("b", "b.txt", "person/y")
    update = update_store(store, changed + catalogue("person/y", "person/z"))
    after = snapshot(store)
    assert update.written == (f"{DOC}a2",) and update.removed == (f"{DOC}a",)
    assert update.unchanged == 1 and update.kept == 0
    assert f"{DOC}a" not in after and after[f"{DOC}b"] == before[f"{DOC}b"]
    labels = {t.subject.value for t in after[CATALOGUE.value]}
    assert labels == {f"{ID}person/y", f"{ID}person/z"}


def test_store_same_file_named_relatively_or_absolutely(tmp_path: Path) -> None:
    store = tmp_path / "store"
    update_store(store, document("a", "in/a.txt", "person/x") + catalogue("person/x"))
    absolute = str(Path("in/a.txt").resolve())
    update = update_store(store, document("a2", absolute, "person/x") + catalogue("person/x"))
    assert update.removed == (f"{DOC}a",) and update.kept == 0
    assert set(snapshot(store)) == {f"{DOC}a2", CATALOGUE.value}


def test_store_keeps_documents_of_earlier_builds(tmp_path: Path) -> None:
    store = tmp_path / "store"
    update_store(
        store,
        document("a", "a.txt", "person/x")
        + document("b", "b.txt", "person/y")
        + catalogue("person/x", "person/y", fact_statements=("a", "b")),
    )
    # A build of c.txt alone: a and b stay, with their entities and the fact's links.
    update = update_store(
        store, document("c", "c.txt", "person/y") + catalogue("person/y", fact_statements=("c",))
    )
    assert update.kept == 2 and update.written == (f"{DOC}c",)
    graphs = snapshot(store)
    assert {f"{DOC}a", f"{DOC}b", f"{DOC}c"} <= set(graphs)
    cat = graphs[CATALOGUE.value]
    assert {t.subject.value for t in cat if "label" in t.predicate.value} == {
        f"{ID}person/x",
        f"{ID}person/y",
    }
    links = {t.object.value for t in cat if t.predicate.value == f"{KG}statement"}
    assert links == {f"{ID}statement/a", f"{ID}statement/b", f"{ID}statement/c"}
    support = [t.object.value for t in cat if t.predicate.value == f"{KG}supportCount"]
    assert support == ["3"]


def _write(path: Path, nquads: str, *, fresh: bool = False) -> None:
    """One build's update through the streaming writer: each document graph, then the whole
    catalogue (nothing kept), as ``kg build`` writes them."""
    graphs = graphs_of(nquads)
    catalogue_quads = [
        ox.Quad(t.subject, t.predicate, t.object, CATALOGUE) for t in graphs.pop(CATALOGUE)
    ]
    sources = {g.value: next(t.object.value for t in ts if "sourcePath" in t.predicate.value)
               for g, ts in graphs.items()}  # fmt: skip
    writer = DocumentWriter(path, sources, fresh=fresh)
    for graph, triples in sorted(graphs.items(), key=lambda item: item[0].value):
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        writer.document(graph, quads, sources[graph.value])
    writer.whole_catalogue(ox.serialize(catalogue_quads, format=ox.RdfFormat.N_QUADS))
    writer.finish()


def test_store_catalogue_follows_the_copy_beside_it_only_while_its_digest_holds(
    tmp_path: Path,
) -> None:
    """A build changes the catalogue by the lines that differ from the last build's copy,
    kept beside the store; a copy its recorded digest does not vouch for is not used."""
    store = tmp_path / "store"
    docs = document("a", "a.txt", "person/x") + document("b", "b.txt", "person/y")
    _write(store, docs + catalogue("person/x", "person/y", fact_statements=("a",)), fresh=True)
    copy = tmp_path / ".store-catalogue.nq"
    assert copy.is_file()
    _write(store, docs + catalogue("person/x", "person/z", fact_statements=("a", "b")))
    expected = graphs_of(docs + catalogue("person/x", "person/z", fact_statements=("a", "b")))
    assert snapshot(store)[CATALOGUE.value] == expected[CATALOGUE]
    # A copy changed behind the build's back: its lines would delete nothing that is there and
    # re-add nothing that is missing, so the store's catalogue would go wrong if it were used.
    copy.write_bytes(
        ox.serialize(
            [ox.Quad(ox.NamedNode(f"{ID}person/w"), ox.NamedNode(f"{KG}p"), ox.Literal("w"),
                     CATALOGUE)],
            format=ox.RdfFormat.N_QUADS,
        )
    )  # fmt: skip
    _write(store, docs + catalogue("person/y", fact_statements=("b",)))
    expected = graphs_of(docs + catalogue("person/y", fact_statements=("b",)))
    assert snapshot(store)[CATALOGUE.value] == expected[CATALOGUE]
    # Another writer of the store (here `kg remove`) makes the copy untrusted too.
    _write(store, docs + catalogue("person/x", "person/y", fact_statements=("a",)))
    remove_documents(store, [f"{DOC}b"])
    _write(store, docs + catalogue("person/y", fact_statements=("b",)))
    assert snapshot(store) == {
        g.value: ts
        for g, ts in graphs_of(docs + catalogue("person/y", fact_statements=("b",))).items()
    }


def test_store_catalogue_with_blank_nodes_is_compared_with_the_store(tmp_path: Path) -> None:
    """Blank node labels are the parser's: lines naming them cannot be deleted as text."""
    store = tmp_path / "store"
    docs = document("a", "a.txt", "person/x")
    c = f"<{CATALOGUE.value}>"
    for label in ("a", "b"):
        _write(store, docs + catalogue("person/x") + f'_:{label} <{KG}p> "v" {c} .\n')
    assert len(snapshot(store)[CATALOGUE.value]) == 2


def test_store_merge_catalogue_with_nothing_kept_is_the_new_one() -> None:
    new = {ox.Triple(ox.NamedNode(f"{ID}person/x"), ox.NamedNode(f"{KG}p"), ox.Literal("x"))}
    old = {ox.Triple(ox.NamedNode(f"{ID}person/y"), ox.NamedNode(f"{KG}p"), ox.Literal("y"))}
    assert merge_catalogue(new, old, {}, {}) == new


def test_store_remove_by_hash_path_or_iri(tmp_path: Path) -> None:
    store = tmp_path / "store"
    update_store(
        store,
        document("aaaaaaaa", "in/a.txt", "person/x")
        + document("bbbbbbbb", "in/b.txt", "person/y")
        + document("cccccccc", "in/c.txt", "person/y")
        + catalogue("person/x", "person/y", fact_statements=("bbbbbbbb", "cccccccc")),
    )
    removed = remove_documents(store, ["in/a.txt", "bbbbbbbb"])
    assert set(removed.removed) == {f"{DOC}aaaaaaaa", f"{DOC}bbbbbbbb"} and removed.kept == 1
    graphs = snapshot(store)
    assert set(graphs) == {f"{DOC}cccccccc", CATALOGUE.value}
    cat = graphs[CATALOGUE.value]
    assert f"{ID}person/x" not in {t.subject.value for t in cat}  # no document uses it now
    assert [t.object.value for t in cat if t.predicate.value == f"{KG}supportCount"] == ["1"]
    assert remove_documents(store, [f"{DOC}cccccccc"]).removed == (f"{DOC}cccccccc",)
    with pytest.raises(StoreError, match="no such document"):
        remove_documents(store, ["nothing-like-this"])


def test_store_cli_remove_is_one_line_on_error(tmp_path: Path) -> None:
    update_store(tmp_path / "store", document("a", "a.txt", "person/x") + catalogue("person/x"))
    result = CliRunner().invoke(app, ["remove", "zzz", "--store", str(tmp_path / "store")])
    assert result.exit_code == 2 and "no such document" in result.output
    assert "Traceback" not in result.output


def test_store_interrupted_swap_is_recovered(tmp_path: Path) -> None:
    store = tmp_path / "store"
    update_store(store, document("a", "a.txt", "person/x"))
    store.rename(tmp_path / "store.old")  # a crash between the two renames of a fresh build
    assert len(open_store(store)) == 5  # readers read the previous store, and move nothing
    assert not store.exists()
    update = update_store(store, document("a", "a.txt", "person/x"))
    assert update.unchanged == 1 and not update.fresh and store.is_dir()


_WRITER = """
import sys
import pyoxigraph as ox
from kg.store import _replace_graphs
store = ox.Store(sys.argv[1])
graph = ox.NamedNode("https://w3id.org/kgfr/doc/x")
sizes = (300, 2000)
print("ready", flush=True)
for turn in range(10**9):
    n = sizes[turn % 2]
    triples = {ox.Triple(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(str(n)))
               for i in range(n)}
    _replace_graphs(store, [graph], graph, triples)
"""


def test_store_a_killed_writer_leaves_whole_graphs(tmp_path: Path) -> None:
    """SIGKILL a process rewriting one document graph in a loop: after each kill the store opens
    and the graph holds one version entirely (300 or 2000 triples, all of the same version)."""
    store = tmp_path / "store"
    ox.Store(str(store)).flush()
    for delay in (0.3, 0.7, 1.1, 1.6):
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(store)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert writer.stdout and writer.stdout.readline().strip() == "ready"
            time.sleep(delay)
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=10)
        reopened = ox.Store(str(store))
        triples = list(reopened.quads_for_pattern(None, None, None, None))
        versions = {str(q.object.value) for q in triples if isinstance(q.object, ox.Literal)}
        assert len(versions) <= 1 and len(triples) in (0, 300, 2000)
        if versions:
            assert len(triples) == int(versions.pop())
        del reopened


@pytest.mark.slow
def test_store_rebuilding_seeds_twice_keeps_the_quad_count(tmp_path: Path) -> None:
    first = build([SEEDS], out=tmp_path, html=False)
    trig = (tmp_path / "graph.trig").read_bytes()
    second = build([SEEDS], out=tmp_path, html=False)
    assert second.store_update is not None
    assert second.store_update.written == () and second.store_update.unchanged == first.documents
    assert second.quads == first.quads == len(open_store(tmp_path / "store"))
    assert (tmp_path / "graph.trig").read_bytes() == trig


@pytest.mark.slow
def test_store_editing_one_seed_replaces_only_its_graph(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    build([seeds], out=tmp_path / "out", html=False)
    before = snapshot(tmp_path / "out" / "store")
    edited = sorted(seeds.glob("*.txt"))[2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nFin de l'article.\n", "utf-8")
    update = build([seeds], out=tmp_path / "out", html=False).store_update
    after = snapshot(tmp_path / "out" / "store")
    assert update is not None and len(update.written) == 1 and len(update.removed) == 1
    (old,), (new,) = update.removed, update.written
    assert old in before and old not in after and new in after and new not in before
    for graph in set(before) - {old, CATALOGUE.value}:
        assert after[graph] == before[graph], graph
    # The incremental store and files are those a fresh build of the edited seeds gives (the
    # catalogue was changed by its lines that differ from the first build's copy).
    assert (tmp_path / "out" / ".store-catalogue.nq").is_file()
    build([seeds], out=tmp_path / "fresh", html=False)
    assert snapshot(tmp_path / "fresh" / "store") == after
    for name in ("graph.trig", "graph.ttl", ".store-catalogue.nq"):
        assert (tmp_path / "fresh" / name).read_bytes() == (tmp_path / "out" / name).read_bytes()


@pytest.mark.slow
def test_store_build_keeps_other_documents_and_fresh_drops_them(tmp_path: Path) -> None:
    files = sorted(SEEDS.glob("*.txt"))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for file in files[:3]:
        shutil.copy(file, tmp_path / "a")
    for file in files[3:]:
        shutil.copy(file, tmp_path / "b")
    build([tmp_path / "a"], out=tmp_path / "out", html=False)
    update = build([tmp_path / "b"], out=tmp_path / "out", html=False).store_update
    assert update is not None and update.kept == 3
    graphs = snapshot(tmp_path / "out" / "store")
    assert len([g for g in graphs if g.startswith(DOC)]) == len(files)
    # Every entity a document uses is described in the catalogue, and the files show the store.
    described = {t.subject.value for t in graphs[CATALOGUE.value]}
    mentioned = {
        t.object.value
        for g, ts in graphs.items()
        for t in ts
        if t.predicate.value == f"{KG}mentions"
    }
    assert mentioned <= described
    trig = ox.Store()
    trig.load(path=str(tmp_path / "out" / "graph.trig"))
    assert len(trig) == len(open_store(tmp_path / "out" / "store"))
    result = CliRunner().invoke(
        app, ["build", str(tmp_path / "b"), "-o", str(tmp_path / "out"), "--no-html", "--fresh"]
    )
    assert result.exit_code == 0, result.output
    assert "built afresh" in result.output
    graphs = snapshot(tmp_path / "out" / "store")
    assert len([g for g in graphs if g.startswith(DOC)]) == len(files) - 3


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["", "fr", "en-GB"]))
def test_store_any_literal_survives_a_graph_rewrite(text: str, language: str) -> None:
    """The update that rewrites a graph writes terms in N-Triples form: any text round-trips,
    and text that looks like SPARQL stays text."""
    store = ox.Store()
    graph = ox.NamedNode(f"{DOC}x")
    literal = ox.Literal(text, language=language) if language else ox.Literal(text)
    triples = {ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), literal)}
    store.add(ox.Quad(ox.NamedNode("urn:other"), ox.NamedNode("urn:p"), ox.Literal("o"), CATALOGUE))
    _replace_graphs(store, [graph], graph, triples)
    assert {q.triple for q in store.quads_for_pattern(None, None, None, graph)} == triples
    assert len(store) == 2
