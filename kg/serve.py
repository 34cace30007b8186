"""``kg serve``: a SPARQL 1.1 Protocol endpoint over the embedded store (standard library HTTP).

- ``GET /sparql?query=…`` and ``POST /sparql`` (``application/x-www-form-urlencoded`` with
  ``query=…``, or ``application/sparql-query``); ``default-graph-uri`` and ``named-graph-uri`` are
  honoured; without them the default graph is the union of the named graphs, as in ``kg query``.
- Results by content negotiation (``Accept``, or a ``format``/``output`` parameter): SPARQL JSON,
  XML, CSV or TSV for SELECT and ASK; Turtle, N-Triples, RDF/XML or JSON-LD for CONSTRUCT and
  DESCRIBE.
- Updates (``update=…`` or ``application/sparql-update``) are refused with 403 unless the server
  was started with ``allow_update``.
- Each query has a time limit (503 when exceeded; a read-only endpoint kills the query's process)
  and a result-size limit in rows or triples (413 when exceeded: a cut answer would look
  complete).
- ``/`` is a small page with a query box and the shipped queries; ``/graph.html`` is the network
  view written next to the store, when there is one.
"""

from __future__ import annotations

import html
import io
import json
import logging
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.process
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.errors import KgError, StoreError
from kg.query import shipped_queries
from kg.store import open_store, open_writable

log = logging.getLogger(__name__)

_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPHS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json": ox.RdfFormat.JSON_LD,
}
_FORM = "application/x-www-form-urlencoded"
_MAX_BODY = 10 * 1024 * 1024
_WORKERS = 4


class HttpError(Exception):
    """A request the endpoint answers with an error status and a one-line message."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Settings:
    """How the endpoint runs."""

    store: Path
    allow_update: bool = False
    timeout: float = 30.0
    """Seconds a query may run before the answer is a 503."""
    limit: int = 10_000
    """Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) in an answer."""


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer body with its media type."""

    body: bytes
    media_type: str


@dataclass(frozen=True, slots=True)
class Request:
    """A query and how its answer is wanted."""

    text: str
    accept: str = "*/*"
    fmt: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


