"""Every shipped SPARQL query parses with rdflib and Oxigraph and documents itself."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib.plugins.sparql import prepareQuery

from kg.vocab import KG

QUERIES = Path(__file__).resolve().parent.parent / "queries"
PORTABLE = QUERIES / "sparql11"
QUERY_FILES = sorted(QUERIES.glob("*.rq"))
NAMES = [path.name for path in QUERY_FILES]
# The shipped queries and their SPARQL 1.1 forms, for the checks that hold for both.
ALL_FILES = QUERY_FILES + sorted(PORTABLE.glob("*.rq"))
ALL_NAMES = [str(path.relative_to(QUERIES)) for path in ALL_FILES]
KG_TERMS = {str(term)[len(str(KG._NS)) :] for term in dir(KG)}
# Parameters a query expects the caller to bind, by file.
PARAMETERS = {"entity.rq": {"name": pyoxigraph.Literal("ONU")}}


def _header(text: str) -> str:
    """The leading block of ``#`` comment lines."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


def _substitutions(path: Path) -> dict[pyoxigraph.Variable, pyoxigraph.Literal]:
    return {pyoxigraph.Variable(k): v for k, v in PARAMETERS.get(path.name, {}).items()}


def _columns(path: Path) -> list[str]:
    """Projected variables, in order, as Oxigraph reports them on an empty store."""
    text = path.read_text(encoding="utf-8")
    result = pyoxigraph.Store().query(text, substitutions=_substitutions(path))
    assert isinstance(result, pyoxigraph.QuerySolutions)
    return [variable.value for variable in result.variables]


def test_queries_library_is_complete() -> None:
    expected = {
        "votes.rq",
        "negotiations.rq",
        "visits.rq",
        "meetings.rq",
        "posts.rq",
        "evidence.rq",
        "entity.rq",
        "statements.rq",
        "entities.rq",
    }
    assert expected <= set(NAMES)


def _body(text: str) -> str:
    """The query without its comment lines."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


@pytest.mark.parametrize("path", QUERY_FILES, ids=NAMES)
def test_queries_parse_with_rdflib(path: Path) -> None:
    # A query that needs LATERAL (not SPARQL 1.1, which rdflib parses) has its SPARQL 1.1 form
    # in queries/sparql11/, under the same name.
    text = path.read_text(encoding="utf-8")
    if re.search(r"\bLATERAL\b", _body(text)):
        text = (PORTABLE / path.name).read_text(encoding="utf-8")
        assert not re.search(r"\bLATERAL\b", _body(text))
    prepareQuery(text)


@pytest.mark.parametrize("path", ALL_FILES, ids=ALL_NAMES)
def test_queries_run_on_empty_oxigraph_store(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    store = pyoxigraph.Store()
    assert list(store.query(text)) == []
    assert list(store.query(text, use_default_graph_as_union=True)) == []


@pytest.mark.parametrize("path", ALL_FILES, ids=ALL_NAMES)
def test_queries_accept_their_parameters(path: Path) -> None:
    # pyoxigraph only substitutes variables that the query projects.
    text = path.read_text(encoding="utf-8")
    assert list(pyoxigraph.Store().query(text, substitutions=_substitutions(path))) == []


@pytest.mark.parametrize("path", ALL_FILES, ids=ALL_NAMES)
def test_queries_have_a_comment_header(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = _header(text)
    assert header, f"{path.name} does not start with a # comment header"
    assert "Columns:" in header
    assert "Parameters:" in header
    for column in _columns(path):
        assert f"?{column}" in header, f"{path.name}: column ?{column} is not described"


@pytest.mark.parametrize("path", ALL_FILES, ids=ALL_NAMES)
def test_queries_use_only_declared_terms(path: Path) -> None:
    body = "\n".join(
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    )
    used = set(re.findall(r"\bkg:(\w+)", body))
    assert used <= KG_TERMS, used - KG_TERMS


def test_queries_evidence_columns() -> None:
    columns = _columns(QUERIES / "evidence.rq")
    assert columns[:5] == ["subject", "predicate", "object", "document", "sentence"]
    assert columns[5:] == ["start", "end", "rule"]
