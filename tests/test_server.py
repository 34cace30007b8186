"""Real servers on loopback: ``kg serve`` answering SPARQLWrapper, and ``oxigraph serve`` loaded
with ``kg load`` giving the same answers to every shipped query as the embedded store."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper
from typer.testing import CliRunner

from kg.build import build
from kg.cli import app
from kg.query import QUERIES, execute, shipped_queries
from tests.conftest import SEEDS, SeedBuild, descendants

PARAMS = {"entity": {"name": "Russie"}}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def executable(name: str) -> str:
    """The path of a tool installed with the test dependencies (the venv's bin first)."""
    found = shutil.which(
        name, path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    )
    if found is None:
        pytest.fail(f"{name} not found: install the test dependencies (pip install -e '.[test]')")
    return found


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    """Wait until ``url`` answers; fail with the server's output if it exits or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"server exited with {process.returncode}: {output.strip()[:500]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{url} did not answer within {seconds:g} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server we started: terminate, then kill if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def cmdline(pid: int) -> bytes:
    """The command line of ``pid``, empty when it has ended."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


def start(args: list[str], ready: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(ready, process)
    except BaseException:
        stop(process)
        raise
    return process


@pytest.fixture
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """A real ``oxigraph serve`` on a free loopback port (union default graph, like kg query);
    stopped at the end of the test, even on failure. Yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start(
        [
            executable("oxigraph"),
            "serve",
            "--location",
            str(tmp_path / "oxigraph"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        f"{base}/query?query=ASK%7B%7D",
    )
    try:
        yield base
    finally:
        stop(process)


def kg_serve(store: Path, *options: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(port)]
    return start([*args, *options], f"{base}/"), base


@pytest.fixture
def endpoint(seed_build: SeedBuild) -> Iterator[str]:
    """``kg serve`` (read-only, default limits) on the seed store; yields its /sparql URL."""
    process, base = kg_serve(seed_build.out / "store")
    try:
        yield f"{base}/sparql"
    finally:
        stop(process)


def rows(solutions: ox.QuerySolutions) -> list[tuple[tuple[str, str], ...]]:
    """Solutions as sorted rows of (variable, term in N-Triples form), for comparison as sets."""
    names = [v.value for v in solutions.variables]
    return sorted(tuple((n, str(row[n])) for n in names if row[n] is not None) for row in solutions)


def remote_select(url: str, text: str) -> ox.QuerySolutions:
    client = SPARQLWrapper(url)
    client.setQuery(text)
    client.setMethod(POST)  # a long query (comments included) is too long for a GET's headers
    client.setReturnFormat(JSON)
    body = client.query().response.read()
    results = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    assert isinstance(results, ox.QuerySolutions)
    return results


def with_values(text: str, params: dict[str, str]) -> str:
    """A query with its parameters as a VALUES block at the top of WHERE.

    Only for the remote side of this test, with fixed literals written by ``pyoxigraph`` (a SPARQL
    1.1 server has no parameter binding; ``kg query`` uses pyoxigraph substitutions)."""
    values = " ".join(f"VALUES ?{k} {{ {ox.Literal(v)} }}" for k, v in params.items())
    return text.replace("WHERE {", "WHERE {\n  " + values, 1)


def test_server_oxigraph_gives_the_same_answers(
    seed_build: SeedBuild, oxigraph_server: str
) -> None:
    store = seed_build.out / "store"
    loaded = CliRunner().invoke(
        app,
        [
            "load",
            "--store",
            str(store),
            "--endpoint",
            f"{oxigraph_server}/update",
            "--graph-store",
            f"{oxigraph_server}/store",
        ],
    )
    assert loaded.exit_code == 0, loaded.output
    assert "Graph Store Protocol" in loaded.output
    local_count = len(ox.Store.read_only(str(store)))
    assert (
        int(next(iter(remote_select(f"{oxigraph_server}/query", COUNT)))["n"].value) == local_count
    )
    for name, path in shipped_queries().items():
        params = PARAMS.get(name, {})
        local = execute(name, store=store, params=params)
        assert isinstance(local, ox.QuerySolutions)
        remote = remote_select(
            f"{oxigraph_server}/query", with_values(path.read_text(encoding="utf-8"), params)
        )
        expected = rows(local)
        assert expected, name
        assert rows(remote) == expected, name
    # The SPARQL 1.1 form of the entity query (no LATERAL), as a store without it would run it.
    portable = QUERIES / "sparql11" / "entity.rq"
    remote = remote_select(
        f"{oxigraph_server}/query",
        with_values(portable.read_text(encoding="utf-8"), PARAMS["entity"]),
    )
    local = execute("entity", store=store, params=PARAMS["entity"])
    assert isinstance(local, ox.QuerySolutions)
    assert rows(remote) == rows(local) != []


def test_server_answers_sparqlwrapper_in_every_format(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(shipped_queries()["votes"].read_text(encoding="utf-8"))
    client.setReturnFormat(JSON)
    data = client.query().convert()
    assert "state" in data["head"]["vars"] and data["results"]["bindings"]
    states = {b["stateLabel"]["value"] for b in data["results"]["bindings"]}
    assert "Russie" in states
    client.setReturnFormat(XML)
    assert client.query().convert().getElementsByTagName("result")
    client.setReturnFormat(CSV)
    assert client.query().convert().decode().startswith("state,stateLabel,position")
    client.setReturnFormat(TSV)
    assert client.query().convert().decode().startswith("?state\t?stateLabel\t?position")
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    assert client.query().convert()["results"]["bindings"]
    client.setQuery("ASK { ?s <https://w3id.org/kgfr/ns#votedAgainst> ?r }")
    assert client.query().convert()["boolean"] is True


def test_server_construct_in_turtle_and_ntriples(endpoint: str) -> None:
    construct = (
        "CONSTRUCT { ?s <https://w3id.org/kgfr/ns#votedAgainst> ?r } "
        "WHERE { ?s <https://w3id.org/kgfr/ns#votedAgainst> ?r }"
    )
    client = SPARQLWrapper(endpoint)
    client.setQuery(construct)
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) >= 5
    request = urllib.request.Request(
        f"{endpoint}?{urllib.parse.urlencode({'query': construct})}",
        headers={"Accept": "application/n-triples"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"].startswith("application/n-triples")
        lines = response.read().decode().splitlines()
    assert len(lines) == len(graph) and all(line.endswith(" .") for line in lines)
    client.setReturnFormat(JSONLD)
    assert len(client.query().convert()) == len(graph)


def test_server_refuses_updates_without_allow_update(endpoint: str, seed_build: SeedBuild) -> None:
    before = len(ox.Store.read_only(str(seed_build.out / "store")))
    for body, media in (
        (b"update=DROP%20ALL", "application/x-www-form-urlencoded"),
        (b"DROP ALL", "application/sparql-update"),
    ):
        request = urllib.request.Request(
            endpoint, data=body, method="POST", headers={"Content-Type": media}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        assert refused.value.code == 403
        assert b"--allow-update" in refused.value.read()
    client = SPARQLWrapper(endpoint)
    client.setQuery(COUNT)
    client.setReturnFormat(JSON)
    assert int(client.query().convert()["results"]["bindings"][0]["n"]["value"]) == before


def test_server_accepts_updates_with_allow_update(tmp_path: Path, seed_build: SeedBuild) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_build.out / "store", store)
    process, base = kg_serve(store, "--allow-update")
    try:
        client = SPARQLWrapper(f"{base}/sparql")
        client.setMethod(POST)
        client.setQuery("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 'c' } }")
        client.query()
        client.setQuery("ASK { <urn:a> <urn:b> 'c' }")
        client.setReturnFormat(JSON)
        assert client.query().convert()["boolean"] is True
    finally:
        stop(process)


def test_server_updates_make_the_next_build_compare_with_the_store(
    tmp_path: Path, seed_build: SeedBuild
) -> None:
    """Updates through the endpoint change the store behind the back of the digests and the
    catalogue copy that the last build left: the next build must not trust them, and brings
    back the triples the updates deleted."""
    out = tmp_path / "out"
    shutil.copytree(seed_build.out, out)
    before = {str(q) for q in ox.Store.read_only(str(out / "store"))}
    process, base = kg_serve(out / "store", "--allow-update")
    try:
        client = SPARQLWrapper(f"{base}/sparql")
        client.setMethod(POST)
        for graph in ("graph/catalogue", "doc/"):  # a triple of the catalogue, one of a document
            client.setQuery(
                "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { { SELECT * WHERE { GRAPH ?g { ?s ?p ?o } "
                f'FILTER(STRSTARTS(STR(?g), "https://w3id.org/kgfr/{graph}") && isIRI(?o)) }} '
                "ORDER BY ?s ?p ?o LIMIT 1 } }"
            )
            client.query()
    finally:
        stop(process)
    assert len(before) - len(ox.Store.read_only(str(out / "store"))) == 2
    build([SEEDS], out=out, html=False)
    assert {str(q) for q in ox.Store.read_only(str(out / "store"))} == before


def test_server_limits_and_errors(seed_build: SeedBuild) -> None:
    process, base = kg_serve(seed_build.out / "store", "--limit", "3", "--timeout", "3")

    def status(query: str, accept: str = "application/sparql-results+json") -> int:
        url = f"{base}/sparql?{urllib.parse.urlencode({'query': query})}"
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept})):
                return 200
        except urllib.error.HTTPError as err:
            return err.code

    try:
        assert status("SELECT * WHERE { ?s ?p ?o } LIMIT 3") == 200
        assert status("SELECT * WHERE { ?s ?p ?o } LIMIT 4") == 413
        assert status("SELECT * WHERE { ?s ?p ?o") == 400
        assert status("SELECT * WHERE { ?s ?p ?o } LIMIT 1", accept="image/png") == 406
        # A count over a cross product of 10^12 rows: the answer is a 503 and the process that
        # evaluated it is gone (the forkserver has no child left).
        blocking = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        assert status(blocking) == 503
        forkservers = [p for p in descendants(process.pid) if b"forkserver" in cmdline(p)]
        assert len(forkservers) == 1 and descendants(forkservers[0]) == []
        assert status("ASK { ?s ?p ?o }") == 200
    finally:
        stop(process)


def test_server_page_has_examples_and_network_view(endpoint: str, seed_build: SeedBuild) -> None:
    base = endpoint.removesuffix("sparql")
    with urllib.request.urlopen(base) as response:
        page = response.read().decode()
    for name in shipped_queries():
        assert f"<option>{name}</option>" in page
    assert "kg:votedAgainst" in page  # the queries' text, for the query box
    # The seed build wrote graph.html next to its store: the page links it and serves it.
    assert 'href="graph.html"' in page
    with urllib.request.urlopen(f"{base}graph.html") as response:
        assert response.read() == (seed_build.out / "graph.html").read_bytes()


def test_server_binds_to_loopback_by_default() -> None:
    import inspect

    from kg.cli import serve

    defaults = {n: p.default for n, p in inspect.signature(serve).parameters.items()}
    assert defaults["host"] == "127.0.0.1" and defaults["allow_update"] is False


def test_server_default_graph_uri_selects_one_graph(endpoint: str, seed_build: SeedBuild) -> None:
    catalogue = "https://w3id.org/kgfr/graph/catalogue"
    store = ox.Store.read_only(str(seed_build.out / "store"))
    expected = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(catalogue))))
    client = SPARQLWrapper(endpoint, defaultGraph=catalogue)
    client.setQuery(COUNT)
    client.setReturnFormat(JSON)
    counted = int(client.query().convert()["results"]["bindings"][0]["n"]["value"])
    assert counted == expected and 0 < expected < len(store)


@pytest.mark.parametrize(
    "accept,expected",
    [
        ("*/*", ox.QueryResultsFormat.JSON),
        ("text/csv;q=0.5, application/sparql-results+xml", ox.QueryResultsFormat.XML),
        (
            "application/sparql-results+json;q=0.1, text/tab-separated-values",
            ox.QueryResultsFormat.TSV,
        ),
        ("image/png;q=1, text/csv;q=0.2", ox.QueryResultsFormat.CSV),
    ],
)
def test_server_negotiates_results(accept: str, expected: ox.QueryResultsFormat) -> None:
    from kg.serve.negotiate import negotiate_results

    assert negotiate_results(accept, None) == expected
