"""``kg query``: bound parameters, output formats, and a start-up without spaCy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.query import execute, serialize, to_table
from tests.conftest import SeedBuild

EVIL = 'x" } ; DROP ALL ; #'
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
KG = "https://w3id.org/kgfr/ns#"
RUS = "https://w3id.org/kgfr/id/state/RUS"


def test_query_injection_is_a_literal(seed_build: SeedBuild, tmp_path: Path) -> None:
    store = seed_build.out / "store"
    before = set(ox.Store.read_only(str(store)))
    on_store = to_table(execute("entity", store=store, params={"name": EVIL}))
    assert on_store.rows == ()
    assert set(ox.Store.read_only(str(store))) == before  # nothing dropped
    # The same parameter on data where an entity has exactly that label finds that entity.
    evil = tmp_path / "evil.trig"
    label = ox.Literal(EVIL, language="fr")
    evil.write_text(
        (seed_build.out / "graph.trig").read_text(encoding="utf-8")
        + f"\n<urn:evil> {{ <urn:x> <{RDFS_LABEL}> {label} ; <{KG}met> <{RUS}> . "
        f"<urn:fact> a <{KG}Fact> ; <{RDF}subject> <urn:x> ; <{RDF}predicate> <{KG}met> ; "
        f"<{RDF}object> <{RUS}> ; <{KG}statement> <urn:statement> . }}\n",
        encoding="utf-8",
    )
    table = to_table(execute("entity", data=evil, params={"name": EVIL}))
    entity, name = table.variables.index("entity"), table.variables.index("name")
    assert table.rows and {(row[entity], row[name]) for row in table.rows} == {("urn:x", EVIL)}


def test_query_iri_parameter(seed_build: SeedBuild) -> None:
    query = f"SELECT ?s ?label WHERE {{ ?s <{RDFS_LABEL}> ?label }}"
    rus = "<https://w3id.org/kgfr/id/state/RUS>"
    table = to_table(execute(query, store=seed_build.out / "store", params={"s": rus}))
    assert [row[1] for row in table.rows] == ["Russie"]
    unprojected = f"SELECT ?label WHERE {{ ?s <{RDFS_LABEL}> ?label }}"
    with pytest.raises(QueryError, match="selects"):
        execute(unprojected, store=seed_build.out / "store", params={"s": rus})


def test_query_json_is_sparql_results(seed_build: SeedBuild) -> None:
    data = json.loads(serialize(execute("votes", store=seed_build.out / "store"), "json"))
    assert "state" in data["head"]["vars"]
    binding = data["results"]["bindings"][0]
    assert binding["state"]["type"] == "uri" and binding["sentence"]["type"] == "literal"


def test_query_construct_formats(seed_build: SeedBuild) -> None:
    construct = (
        "CONSTRUCT { ?s <urn:p> ?o } WHERE { ?s <https://w3id.org/kgfr/ns#votedAgainst> ?o }"
    )
    store = seed_build.out / "store"
    nt = serialize(execute(construct, store=store), "nt").splitlines()
    assert len(nt) >= 5 and all(line.endswith(" .") for line in nt)
    assert "<urn:p>" in serialize(execute(construct, store=store), "turtle")
    with pytest.raises(QueryError, match="CONSTRUCT"):
        serialize(execute(construct, store=store), "json")


def test_query_cli_unknown_format_is_one_line(seed_build: SeedBuild) -> None:
    result = CliRunner().invoke(
        app, ["query", "votes", "--store", str(seed_build.out / "store"), "-f", "yaml"]
    )
    assert result.exit_code == 2 and "unknown result format" in result.output
    assert "Traceback" not in result.output


def test_query_does_not_import_spacy(seed_build: SeedBuild) -> None:
    """The query fast path: `kg query` starts without loading spaCy (measured in the report)."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kg", "query", "votes", "--store"]
        + [str(seed_build.out / "store"), "-f", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Russie" in run.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()]
    assert "pyoxigraph" in imported
    assert not [m for m in imported if m.split(".")[0] in ("spacy", "thinc", "rdflib")]


def test_query_cli_default_model_matches_annotate() -> None:
    from kg.annotate import DEFAULT_MODEL
    from kg.cli import DEFAULT_MODEL as CLI_DEFAULT

    assert CLI_DEFAULT == DEFAULT_MODEL