class Endpoint:
    """The SPARQL operations behind the HTTP handler (usable without HTTP).

    Read-only, each query runs in its own process (forked from a forkserver that has pyoxigraph
    loaded) that reads the store and is killed when the time limit passes, so a runaway query
    cannot keep a core busy. With updates allowed, the store is open for writing in this process
    (a second process could not read it safely), and queries run in threads, which the time limit
    answers but cannot stop inside one sort or aggregate.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = (
            open_writable(settings.store) if settings.allow_update else open_store(settings.store)
        )
        self._slots = threading.BoundedSemaphore(_WORKERS)
        self._pool = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="sparql")
        self._children: set[multiprocessing.process.BaseProcess] = set()
        self._context = multiprocessing.get_context("forkserver")
        if not settings.allow_update:
            self._context.set_forkserver_preload(["kg.serve"])
            multiprocessing.forkserver.ensure_running()  # the first query need not wait for it

    def close(self) -> None:
        """Stop the running queries and the worker threads."""
        for child in list(self._children):
            child.kill()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def query(self, request: Request) -> Answer:
        """Run a query within the time and size limits and serialise the answer."""
        if not self._slots.acquire(timeout=self.settings.timeout):
            raise _timed_out(self.settings.timeout, busy=True)
        try:
            if self.settings.allow_update:
                return self._in_thread(request)
            return self._in_process(request)
        finally:
            self._slots.release()

    def _in_thread(self, request: Request) -> Answer:
        cancel = threading.Event()
        future = self._pool.submit(evaluate, self.store, request, self.settings.limit, cancel)
        try:
            return future.result(timeout=self.settings.timeout)
        except FutureTimeout as err:
            cancel.set()
            raise _timed_out(self.settings.timeout) from err

    def _in_process(self, request: Request) -> Answer:
        receive, send = self._context.Pipe(duplex=False)
        child = self._context.Process(
            target=_child,
            args=(str(self.settings.store), request, self.settings.limit, send),
            daemon=True,
        )
        self._children.add(child)
        try:
            child.start()
            send.close()
            if not receive.poll(self.settings.timeout):
                raise _timed_out(self.settings.timeout)
            status, body, media_type = receive.recv()
        except EOFError as err:
            raise HttpError(HTTPStatus.INTERNAL_SERVER_ERROR, "the query process died") from err
        finally:
            if child.is_alive():
                child.kill()
            child.join()
            receive.close()
            self._children.discard(child)
        if status != HTTPStatus.OK:
            raise HttpError(HTTPStatus(status), body.decode("utf-8"))
        return Answer(body, media_type)

    def update(self, text: str) -> None:
        """Run a SPARQL update, or refuse it when the endpoint is read-only."""
        if not self.settings.allow_update:
            raise HttpError(
                HTTPStatus.FORBIDDEN,
                "this endpoint is read-only: start it with `kg serve --allow-update` to update",
            )
        try:
            self.store.update(text)
        except SyntaxError as err:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"invalid SPARQL update: {err}") from err


def _timed_out(seconds: float, *, busy: bool = False) -> HttpError:
    what = "every query slot is busy" if busy else "query timed out"
    return HttpError(
        HTTPStatus.SERVICE_UNAVAILABLE, f"{what} after {seconds:g} s (kg serve --timeout)"
    )


def _child(path: str, request: Request, limit: int, send: Connection) -> None:
    """A query process: open the store read-only, answer, send (status, body, media type)."""
    try:
        answer = evaluate(open_store(Path(path)), request, limit)
        send.send((int(HTTPStatus.OK), answer.body, answer.media_type))
    except HttpError as err:
        send.send((int(err.status), str(err).encode("utf-8"), "text/plain"))
    except (KgError, OSError) as err:
        send.send((int(HTTPStatus.INTERNAL_SERVER_ERROR), str(err).encode("utf-8"), "text/plain"))
    finally:
        send.close()


def evaluate(
    store: ox.Store, request: Request, limit: int, cancel: threading.Event | None = None
) -> Answer:
    """Answer a query from ``store`` in the negotiated format, refusing more than ``limit``
    rows or triples; ``cancel`` stops reading results."""

    def run() -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        return store.query(
            request.text,
            use_default_graph_as_union=not request.default_graphs,
            default_graph=[ox.NamedNode(g) for g in request.default_graphs] or None,
            named_graphs=[ox.NamedNode(g) for g in request.named_graphs] or None,
        )

    try:
        results = run()
    except SyntaxError as err:
        raise HttpError(HTTPStatus.BAD_REQUEST, f"invalid SPARQL query: {err}") from err
    except ValueError as err:
        raise HttpError(HTTPStatus.BAD_REQUEST, str(err)) from err
    if isinstance(results, ox.QueryTriples):
        rdf_format = _negotiate_graph(request.accept, request.fmt)
        triples = list(_bounded(results, limit, cancel))
        return Answer(ox.serialize(triples, format=rdf_format), rdf_format.media_type)
    results_format = _negotiate_results(request.accept, request.fmt)
    if isinstance(results, ox.QuerySolutions):
        # Count within the limits first; serialise a second evaluation (pyoxigraph writes only
        # whole result iterators, and a cut answer would look complete).
        for _ in _bounded(results, limit, cancel):
            pass
        results = run()
    out = io.BytesIO()
    if not isinstance(results, ox.QueryTriples):
        results.serialize(out, format=results_format)
    return Answer(out.getvalue(), results_format.media_type)


def _bounded(
    items: Iterator[object], limit: int, cancel: threading.Event | None
) -> Iterator[object]:
    for count, item in enumerate(items, start=1):
        if cancel is not None and cancel.is_set():
            return
        if count > limit:
            raise HttpError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"the answer has more than {limit} rows: add a LIMIT or start kg serve with a "
                "larger --limit",
            )
        yield item


def _accepted(accept: str) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, order kept on ties)."""
    ranked = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, index, media.lower()))
    return [media for _, _, media in sorted(ranked)] or ["*/*"]


