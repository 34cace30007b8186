"""``kg load`` into real servers on loopback: Graph Store Protocol, the SPARQL Update fallback,
idempotent re-loading and basic authentication."""

from __future__ import annotations

import base64
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.load import PASSWORD_VARIABLE
from tests.conftest import SeedBuild
from tests.test_server import free_port, kg_serve, oxigraph_server, stop

__all__ = ["oxigraph_server"]  # the fixture, shared with tests/test_server.py
runner = CliRunner()


def remote_quads(base: str) -> set[ox.Quad]:
    """Every quad an Oxigraph server holds, read back through its Graph Store Protocol."""
    request = urllib.request.Request(f"{base}/store", headers={"Accept": "application/n-quads"})
    with urllib.request.urlopen(request) as response:
        return set(ox.parse(response.read(), ox.RdfFormat.N_QUADS))


def kg_load(*args: str) -> str:
    result = runner.invoke(app, ["load", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_load_twice_is_idempotent(seed_build: SeedBuild, oxigraph_server: str) -> None:
    store = seed_build.out / "store"
    local = set(ox.Store.read_only(str(store)))
    args = ["--store", str(store), "--endpoint", f"{oxigraph_server}/update"]
    gsp = [*args, "--graph-store", f"{oxigraph_server}/store"]
    assert "Graph Store Protocol" in kg_load(*gsp)
    assert remote_quads(oxigraph_server) == local
    kg_load(*gsp)
    assert remote_quads(oxigraph_server) == local
    assert "SPARQL Update" in kg_load(*args)  # no GSP URL: updates, same result
    assert remote_quads(oxigraph_server) == local


def test_load_falls_back_to_sparql_update(seed_build: SeedBuild, tmp_path: Path) -> None:
    """``kg serve`` has no Graph Store Protocol: the PUT gets a 404 and kg load uses updates."""
    target = tmp_path / "target"
    ox.Store(str(target)).flush()
    process, base = kg_serve(target, "--allow-update")
    try:
        output = kg_load(
            "--store",
            str(seed_build.out / "store"),
            "--endpoint",
            f"{base}/sparql",
            "--graph-store",
            f"{base}/store",
        )
    finally:
        stop(process)
    assert "SPARQL Update" in output
    assert set(ox.Store.read_only(str(target))) == set(
        ox.Store.read_only(str(seed_build.out / "store"))
    )


@pytest.fixture
def guarded() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that accepts a PUT only with basic auth kg:s3cret (401 otherwise);
    yields its URL and the Authorization headers it saw."""
    seen: list[str] = []
    expected = "Basic " + base64.b64encode(b"kg:s3cret").decode()

    class Guard(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:  # noqa: N802 - the http.server hook
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(self.headers.get("Authorization", ""))
            self.send_response(204 if seen[-1] == expected else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Guard)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_load_basic_auth_from_the_environment(
    seed_build: SeedBuild, guarded: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = guarded
    args = ["load", "--store", str(seed_build.out / "store"), "--endpoint", url]
    args += ["--graph-store", f"{url}/data", "--user", "kg"]
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    missing = runner.invoke(app, args)
    assert missing.exit_code == 2 and PASSWORD_VARIABLE in missing.output and not seen
    monkeypatch.setenv(PASSWORD_VARIABLE, "wrong")
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "HTTP 401" in refused.output
    assert "wrong" not in refused.output and "Traceback" not in refused.output
    monkeypatch.setenv(PASSWORD_VARIABLE, "s3cret")
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert "s3cret" not in ok.output


def test_load_unreachable_endpoint_is_one_line(seed_build: SeedBuild) -> None:
    url = f"http://127.0.0.1:{free_port()}/update"
    result = runner.invoke(
        app, ["load", "--store", str(seed_build.out / "store"), "--endpoint", url]
    )
    assert result.exit_code == 2 and "cannot connect" in result.output
    assert "Traceback" not in result.output
