"""``kg load``: copy the graph's named graphs into any SPARQL 1.1 store over HTTP.

Each named graph (one per document, plus the catalogue) is sent on its own and replaces the graph
of the same name on the server, so loading again gives the same server content (idempotent):

1. with a Graph Store HTTP Protocol URL, ``PUT <gsp>?graph=<iri>`` with the graph as N-Triples;
2. without one, or when the server answers that it has no such protocol (404, 405, 415, 501),
   one SPARQL update per graph, ``DROP SILENT GRAPH <iri> ; INSERT DATA { GRAPH <iri> { … } }``.

Basic authentication takes its user from the command line and its password from the environment
(``KG_ENDPOINT_PASSWORD``), never from the command line, where ``ps`` would show it.
"""

from __future__ import annotations

import base64
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from kg.errors import StoreError

log = logging.getLogger(__name__)
PASSWORD_VARIABLE = "KG_ENDPOINT_PASSWORD"
_NO_GSP = {
    HTTPStatus.NOT_FOUND,
    HTTPStatus.METHOD_NOT_ALLOWED,
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    HTTPStatus.NOT_IMPLEMENTED,
}
_TIMEOUT = 300.0


@dataclass(slots=True)
class LoadReport:
    """What was sent where."""

    graphs: list[str] = field(default_factory=list)
    triples: int = 0
    method: str = "gsp"
    """``gsp`` (Graph Store Protocol PUT) or ``update`` (SPARQL Update)."""


class Target:
    """A remote store: its update endpoint, optional Graph Store Protocol URL and credentials."""

    def __init__(
        self, endpoint: str, *, graph_store: str | None = None, user: str | None = None
    ) -> None:
        self.endpoint = endpoint
        self.graph_store = graph_store
        self.headers: dict[str, str] = {}
        self.opener = urllib.request.build_opener()
        if user is not None:
            password = os.environ.get(PASSWORD_VARIABLE)
            if password is None:
                raise StoreError(f"--user {user}: set the password in ${PASSWORD_VARIABLE}")
            # Basic is sent at once (Fuseki, GraphDB); a server that asks for Digest instead
            # (Virtuoso's *-auth endpoints) gets it from urllib's handler.
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            self.headers["Authorization"] = f"Basic {token}"
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (endpoint, graph_store):
                if url:
                    passwords.add_password(None, url, user, password)
            self.opener = urllib.request.build_opener(
                urllib.request.HTTPDigestAuthHandler(passwords)
            )

    def put(self, graph: str, ntriples: bytes) -> None:
        """Replace ``graph`` through the Graph Store Protocol."""
        if self.graph_store is None:
            raise StoreError("no Graph Store Protocol URL (kg load --graph-store)")
        url = _with_query(self.graph_store, {"graph": graph})
        self._send(url, "PUT", ntriples, "application/n-triples")

    def update(self, sparql: str) -> None:
        """Run a SPARQL update (form-encoded, which every SPARQL 1.1 server accepts)."""
        body = urlencode({"update": sparql}).encode("utf-8")
        self._send(self.endpoint, "POST", body, "application/x-www-form-urlencoded")

    def _send(self, url: str, method: str, body: bytes, media_type: str) -> None:
        headers = {"Content-Type": media_type, **self.headers}
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=_TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as err:
            detail = err.read(300).decode("utf-8", errors="replace").strip().splitlines()
            raise _HttpFailure(url, err.code, detail[0] if detail else err.reason) from err
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise StoreError(f"{_safe(url)}: cannot connect ({reason})") from err


class _HttpFailure(StoreError):
    def __init__(self, url: str, status: int, detail: str) -> None:
        super().__init__(f"{_safe(url)}: HTTP {status} ({detail})")
        self.status = status


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


def _safe(url: str) -> str:
    """A URL without any ``user:password@`` part, for messages."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.hostname or "")) if parts.password else url


def named_graphs(source: ox.Store) -> Iterator[tuple[str, bytes]]:
    """Each named graph of ``source`` (in IRI order) as N-Triples."""
    for graph in sorted(source.named_graphs(), key=str):
        if isinstance(graph, ox.NamedNode):
            yield graph.value, source.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)


def update_text(graph: str, ntriples: bytes) -> str:
    """The SPARQL update that replaces ``graph`` by these N-Triples (terms in N-Triples syntax,
    which SPARQL reads as they are: nothing of the data is formatted into the query)."""
    iri = str(ox.NamedNode(graph))
    return f"DROP SILENT GRAPH {iri} ;\nINSERT DATA {{ GRAPH {iri} {{\n{ntriples.decode()}}} }}"


def load(source: ox.Store, target: Target) -> LoadReport:
    """Send every named graph of ``source`` to ``target``.

    Raises:
        StoreError: the server refused a graph or cannot be reached (graphs sent before stay).
    """
    report = LoadReport(method="gsp" if target.graph_store else "update")
    for graph, ntriples in named_graphs(source):
        if report.method == "gsp":
            try:
                target.put(graph, ntriples)
            except _HttpFailure as err:
                if err.status not in _NO_GSP:
                    raise
                log.warning("%s; falling back to SPARQL Update", err)
                report.method = "update"
        if report.method == "update":
            target.update(update_text(graph, ntriples))
        report.graphs.append(graph)
        report.triples += ntriples.count(b"\n")
    return report


def load_path(
    *,
    endpoint: str,
    store: Path | None = None,
    data: Path | None = None,
    graph_store: str | None = None,
    user: str | None = None,
) -> LoadReport:
    """Load the embedded store (default ``out/store``) or an RDF file into a remote store."""
    from kg.query import load_data
    from kg.store import open_store

    target = Target(endpoint, graph_store=graph_store, user=user)
    source = load_data(data) if data else open_store(store or Path("out/store"))
    return load(source, target)