def _negotiate_results(accept: str, fmt: str | None) -> ox.QueryResultsFormat:
    if fmt and fmt.lower() in _RESULTS:
        return _RESULTS[fmt.lower()]
    for media in _accepted(accept):
        if media in ("*/*", "application/*", "application/json"):
            return ox.QueryResultsFormat.JSON
        if media == "text/plain":
            return ox.QueryResultsFormat.TSV
        found = ox.QueryResultsFormat.from_media_type(media)
        if found is not None:
            return found
    raise HttpError(
        HTTPStatus.NOT_ACCEPTABLE,
        "SELECT and ASK answer in application/sparql-results+json, application/sparql-results+"
        "xml, text/csv or text/tab-separated-values",
    )


def _negotiate_graph(accept: str, fmt: str | None) -> ox.RdfFormat:
    if fmt and fmt.lower() in _GRAPHS:
        return _GRAPHS[fmt.lower()]
    for media in _accepted(accept):
        if media in ("*/*", "text/*"):
            return ox.RdfFormat.TURTLE
        if media == "text/plain":
            return ox.RdfFormat.N_TRIPLES
        if media == "application/json":
            return ox.RdfFormat.JSON_LD
        found = ox.RdfFormat.from_media_type(media)
        if found in _GRAPHS.values():
            return found
    raise HttpError(
        HTTPStatus.NOT_ACCEPTABLE,
        "CONSTRUCT and DESCRIBE answer in text/turtle, application/n-triples, "
        "application/rdf+xml or application/ld+json",
    )


