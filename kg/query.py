"""``kg query``: named queries from ``queries/``, files or inline SPARQL, with bound parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.store import open_store

QUERIES = Path(__file__).resolve().parent.parent / "queries"
_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
}
_COMPACT = (
    ("kgdoc", "https://w3id.org/kgfr/doc/"),
    ("kg", "https://w3id.org/kgfr/ns#"),
    ("kgid", "https://w3id.org/kgfr/id/"),
)
RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}


Results = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


@dataclass(frozen=True, slots=True)
class Table:
    """SELECT results as plain strings (``None`` for unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]


def shipped_queries() -> dict[str, Path]:
    """The named queries of ``queries/``, by name."""
    return {p.stem: p for p in sorted(QUERIES.glob("*.rq"))}


def query_text(query: str) -> str:
    """The SPARQL text of a named query, a ``.rq`` file, or inline SPARQL."""
    named = shipped_queries()
    if query in named:
        return named[query].read_text(encoding="utf-8")
    if query.endswith(".rq"):
        path = Path(query)
        if not path.is_file():
            raise QueryError(f"{query}: no such query file")
        return path.read_text(encoding="utf-8")
    if not any(word in query.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        raise QueryError(f"{query!r}: not a query name ({', '.join(named)}) nor SPARQL")
    return query


def load_data(path: Path) -> ox.Store:
    """An in-memory store holding one RDF file (Turtle, TriG, N-Quads, N-Triples)."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise StoreError(f"{path}: unknown RDF format (use .ttl, .trig, .nq or .nt)")
    store = ox.Store()
    try:
        store.load(path=str(path), format=fmt)
    except (OSError, SyntaxError, ValueError) as err:
        raise StoreError(f"{path}: cannot load ({err})") from err
    return store


def _substitutions(params: Mapping[str, str]) -> dict[ox.Variable, ox.Literal | ox.NamedNode]:
    """Parameters as RDF terms: ``<…>`` is an IRI, anything else a plain literal (never SPARQL)."""
    out: dict[ox.Variable, ox.Literal | ox.NamedNode] = {}
    for name, value in params.items():
        term = (
            ox.NamedNode(value[1:-1])
            if value.startswith("<") and value.endswith(">")
            else ox.Literal(value)
        )
        out[ox.Variable(name.lstrip("?$"))] = term
    return out


def execute(
    query: str,
    *,
    store: Path | None = None,
    data: Path | None = None,
    params: Mapping[str, str] | None = None,
) -> Results:
    """Run a query against the store (default) or a data file; parameters are bound, not pasted."""
    text = query_text(query)
    target = load_data(data) if data else open_store(store or Path("out/store"))
    name = query if query in shipped_queries() or query.endswith(".rq") else "inline query"
    try:
        return target.query(
            text, use_default_graph_as_union=True, substitutions=_substitutions(params or {})
        )
    except SyntaxError as err:
        raise QueryError(f"{name}: invalid SPARQL ({err})") from err
    except (OSError, ValueError) as err:
        raise QueryError(f"{name}: {err}") from err
    except RuntimeError as err:  # pyoxigraph: a parameter the SELECT does not project
        raise QueryError(
            f"{name}: {err} (a --param binds only a variable the query selects)"
        ) from err


def _plain(term: object) -> str | None:
    if term is None:
        return None
    return str(term.value) if hasattr(term, "value") else str(term)


def to_table(results: Results) -> Table:
    """Results as a table of strings (ASK gives one cell, CONSTRUCT subject/predicate/object)."""
    if isinstance(results, ox.QueryBoolean):
        return Table(("result",), ((str(bool(results)).lower(),),))
    if isinstance(results, ox.QueryTriples):
        return Table(
            ("subject", "predicate", "object"),
            tuple((_plain(t.subject), _plain(t.predicate), _plain(t.object)) for t in results),
        )
    names = tuple(v.value for v in results.variables)
    return Table(names, tuple(tuple(_plain(row[n]) for n in names) for row in results))


def compact(value: str | None) -> str:
    """An IRI of the project written with its prefix (``state:RUS``), for tables.

    >>> compact("https://w3id.org/kgfr/id/state/RUS")
    'state:RUS'
    """
    if value is None:
        return ""
    for prefix, namespace in _COMPACT:
        if value.startswith(namespace):
            rest = value[len(namespace) :]
            return (
                rest.replace("/", ":", 1)
                if prefix == "kgid" and "/" in rest
                else f"{prefix}:{rest}"
            )
    return value


def serialize(results: Results, fmt: str) -> str:
    """SELECT/ASK results in a SPARQL 1.1 results format (csv, tsv, json, xml); CONSTRUCT and
    DESCRIBE results as RDF (turtle, nt)."""
    if isinstance(results, ox.QueryTriples):
        if fmt not in GRAPH_FORMATS:
            raise QueryError(
                f"a CONSTRUCT or DESCRIBE query gives triples: use --format "
                f"{', '.join(('table', *GRAPH_FORMATS))}"
            )
        return ox.serialize(results, format=GRAPH_FORMATS[fmt]).decode("utf-8")
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"unknown result format {fmt!r} (use {', '.join(RESULT_FORMATS)})")
    data = results.serialize(format=RESULT_FORMATS[fmt])
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)
