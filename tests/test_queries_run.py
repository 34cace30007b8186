"""Every shipped query runs on the seed store and returns rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.query import QUERIES, execute, serialize, shipped_queries, to_table
from tests.conftest import SeedBuild

PARAMS = {"entity": {"name": "Russie"}}


@pytest.mark.parametrize("name", sorted(shipped_queries()))
def test_query_returns_rows_on_seeds(seed_build: SeedBuild, name: str) -> None:
    table = to_table(execute(name, store=seed_build.out / "store", params=PARAMS.get(name)))
    assert table.rows, name


def test_query_evidence_sentence_for_every_direct_edge(seed_build: SeedBuild) -> None:
    table = to_table(execute("evidence", store=seed_build.out / "store"))
    index = table.variables.index("sentence")
    assert table.rows and all(row[index] for row in table.rows)


def test_query_data_file_gives_same_rows_as_store(seed_build: SeedBuild) -> None:
    from_store = to_table(execute("votes", store=seed_build.out / "store"))
    from_file = to_table(execute("votes", data=seed_build.out / "graph.trig"))
    assert sorted(from_store.rows, key=str) == sorted(from_file.rows, key=str)


@pytest.mark.parametrize("fmt,marker", [("csv", "state,"), ("tsv", "?state\t"), ("json", '"head"')])
def test_query_formats(seed_build: SeedBuild, fmt: str, marker: str) -> None:
    text = serialize(execute("votes", store=seed_build.out / "store"), fmt)  # type: ignore[arg-type]
    assert marker in text


def test_query_parameter_is_bound_not_pasted(seed_build: SeedBuild) -> None:
    evil = 'x" } ; DROP ALL ; #'
    table = to_table(execute("entity", store=seed_build.out / "store", params={"name": evil}))
    assert table.rows == ()
    assert to_table(execute("votes", store=seed_build.out / "store")).rows


@pytest.mark.parametrize(
    "name,column", [("votes", "state"), ("votes", "resolution"), ("evidence", "document")]
)
def test_query_projected_column_narrows_rows(seed_build: SeedBuild, name: str, column: str) -> None:
    # Binding a column with --param keeps exactly the rows that have that value.
    store = seed_build.out / "store"
    every = to_table(execute(name, store=store))
    index = every.variables.index(column)
    value = every.rows[0][index]
    assert value is not None
    narrowed = to_table(execute(name, store=store, params={column: f"<{value}>"}))
    assert narrowed.rows == tuple(row for row in every.rows if row[index] == value)
    assert narrowed.rows


def _labels(store: Path) -> list[str]:
    """Every rdfs:label and skos:altLabel of the store, as text."""
    text = (
        "SELECT DISTINCT ?name WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label>"
        "|<http://www.w3.org/2004/02/skos/core#altLabel> ?label BIND(STR(?label) AS ?name) }"
    )
    return sorted(row[0] for row in to_table(execute(text, store=store)).rows if row[0])


def test_entity_gives_the_rows_of_its_sparql11_form(seed_build: SeedBuild) -> None:
    # queries/entity.rq walks from the name to the edges with LATERAL; the SPARQL 1.1 form for
    # other stores joins the same patterns. Same rows for every name of the seeds.
    store = seed_build.out / "store"
    portable = QUERIES / "sparql11" / "entity.rq"
    assert "LATERAL" in shipped_queries()["entity"].read_text(encoding="utf-8")
    lines = portable.read_text(encoding="utf-8").splitlines()
    assert not any("LATERAL" in line for line in lines if not line.lstrip().startswith("#"))
    names = _labels(store)
    assert len(names) > 50
    found = 0
    for name in names:
        fast = to_table(execute("entity", store=store, params={"name": name}))
        plain = to_table(execute(str(portable), store=store, params={"name": name}))
        assert fast.variables == plain.variables
        assert sorted(fast.rows, key=str) == sorted(plain.rows, key=str), name
        found += bool(fast.rows)
    assert found > 20


def test_entity_rows_come_grouped_by_direction_and_relation(seed_build: SeedBuild) -> None:
    table = to_table(execute("entity", store=seed_build.out / "store", params={"name": "Russie"}))
    direction, relation = table.variables.index("direction"), table.variables.index("relation")
    keys = [(row[direction], row[relation]) for row in table.rows]
    assert len(set(keys)) > 2 and keys == sorted(keys)


def test_entity_without_a_name_gives_no_row(seed_build: SeedBuild) -> None:
    store = seed_build.out / "store"
    assert to_table(execute("entity", store=store)).rows == ()
    assert to_table(execute(str(QUERIES / "sparql11" / "entity.rq"), store=store)).rows == ()