def page(network_view: bool) -> str:
    """The HTML page at ``/``: a query box, the shipped queries as examples, results as a table."""
    examples = {name: path.read_text(encoding="utf-8") for name, path in shipped_queries().items()}
    options = "".join(f"<option>{html.escape(name)}</option>" for name in examples)
    data = json.dumps(examples).replace("</", "<\\/")
    link = '<p><a href="graph.html">Open the network view</a></p>' if network_view else ""
    return _PAGE.format(options=options, examples=data, link=link)


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kg SPARQL endpoint</title>
<style>body{{font-family:sans-serif;margin:1.5em}}textarea{{width:100%;height:16em;
font-family:monospace}}table{{border-collapse:collapse;margin-top:1em}}td,th{{border:1px solid
#ccc;padding:.2em .4em;vertical-align:top;font-size:90%}}#status{{color:#555}}</style></head>
<body><h1>kg SPARQL endpoint</h1>
<p>SPARQL 1.1 Protocol at <code>/sparql</code> (GET or POST). Examples from <code>queries/</code>:
<select id="example"><option value="">choose…</option>{options}</select></p>
{link}
<form id="form"><textarea id="query" name="query">SELECT * WHERE {{ ?s ?p ?o }} LIMIT 20</textarea>
<p><button type="submit">Run</button> <span id="status"></span></p></form>
<div id="results"></div>
<script id="examples" type="application/json">{examples}</script>
<script>
const examples = JSON.parse(document.getElementById("examples").textContent);
const box = document.getElementById("query");
document.getElementById("example").onchange = e => {{ if (e.target.value) box.value =
  examples[e.target.value]; }};
document.getElementById("form").onsubmit = async e => {{
  e.preventDefault();
  const status = document.getElementById("status"), out = document.getElementById("results");
  status.textContent = "running…"; out.replaceChildren();
  const response = await fetch("sparql", {{method: "POST", body: new URLSearchParams(
    {{query: box.value}}), headers: {{"Accept": "application/sparql-results+json, text/turtle"}}}});
  const text = await response.text();
  if (!response.ok || !(response.headers.get("Content-Type") || "").includes("json")) {{
    const pre = document.createElement("pre"); pre.textContent = text; out.append(pre);
    status.textContent = response.ok ? "" : response.status + " " + response.statusText; return;
  }}
  const data = JSON.parse(text);
  if ("boolean" in data) {{ status.textContent = String(data.boolean); return; }}
  const table = document.createElement("table"), head = table.insertRow();
  for (const v of data.head.vars) {{ const th = document.createElement("th");
    th.textContent = v; head.append(th); }}
  for (const row of data.results.bindings) {{ const tr = table.insertRow();
    for (const v of data.head.vars) {{ tr.insertCell().textContent = row[v] ? row[v].value : "";
    }} }}
  status.textContent = data.results.bindings.length + " rows"; out.append(table);
}};
</script></body></html>
"""


class Handler(BaseHTTPRequestHandler):
    """One HTTP request: routes to the endpoint, turns its errors into statuses."""

    server: Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook
        self._answer(self._get)

    def do_POST(self) -> None:  # noqa: N802 - the http.server hook
        self._answer(self._post)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib name
        log.info("%s %s", self.address_string(), format % args)

    def _get(self) -> Answer | None:
        url = urlsplit(self.path)
        params = parse_qs(url.query)
        if url.path in ("/", "/index.html"):
            view = self.server.network_view
            return Answer(page(view is not None).encode("utf-8"), "text/html; charset=utf-8")
        if url.path == "/graph.html" and self.server.network_view is not None:
            return Answer(self.server.network_view.read_bytes(), "text/html; charset=utf-8")
        if url.path not in ("/sparql", "/query"):
            raise HttpError(HTTPStatus.NOT_FOUND, f"{url.path}: no such page (try /sparql)")
        if "update" in params:
            raise HttpError(HTTPStatus.BAD_REQUEST, "updates must be sent with POST")
        return self._query(params)

    def _post(self) -> Answer | None:
        url = urlsplit(self.path)
        if url.path not in ("/sparql", "/query", "/update"):
            raise HttpError(HTTPStatus.NOT_FOUND, f"{url.path}: no such endpoint (try /sparql)")
        params = parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            raise HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large")
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        media = (self.headers.get("Content-Type") or _FORM).split(";")[0].strip().lower()
        if media == _FORM:
            params.update(parse_qs(body))
        elif media == "application/sparql-query":
            params["query"] = [body]
        elif media == "application/sparql-update":
            params["update"] = [body]
        else:
            raise HttpError(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                f"{media}: send {_FORM}, application/sparql-query or application/sparql-update",
            )
        if "update" in params:
            self.server.endpoint.update(params["update"][0])
            return None
        return self._query(params)

    def _query(self, params: dict[str, list[str]]) -> Answer:
        if "query" not in params:
            raise HttpError(HTTPStatus.BAD_REQUEST, "missing query parameter")
        fmt = (params.get("format") or params.get("output") or [None])[0]
        return self.server.endpoint.query(
            Request(
                params["query"][0],
                accept=self.headers.get("Accept") or "*/*",
                fmt=fmt,
                default_graphs=tuple(params.get("default-graph-uri", ())),
                named_graphs=tuple(params.get("named-graph-uri", ())),
            )
        )

    def _answer(self, route: Callable[[], Answer | None]) -> None:
        try:
            answer = route()
        except HttpError as err:
            self._send(err.status, f"{err}\n".encode(), "text/plain; charset=utf-8")
            return
        except OSError as err:
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, f"{err}\n".encode(), "text/plain")
            return
        if answer is None:
            self._send(HTTPStatus.NO_CONTENT, b"", None)
        else:
            self._send(HTTPStatus.OK, answer.body, answer.media_type)

    def _send(self, status: HTTPStatus, body: bytes, media_type: str | None) -> None:
        self.send_response(status)
        if media_type:
            self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class Server(ThreadingHTTPServer):
    """The HTTP server, holding the endpoint and the network view's path."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], settings: Settings) -> None:
        self.endpoint = Endpoint(settings)
        view = settings.store.parent / "graph.html"
        self.network_view: Path | None = view if view.is_file() else None
        try:
            super().__init__(address, Handler)
        except OSError as err:
            self.endpoint.close()
            raise StoreError(f"cannot listen on {address[0]}:{address[1]} ({err})") from err

    def server_close(self) -> None:
        """Close the socket and the endpoint's workers."""
        super().server_close()
        self.endpoint.close()


def make_server(settings: Settings, *, host: str = "127.0.0.1", port: int = 7878) -> Server:
    """An endpoint server bound to ``host:port`` (call ``serve_forever`` on it).

    Raises:
        StoreError: the store cannot be opened, or the address cannot be bound.
    """
    return Server((host, port), settings)
