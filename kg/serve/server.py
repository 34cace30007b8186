"""The HTTP side of the endpoint: routes, request bodies, statuses (``http.server``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from kg.errors import StoreError
from kg.serve.endpoint import Answer, Endpoint, Request, Settings
from kg.serve.errors import HttpError
from kg.serve.page import page

log = logging.getLogger(__name__)
_FORM = "application/x-www-form-urlencoded"
_MAX_BODY = 10 * 1024 * 1024


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
